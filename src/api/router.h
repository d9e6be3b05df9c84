/*
 * api/router.h — the one declarative table of API routes, and matching a request against it.
 *
 * Every route is one `struct api_route` record in routes.c: method, path pattern with {params},
 * handler, the role it will require, its body cap, its tenancy rule and a summary. The server
 * runs the generic checks from the record before calling the handler; the same records
 * generate GET /v1/openapi.json (openapi.c) and drive the route x role x tenant matrix test.
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
#include "store/scope.h"

/*
 * Who may call a route: which callers (scope kinds) and which of their roles. Checked once by
 * the server before the handler (api/auth.c): no credentials on a non-public route is 401; a
 * caller whose scope kind or role is not listed is 403 when the route names no object or the
 * object is one the caller can see, else 404 (ids do not leak). Roles are store/scope.h's.
 *
 *                      installation      partner staff       customer (portal)
 *   PUBLIC             no credentials needed
 *   SELF               any signed-in caller, about its own account or session
 *   READ               every role            every role          portal        (GET only)
 *   STAFF              every role            every role          -             (GET only)
 *   WRITE              owner admin billing sales (both)          -
 *   SALES              owner admin sales (both)                  -
 *   BILLING            owner admin billing (both)                -
 *   ADMIN              owner admin (both)                        -
 *   OPERATOR           owner admin           -                   -
 * read_only callers may therefore only GET (and act on their own account under SELF); the
 * route x role x tenant matrix test (tests/unit/test_auth_matrix.c) holds every route's
 * expected class and fails when a row is added without one.
 */
enum api_role {
    API_ROLE_PUBLIC,   /* no credentials: probes, metrics, the API description, sign-in */
    API_ROLE_SELF,     /* any signed-in caller, acting on itself (me, logout, own MFA) */
    API_ROLE_READ,     /* reads of scoped data, portal users included */
    API_ROLE_STAFF,    /* reads for a partner's or the installation's staff, any role */
    API_ROLE_WRITE,    /* staff writes: owner, admin, billing, sales */
    API_ROLE_SALES,    /* owner, admin, sales: customers, orders, subscriptions */
    API_ROLE_BILLING,  /* owner, admin, billing: invoices, credit, prices */
    API_ROLE_ADMIN,    /* owner, admin: users, tokens, partner settings */
    API_ROLE_OPERATOR, /* the installation's owner or admin: installation-wide state */
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
    /*
     * A file upload route: besides the JSON body {"content": "<file text>", ...} it accepts
     * the raw file with Content-Type text/csv; the server then builds that same JSON object
     * from the bytes (kept as they are, so the importer reports encoding errors by line) and
     * from the query string (every other field of the object comes from ?name=value).
     */
    bool csv_upload;
};

/* The table, terminated by an entry with method == NULL. */
const struct api_route *api_routes(void);
size_t api_route_count(void);

const char *api_role_name(enum api_role r);
/*
 * Does `r` admit a caller of scope kind `kind` with role `role`? PUBLIC admits everyone;
 * ROLE_OPERATOR (the CLI) counts as an installation owner.
 */
bool api_role_allows(enum api_role r, enum scope_kind kind, enum user_role role);
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
/* Authentication, users, tokens, audit (h_auth*.c). */
void api_h_session_create(struct api_req *req, struct api_resp *resp);
void api_h_session_delete(struct api_req *req, struct api_resp *resp);
void api_h_me_get(struct api_req *req, struct api_resp *resp);
void api_h_me_password(struct api_req *req, struct api_resp *resp);
void api_h_me_totp_begin(struct api_req *req, struct api_resp *resp);
void api_h_me_totp_confirm(struct api_req *req, struct api_resp *resp);
void api_h_users_list(struct api_req *req, struct api_resp *resp);
void api_h_users_create(struct api_req *req, struct api_resp *resp);
void api_h_user_get(struct api_req *req, struct api_resp *resp);
void api_h_user_disable(struct api_req *req, struct api_resp *resp);
void api_h_user_totp_reset(struct api_req *req, struct api_resp *resp);
void api_h_tokens_list(struct api_req *req, struct api_resp *resp);
void api_h_tokens_create(struct api_req *req, struct api_resp *resp);
void api_h_token_revoke(struct api_req *req, struct api_resp *resp);
void api_h_audit_list(struct api_req *req, struct api_resp *resp);
/* Reconciliation with Microsoft's invoice files (h_recon.c). */
void api_h_recon_import(struct api_req *req, struct api_resp *resp);
void api_h_recon_imports(struct api_req *req, struct api_resp *resp);
void api_h_recon_import_get(struct api_req *req, struct api_resp *resp);
void api_h_recon_lines(struct api_req *req, struct api_resp *resp);
void api_h_recon_export(struct api_req *req, struct api_resp *resp);
void api_h_recon_export_xlsx(struct api_req *req, struct api_resp *resp);
void api_h_recon_resolve(struct api_req *req, struct api_resp *resp);
void api_h_recon_map(struct api_req *req, struct api_resp *resp);
/* Parties: partners, relationships, customers (h_party_*.c, docs/parties.md). */
void api_h_partners_create(struct api_req *req, struct api_resp *resp);
void api_h_partners_list(struct api_req *req, struct api_resp *resp);
void api_h_partner_get(struct api_req *req, struct api_resp *resp);
void api_h_partner_update(struct api_req *req, struct api_resp *resp);
void api_h_partner_mpa(struct api_req *req, struct api_resp *resp);
void api_h_partner_compliance(struct api_req *req, struct api_resp *resp);
void api_h_relationships_create(struct api_req *req, struct api_resp *resp);
void api_h_relationships_list(struct api_req *req, struct api_resp *resp);
void api_h_relationship_end(struct api_req *req, struct api_resp *resp);
void api_h_customers_create(struct api_req *req, struct api_resp *resp);
void api_h_customers_list(struct api_req *req, struct api_resp *resp);
void api_h_customer_get(struct api_req *req, struct api_resp *resp);
void api_h_customer_update(struct api_req *req, struct api_resp *resp);
void api_h_customer_mca(struct api_req *req, struct api_resp *resp);

