/*
 * api/h_catalog_data.c — /v1/catalog/{upgrade-paths,prerequisites,est-rules,seat-limits}:
 * the catalog data Microsoft's price list does not carry, listed, set per key (PUT) and
 * removed (DELETE) through svc/catalog_data.h (docs/catalog.md "Catalog data").
 *
 * The key in the path is a SKU ("CFQ7TTC0LFLX:0001") or, for EST rules, a product family
 * ("CFQ7TTC0LFLX"); one the catalog does not know is 404 before the body is looked at, so a
 * PUT never creates data for a SKU no price list has named. Bulk loading from the CSV files
 * is `cspd catalog load KIND FILE`.
 */
#include <string.h>

#include "api/auth.h"
#include "api/h_catalog.h"
#include "api/router.h"
#include "svc/catalog_data.h"

#define LINK_VALUES_MAX 64

/* The path's {id} as a known SKU (or product family); -1 after replying 404. */
static int key_or_reply(struct api_req *req, struct api_resp *resp, struct db *db, bool product,
                        char key[SKU_MAX])
{
    const char *id = api_req_param(req, "id");
    bool known = false;
    struct err err;

    err_clear(&err);
    if (!id ||
        (product ? catalog_product_parse(id, "id", key, &err)
                 : catalog_sku_parse(id, "id", key, &err)) ||
        (product ? repo_catdata_product_known(db, key, &known, &err)
                 : repo_catdata_sku_known(db, key, &known, &err)) ||
        !known) {
        if (err.code == ERR_DB || err.code == ERR_NOMEM)
            api_err_reply(resp, &err);
        else
            api_error_reply(resp, ERR_NOT_FOUND, "id", "the catalog has no %s %.60s",
                            product ? "product" : "SKU", id ? id : "");
        return -1;
    }
    return 0;
}

/* ---- links: upgrade paths, prerequisites ---- */

struct links_ctx {
    json_t *list;
    json_t *cur;
    const char *value_name;
    char cur_key[SKU_MAX];
};

static int add_link(void *ctx, const struct catdata_link_row *r, struct err *err)
{
    struct links_ctx *c = ctx;

    if (!c->cur || strcmp(c->cur_key, r->key) != 0) {
        c->cur = json_pack("{s:s, s:[]}", "sku", r->key, c->value_name);
        if (!c->cur || json_array_append_new(c->list, c->cur))
            return err_set(err, ERR_NOMEM, "", "out of memory");
        snprintf(c->cur_key, sizeof(c->cur_key), "%s", r->key);
    }
    if (r->note[0] && json_object_set_new(c->cur, "note", json_string(r->note)))
        return err_set(err, ERR_NOMEM, "", "out of memory");
    if (json_array_append_new(json_object_get(c->cur, c->value_name), json_string(r->value)))
        return err_set(err, ERR_NOMEM, "", "out of memory");
    return 0;
}

static void links_list(struct api_req *req, struct api_resp *resp, enum catdata_link k,
                       const char *list_name, const char *value_name)
{
    struct links_ctx c = {json_array(), NULL, value_name, ""};
    const char *sku = api_req_query(req, "sku");
    struct db *db;
    struct err err;
    int rc;

    err_clear(&err);
    if (!c.list) {
        api_error_reply(resp, ERR_NOMEM, "", "out of memory");
        return;
    }
    db = api_db_acquire(req->ctx);
    rc = repo_catdata_links_each(db, k, sku, add_link, &c, &err);
    api_db_release(req->ctx);
    if (rc) {
        json_decref(c.list);
        api_err_reply(resp, &err);
        return;
    }
    api_json_reply(resp, 200, json_pack("{s:o}", list_name, c.list));
}

