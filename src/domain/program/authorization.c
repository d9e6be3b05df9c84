/*
 * domain/program/authorization.c — the FY26 CSP authorization requirements as a table, and
 * their evaluation against the facts cspd has recorded about a partner.
 *
 * Source: program.md §6 (requirement table, reassessment, 30-day remediation) and
 * nce-rules.md §12. The distributor's USD 30,000,000 and the "30 days" wording are marked
 * UNCONFIRMED there (forum and third-party sources only); they are rows of data here so a
 * correction is one edit. Requirements Microsoft assesses itself (capabilities assessment,
 * credit check, a distributor's "individual assessment" of experience, the Security Score) are
 * not rows: cspd has no fact to test them with.
 *
 * Each requirement evaluates to met / not met / unknown. Unknown means the fact was never
 * recorded; it is never guessed from other facts. Money is `struct dec` in USD, compared
 * exactly; thresholds are whole units. The detail sentence names the figure and the bar
 * ("trailing-12-month revenue USD 640.00 is below USD 1,000"); figures are shown truncated to
 * cents so that 999.999 never reads as "1,000.00 is below 1,000".
 * Called by svc/ for the partner compliance page and by the yearly reassessment job; a dozen
 * rows per call, no allocation.
 */
#include "domain/program/program_internal.h"

#include <stdio.h>
#include <string.h>

static const struct auth_requirement requirements[] = {
    { "ttm_revenue", "trailing-12-month revenue",
      PROGRAM_KIND_BIT(PARTNER_INDIRECT_RESELLER), AUTH_FACT_TTM_REVENUE, 1000,
      "per PLA tenant" },
    { "ttm_revenue", "trailing-12-month revenue",
      PROGRAM_KIND_BIT(PARTNER_DIRECT_BILL), AUTH_FACT_TTM_REVENUE, 1000000,
      "per partner global account, all tenants" },
    { "ttm_revenue", "trailing-12-month revenue",
      PROGRAM_KIND_BIT(PARTNER_DISTRIBUTOR), AUTH_FACT_TTM_REVENUE, 30000000,
      "billed, per authorized region (UNCONFIRMED, nce-rules.md §12)" },
    { "support_plan", "support plan",
      PROGRAM_KIND_BIT(PARTNER_DIRECT_BILL) | PROGRAM_KIND_BIT(PARTNER_DISTRIBUTOR),
      AUTH_FACT_SUPPORT_PLAN, SUPPORT_PLAN_ADVANCED, "" },
    { "solutions_partner_designation", "Solutions Partner designations",
      PROGRAM_KIND_BIT(PARTNER_DIRECT_BILL), AUTH_FACT_DESIGNATIONS, 1, "active" },
    { "prior_experience", "months transacting as an indirect reseller",
      PROGRAM_KIND_BIT(PARTNER_DIRECT_BILL), AUTH_FACT_RESELLER_MONTHS, 12, "" },
    { "admin_mfa", "MFA for all admin users", PROGRAM_KINDS_ALL, AUTH_FACT_ADMIN_MFA, 0,
      "CSP tenant" },
    { "security_contact", "security contact", PROGRAM_KINDS_ALL, AUTH_FACT_SECURITY_CONTACT,
      0, "in Partner Center" },
    { "security_alert_response", "security alerts answered",
      PROGRAM_KIND_BIT(PARTNER_DIRECT_BILL) | PROGRAM_KIND_BIT(PARTNER_DISTRIBUTOR),
      AUTH_FACT_ALERT_RESPONSE, 24 * 60, "average, minutes" },
    { "mpa_accepted", "Microsoft Partner Agreement", PROGRAM_KINDS_ALL, AUTH_FACT_MPA, 0, "" },
    { "pla_verified", "PLA ID", PROGRAM_KINDS_ALL, AUTH_FACT_PLA_VERIFIED, 0,
      "in the region" },
    { "business_email", "e-mail address", PROGRAM_KIND_BIT(PARTNER_INDIRECT_RESELLER),
      AUTH_FACT_BUSINESS_EMAIL, 0, "no personal, disposable or generic address" },
};

