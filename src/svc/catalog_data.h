/*
 * svc/catalog_data.h — the catalog use cases beyond importing the price list (issue 5,
 * docs/catalog.md): the data Microsoft's price list does not carry, the one-price lookup,
 * and the reads behind `cspd catalog` and /v1/catalog.
 *
 * Catalog data, five kinds, each loaded from a small CSV (data/catalog/, columns found by
 * header name as in the price list) and edited one key at a time:
 *   upgrade-paths   from SKU -> allowed target SKUs (nce-rules §4). Stored in upgrade_paths,
 *                   which the lifecycle engine reads: sub_upgrade accepts exactly these.
 *   est             EST eligibility and uplift per product family (§8.3, §8.4, Part A 10,
 *                   11): eligible yes/no, percent over the P1M price (3), percent over the
 *                   P1Y monthly price when there is no P1M plan (23).
 *   prerequisites   SKU -> base licences (a SKU or a whole product family), any one of which
 *                   the customer must hold (Copilot needs a Microsoft 365 base licence).
 *   seat-limits     minimum and maximum seats per SKU (offer matrix MinLicenses/MaxLicenses).
 *   rates           exchange rates pricing -> billing currency from a day; a month
 *                   ("2026-11") means its 1st, as Partner Center fixes them (§10, Part A 12).
 * A load is all-or-nothing (one transaction; the first bad field stops it: "line N, column
 * NAME: ...", err.field = NAME) and idempotent. For the multi-valued kinds (upgrade paths,
 * prerequisites) a key the file names gets exactly the file's values; keys it does not name
 * are left alone. Each load and each edit writes one audit row.
 *
 * Lookup (catalog_price): the price of one plan — SKU, term, billing plan, market, currency
 * — on a day: exactly one price, or why there is none (enum catalog_price_status). The choice
 * is catalog_price_pick, pure, over the plan's stored rows.
 *
 * Library code: nothing here prints or exits; the caller owns the database handle.
 */
#ifndef CSPD_SVC_CATALOG_DATA_H
#define CSPD_SVC_CATALOG_DATA_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/date.h"
#include "core/decimal.h"
#include "core/err.h"
#include "domain/catalog/catalog.h"
#include "store/db.h"
#include "store/repo_catalog_data.h"
#include "store/scope.h"

#define CATALOG_DATA_MAX_ROWS 100000 /* "small CSV": a larger file is refused (ERR_TOO_BIG) */
#define CATALOG_MAX_SEATS 10000000   /* as the lifecycle engine's LC_MAX_SEATS */

enum catalog_kind {
    CATALOG_KIND_PATHS,
    CATALOG_KIND_EST,
    CATALOG_KIND_PREREQS,
    CATALOG_KIND_SEATS,
    CATALOG_KIND_RATES,
    CATALOG_KIND_COUNT
};

/* "upgrade-paths", "est", "prerequisites", "seat-limits", "rates". */
const char *catalog_kind_name(enum catalog_kind k);
/* Also accepts '_' for '-' and "paths", "seats", "exchange-rates". -1 when unknown. */
int catalog_kind_from_name(const char *s, enum catalog_kind *out);

struct catalog_load_result {
    long rows;                 /* data rows read */
    long keys;                 /* distinct keys written */
    long unknown;              /* SKUs or product families the catalog does not know (yet) */
    char first_unknown[SKU_MAX];
};

/*
 * Load a CSV of kind k from `in` (name: for messages and the audit row). `scope` is who
 * loads (NULL: the installation). Not inside a transaction. 0, or -1 with nothing stored.
 */
int catalog_data_load(struct db *db, enum catalog_kind k, FILE *in, const char *name,
                      const struct scope *scope, instant_t now, struct catalog_load_result *res,
                      struct err *err);

/* ---- ids (validation shared by the loaders, the API and the CLI) ---- */

/*
 * A SKU id "ProductId:SkuId" (each 1-32 letters, digits, '-', '_'); the offer matrix's
 * "ProductId/SkuId" is accepted and written with ':'. ERR_INVALID naming `field`.
 */
int catalog_sku_parse(const char *s, const char *field, char out[SKU_MAX], struct err *err);
/* A product family: a ProductId (1-32 letters, digits, '-', '_'). */
int catalog_product_parse(const char *s, const char *field, char out[SKU_MAX], struct err *err);

/* ---- edits, one key at a time (one transaction and one audit row each) ---- */

/*
 * Replace the values of a link key (upgrade paths of `key`, or its prerequisites) with
 * values[0..n). The key must be a SKU the catalog knows (ERR_NOT_FOUND); so must every target
 * SKU (ERR_INVALID, field `field`); a prerequisite may also name a known product family.
 */
