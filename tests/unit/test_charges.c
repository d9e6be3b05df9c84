/*
 * tests/unit/test_charges.c — domain/billing: the rounding table per charge type, effective
 * unit prices, refunds, minor units, FX (nce-rules.md §7.2-7.5, Part A 3-6, 12), and the lines
 * an event bills.
 *
 * Every figure is worked by hand in the comment above it (Microsoft's worked examples of §7.5
 * where they exist); none was copied from the engine's output.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "domain/billing/charge.h"
#include "domain/billing/rounding.h"

static struct dec P(const char *s)
{
    struct dec d;
    struct err e;

    assert_int_equal(dec_parse_cstr(s, &d, &e), 0);
    return d;
}

#define assert_dec(a, s)                                  \
    do {                                                  \
        char buf_[DEC_STRLEN];                            \
        dec_format((a), buf_);                            \
        assert_string_equal(buf_, (s));                   \
    } while (0)

static struct line_amounts line(enum charge_type t, const char *unit, int days, int cdays,
                                int qty, int sign, const char *ccy)
{
    struct line_amounts a;
    struct err e;

    assert_int_equal(rounding_line(t, P(unit), days, cdays, qty, sign, ccy, &a, &e), 0);
    return a;
}

/* Part A 4: the table itself */
static void test_table(void **state)
{
    (void)state;
    assert_int_equal(rounding_rule_for(CHARGE_NEW)->method, EUP_FULL_CYCLE);
    assert_int_equal(rounding_rule_for(CHARGE_RENEW)->method, EUP_FULL_CYCLE);
    assert_int_equal(rounding_rule_for(CHARGE_CYCLE)->method, EUP_FULL_CYCLE);
    assert_int_equal(rounding_rule_for(CHARGE_ADD_QUANTITY)->method, EUP_EXACT);
    assert_int_equal(rounding_rule_for(CHARGE_REMOVE_QUANTITY)->method, EUP_EXACT);
    assert_int_equal(rounding_rule_for(CHARGE_CANCEL)->method, EUP_TRUNCATED);
    assert_int_equal(rounding_rule_for(CHARGE_CONVERT)->method, EUP_TRUNCATED);
    assert_int_equal(rounding_rule_for(CHARGE_MOVE_QUANTITY)->method, EUP_TRUNCATED);
    for (int t = 0; t < CHARGE__COUNT; t++)
        assert_int_equal(rounding_rule_for((enum charge_type)t)->mode, DEC_ROUND_DOWN);
}

/*
 * §7.5 ex.1: 10 x 10.08 new = 100.8; prepaid annual 10 x 120.96 = 1209.6 (full cycles:
 * subtotal = unit price x quantity, EUP = unit price).
 */
static void test_full_cycle(void **state)
{
    struct line_amounts a;

    (void)state;
    a = line(CHARGE_NEW, "10.08", 30, 30, 10, 1, "EUR");
    assert_dec(a.eup, "10.08");
    assert_dec(a.subtotal, "100.8");
    a = line(CHARGE_RENEW, "120.96", 365, 365, 10, 1, "EUR");
    assert_dec(a.subtotal, "1209.6");
}

/*
 * §7.5 ex.2/3 (ms-02): cycle Jun 18-Jul 17 = 30 days, event Jun 20 -> 28 billing days.
 * EUP = 10.08 x 28 / 30 = 282.24 / 30 = 9.408 exactly.
 *   refund 10: 94.08 -> -94.08; charge 12: 112.896 -> ROUNDDOWN 112.89;
 *   refund 12: -112.89;          charge 8: 75.264 -> 75.26.
 */
