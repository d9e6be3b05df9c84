/*
 * api/server.c — libmicrohttpd glue: one request from headers to access-log line.
 *
 * libmicrohttpd calls on_request several times per request: once when the headers are in,
 * once per chunk of body, and once more when the body is complete. That maps onto three
 * steps here:
 *   1. headers: start the timer, fix the request id, match the route (404/405 are answered at
 *      once, without reading the body), compare a declared Content-Length with the cap (413
 *      at once, so the client is not made to upload what will be refused); on a route whose
 *      cap is above the server's (uploads), authenticate and authorize now (401/403/404 at
 *      once), so only callers the route admits can make the server hold that much;
 *   2. body chunks: append up to the cap; past it, remember "too big" and discard the rest
 *      (chunked uploads have no length to check up front, and the library does not allow a
 *      reply in the middle of an upload), closing the connection if that goes on for more
 *      than API_DISCARD_MAX bytes;
 *   3. complete: 413 if too big, else authenticate and authorize (api/auth.c: 401/403/404),
 *      parse JSON for POST/PUT/PATCH, answer a repeated Idempotency-Key from the first
 *      response (api/auth_idem.c), call the handler, keep its response for retries, send.
 * Every reply goes through finish(), which adds the common headers, counts the request in
 * the metrics and writes the access-log line, so no path can skip them.
 *
 * Threads: a pool of cfg->threads (API_DEFAULT_THREADS); a connection stays on one thread, so
 * the per-request state needs no lock. Shared state (clock, metrics) has its own locks; the
 * store is one writer connection under a lock plus, on a database file, a reader connection
 * per thread (api_db_pool below).
 * Memory per request: the state struct plus a body of at most the cap.
 */
#include <errno.h>
#include <microhttpd.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "api/auth.h"
#include "api/listen.h"
#include "api/metrics.h"
#include "api/router.h"
#include "api/server.h"
#include "core/id.h"
#include "core/log.h"
#include "store/db.h"

struct api_server {
    struct MHD_Daemon *daemon;
    struct api_ctx ctx;
    unsigned port;
    char addr[API_ADDR_MAX + 8];
    atomic_int draining;     /* set by api_server_stop: replies ask clients to close */
    atomic_ulong fallback_ids; /* request ids when the random source fails */
};

/* Per-request state, owned by the library's con_cls slot; freed in on_completed. */
struct conn_state {
    struct timespec start;
    char request_id[API_REQID_MAX];
    enum api_match match;
    const struct api_route *label_route; /* for metrics: matched pattern, or NULL */
    char allow[64];
    size_t limit;
    char *body;
    size_t len, cap;
    bool too_big;
    size_t discarded;   /* bytes read and dropped after the cap was passed */
    struct api_req req;
    struct auth_principal caller; /* filled by the auth step (api/auth.c) */
    bool authed;                  /* the auth step ran at the headers and admitted the caller */
    struct api_idem idem;         /* the Idempotency-Key step's state */
};

/*
 * A chunked body past the cap is read and dropped so the client still gets its 413; past this
 * much more, the connection is simply closed.
 */
#define API_DISCARD_MAX ((size_t)16 << 20)

static const char oom_body[] =
    "{\"error\":{\"code\":\"out_of_memory\",\"message\":\"out of memory\",\"field\":\"\"}}";

/* ---- the context seen by handlers (api.h) ---- */

const char *api_req_header(const struct api_req *req, const char *name)
{
    if (!req->conn)
        return NULL;
    return MHD_lookup_connection_value((struct MHD_Connection *)req->conn, MHD_HEADER_KIND,
                                       name);
}

const char *api_req_cookie(const struct api_req *req, const char *name)
{
    if (!req->conn)
        return NULL;
    return MHD_lookup_connection_value((struct MHD_Connection *)req->conn, MHD_COOKIE_KIND,
                                       name);
}

const char *api_req_query(const struct api_req *req, const char *name)
{
    if (!req->conn)
        return NULL;
    return MHD_lookup_connection_value((struct MHD_Connection *)req->conn,
                                       MHD_GET_ARGUMENT_KIND, name);
}

void api_req_client_addr(const struct api_req *req, char *out, size_t size)
{
    const union MHD_ConnectionInfo *ci;
    const struct sockaddr *sa;

    out[0] = '\0';
    if (!req->conn)
        return;
    ci = MHD_get_connection_info((struct MHD_Connection *)req->conn,
                                 MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (!ci || !ci->client_addr)
        return;
    sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
                  (socklen_t)size);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out,
                  (socklen_t)size);
}

