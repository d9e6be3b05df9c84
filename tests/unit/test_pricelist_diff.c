/*
 * tests/unit/test_pricelist_diff.c — `cspd pricelist diff` below the CLI (svc/pricelist.h).
 *
 * The fixtures' October -> November changes, worked by hand (UnitPrice as published, whole
 * term; percent = amount / old * 100, half-up to 2 places):
 *   US USD CFQ7TTC0LDPB:0001 P1Y annual   150.00 -> 162.00   +12.00  +8.00%
 *   US USD CFQ7TTC0LDPB:0001 P1Y monthly  157.56 -> 170.10   +12.54  +7.96%  (7.95887...)
 *   DE EUR CFQ7TTC0LFLX:0001 P3Y monthly 1270.08 -> 1209.60  -60.48  -4.76%  (-4.76190...)
 *   new:     CFQ7TTC0MM8R:0002 US P1Y annual 360.00, US P1Y monthly 378.00, DE P1Y annual 335.40
 *   retired: CFQ7TTC0LH1P:0001 US P1Y annual 24.00, DE P1Y annual 22.40
 *   unchanged: 14 (20 plans in November - 3 new - 3 changed); the trial row is in neither.
 * The same diff from the store (both months imported, 2026-10-15 vs 2026-11-15); duplicate
 * keys (the later start wins); half-up percent ties in both directions; a zero old price; the
 * CSV export byte for byte.
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

#include "store/db.h"
#include "svc/pricelist.h"

#define FIX "tests/fixtures/pricelists/"

static void load_file(struct pricelist_set *s, const char *path)
{
    struct err err;

    err_clear(&err);
    pricelist_set_init(s);
    if (pricelist_set_load_file(s, path, &err))
        fail_msg("%s: %s", path, err.msg);
}

static void diff_ok(const struct pricelist_set *a, const struct pricelist_set *b,
                    struct pricelist_diff *d)
{
    struct err err;

    err_clear(&err);
    if (pricelist_diff_compute(a, b, d, &err))
        fail_msg("diff: %s", err.msg);
}

static void dec_is(struct dec v, const char *want)
{
    char buf[DEC_STRLEN];

    dec_format(v, buf);
    assert_string_equal(buf, want);
}

/* The change for `key`, which must exist. */
static const struct pricelist_change *find(const struct pricelist_diff *d, const char *key)
{
    for (size_t i = 0; i < d->n; i++)
        if (strcmp(d->changes[i].key, key) == 0)
            return &d->changes[i];
    fail_msg("no change for %s", key);
    return NULL;
}

