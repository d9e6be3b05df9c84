/*
 * svc/party_partner.c — partner use cases: create, read, update, record the MPA, list, and
 * the FY26 authorization report (see party.h for the contract and who may do what).
 *
 * The report is program_authorization_evaluate over the facts cspd holds: the recorded ones
 * from the partner row (NULL there = unknown), the MFA picture counted from the partner's
 * users at read time, the trailing-12-month revenue as recorded until billing computes it
 * from the ledger. Nothing here decides a requirement; authorization.c does (program.md §6).
 */
#include <stdio.h>
#include <string.h>

#include "svc/invoice_report.h"
#include "svc/party_internal.h"

int svc_partner_create(struct db *db, const struct scope *s, instant_t now, const json_t *in,
                       struct party_partner *out, struct err *err)
{
    struct party_partner p;

    if (party_may_write(s, PARTY_WRITE_PROFILE, err) < 0)
        return -1;
    if (s->kind != SCOPE_INSTALLATION)
        return err_set(err, ERR_FORBIDDEN, "", "partners are added by the installation's "
                       "operator");
    memset(&p, 0, sizeof(p));
    if (party_partner_apply_json(&p, in, true, err) < 0 || id_new("prt", p.p.id, err) < 0)
        return -1;
    p.created_at = now;
    if (party_begin(db, err) < 0)
        return -1;
    if (repo_partner_insert(db, s, &p, err) < 0 || repo_partner_get(db, s, p.p.id, out, err) < 0)
        return party_fail(db);
    return party_audit_commit(db, s, "partner.create", "partner", out->p.id, out->p.id, NULL,
                              NULL, party_partner_to_json(out), err);
}

int svc_partner_get(struct db *db, const struct scope *s, const char *id,
                    struct party_partner *out, struct err *err)
{
    return repo_partner_get(db, s, id, out, err);
}

int svc_partner_list(struct db *db, const struct scope *s, const struct party_filter *f,
                     int (*fn)(void *ctx, const struct party_partner *p), void *ctx,
                     bool *more, struct err *err)
{
    return repo_partner_list(db, s, f, fn, ctx, more, err);
}

/* Load the partner a profile change is about: in scope, and the caller's own (or any, for
 * the installation). Inside the use case's transaction. */
static int load_own(struct db *db, const struct scope *s, const char *id,
                    struct party_partner *out, struct err *err)
{
    if (repo_partner_get(db, s, id, out, err) < 0)
        return -1;
    if (s->kind == SCOPE_PARTNER && strcmp(s->partner_id, id) != 0)
        return err_set(err, ERR_FORBIDDEN, "", "a partner's record is changed by its own "
                       "owner or admin users");
    return 0;
}

/* Write `next` over `cur` (same id) and audit the change as `action`. Ends the transaction. */
static int write_change(struct db *db, const struct scope *s, instant_t now, const char *action,
                        const struct party_partner *cur, struct party_partner *next,
                        struct party_partner *out, struct err *err)
{
    json_t *before = party_partner_to_json(cur);

    next->updated_at = now;
    if (!before) {
        err_set(err, ERR_NOMEM, "", "out of memory");
        return party_fail(db);
    }
    if (repo_partner_update(db, s, next, err) < 0 ||
        repo_partner_get(db, s, next->p.id, out, err) < 0) {
        json_decref(before);
        return party_fail(db);
    }
    return party_audit_commit(db, s, action, "partner", out->p.id, out->p.id, NULL, before,
                              party_partner_to_json(out), err);
}

int svc_partner_update(struct db *db, const struct scope *s, instant_t now, const char *id,
                       const json_t *patch, struct party_partner *out, struct err *err)
{
    struct party_partner cur, next;

    if (party_may_write(s, PARTY_WRITE_PROFILE, err) < 0 || party_begin(db, err) < 0)
        return -1;
    if (load_own(db, s, id, &cur, err) < 0)
        return party_fail(db);
    next = cur;
    if (party_partner_apply_json(&next, patch, false, err) < 0)
        return party_fail(db);
    if (s->kind != SCOPE_INSTALLATION && next.p.status != cur.p.status) {
        err_set(err, ERR_FORBIDDEN, "status", "a partner's standing in the program is "
                "recorded by the installation's operator");
        return party_fail(db);
    }
    return write_change(db, s, now, "partner.update", &cur, &next, out, err);
}

