/*
 * tests/unit/test_store.c — the store contract (store/db.h) on the SQLite backend.
 *
 * Covers: URL forms, migrations (apply, idempotent, newer-database refusal, a failing migration
 * leaves no trace), transactions (commit, rollback, nesting), bind/step/column round trips
 * (text, int64 extremes, NULL, decimal text kept exact), error reporting (ERR_DB carrying
 * SQLite's message), a file database reopened (data kept, WAL, foreign keys on again),
 * foreign keys enforced, the statement cache (nested use, reset on return, no read
 * transaction kept), db_ping, and an insert into every table the lifecycle engine writes
 * so a renamed column fails here first. Most tests run on a fresh migrated ":memory:" store.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/db.h"
#include "store/db_internal.h"

/* ---- helpers ---------------------------------------------------------------------------- */

static struct db *open_mem(void)
{
    struct db *db;
    struct err err;

    err_clear(&err);
    assert_int_equal(db_open(":memory:", &db, &err), 0);
    return db;
}

static struct db *open_migrated(void)
{
    struct db *db = open_mem();
    struct err err;

    err_clear(&err);
    if (db_migrate(db, &err) != 0)
        fail_msg("migrate: %s", err.msg);
    return db;
}

static void exec_ok(struct db *db, const char *sql)
{
    struct err err;

    err_clear(&err);
    if (db_exec(db, sql, &err) != 0)
        fail_msg("%s: %s", sql, err.msg);
}

/* The first column of the first row of `sql`, as an integer. */
static int64_t scalar(struct db *db, const char *sql)
{
    struct db_stmt *st;
    struct err err;
    int64_t v;

    err_clear(&err);
    if (db_prepare(db, sql, &st, &err) != 0)
        fail_msg("%s: %s", sql, err.msg);
    assert_int_equal(db_step(st, &err), DB_ROW);
    v = db_column_int64(st, 0);
    db_finalize(st);
    return v;
}

/* The highest version embedded in this build (the number db_migrate should reach). */
static int latest_version(void)
{
    int v = 0;

    for (const struct db_migration *m = db_migrations; m->name; m++)
        v = atoi(m->name); /* test code, trusted names */
    return v;
}

static void insert_partner(struct db *db, const char *id)
{
    struct db_stmt *st;
    struct err err;

    err_clear(&err);
    assert_int_equal(db_prepare(db,
                                "INSERT INTO partners (id, kind, name, country, currency, "
                                "created_at) VALUES (?, 'direct', 'Contoso CSP', 'US', 'USD', 1)",
                                &st, &err),
                     0);
    assert_int_equal(db_bind_text(st, 1, id, &err), 0);
    assert_int_equal(db_step(st, &err), DB_DONE);
    db_finalize(st);
}

/* ---- URLs --------------------------------------------------------------------------------- */

static void test_url_forms(void **state)
{
    struct db *db;
    struct err err;

    (void)state;
    err_clear(&err);
    assert_int_equal(db_open(":memory:", &db, &err), 0);
    assert_string_equal(db_backend(db), "sqlite");
    db_close(db);
    assert_int_equal(db_open("sqlite::memory:", &db, &err), 0);
    db_close(db);

    assert_int_equal(db_open("postgres://u@localhost/cspd", &db, &err), -1);
    assert_null(db);
    assert_int_equal(err.code, ERR_INVALID);
    assert_string_equal(err.msg, "PostgreSQL backend not built yet");
    assert_int_equal(db_open("postgresql://localhost/cspd", &db, &err), -1);
    assert_int_equal(err.code, ERR_INVALID);
    assert_int_equal(db_open("mysql://localhost/cspd", &db, &err), -1);
    assert_int_equal(err.code, ERR_INVALID);
    assert_int_equal(db_open("", &db, &err), -1);
    assert_int_equal(err.code, ERR_INVALID);
    assert_int_equal(db_open("sqlite:", &db, &err), -1);
    assert_int_equal(err.code, ERR_INVALID);

    assert_string_equal(db_url_path("var/cspd.db"), "var/cspd.db");
    assert_string_equal(db_url_path("sqlite:/tmp/x.db"), "/tmp/x.db");
    assert_null(db_url_path(":memory:"));
    assert_null(db_url_path("sqlite::memory:"));
    assert_null(db_url_path("postgres://localhost/cspd"));
    assert_null(db_url_path(""));
}

