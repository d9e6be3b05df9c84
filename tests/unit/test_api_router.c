/*
 * tests/unit/test_api_router.c — api/: route matching, the route table's own consistency,
 * the OpenAPI document built from it, JSON body parsing, listen addresses and metrics text.
 *
 * Matching is tested on a private table (so the cases do not move when real routes are
 * added); the consistency checks walk the real table, so a new row with a typo in its schema,
 * a duplicate method+pattern, or a missing summary fails here before it reaches a client.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "api/metrics.h"
#include "api/router.h"
#include "api/server.h"
#include "core/log.h"

static void h_dummy(struct api_req *req, struct api_resp *resp)
{
    (void)req;
    api_json_reply(resp, 200, json_object());
}

/* Rows end at response_type; csv_upload defaults to false (as in api/routes.c). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
static const struct api_route table[] = {
    {"GET", "/v1/customers", h_dummy, API_ROLE_SALES, 0, API_TENANCY_SCOPED, "listCustomers",
     "list", NULL, NULL, NULL},
    {"POST", "/v1/customers", h_dummy, API_ROLE_SALES, 0, API_TENANCY_SCOPED,
     "createCustomer", "create", "{\"type\":\"object\"}", NULL, NULL},
    {"GET", "/v1/customers/{id}", h_dummy, API_ROLE_READ, 0, API_TENANCY_SCOPED,
     "getCustomer", "get", NULL, NULL, NULL},
    {"GET", "/v1/customers/{id}/subscriptions/{sub}", h_dummy, API_ROLE_READ, 0,
     API_TENANCY_SCOPED, "getSubscription", "get sub", NULL, NULL, NULL},
    {"DELETE", "/v1/customers/{id}", h_dummy, API_ROLE_ADMIN, 0, API_TENANCY_SCOPED,
     "deleteCustomer", "delete", NULL, NULL, NULL},
    {NULL, NULL, NULL, API_ROLE_PUBLIC, 0, API_TENANCY_NONE, NULL, NULL, NULL, NULL, NULL},
};
#pragma GCC diagnostic pop

static enum api_match match(const char *method, const char *path, struct api_req *req,
                            char *allow)
{
    const struct api_route *label;

    memset(req, 0, sizeof(*req));
    return api_route_match(table, method, path, req, &label, allow, 64);
}

static void test_literal_routes(void **state)
{
    struct api_req req;
    char allow[64];

    (void)state;
    assert_int_equal(match("GET", "/v1/customers", &req, allow), API_MATCH_OK);
    assert_string_equal(req.route->operation_id, "listCustomers");
    assert_int_equal(req.nparams, 0);
    assert_int_equal(match("POST", "/v1/customers", &req, allow), API_MATCH_OK);
    assert_string_equal(req.route->operation_id, "createCustomer");
}

static void test_params_extracted(void **state)
{
    struct api_req req;
    char allow[64];

    (void)state;
    assert_int_equal(match("GET", "/v1/customers/cus_42/subscriptions/sub_7", &req, allow),
                     API_MATCH_OK);
    assert_string_equal(req.route->operation_id, "getSubscription");
    assert_int_equal(req.nparams, 2);
    assert_string_equal(api_req_param(&req, "id"), "cus_42");
    assert_string_equal(api_req_param(&req, "sub"), "sub_7");
    assert_null(api_req_param(&req, "nope"));
}

static void test_no_route(void **state)
{
    struct api_req req;
    char allow[64];

    (void)state;
    assert_int_equal(match("GET", "/v1/customer", &req, allow), API_MATCH_NO_ROUTE);
    assert_int_equal(match("GET", "/v1/customers/", &req, allow), API_MATCH_NO_ROUTE);
    assert_int_equal(match("GET", "/v1/customers//subscriptions/x", &req, allow),
                     API_MATCH_NO_ROUTE);
    assert_int_equal(match("GET", "/v1/customers/a/b", &req, allow), API_MATCH_NO_ROUTE);
    assert_int_equal(match("GET", "", &req, allow), API_MATCH_NO_ROUTE);
    assert_int_equal(match("GET", "/", &req, allow), API_MATCH_NO_ROUTE);
}

static void test_wrong_method_lists_allow(void **state)
{
    struct api_req req;
    char allow[64];

    (void)state;
    assert_int_equal(match("PUT", "/v1/customers/cus_1", &req, allow), API_MATCH_NO_METHOD);
    assert_string_equal(allow, "GET, HEAD, DELETE");
    assert_int_equal(match("DELETE", "/v1/customers", &req, allow), API_MATCH_NO_METHOD);
    assert_string_equal(allow, "GET, HEAD, POST");
}

static void test_head_uses_get(void **state)
{
    struct api_req req;
    char allow[64];

    (void)state;
    assert_int_equal(match("HEAD", "/v1/customers/x", &req, allow), API_MATCH_OK);
    assert_string_equal(req.route->method, "GET");
}

static void test_param_too_long_does_not_match(void **state)
{
    struct api_req req;
    char allow[64], path[2048];

    (void)state;
    strcpy(path, "/v1/customers/");
    memset(path + strlen(path), 'x', 1000);
    path[14 + 1000] = '\0';
    assert_int_equal(match("GET", path, &req, allow), API_MATCH_NO_ROUTE);
}

/* The real table: unique (method, pattern), complete rows, schemas that parse. */
static void test_real_table_consistent(void **state)
{
    const struct api_route *routes = api_routes();
    size_t n = 0;

    (void)state;
    for (const struct api_route *r = routes; r->method; r++, n++) {
        assert_non_null(r->pattern);
        assert_true(r->pattern[0] == '/');
        assert_non_null(r->handler);
        assert_non_null(r->operation_id);
        assert_non_null(r->summary);
        assert_true(strlen(r->summary) > 0);
        for (const struct api_route *q = routes; q < r; q++) {
            assert_false(strcmp(q->method, r->method) == 0 &&
                         strcmp(q->pattern, r->pattern) == 0);
            assert_string_not_equal(q->operation_id, r->operation_id);
        }
        if (api_method_has_body(r->method))
            assert_non_null(r->request_schema);
        /* Every row is reachable: its own method and pattern match it. */
        {
            struct api_req req;
            const struct api_route *label;

            memset(&req, 0, sizeof(req));
            assert_int_equal(api_route_match(routes, r->method, r->pattern, &req, &label,
                                             NULL, 0),
                             API_MATCH_OK);
            assert_ptr_equal(req.route, r);
        }
    }
    assert_int_equal(n, api_route_count());
}

