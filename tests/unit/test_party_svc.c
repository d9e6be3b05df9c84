/*
 * tests/unit/test_party_svc.c — the party use cases (svc/party.h) on a fresh ":memory:" store:
 * validation errors name their field, program rules refuse with their reason codes, roles are
 * enforced, every change writes one audit row in its transaction, and a refusal leaves
 * nothing behind (no row, no audit). Also the MCA record (accepted, attested, refused), the
 * MPA, partial updates, and the FY26 compliance report with its dates.
 *
 * The clock is 2026-05-01T00:00:00Z. Partners: D (distributor, DE), R (reseller, DE, MPA),
 * RX (reseller, DE, no MPA), RUS (reseller, US, MPA), P (direct-bill, DE, MPA).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/date.h"
#include "core/id.h"
#include "store/db.h"
#include "store/repo_party.h"
#include "store/scope.h"
#include "svc/party.h"

#define NOW ((instant_t)1777593600) /* 2026-05-01T00:00:00Z */

struct fx {
    struct db *db;
    struct scope all;
    char d[ID_MAXLEN], r[ID_MAXLEN], rx[ID_MAXLEN], rus[ID_MAXLEN], p[ID_MAXLEN];
};

static struct scope partner_scope(const char *id, enum user_role role)
{
    struct scope s;

    memset(&s, 0, sizeof(s));
    s.kind = SCOPE_PARTNER;
    s.role = role;
    snprintf(s.partner_id, sizeof(s.partner_id), "%s", id);
    snprintf(s.user_id, sizeof(s.user_id), "usr_admin_of_%.20s", id);
    snprintf(s.request_id, sizeof(s.request_id), "req-test-1");
    return s;
}

static int64_t scalar(struct db *db, const char *sql)
{
    struct db_stmt *st;
    struct err err;
    int64_t v;

    err_clear(&err);
    if (db_prepare(db, sql, &st, &err) != 0)
        fail_msg("%s: %s", sql, err.msg);
    assert_int_equal(db_step(st, &err), DB_ROW);
    v = db_column_int64(st, 0);
    db_finalize(st);
    return v;
}

/* One text column of the first row of `sql` (bound to `arg`), copied. */
static void text_of(struct db *db, const char *sql, const char *arg, char *buf, size_t size)
{
    struct db_stmt *st;
    struct err err;
    const char *t;

    err_clear(&err);
    if (db_prepare(db, sql, &st, &err) != 0)
        fail_msg("%s: %s", sql, err.msg);
    if (arg)
        assert_int_equal(db_bind_text(st, 1, arg, &err), 0);
    assert_int_equal(db_step(st, &err), DB_ROW);
    t = db_column_text(st, 0);
    snprintf(buf, size, "%s", t ? t : "(null)");
    db_finalize(st);
}

static int64_t audit_rows(struct fx *f)
{
    return scalar(f->db, "SELECT count(*) FROM audit_log");
}

static void mk_partner(struct fx *f, const char *kind, const char *country, bool mpa,
                       char id[ID_MAXLEN])
{
    struct party_partner out;
    struct err err;
    json_t *in = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:s}", "kind", kind,
                           "name", kind, "country", country, "currency", "EUR", "pla_id",
                           "7654321", "pga_id", "1000001", "pla_verified", 1,
                           "csp_tenant_active", 1, "csp_tenant_id",
                           "11111111-2222-4333-8444-555555555555");
    json_t *m = json_pack("{s:s, s:s}", "accepted_on", "2026-02-01", "accepted_by",
                          "Global Admin <ga@example.com>");

    err_clear(&err);
    if (strcmp(country, "DE") != 0)
        json_object_set_new(in, "currency", json_string("USD"));
    if (svc_partner_create(f->db, &f->all, NOW, in, &out, &err) != 0)
        fail_msg("partner: %s (%s)", err.msg, err.field);
    if (mpa && svc_partner_accept_mpa(f->db, &f->all, NOW, out.p.id, m, &out, &err) != 0)
        fail_msg("mpa: %s (%s)", err.msg, err.field);
    memcpy(id, out.p.id, ID_MAXLEN);
    json_decref(in);
    json_decref(m);
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    struct err err;

    err_clear(&err);
    assert_int_equal(id_init(&err), 0);
    assert_int_equal(db_open(":memory:", &f->db, &err), 0);
    assert_int_equal(db_migrate(f->db, &err), 0);
    scope_init_installation(&f->all);
    mk_partner(f, "distributor", "DE", true, f->d);
    mk_partner(f, "indirect_reseller", "DE", true, f->r);
    mk_partner(f, "indirect_reseller", "DE", false, f->rx);
    mk_partner(f, "indirect_reseller", "US", true, f->rus);
    mk_partner(f, "direct_bill", "DE", true, f->p);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;

    db_close(f->db);
    free(f);
    return 0;
}

/* Run a use case taking JSON text; return its result with `err` filled. */
#define WITH_JSON(var, text) json_t *var = json_loads((text), 0, NULL); assert_non_null(var)

