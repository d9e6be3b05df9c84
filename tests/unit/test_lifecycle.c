/*
 * tests/unit/test_lifecycle.c — domain/lifecycle commands, decisions, EST and the daily-cycle
 * step (nce-rules.md Part A 7-11, 15), and through svc/ on an in-memory store: the daily cycle
 * is idempotent and a subscription's stored events fold back to its stored state.
 *
 * Expected values are worked by hand in the comments (dates by "+ N months - 1 day", EST prices
 * by "x 1.03 / x 1.23, half-up").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "domain/lifecycle/commands.h"
#include "domain/lifecycle/est.h"
#include "domain/lifecycle/refusal.h"
#include "store/repo_catalog.h"
#include "store/repo_charge.h"
#include "store/repo_sub.h"
#include "svc/sub_svc.h"

static struct catalog cat;

static instant_t T(const char *s)
{
    instant_t t;
    struct err e;

    assert_int_equal(instant_parse_cstr(s, &t, &e), 0);
    return t;
}

static struct date D(int y, int m, int d)
{
    return (struct date){y, m, d};
}

static struct dec P(const char *s)
{
    struct dec d;
    struct err e;

    assert_int_equal(dec_parse_cstr(s, &d, &e), 0);
    return d;
}

#define assert_dec(a, s)                \
    do {                                \
        char buf_[DEC_STRLEN];          \
        dec_format((a), buf_);          \
        assert_string_equal(buf_, (s)); \
    } while (0)

static void add_price(struct catalog *c, const char *sku, enum term t, enum billing b,
                      const char *ccy, const char *price, struct date from)
{
    struct price_point p;
    struct err e;

    memset(&p, 0, sizeof(p));
    snprintf(p.sku, sizeof(p.sku), "%s", sku);
    snprintf(p.currency, sizeof(p.currency), "%s", ccy);
    p.term = t;
    p.billing = b;
    p.unit_price = P(price);
    p.effective_from = from;
    assert_int_equal(catalog_add_price(c, &p, &e), 0);
}

static struct lc_env env(void)
{
    struct lc_env e = {&cat, "USD", true};

    return e;
}

/* Apply every event of a command to `s` (target 0 only). */
static void apply_out(struct sub *s, const struct lc_out *out)
{
    for (int i = 0; i < out->n; i++)
        if (out->target[i] == 0)
            sub_apply(s, &out->ev[i]);
}

static struct sub order(const char *sku, enum term t, enum billing b, int32_t q, bool ar,
                        instant_t at)
{
    struct lc_env e = env();
    struct lc_order o = {.sku = sku, .term = t, .billing = b, .quantity = q, .auto_renew = ar};
    struct lc_out out;
    struct err err;
    struct sub s;

    assert_int_equal(lc_cmd_order(&e, &o, at, &out, &err), 0);
    sub_init(&s);
    apply_out(&s, &out);
    return s;
}

/* Run the daily cycle on one subscription up to `day`; returns how many events. */
static int day(struct sub *s, struct date d)
{
    struct lc_env e = env();
    struct lc_event ev;
    int n = 0;

    while (lc_day_step(&e, s, d, &ev) == 1) {
        sub_apply(s, &ev);
        n++;
    }
    return n;
}

/* ---- the catalogue's price at a day (Part A 9) ---- */

/*
 * Rows 10.00 from Jan 1, 11.00 from Mar 1 (ending Mar 31), a correction 10.50 also from Jan 1
 * added later: Feb 10 -> 10.50 (same day, added last wins); Mar 1 -> 11.00; Apr 1 -> none (the
 * latest row ended, nothing replaced it); Dec 31 of the year before -> none. A plan listed in
 * the billing currency is priced in it even if another currency's row is newer.
 */
