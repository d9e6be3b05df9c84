/*
 * store/repo_margin.h — margin rules (`margin_rules`) and rated lines (`rated_lines`) in SQL,
 * plus the reads rating needs: Microsoft's charge lines not yet rated for a seller, the ERP of
 * a price row and exchange rates (migration 005_billing.sql; docs/billing.md).
 *
 * Every function runs inside the caller's transaction (or none, for reads); none begins or
 * commits. Rules and rated lines are flat values (domain/pricing/pricing.h); arrays returned
 * by the *_load functions belong to the caller (free()).
 *
 * The functions the close calls once per line take a `struct stmt_cache *` (store/repo_stmt.h):
 * with one, their statement is prepared once per close and reused; NULL prepares per call.
 */
#ifndef CSPD_STORE_REPO_MARGIN_H
#define CSPD_STORE_REPO_MARGIN_H

#include <stdbool.h>
#include <stddef.h>

#include "core/date.h"
#include "core/err.h"
#include "domain/pricing/pricing.h"
#include "store/db.h"
#include "store/repo_charge.h"
#include "store/repo_stmt.h"
#include "store/scope.h"

/* Insert; r->id is made here ("mrg_..."). */
int repo_margin_insert(struct db *db, struct margin_rule *r, const char *note, instant_t now,
                       struct err *err);
/* Rewrite every column of an existing rule; ERR_NOT_FOUND. */
int repo_margin_update(struct db *db, const struct margin_rule *r, instant_t now,
                       struct err *err);
int repo_margin_get(struct db *db, const char *id, struct margin_rule *r, struct err *err);
/*
 * The rules of `seller_id` (NULL: every seller), ordered by seller, effective_from, id;
 * *out malloc'ed (NULL when none), *n rules.
 */
int repo_margin_load(struct db *db, const char *seller_id, struct margin_rule **out,
                     size_t *n, struct err *err);

/* ---- rules through the caller's scope (the API and CLI; svc/invoice_rules.c) ---- */

/* A rule whose seller `sc` may see (store/scope.c partners); ERR_NOT_FOUND otherwise. */
int repo_margin_get_in(struct db *db, const struct scope *sc, const char *id,
                       struct margin_rule *r, struct err *err);
/* Rules of sellers `sc` may see (and of `seller_id` only, if not NULL); fn -1 stops. */
int repo_margin_each(struct db *db, const struct scope *sc, const char *seller_id,
                     int (*fn)(void *ctx, const struct margin_rule *r), void *ctx,
                     struct err *err);
int repo_margin_delete(struct db *db, const char *id, struct err *err);
/* Has the rule priced rated lines? Their first and last start dates when it has. */
int repo_margin_usage(struct db *db, const char *id, bool *used, struct date *first,
                      struct date *last, struct err *err);
/*
 * Is target_id something `seller_id` sells to at `level`: a subscription or customer in the
 * seller's book (scope.c customers), or a reseller it distributes to (scope.c partners)?
 * Always true at partner level.
 */
int repo_margin_target_ok(struct db *db, const char *seller_id, enum margin_level level,
                          const char *target_id, bool *ok, struct err *err);
/*
 * Microsoft's price rows in effect on `day` for one SKU, or a product family's SKUs, or all
 * (both ""): each as a price base (cost = unit_price, ERP = erp_price, same currency).
 */
int repo_margin_price_each(struct db *db, const char *product_id, const char *sku,
                           struct date day,
                           int (*fn)(void *ctx, const char *sku, const struct price_base *b),
                           void *ctx, struct err *err);

/*
 * One rated line (columns of rated_lines): of a licence charge (charge_id) or of an Azure
 * usage charge (usage_charge_id; quantity 0, the decimal quantity in usage_qty).
 */
