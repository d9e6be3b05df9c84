/*
 * svc/idempotency.h — Idempotency-Key: a retried mutating request gets the first answer.
 *
 * The API's pipeline (api/auth_idem.c) calls idem_begin before the handler and idem_finish
 * after it, for every POST, PUT and PATCH that carries the header:
 *   - first time: a row is started (in progress) and the handler runs (IDEM_RUN);
 *   - same caller, same key, same method, path and body: the stored status and body are
 *     replayed without running the handler (IDEM_REPLAY);
 *   - same key with another body (or method or path): IDEM_REUSED → 409
 *     idempotency_key_reused;
 *   - the first request still running: IDEM_BUSY → 409 idempotency_in_progress; a row left in
 *     progress for IDEM_STALE_SECS (a crash between start and finish) is taken over;
 *   - the first response carried a secret shown only once (a new token, a generated
 *     password): its body was never stored, so the retry is IDEM_SECRET → 409.
 * Keys are per caller (user or token id), never shared across callers. A response of 5xx is
 * not kept (idem_finish deletes the row) so a retry runs again. Rows older than
 * IDEM_KEEP_SECS are purged as new keys arrive.
 *
 * The row is written outside the handler's own transaction: the pipeline cannot join it.
 * The window this leaves (handler committed, process died before idem_finish) degrades to
 * "in progress" for IDEM_STALE_SECS and then a re-run; documented in docs/auth.md.
 */
#ifndef CSPD_SVC_IDEMPOTENCY_H
#define CSPD_SVC_IDEMPOTENCY_H

#include <stdbool.h>
#include <stddef.h>

#include "core/date.h"
#include "core/err.h"

struct db;

#define IDEM_KEEP_SECS (24 * 3600)
#define IDEM_STALE_SECS 300

enum idem_verdict { IDEM_RUN, IDEM_REPLAY, IDEM_REUSED, IDEM_BUSY, IDEM_SECRET };

struct idem_result {
    enum idem_verdict verdict;
    int status;        /* IDEM_REPLAY */
    char *body;        /* IDEM_REPLAY: malloc'd, owned by the caller (free) */
    size_t len;
};

/* 1..255 characters, printable ASCII without spaces. ERR_INVALID naming Idempotency-Key. */
int idem_key_check(const char *key, struct err *err);

int idem_begin(struct db *db, const char *caller, const char *key, const char *method,
               const char *path, const char *body, size_t len, instant_t now,
               struct idem_result *out, struct err *err);
/*
 * Record the response of a request that idem_begin said to run. `replayable` false keeps the
 * status but not the body (it holds a secret). A status >= 500 forgets the key instead.
 */
int idem_finish(struct db *db, const char *caller, const char *key, int status,
                const char *body, size_t len, bool replayable, struct err *err);

#endif
