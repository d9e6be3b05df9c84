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
 * Workload: a month of a book of 10^6 subscriptions is ~6 x 10^5 Microsoft lines, ~10^6 rated
 * lines and ~4 x 10^4 invoices (bench 2, docs/bench.md), priced by sellers with up to a few
 * thousand rules each. Hence the shape, per issuer and tier:
 *   - the charges to rate are read in ONE pass ordered by billed party, then subscription
 *     (repo_rating_each_pending); a chain's reseller-tier line comes with its charge (a join);
 *     only charges above the seller's rating mark for the tier are read (migration 014): the
 *     rated history is skipped on the index, its rows never read or probed. The mark moves in
 *     the issuer's transaction to just below the first charge left unrated (one starting after
 *     the period), else to the last charge (Azure usage charges: the same, marks of their own);
 *   - each party's lines are rated into a buffer and, when the party changes, numbered into
 *     its invoice and written once: the invoice row, then the invoice lines, then each rated
 *     line already carrying the invoice id. Nothing just written is read back or updated;
 *     only lines left open by an earlier run (drafts, late lines) are updated onto invoices;
 *   - per line nothing is prepared or malloc'ed and, but for refunds, nothing is queried:
 *     the writes and lookups go through one statement cache (store/repo_stmt.h) for the whole
 *     close, the seller's rules are sorted once and searched by target
 *     (margin_rule_select_sorted), ERP prices and exchange rates are memoized by key (a month
 *     has a few dozen distinct start days), the buffers are reused, ids come from a pool;
 *   - a refund looks for the line it refunds among the subscription's lines already in the
 *     party's buffer (they are adjacent: ordered by subscription), then in the store (earlier
 *     closes), and takes the later of the two as the store's query would.
 * Azure usage (rate_usage; docs/billing.md "Azure usage") is rated per issuer and tier in one
 * pass of its own before the licence charges (repo_usage_each_pending), each line stored off
 * any invoice; the read of open lines then brings it to its party's invoice like a line left
 * open before (one UPDATE per usage line). The licence path is unchanged: measured on a
 * 50,000-subscription book, the same 50,644 lines in the same CPU time (2.1 s), and 96,000
 * usage lines (60,000 usage charges, two tiers where there is a reseller) add ~3.5 CPU-s.
 * Memory is the largest billed party's month: a reseller billed by its distributor carries
 * all its customers' lines (~700 bytes each); with the close's page cache
 * (repo_invoice_bulk), ~300 MB at 1/10 scale.
 * What is left is SQLite's (perf at 1/10 scale, bench/RESULTS.md): the pending query ~1/3 of
 * the CPU (the walk of the seller's subscriptions, then each new charge's row and the probes
 * for its rated lines), inserting rated lines ~30 % (UNIQUE (charge_id, tier) has a random
 * key; rated_lines_by_sub, the other one, is gone: migration 015), invoices and their lines
 * ~15 %, commits ~15 % (docs/bench.md).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "domain/invoice/invoice.h"
#include "domain/pricing/pricing.h"
#include "store/repo_invoice.h"
#include "store/repo_margin.h"
#include "store/repo_stmt.h"
#include "store/repo_usage.h"
#include "svc/invoice_svc.h"

#define RULE_SLOTS 4     /* sellers whose rules are kept: the issuer and a chain's distributors */
#define MEMO_SLOTS 512   /* direct-mapped memo of ERP prices and exchange rates; power of two */
#define CLOSED_MEMO 32   /* periods looked up per issuer (late lines' months) */
#define ISSUERS_MAX 100000

struct seller_rules {
    char seller[ID_MAXLEN];
    struct margin_rule *rules;           /* sorted by margin_rules_sort */
    const struct margin_rule **by_id;
    size_t n;
    unsigned long used;                  /* last use, for eviction */
};

struct fx_memo {
    bool set, found;
    char from[CCY_MAX], to[CCY_MAX];
    struct date day, rate_day;
    struct dec rate;
};

struct erp_memo {
    bool set, found;
    char sku[SKU_MAX], term[8], billing[16], market[MARKET_MAX], ccy[CCY_MAX];
    struct date day;
    struct dec erp;
};

/*
 * Ids of the rows a close writes (rated lines, invoices): "<prefix>_" and 26 base32
 * characters as core/id.c makes them, but of the 16 bytes only the last 8 are random; the
 * first 8 are the close's instant (seconds) and a sequence number. A close writes ~10^6 rows
 * into indexes keyed by id (rated_lines, invoices, invoice_lines, audit_log): with random
 * keys every insert dirties its own page and each issuer's commit rewrites most of every such
 * index (measured: ~5 page writes per rated line at 1/10 scale); ids that follow each other
 * land on the same pages. Still unguessable (64 random bits), and they say nothing of the
 * book's size. The random bytes come from libsodium (the demo's seeded generator in demo
 * runs), 2 KB at a time rather than a system call per id.
 */
#define ID_POOL 2048

struct id_gen {
    uint64_t next;
    unsigned char pool[ID_POOL];
    size_t used;
};

static const char b32[] = "abcdefghijklmnopqrstuvwxyz234567";

static void id_gen_init(struct id_gen *g, instant_t now)
{
    g->next = (uint64_t)now << 32;
    g->used = ID_POOL;
}

static int id_gen_new(struct id_gen *g, const char *prefix, char out[ID_MAXLEN],
                      struct err *err)
{
    unsigned char raw[16];
    size_t plen = strlen(prefix), o = plen + 1;
    unsigned acc = 0;
    int bits = 0;

