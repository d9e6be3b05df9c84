/*
 * svc/invoice_rules.c — margin rule use cases (invoice_rules.h): parse the JSON document once
 * for both edges, check scope and target, check below cost against the price list, write,
 * audit, commit.
 *
 * Workload: rules change a few times a month per seller; the below-cost check of a rule
 * limited to nothing reads every price row in effect on its first day (a price list is a few
 * ten thousand rows), which is fine at that rate.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/currency.h"
#include "core/id.h"
#include "store/repo_margin.h"
#include "svc/invoice_rules.h"

static const char *const rule_fields[] = {
    "seller_id", "level", "target_id", "product_id", "sku", "kind", "value", "currency",
    "effective_from", "effective_to", "allow_below_cost", "note", NULL};

json_t *margin_rule_to_json(const struct margin_rule *r)
{
    char v[DEC_STRLEN], f[DATE_STRLEN], t[DATE_STRLEN];

    dec_format(r->value, v);
    date_format(r->from, f);
    if (r->has_to)
        date_format(r->to, t);
    return json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:s, s:s, s:o, s:s, s:o, s:b}", "id",
                     r->id, "seller_id", r->seller_id, "level", margin_level_name(r->level),
                     "target_id", r->target_id[0] ? json_string(r->target_id) : json_null(),
                     "product_id", r->product_id[0] ? json_string(r->product_id) : json_null(),
                     "sku", r->sku[0] ? json_string(r->sku) : json_null(), "kind",
                     margin_kind_name(r->kind), "value", v, "currency",
                     r->currency[0] ? json_string(r->currency) : json_null(),
                     "effective_from", f, "effective_to",
                     r->has_to ? json_string(t) : json_null(), "allow_below_cost",
                     r->allow_below_cost);
}

static char *rule_text(const struct margin_rule *r)
{
    json_t *j = margin_rule_to_json(r);
    char *s = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;

    json_decref(j);
    return s;
}

/* ---- the document ---------------------------------------------------------------------- */

/* A string field (NULL and *present false when absent; null counts as present and ""). */
static int str_field(const json_t *in, const char *name, char *buf, size_t cap, bool *present,
                     struct err *err)
{
    json_t *v = json_object_get(in, name);

    *present = v != NULL;
    if (!v || json_is_null(v)) {
        if (v)
            buf[0] = '\0';
        return 0;
    }
    if (!json_is_string(v))
        return err_set(err, ERR_INVALID, name, "'%s' must be a string", name);
    if (json_string_length(v) >= cap)
        return err_set(err, ERR_INVALID, name, "'%s' is too long", name);
    snprintf(buf, cap, "%s", json_string_value(v));
    return 0;
}

static int date_field(const json_t *in, const char *name, struct date *d, bool *has,
                      bool *present, struct err *err)
{
    char buf[DATE_STRLEN + 1];
    struct err e;

    if (str_field(in, name, buf, sizeof(buf), present, err) < 0)
        return -1;
    if (!*present)
        return 0;
    *has = buf[0] != '\0';
    if (*has && date_parse_cstr(buf, d, &e) < 0)
        return err_set(err, ERR_INVALID, name, "'%s' must be a date YYYY-MM-DD", name);
    return 0;
}

