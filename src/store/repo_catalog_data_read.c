/*
 * store/repo_catalog_data_read.c — reads of the imported catalog for the API and CLI
 * (products, a SKU's price points), the base-licence check, and the queries of the price
 * increase alert (see repo_catalog_data.h).
 *
 * Workload: a listing or lookup touches one SKU's rows (tens to a few thousand, through the
 * price_points_lookup index); the alert walks the rows one import wrote (every row of a first
 * import, a few thousand changes in a monthly one) and asks for each the row it replaces and
 * the subscriptions renewing on it, each through an index, with statements prepared once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/repo_catalog_data.h"

#define PRICE_COLS \
    "id, sku, COALESCE(product, ''), market, currency, COALESCE(segment, '')," \
    " COALESCE(tier_min, ''), COALESCE(tags, ''), term, billing, unit_price, term_price," \
    " erp_price, effective_from, effective_to, COALESCE(import_id, 0)"

static void copy_text(struct db_stmt *st, int col, char *buf, size_t cap)
{
    const char *t = db_column_text(st, col);

    snprintf(buf, cap, "%s", t ? t : "");
}

/* 1 a price row, 0 a row cspd does not bill (an unknown plan), -1 a corrupt row. */
static int read_price(struct db_stmt *st, struct catdata_price *p, struct err *err)
{
    const char *term = db_column_text(st, 8), *bill = db_column_text(st, 9);
    const char *unit = db_column_text(st, 10), *tp = db_column_text(st, 11);
    const char *erp = db_column_text(st, 12), *from = db_column_text(st, 13);
    const char *to = db_column_text(st, 14);

    memset(p, 0, sizeof(*p));
    p->id = db_column_int64(st, 0);
    copy_text(st, 1, p->sku, sizeof(p->sku));
    copy_text(st, 2, p->product, sizeof(p->product));
    copy_text(st, 3, p->market, sizeof(p->market));
    copy_text(st, 4, p->currency, sizeof(p->currency));
    copy_text(st, 5, p->segment, sizeof(p->segment));
    copy_text(st, 6, p->tier_min, sizeof(p->tier_min));
    copy_text(st, 7, p->tags, sizeof(p->tags));
    p->import_id = db_column_int64(st, 15);
    if (!term || !bill || term_from_name(term, &p->term) < 0 ||
        billing_from_name(bill, &p->billing) < 0)
        return 0;
    p->has_term_price = tp != NULL;
    p->has_erp = erp != NULL;
    p->has_effective_to = to != NULL;
    if (!unit || dec_parse_cstr(unit, &p->unit_price, err) < 0 ||
        (tp && dec_parse_cstr(tp, &p->term_price, err) < 0) ||
        (erp && dec_parse_cstr(erp, &p->erp_price, err) < 0) || !from ||
        date_parse_cstr(from, &p->effective_from, err) < 0 ||
        (to && date_parse_cstr(to, &p->effective_to, err) < 0))
        return err_set(err, ERR_DB, "", "price point %lld is corrupt", (long long)p->id);
    return 1;
}

static int bind_opt(struct db_stmt *st, int idx, const char *s, struct err *err)
{
    return s && *s ? db_bind_text(st, idx, s, err) : db_bind_null(st, idx, err);
}

static int bind_date(struct db_stmt *st, int idx, struct date d, struct err *err)
{
    char buf[DATE_STRLEN];

    date_format(d, buf);
    return db_bind_text(st, idx, buf, err);
}

/* Hand every price row of a prepared, bound statement to fn; finalizes it. */
static int walk_prices(struct db_stmt *st, catdata_price_fn fn, void *ctx, struct err *err)
{
    int step, rc = -1;

    while ((step = db_step(st, err)) == DB_ROW) {
        struct catdata_price p;
        int r = read_price(st, &p, err);

        if (r < 0)
            goto out;
        if (r == 0)
            continue;
        if ((rc = fn(ctx, &p, err)) != 0)
            goto out;
    }
    rc = step < 0 ? -1 : 0;
out:
    db_finalize(st);
    return rc;
}

/* "%text%" for LIKE ... ESCAPE '\', lower-cased, wildcards escaped. NULL when out of room. */
static char *like_pattern(const char *q)
{
    size_t n = strlen(q), o = 0;
    char *p = malloc(2 * n + 3);

    if (!p)
        return NULL;
    p[o++] = '%';
    for (size_t i = 0; i < n; i++) {
        char c = q[i];

        if (c == '%' || c == '_' || c == '\\')
            p[o++] = '\\';
        p[o++] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
    }
    p[o++] = '%';
    p[o] = '\0';
    return p;
}

