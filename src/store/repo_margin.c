/*
 * store/repo_margin.c — margin rules, rated lines and rating's reads in SQL (repo_margin.h).
 *
 * The close reads a seller's pending charges once per period (one indexed query joining the
 * subscription and the customer, above the seller's rating mark: migration 014) and writes
 * one rated line per charge and tier; rules are loaded once per seller. Portable SQL (db.h)
 * but for charges.rowid in the rating marks (SQLite; PostgreSQL needs a sequence column).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/repo_margin.h"
#include "store/repo_stmt.h"

int repo_bill_bind_dec(struct db_stmt *st, int idx, struct dec d, struct err *err)
{
    char buf[DEC_STRLEN];

    dec_format(d, buf);
    return db_bind_text(st, idx, buf, err);
}

int repo_bill_bind_date(struct db_stmt *st, int idx, struct date d, struct err *err)
{
    char buf[DATE_STRLEN];

    date_format(d, buf);
    return db_bind_text(st, idx, buf, err);
}

int repo_bill_bind_opt(struct db_stmt *st, int idx, const char *s, struct err *err)
{
    return s && s[0] ? db_bind_text(st, idx, s, err) : db_bind_null(st, idx, err);
}

void repo_bill_col_str(struct db_stmt *st, int col, char *buf, size_t cap)
{
    const char *t = db_column_text(st, col);
    size_t n = t ? strlen(t) : 0;

    /* a close reads ~30 columns per line: a bounded copy, not a formatted print */
    if (n >= cap)
        n = cap - 1;
    if (n)
        memcpy(buf, t, n);
    buf[n] = '\0';
}

int repo_bill_col_dec(struct db_stmt *st, int col, struct dec *d, struct err *err)
{
    const char *t = db_column_text(st, col);

    *d = dec_zero();
    return t ? dec_parse_cstr(t, d, err) : 0;
}

int repo_bill_col_date(struct db_stmt *st, int col, struct date *d, struct err *err)
{
    const char *t = db_column_text(st, col);

    memset(d, 0, sizeof(*d));
    return t ? date_parse_cstr(t, d, err) : 0;
}

/* ---- margin rules ---------------------------------------------------------------------- */

#define RULE_COLS                                                                          \
    "id, seller_id, level, target_id, product_id, sku, kind, value, currency,"             \
    " effective_from, effective_to, allow_below_cost"

static int bind_rule(struct db_stmt *st, const struct margin_rule *r, struct err *err)
{
    return (db_bind_text(st, 1, r->id, err) < 0 || db_bind_text(st, 2, r->seller_id, err) < 0 ||
            db_bind_text(st, 3, margin_level_name(r->level), err) < 0 ||
            repo_bill_bind_opt(st, 4, r->target_id, err) < 0 ||
            repo_bill_bind_opt(st, 5, r->product_id, err) < 0 ||
            repo_bill_bind_opt(st, 6, r->sku, err) < 0 ||
            db_bind_text(st, 7, margin_kind_name(r->kind), err) < 0 ||
            repo_bill_bind_dec(st, 8, r->value, err) < 0 ||
            repo_bill_bind_opt(st, 9, r->kind == MARGIN_FIXED ? r->currency : NULL, err) < 0 ||
            repo_bill_bind_date(st, 10, r->from, err) < 0 ||
            (r->has_to ? repo_bill_bind_date(st, 11, r->to, err)
                       : db_bind_null(st, 11, err)) < 0 ||
            db_bind_int64(st, 12, r->allow_below_cost, err) < 0)
               ? -1
               : 0;
}

static int read_rule(struct db_stmt *st, struct margin_rule *r, struct err *err)
{
    char buf[32];

    memset(r, 0, sizeof(*r));
    repo_bill_col_str(st, 0, r->id, sizeof(r->id));
    repo_bill_col_str(st, 1, r->seller_id, sizeof(r->seller_id));
    repo_bill_col_str(st, 2, buf, sizeof(buf));
    if (margin_level_from_name(buf, &r->level) < 0)
        return err_set(err, ERR_PARSE, "level", "unknown rule level '%s'", buf);
    repo_bill_col_str(st, 3, r->target_id, sizeof(r->target_id));
    repo_bill_col_str(st, 4, r->product_id, sizeof(r->product_id));
    repo_bill_col_str(st, 5, r->sku, sizeof(r->sku));
    repo_bill_col_str(st, 6, buf, sizeof(buf));
    if (margin_kind_from_name(buf, &r->kind) < 0)
        return err_set(err, ERR_PARSE, "kind", "unknown rule kind '%s'", buf);
    if (repo_bill_col_dec(st, 7, &r->value, err) < 0)
        return -1;
    repo_bill_col_str(st, 8, r->currency, sizeof(r->currency));
    if (repo_bill_col_date(st, 9, &r->from, err) < 0)
        return -1;
    r->has_to = !db_column_is_null(st, 10);
    if (r->has_to && repo_bill_col_date(st, 10, &r->to, err) < 0)
        return -1;
    r->allow_below_cost = db_column_int64(st, 11) != 0;
    return 0;
}

int repo_margin_insert(struct db *db, struct margin_rule *r, const char *note, instant_t now,
                       struct err *err)
{
    static const char sql[] = "INSERT INTO margin_rules (" RULE_COLS
                              ", note, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,"
                              "?,?,?)";
    struct db_stmt *st = NULL;
    int rc = -1;

