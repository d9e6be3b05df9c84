/*
 * tests/unit/test_core_misc.c — core/clock, core/id and core/log.
 *
 * Clock tests never assert wall-clock durations: they check the fixed clock exactly and only
 * generous bounds on the real and offset clocks, so a slow or loaded machine cannot fail them.
 * Log lines are written to a tmpfile and read back with jansson, a strict JSON parser (it also
 * rejects invalid UTF-8), so "valid JSON" means what it says.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <pthread.h>

#include "core/clock.h"
#include "core/id.h"
#include "core/log.h"

#define T_2020 1577836800LL /* 2020-01-01T00:00:00Z: any real clock is later */
#define T_2000 946684800LL  /* 2000-01-01T00:00:00Z */
#define ID_ALPHABET "abcdefghijklmnopqrstuvwxyz234567"

/* ---- clock --------------------------------------------------------------------------- */

static void test_clock_fixed(void **state)
{
    struct clock c;

    (void)state;
    clock_init_fixed(&c, 1234567890);
    assert_int_equal(clock_now(&c), 1234567890);
    assert_int_equal(clock_now(&c), 1234567890);
    clock_set(&c, -5);
    assert_int_equal(clock_now(&c), -5);
    clock_set(&c, T_2000);
    assert_int_equal(clock_now(&c), T_2000);
}

static void test_clock_real(void **state)
{
    struct clock c;
    instant_t now;

    (void)state;
    clock_init_real(&c);
    now = clock_now(&c);
    assert_true(now > T_2020);
    clock_set(&c, 0); /* no effect on a real clock */
    assert_int_equal(c.kind, CLOCK_REAL);
    assert_true(clock_now(&c) > T_2020);
}

static void test_clock_offset(void **state)
{
    struct clock real, off;
    instant_t a, b, r;

    (void)state;
    clock_init_real(&real);
    clock_init_offset(&off, T_2000);
    a = clock_now(&off);
    r = clock_now(&real);
    b = clock_now(&off);
    /* Starts at T and runs on from there: bounds only, a day of slack. */
    assert_true(a >= T_2000 && a < T_2000 + 86400);
    assert_true(b >= T_2000 && b < T_2000 + 86400);
    assert_true(r > T_2020);
    clock_set(&off, 0); /* no effect on an offset clock */
    assert_true(clock_now(&off) >= T_2000);
}

/* ---- id ------------------------------------------------------------------------------ */

static void assert_id_shape(const char *id, const char *prefix)
{
    size_t plen = strlen(prefix);

    assert_int_equal(strlen(id), plen + 1 + 26);
    assert_memory_equal(id, prefix, plen);
    assert_int_equal(id[plen], '_');
    for (size_t i = plen + 1; id[i]; i++) {
        if (!strchr(ID_ALPHABET, id[i]))
            fail_msg("id \"%s\": character '%c' not in the alphabet", id, id[i]);
    }
    /* 128 bits = 25 * 5 + 3: the last character has two zero low bits. */
    assert_non_null(strchr("aeimquy4", id[plen + 26]));
}

static void test_id_new_shape(void **state)
{
    struct err e;
    char a[ID_MAXLEN], b[ID_MAXLEN];

    (void)state;
    err_clear(&e);
    assert_int_equal(id_init(&e), 0);
    assert_int_equal(id_new("cus", a, &e), 0);
    assert_id_shape(a, "cus");
    assert_int_equal(id_new("cus", b, &e), 0);
    assert_id_shape(b, "cus");
    assert_string_not_equal(a, b);
    assert_int_equal(id_new("abcdefgh", a, &e), 0); /* longest prefix fits ID_MAXLEN */
    assert_id_shape(a, "abcdefgh");
    assert_true(strlen(a) < ID_MAXLEN);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

static void test_id_many_distinct(void **state)
{
    enum { N = 2000 };
    char (*ids)[ID_MAXLEN] = calloc(N, ID_MAXLEN);
    struct err e;

    (void)state;
    assert_non_null(ids);
    err_clear(&e);
    for (int i = 0; i < N; i++) {
        assert_int_equal(id_new("sub", ids[i], &e), 0);
        assert_true(id_has_kind(ids[i], "sub"));
    }
    qsort(ids, N, ID_MAXLEN, cmp_str);
    for (int i = 1; i < N; i++)
        assert_string_not_equal(ids[i - 1], ids[i]);
    free(ids);
}

static void test_id_new_rejects_bad_prefix(void **state)
{
    static const char *bad[] = { "", "Cus", "cus_", "a1", "abcdefghi", "c s", "é" };
    char buf[ID_MAXLEN];
    struct err e;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        err_clear(&e);
        assert_int_equal(id_new(bad[i], buf, &e), -1);
        assert_int_equal(e.code, ERR_INVALID);
    }
    err_clear(&e);
    assert_int_equal(id_new(NULL, buf, &e), -1);
}