    if (plen > 8)
        return err_set(err, ERR_INTERNAL, "", "id prefix too long");
    if (g->used + 8 > ID_POOL) {
        randombytes_buf(g->pool, ID_POOL);
        g->used = 0;
    }
    for (int i = 0; i < 8; i++)
        raw[i] = (unsigned char)(g->next >> (56 - 8 * i));
    memcpy(raw + 8, g->pool + g->used, 8);
    g->used += 8;
    g->next++;
    memcpy(out, prefix, plen);
    out[plen] = '_';
    for (int i = 0; i < 16; i++) {
        acc = (acc << 8) | raw[i];
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            out[o++] = b32[(acc >> bits) & 31];
        }
        acc &= (1u << bits) - 1;
    }
    out[o++] = b32[(acc << (5 - bits)) & 31]; /* 128 = 25 x 5 + 3 */
    out[o] = '\0';
    return 0;
}

/* A growable array of values of one type: grows by doubling, reused across parties. */
struct vec {
    void *v;
    size_t n, cap, size;
};

/* One line of the invoice being built: a line rated now, or an open one from before. */
struct line_ref {
    struct rated_row *r;
    bool old;
    size_t seq; /* position in its source: the order the lines were rated / read */
};

struct closing {
    const struct bill_ctx *ctx;
    struct db *db;
    struct stmt_cache sc;
    instant_t now;
    struct date today;
    struct close_stats *stats;
    struct err *err;
    struct id_gen ids;
    struct seller_rules rules[RULE_SLOTS];
    unsigned long tick;
    struct fx_memo *fx;
    struct erp_memo *erp;
    /* the issuer being closed */
    const char *issuer, *period;
    int anchor;          /* the issuer's period day (domain/invoice "Billing periods") */
    char other_seller[ID_MAXLEN]; /* a chain's distributor rated here, and its period day */
    int other_anchor;
    bool draft;
    struct issuer_settings is;
    bool have_is;        /* `is` read (on the issuer's first invoice) */
    bool numbered;       /* the counter has been read (repo_invoice_number_peek) */
    int64_t number;      /* the last number used */
    int made;
    struct {
        char period[INVOICE_PERIOD_MAX];
        bool closed;
    } closed[CLOSED_MEMO];
    size_t nclosed;
    /* the tier being billed */
    const char *tier;
    bool to_reseller;
    char party[ID_MAXLEN]; /* the billed party whose lines are in `group` */
    struct vec group;      /* struct rated_row: the party's lines rated now */
    struct vec old;        /* struct rated_row: open lines from before, by party */
    size_t old_next;
    struct vec refs;       /* struct line_ref */
    struct invoice inv;    /* reused for every invoice */
};

static void *vec_slot(struct vec *a)
{
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 64;
        void *p = realloc(a->v, cap * a->size);

        if (!p)
            return NULL;
        a->v = p;
        a->cap = cap;
    }
    return (char *)a->v + a->n++ * a->size;
}

/* Bounded copy of a NUL-terminated string (a close copies ~15 fields per line). */
static void scopy(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);

    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

#define SCOPY(dst, src) scopy((dst), sizeof(dst), (src))

/* ---- the sellers' rules, ERP prices and exchange rates, once per close ------------------- */

static int rules_for(struct closing *cl, const char *seller, const struct seller_rules **out,
                     struct err *err)
{
    struct seller_rules *c = NULL;

    for (int i = 0; i < RULE_SLOTS && !c; i++)
        if (cl->rules[i].seller[0] && strcmp(cl->rules[i].seller, seller) == 0)
            c = &cl->rules[i];
    if (!c) {
        c = &cl->rules[0];
        for (int i = 1; i < RULE_SLOTS; i++)
            if (cl->rules[i].used < c->used)
                c = &cl->rules[i];
        free(c->rules);
        free(c->by_id);
        memset(c, 0, sizeof(*c));
        if (repo_margin_load(cl->db, seller, &c->rules, &c->n, err) < 0)
            return -1;
        c->by_id = malloc((c->n ? c->n : 1) * sizeof(*c->by_id));
        if (!c->by_id)
            return err_set(err, ERR_NOMEM, "", "out of memory for margin rules");
        margin_rules_sort(c->rules, c->n);
        margin_rules_by_id(c->rules, c->n, c->by_id);
        SCOPY(c->seller, seller);
    }
    c->used = ++cl->tick;
    *out = c;
    return 0;
}

static unsigned memo_hash(const char *const *keys, int nkeys, struct date day)
{
    unsigned h = 2166136261u;

    for (int k = 0; k < nkeys; k++) {
        for (const char *p = keys[k]; *p; p++)
            h = (h ^ (unsigned char)*p) * 16777619u;
        h = (h ^ 0xffu) * 16777619u;
    }
    h = (h ^ (unsigned)(day.year * 512 + day.month * 32 + day.day)) * 16777619u;
    return h & (MEMO_SLOTS - 1);
}

static int fx_or_fail(struct closing *cl, const char *from, const char *to, struct date day,
                      struct dec *rate, struct date *rate_day, struct err *err)
{
    const char *keys[] = {from, to};
    struct fx_memo *m = &cl->fx[memo_hash(keys, 2, day)];
    char d[DATE_STRLEN];

    if (!m->set || strcmp(m->from, from) != 0 || strcmp(m->to, to) != 0 ||
        date_cmp(m->day, day) != 0) {
        memset(m, 0, sizeof(*m));
        if (repo_rating_fx_cached(cl->db, &cl->sc, from, to, day, &m->found, &m->rate,
                                  &m->rate_day, err) < 0)
            return -1;
        SCOPY(m->from, from);
        SCOPY(m->to, to);
        m->day = day;
        m->set = true;
    }
    if (!m->found) {
        date_format(day, d);
        return err_set_(err, __func__, __LINE__, ERR_INVALID, "no_exchange_rate", "currency",
                        "no exchange rate %s->%s in effect on %s (cspd import rates)", from,
                        to, d);
    }
    *rate = m->rate;
    *rate_day = m->rate_day;
    return 0;
}

