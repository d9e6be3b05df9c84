/*
 * tests/unit/test_lifecycle_window.c — the 168-hour window and seat lots (nce-rules.md §2, §3,
 * Part A 2, 15 "Cancel"), at the boundaries: one second before the deadline is inside, the
 * deadline itself is outside ([event, event + 168 h)).
 *
 * Instants are built by hand: 2026-04-11T02:22:47Z is the purchase; + 168 h (7 x 86400 s =
 * 604800 s) = 2026-04-18T02:22:47Z.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "domain/lifecycle/commands.h"
#include "domain/lifecycle/window.h"

static instant_t T(const char *s)
{
    instant_t t;
    struct err e;

    assert_int_equal(instant_parse_cstr(s, &t, &e), 0);
    return t;
}

static struct catalog cat;

static struct lc_env env(void)
{
    struct lc_env e = {&cat, "EUR", true};

    return e;
}

/* A P1Y monthly subscription of 4 seats ordered at `at` (through the real command). */
static struct sub ordered(instant_t at, int32_t qty)
{
    struct lc_env e = env();
    struct lc_order o = {.sku = "SKU-A", .term = TERM_P1Y, .billing = BILLING_MONTHLY,
                         .quantity = qty, .auto_renew = true};
    struct lc_out out;
    struct err err;
    struct sub s;

    assert_int_equal(lc_cmd_order(&e, &o, at, &out, &err), 0);
    assert_int_equal(out.n, 1);
    sub_init(&s);
    sub_apply(&s, &out.ev[0]);
    return s;
}

static int set_qty(struct sub *s, int32_t q, instant_t at, struct err *err)
{
    struct lc_env e = env();
    struct lc_out out;

    if (lc_cmd_set_quantity(&e, s, q, at, &out, err) < 0)
        return -1;
    for (int i = 0; i < out.n; i++)
        sub_apply(s, &out.ev[i]);
    return 0;
}

static void test_deadline(void **state)
{
    instant_t t = T("2026-04-11T02:22:47Z");

    (void)state;
    assert_true(window_deadline(t) == T("2026-04-18T02:22:47Z"));
    assert_true(window_is_open(window_deadline(t), t));
    assert_true(window_is_open(window_deadline(t), T("2026-04-18T02:22:46Z")));
    assert_false(window_is_open(window_deadline(t), T("2026-04-18T02:22:47Z")));
    assert_false(window_is_open(window_deadline(t), T("2026-04-18T02:22:48Z")));
}

/* Part A 2: cancel 1 s before purchase + 168 h is accepted; at + 168 h it is refused. */
static void test_cancel_boundary(void **state)
{
    struct lc_env e = env();
    struct sub s = ordered(T("2026-04-11T02:22:47Z"), 4);
    struct lc_out out;
    struct err err;

    (void)state;
    assert_int_equal(lc_cmd_cancel(&e, &s, T("2026-04-18T02:22:46Z"), &out, &err), 0);
    assert_int_equal(out.ev[0].kind, EV_CANCELLED);
    assert_int_equal(lc_cmd_cancel(&e, &s, T("2026-04-18T02:22:47Z"), &out, &err), -1);
    assert_string_equal(err_reason(&err), "outside_cancellation_window");
    /* the sentence names when the window opened and closed */
    assert_non_null(strstr(err.msg, "2026-04-11 02:22:47 UTC"));
    assert_non_null(strstr(err.msg, "2026-04-18 02:22:47 UTC"));
}

/*
 * Part A 15 "Cancel": a seat lot's own window allows seat reductions only, not a cancel
 * (rc-32): 5 seats added on day 5 are still in their window when the purchase window closes.
 */
static void test_lot_window_does_not_allow_cancel(void **state)
{
    struct lc_env e = env();
    struct sub s = ordered(T("2026-04-11T02:22:47Z"), 4);
    struct lc_out out;
    struct err err;

    (void)state;
    assert_int_equal(set_qty(&s, 9, T("2026-04-16T14:22:47Z"), &err), 0);
    assert_int_equal(lc_cmd_cancel(&e, &s, T("2026-04-18T02:22:48Z"), &out, &err), -1);
    assert_string_equal(err_reason(&err), "outside_cancellation_window");
    /* ... but removing that lot is fine until 2026-04-23T14:22:47Z */
    assert_int_equal(set_qty(&s, 4, T("2026-04-23T14:22:46Z"), &err), 0);
    assert_int_equal(s.quantity, 4);
}

