/*
 * store/repo_sub.c — subscriptions, their events and the customer facts, in SQL (see
 * repo_sub.h). Portable SQL with `?` placeholders only; the calls of a long run (the daily
 * cycle) reuse their prepared statements through the caller's cache (repo_stmt.h), and
 * states and events are encoded into stack buffers without jansson when they can be.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/repo_sub.h"

static int copy_col(struct db_stmt *st, int col, char *buf, size_t cap)
{
    const char *t = db_column_text(st, col);
    size_t n = t ? strlen(t) : 0;

    if (n >= cap)
        n = cap - 1;
    memcpy(buf, t ? t : "", n);
    buf[n] = '\0';
    return 0;
}

static int bind_date_or_null(struct db_stmt *st, int idx, struct date d, struct err *err)
{
    char buf[DATE_STRLEN];

    if (d.year == 0)
        return db_bind_null(st, idx, err);
    date_format(d, buf);
    return db_bind_text(st, idx, buf, err);
}

static int bind_next_due(struct db_stmt *st, int idx, const struct sub *s, struct err *err)
{
    int32_t due = sub_next_due(s);

    if (due == INT32_MAX)
        return db_bind_null(st, idx, err);
    return bind_date_or_null(st, idx, date_from_days(due), err);
}

/* The snapshot to store: compact format 2, or JSON when a string cannot be written so. */
static char *state_text(const struct sub *s, char buf[SUB_STATE_TEXT_MAX], struct err *err)
{
    json_t *j;
    char *txt;

    if (sub_state_encode(s, buf, SUB_STATE_TEXT_MAX) >= 0)
        return buf;
    j = sub_state_to_json(s);
    txt = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    if (!txt)
        err_set(err, ERR_NOMEM, "", "out of memory encoding a subscription");
    return txt;
}

static void state_free(char *txt, const char *buf)
{
    if (txt != buf)
        free(txt);
}

int repo_sub_insert(struct db *db, struct stmt_cache *sc, const struct sub_row *r,
                    struct err *err)
{
    static const char sql[] =
        "INSERT INTO subscriptions (id, partner_id, customer_id, name, sku, term, billing,"
        " status, quantity, auto_renew, term_start, term_end, version, state, created_at,"
        " updated_at, next_due) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    struct db_stmt *st = NULL;
    char sbuf[SUB_STATE_TEXT_MAX];
    char *txt = state_text(&r->s, sbuf, err);
    int rc = -1;

    if (!txt)
        return -1;
    if (stmt_get(db, sc, sql, &st, err) < 0)
        goto out;
    if (db_bind_text(st, 1, r->id, err) < 0 || db_bind_text(st, 2, r->partner_id, err) < 0 ||
        db_bind_text(st, 3, r->customer_id, err) < 0 ||
        (r->name[0] ? db_bind_text(st, 4, r->name, err) : db_bind_null(st, 4, err)) < 0 ||
        db_bind_text(st, 5, r->s.sku, err) < 0 ||
        db_bind_text(st, 6, term_name(r->s.term), err) < 0 ||
        db_bind_text(st, 7, billing_name(r->s.billing), err) < 0 ||
        db_bind_text(st, 8, sub_status_label(&r->s), err) < 0 ||
        db_bind_int64(st, 9, r->s.quantity, err) < 0 ||
        db_bind_int64(st, 10, sub_auto_renew(&r->s), err) < 0 ||
        bind_date_or_null(st, 11, r->s.term_start, err) < 0 ||
        bind_date_or_null(st, 12, r->s.term_end, err) < 0 ||
        db_bind_int64(st, 13, r->s.seq, err) < 0 || db_bind_text(st, 14, txt, err) < 0 ||
        db_bind_int64(st, 15, r->created_at, err) < 0 ||
        db_bind_int64(st, 16, r->s.updated_at, err) < 0 || bind_next_due(st, 17, &r->s, err) < 0)
        goto out;
    if (db_step(st, err) < 0)
        goto out;
    rc = 0;
out:
    stmt_put(sc, st);
    state_free(txt, sbuf);
    return rc;
}

