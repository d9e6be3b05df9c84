/*
 * demo/history.c — a year (or --months) of subscription history, made by driving the engine
 * forward in time: every order and command is a call to the lifecycle use cases
 * (svc/sub_svc.h) at its own instant, the daily cycle (day_run) runs for every day in between
 * (renewals, cycle charges, scheduled changes, EST months, expiries), and every month is
 * closed into invoices (invoice_close) at 06:00 UTC on the 1st of the next. Just before each
 * close, Microsoft's billed daily rated usage file of the month for the book's first
 * DEMO_USAGE_CUSTOMERS customers is imported (import_usage), so the invoices carry Azure usage
 * lines too (docs/billing.md "Azure usage").
 *
 * How: first the whole plan is drawn from the seeded generator — per subscription a customer,
 * a SKU, a plan, a seat count, an instant, and a few follow-ups (seat additions, reductions
 * inside the 168-hour window, cancels in the window, full and partial upgrades along listed
 * paths, renewals scheduled with changes, auto-renew off — which the engine turns into EST
 * after 2026-05-04, nce-rules Part A 10 —, cancels at term end, suspensions); then the actions
 * are sorted by instant and played. The engine decides: a command it refuses (the window
 * closed, the subscription was cancelled meanwhile) is counted by reason code and skipped.
 *
 * Mix (percent of orders): P1M 30, P1Y billed monthly 35, P1Y annual 25, P3Y 10 (E3/E5; the
 * rest fall back to P1Y annual); seat additions 14, reductions in the window 6, cancels in the
 * window 4, upgrades 9 (60 % full), renewals with changes 8, auto-renew off 9, cancel at term
 * end 3, suspensions 2. Orders are spread over the window with more of them early, so most of
 * the book has history. Memory: ~100 bytes per subscription plus its id.
 */
#include <stdlib.h>
#include <string.h>

#include "demo/book.h"
#include "demo/catalog.h"
#include "svc/invoice_svc.h"
#include "svc/recon_svc.h"
#include "store/repo_sub.h"
#include "svc/sub_svc.h"

enum act_kind {
    A_ORDER, A_ADD, A_REDUCE, A_CANCEL, A_UPGRADE, A_SCHEDULE, A_AUTO_OFF, A_END_CANCEL,
    A_SUSPEND, A_REACTIVATE,
};

struct action {
    instant_t at;
    uint32_t sub;       /* planned subscription index */
    uint32_t ord;       /* draw order: ties keep it */
    uint8_t kind;
    uint8_t flag;       /* upgrade: partial; schedule: which change */
    int32_t arg;        /* seats */
};

struct plan_sub {
    uint32_t cust;
    uint8_t sku, plan;
    int32_t qty;        /* seats the generator believes it has (updated on success) */
    bool alive;         /* ordered and not known to be cancelled */
};

static const struct { enum term t; enum billing b; } plans[] = {
    {TERM_P1M, BILLING_MONTHLY}, {TERM_P1Y, BILLING_MONTHLY}, {TERM_P1Y, BILLING_ANNUAL},
    {TERM_P3Y, BILLING_MONTHLY}, {TERM_P3Y, BILLING_ANNUAL}, {TERM_P3Y, BILLING_TRIENNIAL},
};

struct hist {
    struct demo_book *b;
    struct action *acts;
    size_t nacts, capacts;
    struct plan_sub *subs;
    char (*ids)[ID_MAXLEN];
    long nsubs;
    long *cum;          /* cumulative customer weights (customers with an MCA) */
    long *cidx;
    long ncum;
    struct date day;    /* the last day the daily cycle ran for */
};

