/*
 * api/h_recon.c — /v1/recon: import Microsoft's reconciliation files, read the result, export
 * the differences, resolve them, map subscription ids (docs/recon.md). Thin: every action is a
 * svc/recon_svc.h call; this file turns requests into arguments and rows into JSON.
 *
 * The upload: {"content": "<the CSV text>", "file_name": "...", "period_start": "YYYY-MM-DD",
 * "period_end": "YYYY-MM-DD"} — sent as JSON, or built by the server from a raw text/csv body
 * and the query string (the route is csv_upload, router.h); the route's body cap is large
 * (RECON_BODY_LIMIT). The text is read in place through fmemopen, so the importer streams it
 * exactly as it streams a file.
 *
 * Lists are paged (?limit=, default 1000, at most 10000; ?offset=) so a million-line import
 * never becomes one response.
 */
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/auth.h"
#include "api/router.h"
#include "domain/recon/recon.h"
#include "svc/recon_svc.h"

#define PAGE_DEFAULT 1000
#define PAGE_MAX 10000

static const char *query(const struct api_req *req, const char *name)
{
    if (!req->conn)
        return NULL;
    return MHD_lookup_connection_value((struct MHD_Connection *)req->conn,
                                       MHD_GET_ARGUMENT_KIND, name);
}

/* A non-negative count from the query string, bounded; -1 after replying 422. */
static long long query_count_or_reply(struct api_req *req, struct api_resp *resp,
                                      const char *name, long long dflt, long long max)
{
    const char *s = query(req, name);
    long long v = 0;
    size_t n;

    if (!s)
        return dflt;
    n = strlen(s);
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9' || i >= 12) {
            api_error_reply(resp, ERR_INVALID, name, "'%s' must be a whole number", name);
            return -1;
        }
        v = v * 10 + (s[i] - '0');
    }
    if (n == 0 || v > max) {
        api_error_reply(resp, ERR_INVALID, name, "'%s' must be between 0 and %lld", name, max);
        return -1;
    }
    return v;
}

/* The signed-in caller's user or token id for the audit log ("api" when there is none). */
static const char *actor(const struct api_req *req, char buf[ID_MAXLEN])
{
    struct scope sc;
    struct err err;

    if (api_req_scope(req, &sc, &err) == 0 && sc.user_id[0]) {
        snprintf(buf, ID_MAXLEN, "%s", sc.user_id);
        return buf;
    }
    return "api";
}

static json_t *dec_json(struct dec d)
{
    char buf[DEC_STRLEN];

    dec_format(d, buf);
    return json_string(buf);
}

