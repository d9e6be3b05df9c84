/*
 * tests/unit/test_usage.c — Azure usage: a billed daily rated usage file imported through the
 * recon import becomes usage charges, which the period close rates per tier and puts on the
 * billed party's invoice with the licence lines (docs/billing.md "Azure usage"). Every figure
 * is worked by hand below from the rules (domain/pricing/pricing.h; nce-rules Part B 7.3:
 * usage is truncated to the minor unit once per line).
 *
 * Direct partner prt_P (EUR) and its customers, all billed in EUR. Files in EUR, pricing
 * currency USD, PCToBC 0.9. Rules of prt_P:
 *   partner-wide: markup 10%
 *   cus_A: discount 10% (off Microsoft's retail)
 *   cus_B: product AZP markup 50%; SKU AZP:0002 fixed 0.05 EUR per unit
 *   cus_C: none (the partner-wide rule)
 * Lines (UnitPrice USD, Quantity, BillingPreTaxTotal EUR = Microsoft's cost after PEC):
 *   L1 cus_A AZP:0001 11-03 0.10 x 23.200004, cost 1.77
 *      discount: retail 0.10 x 23.200004 = 2.3200004; x 0.9 = 2.08800036 EUR;
 *      x (1 - 0.10) = 1.879200324 -> truncated 1.87; margin 0.10
 *   L2 cus_B AZP:0001 11-04 0.10 x 10, cost 0.76
 *      product rule (no SKU rule for 0001): 0.76 x 1.5 = 1.14; margin 0.38
 *   L3 cus_B AZP:0002 11-04 0.02 x 7.5, cost 0.11
 *      SKU rule beats the product rule: 0.05 x 7.5 = 0.375 -> 0.37 (half-up would give 0.38);
 *      unit 0.05; margin 0.26
 *   L4 cus_C AZP:0001 11-05 0.10 x 10, cost 0.76
 *      partner-wide markup: 0.76 x 1.1 = 0.836 -> 0.83 (half-up would give 0.84); margin 0.07
 * cus_C also has a licence charge: PROD1:0001 Nov 1-30 x2 at 10.00 -> 11.00 x 2 = 22.00, so
 * its invoice has the licence line first (Nov 1), then the usage line (Nov 5): 22.83.
 *
 * Two tiers with conversion (test_chain_fx): distributor prt_D (EUR) -> reseller prt_R (GBP)
 * -> customer cus_R (GBP); EUR->GBP 0.85 from 2026-11-01. prt_D markup 10%, prt_R markup 20%.
 *   One line: 0.10 USD x 100, cost 8.50 EUR.
 *   prt_D -> prt_R: 8.50 x 1.1 = 9.35 EUR; x 0.85 = 7.9475 GBP -> 7.94; cost 8.50 x 0.85 =
 *     7.225 -> 7.22 GBP (truncated like the price; a licence cost would be half-up 7.23);
 *     margin 0.72
 *   prt_R -> cus_R: cost 7.94; 7.94 x 1.2 = 9.528 -> 9.52; margin 1.58
 *   Chain: 9.52 - 7.22 = 2.30 = 0.72 + 1.58.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/id.h"
#include "io/export_invoice.h"
#include "store/db.h"
#include "store/repo_invoice.h"
#include "store/repo_margin.h"
#include "store/repo_recon.h"
#include "store/repo_usage.h"
#include "svc/invoice_svc.h"
#include "svc/recon_svc.h"

#include "billing_fixture.h"

#define HEADER                                                                             \
    "CustomerId,InvoiceNumber,ProductId,SkuId,SubscriptionId,UsageDate,MeterCategory,"     \
    "MeterName,ChargeType,UnitPrice,Quantity,BillingPreTaxTotal,BillingCurrency,"          \
    "PricingCurrency,EffectiveUnitPrice,PCToBCExchangeRate,PCToBCExchangeRateDate\n"

/* One usage line: customer key, invoice, SKU id, date, UnitPrice, Quantity, cost. */
static void line(char *buf, size_t cap, const char *cust, const char *inv, const char *sku,
                 const char *day, const char *unit, const char *qty, const char *cost)
{
    size_t n = strlen(buf);

    snprintf(buf + n, cap - n, "%s,%s,AZP,%s,plan-%s,%s,Virtual Machines,D2 v3 Hours,New,%s,%s,"
             "%s,EUR,USD,%s,0.9,2026-11-01\n", cust, inv, sku, cust, day, unit, qty, cost,
             unit);
}

static struct recon_import_result import_text(const char *text)
{
    struct recon_ctx rc = {db, "tester", NULL};
    struct recon_import_result res;
    struct err e;
    FILE *f = fmemopen((void *)text, strlen(text), "rb");

