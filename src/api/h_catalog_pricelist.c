/*
 * api/h_catalog_pricelist.c — /v1/pricelists: import Microsoft's NCE price list, and the
 * changes between the prices the store holds on two days as JSON, CSV or XLSX
 * (docs/catalog.md). The same services as `cspd import pricelist` and `cspd pricelist diff`.
 *
 * The upload: {"content": "<the CSV text>", "file_name": "...", "month": "YYYY-MM"} — sent as
 * JSON, or built by the server from a raw text/csv body and the query string (the route is
 * csv_upload, router.h), under the route's large body cap. The text is read
 * in place through fmemopen, so the importer streams and hashes it exactly as a file. 201 with
 * the counts; 200 when the same bytes were imported before (nothing changed); a faulty row is
 * 422 "line N, column NAME: ..." with the column in "field", and nothing is stored.
 *
 * XLSX: libxlsxwriter writes only to a file name: api_file_reply (api/file_reply.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/auth.h"
#include "api/h_catalog.h"
#include "api/router.h"
#include "core/currency.h"
#include "svc/pricelist.h"


static json_t *import_json(const struct pricelist_import_result *res)
{
    const struct pricelist_import_info *i = &res->info;
    char when[INSTANT_STRLEN];

    instant_format(i->imported_at, when);
    return json_pack("{s:I, s:b, s:s, s:s, s:s?, s:I, s:I, s:I, s:I, s:I, s:I, s:s}",
                     "id", (json_int_t)i->id, "already_imported", res->already,
                     "file_name", i->file_name, "hash", res->hash,
                     "month", i->month[0] ? i->month : NULL,
                     "rows", (json_int_t)i->row_count, "inserted", (json_int_t)i->inserted,
                     "updated", (json_int_t)i->updated, "unchanged", (json_int_t)i->unchanged,
                     "skipped", (json_int_t)i->skipped, "alerts", (json_int_t)res->alerts,
                     "imported_at", when);
}

void api_h_pricelists_import(struct api_req *req, struct api_resp *resp)
{
    static const char *const allowed[] = {"content", "file_name", "month", NULL};
    json_t *jname = json_object_get(req->body, "file_name");
    json_t *jmonth = json_object_get(req->body, "month");
    struct pricelist_import_opts o = {0};
    struct pricelist_import_result res;
    const char *content;
    struct scope sc;
    struct db *db;
    struct err err;
    FILE *f;
    int rc;

    err_clear(&err);
    if (api_fields_known_or_reply(req, resp, allowed) ||
        api_field_string_or_reply(req, resp, "content", &content))
        return;
    if ((jname && !json_is_string(jname)) || (jmonth && !json_is_string(jmonth))) {
        api_error_reply(resp, ERR_INVALID, jname && !json_is_string(jname) ? "file_name"
                                                                           : "month",
                        "must be a string");
        return;
    }
    if (!*content) {
        api_error_reply(resp, ERR_INVALID, "content", "content is empty (the CSV text is "
                        "needed)");
        return;
    }
    f = fmemopen((void *)content, strlen(content), "r");
    if (!f) {
        api_error_reply(resp, ERR_NOMEM, "", "cannot read the upload");
        return;
    }
    o.path = jname ? json_string_value(jname) : "upload.csv";
    o.stream = f;
    o.month = jmonth ? json_string_value(jmonth) : NULL;
    o.now = api_now(req->ctx);
    o.scope = h_catalog_scope(req, &sc);
    db = api_db_acquire(req->ctx);
    rc = pricelist_import(db, &o, &res, &err);
    api_db_release(req->ctx);
    fclose(f);
    if (rc) {
        h_catalog_err_reply(resp, &err);
        return;
    }
    api_json_reply(resp, res.already ? 200 : 201, import_json(&res));
}

/* ---- changes ---- */

enum { K_MARKET, K_CURRENCY, K_SKU, K_TERM, K_BILLING, K_SEGMENT, K_TIER, K_PARTS };

static void split_key(const char *key, char buf[160], const char *part[K_PARTS])
{
    char *p = buf;

    snprintf(buf, 160, "%s", key);
    for (int i = 0; i < K_PARTS; i++) {
        char *bar = strchr(p, '|');

        part[i] = p;
        if (!bar) {
            for (int j = i + 1; j < K_PARTS; j++)
                part[j] = "";
            return;
        }
        *bar = '\0';
        p = bar + 1;
    }
}

static json_t *money(struct dec v, const char *ccy)
{
    int minor = currency_minor_units(ccy);
    char buf[DEC_STRLEN];

    if (minor < 0 || dec_fraction_digits(v) > minor)
        dec_format(v, buf);
    else
        dec_format_fixed(v, minor, DEC_ROUND_HALF_UP, buf);
    return json_string(buf);
}

static json_t *opt_str(const char *s)
{
    return *s ? json_string(s) : json_null();
}

