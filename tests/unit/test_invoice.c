/*
 * tests/unit/test_invoice.c — rating, the period close and invoices on a real store, every
 * figure worked by hand below. Microsoft's charge lines are inserted into `charges` in the
 * shape the engine stores them (store/repo_charge.c).
 *
 * Two-tier chain, November 2026, all EUR. Distributor prt_D sells to reseller prt_R, which
 * sells to customer cus_C (country DE, 19% tax set by prt_R).
 *   Rules: prt_D partner-wide markup 10%; prt_R partner-wide markup 20%;
 *          prt_R customer cus_C, product PROD2: fixed 25.00.
 *   Microsoft lines (subscription S1 PROD1:0001 at 10.08, S2 PROD2:0001 at 20.00):
 *     1 new        S1 Nov 1-30 x10        10.08 x 10                     = 100.80
 *     2 addQty     S1 Nov 12-30 refund 10 ROUNDDOWN(10.08x19x10/30)      = -63.84
 *     3 addQty     S1 Nov 12-30 charge 13 ROUNDDOWN(10.08x19x13/30)      =  82.99
 *     4 new        S2 Nov 1-30 x1                                         =  20.00
 *     5 cancel     S2 Nov 5-30 x1         ROUNDDOWN(20x26/30)=17.33       = -17.33
 *                                                                  Microsoft 122.62
 *   prt_D -> prt_R: PROD1 10.08x1.1 = 11.088 -> 11.09; PROD2 22.00
 *     1 110.90 | 2 -ROUNDDOWN(11.09x190/30=70.2366) -70.23 | 3 ROUNDDOWN(11.09x247/30=
 *     91.3076) 91.30 | 4 22.00 | 5 -ROUNDDOWN(22x26/30=19.066) -19.06     total 134.91
 *     margins 10.10, -6.39, 8.31, 2.00, -1.73                          prt_D margin 12.29
 *   prt_R -> cus_C: PROD1 11.09x1.2 = 13.308 -> 13.31; PROD2 fixed 25.00
 *     1 133.10 | 2 -ROUNDDOWN(13.31x190/30=84.2966) -84.29 | 3 ROUNDDOWN(13.31x247/30=
 *     109.5856) 109.58 | 4 25.00 | 5 -ROUNDDOWN(25x26/30=21.666) -21.66   total 161.73
 *     margins 22.20, -14.06, 18.28, 3.00, -2.60                        prt_R margin 26.82
 *   Chain: 161.73 - 122.62 = 39.11 = 12.29 + 26.82.
 *   Tax 19% per line, half-up: 25.289->25.29, -16.0151->-16.02, 20.8202->20.82, 4.75,
 *     -4.1154->-4.12: 30.72; total 192.45.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/id.h"
#include "io/export_invoice.h"
#include "store/db.h"
#include "store/repo_invoice.h"
#include "store/repo_margin.h"
#include "svc/invoice_svc.h"

#include "billing_fixture.h"

/* Sum a column of rated_lines for a seller (decimal text, summed exactly in C). */
static struct dec sum(const char *col, const char *where)
{
    char q[512];
    struct db_stmt *st;
    struct dec t = dec_zero(), v;
    struct err e;

    snprintf(q, sizeof(q), "SELECT %s FROM rated_lines WHERE %s", col, where);
    assert_int_equal(db_prepare(db, q, &st, &e), 0);
    while (db_step(st, &e) == DB_ROW) {
        assert_int_equal(dec_parse_cstr(db_column_text(st, 0), &v, &e), 0);
        assert_int_equal(dec_add(t, v, &t, &e), 0);
    }
    db_finalize(st);
    return t;
}

