/*
 * domain/program/order.c — program_check_order: every program rule an order passes, in one
 * fixed, documented order (docs/program.md "Order of checks").
 *
 * Why this order: refusals about the seller's own standing come first (the partner must fix
 * them whatever the customer), then the channel (partner of record, relationship), then the
 * customer's market and identity, and the customer's agreement last — the one the customer,
 * not the partner, has to act on. The first refusal wins and is the one returned, so the
 * order is part of the contract and the tests pin it.
 *
 * Which steps run depends on the operation (parties.c): auto-renewal and cancellation only
 * need a transacting seller (program.md §2: "existing subscriptions keep running and
 * auto-renewals still happen"); the order-like changes run everything their gates name.
 * Called by svc/ before any order, seat change, upgrade or billing-plan change.
 */
#include "domain/program/program_internal.h"

static bool op_is_order_like(enum program_op op)
{
    return program_op_needs_mca(op) || program_op_needs_por(op) ||
           program_op_sells_new_licences(op);
}

static int check_partner_of_record(const struct program_order *o, struct err *err)
{
    if (o->seller->kind == PARTNER_DISTRIBUTOR)
        return program_check_por(o->seller, o->reseller, o->now, err);
    if (o->reseller)
        return err_refuse(err, "por_invalid", "reseller_id",
                          "partner %s is a direct-bill partner and sells on its own account; "
                          "it names no reseller as partner of record (program.md §1)",
                          PARTNER_LABEL(o->seller));
    return 0;
}

int program_check_order(const struct program_order *o, struct err *err)
{
    if (!o || !o->seller || !o->customer)
        return err_set(err, ERR_INVALID, o && o->seller ? "customer_id" : "partner_id",
                       "an order needs a seller and a customer");
    if ((unsigned)o->op >= PROGRAM_OP_COUNT_)
        return err_set(err, ERR_INVALID, "op", "unknown operation %d", (int)o->op);

    /* 1. The seller transacts with Microsoft (program.md §1, §2). */
    if (program_check_transacting_partner(o->seller, err) < 0)
        return -1;
    if (!op_is_order_like(o->op))
        return 0;
    /* 2. Its standing allows this operation (program.md §6, nce-rules.md §12). */
    if (program_check_partner_standing(o->seller, o->op, err) < 0)
        return -1;
    /* 3. Partner of record (program.md §4). */
    if (program_op_needs_por(o->op) && check_partner_of_record(o, err) < 0)
        return -1;
    /* 4. The reseller works with this distributor (program.md §1). */
    if (o->reseller && o->seller->kind == PARTNER_DISTRIBUTOR &&
        program_check_relationship(o->seller, o->reseller, o->relationships,
                                   o->n_relationships, o->now, err) < 0)
        return -1;
    /* 5. Same CSP region: seller, then reseller (program.md §3). */
    if (program_check_region(o->seller, o->customer, err) < 0)
        return -1;
    if (o->reseller && program_check_region(o->reseller, o->customer, err) < 0)
        return -1;
    /* 6. No self-sale: seller, then reseller (program.md §5). */
    if (program_check_self_sale(o->seller, o->customer, err) < 0)
        return -1;
    if (o->reseller && program_check_self_sale(o->reseller, o->customer, err) < 0)
        return -1;
    /* 7. The customer's agreement (program.md §2). */
    if (program_op_needs_mca(o->op) && program_check_mca(o->customer, o->now, err) < 0)
        return -1;
    return 0;
}
