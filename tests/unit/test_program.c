/*
 * tests/unit/test_program.c — domain/program rules: MCA, attestation, region, partner of
 * record, self-sale, relationships, transacting partner, standing, and the order composition.
 *
 * Every expectation is written from program.md (§1–§6) and nce-rules.md §9 by hand, never
 * copied from the code's output. Each refusal is tested with its boundary: the policy days
 * (2023-04-01, 2025-09-01, 2025-10-07, 2025-12-01) at 23:59:59Z the day before and at
 * 00:00:00Z of the day, and acceptance dates of today versus tomorrow.
 * The region table and the authorization requirements have their own files
 * (test_program_regions.c, test_program_auth.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "domain/program/program.h"

/* ---- helpers ---------------------------------------------------------------------------- */

static struct date D(int y, int m, int d)
{
    return (struct date){ y, m, d };
}

/* y-m-d hh:mm:ss UTC. */
static instant_t at(int y, int mo, int d, int hh, int mm, int ss)
{
    return instant_from_date(D(y, mo, d)) + (instant_t)hh * 3600 + mm * 60 + ss;
}

#define assert_refused(rc, e, why, fld)                   \
    do {                                                  \
        assert_int_equal((rc), -1);                       \
        assert_int_equal((e).code, ERR_REFUSED);          \
        assert_string_equal((e).reason, (why));           \
        assert_string_equal((e).field, (fld));            \
        assert_true((e).msg[0] != '\0');                  \
    } while (0)

#define assert_invalid(rc, e, fld)                        \
    do {                                                  \
        assert_int_equal((rc), -1);                       \
        assert_int_equal((e).code, ERR_INVALID);          \
        assert_string_equal((e).field, (fld));            \
    } while (0)

#define assert_ok(rc, e)                                  \
    do {                                                  \
        int rc_ = (rc);                                   \
        if (rc_ != 0)                                     \
            fail_msg("refused: %s: %s", err_reason(&(e)), (e).msg);  \
    } while (0)

/* Copy into a fixed field; a test value that does not fit is a bug in the test. */
static void set(char *dst, size_t n, const char *src)
{
    size_t len = strlen(src);

    if (len >= n)
        fail_msg("test value \"%s\" does not fit a %zu-byte field", src, n);
    memcpy(dst, src, len + 1);
}
#define SET(field, value) set((field), sizeof(field), (value))

/* A distributor in Germany (Europe), in good standing. */
static struct partner distributor(void)
{
    struct partner p;

    memset(&p, 0, sizeof(p));
    SET(p.id, "ptn_dist");
    SET(p.name, "Northwind Distribution");
    p.kind = PARTNER_DISTRIBUTOR;
    SET(p.country, "DE");
    SET(p.currency, "EUR");
    SET(p.pga_id, "5000001");
    SET(p.pla_id, "5000011");
    p.pla_verified = true;
    SET(p.csp_tenant_id, "11111111-1111-1111-1111-111111111111");
    p.csp_tenant_active = true;
    p.mpa_accepted = true;
    return p;
}

/* An indirect reseller in France (Europe), valid as partner of record under every rule. */
static struct partner reseller(void)
{
    struct partner p;

    memset(&p, 0, sizeof(p));
    SET(p.id, "ptn_res");
    SET(p.name, "Fabrikam Conseil");
    p.kind = PARTNER_INDIRECT_RESELLER;
    SET(p.country, "FR");
    SET(p.currency, "EUR");
    SET(p.pga_id, "5000002");
    SET(p.pla_id, "5000022");
    p.pla_verified = true;
    SET(p.csp_tenant_id, "22222222-2222-2222-2222-222222222222");
    p.csp_tenant_active = true;
    p.mpa_accepted = true;
    return p;
}

/* A direct-bill partner in the United States. */
static struct partner direct(void)
{
    struct partner p;

    memset(&p, 0, sizeof(p));
    SET(p.id, "ptn_direct");
    SET(p.name, "Contoso Cloud");
    p.kind = PARTNER_DIRECT_BILL;
    SET(p.country, "US");
    SET(p.currency, "USD");
    SET(p.pga_id, "5000003");
    SET(p.pla_id, "5000033");
    p.pla_verified = true;
    SET(p.csp_tenant_id, "33333333-3333-3333-3333-333333333333");
    p.csp_tenant_active = true;
    p.mpa_accepted = true;
    return p;
}

/* A customer with the given tenant country and a direct MCA acceptance. */
static struct customer customer(const char *country)
{
    struct customer c;

    memset(&c, 0, sizeof(c));
    SET(c.id, "cus_1");
    SET(c.name, "Tailspin Toys");
    SET(c.country, country);
    SET(c.tenant_id, "44444444-4444-4444-4444-444444444444");
    c.mca.status = MCA_ACCEPTED;
    return c;
}

static struct mca_record attestation(struct date accepted_on, enum partner_kind by)
{
    struct mca_record a;

    memset(&a, 0, sizeof(a));
    a.status = MCA_ATTESTED;
    a.accepted_on = accepted_on;
    SET(a.signer_first_name, "Tania");
    SET(a.signer_last_name, "Carr");
    SET(a.signer_email, "tania.carr@tailspintoys.example");
    SET(a.signer_phone, "+33 1 23 45 67 89");
    SET(a.agreement_version, "117a77b0-9360-443b-8795-c6dedc750cf9");
    a.attested_by = by;
    return a;
}

