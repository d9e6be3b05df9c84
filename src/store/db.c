/*
 * store/db.c — the engine-independent half of db.h: which backend a URL names, transaction
 * bookkeeping, db_ping, and the migration runner.
 *
 * Every db_* call lands here and goes through the handle's vtable (db_internal.h), so a new
 * backend is one file plus one line in `schemes` below, and callers never change. The cost is
 * one indirect call per statement operation, nothing next to the engine's own work.
 *
 * Migrations: the numbered files of src/store/migrations/, embedded by the build (see the
 * Makefile), are applied in order, each in its own transaction together with its row in
 * schema_migrations, so a database is always at a whole version. A database written by a newer
 * cspd (a version above the highest this binary knows) is refused rather than guessed at.
 * The runner is idempotent: running it again finds nothing pending and changes nothing.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "store/db_internal.h"

/* URL prefixes, tried in order; anything else is a SQLite file path. */
static const struct {
    const char *prefix;
    const char *label;             /* for "… backend not built yet" */
    bool strip;                    /* hand the backend the URL without the prefix */
    const struct db_backend *be;   /* NULL: a known scheme whose backend is not built yet */
} schemes[] = {
    {"sqlite:", "SQLite", true, &db_sqlite_backend},
    {"postgres://", "PostgreSQL", false, NULL},
    {"postgresql://", "PostgreSQL", false, NULL},
};

/* True when `url` starts "scheme://", a URL form no entry of `schemes` knows. */
static bool looks_like_url(const char *url)
{
    const char *p = url;

    while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
           *p == '+' || *p == '-' || *p == '.')
        p++;
    return p > url && strncmp(p, "://", 3) == 0;
}

/* Which backend serves `url` and what it is handed; -1 with ERR_INVALID if none can. */
static int resolve(const char *url, const struct db_backend **be, const char **target,
                   struct err *err)
{
    if (!url || !*url)
        return err_set(err, ERR_INVALID, "db", "no database given");
    for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
        size_t n = strlen(schemes[i].prefix);

        if (strncmp(url, schemes[i].prefix, n) != 0)
            continue;
        if (!schemes[i].be)
            return err_set(err, ERR_INVALID, "db", "%s backend not built yet",
                           schemes[i].label);
        *be = schemes[i].be;
        *target = schemes[i].strip ? url + n : url;
        if (!**target)
            return err_set(err, ERR_INVALID, "db", "database URL '%s' names no database", url);
        return 0;
    }
    if (looks_like_url(url))
        return err_set(err, ERR_INVALID, "db", "unknown database URL scheme in '%s'", url);
    *be = &db_sqlite_backend;
    *target = url;
    return 0;
}

int db_open(const char *url, struct db **out, struct err *err)
{
    const struct db_backend *be;
    const char *target;

    *out = NULL;
    if (resolve(url, &be, &target, err))
        return -1;
    return be->open(target, out, err);
}

const char *db_url_path(const char *url)
{
    const struct db_backend *be;
    const char *target;
    struct err ignored;

    if (resolve(url, &be, &target, &ignored) || be != &db_sqlite_backend)
        return NULL;
    return strcmp(target, ":memory:") == 0 ? NULL : target;
}

void db_close(struct db *db)
{
    if (!db)
        return;
    db_rollback(db);
    db->be->close(db);
}

const char *db_backend(const struct db *db)
{
    return db->be->name;
}

int db_begin(struct db *db, struct err *err)
{
    if (db->in_tx)
        return err_set(err, ERR_INTERNAL, "", "a transaction is already open");
    if (db->be->exec(db, db->be->begin_sql, err))
        return -1;
    db->in_tx = true;
    return 0;
}

int db_commit(struct db *db, struct err *err)
{
    if (!db->in_tx)
        return err_set(err, ERR_INTERNAL, "", "commit without a transaction");
    if (db->be->exec(db, "COMMIT", err)) {
        db_rollback(db);
        return -1;
    }
    db->in_tx = false;
    return 0;
}

void db_rollback(struct db *db)
{
    struct err ignored;

    if (!db->in_tx)
        return;
    /* Fails only when the engine already ended the transaction itself; either way it is over. */
    (void)db->be->exec(db, "ROLLBACK", &ignored);
    db->in_tx = false;
}

bool db_in_transaction(const struct db *db)
{
    return db->in_tx;
}

int db_exec(struct db *db, const char *sql, struct err *err)
{
    return db->be->exec(db, sql, err);
}

int db_prepare(struct db *db, const char *sql, struct db_stmt **out, struct err *err)
{
    *out = NULL;
    return db->be->prepare(db, sql, out, err);
}

int db_bind_text(struct db_stmt *st, int idx, const char *text, struct err *err)
{
    if (!text)
        return st->be->bind_null(st, idx, err);
    return st->be->bind_text(st, idx, text, err);
}

int db_bind_text_ref(struct db_stmt *st, int idx, const char *text, struct err *err)
{
    if (!text)
        return st->be->bind_null(st, idx, err);
    if (!st->be->bind_text_ref)
        return st->be->bind_text(st, idx, text, err);
    return st->be->bind_text_ref(st, idx, text, err);
}

int db_bind_int64(struct db_stmt *st, int idx, int64_t v, struct err *err)
{
    return st->be->bind_int64(st, idx, v, err);
}

int db_bind_null(struct db_stmt *st, int idx, struct err *err)
{
    return st->be->bind_null(st, idx, err);
}

int db_step(struct db_stmt *st, struct err *err)
{
    return st->be->step(st, err);
}

const char *db_column_text(struct db_stmt *st, int col)
{
    return st->be->column_text(st, col);
}

