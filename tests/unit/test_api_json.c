/*
 * tests/unit/test_api_json.c — the reply writer of api/json.c: api_json_reply must send the
 * very bytes json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) makes (clients and the OpenAPI
 * tests saw those), for every kind of value: nested objects in insertion order, empty
 * containers, every escape jansson makes (and the characters it leaves alone: '/', DEL,
 * non-ASCII), a NUL inside a string, integer extremes, and the values it hands back to
 * jansson (reals; a string that is not valid UTF-8, which jansson refuses: a 500).
 *
 * And the streaming writer (api/jw.h) as the subscription list uses it: h_sub_write_row must
 * write the bytes of the jansson tree svc/sub_read.c builds (sub_row_to_json, dumped by
 * json_dumps) for a list holding every kind of field — names needing escapes and non-ASCII,
 * absent names and dates (null), decimals with and without fractions, the nested decision
 * with and without scheduled changes, cycles, windows open and closed, lots skipped at 0
 * seats, prices shown and hidden, instants before 1970 and past 9999 (the writer remembers
 * days per thread: the second list meets them remembered) — and fail where json_pack fails
 * (text that is not UTF-8).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/h_sub.h"
#include "api/jw.h"
#include "svc/sub_read.h"

/* api_json_reply's body for `v` must equal json_dumps' text. */
static void same_as_jansson(json_t *v)
{
    char *want = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    struct api_resp resp;

    assert_non_null(want);
    api_resp_init(&resp);
    api_json_reply(&resp, 200, json_incref(v));
    assert_int_equal(resp.status, 200);
    assert_string_equal(resp.content_type, "application/json");
    assert_int_equal(resp.body_len, strlen(want));
    assert_memory_equal(resp.body, want, resp.body_len);
    assert_int_equal(resp.body[resp.body_len], '\0');
    api_resp_release(&resp);
    free(want);
    json_decref(v);
}

static void test_escapes(void **state)
{
    char all[0x80];

    (void)state;
    /* every ASCII character but NUL, in one string */
    for (int i = 1; i < 0x80; i++)
        all[i - 1] = (char)i;
    all[0x7f] = '\0';
    same_as_jansson(json_string(all));
    same_as_jansson(json_string("quote \" backslash \\ slash / tab\t nl\n cr\r bs\b ff\f"));
    same_as_jansson(json_string("\x01\x1f\x7f end"));
    same_as_jansson(json_string("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xe4\xb8\xad"));
    same_as_jansson(json_stringn("nul\0inside", 10));
    same_as_jansson(json_string(""));
    /* long: the buffer grows past its first 4 KiB with escapes on both sides of the edge */
    {
        char big[20000];

        for (size_t i = 0; i < sizeof(big) - 1; i++)
            big[i] = (i % 97 == 0) ? '"' : (i % 89 == 0) ? '\n' : (char)('a' + i % 26);
        big[sizeof(big) - 1] = '\0';
        same_as_jansson(json_string(big));
    }
}

static void test_containers_and_scalars(void **state)
{
    json_t *doc;

    (void)state;
    same_as_jansson(json_object());
    same_as_jansson(json_array());
    same_as_jansson(json_integer(INT64_MIN));
    same_as_jansson(json_integer(INT64_MAX));
    same_as_jansson(json_integer(0));
    same_as_jansson(json_true());
    same_as_jansson(json_false());
    same_as_jansson(json_null());
    /* keys in insertion order (not sorted), escaped keys, nesting */
    doc = json_pack("{s:s, s:i, s:b, s:n, s:[i, s, {}, []], s:{s:{s:s}}, s:s}", "zeta", "z",
                    "alpha", -42, "mid", 1, "none", "list", 1, "two", "nested", "deeper",
                    "k\"ey", "v/al", "\xc3\xa9t\xc3\xa9", "\t");
    assert_non_null(doc);
    same_as_jansson(doc);
}

static void test_left_to_jansson(void **state)
{
    struct api_resp resp;

    (void)state;
    /* reals: jansson's own formatting */
    same_as_jansson(json_real(0.1));
    same_as_jansson(json_pack("{s:[f, f, i]}", "r", 1.0, 1e300, 3));
    /* not UTF-8 (only json_stringn_nocheck makes one): jansson refuses it, so a 500 */
    api_resp_init(&resp);
    api_json_reply(&resp, 200, json_pack("{s:o}", "bad", json_stringn_nocheck("\xff\xfe", 2)));
    assert_int_equal(resp.status, 500);
    api_resp_release(&resp);
}

