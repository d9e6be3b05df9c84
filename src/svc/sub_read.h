/*
 * svc/sub_read.h — reading subscriptions for the API and the CLI: one subscription, a
 * customer's list, its event log and its charge lines, each through the caller's scope, and
 * the one JSON shape of each (docs/subscriptions.md).
 *
 * Scope: ctx->scope, or the installation's when NULL. A subscription or customer outside it,
 * or one that does not exist, is ERR_NOT_FOUND (404). Reads run outside any transaction and
 * write nothing; `fn` callbacks returning -1 stop a walk with that result (set err first).
 *
 * The rendering takes `now` (the business clock): whether a window is open and how many
 * seats can still be reduced depend on it. Microsoft's prices (unit_price) are the partner's
 * cost: sub_row_to_json leaves them out for a customer's portal scope.
 */
#ifndef CSPD_SVC_SUB_READ_H
#define CSPD_SVC_SUB_READ_H

#include <stdbool.h>

#include <jansson.h>

#include "store/repo_charge.h"
#include "store/repo_sub.h"
#include "svc/sub_svc.h"

/* 0 when the customer is in scope; ERR_NOT_FOUND naming customer_id otherwise. */
int sub_customer_visible(const struct svc_ctx *ctx, const char *customer_id, struct err *err);
int sub_get(const struct svc_ctx *ctx, const char *id, struct sub_row *out, struct err *err);
/*
 * The customer's subscriptions (customer_id NULL: all in scope) in id order after `after`
 * (NULL: from the first), at most `limit` (1..1000); *more when further ones exist.
 */
int sub_list(const struct svc_ctx *ctx, const char *customer_id, const char *after, int limit,
             int (*fn)(void *arg, const struct sub_row *r), void *arg, bool *more,
             struct err *err);
int sub_events(const struct svc_ctx *ctx, const char *id,
               int (*fn)(void *arg, int64_t seq, const struct lc_event *ev), void *arg,
               struct err *err);
int sub_charges(const struct svc_ctx *ctx, const char *id,
                int (*fn)(void *arg, const struct charge_row *r), void *arg, struct err *err);

/*
 * New references, NULL when out of memory. The API writes the subscription document without
 * the tree (api/h_sub.c h_sub_write_row, the same bytes): a field changed here is changed
 * there too — tests/unit/test_api_json.c compares the two.
 */
json_t *sub_row_to_json(const struct sub_row *r, instant_t now, bool show_prices);
json_t *sub_event_to_json(int64_t seq, const struct lc_event *ev);
json_t *sub_charge_to_json(const struct charge_row *r);

#endif