    if (id_new("mrg", r->id, err) < 0 || db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (bind_rule(st, r, err) < 0 || repo_bill_bind_opt(st, 13, note, err) < 0 ||
        db_bind_int64(st, 14, now, err) < 0 || db_bind_int64(st, 15, now, err) < 0 ||
        db_step(st, err) < 0)
        goto out;
    rc = 0;
out:
    db_finalize(st);
    return rc;
}

int repo_margin_update(struct db *db, const struct margin_rule *r, instant_t now,
                       struct err *err)
{
    static const char sql[] =
        "UPDATE margin_rules SET id = ?, seller_id = ?, level = ?, target_id = ?,"
        " product_id = ?, sku = ?, kind = ?, value = ?, currency = ?, effective_from = ?,"
        " effective_to = ?, allow_below_cost = ?, updated_at = ? WHERE id = ?";
    struct db_stmt *st = NULL;
    int rc = -1;

    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (bind_rule(st, r, err) < 0 || db_bind_int64(st, 13, now, err) < 0 ||
        db_bind_text(st, 14, r->id, err) < 0 || db_step(st, err) < 0)
        goto out;
    if (db_changes(db) == 0) {
        err_set(err, ERR_NOT_FOUND, "id", "no margin rule %s", r->id);
        goto out;
    }
    rc = 0;
out:
    db_finalize(st);
    return rc;
}

int repo_margin_get(struct db *db, const char *id, struct margin_rule *r, struct err *err)
{
    struct db_stmt *st = NULL;
    int rc = -1, step;

    if (db_prepare(db, "SELECT " RULE_COLS " FROM margin_rules WHERE id = ?", &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, id, err) < 0 || (step = db_step(st, err)) < 0)
        goto out;
    if (step == DB_DONE) {
        err_set(err, ERR_NOT_FOUND, "id", "no margin rule %s", id);
        goto out;
    }
    rc = read_rule(st, r, err);
out:
    db_finalize(st);
    return rc;
}

int repo_margin_load(struct db *db, const char *seller_id, struct margin_rule **out,
                     size_t *n, struct err *err)
{
    struct db_stmt *st = NULL;
    struct margin_rule *v = NULL;
    size_t cap = 0, len = 0;
    int step;

    *out = NULL;
    *n = 0;
    if (db_prepare(db,
                   seller_id ? "SELECT " RULE_COLS " FROM margin_rules WHERE seller_id = ?"
                               " ORDER BY seller_id, effective_from, id"
                             : "SELECT " RULE_COLS " FROM margin_rules"
                               " ORDER BY seller_id, effective_from, id",
                   &st, err) < 0)
        return -1;
    if (seller_id && db_bind_text(st, 1, seller_id, err) < 0)
        goto fail;
    while ((step = db_step(st, err)) == DB_ROW) {
        if (len == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            struct margin_rule *p = realloc(v, ncap * sizeof(*p));

            if (!p) {
                err_set(err, ERR_NOMEM, "", "out of memory loading margin rules");
                goto fail;
            }
            v = p;
            cap = ncap;
        }
        if (read_rule(st, &v[len], err) < 0)
            goto fail;
        len++;
    }
    if (step < 0)
        goto fail;
    db_finalize(st);
    *out = v;
    *n = len;
    return 0;
fail:
    db_finalize(st);
    free(v);
    return -1;
}

/* A rule with its seller visible in `sc`; ERR_NOT_FOUND otherwise (ids do not leak). */
int repo_margin_get_in(struct db *db, const struct scope *sc, const char *id,
                       struct margin_rule *r, struct err *err)
{
    struct scope_pred pred;
    struct db_stmt *st = NULL;
    char sql[1024];
    int rc = -1, step;

    if (scope_pred_partners(sc, "p", &pred, err) < 0)
        return -1;
    snprintf(sql, sizeof(sql), "SELECT m.id, m.seller_id, m.level, m.target_id, m.product_id,"
             " m.sku, m.kind, m.value, m.currency, m.effective_from, m.effective_to,"
             " m.allow_below_cost FROM margin_rules m JOIN partners p ON p.id = m.seller_id"
             " WHERE m.id = ? AND %s", pred.sql);
    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, id, err) < 0 || scope_pred_bind(st, 2, &pred, NULL, err) < 0 ||
        (step = db_step(st, err)) < 0)
        goto out;
    if (step == DB_DONE) {
        err_set(err, ERR_NOT_FOUND, "id", "no margin rule %s", id);
        goto out;
    }
    rc = read_rule(st, r, err);
out:
    db_finalize(st);
    return rc;
}

int repo_margin_each(struct db *db, const struct scope *sc, const char *seller_id,
                     int (*fn)(void *ctx, const struct margin_rule *r), void *ctx,
                     struct err *err)
{
    struct scope_pred pred;
    struct db_stmt *st = NULL;
    char sql[1024];
    int rc = -1, step, next;

    if (scope_pred_partners(sc, "p", &pred, err) < 0)
        return -1;
    snprintf(sql, sizeof(sql), "SELECT m.id, m.seller_id, m.level, m.target_id, m.product_id,"
             " m.sku, m.kind, m.value, m.currency, m.effective_from, m.effective_to,"
             " m.allow_below_cost FROM margin_rules m JOIN partners p ON p.id = m.seller_id"
             " WHERE %s%s ORDER BY m.seller_id, m.effective_from, m.id", pred.sql,
             seller_id ? " AND m.seller_id = ?" : "");
    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (scope_pred_bind(st, 1, &pred, &next, err) < 0 ||
        (seller_id && db_bind_text(st, next, seller_id, err) < 0))
        goto out;
    while ((step = db_step(st, err)) == DB_ROW) {
        struct margin_rule r;

        if (read_rule(st, &r, err) < 0 || fn(ctx, &r) < 0)
            goto out;
    }
    if (step < 0)
        goto out;
    rc = 0;
out:
    db_finalize(st);
    return rc;
}

