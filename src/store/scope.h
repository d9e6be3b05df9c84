/*
 * store/scope.h — who is asking: the caller's tenant scope, passed to every store query.
 *
 * DESIGN.md: "Tenancy is enforced in one place: every store query takes the caller's scope
 * and the repository layer adds the predicate. Handlers cannot forget it." A scope is built
 * once per request by the auth layer (api/) from the session or API token, or by the CLI
 * (installation scope), and then only passed along.
 *
 *   SCOPE_INSTALLATION  the operator of this cspd (CLI, jobs): everything
 *   SCOPE_PARTNER       a partner's user: what that partner may see, by its kind —
 *                         distributor: itself, its resellers (active or past relationship)
 *                                      and their customers it sells to;
 *                         indirect reseller / direct-bill: itself and its customers
 *   SCOPE_CUSTOMER      a portal user: its own customer only
 *
 * Out-of-scope objects are reported as not found (ERR_NOT_FOUND → 404), never as forbidden,
 * so ids do not leak. The predicate builders live in scope.c.
 */
#ifndef CSPD_STORE_SCOPE_H
#define CSPD_STORE_SCOPE_H

#include <stddef.h>

#include "core/err.h"
#include "core/id.h"

enum scope_kind { SCOPE_INSTALLATION, SCOPE_PARTNER, SCOPE_CUSTOMER };

/* The roles of the program-model issue; what each may do is decided in svc/, not here. */
enum user_role {
    ROLE_OWNER,
    ROLE_ADMIN,
    ROLE_BILLING,
    ROLE_SALES,
    ROLE_READ_ONLY,
    ROLE_PORTAL,   /* a customer's portal user */
    ROLE_OPERATOR, /* the installation's operator (CLI, jobs) */
};

struct scope {
    enum scope_kind kind;
    enum user_role role;
    char partner_id[ID_MAXLEN];  /* SCOPE_PARTNER: the caller's partner */
    char customer_id[ID_MAXLEN]; /* SCOPE_CUSTOMER: the caller's customer */
    char user_id[ID_MAXLEN];     /* "" for the CLI and jobs */
    char request_id[72];         /* for the audit log; "" outside HTTP */
};

/* ---- predicate builders (scope.c) ------------------------------------------------------- */

struct db_stmt;

#define SCOPE_PRED_SQL_MAX 384
#define SCOPE_PRED_PARAMS_MAX 4

/*
 * A WHERE-clause fragment that limits one table to what a scope may see, with the values it
 * binds. `sql` is a parenthesised boolean expression with `?` placeholders ("(1 = 1)" for the
 * installation); `params` point into the scope the predicate was built from, so the scope must
 * outlive the statement's execution. Append it with " AND " and bind it with scope_pred_bind
 * at the index of its first `?`.
 */
struct scope_pred {
    char sql[SCOPE_PRED_SQL_MAX];
    int nparams;
    const char *params[SCOPE_PRED_PARAMS_MAX];
};

/* The installation's own scope (CLI, jobs, and the svc layer's rule reads): role operator. */
void scope_init_installation(struct scope *s);
/* ERR_INTERNAL when the scope is malformed: unknown kind, or the id its kind needs is empty. */
int scope_check(const struct scope *s, struct err *err);
/* "installation", "partner:prt_…", "customer:cus_…" (the audit log's scope column). */
void scope_describe(const struct scope *s, char *buf, size_t size);

/*
 * Predicates per table; `alias` is the table's alias in the query ("p", "c", "r") or "" for
 * the bare column names; letters and '_' only, at most 15. What each scope sees:
 *   partners       installation: all; partner: itself and every reseller it has (or had) a
 *                  relationship with as distributor; customer: none
 *   customers      installation: all; partner: customers it owns, distributes or resells
 *                  (owner_partner_id, distributor_id or reseller_id); customer: itself
 *   relationships  installation: all; partner: those it is distributor or reseller in;
 *                  customer: none
 */
int scope_pred_partners(const struct scope *s, const char *alias, struct scope_pred *out,
                        struct err *err);
int scope_pred_customers(const struct scope *s, const char *alias, struct scope_pred *out,
                         struct err *err);
int scope_pred_relationships(const struct scope *s, const char *alias, struct scope_pred *out,
                             struct err *err);
/* Bind the predicate's values from index `first` (1-based); *next = the index after them. */
int scope_pred_bind(struct db_stmt *st, int first, const struct scope_pred *p, int *next,
                    struct err *err);

#endif