static void test_openapi_lists_every_route(void **state)
{
    struct err err;
    json_t *doc, *paths;

    (void)state;
    err_clear(&err);
    doc = api_openapi_build(api_routes(), "test", &err);
    assert_non_null(doc);
    assert_string_equal(json_string_value(json_object_get(doc, "openapi")), "3.1.0");
    paths = json_object_get(doc, "paths");
    for (const struct api_route *r = api_routes(); r->method; r++) {
        char m[16];
        size_t i;
        json_t *op;

        for (i = 0; r->method[i]; i++)
            m[i] = (char)(r->method[i] - 'A' + 'a');
        m[i] = '\0';
        op = json_object_get(json_object_get(paths, r->pattern), m);
        assert_non_null(op);
        assert_string_equal(json_string_value(json_object_get(op, "operationId")),
                            r->operation_id);
        assert_string_equal(json_string_value(json_object_get(op, "x-cspd-role")),
                            api_role_name(r->role));
    }
    json_decref(doc);
}

static void test_openapi_path_params_and_bad_schema(void **state)
{
    static const struct api_route bad[] = {
        {"POST", "/v1/x/{id}", h_dummy, API_ROLE_ADMIN, 0, API_TENANCY_NONE, "x", "x",
         "{not json", NULL, NULL, false},
        {NULL, NULL, NULL, API_ROLE_PUBLIC, 0, API_TENANCY_NONE, NULL, NULL, NULL, NULL, NULL,
         false},
    };
    struct err err;
    json_t *doc, *params;

    (void)state;
    err_clear(&err);
    doc = api_openapi_build(table, "test", &err);
    assert_non_null(doc);
    params = json_object_get(
        json_object_get(json_object_get(json_object_get(doc, "paths"),
                                        "/v1/customers/{id}/subscriptions/{sub}"),
                        "get"),
        "parameters");
    assert_int_equal(json_array_size(params), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(params, 1), "name")),
                        "sub");
    json_decref(doc);

    err_clear(&err);
    assert_null(api_openapi_build(bad, "test", &err));
    assert_int_equal(err.code, ERR_INTERNAL);
    assert_non_null(strstr(err.msg, "/v1/x/{id}"));
}

static void test_json_body(void **state)
{
    struct err err;
    json_t *v;

    (void)state;
    err_clear(&err);
    assert_int_equal(api_json_parse_body("{\"a\":1}", 7, &v, &err), 0);
    json_decref(v);
    assert_int_equal(api_json_parse_body("{\"now\":", 7, &v, &err), -1);
    assert_int_equal(err.code, ERR_PARSE);
    assert_non_null(strstr(err.msg, "line 1 column 7"));
    assert_int_equal(api_json_parse_body("", 0, &v, &err), -1);
    assert_int_equal(err.code, ERR_PARSE);
    assert_int_equal(api_json_parse_body("[1]", 3, &v, &err), -1);
    assert_int_equal(err.code, ERR_INVALID);
    assert_int_equal(api_json_parse_body("{\"a\":1,\"a\":2}", 13, &v, &err), -1);
    assert_int_equal(err.code, ERR_PARSE);
}