/* The October -> November diff, worked by hand (see the top of the file). */
static void check_oct_nov(const struct pricelist_diff *d)
{
    const struct pricelist_change *c;

    assert_int_equal(d->counts[PLD_NEW], 3);
    assert_int_equal(d->counts[PLD_RETIRED], 2);
    assert_int_equal(d->counts[PLD_INCREASE], 2);
    assert_int_equal(d->counts[PLD_DECREASE], 1);
    assert_int_equal(d->unchanged, 14);
    assert_int_equal(d->n, 8);
    assert_int_equal(d->rows_a, 19);
    assert_int_equal(d->rows_b, 20);

    c = find(d, "US|USD|CFQ7TTC0LDPB:0001|P1Y|annual||");
    assert_int_equal(c->kind, PLD_INCREASE);
    dec_is(c->a->price, "150");
    dec_is(c->b->price, "162");
    dec_is(c->amount, "12");
    assert_true(c->has_percent);
    dec_is(c->percent, "8");
    assert_string_equal(c->title, "Microsoft 365 Business Standard");

    c = find(d, "US|USD|CFQ7TTC0LDPB:0001|P1Y|monthly||");
    assert_int_equal(c->kind, PLD_INCREASE);
    dec_is(c->amount, "12.54");
    dec_is(c->percent, "7.96");
    dec_is(c->a->cycle_price, "13.13");
    dec_is(c->b->cycle_price, "14.18");

    c = find(d, "DE|EUR|CFQ7TTC0LFLX:0001|P3Y|monthly||");
    assert_int_equal(c->kind, PLD_DECREASE);
    dec_is(c->amount, "-60.48");
    dec_is(c->percent, "-4.76");
    dec_is(c->b->cycle_price, "33.6");

    c = find(d, "US|USD|CFQ7TTC0MM8R:0002|P1Y|monthly||");
    assert_int_equal(c->kind, PLD_NEW);
    assert_null(c->a);
    dec_is(c->b->price, "378");
    dec_is(c->b->cycle_price, "31.5");
    assert_int_equal(find(d, "US|USD|CFQ7TTC0MM8R:0002|P1Y|annual||")->kind, PLD_NEW);
    assert_int_equal(find(d, "DE|EUR|CFQ7TTC0MM8R:0002|P1Y|annual||")->kind, PLD_NEW);

    c = find(d, "DE|EUR|CFQ7TTC0LH1P:0001|P1Y|annual||");
    assert_int_equal(c->kind, PLD_RETIRED);
    assert_null(c->b);
    dec_is(c->a->price, "22.4");
    assert_int_equal(find(d, "US|USD|CFQ7TTC0LH1P:0001|P1Y|annual||")->kind, PLD_RETIRED);

    /* sorted by market, currency, SKU, term, billing */
    for (size_t i = 1; i < d->n; i++)
        assert_true(strcmp(d->changes[i - 1].key, d->changes[i].key) <= 0);
    assert_string_equal(d->changes[0].key, "DE|EUR|CFQ7TTC0LFLX:0001|P3Y|monthly||");
}

static void test_files_oct_nov(void **state)
{
    struct pricelist_set a, b;
    struct pricelist_diff d;

    (void)state;
    load_file(&a, FIX "2026-10.csv");
    load_file(&b, FIX "2026-11.csv");
    diff_ok(&a, &b, &d);
    check_oct_nov(&d);
    pricelist_diff_release(&d);
    /* and backwards: new and retired swap, increases become decreases */
    diff_ok(&b, &a, &d);
    assert_int_equal(d.counts[PLD_NEW], 2);
    assert_int_equal(d.counts[PLD_RETIRED], 3);
    assert_int_equal(d.counts[PLD_INCREASE], 1);
    assert_int_equal(d.counts[PLD_DECREASE], 2);
    dec_is(find(&d, "US|USD|CFQ7TTC0LDPB:0001|P1Y|annual||")->percent, "-7.41"); /* 12/162 */
    pricelist_diff_release(&d);
    /* a list against itself */
    diff_ok(&a, &a, &d);
    assert_int_equal(d.n, 0);
    assert_int_equal(d.unchanged, 19);
    pricelist_diff_release(&d);
    pricelist_set_release(&a);
    pricelist_set_release(&b);
}

static void test_store_dates(void **state)
{
    struct pricelist_import_opts o = {.now = 1795000000};
    struct pricelist_import_result res;
    struct pricelist_set a, b;
    struct pricelist_diff d;
    struct db *db;
    struct err err;

    (void)state;
    err_clear(&err);
    if (db_open(":memory:", &db, &err) || db_migrate(db, &err))
        fail_msg("store: %s", err.msg);
    o.path = FIX "2026-10.csv";
    assert_int_equal(pricelist_import(db, &o, &res, &err), 0);
    o.path = FIX "2026-11.csv";
    assert_int_equal(pricelist_import(db, &o, &res, &err), 0);
    pricelist_set_init(&a);
    pricelist_set_init(&b);
    assert_int_equal(pricelist_set_load_db(&a, db, (struct date){2026, 10, 15}, &err), 0);
    assert_int_equal(pricelist_set_load_db(&b, db, (struct date){2026, 11, 15}, &err), 0);
    diff_ok(&a, &b, &d);
    check_oct_nov(&d);
    pricelist_diff_release(&d);
    pricelist_set_release(&a);
    pricelist_set_release(&b);
    /* before anything starts, nothing is in effect */
    pricelist_set_init(&a);
    assert_int_equal(pricelist_set_load_db(&a, db, (struct date){2020, 1, 1}, &err), 0);
    assert_int_equal(a.n, 0);
    pricelist_set_release(&a);
    db_close(db);
}

