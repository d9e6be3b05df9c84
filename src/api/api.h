/*
 * api/api.h — what a route handler sees: the request, the response it fills, the server-wide
 * context, and the reply helpers.
 *
 * The HTTP library (libmicrohttpd) stays inside server.c: a handler gets a `struct api_req`
 * whose path parameters are already extracted and whose JSON body (for POST/PUT/PATCH) is
 * already parsed and known to be an object, and it fills a `struct api_resp` through the
 * *_reply helpers below. The generic checks (route, method, body cap, JSON) have run before
 * any handler is called (STYLE.md rule 8), so a handler only validates its own fields.
 *
 * Ownership: the request and everything it points to belong to the server and live until
 * the handler returns. A response body set by a reply helper is owned by the response and
 * freed by api_resp_release. A handler always leaves a reply: if it forgets, the server
 * answers 500.
 *
 * Threads: handlers run on the server's worker threads, several at once. Shared state in the
 * context is reached only through the functions below, which take its locks.
 */
#ifndef CSPD_API_API_H
#define CSPD_API_API_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/id.h"

struct db;
struct metrics;
struct api_route;
struct auth_principal;
struct api_db_pool;

#define API_MAX_PARAMS 8
#define API_PARAM_BUF 512       /* all path parameter values of one request, NUL-separated */
#define API_MAX_HEADERS 8       /* extra response headers a handler may add */
#define API_REQID_MAX 65        /* request id: up to 64 characters + NUL */

/* Server-wide state shared by every request. Created by server.c; opaque to handlers. */
struct api_ctx {
    struct db *db;               /* borrowed from the caller; without a pool, used under
                                    db_lock by every request */
    pthread_mutex_t db_lock;
    struct api_db_pool *pool;    /* file database: one connection per worker thread, `db`
                                    among them (server.c); NULL: `db` under db_lock */
    struct clock clock;          /* the business clock; guarded by clock_lock */
    pthread_mutex_t clock_lock;
    struct metrics *metrics;     /* owned */
    size_t max_body;             /* default request body cap in bytes */
    bool secure_cookies;         /* session cookies carry Secure (serve --secure-cookies) */
};

struct api_param {
    const char *name;            /* points into the route pattern, NUL-terminated copy below */
    const char *value;           /* points into api_req.param_buf */
};

struct api_req {
    struct api_ctx *ctx;
    const struct api_route *route;
    const char *method;          /* as received ("GET") */
    const char *path;            /* decoded path, without the query string */
    const char *request_id;
    void *conn;                  /* the HTTP library's connection (server.c only); may be NULL */
    json_t *body;                /* parsed JSON object for POST/PUT/PATCH, else NULL; borrowed */
    const struct auth_principal *caller; /* who is calling (svc/auth.h); NULL on public routes;
                                            handlers use api_req_scope (api/auth.h) */
    int nparams;
    struct api_param params[API_MAX_PARAMS];
    char param_names[API_PARAM_BUF];
    char param_buf[API_PARAM_BUF];
};

struct api_header {
    char name[32];
    char value[224];
};

struct api_resp {
    int status;                  /* 0 until a reply helper ran */
    const char *content_type;    /* static string */
    char *body;                  /* owned (malloc), may be NULL with body_len 0 */
    size_t body_len;
    int nheaders;
    struct api_header headers[API_MAX_HEADERS];
    bool secret;                 /* the body holds a secret shown once: never stored for an
                                    Idempotency-Key replay */
};

typedef void (*api_handler)(struct api_req *req, struct api_resp *resp);

/* The value of path parameter `name` ("{id}" in the pattern), or NULL. */
const char *api_req_param(const struct api_req *req, const char *name);
/* A request header (case-insensitive name), or NULL. */
const char *api_req_header(const struct api_req *req, const char *name);

/* The business clock, read under its lock. */
instant_t api_now(struct api_ctx *ctx);
/* Copy of the clock (kind and settings), read under its lock. */
struct clock api_clock_get(struct api_ctx *ctx);
/* Replace the clock under its lock. */
void api_clock_put(struct api_ctx *ctx, const struct clock *c);

/*
 * Exclusive use of a store connection for the length of a handler's work; always pair them on
 * the same thread, never nested. On a file database each worker thread gets its own
 * connection (SQLite WAL: reads run side by side); the sections of requests that change
 * something (POST, PUT, PATCH, DELETE) also hold the server's write lock, so writers queue
 * in the process instead of polling SQLite's busy lock.
 */
struct db *api_db_acquire(struct api_ctx *ctx);
void api_db_release(struct api_ctx *ctx);

void api_resp_init(struct api_resp *resp);
/* Free the body; the response may be reused after api_resp_init. */
void api_resp_release(struct api_resp *resp);
/* Add a response header (copied; silently truncated to the fixed sizes). -1 when full. */
int api_resp_header(struct api_resp *resp, const char *name, const char *value);

/*
 * Reply helpers: each sets status, content type and body of `resp`, replacing any earlier
 * reply. On allocation failure they fall back to a static 500 error body, so a reply is
 * always left behind.
 */
/* Serialise `obj` (reference stolen, may be NULL meaning allocation failed). */
void api_json_reply(struct api_resp *resp, int status, json_t *obj);
/* The error body {"error":{"code","message","field"}} with err_http_status(e->code). */
void api_err_reply(struct api_resp *resp, const struct err *e);
/* Shorthand: build the error in place and reply with it. */
void api_error_reply(struct api_resp *resp, enum err_code code, const char *field,
                     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* A plain body (copied). */
void api_text_reply(struct api_resp *resp, int status, const char *content_type,
                    const char *text, size_t len);

#define API_XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#define API_FILE_REPLY_MAX ((long)64 << 20) /* 64 MiB */
/* Writes a document to the file `path` (0, or -1 with err filled). */
typedef int (*api_file_writer)(const void *ctx, const char *path, struct err *err);
/*
 * 200 with the document `write` puts in a temporary file (api/file_reply.c), sent as an
 * attachment named `filename` (a literal of ours, never user input); the writer's error
 * otherwise. For libraries that only write to file names (libxlsxwriter).
 */
void api_file_reply(struct api_resp *resp, api_file_writer write, const void *ctx,
                    const char *content_type, const char *filename);

/*
 * Parse a request body as JSON. Malformed text is ERR_PARSE naming line and column
 * ("malformed JSON at line 1 column 7: …"); an empty body is ERR_PARSE; a value that is not
 * an object is ERR_INVALID. On success *out holds a new reference.
 */
int api_json_parse_body(const char *body, size_t len, json_t **out, struct err *err);

/*
 * Field helpers for handlers: fetch `name` from the request body object and reply 422
 * naming the field when it is missing or of the wrong type. Return 0, or -1 after replying.
 * The returned string is borrowed from the body.
 */
int api_field_string_or_reply(struct api_req *req, struct api_resp *resp, const char *name,
                              const char **out);
/* Reply 422 naming the first key of the body that is not in the NULL-terminated `allowed`. */
int api_fields_known_or_reply(struct api_req *req, struct api_resp *resp,
                              const char *const *allowed);

#endif