static void expect_err(const struct err *err, enum err_code code, const char *reason,
                       const char *field)
{
    if (err->code != code || (reason && strcmp(err_reason(err), reason) != 0) ||
        (field && strcmp(err->field, field) != 0))
        fail_msg("expected %s/%s/%s, got %s/%s/%s: %s", err_code_name(code),
                 reason ? reason : "*", field ? field : "*", err_code_name(err->code),
                 err_reason(err), err->field, err->msg);
}

static int relate(struct fx *f, const struct scope *s, const char *d, const char *r,
                  struct party_relationship *out, struct err *err)
{
    json_t *in = json_pack("{s:s, s:s}", "distributor_id", d, "reseller_id", r);
    int rc = svc_relationship_establish(f->db, s, NOW, in, out, err);

    json_decref(in);
    return rc;
}

static int indirect_customer(struct fx *f, const struct scope *s, const char *market,
                             struct party_customer *out, struct err *err)
{
    json_t *in = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "name", "Tailspin Toys",
                           "country", "DE", "market", market, "billing_currency", "EUR",
                           "distributor_id", f->d, "reseller_id", f->r, "tenant_id",
                           "AAAAAAAA-bbbb-4ccc-8ddd-eeeeeeeeeeee");
    int rc = svc_customer_create(f->db, s, NOW, in, out, err);

    json_decref(in);
    return rc;
}

/* ---- partners ------------------------------------------------------------------------------ */

static void test_partner_validation_names_the_field(void **state)
{
    static const struct { const char *json, *field; } cases[] = {
        {"{\"kind\":\"distributor\",\"country\":\"DE\",\"currency\":\"EUR\"}", "name"},
        {"{\"kind\":\"wholesaler\",\"name\":\"x\",\"country\":\"DE\",\"currency\":\"EUR\"}",
         "kind"},
        {"{\"kind\":\"distributor\",\"name\":\"x\",\"country\":\"DEU\",\"currency\":\"EUR\"}",
         "country"},
        {"{\"kind\":\"distributor\",\"name\":\"x\",\"country\":\"DE\",\"currency\":\"ABC\"}",
         "currency"},
        {"{\"kind\":\"distributor\",\"name\":\"x\",\"country\":\"DE\",\"currency\":\"EUR\","
         "\"colour\":\"red\"}", "colour"},
        {"{\"kind\":\"distributor\",\"name\":\"x\",\"country\":\"DE\",\"currency\":\"EUR\","
         "\"pla_id\":\"12ab\"}", "pla_id"},
        {"{\"kind\":\"distributor\",\"name\":\"x\",\"country\":\"DE\",\"currency\":\"EUR\","
         "\"csp_tenant_id\":\"not-a-guid\"}", "csp_tenant_id"},
        {"{\"kind\":\"distributor\",\"name\":\"x\",\"country\":\"DE\",\"currency\":\"EUR\","
         "\"ttm_revenue_usd\":1000}", "ttm_revenue_usd"},
        {"{\"kind\":\"distributor\",\"name\":\"x\",\"country\":\"DE\",\"currency\":\"EUR\","
         "\"region\":\"atlantis\"}", "region"},
        {"{\"kind\":\"distributor\",\"name\":\"x\",\"country\":\"DE\",\"currency\":\"EUR\","
         "\"support_plan\":\"gold\"}", "support_plan"},
        {"{\"kind\":\"distributor\",\"name\":\"x\",\"country\":\"DE\",\"currency\":\"EUR\","
         "\"onboarded_on\":\"2025-02-30\"}", "onboarded_on"},
        {"{\"kind\":\"distributor\",\"name\":\"x\",\"country\":\"XK\",\"currency\":\"EUR\"}",
         "country"},
    };
    struct fx *f = *state;
    int64_t before = scalar(f->db, "SELECT count(*) FROM partners");
    struct party_partner out;
    struct err err;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        WITH_JSON(in, cases[i].json);
        err_clear(&err);
        assert_int_equal(svc_partner_create(f->db, &f->all, NOW, in, &out, &err), -1);
        expect_err(&err, ERR_INVALID, NULL, cases[i].field);
        json_decref(in);
    }
    assert_int_equal(scalar(f->db, "SELECT count(*) FROM partners"), before);
}

static void test_partner_create_audited_and_roles(void **state)
{
    struct fx *f = *state;
    struct scope admin = partner_scope(f->d, ROLE_ADMIN);
    struct party_partner out;
    struct err err;
    char buf[4096];
    int64_t audits = audit_rows(f);
    WITH_JSON(in, "{\"kind\":\"direct_bill\",\"name\":\"Fabrikam\",\"country\":\"us\","
                  "\"currency\":\"usd\",\"designations\":[\"Modern Work\"]}");

    err_clear(&err);
    /* Only the installation adds partners. */
    assert_int_equal(svc_partner_create(f->db, &admin, NOW, in, &out, &err), -1);
    expect_err(&err, ERR_FORBIDDEN, NULL, NULL);
    assert_int_equal(audit_rows(f), audits);

    assert_int_equal(svc_partner_create(f->db, &f->all, NOW, in, &out, &err), 0);
    assert_string_equal(out.p.country, "US");
    assert_string_equal(out.p.currency, "USD");
    assert_string_equal(program_partner_region(&out.p), "united_states");
    assert_int_equal(audit_rows(f), audits + 1);
    text_of(f->db, "SELECT action || ' ' || object_type || ' ' || object_id || ' ' || actor"
            " || ' ' || scope || ' ' || coalesce(before, 'null') FROM audit_log"
            " ORDER BY id DESC LIMIT 1", NULL, buf, sizeof(buf));
    assert_non_null(strstr(buf, "partner.create partner prt_"));
    assert_non_null(strstr(buf, " system installation null"));
    text_of(f->db, "SELECT after FROM audit_log ORDER BY id DESC LIMIT 1", NULL, buf,
            sizeof(buf));
    assert_non_null(strstr(buf, "\"name\":\"Fabrikam\""));
    assert_non_null(strstr(buf, "\"designations\":[\"Modern Work\"]"));
    json_decref(in);
}