    assert_non_null(f);
    err_clear(&e);
    if (recon_import(&rc, f, NULL, at("2026-11-28T08:00:00Z"), &res, &e) < 0)
        fail_msg("import: %s", e.msg);
    fclose(f);
    return res;
}

static long count(const char *q)
{
    struct db_stmt *st;
    struct err e;
    long n = -1;

    assert_int_equal(db_prepare(db, q, &st, &e), 0);
    if (db_step(st, &e) == DB_ROW)
        n = (long)db_column_int64(st, 0);
    db_finalize(st);
    return n;
}

/* A text column of the first row of q. */
static const char *text1(const char *q)
{
    static char out[256];
    struct db_stmt *st;
    struct err e;

    out[0] = '\0';
    assert_int_equal(db_prepare(db, q, &st, &e), 0);
    if (db_step(st, &e) == DB_ROW && db_column_text(st, 0))
        snprintf(out, sizeof(out), "%s", db_column_text(st, 0));
    db_finalize(st);
    return out;
}

static void sku_rule(const char *seller, const char *target, const char *sku,
                     enum margin_kind kind, const char *value)
{
    struct margin_rule r;
    struct err e;

    memset(&r, 0, sizeof(r));
    snprintf(r.seller_id, sizeof(r.seller_id), "%s", seller);
    r.level = MARGIN_LEVEL_CUSTOMER;
    snprintf(r.target_id, sizeof(r.target_id), "%s", target);
    snprintf(r.sku, sizeof(r.sku), "%s", sku);
    r.kind = kind;
    assert_int_equal(dec_parse_cstr(value, &r.value, &e), 0);
    snprintf(r.currency, sizeof(r.currency), "EUR");
    assert_int_equal(date_parse_cstr("2026-01-01", &r.from, &e), 0);
    if (repo_margin_insert(db, &r, NULL, 0, &e) < 0)
        fail_msg("rule: %s", e.msg);
}

static void tenant(const char *cus, const char *t)
{
    char q[256];

    snprintf(q, sizeof(q), "UPDATE customers SET tenant_id = '%s' WHERE id = '%s'", t, cus);
    sql(q);
}

static void direct_setup(void)
{
    partner("prt_P", "direct", "EUR");
    customer("cus_A", "prt_P", NULL, NULL, "EUR");
    customer("cus_B", "prt_P", NULL, NULL, "EUR");
    customer("cus_C", "prt_P", NULL, NULL, "EUR");
    tenant("cus_A", "ten-A");
    tenant("cus_B", "ten-B");
    rule("prt_P", MARGIN_LEVEL_PARTNER, "", "", MARGIN_MARKUP, "10", "2026-01-01");
    rule("prt_P", MARGIN_LEVEL_CUSTOMER, "cus_A", "", MARGIN_DISCOUNT, "10", "2026-01-01");
    rule("prt_P", MARGIN_LEVEL_CUSTOMER, "cus_B", "AZP", MARGIN_MARKUP, "50", "2026-01-01");
    sku_rule("prt_P", "cus_B", "AZP:0002", MARGIN_FIXED, "0.05");
    subscription("sub_C1", "prt_P", "cus_C", "PROD1:0001");
    charge("sub_C1", "new", "PROD1:0001", "2026-11-01", "2026-11-30", 2, "10.00", "10.00",
           "20.00", "EUR", "EUR", NULL, NULL);
}

/* The four lines of the header comment; cus_C is named by its cspd id (no tenant). */
static const char *november_file(const char *inv)
{
    static char f[4096];

    snprintf(f, sizeof(f), "%s", HEADER);
    line(f, sizeof(f), "ten-A", inv, "0001", "2026-11-03", "0.10", "23.200004", "1.77");
    line(f, sizeof(f), "ten-B", inv, "0001", "2026-11-04", "0.10", "10", "0.76");
    line(f, sizeof(f), "ten-B", inv, "0002", "2026-11-04", "0.02", "7.5", "0.11");
    line(f, sizeof(f), "cus_C", inv, "0001", "2026-11-05", "0.10", "10", "0.76");
    return f;
}

static const char *usage_col(const char *col, const char *customer)
{
    char q[512];

    snprintf(q, sizeof(q), "SELECT r.%s FROM rated_lines r JOIN usage_charges u ON u.id ="
             " r.usage_charge_id WHERE r.customer_id = '%s' ORDER BY u.sku, r.start_date",
             col, customer);
    return text1(q);
}

struct prod_sum {
    struct dec amount, cost, margin;
};

static int add_azp(void *vctx, const struct report_row *r)
{
    struct prod_sum *p = vctx;
    struct err e;

    if (strcmp(r->key, "AZP") != 0)
        return 0;
    return dec_add(p->amount, r->amount, &p->amount, &e) || dec_add(p->cost, r->cost, &p->cost,
                                                                    &e) ||
                   dec_add(p->margin, r->margin, &p->margin, &e)
               ? -1
               : 0;
}

