/*
 * domain/lifecycle/refusal.h — collecting the reasons a command is refused and reporting the
 * one that wins (nce-rules.md Part A 15 "Refusals").
 *
 * A command checks every rule it can and records each violation with its own sentence; then
 * refusals_pick reports the first in the fixed priority order below, so the order lives in one
 * table and no command can get it wrong. The sentences say what the partner can do, with the
 * dates that matter ("... the window closed 2026-03-08 12:00 UTC").
 */
#ifndef CSPD_DOMAIN_LIFECYCLE_REFUSAL_H
#define CSPD_DOMAIN_LIFECYCLE_REFUSAL_H

#include "core/err.h"

/* In priority order (Part A 15); mca_not_accepted is cspd's own gate (program.md §2). */
enum refusal {
    REFUSE_NOT_ACTIVE = 0,   /* subscription_not_active */
    REFUSE_MCA,              /* mca_not_accepted */
    REFUSE_IN_EST,           /* not_allowed_in_est */
    REFUSE_EST_NOT_ELIGIBLE, /* est_not_eligible */
    REFUSE_UPGRADE_PATH,     /* invalid_upgrade_path */
    REFUSE_QUANTITY,         /* invalid_quantity */
    REFUSE_OUTSIDE_WINDOW,   /* outside_cancellation_window */
    REFUSE_DECREASE_WINDOW,  /* quantity_decrease_outside_window */
    REFUSE_NO_PRICE,         /* no_price */
    REFUSE_INVALID_PLAN,     /* invalid_plan: a term x billing pair Microsoft does not offer */
    REFUSE_UNSUPPORTED,      /* not_supported: a request cspd does not model yet */
    REFUSE_CONFLICT,         /* subscription_exists, too_many_seat_changes */
    REFUSE__COUNT
};

struct refusals {
    unsigned mask;
    char reason[REFUSE__COUNT][48];
    char field[REFUSE__COUNT][24];
    char msg[REFUSE__COUNT][256];
};

void refusals_init(struct refusals *r);
/* Record a violation (the first one recorded for a slot wins). */
void refusals_add(struct refusals *r, enum refusal which, const char *field, const char *fmt,
                  ...) __attribute__((format(printf, 4, 5)));
/* Same with an explicit reason code (slots REFUSE_UNSUPPORTED and REFUSE_CONFLICT). */
void refusals_add_reason(struct refusals *r, enum refusal which, const char *reason,
                         const char *field, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* 0 when nothing was recorded; else fills `err` with the winner and returns -1. */
int refusals_pick(const struct refusals *r, struct err *err);
/* The machine code of a slot ("subscription_not_active"). */
const char *refusal_code(enum refusal which);

#endif
