/*
 * domain/lifecycle/est.c — EST eligibility and price (nce-rules.md §8, Part A 10, 11).
 *
 * The two dates and two uplifts below are the whole of Microsoft's EST economics as cspd
 * applies them; each is used from here only. Called by the commands (auto-renew off, schedule
 * est) and by the daily cycle (entering EST, every further EST month, which is re-priced from
 * the price effective on its first day).
 */
#include "domain/lifecycle/est.h"

#include <string.h>

/* nce-rules §8.3, Part A 10: purchased or renewed on/after, term ending on/after. */
static const struct date EST_TERM_STARTED_FROM = {2025, 4, 1};
static const struct date EST_TERM_ENDING_FROM = {2026, 5, 4};

/* nce-rules Part A 10 (EST eligibility), §8.3 */
bool est_eligible(bool trial, struct date term_start, struct date term_end)
{
    if (trial)
        return false;
    return date_cmp(term_start, EST_TERM_STARTED_FROM) >= 0 &&
           date_cmp(term_end, EST_TERM_ENDING_FROM) >= 0;
}

bool est_sub_eligible(const struct sub *s)
{
    return est_eligible(s->trial, s->term_start, s->term_end);
}

/* nce-rules Part A 10: auto-renew off without an explicit cancel is est when eligible */
enum sub_decision est_decision_when_auto_renew_off(bool trial, struct date term_start,
                                                   struct date term_end)
{
    return est_eligible(trial, term_start, term_end) ? DECISION_EST : DECISION_CANCEL;
}

/* nce-rules Part A 11 (EST price), §8.1, §8.4 */
int est_price(const struct catalog *cat, const char *sku, const char *billing_currency,
              struct date day, struct dec *price, char currency[CCY_MAX])
{
    const struct price_point *base;
    struct dec uplift, p, r;
    struct err e;

    /* struct dec counts 10^-18 units (decimal.h): 1.03 and 1.23 exactly. */
    uplift.raw = (__int128)103 * 10000000000000000LL;
    base = catalog_price_at(cat, sku, TERM_P1M, BILLING_MONTHLY, billing_currency, day);
    if (!base) {
        base = catalog_price_at(cat, sku, TERM_P1Y, BILLING_MONTHLY, billing_currency, day);
        if (!base)
            return -1;
        uplift.raw = (__int128)123 * 10000000000000000LL;
    }
    /*
     * One half-up rounding of the exact product: truncate at 18 places first (every half-cent
     * boundary lies on that grid, so truncation cannot cross one), never half-up twice.
     */
    if (dec_mul(base->unit_price, uplift, DEC_ROUND_DOWN, &p, &e) < 0 ||
        dec_round_currency(p, base->currency, DEC_ROUND_HALF_UP, &r, &e) < 0)
        return -1;
    *price = r;
    memcpy(currency, base->currency, CCY_MAX);
    return 0;
}
