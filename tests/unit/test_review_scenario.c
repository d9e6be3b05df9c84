/*
 * tests/unit/test_review_scenario.c — the scenario runner's comparison contract
 * (../shared/domain/scenarios.md "Expectations"): effective_unit_price is compared after rounding
 * the computed value half-up to the number of decimals the file writes.
 *
 * Microsoft's 10.08 x 28/30 = 9.408 exactly (ms-02). The same number written "94.08E-1" has three
 * decimals (the exponent moves the point), and "9.4080000000000000000" (19 written digits, all
 * past the 18th zero) is still 9.408: both must pair with the computed line. Written "9.41" it
 * must pair too (9.408 half-up to 2 places); written "9.40" it must not.
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

#include "io/scenario.h"

static const char *const head =
    "{\"name\":\"eup decimals\",\"market\":\"US\",\"currency\":\"USD\","
    "\"prices\":[{\"sku\":\"A\",\"term\":\"P1M\",\"billing\":\"monthly\","
    "\"unit_price\":\"10.08\",\"effective_from\":\"2026-01-01\"}],"
    "\"steps\":[{\"at\":\"2026-06-18T00:00:00Z\",\"do\":\"order\",\"sub\":\"S1\",\"sku\":\"A\","
    "\"term\":\"P1M\",\"billing\":\"monthly\",\"quantity\":10},"
    "{\"at\":\"2026-06-20T00:00:00Z\",\"do\":\"set_quantity\",\"sub\":\"S1\",\"quantity\":12}],"
    "\"expect\":{\"charges\":[{\"sub\":\"S1\",\"charge_type\":\"addQuantity\",\"quantity\":12,"
    "\"subtotal\":\"112.89\",\"effective_unit_price\":\"";
/* only the one line is compared: the others are given loosely */
static const char *const tail =
    "\"},{\"charge_type\":\"new\"},{\"charge_type\":\"addQuantity\",\"quantity\":10}]}}";

/* 0: the file matches the engine; 1: a mismatch. */
static int run_with_eup(const char *eup)
{
    char path[] = "/tmp/cspd-test-review-XXXXXX";
    struct scenario sc;
    struct scenario_result res;
    struct err err;
    FILE *f, *sink;
    int fd, rc;

    fd = mkstemp(path);
    assert_true(fd >= 0);
    f = fdopen(fd, "w");
    assert_non_null(f);
    fprintf(f, "%s%s%s", head, eup, tail);
    fclose(f);
    rc = scenario_load(path, &sc, &err);
    unlink(path);
    assert_int_equal(rc, 0);
    assert_int_equal(scenario_run(&sc, &res, &err), 0);
    sink = fopen("/dev/null", "w");
    assert_non_null(sink);
    rc = scenario_check(&sc, &res, sink);
    fclose(sink);
    scenario_result_release(&res);
    scenario_release(&sc);
    return rc;
}

static void test_plain_decimals(void **state)
{
    (void)state;
    assert_int_equal(run_with_eup("9.408"), 0);
    assert_int_equal(run_with_eup("9.41"), 0);   /* 9.408 half-up to 2 places */
    assert_int_equal(run_with_eup("9.4080"), 0);
    assert_int_equal(run_with_eup("9.40"), 1);
}

/* "94.08E-1" writes 9.408: three decimals, not the two after its dot */
static void test_exponent(void **state)
{
    (void)state;
    assert_int_equal(run_with_eup("94.08E-1"), 0);
    assert_int_equal(run_with_eup("0.9408E1"), 0);
    assert_int_equal(run_with_eup("941E-2"), 0);  /* 9.41 */
    assert_int_equal(run_with_eup("940E-2"), 1);  /* 9.40 */
}

/* more written decimals than the 18 cspd keeps: the value is 9.408 all the same */
static void test_nineteen_digits(void **state)
{
    (void)state;
    assert_int_equal(run_with_eup("9.4080000000000000000"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_decimals),
        cmocka_unit_test(test_exponent),
        cmocka_unit_test(test_nineteen_digits),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