static void links_put(struct api_req *req, struct api_resp *resp, enum catdata_link k,
                      const char *value_name)
{
    const char *allowed[] = {value_name, "note", NULL};
    const char *values[LINK_VALUES_MAX], *note = NULL;
    json_t *arr, *jn, *v;
    char key[SKU_MAX];
    struct scope sc;
    size_t i, n;
    struct db *db;
    struct err err;
    int rc;

    err_clear(&err);
    db = api_db_acquire(req->ctx);
    rc = key_or_reply(req, resp, db, false, key);
    api_db_release(req->ctx);
    if (rc || api_fields_known_or_reply(req, resp, allowed))
        return;
    arr = json_object_get(req->body, value_name);
    jn = json_object_get(req->body, "note");
    if (!json_is_array(arr) || (n = json_array_size(arr)) > LINK_VALUES_MAX) {
        api_error_reply(resp, ERR_INVALID, value_name, "%s must be an array of at most %d "
                        "ids", value_name, LINK_VALUES_MAX);
        return;
    }
    json_array_foreach(arr, i, v) {
        if (!json_is_string(v)) {
            api_error_reply(resp, ERR_INVALID, value_name, "%s holds ids (strings)",
                            value_name);
            return;
        }
        values[i] = json_string_value(v);
    }
    if (jn && !(note = json_string_value(jn))) {
        api_error_reply(resp, ERR_INVALID, "note", "note must be a string");
        return;
    }
    db = api_db_acquire(req->ctx);
    rc = catalog_links_put(db, k, key, values, n, note, value_name, h_catalog_scope(req, &sc),
                           api_now(req->ctx), &err);
    api_db_release(req->ctx);
    if (rc) {
        h_catalog_err_reply(resp, &err);
        return;
    }
    api_json_reply(resp, 200, json_pack("{s:s, s:O, s:s?}", "sku", key, value_name, arr,
                                        "note", note && *note ? note : NULL));
}

/* Removes the data of one key (a catalog_*_delete); ctx is the deleter's own argument. */
typedef int (*key_deleter)(struct db *db, const void *ctx, const char *key,
                           const struct scope *sc, instant_t now, struct err *err);

/*
 * DELETE /v1/catalog/<kind>/{id}: the key checked (a product id when `product`, else a SKU),
 * deleted, and {"<key_name>": key, "deleted": true}; the deleter's error otherwise.
 */
static void delete_key(struct api_req *req, struct api_resp *resp, bool product,
                       const char *key_name, key_deleter del, const void *ctx)
{
    char key[SKU_MAX];
    struct scope sc;
    struct db *db;
    struct err err;
    int rc;

    err_clear(&err);
    db = api_db_acquire(req->ctx);
    rc = key_or_reply(req, resp, db, product, key);
    if (rc == 0)
        rc = del(db, ctx, key, h_catalog_scope(req, &sc), api_now(req->ctx), &err) ? -2 : 0;
    api_db_release(req->ctx);
    if (rc == -2)
        h_catalog_err_reply(resp, &err);
    else if (rc == 0)
        api_json_reply(resp, 200, json_pack("{s:s, s:b}", key_name, key, "deleted", 1));
}

static int delete_links(struct db *db, const void *k, const char *key, const struct scope *sc,
                        instant_t now, struct err *err)
{
    return catalog_links_delete(db, *(const enum catdata_link *)k, key, sc, now, err);
}

static void links_delete(struct api_req *req, struct api_resp *resp, enum catdata_link k)
{
    delete_key(req, resp, false, "sku", delete_links, &k);
}

void api_h_catalog_paths_list(struct api_req *req, struct api_resp *resp)
{
    links_list(req, resp, CATDATA_PATHS, "upgrade_paths", "targets");
}

void api_h_catalog_paths_put(struct api_req *req, struct api_resp *resp)
{
    links_put(req, resp, CATDATA_PATHS, "targets");
}

void api_h_catalog_paths_delete(struct api_req *req, struct api_resp *resp)
{
    links_delete(req, resp, CATDATA_PATHS);
}

void api_h_catalog_prereqs_list(struct api_req *req, struct api_resp *resp)
{
    links_list(req, resp, CATDATA_PREREQS, "prerequisites", "requires");
}

void api_h_catalog_prereqs_put(struct api_req *req, struct api_resp *resp)
{
    links_put(req, resp, CATDATA_PREREQS, "requires");
}

void api_h_catalog_prereqs_delete(struct api_req *req, struct api_resp *resp)
{
    links_delete(req, resp, CATDATA_PREREQS);
}