static void test_partner_update_patch(void **state)
{
    struct fx *f = *state;
    struct scope own = partner_scope(f->r, ROLE_OWNER), other = partner_scope(f->d, ROLE_ADMIN);
    struct scope ro = partner_scope(f->r, ROLE_READ_ONLY);
    struct party_partner out;
    struct err err;
    char buf[4096];
    int64_t audits = audit_rows(f);

    err_clear(&err);
    {
        WITH_JSON(in, "{\"name\":\"Renamed Reseller\",\"security_contact\":\"sec@r.example\","
                      "\"alert_response_minutes\":90}");
        /* read-only users and other partners (even its distributor) may not */
        assert_int_equal(svc_partner_update(f->db, &ro, NOW, f->r, in, &out, &err), -1);
        expect_err(&err, ERR_FORBIDDEN, NULL, NULL);
        assert_int_equal(svc_partner_update(f->db, &other, NOW, f->r, in, &out, &err), -1);
        expect_err(&err, ERR_NOT_FOUND, NULL, NULL); /* no relationship yet: not even seen */
        assert_int_equal(audit_rows(f), audits);
        assert_int_equal(svc_partner_update(f->db, &own, NOW + 5, f->r, in, &out, &err), 0);
        assert_string_equal(out.p.name, "Renamed Reseller");
        assert_true(out.security_contact_known);
        assert_int_equal(out.alert_response_minutes.value, 90);
        assert_int_equal(out.updated_at, NOW + 5);
        assert_true(out.p.mpa_accepted); /* untouched fields stay */
        json_decref(in);
    }
    assert_int_equal(audit_rows(f), audits + 1);
    text_of(f->db, "SELECT action || ' ' || actor || ' ' || scope || ' ' || request_id || ' '"
            " || before FROM audit_log ORDER BY id DESC LIMIT 1", NULL, buf, sizeof(buf));
    assert_non_null(strstr(buf, "partner.update usr_admin_of_"));
    assert_non_null(strstr(buf, " partner:prt_"));
    assert_non_null(strstr(buf, " req-test-1 "));
    assert_non_null(strstr(buf, "\"name\":\"indirect_reseller\""));
    {
        WITH_JSON(in, "{\"kind\":\"distributor\"}");
        assert_int_equal(svc_partner_update(f->db, &own, NOW, f->r, in, &out, &err), -1);
        expect_err(&err, ERR_INVALID, NULL, "kind");
        json_decref(in);
    }
    {
        WITH_JSON(in, "{\"status\":\"active\",\"security_contact\":null}");
        assert_int_equal(svc_partner_update(f->db, &own, NOW, f->r, in, &out, &err), 0);
        assert_false(out.security_contact_known);
        json_decref(in);
    }
    {
        WITH_JSON(in, "{\"status\":\"suspended\"}");
        assert_int_equal(svc_partner_update(f->db, &own, NOW, f->r, in, &out, &err), -1);
        expect_err(&err, ERR_FORBIDDEN, NULL, "status");
        assert_int_equal(svc_partner_update(f->db, &f->all, NOW, f->r, in, &out, &err), 0);
        assert_int_equal(out.p.status, PARTNER_STATUS_SUSPENDED);
        json_decref(in);
    }
    {
        WITH_JSON(in, "{\"name\":null}");
        assert_int_equal(svc_partner_update(f->db, &f->all, NOW, f->r, in, &out, &err), -1);
        expect_err(&err, ERR_INVALID, NULL, "name");
        json_decref(in);
    }
}

