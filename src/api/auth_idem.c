/*
 * api/auth_idem.c — pipeline step 3: Idempotency-Key on POST, PUT and PATCH (the rules are
 * svc/idempotency.h's). Keys belong to the caller (its user or token id), so one caller's key
 * never answers another's request. A replay carries `Idempotent-Replayed: true`. Public
 * routes (sign-in) have no caller and take no key: their answers hold fresh secrets.
 */
#include <stdlib.h>
#include <string.h>

#include "api/auth.h"
#include "api/router.h"
#include "core/log.h"
#include "svc/idempotency.h"

bool api_idem_begin_or_reply(struct api_req *req, const char *body, size_t len,
                             struct api_idem *st, struct api_resp *resp)
{
    const char *key = api_req_header(req, "Idempotency-Key");
    struct idem_result r;
    struct err err;
    struct db *db;
    int rc;

    memset(st, 0, sizeof(*st));
    if (!key || !req->caller || !api_method_has_body(req->method))
        return false;
    err_clear(&err);
    if (idem_key_check(key, &err) < 0) {
        api_err_reply(resp, &err);
        return true;
    }
    db = api_db_acquire(req->ctx);
    rc = idem_begin(db, req->caller->scope.user_id, key, req->method, req->path, body, len,
                    api_auth_now(), &r, &err);
    api_db_release(req->ctx);
    if (rc < 0) {
        if (err.code == ERR_INVALID) {
            api_err_reply(resp, &err);
            return true;
        }
        log_kv(LOG_ERROR, "idempotency store failed", "detail", err.msg, NULL);
        api_error_reply(resp, ERR_DB, "", "the store failed; see the log");
        return true;
    }
    switch (r.verdict) {
    case IDEM_RUN:
        st->active = true;
        memcpy(st->caller, req->caller->scope.user_id, sizeof(st->caller));
        memcpy(st->key, key, strlen(key) + 1);
        return false;
    case IDEM_REPLAY:
        api_text_reply(resp, r.status, "application/json", r.body, r.len);
        api_resp_header(resp, "Idempotent-Replayed", "true");
        free(r.body);
        return true;
    case IDEM_REUSED:
        err_set_(&err, __func__, __LINE__, ERR_CONFLICT, "idempotency_key_reused",
                 "Idempotency-Key", "this Idempotency-Key was used for a different request");
        break;
    case IDEM_BUSY:
        err_set_(&err, __func__, __LINE__, ERR_CONFLICT, "idempotency_in_progress",
                 "Idempotency-Key", "the first request with this Idempotency-Key is running");
        break;
    case IDEM_SECRET:
        err_set_(&err, __func__, __LINE__, ERR_CONFLICT, "idempotency_secret_not_replayed",
                 "Idempotency-Key", "the first response (status %d) held a secret shown only "
                 "once, so it is not repeated", r.status);
        break;
    }
    api_err_reply(resp, &err);
    return true;
}

void api_idem_finish(struct api_req *req, struct api_idem *st, const struct api_resp *resp)
{
    struct err err;
    struct db *db;
    int rc;

    if (!st->active)
        return;
    err_clear(&err);
    db = api_db_acquire(req->ctx);
    rc = idem_finish(db, st->caller, st->key, resp->status, resp->body, resp->body_len,
                     !resp->secret, &err);
    api_db_release(req->ctx);
    if (rc < 0)
        log_kv(LOG_ERROR, "idempotency store failed", "detail", err.msg, NULL);
    st->active = false;
}
