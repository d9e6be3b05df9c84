/*
 * domain/billing/rounding.h — how each charge type turns a price and some days into money
 * (nce-rules.md §7.2-7.4, Part A 3, 4, 12): a TABLE keyed by charge type, so it can be
 * recalibrated on a real reconciliation file without touching the code that uses it.
 *
 * Inputs of a line: unit price U (per seat per cycle), billed days d and cycle days c (both
 * inclusive, Part A 3), quantity q > 0, sign (+1 charge, -1 refund), pricing currency with m
 * minor units. EUP = U * d / c, kept exact (multiply first, one rounding).
 *   EUP_FULL_CYCLE   new, renew, cycleCharge:   EUP = U, subtotal = U * q
 *   EUP_EXACT        addQuantity, removeQuantity:
 *                    subtotal = ROUND(U * d * q / c, m); shown EUP = the exact EUP (ms-02: 9.408)
 *   EUP_TRUNCATED    cancelImmediate, convert, moveQuantity, changeBillingPlan:
 *                    EUP' = ROUND(U * d / c, m); subtotal = EUP' * q; shown EUP = EUP'
 * where ROUND is the table's mode — toward zero (ROUNDDOWN) today, for charges and refunds
 * alike. The sign is applied last, so a refund is the mirror of the charge.
 * Billing currency (Part A 12): ROUND(shown EUP * rate, billing minor units) * q, the EUP being
 * exact on EUP_EXACT lines (computed as U * rate * d / c, no intermediate rounding).
 */
#ifndef CSPD_DOMAIN_BILLING_ROUNDING_H
#define CSPD_DOMAIN_BILLING_ROUNDING_H

#include <stdint.h>

#include "core/decimal.h"
#include "core/err.h"
#include "domain/billing/charge.h"

enum eup_method { EUP_FULL_CYCLE, EUP_EXACT, EUP_TRUNCATED };

struct rounding_rule {
    enum eup_method method;
    enum dec_round mode; /* how amounts reach the currency's minor unit */
};

/* The rule of a charge type (the table in rounding.c). */
const struct rounding_rule *rounding_rule_for(enum charge_type t);

struct line_amounts {
    struct dec eup;      /* signed, shown EUP (exact EUP at 18 places, half-up) */
    struct dec subtotal; /* signed, pricing currency */
};

/* Subtotal and shown EUP of a line (Part A 3, 4). `ccy` = pricing currency. */
int rounding_line(enum charge_type t, struct dec unit, int days, int cycle_days, int32_t qty,
                  int sign, const char *ccy, struct line_amounts *out, struct err *err);
/* Billing-currency subtotal of a line (Part A 12). */
int rounding_billing(enum charge_type t, struct dec unit, int days, int cycle_days, int32_t qty,
                     int sign, const char *ccy, struct dec rate, const char *bccy,
                     struct dec *out, struct err *err);

#endif