static struct reseller_relationship rel(const char *dist_id, const char *res_id, bool active,
                                        struct date since)
{
    struct reseller_relationship r;

    memset(&r, 0, sizeof(r));
    SET(r.distributor_id, dist_id);
    SET(r.reseller_id, res_id);
    r.active = active;
    r.since = since;
    return r;
}

/* ---- names and operation gates ---------------------------------------------------------- */

static void test_kind_names(void **state)
{
    struct err e;
    enum partner_kind k = PARTNER_KIND_NONE;

    (void)state;
    assert_string_equal(partner_kind_name(PARTNER_DIRECT_BILL), "direct_bill");
    assert_string_equal(partner_kind_name(PARTNER_DISTRIBUTOR), "distributor");
    assert_string_equal(partner_kind_name(PARTNER_INDIRECT_RESELLER), "indirect_reseller");
    assert_int_equal(partner_kind_parse("distributor", &k, &e), 0);
    assert_int_equal(k, PARTNER_DISTRIBUTOR);
    assert_int_equal(partner_kind_parse("indirect_reseller", &k, &e), 0);
    assert_int_equal(k, PARTNER_INDIRECT_RESELLER);
    err_clear(&e);
    assert_invalid(partner_kind_parse("reseller", &k, &e), e, "kind");
    assert_invalid(partner_kind_parse("none", &k, &e), e, "kind");
    assert_invalid(partner_kind_parse(NULL, &k, &e), e, "kind");
    assert_true(partner_kind_transacts(PARTNER_DIRECT_BILL));
    assert_true(partner_kind_transacts(PARTNER_DISTRIBUTOR));
    assert_false(partner_kind_transacts(PARTNER_INDIRECT_RESELLER));
    assert_false(partner_kind_transacts(PARTNER_KIND_NONE));
    assert_string_equal(mca_status_name(MCA_ATTESTED), "attested");
    assert_string_equal(partner_status_name(PARTNER_STATUS_SUSPENDED), "suspended");
}

/* program.md §2: no new purchase, seat increase or decrease, upgrade or billing-plan change
 * without a valid MCA; auto-renewals still happen. */
static void test_ops_needing_mca(void **state)
{
    (void)state;
    assert_true(program_op_needs_mca(PROGRAM_OP_NEW_PURCHASE));
    assert_true(program_op_needs_mca(PROGRAM_OP_SEAT_INCREASE));
    assert_true(program_op_needs_mca(PROGRAM_OP_SEAT_DECREASE));
    assert_true(program_op_needs_mca(PROGRAM_OP_UPGRADE));
    assert_true(program_op_needs_mca(PROGRAM_OP_BILLING_PLAN_CHANGE));
    assert_false(program_op_needs_mca(PROGRAM_OP_AUTO_RENEWAL));
    assert_false(program_op_needs_mca(PROGRAM_OP_CANCEL));
    /* An unknown operation is gated like a purchase. */
    assert_true(program_op_needs_mca((enum program_op)99));

    assert_true(program_op_needs_por(PROGRAM_OP_NEW_PURCHASE));
    assert_false(program_op_needs_por(PROGRAM_OP_AUTO_RENEWAL));
    assert_false(program_op_needs_por(PROGRAM_OP_CANCEL));

    /* [W9]: a suspended tenant manages existing licences but resells no new ones. */
    assert_true(program_op_sells_new_licences(PROGRAM_OP_NEW_PURCHASE));
    assert_true(program_op_sells_new_licences(PROGRAM_OP_SEAT_INCREASE));
    assert_true(program_op_sells_new_licences(PROGRAM_OP_UPGRADE));
    assert_false(program_op_sells_new_licences(PROGRAM_OP_SEAT_DECREASE));
    assert_false(program_op_sells_new_licences(PROGRAM_OP_BILLING_PLAN_CHANGE));
    assert_false(program_op_sells_new_licences(PROGRAM_OP_AUTO_RENEWAL));
    assert_false(program_op_sells_new_licences(PROGRAM_OP_CANCEL));

    assert_string_equal(program_op_name(PROGRAM_OP_BILLING_PLAN_CHANGE), "billing_plan_change");
    assert_string_equal(program_op_name((enum program_op)99), "unknown");
}

/* ---- MCA -------------------------------------------------------------------------------- */

static void test_mca_none_refused(void **state)
{
    struct customer c = customer("IT");
    struct err e;

    (void)state;
    c.mca.status = MCA_NONE;
    err_clear(&e);
    assert_refused(program_check_mca(&c, at(2026, 1, 15, 12, 0, 0), &e), e,
                   "mca_not_accepted", "customer_id");
    assert_false(program_mca_valid(&c, at(2026, 1, 15, 12, 0, 0)));
    assert_invalid(program_check_mca(NULL, 0, &e), e, "customer_id");
}

