/*
 * svc/day.c — the daily cycle over the whole book (nce-rules.md Part A 1, 8, 10, 11).
 *
 * Workload: a million subscriptions, of which a few percent have something due on a given day
 * (a cycle charge, a renewal, an EST month, an expiry). The run asks the store only for those
 * (subscriptions.next_due, indexed), loads the catalogue once, and steps each due subscription
 * through the same domain function and the same write path as the commands (sub_catch_up), in
 * batches of DAY_BATCH subscriptions per transaction, in id order (the due ids are read in
 * chunks through the next_due index and sorted here: the row, its events and its charges are
 * all indexed by subscription id, so consecutive writes land on neighbouring index pages, and
 * ids follow creation (sub_svc.c) so a day's due subscriptions are a few runs of neighbours),
 * reusing its prepared statements (repo_stmt.h), each customer's facts read once per run
 * (a hash table), and rewriting only the snapshot when a cycle charge leaves the queried
 * columns as they were. The page cache holds a batch's pages, so each is written once per
 * batch. Each subscription is caught up completely when visited and its next_due moves past
 * the day, so a second run of the same day finds nothing (idempotent), and a run after a
 * pause catches up every missed day of every subscription in order.
 *
 * Audit: the events themselves are the per-subscription record of what the cycle did (kind,
 * instant, data, and the charge lines they caused); each batch adds one audit_log row saying
 * who ran the cycle for which day and what it did, instead of a before/after snapshot per
 * subscription, which would triple the cycle's writes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/repo_catalog.h"
#include "store/repo_stmt.h"
#include "svc/sub_internal.h"

/*
 * Subscriptions per transaction. The due set is in id order, so batches touch mostly disjoint
 * index pages and a smaller batch costs few extra page writes (1M book, one day: 8,192 vs
 * 65,536 per transaction, 50,122 vs 48,735 pwrite with ordered ids, 187 k vs 138 k with
 * random ids) while the write lock is held ~1 s at a time instead of the whole day (a 6-9 s
 * transaction on a random-id book would outlast the API writers' 5 s busy timeout).
 */
#define DAY_BATCH 8192
#define DAY_CHUNK 65536 /* due ids read at a time */

/* The customers met in this run, by id (open addressing; the table only grows). */
struct customer_cache {
    struct sub_customer *slot; /* id[0] == '\0': empty */
    size_t cap, n;
    const struct sub_customer *last;
};

static uint64_t hash_id(const char *s)
{
    uint64_t h = 14695981039346656037u; /* FNV-1a */

    while (*s)
        h = (h ^ (unsigned char)*s++) * 1099511628211u;
    return h;
}

static struct sub_customer *cache_find(struct customer_cache *cc, const char *id)
{
    size_t i = (size_t)hash_id(id) & (cc->cap - 1);

    while (cc->slot[i].id[0] && strcmp(cc->slot[i].id, id) != 0)
        i = (i + 1) & (cc->cap - 1);
    return &cc->slot[i];
}

static int cache_grow(struct customer_cache *cc, struct err *err)
{
    /* .last = NULL: the entries move */
    struct customer_cache bigger = {.cap = cc->cap ? cc->cap * 2 : 1024, .n = cc->n};

    bigger.slot = calloc(bigger.cap, sizeof(*bigger.slot));
    if (!bigger.slot)
        return err_set(err, ERR_NOMEM, "", "out of memory for the daily cycle");
    for (size_t i = 0; i < cc->cap; i++)
        if (cc->slot[i].id[0])
            *cache_find(&bigger, cc->slot[i].id) = cc->slot[i];
    free(cc->slot);
    *cc = bigger;
    return 0;
}

static int cache_put(void *ctx, const struct sub_customer *c, struct err *err)
{
    struct customer_cache *cc = ctx;
    struct sub_customer *slot;

    if ((cc->n + 1) * 2 > cc->cap && cache_grow(cc, err) < 0)
        return -1;
    slot = cache_find(cc, c->id);
    if (!slot->id[0])
        cc->n++;
    *slot = *c;
    return 0;
}

/*
 * A due set that meets most customers reads them all in one scan (at 1,000,000 subscriptions
 * a day's ~44,000 due belong to most of the 50,000 customers: one sequential read instead of a
 * lookup each); a small one looks each up when first met.
 */
static int cache_preload(struct db *db, struct customer_cache *cc, size_t ndue,
                         struct err *err)
{
    size_t ncust;

    if (repo_sub_customer_count(db, &ncust, err) < 0)
        return -1;
    if (ncust > 4 * ndue)
        return 0;
    return repo_sub_customer_each(db, cache_put, cc, err);
}

/* The customer's facts, from the store the first time this run meets it. */
static int customer_get(struct db *db, struct stmt_cache *stmts, struct customer_cache *cc,
                        const char *id, const struct sub_customer **out, struct err *err)
{
    struct sub_customer *c;

    if ((cc->n + 1) * 2 > cc->cap && cache_grow(cc, err) < 0)
        return -1;
    c = cache_find(cc, id);
    if (!c->id[0]) {
        if (repo_sub_customer(db, stmts, id, c, err) < 0) {
            c->id[0] = '\0';
            return -1;
        }
        if (strcmp(c->id, id) != 0) { /* an id longer than the row keeps */
            c->id[0] = '\0';
            return err_set(err, ERR_INTERNAL, "customer_id", "customer id %s too long", id);
        }
        cc->n++;
    }
    *out = c;
    return 0;
}

