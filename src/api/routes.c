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

/* ---- authentication, users, tokens, audit (docs/auth.md) ---- */

#define SCHEMA_USER \
    "{\"type\":\"object\",\"required\":[\"id\",\"email\",\"role\"],\"properties\":{" \
    "\"id\":{\"type\":\"string\"},\"email\":{\"type\":\"string\"}," \
    "\"role\":{\"type\":\"string\",\"enum\":[\"owner\",\"admin\",\"billing\",\"sales\"," \
    "\"read_only\",\"portal\"]},\"partner_id\":{\"type\":[\"string\",\"null\"]}," \
    "\"customer_id\":{\"type\":[\"string\",\"null\"]},\"mfa_enabled\":{\"type\":\"boolean\"}," \
    "\"disabled\":{\"type\":\"boolean\"},\"created_at\":{\"type\":\"string\"}}}"

#define SCHEMA_LOGIN \
    "{\"type\":\"object\",\"required\":[\"email\",\"password\"]," \
    "\"additionalProperties\":false,\"properties\":{\"email\":{\"type\":\"string\"}," \
    "\"password\":{\"type\":\"string\",\"writeOnly\":true}," \
    "\"totp\":{\"type\":\"string\",\"pattern\":\"^[0-9]{6}$\"}}}"

#define SCHEMA_SESSION \
    "{\"type\":\"object\",\"required\":[\"csrf_token\",\"expires_at\",\"user\"]," \
    "\"properties\":{\"csrf_token\":{\"type\":\"string\"}," \
    "\"expires_at\":{\"type\":\"string\"},\"user\":" SCHEMA_USER "}}"

#define SCHEMA_ME \
    "{\"type\":\"object\",\"required\":[\"scope\",\"role\",\"credential\"]}"

#define SCHEMA_PASSWORD \
    "{\"type\":\"object\",\"required\":[\"current_password\",\"new_password\"]," \
    "\"additionalProperties\":false,\"properties\":{" \
    "\"current_password\":{\"type\":\"string\",\"writeOnly\":true}," \
    "\"new_password\":{\"type\":\"string\",\"minLength\":12,\"writeOnly\":true}}}"

#define SCHEMA_TOTP_URI \
    "{\"type\":\"object\",\"required\":[\"otpauth_uri\"],\"properties\":{" \
    "\"otpauth_uri\":{\"type\":\"string\"},\"secret\":{\"type\":\"string\"}}}"

#define SCHEMA_TOTP_CODE \
    "{\"type\":\"object\",\"required\":[\"totp\"],\"additionalProperties\":false," \
    "\"properties\":{\"totp\":{\"type\":\"string\",\"pattern\":\"^[0-9]{6}$\"}}}"

#define SCHEMA_EMPTY "{\"type\":\"object\",\"additionalProperties\":false}"

#define SCHEMA_USER_NEW \
    "{\"type\":\"object\",\"required\":[\"email\",\"role\"],\"additionalProperties\":false," \
    "\"properties\":{\"email\":{\"type\":\"string\"},\"role\":{\"type\":\"string\"}," \
    "\"partner_id\":{\"type\":\"string\"},\"customer_id\":{\"type\":\"string\"}}}"

#define SCHEMA_USER_CREATED \
    "{\"type\":\"object\",\"required\":[\"user\",\"password\"],\"properties\":{" \
    "\"user\":" SCHEMA_USER ",\"password\":{\"type\":\"string\"}," \
    "\"otpauth_uri\":{\"type\":\"string\"}}}"

#define SCHEMA_USERS \
    "{\"type\":\"object\",\"required\":[\"users\"],\"properties\":{\"users\":" \
    "{\"type\":\"array\",\"items\":" SCHEMA_USER "}}}"

#define SCHEMA_TOKEN \
    "{\"type\":\"object\",\"required\":[\"id\",\"role\"],\"properties\":{" \
    "\"id\":{\"type\":\"string\"},\"partner_id\":{\"type\":[\"string\",\"null\"]}," \
    "\"role\":{\"type\":\"string\"},\"name\":{\"type\":[\"string\",\"null\"]}," \
    "\"last_used_at\":{\"type\":[\"string\",\"null\"]},\"revoked\":{\"type\":\"boolean\"}}}"