int repo_sub_update(struct db *db, struct stmt_cache *sc, const struct sub_row *r,
                    int64_t prev_seq, struct err *err)
{
    static const char sql[] =
        "UPDATE subscriptions SET sku = ?, term = ?, billing = ?, status = ?, quantity = ?,"
        " auto_renew = ?, term_start = ?, term_end = ?, version = ?, state = ?,"
        " updated_at = ?, next_due = ? WHERE id = ? AND version = ?";
    struct db_stmt *st = NULL;
    char sbuf[SUB_STATE_TEXT_MAX];
    char *txt = state_text(&r->s, sbuf, err);
    int rc = -1;

    if (!txt)
        return -1;
    if (stmt_get(db, sc, sql, &st, err) < 0)
        goto out;
    if (db_bind_text(st, 1, r->s.sku, err) < 0 ||
        db_bind_text(st, 2, term_name(r->s.term), err) < 0 ||
        db_bind_text(st, 3, billing_name(r->s.billing), err) < 0 ||
        db_bind_text(st, 4, sub_status_label(&r->s), err) < 0 ||
        db_bind_int64(st, 5, r->s.quantity, err) < 0 ||
        db_bind_int64(st, 6, sub_auto_renew(&r->s), err) < 0 ||
        bind_date_or_null(st, 7, r->s.term_start, err) < 0 ||
        bind_date_or_null(st, 8, r->s.term_end, err) < 0 ||
        db_bind_int64(st, 9, r->s.seq, err) < 0 || db_bind_text(st, 10, txt, err) < 0 ||
        db_bind_int64(st, 11, r->s.updated_at, err) < 0 ||
        bind_next_due(st, 12, &r->s, err) < 0 || db_bind_text(st, 13, r->id, err) < 0 ||
        db_bind_int64(st, 14, prev_seq, err) < 0)
        goto out;
    if (db_step(st, err) < 0)
        goto out;
    if (db_changes(db) != 1) {
        err_set(err, ERR_CONFLICT, "sub", "subscription %s changed meanwhile; retry", r->id);
        goto out;
    }
    rc = 0;
out:
    stmt_put(sc, st);
    state_free(txt, sbuf);
    return rc;
}

int repo_sub_get(struct db *db, struct stmt_cache *sc, const char *id, struct sub_row *r,
                 struct err *err)
{
    static const char sql[] =
        "SELECT id, partner_id, customer_id, name, created_at, state FROM subscriptions"
        " WHERE id = ?";
    struct db_stmt *st = NULL;
    const char *txt;
    int rc = -1, step;

    memset(r, 0, sizeof(*r));
    if (stmt_get(db, sc, sql, &st, err) < 0 || db_bind_text(st, 1, id, err) < 0)
        goto out;
    step = db_step(st, err);
    if (step < 0)
        goto out;
    if (step == DB_DONE) {
        err_set(err, ERR_NOT_FOUND, "sub", "no subscription %s", id);
        goto out;
    }
    copy_col(st, 0, r->id, sizeof(r->id));
    copy_col(st, 1, r->partner_id, sizeof(r->partner_id));
    copy_col(st, 2, r->customer_id, sizeof(r->customer_id));
    copy_col(st, 3, r->name, sizeof(r->name));
    r->created_at = db_column_int64(st, 4);
    txt = db_column_text(st, 5) ? db_column_text(st, 5) : "";
    if (sub_state_decode(txt, strlen(txt), &r->s, err) < 0)
        goto out;
    rc = 0;
out:
    stmt_put(sc, st);
    return rc;
}

int repo_sub_append_event(struct db *db, struct stmt_cache *sc, const char *sub_id,
                          int64_t seq, const struct lc_event *ev, struct err *err)
{
    static const char sql[] =
        "INSERT INTO subscription_events (subscription_id, seq, kind, at, data)"
        " VALUES (?,?,?,?,?)";
    struct db_stmt *st = NULL;
    char buf[LC_EVENT_TEXT_MAX];
    char *txt = buf;
    int rc = -1;

    if (lc_event_text(ev, buf, sizeof(buf)) < 0) {
        json_t *j = lc_event_to_json(ev);

        txt = j ? json_dumps(j, JSON_COMPACT) : NULL;
        json_decref(j);
        if (!txt)
            return err_set(err, ERR_NOMEM, "", "out of memory encoding an event");
    }
    if (stmt_get(db, sc, sql, &st, err) < 0 || db_bind_text(st, 1, sub_id, err) < 0 ||
        db_bind_int64(st, 2, seq, err) < 0 ||
        db_bind_text(st, 3, lc_event_kind_name(ev->kind), err) < 0 ||
        db_bind_int64(st, 4, ev->at, err) < 0 || db_bind_text(st, 5, txt, err) < 0 ||
        db_step(st, err) < 0)
        goto out;
    rc = 0;
out:
    stmt_put(sc, st);
    if (txt != buf)
        free(txt);
    return rc;
}

