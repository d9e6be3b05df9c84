/*
 * svc/sub_read.c — the reads behind GET /v1/subscriptions… and `cspd subs list|show|events|
 * charges` (see sub_read.h): the scope check of store/repo_sub_scope.c, then the plain reads
 * of repo_sub.c and repo_charge.c, and the JSON every edge shows.
 *
 * What a partner needs from the document to act without guessing: the cancellation window
 * and every seat lot with its deadline (a decrease takes seats only from lots still open,
 * newest first — docs/lifecycle.md), `refundable_quantity` = the seats a decrease could
 * remove now, and the term-end decision with its scheduled changes.
 */
#include <stdio.h>
#include <string.h>

#include "store/repo_sub_scope.h"
#include "svc/sub_read.h"

static const struct scope *scope_of(const struct svc_ctx *ctx, struct scope *buf)
{
    if (ctx->scope)
        return ctx->scope;
    scope_init_installation(buf);
    return buf;
}

int sub_customer_visible(const struct svc_ctx *ctx, const char *customer_id, struct err *err)
{
    struct scope buf;

    return repo_sub_customer_in_scope(ctx->db, scope_of(ctx, &buf), customer_id, err);
}

int sub_get(const struct svc_ctx *ctx, const char *id, struct sub_row *out, struct err *err)
{
    struct scope buf;

    return repo_sub_get_scoped(ctx->db, scope_of(ctx, &buf), id, out, err);
}

int sub_list(const struct svc_ctx *ctx, const char *customer_id, const char *after, int limit,
             int (*fn)(void *arg, const struct sub_row *r), void *arg, bool *more,
             struct err *err)
{
    struct scope buf;
    const struct scope *s = scope_of(ctx, &buf);

    if (customer_id && repo_sub_customer_in_scope(ctx->db, s, customer_id, err) < 0)
        return -1;
    return repo_sub_list_scoped(ctx->db, s, customer_id, after, limit, fn, arg, more, err);
}

int sub_events(const struct svc_ctx *ctx, const char *id,
               int (*fn)(void *arg, int64_t seq, const struct lc_event *ev), void *arg,
               struct err *err)
{
    struct scope buf;

    if (repo_sub_in_scope(ctx->db, scope_of(ctx, &buf), id, err) < 0)
        return -1;
    return repo_sub_each_event(ctx->db, id, fn, arg, err);
}

int sub_charges(const struct svc_ctx *ctx, const char *id,
                int (*fn)(void *arg, const struct charge_row *r), void *arg, struct err *err)
{
    struct scope buf;

    if (repo_sub_in_scope(ctx->db, scope_of(ctx, &buf), id, err) < 0)
        return -1;
    return repo_charge_each(ctx->db, id, fn, arg, err);
}

/* ---- JSON ---- */

static json_t *jdate(struct date d)
{
    char buf[DATE_STRLEN];

    if (d.year == 0)
        return json_null();
    date_format(d, buf);
    return json_string(buf);
}

static json_t *jinstant(instant_t t)
{
    char buf[INSTANT_STRLEN];

    instant_format(t, buf);
    return json_string(buf);
}

static json_t *jdec(struct dec d)
{
    char buf[DEC_STRLEN];

    dec_format(d, buf);
    return json_string(buf);
}

static json_t *changes_json(const struct sub_changes *c)
{
    json_t *o = json_object();

    if (!o)
        return NULL;
    if (c->has_sku)
        json_object_set_new(o, "sku", json_string(c->sku));
    if (c->has_term)
        json_object_set_new(o, "term", json_string(term_name(c->term)));
    if (c->has_billing)
        json_object_set_new(o, "billing", json_string(billing_name(c->billing)));
    if (c->has_quantity)
        json_object_set_new(o, "quantity", json_integer(c->quantity));
    return o;
}

static json_t *decision_json(const struct sub *s)
{
    bool live = sub_is_live(s);

    return json_pack("{s:s?, s:o}", "action", live ? sub_decision_name(s->decision) : NULL,
                     "changes", live && s->has_changes ? changes_json(&s->changes)
                                                       : json_null());
}