static instant_t at(const char *text)
{
    instant_t t;
    struct err e;

    assert_int_equal(instant_parse_cstr(text, &t, &e), 0);
    return t;
}

static struct date day(const char *text)
{
    struct date d;
    struct err e;

    assert_int_equal(date_parse_cstr(text, &d, &e), 0);
    return d;
}

static struct dec money(const char *text)
{
    struct dec d;
    struct err e;

    assert_int_equal(dec_parse_cstr(text, &d, &e), 0);
    return d;
}

/* Six subscriptions covering every field the document has, in its several states. */
static void sample_rows(struct sub_row rows[6])
{
    memset(rows, 0, 6 * sizeof(rows[0]));
    for (int i = 0; i < 6; i++) {
        struct sub *s = &rows[i].s;

        snprintf(rows[i].id, sizeof(rows[i].id), "sub_%d", i);
        snprintf(rows[i].customer_id, sizeof(rows[i].customer_id), "cus_1");
        snprintf(rows[i].partner_id, sizeof(rows[i].partner_id), "ptr_1");
        rows[i].created_at = at("2026-10-02T09:30:00Z");
        s->status = SUB_ACTIVE;
        snprintf(s->sku, sizeof(s->sku), "CFQ7TTC0LH18:0001");
        snprintf(s->currency, sizeof(s->currency), "EUR");
        s->term = TERM_P1Y;
        s->billing = BILLING_MONTHLY;
        s->quantity = 12;
        s->unit_price = money("10.4");
        s->term_start = day("2026-10-02");
        s->term_end = day("2027-10-01");
        s->purchased = day("2026-10-02");
        s->window_deadline = at("2026-10-09T09:30:00Z");
        s->lots.n = 3;
        s->lots.v[0] = (struct lot){at("2026-10-02T09:30:00Z"), at("2026-10-09T09:30:00Z"), 10};
        s->lots.v[1] = (struct lot){at("2026-10-20T12:00:00Z"), at("2026-10-27T12:00:00Z"), 0};
        s->lots.v[2] = (struct lot){at("2026-10-31T23:00:00Z"), at("2026-11-07T23:00:00Z"), 2};
        s->updated_at = at("2026-10-31T23:00:00Z");
        s->seq = 4000000000LL + i;
    }
    /* 0: a name with every escape, '/', DEL and non-ASCII; scheduled changes of each kind */
    snprintf(rows[0].name, sizeof(rows[0].name), "Sales \"EU\" \\ a/b\t\n\r\b\f\x01\x7f caf\xc3\xa9 \xe2\x82\xac");
    rows[0].s.has_changes = true;
    rows[0].s.changes = (struct sub_changes){true, true, true, true, "CFQ7TTC0LH18:0002",
                                            TERM_P3Y, BILLING_TRIENNIAL, 25};
    /* 1: no name (null), changes with the quantity only, price with no fraction, negative */
    rows[1].s.has_changes = true;
    rows[1].s.changes = (struct sub_changes){false, false, false, true, "", TERM_P1M,
                                            BILLING_MONTHLY, 3};
    rows[1].s.unit_price = money("-1200");
    /* 2: suspended, decision cancel: refundable 0 whatever the lots */
    snprintf(rows[2].name, sizeof(rows[2].name), "plain");
    rows[2].s.suspended = true;
    rows[2].s.decision = DECISION_CANCEL;
    rows[2].s.unit_price = money("0.000001");
    /* 3: cancelled: no cycle, no decision action, window closed, no next due */
    rows[3].s.status = SUB_CANCELLED;
    /* 4: EST: no window (null), monthly term */
    rows[4].s.status = SUB_EST;
    rows[4].s.window_deadline = 0;
    rows[4].s.term = TERM_P1M;
    rows[4].s.decision = DECISION_EST;
    rows[4].s.term_start = day("2026-11-01");
    rows[4].s.term_end = day("2026-11-30");
    /* 5: expired, no purchase day recorded (null), no lots */
    rows[5].s.status = SUB_EXPIRED;
    rows[5].s.purchased = (struct date){0, 0, 0};
    rows[5].s.lots.n = 0;
    /*
     * Instants past 9999-12-31, which instant_format writes as zeros: first at midnight (its
     * text then looks like a date plus the right time), then later the same day; one far
     * beyond; and one before 1970.
     */
    rows[5].created_at = INT64_C(3000000) * 86400;
    rows[5].s.updated_at = INT64_C(3000000) * 86400 + 3723;
    rows[3].created_at = -(INT64_C(1) << 45) * 86400;
    rows[4].created_at = at("1969-12-31T23:59:59Z");
}