int repo_sub_each_event(struct db *db, const char *sub_id,
                        int (*fn)(void *ctx, int64_t seq, const struct lc_event *ev),
                        void *ctx, struct err *err)
{
    static const char sql[] =
        "SELECT seq, kind, at, data FROM subscription_events WHERE subscription_id = ?"
        " ORDER BY seq";
    struct db_stmt *st = NULL;
    int rc = -1, step;

    if (db_prepare(db, sql, &st, err) < 0 || db_bind_text(st, 1, sub_id, err) < 0)
        goto out;
    while ((step = db_step(st, err)) == DB_ROW) {
        struct lc_event ev;
        enum lc_event_kind kind;
        const char *k = db_column_text(st, 1), *d = db_column_text(st, 3);
        json_error_t je;
        json_t *j = d ? json_loads(d, 0, &je) : NULL;
        int r;

        if (!k || lc_event_kind_from_name(k, &kind) < 0) {
            json_decref(j);
            err_set(err, ERR_PARSE, "kind", "unknown event kind '%s'", k ? k : "");
            goto out;
        }
        r = lc_event_from_json(kind, db_column_int64(st, 2), j, &ev, err);
        json_decref(j);
        if (r < 0 || fn(ctx, db_column_int64(st, 0), &ev) < 0)
            goto out;
    }
    if (step < 0)
        goto out;
    rc = 0;
out:
    db_finalize(st);
    return rc;
}

int repo_sub_due(struct db *db, struct date day, struct sub_due *due, size_t max, size_t *n,
                 struct err *err)
{
    /* ORDER BY next_due keeps the planner on the next_due index (ordering by id would make
     * it walk the whole primary key to avoid a sort) */
    static const char sql[] =
        "SELECT id, customer_id FROM subscriptions WHERE next_due <= ? ORDER BY next_due"
        " LIMIT ?";
    struct db_stmt *st = NULL;
    char d[DATE_STRLEN];
    int rc = -1, step = DB_DONE;

    *n = 0;
    date_format(day, d);
    if (db_prepare(db, sql, &st, err) < 0 || db_bind_text(st, 1, d, err) < 0 ||
        db_bind_int64(st, 2, (int64_t)max, err) < 0)
        goto out;
    while (*n < max && (step = db_step(st, err)) == DB_ROW) {
        copy_col(st, 0, due[*n].id, sizeof(due[*n].id));
        copy_col(st, 1, due[*n].customer_id, sizeof(due[*n].customer_id));
        (*n)++;
    }
    if (*n < max && step < 0)
        goto out;
    rc = 0;
out:
    db_finalize(st);
    return rc;
}

int repo_sub_update_state(struct db *db, struct stmt_cache *sc, const struct sub_row *r,
                          int64_t prev_seq, struct err *err)
{
    static const char sql[] =
        "UPDATE subscriptions SET version = ?, state = ?, updated_at = ?, next_due = ?"
        " WHERE id = ? AND version = ?";
    struct db_stmt *st = NULL;
    char sbuf[SUB_STATE_TEXT_MAX];
    char *txt = state_text(&r->s, sbuf, err);
    int rc = -1;

    if (!txt)
        return -1;
    if (stmt_get(db, sc, sql, &st, err) < 0)
        goto out;
    if (db_bind_int64(st, 1, r->s.seq, err) < 0 || db_bind_text(st, 2, txt, err) < 0 ||
        db_bind_int64(st, 3, r->s.updated_at, err) < 0 ||
        bind_next_due(st, 4, &r->s, err) < 0 || db_bind_text(st, 5, r->id, err) < 0 ||
        db_bind_int64(st, 6, prev_seq, err) < 0 || db_step(st, err) < 0)
        goto out;
    if (db_changes(db) != 1) {
        err_set(err, ERR_CONFLICT, "sub", "subscription %s changed meanwhile; retry", r->id);
        goto out;
    }
    rc = 0;
out:
    stmt_put(sc, st);
    state_free(txt, sbuf);
    return rc;
}

