/*
 * tests/unit/test_pricing.c — domain/pricing and domain/invoice, every figure worked by hand.
 *
 * Rules of seller prt_P used throughout (all from 2026-01-01 unless said):
 *   r1 partner   any product        markup 20%
 *   r2 partner   product PROD1      markup 25%
 *   r3 reseller  prt_R1             markup 15%
 *   r4 customer  cus_C1             discount 10% off ERP
 *   r5 customer  cus_C1, SKU PROD1:0001  markup 30%
 *   r6 subscription sub_S1          fixed 9.50 EUR
 *   r7 partner   any product        markup 22% from 2026-06-01
 * Microsoft's unit price (cost) 10.08 EUR, ERP 12.00 EUR, per seat per monthly cycle.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "domain/invoice/invoice.h"
#include "domain/pricing/pricing.h"

static struct dec D(const char *s)
{
    struct dec d;
    struct err e;

    if (dec_parse_cstr(s, &d, &e) < 0)
        fail_msg("bad decimal %s", s);
    return d;
}

static struct date DT(const char *s)
{
    struct date d;
    struct err e;

    if (date_parse_cstr(s, &d, &e) < 0)
        fail_msg("bad date %s", s);
    return d;
}

#define assert_dec(got, want)                                                              \
    do {                                                                                   \
        char b_[DEC_STRLEN];                                                               \
        dec_format(got, b_);                                                               \
        if (dec_cmp(got, D(want)) != 0)                                                    \
            fail_msg("got %s, want %s", b_, want);                                          \
    } while (0)

static struct margin_rule mk(const char *id, enum margin_level lvl, const char *target,
                             const char *prod, const char *sku, enum margin_kind kind,
                             const char *value, const char *from)
{
    struct margin_rule r;

    memset(&r, 0, sizeof(r));
    snprintf(r.id, sizeof(r.id), "%s", id);
    snprintf(r.seller_id, sizeof(r.seller_id), "prt_P");
    r.level = lvl;
    snprintf(r.target_id, sizeof(r.target_id), "%s", target);
    snprintf(r.product_id, sizeof(r.product_id), "%s", prod);
    snprintf(r.sku, sizeof(r.sku), "%s", sku);
    r.kind = kind;
    r.value = D(value);
    snprintf(r.currency, sizeof(r.currency), "EUR");
    r.from = DT(from);
    return r;
}

static struct margin_rule rules[7];
static struct price_base base = {.cost_ccy = "EUR", .has_erp = true, .erp_ccy = "EUR"};

static void setup_rules(void)
{
    base.cost_unit = D("10.08");
    base.erp_unit = D("12.00");
    rules[0] = mk("r1", MARGIN_LEVEL_PARTNER, "", "", "", MARGIN_MARKUP, "20", "2026-01-01");
    rules[1] = mk("r2", MARGIN_LEVEL_PARTNER, "", "PROD1", "", MARGIN_MARKUP, "25",
                  "2026-01-01");
    rules[2] = mk("r3", MARGIN_LEVEL_RESELLER, "prt_R1", "", "", MARGIN_MARKUP, "15",
                  "2026-01-01");
    rules[3] = mk("r4", MARGIN_LEVEL_CUSTOMER, "cus_C1", "", "", MARGIN_DISCOUNT, "10",
                  "2026-01-01");
    rules[4] = mk("r5", MARGIN_LEVEL_CUSTOMER, "cus_C1", "", "PROD1:0001", MARGIN_MARKUP, "30",
                  "2026-01-01");
    rules[5] = mk("r6", MARGIN_LEVEL_SUBSCRIPTION, "sub_S1", "", "", MARGIN_FIXED, "9.50",
                  "2026-01-01");
    rules[6] = mk("r7", MARGIN_LEVEL_PARTNER, "", "", "", MARGIN_MARKUP, "22", "2026-06-01");
}


/* Select the rule for a subject, then the unit price it gives. */
static const char *price_for(const char *sub, const char *cus, const char *res, const char *sku,
                             const char *day, const char *want_unit)
{
    struct pricing_subject s = {sub, cus, res, sku, DT(day)};
    const struct margin_rule *r;
    struct dec unit;
    char ccy[CCY_MAX];
    struct err e;

    setup_rules();
    r = margin_rule_select(rules, 7, &s);
    assert_int_equal(margin_unit_price(r, &base, &unit, ccy, &e), 0);
    assert_string_equal(ccy, "EUR");
    assert_dec(unit, want_unit);
    return r ? r->id : "none";
}