static void test_open_missing_directory(void **state)
{
    struct db *db;
    struct err err;

    (void)state;
    err_clear(&err);
    assert_int_equal(db_open("/nonexistent-cspd-dir/sub/x.db", &db, &err), -1);
    assert_null(db);
    assert_int_equal(err.code, ERR_DB);
    assert_non_null(strstr(err.msg, "unable to open"));
}

/* ---- migrations --------------------------------------------------------------------------- */

static void test_migrate_memory(void **state)
{
    struct db *db = open_mem();
    struct err err;
    int v = -1;

    (void)state;
    err_clear(&err);
    assert_int_equal(db_schema_version(db, &v, &err), 0);
    assert_int_equal(v, 0);
    assert_int_equal(db_migrate(db, &err), 0);
    assert_int_equal(db_schema_version(db, &v, &err), 0);
    assert_true(v >= 1);
    assert_int_equal(v, latest_version());
    assert_false(db_in_transaction(db));
    /* A few of the v1 tables exist and are empty. */
    assert_int_equal(scalar(db, "SELECT count(*) FROM partners"), 0);
    assert_int_equal(scalar(db, "SELECT count(*) FROM subscription_events"), 0);
    assert_int_equal(scalar(db, "SELECT count(*) FROM outbox"), 0);
    assert_int_equal(scalar(db, "SELECT count(*) FROM schema_migrations WHERE version = 1 AND "
                                "name = '001_schema_v1' AND applied_at > 0"),
                     1);
    db_close(db);
}

static void test_migrate_twice_is_noop(void **state)
{
    struct db *db = open_migrated();
    struct err err;
    int64_t rows, stamp;
    int v;

    (void)state;
    err_clear(&err);
    rows = scalar(db, "SELECT count(*) FROM schema_migrations");
    stamp = scalar(db, "SELECT sum(applied_at) FROM schema_migrations");
    assert_int_equal(db_migrate(db, &err), 0);
    assert_int_equal(db_migrate(db, &err), 0);
    assert_int_equal(scalar(db, "SELECT count(*) FROM schema_migrations"), rows);
    assert_int_equal(scalar(db, "SELECT sum(applied_at) FROM schema_migrations"), stamp);
    assert_int_equal(db_schema_version(db, &v, &err), 0);
    assert_int_equal(v, latest_version());
    db_close(db);
}

static void test_migrate_refuses_newer_database(void **state)
{
    struct db *db = open_migrated();
    struct err err;
    int v;

    (void)state;
    err_clear(&err);
    exec_ok(db, "INSERT INTO schema_migrations VALUES (999, '999_future', 1)");
    assert_int_equal(db_migrate(db, &err), -1);
    assert_int_equal(err.code, ERR_INVALID);
    assert_non_null(strstr(err.msg, "newer"));
    assert_int_equal(db_schema_version(db, &v, &err), 0);
    assert_int_equal(v, 999);
    db_close(db);
}

static void test_migration_failure_leaves_no_trace(void **state)
{
    static const struct db_migration list[] = {
        {"001_a", "CREATE TABLE a (x INTEGER);"},
        {"002_b", "CREATE TABLE b (x INTEGER); INSERT INTO a VALUES (1); SELEC oops;"},
        {"003_c", "CREATE TABLE c (x INTEGER);"},
        {NULL, NULL},
    };
    static const struct db_migration fixed[] = {
        {"001_a", "CREATE TABLE a (x INTEGER);"},
        {"002_b", "CREATE TABLE b (x INTEGER);"},
        {"003_c", NULL}, /* an empty file */
        {NULL, NULL},
    };
    struct db *db = open_mem();
    struct err err;
    int v;

    (void)state;
    err_clear(&err);
    assert_int_equal(db_migrate_list(db, list, &err), -1);
    assert_int_equal(err.code, ERR_DB);
    assert_non_null(strstr(err.msg, "migration 002_b: "));
    assert_non_null(strstr(err.msg, "syntax error"));
    assert_false(db_in_transaction(db));
    assert_int_equal(db_schema_version(db, &v, &err), 0);
    assert_int_equal(v, 1);
    /* 002's table and row were rolled back with it; 003 never ran. */
    assert_int_equal(scalar(db, "SELECT count(*) FROM a"), 0);
    assert_int_equal(scalar(db, "SELECT count(*) FROM sqlite_master WHERE name IN ('b', 'c')"),
                     0);
    /* Fixed, the run resumes where it stopped. */
    assert_int_equal(db_migrate_list(db, fixed, &err), 0);
    assert_int_equal(db_schema_version(db, &v, &err), 0);
    assert_int_equal(v, 3);
    db_close(db);
}

