/*
 * svc/pricelist_alert.c — the price increase alert: when a price list import raises a plan's
 * price, every subscription that will renew onto the higher price within 60 days gets an
 * outbox row, topic "alert.price_increase" (consumed by the alerts issue; see pricelist.h and
 * docs/catalog.md "Price increase alerts").
 *
 * Which rows: those the import inserted or updated (price_points.import_id), compared with
 * the row of the same plan (market, currency, SKU, term, billing, segment, tier) that starts
 * before them — the price they replace. Prices compared are Microsoft's whole-term prices as
 * published, or the per-cycle prices when a row has none (a row not from a price list).
 * Which subscriptions: active, auto-renew on, same SKU, term and billing plan, the customer's
 * market the row's, priced in the row's currency (repo_catdata_renewals_each), renewing —
 * at 00:00 UTC the day after term_end (nce-rules Part A 1) — on a day in [today, today + 60]
 * on which the new price is in effect (a renewal takes the price effective that day, Part A 9).
 * So a subscription renewing in 60 days is alerted, one renewing in 61 days is not.
 *
 * Runs inside the import's transaction: the alerts are committed with the prices or not at
 * all. Workload: one indexed lookup per row the import wrote, one more per increase.
 */
#include "svc/pricelist.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "store/repo_catalog_data.h"

struct alert_run {
    struct db *db;
    struct date today;
    instant_t now;
    int64_t import_id;
    long alerts;
    const struct catdata_price *p, *prev;
    struct dec old_price, new_price, amount;
    bool has_percent;
    struct dec percent;
};

static json_t *dec_json(struct dec d)
{
    char buf[DEC_STRLEN];

    dec_format(d, buf);
    return json_string(buf);
}

static json_t *date_json(struct date d)
{
    char buf[DATE_STRLEN];

    date_format(d, buf);
    return json_string(buf);
}

static bool in_effect(const struct catdata_price *p, struct date day)
{
    return date_cmp(p->effective_from, day) <= 0 &&
           (!p->has_effective_to || date_cmp(p->effective_to, day) >= 0);
}

static int emit(void *ctx, const struct catdata_renewal *r, struct err *err)
{
    struct alert_run *run = ctx;
    const struct catdata_price *p = run->p;
    struct date renews = date_add_days(r->term_end, 1); /* nce-rules Part A 1 */
    json_t *j;
    char *text;
    int rc;

    if (!in_effect(p, renews))
        return 0;
    j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s?, s:s?, s:o, s:I, s:I,"
                  " s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:I}",
                  "subscription_id", r->subscription_id, "customer_id", r->customer_id,
                  "partner_id", r->partner_id, "sku", p->sku, "product", p->product,
                  "term", term_name(p->term), "billing", billing_name(p->billing),
                  "market", p->market, "currency", p->currency,
                  "segment", p->segment[0] ? p->segment : NULL,
                  "tier_min", p->tier_min[0] ? p->tier_min : NULL,
                  "renews_on", date_json(renews),
                  "days_until_renewal", (json_int_t)date_days_between(run->today, renews),
                  "quantity", (json_int_t)r->quantity,
                  "old_price", dec_json(run->old_price), "new_price", dec_json(run->new_price),
                  "amount", dec_json(run->amount),
                  "percent", run->has_percent ? dec_json(run->percent) : json_null(),
                  "old_cycle_price", dec_json(run->prev->unit_price),
                  "new_cycle_price", dec_json(p->unit_price),
                  "effective_from", date_json(p->effective_from),
                  "import_id", (json_int_t)run->import_id);
    text = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    if (!text)
        return err_set(err, ERR_NOMEM, "", "cannot build the alert payload");
    rc = repo_catdata_outbox(run->db, PRICELIST_ALERT_TOPIC, text, run->now, err);
    free(text);
    if (rc == 0)
        run->alerts++;
    return rc;
}

/* The price compared: as published for the whole term when both rows have it. */
static void compared(const struct catdata_price *a, const struct catdata_price *b,
                     struct dec *pa, struct dec *pb)
{
    bool term = a->has_term_price && b->has_term_price;

    *pa = term ? a->term_price : a->unit_price;
    *pb = term ? b->term_price : b->unit_price;
}

static int check_row(void *ctx, const struct catdata_price *p, struct err *err)
{
    struct alert_run *run = ctx;
    struct catdata_price prev;
    struct dec hundred = dec_from_i64(100), q;
    bool found;

    if (repo_catdata_previous_price(run->db, p, &found, &prev, err))
        return -1;
    if (!found)
        return 0;
    compared(&prev, p, &run->old_price, &run->new_price);
    if (dec_cmp(run->new_price, run->old_price) <= 0)
        return 0;
    if (dec_sub(run->new_price, run->old_price, &run->amount, err))
        return -1;
    run->has_percent = !dec_is_zero(run->old_price);
    if (run->has_percent &&
        (dec_muldiv(run->amount, hundred, run->old_price, DEC_ROUND_DOWN, &q, err) ||
         dec_round(q, 2, DEC_ROUND_HALF_UP, &run->percent, err)))
        return -1;
    run->p = p;
    run->prev = &prev;
    /* renewal day = term_end + 1 in [today, today + 60] */
    return repo_catdata_renewals_each(run->db, p, date_add_days(run->today, -1),
                                      date_add_days(run->today, PRICELIST_ALERT_DAYS - 1), emit,
                                      run, err);
}

int pricelist_alert_increases(struct db *db, int64_t import_id, struct date today,
                              instant_t now, long *alerts, struct err *err)
{
    struct alert_run run;

    memset(&run, 0, sizeof(run));
    run.db = db;
    run.today = today;
    run.now = now;
    run.import_id = import_id;
    *alerts = 0;
    if (repo_catdata_import_prices_each(db, import_id, check_row, &run, err))
        return -1;
    *alerts = run.alerts;
    return 0;
}
