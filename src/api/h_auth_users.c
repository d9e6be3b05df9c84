/*
 * api/h_auth_users.c — /v1/users and /v1/tokens: list, create, read, disable or revoke, and a
 * user's TOTP reset (docs/auth.md). Owners and admins only (the route table says so); the
 * scope and rank rules live in svc/auth_admin.h, the tenancy predicate in the store.
 *
 * Created users get a generated password, owners and admins also a TOTP URI, and tokens their
 * secret, each in the one response that creates them: those responses are marked secret, so
 * an Idempotency-Key retry is refused rather than served from a stored copy.
 */
#include <string.h>

#include "api/auth.h"
#include "api/router.h"
#include "store/db.h"
#include "svc/auth_admin.h"

#define LIST_MAX 1000

/* An optional string field: NULL when absent or null; -1 after replying when not a string. */
static int opt_string(struct api_req *req, struct api_resp *resp, const char *name,
                      const char **out)
{
    json_t *v = json_object_get(req->body, name);

    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v)) {
        api_error_reply(resp, ERR_INVALID, name, "field '%s' must be a string", name);
        return -1;
    }
    *out = json_string_value(v);
    return 0;
}

static int role_or_reply(struct api_req *req, struct api_resp *resp, enum user_role *out)
{
    const char *text;

    if (api_field_string_or_reply(req, resp, "role", &text) != 0)
        return -1;
    if (user_role_parse(text, out) != 0 || *out == ROLE_OPERATOR) {
        api_error_reply(resp, ERR_INVALID, "role", "role must be owner, admin, billing, sales, "
                        "read_only or portal");
        return -1;
    }
    return 0;
}

static int add_user(const struct user *u, void *arg)
{
    return json_array_append_new(arg, auth_user_json(u));
}

void api_h_users_list(struct api_req *req, struct api_resp *resp)
{
    struct scope scope;
    struct err err;
    struct db *db;
    json_t *list;
    int rc;

    if (api_scope_or_reply(req, resp, &scope) != 0)
        return;
    list = json_array();
    if (!list) {
        api_json_reply(resp, 500, NULL);
        return;
    }
    err_clear(&err);
    db = api_db_acquire(req->ctx);
    rc = repo_user_list(db, &scope, LIST_MAX, add_user, list, &err);
    api_db_release(req->ctx);
    if (rc < 0) {
        json_decref(list);
        api_err_reply(resp, &err);
        return;
    }
    api_json_reply(resp, 200, json_pack("{s:o}", "users", list));
}

void api_h_users_create(struct api_req *req, struct api_resp *resp)
{
    static const char *const fields[] = {"email", "role", "partner_id", "customer_id", NULL};
    struct auth_user_new in;
    struct auth_user_created out;
    struct scope scope;
    struct err err;
    struct db *db;
    json_t *obj;
    int rc;

    memset(&in, 0, sizeof(in));
    if (api_scope_or_reply(req, resp, &scope) != 0 ||
        api_fields_known_or_reply(req, resp, fields) != 0 ||
        api_field_string_or_reply(req, resp, "email", &in.email) != 0 ||
        role_or_reply(req, resp, &in.role) != 0 ||
        opt_string(req, resp, "partner_id", &in.partner_id) != 0 ||
        opt_string(req, resp, "customer_id", &in.customer_id) != 0)
        return;
    err_clear(&err);
    db = api_db_acquire(req->ctx);
    rc = auth_user_create(db, &scope, &in, api_auth_now(), &out, &err);
    api_db_release(req->ctx);
    if (rc < 0) {
        api_err_reply(resp, &err);
        return;
    }
    obj = json_pack("{s:o, s:s}", "user", auth_user_json(&out.user), "password", out.password);
    if (obj && out.has_totp)
        json_object_set_new(obj, "otpauth_uri", json_string(out.totp_uri));
    api_json_reply(resp, 201, obj);
    resp->secret = true;
    memset(&out, 0, sizeof(out));
}

void api_h_user_get(struct api_req *req, struct api_resp *resp)
{
    struct scope scope;
    struct user u;
    struct err err;
    struct db *db;
    int rc;

    if (api_scope_or_reply(req, resp, &scope) != 0)
        return;
    err_clear(&err);
    db = api_db_acquire(req->ctx);
    rc = repo_user_get(db, &scope, api_req_param(req, "id"), &u, &err);
    api_db_release(req->ctx);
    if (rc < 0) {
        api_err_reply(resp, &err);
        return;
    }
    api_json_reply(resp, 200, auth_user_json(&u));
    memset(&u, 0, sizeof(u));
}