#define SCHEMA_TOKEN_NEW \
    "{\"type\":\"object\",\"required\":[\"role\"],\"additionalProperties\":false," \
    "\"properties\":{\"role\":{\"type\":\"string\"},\"name\":{\"type\":\"string\"}," \
    "\"partner_id\":{\"type\":\"string\"}}}"

#define SCHEMA_TOKEN_CREATED \
    "{\"type\":\"object\",\"required\":[\"token\",\"secret\"],\"properties\":{" \
    "\"token\":" SCHEMA_TOKEN ",\"secret\":{\"type\":\"string\"}}}"

#define SCHEMA_TOKENS \
    "{\"type\":\"object\",\"required\":[\"tokens\"],\"properties\":{\"tokens\":" \
    "{\"type\":\"array\",\"items\":" SCHEMA_TOKEN "}}}"

#define SCHEMA_AUDIT \
    "{\"type\":\"object\",\"required\":[\"entries\"],\"properties\":{\"entries\":" \
    "{\"type\":\"array\",\"items\":{\"type\":\"object\",\"required\":[\"id\",\"at\"," \
    "\"actor\",\"action\",\"object_type\"]}},\"next_before\":{\"type\":[\"integer\"," \
    "\"null\"]}}}"

/* ---- reconciliation (api/h_recon.c) ---- */

#define RECON_BODY_LIMIT ((size_t)256 << 20) /* a distributor's month as one upload */

#define SCHEMA_RECON_UPLOAD \
    "{\"type\":\"object\",\"required\":[\"content\"],\"additionalProperties\":false," \
    "\"properties\":{\"content\":{\"type\":\"string\",\"description\":\"the CSV file's text\"}," \
    "\"file_name\":{\"type\":\"string\"}," \
    "\"period_start\":{\"type\":\"string\",\"format\":\"date\"}," \
    "\"period_end\":{\"type\":\"string\",\"format\":\"date\"}}}"

#define SCHEMA_RECON_IMPORT \
    "{\"type\":\"object\",\"required\":[\"id\",\"kind\",\"line_count\",\"counts\"]," \
    "\"properties\":{\"id\":{\"type\":\"string\"},\"kind\":{\"type\":\"string\"," \
    "\"enum\":[\"invoice\",\"usage\"]},\"line_count\":{\"type\":\"integer\"}," \
    "\"counts\":{\"type\":\"object\"},\"file_totals\":{\"type\":\"object\"}," \
    "\"duplicate\":{\"type\":\"boolean\"}}}"

#define SCHEMA_RECON_RESOLVE \
    "{\"type\":\"object\",\"required\":[\"action\"],\"additionalProperties\":false," \
    "\"properties\":{\"action\":{\"type\":\"string\",\"enum\":[\"accept\",\"explain\"," \
    "\"follow_up\"]},\"note\":{\"type\":\"string\"}}}"