int repo_catdata_products_each(struct db *db, const char *query, const char *market, long limit,
                               catdata_product_fn fn, void *ctx, struct err *err)
{
    static const char sql[] =
        "SELECT p.id, p.title, p.publisher, s.id, s.sku_id, s.title, s.tags"
        " FROM products p JOIN skus s ON s.product_id = p.id"
        " WHERE (? IS NULL OR lower(p.title) LIKE ? ESCAPE '\\'"
        "        OR lower(s.title) LIKE ? ESCAPE '\\' OR p.id = ? OR s.id = ?)"
        "   AND (? IS NULL OR EXISTS (SELECT 1 FROM price_points pp"
        "        WHERE pp.sku = s.id AND pp.market = ?))"
        " ORDER BY p.title, p.id, s.id LIMIT ?";
    struct db_stmt *st = NULL;
    char *like = NULL;
    int step, rc = -1;

    if (query && *query && !(like = like_pattern(query)))
        return err_set(err, ERR_NOMEM, "", "out of memory");
    if (db_prepare(db, sql, &st, err) < 0)
        goto out;
    if (bind_opt(st, 1, like, err) < 0 || bind_opt(st, 2, like, err) < 0 ||
        bind_opt(st, 3, like, err) < 0 || bind_opt(st, 4, query, err) < 0 ||
        bind_opt(st, 5, query, err) < 0 || bind_opt(st, 6, market, err) < 0 ||
        bind_opt(st, 7, market, err) < 0 || db_bind_int64(st, 8, limit, err) < 0)
        goto out;
    while ((step = db_step(st, err)) == DB_ROW) {
        struct catdata_product_sku p = {
            db_column_text(st, 0), db_column_text(st, 1), db_column_text(st, 2),
            db_column_text(st, 3), db_column_text(st, 4), db_column_text(st, 5),
            db_column_text(st, 6),
        };

        if ((rc = fn(ctx, &p, err)) != 0)
            goto out;
    }
    rc = step < 0 ? -1 : 0;
out:
    db_finalize(st);
    free(like);
    return rc;
}

int repo_catdata_prices_each(struct db *db, const struct catdata_price_filter *f,
                             catdata_price_fn fn, void *ctx, struct err *err)
{
    /* with a day: the rows in effect that day, less those a later-starting row of the same
       plan, segment and tier replaces (the price in effect, nce-rules Part A 9) */
    static const char sql[] =
        "SELECT " PRICE_COLS " FROM price_points p WHERE sku = ?"
        " AND (? IS NULL OR market = ?) AND (? IS NULL OR currency = ?)"
        " AND (? IS NULL OR (term = ? AND billing = ?))"
        " AND (? IS NULL OR (effective_from <= ? AND (effective_to IS NULL OR effective_to >= ?)"
        "  AND NOT EXISTS (SELECT 1 FROM price_points n WHERE n.sku = p.sku"
        "   AND n.term = p.term AND n.billing = p.billing AND n.market = p.market"
        "   AND n.currency = p.currency AND COALESCE(n.segment, '') = COALESCE(p.segment, '')"
        "   AND COALESCE(n.tier_min, '') = COALESCE(p.tier_min, '')"
        "   AND n.effective_from > p.effective_from AND n.effective_from <= ?"
        "   AND (n.effective_to IS NULL OR n.effective_to >= ?))))"
        " ORDER BY market, currency, term, billing, effective_from, id";
    struct db_stmt *st = NULL;
    const char *plan = f->has_plan ? "1" : NULL;
    char day[DATE_STRLEN] = "";

    if (f->has_at)
        date_format(f->at, day);
    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, f->sku, err) < 0 || bind_opt(st, 2, f->market, err) < 0 ||
        bind_opt(st, 3, f->market, err) < 0 || bind_opt(st, 4, f->currency, err) < 0 ||
        bind_opt(st, 5, f->currency, err) < 0 || bind_opt(st, 6, plan, err) < 0 ||
        bind_opt(st, 7, f->has_plan ? term_name(f->term) : NULL, err) < 0 ||
        bind_opt(st, 8, f->has_plan ? billing_name(f->billing) : NULL, err) < 0 ||
        bind_opt(st, 9, day, err) < 0 || bind_opt(st, 10, day, err) < 0 ||
        bind_opt(st, 11, day, err) < 0 || bind_opt(st, 12, day, err) < 0 ||
        bind_opt(st, 13, day, err) < 0) {
        db_finalize(st);
        return -1;
    }
    return walk_prices(st, fn, ctx, err);
}

int repo_catdata_customer_holds(struct db *db, const char *customer_id, const char *requires,
                                bool *holds, struct err *err)
{
    static const char sql[] =
        "SELECT 1 FROM subscriptions WHERE customer_id = ? AND status IN ('active', 'est')"
        " AND quantity > 0 AND (sku = ? OR (? IS NOT NULL AND sku LIKE ? ESCAPE '\\')) LIMIT 1";
    struct db_stmt *st = NULL;
    char family[SKU_MAX + 4] = "";
    bool is_family = strchr(requires, ':') == NULL;
    int step;

    if (is_family) {
        size_t o = 0;

        /* product ids are letters, digits, '-' and '_': escape the one LIKE wildcard */
        for (const char *c = requires; *c && o + 4 < sizeof(family); c++) {
            if (*c == '_' || *c == '%' || *c == '\\')
                family[o++] = '\\';
            family[o++] = *c;
        }
        family[o++] = ':';
        family[o++] = '%';
        family[o] = '\0';
    }
    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, customer_id, err) < 0 || db_bind_text(st, 2, requires, err) < 0 ||
        bind_opt(st, 3, is_family ? "1" : NULL, err) < 0 ||
        bind_opt(st, 4, is_family ? family : NULL, err) < 0) {
        db_finalize(st);
        return -1;
    }
    step = db_step(st, err);
    db_finalize(st);
    if (step < 0)
        return -1;
    *holds = step == DB_ROW;
    return 0;
}

