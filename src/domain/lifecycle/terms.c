/*
 * domain/lifecycle/terms.c — term and charge-cycle dates (nce-rules.md §7.1, Part A 1).
 *
 * The one place that turns "a month" into dates for terms and cycles. Golden tests of the
 * month-end tables of §7.1 live in tests/unit/test_terms.c. Called on every command (to find the
 * cycle an event falls in) and by the daily cycle (next cycle start, term end).
 */
#include "domain/lifecycle/terms.h"

/* nce-rules Part A 1, §7.1: end = start + N months - 1 day */
struct date term_end_date(struct date start, int months)
{
    return date_add_days(date_add_months(start, months), -1);
}

/* nce-rules Part A 1: cycle k anchored on the term start, never chained */
struct period cycle_period(struct date anchor, int cycle_months, int k)
{
    struct period p;

    p.start = date_add_months(anchor, k * cycle_months);
    p.end = date_add_days(date_add_months(anchor, (k + 1) * cycle_months), -1);
    return p;
}

int cycle_index_of(struct date anchor, int cycle_months, struct date day)
{
    int months, k;

    if (date_cmp(day, anchor) < 0)
        return -1;
    /* Estimate from the calendar months between, then correct by at most one step. */
    months = (day.year - anchor.year) * 12 + (day.month - anchor.month);
    k = months / cycle_months;
    if (k > 0 && date_cmp(cycle_period(anchor, cycle_months, k).start, day) > 0)
        k--;
    while (date_cmp(cycle_period(anchor, cycle_months, k).end, day) < 0)
        k++;
    return k;
}

int period_days(struct period p)
{
    return (int)date_days_inclusive(p.start, p.end);
}