static int push(struct hist *h, instant_t at, uint32_t sub, enum act_kind kind, int flag,
                int32_t arg, struct err *err)
{
    if (h->nacts == h->capacts) {
        size_t cap = h->capacts ? h->capacts * 2 : 1024;
        struct action *a = realloc(h->acts, cap * sizeof(*a));

        if (!a)
            return err_set(err, ERR_NOMEM, "", "out of memory planning the demo history");
        h->acts = a;
        h->capacts = cap;
    }
    h->acts[h->nacts] = (struct action){at, sub, (uint32_t)h->nacts, (uint8_t)kind,
                                        (uint8_t)flag, arg};
    h->nacts++;
    return 0;
}

static int cmp_action(const void *pa, const void *pb)
{
    const struct action *a = pa, *b = pb;

    if (a->at != b->at)
        return a->at < b->at ? -1 : 1;
    return a->ord < b->ord ? -1 : a->ord > b->ord;
}

static bool has_path(int sku)
{
    for (int i = 0; demo_paths[i][0] >= 0; i++)
        if (demo_paths[i][0] == sku)
            return true;
    return false;
}

static int path_target(struct demo_rng *r, int sku)
{
    int n = 0, pick;

    for (int i = 0; demo_paths[i][0] >= 0; i++)
        n += demo_paths[i][0] == sku;
    pick = (int)demo_rng_below(r, (uint32_t)n);
    for (int i = 0; demo_paths[i][0] >= 0; i++)
        if (demo_paths[i][0] == sku && pick-- == 0)
            return demo_paths[i][1];
    return -1;
}

/* A working-hours instant on day `d` (08:00-17:59 UTC). */
static instant_t at_day(struct demo_rng *r, struct date d)
{
    return instant_from_date(d) + 8 * 3600 + (instant_t)demo_rng_below(r, 10 * 3600);
}

/* A working-hours instant lo..hi days after day d0 of the window, never past its last day. */
static instant_t later(struct demo_rng *r, struct date start, int32_t d0, int32_t last,
                       int32_t lo, int32_t hi)
{
    int32_t d = d0 + demo_rng_range(r, lo, hi);

    return at_day(r, date_from_days(date_to_days(start) + (d > last ? last : d)));
}