/* Each level, and precedence between them. */
static void test_precedence(void **state)
{
    (void)state;
    /* partner default: 10.08 x 1.20 = 12.096 -> 12.10 (half-up to the cent) */
    assert_string_equal(price_for("sub_S9", "cus_C9", NULL, "OTHER:0001", "2026-03-01",
                                  "12.10"), "r1");
    /* partner, product PROD1 beats partner any: 10.08 x 1.25 = 12.60 */
    assert_string_equal(price_for("sub_S9", "cus_C9", NULL, "PROD1:0002", "2026-03-01",
                                  "12.60"), "r2");
    /* reseller beats partner (even product-scoped): 10.08 x 1.15 = 11.592 -> 11.59 */
    assert_string_equal(price_for("sub_S9", "cus_C9", "prt_R1", "PROD1:0002", "2026-03-01",
                                  "11.59"), "r3");
    /* customer beats reseller: ERP 12.00 x 0.90 = 10.80 */
    assert_string_equal(price_for("sub_S9", "cus_C1", "prt_R1", "PROD1:0002", "2026-03-01",
                                  "10.80"), "r4");
    /* inside the customer level the SKU rule wins: 10.08 x 1.30 = 13.104 -> 13.10 */
    assert_string_equal(price_for("sub_S9", "cus_C1", "prt_R1", "PROD1:0001", "2026-03-01",
                                  "13.10"), "r5");
    /* subscription beats everything: fixed 9.50 */
    assert_string_equal(price_for("sub_S1", "cus_C1", "prt_R1", "PROD1:0001", "2026-03-01",
                                  "9.50"), "r6");
    /* no rule of this seller before 2026-01-01: priced at cost */
    assert_string_equal(price_for("sub_S9", "cus_C9", NULL, "OTHER:0001", "2025-12-31",
                                  "10.08"), "none");
}

/* Effective dates: r7 (22%) replaces r1 (20%) from 2026-06-01, by the line's start date. */
static void test_effective_dates(void **state)
{
    (void)state;
    /* 10.08 x 1.20 = 12.096 -> 12.10 on May 31 */
    assert_string_equal(price_for("sub_S9", "cus_C9", NULL, "OTHER:0001", "2026-05-31",
                                  "12.10"), "r1");
    /* 10.08 x 1.22 = 12.2976 -> 12.30 from June 1 */
    assert_string_equal(price_for("sub_S9", "cus_C9", NULL, "OTHER:0001", "2026-06-01",
                                  "12.30"), "r7");
    /* a rule ended the day before no longer matches */
    setup_rules();
    rules[6].has_to = true;
    rules[6].to = DT("2026-06-30");
    {
        struct pricing_subject s = {"sub_S9", "cus_C9", NULL, "OTHER:0001", DT("2026-07-01")};

        assert_string_equal(margin_rule_select(rules, 7, &s)->id, "r1");
    }
}

/*
 * The close's sorted search (margin_rule_select_sorted) against the plain scan, as a naive
 * model: the seven rules above plus more of each level, scope and date, every subject over a
 * grid of subscriptions, customers, resellers, SKUs and days; also each rule by id.
 */
