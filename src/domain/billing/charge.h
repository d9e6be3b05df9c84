/*
 * domain/billing/charge.h — Microsoft's charge lines for NCE license-based subscriptions, to
 * the cent (nce-rules.md §7, Part A 3-6, 12-14).
 *
 * A charge line is what one row of Microsoft's invoice reconciliation file says for one
 * subscription: charge type, SKU, the billed days, quantity (always positive), the per-cycle
 * unit price, the effective unit price and subtotal (negative on refunds), in the pricing
 * currency, plus the billing-currency subtotal when the two differ.
 *
 * Lines are a pure function of (state before, event, state after) — charges_for_event — so a
 * subscription's bill can be recomputed from its event log and the exchange rates. The rounding
 * of each charge type is a table (rounding.c), not code paths.
 */
#ifndef CSPD_DOMAIN_BILLING_CHARGE_H
#define CSPD_DOMAIN_BILLING_CHARGE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/date.h"
#include "core/decimal.h"
#include "core/err.h"
#include "domain/catalog/catalog.h"
#include "domain/lifecycle/sub.h"

/* Microsoft's ChargeType values (nce-rules.md §7.5, [L9]). */
enum charge_type {
    CHARGE_NEW = 0,
    CHARGE_RENEW,
    CHARGE_CYCLE,           /* cycleCharge */
    CHARGE_ADD_QUANTITY,    /* addQuantity */
    CHARGE_REMOVE_QUANTITY, /* removeQuantity */
    CHARGE_MOVE_QUANTITY,   /* moveQuantity */
    CHARGE_CANCEL,          /* cancelImmediate */
    CHARGE_CONVERT,         /* convert */
    CHARGE_CHANGE_PLAN,     /* changeBillingPlan */
    CHARGE__COUNT
};

/* "new", "renew", "cycleCharge", ... exactly as Microsoft spells them. */
const char *charge_type_name(enum charge_type t);
int charge_type_from_name(const char *s, enum charge_type *out);

struct charge_line {
    enum charge_type type;
    char sku[SKU_MAX];
    char currency[CCY_MAX];         /* pricing currency */
    char billing_currency[CCY_MAX]; /* the partner's */
    struct date start, end;         /* billed days, inclusive */
    struct date cycle_start, cycle_end; /* the charge cycle they belong to */
    int32_t quantity;               /* > 0 */
    struct dec unit_price;          /* per seat per cycle */
    struct dec effective_unit_price; /* signed; see rounding.h for which value it is */
    struct dec subtotal;            /* signed, in the pricing currency */
    bool has_billing_subtotal;      /* false only when a needed exchange rate is missing */
    struct dec billing_subtotal;    /* signed, in the billing currency */
    struct dec fx_rate;             /* pricing -> billing; zero when the currencies agree */
    bool est;                       /* an EST month's renew line or its refund (Part A 14) */
    int target;                     /* 0: the event's subscription; 1: (unused) */
};

#define CHARGES_PER_EVENT_MAX 2

struct billing_env {
    const struct catalog *cat;    /* exchange rates */
    const char *billing_currency; /* the partner's */
};

/*
 * The lines an event bills (0, 1 or 2), from the subscription's state before and after it.
 * Fails only on arithmetic overflow or an unknown currency.
 */
int charges_for_event(const struct billing_env *env, const struct sub *before,
                      const struct lc_event *ev, const struct sub *after,
                      struct charge_line out[CHARGES_PER_EVENT_MAX], int *n, struct err *err);

#endif
