/*
 * domain/lifecycle/commands.c — the partner's commands on a subscription (nce-rules.md Part A
 * 2-11, 15): each checks every rule that applies, lets refusal priority pick the reason, and
 * otherwise writes the events. See commands.h for the contract.
 *
 * Shape: one function per command, each in the same three steps — (1) record every violated
 * rule in a `struct refusals` with a sentence naming the dates, (2) refusals_pick, (3) fill the
 * events. The rules themselves live elsewhere and are only called here: window.c (168 h),
 * est.c (eligibility, decision for auto-renew off), catalog.c (price at a day, upgrade paths).
 * Called by svc/ once per API or CLI request.
 */
#include "domain/lifecycle/commands.h"

#include <stdio.h>
#include <string.h>

#include "domain/lifecycle/est.h"
#include "domain/lifecycle/refusal.h"

void lc_format_when(instant_t t, char buf[32])
{
    char s[INSTANT_STRLEN];

    instant_format(t, s);
    /* "YYYY-MM-DDTHH:MM:SSZ" -> "YYYY-MM-DD HH:MM UTC" (seconds shown only when not zero) */
    if (s[17] == '0' && s[18] == '0')
        snprintf(buf, 32, "%.10s %.5s UTC", s, s + 11);
    else
        snprintf(buf, 32, "%.10s %.8s UTC", s, s + 11);
}

static void fmt_date(struct date d, char buf[DATE_STRLEN])
{
    date_format(d, buf);
}

static void out_init(struct lc_out *out)
{
    memset(out, 0, sizeof(*out));
}

static struct lc_event *out_push(struct lc_out *out, enum lc_event_kind kind, instant_t now,
                                 int target)
{
    struct lc_event *ev = &out->ev[out->n];

    memset(ev, 0, sizeof(*ev));
    ev->kind = kind;
    ev->at = now;
    out->target[out->n] = target;
    out->n++;
    return ev;
}

/*
 * Part A 15: any change to a cancelled, expired or never-created subscription is refused with
 * subscription_not_active; `suspended_too` adds suspended ones (seat changes and upgrades).
 * Returns true when the subscription can be acted on.
 */
static bool check_live(struct refusals *r, const struct sub *s, bool suspended_too,
                       const char *what)
{
    char d[DATE_STRLEN], w[32];

    if (!s || s->status == SUB_NONE) {
        refusals_add(r, REFUSE_NOT_ACTIVE, "sub",
                     "There is no such subscription (it was never created), so it cannot be %s.",
                     what);
        return false;
    }
    if (s->status == SUB_CANCELLED) {
        lc_format_when(s->updated_at, w);
        refusals_add(r, REFUSE_NOT_ACTIVE, "sub",
                     "The subscription was cancelled on %s; a cancelled subscription cannot be "
                     "%s.", w, what);
        return false;
    }
    if (s->status == SUB_EXPIRED) {
        fmt_date(s->term_end, d);
        refusals_add(r, REFUSE_NOT_ACTIVE, "sub",
                     "The subscription expired at the end of its term on %s; an expired "
                     "subscription cannot be %s.", d, what);
        return false;
    }
    if (suspended_too && s->suspended) {
        refusals_add(r, REFUSE_NOT_ACTIVE, "sub",
                     "The subscription is suspended; reactivate it before it can be %s.", what);
        return false;
    }
    return true;
}

static void check_mca(struct refusals *r, const struct lc_env *env)
{
    if (!env->mca_accepted)
        refusals_add(r, REFUSE_MCA, "customer_id",
                     "The customer has not accepted the Microsoft Customer Agreement; no "
                     "purchase, seat change or upgrade is possible until it does.");
}

static void refuse_in_est(struct refusals *r, const struct sub *s, const char *what)
{
    char d[DATE_STRLEN];

    fmt_date(s->term_end, d);
    refusals_add(r, REFUSE_IN_EST, "sub",
                 "The subscription is in an Extended Service Term month (until %s); %s is not "
                 "possible in EST. It can be cancelled at any time or fully upgraded to a new "
                 "term.", d, what);
}

static void refuse_no_price(struct refusals *r, const struct lc_env *env, const char *sku,
                            enum term t, enum billing b, struct date day, const char *field)
{
    char d[DATE_STRLEN], n[DATE_STRLEN];
    struct date next;

