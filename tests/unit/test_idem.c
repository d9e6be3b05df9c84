/*
 * tests/unit/test_idem.c — the Idempotency-Key store (svc/idempotency.h) on an in-memory
 * store with fixed instants: first run, replay of status and body, same key with another
 * body / method / path, a request still in progress and one abandoned, responses holding a
 * secret, 5xx forgotten, keys per caller, key syntax, and purging after a day.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "svc/idempotency.h"

#define T0 ((instant_t)1800000000)

static int setup(void **state)
{
    struct db *db;
    struct err err;

    err_clear(&err);
    assert_int_equal(db_open(":memory:", &db, &err), 0);
    assert_int_equal(db_migrate(db, &err), 0);
    *state = db;
    return 0;
}

static int teardown(void **state)
{
    db_close(*state);
    return 0;
}

static enum idem_verdict begin(struct db *db, const char *caller, const char *key,
                               const char *method, const char *path, const char *body,
                               instant_t now, struct idem_result *r)
{
    struct err err;

    err_clear(&err);
    if (idem_begin(db, caller, key, method, path, body, body ? strlen(body) : 0, now, r,
                   &err) != 0)
        fail_msg("idem_begin: %s", err.msg);
    return r->verdict;
}

static void finish(struct db *db, const char *caller, const char *key, int status,
                   const char *body, bool replayable)
{
    struct err err;

    err_clear(&err);
    if (idem_finish(db, caller, key, status, body, body ? strlen(body) : 0, replayable,
                    &err) != 0)
        fail_msg("idem_finish: %s", err.msg);
}

static void test_replay_same_request(void **state)
{
    struct db *db = *state;
    struct idem_result r;

    assert_int_equal(begin(db, "usr_1", "k1", "POST", "/v1/x", "{\"a\":1}", T0, &r), IDEM_RUN);
    finish(db, "usr_1", "k1", 201, "{\"id\":\"x_1\"}", true);
    assert_int_equal(begin(db, "usr_1", "k1", "POST", "/v1/x", "{\"a\":1}", T0 + 5, &r),
                     IDEM_REPLAY);
    assert_int_equal(r.status, 201);
    assert_int_equal(r.len, strlen("{\"id\":\"x_1\"}"));
    assert_memory_equal(r.body, "{\"id\":\"x_1\"}", r.len);
    free(r.body);
}

static void test_reuse_with_other_request(void **state)
{
    struct db *db = *state;
    struct idem_result r;

    assert_int_equal(begin(db, "usr_1", "k1", "POST", "/v1/x", "{\"a\":1}", T0, &r), IDEM_RUN);
    finish(db, "usr_1", "k1", 200, "{}", true);
    assert_int_equal(begin(db, "usr_1", "k1", "POST", "/v1/x", "{\"a\":2}", T0, &r),
                     IDEM_REUSED);
    assert_int_equal(begin(db, "usr_1", "k1", "POST", "/v1/y", "{\"a\":1}", T0, &r),
                     IDEM_REUSED);
    assert_int_equal(begin(db, "usr_1", "k1", "PATCH", "/v1/x", "{\"a\":1}", T0, &r),
                     IDEM_REUSED);
    /* Whitespace is a different body: the hash is over the bytes. */
    assert_int_equal(begin(db, "usr_1", "k1", "POST", "/v1/x", "{\"a\": 1}", T0, &r),
                     IDEM_REUSED);
}

static void test_keys_are_per_caller(void **state)
{
    struct db *db = *state;
    struct idem_result r;

    assert_int_equal(begin(db, "usr_1", "k", "POST", "/v1/x", "{}", T0, &r), IDEM_RUN);
    finish(db, "usr_1", "k", 201, "{\"who\":1}", true);
    assert_int_equal(begin(db, "tok_2", "k", "POST", "/v1/x", "{}", T0, &r), IDEM_RUN);
    finish(db, "tok_2", "k", 201, "{\"who\":2}", true);
    assert_int_equal(begin(db, "tok_2", "k", "POST", "/v1/x", "{}", T0, &r), IDEM_REPLAY);
    assert_memory_equal(r.body, "{\"who\":2}", r.len);
    free(r.body);
}

