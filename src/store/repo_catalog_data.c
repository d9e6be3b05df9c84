/*
 * store/repo_catalog_data.c — upgrade paths, prerequisites, EST rules, seat limits and
 * exchange rates in SQL (see repo_catalog_data.h). Small tables, edited rarely and read by
 * key: one statement per call, prepared and finalized on the spot.
 */
#include <stdio.h>
#include <string.h>

#include "store/repo_catalog_data.h"

static const char *const link_table[] = {"upgrade_paths", "sku_prerequisites"};
static const char *const link_key[] = {"from_sku", "sku"};
static const char *const link_value[] = {"to_sku", "requires"};

static int copy_text(struct db_stmt *st, int col, char *buf, size_t cap)
{
    const char *t = db_column_text(st, col);

    snprintf(buf, cap, "%s", t ? t : "");
    return 0;
}

static int col_dec(struct db_stmt *st, int col, struct dec *out, struct err *err)
{
    const char *t = db_column_text(st, col);

    if (!t || dec_parse_cstr(t, out, err) < 0)
        return err_set(err, ERR_DB, "", "stored decimal in column %d is not a number", col);
    return 0;
}

static int bind_dec(struct db_stmt *st, int idx, struct dec d, struct err *err)
{
    char buf[DEC_STRLEN];

    dec_format(d, buf);
    return db_bind_text(st, idx, buf, err);
}

static int bind_opt(struct db_stmt *st, int idx, const char *s, struct err *err)
{
    return s && *s ? db_bind_text(st, idx, s, err) : db_bind_null(st, idx, err);
}

/* Step a statement with no result rows, then finalize it. */
static int run(struct db_stmt *st, struct err *err)
{
    int rc = db_step(st, err) < 0 ? -1 : 0;

    db_finalize(st);
    return rc;
}

/* ---- links ---- */

int repo_catdata_links_delete(struct db *db, enum catdata_link k, const char *key,
                              int64_t *removed, struct err *err)
{
    char sql[128];
    struct db_stmt *st = NULL;

    snprintf(sql, sizeof(sql), "DELETE FROM %s%s%s%s", link_table[k], key ? " WHERE " : "",
             key ? link_key[k] : "", key ? " = ?" : "");
    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (key && db_bind_text(st, 1, key, err) < 0) {
        db_finalize(st);
        return -1;
    }
    if (run(st, err) < 0)
        return -1;
    if (removed)
        *removed = db_changes(db);
    return 0;
}

int repo_catdata_link_insert(struct db *db, enum catdata_link k, const struct catdata_link_row *r,
                             instant_t now, struct err *err)
{
    struct db_stmt *st = NULL;
    int rc;

    if (k == CATDATA_PATHS)
        rc = db_prepare(db, "INSERT INTO upgrade_paths (from_sku, to_sku) VALUES (?, ?)"
                        " ON CONFLICT (from_sku, to_sku) DO NOTHING", &st, err);
    else
        rc = db_prepare(db, "INSERT INTO sku_prerequisites (sku, requires, note, updated_at)"
                        " VALUES (?, ?, ?, ?) ON CONFLICT (sku, requires) DO UPDATE SET"
                        " note = excluded.note, updated_at = excluded.updated_at", &st, err);
    if (rc < 0)
        return -1;
    if (db_bind_text(st, 1, r->key, err) < 0 || db_bind_text(st, 2, r->value, err) < 0 ||
        (k == CATDATA_PREREQS &&
         (bind_opt(st, 3, r->note, err) < 0 || db_bind_int64(st, 4, now, err) < 0))) {
        db_finalize(st);
        return -1;
    }
    return run(st, err);
}

int repo_catdata_links_each(struct db *db, enum catdata_link k, const char *key,
                            catdata_link_fn fn, void *ctx, struct err *err)
{
    char sql[192];
    struct db_stmt *st = NULL;
    int step, rc = -1;

    snprintf(sql, sizeof(sql), "SELECT %s, %s, %s FROM %s%s%s%s ORDER BY 1, 2", link_key[k],
             link_value[k], k == CATDATA_PREREQS ? "note" : "NULL", link_table[k],
             key ? " WHERE " : "", key ? link_key[k] : "", key ? " = ?" : "");
    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (key && db_bind_text(st, 1, key, err) < 0)
        goto out;
    while ((step = db_step(st, err)) == DB_ROW) {
        struct catdata_link_row r;

        copy_text(st, 0, r.key, sizeof(r.key));
        copy_text(st, 1, r.value, sizeof(r.value));
        copy_text(st, 2, r.note, sizeof(r.note));
        if ((rc = fn(ctx, &r, err)) != 0)
            goto out;
    }
    rc = step < 0 ? -1 : 0;
out:
    db_finalize(st);
    return rc;
}

