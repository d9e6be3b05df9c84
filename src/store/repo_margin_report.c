/*
 * store/repo_margin_report.c — the reads behind the margin reports and trailing-twelve-month
 * revenue: rated lines in a date range, keyed by the report's group, in key order so the
 * caller sums each group in one pass without a hash (repo_margin.h, svc/invoice_report.h).
 *
 * Lines count where they were billed: a line on a void invoice, or on an invoice a credit
 * note cancelled, is left out (the credit note cancels it in full). Amounts are the exact
 * decimal text of the store; nothing is summed in SQL (SUM would go through floating point).
 */
#include <stdio.h>
#include <string.h>

#include "store/repo_margin.h"

static const char *key_expr(enum report_group by)
{
    switch (by) {
    case REPORT_BY_MONTH: return "r.period, ''";
    case REPORT_BY_CUSTOMER: return "r.customer_id, COALESCE(c.name, '')";
    case REPORT_BY_RESELLER: return "COALESCE(r.reseller_id, ''), COALESCE(rp.name, '')";
    case REPORT_BY_PRODUCT: return "r.product_id, ''";
    case REPORT_BY_DAY: return "r.start_date, ''";
    case REPORT_BY_SELLER: return "r.seller_id, p.name";
    }
    return "r.period, ''";
}

int repo_report_each(struct db *db, const struct report_filter *f,
                     int (*fn)(void *ctx, const struct report_row *r), void *ctx,
                     struct err *err)
{
    struct scope_pred pred;
    struct db_stmt *st = NULL;
    char sql[2048];
    int rc = -1, step, next;

    if (scope_pred_partners(f->scope, "p", &pred, err) < 0)
        return -1;
    snprintf(sql, sizeof(sql),
             "SELECT %s, r.currency, r.amount, r.cost, r.margin, r.seller_id FROM rated_lines r"
             " JOIN partners p ON p.id = r.seller_id"
             " LEFT JOIN customers c ON c.id = r.customer_id"
             " LEFT JOIN partners rp ON rp.id = r.reseller_id"
             " WHERE %s AND %s%s"
             " AND NOT EXISTS (SELECT 1 FROM invoices v WHERE v.id = r.invoice_id AND"
             " (v.status = 'void' OR EXISTS (SELECT 1 FROM invoices cn WHERE"
             " cn.credit_for = v.id)))"
             " ORDER BY 1, 3",
             key_expr(f->by),
             f->period ? "r.period = ?" : "r.start_date >= ? AND r.start_date <= ?",
             pred.sql, f->seller_id ? " AND r.seller_id = ?" : "");
    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if ((f->period ? db_bind_text(st, 1, f->period, err)
                   : repo_bill_bind_date(st, 1, f->from, err) < 0
                         ? -1 : repo_bill_bind_date(st, 2, f->to, err)) < 0 ||
        scope_pred_bind(st, f->period ? 2 : 3, &pred, &next, err) < 0 ||
        (f->seller_id && db_bind_text(st, next, f->seller_id, err) < 0))
        goto out;
    while ((step = db_step(st, err)) == DB_ROW) {
        struct report_row r;

        memset(&r, 0, sizeof(r));
        repo_bill_col_str(st, 0, r.key, sizeof(r.key));
        repo_bill_col_str(st, 1, r.name, sizeof(r.name));
        repo_bill_col_str(st, 2, r.currency, sizeof(r.currency));
        if (repo_bill_col_dec(st, 3, &r.amount, err) < 0 ||
            repo_bill_col_dec(st, 4, &r.cost, err) < 0 ||
            repo_bill_col_dec(st, 5, &r.margin, err) < 0)
            goto out;
        repo_bill_col_str(st, 6, r.seller_id, sizeof(r.seller_id));
        if (fn(ctx, &r) < 0)
            goto out;
    }
    if (step < 0)
        goto out;
    rc = 0;
out:
    db_finalize(st);
    return rc;
}
