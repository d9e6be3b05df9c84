/*
 * tests/unit/test_day.c — the daily cycle's run over several customers (svc/day.c) and the
 * order of new subscription ids (svc/sub_svc.c).
 *
 * The run visits due subscriptions in id order, so customers alternate, and takes each
 * customer's facts (market, billing currency) from a per-run table: every subscription must
 * still be stepped with its own customer's facts. New subscription ids follow their creation
 * instant (so a day's due subscriptions are neighbours in every index keyed by id). The event
 * text the cycle writes without jansson is jansson's, byte for byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "store/repo_sub.h"
#include "svc/sub_svc.h"

static instant_t T(const char *s)
{
    instant_t t;
    struct err e;

    assert_int_equal(instant_parse_cstr(s, &t, &e), 0);
    return t;
}

static int exec_sql(struct db *db, const char *sql)
{
    struct err e;

    return db_exec(db, sql, &e);
}

static void add_price(struct svc_ctx *ctx, const char *market, const char *ccy,
                      const char *price, struct date to)
{
    struct price_point p;
    struct err e;

    memset(&p, 0, sizeof(p));
    snprintf(p.sku, sizeof(p.sku), "STANDARD");
    snprintf(p.market, sizeof(p.market), "%s", market);
    snprintf(p.currency, sizeof(p.currency), "%s", ccy);
    p.term = TERM_P1M;
    p.billing = BILLING_MONTHLY;
    assert_int_equal(dec_parse_cstr(price, &p.unit_price, &e), 0);
    p.effective_from = (struct date){2020, 1, 1};
    p.effective_to = to;
    assert_int_equal(catalog_svc_add_price(ctx, &p, NULL, "test", &e), 0);
}

static int count_where(struct db *db, const char *sql, const char *arg)
{
    struct db_stmt *st;
    struct err e;
    int n = -1;

    if (db_prepare(db, sql, &st, &e) < 0 || db_bind_text(st, 1, arg, &e) < 0)
        return -1;
    if (db_step(st, &e) == DB_ROW)
        n = (int)db_column_int64(st, 0);
    db_finalize(st);
    return n;
}

/* The subscription's one renew line has this subtotal (compared as a decimal). */
static bool renew_subtotal_is(struct db *db, const char *sub_id, const char *want)
{
    struct db_stmt *st;
    struct err e;
    struct dec got, w;
    bool ok = false;

    if (db_prepare(db, "SELECT subtotal FROM charges WHERE subscription_id = ? AND"
                       " charge_type = 'renew'", &st, &e) < 0 ||
        db_bind_text(st, 1, sub_id, &e) < 0)
        return false;
    if (db_step(st, &e) == DB_ROW && dec_parse_cstr(db_column_text(st, 0), &got, &e) == 0 &&
        dec_parse_cstr(want, &w, &e) == 0)
        ok = dec_cmp(got, w) == 0;
    db_finalize(st);
    return ok;
}

/*
 * Customer U (market US, USD) and customer C (market CA, CAD) each order STANDARD P1M monthly,
 * alternately, on 2026-01-15. The US price is open-ended; the CA price ends on 2026-02-10.
 * The term ends 2026-02-14, so on 2026-02-15 (nce-rules Part A 1, 15): U's subscriptions renew
 * at 12.00 USD a seat, C's expire (no price at the term end, Part A 15 "dead ends") and write
 * no line. A run that used the other customer's market for any subscription would renew a
 * C subscription or expire a U one.
 */
static void day_each_customer_own_facts(int idle_customers)
{
    struct db *db;
    struct err e;
    struct svc_ctx ctx = {0};
    struct sub_order_req req = {.sku = "STANDARD", .term = TERM_P1M,
                                .billing = BILLING_MONTHLY, .quantity = 2, .auto_renew = true};
    struct day_stats st;
    char id[6][ID_MAXLEN];
    static const char *at[6] = {"2026-01-15T10:00:00Z", "2026-01-15T10:00:01Z",
                                "2026-01-15T10:00:02Z", "2026-01-15T10:00:03Z",
                                "2026-01-15T11:00:00Z", "2026-01-15T12:00:00Z"};

    assert_int_equal(id_init(&e), 0);
    assert_int_equal(db_open(":memory:", &db, &e), 0);
    assert_int_equal(db_migrate(db, &e), 0);
    ctx.db = db;
    assert_int_equal(exec_sql(db, "INSERT INTO partners (id, kind, name, country, currency,"
                                  " mpa_accepted_at, created_at) VALUES ('prt_test', 'direct',"
                                  " 'P', 'US', 'USD', 0, 0), ('prt_ca', 'direct', 'Q', 'CA', 'CAD', 0, 0)"),
                     0);
    assert_int_equal(exec_sql(db, "INSERT INTO customers (id, owner_partner_id, name, country,"
                                  " market, billing_currency, mca_status, created_at) VALUES"
                                  " ('cus_u', 'prt_test', 'U', 'US', 'US', 'USD', 'accepted', 0),"
                                  " ('cus_c', 'prt_ca', 'C', 'CA', 'CA', 'CAD', 'accepted', 0)"),
                     0);
    for (int i = 0; i < idle_customers; i++) {
        char sql[256];

        snprintf(sql, sizeof(sql), "INSERT INTO customers (id, owner_partner_id, name, country,"
                 " market, billing_currency, mca_status, created_at) VALUES ('cus_idle%d',"
                 " 'prt_test', 'I', 'US', 'US', 'USD', 'accepted', 0)", i);
        assert_int_equal(exec_sql(db, sql), 0);
    }
    add_price(&ctx, "US", "USD", "12.00", (struct date){0, 0, 0});
    add_price(&ctx, "CA", "CAD", "16.00", (struct date){2026, 2, 10});
    for (int i = 0; i < 6; i++) {
        req.customer_id = i % 2 ? "cus_c" : "cus_u";
        if (sub_order(&ctx, &req, T(at[i]), id[i], &e) < 0)
            fail_msg("order %d: %s (%s)", i, e.msg, err_reason(&e));
        assert_true(id_has_kind(id[i], "sub"));
        /* ordered by creation: a later order's id sorts after (different seconds) */
        if (i > 0)
            assert_true(strcmp(id[i - 1], id[i]) < 0);
    }
    assert_int_equal(day_run(&ctx, T("2026-02-15T00:00:00Z"), &st, &e), 0);
    assert_int_equal((int)st.subscriptions, 6);
    assert_int_equal((int)st.renewed, 3);
    assert_int_equal((int)st.expired, 3);
    for (int i = 0; i < 6; i++) {
        struct sub_row row;

        assert_int_equal(repo_sub_get(db, NULL, id[i], &row, &e), 0);
        if (i % 2) {
            assert_int_equal(row.s.status, SUB_EXPIRED);
            assert_int_equal(count_where(db, "SELECT COUNT(*) FROM charges WHERE"
                                             " subscription_id = ? AND charge_type = 'renew'",
                                         id[i]),
                             0);
        } else {
            assert_int_equal(row.s.status, SUB_ACTIVE);
            /* 2 seats x 12.00 USD, one month, billed in USD */
            assert_int_equal(count_where(db, "SELECT COUNT(*) FROM charges WHERE"
                                             " subscription_id = ? AND charge_type = 'renew'"
                                             " AND currency = 'USD' AND billing_currency = 'USD'",
                                         id[i]),
                             1);
            assert_true(renew_subtotal_is(db, id[i], "24.00"));
        }
    }
    db_close(db);
}

