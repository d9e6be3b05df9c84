/*
 * store/repo_catalog_data.h — the catalog data Microsoft's price list does not carry, and the
 * catalog reads the API and CLI answer from (docs/catalog.md "Catalog data", "Looking up").
 *
 * Tables: upgrade_paths and exchange_rates (001: the lifecycle engine reads them through
 * repo_catalog_load, so what is stored here is what sub_upgrade and the billing conversion
 * use), est_rules, sku_prerequisites and seat_limits (008), products, skus and price_points
 * (001, 007) for the reads.
 *
 * Two "link" kinds share one shape, key -> value: upgrade paths (from SKU -> allowed target
 * SKU) and prerequisites (SKU -> a base-licence SKU or product family it needs). Everything
 * here runs inside the caller's transaction, or none for reads; nothing begins or commits.
 * Strings handed to callbacks are owned by the statement and valid during the call only.
 */
#ifndef CSPD_STORE_REPO_CATALOG_DATA_H
#define CSPD_STORE_REPO_CATALOG_DATA_H

#include <stdbool.h>
#include <stdint.h>

#include "core/date.h"
#include "core/decimal.h"
#include "core/err.h"
#include "domain/catalog/catalog.h"
#include "store/db.h"

#define CATDATA_NOTE_MAX 256
#define CATDATA_SEGMENT_MAX 32

enum catdata_link { CATDATA_PATHS, CATDATA_PREREQS };

struct catdata_link_row {
    char key[SKU_MAX];         /* from SKU / the SKU that needs a base licence */
    char value[SKU_MAX];       /* target SKU / required SKU or ProductId */
    char note[CATDATA_NOTE_MAX];
};

struct catdata_est_rule {
    char product_id[SKU_MAX];
    bool eligible;
    struct dec uplift_p1m;      /* percent: 3 means x 1.03 */
    struct dec uplift_fallback; /* percent: 23 means x 1.23 */
    char note[CATDATA_NOTE_MAX];
};

struct catdata_seat_limit {
    char sku[SKU_MAX];
    int32_t min_seats;
    bool has_max;
    int32_t max_seats;
};

/* A stored price point, as the lookups and listings read it. */
struct catdata_price {
    int64_t id;
    char sku[SKU_MAX];
    char product[160];          /* product title as imported, "" when unknown */
    char market[MARKET_MAX];
    char currency[CCY_MAX];
    char segment[CATDATA_SEGMENT_MAX]; /* "" when none */
    char tier_min[DEC_STRLEN];  /* "" when none */
    char tags[96];
    enum term term;
    enum billing billing;
    struct dec unit_price;      /* per seat per billing cycle (Part A 13) */
    bool has_term_price, has_erp;
    struct dec term_price;      /* whole term, as published */
    struct dec erp_price;
    struct date effective_from;
    bool has_effective_to;
    struct date effective_to;   /* inclusive */
    int64_t import_id;          /* 0 when not from an import */
};

typedef int (*catdata_link_fn)(void *ctx, const struct catdata_link_row *r, struct err *err);
typedef int (*catdata_est_fn)(void *ctx, const struct catdata_est_rule *r, struct err *err);
typedef int (*catdata_seat_fn)(void *ctx, const struct catdata_seat_limit *r, struct err *err);
typedef int (*catdata_rate_fn)(void *ctx, const struct fx_rate *r, struct err *err);
typedef int (*catdata_price_fn)(void *ctx, const struct catdata_price *p, struct err *err);

/* ---- links: upgrade paths, prerequisites ---- */

/* Remove every row of `key` (all rows when key is NULL); *removed counts them (may be NULL). */
int repo_catdata_links_delete(struct db *db, enum catdata_link k, const char *key,
                              int64_t *removed, struct err *err);
int repo_catdata_link_insert(struct db *db, enum catdata_link k, const struct catdata_link_row *r,
                             instant_t now, struct err *err);
/* Rows of `key` (all when NULL), ordered by key and value. */
int repo_catdata_links_each(struct db *db, enum catdata_link k, const char *key,
                            catdata_link_fn fn, void *ctx, struct err *err);

/* ---- EST rules per product family ---- */

int repo_catdata_est_put(struct db *db, const struct catdata_est_rule *r, instant_t now,
                         struct err *err);
int repo_catdata_est_delete(struct db *db, const char *product_id, bool *found,
                            struct err *err);
