/*
 * tests/unit/test_auth_matrix.c — THE endpoint × role × tenant matrix.
 *
 * This file holds its own classification of every route of api_routes(): the role class it
 * must carry (router.h), what its path parameter names, the body a write is sent with, and
 * the status an admitted caller gets. From that it derives the expected status for every
 * caller — no credentials; owner, admin, billing, sales and read_only of a partner; a portal
 * user of that partner's customer; each of them from the object's own tenant (A) and from
 * another one (B); the installation's owner and read_only staff — and checks it against a
 * real server on a loopback port with real sessions (cookies, CSRF tokens).
 *
 * It fails when a route is added to routes.c without a row here (test_table_covers_routes),
 * when a row's class differs from the route's, and when the server answers anything but the
 * derived status. Expected answers: no credentials 401; a caller the class does not admit
 * 403 if it can see the object (or the route names none), else 404; an admitted caller 404
 * for an object outside its scope, else the row's `ok`.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/router.h"
#include "api/server.h"
#include "core/clock.h"
#include "core/log.h"
#include "store/db.h"
#include "store/repo_user.h"
#include "svc/auth.h"

/* What a route's first path parameter names; the fixture supplies tenant A's object. */
enum param { P_NONE, P_PARTNER, P_CUSTOMER, P_USER, P_TOKEN, P_OPAQUE };

struct row {
    const char *method, *pattern;
    enum api_role cls;
    enum param param;
    const char *body;  /* sent with POST/PUT/PATCH: valid where the handler would otherwise
                          refuse the body before it looks the object up */
    int ok;            /* status for an admitted caller that sees the object */
};

