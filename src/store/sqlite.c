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
 * Statements: each handle keeps its last STMT_CACHE_SIZE prepared statements, keyed by their
 * SQL text. db_prepare hands out a cached one that is not in use (reset, bindings cleared) and
 * db_finalize gives it back reset, so it holds no read transaction between uses; a text that
 * is already in use (a query nested in its own loop) gets a fresh, uncached statement. The
 * least recently used entry makes room. Parsing and planning were a tenth of an API request's
 * CPU (bench/RESULTS.md, bench 4). SQLite re-prepares a cached statement by itself after a
 * schema change. Errors carry sqlite3_errmsg() as the message; nothing here prints.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sqlite3.h>

#include "store/db_internal.h"

#define SQLITE_BUSY_TIMEOUT_MS 5000
#define STMT_CACHE_SIZE 64

struct sqlite_stmt;

struct stmt_slot {
    uint64_t hash;               /* of sql; 0 with sql NULL: empty slot */
    char *sql;
    struct sqlite_stmt *st;
    bool in_use;
    uint64_t used;               /* tick of the last hand-out, for LRU */
};

struct sqlite_db {
    struct db base; /* first: db.c sees only this */
    sqlite3 *h;
    struct stmt_slot cache[STMT_CACHE_SIZE];
    uint64_t tick;
};

struct sqlite_stmt {
    struct db_stmt base; /* first */
    sqlite3_stmt *st;
    struct stmt_slot *slot;      /* its cache entry, or NULL when uncached */
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

static void stmt_free(struct sqlite_stmt *s)
{
    sqlite3_finalize(s->st);
    free(s);
}

/* Empty a cache slot. A statement still in use is left to its holder's db_finalize. */
static void slot_clear(struct stmt_slot *e)
{
    if (e->st) {
        if (e->in_use)
            e->st->slot = NULL;
        else
            stmt_free(e->st);
    }
    free(e->sql);
    memset(e, 0, sizeof(*e));
}

static void sq_close(struct db *db)
{
    struct sqlite_db *d = (struct sqlite_db *)db;

    for (int i = 0; i < STMT_CACHE_SIZE; i++)
        slot_clear(&d->cache[i]);
    /* _v2: statements the caller still holds stay valid until finalized. */
    sqlite3_close_v2(d->h);
    free(d);
}

/* FNV-1a, never 0 (0 marks an empty slot). */
static uint64_t sql_hash(const char *sql)
{
    uint64_t h = 14695981039346656037ULL;

    for (const unsigned char *p = (const unsigned char *)sql; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    return h ? h : 1;
}

/* An idle cached statement for `sql`, marked in use; NULL when there is none. */
static struct sqlite_stmt *cache_take(struct sqlite_db *d, uint64_t hash, const char *sql)
{
    for (int i = 0; i < STMT_CACHE_SIZE; i++) {
        struct stmt_slot *e = &d->cache[i];

        if (e->hash == hash && !e->in_use && strcmp(e->sql, sql) == 0) {
            e->in_use = true;
            e->used = ++d->tick;
            return e->st;
        }
    }
    return NULL;
}

/* Keep `s` (just prepared from `sql`, in use) in the cache if a slot is free or idle. */
static void cache_put(struct sqlite_db *d, uint64_t hash, const char *sql, struct sqlite_stmt *s)
{
    struct stmt_slot *victim = NULL;
    char *copy;

    for (int i = 0; i < STMT_CACHE_SIZE; i++) {
        struct stmt_slot *e = &d->cache[i];

        if (!e->sql) {
            victim = e;
            break;
        }
        if (!e->in_use && (!victim || e->used < victim->used))
            victim = e;
    }
    if (!victim || !(copy = strdup(sql)))
        return; /* every slot in use, or no memory: the statement stays uncached */
    slot_clear(victim);
    victim->hash = hash;
    victim->sql = copy;
    victim->st = s;
    victim->in_use = true;
    victim->used = ++d->tick;
    s->slot = victim;
}

static int sq_prepare(struct db *db, const char *sql, struct db_stmt **out, struct err *err)
{
    struct sqlite_db *d = (struct sqlite_db *)db;
    uint64_t hash = sql_hash(sql);
    struct sqlite_stmt *s = cache_take(d, hash, sql);
    int rc;

    if (s) {
        *out = &s->base;
        return 0;
    }
    s = calloc(1, sizeof(*s));
    if (!s)
        return err_set(err, ERR_NOMEM, "", "out of memory preparing a statement");
    s->base.be = &db_sqlite_backend;
    rc = sqlite3_prepare_v3(d->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->st, NULL);
    if (rc != SQLITE_OK || !s->st) {
        /* A NULL statement with SQLITE_OK means the text held no SQL at all. */
        if (rc == SQLITE_OK)
            err_set(err, ERR_DB, "", "no SQL statement in the text");
        else
            fail(err, d->h, rc);
        free(s);
        return -1;
    }
    cache_put(d, hash, sql, s);
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
    struct sqlite_stmt *s = (struct sqlite_stmt *)st;

    if (!s->slot) {
        stmt_free(s);
        return;
    }
    /* back to the cache, ready for the next db_prepare of the same text */
    sqlite3_reset(s->st);
    sqlite3_clear_bindings(s->st);
    s->slot->in_use = false;
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
