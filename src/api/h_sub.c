/*
 * api/h_sub.c — the subscription reads: GET /v1/customers/{id}/subscriptions,
 * GET /v1/subscriptions/{id}, …/events, …/charges (docs/subscriptions.md), and the helpers
 * of h_sub.h. Thin like the party handlers: scope from the auth step, one svc/sub_read.h
 * call with the store held, the JSON it renders. The business clock's now is read once per
 * request (windows and refundable seats depend on it).
 */
#include <stdint.h>
#include <string.h>

#include "api/auth.h"
#include "api/h_sub.h"
#include "api/jw.h"
#include "api/router.h"
#include "svc/sub_read.h"

void h_sub_ctx(const struct api_req *req, struct db *db, const struct scope *s,
               struct svc_ctx *out)
{
    memset(out, 0, sizeof(*out));
    out->db = db;
    out->actor = s->user_id[0] ? s->user_id : NULL;
    out->request_id = req->request_id;
    out->scope = s;
}

void h_sub_err_reply(struct api_resp *resp, const struct err *err)
{
    struct err e = *err;

    if (e.code == ERR_REFUSED &&
        (strcmp(e.reason, "invalid_quantity") == 0 || strcmp(e.reason, "invalid_plan") == 0))
        e.code = ERR_INVALID; /* 422, the reason code stays */
    api_err_reply(resp, &e);
}

bool h_sub_show_prices(const struct scope *s)
{
    return s->kind != SCOPE_CUSTOMER;
}

void h_sub_doc_reply(struct api_resp *resp, const struct svc_ctx *ctx, const char *id,
                     instant_t now, int status)
{
    struct sub_row row;
    struct err err;

    err_clear(&err);
    if (sub_get(ctx, id, &row, &err) < 0) {
        h_sub_err_reply(resp, &err);
        return;
    }
    {
        struct jw w;

        jw_init(&w, 2048);
        h_sub_write_row(&w, &row, now, h_sub_show_prices(ctx->scope));
        if (jw_reply(&w, resp, status) == 0)
            return;
    }
    /* the writer failed (out of memory, text that is not UTF-8): the tree says what to do */
    api_json_reply(resp, status, sub_row_to_json(&row, now, h_sub_show_prices(ctx->scope)));
}

/* ---- the subscription document, written straight to the reply (api/jw.h) ---- */

/* A string json_pack's "s" requires: NULL fails the writer, as it fails json_pack. */
static void w_str(struct jw *w, const char *s)
{
    if (s)
        jw_string(w, s);
    else
        w->failed = true;
}

static void w_date(struct jw *w, struct date d)
{
    char buf[DATE_STRLEN];

    if (d.year == 0) {
        jw_null(w);
        return;
    }
    date_format(d, buf);
    jw_formatted(w, buf, DATE_STRLEN - 1);
}

/*
 * The "YYYY-MM-DD" of the days instants fell on, remembered per thread (64 slots by day
 * number): a list's instants fall on few days, and turning a day number into a date
 * (core/date.c) costs several 64-bit divisions — a third of the rendering's CPU. A day is
 * remembered only when instant_format's text is its date plus the time computed here, so a
 * day outside instant_format's range (written as zeros) is never cached.
 */
struct day_slot {
    int64_t day;
    bool set;
    char date[DATE_STRLEN];
};
static _Thread_local struct day_slot day_cache[64];

/* "HH:MM:SSZ" of second-of-day sod (0..86399) at out. */
static void time_text(int sod, char *out)
{
    int h = sod / 3600, m = sod / 60 % 60, sec = sod % 60;

    out[0] = (char)('0' + h / 10);
    out[1] = (char)('0' + h % 10);
    out[2] = ':';
    out[3] = (char)('0' + m / 10);
    out[4] = (char)('0' + m % 10);
    out[5] = ':';
    out[6] = (char)('0' + sec / 10);
    out[7] = (char)('0' + sec % 10);
    out[8] = 'Z';
}