static void test_catalog_price_at(void **state)
{
    struct catalog c;
    const struct price_point *p;

    (void)state;
    catalog_init(&c, "US");
    add_price(&c, "X", TERM_P1M, BILLING_MONTHLY, "USD", "10.00", D(2027, 1, 1));
    add_price(&c, "X", TERM_P1M, BILLING_MONTHLY, "USD", "11.00", D(2027, 3, 1));
    c.prices[1].effective_to = D(2027, 3, 31);
    add_price(&c, "X", TERM_P1M, BILLING_MONTHLY, "USD", "10.50", D(2027, 1, 1));
    add_price(&c, "X", TERM_P1M, BILLING_MONTHLY, "EUR", "9.00", D(2027, 2, 1));
    for (int sealed = 0; sealed < 2; sealed++) {
        if (sealed)
            catalog_seal(&c);
        p = catalog_price_at(&c, "X", TERM_P1M, BILLING_MONTHLY, "USD", D(2027, 2, 10));
        assert_non_null(p);
        assert_dec(p->unit_price, "10.5");
        p = catalog_price_at(&c, "X", TERM_P1M, BILLING_MONTHLY, "USD", D(2027, 3, 1));
        assert_dec(p->unit_price, "11");
        assert_null(catalog_price_at(&c, "X", TERM_P1M, BILLING_MONTHLY, "USD", D(2027, 4, 1)));
        assert_null(catalog_price_at(&c, "X", TERM_P1M, BILLING_MONTHLY, "USD", D(2026, 12, 31)));
        assert_null(catalog_price_at(&c, "X", TERM_P1Y, BILLING_MONTHLY, "USD", D(2027, 2, 10)));
        p = catalog_price_at(&c, "X", TERM_P1M, BILLING_MONTHLY, "GBP", D(2027, 2, 10));
        assert_string_equal(p->currency, "EUR"); /* no GBP row: the newest of any currency */
        assert_true(catalog_plan_has_price(&c, "X", TERM_P1M, BILLING_MONTHLY));
        assert_false(catalog_plan_has_price(&c, "X", TERM_P3Y, BILLING_ANNUAL));
    }
    catalog_release(&c);
}

/* ---- refusal priority (Part A 15) ---- */

static void test_priority_table(void **state)
{
    struct refusals r;
    struct err e;

    (void)state;
    refusals_init(&r);
    refusals_add(&r, REFUSE_NO_PRICE, "x", "no price");
    refusals_add(&r, REFUSE_DECREASE_WINDOW, "x", "decrease");
    refusals_add(&r, REFUSE_QUANTITY, "x", "qty");
    refusals_add(&r, REFUSE_UPGRADE_PATH, "x", "path");
    assert_int_equal(refusals_pick(&r, &e), -1);
    assert_string_equal(err_reason(&e), "invalid_upgrade_path");
    refusals_add(&r, REFUSE_EST_NOT_ELIGIBLE, "x", "est");
    refusals_add(&r, REFUSE_IN_EST, "x", "in est");
    refusals_add(&r, REFUSE_NOT_ACTIVE, "x", "gone");
    assert_int_equal(refusals_pick(&r, &e), -1);
    assert_string_equal(err_reason(&e), "subscription_not_active");
    assert_int_equal(e.code, ERR_REFUSED);
    /* the full order, as Part A 15 lists it */
    assert_true(REFUSE_NOT_ACTIVE < REFUSE_IN_EST && REFUSE_IN_EST < REFUSE_EST_NOT_ELIGIBLE &&
                REFUSE_EST_NOT_ELIGIBLE < REFUSE_UPGRADE_PATH &&
                REFUSE_UPGRADE_PATH < REFUSE_QUANTITY && REFUSE_QUANTITY < REFUSE_OUTSIDE_WINDOW &&
                REFUSE_OUTSIDE_WINDOW < REFUSE_DECREASE_WINDOW &&
                REFUSE_DECREASE_WINDOW < REFUSE_NO_PRICE);
}

/* rc-40 shape: cancelled, then an upgrade on an unlisted path without a target price. */
static void test_priority_cancelled_upgrade(void **state)
{
    struct lc_env e = env();
    struct sub s = order("BASIC", TERM_P1Y, BILLING_MONTHLY, 8, true, T("2027-09-07T08:46:47Z"));
    struct lc_out out;
    struct err err;

    (void)state;
    assert_int_equal(lc_cmd_cancel(&e, &s, T("2027-09-08T08:46:47Z"), &out, &err), 0);
    apply_out(&s, &out);
    assert_int_equal(lc_cmd_upgrade(&e, &s, "S1", "NOPRICE", true, 99, "S2",
                                    T("2027-09-09T08:46:47Z"), &out, &err), -1);
    assert_string_equal(err_reason(&err), "subscription_not_active");
}

