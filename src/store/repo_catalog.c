/*
 * store/repo_catalog.c — price points, upgrade paths and exchange rates in SQL (see
 * repo_catalog.h). The portable upserts (`ON CONFLICT ... DO`) run on SQLite >= 3.24 and
 * PostgreSQL alike.
 */
#include <stdio.h>
#include <string.h>

#include "store/repo_catalog.h"

static int bind_dec(struct db_stmt *st, int idx, struct dec d, struct err *err)
{
    char buf[DEC_STRLEN];

    dec_format(d, buf);
    return db_bind_text(st, idx, buf, err);
}

static int bind_date(struct db_stmt *st, int idx, struct date d, struct err *err)
{
    char buf[DATE_STRLEN];

    date_format(d, buf);
    return db_bind_text(st, idx, buf, err);
}

static int run(struct db_stmt *st, struct err *err)
{
    int rc = db_step(st, err) < 0 ? -1 : 0;

    db_finalize(st);
    return rc;
}

int repo_catalog_add_price(struct db *db, const struct price_point *p, const char *product,
                           const char *source, struct err *err)
{
    static const char sql[] =
        "INSERT INTO price_points (sku, product, term, billing, market, currency, unit_price,"
        " erp_price, effective_from, source, effective_to) VALUES (?,?,?,?,?,?,?,?,?,?,?)";
    struct db_stmt *st = NULL;

    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, p->sku, err) < 0 ||
        (product ? db_bind_text(st, 2, product, err) : db_bind_null(st, 2, err)) < 0 ||
        db_bind_text(st, 3, term_name(p->term), err) < 0 ||
        db_bind_text(st, 4, billing_name(p->billing), err) < 0 ||
        db_bind_text(st, 5, p->market, err) < 0 || db_bind_text(st, 6, p->currency, err) < 0 ||
        bind_dec(st, 7, p->unit_price, err) < 0 ||
        (dec_is_zero(p->erp_price) ? db_bind_null(st, 8, err)
                                   : bind_dec(st, 8, p->erp_price, err)) < 0 ||
        bind_date(st, 9, p->effective_from, err) < 0 ||
        (source ? db_bind_text(st, 10, source, err) : db_bind_null(st, 10, err)) < 0 ||
        (p->effective_to.year ? bind_date(st, 11, p->effective_to, err)
                              : db_bind_null(st, 11, err)) < 0) {
        db_finalize(st);
        return -1;
    }
    return run(st, err);
}

int repo_catalog_add_path(struct db *db, const char *from, const char *to, struct err *err)
{
    static const char sql[] = "INSERT INTO upgrade_paths (from_sku, to_sku) VALUES (?,?)"
                              " ON CONFLICT (from_sku, to_sku) DO NOTHING";
    struct db_stmt *st = NULL;

    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, from, err) < 0 || db_bind_text(st, 2, to, err) < 0) {
        db_finalize(st);
        return -1;
    }
    return run(st, err);
}

int repo_catalog_add_rate(struct db *db, const struct fx_rate *r, struct err *err)
{
    static const char sql[] =
        "INSERT INTO exchange_rates (from_currency, to_currency, rate, effective_from)"
        " VALUES (?,?,?,?) ON CONFLICT (from_currency, to_currency, effective_from)"
        " DO UPDATE SET rate = excluded.rate";
    struct db_stmt *st = NULL;

    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, r->from, err) < 0 || db_bind_text(st, 2, r->to, err) < 0 ||
        bind_dec(st, 3, r->rate, err) < 0 || bind_date(st, 4, r->effective_from, err) < 0) {
        db_finalize(st);
        return -1;
    }
    return run(st, err);
}

static int col_copy(struct db_stmt *st, int col, char *buf, size_t cap, const char *what,
                    struct err *err)
{
    const char *t = db_column_text(st, col);

    if (!t || strlen(t) >= cap)
        return err_set(err, ERR_PARSE, what, "stored %s '%s' is empty or too long", what,
                       t ? t : "");
    memcpy(buf, t, strlen(t) + 1);
    return 0;
}