#define SCHEMA_RECON_MAP \
    "{\"type\":\"object\",\"required\":[\"microsoft_subscription_id\",\"subscription_id\"]," \
    "\"additionalProperties\":false,\"properties\":{\"microsoft_subscription_id\":" \
    "{\"type\":\"string\"},\"subscription_id\":{\"type\":\"string\"}}}"

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
    {"GET", "/v1/clock", api_h_clock_get, API_ROLE_READ, 0, API_TENANCY_NONE, "getClock",
     "The server's business clock: the instant every operation uses as now", NULL,
     SCHEMA_CLOCK, NULL},
    {"POST", "/v1/clock", api_h_clock_set, API_ROLE_OPERATOR, 0, API_TENANCY_GLOBAL,
     "setClock", "Move a fixed or offset business clock to a new instant (demos, tests)",
     SCHEMA_CLOCK_SET, SCHEMA_CLOCK, NULL},
    /* ---- authentication, users, tokens, audit ---- */
    {"POST", "/v1/sessions", api_h_session_create, API_ROLE_PUBLIC, 4096, API_TENANCY_NONE,
     "createSession", "Sign in: e-mail, password and TOTP; sets the session cookie",
     SCHEMA_LOGIN, SCHEMA_SESSION, NULL},
    {"DELETE", "/v1/sessions/current", api_h_session_delete, API_ROLE_SELF, 0,
     API_TENANCY_NONE, "deleteSession", "Sign out: end the session of the cookie", NULL, NULL,
     NULL},
    {"GET", "/v1/me", api_h_me_get, API_ROLE_SELF, 0, API_TENANCY_NONE, "getMe",
     "The caller: user or token, scope and role", NULL, SCHEMA_ME, NULL},
    {"POST", "/v1/me/password", api_h_me_password, API_ROLE_SELF, 4096, API_TENANCY_NONE,
     "changePassword", "Change one's password; other sessions end", SCHEMA_PASSWORD, NULL,
     NULL},
    {"POST", "/v1/me/totp", api_h_me_totp_begin, API_ROLE_SELF, 0, API_TENANCY_NONE,
     "beginTotp", "Start TOTP enrolment: a new secret and its otpauth:// URI, shown once",
     SCHEMA_EMPTY, SCHEMA_TOTP_URI, NULL},
    {"POST", "/v1/me/totp/verify", api_h_me_totp_confirm, API_ROLE_SELF, 0, API_TENANCY_NONE,
     "verifyTotp", "Finish TOTP enrolment with a code from the new secret", SCHEMA_TOTP_CODE,
     NULL, NULL},
    {"GET", "/v1/users", api_h_users_list, API_ROLE_ADMIN, 0, API_TENANCY_SCOPED, "listUsers",
     "Users in the caller's scope", NULL, SCHEMA_USERS, NULL},
    {"POST", "/v1/users", api_h_users_create, API_ROLE_ADMIN, 0, API_TENANCY_SCOPED,
     "createUser", "Create a user; its generated password (and TOTP URI) are shown once",
     SCHEMA_USER_NEW, SCHEMA_USER_CREATED, NULL},
    {"GET", "/v1/users/{id}", api_h_user_get, API_ROLE_ADMIN, 0, API_TENANCY_SCOPED, "getUser",
     "One user", NULL, SCHEMA_USER, NULL},
    {"DELETE", "/v1/users/{id}", api_h_user_disable, API_ROLE_ADMIN, 0, API_TENANCY_SCOPED,
     "disableUser", "Disable a user and end its sessions", NULL, SCHEMA_USER, NULL},
    {"POST", "/v1/users/{id}/totp", api_h_user_totp_reset, API_ROLE_ADMIN, 0,
     API_TENANCY_SCOPED, "resetUserTotp",
     "Give a user a new TOTP secret (lost phone); the URI is shown once", SCHEMA_EMPTY,
     SCHEMA_TOTP_URI, NULL},
    {"GET", "/v1/tokens", api_h_tokens_list, API_ROLE_ADMIN, 0, API_TENANCY_SCOPED,
     "listTokens", "API tokens in the caller's scope (never their secrets)", NULL,
     SCHEMA_TOKENS, NULL},
    {"POST", "/v1/tokens", api_h_tokens_create, API_ROLE_ADMIN, 0, API_TENANCY_SCOPED,
     "createToken", "Create an API token for a partner and role; the secret is shown once",
     SCHEMA_TOKEN_NEW, SCHEMA_TOKEN_CREATED, NULL},
    {"DELETE", "/v1/tokens/{id}", api_h_token_revoke, API_ROLE_ADMIN, 0, API_TENANCY_SCOPED,
     "revokeToken", "Revoke an API token", NULL, SCHEMA_TOKEN, NULL},
    {"GET", "/v1/audit", api_h_audit_list, API_ROLE_STAFF, 0, API_TENANCY_SCOPED, "listAudit",
     "The audit log within the caller's scope, newest first (append-only)", NULL,
     SCHEMA_AUDIT, NULL},
    /* ---- reconciliation with Microsoft's invoice files (api/h_recon.c, docs/recon.md) ---- */
    {"POST", "/v1/recon/imports", api_h_recon_import, API_ROLE_ADMIN, RECON_BODY_LIMIT,
     API_TENANCY_GLOBAL, "importRecon",
     "Import Microsoft's invoice reconciliation or daily usage file and match it",
     SCHEMA_RECON_UPLOAD, SCHEMA_RECON_IMPORT, NULL},
    {"GET", "/v1/recon/imports", api_h_recon_imports, API_ROLE_ADMIN, 0, API_TENANCY_GLOBAL,
     "listRecon", "Reconciliation imports, newest first", NULL, NULL, NULL},
    {"GET", "/v1/recon/imports/{id}", api_h_recon_import_get, API_ROLE_ADMIN, 0,
     API_TENANCY_GLOBAL, "getRecon",
     "An import's summary with totals per invoice, reseller and customer", NULL,
     SCHEMA_RECON_IMPORT, NULL},
    {"GET", "/v1/recon/imports/{id}/lines", api_h_recon_lines, API_ROLE_ADMIN, 0,
     API_TENANCY_GLOBAL, "listReconLines",
     "An import's lines (?status=matched|amount_differs|only_microsoft|only_cspd|usage|"
     "differences, ?limit, ?offset)", NULL, NULL, NULL},
    {"GET", "/v1/recon/imports/{id}/differences.csv", api_h_recon_export, API_ROLE_ADMIN, 0,
     API_TENANCY_GLOBAL, "exportReconDifferences", "An import's differences as CSV", NULL,
     NULL, "text/csv"},
    {"POST", "/v1/recon/imports/{id}/lines/{seq}/resolution", api_h_recon_resolve,
     API_ROLE_ADMIN, 0, API_TENANCY_GLOBAL, "resolveReconLine",
     "Accept Microsoft's line, explain it or flag it for follow-up (audited)",
     SCHEMA_RECON_RESOLVE, NULL, NULL},
    {"POST", "/v1/recon/subscription-map", api_h_recon_map, API_ROLE_ADMIN, 0,
     API_TENANCY_GLOBAL, "mapReconSubscription",
     "Map Microsoft's SubscriptionId to a cspd subscription", SCHEMA_RECON_MAP, NULL, NULL},
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
    case API_ROLE_SELF: return "self";
    case API_ROLE_READ: return "read";
    case API_ROLE_STAFF: return "staff";
    case API_ROLE_WRITE: return "write";
    case API_ROLE_SALES: return "sales";
    case API_ROLE_BILLING: return "billing";
    case API_ROLE_ADMIN: return "admin";
    case API_ROLE_OPERATOR: return "operator";
    }
    return "operator";
}