static int run_one(struct sub_session *ss, const struct catalog *all, const struct sub_due *d,
                   struct date day, struct customer_cache *cc, struct err *err)
{
    struct db *db = ss->ctx->db;
    const struct sub_customer *cust = NULL;
    struct sub_work w;

    memset(&w, 0, sizeof(w));
    if (repo_sub_get(db, ss->stmts, d->id, &w.row, err) < 0)
        return -1;
    sub_work_loaded(&w);
    if (customer_get(db, ss->stmts, cc, w.row.customer_id, &cust, err) < 0)
        return -1;
    if (cc->last != cust) {
        cc->last = cust;
        ss->cust = *cust;
        catalog_view_market(all, ss->cust.market, &ss->cat);
        sub_session_bind(ss, instant_from_date(day));
    }
    if (sub_catch_up(ss, &w, day, err) < 0 || sub_store(ss, &w, err) < 0)
        return -1;
    if (ss->stats)
        ss->stats->subscriptions++;
    return 0;
}

static int audit_batch(const struct svc_ctx *ctx, struct date day, const struct day_stats *b,
                       struct err *err)
{
    char note[256], d[DATE_STRLEN];

    date_format(day, d);
    snprintf(note, sizeof(note),
             "{\"day\":\"%s\",\"subscriptions\":%zu,\"events\":%zu,\"charges\":%zu,"
             "\"cycles\":%zu,\"renewed\":%zu,\"est_months\":%zu,\"expired\":%zu}",
             d, b->subscriptions, b->events, b->charges, b->cycles, b->renewed, b->est_months,
             b->expired);
    return svc_audit_note(ctx, instant_from_date(day), "subscription.day_run", "day", d, note,
                          err);
}

static void add_stats(struct day_stats *to, const struct day_stats *b)
{
    to->subscriptions += b->subscriptions;
    to->events += b->events;
    to->charges += b->charges;
    to->renewed += b->renewed;
    to->cycles += b->cycles;
    to->est_months += b->est_months;
    to->expired += b->expired;
}

/* By id: the order of every index the cycle writes (file comment). */
static int cmp_due(const void *pa, const void *pb)
{
    const struct sub_due *a = pa, *b = pb;

    return strcmp(a->id, b->id);
}

/* nce-rules Part A 1: the daily cycle runs at 00:00 UTC; a cycle due at `until` runs */
int day_run(const struct svc_ctx *ctx, instant_t until, struct day_stats *stats,
            struct err *err)
{
    struct catalog all;
    struct customer_cache cc;
    struct sub_session ss;
    struct stmt_cache stmts;
    struct day_stats total, batch;
    struct date day = instant_date(until);
    struct sub_due *due = NULL;
    bool loaded = false, tuned = false;
    struct err ignored;
    size_t n;
    int rc = -1;

    memset(&total, 0, sizeof(total));
    memset(&cc, 0, sizeof(cc));
    memset(&ss, 0, sizeof(ss));
    catalog_init(&all, "");
    stmt_cache_init(&stmts, ctx->db);
    ss.ctx = ctx;
    ss.view = true;
    ss.stmts = &stmts;
    ss.stats = &batch;
    due = malloc(DAY_CHUNK * sizeof(*due));
    if (!due) {
        err_set(err, ERR_NOMEM, "", "out of memory for the daily cycle");
        goto out;
    }
    if (repo_sub_cycle_mode(ctx->db, true, err) < 0)
        goto out;
    tuned = true;
    for (;;) {
        /* a chunk of the due set; everything visited leaves it, so the next chunk is new */
        if (repo_sub_due(ctx->db, day, due, DAY_CHUNK, &n, err) < 0)
            goto out;
        if (n == 0)
            break;
        qsort(due, n, sizeof(*due), cmp_due);
        if (!loaded) {
            if (repo_catalog_load(ctx->db, NULL, 0, &all, err) < 0 ||
                cache_preload(ctx->db, &cc, n, err) < 0)
                goto out;
            loaded = true;
        }
        for (size_t i0 = 0; i0 < n; i0 += DAY_BATCH) {
            size_t i1 = i0 + DAY_BATCH < n ? i0 + DAY_BATCH : n;

            memset(&batch, 0, sizeof(batch));
            if (db_begin(ctx->db, err) < 0)
                goto out;
            for (size_t i = i0; i < i1; i++)
                if (run_one(&ss, &all, &due[i], day, &cc, err) < 0)
                    goto fail;
            if (audit_batch(ctx, day, &batch, err) < 0)
                goto fail;
            stmt_cache_release(&stmts); /* no statement may be open across the commit */
            if (db_commit(ctx->db, err) < 0)
                goto out;
            add_stats(&total, &batch);
        }
    }
    rc = 0;
    goto out;
fail:
    stmt_cache_release(&stmts);
    db_rollback(ctx->db);
out:
    stmt_cache_release(&stmts);
    if (tuned && repo_sub_cycle_mode(ctx->db, false, rc < 0 ? &ignored : err) < 0)
        rc = -1;
    free(due);
    free(cc.slot);
    catalog_release(&all);
    if (stats)
        *stats = total;
    return rc;
}
