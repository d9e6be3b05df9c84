/*
 * tests/unit/test_invoice_anchor.c — the close, late lines, the daily close step, invoice
 * exports and the setting itself with billing periods anchored on day 15 (docs/billing.md
 * "Billing periods"), on a real store. Every figure is worked by hand below.
 *
 * Direct-bill partner prt_P (EUR) bills customer cus_M (EUR, no tax rate: 0%) with a
 * partner-wide markup of 10%; prt_P's periods start on the 15th: 2026-11 is 2026-11-15 ..
 * 2026-12-14. Microsoft's lines (full-cycle types, so the amount is unit x quantity):
 *
 *   #  subscription  type         start .. end             qty unit   MS     prt_P price
 *   1  sub_M PROD1   new          2026-10-14 .. 2026-11-13  2  10.00  20.00  11.00x2 = 22.00
 *   2  sub_M PROD1   cycleCharge  2026-11-14 .. 2026-12-13  2  10.00  20.00  11.00x2 = 22.00
 *   3  sub_M PROD1   cycleCharge  2026-12-14 .. 2027-01-13  3  10.00  30.00  11.00x3 = 33.00
 *   4  sub_N PROD2   new          2026-11-15 .. 2026-12-14  1  30.00  30.00  33.00x1 = 33.00
 *   5  sub_O PROD3   new          2026-12-15 .. 2027-01-14  1  40.00  40.00  44.00x1 = 44.00
 *   (10.00 x 1.10 = 11.00; 30.00 x 1.10 = 33.00; 40.00 x 1.10 = 44.00; exact, no rounding.)
 *
 * Periods with D = 15 (a start day < 15 belongs to the month before):
 *   1 -> 2026-09 (14 Oct), 2 -> 2026-10 (14 Nov, the day before the anchor),
 *   3 -> 2026-11 (14 Dec, the period's last day), 4 -> 2026-11 (15 Nov, the anchor),
 *   5 -> 2026-12 (15 Dec, after the period).
 * Close of 2026-11 on 2026-12-15: rates lines starting on or before 2026-12-14 (1-4: 4 rated
 * lines); its invoice takes 3 and 4: 33.00 + 33.00 = 66.00; 1 and 2 wait for their periods'
 * own closes (not closed); 5 is not rated.
 * The same data on calendar months (D = 1): lines starting on or before 2026-11-30 (1, 2, 4:
 * 3 rated); 2026-11's invoice takes 2 and 4: 22.00 + 33.00 = 55.00; 1 is 2026-10's.
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
#include "svc/invoice_svc.h"

#include "billing_fixture.h"

static void anchored_setup(int period_day)
{
    struct billing_days d;
    struct err e;

    partner("prt_P", "direct", "EUR");
    customer("cus_M", "prt_P", NULL, NULL, "EUR");
    subscription("sub_M", "prt_P", "cus_M", "PROD1:0001");
    subscription("sub_N", "prt_P", "cus_M", "PROD2:0001");
    subscription("sub_O", "prt_P", "cus_M", "PROD3:0001");
    rule("prt_P", MARGIN_LEVEL_PARTNER, "", "", MARGIN_MARKUP, "10", "2026-01-01");
    if (period_day != 1 && invoice_days_set(&ctx, "prt_P", period_day, 0, 0, &d, &e) < 0)
        fail_msg("period day: %s", e.msg);
    charge("sub_M", "new", "PROD1:0001", "2026-10-14", "2026-11-13", 2, "10.00", "10.00",
           "20.00", "EUR", "EUR", NULL, NULL);
    charge("sub_M", "cycleCharge", "PROD1:0001", "2026-11-14", "2026-12-13", 2, "10.00",
           "10.00", "20.00", "EUR", "EUR", NULL, NULL);
    charge("sub_M", "cycleCharge", "PROD1:0001", "2026-12-14", "2027-01-13", 3, "10.00",
           "10.00", "30.00", "EUR", "EUR", NULL, NULL);
    charge("sub_N", "new", "PROD2:0001", "2026-11-15", "2026-12-14", 1, "30.00", "30.00",
           "30.00", "EUR", "EUR", NULL, NULL);
    charge("sub_O", "new", "PROD3:0001", "2026-12-15", "2027-01-14", 1, "40.00", "40.00",
           "40.00", "EUR", "EUR", NULL, NULL);
}

/* One value of a query (text), "" when no row. */
static const char *one(const char *q)
{
    static char out[256];
    struct db_stmt *st;
    struct err e;

    out[0] = '\0';
    assert_int_equal(db_prepare(db, q, &st, &e), 0);
    if (db_step(st, &e) == DB_ROW && !db_column_is_null(st, 0))
        snprintf(out, sizeof(out), "%s", db_column_text(st, 0));
    db_finalize(st);
    return out;
}