static void test_mca_accepted_directly(void **state)
{
    struct customer c = customer("IT");
    struct err e;

    (void)state;
    err_clear(&e);
    /* No date recorded: a direct acceptance is valid. */
    assert_ok(program_check_mca(&c, at(2026, 1, 15, 0, 0, 0), &e), e);
    /* Accepted on 2023-03-31: the re-acceptance policy is about attestations only. */
    c.mca.accepted_on = D(2023, 3, 31);
    assert_ok(program_check_mca(&c, at(2026, 1, 15, 0, 0, 0), &e), e);
    /* Accepted "tomorrow": not yet. */
    c.mca.accepted_on = D(2026, 1, 16);
    assert_refused(program_check_mca(&c, at(2026, 1, 15, 23, 59, 59), &e), e,
                   "mca_not_accepted", "customer_id");
    assert_ok(program_check_mca(&c, at(2026, 1, 16, 0, 0, 0), &e), e);
}

/* An attested acceptance date is never in the future, compared by UTC day. */
static void test_mca_attested_date_boundary(void **state)
{
    struct customer c = customer("IT");
    struct err e;

    (void)state;
    err_clear(&e);
    c.mca = attestation(D(2026, 1, 11), PARTNER_DISTRIBUTOR);
    assert_refused(program_check_mca(&c, at(2026, 1, 10, 0, 0, 0), &e), e,
                   "mca_not_accepted", "customer_id");
    assert_refused(program_check_mca(&c, at(2026, 1, 10, 23, 59, 59), &e), e,
                   "mca_not_accepted", "customer_id");
    assert_false(program_mca_valid(&c, at(2026, 1, 10, 23, 59, 59)));
    assert_ok(program_check_mca(&c, at(2026, 1, 11, 0, 0, 0), &e), e);
    assert_ok(program_check_mca(&c, at(2026, 1, 11, 23, 59, 59), &e), e);
    assert_ok(program_check_mca(&c, at(2026, 1, 12, 0, 0, 0), &e), e);
    assert_true(program_mca_valid(&c, at(2026, 1, 11, 0, 0, 0)));

    /* An attestation without its date is not a valid MCA. */
    c.mca.accepted_on = D(0, 0, 0);
    assert_refused(program_check_mca(&c, at(2026, 1, 11, 0, 0, 0), &e), e,
                   "mca_not_accepted", "customer_id");
    /* A recorded day that does not exist is bad data, not a refusal. */
    c.mca.accepted_on = D(2025, 2, 29);
    assert_invalid(program_check_mca(&c, at(2026, 1, 11, 0, 0, 0), &e), e, "accepted_on");
}

/* program.md §2: attested before 2023-04-01 and not re-accepted: invalid from 2025-10-07. */
static void test_mca_reacceptance_policy(void **state)
{
    struct customer c = customer("IT");
    struct err e;

    (void)state;
    err_clear(&e);
    c.mca = attestation(D(2023, 3, 31), PARTNER_DIRECT_BILL);
    /* Until the policy date the old attestation still counts. */
    assert_ok(program_check_mca(&c, at(2025, 10, 6, 0, 0, 0), &e), e);
    assert_ok(program_check_mca(&c, at(2025, 10, 6, 23, 59, 59), &e), e);
    assert_refused(program_check_mca(&c, at(2025, 10, 7, 0, 0, 0), &e), e,
                   "mca_not_accepted", "customer_id");
    assert_refused(program_check_mca(&c, at(2025, 10, 8, 0, 0, 0), &e), e,
                   "mca_not_accepted", "customer_id");
    assert_refused(program_check_mca(&c, at(2027, 1, 1, 0, 0, 0), &e), e,
                   "mca_not_accepted", "customer_id");

    /* Attested on 2023-04-01 or later: not affected. */
    c.mca.accepted_on = D(2023, 4, 1);
    assert_ok(program_check_mca(&c, at(2025, 10, 7, 0, 0, 0), &e), e);
    c.mca.accepted_on = D(2023, 4, 2);
    assert_ok(program_check_mca(&c, at(2026, 6, 1, 0, 0, 0), &e), e);

    /* Much older attestation, re-accepted: the record now carries the new date. */
    c.mca = attestation(D(2025, 11, 3), PARTNER_DISTRIBUTOR);
    assert_ok(program_check_mca(&c, at(2025, 11, 3, 9, 0, 0), &e), e);
}

static void test_mca_attested_by_reseller_invalid(void **state)
{
    struct customer c = customer("IT");
    struct err e;

    (void)state;
    err_clear(&e);
    c.mca = attestation(D(2025, 6, 1), PARTNER_INDIRECT_RESELLER);
    assert_refused(program_check_mca(&c, at(2026, 1, 15, 0, 0, 0), &e), e,
                   "mca_not_accepted", "customer_id");
    c.mca.attested_by = PARTNER_DISTRIBUTOR;
    assert_ok(program_check_mca(&c, at(2026, 1, 15, 0, 0, 0), &e), e);
}

/* ---- attestation ------------------------------------------------------------------------ */

static void test_attestation_by_kind(void **state)
{
    struct partner d = distributor(), r = reseller(), b = direct(), none = distributor();
    struct mca_record a = attestation(D(2026, 1, 15), PARTNER_DISTRIBUTOR);
    struct err e;

    (void)state;
    err_clear(&e);
    assert_ok(program_check_attestation(&d, &a, at(2026, 1, 15, 8, 0, 0), &e), e);
    assert_ok(program_check_attestation(&b, &a, at(2026, 1, 15, 8, 0, 0), &e), e);
    assert_refused(program_check_attestation(&r, &a, at(2026, 1, 15, 8, 0, 0), &e), e,
                   "attestation_not_allowed", "partner_id");
    none.kind = PARTNER_KIND_NONE;
    assert_invalid(program_check_attestation(&none, &a, at(2026, 1, 15, 8, 0, 0), &e), e,
                   "partner_id");
}

