/*
 * tests/unit/test_pricelist.c — Microsoft price list rows (io/pricelist.h): header mapping,
 * row validation with "line N, column NAME" errors, dates, and the per-cycle price of
 * nce-rules.md Part A 13 worked by hand.
 *
 * Each row test builds a one-row list in memory from a valid base row (Microsoft's 18 columns,
 * formats.md §3.1) with a few fields overridden, so every case differs from a good row in
 * exactly the way it names.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/pricelist.h"

#define NCOLS 18

static const char *const head[NCOLS] = {
    "ProductTitle", "ProductId",     "SkuId",
    "SkuTitle",     "Publisher",     "SkuDescription",
    "UnitOfMeasure", "TermDuration", "BillingPlan",
    "Market",       "Currency",      "UnitPrice",
    "PricingTierRangeMin", "PricingTierRangeMax", "EffectiveStartDate",
    "EffectiveEndDate", "Tags",      "ERP Price",
};

static const char *const base[NCOLS] = {
    "Microsoft 365 E3", "CFQ7TTC0LFLX", "0001", "Microsoft 365 E3", "Microsoft Corporation",
    "Apps, \"security\" and compliance", "", "P1Y", "Monthly", "US", "USD", "432.00", "", "",
    "2026-11-01T00:00:00.0000000Z", "9999-11-30T23:59:00.0000000Z", "License", "540.00",
};

struct one {
    char text[4096];
    FILE *f;
    struct pricelist_reader r;
    struct err err;
    struct pricelist_row row;
    int init_rc;
    int rc; /* of the first pricelist_reader_next */
};

static size_t put_quoted(char *out, size_t cap, size_t len, const char *s)
{
    len += (size_t)snprintf(out + len, cap - len, "\"");
    for (; *s; s++)
        len += (size_t)snprintf(out + len, cap - len, *s == '"' ? "\"\"" : "%c", *s);
    return len + (size_t)snprintf(out + len, cap - len, "\"");
}

/*
 * Build "header\nrow\n" from `base` with overrides ("Column=value", NULL-terminated), read the
 * header and the first row. A NULL opts means no default start.
 */
static void one_open(struct one *o, const struct pricelist_reader_opts *opts, ...)
{
    const char *vals[NCOLS];
    size_t len = 0;
    va_list ap;
    const char *ov;

    memset(o, 0, sizeof(*o));
    memcpy(vals, base, sizeof(vals));
    va_start(ap, opts);
    while ((ov = va_arg(ap, const char *))) {
        const char *eq = strchr(ov, '=');
        int found = 0;

        for (int i = 0; i < NCOLS; i++) {
            if (strlen(head[i]) == (size_t)(eq - ov) && strncmp(head[i], ov, eq - ov) == 0) {
                vals[i] = eq + 1;
                found = 1;
            }
        }
        if (!found)
            fail_msg("no column in %s", ov);
    }
    va_end(ap);
    for (int i = 0; i < NCOLS; i++) {
        len = put_quoted(o->text, sizeof(o->text), len, head[i]);
        len += (size_t)snprintf(o->text + len, sizeof(o->text) - len, i + 1 < NCOLS ? "," : "\n");
    }
    for (int i = 0; i < NCOLS; i++) {
        len = put_quoted(o->text, sizeof(o->text), len, vals[i]);
        len += (size_t)snprintf(o->text + len, sizeof(o->text) - len, i + 1 < NCOLS ? "," : "\n");
    }
    o->f = fmemopen(o->text, len, "rb");
    assert_non_null(o->f);
    err_clear(&o->err);
    o->init_rc = pricelist_reader_init(&o->r, o->f, opts, &o->err);
    if (o->init_rc == 0)
        o->rc = pricelist_reader_next(&o->r, &o->row, &o->err);
}

static void one_close(struct one *o)
{
    if (o->init_rc == 0)
        pricelist_reader_release(&o->r);
    fclose(o->f);
}

