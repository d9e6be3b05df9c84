/*
 * svc/pricelist.h — the price list use cases: import Microsoft's NCE license-based price list
 * into the store, and compare two price lists (two files, or what the store holds on two days).
 *
 * Import (pricelist_import): the file is hashed first (BLAKE2b-256, libsodium
 * crypto_generichash); a file whose hash the store has seen is not read again and nothing
 * changes (result.already). Otherwise its rows are read, validated and written one by one
 * with prepared statements inside ONE transaction, so memory stays bounded whatever the file
 * size and any invalid row ("line N, column NAME: ...") leaves the store exactly as it was.
 * The bytes are hashed again while they are parsed; a file that changed between the two reads
 * is refused. The import writes one audit row ("pricelist.import", the counts as JSON) in the
 * same transaction. Progress goes to the caller's callback (library code never prints).
 *
 * Diff (pricelist_set_*, pricelist_diff_*): each side becomes a hash table keyed by
 * market|currency|sku|term|billing|segment|tier_min, holding one price per plan — on a key
 * given twice, the row with the later effective start wins (formats.md §3.1: "duplicate rows
 * can occur, so use the latest range"). Prices compared are Microsoft's UnitPrice for the whole
 * term as published; the per-cycle prices are reported beside them. Results: new plans (in B
 * only), retired plans (in A only), increases and decreases with the amount (B - A, exact)
 * and the percent (amount / A * 100, exact, rounded half-up to 2 places; none when A is 0),
 * sorted by market, currency, SKU, term and billing. Memory: about 120 bytes a plan; two
 * lists of 500,000 rows compare in about 2 s in 120 MB.
 */
#ifndef CSPD_SVC_PRICELIST_H
#define CSPD_SVC_PRICELIST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/date.h"
#include "core/decimal.h"
#include "core/err.h"
#include "store/db.h"
#include "store/repo_pricelist.h"
#include "store/scope.h"

#define PRICELIST_PROGRESS_EVERY 100000

/* Called every `progress_every` rows with the rows stored so far and the current line. */
typedef void (*pricelist_progress_fn)(void *ctx, long rows, long line);

struct pricelist_import_opts {
    const char *path;         /* the CSV file; with `stream`, only its name (messages, log) */
    FILE *stream;             /* read this seekable stream instead of opening path (the API's
                                 upload through fmemopen); not closed; may be NULL */
    const char *month;        /* "YYYY-MM" the list is for, or NULL */
    instant_t now;            /* recorded as the import's time */
    pricelist_progress_fn progress; /* may be NULL */
    void *progress_ctx;
    long progress_every;      /* 0: PRICELIST_PROGRESS_EVERY */
    const struct scope *scope; /* who imports, for the audit row; NULL: the installation */
};

struct pricelist_import_result {
    bool already;             /* this file was imported before; nothing changed */
    char hash[PRICELIST_HASH_HEX];
    struct pricelist_import_info info; /* this import, or the earlier one when `already` */
    long alerts;              /* alert.price_increase outbox rows written (pricelist_alert) */
};

/*
 * Import the file (must not be called inside a transaction). 0 on success, including the
 * "already imported" case; -1 with err filled, nothing stored.
 */
int pricelist_import(struct db *db, const struct pricelist_import_opts *o,
                     struct pricelist_import_result *res, struct err *err);

/* ---- price increase alert (pricelist_alert.c) ------------------------------------------- */

#define PRICELIST_ALERT_DAYS 60
#define PRICELIST_ALERT_TOPIC "alert.price_increase"

/*
 * For every price point import `import_id` wrote that raises the price of the row it replaces
 * (same plan, earlier start), one outbox row (PRICELIST_ALERT_TOPIC, JSON) per active
 * auto-renewing subscription of that plan, market and currency that renews on a day in
 * [today, today + PRICELIST_ALERT_DAYS] (the day after its term_end) on which the new price is
 * in effect. Runs in the caller's transaction (pricelist_import calls it before committing).
 */
int pricelist_alert_increases(struct db *db, int64_t import_id, struct date today,
                              instant_t now, long *alerts, struct err *err);

/* ---- diff ---------------------------------------------------------------------------------- */

struct pricelist_entry {
    struct dec price;          /* whole term, as published */
    struct dec cycle_price;    /* per billing cycle */
    uint64_t hash;
    uint32_t key;              /* arena offset: "market|currency|sku|term|billing|segment|tier" */
    uint32_t title;            /* arena offset: the SKU title */
    int32_t from;              /* effective_from, days since the epoch */
};

struct pricelist_set {
    struct pricelist_entry *entries;
    size_t n, cap;
    uint32_t *slots;           /* open addressing: entry index + 1, 0 = empty */
    size_t nslots;
    char *arena;
    size_t alen, acap;
    uint32_t last_title;       /* reuse for a title equal to the previous row's */
    long rows;                 /* rows read (before merging duplicates) */
};

void pricelist_set_init(struct pricelist_set *s);
void pricelist_set_release(struct pricelist_set *s);
/* Every row of a price list file (validated as on import; errors name line and column). */
int pricelist_set_load_file(struct pricelist_set *s, const char *path, struct err *err);
/* The price points the store holds in effect on `day`. */
int pricelist_set_load_db(struct pricelist_set *s, struct db *db, struct date day,
                          struct err *err);
/* The text of an entry's key or title (owned by the set). */
const char *pricelist_set_text(const struct pricelist_set *s, uint32_t off);

enum pricelist_change_kind { PLD_NEW, PLD_RETIRED, PLD_INCREASE, PLD_DECREASE };

struct pricelist_change {
    enum pricelist_change_kind kind;
    const char *key;           /* points into a or b */
    const char *title;
    const struct pricelist_entry *a, *b; /* a NULL for new, b NULL for retired */
    struct dec amount;         /* b - a (increase, decrease) */
    bool has_percent;
    struct dec percent;        /* amount / a * 100, 2 places half-up */
};

struct pricelist_diff {
    struct pricelist_change *changes;
    size_t n, cap;
    long counts[4];            /* by enum pricelist_change_kind */
    long unchanged;
    long rows_a, rows_b;       /* plans on each side */
};

/* Compare a (before) with b (after). The sets must outlive the diff. */
int pricelist_diff_compute(const struct pricelist_set *a, const struct pricelist_set *b,
                           struct pricelist_diff *d, struct err *err);
void pricelist_diff_release(struct pricelist_diff *d);
const char *pricelist_change_name(enum pricelist_change_kind k); /* "new", "retired", ... */

/*
 * Exports to a stream the caller owns. CSV: a header row, then one quoted row per change
 * (docs/catalog.md lists the columns). Text: grouped by market and currency, with a summary.
 */
int pricelist_diff_write_csv(const struct pricelist_diff *d, FILE *out, struct err *err);
/*
 * XLSX (libxlsxwriter, pricelist_xlsx.c): one sheet "changes" with the CSV's columns, prices
 * as numbers, and a "summary" sheet with the counts. libxlsxwriter writes to a file name.
 */
int pricelist_diff_write_xlsx(const struct pricelist_diff *d, const char *path,
                              struct err *err);
int pricelist_diff_write_text(const struct pricelist_diff *d, const char *label_a,
                              const char *label_b, FILE *out, struct err *err);

#endif