#define N_REQS (sizeof(requirements) / sizeof(requirements[0]))

_Static_assert(N_REQS <= AUTH_MAX_RESULTS, "auth_report too small for the requirement table");

const char *auth_state_name(enum auth_state state)
{
    switch (state) {
    case AUTH_MET: return "met";
    case AUTH_NOT_MET: return "not_met";
    case AUTH_UNKNOWN: return "unknown";
    }
    return "unknown";
}

const struct auth_requirement *program_auth_requirement_at(size_t i)
{
    return i < N_REQS ? &requirements[i] : NULL;
}

/* Insert thousands separators into the integer part of a plain decimal text. */
static void group_thousands(const char *plain, char *out, size_t outlen)
{
    const char *digits = plain, *dot;
    size_t n_int, o = 0;

    if (*digits == '-') {
        if (o + 1 < outlen)
            out[o++] = '-';
        digits++;
    }
    dot = strchr(digits, '.');
    n_int = dot ? (size_t)(dot - digits) : strlen(digits);
    for (size_t i = 0; i < n_int && o + 1 < outlen; i++) {
        if (i > 0 && (n_int - i) % 3 == 0 && o + 2 < outlen)
            out[o++] = ',';
        out[o++] = digits[i];
    }
    for (const char *p = digits + n_int; *p && o + 1 < outlen; p++)
        out[o++] = *p;
    out[o] = '\0';
}

/* "640.00", "1,234,567.89": cents, truncated toward zero. */
static void format_usd_amount(struct dec v, char *out, size_t outlen)
{
    char plain[DEC_STRLEN];

    dec_format_fixed(v, 2, DEC_ROUND_DOWN, plain);
    group_thousands(plain, out, outlen);
}

/* "1,000", "30,000,000". */
static void format_whole(int64_t v, char *out, size_t outlen)
{
    char plain[24];

    snprintf(plain, sizeof(plain), "%lld", (long long)v);
    group_thousands(plain, out, outlen);
}

static const char *support_plan_label(enum support_plan p)
{
    switch (p) {
    case SUPPORT_PLAN_UNKNOWN: return "not recorded";
    case SUPPORT_PLAN_NONE: return "none";
    case SUPPORT_PLAN_OTHER: return "a plan below Advanced";
    case SUPPORT_PLAN_ADVANCED: return "Advanced Support for Partners";
    case SUPPORT_PLAN_PREMIER: return "Premier Support for Partners";
    }
    return "unknown";
}

/* met when `fact` is FACT_YES, with the two sentences for yes and no. */
static enum auth_state eval_yes(enum fact_bool fact, const char *yes, const char *no,
                                const struct auth_requirement *r, char *d, size_t dl)
{
    switch (fact) {
    case FACT_YES:
        snprintf(d, dl, "%s", yes);
        return AUTH_MET;
    case FACT_NO:
        snprintf(d, dl, "%s", no);
        return AUTH_NOT_MET;
    case FACT_UNKNOWN:
        break;
    }
    snprintf(d, dl, "%s not recorded", r->label);
    return AUTH_UNKNOWN;
}

static enum auth_state eval_revenue(const struct auth_facts *f, const struct auth_requirement *r,
                                    char *d, size_t dl)
{
    char fig[DEC_STRLEN + 16], bar[32];

    if (!f->ttm_revenue_usd.known) {
        snprintf(d, dl, "%s not recorded", r->label);
        return AUTH_UNKNOWN;
    }
    format_usd_amount(f->ttm_revenue_usd.value, fig, sizeof(fig));
    format_whole(r->threshold, bar, sizeof(bar));
    if (dec_cmp(f->ttm_revenue_usd.value, dec_from_i64(r->threshold)) >= 0) {
        snprintf(d, dl, "%s USD %s meets USD %s", r->label, fig, bar);
        return AUTH_MET;
    }
    snprintf(d, dl, "%s USD %s is below USD %s", r->label, fig, bar);
    return AUTH_NOT_MET;
}