static int plan_one(struct hist *h, uint32_t k, int32_t window_days, struct err *err)
{
    struct demo_rng *r = &h->b->rng;
    struct plan_sub *s = &h->subs[k];
    struct date start = h->b->o->start;
    long w = (long)demo_rng_below(r, (uint32_t)h->cum[h->ncum - 1]);
    long lo = 0, hi = h->ncum - 1;
    uint32_t p, sk;
    int32_t d0, d1, last = window_days - 1;
    instant_t t0;

    while (lo < hi) { /* first cumulative weight above w */
        long mid = (lo + hi) / 2;

        if (h->cum[mid] > w)
            hi = mid;
        else
            lo = mid + 1;
    }
    s->cust = (uint32_t)h->cidx[lo];
    sk = demo_rng_below(r, 100);
    s->sku = sk < 25 ? 0 : sk < 50 ? 1 : sk < 68 ? 2 : sk < 82 ? 3 : sk < 90 ? 4 : 5;
    p = demo_rng_below(r, 100);
    s->plan = p < 30 ? 0 : p < 65 ? 1 : p < 90 ? 2 : p < 94 ? 3 : p < 97 ? 4 : 5;
    if (s->plan >= 3 && !demo_skus[s->sku].has_p3y)
        s->plan = 2;
    p = demo_rng_below(r, 100);
    s->qty = p < 40 ? demo_rng_range(r, 1, 5) : p < 85 ? demo_rng_range(r, 6, 25)
                                                       : demo_rng_range(r, 26, 300);
    /* earlier days are likelier: the smaller of two uniform draws over 90 % of the window */
    d0 = (int32_t)demo_rng_below(r, (uint32_t)(window_days * 9 / 10 + 1));
    d1 = (int32_t)demo_rng_below(r, (uint32_t)(window_days * 9 / 10 + 1));
    if (d1 < d0)
        d0 = d1;
    t0 = at_day(r, date_from_days(date_to_days(start) + d0));
    if (push(h, t0, k, A_ORDER, 0, s->qty, err) < 0)
        return -1;

#define LATER(lo_, hi_) later(r, start, d0, last, (lo_), (hi_))
    p = demo_rng_below(r, 100);
    if (p < 4) /* cancelled inside the purchase window (Part A 2, 6) */
        return push(h, t0 + 3600 * demo_rng_range(r, 1, 160), k, A_CANCEL, 0, 0, err);
    if (demo_rng_pct(r, 6) && s->qty > 1) /* seats reduced inside the purchase window */
        if (push(h, t0 + 3600 * demo_rng_range(r, 1, 160), k, A_REDUCE, 0,
                 demo_rng_range(r, 1, s->qty / 2 > 0 ? s->qty / 2 : 1), err) < 0)
            return -1;
    if (demo_rng_pct(r, 14)) {
        instant_t t = LATER(3, 200);

        if (push(h, t, k, A_ADD, 0, demo_rng_range(r, 1, 12), err) < 0)
            return -1;
        if (demo_rng_pct(r, 30) && /* and some of them taken back in the lot's window */
            push(h, t + 3600 * demo_rng_range(r, 2, 150), k, A_REDUCE, 0, 1, err) < 0)
            return -1;
    }
    if (has_path(s->sku) && demo_rng_pct(r, 9)) {
        int target = path_target(r, s->sku);

        if (push(h, LATER(10, 250), k, A_UPGRADE, demo_rng_pct(r, 40), target, err) < 0)
            return -1;
    }
    p = demo_rng_below(r, 100);
    if (p < 8)
        return push(h, LATER(15, 300), k, A_SCHEDULE, (int)demo_rng_below(r, 3), 0, err);
    if (p < 17)
        return push(h, LATER(15, 300), k, A_AUTO_OFF, 0, 0, err);
    if (p < 20)
        return push(h, LATER(15, 300), k, A_END_CANCEL, 0, 0, err);
    if (p < 22) {
        instant_t t = LATER(20, 200);

        if (push(h, t, k, A_SUSPEND, 0, 0, err) < 0)
            return -1;
        if (demo_rng_pct(r, 70))
            return push(h, t + 86400 * demo_rng_range(r, 3, 25), k, A_REACTIVATE, 0, 0, err);
    }
    return 0;
#undef LATER
}

static int count_refusal(struct hist *h, const struct err *e)
{
    static const char *const reasons[] = {
        "subscription_not_active", "not_allowed_in_est", "est_not_eligible",
        "invalid_upgrade_path", "invalid_quantity", "outside_cancellation_window",
        "quantity_decrease_outside_window", "no_price", "mca_not_accepted",
    };
    size_t i = 0;

    while (i < sizeof(reasons) / sizeof(reasons[0]) && strcmp(reasons[i], err_reason(e)) != 0)
        i++;
    h->b->st->refused++;
    h->b->st->refused_by_reason[i < 15 ? i : 15]++;
    return 0;
}

#define DEMO_USAGE_CUSTOMERS 6

/* The file's PCToBC rate (USD pricing) for a billing currency; NULL: no usage for it. */
static const char *demo_pc_to_bc(const char *ccy)
{
    static const char *const rates[][2] = {
        {"USD", "1"}, {"EUR", "0.92"}, {"GBP", "0.79"}, {"JPY", "150"}};

    for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++)
        if (strcmp(rates[i][0], ccy) == 0)
            return rates[i][1];
    return NULL;
}

/*
 * One D2 v3 virtual machine per customer, every day of the month: hours drawn from the
 * customer and day (not from the seeded generator, so the plan's draws are untouched), retail
 * 0.096 USD an hour, 15 % PEC (EUP 0.0816), billed in the customer's currency with
 * Microsoft's usage rounding: ROUNDDOWN(ROUNDDOWN(EUP x q, 2) x PCToBC, minor) (Part B 7.3).
 */
