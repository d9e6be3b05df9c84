/*
 * core/date.c — civil dates and UTC instants (see date.h for the contract).
 *
 * Owns the proleptic Gregorian calendar for all of cspd: day numbers, month arithmetic with
 * end-of-month clamping, and the ISO 8601 text forms. Every other module that needs "the day
 * after", "the end of the month" or "how many days from a to b" comes here; nothing in cspd uses
 * libc's timezone machinery (mktime, gmtime, localtime, TZ), so results never depend on the host.
 *
 * Shape: a date is turned into a day count with the era-based days_from_civil algorithm (400-year
 * eras of 146097 days, the year starting in March so that the leap day is the last day of the
 * year) and back with its inverse. Both are branch-light O(1) integer arithmetic: the billing
 * engine and the day-by-day reference model call them millions of times per simulated year.
 * All intermediate arithmetic is done in int64_t with floor division, so dates before 1970 and
 * far-off month offsets never wrap.
 *
 * Parsers are strict, bounded and byte-exact (STYLE.md rule 9): they read exactly `len` bytes,
 * never call strtol/sscanf, and report ERR_PARSE with the 1-based position of the first byte
 * that is wrong (or one past the end when the text stops early).
 */
#include "core/date.h"

#include <string.h>

#define DAYS_PER_ERA 146097      /* days in 400 Gregorian years */
#define EPOCH_SHIFT 719468       /* days from 0000-03-01 to 1970-01-01 */
#define MIN_DAYS (-719162)       /* 0001-01-01 */
#define MAX_DAYS 2932896         /* 9999-12-31 */

/* Floor division and modulo for a positive divisor. */
static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;

    if ((a % b) != 0 && a < 0)
        q--;
    return q;
}

static int64_t floor_mod(int64_t a, int64_t b)
{
    int64_t r = a % b; /* not a - floor_div(a, b) * b: that overflows near INT64_MIN */

    return r < 0 ? r + b : r;
}

bool date_is_leap_year(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int date_days_in_month(int year, int month)
{
    static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

    if (month < 1 || month > 12)
        return 0;
    if (month == 2 && date_is_leap_year(year))
        return 29;
    return days[month - 1];
}

bool date_is_valid(struct date d)
{
    return d.year >= 1 && d.year <= 9999 && d.month >= 1 && d.month <= 12 && d.day >= 1 &&
           d.day <= date_days_in_month(d.year, d.month);
}

/* Days since 1970-01-01 for any (y, m, d) with m in 1..12; d may run past the month. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;                              /* the computational year starts in March */
    era = floor_div(y, 400);
    yoe = y - era * 400;                      /* 0..399 */
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* 0..365 from March 1 */
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           /* 0..146096 */
    return era * DAYS_PER_ERA + doe - EPOCH_SHIFT;
}

static struct date civil_from_days(int64_t z)
{
    int64_t era, doe, yoe, doy, mp, y;
    struct date out;

    z += EPOCH_SHIFT;
    era = floor_div(z, DAYS_PER_ERA);
    doe = z - era * DAYS_PER_ERA;                                    /* 0..146096 */
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;     /* 0..399 */
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                   /* 0..365 */
    mp = (5 * doy + 2) / 153;                                        /* 0..11, March = 0 */
    y = yoe + era * 400;
    out.day = (int)(doy - (153 * mp + 2) / 5 + 1);
    out.month = (int)(mp < 10 ? mp + 3 : mp - 9);
    out.year = (int)(y + (out.month <= 2));
    return out;
}

int32_t date_to_days(struct date d)
{
    return (int32_t)days_from_civil(d.year, d.month, d.day);
}

struct date date_from_days(int32_t days)
{
    return civil_from_days(days);
}

int32_t date_days_between(struct date a, struct date b)
{
    return (int32_t)(days_from_civil(b.year, b.month, b.day) -
                     days_from_civil(a.year, a.month, a.day));
}

int32_t date_days_inclusive(struct date a, struct date b)
{
    return date_days_between(a, b) + 1;
}

int date_cmp(struct date a, struct date b)
{
    if (a.year != b.year)
        return a.year < b.year ? -1 : 1;
    if (a.month != b.month)
        return a.month < b.month ? -1 : 1;
    if (a.day != b.day)
        return a.day < b.day ? -1 : 1;
    return 0;
}

struct date date_add_days(struct date d, int32_t n)
{
    return civil_from_days(days_from_civil(d.year, d.month, d.day) + n);
}

/* (year, month) moved by n months, the day clamped to the target month's length. */
static struct date add_months64(struct date d, int64_t n)
{
    int64_t idx = (int64_t)d.year * 12 + (d.month - 1) + n;
    struct date out;
    int dim;

    out.year = (int)floor_div(idx, 12);
    out.month = (int)floor_mod(idx, 12) + 1;
    dim = date_days_in_month(out.year, out.month);
    out.day = d.day > dim ? dim : d.day;
    return out;
}