int repo_margin_delete(struct db *db, const char *id, struct err *err)
{
    struct db_stmt *st = NULL;
    int rc = -1;

    if (db_prepare(db, "DELETE FROM margin_rules WHERE id = ?", &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, id, err) < 0 || db_step(st, err) < 0)
        goto out;
    if (db_changes(db) == 0) {
        err_set(err, ERR_NOT_FOUND, "id", "no margin rule %s", id);
        goto out;
    }
    rc = 0;
out:
    db_finalize(st);
    return rc;
}

int repo_margin_usage(struct db *db, const char *id, bool *used, struct date *first,
                      struct date *last, struct err *err)
{
    struct db_stmt *st = NULL;
    int rc = -1, step;

    *used = false;
    if (db_prepare(db, "SELECT MIN(start_date), MAX(start_date) FROM rated_lines"
                       " WHERE rule_id = ?", &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, id, err) < 0 || (step = db_step(st, err)) < 0)
        goto out;
    if (step == DB_ROW && !db_column_is_null(st, 0)) {
        *used = true;
        if (repo_bill_col_date(st, 0, first, err) < 0 ||
            repo_bill_col_date(st, 1, last, err) < 0)
            goto out;
    }
    rc = 0;
out:
    db_finalize(st);
    return rc;
}

int repo_margin_target_ok(struct db *db, const char *seller_id, enum margin_level level,
                          const char *target_id, bool *ok, struct err *err)
{
    struct scope seller;
    struct scope_pred pred;
    struct db_stmt *st = NULL;
    char sql[1024];
    int rc = -1, step;

    *ok = level == MARGIN_LEVEL_PARTNER;
    if (*ok)
        return 0;
    memset(&seller, 0, sizeof(seller));
    seller.kind = SCOPE_PARTNER;
    seller.role = ROLE_OWNER;
    snprintf(seller.partner_id, sizeof(seller.partner_id), "%s", seller_id);
    if ((level == MARGIN_LEVEL_RESELLER ? scope_pred_partners(&seller, "x", &pred, err)
                                        : scope_pred_customers(&seller, "x", &pred, err)) < 0)
        return -1;
    if (level == MARGIN_LEVEL_SUBSCRIPTION)
        snprintf(sql, sizeof(sql), "SELECT 1 FROM subscriptions s JOIN customers x ON"
                 " x.id = s.customer_id WHERE s.id = ? AND %s", pred.sql);
    else if (level == MARGIN_LEVEL_CUSTOMER)
        snprintf(sql, sizeof(sql), "SELECT 1 FROM customers x WHERE x.id = ? AND %s",
                 pred.sql);
    else
        snprintf(sql, sizeof(sql), "SELECT 1 FROM partners x WHERE x.id = ? AND x.id <> ?"
                 " AND %s", pred.sql);
    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, target_id, err) < 0)
        goto out;
    if (level == MARGIN_LEVEL_RESELLER ? (db_bind_text(st, 2, seller_id, err) < 0 ||
                                          scope_pred_bind(st, 3, &pred, NULL, err) < 0)
                                       : scope_pred_bind(st, 2, &pred, NULL, err) < 0)
        goto out;
    if ((step = db_step(st, err)) < 0)
        goto out;
    *ok = step == DB_ROW;
    rc = 0;
out:
    db_finalize(st);
    return rc;
}

int repo_margin_price_each(struct db *db, const char *product_id, const char *sku,
                           struct date day,
                           int (*fn)(void *ctx, const char *sku, const struct price_base *b),
                           void *ctx, struct err *err)
{
    char sql[640], like[SKU_MAX + 2];
    struct db_stmt *st = NULL;
    int rc = -1, step, i = 1;

    snprintf(sql, sizeof(sql), "SELECT sku, currency, unit_price, erp_price FROM price_points"
             " WHERE effective_from <= ? AND (effective_to IS NULL OR effective_to >= ?)%s",
             sku && sku[0] ? " AND sku = ?" : product_id && product_id[0] ? " AND sku LIKE ?"
                                                                         : "");
    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (repo_bill_bind_date(st, i++, day, err) < 0 || repo_bill_bind_date(st, i++, day, err) < 0)
        goto out;
    if (sku && sku[0]) {
        if (db_bind_text(st, i, sku, err) < 0)
            goto out;
    } else if (product_id && product_id[0]) {
        snprintf(like, sizeof(like), "%s:%%", product_id);
        if (db_bind_text(st, i, like, err) < 0)
            goto out;
    }
    while ((step = db_step(st, err)) == DB_ROW) {
        struct price_base b;
        char s[SKU_MAX];

        memset(&b, 0, sizeof(b));
        repo_bill_col_str(st, 0, s, sizeof(s));
        repo_bill_col_str(st, 1, b.cost_ccy, sizeof(b.cost_ccy));
        snprintf(b.erp_ccy, sizeof(b.erp_ccy), "%s", b.cost_ccy);
        if (repo_bill_col_dec(st, 2, &b.cost_unit, err) < 0 ||
            repo_bill_col_dec(st, 3, &b.erp_unit, err) < 0)
            goto out;
        b.has_erp = !db_column_is_null(st, 3) && !dec_is_zero(b.erp_unit);
        if (fn(ctx, s, &b) < 0)
            goto out;
    }
    if (step < 0)
        goto out;
    rc = 0;
out:
    db_finalize(st);
    return rc;
}