static int import_usage(struct hist *h, struct date first, struct date first_of_next,
                        struct err *err)
{
    struct recon_ctx rc = {h->b->db, "system:demo", NULL};
    struct recon_import_opts o = {.source = "demo usage"};
    struct recon_import_result res;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    long n = h->b->ncustomers < DEMO_USAGE_CUSTOMERS ? h->b->ncustomers : DEMO_USAGE_CUSTOMERS;
    int rc2 = -1, lines = 0;

    if (!f)
        return err_set(err, ERR_NOMEM, "", "out of memory writing the demo usage file");
    fputs("CustomerId,InvoiceNumber,ProductId,SkuId,SubscriptionId,UsageDate,MeterCategory,"
          "MeterName,ChargeType,UnitPrice,Quantity,BillingPreTaxTotal,BillingCurrency,"
          "PricingCurrency,EffectiveUnitPrice,PCToBCExchangeRate,PCToBCExchangeRateDate\n", f);
    for (long i = 0; i < n; i++) {
        const struct demo_customer *c = &h->b->customers[i];
        const char *fx = demo_pc_to_bc(c->currency);
        char day[DATE_STRLEN], from[DATE_STRLEN], qs[DEC_STRLEN], cost[DEC_STRLEN];

        if (!fx)
            continue;
        date_format(first, from);
        for (struct date d = first; date_cmp(d, first_of_next) < 0;
             d = date_from_days(date_to_days(d) + 1)) {
            struct dec q, eup, r, v;

            snprintf(qs, sizeof(qs), "%ld.%06ld", 8 + (i * 7 + d.day * 13) % 17,
                     (i * 104729 + d.day * 7919) % 1000000);
            if (dec_parse_cstr(qs, &q, err) < 0 || dec_parse_cstr("0.0816", &eup, err) < 0 ||
                dec_parse_cstr(fx, &r, err) < 0 ||
                dec_mul(eup, q, DEC_ROUND_HALF_UP, &v, err) < 0 ||
                dec_round(v, 2, DEC_ROUND_DOWN, &v, err) < 0 ||
                dec_mul(v, r, DEC_ROUND_HALF_UP, &v, err) < 0 ||
                dec_round_currency(v, c->currency, DEC_ROUND_DOWN, &v, err) < 0)
                goto out;
            dec_format(v, cost);
            date_format(d, day);
            fprintf(f, "%s,G%04d%02d0002,DZH318Z0BQ3Q,0001,azure-plan-%s,%s,Virtual Machines,"
                    "D2 v3,New,0.096,%s,%s,%s,USD,0.0816,%s,%s\n", c->id, first.year,
                    first.month, c->id, day, qs, cost, c->currency, fx, from);
            lines++;
        }
    }
    if (fflush(f) != 0)
        goto out;
    rc2 = 0;
out:
    fclose(f);
    if (rc2 == 0 && lines > 0) {
        FILE *in = fmemopen(text, len, "rb");

        rc2 = in ? recon_import(&rc, in, &o, instant_from_date(first_of_next) + 5 * 3600, &res,
                                err)
                 : err_set(err, ERR_NOMEM, "", "out of memory reading the demo usage file");
        if (in)
            fclose(in);
    }
    free(text);
    return rc2;
}

static int close_month(struct hist *h, struct date first_of_next, struct err *err)
{
    struct bill_ctx bc = {.db = h->b->db, .actor = "system:demo"};
    struct date prev = date_add_months(first_of_next, -1);
    struct close_stats cs;
    char period[8];

    if (date_cmp(prev, (struct date){h->b->o->start.year, h->b->o->start.month, 1}) < 0)
        return 0;
    snprintf(period, sizeof(period), "%04d-%02d", prev.year, prev.month);
    if (import_usage(h, (struct date){prev.year, prev.month, 1}, first_of_next, err) < 0)
        return -1;
    memset(&cs, 0, sizeof(cs));
    if (invoice_close(&bc, period, false, instant_from_date(first_of_next) + 6 * 3600, &cs,
                      err) < 0)
        return -1;
    h->b->st->invoices += (long)cs.invoices;
    return 0;
}

