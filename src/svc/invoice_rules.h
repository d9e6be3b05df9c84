/*
 * svc/invoice_rules.h — margin rules as a user manages them: list, read, create, change, end
 * and delete (issue 7; docs/billing.md "Margin rules"). The API (/v1/margin-rules) and the
 * CLI (`cspd margins ...`) both call these with the JSON document the API takes, so both
 * edges validate alike.
 *
 * Document: {"seller_id", "level": subscription|customer|reseller|partner, "target_id",
 * "product_id", "sku", "kind": markup|discount|fixed, "value": "12.5", "currency",
 * "effective_from": "YYYY-MM-DD", "effective_to": "YYYY-MM-DD"|null, "allow_below_cost",
 * "note"}. Values are decimal strings (a JSON integer is taken too). A bad value is
 * ERR_INVALID naming the field (HTTP 422); an unknown field likewise.
 *
 * Who: the installation writes any seller's rules; a partner's staff write their own
 * partner's rules only (seller_id defaults to it; another is ERR_NOT_FOUND, as if absent), and
 * read the rules of the sellers in their scope. The target must be in the seller's book:
 * a subscription or customer it sells to, a reseller it distributes to (else 422 target_id).
 *
 * Below cost: a negative markup, or a discount or fixed price that sells some SKU of the
 * rule's scope below Microsoft's unit price in the price list in effect on effective_from, is
 * refused (ERR_REFUSED "below_cost", field allow_below_cost: 409) unless allow_below_cost is
 * true; accepted, it writes an "alert.below_cost" outbox row in the same transaction. For a
 * reseller the check is against Microsoft's price, a lower bound of its real cost (its
 * distributor's price); the close checks every rated line against the real cost again.
 *
 * Never rewriting what was billed: a rule that has priced rated lines keeps its pricing
 * fields (ERR_CONFLICT "rule_in_use" for a change to level, target, scope, kind, value,
 * currency or effective_from); it can only be ended, with an effective_to on or after the
 * last line it priced, and it cannot be deleted. A new price is a new rule from a date.
 *
 * Every change: one transaction with its audit row (svc/audit.h via bill_audit, before and
 * after as JSON, filed under the seller). `now` is the business clock.
 */
#ifndef CSPD_SVC_INVOICE_RULES_H
#define CSPD_SVC_INVOICE_RULES_H

#include <jansson.h>

#include "core/date.h"
#include "core/err.h"
#include "domain/pricing/pricing.h"
#include "store/scope.h"
#include "svc/invoice_svc.h"

/* The rule as the API shows it (a new object, NULL when out of memory). */
json_t *margin_rule_to_json(const struct margin_rule *r);

int margin_rules_list(struct db *db, const struct scope *sc, const char *seller_id,
                      int (*fn)(void *ctx, const struct margin_rule *r), void *ctx,
                      struct err *err);
int margin_rule_read(struct db *db, const struct scope *sc, const char *id,
                     struct margin_rule *out, struct err *err);
/* ctx->scope is the caller (NULL: the installation). */
int margin_rule_create(const struct bill_ctx *ctx, const json_t *in, instant_t now,
                       struct margin_rule *out, struct err *err);
/* A partial change: only the fields present. */
int margin_rule_update(const struct bill_ctx *ctx, const char *id, const json_t *patch,
                       instant_t now, struct margin_rule *out, struct err *err);
/* Shorthand for the CLI: effective_to = `to`. */
int margin_rule_end(const struct bill_ctx *ctx, const char *id, struct date to, instant_t now,
                    struct margin_rule *out, struct err *err);
int margin_rule_delete(const struct bill_ctx *ctx, const char *id, instant_t now,
                       struct err *err);

#endif