void api_h_user_disable(struct api_req *req, struct api_resp *resp)
{
    struct scope scope;
    struct user u;
    struct err err;
    struct db *db;
    int rc;

    if (api_scope_or_reply(req, resp, &scope) != 0)
        return;
    err_clear(&err);
    db = api_db_acquire(req->ctx);
    rc = auth_user_disable(db, &scope, api_req_param(req, "id"), api_auth_now(), &u, &err);
    api_db_release(req->ctx);
    if (rc < 0) {
        api_err_reply(resp, &err);
        return;
    }
    api_json_reply(resp, 200, auth_user_json(&u));
    memset(&u, 0, sizeof(u));
}

void api_h_user_totp_reset(struct api_req *req, struct api_resp *resp)
{
    static const char *const fields[] = {NULL};
    char uri[AUTH_TOTP_URI_MAX];
    struct scope scope;
    struct user u;
    struct err err;
    struct db *db;
    int rc;

    if (api_scope_or_reply(req, resp, &scope) != 0 ||
        api_fields_known_or_reply(req, resp, fields) != 0)
        return;
    err_clear(&err);
    db = api_db_acquire(req->ctx);
    rc = auth_user_totp_reset(db, &scope, api_req_param(req, "id"), api_auth_now(), &u, uri,
                              &err);
    api_db_release(req->ctx);
    if (rc < 0) {
        api_err_reply(resp, &err);
        return;
    }
    api_json_reply(resp, 200, json_pack("{s:o, s:s}", "user", auth_user_json(&u),
                                        "otpauth_uri", uri));
    resp->secret = true;
    memset(&u, 0, sizeof(u));
    memset(uri, 0, sizeof(uri));
}

static int add_token(const struct token_row *t, void *arg)
{
    return json_array_append_new(arg, auth_token_json(t));
}

void api_h_tokens_list(struct api_req *req, struct api_resp *resp)
{
    struct scope scope;
    struct err err;
    struct db *db;
    json_t *list;
    int rc;

    if (api_scope_or_reply(req, resp, &scope) != 0)
        return;
    list = json_array();
    if (!list) {
        api_json_reply(resp, 500, NULL);
        return;
    }
    err_clear(&err);
    db = api_db_acquire(req->ctx);
    rc = repo_token_list(db, &scope, LIST_MAX, add_token, list, &err);
    api_db_release(req->ctx);
    if (rc < 0) {
        json_decref(list);
        api_err_reply(resp, &err);
        return;
    }
    api_json_reply(resp, 200, json_pack("{s:o}", "tokens", list));
}

void api_h_tokens_create(struct api_req *req, struct api_resp *resp)
{
    static const char *const fields[] = {"role", "name", "partner_id", NULL};
    char secret[AUTH_SECRET_MAX];
    struct auth_token_new in;
    struct token_row t;
    struct scope scope;
    struct err err;
    struct db *db;
    int rc;

    memset(&in, 0, sizeof(in));
    if (api_scope_or_reply(req, resp, &scope) != 0 ||
        api_fields_known_or_reply(req, resp, fields) != 0 ||
        role_or_reply(req, resp, &in.role) != 0 ||
        opt_string(req, resp, "name", &in.name) != 0 ||
        opt_string(req, resp, "partner_id", &in.partner_id) != 0)
        return;
    err_clear(&err);
    db = api_db_acquire(req->ctx);
    rc = auth_token_create(db, &scope, &in, api_auth_now(), &t, secret, &err);
    api_db_release(req->ctx);
    if (rc < 0) {
        api_err_reply(resp, &err);
        return;
    }
    api_json_reply(resp, 201, json_pack("{s:o, s:s}", "token", auth_token_json(&t), "secret",
                                        secret));
    resp->secret = true;
    memset(secret, 0, sizeof(secret));
}

void api_h_token_revoke(struct api_req *req, struct api_resp *resp)
{
    struct token_row t;
    struct scope scope;
    struct err err;
    struct db *db;
    int rc;

    if (api_scope_or_reply(req, resp, &scope) != 0)
        return;
    err_clear(&err);
    db = api_db_acquire(req->ctx);
    rc = auth_token_revoke(db, &scope, api_req_param(req, "id"), api_auth_now(), &t, &err);
    api_db_release(req->ctx);
    if (rc < 0) {
        api_err_reply(resp, &err);
        return;
    }
    api_json_reply(resp, 200, auth_token_json(&t));
}
