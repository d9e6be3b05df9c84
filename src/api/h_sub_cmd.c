/*
 * api/h_sub_cmd.c — the subscription commands: POST /v1/customers/{id}/orders, PATCH
 * /v1/subscriptions/{id} (quantity, auto_renew), POST …/upgrade|cancel|suspend|reactivate,
 * PUT …/term-end (docs/subscriptions.md). Each runs one use case of svc/sub_svc.h at the
 * business clock's now and answers with the subscription's document.
 *
 * Order of answers, the same for every handler: the object first (out of scope or unknown:
 * 404, so ids do not leak even to a malformed body), then the body's shape (422 naming the
 * field: unknown key, wrong type, out of range — bounded parsers, no strtol), then the rules
 * (409 with the reason code, or 422 for invalid_quantity / invalid_plan). Idempotency-Key is
 * the pipeline's (api/auth.h): a retry gets the first answer without running the handler.
 */
#include <string.h>

#include "api/auth.h"
#include "api/h_sub.h"
#include "api/router.h"
#include "svc/catalog_data.h"
#include "svc/sub_read.h"

/* ---- bounded field readers: 0 absent, 1 present, -1 bad (err names the field) ---- */

static int get_int(const json_t *o, const char *key, int32_t *out, struct err *err)
{
    const json_t *v = json_object_get(o, key);
    json_int_t x;

    if (!v)
        return 0;
    if (!json_is_integer(v))
        return err_set(err, ERR_INVALID, key, "%s must be a whole number", key);
    x = json_integer_value(v);
    if (x < INT32_MIN || x > INT32_MAX)
        return err_set(err, ERR_INVALID, key, "%s is out of range", key);
    *out = (int32_t)x;
    return 1;
}

static int get_bool(const json_t *o, const char *key, bool *out, struct err *err)
{
    const json_t *v = json_object_get(o, key);

    if (!v)
        return 0;
    if (!json_is_boolean(v))
        return err_set(err, ERR_INVALID, key, "%s must be true or false", key);
    *out = json_is_true(v);
    return 1;
}

static int get_text(const json_t *o, const char *key, char *buf, size_t size, struct err *err)
{
    const json_t *v = json_object_get(o, key);
    const char *s;

    if (!v)
        return 0;
    s = json_string_value(v);
    if (!s || !s[0] || strlen(s) >= size)
        return err_set(err, ERR_INVALID, key, "%s must be a text of 1 to %zu characters", key,
                       size - 1);
    for (const char *c = s; *c; c++)
        if ((unsigned char)*c < 0x20)
            return err_set(err, ERR_INVALID, key, "%s holds a control character", key);
    memcpy(buf, s, strlen(s) + 1);
    return 1;
}

static int get_sku(const json_t *o, const char *key, char out[SKU_MAX], struct err *err)
{
    char raw[SKU_MAX * 2];
    int has = get_text(o, key, raw, sizeof(raw), err);

    if (has <= 0)
        return has;
    return catalog_sku_parse(raw, key, out, err) < 0 ? -1 : 1;
}

static int get_term(const json_t *o, const char *key, enum term *out, struct err *err)
{
    char raw[8];
    int has = get_text(o, key, raw, sizeof(raw), err);

    if (has > 0 && term_from_name(raw, out) < 0)
        return err_set(err, ERR_INVALID, key, "%s must be P1M, P1Y or P3Y", key);
    return has;
}

static int get_billing(const json_t *o, const char *key, enum billing *out, struct err *err)
{
    char raw[16];
    int has = get_text(o, key, raw, sizeof(raw), err);

    if (has > 0 && billing_from_name(raw, out) < 0)
        return err_set(err, ERR_INVALID, key, "%s must be monthly, annual or triennial", key);
    return has;
}

/* 422 naming the first key of `o` not in `allowed` (NULL-terminated). */
static int known(const json_t *o, const char *const *allowed, struct err *err)
{
    const char *key;
    json_t *v;

    json_object_foreach((json_t *)o, key, v) {
        const char *const *a = allowed;

        while (*a && strcmp(*a, key) != 0)
            a++;
        if (!*a)
            return err_set(err, ERR_INVALID, key, "unknown field '%.64s'", key);
    }
    return 0;
}

static int required(int has, const char *key, struct err *err)
{
    if (has == 0)
        return err_set(err, ERR_INVALID, key, "field '%s' is required", key);
    return has < 0 ? -1 : 0;
}

/* ---- the frame ---- */

