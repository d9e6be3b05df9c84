/*
 * api/h_auth.c — sign-in, sign-out and the caller's own account: POST /v1/sessions,
 * DELETE /v1/sessions/current, GET /v1/me, POST /v1/me/password, POST /v1/me/totp and
 * POST /v1/me/totp/verify (docs/auth.md).
 *
 * Sign-in runs in two halves around the argon2 check so the slow part does not hold the
 * store lock every other request needs. The session token goes only into the cookie
 * (HttpOnly; SameSite=Strict; Secure with --secure-cookies); the CSRF token only into the
 * body, for the page's script to send back in X-CSRF-Token. Responses holding secrets are
 * marked so the Idempotency-Key store never keeps them.
 */
#include <stdio.h>
#include <string.h>

#include "api/auth.h"
#include "api/router.h"
#include "store/db.h"
#include "svc/auth_admin.h"

/* 429 with Retry-After for a throttled sign-in. */
static void throttled(struct api_resp *resp, const struct err *err, int64_t retry_after)
{
    char secs[24];

    api_err_reply(resp, err);
    resp->status = 429;
    snprintf(secs, sizeof(secs), "%lld", (long long)retry_after);
    api_resp_header(resp, "Retry-After", secs);
}

static json_t *instant_json(instant_t t)
{
    char buf[INSTANT_STRLEN];

    instant_format(t, buf);
    return json_string(buf);
}

void api_h_session_create(struct api_req *req, struct api_resp *resp)
{
    static const char *const fields[] = {"email", "password", "totp", NULL};
    const char *email, *password, *totp = NULL;
    struct auth_session_new out;
    struct auth_login st;
    char addr[64], cookie[224];
    int64_t retry = 0;
    struct err err;
    struct db *db;
    json_t *v;
    bool ok;
    int rc;

    if (api_fields_known_or_reply(req, resp, fields) != 0 ||
        api_field_string_or_reply(req, resp, "email", &email) != 0 ||
        api_field_string_or_reply(req, resp, "password", &password) != 0)
        return;
    v = json_object_get(req->body, "totp");
    if (v && !json_is_null(v)) {
        if (!json_is_string(v)) {
            api_error_reply(resp, ERR_INVALID, "totp", "field 'totp' must be a string");
            return;
        }
        totp = json_string_value(v);
    }
    err_clear(&err);
    api_req_client_addr(req, addr, sizeof(addr));
    db = api_db_acquire(req->ctx);
    rc = auth_login_begin(db, email, addr, api_auth_now(), &st, &retry, &err);
    api_db_release(req->ctx);
    if (rc < 0) {
        auth_login_release(&st, NULL);
        if (err.code == ERR_REFUSED)
            throttled(resp, &err, retry);
        else
            api_err_reply(resp, &err);
        return;
    }
    snprintf(st.request_id, sizeof(st.request_id), "%s", req->request_id);
    ok = auth_password_verify(st.found ? st.user.password_hash : NULL, password);
    db = api_db_acquire(req->ctx);
    rc = auth_login_finish(db, &st, ok, totp, api_auth_now(), &out, &err);
    api_db_release(req->ctx);
    if (rc < 0) {
        auth_login_release(&st, &out);
        api_err_reply(resp, &err);
        return;
    }
    snprintf(cookie, sizeof(cookie), "%s=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Strict%s",
             API_SESSION_COOKIE, out.token, AUTH_SESSION_TTL,
             req->ctx->secure_cookies ? "; Secure" : "");
    api_json_reply(resp, 201, json_pack("{s:s, s:s, s:o, s:o}", "session_id", out.id,
                                        "csrf_token", out.csrf, "expires_at",
                                        instant_json(out.expires_at), "user",
                                        auth_user_json(&out.user)));
    resp->secret = true;
    api_resp_header(resp, "Set-Cookie", cookie);
    memset(cookie, 0, sizeof(cookie));
    auth_login_release(&st, &out);
}

void api_h_session_delete(struct api_req *req, struct api_resp *resp)
{
    struct scope scope;
    struct err err;
    struct db *db;
    char cookie[160];
    int rc;

    if (api_scope_or_reply(req, resp, &scope) != 0)
        return;
    if (req->caller->cred != AUTH_CRED_SESSION) {
        api_error_reply(resp, ERR_INVALID, "", "this request carries no session cookie; "
                        "API tokens are revoked with DELETE /v1/tokens/{id}");
        return;
    }
    err_clear(&err);
    db = api_db_acquire(req->ctx);
    rc = auth_session_end(db, &scope, req->caller->cred_id, &err);
    api_db_release(req->ctx);
    if (rc < 0) {
        api_err_reply(resp, &err);
        return;
    }
    snprintf(cookie, sizeof(cookie), "%s=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict%s",
             API_SESSION_COOKIE, req->ctx->secure_cookies ? "; Secure" : "");
    api_json_reply(resp, 200, json_pack("{s:s}", "status", "signed_out"));
    api_resp_header(resp, "Set-Cookie", cookie);
}

