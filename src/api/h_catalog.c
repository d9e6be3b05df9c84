/*
 * api/h_catalog.c — reads of the catalog: /v1/catalog/products, a SKU's price points and the
 * one-price lookup (/v1/catalog/skus/{id}/prices, /price), /v1/currencies and
 * /v1/exchange-rates (docs/catalog.md). Thin: svc/catalog_data.h and the repositories do the
 * work; this file turns query strings into filters and rows into JSON.
 *
 * Listings are bounded: products at most 1000 SKU rows (?limit, default 200); a SKU's price
 * points are one SKU's rows (a few thousand at most across every market).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/auth.h"
#include "api/h_catalog.h"
#include "api/router.h"
#include "core/currency.h"
#include "svc/catalog_data.h"

#define PRODUCTS_DEFAULT 200
#define PRODUCTS_MAX 1000

/* ---- shared (h_catalog.h) ---- */

json_t *h_catalog_dec_json(struct dec d)
{
    char buf[DEC_STRLEN];

    dec_format(d, buf);
    return json_string(buf);
}

static json_t *date_json(struct date d)
{
    char buf[DATE_STRLEN];

    date_format(d, buf);
    return json_string(buf);
}

static json_t *opt_str(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

json_t *h_catalog_price_json(const struct catdata_price *p)
{
    return json_pack("{s:I, s:s, s:o, s:s, s:s, s:o, s:o, s:s, s:s, s:o, s:o, s:o, s:o, s:o,"
                     " s:o}",
                     "id", (json_int_t)p->id, "sku", p->sku, "product", opt_str(p->product),
                     "market", p->market, "currency", p->currency,
                     "segment", opt_str(p->segment), "tier_min", opt_str(p->tier_min),
                     "term", term_name(p->term), "billing", billing_name(p->billing),
                     "unit_price", h_catalog_dec_json(p->unit_price),
                     "term_price", p->has_term_price ? h_catalog_dec_json(p->term_price)
                                                     : json_null(),
                     "erp_price", p->has_erp ? h_catalog_dec_json(p->erp_price) : json_null(),
                     "effective_from", date_json(p->effective_from),
                     "effective_to", p->has_effective_to ? date_json(p->effective_to)
                                                         : json_null(),
                     "tags", opt_str(p->tags));
}

int h_catalog_query_date_or_reply(struct api_req *req, struct api_resp *resp,
                                  const char *name, struct date *out)
{
    const char *s = api_req_query(req, name);
    struct err err;

    if (!s)
        return 0;
    err_clear(&err);
    if (date_parse_cstr(s, out, &err)) {
        api_error_reply(resp, ERR_INVALID, name, "%s must be a day, YYYY-MM-DD", name);
        return -1;
    }
    return 1;
}

int h_catalog_query_code_or_reply(struct api_req *req, struct api_resp *resp,
                                  const char *name, size_t len, char *out, size_t cap)
{
    const char *s = api_req_query(req, name);

    if (!s)
        return 0;
    if (strlen(s) != len || len >= cap)
        goto bad;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];

        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (c < 'A' || c > 'Z')
            goto bad;
        out[i] = c;
    }
    out[len] = '\0';
    return 1;
bad:
    api_error_reply(resp, ERR_INVALID, name, "%s must be %zu letters", name, len);
    return -1;
}

const struct scope *h_catalog_scope(const struct api_req *req, struct scope *buf)
{
    struct err err;

    err_clear(&err);
    return api_req_scope(req, buf, &err) == 0 ? buf : NULL;
}

void h_catalog_err_reply(struct api_resp *resp, const struct err *e)
{
    struct err copy = *e;

    if (copy.code == ERR_PARSE)
        copy.code = ERR_INVALID;
    api_err_reply(resp, &copy);
}

/* ---- products ---- */

struct products_ctx {
    json_t *list;
    json_t *cur;        /* the product being filled */
    char cur_id[SKU_MAX];
};