static void test_attestation_date_in_future(void **state)
{
    struct partner d = distributor();
    struct mca_record a = attestation(D(2026, 1, 16), PARTNER_DISTRIBUTOR);
    struct err e;

    (void)state;
    err_clear(&e);
    assert_refused(program_check_attestation(&d, &a, at(2026, 1, 15, 23, 59, 59), &e), e,
                   "mca_date_in_future", "accepted_on");
    assert_ok(program_check_attestation(&d, &a, at(2026, 1, 16, 0, 0, 0), &e), e);
    /* A date in the past is fine (the customer accepted earlier than the attestation). */
    a.accepted_on = D(2024, 2, 29);
    assert_ok(program_check_attestation(&d, &a, at(2026, 1, 16, 0, 0, 0), &e), e);
}

static void test_attestation_required_fields(void **state)
{
    struct partner d = distributor();
    struct mca_record a;
    struct err e;
    instant_t now = at(2026, 1, 15, 12, 0, 0);

    (void)state;
    err_clear(&e);
    a = attestation(D(2026, 1, 15), PARTNER_DISTRIBUTOR);
    a.signer_first_name[0] = '\0';
    assert_invalid(program_check_attestation(&d, &a, now, &e), e, "signer_first_name");
    a = attestation(D(2026, 1, 15), PARTNER_DISTRIBUTOR);
    a.signer_last_name[0] = '\0';
    assert_invalid(program_check_attestation(&d, &a, now, &e), e, "signer_last_name");
    a = attestation(D(2026, 1, 15), PARTNER_DISTRIBUTOR);
    SET(a.signer_email, "tania.carr");
    assert_invalid(program_check_attestation(&d, &a, now, &e), e, "signer_email");
    SET(a.signer_email, "@example.com");
    assert_invalid(program_check_attestation(&d, &a, now, &e), e, "signer_email");
    SET(a.signer_email, "a@b@c");
    assert_invalid(program_check_attestation(&d, &a, now, &e), e, "signer_email");
    a = attestation(D(2026, 1, 15), PARTNER_DISTRIBUTOR);
    a.signer_phone[0] = '\0';
    assert_invalid(program_check_attestation(&d, &a, now, &e), e, "signer_phone");
    a = attestation(D(0, 0, 0), PARTNER_DISTRIBUTOR);
    assert_invalid(program_check_attestation(&d, &a, now, &e), e, "accepted_on");
}

/* ---- region ----------------------------------------------------------------------------- */

static void test_region_same_and_mismatch(void **state)
{
    struct partner d = distributor(), b = direct();
    struct customer it = customer("IT"), ca = customer("CA"), um = customer("UM");
    struct customer gb = customer("GB"), us = customer("us");
    struct err e;

    (void)state;
    err_clear(&e);
    /* Germany and Italy: both Europe (program.md §3). */
    assert_ok(program_check_region(&d, &it, &e), e);
    assert_ok(program_check_region(&d, &gb, &e), e);
    /* United States: a single-country region with its minor outlying islands. */
    assert_ok(program_check_region(&b, &um, &e), e);
    assert_ok(program_check_region(&b, &us, &e), e);
    assert_refused(program_check_region(&b, &ca, &e), e, "region_mismatch", "customer_id");
    assert_refused(program_check_region(&b, &it, &e), e, "region_mismatch", "customer_id");
    assert_refused(program_check_region(&d, &us, &e), e, "region_mismatch", "customer_id");
}

static void test_region_brazil_single(void **state)
{
    struct partner p = direct();
    struct customer br = customer("BR"), ar = customer("AR");
    struct err e;

    (void)state;
    err_clear(&e);
    SET(p.country, "BR");
    assert_ok(program_check_region(&p, &br, &e), e);
    assert_refused(program_check_region(&p, &ar, &e), e, "region_mismatch", "customer_id");
}

static void test_region_unknown_country(void **state)
{
    struct partner p = direct();
    struct customer zz = customer("ZZ"), us = customer("US");
    struct err e;

    (void)state;
    err_clear(&e);
    assert_refused(program_check_region(&p, &zz, &e), e, "region_unknown", "customer_id");
    SET(p.country, "");
    assert_refused(program_check_region(&p, &us, &e), e, "region_unknown", "partner_id");
}

/* A partner's recorded region wins over the one its country would give. */
static void test_region_recorded_on_partner(void **state)
{
    struct partner p = direct();
    struct customer it = customer("IT"), us = customer("US");
    struct err e;

    (void)state;
    err_clear(&e);
    SET(p.region, "europe");
    assert_ok(program_check_region(&p, &it, &e), e);
    assert_refused(program_check_region(&p, &us, &e), e, "region_mismatch", "customer_id");
}

/* ---- partner of record ------------------------------------------------------------------ */

