/*
 * store/repo_charge.c — charge lines in SQL (see repo_charge.h). The daily cycle inserts one
 * or two lines per due subscription; reports and the scenario runner read them back in the
 * order of the instants they were billed at.
 *
 * Ids are time-ordered (id_new_ordered: the line's instant, then a per-process counter, then
 * 65 random bits): with random ids every insert landed on a random page of the primary-key
 * index — one page read and one page written per line once the book outgrew the cache, the
 * daily cycle's largest single cost after the engine's own work. Ordered, a day's lines go to
 * the index's right edge.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "store/repo_charge.h"

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

/* The order key of a new line: its instant (seconds, 40 bits), then a 24-bit counter. */
static uint64_t charge_key(instant_t at)
{
    static atomic_uint counter;
    unsigned n = atomic_fetch_add_explicit(&counter, 1u, memory_order_relaxed);

    return (uint64_t)(at > 0 ? at : 0) << 24 | (n & 0xffffffu);
}

int repo_charge_insert(struct db *db, struct stmt_cache *sc, struct charge_row *r,
                       struct err *err)
{
    static const char sql[] =
        "INSERT INTO charges (id, subscription_id, event_seq, charge_type, sku, start_date,"
        " end_date, quantity, unit_price, effective_unit_price, subtotal, currency,"
        " billing_currency, exchange_rate, billing_subtotal, est, reference_id, created_at)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    const struct charge_line *l = &r->line;
    struct db_stmt *st = NULL;
    bool fx = !dec_is_zero(l->fx_rate);
    int rc = -1;

    if (id_new_ordered("chg", charge_key(r->created_at), r->id, err) < 0)
        return -1;
    if (stmt_get(db, sc, sql, &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, r->id, err) < 0 ||
        db_bind_text(st, 2, r->subscription_id, err) < 0 ||
        db_bind_int64(st, 3, r->event_seq, err) < 0 ||
        db_bind_text(st, 4, charge_type_name(l->type), err) < 0 ||
        db_bind_text(st, 5, l->sku, err) < 0 || bind_date(st, 6, l->start, err) < 0 ||
        bind_date(st, 7, l->end, err) < 0 || db_bind_int64(st, 8, l->quantity, err) < 0 ||
        bind_dec(st, 9, l->unit_price, err) < 0 ||
        bind_dec(st, 10, l->effective_unit_price, err) < 0 ||
        bind_dec(st, 11, l->subtotal, err) < 0 || db_bind_text(st, 12, l->currency, err) < 0 ||
        db_bind_text(st, 13, l->billing_currency, err) < 0 ||
        (fx ? bind_dec(st, 14, l->fx_rate, err) : db_bind_null(st, 14, err)) < 0 ||
        (l->has_billing_subtotal ? bind_dec(st, 15, l->billing_subtotal, err)
                                 : db_bind_null(st, 15, err)) < 0 ||
        db_bind_int64(st, 16, l->est, err) < 0 ||
        (r->reference_id[0] ? db_bind_text(st, 17, r->reference_id, err)
                            : db_bind_null(st, 17, err)) < 0 ||
        db_bind_int64(st, 18, r->created_at, err) < 0 || db_step(st, err) < 0)
        goto out;
    rc = 0;
out:
    stmt_put(sc, st);
    return rc;
}

static void col_str(struct db_stmt *st, int col, char *buf, size_t cap)
{
    const char *t = db_column_text(st, col);

    snprintf(buf, cap, "%s", t ? t : "");
}

static int col_dec(struct db_stmt *st, int col, struct dec *d, struct err *err)
{
    const char *t = db_column_text(st, col);

    *d = dec_zero();
    return t ? dec_parse_cstr(t, d, err) : 0;
}

static int col_date(struct db_stmt *st, int col, struct date *d, struct err *err)
{
    const char *t = db_column_text(st, col);

    memset(d, 0, sizeof(*d));
    return t ? date_parse_cstr(t, d, err) : 0;
}

int repo_charge_each(struct db *db, const char *subscription_id,
                     int (*fn)(void *ctx, const struct charge_row *r), void *ctx,
                     struct err *err)
{
    static const char cols[] =
        "SELECT id, subscription_id, event_seq, charge_type, sku, start_date, end_date,"
        " quantity, unit_price, effective_unit_price, subtotal, currency, billing_currency,"
        " exchange_rate, billing_subtotal, est, reference_id, created_at FROM charges";
    char sql[sizeof(cols) + 96];
    struct db_stmt *st = NULL;
    int rc = -1, step;

    snprintf(sql, sizeof(sql), "%s%s ORDER BY created_at, subscription_id, event_seq, id", cols,
             subscription_id ? " WHERE subscription_id = ?" : "");
    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (subscription_id && db_bind_text(st, 1, subscription_id, err) < 0)
        goto out;
    while ((step = db_step(st, err)) == DB_ROW) {
        struct charge_row r;
        struct charge_line *l = &r.line;
        char type[32];

        memset(&r, 0, sizeof(r));
        col_str(st, 0, r.id, sizeof(r.id));
        col_str(st, 1, r.subscription_id, sizeof(r.subscription_id));
        r.event_seq = db_column_int64(st, 2);
        col_str(st, 3, type, sizeof(type));
        if (charge_type_from_name(type, &l->type) < 0) {
            err_set(err, ERR_PARSE, "charge_type", "unknown charge type '%s'", type);
            goto out;
        }
        col_str(st, 4, l->sku, sizeof(l->sku));
        if (col_date(st, 5, &l->start, err) < 0 || col_date(st, 6, &l->end, err) < 0)
            goto out;
        l->quantity = (int32_t)db_column_int64(st, 7);
        if (col_dec(st, 8, &l->unit_price, err) < 0 ||
            col_dec(st, 9, &l->effective_unit_price, err) < 0 ||
            col_dec(st, 10, &l->subtotal, err) < 0)
            goto out;
        col_str(st, 11, l->currency, sizeof(l->currency));
        col_str(st, 12, l->billing_currency, sizeof(l->billing_currency));
        if (col_dec(st, 13, &l->fx_rate, err) < 0 ||
            col_dec(st, 14, &l->billing_subtotal, err) < 0)
            goto out;
        l->has_billing_subtotal = !db_column_is_null(st, 14);
        l->est = db_column_int64(st, 15) != 0;
        col_str(st, 16, r.reference_id, sizeof(r.reference_id));
        r.created_at = db_column_int64(st, 17);
        if (fn(ctx, &r) < 0)
            goto out;
    }
    if (step < 0)
        goto out;
    rc = 0;
out:
    db_finalize(st);
    return rc;
}
