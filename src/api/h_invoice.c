/*
 * api/h_invoice.c — /v1/invoices: list, read (JSON, CSV or PDF), close a period, pay, void,
 * credit (docs/billing.md "API"). Thin: scope from the auth step, one svc/invoice_svc.h or
 * store read with the store held, the JSON (or file) of the result.
 *
 * Reads are scoped in the repository (store/repo_invoice.c): a partner sees the invoices it
 * issued and those billed to it as a reseller, a portal user its customer's non-draft
 * invoices; anything else is 404. Writes run as the caller (bill_ctx.scope), so the close
 * visits only the issuers the caller may see and every audit row names the caller. A POST with
 * an Idempotency-Key is answered from its first response by the pipeline (api/auth.h).
 * Query values are checked with bounded code (STYLE.md 9); bad ones are 422 naming the field.
 */
#include <stdlib.h>
#include <string.h>

#include "api/auth.h"
#include "api/h_invoice.h"
#include "api/router.h"
#include "io/export_invoice.h"
#include "store/repo_invoice.h"
#include "svc/invoice_svc.h"

void h_billing_reply(struct api_resp *resp, int rc, const struct err *err, int status,
                     json_t *obj)
{
    if (rc < 0) {
        json_decref(obj);
        api_err_reply(resp, err);
        return;
    }
    api_json_reply(resp, status, obj);
}

bool h_billing_period_ok(const char *s)
{
    struct date f, l;
    struct err e;

    return s && strlen(s) == 7 && invoice_period_parse(s, &f, &l, &e) == 0;
}

struct list_ctx {
    json_t *items;
    size_t n;
};

static int add_invoice(void *ctx, const struct invoice *inv)
{
    struct list_ctx *l = ctx;

    if (l->n >= H_BILLING_LIST_MAX)
        return -1;
    l->n++;
    return json_array_append_new(l->items, export_invoice_json(inv, false));
}

/* GET /v1/invoices?period=YYYY-MM&status=...&customer_id=... */
void api_h_invoices_list(struct api_req *req, struct api_resp *resp)
{
    struct invoice_filter f;
    struct list_ctx l = {NULL, 0};
    enum invoice_status st;
    struct scope s;
    struct err err;
    struct db *db;
    int rc;

    if (api_scope_or_reply(req, resp, &s) != 0)
        return;
    memset(&f, 0, sizeof(f));
    f.period = api_req_query(req, "period");
    f.status = api_req_query(req, "status");
    f.customer_id = api_req_query(req, "customer_id");
    if (!f.customer_id)
        f.customer_id = api_req_query(req, "customer");
    if (f.period && !h_billing_period_ok(f.period)) {
        api_error_reply(resp, ERR_INVALID, "period", "period must be YYYY-MM");
        return;
    }
    if (f.status && invoice_status_from_name(f.status, &st) < 0) {
        api_error_reply(resp, ERR_INVALID, "status",
                        "status must be draft, finalized, paid or void");
        return;
    }
    l.items = json_array();
    if (!l.items) {
        api_json_reply(resp, 500, NULL);
        return;
    }
    err_clear(&err);
    db = api_db_acquire(req->ctx);
    rc = repo_invoice_each(db, &s, &f, add_invoice, &l, &err);
    api_db_release(req->ctx);
    if (rc < 0 && l.n >= H_BILLING_LIST_MAX) {
        rc = 0; /* the page is full: "more" says so */
    } else if (rc < 0 && err.code == ERR_OK) {
        err_set(&err, ERR_NOMEM, "", "out of memory");
    }
    h_billing_reply(resp, rc, &err, 200,
                    rc < 0 ? NULL : json_pack("{s:o, s:b}", "invoices", l.items, "more",
                                              l.n >= H_BILLING_LIST_MAX));
    if (rc < 0)
        json_decref(l.items);
}

/* GET /v1/invoices/{id}?format=json|csv|pdf */
void api_h_invoice_get(struct api_req *req, struct api_resp *resp)
{
    const char *fmt = api_req_query(req, "format");
    char disp[128], *buf = NULL;
    struct invoice inv;
    struct scope s;
    struct err err;
    struct db *db;
    size_t len = 0;
    int rc;

    if (api_scope_or_reply(req, resp, &s) != 0)
        return;
    if (!fmt)
        fmt = "json";
    if (strcmp(fmt, "json") != 0 && strcmp(fmt, "csv") != 0 && strcmp(fmt, "pdf") != 0) {
        api_error_reply(resp, ERR_INVALID, "format", "format must be json, csv or pdf");
        return;
    }
    err_clear(&err);
    db = api_db_acquire(req->ctx);
    rc = repo_invoice_get(db, &s, api_req_param(req, "id"), &inv, &err);
    api_db_release(req->ctx);
    if (rc < 0) {
        api_err_reply(resp, &err);
        return;
    }
    if (strcmp(fmt, "json") == 0) {
        api_json_reply(resp, 200, export_invoice_json(&inv, true));
        invoice_release(&inv);
        return;
    }
    rc = strcmp(fmt, "csv") == 0 ? export_invoice_csv(&inv, &buf, &len, &err)
                                 : export_invoice_pdf(&inv, &buf, &len, &err);
    if (rc < 0) {
        api_err_reply(resp, &err);
    } else {
        api_text_reply(resp, 200, strcmp(fmt, "csv") == 0 ? "text/csv; charset=utf-8"
                                                           : "application/pdf", buf, len);
        snprintf(disp, sizeof(disp), "attachment; filename=\"%s.%s\"",
                 inv.number[0] ? inv.number : inv.id, fmt);
        api_resp_header(resp, "Content-Disposition", disp);
    }
    free(buf);
    invoice_release(&inv);
}

