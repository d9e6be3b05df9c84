/*
 * domain/lifecycle/commands.h — what a partner can ask of a subscription, and the daily cycle
 * step: command + state + now + catalogue -> events, or a refusal (nce-rules.md Part A).
 *
 * Pure: no I/O, no clock, no allocation. Every function reads the state (NULL or status none
 * = never created), decides, and writes 0..LC_OUT_MAX events to `out` without changing the
 * state; the caller applies them with sub_apply and stores them. A refusal returns -1 with
 * `err` holding the reason code chosen by refusal priority (refusal.h) and a sentence for the
 * partner. An accepted command that changes nothing (the current quantity set again) returns 0
 * with out->n == 0.
 *
 * The caller (svc/) must have run the daily cycle up to `now` first (Part A 15: at an instant
 * where the cycle is due, the cycle runs before any step).
 */
#ifndef CSPD_DOMAIN_LIFECYCLE_COMMANDS_H
#define CSPD_DOMAIN_LIFECYCLE_COMMANDS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/date.h"
#include "core/err.h"
#include "domain/catalog/catalog.h"
#include "domain/lifecycle/sub.h"

/* What every command reads besides the subscription. */
struct lc_env {
    const struct catalog *cat;
    const char *billing_currency; /* the partner's; prices in it are preferred (§10) */
    bool mca_accepted;            /* the customer's MCA is valid (program.md §2) */
};

#define LC_OUT_MAX 2
#define LC_MAX_SEATS 10000000

struct lc_out {
    int n;
    struct lc_event ev[LC_OUT_MAX];
    int target[LC_OUT_MAX]; /* 0: the subscription commanded; 1: the new one (partial upgrade) */
};

struct lc_order {
    const char *sku;
    enum term term;
    enum billing billing;
    int32_t quantity;
    bool auto_renew;
    bool trial;
    bool has_promotion; /* promotions are not modelled yet: refused (not_supported) */
    bool has_end_date;  /* customTermEndDate, §7.7: refused (not_supported) */
};

struct lc_schedule {
    enum sub_decision action;  /* renew, cancel, est */
    struct sub_changes changes; /* for renew: the fields given */
};

int lc_cmd_order(const struct lc_env *env, const struct lc_order *cmd, instant_t now,
                 struct lc_out *out, struct err *err);
int lc_cmd_set_quantity(const struct lc_env *env, const struct sub *s, int32_t quantity,
                        instant_t now, struct lc_out *out, struct err *err);
/*
 * has_quantity false or quantity == current: full upgrade. quantity below: partial, the new
 * subscription (out->target 1) gets `new_ref` as its EV_SPLIT_CREATED ref's counterpart.
 */
int lc_cmd_upgrade(const struct lc_env *env, const struct sub *s, const char *self_ref,
                   const char *to_sku, bool has_quantity, int32_t quantity, const char *new_ref,
                   instant_t now, struct lc_out *out, struct err *err);
int lc_cmd_cancel(const struct lc_env *env, const struct sub *s, instant_t now,
                  struct lc_out *out, struct err *err);
int lc_cmd_suspend(const struct lc_env *env, const struct sub *s, instant_t now,
                   struct lc_out *out, struct err *err);
int lc_cmd_reactivate(const struct lc_env *env, const struct sub *s, instant_t now,
                      struct lc_out *out, struct err *err);
int lc_cmd_set_auto_renew(const struct lc_env *env, const struct sub *s, bool value,
                          instant_t now, struct lc_out *out, struct err *err);
int lc_cmd_schedule(const struct lc_env *env, const struct sub *s,
                    const struct lc_schedule *cmd, instant_t now, struct lc_out *out,
                    struct err *err);

/*
 * Daily cycle (Part A 1, 8, 10, 11): when the subscription has work due on or before `day`
 * (sub_next_due), write the one event of its earliest due day (at 00:00 UTC of that day) and
 * return 1; return 0 when nothing is due. The caller applies it and calls again until 0, so a
 * missed day is caught up and running a day twice changes nothing.
 */
int lc_day_step(const struct lc_env *env, const struct sub *s, struct date day,
                struct lc_event *ev);

/* "2026-03-01 12:00 UTC", the form refusal sentences use. */
void lc_format_when(instant_t t, char buf[32]);

#endif