/* Catalog and price lists (h_catalog*.c, docs/catalog.md). */
void api_h_pricelists_import(struct api_req *req, struct api_resp *resp);
void api_h_pricelists_changes(struct api_req *req, struct api_resp *resp);
void api_h_catalog_products(struct api_req *req, struct api_resp *resp);
void api_h_catalog_sku_prices(struct api_req *req, struct api_resp *resp);
void api_h_catalog_sku_price(struct api_req *req, struct api_resp *resp);
void api_h_catalog_paths_list(struct api_req *req, struct api_resp *resp);
void api_h_catalog_paths_put(struct api_req *req, struct api_resp *resp);
void api_h_catalog_paths_delete(struct api_req *req, struct api_resp *resp);
void api_h_catalog_prereqs_list(struct api_req *req, struct api_resp *resp);
void api_h_catalog_prereqs_put(struct api_req *req, struct api_resp *resp);
void api_h_catalog_prereqs_delete(struct api_req *req, struct api_resp *resp);
void api_h_catalog_est_list(struct api_req *req, struct api_resp *resp);
void api_h_catalog_est_put(struct api_req *req, struct api_resp *resp);
void api_h_catalog_est_delete(struct api_req *req, struct api_resp *resp);
void api_h_catalog_seats_list(struct api_req *req, struct api_resp *resp);
void api_h_catalog_seats_put(struct api_req *req, struct api_resp *resp);
void api_h_catalog_seats_delete(struct api_req *req, struct api_resp *resp);
void api_h_currencies(struct api_req *req, struct api_resp *resp);
void api_h_rates_list(struct api_req *req, struct api_resp *resp);
void api_h_rates_create(struct api_req *req, struct api_resp *resp);

/* Billing: invoices, margin rules, reports (h_invoice.c, h_margin.c, h_report.c). */
void api_h_invoices_list(struct api_req *req, struct api_resp *resp);
void api_h_invoices_close(struct api_req *req, struct api_resp *resp);
void api_h_invoice_get(struct api_req *req, struct api_resp *resp);
void api_h_invoice_pay(struct api_req *req, struct api_resp *resp);
void api_h_invoice_void(struct api_req *req, struct api_resp *resp);
void api_h_invoice_credit(struct api_req *req, struct api_resp *resp);
void api_h_invoices_export(struct api_req *req, struct api_resp *resp);
void api_h_billing_settings_get(struct api_req *req, struct api_resp *resp);
void api_h_billing_settings_update(struct api_req *req, struct api_resp *resp);
void api_h_margin_rules_list(struct api_req *req, struct api_resp *resp);
void api_h_margin_rules_create(struct api_req *req, struct api_resp *resp);
void api_h_margin_rule_get(struct api_req *req, struct api_resp *resp);
void api_h_margin_rule_update(struct api_req *req, struct api_resp *resp);
void api_h_margin_rule_delete(struct api_req *req, struct api_resp *resp);
void api_h_report_margins(struct api_req *req, struct api_resp *resp);
void api_h_report_ttm(struct api_req *req, struct api_resp *resp);

/* Subscriptions: orders, commands, state, events, charges (h_sub*.c, docs/subscriptions.md). */
void api_h_customer_order(struct api_req *req, struct api_resp *resp);
void api_h_customer_subs_list(struct api_req *req, struct api_resp *resp);
void api_h_sub_get(struct api_req *req, struct api_resp *resp);
void api_h_sub_update(struct api_req *req, struct api_resp *resp);
void api_h_sub_upgrade(struct api_req *req, struct api_resp *resp);
void api_h_sub_cancel(struct api_req *req, struct api_resp *resp);
void api_h_sub_suspend(struct api_req *req, struct api_resp *resp);
void api_h_sub_reactivate(struct api_req *req, struct api_resp *resp);
void api_h_sub_term_end(struct api_req *req, struct api_resp *resp);
void api_h_sub_events(struct api_req *req, struct api_resp *resp);
void api_h_sub_charges(struct api_req *req, struct api_resp *resp);

/*
 * Build the OpenAPI 3.1 document for `routes`. `version` is the API's version string.
 * Returns a new reference, or NULL with err set (a schema text in the table that does not
 * parse is ERR_INTERNAL naming the route).
 */
json_t *api_openapi_build(const struct api_route *routes, const char *version, struct err *err);

#endif