static void test_mpa(void **state)
{
    struct fx *f = *state;
    struct party_partner out;
    struct err err;

    err_clear(&err);
    {
        WITH_JSON(in, "{\"accepted_on\":\"2026-05-02\",\"accepted_by\":\"ga@example.com\"}");
        assert_int_equal(svc_partner_accept_mpa(f->db, &f->all, NOW, f->rx, in, &out, &err),
                         -1);
        expect_err(&err, ERR_INVALID, NULL, "accepted_on");
        json_decref(in);
    }
    {
        WITH_JSON(in, "{\"accepted_on\":\"2026-05-01\"}");
        assert_int_equal(svc_partner_accept_mpa(f->db, &f->all, NOW, f->rx, in, &out, &err),
                         -1);
        expect_err(&err, ERR_INVALID, NULL, "accepted_by");
        json_decref(in);
    }
    {
        WITH_JSON(in, "{\"accepted_on\":\"2026-05-01\",\"accepted_by\":\"ga@example.com\"}");
        assert_int_equal(svc_partner_accept_mpa(f->db, &f->all, NOW, f->rx, in, &out, &err),
                         0);
        assert_true(out.p.mpa_accepted);
        assert_int_equal(out.p.mpa_accepted_on.day, 1);
        assert_string_equal(out.mpa_accepted_by, "ga@example.com");
        json_decref(in);
    }
    assert_int_equal(scalar(f->db, "SELECT count(*) FROM audit_log WHERE action ="
                                   " 'partner.mpa_accept'"), 5);
}

/* ---- relationships --------------------------------------------------------------------- */

static void test_relationship_refusals_leave_nothing(void **state)
{
    struct fx *f = *state;
    struct party_relationship rel;
    struct err err;
    int64_t audits = audit_rows(f);

    err_clear(&err);
    /* program.md §3: only within one region */
    assert_int_equal(relate(f, &f->all, f->d, f->rus, &rel, &err), -1);
    expect_err(&err, ERR_REFUSED, "region_mismatch", "reseller_id");
    /* program.md §2: the reseller must have accepted the MPA */
    assert_int_equal(relate(f, &f->all, f->d, f->rx, &rel, &err), -1);
    expect_err(&err, ERR_REFUSED, "mpa_not_accepted", "reseller_id");
    /* kinds: a distributor and a reseller */
    assert_int_equal(relate(f, &f->all, f->p, f->r, &rel, &err), -1);
    expect_err(&err, ERR_INVALID, NULL, "distributor_id");
    assert_int_equal(relate(f, &f->all, f->d, "prt_aaaaaaaaaaaaaaaaaaaaaaaaaa", &rel, &err), -1);
    expect_err(&err, ERR_INVALID, NULL, "reseller_id");
    assert_int_equal(scalar(f->db, "SELECT count(*) FROM relationships"), 0);
    assert_int_equal(audit_rows(f), audits);
}

static void test_relationship_establish_and_end(void **state)
{
    struct fx *f = *state;
    struct scope dist = partner_scope(f->d, ROLE_ADMIN), res = partner_scope(f->r, ROLE_OWNER);
    struct scope sales = partner_scope(f->d, ROLE_SALES);
    struct party_relationship rel, again, ended;
    struct err err;

    err_clear(&err);
    /* the reseller does not invite; sales users do not manage relationships */
    assert_int_equal(relate(f, &res, f->d, f->r, &rel, &err), -1);
    expect_err(&err, ERR_FORBIDDEN, NULL, "distributor_id");
    assert_int_equal(relate(f, &sales, f->d, f->r, &rel, &err), -1);
    expect_err(&err, ERR_FORBIDDEN, NULL, NULL);
    assert_int_equal(relate(f, &dist, f->d, f->r, &rel, &err), 0);
    assert_string_equal(rel.region, "europe");
    assert_false(rel.ended);
    assert_int_equal(rel.started_at, NOW);
    assert_int_equal(relate(f, &dist, f->d, f->r, &again, &err), -1);
    expect_err(&err, ERR_CONFLICT, "relationship_exists", "reseller_id");
    /* either side may end it, once */
    assert_int_equal(svc_relationship_end(f->db, &res, NOW + 10, rel.id, &ended, &err), 0);
    assert_true(ended.ended);
    assert_int_equal(ended.ended_at, NOW + 10);
    assert_int_equal(svc_relationship_end(f->db, &dist, NOW + 20, rel.id, &ended, &err), -1);
    expect_err(&err, ERR_CONFLICT, "relationship_ended", NULL);
    /* and it may be established again, later */
    {
        json_t *in = json_pack("{s:s, s:s}", "distributor_id", f->d, "reseller_id", f->r);

        assert_int_equal(svc_relationship_establish(f->db, &dist, NOW + 30, in, &again, &err),
                         0);
        json_decref(in);
    }
    assert_string_not_equal(again.id, rel.id);
    assert_int_equal(scalar(f->db, "SELECT count(*) FROM audit_log WHERE object_type ="
                                   " 'relationship'"), 3);
    /* ended and re-established within the same second: the history's key (distributor,
       reseller, started_at) would repeat, so it is a 409 that names the wait, not a 500 */
    assert_int_equal(svc_relationship_end(f->db, &dist, NOW + 30, again.id, &ended, &err), 0);
    {
        json_t *in = json_pack("{s:s, s:s}", "distributor_id", f->d, "reseller_id", f->r);

        assert_int_equal(svc_relationship_establish(f->db, &dist, NOW + 30, in, &rel, &err),
                         -1);
        expect_err(&err, ERR_CONFLICT, "relationship_restarted_too_soon", "reseller_id");
        assert_int_equal(svc_relationship_establish(f->db, &dist, NOW + 31, in, &rel, &err),
                         0);
        json_decref(in);
    }
    assert_int_equal(scalar(f->db, "SELECT count(*) FROM relationships"), 3);
}

