/*
 * svc/catalog_data_price.c — catalog_price: what one plan costs on one day, exactly one price
 * or the reason there is none (see catalog_data.h; docs/catalog.md "Looking up a price").
 *
 * The rule is the engine's (domain/catalog, nce-rules Part A 9): the row with the latest
 * effective_from on or before the day, not ended before it. The store can hold several rows
 * of a plan that day only when they differ in segment or tier (the import's key); those are
 * "ambiguous" unless their prices agree. Where the engine silently finds nothing, this lookup
 * says why: no row at all, not yet effective (with the first day), or ended (with the last
 * day, and the next start if a later row exists).
 *
 * Workload: one SKU's rows of one market and currency, a handful; loaded into a small array.
 */
#include "svc/catalog_data.h"

#include <stdlib.h>
#include <string.h>

const char *catalog_price_reason(enum catalog_price_status s)
{
    switch (s) {
    case CATALOG_PRICE_OK: return "";
    case CATALOG_PRICE_NO_ROW: return "no_price";
    case CATALOG_PRICE_NOT_YET: return "price_not_yet_effective";
    case CATALOG_PRICE_ENDED: return "price_ended";
    case CATALOG_PRICE_AMBIGUOUS: return "price_ambiguous";
    }
    return "no_price";
}

static bool in_effect(const struct catdata_price *p, struct date at)
{
    return date_cmp(p->effective_from, at) <= 0 &&
           (!p->has_effective_to || date_cmp(p->effective_to, at) >= 0);
}

static bool same_group(const struct catdata_price *a, const struct catdata_price *b)
{
    return strcmp(a->segment, b->segment) == 0 && strcmp(a->tier_min, b->tier_min) == 0;
}

/* Does another in-effect row of p's group replace p (later start, or same start stored later)? */
static bool superseded(const struct catdata_price *rows, size_t n, size_t i, struct date at)
{
    for (size_t j = 0; j < n; j++) {
        int c;

        if (j == i || !in_effect(&rows[j], at) || !same_group(&rows[i], &rows[j]))
            continue;
        c = date_cmp(rows[j].effective_from, rows[i].effective_from);
        if (c > 0 || (c == 0 && rows[j].id > rows[i].id))
            return true;
    }
    return false;
}

/* nce-rules Part A 9 (price in effect on a day); formats.md §3.1 (duplicates: latest range) */
void catalog_price_pick(const struct catdata_price *rows, size_t n, const char *segment,
                        struct date at, struct catalog_price_answer *a)
{
    bool any = false, started = false, future = false;
    size_t pick = n;

    memset(a, 0, sizeof(*a));
    a->status = CATALOG_PRICE_NO_ROW;
    for (size_t i = 0; i < n; i++) {
        const struct catdata_price *p = &rows[i];

        if (segment && *segment && strcmp(p->segment, segment) != 0)
            continue;
        any = true;
        if (date_cmp(p->effective_from, at) > 0) {
            if (!future || date_cmp(p->effective_from, a->next_day) < 0)
                a->next_day = p->effective_from;
            future = true;
            continue;
        }
        if (!in_effect(p, at)) {
            /* started and ended before `at`: remember the latest end */
            if (!started || date_cmp(p->effective_to, a->ended_on) > 0)
                a->ended_on = p->effective_to;
            started = true;
            continue;
        }
        if (superseded(rows, n, i, at))
            continue;
        if (pick == n) {
            pick = i;
            a->candidates = 1;
        } else if (dec_cmp(rows[pick].unit_price, p->unit_price) != 0) {
            a->candidates++;
        }
    }
    if (pick < n) {
        a->status = a->candidates > 1 ? CATALOG_PRICE_AMBIGUOUS : CATALOG_PRICE_OK;
        a->price = rows[pick];
        return;
    }
    if (!any)
        return;
    if (started) {
        a->status = CATALOG_PRICE_ENDED;
        a->has_next = future;
        return;
    }
    a->status = CATALOG_PRICE_NOT_YET;
    a->first_day = a->next_day;
    a->next_day = (struct date){0, 0, 0};
}

struct rows {
    struct catdata_price *v;
    size_t n, cap;
};

static int keep_row(void *ctx, const struct catdata_price *p, struct err *err)
{
    struct rows *r = ctx;

    if (r->n == r->cap) {
        size_t ncap = r->cap ? 2 * r->cap : 16;
        struct catdata_price *v = realloc(r->v, ncap * sizeof(*v));

        if (!v)
            return err_set(err, ERR_NOMEM, "", "out of memory");
        r->v = v;
        r->cap = ncap;
    }
    r->v[r->n++] = *p;
    return 0;
}

int catalog_price(struct db *db, const struct catalog_price_query *q,
                  struct catalog_price_answer *a, struct err *err)
{
    struct catdata_price_filter f = {.sku = q->sku, .market = q->market,
                                     .currency = q->currency, .has_plan = true,
                                     .term = q->term, .billing = q->billing};
    struct rows rows = {NULL, 0, 0};
    char plan[160], d1[DATE_STRLEN], d2[DATE_STRLEN], at[DATE_STRLEN];
    const char *reason;
    bool known = true;
    int rc = -1;

    memset(a, 0, sizeof(*a));
    a->status = CATALOG_PRICE_NO_ROW;
    if (repo_catdata_prices_each(db, &f, keep_row, &rows, err))
        goto out;
    catalog_price_pick(rows.v, rows.n, q->segment, q->at, a);
    if (a->status == CATALOG_PRICE_OK) {
        rc = 0;
        goto out;
    }
    snprintf(plan, sizeof(plan), "%s %s %s in %s/%s%s%s", q->sku, term_name(q->term),
             billing_name(q->billing), q->market, q->currency,
             q->segment && *q->segment ? ", segment " : "", q->segment ? q->segment : "");
    date_format(q->at, at);
    reason = catalog_price_reason(a->status);
    switch (a->status) {
    case CATALOG_PRICE_NO_ROW:
        if (repo_catdata_sku_known(db, q->sku, &known, err))
            goto out;
        if (known)
            err_set_(err, __func__, __LINE__, ERR_NOT_FOUND, reason, "sku",
                     "no price: the catalog has no row for %s", plan);
        else
            err_set_(err, __func__, __LINE__, ERR_NOT_FOUND, reason, "sku",
                     "no price: the catalog has no SKU %.60s", q->sku);
        break;
    case CATALOG_PRICE_NOT_YET:
        date_format(a->first_day, d1);
        err_set_(err, __func__, __LINE__, ERR_NOT_FOUND, reason, "at",
                 "no price on %s: %s is not yet effective; its first price takes effect on %s",
                 at, plan, d1);
        break;
    case CATALOG_PRICE_ENDED:
        date_format(a->ended_on, d1);
        date_format(a->next_day, d2);
        err_set_(err, __func__, __LINE__, ERR_NOT_FOUND, reason, "at",
                 "no price on %s: the price of %s ended on %s%s%s", at, plan, d1,
                 a->has_next ? "; the next takes effect on " : "", a->has_next ? d2 : "");
        break;
    case CATALOG_PRICE_AMBIGUOUS:
        err_set_(err, __func__, __LINE__, ERR_CONFLICT, reason, "segment",
                 "no single price on %s: %zu rows of %s are in effect with different prices "
                 "(segments or tiers); name a segment", at, a->candidates, plan);
        break;
    case CATALOG_PRICE_OK:
        break;
    }
out:
    free(rows.v);
    return rc;
}
