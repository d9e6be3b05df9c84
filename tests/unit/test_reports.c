/*
 * tests/unit/test_reports.c — margin reports, TTM revenue, period exports (CSV, XLSX, general
 * ledger) and the margin-rule use cases, on a real store, figures worked by hand.
 *
 * The month is test_invoice.c's two-tier chain (November 2026, EUR; its header works every
 * line): distributor prt_D sells to reseller prt_R, which sells to customer cus_C.
 *   prt_R -> cus_C (customer tier), by product family:
 *     PROD1  revenue 133.10 - 84.29 + 109.58 = 158.39   cost 110.90 - 70.23 + 91.30 = 131.97
 *            margin 26.42
 *     PROD2  revenue 25.00 - 21.66 = 3.34               cost 22.00 - 19.06 = 2.94   margin 0.40
 *     total  161.73 / 134.91 / 26.82; margin % = 26.82 / 161.73 = 16.583 -> 16.58
 *   prt_D -> prt_R (reseller tier):
 *     PROD1  131.97 / 119.95 / 12.02    PROD2  2.94 / 2.67 / 0.27
 *     total  134.91 / 122.62 / 12.29; margin % = 9.1098 -> 9.11
 *   TTM in USD (EUR->USD 1.10 from 2026-11-01), per start day, each day's sum rounded:
 *     prt_R  Nov 1: 133.10 + 25.00 = 158.10 -> 173.91; Nov 5: -21.66 -> -23.826 -> -23.83;
 *            Nov 12: -84.29 + 109.58 = 25.29 -> 27.819 -> 27.82;   total 177.90
 *            as of 2027-11-01 (window from 2026-11-02): -23.83 + 27.82 = 3.99
 *     prt_D  Nov 1: 132.90 -> 146.19; Nov 5: -19.06 -> -20.97; Nov 12: 21.07 -> 23.18;
 *            total 148.40
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/id.h"
#include "io/export_period.h"
#include "store/db.h"
#include "store/repo_invoice.h"
#include "store/repo_margin.h"
#include "svc/invoice_report.h"
#include "svc/invoice_rules.h"
#include "svc/invoice_svc.h"
#include "svc/party.h"

#include "billing_fixture.h"

static void closed_chain(void)
{
    struct close_stats st;
    struct err e;

    chain_setup();
    if (invoice_close(&ctx, "2026-11", false, at("2026-12-01T06:00:00Z"), &st, &e) < 0)
        fail_msg("close: %s", e.msg);
    assert_int_equal(st.invoices, 2);
}

static struct date day(const char *s)
{
    struct date d;
    struct err e;

    assert_int_equal(date_parse_cstr(s, &d, &e), 0);
    return d;
}

static struct scope partner_scope(const char *id)
{
    struct scope s;

    memset(&s, 0, sizeof(s));
    s.kind = SCOPE_PARTNER;
    s.role = ROLE_BILLING;
    snprintf(s.partner_id, sizeof(s.partner_id), "%s", id);
    snprintf(s.user_id, sizeof(s.user_id), "usr_test");
    return s;
}

static void check_group(const struct margin_group *g, const char *key, const char *rev,
                        const char *cost, const char *margin, const char *pct)
{
    assert_string_equal(g->key, key);
    assert_string_equal(g->currency, "EUR");
    assert_dec(g->revenue, rev);
    assert_dec(g->cost, cost);
    assert_dec(g->margin, margin);
    if (pct) {
        assert_true(g->has_pct);
        assert_dec(g->margin_pct, pct);
    }
}

static void test_margin_report(void **state)
{
    struct margin_report r;
    struct scope ps = partner_scope("prt_R");
    struct err e;

    (void)state;
    closed_chain();
    /* the reseller's own sales, by product family */
    assert_int_equal(margin_report_run(db, &ps, NULL, day("2026-11-01"), day("2026-11-30"),
                                       REPORT_BY_PRODUCT, &r, &e), 0);
    assert_int_equal(r.ngroups, 2);
    check_group(&r.groups[0], "PROD1", "158.39", "131.97", "26.42", NULL);
    check_group(&r.groups[1], "PROD2", "3.34", "2.94", "0.40", NULL);
    assert_int_equal(r.ntotals, 1);
    check_group(&r.totals[0], "", "161.73", "134.91", "26.82", "16.58");
    assert_int_equal(r.totals[0].lines, 5);
    margin_report_release(&r);
    /* the distributor, by reseller (its buyer) and by product */
    assert_int_equal(margin_report_run(db, &all, "prt_D", day("2026-11-01"),
                                       day("2026-11-30"), REPORT_BY_RESELLER, &r, &e), 0);
    assert_int_equal(r.ngroups, 1);
    check_group(&r.groups[0], "prt_R", "134.91", "122.62", "12.29", "9.11");
    assert_string_equal(r.groups[0].name, "Partner prt_R");
    margin_report_release(&r);
    assert_int_equal(margin_report_run(db, &all, "prt_D", day("2026-11-01"),
                                       day("2026-11-30"), REPORT_BY_PRODUCT, &r, &e), 0);
    check_group(&r.groups[0], "PROD1", "131.97", "119.95", "12.02", NULL);
    check_group(&r.groups[1], "PROD2", "2.94", "2.67", "0.27", NULL);
    margin_report_release(&r);
    /* by customer and by month, reseller's view */
    assert_int_equal(margin_report_run(db, &ps, NULL, day("2026-11-01"), day("2026-11-30"),
                                       REPORT_BY_CUSTOMER, &r, &e), 0);
    assert_int_equal(r.ngroups, 1);
    check_group(&r.groups[0], "cus_C", "161.73", "134.91", "26.82", "16.58");
    margin_report_release(&r);
    assert_int_equal(margin_report_run(db, &ps, NULL, day("2026-10-01"), day("2026-12-31"),
                                       REPORT_BY_MONTH, &r, &e), 0);
    assert_int_equal(r.ngroups, 1);
    check_group(&r.groups[0], "2026-11", "161.73", "134.91", "26.82", NULL);
    margin_report_release(&r);
    /* a range that starts after the first lines: Nov 5 and Nov 12 only */
    assert_int_equal(margin_report_run(db, &ps, NULL, day("2026-11-02"), day("2026-11-30"),
                                       REPORT_BY_MONTH, &r, &e), 0);
    check_group(&r.groups[0], "2026-11", "3.63", "2.01", "1.62", NULL);
    margin_report_release(&r);
    /* all sellers' lines together: both tiers' revenue */
    assert_int_equal(margin_report_run(db, &all, NULL, day("2026-11-01"), day("2026-11-30"),
                                       REPORT_BY_MONTH, &r, &e), 0);
    check_group(&r.totals[0], "", "296.64", "257.53", "39.11", NULL);
    margin_report_release(&r);
    /* a customer has no margin report; to < from is 422 naming "to" */
    ps.kind = SCOPE_CUSTOMER;
    snprintf(ps.customer_id, sizeof(ps.customer_id), "cus_C");
    assert_int_equal(margin_report_run(db, &ps, NULL, day("2026-11-01"), day("2026-11-30"),
                                       REPORT_BY_MONTH, &r, &e), -1);
    assert_int_equal(e.code, ERR_FORBIDDEN);
    assert_int_equal(margin_report_run(db, &all, NULL, day("2026-11-30"), day("2026-11-01"),
                                       REPORT_BY_MONTH, &r, &e), -1);
    assert_string_equal(e.field, "to");
}

