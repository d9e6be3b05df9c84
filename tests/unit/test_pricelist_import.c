/*
 * tests/unit/test_pricelist_import.c — `cspd import pricelist` below the CLI: svc/pricelist
 * import into a fresh migrated ":memory:" store, with the fixtures of
 * tests/fixtures/pricelists/ (README.md there lists them).
 *
 * Covers: row counts and stored values (per-cycle unit_price beside the published term price,
 * ERP, dates, catalog rows); the second import of a file — and of a copy under another name —
 * changes nothing; the next month's list adds only what changed; a corrected price updates the
 * row in place; every malformed fixture fails with its line and column and stores nothing;
 * progress callbacks; --month for undated rows; the audit row; and that the lifecycle's catalogue loader
 * (repo_catalog_load) reads the imported rows as per-cycle prices on the right days.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "domain/catalog/catalog.h"
#include "store/db.h"
#include "store/repo_catalog.h"
#include "svc/pricelist.h"

#define FIX "tests/fixtures/pricelists/"
#define NOW 1795000000 /* 2026-11-18 */

/* ---- helpers ---------------------------------------------------------------------------- */

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

static int64_t scalar(struct db *db, const char *sql)
{
    struct db_stmt *st;
    struct err err;
    int64_t v;

    if (db_prepare(db, sql, &st, &err) || db_step(st, &err) != DB_ROW)
        fail_msg("%s: %s", sql, err.msg);
    v = db_column_int64(st, 0);
    db_finalize(st);
    return v;
}

/* The first column of the first row of `sql` as text ("(null)" for NULL). */
static void text_is(struct db *db, const char *sql, const char *want)
{
    struct db_stmt *st;
    struct err err;
    const char *v;

    if (db_prepare(db, sql, &st, &err) || db_step(st, &err) != DB_ROW)
        fail_msg("%s: %s", sql, err.msg);
    v = db_column_text(st, 0);
    if (strcmp(v ? v : "(null)", want) != 0)
        fail_msg("%s: got %s, want %s", sql, v ? v : "(null)", want);
    db_finalize(st);
}

static int import(struct db *db, const char *path, const char *month,
                  struct pricelist_import_result *res, struct err *err)
{
    struct pricelist_import_opts o = {.path = path, .month = month, .now = NOW};

    err_clear(err);
    return pricelist_import(db, &o, res, err);
}

static void import_ok(struct db *db, const char *path, struct pricelist_import_result *res)
{
    struct err err;

    if (import(db, path, NULL, res, &err))
        fail_msg("import %s: %s", path, err.msg);
}

