/*
 * tests/unit/test_catalog_data.c — catalog data (svc/catalog_data.h): each CSV loader with a
 * good file and with faults named by line and column (nothing stored), the edits, the order
 * check (seat limits, base licence), the one-price lookup and its "no price" reasons, and the
 * price increase alert's 60-day selection worked by hand — on a fresh ":memory:" store with
 * the price list fixtures of tests/fixtures/pricelists/.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "svc/catalog_data.h"
#include "svc/pricelist.h"

#define FIX "tests/fixtures/pricelists/"
#define OCT_NOW 1792022400 /* 2026-10-15T00:00:00Z */
#define NOV_NOW 1794960000 /* 2026-11-18T00:00:00Z */

static int setup(void **state)
{
    struct db *db;
    struct err err;

    err_clear(&err);
    if (db_open(":memory:", &db, &err) || db_migrate(db, &err))
        fail_msg("store: %s", err.msg);
    *state = db;
    return 0;
}

static int teardown(void **state)
{
    db_close(*state);
    return 0;
}

static void exec_ok(struct db *db, const char *sql)
{
    struct err err;

    err_clear(&err);
    if (db_exec(db, sql, &err))
        fail_msg("%s: %s", sql, err.msg);
}

static int64_t scalar(struct db *db, const char *sql)
{
    struct db_stmt *st;
    struct err err;
    int64_t v;

    err_clear(&err);
    if (db_prepare(db, sql, &st, &err) || db_step(st, &err) != DB_ROW)
        fail_msg("%s: %s", sql, err.msg);
    v = db_column_int64(st, 0);
    db_finalize(st);
    return v;
}

static void import(struct db *db, const char *file, instant_t now, long *alerts)
{
    struct pricelist_import_opts o = {.path = file, .now = now};
    struct pricelist_import_result res;
    struct err err;

    err_clear(&err);
    if (pricelist_import(db, &o, &res, &err))
        fail_msg("import %s: %s", file, err.msg);
    if (alerts)
        *alerts = res.alerts;
}

/* Load `text` as a CSV of kind k: 0 or -1 with *err. */
static int load(struct db *db, enum catalog_kind k, const char *text,
                struct catalog_load_result *res, struct err *err)
{
    FILE *f = fmemopen((void *)text, strlen(text), "r");
    int rc;

    assert_non_null(f);
    err_clear(err);
    rc = catalog_data_load(db, k, f, "test.csv", NULL, OCT_NOW, res, err);
    fclose(f);
    return rc;
}

static void load_fails(struct db *db, enum catalog_kind k, const char *text, const char *field,
                       const char *msg_part)
{
    struct catalog_load_result res;
    struct err err;

    assert_int_equal(load(db, k, text, &res, &err), -1);
    if (strcmp(err.field, field) != 0 || !strstr(err.msg, msg_part))
        fail_msg("field '%s' msg '%s'; wanted field '%s' and '%s'", err.field, err.msg, field,
                 msg_part);
}

/* ---- loaders ---- */

