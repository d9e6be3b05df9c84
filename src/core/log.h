/*
 * core/log.h — structured logging: one JSON object per line on stderr.
 *
 *   {"ts":"2026-11-23T16:40:00Z","level":"info","req":"r_8f3k…","msg":"listening","addr":"127.0.0.1:8080"}
 *
 * The timestamp is the real wall time (logs record when things happened on the machine, not
 * the business clock). The request id is per-thread (log_set_request_id), so every line written
 * while serving a request carries it. Messages never contain secrets: passwords, tokens and
 * TOTP secrets are never passed here.
 */
#ifndef CSPD_CORE_LOG_H
#define CSPD_CORE_LOG_H

#include <stdio.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_set_level(enum log_level min);
/* Lines go to stderr by default; tests may point them elsewhere (NULL restores stderr). */
void log_set_stream(FILE *f);
/* The current thread's request id ("" clears it). Copied. */
void log_set_request_id(const char *id);

/*
 * Write one line. `fmt` formats the message; extra key/value pairs may follow as a
 * NULL-terminated list of const char* pairs via log_kv.
 */
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* log_kv(LOG_INFO, "listening", "addr", "127.0.0.1:8080", NULL) */
void log_kv(enum log_level level, const char *msg, ...);

#endif