/* The row must be refused on line 2 in `column`, the message containing `what`. */
static void expect_bad(struct one *o, const char *column, const char *what)
{
    char prefix[128];

    assert_int_equal(o->init_rc, 0);
    if (o->rc != -1)
        fail_msg("expected an error in %s, the row was accepted", column);
    snprintf(prefix, sizeof(prefix), "line 2, column %s: ", column);
    if (strncmp(o->err.msg, prefix, strlen(prefix)) != 0 || !strstr(o->err.msg, what))
        fail_msg("got \"%s\", want \"%s...%s\"", o->err.msg, prefix, what);
    assert_string_equal(o->err.field, column);
}

static void dec_is(struct dec d, const char *want)
{
    char buf[DEC_STRLEN];

    dec_format(d, buf);
    assert_string_equal(buf, want);
}

static struct dec dec_of(const char *s)
{
    struct dec d;
    struct err e;

    if (dec_parse_cstr(s, &d, &e))
        fail_msg("%s: %s", s, e.msg);
    return d;
}

static void date_is(struct date d, const char *want)
{
    char buf[DATE_STRLEN];

    date_format(d, buf);
    assert_string_equal(buf, want);
}

/* ---- header ----------------------------------------------------------------------------- */

static void test_header_aliases(void **state)
{
    (void)state;
    assert_int_equal(pricelist_col_from_header("UnitPrice", 9), PLC_UNIT_PRICE);
    assert_int_equal(pricelist_col_from_header("unitprice", 9), PLC_UNIT_PRICE);
    assert_int_equal(pricelist_col_from_header("Unit_Price", 10), PLC_UNIT_PRICE);
    assert_int_equal(pricelist_col_from_header("ERP Price", 9), PLC_ERP_PRICE);
    assert_int_equal(pricelist_col_from_header("ErpPrice", 8), PLC_ERP_PRICE);
    /* the doc sample's header ends with a typographic quote */
    assert_int_equal(pricelist_col_from_header("ERP Price\xE2\x80\x9C", 12), PLC_ERP_PRICE);
    assert_int_equal(pricelist_col_from_header("BillingFrequency", 16), PLC_BILLING);
    assert_int_equal(pricelist_col_from_header("SEGMENT", 7), PLC_SEGMENT);
    assert_int_equal(pricelist_col_from_header("ChangeIndicator", 15), -1);
    assert_int_equal(pricelist_col_from_header("", 0), -1);
    assert_string_equal(pricelist_col_name(PLC_ERP_PRICE), "ERP Price");
}

static int read_text(const char *text, struct pricelist_row *row, struct err *err)
{
    FILE *f = fmemopen((void *)text, strlen(text), "rb");
    struct pricelist_reader r;
    int rc;

    assert_non_null(f);
    err_clear(err);
    rc = pricelist_reader_init(&r, f, NULL, err);
    if (rc == 0) {
        rc = pricelist_reader_next(&r, row, err);
        pricelist_reader_release(&r);
    }
    fclose(f);
    return rc;
}

/* Columns by name in any order, aliases, unknown columns ignored, values normalised. */
static void test_columns_by_name(void **state)
{
    static const char text[] =
        "Notes,billing_plan,Currency,market,UNITPRICE,ProductId,SkuId,ProductTitle,SkuTitle,"
        "Term,EffectiveStartDate,EffectiveEndDate,Segment\n"
        "\"any, thing\",annual,usd,us,72,CFQ7TTC0LH18,0001,Basic,Basic,p1y,"
        "2/1/2019 12:00:00 AM,11/30/9999 11:59:59 PM,Education\n";
    struct pricelist_row row;
    struct err err;
    FILE *f = fmemopen((void *)text, strlen(text), "rb");
    struct pricelist_reader r;

    (void)state;
    assert_int_equal(pricelist_reader_init(&r, f, NULL, &err), 0);
    assert_int_equal(pricelist_reader_next(&r, &row, &err), 1);
    assert_string_equal(row.sku, "CFQ7TTC0LH18:0001");
    assert_int_equal(row.term, TERM_P1Y);
    assert_int_equal(row.billing, BILLING_ANNUAL);
    assert_string_equal(row.market, "US");
    assert_string_equal(row.currency, "USD");
    assert_string_equal(row.segment, "education");
    assert_string_equal(row.publisher, "");
    dec_is(row.term_price, "72");
    dec_is(row.cycle_price, "72");
    assert_false(row.has_erp);
    date_is(row.effective_from, "2019-02-01");
    assert_false(row.has_end); /* 9999 placeholder */
    assert_int_equal(row.line, 2);
    assert_int_equal(pricelist_reader_next(&r, &row, &err), 0);
    pricelist_reader_release(&r);
    fclose(f);
}

