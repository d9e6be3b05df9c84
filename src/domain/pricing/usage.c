/*
 * domain/pricing/usage.c — rating one Azure usage line (a line of Microsoft's billed daily
 * rated usage file) into the buyer's line: the price a margin rule gives for the whole line,
 * the currency conversion and the one rounding per line (pricing.h "Azure usage";
 * docs/billing.md "Azure usage").
 *
 * Unlike a licence line, a usage line has no per-seat unit price to round first: Azure unit
 * prices have many decimals (0.0209496384791679 per hour) and quantities are decimals
 * (23.200004 hours). So the line's amount is computed unrounded from the whole line and
 * truncated ONCE to the buyer currency's minor unit, as Microsoft rates usage (nce-rules
 * Part B 7.3: "Usage-based: ROUNDDOWN(ROUNDDOWN(EffectiveUnitPrice * BillableQuantity,2) *
 * PCToBCExchangeRate, 2)" — truncation toward zero, per line, never sum-then-round).
 */
#include <stdio.h>
#include <string.h>

#include "domain/pricing/pricing.h"

void usage_price_currency(const struct margin_rule *rule, const char *cost_ccy,
                          const char *ms_ccy, char out[CCY_MAX])
{
    const char *c = cost_ccy;

    if (rule && rule->kind == MARGIN_DISCOUNT)
        c = ms_ccy;
    else if (rule && rule->kind == MARGIN_FIXED)
        c = rule->currency;
    snprintf(out, CCY_MAX, "%s", c);
}

/* v x (1 + sign x pct/100), unrounded (18 places, half-up). */
static int apply_percent(struct dec v, struct dec pct, int sign, struct dec *out,
                         struct err *err)
{
    struct dec f, hundred = dec_from_i64(100);

    if (dec_div(pct, hundred, DEC_ROUND_HALF_UP, &f, err) < 0)
        return -1;
    if (sign < 0)
        f = dec_neg(f);
    if (dec_add(dec_from_i64(1), f, &f, err) < 0)
        return -1;
    return dec_mul(v, f, DEC_ROUND_HALF_UP, out, err);
}

/* Shown unit price: the line's unrounded price over its quantity, 6 places half-up. */
#define USAGE_UNIT_PLACES 6

int rate_usage_line(const struct usage_rate_input *in, struct usage_rated *out,
                    struct err *err)
{
    const struct margin_rule *rule = in->rule;
    struct dec price, v;

    memset(out, 0, sizeof(*out));
    usage_price_currency(rule, in->cost_ccy, in->ms_ccy, out->price_ccy);
    if (!rule) {
        price = in->cost; /* at cost: zero margin */
    } else if (rule->kind == MARGIN_MARKUP) {
        if (apply_percent(in->cost, rule->value, +1, &price, err) < 0)
            return -1;
    } else if (rule->kind == MARGIN_DISCOUNT) {
        /* Microsoft's retail (ERP) of the line in its billing currency, less X % */
        if (dec_mul(in->retail_unit, in->quantity, DEC_ROUND_HALF_UP, &v, err) < 0 ||
            dec_mul(v, in->pc_to_bc, DEC_ROUND_HALF_UP, &v, err) < 0 ||
            apply_percent(v, rule->value, -1, &price, err) < 0)
            return -1;
    } else {
        /* fixed: the rule's unit price per usage unit, unrounded, times the quantity */
        if (dec_mul(rule->value, in->quantity, DEC_ROUND_HALF_UP, &price, err) < 0)
            return -1;
    }
    if (strcmp(out->price_ccy, in->buyer_ccy) != 0 &&
        dec_mul(price, in->fx, DEC_ROUND_HALF_UP, &price, err) < 0)
        return -1;
    /* nce-rules Part B 7.3: usage is truncated to the minor unit once per line */
    if (dec_round_currency(price, in->buyer_ccy, DEC_ROUND_DOWN, &out->amount, err) < 0)
        return -1;
    if (dec_is_zero(in->quantity))
        out->unit_price = dec_zero();
    else if (dec_div(price, in->quantity, DEC_ROUND_HALF_UP, &v, err) < 0 ||
             dec_round(v, USAGE_UNIT_PLACES, DEC_ROUND_HALF_UP, &out->unit_price, err) < 0)
        return -1;
    /* the cost converted like the price: truncation is monotonic, so price >= cost before
     * rounding stays amount >= cost after it */
    if (strcmp(in->cost_ccy, in->buyer_ccy) == 0)
        out->cost = in->cost;
    else if (dec_mul(in->cost, in->cost_fx, DEC_ROUND_HALF_UP, &v, err) < 0 ||
             dec_round_currency(v, in->buyer_ccy, DEC_ROUND_DOWN, &out->cost, err) < 0)
        return -1;
    if (dec_sub(out->amount, out->cost, &out->margin, err) < 0)
        return -1;
    /* a credit (negative line) sells below cost when it gives back more than it cost */
    out->below_cost = dec_is_neg(in->quantity) || dec_is_neg(in->cost)
                          ? !dec_is_zero(out->margin) && !dec_is_neg(out->margin)
                          : dec_is_neg(out->margin);
    return 0;
}
