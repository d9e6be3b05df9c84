/*
 * store/repo_usage.c — usage_charges in SQL (repo_usage.h). Money and quantities are decimal
 * TEXT as the import formatted them; dates TEXT "YYYY-MM-DD".
 */
#include "store/repo_usage.h"

#include <string.h>

#include "store/repo_margin.h"

int usage_stmts_prepare(struct db *db, struct usage_stmts *s, struct err *err)
{
    memset(s, 0, sizeof(*s));
    /* two branches, each on its index (customers_by_tenant, the primary key) */
    if (db_prepare(db, "SELECT id, COALESCE(distributor_id, owner_partner_id) FROM customers"
                   " WHERE tenant_id = ?1 UNION ALL SELECT id, COALESCE(distributor_id,"
                   " owner_partner_id) FROM customers WHERE id = ?1 LIMIT 1",
                   &s->customer, err) < 0 ||
        db_prepare(db, "SELECT customer_id, partner_id FROM subscriptions WHERE id = ?",
                   &s->sub_party, err) < 0 ||
        db_prepare(db, "INSERT INTO usage_charges (id, import_id, seq, line_no, invoice_number,"
                   " partner_id, customer_id, subscription_id, ms_subscription, entitlement_id,"
                   " usage_date, sku, product_id, meter_name, meter_category, quantity,"
                   " unit_price, pricing_currency, effective_unit_price, cost, currency,"
                   " fx_rate, fx_date, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
                   "?,?,?,?,?,?)", &s->insert, err) < 0) {
        usage_stmts_release(s);
        return -1;
    }
    return 0;
}

void usage_stmts_release(struct usage_stmts *s)
{
    if (s->customer)
        db_finalize(s->customer);
    if (s->sub_party)
        db_finalize(s->sub_party);
    if (s->insert)
        db_finalize(s->insert);
    memset(s, 0, sizeof(*s));
}

static int two_ids(struct db_stmt *st, const char *key, char a[ID_MAXLEN], char b[ID_MAXLEN],
                   struct err *err)
{
    int rc;

    if (db_bind_text(st, 1, key, err) < 0) {
        db_reset(st);
        return -1;
    }
    rc = db_step(st, err);
    if (rc == DB_ROW) {
        repo_bill_col_str(st, 0, a, ID_MAXLEN);
        repo_bill_col_str(st, 1, b, ID_MAXLEN);
    }
    db_reset(st);
    return rc < 0 ? -1 : rc == DB_ROW;
}

int repo_usage_customer(struct usage_stmts *s, const char *customer_key,
                        char customer_id[ID_MAXLEN], char partner_id[ID_MAXLEN],
                        struct err *err)
{
    return two_ids(s->customer, customer_key, customer_id, partner_id, err);
}

int repo_usage_sub_party(struct usage_stmts *s, const char *sub_id, char customer_id[ID_MAXLEN],
                         char partner_id[ID_MAXLEN], struct err *err)
{
    return two_ids(s->sub_party, sub_id, customer_id, partner_id, err);
}

int repo_usage_insert(struct usage_stmts *s, const struct usage_charge_in *u, struct err *err)
{
    struct db_stmt *st = s->insert;
    const char *text[] = {u->id, u->import_id, NULL, NULL, u->invoice_number, u->partner_id,
                          u->customer_id, u->subscription_id, u->ms_subscription,
                          u->entitlement_id, u->usage_date, u->sku, u->product_id,
                          u->meter_name, u->meter_category, u->quantity, u->unit_price,
                          u->pricing_currency, u->eup, u->cost, u->currency, u->fx_rate,
                          u->fx_date};
    int rc = -1;

    for (int i = 0; i < (int)(sizeof(text) / sizeof(text[0])); i++) {
        if (i == 2 || i == 3)
            continue;
        if (repo_bill_bind_opt(st, i + 1, text[i], err) < 0)
            goto out;
    }
    if (db_bind_int64(st, 3, u->seq, err) < 0 || db_bind_int64(st, 4, u->line_no, err) < 0 ||
        db_bind_int64(st, 24, u->created_at, err) < 0 || db_step(st, err) < 0)
        goto out;
    rc = 0;
out:
    db_reset(st);
    return rc;
}

