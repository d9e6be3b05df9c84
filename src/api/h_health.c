/*
 * api/h_health.c — the operator's probes: GET /healthz, GET /readyz, GET /metrics.
 *
 * /healthz answers as long as the process serves HTTP (a liveness probe must not depend on
 * the database, or a slow disk would get a healthy process killed). /readyz asks the store a
 * trivial question and answers 503 when it cannot, so a load balancer stops routing to it.
 * /metrics renders the counters kept by the server (metrics.c).
 */
#include <stdlib.h>

#include "api/metrics.h"
#include "api/router.h"
#include "store/db.h"

void api_h_healthz(struct api_req *req, struct api_resp *resp)
{
    (void)req;
    api_json_reply(resp, 200, json_pack("{s:s}", "status", "ok"));
}

void api_h_readyz(struct api_req *req, struct api_resp *resp)
{
    struct db *db = api_db_acquire(req->ctx);
    bool up = db && db_ping(db);

    api_db_release(req->ctx);
    if (up)
        api_json_reply(resp, 200, json_pack("{s:s}", "status", "ok"));
    else
        api_json_reply(resp, 503,
                       json_pack("{s:{s:s, s:s, s:s}}", "error", "code", "not_ready", "message",
                                 "the store does not answer", "field", ""));
}

void api_h_metrics(struct api_req *req, struct api_resp *resp)
{
    struct err err;
    char *text;
    size_t len;

    err_clear(&err);
    if (metrics_render(req->ctx->metrics, &text, &len, &err) != 0) {
        api_err_reply(resp, &err);
        return;
    }
    api_text_reply(resp, 200, "text/plain; version=0.0.4; charset=utf-8", text, len);
    free(text);
}