/* Every route, classified. A new route fails test_table_covers_routes until it is here. */
static const struct row table[] = {
    {"GET", "/healthz", API_ROLE_PUBLIC, P_NONE, NULL, 200},
    {"GET", "/readyz", API_ROLE_PUBLIC, P_NONE, NULL, 200},
    {"GET", "/metrics", API_ROLE_PUBLIC, P_NONE, NULL, 200},
    {"GET", "/v1/openapi.json", API_ROLE_PUBLIC, P_NONE, NULL, 200},
    {"GET", "/v1/clock", API_ROLE_READ, P_NONE, NULL, 200},
    {"POST", "/v1/clock", API_ROLE_OPERATOR, P_NONE, "{}", 422},
    /* authentication, users, tokens, audit */
    {"POST", "/v1/sessions", API_ROLE_PUBLIC, P_NONE, "{}", 422},
    {"DELETE", "/v1/sessions/current", API_ROLE_SELF, P_NONE, NULL, 200},
    {"GET", "/v1/me", API_ROLE_SELF, P_NONE, NULL, 200},
    {"POST", "/v1/me/password", API_ROLE_SELF, P_NONE, "{}", 422},
    {"POST", "/v1/me/totp", API_ROLE_SELF, P_NONE, "{}", 200},
    {"POST", "/v1/me/totp/verify", API_ROLE_SELF, P_NONE, "{}", 422},
    {"GET", "/v1/users", API_ROLE_ADMIN, P_NONE, NULL, 200},
    {"POST", "/v1/users", API_ROLE_ADMIN, P_NONE, "{}", 422},
    {"GET", "/v1/users/{id}", API_ROLE_ADMIN, P_USER, NULL, 200},
    {"DELETE", "/v1/users/{id}", API_ROLE_ADMIN, P_USER, NULL, 200},
    {"POST", "/v1/users/{id}/totp", API_ROLE_ADMIN, P_USER, "{}", 200},
    {"GET", "/v1/tokens", API_ROLE_ADMIN, P_NONE, NULL, 200},
    {"POST", "/v1/tokens", API_ROLE_ADMIN, P_NONE, "{}", 422},
    {"DELETE", "/v1/tokens/{id}", API_ROLE_ADMIN, P_TOKEN, NULL, 200},
    {"GET", "/v1/audit", API_ROLE_STAFF, P_NONE, NULL, 200},
    /* reconciliation: installation-wide, the installation's owner and admin only */
    {"POST", "/v1/recon/imports", API_ROLE_OPERATOR, P_NONE, "{}", 422},
    {"GET", "/v1/recon/imports", API_ROLE_OPERATOR, P_NONE, NULL, 200},
    {"GET", "/v1/recon/imports/{id}", API_ROLE_OPERATOR, P_OPAQUE, NULL, 404},
    {"GET", "/v1/recon/imports/{id}/lines", API_ROLE_OPERATOR, P_OPAQUE, NULL, 404},
    {"GET", "/v1/recon/imports/{id}/differences.csv", API_ROLE_OPERATOR, P_OPAQUE, NULL, 404},
    {"GET", "/v1/recon/imports/{id}/differences.xlsx", API_ROLE_OPERATOR, P_OPAQUE, NULL, 404},
    {"POST", "/v1/recon/imports/{id}/lines/{seq}/resolution", API_ROLE_OPERATOR, P_OPAQUE,
     "{}", 404},
    {"POST", "/v1/recon/subscription-map", API_ROLE_OPERATOR, P_NONE, "{}", 422},
    /* parties (api/h_party_*.c) */
    {"POST", "/v1/partners", API_ROLE_OPERATOR, P_NONE, "{}", 422},
    {"GET", "/v1/partners", API_ROLE_STAFF, P_NONE, NULL, 200},
    {"GET", "/v1/partners/{id}", API_ROLE_STAFF, P_PARTNER, NULL, 200},
    {"PATCH", "/v1/partners/{id}", API_ROLE_ADMIN, P_PARTNER, "{}", 200},
    {"POST", "/v1/partners/{id}/mpa", API_ROLE_ADMIN, P_PARTNER,
     "{\"accepted_on\":\"2026-01-01\",\"accepted_by\":\"Jane Admin\"}", 200},
    {"GET", "/v1/partners/{id}/compliance", API_ROLE_STAFF, P_PARTNER, NULL, 200},
    {"POST", "/v1/relationships", API_ROLE_ADMIN, P_NONE, "{}", 422},
    {"GET", "/v1/relationships", API_ROLE_STAFF, P_NONE, NULL, 200},
    {"POST", "/v1/relationships/{id}/end", API_ROLE_ADMIN, P_OPAQUE, "{}", 404},
    {"POST", "/v1/customers", API_ROLE_SALES, P_NONE, "{}", 422},
    {"GET", "/v1/customers", API_ROLE_READ, P_NONE, NULL, 200},
    {"GET", "/v1/customers/{id}", API_ROLE_READ, P_CUSTOMER, NULL, 200},
    {"PATCH", "/v1/customers/{id}", API_ROLE_WRITE, P_CUSTOMER, "{}", 200},
    {"POST", "/v1/customers/{id}/mca", API_ROLE_SALES, P_CUSTOMER,
     "{\"status\":\"accepted\",\"accepted_on\":\"2026-01-01\"}", 200},
    /* catalog and price lists (api/h_catalog*.c): Microsoft's catalog, the same for all */
    {"POST", "/v1/pricelists", API_ROLE_OPERATOR, P_NONE, "{}", 422},
    {"GET", "/v1/pricelists/changes", API_ROLE_STAFF, P_NONE, NULL, 422},
    {"GET", "/v1/catalog/products", API_ROLE_STAFF, P_NONE, NULL, 200},
    {"GET", "/v1/catalog/skus/{id}/prices", API_ROLE_STAFF, P_OPAQUE, NULL, 404},
    {"GET", "/v1/catalog/skus/{id}/price", API_ROLE_STAFF, P_OPAQUE, NULL, 404},
    {"GET", "/v1/catalog/upgrade-paths", API_ROLE_STAFF, P_NONE, NULL, 200},
    {"PUT", "/v1/catalog/upgrade-paths/{id}", API_ROLE_OPERATOR, P_OPAQUE, "{}", 404},
    {"DELETE", "/v1/catalog/upgrade-paths/{id}", API_ROLE_OPERATOR, P_OPAQUE, NULL, 404},
    {"GET", "/v1/catalog/prerequisites", API_ROLE_STAFF, P_NONE, NULL, 200},
    {"PUT", "/v1/catalog/prerequisites/{id}", API_ROLE_OPERATOR, P_OPAQUE, "{}", 404},
    {"DELETE", "/v1/catalog/prerequisites/{id}", API_ROLE_OPERATOR, P_OPAQUE, NULL, 404},
    {"GET", "/v1/catalog/est-rules", API_ROLE_STAFF, P_NONE, NULL, 200},
    {"PUT", "/v1/catalog/est-rules/{id}", API_ROLE_OPERATOR, P_OPAQUE, "{}", 404},
    {"DELETE", "/v1/catalog/est-rules/{id}", API_ROLE_OPERATOR, P_OPAQUE, NULL, 404},
    {"GET", "/v1/catalog/seat-limits", API_ROLE_STAFF, P_NONE, NULL, 200},
    {"PUT", "/v1/catalog/seat-limits/{id}", API_ROLE_OPERATOR, P_OPAQUE, "{}", 404},
    {"DELETE", "/v1/catalog/seat-limits/{id}", API_ROLE_OPERATOR, P_OPAQUE, NULL, 404},
    {"GET", "/v1/currencies", API_ROLE_READ, P_NONE, NULL, 200},
    {"GET", "/v1/exchange-rates", API_ROLE_STAFF, P_NONE, NULL, 200},
    {"POST", "/v1/exchange-rates", API_ROLE_OPERATOR, P_NONE, "{}", 422},
    /* billing (api/h_invoice.c, h_margin.c, h_report.c; docs/billing.md) */
    {"GET", "/v1/invoices", API_ROLE_READ, P_NONE, NULL, 200},
    {"POST", "/v1/invoices/close", API_ROLE_BILLING, P_NONE, "{}", 422},
    {"GET", "/v1/invoices/export", API_ROLE_STAFF, P_NONE, NULL, 422},
    {"GET", "/v1/invoices/{id}", API_ROLE_READ, P_OPAQUE, NULL, 404},
    {"POST", "/v1/invoices/{id}/pay", API_ROLE_BILLING, P_OPAQUE, "{}", 404},
    {"POST", "/v1/invoices/{id}/void", API_ROLE_BILLING, P_OPAQUE, "{}", 404},
    {"POST", "/v1/invoices/{id}/credit", API_ROLE_BILLING, P_OPAQUE, "{}", 404},
    {"GET", "/v1/partners/{id}/billing-settings", API_ROLE_STAFF, P_PARTNER, NULL, 200},
    {"PATCH", "/v1/partners/{id}/billing-settings", API_ROLE_BILLING, P_PARTNER, "{}", 200},
    {"GET", "/v1/margin-rules", API_ROLE_STAFF, P_NONE, NULL, 200},
    {"POST", "/v1/margin-rules", API_ROLE_BILLING, P_NONE, "{}", 422},
    {"GET", "/v1/margin-rules/{id}", API_ROLE_STAFF, P_OPAQUE, NULL, 404},
    {"PATCH", "/v1/margin-rules/{id}", API_ROLE_BILLING, P_OPAQUE, "{}", 404},
    {"DELETE", "/v1/margin-rules/{id}", API_ROLE_BILLING, P_OPAQUE, NULL, 404},
    {"GET", "/v1/reports/margins", API_ROLE_STAFF, P_NONE, NULL, 422},
    {"GET", "/v1/reports/ttm-revenue", API_ROLE_STAFF, P_NONE, NULL, 200},
    /* subscriptions (api/h_sub*.c): the customer's scope; unknown subscriptions are 404 */
    {"POST", "/v1/customers/{id}/orders", API_ROLE_SALES, P_CUSTOMER, "{}", 422},
    {"GET", "/v1/customers/{id}/subscriptions", API_ROLE_READ, P_CUSTOMER, NULL, 200},
    {"GET", "/v1/subscriptions/{id}", API_ROLE_READ, P_OPAQUE, NULL, 404},
    {"PATCH", "/v1/subscriptions/{id}", API_ROLE_SALES, P_OPAQUE, "{}", 404},
    {"POST", "/v1/subscriptions/{id}/upgrade", API_ROLE_SALES, P_OPAQUE, "{}", 404},
    {"POST", "/v1/subscriptions/{id}/cancel", API_ROLE_SALES, P_OPAQUE, "{}", 404},
    {"POST", "/v1/subscriptions/{id}/suspend", API_ROLE_SALES, P_OPAQUE, "{}", 404},
    {"POST", "/v1/subscriptions/{id}/reactivate", API_ROLE_SALES, P_OPAQUE, "{}", 404},
    {"PUT", "/v1/subscriptions/{id}/term-end", API_ROLE_SALES, P_OPAQUE, "{}", 404},
    {"GET", "/v1/subscriptions/{id}/events", API_ROLE_STAFF, P_OPAQUE, NULL, 404},
    {"GET", "/v1/subscriptions/{id}/charges", API_ROLE_STAFF, P_OPAQUE, NULL, 404},
};