instant_t api_now(struct api_ctx *ctx)
{
    struct clock c = api_clock_get(ctx);

    return clock_now(&c);
}

struct clock api_clock_get(struct api_ctx *ctx)
{
    struct clock c;

    pthread_mutex_lock(&ctx->clock_lock);
    c = ctx->clock;
    pthread_mutex_unlock(&ctx->clock_lock);
    return c;
}

void api_clock_put(struct api_ctx *ctx, const struct clock *c)
{
    pthread_mutex_lock(&ctx->clock_lock);
    ctx->clock = *c;
    pthread_mutex_unlock(&ctx->clock_lock);
}

/*
 * The connections of a file database, SQLite's way: one writer, many readers. The caller's
 * own connection is the writer: the store sections of mutating requests take it under
 * write_lock, one at a time, as every request did before there was a pool (and its page cache
 * stays warm: a connection's own commits do not void it, another's do). Readers are opened on
 * first need, at most `max` (one per worker thread, since a thread holds one at a time); a
 * thread that finds none free waits. A reader that cannot be opened stops further opens; with
 * no reader open (yet), reads go through the writer too. A GET that writes (a token's
 * last_used_at once a minute, a session's idle deadline) does so on its reader, under
 * SQLite's busy timeout.
 */
struct api_db_pool {
    pthread_mutex_t lock;
    pthread_cond_t freed;
    pthread_cond_t wake;         /* the checkpointer's sleep; signalled at stop */
    pthread_t checkpointer;
    struct db *checkpoint_db;    /* the checkpointer's own connection */
    bool checkpointing, stopping;
    pthread_mutex_t write_lock;  /* guards `writer` */
    struct db *writer;           /* borrowed */
    char *url;
    struct db **free;            /* stack of idle readers */
    struct db **all;             /* reader slots: NULL while opening or after a failed open */
    unsigned nfree;
    unsigned nopen;              /* slots taken, `max` at most */
    unsigned nready;             /* readers open */
    unsigned max;
};

/* Does `method` change something (its store sections then take the write lock)? */
static bool api_method_mutates(const char *method)
{
    return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 &&
           strcmp(method, "OPTIONS") != 0;
}

/* What this thread holds between api_db_acquire and api_db_release (never nested). */
static _Thread_local struct {
    struct db *db;
    bool write_locked;
} held;

/* Set by the request steps: the request on this thread changes something. */
static _Thread_local bool request_mutates;

/*
 * Checkpoints off the request path. With SQLite's default, the commit that takes the WAL past
 * 1000 pages copies them into the database and fdatasyncs, inside a request and under the
 * write lock: a quarter of an order's CPU (bench/RESULTS.md, bench 4). Here the server's
 * connections do not checkpoint (wal_autocheckpoint=0) and this thread checkpoints on its own
 * connection every API_CHECKPOINT_MS, holding the write lock so that it completes (with writes
 * going on it never would, and the WAL would grow without end) and the next commit starts the
 * WAL afresh; readers go on meanwhile. A page that many commits changed is copied once, and
 * there is one fdatasync per round: orders went from ~620-920 to ~1,400-1,900 a second, their
 * p99 from ~65-125 to ~170-190 ms (writers wait out a round); the WAL file holds about a round
 * of writes (~80 MB at that rate). Other connections on the file (the daily-jobs thread, the
 * CLI) keep SQLite's default.
 */
#define API_CHECKPOINT_MS 200