/* ---- customers ------------------------------------------------------------------------- */

static void test_customer_refusals_mapped_and_rolled_back(void **state)
{
    struct fx *f = *state;
    struct party_relationship rel;
    struct party_customer out;
    struct err err;
    int64_t audits;

    err_clear(&err);
    audits = audit_rows(f);
    /* no relationship between D and R yet (program.md §1) */
    assert_int_equal(indirect_customer(f, &f->all, "DE", &out, &err), -1);
    expect_err(&err, ERR_REFUSED, "no_relationship", "reseller_id");
    assert_int_equal(relate(f, &f->all, f->d, f->r, &rel, &err), 0);
    audits = audit_rows(f);
    /* market in another region than the seller's (program.md §3) */
    assert_int_equal(indirect_customer(f, &f->all, "US", &out, &err), -1);
    expect_err(&err, ERR_REFUSED, "region_mismatch", "market");
    {
        /* the customer's tenant is the seller's own CSP tenant (program.md §5) */
        WITH_JSON(in, "{\"name\":\"Self\",\"country\":\"DE\",\"billing_currency\":\"EUR\","
                      "\"partner_id\":\"\",\"tenant_id\":"
                      "\"11111111-2222-4333-8444-555555555555\"}");
        json_object_set_new(in, "partner_id", json_string(f->p));
        assert_int_equal(svc_customer_create(f->db, &f->all, NOW, in, &out, &err), -1);
        expect_err(&err, ERR_REFUSED, "self_sale", "tenant_id");
        /* a reseller cannot be a customer's direct seller (program.md §1) */
        json_object_set_new(in, "partner_id", json_string(f->r));
        json_object_del(in, "tenant_id");
        assert_int_equal(svc_customer_create(f->db, &f->all, NOW, in, &out, &err), -1);
        expect_err(&err, ERR_REFUSED, "not_transacting_partner", "partner_id");
        /* a distributor sells through a reseller: 422 naming the form */
        json_object_set_new(in, "partner_id", json_string(f->d));
        assert_int_equal(svc_customer_create(f->db, &f->all, NOW, in, &out, &err), -1);
        expect_err(&err, ERR_INVALID, NULL, "partner_id");
        json_decref(in);
    }
    assert_int_equal(scalar(f->db, "SELECT count(*) FROM customers"), 0);
    assert_int_equal(audit_rows(f), audits);
    assert_int_equal(indirect_customer(f, &f->all, "DE", &out, &err), 0);
    assert_string_equal(out.owner_partner_id, f->d);
    assert_string_equal(out.distributor_id, f->d);
    assert_string_equal(out.reseller_id, f->r);
    assert_string_equal(out.c.tenant_id, "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee");
    assert_int_equal(audit_rows(f), audits + 1);
    {
        /* filed under the customer, so its partners and the customer see it in /v1/audit */
        char tenant[128];

        text_of(f->db, "SELECT coalesce(customer_id, '-') || ' ' || coalesce(partner_id, '-')"
                " FROM audit_log WHERE action = 'customer.create' AND object_id = ?", out.c.id,
                tenant, sizeof(tenant));
        assert_true(strncmp(tenant, out.c.id, strlen(out.c.id)) == 0);
        text_of(f->db, "SELECT partner_id FROM audit_log WHERE action ="
                " 'relationship.establish'", NULL, tenant, sizeof(tenant));
        assert_string_equal(tenant, f->d);
    }
}

static void test_customer_seller_without_mpa(void **state)
{
    struct fx *f = *state;
    char p2[ID_MAXLEN];
    struct party_customer out;
    struct err err;
    json_t *in;

    mk_partner(f, "direct_bill", "DE", false, p2);
    in = json_pack("{s:s, s:s, s:s, s:s}", "name", "Contoso", "country", "DE",
                   "billing_currency", "EUR", "partner_id", p2);
    err_clear(&err);
    assert_int_equal(svc_customer_create(f->db, &f->all, NOW, in, &out, &err), -1);
    expect_err(&err, ERR_REFUSED, "mpa_not_accepted", "partner_id");
    json_decref(in);
}