static int add_product_sku(void *ctx, const struct catdata_product_sku *p, struct err *err)
{
    struct products_ctx *c = ctx;
    json_t *sku;

    if (!c->cur || strcmp(c->cur_id, p->product_id) != 0) {
        c->cur = json_pack("{s:s, s:s, s:o, s:[]}", "id", p->product_id, "title",
                           p->product_title, "publisher", opt_str(p->publisher), "skus");
        if (!c->cur || json_array_append_new(c->list, c->cur))
            return err_set(err, ERR_NOMEM, "", "out of memory");
        snprintf(c->cur_id, sizeof(c->cur_id), "%s", p->product_id);
    }
    sku = json_pack("{s:s, s:s, s:s, s:o}", "id", p->sku, "sku_id", p->sku_id, "title",
                    p->sku_title, "tags", opt_str(p->tags));
    if (!sku || json_array_append_new(json_object_get(c->cur, "skus"), sku))
        return err_set(err, ERR_NOMEM, "", "out of memory");
    return 0;
}

void api_h_catalog_products(struct api_req *req, struct api_resp *resp)
{
    const char *query = api_req_query(req, "query"), *limit_s = api_req_query(req, "limit");
    struct products_ctx c = {json_array(), NULL, ""};
    char market[MARKET_MAX];
    long limit = PRODUCTS_DEFAULT;
    int has_market;
    struct db *db;
    struct err err;
    int rc;

    err_clear(&err);
    if (!c.list) {
        api_error_reply(resp, ERR_NOMEM, "", "out of memory");
        return;
    }
    if ((has_market = h_catalog_query_code_or_reply(req, resp, "market", 2, market,
                                                    sizeof(market))) < 0)
        goto out;
    if (limit_s) {
        limit = 0;
        for (const char *s = limit_s; *s && limit <= PRODUCTS_MAX; s++)
            limit = *s >= '0' && *s <= '9' ? limit * 10 + (*s - '0') : PRODUCTS_MAX + 1;
        if (!*limit_s || limit < 1 || limit > PRODUCTS_MAX) {
            api_error_reply(resp, ERR_INVALID, "limit", "limit must be 1 to %d",
                            PRODUCTS_MAX);
            goto out;
        }
    }
    if (query && strlen(query) > 100) {
        api_error_reply(resp, ERR_INVALID, "query", "query is at most 100 characters");
        goto out;
    }
    db = api_db_acquire(req->ctx);
    rc = repo_catdata_products_each(db, query, has_market ? market : NULL, limit,
                                    add_product_sku, &c, &err);
    api_db_release(req->ctx);
    if (rc) {
        api_err_reply(resp, &err);
        goto out;
    }
    api_json_reply(resp, 200, json_pack("{s:O}", "products", c.list));
out:
    json_decref(c.list);
}

/* ---- a SKU's prices ---- */

static int add_price(void *ctx, const struct catdata_price *p, struct err *err)
{
    json_t *o = h_catalog_price_json(p);

    if (!o || json_array_append_new(ctx, o))
        return err_set(err, ERR_NOMEM, "", "out of memory");
    return 0;
}

/* The {id} of the path as a SKU the catalog knows; -1 after replying 404. */
static int sku_or_reply(struct api_req *req, struct api_resp *resp, struct db *db,
                        char sku[SKU_MAX])
{
    const char *id = api_req_param(req, "id");
    bool known = false;
    struct err err;

    err_clear(&err);
    if (!id || catalog_sku_parse(id, "id", sku, &err) ||
        repo_catdata_sku_known(db, sku, &known, &err) || !known) {
        if (err.code == ERR_DB || err.code == ERR_NOMEM)
            api_err_reply(resp, &err);
        else
            api_error_reply(resp, ERR_NOT_FOUND, "id", "the catalog has no SKU %.60s",
                            id ? id : "");
        return -1;
    }
    return 0;
}

