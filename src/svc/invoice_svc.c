/*
 * svc/invoice_svc.c — an invoice's life after the close: paid, void, credit note; and the
 * outbox and audit rows billing writes (invoice_svc.h).
 *
 * A finalized invoice is never rewritten: paying or voiding moves its status only, and a
 * correction is a credit note with its own gapless CN number, allocated in the transaction
 * that creates it.
 *
 * Audit: every change writes one row through svc/audit.h in its own transaction, filed under
 * the issuer (bill_audit), with the invoice's number, status and total before and after.
 */
#include <stdio.h>
#include <string.h>

#include "domain/invoice/invoice.h"
#include "store/repo_invoice.h"
#include "svc/audit.h"
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
               const char *object_type, const char *object_id, const char *partner_id,
               const char *before_json, const char *after_json, struct err *err)
{
    struct scope sc;
    struct audit_entry e;

    if (ctx->scope) {
        sc = *ctx->scope;
    } else {
        scope_init_installation(&sc);
        snprintf(sc.user_id, sizeof(sc.user_id), "%s", ctx->actor ? ctx->actor : "");
    }
    if (!sc.request_id[0] && ctx->request_id)
        snprintf(sc.request_id, sizeof(sc.request_id), "%s", ctx->request_id);
    memset(&e, 0, sizeof(e));
    e.action = action;
    e.object_type = object_type;
    e.object_id = object_id;
    e.before_json = before_json;
    e.after_json = after_json;
    e.partner_id = partner_id && partner_id[0] ? partner_id : NULL;
    e.at = now;
    return audit_write(ctx->db, &sc, &e, err);
}

/* {"number":...,"status":...,"total":...,"currency":...}: what an invoice's audit rows show. */
int bill_invoice_json(const struct invoice *inv, enum invoice_status status, char *buf,
                      size_t cap)
{
    char total[DEC_STRLEN];
    int n;

    dec_format(inv->total, total);
    n = snprintf(buf, cap, "{\"number\":\"%s\",\"kind\":\"%s\",\"status\":\"%s\","
                 "\"period\":\"%s\",\"total\":\"%s\",\"currency\":\"%s\"}",
                 inv->number, invoice_kind_name(inv->kind), invoice_status_name(status),
                 inv->period, total, inv->currency);
    return n < 0 || (size_t)n >= cap ? -1 : 0;
}

static int move_status(const struct bill_ctx *ctx, const struct scope *sc, const char *id,
                       enum invoice_status to, instant_t now, struct err *err)
{
    struct invoice inv;
    char before[BILL_JSON_MAX], after[BILL_JSON_MAX];

    if (db_begin(ctx->db, err) < 0)
        return -1;
    if (repo_invoice_get(ctx->db, sc, id, &inv, err) < 0)
        goto fail;
    bill_invoice_json(&inv, inv.status, before, sizeof(before));
    bill_invoice_json(&inv, to, after, sizeof(after));
    if (invoice_transition_check(inv.status, to, err) < 0 ||
        repo_invoice_set_status(ctx->db, inv.id, to, now, err) < 0 ||
        bill_audit(ctx, now, to == INV_PAID ? "invoice.paid" : "invoice.void", "invoice", inv.id,
                   inv.issuer_id, before, after, err) < 0) {
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
    char after[BILL_JSON_MAX];
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
        repo_invoice_insert(ctx->db, NULL, &cn, err) < 0)
        goto fail;
    bill_invoice_json(&cn, cn.status, after, sizeof(after));
    if (bill_audit(ctx, now, "invoice.credit_note", "invoice", cn.id, cn.issuer_id, NULL, after,
                   err) < 0)
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
