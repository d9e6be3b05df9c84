/*
 * svc/invoice_report.c — margin reports and TTM revenue (invoice_report.h).
 *
 * The store hands the lines over in key order (store/repo_margin_report.c); a group is summed
 * while its key and currency repeat, so memory is one struct per group, not per line. Totals
 * per currency are a handful of entries found by a linear scan.
 *
 * Workload: a month of a large book is ~10^5 lines and a TTM ~10^6 for a distributor; both
 * are one indexed range read and exact decimal additions.
 */
#include <stdlib.h>
#include <string.h>

#include "store/repo_invoice.h"
#include "svc/invoice_report.h"

static const char *const group_names[] = {"month", "customer", "reseller", "product_family",
                                          "day", "seller"};

int margin_report_group_parse(const char *s, enum report_group *out)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(s, group_names[i]) == 0) {
            *out = (enum report_group)i;
            return 0;
        }
    return -1;
}

const char *margin_report_group_name(enum report_group by)
{
    return (unsigned)by < 6 ? group_names[by] : "month";
}

static int push(struct margin_group **v, size_t *n, size_t *cap, const struct margin_group *g)
{
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 16;
        struct margin_group *p = realloc(*v, c * sizeof(*p));

        if (!p)
            return -1;
        *v = p;
        *cap = c;
    }
    (*v)[(*n)++] = *g;
    return 0;
}

static int add_to(struct margin_group *g, const struct report_row *r, struct err *err)
{
    g->lines++;
    return dec_add(g->revenue, r->amount, &g->revenue, err) < 0 ||
                   dec_add(g->cost, r->cost, &g->cost, err) < 0 ||
                   dec_add(g->margin, r->margin, &g->margin, err) < 0
               ? -1
               : 0;
}

struct acc {
    struct margin_report *rep;
    struct err *err;
};

static int collect(void *ctx, const struct report_row *r)
{
    struct acc *a = ctx;
    struct margin_report *rep = a->rep;
    struct margin_group *g = rep->ngroups ? &rep->groups[rep->ngroups - 1] : NULL, *t = NULL;

    if (!g || strcmp(g->key, r->key) != 0 || strcmp(g->currency, r->currency) != 0) {
        struct margin_group ng;

        memset(&ng, 0, sizeof(ng));
        snprintf(ng.key, sizeof(ng.key), "%s", r->key);
        snprintf(ng.name, sizeof(ng.name), "%s", r->name);
        snprintf(ng.currency, sizeof(ng.currency), "%s", r->currency);
        if (push(&rep->groups, &rep->ngroups, &rep->capgroups, &ng) < 0)
            return err_set(a->err, ERR_NOMEM, "", "out of memory for a report");
        g = &rep->groups[rep->ngroups - 1];
    }
    for (size_t i = 0; i < rep->ntotals; i++)
        if (strcmp(rep->totals[i].currency, r->currency) == 0)
            t = &rep->totals[i];
    if (!t) {
        struct margin_group nt;

        memset(&nt, 0, sizeof(nt));
        snprintf(nt.currency, sizeof(nt.currency), "%s", r->currency);
        if (push(&rep->totals, &rep->ntotals, &rep->captotals, &nt) < 0)
            return err_set(a->err, ERR_NOMEM, "", "out of memory for a report");
        t = &rep->totals[rep->ntotals - 1];
    }
    return add_to(g, r, a->err) < 0 || add_to(t, r, a->err) < 0 ? -1 : 0;
}

static void percent(struct margin_group *g)
{
    struct err e;

    g->has_pct = !dec_is_zero(g->revenue) &&
                 dec_muldiv(g->margin, dec_from_i64(100), g->revenue, DEC_ROUND_HALF_UP,
                            &g->margin_pct, &e) == 0 &&
                 dec_round(g->margin_pct, 2, DEC_ROUND_HALF_UP, &g->margin_pct, &e) == 0;
}

/* The seller a scope reports on by default, and whether a named one is allowed. */
static int seller_of(const struct scope *sc, const char *asked, const char **seller,
                     struct err *err)
{
    if (sc->kind == SCOPE_CUSTOMER)
        return err_set(err, ERR_FORBIDDEN, "", "customers have no margin reports");
    *seller = asked && asked[0] ? asked : sc->kind == SCOPE_PARTNER ? sc->partner_id : NULL;
    return 0;
}

