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
#include "api/jw.h"
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

/*
 * The reply writer: the bytes json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) makes, written
 * straight into one growing buffer. jansson's own dump goes through a callback per token and
 * decodes every character; it was a quarter of the CPU of a subscription list
 * (bench/RESULTS.md, bench 4). Same output by construction: keys in insertion order, no
 * spaces, '"' '\\' and control characters escaped (\b \f \n \r \t, else \u00XX with
 * capital hex), '/' and non-ASCII as is, integers as %lld. Anything else (reals, a string
 * that is not valid UTF-8) is left to jansson: write_value then fails and the caller falls
 * back to json_dumps for the whole value (tests/unit/test_api_json.c compares the two).
 */
static int out_reserve(struct jw *o, size_t n)
{
    size_t cap = o->cap ? o->cap : 4096;
    char *p;

    if (o->len + n < o->cap)
        return 0;
    while (cap <= o->len + n)
        cap *= 2;
    p = realloc(o->p, cap);
    if (!p)
        return -1;
    o->p = p;
    o->cap = cap;
    return 0;
}

static int out_put(struct jw *o, const char *s, size_t n)
{
    if (out_reserve(o, n) < 0)
        return -1;
    memcpy(o->p + o->len, s, n);
    o->len += n;
    return 0;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes, s[0] >= 0x80), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    size_t need;
    unsigned int cp;

    if (s[0] >= 0xc2 && s[0] <= 0xdf) {
        need = 2;
        cp = s[0] & 0x1f;
    } else if (s[0] >= 0xe0 && s[0] <= 0xef) {
        need = 3;
        cp = s[0] & 0x0f;
    } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        need = 4;
        cp = s[0] & 0x07;
    } else {
        return 0;
    }
    if (n < need)
        return 0;
    for (size_t i = 1; i < need; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if ((need == 3 && cp < 0x800) || (need == 4 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return need;
}

static int write_string(struct jw *o, const char *str, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *s = (const unsigned char *)str;
    size_t run = 0, i = 0;

    /* room for the rest of the string, its quotes and one escape, renewed at each escape */
    if (out_reserve(o, n + 8) < 0)
        return -1;
    o->p[o->len++] = '"';
    while (i < n) {
        unsigned char c = s[i];
        char *w;

        if (c >= 0x80) {
            size_t k = utf8_len(s + i, n - i);

            if (!k)
                return -1;
            i += k;
            continue;
        }
        if (c >= 0x20 && c != '"' && c != '\\') {
            i++;
            continue;
        }
        if (out_reserve(o, n - run + 8) < 0)
            return -1;
        memcpy(o->p + o->len, s + run, i - run);
        o->len += i - run;
        w = o->p + o->len;
        w[0] = '\\';
        switch (c) {
        case '"': w[1] = '"'; break;
        case '\\': w[1] = '\\'; break;
        case '\b': w[1] = 'b'; break;
        case '\f': w[1] = 'f'; break;
        case '\n': w[1] = 'n'; break;
        case '\r': w[1] = 'r'; break;
        case '\t': w[1] = 't'; break;
        default:
            memcpy(w + 1, "u00", 3);
            w[4] = hex[c >> 4];
            w[5] = hex[c & 15];
            o->len += 4;
        }
        o->len += 2;
        run = ++i;
    }
    memcpy(o->p + o->len, s + run, n - run);
    o->len += n - run;
    o->p[o->len++] = '"';
    return 0;
}

/* v in decimal into buf (at least 21 bytes, no NUL); the length. */
static size_t int_text(int64_t v, char *buf)
{
    char tmp[24];
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    size_t n = 0, len = 0;

    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        buf[len++] = '-';
    while (n)
        buf[len++] = tmp[--n];
    return len;
}

static int write_value(struct jw *o, const json_t *v, int depth)
{
    char num[32];
    size_t i;

    if (depth > 2048)
        return -1; /* jansson's own limit decides */
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        const char *key;
        json_t *val;
        bool first = true;

        if (out_put(o, "{", 1) < 0)
            return -1;
        for (void *it = json_object_iter((json_t *)v); it;
             it = json_object_iter_next((json_t *)v, it)) {
            key = json_object_iter_key(it);
            val = json_object_iter_value(it);
            if ((!first && out_put(o, ",", 1) < 0) ||
                write_string(o, key, json_object_iter_key_len(it)) < 0 ||
                out_put(o, ":", 1) < 0 || write_value(o, val, depth + 1) < 0)
                return -1;
            first = false;
        }
        return out_put(o, "}", 1);
    }
    case JSON_ARRAY:
        if (out_put(o, "[", 1) < 0)
            return -1;
        for (i = 0; i < json_array_size(v); i++)
            if ((i && out_put(o, ",", 1) < 0) ||
                write_value(o, json_array_get(v, i), depth + 1) < 0)
                return -1;
        return out_put(o, "]", 1);
    case JSON_STRING:
        return write_string(o, json_string_value(v), json_string_length(v));
    case JSON_INTEGER:
        return out_put(o, num, int_text(json_integer_value(v), num));
    case JSON_TRUE: return out_put(o, "true", 4);
    case JSON_FALSE: return out_put(o, "false", 5);
    case JSON_NULL: return out_put(o, "null", 4);
    case JSON_REAL: break;
    }
    return -1;
}

/* ---- the streaming writer (api/jw.h) ---- */

void jw_init(struct jw *w, size_t hint)
{
    w->p = NULL;
    w->len = 0;
    w->cap = 0;
    w->fresh = true;
    w->failed = false;
    if (hint && !(w->p = malloc(hint)))
        w->failed = true;
    else if (hint)
        w->cap = hint;
}