static void test_kinds_and_invoice(void **state)
{
    struct recon_import_result res;
    struct close_stats st;
    struct invoice inv;
    struct err e;
    char id[ID_MAXLEN];

    (void)state;
    direct_setup();
    res = import_text(november_file("G0001"));
    assert_int_equal(res.usage_charges, 4);
    assert_int_equal(res.usage_unmapped, 0);
    if (invoice_close(&ctx, "2026-11", false, at("2026-12-01T06:00:00Z"), &st, &e) < 0)
        fail_msg("close: %s", e.msg);
    assert_int_equal(st.usage_rated, 4);
    assert_int_equal(st.rated, 5);
    assert_int_equal(st.invoices, 3);

    /* L1: discount off retail */
    assert_string_equal(usage_col("amount", "cus_A"), "1.87");
    assert_string_equal(usage_col("cost", "cus_A"), "1.77");
    assert_string_equal(usage_col("margin", "cus_A"), "0.1");
    assert_string_equal(usage_col("usage_quantity", "cus_A"), "23.200004");
    assert_string_equal(usage_col("charge_type", "cus_A"), "usage");
    assert_int_equal(count("SELECT COUNT(*) FROM rated_lines WHERE charge_id IS NULL AND"
                           " quantity = 0 AND period = '2026-11'"), 4);
    /* L2 product rule, L3 SKU rule (truncated, not half-up) */
    assert_string_equal(text1("SELECT amount FROM rated_lines WHERE sku = 'AZP:0001' AND"
                              " customer_id = 'cus_B'"), "1.14");
    assert_string_equal(text1("SELECT amount FROM rated_lines WHERE sku = 'AZP:0002'"),
                        "0.37");
    assert_string_equal(text1("SELECT unit_price FROM rated_lines WHERE sku = 'AZP:0002'"),
                        "0.05");
    assert_string_equal(text1("SELECT margin FROM rated_lines WHERE sku = 'AZP:0002'"),
                        "0.26");
    /* L4: the partner-wide markup, truncated */
    assert_string_equal(usage_col("amount", "cus_C"), "0.83");
    assert_string_equal(usage_col("margin", "cus_C"), "0.07");
    /* which rule priced what */
    assert_int_equal(count("SELECT COUNT(*) FROM rated_lines r JOIN margin_rules m ON"
                           " m.id = r.rule_id WHERE r.sku = 'AZP:0002' AND m.kind = 'fixed'"),
                     1);

    /* cus_C's invoice: the licence line, then the usage line */
    snprintf(id, sizeof(id), "%s", text1("SELECT id FROM invoices WHERE customer_id = 'cus_C'"));
    assert_int_equal(repo_invoice_get(db, &all, id, &inv, &e), 0);
    assert_int_equal(inv.nlines, 2);
    assert_string_equal(inv.lines[0].charge_type, "new");
    assert_dec(inv.lines[0].amount, "22.00");
    assert_string_equal(inv.lines[1].charge_type, "usage");
    assert_dec(inv.lines[1].amount, "0.83");
    assert_dec(inv.lines[1].quantity, "10");
    assert_string_equal(inv.lines[1].description,
                        "Azure usage 2026-11-05: D2 v3 Hours (Virtual Machines), AZP:0001");
    assert_dec(inv.subtotal, "22.83");
    invoice_release(&inv);

    /* cus_A's invoice: the decimal quantity in the CSV and JSON exports */
    snprintf(id, sizeof(id), "%s", text1("SELECT id FROM invoices WHERE customer_id = 'cus_A'"));
    assert_int_equal(repo_invoice_get(db, &all, id, &inv, &e), 0);
    assert_dec(inv.lines[0].quantity, "23.200004");
    {
        char *out = NULL, *js;
        size_t len = 0;
        json_t *j;

        assert_int_equal(export_invoice_csv(&inv, &out, &len, &e), 0);
        assert_non_null(strstr(out, ",23.200004,"));
        assert_non_null(strstr(out, "Azure usage 2026-11-03: D2 v3 Hours"));
        free(out);
        assert_int_equal(export_invoice_pdf(&inv, &out, &len, &e), 0);
        assert_true(len > 1000);
        free(out);
        j = export_invoice_json(&inv, true);
        js = json_dumps(j, JSON_COMPACT);
        assert_non_null(strstr(js, "\"quantity\":\"23.200004\""));
        free(js);
        json_decref(j);
    }
    invoice_release(&inv);
    /* the licence line's quantity stays a JSON integer */
    snprintf(id, sizeof(id), "%s", text1("SELECT id FROM invoices WHERE customer_id = 'cus_C'"));
    assert_int_equal(repo_invoice_get(db, &all, id, &inv, &e), 0);
    {
        json_t *j = export_invoice_json(&inv, true);
        char *js = json_dumps(j, JSON_COMPACT);

        assert_non_null(strstr(js, "\"quantity\":2,"));
        free(js);
        json_decref(j);
    }
    /* each line names its subscription (the rated line's; exports print it) */
    assert_string_equal(inv.lines[0].subscription_id, "sub_C1");
    assert_string_equal(inv.lines[1].subscription_id, "plan-cus_C");
    invoice_release(&inv);

    /* the margin report counts usage: product AZP revenue 1.87 + 1.14 + 0.37 + 0.83 = 4.21,
     * cost 1.77 + 0.76 + 0.11 + 0.76 = 3.40, margin 0.10 + 0.38 + 0.26 + 0.07 = 0.81 */
    {
        struct report_filter rf;
        struct prod_sum ps;

        memset(&rf, 0, sizeof(rf));
        memset(&ps, 0, sizeof(ps));
        rf.scope = &all;
        rf.by = REPORT_BY_PRODUCT;
        assert_int_equal(date_parse_cstr("2026-11-01", &rf.from, &e), 0);
        assert_int_equal(date_parse_cstr("2026-11-30", &rf.to, &e), 0);
        assert_int_equal(repo_report_each(db, &rf, add_azp, &ps, &e), 0);
        assert_dec(ps.amount, "4.21");
        assert_dec(ps.cost, "3.40");
        assert_dec(ps.margin, "0.81");
    }
}