static void *checkpoint_main(void *arg)
{
    struct api_db_pool *p = arg;
    struct db *db = p->checkpoint_db;
    struct err err;

    pthread_mutex_lock(&p->lock);
    while (!p->stopping) {
        struct timespec until;

        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += (API_CHECKPOINT_MS % 1000) * 1000000L;
        until.tv_sec += API_CHECKPOINT_MS / 1000 + until.tv_nsec / 1000000000L;
        until.tv_nsec %= 1000000000L;
        pthread_cond_timedwait(&p->wake, &p->lock, &until);
        pthread_mutex_unlock(&p->lock);
        err_clear(&err);
        /* under the write lock, so it finishes and the next commit starts the WAL afresh */
        pthread_mutex_lock(&p->write_lock);
        if (db_exec(db, "PRAGMA wal_checkpoint(PASSIVE)", &err) != 0)
            log_kv(LOG_WARN, "store: checkpoint failed", "detail", err.msg, NULL);
        pthread_mutex_unlock(&p->write_lock);
        pthread_mutex_lock(&p->lock);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

/* The server's own connections leave checkpoints to checkpoint_main. */
static void no_autocheckpoint(struct db *db)
{
    struct err err;

    err_clear(&err);
    if (db_exec(db, "PRAGMA wal_autocheckpoint=0", &err) != 0)
        log_kv(LOG_WARN, "store: wal_autocheckpoint", "detail", err.msg, NULL);
}

static struct db *pool_take(struct api_db_pool *p)
{
    struct db *db = NULL;
    struct err err;

    pthread_mutex_lock(&p->lock);
    for (;;) {
        if (p->nfree > 0) {
            db = p->free[--p->nfree];
            break;
        }
        if (p->nopen < p->max) {
            unsigned slot = p->nopen++; /* reserve the slot; open without the lock */

            pthread_mutex_unlock(&p->lock);
            err_clear(&err);
            if (db_open(p->url, &db, &err) != 0)
                db = NULL;
            else if (p->checkpointing)
                no_autocheckpoint(db);
            pthread_mutex_lock(&p->lock);
            if (db) {
                p->all[slot] = db;
                p->nready++;
                break;
            }
            p->max = p->nopen; /* no more tries; this slot stays empty */
            log_kv(LOG_WARN, "store: cannot open another connection; requests share fewer",
                   "detail", err.msg, NULL);
            continue;
        }
        if (p->nready == 0)
            break; /* no reader ready: the caller reads through the writer */
        pthread_cond_wait(&p->freed, &p->lock);
    }
    pthread_mutex_unlock(&p->lock);
    return db;
}

static void pool_give(struct api_db_pool *p, struct db *db)
{
    pthread_mutex_lock(&p->lock);
    p->free[p->nfree++] = db;
    pthread_cond_signal(&p->freed);
    pthread_mutex_unlock(&p->lock);
}

/* A pool for `url` when it names a database file and more than one thread will use it. */
static int pool_new(const char *url, struct db *writer, unsigned size,
                    struct api_db_pool **out, struct err *err)
{
    struct api_db_pool *p;

    *out = NULL;
    if (!url || !writer || !db_url_path(url) || size < 2)
        return 0;
    p = calloc(1, sizeof(*p));
    if (!p || !(p->url = strdup(url)) || !(p->free = calloc(size, sizeof(*p->free))) ||
        !(p->all = calloc(size, sizeof(*p->all)))) {
        if (p) {
            free(p->url);
            free(p->free);
        }
        free(p);
        return err_set(err, ERR_NOMEM, "", "out of memory starting the server");
    }
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->freed, NULL);
    pthread_cond_init(&p->wake, NULL);
    pthread_mutex_init(&p->write_lock, NULL);
    p->max = size;
    p->writer = writer;
    /* without its thread (or connection) the server's connections checkpoint as SQLite does */
    if (db_open(url, &p->checkpoint_db, err) != 0) {
        log_kv(LOG_WARN, "store: no checkpoint connection; commits checkpoint the WAL",
               "detail", err->msg, NULL);
        err_clear(err);
        p->checkpoint_db = NULL;
    } else if (pthread_create(&p->checkpointer, NULL, checkpoint_main, p) == 0) {
        p->checkpointing = true;
        no_autocheckpoint(writer);
    }
    *out = p;
    return 0;
}

/* Close the readers and free the pool (the writer stays the caller's). */
static void pool_free(struct api_db_pool *p)
{
    struct err err;

    if (!p)
        return;
    if (p->checkpointing) {
        pthread_mutex_lock(&p->lock);
        p->stopping = true;
        pthread_cond_signal(&p->wake);
        pthread_mutex_unlock(&p->lock);
        pthread_join(p->checkpointer, NULL);
        err_clear(&err);
        /* the writer goes back to its caller with SQLite's default */
        if (db_exec(p->writer, "PRAGMA wal_autocheckpoint=1000", &err) != 0)
            log_kv(LOG_WARN, "store: wal_autocheckpoint", "detail", err.msg, NULL);
    }
    db_close(p->checkpoint_db);
    for (unsigned i = 0; i < p->nopen; i++)
        db_close(p->all[i]);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->freed);
    pthread_cond_destroy(&p->wake);
    pthread_mutex_destroy(&p->write_lock);
    free(p->url);
    free(p->free);
    free(p->all);
    free(p);
}

