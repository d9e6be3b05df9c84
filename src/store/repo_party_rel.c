/*
 * store/repo_party_rel.c — distributor ↔ reseller relationships in SQL (see repo_party.h).
 *
 * History is kept: ending a relationship sets ended_at, nothing is deleted, so a distributor
 * still sees the resellers it once worked with (and the scope predicate for partners relies
 * on that). A pair may be re-established after an end; at most one current row per pair is
 * svc/'s rule, found here with repo_relationship_find_current. Workload: a reseller has one
 * to a handful of distributors; a distributor up to some thousands of resellers.
 */
#include <stdio.h>
#include <string.h>

#include "store/repo_party_internal.h"

#define REL_COLUMNS "r.id, r.distributor_id, r.reseller_id, r.region, r.started_at, r.ended_at"

static void read_row(struct db_stmt *st, struct party_relationship *r)
{
    memset(r, 0, sizeof(*r));
    rp_col_copy(st, 0, r->id, sizeof(r->id));
    rp_col_copy(st, 1, r->distributor_id, sizeof(r->distributor_id));
    rp_col_copy(st, 2, r->reseller_id, sizeof(r->reseller_id));
    rp_col_copy(st, 3, r->region, sizeof(r->region));
    r->started_at = db_column_int64(st, 4);
    r->ended = !db_column_is_null(st, 5);
    r->ended_at = r->ended ? db_column_int64(st, 5) : 0;
}

int repo_relationship_insert(struct db *db, const struct scope *s,
                             const struct party_relationship *r, struct err *err)
{
    static const char sql[] =
        "INSERT INTO relationships (id, distributor_id, reseller_id, region, started_at,"
        " ended_at) VALUES (?,?,?,?,?,?)";
    struct scope_pred pred;
    struct db_stmt *st = NULL;

    if (scope_pred_relationships(s, "t", &pred, err) < 0 || db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, r->id, err) < 0 || db_bind_text(st, 2, r->distributor_id, err) < 0 ||
        db_bind_text(st, 3, r->reseller_id, err) < 0 || db_bind_text(st, 4, r->region, err) < 0 ||
        db_bind_int64(st, 5, r->started_at, err) < 0 ||
        (r->ended ? db_bind_int64(st, 6, r->ended_at, err) : db_bind_null(st, 6, err)) < 0) {
        db_finalize(st);
        return -1;
    }
    if (rp_run(st, err) < 0)
        return -1;
    return rp_insert_visible(db, "relationships", r->id, &pred, "distributor_id", err);
}

int repo_relationship_get(struct db *db, const struct scope *s, const char *id,
                          struct party_relationship *out, struct err *err)
{
    char sql[SCOPE_PRED_SQL_MAX + 256];
    struct scope_pred pred;
    struct db_stmt *st = NULL;
    int rc = -1, step;

    if (scope_pred_relationships(s, "r", &pred, err) < 0)
        return -1;
    snprintf(sql, sizeof(sql), "SELECT " REL_COLUMNS " FROM relationships r"
             " WHERE r.id = ? AND %s", pred.sql);
    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, id, err) < 0 || scope_pred_bind(st, 2, &pred, NULL, err) < 0)
        goto out;
    step = db_step(st, err);
    if (step < 0)
        goto out;
    if (step == DB_DONE) {
        err_set(err, ERR_NOT_FOUND, "id", "no relationship %.40s", id);
        goto out;
    }
    read_row(st, out);
    rc = 0;
out:
    db_finalize(st);
    return rc;
}

int repo_relationship_end(struct db *db, const struct scope *s, const char *id, instant_t at,
                          struct err *err)
{
    char sql[SCOPE_PRED_SQL_MAX + 160];
    struct scope_pred pred;
    struct db_stmt *st = NULL;

    if (scope_pred_relationships(s, "", &pred, err) < 0)
        return -1;
    snprintf(sql, sizeof(sql), "UPDATE relationships SET ended_at = ? WHERE id = ?"
             " AND ended_at IS NULL AND %s", pred.sql);
    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (db_bind_int64(st, 1, at, err) < 0 || db_bind_text(st, 2, id, err) < 0 ||
        scope_pred_bind(st, 3, &pred, NULL, err) < 0) {
        db_finalize(st);
        return -1;
    }
    if (rp_run(st, err) < 0)
        return -1;
    if (db_changes(db) == 0)
        return err_set(err, ERR_NOT_FOUND, "id", "no current relationship %.40s", id);
    return 0;
}

