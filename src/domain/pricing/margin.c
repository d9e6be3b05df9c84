/*
 * domain/pricing/margin.c — margin rules: validation, matching, precedence and the unit price a
 * rule gives (pricing.h states the rules; docs/billing.md the operator's view).
 *
 * Workload: a seller has tens to a few thousand rules (the bench book: ~170 customer-level
 * rules per reseller at 1/10 scale, ~1,700 at full scale); a month of a large book is ~10^6
 * lines. margin_rule_select scans every rule (the API's checks and the tests); the close sorts
 * a seller's rules once by (level, target) and selects per line among the few rules whose
 * target is the line's subscription, customer or reseller plus the partner-wide ones
 * (margin_rule_select_sorted), so a line costs a few binary searches, not 10^3 comparisons.
 * Both give the same rule: precedence is a total order (level, scope, date, id).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/currency.h"
#include "domain/pricing/pricing.h"

static const char *const level_names[] = {"subscription", "customer", "reseller", "partner"};
static const char *const kind_names[] = {"markup", "discount", "fixed"};

const char *margin_level_name(enum margin_level l)
{
    return (unsigned)l < 4 ? level_names[l] : "partner";
}

int margin_level_from_name(const char *s, enum margin_level *out)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(s, level_names[i]) == 0) {
            *out = (enum margin_level)i;
            return 0;
        }
    return -1;
}

const char *margin_kind_name(enum margin_kind k)
{
    return (unsigned)k < 3 ? kind_names[k] : "markup";
}

int margin_kind_from_name(const char *s, enum margin_kind *out)
{
    for (int i = 0; i < 3; i++)
        if (strcmp(s, kind_names[i]) == 0) {
            *out = (enum margin_kind)i;
            return 0;
        }
    return -1;
}

void pricing_product_of(const char *sku, char out[SKU_MAX])
{
    const char *colon = strchr(sku, ':');
    size_t n = colon ? (size_t)(colon - sku) : strlen(sku);

    if (n >= SKU_MAX)
        n = SKU_MAX - 1;
    memcpy(out, sku, n);
    out[n] = '\0';
}

int margin_rule_validate(const struct margin_rule *r, struct err *err)
{
    char prod[SKU_MAX];

    if (r->level == MARGIN_LEVEL_PARTNER && r->target_id[0])
        return err_set(err, ERR_INVALID, "target_id", "a partner-wide rule has no target");
    if (r->level != MARGIN_LEVEL_PARTNER && !r->target_id[0])
        return err_set(err, ERR_INVALID, "target_id", "a %s rule needs a target id",
                       margin_level_name(r->level));
    if (r->sku[0] && r->product_id[0]) {
        pricing_product_of(r->sku, prod);
        if (strcmp(prod, r->product_id) != 0)
            return err_set(err, ERR_INVALID, "sku", "SKU %s is not in product %s", r->sku,
                           r->product_id);
    }
    if (r->has_to && date_cmp(r->to, r->from) < 0)
        return err_set(err, ERR_INVALID, "effective_to", "effective_to is before effective_from");
    switch (r->kind) {
    case MARGIN_MARKUP:
        if (dec_cmp(r->value, dec_from_i64(-100)) <= 0)
            return err_set(err, ERR_INVALID, "value", "a markup must be above -100%%");
        if (dec_is_neg(r->value) && !r->allow_below_cost)
            return err_refuse(err, "below_cost", "allow_below_cost",
                              "a negative markup sells below cost; set allow_below_cost");
        break;
    case MARGIN_DISCOUNT:
        if (dec_is_neg(r->value) || dec_cmp(r->value, dec_from_i64(100)) > 0)
            return err_set(err, ERR_INVALID, "value", "a discount is between 0 and 100%%");
        break;
    case MARGIN_FIXED:
        if (dec_is_neg(r->value))
            return err_set(err, ERR_INVALID, "value", "a fixed unit price cannot be negative");
        if (!currency_is_known(r->currency))
            return err_set(err, ERR_INVALID, "currency", "a fixed price needs its currency");
        break;
    default:
        return err_set(err, ERR_INVALID, "kind", "unknown rule kind");
    }
    return 0;
}

static bool target_matches(const struct margin_rule *r, const struct pricing_subject *s)
{
    const char *want = NULL;

    switch (r->level) {
    case MARGIN_LEVEL_SUBSCRIPTION: want = s->subscription_id; break;
    case MARGIN_LEVEL_CUSTOMER: want = s->customer_id; break;
    case MARGIN_LEVEL_RESELLER: want = s->reseller_id; break;
    case MARGIN_LEVEL_PARTNER: return true;
    }
    return want && want[0] && strcmp(want, r->target_id) == 0;
}

bool margin_rule_matches(const struct margin_rule *r, const struct pricing_subject *s)
{
    char prod[SKU_MAX];

    if (date_cmp(s->day, r->from) < 0 || (r->has_to && date_cmp(s->day, r->to) > 0))
        return false;
    if (!target_matches(r, s))
        return false;
    if (r->sku[0] && strcmp(r->sku, s->sku) != 0)
        return false;
    if (r->product_id[0]) {
        pricing_product_of(s->sku, prod);
        if (strcmp(prod, r->product_id) != 0)
            return false;
    }
    return true;
}

/* 0 = SKU, 1 = product, 2 = all: lower is more specific. */
static int scope_rank(const struct margin_rule *r)
{
    return r->sku[0] ? 0 : r->product_id[0] ? 1 : 2;
}

/* True when a should be chosen over b (both match). */
static bool precedes(const struct margin_rule *a, const struct margin_rule *b)
{
    int c;

    if (a->level != b->level)
        return a->level < b->level;
    if (scope_rank(a) != scope_rank(b))
        return scope_rank(a) < scope_rank(b);
    if ((c = date_cmp(a->from, b->from)) != 0)
        return c > 0;
    return strcmp(a->id, b->id) > 0;
}