static void test_header_errors(void **state)
{
    struct pricelist_row row;
    struct err err;

    (void)state;
    assert_int_equal(read_text("ProductTitle,ProductId,SkuId,SkuTitle,TermDuration,BillingPlan,"
                               "Market,UnitPrice,EffectiveStartDate,EffectiveEndDate\n",
                               &row, &err), -1);
    assert_string_equal(err.msg, "line 1, column Currency: required column missing");
    assert_string_equal(err.field, "Currency");
    assert_int_equal(read_text("ProductTitle,ProductId,SkuId,SkuTitle,TermDuration,BillingPlan,"
                               "Market,Currency,UnitPrice,Unit Price,EffectiveStartDate,"
                               "EffectiveEndDate\n",
                               &row, &err), -1);
    assert_string_equal(err.msg,
                        "line 1, column Unit Price: gives UnitPrice again (already column "
                        "UnitPrice)");
    assert_int_equal(read_text("", &row, &err), -1);
    assert_string_equal(err.msg, "line 1: the file is empty (no header row)");
}

/* ---- rows ------------------------------------------------------------------------------- */

static void test_base_row(void **state)
{
    struct one o;

    (void)state;
    one_open(&o, NULL, NULL);
    assert_int_equal(o.rc, 1);
    assert_string_equal(o.row.product_id, "CFQ7TTC0LFLX");
    assert_string_equal(o.row.product_title, "Microsoft 365 E3");
    assert_string_equal(o.row.description, "Apps, \"security\" and compliance");
    assert_string_equal(o.row.tags, "License");
    assert_int_equal(o.row.term, TERM_P1Y);
    assert_int_equal(o.row.billing, BILLING_MONTHLY);
    dec_is(o.row.term_price, "432");
    dec_is(o.row.cycle_price, "36"); /* 432.00 / 12 */
    assert_true(o.row.has_erp);
    dec_is(o.row.erp_price, "540");
    date_is(o.row.effective_from, "2026-11-01");
    assert_false(o.row.has_effective_to);
    assert_int_equal(pricelist_reader_next(&o.r, &o.row, &o.err), 0);
    assert_int_equal(o.r.rows, 1);
    one_close(&o);
}

