/*
 * store/repo_party_customer.c — customers and their MCA record in SQL (see repo_party.h).
 *
 * The MCA lives in the customer row: status, the acceptance day (as its 00:00:00Z instant),
 * the signer's name parts, e-mail and phone, the agreement version and the attesting partner;
 * the attester's kind is joined from partners on read, so the domain's `attested_by` is never
 * stored twice. mca_signer_name keeps "First Last" for readers that only display it. Contacts
 * are a JSON array in TEXT. The owners (owner_partner_id, distributor_id, reseller_id) are
 * written once, by the insert: moving a customer to another book is not an update.
 * Workload: a book holds up to some hundred thousand customers; reads are by primary key or
 * by one of the three owner indexes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/repo_party_internal.h"

#define CUSTOMER_COLUMNS                                                                     \
    "c.id, c.owner_partner_id, c.distributor_id, c.reseller_id, c.tenant_id, c.domain,"      \
    " c.name, c.country, c.market, c.billing_currency, c.mca_status, c.mca_accepted_at,"     \
    " c.mca_signer_first_name, c.mca_signer_last_name, c.mca_signer_email,"                  \
    " c.mca_signer_phone, c.mca_version, c.mca_attested_by, a.kind, c.credit_limit,"         \
    " c.portal_enabled, c.affiliated_pga_id, c.csp_transacting_tenant, c.contacts,"          \
    " c.created_at, c.updated_at"
#define CUSTOMER_FROM " FROM customers c LEFT JOIN partners a ON a.id = c.mca_attested_by"

static enum mca_status mca_from_db(const char *s)
{
    if (s && strcmp(s, mca_status_name(MCA_ACCEPTED)) == 0)
        return MCA_ACCEPTED;
    if (s && strcmp(s, mca_status_name(MCA_ATTESTED)) == 0)
        return MCA_ATTESTED;
    return MCA_NONE;
}

static int bind_contacts(struct db_stmt *st, int idx, const struct party_customer *c,
                         struct err *err)
{
    json_t *arr = json_array();
    char *text;
    int rc;

    for (size_t i = 0; arr && i < c->n_contacts; i++) {
        const struct party_contact *k = &c->contacts[i];

        if (json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s}", "name", k->name,
                                                 "email", k->email, "phone", k->phone,
                                                 "role", k->role)) < 0) {
            json_decref(arr);
            arr = NULL;
        }
    }
    text = arr ? json_dumps(arr, JSON_COMPACT) : NULL;
    json_decref(arr);
    if (!text)
        return err_set(err, ERR_NOMEM, "", "out of memory encoding contacts");
    rc = db_bind_text(st, idx, text, err);
    free(text);
    return rc;
}

static void copy_member(const json_t *obj, const char *key, char *buf, size_t size)
{
    const char *v = json_string_value(json_object_get(obj, key));

    snprintf(buf, size, "%s", v ? v : "");
}

static int col_contacts(struct db_stmt *st, int col, struct party_customer *c, struct err *err)
{
    const char *t = db_column_text(st, col);
    json_error_t jerr;
    json_t *arr, *v;
    size_t i;

    c->n_contacts = 0;
    if (!t)
        return 0;
    arr = json_loads(t, 0, &jerr);
    if (!json_is_array(arr)) {
        json_decref(arr);
        return err_set(err, ERR_DB, "", "customer %s: stored contacts are not a JSON array",
                       c->c.id);
    }
    json_array_foreach(arr, i, v) {
        struct party_contact *k;

        if (c->n_contacts == PARTY_CONTACTS_MAX)
            break;
        k = &c->contacts[c->n_contacts++];
        copy_member(v, "name", k->name, sizeof(k->name));
        copy_member(v, "email", k->email, sizeof(k->email));
        copy_member(v, "phone", k->phone, sizeof(k->phone));
        copy_member(v, "role", k->role, sizeof(k->role));
    }
    json_decref(arr);
    return 0;
}

/* Bind the 21 mutable columns, in the order of the UPDATE below and the INSERT's tail. */
static int bind_mutable(struct db_stmt *st, int i, const struct party_customer *pc,
                        struct err *err)
{
    const struct customer *c = &pc->c;
    const struct mca_record *m = &c->mca;
    char full[2 * PROGRAM_NAME_LEN + 1];