static void test_idempotent(void **state)
{
    struct recon_import_result res;
    struct close_stats st;
    struct err e;

    (void)state;
    direct_setup();
    res = import_text(november_file("G0001"));
    assert_false(res.duplicate);
    /* the same content again: nothing new */
    res = import_text(november_file("G0001"));
    assert_true(res.duplicate);
    assert_int_equal(res.usage_charges, 0);
    assert_int_equal(count("SELECT COUNT(*) FROM usage_charges"), 4);
    /* a draft close rates them onto drafts; the real close rebuilds the invoices from the
     * same rated lines (nothing rated twice) */
    assert_int_equal(invoice_close(&ctx, "2026-11", true, at("2026-11-30T06:00:00Z"), &st,
                                   &e), 0);
    assert_int_equal(st.usage_rated, 4);
    assert_int_equal(count("SELECT COUNT(*) FROM invoices WHERE status = 'draft'"), 3);
    assert_int_equal(invoice_close(&ctx, "2026-11", false, at("2026-12-01T06:00:00Z"), &st,
                                   &e), 0);
    assert_int_equal(st.usage_rated, 0);
    assert_int_equal(st.invoices, 3);
    assert_int_equal(count("SELECT COUNT(*) FROM invoices"), 3);
    assert_int_equal(count("SELECT COUNT(*) FROM rated_lines r JOIN invoices i ON i.id ="
                           " r.invoice_id WHERE r.usage_charge_id IS NOT NULL AND i.status ="
                           " 'finalized'"), 4);
    /* closing again changes nothing */
    assert_int_equal(invoice_close(&ctx, "2026-11", false, at("2026-12-01T07:00:00Z"), &st,
                                   &e), 0);
    assert_int_equal(st.already_closed, 1);
    assert_int_equal(st.rated, 0);
    assert_int_equal(count("SELECT COUNT(*) FROM rated_lines"), 5);
    assert_int_equal(count("SELECT COUNT(*) FROM invoices"), 3);
    /* a draft close then the real one: the same lines, each rated once */
    assert_int_equal(invoice_close(&ctx, "2026-12", true, at("2027-01-01T06:00:00Z"), &st,
                                   &e), 0);
    assert_int_equal(count("SELECT COUNT(*) FROM rated_lines"), 5);
}

static void test_unbilled_and_unknown(void **state)
{
    struct recon_import_result res;
    struct close_stats st;
    struct err e;
    char f[2048];

    (void)state;
    direct_setup();
    /* unbilled (no InvoiceNumber): an estimate, never rated */
    snprintf(f, sizeof(f), "%s", HEADER);
    line(f, sizeof(f), "ten-A", "", "0001", "2026-11-03", "0.10", "5", "0.38");
    res = import_text(f);
    assert_int_equal(res.row.line_count, 1);
    assert_int_equal(res.usage_charges, 0);
    /* a billed line of a tenant cspd does not know: kept for the reconciliation only */
    snprintf(f, sizeof(f), "%s", HEADER);
    line(f, sizeof(f), "ten-UNKNOWN", "G0002", "0001", "2026-11-03", "0.10", "5", "0.38");
    res = import_text(f);
    assert_int_equal(res.usage_charges, 0);
    assert_int_equal(res.usage_unmapped, 1);
    assert_int_equal(count("SELECT COUNT(*) FROM recon_lines WHERE status = 'usage' AND"
                           " cause = 'unknown_customer'"), 1);
    assert_int_equal(invoice_close(&ctx, "2026-11", false, at("2026-12-01T06:00:00Z"), &st,
                                   &e), 0);
    assert_int_equal(st.usage_rated, 0);
    assert_int_equal(count("SELECT COUNT(*) FROM rated_lines WHERE usage_charge_id IS NOT"
                           " NULL"), 0);
}

