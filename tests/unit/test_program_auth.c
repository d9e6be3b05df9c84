/*
 * tests/unit/test_program_auth.c — FY26 authorization requirements (program.md §6,
 * nce-rules.md §12): which requirements apply to each partner kind, met / not met / unknown
 * with the sentence that says what is missing, the reassessment month and the 30-day
 * remediation deadline.
 *
 * Expected rows and thresholds are read off program.md §6's table by hand: indirect reseller
 * USD 1,000 per PLA tenant, MFA, security contact, MPA, verified PLA ID, business e-mail;
 * direct-bill USD 1,000,000 per PGA, ASfP/PSfP, one designation, 12 months as reseller, MFA,
 * security contact, alerts within 24 h, MPA, PLA; distributor USD 30,000,000, ASfP/PSfP, MFA,
 * security contact, alerts within 24 h, MPA, PLA.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "domain/program/program.h"

static struct dec usd(const char *s)
{
    struct dec v;
    struct err e;

    if (dec_parse_cstr(s, &v, &e) != 0)
        fail_msg("bad decimal %s: %s", s, e.msg);
    return v;
}

static struct fact_count count(int64_t v)
{
    return (struct fact_count){ true, v };
}

static struct fact_money money(const char *s)
{
    return (struct fact_money){ true, usd(s) };
}

/* Facts that meet every requirement of every kind. */
static struct auth_facts all_met(const char *revenue)
{
    struct auth_facts f;

    memset(&f, 0, sizeof(f));
    f.ttm_revenue_usd = money(revenue);
    f.admin_users = count(4);
    f.admin_users_with_mfa = count(4);
    f.security_contact = FACT_YES;
    f.alert_response_minutes = count(90);
    f.designations = count(1);
    f.reseller_months = count(12);
    f.support_plan = SUPPORT_PLAN_ADVANCED;
    f.mpa_accepted = FACT_YES;
    f.pla_verified = FACT_YES;
    f.business_email = FACT_YES;
    return f;
}

static const struct auth_result *find(const struct auth_report *r, const char *id)
{
    for (size_t i = 0; i < r->n; i++) {
        if (strcmp(r->results[i].req->id, id) == 0)
            return &r->results[i];
    }
    fail_msg("requirement %s not in the report", id);
    return NULL;
}

static void evaluate(enum partner_kind kind, const struct auth_facts *f, struct auth_report *r)
{
    struct err e;

    err_clear(&e);
    if (program_authorization_evaluate(kind, f, r, &e) != 0)
        fail_msg("evaluate failed: %s", e.msg);
}