static void test_load_upgrade_paths(void **state)
{
    struct db *db = *state;
    struct catalog_load_result res;
    struct err err;

    import(db, FIX "2026-10.csv", OCT_NOW, NULL);
    assert_int_equal(load(db, CATALOG_KIND_PATHS,
                          "\xEF\xBB\xBF" "From SKU,To SKU\r\n"
                          "CFQ7TTC0LH18:0001,CFQ7TTC0LDPB:0001\r\n"
                          "CFQ7TTC0LH18/0001,CFQ7TTC0LFLX:0001\r\n"
                          "CFQ7TTC0LDPB:0001,CFQ7TTC0LFLX:0001\r\n", &res, &err), 0);
    assert_int_equal(res.rows, 3);
    assert_int_equal(res.keys, 2);
    assert_int_equal(res.unknown, 0);
    assert_int_equal(scalar(db, "SELECT count(*) FROM upgrade_paths"), 3);
    /* a key named again gets exactly the new file's targets */
    assert_int_equal(load(db, CATALOG_KIND_PATHS, "from_sku,to_sku\n"
                          "CFQ7TTC0LH18:0001,CFQ7TTC0LDPB:0001\n"
                          "CFQ7TTC0XXXX:0001,CFQ7TTC0LDPB:0001\n", &res, &err), 0);
    assert_int_equal(scalar(db, "SELECT count(*) FROM upgrade_paths WHERE from_sku ="
                            " 'CFQ7TTC0LH18:0001'"), 1);
    assert_int_equal(scalar(db, "SELECT count(*) FROM upgrade_paths"), 3);
    assert_int_equal(res.unknown, 1);
    assert_string_equal(res.first_unknown, "CFQ7TTC0XXXX:0001");
    assert_int_equal(scalar(db, "SELECT count(*) FROM audit_log WHERE action = 'catalog.load'"),
                     2);

    load_fails(db, CATALOG_KIND_PATHS, "from_sku\nCFQ7TTC0LH18:0001\n", "to_sku",
               "line 1, column to_sku: required column missing");
    load_fails(db, CATALOG_KIND_PATHS, "from_sku,to_sku\nCFQ7TTC0LH18:0001,CFQ7TTC0LDPB:0001\n"
               "CFQ7TTC0LH18,CFQ7TTC0LFLX:0001\n", "from_sku", "line 3, column from_sku: "
               "'CFQ7TTC0LH18' is not a SKU id");
    load_fails(db, CATALOG_KIND_PATHS, "From,To\nA:1,A:1\n", "To", "line 2, column To: 'A:1' "
               "names the SKU itself");
    /* nothing of a failed load is stored */
    assert_int_equal(scalar(db, "SELECT count(*) FROM upgrade_paths"), 3);
}

static void test_load_est(void **state)
{
    struct db *db = *state;
    struct catalog_load_result res;
    struct catdata_est_rule r;
    bool dflt;
    struct err err;

    assert_int_equal(load(db, CATALOG_KIND_EST, "product_id,eligible,uplift_p1m,uplift_fallback,"
                          "note\nCFQ7TTC0LFLX,yes,3,23,Microsoft 365 E3\n"
                          "CFQ7TTC0MM8R,no,,,Copilot: add-on\n", &res, &err), 0);
    assert_int_equal(res.rows, 2);
    assert_int_equal(catalog_est_rule_for(db, "CFQ7TTC0MM8R:0002", &r, &dflt, &err), 0);
    assert_false(dflt);
    assert_false(r.eligible);
    assert_true(dec_cmp(r.uplift_fallback, dec_from_i64(23)) == 0);
    assert_int_equal(catalog_est_rule_for(db, "CFQ7TTC0LH18:0001", &r, &dflt, &err), 0);
    assert_true(dflt);
    assert_true(r.eligible);
    assert_true(dec_cmp(r.uplift_p1m, dec_from_i64(3)) == 0);

    load_fails(db, CATALOG_KIND_EST, "product_id,eligible\nCFQ7TTC0LFLX,maybe\n", "eligible",
               "line 2, column eligible: 'maybe' is not yes or no");
    load_fails(db, CATALOG_KIND_EST, "product_id,eligible,uplift_p1m\nCFQ7TTC0LFLX,yes,3,5\n"
               "CFQ7TTC0LDPB,yes,3%\n", "uplift_p1m", "line 3, column uplift_p1m: '3%' is not "
               "a decimal number");
    load_fails(db, CATALOG_KIND_EST, "product_id,eligible,uplift_fallback\n"
               "CFQ7TTC0LFLX,yes,123\n", "uplift_fallback", "between 0 and 100");
    load_fails(db, CATALOG_KIND_EST, "product_id,eligible\nCFQ7TTC0LFLX,yes\nCFQ7TTC0LFLX,no\n",
               "product_id", "line 3, column product_id: 'CFQ7TTC0LFLX' is given twice (first "
               "on line 2)");
}