/* A list written inline: header + rows "SKU,TERM,PLAN,PRICE,START". */
static void load_rows(struct pricelist_set *s, const char *rows)
{
    char text[4096], path[64];
    const char *p = rows;
    size_t len;
    int fd;

    len = (size_t)snprintf(text, sizeof(text),
                           "ProductTitle,ProductId,SkuId,SkuTitle,TermDuration,BillingPlan,"
                           "Market,Currency,UnitPrice,EffectiveStartDate,EffectiveEndDate\n");
    while (*p) {
        char prod[32], term[8], plan[16], price[32], start[16];
        const char *nl = strchr(p, '\n');

        if (sscanf(p, "%31[^,],%7[^,],%15[^,],%31[^,],%15[^\n]", prod, term, plan, price,
                   start) != 5)
            fail_msg("bad test row %s", p);
        len += (size_t)snprintf(text + len, sizeof(text) - len,
                                "T,%s,0001,T,%s,%s,US,USD,%s,%s,\n", prod, term, plan, price,
                                start);
        p = nl ? nl + 1 : p + strlen(p);
    }
    snprintf(path, sizeof(path), "/tmp/cspd-test-diff-XXXXXX");
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    close(fd);
    load_file(s, path);
    unlink(path);
}

static void test_duplicates_latest_start_wins(void **state)
{
    struct pricelist_set a, b;
    struct pricelist_diff d;

    (void)state;
    load_rows(&a, "PA,P1Y,Annual,100,2026-01-01\n");
    /* two rows for one plan, the later start last or first: 110 wins either way */
    load_rows(&b, "PA,P1Y,Annual,110,2026-11-01\n"
                  "PA,P1Y,Annual,100,2026-01-01\n");
    assert_int_equal(b.rows, 2);
    assert_int_equal(b.n, 1);
    diff_ok(&a, &b, &d);
    assert_int_equal(d.n, 1);
    dec_is(d.changes[0].amount, "10");
    dec_is(d.changes[0].percent, "10");
    pricelist_diff_release(&d);
    pricelist_set_release(&a);
    pricelist_set_release(&b);
}

static void test_percent_rounding(void **state)
{
    struct pricelist_set a, b;
    struct pricelist_diff d;

    (void)state;
    load_rows(&a, "P1,P1Y,Annual,200,2026-01-01\n"
                  "P2,P1Y,Annual,200,2026-01-01\n"
                  "P3,P1Y,Annual,3,2026-01-01\n"
                  "P4,P1Y,Annual,0,2026-01-01\n"
                  "P5,P1Y,Annual,7,2026-01-01\n");
    load_rows(&b, "P1,P1Y,Annual,200.01,2026-01-01\n" /* +0.005%  -> 0.01 (half-up) */
                  "P2,P1Y,Annual,199.99,2026-01-01\n" /* -0.005%  -> -0.01 */
                  "P3,P1Y,Annual,4,2026-01-01\n"      /* +33.333% -> 33.33 */
                  "P4,P1Y,Annual,5,2026-01-01\n"      /* from 0: no percent */
                  "P5,P1Y,Annual,6,2026-01-01\n");    /* -14.2857% -> -14.29 */
    diff_ok(&a, &b, &d);
    assert_int_equal(d.n, 5);
    dec_is(find(&d, "US|USD|P1:0001|P1Y|annual||")->percent, "0.01");
    dec_is(find(&d, "US|USD|P2:0001|P1Y|annual||")->percent, "-0.01");
    dec_is(find(&d, "US|USD|P2:0001|P1Y|annual||")->amount, "-0.01");
    dec_is(find(&d, "US|USD|P3:0001|P1Y|annual||")->percent, "33.33");
    assert_false(find(&d, "US|USD|P4:0001|P1Y|annual||")->has_percent);
    assert_int_equal(find(&d, "US|USD|P4:0001|P1Y|annual||")->kind, PLD_INCREASE);
    dec_is(find(&d, "US|USD|P5:0001|P1Y|annual||")->percent, "-14.29");
    pricelist_diff_release(&d);
    pricelist_set_release(&a);
    pricelist_set_release(&b);
}

