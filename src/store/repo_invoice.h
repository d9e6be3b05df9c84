/*
 * store/repo_invoice.h — invoices, their lines, gapless numbering, period closes, and the
 * invoicing details of issuers and billed parties (migration 005_billing.sql).
 *
 * Numbering: repo_invoice_next_number increments the (issuer, series, year) counter inside the
 * caller's transaction — the same transaction that finalizes the invoice — so a crash or a
 * rollback never leaves a hole and never hands a number out twice; SQLite's BEGIN IMMEDIATE
 * (db.h) serializes two closes on one file. A finalized invoice's row and lines are never
 * rewritten: repo_invoice_set_status only moves status, paid_at and voided_at.
 *
 * Every function runs inside the caller's transaction (or none, for reads). Those the close
 * calls once per invoice take a `struct stmt_cache *` (store/repo_stmt.h; NULL: prepare per
 * call).
 */
#ifndef CSPD_STORE_REPO_INVOICE_H
#define CSPD_STORE_REPO_INVOICE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "domain/invoice/invoice.h"
#include "store/db.h"
#include "store/repo_stmt.h"
#include "store/scope.h"

/* Insert the invoice and its lines; inv->id is made here ("inv_...") when empty. */
int repo_invoice_insert(struct db *db, struct stmt_cache *sc, struct invoice *inv,
                        struct err *err);
/* Load an invoice with its lines (invoice_release it). ERR_NOT_FOUND, also out of scope. */
int repo_invoice_get(struct db *db, const struct scope *sc, const char *id_or_number,
                     struct invoice *inv, struct err *err);
/* Move the status (domain/invoice checks the transition first); `at` fills paid/voided. */
int repo_invoice_set_status(struct db *db, const char *id, enum invoice_status to, instant_t at,
                            struct err *err);
/*
 * Drop the issuer's draft invoices of periods up to `period` and take their rated lines off
 * them (a close rebuilds drafts from scratch).
 */
int repo_invoice_delete_drafts(struct db *db, const char *issuer_id, const char *period,
                               struct err *err);
/* The next number of the (issuer, series, year) counter: 1, 2, ... (rules above). */
int repo_invoice_next_number(struct db *db, const char *issuer_id, const char *series, int year,
                             int64_t *value, struct err *err);
/*
 * A block of numbers for a close that finalizes thousands of invoices in one transaction:
 * _peek reads the counter's last value (0 when it has none), the close numbers its invoices
 * last+1, last+2, ... and _advance stores the last one it used, in that same transaction.
 * BEGIN IMMEDIATE holds the write lock from the peek to the commit, so no other writer can
 * take a number in between: still gapless, never reused, and a rollback returns the block.
 */
int repo_invoice_number_peek(struct db *db, const char *issuer_id, const char *series, int year,
                             int64_t *last, struct err *err);
int repo_invoice_number_advance(struct db *db, const char *issuer_id, const char *series,
                                int year, int64_t last, struct err *err);
/* Has a credit note been issued for this invoice? */
int repo_invoice_credited(struct db *db, const char *invoice_id, bool *yes, struct err *err);

struct invoice_filter {
    const char *period;    /* NULL: any */
    const char *status;    /* NULL: any */
    const char *issuer_id; /* NULL: any */
    const char *from_period, *to_period; /* inclusive, NULL: open */
    const char *customer_id; /* billed customer or reseller id, NULL: any */
};

/* Invoices visible in `sc` (no lines), newest period first then number; fn -1 stops. */
int repo_invoice_each(struct db *db, const struct scope *sc, const struct invoice_filter *f,
                      int (*fn)(void *ctx, const struct invoice *inv), void *ctx,
                      struct err *err);

