/*
 * store/scope.c — the tenancy predicates: for each table, the WHERE fragment that limits it to
 * what a caller's scope may see (scope.h lists who sees what).
 *
 * This is the one place tenancy is written down in SQL (DESIGN.md "Tenancy is enforced in one
 * place"). Repositories never compare partner or customer ids themselves: every read appends
 * the predicate, every UPDATE carries it in its WHERE clause (zero rows changed = not found),
 * and every INSERT is followed by a read through it, so a row the caller could not see is
 * never written. A predicate is a few dozen bytes of text and up to four borrowed pointers;
 * building one costs nothing next to the query it guards.
 *
 * The partner predicate does not depend on the partner's kind: a direct-bill partner only ever
 * appears as a customer's owner, a reseller only as reseller_id, a distributor as owner or
 * distributor_id, so one expression serves all three and a scope needs no kind.
 */
#include <stdio.h>
#include <string.h>

#include "store/db.h"
#include "store/scope.h"

void scope_init_installation(struct scope *s)
{
    memset(s, 0, sizeof(*s));
    s->kind = SCOPE_INSTALLATION;
    s->role = ROLE_OPERATOR;
}

int scope_check(const struct scope *s, struct err *err)
{
    if (!s)
        return err_set(err, ERR_INTERNAL, "", "no caller scope given");
    switch (s->kind) {
    case SCOPE_INSTALLATION:
        return 0;
    case SCOPE_PARTNER:
        if (!s->partner_id[0])
            return err_set(err, ERR_INTERNAL, "", "partner scope without a partner id");
        return 0;
    case SCOPE_CUSTOMER:
        if (!s->customer_id[0])
            return err_set(err, ERR_INTERNAL, "", "customer scope without a customer id");
        return 0;
    }
    return err_set(err, ERR_INTERNAL, "", "unknown scope kind %d", (int)s->kind);
}

void scope_describe(const struct scope *s, char *buf, size_t size)
{
    switch (s->kind) {
    case SCOPE_PARTNER:
        snprintf(buf, size, "partner:%s", s->partner_id);
        return;
    case SCOPE_CUSTOMER:
        snprintf(buf, size, "customer:%s", s->customer_id);
        return;
    case SCOPE_INSTALLATION:
        break;
    }
    snprintf(buf, size, "installation");
}

/* "p." for "p", "" for "": the column prefix. Aliases are code, not input; checked anyway. */
static int prefix_of(const char *alias, char out[17], struct err *err)
{
    size_t n = strlen(alias);

    if (n > 15)
        return err_set(err, ERR_INTERNAL, "", "table alias too long");
    for (size_t i = 0; i < n; i++)
        if (!((alias[i] >= 'a' && alias[i] <= 'z') || alias[i] == '_'))
            return err_set(err, ERR_INTERNAL, "", "bad table alias");
    snprintf(out, 17, "%s%s", alias, n ? "." : "");
    return 0;
}

/* Fill `out` from a format with the column prefix substituted for every %1$s. */
static int build(struct scope_pred *out, const char *fmt, const char *pfx, int nparams,
                 const char *p0, const char *p1, const char *p2, struct err *err)
{
    int n;

    memset(out, 0, sizeof(*out));
    n = snprintf(out->sql, sizeof(out->sql), fmt, pfx);
    if (n < 0 || (size_t)n >= sizeof(out->sql))
        return err_set(err, ERR_INTERNAL, "", "scope predicate does not fit");
    out->nparams = nparams;
    out->params[0] = p0;
    out->params[1] = p1;
    out->params[2] = p2;
    return 0;
}

/* The format strings below take the prefix as argument 1 ("%1$s") and use it several times. */

int scope_pred_partners(const struct scope *s, const char *alias, struct scope_pred *out,
                        struct err *err)
{
    char pfx[17];

    if (scope_check(s, err) < 0 || prefix_of(alias, pfx, err) < 0)
        return -1;
    switch (s->kind) {
    case SCOPE_INSTALLATION:
        return build(out, "(1 = 1)", pfx, 0, NULL, NULL, NULL, err);
    case SCOPE_PARTNER:
        return build(out,
                     "(%1$sid = ? OR %1$sid IN (SELECT scope_r.reseller_id FROM relationships"
                     " scope_r WHERE scope_r.distributor_id = ?))",
                     pfx, 2, s->partner_id, s->partner_id, NULL, err);
    case SCOPE_CUSTOMER:
        return build(out, "(1 = 0)", pfx, 0, NULL, NULL, NULL, err);
    }
    return err_set(err, ERR_INTERNAL, "", "unknown scope kind");
}

int scope_pred_customers(const struct scope *s, const char *alias, struct scope_pred *out,
                         struct err *err)
{
    char pfx[17];

    if (scope_check(s, err) < 0 || prefix_of(alias, pfx, err) < 0)
        return -1;
    switch (s->kind) {
    case SCOPE_INSTALLATION:
        return build(out, "(1 = 1)", pfx, 0, NULL, NULL, NULL, err);
    case SCOPE_PARTNER:
        return build(out,
                     "(%1$sowner_partner_id = ? OR %1$sdistributor_id = ? OR"
                     " %1$sreseller_id = ?)",
                     pfx, 3, s->partner_id, s->partner_id, s->partner_id, err);
    case SCOPE_CUSTOMER:
        return build(out, "(%1$sid = ?)", pfx, 1, s->customer_id, NULL, NULL, err);
    }
    return err_set(err, ERR_INTERNAL, "", "unknown scope kind");
}

int scope_pred_relationships(const struct scope *s, const char *alias, struct scope_pred *out,
                             struct err *err)
{
    char pfx[17];

    if (scope_check(s, err) < 0 || prefix_of(alias, pfx, err) < 0)
        return -1;
    switch (s->kind) {
    case SCOPE_INSTALLATION:
        return build(out, "(1 = 1)", pfx, 0, NULL, NULL, NULL, err);
    case SCOPE_PARTNER:
        return build(out, "(%1$sdistributor_id = ? OR %1$sreseller_id = ?)", pfx, 2,
                     s->partner_id, s->partner_id, NULL, err);
    case SCOPE_CUSTOMER:
        return build(out, "(1 = 0)", pfx, 0, NULL, NULL, NULL, err);
    }
    return err_set(err, ERR_INTERNAL, "", "unknown scope kind");
}

int scope_pred_bind(struct db_stmt *st, int first, const struct scope_pred *p, int *next,
                    struct err *err)
{
    for (int i = 0; i < p->nparams; i++)
        if (db_bind_text(st, first + i, p->params[i], err) < 0)
            return -1;
    if (next)
        *next = first + p->nparams;
    return 0;
}
