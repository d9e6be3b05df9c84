/*
 * svc/sub_rules.c — the program and catalog rules an order-like subscription command passes
 * besides the NCE rules of domain/lifecycle (see sub_internal.h, docs/subscriptions.md).
 *
 * The program rules (program.md §1-§5) are domain/program's program_check_order; this file
 * only gathers its facts from the store — the customer, its transacting partner (direct-bill
 * partner or distributor), the reseller named as partner of record and that reseller's
 * relationships — read with the installation's scope once the caller is known to see the
 * customer (nothing read here is returned). Its last step, the MCA, is left to the lifecycle
 * engine's own gate (lc_env.mca_accepted, from the same program_mca_valid), which ranks it
 * second among the NCE refusals (scenarios.md); so a refusal from here is always one of the
 * channel's: not_transacting_partner, mpa_not_accepted, partner_not_authorized, por_required,
 * por_invalid, no_relationship, region_mismatch, region_unknown, self_sale.
 *
 * The seat limits are catalog data (catalog_data.h, `cspd catalog load seat-limits`); a SKU
 * without a row has none. A few reads per command: commands are interactive, the daily cycle
 * never comes here.
 */
#include <string.h>

#include "store/repo_catalog_data.h"
#include "store/repo_party.h"
#include "svc/sub_internal.h"

#define SUB_REL_MAX 64 /* relationships of one reseller considered by the rule */

int sub_program_gate(struct db *db, const char *customer_id, enum program_op op, instant_t now,
                     struct err *err)
{
    struct scope all;
    struct party_customer c;
    struct party_partner seller, reseller;
    struct reseller_relationship rels[SUB_REL_MAX];
    struct program_order o;
    size_t n = 0;
    bool indirect;

    scope_init_installation(&all);
    if (repo_customer_get(db, &all, customer_id, &c, err) < 0 ||
        repo_partner_get(db, &all, c.owner_partner_id, &seller, err) < 0)
        return -1;
    indirect = c.reseller_id[0] != '\0';
    if (indirect &&
        (repo_partner_get(db, &all, c.reseller_id, &reseller, err) < 0 ||
         repo_relationships_of_reseller(db, &all, c.reseller_id, rels, SUB_REL_MAX, &n,
                                        err) < 0))
        return -1;
    memset(&o, 0, sizeof(o));
    o.op = op;
    o.seller = &seller.p;
    o.reseller = indirect ? &reseller.p : NULL;
    o.customer = &c.c;
    o.relationships = rels;
    o.n_relationships = n;
    o.now = now;
    if (program_check_order(&o, err) == 0)
        return 0;
    /* step 7, the customer's agreement: the engine's gate, with its priority (see above) */
    if (err->code == ERR_REFUSED && strcmp(err->reason, "mca_not_accepted") == 0) {
        err_clear(err);
        return 0;
    }
    return -1;
}

int sub_seat_limits(struct db *db, const char *sku, int32_t quantity, struct err *err)
{
    struct catdata_seat_limit lim;
    bool found = false;

    if (repo_catdata_seats_get(db, sku, &found, &lim, err) < 0)
        return -1;
    if (found && quantity < lim.min_seats)
        return err_refuse(err, "below_seat_minimum", "quantity", "%s needs at least %d seats "
                          "(%d asked)", sku, lim.min_seats, quantity);
    if (found && lim.has_max && quantity > lim.max_seats)
        return err_refuse(err, "above_seat_maximum", "quantity", "%s allows at most %d seats "
                          "(%d asked)", sku, lim.max_seats, quantity);
    return 0;
}