/* From 2025-12-01 a distributor must name a POR. */
static void test_por_required_boundary(void **state)
{
    struct partner d = distributor();
    struct err e;

    (void)state;
    err_clear(&e);
    assert_ok(program_check_por(&d, NULL, at(2025, 11, 30, 0, 0, 0), &e), e);
    assert_ok(program_check_por(&d, NULL, at(2025, 11, 30, 23, 59, 59), &e), e);
    assert_refused(program_check_por(&d, NULL, at(2025, 12, 1, 0, 0, 0), &e), e,
                   "por_required", "reseller_id");
    assert_refused(program_check_por(&d, NULL, at(2026, 3, 1, 0, 0, 0), &e), e,
                   "por_required", "reseller_id");
}

/* From 2025-09-01 a reseller is POR only with an active CSP tenant and a verified PLA ID. */
static void test_por_reseller_rules_boundary(void **state)
{
    struct partner d = distributor(), r = reseller();
    struct err e;

    (void)state;
    err_clear(&e);
    r.csp_tenant_active = false;
    assert_ok(program_check_por(&d, &r, at(2025, 8, 31, 23, 59, 59), &e), e);
    assert_refused(program_check_por(&d, &r, at(2025, 9, 1, 0, 0, 0), &e), e,
                   "por_invalid", "reseller_id");

    r = reseller();
    r.csp_tenant_id[0] = '\0';
    assert_ok(program_check_por(&d, &r, at(2025, 8, 31, 23, 59, 59), &e), e);
    assert_refused(program_check_por(&d, &r, at(2025, 9, 1, 0, 0, 0), &e), e,
                   "por_invalid", "reseller_id");

    r = reseller();
    r.pla_verified = false;
    assert_ok(program_check_por(&d, &r, at(2025, 8, 31, 23, 59, 59), &e), e);
    assert_refused(program_check_por(&d, &r, at(2025, 9, 1, 0, 0, 0), &e), e,
                   "por_invalid", "reseller_id");

    r = reseller();
    assert_ok(program_check_por(&d, &r, at(2025, 9, 1, 0, 0, 0), &e), e);
    assert_ok(program_check_por(&d, &r, at(2025, 12, 1, 0, 0, 0), &e), e);
}

/* From 2025-12-01 the POR must also be active and in the distributor's region. */
static void test_por_active_and_region_boundary(void **state)
{
    struct partner d = distributor(), r = reseller();
    struct err e;

    (void)state;
    err_clear(&e);
    r.status = PARTNER_STATUS_SUSPENDED;
    assert_ok(program_check_por(&d, &r, at(2025, 11, 30, 23, 59, 59), &e), e);
    assert_refused(program_check_por(&d, &r, at(2025, 12, 1, 0, 0, 0), &e), e,
                   "por_invalid", "reseller_id");
    r.status = PARTNER_STATUS_DEAUTHORIZED;
    assert_refused(program_check_por(&d, &r, at(2025, 12, 1, 0, 0, 0), &e), e,
                   "por_invalid", "reseller_id");
    /* In its 30-day remediation a reseller is still authorized. */
    r.status = PARTNER_STATUS_REMEDIATION;
    assert_ok(program_check_por(&d, &r, at(2025, 12, 1, 0, 0, 0), &e), e);

    r = reseller();
    SET(r.country, "US");
    assert_ok(program_check_por(&d, &r, at(2025, 11, 30, 23, 59, 59), &e), e);
    assert_refused(program_check_por(&d, &r, at(2025, 12, 1, 0, 0, 0), &e), e,
                   "por_invalid", "reseller_id");
    SET(r.country, "ZZ");
    assert_refused(program_check_por(&d, &r, at(2025, 12, 1, 0, 0, 0), &e), e,
                   "por_invalid", "reseller_id");
}

static void test_por_must_be_reseller_with_mpa(void **state)
{
    struct partner d = distributor(), r = reseller(), b = direct();
    struct err e;

    (void)state;
    err_clear(&e);
    assert_refused(program_check_por(&d, &b, at(2025, 6, 1, 0, 0, 0), &e), e,
                   "por_invalid", "reseller_id");
    r.mpa_accepted = false;
    assert_refused(program_check_por(&d, &r, at(2025, 6, 1, 0, 0, 0), &e), e,
                   "mpa_not_accepted", "reseller_id");
    /* Only a distributor names a POR. */
    r = reseller();
    assert_invalid(program_check_por(&b, &r, at(2025, 6, 1, 0, 0, 0), &e), e, "partner_id");
    assert_invalid(program_check_por(NULL, &r, at(2025, 6, 1, 0, 0, 0), &e), e, "partner_id");
}

/* ---- self-sale -------------------------------------------------------------------------- */