static void test_customer_validation_names_the_field(void **state)
{
    static const struct { const char *json, *field; } cases[] = {
        {"{\"country\":\"DE\",\"billing_currency\":\"EUR\",\"partner_id\":\"P\"}", "name"},
        {"{\"name\":\"x\",\"country\":\"DE\",\"billing_currency\":\"EURO\","
         "\"partner_id\":\"P\"}", "billing_currency"},
        {"{\"name\":\"x\",\"country\":\"DE\",\"billing_currency\":\"EUR\"}", "partner_id"},
        {"{\"name\":\"x\",\"country\":\"DE\",\"billing_currency\":\"EUR\","
         "\"reseller_id\":\"R\"}", "distributor_id"},
        {"{\"name\":\"x\",\"country\":\"DE\",\"billing_currency\":\"EUR\","
         "\"partner_id\":\"cus_aaaaaaaaaaaaaaaaaaaaaaaaaa\"}", "partner_id"},
        {"{\"name\":\"x\",\"country\":\"DE\",\"billing_currency\":\"EUR\",\"partner_id\":\"P\","
         "\"domain\":\"not a domain\"}", "domain"},
        {"{\"name\":\"x\",\"country\":\"DE\",\"billing_currency\":\"EUR\",\"partner_id\":\"P\","
         "\"credit_limit\":\"10.005\"}", "credit_limit"},
        {"{\"name\":\"x\",\"country\":\"DE\",\"billing_currency\":\"EUR\",\"partner_id\":\"P\","
         "\"credit_limit\":\"-1\"}", "credit_limit"},
        {"{\"name\":\"x\",\"country\":\"DE\",\"billing_currency\":\"EUR\",\"partner_id\":\"P\","
         "\"contacts\":[{\"name\":\"A\",\"email\":\"nope\"}]}", "contacts[0].email"},
        {"{\"name\":\"x\",\"country\":\"DE\",\"billing_currency\":\"EUR\",\"partner_id\":\"P\","
         "\"portal_enabled\":\"yes\"}", "portal_enabled"},
        {"{\"name\":\"x\",\"country\":\"DE\",\"market\":\"XK\",\"billing_currency\":\"EUR\","
         "\"partner_id\":\"P\"}", "market"},
        {"{\"name\":\"x\",\"country\":\"DE\",\"billing_currency\":\"EUR\",\"partner_id\":\"P\","
         "\"mca_status\":\"accepted\"}", "mca_status"},
    };
    struct fx *f = *state;
    struct party_customer out;
    struct err err;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        WITH_JSON(in, cases[i].json);
        json_t *pid = json_object_get(in, "partner_id");

        if (pid && strcmp(json_string_value(pid), "P") == 0)
            json_object_set_new(in, "partner_id", json_string(f->p));
        if (json_object_get(in, "reseller_id"))
            json_object_set_new(in, "reseller_id", json_string(f->r));
        err_clear(&err);
        assert_int_equal(svc_customer_create(f->db, &f->all, NOW, in, &out, &err), -1);
        expect_err(&err, ERR_INVALID, NULL, cases[i].field);
        json_decref(in);
    }
    assert_int_equal(scalar(f->db, "SELECT count(*) FROM customers"), 0);
}

static void test_customer_roles_and_own_book(void **state)
{
    struct fx *f = *state;
    struct scope res = partner_scope(f->r, ROLE_SALES), ro = partner_scope(f->r, ROLE_READ_ONLY);
    struct scope direct = partner_scope(f->p, ROLE_ADMIN);
    struct scope portal;
    struct party_relationship rel;
    struct party_customer out, got;
    struct err err;

    err_clear(&err);
    assert_int_equal(relate(f, &f->all, f->d, f->r, &rel, &err), 0);
    assert_int_equal(indirect_customer(f, &ro, "DE", &out, &err), -1);
    expect_err(&err, ERR_FORBIDDEN, NULL, NULL);
    {
        /* the installation's read-only staff do not write either */
        struct scope inst_ro = f->all;

        inst_ro.role = ROLE_READ_ONLY;
        assert_int_equal(indirect_customer(f, &inst_ro, "DE", &out, &err), -1);
        expect_err(&err, ERR_FORBIDDEN, NULL, NULL);
    }
    /* the direct-bill partner cannot add a customer to someone else's book */
    assert_int_equal(indirect_customer(f, &direct, "DE", &out, &err), -1);
    expect_err(&err, ERR_FORBIDDEN, NULL, "reseller_id");
    /* the reseller's sales user can add one to its own */
    assert_int_equal(indirect_customer(f, &res, "DE", &out, &err), 0);
    memset(&portal, 0, sizeof(portal));
    portal.kind = SCOPE_CUSTOMER;
    portal.role = ROLE_PORTAL;
    memcpy(portal.customer_id, out.c.id, ID_MAXLEN);
    {
        WITH_JSON(in, "{\"name\":\"Portal rename\"}");
        assert_int_equal(svc_customer_update(f->db, &portal, NOW, out.c.id, in, &got, &err), -1);
        expect_err(&err, ERR_FORBIDDEN, NULL, NULL);
        json_decref(in);
    }
    assert_int_equal(svc_customer_get(f->db, &portal, out.c.id, &got, &err), 0);
}

