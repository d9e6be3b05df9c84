/*
 * store/repo_user_util.c — binds, column copies and the users / api_tokens tenancy
 * predicates shared by repo_user*.c (see repo_user_internal.h). The predicates reuse the
 * customers predicate of store/scope.c, so "which customers does a partner see" stays written
 * once.
 */
#include <stdio.h>
#include <string.h>

#include "store/repo_user_internal.h"

int ru_bind_opt(struct db_stmt *st, int idx, const char *s, struct err *err)
{
    if (!s || !*s)
        return db_bind_null(st, idx, err);
    return db_bind_text(st, idx, s, err);
}

int ru_bind_instant(struct db_stmt *st, int idx, instant_t t, struct err *err)
{
    if (t == 0)
        return db_bind_null(st, idx, err);
    return db_bind_int64(st, idx, t, err);
}

void ru_col_copy(struct db_stmt *st, int col, char *buf, size_t size)
{
    const char *t = db_column_text(st, col);

    snprintf(buf, size, "%s", t ? t : "");
}

instant_t ru_col_instant(struct db_stmt *st, int col)
{
    return db_column_is_null(st, col) ? 0 : db_column_int64(st, col);
}

int ru_run(struct db_stmt *st, struct err *err)
{
    int rc = db_step(st, err);

    db_finalize(st);
    return rc < 0 ? -1 : 0;
}

/* Aliases are code, not input; still refuse anything but letters. */
static int alias_ok(const char *alias, struct err *err)
{
    if (strlen(alias) != 1 || alias[0] < 'a' || alias[0] > 'z')
        return err_set(err, ERR_INTERNAL, "", "bad table alias");
    return 0;
}

int ru_pred_users(const struct scope *s, const char *alias, struct scope_pred *out,
                  struct err *err)
{
    struct scope_pred cust;
    int n;

    if (scope_check(s, err) < 0 || alias_ok(alias, err) < 0)
        return -1;
    memset(out, 0, sizeof(*out));
    switch (s->kind) {
    case SCOPE_INSTALLATION:
        snprintf(out->sql, sizeof(out->sql), "(1 = 1)");
        return 0;
    case SCOPE_PARTNER:
        if (scope_pred_customers(s, "ru_c", &cust, err) < 0)
            return -1;
        n = snprintf(out->sql, sizeof(out->sql),
                     "(%s.partner_id = ? OR %s.customer_id IN (SELECT ru_c.id FROM customers"
                     " ru_c WHERE %s))", alias, alias, cust.sql);
        if (n < 0 || (size_t)n >= sizeof(out->sql) || cust.nparams + 1 > SCOPE_PRED_PARAMS_MAX)
            return err_set(err, ERR_INTERNAL, "", "users predicate does not fit");
        out->params[0] = s->partner_id;
        for (int i = 0; i < cust.nparams; i++)
            out->params[1 + i] = cust.params[i];
        out->nparams = 1 + cust.nparams;
        return 0;
    case SCOPE_CUSTOMER:
        snprintf(out->sql, sizeof(out->sql), "(%s.customer_id = ?)", alias);
        out->nparams = 1;
        out->params[0] = s->customer_id;
        return 0;
    }
    return err_set(err, ERR_INTERNAL, "", "unknown scope kind");
}

int ru_pred_tokens(const struct scope *s, const char *alias, struct scope_pred *out,
                   struct err *err)
{
    if (scope_check(s, err) < 0 || alias_ok(alias, err) < 0)
        return -1;
    memset(out, 0, sizeof(*out));
    switch (s->kind) {
    case SCOPE_INSTALLATION:
        snprintf(out->sql, sizeof(out->sql), "(1 = 1)");
        return 0;
    case SCOPE_PARTNER:
        snprintf(out->sql, sizeof(out->sql), "(%s.partner_id = ?)", alias);
        out->nparams = 1;
        out->params[0] = s->partner_id;
        return 0;
    case SCOPE_CUSTOMER:
        snprintf(out->sql, sizeof(out->sql), "(1 = 0)");
        return 0;
    }
    return err_set(err, ERR_INTERNAL, "", "unknown scope kind");
}