/* Who acts, on what: set up by begin(), ended by finish(). */
struct call {
    struct api_req *req;
    struct api_resp *resp;
    struct scope s;
    struct svc_ctx ctx;
    instant_t now;
    const char *id;
    struct err err;
};

/* Scope, store, and the subscription (or customer) in scope: 0, or -1 after replying. */
static int begin(struct call *c, struct api_req *req, struct api_resp *resp, bool customer)
{
    int rc;

    memset(c, 0, sizeof(*c));
    c->req = req;
    c->resp = resp;
    if (api_scope_or_reply(req, resp, &c->s) != 0)
        return -1;
    c->now = api_now(req->ctx);
    c->id = api_req_param(req, "id");
    err_clear(&c->err);
    h_sub_ctx(req, api_db_acquire(req->ctx), &c->s, &c->ctx);
    if (customer) {
        rc = sub_customer_visible(&c->ctx, c->id, &c->err);
    } else {
        struct sub_row row;

        rc = sub_get(&c->ctx, c->id, &row, &c->err);
    }
    if (rc < 0) {
        api_db_release(req->ctx);
        h_sub_err_reply(resp, &c->err);
        return -1;
    }
    return 0;
}

/* Reply with the error, or with the document of `doc_id` (status); release the store. */
static void finish(struct call *c, int rc, const char *doc_id, int status)
{
    if (rc < 0)
        h_sub_err_reply(c->resp, &c->err);
    else
        h_sub_doc_reply(c->resp, &c->ctx, doc_id, c->now, status);
    api_db_release(c->req->ctx);
}

/* ---- handlers ---- */

void api_h_customer_order(struct api_req *req, struct api_resp *resp)
{
    static const char *const allowed[] = {"sku", "term", "billing", "quantity", "auto_renew",
                                          "name", "promotion", "end_date", NULL};
    char sku[SKU_MAX], name[SUB_NAME_MAX], id[ID_MAXLEN];
    struct sub_order_req o;
    struct call c;
    int rc = -1;

    if (begin(&c, req, resp, true) < 0)
        return;
    memset(&o, 0, sizeof(o));
    o.customer_id = c.id;
    o.auto_renew = true;
    if (known(req->body, allowed, &c.err) < 0 ||
        required(get_sku(req->body, "sku", sku, &c.err), "sku", &c.err) < 0 ||
        required(get_term(req->body, "term", &o.term, &c.err), "term", &c.err) < 0 ||
        required(get_billing(req->body, "billing", &o.billing, &c.err), "billing", &c.err) < 0 ||
        required(get_int(req->body, "quantity", &o.quantity, &c.err), "quantity", &c.err) < 0 ||
        get_bool(req->body, "auto_renew", &o.auto_renew, &c.err) < 0)
        goto out;
    switch (get_text(req->body, "name", name, sizeof(name), &c.err)) {
    case -1: goto out;
    case 1: o.name = name; break;
    default: break;
    }
    o.sku = sku;
    /* accepted keys that cspd refuses as not modelled yet (not_supported, lifecycle.md) */
    o.has_promotion = json_object_get(req->body, "promotion") != NULL;
    o.has_end_date = json_object_get(req->body, "end_date") != NULL;
    rc = sub_order(&c.ctx, &o, c.now, id, &c.err);
out:
    if (rc == 0) {
        char loc[64 + ID_MAXLEN];

        snprintf(loc, sizeof(loc), "/v1/subscriptions/%s", id);
        api_resp_header(resp, "Location", loc);
    }
    finish(&c, rc, id, 201);
}

void api_h_sub_update(struct api_req *req, struct api_resp *resp)
{
    static const char *const allowed[] = {"quantity", "auto_renew", NULL};
    struct call c;
    int32_t qty = 0;
    bool ar = false;
    int has_q, has_ar, rc = -1;

    if (begin(&c, req, resp, false) < 0)
        return;
    if (known(req->body, allowed, &c.err) < 0 ||
        (has_q = get_int(req->body, "quantity", &qty, &c.err)) < 0 ||
        (has_ar = get_bool(req->body, "auto_renew", &ar, &c.err)) < 0)
        goto out;
    /* each change is its own use case: the quantity first, then the term-end decision */
    rc = 0;
    if (has_q)
        rc = sub_change_quantity(&c.ctx, c.id, qty, c.now, &c.err);
    if (rc == 0 && has_ar)
        rc = sub_set_auto_renew(&c.ctx, c.id, ar, c.now, &c.err);
out:
    finish(&c, rc, c.id, 200);
}