static void w_instant(struct jw *w, instant_t t)
{
    const int64_t far = INT64_C(1) << 50; /* beyond any date; keeps day * 86400 in range */
    char buf[INSTANT_STRLEN], tail[9];
    int64_t day;
    int sod;
    struct day_slot *slot;

    if (t <= -far || t >= far) {
        instant_format(t, buf);
        jw_formatted(w, buf, INSTANT_STRLEN - 1);
        return;
    }
    day = t / 86400 - (t % 86400 < 0);
    sod = (int)(t - day * 86400);
    slot = &day_cache[(uint64_t)day & 63];
    if (slot->set && slot->day == day) {
        memcpy(buf, slot->date, DATE_STRLEN - 1);
        buf[DATE_STRLEN - 1] = 'T';
        time_text(sod, buf + DATE_STRLEN);
    } else {
        instant_format(t, buf);
        time_text(sod, tail);
        /* month "00" is instant_format's out-of-range text: never remembered */
        if (buf[DATE_STRLEN - 1] == 'T' && memcmp(buf + 5, "00", 2) != 0 &&
            memcmp(buf + DATE_STRLEN, tail, sizeof(tail)) == 0) {
            memcpy(slot->date, buf, DATE_STRLEN - 1);
            slot->date[DATE_STRLEN - 1] = '\0';
            slot->day = day;
            slot->set = true;
        }
    }
    jw_formatted(w, buf, INSTANT_STRLEN - 1);
}

static void w_decision(struct jw *w, const struct sub *s)
{
    bool live = sub_is_live(s);
    const struct sub_changes *c = &s->changes;

    jw_open_object(w);
    JW_KEY(w, "action");
    jw_string_or_null(w, live ? sub_decision_name(s->decision) : NULL);
    JW_KEY(w, "changes");
    if (!(live && s->has_changes)) {
        jw_null(w);
    } else {
        jw_open_object(w);
        if (c->has_sku) {
            JW_KEY(w, "sku");
            w_str(w, c->sku);
        }
        if (c->has_term) {
            JW_KEY(w, "term");
            w_str(w, term_name(c->term));
        }
        if (c->has_billing) {
            JW_KEY(w, "billing");
            w_str(w, billing_name(c->billing));
        }
        if (c->has_quantity) {
            JW_KEY(w, "quantity");
            jw_int(w, c->quantity);
        }
        jw_close_object(w);
    }
    jw_close_object(w);
}