    fmt_date(day, d);
    if (catalog_next_price_day(env->cat, sku, t, b, day, &next)) {
        fmt_date(next, n);
        refusals_add(r, REFUSE_NO_PRICE, field,
                     "No price for %s (%s, %s billing) is in effect on %s; the first one takes "
                     "effect on %s.", sku, term_name(t), billing_name(b), d, n);
    } else {
        refusals_add(r, REFUSE_NO_PRICE, field,
                     "The price list has no price for %s (%s, %s billing) in effect on %s.", sku,
                     term_name(t), billing_name(b), d);
    }
}

static bool check_seats(struct refusals *r, int32_t q, const char *field)
{
    if (q <= 0) {
        refusals_add(r, REFUSE_QUANTITY, field,
                     "A subscription needs at least 1 seat; %ld was asked.", (long)q);
        return false;
    }
    if (q > LC_MAX_SEATS) {
        refusals_add(r, REFUSE_QUANTITY, field,
                     "%ld seats is above the %d cspd accepts on one subscription.", (long)q,
                     LC_MAX_SEATS);
        return false;
    }
    return true;
}

/* ---- order ---- */

int lc_cmd_order(const struct lc_env *env, const struct lc_order *cmd, instant_t now,
                 struct lc_out *out, struct err *err)
{
    struct refusals r;
    const struct price_point *p = NULL;
    struct date start = instant_date(now), end;
    struct lc_event *ev;

    out_init(out);
    refusals_init(&r);
    check_mca(&r, env);
    check_seats(&r, cmd->quantity, "quantity");
    if (!plan_is_valid(cmd->term, cmd->billing)) {
        refusals_add(&r, REFUSE_INVALID_PLAN, "billing",
                     "Microsoft does not offer %s with %s billing.", term_name(cmd->term),
                     billing_name(cmd->billing));
    } else {
        p = catalog_price_at(env->cat, cmd->sku, cmd->term, cmd->billing,
                             env->billing_currency, start);
        if (!p)
            refuse_no_price(&r, env, cmd->sku, cmd->term, cmd->billing, start, "sku");
    }
    if (cmd->has_end_date)
        refusals_add(&r, REFUSE_UNSUPPORTED, "end_date",
                     "Custom term end dates (coterminosity, nce-rules.md §7.7) are not supported "
                     "yet: their first-cycle proration is unconfirmed. Order without end_date.");
    if (cmd->has_promotion)
        refusals_add(&r, REFUSE_UNSUPPORTED, "promotion",
                     "Promotions are not supported yet; order without a promotion.");
    if (refusals_pick(&r, err) < 0)
        return -1;

    end = term_end_date(start, term_months(cmd->term));
    ev = out_push(out, EV_CREATED, now, 0);
    snprintf(ev->sku, sizeof(ev->sku), "%s", cmd->sku);
    memcpy(ev->currency, p->currency, sizeof(ev->currency));
    ev->term = cmd->term;
    ev->billing = cmd->billing;
    ev->quantity = cmd->quantity;
    ev->unit_price = p->unit_price;
    /* nce-rules Part A 10: auto-renew off = est when eligible, else cancel at term end */
    ev->decision = cmd->auto_renew
                       ? DECISION_RENEW
                       : est_decision_when_auto_renew_off(cmd->trial, start, end);
    return 0;
}

/* ---- seat changes ---- */

/* Part A 2: a reduction removes seats from lots still inside their window, newest first. */
static void check_decrease(struct refusals *r, const struct sub *s, int32_t remove,
                           instant_t now)
{
    int32_t open = lots_reducible(&s->lots, now);
    const struct lot *closed;
    char added[32], closes[32];

    if (remove <= open)
        return;
    closed = lots_newest_closed(&s->lots, now);
    if (closed && open == 0) {
        lc_format_when(closed->added_at, added);
        lc_format_when(closed->deadline, closes);
        refusals_add(r, REFUSE_DECREASE_WINDOW, "quantity",
                     "Seats can only be reduced within 7 days (168 hours) of being added, and "
                     "no seat of this subscription is inside that window any more: the newest "
                     "%ld seats were added on %s, so their window closed on %s.",
                     (long)closed->qty, added, closes);
    } else if (closed) {
        lc_format_when(closed->added_at, added);
        lc_format_when(closed->deadline, closes);
        refusals_add(r, REFUSE_DECREASE_WINDOW, "quantity",
                     "Seats can only be reduced within 7 days (168 hours) of being added; only "
                     "%ld of the %ld seats to remove are still inside their window (the %ld "
                     "seats added on %s had their window close on %s).", (long)open,
                     (long)remove, (long)closed->qty, added, closes);
    } else if (s->window_deadline) {
        lc_format_when(s->window_deadline - WINDOW_SECONDS, added);
        lc_format_when(s->window_deadline, closes);
        refusals_add(r, REFUSE_DECREASE_WINDOW, "quantity",
                     "Seats can only be reduced within 7 days (168 hours) of being added; only "
                     "%ld of the %ld seats to remove are still inside their window (this term's "
                     "seats were added on %s, so their window closed on %s). Schedule a lower "
                     "quantity for the renewal instead.", (long)open, (long)remove, added,
                     closes);
    } else {
        refusals_add(r, REFUSE_DECREASE_WINDOW, "quantity",
                     "Seats can only be reduced within 7 days (168 hours) of being added; only "
                     "%ld of the %ld seats to remove are still inside their window.",
                     (long)open, (long)remove);
    }
}