struct db *api_db_acquire(struct api_ctx *ctx)
{
    if (!ctx->pool) {
        pthread_mutex_lock(&ctx->db_lock);
        return ctx->db;
    }
    held.db = request_mutates ? NULL : pool_take(ctx->pool);
    if (!held.db) {
        pthread_mutex_lock(&ctx->pool->write_lock);
        held.write_locked = true;
        return ctx->pool->writer;
    }
    return held.db;
}

void api_db_release(struct api_ctx *ctx)
{
    if (!ctx->pool) {
        pthread_mutex_unlock(&ctx->db_lock);
        return;
    }
    if (held.write_locked)
        pthread_mutex_unlock(&ctx->pool->write_lock);
    else
        pool_give(ctx->pool, held.db);
    held.db = NULL;
    held.write_locked = false;
}

/* ---- request steps ---- */

/* A client's X-Request-Id is kept when it is 1..64 characters of [A-Za-z0-9._:-]. */
static bool request_id_sane(const char *s)
{
    size_t n = 0;

    if (!s)
        return false;
    for (; s[n]; n++) {
        char c = s[n];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '_' || c == ':' || c == '-';

        if (!ok || n >= API_REQID_MAX - 1)
            return false;
    }
    return n > 0;
}

static void pick_request_id(struct api_server *s, struct MHD_Connection *conn,
                            char out[API_REQID_MAX])
{
    const char *given = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Request-Id");
    char id[ID_MAXLEN];
    struct err err;

    if (request_id_sane(given)) {
        snprintf(out, API_REQID_MAX, "%s", given);
        return;
    }
    err_clear(&err);
    if (id_new("req", id, &err) == 0) {
        snprintf(out, API_REQID_MAX, "%s", id);
        return;
    }
    snprintf(out, API_REQID_MAX, "req_local%lu", (unsigned long)++s->fallback_ids);
}

/*
 * Declared Content-Length above `limit`? Digits only, read without overflow: a value with
 * more digits than any cap is simply "too big".
 */
static bool declared_too_big(struct MHD_Connection *conn, size_t limit)
{
    const char *v = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                MHD_HTTP_HEADER_CONTENT_LENGTH);
    size_t n = 0;

    if (!v)
        return false;
    for (; *v; v++) {
        if (*v < '0' || *v > '9')
            return false; /* malformed: the library refuses the request itself */
        n = n * 10 + (size_t)(*v - '0');
        if (n > limit)
            return true;
    }
    return false;
}

static double seconds_since(const struct timespec *start)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/*
 * Send `resp` (its body moves to the library), count and log the request. Returns what the
 * access handler must return.
 */
static enum MHD_Result finish(struct api_server *s, struct MHD_Connection *conn,
                              struct conn_state *st, const char *method, const char *url,
                              struct api_resp *resp)
{
    struct MHD_Response *r;
    enum MHD_Result ret;
    char status[8], ms[32], bytes[24];
    double secs;

    if (resp->status == 0) {
        api_error_reply(resp, ERR_INTERNAL, "", "the handler left no reply");
        log_kv(LOG_ERROR, "handler left no reply", "path", url, NULL);
    }
    if (resp->body) {
        r = MHD_create_response_from_buffer_with_free_callback(resp->body_len, resp->body,
                                                               free);
        if (r)
            resp->body = NULL; /* owned by the library now */
    } else if (resp->status == 500 && resp->body_len == 0) {
        r = MHD_create_response_from_buffer(sizeof(oom_body) - 1, (void *)oom_body,
                                            MHD_RESPMEM_PERSISTENT);
        resp->content_type = "application/json";
    } else {
        r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    }
    if (!r) {
        api_resp_release(resp);
        return MHD_NO;
    }
    if (resp->content_type)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, resp->content_type);
    MHD_add_response_header(r, "X-Request-Id", st->request_id);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    if (resp->status == 405 && st->allow[0])
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, st->allow);
    for (int i = 0; i < resp->nheaders; i++)
        MHD_add_response_header(r, resp->headers[i].name, resp->headers[i].value);
    if (atomic_load(&s->draining))
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
    ret = MHD_queue_response(conn, (unsigned int)resp->status, r);
    MHD_destroy_response(r);

    secs = seconds_since(&st->start);
    metrics_observe(s->ctx.metrics,
                    st->label_route ? st->label_route->pattern : METRICS_ROUTE_UNMATCHED,
                    method, resp->status, secs);
    snprintf(status, sizeof(status), "%d", resp->status);
    snprintf(ms, sizeof(ms), "%.3f", secs * 1000.0);
    snprintf(bytes, sizeof(bytes), "%zu", resp->body_len);
    log_kv(LOG_INFO, "request", "method", method, "path", url, "status", status, "duration_ms",
           ms, "bytes", bytes, NULL);
    log_set_request_id("");
    api_resp_release(resp);
    return ret;
}