static void test_load_prerequisites_and_check(void **state)
{
    struct db *db = *state;
    struct catalog_load_result res;
    struct err err;

    import(db, FIX "2026-11.csv", NOV_NOW, NULL);
    assert_int_equal(load(db, CATALOG_KIND_PREREQS, "sku,requires,note\n"
                          "CFQ7TTC0MM8R:0002,CFQ7TTC0LFLX,any Microsoft 365 E3\n"
                          "CFQ7TTC0MM8R:0002,CFQ7TTC0LDPB:0001,\n", &res, &err), 0);
    assert_int_equal(res.keys, 1);
    exec_ok(db, "INSERT INTO partners (id, kind, name, country, currency, created_at)"
                " VALUES ('prt_a', 'direct', 'A', 'US', 'USD', 1);"
                "INSERT INTO customers (id, owner_partner_id, name, country, market,"
                " billing_currency, created_at) VALUES ('cus_a', 'prt_a', 'C', 'US', 'US',"
                " 'USD', 1), ('cus_b', 'prt_a', 'D', 'US', 'US', 'USD', 1);"
                "INSERT INTO subscriptions (id, partner_id, customer_id, sku, term, billing,"
                " status, quantity, auto_renew, term_start, term_end, created_at, updated_at)"
                " VALUES ('sub_1', 'prt_a', 'cus_a', 'CFQ7TTC0LFLX:0001', 'P1Y', 'annual',"
                " 'active', 10, 1, '2026-06-01', '2027-05-31', 1, 1),"
                " ('sub_2', 'prt_a', 'cus_b', 'CFQ7TTC0LFLX:0001', 'P1Y', 'annual',"
                " 'expired', 10, 0, '2025-06-01', '2026-05-31', 1, 1);");
    assert_int_equal(catalog_check_order(db, "cus_a", "CFQ7TTC0MM8R:0002", 5, &err), 0);
    err_clear(&err);
    assert_int_equal(catalog_check_order(db, "cus_b", "CFQ7TTC0MM8R:0002", 5, &err), -1);
    assert_int_equal(err.code, ERR_REFUSED);
    assert_string_equal(err.reason, "base_license_required");
    assert_string_equal(err.field, "sku");
    assert_non_null(strstr(err.msg, "CFQ7TTC0LDPB:0001, CFQ7TTC0LFLX"));
    /* a SKU without prerequisites needs nothing */
    assert_int_equal(catalog_check_order(db, "cus_b", "CFQ7TTC0LFLX:0001", 5, &err), 0);

    load_fails(db, CATALOG_KIND_PREREQS, "sku,requires\nCFQ7TTC0MM8R:0002,not an id\n",
               "requires", "line 2, column requires: 'not an id' is not a product id");
}

static void test_load_seat_limits(void **state)
{
    struct db *db = *state;
    struct catalog_load_result res;
    struct err err;

    assert_int_equal(load(db, CATALOG_KIND_SEATS, "sku,min_seats,max_seats\n"
                          "CFQ7TTC0LH18:0001,1,300\nCFQ7TTC0MM8R:0002,1,\n"
                          "CFQ7TTC0LFLX:0001,5,\n", &res, &err), 0);
    assert_int_equal(res.rows, 3);
    assert_int_equal(res.unknown, 3); /* no price list imported yet: counted, not refused */
    assert_int_equal(catalog_check_order(db, "cus_x", "CFQ7TTC0LH18:0001", 300, &err), 0);
    assert_int_equal(catalog_check_order(db, "cus_x", "CFQ7TTC0LH18:0001", 301, &err), -1);
    assert_string_equal(err.reason, "above_seat_maximum");
    assert_string_equal(err.field, "quantity");
    assert_int_equal(catalog_check_order(db, "cus_x", "CFQ7TTC0LFLX:0001", 4, &err), -1);
    assert_string_equal(err.reason, "below_seat_minimum");

    load_fails(db, CATALOG_KIND_SEATS, "sku,min_seats,max_seats\nCFQ7TTC0LH18:0001,10,5\n",
               "max_seats", "line 2, column max_seats: 5 is below the minimum 10");
    load_fails(db, CATALOG_KIND_SEATS, "sku,min_seats\nCFQ7TTC0LH18:0001,0\n", "min_seats",
               "line 2, column min_seats: 0 is not between 1 and");
    load_fails(db, CATALOG_KIND_SEATS, "sku,min_seats\nCFQ7TTC0LH18:0001,1.5\n", "min_seats",
               "'1.5' is not a whole number");
    load_fails(db, CATALOG_KIND_SEATS, "sku,min_seats\n\"CFQ7TTC0LH18:0001\n", "",
               "quoted field never closed");
}