void h_sub_write_row(struct jw *w, const struct sub_row *r, instant_t now, bool show_prices)
{
    const struct sub *s = &r->s;
    struct period cyc = {{0, 0, 0}, {0, 0, 0}};
    bool active = s->status == SUB_ACTIVE && !s->suspended;
    int32_t due = sub_next_due(s);

    if (sub_is_live(s))
        cyc = sub_current_cycle(s);
    jw_open_object(w);
    JW_KEY(w, "id");
    w_str(w, r->id);
    JW_KEY(w, "customer_id");
    w_str(w, r->customer_id);
    JW_KEY(w, "partner_id");
    w_str(w, r->partner_id);
    JW_KEY(w, "name");
    jw_string_or_null(w, r->name[0] ? r->name : NULL);
    JW_KEY(w, "sku");
    w_str(w, s->sku);
    JW_KEY(w, "status");
    w_str(w, sub_status_label(s));
    JW_KEY(w, "quantity");
    jw_int(w, (int)s->quantity);
    JW_KEY(w, "term");
    w_str(w, term_name(s->term));
    JW_KEY(w, "billing");
    w_str(w, billing_name(s->billing));
    JW_KEY(w, "currency");
    w_str(w, s->currency);
    JW_KEY(w, "term_start");
    w_date(w, s->term_start);
    JW_KEY(w, "term_end");
    w_date(w, s->term_end);
    JW_KEY(w, "purchased");
    w_date(w, s->purchased);
    JW_KEY(w, "auto_renew");
    jw_bool(w, sub_auto_renew(s));
    JW_KEY(w, "term_end_decision");
    w_decision(w, s);
    JW_KEY(w, "current_cycle");
    if (cyc.start.year) {
        jw_open_object(w);
        JW_KEY(w, "start");
        w_date(w, cyc.start);
        JW_KEY(w, "end");
        w_date(w, cyc.end);
        jw_close_object(w);
    } else {
        jw_null(w);
    }
    JW_KEY(w, "cancellation_window");
    if (s->window_deadline) {
        jw_open_object(w);
        JW_KEY(w, "deadline");
        w_instant(w, s->window_deadline);
        JW_KEY(w, "open");
        jw_bool(w, s->status == SUB_ACTIVE && window_is_open(s->window_deadline, now));
        jw_close_object(w);
    } else {
        jw_null(w);
    }
    JW_KEY(w, "lots");
    jw_open_array(w);
    for (int i = 0; i < s->lots.n; i++) {
        const struct lot *l = &s->lots.v[i];

        if (l->qty <= 0)
            continue;
        jw_open_object(w);
        JW_KEY(w, "quantity");
        jw_int(w, (int)l->qty);
        JW_KEY(w, "added_at");
        w_instant(w, l->added_at);
        JW_KEY(w, "deadline");
        w_instant(w, l->deadline);
        JW_KEY(w, "open");
        jw_bool(w, window_is_open(l->deadline, now));
        jw_close_object(w);
    }
    jw_close_array(w);
    JW_KEY(w, "refundable_quantity");
    jw_int(w, active ? (int)lots_reducible(&s->lots, now) : 0);
    JW_KEY(w, "next_due");
    if (due == INT32_MAX)
        jw_null(w);
    else
        w_date(w, date_from_days(due));
    JW_KEY(w, "created_at");
    w_instant(w, r->created_at);
    JW_KEY(w, "updated_at");
    w_instant(w, s->updated_at);
    JW_KEY(w, "version");
    jw_int(w, s->seq);
    if (show_prices) {
        char buf[DEC_STRLEN];

        JW_KEY(w, "unit_price");
        jw_formatted(w, buf, dec_format(s->unit_price, buf));
    }
    jw_close_object(w);
}

/* 1..max from decimal digits only (STYLE.md 9); -1 otherwise. */
static int parse_limit(const char *s, int max)
{
    int v = 0;

    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        v = v * 10 + (*s - '0');
        if (v > max)
            return -1;
    }
    return v >= 1 ? v : -1;
}

struct list_ctx {
    json_t *items;
    struct jw w;
    instant_t now;
    bool prices;
    struct err *err;
};

static int add_sub(void *arg, const struct sub_row *r)
{
    struct list_ctx *l = arg;

    if (json_array_append_new(l->items, sub_row_to_json(r, l->now, l->prices)) < 0)
        return err_set(l->err, ERR_NOMEM, "", "out of memory");
    return 0;
}

static int write_sub(void *arg, const struct sub_row *r)
{
    struct list_ctx *l = arg;

    h_sub_write_row(&l->w, r, l->now, l->prices);
    return 0; /* a failed writer is seen once the walk is over */
}

/*
 * The list: {"subscriptions": [...], "more": b}. Written straight into the reply (no json_t
 * per subscription: that tree and its allocations were half a GET's CPU, bench/RESULTS.md);
 * should the writer fail, the walk is run again through the jansson tree, whose reply then
 * decides (a 500 out-of-memory body, as before).
 */