struct rated_row {
    char id[ID_MAXLEN];
    char charge_id[ID_MAXLEN];      /* "" for a usage line */
    char usage_charge_id[ID_MAXLEN]; /* "" for a licence line */
    struct dec usage_qty;           /* usage: the exact quantity (signed) */
    char tier[12];                  /* "reseller" or "customer" */
    char seller_id[ID_MAXLEN];
    char customer_id[ID_MAXLEN];
    char reseller_id[ID_MAXLEN];    /* "" when none */
    char subscription_id[ID_MAXLEN];
    char charge_type[24];
    char sku[SKU_MAX];
    char product_id[SKU_MAX];
    struct date start, end;
    char period[8];
    int32_t quantity;
    int days, cycle_days;
    struct dec unit_price, eup, amount, cost, margin;
    char currency[CCY_MAX];
    char price_currency[CCY_MAX];
    bool has_fx;
    struct dec fx_rate;
    struct date fx_date;
    bool has_cost_fx;
    struct dec cost_fx;
    char rule_id[ID_MAXLEN];        /* "" = priced at cost */
    bool below_cost;
    char base_line_id[ID_MAXLEN];
    char invoice_id[ID_MAXLEN];     /* "" = not on an invoice */
    instant_t created_at;
    char usage_label[96];           /* usage, repo_rated_each_open: "MeterName (Category)" */
};

/*
 * Insert; r->id is made here ("rtl_...") unless already set. ERR_DB on a second line for
 * (charge, tier).
 */
int repo_rated_insert(struct db *db, struct stmt_cache *sc, struct rated_row *r,
                      struct err *err);
/* The line of (charge, tier); *found false when none. */
int repo_rated_find(struct db *db, const char *charge_id, const char *tier,
                    struct rated_row *r, bool *found, struct err *err);
/*
 * The price the buyer was last charged for (subscription, sku, tier) on or before `day`: the
 * latest positive line's unit price and its rule; *found false when none. Refund lines are
 * rated at it, so a refund gives back what was charged.
 */
int repo_rated_last_charge(struct db *db, struct stmt_cache *sc, const char *sub_id,
                           const char *sku, const char *tier, struct date day,
                           struct rated_row *r, bool *found, struct err *err);
/*
 * Each line of `seller_id` not on any invoice that belongs on `period`'s invoices: lines of
 * that period, and late lines of earlier periods the seller has already closed (adjustments);
 * lines of an earlier period not yet closed wait for its own close. Ordered by billed party
 * (customer or reseller), currency, start, subscription, id. A usage line comes with its
 * meter's name and category (usage_label) for the invoice. fn returning -1 stops.
 */
int repo_rated_each_open(struct db *db, const char *seller_id, const char *tier,
                         const char *period,
                         int (*fn)(void *ctx, const struct rated_row *r), void *ctx,
                         struct err *err);
/* Put a line on an invoice (or take it off: invoice_id NULL). */
int repo_rated_set_invoice(struct db *db, struct stmt_cache *sc, const char *id,
                           const char *invoice_id, struct err *err);

/* A Microsoft charge line with what rating needs from its subscription and customer. */
struct pending_charge {
    struct charge_row row;          /* repo_charge.h */
    char partner_id[ID_MAXLEN];     /* subscriptions.partner_id: the transacting partner */
    char customer_id[ID_MAXLEN];
    char reseller_id[ID_MAXLEN];    /* customers.reseller_id, "" when none */
    char customer_ccy[CCY_MAX];     /* customers.billing_currency */
    char market[MARKET_MAX];
    char term[8], billing[16];      /* the subscription's plan */
    char sub_status[16];
    char reseller_ccy[CCY_MAX];     /* the reseller's partners.currency, "" when none */
    /* tier "customer" of a chain: the reseller-tier line of the charge, when rated */
    bool has_base;
    char base_id[ID_MAXLEN];
    struct dec base_unit, base_amount;
    char base_ccy[CCY_MAX];
};

/*
 * Charges starting on or before `last` without a rated line of `tier`, whose seller for that
 * tier is `seller_id`, among those above charges.rowid `after_rowid` (the seller's rating
 * mark, below; 0: all). *first_left: the lowest rowid of such a charge passed over because it
 * starts after `last` (0 when none), for the next mark:
 *   tier "reseller": the transacting partner is the seller and the customer has a reseller;
 *   tier "customer": the customer's reseller is the seller, or, for a customer without one,
 *                    the transacting partner.
 * Ordered by billed party (the reseller for tier "reseller", the customer for "customer"),
 * then subscription, start date, event, id: one pass meets each party's lines together, and
 * each subscription's lines adjacent and in the order they happened (a refund after the
 * charge it gives back). A chain's customer-tier charge carries its reseller-tier line
 * (has_base) when that is rated.
 */