/* Few customers: the run reads them all first (svc/day.c cache_preload). */
static void test_day_customers_preloaded(void **state)
{
    (void)state;
    day_each_customer_own_facts(0);
}

/* Many more customers than due subscriptions: each is looked up when first met. */
static void test_day_customers_looked_up(void **state)
{
    (void)state;
    day_each_customer_own_facts(40);
}

/* lc_event_text writes what json_dumps(lc_event_to_json(ev), JSON_COMPACT) writes. */
static void assert_event_text_as_jansson(const struct lc_event *ev)
{
    char buf[LC_EVENT_TEXT_MAX];
    json_t *j = lc_event_to_json(ev);
    char *want = json_dumps(j, JSON_COMPACT);
    int n = lc_event_text(ev, buf, sizeof(buf));

    assert_non_null(want);
    assert_int_equal(n, (int)strlen(want));
    assert_string_equal(buf, want);
    free(want);
    json_decref(j);
}

static void test_event_text_as_jansson(void **state)
{
    struct lc_event ev;
    struct err e;
    char buf[LC_EVENT_TEXT_MAX];

    (void)state;
    /* every kind, empty then with every field set (each kind writes the fields it has) */
    for (int k = EV_CREATED; k <= EV_DECISION_SET; k++) {
        memset(&ev, 0, sizeof(ev));
        ev.kind = (enum lc_event_kind)k;
        assert_event_text_as_jansson(&ev);
        snprintf(ev.sku, sizeof(ev.sku), "CFQ7TTC0LH18:0001");
        snprintf(ev.currency, sizeof(ev.currency), "JPY");
        ev.term = TERM_P3Y;
        ev.billing = BILLING_ANNUAL;
        ev.quantity = -2147483647 - 1;
        assert_int_equal(dec_parse_cstr("1234.5678", &ev.unit_price, &e), 0);
        ev.decision = DECISION_EST;
        ev.has_changes = true;
        ev.changes.has_sku = true;
        snprintf(ev.changes.sku, sizeof(ev.changes.sku), "CFQ7TTC0LDPB:0001");
        ev.changes.has_quantity = true;
        ev.changes.quantity = 20;
        ev.term_start = (struct date){2026, 2, 28};
        ev.term_end = (struct date){2029, 2, 27};
        ev.cycle = 36;
        ev.window_deadline = 1793577600;
        ev.purchased = (struct date){2025, 4, 1};
        snprintf(ev.ref, sizeof(ev.ref), "sub_22upy4g36uoaias2rotnsh2h6v");
        ev.reason = EXPIRY_NOT_ELIGIBLE;
        assert_event_text_as_jansson(&ev);
        /* changes with every field, then none */
        ev.changes.has_term = ev.changes.has_billing = true;
        ev.changes.term = TERM_P1M;
        ev.changes.billing = BILLING_MONTHLY;
        ev.window_deadline = -1;
        assert_event_text_as_jansson(&ev);
        memset(&ev.changes, 0, sizeof(ev.changes));
        assert_event_text_as_jansson(&ev);
    }
    /* a string jansson would escape: left to jansson */
    memset(&ev, 0, sizeof(ev));
    ev.kind = EV_UPGRADED;
    snprintf(ev.sku, sizeof(ev.sku), "A\"B");
    assert_int_equal(lc_event_text(&ev, buf, sizeof(buf)), -1);
    snprintf(ev.sku, sizeof(ev.sku), "caf\xc3\xa9");
    assert_int_equal(lc_event_text(&ev, buf, sizeof(buf)), -1);
    /* too small a buffer: -1, never a cut text */
    snprintf(ev.sku, sizeof(ev.sku), "CFQ7TTC0LH18:0001");
    assert_int_equal(lc_event_text(&ev, buf, 10), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_day_customers_preloaded),
        cmocka_unit_test(test_day_customers_looked_up),
        cmocka_unit_test(test_event_text_as_jansson),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