    snprintf(full, sizeof(full), "%s%s%s", m->signer_first_name,
             m->signer_first_name[0] && m->signer_last_name[0] ? " " : "", m->signer_last_name);
    if (rp_bind_opt(st, i++, c->tenant_id, err) < 0 || rp_bind_opt(st, i++, pc->domain, err) < 0 ||
        db_bind_text(st, i++, c->name, err) < 0 ||
        db_bind_text(st, i++, pc->address_country, err) < 0 ||
        db_bind_text(st, i++, c->country, err) < 0 ||
        db_bind_text(st, i++, pc->billing_currency, err) < 0 ||
        db_bind_text(st, i++, mca_status_name(m->status), err) < 0 ||
        rp_bind_day_instant(st, i++, m->accepted_on, err) < 0 ||
        rp_bind_opt(st, i++, full, err) < 0 ||
        rp_bind_opt(st, i++, m->signer_first_name, err) < 0 ||
        rp_bind_opt(st, i++, m->signer_last_name, err) < 0 ||
        rp_bind_opt(st, i++, m->signer_email, err) < 0 ||
        rp_bind_opt(st, i++, m->signer_phone, err) < 0 ||
        rp_bind_opt(st, i++, m->agreement_version, err) < 0 ||
        rp_bind_opt(st, i++, m->attested_by_partner_id, err) < 0 ||
        rp_bind_money(st, i++, pc->has_credit_limit, pc->credit_limit, err) < 0 ||
        db_bind_int64(st, i++, pc->portal_enabled, err) < 0 ||
        rp_bind_opt(st, i++, c->affiliated_pga_id, err) < 0 ||
        db_bind_int64(st, i++, c->is_csp_transacting_tenant, err) < 0 ||
        bind_contacts(st, i++, pc, err) < 0 ||
        (pc->updated_at ? db_bind_int64(st, i++, pc->updated_at, err)
                        : db_bind_null(st, i++, err)) < 0)
        return -1;
    return 0;
}

static int read_row(struct db_stmt *st, struct party_customer *pc, struct err *err)
{
    struct customer *c = &pc->c;
    struct mca_record *m = &c->mca;
    struct fact_money limit;

    memset(pc, 0, sizeof(*pc));
    rp_col_copy(st, 0, c->id, sizeof(c->id));
    rp_col_copy(st, 1, pc->owner_partner_id, sizeof(pc->owner_partner_id));
    rp_col_copy(st, 2, pc->distributor_id, sizeof(pc->distributor_id));
    rp_col_copy(st, 3, pc->reseller_id, sizeof(pc->reseller_id));
    rp_col_copy(st, 4, c->tenant_id, sizeof(c->tenant_id));
    rp_col_copy(st, 5, pc->domain, sizeof(pc->domain));
    rp_col_copy(st, 6, c->name, sizeof(c->name));
    rp_col_copy(st, 7, pc->address_country, sizeof(pc->address_country));
    rp_col_copy(st, 8, c->country, sizeof(c->country));
    rp_col_copy(st, 9, pc->billing_currency, sizeof(pc->billing_currency));
    m->status = mca_from_db(db_column_text(st, 10));
    m->accepted_on = rp_col_day(st, 11);
    rp_col_copy(st, 12, m->signer_first_name, sizeof(m->signer_first_name));
    rp_col_copy(st, 13, m->signer_last_name, sizeof(m->signer_last_name));
    rp_col_copy(st, 14, m->signer_email, sizeof(m->signer_email));
    rp_col_copy(st, 15, m->signer_phone, sizeof(m->signer_phone));
    rp_col_copy(st, 16, m->agreement_version, sizeof(m->agreement_version));
    rp_col_copy(st, 17, m->attested_by_partner_id, sizeof(m->attested_by_partner_id));
    m->attested_by = rp_kind_from_db(db_column_text(st, 18));
    if (rp_col_money(st, 19, &limit, err) < 0)
        return -1;
    pc->has_credit_limit = limit.known;
    pc->credit_limit = limit.value;
    pc->portal_enabled = db_column_int64(st, 20) != 0;
    rp_col_copy(st, 21, c->affiliated_pga_id, sizeof(c->affiliated_pga_id));
    c->is_csp_transacting_tenant = db_column_int64(st, 22) != 0;
    if (col_contacts(st, 23, pc, err) < 0)
        return -1;
    pc->created_at = db_column_int64(st, 24);
    pc->updated_at = db_column_is_null(st, 25) ? 0 : db_column_int64(st, 25);
    return 0;
}

int repo_customer_insert(struct db *db, const struct scope *s, const struct party_customer *pc,
                         struct err *err)
{
    static const char sql[] =
        "INSERT INTO customers (id, owner_partner_id, distributor_id, reseller_id, created_at,"
        " tenant_id, domain, name, country, market, billing_currency, mca_status,"
        " mca_accepted_at, mca_signer_name, mca_signer_first_name, mca_signer_last_name,"
        " mca_signer_email, mca_signer_phone, mca_version, mca_attested_by, credit_limit,"
        " portal_enabled, affiliated_pga_id, csp_transacting_tenant, contacts, updated_at)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    struct scope_pred pred;
    struct db_stmt *st = NULL;