static void test_two_tier_chain(void **state)
{
    struct close_stats st;
    struct invoice inv;
    struct err e;
    struct dec ms, d_amt, r_amt, d_margin, r_margin, chain, parts;

    (void)state;
    chain_setup();
    if (invoice_close(&ctx, "2026-11", false, at("2026-12-01T06:00:00Z"), &st, &e) < 0)
        fail_msg("close: %s", e.msg);
    assert_int_equal(st.rated, 10);
    assert_int_equal(st.invoices, 2);

    d_amt = sum("amount", "tier = 'reseller'");
    r_amt = sum("amount", "tier = 'customer'");
    d_margin = sum("margin", "tier = 'reseller'");
    r_margin = sum("margin", "tier = 'customer'");
    assert_dec(d_amt, "134.91");
    assert_dec(d_margin, "12.29");
    assert_dec(r_amt, "161.73");
    assert_dec(r_margin, "26.82");
    assert_dec(sum("cost", "tier = 'reseller'"), "122.62");
    /* every party's margin adds up to customer price - Microsoft cost, to the cent */
    ms = dec_zero();
    {
        struct db_stmt *q;
        struct dec v;

        assert_int_equal(db_prepare(db, "SELECT subtotal FROM charges", &q, &e), 0);
        while (db_step(q, &e) == DB_ROW) {
            assert_int_equal(dec_parse_cstr(db_column_text(q, 0), &v, &e), 0);
            assert_int_equal(dec_add(ms, v, &ms, &e), 0);
        }
        db_finalize(q);
    }
    assert_dec(ms, "122.62");
    assert_int_equal(dec_sub(r_amt, ms, &chain, &e), 0);
    assert_int_equal(dec_add(d_margin, r_margin, &parts, &e), 0);
    assert_int_equal(dec_cmp(chain, parts), 0);
    assert_dec(chain, "39.11");

    /* the customer's invoice from the reseller, with tax per line */
    {
        struct db_stmt *q;
        char id[ID_MAXLEN];

        assert_int_equal(db_prepare(db, "SELECT id FROM invoices WHERE customer_id = 'cus_C'",
                                    &q, &e), 0);
        assert_int_equal(db_step(q, &e), DB_ROW);
        snprintf(id, sizeof(id), "%s", db_column_text(q, 0));
        db_finalize(q);
        assert_int_equal(repo_invoice_get(db, &all, id, &inv, &e), 0);
    }
    assert_string_equal(inv.issuer_id, "prt_R");
    assert_string_equal(inv.number, "INV-2026-000001"); /* prt_R's first invoice of 2026 */
    assert_int_equal(inv.status, INV_FINALIZED);
    assert_int_equal((int)inv.nlines, 5);
    assert_dec(inv.subtotal, "161.73");
    assert_dec(inv.tax, "30.72");
    assert_dec(inv.total, "192.45");
    assert_string_equal(inv.tax_label, "VAT");
    assert_int_equal(inv.due_on.day, 31); /* 2026-12-01 + 30 days */
    invoice_release(&inv);
    /* the reseller's invoice from the distributor: the distributor's own series */
    {
        struct scope dsc = {.kind = SCOPE_PARTNER};
        struct db_stmt *q;
        char id[ID_MAXLEN];

        snprintf(dsc.partner_id, sizeof(dsc.partner_id), "prt_D");
        assert_int_equal(db_prepare(db, "SELECT id FROM invoices WHERE reseller_id = 'prt_R'",
                                    &q, &e), 0);
        assert_int_equal(db_step(q, &e), DB_ROW);
        snprintf(id, sizeof(id), "%s", db_column_text(q, 0));
        db_finalize(q);
        assert_int_equal(repo_invoice_get(db, &dsc, id, &inv, &e), 0);
        assert_string_equal(inv.number, "INV-2026-000001");
        assert_dec(inv.subtotal, "134.91");
        assert_dec(inv.tax, "0");
        invoice_release(&inv);
        /* by number, prt_D's scope holds one INV-2026-000001: found */
        assert_int_equal(repo_invoice_get(db, &dsc, "INV-2026-000001", &inv, &e), 0);
        assert_string_equal(inv.id, id);
        invoice_release(&inv);
        /* prt_R sees its own INV-2026-000001 and prt_D's to it: the number alone is
           ambiguous (409 naming the id), the id is not */
        snprintf(dsc.partner_id, sizeof(dsc.partner_id), "prt_R");
        assert_int_equal(repo_invoice_get(db, &dsc, "INV-2026-000001", &inv, &e), -1);
        assert_int_equal(e.code, ERR_CONFLICT);
        assert_string_equal(e.field, "id");
        assert_int_equal(repo_invoice_get(db, &dsc, id, &inv, &e), 0);
        assert_string_equal(inv.issuer_id, "prt_D");
        invoice_release(&inv);
        /* out of scope for another partner */
        snprintf(dsc.partner_id, sizeof(dsc.partner_id), "prt_X");
        assert_int_equal(repo_invoice_get(db, &dsc, id, &inv, &e), -1);
        assert_int_equal(e.code, ERR_NOT_FOUND);
    }

    /* running the close twice changes nothing */
    if (invoice_close(&ctx, "2026-11", false, at("2026-12-01T07:00:00Z"), &st, &e) < 0)
        fail_msg("close again: %s", e.msg);
    assert_int_equal(st.rated, 0);
    assert_int_equal(st.invoices, 0);
    assert_int_equal(st.already_closed, 2);
}

