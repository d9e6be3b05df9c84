/*
 * api/json.c — JSON in and out of the API: body parsing, the error body, the reply helpers.
 *
 * One error shape for every failure (DESIGN.md "Errors"):
 *   {"error":{"code":"parse_error","message":"malformed JSON at line 1 column 7: …","field":""}}
 * with the HTTP status from err_http_status. Server-side failures (5xx) never show their
 * message to the client: it may name files or SQL. They log it with where it arose and reply
 * with a fixed sentence carrying the request id instead.
 *
 * Bodies are parsed with duplicate keys rejected ({"now":1,"now":2} is ambiguous; refuse it)
 * and NUL bytes inside strings refused (jansson's default), so what a handler sees is
 * unambiguous. Workload: bodies of a few hundred bytes; the cap is enforced before parsing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/log.h"

/* Last resort when even the error body cannot be allocated. */
static const char oom_body[] =
    "{\"error\":{\"code\":\"out_of_memory\",\"message\":\"out of memory\",\"field\":\"\"}}";

const char *api_req_param(const struct api_req *req, const char *name)
{
    for (int i = 0; i < req->nparams; i++)
        if (strcmp(req->params[i].name, name) == 0)
            return req->params[i].value;
    return NULL;
}

void api_resp_init(struct api_resp *resp)
{
    memset(resp, 0, sizeof(*resp));
}

void api_resp_release(struct api_resp *resp)
{
    free(resp->body);
    resp->body = NULL;
    resp->body_len = 0;
}

int api_resp_header(struct api_resp *resp, const char *name, const char *value)
{
    struct api_header *h;

    if (resp->nheaders >= API_MAX_HEADERS)
        return -1;
    h = &resp->headers[resp->nheaders++];
    snprintf(h->name, sizeof(h->name), "%s", name);
    snprintf(h->value, sizeof(h->value), "%s", value);
    return 0;
}

/* Install a body: ownership of `body` moves to resp. */
static void set_body(struct api_resp *resp, int status, const char *content_type, char *body,
                     size_t len)
{
    free(resp->body);
    resp->status = status;
    resp->content_type = content_type;
    resp->body = body;
    resp->body_len = len;
}

static void oom_reply(struct api_resp *resp)
{
    char *copy = malloc(sizeof(oom_body));

    if (copy)
        memcpy(copy, oom_body, sizeof(oom_body));
    /* A NULL body with status 500 makes the server send its own static copy. */
    set_body(resp, 500, "application/json", copy, copy ? sizeof(oom_body) - 1 : 0);
}

void api_text_reply(struct api_resp *resp, int status, const char *content_type,
                    const char *text, size_t len)
{
    char *copy = malloc(len + 1);

    if (!copy) {
        oom_reply(resp);
        return;
    }
    memcpy(copy, text, len);
    copy[len] = '\0';
    set_body(resp, status, content_type, copy, len);
}

void api_json_reply(struct api_resp *resp, int status, json_t *obj)
{
    char *text;

    if (!obj) {
        oom_reply(resp);
        return;
    }
    text = json_dumps(obj, JSON_COMPACT | JSON_ENCODE_ANY);
    json_decref(obj);
    if (!text) {
        oom_reply(resp);
        return;
    }
    /* jansson allocates with malloc by default; the body is freed with free(). */
    set_body(resp, status, "application/json", text, strlen(text));
}

void api_err_reply(struct api_resp *resp, const struct err *e)
{
    int status = err_http_status(e->code);
    const char *msg = e->msg;
    char hidden[160], line[16];
    json_t *obj;

    if (status >= 500) {
        snprintf(line, sizeof(line), "%d", e->line);
        log_kv(LOG_ERROR, "request failed", "code", err_reason(e), "error", e->msg, "func",
               e->func ? e->func : "", "line", line, NULL);
        snprintf(hidden, sizeof(hidden), "internal error (%s); the server log has details",
                 err_reason(e));
        msg = hidden;
    }
    obj = json_pack("{s:{s:s, s:s, s:s}}", "error", "code", err_reason(e), "message", msg,
                    "field", e->field);
    api_json_reply(resp, status, obj);
}

void api_error_reply(struct api_resp *resp, enum err_code code, const char *field,
                     const char *fmt, ...)
{
    struct err e;
    va_list ap;

    err_clear(&e);
    e.code = code;
    snprintf(e.field, sizeof(e.field), "%s", field ? field : "");
    va_start(ap, fmt);
    vsnprintf(e.msg, sizeof(e.msg), fmt, ap);
    va_end(ap);
    api_err_reply(resp, &e);
}

int api_json_parse_body(const char *body, size_t len, json_t **out, struct err *err)
{
    json_error_t jerr;
    json_t *v;

    *out = NULL;
    if (len == 0)
        return err_set(err, ERR_PARSE, "", "empty request body; expected a JSON object");
    v = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!v)
        return err_set(err, ERR_PARSE, "", "malformed JSON at line %d column %d: %s",
                       jerr.line, jerr.column, jerr.text);
    if (!json_is_object(v)) {
        json_decref(v);
        return err_set(err, ERR_INVALID, "", "request body must be a JSON object");
    }
    *out = v;
    return 0;
}

int api_field_string_or_reply(struct api_req *req, struct api_resp *resp, const char *name,
                              const char **out)
{
    json_t *v = req->body ? json_object_get(req->body, name) : NULL;

    if (!v) {
        api_error_reply(resp, ERR_INVALID, name, "field '%s' is required", name);
        return -1;
    }
    if (!json_is_string(v)) {
        api_error_reply(resp, ERR_INVALID, name, "field '%s' must be a string", name);
        return -1;
    }
    *out = json_string_value(v);
    return 0;
}

int api_fields_known_or_reply(struct api_req *req, struct api_resp *resp,
                              const char *const *allowed)
{
    const char *key;
    json_t *value;

    if (!req->body)
        return 0;
    json_object_foreach(req->body, key, value) {
        bool known = false;

        for (const char *const *a = allowed; *a; a++)
            if (strcmp(*a, key) == 0)
                known = true;
        if (!known) {
            api_error_reply(resp, ERR_INVALID, key, "unknown field '%.64s'", key);
            return -1;
        }
    }
    return 0;
}
