/*
 * store/repo_sub_scope.c — scoped reads of subscriptions (see repo_sub_scope.h): one JOIN on
 * customers carrying the scope's predicate. Reads for the API and the CLI, a handful per
 * request, so each call prepares its own statement.
 */
#include <stdio.h>
#include <string.h>

#include "store/repo_sub_scope.h"

static int exists(struct db *db, const char *sql_fmt, const struct scope *s, const char *id,
                  bool *found, struct err *err)
{
    struct scope_pred pred;
    struct db_stmt *st = NULL;
    char sql[SCOPE_PRED_SQL_MAX + 160];
    int step;

    *found = false;
    if (scope_pred_customers(s, "c", &pred, err) < 0)
        return -1;
    snprintf(sql, sizeof(sql), sql_fmt, pred.sql);
    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, id, err) < 0 || scope_pred_bind(st, 2, &pred, NULL, err) < 0 ||
        (step = db_step(st, err)) < 0) {
        db_finalize(st);
        return -1;
    }
    *found = step == DB_ROW;
    db_finalize(st);
    return 0;
}

int repo_sub_in_scope(struct db *db, const struct scope *s, const char *sub_id,
                      struct err *err)
{
    bool found;

    if (exists(db,
               "SELECT 1 FROM subscriptions x JOIN customers c ON c.id = x.customer_id"
               " WHERE x.id = ? AND %s",
               s, sub_id, &found, err) < 0)
        return -1;
    if (!found)
        return err_set(err, ERR_NOT_FOUND, "id", "no subscription %s", sub_id);
    return 0;
}

int repo_sub_customer_in_scope(struct db *db, const struct scope *s, const char *customer_id,
                               struct err *err)
{
    bool found;

    if (exists(db, "SELECT 1 FROM customers c WHERE c.id = ? AND %s", s, customer_id, &found,
               err) < 0)
        return -1;
    if (!found)
        return err_set(err, ERR_NOT_FOUND, "customer_id", "no customer %s", customer_id);
    return 0;
}

int repo_sub_get_scoped(struct db *db, const struct scope *s, const char *sub_id,
                        struct sub_row *r, struct err *err)
{
    if (repo_sub_in_scope(db, s, sub_id, err) < 0)
        return -1;
    return repo_sub_get(db, NULL, sub_id, r, err);
}

static void copy_text(struct db_stmt *st, int col, char *buf, size_t cap)
{
    const char *t = db_column_text(st, col);

    snprintf(buf, cap, "%s", t ? t : "");
}

int repo_sub_list_scoped(struct db *db, const struct scope *s, const char *customer_id,
                         const char *after_id, int limit,
                         int (*fn)(void *ctx, const struct sub_row *r), void *ctx, bool *more,
                         struct err *err)
{
    struct scope_pred pred;
    struct db_stmt *st = NULL;
    char sql[SCOPE_PRED_SQL_MAX + 320];
    struct sub_row row;
    int step, n = 0, rc = -1, i = 1;

    if (more)
        *more = false;
    if (limit < 1 || limit > SUB_LIST_MAX)
        limit = SUB_LIST_MAX;
    if (scope_pred_customers(s, "c", &pred, err) < 0)
        return -1;
    /*
     * Two texts, not "(? IS NULL OR x.customer_id = ?)": with that OR bound at run time
     * SQLite cannot use subscriptions_by_customer and walks the whole table in id order
     * (16 ms for 100,000 subscriptions, for a customer's 16: bench/RESULTS.md, bench 4).
     */
    snprintf(sql, sizeof(sql),
             "SELECT x.id, x.partner_id, x.customer_id, x.name, x.created_at, x.state"
             " FROM subscriptions x JOIN customers c ON c.id = x.customer_id"
             " WHERE %s x.id > ? AND %s"
             " ORDER BY x.id LIMIT ?",
             customer_id ? "x.customer_id = ? AND" : "", pred.sql);
    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if ((customer_id && db_bind_text(st, i++, customer_id, err) < 0) ||
        db_bind_text(st, i, after_id ? after_id : "", err) < 0 ||
        scope_pred_bind(st, i + 1, &pred, &i, err) < 0 ||
        db_bind_int64(st, i, (int64_t)limit + 1, err) < 0)
        goto out;
    while ((step = db_step(st, err)) == DB_ROW) {
        const char *txt = db_column_text(st, 5);

        if (n == limit) {
            if (more)
                *more = true;
            break;
        }
        memset(&row, 0, sizeof(row));
        copy_text(st, 0, row.id, sizeof(row.id));
        copy_text(st, 1, row.partner_id, sizeof(row.partner_id));
        copy_text(st, 2, row.customer_id, sizeof(row.customer_id));
        copy_text(st, 3, row.name, sizeof(row.name));
        row.created_at = db_column_int64(st, 4);
        if (sub_state_decode(txt ? txt : "", txt ? strlen(txt) : 0, &row.s, err) < 0 ||
            fn(ctx, &row) < 0)
            goto out;
        n++;
    }
    if (step < 0)
        goto out;
    rc = 0;
out:
    db_finalize(st);
    return rc;
}
