/*
 * svc/invoice_svc.c — an invoice's life after the close: paid, void, credit note; and the
 * outbox and audit rows billing writes (invoice_svc.h).
 *
 * A finalized invoice is never rewritten: paying or voiding moves its status only, and a
 * correction is a credit note with its own gapless CN number, allocated in the transaction
 * that creates it.
 */
#include <stdio.h>
#include <string.h>

#include "domain/invoice/invoice.h"
#include "store/repo_invoice.h"
#include "svc/invoice_svc.h"

int bill_outbox(struct db *db, const char *topic, const char *payload, instant_t now,
                struct err *err)
{
    struct db_stmt *st = NULL;
    int rc = -1;

    if (db_prepare(db, "INSERT INTO outbox (topic, payload, created_at) VALUES (?, ?, ?)", &st,
                   err) < 0)
        return -1;
    if (db_bind_text(st, 1, topic, err) < 0 || db_bind_text(st, 2, payload, err) < 0 ||
        db_bind_int64(st, 3, now, err) < 0 || db_step(st, err) < 0)
        goto out;
    rc = 0;
out:
    db_finalize(st);
    return rc;
}

int bill_audit(const struct bill_ctx *ctx, instant_t now, const char *action,
               const char *object_type, const char *object_id, const char *after,
               struct err *err)
{
    struct db_stmt *st = NULL;
    char json[160];
    int rc = -1;

    if (after)
        snprintf(json, sizeof(json), "{\"number\":\"%s\"}", after);
    if (db_prepare(ctx->db, "INSERT INTO audit_log (at, actor, action, object_type, object_id,"
                            " after, request_id) VALUES (?, ?, ?, ?, ?, ?, ?)", &st, err) < 0)
        return -1;
    if (db_bind_int64(st, 1, now, err) < 0 ||
        db_bind_text(st, 2, ctx->actor ? ctx->actor : "system", err) < 0 ||
        db_bind_text(st, 3, action, err) < 0 || db_bind_text(st, 4, object_type, err) < 0 ||
        db_bind_text(st, 5, object_id, err) < 0 ||
        (after ? db_bind_text(st, 6, json, err) : db_bind_null(st, 6, err)) < 0 ||
        (ctx->request_id ? db_bind_text(st, 7, ctx->request_id, err)
                         : db_bind_null(st, 7, err)) < 0 ||
        db_step(st, err) < 0)
        goto out;
    rc = 0;
out:
    db_finalize(st);
    return rc;
}

static int move_status(const struct bill_ctx *ctx, const struct scope *sc, const char *id,
                       enum invoice_status to, instant_t now, struct err *err)
{
    struct invoice inv;

    if (db_begin(ctx->db, err) < 0)
        return -1;
    if (repo_invoice_get(ctx->db, sc, id, &inv, err) < 0)
        goto fail;
    if (invoice_transition_check(inv.status, to, err) < 0 ||
        repo_invoice_set_status(ctx->db, inv.id, to, now, err) < 0 ||
        bill_audit(ctx, now, to == INV_PAID ? "invoice.paid" : "invoice.void", "invoice", inv.id,
                   inv.number, err) < 0) {
        invoice_release(&inv);
        goto fail;
    }
    invoice_release(&inv);
    return db_commit(ctx->db, err);
fail:
    db_rollback(ctx->db);
    return -1;
}

int invoice_mark_paid(const struct bill_ctx *ctx, const struct scope *sc, const char *id,
                      instant_t now, struct err *err)
{
    return move_status(ctx, sc, id, INV_PAID, now, err);
}

int invoice_void(const struct bill_ctx *ctx, const struct scope *sc, const char *id,
                 instant_t now, struct err *err)
{
    return move_status(ctx, sc, id, INV_VOID, now, err);
}

int invoice_credit(const struct bill_ctx *ctx, const struct scope *sc, const char *id,
                   instant_t now, char out_id[ID_MAXLEN], struct err *err)
{
    struct invoice inv, cn;
    struct date today = instant_date(now);
    bool credited;
    int rc = -1;

    invoice_init(&cn);
    if (db_begin(ctx->db, err) < 0)
        return -1;
    if (repo_invoice_get(ctx->db, sc, id, &inv, err) < 0)
        goto fail_nocn;
    if (inv.kind != INV_KIND_INVOICE ||
        (inv.status != INV_FINALIZED && inv.status != INV_PAID)) {
        err_set_(err, __func__, __LINE__, ERR_CONFLICT, "not_creditable", "id",
                 "only a finalized or paid invoice can be credited");
        goto fail;
    }
    if (repo_invoice_credited(ctx->db, inv.id, &credited, err) < 0)
        goto fail;
    if (credited) {
        err_set_(err, __func__, __LINE__, ERR_CONFLICT, "already_credited", "id",
                 "invoice %s already has a credit note", inv.number);
        goto fail;
    }
    cn = inv;
    cn.lines = NULL;
    cn.nlines = cn.caplines = 0;
    cn.id[0] = '\0';
    cn.kind = INV_KIND_CREDIT_NOTE;
    cn.status = INV_FINALIZED;
    snprintf(cn.credit_for, sizeof(cn.credit_for), "%s", inv.id);
    for (size_t i = 0; i < inv.nlines; i++) {
        struct invoice_line l = inv.lines[i];

        l.rated_line_id[0] = '\0';
        l.amount = dec_neg(l.amount);
        l.eup = dec_neg(l.eup);
        l.cost = dec_neg(l.cost);
        l.margin = dec_neg(l.margin);
        snprintf(l.description, sizeof(l.description), "Credit for %.31s line %d: %.100s",
                 inv.number, inv.lines[i].line_no, inv.lines[i].description);
        if (invoice_add_line(&cn, &l, err) < 0)
            goto fail;
    }
    if (invoice_compute(&cn, err) < 0)
        goto fail;
    cn.created_at = cn.finalized_at = now;
    cn.issued_on = today;
    cn.due_on = today;
    cn.series_year = today.year;
    if (repo_invoice_next_number(ctx->db, inv.issuer_id, "CN", today.year, &cn.series_value,
                                 err) < 0 ||
        invoice_number_format("CN", today.year, cn.series_value, cn.number, err) < 0 ||
        repo_invoice_insert(ctx->db, &cn, err) < 0 ||
        bill_audit(ctx, now, "invoice.credit_note", "invoice", cn.id, cn.number, err) < 0)
        goto fail;
    snprintf(out_id, ID_MAXLEN, "%s", cn.id);
    rc = db_commit(ctx->db, err);
    invoice_release(&inv);
    invoice_release(&cn);
    return rc;
fail:
    invoice_release(&inv);
fail_nocn:
    invoice_release(&cn);
    db_rollback(ctx->db);
    return -1;
}