static void test_id_new_ordered(void **state)
{
    static const uint64_t keys[] = {0, 1, 31, 32, 1790841600ull << 24, (1790841600ull << 24) + 1,
                                    (1790841601ull << 24), UINT64_MAX - 1, UINT64_MAX};
    char prev[ID_MAXLEN], cur[ID_MAXLEN], twin[ID_MAXLEN];
    struct err e;

    (void)state;
    err_clear(&e);
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        assert_int_equal(id_new_ordered("chg", keys[i], cur, &e), 0);
        assert_true(id_has_kind(cur, "chg"));
        if (i > 0)
            assert_true(strcmp(prev, cur) < 0); /* byte order follows the key */
        memcpy(prev, cur, sizeof(prev));
    }
    /* the same key twice: unique by the random tail */
    assert_int_equal(id_new_ordered("chg", 7, cur, &e), 0);
    assert_int_equal(id_new_ordered("chg", 7, twin, &e), 0);
    assert_true(strncmp(cur, twin, 4 + 13) == 0);
    assert_true(strcmp(cur, twin) != 0);
    assert_int_equal(id_new_ordered("CHG", 7, cur, &e), -1);
}

static void test_id_has_kind(void **state)
{
    char id[ID_MAXLEN], bad[ID_MAXLEN + 8];
    struct err e;

    (void)state;
    err_clear(&e);
    assert_int_equal(id_new("cus", id, &e), 0);
    assert_true(id_has_kind(id, "cus"));
    assert_false(id_has_kind(id, "sub"));   /* wrong kind */
    assert_false(id_has_kind(id, "cu"));    /* a prefix of the kind is not the kind */
    assert_false(id_has_kind(id, "cusx"));
    assert_false(id_has_kind(id, ""));
    assert_false(id_has_kind(NULL, "cus"));
    assert_true(id_has_kind("cus_abcdefghijklmnopqrstuvwxyz", "cus"));
    assert_true(id_has_kind("cus_23456723456723456723456723", "cus"));
    assert_false(id_has_kind("cus_abcdefghijklmnopqrstuvwxy", "cus"));   /* 25 chars */
    assert_false(id_has_kind("cus_abcdefghijklmnopqrstuvwxyza", "cus")); /* 27 chars */
    assert_false(id_has_kind("cus_abcdefghijklmnopqrstuvwxyZ", "cus"));  /* upper case */
    assert_false(id_has_kind("cus_abcdefghijklmnopqrstuvwxy1", "cus"));  /* '1' not base32 */
    assert_false(id_has_kind("cus-abcdefghijklmnopqrstuvwxyz", "cus"));
    assert_false(id_has_kind("cusabcdefghijklmnopqrstuvwxyz", "cus"));
    assert_false(id_has_kind("", "cus"));
    snprintf(bad, sizeof(bad), "%s/", id);
    assert_false(id_has_kind(bad, "cus"));
}

/* ---- log ----------------------------------------------------------------------------- */

/* Everything written to f so far, NUL-terminated; caller frees. */
static char *slurp(FILE *f)
{
    long n;
    char *s;

    fflush(f);
    n = ftell(f);
    assert_true(n >= 0);
    s = malloc((size_t)n + 1);
    assert_non_null(s);
    rewind(f);
    assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    return s;
}

/* Parse `text` as exactly one JSON object followed by one '\n'. */
static json_t *one_json_line(const char *text)
{
    size_t len = strlen(text);
    json_error_t jerr;
    json_t *j;

    assert_true(len > 0);
    assert_int_equal(text[len - 1], '\n');
    assert_null(memchr(text, '\n', len - 1)); /* one line: no raw newline inside */
    j = json_loadb(text, len - 1, JSON_REJECT_DUPLICATES, &jerr);
    if (!j)
        fail_msg("not JSON (%s): %s", jerr.text, text);
    assert_true(json_is_object(j));
    return j;
}