/* ---- rated lines ----------------------------------------------------------------------- */

#define RATED_COLS                                                                         \
    "id, charge_id, tier, seller_id, customer_id, reseller_id, subscription_id,"           \
    " charge_type, sku, product_id, start_date, end_date, period, quantity, days,"         \
    " cycle_days, unit_price, effective_unit_price, amount, currency, cost, margin,"       \
    " price_currency, fx_rate, fx_date, cost_fx_rate, rule_id, below_cost, base_line_id,"  \
    " invoice_id, created_at, usage_charge_id, usage_quantity"

/* RATED_COLS of rated_lines r, in a join */
#define RATED_COLS_R                                                                       \
    "r.id, r.charge_id, r.tier, r.seller_id, r.customer_id, r.reseller_id,"                \
    " r.subscription_id, r.charge_type, r.sku, r.product_id, r.start_date, r.end_date,"    \
    " r.period, r.quantity, r.days, r.cycle_days, r.unit_price, r.effective_unit_price,"   \
    " r.amount, r.currency, r.cost, r.margin, r.price_currency, r.fx_rate, r.fx_date,"     \
    " r.cost_fx_rate, r.rule_id, r.below_cost, r.base_line_id, r.invoice_id,"              \
    " r.created_at, r.usage_charge_id, r.usage_quantity"

int repo_rated_insert(struct db *db, struct stmt_cache *sc, struct rated_row *r,
                      struct err *err)
{
    static const char sql[] = "INSERT INTO rated_lines (" RATED_COLS
                              ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
                              "?,?,?,?,?,?)";
    struct db_stmt *st = NULL;
    int rc = -1;

    if ((!r->id[0] && id_new("rtl", r->id, err) < 0) || stmt_get(db, sc, sql, &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, r->id, err) < 0 || repo_bill_bind_opt(st, 2, r->charge_id, err) < 0 ||
        db_bind_text(st, 3, r->tier, err) < 0 || db_bind_text(st, 4, r->seller_id, err) < 0 ||
        db_bind_text(st, 5, r->customer_id, err) < 0 ||
        repo_bill_bind_opt(st, 6, r->reseller_id, err) < 0 ||
        db_bind_text(st, 7, r->subscription_id, err) < 0 ||
        db_bind_text(st, 8, r->charge_type, err) < 0 || db_bind_text(st, 9, r->sku, err) < 0 ||
        db_bind_text(st, 10, r->product_id, err) < 0 ||
        repo_bill_bind_date(st, 11, r->start, err) < 0 ||
        repo_bill_bind_date(st, 12, r->end, err) < 0 ||
        db_bind_text(st, 13, r->period, err) < 0 ||
        db_bind_int64(st, 14, r->quantity, err) < 0 || db_bind_int64(st, 15, r->days, err) < 0 ||
        db_bind_int64(st, 16, r->cycle_days, err) < 0 ||
        repo_bill_bind_dec(st, 17, r->unit_price, err) < 0 ||
        repo_bill_bind_dec(st, 18, r->eup, err) < 0 ||
        repo_bill_bind_dec(st, 19, r->amount, err) < 0 ||
        db_bind_text(st, 20, r->currency, err) < 0 ||
        repo_bill_bind_dec(st, 21, r->cost, err) < 0 ||
        repo_bill_bind_dec(st, 22, r->margin, err) < 0 ||
        db_bind_text(st, 23, r->price_currency, err) < 0 ||
        (r->has_fx ? repo_bill_bind_dec(st, 24, r->fx_rate, err) : db_bind_null(st, 24, err)) <
            0 ||
        (r->has_fx ? repo_bill_bind_date(st, 25, r->fx_date, err) : db_bind_null(st, 25, err)) <
            0 ||
        (r->has_cost_fx ? repo_bill_bind_dec(st, 26, r->cost_fx, err)
                        : db_bind_null(st, 26, err)) < 0 ||
        repo_bill_bind_opt(st, 27, r->rule_id, err) < 0 ||
        db_bind_int64(st, 28, r->below_cost, err) < 0 ||
        repo_bill_bind_opt(st, 29, r->base_line_id, err) < 0 ||
        repo_bill_bind_opt(st, 30, r->invoice_id, err) < 0 ||
        db_bind_int64(st, 31, r->created_at, err) < 0 ||
        repo_bill_bind_opt(st, 32, r->usage_charge_id, err) < 0 ||
        (r->usage_charge_id[0] ? repo_bill_bind_dec(st, 33, r->usage_qty, err)
                               : db_bind_null(st, 33, err)) < 0 ||
        db_step(st, err) < 0)
        goto out;
    rc = 0;
out:
    stmt_put(sc, st);
    return rc;
}

