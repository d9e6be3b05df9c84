/*
 * domain/lifecycle/sub.c — the fold: how each event changes a subscription (see sub.h).
 *
 * sub_apply never refuses and never looks anything up: every decision (which price, which
 * cycle, whether a window is open) was taken by the command or daily-cycle function that made
 * the event, and the event carries its result. Replaying a subscription's log through
 * sub_apply therefore rebuilds exactly the stored state (tests/unit/test_lifecycle.c checks
 * it). The few derived rules applied here are tagged where they live.
 */
#include "domain/lifecycle/sub.h"

#include <stdio.h>
#include <string.h>

void sub_init(struct sub *s)
{
    memset(s, 0, sizeof(*s));
}

bool sub_is_live(const struct sub *s)
{
    return s->status == SUB_ACTIVE || s->status == SUB_EST;
}

bool sub_auto_renew(const struct sub *s)
{
    return s->decision == DECISION_RENEW;
}

const char *sub_status_label(const struct sub *s)
{
    if (sub_is_live(s) && s->suspended)
        return "suspended";
    return sub_status_name(s->status);
}

int sub_cycle_months(const struct sub *s)
{
    return s->status == SUB_EST ? 1 : billing_months(s->billing);
}

struct period sub_cycle_at(const struct sub *s, struct date day)
{
    struct period p;
    int cm = sub_cycle_months(s);
    int k;

    if (s->status == SUB_EST) {
        p.start = s->term_start;
        p.end = s->term_end;
        return p;
    }
    k = cycle_index_of(s->term_start, cm, day);
    if (k < 0)
        k = 0;
    return cycle_period(s->term_start, cm, k);
}

struct period sub_current_cycle(const struct sub *s)
{
    if (s->status == SUB_EST) {
        struct period p = {s->term_start, s->term_end};

        return p;
    }
    return cycle_period(s->term_start, sub_cycle_months(s), s->cycle);
}

int32_t sub_next_due(const struct sub *s)
{
    struct date after_term, next_cycle;

    if (!sub_is_live(s))
        return INT32_MAX;
    after_term = date_add_days(s->term_end, 1);
    if (s->status == SUB_EST)
        return date_to_days(after_term);
    next_cycle = cycle_period(s->term_start, sub_cycle_months(s), s->cycle + 1).start;
    if (date_cmp(next_cycle, after_term) < 0)
        return date_to_days(next_cycle);
    return date_to_days(after_term);
}

static void set_product(struct sub *s, const struct lc_event *ev)
{
    memcpy(s->sku, ev->sku, sizeof(s->sku));
    memcpy(s->currency, ev->currency, sizeof(s->currency));
    s->unit_price = ev->unit_price;
}

/* A new term of the plan starting at ev->at, with its own 168-hour window (Part A 1, 2). */
static void start_term(struct sub *s, const struct lc_event *ev)
{
    s->status = SUB_ACTIVE;
    s->term_start = instant_date(ev->at);
    s->term_end = term_end_date(s->term_start, term_months(s->term));
    s->cycle = 0;
    s->window_deadline = window_deadline(ev->at);
    lots_reset(&s->lots, s->quantity, ev->at, s->window_deadline);
}

/* Part A 15: a mid-term seat change or upgrade deletes scheduled changes (§5.4). */
static void drop_changes(struct sub *s)
{
    s->has_changes = false;
    memset(&s->changes, 0, sizeof(s->changes));
}

static void apply_quantity(struct sub *s, const struct lc_event *ev)
{
    int32_t old = s->quantity, nq = ev->quantity;

    if (nq > old) {
        /* Part A 2: each batch of added seats is a lot with its own deadline. */
        if (lots_make_room(&s->lots, ev->at) == 0)
            lots_add(&s->lots, nq - old, ev->at, window_deadline(ev->at));
    } else if (nq < old) {
        lots_take_newest(&s->lots, old - nq);
    }
    s->quantity = nq;
    drop_changes(s);
}

