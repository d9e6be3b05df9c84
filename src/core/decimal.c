/*
 * core/decimal.c — exact decimal arithmetic for money and quantities (see decimal.h for the
 * contract).
 *
 * Owns every computation on `struct dec` in cspd: parsing Microsoft's decimal strings, printing,
 * the four operations, a*b/c with one rounding, and rounding to places or to a currency's
 * minor unit. No binary floating point appears here or anywhere money is handled.
 *
 * Workload: the billing engine and the day-by-day reference model call add/sub/cmp and rounding
 * millions of times per simulated year, and mul/muldiv once or twice per charge line. So:
 *   - add, sub and cmp are one 128-bit operation plus an overflow test, no loops;
 *   - rounding works on the magnitude with one division by a power of ten;
 *   - mul, div and muldiv share one core, raw = a*b/c. When a*b fits in 128 bits (the common
 *     case for prices times quantities) it is one 128-bit multiply and divide; otherwise it
 *     takes the exact 256-bit product (four 64x64 multiplies) and divides it with Knuth's
 *     algorithm D on 64-bit limbs. Either way the quotient is rounded once, with the caller's
 *     mode, from the exact remainder.
 *
 * Range: |raw| <= 2^127 - 1. The raw value -2^127 is never produced (it would be the one value
 * without a negation), so dec_neg and dec_abs in the header are always safe; results that would
 * land there are ERR_OVERFLOW like any other out-of-range result.
 *
 * Parsing is strict and bounded (STYLE.md rule 9): exactly `len` bytes, no strtol/sscanf, and the
 * first wrong byte is reported with its 1-based position (one past the end when the text stops
 * early). "5." and ".5" are accepted; a lone sign or dot is not. Exponents are accepted so that
 * Excel-saved files ("1.5E-3") parse, but only when the value is exactly representable.
 */
#include "core/decimal.h"

#include <string.h>

#include "core/currency.h"

#define SCALE 1000000000000000000ULL /* 10^18 */
#define RAW_MAX ((__int128)(((unsigned __int128)1 << 127) - 1))
#define UMAX ((unsigned __int128)RAW_MAX)
/* Longest integer part of an in-range value is 21 digits; raw has at most 39. */
#define RAW_DIGITS_MAX 39
/* Exponents beyond this are clamped while reading; any such value is out of range anyway. */
#define EXP_CAP 100000

static const uint64_t pow10_u64[20] = {
    1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL, 10000000ULL, 100000000ULL,
    1000000000ULL, 10000000000ULL, 100000000000ULL, 1000000000000ULL, 10000000000000ULL,
    100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL, 100000000000000000ULL,
    1000000000000000000ULL, 10000000000000000000ULL,
};

/* |v| as unsigned; correct for every value including -2^127. */
static inline unsigned __int128 magnitude(__int128 v)
{
    return v < 0 ? (unsigned __int128)0 - (unsigned __int128)v : (unsigned __int128)v;
}

static inline bool mode_valid(enum dec_round mode)
{
    return (unsigned)mode <= (unsigned)DEC_ROUND_CEILING;
}

/*
 * Whether a truncated magnitude `q` (with remainder `rem` of divisor `div`, 0 <= rem < div) must
 * move one unit away from zero under `mode`. `neg` is the sign of the exact result.
 */
static inline bool round_away(enum dec_round mode, bool neg, unsigned __int128 q,
                              unsigned __int128 rem, unsigned __int128 div)
{
    unsigned __int128 rest;

    if (rem == 0)
        return false;
    rest = div - rem; /* distance to the next multiple; rem >= rest means "at least half" */
    switch (mode) {
    case DEC_ROUND_DOWN: return false;
    case DEC_ROUND_HALF_UP: return rem >= rest;
    case DEC_ROUND_HALF_EVEN: return rem > rest || (rem == rest && (q & 1));
    case DEC_ROUND_UP: return true;
    case DEC_ROUND_FLOOR: return neg;
    case DEC_ROUND_CEILING: return !neg;
    }
    return false;
}