static int read_rated(struct db_stmt *st, struct rated_row *r, struct err *err)
{
    memset(r, 0, sizeof(*r));
    repo_bill_col_str(st, 0, r->id, sizeof(r->id));
    repo_bill_col_str(st, 1, r->charge_id, sizeof(r->charge_id));
    repo_bill_col_str(st, 2, r->tier, sizeof(r->tier));
    repo_bill_col_str(st, 3, r->seller_id, sizeof(r->seller_id));
    repo_bill_col_str(st, 4, r->customer_id, sizeof(r->customer_id));
    repo_bill_col_str(st, 5, r->reseller_id, sizeof(r->reseller_id));
    repo_bill_col_str(st, 6, r->subscription_id, sizeof(r->subscription_id));
    repo_bill_col_str(st, 7, r->charge_type, sizeof(r->charge_type));
    repo_bill_col_str(st, 8, r->sku, sizeof(r->sku));
    repo_bill_col_str(st, 9, r->product_id, sizeof(r->product_id));
    if (repo_bill_col_date(st, 10, &r->start, err) < 0 ||
        repo_bill_col_date(st, 11, &r->end, err) < 0)
        return -1;
    repo_bill_col_str(st, 12, r->period, sizeof(r->period));
    r->quantity = (int32_t)db_column_int64(st, 13);
    r->days = (int)db_column_int64(st, 14);
    r->cycle_days = (int)db_column_int64(st, 15);
    if (repo_bill_col_dec(st, 16, &r->unit_price, err) < 0 ||
        repo_bill_col_dec(st, 17, &r->eup, err) < 0 ||
        repo_bill_col_dec(st, 18, &r->amount, err) < 0)
        return -1;
    repo_bill_col_str(st, 19, r->currency, sizeof(r->currency));
    if (repo_bill_col_dec(st, 20, &r->cost, err) < 0 ||
        repo_bill_col_dec(st, 21, &r->margin, err) < 0)
        return -1;
    repo_bill_col_str(st, 22, r->price_currency, sizeof(r->price_currency));
    r->has_fx = !db_column_is_null(st, 23);
    if (repo_bill_col_dec(st, 23, &r->fx_rate, err) < 0 ||
        repo_bill_col_date(st, 24, &r->fx_date, err) < 0)
        return -1;
    r->has_cost_fx = !db_column_is_null(st, 25);
    if (repo_bill_col_dec(st, 25, &r->cost_fx, err) < 0)
        return -1;
    repo_bill_col_str(st, 26, r->rule_id, sizeof(r->rule_id));
    r->below_cost = db_column_int64(st, 27) != 0;
    repo_bill_col_str(st, 28, r->base_line_id, sizeof(r->base_line_id));
    repo_bill_col_str(st, 29, r->invoice_id, sizeof(r->invoice_id));
    r->created_at = db_column_int64(st, 30);
    repo_bill_col_str(st, 31, r->usage_charge_id, sizeof(r->usage_charge_id));
    if (r->usage_charge_id[0] && repo_bill_col_dec(st, 32, &r->usage_qty, err) < 0)
        return -1;
    if (db_column_count(st) > 33)
        repo_bill_col_str(st, 33, r->usage_label, sizeof(r->usage_label));
    return 0;
}

/* Run a query with text parameters and read at most one row. */
static int rated_one(struct db *db, struct stmt_cache *sc, const char *sql,
                     const char *const *args, int nargs, struct rated_row *r, bool *found,
                     struct err *err)
{
    struct db_stmt *st = NULL;
    int rc = -1, step;

    *found = false;
    if (stmt_get(db, sc, sql, &st, err) < 0)
        return -1;
    for (int i = 0; i < nargs; i++)
        if (db_bind_text(st, i + 1, args[i], err) < 0)
            goto out;
    if ((step = db_step(st, err)) < 0)
        goto out;
    if (step == DB_ROW) {
        if (read_rated(st, r, err) < 0)
            goto out;
        *found = true;
    }
    rc = 0;
out:
    stmt_put(sc, st);
    return rc;
}

int repo_rated_find(struct db *db, const char *charge_id, const char *tier,
                    struct rated_row *r, bool *found, struct err *err)
{
    static const char sql[] =
        "SELECT " RATED_COLS " FROM rated_lines WHERE charge_id = ? AND tier = ?";
    const char *args[] = {charge_id, tier};

    return rated_one(db, NULL, sql, args, 2, r, found, err);
}

int repo_rated_last_charge(struct db *db, struct stmt_cache *sc, const char *sub_id,
                           const char *sku, const char *tier, struct date day,
                           struct rated_row *r, bool *found, struct err *err)
{
    /*
     * Through the subscription's charges (charges_by_subscription) and each charge's line
     * (rated_lines UNIQUE (charge_id, tier)): a licence line is the rating of its charge and
     * carries its subscription and sku. rated_lines has no index by subscription (migration
     * 014): its random key cost every close a page write per line, for this query only.
     */
    static const char sql[] =
        "SELECT " RATED_COLS_R " FROM charges c JOIN rated_lines r ON r.charge_id = c.id"
        " AND r.tier = ? WHERE c.subscription_id = ? AND c.sku = ?"
        " AND r.subscription_id = c.subscription_id AND r.sku = c.sku AND r.start_date <= ?"
        " AND r.amount NOT LIKE '-%'"
        " ORDER BY r.start_date DESC, r.created_at DESC, r.id DESC LIMIT 1";
    char d[DATE_STRLEN];
    const char *args[] = {tier, sub_id, sku, d};

    date_format(day, d);
    return rated_one(db, sc, sql, args, 4, r, found, err);
}

