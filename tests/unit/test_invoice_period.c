/*
 * tests/unit/test_invoice_period.c — domain/invoice billing periods on an anchor day D
 * (invoice.h "Billing periods"): which period a date falls in, a period's first and last day,
 * the period before, and which period the daily close step closes on a day.
 *
 * Expected dates are worked by hand from the rule "period YYYY-MM runs from day D of that
 * month to day D-1 of the next" and the Gregorian calendar (2026 and 2027 are common years,
 * 2028 is a leap year), never copied from the code's output. D = 1 is checked against the
 * calendar month for every day of 2026-2028, the behaviour before anchors existed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/date.h"
#include "domain/invoice/invoice.h"

static struct date D(int y, int m, int d)
{
    return (struct date){y, m, d};
}

static const char *of(int y, int m, int d, int anchor)
{
    static char out[INVOICE_PERIOD_MAX];

    invoice_period_of_day(D(y, m, d), anchor, out);
    return out;
}

static void bounds(const char *period, int anchor, struct date *f, struct date *l)
{
    struct err e;

    assert_int_equal(invoice_period_bounds(period, anchor, f, l, &e), 0);
}

#define assert_date(a, y, m, d)                                                              \
    do {                                                                                     \
        struct date got_ = (a);                                                              \
        assert_int_equal(got_.year, (y));                                                    \
        assert_int_equal(got_.month, (m));                                                   \
        assert_int_equal(got_.day, (d));                                                     \
    } while (0)

/* D = 1 is the calendar month, exactly as invoice_period_of / _parse were before anchors. */
static void test_anchor_1_is_the_calendar_month(void **state)
{
    struct date day = D(2026, 1, 1), f, l, f1, l1;
    char a[INVOICE_PERIOD_MAX], b[INVOICE_PERIOD_MAX], want[INVOICE_PERIOD_MAX];
    struct err e;

    (void)state;
    for (int i = 0; i < 3 * 366; i++, day = date_add_days(day, 1)) {
        invoice_period_of_day(day, 1, a);
        invoice_period_of(day, b);
        snprintf(want, sizeof(want), "%04d-%02d", day.year, day.month);
        assert_string_equal(a, want);
        assert_string_equal(b, want);
    }
    bounds("2028-02", 1, &f, &l);
    assert_date(f, 2028, 2, 1);
    assert_date(l, 2028, 2, 29);
    assert_int_equal(invoice_period_parse("2026-11", &f1, &l1, &e), 0);
    assert_date(f1, 2026, 11, 1);
    assert_date(l1, 2026, 11, 30);
    /* an anchor of 0 (a snapshot from before anchors) is 1 */
    bounds("2026-11", 0, &f, &l);
    assert_date(f, 2026, 11, 1);
    assert_date(l, 2026, 11, 30);
    assert_string_equal(of(2026, 11, 1, 0), "2026-11");
}

/* D = 15: 2026-11 is 2026-11-15 .. 2026-12-14; the day before the anchor is the period before. */
static void test_anchor_15_at_the_edges(void **state)
{
    struct date f, l;

    (void)state;
    bounds("2026-11", 15, &f, &l);
    assert_date(f, 2026, 11, 15);
    assert_date(l, 2026, 12, 14);
    assert_string_equal(of(2026, 11, 14, 15), "2026-10"); /* the day before the anchor */
    assert_string_equal(of(2026, 11, 15, 15), "2026-11"); /* at the anchor */
    assert_string_equal(of(2026, 12, 14, 15), "2026-11"); /* the period's last day */
    assert_string_equal(of(2026, 12, 15, 15), "2026-12");
    assert_string_equal(of(2026, 11, 1, 15), "2026-10");
}

