/*
 * store/db_internal.h — what the store's own files share; nothing outside src/store includes
 * it (tests excepted).
 *
 * db.c owns everything that does not depend on the engine: choosing a backend from the URL,
 * transaction bookkeeping, db_ping and the migration runner. Each backend (sqlite.c now, pg.c
 * later) fills one `struct db_backend` with its functions and the few bits of SQL dialect the
 * generic code needs, the way git's refs/refs-internal.h or OpenSMTPD's queue_backend.c do.
 *
 * A backend's handle embeds `struct db` as its first member (and its statement embeds
 * `struct db_stmt`), so db.c can reach the vtable and backends can cast back to their own type.
 * db.c does all argument bookkeeping (nesting, NULL handles); backend functions may assume a
 * valid handle and report only the engine's own failures, as ERR_DB with the engine's message.
 */
#ifndef CSPD_STORE_DB_INTERNAL_H
#define CSPD_STORE_DB_INTERNAL_H

#include <stddef.h>

#include "store/db.h"

struct db_backend;

struct db {
    const struct db_backend *be;
    bool in_tx; /* between a successful db_begin and db_commit/db_rollback */
};

struct db_stmt {
    const struct db_backend *be;
};

struct db_backend {
    const char *name; /* "sqlite", what db_backend() returns */
    /* Dialect: the statement that starts a write transaction, and a query with one `?` (the
     * table name) that returns a row when that table exists. */
    const char *begin_sql;
    const char *table_exists_sql;

    /* `target` is the URL with the backend's scheme removed ("var/cspd.db", ":memory:"). */
    int (*open)(const char *target, struct db **out, struct err *err);
    void (*close)(struct db *db);
    int (*exec)(struct db *db, const char *sql, struct err *err);

    int (*prepare)(struct db *db, const char *sql, struct db_stmt **out, struct err *err);
    int (*bind_text)(struct db_stmt *st, int idx, const char *text, struct err *err);
    /* optional (NULL: bind_text): no copy, text outlives the next step */
    int (*bind_text_ref)(struct db_stmt *st, int idx, const char *text, struct err *err);
    int (*bind_int64)(struct db_stmt *st, int idx, int64_t v, struct err *err);
    int (*bind_null)(struct db_stmt *st, int idx, struct err *err);
    int (*step)(struct db_stmt *st, struct err *err);
    const char *(*column_text)(struct db_stmt *st, int col);
    int64_t (*column_int64)(struct db_stmt *st, int col);
    bool (*column_is_null)(struct db_stmt *st, int col);
    int (*column_count)(struct db_stmt *st);
    void (*reset)(struct db_stmt *st);
    void (*finalize)(struct db_stmt *st);

    int64_t (*changes)(struct db *db);
    int64_t (*last_insert_id)(struct db *db);
};

extern const struct db_backend db_sqlite_backend;

/*
 * Migrations, embedded at build time from src/store/migrations/NNN_name.sql by the Makefile
 * into $(BUILD)/gen/migrations.c: one entry per file in name order, then {NULL, NULL}.
 * `name` is the file name without ".sql"; its leading number is the schema version.
 * `sql` is the file's text (NULL for an empty file).
 */
struct db_migration {
    const char *name;
    const char *sql;
};

extern const struct db_migration db_migrations[];

/*
 * db_migrate with an explicit list (terminated by a NULL name): validates the numbering
 * (each name "NNN_...", numbers rising), then applies each migration not yet recorded, one
 * transaction each. Tests use it to check a failing migration leaves no trace.
 */
int db_migrate_list(struct db *db, const struct db_migration *list, struct err *err);

#endif