static void test_err_reply_shape_and_hidden_5xx(void **state)
{
    struct api_resp resp;
    struct err err;
    FILE *sink;
    json_t *v;

    (void)state;
    api_resp_init(&resp);
    err_clear(&err);
    err_refuse(&err, "mca_not_accepted", "customer_id", "the customer has not accepted");
    api_err_reply(&resp, &err);
    assert_int_equal(resp.status, 409);
    v = json_loadb(resp.body, resp.body_len, 0, NULL);
    assert_string_equal(json_string_value(json_object_get(json_object_get(v, "error"), "code")),
                        "mca_not_accepted");
    assert_string_equal(json_string_value(json_object_get(json_object_get(v, "error"),
                                                          "field")),
                        "customer_id");
    json_decref(v);

    err_set(&err, ERR_DB, "", "disk I/O error in /secret/path");
    sink = fopen("/dev/null", "w"); /* the 5xx is logged; keep the TAP output clean */
    log_set_stream(sink);
    api_err_reply(&resp, &err);
    log_set_stream(NULL);
    if (sink)
        fclose(sink);
    assert_int_equal(resp.status, 500);
    assert_null(strstr(resp.body, "/secret/path"));
    api_resp_release(&resp);
}

static void test_listen_parse(void **state)
{
    char addr[API_ADDR_MAX];
    unsigned port;
    struct err err;

    (void)state;
    err_clear(&err);
    assert_int_equal(api_listen_parse("127.0.0.1:8080", addr, &port, &err), 0);
    assert_string_equal(addr, "127.0.0.1");
    assert_int_equal(port, 8080);
    assert_int_equal(api_listen_parse("[::1]:0", addr, &port, &err), 0);
    assert_string_equal(addr, "::1");
    assert_int_equal(port, 0);
    assert_int_equal(api_listen_parse("localhost:65535", addr, &port, &err), 0);
    assert_string_equal(addr, "127.0.0.1");
    assert_int_equal(port, 65535);
    assert_int_equal(api_listen_parse("127.0.0.1:65536", addr, &port, &err), -1);
    assert_string_equal(err.field, "listen");
    assert_int_equal(api_listen_parse("127.0.0.1", addr, &port, &err), -1);
    assert_int_equal(api_listen_parse("::1:80", addr, &port, &err), -1);
    assert_int_equal(api_listen_parse("example.com:80", addr, &port, &err), -1);
    assert_int_equal(api_listen_parse(":80", addr, &port, &err), -1);
    assert_int_equal(api_listen_parse("127.0.0.1:", addr, &port, &err), -1);
    assert_int_equal(api_listen_parse("127.0.0.1:+80", addr, &port, &err), -1);
    assert_int_equal(api_listen_parse("127.0.0.1:000080", addr, &port, &err), -1);
    assert_int_equal(api_listen_parse("[127.0.0.1]:80", addr, &port, &err), -1);
}

static void test_metrics_text(void **state)
{
    struct metrics *m;
    struct err err;
    char *text;
    size_t len;

    (void)state;
    err_clear(&err);
    assert_int_equal(metrics_new(&m, &err), 0);
    metrics_observe(m, "/v1/clock", "GET", 200, 0.002);
    metrics_observe(m, "/v1/clock", "GET", 200, 0.2);
    metrics_observe(m, METRICS_ROUTE_UNMATCHED, "BREW", 404, 0.0001);
    assert_int_equal(metrics_render(m, &text, &len, &err), 0);
    assert_int_equal(strlen(text), len);
    assert_non_null(strstr(text, "cspd_http_requests_total{route=\"/v1/clock\",method=\"GET\","
                                 "status=\"200\"} 2\n"));
    assert_non_null(strstr(text, "route=\"unmatched\",method=\"OTHER\",status=\"404\"} 1\n"));
    assert_non_null(strstr(text, "cspd_http_request_duration_seconds_bucket{route=\"/v1/clock\","
                                 "method=\"GET\",le=\"0.0025\"} 1\n"));
    assert_non_null(strstr(text, "cspd_http_request_duration_seconds_bucket{route=\"/v1/clock\","
                                 "method=\"GET\",le=\"0.25\"} 2\n"));
    assert_non_null(strstr(text, "cspd_http_request_duration_seconds_count{route=\"/v1/clock\","
                                 "method=\"GET\"} 2\n"));
    free(text);
    metrics_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_literal_routes),
        cmocka_unit_test(test_params_extracted),
        cmocka_unit_test(test_no_route),
        cmocka_unit_test(test_wrong_method_lists_allow),
        cmocka_unit_test(test_head_uses_get),
        cmocka_unit_test(test_param_too_long_does_not_match),
        cmocka_unit_test(test_real_table_consistent),
        cmocka_unit_test(test_openapi_lists_every_route),
        cmocka_unit_test(test_openapi_path_params_and_bad_schema),
        cmocka_unit_test(test_json_body),
        cmocka_unit_test(test_err_reply_shape_and_hidden_5xx),
        cmocka_unit_test(test_listen_parse),
        cmocka_unit_test(test_metrics_text),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