/*
 * A second import of the same invoice with other content: before the close it replaces the
 * first one's lines; after the close it is held back (nothing rated twice).
 */
static void test_supersede(void **state)
{
    struct recon_import_result res;
    struct close_stats st;
    struct err e;
    char f[2048];

    (void)state;
    direct_setup();
    snprintf(f, sizeof(f), "%s", HEADER);
    line(f, sizeof(f), "cus_C", "G0003", "0001", "2026-11-05", "0.10", "10", "0.76");
    res = import_text(f);
    assert_int_equal(res.usage_charges, 1);
    /* corrected before any close: quantity 20, cost 1.53 -> replaces the first line */
    snprintf(f, sizeof(f), "%s", HEADER);
    line(f, sizeof(f), "cus_C", "G0003", "0001", "2026-11-05", "0.10", "20", "1.53");
    res = import_text(f);
    assert_false(res.duplicate);
    assert_int_equal(res.usage_replaced, 1);
    assert_int_equal(count("SELECT COUNT(*) FROM usage_charges"), 1);
    assert_string_equal(text1("SELECT quantity FROM usage_charges"), "20");
    assert_int_equal(invoice_close(&ctx, "2026-11", false, at("2026-12-01T06:00:00Z"), &st,
                                   &e), 0);
    /* 1.53 x 1.1 = 1.683 -> 1.68 */
    assert_string_equal(usage_col("amount", "cus_C"), "1.68");
    /* corrected again after the close: held, the rated line stays */
    snprintf(f, sizeof(f), "%s", HEADER);
    line(f, sizeof(f), "cus_C", "G0003", "0001", "2026-11-05", "0.10", "30", "2.29");
    res = import_text(f);
    assert_int_equal(res.usage_held, 1);
    assert_int_equal(count("SELECT COUNT(*) FROM recon_lines WHERE cause = 'already_rated'"), 1);
    assert_int_equal(count("SELECT COUNT(*) FROM usage_charges"), 1);
    assert_int_equal(invoice_close(&ctx, "2026-12", false, at("2027-01-01T06:00:00Z"), &st,
                                   &e), 0);
    assert_int_equal(st.usage_rated, 0);
    assert_int_equal(count("SELECT COUNT(*) FROM rated_lines WHERE usage_charge_id IS NOT"
                           " NULL"), 1);
}

/*
 * An Azure plan mapped to a cspd subscription (cspd recon map): the parties come from that
 * subscription (the file's CustomerId is not needed), and a subscription-level rule on it
 * applies: markup 30% on 0.76 = 0.988 -> 0.98 (the partner-wide 10% would give 0.83).
 */
static void test_mapped_plan(void **state)
{
    struct recon_import_result res;
    struct close_stats st;
    struct err e;
    char f[2048];

    (void)state;
    direct_setup();
    subscription("sub_AZ", "prt_P", "cus_C", "DZH318Z0BPS6:0001");
    rule("prt_P", MARGIN_LEVEL_SUBSCRIPTION, "sub_AZ", "", MARGIN_MARKUP, "30", "2026-01-01");
    assert_int_equal(repo_recon_map_set(db, "plan-ten-Z", "sub_AZ", 0, &e), 0);
    snprintf(f, sizeof(f), "%s", HEADER);
    line(f, sizeof(f), "ten-Z", "G0006", "0001", "2026-11-07", "0.10", "10", "0.76");
    res = import_text(f);
    assert_int_equal(res.usage_charges, 1);
    assert_string_equal(text1("SELECT customer_id || ' ' || partner_id || ' ' ||"
                              " subscription_id FROM usage_charges"), "cus_C prt_P sub_AZ");
    assert_int_equal(invoice_close(&ctx, "2026-11", false, at("2026-12-01T06:00:00Z"), &st,
                                   &e), 0);
    assert_string_equal(usage_col("amount", "cus_C"), "0.98");
    assert_string_equal(usage_col("subscription_id", "cus_C"), "sub_AZ");
}

/*
 * Discount and fixed as partner-wide defaults (file: UnitPrice 0.10 USD, PCToBC 0.9):
 *   prt_Q discount 5%: retail 0.10 x 23.200004 x 0.9 = 2.08800036; x 0.95 = 1.983600342 ->
 *     1.98; cost 1.77, margin 0.21
 *   prt_F fixed 0.04 EUR: 0.04 x 23.200004 = 0.92800016 -> 0.92; cost 0.76, margin 0.16
 *   prt_F fixed again on 10 units: 0.40 against a cost of 0.76 -> below cost (margin -0.36):
 *     an alert.below_cost outbox row naming the usage charge
 */