int catalog_links_put(struct db *db, enum catdata_link k, const char *key,
                      const char *const *values, size_t n, const char *note, const char *field,
                      const struct scope *scope, instant_t now, struct err *err);
/* Remove every value of the key; ERR_NOT_FOUND when it had none. */
int catalog_links_delete(struct db *db, enum catdata_link k, const char *key,
                         const struct scope *scope, instant_t now, struct err *err);

/* The product family must be known (ERR_NOT_FOUND); uplifts 0..100 percent. */
int catalog_est_put(struct db *db, const struct catdata_est_rule *r, const struct scope *scope,
                    instant_t now, struct err *err);
int catalog_est_delete(struct db *db, const char *product_id, const struct scope *scope,
                       instant_t now, struct err *err);
/*
 * The EST rule of a SKU's product family: its row, or the default (eligible, 3 %, 23 %, Part
 * A 11) when there is none; *is_default says which. The lifecycle engine's EST price
 * (domain/lifecycle/est.c) still uses the fixed default (docs/catalog.md).
 */
int catalog_est_rule_for(struct db *db, const char *sku, struct catdata_est_rule *r,
                         bool *is_default, struct err *err);

/* The SKU must be known (ERR_NOT_FOUND); 1 <= min <= max <= CATALOG_MAX_SEATS. */
int catalog_seats_put(struct db *db, const struct catdata_seat_limit *r,
                      const struct scope *scope, instant_t now, struct err *err);
int catalog_seats_delete(struct db *db, const char *sku, const struct scope *scope,
                         instant_t now, struct err *err);

/* Both currencies known and different, rate > 0. Replaces the pair's rate of that day. */
int catalog_rate_put(struct db *db, const struct fx_rate *r, const struct scope *scope,
                     instant_t now, struct err *err);

/*
 * May `customer_id` order `quantity` seats of `sku`? 0, or -1 with ERR_REFUSED and reason
 * "below_seat_minimum" / "above_seat_maximum" (field quantity), or "base_license_required"
 * (field sku) when the SKU has prerequisites and the customer holds a live subscription of
 * none of them. The order use case (svc/sub_svc.c, the engine's) does not call it yet.
 */
int catalog_check_order(struct db *db, const char *customer_id, const char *sku,
                        int32_t quantity, struct err *err);

/* ---- lookup ---- */

enum catalog_price_status {
    CATALOG_PRICE_OK,
    CATALOG_PRICE_NO_ROW,      /* the plan has no row in that market and currency */
    CATALOG_PRICE_NOT_YET,     /* every row starts after the day: first_day */
    CATALOG_PRICE_ENDED,       /* every row that started has ended: ended_on (next_day too) */
    CATALOG_PRICE_AMBIGUOUS,   /* rows of several segments or tiers in effect, prices differ */
};

struct catalog_price_query {
    const char *sku;
    enum term term;
    enum billing billing;
    const char *market;
    const char *currency;
    const char *segment;       /* NULL or "": any segment */
    struct date at;
};

struct catalog_price_answer {
    enum catalog_price_status status;
    struct catdata_price price;   /* CATALOG_PRICE_OK */
    struct date first_day;        /* NOT_YET */
    struct date ended_on;         /* ENDED: the last day of the latest row that started */
    bool has_next;
    struct date next_day;         /* ENDED: a later row's first day, if any */
    size_t candidates;            /* AMBIGUOUS: rows in effect that disagree */
};

/* The reason code of a status: "", "no_price", "price_not_yet_effective", "price_ended",
 * "price_ambiguous". */
const char *catalog_price_reason(enum catalog_price_status s);

/*
 * Choose among the rows of one plan (already of one SKU, term, billing, market and currency)
 * the price in effect on `at`: per segment and tier the row with the latest effective_from on
 * or before `at` that has not ended; exactly one such row (or several with the same unit
 * price) is the answer. `segment` NULL or "" keeps every segment.
 */
void catalog_price_pick(const struct catdata_price *rows, size_t n, const char *segment,
                        struct date at, struct catalog_price_answer *a);

/*
 * The lookup. 0 with a->status CATALOG_PRICE_OK; otherwise -1 with err: ERR_NOT_FOUND (or
 * ERR_CONFLICT when ambiguous) whose reason is catalog_price_reason's and whose message names
 * the plan and the dates, and a->status set.
 */
int catalog_price(struct db *db, const struct catalog_price_query *q,
                  struct catalog_price_answer *a, struct err *err);

#endif
