/*
 * api/h_sub.c — the subscription reads: GET /v1/customers/{id}/subscriptions,
 * GET /v1/subscriptions/{id}, …/events, …/charges (docs/subscriptions.md), and the helpers
 * of h_sub.h. Thin like the party handlers: scope from the auth step, one svc/sub_read.h
 * call with the store held, the JSON it renders. The business clock's now is read once per
 * request (windows and refundable seats depend on it).
 */
#include <string.h>

#include "api/auth.h"
#include "api/h_sub.h"
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
    api_json_reply(resp, status, sub_row_to_json(&row, now, h_sub_show_prices(ctx->scope)));
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

void api_h_customer_subs_list(struct api_req *req, struct api_resp *resp)
{
    const char *limit = api_req_query(req, "limit"), *after = api_req_query(req, "after");
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
    l.items = json_array();
    l.now = api_now(req->ctx);
    l.prices = h_sub_show_prices(&s);
    l.err = &err;
    if (!l.items) {
        api_json_reply(resp, 500, NULL);
        return;
    }
    h_sub_ctx(req, api_db_acquire(req->ctx), &s, &ctx);
    rc = sub_list(&ctx, api_req_param(req, "id"), after, n, add_sub, &l, &more, &err);
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