static enum auth_state eval_count_min(struct fact_count c, const struct auth_requirement *r,
                                      char *d, size_t dl)
{
    if (!c.known) {
        snprintf(d, dl, "%s not recorded", r->label);
        return AUTH_UNKNOWN;
    }
    if (c.value >= r->threshold) {
        snprintf(d, dl, "%s: %lld, at least %lld required", r->label, (long long)c.value,
                 (long long)r->threshold);
        return AUTH_MET;
    }
    snprintf(d, dl, "%s: %lld, below the %lld required", r->label, (long long)c.value,
             (long long)r->threshold);
    return AUTH_NOT_MET;
}

static enum auth_state eval_admin_mfa(const struct auth_facts *f,
                                      const struct auth_requirement *r, char *d, size_t dl)
{
    if (!f->admin_users.known || !f->admin_users_with_mfa.known || f->admin_users.value == 0) {
        snprintf(d, dl, "%s: admin users or their MFA not recorded", r->label);
        return AUTH_UNKNOWN;
    }
    if (f->admin_users_with_mfa.value == f->admin_users.value) {
        snprintf(d, dl, "MFA on all %lld admin users", (long long)f->admin_users.value);
        return AUTH_MET;
    }
    snprintf(d, dl, "MFA on %lld of %lld admin users; all need it",
             (long long)f->admin_users_with_mfa.value, (long long)f->admin_users.value);
    return AUTH_NOT_MET;
}

static enum auth_state eval_alert_response(const struct auth_facts *f,
                                           const struct auth_requirement *r, char *d,
                                           size_t dl)
{
    int64_t m = f->alert_response_minutes.value;

    if (!f->alert_response_minutes.known) {
        snprintf(d, dl, "%s not recorded", r->label);
        return AUTH_UNKNOWN;
    }
    snprintf(d, dl, "%s in %lld h %02lld min on average; %lld h or less required", r->label,
             (long long)(m / 60), (long long)(m % 60), (long long)(r->threshold / 60));
    return m <= r->threshold ? AUTH_MET : AUTH_NOT_MET;
}

static enum auth_state eval_support(const struct auth_facts *f, const struct auth_requirement *r,
                                    char *d, size_t dl)
{
    if (f->support_plan == SUPPORT_PLAN_UNKNOWN) {
        snprintf(d, dl, "%s not recorded", r->label);
        return AUTH_UNKNOWN;
    }
    if ((int64_t)f->support_plan >= r->threshold) {
        snprintf(d, dl, "%s: %s", r->label, support_plan_label(f->support_plan));
        return AUTH_MET;
    }
    snprintf(d, dl, "%s: %s; Advanced (ASfP) or Premier (PSfP) Support for Partners required",
             r->label, support_plan_label(f->support_plan));
    return AUTH_NOT_MET;
}

static enum auth_state evaluate_one(const struct auth_requirement *r,
                                    const struct auth_facts *f, char *d, size_t dl)
{
    switch (r->fact) {
    case AUTH_FACT_TTM_REVENUE:
        return eval_revenue(f, r, d, dl);
    case AUTH_FACT_SUPPORT_PLAN:
        return eval_support(f, r, d, dl);
    case AUTH_FACT_DESIGNATIONS:
        return eval_count_min(f->designations, r, d, dl);
    case AUTH_FACT_RESELLER_MONTHS:
        return eval_count_min(f->reseller_months, r, d, dl);
    case AUTH_FACT_ADMIN_MFA:
        return eval_admin_mfa(f, r, d, dl);
    case AUTH_FACT_SECURITY_CONTACT:
        return eval_yes(f->security_contact, "security contact set in Partner Center",
                        "no security contact in Partner Center", r, d, dl);
    case AUTH_FACT_ALERT_RESPONSE:
        return eval_alert_response(f, r, d, dl);
    case AUTH_FACT_MPA:
        return eval_yes(f->mpa_accepted, "Microsoft Partner Agreement accepted",
                        "Microsoft Partner Agreement not accepted", r, d, dl);
    case AUTH_FACT_PLA_VERIFIED:
        return eval_yes(f->pla_verified, "PLA ID verified", "PLA ID not verified", r, d, dl);
    case AUTH_FACT_BUSINESS_EMAIL:
        return eval_yes(f->business_email, "business e-mail address",
                        "e-mail address is personal, disposable or generic; a business "
                        "address is required", r, d, dl);
    }
    snprintf(d, dl, "%s: no evaluation for this fact", r->label);
    return AUTH_UNKNOWN;
}