/* nce-rules Part A 13: term price / cycles in the term, half-up to the minor unit if inexact. */
static void test_cycle_price_by_hand(void **state)
{
    static const struct {
        const char *term, *plan, *ccy, *price, *cycle;
    } cases[] = {
        {"P1M", "Monthly", "USD", "7.20", "7.2"},          /* 1 cycle */
        {"P1Y", "Annual", "USD", "72.00", "72"},           /* upfront: 1 cycle */
        {"P1Y", "Monthly", "USD", "157.56", "13.13"},      /* 157.56 / 12 = 13.13 exact */
        {"P1Y", "Monthly", "EUR", "147.42", "12.29"},      /* 12.285 -> 12.29 (half-up) */
        {"P1Y", "Monthly", "USD", "50.00", "4.17"},        /* 4.1666... -> 4.17 */
        {"P1Y", "Monthly", "USD", "100", "8.33"},          /* 8.3333... -> 8.33 */
        {"P1Y", "Monthly", "USD", "170.10", "14.18"},      /* 14.175 -> 14.18 */
        {"P3Y", "Monthly", "USD", "1360.80", "37.8"},      /* / 36 */
        {"P3Y", "Annual", "USD", "1360.80", "453.6"},      /* / 3 */
        {"P3Y", "Triennial", "USD", "1296.00", "1296"},    /* upfront */
        {"P3Y", "Monthly", "EUR", "1270.08", "35.28"},     /* 1270.08 / 36 = 35.28 exact */
        {"P1Y", "Monthly", "JPY", "1000", "83"},           /* 83.33 -> 83 (0 minor units) */
        {"P1Y", "Monthly", "JPY", "1002", "84"},           /* 83.5 -> 84 */
        {"P3Y", "Monthly", "KWD", "100", "2.778"},         /* 2.7777... -> 2.778 (3 units) */
        {"P1Y", "OneTime", "USD", "99.99", "99.99"},       /* OneTime = upfront annual */
        {"P3Y", "Annual", "USD", "0", "0"},                /* free rows are allowed */
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char t[32], p[32], c[32], u[32];
        struct one o;

        snprintf(t, sizeof(t), "TermDuration=%s", cases[i].term);
        snprintf(p, sizeof(p), "BillingPlan=%s", cases[i].plan);
        snprintf(c, sizeof(c), "Currency=%s", cases[i].ccy);
        snprintf(u, sizeof(u), "UnitPrice=%s", cases[i].price);
        one_open(&o, NULL, t, p, c, u, NULL);
        if (o.rc != 1)
            fail_msg("case %zu: %s", i, o.err.msg);
        dec_is(o.row.cycle_price, cases[i].cycle);
        /* the published term price is kept as it is */
        assert_int_equal(dec_cmp(o.row.term_price, dec_of(cases[i].price)), 0);
        one_close(&o);
    }
}

static void test_billing_plan_onetime_and_trial(void **state)
{
    struct one o;

    (void)state;
    one_open(&o, NULL, "TermDuration=P3Y", "BillingPlan=OneTime", NULL);
    assert_int_equal(o.rc, 1);
    assert_int_equal(o.row.billing, BILLING_TRIENNIAL);
    one_close(&o);
    /* a trial row (BillingPlan None) is skipped and counted */
    one_open(&o, NULL, "TermDuration=P1M", "BillingPlan=None", "UnitPrice=0", NULL);
    assert_int_equal(o.rc, 0);
    assert_int_equal(o.r.skipped, 1);
    assert_int_equal(o.r.rows, 0);
    one_close(&o);
}