static void test_quantity_lines_ms02(void **state)
{
    struct line_amounts a;

    (void)state;
    a = line(CHARGE_ADD_QUANTITY, "10.08", 28, 30, 10, -1, "EUR");
    assert_dec(a.eup, "-9.408");
    assert_dec(a.subtotal, "-94.08");
    a = line(CHARGE_ADD_QUANTITY, "10.08", 28, 30, 12, 1, "EUR");
    assert_dec(a.eup, "9.408");
    assert_dec(a.subtotal, "112.89");
    a = line(CHARGE_REMOVE_QUANTITY, "10.08", 28, 30, 12, -1, "EUR");
    assert_dec(a.subtotal, "-112.89");
    a = line(CHARGE_REMOVE_QUANTITY, "10.08", 28, 30, 8, 1, "EUR");
    assert_dec(a.subtotal, "75.26");
}

/*
 * §7.4 March 2022 series (Formula B): 12 / 31 x 29 = 11.2258...; x 10 = 112.258... -> 112.25;
 * x 15 = 168.387... -> 168.38 (Formula A would give 112.20 and 168.30).
 */
static void test_quantity_lines_march_series(void **state)
{
    (void)state;
    assert_dec(line(CHARGE_ADD_QUANTITY, "12", 29, 31, 10, 1, "EUR").subtotal, "112.25");
    assert_dec(line(CHARGE_ADD_QUANTITY, "12", 29, 31, 15, 1, "EUR").subtotal, "168.38");
    /* 12 / 31 x 26 x 15 = 4680 / 31 = 150.967... -> 150.96 */
    assert_dec(line(CHARGE_ADD_QUANTITY, "12", 26, 31, 15, 1, "EUR").subtotal, "150.96");
}

/*
 * §7.5 ex.4 (ms-03): cancel Jul 17 of Jul 15-Aug 14 (31 days), 29 days left:
 * 10.08 x 29 / 31 = 292.32 / 31 = 9.4296... -> ROUNDDOWN(EUP, 2) = 9.42; x 10 = 94.20, refund.
 * Toward zero: -9.4296 -> -9.42, never -9.43.
 */
static void test_cancel_ms03(void **state)
{
    struct line_amounts a = line(CHARGE_CANCEL, "10.08", 29, 31, 10, -1, "EUR");

    (void)state;
    assert_dec(a.eup, "-9.42");
    assert_dec(a.subtotal, "-94.2");
}

/*
 * §7.5 ex.5 (ms-04/05): upgrade Jun 25 in Jun 18-Jul 17 (30 days), 23 days left:
 * 10.08 x 23 / 30 = 7.728 -> 7.72; x 300 = 2316 (refund); 6.43 x 23 / 30 = 4.9296... -> 4.92;
 * x 300 = 1476. Partial of 100 seats: 772 and 492.
 */
static void test_convert_ms04(void **state)
{
    (void)state;
    assert_dec(line(CHARGE_CONVERT, "10.08", 23, 30, 300, -1, "EUR").subtotal, "-2316");
    assert_dec(line(CHARGE_CONVERT, "6.43", 23, 30, 300, 1, "EUR").subtotal, "1476");
    assert_dec(line(CHARGE_CONVERT, "10.08", 23, 30, 100, -1, "EUR").subtotal, "-772");
    assert_dec(line(CHARGE_CONVERT, "6.43", 23, 30, 100, 1, "EUR").eup, "4.92");
}

/* Part A 3: multiply first — 10.00 x 31 / 31 is 10.00, never 9.99... (1/31 is not finite). */
static void test_exact_whole_cycle(void **state)
{
    (void)state;
    assert_dec(line(CHARGE_ADD_QUANTITY, "10.00", 31, 31, 7, 1, "USD").eup, "10");
    assert_dec(line(CHARGE_ADD_QUANTITY, "10.00", 31, 31, 7, 1, "USD").subtotal, "70");
    assert_dec(line(CHARGE_CANCEL, "10.00", 31, 31, 7, -1, "USD").subtotal, "-70");
    /* 7.42 x 30 / 30 cancelled on the first day: the whole cycle back, -7.42 */
    assert_dec(line(CHARGE_CANCEL, "7.42", 30, 30, 1, -1, "EUR").subtotal, "-7.42");
}

