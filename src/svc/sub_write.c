/*
 * svc/sub_write.c — the one path from a domain event to the store (see sub_internal.h).
 *
 * For every event: fold it into the state (sub_apply), compute its charge lines from the state
 * before and after (charges_for_event, the pure billing rule), append the event and insert the
 * lines. The row itself is written once per use case (sub_store), with the version it was
 * loaded at, so two writers cannot both apply events on the same state. Shared by the
 * commands and the daily cycle, so a renewal writes exactly the same rows whichever of them
 * reached it first. The audit rows of the use cases go through audit_write (svc/audit.h),
 * filed under the subscription's customer, in the same transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/log.h"
#include "domain/program/program.h"
#include "store/repo_charge.h"
#include "store/repo_stmt.h"
#include "svc/audit.h"
#include "svc/sub_internal.h"

/* program.md §2: no purchase, seat change or upgrade without a valid MCA. */
bool svc_customer_mca_ok(const struct sub_customer *c, instant_t now)
{
    struct customer pc;

    memset(&pc, 0, sizeof(pc));
    if (strcmp(c->mca_status, "accepted") == 0)
        pc.mca.status = MCA_ACCEPTED;
    else if (strcmp(c->mca_status, "attested") == 0)
        pc.mca.status = MCA_ATTESTED;
    else
        return false;
    if (c->mca_has_date)
        pc.mca.accepted_on = instant_date(c->mca_accepted_at);
    if (strcmp(c->partner_kind, "distributor") == 0)
        pc.mca.attested_by = PARTNER_DISTRIBUTOR;
    else if (strcmp(c->partner_kind, "reseller") == 0)
        pc.mca.attested_by = PARTNER_INDIRECT_RESELLER;
    else
        pc.mca.attested_by = PARTNER_DIRECT_BILL;
    return program_mca_valid(&pc, now);
}

void sub_session_bind(struct sub_session *ss, instant_t now)
{
    ss->env.cat = &ss->cat;
    ss->env.billing_currency = ss->cust.billing_currency;
    ss->env.mca_accepted = svc_customer_mca_ok(&ss->cust, now);
    ss->benv.cat = &ss->cat;
    ss->benv.billing_currency = ss->cust.billing_currency;
}

void sub_session_release(struct sub_session *ss)
{
    if (!ss->view)
        catalog_release(&ss->cat);
}

static void count(struct day_stats *st, const struct lc_event *ev, int nlines)
{
    if (!st)
        return;
    st->events++;
    st->charges += (size_t)nlines;
    switch (ev->kind) {
    case EV_RENEWED: st->renewed++; break;
    case EV_CYCLE_CHARGED: st->cycles++; break;
    case EV_MOVED_TO_EST:
    case EV_EST_RENEWED: st->est_months++; break;
    case EV_EXPIRED: st->expired++; break;
    default: break;
    }
}

int sub_write_event(struct sub_session *ss, struct sub_work *w, const struct lc_event *ev,
                    const char *reference, struct err *err)
{
    struct db *db = ss->ctx->db;
    struct sub before = w->row.s;
    struct charge_line lines[CHARGES_PER_EVENT_MAX];
    int n = 0;

    sub_apply(&w->row.s, ev);
    if (charges_for_event(&ss->benv, &before, ev, &w->row.s, lines, &n, err) < 0)
        return -1;
    if (w->stored_seq == 0) {
        if (repo_sub_insert(db, ss->stmts, &w->row, err) < 0)
            return -1;
        sub_work_loaded(w);
    }
    if (repo_sub_append_event(db, ss->stmts, w->row.id, w->row.s.seq, ev, err) < 0)
        return -1;
    for (int i = 0; i < n; i++) {
        struct charge_row cr;

        memset(&cr, 0, sizeof(cr));
        snprintf(cr.subscription_id, sizeof(cr.subscription_id), "%s", w->row.id);
        cr.event_seq = w->row.s.seq;
        if (reference && reference[0])
            snprintf(cr.reference_id, sizeof(cr.reference_id), "%s", reference);
        else if (n > 1)
            snprintf(cr.reference_id, sizeof(cr.reference_id), "%s:%lld", w->row.id,
                     (long long)w->row.s.seq);
        cr.created_at = ev->at;
        cr.line = lines[i];
        if (repo_charge_insert(db, ss->stmts, &cr, err) < 0)
            return -1;
    }
    count(ss->stats, ev, n);
    /* Part A 15 "dead ends": no price at renewal or for EST; the partner must hear of it */
    if (ev->kind == EV_EXPIRED && ev->reason == EXPIRY_NO_PRICE)
        log_kv(LOG_WARN, "subscription expired: no price at its term end", "sub", w->row.id,
               "sku", before.sku, NULL);
    return 0;
}