#define CUSTOMER_FACTS_SQL                                                                \
    "SELECT c.id, c.owner_partner_id, c.market, c.billing_currency, c.mca_status,"        \
    " c.mca_accepted_at, p.kind FROM customers c LEFT JOIN partners p"                    \
    " ON p.id = c.owner_partner_id"

static void customer_facts(struct db_stmt *st, struct sub_customer *c)
{
    memset(c, 0, sizeof(*c));
    copy_col(st, 0, c->id, sizeof(c->id));
    copy_col(st, 1, c->partner_id, sizeof(c->partner_id));
    copy_col(st, 2, c->market, sizeof(c->market));
    copy_col(st, 3, c->billing_currency, sizeof(c->billing_currency));
    copy_col(st, 4, c->mca_status, sizeof(c->mca_status));
    c->mca_has_date = !db_column_is_null(st, 5);
    c->mca_accepted_at = db_column_int64(st, 5);
    copy_col(st, 6, c->partner_kind, sizeof(c->partner_kind));
}

int repo_sub_customer(struct db *db, struct stmt_cache *sc, const char *customer_id,
                      struct sub_customer *c, struct err *err)
{
    static const char sql[] = CUSTOMER_FACTS_SQL " WHERE c.id = ?";
    struct db_stmt *st = NULL;
    int rc = -1, step;

    memset(c, 0, sizeof(*c));
    if (stmt_get(db, sc, sql, &st, err) < 0 || db_bind_text(st, 1, customer_id, err) < 0)
        goto out;
    step = db_step(st, err);
    if (step < 0)
        goto out;
    if (step == DB_DONE) {
        err_set(err, ERR_NOT_FOUND, "customer_id", "no customer %s", customer_id);
        goto out;
    }
    customer_facts(st, c);
    rc = 0;
out:
    stmt_put(sc, st);
    return rc;
}

int repo_sub_customer_count(struct db *db, size_t *n, struct err *err)
{
    struct db_stmt *st = NULL;
    int rc = -1, step;

    *n = 0;
    if (db_prepare(db, "SELECT COUNT(*) FROM customers", &st, err) < 0)
        return -1;
    step = db_step(st, err);
    if (step < 0)
        goto out;
    if (step == DB_ROW)
        *n = (size_t)db_column_int64(st, 0);
    rc = 0;
out:
    db_finalize(st);
    return rc;
}

int repo_sub_customer_each(struct db *db,
                           int (*fn)(void *ctx, const struct sub_customer *c, struct err *err),
                           void *ctx, struct err *err)
{
    struct db_stmt *st = NULL;
    int rc = -1, step;

    if (db_prepare(db, CUSTOMER_FACTS_SQL, &st, err) < 0)
        return -1;
    while ((step = db_step(st, err)) == DB_ROW) {
        struct sub_customer c;

        customer_facts(st, &c);
        if (fn(ctx, &c, err) < 0)
            goto out;
    }
    if (step < 0)
        goto out;
    rc = 0;
out:
    db_finalize(st);
    return rc;
}

int repo_sub_cycle_mode(struct db *db, bool on, struct err *err)
{
    char sql[128];

    if (strcmp(db_backend(db), "sqlite") != 0)
        return 0;
    if (on) {
        snprintf(sql, sizeof(sql), "PRAGMA cache_size = -%d; PRAGMA wal_autocheckpoint = 0",
                 REPO_SUB_CYCLE_CACHE_KIB);
        return db_exec(db, sql, err);
    }
    /* one checkpoint for the whole run, then SQLite's defaults again */
    return db_exec(db, "PRAGMA wal_checkpoint(PASSIVE); PRAGMA wal_autocheckpoint = 1000;"
                   " PRAGMA cache_size = -2000", err);
}