static void test_partner_defaults(void **state)
{
    struct close_stats st;
    struct err e;
    char f[2048];

    (void)state;
    partner("prt_Q", "direct", "EUR");
    partner("prt_F", "direct", "EUR");
    customer("cus_Q", "prt_Q", NULL, NULL, "EUR");
    customer("cus_F", "prt_F", NULL, NULL, "EUR");
    rule("prt_Q", MARGIN_LEVEL_PARTNER, "", "", MARGIN_DISCOUNT, "5", "2026-01-01");
    rule("prt_F", MARGIN_LEVEL_PARTNER, "", "", MARGIN_FIXED, "0.04", "2026-01-01");
    snprintf(f, sizeof(f), "%s", HEADER);
    line(f, sizeof(f), "cus_Q", "G0007", "0001", "2026-11-03", "0.10", "23.200004", "1.77");
    line(f, sizeof(f), "cus_F", "G0007", "0001", "2026-11-03", "0.10", "23.200004", "0.76");
    line(f, sizeof(f), "cus_F", "G0007", "0002", "2026-11-04", "0.10", "10", "0.76");
    assert_int_equal(import_text(f).usage_charges, 3);
    assert_int_equal(invoice_close(&ctx, "2026-11", false, at("2026-12-01T06:00:00Z"), &st,
                                   &e), 0);
    assert_string_equal(usage_col("amount", "cus_Q"), "1.98");
    assert_string_equal(usage_col("margin", "cus_Q"), "0.21");
    assert_string_equal(usage_col("amount", "cus_F"), "0.92");
    assert_string_equal(usage_col("margin", "cus_F"), "0.16");
    assert_string_equal(usage_col("unit_price", "cus_F"), "0.04");
    assert_string_equal(text1("SELECT margin FROM rated_lines WHERE sku = 'AZP:0002'"), "-0.36");
    assert_int_equal(st.alerts, 1);
    assert_int_equal(count("SELECT COUNT(*) FROM outbox WHERE topic = 'alert.below_cost' AND"
                           " payload LIKE '%\"usage_charge_id\":\"usg_%'"), 1);
}

/* Usage of November imported after November's close lands on December's invoice. */
static void test_late_usage(void **state)
{
    struct close_stats st;
    struct err e;
    char f[2048];

    (void)state;
    direct_setup();
    assert_int_equal(invoice_close(&ctx, "2026-11", false, at("2026-12-01T06:00:00Z"), &st,
                                   &e), 0);
    snprintf(f, sizeof(f), "%s", HEADER);
    line(f, sizeof(f), "cus_C", "G0004", "0001", "2026-11-20", "0.10", "10", "0.76");
    (void)import_text(f);
    assert_int_equal(invoice_close(&ctx, "2026-12", false, at("2027-01-01T06:00:00Z"), &st,
                                   &e), 0);
    assert_int_equal(st.usage_rated, 1);
    assert_int_equal(st.adjustments, 1);
    assert_string_equal(text1("SELECT l.description FROM invoice_lines l JOIN invoices i ON"
                              " i.id = l.invoice_id WHERE i.period = '2026-12'"),
                        "Adjustment 2026-11: Azure usage 2026-11-20: D2 v3 Hours (Virtual"
                        " Machines), AZP:0001");
    assert_string_equal(text1("SELECT l.amount FROM invoice_lines l JOIN invoices i ON"
                              " i.id = l.invoice_id WHERE i.period = '2026-12'"), "0.83");
}

/*
 * An issuer whose billing periods start on the 15th (docs/billing.md "Billing periods"): a
 * usage line takes its seller's period like a licence line. prt_P on day 15, so 2026-10 runs
 * Oct 15 - Nov 14 and 2026-11 Nov 15 - Dec 14. cus_C, partner-wide markup 10%:
 *   licence PROD1:0001 from Nov 1 (period 2026-10): 11.00 x 2 = 22.00
 *   usage 11-14, 0.10 x 10, cost 0.76 (period 2026-10): 0.76 x 1.1 = 0.836 -> 0.83
 *   usage 11-15, 0.10 x 20, cost 1.52 (period 2026-11): 1.52 x 1.1 = 1.672 -> 1.67
 * So 2026-10's invoice is 22.00 + 0.83 = 22.83 and 2026-11's is 1.67.
 */