/* Does the request announce a body (a non-zero Content-Length, or chunked encoding)? */
static bool announces_body(struct MHD_Connection *conn)
{
    const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                 MHD_HTTP_HEADER_CONTENT_LENGTH);

    if (MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING))
        return true;
    return cl && strspn(cl, "0") != strlen(cl);
}

/* The 404 or 405 for a request that matched no route. */
static void mismatch_reply(struct conn_state *st, const char *method, const char *url,
                           struct api_resp *resp)
{
    struct err err;

    if (st->match == API_MATCH_NO_ROUTE) {
        api_error_reply(resp, ERR_NOT_FOUND, "", "no route for %.16s %.200s", method, url);
        return;
    }
    err_clear(&err);
    err_set_(&err, __func__, __LINE__, ERR_INVALID, "method_not_allowed", "",
             "method %.16s is not allowed on %.200s; allowed: %s", method, url, st->allow);
    api_err_reply(resp, &err);
    resp->status = 405;
}

/*
 * Step 1: headers are in. Returns true when *resp holds a reply to send now: a request that
 * will be refused whatever its body says is answered before the body is read.
 */
static bool on_headers(struct api_server *s, struct MHD_Connection *conn, struct conn_state *st,
                       const char *method, const char *url, struct api_resp *resp)
{
    request_mutates = api_method_mutates(method);
    st->match = api_route_match(api_routes(), method, url, &st->req, &st->label_route,
                                st->allow, sizeof(st->allow));
    st->limit = s->ctx.max_body;
    if (st->match != API_MATCH_OK) {
        /* Without a body, answer at the end so the connection can be kept alive. */
        if (!announces_body(conn))
            return false;
        mismatch_reply(st, method, url, resp);
        return true;
    }
    if (st->req.route->body_limit)
        st->limit = st->req.route->body_limit;
    if (declared_too_big(conn, st->limit)) {
        api_error_reply(resp, ERR_TOO_BIG, "", "request body is larger than the limit of %zu "
                        "bytes", st->limit);
        return true;
    }
    if (st->limit > s->ctx.max_body) {
        /*
         * A cap above the server's (an upload route: hundreds of MiB) is for the callers the
         * route admits. Check them now, or anyone could make the server buffer that much.
         */
        st->req.ctx = &s->ctx;
        st->req.method = method;
        st->req.path = url;
        st->req.request_id = st->request_id;
        st->req.conn = conn;
        if (api_auth_or_reply(&st->req, &st->caller, resp))
            return true;
        st->authed = true;
    }
    return false;
}

/* Step 2: a chunk of body. Keeps at most st->limit bytes. */
static void on_body(struct conn_state *st, const char *data, size_t n)
{
    if (st->too_big)
        return;
    if (n > st->limit - st->len) {
        st->too_big = true;
        free(st->body);
        st->body = NULL;
        st->len = st->cap = 0;
        return;
    }
    if (st->len + n > st->cap) {
        size_t ncap = st->cap ? st->cap : 1024;
        char *p;

        while (ncap < st->len + n)
            ncap *= 2;
        if (ncap > st->limit)
            ncap = st->limit;
        p = realloc(st->body, ncap);
        if (!p) {
            /* Treat like too big: the request cannot be held; the client learns why. */
            st->too_big = true;
            free(st->body);
            st->body = NULL;
            st->len = st->cap = 0;
            return;
        }
        st->body = p;
        st->cap = ncap;
    }
    memcpy(st->body + st->len, data, n);
    st->len += n;
}