static void test_voided_lines_leave_the_report(void **state)
{
    struct margin_report r;
    struct db_stmt *q;
    char id[ID_MAXLEN];
    struct err e;

    (void)state;
    closed_chain();
    assert_int_equal(db_prepare(db, "SELECT id FROM invoices WHERE issuer_partner_id = 'prt_R'",
                                &q, &e), 0);
    assert_int_equal(db_step(q, &e), DB_ROW);
    snprintf(id, sizeof(id), "%s", db_column_text(q, 0));
    db_finalize(q);
    assert_int_equal(invoice_void(&ctx, &all, id, at("2026-12-02T00:00:00Z"), &e), 0);
    assert_int_equal(margin_report_run(db, &all, "prt_R", day("2026-11-01"),
                                       day("2026-11-30"), REPORT_BY_MONTH, &r, &e), 0);
    assert_int_equal(r.ngroups, 0);
    margin_report_release(&r);
}

/* Requirement `req`'s state in prt_R's compliance report on `when` (and the TTM source). */
static void compliance_of(const char *req, const char *when, enum auth_state *state,
                          const char **source, char detail[160])
{
    struct party_compliance c;
    struct err e;

    if (svc_partner_compliance(db, &all, at(when), "prt_R", &c, &e) < 0)
        fail_msg("compliance: %s", e.msg);
    *source = c.ttm_source;
    for (size_t i = 0; i < c.report.n; i++)
        if (strcmp(c.report.results[i].req->id, req) == 0) {
            *state = c.report.results[i].state;
            snprintf(detail, 160, "%s", c.report.results[i].detail);
            return;
        }
    fail_msg("no %s requirement for a reseller", req);
}