int svc_partner_accept_mpa(struct db *db, const struct scope *s, instant_t now, const char *id,
                           const json_t *in, struct party_partner *out, struct err *err)
{
    static const char *const allowed[] = {"accepted_on", "accepted_by", NULL};
    struct party_partner cur, next;
    char by[PROGRAM_EMAIL_LEN], day[DATE_STRLEN];
    struct date on = {0, 0, 0};
    enum pj_has has;

    if (party_may_write(s, PARTY_WRITE_PROFILE, err) < 0 || pj_known(in, allowed, err) < 0 ||
        pj_date(in, "accepted_on", &on, &has, err) < 0 ||
        pj_required(has, "accepted_on", true, err) < 0 ||
        pj_text(in, "accepted_by", by, sizeof(by), &has, err) < 0 ||
        pj_required(has, "accepted_by", true, err) < 0 ||
        pj_check_name("accepted_by", by, err) < 0)
        return -1;
    /* An agreement is accepted on a day that has come (program.md §2: acceptance by a Global
     * Admin activates the enrolment; a future day has not happened). */
    if (date_cmp(on, instant_date(now)) > 0) {
        date_format(on, day);
        return err_set(err, ERR_INVALID, "accepted_on", "the MPA acceptance date %s is after "
                       "today", day);
    }
    if (party_begin(db, err) < 0)
        return -1;
    if (load_own(db, s, id, &cur, err) < 0)
        return party_fail(db);
    next = cur;
    next.p.mpa_accepted = true;
    next.p.mpa_accepted_on = on;
    snprintf(next.mpa_accepted_by, sizeof(next.mpa_accepted_by), "%s", by);
    return write_change(db, s, now, "partner.mpa_accept", &cur, &next, out, err);
}

/* The facts authorization.c evaluates, from what is recorded (program.h struct auth_facts). */
static void facts_of(const struct party_partner *pp, struct auth_facts *f)
{
    memset(f, 0, sizeof(*f));
    f->ttm_revenue_usd = pp->ttm_revenue_usd;
    f->admin_users = (struct fact_count){true, pp->admin_users};
    f->admin_users_with_mfa = (struct fact_count){true, pp->admin_users_with_mfa};
    if (pp->security_contact_known)
        f->security_contact = pp->security_contact[0] ? FACT_YES : FACT_NO;
    f->alert_response_minutes = pp->alert_response_minutes;
    if (pp->designations_known)
        f->designations = (struct fact_count){true, (int64_t)pp->n_designations};
    f->reseller_months = pp->reseller_months;
    f->support_plan = pp->support_plan;
    f->mpa_accepted = pp->p.mpa_accepted ? FACT_YES : FACT_NO;
    f->pla_verified = pp->p.pla_verified ? FACT_YES : FACT_NO;
    f->business_email = pp->business_email;
}

/* Reassessment month, next reassessment and the remediation deadline (party.h). */
static void schedule(struct party_compliance *c)
{
    struct date onb = c->partner.p.onboarded_on, last;

    if (onb.year == 0)
        return;
    c->reassessment_month = program_reassessment_month(onb);
    c->next_reassessment = program_next_reassessment(onb, c->today);
    if (c->partner.p.status == PARTNER_STATUS_REMEDIATION) {
        last = c->next_reassessment;
        if (date_cmp(last, c->today) > 0)
            last = date_add_years(last, -1);
        if (last.year >= onb.year + 1) {
            c->remediation_deadline = program_remediation_deadline(last);
            c->remediation_basis = "failed_reassessment";
        }
        return;
    }
    if (c->report.not_met > 0) {
        c->remediation_deadline = program_remediation_deadline(c->next_reassessment);
        c->remediation_basis = "next_reassessment";
    }
}

/*
 * The trailing-twelve-month revenue fact (program.md §6; issue: "computed from cspd's own
 * ledger once billing exists, until then from a recorded figure"): the partner's own rated
 * sales of the twelve months ending today (svc/invoice_report.h) once it has billed any, else
 * the figure recorded on the partner. A ledger that cannot be converted to USD (a missing
 * exchange rate) falls back to the recorded figure too; the source is reported beside it.
 */
static int ttm_fact(struct db *db, struct party_compliance *out, struct auth_facts *f,
                    struct err *err)
{
    struct dec usd;
    struct err ledger_err;

    err_clear(&ledger_err);
    if (invoice_ttm_revenue_usd(db, out->partner.p.id, out->today, &usd, &ledger_err) == 0) {
        if (!dec_is_zero(usd)) {
            f->ttm_revenue_usd.known = true;
            f->ttm_revenue_usd.value = usd;
            out->ttm_source = "ledger";
            return 0;
        }
    } else if (ledger_err.code != ERR_INVALID) {
        *err = ledger_err; /* the store failed: not a fact to paper over */
        return -1;
    }
    out->ttm_source = f->ttm_revenue_usd.known ? "recorded" : NULL;
    return 0;
}

int svc_partner_compliance(struct db *db, const struct scope *s, instant_t now, const char *id,
                           struct party_compliance *out, struct err *err)
{
    struct auth_facts facts;

    memset(out, 0, sizeof(*out));
    if (repo_partner_get(db, s, id, &out->partner, err) < 0)
        return -1;
    out->today = instant_date(now);
    facts_of(&out->partner, &facts);
    if (ttm_fact(db, out, &facts, err) < 0)
        return -1;
    if (program_authorization_evaluate(out->partner.p.kind, &facts, &out->report, err) < 0)
        return -1;
    out->overall = out->report.not_met ? AUTH_NOT_MET
                   : out->report.unknown ? AUTH_UNKNOWN : AUTH_MET;
    schedule(out);
    return 0;
}