static void test_sorted_select_matches_scan(void **state)
{
    const char *subs[] = {"sub_S1", "sub_S2", "sub_S9"};
    const char *cuss[] = {"cus_C1", "cus_C2", "cus_C9"};
    const char *ress[] = {NULL, "", "prt_R1", "prt_R2"};
    const char *skus[] = {"PROD1:0001", "PROD1:0002", "PROD2:0001", "OTHER:0001"};
    const char *days[] = {"2025-12-31", "2026-01-01", "2026-03-15", "2026-06-01",
                          "2026-06-30", "2026-07-01"};
    struct margin_rule all[16], sorted[16];
    const struct margin_rule *by_id[16];
    size_t n = 0;
    int checked = 0;

    (void)state;
    setup_rules();
    for (int i = 0; i < 7; i++)
        all[n++] = rules[i];
    all[n++] = mk("r8", MARGIN_LEVEL_CUSTOMER, "cus_C2", "PROD2", "", MARGIN_MARKUP, "5",
                  "2026-02-01");
    all[n++] = mk("r9", MARGIN_LEVEL_CUSTOMER, "cus_C2", "", "", MARGIN_MARKUP, "6",
                  "2026-01-01");
    all[n++] = mk("ra", MARGIN_LEVEL_RESELLER, "prt_R2", "PROD1", "", MARGIN_MARKUP, "7",
                  "2026-01-01");
    all[n++] = mk("rb", MARGIN_LEVEL_SUBSCRIPTION, "sub_S2", "", "PROD2:0001", MARGIN_MARKUP,
                  "8", "2026-06-01");
    all[n++] = mk("rc", MARGIN_LEVEL_SUBSCRIPTION, "sub_S2", "", "", MARGIN_MARKUP, "9",
                  "2026-01-01");
    all[n++] = mk("rd", MARGIN_LEVEL_CUSTOMER, "cus_C1", "", "", MARGIN_MARKUP, "11",
                  "2026-06-01"); /* same level and scope as r4, later: wins from June */
    all[n] = mk("re", MARGIN_LEVEL_PARTNER, "", "", "", MARGIN_MARKUP, "12", "2026-01-01");
    all[n].has_to = true;
    all[n++].to = DT("2026-06-30");
    memcpy(sorted, all, n * sizeof(all[0]));
    margin_rules_sort(sorted, n);
    margin_rules_by_id(sorted, n, by_id);
    for (size_t a = 0; a < 3; a++)
        for (size_t b = 0; b < 3; b++)
            for (size_t c = 0; c < 4; c++)
                for (size_t k = 0; k < 4; k++)
                    for (size_t d = 0; d < 6; d++) {
                        struct pricing_subject s = {subs[a], cuss[b], ress[c], skus[k],
                                                    DT(days[d])};
                        const struct margin_rule *want = margin_rule_select(all, n, &s);
                        const struct margin_rule *got = margin_rule_select_sorted(sorted, n,
                                                                                  &s);

                        if (!want != !got || (want && strcmp(want->id, got->id) != 0))
                            fail_msg("%s %s %s %s %s: scan %s, sorted %s", subs[a], cuss[b],
                                     ress[c] ? ress[c] : "NULL", skus[k], days[d],
                                     want ? want->id : "none", got ? got->id : "none");
                        checked++;
                    }
    assert_int_equal(checked, 864);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(margin_rule_find(by_id, n, all[i].id)->id, all[i].id);
    assert_null(margin_rule_find(by_id, n, "r0"));
    assert_null(margin_rule_find(by_id, n, "rz"));
}

static void test_validate_below_cost(void **state)
{
    struct margin_rule r = mk("rx", MARGIN_LEVEL_PARTNER, "", "", "", MARGIN_MARKUP, "-5",
                              "2026-01-01");
    struct err e;
    bool below;

    (void)state;
    assert_int_equal(margin_rule_validate(&r, &e), -1);
    assert_int_equal(e.code, ERR_REFUSED);
    assert_string_equal(e.reason, "below_cost");
    r.allow_below_cost = true;
    assert_int_equal(margin_rule_validate(&r, &e), 0);
    setup_rules();
    /* fixed 9.50 < Microsoft's 10.08: below cost */
    r = mk("ry", MARGIN_LEVEL_SUBSCRIPTION, "sub_S1", "", "", MARGIN_FIXED, "9.50",
           "2026-01-01");
    assert_int_equal(margin_rule_below_cost(&r, &base, &below, &e), 0);
    assert_true(below);
    /* discount 10% off ERP 12.00 = 10.80 >= 10.08: not below */
    r = mk("rz", MARGIN_LEVEL_CUSTOMER, "cus_C1", "", "", MARGIN_DISCOUNT, "10", "2026-01-01");
    assert_int_equal(margin_rule_below_cost(&r, &base, &below, &e), 0);
    assert_false(below);
    /* target rules */
    r = mk("rt", MARGIN_LEVEL_CUSTOMER, "", "", "", MARGIN_MARKUP, "10", "2026-01-01");
    assert_int_equal(margin_rule_validate(&r, &e), -1);
    assert_string_equal(e.field, "target_id");
    r = mk("rs", MARGIN_LEVEL_PARTNER, "", "PROD2", "PROD1:0001", MARGIN_MARKUP, "10",
           "2026-01-01");
    assert_int_equal(margin_rule_validate(&r, &e), -1);
    assert_string_equal(e.field, "sku");
}

static void rate(enum charge_type t, int32_t q, int sign, int d, int c, const char *unit,
                 const char *cost, const char *fx, const char *buyer, struct rated_amounts *out)
{
    struct rate_input in;
    struct err e;

    memset(&in, 0, sizeof(in));
    in.type = t;
    in.quantity = q;
    in.sign = sign;
    in.days = d;
    in.cycle_days = c;
    in.unit = D(unit);
    snprintf(in.unit_ccy, sizeof(in.unit_ccy), "EUR");
    snprintf(in.buyer_ccy, sizeof(in.buyer_ccy), "%s", buyer);
    in.fx = D(fx);
    in.cost = D(cost);
    snprintf(in.cost_ccy, sizeof(in.cost_ccy), "EUR");
    in.cost_fx = D(fx);
    if (rate_line(&in, out, &e) < 0)
        fail_msg("rate_line: %s", e.msg);
}

