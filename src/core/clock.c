/*
 * core/clock.c — the three clocks of clock.h: real, fixed and offset.
 *
 * This is the only file in cspd that reads the wall clock (clock_gettime(CLOCK_REALTIME));
 * everything else gets "now" from a `struct clock` or as an `instant_t` argument, which is what
 * lets a scenario replay a year of renewals in a second and a test pin time exactly.
 * Whole seconds are enough: every business rule is stated in days or hours, and instants are
 * stored and exchanged as "YYYY-MM-DDTHH:MM:SSZ".
 *
 * A `struct clock` is a plain value with no hidden state; reading it is thread-safe as long as
 * nobody moves a fixed clock (clock_set) at the same time.
 */
#include "core/clock.h"

#include <time.h>

/*
 * The system's UTC time in seconds. clock_gettime cannot fail for CLOCK_REALTIME on the systems
 * cspd supports; should it ever, the epoch is returned rather than garbage.
 */
static instant_t real_now(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
        return 0;
    return (instant_t)ts.tv_sec;
}

void clock_init_real(struct clock *c)
{
    c->kind = CLOCK_REAL;
    c->fixed = 0;
    c->offset = 0;
}

void clock_init_fixed(struct clock *c, instant_t at)
{
    c->kind = CLOCK_FIXED;
    c->fixed = at;
    c->offset = 0;
}

void clock_init_offset(struct clock *c, instant_t start)
{
    c->kind = CLOCK_OFFSET;
    c->fixed = 0;
    c->offset = start - real_now();
}

void clock_set(struct clock *c, instant_t at)
{
    if (c->kind == CLOCK_FIXED)
        c->fixed = at;
}

instant_t clock_now(const struct clock *c)
{
    switch (c->kind) {
    case CLOCK_FIXED: return c->fixed;
    case CLOCK_OFFSET: return real_now() + c->offset;
    case CLOCK_REAL: break;
    }
    return real_now();
}