    if (scope_pred_customers(s, "t", &pred, err) < 0 || db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, pc->c.id, err) < 0 ||
        db_bind_text(st, 2, pc->owner_partner_id, err) < 0 ||
        rp_bind_opt(st, 3, pc->distributor_id, err) < 0 ||
        rp_bind_opt(st, 4, pc->reseller_id, err) < 0 ||
        db_bind_int64(st, 5, pc->created_at, err) < 0 || bind_mutable(st, 6, pc, err) < 0) {
        db_finalize(st);
        return -1;
    }
    if (rp_run(st, err) < 0)
        return -1;
    return rp_insert_visible(db, "customers", pc->c.id, &pred, "partner_id", err);
}

int repo_customer_get(struct db *db, const struct scope *s, const char *id,
                      struct party_customer *out, struct err *err)
{
    char sql[SCOPE_PRED_SQL_MAX + 1024];
    struct scope_pred pred;
    struct db_stmt *st = NULL;
    int rc = -1, step;

    if (scope_pred_customers(s, "c", &pred, err) < 0)
        return -1;
    snprintf(sql, sizeof(sql), "SELECT " CUSTOMER_COLUMNS CUSTOMER_FROM
             " WHERE c.id = ? AND %s", pred.sql);
    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, id, err) < 0 || scope_pred_bind(st, 2, &pred, NULL, err) < 0)
        goto out;
    step = db_step(st, err);
    if (step < 0)
        goto out;
    if (step == DB_DONE) {
        err_set(err, ERR_NOT_FOUND, "id", "no customer %.40s", id);
        goto out;
    }
    rc = read_row(st, out, err);
out:
    db_finalize(st);
    return rc;
}

int repo_customer_update(struct db *db, const struct scope *s, const struct party_customer *pc,
                         struct err *err)
{
    char sql[SCOPE_PRED_SQL_MAX + 640];
    struct scope_pred pred;
    struct db_stmt *st = NULL;

    if (scope_pred_customers(s, "", &pred, err) < 0)
        return -1;
    snprintf(sql, sizeof(sql),
             "UPDATE customers SET tenant_id = ?, domain = ?, name = ?, country = ?,"
             " market = ?, billing_currency = ?, mca_status = ?, mca_accepted_at = ?,"
             " mca_signer_name = ?, mca_signer_first_name = ?, mca_signer_last_name = ?,"
             " mca_signer_email = ?, mca_signer_phone = ?, mca_version = ?,"
             " mca_attested_by = ?, credit_limit = ?, portal_enabled = ?,"
             " affiliated_pga_id = ?, csp_transacting_tenant = ?, contacts = ?, updated_at = ?"
             " WHERE id = ? AND %s", pred.sql);
    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (bind_mutable(st, 1, pc, err) < 0 || db_bind_text(st, 22, pc->c.id, err) < 0 ||
        scope_pred_bind(st, 23, &pred, NULL, err) < 0) {
        db_finalize(st);
        return -1;
    }
    if (rp_run(st, err) < 0)
        return -1;
    if (db_changes(db) == 0)
        return err_set(err, ERR_NOT_FOUND, "id", "no customer %.40s", pc->c.id);
    return 0;
}

int repo_customer_list(struct db *db, const struct scope *s, const struct party_filter *f,
                       int (*fn)(void *ctx, const struct party_customer *c), void *ctx,
                       bool *more, struct err *err)
{
    char sql[SCOPE_PRED_SQL_MAX + 1280];
    const char *partner = f && f->partner_id && *f->partner_id ? f->partner_id : NULL;
    struct scope_pred pred;
    struct party_customer *row;
    struct db_stmt *st = NULL;
    int rc = -1, step, idx = 1, count = 0, limit = rp_limit(f);

    if (more)
        *more = false;
    if (scope_pred_customers(s, "c", &pred, err) < 0)
        return -1;
    row = malloc(sizeof(*row));
    if (!row)
        return err_set(err, ERR_NOMEM, "", "out of memory");
    snprintf(sql, sizeof(sql), "SELECT " CUSTOMER_COLUMNS CUSTOMER_FROM " WHERE %s%s"
             " ORDER BY c.id LIMIT ?", pred.sql,
             partner ? " AND (c.owner_partner_id = ? OR c.distributor_id = ?"
                       " OR c.reseller_id = ?)" : "");
    if (db_prepare(db, sql, &st, err) < 0)
        goto out;
    if (scope_pred_bind(st, idx, &pred, &idx, err) < 0)
        goto out;
    for (int k = 0; partner && k < 3; k++)
        if (db_bind_text(st, idx++, partner, err) < 0)
            goto out;
    if (db_bind_int64(st, idx, limit + 1, err) < 0)
        goto out;
    while ((step = db_step(st, err)) == DB_ROW) {
        if (count == limit) {
            if (more)
                *more = true;
            break;
        }
        if (read_row(st, row, err) < 0 || fn(ctx, row) < 0)
            goto out;
        count++;
    }
    if (step < 0)
        goto out;
    rc = 0;
out:
    db_finalize(st);
    free(row);
    return rc;
}