void api_h_customer_subs_list(struct api_req *req, struct api_resp *resp)
{
    const char *limit = api_req_query(req, "limit"), *after = api_req_query(req, "after");
    const char *customer = api_req_param(req, "id");
    struct list_ctx l;
    struct svc_ctx ctx;
    struct scope s;
    struct err err;
    bool more = false;
    int n = 0, rc;

    if (api_scope_or_reply(req, resp, &s) != 0)
        return;
    if (limit && (n = parse_limit(limit, 1000)) < 0) {
        api_error_reply(resp, ERR_INVALID, "limit", "limit must be 1 to 1000");
        return;
    }
    err_clear(&err);
    l.items = NULL;
    l.now = api_now(req->ctx);
    l.prices = h_sub_show_prices(&s);
    l.err = &err;
    jw_init(&l.w, 16384);
    jw_open_object(&l.w);
    jw_key(&l.w, "subscriptions");
    jw_open_array(&l.w);
    h_sub_ctx(req, api_db_acquire(req->ctx), &s, &ctx);
    rc = sub_list(&ctx, customer, after, n, write_sub, &l, &more, &err);
    if (rc == 0 && !l.w.failed) {
        api_db_release(req->ctx);
        jw_close_array(&l.w);
        jw_key(&l.w, "more");
        jw_bool(&l.w, more);
        jw_close_object(&l.w);
        if (jw_reply(&l.w, resp, 200) == 0)
            return;
        api_json_reply(resp, 500, NULL);
        return;
    }
    jw_free(&l.w);
    if (rc == 0) {
        err_clear(&err);
        more = false;
        l.items = json_array();
        rc = l.items ? sub_list(&ctx, customer, after, n, add_sub, &l, &more, &err)
                     : err_set(&err, ERR_NOMEM, "", "out of memory");
    }
    api_db_release(req->ctx);
    if (rc < 0) {
        json_decref(l.items);
        h_sub_err_reply(resp, &err);
        return;
    }
    api_json_reply(resp, 200, json_pack("{s:o, s:b}", "subscriptions", l.items, "more", more));
}

void api_h_sub_get(struct api_req *req, struct api_resp *resp)
{
    instant_t now = api_now(req->ctx);
    struct svc_ctx ctx;
    struct scope s;

    if (api_scope_or_reply(req, resp, &s) != 0)
        return;
    h_sub_ctx(req, api_db_acquire(req->ctx), &s, &ctx);
    h_sub_doc_reply(resp, &ctx, api_req_param(req, "id"), now, 200);
    api_db_release(req->ctx);
}

struct walk {
    json_t *items;
    struct err *err;
};

static int add_event(void *arg, int64_t seq, const struct lc_event *ev)
{
    struct walk *w = arg;

    if (json_array_append_new(w->items, sub_event_to_json(seq, ev)) < 0)
        return err_set(w->err, ERR_NOMEM, "", "out of memory");
    return 0;
}

static int add_charge(void *arg, const struct charge_row *r)
{
    struct walk *w = arg;

    if (json_array_append_new(w->items, sub_charge_to_json(r)) < 0)
        return err_set(w->err, ERR_NOMEM, "", "out of memory");
    return 0;
}

/* GET …/events and …/charges: {"subscription_id": id, `name`: [...]}. */
static void walk_reply(struct api_req *req, struct api_resp *resp, bool charges)
{
    const char *id = api_req_param(req, "id");
    struct walk w;
    struct svc_ctx ctx;
    struct scope s;
    struct err err;
    int rc;

    if (api_scope_or_reply(req, resp, &s) != 0)
        return;
    err_clear(&err);
    w.items = json_array();
    w.err = &err;
    if (!w.items) {
        api_json_reply(resp, 500, NULL);
        return;
    }
    h_sub_ctx(req, api_db_acquire(req->ctx), &s, &ctx);
    rc = charges ? sub_charges(&ctx, id, add_charge, &w, &err)
                 : sub_events(&ctx, id, add_event, &w, &err);
    api_db_release(req->ctx);
    if (rc < 0) {
        json_decref(w.items);
        h_sub_err_reply(resp, &err);
        return;
    }
    api_json_reply(resp, 200, json_pack("{s:s, s:o}", "subscription_id", id,
                                        charges ? "charges" : "events", w.items));
}

void api_h_sub_events(struct api_req *req, struct api_resp *resp)
{
    walk_reply(req, resp, false);
}

void api_h_sub_charges(struct api_req *req, struct api_resp *resp)
{
    walk_reply(req, resp, true);
}