static void test_load_rates(void **state)
{
    struct db *db = *state;
    struct catalog_load_result res;
    struct err err;

    assert_int_equal(load(db, CATALOG_KIND_RATES, "from_currency,to_currency,rate,month,"
                          "effective_from\nUSD,EUR,0.846202666,2026-11,\n"
                          "usd,jpy,151.2,,2026-11-15\n", &res, &err), 0);
    assert_int_equal(scalar(db, "SELECT count(*) FROM exchange_rates WHERE from_currency ="
                            " 'USD' AND to_currency = 'EUR' AND effective_from = '2026-11-01'"
                            " AND rate = '0.846202666'"), 1);
    assert_int_equal(scalar(db, "SELECT count(*) FROM exchange_rates WHERE to_currency = 'JPY'"
                            " AND effective_from = '2026-11-15'"), 1);
    load_fails(db, CATALOG_KIND_RATES, "from,to,rate,month\nUSD,EUR,1,2026-13\n", "month",
               "line 2, column month: '2026-13' is not a month");
    load_fails(db, CATALOG_KIND_RATES, "from,to,rate,month\nUSD,XXX,1,2026-11\n", "to",
               "line 2, column to: 'XXX' is not an ISO 4217 currency");
    load_fails(db, CATALOG_KIND_RATES, "from,to,rate,month\nUSD,EUR,0,2026-11\n", "rate",
               "line 2, column rate: '0' is not above zero");
    load_fails(db, CATALOG_KIND_RATES, "from,to,rate\nUSD,EUR,1\n", "month",
               "required column missing");
}

/* ---- edits ---- */

static void test_edits(void **state)
{
    struct db *db = *state;
    const char *targets[] = {"CFQ7TTC0LDPB:0001"}, *bad[] = {"CFQ7TTC0ZZZZ:0001"};
    struct catdata_seat_limit lim = {"CFQ7TTC0LH18:0001", 1, true, 300};
    struct err err;

    err_clear(&err);
    import(db, FIX "2026-10.csv", OCT_NOW, NULL);
    assert_int_equal(catalog_links_put(db, CATDATA_PATHS, "CFQ7TTC0LH18:0001", targets, 1, NULL,
                                       "targets", NULL, OCT_NOW, &err), 0);
    assert_int_equal(scalar(db, "SELECT count(*) FROM upgrade_paths"), 1);
    assert_int_equal(catalog_links_put(db, CATDATA_PATHS, "CFQ7TTC0NOPE:0001", targets, 1, NULL,
                                       "targets", NULL, OCT_NOW, &err), -1);
    assert_int_equal(err.code, ERR_NOT_FOUND);
    assert_int_equal(catalog_links_put(db, CATDATA_PATHS, "CFQ7TTC0LH18:0001", bad, 1, NULL,
                                       "targets", NULL, OCT_NOW, &err), -1);
    assert_int_equal(err.code, ERR_INVALID);
    assert_string_equal(err.field, "targets");
    assert_int_equal(scalar(db, "SELECT count(*) FROM upgrade_paths"), 1); /* rolled back */
    assert_int_equal(catalog_links_delete(db, CATDATA_PATHS, "CFQ7TTC0LH18:0001", NULL,
                                          OCT_NOW, &err), 0);
    assert_int_equal(catalog_links_delete(db, CATDATA_PATHS, "CFQ7TTC0LH18:0001", NULL,
                                          OCT_NOW, &err), -1);
    assert_int_equal(err.code, ERR_NOT_FOUND);
    assert_int_equal(catalog_seats_put(db, &lim, NULL, OCT_NOW, &err), 0);
    lim.max_seats = 0;
    assert_int_equal(catalog_seats_put(db, &lim, NULL, OCT_NOW, &err), -1);
    assert_string_equal(err.field, "max_seats");
    assert_int_equal(scalar(db, "SELECT count(*) FROM audit_log WHERE action LIKE 'catalog.%'"),
                     3);
}