/* Rating per charge type, Microsoft's rounding applied to the customer's unit price. */
static void test_rate_lines(void **state)
{
    struct rated_amounts a;
    struct err e;
    int d, c;

    (void)state;
    /* new, full cycle, 5 seats at 12.10: 60.50; Microsoft 10.08 x 5 = 50.40; margin 10.10 */
    rate(CHARGE_NEW, 5, +1, 31, 31, "12.10", "50.40", "1", "EUR", &a);
    assert_dec(a.amount, "60.50");
    assert_dec(a.margin, "10.10");
    assert_false(a.below_cost);

    /* addQuantity: cycle Jun 18 - Jul 17 (30 days), 7 seats added Jul 4 (14 days left).
     * Microsoft: EUP 10 x 14 / 30 = 4.666..67 (exact), c recovered = 10 x 14 / EUP = 30;
     * its subtotal ROUNDDOWN(10 x 14 x 7 / 30) = ROUNDDOWN(32.666) = 32.66.
     * Customer at 12.00: ROUNDDOWN(12 x 14 x 7 / 30) = 39.20; margin 6.54. */
    assert_int_equal(rate_cycle_days(CHARGE_ADD_QUANTITY, D("10"), D("4.666666666666666667"),
                                     "EUR", DT("2026-07-04"), DT("2026-07-17"), 1, &d, &c, &e),
                     0);
    assert_int_equal(d, 14);
    assert_int_equal(c, 30);
    rate(CHARGE_ADD_QUANTITY, 7, +1, d, c, "12.00", "32.66", "1", "EUR", &a);
    assert_dec(a.amount, "39.20");
    assert_dec(a.margin, "6.54");

    /* cancelImmediate (ms-03): cycle Mar 1-31, cancel Mar 3: d 29, c 31.
     * Microsoft ROUNDDOWN(10.08 x 29 / 31) = ROUNDDOWN(9.4296) = 9.42, x 10 = -94.20.
     * Customer at 12.10: ROUNDDOWN(350.90 / 31 = 11.3193) = 11.31, x 10 = -113.10.
     * margin -113.10 - (-94.20) = -18.90 (the refund gives back the margin). */
    assert_int_equal(rate_cycle_days(CHARGE_CANCEL, D("10.08"), D("-9.42"), "EUR",
                                     DT("2026-03-03"), DT("2026-03-31"), 1, &d, &c, &e), 0);
    assert_int_equal(d, 29);
    assert_int_equal(c, 31);
    rate(CHARGE_CANCEL, 10, -1, d, c, "12.10", "-94.20", "1", "EUR", &a);
    assert_dec(a.eup, "-11.31");
    assert_dec(a.amount, "-113.10");
    assert_dec(a.margin, "-18.90");
    assert_false(a.below_cost);

    /* month-end anchor: cycle Jan 31 - Feb 27 2027 (28 days), cancel Feb 10: d 18.
     * Candidates ending Feb 27: starts Jan 28/29/30/31 -> c 31/30/29/28;
     * ROUNDDOWN(10.08 x 18 / c) = 5.85 / 6.04 / 6.25 / 6.48. Microsoft says 6.48 -> c 28.
     * Customer at 12.10: ROUNDDOWN(217.80 / 28 = 7.7785) = 7.77, x 2 = -15.54. */
    assert_int_equal(rate_cycle_days(CHARGE_CANCEL, D("10.08"), D("-6.48"), "EUR",
                                     DT("2027-02-10"), DT("2027-02-27"), 1, &d, &c, &e), 0);
    assert_int_equal(c, 28);
    rate(CHARGE_CANCEL, 2, -1, d, c, "12.10", "-12.96", "1", "EUR", &a);
    assert_dec(a.amount, "-15.54");
    assert_dec(a.margin, "-2.58");

    /* no cycle explains an EUP of 7.00 for 18 days at 10.08 */
    assert_int_equal(rate_cycle_days(CHARGE_CANCEL, D("10.08"), D("-7.00"), "EUR",
                                     DT("2027-02-10"), DT("2027-02-27"), 1, &d, &c, &e), -1);
}