/* A late Microsoft charge for November lands on December's invoice as an adjustment. */
static void test_late_charge_adjustment(void **state)
{
    struct close_stats st;
    struct invoice inv;
    struct err e;
    struct db_stmt *q;
    char id[ID_MAXLEN];

    (void)state;
    chain_setup();
    assert_int_equal(invoice_close(&ctx, "2026-11", false, at("2026-12-01T06:00:00Z"), &st,
                                   &e), 0);
    subscription("sub_S3", "prt_D", "cus_C", "PROD1:0001");
    /* new, 1 seat from Nov 25: reseller 11.09, customer 13.31 */
    charge("sub_S3", "new", "PROD1:0001", "2026-11-25", "2026-12-24", 1, "10.08", "10.08",
           "10.08", "EUR", "EUR", NULL, NULL);
    assert_int_equal(invoice_close(&ctx, "2026-11", false, at("2026-12-02T06:00:00Z"), &st,
                                   &e), 0);
    assert_int_equal(st.rated, 0); /* closed: the late line waits */
    assert_int_equal(invoice_close(&ctx, "2026-12", false, at("2027-01-01T06:00:00Z"), &st,
                                   &e), 0);
    assert_int_equal(st.adjustments, 2);
    assert_int_equal(db_prepare(db, "SELECT id FROM invoices WHERE customer_id = 'cus_C' AND"
                                    " period = '2026-12'", &q, &e), 0);
    assert_int_equal(db_step(q, &e), DB_ROW);
    snprintf(id, sizeof(id), "%s", db_column_text(q, 0));
    db_finalize(q);
    assert_int_equal(repo_invoice_get(db, &all, id, &inv, &e), 0);
    assert_int_equal((int)inv.nlines, 1);
    assert_true(inv.lines[0].adjustment);
    assert_dec(inv.subtotal, "13.31");
    assert_string_equal(inv.number, "INV-2027-000001"); /* numbered in the year it is issued */
    invoice_release(&inv);
    /* November's invoice is untouched */
    assert_dec(sum("amount", "tier = 'customer' AND invoice_id IN (SELECT id FROM invoices"
                             " WHERE period = '2026-11')"), "161.73");
}

static long long one_int(const char *q)
{
    struct db_stmt *st;
    struct err e;
    long long v;

    assert_int_equal(db_prepare(db, q, &st, &e), 0);
    assert_int_equal(db_step(st, &e), DB_ROW);
    v = db_column_int64(st, 0);
    db_finalize(st);
    return v;
}

/* The licence-charge rating mark of (seller, tier). */
static long long mark_of(const char *seller, const char *tier)
{
    char q[256];

    snprintf(q, sizeof(q), "SELECT row_id FROM rating_marks WHERE source = 'charges' AND"
             " seller_id = '%s' AND tier = '%s'", seller, tier);
    return one_int(q);
}

/*
 * Rating marks (migration 013): each close reads only charges above its seller's mark.
 *   - A December charge stored before November's close (sub_S4, chg_0006, rowid 6) is left
 *     for December: the marks stop just below it (5), and December's close rates it —
 *     PROD2 at 20.00: prt_D 10% 22.00, prt_R fixed 25.00 for cus_C.
 *   - A December refund of S1 (chg_0007, Dec 1-31, the whole cycle: -10.08), after prt_R
 *     gave cus_C a fixed 30.00 on PROD1, takes the rule of the line it gives back, November's
 *     Nov 12 line (stored by November's close: found through the subscription's charges):
 *     prt_D -11.09; prt_R 20% markup on 11.09 = 13.308 -> 13.31, so -13.31, not -30.00.
 *   - A mark that no longer names its charge (rowids renumbered) is not trusted: a late
 *     December charge (chg_0008, S3 Dec 20-31 x1 at 10.08, 12/31 of a month: ROUNDDOWN(
 *     10.08x12/31 = 3.902) 3.90) put at the mark's rowid under another name is still found
 *     by January's close: two adjustments.
 */
static void test_rating_marks(void **state)
{
    struct close_stats st;
    struct err e;

    (void)state;
    chain_setup();
    subscription("sub_S4", "prt_D", "cus_C", "PROD2:0001");
    charge("sub_S4", "new", "PROD2:0001", "2026-12-01", "2026-12-31", 1, "20.00", "20.00",
           "20.00", "EUR", "EUR", NULL, NULL);
    assert_int_equal(invoice_close(&ctx, "2026-11", false, at("2026-12-01T06:00:00Z"), &st,
                                   &e), 0);
    assert_int_equal(st.rated, 10);
    assert_int_equal(one_int("SELECT count(*) FROM rated_lines WHERE charge_id = 'chg_0006'"),
                     0);
    assert_int_equal(mark_of("prt_D", "reseller"), 5);
    assert_int_equal(mark_of("prt_R", "customer"), 5);

    rule("prt_R", MARGIN_LEVEL_CUSTOMER, "cus_C", "PROD1", MARGIN_FIXED, "30.00", "2026-01-01");
    charge("sub_S1", "cancelImmediate", "PROD1:0001", "2026-12-01", "2026-12-31", 1, "10.08",
           "-10.08", "-10.08", "EUR", "EUR", NULL, NULL);
    if (invoice_close(&ctx, "2026-12", false, at("2027-01-01T06:00:00Z"), &st, &e) < 0)
        fail_msg("close December: %s", e.msg);
    assert_int_equal(st.rated, 4);
    assert_dec(sum("amount", "charge_id = 'chg_0006' AND tier = 'reseller'"), "22.00");
    assert_dec(sum("amount", "charge_id = 'chg_0006' AND tier = 'customer'"), "25.00");
    assert_dec(sum("amount", "charge_id = 'chg_0007' AND tier = 'reseller'"), "-11.09");
    assert_dec(sum("amount", "charge_id = 'chg_0007' AND tier = 'customer'"), "-13.31");
    assert_int_equal(one_int("SELECT count(*) FROM rated_lines r JOIN rated_lines n ON"
                             " n.charge_id = 'chg_0003' AND n.tier = 'customer' WHERE"
                             " r.charge_id = 'chg_0007' AND r.tier = 'customer' AND"
                             " r.rule_id = n.rule_id"), 1);
    assert_int_equal(mark_of("prt_R", "customer"), 7);

    subscription("sub_S3", "prt_D", "cus_C", "PROD1:0001");
    charge("sub_S3", "new", "PROD1:0001", "2026-12-20", "2026-12-31", 1, "10.08", "3.90",
           "3.90", "EUR", "EUR", NULL, NULL);
    sql("UPDATE rating_marks SET row_id = 8, row_key = 'chg_gone' WHERE source = 'charges'");
    if (invoice_close(&ctx, "2027-01", false, at("2027-02-01T06:00:00Z"), &st, &e) < 0)
        fail_msg("close January: %s", e.msg);
    assert_int_equal(st.adjustments, 2);
    assert_int_equal(one_int("SELECT count(*) FROM rated_lines WHERE charge_id = 'chg_0008'"),
                     2);
    assert_int_equal(mark_of("prt_D", "reseller"), 8);
}