/* ---- lookup ---- */

static struct catdata_price row(int64_t id, const char *segment, const char *price,
                                const char *from, const char *to)
{
    struct catdata_price p;
    struct err err;

    memset(&p, 0, sizeof(p));
    p.id = id;
    snprintf(p.segment, sizeof(p.segment), "%s", segment);
    assert_int_equal(dec_parse_cstr(price, &p.unit_price, &err), 0);
    assert_int_equal(date_parse_cstr(from, &p.effective_from, &err), 0);
    p.has_effective_to = to != NULL;
    if (to)
        assert_int_equal(date_parse_cstr(to, &p.effective_to, &err), 0);
    return p;
}

static struct date day(const char *s)
{
    struct date d;
    struct err err;

    assert_int_equal(date_parse_cstr(s, &d, &err), 0);
    return d;
}

static void test_pick_reasons(void **state)
{
    struct catdata_price rows[4];
    struct catalog_price_answer a;
    char buf[DATE_STRLEN];

    (void)state;
    catalog_price_pick(rows, 0, NULL, day("2026-11-01"), &a);
    assert_int_equal(a.status, CATALOG_PRICE_NO_ROW);

    /* latest start wins; a row not yet effective is ignored */
    rows[0] = row(1, "", "10", "2026-01-01", NULL);
    rows[1] = row(2, "", "12", "2026-11-01", NULL);
    rows[2] = row(3, "", "14", "2027-01-01", NULL);
    catalog_price_pick(rows, 3, NULL, day("2026-11-18"), &a);
    assert_int_equal(a.status, CATALOG_PRICE_OK);
    assert_int_equal(a.price.id, 2);
    catalog_price_pick(rows, 3, NULL, day("2026-10-31"), &a);
    assert_int_equal(a.price.id, 1);

    /* not yet effective: names the first day */
    catalog_price_pick(rows + 2, 1, NULL, day("2026-11-18"), &a);
    assert_int_equal(a.status, CATALOG_PRICE_NOT_YET);
    date_format(a.first_day, buf);
    assert_string_equal(buf, "2027-01-01");

    /* ended: names the last day, and the next start */
    rows[0] = row(1, "", "10", "2026-01-01", "2026-10-31");
    rows[1] = row(2, "", "12", "2027-02-01", NULL);
    catalog_price_pick(rows, 2, NULL, day("2026-11-18"), &a);
    assert_int_equal(a.status, CATALOG_PRICE_ENDED);
    date_format(a.ended_on, buf);
    assert_string_equal(buf, "2026-10-31");
    assert_true(a.has_next);
    date_format(a.next_day, buf);
    assert_string_equal(buf, "2027-02-01");
    catalog_price_pick(rows, 1, NULL, day("2026-10-31"), &a); /* the end day is included */
    assert_int_equal(a.status, CATALOG_PRICE_OK);

    /* two segments in effect with different prices: ambiguous unless one is named */
    rows[0] = row(1, "commercial", "10", "2026-01-01", NULL);
    rows[1] = row(2, "education", "6", "2026-06-01", NULL);
    rows[2] = row(3, "commercial", "11", "2026-03-01", NULL);
    catalog_price_pick(rows, 3, NULL, day("2026-11-18"), &a);
    assert_int_equal(a.status, CATALOG_PRICE_AMBIGUOUS);
    assert_int_equal(a.candidates, 2);
    catalog_price_pick(rows, 3, "commercial", day("2026-11-18"), &a);
    assert_int_equal(a.status, CATALOG_PRICE_OK);
    assert_int_equal(a.price.id, 3);
    /* same price in both: not ambiguous */
    rows[1] = row(2, "education", "11", "2026-06-01", NULL);
    catalog_price_pick(rows, 3, NULL, day("2026-11-18"), &a);
    assert_int_equal(a.status, CATALOG_PRICE_OK);
}

