/*
 * api/h_party_partners.c — /v1/partners: create, list, read, patch, record the MPA, and the
 * FY26 compliance report (docs/parties.md). Each handler takes the caller's scope from the
 * auth step, runs one svc/party.h use case with the store held, and replies with its JSON;
 * validation, rules, roles and tenancy all live below, so these stay thin.
 */
#include "api/auth.h"
#include "api/h_party.h"
#include "api/router.h"
#include "svc/party.h"

void api_h_partners_create(struct api_req *req, struct api_resp *resp)
{
    struct party_partner out;
    struct scope s;
    struct err err;
    struct db *db;
    int rc;

    if (api_scope_or_reply(req, resp, &s) != 0)
        return;
    err_clear(&err);
    db = api_db_acquire(req->ctx);
    rc = svc_partner_create(db, &s, api_now(req->ctx), req->body, &out, &err);
    api_db_release(req->ctx);
    h_party_reply(resp, rc, &err, 201, rc < 0 ? NULL : party_partner_to_json(&out));
}

static int add_partner(void *ctx, const struct party_partner *p)
{
    return json_array_append_new(ctx, party_partner_to_json(p));
}

void api_h_partners_list(struct api_req *req, struct api_resp *resp)
{
    struct party_filter f;
    struct scope s;
    struct err err;
    struct db *db;
    json_t *items;
    bool more = false;
    int rc;

    if (api_scope_or_reply(req, resp, &s) != 0 || h_party_filter_or_reply(req, resp, &f) != 0)
        return;
    items = json_array();
    if (!items) {
        api_json_reply(resp, 500, NULL);
        return;
    }
    err_clear(&err);
    db = api_db_acquire(req->ctx);
    rc = svc_partner_list(db, &s, &f, add_partner, items, &more, &err);
    api_db_release(req->ctx);
    if (rc < 0 && err.code == ERR_OK)
        err_set(&err, ERR_NOMEM, "", "out of memory");
    h_party_reply(resp, rc, &err, 200, rc < 0 ? NULL : h_party_list("partners", items, more));
    if (rc < 0)
        json_decref(items);
}

void api_h_partner_get(struct api_req *req, struct api_resp *resp)
{
    struct party_partner out;
    struct scope s;
    struct err err;
    struct db *db;
    int rc;

    if (api_scope_or_reply(req, resp, &s) != 0)
        return;
    err_clear(&err);
    db = api_db_acquire(req->ctx);
    rc = svc_partner_get(db, &s, api_req_param(req, "id"), &out, &err);
    api_db_release(req->ctx);
    h_party_reply(resp, rc, &err, 200, rc < 0 ? NULL : party_partner_to_json(&out));
}

void api_h_partner_update(struct api_req *req, struct api_resp *resp)
{
    struct party_partner out;
    struct scope s;
    struct err err;
    struct db *db;
    int rc;

    if (api_scope_or_reply(req, resp, &s) != 0)
        return;
    err_clear(&err);
    db = api_db_acquire(req->ctx);
    rc = svc_partner_update(db, &s, api_now(req->ctx), api_req_param(req, "id"), req->body,
                            &out, &err);
    api_db_release(req->ctx);
    h_party_reply(resp, rc, &err, 200, rc < 0 ? NULL : party_partner_to_json(&out));
}

void api_h_partner_mpa(struct api_req *req, struct api_resp *resp)
{
    struct party_partner out;
    struct scope s;
    struct err err;
    struct db *db;
    int rc;

    if (api_scope_or_reply(req, resp, &s) != 0)
        return;
    err_clear(&err);
    db = api_db_acquire(req->ctx);
    rc = svc_partner_accept_mpa(db, &s, api_now(req->ctx), api_req_param(req, "id"),
                                req->body, &out, &err);
    api_db_release(req->ctx);
    h_party_reply(resp, rc, &err, 200, rc < 0 ? NULL : party_partner_to_json(&out));
}

void api_h_partner_compliance(struct api_req *req, struct api_resp *resp)
{
    struct party_compliance out;
    struct scope s;
    struct err err;
    struct db *db;
    int rc;

    if (api_scope_or_reply(req, resp, &s) != 0)
        return;
    err_clear(&err);
    db = api_db_acquire(req->ctx);
    rc = svc_partner_compliance(db, &s, api_now(req->ctx), api_req_param(req, "id"), &out,
                                &err);
    api_db_release(req->ctx);
    h_party_reply(resp, rc, &err, 200, rc < 0 ? NULL : party_compliance_to_json(&out));
}