#define NROWS (sizeof(table) / sizeof(table[0]))

/* ---- the role classes, written out independently of routes.c ---- */

enum who { W_ANON, W_OWNER, W_ADMIN, W_BILLING, W_SALES, W_READ_ONLY, W_PORTAL, W_INST_OWNER,
           W_INST_READ_ONLY };

static bool admits(enum api_role cls, enum who w)
{
    bool inst = w == W_INST_OWNER || w == W_INST_READ_ONLY;
    bool top = w == W_OWNER || w == W_ADMIN || w == W_INST_OWNER;

    switch (cls) {
    case API_ROLE_PUBLIC: return true;
    case API_ROLE_SELF:
    case API_ROLE_READ: return w != W_ANON;
    case API_ROLE_STAFF: return w != W_ANON && w != W_PORTAL;
    case API_ROLE_WRITE: return top || w == W_BILLING || w == W_SALES;
    case API_ROLE_SALES: return top || w == W_SALES;
    case API_ROLE_BILLING: return top || w == W_BILLING;
    case API_ROLE_ADMIN: return top;
    case API_ROLE_OPERATOR: return inst && top;
    }
    return false;
}

/* ---- fixture: two tenants, users of every role, a server ---- */

#define PRT_A "prt_aaaaaaaaaaaaaaaaaaaaaaaaaa"
#define PRT_B "prt_bbbbbbbbbbbbbbbbbbbbbbbbbb"
#define CUS_A "cus_aaaaaaaaaaaaaaaaaaaaaaaaaa"
#define CUS_B "cus_bbbbbbbbbbbbbbbbbbbbbbbbbb"

