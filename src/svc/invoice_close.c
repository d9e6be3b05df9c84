/*
 * svc/invoice_close.c — rating and the period close (invoice_svc.h tells the steps).
 *
 * Rating one charge for one tier: find the seller's base (Microsoft's line, or for a reseller
 * the distributor's rated line, rated first if missing), select the seller's rule
 * (domain/pricing precedence; a refund takes the rule of the charge it refunds), compute the
 * unit price, recover Microsoft's proration (d, c) from the charge, convert with the rate in
 * effect on the line's start date (exchange_rates), and store the rated line — immutable from
 * then on, so a later rule change never rewrites what was billed.
 *
 * Workload: a month of a large book is ~10^5 charges; each issuer's pending charges are read
 * by one query into memory (a few hundred bytes each), then rated and written in its
 * transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "domain/invoice/invoice.h"
#include "domain/pricing/pricing.h"
#include "store/repo_invoice.h"
#include "store/repo_margin.h"
#include "svc/invoice_svc.h"

struct rules_cache {
    char seller[ID_MAXLEN];
    struct margin_rule *rules;
    size_t n;
};

struct rating {
    const struct bill_ctx *ctx;
    instant_t now;
    struct rules_cache cache[2]; /* the tier's seller and the base's (a distributor) */
    struct close_stats *stats;
};

static int rules_for(struct rating *rt, const char *seller, const struct margin_rule **out,
                     size_t *n, struct err *err)
{
    struct rules_cache *c = NULL;

    for (int i = 0; i < 2; i++)
        if (rt->cache[i].seller[0] && strcmp(rt->cache[i].seller, seller) == 0)
            c = &rt->cache[i];
    if (!c) {
        c = !rt->cache[0].seller[0] ? &rt->cache[0] : &rt->cache[1];
        free(c->rules);
        memset(c, 0, sizeof(*c));
        if (repo_margin_load(rt->ctx->db, seller, &c->rules, &c->n, err) < 0)
            return -1;
        snprintf(c->seller, sizeof(c->seller), "%s", seller);
    }
    *out = c->rules;
    *n = c->n;
    return 0;
}

static int cycle_months_of(const struct pending_charge *c)
{
    if (c->row.line.est)
        return 1;
    if (strcmp(c->billing, "annual") == 0)
        return 12;
    if (strcmp(c->billing, "triennial") == 0)
        return 36;
    return 1;
}

static int fx_or_fail(struct db *db, const char *from, const char *to, struct date day,
                      struct dec *rate, struct date *rate_day, struct err *err)
{
    bool found;
    char d[DATE_STRLEN];

    if (repo_rating_fx(db, from, to, day, &found, rate, rate_day, err) < 0)
        return -1;
    if (!found) {
        date_format(day, d);
        return err_set_(err, __func__, __LINE__, ERR_INVALID, "no_exchange_rate", "currency",
                        "no exchange rate %s->%s in effect on %s (cspd import rates)", from,
                        to, d);
    }
    return 0;
}

static int alert_below_cost(struct rating *rt, const struct rated_row *r, struct err *err)
{
    char amount[DEC_STRLEN], cost[DEC_STRLEN];
    json_t *o;
    char *s;
    int rc;

    dec_format(r->amount, amount);
    dec_format(r->cost, cost);
    o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "kind", "rated_line",
                  "rated_line_id", r->id, "charge_id", r->charge_id, "seller_id", r->seller_id,
                  "rule_id", r->rule_id, "sku", r->sku, "amount", amount, "cost", cost,
                  "currency", r->currency);
    s = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (!s)
        return err_set(err, ERR_NOMEM, "", "out of memory for an alert");
    rc = bill_outbox(rt->ctx->db, "alert.below_cost", s, rt->now, err);
    free(s);
    if (rc == 0)
        rt->stats->alerts++;
    return rc;
}

static int rate_one(struct rating *rt, const struct pending_charge *c, const char *tier,
                    struct rated_row *out, struct err *err);

/* The seller's base for the tier: Microsoft's line, or the distributor's rated line. */
static int base_of(struct rating *rt, const struct pending_charge *c, bool chain,
                   struct price_base *b, struct dec *cost, struct rated_row *base_line,
                   struct err *err)
{
    const struct charge_line *l = &c->row.line;
    bool found;