static void test_migration_names_checked(void **state)
{
    static const struct db_migration unnumbered[] = {{"schema", ""}, {NULL, NULL}};
    static const struct db_migration zero[] = {{"000_x", ""}, {NULL, NULL}};
    static const struct db_migration order[] = {{"002_x", ""}, {"001_y", ""}, {NULL, NULL}};
    static const struct db_migration dup[] = {{"001_x", ""}, {"001_y", ""}, {NULL, NULL}};
    struct db *db = open_mem();
    struct err err;
    int v;

    (void)state;
    err_clear(&err);
    assert_int_equal(db_migrate_list(db, unnumbered, &err), -1);
    assert_int_equal(err.code, ERR_INTERNAL);
    assert_int_equal(db_migrate_list(db, zero, &err), -1);
    assert_int_equal(db_migrate_list(db, order, &err), -1);
    assert_int_equal(db_migrate_list(db, dup, &err), -1);
    assert_int_equal(db_schema_version(db, &v, &err), 0);
    assert_int_equal(v, 0);
    db_close(db);
}

/* ---- transactions ------------------------------------------------------------------------- */

static void test_transactions(void **state)
{
    struct db *db = open_mem();
    struct err err;

    (void)state;
    err_clear(&err);
    exec_ok(db, "CREATE TABLE t (x INTEGER)");
    assert_false(db_in_transaction(db));

    assert_int_equal(db_begin(db, &err), 0);
    assert_true(db_in_transaction(db));
    exec_ok(db, "INSERT INTO t VALUES (1)");
    assert_int_equal(scalar(db, "SELECT count(*) FROM t"), 1); /* own writes visible */
    db_rollback(db);
    assert_false(db_in_transaction(db));
    assert_int_equal(scalar(db, "SELECT count(*) FROM t"), 0);

    assert_int_equal(db_begin(db, &err), 0);
    exec_ok(db, "INSERT INTO t VALUES (2)");
    assert_int_equal(db_commit(db, &err), 0);
    assert_false(db_in_transaction(db));
    assert_int_equal(scalar(db, "SELECT count(*) FROM t WHERE x = 2"), 1);

    /* Nesting is a bug; so is committing nothing; rollback outside is harmless. */
    assert_int_equal(db_begin(db, &err), 0);
    assert_int_equal(db_begin(db, &err), -1);
    assert_int_equal(err.code, ERR_INTERNAL);
    assert_true(db_in_transaction(db));
    db_rollback(db);
    db_rollback(db);
    assert_int_equal(db_commit(db, &err), -1);
    assert_int_equal(err.code, ERR_INTERNAL);

    /* A migration is refused inside a transaction. */
    assert_int_equal(db_begin(db, &err), 0);
    assert_int_equal(db_migrate(db, &err), -1);
    assert_int_equal(err.code, ERR_INTERNAL);
    db_rollback(db);

    /* Closing with a transaction open discards it. */
    assert_int_equal(db_begin(db, &err), 0);
    exec_ok(db, "INSERT INTO t VALUES (3)");
    db_close(db);
}

static void test_failed_commit_ends_transaction(void **state)
{
    struct db *db = open_mem();
    struct err err;

    (void)state;
    err_clear(&err);
    exec_ok(db, "PRAGMA foreign_keys=ON");
    exec_ok(db, "CREATE TABLE p (id TEXT PRIMARY KEY)");
    exec_ok(db, "CREATE TABLE c (p TEXT REFERENCES p (id) DEFERRABLE INITIALLY DEFERRED)");
    assert_int_equal(db_begin(db, &err), 0);
    exec_ok(db, "INSERT INTO c VALUES ('missing')"); /* checked only at COMMIT */
    assert_int_equal(db_commit(db, &err), -1);
    assert_int_equal(err.code, ERR_DB);
    assert_non_null(strstr(err.msg, "FOREIGN KEY"));
    assert_false(db_in_transaction(db));
    assert_int_equal(scalar(db, "SELECT count(*) FROM c"), 0);
    assert_int_equal(db_begin(db, &err), 0); /* usable again */
    db_rollback(db);
    db_close(db);
}

/* ---- statements --------------------------------------------------------------------------- */