/* Signed result from a magnitude, or -1 when it does not fit. */
static inline int from_magnitude(unsigned __int128 mag, bool neg, __int128 *out)
{
    if (mag > UMAX)
        return -1;
    *out = neg ? -(__int128)mag : (__int128)mag;
    return 0;
}

/* ---- 256-bit intermediate ------------------------------------------------------------------ */

/* out[0..3] (little-endian 64-bit limbs) = a * b, exact. */
static void mul_128x128(unsigned __int128 a, unsigned __int128 b, uint64_t out[4])
{
    uint64_t a0 = (uint64_t)a, a1 = (uint64_t)(a >> 64);
    uint64_t b0 = (uint64_t)b, b1 = (uint64_t)(b >> 64);
    unsigned __int128 p00 = (unsigned __int128)a0 * b0;
    unsigned __int128 p01 = (unsigned __int128)a0 * b1;
    unsigned __int128 p10 = (unsigned __int128)a1 * b0;
    unsigned __int128 p11 = (unsigned __int128)a1 * b1;
    /* At most 3 * (2^64 - 1): no overflow. */
    unsigned __int128 mid = (p00 >> 64) + (uint64_t)p01 + (uint64_t)p10;
    /* The whole product is < 2^256, so the top half cannot overflow either. */
    unsigned __int128 top = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);

    out[0] = (uint64_t)p00;
    out[1] = (uint64_t)mid;
    out[2] = (uint64_t)top;
    out[3] = (uint64_t)(top >> 64);
}

/*
 * Knuth, TAOCP vol. 2, 4.3.1, algorithm D, with 64-bit digits: q = u / v, r = u % v, for u of
 * 4 limbs and v of n (1 or 2) limbs with v[n-1] != 0. q gets 5 - n limbs, r gets n limbs.
 */
static void div_256_by_128(const uint64_t u[4], const uint64_t *v, int n, uint64_t *q,
                           uint64_t *r)
{
    const int m = 4;
    uint64_t un[5], vn[2];
    int s, i, j;

    if (n == 1) {
        uint64_t rem = 0;

        for (j = m - 1; j >= 0; j--) {
            unsigned __int128 num = ((unsigned __int128)rem << 64) | u[j];

            q[j] = (uint64_t)(num / v[0]);
            rem = (uint64_t)(num - (unsigned __int128)q[j] * v[0]);
        }
        r[0] = rem;
        return;
    }

    /* D1: normalize so that the divisor's top bit is set. */
    s = __builtin_clzll(v[n - 1]);
    for (i = n - 1; i > 0; i--)
        vn[i] = s ? (v[i] << s) | (v[i - 1] >> (64 - s)) : v[i];
    vn[0] = v[0] << s;
    un[m] = s ? u[m - 1] >> (64 - s) : 0;
    for (i = m - 1; i > 0; i--)
        un[i] = s ? (u[i] << s) | (u[i - 1] >> (64 - s)) : u[i];
    un[0] = u[0] << s;

    for (j = m - n; j >= 0; j--) {
        /* D3: estimate the quotient digit from the top two limbs, then correct it. */
        unsigned __int128 num = ((unsigned __int128)un[j + n] << 64) | un[j + n - 1];
        unsigned __int128 qhat = num / vn[n - 1];
        unsigned __int128 rhat = num - qhat * vn[n - 1];
        uint64_t carry = 0, borrow = 0, top;
        unsigned __int128 sub;

        while ((qhat >> 64) != 0 ||
               qhat * vn[n - 2] > ((rhat << 64) | un[j + n - 2])) {
            qhat--;
            rhat += vn[n - 1];
            if ((rhat >> 64) != 0)
                break;
        }

        /* D4: multiply and subtract. */
        for (i = 0; i < n; i++) {
            unsigned __int128 p = qhat * vn[i] + carry;
            uint64_t plo = (uint64_t)p;
            uint64_t t = un[i + j] - plo;
            uint64_t b1 = un[i + j] < plo;

            carry = (uint64_t)(p >> 64);
            un[i + j] = t - borrow;
            borrow = b1 + (t < borrow);
        }
        top = un[j + n];
        sub = (unsigned __int128)carry + borrow;
        un[j + n] = top - (uint64_t)sub;
        q[j] = (uint64_t)qhat;

        /*
         * D5/D6: the estimate was one too large: add the divisor back. With n <= 2 the
         * correction loop above compares against the whole divisor, so this cannot happen;
         * it is kept so the routine stays Knuth's algorithm as written.
         */
        if ((unsigned __int128)top < sub) {
            uint64_t c = 0;

            q[j]--;
            for (i = 0; i < n; i++) {
                unsigned __int128 t = (unsigned __int128)un[i + j] + vn[i] + c;

                un[i + j] = (uint64_t)t;
                c = (uint64_t)(t >> 64);
            }
            un[j + n] += c;
        }
    }

    /* D8: unnormalize the remainder. */
    for (i = 0; i < n - 1; i++)
        r[i] = s ? (un[i] >> s) | (un[i + 1] << (64 - s)) : un[i];
    r[n - 1] = un[n - 1] >> s;
}

