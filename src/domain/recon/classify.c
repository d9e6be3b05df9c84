/*
 * domain/recon/classify.c — why Microsoft's amount and cspd's amount of the same line differ
 * (recon.h, recon_classify), with both figures in one sentence an operator can act on.
 *
 * The rounding formulas tried are those of nce-rules.md §7.3 (documented: licence lines
 * ROUNDDOWN(EUP x rate, 2) x qty) and §7.4 (what the worked examples do: ROUNDDOWN(EUP x qty,
 * 2)), plus plain half-up rounding (the Azure tier example of §7.4); Part A 4 says which one
 * cspd applies per charge type and that the table may need recalibrating on a real file —
 * this is the code that tells which formula a real file used.
 *
 * Called once per differing line; allocation-free.
 */
#include "domain/recon/recon.h"

#include <stdio.h>
#include <string.h>

/* 10^-minor as a decimal. */
static struct dec minor_unit(int minor)
{
    struct dec d = dec_from_i64(1);

    for (int i = 0; i < minor; i++)
        d.raw /= 10;
    return d;
}

/*
 * The three formulas on |eup|, q seats and rate fx, rounded to `minor` places:
 * out[0] = A, out[1] = B, out[2] = H. Returns -1 on overflow.
 */
static int formulas(struct dec eup, int64_t q, struct dec fx, int minor, struct dec out[3])
{
    struct err e;
    struct dec t, u;

    eup = dec_abs(eup);
    /* A: ROUNDDOWN(EUP x rate, m) x qty */
    if (dec_mul(eup, fx, DEC_ROUND_DOWN, &t, &e) || dec_round(t, minor, DEC_ROUND_DOWN, &t, &e) ||
        dec_mul_i64(t, q, &out[0], &e))
        return -1;
    /* B: ROUNDDOWN(ROUNDDOWN(EUP x qty, m) x rate, m) */
    if (dec_mul_i64(eup, q, &t, &e) || dec_round(t, minor, DEC_ROUND_DOWN, &t, &e) ||
        dec_mul(t, fx, DEC_ROUND_DOWN, &u, &e) || dec_round(u, minor, DEC_ROUND_DOWN, &out[1], &e))
        return -1;
    /* H: ROUND(EUP x qty x rate, m) */
    if (dec_mul_i64(eup, q, &t, &e) || dec_mul(t, fx, DEC_ROUND_HALF_UP, &u, &e) ||
        dec_round(u, minor, DEC_ROUND_HALF_UP, &out[2], &e))
        return -1;
    return 0;
}

static const char *const formula_text[3] = {
    "ROUNDDOWN(EUP x rate) x qty",
    "ROUNDDOWN(EUP x qty)",
    "ROUND(EUP x qty) half-up",
};

/* Which formula (0..2) gives |target| from this EUP, or -1. */
static int formula_of(struct dec target, struct dec eup, int64_t q, struct dec fx, int minor)
{
    struct dec f[3];

    if (formulas(eup, q, fx, minor, f))
        return -1;
    for (int i = 0; i < 3; i++)
        if (dec_cmp(f[i], dec_abs(target)) == 0)
            return i;
    return -1;
}

/* Billing days out of the cycle for a line: round(|eup| x cycle / unit). */
static long days_of(struct dec eup, struct dec unit, int32_t cycle)
{
    struct err e;
    struct dec d;
    int64_t v;

    if (dec_is_zero(unit) ||
        dec_muldiv(dec_abs(eup), dec_from_i64(cycle), dec_abs(unit), DEC_ROUND_HALF_UP, &d,
                   &e) ||
        dec_round(d, 0, DEC_ROUND_HALF_UP, &d, &e) || dec_to_i64(d, &v, &e))
        return -1;
    return (long)v;
}

int recon_classify(const struct recon_amounts *ms, const struct recon_amounts *cs,
                   enum recon_type type, int64_t qty, int32_t days, int minor,
                   struct recon_verdict *out, struct err *err)
{
    char a[DEC_STRLEN], b[DEC_STRLEN], c[DEC_STRLEN], d[DEC_STRLEN];
    struct dec ra, rb, eup_gap;
    int64_t q = qty < 0 ? -qty : qty;