static int count(const char *q)
{
    return atoi(one(q));
}

/* The period of charge #k's rated line ("" when not rated). */
static const char *period_of_charge(int k)
{
    char q[160];

    snprintf(q, sizeof(q), "SELECT period FROM rated_lines WHERE charge_id = 'chg_%04d'", k);
    return one(q);
}

static void test_close_picks_the_anchored_period(void **state)
{
    struct close_stats st;
    struct err e;

    (void)state;
    anchored_setup(15);
    /* 2026-11-14: prt_P's 2026-11 starts tomorrow: left out, nothing written */
    assert_int_equal(invoice_close(&ctx, "2026-11", false, at("2026-11-14T23:00:00Z"), &st, &e),
                     0);
    assert_int_equal(st.not_started, 1);
    assert_int_equal(st.issuers, 0);
    assert_int_equal(count("SELECT COUNT(*) FROM rated_lines"), 0);

    if (invoice_close(&ctx, "2026-11", false, at("2026-12-15T06:00:00Z"), &st, &e) < 0)
        fail_msg("close: %s", e.msg);
    assert_int_equal(st.issuers, 1);
    assert_int_equal(st.rated, 4); /* lines 1-4; line 5 starts after 2026-12-14 */
    assert_int_equal(st.invoices, 1);
    assert_int_equal(st.adjustments, 0);
    assert_string_equal(period_of_charge(1), "2026-09");
    assert_string_equal(period_of_charge(2), "2026-10"); /* 14 Nov: the day before the anchor */
    assert_string_equal(period_of_charge(3), "2026-11"); /* 14 Dec: the period's last day */
    assert_string_equal(period_of_charge(4), "2026-11"); /* 15 Nov: the anchor */
    assert_string_equal(period_of_charge(5), "");        /* not rated */
    /* the invoice: lines 3 and 4, 33.00 + 33.00 = 66.00, tax 0 */
    assert_string_equal(one("SELECT total FROM invoices WHERE period = '2026-11'"), "66");
    assert_int_equal(count("SELECT COUNT(*) FROM invoice_lines l JOIN invoices i ON"
                           " i.id = l.invoice_id WHERE i.period = '2026-11'"), 2);
    assert_string_equal(one("SELECT group_concat(r.charge_id) FROM (SELECT charge_id FROM"
                            " rated_lines WHERE invoice_id IS NOT NULL ORDER BY charge_id) r"),
                        "chg_0003,chg_0004");
    assert_int_equal(count("SELECT COUNT(*) FROM rated_lines WHERE invoice_id IS NULL"), 2);

    /* running the close twice changes nothing */
    assert_int_equal(invoice_close(&ctx, "2026-11", false, at("2026-12-16T06:00:00Z"), &st, &e),
                     0);
    assert_int_equal(st.already_closed, 1);
    assert_int_equal(st.rated, 0);
    assert_int_equal(st.invoices, 0);
    assert_int_equal(count("SELECT COUNT(*) FROM rated_lines"), 4);
    assert_int_equal(count("SELECT COUNT(*) FROM invoices"), 1);

    /* 2026-10 (2026-10-15 .. 2026-11-14) closed later takes line 2 (22.00); line 1 (2026-09)
     * still waits */
    assert_int_equal(invoice_close(&ctx, "2026-10", false, at("2026-12-16T06:00:00Z"), &st, &e),
                     0);
    assert_int_equal(st.invoices, 1);
    assert_string_equal(one("SELECT total FROM invoices WHERE period = '2026-10'"), "22");
    assert_int_equal(count("SELECT COUNT(*) FROM rated_lines WHERE invoice_id IS NULL"), 1);
}