/* ---- the price increase alert ---- */

int repo_catdata_import_prices_each(struct db *db, int64_t import_id, catdata_price_fn fn,
                                    void *ctx, struct err *err)
{
    static const char sql[] =
        "SELECT " PRICE_COLS " FROM price_points WHERE import_id = ? ORDER BY id";
    struct db_stmt *st = NULL;

    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (db_bind_int64(st, 1, import_id, err) < 0) {
        db_finalize(st);
        return -1;
    }
    return walk_prices(st, fn, ctx, err);
}

int repo_catdata_previous_price(struct db *db, const struct catdata_price *p, bool *found,
                                struct catdata_price *prev, struct err *err)
{
    static const char sql[] =
        "SELECT " PRICE_COLS " FROM price_points WHERE sku = ? AND term = ? AND billing = ?"
        " AND market = ? AND currency = ? AND COALESCE(segment, '') = ?"
        " AND COALESCE(tier_min, '') = ? AND effective_from < ?"
        " ORDER BY effective_from DESC, id DESC LIMIT 1";
    struct db_stmt *st = NULL;
    int step, rc = -1;

    *found = false;
    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, p->sku, err) < 0 || db_bind_text(st, 2, term_name(p->term), err) ||
        db_bind_text(st, 3, billing_name(p->billing), err) < 0 ||
        db_bind_text(st, 4, p->market, err) < 0 || db_bind_text(st, 5, p->currency, err) < 0 ||
        db_bind_text(st, 6, p->segment, err) < 0 || db_bind_text(st, 7, p->tier_min, err) < 0 ||
        bind_date(st, 8, p->effective_from, err) < 0)
        goto out;
    step = db_step(st, err);
    if (step < 0)
        goto out;
    if (step == DB_ROW) {
        int r = read_price(st, prev, err);

        if (r < 0)
            goto out;
        *found = r == 1;
    }
    rc = 0;
out:
    db_finalize(st);
    return rc;
}

int repo_catdata_renewals_each(struct db *db, const struct catdata_price *p, struct date first,
                               struct date last, catdata_renewal_fn fn, void *ctx,
                               struct err *err)
{
    static const char sql[] =
        "SELECT s.id, s.customer_id, s.partner_id, s.quantity, s.term_end"
        " FROM subscriptions s JOIN customers c ON c.id = s.customer_id"
        " WHERE s.sku = ? AND s.term = ? AND s.billing = ? AND s.status = 'active'"
        " AND s.auto_renew = 1 AND s.term_end >= ? AND s.term_end <= ? AND c.market = ?"
        " AND (c.billing_currency = ? OR NOT EXISTS (SELECT 1 FROM price_points q"
        "      WHERE q.sku = s.sku AND q.term = s.term AND q.billing = s.billing"
        "      AND q.market = c.market AND q.currency = c.billing_currency))"
        " ORDER BY s.term_end, s.id";
    struct db_stmt *st = NULL;
    int step, rc = -1;

    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, p->sku, err) < 0 || db_bind_text(st, 2, term_name(p->term), err) ||
        db_bind_text(st, 3, billing_name(p->billing), err) < 0 ||
        bind_date(st, 4, first, err) < 0 || bind_date(st, 5, last, err) < 0 ||
        db_bind_text(st, 6, p->market, err) < 0 || db_bind_text(st, 7, p->currency, err) < 0)
        goto out;
    while ((step = db_step(st, err)) == DB_ROW) {
        struct catdata_renewal r;
        const char *end = db_column_text(st, 4);

        r.subscription_id = db_column_text(st, 0);
        r.customer_id = db_column_text(st, 1);
        r.partner_id = db_column_text(st, 2);
        r.quantity = db_column_int64(st, 3);
        if (!end || date_parse_cstr(end, &r.term_end, err) < 0)
            goto out;
        if ((rc = fn(ctx, &r, err)) != 0)
            goto out;
    }
    rc = step < 0 ? -1 : 0;
out:
    db_finalize(st);
    return rc;
}

int repo_catdata_outbox(struct db *db, const char *topic, const char *payload, instant_t now,
                        struct err *err)
{
    struct db_stmt *st = NULL;
    int rc;

    if (db_prepare(db, "INSERT INTO outbox (topic, payload, created_at) VALUES (?, ?, ?)", &st,
                   err) < 0)
        return -1;
    if (db_bind_text(st, 1, topic, err) < 0 || db_bind_text(st, 2, payload, err) < 0 ||
        db_bind_int64(st, 3, now, err) < 0) {
        db_finalize(st);
        return -1;
    }
    rc = db_step(st, err) < 0 ? -1 : 0;
    db_finalize(st);
    return rc;
}
