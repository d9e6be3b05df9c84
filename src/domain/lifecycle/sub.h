/*
 * domain/lifecycle/sub.h — an NCE subscription's state and the events that change it
 * (nce-rules.md §2-§8, Part A; docs/lifecycle.md tells the same story for operators).
 *
 * Event-sourced: every accepted command and every daily-cycle step produces events; the state
 * is the fold of its events (sub_apply is the only function that changes a `struct sub`), and
 * the charge lines are a pure function of (state before, event, state after) — see
 * domain/billing/charges.h — so a subscription's bill can be recomputed from its log.
 *
 * Shape: `struct sub` is a flat value (~1.5 KB, no pointers) so the daily cycle can load,
 * step and store a million of them without allocating; the seat lots are a fixed array
 * (window.h). Events are flat values too; the fields a kind does not use stay zero.
 *
 * Status: active, est, cancelled, expired (and "none" before creation). Suspension is a flag on
 * an active or EST subscription (Part A 8, 15: reactivation returns it to what it was), shown as
 * status "suspended".
 *
 * Term-end decision (Part A 10, 15): one field — renew (as is, or with scheduled `changes`),
 * cancel (expire at term end) or est. auto_renew is "decision == renew".
 */
#ifndef CSPD_DOMAIN_LIFECYCLE_SUB_H
#define CSPD_DOMAIN_LIFECYCLE_SUB_H

#include <stdbool.h>
#include <stdint.h>

#include "core/date.h"
#include "core/decimal.h"
#include "domain/catalog/catalog.h"
#include "domain/catalog/plan.h"
#include "domain/lifecycle/terms.h"
#include "domain/lifecycle/window.h"

#define SUB_REF_MAX 48 /* a subscription id as the store names it */

enum sub_status { SUB_NONE = 0, SUB_ACTIVE, SUB_EST, SUB_CANCELLED, SUB_EXPIRED };

enum sub_decision { DECISION_RENEW = 0, DECISION_CANCEL, DECISION_EST };

/* Scheduled changes for the next renewal (Part A 15: they apply to one renewal). */
struct sub_changes {
    bool has_sku, has_term, has_billing, has_quantity;
    char sku[SKU_MAX];
    enum term term;
    enum billing billing;
    int32_t quantity;
};

struct sub {
    enum sub_status status;
    bool suspended;
    bool trial;
    char sku[SKU_MAX];
    char currency[CCY_MAX];     /* pricing currency of unit_price */
    enum term term;             /* the plan; kept while in EST (Part A 7: "pre-EST term") */
    enum billing billing;
    int32_t quantity;           /* kept after cancel/expiry (Part A 14) */
    struct dec unit_price;      /* per seat per cycle, locked for the term (Part A 9); EST price */
    struct date term_start;     /* anchor of the current term; in EST the EST month's first day */
    struct date term_end;       /* inclusive; in EST the EST month's last day (Part A 14) */
    int32_t cycle;              /* index of the current charge cycle of the term */
    instant_t window_deadline;  /* end of the purchase/renewal window; 0 = none (EST) */
    struct date purchased;      /* first purchase day (a partial upgrade inherits it) */
    enum sub_decision decision;
    bool has_changes;           /* decision renew with scheduled changes */
    struct sub_changes changes;
    struct lots lots;
    instant_t updated_at;       /* instant of the last event applied */
    int64_t seq;                /* number of events applied */
};

enum lc_event_kind {
    EV_NONE = 0,
    EV_CREATED,          /* order: sku, currency, term, billing, quantity, unit_price, decision */
    EV_SPLIT_CREATED,    /* new subscription of a partial upgrade (Part A 7, 15) */
    EV_QUANTITY_CHANGED, /* quantity = the new seat count */
    EV_UPGRADED,         /* full upgrade: sku, currency, unit_price of the target */
    EV_SPLIT_OFF,        /* source of a partial upgrade: quantity = seats moved, ref = new sub */
    EV_SUSPENDED,        /* decision = the term-end decision with auto-renew off */
    EV_REACTIVATED,
    EV_CANCELLED,
    EV_RENEWED,          /* at 00:00 of the new term: sku, currency, term, billing, qty, price */
    EV_CYCLE_CHARGED,    /* cycle = index of the cycle starting now */
    EV_MOVED_TO_EST,     /* first EST month: unit_price = EST price (Part A 11) */
    EV_EST_RENEWED,      /* a further EST month */
    EV_EXPIRED,          /* reason says why */
    EV_DECISION_SET,     /* decision, has_changes, changes */
};

enum expiry_reason {
    EXPIRY_NONE = 0,
    EXPIRY_CANCEL_DECISION, /* cancel at term end (auto-renew off, not EST-eligible) */
    EXPIRY_SUSPENDED,       /* still suspended at term end (Part A 8) */
    EXPIRY_NO_PRICE,        /* no price at renewal / no base for EST (Part A 15 dead ends) */
    EXPIRY_NOT_ELIGIBLE,    /* decision est but the term is not EST-eligible */
};

struct lc_event {
    enum lc_event_kind kind;
    instant_t at;
    char sku[SKU_MAX];
    char currency[CCY_MAX];
    enum term term;
    enum billing billing;
    int32_t quantity;
    struct dec unit_price;
    enum sub_decision decision;
    bool has_changes;
    struct sub_changes changes;
    /* EV_SPLIT_CREATED: the source's term, cycle, window and purchase day. */
    struct date term_start, term_end;
    int32_t cycle;
    instant_t window_deadline;
    struct date purchased;
    char ref[SUB_REF_MAX];      /* the other subscription of a partial upgrade */
    enum expiry_reason reason;
};

/* Zeroed state (status none). */
void sub_init(struct sub *s);
/* The fold step: the only function that changes a subscription. */
void sub_apply(struct sub *s, const struct lc_event *ev);

/* Active or EST (suspended or not): the daily cycle still has work for it. */
bool sub_is_live(const struct sub *s);
/* "active", "suspended", "est", "cancelled", "expired", "none". */
const char *sub_status_label(const struct sub *s);
bool sub_auto_renew(const struct sub *s);
/* Months per charge cycle: the billing plan's, 1 in EST. */
int sub_cycle_months(const struct sub *s);
/* The charge cycle containing `day` (in EST: the EST month). */
struct period sub_cycle_at(const struct sub *s, struct date day);
/* The current cycle (index s->cycle). */
struct period sub_current_cycle(const struct sub *s);
/*
 * The next day the daily cycle has work for this subscription (next cycle start or the day
 * after the term end), as a day number (date_to_days); INT32_MAX when none.
 */
int32_t sub_next_due(const struct sub *s);

const char *lc_event_kind_name(enum lc_event_kind k);
int lc_event_kind_from_name(const char *s, enum lc_event_kind *out);
const char *sub_status_name(enum sub_status s);
int sub_status_from_name(const char *s, enum sub_status *out);
const char *sub_decision_name(enum sub_decision d);
int sub_decision_from_name(const char *s, enum sub_decision *out);
const char *expiry_reason_name(enum expiry_reason r);
int expiry_reason_from_name(const char *s, enum expiry_reason *out);

#endif
