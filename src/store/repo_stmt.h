/*
 * store/repo_stmt.h — a small cache of prepared statements for a run of many repository calls
 * on one database (the daily cycle: five statements per due subscription, tens of thousands of
 * subscriptions). Keyed by the address of the SQL text, which every repository keeps in a
 * `static const char sql[]`, so a lookup is a pointer comparison.
 *
 * Repositories take an optional `struct stmt_cache *` (NULL: prepare and finalize each time).
 * The cache owns its statements: stmt_cache_release finalizes them; it must be released before
 * the database is closed. Not thread-safe (one per worker).
 */
#ifndef CSPD_STORE_REPO_STMT_H
#define CSPD_STORE_REPO_STMT_H

#include "core/err.h"
#include "store/db.h"

#define STMT_CACHE_MAX 16

struct stmt_cache {
    struct db *db;
    int n;
    struct {
        const char *sql;
        struct db_stmt *st;
    } v[STMT_CACHE_MAX];
};

void stmt_cache_init(struct stmt_cache *c, struct db *db);
void stmt_cache_release(struct stmt_cache *c);

/* A ready statement for `sql`: cached (c != NULL) or freshly prepared. */
int stmt_get(struct db *db, struct stmt_cache *c, const char *sql, struct db_stmt **out,
             struct err *err);
/* Done with it: reset when cached, finalize otherwise. */
void stmt_put(struct stmt_cache *c, struct db_stmt *st);

#endif