int repo_rated_each_open(struct db *db, const char *seller_id, const char *tier,
                         const char *period,
                         int (*fn)(void *ctx, const struct rated_row *r), void *ctx,
                         struct err *err)
{
    static const char sql[] =
        "SELECT " RATED_COLS ", CASE WHEN usage_charge_id IS NOT NULL THEN (SELECT"
        " COALESCE(u.meter_name, '') || CASE WHEN COALESCE(u.meter_category, '') = '' THEN ''"
        " ELSE ' (' || u.meter_category || ')' END FROM usage_charges u"
        " WHERE u.id = rated_lines.usage_charge_id) END FROM rated_lines WHERE seller_id = ?"
        " AND tier = ? AND invoice_id IS NULL AND (period = ? OR (period < ? AND period IN (SELECT"
        " b.period FROM billing_closes b WHERE b.issuer_partner_id = rated_lines.seller_id)))"
        " ORDER BY CASE WHEN tier = 'reseller' THEN reseller_id ELSE customer_id END,"
        " currency, start_date, subscription_id, created_at, id";
    struct db_stmt *st = NULL;
    int rc = -1, step;

    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, seller_id, err) < 0 || db_bind_text(st, 2, tier, err) < 0 ||
        db_bind_text(st, 3, period, err) < 0 || db_bind_text(st, 4, period, err) < 0)
        goto out;
    while ((step = db_step(st, err)) == DB_ROW) {
        struct rated_row r;

        if (read_rated(st, &r, err) < 0 || fn(ctx, &r) < 0)
            goto out;
    }
    if (step < 0)
        goto out;
    rc = 0;
out:
    db_finalize(st);
    return rc;
}

int repo_rated_set_invoice(struct db *db, struct stmt_cache *sc, const char *id,
                           const char *invoice_id, struct err *err)
{
    static const char sql[] = "UPDATE rated_lines SET invoice_id = ? WHERE id = ?";
    struct db_stmt *st = NULL;
    int rc = -1;

    if (stmt_get(db, sc, sql, &st, err) < 0)
        return -1;
    if (repo_bill_bind_opt(st, 1, invoice_id, err) < 0 || db_bind_text(st, 2, id, err) < 0 ||
        db_step(st, err) < 0)
        goto out;
    rc = 0;
out:
    stmt_put(sc, st);
    return rc;
}

/* ---- rating's reads -------------------------------------------------------------------- */

#define PENDING_COLS                                                                       \
    "c.id, c.subscription_id, c.event_seq, c.charge_type, c.sku, c.start_date,"            \
    " c.end_date, c.quantity, c.unit_price, c.effective_unit_price, c.subtotal,"           \
    " c.currency, c.billing_currency, c.exchange_rate, c.billing_subtotal, c.est,"         \
    " c.reference_id, c.created_at, s.partner_id, s.customer_id, cu.reseller_id,"          \
    " cu.billing_currency, cu.market, s.term, s.billing, s.status, rp.currency"
#define PENDING_FROM                                                                       \
    " FROM charges c JOIN subscriptions s ON s.id = c.subscription_id"                     \
    " JOIN customers cu ON cu.id = s.customer_id"                                          \
    " LEFT JOIN partners rp ON rp.id = cu.reseller_id"
/* the charge's rowid, after the base columns: rating marks (migration 014) */
#define PENDING_ROWID ", c.rowid"
#define PENDING_ROWID_COL 31
/* the reseller-tier line of the charge (tier "customer" of a chain), or NULLs */
#define PENDING_NO_BASE ", NULL, NULL, NULL, NULL"
#define PENDING_BASE ", rb.id, rb.unit_price, rb.amount, rb.currency"

static int read_pending(struct db_stmt *st, struct pending_charge *c, struct err *err)
{
    struct charge_line *l = &c->row.line;
    char type[32];

    memset(c, 0, sizeof(*c));
    repo_bill_col_str(st, 0, c->row.id, sizeof(c->row.id));
    repo_bill_col_str(st, 1, c->row.subscription_id, sizeof(c->row.subscription_id));
    c->row.event_seq = db_column_int64(st, 2);
    repo_bill_col_str(st, 3, type, sizeof(type));
    if (charge_type_from_name(type, &l->type) < 0)
        return err_set(err, ERR_PARSE, "charge_type", "unknown charge type '%s'", type);
    repo_bill_col_str(st, 4, l->sku, sizeof(l->sku));
    if (repo_bill_col_date(st, 5, &l->start, err) < 0 ||
        repo_bill_col_date(st, 6, &l->end, err) < 0)
        return -1;
    l->quantity = (int32_t)db_column_int64(st, 7);
    if (repo_bill_col_dec(st, 8, &l->unit_price, err) < 0 ||
        repo_bill_col_dec(st, 9, &l->effective_unit_price, err) < 0 ||
        repo_bill_col_dec(st, 10, &l->subtotal, err) < 0)
        return -1;
    repo_bill_col_str(st, 11, l->currency, sizeof(l->currency));
    repo_bill_col_str(st, 12, l->billing_currency, sizeof(l->billing_currency));
    if (repo_bill_col_dec(st, 13, &l->fx_rate, err) < 0 ||
        repo_bill_col_dec(st, 14, &l->billing_subtotal, err) < 0)
        return -1;
    l->has_billing_subtotal = !db_column_is_null(st, 14);
    l->est = db_column_int64(st, 15) != 0;
    repo_bill_col_str(st, 16, c->row.reference_id, sizeof(c->row.reference_id));
    c->row.created_at = db_column_int64(st, 17);
    repo_bill_col_str(st, 18, c->partner_id, sizeof(c->partner_id));
    repo_bill_col_str(st, 19, c->customer_id, sizeof(c->customer_id));
    repo_bill_col_str(st, 20, c->reseller_id, sizeof(c->reseller_id));
    repo_bill_col_str(st, 21, c->customer_ccy, sizeof(c->customer_ccy));
    repo_bill_col_str(st, 22, c->market, sizeof(c->market));
    repo_bill_col_str(st, 23, c->term, sizeof(c->term));
    repo_bill_col_str(st, 24, c->billing, sizeof(c->billing));
    repo_bill_col_str(st, 25, c->sub_status, sizeof(c->sub_status));
    repo_bill_col_str(st, 26, c->reseller_ccy, sizeof(c->reseller_ccy));
    c->has_base = !db_column_is_null(st, 27);
    if (c->has_base) {
        repo_bill_col_str(st, 27, c->base_id, sizeof(c->base_id));
        if (repo_bill_col_dec(st, 28, &c->base_unit, err) < 0 ||
            repo_bill_col_dec(st, 29, &c->base_amount, err) < 0)
            return -1;
        repo_bill_col_str(st, 30, c->base_ccy, sizeof(c->base_ccy));
    }
    return 0;
}

