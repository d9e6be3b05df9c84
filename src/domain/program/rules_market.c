/*
 * domain/program/rules_market.c — who may sell to which customer: the region rule and the
 * self-sale rule.
 *
 * Region (program.md §3; nce-rules.md §9 [L13], [L14]): "A partner in the CSP program can
 * only sell to customers from the same region." The customer's market is the country set in
 * its tenant, looked up in the region table (regions.c); the partner's region is its PLA's
 * (struct partner.region, else its country's). A country absent from the table has no known
 * region and is refused (region_unknown) — an operator adds the row, cspd does not guess.
 *
 * Self-sale (program.md §5; nce-rules.md §9 [L13], [L18]): no sale to the partner itself
 * (its own CSP tenant), to its affiliates (same partner global account), nor to another CSP
 * partner's transacting tenant. Buying for own use through another partner with a separate
 * customer tenant stays allowed: that tenant is neither.
 * Called by program_check_order for the seller and again for the partner of record.
 */
#include "domain/program/program_internal.h"

#include <string.h>
#include <strings.h>

int program_check_region(const struct partner *p, const struct customer *c, struct err *err)
{
    const char *pr, *cr;

    if (!p || !c)
        return err_set(err, ERR_INVALID, p ? "customer_id" : "partner_id",
                       "no partner or customer given");
    pr = program_partner_region(p);
    if (!pr)
        return err_refuse(err, "region_unknown", "partner_id",
                          "partner %s's country \"%s\" is not in cspd's region table; add it "
                          "to the table before it transacts", PARTNER_LABEL(p), p->country);
    cr = program_region_of(c->country);
    if (!cr)
        return err_refuse(err, "region_unknown", "customer_id",
                          "customer %s's country \"%s\" is not in cspd's region table; add it "
                          "to the table before selling to this customer", CUSTOMER_LABEL(c),
                          c->country);
    if (strcmp(pr, cr) != 0)
        return err_refuse(err, "region_mismatch", "customer_id",
                          "customer %s is in %s (CSP region %s) but partner %s sells in the "
                          "CSP region %s; a partner sells only to customers in its own region "
                          "(program.md §3)", CUSTOMER_LABEL(c), c->country,
                          prog_region_label(cr), PARTNER_LABEL(p), prog_region_label(pr));
    return 0;
}

int program_check_self_sale(const struct partner *p, const struct customer *c,
                            struct err *err)
{
    if (!p || !c)
        return err_set(err, ERR_INVALID, p ? "customer_id" : "partner_id",
                       "no partner or customer given");
    /* Tenant ids are GUIDs; Partner Center prints them in either case. */
    if (p->csp_tenant_id[0] && c->tenant_id[0] &&
        strcasecmp(p->csp_tenant_id, c->tenant_id) == 0)
        return err_refuse(err, "self_sale", "customer_id",
                          "customer %s is partner %s's own CSP tenant; a partner may not sell "
                          "to itself (program.md §5)", CUSTOMER_LABEL(c), PARTNER_LABEL(p));
    if (p->pga_id[0] && c->affiliated_pga_id[0] && strcmp(p->pga_id, c->affiliated_pga_id) == 0)
        return err_refuse(err, "self_sale", "customer_id",
                          "customer %s belongs to partner %s's own company; a partner may not "
                          "sell to itself or its affiliates as an end customer (program.md §5)",
                          CUSTOMER_LABEL(c), PARTNER_LABEL(p));
    if (c->is_csp_transacting_tenant)
        return err_refuse(err, "self_sale", "customer_id",
                          "customer %s is a CSP partner's transacting tenant; CSP partners may "
                          "not resell to another partner's transacting tenant, only to a "
                          "separate customer tenant (program.md §5)", CUSTOMER_LABEL(c));
    return 0;
}
