/*
 * svc/invoice_settings.c — an issuer's billing days: the period anchor (period_day) and the
 * daily close step's day (close_day), read and set for the CLI (`cspd invoice settings`) and
 * the API (/v1/partners/{id}/billing-settings); invoice_svc.h states the rules.
 *
 * A change of the anchor moves the boundaries of every period, and rated lines keep the
 * period they were given when rated: so once an issuer has rated a line as seller (a close or
 * a draft close that had anything to bill) its anchor no longer changes (ERR_CONFLICT
 * "period_day_in_use"), and no line is ever on two periods' invoices or on none.
 * Before that, its closes are all empty (the daily step closes every issuer's due period,
 * billed or not): those of the period holding the change's day and later are reopened, so the
 * close step closes them again on the new days; earlier ones stay closed, and a late line that
 * falls in one is billed as an adjustment on the next close, as any late line.
 * The close day only says when the daily step runs and may change at any time.
 */
#include <stdio.h>
#include <string.h>

#include "store/repo_invoice.h"
#include "svc/invoice_svc.h"

static int check_access(const struct bill_ctx *ctx, const char *partner_id, struct err *err)
{
    if (ctx->scope && ctx->scope->kind == SCOPE_CUSTOMER)
        return err_set(err, ERR_FORBIDDEN, "", "customers have no billing settings");
    if (ctx->scope && ctx->scope->kind == SCOPE_PARTNER &&
        strcmp(ctx->scope->partner_id, partner_id) != 0)
        return err_set(err, ERR_NOT_FOUND, "partner_id", "no partner %s", partner_id);
    return 0;
}

int invoice_days_get(const struct bill_ctx *ctx, const char *partner_id,
                     struct billing_days *out, struct err *err)
{
    struct issuer_settings is;

    if (check_access(ctx, partner_id, err) < 0 ||
        repo_invoice_issuer_settings(ctx->db, partner_id, &is, err) < 0)
        return -1;
    out->period_day = is.period_day;
    out->close_day = is.close_day;
    return 0;
}

static void days_json(const struct billing_days *d, char *buf, size_t cap)
{
    snprintf(buf, cap, "{\"close_day\":%d,\"period_day\":%d}", d->close_day, d->period_day);
}

int invoice_days_set(const struct bill_ctx *ctx, const char *partner_id, int period_day,
                     int close_day, instant_t now, struct billing_days *out, struct err *err)
{
    struct billing_days before, after;
    char first[INVOICE_PERIOD_MAX], bj[64], aj[64];
    bool billed;

    if (period_day != 0 && !invoice_period_day_valid(period_day))
        return err_set(err, ERR_INVALID, "period_day",
                       "period_day is a day of the month 1..28, not %d", period_day);
    if (close_day != 0 && (close_day < 1 || close_day > 28))
        return err_set(err, ERR_INVALID, "close_day",
                       "close_day is a day of the month 1..28, not %d", close_day);
    if (check_access(ctx, partner_id, err) < 0 || db_begin(ctx->db, err) < 0)
        return -1;
    if (invoice_days_get(ctx, partner_id, &before, err) < 0)
        goto fail;
    after = before;
    if (period_day)
        after.period_day = period_day;
    if (close_day)
        after.close_day = close_day;
    if (after.period_day != before.period_day) {
        if (repo_invoice_billed(ctx->db, partner_id, &billed, first, err) < 0)
            goto fail;
        if (billed) {
            err_set_(err, __func__, __LINE__, ERR_CONFLICT, "period_day_in_use", "period_day",
                     "%s has billed lines since period %s on day %d of the month; its "
                     "periods cannot move now (billed lines keep their periods)", partner_id,
                     first, before.period_day);
            goto fail;
        }
    }
    if (after.period_day == before.period_day && after.close_day == before.close_day) {
        db_rollback(ctx->db); /* nothing changes: nothing written, nothing audited */
        *out = after;
        return 0;
    }
    if (after.period_day != before.period_day) {
        char current[INVOICE_PERIOD_MAX];
        int reopened;

        invoice_period_of_day(instant_date(now), after.period_day, current);
        if (repo_invoice_reopen_empty(ctx->db, partner_id, current, &reopened, err) < 0)
            goto fail;
    }
    days_json(&before, bj, sizeof(bj));
    days_json(&after, aj, sizeof(aj));
    if (repo_invoice_put_days(ctx->db, partner_id, after.period_day, after.close_day, now,
                              err) < 0 ||
        bill_audit(ctx, now, "billing_settings.update", "partner", partner_id, partner_id, bj,
                   aj, err) < 0)
        goto fail;
    if (db_commit(ctx->db, err) < 0)
        return -1;
    *out = after;
    return 0;
fail:
    db_rollback(ctx->db);
    return -1;
}