int repo_rating_each_pending(struct db *db, const char *seller_id, const char *tier,
                             struct date last, int64_t after_rowid, int64_t *first_left,
                             int (*fn)(void *ctx, const struct pending_charge *c), void *ctx,
                             struct err *err)
{
    static const char sql_reseller[] =
        "SELECT " PENDING_COLS PENDING_NO_BASE PENDING_ROWID PENDING_FROM " WHERE c.rowid > ?"
        " AND s.partner_id = ? AND cu.reseller_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM"
        " rated_lines r WHERE r.charge_id = c.id AND r.tier = 'reseller')"
        " ORDER BY cu.reseller_id, c.subscription_id, c.start_date, c.event_seq, c.id";
    /*
     * Two branches, each on its own index: the seller's customers as their reseller
     * (customers_by_reseller), and its direct customers' subscriptions as the transacting
     * partner (subscriptions_by_partner). One OR'ed condition made SQLite read every direct
     * customer of the installation for every issuer. ORDER BY names result columns: 20
     * s.customer_id, 2 c.subscription_id, 6 c.start_date, 3 c.event_seq, 1 c.id.
     */
#define PENDING_CUSTOMER_FROM                                                              \
    "SELECT " PENDING_COLS PENDING_BASE PENDING_ROWID PENDING_FROM " LEFT JOIN rated_lines"\
    " rb ON rb.charge_id = c.id AND rb.tier = 'reseller' WHERE "
#define PENDING_CUSTOMER_OPEN                                                              \
    " AND c.rowid > ? AND NOT EXISTS (SELECT 1 FROM rated_lines r"                         \
    " WHERE r.charge_id = c.id AND r.tier = 'customer')"
    static const char sql_customer[] =
        PENDING_CUSTOMER_FROM "cu.reseller_id = ?" PENDING_CUSTOMER_OPEN
        " UNION ALL " PENDING_CUSTOMER_FROM "s.partner_id = ? AND cu.reseller_id IS NULL"
        PENDING_CUSTOMER_OPEN " ORDER BY 20, 2, 6, 3, 1";
    bool res = strcmp(tier, "reseller") == 0;
    struct db_stmt *st = NULL;
    int rc = -1, step;

    if (db_prepare(db, res ? sql_reseller : sql_customer, &st, err) < 0)
        return -1;
    *first_left = 0;
    if ((res ? db_bind_int64(st, 1, after_rowid, err) < 0 ||
                   db_bind_text(st, 2, seller_id, err) < 0
             : db_bind_text(st, 1, seller_id, err) < 0 ||
                   db_bind_int64(st, 2, after_rowid, err) < 0 ||
                   db_bind_text(st, 3, seller_id, err) < 0 ||
                   db_bind_int64(st, 4, after_rowid, err) < 0))
        goto out;
    while ((step = db_step(st, err)) == DB_ROW) {
        struct pending_charge c;
        struct date start;
        int64_t rowid;

        if (repo_bill_col_date(st, 5, &start, err) < 0)
            goto out;
        /* starts after the period: a later close rates it; the mark stays below it */
        if (date_cmp(start, last) > 0) {
            rowid = db_column_int64(st, PENDING_ROWID_COL);
            if (!*first_left || rowid < *first_left)
                *first_left = rowid;
            continue;
        }
        if (read_pending(st, &c, err) < 0 || fn(ctx, &c) < 0)
            goto out;
    }
    if (step < 0)
        goto out;
    rc = 0;
out:
    db_finalize(st);
    return rc;
}

int repo_rating_mark_get(struct db *db, const char *seller_id, const char *tier,
                         enum rating_source src, int64_t *rowid, struct err *err)
{
    /* a mark counts only while the rowid still names the row it was set on */
#define MARK_GET(table)                                                                    \
    "SELECT m.row_id FROM rating_marks m JOIN " table " x ON x.rowid = m.row_id AND"       \
    " x.id = m.row_key WHERE m.seller_id = ? AND m.tier = ? AND m.source = '" table "'"
    static const char *const sql[] = {MARK_GET("charges"), MARK_GET("usage_charges")};
    struct db_stmt *st = NULL;
    int rc = -1, step;

    *rowid = 0;
    if (db_prepare(db, sql[src == RATING_USAGE], &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, seller_id, err) < 0 || db_bind_text(st, 2, tier, err) < 0 ||
        (step = db_step(st, err)) < 0)
        goto out;
    if (step == DB_ROW)
        *rowid = db_column_int64(st, 0);
    rc = 0;
out:
    db_finalize(st);
    return rc;
}