/* Part A 2: reduction at lot deadline - 1 s accepted; at the deadline refused, with dates. */
static void test_decrease_boundary(void **state)
{
    struct sub s = ordered(T("2026-04-11T02:22:47Z"), 4), s2;
    struct err err;

    (void)state;
    assert_int_equal(set_qty(&s, 9, T("2026-04-16T14:22:47Z"), &err), 0);
    s2 = s;
    assert_int_equal(set_qty(&s, 8, T("2026-04-23T14:22:46Z"), &err), 0);
    assert_int_equal(set_qty(&s2, 8, T("2026-04-23T14:22:47Z"), &err), -1);
    assert_string_equal(err_reason(&err), "quantity_decrease_outside_window");
    assert_non_null(strstr(err.msg, "added on 2026-04-16 14:22:47 UTC"));
    assert_non_null(strstr(err.msg, "closed on 2026-04-23 14:22:47 UTC"));
}

/*
 * Part A 2: newest first (rc-07 shape). Lots: purchase 20 (to Jul 22), +4 (to Jul 31 14:13:09),
 * +3 (to Aug 3 15:13:09). Reduce by 4 on Jul 28: the 3 of the newest lot, then 1 of the +4 lot
 * (3 left there). On Jul 31 14:13:10 the +4 lot has closed and the newest is empty: 1 more is
 * refused although the subscription has seats "added within 7 days" on paper.
 */
static void test_newest_first(void **state)
{
    struct sub s = ordered(T("2026-07-15T05:33:43Z"), 20);
    struct err err;

    (void)state;
    assert_int_equal(set_qty(&s, 24, T("2026-07-24T14:13:09Z"), &err), 0);
    assert_int_equal(set_qty(&s, 27, T("2026-07-27T15:13:09Z"), &err), 0);
    assert_int_equal(set_qty(&s, 23, T("2026-07-28T17:13:09Z"), &err), 0);
    assert_int_equal(lots_reducible(&s.lots, T("2026-07-28T17:13:10Z")), 3);
    assert_int_equal(set_qty(&s, 22, T("2026-07-31T14:13:10Z"), &err), -1);
    assert_string_equal(err_reason(&err), "quantity_decrease_outside_window");
    assert_int_equal(lots_reducible(&s.lots, T("2026-07-31T14:13:08Z")), 3);
}

/* A reduction is all or nothing: 4 asked, 3 reducible -> refused, nothing removed (rc-08). */
static void test_decrease_beyond_lots(void **state)
{
    struct sub s = ordered(T("2027-03-06T04:14:20Z"), 8);
    struct err err;

    (void)state;
    assert_int_equal(set_qty(&s, 11, T("2027-03-14T22:29:10Z"), &err), 0);
    assert_int_equal(set_qty(&s, 7, T("2027-03-17T08:29:10Z"), &err), -1);
    assert_int_equal(s.quantity, 11);
    assert_int_equal(set_qty(&s, 8, T("2027-03-17T09:29:10Z"), &err), 0);
    assert_int_equal(s.quantity, 8);
}

static void test_lots_primitives(void **state)
{
    struct lots l;

    (void)state;
    lots_reset(&l, 10, 0, 100);
    assert_int_equal(lots_add(&l, 5, 50, 150), 0);
    assert_int_equal(lots_reducible(&l, 99), 15);
    assert_int_equal(lots_reducible(&l, 100), 5);
    lots_take_newest(&l, 7);               /* 5 from the newest, 2 from the first */
    assert_int_equal(lots_reducible(&l, 0), 8);
    assert_int_equal(l.v[0].qty, 8);
    lots_take_newest(&l, 20);              /* more than listed: the rest is untracked */
    assert_int_equal(lots_reducible(&l, 0), 0);
    /* full of open lots: no room; once the oldest closes, room */
    lots_clear(&l);
    for (int i = 0; i < LOTS_MAX; i++)
        assert_int_equal(lots_add(&l, 1, i, 1000 + i), 0);
    assert_int_equal(lots_add(&l, 1, 99, 2000), -1);
    assert_int_equal(lots_make_room(&l, 999), -1);
    assert_int_equal(lots_make_room(&l, 1000), 0);
    assert_int_equal(l.n, LOTS_MAX - 1);
    assert_true(l.v[0].deadline == 1001);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deadline),
        cmocka_unit_test(test_cancel_boundary),
        cmocka_unit_test(test_lot_window_does_not_allow_cancel),
        cmocka_unit_test(test_decrease_boundary),
        cmocka_unit_test(test_newest_first),
        cmocka_unit_test(test_decrease_beyond_lots),
        cmocka_unit_test(test_lots_primitives),
    };
    struct price_point p;
    struct err e;
    int rc;

    catalog_init(&cat, "DE");
    memset(&p, 0, sizeof(p));
    strcpy(p.sku, "SKU-A");
    strcpy(p.currency, "EUR");
    p.term = TERM_P1Y;
    p.billing = BILLING_MONTHLY;
    dec_parse_cstr("20.98", &p.unit_price, &e);
    p.effective_from = (struct date){2020, 1, 1};
    catalog_add_price(&cat, &p, &e);
    catalog_seal(&cat);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    catalog_release(&cat);
    return rc;
}