const struct margin_rule *margin_rule_select(const struct margin_rule *rules, size_t n,
                                             const struct pricing_subject *s)
{
    const struct margin_rule *best = NULL;

    for (size_t i = 0; i < n; i++)
        if (margin_rule_matches(&rules[i], s) && (!best || precedes(&rules[i], best)))
            best = &rules[i];
    return best;
}

static int cmp_level_target(const struct margin_rule *a, enum margin_level level,
                            const char *target)
{
    if (a->level != level)
        return a->level < level ? -1 : 1;
    return strcmp(a->target_id, target);
}

static int cmp_sorted(const void *pa, const void *pb)
{
    const struct margin_rule *a = pa, *b = pb;
    int c = cmp_level_target(a, b->level, b->target_id);

    return c ? c : strcmp(a->id, b->id);
}

void margin_rules_sort(struct margin_rule *rules, size_t n)
{
    if (n > 1)
        qsort(rules, n, sizeof(*rules), cmp_sorted);
}

/* The first of the sorted rules at (level, target), and the end of their run. */
static size_t lower_bound(const struct margin_rule *rules, size_t n, enum margin_level level,
                          const char *target)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (cmp_level_target(&rules[mid], level, target) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

const struct margin_rule *margin_rule_select_sorted(const struct margin_rule *rules, size_t n,
                                                    const struct pricing_subject *s)
{
    const char *targets[] = {s->subscription_id, s->customer_id, s->reseller_id, ""};

    /* a matching rule of a higher level always wins: stop at the first level with one */
    for (int lv = MARGIN_LEVEL_SUBSCRIPTION; lv <= MARGIN_LEVEL_PARTNER; lv++) {
        const struct margin_rule *best = NULL;
        const char *t = targets[lv];
        size_t i;

        if (!t || (lv != MARGIN_LEVEL_PARTNER && !t[0]))
            continue;
        /* partner-wide rules match any target: take the level's whole run */
        for (i = lower_bound(rules, n, (enum margin_level)lv, t);
             i < n && (lv == MARGIN_LEVEL_PARTNER
                           ? rules[i].level == MARGIN_LEVEL_PARTNER
                           : cmp_level_target(&rules[i], (enum margin_level)lv, t) == 0);
             i++)
            if (margin_rule_matches(&rules[i], s) && (!best || precedes(&rules[i], best)))
                best = &rules[i];
        if (best)
            return best;
    }
    return NULL;
}

static int cmp_by_id(const void *pa, const void *pb)
{
    const struct margin_rule *const *a = pa, *const *b = pb;

    return strcmp((*a)->id, (*b)->id);
}

void margin_rules_by_id(const struct margin_rule *rules, size_t n,
                        const struct margin_rule **by_id)
{
    for (size_t i = 0; i < n; i++)
        by_id[i] = &rules[i];
    if (n > 1)
        qsort(by_id, n, sizeof(*by_id), cmp_by_id);
}

const struct margin_rule *margin_rule_find(const struct margin_rule *const *by_id, size_t n,
                                           const char *id)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(by_id[mid]->id, id);

        if (c == 0)
            return by_id[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* base x (100 + sign*pct) / 100, rounded half-up to the currency (pricing.h). */
static int percent_of(struct dec base, struct dec pct, int sign, const char *ccy,
                      struct dec *out, struct err *err)
{
    struct dec f, v;

    if ((sign > 0 ? dec_add(dec_from_i64(100), pct, &f, err)
                  : dec_sub(dec_from_i64(100), pct, &f, err)) < 0 ||
        dec_muldiv(base, f, dec_from_i64(100), DEC_ROUND_HALF_UP, &v, err) < 0)
        return -1;
    return dec_round_currency(v, ccy, DEC_ROUND_HALF_UP, out, err);
}

int margin_unit_price(const struct margin_rule *rule, const struct price_base *b,
                      struct dec *unit, char ccy[CCY_MAX], struct err *err)
{
    if (!rule) {
        *unit = b->cost_unit;
        snprintf(ccy, CCY_MAX, "%s", b->cost_ccy);
        return 0;
    }
    switch (rule->kind) {
    case MARGIN_MARKUP:
        snprintf(ccy, CCY_MAX, "%s", b->cost_ccy);
        return percent_of(b->cost_unit, rule->value, +1, b->cost_ccy, unit, err);
    case MARGIN_DISCOUNT:
        if (!b->has_erp)
            return err_set_(err, __func__, __LINE__, ERR_INVALID, "no_erp", "sku",
                            "no ERP price for the line; rule %s discounts off ERP", rule->id);
        snprintf(ccy, CCY_MAX, "%s", b->erp_ccy);
        return percent_of(b->erp_unit, rule->value, -1, b->erp_ccy, unit, err);
    case MARGIN_FIXED:
        snprintf(ccy, CCY_MAX, "%s", rule->currency);
        return dec_round_currency(rule->value, rule->currency, DEC_ROUND_HALF_UP, unit, err);
    }
    return err_set(err, ERR_INTERNAL, "kind", "unknown rule kind");
}

int margin_rule_below_cost(const struct margin_rule *rule, const struct price_base *b,
                           bool *below, struct err *err)
{
    struct dec unit;
    char ccy[CCY_MAX];

    *below = false;
    if (margin_unit_price(rule, b, &unit, ccy, err) < 0)
        return -1;
    if (strcmp(ccy, b->cost_ccy) == 0)
        *below = dec_cmp(unit, b->cost_unit) < 0;
    return 0;
}