int repo_rating_mark_set(struct db *db, const char *seller_id, const char *tier,
                         enum rating_source src, int64_t first_left, struct err *err)
{
#define MARK_SET(table)                                                                    \
    "INSERT INTO rating_marks (seller_id, tier, source, row_id, row_key)"                  \
    " SELECT ?, ?, '" table "', m.r, (SELECT x.id FROM " table " x WHERE x.rowid = m.r)"   \
    " FROM (SELECT COALESCE(?, (SELECT MAX(rowid) FROM " table "), 0) AS r) m"             \
    " WHERE m.r > 0 ON CONFLICT (seller_id, tier, source) DO UPDATE SET"                   \
    " row_id = excluded.row_id, row_key = excluded.row_key"
    static const char *const sql[] = {MARK_SET("charges"), MARK_SET("usage_charges")};
    struct db_stmt *st = NULL;
    int rc = -1;

    if (db_prepare(db, sql[src == RATING_USAGE], &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, seller_id, err) < 0 || db_bind_text(st, 2, tier, err) < 0 ||
        (first_left ? db_bind_int64(st, 3, first_left - 1, err)
                    : db_bind_null(st, 3, err)) < 0 ||
        db_step(st, err) < 0)
        goto out;
    rc = 0;
out:
    db_finalize(st);
    return rc;
}

int repo_rating_charge(struct db *db, const char *charge_id, struct pending_charge *c,
                       struct err *err)
{
    struct db_stmt *st = NULL;
    int rc = -1, step;

    if (db_prepare(db, "SELECT " PENDING_COLS PENDING_NO_BASE PENDING_FROM " WHERE c.id = ?",
                   &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, charge_id, err) < 0 || (step = db_step(st, err)) < 0)
        goto out;
    if (step == DB_DONE) {
        err_set(err, ERR_NOT_FOUND, "charge_id", "no charge %s", charge_id);
        goto out;
    }
    rc = read_pending(st, c, err);
out:
    db_finalize(st);
    return rc;
}

int repo_rating_erp(struct db *db, struct stmt_cache *sc, const char *sku, const char *term,
                    const char *billing, const char *market, const char *currency,
                    struct date day, bool *found, struct dec *erp, struct err *err)
{
    static const char sql[] =
        "SELECT erp_price FROM price_points WHERE sku = ? AND term = ? AND billing = ?"
        " AND (market = ? OR market = '') AND currency = ? AND effective_from <= ?"
        " AND erp_price IS NOT NULL ORDER BY effective_from DESC, id DESC LIMIT 1";
    struct db_stmt *st = NULL;
    int rc = -1, step;

    *found = false;
    if (stmt_get(db, sc, sql, &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, sku, err) < 0 || db_bind_text(st, 2, term, err) < 0 ||
        db_bind_text(st, 3, billing, err) < 0 || db_bind_text(st, 4, market, err) < 0 ||
        db_bind_text(st, 5, currency, err) < 0 || repo_bill_bind_date(st, 6, day, err) < 0 ||
        (step = db_step(st, err)) < 0)
        goto out;
    if (step == DB_ROW) {
        if (repo_bill_col_dec(st, 0, erp, err) < 0)
            goto out;
        *found = !dec_is_zero(*erp);
    }
    rc = 0;
out:
    stmt_put(sc, st);
    return rc;
}

static int fx_lookup(struct db *db, struct stmt_cache *sc, const char *from, const char *to,
                     struct date day, bool *found, struct dec *rate, struct date *rate_day,
                     struct err *err)
{
    static const char sql[] =
        "SELECT rate, effective_from FROM exchange_rates WHERE from_currency = ?"
        " AND to_currency = ? AND effective_from <= ? ORDER BY effective_from DESC LIMIT 1";
    struct db_stmt *st = NULL;
    int rc = -1, step;

    *found = false;
    if (stmt_get(db, sc, sql, &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, from, err) < 0 || db_bind_text(st, 2, to, err) < 0 ||
        repo_bill_bind_date(st, 3, day, err) < 0 || (step = db_step(st, err)) < 0)
        goto out;
    if (step == DB_ROW) {
        if (repo_bill_col_dec(st, 0, rate, err) < 0 ||
            repo_bill_col_date(st, 1, rate_day, err) < 0)
            goto out;
        *found = !dec_is_zero(*rate);
    }
    rc = 0;
out:
    stmt_put(sc, st);
    return rc;
}

int repo_rating_fx(struct db *db, const char *from, const char *to, struct date day,
                   bool *found, struct dec *rate, struct date *rate_day, struct err *err)
{
    return repo_rating_fx_cached(db, NULL, from, to, day, found, rate, rate_day, err);
}

int repo_rating_fx_cached(struct db *db, struct stmt_cache *sc, const char *from,
                          const char *to, struct date day, bool *found, struct dec *rate,
                          struct date *rate_day, struct err *err)
{
    struct dec inv;

    if (fx_lookup(db, sc, from, to, day, found, rate, rate_day, err) < 0)
        return -1;
    if (*found)
        return 0;
    if (fx_lookup(db, sc, to, from, day, found, &inv, rate_day, err) < 0)
        return -1;
    if (*found && dec_div(dec_from_i64(1), inv, DEC_ROUND_HALF_EVEN, rate, err) < 0)
        return -1;
    return 0;
}