/* Conversion: a direct partner in EUR bills a GBP customer (rate EUR->GBP 0.85 from Nov 1). */
static void test_currency_conversion(void **state)
{
    struct close_stats st;
    struct err e;

    (void)state;
    partner("prt_P", "direct", "EUR");
    customer("cus_G", "prt_P", NULL, NULL, "GBP");
    subscription("sub_G", "prt_P", "cus_G", "PROD1:0001");
    rule("prt_P", MARGIN_LEVEL_PARTNER, "", "", MARGIN_MARKUP, "20", "2026-01-01");
    sql("INSERT INTO exchange_rates VALUES ('EUR', 'GBP', '0.85', '2026-11-01')");
    sql("INSERT INTO exchange_rates VALUES ('EUR', 'GBP', '0.90', '2026-12-01')");
    /* 5 seats at 10.08: customer 12.10 EUR -> ROUNDDOWN(10.285) = 10.28 GBP x 5 = 51.40;
     * cost 50.40 EUR x 0.85 = 42.84 GBP; margin 8.56 GBP. */
    charge("sub_G", "new", "PROD1:0001", "2026-11-01", "2026-11-30", 5, "10.08", "10.08",
           "50.40", "EUR", "EUR", NULL, NULL);
    if (invoice_close(&ctx, "2026-11", false, at("2026-12-01T06:00:00Z"), &st, &e) < 0)
        fail_msg("close: %s", e.msg);
    assert_dec(sum("amount", "customer_id = 'cus_G'"), "51.40");
    assert_dec(sum("cost", "customer_id = 'cus_G'"), "42.84");
    assert_dec(sum("margin", "customer_id = 'cus_G'"), "8.56");
    assert_dec(sum("fx_rate", "customer_id = 'cus_G'"), "0.85");
    /* a missing rate stops the close for that issuer, nothing half-done */
    customer("cus_J", "prt_P", NULL, NULL, "JPY");
    subscription("sub_J", "prt_P", "cus_J", "PROD1:0001");
    charge("sub_J", "new", "PROD1:0001", "2026-12-01", "2026-12-31", 1, "10.08", "10.08",
           "10.08", "EUR", "EUR", NULL, NULL);
    assert_int_equal(invoice_close(&ctx, "2026-12", false, at("2027-01-01T06:00:00Z"), &st,
                                   &e), -1);
    assert_string_equal(e.reason, "no_exchange_rate");
    assert_dec(sum("amount", "customer_id = 'cus_J'"), "0");
}