/* Apply the fields present in `in` to *r. */
static int apply(struct margin_rule *r, const json_t *in, bool creating, char *note,
                 size_t note_cap, struct err *err)
{
    char buf[64];
    bool present, has;
    const char *key;
    json_t *v;

    json_object_foreach((json_t *)in, key, v) {
        bool known = false;

        for (size_t i = 0; rule_fields[i]; i++)
            known = known || strcmp(key, rule_fields[i]) == 0;
        if (!known || (!creating && strcmp(key, "seller_id") == 0))
            return err_set(err, ERR_INVALID, key, "unknown or unchangeable field '%s'", key);
    }
    if (str_field(in, "seller_id", r->seller_id, sizeof(r->seller_id), &present, err) < 0 ||
        str_field(in, "level", buf, sizeof(buf), &present, err) < 0)
        return -1;
    if (present && margin_level_from_name(buf, &r->level) < 0)
        return err_set(err, ERR_INVALID, "level",
                       "level must be subscription, customer, reseller or partner");
    if (str_field(in, "target_id", r->target_id, sizeof(r->target_id), &present, err) < 0 ||
        str_field(in, "product_id", r->product_id, sizeof(r->product_id), &present, err) < 0 ||
        str_field(in, "sku", r->sku, sizeof(r->sku), &present, err) < 0 ||
        str_field(in, "kind", buf, sizeof(buf), &present, err) < 0)
        return -1;
    if (present && margin_kind_from_name(buf, &r->kind) < 0)
        return err_set(err, ERR_INVALID, "kind", "kind must be markup, discount or fixed");
    v = json_object_get(in, "value");
    if (v) {
        struct err e;

        if (json_is_integer(v))
            r->value = dec_from_i64((int64_t)json_integer_value(v));
        else if (!json_is_string(v) || dec_parse_cstr(json_string_value(v), &r->value, &e) < 0)
            return err_set(err, ERR_INVALID, "value", "value must be a decimal string");
    } else if (creating) {
        return err_set(err, ERR_INVALID, "value", "value is required");
    }
    if (str_field(in, "currency", r->currency, sizeof(r->currency), &present, err) < 0)
        return -1;
    if (present && r->currency[0] && !currency_is_known(r->currency))
        return err_set(err, ERR_INVALID, "currency", "unknown currency '%s'", r->currency);
    if (date_field(in, "effective_from", &r->from, &has, &present, err) < 0)
        return -1;
    if (present && !has)
        return err_set(err, ERR_INVALID, "effective_from", "effective_from cannot be empty");
    if (date_field(in, "effective_to", &r->to, &r->has_to, &present, err) < 0)
        return -1;
    v = json_object_get(in, "allow_below_cost");
    if (v) {
        if (!json_is_boolean(v))
            return err_set(err, ERR_INVALID, "allow_below_cost",
                           "allow_below_cost must be true or false");
        r->allow_below_cost = json_is_true(v);
    }
    if (note && str_field(in, "note", note, note_cap, &present, err) < 0)
        return -1;
    if (r->kind != MARGIN_FIXED)
        r->currency[0] = '\0';
    return 0;
}

/* ---- below cost ------------------------------------------------------------------------ */

struct below {
    const struct margin_rule *rule;
    bool found;
    char sku[SKU_MAX];
    struct dec price, cost;
    char ccy[CCY_MAX];
};

static int check_row(void *ctx, const char *sku, const struct price_base *b)
{
    struct below *bl = ctx;
    struct err e;
    bool below;
    char ccy[CCY_MAX];

    if (bl->found || (bl->rule->kind == MARGIN_DISCOUNT && !b->has_erp))
        return 0;
    if (margin_rule_below_cost(bl->rule, b, &below, &e) < 0 || !below)
        return 0;
    bl->found = true;
    snprintf(bl->sku, sizeof(bl->sku), "%s", sku);
    bl->cost = b->cost_unit;
    snprintf(bl->ccy, sizeof(bl->ccy), "%s", b->cost_ccy);
    if (margin_unit_price(bl->rule, b, &bl->price, ccy, &e) < 0)
        bl->price = dec_zero();
    return 0;
}

/* Validate, then check below cost: refuse, or alert when allowed. */
static int check_rule(const struct bill_ctx *ctx, const struct margin_rule *r, instant_t now,
                      bool alert, struct err *err)
{
    struct below bl;
    char price[DEC_STRLEN], cost[DEC_STRLEN];
    json_t *o;
    char *s;
    int rc;

    if (margin_rule_validate(r, err) < 0)
        return -1;
    memset(&bl, 0, sizeof(bl));
    bl.rule = r;
    if (r->kind == MARGIN_MARKUP) {
        bl.found = dec_is_neg(r->value);
    } else if (repo_margin_price_each(ctx->db, r->product_id, r->sku, r->from, check_row, &bl,
                                      err) < 0) {
        return -1;
    }
    if (!bl.found)
        return 0;
    dec_format(bl.price, price);
    dec_format(bl.cost, cost);
    if (!r->allow_below_cost) {
        if (r->kind == MARGIN_MARKUP)
            return err_refuse(err, "below_cost", "allow_below_cost",
                              "a negative markup sells below cost; set allow_below_cost");
        return err_refuse(err, "below_cost", "allow_below_cost",
                          "the rule sells %s at %s %s, below Microsoft's price %s; set "
                          "allow_below_cost to accept it", bl.sku, price, bl.ccy, cost);
    }
    if (!alert)
        return 0;
    o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "kind", "margin_rule", "rule_id",
                  r->id, "seller_id", r->seller_id, "sku", bl.sku, "price", price, "cost",
                  cost, "currency", bl.ccy);
    s = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (!s)
        return err_set(err, ERR_NOMEM, "", "out of memory for an alert");
    rc = bill_outbox(ctx->db, "alert.below_cost", s, now, err);
    free(s);
    return rc;
}