void api_h_sub_upgrade(struct api_req *req, struct api_resp *resp)
{
    static const char *const allowed[] = {"sku", "quantity", "name", NULL};
    char sku[SKU_MAX], name[SUB_NAME_MAX], new_id[ID_MAXLEN] = "";
    struct call c;
    int32_t qty = 0;
    int has_q, has_name, rc = -1;

    if (begin(&c, req, resp, false) < 0)
        return;
    if (known(req->body, allowed, &c.err) < 0 ||
        required(get_sku(req->body, "sku", sku, &c.err), "sku", &c.err) < 0 ||
        (has_q = get_int(req->body, "quantity", &qty, &c.err)) < 0 ||
        (has_name = get_text(req->body, "name", name, sizeof(name), &c.err)) < 0)
        goto out;
    rc = sub_upgrade(&c.ctx, c.id, sku, has_q > 0, qty, has_name > 0 ? name : NULL, c.now,
                     new_id, &c.err);
out:
    if (rc == 0 && new_id[0]) {
        char loc[64 + ID_MAXLEN];

        /* a partial upgrade: the seats moved to a new subscription, named here */
        snprintf(loc, sizeof(loc), "/v1/subscriptions/%s", new_id);
        api_resp_header(resp, "Location", loc);
    }
    finish(&c, rc, rc == 0 && new_id[0] ? new_id : c.id, rc == 0 && new_id[0] ? 201 : 200);
}

typedef int (*simple_cmd)(const struct svc_ctx *ctx, const char *sub_id, instant_t now,
                          struct err *err);

static void simple(struct api_req *req, struct api_resp *resp, simple_cmd fn)
{
    static const char *const allowed[] = {NULL};
    struct call c;
    int rc = -1;

    if (begin(&c, req, resp, false) < 0)
        return;
    if (known(req->body, allowed, &c.err) == 0)
        rc = fn(&c.ctx, c.id, c.now, &c.err);
    finish(&c, rc, c.id, 200);
}

void api_h_sub_cancel(struct api_req *req, struct api_resp *resp)
{
    simple(req, resp, sub_cancel);
}

void api_h_sub_suspend(struct api_req *req, struct api_resp *resp)
{
    simple(req, resp, sub_suspend);
}

void api_h_sub_reactivate(struct api_req *req, struct api_resp *resp)
{
    simple(req, resp, sub_reactivate);
}

/* {"action":"renew"|"cancel"|"est", "changes":{"sku","term","billing","quantity"}}. */
static int parse_term_end(const json_t *in, struct lc_schedule *cmd, struct err *err)
{
    static const char *const allowed[] = {"action", "changes", NULL};
    static const char *const change_keys[] = {"sku", "term", "billing", "quantity", NULL};
    struct sub_changes *ch = &cmd->changes;
    const json_t *changes = json_object_get(in, "changes");
    char action[16];
    int has;

    memset(cmd, 0, sizeof(*cmd));
    if (known(in, allowed, err) < 0 ||
        required(get_text(in, "action", action, sizeof(action), err), "action", err) < 0)
        return -1;
    if (sub_decision_from_name(action, &cmd->action) < 0)
        return err_set(err, ERR_INVALID, "action", "action must be renew, cancel or est");
    if (!changes || json_is_null(changes))
        return 0;
    if (!json_is_object(changes))
        return err_set(err, ERR_INVALID, "changes", "changes must be an object");
    if (cmd->action != DECISION_RENEW && json_object_size(changes) > 0)
        return err_set(err, ERR_INVALID, "changes", "changes go with the action renew only");
    if (known(changes, change_keys, err) < 0 || (has = get_sku(changes, "sku", ch->sku, err)) < 0)
        return -1;
    ch->has_sku = has > 0;
    if ((has = get_term(changes, "term", &ch->term, err)) < 0)
        return -1;
    ch->has_term = has > 0;
    if ((has = get_billing(changes, "billing", &ch->billing, err)) < 0)
        return -1;
    ch->has_billing = has > 0;
    if ((has = get_int(changes, "quantity", &ch->quantity, err)) < 0)
        return -1;
    ch->has_quantity = has > 0;
    return 0;
}

void api_h_sub_term_end(struct api_req *req, struct api_resp *resp)
{
    struct lc_schedule cmd;
    struct call c;
    int rc = -1;

    if (begin(&c, req, resp, false) < 0)
        return;
    if (parse_term_end(req->body, &cmd, &c.err) == 0)
        rc = sub_schedule(&c.ctx, c.id, &cmd, c.now, &c.err);
    finish(&c, rc, c.id, 200);
}