/* A temporary file holding `text`; the caller unlinks it. */
static void temp_file(char path[64], const char *text, size_t len)
{
    int fd;

    snprintf(path, 64, "/tmp/cspd-test-pricelist-XXXXXX");
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    close(fd);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* ---- tests ------------------------------------------------------------------------------ */

static void test_import_october(void **state)
{
    struct db *db = *state;
    struct pricelist_import_result res;

    import_ok(db, FIX "2026-10.csv", &res);
    assert_false(res.already);
    assert_int_equal(res.info.row_count, 19);
    assert_int_equal(res.info.inserted, 19);
    assert_int_equal(res.info.updated, 0);
    assert_int_equal(res.info.unchanged, 0);
    assert_int_equal(res.info.skipped, 1); /* the trial row */
    assert_int_equal(strlen(res.hash), 64);
    assert_int_equal(scalar(db, "SELECT count(*) FROM price_points"), 19);
    assert_int_equal(scalar(db, "SELECT count(*) FROM products"), 5);
    assert_int_equal(scalar(db, "SELECT count(*) FROM skus"), 5);
    assert_int_equal(scalar(db, "SELECT count(*) FROM pricelist_imports"), 1);
    assert_int_equal(scalar(db, "SELECT row_count FROM pricelist_imports"), 19);
    /* Business Standard, DE, P1Y billed monthly: 147.42 a year -> 12.285 -> 12.29 a month */
    text_is(db, "SELECT unit_price FROM price_points WHERE sku = 'CFQ7TTC0LDPB:0001' AND"
                " market = 'DE' AND billing = 'monthly'", "12.29");
    text_is(db, "SELECT term_price FROM price_points WHERE sku = 'CFQ7TTC0LDPB:0001' AND"
                " market = 'DE' AND billing = 'monthly'", "147.42");
    text_is(db, "SELECT erp_price FROM price_points WHERE sku = 'CFQ7TTC0LDPB:0001' AND"
                " market = 'DE' AND billing = 'monthly'", "184.28");
    /* E3 US P3Y: annual billing 1360.80 / 3, monthly 1360.80 / 36 */
    text_is(db, "SELECT unit_price FROM price_points WHERE sku = 'CFQ7TTC0LFLX:0001' AND"
                " market = 'US' AND term = 'P3Y' AND billing = 'annual'", "453.6");
    text_is(db, "SELECT unit_price FROM price_points WHERE sku = 'CFQ7TTC0LFLX:0001' AND"
                " market = 'US' AND term = 'P3Y' AND billing = 'monthly'", "37.8");
    text_is(db, "SELECT unit_price FROM price_points WHERE sku = 'CFQ7TTC0QW5P:0001'", "4.17");
    /* dates: open-ended rows have no end; the Kiosk row ends on 2026-10-31 23:59:59 */
    text_is(db, "SELECT effective_from FROM price_points WHERE sku = 'CFQ7TTC0QW5P:0001'",
            "2025-04-01");
    text_is(db, "SELECT effective_to FROM price_points WHERE sku = 'CFQ7TTC0QW5P:0001'",
            "(null)");
    text_is(db, "SELECT effective_to FROM price_points WHERE sku = 'CFQ7TTC0LH1P:0001' AND"
                " market = 'US'", "2026-10-31");
    assert_int_equal(scalar(db, "SELECT ends_at FROM price_points WHERE"
                                " sku = 'CFQ7TTC0LH1P:0001' AND market = 'US'"),
                     1793491199);
    text_is(db, "SELECT source FROM price_points LIMIT 1", "2026-10.csv");
    text_is(db, "SELECT title FROM skus WHERE id = 'CFQ7TTC0LFLX:0001'", "Microsoft 365 E3");
    text_is(db, "SELECT category FROM products WHERE id = 'CFQ7TTC0LFLX'", "license");
    /* audited in the same transaction */
    text_is(db, "SELECT action || ' ' || object_id || ' ' || actor FROM audit_log",
            "pricelist.import 1 system");
    text_is(db, "SELECT json_extract(after, '$.inserted') FROM audit_log", "19");
}

static void test_same_file_twice_changes_nothing(void **state)
{
    struct db *db = *state;
    struct pricelist_import_result first, again;
    char copy[64];
    size_t len;
    char *text = slurp(FIX "2026-10.csv", &len);

    import_ok(db, FIX "2026-10.csv", &first);
    import_ok(db, FIX "2026-10.csv", &again);
    assert_true(again.already);
    assert_string_equal(again.hash, first.hash);
    assert_int_equal(again.info.id, first.info.id);
    assert_int_equal(again.info.row_count, 19);
    assert_int_equal(scalar(db, "SELECT count(*) FROM price_points"), 19);
    assert_int_equal(scalar(db, "SELECT count(*) FROM pricelist_imports"), 1);
    /* by content, not by name */
    temp_file(copy, text, len);
    import_ok(db, copy, &again);
    assert_true(again.already);
    assert_int_equal(scalar(db, "SELECT count(*) FROM pricelist_imports"), 1);
    unlink(copy);
    free(text);
}

static void test_next_month_adds_only_changes(void **state)
{
    struct db *db = *state;
    struct pricelist_import_result res;

    import_ok(db, FIX "2026-10.csv", &res);
    import_ok(db, FIX "2026-11.csv", &res);
    assert_false(res.already);
    assert_int_equal(res.info.row_count, 20);
    /* 3 new prices from 2026-11-01 (2 increases, 1 decrease) and 3 Copilot rows */
    assert_int_equal(res.info.inserted, 6);
    assert_int_equal(res.info.unchanged, 14);
    assert_int_equal(res.info.updated, 0);
    assert_int_equal(scalar(db, "SELECT count(*) FROM price_points"), 25);
    assert_int_equal(scalar(db, "SELECT count(*) FROM products"), 6);
    assert_int_equal(scalar(db, "SELECT count(*) FROM pricelist_imports"), 2);
    /* 170.10 / 12 = 14.175 -> 14.18 */
    text_is(db, "SELECT unit_price FROM price_points WHERE sku = 'CFQ7TTC0LDPB:0001' AND"
                " market = 'US' AND billing = 'monthly' AND effective_from = '2026-11-01'",
            "14.18");
}

/* The same plan and start day with another price: the row is updated, not duplicated. */
static void test_corrected_price_updates_in_place(void **state)
{
    struct db *db = *state;
    struct pricelist_import_result res;
    size_t len;
    char *text = slurp(FIX "2026-10.csv", &len), *p, path[64];

    import_ok(db, FIX "2026-10.csv", &res);
    p = strstr(text, "\"50.00\"");
    assert_non_null(p);
    memcpy(p, "\"51.00\"", 7);
    temp_file(path, text, len);
    import_ok(db, path, &res);
    assert_false(res.already);
    assert_int_equal(res.info.updated, 1);
    assert_int_equal(res.info.unchanged, 18);
    assert_int_equal(scalar(db, "SELECT count(*) FROM price_points"), 19);
    text_is(db, "SELECT unit_price FROM price_points WHERE sku = 'CFQ7TTC0QW5P:0001'", "4.25");
    text_is(db, "SELECT term_price FROM price_points WHERE sku = 'CFQ7TTC0QW5P:0001'", "51");
    unlink(path);
    free(text);
}

static void test_malformed_files_store_nothing(void **state)
{
    static const struct {
        const char *file, *prefix, *field;
    } cases[] = {
        {"bad-number.csv", "line 4, column UnitPrice: '75,60' is not a decimal number",
         "UnitPrice"},
        {"missing-column.csv", "line 1, column Currency: required column missing", "Currency"},
        {"truncated.csv", "line 5, column SkuDescription: quoted field never closed",
         "SkuDescription"},
        {"truncated-row.csv", "line 4, column Market: missing", "Market"},
        {"bad-date.csv", "line 5, column EffectiveStartDate: '2026-02-30T00:00:00Z'",
         "EffectiveStartDate"},
        {"bad-utf8.csv", "line 5, column SkuTitle: invalid UTF-8 (byte 0xFC", "SkuTitle"},
        {"utf16.csv", "line 1: the file is UTF-16", ""},
        {"bad-plan.csv", "line 3, column BillingPlan: annual billing is not offered",
         "BillingPlan"},
        {"bad-currency.csv", "line 2, column Currency: 'USX'", "Currency"},
    };
    struct db *db = *state;
    struct pricelist_import_result res;
    struct err err;

    import_ok(db, FIX "2026-10.csv", &res);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char path[128];

        snprintf(path, sizeof(path), FIX "%s", cases[i].file);
        assert_int_equal(import(db, path, NULL, &res, &err), -1);
        if (strncmp(err.msg, cases[i].prefix, strlen(cases[i].prefix)) != 0)
            fail_msg("%s: got \"%s\"", cases[i].file, err.msg);
        assert_string_equal(err.field, cases[i].field);
        assert_false(db_in_transaction(db));
        assert_int_equal(scalar(db, "SELECT count(*) FROM price_points"), 19);
        assert_int_equal(scalar(db, "SELECT count(*) FROM pricelist_imports"), 1);
        assert_int_equal(scalar(db, "SELECT count(*) FROM products"), 5);
        assert_int_equal(scalar(db, "SELECT count(*) FROM audit_log"), 1);
    }
    /* a missing file */
    assert_int_equal(import(db, FIX "no-such.csv", NULL, &res, &err), -1);
    assert_int_equal(err.code, ERR_IO);
}