/* The list as the handler writes it, against the jansson tree of the same rows. */
static void list_same_as_tree(const struct sub_row *rows, int n, instant_t now, bool prices)
{
    json_t *items = json_array(), *list;
    char *want, *got;
    size_t len;
    struct jw w;

    for (int i = 0; i < n; i++)
        assert_int_equal(json_array_append_new(items, sub_row_to_json(&rows[i], now, prices)), 0);
    list = json_pack("{s:o, s:b}", "subscriptions", items, "more", true);
    assert_non_null(list);
    want = json_dumps(list, JSON_COMPACT | JSON_ENCODE_ANY);
    json_decref(list);
    assert_non_null(want);
    jw_init(&w, 0);
    jw_open_object(&w);
    jw_key(&w, "subscriptions");
    jw_open_array(&w);
    for (int i = 0; i < n; i++)
        h_sub_write_row(&w, &rows[i], now, prices);
    jw_close_array(&w);
    jw_key(&w, "more");
    jw_bool(&w, true);
    jw_close_object(&w);
    got = jw_take(&w, &len);
    assert_non_null(got);
    assert_int_equal(len, strlen(want));
    assert_string_equal(got, want);
    free(got);
    free(want);
}

static void test_sub_list_writer(void **state)
{
    struct sub_row rows[6];

    (void)state;
    sample_rows(rows);
    /* inside the purchase window (lot 0 open), then after every window closed */
    list_same_as_tree(rows, 6, at("2026-10-05T00:00:00Z"), true);
    list_same_as_tree(rows, 6, at("2026-11-20T00:00:00Z"), false);
    list_same_as_tree(rows, 0, at("2026-11-20T00:00:00Z"), true);
    list_same_as_tree(rows + 3, 1, at("2026-11-20T00:00:00Z"), true);
}

/* A name that is not UTF-8: json_pack refuses the row, so must the writer. */
static void test_sub_writer_refuses_bad_utf8(void **state)
{
    struct sub_row rows[6];
    struct jw w;
    size_t len;
    json_t *tree;

    (void)state;
    sample_rows(rows);
    snprintf(rows[2].name, sizeof(rows[2].name), "bad \xc3\x28 byte");
    tree = sub_row_to_json(&rows[2], at("2026-10-05T00:00:00Z"), true);
    assert_null(tree);
    jw_init(&w, 0);
    h_sub_write_row(&w, &rows[2], at("2026-10-05T00:00:00Z"), true);
    assert_true(w.failed);
    assert_null(jw_take(&w, &len));
}

/* Commas: an array of arrays and objects, empty ones included. */
static void test_writer_nesting(void **state)
{
    struct jw w;
    size_t len;
    char *got;

    (void)state;
    jw_init(&w, 1);
    jw_open_array(&w);
    jw_open_array(&w);
    jw_close_array(&w);
    jw_open_object(&w);
    jw_close_object(&w);
    jw_int(&w, INT64_MIN);
    jw_int(&w, INT64_MAX);
    jw_int(&w, 0);
    jw_open_object(&w);
    jw_key(&w, "a");
    jw_null(&w);
    jw_key(&w, "b");
    jw_open_array(&w);
    jw_bool(&w, false);
    jw_string_or_null(&w, NULL);
    jw_close_array(&w);
    jw_key(&w, "k\"\n\xc3\xa9");
    jw_string(&w, "v\\/\x7f");
    jw_close_object(&w);
    jw_close_array(&w);
    got = jw_take(&w, &len);
    assert_non_null(got);
    assert_string_equal(got, "[[],{},-9223372036854775808,9223372036854775807,0,"
                             "{\"a\":null,\"b\":[false,null],"
                             "\"k\\\"\\n\xc3\xa9\":\"v\\\\/\x7f\"}]");
    free(got);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escapes),
        cmocka_unit_test(test_containers_and_scalars),
        cmocka_unit_test(test_left_to_jansson),
        cmocka_unit_test(test_sub_list_writer),
        cmocka_unit_test(test_sub_writer_refuses_bad_utf8),
        cmocka_unit_test(test_writer_nesting),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