    memset(b, 0, sizeof(*b));
    if (chain) {
        if (repo_rated_find(rt->ctx->db, c->row.id, "reseller", base_line, &found, err) < 0)
            return -1;
        if (!found && rate_one(rt, c, "reseller", base_line, err) < 0)
            return -1;
        b->cost_unit = base_line->unit_price;
        snprintf(b->cost_ccy, sizeof(b->cost_ccy), "%s", base_line->currency);
        *cost = base_line->amount;
        return 0;
    }
    b->cost_unit = l->unit_price;
    snprintf(b->cost_ccy, sizeof(b->cost_ccy), "%s", l->currency);
    *cost = l->subtotal;
    if (strcmp(l->currency, l->billing_currency) != 0) {
        if (!l->has_billing_subtotal)
            return err_set_(err, __func__, __LINE__, ERR_INVALID, "no_exchange_rate",
                            "charge_id", "charge %s has no billing-currency amount", c->row.id);
        *cost = l->billing_subtotal;
    }
    return 0;
}

/* Rate charge c for `tier` and store the line (out = the stored line). */
static int rate_one(struct rating *rt, const struct pending_charge *c, const char *tier,
                    struct rated_row *out, struct err *err)
{
    const struct charge_line *l = &c->row.line;
    bool to_reseller = strcmp(tier, "reseller") == 0;
    bool chain = !to_reseller && c->reseller_id[0];
    const char *seller = chain ? c->reseller_id : c->partner_id;
    const char *cost_ccy;
    const struct margin_rule *rules, *rule = NULL;
    struct pricing_subject subj = {c->row.subscription_id, c->customer_id, c->reseller_id,
                                   l->sku, l->start};
    struct price_base b;
    struct rated_row base_line, last;
    struct rate_input in;
    struct rated_amounts a;
    struct dec cost;
    bool found;
    size_t n;

    memset(out, 0, sizeof(*out));
    memset(&in, 0, sizeof(in));
    if (base_of(rt, c, chain, &b, &cost, &base_line, err) < 0 ||
        rules_for(rt, seller, &rules, &n, err) < 0)
        return -1;
    cost_ccy = chain ? base_line.currency
                     : (strcmp(l->currency, l->billing_currency) != 0 ? l->billing_currency
                                                                      : l->currency);
    if (repo_rating_erp(rt->ctx->db, l->sku, c->term, c->billing, c->market, l->currency,
                        l->start, &b.has_erp, &b.erp_unit, err) < 0)
        return -1;
    snprintf(b.erp_ccy, sizeof(b.erp_ccy), "%s", l->currency);

    in.sign = dec_is_neg(l->subtotal) || dec_is_neg(l->effective_unit_price) ? -1 : +1;
    if (in.sign < 0) {
        /* a refund gives back what was charged: the rule of the charge it refunds */
        if (repo_rated_last_charge(rt->ctx->db, c->row.subscription_id, l->sku, tier,
                                   l->start, &last, &found, err) < 0)
            return -1;
        if (found) {
            for (size_t i = 0; i < n && last.rule_id[0]; i++)
                if (strcmp(rules[i].id, last.rule_id) == 0)
                    rule = &rules[i];
        } else {
            rule = margin_rule_select(rules, n, &subj);
        }
    } else {
        rule = margin_rule_select(rules, n, &subj);
    }
    if (margin_unit_price(rule, &b, &in.unit, in.unit_ccy, err) < 0)
        return -1;

    snprintf(out->tier, sizeof(out->tier), "%s", tier);
    snprintf(out->currency, sizeof(out->currency), "%s",
             to_reseller ? "" : c->customer_ccy);
    if (to_reseller) {
        struct bill_to_info bt;

        if (repo_invoice_bill_to(rt->ctx->db, c->reseller_id, true, &bt, err) < 0)
            return -1;
        snprintf(out->currency, sizeof(out->currency), "%s", bt.currency);
    }
    in.type = l->type;
    in.quantity = l->quantity;
    snprintf(in.buyer_ccy, sizeof(in.buyer_ccy), "%s", out->currency);
    in.cost = cost;
    snprintf(in.cost_ccy, sizeof(in.cost_ccy), "%s", cost_ccy);
    if (rate_cycle_days(l->type, l->unit_price, l->effective_unit_price, l->currency, l->start,
                        l->end, cycle_months_of(c), &in.days, &in.cycle_days, err) < 0)
        return -1;
    if (strcmp(in.unit_ccy, in.buyer_ccy) != 0) {
        if (fx_or_fail(rt->ctx->db, in.unit_ccy, in.buyer_ccy, l->start, &in.fx, &out->fx_date,
                       err) < 0)
            return -1;
        out->has_fx = true;
        out->fx_rate = in.fx;
    }
    if (strcmp(in.cost_ccy, in.buyer_ccy) != 0) {
        struct date d;

        if (fx_or_fail(rt->ctx->db, in.cost_ccy, in.buyer_ccy, l->start, &in.cost_fx, &d,
                       err) < 0)
            return -1;
        out->has_cost_fx = true;
        out->cost_fx = in.cost_fx;
    }
    if (rate_line(&in, &a, err) < 0)
        return -1;