static void test_field_errors(void **state)
{
    static const struct {
        const char *override, *column, *what;
    } cases[] = {
        {"ProductId=", "ProductId", "empty"},
        {"ProductId=CFQ7:TTC0", "ProductId", "is not an id"},
        {"SkuId=00000000000000000000000000000000001", "SkuId", "longer than 32"},
        {"ProductTitle=", "ProductTitle", "empty"},
        {"SkuTitle=  ", "SkuTitle", "empty"},
        {"TermDuration=P2Y", "TermDuration", "'P2Y' is not an NCE licence term"},
        {"TermDuration=OneTime", "TermDuration", "is not an NCE licence term"},
        {"BillingPlan=Weekly", "BillingPlan", "'Weekly' is not a billing plan"},
        {"BillingPlan=Triennial", "BillingPlan", "triennial billing is not offered with term P1Y"},
        {"Market=USA", "Market", "'USA' is not a two-letter market code"},
        {"Currency=ABC", "Currency", "'ABC' is not an ISO 4217 currency"},
        {"Currency=US", "Currency", "is not an ISO 4217 currency"},
        {"UnitPrice=", "UnitPrice", "empty"},
        {"UnitPrice=12,50", "UnitPrice", "'12,50' is not a decimal number"},
        {"UnitPrice=$12", "UnitPrice", "is not a decimal number"},
        {"UnitPrice=-1.00", "UnitPrice", "'-1.00' is negative"},
        {"UnitPrice=1e30", "UnitPrice", "is not a decimal number"},
        {"ERP Price=n/a", "ERP Price", "'n/a' is not a decimal number"},
        {"PricingTierRangeMin=abc", "PricingTierRangeMin", "is not a decimal number"},
        {"EffectiveStartDate=", "EffectiveStartDate", "empty"},
        {"EffectiveStartDate=2026-02-30T00:00:00Z", "EffectiveStartDate", "is not a date"},
        {"EffectiveStartDate=13/1/2026", "EffectiveStartDate", "no such day 13/1/2026"},
        {"EffectiveStartDate=2/29/2026 0:00", "EffectiveStartDate", "no such day"},
        {"EffectiveStartDate=2/1/2026 13:00 PM", "EffectiveStartDate", "hour 13"},
        {"EffectiveStartDate=2026-11-01 00:00", "EffectiveStartDate", "is not a date"},
        {"EffectiveEndDate=2026-10-31T00:00:00Z", "EffectiveEndDate", "before EffectiveStart"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct one o;

        one_open(&o, NULL, cases[i].override, NULL);
        expect_bad(&o, cases[i].column, cases[i].what);
        one_close(&o);
    }
}

static void test_tier_range(void **state)
{
    struct one o;

    (void)state;
    one_open(&o, NULL, "PricingTierRangeMin=101", "PricingTierRangeMax=100", NULL);
    expect_bad(&o, "PricingTierRangeMax", "below PricingTierRangeMin");
    one_close(&o);
    one_open(&o, NULL, "PricingTierRangeMin=1", "PricingTierRangeMax=100", NULL);
    assert_int_equal(o.rc, 1);
    assert_true(o.row.has_tier_min && o.row.has_tier_max);
    dec_is(o.row.tier_max, "100");
    one_close(&o);
}

/* Effective dates: the last day in effect, inclusive. */
static void test_effective_dates(void **state)
{
    struct pricelist_reader_opts opts = {.has_default_start = true,
                                         .default_start = {2026, 12, 1}};
    struct one o;

    (void)state;
    one_open(&o, NULL, "EffectiveEndDate=2026-12-31T23:59:59Z", NULL);
    assert_int_equal(o.rc, 1);
    date_is(o.row.effective_to, "2026-12-31");
    one_close(&o);
    /* an end exactly at midnight is exclusive: the day before is the last */
    one_open(&o, NULL, "EffectiveEndDate=2027-01-01T00:00:00Z", NULL);
    assert_int_equal(o.rc, 1);
    date_is(o.row.effective_to, "2026-12-31");
    one_close(&o);
    /* the portal's en-US forms */
    one_open(&o, NULL, "EffectiveStartDate=2/1/2019 12:00:00 AM",
             "EffectiveEndDate=2/4/2021 8:35:31 PM", NULL);
    assert_int_equal(o.rc, 1);
    date_is(o.row.effective_from, "2019-02-01");
    assert_int_equal(o.row.ends_at,
                     instant_from_date((struct date){2021, 2, 4}) + 20 * 3600 + 35 * 60 + 31);
    date_is(o.row.effective_to, "2021-02-04");
    one_close(&o);
    one_open(&o, NULL, "EffectiveStartDate=2/1/2023 0:00", "EffectiveEndDate=", NULL);
    assert_int_equal(o.rc, 1);
    date_is(o.row.effective_from, "2023-02-01");
    assert_false(o.row.has_end);
    one_close(&o);
    /* an empty start takes the first day of --month */
    one_open(&o, &opts, "EffectiveStartDate=", NULL);
    assert_int_equal(o.rc, 1);
    date_is(o.row.effective_from, "2026-12-01");
    one_close(&o);
}

static void test_parse_instant(void **state)
{
    instant_t t;
    struct err err;

    (void)state;
    assert_int_equal(pricelist_parse_instant("2021-10-01T00:00:00.0000000Z", 28, &t, &err), 0);
    assert_int_equal(t, instant_from_date((struct date){2021, 10, 1}));
    assert_int_equal(pricelist_parse_instant("12/31/2026 12:30 PM", 19, &t, &err), 0);
    assert_int_equal(t, instant_from_date((struct date){2026, 12, 31}) + 12 * 3600 + 1800);
    assert_int_equal(pricelist_parse_instant("1/1/2026 12:00:00 am", 20, &t, &err), 0);
    assert_int_equal(t, instant_from_date((struct date){2026, 1, 1}));
    assert_int_equal(pricelist_parse_instant("1/1/26", 6, &t, &err), -1);
    assert_int_equal(pricelist_parse_instant("1/1/2026 7", 10, &t, &err), -1);
}

/* Field count: short rows are truncated; extra empty fields (a trailing comma) are fine. */
static void test_row_width(void **state)
{
    static const char head_line[] =
        "ProductTitle,ProductId,SkuId,SkuTitle,TermDuration,BillingPlan,Market,Currency,"
        "UnitPrice,EffectiveStartDate,EffectiveEndDate\n";
    char text[1024];
    struct pricelist_row row;
    struct err err;

    (void)state;
    snprintf(text, sizeof(text), "%sA,CFQ7TTC0LH18,0001,A,P1M,Monthly,US,USD,1,2026-01-01,,\n",
             head_line);
    assert_int_equal(read_text(text, &row, &err), 1);
    snprintf(text, sizeof(text), "%sA,CFQ7TTC0LH18,0001,A,P1M,Monthly,US,USD,1,2026-01-01,,x\n",
             head_line);
    assert_int_equal(read_text(text, &row, &err), -1);
    assert_string_equal(err.msg, "line 2, column #12: the row has 12 fields, the header only 11");
    snprintf(text, sizeof(text), "%sA,CFQ7TTC0LH18,0001,A,P1M,Monthly,US\n", head_line);
    assert_int_equal(read_text(text, &row, &err), -1);
    assert_string_equal(err.msg, "line 2, column Currency: missing: the row has 7 fields, the "
                                 "header 11 (truncated row?)");
}

static void test_encoding_errors(void **state)
{
    static const char head_line[] =
        "ProductTitle,ProductId,SkuId,SkuTitle,TermDuration,BillingPlan,Market,Currency,"
        "UnitPrice,EffectiveStartDate,EffectiveEndDate,Notes\n";
    char text[1024];
    struct pricelist_row row;
    struct err err;

    (void)state;
    /* even an ignored column must be UTF-8 */
    snprintf(text, sizeof(text),
             "%sA,CFQ7TTC0LH18,0001,A,P1M,Monthly,US,USD,1,2026-01-01,,\"caf\xE9\"\n",
             head_line);
    assert_int_equal(read_text(text, &row, &err), -1);
    assert_string_equal(err.msg, "line 2, column Notes: invalid UTF-8 (byte 0xE9 at position "
                                 "4); save the file as UTF-8");
    /* a stray quote: the CSV error named by column */
    snprintf(text, sizeof(text),
             "%sA,CFQ7TTC0LH18,0001,A\"B,P1M,Monthly,US,USD,1,2026-01-01,,\n", head_line);
    assert_int_equal(read_text(text, &row, &err), -1);
    assert_non_null(strstr(err.msg, "line 2, column SkuTitle: malformed quoting"));
    /* an optional column, validated when present */
    snprintf(text, sizeof(text),
             "Segment,%sEducation!,A,CFQ7TTC0LH18,0001,A,P1M,Monthly,US,USD,1,2026-01-01,,\n",
             head_line);
    assert_int_equal(read_text(text, &row, &err), -1);
    assert_string_equal(err.msg, "line 2, column Segment: 'Education!' is not a segment name");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_aliases),
        cmocka_unit_test(test_columns_by_name),
        cmocka_unit_test(test_header_errors),
        cmocka_unit_test(test_base_row),
        cmocka_unit_test(test_cycle_price_by_hand),
        cmocka_unit_test(test_billing_plan_onetime_and_trial),
        cmocka_unit_test(test_field_errors),
        cmocka_unit_test(test_tier_range),
        cmocka_unit_test(test_effective_dates),
        cmocka_unit_test(test_parse_instant),
        cmocka_unit_test(test_row_width),
        cmocka_unit_test(test_encoding_errors),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
