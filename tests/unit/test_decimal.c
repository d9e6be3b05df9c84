/*
 * tests/unit/test_decimal.c — core/decimal: parsing, printing, arithmetic and rounding of money.
 *
 * Every expected value below was worked out by hand (or is a worked example from Microsoft's
 * documents, cited), never copied from the code's output. The tables are the specification:
 * rounding per mode, Microsoft's decimal strings, the proration cases of nce-rules, the range
 * edges. Last, a property test checks mul/div/muldiv on random operands of every size against
 * a naive 256-bit model written here with 32-bit limbs (STYLE.md rule 15).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/decimal.h"

#define E18 ((__int128)1000000000000000000LL)
#define RAW_MAX ((__int128)(((unsigned __int128)1 << 127) - 1))
#define MAX_TEXT "170141183460469231731.687303715884105727"
/* A raw value nobody would produce: tells whether *out was written. */
#define SENTINEL ((__int128)0x5eed5eed5eedLL)

static const char *mode_name(enum dec_round m)
{
    static const char *names[] = {"DOWN", "HALF_UP", "HALF_EVEN", "UP", "FLOOR", "CEILING"};

    return (unsigned)m < 6 ? names[m] : "?";
}

static struct dec raw(__int128 r)
{
    struct dec d = {r};

    return d;
}

static struct dec P(const char *s)
{
    struct dec d;
    struct err e;

    err_clear(&e);
    if (dec_parse_cstr(s, &d, &e) != 0)
        fail_msg("parse \"%s\": %s", s, e.msg);
    return d;
}

static void check_eq(struct dec got, struct dec want, const char *what)
{
    char g[DEC_STRLEN], w[DEC_STRLEN];

    if (got.raw != want.raw) {
        dec_format(got, g);
        dec_format(want, w);
        fail_msg("%s: got %s, want %s", what, g, w);
    }
}

/* ---- parsing ------------------------------------------------------------------------------- */

struct parse_ok {
    const char *text;
    int neg;
    int64_t units; /* integer part */
    int64_t atto;  /* 18-digit fraction as an integer */
};

static const struct parse_ok parse_ok_cases[] = {
    {"0", 0, 0, 0},
    {"-0", 0, 0, 0},
    {"+0.00", 0, 0, 0},
    {"100.8", 0, 100, 800000000000000000},
    {"-9.408", 1, 9, 408000000000000000},
    {"+12675", 0, 12675, 0},
    {"22.000000000000000000", 0, 22, 0},           /* reconciliation file style */
    {"1.0000000000000000000000000", 0, 1, 0},      /* zeros past 18 places are exact */
    {"0.000000000000000001", 0, 0, 1},
    {"-0.000000000000000001", 1, 0, 1},
    {"1000000000000000.123456789012345678", 0, 1000000000000000, 123456789012345678},
    {"-1000000000000000.000000000000000001", 1, 1000000000000000, 1},
    {"5.", 0, 5, 0},
    {".5", 0, 0, 500000000000000000},
    {"-.25", 1, 0, 250000000000000000},
    {"007.50", 0, 7, 500000000000000000},
    {"1.5E-3", 0, 0, 1500000000000000},            /* Excel-saved CSV */
    {"1.5e3", 0, 1500, 0},
    {"2.5E+2", 0, 250, 0},
    {"-4.2E1", 1, 42, 0},
    {"12E-18", 0, 0, 12},
    {"0.0000000000000000010E0", 0, 0, 1},
    {"123456789E-9", 0, 0, 123456789000000000},
    {"0E999999999999", 0, 0, 0},
    {"0.000E-999999", 0, 0, 0},
    {"16", 0, 16, 0},
    {"14.4", 0, 14, 400000000000000000},
};

static void test_parse_valid(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(parse_ok_cases) / sizeof(parse_ok_cases[0]); i++) {
        const struct parse_ok *c = &parse_ok_cases[i];
        __int128 want = (__int128)c->units * E18 + c->atto;
        struct dec d = raw(SENTINEL);
        struct err e;

        err_clear(&e);
        if (dec_parse_cstr(c->text, &d, &e) != 0)
            fail_msg("\"%s\": unexpected error %s", c->text, e.msg);
        check_eq(d, raw(c->neg ? -want : want), c->text);
    }
}

static void test_parse_range_edges(void **state)
{
    struct dec d;
    struct err e;

    (void)state;
    err_clear(&e);
    assert_int_equal(dec_parse_cstr(MAX_TEXT, &d, &e), 0);
    check_eq(d, raw(RAW_MAX), "max");
    assert_int_equal(dec_parse_cstr("-" MAX_TEXT, &d, &e), 0);
    check_eq(d, raw(-RAW_MAX), "-max");
    /* The same value written with an exponent and extra zeros. */
    assert_int_equal(dec_parse_cstr("1.70141183460469231731687303715884105727000E20", &d, &e), 0);
    check_eq(d, raw(RAW_MAX), "max with exponent");
    /* Leading zeros do not count towards any limit. */
    assert_int_equal(dec_parse_cstr("0000000000000000000000000000000000000000000001.5", &d, &e), 0);
    check_eq(d, raw(E18 + E18 / 2), "leading zeros");
}

struct parse_bad {
    const char *text;
    enum err_code code;
    const char *msg;
};