/* Below-cost lines without an allowing rule raise an alert; credit notes and statuses. */
static void test_alert_credit_status(void **state)
{
    struct close_stats st;
    struct err e;
    struct invoice inv;
    struct db_stmt *q;
    char id[ID_MAXLEN], cn[ID_MAXLEN];

    (void)state;
    partner("prt_P", "direct", "EUR");
    customer("cus_A", "prt_P", NULL, NULL, "EUR");
    subscription("sub_A", "prt_P", "cus_A", "PROD1:0001");
    rule("prt_P", MARGIN_LEVEL_PARTNER, "", "", MARGIN_FIXED, "9.00", "2026-01-01");
    charge("sub_A", "new", "PROD1:0001", "2026-11-01", "2026-11-30", 2, "10.08", "10.08",
           "20.16", "EUR", "EUR", NULL, NULL);
    assert_int_equal(invoice_close(&ctx, "2026-11", false, at("2026-12-01T06:00:00Z"), &st,
                                   &e), 0);
    assert_int_equal(st.alerts, 1);
    assert_int_equal(db_prepare(db, "SELECT COUNT(*) FROM outbox WHERE topic ="
                                    " 'alert.below_cost'", &q, &e), 0);
    assert_int_equal(db_step(q, &e), DB_ROW);
    assert_int_equal(db_column_int64(q, 0), 1);
    db_finalize(q);
    assert_int_equal(db_prepare(db, "SELECT id FROM invoices", &q, &e), 0);
    assert_int_equal(db_step(q, &e), DB_ROW);
    snprintf(id, sizeof(id), "%s", db_column_text(q, 0));
    db_finalize(q);
    /* a credit note: negated lines, CN series */
    assert_int_equal(invoice_credit(&ctx, &all, id, at("2026-12-03T00:00:00Z"), cn, &e), 0);
    assert_int_equal(repo_invoice_get(db, &all, cn, &inv, &e), 0);
    assert_string_equal(inv.number, "CN-2026-000001");
    assert_dec(inv.total, "-18.00");
    invoice_release(&inv);
    assert_int_equal(invoice_credit(&ctx, &all, id, at("2026-12-03T00:00:00Z"), cn, &e), -1);
    assert_string_equal(e.reason, "already_credited");
    assert_int_equal(invoice_mark_paid(&ctx, &all, id, at("2026-12-04T00:00:00Z"), &e), 0);
    assert_int_equal(invoice_void(&ctx, &all, id, at("2026-12-05T00:00:00Z"), &e), -1);
    assert_string_equal(e.reason, "invoice_immutable");
    /* audit rows through svc/audit.h: business-clock instant, scope, tenant = the issuer */
    assert_int_equal(db_prepare(db, "SELECT action, scope, partner_id, at, after FROM audit_log"
                                    " WHERE object_type = 'invoice' ORDER BY id", &q, &e), 0);
    assert_int_equal(db_step(q, &e), DB_ROW);
    assert_string_equal(db_column_text(q, 0), "invoice.finalize");
    assert_string_equal(db_column_text(q, 1), "installation");
    assert_string_equal(db_column_text(q, 2), "prt_P");
    assert_int_equal(db_column_int64(q, 3), at("2026-12-01T06:00:00Z"));
    assert_non_null(strstr(db_column_text(q, 4), "\"number\":\"INV-2026-000001\""));
    assert_int_equal(db_step(q, &e), DB_ROW);
    assert_string_equal(db_column_text(q, 0), "invoice.credit_note");
    assert_int_equal(db_step(q, &e), DB_ROW);
    assert_string_equal(db_column_text(q, 0), "invoice.paid");
    assert_non_null(strstr(db_column_text(q, 4), "\"status\":\"paid\""));
    assert_int_equal(db_step(q, &e), DB_DONE); /* the refused void left no row */
    db_finalize(q);
}

/* How many invoices of `period`, and how many lines on them. */
static void count_invoices(const char *period, int *invoices, int *lines)
{
    char q[256];
    struct db_stmt *st;
    struct err e;

    snprintf(q, sizeof(q), "SELECT COUNT(DISTINCT i.id), COUNT(l.line_no) FROM invoices i"
             " LEFT JOIN invoice_lines l ON l.invoice_id = i.id WHERE i.period = '%s'", period);
    assert_int_equal(db_prepare(db, q, &st, &e), 0);
    assert_int_equal(db_step(st, &e), DB_ROW);
    *invoices = (int)db_column_int64(st, 0);
    *lines = (int)db_column_int64(st, 1);
    db_finalize(st);
}

/*
 * A later month closed before an earlier one (what the concurrent test below meets when the
 * November process takes the lock first): November's close rates October's lines too but
 * leaves them for October's own close, which still makes October's invoices. Before
 * 608ed0d, November swept them in as adjustments and October made none: the concurrent test
 * then found 25 invoices instead of 50, in about one run of four.
 */
