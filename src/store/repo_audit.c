/*
 * store/repo_audit.c — INSERT and scoped SELECT on audit_log (see repo_audit.h). Rows are
 * written inside the caller's transaction, so a change and its audit row commit together or
 * not at all. Paging is by id, newest first: the (partner_id, id) and (customer_id, id)
 * indexes of migration 004 serve a partner's or a customer's page without a scan.
 */
#include <stdio.h>
#include <string.h>

#include "store/db.h"
#include "store/repo_audit.h"

static int bind_opt(struct db_stmt *st, int idx, const char *s, struct err *err)
{
    return s ? db_bind_text(st, idx, s, err) : db_bind_null(st, idx, err);
}

int repo_audit_insert(struct db *db, const struct audit_row *r, struct err *err)
{
    struct db_stmt *st;
    int rc;

    if (db_prepare(db,
                   "INSERT INTO audit_log (at, actor, scope, action, object_type, object_id,"
                   " before, after, request_id, partner_id, customer_id)"
                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   &st, err) < 0)
        return -1;
    if (db_bind_int64(st, 1, r->at, err) < 0 || db_bind_text(st, 2, r->actor, err) < 0 ||
        bind_opt(st, 3, r->scope, err) < 0 || db_bind_text(st, 4, r->action, err) < 0 ||
        db_bind_text(st, 5, r->object_type, err) < 0 || bind_opt(st, 6, r->object_id, err) < 0 ||
        bind_opt(st, 7, r->before, err) < 0 || bind_opt(st, 8, r->after, err) < 0 ||
        bind_opt(st, 9, r->request_id, err) < 0 || bind_opt(st, 10, r->partner_id, err) < 0 ||
        bind_opt(st, 11, r->customer_id, err) < 0) {
        db_finalize(st);
        return -1;
    }
    rc = db_step(st, err);
    db_finalize(st);
    return rc < 0 ? -1 : 0;
}

/* The tenancy predicate of audit_log (alias a). */
static int pred_audit(const struct scope *s, struct scope_pred *out, struct err *err)
{
    struct scope_pred cust;
    int n;

    if (scope_check(s, err) < 0)
        return -1;
    memset(out, 0, sizeof(*out));
    switch (s->kind) {
    case SCOPE_INSTALLATION:
        snprintf(out->sql, sizeof(out->sql), "(1 = 1)");
        return 0;
    case SCOPE_PARTNER:
        if (scope_pred_customers(s, "ra_c", &cust, err) < 0)
            return -1;
        n = snprintf(out->sql, sizeof(out->sql),
                     "(a.partner_id = ? OR a.customer_id IN (SELECT ra_c.id FROM customers ra_c"
                     " WHERE %s))", cust.sql);
        if (n < 0 || (size_t)n >= sizeof(out->sql) || cust.nparams + 1 > SCOPE_PRED_PARAMS_MAX)
            return err_set(err, ERR_INTERNAL, "", "audit predicate does not fit");
        out->params[0] = s->partner_id;
        for (int i = 0; i < cust.nparams; i++)
            out->params[1 + i] = cust.params[i];
        out->nparams = 1 + cust.nparams;
        return 0;
    case SCOPE_CUSTOMER:
        snprintf(out->sql, sizeof(out->sql), "(a.customer_id = ?)");
        out->nparams = 1;
        out->params[0] = s->customer_id;
        return 0;
    }
    return err_set(err, ERR_INTERNAL, "", "unknown scope kind");
}

int repo_audit_list(struct db *db, const struct scope *scope, const struct audit_filter *f,
                    int (*each)(const struct audit_row *r, void *arg), void *arg,
                    struct err *err)
{
    struct scope_pred pred;
    struct audit_row r;
    struct db_stmt *st;
    char sql[1024];
    int rc, idx;

    if (pred_audit(scope, &pred, err) < 0)
        return -1;
    snprintf(sql, sizeof(sql),
             "SELECT a.id, a.at, a.actor, a.scope, a.action, a.object_type, a.object_id,"
             " a.before, a.after, a.request_id, a.partner_id, a.customer_id FROM audit_log a"
             " WHERE %s%s%s%s ORDER BY a.id DESC LIMIT ?", pred.sql,
             f->before_id > 0 ? " AND a.id < ?" : "",
             f->object_type ? " AND a.object_type = ?" : "",
             f->object_id ? " AND a.object_id = ?" : "");
    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (scope_pred_bind(st, 1, &pred, &idx, err) < 0 ||
        (f->before_id > 0 && db_bind_int64(st, idx++, f->before_id, err) < 0) ||
        (f->object_type && db_bind_text(st, idx++, f->object_type, err) < 0) ||
        (f->object_id && db_bind_text(st, idx++, f->object_id, err) < 0) ||
        db_bind_int64(st, idx, f->limit, err) < 0) {
        db_finalize(st);
        return -1;
    }
    while ((rc = db_step(st, err)) == DB_ROW) {
        r.id = db_column_int64(st, 0);
        r.at = db_column_int64(st, 1);
        r.actor = db_column_text(st, 2);
        r.scope = db_column_text(st, 3);
        r.action = db_column_text(st, 4);
        r.object_type = db_column_text(st, 5);
        r.object_id = db_column_text(st, 6);
        r.before = db_column_text(st, 7);
        r.after = db_column_text(st, 8);
        r.request_id = db_column_text(st, 9);
        r.partner_id = db_column_text(st, 10);
        r.customer_id = db_column_text(st, 11);
        if (each(&r, arg) != 0)
            break;
    }
    db_finalize(st);
    return rc < 0 ? -1 : 0;
}
