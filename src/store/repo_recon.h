/*
 * store/repo_recon.h — the reconciliation tables (migration 006_recon): imports, their lines,
 * the Microsoft subscription id map; and the read/write access recon needs to `charges`.
 *
 * Built for one import of a million lines in one transaction: the per-line statements are
 * prepared once and bound per line (struct recon_stmts), and every "for each" streams rows
 * through a callback — nothing is loaded whole. Every function runs inside the caller's
 * transaction when there is one.
 *
 * Amounts are decimal TEXT (dec_format); dates TEXT "YYYY-MM-DD". Row structs use fixed
 * buffers: a row is copied out of the statement before the callback sees it.
 */
#ifndef CSPD_STORE_REPO_RECON_H
#define CSPD_STORE_REPO_RECON_H

#include <stdbool.h>
#include <stdint.h>

#include "core/date.h"
#include "core/decimal.h"
#include "core/err.h"
#include "core/id.h"
#include "store/db.h"

#define RR_TEXT 128   /* ids, names, keys */
#define RR_LONG 400   /* notes, details (RECON_DETAIL_MAX) */

struct recon_import_row {
    char id[ID_MAXLEN];
    char kind[8];
    char source[RR_LONG];
    char file_hash[65], content_hash[65];
    char invoice_number[RR_TEXT];
    int64_t invoices;
    char currency[4];
    char period_start[DATE_STRLEN], period_end[DATE_STRLEN];
    int64_t line_count;
    struct dec sum_subtotal, sum_tax, sum_total;
    bool total_ok;
    int64_t bad_total_lines;
    int64_t matched, amount_differs, only_microsoft, only_cspd;
    char supersedes[ID_MAXLEN];
    char actor[RR_TEXT];
    instant_t created_at;
};

/* One recon_lines row (all columns). */
struct recon_line_row {
    char import_id[ID_MAXLEN];
    int64_t seq, line_no;
    char status[24], cause[32], detail[RR_LONG];
    char charge_id[ID_MAXLEN], subscription_id[ID_MAXLEN], ms_subscription[RR_TEXT];
    char customer_key[RR_TEXT], customer_name[RR_LONG], reseller_key[RR_TEXT];
    char invoice_number[RR_TEXT], charge_type[48], sku[RR_TEXT];
    char start_date[DATE_STRLEN], end_date[DATE_STRLEN];
    char quantity[DEC_STRLEN], unit_price[DEC_STRLEN], eup[DEC_STRLEN];
    char currency[4], pricing_currency[4], exchange_rate[DEC_STRLEN];
    char ms_subtotal[DEC_STRLEN], ms_tax[DEC_STRLEN], ms_total[DEC_STRLEN];
    char cspd_subtotal[DEC_STRLEN], difference[DEC_STRLEN];
    char order_id[RR_TEXT], reference_id[RR_TEXT];
    char resolution[16], note[RR_LONG], resolved_by[RR_TEXT];
    instant_t resolved_at; /* 0: not resolved */
};

/* A cspd charge line as recon reads it (with the names the writer needs). */
struct recon_charge_row {
    char id[ID_MAXLEN];
    char subscription_id[ID_MAXLEN];
    char charge_type[48], sku[RR_TEXT];
    struct date start, end;
    int64_t quantity;
    struct dec unit_price, eup, subtotal, fx, billing_subtotal;
    bool has_fx, has_billing_subtotal;
    char currency[4], billing_currency[4];
    char order_id[RR_TEXT], reference_id[RR_TEXT];
    /* for the writer */
    char customer_id[RR_TEXT], customer_name[RR_LONG], customer_domain[RR_TEXT];
    char customer_country[4], mpn_id[RR_TEXT], reseller_mpn_id[RR_TEXT], sub_name[RR_LONG];
    char billing[16];
};

struct recon_charge_key;
struct recon_sub_customer;

/* The statements one import runs per line, prepared once. */
struct recon_stmts {
    struct db_stmt *insert_line;      /* repo_recon_line_insert */
    struct db_stmt *sub_exists;       /* repo_recon_sub_exists */
    struct db_stmt *charge_by_ref;    /* repo_recon_charge_by_ref */
    struct db_stmt *sub_customer;     /* repo_recon_sub_customer_get */
    int64_t import_no;                /* the lines' import (repo_recon_stmts_import) */
};