/* Run the daily cycle for every day after h->day up to `to`, closing months on the 1st. */
static int advance(struct hist *h, struct date to, struct err *err)
{
    struct svc_ctx ctx = {.db = h->b->db, .actor = "system:demo"};

    while (date_cmp(h->day, to) < 0) {
        struct day_stats ds;

        h->day = date_from_days(date_to_days(h->day) + 1);
        if (day_run(&ctx, instant_from_date(h->day), &ds, err) < 0)
            return -1;
        h->b->st->days++;
        h->b->st->charges += (long)ds.charges;
        if (h->day.day == 1 && close_month(h, h->day, err) < 0)
            return -1;
    }
    return 0;
}

static int play(struct hist *h, const struct action *a, struct err *err)
{
    struct svc_ctx ctx = {.db = h->b->db, .actor = "system:demo"};
    struct plan_sub *s = &h->subs[a->sub];
    const char *id = h->ids[a->sub];
    char newid[ID_MAXLEN];
    int rc = 0;

    err_clear(err);
    if (a->kind != A_ORDER && !s->alive)
        return 0; /* its order was refused: nothing to act on */
    h->b->st->commands++;
    switch (a->kind) {
    case A_ORDER: {
        struct sub_order_req req;
        char name[SUB_NAME_MAX];

        memset(&req, 0, sizeof(req));
        snprintf(name, sizeof(name), "%.40s (%u)", demo_skus[s->sku].title, a->sub + 1);
        req.customer_id = h->b->customers[s->cust].id;
        req.name = name;
        req.sku = demo_skus[s->sku].id;
        req.term = plans[s->plan].t;
        req.billing = plans[s->plan].b;
        req.quantity = s->qty;
        req.auto_renew = true;
        rc = sub_order(&ctx, &req, a->at, h->ids[a->sub], err);
        if (rc == 0) {
            s->alive = true;
            h->b->st->orders++;
            h->b->st->subscriptions++;
        }
        h->b->st->commands--; /* counted as an order */
        break;
    }
    case A_ADD:
        rc = sub_change_quantity(&ctx, id, s->qty + a->arg, a->at, err);
        if (rc == 0)
            s->qty += a->arg;
        break;
    case A_REDUCE:
        if (s->qty - a->arg < 1)
            return 0;
        rc = sub_change_quantity(&ctx, id, s->qty - a->arg, a->at, err);
        if (rc == 0)
            s->qty -= a->arg;
        break;
    case A_CANCEL:
        rc = sub_cancel(&ctx, id, a->at, err);
        if (rc == 0)
            s->alive = false;
        break;
    case A_UPGRADE: {
        bool partial = a->flag && s->qty >= 2;
        int32_t moved = partial ? s->qty / 2 : s->qty;

        rc = sub_upgrade(&ctx, id, demo_skus[a->arg].id, partial, moved,
                         partial ? "Upgraded seats" : NULL, a->at, newid, err);
        if (rc == 0 && partial) {
            s->qty -= moved;
            h->b->st->subscriptions++;
        } else if (rc == 0) {
            s->sku = (uint8_t)a->arg;
        }
        break;
    }
    case A_SCHEDULE: {
        struct lc_schedule sc;

        memset(&sc, 0, sizeof(sc));
        sc.action = DECISION_RENEW;
        if (a->flag == 0 || !has_path(s->sku)) { /* renew with more seats */
            sc.changes.has_quantity = true;
            sc.changes.quantity = s->qty + 1 + s->qty / 5;
        } else if (a->flag == 1) {               /* renew into the next SKU up */
            int t = path_target(&h->b->rng, s->sku);

            sc.changes.has_sku = true;
            snprintf(sc.changes.sku, sizeof(sc.changes.sku), "%s", demo_skus[t].id);
        } else {                                 /* renew on the other plan */
            sc.changes.has_term = sc.changes.has_billing = true;
            sc.changes.term = plans[s->plan].t == TERM_P1M ? TERM_P1Y : TERM_P1M;
            sc.changes.billing = BILLING_MONTHLY;
        }
        rc = sub_schedule(&ctx, id, &sc, a->at, err);
        break;
    }
    case A_AUTO_OFF:
        rc = sub_set_auto_renew(&ctx, id, false, a->at, err);
        break;
    case A_END_CANCEL: {
        struct lc_schedule sc;

        memset(&sc, 0, sizeof(sc));
        sc.action = DECISION_CANCEL;
        rc = sub_schedule(&ctx, id, &sc, a->at, err);
        break;
    }
    case A_SUSPEND:
        rc = sub_suspend(&ctx, id, a->at, err);
        break;
    case A_REACTIVATE:
        rc = sub_reactivate(&ctx, id, a->at, err);
        break;
    }
    if (rc < 0 && err->code == ERR_REFUSED) {
        count_refusal(h, err);
        err_clear(err);
        return 0;
    }
    return rc;
}