/*
 * The one core of mul, div and muldiv: *out = round(a * b / c) with a single rounding.
 * c != 0. Returns -1 (and leaves *out alone) when the result is out of range.
 */
static int muldiv_raw(__int128 a, __int128 b, __int128 c, enum dec_round mode, __int128 *out)
{
    bool neg = (a < 0) ^ (b < 0) ^ (c < 0);
    unsigned __int128 ua = magnitude(a), ub = magnitude(b), uc = magnitude(c);
    unsigned __int128 p, q, rem;

    if (!__builtin_mul_overflow(ua, ub, &p)) {
        if (((p | uc) >> 64) == 0) {
            q = (uint64_t)p / (uint64_t)uc;
            rem = (uint64_t)p - (uint64_t)q * (uint64_t)uc;
        } else {
            q = p / uc;
            rem = p - q * uc;
        }
    } else {
        uint64_t prod[4], v[2], qq[4] = {0, 0, 0, 0}, rr[2] = {0, 0};
        int n = (uc >> 64) ? 2 : 1;

        mul_128x128(ua, ub, prod);
        /* The quotient fits in 128 bits only if the product's top half is below the divisor. */
        if ((((unsigned __int128)prod[3] << 64) | prod[2]) >= uc)
            return -1;
        v[0] = (uint64_t)uc;
        v[1] = (uint64_t)(uc >> 64);
        div_256_by_128(prod, v, n, qq, rr);
        q = ((unsigned __int128)qq[1] << 64) | qq[0];
        rem = ((unsigned __int128)rr[1] << 64) | rr[0];
    }
    if (q > UMAX)
        return -1;
    q += round_away(mode, neg, q, rem, uc);
    return from_magnitude(q, neg, out);
}

/* ---- construction, comparison ---------------------------------------------------------------- */

struct dec dec_from_i64(int64_t v)
{
    struct dec d;

    d.raw = (__int128)v * (__int128)SCALE;
    return d;
}

int dec_cmp(struct dec a, struct dec b)
{
    return (a.raw > b.raw) - (a.raw < b.raw);
}

int dec_fraction_digits(struct dec a)
{
    uint64_t frac = (uint64_t)(magnitude(a.raw) % SCALE);
    int digits = DEC_SCALE;

    if (frac == 0)
        return 0;
    while (frac % 10 == 0) {
        frac /= 10;
        digits--;
    }
    return digits;
}