void jw_free(struct jw *w)
{
    free(w->p);
    w->p = NULL;
    w->len = w->cap = 0;
}

/*
 * Room for the comma a value or key needs (none right after an opening or a key) and n more
 * bytes, the comma written; NULL once the writer failed.
 */
static char *jw_begin(struct jw *w, size_t n)
{
    if (w->failed)
        return NULL;
    if (out_reserve(w, n + 1) < 0) {
        w->failed = true;
        return NULL;
    }
    if (!w->fresh)
        w->p[w->len++] = ',';
    w->fresh = false;
    return w->p + w->len;
}

/*
 * Bytes a JSON string cannot carry as they are (or that need the UTF-8 check), one bit each:
 * the controls 0x00-0x1f, '"' (0x22), '\\' (0x5c), DEL (0x7f) and everything from 0x80.
 */
static const uint64_t not_plain[4] = {
    0x00000004ffffffffULL, 0x8000000010000000ULL, ~0ULL, ~0ULL,
};

/* Printable ASCII with nothing to escape: copied as is between its quotes. */
static bool plain(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;

    for (size_t i = 0; i < n; i++)
        if ((not_plain[u[i] >> 6] >> (u[i] & 63)) & 1)
            return false;
    return true;
}

static void jw_close(struct jw *w, char c)
{
    if (w->failed)
        return;
    if (out_reserve(w, 1) < 0) {
        w->failed = true;
        return;
    }
    w->p[w->len++] = c;
    w->fresh = false;
}

static void jw_open(struct jw *w, char c)
{
    char *p = jw_begin(w, 1);

    if (!p)
        return;
    *p = c;
    w->len++;
    w->fresh = true;
}

void jw_open_object(struct jw *w)
{
    jw_open(w, '{');
}

void jw_close_object(struct jw *w)
{
    jw_close(w, '}');
}

void jw_open_array(struct jw *w)
{
    jw_open(w, '[');
}

void jw_close_array(struct jw *w)
{
    jw_close(w, ']');
}

/* A string, then `colon` when it is a key. */
static void jw_text(struct jw *w, const char *s, size_t n, bool colon)
{
    char *p;

    if (plain(s, n)) {
        if (!(p = jw_begin(w, n + 3)))
            return;
        p[0] = '"';
        memcpy(p + 1, s, n);
        p[n + 1] = '"';
        p[n + 2] = ':';
        w->len += n + 2 + colon;
    } else {
        if (!jw_begin(w, 0))
            return;
        if (write_string(w, s, n) < 0 || (colon && out_put(w, ":", 1) < 0))
            w->failed = true;
    }
    w->fresh = colon;
}

void jw_raw_key(struct jw *w, const char *text, size_t n)
{
    char *p = jw_begin(w, n);

    if (p) {
        memcpy(p, text, n);
        w->len += n;
        w->fresh = true;
    }
}

void jw_formatted(struct jw *w, const char *s, size_t n)
{
    char *p = jw_begin(w, n + 2);

    if (p) {
        p[0] = '"';
        memcpy(p + 1, s, n);
        p[n + 1] = '"';
        w->len += n + 2;
    }
}

void jw_key(struct jw *w, const char *key)
{
    jw_text(w, key, strlen(key), true);
}

void jw_stringn(struct jw *w, const char *s, size_t n)
{
    jw_text(w, s, n, false);
}

void jw_string(struct jw *w, const char *s)
{
    jw_text(w, s, strlen(s), false);
}

void jw_string_or_null(struct jw *w, const char *s)
{
    if (s)
        jw_string(w, s);
    else
        jw_null(w);
}

void jw_int(struct jw *w, int64_t v)
{
    char *p = jw_begin(w, 24);

    if (p)
        w->len += int_text(v, p);
}

static void jw_word(struct jw *w, const char *word, size_t n)
{
    char *p = jw_begin(w, n);

    if (p) {
        memcpy(p, word, n);
        w->len += n;
    }
}

void jw_bool(struct jw *w, bool v)
{
    jw_word(w, v ? "true" : "false", v ? 4 : 5);
}

void jw_null(struct jw *w)
{
    jw_word(w, "null", 4);
}

char *jw_take(struct jw *w, size_t *len)
{
    char *text;

    if (!w->failed && out_reserve(w, 1) < 0)
        w->failed = true;
    if (w->failed) {
        jw_free(w);
        return NULL;
    }
    w->p[w->len] = '\0';
    text = w->p;
    *len = w->len;
    w->p = NULL;
    w->len = w->cap = 0;
    return text;
}

int jw_reply(struct jw *w, struct api_resp *resp, int status)
{
    size_t len;
    char *text = jw_take(w, &len);

    if (!text)
        return -1;
    /* malloc'd like every body; freed with free() */
    set_body(resp, status, "application/json", text, len);
    return 0;
}

void api_json_reply(struct api_resp *resp, int status, json_t *obj)
{
    struct jw o = {NULL, 0, 0, true, false};
    char *text;
    size_t len;

    if (!obj) {
        oom_reply(resp);
        return;
    }
    if (write_value(&o, obj, 0) == 0 && out_reserve(&o, 1) == 0) {
        o.p[o.len] = '\0';
        text = o.p;
        len = o.len;
    } else {
        free(o.p);
        text = json_dumps(obj, JSON_COMPACT | JSON_ENCODE_ANY);
        len = text ? strlen(text) : 0;
    }
    json_decref(obj);
    if (!text) {
        oom_reply(resp);
        return;
    }
    /* both writers allocate with malloc; the body is freed with free() */
    set_body(resp, status, "application/json", text, len);
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