static void test_bind_step_column(void **state)
{
    static const char *money = "123456789012345678901234.000000000000000001";
    struct db *db = open_mem();
    struct db_stmt *st;
    struct err err;

    (void)state;
    err_clear(&err);
    exec_ok(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT, n INTEGER, amount TEXT)");
    assert_int_equal(db_prepare(db, "INSERT INTO t (s, n, amount) VALUES (?, ?, ?)", &st, &err),
                     0);

    assert_int_equal(db_bind_text(st, 1, "Zürich €", &err), 0);
    assert_int_equal(db_bind_int64(st, 2, INT64_MAX, &err), 0);
    assert_int_equal(db_bind_text(st, 3, money, &err), 0);
    assert_int_equal(db_step(st, &err), DB_DONE);
    assert_int_equal(db_changes(db), 1);
    assert_int_equal(db_last_insert_id(db), 1);

    db_reset(st); /* bindings cleared: all three NULL */
    assert_int_equal(db_step(st, &err), DB_DONE);

    db_reset(st);
    assert_int_equal(db_bind_null(st, 1, &err), 0);
    assert_int_equal(db_bind_int64(st, 2, INT64_MIN, &err), 0);
    assert_int_equal(db_bind_text(st, 3, NULL, &err), 0); /* NULL text binds NULL */
    assert_int_equal(db_step(st, &err), DB_DONE);
    assert_int_equal(db_last_insert_id(db), 3);
    db_finalize(st);

    assert_int_equal(db_prepare(db, "SELECT s, n, amount, typeof(amount) FROM t ORDER BY id",
                                &st, &err),
                     0);
    assert_int_equal(db_column_count(st), 4);

    assert_int_equal(db_step(st, &err), DB_ROW);
    assert_string_equal(db_column_text(st, 0), "Zürich €");
    assert_int_equal(db_column_int64(st, 1), INT64_MAX);
    assert_string_equal(db_column_text(st, 2), money); /* exact, not rounded through REAL */
    assert_string_equal(db_column_text(st, 3), "text");
    assert_false(db_column_is_null(st, 0));

    assert_int_equal(db_step(st, &err), DB_ROW);
    assert_true(db_column_is_null(st, 0));
    assert_true(db_column_is_null(st, 1));
    assert_true(db_column_is_null(st, 2));
    assert_null(db_column_text(st, 0));
    assert_int_equal(db_column_int64(st, 1), 0);

    assert_int_equal(db_step(st, &err), DB_ROW);
    assert_int_equal(db_column_int64(st, 1), INT64_MIN);
    assert_true(db_column_is_null(st, 2));

    assert_int_equal(db_step(st, &err), DB_DONE);
    db_reset(st); /* runs again from the top */
    assert_int_equal(db_step(st, &err), DB_ROW);
    assert_string_equal(db_column_text(st, 0), "Zürich €");
    db_finalize(st);

    exec_ok(db, "UPDATE t SET n = 0");
    assert_int_equal(db_changes(db), 3);
    db_finalize(NULL); /* harmless */
    db_close(db);
    db_close(NULL);
}

static void test_errors_carry_sqlite_message(void **state)
{
    struct db *db = open_mem();
    struct db_stmt *st;
    struct err err;

    (void)state;
    err_clear(&err);
    assert_int_equal(db_prepare(db, "SELEC 1", &st, &err), -1);
    assert_null(st);
    assert_int_equal(err.code, ERR_DB);
    assert_non_null(strstr(err.msg, "syntax error"));

    err_clear(&err);
    assert_int_equal(db_exec(db, "SELECT * FROM no_such_table", &err), -1);
    assert_int_equal(err.code, ERR_DB);
    assert_non_null(strstr(err.msg, "no such table: no_such_table"));
    assert_string_equal(err_reason(&err), "db_error");

    err_clear(&err);
    assert_int_equal(db_prepare(db, "   ", &st, &err), -1);
    assert_int_equal(err.code, ERR_DB);

    exec_ok(db, "CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT NOT NULL)");
    assert_int_equal(db_prepare(db, "INSERT INTO t VALUES (?, ?)", &st, &err), 0);
    err_clear(&err);
    assert_int_equal(db_bind_text(st, 3, "x", &err), -1); /* no third parameter */
    assert_int_equal(err.code, ERR_DB);
    assert_true(err.msg[0] != '\0');

    assert_int_equal(db_bind_text(st, 1, "a", &err), 0);
    assert_int_equal(db_bind_text(st, 2, "1", &err), 0);
    assert_int_equal(db_step(st, &err), DB_DONE);
    db_reset(st);
    assert_int_equal(db_bind_text(st, 1, "a", &err), 0);
    assert_int_equal(db_bind_text(st, 2, "2", &err), 0);
    err_clear(&err);
    assert_int_equal(db_step(st, &err), -1);
    assert_int_equal(err.code, ERR_DB);
    assert_non_null(strstr(err.msg, "UNIQUE constraint failed: t.k"));
    db_reset(st);
    assert_int_equal(db_bind_text(st, 1, "b", &err), 0);
    err_clear(&err);
    assert_int_equal(db_step(st, &err), -1);
    assert_non_null(strstr(err.msg, "NOT NULL constraint failed: t.v"));
    db_finalize(st);
    db_close(db);
}