struct caller {
    const char *name;
    enum who who;
    char tenant;               /* 'A', 'B', or 'I' (installation), 0 anonymous */
    char user_id[ID_MAXLEN];
    char token[AUTH_SECRET_MAX], csrf[AUTH_SECRET_MAX];
};

static struct db *db;
static struct api_server *server;
static unsigned port;
static char victim_user[ID_MAXLEN], victim_token[ID_MAXLEN];

static struct caller callers[] = {
    {"anonymous", W_ANON, 0, "", "", ""},
    {"A owner", W_OWNER, 'A', "", "", ""},       {"A admin", W_ADMIN, 'A', "", "", ""},
    {"A billing", W_BILLING, 'A', "", "", ""},   {"A sales", W_SALES, 'A', "", "", ""},
    {"A read_only", W_READ_ONLY, 'A', "", "", ""}, {"A portal", W_PORTAL, 'A', "", "", ""},
    {"B owner", W_OWNER, 'B', "", "", ""},       {"B admin", W_ADMIN, 'B', "", "", ""},
    {"B billing", W_BILLING, 'B', "", "", ""},   {"B sales", W_SALES, 'B', "", "", ""},
    {"B read_only", W_READ_ONLY, 'B', "", "", ""}, {"B portal", W_PORTAL, 'B', "", "", ""},
    {"installation owner", W_INST_OWNER, 'I', "", "", ""},
    {"installation read_only", W_INST_READ_ONLY, 'I', "", "", ""},
};

#define NCALLERS (sizeof(callers) / sizeof(callers[0]))

static void exec_ok(const char *sql)
{
    struct err err;

    err_clear(&err);
    if (db_exec(db, sql, &err) != 0)
        fail_msg("%s: %s", sql, err.msg);
}

static enum user_role role_of(enum who w)
{
    switch (w) {
    case W_OWNER:
    case W_INST_OWNER: return ROLE_OWNER;
    case W_ADMIN: return ROLE_ADMIN;
    case W_BILLING: return ROLE_BILLING;
    case W_SALES: return ROLE_SALES;
    case W_PORTAL: return ROLE_PORTAL;
    default: return ROLE_READ_ONLY;
    }
}

