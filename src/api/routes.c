/*
 * api/routes.c — THE route table of the HTTP API (see router.h for the record's meaning).
 *
 * This is the only list of endpoints: the server dispatches from it, GET /v1/openapi.json is
 * generated from it, and tests walk it. Keep rows grouped by resource, probes first. Schemas
 * are JSON Schema text (draft 2020-12, as OpenAPI 3.1 uses) checked to parse by the tests.
 */
#include <string.h>

#include "api/router.h"

#define SCHEMA_STATUS \
    "{\"type\":\"object\",\"required\":[\"status\"]," \
    "\"properties\":{\"status\":{\"type\":\"string\"}}}"

#define SCHEMA_CLOCK \
    "{\"type\":\"object\",\"required\":[\"now\",\"kind\"],\"properties\":{" \
    "\"now\":{\"type\":\"string\",\"format\":\"date-time\"}," \
    "\"kind\":{\"type\":\"string\",\"enum\":[\"real\",\"fixed\",\"offset\"]}}}"

#define SCHEMA_CLOCK_SET \
    "{\"type\":\"object\",\"required\":[\"now\"],\"additionalProperties\":false," \
    "\"properties\":{\"now\":{\"type\":\"string\",\"format\":\"date-time\"," \
    "\"examples\":[\"2026-05-01T00:00:00Z\"]}}}"

static const struct api_route routes[] = {
    {"GET", "/healthz", api_h_healthz, API_ROLE_PUBLIC, 0, API_TENANCY_NONE, "getHealthz",
     "Liveness: the process is up and serving", NULL, SCHEMA_STATUS, NULL},
    {"GET", "/readyz", api_h_readyz, API_ROLE_PUBLIC, 0, API_TENANCY_NONE, "getReadyz",
     "Readiness: 200 when the store answers, 503 when it does not", NULL, SCHEMA_STATUS, NULL},
    {"GET", "/metrics", api_h_metrics, API_ROLE_PUBLIC, 0, API_TENANCY_NONE, "getMetrics",
     "Prometheus metrics: request counters and latency histograms per route", NULL, NULL,
     "text/plain; version=0.0.4"},
    {"GET", "/v1/openapi.json", api_h_openapi, API_ROLE_PUBLIC, 0, API_TENANCY_NONE,
     "getOpenApi", "This API's description (OpenAPI 3.1), generated from the route table",
     NULL, "{\"type\":\"object\"}", NULL},
    {"GET", "/v1/clock", api_h_clock_get, API_ROLE_CUSTOMER, 0, API_TENANCY_NONE, "getClock",
     "The server's business clock: the instant every operation uses as now", NULL,
     SCHEMA_CLOCK, NULL},
    {"POST", "/v1/clock", api_h_clock_set, API_ROLE_ADMIN, 0, API_TENANCY_GLOBAL,
     "setClock", "Move a fixed or offset business clock to a new instant (demos, tests)",
     SCHEMA_CLOCK_SET, SCHEMA_CLOCK, NULL},
    {NULL, NULL, NULL, API_ROLE_PUBLIC, 0, API_TENANCY_NONE, NULL, NULL, NULL, NULL, NULL},
};

const struct api_route *api_routes(void)
{
    return routes;
}

size_t api_route_count(void)
{
    return sizeof(routes) / sizeof(routes[0]) - 1;
}

const char *api_role_name(enum api_role r)
{
    switch (r) {
    case API_ROLE_PUBLIC: return "public";
    case API_ROLE_CUSTOMER: return "customer";
    case API_ROLE_RESELLER: return "reseller";
    case API_ROLE_PARTNER: return "partner";
    case API_ROLE_ADMIN: return "admin";
    }
    return "admin";
}

const char *api_tenancy_name(enum api_tenancy t)
{
    switch (t) {
    case API_TENANCY_NONE: return "none";
    case API_TENANCY_SCOPED: return "scoped";
    case API_TENANCY_GLOBAL: return "global";
    }
    return "global";
}

bool api_method_has_body(const char *method)
{
    return strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0 ||
           strcmp(method, "PATCH") == 0;
}