static void test_close_order_independent(void **state)
{
    struct close_stats st;
    struct err e;
    int inv, lines;

    (void)state;
    partner("prt_P", "direct", "EUR");
    rule("prt_P", MARGIN_LEVEL_PARTNER, "", "", MARGIN_MARKUP, "20", "2026-01-01");
    for (int i = 0; i < 3; i++) {
        char c[32], s[32];

        snprintf(c, sizeof(c), "cus_%02d", i);
        snprintf(s, sizeof(s), "sub_%02d", i);
        customer(c, "prt_P", NULL, NULL, "EUR");
        subscription(s, "prt_P", c, "PROD1:0001");
        charge(s, "new", "PROD1:0001", "2026-10-01", "2026-10-31", 1, "10.08", "10.08",
               "10.08", "EUR", "EUR", NULL, NULL);
        charge(s, "cycleCharge", "PROD1:0001", "2026-11-01", "2026-11-30", 1, "10.08",
               "10.08", "10.08", "EUR", "EUR", NULL, NULL);
    }
    assert_int_equal(invoice_close(&ctx, "2026-11", false, at("2026-12-01T06:00:00Z"), &st,
                                   &e), 0);
    assert_int_equal(st.rated, 6);
    assert_int_equal(st.invoices, 3);
    assert_int_equal(st.adjustments, 0);
    count_invoices("2026-11", &inv, &lines);
    assert_int_equal(inv, 3);
    assert_int_equal(lines, 3);
    assert_int_equal(invoice_close(&ctx, "2026-10", false, at("2026-12-01T06:00:00Z"), &st,
                                   &e), 0);
    assert_int_equal(st.rated, 0);
    assert_int_equal(st.invoices, 3);
    count_invoices("2026-10", &inv, &lines);
    assert_int_equal(inv, 3);
    assert_int_equal(lines, 3);
    assert_dec(sum("amount", "invoice_id IS NULL"), "0");
    {
        struct db_stmt *q;
        int k = 0;

        assert_int_equal(db_prepare(db, "SELECT series_value FROM invoices ORDER BY"
                                        " series_value", &q, &e), 0);
        while (db_step(q, &e) == DB_ROW)
            assert_int_equal(db_column_int64(q, 0), ++k);
        db_finalize(q);
        assert_int_equal(k, 6);
    }
}

/*
 * Drafts are rebuilt: a draft close, a late charge, a second draft close (the older lines
 * come off the dropped draft and join the new line on one draft, in date order), then the
 * real close numbers them. Chain of chain_setup: prt_R's customer invoice is 161.73 before
 * the late line; S3 from Nov 25 adds 13.31 (reseller 11.09).
 */
static void test_draft_rebuild(void **state)
{
    struct close_stats st;
    struct invoice inv;
    struct err e;
    struct db_stmt *q;
    char id[ID_MAXLEN];
    int n, lines;

    (void)state;
    chain_setup();
    assert_int_equal(invoice_close(&ctx, "2026-11", true, at("2026-11-28T06:00:00Z"), &st,
                                   &e), 0);
    assert_int_equal(st.rated, 10);
    assert_int_equal(st.invoices, 2);
    count_invoices("2026-11", &n, &lines);
    assert_int_equal(n, 2);
    assert_int_equal(lines, 10);
    subscription("sub_S3", "prt_D", "cus_C", "PROD1:0001");
    charge("sub_S3", "new", "PROD1:0001", "2026-11-25", "2026-12-24", 1, "10.08", "10.08",
           "10.08", "EUR", "EUR", NULL, NULL);
    assert_int_equal(invoice_close(&ctx, "2026-11", true, at("2026-11-29T06:00:00Z"), &st,
                                   &e), 0);
    assert_int_equal(st.rated, 2);
    assert_int_equal(st.invoices, 2);
    count_invoices("2026-11", &n, &lines);
    assert_int_equal(n, 2); /* the first drafts are gone */
    assert_int_equal(lines, 12);
    assert_int_equal(db_prepare(db, "SELECT id FROM invoices WHERE customer_id = 'cus_C'", &q,
                                &e), 0);
    assert_int_equal(db_step(q, &e), DB_ROW);
    snprintf(id, sizeof(id), "%s", db_column_text(q, 0));
    db_finalize(q);
    assert_int_equal(repo_invoice_get(db, &all, id, &inv, &e), 0);
    assert_int_equal(inv.status, INV_DRAFT);
    assert_string_equal(inv.number, "");
    assert_int_equal((int)inv.nlines, 6);
    assert_dec(inv.subtotal, "175.04");
    for (size_t i = 1; i < inv.nlines; i++)
        assert_true(date_cmp(inv.lines[i - 1].start, inv.lines[i].start) <= 0);
    assert_int_equal(inv.lines[5].start.day, 25); /* S3 from Nov 25: last */
    assert_dec(inv.lines[5].amount, "13.31");
    invoice_release(&inv);
    /* the real close finalizes from scratch: numbers 1 of each issuer, nothing left open */
    assert_int_equal(invoice_close(&ctx, "2026-11", false, at("2026-12-01T06:00:00Z"), &st,
                                   &e), 0);
    assert_int_equal(st.rated, 0);
    assert_int_equal(st.invoices, 2);
    count_invoices("2026-11", &n, &lines);
    assert_int_equal(n, 2);
    assert_int_equal(lines, 12);
    assert_dec(sum("amount", "invoice_id IS NULL"), "0");
    assert_dec(sum("amount", "tier = 'reseller'"), "146.00");
    assert_int_equal(db_prepare(db, "SELECT COUNT(*) FROM invoices WHERE status = 'finalized'"
                                    " AND number = 'INV-2026-000001'", &q, &e), 0);
    assert_int_equal(db_step(q, &e), DB_ROW);
    assert_int_equal(db_column_int64(q, 0), 2);
    db_finalize(q);
}

