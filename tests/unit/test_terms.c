/*
 * tests/unit/test_terms.c — domain/lifecycle/terms: term ends, charge cycles, billing days
 * (nce-rules.md §7.1, Part A 1).
 *
 * Golden tests: the month-end tables and examples of §7.1 copied from Microsoft's text, and the
 * rest worked by hand with "start + N months - 1 day, clamping to the month's end" — never
 * taken from the code's output. Each expectation says where it comes from.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "domain/lifecycle/terms.h"

static struct date D(int y, int m, int d)
{
    return (struct date){y, m, d};
}

#define assert_date(a, y, m, d)                 \
    do {                                        \
        struct date got_ = (a);                 \
        assert_int_equal(got_.year, (y));       \
        assert_int_equal(got_.month, (m));      \
        assert_int_equal(got_.day, (d));        \
    } while (0)

/* §7.1 "Normal case": Jun 18 -> Jul 17; Sep 20 2021 -> Sep 19 2022; P3Y May 25 2021 -> May 24 2024 */
static void test_normal_terms(void **state)
{
    (void)state;
    assert_date(term_end_date(D(2021, 6, 18), 1), 2021, 7, 17);
    assert_date(term_end_date(D(2021, 9, 20), 12), 2022, 9, 19);
    assert_date(term_end_date(D(2021, 5, 25), 36), 2024, 5, 24);
}

/*
 * §7.1 buying on the last day of a month, monthly term: ends on the "30th day of a month with
 * 31 days / 29th day of the month with 30 days / 28th day of February in a leap year / 27th day
 * of February in non-leap years" (e.g. Jan 31 2021 -> Feb 27 2021, renews Feb 28).
 */
static void test_last_day_of_month(void **state)
{
    (void)state;
    assert_date(term_end_date(D(2021, 7, 31), 1), 2021, 8, 30);  /* Aug has 31: the 30th */
    assert_date(term_end_date(D(2021, 5, 31), 1), 2021, 6, 29);  /* Jun has 30: the 29th */
    assert_date(term_end_date(D(2024, 1, 31), 1), 2024, 2, 28);  /* leap Feb: the 28th */
    assert_date(term_end_date(D(2021, 1, 31), 1), 2021, 2, 27);  /* Microsoft's example */
    assert_date(date_add_days(term_end_date(D(2021, 1, 31), 1), 1), 2021, 2, 28); /* renews */
}

/*
 * §7.1 buying on the day before the last day: ends the "29th day of a month with 31 days /
 * 28th day of a month with 30 days" (bought on the 30th of a 31-day month / the 29th of a
 * 30-day month), e.g. Jan 30 -> Feb 27 (Feb clamps first).
 */
static void test_day_before_last(void **state)
{
    (void)state;
    assert_date(term_end_date(D(2021, 7, 30), 1), 2021, 8, 29);
    assert_date(term_end_date(D(2021, 3, 30), 1), 2021, 4, 29);
    assert_date(term_end_date(D(2021, 6, 29), 1), 2021, 7, 28);
    assert_date(term_end_date(D(2021, 4, 29), 1), 2021, 5, 28);
    assert_date(term_end_date(D(2021, 1, 30), 1), 2021, 2, 27);  /* Microsoft's example */
    assert_date(term_end_date(D(2024, 1, 30), 1), 2024, 2, 28);  /* Feb 29 - 1 in a leap year */
}

/*
 * §7.1: monthly cycles of an annual subscription bought Jan 31 2021: "Jan 31-Feb 27,
 * Feb 28-Mar 30, Mar 31-Apr 29, Apr 30-May 30, May 31-Jun 29, Jun 30-Jul 30, Jul 31-Aug 30, ...
 * Dec 31-Jan 30 2022 (term end Jan 30 2022)". The elided ones by hand: Aug 31 + 1 month =
 * Sep 30 (clamped) so Aug 31-Sep 29; Sep 30-Oct 30; Oct 31-Nov 29; Nov 30-Dec 30.
 */
static void test_cycles_anchored_jan31(void **state)
{
    static const int want[12][4] = {
        {1, 31, 2, 27}, {2, 28, 3, 30}, {3, 31, 4, 29}, {4, 30, 5, 30},
        {5, 31, 6, 29}, {6, 30, 7, 30}, {7, 31, 8, 30}, {8, 31, 9, 29},
        {9, 30, 10, 30}, {10, 31, 11, 29}, {11, 30, 12, 30}, {12, 31, 1, 30},
    };

    (void)state;
    for (int k = 0; k < 12; k++) {
        struct period p = cycle_period(D(2021, 1, 31), 1, k);

        assert_date(p.start, 2021, want[k][0], want[k][1]);
        assert_date(p.end, k == 11 ? 2022 : 2021, want[k][2], want[k][3]);
    }
    assert_date(term_end_date(D(2021, 1, 31), 12), 2022, 1, 30);
}

/* Part A 1: cycle k is never chained from the previous cycle (chaining Feb 28 + 1 month - 1
 * would give Mar 27, not Mar 30). */
static void test_cycles_not_chained(void **state)
{
    struct period p1 = cycle_period(D(2021, 1, 31), 1, 1);
    struct period chained = {p1.start, term_end_date(p1.start, 1)};

    (void)state;
    assert_date(p1.end, 2021, 3, 30);
    assert_date(chained.end, 2021, 3, 27);
}