/* True when the request declares Content-Type `type` (any parameters after ';'). */
static bool content_type_is(struct MHD_Connection *conn, const char *type)
{
    const char *ct = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                 MHD_HTTP_HEADER_CONTENT_TYPE);
    size_t n = strlen(type);

    return ct && strncasecmp(ct, type, n) == 0 && (ct[n] == '\0' || ct[n] == ';');
}

/* True when the request declares a raw CSV body (Content-Type text/csv, any parameters). */
static bool is_csv_upload(struct MHD_Connection *conn)
{
    return content_type_is(conn, "text/csv");
}

static enum MHD_Result add_query_field(void *cls, enum MHD_ValueKind kind, const char *key,
                                       const char *value)
{
    (void)kind;
    if (strcmp(key, "content") != 0 && value)
        json_object_set_new(cls, key, json_string(value));
    return MHD_YES;
}

/*
 * The JSON object a csv_upload route's handler reads, built from a raw text/csv body:
 * {"content": <the bytes, unchecked>, <query fields>...}. NULL when out of memory.
 */
static json_t *csv_upload_body(struct MHD_Connection *conn, const char *data, size_t len)
{
    json_t *obj = json_object();
    json_t *content = json_stringn_nocheck(data ? data : "", data ? len : 0);

    if (!obj || !content || json_object_set_new(obj, "content", content) != 0) {
        json_decref(obj);
        return NULL;
    }
    MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, add_query_field, obj);
    return obj;
}

/* Step 3: the request is complete. Fills *resp. */
static void on_complete(struct api_server *s, struct MHD_Connection *conn, struct conn_state *st,
                        const char *method, const char *url, struct api_resp *resp)
{
    struct api_req *req = &st->req;
    json_t *body = NULL;
    struct err err;

    if (st->match != API_MATCH_OK) {
        mismatch_reply(st, method, url, resp);
        return;
    }
    if (st->too_big) {
        api_error_reply(resp, ERR_TOO_BIG, "", "request body is larger than the limit of %zu "
                        "bytes", st->limit);
        return;
    }
    req->ctx = &s->ctx;
    req->method = method;
    req->path = url;
    req->request_id = st->request_id;
    req->conn = conn;
    request_mutates = api_method_mutates(method);
    if (!st->authed && api_auth_or_reply(req, &st->caller, resp))
        return;
    /*
     * Login CSRF: a public route that takes a body (POST /v1/sessions) has no CSRF token to
     * check, so it takes only application/json — a content type another site's form cannot
     * send without a CORS preflight, which this server never grants.
     */
    if (api_method_has_body(method) && req->route->role == API_ROLE_PUBLIC &&
        !content_type_is(conn, "application/json")) {
        api_error_reply(resp, ERR_MEDIA_TYPE, "Content-Type", "this route takes "
                        "Content-Type: application/json");
        return;
    }
    if (api_method_has_body(method) && req->route->csv_upload && is_csv_upload(conn)) {
        body = csv_upload_body(conn, st->body, st->len);
        if (!body) {
            api_error_reply(resp, ERR_NOMEM, "", "cannot hold the upload");
            return;
        }
    } else if (api_method_has_body(method)) {
        err_clear(&err);
        if (api_json_parse_body(st->body, st->len, &body, &err) != 0) {
            api_err_reply(resp, &err);
            return;
        }
    }
    if (api_idem_begin_or_reply(req, st->body, st->len, &st->idem, resp)) {
        json_decref(body);
        return;
    }
    req->body = body;
    req->route->handler(req, resp);
    req->body = NULL;
    json_decref(body);
    api_idem_finish(req, &st->idem, resp);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    struct api_server *s = cls;
    struct conn_state *st = *con_cls;
    struct api_resp resp;

    (void)version;
    api_resp_init(&resp);
    if (!st) {
        st = calloc(1, sizeof(*st));
        if (!st)
            return MHD_NO;
        *con_cls = st;
        clock_gettime(CLOCK_MONOTONIC, &st->start);
        pick_request_id(s, conn, st->request_id);
        log_set_request_id(st->request_id);
        if (on_headers(s, conn, st, method, url, &resp))
            return finish(s, conn, st, method, url, &resp);
        log_set_request_id("");
        return MHD_YES;
    }
    if (*upload_data_size) {
        on_body(st, upload_data, *upload_data_size);
        if (st->too_big)
            st->discarded += *upload_data_size;
        *upload_data_size = 0;
        if (st->discarded > API_DISCARD_MAX) {
            /* Still uploading far past the cap: stop reading rather than drain forever. */
            log_set_request_id(st->request_id);
            log_kv(LOG_WARN, "request body far above the cap; connection closed", "method",
                   method, "path", url, NULL);
            log_set_request_id("");
            return MHD_NO;
        }
        return MHD_YES;
    }
    log_set_request_id(st->request_id);
    on_complete(s, conn, st, method, url, &resp);
    return finish(s, conn, st, method, url, &resp);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct conn_state *st = *con_cls;

    (void)cls;
    (void)conn;
    (void)toe;
    if (!st)
        return;
    free(st->body);
    free(st);
    *con_cls = NULL;
}

