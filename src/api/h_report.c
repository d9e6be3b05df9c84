/*
 * api/h_report.c — /v1/reports: revenue, cost and margin by month, customer, reseller or
 * product family, and trailing-twelve-month revenue per partner in USD (docs/billing.md
 * "Reports"). Thin over svc/invoice_report.h; dates from the query string are checked here
 * (422 naming the parameter).
 */
#include <string.h>

#include "api/auth.h"
#include "api/h_invoice.h"
#include "api/router.h"
#include "svc/invoice_report.h"

/* A required (or, with dflt, optional) date parameter; -1 after replying 422. */
static int date_query_or_reply(struct api_req *req, struct api_resp *resp, const char *name,
                               const struct date *dflt, struct date *out)
{
    const char *v = api_req_query(req, name);
    struct err e;

    if (!v && dflt) {
        *out = *dflt;
        return 0;
    }
    if (!v || strlen(v) != 10 || date_parse_cstr(v, out, &e) < 0) {
        api_error_reply(resp, ERR_INVALID, name, "'%s' must be a date YYYY-MM-DD", name);
        return -1;
    }
    return 0;
}

/* GET /v1/reports/margins?from&to&group_by=month|customer|reseller|product_family&partner_id */
void api_h_report_margins(struct api_req *req, struct api_resp *resp)
{
    const char *by = api_req_query(req, "group_by");
    struct margin_report rep;
    enum report_group g = REPORT_BY_MONTH;
    struct date from, to;
    struct scope s;
    struct err err;
    struct db *db;
    int rc;

    if (api_scope_or_reply(req, resp, &s) != 0 ||
        date_query_or_reply(req, resp, "from", NULL, &from) != 0 ||
        date_query_or_reply(req, resp, "to", NULL, &to) != 0)
        return;
    if (by && margin_report_group_parse(by, &g) < 0) {
        api_error_reply(resp, ERR_INVALID, "group_by",
                        "group_by must be month, customer, reseller or product_family");
        return;
    }
    err_clear(&err);
    db = api_db_acquire(req->ctx);
    rc = margin_report_run(db, &s, api_req_query(req, "partner_id"), from, to, g, &rep, &err);
    api_db_release(req->ctx);
    h_billing_reply(resp, rc, &err, 200, rc < 0 ? NULL : margin_report_to_json(&rep));
    if (rc == 0)
        margin_report_release(&rep);
}

static int add_ttm(void *ctx, const char *id, const char *name, struct dec usd)
{
    char v[DEC_STRLEN];

    dec_format(usd, v);
    return json_array_append_new(ctx, json_pack("{s:s, s:s, s:s}", "partner_id", id, "name",
                                                 name, "ttm_revenue_usd", v));
}

/* GET /v1/reports/ttm-revenue?partner_id&as_of (default: the business clock's day) */
void api_h_report_ttm(struct api_req *req, struct api_resp *resp)
{
    struct date today = instant_date(api_now(req->ctx)), as_of, from;
    char a[DATE_STRLEN], f[DATE_STRLEN];
    json_t *items;
    struct scope s;
    struct err err;
    struct db *db;
    int rc;

    if (api_scope_or_reply(req, resp, &s) != 0 ||
        date_query_or_reply(req, resp, "as_of", &today, &as_of) != 0)
        return;
    items = json_array();
    if (!items) {
        api_json_reply(resp, 500, NULL);
        return;
    }
    err_clear(&err);
    db = api_db_acquire(req->ctx);
    rc = invoice_ttm_each(db, &s, api_req_query(req, "partner_id"), as_of, add_ttm, items,
                          &err);
    api_db_release(req->ctx);
    if (rc < 0 && err.code == ERR_OK)
        err_set(&err, ERR_NOMEM, "", "out of memory");
    from = date_add_days(date_add_months(as_of, -12), 1);
    date_format(as_of, a);
    date_format(from, f);
    h_billing_reply(resp, rc, &err, 200,
                    rc < 0 ? NULL : json_pack("{s:s, s:s, s:o}", "from", f, "as_of", a,
                                              "partners", items));
    if (rc < 0)
        json_decref(items);
}
