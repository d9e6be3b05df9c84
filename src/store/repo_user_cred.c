/*
 * store/repo_user_cred.c — the credential tables: sessions, API tokens, login-throttle
 * counters (see repo_user.h). Only hashes of secrets reach these functions.
 *
 * Workload: every authenticated request reads one session or token row by its unique hash;
 * sessions are touched on use (idle deadline), tokens at most once a minute (svc decides).
 */
#include <stdio.h>
#include <string.h>

#include "store/db.h"
#include "store/repo_user_internal.h"

int repo_session_insert(struct db *db, const struct session_row *s, const char *token_hash,
                        struct err *err)
{
    struct db_stmt *st;

    if (db_prepare(db,
                   "INSERT INTO sessions (id, user_id, token_hash, csrf_hash, mfa_verified,"
                   " created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, s->id, err) < 0 || db_bind_text(st, 2, s->user_id, err) < 0 ||
        db_bind_text(st, 3, token_hash, err) < 0 || db_bind_text(st, 4, s->csrf_hash, err) < 0 ||
        db_bind_int64(st, 5, s->mfa_verified ? 1 : 0, err) < 0 ||
        db_bind_int64(st, 6, s->created_at, err) < 0 ||
        db_bind_int64(st, 7, s->last_seen_at, err) < 0 ||
        db_bind_int64(st, 8, s->expires_at, err) < 0) {
        db_finalize(st);
        return -1;
    }
    return ru_run(st, err);
}

int repo_session_by_hash(struct db *db, const char *token_hash, struct session_row *out,
                         bool *found, struct err *err)
{
    struct db_stmt *st;
    int rc;

    *found = false;
    if (db_prepare(db,
                   "SELECT id, user_id, csrf_hash, mfa_verified, created_at, last_seen_at,"
                   " expires_at FROM sessions WHERE token_hash = ?",
                   &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, token_hash, err) < 0) {
        db_finalize(st);
        return -1;
    }
    rc = db_step(st, err);
    if (rc == DB_ROW) {
        memset(out, 0, sizeof(*out));
        ru_col_copy(st, 0, out->id, sizeof(out->id));
        ru_col_copy(st, 1, out->user_id, sizeof(out->user_id));
        ru_col_copy(st, 2, out->csrf_hash, sizeof(out->csrf_hash));
        out->mfa_verified = db_column_int64(st, 3) != 0;
        out->created_at = db_column_int64(st, 4);
        out->last_seen_at = ru_col_instant(st, 5);
        out->expires_at = db_column_int64(st, 6);
        *found = true;
    }
    db_finalize(st);
    return rc < 0 ? -1 : 0;
}

/* Run `sql` with one text parameter and, when `with_now`, an instant first. */
static int write1(struct db *db, const char *sql, bool with_now, instant_t now, const char *id,
                  struct err *err)
{
    struct db_stmt *st;
    int idx = 1;

    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if ((with_now && db_bind_int64(st, idx++, now, err) < 0) ||
        db_bind_text(st, idx, id, err) < 0) {
        db_finalize(st);
        return -1;
    }
    return ru_run(st, err);
}

int repo_session_touch(struct db *db, const char *id, instant_t now, struct err *err)
{
    return write1(db, "UPDATE sessions SET last_seen_at = ? WHERE id = ?", true, now, id, err);
}

int repo_session_delete(struct db *db, const char *id, struct err *err)
{
    return write1(db, "DELETE FROM sessions WHERE id = ?", false, 0, id, err);
}

int repo_session_delete_user(struct db *db, const char *user_id, const char *except_id,
                             struct err *err)
{
    struct db_stmt *st;

    if (db_prepare(db, "DELETE FROM sessions WHERE user_id = ? AND id <> ?", &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, user_id, err) < 0 ||
        db_bind_text(st, 2, except_id ? except_id : "", err) < 0) {
        db_finalize(st);
        return -1;
    }
    return ru_run(st, err);
}

/* ---- API tokens ---- */

#define TOKEN_COLS \
    "t.id, t.partner_id, t.role, t.name, t.created_by, t.created_at, t.last_used_at, t.revoked_at"

static void read_token(struct db_stmt *st, struct token_row *t)
{
    char role[32];

    memset(t, 0, sizeof(*t));
    ru_col_copy(st, 0, t->id, sizeof(t->id));
    ru_col_copy(st, 1, t->partner_id, sizeof(t->partner_id));
    ru_col_copy(st, 2, role, sizeof(role));
    if (user_role_parse(role, &t->role) != 0 || t->role == ROLE_OPERATOR)
        t->role = ROLE_READ_ONLY;
    ru_col_copy(st, 3, t->name, sizeof(t->name));
    ru_col_copy(st, 4, t->created_by, sizeof(t->created_by));
    t->created_at = db_column_int64(st, 5);
    t->last_used_at = ru_col_instant(st, 6);
    t->revoked_at = ru_col_instant(st, 7);
}

int repo_token_insert(struct db *db, const struct token_row *t, const char *token_hash,
                      struct err *err)
{
    struct db_stmt *st;

