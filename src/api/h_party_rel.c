/*
 * api/h_party_rel.c — /v1/relationships: establish, list, end (docs/parties.md). The end
 * endpoint is a POST with an empty JSON object `{}` as its body (every POST carries a JSON
 * object here); it takes no fields.
 */
#include "api/auth.h"
#include "api/h_party.h"
#include "api/router.h"
#include "svc/party.h"

void api_h_relationships_create(struct api_req *req, struct api_resp *resp)
{
    struct party_relationship out;
    struct scope s;
    struct err err;
    struct db *db;
    int rc;

    if (api_scope_or_reply(req, resp, &s) != 0)
        return;
    err_clear(&err);
    db = api_db_acquire(req->ctx);
    rc = svc_relationship_establish(db, &s, api_now(req->ctx), req->body, &out, &err);
    api_db_release(req->ctx);
    h_party_reply(resp, rc, &err, 201, rc < 0 ? NULL : party_relationship_to_json(&out));
}

static int add_rel(void *ctx, const struct party_relationship *r)
{
    return json_array_append_new(ctx, party_relationship_to_json(r));
}

void api_h_relationships_list(struct api_req *req, struct api_resp *resp)
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
    rc = svc_relationship_list(db, &s, &f, add_rel, items, &more, &err);
    api_db_release(req->ctx);
    if (rc < 0 && err.code == ERR_OK)
        err_set(&err, ERR_NOMEM, "", "out of memory");
    h_party_reply(resp, rc, &err, 200,
                  rc < 0 ? NULL : h_party_list("relationships", items, more));
    if (rc < 0)
        json_decref(items);
}

void api_h_relationship_end(struct api_req *req, struct api_resp *resp)
{
    static const char *const no_fields[] = {NULL};
    struct party_relationship out;
    struct scope s;
    struct err err;
    struct db *db;
    int rc;

    if (api_scope_or_reply(req, resp, &s) != 0 ||
        api_fields_known_or_reply(req, resp, no_fields) != 0)
        return;
    err_clear(&err);
    db = api_db_acquire(req->ctx);
    rc = svc_relationship_end(db, &s, api_now(req->ctx), api_req_param(req, "id"), &out, &err);
    api_db_release(req->ctx);
    h_party_reply(resp, rc, &err, 200, rc < 0 ? NULL : party_relationship_to_json(&out));
}
