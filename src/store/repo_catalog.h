/*
 * store/repo_catalog.h — price points, upgrade paths and exchange rates in the store, and
 * loading them into a domain `struct catalog` (domain/catalog/catalog.h).
 *
 * Commands load only the rows of the SKUs they touch (a few rows, by index); the daily cycle
 * loads everything once per run. Runs inside the caller's transaction (or none, for reads).
 */
#ifndef CSPD_STORE_REPO_CATALOG_H
#define CSPD_STORE_REPO_CATALOG_H

#include <stddef.h>

#include "core/err.h"
#include "domain/catalog/catalog.h"
#include "store/db.h"

/* `product` and `source` may be NULL. The row's market must be set. */
int repo_catalog_add_price(struct db *db, const struct price_point *p, const char *product,
                           const char *source, struct err *err);
/* Listing a path twice is harmless. */
int repo_catalog_add_path(struct db *db, const char *from, const char *to, struct err *err);
/* A rate for the same pair and day replaces the earlier one. */
int repo_catalog_add_rate(struct db *db, const struct fx_rate *r, struct err *err);
/*
 * Load the rows of the given SKUs (all rows when nskus == 0) — price points of every market,
 * upgrade paths from those SKUs, all exchange rates — into `c` (added to what it holds), and
 * seal it.
 */
int repo_catalog_load(struct db *db, const char *const *skus, size_t nskus, struct catalog *c,
                      struct err *err);

#endif
