/*
 * store/repo_idem.h — the idempotency_keys table: the first response to a mutating request,
 * per caller and Idempotency-Key (svc/idempotency.h owns the rules).
 *
 * A row is written when the request starts (status NULL: in progress), completed with the
 * response's status and body when it ends, and deleted when the request failed in a way a
 * retry should redo (5xx) or when it is older than the retention period.
 */
#ifndef CSPD_STORE_REPO_IDEM_H
#define CSPD_STORE_REPO_IDEM_H

#include <stdbool.h>
#include <stddef.h>

#include "core/date.h"
#include "core/err.h"

struct db;

#define IDEM_KEY_MAX 256     /* 255 + NUL */
#define IDEM_CALLER_MAX 48
#define IDEM_PATH_MAX 512

struct idem_row {
    char method[8];
    char path[IDEM_PATH_MAX];
    char body_hash[65];
    bool complete;           /* false: the first request is still running (or died) */
    int status;
    char *response;          /* malloc'd body text, or NULL; free with free() */
    instant_t created_at;
};

/* *found false when there is no row. On success out->response is owned by the caller. */
int repo_idem_get(struct db *db, const char *caller, const char *key, struct idem_row *out,
                  bool *found, struct err *err);
/* Insert the in-progress row; ERR_CONFLICT when (caller, key) exists already. */
int repo_idem_start(struct db *db, const char *caller, const char *key, const char *method,
                    const char *path, const char *body_hash, instant_t now, struct err *err);
/* Store the response; `body` NULL stores no body. */
int repo_idem_complete(struct db *db, const char *caller, const char *key, int status,
                       const char *body, size_t len, struct err *err);
int repo_idem_delete(struct db *db, const char *caller, const char *key, struct err *err);
/* Delete every row created before `cutoff`. */
int repo_idem_purge(struct db *db, instant_t cutoff, struct err *err);

#endif
