/*
 * svc/day.c — the daily cycle over the whole book (nce-rules.md Part A 1, 8, 10, 11).
 *
 * Workload: a million subscriptions, of which a few percent have something due on a given day
 * (a cycle charge, a renewal, an EST month, an expiry). The run asks the store only for those
 * (subscriptions.next_due, indexed), loads the catalogue once, and steps each due subscription
 * through the same domain function and the same write path as the commands (sub_catch_up), in
 * batches of DAY_BATCH subscriptions per transaction. A subscription's next_due moves past the
 * day as soon as its work is written, so the next batch query returns only what is left, a
 * second run of the same day returns nothing (idempotent), and a run after a pause catches up
 * every missed day of every subscription in order.
 */
#include <stdlib.h>
#include <string.h>

#include "store/repo_catalog.h"
#include "svc/sub_internal.h"

#define DAY_BATCH 512

struct customer_cache {
    struct sub_customer cust;
    bool mca_ok;
    bool valid;
};

static int run_one(const struct svc_ctx *ctx, const struct catalog *all, const char *id,
                   struct date day, struct customer_cache *cc, struct day_stats *stats,
                   struct err *err)
{
    struct sub_session ss;
    struct sub_work w;
    struct sub before;

    memset(&ss, 0, sizeof(ss));
    memset(&w, 0, sizeof(w));
    if (repo_sub_get(ctx->db, id, &w.row, err) < 0)
        return -1;
    w.stored_seq = w.row.s.seq;
    if (!cc->valid || strcmp(cc->cust.id, w.row.customer_id) != 0) {
        if (repo_sub_customer(ctx->db, w.row.customer_id, &cc->cust, err) < 0)
            return -1;
        cc->valid = true;
    }
    ss.ctx = ctx;
    ss.cust = cc->cust;
    ss.view = true;
    ss.stats = stats;
    catalog_view_market(all, ss.cust.market, &ss.cat);
    sub_session_bind(&ss, instant_from_date(day));
    before = w.row.s;
    if (sub_catch_up(&ss, &w, day, err) < 0 || sub_store(&ss, &w, err) < 0)
        return -1;
    if (w.row.s.seq != before.seq &&
        svc_audit(ctx, w.row.s.updated_at, "subscription.day", w.row.id, &before, &w.row.s,
                  err) < 0)
        return -1;
    if (stats)
        stats->subscriptions++;
    return 0;
}

/* nce-rules Part A 1: the daily cycle runs at 00:00 UTC; a cycle due at `until` runs */
int day_run(const struct svc_ctx *ctx, instant_t until, struct day_stats *stats,
            struct err *err)
{
    struct catalog all;
    struct customer_cache cc;
    struct date day = instant_date(until);
    char (*ids)[ID_MAXLEN] = NULL;
    size_t n;
    int rc = -1;

    if (stats)
        memset(stats, 0, sizeof(*stats));
    memset(&cc, 0, sizeof(cc));
    catalog_init(&all, "");
    ids = malloc(DAY_BATCH * sizeof(*ids));
    if (!ids) {
        err_set(err, ERR_NOMEM, "", "out of memory for the daily cycle");
        goto out;
    }
    for (bool loaded = false;;) {
        if (db_begin(ctx->db, err) < 0)
            goto out;
        if (repo_sub_due(ctx->db, day, ids, DAY_BATCH, &n, err) < 0)
            goto fail;
        if (n == 0) {
            if (db_commit(ctx->db, err) < 0)
                goto out;
            break;
        }
        if (!loaded) {
            if (repo_catalog_load(ctx->db, NULL, 0, &all, err) < 0)
                goto fail;
            loaded = true;
        }
        for (size_t i = 0; i < n; i++)
            if (run_one(ctx, &all, ids[i], day, &cc, stats, err) < 0)
                goto fail;
        if (db_commit(ctx->db, err) < 0)
            goto out;
    }
    rc = 0;
    goto out;
fail:
    db_rollback(ctx->db);
out:
    free(ids);
    catalog_release(&all);
    return rc;
}