int lc_cmd_set_quantity(const struct lc_env *env, const struct sub *s, int32_t quantity,
                        instant_t now, struct lc_out *out, struct err *err)
{
    struct refusals r;
    struct lc_event *ev;
    bool live;

    out_init(out);
    refusals_init(&r);
    live = check_live(&r, s, true, "changed");
    check_mca(&r, env);
    if (live && s->status == SUB_EST)
        refuse_in_est(&r, s, "a seat change");
    if (check_seats(&r, quantity, "quantity") && live && s->status == SUB_ACTIVE) {
        if (quantity < s->quantity) {
            check_decrease(&r, s, s->quantity - quantity, now);
        } else if (quantity > s->quantity) {
            struct lots room = s->lots;

            if (lots_make_room(&room, now) < 0)
                refusals_add_reason(&r, REFUSE_CONFLICT, "too_many_seat_changes", "quantity",
                                    "%d batches of added seats are already inside their "
                                    "7-day window; wait until the oldest closes.", LOTS_MAX);
        }
    }
    if (refusals_pick(&r, err) < 0)
        return -1;
    if (quantity == s->quantity)
        return 0; /* Part A 15 "No-ops": accepted, no lines, scheduled changes kept */
    ev = out_push(out, EV_QUANTITY_CHANGED, now, 0);
    ev->quantity = quantity;
    return 0;
}

/* ---- upgrades ---- */

int lc_cmd_upgrade(const struct lc_env *env, const struct sub *s, const char *self_ref,
                   const char *to_sku, bool has_quantity, int32_t quantity, const char *new_ref,
                   instant_t now, struct lc_out *out, struct err *err)
{
    struct refusals r;
    struct date today = instant_date(now);
    const struct price_point *p = NULL;
    bool live, partial = false;
    struct lc_event *ev;

    out_init(out);
    refusals_init(&r);
    live = check_live(&r, s, true, "upgraded");
    check_mca(&r, env);
    if (live) {
        partial = has_quantity && quantity > 0 && quantity < s->quantity;
        /* Part A 7: a partial upgrade in EST is refused; a full one ends EST. */
        if (s->status == SUB_EST && partial)
            refuse_in_est(&r, s, "a partial upgrade");
        if (!catalog_upgrade_allowed(env->cat, s->sku, to_sku))
            refusals_add(&r, REFUSE_UPGRADE_PATH, "to_sku",
                         "Microsoft lists no upgrade path from %s to %s; only listed upgrades "
                         "are possible (downgrades never are).", s->sku, to_sku);
        /* Part A 15: <= 0 seats or more than the subscription holds */
        if (has_quantity && check_seats(&r, quantity, "quantity") && quantity > s->quantity)
            refusals_add(&r, REFUSE_QUANTITY, "quantity",
                         "The subscription has %ld seats; %ld cannot be upgraded.",
                         (long)s->quantity, (long)quantity);
        /* Part A 15 "Upgrades": the target's price that day for the subscription's plan */
        p = catalog_price_at(env->cat, to_sku, s->term, s->billing, env->billing_currency,
                             today);
        if (!p)
            refuse_no_price(&r, env, to_sku, s->term, s->billing, today, "to_sku");
    }
    if (refusals_pick(&r, err) < 0)
        return -1;
    if (partial && (!new_ref || !new_ref[0]))
        return err_set(err, ERR_INVALID, "new_sub", "a partial upgrade needs a name for the new "
                       "subscription");

    if (!partial) {
        ev = out_push(out, EV_UPGRADED, now, 0);
        snprintf(ev->sku, sizeof(ev->sku), "%s", to_sku);
        memcpy(ev->currency, p->currency, sizeof(ev->currency));
        ev->unit_price = p->unit_price;
        ev->quantity = s->quantity;
        return 0;
    }
    /* Part A 7, 15: source keeps its id; a coterminous new subscription takes the seats. */
    ev = out_push(out, EV_SPLIT_OFF, now, 0);
    snprintf(ev->sku, sizeof(ev->sku), "%s", to_sku);
    ev->quantity = quantity;
    snprintf(ev->ref, sizeof(ev->ref), "%s", new_ref);

    ev = out_push(out, EV_SPLIT_CREATED, now, 1);
    snprintf(ev->sku, sizeof(ev->sku), "%s", to_sku);
    memcpy(ev->currency, p->currency, sizeof(ev->currency));
    ev->unit_price = p->unit_price;
    ev->term = s->term;
    ev->billing = s->billing;
    ev->quantity = quantity;
    ev->term_start = s->term_start;
    ev->term_end = s->term_end;
    ev->cycle = cycle_index_of(s->term_start, sub_cycle_months(s), today);
    ev->window_deadline = s->window_deadline;
    ev->purchased = s->purchased;
    /* Part A 15: inherits auto-renew, no scheduled decision */
    ev->decision = sub_auto_renew(s)
                       ? DECISION_RENEW
                       : est_decision_when_auto_renew_off(s->trial, s->term_start, s->term_end);
    snprintf(ev->ref, sizeof(ev->ref), "%s", self_ref ? self_ref : "");
    return 0;
}