static void compliance(const char *when, enum auth_state *state, const char **source,
                       char detail[160])
{
    compliance_of("ttm_revenue", when, state, source, detail);
}

/*
 * program.md §6 "MFA for all admin users of the CSP tenant": prt_R's admin users are its
 * owners and admins that may sign in. One owner with MFA -> met; an admin without -> not met;
 * that admin disabled (users.disabled_at) -> met again: a disabled account is no admin user.
 */
static void test_admin_mfa_ignores_disabled_users(void **state)
{
    enum auth_state st = AUTH_UNKNOWN;
    const char *source;
    char detail[160];

    (void)state;
    chain_setup();
    sql("INSERT INTO users (id, partner_id, email, role, mfa_enabled, created_at)"
        " VALUES ('usr_o', 'prt_R', 'o@r.example', 'owner', 1, 0)");
    compliance_of("admin_mfa", "2026-11-30T12:00:00Z", &st, &source, detail);
    assert_int_equal(st, AUTH_MET);
    sql("INSERT INTO users (id, partner_id, email, role, mfa_enabled, created_at)"
        " VALUES ('usr_a', 'prt_R', 'a@r.example', 'admin', 0, 0)");
    compliance_of("admin_mfa", "2026-11-30T12:00:00Z", &st, &source, detail);
    assert_int_equal(st, AUTH_NOT_MET);
    sql("UPDATE users SET disabled_at = 100 WHERE id = 'usr_a'");
    compliance_of("admin_mfa", "2026-11-30T12:00:00Z", &st, &source, detail);
    assert_int_equal(st, AUTH_MET);
}

/*
 * The program-model authorization check reads TTM revenue from the ledger once the partner has
 * billed (issue 4; program.md §6: an indirect reseller needs USD 1,000): prt_R's ledger TTM on
 * 2026-11-30 is USD 177.90 (header), below 1,000 -> not met, source "ledger". Without a
 * EUR->USD rate the ledger cannot be converted: the recorded figure is used (none recorded ->
 * unknown). A year later the window holds no sales (ledger 0) and a recorded 5,000 -> met.
 */
static void test_ttm_feeds_compliance(void **state)
{
    enum auth_state st = AUTH_MET;
    const char *source = "";
    char detail[160];

    (void)state;
    closed_chain();
    compliance("2026-11-30T12:00:00Z", &st, &source, detail);
    assert_int_equal(st, AUTH_UNKNOWN);
    assert_null(source);
    sql("INSERT INTO exchange_rates VALUES ('EUR', 'USD', '1.10', '2026-11-01')");
    compliance("2026-11-30T12:00:00Z", &st, &source, detail);
    assert_int_equal(st, AUTH_NOT_MET);
    assert_string_equal(source, "ledger");
    assert_non_null(strstr(detail, "177"));
    sql("UPDATE partners SET ttm_revenue_recorded = '5000' WHERE id = 'prt_R'");
    compliance("2027-11-30T12:00:00Z", &st, &source, detail);
    assert_int_equal(st, AUTH_MET);
    assert_string_equal(source, "recorded");
}

