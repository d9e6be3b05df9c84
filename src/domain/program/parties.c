/*
 * domain/program/parties.c — names of the program's enums and the per-operation gate table.
 *
 * Owns the stable snake_case names the API and the store use for partner kinds, partner
 * standing, MCA status and operations, and the one table that says which gates an operation
 * needs (MCA, POR, good standing). Keeping the gates a table, not scattered `if`s, is what lets
 * docs/program.md print it and the tests walk it row by row.
 *
 * Rules applied: program.md §1 (kinds), §2 (MCA: "no new purchase, seat increase or decrease,
 * upgrade or billing-plan change ... auto-renewals still happen"), §4 (POR "on every new
 * subscription order and most updates"), nce-rules.md §12 ([W9]: a suspended tenant "can't
 * resell new licenses" but manages existing ones). Called by the rules and by svc/ to decide
 * which checks an action runs; tiny and allocation-free.
 */
#include "domain/program/program.h"

#include <string.h>

const char *partner_kind_name(enum partner_kind kind)
{
    switch (kind) {
    case PARTNER_DIRECT_BILL: return "direct_bill";
    case PARTNER_DISTRIBUTOR: return "distributor";
    case PARTNER_INDIRECT_RESELLER: return "indirect_reseller";
    case PARTNER_KIND_NONE: break;
    }
    return "none";
}

int partner_kind_parse(const char *s, enum partner_kind *out, struct err *err)
{
    static const enum partner_kind kinds[] = {
        PARTNER_DIRECT_BILL, PARTNER_DISTRIBUTOR, PARTNER_INDIRECT_RESELLER,
    };

    if (s) {
        for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
            if (strcmp(s, partner_kind_name(kinds[i])) == 0) {
                *out = kinds[i];
                return 0;
            }
        }
    }
    return err_set(err, ERR_INVALID, "kind",
                   "partner kind must be direct_bill, distributor or indirect_reseller");
}

bool partner_kind_transacts(enum partner_kind kind)
{
    return kind == PARTNER_DIRECT_BILL || kind == PARTNER_DISTRIBUTOR;
}

const char *partner_status_name(enum partner_status status)
{
    switch (status) {
    case PARTNER_STATUS_ACTIVE: return "active";
    case PARTNER_STATUS_REMEDIATION: return "remediation";
    case PARTNER_STATUS_SUSPENDED: return "suspended";
    case PARTNER_STATUS_DEAUTHORIZED: return "deauthorized";
    }
    return "unknown";
}

const char *mca_status_name(enum mca_status status)
{
    switch (status) {
    case MCA_NONE: return "none";
    case MCA_ACCEPTED: return "accepted";
    case MCA_ATTESTED: return "attested";
    }
    return "unknown";
}

/* One row per operation: its name and the gates it needs. */
struct op_gates {
    const char *name;
    bool mca;           /* program.md §2 */
    bool por;           /* program.md §4 */
    bool new_licences;  /* nce-rules.md §12 [W9] */
};

static const struct op_gates op_table[PROGRAM_OP_COUNT_] = {
    [PROGRAM_OP_NEW_PURCHASE]        = { "new_purchase",        true,  true,  true  },
    [PROGRAM_OP_SEAT_INCREASE]       = { "seat_increase",       true,  true,  true  },
    [PROGRAM_OP_SEAT_DECREASE]       = { "seat_decrease",       true,  true,  false },
    [PROGRAM_OP_UPGRADE]             = { "upgrade",             true,  true,  true  },
    [PROGRAM_OP_BILLING_PLAN_CHANGE] = { "billing_plan_change", true,  true,  false },
    [PROGRAM_OP_AUTO_RENEWAL]        = { "auto_renewal",        false, false, false },
    [PROGRAM_OP_CANCEL]              = { "cancel",              false, false, false },
};

static const struct op_gates *op_row(enum program_op op)
{
    if ((unsigned)op >= PROGRAM_OP_COUNT_)
        return NULL;
    return &op_table[op];
}

const char *program_op_name(enum program_op op)
{
    const struct op_gates *g = op_row(op);

    return g ? g->name : "unknown";
}

bool program_op_needs_mca(enum program_op op)
{
    const struct op_gates *g = op_row(op);

    /* An unknown operation is gated like a purchase: refusing is the safe side. */
    return g ? g->mca : true;
}

bool program_op_needs_por(enum program_op op)
{
    const struct op_gates *g = op_row(op);

    return g ? g->por : true;
}

bool program_op_sells_new_licences(enum program_op op)
{
    const struct op_gates *g = op_row(op);

    return g ? g->new_licences : true;
}