/* Microsoft's ERP for the charge's price row (only a discount rule needs it). */
static int erp_of(struct closing *cl, const struct pending_charge *c, struct price_base *b,
                  struct err *err)
{
    const struct charge_line *l = &c->row.line;
    const char *keys[] = {l->sku, c->term, c->billing, c->market, l->currency};
    struct erp_memo *m = &cl->erp[memo_hash(keys, 5, l->start)];

    if (!m->set || strcmp(m->sku, l->sku) != 0 || strcmp(m->term, c->term) != 0 ||
        strcmp(m->billing, c->billing) != 0 || strcmp(m->market, c->market) != 0 ||
        strcmp(m->ccy, l->currency) != 0 || date_cmp(m->day, l->start) != 0) {
        memset(m, 0, sizeof(*m));
        if (repo_rating_erp(cl->db, &cl->sc, l->sku, c->term, c->billing, c->market,
                            l->currency, l->start, &m->found, &m->erp, err) < 0)
            return -1;
        SCOPY(m->sku, l->sku);
        SCOPY(m->term, c->term);
        SCOPY(m->billing, c->billing);
        SCOPY(m->market, c->market);
        SCOPY(m->ccy, l->currency);
        m->day = l->start;
        m->set = true;
    }
    b->has_erp = m->found;
    b->erp_unit = m->erp;
    SCOPY(b->erp_ccy, l->currency);
    return 0;
}

/* ---- rating ------------------------------------------------------------------------------ */

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

static int alert_below_cost(struct closing *cl, const struct rated_row *r, struct err *err)
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
    if (o && r->usage_charge_id[0])
        json_object_set_new(o, "usage_charge_id", json_string(r->usage_charge_id));
    s = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (!s)
        return err_set(err, ERR_NOMEM, "", "out of memory for an alert");
    rc = bill_outbox(cl->db, "alert.below_cost", s, cl->now, err);
    free(s);
    if (rc == 0)
        cl->stats->alerts++;
    return rc;
}

/*
 * The rule of the line a refund gives back: the subscription's latest positive line of the
 * SKU and tier starting on or before `day`. This close's lines of the party being billed are
 * still in its buffer (and adjacent, ordered by subscription); earlier closes' are stored.
 */
static int refunded_rule(struct closing *cl, const struct pending_charge *c, const char *tier,
                         bool *found, char rule_id[ID_MAXLEN], struct err *err)
{
    const struct charge_line *l = &c->row.line;
    const struct rated_row *g = cl->group.v, *best = NULL;
    struct rated_row last;
    bool in_store;

    if (strcmp(tier, cl->tier) == 0) {
        for (size_t i = cl->group.n; i-- > 0;) {
            const struct rated_row *r = &g[i];

            if (strcmp(r->subscription_id, c->row.subscription_id) != 0)
                break;
            /* the later line wins among equal start dates: it was rated later */
            if (strcmp(r->sku, l->sku) == 0 && !dec_is_neg(r->amount) &&
                date_cmp(r->start, l->start) <= 0 &&
                (!best || date_cmp(r->start, best->start) > 0))
                best = r;
        }
    }
    if (repo_rated_last_charge(cl->db, &cl->sc, c->row.subscription_id, l->sku, tier, l->start,
                               &last, &in_store, err) < 0)
        return -1;
    /* the store's ordering: start date, then creation */
    if (in_store && (!best || date_cmp(last.start, best->start) > 0 ||
                     (date_cmp(last.start, best->start) == 0 && last.created_at > cl->now)))
        best = &last;
    *found = best != NULL;
    scopy(rule_id, ID_MAXLEN, best ? best->rule_id : "");
    return 0;
}

static int store_line(struct closing *cl, struct rated_row *r, const char *invoice_id,
                      struct err *err)
{
    SCOPY(r->invoice_id, invoice_id ? invoice_id : "");
    return repo_rated_insert(cl->db, &cl->sc, r, err);
}

/*
 * The period day of a line's seller: the issuer's, or for a chain's distributor line rated in
 * its reseller's close, the distributor's (its lines carry its own periods).
 */
static int seller_anchor(struct closing *cl, const char *seller, int *anchor, struct err *err)
{
    struct issuer_settings is;

    if (strcmp(seller, cl->issuer) == 0) {
        *anchor = cl->anchor;
        return 0;
    }
    if (strcmp(seller, cl->other_seller) != 0) {
        if (repo_invoice_issuer_settings(cl->db, seller, &is, err) < 0)
            return -1;
        SCOPY(cl->other_seller, seller);
        cl->other_anchor = is.period_day;
    }
    *anchor = cl->other_anchor;
    return 0;
}

/* Rate charge c for `tier` into *out (not stored: the caller stores it). */
static int rate_charge(struct closing *cl, const struct pending_charge *c, const char *tier,
                       struct rated_row *out, struct err *err)
{
    const struct charge_line *l = &c->row.line;
    bool to_reseller = strcmp(tier, "reseller") == 0;
    bool chain = !to_reseller && c->reseller_id[0];
    const char *seller = chain ? c->reseller_id : c->partner_id;
    const char *cost_ccy, *base_id = "";
    const struct seller_rules *sr = NULL;
    const struct margin_rule *rule = NULL;
    struct pricing_subject subj = {c->row.subscription_id, c->customer_id, c->reseller_id,
                                   l->sku, l->start};
    struct price_base b;
    struct rated_row base;
    struct rate_input in;
    struct rated_amounts a;
    int anchor;

