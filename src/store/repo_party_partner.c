/*
 * store/repo_party_partner.c — partners in SQL (see repo_party.h for the contract).
 *
 * One row per partner location account. The recorded authorization facts live in nullable
 * columns (NULL = not recorded); designations are a JSON array of names in TEXT. The MFA
 * picture of a partner is not stored here: every read counts the partner's owner and admin
 * users and those with MFA enabled, so it is never stale. Workload: a book holds tens to a
 * few thousand partners; a read is one indexed row plus two counts on users_by_partner.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/repo_party_internal.h"

#define PARTNER_COLUMNS                                                                       \
    "p.id, p.kind, p.name, p.country, p.region, p.currency, p.pga_id, p.pla_id,"              \
    " p.pla_verified, p.csp_tenant_id, p.csp_tenant_active, p.status, p.mpa_accepted_at,"     \
    " p.mpa_accepted_by, p.onboarded_on, p.security_contact, p.designations, p.support_plan," \
    " p.ttm_revenue_recorded, p.alert_response_minutes, p.reseller_months, p.business_email," \
    " p.created_at, p.updated_at,"                                                            \
    " (SELECT count(*) FROM users u WHERE u.partner_id = p.id"                                \
    "  AND u.role IN ('owner', 'admin') AND u.disabled_at IS NULL),"                          \
    " (SELECT count(*) FROM users u WHERE u.partner_id = p.id"                                \
    "  AND u.role IN ('owner', 'admin') AND u.disabled_at IS NULL AND u.mfa_enabled = 1)"

static const char *support_plan_to_db(enum support_plan sp)
{
    switch (sp) {
    case SUPPORT_PLAN_NONE: return "none";
    case SUPPORT_PLAN_OTHER: return "other";
    case SUPPORT_PLAN_ADVANCED: return "asfp";
    case SUPPORT_PLAN_PREMIER: return "psfp";
    case SUPPORT_PLAN_UNKNOWN: break;
    }
    return NULL;
}

static enum support_plan support_plan_from_db(const char *s)
{
    if (!s)
        return SUPPORT_PLAN_UNKNOWN;
    if (strcmp(s, "none") == 0)
        return SUPPORT_PLAN_NONE;
    if (strcmp(s, "other") == 0)
        return SUPPORT_PLAN_OTHER;
    if (strcmp(s, "asfp") == 0)
        return SUPPORT_PLAN_ADVANCED;
    if (strcmp(s, "psfp") == 0)
        return SUPPORT_PLAN_PREMIER;
    return SUPPORT_PLAN_UNKNOWN;
}

static enum partner_status status_from_db(const char *s)
{
    static const enum partner_status all[] = {
        PARTNER_STATUS_ACTIVE, PARTNER_STATUS_REMEDIATION, PARTNER_STATUS_SUSPENDED,
        PARTNER_STATUS_DEAUTHORIZED,
    };

    for (size_t i = 0; s && i < sizeof(all) / sizeof(all[0]); i++)
        if (strcmp(s, partner_status_name(all[i])) == 0)
            return all[i];
    return PARTNER_STATUS_ACTIVE;
}

/* Bind the designations as a JSON array of strings, or NULL when not recorded. */
static int bind_designations(struct db_stmt *st, int idx, const struct party_partner *p,
                             struct err *err)
{
    json_t *arr;
    char *text;
    int rc;

    if (!p->designations_known)
        return db_bind_null(st, idx, err);
    arr = json_array();
    for (size_t i = 0; arr && i < p->n_designations; i++)
        if (json_array_append_new(arr, json_string(p->designations[i])) < 0) {
            json_decref(arr);
            arr = NULL;
        }
    text = arr ? json_dumps(arr, JSON_COMPACT) : NULL;
    json_decref(arr);
    if (!text)
        return err_set(err, ERR_NOMEM, "", "out of memory encoding designations");
    rc = db_bind_text(st, idx, text, err);
    free(text);
    return rc;
}

static int col_designations(struct db_stmt *st, int col, struct party_partner *p,
                            struct err *err)
{
    const char *t = db_column_text(st, col);
    json_error_t jerr;
    json_t *arr, *v;
    size_t i;

    p->designations_known = t != NULL;
    p->n_designations = 0;
    if (!t)
        return 0;
    arr = json_loads(t, 0, &jerr);
    if (!json_is_array(arr)) {
        json_decref(arr);
        return err_set(err, ERR_DB, "", "partner %s: stored designations are not a JSON array",
                       p->p.id);
    }
    json_array_foreach(arr, i, v) {
        if (p->n_designations == PARTY_DESIGNATIONS_MAX || !json_is_string(v))
            break;
        snprintf(p->designations[p->n_designations++], PROGRAM_NAME_LEN, "%s",
                 json_string_value(v));
    }
    json_decref(arr);
    return 0;
}