/* ---- cancel, suspend, reactivate ---- */

int lc_cmd_cancel(const struct lc_env *env, const struct sub *s, instant_t now,
                  struct lc_out *out, struct err *err)
{
    struct refusals r;
    char opened[32], closed[32];

    (void)env;
    out_init(out);
    refusals_init(&r);
    /* Part A 15: a suspended subscription may be cancelled inside the window. */
    if (check_live(&r, s, false, "cancelled") && s->status == SUB_ACTIVE &&
        !window_is_open(s->window_deadline, now)) {
        /* Part A 2, 15 "Cancel": needs the purchase or renewal window (lots do not count) */
        lc_format_when(s->window_deadline - WINDOW_SECONDS, opened);
        lc_format_when(s->window_deadline, closed);
        refusals_add(&r, REFUSE_OUTSIDE_WINDOW, "sub",
                     "A subscription can only be cancelled within 7 days (168 hours) of its "
                     "purchase or renewal; this term's window opened %s and closed %s. Schedule "
                     "a cancel at term end instead.", opened, closed);
    }
    if (refusals_pick(&r, err) < 0)
        return -1;
    out_push(out, EV_CANCELLED, now, 0);
    return 0;
}

int lc_cmd_suspend(const struct lc_env *env, const struct sub *s, instant_t now,
                   struct lc_out *out, struct err *err)
{
    struct refusals r;
    struct lc_event *ev;

    (void)env;
    out_init(out);
    refusals_init(&r);
    check_live(&r, s, false, "suspended");
    if (refusals_pick(&r, err) < 0)
        return -1;
    if (s->suspended)
        return 0;
    ev = out_push(out, EV_SUSPENDED, now, 0);
    /* Part A 8: suspension turns auto-renew off (an explicit cancel or est stays). */
    ev->decision = s->decision;
    if (s->decision == DECISION_RENEW)
        ev->decision = est_decision_when_auto_renew_off(s->trial, s->term_start, s->term_end);
    return 0;
}

int lc_cmd_reactivate(const struct lc_env *env, const struct sub *s, instant_t now,
                      struct lc_out *out, struct err *err)
{
    struct refusals r;

    (void)env;
    out_init(out);
    refusals_init(&r);
    check_live(&r, s, false, "reactivated");
    if (refusals_pick(&r, err) < 0)
        return -1;
    if (!s->suspended)
        return 0;
    /* Part A 15: reactivation leaves auto-renew off; an EST subscription returns to EST. */
    out_push(out, EV_REACTIVATED, now, 0);
    return 0;
}

/* ---- the term-end decision ---- */