static bool fact_bool_ok(enum fact_bool b)
{
    return b == FACT_UNKNOWN || b == FACT_NO || b == FACT_YES;
}

static int check_count(struct fact_count c, const char *field, struct err *err)
{
    if (c.known && c.value < 0)
        return err_set(err, ERR_INVALID, field, "%s cannot be negative", field);
    return 0;
}

static int validate_facts(const struct auth_facts *f, struct err *err)
{
    if (check_count(f->admin_users, "admin_users", err) < 0 ||
        check_count(f->admin_users_with_mfa, "admin_users_with_mfa", err) < 0 ||
        check_count(f->alert_response_minutes, "alert_response_minutes", err) < 0 ||
        check_count(f->designations, "designations", err) < 0 ||
        check_count(f->reseller_months, "reseller_months", err) < 0)
        return -1;
    if (f->admin_users.known && f->admin_users_with_mfa.known &&
        f->admin_users_with_mfa.value > f->admin_users.value)
        return err_set(err, ERR_INVALID, "admin_users_with_mfa",
                       "%lld admin users with MFA but only %lld admin users",
                       (long long)f->admin_users_with_mfa.value,
                       (long long)f->admin_users.value);
    if (!fact_bool_ok(f->security_contact) || !fact_bool_ok(f->mpa_accepted) ||
        !fact_bool_ok(f->pla_verified) || !fact_bool_ok(f->business_email))
        return err_set(err, ERR_INVALID, "facts", "a yes/no fact has an unknown value");
    if ((unsigned)f->support_plan > SUPPORT_PLAN_PREMIER)
        return err_set(err, ERR_INVALID, "support_plan", "unknown support plan %d",
                       (int)f->support_plan);
    return 0;
}

int program_authorization_evaluate(enum partner_kind kind, const struct auth_facts *facts,
                                   struct auth_report *out, struct err *err)
{
    if (!facts || !out)
        return err_set(err, ERR_INVALID, "facts", "no facts or report given");
    if (!partner_kind_transacts(kind) && kind != PARTNER_INDIRECT_RESELLER)
        return err_set(err, ERR_INVALID, "kind", "unknown partner kind %d", (int)kind);
    if (validate_facts(facts, err) < 0)
        return -1;

    memset(out, 0, sizeof(*out));
    out->kind = kind;
    for (size_t i = 0; i < N_REQS; i++) {
        const struct auth_requirement *r = &requirements[i];
        struct auth_result *res;

        if (!(r->kinds & PROGRAM_KIND_BIT(kind)))
            continue;
        res = &out->results[out->n++];
        res->req = r;
        res->state = evaluate_one(r, facts, res->detail, sizeof(res->detail));
        if (res->state == AUTH_MET)
            out->met++;
        else if (res->state == AUTH_NOT_MET)
            out->not_met++;
        else
            out->unknown++;
    }
    return 0;
}

int program_reassessment_month(struct date onboarded_on)
{
    return onboarded_on.month;
}

struct date program_next_reassessment(struct date onboarded_on, struct date today)
{
    int year = today.year;

    if (today.month > onboarded_on.month)
        year++;
    /* The first reassessment comes a year after onboarding. */
    if (year < onboarded_on.year + 1)
        year = onboarded_on.year + 1;
    return (struct date){ year, onboarded_on.month, 1 };
}

struct date program_remediation_deadline(struct date failed_on)
{
    return date_add_days(failed_on, PROGRAM_REMEDIATION_DAYS);
}