/* December -> January: the year changes inside the period and before the anchor. */
static void test_year_change(void **state)
{
    struct date f, l;

    (void)state;
    bounds("2026-12", 15, &f, &l);
    assert_date(f, 2026, 12, 15);
    assert_date(l, 2027, 1, 14); /* the next month is January of the next year */
    assert_string_equal(of(2027, 1, 14, 15), "2026-12");
    assert_string_equal(of(2027, 1, 15, 15), "2027-01");
    assert_string_equal(of(2027, 1, 1, 28), "2026-12"); /* Jan 1 before day 28: December's */
    bounds("2026-12", 1, &f, &l);
    assert_date(l, 2026, 12, 31);
}

/* D = 28 around February: 2027 is common (28 days), 2028 leap (29 days). */
static void test_anchor_28_around_february(void **state)
{
    struct date f, l;

    (void)state;
    bounds("2027-01", 28, &f, &l);
    assert_date(f, 2027, 1, 28);
    assert_date(l, 2027, 2, 27);
    bounds("2027-02", 28, &f, &l);
    assert_date(f, 2027, 2, 28); /* February's last day starts its period */
    assert_date(l, 2027, 3, 27);
    assert_string_equal(of(2027, 2, 27, 28), "2027-01");
    assert_string_equal(of(2027, 2, 28, 28), "2027-02");
    assert_string_equal(of(2027, 3, 1, 28), "2027-02");
    assert_string_equal(of(2028, 2, 29, 28), "2028-02"); /* leap day: on or after the 28th */
    bounds("2028-01", 28, &f, &l);
    assert_date(l, 2028, 2, 27);
    /* 2027-02 (28 Feb .. 27 Mar) has 28 days; 2027-01 (28 Jan .. 27 Feb) has 31 */
    bounds("2027-02", 28, &f, &l);
    assert_int_equal(date_days_inclusive(f, l), 28);
    bounds("2027-01", 28, &f, &l);
    assert_int_equal(date_days_inclusive(f, l), 31);
}

/* Every day belongs to exactly one period, and the periods follow each other without a gap. */
static void test_periods_tile_the_calendar(void **state)
{
    (void)state;
    for (int anchor = 1; anchor <= 28; anchor++) {
        struct date day = D(2026, 1, 1);

        for (int i = 0; i < 3 * 366; i++, day = date_add_days(day, 1)) {
            char p[INVOICE_PERIOD_MAX];
            struct date f, l;

            invoice_period_of_day(day, anchor, p);
            bounds(p, anchor, &f, &l);
            assert_true(date_cmp(f, day) <= 0 && date_cmp(day, l) <= 0);
            /* the next period starts the day after this one's last */
            if (date_cmp(day, l) == 0) {
                char q[INVOICE_PERIOD_MAX];
                struct date f2, l2;

                invoice_period_of_day(date_add_days(day, 1), anchor, q);
                bounds(q, anchor, &f2, &l2);
                assert_date(f2, date_add_days(day, 1).year, date_add_days(day, 1).month,
                            date_add_days(day, 1).day);
            }
        }
    }
}