/* Bind the 21 mutable columns, in the order of the UPDATE below and the INSERT's tail. */
static int bind_mutable(struct db_stmt *st, int i, const struct party_partner *pp,
                        struct err *err)
{
    const struct partner *p = &pp->p;

    if (p->mpa_accepted && p->mpa_accepted_on.year == 0)
        return err_set(err, ERR_INVALID, "mpa_accepted_on",
                       "an accepted MPA needs the day it was accepted");
    if (db_bind_text(st, i++, p->name, err) < 0 || db_bind_text(st, i++, p->country, err) < 0 ||
        rp_bind_opt(st, i++, p->region, err) < 0 || db_bind_text(st, i++, p->currency, err) < 0 ||
        rp_bind_opt(st, i++, p->pga_id, err) < 0 || rp_bind_opt(st, i++, p->pla_id, err) < 0 ||
        db_bind_int64(st, i++, p->pla_verified, err) < 0 ||
        rp_bind_opt(st, i++, p->csp_tenant_id, err) < 0 ||
        db_bind_int64(st, i++, p->csp_tenant_active, err) < 0 ||
        db_bind_text(st, i++, partner_status_name(p->status), err) < 0 ||
        (p->mpa_accepted ? rp_bind_day_instant(st, i++, p->mpa_accepted_on, err)
                         : db_bind_null(st, i++, err)) < 0 ||
        (p->mpa_accepted ? rp_bind_opt(st, i++, pp->mpa_accepted_by, err)
                         : db_bind_null(st, i++, err)) < 0 ||
        rp_bind_date(st, i++, p->onboarded_on, err) < 0 ||
        (pp->security_contact_known ? db_bind_text(st, i++, pp->security_contact, err)
                                    : db_bind_null(st, i++, err)) < 0 ||
        bind_designations(st, i++, pp, err) < 0 ||
        rp_bind_opt(st, i++, support_plan_to_db(pp->support_plan), err) < 0 ||
        rp_bind_money(st, i++, pp->ttm_revenue_usd.known, pp->ttm_revenue_usd.value, err) < 0 ||
        rp_bind_count(st, i++, pp->alert_response_minutes, err) < 0 ||
        rp_bind_count(st, i++, pp->reseller_months, err) < 0 ||
        rp_bind_bool_fact(st, i++, pp->business_email, err) < 0 ||
        (pp->updated_at ? db_bind_int64(st, i++, pp->updated_at, err)
                        : db_bind_null(st, i++, err)) < 0)
        return -1;
    return 0;
}

static int read_row(struct db_stmt *st, struct party_partner *pp, struct err *err)
{
    struct partner *p = &pp->p;

    memset(pp, 0, sizeof(*pp));
    rp_col_copy(st, 0, p->id, sizeof(p->id));
    p->kind = rp_kind_from_db(db_column_text(st, 1));
    rp_col_copy(st, 2, p->name, sizeof(p->name));
    rp_col_copy(st, 3, p->country, sizeof(p->country));
    rp_col_copy(st, 4, p->region, sizeof(p->region));
    rp_col_copy(st, 5, p->currency, sizeof(p->currency));
    rp_col_copy(st, 6, p->pga_id, sizeof(p->pga_id));
    rp_col_copy(st, 7, p->pla_id, sizeof(p->pla_id));
    p->pla_verified = db_column_int64(st, 8) != 0;
    rp_col_copy(st, 9, p->csp_tenant_id, sizeof(p->csp_tenant_id));
    p->csp_tenant_active = db_column_int64(st, 10) != 0;
    p->status = status_from_db(db_column_text(st, 11));
    p->mpa_accepted = !db_column_is_null(st, 12);
    p->mpa_accepted_on = rp_col_day(st, 12);
    rp_col_copy(st, 13, pp->mpa_accepted_by, sizeof(pp->mpa_accepted_by));
    p->onboarded_on = rp_col_date(st, 14);
    pp->security_contact_known = !db_column_is_null(st, 15);
    rp_col_copy(st, 15, pp->security_contact, sizeof(pp->security_contact));
    if (col_designations(st, 16, pp, err) < 0)
        return -1;
    pp->support_plan = support_plan_from_db(db_column_text(st, 17));
    if (rp_col_money(st, 18, &pp->ttm_revenue_usd, err) < 0)
        return -1;
    pp->alert_response_minutes = rp_col_count(st, 19);
    pp->reseller_months = rp_col_count(st, 20);
    pp->business_email = rp_col_bool_fact(st, 21);
    pp->created_at = db_column_int64(st, 22);
    pp->updated_at = db_column_is_null(st, 23) ? 0 : db_column_int64(st, 23);
    pp->admin_users = db_column_int64(st, 24);
    pp->admin_users_with_mfa = db_column_int64(st, 25);
    return 0;
}

