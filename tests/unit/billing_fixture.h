/*
 * tests/unit/billing_fixture.h — the store, the helpers and the two-tier November chain that
 * test_invoice.c and test_reports.c share (included by each; not a test program itself).
 *
 * The chain (worked line by line in test_invoice.c's header): distributor prt_D sells to
 * reseller prt_R, which sells to customer cus_C; Microsoft's charge lines of November 2026 are
 * inserted in the engine's shape, margin rules and the reseller's VAT rate set. Every helper
 * is static; -Wunused-function is off for this header only, as each program uses a subset.
 */
#ifndef CSPD_TESTS_BILLING_FIXTURE_H
#define CSPD_TESTS_BILLING_FIXTURE_H

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"

static struct db *db;
static struct bill_ctx ctx;
static const struct scope all = {.kind = SCOPE_INSTALLATION};

static void sql(const char *text)
{
    struct err e;

    if (db_exec(db, text, &e) < 0)
        fail_msg("%s: %s", text, e.msg);
}

static int seq;

/* One Microsoft charge line, in the engine's shape. */
static void charge(const char *sub, const char *type, const char *sku, const char *start,
                   const char *end, int qty, const char *unit, const char *eup,
                   const char *subtotal, const char *ccy, const char *bccy, const char *rate,
                   const char *bsub)
{
    char buf[1024];
    int k = ++seq;

    snprintf(buf, sizeof(buf),
             "INSERT INTO charges (id, subscription_id, event_seq, charge_type, sku,"
             " start_date, end_date, quantity, unit_price, effective_unit_price, subtotal,"
             " currency, billing_currency, exchange_rate, billing_subtotal, est, created_at)"
             " VALUES ('chg_%04d', '%s', %d, '%s', '%s', '%s', '%s', %d, '%s', '%s', '%s',"
             " '%s', '%s', %s, %s, 0, %d)",
             k, sub, k, type, sku, start, end, qty, unit, eup, subtotal, ccy, bccy,
             rate ? rate : "NULL", bsub ? bsub : "NULL", 1000 + k);
    sql(buf);
}

static void partner(const char *id, const char *kind, const char *ccy)
{
    char buf[512];

    snprintf(buf, sizeof(buf), "INSERT INTO partners (id, kind, name, country, currency,"
             " created_at) VALUES ('%s', '%s', 'Partner %s', 'DE', '%s', 0)", id, kind, id, ccy);
    sql(buf);
}

static void customer(const char *id, const char *owner, const char *dist, const char *res,
                     const char *ccy)
{
    char buf[512];

    snprintf(buf, sizeof(buf), "INSERT INTO customers (id, owner_partner_id, distributor_id,"
             " reseller_id, name, country, market, billing_currency, created_at) VALUES"
             " ('%s', '%s', %s%s%s, %s%s%s, 'Customer %s', 'DE', 'DE', '%s', 0)", id, owner,
             dist ? "'" : "", dist ? dist : "NULL", dist ? "'" : "", res ? "'" : "",
             res ? res : "NULL", res ? "'" : "", id, ccy);
    sql(buf);
}

static void subscription(const char *id, const char *partner_id, const char *cus,
                         const char *sku)
{
    char buf[512];

    snprintf(buf, sizeof(buf), "INSERT INTO subscriptions (id, partner_id, customer_id, sku,"
             " term, billing, status, quantity, created_at, updated_at) VALUES ('%s', '%s',"
             " '%s', '%s', 'P1M', 'monthly', 'active', 1, 0, 0)", id, partner_id, cus, sku);
    sql(buf);
}

static void rule(const char *seller, enum margin_level lvl, const char *target,
                 const char *prod, enum margin_kind kind, const char *value, const char *from)
{
    struct margin_rule r;
    struct err e;

    memset(&r, 0, sizeof(r));
    snprintf(r.seller_id, sizeof(r.seller_id), "%s", seller);
    r.level = lvl;
    snprintf(r.target_id, sizeof(r.target_id), "%s", target);
    snprintf(r.product_id, sizeof(r.product_id), "%s", prod);
    r.kind = kind;
    assert_int_equal(dec_parse_cstr(value, &r.value, &e), 0);
    snprintf(r.currency, sizeof(r.currency), "EUR");
    assert_int_equal(date_parse_cstr(from, &r.from, &e), 0);
    if (repo_margin_insert(db, &r, NULL, 0, &e) < 0)
        fail_msg("rule: %s", e.msg);
}

static instant_t at(const char *s)
{
    instant_t t;
    struct err e;

    assert_int_equal(instant_parse_cstr(s, &t, &e), 0);
    return t;
}

static int open_db(void **state)
{
    struct err e;

    (void)state;
    seq = 0;
    if (id_init(&e) < 0 || db_open(":memory:", &db, &e) < 0 || db_migrate(db, &e) < 0)
        fail_msg("db: %s", e.msg);
    ctx.db = db;
    return 0;
}

static int close_db(void **state)
{
    (void)state;
    db_close(db);
    db = NULL;
    return 0;
}

#define assert_dec(got, want)                                                              \
    do {                                                                                   \
        char b_[DEC_STRLEN];                                                               \
        struct dec w_;                                                                     \
        struct err e_;                                                                     \
        dec_format(got, b_);                                                               \
        assert_int_equal(dec_parse_cstr(want, &w_, &e_), 0);                               \
        if (dec_cmp(got, w_) != 0)                                                         \
            fail_msg("got %s, want %s", b_, want);                                          \
    } while (0)

static void chain_setup(void)
{
    struct err e;

    partner("prt_D", "distributor", "EUR");
    partner("prt_R", "reseller", "EUR");
    customer("cus_C", "prt_D", "prt_D", "prt_R", "EUR");
    subscription("sub_S1", "prt_D", "cus_C", "PROD1:0001");
    subscription("sub_S2", "prt_D", "cus_C", "PROD2:0001");
    rule("prt_D", MARGIN_LEVEL_PARTNER, "", "", MARGIN_MARKUP, "10", "2026-01-01");
    rule("prt_R", MARGIN_LEVEL_PARTNER, "", "", MARGIN_MARKUP, "20", "2026-01-01");
    rule("prt_R", MARGIN_LEVEL_CUSTOMER, "cus_C", "PROD2", MARGIN_FIXED, "25.00", "2026-01-01");
    assert_int_equal(repo_invoice_put_tax_rate(db, "prt_R", "DE", "19", "VAT", &e), 0);
    charge("sub_S1", "new", "PROD1:0001", "2026-11-01", "2026-11-30", 10, "10.08", "10.08",
           "100.80", "EUR", "EUR", NULL, NULL);
    charge("sub_S1", "addQuantity", "PROD1:0001", "2026-11-12", "2026-11-30", 10, "10.08",
           "-6.384", "-63.84", "EUR", "EUR", NULL, NULL);
    charge("sub_S1", "addQuantity", "PROD1:0001", "2026-11-12", "2026-11-30", 13, "10.08",
           "6.384", "82.99", "EUR", "EUR", NULL, NULL);
    charge("sub_S2", "new", "PROD2:0001", "2026-11-01", "2026-11-30", 1, "20.00", "20.00",
           "20.00", "EUR", "EUR", NULL, NULL);
    charge("sub_S2", "cancelImmediate", "PROD2:0001", "2026-11-05", "2026-11-30", 1, "20.00",
           "-17.33", "-17.33", "EUR", "EUR", NULL, NULL);
}

#pragma GCC diagnostic pop

#endif
