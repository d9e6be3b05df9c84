/*
 * store/repo_user_internal.h — helpers shared by repo_user*.c only: binding optional text
 * and instants, copying text columns, and the tenancy predicates of the tables they own
 * (users, api_tokens), built in the shape of store/scope.c's predicates.
 */
#ifndef CSPD_STORE_REPO_USER_INTERNAL_H
#define CSPD_STORE_REPO_USER_INTERNAL_H

#include <stddef.h>

#include "store/db.h"
#include "store/repo_user.h"

/* Bind text, or NULL when `s` is NULL or "". */
int ru_bind_opt(struct db_stmt *st, int idx, const char *s, struct err *err);
/* Bind an instant, or NULL when it is 0. */
int ru_bind_instant(struct db_stmt *st, int idx, instant_t t, struct err *err);
/* Copy a text column ("" for NULL), truncating to size. */
void ru_col_copy(struct db_stmt *st, int col, char *buf, size_t size);
/* An instant column, 0 for NULL. */
instant_t ru_col_instant(struct db_stmt *st, int col);
/* Step a prepared, bound write statement once and finalize it. */
int ru_run(struct db_stmt *st, struct err *err);

/*
 * users: installation all; partner: its own staff and the portal users of the customers in
 * its scope (scope_pred_customers); customer: that customer's portal users.
 */
int ru_pred_users(const struct scope *s, const char *alias, struct scope_pred *out,
                  struct err *err);
/* api_tokens: installation all; partner: its own tokens; customer: none. */
int ru_pred_tokens(const struct scope *s, const char *alias, struct scope_pred *out,
                   struct err *err);

#endif
