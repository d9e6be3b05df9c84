/*
 * domain/lifecycle/terms.h — term and charge-cycle calendar (nce-rules.md §7.1, Part A 1).
 *
 * A term or a charge cycle runs from its start date to its end date, both inclusive:
 *   end = start + N months - 1 day, adding months with end-of-month clamping.
 * Cycle k of a term is computed from the term's start (the anchor), never chained:
 *   [anchor + k*m months, anchor + (k+1)*m months - 1 day]   (m = months per cycle)
 * so a term bought on Jan 31 has cycles Jan 31-Feb 27, Feb 28-Mar 30, Mar 31-Apr 29 ...
 * Renewal happens at 00:00 UTC on the day after the term end.
 * Pure arithmetic over core/date.h; every other module asks here for these dates.
 */
#ifndef CSPD_DOMAIN_LIFECYCLE_TERMS_H
#define CSPD_DOMAIN_LIFECYCLE_TERMS_H

#include "core/date.h"

struct period {
    struct date start;
    struct date end; /* inclusive */
};

/* start + months - 1 day (Part A 1). */
struct date term_end_date(struct date start, int months);
/* Cycle k (0-based) of a term anchored on `anchor` with cycles of `cycle_months` months. */
struct period cycle_period(struct date anchor, int cycle_months, int k);
/*
 * The index of the cycle containing `day` (day >= anchor), or -1 when day < anchor.
 */
int cycle_index_of(struct date anchor, int cycle_months, struct date day);
/* Days in the period, both ends counted (a cycle Jun 18-Jul 17 has 30). */
int period_days(struct period p);

#endif