/* The control: the same data on calendar months gives today's invoice (55.00, not 66.00). */
static void test_calendar_months_unchanged(void **state)
{
    struct close_stats st;
    struct err e;

    (void)state;
    anchored_setup(1);
    if (invoice_close(&ctx, "2026-11", false, at("2026-12-15T06:00:00Z"), &st, &e) < 0)
        fail_msg("close: %s", e.msg);
    assert_int_equal(st.rated, 3); /* lines 1, 2, 4 start on or before 2026-11-30 */
    assert_string_equal(period_of_charge(1), "2026-10");
    assert_string_equal(period_of_charge(2), "2026-11");
    assert_string_equal(period_of_charge(4), "2026-11");
    assert_string_equal(one("SELECT total FROM invoices WHERE period = '2026-11'"), "55");
}

/*
 * A late Microsoft line for a closed anchored period lands on the next period's invoice as an
 * adjustment: sub_Q PROD4 new 2026-11-20 .. 2026-12-19, 1 x 10.00 -> 11.00, period 2026-11
 * (closed); 2026-12 (2026-12-15 .. 2027-01-14) closed on 2027-01-15 takes line 5 (44.00) and
 * the adjustment (11.00): 55.00.
 */
static void test_late_line_is_an_adjustment(void **state)
{
    struct close_stats st;
    struct err e;

    (void)state;
    anchored_setup(15);
    assert_int_equal(invoice_close(&ctx, "2026-11", false, at("2026-12-15T06:00:00Z"), &st, &e),
                     0);
    subscription("sub_Q", "prt_P", "cus_M", "PROD4:0001");
    charge("sub_Q", "new", "PROD4:0001", "2026-11-20", "2026-12-19", 1, "10.00", "10.00",
           "10.00", "EUR", "EUR", NULL, NULL);
    if (invoice_close(&ctx, "2026-12", false, at("2027-01-15T06:00:00Z"), &st, &e) < 0)
        fail_msg("close: %s", e.msg);
    assert_int_equal(st.adjustments, 1);
    assert_string_equal(period_of_charge(6), "2026-11");
    assert_string_equal(one("SELECT total FROM invoices WHERE period = '2026-12'"), "55");
    /* the line says which period it adjusts */
    assert_int_equal(count("SELECT COUNT(*) FROM invoice_lines l JOIN invoices i ON"
                           " i.id = l.invoice_id WHERE i.period = '2026-12' AND l.adjustment = 1"
                           " AND l.description = 'Adjustment 2026-11: PROD4:0001, 2026-11-20"
                           " to 2026-12-19'"), 1);
}

/*
 * The daily step: prt_P (D = 15, close day 15) and prt_Q (calendar months, close day 1;
 * one line 2026-11-03 .. 2026-12-02, 1 x 10.00 -> 11.00 at cost: no rule).
 *   2026-12-14: prt_Q closes 2026-11; prt_P: 14 < 15, nothing.
 *   (15 and 16 missed)
 *   2026-12-17: prt_P catches up: its 2026-11 (ended 2026-12-14) -> 66.00; prt_Q already.
 *   2026-12-18: both already closed, nothing new.
 */
