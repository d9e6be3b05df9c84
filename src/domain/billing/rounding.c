/*
 * domain/billing/rounding.c — the rounding table (nce-rules.md §7.3-7.4, Part A 4, 12).
 *
 * Part A 4 reproduces Microsoft's own worked examples: quantity changes truncate the line
 * (ROUNDDOWN(EUP x qty, 2): 9.408 x 12 = 112.896 -> 112.89), cancels and conversions truncate
 * the unit (ROUNDDOWN(EUP, 2) x qty: 10.08/31x29 = 9.4296 -> 9.42, x10 = 94.20). §7.4 records
 * that Microsoft's documents contradict each other here, so the choice is data: change a row
 * of `table` after calibrating on a real reconciliation file. Everything is computed on the
 * magnitude and the sign applied last, so ROUNDDOWN is toward zero for refunds too.
 * Called by charges.c for every line; tests/unit/test_charges.c works each row by hand.
 */
#include "domain/billing/rounding.h"


/* nce-rules Part A 4 (rounding table), §7.4 */
static const struct rounding_rule table[CHARGE__COUNT] = {
    [CHARGE_NEW] = {EUP_FULL_CYCLE, DEC_ROUND_DOWN},
    [CHARGE_RENEW] = {EUP_FULL_CYCLE, DEC_ROUND_DOWN},
    [CHARGE_CYCLE] = {EUP_FULL_CYCLE, DEC_ROUND_DOWN},
    [CHARGE_ADD_QUANTITY] = {EUP_EXACT, DEC_ROUND_DOWN},
    [CHARGE_REMOVE_QUANTITY] = {EUP_EXACT, DEC_ROUND_DOWN},
    [CHARGE_MOVE_QUANTITY] = {EUP_TRUNCATED, DEC_ROUND_DOWN},
    [CHARGE_CANCEL] = {EUP_TRUNCATED, DEC_ROUND_DOWN},
    [CHARGE_CONVERT] = {EUP_TRUNCATED, DEC_ROUND_DOWN},
    [CHARGE_CHANGE_PLAN] = {EUP_TRUNCATED, DEC_ROUND_DOWN},
};

const struct rounding_rule *rounding_rule_for(enum charge_type t)
{
    return (unsigned)t < CHARGE__COUNT ? &table[t] : &table[CHARGE_CONVERT];
}

/*
 * Rounding of the 18-place intermediate so that the final rounding to the minor unit equals
 * rounding the exact value: keep the direction of directed modes, truncate otherwise (values
 * are magnitudes here).
 */
static enum dec_round stage18(enum dec_round mode)
{
    return (mode == DEC_ROUND_UP || mode == DEC_ROUND_CEILING) ? DEC_ROUND_UP : DEC_ROUND_DOWN;
}

static struct dec signed_(struct dec v, int sign)
{
    return sign < 0 ? dec_neg(v) : v;
}

/* U * d / c rounded to the minor unit of ccy: the truncated EUP of EUP_TRUNCATED lines. */
static int unit_rounded(const struct rounding_rule *r, struct dec unit, int days, int cycle_days,
                        const char *ccy, struct dec *out, struct err *err)
{
    struct dec e;

    if (dec_muldiv(unit, dec_from_i64(days), dec_from_i64(cycle_days), stage18(r->mode), &e,
                   err) < 0)
        return -1;
    return dec_round_currency(e, ccy, r->mode, out, err);
}

/* nce-rules Part A 3 (EUP exact), Part A 4 (per charge type) */
int rounding_line(enum charge_type t, struct dec unit, int days, int cycle_days, int32_t qty,
                  int sign, const char *ccy, struct line_amounts *out, struct err *err)
{
    const struct rounding_rule *r = rounding_rule_for(t);
    struct dec eup, sub, num;

    if (cycle_days <= 0 || days <= 0 || qty <= 0)
        return err_set(err, ERR_INTERNAL, "", "line with %d of %d days for %ld seats", days,
                       cycle_days, (long)qty);
    switch (r->method) {
    case EUP_FULL_CYCLE:
        eup = unit;
        if (dec_mul_i64(unit, qty, &num, err) < 0 ||
            dec_round_currency(num, ccy, r->mode, &sub, err) < 0)
            return -1;
        break;
    case EUP_EXACT:
        /* multiply first, one rounding: 10.00 x 31 / 31 is 10.00 (Part A 3) */
        if (dec_muldiv(unit, dec_from_i64(days), dec_from_i64(cycle_days), DEC_ROUND_HALF_UP,
                       &eup, err) < 0 ||
            dec_mul_i64(unit, qty, &num, err) < 0 ||
            dec_muldiv(num, dec_from_i64(days), dec_from_i64(cycle_days), stage18(r->mode),
                       &sub, err) < 0 ||
            dec_round_currency(sub, ccy, r->mode, &sub, err) < 0)
            return -1;
        break;
    case EUP_TRUNCATED:
    default:
        if (unit_rounded(r, unit, days, cycle_days, ccy, &eup, err) < 0 ||
            dec_mul_i64(eup, qty, &sub, err) < 0)
            return -1;
        break;
    }
    out->eup = signed_(eup, sign);
    out->subtotal = signed_(sub, sign);
    return 0;
}

/* nce-rules Part A 12: ROUNDDOWN(shown EUP x rate, billing minor units) x qty */
int rounding_billing(enum charge_type t, struct dec unit, int days, int cycle_days, int32_t qty,
                     int sign, const char *ccy, struct dec rate, const char *bccy,
                     struct dec *out, struct err *err)
{
    const struct rounding_rule *r = rounding_rule_for(t);
    struct dec v, per_seat, total;

    switch (r->method) {
    case EUP_FULL_CYCLE:
        if (dec_mul(unit, rate, stage18(r->mode), &v, err) < 0)
            return -1;
        break;
    case EUP_EXACT:
        /* U x (rate x d) / c with one rounding: rate x d is exact (an integer multiple) */
        if (dec_mul_i64(rate, days, &v, err) < 0 ||
            dec_muldiv(unit, v, dec_from_i64(cycle_days), stage18(r->mode), &v, err) < 0)
            return -1;
        break;
    case EUP_TRUNCATED:
    default:
        if (unit_rounded(r, unit, days, cycle_days, ccy, &v, err) < 0 ||
            dec_mul(v, rate, stage18(r->mode), &v, err) < 0)
            return -1;
        break;
    }
    if (dec_round_currency(v, bccy, r->mode, &per_seat, err) < 0 ||
        dec_mul_i64(per_seat, qty, &total, err) < 0)
        return -1;
    *out = signed_(total, sign);
    return 0;
}
