/*
 * domain/lifecycle/est.h — Extended Service Terms: eligibility, price, and the term-end
 * decision auto-renew "off" stands for (nce-rules.md §8, Part A 10, 11, 15).
 *
 * Eligible = license-based, not a trial, purchased or renewed on/after 2025-04-01 and a term
 * ending on/after 2026-05-04 (§8.3; cspd sells license-based subscriptions only).
 * EST price = the SKU's P1M monthly unit price effective that day x 1.03, or x 1.23 of its P1Y
 * monthly-billing price when it has no P1M price, rounded half-up to the currency's minor unit.
 */
#ifndef CSPD_DOMAIN_LIFECYCLE_EST_H
#define CSPD_DOMAIN_LIFECYCLE_EST_H

#include <stdbool.h>

#include "core/date.h"
#include "core/decimal.h"
#include "domain/catalog/catalog.h"
#include "domain/lifecycle/sub.h"

/* The term [term_start, term_end] is EST-eligible (Part A 10). */
bool est_eligible(bool trial, struct date term_start, struct date term_end);
/* Same for a subscription's current term. */
bool est_sub_eligible(const struct sub *s);
/*
 * What "auto-renew off" decides for a term (Part A 10): est when eligible, else cancel.
 */
enum sub_decision est_decision_when_auto_renew_off(bool trial, struct date term_start,
                                                   struct date term_end);

/*
 * The EST price of `sku` on `day` (Part A 11): 0 with *price and *currency set, or -1 with
 * nothing set when the SKU has neither a P1M nor a P1Y monthly price in effect (a dead end:
 * the subscription expires, Part A 15).
 */
int est_price(const struct catalog *cat, const char *sku, const char *billing_currency,
              struct date day, struct dec *price, char currency[CCY_MAX]);

#endif