    if (db_prepare(db,
                   "INSERT INTO api_tokens (id, partner_id, role, token_hash, name, created_by,"
                   " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, t->id, err) < 0 || ru_bind_opt(st, 2, t->partner_id, err) < 0 ||
        db_bind_text(st, 3, user_role_name(t->role), err) < 0 ||
        db_bind_text(st, 4, token_hash, err) < 0 || ru_bind_opt(st, 5, t->name, err) < 0 ||
        ru_bind_opt(st, 6, t->created_by, err) < 0 ||
        db_bind_int64(st, 7, t->created_at, err) < 0) {
        db_finalize(st);
        return -1;
    }
    return ru_run(st, err);
}

int repo_token_by_hash(struct db *db, const char *token_hash, struct token_row *out,
                       bool *found, struct err *err)
{
    struct db_stmt *st;
    int rc;

    *found = false;
    if (db_prepare(db, "SELECT " TOKEN_COLS " FROM api_tokens t WHERE t.token_hash = ?", &st,
                   err) < 0)
        return -1;
    if (db_bind_text(st, 1, token_hash, err) < 0) {
        db_finalize(st);
        return -1;
    }
    rc = db_step(st, err);
    if (rc == DB_ROW) {
        read_token(st, out);
        *found = true;
    }
    db_finalize(st);
    return rc < 0 ? -1 : 0;
}

int repo_token_get(struct db *db, const struct scope *scope, const char *id,
                   struct token_row *out, struct err *err)
{
    struct scope_pred pred;
    struct db_stmt *st;
    char sql[640];
    int rc, next;

    if (ru_pred_tokens(scope, "t", &pred, err) < 0)
        return -1;
    snprintf(sql, sizeof(sql), "SELECT " TOKEN_COLS " FROM api_tokens t WHERE t.id = ? AND %s",
             pred.sql);
    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, id, err) < 0 || scope_pred_bind(st, 2, &pred, &next, err) < 0) {
        db_finalize(st);
        return -1;
    }
    rc = db_step(st, err);
    if (rc == DB_ROW)
        read_token(st, out);
    db_finalize(st);
    if (rc < 0)
        return -1;
    if (rc != DB_ROW)
        return err_set(err, ERR_NOT_FOUND, "id", "no token %.40s", id);
    return 0;
}

int repo_token_list(struct db *db, const struct scope *scope, int limit,
                    int (*each)(const struct token_row *t, void *arg), void *arg,
                    struct err *err)
{
    struct scope_pred pred;
    struct token_row t;
    struct db_stmt *st;
    char sql[640];
    int rc, next;

    if (ru_pred_tokens(scope, "t", &pred, err) < 0)
        return -1;
    snprintf(sql, sizeof(sql),
             "SELECT " TOKEN_COLS " FROM api_tokens t WHERE %s ORDER BY t.created_at, t.id"
             " LIMIT ?", pred.sql);
    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (scope_pred_bind(st, 1, &pred, &next, err) < 0 ||
        db_bind_int64(st, next, limit, err) < 0) {
        db_finalize(st);
        return -1;
    }
    while ((rc = db_step(st, err)) == DB_ROW) {
        read_token(st, &t);
        if (each(&t, arg) != 0)
            break;
    }
    db_finalize(st);
    return rc < 0 ? -1 : 0;
}

int repo_token_revoke(struct db *db, const char *id, instant_t now, struct err *err)
{
    return write1(db, "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                  true, now, id, err);
}

int repo_token_touch(struct db *db, const char *id, instant_t now, struct err *err)
{
    return write1(db, "UPDATE api_tokens SET last_used_at = ? WHERE id = ?", true, now, id,
                  err);
}

/* ---- login throttle ---- */

int repo_throttle_get(struct db *db, const char *key, int *failures, instant_t *last_failure,
                      instant_t *locked_until, struct err *err)
{
    struct db_stmt *st;
    int rc;

    *failures = 0;
    *last_failure = *locked_until = 0;
    if (db_prepare(db, "SELECT failures, last_failure_at, locked_until FROM login_throttle"
                       " WHERE key = ?", &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, key, err) < 0) {
        db_finalize(st);
        return -1;
    }
    rc = db_step(st, err);
    if (rc == DB_ROW) {
        *failures = (int)db_column_int64(st, 0);
        *last_failure = ru_col_instant(st, 1);
        *locked_until = ru_col_instant(st, 2);
    }
    db_finalize(st);
    return rc < 0 ? -1 : 0;
}

int repo_throttle_put(struct db *db, const char *key, int failures, instant_t last_failure,
                      instant_t locked_until, struct err *err)
{
    struct db_stmt *st;

    if (db_prepare(db,
                   "INSERT INTO login_throttle (key, failures, last_failure_at, locked_until)"
                   " VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET"
                   " failures = excluded.failures, last_failure_at = excluded.last_failure_at,"
                   " locked_until = excluded.locked_until",
                   &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, key, err) < 0 || db_bind_int64(st, 2, failures, err) < 0 ||
        ru_bind_instant(st, 3, last_failure, err) < 0 ||
        ru_bind_instant(st, 4, locked_until, err) < 0) {
        db_finalize(st);
        return -1;
    }
    return ru_run(st, err);
}

int repo_throttle_clear(struct db *db, const char *key, struct err *err)
{
    return write1(db, "DELETE FROM login_throttle WHERE key = ?", false, 0, key, err);
}