static void add_user(char tenant, enum user_role role, const char *email, char id[ID_MAXLEN])
{
    struct user u;
    struct err err;

    memset(&u, 0, sizeof(u));
    err_clear(&err);
    assert_int_equal(id_new("usr", u.id, &err), 0);
    snprintf(u.email, sizeof(u.email), "%s", email);
    u.role = role;
    u.totp_last_step = -1;
    u.mfa_enabled = true; /* sessions below are minted as MFA-verified */
    u.created_at = 1;
    if (tenant != 'I') {
        if (role == ROLE_PORTAL)
            snprintf(u.customer_id, sizeof(u.customer_id), "%s", tenant == 'A' ? CUS_A : CUS_B);
        else
            snprintf(u.partner_id, sizeof(u.partner_id), "%s", tenant == 'A' ? PRT_A : PRT_B);
    }
    if (repo_user_insert(db, &u, &err) != 0)
        fail_msg("user: %s", err.msg);
    snprintf(id, ID_MAXLEN, "%s", u.id);
}

static instant_t real_now(void)
{
    struct clock c;

    clock_init_real(&c);
    return clock_now(&c);
}

/* A live session for c (as if it had signed in with MFA a moment ago). */
static void mint_session(struct caller *c)
{
    struct session_row s;
    char hash[USER_HASH_HEX];
    struct err err;

    memset(&s, 0, sizeof(s));
    err_clear(&err);
    assert_int_equal(id_new("ses", s.id, &err), 0);
    snprintf(s.user_id, sizeof(s.user_id), "%s", c->user_id);
    auth_secret_new("", c->token);
    auth_secret_new("", c->csrf);
    auth_secret_hash(c->token, hash);
    auth_secret_hash(c->csrf, s.csrf_hash);
    s.mfa_verified = true;
    s.created_at = s.last_seen_at = real_now();
    s.expires_at = s.created_at + AUTH_SESSION_TTL;
    if (repo_session_insert(db, &s, hash, &err) != 0)
        fail_msg("session: %s", err.msg);
}

static int setup(void **state)
{
    struct api_config cfg;
    struct token_row t;
    char hash[USER_HASH_HEX], secret[AUTH_SECRET_MAX], email[64];
    struct err err;

    (void)state;
    err_clear(&err);
    log_set_level(LOG_ERROR);
    assert_int_equal(id_init(&err), 0);
    assert_int_equal(db_open(":memory:", &db, &err), 0);
    assert_int_equal(db_migrate(db, &err), 0);
    exec_ok("INSERT INTO partners (id, kind, name, country, region, currency, created_at)"
            " VALUES ('" PRT_A "', 'direct', 'A', 'DE', 'europe', 'EUR', 1),"
            " ('" PRT_B "', 'direct', 'B', 'DE', 'europe', 'EUR', 1)");
    exec_ok("INSERT INTO customers (id, owner_partner_id, name, country, market,"
            " billing_currency, created_at) VALUES"
            " ('" CUS_A "', '" PRT_A "', 'Customer of A', 'DE', 'DE', 'EUR', 1),"
            " ('" CUS_B "', '" PRT_B "', 'Customer of B', 'DE', 'EUR', 'EUR', 1)");
    for (size_t i = 0; i < NCALLERS; i++) {
        struct caller *c = &callers[i];

        if (!c->tenant)
            continue;
        snprintf(email, sizeof(email), "caller%zu@example.com", i);
        add_user(c->tenant, role_of(c->who), email, c->user_id);
        mint_session(c);
    }
    add_user('A', ROLE_SALES, "victim@a.example", victim_user);
    memset(&t, 0, sizeof(t));
    assert_int_equal(id_new("tok", t.id, &err), 0);
    snprintf(t.partner_id, sizeof(t.partner_id), PRT_A);
    t.role = ROLE_READ_ONLY;
    t.created_at = 1;
    auth_secret_new("cspd_", secret);
    auth_secret_hash(secret, hash);
    assert_int_equal(repo_token_insert(db, &t, hash, &err), 0);
    snprintf(victim_token, sizeof(victim_token), "%s", t.id);

    memset(&cfg, 0, sizeof(cfg));
    cfg.addr = "127.0.0.1";
    cfg.db = db;
    cfg.threads = 2;
    clock_init_fixed(&cfg.clock, 1800000000);
    if (api_server_start(&cfg, &server, &err) != 0)
        fail_msg("server: %s", err.msg);
    port = api_server_port(server);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    api_server_stop(server);
    db_close(db);
    curl_global_cleanup();
    return 0;
}

/* The start of the last response body, for failure messages. */
static char last_body[240];
static size_t last_len;

