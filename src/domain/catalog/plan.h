/*
 * domain/catalog/plan.h — terms, billing plans and the per-cycle price (nce-rules.md §1, §7.6,
 * Part A 13).
 *
 * A plan is a (term, billing frequency) pair. Microsoft offers P1M billed monthly, P1Y billed
 * monthly or annually, P3Y billed monthly, annually or triennially (§1 table); every other pair
 * is invalid. A charge cycle lasts `billing_months` months; a term holds
 * term_months / billing_months cycles.
 *
 * Prices: Microsoft's price list gives the whole-term UnitPrice, its reconciliation file and
 * cspd's charge lines the price per seat per billing cycle. plan_cycle_price converts the first
 * into the second (Part A 13). Scenario files and cspd's catalog hold per-cycle prices.
 */
#ifndef CSPD_DOMAIN_CATALOG_PLAN_H
#define CSPD_DOMAIN_CATALOG_PLAN_H

#include <stdbool.h>

#include "core/decimal.h"
#include "core/err.h"

enum term { TERM_P1M = 0, TERM_P1Y, TERM_P3Y };
enum billing { BILLING_MONTHLY = 0, BILLING_ANNUAL, BILLING_TRIENNIAL };

/* "P1M", "P1Y", "P3Y". */
const char *term_name(enum term t);
/* "monthly", "annual", "triennial". */
const char *billing_name(enum billing b);
/* 0 on success, -1 when the name is unknown (no err: callers word their own message). */
int term_from_name(const char *s, enum term *out);
int billing_from_name(const char *s, enum billing *out);

int term_months(enum term t);       /* 1, 12, 36 */
int billing_months(enum billing b); /* 1, 12, 36 */

/* Offered by Microsoft (nce-rules.md §1): the cycle divides the term. */
bool plan_is_valid(enum term t, enum billing b);
/* Charge cycles in one term: P1Y monthly 12, P3Y monthly 36, P3Y annual 3, upfront 1. */
int plan_cycles_per_term(enum term t, enum billing b);

/*
 * Per-cycle price from the price list's whole-term price (Part A 13): term_price divided by the
 * cycles in the term, exact; when not exact in `ccy`'s minor unit, rounded half-up to it.
 */
int plan_cycle_price(struct dec term_price, enum term t, enum billing b, const char *ccy,
                     struct dec *out, struct err *err);

#endif