static void test_lookup_store(void **state)
{
    struct db *db = *state;
    struct catalog_price_query q = {"CFQ7TTC0LDPB:0001", TERM_P1Y, BILLING_ANNUAL, "US", "USD",
                                    NULL, {2026, 11, 18}};
    struct catalog_price_answer a;
    char buf[DEC_STRLEN];
    struct err err;

    err_clear(&err);
    import(db, FIX "2026-10.csv", OCT_NOW, NULL);
    import(db, FIX "2026-11.csv", NOV_NOW, NULL);
    assert_int_equal(catalog_price(db, &q, &a, &err), 0);
    dec_format(a.price.term_price, buf);
    assert_string_equal(buf, "162");
    q.at = day("2026-10-31");
    assert_int_equal(catalog_price(db, &q, &a, &err), 0);
    dec_format(a.price.term_price, buf);
    assert_string_equal(buf, "150");

    q.sku = "CFQ7TTC0MM8R:0002"; /* Copilot: from 2026-11-01 */
    assert_int_equal(catalog_price(db, &q, &a, &err), -1);
    assert_string_equal(err.reason, "price_not_yet_effective");
    assert_non_null(strstr(err.msg, "takes effect on 2026-11-01"));

    q.sku = "CFQ7TTC0LH1P:0001"; /* Kiosk: ended 2026-10-31 */
    q.at = day("2026-11-18");
    assert_int_equal(catalog_price(db, &q, &a, &err), -1);
    assert_string_equal(err.reason, "price_ended");
    assert_non_null(strstr(err.msg, "ended on 2026-10-31"));

    q.sku = "CFQ7TTC0QW5P:0001"; /* Teams Essentials: P1Y monthly only */
    assert_int_equal(catalog_price(db, &q, &a, &err), -1);
    assert_string_equal(err.reason, "no_price");
    assert_int_equal(err.code, ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, "no row for CFQ7TTC0QW5P:0001 P1Y annual in US/USD"));
    q.sku = "CFQ7TTC0NONE:0001";
    assert_int_equal(catalog_price(db, &q, &a, &err), -1);
    assert_non_null(strstr(err.msg, "no SKU CFQ7TTC0NONE:0001"));
}

/* ---- the 60-day alert, worked by hand ---- */