/* Gapless numbering under concurrent closes: three processes, one file database. */
static void test_concurrent_numbering(void **state)
{
    char path[] = "/tmp/cspd-invoice-XXXXXX";
    char url[64];
    const char *periods[] = {"2026-10", "2026-11", "2026-11", "2026-10"};
    struct db *fdb;
    struct db_stmt *q;
    struct err e;
    int fd, status, n = 0;
    pid_t kids[4];

    (void)state;
    fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    snprintf(url, sizeof(url), "%s", path);
    db_close(db);
    assert_int_equal(db_open(url, &db, &e), 0);
    assert_int_equal(db_migrate(db, &e), 0);
    partner("prt_P", "direct", "EUR");
    rule("prt_P", MARGIN_LEVEL_PARTNER, "", "", MARGIN_MARKUP, "20", "2026-01-01");
    sql("BEGIN");
    for (int i = 0; i < 25; i++) {
        char c[32], s[32];

        snprintf(c, sizeof(c), "cus_%02d", i);
        snprintf(s, sizeof(s), "sub_%02d", i);
        customer(c, "prt_P", NULL, NULL, "EUR");
        subscription(s, "prt_P", c, "PROD1:0001");
        charge(s, "new", "PROD1:0001", "2026-10-01", "2026-10-31", 1, "10.08", "10.08",
               "10.08", "EUR", "EUR", NULL, NULL);
        charge(s, "cycleCharge", "PROD1:0001", "2026-11-01", "2026-11-30", 1, "10.08",
               "10.08", "10.08", "EUR", "EUR", NULL, NULL);
    }
    sql("COMMIT");
    db_close(db);
    db = NULL;
    for (int k = 0; k < 4; k++) {
        kids[k] = fork();
        assert_true(kids[k] >= 0);
        if (kids[k] == 0) {
            struct bill_ctx c = {0};
            struct close_stats st;
            struct err ce;
            int rc;

            if (db_open(url, &fdb, &ce) < 0) {
                fprintf(stderr, "child %d: open: %s\n", k, ce.msg);
                _exit(3);
            }
            c.db = fdb;
            rc = invoice_close(&c, periods[k], false, at("2026-12-01T06:00:00Z"), &st, &ce);
            if (rc < 0)
                fprintf(stderr, "child %d: close %s: %s\n", k, periods[k], ce.msg);
            db_close(fdb);
            _exit(rc == 0 ? 0 : 4);
        }
    }
    for (int k = 0; k < 4; k++) {
        assert_int_equal(waitpid(kids[k], &status, 0), kids[k]);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }
    assert_int_equal(db_open(url, &db, &e), 0);
    /* 50 invoices (25 per period, each period once), numbered 1..50 without a gap */
    assert_int_equal(db_prepare(db, "SELECT series_value, number FROM invoices ORDER BY"
                                    " series_value", &q, &e), 0);
    while (db_step(q, &e) == DB_ROW) {
        char want[32];

        n++;
        assert_int_equal(db_column_int64(q, 0), n);
        snprintf(want, sizeof(want), "INV-2026-%06d", n);
        assert_string_equal(db_column_text(q, 1), want);
    }
    db_finalize(q);
    assert_int_equal(n, 50);
    unlink(path);
    {
        char side[64];

        snprintf(side, sizeof(side), "%s-wal", path);
        unlink(side);
        snprintf(side, sizeof(side), "%s-shm", path);
        unlink(side);
    }
}

