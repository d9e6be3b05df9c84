/*
 * store/repo_usage.h — Azure usage charges (`usage_charges`, migration *_usage_rating.sql):
 * the billable lines of Microsoft's billed daily rated usage files, written by the recon
 * import and rated by the period close (docs/billing.md "Azure usage").
 *
 * The import writes them one line at a time through statements prepared once (struct
 * usage_stmts), inside the import's transaction; then repo_usage_supersede settles a second
 * import of the same invoice. The close reads the lines to rate in one pass per issuer and
 * tier (repo_usage_each_pending), like licence charges (repo_margin.h).
 */
#ifndef CSPD_STORE_REPO_USAGE_H
#define CSPD_STORE_REPO_USAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/date.h"
#include "core/decimal.h"
#include "core/err.h"
#include "core/id.h"
#include "domain/catalog/catalog.h"
#include "store/db.h"

struct usage_stmts {
    struct db_stmt *customer;  /* repo_usage_customer */
    struct db_stmt *sub_party; /* repo_usage_sub_party */
    struct db_stmt *insert;    /* repo_usage_insert */
};

int usage_stmts_prepare(struct db *db, struct usage_stmts *s, struct err *err);
void usage_stmts_release(struct usage_stmts *s);

/*
 * The cspd customer a file's CustomerId names — the same key recon writes for a customer
 * (repo_recon.h recon_sub_customer: its tenant id, else cspd's customer id) — and its
 * transacting partner (the distributor of an indirect customer, else its owner).
 * 1 found, 0 none, -1 error.
 */
int repo_usage_customer(struct usage_stmts *s, const char *customer_key,
                        char customer_id[ID_MAXLEN], char partner_id[ID_MAXLEN],
                        struct err *err);
/* A cspd subscription's customer and transacting partner. 1 found, 0 none, -1 error. */
int repo_usage_sub_party(struct usage_stmts *s, const char *sub_id, char customer_id[ID_MAXLEN],
                         char partner_id[ID_MAXLEN], struct err *err);

/* One usage charge to insert; strings bound as they are ("" -> NULL where allowed). */
struct usage_charge_in {
    const char *id, *import_id;
    int64_t seq, line_no;
    const char *invoice_number, *partner_id, *customer_id, *subscription_id, *ms_subscription;
    const char *entitlement_id, *usage_date, *sku, *product_id, *meter_name, *meter_category;
    const char *quantity, *unit_price, *pricing_currency, *eup, *cost, *currency, *fx_rate;
    const char *fx_date;
    instant_t created_at;
};
int repo_usage_insert(struct usage_stmts *s, const struct usage_charge_in *u, struct err *err);

/*
 * After import `import_id` wrote its usage charges: for each of its invoice numbers that an
 * earlier import also gave usage charges,
 *   - none of the earlier ones rated yet: the earlier ones are deleted (*replaced counts them)
 *     and the new import's lines stand;
 *   - some already rated: the new import's lines of that invoice are deleted (*held counts
 *     them; their recon lines get cause "already_rated"), so nothing is rated twice; the
 *     difference is the reconciliation's to resolve.
 */
int repo_usage_supersede(struct db *db, const char *import_id, int64_t *replaced,
                         int64_t *held, struct err *err);
/* Usage charges of an import (tests, the CLI's summary). */
int repo_usage_count(struct db *db, const char *import_id, int64_t *n, struct err *err);

/* A usage charge with what rating needs from its customer. */
struct pending_usage {
    char id[ID_MAXLEN];
    struct date day;                 /* UsageDate */
    char sku[SKU_MAX], product_id[SKU_MAX];
    struct dec quantity, unit_price, eup, cost, fx;
    char pricing_ccy[CCY_MAX], ms_ccy[CCY_MAX];
    char subscription_id[ID_MAXLEN]; /* cspd's subscription, else the Azure plan id */
    char partner_id[ID_MAXLEN], customer_id[ID_MAXLEN];
    char reseller_id[ID_MAXLEN];     /* customers.reseller_id, "" when none */
    char customer_ccy[CCY_MAX], reseller_ccy[CCY_MAX];
    /* tier "customer" of a chain: the reseller-tier line, when rated */
    bool has_base;
    char base_id[ID_MAXLEN];
    struct dec base_amount;
    char base_ccy[CCY_MAX];
};

/*
 * Usage charges dated on or before `last` without a rated line of `tier` whose seller for
 * that tier is `seller_id` — the same parties as repo_rating_each_pending: tier "reseller"
 * the transacting partner of a customer with a reseller; tier "customer" the customer's
 * reseller, or the transacting partner of a customer without one. Ordered by billed party,
 * date, import, line. fn -1 stops. Only rows above usage_charges.rowid `after_rowid` (the
 * seller's rating mark, repo_margin.h; 0: all); *first_left: the lowest rowid of such a row
 * passed over because it is dated after `last` (0 when none).
 */
int repo_usage_each_pending(struct db *db, const char *seller_id, const char *tier,
                            struct date last, int64_t after_rowid, int64_t *first_left,
                            int (*fn)(void *ctx, const struct pending_usage *u), void *ctx,
                            struct err *err);

#endif
