/*
 * store/repo_audit.h — the audit log table: append and read, nothing else.
 *
 * The log is append-only by construction: this repository has no update and no delete, and
 * no route of the API reaches one (tests/api/auth.t proves it). A row records the actor (user
 * or token id, or "system"), the actor's scope as text, the action ("user.create"), the
 * object, its JSON before and after, the request id, and the tenant the row belongs to
 * (partner_id / customer_id, NULL for installation-wide changes) — the column GET /v1/audit
 * filters on.
 *
 * Reads take the caller's scope: installation sees every row; a partner the rows of its own
 * tenant and of the customers in its scope (store/scope.c); a customer its own rows.
 */
#ifndef CSPD_STORE_REPO_AUDIT_H
#define CSPD_STORE_REPO_AUDIT_H

#include <stdint.h>

#include "core/date.h"
#include "core/err.h"
#include "store/scope.h"

struct db;

#define AUDIT_LIST_MAX 500

/* One row. Text fields are borrowed (from the caller on insert, from the statement during a
 * list callback); NULL means SQL NULL. */
struct audit_row {
    int64_t id;                 /* assigned on insert */
    instant_t at;
    const char *actor, *scope, *action, *object_type, *object_id;
    const char *before, *after; /* JSON text */
    const char *request_id;
    const char *partner_id, *customer_id;
};

struct audit_filter {
    int64_t before_id;          /* rows with a smaller id only (paging backwards); 0: none */
    int limit;                  /* 1..AUDIT_LIST_MAX */
    const char *object_type;    /* NULL: any */
    const char *object_id;      /* NULL: any */
};

int repo_audit_insert(struct db *db, const struct audit_row *r, struct err *err);
/* Newest first. `each` returning non-zero stops the walk. */
int repo_audit_list(struct db *db, const struct scope *scope, const struct audit_filter *f,
                    int (*each)(const struct audit_row *r, void *arg), void *arg,
                    struct err *err);

#endif
