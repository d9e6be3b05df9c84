/*
 * domain/billing/charges.c — which lines an event bills (nce-rules.md §7.5, Part A 4-7, 11,
 * 12, 14), from the subscription before and after it.
 *
 *   created           new: the first cycle, full (Part A 4)
 *   quantity_changed  addQuantity / removeQuantity pair: refund of the old seats and charge of
 *                     the new ones for the days left in the cycle (Part A 5)
 *   upgraded          convert pair: refund of the source SKU, charge of the target, days left
 *                     (Part A 7); out of EST: refund of the EST month's rest, and the target's
 *                     full first cycle of its new term
 *   split_off         convert refund of the moved seats on the source (partial upgrade)
 *   split_created     convert charge of the moved seats on the new subscription
 *   cancelled         cancelImmediate refund of the days left (Part A 6)
 *   renewed           renew: the new term's first cycle
 *   cycle_charged     cycleCharge: the cycle starting that day
 *   moved_to_est,
 *   est_renewed       renew, est: the EST month (Part A 11, 14)
 * "Days left" run from the event's day to the end of the charge cycle containing it, both
 * inclusive (Part A 3). Amounts come from the rounding table (rounding.c); the billing-currency
 * amount uses the exchange rate in effect on the line's first day (Part A 12, 15 "Rates").
 */
#include <stdio.h>
#include <string.h>

#include "domain/billing/charge.h"
#include "domain/billing/rounding.h"

static const char *const type_names[CHARGE__COUNT] = {
    [CHARGE_NEW] = "new",
    [CHARGE_RENEW] = "renew",
    [CHARGE_CYCLE] = "cycleCharge",
    [CHARGE_ADD_QUANTITY] = "addQuantity",
    [CHARGE_REMOVE_QUANTITY] = "removeQuantity",
    [CHARGE_MOVE_QUANTITY] = "moveQuantity",
    [CHARGE_CANCEL] = "cancelImmediate",
    [CHARGE_CONVERT] = "convert",
    [CHARGE_CHANGE_PLAN] = "changeBillingPlan",
};

const char *charge_type_name(enum charge_type t)
{
    return (unsigned)t < CHARGE__COUNT ? type_names[t] : "?";
}

int charge_type_from_name(const char *s, enum charge_type *out)
{
    for (int i = 0; i < CHARGE__COUNT; i++) {
        if (strcmp(type_names[i], s) == 0) {
            *out = (enum charge_type)i;
            return 0;
        }
    }
    return -1;
}

struct line_spec {
    enum charge_type type;
    const char *sku;
    const char *currency;
    struct dec unit;
    struct period billed;
    struct period cycle;
    int32_t qty;
    int sign;
    bool est;
};

static int make_line(const struct billing_env *env, const struct line_spec *sp,
                     struct charge_line *l, struct err *err)
{
    struct line_amounts a;
    int days = period_days(sp->billed), cdays = period_days(sp->cycle);
    const struct fx_rate *rate;

    memset(l, 0, sizeof(*l));
    l->type = sp->type;
    snprintf(l->sku, sizeof(l->sku), "%s", sp->sku);
    snprintf(l->currency, sizeof(l->currency), "%s", sp->currency);
    snprintf(l->billing_currency, sizeof(l->billing_currency), "%s", env->billing_currency);
    l->start = sp->billed.start;
    l->end = sp->billed.end;
    l->cycle_start = sp->cycle.start;
    l->cycle_end = sp->cycle.end;
    l->quantity = sp->qty;
    l->unit_price = sp->unit;
    l->est = sp->est;
    if (rounding_line(sp->type, sp->unit, days, cdays, sp->qty, sp->sign, sp->currency, &a,
                      err) < 0)
        return -1;
    l->effective_unit_price = a.eup;
    l->subtotal = a.subtotal;
    if (strcmp(sp->currency, env->billing_currency) == 0) {
        l->has_billing_subtotal = true;
        l->billing_subtotal = a.subtotal;
        return 0;
    }
    /* nce-rules Part A 12: the rate in effect on the line's start date */
    rate = catalog_rate_at(env->cat, sp->currency, env->billing_currency, sp->billed.start);
    if (!rate)
        return 0;
    l->fx_rate = rate->rate;
    if (rounding_billing(sp->type, sp->unit, days, cdays, sp->qty, sp->sign, sp->currency,
                         rate->rate, env->billing_currency, &l->billing_subtotal, err) < 0)
        return -1;
    l->has_billing_subtotal = true;
    return 0;
}

