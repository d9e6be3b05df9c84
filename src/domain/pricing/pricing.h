/*
 * domain/pricing/pricing.h — margin rules and rating: from Microsoft's charge line (the cost) to
 * the line a partner bills its customer, or a distributor its reseller (issue 7; docs/billing.md).
 *
 * Pure: values in, values out; no I/O, no clock, no allocation. svc/invoice_svc.c loads the
 * rules, charges and rates from the store and calls these.
 *
 * Margin rules belong to a SELLER (the partner that prices): a distributor's rules price its
 * resellers, a reseller's (or a direct-bill partner's) rules price its customers. The rule for
 * a line is chosen by precedence, first by level, then by scope, then by date:
 *   level:  subscription > customer > reseller > partner-wide default
 *   scope:  one SKU > one product family (ProductId, the part of the SKU id before ':') > all
 *   date:   the rule in effect on the line's start date (effective_from <= start <= to);
 *           among equals the latest effective_from, then the greatest id.
 * No matching rule prices the line at cost (zero margin); rated lines record which rule (or
 * none) priced them.
 *
 * Kinds, each giving a unit price per seat per charge cycle (the basis of Microsoft's line,
 * nce-rules.md Part A 13):
 *   markup    P = cost unit x (1 + value/100)          (cost unit: Microsoft's unit price for
 *                                                       the first tier, the distributor's
 *                                                       price to the reseller for the second)
 *   discount  P = ERP unit x (1 - value/100)           (Microsoft's estimated retail price)
 *   fixed     P = value, in the rule's currency
 * P is rounded HALF-UP to the minor unit of its currency: the buyer sees the unit price it pays
 * (10.08 x 1.15 = 11.592 -> 11.59).
 *
 * Rating (rate_line): the buyer's line has Microsoft's dates, quantity, charge type and
 * proration; its amount is Microsoft's own rounding rule for that charge type (the table of
 * domain/billing/rounding.c: full cycle P x q; quantity changes ROUNDDOWN(P x d x q / c);
 * cancel/convert ROUNDDOWN(P x d / c) x q), applied to P. In another currency than P's the
 * conversion is Microsoft's (Part A 12): ROUNDDOWN(shown EUP x rate, minor) x q. The seller's
 * cost of the line, in the buyer's currency, is the cost amount itself when currencies agree,
 * else cost x rate rounded HALF-UP to the minor unit. margin = amount - cost, per line.
 */
#ifndef CSPD_DOMAIN_PRICING_PRICING_H
#define CSPD_DOMAIN_PRICING_PRICING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/date.h"
#include "core/decimal.h"
#include "core/err.h"
#include "core/id.h"
#include "domain/billing/charge.h"
#include "domain/catalog/catalog.h"

enum margin_level {
    MARGIN_LEVEL_SUBSCRIPTION = 0, /* highest precedence */
    MARGIN_LEVEL_CUSTOMER,
    MARGIN_LEVEL_RESELLER,
    MARGIN_LEVEL_PARTNER,          /* the seller's default */
};

enum margin_kind { MARGIN_MARKUP = 0, MARGIN_DISCOUNT, MARGIN_FIXED };

struct margin_rule {
    char id[ID_MAXLEN];
    char seller_id[ID_MAXLEN];
    enum margin_level level;
    char target_id[ID_MAXLEN];   /* subscription/customer/reseller id; "" at partner level */
    char product_id[SKU_MAX];    /* "" = every product */
    char sku[SKU_MAX];           /* "" = every SKU (of the product, if set) */
    enum margin_kind kind;
    struct dec value;            /* percent (markup, discount) or unit price (fixed) */
    char currency[CCY_MAX];      /* fixed: the price's currency */
    struct date from;            /* inclusive */
    bool has_to;
    struct date to;              /* inclusive */
    bool allow_below_cost;
};

/* What is being priced: one line of one subscription. */
struct pricing_subject {
    const char *subscription_id;
    const char *customer_id;     /* the end customer */
    const char *reseller_id;     /* the customer's reseller, NULL or "" when none */
    const char *sku;
    struct date day;             /* the line's start date */
};

