/*
 * tests/unit/test_api_edge.c — HTTP edge cases of the request pipeline against a live server
 * on a loopback port: what an unauthenticated client can make the server hold, and query
 * values at the limits of their parsers.
 *
 *   - an upload route's large body cap (256 MiB) is for callers the route admits: a request
 *     without credentials is refused with 401 as soon as its headers are in, before the body
 *     would be read and buffered;
 *   - GET /v1/audit?before= with a number just past INT64_MAX is 422, not a signed overflow
 *     (the sanitizer build aborts on one).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "api/server.h"
#include "core/clock.h"
#include "core/log.h"
#include "store/db.h"
#include "store/repo_user.h"
#include "svc/auth.h"

static struct db *db;
static struct api_server *server;
static unsigned port;
static char token[AUTH_SECRET_MAX]; /* an installation read_only API token */

static int setup(void **state)
{
    struct api_config cfg;
    struct token_row t;
    char hash[USER_HASH_HEX];
    struct err err;

    (void)state;
    err_clear(&err);
    log_set_level(LOG_ERROR);
    assert_int_equal(id_init(&err), 0);
    assert_int_equal(db_open(":memory:", &db, &err), 0);
    assert_int_equal(db_migrate(db, &err), 0);
    memset(&t, 0, sizeof(t));
    assert_int_equal(id_new("tok", t.id, &err), 0);
    t.role = ROLE_READ_ONLY;
    t.created_at = 1;
    auth_secret_new("cspd_", token);
    auth_secret_hash(token, hash);
    assert_int_equal(repo_token_insert(db, &t, hash, &err), 0);

    memset(&cfg, 0, sizeof(cfg));
    cfg.addr = "127.0.0.1";
    cfg.db = db;
    cfg.threads = 2;
    clock_init_fixed(&cfg.clock, 1800000000);
    if (api_server_start(&cfg, &server, &err) != 0)
        fail_msg("server: %s", err.msg);
    port = api_server_port(server);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    api_server_stop(server);
    db_close(db);
    curl_global_cleanup();
    return 0;
}

static size_t drop(char *p, size_t size, size_t n, void *arg)
{
    (void)p;
    (void)arg;
    return size * n;
}

/* GET path with the token; the status, or 0 when nothing answered. */
static long get(const char *path)
{
    struct curl_slist *h = NULL;
    char url[640], auth[128];
    long status = 0;
    CURL *k = curl_easy_init();

    assert_non_null(k);
    snprintf(url, sizeof(url), "http://127.0.0.1:%u%s", port, path);
    snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
    h = curl_slist_append(h, auth);
    curl_easy_setopt(k, CURLOPT_URL, url);
    curl_easy_setopt(k, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(k, CURLOPT_WRITEFUNCTION, drop);
    curl_easy_setopt(k, CURLOPT_TIMEOUT, 20L);
    if (curl_easy_perform(k) == CURLE_OK)
        curl_easy_getinfo(k, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(h);
    curl_easy_cleanup(k);
    return status;
}

/*
 * Send `head` (request line and headers, no body) on a fresh connection and return the status
 * of the answer that arrives within `secs` seconds, or 0 when none does.
 */
static int answer_to_headers(const char *head, int secs)
{
    struct sockaddr_in sa;
    struct pollfd pfd;
    char buf[256];
    ssize_t n;
    size_t got = 0;
    int fd, status = 0;

    fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(write(fd, head, strlen(head)), (ssize_t)strlen(head));
    pfd.fd = fd;
    pfd.events = POLLIN;
    while (got < 12 && poll(&pfd, 1, secs * 1000) == 1) {
        n = read(fd, buf + got, sizeof(buf) - 1 - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    buf[got] = '\0';
    if (got >= 12 && strncmp(buf, "HTTP/1.1 ", 9) == 0)
        status = atoi(buf + 9);
    close(fd);
    return status;
}

static void test_upload_without_credentials_refused_before_body(void **state)
{
    (void)state;
    /* 200 MB announced, nothing sent: the refusal must not wait for (or buffer) the body. */
    assert_int_equal(answer_to_headers("POST /v1/recon/imports HTTP/1.1\r\n"
                                       "Host: 127.0.0.1\r\n"
                                       "Content-Type: text/csv\r\n"
                                       "Content-Length: 200000000\r\n\r\n", 5),
                     401);
    assert_int_equal(answer_to_headers("POST /v1/pricelists HTTP/1.1\r\n"
                                       "Host: 127.0.0.1\r\n"
                                       "Authorization: Bearer cspd_nonsense\r\n"
                                       "Content-Type: text/csv\r\n"
                                       "Content-Length: 200000000\r\n\r\n", 5),
                     401);
    /* A caller the route does not admit (read_only) is refused as early: 403. */
    {
        char head[512];

        snprintf(head, sizeof(head), "POST /v1/recon/imports HTTP/1.1\r\n"
                                     "Host: 127.0.0.1\r\n"
                                     "Authorization: Bearer %s\r\n"
                                     "Content-Type: text/csv\r\n"
                                     "Content-Length: 200000000\r\n\r\n", token);
        assert_int_equal(answer_to_headers(head, 5), 403);
    }
}

static void test_audit_before_past_int64(void **state)
{
    (void)state;
    assert_int_equal(get("/v1/audit?before=9223372036854775807"), 200);
    assert_int_equal(get("/v1/audit?before=9223372036854775808"), 422);
    assert_int_equal(get("/v1/audit?before=9223372036854775809"), 422);
    assert_int_equal(get("/v1/audit?before=99999999999999999999999"), 422);
    assert_int_equal(get("/v1/audit?limit=500"), 200);
    assert_int_equal(get("/v1/audit?limit=501"), 422);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_upload_without_credentials_refused_before_body),
        cmocka_unit_test(test_audit_before_past_int64),
    };

    return cmocka_run_group_tests_name("api_edge", tests, setup, teardown);
}
