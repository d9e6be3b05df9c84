/*
 * domain/pricing/rate.c — rating: one Microsoft charge line becomes the buyer's line with the
 * same dates, quantity and proration (pricing.h; nce-rules.md Part A 3, 4, 12).
 *
 * The proration fraction d/c is recovered from Microsoft's own line (rate_cycle_days), because
 * the charges table keeps the billed days but not the cycle; the amount is then Microsoft's
 * rounding rule for the charge type (domain/billing/rounding.c, one table) applied to the
 * buyer's unit price, so a customer's refund mirrors its charge exactly as Microsoft's does.
 * Called by svc/invoice_rate.c for every line of a close; tests/unit/test_pricing.c works the
 * cases by hand.
 */
#include <string.h>

#include "domain/billing/rounding.h"
#include "domain/pricing/pricing.h"

/* Shown EUP of a candidate cycle length, unsigned, as Microsoft's table rounds it. */
static int shown_eup(enum charge_type t, struct dec unit, int d, int c, const char *ccy,
                     struct dec *out, struct err *err)
{
    struct line_amounts a;

    if (rounding_line(t, unit, d, c, 1, +1, ccy, &a, err) < 0)
        return -1;
    *out = a.eup;
    return 0;
}

/* nce-rules Part A 1 (cycles from the anchor, clamped), Part A 3 (d and c inclusive) */
int rate_cycle_days(enum charge_type t, struct dec ms_unit, struct dec ms_eup, const char *ccy,
                    struct date start, struct date end, int cycle_months, int *days,
                    int *cycle_days, struct err *err)
{
    const struct rounding_rule *r = rounding_rule_for(t);
    struct dec eup = dec_abs(ms_eup), v;
    struct date next, s0;
    int d = date_days_inclusive(start, end), best = 0, nmatch = 0;
    int64_t c;

    if (d <= 0)
        return err_set(err, ERR_INVALID, "end_date", "line ends before it starts");
    *days = d;
    if (r->method == EUP_FULL_CYCLE || dec_cmp(eup, dec_abs(ms_unit)) == 0) {
        *cycle_days = d;
        return 0;
    }
    if (dec_is_zero(ms_unit) || dec_is_zero(eup))
        return err_set(err, ERR_INVALID, "unit_price", "a prorated line with a zero price");
    if (r->method == EUP_EXACT) {
        /* EUP = U x d / c exact to 18 places: c = U x d / EUP, rounded to the integer */
        if (dec_muldiv(dec_abs(ms_unit), dec_from_i64(d), eup, DEC_ROUND_HALF_UP, &v, err) < 0 ||
            dec_round(v, 0, DEC_ROUND_HALF_UP, &v, err) < 0 || dec_to_i64(v, &c, err) < 0)
            return -1;
        if (c < d || c > 1100)
            return err_set(err, ERR_INVALID, "effective_unit_price",
                           "no charge cycle explains EUP with %d billed days", d);
        *cycle_days = (int)c;
        return 0;
    }
    /* truncated EUP: the cycles that can end on `end` */
    if (cycle_months <= 0)
        cycle_months = 1;
    next = date_add_days(end, 1);
    s0 = date_add_months(next, -cycle_months);
    for (int a = next.day; a <= 31; a++) {
        struct date s = s0;
        int cand, dim = date_days_in_month(s0.year, s0.month);

        if (a != next.day) {
            /* anchors past the month's length clamp `next` to its last day (Part A 1) */
            if (next.day != date_days_in_month(next.year, next.month))
                break;
            s.day = a < dim ? a : dim;
        }
        if (date_cmp(s, start) > 0)
            continue;
        cand = date_days_inclusive(s, end);
        if (shown_eup(t, dec_abs(ms_unit), d, cand, ccy, &v, err) < 0)
            return -1;
        if (dec_cmp(v, eup) == 0) {
            if (!nmatch)
                best = cand;
            nmatch++;
        }
    }
    if (!nmatch)
        return err_set(err, ERR_INVALID, "effective_unit_price",
                       "no %d-month charge cycle ending %04d-%02d-%02d explains the EUP",
                       cycle_months, end.year, end.month, end.day);
    *cycle_days = best;
    return 0;
}

/* Cost in the buyer's currency: as is, or converted half-up to the minor unit. */
static int convert_cost(const struct rate_input *in, struct dec *out, struct err *err)
{
    struct dec v;

    if (strcmp(in->cost_ccy, in->buyer_ccy) == 0) {
        *out = in->cost;
        return 0;
    }
    if (dec_mul(in->cost, in->cost_fx, DEC_ROUND_HALF_UP, &v, err) < 0)
        return -1;
    return dec_round_currency(v, in->buyer_ccy, DEC_ROUND_HALF_UP, out, err);
}

/* nce-rules Part A 4 (per charge type), Part A 12 (conversion) */
int rate_line(const struct rate_input *in, struct rated_amounts *out, struct err *err)
{
    const struct rounding_rule *r = rounding_rule_for(in->type);
    struct line_amounts a;
    bool same = strcmp(in->unit_ccy, in->buyer_ccy) == 0;

    memset(out, 0, sizeof(*out));
    if (rounding_line(in->type, in->unit, in->days, in->cycle_days, in->quantity, in->sign,
                      in->unit_ccy, &a, err) < 0)
        return -1;
    if (same) {
        out->unit_price = in->unit;
        out->eup = a.eup;
        out->amount = a.subtotal;
    } else {
        struct dec u;

        if (rounding_billing(in->type, in->unit, in->days, in->cycle_days, in->quantity,
                             in->sign, in->unit_ccy, in->fx, in->buyer_ccy, &out->amount,
                             err) < 0 ||
            dec_mul(in->unit, in->fx, DEC_ROUND_DOWN, &u, err) < 0 ||
            dec_round_currency(u, in->buyer_ccy, r->mode, &out->unit_price, err) < 0 ||
            dec_mul(a.eup, in->fx, DEC_ROUND_HALF_UP, &out->eup, err) < 0)
            return -1;
    }
    if (convert_cost(in, &out->cost, err) < 0 ||
        dec_sub(out->amount, out->cost, &out->margin, err) < 0)
        return -1;
    out->below_cost = in->sign > 0 ? dec_is_neg(out->margin)
                                   : (!dec_is_zero(out->margin) && !dec_is_neg(out->margin));
    return 0;
}