/* ---- EST rules ---- */

static json_t *est_json(const struct catdata_est_rule *r)
{
    return json_pack("{s:s, s:b, s:o, s:o, s:s?}", "product_id", r->product_id, "eligible",
                     r->eligible, "uplift_p1m", h_catalog_dec_json(r->uplift_p1m),
                     "uplift_fallback", h_catalog_dec_json(r->uplift_fallback), "note",
                     r->note[0] ? r->note : NULL);
}

static int add_est(void *ctx, const struct catdata_est_rule *r, struct err *err)
{
    json_t *o = est_json(r);

    if (!o || json_array_append_new(ctx, o))
        return err_set(err, ERR_NOMEM, "", "out of memory");
    return 0;
}

void api_h_catalog_est_list(struct api_req *req, struct api_resp *resp)
{
    json_t *list = json_array();
    struct db *db;
    struct err err;
    int rc;

    err_clear(&err);
    if (!list) {
        api_error_reply(resp, ERR_NOMEM, "", "out of memory");
        return;
    }
    db = api_db_acquire(req->ctx);
    rc = repo_catdata_est_each(db, add_est, list, &err);
    api_db_release(req->ctx);
    if (rc) {
        json_decref(list);
        api_err_reply(resp, &err);
        return;
    }
    api_json_reply(resp, 200, json_pack("{s:o, s:{s:b, s:s, s:s}}", "est_rules", list,
                                        "default", "eligible", 1, "uplift_p1m", "3",
                                        "uplift_fallback", "23"));
}

/* A percentage given as a decimal string (or a whole number); -1 after replying 422. */
static int percent_or_reply(struct api_req *req, struct api_resp *resp, const char *name,
                            int dflt, struct dec *out)
{
    json_t *v = json_object_get(req->body, name);
    struct err err;

    err_clear(&err);
    if (!v) {
        *out = dec_from_i64(dflt);
        return 0;
    }
    if (json_is_integer(v)) {
        *out = dec_from_i64(json_integer_value(v));
        return 0;
    }
    if (json_is_string(v) && dec_parse_cstr(json_string_value(v), out, &err) == 0)
        return 0;
    api_error_reply(resp, ERR_INVALID, name, "%s must be a percentage as a decimal string "
                    "(\"3\")", name);
    return -1;
}

void api_h_catalog_est_put(struct api_req *req, struct api_resp *resp)
{
    static const char *const allowed[] = {"eligible", "uplift_p1m", "uplift_fallback", "note",
                                          NULL};
    struct catdata_est_rule r;
    json_t *elig, *note;
    struct scope sc;
    struct db *db;
    struct err err;
    int rc;

    err_clear(&err);
    memset(&r, 0, sizeof(r));
    db = api_db_acquire(req->ctx);
    rc = key_or_reply(req, resp, db, true, r.product_id);
    api_db_release(req->ctx);
    if (rc || api_fields_known_or_reply(req, resp, allowed))
        return;
    elig = json_object_get(req->body, "eligible");
    note = json_object_get(req->body, "note");
    if (!json_is_boolean(elig)) {
        api_error_reply(resp, ERR_INVALID, "eligible", "eligible must be true or false");
        return;
    }
    r.eligible = json_is_true(elig);
    if (percent_or_reply(req, resp, "uplift_p1m", 3, &r.uplift_p1m) ||
        percent_or_reply(req, resp, "uplift_fallback", 23, &r.uplift_fallback))
        return;
    if (note && (!json_is_string(note) || json_string_length(note) >= sizeof(r.note))) {
        api_error_reply(resp, ERR_INVALID, "note", "note must be a string of at most %zu "
                        "bytes", sizeof(r.note) - 1);
        return;
    }
    if (note)
        snprintf(r.note, sizeof(r.note), "%s", json_string_value(note));
    db = api_db_acquire(req->ctx);
    rc = catalog_est_put(db, &r, h_catalog_scope(req, &sc), api_now(req->ctx), &err);
    api_db_release(req->ctx);
    if (rc) {
        h_catalog_err_reply(resp, &err);
        return;
    }
    api_json_reply(resp, 200, est_json(&r));
}