static const struct scope *scope_of(const struct bill_ctx *ctx, struct scope *buf)
{
    if (ctx->scope)
        return ctx->scope;
    scope_init_installation(buf);
    return buf;
}

/* Who may write the seller's rules; the target must be in the seller's book. */
static int check_access(const struct bill_ctx *ctx, const struct margin_rule *r,
                        struct err *err)
{
    struct scope buf;
    const struct scope *sc = scope_of(ctx, &buf);
    bool ok;

    if (sc->kind == SCOPE_CUSTOMER)
        return err_set(err, ERR_FORBIDDEN, "", "customers do not set margin rules");
    if (!r->seller_id[0])
        return err_set(err, ERR_INVALID, "seller_id", "seller_id is required");
    if (sc->kind == SCOPE_PARTNER && strcmp(sc->partner_id, r->seller_id) != 0)
        return err_set(err, ERR_NOT_FOUND, "seller_id", "no partner %s", r->seller_id);
    if (sc->kind == SCOPE_INSTALLATION) {
        struct db_stmt *st = NULL;
        int step;

        if (db_prepare(ctx->db, "SELECT 1 FROM partners WHERE id = ?", &st, err) < 0)
            return -1;
        step = db_bind_text(st, 1, r->seller_id, err) < 0 ? -1 : db_step(st, err);
        db_finalize(st);
        if (step < 0)
            return -1;
        if (step != DB_ROW)
            return err_set(err, ERR_INVALID, "seller_id", "no partner %s", r->seller_id);
    }
    if (r->level != MARGIN_LEVEL_PARTNER && r->target_id[0]) {
        if (repo_margin_target_ok(ctx->db, r->seller_id, r->level, r->target_id, &ok, err) < 0)
            return -1;
        if (!ok)
            return err_set(err, ERR_INVALID, "target_id", "%s %s is not in %s's book",
                           margin_level_name(r->level), r->target_id, r->seller_id);
    }
    return 0;
}

/* ---- use cases ------------------------------------------------------------------------- */

int margin_rules_list(struct db *db, const struct scope *sc, const char *seller_id,
                      int (*fn)(void *ctx, const struct margin_rule *r), void *ctx,
                      struct err *err)
{
    return repo_margin_each(db, sc, seller_id, fn, ctx, err);
}

int margin_rule_read(struct db *db, const struct scope *sc, const char *id,
                     struct margin_rule *out, struct err *err)
{
    return repo_margin_get_in(db, sc, id, out, err);
}

/* Commit with the audit row, or roll back; frees the JSON texts. */
static int finish(const struct bill_ctx *ctx, int rc, instant_t now, const char *action,
                  const struct margin_rule *r, char *before, char *after, struct err *err)
{
    if (rc == 0 && (before || after || strcmp(action, "margin_rule.delete") == 0))
        rc = bill_audit(ctx, now, action, "margin_rule", r->id, r->seller_id, before, after,
                        err);
    free(before);
    free(after);
    if (rc == 0)
        return db_commit(ctx->db, err);
    db_rollback(ctx->db);
    return -1;
}

int margin_rule_create(const struct bill_ctx *ctx, const json_t *in, instant_t now,
                       struct margin_rule *out, struct err *err)
{
    struct margin_rule r;
    char note[256] = "";
    char *after = NULL;
    int rc;

    memset(&r, 0, sizeof(r));
    r.level = MARGIN_LEVEL_PARTNER;
    r.from = instant_date(now);
    if (!json_is_object(in))
        return err_set(err, ERR_INVALID, "", "a margin rule is a JSON object");
    if (ctx->scope && ctx->scope->kind == SCOPE_PARTNER)
        snprintf(r.seller_id, sizeof(r.seller_id), "%s", ctx->scope->partner_id);
    if (!json_object_get(in, "kind"))
        return err_set(err, ERR_INVALID, "kind", "kind is required (markup, discount, fixed)");
    if (apply(&r, in, true, note, sizeof(note), err) < 0)
        return -1;
    if (db_begin(ctx->db, err) < 0)
        return -1;
    rc = check_access(ctx, &r, err);
    if (rc == 0)
        rc = margin_rule_validate(&r, err);
    if (rc == 0) /* first, so the alert names the rule's id; a refusal rolls it back */
        rc = repo_margin_insert(ctx->db, &r, note[0] ? note : NULL, now, err);
    if (rc == 0)
        rc = check_rule(ctx, &r, now, true, err);
    if (rc == 0 && !(after = rule_text(&r)))
        rc = err_set(err, ERR_NOMEM, "", "out of memory for the audit log");
    if (finish(ctx, rc, now, "margin_rule.create", &r, NULL, after, err) < 0)
        return -1;
    *out = r;
    return 0;
}