static json_t *opt_str(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

static json_t *import_json(const struct recon_import_row *r)
{
    char when[INSTANT_STRLEN];

    instant_format(r->created_at, when);
    return json_pack("{s:s, s:s, s:o, s:s, s:o, s:I, s:o, s:{s:o, s:o}, s:I, s:{s:o, s:o, "
                     "s:o, s:b, s:I}, s:{s:I, s:I, s:I, s:I}, s:o, s:s}",
                     "id", r->id, "kind", r->kind, "source", opt_str(r->source),
                     "file_hash", r->file_hash, "invoice_number", opt_str(r->invoice_number),
                     "invoices", (json_int_t)r->invoices, "currency", opt_str(r->currency),
                     "period", "start", opt_str(r->period_start), "end",
                     opt_str(r->period_end), "line_count", (json_int_t)r->line_count,
                     "file_totals", "subtotal", dec_json(r->sum_subtotal), "tax",
                     dec_json(r->sum_tax), "total", dec_json(r->sum_total), "consistent",
                     r->total_ok, "lines_total_mismatch", (json_int_t)r->bad_total_lines,
                     "counts", "matched", (json_int_t)r->matched, "amount_differs",
                     (json_int_t)r->amount_differs, "only_microsoft",
                     (json_int_t)r->only_microsoft, "only_cspd", (json_int_t)r->only_cspd,
                     "supersedes", opt_str(r->supersedes), "created_at", when);
}

static json_t *line_json(const struct recon_line_row *l)
{
    json_t *o = json_pack("{s:I, s:o, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, "
                          "s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
                          "seq", (json_int_t)l->seq,
                          "line", l->line_no ? json_integer(l->line_no) : json_null(),
                          "status", l->status, "cause", opt_str(l->cause),
                          "detail", opt_str(l->detail), "charge_id", opt_str(l->charge_id),
                          "subscription_id", opt_str(l->subscription_id),
                          "microsoft_subscription_id", opt_str(l->ms_subscription),
                          "customer", opt_str(l->customer_key),
                          "customer_name", opt_str(l->customer_name),
                          "reseller", opt_str(l->reseller_key),
                          "invoice_number", opt_str(l->invoice_number),
                          "charge_type", opt_str(l->charge_type), "sku", opt_str(l->sku),
                          "start_date", opt_str(l->start_date),
                          "end_date", opt_str(l->end_date), "quantity", opt_str(l->quantity),
                          "currency", opt_str(l->currency),
                          "microsoft_amount", opt_str(l->ms_subtotal),
                          "cspd_amount", opt_str(l->cspd_subtotal),
                          "difference", opt_str(l->difference),
                          "resolution", opt_str(l->resolution), "note", opt_str(l->note),
                          "unit_price", opt_str(l->unit_price),
                          "effective_unit_price", opt_str(l->eup));

    return o;
}

/* POST /v1/recon/imports */
void api_h_recon_import(struct api_req *req, struct api_resp *resp)
{
    static const char *const fields[] = {"content", "file_name", "period_start", "period_end",
                                         NULL};
    struct recon_import_opts o = {0};
    struct recon_import_result res;
    char who[ID_MAXLEN];
    struct recon_ctx ctx = {NULL, actor(req, who), req->request_id};
    json_t *content, *name, *ps, *pe, *body;
    struct err err;
    FILE *f;
    int rc;

    if (api_fields_known_or_reply(req, resp, fields))
        return;
    content = json_object_get(req->body, "content");
    name = json_object_get(req->body, "file_name");
    ps = json_object_get(req->body, "period_start");
    pe = json_object_get(req->body, "period_end");
    if (!json_is_string(content) || json_string_length(content) == 0) {
        api_error_reply(resp, ERR_INVALID, "content", "field 'content' must hold the file's "
                        "text (CSV)");
        return;
    }
    if ((name && !json_is_string(name)) || (!ps != !pe) || (ps && !json_is_string(ps)) ||
        (pe && !json_is_string(pe))) {
        api_error_reply(resp, ERR_INVALID, ps && !pe ? "period_end" : "period_start",
                        "file_name is a string; period_start and period_end come together "
                        "as YYYY-MM-DD");
        return;
    }
    err_clear(&err);
    if (ps && (date_parse_cstr(json_string_value(ps), &o.period_start, &err) ||
               date_parse_cstr(json_string_value(pe), &o.period_end, &err))) {
        api_error_reply(resp, ERR_INVALID, "period_start", "period dates must be YYYY-MM-DD");
        return;
    }
    o.has_period = ps != NULL;
    o.source = name ? json_string_value(name) : "upload";
    f = fmemopen((void *)json_string_value(content), json_string_length(content), "rb");
    if (!f) {
        api_error_reply(resp, ERR_NOMEM, "", "cannot read the upload");
        return;
    }
    ctx.db = api_db_acquire(req->ctx);
    rc = recon_import(&ctx, f, &o, api_now(req->ctx), &res, &err);
    api_db_release(req->ctx);
    fclose(f);
    if (rc) {
        api_err_reply(resp, &err);
        return;
    }
    body = import_json(&res.row);
    json_object_set_new(body, "duplicate", json_boolean(res.duplicate));
    if (strcmp(res.row.kind, "usage") == 0) /* docs/billing.md "Azure usage" */
        json_object_set_new(body, "usage",
                            json_pack("{s:I, s:I, s:I, s:I}", "to_rate",
                                      (json_int_t)res.usage_charges, "unknown_customer",
                                      (json_int_t)res.usage_unmapped, "replaced",
                                      (json_int_t)res.usage_replaced, "held",
                                      (json_int_t)res.usage_held));
    if (res.duplicate)
        json_object_set_new(body, "message", json_sprintf("already imported (%s); nothing new",
                                                          res.duplicate_reason));
    api_json_reply(resp, res.duplicate ? 200 : 201, body);
}

static int add_import(void *ctx, const struct recon_import_row *r)
{
    return json_array_append_new(ctx, import_json(r)) ? -1 : 0;
}

/* GET /v1/recon/imports */
void api_h_recon_imports(struct api_req *req, struct api_resp *resp)
{
    json_t *items = json_array();
    struct err err;
    int rc;

    err_clear(&err);
    rc = repo_recon_import_each(api_db_acquire(req->ctx), 200, add_import, items, &err);
    api_db_release(req->ctx);
    if (rc) {
        json_decref(items);
        api_err_reply(resp, &err);
        return;
    }
    api_json_reply(resp, 200, json_pack("{s:o}", "items", items));
}

static int add_total(void *ctx, const struct recon_total *t)
{
    json_t *o = json_pack("{s:s, s:o, s:o, s:o, s:I, s:I, s:I, s:I}", "key", t->key,
                          "microsoft", dec_json(t->microsoft), "cspd", dec_json(t->cspd),
                          "difference", dec_json(t->difference), "lines", (json_int_t)t->lines,
                          "matched", (json_int_t)t->matched, "differences",
                          (json_int_t)t->differences, "open", (json_int_t)t->open);

    if (o && t->name[0])
        json_object_set_new(o, "name", json_string(t->name));
    return json_array_append_new(ctx, o) ? -1 : 0;
}

/* Found: 1 with the row; 0 after replying 404; -1 after replying the error. */
static int import_or_reply(struct db *db, const char *id, struct recon_import_row *r,
                           struct api_resp *resp)
{
    struct err err;
    int rc;

    err_clear(&err);
    rc = repo_recon_import_get(db, id, r, &err);
    if (rc < 0)
        api_err_reply(resp, &err);
    else if (rc == 0)
        api_error_reply(resp, ERR_NOT_FOUND, "id", "no reconciliation import %s", id);
    return rc;
}

/* GET /v1/recon/imports/{id}: the summary, with totals per invoice, reseller, customer. */
void api_h_recon_import_get(struct api_req *req, struct api_resp *resp)
{
    const char *id = api_req_param(req, "id");
    static const char *const groups[3] = {"invoice", "reseller", "customer"};
    static const char *const keys[3] = {"per_invoice", "per_reseller", "per_customer"};
    struct recon_import_row r;
    struct db *db = api_db_acquire(req->ctx);
    json_t *body = NULL;
    struct err err;

    err_clear(&err);
    if (import_or_reply(db, id, &r, resp) == 1) {
        body = import_json(&r);
        for (int i = 0; i < 3 && body; i++) {
            json_t *arr = json_array();

            if (recon_totals(db, id, groups[i], add_total, arr, &err)) {
                json_decref(arr);
                json_decref(body);
                body = NULL;
                api_err_reply(resp, &err);
                break;
            }
            json_object_set_new(body, keys[i], arr);
        }
        if (body)
            api_json_reply(resp, 200, body);
    }
    api_db_release(req->ctx);
}

static int add_line(void *ctx, const struct recon_line_row *l)
{
    return json_array_append_new(ctx, line_json(l)) ? -1 : 0;
}

/* GET /v1/recon/imports/{id}/lines?status=&limit=&offset= */
void api_h_recon_lines(struct api_req *req, struct api_resp *resp)
{
    const char *id = api_req_param(req, "id");
    const char *status = query(req, "status");
    long long limit, offset;
    enum recon_status s;
    struct recon_import_row r;
    struct db *db;
    json_t *items;
    struct err err;

    if (status && strcmp(status, "differences") != 0 && recon_status_parse(status, &s)) {
        api_error_reply(resp, ERR_INVALID, "status", "status must be matched, amount_differs, "
                        "only_microsoft, only_cspd, usage or differences");
        return;
    }
    if ((limit = query_count_or_reply(req, resp, "limit", PAGE_DEFAULT, PAGE_MAX)) < 0 ||
        (offset = query_count_or_reply(req, resp, "offset", 0, 999999999999LL)) < 0)
        return;
    db = api_db_acquire(req->ctx);
    if (import_or_reply(db, id, &r, resp) != 1) {
        api_db_release(req->ctx);
        return;
    }
    items = json_array();
    err_clear(&err);
    if (repo_recon_line_each(db, id, status && strcmp(status, "differences") ? status : NULL,
                             status != NULL, limit ? limit : PAGE_DEFAULT, offset, add_line,
                             items, &err)) {
        api_db_release(req->ctx);
        json_decref(items);
        api_err_reply(resp, &err);
        return;
    }
    api_db_release(req->ctx);
    api_json_reply(resp, 200, json_pack("{s:s, s:I, s:I, s:o}", "import_id", id, "limit",
                                        (json_int_t)limit, "offset", (json_int_t)offset,
                                        "items", items));
}

struct xlsx_job {
    struct db *db;
    const char *id;
};

static int write_differences_xlsx(const void *ctx, const char *path, struct err *err)
{
    const struct xlsx_job *j = ctx;

    return recon_export_differences_xlsx(j->db, j->id, path, NULL, err);
}

/* GET /v1/recon/imports/{id}/differences.xlsx */
void api_h_recon_export_xlsx(struct api_req *req, struct api_resp *resp)
{
    struct xlsx_job j = {api_db_acquire(req->ctx), api_req_param(req, "id")};
    struct recon_import_row r;

    if (import_or_reply(j.db, j.id, &r, resp) == 1)
        api_file_reply(resp, write_differences_xlsx, &j, API_XLSX_TYPE,
                       "recon-differences.xlsx");
    api_db_release(req->ctx);
}

/* GET /v1/recon/imports/{id}/differences.csv */
void api_h_recon_export(struct api_req *req, struct api_resp *resp)
{
    const char *id = api_req_param(req, "id");
    struct recon_import_row r;
    struct db *db = api_db_acquire(req->ctx);
    struct err err;
    char *buf = NULL;
    size_t len = 0;
    FILE *out;
    int rc;

    if (import_or_reply(db, id, &r, resp) != 1) {
        api_db_release(req->ctx);
        return;
    }
    out = open_memstream(&buf, &len);
    if (!out) {
        api_db_release(req->ctx);
        api_error_reply(resp, ERR_NOMEM, "", "out of memory");
        return;
    }
    err_clear(&err);
    rc = recon_export_differences(db, id, out, NULL, &err);
    api_db_release(req->ctx);
    if (fclose(out) != 0 && rc == 0)
        rc = err_set(&err, ERR_NOMEM, "", "out of memory");
    if (rc)
        api_err_reply(resp, &err);
    else
        api_text_reply(resp, 200, "text/csv; charset=utf-8", buf, len);
    free(buf);
}

/* POST /v1/recon/imports/{id}/lines/{seq}/resolution {"action", "note"} */
void api_h_recon_resolve(struct api_req *req, struct api_resp *resp)
{
    static const char *const fields[] = {"action", "note", NULL};
    const char *id = api_req_param(req, "id"), *seq_s = api_req_param(req, "seq");
    char who[ID_MAXLEN];
    struct recon_ctx ctx = {NULL, actor(req, who), req->request_id};
    enum recon_resolution how;
    struct recon_line_row l;
    const char *action, *note = NULL;
    json_t *jn;
    struct err err;
    long long seq = 0;
    int rc;

    for (const char *p = seq_s; *p; p++) {
        if (*p < '0' || *p > '9' || p - seq_s > 12) {
            api_error_reply(resp, ERR_NOT_FOUND, "seq", "no line %s", seq_s);
            return;
        }
        seq = seq * 10 + (*p - '0');
    }
    if (api_fields_known_or_reply(req, resp, fields) ||
        api_field_string_or_reply(req, resp, "action", &action))
        return;
    if (recon_resolution_parse(action, &how)) {
        api_error_reply(resp, ERR_INVALID, "action", "action must be accept, explain or "
                        "follow_up");
        return;
    }
    jn = json_object_get(req->body, "note");
    if (jn && !json_is_string(jn)) {
        api_error_reply(resp, ERR_INVALID, "note", "note must be a string");
        return;
    }
    note = jn ? json_string_value(jn) : NULL;
    ctx.db = api_db_acquire(req->ctx);
    err_clear(&err);
    rc = recon_resolve(&ctx, id, seq, how, note, api_now(req->ctx), &l, &err);
    api_db_release(req->ctx);
    if (rc) {
        api_err_reply(resp, &err);
        return;
    }
    api_json_reply(resp, 200, line_json(&l));
}

/* POST /v1/recon/subscription-map {"microsoft_subscription_id", "subscription_id"} */
void api_h_recon_map(struct api_req *req, struct api_resp *resp)
{
    static const char *const fields[] = {"microsoft_subscription_id", "subscription_id", NULL};
    char who[ID_MAXLEN];
    struct recon_ctx ctx = {NULL, actor(req, who), req->request_id};
    const char *ms, *sub;
    struct err err;
    int rc;

    if (api_fields_known_or_reply(req, resp, fields) ||
        api_field_string_or_reply(req, resp, "microsoft_subscription_id", &ms) ||
        api_field_string_or_reply(req, resp, "subscription_id", &sub))
        return;
    ctx.db = api_db_acquire(req->ctx);
    err_clear(&err);
    rc = recon_map_subscription(&ctx, ms, sub, api_now(req->ctx), &err);
    api_db_release(req->ctx);
    if (rc) {
        api_err_reply(resp, &err);
        return;
    }
    api_json_reply(resp, 200, json_pack("{s:s, s:s}", "microsoft_subscription_id", ms,
                                        "subscription_id", sub));
}