static int report_run(struct db *db, const struct scope *sc, const char *seller_id,
                      struct date from, struct date to, const char *period,
                      enum report_group by, struct margin_report *out, struct err *err)
{
    struct report_filter f;
    struct acc a = {out, err};

    memset(out, 0, sizeof(*out));
    out->by = by;
    out->from = from;
    out->to = to;
    if (date_cmp(to, from) < 0)
        return err_set(err, ERR_INVALID, "to", "'to' is before 'from'");
    memset(&f, 0, sizeof(f));
    f.scope = sc;
    f.from = from;
    f.to = to;
    f.period = period;
    f.by = by;
    if (seller_of(sc, seller_id, &f.seller_id, err) < 0)
        return -1;
    if (repo_report_each(db, &f, collect, &a, err) < 0) {
        margin_report_release(out);
        return -1;
    }
    for (size_t i = 0; i < out->ngroups; i++)
        percent(&out->groups[i]);
    for (size_t i = 0; i < out->ntotals; i++)
        percent(&out->totals[i]);
    return 0;
}

int margin_report_run(struct db *db, const struct scope *sc, const char *seller_id,
                      struct date from, struct date to, enum report_group by,
                      struct margin_report *out, struct err *err)
{
    return report_run(db, sc, seller_id, from, to, NULL, by, out, err);
}

int margin_report_run_period(struct db *db, const struct scope *sc, const char *seller_id,
                             const char *period, enum report_group by,
                             struct margin_report *out, struct err *err)
{
    struct date first, last;

    if (invoice_period_parse(period, &first, &last, err) < 0)
        return -1;
    return report_run(db, sc, seller_id, first, last, period, by, out, err);
}

void margin_report_release(struct margin_report *r)
{
    free(r->groups);
    free(r->totals);
    r->groups = r->totals = NULL;
    r->ngroups = r->ntotals = r->capgroups = r->captotals = 0;
}

static json_t *group_json(const struct margin_group *g, bool total, enum report_group by)
{
    char rev[DEC_STRLEN], cost[DEC_STRLEN], mar[DEC_STRLEN], pct[DEC_STRLEN];
    json_t *o;

    dec_format(g->revenue, rev);
    dec_format(g->cost, cost);
    dec_format(g->margin, mar);
    dec_format(g->margin_pct, pct);
    o = json_pack("{s:s, s:s, s:s, s:s, s:o, s:I}", "currency", g->currency, "revenue", rev,
                  "cost", cost, "margin", mar, "margin_pct",
                  g->has_pct ? json_string(pct) : json_null(), "lines", (json_int_t)g->lines);
    if (o && !total) {
        json_object_set_new(o, "key", by == REPORT_BY_RESELLER && !g->key[0]
                                          ? json_null() : json_string(g->key));
        if (by == REPORT_BY_CUSTOMER || by == REPORT_BY_RESELLER)
            json_object_set_new(o, "name", json_string(g->name));
    }
    return o;
}

json_t *margin_report_to_json(const struct margin_report *r)
{
    char f[DATE_STRLEN], t[DATE_STRLEN];
    json_t *groups = json_array(), *totals = json_array();

    date_format(r->from, f);
    date_format(r->to, t);
    for (size_t i = 0; groups && i < r->ngroups; i++)
        json_array_append_new(groups, group_json(&r->groups[i], false, r->by));
    for (size_t i = 0; totals && i < r->ntotals; i++)
        json_array_append_new(totals, group_json(&r->totals[i], true, r->by));
    if (!groups || !totals) {
        json_decref(groups);
        json_decref(totals);
        return NULL;
    }
    return json_pack("{s:s, s:s, s:s, s:o, s:o}", "from", f, "to", t, "group_by",
                     margin_report_group_name(r->by), "groups", groups, "totals", totals);
}

/* ---- TTM revenue ----------------------------------------------------------------------- */

