/*
 * store/repo_stmt.c — the prepared-statement cache of repo_stmt.h. At most STMT_CACHE_MAX
 * statements; past that, statements are prepared and finalized per call as without a cache.
 */
#include <string.h>

#include "store/repo_stmt.h"

void stmt_cache_init(struct stmt_cache *c, struct db *db)
{
    memset(c, 0, sizeof(*c));
    c->db = db;
}

void stmt_cache_release(struct stmt_cache *c)
{
    for (int i = 0; i < c->n; i++)
        db_finalize(c->v[i].st);
    c->n = 0;
}

static bool cached(const struct stmt_cache *c, const struct db_stmt *st)
{
    for (int i = 0; c && i < c->n; i++)
        if (c->v[i].st == st)
            return true;
    return false;
}

int stmt_get(struct db *db, struct stmt_cache *c, const char *sql, struct db_stmt **out,
             struct err *err)
{
    if (c && c->db == db) {
        for (int i = 0; i < c->n; i++) {
            if (c->v[i].sql == sql) {
                *out = c->v[i].st;
                return 0;
            }
        }
        if (c->n < STMT_CACHE_MAX) {
            if (db_prepare(db, sql, out, err) < 0)
                return -1;
            c->v[c->n].sql = sql;
            c->v[c->n].st = *out;
            c->n++;
            return 0;
        }
    }
    return db_prepare(db, sql, out, err);
}

void stmt_put(struct stmt_cache *c, struct db_stmt *st)
{
    if (!st)
        return;
    if (cached(c, st))
        db_reset(st);
    else
        db_finalize(st);
}
