/*
 * domain/catalog/catalog.c — in-memory price points, upgrade paths and exchange rates.
 *
 * Owns the "price at a day" rule (nce-rules Part A 9: the row with the latest effective_from on
 * or before the day) and the upgrade-path rule (§4). Rows are kept in growable arrays; after
 * catalog_seal the price rows are sorted by (sku, term, billing, effective_from) so a lookup is
 * a binary search to the plan's first row and a short scan of that plan's rows (a plan has a
 * few dozen rows over years of monthly price lists). Called by svc/ for every command and by
 * the daily cycle for every renewal and EST month.
 */
#include "domain/catalog/catalog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/currency.h"

static int copy_str(char *dst, size_t cap, const char *src, const char *field, struct err *err)
{
    size_t n = src ? strlen(src) : 0;

    if (n >= cap)
        return err_set(err, ERR_INVALID, field, "%s is longer than %zu characters", field,
                       cap - 1);
    memcpy(dst, src ? src : "", n + 1);
    return 0;
}

static int grow(void **arr, size_t *cap, size_t n, size_t elem, struct err *err)
{
    size_t ncap;
    void *p;

    if (n < *cap)
        return 0;
    ncap = *cap ? *cap * 2 : 16;
    p = realloc(*arr, ncap * elem);
    if (!p)
        return err_set(err, ERR_NOMEM, "", "out of memory growing the catalogue");
    *arr = p;
    *cap = ncap;
    return 0;
}

void catalog_init(struct catalog *c, const char *market)
{
    memset(c, 0, sizeof(*c));
    if (market)
        snprintf(c->market, sizeof(c->market), "%s", market);
}

void catalog_release(struct catalog *c)
{
    free(c->prices);
    free(c->paths);
    free(c->rates);
    memset(c, 0, sizeof(*c));
}

void catalog_clear(struct catalog *c)
{
    c->nprices = c->npaths = c->nrates = 0;
    c->sealed = false;
}

int catalog_add_price(struct catalog *c, const struct price_point *p, struct err *err)
{
    struct price_point *dst;

    if (!plan_is_valid(p->term, p->billing))
        return err_set(err, ERR_INVALID, "billing", "%s is not offered with %s billing",
                       term_name(p->term), billing_name(p->billing));
    if (!p->sku[0])
        return err_set(err, ERR_INVALID, "sku", "a price needs a sku");
    if (!currency_is_known(p->currency))
        return err_set(err, ERR_INVALID, "currency", "unknown currency '%s'", p->currency);
    if (dec_is_neg(p->unit_price))
        return err_set(err, ERR_INVALID, "unit_price", "a unit price cannot be negative");
    if (grow((void **)&c->prices, &c->capprices, c->nprices, sizeof(*c->prices), err) < 0)
        return -1;
    dst = &c->prices[c->nprices];
    *dst = *p;
    dst->ord = (uint32_t)c->nprices;
    dst->sku[SKU_MAX - 1] = dst->market[MARKET_MAX - 1] = dst->currency[CCY_MAX - 1] = '\0';
    c->nprices++;
    c->sealed = false;
    return 0;
}

int catalog_add_path(struct catalog *c, const char *from, const char *to, struct err *err)
{
    struct upgrade_path *dst;

    if (grow((void **)&c->paths, &c->cappaths, c->npaths, sizeof(*c->paths), err) < 0)
        return -1;
    dst = &c->paths[c->npaths];
    if (copy_str(dst->from, sizeof(dst->from), from, "from", err) < 0 ||
        copy_str(dst->to, sizeof(dst->to), to, "to", err) < 0)
        return -1;
    c->npaths++;
    return 0;
}

int catalog_add_rate(struct catalog *c, const struct fx_rate *r, struct err *err)
{
    if (!currency_is_known(r->from) || !currency_is_known(r->to))
        return err_set(err, ERR_INVALID, "currency", "unknown currency in rate %s -> %s",
                       r->from, r->to);
    if (dec_cmp(r->rate, dec_zero()) <= 0)
        return err_set(err, ERR_INVALID, "rate", "an exchange rate must be positive");
    if (grow((void **)&c->rates, &c->caprates, c->nrates, sizeof(*c->rates), err) < 0)
        return -1;
    c->rates[c->nrates++] = *r;
    return 0;
}

/* Order of the plan key: sku, term, billing. */
static int plan_key_cmp(const struct price_point *p, const char *sku, enum term t,
                        enum billing b)
{
    int r = strcmp(p->sku, sku);

    if (r)
        return r;
    if (p->term != t)
        return p->term < t ? -1 : 1;
    if (p->billing != b)
        return p->billing < b ? -1 : 1;
    return 0;
}

static int price_sort_cmp(const void *a, const void *b)
{
    const struct price_point *x = a, *y = b;
    int r = plan_key_cmp(x, y->sku, y->term, y->billing);

    if (r)
        return r;
    r = date_cmp(x->effective_from, y->effective_from);
    if (r)
        return r;
    return x->ord < y->ord ? -1 : x->ord > y->ord;
}

