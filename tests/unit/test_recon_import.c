/*
 * tests/unit/test_recon_import.c — reading Microsoft's files and reconciling them
 * (io/recon_read, io/recon_write, store/repo_recon, svc/recon_svc) on a fresh ":memory:" store.
 *
 * 1. Proof of zero discrepancy: cspd's charge lines, in the exact shape the engine stores them
 *    (full cycles, seat-change refund/charge pairs with the exact EUP, cancel refunds with the
 *    truncated EUP, USD-priced lines billed in EUR with rate and billing subtotal; ~2,400 of
 *    them over 200 subscriptions), are written by the recon writer as Microsoft's file and
 *    imported back: every line matched, no difference, totals equal.
 * 2. tests/fixtures/recon/differences.csv: one deliberate difference of each kind; the
 *    expected figures are worked in the fixture's README and below.
 * 3. Malformed files rejected with line and column, nothing stored; idempotency; resolutions
 *    and their audit rows; the differences export; a daily rated usage file.
 * 4. Migration 013 (recon_lines keyed by the import's number): lines written under 012 are
 *    carried over and read back under their import's id; a later import gets the next number.
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

#include "core/id.h"
#include "io/recon_read.h"
#include "store/db.h"
#include "store/db_internal.h"
#include "svc/recon_svc.h"
#include "svc/sub_svc.h"

#define FIX "tests/fixtures/recon/"
#define NOW ((instant_t)1627776000) /* 2021-08-01T00:00:00Z */

static struct db *open_db(void)
{
    struct db *db;
    struct err err;

    err_clear(&err);
    if (db_open(":memory:", &db, &err) || db_migrate(db, &err))
        fail_msg("store: %s", err.msg);
    return db;
}

static void exec(struct db *db, const char *sql)
{
    struct err err;

    if (db_exec(db, sql, &err))
        fail_msg("%s: %s", sql, err.msg);
}

static int64_t count(struct db *db, const char *sql)
{
    struct db_stmt *st;
    struct err err;
    int64_t n;

    if (db_prepare(db, sql, &st, &err) || db_step(db ? st : NULL, &err) != DB_ROW)
        fail_msg("%s: %s", sql, err.msg);
    n = db_column_int64(st, 0);
    db_finalize(st);
    return n;
}

/* The parties of the fixture: Contoso (direct), Fabrikam (through reseller MPN 6048879). */
static void seed_parties(struct db *db)
{
    exec(db,
         "INSERT INTO partners (id, kind, name, partner_id, country, currency, created_at) VALUES"
         " ('prt_dist', 'distributor', 'Dist', '6034453', 'DE', 'EUR', 0),"
         " ('prt_res', 'reseller', 'Reseller', '6048879', 'DE', 'EUR', 0);"
         "INSERT INTO customers (id, owner_partner_id, reseller_id, tenant_id, domain, name,"
         " country, market, billing_currency, created_at) VALUES"
         " ('cus_contoso', 'prt_dist', NULL, '196e2273-9651-43a3-ba7e-7cbcd918fc40',"
         "  'contoso.onmicrosoft.com', 'Contoso, Ltd.', 'DE', 'DE', 'EUR', 0),"
         " ('cus_fabrikam', 'prt_dist', 'prt_res', '835a59a7-3172-47b5-bdef-d9cc65f4d0e4',"
         "  'fabrikam.onmicrosoft.com', 'Fabrikam', 'DE', 'DE', 'EUR', 0);");
}

static void add_sub(struct db *db, const char *id, const char *cust, const char *sku)
{
    char sql[512];

    snprintf(sql, sizeof(sql),
             "INSERT INTO subscriptions (id, partner_id, customer_id, name, sku, term, billing,"
             " status, quantity, auto_renew, created_at, updated_at) VALUES ('%s', 'prt_dist',"
             " '%s', 'M365 %s', '%s', 'P1Y', 'monthly', 'active', 10, 1, 0, 0)",
             id, cust, id, sku);
    exec(db, sql);
}

/* A charge line as the engine stores it (repo_charge.c columns). fx/bsub NULL when same ccy. */
static void add_charge(struct db *db, const char *id, const char *sub, const char *type,
                       const char *sku, const char *start, const char *end, int qty,
                       const char *unit, const char *eup, const char *subtotal,
                       const char *ccy, const char *fx, const char *bsub)
{
    char sql[1024];

    snprintf(sql, sizeof(sql),
             "INSERT INTO charges (id, subscription_id, event_seq, charge_type, sku, start_date,"
             " end_date, quantity, unit_price, effective_unit_price, subtotal, currency,"
             " billing_currency, exchange_rate, billing_subtotal, est, order_id, reference_id,"
             " created_at) VALUES ('%s', '%s', 1, '%s', '%s', '%s', '%s', %d, '%s', '%s', '%s',"
             " '%s', 'EUR', %s%s%s, %s%s%s, 0, 'ord-%s', '%s:1', 0)",
             id, sub, type, sku, start, end, qty, unit, eup, subtotal, ccy,
             fx ? "'" : "", fx ? fx : "NULL", fx ? "'" : "", bsub ? "'" : "",
             bsub ? bsub : "NULL", bsub ? "'" : "", id, sub);
    exec(db, sql);
}