static const char *jstr(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);

    if (!json_is_string(v))
        fail_msg("key \"%s\" missing or not a string", key);
    return json_string_value(v);
}

static FILE *log_to_tmpfile(void)
{
    FILE *f = tmpfile();

    assert_non_null(f);
    log_set_stream(f);
    log_set_level(LOG_DEBUG);
    return f;
}

static void log_restore(FILE *f)
{
    log_set_stream(NULL);
    log_set_level(LOG_INFO);
    log_set_request_id("");
    fclose(f);
}

static void test_log_msg_escapes_and_request_id(void **state)
{
    FILE *f = log_to_tmpfile();
    instant_t ts;
    struct err e;
    char *text;
    json_t *j;

    (void)state;
    log_set_request_id("r_8f3k");
    log_msg(LOG_WARN, "say \"%s\"\nthen\\%d\ttab", "hi", 7);
    text = slurp(f);
    j = one_json_line(text);
    assert_string_equal(jstr(j, "msg"), "say \"hi\"\nthen\\7\ttab");
    assert_string_equal(jstr(j, "level"), "warn");
    assert_string_equal(jstr(j, "req"), "r_8f3k");
    err_clear(&e);
    assert_int_equal(instant_parse_cstr(jstr(j, "ts"), &ts, &e), 0);
    assert_true(ts > T_2020);
    /* The escapes are the JSON ones, not raw bytes. */
    assert_non_null(strstr(text, "say \\\"hi\\\"\\nthen\\\\7\\ttab"));
    json_decref(j);
    free(text);
    log_restore(f);
}

static void test_log_kv_pairs(void **state)
{
    FILE *f = log_to_tmpfile();
    char *text;
    json_t *j;

    (void)state;
    log_kv(LOG_INFO, "listening", "addr", "127.0.0.1:8080", "note", "a\"b\\c\x01\r\n",
           "path", "/v1/customers?x=\"1\"", NULL);
    text = slurp(f);
    j = one_json_line(text);
    assert_string_equal(jstr(j, "msg"), "listening");
    assert_string_equal(jstr(j, "level"), "info");
    assert_string_equal(jstr(j, "addr"), "127.0.0.1:8080");
    assert_string_equal(jstr(j, "note"), "a\"b\\c\x01\r\n");
    assert_string_equal(jstr(j, "path"), "/v1/customers?x=\"1\"");
    assert_null(json_object_get(j, "req")); /* no request id set: no key */
    assert_non_null(strstr(text, "\\u0001"));
    json_decref(j);
    free(text);
    log_restore(f);
}

static void test_log_kv_null_value_ends_list(void **state)
{
    FILE *f = log_to_tmpfile();
    char *text;
    json_t *j;

    (void)state;
    log_kv(LOG_ERROR, "odd", "k", NULL);
    text = slurp(f);
    j = one_json_line(text);
    assert_true(json_is_null(json_object_get(j, "k")));
    assert_string_equal(jstr(j, "level"), "error");
    json_decref(j);
    free(text);
    log_restore(f);
}

static void test_log_level_filter(void **state)
{
    FILE *f = log_to_tmpfile();
    char *text;
    json_t *j;

    (void)state;
    log_set_level(LOG_WARN);
    log_msg(LOG_INFO, "hidden");
    log_msg(LOG_DEBUG, "hidden");
    log_kv(LOG_INFO, "hidden", "k", "v", NULL);
    log_msg(LOG_ERROR, "shown");
    text = slurp(f);
    j = one_json_line(text);
    assert_string_equal(jstr(j, "msg"), "shown");
    json_decref(j);
    free(text);
    log_restore(f);
}