static void test_ttm(void **state)
{
    struct dec usd;
    struct err e;

    (void)state;
    closed_chain();
    /* no EUR->USD rate: a stated error naming the currency */
    assert_int_equal(invoice_ttm_revenue_usd(db, "prt_R", day("2026-11-30"), &usd, &e), -1);
    assert_string_equal(e.reason, "no_exchange_rate");
    assert_string_equal(e.field, "currency");
    sql("INSERT INTO exchange_rates VALUES ('EUR', 'USD', '1.10', '2026-11-01')");
    assert_int_equal(invoice_ttm_revenue_usd(db, "prt_R", day("2026-11-30"), &usd, &e), 0);
    assert_dec(usd, "177.90");
    assert_int_equal(invoice_ttm_revenue_usd(db, "prt_D", day("2026-11-30"), &usd, &e), 0);
    assert_dec(usd, "148.40");
    assert_int_equal(invoice_ttm_revenue_usd(db, "prt_R", day("2027-11-01"), &usd, &e), 0);
    assert_dec(usd, "3.99");
    assert_int_equal(invoice_ttm_revenue_usd(db, "prt_R", day("2027-11-30"), &usd, &e), 0);
    assert_dec(usd, "0");
    assert_int_equal(invoice_ttm_revenue_usd(db, "prt_R", day("2026-10-31"), &usd, &e), 0);
    assert_dec(usd, "0");
    /* the inverse pair only: 1 / (1/1.25) */
    sql("DELETE FROM exchange_rates");
    sql("INSERT INTO exchange_rates VALUES ('USD', 'EUR', '0.8', '2026-01-01')");
    assert_int_equal(invoice_ttm_revenue_usd(db, "prt_R", day("2026-11-30"), &usd, &e), 0);
    /* 158.10, -21.66, 25.29 x 1.25 = 197.625, -27.075, 31.6125 -> 197.63 - 27.08 + 31.61 */
    assert_dec(usd, "202.16");
}

/* Debits equal credits per entity and reference, exactly; returns the number of postings. */
static int gl_check(const char *text, int *journals)
{
    char ref[64][80];
    struct dec deb[64], cred[64];
    int nref = 0, rows = 0;
    const char *p = strchr(text, '\n');
    struct err e;

    assert_non_null(p);
    assert_int_equal(strncmp(text, "date,account,debit,credit,reference,memo,currency,entity\r\n",
                             58), 0);
    for (p++; *p; rows++) {
        char line[512], *f[8], key[80], *save = NULL, *tok;
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        int k = 0, r;
        struct dec v;

        assert_true(len < sizeof(line));
        memcpy(line, p, len);
        line[len] = '\0';
        if (len && line[len - 1] == '\r')
            line[len - 1] = '\0';
        /* memos here hold no commas or quotes; empty fields are kept */
        for (tok = line; k < 8; k++) {
            f[k] = tok;
            save = strchr(tok, ',');
            if (!save)
                break;
            *save = '\0';
            tok = save + 1;
        }
        assert_int_equal(k, 7);
        snprintf(key, sizeof(key), "%s/%s", f[7], f[4]);
        for (r = 0; r < nref && strcmp(ref[r], key) != 0; r++)
            ;
        if (r == nref) {
            assert_true(nref < 64);
            snprintf(ref[nref], sizeof(ref[0]), "%s", key);
            deb[nref] = cred[nref] = dec_zero();
            nref++;
        }
        assert_true(!f[2][0] != !f[3][0]); /* exactly one side */
        assert_int_equal(dec_parse_cstr(f[2][0] ? f[2] : f[3], &v, &e), 0);
        assert_false(dec_is_neg(v));
        if (f[2][0])
            assert_int_equal(dec_add(deb[r], v, &deb[r], &e), 0);
        else
            assert_int_equal(dec_add(cred[r], v, &cred[r], &e), 0);
        p = nl ? nl + 1 : p + len;
    }
    for (int r = 0; r < nref; r++) {
        assert_false(dec_is_zero(deb[r]));
        if (dec_cmp(deb[r], cred[r]) != 0)
            fail_msg("journal %s does not balance", ref[r]);
    }
    *journals = nref;
    return rows;
}