/* §7.1: bought Feb 21 2022: Feb 21-Mar 20 is 28 charge-cycle days; Mar 21-Apr 20 is 31. */
static void test_cycle_days(void **state)
{
    struct period a = cycle_period(D(2022, 2, 21), 1, 0), b = cycle_period(D(2022, 2, 21), 1, 1);

    (void)state;
    assert_date(a.end, 2022, 3, 20);
    assert_int_equal(period_days(a), 28);
    assert_date(b.start, 2022, 3, 21);
    assert_date(b.end, 2022, 4, 20);
    assert_int_equal(period_days(b), 31);
    /* Part A 3: Jun 18-Jul 17 has 30 */
    assert_int_equal(period_days(cycle_period(D(2021, 6, 18), 1, 0)), 30);
}

/* §7.2 billing days, both ends counted: Jun 20->Jul 17 = 28; Mar 7->Apr 4 = 29; Jul 17->Aug 14
 * = 29 (all three match Microsoft's worked examples). */
static void test_billing_days(void **state)
{
    (void)state;
    assert_int_equal(period_days((struct period){D(2021, 6, 20), D(2021, 7, 17)}), 28);
    assert_int_equal(period_days((struct period){D(2022, 3, 7), D(2022, 4, 4)}), 29);
    assert_int_equal(period_days((struct period){D(2021, 7, 17), D(2021, 8, 14)}), 29);
}

/* Annual and triennial cycles; the leap-day purchase of Part A 15 "Calendar". */
static void test_long_cycles_and_leap_day(void **state)
{
    struct period p;

    (void)state;
    /* P1Y bought 2028-02-29 ends 2029-02-27 (Part A 15): Feb 29 + 12 months = Feb 28, - 1 */
    assert_date(term_end_date(D(2028, 2, 29), 12), 2029, 2, 27);
    /* P3Y billed annually from 2028-02-29: cycles Feb 29-Feb 27, Feb 28-Feb 27, Feb 28-Feb 27 */
    p = cycle_period(D(2028, 2, 29), 12, 0);
    assert_date(p.end, 2029, 2, 27);
    assert_int_equal(period_days(p), 365);
    p = cycle_period(D(2028, 2, 29), 12, 1);
    assert_date(p.start, 2029, 2, 28);
    assert_date(p.end, 2030, 2, 27);
    assert_date(term_end_date(D(2028, 2, 29), 36), 2031, 2, 27);
    /* a year starting 2027-03-01 holds 2028-02-29: 366 days */
    p = cycle_period(D(2027, 3, 1), 12, 0);
    assert_date(p.end, 2028, 2, 29);
    assert_int_equal(period_days(p), 366);
}

static void test_cycle_index_of(void **state)
{
    struct date a = D(2021, 1, 31);

    (void)state;
    assert_int_equal(cycle_index_of(a, 1, D(2021, 1, 30)), -1);
    assert_int_equal(cycle_index_of(a, 1, D(2021, 1, 31)), 0);
    assert_int_equal(cycle_index_of(a, 1, D(2021, 2, 27)), 0);
    assert_int_equal(cycle_index_of(a, 1, D(2021, 2, 28)), 1);
    assert_int_equal(cycle_index_of(a, 1, D(2021, 3, 30)), 1);
    assert_int_equal(cycle_index_of(a, 1, D(2021, 3, 31)), 2);
    assert_int_equal(cycle_index_of(a, 1, D(2022, 1, 30)), 11);
    assert_int_equal(cycle_index_of(a, 1, D(2022, 1, 31)), 12);
    assert_int_equal(cycle_index_of(D(2021, 6, 18), 12, D(2022, 6, 17)), 0);
    assert_int_equal(cycle_index_of(D(2021, 6, 18), 12, D(2022, 6, 18)), 1);
    /* every day of three years lies inside the cycle the function names */
    for (int i = 0; i < 3 * 366; i++) {
        struct date d = date_add_days(a, i);
        int k = cycle_index_of(a, 1, d);
        struct period p = cycle_period(a, 1, k);

        assert_true(date_cmp(p.start, d) <= 0 && date_cmp(d, p.end) <= 0);
    }
}

/* Part A 15 "EST months": successive one-month terms, each from the day after the previous
 * ends: Dec 31 2026 -> Jan 30 2027; then Jan 31-Feb 27, Feb 28-Mar 27, Mar 28-Apr 27. */
static void test_est_months_chained(void **state)
{
    struct date s = D(2026, 12, 31), e;
    static const int want[4][4] = {{12, 31, 1, 30}, {1, 31, 2, 27}, {2, 28, 3, 27},
                                   {3, 28, 4, 27}};

    (void)state;
    for (int i = 0; i < 4; i++) {
        e = term_end_date(s, 1);
        assert_int_equal(s.month, want[i][0]);
        assert_int_equal(s.day, want[i][1]);
        assert_int_equal(e.month, want[i][2]);
        assert_int_equal(e.day, want[i][3]);
        s = date_add_days(e, 1);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normal_terms),
        cmocka_unit_test(test_last_day_of_month),
        cmocka_unit_test(test_day_before_last),
        cmocka_unit_test(test_cycles_anchored_jan31),
        cmocka_unit_test(test_cycles_not_chained),
        cmocka_unit_test(test_cycle_days),
        cmocka_unit_test(test_billing_days),
        cmocka_unit_test(test_long_cycles_and_leap_day),
        cmocka_unit_test(test_cycle_index_of),
        cmocka_unit_test(test_est_months_chained),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
