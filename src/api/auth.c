/*
 * api/auth.c — pipeline step 1: resolve the caller, check CSRF and the route's role class
 * (see auth.h). The route table says who may call; this file is the one place that reads it.
 *
 * Answers are deliberately uniform: every credential problem is 401 with a reason
 * (unauthorized, session_expired, invalid_token) and WWW-Authenticate; a refused role is 403
 * only when the caller could see the object anyway. The 403-or-404 probe asks the store
 * whether the route's first path parameter names an object in the caller's scope
 * (repo_scope_sees, by id prefix); ids of unknown kinds are never "seen", so the default is
 * the safe 404.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "api/auth.h"
#include "api/router.h"
#include "core/clock.h"
#include "core/log.h"
#include "store/repo_user.h"

instant_t api_auth_now(void)
{
    struct clock c;

    clock_init_real(&c);
    return clock_now(&c);
}

int api_req_scope(const struct api_req *req, struct scope *out, struct err *err)
{
    if (!req->caller)
        return err_set(err, ERR_INTERNAL, "", "no caller on this route");
    *out = req->caller->scope;
    snprintf(out->request_id, sizeof(out->request_id), "%s",
             req->request_id ? req->request_id : "");
    return 0;
}

int api_scope_or_reply(const struct api_req *req, struct api_resp *resp, struct scope *out)
{
    struct err err;

    err_clear(&err);
    if (api_req_scope(req, out, &err) == 0)
        return 0;
    api_err_reply(resp, &err);
    return -1;
}

static bool unauthorized(struct api_resp *resp, const struct err *e)
{
    api_err_reply(resp, e);
    api_resp_header(resp, "WWW-Authenticate", "Bearer realm=\"cspd\"");
    return true;
}

static bool mutating(const char *method)
{
    return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
}

/* Resolve the credential of the request into *caller. */
static int resolve(struct api_req *req, struct auth_principal *caller, struct err *err)
{
    const char *authz = api_req_header(req, "Authorization");
    const char *cookie = api_req_cookie(req, API_SESSION_COOKIE);
    instant_t now = api_auth_now();
    struct db *db;
    int rc;

    if (authz) {
        if (strncasecmp(authz, "Bearer ", 7) != 0)
            return err_set(err, ERR_UNAUTHORIZED, "Authorization",
                           "Authorization must be 'Bearer <API token>'");
        authz += 7;
        while (*authz == ' ')
            authz++;
    } else if (!cookie) {
        return err_set(err, ERR_UNAUTHORIZED, "",
                       "sign in (POST /v1/sessions) or send an API token");
    }
    db = api_db_acquire(req->ctx);
    if (authz)
        rc = auth_token_resolve(db, authz, now, caller, err);
    else
        rc = auth_session_resolve(db, cookie, now, caller, err);
    api_db_release(req->ctx);
    return rc;
}

/* The caller may not use this route: 403 if it sees the route's object (or there is none). */
static bool refuse(struct api_req *req, const struct auth_principal *caller,
                   struct api_resp *resp)
{
    struct err err;
    struct db *db;
    bool sees = true;
    int rc = 0;

    err_clear(&err);
    if (req->nparams > 0) {
        db = api_db_acquire(req->ctx);
        rc = repo_scope_sees(db, &caller->scope, req->params[0].value, &sees, &err);
        api_db_release(req->ctx);
        if (rc < 0) {
            log_kv(LOG_ERROR, "scope probe failed", "detail", err.msg, NULL);
            api_error_reply(resp, ERR_DB, "", "the store failed; see the log");
            return true;
        }
    }
    if (!sees) {
        api_error_reply(resp, ERR_NOT_FOUND, "", "no such object");
        return true;
    }
    err_set_(&err, __func__, __LINE__, ERR_FORBIDDEN, "forbidden", "",
             "your role (%s) may not %s %s", user_role_name(caller->scope.role), req->method,
             req->route->pattern);
    api_err_reply(resp, &err);
    return true;
}

bool api_auth_or_reply(struct api_req *req, struct auth_principal *caller,
                       struct api_resp *resp)
{
    const struct api_route *r = req->route;
    struct err err;

    req->caller = NULL;
    memset(caller, 0, sizeof(*caller));
    if (r->role == API_ROLE_PUBLIC)
        return false;
    err_clear(&err);
    if (resolve(req, caller, &err) < 0) {
        if (err.code == ERR_UNAUTHORIZED)
            return unauthorized(resp, &err);
        log_kv(LOG_ERROR, "credential lookup failed", "detail", err.msg, NULL);
        api_error_reply(resp, ERR_DB, "", "the store failed; see the log");
        return true;
    }
    if (caller->cred == AUTH_CRED_SESSION && mutating(req->method) &&
        !auth_csrf_ok(caller, api_req_header(req, "X-CSRF-Token"))) {
        err_set_(&err, __func__, __LINE__, ERR_FORBIDDEN, "csrf_failed", "X-CSRF-Token",
                 "a signed-in browser request that changes something needs the session's "
                 "CSRF token in X-CSRF-Token");
        api_err_reply(resp, &err);
        return true;
    }
    if (!api_role_allows(r->role, caller->scope.kind, caller->scope.role))
        return refuse(req, caller, resp);
    req->caller = caller;
    return false;
}