static void test_gl_balanced(void **state)
{
    struct db_stmt *q;
    char id[ID_MAXLEN], cn[ID_MAXLEN], *buf = NULL;
    size_t len = 0;
    struct err e;
    FILE *f;
    int journals, rows;

    (void)state;
    closed_chain();
    /* a credit note for the reseller's invoice (negative amounts change sides) */
    assert_int_equal(db_prepare(db, "SELECT id FROM invoices WHERE issuer_partner_id = 'prt_R'",
                                &q, &e), 0);
    assert_int_equal(db_step(q, &e), DB_ROW);
    snprintf(id, sizeof(id), "%s", db_column_text(q, 0));
    db_finalize(q);
    assert_int_equal(invoice_credit(&ctx, &all, id, at("2026-12-03T00:00:00Z"), cn, &e), 0);
    f = open_memstream(&buf, &len);
    assert_non_null(f);
    if (invoice_period_export(db, &all, "2026-11", PERIOD_GL, NULL, f, &e) < 0)
        fail_msg("gl: %s", e.msg);
    fclose(f);
    rows = gl_check(buf, &journals);
    /* prt_D -> prt_R: no tax (AR, revenue); prt_R -> cus_C: AR, revenue, VAT; its CN too */
    assert_int_equal(journals, 3);
    assert_int_equal(rows, 2 + 3 + 3);
    /* the customer invoice: total 192.45 = 161.73 + 30.72 */
    assert_non_null(strstr(buf, ",1200,134.91,,INV-2026-000001,")); /* prt_D's own number 1 */
    assert_non_null(strstr(buf, ",1200,192.45,,INV-2026-000001,"));
    assert_non_null(strstr(buf, ",4000,,161.73,INV-2026-000001,"));
    assert_non_null(strstr(buf, ",2200,,30.72,INV-2026-000001,"));
    assert_non_null(strstr(buf, ",1200,,192.45,CN-2026-000001,"));
    free(buf);
}

static void test_exports(void **state)
{
    char dir[] = "/tmp/cspd-reports-XXXXXX", path[128], cmd[512], *buf = NULL;
    size_t len = 0;
    struct err e;
    FILE *f;

    (void)state;
    closed_chain();
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/p.xlsx", dir);
    if (invoice_period_export(db, &all, "2026-11", PERIOD_XLSX, path, NULL, &e) < 0)
        fail_msg("xlsx: %s", e.msg);
    /* re-open the workbook: a zip with the five sheets and the About sheet */
    snprintf(cmd, sizeof(cmd),
             "python3 -c 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]);"
             " w = z.read(\"xl/workbook.xml\").decode();"
             " names = [\"invoices\", \"lines\", \"margins_by_customer\", \"margins_by_reseller\","
             " \"margins_by_product\", \"About\"];"
             " sys.exit(0 if all(\"name=\\\"%%s\\\"\" %% n in w for n in names) and"
             " len([n for n in z.namelist() if n.startswith(\"xl/worksheets/sheet\")]) == 6"
             " else 1)' %s", path);
    assert_int_equal(system(cmd), 0);
    unlink(path);
    rmdir(dir);
    /* CSV tables: versioned first header, exact decimals */
    f = open_memstream(&buf, &len);
    assert_int_equal(invoice_period_export(db, &all, "2026-11", PERIOD_CSV_INVOICES, NULL, f,
                                           &e), 0);
    fclose(f);
    assert_int_equal(strncmp(buf, "cspd_invoices_v1,number,", 24), 0);
    assert_non_null(strstr(buf, ",EUR,161.73,19,30.72,192.45,134.91,"));
    free(buf);
    buf = NULL;
    f = open_memstream(&buf, &len);
    assert_int_equal(invoice_period_export(db, &all, "2026-11", PERIOD_CSV_MARGINS_PRODUCT,
                                           NULL, f, &e), 0);
    fclose(f);
    /* installation scope: both sellers' lines per product family */
    assert_non_null(strstr(buf, "PROD1,,EUR,290.36,251.92,38.44,"));
    free(buf);
    buf = NULL;
    f = open_memstream(&buf, &len);
    assert_int_equal(invoice_period_export(db, &all, "2026-11", PERIOD_CSV_LINES, NULL, f, &e),
                     0);
    fclose(f);
    assert_int_equal(strncmp(buf, "cspd_lines_v1,", 14), 0);
    free(buf);
    assert_int_equal(invoice_period_export(db, &all, "2026-11", PERIOD_XLSX, NULL, NULL, &e),
                     -1);
    assert_string_equal(e.field, "out");
}

static json_t *doc(const char *text)
{
    json_error_t je;
    json_t *j = json_loads(text, 0, &je);

    if (!j)
        fail_msg("%s: %s", text, je.text);
    return j;
}

static int outbox_count(void)
{
    struct db_stmt *q;
    struct err e;
    int n;

    assert_int_equal(db_prepare(db, "SELECT COUNT(*) FROM outbox WHERE topic ="
                                    " 'alert.below_cost'", &q, &e), 0);
    assert_int_equal(db_step(q, &e), DB_ROW);
    n = (int)db_column_int64(q, 0);
    db_finalize(q);
    return n;
}

