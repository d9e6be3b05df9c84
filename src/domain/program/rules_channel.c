/*
 * domain/program/rules_channel.c — the channel rules: who transacts, in what standing,
 * through which distributor, with which Partner of Record.
 *
 * Rules:
 *  - only direct-bill partners and distributors sell customer subscriptions; every
 *    transacting partner has accepted the MPA (program.md §1, §2; nce-rules.md §9 [L1], [L13]);
 *  - a suspended or deauthorized partner sells no new licences but keeps managing existing
 *    subscriptions (nce-rules.md §12 [W9]); a partner in its 30-day remediation still sells;
 *  - a distributor may attach a reseller's PartnerID only after the reseller accepted the MPA
 *    (program.md §2); from 2025-09-01 a POR needs an active CSP tenant and a verified PLA ID;
 *    from 2025-12-01 a distributor must name a valid POR — an active indirect reseller in its
 *    region with a verified PLA ID (program.md §4);
 *  - a reseller transacts through a distributor only while a relationship with it is in
 *    effect; it may have several; a relationship is established only within one region and
 *    with a reseller that accepted the MPA (program.md §2, §3; nce-rules.md §9 [L13]).
 * Policy instants are 00:00:00Z of the policy day. Called by program_check_order and by
 * svc/ when a relationship is created.
 */
#include "domain/program/program_internal.h"

#include <string.h>

int program_check_transacting_partner(const struct partner *p, struct err *err)
{
    if (!p)
        return err_set(err, ERR_INVALID, "partner_id", "no partner given");
    if (p->kind == PARTNER_KIND_NONE)
        return err_set(err, ERR_INVALID, "partner_id", "partner %s has no partner kind",
                       PARTNER_LABEL(p));
    if (!partner_kind_transacts(p->kind))
        return err_refuse(err, "not_transacting_partner", "partner_id",
                          "partner %s is an indirect reseller; indirect resellers cannot sell "
                          "customer subscriptions directly and sell through a distributor "
                          "(program.md §1)", PARTNER_LABEL(p));
    if (!p->mpa_accepted)
        return err_refuse(err, "mpa_not_accepted", "partner_id",
                          "partner %s has not accepted the Microsoft Partner Agreement; a "
                          "Global Admin of the partner accepts it before it transacts "
                          "(program.md §2)", PARTNER_LABEL(p));
    return 0;
}

int program_check_partner_standing(const struct partner *p, enum program_op op,
                                   struct err *err)
{
    if (!p)
        return err_set(err, ERR_INVALID, "partner_id", "no partner given");
    if (!program_op_sells_new_licences(op))
        return 0;
    if (p->status == PARTNER_STATUS_SUSPENDED || p->status == PARTNER_STATUS_DEAUTHORIZED)
        return err_refuse(err, "partner_not_authorized", "partner_id",
                          "partner %s is %s in the CSP program and cannot sell new licences; "
                          "existing subscriptions can still be managed (program.md §6)",
                          PARTNER_LABEL(p), partner_status_name(p->status));
    return 0;
}

int program_check_por(const struct partner *distributor, const struct partner *reseller,
                      instant_t now, struct err *err)
{
    struct date today = instant_date(now);
    bool reseller_rules = date_cmp(today, PROGRAM_POR_RESELLER_RULES_FROM) >= 0;
    bool required = date_cmp(today, PROGRAM_POR_REQUIRED_FROM) >= 0;
    const char *dr, *rr;

    if (!distributor)
        return err_set(err, ERR_INVALID, "partner_id", "no distributor given");
    if (distributor->kind != PARTNER_DISTRIBUTOR)
        return err_set(err, ERR_INVALID, "partner_id",
                       "partner %s is not a distributor; only a distributor names a partner "
                       "of record", PARTNER_LABEL(distributor));
    if (!reseller) {
        if (required)
            return err_refuse(err, "por_required", "reseller_id",
                              "since 2025-12-01 a distributor names the indirect reseller that "
                              "is the partner of record on every order; choose the reseller "
                              "(program.md §4)");
        return 0;
    }
    if (reseller->kind != PARTNER_INDIRECT_RESELLER)
        return err_refuse(err, "por_invalid", "reseller_id",
                          "partner %s is not an indirect reseller and cannot be the partner of "
                          "record (program.md §4)", PARTNER_LABEL(reseller));
    if (!reseller->mpa_accepted)
        return err_refuse(err, "mpa_not_accepted", "reseller_id",
                          "reseller %s has not accepted the Microsoft Partner Agreement; its "
                          "PartnerID cannot be attached to a subscription before it does "
                          "(program.md §2)", PARTNER_LABEL(reseller));
    if (reseller_rules && (!reseller->csp_tenant_id[0] || !reseller->csp_tenant_active))
        return err_refuse(err, "por_invalid", "reseller_id",
                          "reseller %s has no active CSP tenant; since 2025-09-01 a reseller "
                          "is partner of record only with an active CSP tenant (program.md §4)",
                          PARTNER_LABEL(reseller));
    if (reseller_rules && !reseller->pla_verified)
        return err_refuse(err, "por_invalid", "reseller_id",
                          "reseller %s's PLA ID is not verified; since 2025-09-01 a reseller is "
                          "partner of record only with a verified PLA ID (program.md §4)",
                          PARTNER_LABEL(reseller));
    if (!required)
        return 0;
    if (reseller->status == PARTNER_STATUS_SUSPENDED ||
        reseller->status == PARTNER_STATUS_DEAUTHORIZED)
        return err_refuse(err, "por_invalid", "reseller_id",
                          "reseller %s is %s; the partner of record must be an active indirect "
                          "reseller (program.md §4)", PARTNER_LABEL(reseller),
                          partner_status_name(reseller->status));
    dr = program_partner_region(distributor);
    rr = program_partner_region(reseller);
    if (!dr || !rr || strcmp(dr, rr) != 0)
        return err_refuse(err, "por_invalid", "reseller_id",
                          "reseller %s is in CSP region %s, distributor %s in %s; the partner "
                          "of record must be in the distributor's region (program.md §4)",
                          PARTNER_LABEL(reseller), prog_region_label(rr),
                          PARTNER_LABEL(distributor), prog_region_label(dr));
    return 0;
}

