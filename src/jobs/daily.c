/*
 * jobs/daily.c — the thread behind jobs/daily.h: wake, read the business clock, run the day's
 * services when a new UTC day has come, sleep on a condition variable (so stop is immediate).
 *
 * Workload: one pass per business day, each a few seconds at most on a large book; the
 * thread is idle otherwise. The wake-up interval only bounds how late after midnight (or
 * after a clock move) the pass starts.
 */
#include "jobs/daily.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "store/db.h"
#include "svc/invoice_svc.h"
#include "svc/sub_svc.h"

struct daily_job {
    struct daily_job_config cfg;
    char *db_url;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stopping;
    struct date last_day; /* guarded by lock */
};

/* One pass for `now`: the daily cycle up to now, then the close step for today. */
static int run_pass(struct daily_job *job, struct db *db, instant_t now, struct err *err)
{
    struct svc_ctx ctx = {.db = db, .actor = "system:serve"};
    struct date day = instant_date(now);
    char d[DATE_STRLEN], n[32];
    struct day_stats st;

    if (day_run(&ctx, now, &st, err) < 0)
        return -1;
    date_format(day, d);
    snprintf(n, sizeof(n), "%zu", st.subscriptions);
    log_kv(LOG_INFO, "daily cycle", "day", d, "subscriptions", n, NULL);
    if (job->cfg.close) {
        struct bill_ctx bc = {.db = db, .actor = "system:serve"};
        struct close_stats cs;
        char period[INVOICE_PERIOD_MAX];

        if (invoice_close_due(&bc, day, now, period, &cs, err) < 0)
            return -1;
        snprintf(n, sizeof(n), "%zu", cs.invoices);
        log_kv(LOG_INFO, "billing close", "period", period, "invoices", n, NULL);
    }
    return 0;
}

static void *job_main(void *arg)
{
    struct daily_job *job = arg;
    struct db *db = NULL;
    struct err err;
    struct timespec until;

    err_clear(&err);
    if (db_open(job->db_url, &db, &err) < 0) {
        log_kv(LOG_ERROR, "daily cycle: cannot open the database", "error", err.msg, NULL);
        return NULL;
    }
    pthread_mutex_lock(&job->lock);
    while (!job->stopping) {
        instant_t now = job->cfg.now(job->cfg.now_ctx);
        struct date day = instant_date(now);

        if (date_cmp(day, job->last_day) > 0) {
            int rc;

            pthread_mutex_unlock(&job->lock);
            err_clear(&err);
            rc = run_pass(job, db, now, &err);
            if (rc < 0)
                log_kv(LOG_ERROR, "daily cycle failed; retrying later", "error", err.msg,
                       "reason", err_reason(&err), NULL);
            pthread_mutex_lock(&job->lock);
            if (rc == 0)
                job->last_day = day;
        }
        clock_gettime(CLOCK_REALTIME, &until); /* a wait deadline, not business time */
        until.tv_sec += job->cfg.interval_seconds;
        while (!job->stopping &&
               pthread_cond_timedwait(&job->wake, &job->lock, &until) != ETIMEDOUT)
            ;
    }
    pthread_mutex_unlock(&job->lock);
    db_close(db);
    return NULL;
}

int daily_job_start(const struct daily_job_config *cfg, struct daily_job **out,
                    struct err *err)
{
    struct daily_job *job = calloc(1, sizeof(*job));

    if (!job || !(job->db_url = strdup(cfg->db_url))) {
        free(job);
        return err_set(err, ERR_NOMEM, "", "out of memory starting the daily cycle");
    }
    job->cfg = *cfg;
    job->cfg.db_url = job->db_url;
    if (job->cfg.interval_seconds == 0)
        job->cfg.interval_seconds = 60;
    pthread_mutex_init(&job->lock, NULL);
    pthread_cond_init(&job->wake, NULL);
    if (pthread_create(&job->thread, NULL, job_main, job) != 0) {
        pthread_cond_destroy(&job->wake);
        pthread_mutex_destroy(&job->lock);
        free(job->db_url);
        free(job);
        return err_set(err, ERR_IO, "", "cannot start the daily cycle thread");
    }
    *out = job;
    return 0;
}

void daily_job_stop(struct daily_job *job)
{
    if (!job)
        return;
    pthread_mutex_lock(&job->lock);
    job->stopping = true;
    pthread_cond_signal(&job->wake);
    pthread_mutex_unlock(&job->lock);
    pthread_join(job->thread, NULL);
    pthread_cond_destroy(&job->wake);
    pthread_mutex_destroy(&job->lock);
    free(job->db_url);
    free(job);
}

struct date daily_job_last_day(struct daily_job *job)
{
    struct date d;

    pthread_mutex_lock(&job->lock);
    d = job->last_day;
    pthread_mutex_unlock(&job->lock);
    return d;
}