static void test_rule_service(void **state)
{
    struct scope rs = partner_scope("prt_R"), ds = partner_scope("prt_D");
    struct bill_ctx rc = {.scope = &rs}, dc = {.scope = &ds};
    struct margin_rule r, r2;
    instant_t now = at("2026-10-15T00:00:00Z");
    json_t *j;
    struct err e;
    struct db_stmt *q;

    (void)state;
    chain_setup();
    rc.db = dc.db = db;
    sql("INSERT INTO relationships (distributor_id, reseller_id, region, started_at)"
        " VALUES ('prt_D', 'prt_R', 'europe', 0)");
    sql("INSERT INTO price_points (sku, term, billing, market, currency, unit_price, erp_price,"
        " effective_from) VALUES ('PROD2:0001', 'P1M', 'monthly', 'DE', 'EUR', '20.00',"
        " '24.00', '2026-01-01')");
    /* validation: 422 naming the field */
    j = doc("{\"kind\":\"markup\",\"value\":\"abc\"}");
    assert_int_equal(margin_rule_create(&rc, j, now, &r, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_string_equal(e.field, "value");
    json_decref(j);
    j = doc("{\"kind\":\"markup\",\"value\":\"5\",\"colour\":\"red\"}");
    assert_int_equal(margin_rule_create(&rc, j, now, &r, &e), -1);
    assert_string_equal(e.field, "colour");
    json_decref(j);
    j = doc("{\"kind\":\"markup\",\"value\":\"5\",\"level\":\"customer\",\"target_id\":"
            "\"cus_nobody\"}");
    assert_int_equal(margin_rule_create(&rc, j, now, &r, &e), -1);
    assert_string_equal(e.field, "target_id");
    json_decref(j);
    /* a partner writes its own rules only: another seller is not found */
    j = doc("{\"seller_id\":\"prt_D\",\"kind\":\"markup\",\"value\":\"5\"}");
    assert_int_equal(margin_rule_create(&rc, j, now, &r, &e), -1);
    assert_int_equal(e.code, ERR_NOT_FOUND);
    json_decref(j);
    /* below cost: 20% off ERP 24.00 = 19.20 < 20.00 -> refused, then accepted with the flag */
    j = doc("{\"kind\":\"discount\",\"value\":\"20\",\"product_id\":\"PROD2\"}");
    assert_int_equal(margin_rule_create(&dc, j, now, &r, &e), -1);
    assert_string_equal(e.reason, "below_cost");
    assert_string_equal(e.field, "allow_below_cost");
    assert_int_equal(outbox_count(), 0);
    json_object_set_new(j, "allow_below_cost", json_true());
    assert_int_equal(margin_rule_create(&dc, j, now, &r, &e), 0);
    assert_int_equal(outbox_count(), 1);
    assert_string_equal(r.seller_id, "prt_D");
    json_decref(j);
    /* 10% off ERP = 21.60 >= 20.00: fine; audited under the seller, by the caller */
    j = doc("{\"kind\":\"discount\",\"value\":\"10\",\"sku\":\"PROD2:0001\","
            "\"level\":\"reseller\",\"target_id\":\"prt_R\",\"effective_from\":\"2026-12-01\"}");
    assert_int_equal(margin_rule_create(&dc, j, now, &r2, &e), 0);
    json_decref(j);
    assert_int_equal(db_prepare(db, "SELECT actor, scope, partner_id FROM audit_log WHERE"
                                    " object_type = 'margin_rule' ORDER BY id", &q, &e), 0);
    assert_int_equal(db_step(q, &e), DB_ROW);
    assert_string_equal(db_column_text(q, 0), "usr_test");
    assert_string_equal(db_column_text(q, 1), "partner:prt_D");
    assert_string_equal(db_column_text(q, 2), "prt_D");
    db_finalize(q);
    /* the reseller sees the distributor's rules? no: scope.c partners is itself and, for a
     * distributor, its resellers */
    assert_int_equal(margin_rule_read(db, &rs, r2.id, &r, &e), -1);
    assert_int_equal(e.code, ERR_NOT_FOUND);
    assert_int_equal(margin_rule_read(db, &ds, r2.id, &r, &e), 0);
    /* unused: changed freely, deleted */
    j = doc("{\"value\":\"12\"}");
    assert_int_equal(margin_rule_update(&dc, r2.id, j, now, &r, &e), 0);
    assert_dec(r.value, "12");
    json_decref(j);
    assert_int_equal(margin_rule_delete(&dc, r2.id, now, &e), 0);
    assert_int_equal(margin_rule_read(db, &ds, r2.id, &r, &e), -1);
}

static void test_rule_in_use(void **state)
{
    struct bill_ctx c = {0};
    struct margin_rule r;
    struct db_stmt *q;
    char id[ID_MAXLEN];
    json_t *j;
    struct err e;

    (void)state;
    closed_chain();
    c.db = db;
    assert_int_equal(db_prepare(db, "SELECT id FROM margin_rules WHERE seller_id = 'prt_D'", &q,
                                &e), 0);
    assert_int_equal(db_step(q, &e), DB_ROW);
    snprintf(id, sizeof(id), "%s", db_column_text(q, 0));
    db_finalize(q);
    /* it priced November's lines: no new value, no delete, no end before Nov 12 */
    j = doc("{\"value\":\"15\"}");
    assert_int_equal(margin_rule_update(&c, id, j, at("2026-12-02T00:00:00Z"), &r, &e), -1);
    assert_string_equal(e.reason, "rule_in_use");
    json_decref(j);
    assert_int_equal(margin_rule_delete(&c, id, at("2026-12-02T00:00:00Z"), &e), -1);
    assert_string_equal(e.reason, "rule_in_use");
    assert_int_equal(margin_rule_end(&c, id, day("2026-11-11"), at("2026-12-02T00:00:00Z"), &r,
                                     &e), -1);
    assert_string_equal(e.field, "effective_to");
    assert_int_equal(margin_rule_end(&c, id, day("2026-11-30"), at("2026-12-02T00:00:00Z"), &r,
                                     &e), 0);
    assert_true(r.has_to);
}

static void test_close_due(void **state)
{
    struct close_stats st;
    char period[INVOICE_PERIOD_MAX];
    struct err e;

    (void)state;
    chain_setup();
    sql("INSERT INTO billing_settings (partner_id, close_day) VALUES ('prt_R', 3)");
    /* Dec 1: prt_D (day 1) closes November; prt_R (day 3) waits */
    assert_int_equal(invoice_close_due(&ctx, day("2026-12-01"), at("2026-12-01T00:10:00Z"),
                                       period, &st, &e), 0);
    assert_string_equal(period, "2026-11");
    assert_int_equal(st.issuers, 1);
    assert_int_equal(st.invoices, 1);
    assert_int_equal(invoice_close_due(&ctx, day("2026-12-02"), at("2026-12-02T00:10:00Z"),
                                       period, &st, &e), 0);
    assert_int_equal(st.invoices, 0);
    assert_int_equal(st.already_closed, 1);
    /* a missed Dec 3 is caught up on Dec 5 */
    assert_int_equal(invoice_close_due(&ctx, day("2026-12-05"), at("2026-12-05T00:10:00Z"),
                                       period, &st, &e), 0);
    assert_int_equal(st.invoices, 1);
    assert_int_equal(st.already_closed, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_margin_report, open_db, close_db),
        cmocka_unit_test_setup_teardown(test_voided_lines_leave_the_report, open_db, close_db),
        cmocka_unit_test_setup_teardown(test_ttm, open_db, close_db),
        cmocka_unit_test_setup_teardown(test_ttm_feeds_compliance, open_db, close_db),
        cmocka_unit_test_setup_teardown(test_admin_mfa_ignores_disabled_users, open_db,
                                        close_db),
        cmocka_unit_test_setup_teardown(test_gl_balanced, open_db, close_db),
        cmocka_unit_test_setup_teardown(test_exports, open_db, close_db),
        cmocka_unit_test_setup_teardown(test_rule_service, open_db, close_db),
        cmocka_unit_test_setup_teardown(test_rule_in_use, open_db, close_db),
        cmocka_unit_test_setup_teardown(test_close_due, open_db, close_db),
    };

    return cmocka_run_group_tests_name("reports", tests, NULL, NULL);
}
