/*
 * svc/auth_throttle.c — the login throttling schedule, a pure function of counters and `now`.
 *
 * Each subject (an account, keyed by its e-mail whether or not it exists; a client address)
 * has consecutive failures, the instant of the last one and a lock deadline. After
 * `free_failures` failures an attempt must wait base_delay · 2^(k-1) seconds (k = failures
 * beyond the free ones, capped at max_delay) after the last failure; `lock_after` failures
 * lock the subject for `lock_secs`. A lock that ran out, or failures older than
 * `forget_after`, start the count again. A success clears the account's counters (the
 * caller deletes its row); the address keeps its count, or one valid account would let an
 * address guess freely at others. The API refuses early attempts with 429 and Retry-After
 * instead of sleeping, so throttled clients cost no worker thread.
 */
#include "svc/auth.h"

const struct auth_throttle_policy auth_throttle_account = {
    .free_failures = 3, .lock_after = 10, .base_delay = 1, .max_delay = 60,
    .lock_secs = 15 * 60, .forget_after = 3600,
};

const struct auth_throttle_policy auth_throttle_address = {
    .free_failures = 10, .lock_after = 50, .base_delay = 1, .max_delay = 60,
    .lock_secs = 15 * 60, .forget_after = 3600,
};

/* Counters as they stand at `now`: forgotten after a quiet period or a lock that ran out. */
static struct auth_throttle current(const struct auth_throttle_policy *p,
                                    const struct auth_throttle *t, instant_t now)
{
    struct auth_throttle c = *t;

    if ((c.locked_until && c.locked_until <= now) ||
        (c.last_failure && now - c.last_failure >= p->forget_after)) {
        c.failures = 0;
        c.locked_until = 0;
    }
    return c;
}

static int64_t delay_after(const struct auth_throttle_policy *p, int failures)
{
    int k = failures - p->free_failures;
    int64_t d = p->base_delay;

    if (k <= 0)
        return 0;
    for (int i = 1; i < k && d < p->max_delay; i++)
        d *= 2;
    return d < p->max_delay ? d : p->max_delay;
}

int64_t auth_throttle_wait(const struct auth_throttle_policy *p, const struct auth_throttle *t,
                           instant_t now)
{
    struct auth_throttle c = current(p, t, now);
    int64_t until;

    if (c.locked_until > now)
        return c.locked_until - now;
    until = c.last_failure + delay_after(p, c.failures);
    return until > now ? until - now : 0;
}

void auth_throttle_fail(const struct auth_throttle_policy *p, struct auth_throttle *t,
                        instant_t now)
{
    *t = current(p, t, now);
    t->failures++;
    t->last_failure = now;
    if (t->failures >= p->lock_after)
        t->locked_until = now + p->lock_secs;
}