static void push_decision(struct lc_out *out, instant_t now, enum sub_decision d,
                          const struct sub_changes *ch)
{
    struct lc_event *ev = out_push(out, EV_DECISION_SET, now, 0);

    ev->decision = d;
    if (ch) {
        ev->has_changes = true;
        ev->changes = *ch;
    }
}

int lc_cmd_set_auto_renew(const struct lc_env *env, const struct sub *s, bool value,
                          instant_t now, struct lc_out *out, struct err *err)
{
    struct refusals r;
    enum sub_decision d;

    (void)env;
    out_init(out);
    refusals_init(&r);
    if (check_live(&r, s, false, "changed") && s->status == SUB_EST)
        refuse_in_est(&r, s, "changing auto-renew");
    if (refusals_pick(&r, err) < 0)
        return -1;
    /* Part A 15: true makes it renew (as is); false makes it est (eligible) or cancel. */
    d = value ? DECISION_RENEW
              : est_decision_when_auto_renew_off(s->trial, s->term_start, s->term_end);
    if (d == s->decision && !s->has_changes)
        return 0;
    push_decision(out, now, d, NULL);
    return 0;
}

int lc_cmd_schedule(const struct lc_env *env, const struct sub *s,
                    const struct lc_schedule *cmd, instant_t now, struct lc_out *out,
                    struct err *err)
{
    struct refusals r;
    struct sub_changes ch;
    char a[DATE_STRLEN], b[DATE_STRLEN];
    bool live;

    out_init(out);
    refusals_init(&r);
    memset(&ch, 0, sizeof(ch));
    live = check_live(&r, s, false, "changed");
    if (live && s->status == SUB_EST)
        refuse_in_est(&r, s, "scheduling a term-end action");
    if (live && cmd->action == DECISION_EST && !est_sub_eligible(s)) {
        fmt_date(s->term_start, a);
        fmt_date(s->term_end, b);
        refusals_add(&r, REFUSE_EST_NOT_ELIGIBLE, "action",
                     "Extended Service Terms are only for terms purchased or renewed on or after "
                     "2025-04-01 and ending on or after 2026-05-04 (and not trials); this term "
                     "runs %s to %s.", a, b);
    }
    if (live && cmd->action == DECISION_RENEW) {
        const struct sub_changes *in = &cmd->changes;
        const char *sku = s->sku;
        enum term t = s->term;
        enum billing bl = s->billing;

        if (in->has_sku && strcmp(in->sku, s->sku) != 0) {
            ch.has_sku = true;
            memcpy(ch.sku, in->sku, sizeof(ch.sku));
            sku = in->sku;
            if (!catalog_upgrade_allowed(env->cat, s->sku, in->sku))
                refusals_add(&r, REFUSE_UPGRADE_PATH, "sku",
                             "Microsoft lists no upgrade path from %s to %s; a renewal can only "
                             "change the SKU along a listed path.", s->sku, in->sku);
        }
        if (in->has_term && in->term != s->term) {
            ch.has_term = true;
            ch.term = t = in->term;
        }
        if (in->has_billing && in->billing != s->billing) {
            ch.has_billing = true;
            ch.billing = bl = in->billing;
        }
        if (in->has_quantity) {
            if (check_seats(&r, in->quantity, "quantity") && in->quantity != s->quantity) {
                ch.has_quantity = true;
                ch.quantity = in->quantity;
            }
        }
        if (!plan_is_valid(t, bl)) {
            refusals_add(&r, REFUSE_INVALID_PLAN, "billing",
                         "Microsoft does not offer %s with %s billing.", term_name(t),
                         billing_name(bl));
        } else if (!catalog_plan_has_price(env->cat, sku, t, bl)) {
            /* Part A 15: the target plan must have some price row, even a future one */
            refusals_add(&r, REFUSE_NO_PRICE, ch.has_sku ? "sku" : "term",
                         "The price list has no price at all for %s (%s, %s billing), so a "
                         "renewal to it cannot be scheduled.", sku, term_name(t),
                         billing_name(bl));
        }
    }
    if (refusals_pick(&r, err) < 0)
        return -1;
    /* Part A 15: the later action replaces the earlier one. */
    if (cmd->action == DECISION_RENEW &&
        (ch.has_sku || ch.has_term || ch.has_billing || ch.has_quantity))
        push_decision(out, now, DECISION_RENEW, &ch);
    else
        push_decision(out, now, cmd->action, NULL);
    return 0;
}
