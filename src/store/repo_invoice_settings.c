/*
 * store/repo_invoice_settings.c — an issuer's billing period anchor and close day
 * (billing_settings.period_day, .close_day; repo_invoice.h). Reading them is
 * repo_invoice_issuer_settings; svc/invoice_settings.c decides whether a change is allowed
 * with repo_invoice_billed.
 */
#include <stdio.h>
#include <string.h>

#include "store/repo_invoice.h"
#include "store/repo_margin.h"

int repo_invoice_billed(struct db *db, const char *partner_id, bool *billed,
                        char first_period[INVOICE_PERIOD_MAX], struct err *err)
{
    /* rated_lines_by_seller (seller_id, ...) */
    static const char sql[] = "SELECT MIN(period) FROM rated_lines WHERE seller_id = ?";
    struct db_stmt *st = NULL;
    int rc = -1, step;

    *billed = false;
    first_period[0] = '\0';
    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, partner_id, err) < 0 || (step = db_step(st, err)) < 0)
        goto out;
    if (step == DB_ROW && !db_column_is_null(st, 0)) {
        *billed = true;
        repo_bill_col_str(st, 0, first_period, INVOICE_PERIOD_MAX);
    }
    rc = 0;
out:
    db_finalize(st);
    return rc;
}

int repo_invoice_put_days(struct db *db, const char *partner_id, int period_day,
                          int close_day, instant_t now, struct err *err)
{
    static const char sql[] =
        "INSERT INTO billing_settings (partner_id, period_day, close_day, updated_at)"
        " VALUES (?, ?, ?, ?) ON CONFLICT (partner_id) DO UPDATE SET"
        " period_day = excluded.period_day, close_day = excluded.close_day,"
        " updated_at = excluded.updated_at";
    struct db_stmt *st = NULL;
    int rc = -1;

    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, partner_id, err) < 0 || db_bind_int64(st, 2, period_day, err) < 0 ||
        db_bind_int64(st, 3, close_day, err) < 0 || db_bind_int64(st, 4, now, err) < 0 ||
        db_step(st, err) < 0)
        goto out;
    rc = 0;
out:
    db_finalize(st);
    return rc;
}

int repo_invoice_reopen_empty(struct db *db, const char *partner_id, const char *from_period,
                              int *reopened, struct err *err)
{
    struct db_stmt *st = NULL;
    int rc = -1;

    *reopened = 0;
    if (db_prepare(db, "DELETE FROM billing_closes WHERE issuer_partner_id = ? AND"
                       " period >= ? AND invoices = 0", &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, partner_id, err) < 0 || db_bind_text(st, 2, from_period, err) < 0 ||
        db_step(st, err) < 0)
        goto out;
    *reopened = (int)db_changes(db);
    rc = 0;
out:
    db_finalize(st);
    return rc;
}
