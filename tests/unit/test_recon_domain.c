/*
 * tests/unit/test_recon_domain.c — domain/recon: charge-type normalisation, the sorted index
 * (equal keys, prefer the same amount, only-in-cspd leftovers) and the classification of a
 * differing amount, each cause with its figures worked by hand below (nce-rules.md §7.3-7.5).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/recon/recon.h"

static struct dec D(const char *s)
{
    struct dec d;
    struct err e;

    assert_int_equal(dec_parse_cstr(s, &d, &e), 0);
    return d;
}

static void test_types(void **state)
{
    (void)state;
    assert_int_equal(recon_type_parse("cycleCharge", 11), RT_CYCLE_CHARGE);
    assert_int_equal(recon_type_parse("CYCLECHARGE", 11), RT_CYCLE_CHARGE);
    assert_int_equal(recon_type_parse("cyclecharge", 11), RT_CYCLE_CHARGE);
    assert_int_equal(recon_type_parse("New", 3), RT_NEW);
    assert_int_equal(recon_type_parse("CancelImmediate", 15), RT_CANCEL_IMMEDIATE);
    assert_int_equal(recon_type_parse("extendTerm", 10), RT_EXTEND_TERM);
    assert_int_equal(recon_type_parse("somethingNew", 12), RT_UNKNOWN);
    assert_int_equal(recon_type_parse("", 0), RT_UNKNOWN);
    assert_string_equal(recon_type_name(RT_ADD_QUANTITY), "addQuantity");
    assert_int_equal(recon_sign(D("-94.08"), D("9.408"), D("-10")), -1);
    assert_int_equal(recon_sign(D("0"), D("-9.42"), D("10")), -1);
    assert_int_equal(recon_sign(D("0"), D("0"), D("-1")), -1);
    assert_int_equal(recon_sign(D("0"), D("0"), D("0")), 1);
}

static struct recon_amounts A(const char *unit, const char *eup, const char *amount,
                              const char *fx)
{
    struct recon_amounts a = {D(unit), D(eup), D(amount), D(fx)};

    return a;
}

static void test_index(void **state)
{
    struct recon_index ix;
    struct recon_key k = {.sub = 3, .start = 100, .end = 127, .qty = 12, .type = RT_ADD_QUANTITY,
                          .sign = 1};
    struct recon_key k2 = k;
    struct recon_amounts a1 = A("10.08", "9.408", "112.89", "1");
    struct recon_amounts a2 = A("10.08", "9.408", "112.80", "1");
    struct recon_entry *e;
    struct err err;

    (void)state;
    recon_index_init(&ix);
    /* 2000 other keys around it, to exercise growth and the binary search. */
    for (uint32_t i = 0; i < 2000; i++) {
        struct recon_key o = k;

        o.sub = i % 7 == 3 ? 4 : i % 7;
        o.start = (int32_t)i;
        assert_int_equal(recon_index_add(&ix, &o, &a1, 1000 + i, &err), 0);
    }
    assert_int_equal(recon_index_add(&ix, &k, &a1, 1, &err), 0);
    assert_int_equal(recon_index_add(&ix, &k, &a2, 2, &err), 0);
    recon_index_sort(&ix);
    /* Prefers the entry with the same amount to the cent, though it was added second. */
    e = recon_index_take(&ix, &k, D("112.8000001"), 2);
    assert_non_null(e);
    assert_int_equal(e->ref, 2);
    /* The next one takes what is left, whatever its amount. */
    e = recon_index_take(&ix, &k, D("1"), 2);
    assert_non_null(e);
    assert_int_equal(e->ref, 1);
    assert_null(recon_index_take(&ix, &k, D("1"), 2));
    /* Another sign or quantity is another key. */
    k2.sign = -1;
    assert_null(recon_index_take(&ix, &k2, D("1"), 2));
    k2 = k;
    k2.qty = 11;
    assert_null(recon_index_take(&ix, &k2, D("1"), 2));
    recon_index_reset(&ix);
    assert_non_null(recon_index_take(&ix, &k, D("112.89"), 2));
    recon_index_release(&ix);
}

