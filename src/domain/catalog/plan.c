/*
 * domain/catalog/plan.c — terms, billing plans and the per-cycle price.
 *
 * Tiny tables; see plan.h for the rules. Called by the scenario parser (names), the lifecycle
 * (cycle length) and the price-list importer (plan_cycle_price).
 */
#include "domain/catalog/plan.h"

#include <string.h>

static const char *const term_names[] = {"P1M", "P1Y", "P3Y"};
static const char *const billing_names[] = {"monthly", "annual", "triennial"};
static const int plan_months[] = {1, 12, 36};

const char *term_name(enum term t)
{
    return (unsigned)t < 3 ? term_names[t] : "?";
}

const char *billing_name(enum billing b)
{
    return (unsigned)b < 3 ? billing_names[b] : "?";
}

int term_from_name(const char *s, enum term *out)
{
    for (int i = 0; i < 3; i++) {
        if (strcmp(s, term_names[i]) == 0) {
            *out = (enum term)i;
            return 0;
        }
    }
    return -1;
}

int billing_from_name(const char *s, enum billing *out)
{
    for (int i = 0; i < 3; i++) {
        if (strcmp(s, billing_names[i]) == 0) {
            *out = (enum billing)i;
            return 0;
        }
    }
    return -1;
}

int term_months(enum term t)
{
    return (unsigned)t < 3 ? plan_months[t] : 0;
}

int billing_months(enum billing b)
{
    return (unsigned)b < 3 ? plan_months[b] : 0;
}

/* nce-rules.md §1: P1M monthly; P1Y monthly, annual; P3Y monthly, annual, triennial. */
bool plan_is_valid(enum term t, enum billing b)
{
    int tm = term_months(t), bm = billing_months(b);

    return tm > 0 && bm > 0 && bm <= tm && tm % bm == 0;
}

int plan_cycles_per_term(enum term t, enum billing b)
{
    if (!plan_is_valid(t, b))
        return 0;
    return term_months(t) / billing_months(b);
}

/* nce-rules Part A 13 */
int plan_cycle_price(struct dec term_price, enum term t, enum billing b, const char *ccy,
                     struct dec *out, struct err *err)
{
    int cycles = plan_cycles_per_term(t, b);
    struct dec q, r;

    if (cycles == 0)
        return err_set(err, ERR_INVALID, "billing", "%s is not offered with %s billing",
                       term_name(t), billing_name(b));
    if (dec_div(term_price, dec_from_i64(cycles), DEC_ROUND_HALF_UP, &q, err) < 0)
        return -1;
    if (dec_round_currency(q, ccy, DEC_ROUND_HALF_UP, &r, err) < 0)
        return -1;
    *out = r;
    return 0;
}