static const struct parse_bad parse_bad_cases[] = {
    {"", ERR_PARSE, "empty number"},
    {"-", ERR_PARSE, "expected a digit at position 2"},
    {"+", ERR_PARSE, "expected a digit at position 2"},
    {".", ERR_PARSE, "expected a digit at position 2"},
    {"-.", ERR_PARSE, "expected a digit at position 3"},
    {"1.2.3", ERR_PARSE, "invalid character '.' at position 4"},
    {" 1", ERR_PARSE, "invalid character ' ' at position 1"},
    {"1 ", ERR_PARSE, "invalid character ' ' at position 2"},
    {"1 000", ERR_PARSE, "invalid character ' ' at position 2"},
    {"12x4", ERR_PARSE, "invalid character 'x' at position 3"},
    {"1,000.00", ERR_PARSE, "invalid character ',' at position 2"},
    {"--1", ERR_PARSE, "invalid character '-' at position 2"},
    {"+-1", ERR_PARSE, "invalid character '-' at position 2"},
    {"$10", ERR_PARSE, "invalid character '$' at position 1"},
    {"1e", ERR_PARSE, "expected a digit at position 3"},
    {"1E+", ERR_PARSE, "expected a digit at position 4"},
    {"1e5.0", ERR_PARSE, "invalid character '.' at position 4"},
    {"1e-x", ERR_PARSE, "invalid character 'x' at position 4"},
    {"e5", ERR_PARSE, "invalid character 'e' at position 1"},
    {".e5", ERR_PARSE, "invalid character 'e' at position 2"},
    {"NaN", ERR_PARSE, "invalid character 'N' at position 1"},
    {"1\t", ERR_PARSE, "invalid byte 0x09 at position 2"},
    {"0.0000000000000000001", ERR_PARSE, "more than 18 fraction digits"},
    {"1E-19", ERR_PARSE, "more than 18 fraction digits"},
    {"1.5E-18", ERR_PARSE, "more than 18 fraction digits"},
    {"22.0000000000000000001", ERR_PARSE, "more than 18 fraction digits"},
    {"170141183460469231731.687303715884105728", ERR_OVERFLOW, "number out of range"},
    {"-170141183460469231731.687303715884105728", ERR_OVERFLOW, "number out of range"},
    {"170141183460469231732", ERR_OVERFLOW, "number out of range"},
    {"200000000000000000000", ERR_OVERFLOW, "number out of range"},
    {"1E21", ERR_OVERFLOW, "number out of range"},
    {"10000000000000000000000000000000000000000", ERR_OVERFLOW, "number out of range"},
    {"1E999999999999999999999", ERR_OVERFLOW, "number out of range"},
};

static void test_parse_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(parse_bad_cases) / sizeof(parse_bad_cases[0]); i++) {
        const struct parse_bad *c = &parse_bad_cases[i];
        struct dec d = raw(SENTINEL);
        struct err e;

        err_clear(&e);
        if (dec_parse_cstr(c->text, &d, &e) != -1)
            fail_msg("\"%s\": accepted", c->text);
        if (e.code != c->code || strcmp(e.msg, c->msg) != 0)
            fail_msg("\"%s\": got %d \"%s\", want %d \"%s\"", c->text, e.code, e.msg, c->code,
                     c->msg);
        if (d.raw != SENTINEL)
            fail_msg("\"%s\": *out written on error", c->text);
    }
}

static void test_parse_len_bounded(void **state)
{
    struct dec d = raw(SENTINEL);
    struct err e;

    (void)state;
    err_clear(&e);
    /* Only `len` bytes are read: "12.5" out of "12.5xyz". */
    assert_int_equal(dec_parse("12.5xyz", 4, &d, &e), 0);
    check_eq(d, raw(12 * E18 + E18 / 2), "prefix");
    /* An embedded NUL inside len is a bad byte, not the end. */
    d = raw(SENTINEL);
    assert_int_equal(dec_parse("1\0002", 3, &d, &e), -1);
    assert_string_equal(e.msg, "invalid byte 0x00 at position 2");
    assert_true(d.raw == SENTINEL);
    assert_int_equal(dec_parse("", 0, &d, &e), -1);
    assert_int_equal(e.code, ERR_PARSE);
    assert_int_equal(dec_parse_cstr(NULL, &d, &e), -1);
    assert_int_equal(e.code, ERR_PARSE);
}

/* ---- printing ------------------------------------------------------------------------------ */

struct fmt_case {
    __int128 raw;
    const char *text;
};

static void test_format(void **state)
{
    const __int128 e19 = (__int128)10000000000000000000ULL;
    const struct fmt_case cases[] = {
        {0, "0"},
        {100 * E18 + 8 * E18 / 10, "100.8"},
        {-(9 * E18 + 408 * E18 / 1000), "-9.408"},
        {12675 * E18, "12675"},
        {1, "0.000000000000000001"},
        {-E18 / 2, "-0.5"},
        {1000000000000000 * E18 + 123456789012345678, "1000000000000000.123456789012345678"},
        {e19 * E18, "10000000000000000000"},
        {(e19 - 1) * E18, "9999999999999999999"},
        {((__int128)1 << 64) * E18, "18446744073709551616"},
        {e19 * 10 * E18, "100000000000000000000"},
        {e19 * 10 * E18 + 5, "100000000000000000000.000000000000000005"},
        {RAW_MAX, MAX_TEXT},
        {-RAW_MAX, "-" MAX_TEXT},
    };
    char buf[DEC_STRLEN];

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t n = dec_format(raw(cases[i].raw), buf);

        assert_string_equal(buf, cases[i].text);
        assert_int_equal(n, strlen(cases[i].text));
        /* And back. */
        check_eq(P(buf), raw(cases[i].raw), cases[i].text);
    }
}

struct fixed_case {
    const char *in;
    int places;
    enum dec_round mode;
    const char *text;
};

static const struct fixed_case fixed_cases[] = {
    {"100.8", 2, DEC_ROUND_HALF_UP, "100.80"},
    {"0", 2, DEC_ROUND_HALF_UP, "0.00"},
    {"12675", 0, DEC_ROUND_HALF_UP, "12675"},
    {"2.345", 2, DEC_ROUND_HALF_UP, "2.35"},
    {"2.345", 2, DEC_ROUND_HALF_EVEN, "2.34"},
    {"-9.4296", 2, DEC_ROUND_DOWN, "-9.42"},
    {"9.999", 2, DEC_ROUND_HALF_UP, "10.00"},
    {"-0.001", 2, DEC_ROUND_HALF_UP, "0.00"}, /* no "-0.00" */
    {"-0.001", 2, DEC_ROUND_FLOOR, "-0.01"},
    {"1.5", 18, DEC_ROUND_DOWN, "1.500000000000000000"},
    {"0.05", 1, DEC_ROUND_HALF_EVEN, "0.0"},
    {"1234.5", 0, DEC_ROUND_HALF_EVEN, "1234"},
    {"0.000000000000000001", 3, DEC_ROUND_UP, "0.001"},
    /* Printing may show a rounded value just past the range: nothing wraps. */
    {MAX_TEXT, 0, DEC_ROUND_UP, "170141183460469231732"},
    {"-" MAX_TEXT, 2, DEC_ROUND_FLOOR, "-170141183460469231731.69"},
    /* Out-of-range places are clamped to 0..18. */
    {"2.5", -3, DEC_ROUND_HALF_UP, "3"},
    {"2.5", 40, DEC_ROUND_HALF_UP, "2.500000000000000000"},
};

