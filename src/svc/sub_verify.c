/*
 * svc/sub_verify.c — recomputing a subscription from its events (see sub_svc.h, sub_verify).
 *
 * The event-sourcing promise made checkable (DESIGN.md): the stored state must be the fold of
 * the stored events, and the stored charge lines exactly the lines the billing rule gives for
 * each event. Used by the scenario runner after every file (a self-check of the engine) and
 * meant for a `cspd charges verify` operator command. Read-only; O(events + lines) of one
 * subscription.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/repo_catalog.h"
#include "store/repo_charge.h"
#include "svc/sub_internal.h"

struct stored_lines {
    struct charge_row *v;
    char *used;
    size_t n, cap;
};

static int keep_line(void *ctx, const struct charge_row *r)
{
    struct stored_lines *s = ctx;

    if (s->n == s->cap) {
        size_t ncap = s->cap ? s->cap * 2 : 32;
        struct charge_row *p = realloc(s->v, ncap * sizeof(*p));
        char *u;

        if (!p)
            return -1;
        s->v = p;
        u = realloc(s->used, ncap);
        if (!u)
            return -1;
        s->used = u;
        s->cap = ncap;
    }
    s->used[s->n] = 0;
    s->v[s->n++] = *r;
    return 0;
}

struct replay {
    const struct billing_env *benv;
    struct stored_lines *stored;
    struct sub s;
    struct sub_verify *out;
};

/* Equal in everything Microsoft bills in the pricing currency. */
static bool same_line(const struct charge_line *a, const struct charge_line *b)
{
    return a->type == b->type && strcmp(a->sku, b->sku) == 0 &&
           date_cmp(a->start, b->start) == 0 && date_cmp(a->end, b->end) == 0 &&
           a->quantity == b->quantity && dec_cmp(a->unit_price, b->unit_price) == 0 &&
           dec_cmp(a->effective_unit_price, b->effective_unit_price) == 0 &&
           dec_cmp(a->subtotal, b->subtotal) == 0 && strcmp(a->currency, b->currency) == 0 &&
           a->est == b->est;
}

/* The billing-currency amount agrees too. */
static bool same_fx(const struct charge_line *a, const struct charge_line *b)
{
    return a->has_billing_subtotal == b->has_billing_subtotal &&
           (!a->has_billing_subtotal || dec_cmp(a->billing_subtotal, b->billing_subtotal) == 0);
}

static void diff(struct sub_verify *out, const char *fmt, long long seq, const char *what)
{
    if (out->diffs++ == 0)
        snprintf(out->first, sizeof(out->first), fmt, seq, what);
}

/* "subtotal: stored -94.07, recomputed -94.08" for the first field that differs. */
static void describe(const struct charge_line *re, const struct charge_line *st, char *buf,
                     size_t cap)
{
    char a[DEC_STRLEN], b[DEC_STRLEN];
    const char *f = NULL;

    if (re->type != st->type) {
        snprintf(buf, cap, "%s line stored as %s", charge_type_name(re->type),
                 charge_type_name(st->type));
        return;
    }
    if (dec_cmp(re->subtotal, st->subtotal) != 0) {
        f = "subtotal";
        dec_format(st->subtotal, a);
        dec_format(re->subtotal, b);
    } else if (dec_cmp(re->effective_unit_price, st->effective_unit_price) != 0) {
        f = "effective_unit_price";
        dec_format(st->effective_unit_price, a);
        dec_format(re->effective_unit_price, b);
    } else if (re->has_billing_subtotal != st->has_billing_subtotal ||
               dec_cmp(re->billing_subtotal, st->billing_subtotal) != 0) {
        f = "billing_subtotal";
        snprintf(a, sizeof(a), "%s", st->has_billing_subtotal ? "" : "none");
        if (st->has_billing_subtotal)
            dec_format(st->billing_subtotal, a);
        snprintf(b, sizeof(b), "%s", re->has_billing_subtotal ? "" : "none");
        if (re->has_billing_subtotal)
            dec_format(re->billing_subtotal, b);
    }
    if (f)
        snprintf(buf, cap, "%s %s: stored %s, recomputed %s", charge_type_name(re->type), f, a,
                 b);
    else
        snprintf(buf, cap, "%s line differs in its dates, quantity, price, SKU or flags",
                 charge_type_name(re->type));
}