int dec_to_i64(struct dec a, int64_t *out, struct err *err)
{
    __int128 q = a.raw / (__int128)SCALE;

    if (a.raw % (__int128)SCALE != 0)
        return err_set(err, ERR_INVALID, NULL, "expected a whole number");
    if (q > INT64_MAX || q < INT64_MIN)
        return err_set(err, ERR_OVERFLOW, NULL, "number out of the 64-bit integer range");
    *out = (int64_t)q;
    return 0;
}

/* ---- add, sub, mul, div -------------------------------------------------------------------- */

int dec_add(struct dec a, struct dec b, struct dec *out, struct err *err)
{
    __int128 r;

    if (__builtin_add_overflow(a.raw, b.raw, &r) || r == -RAW_MAX - 1)
        return err_set(err, ERR_OVERFLOW, NULL, "amount out of range in addition");
    out->raw = r;
    return 0;
}

int dec_sub(struct dec a, struct dec b, struct dec *out, struct err *err)
{
    __int128 r;

    if (__builtin_sub_overflow(a.raw, b.raw, &r) || r == -RAW_MAX - 1)
        return err_set(err, ERR_OVERFLOW, NULL, "amount out of range in subtraction");
    out->raw = r;
    return 0;
}

int dec_mul_i64(struct dec a, int64_t k, struct dec *out, struct err *err)
{
    __int128 r;

    if (__builtin_mul_overflow(a.raw, (__int128)k, &r) || r == -RAW_MAX - 1)
        return err_set(err, ERR_OVERFLOW, NULL, "amount out of range in multiplication");
    out->raw = r;
    return 0;
}

int dec_mul(struct dec a, struct dec b, enum dec_round mode, struct dec *out, struct err *err)
{
    __int128 r;

    if (!mode_valid(mode))
        return err_set(err, ERR_INVALID, NULL, "unknown rounding mode %d", (int)mode);
    if (muldiv_raw(a.raw, b.raw, (__int128)SCALE, mode, &r) < 0)
        return err_set(err, ERR_OVERFLOW, NULL, "amount out of range in multiplication");
    out->raw = r;
    return 0;
}

int dec_div(struct dec a, struct dec b, enum dec_round mode, struct dec *out, struct err *err)
{
    __int128 r;

    if (!mode_valid(mode))
        return err_set(err, ERR_INVALID, NULL, "unknown rounding mode %d", (int)mode);
    if (b.raw == 0)
        return err_set(err, ERR_INVALID, NULL, "division by zero");
    if (muldiv_raw(a.raw, (__int128)SCALE, b.raw, mode, &r) < 0)
        return err_set(err, ERR_OVERFLOW, NULL, "amount out of range in division");
    out->raw = r;
    return 0;
}

/* (A/S) * (B/S) / (C/S) scaled by S is exactly A*B/C: no extra factor of 10^18. */
int dec_muldiv(struct dec a, struct dec b, struct dec c, enum dec_round mode, struct dec *out,
               struct err *err)
{
    __int128 r;

    if (!mode_valid(mode))
        return err_set(err, ERR_INVALID, NULL, "unknown rounding mode %d", (int)mode);
    if (c.raw == 0)
        return err_set(err, ERR_INVALID, NULL, "division by zero");
    if (muldiv_raw(a.raw, b.raw, c.raw, mode, &r) < 0)
        return err_set(err, ERR_OVERFLOW, NULL, "amount out of range in multiply-divide");
    out->raw = r;
    return 0;
}

/* ---- rounding ------------------------------------------------------------------------------ */

/* Magnitude of `raw` rounded to a multiple of `unit` (a power of ten <= 10^18). Never wraps. */
static inline unsigned __int128 round_mag(__int128 raw, uint64_t unit, enum dec_round mode)
{
    unsigned __int128 mag = magnitude(raw), q, rem;

    if ((mag >> 64) == 0) {
        q = (uint64_t)mag / unit;
        rem = (uint64_t)mag % unit;
    } else {
        q = mag / unit;
        rem = mag - q * unit;
    }
    q += round_away(mode, raw < 0, q, rem, unit);
    return q * unit; /* <= mag + unit - 1 < 2^128 */
}

