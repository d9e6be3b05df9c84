/*
 * store/sqlite.c — the SQLite backend of db.h, cspd's embedded default.
 *
 * Workload: one process, a few request threads each with its own handle, short write
 * transactions (one user action = one transaction with its audit row) and many small reads.
 * Hence, for a file database: WAL (readers never wait for the writer), synchronous=NORMAL
 * (durable at every checkpoint, safe against corruption; a power cut may lose the last
 * commits, never half of one), a 5 s busy timeout, and BEGIN IMMEDIATE so a writer waits for
 * the lock at its start instead of failing half-way. Foreign keys are on for every handle
 * (SQLite leaves them off by default). ":memory:" databases get the same settings except WAL.
 *
 * Statements are prepared per call (no cache yet: preparing is microseconds against our
 * queries; one can be added behind db_prepare without touching callers). Errors carry
 * sqlite3_errmsg() as the message; nothing here prints.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sqlite3.h>

#include "store/db_internal.h"

#define SQLITE_BUSY_TIMEOUT_MS 5000

struct sqlite_db {
    struct db base; /* first: db.c sees only this */
    sqlite3 *h;
};

struct sqlite_stmt {
    struct db_stmt base; /* first */
    sqlite3_stmt *st;
};

static sqlite3 *handle(struct db *db)
{
    return ((struct sqlite_db *)db)->h;
}

static sqlite3_stmt *stmt(struct db_stmt *st)
{
    return ((struct sqlite_stmt *)st)->st;
}

/* Fill `err` from the engine's last error on `h` (or from `rc` alone when there is no handle). */
static int fail(struct err *err, sqlite3 *h, int rc)
{
    const char *msg = h ? sqlite3_errmsg(h) : sqlite3_errstr(rc);

    if ((rc & 0xff) == SQLITE_NOMEM)
        return err_set(err, ERR_NOMEM, "", "%s", msg);
    return err_set(err, ERR_DB, "", "%s", msg);
}

static int sq_exec(struct db *db, const char *sql, struct err *err)
{
    int rc = sqlite3_exec(handle(db), sql, NULL, NULL, NULL);

    return rc == SQLITE_OK ? 0 : fail(err, handle(db), rc);
}

/* Switch a file database to WAL and check it took (it silently stays put on some systems). */
static int use_wal(sqlite3 *h, struct err *err)
{
    sqlite3_stmt *st;
    const char *mode;
    int rc;

    rc = sqlite3_prepare_v2(h, "PRAGMA journal_mode=WAL", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return fail(err, h, rc);
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        fail(err, h, rc);
        sqlite3_finalize(st);
        return -1;
    }
    mode = (const char *)sqlite3_column_text(st, 0);
    if (!mode || strcasecmp(mode, "wal") != 0) {
        err_set(err, ERR_DB, "", "cannot use WAL journal mode (database stays in '%s' mode)",
                mode ? mode : "unknown");
        sqlite3_finalize(st);
        return -1;
    }
    sqlite3_finalize(st);
    return 0;
}

static int sq_open(const char *target, struct db **out, struct err *err)
{
    struct sqlite_db *d;
    const char *file;
    int rc;

    d = calloc(1, sizeof(*d));
    if (!d)
        return err_set(err, ERR_NOMEM, "", "out of memory opening the database");
    d->base.be = &db_sqlite_backend;
    rc = sqlite3_open_v2(target, &d->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK) {
        err_set(err, (rc & 0xff) == SQLITE_NOMEM ? ERR_NOMEM : ERR_DB, "db", "%s: %s", target,
                d->h ? sqlite3_errmsg(d->h) : sqlite3_errstr(rc));
        goto fail;
    }
    sqlite3_busy_timeout(d->h, SQLITE_BUSY_TIMEOUT_MS);
    file = sqlite3_db_filename(d->h, "main");
    if (file && *file && use_wal(d->h, err))
        goto fail;
    if (sq_exec(&d->base, "PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;", err))
        goto fail;
    *out = &d->base;
    return 0;
fail:
    sqlite3_close_v2(d->h); /* NULL is a harmless no-op */
    free(d);
    return -1;
}