/* The cspd side of the differences fixture (see tests/fixtures/recon/README.md). */
static void seed_fixture(struct db *db)
{
    struct err err;

    seed_parties(db);
    add_sub(db, "sub_contosoa", "cus_contoso", "CFQ7TTC0LDPB:0001");
    add_sub(db, "sub_contosob", "cus_contoso", "CFQ7TTC0LDPB:0001");
    add_sub(db, "sub_fabrikamc", "cus_fabrikam", "CFQ7TTC0LH18:0002");
    add_sub(db, "sub_fabrikamd", "cus_fabrikam", "CFQ7TTC0LF8R:0001");
    /* A: new 10 x 10.08; +2 seats on Jun 20 (28 of 30 days, EUP 9.408, Part A 4 exact EUP) */
    add_charge(db, "chg_a1", "sub_contosoa", "new", "CFQ7TTC0LDPB:0001", "2021-06-18",
               "2021-07-17", 10, "10.08", "10.08", "100.8", "EUR", NULL, NULL);
    add_charge(db, "chg_a2", "sub_contosoa", "addQuantity", "CFQ7TTC0LDPB:0001", "2021-06-20",
               "2021-07-17", 10, "10.08", "-9.408", "-94.08", "EUR", NULL, NULL);
    add_charge(db, "chg_a3", "sub_contosoa", "addQuantity", "CFQ7TTC0LDPB:0001", "2021-06-20",
               "2021-07-17", 12, "10.08", "9.408", "112.89", "EUR", NULL, NULL);
    /* B: new Jul 15 - Aug 14, cancelled Jul 17: 29 of 31 days, ROUNDDOWN(9.4296..)=9.42 x 10 */
    add_charge(db, "chg_b1", "sub_contosob", "new", "CFQ7TTC0LDPB:0001", "2021-07-15",
               "2021-08-14", 10, "10.08", "10.08", "100.8", "EUR", NULL, NULL);
    add_charge(db, "chg_b2", "sub_contosob", "cancelImmediate", "CFQ7TTC0LDPB:0001",
               "2021-07-17", "2021-08-14", 10, "10.08", "-9.42", "-94.2", "EUR", NULL, NULL);
    /* C: cycleCharge 5 x 12.00 */
    add_charge(db, "chg_c1", "sub_fabrikamc", "cycleCharge", "CFQ7TTC0LH18:0002", "2021-07-01",
               "2021-07-31", 5, "12", "12", "60", "EUR", NULL, NULL);
    /* D: cycleCharge 3 x 20 USD, rate 0.84: ROUNDDOWN(20 x 0.84) x 3 = 50.40 EUR */
    add_charge(db, "chg_d1", "sub_fabrikamd", "cycleCharge", "CFQ7TTC0LF8R:0001", "2021-07-05",
               "2021-08-04", 3, "20", "20", "60", "USD", "0.84", "50.4");
    err_clear(&err);
    assert_int_equal(repo_recon_map_set(db, "a1b2c3d4-0000-4000-8000-00000000000a",
                                        "sub_contosoa", 0, &err), 0);
    assert_int_equal(repo_recon_map_set(db, "a1b2c3d4-0000-4000-8000-00000000000c",
                                        "sub_fabrikamc", 0, &err), 0);
    assert_int_equal(repo_recon_map_set(db, "a1b2c3d4-0000-4000-8000-00000000000d",
                                        "sub_fabrikamd", 0, &err), 0);
}

static uint32_t import_mask; /* recon_import_opts.key_hash_mask of import_file */

static int import_file(struct db *db, const char *path, struct recon_import_result *res,
                       struct err *err)
{
    struct recon_ctx ctx = {db, "tester", NULL};
    struct recon_import_opts o = {.source = path, .key_hash_mask = import_mask};
    FILE *f = fopen(path, "rb");
    int rc;

    if (!f)
        fail_msg("cannot open %s (run the tests from the repository root)", path);
    err_clear(err);
    rc = recon_import(&ctx, f, &o, NOW, res, err);
    fclose(f);
    return rc;
}

static struct recon_line_row *get_line(struct db *db, const char *import_id, int64_t seq)
{
    static struct recon_line_row l;
    struct err err;

    if (repo_recon_line_get(db, import_id, seq, &l, &err) != DB_ROW)
        fail_msg("no line %lld", (long long)seq);
    return &l;
}

static void expect_line(struct db *db, const char *imp, int64_t seq, const char *status,
                        const char *cause, const char *diff)
{
    struct recon_line_row *l = get_line(db, imp, seq);

    if (strcmp(l->status, status) != 0 || strcmp(l->cause, cause) != 0 ||
        strcmp(l->difference, diff) != 0)
        fail_msg("line %lld: got %s/%s/%s, want %s/%s/%s (%s)", (long long)seq, l->status,
                 l->cause, l->difference, status, cause, diff, l->detail);
}

/* ---- 1. the proof ------------------------------------------------------------------------ */