static json_t *lots_json(const struct sub *s, instant_t now)
{
    json_t *a = json_array();

    for (int i = 0; a && i < s->lots.n; i++) {
        const struct lot *l = &s->lots.v[i];

        if (l->qty <= 0)
            continue;
        json_array_append_new(a, json_pack("{s:i, s:o, s:o, s:b}", "quantity", (int)l->qty,
                                           "added_at", jinstant(l->added_at), "deadline",
                                           jinstant(l->deadline), "open",
                                           window_is_open(l->deadline, now)));
    }
    return a;
}

json_t *sub_row_to_json(const struct sub_row *r, instant_t now, bool show_prices)
{
    const struct sub *s = &r->s;
    struct period cyc = {{0, 0, 0}, {0, 0, 0}};
    bool active = s->status == SUB_ACTIVE && !s->suspended;
    int32_t due = sub_next_due(s);
    json_t *o, *win;

    if (sub_is_live(s))
        cyc = sub_current_cycle(s);
    win = s->window_deadline
              ? json_pack("{s:o, s:b}", "deadline", jinstant(s->window_deadline), "open",
                          s->status == SUB_ACTIVE && window_is_open(s->window_deadline, now))
              : json_null();
    o = json_pack("{s:s, s:s, s:s, s:s?, s:s, s:s, s:i, s:s, s:s, s:s, s:o, s:o, s:o, s:b,"
                  " s:o, s:o, s:o, s:o, s:i, s:o, s:o, s:o, s:o}",
                  "id", r->id, "customer_id", r->customer_id, "partner_id", r->partner_id,
                  "name", r->name[0] ? r->name : NULL, "sku", s->sku,
                  "status", sub_status_label(s), "quantity", (int)s->quantity,
                  "term", term_name(s->term), "billing", billing_name(s->billing),
                  "currency", s->currency,
                  "term_start", jdate(s->term_start), "term_end", jdate(s->term_end),
                  "purchased", jdate(s->purchased), "auto_renew", sub_auto_renew(s),
                  "term_end_decision", decision_json(s),
                  "current_cycle", cyc.start.year
                      ? json_pack("{s:o, s:o}", "start", jdate(cyc.start), "end", jdate(cyc.end))
                      : json_null(),
                  "cancellation_window", win, "lots", lots_json(s, now),
                  "refundable_quantity", active ? (int)lots_reducible(&s->lots, now) : 0,
                  "next_due", due == INT32_MAX ? json_null() : jdate(date_from_days(due)),
                  "created_at", jinstant(r->created_at), "updated_at", jinstant(s->updated_at),
                  "version", json_integer(s->seq));
    if (o && show_prices)
        json_object_set_new(o, "unit_price", jdec(s->unit_price));
    return o;
}

json_t *sub_event_to_json(int64_t seq, const struct lc_event *ev)
{
    json_t *data = lc_event_to_json(ev);

    return json_pack("{s:I, s:s, s:o, s:o}", "seq", (json_int_t)seq, "kind",
                     lc_event_kind_name(ev->kind), "at", jinstant(ev->at), "data",
                     data ? data : json_null());
}

json_t *sub_charge_to_json(const struct charge_row *r)
{
    const struct charge_line *l = &r->line;
    json_t *o = json_pack("{s:s, s:s, s:I, s:s?, s:s, s:s, s:o, s:o, s:i, s:o, s:o, s:o,"
                          " s:s, s:s, s:o, s:b, s:o}",
                          "id", r->id, "subscription_id", r->subscription_id,
                          "event_seq", (json_int_t)r->event_seq,
                          "reference_id", r->reference_id[0] ? r->reference_id : NULL,
                          "charge_type", charge_type_name(l->type), "sku", l->sku,
                          "start", jdate(l->start), "end", jdate(l->end),
                          "quantity", (int)l->quantity, "unit_price", jdec(l->unit_price),
                          "effective_unit_price", jdec(l->effective_unit_price),
                          "subtotal", jdec(l->subtotal), "currency", l->currency,
                          "billing_currency", l->billing_currency,
                          "billing_subtotal",
                          l->has_billing_subtotal ? jdec(l->billing_subtotal) : json_null(),
                          "est", l->est, "created_at", jinstant(r->created_at));

    if (o && !dec_is_zero(l->fx_rate))
        json_object_set_new(o, "exchange_rate", jdec(l->fx_rate));
    return o;
}