int repo_rating_each_pending(struct db *db, const char *seller_id, const char *tier,
                             struct date last, int64_t after_rowid, int64_t *first_left,
                             int (*fn)(void *ctx, const struct pending_charge *c), void *ctx,
                             struct err *err);
/*
 * Rating marks (migration 013): every row of the source (licence charges or Azure usage
 * charges) whose seller for `tier` is `seller_id` and whose rowid is at or below the mark has
 * its rated line of that tier. _get: the mark, 0 when there is none or it no longer names the
 * row it was set on (rowids renumbered): then the whole history is read. _set, in the
 * transaction that rated the rows: just below `first_left` (a row left unrated, dated after
 * the period), or at the source's last row when first_left is 0.
 */
enum rating_source { RATING_CHARGES, RATING_USAGE };
int repo_rating_mark_get(struct db *db, const char *seller_id, const char *tier,
                         enum rating_source src, int64_t *rowid, struct err *err);
int repo_rating_mark_set(struct db *db, const char *seller_id, const char *tier,
                         enum rating_source src, int64_t first_left, struct err *err);
/* One charge with its context; ERR_NOT_FOUND. */
int repo_rating_charge(struct db *db, const char *charge_id, struct pending_charge *c,
                       struct err *err);

/* ERP per cycle of the price row in effect on `day` (same basis as its unit price). */
int repo_rating_erp(struct db *db, struct stmt_cache *sc, const char *sku, const char *term,
                    const char *billing, const char *market, const char *currency,
                    struct date day, bool *found, struct dec *erp, struct err *err);
/*
 * Rate from -> to in effect on `day` (the exchange_rates table, the source Microsoft's own
 * conversion uses: latest effective_from <= day); the inverse pair's 1/rate when only that
 * is stored (18 places, half-even). *found false when neither.
 */
int repo_rating_fx(struct db *db, const char *from, const char *to, struct date day,
                   bool *found, struct dec *rate, struct date *rate_day, struct err *err);
/* The same through the close's statement cache. */
int repo_rating_fx_cached(struct db *db, struct stmt_cache *sc, const char *from,
                          const char *to, struct date day, bool *found, struct dec *rate,
                          struct date *rate_day, struct err *err);

/* ---- reports (repo_margin_report.c) ---- */

enum report_group {
    REPORT_BY_MONTH,    /* key "YYYY-MM" (the line's period) */
    REPORT_BY_CUSTOMER, /* key customer id, name the customer's */
    REPORT_BY_RESELLER, /* key the customer's reseller id ("" = none), name the reseller's */
    REPORT_BY_PRODUCT,  /* key the product family (ProductId) */
    REPORT_BY_DAY,      /* key the line's start date "YYYY-MM-DD" */
    REPORT_BY_SELLER,   /* key the seller's id, name the seller's */
};

struct report_filter {
    const struct scope *scope;  /* sellers this scope may see (scope.c partners) */
    const char *seller_id;      /* NULL: every seller in scope */
    struct date from, to;       /* the lines' start dates, inclusive */
    const char *period;         /* instead of from..to: the lines of this billing period */
    enum report_group by;
};

struct report_row {
    char key[SKU_MAX];
    char name[128];
    char currency[CCY_MAX];
    struct dec amount, cost, margin;
    char seller_id[ID_MAXLEN];
};

/*
 * Each rated line in range, ordered by key then currency; lines on a void or credited
 * invoice are left out. fn -1 stops.
 */
int repo_report_each(struct db *db, const struct report_filter *f,
                     int (*fn)(void *ctx, const struct report_row *r), void *ctx,
                     struct err *err);

/* Column helpers shared by the billing repositories (repo_margin.c). */
int repo_bill_bind_dec(struct db_stmt *st, int idx, struct dec d, struct err *err);
int repo_bill_bind_date(struct db_stmt *st, int idx, struct date d, struct err *err);
int repo_bill_bind_opt(struct db_stmt *st, int idx, const char *s, struct err *err);
void repo_bill_col_str(struct db_stmt *st, int col, char *buf, size_t cap);
int repo_bill_col_dec(struct db_stmt *st, int col, struct dec *d, struct err *err);
int repo_bill_col_date(struct db_stmt *st, int col, struct date *d, struct err *err);

#endif
