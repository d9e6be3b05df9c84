/*
 * store/repo_party_util.c — the small helpers the party repositories share (see
 * repo_party_internal.h): optional binds, column copies, kind texts, the insert read-back.
 */
#include <stdio.h>
#include <string.h>

#include "store/repo_party_internal.h"

int rp_bind_opt(struct db_stmt *st, int idx, const char *s, struct err *err)
{
    if (!s || !*s)
        return db_bind_null(st, idx, err);
    return db_bind_text(st, idx, s, err);
}

int rp_bind_date(struct db_stmt *st, int idx, struct date d, struct err *err)
{
    char buf[DATE_STRLEN];

    if (d.year == 0)
        return db_bind_null(st, idx, err);
    date_format(d, buf);
    return db_bind_text(st, idx, buf, err);
}

int rp_bind_day_instant(struct db_stmt *st, int idx, struct date d, struct err *err)
{
    if (d.year == 0)
        return db_bind_null(st, idx, err);
    return db_bind_int64(st, idx, instant_from_date(d), err);
}

int rp_bind_count(struct db_stmt *st, int idx, struct fact_count c, struct err *err)
{
    return c.known ? db_bind_int64(st, idx, c.value, err) : db_bind_null(st, idx, err);
}

int rp_bind_money(struct db_stmt *st, int idx, bool known, struct dec v, struct err *err)
{
    char buf[DEC_STRLEN];

    if (!known)
        return db_bind_null(st, idx, err);
    dec_format(v, buf);
    return db_bind_text(st, idx, buf, err);
}

int rp_bind_bool_fact(struct db_stmt *st, int idx, enum fact_bool b, struct err *err)
{
    if (b == FACT_UNKNOWN)
        return db_bind_null(st, idx, err);
    return db_bind_int64(st, idx, b == FACT_YES ? 1 : 0, err);
}

void rp_col_copy(struct db_stmt *st, int col, char *buf, size_t size)
{
    const char *t = db_column_text(st, col);

    snprintf(buf, size, "%s", t ? t : "");
}

struct date rp_col_date(struct db_stmt *st, int col)
{
    const char *t = db_column_text(st, col);
    struct date d = {0, 0, 0};
    struct err scratch;

    err_clear(&scratch);
    if (!t || date_parse_cstr(t, &d, &scratch) < 0)
        return (struct date){0, 0, 0};
    return d;
}

struct date rp_col_day(struct db_stmt *st, int col)
{
    if (db_column_is_null(st, col))
        return (struct date){0, 0, 0};
    return instant_date(db_column_int64(st, col));
}

int rp_col_money(struct db_stmt *st, int col, struct fact_money *out, struct err *err)
{
    const char *t = db_column_text(st, col);

    memset(out, 0, sizeof(*out));
    if (!t)
        return 0;
    if (dec_parse_cstr(t, &out->value, err) < 0)
        return err_set(err, ERR_DB, "", "stored amount '%.48s' is not a decimal", t);
    out->known = true;
    return 0;
}

struct fact_count rp_col_count(struct db_stmt *st, int col)
{
    struct fact_count c = {false, 0};

    if (!db_column_is_null(st, col)) {
        c.known = true;
        c.value = db_column_int64(st, col);
    }
    return c;
}

enum fact_bool rp_col_bool_fact(struct db_stmt *st, int col)
{
    if (db_column_is_null(st, col))
        return FACT_UNKNOWN;
    return db_column_int64(st, col) ? FACT_YES : FACT_NO;
}

const char *rp_kind_to_db(enum partner_kind k)
{
    switch (k) {
    case PARTNER_DISTRIBUTOR: return "distributor";
    case PARTNER_INDIRECT_RESELLER: return "reseller";
    case PARTNER_DIRECT_BILL: return "direct";
    case PARTNER_KIND_NONE: break;
    }
    return NULL;
}

enum partner_kind rp_kind_from_db(const char *s)
{
    if (!s)
        return PARTNER_KIND_NONE;
    if (strcmp(s, "distributor") == 0)
        return PARTNER_DISTRIBUTOR;
    if (strcmp(s, "reseller") == 0)
        return PARTNER_INDIRECT_RESELLER;
    if (strcmp(s, "direct") == 0)
        return PARTNER_DIRECT_BILL;
    return PARTNER_KIND_NONE;
}

int rp_insert_visible(struct db *db, const char *table, const char *id,
                      const struct scope_pred *pred, const char *field, struct err *err)
{
    char sql[SCOPE_PRED_SQL_MAX + 96];
    struct db_stmt *st = NULL;
    int step;

    snprintf(sql, sizeof(sql), "SELECT 1 FROM %s t WHERE t.id = ? AND %s", table, pred->sql);
    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, id, err) < 0 || scope_pred_bind(st, 2, pred, NULL, err) < 0) {
        db_finalize(st);
        return -1;
    }
    step = db_step(st, err);
    db_finalize(st);
    if (step < 0)
        return -1;
    if (step == DB_DONE)
        return err_set(err, ERR_FORBIDDEN, field,
                       "the new %.32s would be outside the caller's scope", table);
    return 0;
}

int rp_run(struct db_stmt *st, struct err *err)
{
    int rc = db_step(st, err) < 0 ? -1 : 0;

    db_finalize(st);
    return rc;
}

int rp_limit(const struct party_filter *f)
{
    if (!f || f->limit <= 0 || f->limit > PARTY_LIST_MAX)
        return PARTY_LIST_MAX;
    return f->limit;
}
