/*
 * domain/program/rules_mca.c — the customer-agreement rules: is a customer's Microsoft
 * Customer Agreement valid at an instant, and may a partner record an attestation of it.
 *
 * Rules (program.md §2; nce-rules.md §9 citing [L14], [L15], [T2]):
 *  - no purchase before the customer has accepted the MCA, directly or through an attestation
 *    by a direct-bill partner or distributor ("Indirect resellers can't attest on behalf of
 *    their customers");
 *  - the acceptance date of an attestation is never in the future ("You can't set the
 *    Agreement acceptance date to a future date"), compared by UTC day: accepted today is
 *    valid, accepted tomorrow is not yet;
 *  - customers attested before 2023-04-01 must re-accept from 2025-10-07; from that instant
 *    (00:00:00Z) such an attestation is not a valid MCA. A re-acceptance is recorded as a new
 *    acceptance with its own date, so the rule only looks at the current record. A direct
 *    acceptance by the customer is not affected.
 * Which operations need a valid MCA is the op table in parties.c (auto-renewals do not).
 * Called by program_check_order and by svc/ when it shows a customer's status.
 */
#include "domain/program/program_internal.h"

#include <string.h>

/* 0 when valid; otherwise -1 with the refusal in err. The one place the MCA rule lives. */
static int mca_verdict(const struct customer *c, instant_t now, struct err *err)
{
    const struct mca_record *m = &c->mca;
    struct date today = instant_date(now);
    char day[DATE_STRLEN];

    if (prog_date_known(m->accepted_on) && !date_is_valid(m->accepted_on))
        return err_set(err, ERR_INVALID, "accepted_on", "MCA acceptance date is not a valid day");

    switch (m->status) {
    case MCA_NONE:
        return err_refuse(err, "mca_not_accepted", "customer_id",
                          "customer %s has not accepted the Microsoft Customer Agreement; the "
                          "customer accepts it, or a direct-bill partner or distributor attests "
                          "its acceptance, before this change (program.md §2)",
                          CUSTOMER_LABEL(c));
    case MCA_ACCEPTED:
        if (prog_date_known(m->accepted_on) && date_cmp(m->accepted_on, today) > 0) {
            date_format(m->accepted_on, day);
            return err_refuse(err, "mca_not_accepted", "customer_id",
                              "customer %s accepts the Microsoft Customer Agreement only on %s; "
                              "no change is possible before then", CUSTOMER_LABEL(c), day);
        }
        return 0;
    case MCA_ATTESTED:
        if (!prog_date_known(m->accepted_on))
            return err_refuse(err, "mca_not_accepted", "customer_id",
                              "the attestation of customer %s's Microsoft Customer Agreement "
                              "has no acceptance date; attest it again with the date",
                              CUSTOMER_LABEL(c));
        date_format(m->accepted_on, day);
        if (date_cmp(m->accepted_on, today) > 0)
            return err_refuse(err, "mca_not_accepted", "customer_id",
                              "the attested acceptance date %s of customer %s's Microsoft "
                              "Customer Agreement is in the future; an acceptance date can "
                              "never be later than today", day, CUSTOMER_LABEL(c));
        if (m->attested_by == PARTNER_INDIRECT_RESELLER)
            return err_refuse(err, "mca_not_accepted", "customer_id",
                              "customer %s's Microsoft Customer Agreement was attested by an "
                              "indirect reseller, which may not attest; the distributor attests "
                              "it, or the customer accepts it directly", CUSTOMER_LABEL(c));
        if (date_cmp(m->accepted_on, PROGRAM_MCA_REACCEPT_BEFORE) < 0 &&
            date_cmp(today, PROGRAM_MCA_REACCEPT_FROM) >= 0)
            return err_refuse(err, "mca_not_accepted", "customer_id",
                              "customer %s's Microsoft Customer Agreement was attested on %s, "
                              "before 2023-04-01; since 2025-10-07 the customer must accept it "
                              "again before any purchase, seat change, upgrade or billing-plan "
                              "change", CUSTOMER_LABEL(c), day);
        return 0;
    }
    return err_set(err, ERR_INVALID, "mca_status", "unknown MCA status %d", (int)m->status);
}

bool program_mca_valid(const struct customer *c, instant_t now)
{
    struct err scratch;

    err_clear(&scratch);
    return c && mca_verdict(c, now, &scratch) == 0;
}

int program_check_mca(const struct customer *c, instant_t now, struct err *err)
{
    if (!c)
        return err_set(err, ERR_INVALID, "customer_id", "no customer given");
    return mca_verdict(c, now, err);
}

/* A minimal shape check: something before and after one '@'. Real validation is the edge's. */
static bool looks_like_email(const char *s)
{
    const char *at = strchr(s, '@');

    return at && at != s && at[1] && !strchr(at + 1, '@');
}

int program_check_attestation(const struct partner *attester, const struct mca_record *a,
                              instant_t now, struct err *err)
{
    struct date today = instant_date(now);
    char day[DATE_STRLEN];

    if (!attester || !a)
        return err_set(err, ERR_INVALID, attester ? "agreement" : "partner_id",
                       "no attesting partner or attestation given");
    if (attester->kind == PARTNER_KIND_NONE)
        return err_set(err, ERR_INVALID, "partner_id", "partner %s has no partner kind",
                       PARTNER_LABEL(attester));
    if (!partner_kind_transacts(attester->kind))
        return err_refuse(err, "attestation_not_allowed", "partner_id",
                          "an indirect reseller cannot attest its customers' acceptance of the "
                          "Microsoft Customer Agreement; the distributor attests it, or the "
                          "customer accepts it directly (program.md §2)");
    if (!a->signer_first_name[0])
        return err_set(err, ERR_INVALID, "signer_first_name",
                       "the first name of the customer's signer is required");
    if (!a->signer_last_name[0])
        return err_set(err, ERR_INVALID, "signer_last_name",
                       "the last name of the customer's signer is required");
    if (!looks_like_email(a->signer_email))
        return err_set(err, ERR_INVALID, "signer_email",
                       "the e-mail address of the customer's signer is required");
    if (!a->signer_phone[0])
        return err_set(err, ERR_INVALID, "signer_phone",
                       "the phone number of the customer's signer is required");
    if (!prog_date_known(a->accepted_on) || !date_is_valid(a->accepted_on))
        return err_set(err, ERR_INVALID, "accepted_on",
                       "the date the customer accepted the agreement is required");
    if (date_cmp(a->accepted_on, today) > 0) {
        date_format(a->accepted_on, day);
        return err_refuse(err, "mca_date_in_future", "accepted_on",
                          "the acceptance date %s is in the future; enter the day the customer "
                          "accepted the agreement, today at the latest", day);
    }
    return 0;
}