static void test_roundtrip_zero_differences(void **state)
{
    struct db *db = open_db();
    struct recon_import_result res;
    struct err err;
    struct date from = {2026, 5, 1}, to = {2026, 5, 31};
    char path[] = "/tmp/cspd-recon-XXXXXX";
    int fd = mkstemp(path);
    FILE *out;
    long lines = 0;
    char sql[128];

    /* state: a key hash mask (test_hash_collisions); the run with mask 1 makes keys collide */
    import_mask = state && *state ? *(const uint32_t *)*state : 0;
    assert_true(fd >= 0);
    out = fdopen(fd, "wb");
    seed_parties(db);
    exec(db, "BEGIN");
    for (int s = 0; s < 200; s++) {
        char sub[32], id[40], start[16], end[16];
        const char *cust = s % 2 ? "cus_fabrikam" : "cus_contoso";
        int day = 1 + s % 28;
        int n = 0;

        snprintf(sub, sizeof(sub), "sub_rt%03d", s);
        add_sub(db, sub, cust, "CFQ7TTC0LF8R:0001");
        snprintf(start, sizeof(start), "2026-05-%02d", day);
        snprintf(end, sizeof(end), "2026-06-%02d", day - 1 ? day - 1 : 1);
        if (day == 1)
            snprintf(end, sizeof(end), "2026-05-31");
#define CH(type, st, en, q, unit, eup, subt, ccy, fx, bsub)                                   \
    do {                                                                                       \
        snprintf(id, sizeof(id), "chg_rt%03d_%02d", s, n++);                                   \
        add_charge(db, id, sub, type, "CFQ7TTC0LF8R:0001", st, en, q, unit, eup, subt, ccy,    \
                   fx, bsub);                                                                  \
    } while (0)
        if (s % 5 == 4) {
            /* USD-priced, EUR-billed (Part A 12): ROUNDDOWN(22 x 0.9137, 2) x 4 = 20.10 x 4 */
            CH("cycleCharge", start, end, 4, "22", "22", "88", "USD", "0.9137", "80.4");
            continue;
        }
        CH("new", start, end, 10, "10.08", "10.08", "100.8", "EUR", NULL, NULL);
        /* seats 10 -> 12 with 28 of 30 days left: ROUNDDOWN(9.408 x q) */
        CH("addQuantity", start, end, 10, "10.08", "-9.408", "-94.08", "EUR", NULL, NULL);
        CH("addQuantity", start, end, 12, "10.08", "9.408", "112.89", "EUR", NULL, NULL);
        /* 12 -> 8 the same day */
        CH("removeQuantity", start, end, 12, "10.08", "-9.408", "-112.89", "EUR", NULL, NULL);
        CH("removeQuantity", start, end, 8, "10.08", "9.408", "75.26", "EUR", NULL, NULL);
        /* the same refund/charge pair again (equal keys on both sides) */
        CH("removeQuantity", start, end, 12, "10.08", "-9.408", "-112.89", "EUR", NULL, NULL);
        CH("removeQuantity", start, end, 8, "10.08", "9.408", "75.26", "EUR", NULL, NULL);
        /* cancel: ROUNDDOWN(10.08/31 x 29, 2) x 8 = 9.42 x 8 */
        CH("cancelImmediate", start, end, 8, "10.08", "-9.42", "-75.36", "EUR", NULL, NULL);
        /* EST month / cycle lines of other subscriptions' shapes */
        CH("cycleCharge", start, end, 3, "12.5", "12.5", "37.5", "EUR", NULL, NULL);
        CH("renew", start, end, 1, "0.5", "0.5", "0.5", "EUR", NULL, NULL);
        CH("convert", start, end, 300, "10.08", "-7.72", "-2316", "EUR", NULL, NULL);
        CH("convert", start, end, 300, "6.43", "4.92", "1476", "EUR", NULL, NULL);
        CH("moveQuantity", start, end, 100, "6.43", "4.92", "492", "EUR", NULL, NULL);
#undef CH
    }
    exec(db, "COMMIT");
    err_clear(&err);
    assert_int_equal(recon_write_charges(db, from, to, "G000999001", out, &lines, &err), 0);
    fclose(out);
    assert_int_equal(lines, count(db, "SELECT COUNT(*) FROM charges"));
    assert_true(lines > 2000);

    if (import_file(db, path, &res, &err))
        fail_msg("import: %s", err.msg);
    assert_false(res.duplicate);
    assert_int_equal(res.row.line_count, lines);
    assert_int_equal(res.row.matched, lines);
    assert_int_equal(res.row.amount_differs, 0);
    assert_int_equal(res.row.only_microsoft, 0);
    assert_int_equal(res.row.only_cspd, 0);
    assert_true(res.row.total_ok);
    snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM recon_lines WHERE difference <> '0'");
    assert_int_equal(count(db, sql), 0);
    import_mask = 0;
    unlink(path);
    db_close(db);
}

/*
 * The same proof with lines the engine itself computed: orders, seat increases and decreases
 * inside the window, a cancellation, a monthly term renewing and an annual term's monthly
 * cycle charges through the daily cycle (svc/sub_svc.h), over six months.
 */
static instant_t at(int y, int m, int d, int h)
{
    struct date day = {y, m, d};

    return instant_from_date(day) + h * 3600;
}

static void add_price(struct svc_ctx *ctx, const char *sku, enum term t, enum billing b,
                      const char *price)
{
    struct price_point p;
    struct err err;

    memset(&p, 0, sizeof(p));
    snprintf(p.sku, sizeof(p.sku), "%s", sku);
    snprintf(p.market, sizeof(p.market), "DE");
    snprintf(p.currency, sizeof(p.currency), "EUR");
    p.term = t;
    p.billing = b;
    assert_int_equal(dec_parse_cstr(price, &p.unit_price, &err), 0);
    p.effective_from = (struct date){2020, 1, 1};
    if (catalog_svc_add_price(ctx, &p, "Test product", "test", &err))
        fail_msg("price: %s", err.msg);
}