    memset(&b, 0, sizeof(b));
    memset(&in, 0, sizeof(in));
    if (chain) {
        if (!c->has_base) {
            /* the distributor has not rated it yet: its line first, stored off any invoice */
            if (rate_charge(cl, c, "reseller", &base, err) < 0 ||
                store_line(cl, &base, NULL, err) < 0)
                return -1;
            b.cost_unit = base.unit_price;
            SCOPY(b.cost_ccy, base.currency);
            in.cost = base.amount;
            base_id = base.id;
        } else {
            b.cost_unit = c->base_unit;
            SCOPY(b.cost_ccy, c->base_ccy);
            in.cost = c->base_amount;
            base_id = c->base_id;
        }
        cost_ccy = b.cost_ccy;
    } else {
        b.cost_unit = l->unit_price;
        SCOPY(b.cost_ccy, l->currency);
        in.cost = l->subtotal;
        cost_ccy = l->currency;
        if (strcmp(l->currency, l->billing_currency) != 0) {
            if (!l->has_billing_subtotal)
                return err_set_(err, __func__, __LINE__, ERR_INVALID, "no_exchange_rate",
                                "charge_id", "charge %s has no billing-currency amount",
                                c->row.id);
            in.cost = l->billing_subtotal;
            cost_ccy = l->billing_currency;
        }
    }
    if (rules_for(cl, seller, &sr, err) < 0)
        return -1;

    in.sign = dec_is_neg(l->subtotal) || dec_is_neg(l->effective_unit_price) ? -1 : +1;
    if (in.sign < 0) {
        /* a refund gives back what was charged: the rule of the charge it refunds */
        char rid[ID_MAXLEN];
        bool found;

        if (refunded_rule(cl, c, tier, &found, rid, err) < 0)
            return -1;
        rule = !found ? margin_rule_select_sorted(sr->rules, sr->n, &subj)
               : rid[0] ? margin_rule_find(sr->by_id, sr->n, rid)
                        : NULL;
    } else {
        rule = margin_rule_select_sorted(sr->rules, sr->n, &subj);
    }
    if (rule && rule->kind == MARGIN_DISCOUNT && erp_of(cl, c, &b, err) < 0)
        return -1;
    if (margin_unit_price(rule, &b, &in.unit, in.unit_ccy, err) < 0)
        return -1;

    memset(out, 0, sizeof(*out));
    SCOPY(out->tier, tier);
    SCOPY(out->currency, to_reseller ? c->reseller_ccy : c->customer_ccy);
    if (!out->currency[0])
        return err_set(err, ERR_NOT_FOUND, "party_id", "no billing currency for %s",
                       to_reseller ? c->reseller_id : c->customer_id);
    in.type = l->type;
    in.quantity = l->quantity;
    SCOPY(in.buyer_ccy, out->currency);
    SCOPY(in.cost_ccy, cost_ccy);
    if (rate_cycle_days(l->type, l->unit_price, l->effective_unit_price, l->currency, l->start,
                        l->end, cycle_months_of(c), &in.days, &in.cycle_days, err) < 0)
        return -1;
    if (strcmp(in.unit_ccy, in.buyer_ccy) != 0) {
        if (fx_or_fail(cl, in.unit_ccy, in.buyer_ccy, l->start, &in.fx, &out->fx_date, err) < 0)
            return -1;
        out->has_fx = true;
        out->fx_rate = in.fx;
    }
    if (strcmp(in.cost_ccy, in.buyer_ccy) != 0) {
        struct date d;

        if (fx_or_fail(cl, in.cost_ccy, in.buyer_ccy, l->start, &in.cost_fx, &d, err) < 0)
            return -1;
        out->has_cost_fx = true;
        out->cost_fx = in.cost_fx;
    }
    if (rate_line(&in, &a, err) < 0 || id_gen_new(&cl->ids, "rtl", out->id, err) < 0)
        return -1;

    SCOPY(out->charge_id, c->row.id);
    SCOPY(out->seller_id, seller);
    SCOPY(out->customer_id, c->customer_id);
    SCOPY(out->reseller_id, c->reseller_id);
    SCOPY(out->subscription_id, c->row.subscription_id);
    SCOPY(out->charge_type, charge_type_name(l->type));
    SCOPY(out->sku, l->sku);
    pricing_product_of(l->sku, out->product_id);
    out->start = l->start;
    out->end = l->end;
    if (seller_anchor(cl, seller, &anchor, err) < 0)
        return -1;
    invoice_period_of_day(l->start, anchor, out->period);
    out->quantity = l->quantity;
    out->days = in.days;
    out->cycle_days = in.cycle_days;
    out->unit_price = a.unit_price;
    out->eup = a.eup;
    out->amount = a.amount;
    out->cost = a.cost;
    out->margin = a.margin;
    SCOPY(out->price_currency, in.unit_ccy);
    if (rule)
        SCOPY(out->rule_id, rule->id);
    out->below_cost = a.below_cost;
    SCOPY(out->base_line_id, base_id);
    out->created_at = cl->now;
    cl->stats->rated++;
    if (a.below_cost && !(rule && rule->allow_below_cost))
        return alert_below_cost(cl, out, err);
    return 0;
}

/*
 * Rate Azure usage charge u for `tier` into *out (not stored: the caller stores it). Same
 * parties, seller and rule precedence as a licence charge; the price of the whole line, the
 * conversion and the one truncation per line are domain/pricing/usage.c's. The subject's
 * subscription is cspd's when the Azure plan maps to one, else the plan id, which no
 * subscription-level rule can target (their targets are cspd subscriptions).
 */
static int rate_usage(struct closing *cl, const struct pending_usage *u, const char *tier,
                      struct rated_row *out, struct err *err)
{
    bool to_reseller = strcmp(tier, "reseller") == 0;
    bool chain = !to_reseller && u->reseller_id[0];
    const char *seller = chain ? u->reseller_id : u->partner_id, *base_id = "";
    const struct seller_rules *sr = NULL;
    const struct margin_rule *rule;
    struct pricing_subject subj = {u->subscription_id, u->customer_id, u->reseller_id, u->sku,
                                   u->day};
    struct usage_rate_input in;
    struct usage_rated a;
    struct rated_row base;
    char price_ccy[CCY_MAX];
    int anchor;