/* A bad row after many good ones: all of them are rolled back. */
static void test_late_error_rolls_back_everything(void **state)
{
    struct db *db = *state;
    struct pricelist_import_result res;
    struct err err;
    size_t cap = 64 * 1024, len = 0;
    char *text = malloc(cap), path[64];

    assert_non_null(text);
    len += (size_t)snprintf(text, cap, "ProductTitle,ProductId,SkuId,SkuTitle,TermDuration,"
                                       "BillingPlan,Market,Currency,UnitPrice,"
                                       "EffectiveStartDate,EffectiveEndDate\n");
    for (int i = 0; i < 500; i++)
        len += (size_t)snprintf(text + len, cap - len,
                                "P,PROD%04d,0001,S,P1Y,Annual,US,USD,%d.00,2026-11-01,\n", i,
                                i + 1);
    len += (size_t)snprintf(text + len, cap - len, "P,PROD9999,0001,S,P1Y,Annual,US,USD,x,"
                                                   "2026-11-01,\n");
    temp_file(path, text, len);
    assert_int_equal(import(db, path, NULL, &res, &err), -1);
    assert_string_equal(err.msg, "line 502, column UnitPrice: 'x' is not a decimal number "
                                 "(invalid character 'x' at position 1)");
    assert_int_equal(scalar(db, "SELECT count(*) FROM price_points"), 0);
    assert_int_equal(scalar(db, "SELECT count(*) FROM products"), 0);
    assert_int_equal(scalar(db, "SELECT count(*) FROM pricelist_imports"), 0);
    unlink(path);
    free(text);
}

