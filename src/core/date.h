/*
 * core/date.h — civil dates and UTC instants, proleptic Gregorian calendar.
 *
 * All of cspd works in UTC (nce-rules.md Part A rule 1; "All dates and times in Partner Center
 * are given in Coordinated Universal Time"). A `struct date` is a calendar day; an `instant_t`
 * is a whole number of seconds since 1970-01-01T00:00:00Z (no leap seconds, as in POSIX).
 * Supported years: 1..9999.
 *
 * Month arithmetic clamps to the end of the month: 2026-01-31 + 1 month = 2026-02-28,
 * 2028-01-31 + 1 month = 2028-02-29, 2028-02-29 + 1 year = 2029-02-28. The NCE term/cycle
 * rule built on it ("end = start + N months - 1 day") lives in domain/lifecycle, not here.
 */
#ifndef CSPD_CORE_DATE_H
#define CSPD_CORE_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct date {
    int year;  /* 1..9999 */
    int month; /* 1..12 */
    int day;   /* 1..days_in_month */
};

typedef int64_t instant_t; /* seconds since the Unix epoch, UTC */

#define DATE_STRLEN 11    /* "YYYY-MM-DD" + NUL */
#define INSTANT_STRLEN 21 /* "YYYY-MM-DDTHH:MM:SSZ" + NUL */
#define SECONDS_PER_DAY 86400

bool date_is_leap_year(int year);
int date_days_in_month(int year, int month); /* 0 for an invalid month */
bool date_is_valid(struct date d);

/* Days since 1970-01-01 (negative before), and back. */
int32_t date_to_days(struct date d);
struct date date_from_days(int32_t days);

/* b - a in whole days (positive when b is later). */
int32_t date_days_between(struct date a, struct date b);
/* Days from a to b counting both ends: date_days_between(a, b) + 1. */
int32_t date_days_inclusive(struct date a, struct date b);
int date_cmp(struct date a, struct date b); /* -1, 0, 1 */

struct date date_add_days(struct date d, int32_t n);
/* Add (or subtract, n < 0) months, clamping the day to the target month's length. */
struct date date_add_months(struct date d, int n);
/* Add years, clamping 29 February to 28 February in non-leap years. */
struct date date_add_years(struct date d, int n);
/* The last day of d's month. */
struct date date_end_of_month(struct date d);

/* "YYYY-MM-DD" exactly `len` bytes; ERR_PARSE naming the position, or an invalid day. */
int date_parse(const char *s, size_t len, struct date *out, struct err *err);
int date_parse_cstr(const char *s, struct date *out, struct err *err);
void date_format(struct date d, char buf[DATE_STRLEN]);

/*
 * ISO 8601 instant in UTC: "YYYY-MM-DDTHH:MM:SSZ", also accepting fractional seconds
 * (truncated), "+00:00" for Z, and a bare date (midnight). Other offsets are converted to UTC.
 */
int instant_parse(const char *s, size_t len, instant_t *out, struct err *err);
int instant_parse_cstr(const char *s, instant_t *out, struct err *err);
void instant_format(instant_t t, char buf[INSTANT_STRLEN]);

struct date instant_date(instant_t t);          /* the UTC day containing t */
instant_t instant_from_date(struct date d);     /* 00:00:00Z of d */
int instant_seconds_of_day(instant_t t);        /* 0..86399 */

#endif