int64_t db_column_int64(struct db_stmt *st, int col)
{
    return st->be->column_int64(st, col);
}

bool db_column_is_null(struct db_stmt *st, int col)
{
    return st->be->column_is_null(st, col);
}

int db_column_count(struct db_stmt *st)
{
    return st->be->column_count(st);
}

void db_reset(struct db_stmt *st)
{
    st->be->reset(st);
}

void db_finalize(struct db_stmt *st)
{
    if (st)
        st->be->finalize(st);
}

int64_t db_changes(struct db *db)
{
    return db->be->changes(db);
}

int64_t db_last_insert_id(struct db *db)
{
    return db->be->last_insert_id(db);
}

bool db_ping(struct db *db)
{
    struct db_stmt *st;
    struct err ignored;
    bool ok;

    if (!db || db_prepare(db, "SELECT 1", &st, &ignored))
        return false;
    ok = db_step(st, &ignored) == DB_ROW && db_column_int64(st, 0) == 1;
    db_finalize(st);
    return ok;
}

/* Run a query with at most one text parameter and read the first column of its first row as
 * an integer; `*found` says whether a row came back (NULL: the caller knows one will). */
static int query_int(struct db *db, const char *sql, const char *param, int64_t *out,
                     bool *found, struct err *err)
{
    struct db_stmt *st;
    int rc;

    if (db_prepare(db, sql, &st, err))
        return -1;
    if (param && db_bind_text(st, 1, param, err)) {
        db_finalize(st);
        return -1;
    }
    rc = db_step(st, err);
    if (rc == DB_ROW)
        *out = db_column_int64(st, 0);
    db_finalize(st);
    if (rc < 0)
        return -1;
    if (found)
        *found = rc == DB_ROW;
    return 0;
}

int db_schema_version(struct db *db, int *out, struct err *err)
{
    int64_t v = 0;
    bool exists;

    *out = 0;
    if (query_int(db, db->be->table_exists_sql, "schema_migrations", &v, &exists, err))
        return -1;
    if (!exists)
        return 0;
    if (query_int(db, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", NULL, &v, NULL,
                  err))
        return -1;
    *out = (int)v;
    return 0;
}

/* The version a migration's name starts with ("003_more" -> 3), or -1 if it has none. */
static int migration_version(const char *name)
{
    int v = 0, digits = 0;

    for (; *name >= '0' && *name <= '9'; name++, digits++) {
        if (digits == 6)
            return -1;
        v = v * 10 + (*name - '0');
    }
    return digits > 0 && v > 0 && *name == '_' ? v : -1;
}

static int migration_applied(struct db *db, int version, bool *applied, struct err *err)
{
    struct db_stmt *st;
    int rc;

    if (db_prepare(db, "SELECT 1 FROM schema_migrations WHERE version = ?", &st, err))
        return -1;
    rc = db_bind_int64(st, 1, version, err) ? -1 : db_step(st, err);
    db_finalize(st);
    if (rc < 0)
        return -1;
    *applied = rc == DB_ROW;
    return 0;
}

static int migration_record(struct db *db, int version, const char *name, struct err *err)
{
    struct db_stmt *st;
    int rc;

    if (db_prepare(db, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                   &st, err))
        return -1;
    /* applied_at is the machine's wall time, like a log line, not the business clock. */
    if (db_bind_int64(st, 1, version, err) || db_bind_text(st, 2, name, err) ||
        db_bind_int64(st, 3, (int64_t)time(NULL), err))
        rc = -1;
    else
        rc = db_step(st, err);
    db_finalize(st);
    return rc < 0 ? -1 : 0;
}

/* Apply one migration unless it is recorded already: the check, the SQL and the record share
 * one write transaction, so two processes migrating at once cannot both apply it. */
static int migration_apply(struct db *db, const struct db_migration *m, int version,
                           struct err *err)
{
    bool applied;

    if (db_begin(db, err))
        return -1;
    if (migration_applied(db, version, &applied, err))
        goto fail;
    if (!applied) {
        if (m->sql && db_exec(db, m->sql, err)) {
            char why[sizeof(err->msg)];

            /* Name the migration; keep the class and the place the error arose. */
            snprintf(why, sizeof(why), "%s", err->msg);
            err_set_(err, err->func, err->line, err->code, NULL, "", "migration %s: %s",
                     m->name, why);
            goto fail;
        }
        if (migration_record(db, version, m->name, err))
            goto fail;
    }
    return db_commit(db, err);
fail:
    db_rollback(db);
    return -1;
}

int db_migrate_list(struct db *db, const struct db_migration *list, struct err *err)
{
    int latest = 0, current;

    if (db->in_tx)
        return err_set(err, ERR_INTERNAL, "", "db_migrate inside a transaction");
    for (const struct db_migration *m = list; m->name; m++) {
        int v = migration_version(m->name);

        if (v < 0)
            return err_set(err, ERR_INTERNAL, "", "migration '%s': name must start NNN_",
                           m->name);
        if (v <= latest)
            return err_set(err, ERR_INTERNAL, "", "migration '%s': number %d not above %d",
                           m->name, v, latest);
        latest = v;
    }
    if (db_exec(db,
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
                err))
        return -1;
    if (db_schema_version(db, &current, err))
        return -1;
    if (current > latest)
        return err_set(err, ERR_INVALID, "db",
                       "database schema version %d is newer than this cspd knows (%d); "
                       "upgrade cspd",
                       current, latest);
    for (const struct db_migration *m = list; m->name; m++)
        if (migration_apply(db, m, migration_version(m->name), err))
            return -1;
    return 0;
}

int db_migrate(struct db *db, struct err *err)
{
    return db_migrate_list(db, db_migrations, err);
}