static int replay_one(void *vctx, int64_t seq, const struct lc_event *ev)
{
    struct replay *r = vctx;
    struct sub before = r->s;
    struct charge_line lines[CHARGES_PER_EVENT_MAX];
    struct err e;
    int n = 0;

    r->out->events++;
    sub_apply(&r->s, ev);
    if (r->s.seq != seq)
        diff(r->out, "event %lld: %s", (long long)seq, "sequence numbers are not 1, 2, ...");
    if (charges_for_event(r->benv, &before, ev, &r->s, lines, &n, &e) < 0)
        return -1;
    for (int i = 0; i < n; i++) {
        bool found = false;
        long any = -1;

        r->out->lines++;
        /* an unused stored line of this event equal to the recomputed one */
        for (size_t k = 0; k < r->stored->n && !found; k++) {
            if (r->stored->v[k].event_seq != seq || r->stored->used[k])
                continue;
            if (any < 0)
                any = (long)k;
            if (same_line(&lines[i], &r->stored->v[k].line)) {
                r->stored->used[k] = 1;
                found = true;
                /* a rate stored after the line was billed, effective before it */
                if (!same_fx(&lines[i], &r->stored->v[k].line))
                    r->out->fx_changed++;
            }
        }
        if (!found && any >= 0) {
            char what[200];

            describe(&lines[i], &r->stored->v[any].line, what, sizeof(what));
            diff(r->out, "event %lld: %s", (long long)seq, what);
        } else if (!found) {
            diff(r->out, "event %lld: %s", (long long)seq, "a line is missing from the store");
        }
    }
    return 0;
}

int sub_verify(const struct svc_ctx *ctx, const char *sub_id, struct sub_verify *out,
               struct err *err)
{
    struct sub_row row;
    struct sub_customer cust;
    struct catalog cat;
    struct billing_env benv;
    struct stored_lines stored = {0};
    struct replay r;
    int rc = -1;

    memset(out, 0, sizeof(*out));
    catalog_init(&cat, "");
    if (repo_sub_get(ctx->db, NULL, sub_id, &row, err) < 0 ||
        repo_sub_customer(ctx->db, NULL, row.customer_id, &cust, err) < 0 ||
        repo_catalog_load(ctx->db, (const char *const[]){""}, 1, &cat, err) < 0)
        goto done;
    benv.cat = &cat;
    benv.billing_currency = cust.billing_currency;
    if (repo_charge_each(ctx->db, sub_id, keep_line, &stored, err) < 0)
        goto done;
    memset(&r, 0, sizeof(r));
    r.benv = &benv;
    r.stored = &stored;
    r.out = out;
    sub_init(&r.s);
    if (repo_sub_each_event(ctx->db, sub_id, replay_one, &r, err) < 0)
        goto done;
    if (out->lines != stored.n)
        diff(out, "%lld events: %s", (long long)out->events,
             "the store holds more lines than the events bill");
    if (r.s.seq != row.s.seq || r.s.status != row.s.status || r.s.quantity != row.s.quantity ||
        r.s.suspended != row.s.suspended || strcmp(r.s.sku, row.s.sku) != 0 ||
        date_cmp(r.s.term_start, row.s.term_start) != 0 ||
        date_cmp(r.s.term_end, row.s.term_end) != 0 || r.s.cycle != row.s.cycle ||
        dec_cmp(r.s.unit_price, row.s.unit_price) != 0 ||
        r.s.window_deadline != row.s.window_deadline || r.s.decision != row.s.decision ||
        r.s.has_changes != row.s.has_changes || r.s.lots.n != row.s.lots.n)
        diff(out, "%lld events: %s", (long long)out->events,
             "the stored state is not the fold of the events");
    rc = 0;
done:
    free(stored.v);
    free(stored.used);
    catalog_release(&cat);
    return rc;
}