const char *margin_level_name(enum margin_level l);  /* "subscription", ... */
int margin_level_from_name(const char *s, enum margin_level *out);
const char *margin_kind_name(enum margin_kind k);    /* "markup", "discount", "fixed" */
int margin_kind_from_name(const char *s, enum margin_kind *out);

/* The product family of a SKU id: "CFQ7TTC0LH18:0001" -> "CFQ7TTC0LH18" (the whole id if no
 * ':'). */
void pricing_product_of(const char *sku, char out[SKU_MAX]);

/*
 * Check a rule on its own: level/target agree, value in range (markup > -100, discount 0..100,
 * fixed >= 0), fixed has a known currency, effective_to not before effective_from, SKU inside
 * the product when both are set. ERR_INVALID naming the field.
 * A rule that prices below cost on its face (negative markup) needs allow_below_cost
 * (ERR_REFUSED "below_cost"); discount and fixed rules are checked against a cost by
 * margin_rule_below_cost.
 */
int margin_rule_validate(const struct margin_rule *r, struct err *err);

/* Does the rule apply to the subject (target, scope, dates)? */
bool margin_rule_matches(const struct margin_rule *r, const struct pricing_subject *s);
/* The rule that prices the subject by the precedence above, or NULL (price at cost). */
const struct margin_rule *margin_rule_select(const struct margin_rule *rules, size_t n,
                                             const struct pricing_subject *s);

/*
 * The same choice for the close, which prices up to a million lines against a seller's
 * thousands of rules (most of them customer-level): sort the seller's rules once with
 * margin_rules_sort (by level, target, id; the order never changes which rule wins), then
 * margin_rule_select_sorted looks only at the rules whose target is the subject's
 * subscription, customer or reseller, and at the partner-wide ones, by binary search.
 * margin_rules_by_id fills by_id[0..n) (caller's array) with pointers into `rules` sorted by
 * id, for margin_rule_find (a refund takes the rule of the line it refunds). Both point into
 * `rules`: it must not move or change while they are used.
 */
void margin_rules_sort(struct margin_rule *rules, size_t n);
const struct margin_rule *margin_rule_select_sorted(const struct margin_rule *rules, size_t n,
                                                    const struct pricing_subject *s);
void margin_rules_by_id(const struct margin_rule *rules, size_t n,
                        const struct margin_rule **by_id);
const struct margin_rule *margin_rule_find(const struct margin_rule *const *by_id, size_t n,
                                           const char *id);

/* The seller's base for one line. */
struct price_base {
    struct dec cost_unit;        /* seller's unit cost per seat per cycle */
    char cost_ccy[CCY_MAX];
    bool has_erp;
    struct dec erp_unit;         /* Microsoft's ERP per seat per cycle */
    char erp_ccy[CCY_MAX];
};

/*
 * The unit price `rule` (NULL: at cost) gives, and its currency. A discount rule without an
 * ERP is ERR_INVALID "no_erp" (the caller reports the line).
 */
int margin_unit_price(const struct margin_rule *rule, const struct price_base *b,
                      struct dec *unit, char ccy[CCY_MAX], struct err *err);
/* True when the rule's unit price for `b` is below the cost unit (same currency only). */
int margin_rule_below_cost(const struct margin_rule *rule, const struct price_base *b,
                           bool *below, struct err *err);

/*
 * The billing days d and the cycle days c of a Microsoft line, so the buyer's line is
 * prorated with the same fraction d/c (nce-rules Part A 3). d = start..end inclusive.
 *   full-cycle types: c = d;
 *   addQuantity/removeQuantity: the shown EUP is exact, c = U x d / |EUP| (an integer);
 *   cancel/convert/move: the shown EUP is truncated, so c is found among the cycles that can
 *   end on `end` (cycles of `cycle_months`, anchors clamped at month end: Part A 1) as the one
 *   whose truncated EUP is Microsoft's; several equal candidates take the unclamped cycle.
 * ERR_INVALID when no cycle explains the line.
 */
int rate_cycle_days(enum charge_type t, struct dec ms_unit, struct dec ms_eup, const char *ccy,
                    struct date start, struct date end, int cycle_months, int *days,
                    int *cycle_days, struct err *err);

