/*
 * api/metrics.h — request counters and latency histograms, rendered for Prometheus.
 *
 *   cspd_http_requests_total{route,method,status}            counter
 *   cspd_http_request_duration_seconds{route,method}          histogram
 *
 * Labels are bounded by construction: `route` is a route *pattern* from the table (or
 * "unmatched"), never the raw path, and `method` is one of the standard methods or "OTHER",
 * so a client cannot grow the series set by sending odd URLs. The store is opaque and
 * thread-safe (one mutex; a request touches it once, at the end).
 */
#ifndef CSPD_API_METRICS_H
#define CSPD_API_METRICS_H

#include <stddef.h>

#include "core/err.h"

struct metrics;

#define METRICS_ROUTE_UNMATCHED "unmatched"

int metrics_new(struct metrics **out, struct err *err);
void metrics_free(struct metrics *m);

/*
 * Count one request. `route` must outlive the metrics (a pattern from the route table or
 * METRICS_ROUTE_UNMATCHED); `method` is normalised here. Never fails: when the series cap is
 * reached (or memory runs out), the request is counted in cspd_http_metrics_dropped_total.
 */
void metrics_observe(struct metrics *m, const char *route, const char *method, int status,
                     double seconds);

/* The Prometheus text exposition (format 0.0.4). *out is malloc'd, owned by the caller. */
int metrics_render(struct metrics *m, char **out, size_t *len, struct err *err);

#endif