/* invalid_upgrade_path before invalid_quantity; invalid_quantity before no_price. */
static void test_priority_upgrade(void **state)
{
    struct lc_env e = env();
    struct sub s = order("BASIC", TERM_P1Y, BILLING_MONTHLY, 10, true, T("2026-11-04T20:33:55Z"));
    struct lc_out out;
    struct err err;

    (void)state;
    assert_int_equal(lc_cmd_upgrade(&e, &s, "S1", "PREMIUM", true, 13, "S3",
                                    T("2026-11-05T18:26:14Z"), &out, &err), -1);
    assert_string_equal(err_reason(&err), "invalid_upgrade_path");
    assert_int_equal(lc_cmd_upgrade(&e, &s, "S1", "NOPRICE", true, 13, "S3",
                                    T("2026-11-05T18:26:14Z"), &out, &err), -1);
    assert_string_equal(err_reason(&err), "invalid_quantity");
    assert_int_equal(lc_cmd_upgrade(&e, &s, "S1", "NOPRICE", false, 0, NULL,
                                    T("2026-11-05T18:26:14Z"), &out, &err), -1);
    assert_string_equal(err_reason(&err), "no_price");
    assert_int_equal(lc_cmd_upgrade(&e, &s, "S1", "STANDARD", true, 0, "S3",
                                    T("2026-11-05T18:26:14Z"), &out, &err), -1);
    assert_string_equal(err_reason(&err), "invalid_quantity");
}

/* In EST a seat change of 0 is not_allowed_in_est (before invalid_quantity); suspended ones
 * are subscription_not_active; 0 seats outside every window is invalid_quantity first. */
static void test_priority_quantity(void **state)
{
    struct lc_env e = env();
    struct sub s = order("BASIC", TERM_P1M, BILLING_MONTHLY, 5, false, T("2026-06-01T10:00:00Z"));
    struct lc_out out;
    struct err err;

    (void)state;
    assert_int_equal(lc_cmd_set_quantity(&e, &s, 0, T("2026-06-20T00:00:00Z"), &out, &err), -1);
    assert_string_equal(err_reason(&err), "invalid_quantity");
    assert_int_equal(day(&s, D(2026, 7, 1)), 1); /* term Jun 1-Jun 30: EST from Jul 1 */
    assert_int_equal(s.status, SUB_EST);
    assert_int_equal(lc_cmd_set_quantity(&e, &s, 0, T("2026-07-02T00:00:00Z"), &out, &err), -1);
    assert_string_equal(err_reason(&err), "not_allowed_in_est");
    assert_int_equal(lc_cmd_suspend(&e, &s, T("2026-07-02T00:00:00Z"), &out, &err), 0);
    apply_out(&s, &out);
    assert_int_equal(lc_cmd_set_quantity(&e, &s, 6, T("2026-07-03T00:00:00Z"), &out, &err), -1);
    assert_string_equal(err_reason(&err), "subscription_not_active");
    assert_int_equal(lc_cmd_set_quantity(&e, NULL, 6, T("2026-07-03T00:00:00Z"), &out, &err),
                     -1);
    assert_string_equal(err_reason(&err), "subscription_not_active");
}

static void test_order_refusals(void **state)
{
    struct lc_env e = env();
    struct lc_order o = {.sku = "STANDARD", .term = TERM_P1Y, .billing = BILLING_MONTHLY,
                         .quantity = 3, .auto_renew = true};
    struct lc_out out;
    struct err err;

    (void)state;
    /* STANDARD P1Y monthly takes effect 2020-01-01; the day before there is none */
    assert_int_equal(lc_cmd_order(&e, &o, T("2019-12-31T23:59:59Z"), &out, &err), -1);
    assert_string_equal(err_reason(&err), "no_price");
    assert_non_null(strstr(err.msg, "takes effect on 2020-01-01"));
    o.quantity = 0;
    assert_int_equal(lc_cmd_order(&e, &o, T("2020-01-01T00:00:00Z"), &out, &err), -1);
    assert_string_equal(err_reason(&err), "invalid_quantity");
    o.quantity = 3;
    e.mca_accepted = false;
    assert_int_equal(lc_cmd_order(&e, &o, T("2020-01-01T00:00:00Z"), &out, &err), -1);
    assert_string_equal(err_reason(&err), "mca_not_accepted");
    e.mca_accepted = true;
    o.has_end_date = true; /* §7.7 coterminosity: not guessed, refused */
    assert_int_equal(lc_cmd_order(&e, &o, T("2020-01-01T00:00:00Z"), &out, &err), -1);
    assert_string_equal(err_reason(&err), "not_supported");
}

/* ---- EST (Part A 10, 11) ---- */