/*
 * Make the connection fit for a close (true) and back (false). A close writes ~10^6 rated
 * lines and invoice lines, one transaction per issuer, into indexes some of whose keys are
 * random (the charge id, the subscription id): SQLite's default 2 MB page cache turns most
 * of those inserts into a read, and its checkpoint after every commit of more than 1,000
 * pages writes most of each such index back to the file once per issuer. So: a page cache of
 * INVOICE_BULK_CACHE_KIB, and a checkpoint only when the WAL passes
 * INVOICE_BULK_CHECKPOINT_PAGES (256 MiB: a bound on the file's growth), then one at the end
 * and SQLite's defaults again. SQLite only; other backends ignore it.
 */
#define INVOICE_BULK_CACHE_KIB (256 * 1024)
#define INVOICE_BULK_CHECKPOINT_PAGES 65536
int repo_invoice_bulk(struct db *db, bool on, struct err *err);

/* Period closes. */
int repo_invoice_is_closed(struct db *db, const char *issuer_id, const char *period,
                           bool *closed, struct err *err);
int repo_invoice_mark_closed(struct db *db, const char *issuer_id, const char *period,
                             instant_t now, int invoices, struct err *err);

/*
 * Partners that issue invoices, among those `sc` may see (NULL: all): distributors and
 * direct-bill partners first, then resellers.
 */
int repo_invoice_issuers(struct db *db, const struct scope *sc, char (*ids)[ID_MAXLEN],
                         size_t max, size_t *n, struct err *err);

/* What an issuer prints and how it taxes (billing_settings, falling back to partners). */
struct issuer_settings {
    struct invoice_issuer issuer;
    int payment_terms_days;
    enum dec_round tax_mode;
    char currency[CCY_MAX];
    int close_day;            /* 1..28: the daily cycle closes the period due on it */
    int period_day;           /* 1..28: periods start on this day (1: calendar months) */
};
int repo_invoice_issuer_settings(struct db *db, const char *partner_id,
                                 struct issuer_settings *s, struct err *err);

/* The billed party (a customer id, or a reseller's partner id) as printed, and its terms. */
struct bill_to_info {
    struct invoice_party party;
    char currency[CCY_MAX];
    bool has_tax_rate;
    struct dec tax_rate;
    char tax_label[32];
    int payment_terms_days;   /* 0 = the issuer's */
};
int repo_invoice_bill_to(struct db *db, struct stmt_cache *sc, const char *party_id,
                         bool is_reseller, struct bill_to_info *b, struct err *err);
/* The issuer's rate for a country; *found false when none. */
int repo_invoice_tax_rate(struct db *db, struct stmt_cache *sc, const char *seller_id,
                          const char *country, bool *found, struct dec *rate, char label[32],
                          struct err *err);

/* Upserts used by the CLI, the API and tests. NULL fields are left NULL. */
int repo_invoice_put_settings(struct db *db, const char *partner_id, const char *display_name,
                              const char *colour, const char *logo_path, const char *address,
                              const char *tax_id, const char *footer, int payment_terms_days,
                              const char *tax_rounding, instant_t now, struct err *err);
int repo_invoice_put_profile(struct db *db, const char *party_id, const char *legal_name,
                             const char *address, const char *country, const char *tax_id,
                             const char *email, const char *tax_rate, const char *tax_label,
                             int payment_terms_days, instant_t now, struct err *err);
/*
 * The billing period anchor and close day (store/repo_invoice_settings.c). _billed: has the
 * issuer rated a line as seller (*first_period: the earliest period of its lines, "" when
 * none)? _reopen_empty: drop its closes of periods >= from_period that made no invoice.
 * _put_days: upsert period_day and close_day (both 1..28, checked by the caller) into the
 * issuer's billing_settings row, other columns untouched.
 */
int repo_invoice_billed(struct db *db, const char *partner_id, bool *billed,
                        char first_period[INVOICE_PERIOD_MAX], struct err *err);
int repo_invoice_reopen_empty(struct db *db, const char *partner_id, const char *from_period,
                              int *reopened, struct err *err);
int repo_invoice_put_days(struct db *db, const char *partner_id, int period_day,
                          int close_day, instant_t now, struct err *err);
int repo_invoice_put_tax_rate(struct db *db, const char *seller_id, const char *country,
                              const char *rate, const char *label, struct err *err);

#endif