static void test_engine_roundtrip(void **state)
{
    struct db *db = open_db();
    struct svc_ctx ctx = {.db = db, .actor = "tester"};
    struct recon_import_result res;
    struct day_stats stats;
    struct err err;
    char s1[ID_MAXLEN], s2[ID_MAXLEN], s3[ID_MAXLEN], s4[ID_MAXLEN];
    char path[] = "/tmp/cspd-recon-engine-XXXXXX";
    int fd = mkstemp(path);
    FILE *out = fdopen(fd, "wb");
    long lines = 0;
    struct sub_order_req o = {.customer_id = "cus_engine", .quantity = 10, .auto_renew = true};

    (void)state;
    exec(db, "INSERT INTO partners (id, kind, name, partner_id, country, currency,"
             " mpa_accepted_at, status, created_at) VALUES ('prt_e', 'direct', 'E', '6034453',"
             " 'DE', 'EUR', 0, 'active', 0);"
             "INSERT INTO customers (id, owner_partner_id, name, country, market,"
             " billing_currency, mca_status, created_at) VALUES ('cus_engine', 'prt_e',"
             " 'Engine customer', 'DE', 'DE', 'EUR', 'accepted', 0)");
    add_price(&ctx, "CFQ7TTC0LF8R:0001", TERM_P1Y, BILLING_MONTHLY, "10.08");
    add_price(&ctx, "CFQ7TTC0LF8R:0001", TERM_P1M, BILLING_MONTHLY, "12.1");
    add_price(&ctx, "CFQ7TTC0LH18:0001", TERM_P1Y, BILLING_ANNUAL, "120.96");
    err_clear(&err);
    o.sku = "CFQ7TTC0LF8R:0001";
    o.term = TERM_P1Y;
    o.billing = BILLING_MONTHLY;
    o.name = "annual-monthly";
    if (sub_order(&ctx, &o, at(2026, 1, 18, 9), s1, &err))
        fail_msg("order: %s", err.msg);
    /* +2 seats two days later (28 of 31 days), then down to 8 the same day (Part A 2, 5) */
    assert_int_equal(sub_change_quantity(&ctx, s1, 12, at(2026, 1, 20, 10), &err), 0);
    assert_int_equal(sub_change_quantity(&ctx, s1, 8, at(2026, 1, 20, 11), &err), 0);
    o.term = TERM_P1M;
    o.name = "monthly";
    o.quantity = 3;
    assert_int_equal(sub_order(&ctx, &o, at(2026, 1, 31, 12), s2, &err), 0);
    o.name = "cancelled";
    assert_int_equal(sub_order(&ctx, &o, at(2026, 2, 10, 8), s3, &err), 0);
    assert_int_equal(sub_cancel(&ctx, s3, at(2026, 2, 13, 8), &err), 0);
    o.sku = "CFQ7TTC0LH18:0001";
    o.term = TERM_P1Y;
    o.billing = BILLING_ANNUAL;
    o.name = "annual-upfront";
    o.quantity = 25;
    assert_int_equal(sub_order(&ctx, &o, at(2026, 3, 5, 8), s4, &err), 0);
    assert_int_equal(sub_change_quantity(&ctx, s4, 30, at(2026, 3, 9, 8), &err), 0);
    memset(&stats, 0, sizeof(stats));
    if (day_run(&ctx, at(2026, 6, 30, 0), &stats, &err))
        fail_msg("day: %s", err.msg);
    assert_true(count(db, "SELECT COUNT(*) FROM charges") > 15);

    assert_int_equal(recon_write_charges(db, (struct date){2026, 1, 1},
                                         (struct date){2026, 6, 30}, "G000777001", out, &lines,
                                         &err), 0);
    fclose(out);
    assert_int_equal(lines, count(db, "SELECT COUNT(*) FROM charges"));
    if (import_file(db, path, &res, &err))
        fail_msg("import: %s", err.msg);
    assert_int_equal(res.row.line_count, lines);
    assert_int_equal(res.row.matched, lines);
    assert_int_equal(res.row.amount_differs + res.row.only_microsoft + res.row.only_cspd, 0);
    unlink(path);
    db_close(db);
}

/* ---- 2. the differences fixture ---------------------------------------------------------- */

struct totals_seen {
    int n;
    struct recon_total t[8];
};

static int keep_total(void *ctx, const struct recon_total *t)
{
    struct totals_seen *s = ctx;

    if (s->n < 8)
        s->t[s->n] = *t;
    s->n++;
    return 0;
}

static void expect_total(const struct recon_total *t, const char *key, const char *ms,
                         const char *cs, const char *diff)
{
    char a[DEC_STRLEN], b[DEC_STRLEN], c[DEC_STRLEN];

    dec_format(t->microsoft, a);
    dec_format(t->cspd, b);
    dec_format(t->difference, c);
    if (strcmp(t->key, key) || strcmp(a, ms) || strcmp(b, cs) || strcmp(c, diff))
        fail_msg("total %s: %s/%s/%s, want %s: %s/%s/%s", t->key, a, b, c, key, ms, cs, diff);
}