static void test_csv_export(void **state)
{
    static const char want[] =
        "\"change\",\"market\",\"currency\",\"sku\",\"title\",\"term\",\"billing\","
        "\"segment\",\"tier_min\",\"old_price\",\"new_price\",\"amount\",\"percent\","
        "\"old_cycle_price\",\"new_cycle_price\"\r\n"
        "\"decrease\",\"US\",\"USD\",\"P1:0001\",\"T\",\"P1Y\",\"monthly\",\"\",\"\","
        "\"120.00\",\"100.00\",\"-20.00\",\"-16.67\",\"10.00\",\"8.33\"\r\n"
        "\"retired\",\"US\",\"USD\",\"P2:0001\",\"T\",\"P1M\",\"monthly\",\"\",\"\","
        "\"9.90\",\"\",\"\",\"\",\"9.90\",\"\"\r\n"
        "\"new\",\"US\",\"USD\",\"P3:0001\",\"T\",\"P3Y\",\"annual\",\"\",\"\","
        "\"\",\"1000.005\",\"\",\"\",\"\",\"333.34\"\r\n";
    struct pricelist_set a, b;
    struct pricelist_diff d;
    struct err err;
    char *buf = NULL;
    size_t len = 0;
    FILE *f;

    (void)state;
    load_rows(&a, "P1,P1Y,Monthly,120,2026-01-01\n"
                  "P2,P1M,Monthly,9.9,2026-01-01\n");
    load_rows(&b, "P1,P1Y,Monthly,100,2026-11-01\n"
                  "P3,P3Y,Annual,1000.005,2026-11-01\n");
    diff_ok(&a, &b, &d);
    f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(pricelist_diff_write_csv(&d, f, &err), 0);
    fclose(f);
    assert_string_equal(buf, want);
    free(buf);
    f = open_memstream(&buf, &len);
    assert_int_equal(pricelist_diff_write_text(&d, "A", "B", f, &err), 0);
    fclose(f);
    assert_non_null(strstr(buf, "price list diff: A (2 plans) -> B (2 plans)\n\nUS USD\n"));
    assert_non_null(strstr(buf, "-20.00 (-16.67%)"));
    assert_non_null(strstr(buf, "\n1 new, 1 retired, 0 increases, 1 decrease, 0 unchanged\n"));
    free(buf);
    pricelist_diff_release(&d);
    pricelist_set_release(&a);
    pricelist_set_release(&b);
}

static void test_bad_file_names_the_file(void **state)
{
    struct pricelist_set s;
    struct err err;

    (void)state;
    pricelist_set_init(&s);
    err_clear(&err);
    assert_int_equal(pricelist_set_load_file(&s, FIX "bad-number.csv", &err), -1);
    assert_string_equal(err.msg, FIX "bad-number.csv: line 4, column UnitPrice: '75,60' is not "
                                     "a decimal number (invalid character ',' at position 3)");
    pricelist_set_release(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_files_oct_nov),
        cmocka_unit_test(test_store_dates),
        cmocka_unit_test(test_duplicates_latest_start_wins),
        cmocka_unit_test(test_percent_rounding),
        cmocka_unit_test(test_csv_export),
        cmocka_unit_test(test_bad_file_names_the_file),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