struct progress_log {
    long calls, last_rows, last_line;
};

static void on_progress(void *ctx, long rows, long line)
{
    struct progress_log *p = ctx;

    p->calls++;
    p->last_rows = rows;
    p->last_line = line;
}

static void test_progress_and_month(void **state)
{
    struct db *db = *state;
    struct pricelist_import_result res;
    struct progress_log log = {0};
    struct err err;
    size_t cap = 32 * 1024, len = 0;
    char *text = malloc(cap), path[64];
    struct pricelist_import_opts o = {.month = "2026-12", .now = NOW, .progress = on_progress,
                                      .progress_ctx = &log, .progress_every = 100};

    assert_non_null(text);
    len += (size_t)snprintf(text, cap, "ProductTitle,ProductId,SkuId,SkuTitle,TermDuration,"
                                       "BillingPlan,Market,Currency,UnitPrice,"
                                       "EffectiveStartDate,EffectiveEndDate\n");
    for (int i = 0; i < 250; i++)
        len += (size_t)snprintf(text + len, cap - len,
                                "P,PROD%04d,0001,S,P1M,Monthly,DE,EUR,9.90,,\n", i);
    temp_file(path, text, len);
    /* without --month, an undated row is an error */
    assert_int_equal(import(db, path, NULL, &res, &err), -1);
    assert_non_null(strstr(err.msg, "line 2, column EffectiveStartDate: empty"));
    o.path = path;
    err_clear(&err);
    assert_int_equal(pricelist_import(db, &o, &res, &err), 0);
    assert_int_equal(res.info.row_count, 250);
    assert_int_equal(log.calls, 2);
    assert_int_equal(log.last_rows, 200);
    assert_int_equal(log.last_line, 201);
    assert_int_equal(scalar(db, "SELECT count(*) FROM price_points WHERE"
                                " effective_from = '2026-12-01'"),
                     250);
    text_is(db, "SELECT month FROM pricelist_imports", "2026-12");
    /* a bad month */
    o.month = "2026-13";
    assert_int_equal(pricelist_import(db, &o, &res, &err), -1);
    assert_string_equal(err.field, "month");
    unlink(path);
    free(text);
}

/* The lifecycle's loader reads unit_price as the per-cycle price, by effective day. */
static void test_catalog_reads_per_cycle_prices(void **state)
{
    struct db *db = *state;
    struct pricelist_import_result res;
    struct catalog c;
    struct err err;
    const struct price_point *p;
    char buf[DEC_STRLEN];

    import_ok(db, FIX "2026-10.csv", &res);
    import_ok(db, FIX "2026-11.csv", &res);
    catalog_init(&c, "US");
    err_clear(&err);
    if (repo_catalog_load(db, NULL, 0, &c, &err))
        fail_msg("load: %s", err.msg);
    p = catalog_price_at(&c, "CFQ7TTC0LDPB:0001", TERM_P1Y, BILLING_MONTHLY, "USD",
                         (struct date){2026, 10, 15});
    assert_non_null(p);
    dec_format(p->unit_price, buf);
    assert_string_equal(buf, "13.13"); /* 157.56 / 12 */
    p = catalog_price_at(&c, "CFQ7TTC0LDPB:0001", TERM_P1Y, BILLING_MONTHLY, "USD",
                         (struct date){2026, 11, 15});
    assert_non_null(p);
    dec_format(p->unit_price, buf);
    assert_string_equal(buf, "14.18"); /* 170.10 / 12 = 14.175 */
    p = catalog_price_at(&c, "CFQ7TTC0MM8R:0002", TERM_P1Y, BILLING_ANNUAL, "USD",
                         (struct date){2026, 10, 15});
    assert_null(p); /* Copilot starts 2026-11-01 */
    catalog_release(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_import_october, setup, teardown),
        cmocka_unit_test_setup_teardown(test_same_file_twice_changes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_next_month_adds_only_changes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corrected_price_updates_in_place, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed_files_store_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_late_error_rolls_back_everything, setup, teardown),
        cmocka_unit_test_setup_teardown(test_progress_and_month, setup, teardown),
        cmocka_unit_test_setup_teardown(test_catalog_reads_per_cycle_prices, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