int dec_round(struct dec a, int places, enum dec_round mode, struct dec *out, struct err *err)
{
    __int128 r;

    if (places < 0 || places > DEC_SCALE)
        return err_set(err, ERR_INVALID, NULL, "rounding places %d out of range 0..%d", places,
                       DEC_SCALE);
    if (!mode_valid(mode))
        return err_set(err, ERR_INVALID, NULL, "unknown rounding mode %d", (int)mode);
    if (from_magnitude(round_mag(a.raw, pow10_u64[DEC_SCALE - places], mode), a.raw < 0, &r))
        return err_set(err, ERR_OVERFLOW, NULL, "amount out of range after rounding");
    out->raw = r;
    return 0;
}

/* nce-rules Part A 4: amounts round to the billing currency's minor unit. */
int dec_round_currency(struct dec a, const char *ccy, enum dec_round mode, struct dec *out,
                       struct err *err)
{
    int places = ccy ? currency_minor_units(ccy) : -1;

    if (places < 0) {
        if (!ccy)
            return err_set(err, ERR_INVALID, "currency", "missing currency code");
        return err_set(err, ERR_INVALID, "currency", "unknown currency '%.16s'", ccy);
    }
    return dec_round(a, places, mode, out, err);
}

/* ---- text ---------------------------------------------------------------------------------- */

/* Write `v` in decimal at `p`, left-padded with zeros to `width` digits; returns the length. */
static size_t put_u64(char *p, uint64_t v, int width)
{
    char tmp[20];
    int n = 0, len;

    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    while (n < width)
        tmp[n++] = '0';
    for (len = 0; len < n; len++)
        p[len] = tmp[n - 1 - len];
    return (size_t)n;
}

/* The integer part of an in-range value is < 2^128 / 10^18 < 10^21: two 64-bit chunks. */
static size_t put_u128(char *p, unsigned __int128 v)
{
    const uint64_t e19 = pow10_u64[19];
    size_t n = 0;

    if (v > UINT64_MAX) {
        n = put_u64(p, (uint64_t)(v / e19), 0);
        return n + put_u64(p + n, (uint64_t)(v % e19), 19);
    }
    return put_u64(p, (uint64_t)v, 0);
}

size_t dec_format(struct dec a, char buf[DEC_STRLEN])
{
    unsigned __int128 mag = magnitude(a.raw);
    uint64_t frac = (uint64_t)(mag % SCALE);
    char *p = buf;

    if (a.raw < 0)
        *p++ = '-';
    p += put_u128(p, mag / SCALE);
    if (frac != 0) {
        *p++ = '.';
        p += put_u64(p, frac, DEC_SCALE);
        while (p[-1] == '0')
            p--;
    }
    *p = '\0';
    return (size_t)(p - buf);
}

size_t dec_format_fixed(struct dec a, int places, enum dec_round mode, char buf[DEC_STRLEN])
{
    unsigned __int128 mag;
    uint64_t unit;
    char *p = buf;

    if (places < 0)
        places = 0;
    if (places > DEC_SCALE)
        places = DEC_SCALE;
    unit = pow10_u64[DEC_SCALE - places];
    mag = round_mag(a.raw, unit, mode) / unit; /* in units of 10^-places */
    if (a.raw < 0 && mag != 0)
        *p++ = '-';
    p += put_u128(p, mag / pow10_u64[places]);
    if (places > 0) {
        *p++ = '.';
        p += put_u64(p, (uint64_t)(mag % pow10_u64[places]), places);
    }
    *p = '\0';
    return (size_t)(p - buf);
}

static int bad_char(struct err *err, const char *s, size_t i)
{
    unsigned char c = (unsigned char)s[i];

    if (c >= 0x20 && c < 0x7f)
        return err_set(err, ERR_PARSE, NULL, "invalid character '%c' at position %zu", c, i + 1);
    return err_set(err, ERR_PARSE, NULL, "invalid byte 0x%02x at position %zu", c, i + 1);
}