void catalog_seal(struct catalog *c)
{
    if (c->nprices > 1)
        qsort(c->prices, c->nprices, sizeof(*c->prices), price_sort_cmp);
    c->sealed = true;
}

void catalog_view_market(const struct catalog *c, const char *market, struct catalog *view)
{
    *view = *c;
    snprintf(view->market, sizeof(view->market), "%s", market ? market : "");
    view->capprices = view->cappaths = view->caprates = 0; /* a view never grows */
}

/* [*lo, *hi) = the rows of the plan. */
static void plan_range(const struct catalog *c, const char *sku, enum term t, enum billing b,
                       size_t *lo, size_t *hi)
{
    size_t l = 0, h = c->nprices;

    if (!c->sealed) {
        *lo = 0;
        *hi = c->nprices;
        return;
    }
    while (l < h) {
        size_t m = l + (h - l) / 2;

        if (plan_key_cmp(&c->prices[m], sku, t, b) < 0)
            l = m + 1;
        else
            h = m;
    }
    *lo = l;
    h = l;
    while (h < c->nprices && plan_key_cmp(&c->prices[h], sku, t, b) == 0)
        h++;
    *hi = h;
}

static bool market_ok(const struct catalog *c, const struct price_point *p)
{
    return !p->market[0] || !c->market[0] || strcmp(p->market, c->market) == 0;
}

static const struct price_point *price_at_in(const struct catalog *c, size_t lo, size_t hi,
                                             const char *sku, enum term t, enum billing b,
                                             const char *currency, struct date day)
{
    const struct price_point *best = NULL;

    for (size_t i = lo; i < hi; i++) {
        const struct price_point *p = &c->prices[i];

        if (plan_key_cmp(p, sku, t, b) != 0 || !market_ok(c, p))
            continue;
        if (currency && strcmp(p->currency, currency) != 0)
            continue;
        if (date_cmp(p->effective_from, day) > 0)
            continue;
        if (!best || date_cmp(p->effective_from, best->effective_from) > 0 ||
            (date_cmp(p->effective_from, best->effective_from) == 0 && p->ord > best->ord))
            best = p;
    }
    /* the latest row has ended and nothing replaced it: no price that day */
    if (best && best->effective_to.year && date_cmp(best->effective_to, day) < 0)
        return NULL;
    return best;
}

/* nce-rules Part A 9 (price at a day) */
const struct price_point *catalog_price_at(const struct catalog *c, const char *sku,
                                           enum term t, enum billing b, const char *currency,
                                           struct date day)
{
    size_t lo, hi;
    const struct price_point *p = NULL;

    plan_range(c, sku, t, b, &lo, &hi);
    /* A plan priced in the billing currency that day is billed in it (nce-rules §10). */
    if (currency && currency[0])
        p = price_at_in(c, lo, hi, sku, t, b, currency, day);
    if (!p)
        p = price_at_in(c, lo, hi, sku, t, b, NULL, day);
    return p;
}

bool catalog_next_price_day(const struct catalog *c, const char *sku, enum term t,
                            enum billing b, struct date day, struct date *out)
{
    size_t lo, hi;
    bool found = false;

    plan_range(c, sku, t, b, &lo, &hi);
    for (size_t i = lo; i < hi; i++) {
        const struct price_point *p = &c->prices[i];

        if (plan_key_cmp(p, sku, t, b) != 0 || !market_ok(c, p))
            continue;
        if (date_cmp(p->effective_from, day) <= 0)
            continue;
        if (!found || date_cmp(p->effective_from, *out) < 0) {
            *out = p->effective_from;
            found = true;
        }
    }
    return found;
}

bool catalog_plan_has_price(const struct catalog *c, const char *sku, enum term t,
                            enum billing b)
{
    size_t lo, hi;

    plan_range(c, sku, t, b, &lo, &hi);
    for (size_t i = lo; i < hi; i++)
        if (plan_key_cmp(&c->prices[i], sku, t, b) == 0 && market_ok(c, &c->prices[i]))
            return true;
    return false;
}

/* nce-rules §4, Part A 7: only catalogue-listed paths */
bool catalog_upgrade_allowed(const struct catalog *c, const char *from, const char *to)
{
    for (size_t i = 0; i < c->npaths; i++)
        if (strcmp(c->paths[i].from, from) == 0 && strcmp(c->paths[i].to, to) == 0)
            return true;
    return false;
}

/* nce-rules Part A 12, Part A 15 "Rates" */
const struct fx_rate *catalog_rate_at(const struct catalog *c, const char *from, const char *to,
                                      struct date day)
{
    const struct fx_rate *best = NULL;

    for (size_t i = 0; i < c->nrates; i++) {
        const struct fx_rate *r = &c->rates[i];

        if (strcmp(r->from, from) != 0 || strcmp(r->to, to) != 0)
            continue;
        if (date_cmp(r->effective_from, day) > 0)
            continue;
        if (!best || date_cmp(r->effective_from, best->effective_from) >= 0)
            best = r;
    }
    return best;
}