static void test_self_sale(void **state)
{
    struct partner p = direct();
    struct customer c = customer("US");
    struct err e;

    (void)state;
    err_clear(&e);
    assert_ok(program_check_self_sale(&p, &c, &e), e);

    /* Its own CSP tenant, even written in another case. */
    SET(c.tenant_id, "33333333-3333-3333-3333-333333333333");
    assert_refused(program_check_self_sale(&p, &c, &e), e, "self_sale", "customer_id");
    SET(p.csp_tenant_id, "ABCDEF00-3333-3333-3333-333333333333");
    SET(c.tenant_id, "abcdef00-3333-3333-3333-333333333333");
    assert_refused(program_check_self_sale(&p, &c, &e), e, "self_sale", "customer_id");

    /* Itself or an affiliate: same partner global account. */
    c = customer("US");
    SET(c.affiliated_pga_id, "5000003");
    assert_refused(program_check_self_sale(&p, &c, &e), e, "self_sale", "customer_id");
    /* Another partner's company with a separate customer tenant: allowed. */
    SET(c.affiliated_pga_id, "5000099");
    assert_ok(program_check_self_sale(&p, &c, &e), e);

    /* Another CSP partner's transacting tenant. */
    c = customer("US");
    c.is_csp_transacting_tenant = true;
    assert_refused(program_check_self_sale(&p, &c, &e), e, "self_sale", "customer_id");

    /* Empty ids never match each other. */
    p = direct();
    p.csp_tenant_id[0] = '\0';
    p.pga_id[0] = '\0';
    c = customer("US");
    c.tenant_id[0] = '\0';
    assert_ok(program_check_self_sale(&p, &c, &e), e);
}

/* ---- relationships ---------------------------------------------------------------------- */

static void test_relationship_in_effect(void **state)
{
    struct partner d = distributor(), r = reseller();
    struct reseller_relationship rels[2];
    struct err e;

    (void)state;
    err_clear(&e);
    rels[0] = rel("ptn_dist", "ptn_res", true, D(2024, 1, 1));
    assert_ok(program_check_relationship(&d, &r, rels, 1, at(2026, 1, 15, 0, 0, 0), &e), e);
    assert_refused(program_check_relationship(&d, &r, rels, 0, at(2026, 1, 15, 0, 0, 0), &e),
                   e, "no_relationship", "reseller_id");
    assert_refused(program_check_relationship(&d, &r, NULL, 0, at(2026, 1, 15, 0, 0, 0), &e),
                   e, "no_relationship", "reseller_id");
    rels[0].active = false;
    assert_refused(program_check_relationship(&d, &r, rels, 1, at(2026, 1, 15, 0, 0, 0), &e),
                   e, "no_relationship", "reseller_id");
    /* Another reseller's relationship with the same distributor does not count. */
    rels[0] = rel("ptn_dist", "ptn_other", true, D(2024, 1, 1));
    assert_refused(program_check_relationship(&d, &r, rels, 1, at(2026, 1, 15, 0, 0, 0), &e),
                   e, "no_relationship", "reseller_id");
    /* In effect from the day it is established. */
    rels[0] = rel("ptn_dist", "ptn_res", true, D(2026, 3, 10));
    assert_refused(program_check_relationship(&d, &r, rels, 1, at(2026, 3, 9, 23, 59, 59), &e),
                   e, "no_relationship", "reseller_id");
    assert_ok(program_check_relationship(&d, &r, rels, 1, at(2026, 3, 10, 0, 0, 0), &e), e);
}

/* A reseller may have several distributors; each with a relationship is fine. */
static void test_relationship_several_distributors(void **state)
{
    struct partner d1 = distributor(), d2 = distributor(), d3 = distributor(), r = reseller();
    struct reseller_relationship rels[2];
    struct err e;
    instant_t now = at(2026, 1, 15, 0, 0, 0);

    (void)state;
    err_clear(&e);
    SET(d2.id, "ptn_dist2");
    SET(d3.id, "ptn_dist3");
    rels[0] = rel("ptn_dist", "ptn_res", true, D(2024, 1, 1));
    rels[1] = rel("ptn_dist2", "ptn_res", true, D(2025, 5, 1));
    assert_ok(program_check_relationship(&d1, &r, rels, 2, now, &e), e);
    assert_ok(program_check_relationship(&d2, &r, rels, 2, now, &e), e);
    assert_refused(program_check_relationship(&d3, &r, rels, 2, now, &e), e,
                   "no_relationship", "reseller_id");
}

static void test_relationship_new(void **state)
{
    struct partner d = distributor(), r = reseller(), b = direct();
    struct err e;

    (void)state;
    err_clear(&e);
    assert_ok(program_check_relationship_new(&d, &r, &e), e);
    /* Same region only. */
    SET(r.country, "US");
    assert_refused(program_check_relationship_new(&d, &r, &e), e, "region_mismatch",
                   "reseller_id");
    /* Region is checked before the MPA. */
    r.mpa_accepted = false;
    assert_refused(program_check_relationship_new(&d, &r, &e), e, "region_mismatch",
                   "reseller_id");
    r = reseller();
    r.mpa_accepted = false;
    assert_refused(program_check_relationship_new(&d, &r, &e), e, "mpa_not_accepted",
                   "reseller_id");
    r = reseller();
    SET(r.country, "ZZ");
    assert_refused(program_check_relationship_new(&d, &r, &e), e, "region_unknown",
                   "reseller_id");
    /* Only distributor ↔ indirect reseller. */
    r = reseller();
    assert_invalid(program_check_relationship_new(&b, &r, &e), e, "partner_id");
    assert_invalid(program_check_relationship_new(&d, &b, &e), e, "reseller_id");
}

/* ---- transacting partner and standing --------------------------------------------------- */