static void classify(const struct recon_amounts *ms, const struct recon_amounts *cs,
                     enum recon_type t, int64_t q, int32_t days, struct recon_verdict *v)
{
    struct err err;

    assert_int_equal(recon_classify(ms, cs, t, q, days, 2, v, &err), 0);
}

static void test_matched(void **state)
{
    struct recon_verdict v;
    struct recon_amounts ms = A("10.08", "10.08", "100.8", "1");
    struct recon_amounts cs = A("10.08", "10.08", "100.80", "1");

    (void)state;
    classify(&ms, &cs, RT_NEW, 10, 30, &v);
    assert_int_equal(v.status, RS_MATCHED);
    assert_int_equal(v.cause, RC_NONE);
    /* Microsoft's 18-place figures round to the same cent (nce-rules §7.4, [T7]). */
    ms = A("10.080000000000000000", "10.080000000000000000", "100.800000000000000000", "1");
    classify(&ms, &cs, RT_NEW, 10, 30, &v);
    assert_int_equal(v.status, RS_MATCHED);
}

/*
 * Rounding rule (ms-02, nce-rules §7.5 example 2): 10.08 per seat, 12 seats for 28 of 30 days.
 * EUP = 10.08 / 30 x 28 = 9.408.
 *   cspd (Part A 4, addQuantity):  ROUNDDOWN(9.408 x 12, 2) = ROUNDDOWN(112.896) = 112.89
 *   Microsoft (documented formula): ROUNDDOWN(9.408, 2) x 12 = 9.40 x 12 = 112.80
 * Difference -0.09, cause rounding_rule.
 */
static void test_rounding(void **state)
{
    struct recon_verdict v;
    struct recon_amounts ms = A("10.08", "9.408", "112.80", "1");
    struct recon_amounts cs = A("10.08", "9.408", "112.89", "1");

    (void)state;
    classify(&ms, &cs, RT_ADD_QUANTITY, 12, 28, &v);
    assert_int_equal(v.status, RS_AMOUNT_DIFFERS);
    assert_int_equal(v.cause, RC_ROUNDING_RULE);
    assert_int_equal(dec_cmp(v.difference, D("-0.09")), 0);
    assert_non_null(strstr(v.detail, "ROUNDDOWN(EUP x rate) x qty"));
    assert_non_null(strstr(v.detail, "ROUNDDOWN(EUP x qty)"));
    /*
     * The other way round, on a cancel (ms-03): cspd ROUNDDOWN(10.08/31x29, 2) x 10 = 9.42 x 10
     * = -94.20; Microsoft with the exact EUP 9.429677.. and ROUNDDOWN(EUP x qty) = -94.29.
     */
    ms = A("10.08", "-9.429677419354838709", "-94.29", "1");
    cs = A("10.08", "-9.42", "-94.20", "1");
    classify(&ms, &cs, RT_CANCEL_IMMEDIATE, 10, 29, &v);
    assert_int_equal(v.cause, RC_ROUNDING_RULE);
    assert_int_equal(dec_cmp(v.difference, D("-0.09")), 0);
}

/* Price: cycleCharge 5 seats, Microsoft 12.50 (62.50) against cspd 12.00 (60.00): +2.50. */
static void test_price(void **state)
{
    struct recon_verdict v;
    struct recon_amounts ms = A("12.50", "12.50", "62.50", "1");
    struct recon_amounts cs = A("12.00", "12.00", "60.00", "1");

    (void)state;
    classify(&ms, &cs, RT_CYCLE_CHARGE, 5, 31, &v);
    assert_int_equal(v.cause, RC_PRICE);
    assert_int_equal(dec_cmp(v.difference, D("2.50")), 0);
    assert_non_null(strstr(v.detail, "12.5"));
    assert_non_null(strstr(v.detail, "12"));
}

