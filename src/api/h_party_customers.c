/*
 * api/h_party_customers.c — /v1/customers: create, list, read, patch, and record the MCA
 * (docs/parties.md). Thin like every party handler: scope from the auth step, one
 * svc/party.h use case with the store held, the JSON of the result. A customer's
 * `mca.valid` is judged at the business clock's now, read once per request.
 */
#include "api/auth.h"
#include "api/h_party.h"
#include "api/router.h"
#include "svc/party.h"

void api_h_customers_create(struct api_req *req, struct api_resp *resp)
{
    instant_t now = api_now(req->ctx);
    struct party_customer out;
    struct scope s;
    struct err err;
    struct db *db;
    int rc;

    if (api_scope_or_reply(req, resp, &s) != 0)
        return;
    err_clear(&err);
    db = api_db_acquire(req->ctx);
    rc = svc_customer_create(db, &s, now, req->body, &out, &err);
    api_db_release(req->ctx);
    h_party_reply(resp, rc, &err, 201, rc < 0 ? NULL : party_customer_to_json(&out, now));
}

struct list_ctx {
    json_t *items;
    instant_t now;
};

static int add_customer(void *ctx, const struct party_customer *c)
{
    struct list_ctx *l = ctx;

    return json_array_append_new(l->items, party_customer_to_json(c, l->now));
}

void api_h_customers_list(struct api_req *req, struct api_resp *resp)
{
    struct list_ctx l = {NULL, api_now(req->ctx)};
    struct party_filter f;
    struct scope s;
    struct err err;
    struct db *db;
    bool more = false;
    int rc;

    if (api_scope_or_reply(req, resp, &s) != 0 || h_party_filter_or_reply(req, resp, &f) != 0)
        return;
    l.items = json_array();
    if (!l.items) {
        api_json_reply(resp, 500, NULL);
        return;
    }
    err_clear(&err);
    db = api_db_acquire(req->ctx);
    rc = svc_customer_list(db, &s, &f, add_customer, &l, &more, &err);
    api_db_release(req->ctx);
    if (rc < 0 && err.code == ERR_OK)
        err_set(&err, ERR_NOMEM, "", "out of memory");
    h_party_reply(resp, rc, &err, 200,
                  rc < 0 ? NULL : h_party_list("customers", l.items, more));
    if (rc < 0)
        json_decref(l.items);
}

void api_h_customer_get(struct api_req *req, struct api_resp *resp)
{
    instant_t now = api_now(req->ctx);
    struct party_customer out;
    struct scope s;
    struct err err;
    struct db *db;
    int rc;

    if (api_scope_or_reply(req, resp, &s) != 0)
        return;
    err_clear(&err);
    db = api_db_acquire(req->ctx);
    rc = svc_customer_get(db, &s, api_req_param(req, "id"), &out, &err);
    api_db_release(req->ctx);
    h_party_reply(resp, rc, &err, 200, rc < 0 ? NULL : party_customer_to_json(&out, now));
}

void api_h_customer_update(struct api_req *req, struct api_resp *resp)
{
    instant_t now = api_now(req->ctx);
    struct party_customer out;
    struct scope s;
    struct err err;
    struct db *db;
    int rc;

    if (api_scope_or_reply(req, resp, &s) != 0)
        return;
    err_clear(&err);
    db = api_db_acquire(req->ctx);
    rc = svc_customer_update(db, &s, now, api_req_param(req, "id"), req->body, &out, &err);
    api_db_release(req->ctx);
    h_party_reply(resp, rc, &err, 200, rc < 0 ? NULL : party_customer_to_json(&out, now));
}

void api_h_customer_mca(struct api_req *req, struct api_resp *resp)
{
    instant_t now = api_now(req->ctx);
    struct party_customer out;
    struct scope s;
    struct err err;
    struct db *db;
    int rc;

    if (api_scope_or_reply(req, resp, &s) != 0)
        return;
    err_clear(&err);
    db = api_db_acquire(req->ctx);
    rc = svc_customer_record_mca(db, &s, now, api_req_param(req, "id"), req->body, &out, &err);
    api_db_release(req->ctx);
    h_party_reply(resp, rc, &err, 200, rc < 0 ? NULL : party_customer_to_json(&out, now));
}
