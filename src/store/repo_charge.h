/*
 * store/repo_charge.h — Microsoft's charge lines as cspd computed them (`charges`), one row per
 * line of the reconciliation file, linked to the event that caused it.
 *
 * Amounts are decimal TEXT (dec_format); the exchange rate and billing subtotal are NULL when
 * no rate was known. Runs inside the caller's transaction.
 */
#ifndef CSPD_STORE_REPO_CHARGE_H
#define CSPD_STORE_REPO_CHARGE_H

#include "core/err.h"
#include "core/id.h"
#include "domain/billing/charge.h"
#include "store/db.h"
#include "store/repo_stmt.h"

/* A stored line and whose it is. */
struct charge_row {
    char id[ID_MAXLEN];
    char subscription_id[ID_MAXLEN];
    int64_t event_seq;
    char reference_id[ID_MAXLEN + 24];
    instant_t created_at;
    struct charge_line line;
};

/*
 * Insert one line; the id is made here ("chg_...", ordered by r->created_at, then by insertion
 * within a process), written back to r->id. sc may be NULL.
 */
int repo_charge_insert(struct db *db, struct stmt_cache *sc, struct charge_row *r,
                       struct err *err);
/*
 * Call fn for each stored line, oldest first; `subscription_id` NULL = all subscriptions.
 * fn returning -1 stops with that result.
 */
int repo_charge_each(struct db *db, const char *subscription_id,
                     int (*fn)(void *ctx, const struct charge_row *r), void *ctx,
                     struct err *err);

#endif