/* Conversion to the customer's billing currency (Part A 12), rate EUR->GBP 0.85. */
static void test_rate_fx(void **state)
{
    struct rated_amounts a;

    (void)state;
    /* new, 5 seats at 12.10 EUR: ROUNDDOWN(12.10 x 0.85 = 10.285) = 10.28 GBP per seat,
     * x 5 = 51.40 GBP. Cost 50.40 EUR x 0.85 = 42.84 GBP. margin 8.56 GBP. */
    rate(CHARGE_NEW, 5, +1, 31, 31, "12.10", "50.40", "0.85", "GBP", &a);
    assert_dec(a.unit_price, "10.28");
    assert_dec(a.amount, "51.40");
    assert_dec(a.cost, "42.84");
    assert_dec(a.margin, "8.56");
    /* addQuantity 7 seats, 14 of 30 days at 12.00 EUR: 12 x 0.85 = 10.20 x 14 / 30 = 4.76
     * GBP per seat (exact), x 7 = 33.32 GBP. Cost 32.66 EUR x 0.85 = 27.761 -> 27.76. */
    rate(CHARGE_ADD_QUANTITY, 7, +1, 14, 30, "12.00", "32.66", "0.85", "GBP", &a);
    assert_dec(a.amount, "33.32");
    assert_dec(a.cost, "27.76");
    assert_dec(a.margin, "5.56");
}

static void add(struct invoice *inv, const char *amount)
{
    struct invoice_line l;
    struct err e;

    memset(&l, 0, sizeof(l));
    l.amount = D(amount);
    assert_int_equal(invoice_add_line(inv, &l, &e), 0);
}

/* Tax once per line: 60.50, 16.80, -113.10, 11.50 at 19%. */
static void test_invoice_tax(void **state)
{
    struct invoice inv;
    struct err e;

    (void)state;
    invoice_init(&inv);
    snprintf(inv.currency, sizeof(inv.currency), "EUR");
    inv.tax_rate = D("19");
    add(&inv, "60.50");  /* 11.495 -> 11.50 */
    add(&inv, "16.80");  /* 3.192 -> 3.19 */
    add(&inv, "-113.10"); /* -21.489 -> -21.49 */
    add(&inv, "11.50");  /* 2.185 -> 2.19 half-up */
    assert_int_equal(invoice_compute(&inv, &e), 0);
    assert_dec(inv.lines[3].tax, "2.19");
    assert_dec(inv.subtotal, "-24.30");
    assert_dec(inv.tax, "-4.61");  /* 11.50 + 3.19 - 21.49 + 2.19 */
    assert_dec(inv.total, "-28.91");
    assert_int_equal(inv.lines[3].line_no, 4);
    /* half-even: 2.185 -> 2.18, 11.495 -> 11.50 */
    inv.tax_mode = DEC_ROUND_HALF_EVEN;
    assert_int_equal(invoice_compute(&inv, &e), 0);
    assert_dec(inv.lines[3].tax, "2.18");
    assert_dec(inv.tax, "-4.62");
    invoice_release(&inv);
}

static void test_invoice_numbers_status(void **state)
{
    char num[INVOICE_NUMBER_MAX];
    struct date a, b;
    struct err e;

    (void)state;
    assert_int_equal(invoice_number_format("INV", 2026, 123, num, &e), 0);
    assert_string_equal(num, "INV-2026-000123");
    assert_int_equal(invoice_number_format("CN", 2027, 1, num, &e), 0);
    assert_string_equal(num, "CN-2027-000001");
    assert_int_equal(invoice_number_format("INV", 2026, 0, num, &e), -1);
    assert_int_equal(invoice_transition_check(INV_DRAFT, INV_FINALIZED, &e), 0);
    assert_int_equal(invoice_transition_check(INV_FINALIZED, INV_PAID, &e), 0);
    assert_int_equal(invoice_transition_check(INV_FINALIZED, INV_VOID, &e), 0);
    assert_int_equal(invoice_transition_check(INV_PAID, INV_DRAFT, &e), -1);
    assert_string_equal(e.reason, "invoice_immutable");
    assert_int_equal(invoice_transition_check(INV_DRAFT, INV_PAID, &e), -1);
    assert_int_equal(invoice_period_parse("2026-02", &a, &b, &e), 0);
    assert_int_equal(b.day, 28);
    assert_int_equal(invoice_period_parse("2026-2", &a, &b, &e), -1);
    invoice_period_of(DT("2026-11-30"), num);
    assert_string_equal(num, "2026-11");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_precedence),
        cmocka_unit_test(test_effective_dates),
        cmocka_unit_test(test_sorted_select_matches_scan),
        cmocka_unit_test(test_validate_below_cost),
        cmocka_unit_test(test_rate_lines),
        cmocka_unit_test(test_rate_fx),
        cmocka_unit_test(test_invoice_tax),
        cmocka_unit_test(test_invoice_numbers_status),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