static bool pricing_changed(const struct margin_rule *a, const struct margin_rule *b)
{
    return a->level != b->level || strcmp(a->target_id, b->target_id) != 0 ||
           strcmp(a->product_id, b->product_id) != 0 || strcmp(a->sku, b->sku) != 0 ||
           a->kind != b->kind || dec_cmp(a->value, b->value) != 0 ||
           strcmp(a->currency, b->currency) != 0 || date_cmp(a->from, b->from) != 0;
}

static int change(const struct bill_ctx *ctx, const char *id, const json_t *patch,
                  const struct date *end, instant_t now, struct margin_rule *out,
                  struct err *err)
{
    struct scope buf;
    struct margin_rule old, r;
    struct date first, last;
    char *before = NULL, *after = NULL;
    bool used;
    int rc;

    if (patch && !json_is_object(patch))
        return err_set(err, ERR_INVALID, "", "a change is a JSON object");
    if (db_begin(ctx->db, err) < 0)
        return -1;
    rc = repo_margin_get_in(ctx->db, scope_of(ctx, &buf), id, &old, err);
    r = old;
    if (rc == 0 && patch)
        rc = apply(&r, patch, false, NULL, 0, err);
    if (rc == 0 && end) {
        r.has_to = true;
        r.to = *end;
    }
    if (rc == 0)
        rc = check_access(ctx, &r, err);
    if (rc == 0)
        rc = repo_margin_usage(ctx->db, r.id, &used, &first, &last, err);
    if (rc == 0 && used && pricing_changed(&old, &r))
        rc = err_set_(err, __func__, __LINE__, ERR_CONFLICT, "rule_in_use", "id",
                      "rule %s has priced billed lines; end it and add a new rule instead",
                      r.id);
    if (rc == 0 && used && r.has_to && date_cmp(r.to, last) < 0)
        rc = err_set_(err, __func__, __LINE__, ERR_CONFLICT, "rule_in_use", "effective_to",
                      "rule %s priced lines up to %04d-%02d-%02d; it cannot end before",
                      r.id, last.year, last.month, last.day);
    if (rc == 0)
        rc = check_rule(ctx, &r, now, pricing_changed(&old, &r) ||
                        (r.allow_below_cost && !old.allow_below_cost), err);
    if (rc == 0)
        rc = repo_margin_update(ctx->db, &r, now, err);
    if (rc == 0 && (!(before = rule_text(&old)) || !(after = rule_text(&r))))
        rc = err_set(err, ERR_NOMEM, "", "out of memory for the audit log");
    if (finish(ctx, rc, now, "margin_rule.update", &r, before, after, err) < 0)
        return -1;
    *out = r;
    return 0;
}

int margin_rule_update(const struct bill_ctx *ctx, const char *id, const json_t *patch,
                       instant_t now, struct margin_rule *out, struct err *err)
{
    return change(ctx, id, patch, NULL, now, out, err);
}

int margin_rule_end(const struct bill_ctx *ctx, const char *id, struct date to, instant_t now,
                    struct margin_rule *out, struct err *err)
{
    return change(ctx, id, NULL, &to, now, out, err);
}

int margin_rule_delete(const struct bill_ctx *ctx, const char *id, instant_t now,
                       struct err *err)
{
    struct scope buf;
    struct margin_rule r;
    struct date first, last;
    char *before = NULL;
    bool used;
    int rc;

    if (db_begin(ctx->db, err) < 0)
        return -1;
    rc = repo_margin_get_in(ctx->db, scope_of(ctx, &buf), id, &r, err);
    if (rc == 0 && ctx->scope && ctx->scope->kind == SCOPE_PARTNER &&
        strcmp(ctx->scope->partner_id, r.seller_id) != 0)
        rc = err_set(err, ERR_NOT_FOUND, "id", "no margin rule %s", id);
    if (rc == 0)
        rc = repo_margin_usage(ctx->db, r.id, &used, &first, &last, err);
    if (rc == 0 && used)
        rc = err_set_(err, __func__, __LINE__, ERR_CONFLICT, "rule_in_use", "id",
                      "rule %s has priced billed lines; end it instead (effective_to)", r.id);
    if (rc == 0)
        rc = repo_margin_delete(ctx->db, r.id, err);
    if (rc == 0 && !(before = rule_text(&r)))
        rc = err_set(err, ERR_NOMEM, "", "out of memory for the audit log");
    return finish(ctx, rc, now, "margin_rule.delete", &r, before, NULL, err);
}