    snprintf(out->charge_id, sizeof(out->charge_id), "%s", c->row.id);
    snprintf(out->seller_id, sizeof(out->seller_id), "%s", seller);
    snprintf(out->customer_id, sizeof(out->customer_id), "%s", c->customer_id);
    snprintf(out->reseller_id, sizeof(out->reseller_id), "%s", c->reseller_id);
    snprintf(out->subscription_id, sizeof(out->subscription_id), "%s", c->row.subscription_id);
    snprintf(out->charge_type, sizeof(out->charge_type), "%s", charge_type_name(l->type));
    snprintf(out->sku, sizeof(out->sku), "%s", l->sku);
    pricing_product_of(l->sku, out->product_id);
    out->start = l->start;
    out->end = l->end;
    invoice_period_of(l->start, out->period);
    out->quantity = l->quantity;
    out->days = in.days;
    out->cycle_days = in.cycle_days;
    out->unit_price = a.unit_price;
    out->eup = a.eup;
    out->amount = a.amount;
    out->cost = a.cost;
    out->margin = a.margin;
    snprintf(out->price_currency, sizeof(out->price_currency), "%s", in.unit_ccy);
    if (rule)
        snprintf(out->rule_id, sizeof(out->rule_id), "%s", rule->id);
    out->below_cost = a.below_cost;
    if (chain)
        snprintf(out->base_line_id, sizeof(out->base_line_id), "%s", base_line.id);
    out->created_at = rt->now;
    if (repo_rated_insert(rt->ctx->db, out, err) < 0)
        return -1;
    rt->stats->rated++;
    if (a.below_cost && !(rule && rule->allow_below_cost))
        return alert_below_cost(rt, out, err);
    return 0;
}

/* A growable array of values of one type. */
struct vec {
    void *v;
    size_t n, cap, size;
};

static int vec_push(struct vec *a, const void *item)
{
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 64;
        void *p = realloc(a->v, cap * a->size);

        if (!p)
            return -1;
        a->v = p;
        a->cap = cap;
    }
    memcpy((char *)a->v + a->n * a->size, item, a->size);
    a->n++;
    return 0;
}

static int collect_pending(void *ctx, const struct pending_charge *c)
{
    return vec_push(ctx, c);
}

static int collect_rated(void *ctx, const struct rated_row *r)
{
    return vec_push(ctx, r);
}

static int rate_tier(struct rating *rt, const char *seller, const char *tier, struct date last,
                     struct err *err)
{
    struct vec pend = {NULL, 0, 0, sizeof(struct pending_charge)};
    int rc = -1;

    if (repo_rating_each_pending(rt->ctx->db, seller, tier, last, collect_pending, &pend,
                                 err) < 0) {
        if (!err->code)
            err_set(err, ERR_NOMEM, "", "out of memory reading charges");
        goto out;
    }
    for (size_t i = 0; i < pend.n; i++) {
        const struct pending_charge *c = (const struct pending_charge *)pend.v + i;
        struct rated_row r;
        bool found;

        /* an earlier charge's chain may have rated this one already */
        if (repo_rated_find(rt->ctx->db, c->row.id, tier, &r, &found, err) < 0)
            goto out;
        if (!found && rate_one(rt, c, tier, &r, err) < 0)
            goto out;
    }
    rc = 0;
out:
    free(pend.v);
    return rc;
}

static void describe(const struct rated_row *r, const char *period, struct invoice_line *l)
{
    char s[DATE_STRLEN], e[DATE_STRLEN];

    date_format(r->start, s);
    date_format(r->end, e);
    snprintf(l->description, sizeof(l->description), "%s%s%s %s, %s to %s",
             l->adjustment ? "Adjustment " : "", l->adjustment ? r->period : "",
             l->adjustment ? ": " : "", r->sku, s, e);
    (void)period;
}

