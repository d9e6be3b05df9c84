/*
 * svc/catalog_data.c — editing catalog data one key at a time (the API's PUT and DELETE under
 * /v1/catalog/...), the EST rule of a SKU, and the order check against prerequisites and seat
 * limits (see catalog_data.h).
 *
 * Each edit is one transaction: validate, write, one audit row ("catalog.<kind>.put" or
 * ".delete", the new values as JSON), commit. Keys must name something the catalog knows
 * (imported from a price list): an edit of an unknown SKU or product family is ERR_NOT_FOUND,
 * which is what the API's 404 says. Bulk loads (catalog_data_load.c) are laxer: they count
 * unknown ids instead, so the data files can be loaded before the first price list.
 */
#include "svc/catalog_data.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/currency.h"
#include "store/repo_catalog.h"
#include "svc/audit.h"

static int audit_edit(struct db *db, const struct scope *scope, const char *action,
                      const char *type, const char *id, json_t *after, instant_t now,
                      struct err *err)
{
    struct audit_entry e = {.action = action, .object_type = type, .object_id = id, .at = now};
    struct scope installation;
    char *text = after ? json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    int rc;

    json_decref(after);
    e.after_json = text;
    if (!scope)
        scope_init_installation(&installation);
    rc = audit_write(db, scope ? scope : &installation, &e, err);
    free(text);
    return rc;
}

static int need_sku(struct db *db, const char *sku, const char *field, enum err_code code,
                    struct err *err)
{
    bool known;

    if (repo_catdata_sku_known(db, sku, &known, err))
        return -1;
    if (!known)
        return err_set(err, code, field, "the catalog has no SKU %s (import a price list "
                       "that lists it first)", sku);
    return 0;
}

static int need_product(struct db *db, const char *pid, const char *field, enum err_code code,
                        struct err *err)
{
    bool known;

    if (repo_catdata_product_known(db, pid, &known, err))
        return -1;
    if (!known)
        return err_set(err, code, field, "the catalog has no product %s (import a price list "
                       "that lists it first)", pid);
    return 0;
}

static const char *link_name(enum catdata_link k)
{
    return k == CATDATA_PATHS ? "upgrade_paths" : "prerequisites";
}

int catalog_links_put(struct db *db, enum catdata_link k, const char *key,
                      const char *const *values, size_t n, const char *note, const char *field,
                      const struct scope *scope, instant_t now, struct err *err)
{
    struct catdata_link_row r;
    char action[64];
    json_t *list = json_array();
    int rc = -1;

    if (!list)
        return err_set(err, ERR_NOMEM, "", "out of memory");
    memset(&r, 0, sizeof(r));
    if (catalog_sku_parse(key, "sku", r.key, err))
        goto out;
    if (note && strlen(note) >= sizeof(r.note)) {
        err_set(err, ERR_INVALID, "note", "note is longer than %zu bytes", sizeof(r.note) - 1);
        goto out;
    }
    snprintf(r.note, sizeof(r.note), "%s", note ? note : "");
    if (db_begin(db, err) || need_sku(db, r.key, "sku", ERR_NOT_FOUND, err) ||
        repo_catdata_links_delete(db, k, r.key, NULL, err))
        goto out;
    for (size_t i = 0; i < n; i++) {
        bool sku = k == CATDATA_PATHS || strchr(values[i], ':') || strchr(values[i], '/');

        if ((sku ? catalog_sku_parse(values[i], field, r.value, err)
                 : catalog_product_parse(values[i], field, r.value, err)) ||
            (sku ? need_sku(db, r.value, field, ERR_INVALID, err)
                 : need_product(db, r.value, field, ERR_INVALID, err)))
            goto out;
        if (strcmp(r.value, r.key) == 0) {
            err_set(err, ERR_INVALID, field, "%s names the SKU itself", r.value);
            goto out;
        }
        if (repo_catdata_link_insert(db, k, &r, now, err) ||
            json_array_append_new(list, json_string(r.value)))
            goto out;
    }
    snprintf(action, sizeof(action), "catalog.%s.put", link_name(k));
    rc = audit_edit(db, scope, action, link_name(k), r.key,
                    json_pack("{s:O}", "values", list), now, err) || db_commit(db, err) ? -1 : 0;
out:
    db_rollback(db);
    json_decref(list);
    return rc;
}