static void test_anchored_usage(void **state)
{
    struct billing_days d;
    struct close_stats st;
    struct err e;
    char f[2048];

    (void)state;
    direct_setup();
    if (invoice_days_set(&ctx, "prt_P", 15, 0, 0, &d, &e) < 0)
        fail_msg("period day: %s", e.msg);
    snprintf(f, sizeof(f), "%s", HEADER);
    line(f, sizeof(f), "cus_C", "G0005", "0001", "2026-11-14", "0.10", "10", "0.76");
    line(f, sizeof(f), "cus_C", "G0005", "0001", "2026-11-15", "0.10", "20", "1.52");
    (void)import_text(f);
    assert_int_equal(invoice_close(&ctx, "2026-10", false, at("2026-11-16T06:00:00Z"), &st,
                                   &e), 0);
    assert_int_equal(invoice_close(&ctx, "2026-11", false, at("2026-12-16T06:00:00Z"), &st,
                                   &e), 0);
    assert_string_equal(text1("SELECT r.period FROM rated_lines r JOIN usage_charges u ON"
                              " u.id = r.usage_charge_id WHERE u.usage_date = '2026-11-14'"),
                        "2026-10");
    assert_string_equal(text1("SELECT r.period FROM rated_lines r JOIN usage_charges u ON"
                              " u.id = r.usage_charge_id WHERE u.usage_date = '2026-11-15'"),
                        "2026-11");
    assert_string_equal(text1("SELECT subtotal FROM invoices WHERE customer_id = 'cus_C' AND"
                              " period = '2026-10'"), "22.83");
    assert_string_equal(text1("SELECT subtotal FROM invoices WHERE customer_id = 'cus_C' AND"
                              " period = '2026-11'"), "1.67");
}

static void test_chain_fx(void **state)
{
    struct close_stats st;
    struct err e;
    struct dec d_margin, r_margin, ms_cost, cust, chain, parts;
    char f[2048];

    (void)state;
    partner("prt_D", "distributor", "EUR");
    partner("prt_R", "reseller", "GBP");
    customer("cus_R", "prt_D", "prt_D", "prt_R", "GBP");
    rule("prt_D", MARGIN_LEVEL_PARTNER, "", "", MARGIN_MARKUP, "10", "2026-01-01");
    rule("prt_R", MARGIN_LEVEL_PARTNER, "", "", MARGIN_MARKUP, "20", "2026-01-01");
    sql("INSERT INTO exchange_rates (from_currency, to_currency, rate, effective_from)"
        " VALUES ('EUR', 'GBP', '0.85', '2026-11-01')");
    snprintf(f, sizeof(f), "%s", HEADER);
    line(f, sizeof(f), "cus_R", "G0005", "0001", "2026-11-10", "0.10", "100", "8.50");
    assert_int_equal(import_text(f).usage_charges, 1);
    if (invoice_close(&ctx, "2026-11", false, at("2026-12-01T06:00:00Z"), &st, &e) < 0)
        fail_msg("close: %s", e.msg);
    assert_int_equal(st.usage_rated, 2);
    assert_string_equal(text1("SELECT amount FROM rated_lines WHERE tier = 'reseller'"), "7.94");
    assert_string_equal(text1("SELECT cost FROM rated_lines WHERE tier = 'reseller'"), "7.22");
    assert_string_equal(text1("SELECT fx_rate FROM rated_lines WHERE tier = 'reseller'"),
                        "0.85");
    assert_string_equal(text1("SELECT fx_date FROM rated_lines WHERE tier = 'reseller'"),
                        "2026-11-01");
    assert_string_equal(text1("SELECT price_currency FROM rated_lines WHERE tier ="
                              " 'reseller'"), "EUR");
    assert_string_equal(text1("SELECT amount FROM rated_lines WHERE tier = 'customer'"), "9.52");
    assert_string_equal(text1("SELECT cost FROM rated_lines WHERE tier = 'customer'"), "7.94");
    assert_string_equal(text1("SELECT base_line_id = (SELECT id FROM rated_lines WHERE tier ="
                              " 'reseller') FROM rated_lines WHERE tier = 'customer'"), "1");
    /* margins add up to the customer's price minus Microsoft's cost, to the cent */
    assert_int_equal(dec_parse_cstr(text1("SELECT margin FROM rated_lines WHERE tier ="
                                          " 'reseller'"), &d_margin, &e), 0);
    assert_int_equal(dec_parse_cstr(text1("SELECT margin FROM rated_lines WHERE tier ="
                                          " 'customer'"), &r_margin, &e), 0);
    assert_int_equal(dec_parse_cstr(text1("SELECT cost FROM rated_lines WHERE tier ="
                                          " 'reseller'"), &ms_cost, &e), 0);
    assert_int_equal(dec_parse_cstr(text1("SELECT amount FROM rated_lines WHERE tier ="
                                          " 'customer'"), &cust, &e), 0);
    assert_dec(d_margin, "0.72");
    assert_dec(r_margin, "1.58");
    assert_int_equal(dec_sub(cust, ms_cost, &chain, &e), 0);
    assert_int_equal(dec_add(d_margin, r_margin, &parts, &e), 0);
    assert_dec(chain, "2.30");
    assert_int_equal(dec_cmp(chain, parts), 0);
    /* the reseller's invoice from the distributor and the customer's from the reseller */
    assert_int_equal(count("SELECT COUNT(*) FROM invoices WHERE reseller_id = 'prt_R' AND"
                           " issuer_partner_id = 'prt_D' AND subtotal = '7.94'"), 1);
    assert_int_equal(count("SELECT COUNT(*) FROM invoices WHERE customer_id = 'cus_R' AND"
                           " issuer_partner_id = 'prt_R' AND subtotal = '9.52'"), 1);
}