static bool relationship_in_effect(const struct reseller_relationship *r,
                                   const struct partner *distributor,
                                   const struct partner *reseller, struct date today)
{
    return r->active && strcmp(r->distributor_id, distributor->id) == 0 &&
           strcmp(r->reseller_id, reseller->id) == 0 &&
           (!prog_date_known(r->since) || date_cmp(r->since, today) <= 0);
}

int program_check_relationship(const struct partner *distributor,
                               const struct partner *reseller,
                               const struct reseller_relationship *rels, size_t n_rels,
                               instant_t now, struct err *err)
{
    struct date today = instant_date(now);

    if (!distributor || !reseller || (n_rels && !rels))
        return err_set(err, ERR_INVALID, "reseller_id", "no distributor, reseller or "
                       "relationship list given");
    if (!distributor->id[0] || !reseller->id[0])
        return err_set(err, ERR_INVALID, distributor->id[0] ? "reseller_id" : "partner_id",
                       "a partner without an id cannot be in a relationship");
    for (size_t i = 0; i < n_rels; i++) {
        if (relationship_in_effect(&rels[i], distributor, reseller, today))
            return 0;
    }
    return err_refuse(err, "no_relationship", "reseller_id",
                      "reseller %s has no active relationship with distributor %s; a reseller "
                      "transacts only through a distributor it has a relationship with "
                      "(program.md §1)", PARTNER_LABEL(reseller), PARTNER_LABEL(distributor));
}

int program_check_relationship_new(const struct partner *distributor,
                                   const struct partner *reseller, struct err *err)
{
    const char *dr, *rr;

    if (!distributor || distributor->kind != PARTNER_DISTRIBUTOR)
        return err_set(err, ERR_INVALID, "partner_id",
                       "a relationship is established by a distributor");
    if (!reseller || reseller->kind != PARTNER_INDIRECT_RESELLER)
        return err_set(err, ERR_INVALID, "reseller_id",
                       "a distributor establishes relationships with indirect resellers");
    dr = program_partner_region(distributor);
    rr = program_partner_region(reseller);
    if (!rr)
        return err_refuse(err, "region_unknown", "reseller_id",
                          "reseller %s's country \"%s\" is not in cspd's region table",
                          PARTNER_LABEL(reseller), reseller->country);
    if (!dr)
        return err_refuse(err, "region_unknown", "partner_id",
                          "distributor %s's country \"%s\" is not in cspd's region table",
                          PARTNER_LABEL(distributor), distributor->country);
    if (strcmp(dr, rr) != 0)
        return err_refuse(err, "region_mismatch", "reseller_id",
                          "reseller %s is in CSP region %s, distributor %s in %s; a "
                          "relationship is possible only within one region (program.md §3)",
                          PARTNER_LABEL(reseller), prog_region_label(rr),
                          PARTNER_LABEL(distributor), prog_region_label(dr));
    if (!reseller->mpa_accepted)
        return err_refuse(err, "mpa_not_accepted", "reseller_id",
                          "reseller %s has not accepted the Microsoft Partner Agreement; it "
                          "accepts it before a distributor can work with it (program.md §2)",
                          PARTNER_LABEL(reseller));
    return 0;
}
