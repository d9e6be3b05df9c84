/*
 * api/metrics.c — the request counters and latency histograms of metrics.h.
 *
 * Two small arrays of series under one mutex, searched linearly: a few dozen routes times a
 * handful of methods and statuses make a few hundred series at most, and a request does one
 * lookup, so a hash table would buy nothing. Arrays grow by doubling up to a hard cap
 * (METRICS_MAX_SERIES); past it a request is counted in cspd_http_metrics_dropped_total
 * instead, so memory stays bounded whatever clients send.
 *
 * Durations are seconds as double: this is observability at the edge, not money, and
 * Prometheus wants floating point. Buckets follow Prometheus' client defaults, which suit an
 * API answering in milliseconds.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/metrics.h"

#define METRICS_MAX_SERIES 4096

static const double buckets[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                 0.25,  0.5,    1.0,   2.5,  5.0,   10.0};
#define NBUCKETS (sizeof(buckets) / sizeof(buckets[0]))

static const char *const methods[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE",
                                      "OPTIONS"};

struct counter {
    const char *route;
    const char *method;
    int status;
    uint64_t count;
};

struct histogram {
    const char *route;
    const char *method;
    uint64_t le[NBUCKETS]; /* cumulative at render time: stored per bucket, summed there */
    uint64_t count;
    double sum;
};

struct metrics {
    pthread_mutex_t lock;
    struct counter *counters;
    size_t ncounters, counters_cap;
    struct histogram *hists;
    size_t nhists, hists_cap;
    uint64_t dropped;
};

int metrics_new(struct metrics **out, struct err *err)
{
    struct metrics *m = calloc(1, sizeof(*m));

    if (!m)
        return err_set(err, ERR_NOMEM, "", "out of memory creating metrics");
    pthread_mutex_init(&m->lock, NULL);
    *out = m;
    return 0;
}

void metrics_free(struct metrics *m)
{
    if (!m)
        return;
    pthread_mutex_destroy(&m->lock);
    free(m->counters);
    free(m->hists);
    free(m);
}

static const char *method_label(const char *method)
{
    for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
        if (strcmp(methods[i], method) == 0)
            return methods[i];
    return "OTHER";
}

/* Make room for one more element in *arr (elements of `size` bytes); false at the cap. */
static bool grow(void **arr, size_t *cap, size_t n, size_t size)
{
    size_t ncap;
    void *p;

    if (n < *cap)
        return true;
    if (*cap >= METRICS_MAX_SERIES)
        return false;
    ncap = *cap ? *cap * 2 : 32;
    if (ncap > METRICS_MAX_SERIES)
        ncap = METRICS_MAX_SERIES;
    p = realloc(*arr, ncap * size);
    if (!p)
        return false;
    *arr = p;
    *cap = ncap;
    return true;
}

static struct counter *find_counter(struct metrics *m, const char *route, const char *method,
                                    int status)
{
    struct counter *c;

    for (size_t i = 0; i < m->ncounters; i++) {
        c = &m->counters[i];
        /* Routes and methods are static strings: equal pointers first, then text. */
        if (c->status == status && c->method == method &&
            (c->route == route || strcmp(c->route, route) == 0))
            return c;
    }
    if (!grow((void **)&m->counters, &m->counters_cap, m->ncounters, sizeof(*c)))
        return NULL;
    c = &m->counters[m->ncounters++];
    memset(c, 0, sizeof(*c));
    c->route = route;
    c->method = method;
    c->status = status;
    return c;
}

static struct histogram *find_hist(struct metrics *m, const char *route, const char *method)
{
    struct histogram *h;

    for (size_t i = 0; i < m->nhists; i++) {
        h = &m->hists[i];
        if (h->method == method && (h->route == route || strcmp(h->route, route) == 0))
            return h;
    }
    if (!grow((void **)&m->hists, &m->hists_cap, m->nhists, sizeof(*h)))
        return NULL;
    h = &m->hists[m->nhists++];
    memset(h, 0, sizeof(*h));
    h->route = route;
    h->method = method;
    return h;
}