static void test_customer_update(void **state)
{
    struct fx *f = *state;
    struct party_relationship rel;
    struct party_customer out, got;
    struct err err;
    int64_t audits;

    err_clear(&err);
    assert_int_equal(relate(f, &f->all, f->d, f->r, &rel, &err), 0);
    assert_int_equal(indirect_customer(f, &f->all, "DE", &out, &err), 0);
    audits = audit_rows(f);
    {
        WITH_JSON(in, "{\"market\":\"US\"}");
        assert_int_equal(svc_customer_update(f->db, &f->all, NOW, out.c.id, in, &got, &err), -1);
        expect_err(&err, ERR_REFUSED, "region_mismatch", "market");
        json_decref(in);
    }
    {
        WITH_JSON(in, "{\"reseller_id\":null}");
        assert_int_equal(svc_customer_update(f->db, &f->all, NOW, out.c.id, in, &got, &err), -1);
        expect_err(&err, ERR_INVALID, NULL, "reseller_id");
        json_decref(in);
    }
    assert_int_equal(audit_rows(f), audits);
    {
        WITH_JSON(in, "{\"market\":\"FR\",\"credit_limit\":\"5000.5\",\"portal_enabled\":true,"
                      "\"domain\":\"Tailspin.OnMicrosoft.com\",\"contacts\":[{\"name\":"
                      "\"Ann Billing\",\"email\":\"ann@tailspin.example\",\"role\":\"billing\"}]}");
        assert_int_equal(svc_customer_update(f->db, &f->all, NOW + 1, out.c.id, in, &got, &err),
                         0);
        json_decref(in);
    }
    assert_string_equal(got.c.country, "FR");
    assert_string_equal(got.address_country, "DE");
    assert_string_equal(got.domain, "tailspin.onmicrosoft.com");
    assert_true(got.has_credit_limit);
    assert_true(got.portal_enabled);
    assert_int_equal(got.n_contacts, 1);
    assert_string_equal(got.contacts[0].email, "ann@tailspin.example");
    assert_string_equal(got.c.name, "Tailspin Toys");
    assert_int_equal(audit_rows(f), audits + 1);
}

/* ---- MCA ------------------------------------------------------------------------------- */

static int record_mca(struct fx *f, const struct scope *s, const char *id, const char *json,
                      struct party_customer *out, struct err *err)
{
    json_t *in = json_loads(json, 0, NULL);
    int rc;

    assert_non_null(in);
    rc = svc_customer_record_mca(f->db, s, NOW, id, in, out, err);
    json_decref(in);
    return rc;
}

#define ATTEST(date) \
    "{\"status\":\"attested\",\"accepted_on\":\"" date "\",\"signer_first_name\":\"Jo\"," \
    "\"signer_last_name\":\"Doe\",\"signer_email\":\"jo@tailspin.example\"," \
    "\"signer_phone\":\"+49 30 1234567\",\"agreement_version\":\"MCA 2024-01\"}"

static void test_mca(void **state)
{
    struct fx *f = *state;
    struct scope dist = partner_scope(f->d, ROLE_ADMIN), res = partner_scope(f->r, ROLE_ADMIN);
    struct party_relationship rel;
    struct party_customer c, out;
    struct err err;
    int64_t audits;

    err_clear(&err);
    assert_int_equal(relate(f, &f->all, f->d, f->r, &rel, &err), 0);
    assert_int_equal(indirect_customer(f, &f->all, "DE", &c, &err), 0);
    assert_int_equal(c.c.mca.status, MCA_NONE);
    assert_false(program_mca_valid(&c.c, NOW));
    audits = audit_rows(f);

    /* program.md §2: a reseller cannot attest */
    assert_int_equal(record_mca(f, &res, c.c.id, ATTEST("2026-04-30"), &out, &err), -1);
    expect_err(&err, ERR_REFUSED, "attestation_not_allowed", "attested_by");
    assert_int_equal(record_mca(f, &f->all, c.c.id,
                                "{\"status\":\"attested\",\"attested_by\":\"\"}", &out, &err),
                     -1);
    /* an acceptance date is never in the future */
    assert_int_equal(record_mca(f, &dist, c.c.id, ATTEST("2026-05-02"), &out, &err), -1);
    expect_err(&err, ERR_REFUSED, "mca_date_in_future", "accepted_on");
    assert_int_equal(record_mca(f, &dist, c.c.id,
                                "{\"status\":\"accepted\",\"accepted_on\":\"2026-05-02\"}",
                                &out, &err), -1);
    expect_err(&err, ERR_REFUSED, "mca_date_in_future", "accepted_on");
    /* the signer's details are required for an attestation */
    assert_int_equal(record_mca(f, &dist, c.c.id,
                                "{\"status\":\"attested\",\"accepted_on\":\"2026-04-30\","
                                "\"signer_first_name\":\"Jo\",\"signer_last_name\":\"Doe\","
                                "\"signer_email\":\"jo@tailspin.example\"}", &out, &err), -1);
    expect_err(&err, ERR_INVALID, NULL, "signer_phone");
    assert_int_equal(record_mca(f, &dist, c.c.id, "{\"status\":\"signed\"}", &out, &err), -1);
    expect_err(&err, ERR_INVALID, NULL, "status");
    assert_int_equal(audit_rows(f), audits);

    /* the distributor attests today: valid */
    assert_int_equal(record_mca(f, &dist, c.c.id, ATTEST("2026-05-01"), &out, &err), 0);
    assert_int_equal(out.c.mca.status, MCA_ATTESTED);
    assert_int_equal(out.c.mca.attested_by, PARTNER_DISTRIBUTOR);
    assert_string_equal(out.c.mca.attested_by_partner_id, f->d);
    assert_string_equal(out.c.mca.signer_phone, "+49 30 1234567");
    assert_true(program_mca_valid(&out.c, NOW));
    assert_int_equal(audit_rows(f), audits + 1);
    assert_int_equal(scalar(f->db, "SELECT count(*) FROM audit_log WHERE action ="
                                   " 'customer.mca_record' AND before LIKE '%\"status\":\"none\"%'"
                                   " AND after LIKE '%\"status\":\"attested\"%'"), 1);
    {
        char name[128];

        text_of(f->db, "SELECT mca_signer_name FROM customers WHERE id = ?", c.c.id, name,
                sizeof(name));
        assert_string_equal(name, "Jo Doe");
    }
    /* the installation may attest in the distributor's name, never in a stranger's */
    assert_int_equal(record_mca(f, &f->all, c.c.id,
                                "{\"status\":\"attested\",\"attested_by\":"
                                "\"prt_aaaaaaaaaaaaaaaaaaaaaaaaaa\"}", &out, &err), -1);
    expect_err(&err, ERR_INVALID, NULL, "attested_by");
    /* the customer accepting directly replaces the record */
    assert_int_equal(record_mca(f, &res, c.c.id, "{\"status\":\"accepted\"}", &out, &err), 0);
    assert_int_equal(out.c.mca.status, MCA_ACCEPTED);
    assert_true(program_mca_valid(&out.c, NOW));
    assert_string_equal(out.c.mca.attested_by_partner_id, "");
}