static void sq_close(struct db *db)
{
    /* _v2: statements the caller still holds stay valid until finalized. */
    sqlite3_close_v2(handle(db));
    free(db);
}

static int sq_prepare(struct db *db, const char *sql, struct db_stmt **out, struct err *err)
{
    struct sqlite_stmt *s;
    int rc;

    s = calloc(1, sizeof(*s));
    if (!s)
        return err_set(err, ERR_NOMEM, "", "out of memory preparing a statement");
    s->base.be = &db_sqlite_backend;
    rc = sqlite3_prepare_v2(handle(db), sql, -1, &s->st, NULL);
    if (rc != SQLITE_OK || !s->st) {
        /* A NULL statement with SQLITE_OK means the text held no SQL at all. */
        if (rc == SQLITE_OK)
            err_set(err, ERR_DB, "", "no SQL statement in the text");
        else
            fail(err, handle(db), rc);
        free(s);
        return -1;
    }
    *out = &s->base;
    return 0;
}

static int bound(struct db_stmt *st, int rc, struct err *err)
{
    return rc == SQLITE_OK ? 0 : fail(err, sqlite3_db_handle(stmt(st)), rc);
}

static int sq_bind_text(struct db_stmt *st, int idx, const char *text, struct err *err)
{
    return bound(st, sqlite3_bind_text(stmt(st), idx, text, -1, SQLITE_TRANSIENT), err);
}

static int sq_bind_text_ref(struct db_stmt *st, int idx, const char *text, struct err *err)
{
    return bound(st, sqlite3_bind_text(stmt(st), idx, text, -1, SQLITE_STATIC), err);
}

static int sq_bind_int64(struct db_stmt *st, int idx, int64_t v, struct err *err)
{
    return bound(st, sqlite3_bind_int64(stmt(st), idx, v), err);
}

static int sq_bind_null(struct db_stmt *st, int idx, struct err *err)
{
    return bound(st, sqlite3_bind_null(stmt(st), idx), err);
}

static int sq_step(struct db_stmt *st, struct err *err)
{
    int rc = sqlite3_step(stmt(st));

    if (rc == SQLITE_ROW)
        return DB_ROW;
    if (rc == SQLITE_DONE)
        return DB_DONE;
    return fail(err, sqlite3_db_handle(stmt(st)), rc);
}

static const char *sq_column_text(struct db_stmt *st, int col)
{
    return (const char *)sqlite3_column_text(stmt(st), col);
}

static int64_t sq_column_int64(struct db_stmt *st, int col)
{
    return sqlite3_column_int64(stmt(st), col);
}

static bool sq_column_is_null(struct db_stmt *st, int col)
{
    return sqlite3_column_type(stmt(st), col) == SQLITE_NULL;
}

static int sq_column_count(struct db_stmt *st)
{
    return sqlite3_column_count(stmt(st));
}

static void sq_reset(struct db_stmt *st)
{
    sqlite3_reset(stmt(st));
    sqlite3_clear_bindings(stmt(st));
}

static void sq_finalize(struct db_stmt *st)
{
    sqlite3_finalize(stmt(st));
    free(st);
}

static int64_t sq_changes(struct db *db)
{
    return sqlite3_changes64(handle(db));
}

static int64_t sq_last_insert_id(struct db *db)
{
    return sqlite3_last_insert_rowid(handle(db));
}

const struct db_backend db_sqlite_backend = {
    .name = "sqlite",
    .begin_sql = "BEGIN IMMEDIATE",
    .table_exists_sql = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
    .open = sq_open,
    .close = sq_close,
    .exec = sq_exec,
    .prepare = sq_prepare,
    .bind_text = sq_bind_text,
    .bind_text_ref = sq_bind_text_ref,
    .bind_int64 = sq_bind_int64,
    .bind_null = sq_bind_null,
    .step = sq_step,
    .column_text = sq_column_text,
    .column_int64 = sq_column_int64,
    .column_is_null = sq_column_is_null,
    .column_count = sq_column_count,
    .reset = sq_reset,
    .finalize = sq_finalize,
    .changes = sq_changes,
    .last_insert_id = sq_last_insert_id,
};