void metrics_observe(struct metrics *m, const char *route, const char *method, int status,
                     double seconds)
{
    const char *ml = method_label(method);
    struct counter *c;
    struct histogram *h;

    if (seconds < 0)
        seconds = 0;
    pthread_mutex_lock(&m->lock);
    c = find_counter(m, route, ml, status);
    h = find_hist(m, route, ml);
    if (c)
        c->count++;
    if (h) {
        for (size_t i = 0; i < NBUCKETS; i++) {
            if (seconds <= buckets[i]) {
                h->le[i]++;
                break;
            }
        }
        h->count++;
        h->sum += seconds;
    }
    if (!c || !h)
        m->dropped++;
    pthread_mutex_unlock(&m->lock);
}

/* A growing text buffer; `failed` sticks after the first allocation failure. */
struct buf {
    char *p;
    size_t len, cap;
    bool failed;
};

static void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void buf_printf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (b->failed)
        return;
    for (;;) {
        size_t room = b->cap - b->len;

        va_start(ap, fmt);
        n = vsnprintf(b->p ? b->p + b->len : NULL, room, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->failed = true;
            return;
        }
        if ((size_t)n < room) {
            b->len += (size_t)n;
            return;
        }
        size_t ncap = b->cap ? b->cap * 2 : 4096;
        while (ncap - b->len <= (size_t)n)
            ncap *= 2;
        char *np = realloc(b->p, ncap);
        if (!np) {
            b->failed = true;
            return;
        }
        b->p = np;
        b->cap = ncap;
    }
}

/* A label value with Prometheus escaping (\\, \", \n). */
static void buf_label(struct buf *b, const char *s)
{
    for (; *s; s++) {
        if (*s == '\\' || *s == '"')
            buf_printf(b, "\\%c", *s);
        else if (*s == '\n')
            buf_printf(b, "\\n");
        else
            buf_printf(b, "%c", *s);
    }
}

static void render_locked(struct metrics *m, struct buf *b)
{
    buf_printf(b, "# HELP cspd_http_requests_total HTTP requests by route pattern, method and "
                  "status.\n# TYPE cspd_http_requests_total counter\n");
    for (size_t i = 0; i < m->ncounters; i++) {
        const struct counter *c = &m->counters[i];

        buf_printf(b, "cspd_http_requests_total{route=\"");
        buf_label(b, c->route);
        buf_printf(b, "\",method=\"%s\",status=\"%d\"} %llu\n", c->method, c->status,
                   (unsigned long long)c->count);
    }
    buf_printf(b, "# HELP cspd_http_request_duration_seconds Time from request headers to "
                  "response, by route pattern and method.\n"
                  "# TYPE cspd_http_request_duration_seconds histogram\n");
    for (size_t i = 0; i < m->nhists; i++) {
        const struct histogram *h = &m->hists[i];
        uint64_t cum = 0;

        for (size_t k = 0; k <= NBUCKETS; k++) {
            buf_printf(b, "cspd_http_request_duration_seconds_bucket{route=\"");
            buf_label(b, h->route);
            if (k < NBUCKETS) {
                cum += h->le[k];
                buf_printf(b, "\",method=\"%s\",le=\"%g\"} %llu\n", h->method, buckets[k],
                           (unsigned long long)cum);
            } else {
                buf_printf(b, "\",method=\"%s\",le=\"+Inf\"} %llu\n", h->method,
                           (unsigned long long)h->count);
            }
        }
        buf_printf(b, "cspd_http_request_duration_seconds_sum{route=\"");
        buf_label(b, h->route);
        buf_printf(b, "\",method=\"%s\"} %.6f\n", h->method, h->sum);
        buf_printf(b, "cspd_http_request_duration_seconds_count{route=\"");
        buf_label(b, h->route);
        buf_printf(b, "\",method=\"%s\"} %llu\n", h->method, (unsigned long long)h->count);
    }
    buf_printf(b, "# HELP cspd_http_metrics_dropped_total Requests not recorded because the "
                  "series cap was reached.\n# TYPE cspd_http_metrics_dropped_total counter\n"
                  "cspd_http_metrics_dropped_total %llu\n", (unsigned long long)m->dropped);
}

int metrics_render(struct metrics *m, char **out, size_t *len, struct err *err)
{
    struct buf b = {0};

    pthread_mutex_lock(&m->lock);
    render_locked(m, &b);
    pthread_mutex_unlock(&m->lock);
    if (b.failed || !b.p) {
        free(b.p);
        return err_set(err, ERR_NOMEM, "", "out of memory rendering metrics");
    }
    *out = b.p;
    *len = b.len;
    return 0;
}
