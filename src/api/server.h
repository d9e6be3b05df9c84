/*
 * api/server.h — the HTTP server: start it on one address, stop it gracefully.
 *
 * Built on libmicrohttpd with its internal polling threads and a small thread pool. The
 * server binds exactly the address it is given (loopback by default, never "all interfaces"
 * unless told so with 0.0.0.0 or [::]); port 0 picks a free port, which api_server_port then
 * reports (tests rely on this). It never prints and never exits: start-up failures come back
 * as a `struct err`, and request errors become JSON error responses.
 *
 * Every request goes through the same steps before its handler: request id (X-Request-Id
 * when sane, else a new "req_…"), route and method match from the table (404/405 JSON), body
 * accumulation under a hard cap (413 JSON), authentication and the route's role check
 * (401/403/404 JSON, api/auth.h), JSON parsing for POST/PUT/PATCH (400/422 JSON), and the
 * Idempotency-Key replay (api/auth.h).
 * After it: the response gets X-Request-Id, the metrics count it, and one access-log line is
 * written (core/log.h).
 *
 * Lifecycle: api_server_start → api_server_port/api_server_addr → api_server_stop (stops
 * accepting, lets requests in flight finish for up to API_DRAIN_MS, then frees everything).
 * The caller keeps ownership of the database and must close it after api_server_stop.
 */
#ifndef CSPD_API_SERVER_H
#define CSPD_API_SERVER_H

#include <stddef.h>

#include "core/clock.h"
#include "core/err.h"

struct db;
struct api_server;

#define API_DEFAULT_MAX_BODY ((size_t)1 << 20) /* 1 MiB */
#define API_DEFAULT_THREADS 4
#define API_MAX_THREADS 64
#define API_MAX_THREADS_TEXT "64"
#define API_DRAIN_MS 3000
#define API_ADDR_MAX 64 /* "[ffff:…]:65535" + NUL */

struct api_config {
    const char *addr;        /* numeric IPv4 or IPv6 address: "127.0.0.1", "::1" */
    unsigned port;           /* 0: any free port */
    size_t max_body;         /* request body cap; 0: API_DEFAULT_MAX_BODY */
    unsigned threads;        /* worker threads; 0: API_DEFAULT_THREADS */
    struct db *db;           /* borrowed, migrated; NULL makes /readyz answer 503 */
    const char *db_url;      /* the URL `db` was opened from: a file database gets one
                                connection per worker thread (`db` is one of them); NULL or
                                ":memory:": every request shares `db`, one at a time */
    struct clock clock;      /* the business clock the server starts with (copied) */
    bool secure_cookies;     /* mark session cookies Secure (behind TLS) */
};

/*
 * Split "ADDR:PORT" ("127.0.0.1:8080", "[::1]:8080", "localhost:8080") into a numeric
 * address and a port (0..65535). ERR_INVALID with field "listen" and a sentence otherwise.
 */
int api_listen_parse(const char *text, char addr[API_ADDR_MAX], unsigned *port,
                     struct err *err);

/* Bind, listen and start serving. ERR_IO naming the address when it cannot bind. */
int api_server_start(const struct api_config *cfg, struct api_server **out, struct err *err);
/* The port actually bound (the chosen one when cfg->port was 0). */
unsigned api_server_port(const struct api_server *s);
/* "127.0.0.1:8080" or "[::1]:8080", with the bound port. */
const char *api_server_addr(const struct api_server *s);
/* The business clock's now, as handlers see it (POST /v1/clock moves it); thread-safe. */
instant_t api_server_now(struct api_server *s);
/* Stop gracefully and free. NULL is a no-op. */
void api_server_stop(struct api_server *s);

#endif