static void test_daily_step(void **state)
{
    struct close_stats st;
    struct billing_days d;
    char period[INVOICE_PERIOD_MAX];
    struct err e;

    (void)state;
    anchored_setup(15);
    assert_int_equal(invoice_days_set(&ctx, "prt_P", 0, 15, 0, &d, &e), 0);
    partner("prt_Q", "direct", "EUR");
    customer("cus_Q", "prt_Q", NULL, NULL, "EUR");
    subscription("sub_Q1", "prt_Q", "cus_Q", "PROD9:0001");
    charge("sub_Q1", "new", "PROD9:0001", "2026-11-03", "2026-12-02", 1, "10.00", "10.00",
           "10.00", "EUR", "EUR", NULL, NULL);

    assert_int_equal(invoice_close_due(&ctx, (struct date){2026, 12, 14},
                                       at("2026-12-14T00:00:00Z"), period, &st, &e), 0);
    assert_string_equal(period, "2026-11");
    assert_int_equal(st.issuers, 1);
    assert_int_equal(st.invoices, 1);
    assert_string_equal(one("SELECT group_concat(issuer_partner_id || ':' || period) FROM"
                            " billing_closes"), "prt_Q:2026-11");

    assert_int_equal(invoice_close_due(&ctx, (struct date){2026, 12, 17},
                                       at("2026-12-17T00:00:00Z"), period, &st, &e), 0);
    assert_int_equal(st.issuers, 2);
    assert_int_equal(st.already_closed, 1);
    assert_int_equal(st.invoices, 1);
    assert_string_equal(one("SELECT total FROM invoices WHERE issuer_partner_id = 'prt_P'"),
                        "66");
    assert_string_equal(one("SELECT issued_on FROM invoices WHERE issuer_partner_id ="
                            " 'prt_P'"), "2026-12-17");

    assert_int_equal(invoice_close_due(&ctx, (struct date){2026, 12, 18},
                                       at("2026-12-18T00:00:00Z"), period, &st, &e), 0);
    assert_int_equal(st.already_closed, 2);
    assert_int_equal(st.invoices, 0);
    assert_int_equal(count("SELECT COUNT(*) FROM billing_closes"), 2);
}

/* The invoice shows the anchored period's dates: JSON period_start/_end, the PDF's text. */
static void test_invoice_shows_the_dates(void **state)
{
    struct close_stats st;
    struct invoice inv;
    struct err e;
    char id[ID_MAXLEN], *pdf = NULL;
    const char *want = "Period: 15 Nov 2026 - 14 Dec 2026";
    size_t len;
    json_t *j;

    (void)state;
    anchored_setup(15);
    assert_int_equal(invoice_close(&ctx, "2026-11", false, at("2026-12-15T06:00:00Z"), &st, &e),
                     0);
    snprintf(id, sizeof(id), "%s", one("SELECT id FROM invoices"));
    assert_int_equal(repo_invoice_get(db, &all, id, &inv, &e), 0);
    assert_int_equal(inv.issuer.period_day, 15);
    /* due date: issue date + 30 days (the default terms): 2026-12-15 + 30 = 2027-01-14 */
    assert_int_equal(inv.due_on.year, 2027);
    assert_int_equal(inv.due_on.month, 1);
    assert_int_equal(inv.due_on.day, 14);
    j = export_invoice_json(&inv, false);
    assert_string_equal(json_string_value(json_object_get(j, "period")), "2026-11");
    assert_string_equal(json_string_value(json_object_get(j, "period_start")), "2026-11-15");
    assert_string_equal(json_string_value(json_object_get(j, "period_end")), "2026-12-14");
    json_decref(j);
    assert_int_equal(export_invoice_pdf(&inv, &pdf, &len, &e), 0);
    assert_non_null(memmem(pdf, len, want, strlen(want)));
    free(pdf);
    invoice_release(&inv);
}