void api_h_catalog_sku_prices(struct api_req *req, struct api_resp *resp)
{
    struct catdata_price_filter f = {0};
    char sku[SKU_MAX], market[MARKET_MAX], ccy[CCY_MAX];
    int hm, hc, ha;
    json_t *list;
    struct db *db;
    struct err err;
    int rc;

    err_clear(&err);
    if ((hm = h_catalog_query_code_or_reply(req, resp, "market", 2, market,
                                            sizeof(market))) < 0 ||
        (hc = h_catalog_query_code_or_reply(req, resp, "currency", 3, ccy, sizeof(ccy))) < 0 ||
        (ha = h_catalog_query_date_or_reply(req, resp, "at", &f.at)) < 0)
        return;
    if (!(list = json_array())) {
        api_error_reply(resp, ERR_NOMEM, "", "out of memory");
        return;
    }
    f.sku = sku;
    f.market = hm ? market : NULL;
    f.currency = hc ? ccy : NULL;
    f.has_at = ha == 1;
    db = api_db_acquire(req->ctx);
    if (sku_or_reply(req, resp, db, sku)) {
        api_db_release(req->ctx);
        json_decref(list);
        return;
    }
    rc = repo_catdata_prices_each(db, &f, add_price, list, &err);
    api_db_release(req->ctx);
    if (rc) {
        json_decref(list);
        api_err_reply(resp, &err);
        return;
    }
    api_json_reply(resp, 200, json_pack("{s:s, s:o}", "sku", sku, "prices", list));
}

/* GET /v1/catalog/skus/{id}/price?term&billing&market&currency[&at][&segment] */
void api_h_catalog_sku_price(struct api_req *req, struct api_resp *resp)
{
    const char *term = api_req_query(req, "term"), *bill = api_req_query(req, "billing");
    struct catalog_price_query q = {0};
    struct catalog_price_answer a;
    char sku[SKU_MAX], market[MARKET_MAX], ccy[CCY_MAX];
    int hm, hc, ha;
    struct db *db;
    struct err err;
    int rc;

    err_clear(&err);
    db = api_db_acquire(req->ctx);
    rc = sku_or_reply(req, resp, db, sku);
    api_db_release(req->ctx);
    if (rc)
        return;
    if (!term || term_from_name(term, &q.term)) {
        api_error_reply(resp, ERR_INVALID, "term", "term must be P1M, P1Y or P3Y");
        return;
    }
    if (!bill || billing_from_name(bill, &q.billing)) {
        api_error_reply(resp, ERR_INVALID, "billing",
                        "billing must be monthly, annual or triennial");
        return;
    }
    if ((hm = h_catalog_query_code_or_reply(req, resp, "market", 2, market,
                                            sizeof(market))) < 0 ||
        (hc = h_catalog_query_code_or_reply(req, resp, "currency", 3, ccy, sizeof(ccy))) < 0 ||
        (ha = h_catalog_query_date_or_reply(req, resp, "at", &q.at)) < 0)
        return;
    if (!hm) {
        api_error_reply(resp, ERR_INVALID, "market", "market is required");
        return;
    }
    if (!hc) {
        api_error_reply(resp, ERR_INVALID, "currency", "currency is required");
        return;
    }
    if (!ha)
        q.at = instant_date(api_now(req->ctx));
    q.sku = sku;
    q.market = market;
    q.currency = ccy;
    q.segment = api_req_query(req, "segment");
    db = api_db_acquire(req->ctx);
    rc = catalog_price(db, &q, &a, &err);
    api_db_release(req->ctx);
    if (rc) {
        api_err_reply(resp, &err);
        return;
    }
    api_json_reply(resp, 200, json_pack("{s:o, s:o}", "at", date_json(q.at), "price",
                                        h_catalog_price_json(&a.price)));
}

/* ---- currencies and exchange rates ---- */

void api_h_currencies(struct api_req *req, struct api_resp *resp)
{
    json_t *list = json_array();
    const char *code;

    (void)req;
    if (!list) {
        api_error_reply(resp, ERR_NOMEM, "", "out of memory");
        return;
    }
    for (int i = 0; (code = currency_code_at(i)) != NULL; i++)
        if (json_array_append_new(list, json_pack("{s:s, s:i}", "code", code, "minor_units",
                                                  currency_minor_units(code)))) {
            json_decref(list);
            api_error_reply(resp, ERR_NOMEM, "", "out of memory");
            return;
        }
    api_json_reply(resp, 200, json_pack("{s:o}", "currencies", list));
}

static json_t *rate_json(const struct fx_rate *r)
{
    return json_pack("{s:s, s:s, s:o, s:o}", "from", r->from, "to", r->to, "rate",
                     h_catalog_dec_json(r->rate), "effective_from",
                     date_json(r->effective_from));
}