static int exec_import(struct db *db, const char *sql, const char *import_id, int64_t *changed,
                       struct err *err)
{
    struct db_stmt *st;
    int rc;

    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    rc = db_bind_text(st, 1, import_id, err) < 0 || db_step(st, err) < 0 ? -1 : 0;
    db_finalize(st);
    if (rc == 0 && changed)
        *changed = db_changes(db);
    return rc;
}

int repo_usage_supersede(struct db *db, const char *import_id, int64_t *replaced,
                         int64_t *held, struct err *err)
{
    /* invoices of this import whose usage an earlier import gave and the close rated: the
     * recon lines say why they are not rated, then the usage charges go */
    static const char mark[] =
        "UPDATE recon_lines SET cause = 'already_rated', detail = 'an earlier import of invoice '"
        " || invoice_number || ' is already rated; this line is not rated again' WHERE"
        " import_no = (SELECT import_no FROM recon_imports WHERE id = ?1) AND seq IN"
        " (SELECT seq FROM usage_charges WHERE import_id = ?1 AND"
        " invoice_number IN (SELECT e.invoice_number FROM usage_charges e JOIN rated_lines r"
        " ON r.usage_charge_id = e.id WHERE e.import_id <> ?1))";
    static const char hold[] =
        "DELETE FROM usage_charges WHERE import_id = ?1 AND invoice_number IN (SELECT"
        " e.invoice_number FROM usage_charges e JOIN rated_lines r ON r.usage_charge_id = e.id"
        " WHERE e.import_id <> ?1)";
    static const char replace[] =
        "DELETE FROM usage_charges WHERE import_id <> ?1 AND invoice_number IN (SELECT"
        " invoice_number FROM usage_charges WHERE import_id = ?1)";

    *replaced = *held = 0;
    if (exec_import(db, mark, import_id, NULL, err) < 0 ||
        exec_import(db, hold, import_id, held, err) < 0)
        return -1;
    return exec_import(db, replace, import_id, replaced, err);
}

int repo_usage_count(struct db *db, const char *import_id, int64_t *n, struct err *err)
{
    struct db_stmt *st;
    int rc;

    *n = 0;
    if (db_prepare(db, "SELECT COUNT(*) FROM usage_charges WHERE import_id = ?", &st, err) < 0)
        return -1;
    rc = db_bind_text(st, 1, import_id, err) < 0 ? -1 : db_step(st, err);
    if (rc == DB_ROW)
        *n = db_column_int64(st, 0);
    db_finalize(st);
    return rc < 0 ? -1 : 0;
}

#define PENDING_COLS                                                                       \
    "u.id, u.usage_date, u.sku, u.product_id, u.quantity, u.unit_price,"                   \
    " u.effective_unit_price, u.cost, u.fx_rate, u.pricing_currency, u.currency,"          \
    " COALESCE(u.subscription_id, u.ms_subscription), u.partner_id, u.customer_id,"        \
    " cu.reseller_id, cu.billing_currency, rp.currency, u.import_id, u.seq"
#define PENDING_FROM                                                                       \
    " FROM usage_charges u JOIN customers cu ON cu.id = u.customer_id"                     \
    " LEFT JOIN partners rp ON rp.id = cu.reseller_id"

static int read_pending(struct db_stmt *st, struct pending_usage *u, struct err *err)
{
    memset(u, 0, sizeof(*u));
    repo_bill_col_str(st, 0, u->id, sizeof(u->id));
    if (repo_bill_col_date(st, 1, &u->day, err) < 0)
        return -1;
    repo_bill_col_str(st, 2, u->sku, sizeof(u->sku));
    repo_bill_col_str(st, 3, u->product_id, sizeof(u->product_id));
    if (repo_bill_col_dec(st, 4, &u->quantity, err) < 0 ||
        repo_bill_col_dec(st, 5, &u->unit_price, err) < 0 ||
        repo_bill_col_dec(st, 6, &u->eup, err) < 0 ||
        repo_bill_col_dec(st, 7, &u->cost, err) < 0 ||
        repo_bill_col_dec(st, 8, &u->fx, err) < 0)
        return -1;
    repo_bill_col_str(st, 9, u->pricing_ccy, sizeof(u->pricing_ccy));
    repo_bill_col_str(st, 10, u->ms_ccy, sizeof(u->ms_ccy));
    repo_bill_col_str(st, 11, u->subscription_id, sizeof(u->subscription_id));
    repo_bill_col_str(st, 12, u->partner_id, sizeof(u->partner_id));
    repo_bill_col_str(st, 13, u->customer_id, sizeof(u->customer_id));
    repo_bill_col_str(st, 14, u->reseller_id, sizeof(u->reseller_id));
    repo_bill_col_str(st, 15, u->customer_ccy, sizeof(u->customer_ccy));
    repo_bill_col_str(st, 16, u->reseller_ccy, sizeof(u->reseller_ccy));
    u->has_base = !db_column_is_null(st, 19);
    if (u->has_base) {
        repo_bill_col_str(st, 19, u->base_id, sizeof(u->base_id));
        if (repo_bill_col_dec(st, 20, &u->base_amount, err) < 0)
            return -1;
        repo_bill_col_str(st, 21, u->base_ccy, sizeof(u->base_ccy));
    }
    return 0;
}