/* ---- files -------------------------------------------------------------------------------- */

static void test_file_db_reopened_keeps_data(void **state)
{
    char dir[] = "/tmp/cspd-test-store-XXXXXX";
    char path[256], url[300], side[300];
    struct db *db;
    struct db_stmt *st;
    struct err err;
    int v;

    (void)state;
    err_clear(&err);
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/cspd.db", dir);
    snprintf(url, sizeof(url), "sqlite:%s", path);

    assert_int_equal(db_open(path, &db, &err), 0);
    assert_int_equal(db_migrate(db, &err), 0);
    insert_partner(db, "prt_file");
    db_close(db);

    assert_int_equal(db_open(url, &db, &err), 0);
    assert_true(db_ping(db));
    assert_int_equal(db_schema_version(db, &v, &err), 0);
    assert_int_equal(v, latest_version());
    assert_int_equal(db_migrate(db, &err), 0); /* nothing pending */
    assert_int_equal(scalar(db, "SELECT count(*) FROM partners WHERE id = 'prt_file'"), 1);
    assert_int_equal(scalar(db, "PRAGMA foreign_keys"), 1);
    assert_int_equal(scalar(db, "PRAGMA synchronous"), 1); /* NORMAL */
    assert_int_equal(scalar(db, "PRAGMA busy_timeout"), 5000);
    assert_int_equal(db_prepare(db, "PRAGMA journal_mode", &st, &err), 0);
    assert_int_equal(db_step(st, &err), DB_ROW);
    assert_string_equal(db_column_text(st, 0), "wal");
    db_finalize(st);
    db_close(db);

    assert_int_equal(unlink(path), 0);
    snprintf(side, sizeof(side), "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof(side), "%s-shm", path);
    unlink(side);
    assert_int_equal(rmdir(dir), 0);
}

/*
 * The statement cache (sqlite.c): a text prepared while the same text is still in use gets its
 * own statement (both iterate independently); a statement given back mid-iteration comes
 * back reset with its bindings cleared (an unbound ? is NULL); and given back, it holds no
 * read transaction: a second connection's commit is seen by the next prepare of that text,
 * and that connection can checkpoint the whole WAL away (TRUNCATE needs no reader left).
 */
static void test_statement_cache(void **state)
{
    char dir[] = "/tmp/cspd-test-stmt-XXXXXX";
    char path[256], side[300];
    const char *q = "SELECT x FROM t WHERE x > ? ORDER BY x";
    struct db *db, *other;
    struct db_stmt *a, *b, *cp;
    struct err err;

    (void)state;
    err_clear(&err);
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/cspd.db", dir);
    assert_int_equal(db_open(path, &db, &err), 0);
    assert_int_equal(db_open(path, &other, &err), 0);
    exec_ok(db, "CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1), (2), (3)");

    /* nested use of one text */
    assert_int_equal(db_prepare(db, q, &a, &err), 0);
    assert_int_equal(db_bind_int64(a, 1, 0, &err), 0);
    assert_int_equal(db_step(a, &err), DB_ROW);
    assert_int_equal(db_column_int64(a, 0), 1);
    assert_int_equal(db_prepare(db, q, &b, &err), 0);
    assert_ptr_not_equal(a, b);
    assert_int_equal(db_bind_int64(b, 1, 2, &err), 0);
    assert_int_equal(db_step(b, &err), DB_ROW);
    assert_int_equal(db_column_int64(b, 0), 3);
    assert_int_equal(db_step(b, &err), DB_DONE);
    db_finalize(b);
    assert_int_equal(db_step(a, &err), DB_ROW);
    assert_int_equal(db_column_int64(a, 0), 2);
    db_finalize(a); /* mid-iteration, bound to 0 */

    /* back reset, bindings cleared: x > NULL matches nothing */
    assert_int_equal(db_prepare(db, q, &a, &err), 0);
    assert_int_equal(db_step(a, &err), DB_DONE);
    db_finalize(a);

    /* no read transaction kept: another connection's commit is seen, its checkpoint empties
       the WAL */
    assert_int_equal(db_prepare(db, q, &a, &err), 0);
    assert_int_equal(db_bind_int64(a, 1, 0, &err), 0);
    assert_int_equal(db_step(a, &err), DB_ROW);
    db_finalize(a);
    exec_ok(other, "INSERT INTO t VALUES (4)");
    assert_int_equal(scalar(db, "SELECT count(*) FROM t"), 4);
    assert_int_equal(db_prepare(other, "PRAGMA wal_checkpoint(TRUNCATE)", &cp, &err), 0);
    assert_int_equal(db_step(cp, &err), DB_ROW);
    assert_int_equal(db_column_int64(cp, 0), 0); /* not busy */
    db_finalize(cp);

    /* a statement still held when its connection closes stays usable until finalized */
    assert_int_equal(db_prepare(db, q, &a, &err), 0);
    db_close(db);
    db_finalize(a);
    db_close(other);
    assert_int_equal(unlink(path), 0);
    snprintf(side, sizeof(side), "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof(side), "%s-shm", path);
    unlink(side);
    assert_int_equal(rmdir(dir), 0);
}

/* ---- schema ------------------------------------------------------------------------------- */

static void test_foreign_keys_enforced(void **state)
{
    struct db *db = open_migrated();
    struct err err;

    (void)state;
    err_clear(&err);
    assert_int_equal(scalar(db, "PRAGMA foreign_keys"), 1);
    assert_int_equal(db_exec(db,
                             "INSERT INTO customers (id, owner_partner_id, name, country, market,"
                             " billing_currency, created_at)"
                             " VALUES ('cus_1', 'prt_missing', 'Fabrikam', 'US', 'US', 'USD', 1)",
                             &err),
                     -1);
    assert_int_equal(err.code, ERR_DB);
    assert_non_null(strstr(err.msg, "FOREIGN KEY constraint failed"));

    insert_partner(db, "prt_1");
    exec_ok(db, "INSERT INTO customers (id, owner_partner_id, name, country, market,"
                " billing_currency, created_at)"
                " VALUES ('cus_1', 'prt_1', 'Fabrikam', 'US', 'US', 'USD', 1)");
    err_clear(&err);
    assert_int_equal(db_exec(db, "DELETE FROM partners WHERE id = 'prt_1'", &err), -1);
    assert_non_null(strstr(err.msg, "FOREIGN KEY constraint failed"));

    /* CHECK constraints hold too. */
    err_clear(&err);
    assert_int_equal(db_exec(db,
                             "INSERT INTO partners (id, kind, name, country, currency, created_at)"
                             " VALUES ('prt_2', 'wholesaler', 'X', 'US', 'USD', 1)",
                             &err),
                     -1);
    assert_non_null(strstr(err.msg, "CHECK constraint failed"));
    db_close(db);
}

/* One row in each table the lifecycle and billing code writes, with the agreed column names. */
static void test_schema_columns(void **state)
{
    struct db *db = open_migrated();
    struct err err;

    (void)state;
    err_clear(&err);
    insert_partner(db, "prt_1");
    exec_ok(db,
            "INSERT INTO customers (id, owner_partner_id, distributor_id, reseller_id, tenant_id,"
            " domain, name, country, market, billing_currency, mca_status, mca_accepted_at,"
            " mca_signer_name, mca_signer_email, mca_version, mca_attested_by, credit_limit,"
            " portal_enabled, created_at) VALUES ('cus_1', 'prt_1', NULL, NULL, 'tid',"
            " 'contoso.onmicrosoft.com', 'Contoso', 'US', 'US', 'USD', 'accepted', 1, 'A B',"
            " 'a@contoso.com', '2024', 'prt_1', '10000.00', 1, 1)");
    exec_ok(db,
            "INSERT INTO price_points (sku, product, term, billing, market, currency, unit_price,"
            " erp_price, effective_from, effective_to, segment, tags, source) VALUES"
            " ('CFQ7TTC0LH18:0001', 'M365 Business Basic', 'P1Y', 'monthly', 'US', 'USD', '6.00',"
            " '7.20', '2026-01-01', NULL, 'commercial', 'License', 'scenario')");
    assert_int_equal(db_last_insert_id(db), 1); /* id assigned by the store */
    exec_ok(db, "INSERT INTO exchange_rates VALUES ('USD', 'EUR', '0.9215', '2026-01-01')");
    exec_ok(db, "INSERT INTO upgrade_paths VALUES ('A', 'B')");
    exec_ok(db,
            "INSERT INTO subscriptions (id, partner_id, customer_id, name, sku, term, billing,"
            " status, quantity, auto_renew, term_start, term_end, state, created_at, updated_at)"
            " VALUES ('sub_1', 'prt_1', 'cus_1', 'S1', 'CFQ7TTC0LH18:0001', 'P1Y', 'monthly',"
            " 'active', 10, 1, '2026-01-10', '2027-01-09', '{}', 1, 1)");
    assert_int_equal(scalar(db, "SELECT version FROM subscriptions"), 0);
    exec_ok(db, "INSERT INTO subscription_events (subscription_id, seq, kind, at, data)"
                " VALUES ('sub_1', 1, 'created', 1768035600, '{\"quantity\":10}')");
    exec_ok(db,
            "INSERT INTO charges (id, subscription_id, event_seq, charge_type, sku, start_date,"
            " end_date, quantity, unit_price, effective_unit_price, subtotal, currency,"
            " billing_currency, exchange_rate, billing_subtotal, est, order_id, reference_id,"
            " created_at) VALUES ('chg_1', 'sub_1', 1, 'new', 'CFQ7TTC0LH18:0001', '2026-01-10',"
            " '2026-02-09', 10, '6.00', '6.00', '60.00', 'USD', 'EUR', '0.9215', '55.29', 0,"
            " 'ord_1', 'ref_1', 1)");
    exec_ok(db, "INSERT INTO audit_log (at, actor, scope, action, object_type, object_id, before,"
                " after, request_id) VALUES (1, 'system', 'prt_1', 'subscription.create',"
                " 'subscription', 'sub_1', NULL, '{}', 'r_1')");
    exec_ok(db, "INSERT INTO idempotency_keys (key, scope, method, path, body_hash, status,"
                " response, created_at)"
                " VALUES ('k1', 'prt_1', 'POST', '/v1/x', 'h', 201, '{}', 1)");
    exec_ok(db, "INSERT INTO outbox (topic, payload, created_at) VALUES ('webhook', '{}', 1)");
    assert_int_equal(scalar(db, "SELECT attempts FROM outbox"), 0);

    /* An event for an unknown subscription is refused; a duplicate seq too. */
    err_clear(&err);
    assert_int_equal(db_exec(db, "INSERT INTO subscription_events (subscription_id, seq, kind, at)"
                                 " VALUES ('sub_x', 1, 'created', 1)",
                             &err),
                     -1);
    assert_int_equal(db_exec(db, "INSERT INTO subscription_events (subscription_id, seq, kind, at)"
                                 " VALUES ('sub_1', 1, 'renewed', 2)",
                             &err),
                     -1);
    assert_non_null(strstr(err.msg, "UNIQUE"));
    db_close(db);
}

static void test_ping(void **state)
{
    struct db *db = open_mem();

    (void)state;
    assert_true(db_ping(db));
    db_close(db);
    assert_false(db_ping(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_url_forms),
        cmocka_unit_test(test_open_missing_directory),
        cmocka_unit_test(test_migrate_memory),
        cmocka_unit_test(test_migrate_twice_is_noop),
        cmocka_unit_test(test_migrate_refuses_newer_database),
        cmocka_unit_test(test_migration_failure_leaves_no_trace),
        cmocka_unit_test(test_migration_names_checked),
        cmocka_unit_test(test_transactions),
        cmocka_unit_test(test_failed_commit_ends_transaction),
        cmocka_unit_test(test_bind_step_column),
        cmocka_unit_test(test_errors_carry_sqlite_message),
        cmocka_unit_test(test_file_db_reopened_keeps_data),
        cmocka_unit_test(test_statement_cache),
        cmocka_unit_test(test_foreign_keys_enforced),
        cmocka_unit_test(test_schema_columns),
        cmocka_unit_test(test_ping),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
