/*
 * store/repo_idem.c — SQL for idempotency_keys (see repo_idem.h). The primary key
 * (scope, key) makes the in-progress insert the lock: two racing first requests cannot both
 * start, the second sees the row. The table's `scope` column holds the caller id ("usr_…",
 * "tok_…"): keys are per caller, never shared across a tenant.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/repo_idem.h"

int repo_idem_get(struct db *db, const char *caller, const char *key, struct idem_row *out,
                  bool *found, struct err *err)
{
    struct db_stmt *st;
    int rc;

    *found = false;
    memset(out, 0, sizeof(*out));
    if (db_prepare(db, "SELECT method, path, body_hash, status, response, created_at"
                       " FROM idempotency_keys WHERE scope = ? AND key = ?", &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, caller, err) < 0 || db_bind_text(st, 2, key, err) < 0) {
        db_finalize(st);
        return -1;
    }
    rc = db_step(st, err);
    if (rc == DB_ROW) {
        const char *t;

        snprintf(out->method, sizeof(out->method), "%s", db_column_text(st, 0));
        snprintf(out->path, sizeof(out->path), "%s", db_column_text(st, 1));
        snprintf(out->body_hash, sizeof(out->body_hash), "%s", db_column_text(st, 2));
        out->complete = !db_column_is_null(st, 3);
        out->status = out->complete ? (int)db_column_int64(st, 3) : 0;
        t = db_column_text(st, 4);
        if (t) {
            out->response = strdup(t);
            if (!out->response) {
                db_finalize(st);
                return err_set(err, ERR_NOMEM, "", "out of memory reading a stored response");
            }
        }
        out->created_at = db_column_int64(st, 5);
        *found = true;
    }
    db_finalize(st);
    return rc < 0 ? -1 : 0;
}

int repo_idem_start(struct db *db, const char *caller, const char *key, const char *method,
                    const char *path, const char *body_hash, instant_t now, struct err *err)
{
    struct db_stmt *st;
    int rc;

    if (db_prepare(db, "INSERT INTO idempotency_keys (key, scope, method, path, body_hash,"
                       " created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                   &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, key, err) < 0 || db_bind_text(st, 2, caller, err) < 0 ||
        db_bind_text(st, 3, method, err) < 0 || db_bind_text(st, 4, path, err) < 0 ||
        db_bind_text(st, 5, body_hash, err) < 0 || db_bind_int64(st, 6, now, err) < 0) {
        db_finalize(st);
        return -1;
    }
    rc = db_step(st, err);
    db_finalize(st);
    if (rc < 0)
        return -1;
    if (db_changes(db) != 1)
        return err_set(err, ERR_CONFLICT, "Idempotency-Key", "the key is in use");
    return 0;
}

int repo_idem_complete(struct db *db, const char *caller, const char *key, int status,
                       const char *body, size_t len, struct err *err)
{
    struct db_stmt *st;
    char *copy = NULL;
    int rc;

    if (body) {
        copy = malloc(len + 1);
        if (!copy)
            return err_set(err, ERR_NOMEM, "", "out of memory storing a response");
        memcpy(copy, body, len);
        copy[len] = '\0';
    }
    if (db_prepare(db, "UPDATE idempotency_keys SET status = ?, response = ?"
                       " WHERE scope = ? AND key = ?", &st, err) < 0) {
        free(copy);
        return -1;
    }
    if (db_bind_int64(st, 1, status, err) < 0 ||
        (copy ? db_bind_text(st, 2, copy, err) : db_bind_null(st, 2, err)) < 0 ||
        db_bind_text(st, 3, caller, err) < 0 || db_bind_text(st, 4, key, err) < 0) {
        db_finalize(st);
        free(copy);
        return -1;
    }
    rc = db_step(st, err);
    db_finalize(st);
    free(copy);
    return rc < 0 ? -1 : 0;
}

int repo_idem_delete(struct db *db, const char *caller, const char *key, struct err *err)
{
    struct db_stmt *st;
    int rc;

    if (db_prepare(db, "DELETE FROM idempotency_keys WHERE scope = ? AND key = ?", &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, caller, err) < 0 || db_bind_text(st, 2, key, err) < 0) {
        db_finalize(st);
        return -1;
    }
    rc = db_step(st, err);
    db_finalize(st);
    return rc < 0 ? -1 : 0;
}

int repo_idem_purge(struct db *db, instant_t cutoff, struct err *err)
{
    struct db_stmt *st;
    int rc;

    if (db_prepare(db, "DELETE FROM idempotency_keys WHERE created_at < ?", &st, err) < 0)
        return -1;
    if (db_bind_int64(st, 1, cutoff, err) < 0) {
        db_finalize(st);
        return -1;
    }
    rc = db_step(st, err);
    db_finalize(st);
    return rc < 0 ? -1 : 0;
}
