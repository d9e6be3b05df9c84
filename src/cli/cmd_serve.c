/*
 * cli/cmd_serve.c — `cspd serve`: open the store, start the HTTP server, wait for a signal.
 *
 *   cspd serve [--listen ADDR:PORT] [--db PATH] [--clock INSTANT] [--max-body BYTES]
 *              [--secure-cookies] [--jobs-interval SECONDS] [--no-jobs] [--threads N]
 *
 * Besides the API it runs the daily cycle and the billing close step in a background thread
 * (jobs/daily.h) whenever the business clock reaches a new UTC day, unless --no-jobs.
 *
 * This is the edge that decides to stop: SIGINT and SIGTERM are blocked in every thread
 * before the server starts and taken here with sigwait, so no handler runs in signal context
 * and the shutdown path is ordinary code (stop the server, then close the store). Exit
 * status: 0 after a clean stop, 1 when the store or the server cannot start, 2 on a usage
 * error. Once the socket is bound, one line "listening on ADDR:PORT" goes to stdout (the real
 * port when --listen asked for port 0; tests read it) and a "listening" line to the log.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "api/server.h"
#include "cli/cli.h"
#include "core/clock.h"
#include "core/date.h"
#include "core/id.h"
#include "core/log.h"
#include "jobs/daily.h"
#include "store/db.h"

#define MAX_BODY_CEILING ((size_t)1 << 30) /* 1 GiB: above that --max-body is a typo */

/* Bounded decimal parse of BYTES, 1..MAX_BODY_CEILING (no strtol on outside input). */
static int parse_bytes(const char *s, size_t *out)
{
    size_t v = 0;

    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        v = v * 10 + (size_t)(*s - '0');
        if (v > MAX_BODY_CEILING)
            return -1;
    }
    if (v == 0)
        return -1;
    *out = v;
    return 0;
}

static instant_t server_now(void *server)
{
    return api_server_now(server);
}

static int usage_error(const char *fmt, const char *arg) __attribute__((format(printf, 1, 0)));

static int usage_error(const char *fmt, const char *arg)
{
    fputs("cspd serve: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("; see 'cspd serve --help'\n", stderr);
    return 2;
}

int cmd_serve(int argc, char **argv)
{
    static const struct option opts[] = {
        {"listen", required_argument, NULL, 'l'},
        {"db", required_argument, NULL, 'd'},
        {"clock", required_argument, NULL, 'c'},
        {"max-body", required_argument, NULL, 'm'},
        {"secure-cookies", no_argument, NULL, 's'},
        {"jobs-interval", required_argument, NULL, 'j'},
        {"no-jobs", no_argument, NULL, 'n'},
        {"threads", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *listen = "127.0.0.1:8080", *db_flag = NULL, *clock_flag = NULL;
    struct api_config cfg;
    struct api_server *server = NULL;
    struct daily_job *job = NULL;
    size_t jobs_interval = 60;
    bool jobs = true;
    struct db *db = NULL;
    struct err err;
    sigset_t stop_signals;
    char addr[API_ADDR_MAX];
    int opt, sig = 0;

    memset(&cfg, 0, sizeof(cfg));
    err_clear(&err);
    opterr = 0;
    optind = 0; /* glibc: full re-initialisation, argv[0] is "serve" */
    while ((opt = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
        switch (opt) {
        case 'l': listen = optarg; break;
        case 'd': db_flag = optarg; break;
        case 'c': clock_flag = optarg; break;
        case 's': cfg.secure_cookies = true; break;
        case 'n': jobs = false; break;
        case 'j':
            if (parse_bytes(optarg, &jobs_interval) != 0 || jobs_interval > 86400)
                return usage_error("--jobs-interval wants a number of seconds from 1 to "
                                   "86400, not '%s'", optarg);
            break;
        case 't': {
            size_t n;

            if (parse_bytes(optarg, &n) != 0 || n > API_MAX_THREADS)
                return usage_error("--threads wants a number of threads from 1 to "
                                   API_MAX_THREADS_TEXT ", not '%s'", optarg);
            cfg.threads = (unsigned)n;
            break;
        }
        case 'm':
            if (parse_bytes(optarg, &cfg.max_body) != 0)
                return usage_error("--max-body wants a number of bytes from 1 to 1073741824, "
                                   "not '%s'", optarg);
            break;
        case 'h':
            cli_usage("serve", stdout);
            return 0;
        case ':':
            return usage_error("option '%s' needs a value", argv[optind - 1]);
        default:
            return usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return usage_error("unexpected argument '%s'", argv[optind]);
    if (api_listen_parse(listen, addr, &cfg.port, &err) != 0) {
        fprintf(stderr, "cspd serve: --listen: %s\n", err.msg);
        return 2;
    }
    cfg.addr = addr;
    if (clock_flag) {
        instant_t start;

        if (instant_parse_cstr(clock_flag, &start, &err) != 0) {
            fprintf(stderr, "cspd serve: --clock: %s\n", err.msg);
            return 2;
        }
        clock_init_offset(&cfg.clock, start);
    } else {
        clock_init_real(&cfg.clock);
    }

    /* Before any thread exists, so every thread inherits the mask and only sigwait sees them. */
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (id_init(&err) != 0 || db_open(cli_db_path(db_flag), &db, &err) != 0) {
        cli_report("serve", &err);
        return 1;
    }
    if (db_migrate(db, &err) != 0) {
        cli_report("serve", &err);
        db_close(db);
        return 1;
    }
    cfg.db = db;
    cfg.db_url = cli_db_path(db_flag);
    if (api_server_start(&cfg, &server, &err) != 0) {
        cli_report("serve", &err);
        db_close(db);
        return 1;
    }
    if (jobs && strcmp(cli_db_path(db_flag), ":memory:") != 0) {
        struct daily_job_config jc = {
            .db_url = cli_db_path(db_flag),
            .now = server_now,
            .now_ctx = server,
            .interval_seconds = (unsigned)jobs_interval,
            .close = true,
        };

        if (daily_job_start(&jc, &job, &err) != 0) {
            cli_report("serve", &err);
            api_server_stop(server);
            db_close(db);
            return 1;
        }
    }
    log_kv(LOG_INFO, "listening", "addr", api_server_addr(server), "db", cli_db_path(db_flag),
           NULL);
    printf("listening on %s\n", api_server_addr(server));
    fflush(stdout);

    while (sigwait(&stop_signals, &sig) != 0)
        ;
    log_kv(LOG_INFO, "stopping", "signal", sig == SIGINT ? "SIGINT" : "SIGTERM", NULL);
    daily_job_stop(job);
    api_server_stop(server);
    db_close(db);
    log_kv(LOG_INFO, "stopped", NULL);
    return 0;
}