/*
 * Minor units (Part A 4, last bullet).
 * JPY (0): 2064 x 29 / 31 = 59856 / 31 = 1930.8387...; x 13 = 25100.9032... -> 25100;
 *          x 16 = 30893.4193... -> 30893; a convert 1651 x 27 / 30 = 1485.9 -> 1485 (x 6 = 8910).
 * KWD (3): 3.625 x 26 / 30 = 3.141666... -> 3.141; x 5 = 15.705.
 */
static void test_minor_units(void **state)
{
    (void)state;
    assert_dec(line(CHARGE_ADD_QUANTITY, "2064", 29, 31, 13, -1, "JPY").subtotal, "-25100");
    assert_dec(line(CHARGE_ADD_QUANTITY, "2064", 29, 31, 16, 1, "JPY").subtotal, "30893");
    assert_dec(line(CHARGE_CONVERT, "1651", 27, 30, 6, -1, "JPY").eup, "-1485");
    assert_dec(line(CHARGE_CONVERT, "1651", 27, 30, 6, -1, "JPY").subtotal, "-8910");
    assert_dec(line(CHARGE_CANCEL, "3.625", 26, 30, 5, -1, "KWD").subtotal, "-15.705");
}

/*
 * Part A 12: billing_subtotal = ROUNDDOWN(shown EUP x rate, billing minor units) x qty.
 *   new 25.36 USD at 0.940647: 23.854807... -> 23.85 EUR; x 10 = 238.50.
 *   addQuantity, 18 of 30 days: exact EUP 25.36 x 18 / 30 = 15.216; x 0.940647 = 14.3128...
 *     -> 14.31; x 16 = 228.96, x 10 = 143.10 (refund).
 *   cancel, EUP truncated first: 10.08 x 29 / 31 -> 9.42; x 0.9 = 8.478 -> 8.47; x 10 = 84.70.
 */
static void test_fx(void **state)
{
    struct dec out;
    struct err e;

    (void)state;
    assert_int_equal(rounding_billing(CHARGE_NEW, P("25.36"), 30, 30, 10, 1, "USD",
                                      P("0.940647"), "EUR", &out, &e), 0);
    assert_dec(out, "238.5");
    assert_int_equal(rounding_billing(CHARGE_ADD_QUANTITY, P("25.36"), 18, 30, 16, 1, "USD",
                                      P("0.940647"), "EUR", &out, &e), 0);
    assert_dec(out, "228.96");
    assert_int_equal(rounding_billing(CHARGE_ADD_QUANTITY, P("25.36"), 18, 30, 10, -1, "USD",
                                      P("0.940647"), "EUR", &out, &e), 0);
    assert_dec(out, "-143.1");
    assert_int_equal(rounding_billing(CHARGE_CANCEL, P("10.08"), 29, 31, 10, -1, "USD",
                                      P("0.9"), "EUR", &out, &e), 0);
    assert_dec(out, "-84.7");
}

/* ---- lines for events ---- */

static struct catalog cat;

static struct sub active_p1m(void)
{
    struct sub s;

    sub_init(&s);
    s.status = SUB_ACTIVE;
    strcpy(s.sku, "SKU-A");
    strcpy(s.currency, "EUR");
    s.term = TERM_P1M;
    s.billing = BILLING_MONTHLY;
    s.quantity = 10;
    s.unit_price = P("10.08");
    s.term_start = (struct date){2021, 6, 18};
    s.term_end = (struct date){2021, 7, 17};
    return s;
}