static void test_transacting_partner(void **state)
{
    struct partner d = distributor(), r = reseller(), b = direct();
    struct err e;

    (void)state;
    err_clear(&e);
    assert_ok(program_check_transacting_partner(&d, &e), e);
    assert_ok(program_check_transacting_partner(&b, &e), e);
    assert_refused(program_check_transacting_partner(&r, &e), e, "not_transacting_partner",
                   "partner_id");
    b.mpa_accepted = false;
    assert_refused(program_check_transacting_partner(&b, &e), e, "mpa_not_accepted",
                   "partner_id");
    b.kind = PARTNER_KIND_NONE;
    assert_invalid(program_check_transacting_partner(&b, &e), e, "partner_id");
    assert_invalid(program_check_transacting_partner(NULL, &e), e, "partner_id");
}

static void test_partner_standing(void **state)
{
    struct partner b = direct();
    struct err e;

    (void)state;
    err_clear(&e);
    b.status = PARTNER_STATUS_REMEDIATION;
    assert_ok(program_check_partner_standing(&b, PROGRAM_OP_NEW_PURCHASE, &e), e);
    b.status = PARTNER_STATUS_SUSPENDED;
    assert_refused(program_check_partner_standing(&b, PROGRAM_OP_NEW_PURCHASE, &e), e,
                   "partner_not_authorized", "partner_id");
    assert_refused(program_check_partner_standing(&b, PROGRAM_OP_SEAT_INCREASE, &e), e,
                   "partner_not_authorized", "partner_id");
    assert_ok(program_check_partner_standing(&b, PROGRAM_OP_SEAT_DECREASE, &e), e);
    assert_ok(program_check_partner_standing(&b, PROGRAM_OP_CANCEL, &e), e);
    b.status = PARTNER_STATUS_DEAUTHORIZED;
    assert_refused(program_check_partner_standing(&b, PROGRAM_OP_UPGRADE, &e), e,
                   "partner_not_authorized", "partner_id");
}

/* ---- the order composition -------------------------------------------------------------- */

static void test_order_happy_paths(void **state)
{
    struct partner d = distributor(), r = reseller(), b = direct();
    struct customer it = customer("IT"), us = customer("US");
    struct reseller_relationship rels[1] = { rel("ptn_dist", "ptn_res", true, D(2024, 1, 1)) };
    struct program_order o;
    struct err e;

    (void)state;
    err_clear(&e);
    memset(&o, 0, sizeof(o));
    o.op = PROGRAM_OP_NEW_PURCHASE;
    o.seller = &d;
    o.reseller = &r;
    o.customer = &it;
    o.relationships = rels;
    o.n_relationships = 1;
    o.now = at(2026, 1, 15, 10, 0, 0);
    for (int op = 0; op < PROGRAM_OP_COUNT_; op++) {
        o.op = (enum program_op)op;
        assert_ok(program_check_order(&o, &e), e);
    }

    memset(&o, 0, sizeof(o));
    o.op = PROGRAM_OP_NEW_PURCHASE;
    o.seller = &b;
    o.customer = &us;
    o.now = at(2026, 1, 15, 10, 0, 0);
    assert_ok(program_check_order(&o, &e), e);
}

/*
 * The documented order: with every rule broken, each fix reveals the next refusal.
 * transacting → standing → POR → relationship → region → self-sale → MCA.
 */
static void test_order_of_checks(void **state)
{
    struct partner d = distributor(), r = reseller(), not_seller = reseller();
    struct customer c = customer("US");
    struct reseller_relationship rels[1] = { rel("ptn_dist", "ptn_res", true, D(2024, 1, 1)) };
    struct program_order o;
    struct err e;

    (void)state;
    err_clear(&e);
    memset(&o, 0, sizeof(o));
    o.op = PROGRAM_OP_NEW_PURCHASE;
    o.now = at(2026, 1, 15, 10, 0, 0);
    o.seller = &not_seller;              /* an indirect reseller as seller */
    o.reseller = NULL;                   /* no POR after 2025-12-01 */
    o.customer = &c;                     /* in the US: another region */
    SET(c.tenant_id, d.csp_tenant_id);   /* the distributor's own tenant */
    c.mca.status = MCA_NONE;
    d.status = PARTNER_STATUS_SUSPENDED;

    assert_refused(program_check_order(&o, &e), e, "not_transacting_partner", "partner_id");
    o.seller = &d;
    assert_refused(program_check_order(&o, &e), e, "partner_not_authorized", "partner_id");
    d.status = PARTNER_STATUS_ACTIVE;
    assert_refused(program_check_order(&o, &e), e, "por_required", "reseller_id");
    o.reseller = &r;
    assert_refused(program_check_order(&o, &e), e, "no_relationship", "reseller_id");
    o.relationships = rels;
    o.n_relationships = 1;
    assert_refused(program_check_order(&o, &e), e, "region_mismatch", "customer_id");
    SET(c.country, "IT");
    assert_refused(program_check_order(&o, &e), e, "self_sale", "customer_id");
    SET(c.tenant_id, "44444444-4444-4444-4444-444444444444");
    assert_refused(program_check_order(&o, &e), e, "mca_not_accepted", "customer_id");
    c.mca.status = MCA_ACCEPTED;
    assert_ok(program_check_order(&o, &e), e);
}