static void test_format_fixed(void **state)
{
    char buf[DEC_STRLEN];

    (void)state;
    for (size_t i = 0; i < sizeof(fixed_cases) / sizeof(fixed_cases[0]); i++) {
        const struct fixed_case *c = &fixed_cases[i];
        size_t n = dec_format_fixed(P(c->in), c->places, c->mode, buf);

        if (strcmp(buf, c->text) != 0)
            fail_msg("%s to %d places %s: got %s, want %s", c->in, c->places, mode_name(c->mode),
                     buf, c->text);
        assert_int_equal(n, strlen(c->text));
    }
}

/* ---- rounding ------------------------------------------------------------------------------ */

struct round_case {
    const char *in;
    int places;
    enum dec_round mode;
    const char *want;
};

static const struct round_case round_cases[] = {
    /* HALF_UP: half away from zero (Excel ROUND). */
    {"2.345", 2, DEC_ROUND_HALF_UP, "2.35"},
    {"2.355", 2, DEC_ROUND_HALF_UP, "2.36"},
    {"-2.345", 2, DEC_ROUND_HALF_UP, "-2.35"},
    {"-2.355", 2, DEC_ROUND_HALF_UP, "-2.36"},
    {"0.005", 2, DEC_ROUND_HALF_UP, "0.01"},
    {"-0.005", 2, DEC_ROUND_HALF_UP, "-0.01"},
    {"0.004999999999999999", 2, DEC_ROUND_HALF_UP, "0"},
    {"2.344999", 2, DEC_ROUND_HALF_UP, "2.34"},
    {"2.5", 0, DEC_ROUND_HALF_UP, "3"},
    {"-2.5", 0, DEC_ROUND_HALF_UP, "-3"},
    {"11.2258", 2, DEC_ROUND_HALF_UP, "11.23"}, /* nce-rules 7.4: displayed EUP */
    {"8.5161", 2, DEC_ROUND_HALF_UP, "8.52"},
    /* HALF_EVEN: banker's rounding; only exact halves differ from HALF_UP. */
    {"2.345", 2, DEC_ROUND_HALF_EVEN, "2.34"},
    {"2.355", 2, DEC_ROUND_HALF_EVEN, "2.36"},
    {"-2.345", 2, DEC_ROUND_HALF_EVEN, "-2.34"},
    {"-2.355", 2, DEC_ROUND_HALF_EVEN, "-2.36"},
    {"0.005", 2, DEC_ROUND_HALF_EVEN, "0"},
    {"0.015", 2, DEC_ROUND_HALF_EVEN, "0.02"},
    {"0.025", 2, DEC_ROUND_HALF_EVEN, "0.02"},
    {"2.345000000000000001", 2, DEC_ROUND_HALF_EVEN, "2.35"}, /* above half */
    {"2.5", 0, DEC_ROUND_HALF_EVEN, "2"},
    {"3.5", 0, DEC_ROUND_HALF_EVEN, "4"},
    {"-2.5", 0, DEC_ROUND_HALF_EVEN, "-2"},
    {"1.2345", 3, DEC_ROUND_HALF_EVEN, "1.234"},
    {"1.2345", 3, DEC_ROUND_HALF_UP, "1.235"},
    /* DOWN: toward zero (Excel ROUNDDOWN, Microsoft's truncation), charges and refunds alike. */
    {"2.349", 2, DEC_ROUND_DOWN, "2.34"},
    {"9.4296", 2, DEC_ROUND_DOWN, "9.42"},
    {"-9.4296", 2, DEC_ROUND_DOWN, "-9.42"},
    {"-0.009", 2, DEC_ROUND_DOWN, "0"},
    {"229.166666666666666667", 2, DEC_ROUND_DOWN, "229.16"}, /* 250 x 11/12, nce-rules 7.4 */
    /* UP: away from zero. */
    {"2.341", 2, DEC_ROUND_UP, "2.35"},
    {"-2.341", 2, DEC_ROUND_UP, "-2.35"},
    {"2.34", 2, DEC_ROUND_UP, "2.34"},
    {"0.000000000000000001", 2, DEC_ROUND_UP, "0.01"},
    /* FLOOR and CEILING: by sign. */
    {"2.349", 2, DEC_ROUND_FLOOR, "2.34"},
    {"-2.341", 2, DEC_ROUND_FLOOR, "-2.35"},
    {"-2.34", 2, DEC_ROUND_FLOOR, "-2.34"},
    {"2.341", 2, DEC_ROUND_CEILING, "2.35"},
    {"-2.349", 2, DEC_ROUND_CEILING, "-2.34"},
    /* Places 0 and 18, big values. */
    {"0.123456789012345678", 18, DEC_ROUND_UP, "0.123456789012345678"},
    {"11.225806451612903226", 6, DEC_ROUND_HALF_UP, "11.225806"},
    {"1000000000000000.005", 2, DEC_ROUND_HALF_EVEN, "1000000000000000"},
    {"1000000000000000.015", 2, DEC_ROUND_HALF_EVEN, "1000000000000000.02"},
    {"-170141183460469231730.5", 0, DEC_ROUND_HALF_UP, "-170141183460469231731"},
    {MAX_TEXT, 17, DEC_ROUND_DOWN, "170141183460469231731.68730371588410572"},
};

static void test_round_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(round_cases) / sizeof(round_cases[0]); i++) {
        const struct round_case *c = &round_cases[i];
        struct dec out = raw(SENTINEL);
        struct err e;
        char what[128];

        err_clear(&e);
        snprintf(what, sizeof(what), "%s to %d %s", c->in, c->places, mode_name(c->mode));
        if (dec_round(P(c->in), c->places, c->mode, &out, &e) != 0)
            fail_msg("%s: %s", what, e.msg);
        check_eq(out, P(c->want), what);
    }
}