/* Part A 5: a seat change is a pair of lines of one type over the same days. */
static void test_event_quantity_pair(void **state)
{
    struct billing_env env = {&cat, "EUR"};
    struct sub before = active_p1m(), after = before;
    struct lc_event ev = {.kind = EV_QUANTITY_CHANGED, .quantity = 12};
    struct charge_line l[CHARGES_PER_EVENT_MAX];
    struct err e;
    int n;

    (void)state;
    ev.at = instant_from_date((struct date){2021, 6, 20}) + 9 * 3600;
    sub_apply(&after, &ev);
    assert_int_equal(charges_for_event(&env, &before, &ev, &after, l, &n, &e), 0);
    assert_int_equal(n, 2);
    assert_int_equal(l[0].type, CHARGE_ADD_QUANTITY);
    assert_int_equal(l[1].type, CHARGE_ADD_QUANTITY);
    assert_int_equal(l[0].quantity, 10);
    assert_int_equal(l[1].quantity, 12);
    assert_int_equal(l[0].start.day, 20);
    assert_int_equal(l[0].end.month, 7);
    assert_int_equal(l[0].end.day, 17);
    assert_dec(l[0].subtotal, "-94.08");
    assert_dec(l[1].subtotal, "112.89");
    assert_dec(l[1].billing_subtotal, "112.89"); /* same currency: equal to the subtotal */
    assert_false(l[0].est);
}

/* Part A 6: cancel refunds the cancel day to the cycle end; Part A 14: EST refunds are est. */
static void test_event_cancel_est(void **state)
{
    struct billing_env env = {&cat, "USD"};
    struct sub before, after;
    struct lc_event ev = {.kind = EV_CANCELLED};
    struct charge_line l[CHARGES_PER_EVENT_MAX];
    struct err e;
    int n;

    (void)state;
    before = active_p1m();
    strcpy(before.currency, "USD");
    before.status = SUB_EST;
    before.quantity = 15;
    before.unit_price = P("7.52");
    before.term_start = (struct date){2026, 9, 30};
    before.term_end = (struct date){2026, 10, 29};
    after = before;
    ev.at = instant_from_date((struct date){2026, 10, 12}) + 3600;
    sub_apply(&after, &ev);
    assert_int_equal(charges_for_event(&env, &before, &ev, &after, l, &n, &e), 0);
    assert_int_equal(n, 1);
    assert_int_equal(l[0].type, CHARGE_CANCEL);
    assert_true(l[0].est);
    /* Oct 12-Oct 29 = 18 of 30 days: 7.52 x 18 / 30 = 4.512 -> 4.51; x 15 = 67.65 */
    assert_dec(l[0].effective_unit_price, "-4.51");
    assert_dec(l[0].subtotal, "-67.65");
    assert_int_equal(after.status, SUB_CANCELLED);
    assert_int_equal(after.quantity, 15); /* Part A 14: keeps its last quantity */
}

/* A missing exchange rate leaves the billing subtotal unknown, never a guess. */
static void test_fx_missing_rate(void **state)
{
    struct billing_env env = {&cat, "EUR"};
    struct sub before, after;
    struct lc_event ev = {.kind = EV_CYCLE_CHARGED, .cycle = 1};
    struct charge_line l[CHARGES_PER_EVENT_MAX];
    struct err e;
    int n;

    (void)state;
    before = active_p1m();
    strcpy(before.currency, "USD");
    before.billing = BILLING_MONTHLY;
    before.term = TERM_P1Y;
    before.term_end = (struct date){2022, 6, 17};
    after = before;
    ev.at = instant_from_date((struct date){2021, 7, 18});
    sub_apply(&after, &ev);
    assert_int_equal(charges_for_event(&env, &before, &ev, &after, l, &n, &e), 0);
    assert_int_equal(n, 1);
    assert_int_equal(l[0].type, CHARGE_CYCLE);
    assert_false(l[0].has_billing_subtotal);
    assert_dec(l[0].subtotal, "100.8");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_full_cycle),
        cmocka_unit_test(test_quantity_lines_ms02),
        cmocka_unit_test(test_quantity_lines_march_series),
        cmocka_unit_test(test_cancel_ms03),
        cmocka_unit_test(test_convert_ms04),
        cmocka_unit_test(test_exact_whole_cycle),
        cmocka_unit_test(test_minor_units),
        cmocka_unit_test(test_fx),
        cmocka_unit_test(test_event_quantity_pair),
        cmocka_unit_test(test_event_cancel_est),
        cmocka_unit_test(test_fx_missing_rate),
    };
    int rc;

    catalog_init(&cat, "");
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    catalog_release(&cat);
    return rc;
}