void sub_apply(struct sub *s, const struct lc_event *ev)
{
    switch (ev->kind) {
    case EV_NONE:
        return;
    case EV_CREATED:
        sub_init(s);
        set_product(s, ev);
        s->term = ev->term;
        s->billing = ev->billing;
        s->quantity = ev->quantity;
        s->purchased = instant_date(ev->at);
        s->decision = ev->decision;
        start_term(s, ev);
        break;
    case EV_SPLIT_CREATED:
        /* Part A 7, 15: coterminous, inherits the window as one lot, no scheduled changes. */
        sub_init(s);
        set_product(s, ev);
        s->status = SUB_ACTIVE;
        s->term = ev->term;
        s->billing = ev->billing;
        s->quantity = ev->quantity;
        s->term_start = ev->term_start;
        s->term_end = ev->term_end;
        s->cycle = ev->cycle;
        s->window_deadline = ev->window_deadline;
        s->purchased = ev->purchased;
        s->decision = ev->decision;
        if (window_is_open(ev->window_deadline, ev->at))
            lots_reset(&s->lots, ev->quantity, ev->at, ev->window_deadline);
        break;
    case EV_QUANTITY_CHANGED:
        apply_quantity(s, ev);
        break;
    case EV_UPGRADED:
        set_product(s, ev);
        drop_changes(s);
        /* Part A 7: out of EST the target starts a new term of the pre-EST plan. */
        if (s->status == SUB_EST)
            start_term(s, ev);
        break;
    case EV_SPLIT_OFF:
        /* Part A 15: the moved seats leave the source's lots newest first. */
        lots_take_newest(&s->lots, ev->quantity);
        s->quantity -= ev->quantity;
        drop_changes(s);
        break;
    case EV_SUSPENDED:
        s->suspended = true;
        s->decision = ev->decision; /* Part A 8: suspension turns auto-renew off */
        drop_changes(s);
        break;
    case EV_REACTIVATED:
        s->suspended = false;
        break;
    case EV_CANCELLED:
        s->status = SUB_CANCELLED;
        s->suspended = false;
        lots_clear(&s->lots);
        break;
    case EV_RENEWED:
        set_product(s, ev);
        s->term = ev->term;
        s->billing = ev->billing;
        s->quantity = ev->quantity;
        s->decision = DECISION_RENEW; /* Part A 15: later renewals are as is */
        drop_changes(s);
        start_term(s, ev);
        break;
    case EV_CYCLE_CHARGED:
        s->cycle = ev->cycle;
        break;
    case EV_MOVED_TO_EST:
    case EV_EST_RENEWED:
        /* Part A 11, 15: successive one-month terms, no window, billed up front. */
        set_product(s, ev);
        s->status = SUB_EST;
        s->term_start = instant_date(ev->at);
        s->term_end = term_end_date(s->term_start, 1);
        s->cycle = 0;
        s->window_deadline = 0;
        lots_clear(&s->lots);
        drop_changes(s);
        break;
    case EV_EXPIRED:
        s->status = SUB_EXPIRED;
        s->suspended = false;
        lots_clear(&s->lots);
        break;
    case EV_DECISION_SET:
        s->decision = ev->decision;
        s->has_changes = ev->has_changes;
        if (ev->has_changes)
            s->changes = ev->changes;
        else
            memset(&s->changes, 0, sizeof(s->changes));
        break;
    }
    s->updated_at = ev->at;
    s->seq++;
}

/* ---- names (stable: they are stored and shown) ---- */

static const char *const kind_names[] = {
    [EV_NONE] = "none",
    [EV_CREATED] = "created",
    [EV_SPLIT_CREATED] = "split_created",
    [EV_QUANTITY_CHANGED] = "quantity_changed",
    [EV_UPGRADED] = "upgraded",
    [EV_SPLIT_OFF] = "split_off",
    [EV_SUSPENDED] = "suspended",
    [EV_REACTIVATED] = "reactivated",
    [EV_CANCELLED] = "cancelled",
    [EV_RENEWED] = "renewed",
    [EV_CYCLE_CHARGED] = "cycle_charged",
    [EV_MOVED_TO_EST] = "moved_to_est",
    [EV_EST_RENEWED] = "est_renewed",
    [EV_EXPIRED] = "expired",
    [EV_DECISION_SET] = "decision_set",
};

static const char *const status_names[] = {"none", "active", "est", "cancelled", "expired"};
static const char *const decision_names[] = {"renew", "cancel", "est"};
static const char *const reason_names[] = {"", "cancel_at_term_end", "suspended_at_term_end",
                                           "no_price", "not_est_eligible"};

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

static int name_index(const char *const *names, int n, const char *s)
{
    for (int i = 0; i < n; i++)
        if (names[i] && strcmp(names[i], s) == 0)
            return i;
    return -1;
}

const char *lc_event_kind_name(enum lc_event_kind k)
{
    return (int)k >= 0 && (int)k < NELEM(kind_names) ? kind_names[k] : "?";
}

int lc_event_kind_from_name(const char *s, enum lc_event_kind *out)
{
    int i = name_index(kind_names, NELEM(kind_names), s);

    if (i < 0)
        return -1;
    *out = (enum lc_event_kind)i;
    return 0;
}

const char *sub_status_name(enum sub_status s)
{
    return (int)s >= 0 && (int)s < NELEM(status_names) ? status_names[s] : "?";
}

int sub_status_from_name(const char *s, enum sub_status *out)
{
    int i = name_index(status_names, NELEM(status_names), s);

    if (i < 0)
        return -1;
    *out = (enum sub_status)i;
    return 0;
}

const char *sub_decision_name(enum sub_decision d)
{
    return (int)d >= 0 && (int)d < NELEM(decision_names) ? decision_names[d] : "?";
}

int sub_decision_from_name(const char *s, enum sub_decision *out)
{
    int i = name_index(decision_names, NELEM(decision_names), s);

    if (i < 0)
        return -1;
    *out = (enum sub_decision)i;
    return 0;
}

const char *expiry_reason_name(enum expiry_reason r)
{
    return (int)r >= 0 && (int)r < NELEM(reason_names) ? reason_names[r] : "?";
}

int expiry_reason_from_name(const char *s, enum expiry_reason *out)
{
    int i = name_index(reason_names, NELEM(reason_names), s);

    if (i < 0)
        return -1;
    *out = (enum expiry_reason)i;
    return 0;
}