/* The library's own diagnostics go to our log, never straight to stderr. */
static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    char buf[512];
    size_t n;

    (void)cls;
    vsnprintf(buf, sizeof(buf), fmt, ap);
    n = strlen(buf);
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        buf[--n] = '\0';
    log_kv(LOG_WARN, "http library", "detail", buf, NULL);
}

/* ---- lifecycle ---- */

static void ctx_release(struct api_ctx *ctx)
{
    pool_free(ctx->pool);
    metrics_free(ctx->metrics);
    pthread_mutex_destroy(&ctx->db_lock);
    pthread_mutex_destroy(&ctx->clock_lock);
}

int api_server_start(const struct api_config *cfg, struct api_server **out, struct err *err)
{
    struct api_server *s;
    unsigned threads = cfg->threads ? cfg->threads : API_DEFAULT_THREADS;
    unsigned int flags;
    bool ipv6 = false;
    int fd = -1;

    s = calloc(1, sizeof(*s));
    if (!s)
        return err_set(err, ERR_NOMEM, "", "out of memory starting the server");
    pthread_mutex_init(&s->ctx.db_lock, NULL);
    pthread_mutex_init(&s->ctx.clock_lock, NULL);
    s->ctx.db = cfg->db;
    s->ctx.clock = cfg->clock;
    s->ctx.max_body = cfg->max_body ? cfg->max_body : API_DEFAULT_MAX_BODY;
    s->ctx.secure_cookies = cfg->secure_cookies;
    if (metrics_new(&s->ctx.metrics, err) != 0 ||
        pool_new(cfg->db_url, cfg->db, threads, &s->ctx.pool, err) != 0)
        goto fail;
    if (api_listen_open(cfg->addr, cfg->port, &fd, &s->port, &ipv6, err) != 0)
        goto fail;
    snprintf(s->addr, sizeof(s->addr), "%s%s%s:%u", ipv6 ? "[" : "", cfg->addr,
             ipv6 ? "]" : "", s->port);

    flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ITC | MHD_USE_ERROR_LOG;
    if (ipv6)
        flags |= MHD_USE_IPv6;
    s->daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, s,
        MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, (void *)NULL,
        MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)threads,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, (void *)NULL,
        MHD_OPTION_END);
    if (!s->daemon) {
        err_set(err, ERR_IO, "listen", "the HTTP server could not start on %s", s->addr);
        close(fd);
        goto fail;
    }
    *out = s;
    return 0;

fail:
    ctx_release(&s->ctx);
    free(s);
    return -1;
}

unsigned api_server_port(const struct api_server *s)
{
    return s->port;
}

const char *api_server_addr(const struct api_server *s)
{
    return s->addr;
}

instant_t api_server_now(struct api_server *s)
{
    return api_now(&s->ctx);
}

void api_server_stop(struct api_server *s)
{
    MHD_socket lfd;
    struct timespec tick = {0, 20 * 1000 * 1000};

    if (!s)
        return;
    atomic_store(&s->draining, 1);
    lfd = MHD_quiesce_daemon(s->daemon);
    for (int waited = 0; waited < API_DRAIN_MS; waited += 20) {
        const union MHD_DaemonInfo *info =
            MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);

        if (!info || info->num_connections == 0)
            break;
        nanosleep(&tick, NULL);
    }
    MHD_stop_daemon(s->daemon);
    if (lfd != MHD_INVALID_SOCKET)
        close(lfd);
    ctx_release(&s->ctx);
    free(s);
}
