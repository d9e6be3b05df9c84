/*
 * core/clock.h — the clock is a value passed in, never read behind the caller's back.
 *
 * Domain code takes `instant_t now` as an argument. Services and jobs take a `struct clock *`
 * and ask it once per operation. Three kinds:
 *   real   — the system's UTC time (the only place cspd reads the wall clock);
 *   fixed  — always the same instant (tests, scenarios); move it with clock_set;
 *   offset — real time shifted by a fixed number of seconds (`cspd serve --clock T` starts
 *            the server at T and lets time run on from there, for demos).
 */
#ifndef CSPD_CORE_CLOCK_H
#define CSPD_CORE_CLOCK_H

#include "core/date.h"

enum clock_kind { CLOCK_REAL, CLOCK_FIXED, CLOCK_OFFSET };

struct clock {
    enum clock_kind kind;
    instant_t fixed;  /* CLOCK_FIXED: the instant */
    int64_t offset;   /* CLOCK_OFFSET: seconds added to real time */
};

void clock_init_real(struct clock *c);
void clock_init_fixed(struct clock *c, instant_t at);
/* Real time shifted so that "now" is `start` at the moment of the call. */
void clock_init_offset(struct clock *c, instant_t start);
/* Move a fixed clock (no effect on other kinds). */
void clock_set(struct clock *c, instant_t at);
instant_t clock_now(const struct clock *c);

#endif
