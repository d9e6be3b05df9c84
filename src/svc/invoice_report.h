/*
 * svc/invoice_report.h — what billing earned: revenue, cost and margin by month, customer,
 * reseller or product family; trailing-twelve-month (TTM) revenue per partner in USD; and the
 * period exports an accountant takes away (CSV tables, an XLSX workbook, a general-ledger
 * CSV). Issue 7; docs/billing.md "Reports" and "Period exports".
 *
 * Source: rated_lines (store/repo_margin.h), the partner's own price for every Microsoft
 * charge line, in the buyer's currency. revenue = sum of amounts, cost = sum of the seller's
 * costs, margin = sum of margins, each exact; never mixed across currencies (a group is a key
 * and a currency). Lines on a void invoice or an invoice cancelled by a credit note are left
 * out. A line counts in the range that holds its start date.
 *
 * Scope: a partner's staff see their own sales (seller = their partner) unless they name
 * another seller in their scope (a distributor its resellers); the installation sees every
 * seller, or the one it names. Customers have no margin reports (ERR_FORBIDDEN).
 */
#ifndef CSPD_SVC_INVOICE_REPORT_H
#define CSPD_SVC_INVOICE_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "core/date.h"
#include "core/decimal.h"
#include "core/err.h"
#include "store/db.h"
#include "store/repo_margin.h"
#include "store/scope.h"

struct margin_group {
    char key[SKU_MAX];          /* month, customer id, reseller id ("" direct), product id */
    char name[128];             /* customer's or reseller's name; "" otherwise */
    char currency[CCY_MAX];
    struct dec revenue, cost, margin;
    bool has_pct;
    struct dec margin_pct;      /* margin / revenue x 100, 2 places half-up; not when 0 */
    long lines;
};

struct margin_report {
    enum report_group by;
    struct date from, to;
    struct margin_group *groups;  /* in key order */
    size_t ngroups, capgroups;
    struct margin_group *totals;  /* one per currency, key "" */
    size_t ntotals, captotals;
};

/* "month", "customer", "reseller", "product_family" -> group; -1 when unknown. */
int margin_report_group_parse(const char *s, enum report_group *out);
const char *margin_report_group_name(enum report_group by);

/*
 * Fill *out (margin_report_release it) for lines starting from..to inclusive. seller_id
 * NULL: the scope's default (see above). ERR_INVALID "to" when to < from.
 */
int margin_report_run(struct db *db, const struct scope *sc, const char *seller_id,
                      struct date from, struct date to, enum report_group by,
                      struct margin_report *out, struct err *err);
/*
 * The same for the lines of billing period `period` ("2026-11"): each line's period is its
 * seller's (domain/invoice "Billing periods"), so on calendar months these are the lines
 * starting in that month. out->from/to are the calendar month's days.
 */
int margin_report_run_period(struct db *db, const struct scope *sc, const char *seller_id,
                             const char *period, enum report_group by,
                             struct margin_report *out, struct err *err);
void margin_report_release(struct margin_report *r);
/* {"from","to","group_by","groups":[...],"totals":[...]}; amounts as decimal strings. */
json_t *margin_report_to_json(const struct margin_report *r);

/*
 * Trailing-twelve-month revenue of `partner_id` in USD: the amounts of every rated line it
 * sold (its own invoices' lines, void and credited ones left out) starting in the 12 months
 * that end on `as_of` (from as_of - 12 months + 1 day to as_of). Lines in another currency
 * are converted per start date with the exchange_rates row in effect that day (the table
 * rating uses; the inverse pair when only that is stored), each day's sum rounded half-up to
 * the cent. ERR_INVALID "no_exchange_rate" (field currency) when a rate is missing.
 *
 * This is the figure the program-model authorization check compares with Microsoft's
 * thresholds (domain/program/authorization.c reads partners' ttm_revenue_usd fact); no scope:
 * the caller has already decided the partner may be asked about.
 */
int invoice_ttm_revenue_usd(struct db *db, const char *partner_id, struct date as_of,
                            struct dec *usd, struct err *err);

/*
 * TTM revenue of each issuing partner `sc` may see (or of partner_id only, which must be in
 * scope: ERR_NOT_FOUND otherwise). fn gets the partner's id and name.
 */
int invoice_ttm_each(struct db *db, const struct scope *sc, const char *partner_id,
                     struct date as_of,
                     int (*fn)(void *ctx, const char *id, const char *name, struct dec usd),
                     void *ctx, struct err *err);

/* ---- period exports (svc/invoice_export.c) ---- */

enum period_export_format {
    PERIOD_CSV_INVOICES,         /* one row per invoice */
    PERIOD_CSV_LINES,            /* one row per invoice line */
    PERIOD_CSV_MARGINS_CUSTOMER, /* margin report of the period's days, by customer */
    PERIOD_CSV_MARGINS_RESELLER,
    PERIOD_CSV_MARGINS_PRODUCT,
    PERIOD_XLSX,                 /* one workbook: all five tables as sheets */
    PERIOD_GL,                   /* the general-ledger CSV (io/export_gl.c) */
};

/*
 * The CLI's --format/--table and the API's ?format/&table: format csv (default), xlsx or gl;
 * table (csv only) invoices, lines (default), margins_customer, margins_reseller or
 * margins_product. ERR_INVALID naming "format" or "table".
 */
int invoice_period_export_format(const char *format, const char *table,
                                 enum period_export_format *out, struct err *err);

/*
 * Export billing period `period` ("2026-11") as `fmt` to the file `path` (XLSX needs a
 * path; the CSVs also take path NULL, meaning `out`). Invoices are those of the period in
 * scope, drafts left out; margins are the margin report of the period's lines (each line's
 * period is its seller's: margin_report_run_period).
 */
int invoice_period_export(struct db *db, const struct scope *sc, const char *period,
                          enum period_export_format fmt, const char *path, FILE *out,
                          struct err *err);

#endif
