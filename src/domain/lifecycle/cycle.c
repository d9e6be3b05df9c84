/*
 * domain/lifecycle/cycle.c — the daily cycle's step for one subscription (nce-rules.md Part A
 * 1, 8, 9, 10, 11, 15 "dead ends").
 *
 * At 00:00 UTC of a due day a subscription either starts its next charge cycle (cycleCharge) or
 * reaches the day after its term end, where the term-end decision plays out in this order:
 *   suspended            -> expires (Part A 8, before rule 10, even when EST-eligible)
 *   in EST               -> next EST month at the EST price of that day (Part A 11, 15)
 *   decision cancel      -> expires (Part A 10)
 *   decision est         -> first EST month, if the term is eligible and an EST price exists
 *   decision renew       -> new term of the (scheduled) plan at the price effective that day
 *                           (Part A 9); no price -> expires (Part A 15 dead ends)
 * Workload: called once per due subscription per day by svc/day.c — about one in thirty
 * subscriptions on any day — so it only reads the state and, at term ends, the catalogue.
 */
#include <stdio.h>
#include <string.h>

#include "domain/lifecycle/commands.h"
#include "domain/lifecycle/est.h"

static void expire(struct lc_event *ev, enum expiry_reason why)
{
    ev->kind = EV_EXPIRED;
    ev->reason = why;
}

static void term_end(const struct lc_env *env, const struct sub *s, struct date day,
                     struct lc_event *ev)
{
    const struct price_point *p;
    const char *sku = s->sku;
    enum term t = s->term;
    enum billing b = s->billing;
    int32_t qty = s->quantity;

    if (s->suspended) {
        expire(ev, EXPIRY_SUSPENDED);
        return;
    }
    if (s->status == SUB_EST || s->decision == DECISION_EST) {
        if (s->status != SUB_EST && !est_sub_eligible(s)) {
            expire(ev, EXPIRY_NOT_ELIGIBLE);
            return;
        }
        if (est_price(env->cat, s->sku, env->billing_currency, day, &ev->unit_price,
                      ev->currency) < 0) {
            expire(ev, EXPIRY_NO_PRICE);
            return;
        }
        ev->kind = s->status == SUB_EST ? EV_EST_RENEWED : EV_MOVED_TO_EST;
        memcpy(ev->sku, s->sku, sizeof(ev->sku));
        ev->quantity = s->quantity;
        return;
    }
    if (s->decision == DECISION_CANCEL) {
        expire(ev, EXPIRY_CANCEL_DECISION);
        return;
    }
    if (s->has_changes) {
        if (s->changes.has_sku)
            sku = s->changes.sku;
        if (s->changes.has_term)
            t = s->changes.term;
        if (s->changes.has_billing)
            b = s->changes.billing;
        if (s->changes.has_quantity)
            qty = s->changes.quantity;
    }
    p = plan_is_valid(t, b) ? catalog_price_at(env->cat, sku, t, b, env->billing_currency, day)
                            : NULL;
    if (!p) {
        expire(ev, EXPIRY_NO_PRICE);
        return;
    }
    ev->kind = EV_RENEWED;
    snprintf(ev->sku, sizeof(ev->sku), "%s", sku);
    memcpy(ev->currency, p->currency, sizeof(ev->currency));
    ev->term = t;
    ev->billing = b;
    ev->quantity = qty;
    ev->unit_price = p->unit_price;
}

/* nce-rules Part A 1 (cycle at 00:00 UTC), Part A 15 (order of events) */
int lc_day_step(const struct lc_env *env, const struct sub *s, struct date day,
                struct lc_event *ev)
{
    int32_t due = sub_next_due(s);
    struct date d;

    if (due == INT32_MAX || due > date_to_days(day))
        return 0;
    d = date_from_days(due);
    memset(ev, 0, sizeof(*ev));
    ev->at = instant_from_date(d);
    if (date_cmp(d, s->term_end) > 0) {
        term_end(env, s, d, ev);
    } else {
        ev->kind = EV_CYCLE_CHARGED;
        ev->cycle = s->cycle + 1;
    }
    return 1;
}