/* ---- compliance ------------------------------------------------------------------------ */

static void test_compliance_report(void **state)
{
    struct fx *f = *state;
    struct party_compliance rep;
    struct party_partner out;
    struct err err;
    json_t *j;

    err_clear(&err);
    /* a reseller with everything recorded but revenue below USD 1,000 */
    {
        WITH_JSON(in, "{\"onboarded_on\":\"2024-09-15\",\"security_contact\":\"s@r.example\","
                      "\"business_email\":true,\"ttm_revenue_usd\":\"640\"}");
        assert_int_equal(svc_partner_update(f->db, &f->all, NOW, f->r, in, &out, &err), 0);
        json_decref(in);
    }
    assert_int_equal(svc_partner_compliance(f->db, &f->all, NOW, f->r, &rep, &err), 0);
    assert_int_equal(rep.overall, AUTH_NOT_MET);
    assert_int_equal(rep.report.not_met, 1);     /* revenue */
    assert_int_equal(rep.report.unknown, 1);     /* admin MFA: no admin users recorded */
    assert_int_equal(rep.reassessment_month, 9);
    assert_int_equal(rep.next_reassessment.year, 2026);
    assert_int_equal(rep.next_reassessment.month, 9);
    assert_int_equal(rep.remediation_deadline.month, 10);
    assert_int_equal(rep.remediation_deadline.day, 1);
    assert_string_equal(rep.remediation_basis, "next_reassessment");
    j = party_compliance_to_json(&rep);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "overall")), "not_met");
    assert_int_equal(json_array_size(json_object_get(j, "missing")), 2);
    json_decref(j);

    /* in remediation: 30 days from the last reassessment (2025-09-01) */
    {
        WITH_JSON(in, "{\"status\":\"remediation\",\"onboarded_on\":\"2024-04-10\"}");
        assert_int_equal(svc_partner_update(f->db, &f->all, NOW, f->r, in, &out, &err), 0);
        json_decref(in);
    }
    assert_int_equal(svc_partner_compliance(f->db, &f->all, NOW, f->r, &rep, &err), 0);
    assert_int_equal(rep.next_reassessment.month, 4);
    assert_int_equal(rep.next_reassessment.year, 2027);
    assert_int_equal(rep.remediation_deadline.year, 2026);
    assert_int_equal(rep.remediation_deadline.month, 5);
    assert_int_equal(rep.remediation_deadline.day, 1);
    assert_string_equal(rep.remediation_basis, "failed_reassessment");

    /* a distributor with nothing recorded: unknowns, no deadline */
    assert_int_equal(svc_partner_compliance(f->db, &f->all, NOW, f->d, &rep, &err), 0);
    assert_int_equal(rep.overall, AUTH_UNKNOWN);
    assert_int_equal(rep.report.not_met, 0);
    assert_int_equal(rep.reassessment_month, 0);
    assert_int_equal(rep.remediation_deadline.year, 0);
    /* out of scope: not found */
    {
        struct scope p = partner_scope(f->p, ROLE_ADMIN);

        assert_int_equal(svc_partner_compliance(f->db, &p, NOW, f->d, &rep, &err), -1);
        expect_err(&err, ERR_NOT_FOUND, NULL, NULL);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_partner_validation_names_the_field, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_partner_create_audited_and_roles, setup, teardown),
        cmocka_unit_test_setup_teardown(test_partner_update_patch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mpa, setup, teardown),
        cmocka_unit_test_setup_teardown(test_relationship_refusals_leave_nothing, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_relationship_establish_and_end, setup, teardown),
        cmocka_unit_test_setup_teardown(test_customer_refusals_mapped_and_rolled_back, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_customer_seller_without_mpa, setup, teardown),
        cmocka_unit_test_setup_teardown(test_customer_validation_names_the_field, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_customer_roles_and_own_book, setup, teardown),
        cmocka_unit_test_setup_teardown(test_customer_update, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mca, setup, teardown),
        cmocka_unit_test_setup_teardown(test_compliance_report, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
