/*
 * tests/unit/test_recon_api.c — the /v1/recon handlers (api/h_recon.c) called directly, with
 * a request built by hand (no HTTP, no auth: the route table's checks run in the server and
 * are tested with it): upload → 201 with the summary, again → 200 "duplicate", a malformed
 * upload → 400 naming line and column, the summary with its per_* totals, lines, the CSV
 * export, a resolution, a mapping, and the route rows themselves.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/router.h"
#include "core/id.h"
#include "store/db.h"

static struct api_ctx ctx;

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    if (!f)
        fail_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static int setup(void **state)
{
    struct err err;

    (void)state;
    memset(&ctx, 0, sizeof(ctx));
    if (db_open(":memory:", &ctx.db, &err) || db_migrate(ctx.db, &err))
        fail_msg("%s", err.msg);
    pthread_mutex_init(&ctx.db_lock, NULL);
    pthread_mutex_init(&ctx.clock_lock, NULL);
    clock_init_fixed(&ctx.clock, 1627776000);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(ctx.db);
    pthread_mutex_destroy(&ctx.db_lock);
    pthread_mutex_destroy(&ctx.clock_lock);
    return 0;
}

/* Call a handler with a JSON body (may be NULL) and up to two path parameters. */
static json_t *call(api_handler h, json_t *body, const char *id, const char *seq,
                    struct api_resp *resp)
{
    struct api_req req;
    json_t *out = NULL;

    memset(&req, 0, sizeof(req));
    req.ctx = &ctx;
    req.request_id = "req-test";
    req.body = body;
    if (id) {
        req.params[req.nparams].name = "id";
        req.params[req.nparams++].value = id;
    }
    if (seq) {
        req.params[req.nparams].name = "seq";
        req.params[req.nparams++].value = seq;
    }
    api_resp_init(resp);
    h(&req, resp);
    json_decref(body);
    if (resp->content_type && strncmp(resp->content_type, "application/json", 16) == 0)
        out = json_loadb(resp->body, resp->body_len, 0, NULL);
    return out;
}

static json_t *upload(const char *file, struct api_resp *resp)
{
    char *text = slurp(file);
    json_t *body = json_pack("{s:s, s:s}", "content", text, "file_name", file);

    free(text);
    return call(api_h_recon_import, body, NULL, NULL, resp);
}

static void test_flow(void **state)
{
    struct api_resp resp;
    json_t *j;
    char id[ID_MAXLEN];

    (void)state;
    j = upload("tests/fixtures/recon/differences.csv", &resp);
    assert_int_equal(resp.status, 201);
    assert_non_null(j);
    snprintf(id, sizeof(id), "%s", json_string_value(json_object_get(j, "id")));
    assert_int_equal(json_integer_value(json_object_get(j, "line_count")), 8);
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "file_totals"),
                                                           "total")), "231.02");
    assert_false(json_is_true(json_object_get(j, "duplicate")));
    json_decref(j);
    api_resp_release(&resp);

    j = upload("tests/fixtures/recon/differences.csv", &resp);
    assert_int_equal(resp.status, 200);
    assert_true(json_is_true(json_object_get(j, "duplicate")));
    assert_string_equal(json_string_value(json_object_get(j, "id")), id);
    json_decref(j);
    api_resp_release(&resp);

    j = upload("tests/fixtures/recon/bad-number.csv", &resp);
    assert_int_equal(resp.status, 400);
    assert_non_null(strstr(resp.body, "line 3, column UnitPrice"));
    assert_non_null(strstr(resp.body, "\"field\":\"UnitPrice\""));
    json_decref(j);
    api_resp_release(&resp);

    j = call(api_h_recon_import_get, NULL, id, NULL, &resp);
    assert_int_equal(resp.status, 200);
    assert_int_equal(json_array_size(json_object_get(j, "per_customer")), 3);
    assert_int_equal(json_array_size(json_object_get(j, "per_invoice")), 1);
    assert_int_equal(json_array_size(json_object_get(j, "per_reseller")), 2);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "counts"),
                                                        "only_microsoft")), 8);
    json_decref(j);
    api_resp_release(&resp);

    /* a billed usage file of a customer this installation does not have: nothing to rate */
    j = upload("tests/fixtures/recon/usage.csv", &resp);
    assert_int_equal(resp.status, 201);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "usage"),
                                                        "to_rate")), 0);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "usage"),
                                                        "unknown_customer")), 2);
    json_decref(j);
    api_resp_release(&resp);

    j = call(api_h_recon_import_get, NULL, "rci_nope", NULL, &resp);
    assert_int_equal(resp.status, 404);
    json_decref(j);
    api_resp_release(&resp);

    j = call(api_h_recon_lines, NULL, id, NULL, &resp);
    assert_int_equal(resp.status, 200);
    assert_int_equal(json_array_size(json_object_get(j, "items")), 8);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(j, "items"), 0), "charge_type")),
                        "new");
    json_decref(j);
    api_resp_release(&resp);

    call(api_h_recon_export, NULL, id, NULL, &resp);
    assert_int_equal(resp.status, 200);
    assert_string_equal(resp.content_type, "text/csv; charset=utf-8");
    assert_non_null(strstr(resp.body, "\"only_microsoft\""));
    api_resp_release(&resp);

    /* the same differences as a workbook: a zip (PK), Excel's content type, an attachment */
    call(api_h_recon_export_xlsx, NULL, id, NULL, &resp);
    assert_int_equal(resp.status, 200);
    assert_string_equal(resp.content_type, API_XLSX_TYPE);
    assert_true(resp.body_len > 1000 && memcmp(resp.body, "PK", 2) == 0);
    assert_int_equal(resp.nheaders, 1);
    assert_string_equal(resp.headers[0].name, "Content-Disposition");
    api_resp_release(&resp);

    j = call(api_h_recon_resolve, json_pack("{s:s, s:s}", "action", "explain", "note",
                                            "reseller order"), id, "8", &resp);
    assert_int_equal(resp.status, 200);
    assert_string_equal(json_string_value(json_object_get(j, "resolution")), "explained");
    json_decref(j);
    api_resp_release(&resp);

    j = call(api_h_recon_resolve, json_pack("{s:s}", "action", "sideways"), id, "8", &resp);
    assert_int_equal(resp.status, 422);
    json_decref(j);
    api_resp_release(&resp);

    j = call(api_h_recon_map, json_pack("{s:s, s:s}", "microsoft_subscription_id", "ms-1",
                                        "subscription_id", "sub_missing"), NULL, NULL, &resp);
    assert_int_equal(resp.status, 404);
    json_decref(j);
    api_resp_release(&resp);

    j = call(api_h_recon_imports, NULL, NULL, NULL, &resp);
    assert_int_equal(json_array_size(json_object_get(j, "items")), 2); /* invoice, usage */
    json_decref(j);
    api_resp_release(&resp);
}

static void test_routes(void **state)
{
    const struct api_route *r;
    int n = 0;

    (void)state;
    for (r = api_routes(); r->method; r++) {
        if (strncmp(r->pattern, "/v1/recon/", 10) != 0)
            continue;
        n++;
        if (strcmp(r->pattern, "/v1/recon/imports") == 0 && strcmp(r->method, "POST") == 0)
            assert_true(r->body_limit >= ((size_t)256 << 20));
    }
    assert_int_equal(n, 8); /* import, list, get, lines, csv, xlsx, resolution, map */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_flow, setup, teardown),
        cmocka_unit_test(test_routes),
    };
    struct err err;

    if (id_init(&err))
        return 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