struct date date_add_months(struct date d, int n)
{
    return add_months64(d, n);
}

struct date date_add_years(struct date d, int n)
{
    return add_months64(d, (int64_t)n * 12);
}

struct date date_end_of_month(struct date d)
{
    d.day = date_days_in_month(d.year, d.month);
    return d;
}

/* ---- text ---------------------------------------------------------------------------- */

/*
 * A small cursor over the input so that every error can name its 1-based position.
 * `what` names the thing being parsed in messages ("date", "instant").
 */
struct cursor {
    const char *s;
    size_t len;
    size_t pos; /* 0-based index of the next byte */
    const char *what;
};

static int fail_at(struct cursor *c, size_t pos, struct err *err, const char *expected)
{
    if (pos >= c->len)
        return err_set(err, ERR_PARSE, NULL, "%s: expected %s at position %zu (end of input)",
                       c->what, expected, pos + 1);
    return err_set(err, ERR_PARSE, NULL, "%s: expected %s at position %zu", c->what, expected,
                   pos + 1);
}

/* Read exactly `width` ASCII digits. */
static int read_digits(struct cursor *c, int width, int *out, struct err *err)
{
    int v = 0;

    for (int i = 0; i < width; i++) {
        if (c->pos >= c->len || c->s[c->pos] < '0' || c->s[c->pos] > '9')
            return fail_at(c, c->pos, err, "a digit");
        v = v * 10 + (c->s[c->pos] - '0');
        c->pos++;
    }
    *out = v;
    return 0;
}

static int expect_char(struct cursor *c, char ch, struct err *err)
{
    if (c->pos >= c->len || c->s[c->pos] != ch) {
        char want[4] = { '\'', ch, '\'', '\0' };

        return fail_at(c, c->pos, err, want);
    }
    c->pos++;
    return 0;
}

static int expect_end(struct cursor *c, struct err *err)
{
    if (c->pos != c->len)
        return err_set(err, ERR_PARSE, NULL, "%s: unexpected character at position %zu",
                       c->what, c->pos + 1);
    return 0;
}

/* "YYYY-MM-DD" at the cursor; range checks name the field's first position. */
static int read_date(struct cursor *c, struct date *out, struct err *err)
{
    size_t start = c->pos;
    struct date d = { 0, 0, 0 };
    int dim;

    if (read_digits(c, 4, &d.year, err) || expect_char(c, '-', err) ||
        read_digits(c, 2, &d.month, err) || expect_char(c, '-', err) ||
        read_digits(c, 2, &d.day, err))
        return -1;
    if (d.year < 1)
        return err_set(err, ERR_PARSE, NULL, "%s: year 0000 is out of range at position %zu",
                       c->what, start + 1);
    if (d.month < 1 || d.month > 12)
        return err_set(err, ERR_PARSE, NULL,
                       "%s: month %02d is out of range 01..12 at position %zu", c->what,
                       d.month, start + 6);
    dim = date_days_in_month(d.year, d.month);
    if (d.day < 1 || d.day > dim)
        return err_set(err, ERR_PARSE, NULL,
                       "%s: day %02d is out of range 01..%02d for %04d-%02d at position %zu",
                       c->what, d.day, dim, d.year, d.month, start + 9);
    *out = d;
    return 0;
}

int date_parse(const char *s, size_t len, struct date *out, struct err *err)
{
    struct cursor c = { s, s ? len : 0, 0, "date" };
    struct date d = { 0, 0, 0 };

    if (read_date(&c, &d, err) || expect_end(&c, err))
        return -1;
    *out = d;
    return 0;
}

int date_parse_cstr(const char *s, struct date *out, struct err *err)
{
    return date_parse(s, s ? strlen(s) : 0, out, err);
}

/* Write `v` (0 <= v < 10^width) as exactly `width` digits. */
static void put_digits(char *p, int v, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
}

/* Invalid dates format as "0000-00-00" rather than as a misleading real-looking day. */
void date_format(struct date d, char buf[DATE_STRLEN])
{
    if (!date_is_valid(d))
        d = (struct date){ 0, 0, 0 };
    put_digits(buf, d.year, 4);
    buf[4] = '-';
    put_digits(buf + 5, d.month, 2);
    buf[7] = '-';
    put_digits(buf + 8, d.day, 2);
    buf[10] = '\0';
}

