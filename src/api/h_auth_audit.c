/*
 * api/h_auth_audit.c — GET /v1/audit: the audit log within the caller's scope, newest first.
 *
 *   ?limit=N        1..500, default 100
 *   ?before=ID      rows older than ID (the previous page's next_before)
 *   ?object_type=T  ?object_id=ID   narrow to one kind of object or one object
 * The log is append-only: this is its only route, and there is no PUT, PATCH or DELETE on it.
 * before/after are returned as the JSON they were recorded as.
 */
#include <string.h>

#include "api/auth.h"
#include "api/router.h"
#include "store/db.h"
#include "store/repo_audit.h"

/* Bounded decimal of 0..max digits-only text; -1 when it is not one (never overflows). */
static int64_t parse_count(const char *s, int64_t max)
{
    int64_t v = 0;

    if (!s || !*s)
        return -1;
    for (; *s; s++) {
        int d = *s - '0';

        if (*s < '0' || *s > '9' || v > (max - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    return v;
}

static json_t *text_json(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* Recorded JSON text back as JSON; text that does not parse is returned as a string. */
static json_t *recorded(const char *s)
{
    json_t *v;

    if (!s)
        return json_null();
    v = json_loads(s, JSON_DECODE_ANY, NULL);
    return v ? v : json_string(s);
}

struct page {
    json_t *list;
    int64_t last;
};

static int add_row(const struct audit_row *r, void *arg)
{
    struct page *p = arg;
    char at[INSTANT_STRLEN];

    instant_format(r->at, at);
    p->last = r->id;
    return json_array_append_new(
        p->list,
        json_pack("{s:I, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "id",
                  (json_int_t)r->id, "at", at, "actor", text_json(r->actor), "scope",
                  text_json(r->scope), "action", text_json(r->action), "object_type",
                  text_json(r->object_type), "object_id", text_json(r->object_id), "before",
                  recorded(r->before), "after", recorded(r->after), "request_id",
                  text_json(r->request_id), "partner_id", text_json(r->partner_id),
                  "customer_id", text_json(r->customer_id)));
}

void api_h_audit_list(struct api_req *req, struct api_resp *resp)
{
    const char *limit = api_req_query(req, "limit"), *before = api_req_query(req, "before");
    struct audit_filter f;
    struct scope scope;
    struct page page;
    struct err err;
    struct db *db;
    int64_t v;
    int rc;

    if (api_scope_or_reply(req, resp, &scope) != 0)
        return;
    memset(&f, 0, sizeof(f));
    f.limit = 100;
    if (limit) {
        v = parse_count(limit, AUDIT_LIST_MAX);
        if (v < 1) {
            api_error_reply(resp, ERR_INVALID, "limit", "limit must be 1 to %d", AUDIT_LIST_MAX);
            return;
        }
        f.limit = (int)v;
    }
    if (before) {
        v = parse_count(before, INT64_MAX);
        if (v < 1) {
            api_error_reply(resp, ERR_INVALID, "before", "before must be an audit entry id");
            return;
        }
        f.before_id = v;
    }
    f.object_type = api_req_query(req, "object_type");
    f.object_id = api_req_query(req, "object_id");
    page.list = json_array();
    page.last = 0;
    if (!page.list) {
        api_json_reply(resp, 500, NULL);
        return;
    }
    err_clear(&err);
    db = api_db_acquire(req->ctx);
    rc = repo_audit_list(db, &scope, &f, add_row, &page, &err);
    api_db_release(req->ctx);
    if (rc < 0) {
        json_decref(page.list);
        api_err_reply(resp, &err);
        return;
    }
    api_json_reply(resp, 200, json_pack("{s:o, s:o}", "entries", page.list, "next_before",
                                        (int)json_array_size(page.list) == f.limit && page.last
                                            ? json_integer(page.last)
                                            : json_null()));
}
