/*
 * store/db.h — the one small storage interface every repository is written against.
 *
 * Two backends are planned behind it: SQLite (embedded default, sqlite.c) and PostgreSQL
 * (libpq, pg.c, later). Callers write portable SQL with `?` placeholders; a backend that needs
 * `$1` translates them. Money and quantities are stored as exact decimal TEXT (dec_format),
 * never REAL. Instants are INTEGER seconds since the epoch, dates TEXT "YYYY-MM-DD".
 *
 * Ownership: db_open returns a handle owned by the caller (db_close). Statements are owned by
 * the caller (db_finalize); text returned by db_column_text is owned by the statement and valid
 * until the next db_step/db_reset/db_finalize on it.
 *
 * Transactions: db_begin/db_commit/db_rollback; nested calls are an error (ERR_INTERNAL).
 * A db_commit that fails rolls the transaction back, so the transaction is over either way.
 * The SQLite backend runs in WAL mode with foreign keys on and a busy timeout; its transactions
 * take the write lock at db_begin (BEGIN IMMEDIATE), so a busy database (after waiting up to
 * the busy timeout) fails there, never half-way through a transaction.
 *
 * Errors: a store failure is ERR_DB carrying the backend's own message (ERR_NOMEM when memory
 * runs out); a URL this build cannot open is ERR_INVALID.
 * Threads: a handle and its statements are used by one thread at a time.
 */
#ifndef CSPD_STORE_DB_H
#define CSPD_STORE_DB_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"

struct db;
struct db_stmt;

enum db_step_result { DB_DONE = 0, DB_ROW = 1 }; /* db_step returns these, or -1 on error */

/*
 * Open a database. `url`: a file path ("var/cspd.db"), "sqlite:PATH", or ":memory:" (a fresh
 * private in-memory database). "postgres://..." is reserved for the libpq backend.
 * Does not migrate; call db_migrate.
 */
int db_open(const char *url, struct db **out, struct err *err);
/*
 * The file a SQLite URL names ("var/cspd.db" for "sqlite:var/cspd.db"; a pointer into `url`),
 * or NULL for ":memory:" and for server URLs. Lets the CLI check or create the file's directory.
 */
const char *db_url_path(const char *url);
void db_close(struct db *db);
/* The backend's name: "sqlite". */
const char *db_backend(const struct db *db);

int db_begin(struct db *db, struct err *err);
int db_commit(struct db *db, struct err *err);
/* Always safe to call; a no-op outside a transaction. */
void db_rollback(struct db *db);
bool db_in_transaction(const struct db *db);

/* Run SQL text without parameters (may hold several statements). */
int db_exec(struct db *db, const char *sql, struct err *err);

int db_prepare(struct db *db, const char *sql, struct db_stmt **out, struct err *err);
/* Parameter indexes are 1-based. */
int db_bind_text(struct db_stmt *st, int idx, const char *text, struct err *err);
/*
 * As db_bind_text, without copying: `text` must stay valid and unchanged until the statement
 * has been stepped (for bulk inserts that bind their own buffers right before the step).
 */
int db_bind_text_ref(struct db_stmt *st, int idx, const char *text, struct err *err);
int db_bind_int64(struct db_stmt *st, int idx, int64_t v, struct err *err);
int db_bind_null(struct db_stmt *st, int idx, struct err *err);
/* DB_ROW, DB_DONE, or -1 with err filled. */
int db_step(struct db_stmt *st, struct err *err);
/* Column indexes are 0-based. NULL text comes back as NULL. */
const char *db_column_text(struct db_stmt *st, int col);
int64_t db_column_int64(struct db_stmt *st, int col);
bool db_column_is_null(struct db_stmt *st, int col);
int db_column_count(struct db_stmt *st);
/* Ready the statement for another run (bindings cleared). */
void db_reset(struct db_stmt *st);
void db_finalize(struct db_stmt *st);

/* Rows changed by the last INSERT/UPDATE/DELETE; rowid of the last INSERT. */
int64_t db_changes(struct db *db);
int64_t db_last_insert_id(struct db *db);

/* Apply every numbered migration not yet applied (store/migrations), in one transaction each. */
int db_migrate(struct db *db, struct err *err);
/* The highest applied migration number (0 for a new database). */
int db_schema_version(struct db *db, int *out, struct err *err);
/* True when the store answers a trivial query (/readyz). */
bool db_ping(struct db *db);

#endif