static void test_fixture_differences(void **state)
{
    struct db *db = open_db();
    struct recon_import_result res;
    struct totals_seen seen;
    struct err err;
    char buf[DEC_STRLEN];
    const char *id;

    (void)state;
    seed_fixture(db);
    if (import_file(db, FIX "differences.csv", &res, &err))
        fail_msg("import: %s", err.msg);
    id = res.id;
    assert_string_equal(res.row.kind, "invoice");
    assert_string_equal(res.row.invoice_number, "G000123456");
    assert_int_equal(res.row.line_count, 8);
    assert_string_equal(res.row.period_start, "2021-06-01");
    assert_string_equal(res.row.period_end, "2021-07-31");
    /* The file's own totals: subtotals 211.87 + tax 19.15 = Total 231.02 (README). */
    dec_format(res.row.sum_subtotal, buf);
    assert_string_equal(buf, "211.87");
    dec_format(res.row.sum_tax, buf);
    assert_string_equal(buf, "19.15");
    dec_format(res.row.sum_total, buf);
    assert_string_equal(buf, "231.02");
    assert_true(res.row.total_ok);
    assert_int_equal(res.row.matched, 2);
    assert_int_equal(res.row.amount_differs, 4);
    assert_int_equal(res.row.only_microsoft, 2);
    assert_int_equal(res.row.only_cspd, 1);

    expect_line(db, id, 1, "matched", "", "0");
    expect_line(db, id, 2, "matched", "", "0"); /* negative quantity, positive EUP */
    expect_line(db, id, 3, "amount_differs", "rounding_rule", "-0.09");
    expect_line(db, id, 4, "amount_differs", "proration_days", "3.2");
    expect_line(db, id, 5, "amount_differs", "price", "2.5");
    expect_line(db, id, 6, "amount_differs", "exchange_rate", "0.36");
    expect_line(db, id, 7, "only_microsoft", "no_cspd_line", "62.09");
    expect_line(db, id, 8, "only_microsoft", "unknown_subscription", "8");
    expect_line(db, id, 9, "only_cspd", "not_billed", "-100.8");
    assert_string_equal(get_line(db, id, 9)->charge_id, "chg_b1");
    assert_string_equal(get_line(db, id, 4)->subscription_id, "sub_contosob");
    assert_string_equal(get_line(db, id, 3)->charge_id, "chg_a3");
    assert_string_equal(get_line(db, id, 2)->charge_id, "chg_a2");
    assert_non_null(strstr(get_line(db, id, 4)->detail, "28 of 31 days"));
    assert_string_equal(get_line(db, id, 6)->charge_type, "cycleCharge");
    assert_string_equal(get_line(db, id, 3)->charge_type, "addQuantity");

    /* Per invoice: Microsoft 211.87, cspd 236.61 (incl. the cspd-only 100.80), -24.74. */
    memset(&seen, 0, sizeof(seen));
    assert_int_equal(recon_totals(db, id, "invoice", keep_total, &seen, &err), 0);
    assert_int_equal(seen.n, 1);
    expect_total(&seen.t[0], "G000123456", "211.87", "236.61", "-24.74");
    assert_int_equal(seen.t[0].differences, 7);
    /* Per customer (keys sort: Contoso 196e..., Northwind 4b1f..., Fabrikam 835a...). */
    memset(&seen, 0, sizeof(seen));
    assert_int_equal(recon_totals(db, id, "customer", keep_total, &seen, &err), 0);
    assert_int_equal(seen.n, 3);
    expect_total(&seen.t[0], "196e2273-9651-43a3-ba7e-7cbcd918fc40", "28.52", "126.21",
                 "-97.69");
    assert_string_equal(seen.t[0].name, "Contoso, Ltd.");
    expect_total(&seen.t[1], "4b1f0c2e-55aa-4c3e-9e0b-000000000003", "8", "0", "8");
    expect_total(&seen.t[2], "835a59a7-3172-47b5-bdef-d9cc65f4d0e4", "175.35", "110.4",
                 "64.95");
    /* Per reseller: direct ("" and the "0" of Northwind's line) and 6048879. */
    memset(&seen, 0, sizeof(seen));
    assert_int_equal(recon_totals(db, id, "reseller", keep_total, &seen, &err), 0);
    assert_int_equal(seen.n, 2);
    expect_total(&seen.t[0], "", "36.52", "126.21", "-89.69");
    expect_total(&seen.t[1], "6048879", "175.35", "110.4", "64.95");
    db_close(db);
}

/*
 * The match index keeps 32 bits of each key's hash; every hit is read back and its real key
 * compared. With all but one bit masked off (recon_import_opts.key_hash_mask), every key
 * shares its hash with about half the others: the lines must come out exactly as with the
 * full hash (the fixture's one difference of each kind, its only-in-cspd line).
 */
static void test_hash_collisions(void **state)
{
    struct db *db[2] = {open_db(), open_db()};
    struct recon_import_result res[2];
    struct err err;

    (void)state;
    for (int i = 0; i < 2; i++) {
        struct recon_ctx ctx = {db[i], "tester", NULL};
        struct recon_import_opts o = {.source = "differences.csv", .key_hash_mask = i};
        FILE *f = fopen(FIX "differences.csv", "rb");

        assert_non_null(f);
        seed_fixture(db[i]);
        err_clear(&err);
        if (recon_import(&ctx, f, &o, NOW, &res[i], &err))
            fail_msg("import (mask %d): %s", i, err.msg);
        fclose(f);
    }
    assert_int_equal(res[1].row.matched, 2);
    assert_int_equal(res[1].row.amount_differs, 4);
    assert_int_equal(res[1].row.only_microsoft, 2);
    assert_int_equal(res[1].row.only_cspd, 1);
    for (int64_t seq = 1; seq <= 9; seq++) {
        struct recon_line_row a = *get_line(db[0], res[0].id, seq);
        struct recon_line_row *b = get_line(db[1], res[1].id, seq);

        assert_string_equal(a.status, b->status);
        assert_string_equal(a.cause, b->cause);
        assert_string_equal(a.detail, b->detail);
        assert_string_equal(a.charge_id, b->charge_id);
        assert_string_equal(a.subscription_id, b->subscription_id);
        assert_string_equal(a.customer_key, b->customer_key);
        assert_string_equal(a.cspd_subtotal, b->cspd_subtotal);
        assert_string_equal(a.difference, b->difference);
    }
    db_close(db[0]);
    db_close(db[1]);
}

