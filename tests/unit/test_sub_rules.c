/*
 * tests/unit/test_sub_rules.c — the program-rule and catalog hooks of the subscription use
 * cases (svc/sub_rules.c, sub_svc.c) and their place in the refusal priority, on a real
 * in-memory store.
 *
 * The fixture: a direct-bill partner in DE with the MPA, a distributor and a reseller in DE
 * with a relationship, customers of each in DE (MCA accepted unless said otherwise), a DE
 * price for two SKUs. Each test changes one fact and checks the reason code an order, a seat
 * change or an upgrade gets — and that the daily-cycle commands the rules do not gate
 * (cancel, suspend) still pass, and that a refusal writes nothing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/id.h"
#include "store/db.h"
#include "store/repo_sub.h"
#include "svc/sub_read.h"
#include "svc/sub_svc.h"

#define PRT "prt_direct"
#define DIS "prt_dist"
#define RES "prt_res"
#define CUS "cus_direct"
#define CUS_NO_MCA "cus_nomca"
#define CUS_IND "cus_indirect"

static struct db *db;
static struct svc_ctx ctx;

static instant_t T(const char *s)
{
    instant_t t = 0;
    struct err e;

    assert_int_equal(instant_parse_cstr(s, &t, &e), 0);
    return t;
}

static void sql(const char *q)
{
    struct err e;

    err_clear(&e);
    if (db_exec(db, q, &e) != 0)
        fail_msg("%s: %s", q, e.msg);
}

static int count(const char *q)
{
    struct db_stmt *st = NULL;
    struct err e;
    int n = -1;

    assert_int_equal(db_prepare(db, q, &st, &e), 0);
    if (db_step(st, &e) == DB_ROW)
        n = (int)db_column_int64(st, 0);
    db_finalize(st);
    return n;
}

static void add_price(const char *sku)
{
    struct price_point p;
    struct err e;

    memset(&p, 0, sizeof(p));
    snprintf(p.sku, sizeof(p.sku), "%s", sku);
    snprintf(p.market, sizeof(p.market), "DE");
    snprintf(p.currency, sizeof(p.currency), "EUR");
    p.term = TERM_P1M;
    p.billing = BILLING_MONTHLY;
    assert_int_equal(dec_parse_cstr("10.00", &p.unit_price, &e), 0);
    p.effective_from = (struct date){2025, 1, 1};
    assert_int_equal(catalog_svc_add_price(&ctx, &p, NULL, "test", &e), 0);
}

static int setup(void **state)
{
    struct err e;

    (void)state;
    assert_int_equal(id_init(&e), 0);
    assert_int_equal(db_open(":memory:", &db, &e), 0);
    assert_int_equal(db_migrate(db, &e), 0);
    memset(&ctx, 0, sizeof(ctx));
    ctx.db = db;
    ctx.actor = "tester";
    sql("INSERT INTO partners (id, kind, name, country, currency, mpa_accepted_at, status,"
        " pla_id, pla_verified, csp_tenant_id, csp_tenant_active, created_at) VALUES"
        " ('" PRT "', 'direct', 'Direct', 'DE', 'EUR', 0, 'active', NULL, 0, NULL, 0, 0),"
        " ('" DIS "', 'distributor', 'Dist', 'DE', 'EUR', 0, 'active', '1234567', 1, NULL,"
        " 1, 0),"
        " ('" RES "', 'reseller', 'Res', 'DE', 'EUR', 0, 'active', '7654321', 1,"
        " '11111111-2222-4333-8444-555555555555', 1, 0)");
    sql("INSERT INTO relationships (id, distributor_id, reseller_id, region, started_at)"
        " VALUES ('rel_1', '" DIS "', '" RES "', 'europe', 0)");
    sql("INSERT INTO customers (id, owner_partner_id, distributor_id, reseller_id, name,"
        " country, market, billing_currency, mca_status, created_at) VALUES"
        " ('" CUS "', '" PRT "', NULL, NULL, 'C', 'DE', 'DE', 'EUR', 'accepted', 0),"
        " ('" CUS_NO_MCA "', '" PRT "', NULL, NULL, 'N', 'DE', 'DE', 'EUR', 'none', 0),"
        " ('" CUS_IND "', '" DIS "', '" DIS "', '" RES "', 'I', 'DE', 'DE', 'EUR',"
        " 'accepted', 0)");
    add_price("BASE:0001");
    add_price("ADDON:0001");
    sql("INSERT INTO upgrade_paths (from_sku, to_sku) VALUES ('BASE:0001', 'ADDON:0001')");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    return 0;
}

/* An order of `qty` seats of `sku` for `cus` at `at`: the reason code, or "" when accepted. */
static const char *order(const char *cus, const char *sku, int32_t qty, const char *at,
                         char id[ID_MAXLEN])
{
    static struct err e;
    struct sub_order_req r = {.customer_id = cus, .sku = sku, .term = TERM_P1M,
                              .billing = BILLING_MONTHLY, .quantity = qty, .auto_renew = true};

    err_clear(&e);
    if (sub_order(&ctx, &r, T(at), id, &e) == 0)
        return "";
    return err_reason(&e);
}

