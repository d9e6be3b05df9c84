/*
 * tests/unit/test_date.c — core/date: calendar rules, month arithmetic, ISO 8601 text.
 *
 * Every expected value here was worked out by hand from the Gregorian rules or taken from
 * Microsoft's own examples (nce-rules.md §7.1, §7.2), never copied from the code's output.
 * Well-known Unix times anchor the instant tests (946684800 = 2000-01-01T00:00:00Z,
 * 1234567890 = 2009-02-13T23:31:30Z, 2147483647 = 2038-01-19T03:14:07Z). The day-number
 * round trip is checked against a naive day-by-day calendar walk over all of years 1..9999
 * (STYLE.md rule 15).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/date.h"

static struct date D(int y, int m, int d)
{
    return (struct date){ y, m, d };
}

#define assert_date_equal(a, y, m, d)           \
    do {                                        \
        struct date got_ = (a);                 \
        assert_int_equal(got_.year, (y));       \
        assert_int_equal(got_.month, (m));      \
        assert_int_equal(got_.day, (d));        \
    } while (0)

/* The 1-based position named in an error message ("... position 12 ..."), or -1. */
static long err_position(const struct err *e)
{
    const char *p = strstr(e->msg, "position ");
    long v = 0;

    if (!p)
        return -1;
    p += strlen("position ");
    if (*p < '0' || *p > '9')
        return -1;
    while (*p >= '0' && *p <= '9')
        v = v * 10 + (*p++ - '0');
    return v;
}

static void check_date_error(const char *text, long pos)
{
    struct err e;
    struct date d = D(1234, 5, 6);

    err_clear(&e);
    assert_int_equal(date_parse_cstr(text, &d, &e), -1);
    assert_int_equal(e.code, ERR_PARSE);
    if (err_position(&e) != pos)
        fail_msg("\"%s\": expected position %ld, message \"%s\"", text, pos, e.msg);
    assert_date_equal(d, 1234, 5, 6); /* untouched on failure */
}

static void check_instant_error(const char *text, long pos)
{
    struct err e;
    instant_t t = 42;

    err_clear(&e);
    assert_int_equal(instant_parse_cstr(text, &t, &e), -1);
    assert_int_equal(e.code, ERR_PARSE);
    if (pos > 0 && err_position(&e) != pos)
        fail_msg("\"%s\": expected position %ld, message \"%s\"", text, pos, e.msg);
    assert_int_equal(t, 42);
}

static instant_t parse_instant_ok(const char *text)
{
    struct err e;
    instant_t t = 0;

    err_clear(&e);
    if (instant_parse_cstr(text, &t, &e) != 0)
        fail_msg("\"%s\": %s", text, e.msg);
    return t;
}

static struct date parse_date_ok(const char *text)
{
    struct err e;
    struct date d = D(0, 0, 0);

    err_clear(&e);
    if (date_parse_cstr(text, &d, &e) != 0)
        fail_msg("\"%s\": %s", text, e.msg);
    return d;
}

/* ---- calendar rules ------------------------------------------------------------------ */

static void test_leap_years(void **state)
{
    (void)state;
    assert_false(date_is_leap_year(1900)); /* divisible by 100, not by 400 */
    assert_true(date_is_leap_year(2000));  /* divisible by 400 */
    assert_true(date_is_leap_year(2024));
    assert_true(date_is_leap_year(2028));
    assert_false(date_is_leap_year(2100));
    assert_false(date_is_leap_year(2026));
    assert_false(date_is_leap_year(2027));
    assert_true(date_is_leap_year(1600));
    assert_true(date_is_leap_year(4));
    assert_false(date_is_leap_year(1));
}

