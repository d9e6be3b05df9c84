/*
 * demo/catalog.h — the demo's built-in catalogue: a handful of real-looking Microsoft 365
 * SKUs with P1M, P1Y (monthly and annual billing) and P3Y rows in USD, EUR, GBP and JPY, a
 * price rise on 2026-04-01 (so renewals after it re-price, nce-rules Part A 9), the upgrade
 * paths between them and monthly GBP->EUR exchange rates.
 *
 * The prices exist in one form only: Microsoft's NCE license-based price list CSV
 * (formats.md §3.1, whole-term UnitPrice as published). `cspd demo seed` writes it to a file
 * and loads it through the real importer (svc/pricelist.h); `cspd demo files` writes the same
 * bytes for the partner to look at. Every figure is integer minor units; no floating point.
 * Product ids and prices are illustrative, not Microsoft's.
 */
#ifndef CSPD_DEMO_CATALOG_H
#define CSPD_DEMO_CATALOG_H

#include <stdio.h>

#include "core/date.h"
#include "core/err.h"
#include "store/db.h"

struct demo_sku {
    const char *id;       /* "CFQ7TTC0LH18:0001" */
    const char *title;
    const char *desc;
    int usd_cents;        /* per seat per month, P1Y billed annually, before the rise */
    int rise_pct;         /* increase from DEMO_RISE_DAY, percent */
    int has_p3y;
};

extern const struct demo_sku demo_skus[];
extern const int demo_nskus;
/* Listed upgrade paths, as pairs of demo_skus indexes; -1 ends the list. */
extern const int demo_paths[][2];

/* The market a demo customer's tenant is in, and the currency its price rows are in. */
struct demo_market {
    const char *market;   /* "GB" */
    const char *currency; /* "GBP" */
};
extern const struct demo_market demo_markets[];
extern const int demo_nmarkets;

/* Write the price list (header + every row), LF line ends, no BOM. */
int demo_pricelist_write(FILE *out, struct err *err);
/*
 * Load the catalogue into the store: write the price list to a temporary file beside `tmpdir`
 * (NULL: $TMPDIR or /tmp), import it (pricelist_import: validated, one transaction, idempotent
 * by file hash), then add the upgrade paths and the exchange rates from `from` to `to`
 * (catalog_svc_add_path / catalog_svc_add_rate). *rows = price rows imported.
 */
int demo_catalog_load(struct db *db, struct date from, struct date to, instant_t now,
                      long *rows, struct err *err);

#endif