static const char *kind_name(enum scope_kind k)
{
    switch (k) {
    case SCOPE_INSTALLATION: return "installation";
    case SCOPE_PARTNER: return "partner";
    case SCOPE_CUSTOMER: return "customer";
    }
    return "installation";
}

void api_h_me_get(struct api_req *req, struct api_resp *resp)
{
    const struct auth_principal *p = req->caller;
    struct scope scope;
    struct user u;
    struct err err;
    struct db *db;
    bool found = false;
    json_t *obj;
    int rc = 0;

    if (api_scope_or_reply(req, resp, &scope) != 0)
        return;
    obj = json_pack("{s:s, s:s, s:s, s:o, s:o}", "credential",
                    p->cred == AUTH_CRED_SESSION ? "session" : "token", "scope",
                    kind_name(scope.kind), "role", user_role_name(scope.role), "partner_id",
                    scope.partner_id[0] ? json_string(scope.partner_id) : json_null(),
                    "customer_id",
                    scope.customer_id[0] ? json_string(scope.customer_id) : json_null());
    if (obj && p->cred == AUTH_CRED_SESSION) {
        err_clear(&err);
        db = api_db_acquire(req->ctx);
        rc = repo_user_by_id(db, scope.user_id, &u, &found, &err);
        api_db_release(req->ctx);
        if (rc < 0) {
            json_decref(obj);
            api_err_reply(resp, &err);
            return;
        }
        if (found)
            json_object_set_new(obj, "user", auth_user_json(&u));
        json_object_set_new(obj, "session_id", json_string(p->cred_id));
        memset(&u, 0, sizeof(u));
    } else if (obj) {
        json_object_set_new(obj, "token_id", json_string(p->cred_id));
    }
    api_json_reply(resp, 200, obj);
}

void api_h_me_password(struct api_req *req, struct api_resp *resp)
{
    static const char *const fields[] = {"current_password", "new_password", NULL};
    const char *current, *next;
    struct scope scope;
    struct err err;
    struct db *db;
    int rc;

    if (api_scope_or_reply(req, resp, &scope) != 0 ||
        api_fields_known_or_reply(req, resp, fields) != 0 ||
        api_field_string_or_reply(req, resp, "current_password", &current) != 0 ||
        api_field_string_or_reply(req, resp, "new_password", &next) != 0)
        return;
    err_clear(&err);
    db = api_db_acquire(req->ctx);
    rc = auth_self_password(db, &scope, req->caller->cred_id, current, next, api_auth_now(),
                            &err);
    api_db_release(req->ctx);
    if (rc < 0) {
        api_err_reply(resp, &err);
        return;
    }
    api_json_reply(resp, 200, json_pack("{s:s}", "status", "changed"));
}

void api_h_me_totp_begin(struct api_req *req, struct api_resp *resp)
{
    static const char *const fields[] = {NULL};
    char uri[AUTH_TOTP_URI_MAX], secret[USER_TOTP_MAX];
    struct scope scope;
    struct err err;
    struct db *db;
    int rc;

    if (api_scope_or_reply(req, resp, &scope) != 0 ||
        api_fields_known_or_reply(req, resp, fields) != 0)
        return;
    err_clear(&err);
    db = api_db_acquire(req->ctx);
    rc = auth_self_totp_begin(db, &scope, api_auth_now(), uri, secret, &err);
    api_db_release(req->ctx);
    if (rc < 0) {
        api_err_reply(resp, &err);
        return;
    }
    api_json_reply(resp, 200, json_pack("{s:s, s:s}", "otpauth_uri", uri, "secret", secret));
    resp->secret = true;
    memset(uri, 0, sizeof(uri));
    memset(secret, 0, sizeof(secret));
}

void api_h_me_totp_confirm(struct api_req *req, struct api_resp *resp)
{
    static const char *const fields[] = {"totp", NULL};
    struct scope scope;
    const char *code;
    struct err err;
    struct db *db;
    int rc;

    if (api_scope_or_reply(req, resp, &scope) != 0 ||
        api_fields_known_or_reply(req, resp, fields) != 0 ||
        api_field_string_or_reply(req, resp, "totp", &code) != 0)
        return;
    err_clear(&err);
    db = api_db_acquire(req->ctx);
    rc = auth_self_totp_confirm(db, &scope, code, api_auth_now(), &err);
    api_db_release(req->ctx);
    if (rc < 0) {
        /* A wrong code here is a bad value, not a failed sign-in: 422, the session stays. */
        if (err.code == ERR_UNAUTHORIZED)
            err.code = ERR_INVALID;
        api_err_reply(resp, &err);
        return;
    }
    api_json_reply(resp, 200, json_pack("{s:b}", "mfa_enabled", 1));
}