static void test_days_in_month(void **state)
{
    static const int y2026[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

    (void)state;
    for (int m = 1; m <= 12; m++)
        assert_int_equal(date_days_in_month(2026, m), y2026[m - 1]);
    assert_int_equal(date_days_in_month(2024, 2), 29);
    assert_int_equal(date_days_in_month(2028, 2), 29);
    assert_int_equal(date_days_in_month(1900, 2), 28);
    assert_int_equal(date_days_in_month(2000, 2), 29);
    assert_int_equal(date_days_in_month(2100, 2), 28);
    assert_int_equal(date_days_in_month(2026, 0), 0);
    assert_int_equal(date_days_in_month(2026, 13), 0);
}

static void test_is_valid(void **state)
{
    (void)state;
    assert_true(date_is_valid(D(2028, 2, 29)));
    assert_false(date_is_valid(D(2026, 2, 29)));
    assert_false(date_is_valid(D(2100, 2, 29)));
    assert_false(date_is_valid(D(2026, 13, 1)));
    assert_false(date_is_valid(D(2026, 0, 1)));
    assert_false(date_is_valid(D(2026, 4, 31)));
    assert_false(date_is_valid(D(2026, 1, 0)));
    assert_true(date_is_valid(D(1, 1, 1)));
    assert_true(date_is_valid(D(9999, 12, 31)));
    assert_false(date_is_valid(D(0, 12, 31)));
    assert_false(date_is_valid(D(10000, 1, 1)));
}

static void test_to_days_known_values(void **state)
{
    (void)state;
    assert_int_equal(date_to_days(D(1970, 1, 1)), 0);
    assert_int_equal(date_to_days(D(1970, 1, 2)), 1);
    assert_int_equal(date_to_days(D(1969, 12, 31)), -1);
    assert_int_equal(date_to_days(D(1971, 1, 1)), 365);
    assert_int_equal(date_to_days(D(1973, 1, 1)), 365 * 3 + 1); /* 1972 is leap */
    /* 1970..1999: 30 years, 7 leap years (1972 .. 1996). */
    assert_int_equal(date_to_days(D(2000, 1, 1)), 30 * 365 + 7);
    assert_int_equal(date_to_days(D(2000, 3, 1)), 30 * 365 + 7 + 31 + 29);
    /* 1..1969: 1969 years, 492 - 19 + 4 = 477 leap years. */
    assert_int_equal(date_to_days(D(1, 1, 1)), -(1969 * 365 + 477));
}

static void test_from_days_known_values(void **state)
{
    (void)state;
    assert_date_equal(date_from_days(0), 1970, 1, 1);
    assert_date_equal(date_from_days(-1), 1969, 12, 31);
    assert_date_equal(date_from_days(31), 1970, 2, 1);
    assert_date_equal(date_from_days(30 * 365 + 7), 2000, 1, 1);
    assert_date_equal(date_from_days(30 * 365 + 7 + 31 + 28), 2000, 2, 29);
    assert_date_equal(date_from_days(-(1969 * 365 + 477)), 1, 1, 1);
}

/* Walk every day of years 1..9999 naively and compare both directions. */
static void test_days_round_trip_all_years(void **state)
{
    struct date naive = D(1, 1, 1);
    int32_t n = date_to_days(naive);
    long count = 0;

    (void)state;
    for (;;) {
        struct date got = date_from_days(n);

        if (got.year != naive.year || got.month != naive.month || got.day != naive.day)
            fail_msg("day %d: got %d-%d-%d, want %d-%d-%d", n, got.year, got.month, got.day,
                     naive.year, naive.month, naive.day);
        if (date_to_days(naive) != n)
            fail_msg("%d-%d-%d: to_days %d, want %d", naive.year, naive.month, naive.day,
                     date_to_days(naive), n);
        count++;
        if (naive.year == 9999 && naive.month == 12 && naive.day == 31)
            break;
        n++;
        /* The naive successor, from the rules alone. */
        {
            int feb = (naive.year % 4 == 0 && naive.year % 100 != 0) || naive.year % 400 == 0
                          ? 29
                          : 28;
            int len[12] = { 31, feb, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

            if (++naive.day > len[naive.month - 1]) {
                naive.day = 1;
                if (++naive.month > 12) {
                    naive.month = 1;
                    naive.year++;
                }
            }
        }
    }
    /* 9999 years = 24.9975 400-year eras of 146097 days. */
    assert_int_equal(count, 9999L * 365 + 9999 / 4 - 9999 / 100 + 9999 / 400);
}

static void test_days_between_across_years(void **state)
{
    (void)state;
    assert_int_equal(date_days_between(D(2026, 1, 1), D(2027, 1, 1)), 365);
    assert_int_equal(date_days_between(D(2024, 1, 1), D(2025, 1, 1)), 366);
    /* Contains 2028-02-29. */
    assert_int_equal(date_days_between(D(2027, 3, 1), D(2028, 3, 1)), 366);
    /* Starts just after it. */
    assert_int_equal(date_days_between(D(2028, 3, 1), D(2029, 3, 1)), 365);
    assert_int_equal(date_days_between(D(2027, 2, 28), D(2027, 3, 1)), 1);
    assert_int_equal(date_days_between(D(2028, 2, 28), D(2028, 3, 1)), 2);
    assert_int_equal(date_days_between(D(2100, 1, 1), D(2101, 1, 1)), 365);
    assert_int_equal(date_days_between(D(2000, 1, 1), D(2001, 1, 1)), 366);
    assert_int_equal(date_days_between(D(2027, 1, 1), D(2026, 1, 1)), -365);
    assert_int_equal(date_days_between(D(2026, 5, 4), D(2026, 5, 4)), 0);
    /* 400 Gregorian years: 146097 days. */
    assert_int_equal(date_days_between(D(1600, 1, 1), D(2000, 1, 1)), 146097);
}

/* nce-rules.md §7.2: billing days count both ends. */
static void test_days_inclusive_microsoft_examples(void **state)
{
    (void)state;
    assert_int_equal(date_days_inclusive(D(2021, 6, 20), D(2021, 7, 17)), 28);
    assert_int_equal(date_days_inclusive(D(2022, 3, 7), D(2022, 4, 4)), 29);
    assert_int_equal(date_days_inclusive(D(2021, 7, 17), D(2021, 8, 14)), 29);
    /* Part A 3: a monthly cycle Jun 18 - Jul 17 has 30 days. */
    assert_int_equal(date_days_inclusive(D(2021, 6, 18), D(2021, 7, 17)), 30);
    assert_int_equal(date_days_inclusive(D(2026, 5, 4), D(2026, 5, 4)), 1);
    assert_int_equal(date_days_inclusive(D(2026, 1, 1), D(2026, 12, 31)), 365);
    assert_int_equal(date_days_inclusive(D(2028, 1, 1), D(2028, 12, 31)), 366);
}

/* nce-rules.md §7.1: bought Feb 21 2022 -> Feb 21 - Mar 20 = 28 days, Mar 21 - Apr 20 = 31. */
static void test_charge_cycle_days_feb21(void **state)
{
    struct date anchor = D(2022, 2, 21);
    struct date end0 = date_add_days(date_add_months(anchor, 1), -1);
    struct date start1 = date_add_months(anchor, 1);
    struct date end1 = date_add_days(date_add_months(anchor, 2), -1);

    (void)state;
    assert_date_equal(end0, 2022, 3, 20);
    assert_int_equal(date_days_inclusive(anchor, end0), 28);
    assert_date_equal(start1, 2022, 3, 21);
    assert_date_equal(end1, 2022, 4, 20);
    assert_int_equal(date_days_inclusive(start1, end1), 31);
}

static void test_cmp(void **state)
{
    (void)state;
    assert_int_equal(date_cmp(D(2026, 1, 1), D(2026, 1, 1)), 0);
    assert_int_equal(date_cmp(D(2026, 1, 1), D(2026, 1, 2)), -1);
    assert_int_equal(date_cmp(D(2026, 1, 2), D(2026, 1, 1)), 1);
    assert_int_equal(date_cmp(D(2026, 1, 31), D(2026, 2, 1)), -1);
    assert_int_equal(date_cmp(D(2025, 12, 31), D(2026, 1, 1)), -1);
    assert_int_equal(date_cmp(D(2027, 1, 1), D(2026, 12, 31)), 1);
}

static void test_add_days(void **state)
{
    (void)state;
    assert_date_equal(date_add_days(D(2026, 1, 31), 1), 2026, 2, 1);
    assert_date_equal(date_add_days(D(2026, 12, 31), 1), 2027, 1, 1);
    assert_date_equal(date_add_days(D(2026, 2, 28), 1), 2026, 3, 1);
    assert_date_equal(date_add_days(D(2028, 2, 28), 1), 2028, 2, 29);
    assert_date_equal(date_add_days(D(2028, 2, 29), 1), 2028, 3, 1);
    assert_date_equal(date_add_days(D(2026, 3, 1), -1), 2026, 2, 28);
    assert_date_equal(date_add_days(D(2028, 3, 1), -1), 2028, 2, 29);
    assert_date_equal(date_add_days(D(2026, 1, 1), -1), 2025, 12, 31);
    assert_date_equal(date_add_days(D(2026, 1, 1), 365), 2027, 1, 1);
    assert_date_equal(date_add_days(D(2028, 1, 1), 365), 2028, 12, 31);
    assert_date_equal(date_add_days(D(2026, 5, 4), 0), 2026, 5, 4);
    assert_date_equal(date_add_days(D(2026, 5, 4), 7), 2026, 5, 11);
}

static void test_add_months_clamps_to_month_end(void **state)
{
    (void)state;
    assert_date_equal(date_add_months(D(2026, 1, 31), 1), 2026, 2, 28);
    assert_date_equal(date_add_months(D(2028, 1, 31), 1), 2028, 2, 29);
    assert_date_equal(date_add_months(D(2026, 1, 30), 1), 2026, 2, 28);
    assert_date_equal(date_add_months(D(2026, 1, 28), 1), 2026, 2, 28);
    assert_date_equal(date_add_months(D(2026, 3, 31), 1), 2026, 4, 30);
    assert_date_equal(date_add_months(D(2026, 8, 31), 1), 2026, 9, 30);
    assert_date_equal(date_add_months(D(2026, 1, 31), 2), 2026, 3, 31); /* from the anchor */
    assert_date_equal(date_add_months(D(2100, 1, 31), 1), 2100, 2, 28);
    assert_date_equal(date_add_months(D(2000, 1, 31), 1), 2000, 2, 29);
}

static void test_add_months_negative(void **state)
{
    (void)state;
    assert_date_equal(date_add_months(D(2026, 3, 31), -1), 2026, 2, 28);
    assert_date_equal(date_add_months(D(2028, 3, 31), -1), 2028, 2, 29);
    assert_date_equal(date_add_months(D(2026, 1, 15), -1), 2025, 12, 15);
    assert_date_equal(date_add_months(D(2026, 5, 31), -1), 2026, 4, 30);
    assert_date_equal(date_add_months(D(2026, 1, 31), -12), 2025, 1, 31);
    assert_date_equal(date_add_months(D(2026, 2, 10), -13), 2025, 1, 10);
    assert_date_equal(date_add_months(D(2026, 2, 10), -14), 2024, 12, 10);
}

static void test_add_months_across_years(void **state)
{
    (void)state;
    assert_date_equal(date_add_months(D(2026, 1, 15), 12), 2027, 1, 15);
    assert_date_equal(date_add_months(D(2026, 12, 15), 1), 2027, 1, 15);
    assert_date_equal(date_add_months(D(2026, 11, 30), 3), 2027, 2, 28);
    assert_date_equal(date_add_months(D(2026, 5, 31), 25), 2028, 6, 30);
    assert_date_equal(date_add_months(D(2026, 5, 31), 0), 2026, 5, 31);
    assert_date_equal(date_add_months(D(2028, 2, 29), 12), 2029, 2, 28);
    assert_date_equal(date_add_months(D(2028, 2, 29), 48), 2032, 2, 29);
}

static void test_add_years(void **state)
{
    (void)state;
    assert_date_equal(date_add_years(D(2028, 2, 29), 1), 2029, 2, 28);
    assert_date_equal(date_add_years(D(2028, 2, 29), 4), 2032, 2, 29);
    assert_date_equal(date_add_years(D(2028, 2, 29), -4), 2024, 2, 29);
    assert_date_equal(date_add_years(D(2028, 2, 29), -1), 2027, 2, 28);
    assert_date_equal(date_add_years(D(2096, 2, 29), 4), 2100, 2, 28); /* 2100 not leap */
    assert_date_equal(date_add_years(D(2026, 6, 30), 3), 2029, 6, 30);
    assert_date_equal(date_add_years(D(2026, 1, 31), 0), 2026, 1, 31);
}

static void test_end_of_month(void **state)
{
    (void)state;
    assert_date_equal(date_end_of_month(D(2026, 2, 10)), 2026, 2, 28);
    assert_date_equal(date_end_of_month(D(2028, 2, 1)), 2028, 2, 29);
    assert_date_equal(date_end_of_month(D(2026, 4, 1)), 2026, 4, 30);
    assert_date_equal(date_end_of_month(D(2026, 12, 31)), 2026, 12, 31);
    assert_date_equal(date_end_of_month(D(1900, 2, 14)), 1900, 2, 28);
}

/* nce-rules.md §7.1 normal case: end = start + N months - 1 day. */
static void test_term_end_normal_case(void **state)
{
    (void)state;
    assert_date_equal(date_add_days(date_add_months(D(2021, 6, 18), 1), -1), 2021, 7, 17);
    assert_date_equal(date_add_days(date_add_months(D(2021, 9, 20), 12), -1), 2022, 9, 19);
    assert_date_equal(date_add_days(date_add_months(D(2021, 5, 25), 36), -1), 2024, 5, 24);
}

/* nce-rules.md §7.1 month-end anchors: Jan 31 2021 -> Feb 27 2021; Jan 30 -> Feb 27. */
static void test_term_end_month_end_anchors(void **state)
{
    (void)state;
    assert_date_equal(date_add_days(date_add_months(D(2021, 1, 31), 1), -1), 2021, 2, 27);
    assert_date_equal(date_add_days(date_add_months(D(2021, 1, 30), 1), -1), 2021, 2, 27);
    /* "28th day of February in a leap year" */
    assert_date_equal(date_add_days(date_add_months(D(2024, 1, 31), 1), -1), 2024, 2, 28);
    /* "30th day of a month with 31 days" / "29th day of the month with 30 days" */
    assert_date_equal(date_add_days(date_add_months(D(2021, 7, 31), 1), -1), 2021, 8, 30);
    assert_date_equal(date_add_days(date_add_months(D(2021, 3, 31), 1), -1), 2021, 4, 29);
    /* Annual term bought Jan 31 2021 ends Jan 30 2022. */
    assert_date_equal(date_add_days(date_add_months(D(2021, 1, 31), 12), -1), 2022, 1, 30);
}

/*
 * nce-rules.md §7.1 / Part A 1: monthly cycles of an annual subscription bought 2021-01-31,
 * cycle k = [anchor + k months, anchor + (k+1) months - 1 day], the table copied verbatim
 * (the "..." rows filled in by the same rule).
 */
static void test_monthly_cycles_anchor_jan31(void **state)
{
    static const int want[12][6] = {
        { 2021, 1, 31, 2021, 2, 27 },  { 2021, 2, 28, 2021, 3, 30 },
        { 2021, 3, 31, 2021, 4, 29 },  { 2021, 4, 30, 2021, 5, 30 },
        { 2021, 5, 31, 2021, 6, 29 },  { 2021, 6, 30, 2021, 7, 30 },
        { 2021, 7, 31, 2021, 8, 30 },  { 2021, 8, 31, 2021, 9, 29 },
        { 2021, 9, 30, 2021, 10, 30 }, { 2021, 10, 31, 2021, 11, 29 },
        { 2021, 11, 30, 2021, 12, 30 }, { 2021, 12, 31, 2022, 1, 30 },
    };
    struct date anchor = D(2021, 1, 31);

    (void)state;
    for (int k = 0; k < 12; k++) {
        struct date start = date_add_months(anchor, k);
        struct date end = date_add_days(date_add_months(anchor, k + 1), -1);

        assert_date_equal(start, want[k][0], want[k][1], want[k][2]);
        assert_date_equal(end, want[k][3], want[k][4], want[k][5]);
        if (k > 0) { /* contiguous: each cycle starts the day after the previous one ends */
            struct date prev_end = date_add_days(date_add_months(anchor, k), -1);

            assert_int_equal(date_days_between(prev_end, start), 1);
        }
    }
}

/* ---- date text ----------------------------------------------------------------------- */

static void test_date_parse_valid(void **state)
{
    struct err e;
    struct date d;

    (void)state;
    assert_date_equal(parse_date_ok("2026-02-28"), 2026, 2, 28);
    assert_date_equal(parse_date_ok("2028-02-29"), 2028, 2, 29);
    assert_date_equal(parse_date_ok("2000-02-29"), 2000, 2, 29);
    assert_date_equal(parse_date_ok("0001-01-01"), 1, 1, 1);
    assert_date_equal(parse_date_ok("9999-12-31"), 9999, 12, 31);
    /* Exactly `len` bytes: what follows is not read. */
    err_clear(&e);
    assert_int_equal(date_parse("2026-07-17T00:00:00Z", 10, &d, &e), 0);
    assert_date_equal(d, 2026, 7, 17);
}

static void test_date_parse_invalid_days(void **state)
{
    (void)state;
    check_date_error("2026-02-29", 9);
    check_date_error("1900-02-29", 9);
    check_date_error("2026-04-31", 9);
    check_date_error("2026-01-32", 9);
    check_date_error("2026-01-00", 9);
    check_date_error("2026-13-01", 6);
    check_date_error("2026-00-10", 6);
    check_date_error("0000-01-01", 1);
}

static void test_date_parse_malformed(void **state)
{
    struct err e;
    struct date d;

    (void)state;
    check_date_error("", 1);
    check_date_error("x026-01-01", 1);
    check_date_error(" 2026-01-01", 1);
    check_date_error("202-01-01", 4);
    check_date_error("2026/01/01", 5);
    check_date_error("2026-1-01", 7);
    check_date_error("2026-01-1", 10);
    check_date_error("2026-01-0", 10);
    check_date_error("2026-01-011", 11);
    check_date_error("2026-01-01 ", 11);
    check_date_error("+2026-01-01", 1);
    /* A NUL inside the counted bytes is just a wrong byte. */
    err_clear(&e);
    assert_int_equal(date_parse("2026-01\0001", 10, &d, &e), -1);
    assert_int_equal(err_position(&e), 8);
    /* Too short for its length. */
    err_clear(&e);
    assert_int_equal(date_parse("2026-01-01", 7, &d, &e), -1);
    assert_int_equal(err_position(&e), 8);
}

static void test_date_format(void **state)
{
    char buf[DATE_STRLEN];

    (void)state;
    date_format(D(2026, 3, 5), buf);
    assert_string_equal(buf, "2026-03-05");
    date_format(D(1, 1, 1), buf);
    assert_string_equal(buf, "0001-01-01");
    date_format(D(9999, 12, 31), buf);
    assert_string_equal(buf, "9999-12-31");
    date_format(D(2028, 2, 29), buf);
    assert_string_equal(buf, "2028-02-29");
    date_format(D(2026, 2, 29), buf); /* invalid: a sentinel, never a real-looking day */
    assert_string_equal(buf, "0000-00-00");
}

static void test_date_format_parse_round_trip(void **state)
{
    char buf[DATE_STRLEN];

    (void)state;
    /* Every 13th day across years 1..9999. */
    for (int32_t n = date_to_days(D(1, 1, 1)); n <= date_to_days(D(9999, 12, 31)); n += 13) {
        struct date d = date_from_days(n), back;
        struct err e;

        date_format(d, buf);
        err_clear(&e);
        assert_int_equal(date_parse_cstr(buf, &back, &e), 0);
        assert_int_equal(date_cmp(d, back), 0);
    }
}

/* ---- instants ------------------------------------------------------------------------ */

static void test_instant_parse_utc(void **state)
{
    (void)state;
    assert_int_equal(parse_instant_ok("1970-01-01T00:00:00Z"), 0);
    assert_int_equal(parse_instant_ok("1969-12-31T23:59:59Z"), -1);
    assert_int_equal(parse_instant_ok("2000-01-01T00:00:00Z"), 946684800);
    assert_int_equal(parse_instant_ok("2001-09-09T01:46:40Z"), 1000000000);
    assert_int_equal(parse_instant_ok("2009-02-13T23:31:30Z"), 1234567890);
    assert_int_equal(parse_instant_ok("2038-01-19T03:14:07Z"), 2147483647);
    assert_int_equal(parse_instant_ok("2038-01-19T03:14:08Z"), 2147483648LL);
}

static void test_instant_parse_bare_date_is_midnight(void **state)
{
    (void)state;
    assert_int_equal(parse_instant_ok("2000-01-01"), 946684800);
    assert_int_equal(parse_instant_ok("1970-01-02"), 86400);
    assert_int_equal(parse_instant_ok("1969-12-31"), -86400);
}

static void test_instant_parse_fraction_truncated(void **state)
{
    (void)state;
    assert_int_equal(parse_instant_ok("2009-02-13T23:31:30.999Z"), 1234567890);
    assert_int_equal(parse_instant_ok("2009-02-13T23:31:30.5Z"), 1234567890);
    assert_int_equal(parse_instant_ok("2009-02-13T23:31:30.0000001+00:00"), 1234567890);
    assert_int_equal(parse_instant_ok("1969-12-31T23:59:59.9Z"), -1);
}

static void test_instant_parse_offsets(void **state)
{
    char buf[INSTANT_STRLEN];

    (void)state;
    assert_int_equal(parse_instant_ok("2009-02-13T23:31:30+00:00"), 1234567890);
    assert_int_equal(parse_instant_ok("2009-02-13T23:31:30-00:00"), 1234567890);
    /* 18:31:30 at UTC-5 is 23:31:30Z. */
    assert_int_equal(parse_instant_ok("2009-02-13T18:31:30-05:00"), 1234567890);
    /* 05:01:30 the next day at UTC+5:30 is 23:31:30Z. */
    assert_int_equal(parse_instant_ok("2009-02-14T05:01:30+05:30"), 1234567890);
    /* Offsets move the UTC day. */
    instant_format(parse_instant_ok("2026-01-01T02:00:00+05:00"), buf);
    assert_string_equal(buf, "2025-12-31T21:00:00Z");
    instant_format(parse_instant_ok("2028-02-28T22:30:00-03:00"), buf);
    assert_string_equal(buf, "2028-02-29T01:30:00Z");
    instant_format(parse_instant_ok("2026-07-17T23:59:59.75-00:30"), buf);
    assert_string_equal(buf, "2026-07-18T00:29:59Z");
}

static void test_instant_parse_errors(void **state)
{
    (void)state;
    check_instant_error("", 1);
    check_instant_error("2026-02-30T00:00:00Z", 9);
    check_instant_error("2026-13-01T00:00:00Z", 6);
    check_instant_error("2026-01-01 23:59:59Z", 11);
    check_instant_error("2026-01-01t23:59:59Z", 11);
    check_instant_error("2026-01-01T", 12);
    check_instant_error("2026-01-01T24:00:00Z", 12);
    check_instant_error("2026-01-01T23:60:00Z", 15);
    check_instant_error("2026-01-01T23:59:60Z", 18);
    check_instant_error("2026-01-01T23-59:59Z", 14);
    check_instant_error("2026-01-01T23:59", 17);
    check_instant_error("2026-01-01T23:59:59", 20);   /* no zone: refused, never guessed */
    check_instant_error("2026-01-01T23:59:59z", 20);
    check_instant_error("2026-01-01T23:59:59ZX", 21);
    check_instant_error("2026-01-01T23:59:59.Z", 21);
    check_instant_error("2026-01-01T23:59:59+0500", 23);
    check_instant_error("2026-01-01T23:59:59+05", 23);
    check_instant_error("2026-01-01T23:59:59+24:00", 21);
    check_instant_error("2026-01-01T23:59:59+05:60", 24);
    check_instant_error("2026-01-01T23:59:59+05:00 ", 26);
    /* Offsets that leave years 1..9999 are refused. */
    check_instant_error("0001-01-01T00:00:00+01:00", 20);
    check_instant_error("9999-12-31T23:00:00-01:00", 20);
}

static void test_instant_parse_edges_of_range(void **state)
{
    char buf[INSTANT_STRLEN];

    (void)state;
    instant_format(parse_instant_ok("0001-01-01T00:00:00Z"), buf);
    assert_string_equal(buf, "0001-01-01T00:00:00Z");
    instant_format(parse_instant_ok("9999-12-31T23:59:59Z"), buf);
    assert_string_equal(buf, "9999-12-31T23:59:59Z");
    instant_format(parse_instant_ok("9999-12-31T22:59:59-01:00"), buf);
    assert_string_equal(buf, "9999-12-31T23:59:59Z");
}

static void test_instant_format(void **state)
{
    char buf[INSTANT_STRLEN];

    (void)state;
    instant_format(0, buf);
    assert_string_equal(buf, "1970-01-01T00:00:00Z");
    instant_format(-1, buf);
    assert_string_equal(buf, "1969-12-31T23:59:59Z");
    instant_format(946684800, buf);
    assert_string_equal(buf, "2000-01-01T00:00:00Z");
    instant_format(1234567890, buf);
    assert_string_equal(buf, "2009-02-13T23:31:30Z");
    instant_format(2147483647, buf);
    assert_string_equal(buf, "2038-01-19T03:14:07Z");
    assert_int_equal(strlen(buf), INSTANT_STRLEN - 1);
}

static void test_instant_round_trip(void **state)
{
    char buf[INSTANT_STRLEN];
    instant_t lo = parse_instant_ok("0001-01-01T00:00:00Z");
    instant_t hi = parse_instant_ok("9999-12-31T23:59:59Z");

    (void)state;
    /* A prime step visits every second-of-day residue over the range. */
    for (instant_t t = lo; t <= hi; t += 7919LL * 97) {
        struct err e;
        instant_t back = 0;

        instant_format(t, buf);
        err_clear(&e);
        assert_int_equal(instant_parse_cstr(buf, &back, &e), 0);
        assert_int_equal(back, t);
    }
}

static void test_instant_date_and_time_of_day(void **state)
{
    (void)state;
    assert_date_equal(instant_date(parse_instant_ok("2026-03-31T23:59:59Z")), 2026, 3, 31);
    assert_date_equal(instant_date(parse_instant_ok("2026-04-01T00:00:00Z")), 2026, 4, 1);
    assert_date_equal(instant_date(parse_instant_ok("2028-02-29T23:59:59Z")), 2028, 2, 29);
    assert_date_equal(instant_date(-1), 1969, 12, 31);
    assert_date_equal(instant_date(0), 1970, 1, 1);
    assert_date_equal(instant_date(-86400), 1969, 12, 31);
    assert_date_equal(instant_date(-86401), 1969, 12, 30);
    assert_int_equal(instant_seconds_of_day(parse_instant_ok("2026-03-31T23:59:59Z")), 86399);
    assert_int_equal(instant_seconds_of_day(parse_instant_ok("2026-04-01T00:00:00Z")), 0);
    assert_int_equal(instant_seconds_of_day(parse_instant_ok("2026-04-01T12:34:56Z")),
                     12 * 3600 + 34 * 60 + 56);
    assert_int_equal(instant_seconds_of_day(-1), 86399);
    assert_int_equal(instant_from_date(D(2000, 1, 1)), 946684800);
    assert_int_equal(instant_from_date(D(1969, 12, 31)), -86400);
    assert_int_equal(instant_from_date(D(2026, 4, 1)), parse_instant_ok("2026-04-01T00:00:00Z"));
}

/* Part A 2: the 168-hour cancellation window lands on the same time of day 7 days later. */
static void test_instant_168_hours(void **state)
{
    char buf[INSTANT_STRLEN];

    (void)state;
    instant_format(parse_instant_ok("2028-02-25T16:40:00Z") + 168 * 3600, buf);
    assert_string_equal(buf, "2028-03-03T16:40:00Z"); /* crosses Feb 29 */
    instant_format(parse_instant_ok("2026-12-28T00:00:00Z") + 168 * 3600, buf);
    assert_string_equal(buf, "2027-01-04T00:00:00Z");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_leap_years),
        cmocka_unit_test(test_days_in_month),
        cmocka_unit_test(test_is_valid),
        cmocka_unit_test(test_to_days_known_values),
        cmocka_unit_test(test_from_days_known_values),
        cmocka_unit_test(test_days_round_trip_all_years),
        cmocka_unit_test(test_days_between_across_years),
        cmocka_unit_test(test_days_inclusive_microsoft_examples),
        cmocka_unit_test(test_charge_cycle_days_feb21),
        cmocka_unit_test(test_cmp),
        cmocka_unit_test(test_add_days),
        cmocka_unit_test(test_add_months_clamps_to_month_end),
        cmocka_unit_test(test_add_months_negative),
        cmocka_unit_test(test_add_months_across_years),
        cmocka_unit_test(test_add_years),
        cmocka_unit_test(test_end_of_month),
        cmocka_unit_test(test_term_end_normal_case),
        cmocka_unit_test(test_term_end_month_end_anchors),
        cmocka_unit_test(test_monthly_cycles_anchor_jan31),
        cmocka_unit_test(test_date_parse_valid),
        cmocka_unit_test(test_date_parse_invalid_days),
        cmocka_unit_test(test_date_parse_malformed),
        cmocka_unit_test(test_date_format),
        cmocka_unit_test(test_date_format_parse_round_trip),
        cmocka_unit_test(test_instant_parse_utc),
        cmocka_unit_test(test_instant_parse_bare_date_is_midnight),
        cmocka_unit_test(test_instant_parse_fraction_truncated),
        cmocka_unit_test(test_instant_parse_offsets),
        cmocka_unit_test(test_instant_parse_errors),
        cmocka_unit_test(test_instant_parse_edges_of_range),
        cmocka_unit_test(test_instant_format),
        cmocka_unit_test(test_instant_round_trip),
        cmocka_unit_test(test_instant_date_and_time_of_day),
        cmocka_unit_test(test_instant_168_hours),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