struct rate_input {
    enum charge_type type;
    int32_t quantity;            /* > 0 */
    int sign;                    /* +1 charge, -1 refund (Microsoft's line's sign) */
    int days, cycle_days;        /* rate_cycle_days */
    struct dec unit;             /* buyer's unit price (margin_unit_price) */
    char unit_ccy[CCY_MAX];
    char buyer_ccy[CCY_MAX];     /* the buyer's billing currency */
    struct dec fx;               /* unit_ccy -> buyer_ccy; ignored when they agree */
    struct dec cost;             /* seller's cost of the line, signed */
    char cost_ccy[CCY_MAX];
    struct dec cost_fx;          /* cost_ccy -> buyer_ccy; ignored when they agree */
};

struct rated_amounts {
    struct dec unit_price;       /* per seat per cycle, in the buyer's currency */
    struct dec eup;              /* signed shown EUP, buyer's currency */
    struct dec amount;           /* signed, buyer's currency */
    struct dec cost;             /* signed, buyer's currency */
    struct dec margin;           /* amount - cost */
    bool below_cost;             /* a charge with margin < 0, or a refund with margin > 0 */
};

/* The buyer's line (rules above). ERR_OVERFLOW / ERR_INVALID (unknown currency). */
int rate_line(const struct rate_input *in, struct rated_amounts *out, struct err *err);

/*
 * Azure usage (usage.c; docs/billing.md "Azure usage"). A line of Microsoft's billed daily
 * rated usage file has a decimal quantity, a retail (ERP) unit price in the pricing currency
 * (USD for Azure), the file's PCToBC rate, and Microsoft's cost of the line after PEC in the
 * billing currency (BillingPreTaxTotal). The seller's price of the WHOLE line, unrounded:
 *   no rule   the cost (zero margin)                          in the cost's currency
 *   markup    cost x (1 + X/100)                              in the cost's currency
 *   discount  UnitPrice x quantity x PCToBC x (1 - X/100)     in Microsoft's billing currency
 *   fixed     the rule's unit price (unrounded) x quantity    in the rule's currency
 * (the cost: Microsoft's for the first tier, the distributor's line amount for the second).
 * Converted to the buyer's currency with `fx` when it differs, then truncated to the buyer
 * currency's minor unit ONCE per line (nce-rules Part B 7.3). The shown unit price is that
 * unrounded price over the quantity, 6 places half-up (display only). A cost in another
 * currency is converted the same way (x cost_fx, truncated), so a line priced at cost has
 * margin 0 and truncation alone never makes a markup sell below cost (a licence cost is
 * converted half-up: rate_line). margin = amount - cost.
 */
struct usage_rate_input {
    const struct margin_rule *rule; /* NULL: at cost */
    struct dec quantity;            /* signed */
    struct dec cost;                /* seller's cost of the line, signed */
    char cost_ccy[CCY_MAX];
    struct dec retail_unit;         /* Microsoft's UnitPrice (retail), pricing currency */
    struct dec pc_to_bc;            /* the file's PCToBCExchangeRate */
    char ms_ccy[CCY_MAX];           /* the file's BillingCurrency */
    char buyer_ccy[CCY_MAX];
    struct dec fx;                  /* price currency -> buyer; ignored when they agree */
    struct dec cost_fx;             /* cost_ccy -> buyer; ignored when they agree */
};

struct usage_rated {
    char price_ccy[CCY_MAX];        /* the currency the rule priced in */
    struct dec unit_price;          /* shown, buyer's currency */
    struct dec amount;              /* signed, buyer's currency, truncated */
    struct dec cost;                /* signed, buyer's currency */
    struct dec margin;
    bool below_cost;
};

/* The currency `rule` prices a usage line in (rules above), before any conversion. */
void usage_price_currency(const struct margin_rule *rule, const char *cost_ccy,
                          const char *ms_ccy, char out[CCY_MAX]);
int rate_usage_line(const struct usage_rate_input *in, struct usage_rated *out,
                    struct err *err);

#endif