static int add_rate(void *ctx, const struct fx_rate *r, struct err *err)
{
    json_t *o = rate_json(r);

    if (!o || json_array_append_new(ctx, o))
        return err_set(err, ERR_NOMEM, "", "out of memory");
    return 0;
}

void api_h_rates_list(struct api_req *req, struct api_resp *resp)
{
    char from[CCY_MAX], to[CCY_MAX];
    int hf, ht, rc;
    json_t *list;
    struct db *db;
    struct err err;

    err_clear(&err);
    if ((hf = h_catalog_query_code_or_reply(req, resp, "from", 3, from, sizeof(from))) < 0 ||
        (ht = h_catalog_query_code_or_reply(req, resp, "to", 3, to, sizeof(to))) < 0)
        return;
    if (!(list = json_array())) {
        api_error_reply(resp, ERR_NOMEM, "", "out of memory");
        return;
    }
    db = api_db_acquire(req->ctx);
    rc = repo_catdata_rates_each(db, hf ? from : NULL, ht ? to : NULL, add_rate, list, &err);
    api_db_release(req->ctx);
    if (rc) {
        json_decref(list);
        api_err_reply(resp, &err);
        return;
    }
    api_json_reply(resp, 200, json_pack("{s:o}", "rates", list));
}

/* POST /v1/exchange-rates {from, to, rate, month | effective_from} */
void api_h_rates_create(struct api_req *req, struct api_resp *resp)
{
    static const char *const allowed[] = {"from", "to", "rate", "month", "effective_from",
                                          NULL};
    const char *from, *to, *rate;
    json_t *month = json_object_get(req->body, "month");
    json_t *day = json_object_get(req->body, "effective_from");
    struct fx_rate r;
    struct scope sc;
    char buf[DATE_STRLEN];
    struct db *db;
    struct err err;
    int rc;

    err_clear(&err);
    memset(&r, 0, sizeof(r));
    if (api_fields_known_or_reply(req, resp, allowed) ||
        api_field_string_or_reply(req, resp, "from", &from) ||
        api_field_string_or_reply(req, resp, "to", &to) ||
        api_field_string_or_reply(req, resp, "rate", &rate))
        return;
    if (strlen(from) != 3 || strlen(to) != 3) {
        api_error_reply(resp, ERR_INVALID, strlen(from) != 3 ? "from" : "to",
                        "currencies are ISO 4217 codes (USD)");
        return;
    }
    for (int i = 0; i < 4; i++) { /* "usd" is USD */
        r.from[i] = from[i] >= 'a' && from[i] <= 'z' ? (char)(from[i] - 'a' + 'A') : from[i];
        r.to[i] = to[i] >= 'a' && to[i] <= 'z' ? (char)(to[i] - 'a' + 'A') : to[i];
    }
    if (dec_parse_cstr(rate, &r.rate, &err)) {
        api_error_reply(resp, ERR_INVALID, "rate", "rate is not a decimal number (%s)",
                        err.msg);
        return;
    }
    if ((month != NULL) == (day != NULL)) {
        api_error_reply(resp, ERR_INVALID, "month", "give month (YYYY-MM: from its "
                        "1st, as Partner Center fixes rates) or effective_from");
        return;
    }
    if (month) {
        const char *m = json_string_value(month);

        snprintf(buf, sizeof(buf), "%.7s-01", m ? m : "");
        if (!m || strlen(m) != 7 || m[4] != '-' || date_parse_cstr(buf, &r.effective_from,
                                                                   &err)) {
            api_error_reply(resp, ERR_INVALID, "month", "month must be YYYY-MM");
            return;
        }
    } else if (!json_is_string(day) ||
               date_parse_cstr(json_string_value(day), &r.effective_from, &err)) {
        api_error_reply(resp, ERR_INVALID, "effective_from",
                        "effective_from must be YYYY-MM-DD");
        return;
    }
    db = api_db_acquire(req->ctx);
    rc = catalog_rate_put(db, &r, h_catalog_scope(req, &sc), api_now(req->ctx), &err);
    api_db_release(req->ctx);
    if (rc) {
        h_catalog_err_reply(resp, &err);
        return;
    }
    api_json_reply(resp, 201, rate_json(&r));
}