/* ---- EST rules ---- */

int repo_catdata_est_put(struct db *db, const struct catdata_est_rule *r, instant_t now,
                         struct err *err)
{
    static const char sql[] =
        "INSERT INTO est_rules (product_id, eligible, uplift_p1m, uplift_fallback, note,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (product_id) DO UPDATE SET"
        " eligible = excluded.eligible, uplift_p1m = excluded.uplift_p1m,"
        " uplift_fallback = excluded.uplift_fallback, note = excluded.note,"
        " updated_at = excluded.updated_at";
    struct db_stmt *st = NULL;

    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, r->product_id, err) < 0 ||
        db_bind_int64(st, 2, r->eligible, err) < 0 || bind_dec(st, 3, r->uplift_p1m, err) < 0 ||
        bind_dec(st, 4, r->uplift_fallback, err) < 0 || bind_opt(st, 5, r->note, err) < 0 ||
        db_bind_int64(st, 6, now, err) < 0) {
        db_finalize(st);
        return -1;
    }
    return run(st, err);
}

static int delete_one(struct db *db, const char *sql, const char *key, bool *found,
                      struct err *err)
{
    struct db_stmt *st = NULL;

    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, key, err) < 0) {
        db_finalize(st);
        return -1;
    }
    if (run(st, err) < 0)
        return -1;
    *found = db_changes(db) > 0;
    return 0;
}

int repo_catdata_est_delete(struct db *db, const char *product_id, bool *found,
                            struct err *err)
{
    return delete_one(db, "DELETE FROM est_rules WHERE product_id = ?", product_id, found, err);
}

static int est_walk(struct db *db, const char *product_id, catdata_est_fn fn, void *ctx,
                    struct err *err)
{
    char sql[160];
    struct db_stmt *st = NULL;
    int step, rc = -1;

    snprintf(sql, sizeof(sql), "SELECT product_id, eligible, uplift_p1m, uplift_fallback, note"
             " FROM est_rules%s ORDER BY product_id", product_id ? " WHERE product_id = ?" : "");
    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (product_id && db_bind_text(st, 1, product_id, err) < 0)
        goto out;
    while ((step = db_step(st, err)) == DB_ROW) {
        struct catdata_est_rule r;

        copy_text(st, 0, r.product_id, sizeof(r.product_id));
        r.eligible = db_column_int64(st, 1) != 0;
        if (col_dec(st, 2, &r.uplift_p1m, err) < 0 ||
            col_dec(st, 3, &r.uplift_fallback, err) < 0)
            goto out;
        copy_text(st, 4, r.note, sizeof(r.note));
        if ((rc = fn(ctx, &r, err)) != 0)
            goto out;
    }
    rc = step < 0 ? -1 : 0;
out:
    db_finalize(st);
    return rc;
}

struct one_est {
    bool *found;
    struct catdata_est_rule *r;
};

static int keep_est(void *ctx, const struct catdata_est_rule *r, struct err *err)
{
    struct one_est *o = ctx;

    (void)err;
    *o->found = true;
    *o->r = *r;
    return 0;
}

int repo_catdata_est_get(struct db *db, const char *product_id, bool *found,
                         struct catdata_est_rule *r, struct err *err)
{
    struct one_est o = {found, r};

    *found = false;
    return est_walk(db, product_id, keep_est, &o, err);
}

int repo_catdata_est_each(struct db *db, catdata_est_fn fn, void *ctx, struct err *err)
{
    return est_walk(db, NULL, fn, ctx, err);
}

/* ---- seat limits ---- */

int repo_catdata_seats_put(struct db *db, const struct catdata_seat_limit *r, instant_t now,
                           struct err *err)
{
    static const char sql[] =
        "INSERT INTO seat_limits (sku, min_seats, max_seats, updated_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (sku) DO UPDATE SET min_seats = excluded.min_seats,"
        " max_seats = excluded.max_seats, updated_at = excluded.updated_at";
    struct db_stmt *st = NULL;

    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, r->sku, err) < 0 || db_bind_int64(st, 2, r->min_seats, err) < 0 ||
        (r->has_max ? db_bind_int64(st, 3, r->max_seats, err) : db_bind_null(st, 3, err)) < 0 ||
        db_bind_int64(st, 4, now, err) < 0) {
        db_finalize(st);
        return -1;
    }
    return run(st, err);
}