/* The customer's invoice as PDF, read back with pdftotext (poppler-utils) for its totals. */
static void test_pdf_roundtrip(void **state)
{
    struct close_stats st;
    struct invoice inv;
    struct err e;
    struct db_stmt *q;
    char id[ID_MAXLEN], path[] = "/tmp/cspd-pdf-XXXXXX", cmd[128], txt[8192];
    char *pdf = NULL, *csv = NULL;
    size_t len, clen, got;
    FILE *f;
    int fd;

    (void)state;
    chain_setup();
    assert_int_equal(repo_invoice_put_settings(db, "prt_R", "Reseller R GmbH", "#0A7F3F",
                                               "/nonexistent/logo.png", "1 Hauptstr.\nBerlin",
                                               "DE123", "Thank you", 14, "half_up", 0, &e), 0);
    assert_int_equal(repo_invoice_put_profile(db, "cus_C", "Contoso AG", "5 Ring\n10115 Berlin",
                                              "DE", NULL, NULL, NULL, NULL, 0, 0, &e), 0);
    assert_int_equal(invoice_close(&ctx, "2026-11", false, at("2026-12-01T06:00:00Z"), &st,
                                   &e), 0);
    assert_int_equal(db_prepare(db, "SELECT id FROM invoices WHERE customer_id = 'cus_C'", &q,
                                &e), 0);
    assert_int_equal(db_step(q, &e), DB_ROW);
    snprintf(id, sizeof(id), "%s", db_column_text(q, 0));
    db_finalize(q);
    assert_int_equal(repo_invoice_get(db, &all, id, &inv, &e), 0);
    assert_int_equal(inv.payment_terms_days, 14);
    if (export_invoice_pdf(&inv, &pdf, &len, &e) < 0)
        fail_msg("pdf: %s", e.msg);
    assert_int_equal(export_invoice_csv(&inv, &csv, &clen, &e), 0);
    assert_non_null(strstr(csv, "cspd_invoice_csv_v1"));
    assert_non_null(strstr(csv, ",133.1,"));
    free(csv);
    invoice_release(&inv);
    assert_true(len > 500);
    assert_memory_equal(pdf, "%PDF-", 5);
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, pdf, len), (ssize_t)len);
    close(fd);
    free(pdf);
    snprintf(cmd, sizeof(cmd), "pdftotext -layout %s -", path);
    f = popen(cmd, "r");
    assert_non_null(f);
    got = fread(txt, 1, sizeof(txt) - 1, f);
    txt[got] = '\0';
    assert_int_equal(pclose(f), 0);
    unlink(path);
    assert_non_null(strstr(txt, "Reseller R GmbH"));
    assert_non_null(strstr(txt, "INV-2026-000001"));
    assert_non_null(strstr(txt, "Contoso AG"));
    assert_non_null(strstr(txt, "161.73"));
    assert_non_null(strstr(txt, "VAT 19%"));
    assert_non_null(strstr(txt, "30.72"));
    assert_non_null(strstr(txt, "192.45"));
    assert_non_null(strstr(txt, "-84.29"));
}

/*
 * Amounts print in the currency's minor unit: a JPY invoice (no minor unit) shows 10414, not
 * 10414.00; a EUR one keeps its cents. Built in memory: the PDF writer is what is tested.
 *   1 line: 2 seats x 5,207 JPY = 10,414 JPY; no tax; total 10,414.
 */
static void test_pdf_minor_units(void **state)
{
    struct invoice inv;
    struct invoice_line l;
    struct err e;
    char path[] = "/tmp/cspd-pdf-XXXXXX", cmd[128], txt[8192], *pdf = NULL;
    size_t len, got;
    FILE *f;
    int fd;

    (void)state;
    invoice_init(&inv);
    snprintf(inv.number, sizeof(inv.number), "INV-2026-000007");
    snprintf(inv.period, sizeof(inv.period), "2026-11");
    snprintf(inv.currency, sizeof(inv.currency), "JPY");
    snprintf(inv.bill_to.name, sizeof(inv.bill_to.name), "Tailspin KK");
    snprintf(inv.issuer.name, sizeof(inv.issuer.name), "Reseller R GmbH");
    inv.status = INV_FINALIZED;
    memset(&l, 0, sizeof(l));
    snprintf(l.description, sizeof(l.description), "PROD1:0001, 2026-11-01 to 2026-11-30");
    snprintf(l.sku, sizeof(l.sku), "PROD1:0001");
    l.quantity = dec_from_i64(2);
    l.unit_price = dec_from_i64(5207);
    l.amount = inv.subtotal = inv.total = dec_from_i64(10414);
    assert_int_equal(invoice_add_line(&inv, &l, &e), 0);
    if (export_invoice_pdf(&inv, &pdf, &len, &e) < 0)
        fail_msg("pdf: %s", e.msg);
    invoice_release(&inv);
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, pdf, len), (ssize_t)len);
    close(fd);
    free(pdf);
    snprintf(cmd, sizeof(cmd), "pdftotext -layout %s -", path);
    f = popen(cmd, "r");
    assert_non_null(f);
    got = fread(txt, 1, sizeof(txt) - 1, f);
    txt[got] = '\0';
    assert_int_equal(pclose(f), 0);
    unlink(path);
    assert_non_null(strstr(txt, "10414"));
    assert_non_null(strstr(txt, "5207"));
    assert_null(strstr(txt, "10414.00"));
    assert_null(strstr(txt, "5207.00"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_two_tier_chain, open_db, close_db),
        cmocka_unit_test_setup_teardown(test_late_charge_adjustment, open_db, close_db),
        cmocka_unit_test_setup_teardown(test_rating_marks, open_db, close_db),
        cmocka_unit_test_setup_teardown(test_currency_conversion, open_db, close_db),
        cmocka_unit_test_setup_teardown(test_alert_credit_status, open_db, close_db),
        cmocka_unit_test_setup_teardown(test_close_order_independent, open_db, close_db),
        cmocka_unit_test_setup_teardown(test_draft_rebuild, open_db, close_db),
        cmocka_unit_test_setup_teardown(test_concurrent_numbering, open_db, close_db),
        cmocka_unit_test_setup_teardown(test_pdf_roundtrip, open_db, close_db),
        cmocka_unit_test(test_pdf_minor_units),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