static void test_est_eligibility(void **state)
{
    (void)state;
    assert_true(est_eligible(false, D(2025, 4, 1), D(2026, 5, 4)));
    assert_false(est_eligible(false, D(2025, 3, 31), D(2028, 3, 30)));  /* bought too early */
    assert_false(est_eligible(false, D(2026, 4, 4), D(2026, 5, 3)));    /* ends too early */
    assert_false(est_eligible(true, D(2026, 1, 1), D(2026, 12, 31)));   /* trial */
    assert_int_equal(est_decision_when_auto_renew_off(false, D(2026, 4, 4), D(2026, 5, 3)),
                     DECISION_CANCEL);
    assert_int_equal(est_decision_when_auto_renew_off(false, D(2026, 6, 1), D(2026, 6, 30)),
                     DECISION_EST);
}

/*
 * EST price: P1M 23.97 x 1.03 = 24.6891 -> 24.69; P1M 15.75 x 1.03 = 16.2225 -> 16.22;
 * fallback P1Y monthly 11.50 x 1.23 = 14.145 -> 14.15 (half-up); JPY 1550 x 1.03 = 1596.5 -> 1597.
 * A SKU with annual rows only has no EST price (dead end).
 */
static void test_est_price(void **state)
{
    struct dec p;
    char ccy[CCY_MAX];

    (void)state;
    assert_int_equal(est_price(&cat, "EST1", "USD", D(2026, 7, 12), &p, ccy), 0);
    assert_dec(p, "24.69");
    assert_int_equal(est_price(&cat, "STANDARD", "USD", D(2026, 7, 12), &p, ccy), 0);
    assert_dec(p, "16.22");
    assert_int_equal(est_price(&cat, "FALLBACK", "USD", D(2026, 7, 12), &p, ccy), 0);
    assert_dec(p, "14.15");
    assert_int_equal(est_price(&cat, "YEN", "JPY", D(2026, 7, 12), &p, ccy), 0);
    assert_dec(p, "1597");
    assert_string_equal(ccy, "JPY");
    assert_int_equal(est_price(&cat, "ANNUALONLY", "USD", D(2026, 7, 12), &p, ccy), -1);
}

/*
 * Decisions at term end. P1M bought 2026-06-01 ends 2026-06-30 (eligible):
 *   auto-renew on  -> renewed Jul 1;  off -> EST Jul 1 at 16.22 (month Jul 1-Jul 31);
 *   schedule cancel -> expired;       suspended -> expired even with auto-renew on (Part A 8).
 */
static void test_term_end_decisions(void **state)
{
    struct lc_env e = env();
    struct lc_out out;
    struct err err;
    struct sub a, b, c, d;

    (void)state;
    a = order("STANDARD", TERM_P1M, BILLING_MONTHLY, 6, true, T("2026-06-01T09:00:00Z"));
    assert_int_equal(day(&a, D(2026, 7, 1)), 1);
    assert_int_equal(a.status, SUB_ACTIVE);
    assert_true(date_cmp(a.term_end, D(2026, 7, 31)) == 0);
    assert_true(a.window_deadline == T("2026-07-08T00:00:00Z")); /* renewal + 168 h */

    b = order("STANDARD", TERM_P1M, BILLING_MONTHLY, 6, false, T("2026-06-01T09:00:00Z"));
    assert_int_equal(b.decision, DECISION_EST);
    assert_int_equal(day(&b, D(2026, 7, 1)), 1);
    assert_int_equal(b.status, SUB_EST);
    assert_dec(b.unit_price, "16.22");
    assert_true(date_cmp(b.term_end, D(2026, 7, 31)) == 0);
    assert_true(b.window_deadline == 0);  /* EST months open no window */
    assert_int_equal(day(&b, D(2026, 8, 1)), 1); /* a further EST month */
    assert_true(date_cmp(b.term_start, D(2026, 8, 1)) == 0);

    c = order("STANDARD", TERM_P1M, BILLING_MONTHLY, 6, true, T("2026-06-01T09:00:00Z"));
    {
        struct lc_schedule sc = {.action = DECISION_CANCEL};

        assert_int_equal(lc_cmd_schedule(&e, &c, &sc, T("2026-06-20T00:00:00Z"), &out, &err),
                         0);
        apply_out(&c, &out);
    }
    assert_int_equal(day(&c, D(2026, 7, 5)), 1);
    assert_int_equal(c.status, SUB_EXPIRED);
    assert_int_equal(day(&c, D(2026, 9, 5)), 0);

    d = order("STANDARD", TERM_P1M, BILLING_MONTHLY, 6, true, T("2026-06-01T09:00:00Z"));
    assert_int_equal(lc_cmd_suspend(&e, &d, T("2026-06-10T00:00:00Z"), &out, &err), 0);
    apply_out(&d, &out);
    assert_false(sub_auto_renew(&d));
    assert_int_equal(day(&d, D(2026, 7, 1)), 1);
    assert_int_equal(d.status, SUB_EXPIRED);
}