/* nce-rules Part A 15 (order of events): the cycle runs before any step at that instant */
int sub_catch_up(struct sub_session *ss, struct sub_work *w, struct date day, struct err *err)
{
    struct lc_event ev;

    while (lc_day_step(&ss->env, &w->row.s, day, &ev) == 1)
        if (sub_write_event(ss, w, &ev, NULL, err) < 0)
            return -1;
    return 0;
}

void sub_work_loaded(struct sub_work *w)
{
    w->stored_seq = w->row.s.seq;
    w->loaded = w->row.s;
}

/* The columns of `subscriptions` beside the snapshot are the same for a and b. */
static bool same_columns(const struct sub *a, const struct sub *b)
{
    return strcmp(a->sku, b->sku) == 0 && a->term == b->term && a->billing == b->billing &&
           strcmp(sub_status_label(a), sub_status_label(b)) == 0 &&
           a->quantity == b->quantity && sub_auto_renew(a) == sub_auto_renew(b) &&
           date_cmp(a->term_start, b->term_start) == 0 &&
           date_cmp(a->term_end, b->term_end) == 0;
}

int sub_store(struct sub_session *ss, struct sub_work *w, struct err *err)
{
    int rc;

    if (w->row.s.seq == w->stored_seq)
        return 0;
    /* a cycle charge changes only the snapshot: leave the other indexes alone */
    if (w->loaded.seq == w->stored_seq && w->stored_seq && same_columns(&w->loaded, &w->row.s))
        rc = repo_sub_update_state(ss->ctx->db, ss->stmts, &w->row, w->stored_seq, err);
    else
        rc = repo_sub_update(ss->ctx->db, ss->stmts, &w->row, w->stored_seq, err);
    if (rc < 0)
        return -1;
    sub_work_loaded(w);
    return 0;
}

/* The scope an audit row is written with: the caller's, or the installation acting as
 * ctx->actor ("system:day", "system:demo"). */
static const struct scope *audit_scope(const struct svc_ctx *ctx, struct scope *buf)
{
    if (ctx->scope)
        return ctx->scope;
    scope_init_installation(buf);
    if (ctx->actor && strlen(ctx->actor) < sizeof(buf->user_id))
        snprintf(buf->user_id, sizeof(buf->user_id), "%s", ctx->actor);
    if (ctx->request_id && strlen(ctx->request_id) < sizeof(buf->request_id))
        snprintf(buf->request_id, sizeof(buf->request_id), "%s", ctx->request_id);
    return buf;
}

int svc_audit_note(const struct svc_ctx *ctx, instant_t at, const char *action,
                   const char *object_type, const char *object_id, const char *after_json,
                   struct err *err)
{
    struct scope buf;
    /* an empty tenant: installation-wide, whoever the caller is */
    struct audit_entry e = {.action = action, .object_type = object_type,
                            .object_id = object_id, .after_json = after_json,
                            .partner_id = "", .customer_id = "", .at = at};

    return audit_write(ctx->db, audit_scope(ctx, &buf), &e, err);
}

int svc_audit(const struct svc_ctx *ctx, instant_t at, const char *action,
              const char *object_id, const char *customer_id, const struct sub *before,
              const struct sub *after, struct err *err)
{
    struct scope buf;
    json_t *jb = before ? sub_state_to_json(before) : NULL;
    json_t *ja = after ? sub_state_to_json(after) : NULL;
    char *tb = jb ? json_dumps(jb, JSON_COMPACT) : NULL;
    char *ta = ja ? json_dumps(ja, JSON_COMPACT) : NULL;
    struct audit_entry e = {.action = action, .object_type = "subscription",
                            .object_id = object_id, .before_json = tb, .after_json = ta,
                            .partner_id = "", .customer_id = customer_id, .at = at};
    int rc = -1;

    json_decref(jb);
    json_decref(ja);
    if ((before && !tb) || (after && !ta)) {
        err_set(err, ERR_NOMEM, "", "out of memory writing the audit log");
        goto out;
    }
    rc = audit_write(ctx->db, audit_scope(ctx, &buf), &e, err);
out:
    free(tb);
    free(ta);
    return rc;
}