/*
 * Many only-in-cspd lines for few subscriptions: their customers come from one read of every
 * subscription (svc/recon_svc.c, the 8-byte table) instead of a question each. A file with
 * only the fixture's unmapped Northwind line, over June-July 2021: all seven charges are
 * cspd's alone, each named with its own customer (Contoso direct; Fabrikam via 6048879).
 */
static void test_only_cspd_customers(void **state)
{
    struct db *db = open_db();
    struct recon_ctx ctx = {db, "tester", NULL};
    struct recon_import_opts o = {.has_period = true,
                                  .period_start = {2021, 6, 1}, .period_end = {2021, 7, 31}};
    struct recon_import_result res;
    struct err err;
    char path[] = "/tmp/cspd-recon-XXXXXX", line[8192];
    int fd = mkstemp(path), n = 0;
    FILE *in = fopen(FIX "differences.csv", "rb"), *out;

    (void)state;
    assert_true(fd >= 0);
    assert_non_null(in);
    out = fdopen(fd, "wb");
    while (fgets(line, sizeof(line), in))
        if (++n == 1 || strstr(line, "Northwind"))
            fputs(line, out);
    fclose(in);
    fclose(out);
    seed_fixture(db);
    in = fopen(path, "rb");
    err_clear(&err);
    if (recon_import(&ctx, in, &o, NOW, &res, &err))
        fail_msg("import: %s", err.msg);
    fclose(in);
    unlink(path);
    assert_int_equal(res.row.line_count, 1);
    assert_int_equal(res.row.only_microsoft, 1);
    assert_int_equal(res.row.only_cspd, 7);
    for (int64_t seq = 2; seq <= 8; seq++) {
        struct recon_line_row *l = get_line(db, res.id, seq);
        bool fabrikam = strncmp(l->subscription_id, "sub_fabrikam", 12) == 0;

        assert_string_equal(l->status, "only_cspd");
        assert_string_equal(l->customer_key, fabrikam ? "835a59a7-3172-47b5-bdef-d9cc65f4d0e4"
                                                       : "196e2273-9651-43a3-ba7e-7cbcd918fc40");
        assert_string_equal(l->reseller_key, fabrikam ? "6048879" : "");
    }
    /* by start date, then id: chg_a1 (Jun 18) first, chg_a2/chg_a3 (Jun 20) next */
    assert_string_equal(get_line(db, res.id, 2)->charge_id, "chg_a1");
    assert_string_equal(get_line(db, res.id, 3)->charge_id, "chg_a2");
    assert_string_equal(get_line(db, res.id, 4)->charge_id, "chg_a3");
    assert_string_equal(get_line(db, res.id, 2)->customer_name, "Contoso, Ltd.");
    db_close(db);
}

static void test_idempotent(void **state)
{
    struct db *db = open_db();
    struct recon_import_result a, b, c;
    struct err err;

    (void)state;
    seed_fixture(db);
    assert_int_equal(import_file(db, FIX "differences.csv", &a, &err), 0);
    assert_int_equal(import_file(db, FIX "differences.csv", &b, &err), 0);
    assert_true(b.duplicate);
    assert_string_equal(b.duplicate_reason, "same file");
    assert_string_equal(b.id, a.id);
    /* Same invoice, same content, saved differently (LF, no BOM, header case, type case). */
    assert_int_equal(import_file(db, FIX "differences-resaved.csv", &c, &err), 0);
    assert_true(c.duplicate);
    assert_string_equal(c.duplicate_reason, "same invoice and content");
    assert_string_equal(c.id, a.id);
    assert_int_equal(count(db, "SELECT COUNT(*) FROM recon_imports"), 1);
    assert_int_equal(count(db, "SELECT COUNT(*) FROM recon_lines"), 9);
    db_close(db);
}

/* ---- 3. malformed files ------------------------------------------------------------------ */

static void expect_rejected(const char *file, const char *needle, const char *field)
{
    struct db *db = open_db();
    struct recon_import_result res;
    struct err err;

    seed_fixture(db);
    if (import_file(db, file, &res, &err) == 0)
        fail_msg("%s was accepted", file);
    if (!strstr(err.msg, needle))
        fail_msg("%s: message '%s' lacks '%s'", file, err.msg, needle);
    if (field)
        assert_string_equal(err.field, field);
    assert_int_equal(count(db, "SELECT COUNT(*) FROM recon_imports"), 0);
    assert_int_equal(count(db, "SELECT COUNT(*) FROM recon_lines"), 0);
    db_close(db);
}

static void test_malformed(void **state)
{
    (void)state;
    expect_rejected(FIX "bad-header.csv", "line 1: not a Microsoft invoice reconciliation",
                    NULL);
    expect_rejected(FIX "missing-column.csv", "line 1, column SubscriptionId: missing",
                    "SubscriptionId");
    expect_rejected(FIX "bad-number.csv", "line 3, column UnitPrice: '10,08' is not a number",
                    "UnitPrice");
    expect_rejected(FIX "truncated.csv", "line 5: 12 fields, the header has 31", NULL);
    expect_rejected(FIX "truncated-quote.csv", "line 4", NULL);
    expect_rejected(FIX "latin1.csv", "line 3, column CustomerName: not valid UTF-8",
                    "CustomerName");
}

