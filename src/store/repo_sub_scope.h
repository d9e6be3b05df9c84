/*
 * store/repo_sub_scope.h — subscriptions as a caller may see them: the tenancy predicate of
 * store/scope.c applied to `subscriptions` through the customer each belongs to.
 *
 * A subscription is in a scope exactly when its customer is (scope_pred_customers): the
 * installation sees all, a partner those of the customers it owns, distributes or resells,
 * a portal user its own customer's. Out of scope and absent look the same: ERR_NOT_FOUND
 * (404), so ids do not leak (DESIGN.md "Tenancy is enforced in one place").
 *
 * Kept apart from repo_sub.c, whose statements the daily cycle runs a million times and which
 * take no scope: the engine works on rows a use case has already checked here. Every
 * function runs inside or outside the caller's transaction; none begins or commits.
 */
#ifndef CSPD_STORE_REPO_SUB_SCOPE_H
#define CSPD_STORE_REPO_SUB_SCOPE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "store/db.h"
#include "store/repo_sub.h"
#include "store/scope.h"

#define SUB_LIST_MAX 1000 /* rows one list call returns at most */

/* 0 when the subscription exists and is in scope; ERR_NOT_FOUND otherwise. */
int repo_sub_in_scope(struct db *db, const struct scope *s, const char *sub_id,
                      struct err *err);
/* 0 when the customer exists and is in scope; ERR_NOT_FOUND (field customer_id) otherwise. */
int repo_sub_customer_in_scope(struct db *db, const struct scope *s, const char *customer_id,
                               struct err *err);
/* repo_sub_get through the scope. */
int repo_sub_get_scoped(struct db *db, const struct scope *s, const char *sub_id,
                        struct sub_row *r, struct err *err);
/*
 * The subscriptions in scope, of one customer (`customer_id`, or NULL: every customer in
 * scope), in id order after `after_id` (NULL or "": from the start), at most `limit` (1 ..
 * SUB_LIST_MAX); *more says whether further rows exist. `fn` returning -1 stops the walk.
 */
int repo_sub_list_scoped(struct db *db, const struct scope *s, const char *customer_id,
                         const char *after_id, int limit,
                         int (*fn)(void *ctx, const struct sub_row *r), void *ctx, bool *more,
                         struct err *err);

#endif
