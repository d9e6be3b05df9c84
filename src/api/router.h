/*
 * api/router.h — the one declarative table of API routes, and matching a request against it.
 *
 * Every route is one `struct api_route` record in routes.c: method, path pattern with {params},
 * handler, the role it will require, its body cap, its tenancy rule and a summary. The server
 * runs the generic checks from the record before calling the handler; the same records
 * generate GET /v1/openapi.json (openapi.c) and will drive the route x role matrix test.
 * Adding an endpoint is adding a row; nothing else lists routes.
 *
 * Patterns: "/v1/customers/{id}/subscriptions". A {name} segment matches one non-empty path
 * segment; every other segment matches literally. No wildcards, no optional parts, no
 * trailing slash (so "/healthz/" is 404, not an alias).
 */
#ifndef CSPD_API_ROUTER_H
#define CSPD_API_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

#include "api/api.h"

/* Who may call a route (enforced once auth lands; recorded and published now). */
enum api_role {
    API_ROLE_PUBLIC,   /* no credentials: probes, metrics, the API description */
    API_ROLE_CUSTOMER, /* a customer's user: its own tenant only */
    API_ROLE_RESELLER, /* an indirect reseller's staff: its customers */
    API_ROLE_PARTNER,  /* a distributor's or direct-bill partner's staff: its whole book */
    API_ROLE_ADMIN,    /* operator of this cspd installation */
};

/* How a route's data is scoped to the caller (DESIGN.md "Tenancy is enforced in one place"). */
enum api_tenancy {
    API_TENANCY_NONE,   /* touches no tenant data */
    API_TENANCY_SCOPED, /* every store query takes the caller's scope */
    API_TENANCY_GLOBAL, /* installation-wide state (the clock, settings): admin only */
};

struct api_route {
    const char *method;        /* "GET", "POST", "PUT", "PATCH", "DELETE" */
    const char *pattern;       /* "/v1/clock" */
    api_handler handler;
    enum api_role role;
    size_t body_limit;         /* bytes; 0 means the server's --max-body */
    enum api_tenancy tenancy;
    const char *operation_id;  /* "getClock": stable name for generated clients */
    const char *summary;       /* one line, for the OpenAPI document */
    const char *request_schema;  /* JSON Schema text of the body, NULL when there is none */
    const char *response_schema; /* JSON Schema text of the 2xx body, NULL for "any" */
    const char *response_type;   /* 2xx content type; NULL means application/json */
};

/* The table, terminated by an entry with method == NULL. */
const struct api_route *api_routes(void);
size_t api_route_count(void);

const char *api_role_name(enum api_role r);
const char *api_tenancy_name(enum api_tenancy t);
/* True for methods whose requests carry a JSON body (POST, PUT, PATCH). */
bool api_method_has_body(const char *method);

enum api_match {
    API_MATCH_OK,          /* *out is the route; params filled */
    API_MATCH_NO_ROUTE,    /* no pattern matches the path: 404 */
    API_MATCH_NO_METHOD,   /* some pattern matches, not with this method: 405 */
};

/*
 * Find the route for `method` and `path` in `routes` (NULL-method-terminated). HEAD is
 * answered by the GET route. On API_MATCH_OK fills req->route and the parameters; on
 * API_MATCH_NO_METHOD, *path_route is the first route whose pattern matched (for metrics
 * labels) and `allow` (if not NULL) lists the methods that would be accepted, "GET, HEAD".
 */
enum api_match api_route_match(const struct api_route *routes, const char *method,
                               const char *path, struct api_req *req,
                               const struct api_route **path_route, char *allow,
                               size_t allow_size);

/* Handlers named by the table (defined in h_*.c and openapi.c). */
void api_h_healthz(struct api_req *req, struct api_resp *resp);
void api_h_readyz(struct api_req *req, struct api_resp *resp);
void api_h_metrics(struct api_req *req, struct api_resp *resp);
void api_h_openapi(struct api_req *req, struct api_resp *resp);
void api_h_clock_get(struct api_req *req, struct api_resp *resp);
void api_h_clock_set(struct api_req *req, struct api_resp *resp);

/*
 * Build the OpenAPI 3.1 document for `routes`. `version` is the API's version string.
 * Returns a new reference, or NULL with err set (a schema text in the table that does not
 * parse is ERR_INTERNAL naming the route).
 */
json_t *api_openapi_build(const struct api_route *routes, const char *version, struct err *err);

#endif