/* The rest of the cycle containing `day`: [day, cycle end]. */
static struct period rest_of_cycle(const struct sub *s, struct date day, struct period *cycle)
{
    struct period p;

    *cycle = sub_cycle_at(s, day);
    p.start = day;
    p.end = cycle->end;
    return p;
}

static void spec_from(struct line_spec *sp, enum charge_type t, const struct sub *s,
                      int32_t qty, int sign)
{
    memset(sp, 0, sizeof(*sp));
    sp->type = t;
    sp->sku = s->sku;
    sp->currency = s->currency;
    sp->unit = s->unit_price;
    sp->qty = qty;
    sp->sign = sign;
}

int charges_for_event(const struct billing_env *env, const struct sub *before,
                      const struct lc_event *ev, const struct sub *after,
                      struct charge_line out[CHARGES_PER_EVENT_MAX], int *n, struct err *err)
{
    struct line_spec a, b;
    struct date day = instant_date(ev->at);
    int count = 0;

    *n = 0;
    switch (ev->kind) {
    case EV_CREATED:
    case EV_RENEWED:
    case EV_CYCLE_CHARGED:
    case EV_MOVED_TO_EST:
    case EV_EST_RENEWED:
        /* Part A 4: a full cycle, subtotal = unit price x quantity */
        spec_from(&a, ev->kind == EV_CREATED ? CHARGE_NEW
                      : ev->kind == EV_CYCLE_CHARGED ? CHARGE_CYCLE : CHARGE_RENEW,
                  after, after->quantity, 1);
        a.cycle = a.billed = sub_current_cycle(after);
        a.est = after->status == SUB_EST; /* Part A 14 */
        count = 1;
        break;
    case EV_QUANTITY_CHANGED:
        /* Part A 5: refund of the old quantity and charge of the new, same days */
        spec_from(&a, after->quantity > before->quantity ? CHARGE_ADD_QUANTITY
                                                         : CHARGE_REMOVE_QUANTITY,
                  before, before->quantity, -1);
        a.billed = rest_of_cycle(before, day, &a.cycle);
        b = a;
        b.qty = after->quantity;
        b.sign = 1;
        count = 2;
        break;
    case EV_UPGRADED:
        /* Part A 7: convert pair; the target line carries the same subscription */
        spec_from(&a, CHARGE_CONVERT, before, before->quantity, -1);
        a.billed = rest_of_cycle(before, day, &a.cycle);
        a.est = before->status == SUB_EST;
        spec_from(&b, CHARGE_CONVERT, after, after->quantity, 1);
        if (before->status == SUB_EST) {
            /* out of EST: the target's full first cycle of its new term */
            b.cycle = b.billed = sub_current_cycle(after);
        } else {
            b.billed = a.billed;
            b.cycle = a.cycle;
        }
        count = 2;
        break;
    case EV_SPLIT_OFF:
        spec_from(&a, CHARGE_CONVERT, before, ev->quantity, -1);
        a.billed = rest_of_cycle(before, day, &a.cycle);
        count = 1;
        break;
    case EV_SPLIT_CREATED:
        spec_from(&a, CHARGE_CONVERT, after, after->quantity, 1);
        a.billed = rest_of_cycle(after, day, &a.cycle);
        count = 1;
        break;
    case EV_CANCELLED:
        /* Part A 6: the days from the cancel date to the cycle end */
        spec_from(&a, CHARGE_CANCEL, before, before->quantity, -1);
        a.billed = rest_of_cycle(before, day, &a.cycle);
        a.est = before->status == SUB_EST;
        count = 1;
        break;
    default:
        return 0;
    }
    if (make_line(env, &a, &out[0], err) < 0)
        return -1;
    if (count == 2 && make_line(env, &b, &out[1], err) < 0)
        return -1;
    *n = count;
    return 0;
}
