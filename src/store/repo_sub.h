/*
 * store/repo_sub.h — the subscription aggregate in the store: the current state row
 * (`subscriptions`), its append-only event log (`subscription_events`) and the customer facts
 * the lifecycle needs (market, billing currency, MCA).
 *
 * The domain state travels as a versioned snapshot in subscriptions.state (compact format 2,
 * or JSON format 1 when a string cannot be written compactly; both read, checked on load); the
 * columns beside it (status, quantity, term_end, next_due, ...) are copies for queries and are
 * rewritten from the state on every update. Events are stored as kind + instant + JSON data
 * and decode back to the exact `struct lc_event`, so a state can be rebuilt by folding them
 * (sub_apply).
 *
 * Every function runs inside the caller's transaction; none begins or commits. `sc` is an
 * optional prepared-statement cache (repo_stmt.h) for runs of many calls; NULL is fine.
 */
#ifndef CSPD_STORE_REPO_SUB_H
#define CSPD_STORE_REPO_SUB_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "core/err.h"
#include "core/id.h"
#include "domain/lifecycle/sub.h"
#include "store/db.h"
#include "store/repo_stmt.h"

#define SUB_NAME_MAX 64

struct sub_row {
    char id[ID_MAXLEN];
    char partner_id[ID_MAXLEN];
    char customer_id[ID_MAXLEN];
    char name[SUB_NAME_MAX];
    instant_t created_at;
    struct sub s;
};

/* What the lifecycle needs to know about the customer a subscription belongs to. */
struct sub_customer {
    char id[ID_MAXLEN];
    char partner_id[ID_MAXLEN]; /* the transacting partner whose book it is in */
    char market[MARKET_MAX];
    char billing_currency[CCY_MAX];
    char partner_kind[16];      /* the owner's partners.kind: 'direct', 'distributor', ... */
    char mca_status[16];        /* customers.mca_status: 'none', 'accepted', 'attested' */
    bool mca_has_date;
    instant_t mca_accepted_at;
};

int repo_sub_insert(struct db *db, struct stmt_cache *sc, const struct sub_row *r,
                    struct err *err);
/* Rewrite the row from r->s; ERR_CONFLICT when the stored version is not `prev_seq`. */
int repo_sub_update(struct db *db, struct stmt_cache *sc, const struct sub_row *r,
                    int64_t prev_seq, struct err *err);
/* ERR_NOT_FOUND when there is no such subscription. */
int repo_sub_get(struct db *db, struct stmt_cache *sc, const char *id, struct sub_row *r,
                 struct err *err);
int repo_sub_append_event(struct db *db, struct stmt_cache *sc, const char *sub_id,
                          int64_t seq, const struct lc_event *ev, struct err *err);
/* Call fn for each event of a subscription in order; fn returning -1 stops with that. */
int repo_sub_each_event(struct db *db, const char *sub_id,
                        int (*fn)(void *ctx, int64_t seq, const struct lc_event *ev),
                        void *ctx, struct err *err);
/* A subscription the daily cycle has work for, and whose customer it is. */
struct sub_due {
    char id[ID_MAXLEN];
    char customer_id[ID_MAXLEN];
};

/*
 * Subscriptions with work due on or before `day` (next_due <= day), earliest due first (the
 * next_due index's order, so the query reads only the due rows), at most `max`, into `due`
 * (caller's array); *n = how many.
 */
int repo_sub_due(struct db *db, struct date day, struct sub_due *due, size_t max, size_t *n,
                 struct err *err);
/*
 * Rewrite only the snapshot, version, updated_at and next_due (the other columns unchanged:
 * a cycle charge), so no other index is touched. ERR_CONFLICT as repo_sub_update.
 */
int repo_sub_update_state(struct db *db, struct stmt_cache *sc, const struct sub_row *r,
                          int64_t prev_seq, struct err *err);
/* ERR_NOT_FOUND when there is no such customer. */
int repo_sub_customer(struct db *db, struct stmt_cache *sc, const char *customer_id,
                      struct sub_customer *c, struct err *err);
/* How many customers the book has. */
int repo_sub_customer_count(struct db *db, size_t *n, struct err *err);
/* Call fn with every customer's facts (one scan, for a run that meets most of them);
 * fn returning -1 stops with that. */
int repo_sub_customer_each(struct db *db,
                           int (*fn)(void *ctx, const struct sub_customer *c, struct err *err),
                           void *ctx, struct err *err);

/*
 * Settings for a long run of writes (the daily cycle), on and back off: a page cache of
 * REPO_SUB_CYCLE_CACHE_KIB, so each index page a run touches is read and written once per
 * transaction, and one WAL checkpoint at the end instead of one per thousand pages (each
 * copies every page again and syncs twice). Outside a transaction; a no-op on other backends.
 */
#define REPO_SUB_CYCLE_CACHE_KIB (256 * 1024)
int repo_sub_cycle_mode(struct db *db, bool on, struct err *err);

/*
 * The stored snapshot: sub_state_encode writes the compact format 2 (repo_sub_state.c) into
 * buf and returns its length, or -1 when it does not fit or a string cannot be written so (the
 * caller then stores JSON); sub_state_decode reads format 2 or JSON format 1.
 */
#define SUB_STATE_TEXT_MAX 2048
int sub_state_encode(const struct sub *s, char *buf, size_t cap);
int sub_state_decode(const char *text, size_t len, struct sub *s, struct err *err);

/* The state as JSON (format 1) and back; ERR_PARSE on a bad or unknown-format snapshot. */
json_t *sub_state_to_json(const struct sub *s);
int sub_state_from_json(const json_t *j, struct sub *s, struct err *err);
json_t *lc_event_to_json(const struct lc_event *ev);
int lc_event_from_json(enum lc_event_kind kind, instant_t at, const json_t *j,
                       struct lc_event *ev, struct err *err);
/*
 * The event's JSON text as json_dumps(lc_event_to_json(ev), JSON_COMPACT) writes it, without
 * building the tree: its length, or -1 when it does not fit in cap or a string would need
 * escaping (the caller then uses jansson).
 */
#define LC_EVENT_TEXT_MAX 1024
int lc_event_text(const struct lc_event *ev, char *buf, size_t cap);

#endif