int repo_catdata_est_get(struct db *db, const char *product_id, bool *found,
                         struct catdata_est_rule *r, struct err *err);
int repo_catdata_est_each(struct db *db, catdata_est_fn fn, void *ctx, struct err *err);

/* ---- seat limits per SKU ---- */

int repo_catdata_seats_put(struct db *db, const struct catdata_seat_limit *r, instant_t now,
                           struct err *err);
int repo_catdata_seats_delete(struct db *db, const char *sku, bool *found, struct err *err);
int repo_catdata_seats_get(struct db *db, const char *sku, bool *found,
                           struct catdata_seat_limit *r, struct err *err);
int repo_catdata_seats_each(struct db *db, catdata_seat_fn fn, void *ctx, struct err *err);

/* ---- exchange rates (writes: repo_catalog_add_rate) ---- */

/* Rates, optionally of one pair (from/to NULL: any), ordered by pair and day. */
int repo_catdata_rates_each(struct db *db, const char *from, const char *to,
                            catdata_rate_fn fn, void *ctx, struct err *err);

/* ---- reads of the imported catalog ---- */

/* Does the catalog know the SKU (a skus row or a price point) / the product family? */
int repo_catdata_sku_known(struct db *db, const char *sku, bool *known, struct err *err);
int repo_catdata_product_known(struct db *db, const char *product_id, bool *known,
                               struct err *err);

struct catdata_product_sku {
    const char *product_id, *product_title, *publisher;
    const char *sku, *sku_id, *sku_title, *tags; /* publisher and tags may be NULL */
};
typedef int (*catdata_product_fn)(void *ctx, const struct catdata_product_sku *p,
                                  struct err *err);
/*
 * Products with their SKUs, ordered by product title, product id and SKU. `query` (may be
 * NULL) matches the product or SKU title (case-insensitive substring) or an exact product
 * or SKU id; `market` (may be NULL) keeps SKUs with a price point in that market. At most
 * `limit` SKU rows.
 */
int repo_catdata_products_each(struct db *db, const char *query, const char *market, long limit,
                               catdata_product_fn fn, void *ctx, struct err *err);

struct catdata_price_filter {
    const char *sku;            /* required */
    const char *market;         /* NULL: any */
    const char *currency;       /* NULL: any */
    bool has_plan;
    enum term term;             /* with has_plan */
    enum billing billing;
    bool has_at;
    struct date at;             /* only the row in effect that day, per plan (Part A 9) */
};
/* Price points of a SKU, ordered by market, currency, term, billing, effective_from, id. */
int repo_catdata_prices_each(struct db *db, const struct catdata_price_filter *f,
                             catdata_price_fn fn, void *ctx, struct err *err);

/*
 * Does the customer hold a live subscription (active or in EST) of `requires` — a SKU, or
 * any SKU of a product family when `requires` has no ':'?
 */
int repo_catdata_customer_holds(struct db *db, const char *customer_id, const char *requires,
                                bool *holds, struct err *err);

/* ---- the price increase alert (svc/pricelist_alert.c) ---- */

/* Price points import `import_id` inserted or updated. */
int repo_catdata_import_prices_each(struct db *db, int64_t import_id, catdata_price_fn fn,
                                    void *ctx, struct err *err);
/*
 * The row of the same plan (sku, term, billing, market, currency, segment, tier) with the
 * latest effective_from before p's: the price p replaces.
 */
int repo_catdata_previous_price(struct db *db, const struct catdata_price *p, bool *found,
                                struct catdata_price *prev, struct err *err);

struct catdata_renewal {
    const char *subscription_id, *customer_id, *partner_id;
    int64_t quantity;
    struct date term_end;
};
typedef int (*catdata_renewal_fn)(void *ctx, const struct catdata_renewal *r, struct err *err);
/*
 * Active subscriptions with auto-renew on of p's SKU, term and billing plan, whose customer's
 * market is p's and which are priced in p's currency (their billing currency, or p's currency
 * when the plan has no row in the billing currency in that market), with term_end in
 * [first, last].
 */
int repo_catdata_renewals_each(struct db *db, const struct catdata_price *p, struct date first,
                               struct date last, catdata_renewal_fn fn, void *ctx,
                               struct err *err);

/* Write an outbox row (topic, JSON payload) in the caller's transaction. */
int repo_catdata_outbox(struct db *db, const char *topic, const char *payload, instant_t now,
                        struct err *err);

#endif