static void test_alert_60_days(void **state)
{
    struct db *db = *state;
    long alerts = -1;
    struct db_stmt *st;
    struct err err;
    const char *payload;

    err_clear(&err);
    import(db, FIX "2026-10.csv", OCT_NOW, &alerts);
    assert_int_equal(alerts, 0); /* nothing to compare with */
    /*
     * November's list raises Business Standard US (P1Y annual 150.00 -> 162.00, P1Y monthly
     * 157.56 -> 170.10) from 2026-11-01. Imported on 2026-11-18: a renewal on 2027-01-17 is
     * 60 days away (term_end 2027-01-16) -> alert; on 2027-01-18, 61 days (term_end
     * 2027-01-17) -> none. Also none for: auto-renew off, a DE customer, a cancelled
     * subscription, E3 (no increase in the US).
     */
    exec_ok(db, "INSERT INTO partners (id, kind, name, country, currency, created_at)"
                " VALUES ('prt_a', 'direct', 'A', 'US', 'USD', 1);"
                "INSERT INTO customers (id, owner_partner_id, name, country, market,"
                " billing_currency, created_at) VALUES"
                " ('cus_us', 'prt_a', 'US', 'US', 'US', 'USD', 1),"
                " ('cus_de', 'prt_a', 'DE', 'DE', 'DE', 'EUR', 1);");
    exec_ok(db, "INSERT INTO subscriptions (id, partner_id, customer_id, sku, term, billing,"
                " status, quantity, auto_renew, term_start, term_end, created_at, updated_at)"
                " VALUES"
                " ('sub_60', 'prt_a', 'cus_us', 'CFQ7TTC0LDPB:0001', 'P1Y', 'annual', 'active',"
                "  7, 1, '2026-01-17', '2027-01-16', 1, 1),"
                " ('sub_61', 'prt_a', 'cus_us', 'CFQ7TTC0LDPB:0001', 'P1Y', 'annual', 'active',"
                "  7, 1, '2026-01-18', '2027-01-17', 1, 1),"
                " ('sub_off', 'prt_a', 'cus_us', 'CFQ7TTC0LDPB:0001', 'P1Y', 'annual',"
                "  'active', 7, 0, '2026-01-10', '2027-01-09', 1, 1),"
                " ('sub_gone', 'prt_a', 'cus_us', 'CFQ7TTC0LDPB:0001', 'P1Y', 'annual',"
                "  'cancelled', 7, 1, '2026-01-10', '2027-01-09', 1, 1),"
                " ('sub_de', 'prt_a', 'cus_de', 'CFQ7TTC0LDPB:0001', 'P1Y', 'annual', 'active',"
                "  7, 1, '2026-01-10', '2027-01-09', 1, 1),"
                " ('sub_e3', 'prt_a', 'cus_us', 'CFQ7TTC0LFLX:0001', 'P1Y', 'annual', 'active',"
                "  7, 1, '2026-01-10', '2027-01-09', 1, 1),"
                " ('sub_mon', 'prt_a', 'cus_us', 'CFQ7TTC0LDPB:0001', 'P1Y', 'monthly',"
                "  'active', 3, 1, '2025-11-18', '2026-11-17', 1, 1);");
    import(db, FIX "2026-11.csv", NOV_NOW, &alerts);
    /* sub_60, and sub_mon renewing today (2026-11-18, day 0) onto 170.10 */
    assert_int_equal(alerts, 2);
    assert_int_equal(scalar(db, "SELECT count(*) FROM outbox WHERE topic ="
                            " 'alert.price_increase'"), 2);
    assert_int_equal(db_prepare(db, "SELECT payload FROM outbox WHERE payload LIKE"
                                "'%sub_60%'", &st, &err), 0);
    assert_int_equal(db_step(st, &err), DB_ROW);
    payload = db_column_text(st, 0);
    assert_non_null(strstr(payload, "\"days_until_renewal\":60"));
    assert_non_null(strstr(payload, "\"renews_on\":\"2027-01-17\""));
    assert_non_null(strstr(payload, "\"old_price\":\"150\""));
    assert_non_null(strstr(payload, "\"new_price\":\"162\""));
    assert_non_null(strstr(payload, "\"amount\":\"12\""));
    assert_non_null(strstr(payload, "\"percent\":\"8\""));
    assert_non_null(strstr(payload, "\"quantity\":7"));
    db_finalize(st);
    assert_int_equal(scalar(db, "SELECT count(*) FROM outbox WHERE payload LIKE '%sub_61%'"),
                     0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_load_upgrade_paths, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_est, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_prerequisites_and_check, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_seat_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_rates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_edits, setup, teardown),
        cmocka_unit_test(test_pick_reasons),
        cmocka_unit_test_setup_teardown(test_lookup_store, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alert_60_days, setup, teardown),
    };

    return cmocka_run_group_tests_name("catalog_data", tests, NULL, NULL);
}