int catalog_links_delete(struct db *db, enum catdata_link k, const char *key,
                         const struct scope *scope, instant_t now, struct err *err)
{
    char sku[SKU_MAX], action[64];
    int64_t removed = 0;
    int rc = -1;

    if (catalog_sku_parse(key, "sku", sku, err))
        return err->code = ERR_NOT_FOUND, -1;
    if (db_begin(db, err) || repo_catdata_links_delete(db, k, sku, &removed, err))
        goto out;
    if (removed == 0) {
        err_set(err, ERR_NOT_FOUND, "sku", "%s has no %s", sku,
                k == CATDATA_PATHS ? "upgrade paths" : "prerequisites");
        goto out;
    }
    snprintf(action, sizeof(action), "catalog.%s.delete", link_name(k));
    rc = audit_edit(db, scope, action, link_name(k), sku, NULL, now, err) ||
                 db_commit(db, err) ? -1 : 0;
out:
    db_rollback(db);
    return rc;
}

static json_t *dec_json(struct dec d)
{
    char buf[DEC_STRLEN];

    dec_format(d, buf);
    return json_string(buf);
}

static int check_percent(struct dec d, const char *field, struct err *err)
{
    if (dec_is_neg(d) || dec_cmp(d, dec_from_i64(100)) > 0)
        return err_set(err, ERR_INVALID, field, "%s is a percentage between 0 and 100", field);
    return 0;
}

int catalog_est_put(struct db *db, const struct catdata_est_rule *in, const struct scope *scope,
                    instant_t now, struct err *err)
{
    struct catdata_est_rule r = *in;
    int rc = -1;

    if (catalog_product_parse(in->product_id, "product_id", r.product_id, err) ||
        check_percent(r.uplift_p1m, "uplift_p1m", err) ||
        check_percent(r.uplift_fallback, "uplift_fallback", err))
        return -1;
    if (db_begin(db, err) || need_product(db, r.product_id, "product_id", ERR_NOT_FOUND, err) ||
        repo_catdata_est_put(db, &r, now, err))
        goto out;
    rc = audit_edit(db, scope, "catalog.est.put", "est_rule", r.product_id,
                    json_pack("{s:b, s:o, s:o, s:s}", "eligible", r.eligible, "uplift_p1m",
                              dec_json(r.uplift_p1m), "uplift_fallback",
                              dec_json(r.uplift_fallback), "note", r.note),
                    now, err) || db_commit(db, err) ? -1 : 0;
out:
    db_rollback(db);
    return rc;
}

int catalog_est_delete(struct db *db, const char *product_id, const struct scope *scope,
                       instant_t now, struct err *err)
{
    bool found;
    int rc = -1;

    if (db_begin(db, err) || repo_catdata_est_delete(db, product_id, &found, err))
        goto out;
    if (!found) {
        err_set(err, ERR_NOT_FOUND, "product_id", "product %s has no EST rule", product_id);
        goto out;
    }
    rc = audit_edit(db, scope, "catalog.est.delete", "est_rule", product_id, NULL, now, err) ||
                 db_commit(db, err) ? -1 : 0;
out:
    db_rollback(db);
    return rc;
}

/* nce-rules Part A 11: 3 % over the P1M price, 23 % over the P1Y monthly price without one. */
int catalog_est_rule_for(struct db *db, const char *sku, struct catdata_est_rule *r,
                         bool *is_default, struct err *err)
{
    const char *colon = strchr(sku, ':');
    size_t n = colon ? (size_t)(colon - sku) : strlen(sku);
    char pid[SKU_MAX];
    bool found;

    snprintf(pid, sizeof(pid), "%.*s", (int)(n < SKU_MAX ? n : SKU_MAX - 1), sku);
    if (repo_catdata_est_get(db, pid, &found, r, err))
        return -1;
    *is_default = !found;
    if (!found) {
        memset(r, 0, sizeof(*r));
        snprintf(r->product_id, sizeof(r->product_id), "%s", pid);
        r->eligible = true;
        r->uplift_p1m = dec_from_i64(3);
        r->uplift_fallback = dec_from_i64(23);
    }
    return 0;
}

int catalog_seats_put(struct db *db, const struct catdata_seat_limit *in,
                      const struct scope *scope, instant_t now, struct err *err)
{
    struct catdata_seat_limit r = *in;
    int rc = -1;

    if (catalog_sku_parse(in->sku, "sku", r.sku, err))
        return -1;
    if (r.min_seats < 1 || r.min_seats > CATALOG_MAX_SEATS)
        return err_set(err, ERR_INVALID, "min_seats", "min_seats is between 1 and %d",
                       CATALOG_MAX_SEATS);
    if (r.has_max && (r.max_seats < r.min_seats || r.max_seats > CATALOG_MAX_SEATS))
        return err_set(err, ERR_INVALID, "max_seats", "max_seats is between min_seats (%d) "
                       "and %d", r.min_seats, CATALOG_MAX_SEATS);
    if (db_begin(db, err) || need_sku(db, r.sku, "sku", ERR_NOT_FOUND, err) ||
        repo_catdata_seats_put(db, &r, now, err))
        goto out;
    rc = audit_edit(db, scope, "catalog.seat_limits.put", "seat_limit", r.sku,
                    json_pack("{s:i, s:o}", "min_seats", (int)r.min_seats, "max_seats",
                              r.has_max ? json_integer(r.max_seats) : json_null()),
                    now, err) || db_commit(db, err) ? -1 : 0;
out:
    db_rollback(db);
    return rc;
}