static size_t keep(char *p, size_t size, size_t n, void *arg)
{
    size_t len = size * n, room = sizeof(last_body) - 1 - last_len;

    (void)arg;
    if (len < room)
        room = len;
    memcpy(last_body + last_len, p, room);
    last_len += room;
    last_body[last_len] = '\0';
    return len;
}

static long http(const char *method, const char *path, const char *body, const struct caller *c)
{
    struct curl_slist *h = NULL;
    char url[640], buf[160];
    long status = 0;
    CURL *k = curl_easy_init();

    assert_non_null(k);
    snprintf(url, sizeof(url), "http://127.0.0.1:%u%s", port, path);
    curl_easy_setopt(k, CURLOPT_URL, url);
    curl_easy_setopt(k, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(k, CURLOPT_WRITEFUNCTION, keep);
    last_len = 0;
    last_body[0] = '\0';
    curl_easy_setopt(k, CURLOPT_TIMEOUT, 20L);
    if (body) {
        curl_easy_setopt(k, CURLOPT_POSTFIELDS, body);
        h = curl_slist_append(h, "Content-Type: application/json");
    }
    if (c && c->tenant) {
        snprintf(buf, sizeof(buf), "cspd_session=%s", c->token);
        curl_easy_setopt(k, CURLOPT_COOKIE, buf);
        snprintf(buf, sizeof(buf), "X-CSRF-Token: %s", c->csrf);
        h = curl_slist_append(h, buf);
    }
    curl_easy_setopt(k, CURLOPT_HTTPHEADER, h);
    if (curl_easy_perform(k) == CURLE_OK)
        curl_easy_getinfo(k, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(h);
    curl_easy_cleanup(k);
    return status;
}

/* ---- expectations ---- */

static const char *object_of(enum param p)
{
    switch (p) {
    case P_PARTNER: return PRT_A;
    case P_CUSTOMER: return CUS_A;
    case P_USER: return victim_user;
    case P_TOKEN: return victim_token;
    case P_OPAQUE: return "rel_zzzzzzzzzzzzzzzzzzzzzzzzzz"; /* well-formed, exists nowhere */
    case P_NONE: break;
    }
    return NULL;
}

/* Does caller c see tenant A's object of kind p? */
static bool sees(const struct caller *c, enum param p)
{
    if (p == P_NONE || c->tenant == 'I')
        return p != P_OPAQUE;
    if (p == P_OPAQUE || c->tenant != 'A')
        return false;
    if (c->who == W_PORTAL)
        return p == P_CUSTOMER; /* its own customer; not the partner, staff or tokens */
    return true;
}

static int expected(const struct row *r, const struct caller *c)
{
    if (r->cls == API_ROLE_PUBLIC)
        return r->ok;
    if (!c->tenant)
        return 401;
    if (!admits(r->cls, c->who))
        return sees(c, r->param) ? 403 : (r->param == P_NONE ? 403 : 404);
    if (r->param != P_NONE && !sees(c, r->param))
        return 404;
    return r->ok;
}

/* The concrete path: "{…}" segments replaced by the fixture's object. */
static void fill(const struct row *r, char *out, size_t size)
{
    const char *p = r->pattern, *obj = object_of(r->param);
    size_t o = 0;

    while (*p && o + 1 < size) {
        if (*p == '{') {
            const char *end = strchr(p, '}');
            int n = snprintf(out + o, size - o, "%s", obj ? obj : "x");

            o += n > 0 ? (size_t)n : 0;
            p = end ? end + 1 : p + strlen(p);
            continue;
        }
        out[o++] = *p++;
    }
    out[o < size ? o : size - 1] = '\0';
}

/* ---- tests ---- */

static const struct row *row_for(const struct api_route *r)
{
    for (size_t i = 0; i < NROWS; i++)
        if (strcmp(table[i].method, r->method) == 0 && strcmp(table[i].pattern, r->pattern) == 0)
            return &table[i];
    return NULL;
}

static void test_table_covers_routes(void **state)
{
    size_t n = 0, missing = 0;

    (void)state;
    for (const struct api_route *r = api_routes(); r->method; r++, n++) {
        const struct row *t = row_for(r);

        if (!t) {
            print_error("route %s %s is not classified in tests/unit/test_auth_matrix.c\n",
                        r->method, r->pattern);
            missing++;
            continue;
        }
        if (t->cls != r->role) {
            print_error("route %s %s has class %s in routes.c, %s here\n", r->method,
                        r->pattern, api_role_name(r->role), api_role_name(t->cls));
            missing++;
        }
        if ((strchr(r->pattern, '{') != NULL) != (t->param != P_NONE)) {
            print_error("route %s %s: the row's parameter kind does not fit the pattern\n",
                        r->method, r->pattern);
            missing++;
        }
    }
    assert_int_equal(missing, 0);
    assert_int_equal(n, NROWS); /* and no row for a route that is gone */
}

static void test_read_only_never_writes(void **state)
{
    (void)state;
    for (const struct api_route *r = api_routes(); r->method; r++) {
        bool write = strcmp(r->method, "GET") != 0;

        if (!write || r->role == API_ROLE_PUBLIC || r->role == API_ROLE_SELF)
            continue;
        if (api_role_allows(r->role, SCOPE_PARTNER, ROLE_READ_ONLY) ||
            api_role_allows(r->role, SCOPE_INSTALLATION, ROLE_READ_ONLY) ||
            api_role_allows(r->role, SCOPE_CUSTOMER, ROLE_PORTAL))
            fail_msg("%s %s lets read-only or portal callers write", r->method, r->pattern);
    }
}

static void test_global_is_operator(void **state)
{
    (void)state;
    for (const struct api_route *r = api_routes(); r->method; r++)
        if (r->tenancy == API_TENANCY_GLOBAL && r->role != API_ROLE_OPERATOR)
            fail_msg("%s %s touches installation-wide state but is class %s, not operator",
                     r->method, r->pattern, api_role_name(r->role));
}

static void test_classes_match_router(void **state)
{
    static const struct {
        enum who w;
        enum scope_kind k;
    } map[] = {
        {W_OWNER, SCOPE_PARTNER},      {W_ADMIN, SCOPE_PARTNER},
        {W_BILLING, SCOPE_PARTNER},    {W_SALES, SCOPE_PARTNER},
        {W_READ_ONLY, SCOPE_PARTNER},  {W_PORTAL, SCOPE_CUSTOMER},
        {W_INST_OWNER, SCOPE_INSTALLATION}, {W_INST_READ_ONLY, SCOPE_INSTALLATION},
    };

    (void)state;
    for (int cls = API_ROLE_PUBLIC; cls <= API_ROLE_OPERATOR; cls++)
        for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
            if (api_role_allows((enum api_role)cls, map[i].k, role_of(map[i].w)) !=
                admits((enum api_role)cls, map[i].w))
                fail_msg("class %s, caller kind %d role %d disagree",
                         api_role_name((enum api_role)cls), map[i].k, role_of(map[i].w));
    /* The CLI's operator role counts as an installation owner. */
    assert_true(api_role_allows(API_ROLE_OPERATOR, SCOPE_INSTALLATION, ROLE_OPERATOR));
}

static void test_matrix(void **state)
{
    char path[512];
    size_t failures = 0, checks = 0;

    (void)state;
    for (const struct api_route *r = api_routes(); r->method; r++) {
        const struct row *t = row_for(r);

        if (!t)
            continue; /* reported by test_table_covers_routes */
        fill(t, path, sizeof(path));
        for (size_t i = 0; i < NCALLERS; i++) {
            struct caller *c = &callers[i];
            bool body = strcmp(t->method, "GET") != 0 && strcmp(t->method, "DELETE") != 0;
            int want = expected(t, c);
            long got;

            if (strcmp(t->pattern, "/v1/sessions/current") == 0 && c->tenant)
                mint_session(c); /* signing out ends the caller's session: give it a new one */
            got = http(t->method, path, body ? (t->body ? t->body : "{}") : NULL, c);
            checks++;
            if (got != want) {
                print_error("%-6s %-40s %-24s expected %d, got %ld: %.160s\n", t->method,
                            t->pattern, c->name, want, got, last_body);
                failures++;
            }
            if (strcmp(t->pattern, "/v1/sessions/current") == 0 && c->tenant)
                mint_session(c);
        }
    }
    print_message("%zu route x caller checks\n", checks);
    assert_int_equal(failures, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_covers_routes),
        cmocka_unit_test(test_read_only_never_writes),
        cmocka_unit_test(test_global_is_operator),
        cmocka_unit_test(test_classes_match_router),
        cmocka_unit_test(test_matrix),
    };

    return cmocka_run_group_tests_name("auth_matrix", tests, setup, teardown);
}