/* Build, number and store one invoice from lines [from, to) of one billed party. */
static int make_invoice(struct rating *rt, const char *issuer, const struct issuer_settings *is,
                        const struct rated_row *lines, size_t count, const char *period,
                        bool draft, struct err *err)
{
    const struct rated_row *r0 = &lines[0];
    bool to_reseller = strcmp(r0->tier, "reseller") == 0;
    const char *party = to_reseller ? r0->reseller_id : r0->customer_id;
    struct bill_to_info bt;
    struct invoice inv;
    struct date today = instant_date(rt->now);
    char after[BILL_JSON_MAX];
    int rc = -1;

    invoice_init(&inv);
    if (repo_invoice_bill_to(rt->ctx->db, party, to_reseller, &bt, err) < 0)
        goto out;
    snprintf(inv.issuer_id, sizeof(inv.issuer_id), "%s", issuer);
    snprintf(to_reseller ? inv.reseller_id : inv.customer_id, ID_MAXLEN, "%s", party);
    snprintf(inv.period, sizeof(inv.period), "%s", period);
    snprintf(inv.currency, sizeof(inv.currency), "%s", r0->currency);
    inv.bill_to = bt.party;
    inv.issuer = is->issuer;
    inv.tax_mode = is->tax_mode;
    inv.payment_terms_days = bt.payment_terms_days > 0 ? bt.payment_terms_days
                                                       : is->payment_terms_days;
    if (bt.has_tax_rate) {
        inv.tax_rate = bt.tax_rate;
        snprintf(inv.tax_label, sizeof(inv.tax_label), "%s", bt.tax_label[0] ? bt.tax_label
                                                                              : "Tax");
    } else {
        bool found;
        char label[32] = "";

        if (repo_invoice_tax_rate(rt->ctx->db, issuer, bt.party.country, &found, &inv.tax_rate,
                                  label, err) < 0)
            goto out;
        snprintf(inv.tax_label, sizeof(inv.tax_label), "%s", label[0] ? label : "Tax");
    }
    for (size_t i = 0; i < count; i++) {
        const struct rated_row *r = &lines[i];
        struct invoice_line l;

        memset(&l, 0, sizeof(l));
        snprintf(l.rated_line_id, sizeof(l.rated_line_id), "%s", r->id);
        snprintf(l.charge_id, sizeof(l.charge_id), "%s", r->charge_id);
        snprintf(l.subscription_id, sizeof(l.subscription_id), "%s", r->subscription_id);
        snprintf(l.sku, sizeof(l.sku), "%s", r->sku);
        snprintf(l.product_id, sizeof(l.product_id), "%s", r->product_id);
        snprintf(l.charge_type, sizeof(l.charge_type), "%s", r->charge_type);
        l.start = r->start;
        l.end = r->end;
        l.quantity = r->quantity;
        l.unit_price = r->unit_price;
        l.eup = r->eup;
        l.amount = r->amount;
        l.cost = r->cost;
        l.margin = r->margin;
        l.adjustment = strcmp(r->period, period) < 0;
        describe(r, period, &l);
        if (l.adjustment)
            rt->stats->adjustments++;
        if (invoice_add_line(&inv, &l, err) < 0)
            goto out;
    }
    if (invoice_compute(&inv, err) < 0)
        goto out;
    inv.created_at = rt->now;
    if (!draft) {
        inv.status = INV_FINALIZED;
        inv.finalized_at = rt->now;
        inv.issued_on = today;
        inv.due_on = date_add_days(today, inv.payment_terms_days);
        inv.series_year = today.year;
        if (repo_invoice_next_number(rt->ctx->db, issuer, invoice_series(inv.kind), today.year,
                                     &inv.series_value, err) < 0 ||
            invoice_number_format(invoice_series(inv.kind), today.year, inv.series_value,
                                  inv.number, err) < 0)
            goto out;
    }
    if (repo_invoice_insert(rt->ctx->db, &inv, err) < 0)
        goto out;
    for (size_t i = 0; i < count; i++)
        if (repo_rated_set_invoice(rt->ctx->db, lines[i].id, inv.id, err) < 0)
            goto out;
    bill_invoice_json(&inv, inv.status, after, sizeof(after));
    if (bill_audit(rt->ctx, rt->now, draft ? "invoice.draft" : "invoice.finalize", "invoice",
                   inv.id, issuer, NULL, after, err) < 0)
        goto out;
    rt->stats->invoices++;
    rc = 0;
out:
    invoice_release(&inv);
    return rc;
}

static int invoice_tier(struct rating *rt, const char *issuer, const char *tier,
                        struct date last, const char *period, bool draft, int *made,
                        struct err *err)
{
    struct vec lines = {NULL, 0, 0, sizeof(struct rated_row)};
    struct issuer_settings is;
    const struct rated_row *v;
    size_t start = 0;
    int rc = -1;