int catalog_seats_delete(struct db *db, const char *sku, const struct scope *scope,
                         instant_t now, struct err *err)
{
    bool found;
    int rc = -1;

    if (db_begin(db, err) || repo_catdata_seats_delete(db, sku, &found, err))
        goto out;
    if (!found) {
        err_set(err, ERR_NOT_FOUND, "sku", "%s has no seat limits", sku);
        goto out;
    }
    rc = audit_edit(db, scope, "catalog.seat_limits.delete", "seat_limit", sku, NULL, now,
                    err) || db_commit(db, err) ? -1 : 0;
out:
    db_rollback(db);
    return rc;
}

int catalog_rate_put(struct db *db, const struct fx_rate *r, const struct scope *scope,
                     instant_t now, struct err *err)
{
    char day[DATE_STRLEN], id[32];
    int rc = -1;

    if (!currency_is_known(r->from))
        return err_set(err, ERR_INVALID, "from", "'%s' is not an ISO 4217 currency cspd "
                       "knows", r->from);
    if (!currency_is_known(r->to))
        return err_set(err, ERR_INVALID, "to", "'%s' is not an ISO 4217 currency cspd knows",
                       r->to);
    if (strcmp(r->from, r->to) == 0)
        return err_set(err, ERR_INVALID, "to", "from and to are the same currency");
    if (dec_is_neg(r->rate) || dec_is_zero(r->rate))
        return err_set(err, ERR_INVALID, "rate", "rate must be above zero");
    date_format(r->effective_from, day);
    snprintf(id, sizeof(id), "%s>%s@%s", r->from, r->to, day);
    if (db_begin(db, err) || repo_catalog_add_rate(db, r, err))
        goto out;
    rc = audit_edit(db, scope, "catalog.exchange_rate.put", "exchange_rate", id,
                    json_pack("{s:s, s:s, s:o, s:s}", "from", r->from, "to", r->to, "rate",
                              dec_json(r->rate), "effective_from", day),
                    now, err) || db_commit(db, err) ? -1 : 0;
out:
    db_rollback(db);
    return rc;
}

struct holds_ctx {
    struct db *db;
    const char *customer_id;
    bool holds;
    size_t n;
    char names[160];
};

static int check_prereq(void *ctx, const struct catdata_link_row *r, struct err *err)
{
    struct holds_ctx *h = ctx;
    size_t len = strlen(h->names);
    bool yes = false;

    if (h->holds)
        return 0;
    if (repo_catdata_customer_holds(h->db, h->customer_id, r->value, &yes, err))
        return -1;
    h->holds = yes;
    if (len + strlen(r->value) + 3 < sizeof(h->names))
        snprintf(h->names + len, sizeof(h->names) - len, "%s%s", h->n ? ", " : "", r->value);
    h->n++;
    return 0;
}

int catalog_check_order(struct db *db, const char *customer_id, const char *sku,
                        int32_t quantity, struct err *err)
{
    struct catdata_seat_limit lim;
    struct holds_ctx h = {db, customer_id, false, 0, ""};
    bool found;

    if (repo_catdata_seats_get(db, sku, &found, &lim, err))
        return -1;
    if (found && quantity < lim.min_seats)
        return err_refuse(err, "below_seat_minimum", "quantity", "%s needs at least %d seats "
                          "(%d ordered)", sku, lim.min_seats, quantity);
    if (found && lim.has_max && quantity > lim.max_seats)
        return err_refuse(err, "above_seat_maximum", "quantity", "%s allows at most %d seats "
                          "(%d ordered)", sku, lim.max_seats, quantity);
    if (repo_catdata_links_each(db, CATDATA_PREREQS, sku, check_prereq, &h, err))
        return -1;
    if (h.n && !h.holds)
        return err_refuse(err, "base_license_required", "sku", "%s needs an eligible base "
                          "licence: the customer holds no active subscription of %s", sku,
                          h.names);
    return 0;
}