/* Part A 15: schedule est on an ineligible term is refused and changes nothing. */
static void test_schedule_est_not_eligible(void **state)
{
    struct lc_env e = env();
    struct sub s = order("STANDARD", TERM_P1M, BILLING_MONTHLY, 5, true,
                         T("2026-03-11T14:35:16Z"));
    struct lc_schedule sc = {.action = DECISION_EST};
    struct lc_out out;
    struct err err;

    (void)state;
    assert_int_equal(lc_cmd_schedule(&e, &s, &sc, T("2026-04-04T22:46:29Z"), &out, &err), -1);
    assert_string_equal(err_reason(&err), "est_not_eligible");
    assert_non_null(strstr(err.msg, "2026-03-11 to 2026-04-10"));
}

/*
 * Part A 15: a mid-term seat change deletes scheduled changes (renews as is); a scheduled
 * cancel survives it; a no-op quantity keeps the changes.
 */
static void test_changes_deleted_by_midterm_change(void **state)
{
    struct lc_env e = env();
    struct sub s = order("STANDARD", TERM_P1M, BILLING_MONTHLY, 5, true,
                         T("2026-09-14T08:38:20Z"));
    struct lc_schedule sc = {.action = DECISION_RENEW,
                             .changes = {.has_quantity = true, .quantity = 4}};
    struct lc_out out;
    struct err err;

    (void)state;
    assert_int_equal(lc_cmd_schedule(&e, &s, &sc, T("2026-09-15T02:38:20Z"), &out, &err), 0);
    apply_out(&s, &out);
    assert_true(s.has_changes);
    assert_int_equal(lc_cmd_set_quantity(&e, &s, 5, T("2026-09-16T00:00:00Z"), &out, &err), 0);
    assert_int_equal(out.n, 0);
    assert_true(s.has_changes);
    assert_int_equal(lc_cmd_set_quantity(&e, &s, 8, T("2026-09-17T16:38:20Z"), &out, &err), 0);
    apply_out(&s, &out);
    assert_false(s.has_changes);
    assert_int_equal(day(&s, D(2026, 10, 14)), 1);
    assert_int_equal(s.quantity, 8);

    sc.action = DECISION_CANCEL;
    memset(&sc.changes, 0, sizeof(sc.changes));
    assert_int_equal(lc_cmd_schedule(&e, &s, &sc, T("2026-10-15T00:00:00Z"), &out, &err), 0);
    apply_out(&s, &out);
    assert_int_equal(lc_cmd_set_quantity(&e, &s, 9, T("2026-10-16T00:00:00Z"), &out, &err), 0);
    apply_out(&s, &out);
    assert_int_equal(s.decision, DECISION_CANCEL);
}

/* Part A 7: a full upgrade out of EST starts a new term of the pre-EST plan with a window. */
static void test_upgrade_out_of_est(void **state)
{
    struct lc_env e = env();
    struct sub s = order("E1", TERM_P1M, BILLING_MONTHLY, 12, false, T("2026-05-26T13:11:35Z"));
    struct lc_out out;
    struct err err;

    (void)state;
    assert_int_equal(day(&s, D(2026, 6, 26)), 1);
    assert_int_equal(s.status, SUB_EST);
    assert_int_equal(lc_cmd_upgrade(&e, &s, "S1", "E3", true, 5, "S2",
                                    T("2026-06-28T21:46:36Z"), &out, &err), -1);
    assert_string_equal(err_reason(&err), "not_allowed_in_est");
    assert_int_equal(lc_cmd_upgrade(&e, &s, "S1", "E3", false, 0, NULL,
                                    T("2026-06-28T21:46:36Z"), &out, &err), 0);
    apply_out(&s, &out);
    assert_int_equal(s.status, SUB_ACTIVE);
    assert_string_equal(s.sku, "E3");
    assert_true(date_cmp(s.term_start, D(2026, 6, 28)) == 0);
    assert_true(date_cmp(s.term_end, D(2026, 7, 27)) == 0);
    assert_true(s.window_deadline == T("2026-07-05T21:46:36Z"));
    assert_int_equal(s.decision, DECISION_EST); /* auto-renew stays as it was */
}