/* Step 5 and 6 also apply to the reseller, after the seller. */
static void test_order_checks_reseller_too(void **state)
{
    struct partner d = distributor(), r = reseller();
    struct customer c = customer("IT");
    struct reseller_relationship rels[1] = { rel("ptn_dist", "ptn_res", true, D(2024, 1, 1)) };
    struct program_order o;
    struct err e;

    (void)state;
    err_clear(&e);
    memset(&o, 0, sizeof(o));
    o.op = PROGRAM_OP_SEAT_INCREASE;
    o.seller = &d;
    o.reseller = &r;
    o.customer = &c;
    o.relationships = rels;
    o.n_relationships = 1;
    /* Before 2025-12-01 the POR rule does not look at regions; the region rule does. */
    o.now = at(2025, 10, 1, 0, 0, 0);
    SET(r.region, "united_states");
    assert_refused(program_check_order(&o, &e), e, "region_mismatch", "customer_id");
    r.region[0] = '\0';
    /* The customer is the reseller's own tenant. */
    SET(c.tenant_id, r.csp_tenant_id);
    assert_refused(program_check_order(&o, &e), e, "self_sale", "customer_id");
}

/* Auto-renewal and cancellation: only a transacting seller is needed. */
static void test_order_light_operations(void **state)
{
    struct partner d = distributor(), r = reseller();
    struct customer c = customer("US");
    struct program_order o;
    struct err e;

    (void)state;
    err_clear(&e);
    c.mca.status = MCA_NONE;
    d.status = PARTNER_STATUS_SUSPENDED;
    memset(&o, 0, sizeof(o));
    o.seller = &d;
    o.customer = &c;
    o.now = at(2026, 1, 15, 0, 0, 0);
    o.op = PROGRAM_OP_AUTO_RENEWAL;
    assert_ok(program_check_order(&o, &e), e);
    o.op = PROGRAM_OP_CANCEL;
    assert_ok(program_check_order(&o, &e), e);
    o.seller = &r;
    assert_refused(program_check_order(&o, &e), e, "not_transacting_partner", "partner_id");
    /* A seat decrease by a suspended partner passes standing but still needs the MCA. */
    o.seller = &d;
    o.op = PROGRAM_OP_SEAT_DECREASE;
    SET(c.country, "DE");
    o.now = at(2025, 11, 1, 0, 0, 0);
    assert_refused(program_check_order(&o, &e), e, "mca_not_accepted", "customer_id");
}

static void test_order_direct_bill_names_no_reseller(void **state)
{
    struct partner b = direct(), r = reseller();
    struct customer c = customer("US");
    struct program_order o;
    struct err e;

    (void)state;
    err_clear(&e);
    memset(&o, 0, sizeof(o));
    o.op = PROGRAM_OP_NEW_PURCHASE;
    o.seller = &b;
    o.reseller = &r;
    o.customer = &c;
    o.now = at(2026, 1, 15, 0, 0, 0);
    assert_refused(program_check_order(&o, &e), e, "por_invalid", "reseller_id");
}

static void test_order_invalid_input(void **state)
{
    struct partner b = direct();
    struct customer c = customer("US");
    struct program_order o;
    struct err e;

    (void)state;
    err_clear(&e);
    memset(&o, 0, sizeof(o));
    o.seller = &b;
    assert_invalid(program_check_order(&o, &e), e, "customer_id");
    o.customer = &c;
    o.seller = NULL;
    assert_invalid(program_check_order(&o, &e), e, "partner_id");
    assert_invalid(program_check_order(NULL, &e), e, "partner_id");
    o.seller = &b;
    o.op = (enum program_op)42;
    assert_invalid(program_check_order(&o, &e), e, "op");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kind_names),
        cmocka_unit_test(test_ops_needing_mca),
        cmocka_unit_test(test_mca_none_refused),
        cmocka_unit_test(test_mca_accepted_directly),
        cmocka_unit_test(test_mca_attested_date_boundary),
        cmocka_unit_test(test_mca_reacceptance_policy),
        cmocka_unit_test(test_mca_attested_by_reseller_invalid),
        cmocka_unit_test(test_attestation_by_kind),
        cmocka_unit_test(test_attestation_date_in_future),
        cmocka_unit_test(test_attestation_required_fields),
        cmocka_unit_test(test_region_same_and_mismatch),
        cmocka_unit_test(test_region_brazil_single),
        cmocka_unit_test(test_region_unknown_country),
        cmocka_unit_test(test_region_recorded_on_partner),
        cmocka_unit_test(test_por_required_boundary),
        cmocka_unit_test(test_por_reseller_rules_boundary),
        cmocka_unit_test(test_por_active_and_region_boundary),
        cmocka_unit_test(test_por_must_be_reseller_with_mpa),
        cmocka_unit_test(test_self_sale),
        cmocka_unit_test(test_relationship_in_effect),
        cmocka_unit_test(test_relationship_several_distributors),
        cmocka_unit_test(test_relationship_new),
        cmocka_unit_test(test_transacting_partner),
        cmocka_unit_test(test_partner_standing),
        cmocka_unit_test(test_order_happy_paths),
        cmocka_unit_test(test_order_of_checks),
        cmocka_unit_test(test_order_checks_reseller_too),
        cmocka_unit_test(test_order_light_operations),
        cmocka_unit_test(test_order_direct_bill_names_no_reseller),
        cmocka_unit_test(test_order_invalid_input),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
