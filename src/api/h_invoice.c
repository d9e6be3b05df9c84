/*
 * api/h_invoice.c — /v1/invoices: list, read (JSON, CSV or PDF), close a period, export a
 * period (CSV, XLSX, general ledger), pay, void, credit; and an issuer's billing days
 * (/v1/partners/{id}/billing-settings) (docs/billing.md "API"). Thin: scope from the auth step, one svc/invoice_svc.h or
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
#include "svc/invoice_report.h"
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
                           : json_pack("{s:s, s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
                                       "period",
                                       period, "draft", draft && json_is_true(draft),
                                       "issuers", (json_int_t)st.issuers, "already_closed",
                                       (json_int_t)st.already_closed, "rated",
                                       (json_int_t)st.rated, "invoices",
                                       (json_int_t)st.invoices, "adjustments",
                                       (json_int_t)st.adjustments, "alerts",
                                       (json_int_t)st.alerts, "usage_rated",
                                       (json_int_t)st.usage_rated, "not_started",
                                       (json_int_t)st.not_started));
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

/* ---- period exports ------------------------------------------------------------------ */

struct export_job {
    struct db *db;
    const struct scope *scope;
    const char *period;
    enum period_export_format fmt;
};

static int write_period_export(const void *ctx, const char *path, struct err *err)
{
    const struct export_job *j = ctx;

    return invoice_period_export(j->db, j->scope, j->period, j->fmt, path, NULL, err);
}

/*
 * GET /v1/invoices/export?period=YYYY-MM&format=csv|xlsx|gl&table=T — the bytes of
 * `cspd invoice export PERIOD --format F [--table T]` for the invoices in the caller's scope
 * (svc/invoice_report.h); another partner's invoices are simply not in it.
 */
void api_h_invoices_export(struct api_req *req, struct api_resp *resp)
{
    const char *format = api_req_query(req, "format"), *table = api_req_query(req, "table");
    char name[96];
    struct export_job j;
    struct scope s;
    struct err err;

    if (api_scope_or_reply(req, resp, &s) != 0)
        return;
    memset(&j, 0, sizeof(j));
    j.period = api_req_query(req, "period");
    if (!h_billing_period_ok(j.period)) {
        api_error_reply(resp, ERR_INVALID, "period", "period must be YYYY-MM");
        return;
    }
    err_clear(&err);
    if (invoice_period_export_format(format, table, &j.fmt, &err) < 0) {
        api_err_reply(resp, &err);
        return;
    }
    if (j.fmt == PERIOD_XLSX)
        snprintf(name, sizeof(name), "cspd-%s.xlsx", j.period);
    else if (j.fmt == PERIOD_GL)
        snprintf(name, sizeof(name), "cspd-%s-gl.csv", j.period);
    else
        snprintf(name, sizeof(name), "cspd-%s-%s.csv", j.period, table ? table : "lines");
    j.scope = &s;
    j.db = api_db_acquire(req->ctx);
    api_file_reply(resp, write_period_export, &j,
                   j.fmt == PERIOD_XLSX ? API_XLSX_TYPE : "text/csv; charset=utf-8", name);
    api_db_release(req->ctx);
}

/* ---- an issuer's billing days ------------------------------------------------------- */

static json_t *days_json(const char *partner_id, const struct billing_days *d)
{
    return json_pack("{s:s, s:i, s:i}", "partner_id", partner_id, "period_day", d->period_day,
                     "close_day", d->close_day);
}

static struct bill_ctx bill_ctx_of(struct api_req *req, const struct scope *s)
{
    struct bill_ctx ctx;

    memset(&ctx, 0, sizeof(ctx));
    ctx.scope = s;
    ctx.request_id = req->request_id;
    return ctx;
}

/* GET /v1/partners/{id}/billing-settings */
void api_h_billing_settings_get(struct api_req *req, struct api_resp *resp)
{
    const char *id = api_req_param(req, "id");
    struct billing_days d;
    struct bill_ctx ctx;
    struct scope s;
    struct err err;
    int rc;

    if (api_scope_or_reply(req, resp, &s) != 0)
        return;
    ctx = bill_ctx_of(req, &s);
    err_clear(&err);
    ctx.db = api_db_acquire(req->ctx);
    rc = invoice_days_get(&ctx, id, &d, &err);
    api_db_release(req->ctx);
    h_billing_reply(resp, rc, &err, 200, rc < 0 ? NULL : days_json(id, &d));
}

/* A day of the month 1..28 in the body, or absent (0: keep); -1 replied. */
static int day_field(struct api_req *req, struct api_resp *resp, const char *name, int *out)
{
    json_t *v = json_object_get(req->body, name);

    *out = 0;
    if (!v)
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 28) {
        api_error_reply(resp, ERR_INVALID, name, "%s must be an integer day of the month 1..28",
                        name);
        return -1;
    }
    *out = (int)json_integer_value(v);
    return 0;
}

/* PATCH /v1/partners/{id}/billing-settings {"period_day":15,"close_day":15} */
void api_h_billing_settings_update(struct api_req *req, struct api_resp *resp)
{
    static const char *const fields[] = {"period_day", "close_day", NULL};
    const char *id = api_req_param(req, "id");
    struct billing_days d;
    struct bill_ctx ctx;
    struct scope s;
    struct err err;
    int period_day, close_day, rc;

    if (api_scope_or_reply(req, resp, &s) != 0 || api_fields_known_or_reply(req, resp, fields) ||
        day_field(req, resp, "period_day", &period_day) < 0 ||
        day_field(req, resp, "close_day", &close_day) < 0)
        return;
    ctx = bill_ctx_of(req, &s);
    err_clear(&err);
    ctx.db = api_db_acquire(req->ctx);
    rc = invoice_days_set(&ctx, id, period_day, close_day, api_now(req->ctx), &d, &err);
    api_db_release(req->ctx);
    h_billing_reply(resp, rc, &err, 200, rc < 0 ? NULL : days_json(id, &d));
}