/* A digit was required at index i: name the byte found there, or the end of the text. */
static int need_digit(struct err *err, const char *s, size_t len, size_t i)
{
    if (i < len)
        return bad_char(err, s, i);
    return err_set(err, ERR_PARSE, NULL, "expected a digit at position %zu", i + 1);
}

static inline bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

int dec_parse(const char *s, size_t len, struct dec *out, struct err *err)
{
    size_t i = 0, int0, int1, frac0, frac1, ndig, total, n_int, k, first, last;
    bool neg = false;
    int64_t expo = 0, e10, shift;
    unsigned __int128 m = 0;

    if (len == 0)
        return err_set(err, ERR_PARSE, NULL, "empty number");

    /* Syntax: [+-] digits [. digits] [(e|E) [+-] digits], at least one mantissa digit. */
    if (s[0] == '+' || s[0] == '-') {
        neg = s[0] == '-';
        i = 1;
    }
    int0 = i;
    while (i < len && is_digit(s[i]))
        i++;
    int1 = frac0 = frac1 = i;
    if (i < len && s[i] == '.') {
        frac0 = ++i;
        while (i < len && is_digit(s[i]))
            i++;
        frac1 = i;
    }
    if (int1 == int0 && frac1 == frac0)
        return need_digit(err, s, len, i);
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        bool eneg = false;
        size_t e0;

        if (++i < len && (s[i] == '+' || s[i] == '-'))
            eneg = s[i++] == '-';
        e0 = i;
        while (i < len && is_digit(s[i])) {
            if (expo < EXP_CAP)
                expo = expo * 10 + (s[i] - '0');
            i++;
        }
        if (i == e0)
            return need_digit(err, s, len, i);
        if (eneg)
            expo = -expo;
    }
    if (i < len)
        return bad_char(err, s, i);

    /*
     * Value: the significant digits D (first..last nonzero of the mantissa's digits read as
     * one sequence) times 10^e10. raw = D * 10^(e10 + 18) must be an integer within range.
     */
    n_int = int1 - int0;
    total = n_int + (frac1 - frac0);
#define DIGIT(j) ((j) < n_int ? s[int0 + (j)] : s[frac0 + (j) - n_int])
    for (first = 0; first < total && DIGIT(first) == '0'; first++)
        ;
    if (first == total) {
        out->raw = 0; /* "0", "-0", "0.000", "0E7" */
        return 0;
    }
    for (last = total - 1; DIGIT(last) == '0'; last--)
        ;
    ndig = last - first + 1;
    e10 = expo + (int64_t)n_int - 1 - (int64_t)last;
    shift = e10 + DEC_SCALE;
    if (shift < 0)
        return err_set(err, ERR_PARSE, NULL, "more than %d fraction digits", DEC_SCALE);
    if ((int64_t)ndig + shift > RAW_DIGITS_MAX)
        return err_set(err, ERR_OVERFLOW, NULL, "number out of range");
    for (k = first; k <= last; k++) {
        if (__builtin_mul_overflow(m, 10, &m) ||
            __builtin_add_overflow(m, (unsigned)(DIGIT(k) - '0'), &m))
            return err_set(err, ERR_OVERFLOW, NULL, "number out of range");
    }
#undef DIGIT
    for (; shift > 0; shift--) {
        if (__builtin_mul_overflow(m, 10, &m))
            return err_set(err, ERR_OVERFLOW, NULL, "number out of range");
    }
    if (from_magnitude(m, neg, &out->raw) < 0)
        return err_set(err, ERR_OVERFLOW, NULL, "number out of range");
    return 0;
}

int dec_parse_cstr(const char *s, struct dec *out, struct err *err)
{
    return dec_parse(s, s ? strlen(s) : 0, out, err);
}