bool api_role_allows(enum api_role r, enum scope_kind kind, enum user_role role)
{
    bool staff = kind == SCOPE_INSTALLATION || kind == SCOPE_PARTNER;
    bool top;

    if (role == ROLE_OPERATOR)
        role = kind == SCOPE_INSTALLATION ? ROLE_OWNER : ROLE_READ_ONLY;
    if (kind == SCOPE_CUSTOMER)
        role = ROLE_PORTAL;
    else if (role == ROLE_PORTAL)
        role = ROLE_READ_ONLY; /* a staff scope never carries the portal role */
    top = role == ROLE_OWNER || role == ROLE_ADMIN;
    switch (r) {
    case API_ROLE_PUBLIC:
    case API_ROLE_SELF:
    case API_ROLE_READ: return true;
    case API_ROLE_STAFF: return staff;
    case API_ROLE_WRITE: return staff && (top || role == ROLE_BILLING || role == ROLE_SALES);
    case API_ROLE_SALES: return staff && (top || role == ROLE_SALES);
    case API_ROLE_BILLING: return staff && (top || role == ROLE_BILLING);
    case API_ROLE_ADMIN: return staff && top;
    case API_ROLE_OPERATOR: return kind == SCOPE_INSTALLATION && top;
    }
    return false;
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