/* ---- the fold ---- */

struct replay {
    struct sub s;
};

static int replay_fn(void *ctx, int64_t seq, const struct lc_event *ev)
{
    struct replay *r = ctx;

    assert_true(seq == r->s.seq + 1);
    sub_apply(&r->s, ev);
    return 0;
}

/* ---- the stored snapshot (format 2, and format 1 JSON still read) ---- */

static void assert_same_sub(const struct sub *a, const struct sub *b)
{
    assert_int_equal(a->status, b->status);
    assert_int_equal(a->suspended, b->suspended);
    assert_int_equal(a->trial, b->trial);
    assert_string_equal(a->sku, b->sku);
    assert_string_equal(a->currency, b->currency);
    assert_int_equal(a->term, b->term);
    assert_int_equal(a->billing, b->billing);
    assert_int_equal(a->quantity, b->quantity);
    assert_true(dec_cmp(a->unit_price, b->unit_price) == 0);
    assert_true(date_cmp(a->term_start, b->term_start) == 0);
    assert_true(date_cmp(a->term_end, b->term_end) == 0);
    assert_int_equal(a->cycle, b->cycle);
    assert_true(a->window_deadline == b->window_deadline);
    assert_true(date_cmp(a->purchased, b->purchased) == 0);
    assert_int_equal(a->decision, b->decision);
    assert_int_equal(a->has_changes, b->has_changes);
    assert_int_equal(a->changes.has_sku, b->changes.has_sku);
    assert_string_equal(a->changes.sku, b->changes.sku);
    assert_int_equal(a->changes.has_term, b->changes.has_term);
    assert_int_equal(a->changes.term, b->changes.term);
    assert_int_equal(a->changes.has_billing, b->changes.has_billing);
    assert_int_equal(a->changes.has_quantity, b->changes.has_quantity);
    assert_int_equal(a->changes.quantity, b->changes.quantity);
    assert_int_equal(a->lots.n, b->lots.n);
    for (int i = 0; i < a->lots.n; i++) {
        assert_true(a->lots.v[i].added_at == b->lots.v[i].added_at);
        assert_true(a->lots.v[i].deadline == b->lots.v[i].deadline);
        assert_int_equal(a->lots.v[i].qty, b->lots.v[i].qty);
    }
    assert_true(a->updated_at == b->updated_at);
    assert_true(a->seq == b->seq);
}

static void test_state_codec(void **state)
{
    struct sub s = order("STANDARD", TERM_P1Y, BILLING_MONTHLY, 5, true,
                         T("2026-01-15T10:00:00Z")), back;
    char buf[SUB_STATE_TEXT_MAX];
    struct err e;
    json_t *j;
    char *txt;
    int n;

    (void)state;
    assert_int_equal(lots_add(&s.lots, 3, T("2026-01-16T00:00:00Z"), T("2026-01-23T00:00:00Z")),
                     0);
    s.suspended = true;
    s.trial = true;
    s.has_changes = true;
    s.changes.has_term = true;
    s.changes.term = TERM_P3Y;
    s.changes.has_quantity = true;
    s.changes.quantity = 12;
    s.unit_price = P("-0.000000000000000001");
    n = sub_state_encode(&s, buf, sizeof(buf));
    assert_true(n > 0 && buf[0] == '2' && buf[1] == ';');
    assert_int_equal(sub_state_decode(buf, (size_t)n, &back, &e), 0);
    assert_same_sub(&s, &back);
    /* the JSON form (format 1) reads back the same */
    j = sub_state_to_json(&s);
    txt = json_dumps(j, JSON_COMPACT);
    assert_int_equal(sub_state_decode(txt, strlen(txt), &back, &e), 0);
    assert_same_sub(&s, &back);
    free(txt);
    json_decref(j);
    /* Microsoft's product:sku ids are written in the compact form as they are */
    strcpy(s.sku, "CFQ7TTC0LH18:0001");
    s.changes.has_sku = true;
    strcpy(s.changes.sku, "CFQ7TTC0LF8Q:0002");
    n = sub_state_encode(&s, buf, sizeof(buf));
    assert_true(n > 0 && buf[0] == '2' && buf[1] == ';');
    assert_int_equal(sub_state_decode(buf, (size_t)n, &back, &e), 0);
    assert_same_sub(&s, &back);
    strcpy(s.changes.sku, "ODD,SKU");
    assert_int_equal(sub_state_encode(&s, buf, sizeof(buf)), -1);
    /* a SKU the compact form cannot hold: encode says so (the store writes JSON) */
    strcpy(s.sku, "ODD;SKU");
    assert_int_equal(sub_state_encode(&s, buf, sizeof(buf)), -1);
    /* truncated and foreign snapshots are refused with ERR_PARSE */
    assert_int_equal(sub_state_decode("2;active;0;X", 12, &back, &e), -1);
    assert_int_equal(e.code, ERR_PARSE);
    assert_int_equal(sub_state_decode("<xml/>", 6, &back, &e), -1);
}