static void test_order_passes_the_rules(void **state)
{
    char id[ID_MAXLEN];

    (void)state;
    assert_string_equal(order(CUS, "BASE:0001", 3, "2026-03-01T10:00:00Z", id), "");
    assert_string_equal(order(CUS_IND, "BASE:0001", 3, "2026-03-01T10:00:00Z", id), "");
}

static void test_mca_keeps_its_rank(void **state)
{
    char id[ID_MAXLEN];

    (void)state;
    /* the engine's gate: mca_not_accepted outranks invalid_quantity (scenarios.md) */
    assert_string_equal(order(CUS_NO_MCA, "BASE:0001", 0, "2026-03-01T10:00:00Z", id),
                        "mca_not_accepted");
}

static void test_region_mismatch_ranks_after_not_active(void **state)
{
    char id[ID_MAXLEN];
    struct err e;
    int audits;

    (void)state;
    assert_string_equal(order(CUS, "BASE:0001", 5, "2026-03-01T10:00:00Z", id), "");
    sql("UPDATE partners SET region = 'united_states' WHERE id = '" PRT "'");
    /* a program refusal outranks the engine's own (invalid_quantity) on an order */
    assert_string_equal(order(CUS, "BASE:0001", 0, "2026-03-02T10:00:00Z", id),
                        "region_mismatch");
    audits = count("SELECT COUNT(*) FROM audit_log");
    /* seat increase and decrease are gated like a purchase (program.md §2) */
    assert_int_equal(sub_change_quantity(&ctx, id, 6, T("2026-03-02T10:00:00Z"), &e), -1);
    assert_string_equal(err_reason(&e), "region_mismatch");
    assert_int_equal(sub_change_quantity(&ctx, id, 4, T("2026-03-02T10:00:00Z"), &e), -1);
    assert_string_equal(err_reason(&e), "region_mismatch");
    assert_int_equal(sub_upgrade(&ctx, id, "ADDON:0001", false, 0, NULL,
                                 T("2026-03-02T10:00:00Z"), NULL, &e), -1);
    assert_string_equal(err_reason(&e), "region_mismatch");
    assert_int_equal(count("SELECT COUNT(*) FROM audit_log"), audits); /* nothing written */
    /* cancelling is not gated (existing subscriptions keep running) */
    assert_int_equal(sub_cancel(&ctx, id, T("2026-03-02T10:00:00Z"), &e), 0);
    /* and on a cancelled subscription subscription_not_active comes first */
    assert_int_equal(sub_change_quantity(&ctx, id, 6, T("2026-03-02T11:00:00Z"), &e), -1);
    assert_string_equal(err_reason(&e), "subscription_not_active");
    sql("UPDATE partners SET region = NULL WHERE id = '" PRT "'");
}

static void test_partner_rules(void **state)
{
    char id[ID_MAXLEN];

    (void)state;
    sql("UPDATE partners SET mpa_accepted_at = NULL WHERE id = '" PRT "'");
    assert_string_equal(order(CUS, "BASE:0001", 1, "2026-03-01T10:00:00Z", id),
                        "mpa_not_accepted");
    sql("UPDATE partners SET mpa_accepted_at = 0, status = 'suspended' WHERE id = '" PRT "'");
    assert_string_equal(order(CUS, "BASE:0001", 1, "2026-03-01T10:00:00Z", id),
                        "partner_not_authorized");
    sql("UPDATE partners SET status = 'active' WHERE id = '" PRT "'");
    /* partner of record: from 2025-09-01 the reseller needs a verified PLA ID (§4) */
    sql("UPDATE partners SET pla_verified = 0 WHERE id = '" RES "'");
    assert_string_equal(order(CUS_IND, "BASE:0001", 1, "2025-08-31T23:59:59Z", id), "");
    assert_string_equal(order(CUS_IND, "BASE:0001", 1, "2025-09-01T00:00:00Z", id),
                        "por_invalid");
    sql("UPDATE partners SET pla_verified = 1 WHERE id = '" RES "'");
    /* a reseller transacts only through a distributor it works with (§1) */
    sql("UPDATE relationships SET ended_at = 1 WHERE id = 'rel_1'");
    assert_string_equal(order(CUS_IND, "BASE:0001", 1, "2026-03-01T10:00:00Z", id),
                        "no_relationship");
    sql("UPDATE relationships SET ended_at = NULL WHERE id = 'rel_1'");
    /* self-sale: the customer is another CSP partner's transacting tenant (§5) */
    sql("UPDATE customers SET csp_transacting_tenant = 1 WHERE id = '" CUS "'");
    assert_string_equal(order(CUS, "BASE:0001", 1, "2026-03-01T10:00:00Z", id), "self_sale");
    sql("UPDATE customers SET csp_transacting_tenant = 0 WHERE id = '" CUS "'");
}