static void test_dates(void **state)
{
    struct date d;
    struct err err;

    (void)state;
    assert_int_equal(recon_parse_date("6/18/2021", 9, &d, &err), 0);
    assert_int_equal(d.year * 10000 + d.month * 100 + d.day, 20210618);
    assert_int_equal(recon_parse_date("12/31/2021 12:00:00 AM", 22, &d, &err), 0);
    assert_int_equal(d.day, 31);
    assert_int_equal(recon_parse_date("2021-05-20T00:00:00Z", 20, &d, &err), 0);
    assert_int_equal(d.month, 5);
    assert_int_equal(recon_parse_date("2021-05-20", 10, &d, &err), 0);
    assert_int_equal(recon_parse_date("2/30/2021", 9, &d, &err), -1);
    assert_int_equal(recon_parse_date("June 18, 2021", 13, &d, &err), -1);
    assert_int_equal(recon_parse_date("6/18/21", 7, &d, &err), -1);
}

/* ---- resolutions, export, usage ---------------------------------------------------------- */

static void test_resolve(void **state)
{
    struct db *db = open_db();
    struct recon_ctx ctx = {db, "usr_alice", "req-1"};
    struct recon_import_result res;
    struct recon_line_row l;
    struct err err;
    char id[ID_MAXLEN];

    (void)state;
    seed_fixture(db);
    assert_int_equal(import_file(db, FIX "differences.csv", &res, &err), 0);
    snprintf(id, sizeof(id), "%s", res.id);
    /* Accept the price difference: cspd's charge takes Microsoft's 12.50 / 62.50. */
    assert_int_equal(recon_resolve(&ctx, id, 5, RECON_ACCEPT, "price list was late", NOW + 60,
                                   &l, &err), 0);
    assert_string_equal(l.resolution, "accepted");
    assert_int_equal(count(db, "SELECT COUNT(*) FROM charges WHERE id = 'chg_c1' AND "
                               "billing_subtotal = '62.5' AND unit_price = '12.5'"), 1);
    /* Accepting twice is a conflict. */
    assert_int_equal(recon_resolve(&ctx, id, 5, RECON_ACCEPT, NULL, NOW, &l, &err), -1);
    assert_int_equal(err.code, ERR_CONFLICT);
    /* Accept the Partner Center change: a new charge on sub_fabrikamc. */
    assert_int_equal(recon_resolve(&ctx, id, 7, RECON_ACCEPT, NULL, NOW, &l, &err), 0);
    assert_int_equal(count(db, "SELECT COUNT(*) FROM charges WHERE subscription_id = "
                               "'sub_fabrikamc' AND charge_type = 'addQuantity' AND "
                               "quantity = 7 AND subtotal = '62.09'"), 1);
    /* Unknown subscription: cannot accept until mapped. */
    assert_int_equal(recon_resolve(&ctx, id, 8, RECON_ACCEPT, NULL, NOW, &l, &err), -1);
    assert_int_equal(err.code, ERR_INVALID);
    /* Explain needs a note; follow-up does not. */
    assert_int_equal(recon_resolve(&ctx, id, 3, RECON_EXPLAIN, "", NOW, &l, &err), -1);
    assert_int_equal(recon_resolve(&ctx, id, 3, RECON_EXPLAIN, "Microsoft truncates per "
                                   "seat", NOW, &l, &err), 0);
    assert_int_equal(recon_resolve(&ctx, id, 9, RECON_FOLLOW_UP, NULL, NOW, &l, &err), 0);
    /* Matched lines have nothing to resolve. */
    assert_int_equal(recon_resolve(&ctx, id, 1, RECON_EXPLAIN, "x", NOW, &l, &err), -1);
    assert_int_equal(count(db, "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'recon.%' "
                               "AND actor = 'usr_alice' AND request_id = 'req-1'"), 4);
    assert_int_equal(count(db, "SELECT COUNT(*) FROM audit_log WHERE action = 'recon.accept' "
                               "AND before IS NOT NULL AND after LIKE '%\"charge\"%'"), 2);
    db_close(db);
}

static void test_export(void **state)
{
    struct db *db = open_db();
    struct recon_import_result res;
    struct err err;
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    long lines = 0;

    (void)state;
    seed_fixture(db);
    assert_int_equal(import_file(db, FIX "differences.csv", &res, &err), 0);
    assert_int_equal(recon_export_differences(db, res.id, out, &lines, &err), 0);
    fclose(out);
    assert_int_equal(lines, 7);
    assert_non_null(strstr(buf, "\"Seq\",\"Line\",\"Status\",\"Cause\""));
    assert_non_null(strstr(buf, "\"proration_days\""));
    assert_non_null(strstr(buf, "\"only_cspd\""));
    assert_null(strstr(buf, "\"matched\""));
    free(buf);
    db_close(db);
}

static void test_usage(void **state)
{
    struct db *db = open_db();
    struct recon_import_result res;
    struct err err;
    char buf[DEC_STRLEN];

    (void)state;
    seed_fixture(db);
    if (import_file(db, FIX "usage.csv", &res, &err))
        fail_msg("%s", err.msg);
    assert_string_equal(res.row.kind, "usage");
    assert_int_equal(res.row.line_count, 2);
    dec_format(res.row.sum_subtotal, buf);
    assert_string_equal(buf, "0.78");
    assert_int_equal(count(db, "SELECT COUNT(*) FROM recon_lines WHERE status = 'usage' AND "
                               "start_date = '2021-07-14' AND quantity = '12.5'"), 1);
    db_close(db);
}

