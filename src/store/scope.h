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

#endif