static void test_catalog_data(void **state)
{
    char id[ID_MAXLEN], base[ID_MAXLEN];
    struct err e;

    (void)state;
    sql("INSERT INTO seat_limits (sku, min_seats, max_seats, updated_at) VALUES"
        " ('BASE:0001', 2, 300, 0)");
    sql("INSERT INTO sku_prerequisites (sku, requires, updated_at) VALUES"
        " ('ADDON:0001', 'BASE', 0)");
    /* the engine's refusals come first; then the catalog's */
    assert_string_equal(order(CUS, "BASE:0001", 0, "2026-04-01T10:00:00Z", id),
                        "invalid_quantity");
    assert_string_equal(order(CUS, "BASE:0001", 1, "2026-04-01T10:00:00Z", id),
                        "below_seat_minimum");
    assert_string_equal(order(CUS, "BASE:0001", 301, "2026-04-01T10:00:00Z", id),
                        "above_seat_maximum");
    sql("UPDATE subscriptions SET status = 'cancelled' WHERE customer_id = '" CUS "'");
    assert_string_equal(order(CUS, "ADDON:0001", 1, "2026-04-01T10:00:00Z", id),
                        "base_license_required");
    assert_string_equal(order(CUS, "BASE:0001", 2, "2026-04-01T10:00:00Z", base), "");
    assert_string_equal(order(CUS, "ADDON:0001", 1, "2026-04-01T10:00:00Z", id), "");
    /* a seat change is held to the limits of the new count */
    assert_int_equal(sub_change_quantity(&ctx, base, 1, T("2026-04-01T11:00:00Z"), &e), -1);
    assert_string_equal(err_reason(&e), "below_seat_minimum");
    assert_int_equal(sub_change_quantity(&ctx, base, 3, T("2026-04-01T11:00:00Z"), &e), 0);
    sql("DELETE FROM seat_limits");
    sql("DELETE FROM sku_prerequisites");
}

static void test_audit_and_scope(void **state)
{
    struct scope other, mine;
    struct sub_row row;
    char id[ID_MAXLEN];
    struct err e;

    (void)state;
    assert_string_equal(order(CUS, "BASE:0001", 4, "2026-05-01T10:00:00Z", id), "");
    /* the audit row is filed under the customer, with the actor and the business time */
    {
        char q[256];

        snprintf(q, sizeof(q), "SELECT COUNT(*) FROM audit_log WHERE object_id = '%s' AND"
                 " customer_id = '" CUS "' AND actor = 'tester' AND action ="
                 " 'subscription.order' AND at = %lld", id,
                 (long long)T("2026-05-01T10:00:00Z"));
        assert_int_equal(count(q), 1);
    }
    /* another partner's scope: the subscription and the customer do not exist */
    memset(&other, 0, sizeof(other));
    other.kind = SCOPE_PARTNER;
    other.role = ROLE_OWNER;
    snprintf(other.partner_id, sizeof(other.partner_id), DIS);
    ctx.scope = &other;
    assert_int_equal(sub_get(&ctx, id, &row, &e), -1);
    assert_int_equal(e.code, ERR_NOT_FOUND);
    assert_int_equal(sub_cancel(&ctx, id, T("2026-05-01T11:00:00Z"), &e), -1);
    assert_int_equal(e.code, ERR_NOT_FOUND);
    {
        struct sub_order_req r = {.customer_id = CUS, .sku = "BASE:0001", .term = TERM_P1M,
                                  .billing = BILLING_MONTHLY, .quantity = 1};
        char nid[ID_MAXLEN];

        assert_int_equal(sub_order(&ctx, &r, T("2026-05-01T11:00:00Z"), nid, &e), -1);
        assert_int_equal(e.code, ERR_NOT_FOUND);
    }
    /* with a scope, a never-created subscription is not found rather than not active */
    assert_int_equal(sub_cancel(&ctx, "sub_nothing", T("2026-05-01T11:00:00Z"), &e), -1);
    assert_int_equal(e.code, ERR_NOT_FOUND);
    /* the owner's scope sees it */
    memset(&mine, 0, sizeof(mine));
    mine.kind = SCOPE_PARTNER;
    mine.role = ROLE_SALES;
    snprintf(mine.partner_id, sizeof(mine.partner_id), PRT);
    snprintf(mine.user_id, sizeof(mine.user_id), "usr_sales");
    ctx.scope = &mine;
    assert_int_equal(sub_get(&ctx, id, &row, &e), 0);
    assert_int_equal(sub_change_quantity(&ctx, id, 5, T("2026-05-01T12:00:00Z"), &e), 0);
    {
        char q[200];

        snprintf(q, sizeof(q), "SELECT COUNT(*) FROM audit_log WHERE object_id = '%s' AND"
                 " actor = 'usr_sales' AND action = 'subscription.set_quantity'", id);
        assert_int_equal(count(q), 1);
    }
    ctx.scope = NULL;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_passes_the_rules),
        cmocka_unit_test(test_mca_keeps_its_rank),
        cmocka_unit_test(test_region_mismatch_ranks_after_not_active),
        cmocka_unit_test(test_partner_rules),
        cmocka_unit_test(test_catalog_data),
        cmocka_unit_test(test_audit_and_scope),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