static int load_prices(struct db *db, const char *sku, struct catalog *c, struct err *err)
{
    static const char all[] =
        "SELECT sku, term, billing, market, currency, unit_price, erp_price, effective_from,"
        " effective_to FROM price_points";
    char sql[sizeof(all) + 48];
    struct db_stmt *st = NULL;
    int rc = -1, step;

    /* in the order they were stored: a later row of the same plan and day wins */
    snprintf(sql, sizeof(sql), "%s%s ORDER BY id", all, sku ? " WHERE sku = ?" : "");
    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (sku && db_bind_text(st, 1, sku, err) < 0)
        goto out;
    while ((step = db_step(st, err)) == DB_ROW) {
        struct price_point p;
        const char *t = db_column_text(st, 1), *b = db_column_text(st, 2);
        const char *erp = db_column_text(st, 6), *eff = db_column_text(st, 7);
        const char *to = db_column_text(st, 8);

        memset(&p, 0, sizeof(p));
        if (col_copy(st, 0, p.sku, sizeof(p.sku), "sku", err) < 0 ||
            col_copy(st, 3, p.market, sizeof(p.market), "market", err) < 0 ||
            col_copy(st, 4, p.currency, sizeof(p.currency), "currency", err) < 0)
            goto out;
        if (!t || !b || term_from_name(t, &p.term) < 0 || billing_from_name(b, &p.billing) < 0) {
            /* a plan cspd does not bill (e.g. a one-time row): not a license price point */
            continue;
        }
        if (dec_parse_cstr(db_column_text(st, 5) ? db_column_text(st, 5) : "", &p.unit_price,
                           err) < 0 ||
            (erp && dec_parse_cstr(erp, &p.erp_price, err) < 0) ||
            date_parse_cstr(eff ? eff : "", &p.effective_from, err) < 0 ||
            (to && to[0] && date_parse_cstr(to, &p.effective_to, err) < 0) ||
            catalog_add_price(c, &p, err) < 0)
            goto out;
    }
    if (step < 0)
        goto out;
    rc = 0;
out:
    db_finalize(st);
    return rc;
}

static int load_paths(struct db *db, const char *sku, struct catalog *c, struct err *err)
{
    struct db_stmt *st = NULL;
    int rc = -1, step;

    if (db_prepare(db,
                   sku ? "SELECT from_sku, to_sku FROM upgrade_paths WHERE from_sku = ?"
                       : "SELECT from_sku, to_sku FROM upgrade_paths",
                   &st, err) < 0)
        return -1;
    if (sku && db_bind_text(st, 1, sku, err) < 0)
        goto out;
    while ((step = db_step(st, err)) == DB_ROW) {
        const char *f = db_column_text(st, 0), *t = db_column_text(st, 1);

        if (catalog_add_path(c, f ? f : "", t ? t : "", err) < 0)
            goto out;
    }
    if (step < 0)
        goto out;
    rc = 0;
out:
    db_finalize(st);
    return rc;
}

static int load_rates(struct db *db, struct catalog *c, struct err *err)
{
    struct db_stmt *st = NULL;
    int rc = -1, step;

    if (db_prepare(db,
                   "SELECT from_currency, to_currency, rate, effective_from FROM exchange_rates",
                   &st, err) < 0)
        return -1;
    while ((step = db_step(st, err)) == DB_ROW) {
        struct fx_rate r;
        const char *rate = db_column_text(st, 2), *eff = db_column_text(st, 3);

        memset(&r, 0, sizeof(r));
        if (col_copy(st, 0, r.from, sizeof(r.from), "currency", err) < 0 ||
            col_copy(st, 1, r.to, sizeof(r.to), "currency", err) < 0 ||
            dec_parse_cstr(rate ? rate : "", &r.rate, err) < 0 ||
            date_parse_cstr(eff ? eff : "", &r.effective_from, err) < 0 ||
            catalog_add_rate(c, &r, err) < 0)
            goto out;
    }
    if (step < 0)
        goto out;
    rc = 0;
out:
    db_finalize(st);
    return rc;
}

int repo_catalog_load(struct db *db, const char *const *skus, size_t nskus, struct catalog *c,
                      struct err *err)
{
    if (nskus == 0) {
        if (load_prices(db, NULL, c, err) < 0 || load_paths(db, NULL, c, err) < 0)
            return -1;
    } else {
        for (size_t i = 0; i < nskus; i++) {
            bool dup = false;

            for (size_t k = 0; k < i; k++)
                dup = dup || strcmp(skus[k], skus[i]) == 0;
            if (dup || !skus[i] || !skus[i][0])
                continue;
            if (load_prices(db, skus[i], c, err) < 0 || load_paths(db, skus[i], c, err) < 0)
                return -1;
        }
    }
    if (load_rates(db, c, err) < 0)
        return -1;
    catalog_seal(c);
    return 0;
}