/* ---- through svc/ on an in-memory store ---- */

static int exec_sql(struct db *db, const char *sql)
{
    struct err e;

    return db_exec(db, sql, &e);
}

static int count_rows(struct db *db, const char *table)
{
    struct db_stmt *st;
    struct err e;
    char sql[128];
    int n = -1;

    snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM %s", table);
    if (db_prepare(db, sql, &st, &e) < 0)
        return -1;
    if (db_step(st, &e) == DB_ROW)
        n = (int)db_column_int64(st, 0);
    db_finalize(st);
    return n;
}

/*
 * A P1Y monthly order, a seat change, a year of daily cycles: running the same day again
 * changes nothing; the stored events fold back to the stored state (Part A 1 idempotency,
 * DESIGN.md event sourcing).
 */
static void test_svc_day_idempotent_and_fold(void **state)
{
    struct db *db;
    struct err e;
    struct svc_ctx ctx = {0};
    struct sub_order_req req = {.customer_id = "cus_test", .sku = "STANDARD",
                                .term = TERM_P1Y, .billing = BILLING_MONTHLY, .quantity = 3,
                                .auto_renew = true};
    struct day_stats st;
    struct sub_row row;
    struct replay rp;
    char id[ID_MAXLEN];
    int charges;

    (void)state;
    assert_int_equal(id_init(&e), 0);
    assert_int_equal(db_open(":memory:", &db, &e), 0);
    assert_int_equal(db_migrate(db, &e), 0);
    ctx.db = db;
    /* a transacting partner has accepted the MPA (program.md §2; orders check it) */
    assert_int_equal(exec_sql(db, "INSERT INTO partners (id, kind, name, country, currency,"
                                  " mpa_accepted_at, created_at) VALUES ('prt_test', 'direct',"
                                  " 'P', 'US', 'USD', 0, 0)"),
                     0);
    assert_int_equal(exec_sql(db, "INSERT INTO customers (id, owner_partner_id, name, country,"
                                  " market, billing_currency, mca_status, created_at) VALUES"
                                  " ('cus_test', 'prt_test', 'C', 'US', 'US', 'USD', 'accepted',"
                                  " 0)"),
                     0);
    for (size_t i = 0; i < cat.nprices; i++) {
        struct price_point p = cat.prices[i];

        strcpy(p.market, "US");
        assert_int_equal(catalog_svc_add_price(&ctx, &p, NULL, "test", &e), 0);
    }
    assert_int_equal(sub_order(&ctx, &req, T("2026-01-15T10:00:00Z"), id, &e), 0);
    assert_int_equal(sub_change_quantity(&ctx, id, 5, T("2026-01-20T10:00:00Z"), &e), 0);
    assert_int_equal(day_run(&ctx, T("2027-02-01T00:00:00Z"), &st, &e), 0);
    /* cycles Feb 15 ... Dec 15 (11), renewal Jan 15 2027 */
    assert_int_equal((int)st.cycles, 11);
    assert_int_equal((int)st.renewed, 1);
    charges = count_rows(db, "charges");
    /* new + addQuantity pair + 11 cycle charges + renew = 15 */
    assert_int_equal(charges, 15);
    assert_int_equal(day_run(&ctx, T("2027-02-01T00:00:00Z"), &st, &e), 0);
    assert_int_equal((int)st.events, 0);
    assert_int_equal(count_rows(db, "charges"), charges);
    /* a refusal writes nothing */
    assert_int_equal(sub_cancel(&ctx, id, T("2027-02-10T00:00:00Z"), &e), -1);
    assert_string_equal(err_reason(&e), "outside_cancellation_window");
    assert_int_equal(count_rows(db, "charges"), charges);

    assert_int_equal(repo_sub_get(db, NULL, id, &row, &e), 0);
    sub_init(&rp.s);
    assert_int_equal(repo_sub_each_event(db, id, replay_fn, &rp, &e), 0);
    assert_true(rp.s.seq == row.s.seq);
    assert_int_equal(rp.s.status, row.s.status);
    assert_int_equal(rp.s.quantity, row.s.quantity);
    assert_int_equal(rp.s.cycle, row.s.cycle);
    assert_true(date_cmp(rp.s.term_end, row.s.term_end) == 0);
    assert_true(dec_cmp(rp.s.unit_price, row.s.unit_price) == 0);
    assert_int_equal(rp.s.lots.n, row.s.lots.n);
    assert_true(rp.s.window_deadline == row.s.window_deadline);

    /* charges-verify agrees with the store, and notices a line changed behind its back */
    {
        struct sub_verify v;

        assert_int_equal(sub_verify(&ctx, id, &v, &e), 0);
        assert_int_equal((int)v.diffs, 0);
        assert_int_equal((int)v.lines, 15);
        assert_int_equal(exec_sql(db, "UPDATE charges SET subtotal = '37.81'"
                                      " WHERE charge_type = 'renew'"), 0);
        assert_int_equal(sub_verify(&ctx, id, &v, &e), 0);
        assert_int_equal((int)v.diffs, 1);
        assert_non_null(strstr(v.first, "renew subtotal: stored 37.81, recomputed"));
    }
    db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_catalog_price_at),
        cmocka_unit_test(test_priority_table),
        cmocka_unit_test(test_priority_cancelled_upgrade),
        cmocka_unit_test(test_priority_upgrade),
        cmocka_unit_test(test_priority_quantity),
        cmocka_unit_test(test_order_refusals),
        cmocka_unit_test(test_est_eligibility),
        cmocka_unit_test(test_est_price),
        cmocka_unit_test(test_term_end_decisions),
        cmocka_unit_test(test_schedule_est_not_eligible),
        cmocka_unit_test(test_changes_deleted_by_midterm_change),
        cmocka_unit_test(test_upgrade_out_of_est),
        cmocka_unit_test(test_state_codec),
        cmocka_unit_test(test_svc_day_idempotent_and_fold),
    };
    struct err e;
    int rc;

    catalog_init(&cat, "");
    add_price(&cat, "BASIC", TERM_P1Y, BILLING_MONTHLY, "USD", "6.09", D(2020, 1, 1));
    add_price(&cat, "BASIC", TERM_P1M, BILLING_MONTHLY, "USD", "6.90", D(2020, 1, 1));
    add_price(&cat, "STANDARD", TERM_P1Y, BILLING_MONTHLY, "USD", "12.68", D(2020, 1, 1));
    add_price(&cat, "STANDARD", TERM_P1M, BILLING_MONTHLY, "USD", "15.75", D(2020, 1, 1));
    add_price(&cat, "PREMIUM", TERM_P1M, BILLING_MONTHLY, "USD", "25.50", D(2020, 1, 1));
    add_price(&cat, "EST1", TERM_P1M, BILLING_MONTHLY, "USD", "23.97", D(2020, 1, 1));
    add_price(&cat, "FALLBACK", TERM_P1Y, BILLING_MONTHLY, "USD", "11.50", D(2020, 1, 1));
    add_price(&cat, "YEN", TERM_P1M, BILLING_MONTHLY, "JPY", "1550", D(2020, 1, 1));
    add_price(&cat, "ANNUALONLY", TERM_P1Y, BILLING_ANNUAL, "USD", "287.48", D(2020, 1, 1));
    add_price(&cat, "E1", TERM_P1M, BILLING_MONTHLY, "USD", "10.00", D(2020, 1, 1));
    add_price(&cat, "E3", TERM_P1M, BILLING_MONTHLY, "USD", "23.00", D(2020, 1, 1));
    assert_int_equal(catalog_add_path(&cat, "BASIC", "STANDARD", &e), 0);
    assert_int_equal(catalog_add_path(&cat, "STANDARD", "PREMIUM", &e), 0);
    assert_int_equal(catalog_add_path(&cat, "BASIC", "NOPRICE", &e), 0);
    assert_int_equal(catalog_add_path(&cat, "E1", "E3", &e), 0);
    catalog_seal(&cat);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    catalog_release(&cat);
    return rc;
}