int repo_usage_each_pending(struct db *db, const char *seller_id, const char *tier,
                            struct date last, int64_t after_rowid, int64_t *first_left,
                            int (*fn)(void *ctx, const struct pending_usage *u), void *ctx,
                            struct err *err)
{
    /* u.rowid, column 22 after the base line's three (rating marks, migration 013) */
    static const char sql_reseller[] =
        "SELECT " PENDING_COLS ", NULL, NULL, NULL, u.rowid" PENDING_FROM
        " WHERE u.rowid > ? AND u.partner_id = ?"
        " AND cu.reseller_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM rated_lines r"
        " WHERE r.usage_charge_id = u.id AND r.tier = 'reseller')"
        " ORDER BY cu.reseller_id, u.usage_date, u.import_id, u.seq";
#define USAGE_CUSTOMER_FROM                                                                \
    "SELECT " PENDING_COLS ", rb.id, rb.amount, rb.currency, u.rowid" PENDING_FROM         \
    " LEFT JOIN rated_lines rb ON rb.usage_charge_id = u.id AND rb.tier = 'reseller' WHERE "
#define USAGE_CUSTOMER_OPEN                                                                \
    " AND u.rowid > ? AND NOT EXISTS (SELECT 1 FROM rated_lines r"                         \
    " WHERE r.usage_charge_id = u.id AND r.tier = 'customer')"
    /* ORDER BY result columns: 14 customer, 2 date, 18 import, 19 line */
    static const char sql_customer[] =
        USAGE_CUSTOMER_FROM "cu.reseller_id = ?" USAGE_CUSTOMER_OPEN
        " UNION ALL " USAGE_CUSTOMER_FROM "u.partner_id = ? AND cu.reseller_id IS NULL"
        USAGE_CUSTOMER_OPEN " ORDER BY 14, 2, 18, 19";
    bool res = strcmp(tier, "reseller") == 0;
    struct db_stmt *st = NULL;
    int rc = -1, step;

    if (db_prepare(db, res ? sql_reseller : sql_customer, &st, err) < 0)
        return -1;
    *first_left = 0;
    if ((res ? db_bind_int64(st, 1, after_rowid, err) < 0 ||
                   db_bind_text(st, 2, seller_id, err) < 0
             : db_bind_text(st, 1, seller_id, err) < 0 ||
                   db_bind_int64(st, 2, after_rowid, err) < 0 ||
                   db_bind_text(st, 3, seller_id, err) < 0 ||
                   db_bind_int64(st, 4, after_rowid, err) < 0))
        goto out;
    while ((step = db_step(st, err)) == DB_ROW) {
        struct pending_usage u;
        struct date day;
        int64_t rowid;

        if (repo_bill_col_date(st, 1, &day, err) < 0)
            goto out;
        /* dated after the period: a later close rates it; the mark stays below it */
        if (date_cmp(day, last) > 0) {
            rowid = db_column_int64(st, 22);
            if (!*first_left || rowid < *first_left)
                *first_left = rowid;
            continue;
        }
        if (read_pending(st, &u, err) < 0 || fn(ctx, &u) < 0)
            goto out;
    }
    if (step < 0)
        goto out;
    rc = 0;
out:
    db_finalize(st);
    return rc;
}
