/*
 * svc/recon_svc.h — reconciliation use cases (issue 8): import one of Microsoft's files and
 * match it against cspd's charge lines, read the result, resolve differences, write cspd's own
 * charges as a Microsoft-format file, map Microsoft's subscription ids. The CLI (cspd recon)
 * and the API (/v1/recon/...) both call these.
 *
 * Import, in ONE transaction per file (all lines or none), each line written ONCE:
 *   1. invoice files: the subscription map is read into memory; with a caller's period its
 *      charges are loaded into the domain's compact index now (domain/recon key_index.c:
 *      each charge's key hash and load position), else each calendar month's charges the
 *      first time a line starting in it arrives (a line matches only a charge of the same
 *      start date);
 *   2. stream the file (io/recon_read.h), validating every line; match it (index lookup, the
 *      hits read back by rowid and their real key compared, classify) and insert it with its
 *      result through one prepared statement; add up Subtotal, TaxTotal, Total and check
 *      Total = Subtotal + Tax per line and for the file;
 *   3. idempotency: the same bytes (file hash), or the same invoice number with the same
 *      normalised content, roll everything back and report the earlier import ("nothing
 *      new"); the same invoice with other content is imported and `supersedes` the earlier;
 *   4. the period (the calendar months spanned by the file's ChargeStartDates, or the
 *      caller's): months not loaded yet are loaded, and a line is added for every cspd
 *      charge left unmatched ("only in cspd"), by charge start date then charge id, each
 *      read back by rowid (the customers asked for one by one, or, for many such lines,
 *      from one sequential read of the subscriptions).
 * Memory: the CSV reader's buffers, ~12 bytes per cspd charge in the period (index 8, rowid
 * 4, a "taken" bit), for many only-in-cspd lines 8 bytes per subscription of the book and
 * each customer's text once, and a larger SQLite page cache (16 MiB) while the import runs
 * (RECON_BULK_CACHE_KIB); Microsoft's lines are never held together, ids never interned.
 *
 * Resolutions and mappings are audited in the same transaction, through svc/audit.h
 * (audit_write, installation scope, the caller's actor and request id, the business clock).
 *
 * The caller owns `struct recon_ctx` and the database handle; nothing keeps a pointer.
 */
#ifndef CSPD_SVC_RECON_SVC_H
#define CSPD_SVC_RECON_SVC_H

#include <stdbool.h>
#include <stdio.h>

#include "core/date.h"
#include "core/decimal.h"
#include "core/err.h"
#include "store/db.h"
#include "store/repo_recon.h"

struct recon_ctx {
    struct db *db;
    const char *actor;      /* user or token id for the audit log; NULL = "system" */
    const char *request_id; /* may be NULL */
};

/* Called every RECON_PROGRESS_EVERY lines of a phase, and once at its end. */
typedef void (*recon_progress_fn)(void *ctx, const char *phase, long lines);
#define RECON_PROGRESS_EVERY 65536

struct recon_import_opts {
    const char *source;       /* file name for the record; may be NULL */
    bool has_period;          /* else: the months the file's charge start dates span */
    struct date period_start, period_end;
    recon_progress_fn progress; /* may be NULL */
    void *progress_ctx;
    /* Tests only: keep these bits of each match key's 32-bit hash (0: all). A mask of 1
     * makes half the keys collide; results must not change (every hit is re-checked). */
    uint32_t key_hash_mask;
};

struct recon_import_result {
    char id[ID_MAXLEN];       /* the new import, or the earlier one when duplicate */
    bool duplicate;           /* nothing new was stored */
    const char *duplicate_reason; /* "same file", "same invoice and content" */
    struct recon_import_row row;  /* the import's summary row */
    /* usage files (docs/billing.md "Azure usage"): billed lines written for the close to
     * rate, lines of no cspd customer, an earlier import's unrated lines of the same invoice
     * replaced, and this import's lines held back because that invoice is already rated */
    int64_t usage_charges, usage_unmapped, usage_replaced, usage_held;
};

int recon_import(const struct recon_ctx *ctx, FILE *in, const struct recon_import_opts *o,
                 instant_t now, struct recon_import_result *res, struct err *err);

/* Totals of one group (a customer, a reseller or an invoice) of an import. */
struct recon_total {
    char key[RR_TEXT];
    char name[RR_LONG];       /* customer name for customers; "" otherwise */
    struct dec microsoft;     /* sum of Microsoft's subtotals */
    struct dec cspd;          /* sum of cspd's amounts */
    struct dec difference;    /* microsoft - cspd */
    long lines, matched, differences, open; /* open: differences without a resolution */
};

/* Stream the totals per `group`: "customer", "reseller" or "invoice". */
int recon_totals(struct db *db, const char *import_id, const char *group,
                 int (*fn)(void *ctx, const struct recon_total *t), void *ctx,
                 struct err *err);

enum recon_resolution { RECON_ACCEPT, RECON_EXPLAIN, RECON_FOLLOW_UP };
/* "accept", "explain", "follow_up" (also "follow-up"); -1 unknown. */
int recon_resolution_parse(const char *s, enum recon_resolution *out);

/*
 * Resolve line `seq` of an import:
 *   accept     take Microsoft's figures into cspd's ledger: a differing line's charge gets
 *              Microsoft's unit price, EUP, rate and amount; an only-in-Microsoft line becomes
 *              a new charge of the mapped subscription (ERR_INVALID when none is mapped);
 *   explain    mark it explained (a note is required);
 *   follow_up  flag it for follow-up (note optional).
 * Matched lines, and accepting an only-in-cspd line, are ERR_INVALID; a line already accepted
 * is ERR_CONFLICT. Audited in the same transaction.
 */
int recon_resolve(const struct recon_ctx *ctx, const char *import_id, int64_t seq,
                  enum recon_resolution how, const char *note, instant_t now,
                  struct recon_line_row *out, struct err *err);

/* Write the differences of an import (every status but matched) as CSV. */
int recon_export_differences(struct db *db, const char *import_id, FILE *out, long *lines,
                             struct err *err);
/*
 * The same differences as an Excel workbook at `path` (sheet "differences", the CSV's columns,
 * amounts and counts as numbers; sheet "About" names the format). ERR_IO, ERR_NOMEM.
 */
int recon_export_differences_xlsx(struct db *db, const char *import_id, const char *path,
                                  long *lines, struct err *err);

/*
 * Write cspd's charge lines with start dates in [from, to] as Microsoft's NCE invoice
 * reconciliation file (io/recon_write.h), InvoiceNumber `invoice` (NULL: "CSPD-YYYYMM").
 */
int recon_write_charges(struct db *db, struct date from, struct date to, const char *invoice,
                        FILE *out, long *lines, struct err *err);

/* Map Microsoft's SubscriptionId to a cspd subscription (audited). */
int recon_map_subscription(const struct recon_ctx *ctx, const char *ms_sub, const char *sub_id,
                           instant_t now, struct err *err);

#endif
