/*
 * api/h_margin.c — /v1/margin-rules: list, create, read, change, delete (docs/billing.md
 * "Margin rules"). Thin: svc/invoice_rules.h parses and validates the JSON document (422
 * naming the field), checks the caller may write the seller's rules, refuses a rule below
 * cost without "allow_below_cost": true (409 below_cost) and writes the alert and the audit
 * row when it is allowed.
 */
#include <string.h>

#include "api/auth.h"
#include "api/h_invoice.h"
#include "api/router.h"
#include "svc/invoice_rules.h"

struct list_ctx {
    json_t *items;
    size_t n;
};

static int add_rule(void *ctx, const struct margin_rule *r)
{
    struct list_ctx *l = ctx;

    if (l->n >= H_BILLING_LIST_MAX)
        return -1;
    l->n++;
    return json_array_append_new(l->items, margin_rule_to_json(r));
}

/* GET /v1/margin-rules?seller_id= */
void api_h_margin_rules_list(struct api_req *req, struct api_resp *resp)
{
    struct list_ctx l = {NULL, 0};
    struct scope s;
    struct err err;
    struct db *db;
    int rc;

    if (api_scope_or_reply(req, resp, &s) != 0)
        return;
    l.items = json_array();
    if (!l.items) {
        api_json_reply(resp, 500, NULL);
        return;
    }
    err_clear(&err);
    db = api_db_acquire(req->ctx);
    rc = margin_rules_list(db, &s, api_req_query(req, "seller_id"), add_rule, &l, &err);
    api_db_release(req->ctx);
    if (rc < 0 && l.n >= H_BILLING_LIST_MAX)
        rc = 0;
    else if (rc < 0 && err.code == ERR_OK)
        err_set(&err, ERR_NOMEM, "", "out of memory");
    h_billing_reply(resp, rc, &err, 200,
                    rc < 0 ? NULL : json_pack("{s:o, s:b}", "rules", l.items, "more",
                                              l.n >= H_BILLING_LIST_MAX));
    if (rc < 0)
        json_decref(l.items);
}

static void ctx_of(struct api_req *req, const struct scope *s, struct bill_ctx *ctx)
{
    memset(ctx, 0, sizeof(*ctx));
    ctx->scope = s;
    ctx->request_id = req->request_id;
}

/* POST /v1/margin-rules */
void api_h_margin_rules_create(struct api_req *req, struct api_resp *resp)
{
    struct margin_rule r;
    struct bill_ctx ctx;
    struct scope s;
    struct err err;
    int rc;

    if (api_scope_or_reply(req, resp, &s) != 0)
        return;
    ctx_of(req, &s, &ctx);
    err_clear(&err);
    ctx.db = api_db_acquire(req->ctx);
    rc = margin_rule_create(&ctx, req->body, api_now(req->ctx), &r, &err);
    api_db_release(req->ctx);
    h_billing_reply(resp, rc, &err, 201, rc < 0 ? NULL : margin_rule_to_json(&r));
}

/* GET /v1/margin-rules/{id} */
void api_h_margin_rule_get(struct api_req *req, struct api_resp *resp)
{
    struct margin_rule r;
    struct scope s;
    struct err err;
    struct db *db;
    int rc;

    if (api_scope_or_reply(req, resp, &s) != 0)
        return;
    err_clear(&err);
    db = api_db_acquire(req->ctx);
    rc = margin_rule_read(db, &s, api_req_param(req, "id"), &r, &err);
    api_db_release(req->ctx);
    h_billing_reply(resp, rc, &err, 200, rc < 0 ? NULL : margin_rule_to_json(&r));
}

/* PATCH /v1/margin-rules/{id} */
void api_h_margin_rule_update(struct api_req *req, struct api_resp *resp)
{
    struct margin_rule r;
    struct bill_ctx ctx;
    struct scope s;
    struct err err;
    int rc;

    if (api_scope_or_reply(req, resp, &s) != 0)
        return;
    ctx_of(req, &s, &ctx);
    err_clear(&err);
    ctx.db = api_db_acquire(req->ctx);
    rc = margin_rule_update(&ctx, api_req_param(req, "id"), req->body, api_now(req->ctx), &r,
                            &err);
    api_db_release(req->ctx);
    h_billing_reply(resp, rc, &err, 200, rc < 0 ? NULL : margin_rule_to_json(&r));
}

/* DELETE /v1/margin-rules/{id}: 204; 409 rule_in_use once it priced billed lines */
void api_h_margin_rule_delete(struct api_req *req, struct api_resp *resp)
{
    struct bill_ctx ctx;
    struct scope s;
    struct err err;
    int rc;

    if (api_scope_or_reply(req, resp, &s) != 0)
        return;
    ctx_of(req, &s, &ctx);
    err_clear(&err);
    ctx.db = api_db_acquire(req->ctx);
    rc = margin_rule_delete(&ctx, api_req_param(req, "id"), api_now(req->ctx), &err);
    api_db_release(req->ctx);
    if (rc < 0)
        api_err_reply(resp, &err);
    else
        api_text_reply(resp, 204, "application/json", "", 0);
}