/* The pure rule on its own: a credit (negative quantity) truncates toward zero. */
static void test_rate_usage_line(void **state)
{
    struct usage_rate_input in;
    struct usage_rated a;
    struct margin_rule r;
    struct err e;

    (void)state;
    memset(&r, 0, sizeof(r));
    r.kind = MARGIN_MARKUP;
    assert_int_equal(dec_parse_cstr("15", &r.value, &e), 0);
    memset(&in, 0, sizeof(in));
    in.rule = &r;
    assert_int_equal(dec_parse_cstr("-3", &in.quantity, &e), 0);
    assert_int_equal(dec_parse_cstr("-0.99", &in.cost, &e), 0);
    snprintf(in.cost_ccy, sizeof(in.cost_ccy), "EUR");
    snprintf(in.ms_ccy, sizeof(in.ms_ccy), "EUR");
    snprintf(in.buyer_ccy, sizeof(in.buyer_ccy), "EUR");
    /* -0.99 x 1.15 = -1.1385 -> -1.13 toward zero (half-up: -1.14); margin -0.14: not below
     * cost for a credit (it gives back less than the charge took: price above cost) */
    assert_int_equal(rate_usage_line(&in, &a, &e), 0);
    assert_dec(a.amount, "-1.13");
    assert_dec(a.margin, "-0.14");
    assert_false(a.below_cost);
    /* no rule: at cost */
    in.rule = NULL;
    assert_int_equal(rate_usage_line(&in, &a, &e), 0);
    assert_dec(a.amount, "-0.99");
    assert_dec(a.margin, "0");
    /* at cost in another currency: 0.09 EUR x 0.85 = 0.0765 GBP -> price 0.07 and cost 0.07
     * (both truncated): margin 0, not below cost (a half-up cost, 0.08, would show -0.01) */
    assert_int_equal(dec_parse_cstr("1", &in.quantity, &e), 0);
    assert_int_equal(dec_parse_cstr("0.09", &in.cost, &e), 0);
    assert_int_equal(dec_parse_cstr("0.85", &in.fx, &e), 0);
    in.cost_fx = in.fx;
    snprintf(in.buyer_ccy, sizeof(in.buyer_ccy), "GBP");
    assert_int_equal(rate_usage_line(&in, &a, &e), 0);
    assert_dec(a.amount, "0.07");
    assert_dec(a.cost, "0.07");
    assert_dec(a.margin, "0");
    assert_false(a.below_cost);
    /* JPY has no minor unit: markup 7.35% on 1150 JPY */
    in.rule = &r;
    assert_int_equal(dec_parse_cstr("7.35", &r.value, &e), 0);
    assert_int_equal(dec_parse_cstr("1", &in.quantity, &e), 0);
    assert_int_equal(dec_parse_cstr("1150", &in.cost, &e), 0);
    snprintf(in.cost_ccy, sizeof(in.cost_ccy), "JPY");
    snprintf(in.buyer_ccy, sizeof(in.buyer_ccy), "JPY");
    /* 1150 x 1.0735 = 1234.525 -> 1234 */
    assert_int_equal(rate_usage_line(&in, &a, &e), 0);
    assert_dec(a.amount, "1234");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_kinds_and_invoice, open_db, close_db),
        cmocka_unit_test_setup_teardown(test_idempotent, open_db, close_db),
        cmocka_unit_test_setup_teardown(test_unbilled_and_unknown, open_db, close_db),
        cmocka_unit_test_setup_teardown(test_supersede, open_db, close_db),
        cmocka_unit_test_setup_teardown(test_late_usage, open_db, close_db),
        cmocka_unit_test_setup_teardown(test_mapped_plan, open_db, close_db),
        cmocka_unit_test_setup_teardown(test_partner_defaults, open_db, close_db),
        cmocka_unit_test_setup_teardown(test_chain_fx, open_db, close_db),
        cmocka_unit_test_setup_teardown(test_anchored_usage, open_db, close_db),
        cmocka_unit_test(test_rate_usage_line),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