/* Setting the period day: 1..28, and never once the issuer has billed. */
static void test_setting_rules(void **state)
{
    struct scope other = {.kind = SCOPE_PARTNER, .role = ROLE_BILLING};
    struct bill_ctx as_other = ctx;
    struct billing_days d;
    struct close_stats st;
    struct err e;

    (void)state;
    partner("prt_P", "direct", "EUR");
    partner("prt_Q", "direct", "EUR");
    assert_int_equal(invoice_days_get(&ctx, "prt_P", &d, &e), 0);
    assert_int_equal(d.period_day, 1); /* no billing_settings row: calendar months */
    assert_int_equal(d.close_day, 1);
    assert_int_equal(invoice_days_set(&ctx, "prt_P", 29, 0, 0, &d, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_string_equal(e.field, "period_day");
    assert_int_equal(invoice_days_set(&ctx, "prt_P", -3, 0, 0, &d, &e), -1);
    assert_string_equal(e.field, "period_day");
    assert_int_equal(invoice_days_set(&ctx, "prt_P", 0, 29, 0, &d, &e), -1);
    assert_string_equal(e.field, "close_day");
    assert_int_equal(invoice_days_set(&ctx, "prt_X", 15, 0, 0, &d, &e), -1);
    assert_int_equal(e.code, ERR_NOT_FOUND);
    /* another partner's staff: not found */
    snprintf(other.partner_id, sizeof(other.partner_id), "prt_Q");
    as_other.scope = &other;
    assert_int_equal(invoice_days_set(&as_other, "prt_P", 15, 0, 0, &d, &e), -1);
    assert_int_equal(e.code, ERR_NOT_FOUND);

    /* before billing: free to change, audited */
    assert_int_equal(invoice_days_set(&ctx, "prt_P", 15, 0, 0, &d, &e), 0);
    assert_int_equal(d.period_day, 15);
    assert_int_equal(invoice_days_set(&ctx, "prt_P", 10, 0, 0, &d, &e), 0);
    assert_int_equal(invoice_days_set(&ctx, "prt_P", 15, 0, 0, &d, &e), 0);
    assert_int_equal(count("SELECT COUNT(*) FROM audit_log WHERE action ="
                           " 'billing_settings.update'"), 3);

    /*
     * Closes with nothing to bill (the daily step closes every issuer's due period) do not pin
     * it. With D = 15, 2026-10 (10-15 .. 11-14) and 2026-11 (11-15 .. 12-14) closed empty on
     * 2026-11-16; back to D = 1 on 2026-11-20: the period holding that day is 2026-11, so its
     * close is reopened (the step will close the calendar month); 2026-10 stays closed.
     */
    assert_int_equal(invoice_close(&ctx, "2026-10", false, at("2026-11-16T06:00:00Z"), &st, &e),
                     0);
    assert_int_equal(invoice_close(&ctx, "2026-11", false, at("2026-11-16T06:00:00Z"), &st, &e),
                     0);
    assert_int_equal(count("SELECT COUNT(*) FROM billing_closes WHERE invoices = 0 AND"
                           " issuer_partner_id = 'prt_P'"), 2);
    assert_int_equal(invoice_days_set(&ctx, "prt_P", 1, 0, at("2026-11-20T00:00:00Z"), &d, &e),
                     0);
    assert_string_equal(one("SELECT group_concat(period) FROM billing_closes WHERE"
                            " issuer_partner_id = 'prt_P'"), "2026-10");

    /* once a line is rated: the anchor stays, the close day may still move */
    customer("cus_M", "prt_P", NULL, NULL, "EUR");
    subscription("sub_M", "prt_P", "cus_M", "PROD1:0001");
    charge("sub_M", "new", "PROD1:0001", "2026-11-01", "2026-11-30", 1, "10.00", "10.00",
           "10.00", "EUR", "EUR", NULL, NULL);
    assert_int_equal(invoice_close(&ctx, "2026-11", false, at("2026-12-01T06:00:00Z"), &st, &e),
                     0);
    assert_int_equal(st.rated, 1);
    assert_int_equal(invoice_days_set(&ctx, "prt_P", 15, 0, 0, &d, &e), -1);
    assert_int_equal(e.code, ERR_CONFLICT);
    assert_string_equal(e.reason, "period_day_in_use");
    assert_string_equal(e.field, "period_day");
    assert_non_null(strstr(e.msg, "2026-11"));
    assert_int_equal(invoice_days_get(&ctx, "prt_P", &d, &e), 0);
    assert_int_equal(d.period_day, 1);
    assert_int_equal(invoice_days_set(&ctx, "prt_P", 1, 20, 0, &d, &e), 0); /* same day: ok */
    assert_int_equal(d.close_day, 20);
    assert_int_equal(count("SELECT COUNT(*) FROM audit_log WHERE action ="
                           " 'billing_settings.update'"), 5);
}

/* Rated lines without a close (a draft close) also pin the anchor. */
static void test_draft_pins_the_anchor(void **state)
{
    struct billing_days d;
    struct close_stats st;
    struct err e;

    (void)state;
    anchored_setup(15);
    assert_int_equal(invoice_close(&ctx, "2026-11", true, at("2026-12-15T06:00:00Z"), &st, &e),
                     0);
    assert_int_equal(count("SELECT COUNT(*) FROM billing_closes"), 0);
    assert_int_equal(invoice_days_set(&ctx, "prt_P", 1, 0, 0, &d, &e), -1);
    assert_string_equal(e.reason, "period_day_in_use");
    assert_non_null(strstr(e.msg, "2026-09")); /* the earliest period it has rated */
}

/*
 * A chain on two period days: distributor prt_D on calendar months, reseller prt_R on the
 * 15th (billing_fixture.h's chain, plus S1 cycleCharge 2026-12-05 .. 2027-01-04). prt_D
 * closes 2026-11 first (lines up to 11-30); prt_R's 2026-11 runs to 12-14, so its close rates
 * the December line for both tiers: prt_D's line to prt_R takes prt_D's period (2026-12),
 * prt_R's line to cus_C its own (12-05 < 15: 2026-11). The November lines (11-01, 11-05,
 * 11-12, all before the 15th) are prt_R's 2026-10 and prt_D's 2026-11.
 */
static void test_chain_lines_take_their_sellers_periods(void **state)
{
    struct billing_days d;
    struct close_stats st;
    struct err e;

    (void)state;
    chain_setup();
    charge("sub_S1", "cycleCharge", "PROD1:0001", "2026-12-05", "2027-01-04", 10, "10.08",
           "10.08", "100.80", "EUR", "EUR", NULL, NULL);
    assert_int_equal(invoice_days_set(&ctx, "prt_R", 15, 0, 0, &d, &e), 0);
    if (invoice_close(&ctx, "2026-11", false, at("2026-12-15T06:00:00Z"), &st, &e) < 0)
        fail_msg("close: %s", e.msg);
    assert_string_equal(one("SELECT tier || ':' || period FROM rated_lines WHERE charge_id ="
                            " 'chg_0006' AND seller_id = 'prt_D'"), "reseller:2026-12");
    assert_string_equal(one("SELECT tier || ':' || period FROM rated_lines WHERE charge_id ="
                            " 'chg_0006' AND seller_id = 'prt_R'"), "customer:2026-11");
    assert_string_equal(one("SELECT group_concat(DISTINCT period) FROM rated_lines WHERE"
                            " seller_id = 'prt_R' AND charge_id <> 'chg_0006'"), "2026-10");
    assert_string_equal(one("SELECT group_concat(DISTINCT period) FROM rated_lines WHERE"
                            " seller_id = 'prt_D' AND charge_id <> 'chg_0006'"), "2026-11");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_close_picks_the_anchored_period, open_db,
                                        close_db),
        cmocka_unit_test_setup_teardown(test_calendar_months_unchanged, open_db, close_db),
        cmocka_unit_test_setup_teardown(test_late_line_is_an_adjustment, open_db, close_db),
        cmocka_unit_test_setup_teardown(test_daily_step, open_db, close_db),
        cmocka_unit_test_setup_teardown(test_invoice_shows_the_dates, open_db, close_db),
        cmocka_unit_test_setup_teardown(test_setting_rules, open_db, close_db),
        cmocka_unit_test_setup_teardown(test_draft_pins_the_anchor, open_db, close_db),
        cmocka_unit_test_setup_teardown(test_chain_lines_take_their_sellers_periods, open_db,
                                        close_db),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
