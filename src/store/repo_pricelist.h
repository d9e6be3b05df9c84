/*
 * store/repo_pricelist.h — price list imports in the store: the import log (idempotency by
 * file hash), the catalog rows a price list names (products, skus), its price points, and the
 * price points in effect on a day (for `cspd pricelist diff --db`).
 *
 * Tables: pricelist_imports (migration 007), products, skus, price_points (001, extended by
 * 007). Column mapping (docs/catalog.md): price_points.unit_price is the per-seat price per
 * billing cycle — what domain/catalog and repo_catalog_load read (nce-rules.md Part A 13) —
 * and price_points.term_price Microsoft's UnitPrice for the whole term as published.
 *
 * A price point is identified by (sku, term, billing, market, currency, segment, tier_min,
 * effective_from): putting one that exists updates it in place when anything differs and
 * leaves it alone when nothing does, so overlapping monthly lists never duplicate rows.
 *
 * Workload: an import puts hundreds of thousands of rows in one transaction, so the writer
 * prepares its statements once (repo_pricelist_writer_open) and reuses them per row; a product
 * or SKU repeated on consecutive rows is written once. Everything runs inside the caller's
 * transaction; nothing here begins or commits.
 */
#ifndef CSPD_STORE_REPO_PRICELIST_H
#define CSPD_STORE_REPO_PRICELIST_H

#include <stdbool.h>
#include <stdint.h>

#include "core/date.h"
#include "core/decimal.h"
#include "core/err.h"
#include "store/db.h"

#define PRICELIST_HASH_HEX 65 /* 32-byte BLAKE2b as hex + NUL */

struct pricelist_import_info {
    int64_t id;
    char file_name[256];
    char month[8];          /* "YYYY-MM" or "" */
    long row_count, inserted, updated, unchanged, skipped;
    instant_t imported_at;
};

/* One price point as the importer writes it; text fields NUL-terminated, "" for none. */
struct repo_price {
    const char *sku;           /* "CFQ7TTC0LH18:0001" */
    const char *product_title;
    const char *term;          /* "P1Y" */
    const char *billing;       /* "monthly" */
    const char *market;
    const char *currency;
    const char *segment;       /* "" for none (stored NULL) */
    const char *tags;          /* "" for none (stored NULL) */
    struct dec unit_price;     /* per billing cycle */
    struct dec term_price;     /* whole term, as published */
    bool has_erp, has_tier_min, has_tier_max, has_effective_to, has_end;
    struct dec erp_price, tier_min, tier_max;
    struct date effective_from, effective_to;
    instant_t starts_at, ends_at;
};

enum repo_put_result { REPO_PUT_INSERTED, REPO_PUT_UPDATED, REPO_PUT_UNCHANGED };

struct repo_pricelist_writer {
    struct db *db;
    struct db_stmt *product, *sku, *find, *insert, *update;
    int64_t import_id;
    const char *source;        /* price_points.source; not copied */
    instant_t now;
    char last_product[64];
    char last_sku[64];
};

/* The import of the file with this hash, if any (*found false otherwise). */
int repo_pricelist_find_import(struct db *db, const char *hash_hex, bool *found,
                               struct pricelist_import_info *info, struct err *err);
/* Log a new import (counts zero); *id is its id. `month` may be NULL. */
int repo_pricelist_add_import(struct db *db, const char *hash_hex, const char *file_name,
                              const char *month, instant_t at, int64_t *id, struct err *err);
/* Store the final counts of import `info->id`. */
int repo_pricelist_finish_import(struct db *db, const struct pricelist_import_info *info,
                                 struct err *err);

/* Prepare the writer's statements; rows written carry `import_id` and `source`. */
int repo_pricelist_writer_open(struct repo_pricelist_writer *w, struct db *db,
                               int64_t import_id, const char *source, instant_t now,
                               struct err *err);
/* Finalize the statements (before commit). Safe on a writer that failed to open. */
void repo_pricelist_writer_close(struct repo_pricelist_writer *w);
/* Upsert the product and the SKU (skipped when the same as the previous call's). */
int repo_pricelist_put_catalog(struct repo_pricelist_writer *w, const char *product_id,
                               const char *product_title, const char *publisher,
                               const char *sku, const char *sku_id, const char *sku_title,
                               const char *description, const char *tags, struct err *err);
int repo_pricelist_put_price(struct repo_pricelist_writer *w, const struct repo_price *p,
                             enum repo_put_result *result, struct err *err);

/* A price point in effect on a day, as repo_pricelist_each_at hands it out. */
struct repo_price_at {
    const char *sku, *title, *term, *billing, *market, *currency, *segment, *tier_min;
    const char *unit_price;    /* per cycle, decimal text */
    const char *term_price;    /* whole term, decimal text, NULL when not known */
    const char *effective_from;
};
typedef int (*repo_price_at_fn)(void *ctx, const struct repo_price_at *p, struct err *err);
/*
 * Call fn for every price point in effect on `day` (effective_from <= day, effective_to NULL
 * or >= day); all rows of a plan come, the caller keeps the latest effective_from. A non-zero
 * return from fn stops the walk and is returned.
 */
int repo_pricelist_each_at(struct db *db, struct date day, repo_price_at_fn fn, void *ctx,
                           struct err *err);

#endif
