/*
 * jobs/daily.h — the daily cycle inside `cspd serve`.
 *
 * A background thread that, whenever the business clock has reached a new UTC day, runs the
 * same services as `cspd day --close`: day_run (renewals, cycle charges, EST months, expiries
 * — nce-rules.md Part A 1) and the billing close step (invoice_close_due). It wakes every
 * `interval_seconds` to look at the clock, so a clock moved forward with POST /v1/clock is
 * caught up on the next wake-up, missed days included (day_run catches up in order). Both
 * services are idempotent, so a restart or a second process on the same database re-running
 * a day changes nothing.
 *
 * The job opens its own connection to the database (SQLite serialises the writers; WAL lets
 * the API keep reading), so the API's handle is never held for the length of a cycle.
 * Failures are logged and retried on the next wake-up; they never stop the server.
 */
#ifndef CSPD_JOBS_DAILY_H
#define CSPD_JOBS_DAILY_H

#include <stdbool.h>

#include "core/date.h"
#include "core/err.h"

struct daily_job;

struct daily_job_config {
    const char *db_url;                 /* the server's database (a file; copied) */
    instant_t (*now)(void *now_ctx);    /* the business clock */
    void *now_ctx;
    unsigned interval_seconds;          /* how often to look at the clock; 0 means 60 */
    bool close;                         /* also run the billing close step */
};

/* Start the thread (it runs a first pass at once). ERR_IO/ERR_NOMEM when it cannot. */
int daily_job_start(const struct daily_job_config *cfg, struct daily_job **out,
                    struct err *err);
/* Ask the thread to stop, wait for the pass in progress to finish, and free. NULL: no-op. */
void daily_job_stop(struct daily_job *job);
/* The last UTC day the job completed (year 0 before the first pass), for tests and /metrics. */
struct date daily_job_last_day(struct daily_job *job);

#endif