static void assert_ids(const struct auth_report *r, const char *const *ids, size_t n)
{
    assert_int_equal(r->n, n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(r->results[i].req->id, ids[i]);
}

static void test_rows_per_kind(void **state)
{
    static const char *const reseller_ids[] = {
        "ttm_revenue", "admin_mfa", "security_contact", "mpa_accepted", "pla_verified",
        "business_email",
    };
    static const char *const direct_ids[] = {
        "ttm_revenue", "support_plan", "solutions_partner_designation", "prior_experience",
        "admin_mfa", "security_contact", "security_alert_response", "mpa_accepted",
        "pla_verified",
    };
    static const char *const distributor_ids[] = {
        "ttm_revenue", "support_plan", "admin_mfa", "security_contact",
        "security_alert_response", "mpa_accepted", "pla_verified",
    };
    struct auth_facts f = all_met("50000000");
    struct auth_report r;

    (void)state;
    evaluate(PARTNER_INDIRECT_RESELLER, &f, &r);
    assert_ids(&r, reseller_ids, 6);
    assert_int_equal(r.met, 6);
    assert_int_equal(r.kind, PARTNER_INDIRECT_RESELLER);
    evaluate(PARTNER_DIRECT_BILL, &f, &r);
    assert_ids(&r, direct_ids, 9);
    assert_int_equal(r.met, 9);
    evaluate(PARTNER_DISTRIBUTOR, &f, &r);
    assert_ids(&r, distributor_ids, 7);
    assert_int_equal(r.met, 7);
    assert_int_equal(r.not_met, 0);
    assert_int_equal(r.unknown, 0);
}

/* Nothing recorded: every requirement is unknown, none guessed. */
static void test_all_unknown(void **state)
{
    struct auth_facts f;
    struct auth_report r;

    (void)state;
    memset(&f, 0, sizeof(f));
    evaluate(PARTNER_INDIRECT_RESELLER, &f, &r);
    assert_int_equal(r.unknown, 6);
    assert_int_equal(r.met + r.not_met, 0);
    assert_string_equal(find(&r, "ttm_revenue")->detail, "trailing-12-month revenue not recorded");
    assert_int_equal(find(&r, "business_email")->state, AUTH_UNKNOWN);
    evaluate(PARTNER_DIRECT_BILL, &f, &r);
    assert_int_equal(r.unknown, 9);
    evaluate(PARTNER_DISTRIBUTOR, &f, &r);
    assert_int_equal(r.unknown, 7);
    assert_int_equal(find(&r, "support_plan")->state, AUTH_UNKNOWN);
}

static void test_reseller_revenue(void **state)
{
    struct auth_facts f = all_met("640");
    struct auth_report r;
    const struct auth_result *x;

    (void)state;
    evaluate(PARTNER_INDIRECT_RESELLER, &f, &r);
    x = find(&r, "ttm_revenue");
    assert_int_equal(x->state, AUTH_NOT_MET);
    assert_string_equal(x->detail, "trailing-12-month revenue USD 640.00 is below USD 1,000");
    assert_int_equal(r.not_met, 1);
    assert_int_equal(r.met, 5);

    f.ttm_revenue_usd = money("999.99");
    evaluate(PARTNER_INDIRECT_RESELLER, &f, &r);
    x = find(&r, "ttm_revenue");
    assert_int_equal(x->state, AUTH_NOT_MET);
    assert_string_equal(x->detail, "trailing-12-month revenue USD 999.99 is below USD 1,000");

    /* Shown truncated: never "1,000.00 is below 1,000". */
    f.ttm_revenue_usd = money("999.999");
    evaluate(PARTNER_INDIRECT_RESELLER, &f, &r);
    x = find(&r, "ttm_revenue");
    assert_int_equal(x->state, AUTH_NOT_MET);
    assert_string_equal(x->detail, "trailing-12-month revenue USD 999.99 is below USD 1,000");

    /* "≥ USD 1,000": exactly the bar meets it. */
    f.ttm_revenue_usd = money("1000.00");
    evaluate(PARTNER_INDIRECT_RESELLER, &f, &r);
    x = find(&r, "ttm_revenue");
    assert_int_equal(x->state, AUTH_MET);
    assert_string_equal(x->detail, "trailing-12-month revenue USD 1,000.00 meets USD 1,000");

    f.ttm_revenue_usd = money("-25.5");
    evaluate(PARTNER_INDIRECT_RESELLER, &f, &r);
    assert_string_equal(find(&r, "ttm_revenue")->detail,
                        "trailing-12-month revenue USD -25.50 is below USD 1,000");
}

static void test_direct_bill(void **state)
{
    struct auth_facts f = all_met("999999.99");
    struct auth_report r;
    const struct auth_result *x;

    (void)state;
    evaluate(PARTNER_DIRECT_BILL, &f, &r);
    x = find(&r, "ttm_revenue");
    assert_int_equal(x->state, AUTH_NOT_MET);
    assert_string_equal(x->detail,
                        "trailing-12-month revenue USD 999,999.99 is below USD 1,000,000");
    f.ttm_revenue_usd = money("1000000");
    evaluate(PARTNER_DIRECT_BILL, &f, &r);
    assert_int_equal(find(&r, "ttm_revenue")->state, AUTH_MET);

    /* At least one active Solutions Partner designation. */
    f.designations = count(0);
    evaluate(PARTNER_DIRECT_BILL, &f, &r);
    assert_int_equal(find(&r, "solutions_partner_designation")->state, AUTH_NOT_MET);
    f.designations = (struct fact_count){ false, 0 };
    evaluate(PARTNER_DIRECT_BILL, &f, &r);
    assert_int_equal(find(&r, "solutions_partner_designation")->state, AUTH_UNKNOWN);
    f.designations = count(3);

    /* 12 months transacting as an indirect reseller. */
    f.reseller_months = count(11);
    evaluate(PARTNER_DIRECT_BILL, &f, &r);
    assert_int_equal(find(&r, "prior_experience")->state, AUTH_NOT_MET);
    f.reseller_months = count(12);
    evaluate(PARTNER_DIRECT_BILL, &f, &r);
    assert_int_equal(find(&r, "prior_experience")->state, AUTH_MET);

    /* Reseller-only business e-mail does not apply. */
    f.business_email = FACT_NO;
    evaluate(PARTNER_DIRECT_BILL, &f, &r);
    assert_int_equal(r.not_met, 0);
}

static void test_support_plan(void **state)
{
    struct auth_facts f = all_met("40000000");
    struct auth_report r;
    const struct auth_result *x;

    (void)state;
    f.support_plan = SUPPORT_PLAN_PREMIER;
    evaluate(PARTNER_DISTRIBUTOR, &f, &r);
    assert_int_equal(find(&r, "support_plan")->state, AUTH_MET);
    f.support_plan = SUPPORT_PLAN_ADVANCED;
    evaluate(PARTNER_DISTRIBUTOR, &f, &r);
    assert_int_equal(find(&r, "support_plan")->state, AUTH_MET);
    f.support_plan = SUPPORT_PLAN_OTHER;
    evaluate(PARTNER_DISTRIBUTOR, &f, &r);
    assert_int_equal(find(&r, "support_plan")->state, AUTH_NOT_MET);
    f.support_plan = SUPPORT_PLAN_NONE;
    evaluate(PARTNER_DIRECT_BILL, &f, &r);
    x = find(&r, "support_plan");
    assert_int_equal(x->state, AUTH_NOT_MET);
    assert_string_equal(x->detail, "support plan: none; Advanced (ASfP) or Premier (PSfP) "
                                   "Support for Partners required");
    f.support_plan = SUPPORT_PLAN_UNKNOWN;
    evaluate(PARTNER_DIRECT_BILL, &f, &r);
    assert_int_equal(find(&r, "support_plan")->state, AUTH_UNKNOWN);
}

static void test_distributor_revenue(void **state)
{
    struct auth_facts f = all_met("29999999.99");
    struct auth_report r;
    const struct auth_result *x;

    (void)state;
    evaluate(PARTNER_DISTRIBUTOR, &f, &r);
    x = find(&r, "ttm_revenue");
    assert_int_equal(x->state, AUTH_NOT_MET);
    assert_string_equal(x->detail,
                        "trailing-12-month revenue USD 29,999,999.99 is below USD 30,000,000");
    f.ttm_revenue_usd = money("30000000");
    evaluate(PARTNER_DISTRIBUTOR, &f, &r);
    assert_int_equal(find(&r, "ttm_revenue")->state, AUTH_MET);
    /* USD 1,000,000 is a direct-bill bar, not a distributor's. */
    f.ttm_revenue_usd = money("1000000");
    evaluate(PARTNER_DISTRIBUTOR, &f, &r);
    assert_int_equal(find(&r, "ttm_revenue")->state, AUTH_NOT_MET);
    evaluate(PARTNER_DIRECT_BILL, &f, &r);
    assert_int_equal(find(&r, "ttm_revenue")->state, AUTH_MET);
}

static void test_admin_mfa(void **state)
{
    struct auth_facts f = all_met("5000");
    struct auth_report r;
    const struct auth_result *x;
    struct err e;

    (void)state;
    f.admin_users_with_mfa = count(3);
    evaluate(PARTNER_INDIRECT_RESELLER, &f, &r);
    x = find(&r, "admin_mfa");
    assert_int_equal(x->state, AUTH_NOT_MET);
    assert_string_equal(x->detail, "MFA on 3 of 4 admin users; all need it");
    f.admin_users_with_mfa = count(4);
    evaluate(PARTNER_INDIRECT_RESELLER, &f, &r);
    x = find(&r, "admin_mfa");
    assert_int_equal(x->state, AUTH_MET);
    assert_string_equal(x->detail, "MFA on all 4 admin users");
    /* Either count unknown, or no admin users recorded: unknown. */
    f.admin_users_with_mfa = (struct fact_count){ false, 0 };
    evaluate(PARTNER_INDIRECT_RESELLER, &f, &r);
    assert_int_equal(find(&r, "admin_mfa")->state, AUTH_UNKNOWN);
    f.admin_users = count(0);
    f.admin_users_with_mfa = count(0);
    evaluate(PARTNER_INDIRECT_RESELLER, &f, &r);
    assert_int_equal(find(&r, "admin_mfa")->state, AUTH_UNKNOWN);
    /* More MFA admins than admins is bad data. */
    f.admin_users = count(4);
    f.admin_users_with_mfa = count(5);
    err_clear(&e);
    assert_int_equal(program_authorization_evaluate(PARTNER_INDIRECT_RESELLER, &f, &r, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_string_equal(e.field, "admin_users_with_mfa");
    f.admin_users = count(-1);
    assert_int_equal(program_authorization_evaluate(PARTNER_INDIRECT_RESELLER, &f, &r, &e), -1);
    assert_string_equal(e.field, "admin_users");
}

/* Direct-bill and distributor: security alerts answered within 24 h on average. */
static void test_alert_response(void **state)
{
    struct auth_facts f = all_met("2000000");
    struct auth_report r;
    const struct auth_result *x;

    (void)state;
    f.alert_response_minutes = count(24 * 60);
    evaluate(PARTNER_DIRECT_BILL, &f, &r);
    x = find(&r, "security_alert_response");
    assert_int_equal(x->state, AUTH_MET);
    assert_string_equal(x->detail, "security alerts answered in 24 h 00 min on average; "
                                   "24 h or less required");
    f.alert_response_minutes = count(24 * 60 + 1);
    evaluate(PARTNER_DIRECT_BILL, &f, &r);
    x = find(&r, "security_alert_response");
    assert_int_equal(x->state, AUTH_NOT_MET);
    assert_string_equal(x->detail, "security alerts answered in 24 h 01 min on average; "
                                   "24 h or less required");
    /* Not a reseller requirement. */
    evaluate(PARTNER_INDIRECT_RESELLER, &f, &r);
    assert_int_equal(r.not_met, 0);
}

static void test_yes_no_facts(void **state)
{
    struct auth_facts f = all_met("5000");
    struct auth_report r;

    (void)state;
    f.security_contact = FACT_NO;
    f.mpa_accepted = FACT_NO;
    f.pla_verified = FACT_UNKNOWN;
    f.business_email = FACT_NO;
    evaluate(PARTNER_INDIRECT_RESELLER, &f, &r);
    assert_int_equal(find(&r, "security_contact")->state, AUTH_NOT_MET);
    assert_string_equal(find(&r, "security_contact")->detail,
                        "no security contact in Partner Center");
    assert_int_equal(find(&r, "mpa_accepted")->state, AUTH_NOT_MET);
    assert_int_equal(find(&r, "pla_verified")->state, AUTH_UNKNOWN);
    assert_string_equal(find(&r, "pla_verified")->detail, "PLA ID not recorded");
    assert_int_equal(find(&r, "business_email")->state, AUTH_NOT_MET);
    assert_int_equal(r.met, 2);
    assert_int_equal(r.not_met, 3);
    assert_int_equal(r.unknown, 1);
}

static void test_invalid_kind(void **state)
{
    struct auth_facts f = all_met("5000");
    struct auth_report r;
    struct err e;

    (void)state;
    err_clear(&e);
    assert_int_equal(program_authorization_evaluate(PARTNER_KIND_NONE, &f, &r, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_int_equal(program_authorization_evaluate((enum partner_kind)7, &f, &r, &e), -1);
    assert_int_equal(program_authorization_evaluate(PARTNER_DIRECT_BILL, NULL, &r, &e), -1);
    assert_string_equal(auth_state_name(AUTH_NOT_MET), "not_met");
    assert_non_null(program_auth_requirement_at(0));
    assert_null(program_auth_requirement_at(1000));
}

/* Yearly, in the onboarding anniversary month; the first a year after onboarding. */
static void test_reassessment_month(void **state)
{
    struct date o = { 2023, 11, 20 }, n;

    (void)state;
    assert_int_equal(program_reassessment_month(o), 11);
    n = program_next_reassessment(o, (struct date){ 2026, 5, 4 });
    assert_int_equal(n.year, 2026);
    assert_int_equal(n.month, 11);
    assert_int_equal(n.day, 1);
    n = program_next_reassessment(o, (struct date){ 2026, 11, 30 });
    assert_int_equal(n.year, 2026);
    assert_int_equal(n.month, 11);
    n = program_next_reassessment(o, (struct date){ 2026, 12, 1 });
    assert_int_equal(n.year, 2027);
    assert_int_equal(n.month, 11);
    /* Onboarded this month: the first reassessment is next year's. */
    n = program_next_reassessment((struct date){ 2026, 3, 10 }, (struct date){ 2026, 3, 15 });
    assert_int_equal(n.year, 2027);
    assert_int_equal(n.month, 3);
    n = program_next_reassessment((struct date){ 2025, 1, 31 }, (struct date){ 2026, 1, 1 });
    assert_int_equal(n.year, 2026);
    assert_int_equal(n.month, 1);
}

/* 30 days to remediate from the failure (program.md §6). */
static void test_remediation_deadline(void **state)
{
    struct date d;

    (void)state;
    d = program_remediation_deadline((struct date){ 2026, 1, 15 });
    assert_int_equal(d.year, 2026);
    assert_int_equal(d.month, 2);
    assert_int_equal(d.day, 14);
    d = program_remediation_deadline((struct date){ 2025, 12, 15 });
    assert_int_equal(d.year, 2026);
    assert_int_equal(d.month, 1);
    assert_int_equal(d.day, 14);
    /* Across 29 February 2028: Feb 10 + 19 days = Feb 29, + 11 = Mar 11. */
    d = program_remediation_deadline((struct date){ 2028, 2, 10 });
    assert_int_equal(d.year, 2028);
    assert_int_equal(d.month, 3);
    assert_int_equal(d.day, 11);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows_per_kind),
        cmocka_unit_test(test_all_unknown),
        cmocka_unit_test(test_reseller_revenue),
        cmocka_unit_test(test_direct_bill),
        cmocka_unit_test(test_support_plan),
        cmocka_unit_test(test_distributor_revenue),
        cmocka_unit_test(test_admin_mfa),
        cmocka_unit_test(test_alert_response),
        cmocka_unit_test(test_yes_no_facts),
        cmocka_unit_test(test_invalid_kind),
        cmocka_unit_test(test_reassessment_month),
        cmocka_unit_test(test_remediation_deadline),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
