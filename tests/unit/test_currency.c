/*
 * tests/unit/test_currency.c — core/currency: the ISO 4217 table.
 *
 * Expected minor units are ISO 4217 List One (2026-01-01) as published, checked row by row for
 * the currencies whose exponent is not 2 (all of them: every 0, 3 and 4 in the list) and for
 * the ones commonly guessed wrong (HUF, TWD, IDR are 2 in ISO even where cash has no cents).
 * The table's shape is checked too: sorted, unique, three upper-case letters.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/currency.h"

struct minor_case {
    const char *code;
    int minor;
};

static const struct minor_case minor_cases[] = {
    /* Common billing currencies of the CSP program. */
    {"USD", 2}, {"EUR", 2}, {"GBP", 2}, {"CHF", 2}, {"CAD", 2}, {"AUD", 2}, {"NZD", 2},
    {"SEK", 2}, {"NOK", 2}, {"DKK", 2}, {"PLN", 2}, {"CZK", 2}, {"BRL", 2}, {"MXN", 2},
    {"INR", 2}, {"CNY", 2}, {"SGD", 2}, {"ZAR", 2}, {"TRY", 2}, {"SAR", 2}, {"AED", 2},
    /* 2 in ISO although often thought to be 0. */
    {"IDR", 2}, {"HUF", 2}, {"TWD", 2}, {"COP", 2}, {"MGA", 2}, {"MRU", 2}, {"IRR", 2},
    {"LAK", 2}, {"KPW", 2}, {"MMK", 2},
    /* Every currency with exponent 0. */
    {"BIF", 0}, {"CLP", 0}, {"DJF", 0}, {"GNF", 0}, {"ISK", 0}, {"JPY", 0}, {"KMF", 0},
    {"KRW", 0}, {"PYG", 0}, {"RWF", 0}, {"UGX", 0}, {"UYI", 0}, {"VND", 0}, {"VUV", 0},
    {"XAF", 0}, {"XOF", 0}, {"XPF", 0},
    /* Every currency with exponent 3. */
    {"BHD", 3}, {"IQD", 3}, {"JOD", 3}, {"KWD", 3}, {"LYD", 3}, {"OMR", 3}, {"TND", 3},
    /* Exponent 4 (indexed units of account). */
    {"CLF", 4}, {"UYW", 4},
    /* Recent additions to List One. */
    {"XCG", 2}, {"ZWG", 2}, {"SLE", 2}, {"VED", 2}, {"XAD", 2},
};

static void test_minor_units(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(minor_cases) / sizeof(minor_cases[0]); i++) {
        int got = currency_minor_units(minor_cases[i].code);

        if (got != minor_cases[i].minor)
            fail_msg("%s: got %d, want %d", minor_cases[i].code, got, minor_cases[i].minor);
        assert_true(currency_is_known(minor_cases[i].code));
    }
}

/* The only rows whose exponent is not 2: a new row with 0, 3 or 4 must be added above too. */
static void test_exponents_other_than_two(void **state)
{
    int n = 0;

    (void)state;
    for (int i = 0; currency_code_at(i); i++) {
        if (currency_minor_units(currency_code_at(i)) != 2)
            n++;
    }
    assert_int_equal(n, 17 + 7 + 2);
}

static void test_unknown(void **state)
{
    static const char *unknown[] = {
        "XYZ", "usd", "Usd", "US", "USDD", "", " USD", "US ", "U$D",
        /* Withdrawn from List One. */
        "HRK", "ANG", "BGN", "SLL", "ZWL", "CUC", "VEF", "LTL", "DEM",
        /* In List One but without minor units ("N.A."): not billable. */
        "XAU", "XAG", "XPD", "XPT", "XDR", "XSU", "XUA", "XBA", "XTS", "XXX",
    };

    (void)state;
    for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
        if (currency_minor_units(unknown[i]) != -1)
            fail_msg("\"%s\" is known", unknown[i]);
        assert_false(currency_is_known(unknown[i]));
    }
    assert_int_equal(currency_minor_units(NULL), -1);
    assert_false(currency_is_known(NULL));
}

static void test_table_shape(void **state)
{
    const char *prev = NULL;
    int n = 0;

    (void)state;
    assert_null(currency_code_at(-1));
    for (; currency_code_at(n); n++) {
        const char *code = currency_code_at(n);

        assert_int_equal(strlen(code), 3);
        for (int k = 0; k < 3; k++)
            assert_true(code[k] >= 'A' && code[k] <= 'Z');
        if (prev && strcmp(prev, code) >= 0)
            fail_msg("table out of order or duplicated at %s after %s", code, prev);
        /* Every row is found by the lookup (bisection agrees with the order). */
        assert_true(currency_is_known(code));
        prev = code;
    }
    /* List One (2026-01-01) has 165 codes with a numeric minor unit. */
    assert_int_equal(n, 165);
    assert_null(currency_code_at(n));
    assert_string_equal(currency_code_at(0), "AED");
    assert_string_equal(currency_code_at(n - 1), "ZWG");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_minor_units),
        cmocka_unit_test(test_exponents_other_than_two),
        cmocka_unit_test(test_unknown),
        cmocka_unit_test(test_table_shape),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