static void test_bad_input(void **state)
{
    struct date f, l;
    char out[INVOICE_PERIOD_MAX];
    struct err e;

    (void)state;
    assert_int_equal(invoice_period_bounds("2026-11", 29, &f, &l, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_string_equal(e.field, "period_day");
    assert_int_equal(invoice_period_bounds("2026-11", -1, &f, &l, &e), -1);
    assert_int_equal(invoice_period_bounds("2026-13", 15, &f, &l, &e), -1);
    assert_int_equal(e.code, ERR_PARSE);
    assert_string_equal(e.field, "period");
    assert_int_equal(invoice_period_bounds("2026-1x", 15, &f, &l, &e), -1);
    assert_int_equal(invoice_period_bounds("26-11", 15, &f, &l, &e), -1);
    assert_int_equal(invoice_period_bounds(NULL, 15, &f, &l, &e), -1);
    assert_false(invoice_period_day_valid(0));
    assert_true(invoice_period_day_valid(1));
    assert_true(invoice_period_day_valid(28));
    assert_false(invoice_period_day_valid(29));
    assert_int_equal(invoice_period_prev("2027-01", out, &e), 0);
    assert_string_equal(out, "2026-12");
    assert_int_equal(invoice_period_prev("2026-11", out, &e), 0);
    assert_string_equal(out, "2026-10");
}

static const char *due(int y, int m, int d, int anchor, int close_day)
{
    static char out[INVOICE_PERIOD_MAX];

    if (!invoice_period_due(D(y, m, d), anchor, close_day, out))
        return "-";
    return out;
}

/*
 * The daily step: on a day >= close day C, the latest period that ended before day C of the
 * month. D = 1 is the previous calendar month from day C on (the behaviour before anchors).
 */
static void test_due_period(void **state)
{
    (void)state;
    /* D = 1, C = 1: every day of December closes November */
    assert_string_equal(due(2026, 12, 1, 1, 1), "2026-11");
    assert_string_equal(due(2026, 12, 31, 1, 1), "2026-11");
    assert_string_equal(due(2027, 1, 1, 1, 1), "2026-12");
    /* D = 1, C = 5: nothing before the 5th, then the previous month (catch-up after) */
    assert_string_equal(due(2026, 12, 4, 1, 5), "-");
    assert_string_equal(due(2026, 12, 5, 1, 5), "2026-11");
    assert_string_equal(due(2026, 12, 9, 1, 5), "2026-11");
    /* D = 15, C = 15: 2026-11 ends 2026-12-14; due from 2026-12-15 */
    assert_string_equal(due(2026, 12, 14, 15, 15), "-");
    assert_string_equal(due(2026, 12, 15, 15, 15), "2026-11");
    assert_string_equal(due(2026, 12, 20, 15, 15), "2026-11"); /* a missed run catches up */
    /* D = 15, C = 1: on 2026-12-01 the latest period ended before it is 2026-10 (to 11-14) */
    assert_string_equal(due(2026, 12, 1, 15, 1), "2026-10");
    assert_string_equal(due(2027, 1, 1, 15, 1), "2026-11");
    /* D = 15, C = 5: 2026-12-05 is inside 2026-11 (to 12-14): 2026-10; 2027-01-05: 2026-11 */
    assert_string_equal(due(2026, 12, 5, 15, 5), "2026-10");
    assert_string_equal(due(2027, 1, 5, 15, 5), "2026-11");
    /* D = 15, C = 20: 2026-11 from 2026-12-20 */
    assert_string_equal(due(2026, 12, 19, 15, 20), "-");
    assert_string_equal(due(2026, 12, 20, 15, 20), "2026-11");
    /* D = 28, C = 28 around February 2027: 2027-01 ends 02-27, due on 02-28 */
    assert_string_equal(due(2027, 2, 28, 28, 28), "2027-01");
    assert_string_equal(due(2027, 3, 28, 28, 28), "2027-02");
    /* year change: D = 1, January closes December of the year before */
    assert_string_equal(due(2027, 1, 3, 1, 3), "2026-12");
}

/* The printed period: the label on calendar months (as before), the dates otherwise. */
static void test_period_text(void **state)
{
    char out[INVOICE_PERIOD_TEXT_MAX];

    (void)state;
    invoice_period_text("2026-11", 1, out);
    assert_string_equal(out, "2026-11");
    invoice_period_text("2026-11", 0, out);
    assert_string_equal(out, "2026-11");
    invoice_period_text("2026-11", 15, out);
    assert_string_equal(out, "15 Nov 2026 - 14 Dec 2026");
    invoice_period_text("2026-12", 2, out);
    assert_string_equal(out, "2 Dec 2026 - 1 Jan 2027");
    invoice_period_text("bad", 15, out);
    assert_string_equal(out, "bad");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_anchor_1_is_the_calendar_month),
        cmocka_unit_test(test_anchor_15_at_the_edges),
        cmocka_unit_test(test_year_change),
        cmocka_unit_test(test_anchor_28_around_february),
        cmocka_unit_test(test_periods_tile_the_calendar),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_due_period),
        cmocka_unit_test(test_period_text),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