static void test_in_progress_and_abandoned(void **state)
{
    struct db *db = *state;
    struct idem_result r;

    assert_int_equal(begin(db, "usr_1", "k", "POST", "/v1/x", "{}", T0, &r), IDEM_RUN);
    assert_int_equal(begin(db, "usr_1", "k", "POST", "/v1/x", "{}", T0 + 1, &r), IDEM_BUSY);
    assert_int_equal(begin(db, "usr_1", "k", "POST", "/v1/x", "{}", T0 + IDEM_STALE_SECS - 1,
                           &r), IDEM_BUSY);
    /* Never finished (the process died): taken over after the stale period. */
    assert_int_equal(begin(db, "usr_1", "k", "POST", "/v1/x", "{}", T0 + IDEM_STALE_SECS, &r),
                     IDEM_RUN);
}

static void test_secret_and_server_errors(void **state)
{
    struct db *db = *state;
    struct idem_result r;

    assert_int_equal(begin(db, "usr_1", "tok", "POST", "/v1/tokens", "{}", T0, &r), IDEM_RUN);
    finish(db, "usr_1", "tok", 201, "{\"secret\":\"cspd_...\"}", false);
    assert_int_equal(begin(db, "usr_1", "tok", "POST", "/v1/tokens", "{}", T0, &r),
                     IDEM_SECRET);
    assert_int_equal(r.status, 201);
    assert_null(r.body);
    /* A 5xx is not kept: the retry runs again. */
    assert_int_equal(begin(db, "usr_1", "e", "POST", "/v1/x", "{}", T0, &r), IDEM_RUN);
    finish(db, "usr_1", "e", 500, "{\"error\":{}}", true);
    assert_int_equal(begin(db, "usr_1", "e", "POST", "/v1/x", "{}", T0, &r), IDEM_RUN);
    /* 4xx answers are kept like successes. */
    finish(db, "usr_1", "e", 422, "{\"error\":{\"code\":\"invalid\"}}", true);
    assert_int_equal(begin(db, "usr_1", "e", "POST", "/v1/x", "{}", T0, &r), IDEM_REPLAY);
    assert_int_equal(r.status, 422);
    free(r.body);
}

static void test_purge_after_a_day(void **state)
{
    struct db *db = *state;
    struct idem_result r;

    assert_int_equal(begin(db, "usr_1", "old", "POST", "/v1/x", "{}", T0, &r), IDEM_RUN);
    finish(db, "usr_1", "old", 200, "{}", true);
    assert_int_equal(begin(db, "usr_1", "old", "POST", "/v1/x", "{\"b\":1}",
                           T0 + IDEM_KEEP_SECS - 1, &r), IDEM_REUSED);
    assert_int_equal(begin(db, "usr_1", "old", "POST", "/v1/x", "{\"b\":1}",
                           T0 + IDEM_KEEP_SECS + 1, &r), IDEM_RUN);
}

static void test_key_syntax(void **state)
{
    char long_key[300];
    struct idem_result r;
    struct err err;

    (void)state;
    err_clear(&err);
    assert_int_equal(idem_key_check("order-2026-05-01.1", &err), 0);
    assert_int_equal(idem_key_check("", &err), -1);
    assert_string_equal(err.field, "Idempotency-Key");
    assert_int_equal(idem_key_check("has space", &err), -1);
    assert_int_equal(idem_key_check("tab\tkey", &err), -1);
    memset(long_key, 'k', sizeof(long_key) - 1);
    long_key[sizeof(long_key) - 1] = '\0';
    assert_int_equal(idem_key_check(long_key, &err), -1);
    assert_int_equal(idem_begin(*state, "usr_1", long_key, "POST", "/v1/x", "{}", 2, T0, &r,
                                &err), -1);
    assert_int_equal(err.code, ERR_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_replay_same_request, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reuse_with_other_request, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keys_are_per_caller, setup, teardown),
        cmocka_unit_test_setup_teardown(test_in_progress_and_abandoned, setup, teardown),
        cmocka_unit_test_setup_teardown(test_secret_and_server_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_purge_after_a_day, setup, teardown),
        cmocka_unit_test_setup_teardown(test_key_syntax, setup, teardown),
    };

    return cmocka_run_group_tests_name("idempotency", tests, NULL, NULL);
}