/* ---- 4. migration 013 -------------------------------------------------------------------- */

static void test_migration_import_no(void **state)
{
    struct db_migration upto12[64];
    struct recon_import_result res;
    struct recon_line_row l;
    struct db *db;
    struct err err;
    size_t n = 0;

    (void)state;
    err_clear(&err);
    for (const struct db_migration *m = db_migrations; m->name; m++)
        if (strncmp(m->name, "013", 3) < 0 && n + 1 < sizeof(upto12) / sizeof(upto12[0]))
            upto12[n++] = *m;
    upto12[n].name = NULL;
    upto12[n].sql = NULL;
    assert_int_equal(db_open(":memory:", &db, &err), 0);
    assert_int_equal(db_migrate_list(db, upto12, &err), 0);
    /* Two imports as 012 stored them, written B then A: numbered in that order (1, 2), not
     * by id. A's second line is resolved. */
    exec(db, "INSERT INTO recon_imports (id, kind, file_hash, content_hash, line_count, "
             "sum_subtotal, sum_tax, sum_total, total_ok, created_at) VALUES "
             "('rci_b', 'invoice', 'hb', 'cb', 1, '5', '0', '5', 1, 1), "
             "('rci_a', 'invoice', 'ha', 'ca', 2, '30', '0', '30', 1, 2)");
    exec(db, "INSERT INTO recon_lines (import_id, seq, line_no, status, charge_id, "
             "ms_subtotal, cspd_subtotal, difference, resolution, note, resolved_by, "
             "resolved_at) VALUES "
             "('rci_a', 1, 2, 'matched', 'chg_1', '10', '10', '0', NULL, NULL, NULL, NULL), "
             "('rci_a', 2, 3, 'amount_differs', 'chg_2', '20', '19.5', '0.5', 'explained', "
             "'fx', 'usr_1', 77), "
             "('rci_b', 1, 2, 'only_microsoft', NULL, '5', NULL, NULL, NULL, NULL, NULL, NULL)");
    assert_int_equal(db_migrate(db, &err), 0);

    assert_int_equal(count(db, "SELECT import_no FROM recon_imports WHERE id = 'rci_b'"), 1);
    assert_int_equal(count(db, "SELECT import_no FROM recon_imports WHERE id = 'rci_a'"), 2);
    assert_int_equal(count(db, "SELECT COUNT(*) FROM pragma_table_info('recon_lines') "
                               "WHERE name = 'import_id'"), 0);
    assert_int_equal(count(db, "SELECT COUNT(*) FROM recon_lines WHERE import_no = 2"), 2);
    assert_int_equal(count(db, "SELECT COUNT(*) FROM recon_lines WHERE import_no = 1"), 1);
    assert_int_equal(count(db, "SELECT COUNT(*) FROM pragma_foreign_key_check"), 0);
    assert_int_equal(repo_recon_line_get(db, "rci_a", 2, &l, &err), DB_ROW);
    assert_string_equal(l.import_id, "rci_a");
    assert_int_equal(l.line_no, 3);
    assert_string_equal(l.status, "amount_differs");
    assert_string_equal(l.charge_id, "chg_2");
    assert_string_equal(l.difference, "0.5");
    assert_string_equal(l.resolution, "explained");
    assert_string_equal(l.note, "fx");
    assert_string_equal(l.resolved_by, "usr_1");
    assert_int_equal(l.resolved_at, 77);
    assert_int_equal(repo_recon_line_get(db, "rci_b", 1, &l, &err), DB_ROW);
    assert_string_equal(l.status, "only_microsoft");
    assert_int_equal(repo_recon_line_get(db, "rci_b", 2, &l, &err), DB_DONE);
    assert_int_equal(repo_recon_line_get(db, "rci_x", 1, &l, &err), DB_DONE);

    /* A new import is number 3; its 9 lines (the fixture's: 8 in the file + 1 only in cspd)
     * are keyed by it and read back under its id; the old imports' lines are untouched. */
    seed_fixture(db);
    assert_int_equal(import_file(db, FIX "differences.csv", &res, &err), 0);
    assert_int_equal(count(db, "SELECT MAX(import_no) FROM recon_imports"), 3);
    assert_int_equal(count(db, "SELECT COUNT(*) FROM recon_lines WHERE import_no = 3"), 9);
    assert_int_equal(count(db, "SELECT COUNT(*) FROM recon_lines"), 12);
    assert_int_equal(repo_recon_line_get(db, res.id, 9, &l, &err), DB_ROW);
    assert_string_equal(l.import_id, res.id);
    assert_string_equal(l.status, "only_cspd");
    db_close(db);
}

int main(void)
{
    static uint32_t one_bit = 1;

    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip_zero_differences),
        cmocka_unit_test_prestate(test_roundtrip_zero_differences, &one_bit),
        cmocka_unit_test(test_engine_roundtrip),
        cmocka_unit_test(test_fixture_differences),
        cmocka_unit_test(test_hash_collisions),
        cmocka_unit_test(test_only_cspd_customers),
        cmocka_unit_test(test_idempotent),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_resolve),
        cmocka_unit_test(test_export),
        cmocka_unit_test(test_usage),
        cmocka_unit_test(test_migration_import_no),
    };
    struct err err;

    if (id_init(&err))
        return 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