int repo_relationship_list(struct db *db, const struct scope *s, const struct party_filter *f,
                           int (*fn)(void *ctx, const struct party_relationship *r),
                           void *ctx, bool *more, struct err *err)
{
    char sql[SCOPE_PRED_SQL_MAX + 320];
    const char *partner = f && f->partner_id && *f->partner_id ? f->partner_id : NULL;
    struct scope_pred pred;
    struct party_relationship row;
    struct db_stmt *st = NULL;
    int rc = -1, step, idx = 1, count = 0, limit = rp_limit(f);

    if (scope_pred_relationships(s, "r", &pred, err) < 0)
        return -1;
    snprintf(sql, sizeof(sql), "SELECT " REL_COLUMNS " FROM relationships r WHERE %s%s%s"
             " ORDER BY r.id LIMIT ?", pred.sql,
             partner ? " AND (r.distributor_id = ? OR r.reseller_id = ?)" : "",
             f && f->active_only ? " AND r.ended_at IS NULL" : "");
    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (scope_pred_bind(st, idx, &pred, &idx, err) < 0 ||
        (partner && (db_bind_text(st, idx, partner, err) < 0 ||
                     db_bind_text(st, idx + 1, partner, err) < 0)) ||
        db_bind_int64(st, idx + (partner ? 2 : 0), limit + 1, err) < 0)
        goto out;
    if (more)
        *more = false;
    while ((step = db_step(st, err)) == DB_ROW) {
        if (count == limit) {
            if (more)
                *more = true;
            break;
        }
        read_row(st, &row);
        if (fn(ctx, &row) < 0)
            goto out;
        count++;
    }
    if (step < 0)
        goto out;
    rc = 0;
out:
    db_finalize(st);
    return rc;
}

int repo_relationship_find_current(struct db *db, const struct scope *s,
                                   const char *distributor_id, const char *reseller_id,
                                   struct party_relationship *out, bool *found,
                                   struct err *err)
{
    char sql[SCOPE_PRED_SQL_MAX + 256];
    struct scope_pred pred;
    struct db_stmt *st = NULL;
    int rc = -1, step;

    *found = false;
    if (scope_pred_relationships(s, "r", &pred, err) < 0)
        return -1;
    snprintf(sql, sizeof(sql), "SELECT " REL_COLUMNS " FROM relationships r"
             " WHERE r.distributor_id = ? AND r.reseller_id = ? AND r.ended_at IS NULL"
             " AND %s ORDER BY r.started_at DESC LIMIT 1", pred.sql);
    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, distributor_id, err) < 0 ||
        db_bind_text(st, 2, reseller_id, err) < 0 ||
        scope_pred_bind(st, 3, &pred, NULL, err) < 0)
        goto out;
    step = db_step(st, err);
    if (step < 0)
        goto out;
    if (step == DB_ROW) {
        read_row(st, out);
        *found = true;
    }
    rc = 0;
out:
    db_finalize(st);
    return rc;
}

int repo_relationship_started_at(struct db *db, const char *distributor_id,
                                 const char *reseller_id, instant_t at, bool *found,
                                 struct err *err)
{
    static const char sql[] =
        "SELECT 1 FROM relationships WHERE distributor_id = ? AND reseller_id = ?"
        " AND started_at = ?";
    struct db_stmt *st = NULL;
    int step;

    *found = false;
    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, distributor_id, err) < 0 ||
        db_bind_text(st, 2, reseller_id, err) < 0 || db_bind_int64(st, 3, at, err) < 0) {
        db_finalize(st);
        return -1;
    }
    step = db_step(st, err);
    db_finalize(st);
    if (step < 0)
        return -1;
    *found = step == DB_ROW;
    return 0;
}

int repo_relationships_of_reseller(struct db *db, const struct scope *s,
                                   const char *reseller_id, struct reseller_relationship *out,
                                   size_t max, size_t *n, struct err *err)
{
    char sql[SCOPE_PRED_SQL_MAX + 256];
    struct scope_pred pred;
    struct party_relationship row;
    struct db_stmt *st = NULL;
    int rc = -1, step;

    *n = 0;
    if (scope_pred_relationships(s, "r", &pred, err) < 0)
        return -1;
    snprintf(sql, sizeof(sql), "SELECT " REL_COLUMNS " FROM relationships r"
             " WHERE r.reseller_id = ? AND %s ORDER BY r.started_at", pred.sql);
    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, reseller_id, err) < 0 ||
        scope_pred_bind(st, 2, &pred, NULL, err) < 0)
        goto out;
    while ((step = db_step(st, err)) == DB_ROW) {
        struct reseller_relationship *rr;

        if (*n == max) {
            err_set(err, ERR_TOO_BIG, "reseller_id", "reseller %.40s has more than %zu "
                    "relationships", reseller_id, max);
            goto out;
        }
        read_row(st, &row);
        rr = &out[(*n)++];
        memset(rr, 0, sizeof(*rr));
        snprintf(rr->distributor_id, sizeof(rr->distributor_id), "%s", row.distributor_id);
        snprintf(rr->reseller_id, sizeof(rr->reseller_id), "%s", row.reseller_id);
        rr->active = !row.ended;
        rr->since = instant_date(row.started_at);
    }
    if (step < 0)
        goto out;
    rc = 0;
out:
    db_finalize(st);
    return rc;
}