    (void)last;
    if (repo_rated_each_open(rt->ctx->db, issuer, tier, period, collect_rated, &lines,
                             err) < 0) {
        if (!err->code)
            err_set(err, ERR_NOMEM, "", "out of memory reading rated lines");
        goto out;
    }
    if (lines.n == 0)
        return 0;
    if (repo_invoice_issuer_settings(rt->ctx->db, issuer, &is, err) < 0)
        goto out;
    v = lines.v;
    for (size_t i = 1; i <= lines.n; i++) {
        bool res = strcmp(tier, "reseller") == 0;
        bool same = i < lines.n &&
                    strcmp(res ? v[i].reseller_id : v[i].customer_id,
                           res ? v[start].reseller_id : v[start].customer_id) == 0 &&
                    strcmp(v[i].currency, v[start].currency) == 0;

        if (same)
            continue;
        if (make_invoice(rt, issuer, &is, v + start, i - start, period, draft, err) < 0)
            goto out;
        (*made)++;
        start = i;
    }
    rc = 0;
out:
    free(lines.v);
    return rc;
}

static int close_issuer(struct rating *rt, const char *issuer, const char *period,
                        struct date last, bool draft, struct err *err)
{
    struct db *db = rt->ctx->db;
    bool closed;
    int made = 0;

    if (db_begin(db, err) < 0)
        return -1;
    if (repo_invoice_is_closed(db, issuer, period, &closed, err) < 0)
        goto fail;
    if (closed) {
        db_rollback(db);
        rt->stats->already_closed++;
        return 0;
    }
    if (rate_tier(rt, issuer, "reseller", last, err) < 0 ||
        rate_tier(rt, issuer, "customer", last, err) < 0 ||
        repo_invoice_delete_drafts(db, issuer, period, err) < 0 ||
        invoice_tier(rt, issuer, "reseller", last, period, draft, &made, err) < 0 ||
        invoice_tier(rt, issuer, "customer", last, period, draft, &made, err) < 0)
        goto fail;
    if (!draft && repo_invoice_mark_closed(db, issuer, period, rt->now, made, err) < 0)
        goto fail;
    return db_commit(db, err);
fail:
    db_rollback(db);
    return -1;
}

#define ISSUERS_MAX 100000

/* Visit the issuers ctx->scope may see; `due_day` set: only those whose close day has come. */
static int close_all(const struct bill_ctx *ctx, const char *period, bool draft, instant_t now,
                     const struct date *due_day, struct close_stats *stats, struct err *err)
{
    struct rating rt;
    struct date first, last;
    char (*ids)[ID_MAXLEN] = NULL;
    size_t n = 0;
    int rc = -1;

    memset(stats, 0, sizeof(*stats));
    memset(&rt, 0, sizeof(rt));
    rt.ctx = ctx;
    rt.now = now;
    rt.stats = stats;
    if (invoice_period_parse(period, &first, &last, err) < 0)
        return -1;
    if (date_cmp(instant_date(now), first) < 0)
        return err_set_(err, __func__, __LINE__, ERR_REFUSED, "period_not_started", "period",
                        "period %s has not started yet", period);
    ids = calloc(ISSUERS_MAX, ID_MAXLEN);
    if (!ids)
        return err_set(err, ERR_NOMEM, "", "out of memory listing issuers");
    if (repo_invoice_issuers(ctx->db, ctx->scope, ids, ISSUERS_MAX, &n, err) < 0)
        goto out;
    for (size_t i = 0; i < n; i++) {
        if (due_day) {
            struct issuer_settings is;

            if (repo_invoice_issuer_settings(ctx->db, ids[i], &is, err) < 0)
                goto out;
            if (due_day->day < is.close_day)
                continue;
        }
        stats->issuers++;
        if (close_issuer(&rt, ids[i], period, last, draft, err) < 0)
            goto out;
    }
    rc = 0;
out:
    for (int i = 0; i < 2; i++)
        free(rt.cache[i].rules);
    free(ids);
    return rc;
}

int invoice_close(const struct bill_ctx *ctx, const char *period, bool draft, instant_t now,
                  struct close_stats *stats, struct err *err)
{
    return close_all(ctx, period, draft, now, NULL, stats, err);
}

/* nce-rules Part A 1: the daily cycle's day; the close step runs after the day's charges. */
int invoice_close_due(const struct bill_ctx *ctx, struct date day, instant_t now,
                      char period[INVOICE_PERIOD_MAX], struct close_stats *stats,
                      struct err *err)
{
    struct date prev = {day.year, day.month, 1};

    prev = date_add_days(prev, -1);

    invoice_period_of(prev, period);
    return close_all(ctx, period, false, now, &day, stats, err);
}