/*
 * Exchange rate (Part A 12): 3 seats at 20 USD billed in EUR.
 *   Microsoft rate 0.846202666: ROUNDDOWN(20 x 0.846202666, 2) x 3 = 16.92 x 3 = 50.76
 *   cspd rate 0.84:             ROUNDDOWN(20 x 0.84, 2) x 3 = 16.80 x 3 = 50.40
 * Difference +0.36, cause exchange_rate.
 */
static void test_fx(void **state)
{
    struct recon_verdict v;
    struct recon_amounts ms = A("20", "20", "50.76", "0.846202666");
    struct recon_amounts cs = A("20", "20", "50.40", "0.84");

    (void)state;
    classify(&ms, &cs, RT_CYCLE_CHARGE, 3, 31, &v);
    assert_int_equal(v.cause, RC_EXCHANGE_RATE);
    assert_int_equal(dec_cmp(v.difference, D("0.36")), 0);
}

/*
 * Proration days (ms-03 shape): cancel Jul 17 in the cycle Jul 15 - Aug 14 (31 days).
 *   cspd: 29 days, EUP ROUNDDOWN(10.08/31x29) = 9.42, x10 = -94.20
 *   Microsoft: 28 days, EUP ROUNDDOWN(10.08/31x28 = 9.1045..) = 9.10, x10 = -91.00
 * cycle implied by cspd = round(10.08 x 29 / 9.42) = round(31.03) = 31;
 * Microsoft's days = round(9.10 x 31 / 10.08) = round(27.99) = 28. Difference +3.20.
 */
static void test_proration(void **state)
{
    struct recon_verdict v;
    struct recon_amounts ms = A("10.08", "-9.10", "-91.00", "1");
    struct recon_amounts cs = A("10.08", "-9.42", "-94.20", "1");

    (void)state;
    classify(&ms, &cs, RT_CANCEL_IMMEDIATE, 10, 29, &v);
    assert_int_equal(v.cause, RC_PRORATION_DAYS);
    assert_int_equal(dec_cmp(v.difference, D("3.20")), 0);
    assert_non_null(strstr(v.detail, "28 of 31 days"));
    assert_non_null(strstr(v.detail, "29 of 31 days"));
}

static void test_names(void **state)
{
    enum recon_status s;

    (void)state;
    assert_string_equal(recon_status_name(RS_ONLY_CSPD), "only_cspd");
    assert_int_equal(recon_status_parse("amount_differs", &s), 0);
    assert_int_equal(s, RS_AMOUNT_DIFFERS);
    assert_int_equal(recon_status_parse("nope", &s), -1);
    assert_string_equal(recon_cause_name(RC_PRORATION_DAYS), "proration_days");
}

/* The interned-name table against a naive model: numbers in first-seen order, through
 * several growths of the slot array and the arena; prefixes are other names. */
static void test_interned(void **state)
{
    struct recon_names t;
    struct err err;
    char buf[32];
    uint32_t num;

    (void)state;
    recon_names_init(&t);
    assert_int_equal(recon_names_find(&t, "sub_a", 5), RECON_NAME_NONE);
    for (int i = 0; i < 5000; i++) {
        int n = snprintf(buf, sizeof(buf), "sub_%d", i);

        assert_int_equal(recon_names_intern(&t, buf, (size_t)n, &num, &err), 0);
        assert_int_equal(num, (uint32_t)i);
    }
    for (int i = 4999; i >= 0; i--) {
        int n = snprintf(buf, sizeof(buf), "sub_%d", i);

        assert_int_equal(recon_names_intern(&t, buf, (size_t)n, &num, &err), 0);
        assert_int_equal(num, (uint32_t)i);
        assert_int_equal(recon_names_find(&t, buf, (size_t)n), (uint32_t)i);
        assert_string_equal(recon_names_get(&t, (uint32_t)i), buf);
    }
    assert_int_equal(t.n, 5000);
    assert_int_equal(recon_names_find(&t, "sub_1", 4), RECON_NAME_NONE); /* "sub_" */
    assert_int_equal(recon_names_find(&t, "sub_50000", 9), RECON_NAME_NONE);
    assert_string_equal(recon_names_get(&t, 5000), "");
    recon_names_release(&t);
}