    memset(&in, 0, sizeof(in));
    if (chain) {
        if (!u->has_base) {
            /* the distributor has not rated it yet: its line first, stored off any invoice */
            if (rate_usage(cl, u, "reseller", &base, err) < 0 ||
                store_line(cl, &base, NULL, err) < 0)
                return -1;
            in.cost = base.amount;
            SCOPY(in.cost_ccy, base.currency);
            base_id = base.id;
        } else {
            in.cost = u->base_amount;
            SCOPY(in.cost_ccy, u->base_ccy);
            base_id = u->base_id;
        }
    } else {
        /* Microsoft's cost of the line: BillingPreTaxTotal (after PEC, billing currency),
         * truncated to the minor unit as Microsoft's invoice charges it (nce-rules Part B 7.3) */
        if (dec_round_currency(u->cost, u->ms_ccy, DEC_ROUND_DOWN, &in.cost, err) < 0)
            return -1;
        SCOPY(in.cost_ccy, u->ms_ccy);
    }
    if (rules_for(cl, seller, &sr, err) < 0)
        return -1;
    rule = margin_rule_select_sorted(sr->rules, sr->n, &subj);

    memset(out, 0, sizeof(*out));
    SCOPY(out->tier, tier);
    SCOPY(out->currency, to_reseller ? u->reseller_ccy : u->customer_ccy);
    if (!out->currency[0])
        return err_set(err, ERR_NOT_FOUND, "party_id", "no billing currency for %s",
                       to_reseller ? u->reseller_id : u->customer_id);
    in.rule = rule;
    in.quantity = u->quantity;
    in.retail_unit = u->unit_price;
    in.pc_to_bc = u->fx;
    SCOPY(in.ms_ccy, u->ms_ccy);
    SCOPY(in.buyer_ccy, out->currency);
    usage_price_currency(rule, in.cost_ccy, in.ms_ccy, price_ccy);
    if (strcmp(price_ccy, in.buyer_ccy) != 0) {
        if (fx_or_fail(cl, price_ccy, in.buyer_ccy, u->day, &in.fx, &out->fx_date, err) < 0)
            return -1;
        out->has_fx = true;
        out->fx_rate = in.fx;
    }
    if (strcmp(in.cost_ccy, in.buyer_ccy) != 0) {
        struct date d;

        if (fx_or_fail(cl, in.cost_ccy, in.buyer_ccy, u->day, &in.cost_fx, &d, err) < 0)
            return -1;
        out->has_cost_fx = true;
        out->cost_fx = in.cost_fx;
    }
    if (rate_usage_line(&in, &a, err) < 0 || id_gen_new(&cl->ids, "rtl", out->id, err) < 0)
        return -1;

    SCOPY(out->usage_charge_id, u->id);
    SCOPY(out->seller_id, seller);
    SCOPY(out->customer_id, u->customer_id);
    SCOPY(out->reseller_id, u->reseller_id);
    SCOPY(out->subscription_id, u->subscription_id);
    SCOPY(out->charge_type, "usage");
    SCOPY(out->sku, u->sku);
    pricing_product_of(u->sku, out->product_id);
    out->start = out->end = u->day;
    if (seller_anchor(cl, seller, &anchor, err) < 0)
        return -1;
    invoice_period_of_day(u->day, anchor, out->period);
    out->usage_qty = u->quantity;
    out->days = out->cycle_days = 1;
    out->unit_price = out->eup = a.unit_price;
    out->amount = a.amount;
    out->cost = a.cost;
    out->margin = a.margin;
    SCOPY(out->price_currency, a.price_ccy);
    if (rule)
        SCOPY(out->rule_id, rule->id);
    out->below_cost = a.below_cost;
    SCOPY(out->base_line_id, base_id);
    out->created_at = cl->now;
    cl->stats->rated++;
    cl->stats->usage_rated++;
    if (a.below_cost && !(rule && rule->allow_below_cost))
        return alert_below_cost(cl, out, err);
    return 0;
}

/* ---- invoices ---------------------------------------------------------------------------- */

static int period_closed(struct closing *cl, const char *period, bool *closed, struct err *err)
{
    for (size_t i = 0; i < cl->nclosed; i++)
        if (strcmp(cl->closed[i].period, period) == 0) {
            *closed = cl->closed[i].closed;
            return 0;
        }
    if (repo_invoice_is_closed(cl->db, cl->issuer, period, closed, err) < 0)
        return -1;
    if (cl->nclosed < CLOSED_MEMO) {
        SCOPY(cl->closed[cl->nclosed].period, period);
        cl->closed[cl->nclosed++].closed = *closed;
    }
    return 0;
}

/*
 * Does a line rated now go on this close's invoice? Its period's, or, for a late line of a
 * month the issuer has already closed, this one's as an adjustment. A line of an earlier
 * month not yet closed waits for that month's own close (concurrent closes of two months then
 * give the same invoices in either order).
 */
static int on_invoice(struct closing *cl, const struct rated_row *r, bool *yes,
                      struct err *err)
{
    int c = strcmp(r->period, cl->period);

    *yes = c == 0;
    return c < 0 ? period_closed(cl, r->period, yes, err) : 0;
}

static void describe(const struct rated_row *r, struct invoice_line *l)
{
    char s[DATE_STRLEN], e[DATE_STRLEN];

    date_format(r->start, s);
    date_format(r->end, e);
    if (r->usage_charge_id[0]) {
        /* "Azure usage 2026-11-03: D2 v3 (Virtual Machines), DZH318Z0BQ3Q:0001": the date and
         * meter first (the PDF shows the first 60 characters) */
        snprintf(l->description, sizeof(l->description), "%s%s%sAzure usage %s: %.60s%s%.47s",
                 l->adjustment ? "Adjustment " : "", l->adjustment ? r->period : "",
                 l->adjustment ? ": " : "", s, r->usage_label, r->usage_label[0] ? ", " : "",
                 r->sku);
        return;
    }
    /* "PROD1:0001, 2026-11-01 to 2026-11-30", "Adjustment 2026-10: PROD1:0001, ..." */
    snprintf(l->description, sizeof(l->description), "%s%s%s%s, %s to %s",
             l->adjustment ? "Adjustment " : "", l->adjustment ? r->period : "",
             l->adjustment ? ": " : "", r->sku, s, e);
}