static void test_round_errors(void **state)
{
    struct dec out = raw(SENTINEL);
    struct err e;

    (void)state;
    err_clear(&e);
    assert_int_equal(dec_round(P("1.5"), -1, DEC_ROUND_HALF_UP, &out, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_int_equal(dec_round(P("1.5"), 19, DEC_ROUND_HALF_UP, &out, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_int_equal(dec_round(P("1.5"), 2, (enum dec_round)99, &out, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    /* Rounding the largest value up leaves the range. */
    assert_int_equal(dec_round(raw(RAW_MAX), 0, DEC_ROUND_UP, &out, &e), -1);
    assert_int_equal(e.code, ERR_OVERFLOW);
    assert_int_equal(dec_round(raw(-RAW_MAX), 2, DEC_ROUND_FLOOR, &out, &e), -1);
    assert_int_equal(e.code, ERR_OVERFLOW);
    /* ...727 to 17 places half-up is ...730, three units past the largest raw value. */
    assert_int_equal(dec_round(raw(RAW_MAX), 17, DEC_ROUND_HALF_UP, &out, &e), -1);
    assert_int_equal(e.code, ERR_OVERFLOW);
    assert_true(out.raw == SENTINEL);
    /* ...but rounding it down is fine. */
    assert_int_equal(dec_round(raw(RAW_MAX), 0, DEC_ROUND_DOWN, &out, &e), 0);
    check_eq(out, P("170141183460469231731"), "max down");
}

struct ccy_case {
    const char *in;
    const char *ccy;
    enum dec_round mode;
    const char *want;
};

static const struct ccy_case ccy_cases[] = {
    {"1234.5678", "USD", DEC_ROUND_HALF_UP, "1234.57"},
    {"1234.5678", "EUR", DEC_ROUND_DOWN, "1234.56"},
    {"-9.4296", "USD", DEC_ROUND_DOWN, "-9.42"},
    {"1234.5678", "JPY", DEC_ROUND_HALF_UP, "1235"},
    {"1234.5", "JPY", DEC_ROUND_HALF_EVEN, "1234"},
    {"-9.4296", "JPY", DEC_ROUND_DOWN, "-9"},
    {"1500.7", "KRW", DEC_ROUND_DOWN, "1500"},
    {"1234.5678", "KWD", DEC_ROUND_HALF_UP, "1234.568"},
    {"1234.5675", "KWD", DEC_ROUND_HALF_EVEN, "1234.568"},
    {"1234.5665", "BHD", DEC_ROUND_HALF_EVEN, "1234.566"},
    {"3.14159", "OMR", DEC_ROUND_CEILING, "3.142"},
    {"0.12345", "CLF", DEC_ROUND_HALF_UP, "0.1235"},
    {"100.999", "HUF", DEC_ROUND_DOWN, "100.99"},
    {"15000000000000.495", "IDR", DEC_ROUND_HALF_UP, "15000000000000.5"},
    {"-0.4", "VND", DEC_ROUND_FLOOR, "-1"},
};

static void test_round_currency(void **state)
{
    static const char *unknown[] = {"XYZ", "usd", "", "US", "USDD", "XAU", "HRK", "U1D"};
    struct dec out = raw(SENTINEL);
    struct err e;

    (void)state;
    for (size_t i = 0; i < sizeof(ccy_cases) / sizeof(ccy_cases[0]); i++) {
        const struct ccy_case *c = &ccy_cases[i];
        char what[64];

        err_clear(&e);
        snprintf(what, sizeof(what), "%s %s %s", c->in, c->ccy, mode_name(c->mode));
        if (dec_round_currency(P(c->in), c->ccy, c->mode, &out, &e) != 0)
            fail_msg("%s: %s", what, e.msg);
        check_eq(out, P(c->want), what);
    }
    out = raw(SENTINEL);
    for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
        err_clear(&e);
        if (dec_round_currency(P("1.005"), unknown[i], DEC_ROUND_HALF_UP, &out, &e) != -1)
            fail_msg("currency \"%s\" accepted", unknown[i]);
        assert_int_equal(e.code, ERR_INVALID);
        assert_string_equal(e.field, "currency");
    }
    assert_int_equal(dec_round_currency(P("1"), NULL, DEC_ROUND_HALF_UP, &out, &e), -1);
    assert_string_equal(e.field, "currency");
    assert_true(out.raw == SENTINEL);
}

/* ---- add, sub ------------------------------------------------------------------------------ */

static void test_add_sub(void **state)
{
    struct dec out = raw(SENTINEL);
    struct err e;

    (void)state;
    err_clear(&e);
    assert_int_equal(dec_add(P("0.1"), P("0.2"), &out, &e), 0);
    check_eq(out, P("0.3"), "0.1 + 0.2"); /* exactly, unlike binary floating point */
    assert_int_equal(dec_sub(P("100.8"), P("9.408"), &out, &e), 0);
    check_eq(out, P("91.392"), "100.8 - 9.408");
    assert_int_equal(dec_add(P("-5.25"), P("5.25"), &out, &e), 0);
    check_eq(out, P("0"), "-5.25 + 5.25");
    assert_int_equal(dec_sub(P("-1.01"), P("0.99"), &out, &e), 0);
    check_eq(out, P("-2"), "-1.01 - 0.99");
    assert_int_equal(dec_add(P("1000000000000000"), P("0.000000000000000001"), &out, &e), 0);
    check_eq(out, P("1000000000000000.000000000000000001"), "IDR + 1e-18");
    assert_int_equal(dec_sub(raw(RAW_MAX), raw(RAW_MAX), &out, &e), 0);
    check_eq(out, P("0"), "max - max");
    assert_int_equal(dec_add(raw(RAW_MAX), raw(-RAW_MAX), &out, &e), 0);
    check_eq(out, P("0"), "max + -max");

    out = raw(SENTINEL);
    assert_int_equal(dec_add(raw(RAW_MAX), P("0.000000000000000001"), &out, &e), -1);
    assert_int_equal(e.code, ERR_OVERFLOW);
    assert_int_equal(dec_add(P("100000000000000000000"), P("100000000000000000000"), &out, &e),
                     -1);
    assert_int_equal(e.code, ERR_OVERFLOW);
    /* -max - 1e-18 would be -2^127: out of the symmetric range. */
    assert_int_equal(dec_sub(raw(-RAW_MAX), P("0.000000000000000001"), &out, &e), -1);
    assert_int_equal(e.code, ERR_OVERFLOW);
    assert_int_equal(dec_add(raw(-RAW_MAX), P("-1"), &out, &e), -1);
    assert_int_equal(e.code, ERR_OVERFLOW);
    assert_int_equal(dec_sub(raw(RAW_MAX), P("-1"), &out, &e), -1);
    assert_int_equal(e.code, ERR_OVERFLOW);
    assert_true(out.raw == SENTINEL);
}

/* ---- mul, div, muldiv ---------------------------------------------------------------------- */

struct op_case {
    const char *a, *b, *c; /* c only for muldiv */
    enum dec_round mode;
    const char *want;
};

static const struct op_case mul_cases[] = {
    {"10.08", "28", NULL, DEC_ROUND_HALF_UP, "282.24"},
    {"14.4", "50", NULL, DEC_ROUND_DOWN, "720"}, /* formats.md one-time line sample */
    {"1.5", "-2", NULL, DEC_ROUND_DOWN, "-3"},
    {"-1.5", "-2", NULL, DEC_ROUND_DOWN, "3"},
    {"0.000000001", "0.000000001", NULL, DEC_ROUND_DOWN, "0.000000000000000001"},
    /* 5e-19 exactly: a tie at the 18th place. */
    {"0.000000001", "0.0000000005", NULL, DEC_ROUND_HALF_UP, "0.000000000000000001"},
    {"0.000000001", "0.0000000005", NULL, DEC_ROUND_HALF_EVEN, "0"},
    {"0.000000001", "0.0000000005", NULL, DEC_ROUND_DOWN, "0"},
    {"0.000000001", "0.0000000005", NULL, DEC_ROUND_UP, "0.000000000000000001"},
    {"-0.000000001", "0.0000000005", NULL, DEC_ROUND_FLOOR, "-0.000000000000000001"},
    {"-0.000000001", "0.0000000005", NULL, DEC_ROUND_CEILING, "0"},
    {"0.000000003", "0.0000000005", NULL, DEC_ROUND_HALF_EVEN, "0.000000000000000002"},
    /* Daily rated usage sample: 0.0209496384791679 x 23.200004 = 0.4860316965152491966716. */
    {"0.0209496384791679", "23.200004", NULL, DEC_ROUND_HALF_UP, "0.486031696515249197"},
    {"0.0209496384791679", "23.200004", NULL, DEC_ROUND_DOWN, "0.486031696515249196"},
    /* A distributor's year in IDR: the 256-bit path, exact. */
    {"1000000000000000", "12", NULL, DEC_ROUND_DOWN, "12000000000000000"},
    {"1000000000000000.000000000000000001", "12", NULL, DEC_ROUND_DOWN,
     "12000000000000000.000000000000000012"},
    {MAX_TEXT, "1", NULL, DEC_ROUND_DOWN, MAX_TEXT},
    {MAX_TEXT, "-1", NULL, DEC_ROUND_DOWN, "-" MAX_TEXT},
    {MAX_TEXT, "0.5", NULL, DEC_ROUND_HALF_UP, "85070591730234615865.843651857942052864"},
    {MAX_TEXT, "0.5", NULL, DEC_ROUND_HALF_EVEN, "85070591730234615865.843651857942052864"},
    {"-" MAX_TEXT, "0.5", NULL, DEC_ROUND_DOWN, "-85070591730234615865.843651857942052863"},
    {"13043817825.332782", "13043817825.332782", NULL, DEC_ROUND_DOWN,
     "170141183460469226191.989043859524"},
};

static const struct op_case div_cases[] = {
    {"1", "3", NULL, DEC_ROUND_HALF_UP, "0.333333333333333333"},
    {"1", "3", NULL, DEC_ROUND_UP, "0.333333333333333334"},
    {"2", "3", NULL, DEC_ROUND_HALF_UP, "0.666666666666666667"},
    {"2", "3", NULL, DEC_ROUND_DOWN, "0.666666666666666666"},
    {"-2", "3", NULL, DEC_ROUND_FLOOR, "-0.666666666666666667"},
    {"-2", "3", NULL, DEC_ROUND_CEILING, "-0.666666666666666666"},
    {"2", "-3", NULL, DEC_ROUND_HALF_UP, "-0.666666666666666667"},
    {"282.24", "30", NULL, DEC_ROUND_DOWN, "9.408"},
    {"0.000000000000000001", "2", NULL, DEC_ROUND_HALF_EVEN, "0"},
    {"0.000000000000000003", "2", NULL, DEC_ROUND_HALF_EVEN, "0.000000000000000002"},
    {"0.000000000000000001", "2", NULL, DEC_ROUND_HALF_UP, "0.000000000000000001"},
    {"100000000000000000000", "3", NULL, DEC_ROUND_DOWN,
     "33333333333333333333.333333333333333333"},
    {"100000000000000000000", "-3", NULL, DEC_ROUND_FLOOR,
     "-33333333333333333333.333333333333333334"},
    {"1", "0.000000000000000001", NULL, DEC_ROUND_DOWN, "1000000000000000000"},
    {MAX_TEXT, MAX_TEXT, NULL, DEC_ROUND_DOWN, "1"},
    {"12675", "365", NULL, DEC_ROUND_HALF_UP, "34.726027397260273973"},
};

static const struct op_case muldiv_cases[] = {
    /* nce-rules: unit_price * days / cycle_days, one rounding. */
    {"10.00", "31", "31", DEC_ROUND_DOWN, "10"},
    {"10.00", "31", "31", DEC_ROUND_UP, "10"},
    {"10.08", "28", "30", DEC_ROUND_DOWN, "9.408"},
    {"10.08", "28", "30", DEC_ROUND_UP, "9.408"},
    {"12", "29", "31", DEC_ROUND_HALF_UP, "11.225806451612903226"}, /* 11.2258064516129032258 */
    {"12", "29", "31", DEC_ROUND_DOWN, "11.225806451612903225"},
    {"-12", "29", "31", DEC_ROUND_HALF_UP, "-11.225806451612903226"},
    {"-12", "29", "31", DEC_ROUND_CEILING, "-11.225806451612903225"},
    {"12", "-29", "-31", DEC_ROUND_FLOOR, "11.225806451612903225"},
    {"250", "11", "12", DEC_ROUND_HALF_UP, "229.166666666666666667"},
    {"1000000000000000", "29", "31", DEC_ROUND_DOWN, "935483870967741.935483870967741935"},
    {"1000000000000000", "29", "31", DEC_ROUND_UP, "935483870967741.935483870967741936"},
    /* a*b is far outside the range, the quotient is not. */
    {"100000000000000000000", "100000000000000000000", "100000000000000000000",
     DEC_ROUND_DOWN, "100000000000000000000"},
    {MAX_TEXT, MAX_TEXT, MAX_TEXT, DEC_ROUND_DOWN, MAX_TEXT},
    {"-" MAX_TEXT, MAX_TEXT, MAX_TEXT, DEC_ROUND_DOWN, "-" MAX_TEXT},
    /*
     * Built so that long division's last step subtracts a limb to exactly zero while a borrow
     * is pending (a*b = 3c + r with r just below c): 3.99... rounds half-up to 4, down to 3.
     */
    {"170141183460469231730.3253530971178093", "0.000000000000000004",
     "170141183460469231731.384871875476361725", DEC_ROUND_HALF_UP, "0.000000000000000004"},
    {"170141183460469231730.3253530971178093", "0.000000000000000004",
     "170141183460469231731.384871875476361725", DEC_ROUND_DOWN, "0.000000000000000003"},
    {MAX_TEXT, "3", "7", DEC_ROUND_HALF_UP, "72917650054486813599.294558735378902454"},
    {MAX_TEXT, "3", "7", DEC_ROUND_UP, "72917650054486813599.294558735378902455"},
};

static void run_ops(const struct op_case *cases, size_t n, char op)
{
    for (size_t i = 0; i < n; i++) {
        const struct op_case *c = &cases[i];
        struct dec out = raw(SENTINEL);
        struct err e;
        char what[256];
        int rc = -1;

        err_clear(&e);
        snprintf(what, sizeof(what), "%s %c %s %s%s %s", c->a, op, c->b, c->c ? "/ " : "",
                 c->c ? c->c : "", mode_name(c->mode));
        if (op == '*')
            rc = dec_mul(P(c->a), P(c->b), c->mode, &out, &e);
        else if (op == '/')
            rc = dec_div(P(c->a), P(c->b), c->mode, &out, &e);
        else
            rc = dec_muldiv(P(c->a), P(c->b), P(c->c), c->mode, &out, &e);
        if (rc != 0)
            fail_msg("%s: %s", what, e.msg);
        check_eq(out, P(c->want), what);
    }
}

static void test_mul(void **state)
{
    (void)state;
    run_ops(mul_cases, sizeof(mul_cases) / sizeof(mul_cases[0]), '*');
}

static void test_div(void **state)
{
    (void)state;
    run_ops(div_cases, sizeof(div_cases) / sizeof(div_cases[0]), '/');
}

static void test_muldiv(void **state)
{
    struct dec r;
    struct err e;

    (void)state;
    run_ops(muldiv_cases, sizeof(muldiv_cases) / sizeof(muldiv_cases[0]), 'm');
    /* Exact results are the same under every mode. */
    for (int m = DEC_ROUND_DOWN; m <= DEC_ROUND_CEILING; m++) {
        err_clear(&e);
        assert_int_equal(dec_muldiv(P("10.00"), P("31"), P("31"), m, &r, &e), 0);
        check_eq(r, P("10"), mode_name(m));
        assert_int_equal(dec_muldiv(P("-10.08"), P("28"), P("30"), m, &r, &e), 0);
        check_eq(r, P("-9.408"), mode_name(m));
    }
    /* 12 * 29 / 31 half-up to 6 places: 11.225806. */
    assert_int_equal(dec_muldiv(P("12"), P("29"), P("31"), DEC_ROUND_HALF_UP, &r, &e), 0);
    assert_int_equal(dec_round(r, 6, DEC_ROUND_HALF_UP, &r, &e), 0);
    check_eq(r, P("11.225806"), "12*29/31 to 6 places");
}

static void test_arith_errors(void **state)
{
    const struct dec big = P("100000000000000000000"); /* 1e20 */
    struct dec out = raw(SENTINEL);
    struct err e;

    (void)state;
    err_clear(&e);
    /* Division by zero. */
    assert_int_equal(dec_div(P("1"), P("0"), DEC_ROUND_HALF_UP, &out, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_string_equal(e.msg, "division by zero");
    assert_int_equal(dec_div(P("0"), P("-0"), DEC_ROUND_HALF_UP, &out, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_int_equal(dec_muldiv(P("10"), P("31"), P("0"), DEC_ROUND_HALF_UP, &out, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_string_equal(e.msg, "division by zero");
    /* Overflow in each operation. */
    assert_int_equal(dec_mul(big, P("2"), DEC_ROUND_DOWN, &out, &e), -1);
    assert_int_equal(e.code, ERR_OVERFLOW);
    assert_int_equal(dec_mul(P("10000000000"), P("100000000000"), DEC_ROUND_DOWN, &out, &e), -1);
    assert_int_equal(e.code, ERR_OVERFLOW);
    assert_int_equal(dec_mul(big, big, DEC_ROUND_DOWN, &out, &e), -1);
    assert_int_equal(e.code, ERR_OVERFLOW);
    assert_int_equal(dec_mul(big, P("-2"), DEC_ROUND_DOWN, &out, &e), -1);
    assert_int_equal(e.code, ERR_OVERFLOW);
    /* The exact product is in range but rounding up leaves it. */
    assert_int_equal(dec_mul(raw(RAW_MAX), P("0.999999999999999999"), DEC_ROUND_DOWN, &out, &e),
                     0);
    assert_int_equal(dec_div(big, P("0.1"), DEC_ROUND_DOWN, &out, &e), -1);
    assert_int_equal(e.code, ERR_OVERFLOW);
    assert_int_equal(dec_div(P("170141183460469231731"), P("0.5"), DEC_ROUND_DOWN, &out, &e),
                     -1);
    assert_int_equal(e.code, ERR_OVERFLOW);
    assert_int_equal(dec_muldiv(big, P("10"), P("1"), DEC_ROUND_DOWN, &out, &e), -1);
    assert_int_equal(e.code, ERR_OVERFLOW);
    assert_int_equal(dec_muldiv(big, big, P("1"), DEC_ROUND_DOWN, &out, &e), -1);
    assert_int_equal(e.code, ERR_OVERFLOW);
    assert_int_equal(dec_muldiv(raw(RAW_MAX), P("1.000000000000000001"), P("1"), DEC_ROUND_DOWN,
                                &out, &e),
                     -1);
    assert_int_equal(e.code, ERR_OVERFLOW);
    /* Unknown mode. */
    out = raw(SENTINEL);
    assert_int_equal(dec_mul(P("1"), P("1"), (enum dec_round)-1, &out, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_true(out.raw == SENTINEL);
}

/* ---- mul_i64 ------------------------------------------------------------------------------- */

static void test_mul_i64(void **state)
{
    struct dec out = raw(SENTINEL);
    struct err e;

    (void)state;
    err_clear(&e);
    assert_int_equal(dec_mul_i64(P("10.08"), 28, &out, &e), 0);
    check_eq(out, P("282.24"), "10.08 x 28");
    assert_int_equal(dec_mul_i64(P("1000000000000000"), 12, &out, &e), 0);
    check_eq(out, P("12000000000000000"), "1e15 IDR x 12");
    assert_int_equal(dec_mul_i64(P("-0.01"), INT64_MAX, &out, &e), 0);
    check_eq(out, P("-92233720368547758.07"), "-0.01 x INT64_MAX");
    assert_int_equal(dec_mul_i64(P("0.000000000000000001"), INT64_MIN, &out, &e), 0);
    check_eq(out, P("-9.223372036854775808"), "1e-18 x INT64_MIN");
    assert_int_equal(dec_mul_i64(P("-3.5"), 0, &out, &e), 0);
    check_eq(out, P("0"), "x 0");
    assert_int_equal(dec_mul_i64(raw(RAW_MAX), -1, &out, &e), 0);
    check_eq(out, raw(-RAW_MAX), "max x -1");

    out = raw(SENTINEL);
    assert_int_equal(dec_mul_i64(P("100"), INT64_MAX, &out, &e), -1);
    assert_int_equal(e.code, ERR_OVERFLOW);
    assert_int_equal(dec_mul_i64(P("100"), INT64_MIN, &out, &e), -1);
    assert_int_equal(e.code, ERR_OVERFLOW);
    assert_int_equal(dec_mul_i64(raw(RAW_MAX), 2, &out, &e), -1);
    assert_int_equal(e.code, ERR_OVERFLOW);
    assert_int_equal(dec_mul_i64(P("20000000000000000000"), 10, &out, &e), -1);
    assert_int_equal(e.code, ERR_OVERFLOW);
    assert_true(out.raw == SENTINEL);
}

/* ---- comparison and conversions ------------------------------------------------------------ */

static void test_cmp_and_conversions(void **state)
{
    struct dec d;
    struct err e;
    int64_t v = 42;

    (void)state;
    err_clear(&e);
    assert_int_equal(dec_cmp(P("1.10"), P("1.1")), 0);
    assert_int_equal(dec_cmp(P("1.01"), P("1.1")), -1);
    assert_int_equal(dec_cmp(P("-1"), P("-2")), 1);
    assert_int_equal(dec_cmp(raw(-RAW_MAX), raw(RAW_MAX)), -1);
    assert_int_equal(dec_cmp(P("0.000000000000000001"), P("0")), 1);

    assert_int_equal(dec_fraction_digits(P("9.408")), 3);
    assert_int_equal(dec_fraction_digits(P("12675")), 0);
    assert_int_equal(dec_fraction_digits(P("100.80")), 1);
    assert_int_equal(dec_fraction_digits(P("-0.5")), 1);
    assert_int_equal(dec_fraction_digits(P("0.000000000000000001")), 18);
    assert_int_equal(dec_fraction_digits(raw(RAW_MAX)), 18);

    check_eq(dec_from_i64(12675), P("12675"), "from 12675");
    check_eq(dec_from_i64(INT64_MIN), P("-9223372036854775808"), "from INT64_MIN");
    check_eq(dec_from_i64(INT64_MAX), P("9223372036854775807"), "from INT64_MAX");
    assert_int_equal(dec_to_i64(P("-31"), &v, &e), 0);
    assert_int_equal(v, -31);
    assert_int_equal(dec_to_i64(P("-9223372036854775808"), &v, &e), 0);
    assert_true(v == INT64_MIN);
    v = 42;
    assert_int_equal(dec_to_i64(P("1.5"), &v, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_int_equal(dec_to_i64(P("9223372036854775808"), &v, &e), -1);
    assert_int_equal(e.code, ERR_OVERFLOW);
    assert_int_equal(v, 42);

    d = P("-2.5");
    assert_true(dec_is_neg(d));
    check_eq(dec_neg(d), P("2.5"), "neg");
    check_eq(dec_abs(d), P("2.5"), "abs");
    assert_true(dec_is_zero(P("-0.000")));
    assert_true(dec_is_zero(dec_zero()));
}

/* ---- property test against a naive 256-bit model ------------------------------------------- */

/* Little-endian 32-bit limbs; the model is deliberately simple, not fast. */
struct wide {
    uint32_t l[9];
};

static struct wide wide_from(unsigned __int128 v)
{
    struct wide w;

    memset(&w, 0, sizeof(w));
    for (int i = 0; i < 4; i++)
        w.l[i] = (uint32_t)(v >> (32 * i));
    return w;
}

static struct wide wide_mul(struct wide a, struct wide b)
{
    struct wide r;

    memset(&r, 0, sizeof(r));
    for (int i = 0; i < 9; i++) {
        uint64_t carry = 0;

        for (int j = 0; i + j < 9; j++) {
            uint64_t t = (uint64_t)a.l[i] * b.l[j] + r.l[i + j] + carry;

            r.l[i + j] = (uint32_t)t;
            carry = t >> 32;
        }
    }
    return r;
}

static struct wide wide_add(struct wide a, struct wide b)
{
    uint64_t carry = 0;

    for (int i = 0; i < 9; i++) {
        uint64_t t = (uint64_t)a.l[i] + b.l[i] + carry;

        a.l[i] = (uint32_t)t;
        carry = t >> 32;
    }
    return a;
}

static int wide_cmp(struct wide a, struct wide b)
{
    for (int i = 8; i >= 0; i--) {
        if (a.l[i] != b.l[i])
            return a.l[i] < b.l[i] ? -1 : 1;
    }
    return 0;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* A random raw value of random bit length (so every size class is exercised), random sign. */
static __int128 random_raw(void)
{
    unsigned __int128 v = ((unsigned __int128)rng() << 64) | rng();
    int bits = (int)(rng() % 128);

    v >>= 127 - bits; /* 1..127 bits */
    if (rng() & 1)
        v = (v / 1000) * 1000; /* sometimes trailing zeros */
    return (rng() & 1) ? -(__int128)v : (__int128)v;
}

static unsigned __int128 mag(__int128 v)
{
    return v < 0 ? (unsigned __int128)0 - (unsigned __int128)v : (unsigned __int128)v;
}

/*
 * Check r = round(a*b/c) for `mode` against the model: with q = |r| and t = |a*b|, |c| = d,
 * truncation means q*d <= t < (q+1)*d; the other modes are truncation plus at most one.
 */
static void check_model(__int128 a, __int128 b, __int128 c, enum dec_round mode)
{
    struct dec r = raw(SENTINEL);
    struct err e;
    struct wide t = wide_mul(wide_from(mag(a)), wide_from(mag(b)));
    struct wide d = wide_from(mag(c));
    bool neg = (a < 0) ^ (b < 0) ^ (c < 0);
    int rc;

    err_clear(&e);
    rc = dec_muldiv(raw(a), raw(b), raw(c), mode, &r, &e);
    if (rc != 0) {
        /* Overflow only if even the truncated quotient exceeds the range: t >= (max+1)*d. */
        struct wide lim = wide_mul(wide_from((unsigned __int128)RAW_MAX + 1), d);

        assert_int_equal(e.code, ERR_OVERFLOW);
        if (mode == DEC_ROUND_DOWN && wide_cmp(t, lim) < 0)
            fail_msg("spurious overflow");
        return;
    }
    assert_true(r.raw != SENTINEL);
    {
        unsigned __int128 q = mag(r.raw);
        struct wide lo = wide_mul(wide_from(q), d); /* q*d */
        struct wide hi = wide_add(lo, d);           /* (q+1)*d */
        bool exact;

        if (r.raw != 0 && (r.raw < 0) != neg)
            fail_msg("wrong sign");
        switch (mode) {
        case DEC_ROUND_DOWN:
            assert_true(wide_cmp(lo, t) <= 0 && wide_cmp(t, hi) < 0);
            break;
        default: {
            /* q is the truncated quotient or one more; which one is up to the mode. */
            struct wide qm1d = q ? wide_mul(wide_from(q - 1), d) : wide_from(0);
            bool is_trunc = wide_cmp(lo, t) <= 0 && wide_cmp(t, hi) < 0;
            bool is_next = q != 0 && wide_cmp(qm1d, t) < 0 && wide_cmp(t, lo) < 0;

            if (!is_trunc && !is_next)
                fail_msg("%s: more than one unit off", mode_name(mode));
            exact = wide_cmp(lo, t) == 0;
            if (mode == DEC_ROUND_UP)
                assert_true(exact || is_next);
            if (mode == DEC_ROUND_FLOOR)
                assert_true(exact || is_next == neg);
            if (mode == DEC_ROUND_CEILING)
                assert_true(exact || is_next == !neg);
            if (mode == DEC_ROUND_HALF_UP || mode == DEC_ROUND_HALF_EVEN) {
                /* 2t vs (2q+1)d when truncated, 2t vs (2q-1)d when bumped. */
                struct wide t2 = wide_add(t, t);
                struct wide mid = is_trunc ? wide_add(lo, hi) : wide_add(qm1d, lo);
                int cmp = wide_cmp(t2, mid);

                if (is_trunc && !exact)
                    assert_true(cmp < 0 || (cmp == 0 && mode == DEC_ROUND_HALF_EVEN &&
                                            (q & 1) == 0));
                if (is_next)
                    assert_true(cmp > 0 || (cmp == 0 && (mode == DEC_ROUND_HALF_UP ||
                                                         (q & 1) == 0)));
            }
        }
        }
    }
}

static void test_model_random(void **state)
{
    (void)state;
    for (int i = 0; i < 40000; i++) {
        __int128 a = random_raw(), b = random_raw(), c = random_raw();
        enum dec_round mode = (enum dec_round)(rng() % 6);
        struct dec r1, r2;
        struct err e;
        int rc1, rc2;

        if (a == 0 || c == 0)
            continue;
        check_model(a, b, c, mode);
        /* mul and div are muldiv with 10^18 in the right place. */
        err_clear(&e);
        rc1 = dec_mul(raw(a), raw(b), mode, &r1, &e);
        rc2 = dec_muldiv(raw(a), raw(b), raw(E18), mode, &r2, &e);
        assert_int_equal(rc1, rc2);
        if (rc1 == 0)
            assert_true(r1.raw == r2.raw);
        rc1 = dec_div(raw(a), raw(c), mode, &r1, &e);
        rc2 = dec_muldiv(raw(a), raw(E18), raw(c), mode, &r2, &e);
        assert_int_equal(rc1, rc2);
        if (rc1 == 0)
            assert_true(r1.raw == r2.raw);
        check_model(a, E18, c, mode);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_valid),
        cmocka_unit_test(test_parse_range_edges),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_parse_len_bounded),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_format_fixed),
        cmocka_unit_test(test_round_table),
        cmocka_unit_test(test_round_errors),
        cmocka_unit_test(test_round_currency),
        cmocka_unit_test(test_add_sub),
        cmocka_unit_test(test_mul),
        cmocka_unit_test(test_div),
        cmocka_unit_test(test_muldiv),
        cmocka_unit_test(test_arith_errors),
        cmocka_unit_test(test_mul_i64),
        cmocka_unit_test(test_cmp_and_conversions),
        cmocka_unit_test(test_model_random),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