static int u64_cmp(const void *pa, const void *pb)
{
    uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;

    return a < b ? -1 : a > b;
}

/*
 * The compact index: keys differing in any one field hash apart (these values, fixed); the
 * in-place sort agrees with qsort on 100,000 words full of duplicates (few distinct hashes)
 * and on sorted input; find returns every entry of a hash, ords ascending, none for others.
 */
static void test_key_index(void **state)
{
    struct recon_key k = {.start = 20000, .end = 20029, .qty = 12, .type = RT_NEW, .sign = 1};
    struct recon_key o;
    struct recon_key_index ix;
    struct err err;
    uint32_t h = recon_key_hash("sub_a", 5, &k);
    uint64_t *want;
    uint64_t x = 88172645463325252ULL;
    size_t first, n;

    (void)state;
    assert_int_equal(recon_key_hash("sub_a", 5, &k), h);
    assert_int_not_equal(recon_key_hash("sub_b", 5, &k), h);
    o = k, o.start++;
    assert_int_not_equal(recon_key_hash("sub_a", 5, &o), h);
    o = k, o.end++;
    assert_int_not_equal(recon_key_hash("sub_a", 5, &o), h);
    o = k, o.qty++;
    assert_int_not_equal(recon_key_hash("sub_a", 5, &o), h);
    o = k, o.type = RT_RENEW;
    assert_int_not_equal(recon_key_hash("sub_a", 5, &o), h);
    o = k, o.sign = -1;
    assert_int_not_equal(recon_key_hash("sub_a", 5, &o), h);
    o = k, o.sub = 7; /* not hashed: the id text is */
    assert_int_equal(recon_key_hash("sub_a", 5, &o), h);

    recon_key_index_init(&ix);
    want = malloc(100000 * sizeof(*want));
    assert_non_null(want);
    for (uint32_t i = 0; i < 100000; i++) {
        uint32_t hash;

        x ^= x << 13, x ^= x >> 7, x ^= x << 17; /* xorshift64 */
        hash = (uint32_t)(x % 997);               /* ~100 entries a hash */
        assert_int_equal(recon_key_index_add(&ix, hash, i, &err), 0);
        want[i] = (uint64_t)hash << 32 | i;
    }
    recon_key_index_sort(&ix);
    qsort(want, 100000, sizeof(*want), u64_cmp);
    assert_memory_equal(ix.v, want, 100000 * sizeof(*want));
    recon_key_index_sort(&ix); /* sorted input */
    assert_memory_equal(ix.v, want, 100000 * sizeof(*want));
    n = recon_key_index_find(&ix, 500, &first);
    assert_true(n > 50);
    for (size_t i = first; i < first + n; i++) {
        assert_int_equal(ix.v[i] >> 32, 500);
        if (i > first)
            assert_true(recon_key_index_ord(&ix, i) > recon_key_index_ord(&ix, i - 1));
    }
    assert_int_equal(first == 0 ? 0 : ix.v[first - 1] >> 32, first == 0 ? 0 : 499);
    assert_int_equal(recon_key_index_find(&ix, 997, &first), 0);
    assert_int_equal(first, 100000);
    free(want);
    recon_key_index_release(&ix);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_types),       cmocka_unit_test(test_index),
        cmocka_unit_test(test_matched),     cmocka_unit_test(test_rounding),
        cmocka_unit_test(test_price),       cmocka_unit_test(test_fx),
        cmocka_unit_test(test_proration),   cmocka_unit_test(test_names),
        cmocka_unit_test(test_interned),    cmocka_unit_test(test_key_index),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