/* Invoice order: currency (one invoice each), start date, subscription, then as rated. */
static int cmp_ref(const void *pa, const void *pb)
{
    const struct line_ref *a = pa, *b = pb;
    int c;

    if ((c = strcmp(a->r->currency, b->r->currency)) != 0 ||
        (c = date_cmp(a->r->start, b->r->start)) != 0 ||
        (c = strcmp(a->r->subscription_id, b->r->subscription_id)) != 0)
        return c;
    if (a->old != b->old)
        return a->old ? -1 : 1; /* lines rated before come first */
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int tax_and_terms(struct closing *cl, const char *party, struct err *err)
{
    struct invoice *inv = &cl->inv;
    struct bill_to_info bt;

    if (repo_invoice_bill_to(cl->db, &cl->sc, party, cl->to_reseller, &bt, err) < 0)
        return -1;
    inv->bill_to = bt.party;
    inv->payment_terms_days = bt.payment_terms_days > 0 ? bt.payment_terms_days
                                                        : cl->is.payment_terms_days;
    if (bt.has_tax_rate) {
        inv->tax_rate = bt.tax_rate;
        SCOPY(inv->tax_label, bt.tax_label[0] ? bt.tax_label : "Tax");
    } else {
        bool found;
        char label[32] = "";

        if (repo_invoice_tax_rate(cl->db, &cl->sc, cl->issuer, bt.party.country, &found,
                                  &inv->tax_rate, label, err) < 0)
            return -1;
        SCOPY(inv->tax_label, label[0] ? label : "Tax");
    }
    return 0;
}

/* Build, number and store one invoice of the party from refs[0..count) (one currency). */
static int make_invoice(struct closing *cl, const char *party, struct line_ref *refs,
                        size_t count, struct err *err)
{
    struct invoice *inv = &cl->inv;
    char after[BILL_JSON_MAX];

    if (!cl->have_is) {
        if (repo_invoice_issuer_settings(cl->db, cl->issuer, &cl->is, err) < 0)
            return -1;
        cl->have_is = true;
    }
    invoice_clear(inv);
    SCOPY(inv->issuer_id, cl->issuer);
    if (cl->to_reseller)
        SCOPY(inv->reseller_id, party);
    else
        SCOPY(inv->customer_id, party);
    SCOPY(inv->period, cl->period);
    SCOPY(inv->currency, refs[0].r->currency);
    inv->issuer = cl->is.issuer;
    inv->tax_mode = cl->is.tax_mode;
    if (tax_and_terms(cl, party, err) < 0)
        return -1;
    for (size_t i = 0; i < count; i++) {
        const struct rated_row *r = refs[i].r;
        struct invoice_line l;

        memset(&l, 0, sizeof(l));
        SCOPY(l.rated_line_id, r->id);
        SCOPY(l.charge_id, r->charge_id);
        SCOPY(l.subscription_id, r->subscription_id);
        SCOPY(l.sku, r->sku);
        SCOPY(l.product_id, r->product_id);
        SCOPY(l.charge_type, r->charge_type);
        l.start = r->start;
        l.end = r->end;
        l.quantity = r->usage_charge_id[0] ? r->usage_qty : dec_from_i64(r->quantity);
        l.unit_price = r->unit_price;
        l.eup = r->eup;
        l.amount = r->amount;
        l.cost = r->cost;
        l.margin = r->margin;
        l.adjustment = strcmp(r->period, cl->period) < 0;
        describe(r, &l);
        if (l.adjustment)
            cl->stats->adjustments++;
        if (invoice_add_line(inv, &l, err) < 0)
            return -1;
    }
    if (invoice_compute(inv, err) < 0)
        return -1;
    inv->created_at = cl->now;
    if (!cl->draft) {
        if (!cl->numbered) {
            if (repo_invoice_number_peek(cl->db, cl->issuer, invoice_series(inv->kind),
                                         cl->today.year, &cl->number, err) < 0)
                return -1;
            cl->numbered = true;
        }
        inv->status = INV_FINALIZED;
        inv->finalized_at = cl->now;
        inv->issued_on = cl->today;
        inv->due_on = date_add_days(cl->today, inv->payment_terms_days);
        inv->series_year = cl->today.year;
        inv->series_value = cl->number + 1;
        if (invoice_number_format(invoice_series(inv->kind), cl->today.year,
                                  inv->series_value, inv->number, err) < 0)
            return -1;
        cl->number++;
    }
    /* the invoice row first: the rated lines refer to it */
    if (id_gen_new(&cl->ids, "inv", inv->id, err) < 0 ||
        repo_invoice_insert(cl->db, &cl->sc, inv, err) < 0)
        return -1;
    for (size_t i = 0; i < count; i++) {
        int rc = refs[i].old
                     ? repo_rated_set_invoice(cl->db, &cl->sc, refs[i].r->id, inv->id, err)
                     : store_line(cl, refs[i].r, inv->id, err);

        if (rc < 0)
            return -1;
    }
    bill_invoice_json(inv, inv->status, after, sizeof(after));
    if (bill_audit(cl->ctx, cl->now, cl->draft ? "invoice.draft" : "invoice.finalize",
                   "invoice", inv->id, cl->issuer, NULL, after, err) < 0)
        return -1;
    cl->stats->invoices++;
    cl->made++;
    return 0;
}

static const char *party_of(const struct closing *cl, const struct rated_row *r)
{
    return cl->to_reseller ? r->reseller_id : r->customer_id;
}

/*
 * Bill one party: old[0..nold) (its lines left open before, all due on this invoice) and
 * fresh[0..nfresh) (rated now): the fresh lines that wait for another month are stored off
 * any invoice; the rest make one invoice per currency.
 */
static int bill_party(struct closing *cl, const char *party, struct rated_row *old,
                      size_t nold, struct rated_row *fresh, size_t nfresh, struct err *err)
{
    struct line_ref *refs;
    size_t start = 0;

    cl->refs.n = 0;
    for (size_t i = 0; i < nold + nfresh; i++) {
        bool is_old = i < nold, yes = true;
        struct rated_row *r = is_old ? &old[i] : &fresh[i - nold];
        struct line_ref *ref;

        if (!is_old && on_invoice(cl, r, &yes, err) < 0)
            return -1;
        if (!yes) {
            if (store_line(cl, r, NULL, err) < 0)
                return -1;
            continue;
        }
        if (!(ref = vec_slot(&cl->refs)))
            return err_set(err, ERR_NOMEM, "", "out of memory for invoice lines");
        ref->r = r;
        ref->old = is_old;
        ref->seq = is_old ? i : i - nold;
    }
    refs = cl->refs.v;
    if (cl->refs.n > 1)
        qsort(refs, cl->refs.n, sizeof(*refs), cmp_ref);
    for (size_t i = 1; i <= cl->refs.n; i++) {
        if (i < cl->refs.n && strcmp(refs[i].r->currency, refs[start].r->currency) == 0)
            continue;
        if (make_invoice(cl, party, refs + start, i - start, err) < 0)
            return -1;
        start = i;
    }
    return 0;
}

/* Bill the parties that only have older open lines, up to `party` (NULL: all of them). */
static int bill_old_parties(struct closing *cl, const char *party, struct err *err)
{
    struct rated_row *old = cl->old.v;

    while (cl->old_next < cl->old.n) {
        const char *p = party_of(cl, &old[cl->old_next]);
        size_t a = cl->old_next, b = a;

        if (party && strcmp(p, party) >= 0)
            break;
        while (b < cl->old.n && strcmp(party_of(cl, &old[b]), p) == 0)
            b++;
        cl->old_next = b;
        if (bill_party(cl, p, old + a, b - a, NULL, 0, err) < 0)
            return -1;
    }
    return 0;
}

/* The party in `group` is complete: bill it with its older open lines. */
static int flush_party(struct closing *cl, struct err *err)
{
    struct rated_row *old = cl->old.v;
    size_t a, b;

    if (bill_old_parties(cl, cl->party, err) < 0)
        return -1;
    a = b = cl->old_next;
    while (b < cl->old.n && strcmp(party_of(cl, &old[b]), cl->party) == 0)
        b++;
    cl->old_next = b;
    if (bill_party(cl, cl->party, old + a, b - a, cl->group.v, cl->group.n, err) < 0)
        return -1;
    cl->group.n = 0;
    return 0;
}

static int on_pending(void *ctx, const struct pending_charge *c)
{
    struct closing *cl = ctx;
    const char *party = cl->to_reseller ? c->reseller_id : c->customer_id;
    struct rated_row r, *slot;

    if (cl->group.n && strcmp(party, cl->party) != 0 && flush_party(cl, cl->err) < 0)
        return -1;
    if (!cl->group.n)
        SCOPY(cl->party, party);
    if (rate_charge(cl, c, cl->tier, &r, cl->err) < 0)
        return -1;
    if (!(slot = vec_slot(&cl->group)))
        return err_set(cl->err, ERR_NOMEM, "", "out of memory rating charges");
    *slot = r;
    return 0;
}

/* A usage charge rated now is stored off any invoice: collect_old then bills it (below). */
static int on_pending_usage(void *ctx, const struct pending_usage *u)
{
    struct closing *cl = ctx;
    struct rated_row r;

    if (rate_usage(cl, u, cl->tier, &r, cl->err) < 0 || store_line(cl, &r, NULL, cl->err) < 0)
        return -1;
    return 0;
}

static int collect_old(void *ctx, const struct rated_row *r)
{
    struct closing *cl = ctx;
    struct rated_row *slot = vec_slot(&cl->old);

    if (!slot)
        return err_set(cl->err, ERR_NOMEM, "", "out of memory reading rated lines");
    *slot = *r;
    return 0;
}

/*
 * Rate the tier's pending charges of the issuer and invoice them with its open lines. Azure
 * usage is rated first, in one pass of its own, and stored off any invoice: the open lines'
 * read then brings it to its party's invoice with the lines left open before (the same rule
 * for late lines and lines of a month not yet closed), one UPDATE per usage line.
 */
static int bill_tier(struct closing *cl, const char *tier, struct date last, struct err *err)
{
    int64_t umark, mark, ufirst_left, first_left;

    cl->tier = tier;
    cl->to_reseller = strcmp(tier, "reseller") == 0;
    cl->group.n = cl->old.n = cl->old_next = 0;
    cl->err = err;
    if (repo_rating_mark_get(cl->db, cl->issuer, tier, RATING_USAGE, &umark, err) < 0 ||
        repo_usage_each_pending(cl->db, cl->issuer, tier, last, umark, &ufirst_left,
                                on_pending_usage, cl, err) < 0 ||
        repo_rated_each_open(cl->db, cl->issuer, tier, cl->period, collect_old, cl, err) < 0 ||
        repo_rating_mark_get(cl->db, cl->issuer, tier, RATING_CHARGES, &mark, err) < 0 ||
        repo_rating_each_pending(cl->db, cl->issuer, tier, last, mark, &first_left, on_pending,
                                 cl, err) < 0 ||
        (cl->group.n && flush_party(cl, err) < 0) || bill_old_parties(cl, NULL, err) < 0 ||
        repo_rating_mark_set(cl->db, cl->issuer, tier, RATING_USAGE, ufirst_left, err) < 0 ||
        repo_rating_mark_set(cl->db, cl->issuer, tier, RATING_CHARGES, first_left, err) < 0) {
        if (!err->code)
            err_set(err, ERR_NOMEM, "", "out of memory closing the period");
        return -1;
    }
    return 0;
}

static int close_issuer(struct closing *cl, const char *issuer, const char *period, int anchor,
                        struct date last, struct err *err)
{
    struct db *db = cl->db;
    bool closed;

    cl->period = period;
    if (db_begin(db, err) < 0)
        return -1;
    if (repo_invoice_is_closed(db, issuer, cl->period, &closed, err) < 0)
        goto fail;
    if (closed) {
        db_rollback(db);
        cl->stats->already_closed++;
        return 0;
    }
    cl->issuer = issuer;
    cl->anchor = anchor;
    cl->numbered = false;
    cl->number = 0;
    cl->made = 0;
    cl->nclosed = 0;
    cl->have_is = false;
    if (repo_invoice_delete_drafts(db, issuer, cl->period, err) < 0 ||
        bill_tier(cl, "reseller", last, err) < 0 || bill_tier(cl, "customer", last, err) < 0)
        goto fail;
    if (cl->numbered && repo_invoice_number_advance(db, issuer, invoice_series(INV_KIND_INVOICE),
                                                    cl->today.year, cl->number, err) < 0)
        goto fail;
    if (!cl->draft && repo_invoice_mark_closed(db, issuer, cl->period, cl->now, cl->made,
                                               err) < 0)
        goto fail;
    return db_commit(db, err);
fail:
    db_rollback(db);
    return -1;
}

static void closing_release(struct closing *cl)
{
    for (int i = 0; i < RULE_SLOTS; i++) {
        free(cl->rules[i].rules);
        free(cl->rules[i].by_id);
    }
    free(cl->fx);
    free(cl->erp);
    free(cl->group.v);
    free(cl->old.v);
    free(cl->refs.v);
    invoice_release(&cl->inv);
    stmt_cache_release(&cl->sc);
}

/*
 * Visit the issuers ctx->scope may see and close `period` for each with its own period day
 * (an issuer whose period has not started yet on the close date is left out: not_started).
 * `due_day` set: instead, each issuer's period due that day (invoice_period_due), if any.
 */
static int close_all(const struct bill_ctx *ctx, const char *period, bool draft, instant_t now,
                     const struct date *due_day, struct close_stats *stats, struct err *err)
{
    struct closing cl;
    struct date first, last;
    char (*ids)[ID_MAXLEN] = NULL, due[INVOICE_PERIOD_MAX];
    size_t n = 0;
    int rc = -1;

    memset(stats, 0, sizeof(*stats));
    if (invoice_period_parse(period, &first, &last, err) < 0)
        return -1;
    if (date_cmp(instant_date(now), first) < 0)
        return err_set_(err, __func__, __LINE__, ERR_REFUSED, "period_not_started", "period",
                        "period %s has not started yet", period);
    memset(&cl, 0, sizeof(cl));
    cl.ctx = ctx;
    cl.db = ctx->db;
    cl.now = now;
    cl.today = instant_date(now);
    cl.stats = stats;
    id_gen_init(&cl.ids, now);
    cl.draft = draft;
    cl.group.size = cl.old.size = sizeof(struct rated_row);
    cl.refs.size = sizeof(struct line_ref);
    invoice_init(&cl.inv);
    stmt_cache_init(&cl.sc, ctx->db);
    cl.fx = calloc(MEMO_SLOTS, sizeof(*cl.fx));
    cl.erp = calloc(MEMO_SLOTS, sizeof(*cl.erp));
    ids = calloc(ISSUERS_MAX, ID_MAXLEN);
    if (!cl.fx || !cl.erp || !ids) {
        err_set(err, ERR_NOMEM, "", "out of memory starting the close");
        goto out;
    }
    if (repo_invoice_issuers(ctx->db, ctx->scope, ids, ISSUERS_MAX, &n, err) < 0 ||
        repo_invoice_bulk(ctx->db, true, err) < 0)
        goto out;
    for (size_t i = 0; i < n; i++) {
        struct issuer_settings is;
        const char *p = period;

        if (repo_invoice_issuer_settings(ctx->db, ids[i], &is, err) < 0)
            goto out;
        if (due_day) {
            if (!invoice_period_due(*due_day, is.period_day, is.close_day, due))
                continue;
            p = due;
        }
        if (invoice_period_bounds(p, is.period_day, &first, &last, err) < 0)
            goto out;
        if (date_cmp(cl.today, first) < 0) {
            stats->not_started++;
            continue;
        }
        stats->issuers++;
        if (close_issuer(&cl, ids[i], p, is.period_day, last, err) < 0)
            goto out;
    }
    rc = 0;
out:
    closing_release(&cl);
    free(ids);
    {
        struct err ignored;

        (void)repo_invoice_bulk(ctx->db, false, &ignored);
    }
    return rc;
}

int invoice_close(const struct bill_ctx *ctx, const char *period, bool draft, instant_t now,
                  struct close_stats *stats, struct err *err)
{
    return close_all(ctx, period, draft, now, NULL, stats, err);
}

/*
 * nce-rules Part A 1: the daily cycle's day; the close step runs after the day's charges.
 * `period` is the previous calendar month (what an issuer on calendar months closes); each
 * issuer closes its own due period (invoice_period_due).
 */
int invoice_close_due(const struct bill_ctx *ctx, struct date day, instant_t now,
                      char period[INVOICE_PERIOD_MAX], struct close_stats *stats,
                      struct err *err)
{
    struct date prev = {day.year, day.month, 1};

    prev = date_add_days(prev, -1);

    invoice_period_of(prev, period);
    return close_all(ctx, period, false, now, &day, stats, err);
}