static json_t *diff_json(const struct pricelist_diff *d, const char *from, const char *to)
{
    json_t *list = json_array();

    if (!list)
        return NULL;
    for (size_t k = 0; k < d->n; k++) {
        const struct pricelist_change *c = &d->changes[k];
        const char *part[K_PARTS];
        char key[160], pct[DEC_STRLEN];
        json_t *o;

        split_key(c->key, key, part);
        if (c->has_percent)
            dec_format_fixed(c->percent, 2, DEC_ROUND_HALF_UP, pct);
        o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o,"
                      " s:o}",
                      "change", pricelist_change_name(c->kind), "market", part[K_MARKET],
                      "currency", part[K_CURRENCY], "sku", part[K_SKU],
                      "title", c->title ? c->title : "", "term", part[K_TERM],
                      "billing", part[K_BILLING], "segment", opt_str(part[K_SEGMENT]),
                      "tier_min", opt_str(part[K_TIER]),
                      "old_price", c->a ? money(c->a->price, part[K_CURRENCY]) : json_null(),
                      "new_price", c->b ? money(c->b->price, part[K_CURRENCY]) : json_null(),
                      "amount", c->a && c->b ? money(c->amount, part[K_CURRENCY])
                                             : json_null(),
                      "percent", c->has_percent ? json_string(pct) : json_null(),
                      "old_cycle_price", c->a ? money(c->a->cycle_price, part[K_CURRENCY])
                                              : json_null(),
                      "new_cycle_price", c->b ? money(c->b->cycle_price, part[K_CURRENCY])
                                              : json_null());
        if (!o || json_array_append_new(list, o)) {
            json_decref(list);
            return NULL;
        }
    }
    return json_pack("{s:s, s:s, s:{s:I, s:I, s:I, s:I, s:I}, s:I, s:I, s:o}", "from", from,
                     "to", to, "counts", "new", (json_int_t)d->counts[PLD_NEW], "retired",
                     (json_int_t)d->counts[PLD_RETIRED], "increases",
                     (json_int_t)d->counts[PLD_INCREASE], "decreases",
                     (json_int_t)d->counts[PLD_DECREASE], "unchanged",
                     (json_int_t)d->unchanged, "plans_from", (json_int_t)d->rows_a,
                     "plans_to", (json_int_t)d->rows_b, "changes", list);
}

static void reply_csv(struct api_resp *resp, const struct pricelist_diff *d)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    struct err err;
    int rc;

    err_clear(&err);
    if (!m) {
        api_error_reply(resp, ERR_NOMEM, "", "out of memory");
        return;
    }
    rc = pricelist_diff_write_csv(d, m, &err);
    fclose(m);
    if (rc)
        api_err_reply(resp, &err);
    else
        api_text_reply(resp, 200, "text/csv; charset=utf-8", buf, len);
    free(buf);
}

static int write_changes_xlsx(const void *d, const char *path, struct err *err)
{
    return pricelist_diff_write_xlsx(d, path, err);
}

static void reply_xlsx(struct api_resp *resp, const struct pricelist_diff *d)
{
    api_file_reply(resp, write_changes_xlsx, d, API_XLSX_TYPE, "price-changes.xlsx");
}

/* GET /v1/pricelists/changes?from=YYYY-MM-DD&to=YYYY-MM-DD[&format=json|csv|xlsx] */
void api_h_pricelists_changes(struct api_req *req, struct api_resp *resp)
{
    const char *fmt = api_req_query(req, "format");
    struct pricelist_set a, b;
    struct pricelist_diff d;
    struct date from, to;
    char fs[DATE_STRLEN], ts[DATE_STRLEN];
    int hf, ht, rc;
    struct db *db;
    struct err err;

    err_clear(&err);
    if ((hf = h_catalog_query_date_or_reply(req, resp, "from", &from)) < 0 ||
        (ht = h_catalog_query_date_or_reply(req, resp, "to", &to)) < 0)
        return;
    if (!hf || !ht) {
        api_error_reply(resp, ERR_INVALID, hf ? "to" : "from", "from and to (YYYY-MM-DD) are "
                        "required: the prices in effect on each day are compared");
        return;
    }
    if (fmt && strcmp(fmt, "json") != 0 && strcmp(fmt, "csv") != 0 &&
        strcmp(fmt, "xlsx") != 0) {
        api_error_reply(resp, ERR_INVALID, "format", "format is json, csv or xlsx");
        return;
    }
    pricelist_set_init(&a);
    pricelist_set_init(&b);
    memset(&d, 0, sizeof(d));
    db = api_db_acquire(req->ctx);
    rc = pricelist_set_load_db(&a, db, from, &err) || pricelist_set_load_db(&b, db, to, &err);
    api_db_release(req->ctx);
    if (rc || pricelist_diff_compute(&a, &b, &d, &err)) {
        api_err_reply(resp, &err);
        goto out;
    }
    date_format(from, fs);
    date_format(to, ts);
    if (fmt && strcmp(fmt, "csv") == 0)
        reply_csv(resp, &d);
    else if (fmt && strcmp(fmt, "xlsx") == 0)
        reply_xlsx(resp, &d);
    else
        api_json_reply(resp, 200, diff_json(&d, fs, ts));
out:
    pricelist_diff_release(&d);
    pricelist_set_release(&a);
    pricelist_set_release(&b);
}