static void hist_release(struct hist *h)
{
    free(h->acts);
    free(h->subs);
    free(h->ids);
    free(h->cum);
    free(h->cidx);
}

int demo_history(struct demo_book *b, struct err *err)
{
    const struct demo_opts *o = b->o;
    struct date end = date_add_months(o->start, o->months);
    int32_t window = date_to_days(end) - date_to_days(o->start);
    struct hist h;
    long total;
    int rc = -1;

    memset(&h, 0, sizeof(h));
    h.b = b;
    h.nsubs = o->subscriptions;
    h.subs = calloc((size_t)(h.nsubs ? h.nsubs : 1), sizeof(*h.subs));
    h.ids = calloc((size_t)(h.nsubs ? h.nsubs : 1), sizeof(*h.ids));
    h.cum = calloc((size_t)b->ncustomers + 1, sizeof(*h.cum));
    h.cidx = calloc((size_t)b->ncustomers + 1, sizeof(*h.cidx));
    if (!h.subs || !h.ids || !h.cum || !h.cidx) {
        err_set(err, ERR_NOMEM, "", "out of memory for %ld subscriptions", h.nsubs);
        goto out;
    }
    for (long i = 0, acc = 0; i < b->ncustomers; i++)
        if (b->customers[i].mca) {
            acc += b->customers[i].weight;
            h.cum[h.ncum] = acc;
            h.cidx[h.ncum++] = i;
        }
    if (h.ncum == 0 && h.nsubs > 0) {
        err_set(err, ERR_INVALID, "customers", "no customer with an MCA to sell to");
        goto out;
    }
    for (long k = 0; k < h.nsubs; k++)
        if (plan_one(&h, (uint32_t)k, window, err) < 0)
            goto out;
    qsort(h.acts, h.nacts, sizeof(*h.acts), cmp_action);
    /* the day before the start: the first advance runs the start day's cycle */
    h.day = date_from_days(date_to_days(o->start) - 1);
    total = (long)h.nacts;
    for (size_t i = 0; i < h.nacts; i++) {
        if (h.acts[i].at >= instant_from_date(end))
            break; /* a follow-up that would fall after the history's end */
        if (advance(&h, instant_date(h.acts[i].at), err) < 0 || play(&h, &h.acts[i], err) < 0)
            goto out;
        if ((i & 255) == 0)
            demo_progress(b, "history", (long)i, total);
    }
    demo_progress(b, "history", total, total);
    if (advance(&h, end, err) < 0)
        goto out;
    b->st->end = instant_from_date(end) + 6 * 3600;
    rc = 0;
out:
    hist_release(&h);
    return rc;
}