int repo_partner_insert(struct db *db, const struct scope *s, const struct party_partner *pp,
                        struct err *err)
{
    static const char sql[] =
        "INSERT INTO partners (id, kind, created_at, name, country, region, currency, pga_id,"
        " pla_id, pla_verified, csp_tenant_id, csp_tenant_active, status, mpa_accepted_at,"
        " mpa_accepted_by, onboarded_on, security_contact, designations, support_plan,"
        " ttm_revenue_recorded, alert_response_minutes, reseller_months, business_email,"
        " updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    const char *kind = rp_kind_to_db(pp->p.kind);
    struct scope_pred pred;
    struct db_stmt *st = NULL;

    if (!kind)
        return err_set(err, ERR_INVALID, "kind", "partner kind is not set");
    if (scope_pred_partners(s, "t", &pred, err) < 0 || db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, pp->p.id, err) < 0 || db_bind_text(st, 2, kind, err) < 0 ||
        db_bind_int64(st, 3, pp->created_at, err) < 0 || bind_mutable(st, 4, pp, err) < 0) {
        db_finalize(st);
        return -1;
    }
    if (rp_run(st, err) < 0)
        return -1;
    return rp_insert_visible(db, "partners", pp->p.id, &pred, "id", err);
}

int repo_partner_get(struct db *db, const struct scope *s, const char *id,
                     struct party_partner *out, struct err *err)
{
    char sql[SCOPE_PRED_SQL_MAX + 1024];
    struct scope_pred pred;
    struct db_stmt *st = NULL;
    int rc = -1, step;

    if (scope_pred_partners(s, "p", &pred, err) < 0)
        return -1;
    snprintf(sql, sizeof(sql), "SELECT " PARTNER_COLUMNS " FROM partners p WHERE p.id = ? AND %s",
             pred.sql);
    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, id, err) < 0 || scope_pred_bind(st, 2, &pred, NULL, err) < 0)
        goto out;
    step = db_step(st, err);
    if (step < 0)
        goto out;
    if (step == DB_DONE) {
        err_set(err, ERR_NOT_FOUND, "id", "no partner %.40s", id);
        goto out;
    }
    rc = read_row(st, out, err);
out:
    db_finalize(st);
    return rc;
}

int repo_partner_update(struct db *db, const struct scope *s, const struct party_partner *pp,
                        struct err *err)
{
    char sql[SCOPE_PRED_SQL_MAX + 512];
    struct scope_pred pred;
    struct db_stmt *st = NULL;
    int next;

    /* UPDATE cannot alias its table portably: the predicate uses bare column names. */
    if (scope_pred_partners(s, "", &pred, err) < 0)
        return -1;
    snprintf(sql, sizeof(sql),
             "UPDATE partners SET name = ?, country = ?, region = ?, currency = ?, pga_id = ?,"
             " pla_id = ?, pla_verified = ?, csp_tenant_id = ?, csp_tenant_active = ?,"
             " status = ?, mpa_accepted_at = ?, mpa_accepted_by = ?, onboarded_on = ?,"
             " security_contact = ?, designations = ?, support_plan = ?,"
             " ttm_revenue_recorded = ?, alert_response_minutes = ?, reseller_months = ?,"
             " business_email = ?, updated_at = ? WHERE id = ? AND %s", pred.sql);
    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (bind_mutable(st, 1, pp, err) < 0 || db_bind_text(st, 22, pp->p.id, err) < 0 ||
        scope_pred_bind(st, 23, &pred, &next, err) < 0) {
        db_finalize(st);
        return -1;
    }
    if (rp_run(st, err) < 0)
        return -1;
    if (db_changes(db) == 0)
        return err_set(err, ERR_NOT_FOUND, "id", "no partner %.40s", pp->p.id);
    return 0;
}

int repo_partner_list(struct db *db, const struct scope *s, const struct party_filter *f,
                      int (*fn)(void *ctx, const struct party_partner *p), void *ctx,
                      bool *more, struct err *err)
{
    char sql[SCOPE_PRED_SQL_MAX + 1024];
    const char *kind = f ? rp_kind_to_db(f->kind) : NULL;
    struct scope_pred pred;
    struct party_partner row;
    struct db_stmt *st = NULL;
    int rc = -1, step, idx = 1, count = 0, limit = rp_limit(f);

    if (scope_pred_partners(s, "p", &pred, err) < 0)
        return -1;
    snprintf(sql, sizeof(sql),
             "SELECT " PARTNER_COLUMNS " FROM partners p WHERE %s%s ORDER BY p.id LIMIT ?",
             pred.sql, kind ? " AND p.kind = ?" : "");
    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (scope_pred_bind(st, idx, &pred, &idx, err) < 0 ||
        (kind && db_bind_text(st, idx++, kind, err) < 0) ||
        db_bind_int64(st, idx, limit + 1, err) < 0)
        goto out;
    if (more)
        *more = false;
    while ((step = db_step(st, err)) == DB_ROW) {
        if (count == limit) {
            if (more)
                *more = true;
            break;
        }
        if (read_row(st, &row, err) < 0 || fn(ctx, &row) < 0)
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