static int delete_est(struct db *db, const void *ctx, const char *key, const struct scope *sc,
                      instant_t now, struct err *err)
{
    (void)ctx;
    return catalog_est_delete(db, key, sc, now, err);
}

void api_h_catalog_est_delete(struct api_req *req, struct api_resp *resp)
{
    delete_key(req, resp, true, "product_id", delete_est, NULL);
}

/* ---- seat limits ---- */

static json_t *seats_json(const struct catdata_seat_limit *r)
{
    return json_pack("{s:s, s:i, s:o}", "sku", r->sku, "min_seats", (int)r->min_seats,
                     "max_seats", r->has_max ? json_integer(r->max_seats) : json_null());
}

static int add_seats(void *ctx, const struct catdata_seat_limit *r, struct err *err)
{
    json_t *o = seats_json(r);

    if (!o || json_array_append_new(ctx, o))
        return err_set(err, ERR_NOMEM, "", "out of memory");
    return 0;
}

void api_h_catalog_seats_list(struct api_req *req, struct api_resp *resp)
{
    json_t *list = json_array();
    struct db *db;
    struct err err;
    int rc;

    err_clear(&err);
    if (!list) {
        api_error_reply(resp, ERR_NOMEM, "", "out of memory");
        return;
    }
    db = api_db_acquire(req->ctx);
    rc = repo_catdata_seats_each(db, add_seats, list, &err);
    api_db_release(req->ctx);
    if (rc) {
        json_decref(list);
        api_err_reply(resp, &err);
        return;
    }
    api_json_reply(resp, 200, json_pack("{s:o}", "seat_limits", list));
}

void api_h_catalog_seats_put(struct api_req *req, struct api_resp *resp)
{
    static const char *const allowed[] = {"min_seats", "max_seats", NULL};
    struct catdata_seat_limit r;
    json_t *mn, *mx;
    struct scope sc;
    struct db *db;
    struct err err;
    int rc;

    err_clear(&err);
    memset(&r, 0, sizeof(r));
    db = api_db_acquire(req->ctx);
    rc = key_or_reply(req, resp, db, false, r.sku);
    api_db_release(req->ctx);
    if (rc || api_fields_known_or_reply(req, resp, allowed))
        return;
    mn = json_object_get(req->body, "min_seats");
    mx = json_object_get(req->body, "max_seats");
    if (!json_is_integer(mn) || json_integer_value(mn) < 1 ||
        json_integer_value(mn) > CATALOG_MAX_SEATS) {
        api_error_reply(resp, ERR_INVALID, "min_seats", "min_seats must be a whole number "
                        "from 1 to %d", CATALOG_MAX_SEATS);
        return;
    }
    if (mx && !json_is_null(mx) &&
        (!json_is_integer(mx) || json_integer_value(mx) < 1 ||
         json_integer_value(mx) > CATALOG_MAX_SEATS)) {
        api_error_reply(resp, ERR_INVALID, "max_seats", "max_seats must be null or a whole "
                        "number from 1 to %d", CATALOG_MAX_SEATS);
        return;
    }
    r.min_seats = (int32_t)json_integer_value(mn);
    r.has_max = mx && !json_is_null(mx);
    r.max_seats = r.has_max ? (int32_t)json_integer_value(mx) : 0;
    db = api_db_acquire(req->ctx);
    rc = catalog_seats_put(db, &r, h_catalog_scope(req, &sc), api_now(req->ctx), &err);
    api_db_release(req->ctx);
    if (rc) {
        h_catalog_err_reply(resp, &err);
        return;
    }
    api_json_reply(resp, 200, seats_json(&r));
}

static int delete_seats(struct db *db, const void *ctx, const char *key,
                        const struct scope *sc, instant_t now, struct err *err)
{
    (void)ctx;
    return catalog_seats_delete(db, key, sc, now, err);
}

void api_h_catalog_seats_delete(struct api_req *req, struct api_resp *resp)
{
    delete_key(req, resp, false, "sku", delete_seats, NULL);
}