static void test_log_invalid_utf8_stays_valid_json(void **state)
{
    FILE *f = log_to_tmpfile();
    char *text;
    json_t *j;

    (void)state;
    /* Valid UTF-8 passes through; a lone continuation byte, a truncated sequence and an
     * overlong '/' become U+FFFD. */
    log_kv(LOG_INFO, "caf\xc3\xa9 \xe2\x82\xac", "bad", "x\x80y\xe2\x82", "over", "\xc0\xaf",
           NULL);
    text = slurp(f);
    j = one_json_line(text);
    assert_string_equal(jstr(j, "msg"), "caf\xc3\xa9 \xe2\x82\xac");
    assert_string_equal(jstr(j, "bad"), "x\xef\xbf\xbdy\xef\xbf\xbd\xef\xbf\xbd");
    assert_string_equal(jstr(j, "over"), "\xef\xbf\xbd\xef\xbf\xbd");
    json_decref(j);
    free(text);
    log_restore(f);
}

static void test_log_truncates_to_valid_json(void **state)
{
    enum { BIG = 40000 };
    FILE *f = log_to_tmpfile();
    char *big = malloc(BIG + 1);
    char *text;
    json_t *j;

    (void)state;
    assert_non_null(big);
    memset(big, '"', BIG); /* each byte escapes to two */
    big[BIG] = '\0';
    log_kv(LOG_INFO, "big", "first", "kept", "payload", big, "after", "dropped", NULL);
    text = slurp(f);
    assert_true(strlen(text) <= 8192);
    j = one_json_line(text);
    assert_string_equal(jstr(j, "first"), "kept");
    assert_true(json_is_true(json_object_get(j, "truncated")));
    assert_null(json_object_get(j, "after"));
    json_decref(j);
    free(text);

    /* A long key with the value cut off entirely is dropped whole. */
    rewind(f);
    assert_int_equal(ftruncate(fileno(f), 0), 0);
    log_kv(LOG_INFO, "big key", big, "v", NULL);
    text = slurp(f);
    j = one_json_line(text);
    assert_true(json_is_true(json_object_get(j, "truncated")));
    assert_int_equal(json_object_size(j), 4); /* ts, level, msg, truncated */
    json_decref(j);
    free(text);
    free(big);
    log_restore(f);
}

#define LOG_THREADS 4
#define LOG_LINES 200

static void *log_worker(void *arg)
{
    char req[16];

    snprintf(req, sizeof(req), "r_t%d", (int)(intptr_t)arg);
    log_set_request_id(req);
    for (int i = 0; i < LOG_LINES; i++)
        log_kv(LOG_INFO, "work", "thread", req, "pad",
               "................................................................", NULL);
    return NULL;
}

/* Lines from concurrent threads never interleave, and each carries its own thread's id. */
static void test_log_threads(void **state)
{
    FILE *f = log_to_tmpfile();
    pthread_t th[LOG_THREADS];
    int lines = 0;
    char *text, *line, *save = NULL;

    (void)state;
    log_set_request_id("r_main");
    for (int i = 0; i < LOG_THREADS; i++)
        assert_int_equal(pthread_create(&th[i], NULL, log_worker, (void *)(intptr_t)i), 0);
    for (int i = 0; i < LOG_THREADS; i++)
        assert_int_equal(pthread_join(th[i], NULL), 0);
    text = slurp(f);
    for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        json_error_t jerr;
        json_t *j = json_loads(line, 0, &jerr);

        if (!j)
            fail_msg("line %d not JSON: %s", lines + 1, line);
        assert_string_equal(jstr(j, "req"), jstr(j, "thread"));
        json_decref(j);
        lines++;
    }
    assert_int_equal(lines, LOG_THREADS * LOG_LINES);
    free(text);
    log_restore(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clock_fixed),
        cmocka_unit_test(test_clock_real),
        cmocka_unit_test(test_clock_offset),
        cmocka_unit_test(test_id_new_shape),
        cmocka_unit_test(test_id_many_distinct),
        cmocka_unit_test(test_id_new_rejects_bad_prefix),
        cmocka_unit_test(test_id_new_ordered),
        cmocka_unit_test(test_id_has_kind),
        cmocka_unit_test(test_log_msg_escapes_and_request_id),
        cmocka_unit_test(test_log_kv_pairs),
        cmocka_unit_test(test_log_kv_null_value_ends_list),
        cmocka_unit_test(test_log_level_filter),
        cmocka_unit_test(test_log_invalid_utf8_stays_valid_json),
        cmocka_unit_test(test_log_truncates_to_valid_json),
        cmocka_unit_test(test_log_threads),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