struct ttm {
    struct db *db;
    struct dec usd;
    struct err *err;
    char key[SKU_MAX], ccy[CCY_MAX]; /* the (day, currency) being summed */
    struct dec sum;
    bool open;
};

/* Convert the finished (day, currency) sum to USD and add it. */
static int ttm_flush(struct ttm *t)
{
    struct date day, rate_day;
    struct dec rate, v;
    bool found;

    if (!t->open)
        return 0;
    t->open = false;
    if (strcmp(t->ccy, "USD") == 0)
        return dec_add(t->usd, t->sum, &t->usd, t->err);
    if (date_parse_cstr(t->key, &day, t->err) < 0 ||
        repo_rating_fx(t->db, t->ccy, "USD", day, &found, &rate, &rate_day, t->err) < 0)
        return -1;
    if (!found)
        return err_set_(t->err, __func__, __LINE__, ERR_INVALID, "no_exchange_rate",
                        "currency", "no exchange rate %s->USD in effect on %s", t->ccy, t->key);
    if (dec_mul(t->sum, rate, DEC_ROUND_HALF_UP, &v, t->err) < 0 ||
        dec_round(v, 2, DEC_ROUND_HALF_UP, &v, t->err) < 0)
        return -1;
    return dec_add(t->usd, v, &t->usd, t->err);
}

static int ttm_row(void *ctx, const struct report_row *r)
{
    struct ttm *t = ctx;

    if (t->open && (strcmp(t->key, r->key) != 0 || strcmp(t->ccy, r->currency) != 0) &&
        ttm_flush(t) < 0)
        return -1;
    if (!t->open) {
        snprintf(t->key, sizeof(t->key), "%s", r->key);
        snprintf(t->ccy, sizeof(t->ccy), "%s", r->currency);
        t->sum = dec_zero();
        t->open = true;
    }
    return dec_add(t->sum, r->amount, &t->sum, t->err);
}

int invoice_ttm_revenue_usd(struct db *db, const char *partner_id, struct date as_of,
                            struct dec *usd, struct err *err)
{
    struct report_filter f;
    struct scope all;
    struct ttm t;

    memset(&t, 0, sizeof(t));
    t.db = db;
    t.usd = dec_zero();
    t.err = err;
    scope_init_installation(&all);
    memset(&f, 0, sizeof(f));
    f.scope = &all;
    f.seller_id = partner_id;
    f.to = as_of;
    f.from = date_add_days(date_add_months(as_of, -12), 1);
    f.by = REPORT_BY_DAY;
    if (repo_report_each(db, &f, ttm_row, &t, err) < 0 || ttm_flush(&t) < 0)
        return -1;
    *usd = t.usd;
    return 0;
}

int invoice_ttm_each(struct db *db, const struct scope *sc, const char *partner_id,
                     struct date as_of,
                     int (*fn)(void *ctx, const char *id, const char *name, struct dec usd),
                     void *ctx, struct err *err)
{
    enum { MAX = 100000 };
    char (*ids)[ID_MAXLEN] = NULL;
    size_t n = 0;
    bool seen = false;
    int rc = -1;

    if (sc->kind == SCOPE_CUSTOMER)
        return err_set(err, ERR_FORBIDDEN, "", "customers have no revenue reports");
    ids = calloc(MAX, ID_MAXLEN);
    if (!ids)
        return err_set(err, ERR_NOMEM, "", "out of memory listing partners");
    if (repo_invoice_issuers(db, sc, ids, MAX, &n, err) < 0)
        goto out;
    for (size_t i = 0; i < n; i++) {
        struct issuer_settings is;
        struct dec usd;

        if (partner_id && strcmp(partner_id, ids[i]) != 0)
            continue;
        seen = true;
        if (repo_invoice_issuer_settings(db, ids[i], &is, err) < 0 ||
            invoice_ttm_revenue_usd(db, ids[i], as_of, &usd, err) < 0 ||
            fn(ctx, ids[i], is.issuer.name, usd) < 0)
            goto out;
    }
    if (partner_id && !seen) {
        err_set(err, ERR_NOT_FOUND, "partner_id", "no partner %s", partner_id);
        goto out;
    }
    rc = 0;
out:
    free(ids);
    return rc;
}