/* POST /v1/invoices/close {"period":"2026-11","draft":false} */
void api_h_invoices_close(struct api_req *req, struct api_resp *resp)
{
    static const char *const fields[] = {"period", "draft", NULL};
    struct close_stats st;
    struct scope s;
    struct bill_ctx ctx;
    struct err err;
    const char *period;
    json_t *draft;
    int rc;

    if (api_scope_or_reply(req, resp, &s) != 0 || api_fields_known_or_reply(req, resp, fields) ||
        api_field_string_or_reply(req, resp, "period", &period) != 0)
        return;
    if (!h_billing_period_ok(period)) {
        api_error_reply(resp, ERR_INVALID, "period", "period must be YYYY-MM");
        return;
    }
    draft = json_object_get(req->body, "draft");
    if (draft && !json_is_boolean(draft)) {
        api_error_reply(resp, ERR_INVALID, "draft", "draft must be true or false");
        return;
    }
    memset(&ctx, 0, sizeof(ctx));
    ctx.scope = &s;
    ctx.request_id = req->request_id;
    err_clear(&err);
    ctx.db = api_db_acquire(req->ctx);
    rc = invoice_close(&ctx, period, draft && json_is_true(draft), api_now(req->ctx), &st, &err);
    api_db_release(req->ctx);
    h_billing_reply(resp, rc, &err, 200,
                    rc < 0 ? NULL
                           : json_pack("{s:s, s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
                                       "period",
                                       period, "draft", draft && json_is_true(draft),
                                       "issuers", (json_int_t)st.issuers, "already_closed",
                                       (json_int_t)st.already_closed, "rated",
                                       (json_int_t)st.rated, "invoices",
                                       (json_int_t)st.invoices, "adjustments",
                                       (json_int_t)st.adjustments, "alerts",
                                       (json_int_t)st.alerts, "usage_rated",
                                       (json_int_t)st.usage_rated));
}

enum action { ACT_PAY, ACT_VOID, ACT_CREDIT };

static void act(struct api_req *req, struct api_resp *resp, enum action a)
{
    static const char *const fields[] = {NULL};
    char id[ID_MAXLEN], cn[ID_MAXLEN];
    struct invoice inv;
    struct scope s;
    struct bill_ctx ctx;
    struct err err;
    instant_t now = api_now(req->ctx);
    int rc;

    if (api_scope_or_reply(req, resp, &s) != 0 || api_fields_known_or_reply(req, resp, fields))
        return;
    memset(&ctx, 0, sizeof(ctx));
    ctx.scope = &s;
    ctx.request_id = req->request_id;
    snprintf(id, sizeof(id), "%s", api_req_param(req, "id"));
    err_clear(&err);
    ctx.db = api_db_acquire(req->ctx);
    if (a == ACT_PAY)
        rc = invoice_mark_paid(&ctx, &s, id, now, &err);
    else if (a == ACT_VOID)
        rc = invoice_void(&ctx, &s, id, now, &err);
    else
        rc = invoice_credit(&ctx, &s, id, now, cn, &err);
    if (rc == 0)
        rc = repo_invoice_get(ctx.db, &s, a == ACT_CREDIT ? cn : id, &inv, &err);
    api_db_release(req->ctx);
    if (rc < 0) {
        api_err_reply(resp, &err);
        return;
    }
    api_json_reply(resp, a == ACT_CREDIT ? 201 : 200, export_invoice_json(&inv, true));
    invoice_release(&inv);
}

void api_h_invoice_pay(struct api_req *req, struct api_resp *resp)
{
    act(req, resp, ACT_PAY);
}

void api_h_invoice_void(struct api_req *req, struct api_resp *resp)
{
    act(req, resp, ACT_VOID);
}

void api_h_invoice_credit(struct api_req *req, struct api_resp *resp)
{
    act(req, resp, ACT_CREDIT);
}