int repo_catdata_seats_delete(struct db *db, const char *sku, bool *found, struct err *err)
{
    return delete_one(db, "DELETE FROM seat_limits WHERE sku = ?", sku, found, err);
}

static int seats_walk(struct db *db, const char *sku, catdata_seat_fn fn, void *ctx,
                      struct err *err)
{
    char sql[128];
    struct db_stmt *st = NULL;
    int step, rc = -1;

    snprintf(sql, sizeof(sql), "SELECT sku, min_seats, max_seats FROM seat_limits%s"
             " ORDER BY sku", sku ? " WHERE sku = ?" : "");
    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (sku && db_bind_text(st, 1, sku, err) < 0)
        goto out;
    while ((step = db_step(st, err)) == DB_ROW) {
        struct catdata_seat_limit r;

        copy_text(st, 0, r.sku, sizeof(r.sku));
        r.min_seats = (int32_t)db_column_int64(st, 1);
        r.has_max = !db_column_is_null(st, 2);
        r.max_seats = r.has_max ? (int32_t)db_column_int64(st, 2) : 0;
        if ((rc = fn(ctx, &r, err)) != 0)
            goto out;
    }
    rc = step < 0 ? -1 : 0;
out:
    db_finalize(st);
    return rc;
}

struct one_seat {
    bool *found;
    struct catdata_seat_limit *r;
};

static int keep_seat(void *ctx, const struct catdata_seat_limit *r, struct err *err)
{
    struct one_seat *o = ctx;

    (void)err;
    *o->found = true;
    *o->r = *r;
    return 0;
}

int repo_catdata_seats_get(struct db *db, const char *sku, bool *found,
                           struct catdata_seat_limit *r, struct err *err)
{
    struct one_seat o = {found, r};

    *found = false;
    return seats_walk(db, sku, keep_seat, &o, err);
}

int repo_catdata_seats_each(struct db *db, catdata_seat_fn fn, void *ctx, struct err *err)
{
    return seats_walk(db, NULL, fn, ctx, err);
}

/* ---- exchange rates ---- */

int repo_catdata_rates_each(struct db *db, const char *from, const char *to,
                            catdata_rate_fn fn, void *ctx, struct err *err)
{
    static const char sql[] =
        "SELECT from_currency, to_currency, rate, effective_from FROM exchange_rates"
        " WHERE (? IS NULL OR from_currency = ?) AND (? IS NULL OR to_currency = ?)"
        " ORDER BY from_currency, to_currency, effective_from";
    struct db_stmt *st = NULL;
    int step, rc = -1;

    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (bind_opt(st, 1, from, err) < 0 || bind_opt(st, 2, from, err) < 0 ||
        bind_opt(st, 3, to, err) < 0 || bind_opt(st, 4, to, err) < 0)
        goto out;
    while ((step = db_step(st, err)) == DB_ROW) {
        struct fx_rate r;
        const char *day = db_column_text(st, 3);

        memset(&r, 0, sizeof(r));
        copy_text(st, 0, r.from, sizeof(r.from));
        copy_text(st, 1, r.to, sizeof(r.to));
        if (col_dec(st, 2, &r.rate, err) < 0 || !day ||
            date_parse_cstr(day, &r.effective_from, err) < 0)
            goto out;
        if ((rc = fn(ctx, &r, err)) != 0)
            goto out;
    }
    rc = step < 0 ? -1 : 0;
out:
    db_finalize(st);
    return rc;
}

/* ---- known ids ---- */

static int exists(struct db *db, const char *sql, const char *a, bool *yes, struct err *err)
{
    struct db_stmt *st = NULL;
    int step;

    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, a, err) < 0 || db_bind_text(st, 2, a, err) < 0) {
        db_finalize(st);
        return -1;
    }
    step = db_step(st, err);
    db_finalize(st);
    if (step < 0)
        return -1;
    *yes = step == DB_ROW;
    return 0;
}

int repo_catdata_sku_known(struct db *db, const char *sku, bool *known, struct err *err)
{
    return exists(db, "SELECT 1 FROM skus WHERE id = ? UNION ALL"
                  " SELECT 1 FROM price_points WHERE sku = ? LIMIT 1", sku, known, err);
}

int repo_catdata_product_known(struct db *db, const char *product_id, bool *known,
                               struct err *err)
{
    return exists(db, "SELECT 1 FROM products WHERE id = ? UNION ALL"
                  " SELECT 1 FROM skus WHERE product_id = ? LIMIT 1", product_id, known, err);
}
