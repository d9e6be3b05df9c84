/*
 * tests/unit/test_api_json.c — the reply writer of api/json.c: api_json_reply must send the
 * very bytes json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) makes (clients and the OpenAPI
 * tests saw those), for every kind of value: nested objects in insertion order, empty
 * containers, every escape jansson makes (and the characters it leaves alone: '/', DEL,
 * non-ASCII), a NUL inside a string, integer extremes, and the values it hands back to
 * jansson (reals; a string that is not valid UTF-8, which jansson refuses: a 500).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "api/api.h"

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escapes),
        cmocka_unit_test(test_containers_and_scalars),
        cmocka_unit_test(test_left_to_jansson),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
