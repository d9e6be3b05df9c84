/*
 * core/decimal.h — exact decimal numbers for money and quantities.
 *
 * A `struct dec` is a value type: a signed 128-bit integer count of 10^-18 units
 * (DEC_SCALE = 18 fraction digits). Range: |x| < 1.7 * 10^20, so a distributor's yearly total
 * in IDR or KRW (10^15 and more) stays exact to 18 places; Microsoft's reconciliation files
 * carry up to 18 fraction digits ("22.000000000000000000"), which parse without loss.
 * Binary floating point is never used for money or quantities anywhere in cspd.
 *
 * Every operation that can leave the range reports ERR_OVERFLOW and leaves *out untouched;
 * nothing wraps. Multiplication and division compute the exact 256-bit intermediate and round
 * once, with the caller's explicit mode, back to 18 places. dec_muldiv(a, b, c) computes
 * a*b/c with a single rounding: that is how the proration rule "unit_price * days / cycle_days"
 * stays exact (10.00 * 31 / 31 is 10.00, never 9.99...).
 *
 * Rounding modes (named by what they do to the magnitude, as Microsoft's docs do):
 *   DEC_ROUND_DOWN       toward zero (Excel ROUNDDOWN, Microsoft's truncation): 2.349 -> 2.34,
 *                        -9.4296 -> -9.42
 *   DEC_ROUND_HALF_UP    half away from zero (Excel ROUND): 2.345 -> 2.35, -2.345 -> -2.35
 *   DEC_ROUND_HALF_EVEN  banker's rounding: 2.345 -> 2.34, 2.355 -> 2.36
 *   DEC_ROUND_UP         away from zero: 2.341 -> 2.35
 *   DEC_ROUND_FLOOR      toward minus infinity; DEC_ROUND_CEILING toward plus infinity
 */
#ifndef CSPD_CORE_DECIMAL_H
#define CSPD_CORE_DECIMAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define DEC_SCALE 18
/* Longest text dec_format writes, including sign and NUL. */
#define DEC_STRLEN 48

struct dec {
    __int128 raw; /* value * 10^DEC_SCALE */
};

enum dec_round {
    DEC_ROUND_DOWN,
    DEC_ROUND_HALF_UP,
    DEC_ROUND_HALF_EVEN,
    DEC_ROUND_UP,
    DEC_ROUND_FLOOR,
    DEC_ROUND_CEILING,
};

static inline struct dec dec_zero(void) { struct dec d = {0}; return d; }

/* Exact conversion from an integer (always in range). */
struct dec dec_from_i64(int64_t v);

/*
 * Parse a decimal string of exactly `len` bytes: optional sign, digits, optional '.' and up to
 * 18 fraction digits, optional exponent ("1.5E-3", as Excel-saved CSVs write). No spaces, no
 * thousands separators. On error: ERR_PARSE with msg naming the 1-based character position
 * ("invalid character 'x' at position 4"), or ERR_OVERFLOW when out of range, or ERR_PARSE
 * "more than 18 fraction digits" when the value cannot be represented exactly.
 */
int dec_parse(const char *s, size_t len, struct dec *out, struct err *err);
/* Same, NUL-terminated. */
int dec_parse_cstr(const char *s, struct dec *out, struct err *err);

/*
 * Text with the minimal number of fraction digits ("100.8", "-9.408", "12675", "0").
 * Returns the length written (buf needs DEC_STRLEN bytes).
 */
size_t dec_format(struct dec a, char buf[DEC_STRLEN]);
/*
 * Text with exactly `places` fraction digits (0..18), rounding with `mode` first
 * ("100.80" for places 2). Returns the length written.
 */
size_t dec_format_fixed(struct dec a, int places, enum dec_round mode, char buf[DEC_STRLEN]);

int dec_add(struct dec a, struct dec b, struct dec *out, struct err *err);
int dec_sub(struct dec a, struct dec b, struct dec *out, struct err *err);
/* a*b rounded to 18 places with `mode`. */
int dec_mul(struct dec a, struct dec b, enum dec_round mode, struct dec *out, struct err *err);
/* a/b rounded to 18 places with `mode`; b == 0 is ERR_INVALID "division by zero". */
int dec_div(struct dec a, struct dec b, enum dec_round mode, struct dec *out, struct err *err);
/* a*b/c with one rounding at the end (exact 256-bit intermediate). */
int dec_muldiv(struct dec a, struct dec b, struct dec c, enum dec_round mode, struct dec *out,
               struct err *err);
/* Multiply by an integer (exact or ERR_OVERFLOW). */
int dec_mul_i64(struct dec a, int64_t k, struct dec *out, struct err *err);

/* Round to `places` fraction digits (0..18) with `mode`. */
int dec_round(struct dec a, int places, enum dec_round mode, struct dec *out, struct err *err);
/*
 * Round to the minor unit of ISO 4217 currency `ccy` (USD 2, JPY 0, KWD 3; see currency.h).
 * An unknown currency is ERR_INVALID with field "currency".
 */
int dec_round_currency(struct dec a, const char *ccy, enum dec_round mode, struct dec *out,
                       struct err *err);

int dec_cmp(struct dec a, struct dec b); /* -1, 0, 1 */
static inline bool dec_is_zero(struct dec a) { return a.raw == 0; }
static inline bool dec_is_neg(struct dec a) { return a.raw < 0; }
static inline struct dec dec_neg(struct dec a) { a.raw = -a.raw; return a; }
static inline struct dec dec_abs(struct dec a) { if (a.raw < 0) a.raw = -a.raw; return a; }
/* Number of significant fraction digits (0 for integers, 3 for 9.408). */
int dec_fraction_digits(struct dec a);
/* The value as an int64 when it is integral and fits; ERR_INVALID otherwise. */
int dec_to_i64(struct dec a, int64_t *out, struct err *err);

#endif