int recon_stmts_prepare(struct db *db, struct recon_stmts *s, struct err *err);
void recon_stmts_release(struct recon_stmts *s);
/* The import the two line inserts write for: its number (recon_imports.import_no, migration
 * 013), looked up once by its public id after repo_recon_import_insert. */
int repo_recon_stmts_import(struct db *db, struct recon_stmts *s, const char *import_id,
                            struct err *err);

/*
 * A line to insert, by reference: every string is bound as it is (NULL or "" is stored as
 * NULL, except the columns the table requires), nothing is copied first. The import's
 * per-line path fills one of these from the reader's row and a few stack buffers.
 */
struct recon_line_in {
    const char *import_id;            /* usage charges' import; the line's is the stmts' */
    int64_t seq, line_no;
    const char *status, *cause, *detail, *charge_id, *subscription_id, *ms_subscription;
    const char *customer_key, *customer_name, *reseller_key, *invoice_number, *charge_type;
    const char *sku, *start_date, *end_date, *quantity, *unit_price, *eup, *currency;
    const char *pricing_currency, *exchange_rate, *ms_subtotal, *ms_tax, *ms_total;
    const char *cspd_subtotal, *difference, *order_id, *reference_id;
};

/*
 * Make the connection fit for one large import (true) and back (false): a larger page cache
 * while the file's lines are written (RECON_BULK_CACHE_KIB). SQLite only; other backends
 * ignore it.
 */
#define RECON_BULK_CACHE_KIB (16 * 1024)
int repo_recon_bulk(struct db *db, bool on, struct err *err);

int repo_recon_import_insert(struct db *db, const struct recon_import_row *r, struct err *err);
/* Write every column of r over the row with r->id. */
int repo_recon_import_update(struct db *db, const struct recon_import_row *r, struct err *err);
/* 1 found (row filled), 0 not found, -1 error. */
int repo_recon_import_get(struct db *db, const char *id, struct recon_import_row *out,
                          struct err *err);
/* The import with this file hash: 1 found (id_out set), 0 none, -1 error. */
int repo_recon_import_by_hash(struct db *db, const char *file_hash, char id_out[ID_MAXLEN],
                              struct err *err);
/* The import of invoice `number` with this content hash (content_hash NULL: the latest). */
int repo_recon_import_by_invoice(struct db *db, const char *number, const char *content_hash,
                                 char id_out[ID_MAXLEN], struct err *err);
/* Imports, newest first (at most `limit`). */
int repo_recon_import_each(struct db *db, int limit,
                           int (*fn)(void *ctx, const struct recon_import_row *r), void *ctx,
                           struct err *err);

/* Insert a line. */
int repo_recon_line_insert(struct recon_stmts *s, const struct recon_line_in *r,
                           struct err *err);
/* Set the match result of line (import_id, seq): status, cause, detail, charge_id,
 * subscription_id, cspd_subtotal, difference (a one-off: resolving a line). */
int repo_recon_line_set_match(struct db *db, const struct recon_line_row *r, struct err *err);
/* Every row of the subscription map (Microsoft's id, cspd's id). */
int repo_recon_map_each(struct db *db,
                        int (*fn)(void *ctx, const char *ms_sub, const char *sub_id),
                        void *ctx, struct err *err);
/* Is there a cspd subscription with this id? 1/0/-1. */
int repo_recon_sub_exists(struct recon_stmts *s, const char *id, struct err *err);
/* Add a line 'only_cspd' for charge `c` at `seq` of the stmts' import, counted in invoice
 * `invoice`. */
int repo_recon_insert_only_cspd(struct recon_stmts *s, int64_t seq,
                                const struct recon_charge_key *c,
                                const struct recon_sub_customer *cu, const char *detail,
                                const char *invoice, const char *difference, struct err *err);

/*
 * Lines of an import in seq order: `status` NULL = all; `differences` true = every status
 * but matched and usage. limit <= 0: no limit.
 */
int repo_recon_line_each(struct db *db, const char *import_id, const char *status,
                         bool differences, int64_t limit, int64_t offset,
                         int (*fn)(void *ctx, const struct recon_line_row *r), void *ctx,
                         struct err *err);
/* Lines ordered by `group` ("customer_key", "reseller_key" or "invoice_number"). */
int repo_recon_line_each_grouped(struct db *db, const char *import_id, const char *group,
                                 int (*fn)(void *ctx, const struct recon_line_row *r),
                                 void *ctx, struct err *err);
int repo_recon_line_get(struct db *db, const char *import_id, int64_t seq,
                        struct recon_line_row *out, struct err *err);
