/*
 * domain/catalog/catalog.h — the price points, upgrade paths and exchange rates the lifecycle
 * and billing rules read, held in memory (no I/O here: the service loads them from the store).
 *
 * Price points (nce-rules.md §5.2, §7.6, Part A 9 and 13): one row per
 * sku × term × billing × market × pricing currency, each with the per-seat per-cycle unit price
 * and the day it takes effect. The price "at" a day is the row of the plan with the latest
 * effective_from on or before that day; a later row replaces it from its own day on.
 * Upgrade paths (§4): the listed (from, to) SKU pairs; no other upgrade is accepted.
 * Exchange rates (§10, Part A 12): pricing -> billing currency, each effective from a day.
 *
 * Workload: a partner's catalogue holds thousands of rows and the daily cycle asks for a price
 * once per renewal, so lookups binary-search the rows once catalog_seal has sorted them (an
 * unsealed catalogue still answers, by scanning). The catalogue owns its arrays: init, add,
 * seal, release (STYLE.md lifecycle verbs); strings are copied.
 */
#ifndef CSPD_DOMAIN_CATALOG_CATALOG_H
#define CSPD_DOMAIN_CATALOG_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/date.h"
#include "core/decimal.h"
#include "core/err.h"
#include "domain/catalog/plan.h"

#define SKU_MAX 48 /* "CFQ7TTC0LH18:0001" and longer product:sku:availability ids */
#define CCY_MAX 4  /* ISO 4217 code + NUL */
#define MARKET_MAX 4

struct price_point {
    char sku[SKU_MAX];
    char market[MARKET_MAX];  /* "" = every market */
    char currency[CCY_MAX];   /* pricing currency */
    enum term term;
    enum billing billing;
    struct dec unit_price;    /* per seat per billing cycle (Part A 13) */
    struct dec erp_price;     /* estimated retail price, zero when unknown */
    struct date effective_from;
    struct date effective_to; /* last day in effect, inclusive; year 0 = open-ended */
    uint32_t ord;             /* set by catalog_add_price: among rows of one plan and day,
                                 the one added last wins (a corrected price) */
};

struct upgrade_path {
    char from[SKU_MAX];
    char to[SKU_MAX];
};

struct fx_rate {
    char from[CCY_MAX];
    char to[CCY_MAX];
    struct dec rate;
    struct date effective_from;
};

struct catalog {
    char market[MARKET_MAX]; /* the customer's market; rows of other markets are ignored */
    struct price_point *prices;
    size_t nprices, capprices;
    struct upgrade_path *paths;
    size_t npaths, cappaths;
    struct fx_rate *rates;
    size_t nrates, caprates;
    bool sealed;
};

void catalog_init(struct catalog *c, const char *market);
/* Free the arrays; the struct may be init'ed again. */
void catalog_release(struct catalog *c);
/* Empty the catalogue, keeping its memory for reuse. */
void catalog_clear(struct catalog *c);

/* Copy a row in. Validates the plan and the strings' lengths (ERR_INVALID). */
int catalog_add_price(struct catalog *c, const struct price_point *p, struct err *err);
int catalog_add_path(struct catalog *c, const char *from, const char *to, struct err *err);
int catalog_add_rate(struct catalog *c, const struct fx_rate *r, struct err *err);
/* Sort for binary search. Adding a row afterwards unseals it. */
void catalog_seal(struct catalog *c);
/*
 * A view of `c` for another customer market: a shallow copy sharing c's rows (the daily cycle
 * loads one catalogue for every market). Never add to or release a view; it is valid while `c`
 * is unchanged.
 */
void catalog_view_market(const struct catalog *c, const char *market, struct catalog *view);

/*
 * The price of the plan in effect on `day` (nce-rules Part A 9): the row with the latest
 * effective_from <= day (and no effective_to before it) in `currency` (the partner's billing
 * currency), else in any currency; NULL when none is in effect.
 */
const struct price_point *catalog_price_at(const struct catalog *c, const char *sku,
                                           enum term t, enum billing b, const char *currency,
                                           struct date day);
/*
 * The first day after `day` on which a row of the plan takes effect (for refusal messages);
 * false when none does.
 */
bool catalog_next_price_day(const struct catalog *c, const char *sku, enum term t,
                            enum billing b, struct date day, struct date *out);
/* True when the plan has any row at all, even one not yet effective (Part A 15, schedule). */
bool catalog_plan_has_price(const struct catalog *c, const char *sku, enum term t,
                            enum billing b);
/* nce-rules §4: only listed paths. */
bool catalog_upgrade_allowed(const struct catalog *c, const char *from, const char *to);
/*
 * The rate from -> to in effect on `day` (Part A 12, 15 "Rates"): latest effective_from <= day.
 * NULL when none.
 */
const struct fx_rate *catalog_rate_at(const struct catalog *c, const char *from, const char *to,
                                      struct date day);

#endif