/* "HH:MM" of a UTC offset after its sign; returns the offset's magnitude in seconds. */
static int read_offset(struct cursor *c, int64_t *secs, struct err *err)
{
    size_t start = c->pos;
    int hh = 0, mm = 0;

    if (read_digits(c, 2, &hh, err) || expect_char(c, ':', err) || read_digits(c, 2, &mm, err))
        return -1;
    if (hh > 23)
        return err_set(err, ERR_PARSE, NULL,
                       "%s: offset hour %02d is out of range 00..23 at position %zu", c->what,
                       hh, start + 1);
    if (mm > 59)
        return err_set(err, ERR_PARSE, NULL,
                       "%s: offset minute %02d is out of range 00..59 at position %zu", c->what,
                       mm, start + 4);
    *secs = (int64_t)hh * 3600 + mm * 60;
    return 0;
}

int instant_parse(const char *s, size_t len, instant_t *out, struct err *err)
{
    struct cursor c = { s, s ? len : 0, 0, "instant" };
    struct date d = { 0, 0, 0 };
    int hh = 0, mm = 0, ss = 0;
    size_t tpos, zpos;
    int64_t offset = 0;
    int64_t t;

    if (read_date(&c, &d, err))
        return -1;
    if (c.pos == c.len) { /* a bare date: midnight UTC */
        *out = instant_from_date(d);
        return 0;
    }
    if (expect_char(&c, 'T', err))
        return -1;
    tpos = c.pos;
    if (read_digits(&c, 2, &hh, err) || expect_char(&c, ':', err) ||
        read_digits(&c, 2, &mm, err) || expect_char(&c, ':', err) ||
        read_digits(&c, 2, &ss, err))
        return -1;
    if (hh > 23)
        return err_set(err, ERR_PARSE, NULL,
                       "instant: hour %02d is out of range 00..23 at position %zu", hh, tpos + 1);
    if (mm > 59)
        return err_set(err, ERR_PARSE, NULL,
                       "instant: minute %02d is out of range 00..59 at position %zu", mm,
                       tpos + 4);
    if (ss > 59)
        return err_set(err, ERR_PARSE, NULL,
                       "instant: second %02d is out of range 00..59 at position %zu", ss,
                       tpos + 7);
    if (c.pos < c.len && c.s[c.pos] == '.') { /* fraction: at least one digit, truncated */
        c.pos++;
        if (c.pos >= c.len || c.s[c.pos] < '0' || c.s[c.pos] > '9')
            return fail_at(&c, c.pos, err, "a digit");
        while (c.pos < c.len && c.s[c.pos] >= '0' && c.s[c.pos] <= '9')
            c.pos++;
    }
    zpos = c.pos;
    if (c.pos < c.len && c.s[c.pos] == 'Z') {
        c.pos++;
    } else if (c.pos < c.len && (c.s[c.pos] == '+' || c.s[c.pos] == '-')) {
        int sign = c.s[c.pos] == '-' ? -1 : 1;

        c.pos++;
        if (read_offset(&c, &offset, err))
            return -1;
        offset *= sign;
    } else {
        return fail_at(&c, c.pos, err, "'Z' or a UTC offset such as +00:00");
    }
    if (expect_end(&c, err))
        return -1;

    /* Local time minus its offset is UTC: 10:00-05:00 is 15:00Z. */
    t = instant_from_date(d) + (int64_t)hh * 3600 + mm * 60 + ss - offset;
    if (t < (int64_t)MIN_DAYS * SECONDS_PER_DAY ||
        t >= ((int64_t)MAX_DAYS + 1) * SECONDS_PER_DAY)
        return err_set(err, ERR_PARSE, NULL,
                       "instant: the offset at position %zu moves it outside years 0001..9999",
                       zpos + 1);
    *out = t;
    return 0;
}

int instant_parse_cstr(const char *s, instant_t *out, struct err *err)
{
    return instant_parse(s, s ? strlen(s) : 0, out, err);
}

/* Instants outside years 0001..9999 format as "0000-00-00T00:00:00Z". */
void instant_format(instant_t t, char buf[INSTANT_STRLEN])
{
    int64_t days = floor_div(t, SECONDS_PER_DAY);
    int sod = (int)floor_mod(t, SECONDS_PER_DAY);

    if (days < MIN_DAYS || days > MAX_DAYS) {
        date_format((struct date){ 0, 0, 0 }, buf);
        sod = 0;
    } else {
        date_format(civil_from_days(days), buf);
    }
    buf[10] = 'T';
    put_digits(buf + 11, sod / 3600, 2);
    buf[13] = ':';
    put_digits(buf + 14, sod / 60 % 60, 2);
    buf[16] = ':';
    put_digits(buf + 17, sod % 60, 2);
    buf[19] = 'Z';
    buf[20] = '\0';
}

struct date instant_date(instant_t t)
{
    return civil_from_days(floor_div(t, SECONDS_PER_DAY));
}

instant_t instant_from_date(struct date d)
{
    return days_from_civil(d.year, d.month, d.day) * SECONDS_PER_DAY;
}

int instant_seconds_of_day(instant_t t)
{
    return (int)floor_mod(t, SECONDS_PER_DAY);
}