int repo_recon_line_resolve(struct db *db, const char *import_id, int64_t seq,
                            const char *resolution, const char *note, const char *actor,
                            instant_t at, struct err *err);
/* Recount the per-status columns of an import from its lines. */
int repo_recon_import_recount(struct db *db, const char *import_id, struct err *err);

/*
 * cspd's charge lines with start dates in [from, to], ordered by subscription then id.
 * The writer's names (customer, reseller MPN ID) are filled too.
 */
int repo_recon_charge_each(struct db *db, struct date from, struct date to,
                           int (*fn)(void *ctx, const struct recon_charge_row *r), void *ctx,
                           struct err *err);
/*
 * A charge as the import's index needs it (repo_recon_charge_refs_each): `ref` names the row
 * for repo_recon_charge_by_ref (SQLite's rowid: stable inside the import's transaction);
 * strings point into the statement and live for the callback only. amount: billing_subtotal,
 * else subtotal.
 */
struct recon_charge_ref {
    int64_t ref;
    const char *subscription_id, *charge_type;
    size_t subscription_len, charge_type_len;
    struct date start, end;
    int64_t quantity;
    struct dec eup, amount;
};
/*
 * cspd's charge lines with start dates in [from, to], ordered by start date then id (the
 * same rows in the same order every time inside one transaction).
 */
int repo_recon_charge_refs_each(struct db *db, struct date from, struct date to,
                                int (*fn)(void *ctx, const struct recon_charge_ref *c),
                                void *ctx, struct err *err);
/*
 * A charge line as matching and an only-in-cspd line need it; strings point into the
 * statement and live until the next repo_recon_charge_by_ref. amount: billing_subtotal, else
 * subtotal; fx: the rate, else 1. The `*_text` and the other strings are the columns as
 * stored (NULL where NULL).
 */
struct recon_charge_key {
    const char *id, *subscription_id, *charge_type;
    size_t subscription_len, charge_type_len;
    struct date start, end;
    int64_t quantity;
    struct dec unit_price, eup, amount, fx;
    const char *sku, *start_text, *end_text, *quantity_text, *unit_price_text, *eup_text;
    const char *currency, *billing_currency, *fx_text, *amount_text, *order_id, *reference_id;
};
/*
 * The charge `ref` (recon_charge_ref) into *out: 1 found, 0 gone, -1 error. figures false:
 * only `amount` is parsed (start, end, unit_price, eup, fx left zero), the text is all there.
 */
int repo_recon_charge_by_ref(struct recon_stmts *s, int64_t ref, bool figures,
                             struct recon_charge_key *out, struct err *err);

/* A subscription's customer as recon lines name it (key: tenant id, else cspd's id). */
struct recon_sub_customer {
    const char *customer_key, *customer_name, *reseller_key; /* never NULL */
};
/*
 * The customer of subscription `sub_id` into *out (strings live until the next call): 1
 * found, 0 no such subscription or customer, -1 error.
 */
int repo_recon_sub_customer_get(struct recon_stmts *s, const char *sub_id,
                                struct recon_sub_customer *out, struct err *err);
/*
 * Every subscription with its customer, in storage order (one sequential scan); `customer`
 * false for a subscription without one (its strings are then "").
 */
int repo_recon_sub_customer_each(struct db *db,
                                 int (*fn)(void *ctx, const char *sub_id, bool customer,
                                           const struct recon_sub_customer *c),
                                 void *ctx, struct err *err);
/* How many subscriptions the book holds. */
int repo_recon_sub_count(struct db *db, int64_t *out, struct err *err);

int repo_recon_charge_get(struct db *db, const char *id, struct recon_charge_row *out,
                          struct err *err);
/* Overwrite a charge's amounts with Microsoft's (accept a differing line). */
int repo_recon_charge_set_amounts(struct db *db, const char *id, struct dec unit_price,
                                  struct dec eup, struct dec subtotal, const struct dec *fx,
                                  struct dec billing_subtotal, struct err *err);
/* Insert a charge line taken from Microsoft's file (accept an only-in-Microsoft line). */
int repo_recon_charge_insert(struct db *db, const struct recon_charge_row *r, instant_t at,
                             char id_out[ID_MAXLEN], struct err *err);

/* Map Microsoft's SubscriptionId to cspd's subscription (replacing an earlier mapping). */
int repo_recon_map_set(struct db *db, const char *ms_sub, const char *sub_id, instant_t at,
                       struct err *err);

#endif