    (void)type;
    memset(out, 0, sizeof(*out));
    if (dec_round(ms->amount, minor, DEC_ROUND_HALF_UP, &ra, err) ||
        dec_round(cs->amount, minor, DEC_ROUND_HALF_UP, &rb, err) ||
        dec_sub(ra, rb, &out->difference, err))
        return -1;
    dec_format(ms->amount, a);
    dec_format(cs->amount, b);
    if (dec_is_zero(out->difference)) {
        out->status = RS_MATCHED;
        return 0;
    }
    out->status = RS_AMOUNT_DIFFERS;

    if (dec_cmp(ms->unit_price, cs->unit_price) != 0) {
        out->cause = RC_PRICE;
        dec_format(ms->unit_price, c);
        dec_format(cs->unit_price, d);
        snprintf(out->detail, sizeof(out->detail),
                 "unit price: Microsoft %s, cspd %s (amounts %s and %s)", c, d, a, b);
        return 0;
    }
    if (dec_cmp(ms->fx, cs->fx) != 0) {
        out->cause = RC_EXCHANGE_RATE;
        dec_format(ms->fx, c);
        dec_format(cs->fx, d);
        snprintf(out->detail, sizeof(out->detail),
                 "exchange rate: Microsoft %s, cspd %s (amounts %s and %s)", c, d, a, b);
        return 0;
    }

    if (dec_sub(ms->eup, cs->eup, &eup_gap, err))
        return -1;
    eup_gap = dec_abs(eup_gap);
    if (q > 0 && dec_is_neg(ms->amount) == dec_is_neg(cs->amount)) {
        int fm = formula_of(ms->amount, ms->eup, q, cs->fx, minor);
        int fc;

        if (fm < 0)
            fm = formula_of(ms->amount, cs->eup, q, cs->fx, minor);
        fc = formula_of(cs->amount, cs->eup, q, cs->fx, minor);
        if (fm >= 0 && dec_cmp(eup_gap, minor_unit(minor)) < 0) {
            out->cause = RC_ROUNDING_RULE;
            if (fc >= 0 && fc != fm)
                snprintf(out->detail, sizeof(out->detail),
                         "rounding: Microsoft %s = %s, cspd %s = %s", a, formula_text[fm], b,
                         formula_text[fc]);
            else
                snprintf(out->detail, sizeof(out->detail),
                         "rounding: Microsoft %s = %s, cspd %s", a, formula_text[fm], b);
            return 0;
        }
    }
    if (dec_cmp(eup_gap, minor_unit(minor)) < 0) {
        struct dec gap, per_seat_cap;

        if (dec_sub(ra, rb, &gap, err) || dec_mul_i64(minor_unit(minor), q ? q : 1,
                                                      &per_seat_cap, err))
            return -1;
        if (dec_cmp(dec_abs(gap), per_seat_cap) <= 0) {
            out->cause = RC_ROUNDING_RULE;
            dec_format(ms->eup, c);
            dec_format(cs->eup, d);
            snprintf(out->detail, sizeof(out->detail),
                     "rounding: same effective unit price (Microsoft %s, cspd %s), amounts %s "
                     "and %s", c, d, a, b);
            return 0;
        }
    } else if (!dec_is_zero(cs->eup) && !dec_is_zero(cs->unit_price)) {
        long cycle = days_of(cs->unit_price, cs->eup, days); /* unit x days / eup */
        long dm = cycle > 0 ? days_of(ms->eup, cs->unit_price, (int32_t)cycle) : -1;

        out->cause = RC_PRORATION_DAYS;
        dec_format(ms->eup, c);
        dec_format(cs->eup, d);
        if (cycle > 0 && dm >= 0)
            snprintf(out->detail, sizeof(out->detail),
                     "proration: Microsoft EUP %s (%ld of %ld days), cspd EUP %s (%ld of %ld "
                     "days); amounts %s and %s", c, dm, cycle, d, (long)days, cycle, a, b);
        else
            snprintf(out->detail, sizeof(out->detail),
                     "proration: Microsoft EUP %s, cspd EUP %s; amounts %s and %s", c, d, a, b);
        return 0;
    }
    out->cause = RC_UNKNOWN;
    snprintf(out->detail, sizeof(out->detail), "amounts differ: Microsoft %s, cspd %s", a, b);
    return 0;
}
