/*
 * svc/recon_svc.c — import and match Microsoft's reconciliation files; resolve, export, write
 * (recon_svc.h for the contract and the shape of an import).
 *
 * The match pass keeps two arrays beside the domain's index: the cspd subscription ids of
 * the period (sorted, as the charges arrive ordered by subscription; the index refers to them
 * by position) and the charge ids (by the index entries' `ref`). Both grow by doubling; they
 * are the only allocations of an import besides the CSV reader's buffers.
 */
#include "svc/recon_svc.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/currency.h"
#include "core/id.h"
#include "domain/recon/recon.h"
#include "io/csv.h"
#include "io/recon_read.h"
#include "io/recon_write.h"
#include "store/scope.h"
#include "svc/audit.h"

/* --- small helpers ----------------------------------------------------------------------- */

static void fmt_dec(struct dec d, char out[DEC_STRLEN])
{
    dec_format(d, out);
}

static void fmt_date(struct date d, char out[DATE_STRLEN])
{
    date_format(d, out);
}

static int minor_of(const char *ccy)
{
    int m = currency_minor_units(ccy);

    return m < 0 ? 2 : m;
}

/* Every resolution and mapping goes through here to svc/audit.h, on the business clock. */
static int audit(const struct recon_ctx *ctx, instant_t at, const char *action,
                 const char *type, const char *id, json_t *before, json_t *after,
                 struct err *err)
{
    char *b = before ? json_dumps(before, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    char *a = after ? json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    struct scope sc;
    struct audit_entry e;
    int rc;

    memset(&sc, 0, sizeof(sc));
    sc.kind = SCOPE_INSTALLATION;
    sc.role = ROLE_OPERATOR;
    snprintf(sc.user_id, sizeof(sc.user_id), "%s", ctx->actor ? ctx->actor : "");
    snprintf(sc.request_id, sizeof(sc.request_id), "%s",
             ctx->request_id ? ctx->request_id : "");
    memset(&e, 0, sizeof(e));
    e.action = action;
    e.object_type = type;
    e.object_id = id;
    e.before_json = b;
    e.after_json = a;
    e.at = at;
    if ((before && !b) || (after && !a))
        rc = err_set(err, ERR_NOMEM, "", "out of memory writing the audit log");
    else
        rc = audit_write(ctx->db, &sc, &e, err);
    free(b);
    free(a);
    return rc;
}

/* --- import: pass 1, the file ------------------------------------------------------------ */

#define INVOICES_TRACKED 16

struct pass1 {
    struct recon_import_row *imp;
    struct date min_start, max_start;
    bool any;
    char invoices[INVOICES_TRACKED][RR_TEXT];
    int ninvoices;
};

static void track_invoice(struct pass1 *p, const char *number)
{
    for (int i = 0; i < p->ninvoices && i < INVOICES_TRACKED; i++)
        if (strcmp(p->invoices[i], number) == 0)
            return;
    if (p->ninvoices < INVOICES_TRACKED)
        snprintf(p->invoices[p->ninvoices], RR_TEXT, "%s", number);
    p->ninvoices++;
}

/* Microsoft writes 0 (API) or -1 (legacy) or nothing when there is no reseller. */
static const char *reseller_key(const char *s)
{
    return strcmp(s, "0") == 0 || strcmp(s, "-1") == 0 ? "" : s;
}

static int row_to_line(const struct recon_row *w, enum recon_kind kind, const char *import_id,
                       int64_t seq, struct recon_line_row *l)
{
    memset(l, 0, sizeof(*l));
    snprintf(l->import_id, sizeof(l->import_id), "%s", import_id);
    l->seq = seq;
    l->line_no = w->line;
    snprintf(l->status, sizeof(l->status), "%s", kind == RECON_KIND_USAGE ? "usage" : "pending");
    snprintf(l->ms_subscription, sizeof(l->ms_subscription), "%s", w->subscription_id);
    snprintf(l->customer_key, sizeof(l->customer_key), "%s", w->customer_id);
    snprintf(l->customer_name, sizeof(l->customer_name), "%s", w->customer_name);
    snprintf(l->reseller_key, sizeof(l->reseller_key), "%s", reseller_key(w->reseller_mpn_id));
    snprintf(l->invoice_number, sizeof(l->invoice_number), "%s", w->invoice_number);
    snprintf(l->charge_type, sizeof(l->charge_type), "%s", w->charge_type);
    if (kind == RECON_KIND_USAGE && !w->product_id[0])
        snprintf(l->sku, sizeof(l->sku), "%s", w->meter_id);
    else if (w->sku_id[0])
        snprintf(l->sku, sizeof(l->sku), "%s:%s", w->product_id, w->sku_id);
    else
        snprintf(l->sku, sizeof(l->sku), "%s", w->product_id);
    fmt_date(w->start, l->start_date);
    fmt_date(w->end, l->end_date);
    fmt_dec(w->quantity, l->quantity);
    fmt_dec(w->unit_price, l->unit_price);
    fmt_dec(w->eup, l->eup);
    memcpy(l->currency, w->currency, 4);
    memcpy(l->pricing_currency, w->pricing_currency, 4);
    if (w->has_fx)
        fmt_dec(w->fx, l->exchange_rate);
    fmt_dec(w->subtotal, l->ms_subtotal);
    fmt_dec(w->tax, l->ms_tax);
    fmt_dec(w->total, l->ms_total);
    snprintf(l->order_id, sizeof(l->order_id), "%s", w->order_id);
    snprintf(l->reference_id, sizeof(l->reference_id), "%s", w->reference_id);
    return 0;
}

static int read_file(const struct recon_ctx *ctx, struct recon_reader *rd,
                     struct recon_stmts *st, const struct recon_import_opts *o,
                     struct pass1 *p, struct err *err)
{
    struct recon_import_row *imp = p->imp;
    struct recon_row w;
    struct recon_line_row l;
    struct dec sum;
    int rc;

    (void)ctx;
    while ((rc = recon_reader_next(rd, &w, err)) == 1) {
        if (dec_add(imp->sum_subtotal, w.subtotal, &imp->sum_subtotal, err) ||
            dec_add(imp->sum_tax, w.tax, &imp->sum_tax, err) ||
            dec_add(imp->sum_total, w.total, &imp->sum_total, err) ||
            dec_add(w.subtotal, w.tax, &sum, err))
            return err_set(err, ERR_OVERFLOW, "", "line %ld: totals out of range", w.line);
        if (dec_cmp(sum, w.total) != 0)
            imp->bad_total_lines++;
        if (!p->any || date_cmp(w.start, p->min_start) < 0)
            p->min_start = w.start;
        if (!p->any || date_cmp(w.start, p->max_start) > 0)
            p->max_start = w.start;
        if (!p->any) {
            snprintf(imp->invoice_number, sizeof(imp->invoice_number), "%s", w.invoice_number);
            memcpy(imp->currency, w.currency, 4);
        }
        p->any = true;
        track_invoice(p, w.invoice_number);
        imp->line_count++;
        row_to_line(&w, rd->kind, imp->id, imp->line_count, &l);
        if (repo_recon_line_insert(st, &l, err))
            return -1;
        if (o->progress && imp->line_count % RECON_PROGRESS_EVERY == 0)
            o->progress(o->progress_ctx, "read", (long)imp->line_count);
    }
    if (rc < 0)
        return -1;
    if (o->progress)
        o->progress(o->progress_ctx, "read", (long)imp->line_count);
    return 0;
}

/* --- import: pass 2, the match ----------------------------------------------------------- */

struct matcher {
    const struct recon_ctx *ctx;
    struct recon_stmts *st;
    struct recon_import_row *imp;
    struct recon_index ix;
    char (*subs)[ID_MAXLEN];
    size_t nsubs, subs_cap;
    char (*charges)[ID_MAXLEN];
    size_t ncharges, charges_cap;
    const struct recon_import_opts *o;
    long done;
    struct err *err;
};

static int grow(void *pp, size_t *cap, size_t n, size_t size, struct err *err)
{
    void **p = pp;
    size_t ncap;
    void *q;

    if (n < *cap)
        return 0;
    ncap = *cap ? *cap * 2 : 256;
    q = realloc(*p, ncap * size);
    if (!q)
        return err_set(err, ERR_NOMEM, "", "out of memory loading charge lines");
    *p = q;
    *cap = ncap;
    return 0;
}

static int load_charge(void *vctx, const struct recon_charge_row *c)
{
    struct matcher *m = vctx;
    struct recon_key k;
    struct recon_amounts a;
    struct dec qty = dec_from_i64(c->quantity);

    if (m->nsubs == 0 || strcmp(m->subs[m->nsubs - 1], c->subscription_id) != 0) {
        if (grow(&m->subs, &m->subs_cap, m->nsubs, sizeof(m->subs[0]), m->err))
            return -1;
        snprintf(m->subs[m->nsubs++], ID_MAXLEN, "%s", c->subscription_id);
    }
    if (grow(&m->charges, &m->charges_cap, m->ncharges, sizeof(m->charges[0]), m->err))
        return -1;
    snprintf(m->charges[m->ncharges], ID_MAXLEN, "%s", c->id);
    a.unit_price = c->unit_price;
    a.eup = c->eup;
    a.amount = c->has_billing_subtotal ? c->billing_subtotal : c->subtotal;
    a.fx = c->has_fx ? c->fx : dec_from_i64(1);
    memset(&k, 0, sizeof(k));
    k.sub = (uint32_t)(m->nsubs - 1);
    k.type = (uint8_t)recon_type_parse(c->charge_type, strlen(c->charge_type));
    k.start = date_to_days(c->start);
    k.end = date_to_days(c->end);
    k.qty = c->quantity < 0 ? -c->quantity : c->quantity;
    k.sign = (int8_t)recon_sign(a.amount, a.eup, qty);
    return recon_index_add(&m->ix, &k, &a, (uint32_t)m->ncharges++, m->err);
}

static int sub_cmp(const void *key, const void *elem)
{
    return strcmp(key, elem);
}

/* Parse a stored decimal of a line (written by this file, so a failure is a bug). */
static int line_dec(const char *s, struct dec *out, struct err *err)
{
    if (!*s) {
        *out = dec_zero();
        return 0;
    }
    if (dec_parse_cstr(s, out, err))
        return err_set(err, ERR_INTERNAL, "", "stored line amount '%s' unreadable", s);
    return 0;
}

static int match_line(void *vctx, const struct recon_line_row *r)
{
    struct matcher *m = vctx;
    struct recon_line_row l = *r;
    struct recon_amounts ms;
    struct recon_key k;
    struct recon_entry *e;
    struct recon_verdict v;
    struct date s, t;
    struct dec qty, aq;
    char sub[ID_MAXLEN];
    char (*found)[ID_MAXLEN];
    int64_t q;
    int rc, minor = minor_of(r->currency);

    if (strcmp(r->status, "pending") != 0)
        return 0;
    if (date_parse_cstr(r->start_date, &s, m->err) || date_parse_cstr(r->end_date, &t, m->err)
        || line_dec(r->quantity, &qty, m->err) || line_dec(r->unit_price, &ms.unit_price, m->err)
        || line_dec(r->eup, &ms.eup, m->err) || line_dec(r->ms_subtotal, &ms.amount, m->err))
        return -1;
    if (r->exchange_rate[0]) {
        if (line_dec(r->exchange_rate, &ms.fx, m->err))
            return -1;
    } else {
        ms.fx = dec_from_i64(1);
    }
    l.cause[0] = l.detail[0] = '\0';
    rc = repo_recon_map_lookup(m->st, r->ms_subscription, sub, m->err);
    if (rc < 0)
        return -1;
    if (rc == 0) {
        snprintf(l.status, sizeof(l.status), "only_microsoft");
        snprintf(l.cause, sizeof(l.cause), "%s", recon_cause_name(RC_UNKNOWN_SUBSCRIPTION));
        snprintf(l.detail, sizeof(l.detail), "Microsoft's subscription %s is not mapped to a "
                 "cspd subscription (amount %s)", r->ms_subscription, r->ms_subtotal);
        snprintf(l.difference, sizeof(l.difference), "%s", r->ms_subtotal);
        goto store;
    }
    snprintf(l.subscription_id, sizeof(l.subscription_id), "%s", sub);
    found = bsearch(sub, m->subs, m->nsubs, sizeof(m->subs[0]), sub_cmp);
    aq = dec_abs(qty);
    memset(&k, 0, sizeof(k));
    k.sub = found ? (uint32_t)(found - m->subs) : 0;
    k.type = (uint8_t)recon_type_parse(r->charge_type, strlen(r->charge_type));
    k.start = date_to_days(s);
    k.end = date_to_days(t);
    k.qty = dec_fraction_digits(aq) == 0 && dec_to_i64(aq, &q, m->err) == 0 ? q : -1;
    k.sign = (int8_t)recon_sign(ms.amount, ms.eup, qty);
    e = found ? recon_index_take(&m->ix, &k, ms.amount, minor) : NULL;
    if (!e) {
        snprintf(l.status, sizeof(l.status), "only_microsoft");
        snprintf(l.cause, sizeof(l.cause), "%s", recon_cause_name(RC_NO_CSPD_LINE));
        snprintf(l.detail, sizeof(l.detail), "cspd has no %s line for %s to %s, quantity %s, "
                 "on this subscription (Microsoft %s)", r->charge_type, r->start_date,
                 r->end_date, r->quantity, r->ms_subtotal);
        snprintf(l.difference, sizeof(l.difference), "%s", r->ms_subtotal);
        goto store;
    }
    if (recon_classify(&ms, &e->a, (enum recon_type)k.type, k.qty,
                       date_days_inclusive(s, t), minor, &v, m->err))
        return -1;
    snprintf(l.status, sizeof(l.status), "%s", recon_status_name(v.status));
    snprintf(l.cause, sizeof(l.cause), "%s", recon_cause_name(v.cause));
    snprintf(l.detail, sizeof(l.detail), "%s", v.detail);
    snprintf(l.charge_id, sizeof(l.charge_id), "%s", m->charges[e->ref]);
    fmt_dec(e->a.amount, l.cspd_subtotal);
    fmt_dec(v.difference, l.difference);
store:
    if (repo_recon_line_set_match(m->st, &l, m->err))
        return -1;
    m->done++;
    if (m->o->progress && m->done % RECON_PROGRESS_EVERY == 0)
        m->o->progress(m->o->progress_ctx, "match", m->done);
    return 0;
}

static int match_pass(struct matcher *m, struct pass1 *p, struct err *err)
{
    struct recon_import_row *imp = m->imp;
    struct date from, to;
    int64_t seq = imp->line_count;

    if (m->o->has_period) {
        from = m->o->period_start;
        to = m->o->period_end;
    } else if (p->any) {
        from = p->min_start;
        from.day = 1;
        to = date_end_of_month(p->max_start);
    } else {
        return 0;
    }
    fmt_date(from, imp->period_start);
    fmt_date(to, imp->period_end);
    if (repo_recon_charge_each(m->ctx->db, from, to, load_charge, m, err))
        return -1;
    recon_index_sort(&m->ix);
    if (repo_recon_line_each(m->ctx->db, imp->id, NULL, false, 0, 0, match_line, m, err))
        return -1;
    if (m->o->progress)
        m->o->progress(m->o->progress_ctx, "match", m->done);
    for (size_t i = 0; i < m->ix.n; i++) {
        const struct recon_entry *e = &m->ix.v[i];
        char amount[DEC_STRLEN], diff[DEC_STRLEN], detail[RR_LONG];

        if (e->used)
            continue;
        fmt_dec(e->a.amount, amount);
        fmt_dec(dec_neg(e->a.amount), diff);
        snprintf(detail, sizeof(detail), "Microsoft's file has no such line (cspd %s)",
                 amount);
        if (repo_recon_insert_only_cspd(m->st, imp->id, ++seq, m->charges[e->ref], detail,
                                        imp->invoice_number, diff, err))
            return -1;
    }
    return 0;
}

/* --- import: the whole ------------------------------------------------------------------- */

static int import_body(const struct recon_ctx *ctx, FILE *in, const struct recon_import_opts *o,
                       instant_t now, struct recon_import_result *res, struct recon_reader *rd,
                       struct recon_stmts *st, struct matcher *m, struct err *err)
{
    struct recon_import_row *imp = &res->row;
    struct pass1 p;
    char found[ID_MAXLEN];
    int rc;

    memset(&p, 0, sizeof(p));
    p.imp = imp;
    if (recon_reader_open(rd, in, err) || recon_stmts_prepare(ctx->db, st, err))
        return -1;
    memset(imp, 0, sizeof(*imp));
    if (id_new("rci", imp->id, err))
        return -1;
    snprintf(imp->kind, sizeof(imp->kind), "%s", recon_kind_name(rd->kind));
    snprintf(imp->source, sizeof(imp->source), "%s", o->source ? o->source : "");
    snprintf(imp->file_hash, sizeof(imp->file_hash), "pending:%s", imp->id);
    snprintf(imp->actor, sizeof(imp->actor), "%s", ctx->actor ? ctx->actor : "system");
    imp->created_at = now;
    imp->sum_subtotal = imp->sum_tax = imp->sum_total = dec_zero();
    if (repo_recon_import_insert(ctx->db, imp, err) || read_file(ctx, rd, st, o, &p, err))
        return -1;
    recon_reader_hashes(rd, imp->file_hash, imp->content_hash);
    imp->invoices = p.ninvoices;

    rc = repo_recon_import_by_hash(ctx->db, imp->file_hash, found, err);
    if (rc < 0)
        return -1;
    if (rc == 1) {
        res->duplicate = true;
        res->duplicate_reason = "same file";
    } else if (imp->invoice_number[0]) {
        rc = repo_recon_import_by_invoice(ctx->db, imp->invoice_number, imp->content_hash,
                                          found, err);
        if (rc < 0)
            return -1;
        if (rc == 1) {
            res->duplicate = true;
            res->duplicate_reason = "same invoice and content";
        } else {
            rc = repo_recon_import_by_invoice(ctx->db, imp->invoice_number, NULL, found, err);
            if (rc < 0)
                return -1;
            if (rc == 1 && strcmp(found, imp->id) != 0)
                snprintf(imp->supersedes, sizeof(imp->supersedes), "%s", found);
        }
    }
    if (res->duplicate) {
        snprintf(res->id, sizeof(res->id), "%s", found);
        return 0;
    }
    {
        struct dec s;

        if (dec_add(imp->sum_subtotal, imp->sum_tax, &s, err))
            return -1;
        imp->total_ok = dec_cmp(s, imp->sum_total) == 0 && imp->bad_total_lines == 0;
    }
    if (rd->kind == RECON_KIND_INVOICE) {
        m->ctx = ctx;
        m->st = st;
        m->imp = imp;
        m->o = o;
        m->err = err;
        if (match_pass(m, &p, err))
            return -1;
    }
    if (repo_recon_import_update(ctx->db, imp, err) ||
        repo_recon_import_recount(ctx->db, imp->id, err))
        return -1;
    snprintf(res->id, sizeof(res->id), "%s", imp->id);
    return 0;
}

int recon_import(const struct recon_ctx *ctx, FILE *in, const struct recon_import_opts *o,
                 instant_t now, struct recon_import_result *res, struct err *err)
{
    static const struct recon_import_opts none;
    struct recon_reader rd;
    struct recon_stmts st;
    struct matcher m;
    char id[ID_MAXLEN];
    int rc;

    memset(res, 0, sizeof(*res));
    memset(&rd, 0, sizeof(rd));
    memset(&st, 0, sizeof(st));
    memset(&m, 0, sizeof(m));
    recon_index_init(&m.ix);
    if (!o)
        o = &none;
    if (db_begin(ctx->db, err))
        return -1;
    rc = import_body(ctx, in, o, now, res, &rd, &st, &m, err);
    recon_stmts_release(&st);
    recon_reader_release(&rd);
    recon_index_release(&m.ix);
    free(m.subs);
    free(m.charges);
    if (rc || res->duplicate) {
        db_rollback(ctx->db);
        if (rc)
            return -1;
        snprintf(id, sizeof(id), "%s", res->id);
        rc = repo_recon_import_get(ctx->db, id, &res->row, err);
        return rc < 0 ? -1 : 0;
    }
    if (db_commit(ctx->db, err))
        return -1;
    return repo_recon_import_get(ctx->db, res->id, &res->row, err) < 0 ? -1 : 0;
}

/* --- totals ------------------------------------------------------------------------------ */

struct totaller {
    const char *column;
    struct recon_total t;
    bool open;
    int (*fn)(void *ctx, const struct recon_total *t);
    void *ctx;
    struct err *err;
};

static const char *group_key(const struct totaller *g, const struct recon_line_row *r)
{
    if (strcmp(g->column, "customer_key") == 0)
        return r->customer_key;
    if (strcmp(g->column, "reseller_key") == 0)
        return r->reseller_key;
    return r->invoice_number;
}

static int total_line(void *vctx, const struct recon_line_row *r)
{
    struct totaller *g = vctx;
    const char *key = group_key(g, r);
    struct dec ms, cs;

    if (g->open && strcmp(g->t.key, key) != 0) {
        if (g->fn(g->ctx, &g->t))
            return -1;
        g->open = false;
    }
    if (!g->open) {
        memset(&g->t, 0, sizeof(g->t));
        snprintf(g->t.key, sizeof(g->t.key), "%s", key);
        g->open = true;
    }
    if (!g->t.name[0] && strcmp(g->column, "customer_key") == 0)
        snprintf(g->t.name, sizeof(g->t.name), "%s", r->customer_name);
    if (line_dec(r->ms_subtotal, &ms, g->err) || line_dec(r->cspd_subtotal, &cs, g->err) ||
        dec_add(g->t.microsoft, ms, &g->t.microsoft, g->err) ||
        dec_add(g->t.cspd, cs, &g->t.cspd, g->err) ||
        dec_sub(g->t.microsoft, g->t.cspd, &g->t.difference, g->err))
        return -1;
    g->t.lines++;
    if (strcmp(r->status, "matched") == 0)
        g->t.matched++;
    else if (strcmp(r->status, "usage") != 0) {
        g->t.differences++;
        if (!r->resolution[0])
            g->t.open++;
    }
    return 0;
}

int recon_totals(struct db *db, const char *import_id, const char *group,
                 int (*fn)(void *ctx, const struct recon_total *t), void *ctx,
                 struct err *err)
{
    struct totaller g;

    memset(&g, 0, sizeof(g));
    if (strcmp(group, "customer") == 0)
        g.column = "customer_key";
    else if (strcmp(group, "reseller") == 0)
        g.column = "reseller_key";
    else if (strcmp(group, "invoice") == 0)
        g.column = "invoice_number";
    else
        return err_set(err, ERR_INVALID, "group", "group must be customer, reseller or "
                       "invoice");
    g.fn = fn;
    g.ctx = ctx;
    g.err = err;
    if (repo_recon_line_each_grouped(db, import_id, g.column, total_line, &g, err))
        return -1;
    return g.open ? fn(ctx, &g.t) : 0;
}

/* --- resolve ----------------------------------------------------------------------------- */

int recon_resolution_parse(const char *s, enum recon_resolution *out)
{
    if (strcmp(s, "accept") == 0)
        *out = RECON_ACCEPT;
    else if (strcmp(s, "explain") == 0)
        *out = RECON_EXPLAIN;
    else if (strcmp(s, "follow_up") == 0 || strcmp(s, "follow-up") == 0)
        *out = RECON_FOLLOW_UP;
    else
        return -1;
    return 0;
}

static const char *resolution_name(enum recon_resolution how)
{
    return how == RECON_ACCEPT ? "accepted" : how == RECON_EXPLAIN ? "explained" : "follow_up";
}

static json_t *line_json_brief(const struct recon_line_row *l)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "status", l->status, "resolution",
                     l->resolution, "note", l->note, "charge_id", l->charge_id,
                     "ms_subtotal", l->ms_subtotal, "cspd_subtotal", l->cspd_subtotal);
}

/* Accept Microsoft's figures for line l into the charges ledger. */
static int accept_line(const struct recon_ctx *ctx, struct recon_line_row *l, instant_t now,
                       json_t **before, json_t **after, struct err *err)
{
    struct recon_charge_row c;
    struct dec unit, eup, amount, fx, qty;
    bool has_fx = l->exchange_rate[0] != '\0';
    int rc;

    if (line_dec(l->unit_price, &unit, err) || line_dec(l->eup, &eup, err) ||
        line_dec(l->ms_subtotal, &amount, err) || line_dec(l->quantity, &qty, err) ||
        (has_fx && line_dec(l->exchange_rate, &fx, err)))
        return -1;
    if (strcmp(l->status, "amount_differs") == 0) {
        struct dec sub_pricing = amount;

        rc = repo_recon_charge_get(ctx->db, l->charge_id, &c, err);
        if (rc <= 0)
            return rc < 0 ? -1 : err_set(err, ERR_NOT_FOUND, "charge_id", "charge %s is gone",
                                         l->charge_id);
        /* The pricing-currency subtotal: Microsoft's amount back at its rate, exactly when
         * the currencies agree; otherwise cspd's own pricing subtotal is kept. */
        if (strcmp(c.currency, c.billing_currency) != 0)
            sub_pricing = c.subtotal;
        *before = json_pack("{s:s, s:s, s:s, s:s}", "charge_id", c.id, "unit_price",
                            l->unit_price, "effective_unit_price", "", "amount",
                            l->cspd_subtotal);
        if (repo_recon_charge_set_amounts(ctx->db, c.id, unit, eup, sub_pricing,
                                          has_fx && strcmp(c.currency, c.billing_currency) != 0
                                              ? &fx : NULL, amount, err))
            return -1;
        *after = json_pack("{s:s, s:s, s:s, s:s}", "charge_id", c.id, "unit_price",
                           l->unit_price, "effective_unit_price", l->eup, "amount",
                           l->ms_subtotal);
        snprintf(l->cspd_subtotal, sizeof(l->cspd_subtotal), "%s", l->ms_subtotal);
        return 0;
    }
    if (strcmp(l->status, "only_microsoft") != 0)
        return err_set(err, ERR_INVALID, "resolution", "a %s line has no figures of "
                       "Microsoft's to accept; explain it or flag it for follow-up", l->status);
    if (!l->subscription_id[0])
        return err_set(err, ERR_INVALID, "subscription_id", "Microsoft's subscription %s is "
                       "not mapped to a cspd subscription; map it first (cspd recon map)",
                       l->ms_subscription);
    memset(&c, 0, sizeof(c));
    snprintf(c.subscription_id, sizeof(c.subscription_id), "%s", l->subscription_id);
    snprintf(c.charge_type, sizeof(c.charge_type), "%s", l->charge_type);
    snprintf(c.sku, sizeof(c.sku), "%s", l->sku);
    if (date_parse_cstr(l->start_date, &c.start, err) ||
        date_parse_cstr(l->end_date, &c.end, err))
        return -1;
    {
        struct dec aq = dec_abs(qty);
        int64_t q;

        if (dec_to_i64(aq, &q, err))
            return err_set(err, ERR_INVALID, "quantity", "quantity %s is not a whole number of "
                           "seats: not a licence line cspd can hold", l->quantity);
        c.quantity = q;
    }
    c.unit_price = unit;
    /* cspd's charge lines: quantity positive, EUP and subtotal signed (Part A 5, 6). */
    c.eup = dec_is_neg(amount) && !dec_is_neg(eup) ? dec_neg(eup) : eup;
    snprintf(c.currency, sizeof(c.currency), "%s", l->pricing_currency);
    snprintf(c.billing_currency, sizeof(c.billing_currency), "%s", l->currency);
    c.has_fx = has_fx && strcmp(l->currency, l->pricing_currency) != 0;
    c.fx = has_fx ? fx : dec_zero();
    c.subtotal = amount;
    c.has_billing_subtotal = true;
    c.billing_subtotal = amount;
    snprintf(c.order_id, sizeof(c.order_id), "%s", l->order_id);
    snprintf(c.reference_id, sizeof(c.reference_id), "%s", l->reference_id);
    if (repo_recon_charge_insert(ctx->db, &c, now, c.id, err))
        return -1;
    snprintf(l->charge_id, sizeof(l->charge_id), "%s", c.id);
    snprintf(l->cspd_subtotal, sizeof(l->cspd_subtotal), "%s", l->ms_subtotal);
    *after = json_pack("{s:s, s:s, s:s}", "charge_id", c.id, "subscription_id",
                       c.subscription_id, "amount", l->ms_subtotal);
    return 0;
}

static int resolve_body(const struct recon_ctx *ctx, const char *import_id, int64_t seq,
                        enum recon_resolution how, const char *note, instant_t now,
                        struct recon_line_row *l, struct err *err)
{
    json_t *before = NULL, *after = NULL, *cb = NULL, *ca = NULL;
    char object[ID_MAXLEN + 24];
    int rc;

    rc = repo_recon_line_get(ctx->db, import_id, seq, l, err);
    if (rc <= 0)
        return rc < 0 ? -1 : err_set(err, ERR_NOT_FOUND, "seq", "import %s has no line %lld",
                                     import_id, (long long)seq);
    if (strcmp(l->status, "matched") == 0 || strcmp(l->status, "usage") == 0)
        return err_set(err, ERR_INVALID, "seq", "line %lld is %s: nothing to resolve",
                       (long long)seq, l->status);
    if (strcmp(l->resolution, "accepted") == 0)
        return err_set(err, ERR_CONFLICT, "seq", "line %lld was already accepted",
                       (long long)seq);
    if (how == RECON_EXPLAIN && (!note || !*note))
        return err_set(err, ERR_INVALID, "note", "explaining a difference needs a note");
    before = line_json_brief(l);
    if (how == RECON_ACCEPT) {
        if (accept_line(ctx, l, now, &cb, &ca, err)) {
            json_decref(before);
            return -1;
        }
        /* Update the line's match fields: its cspd side is now Microsoft's figure. */
        {
            struct recon_stmts st;

            snprintf(l->difference, sizeof(l->difference), "0");
            if (recon_stmts_prepare(ctx->db, &st, err)) {
                json_decref(before);
                json_decref(cb);
                json_decref(ca);
                return -1;
            }
            rc = repo_recon_line_set_match(&st, l, err);
            recon_stmts_release(&st);
            if (rc) {
                json_decref(before);
                json_decref(cb);
                json_decref(ca);
                return -1;
            }
        }
    }
    snprintf(l->resolution, sizeof(l->resolution), "%s", resolution_name(how));
    snprintf(l->note, sizeof(l->note), "%s", note ? note : "");
    snprintf(l->resolved_by, sizeof(l->resolved_by), "%s", ctx->actor ? ctx->actor : "system");
    l->resolved_at = now;
    rc = repo_recon_line_resolve(ctx->db, import_id, seq, l->resolution, note,
                                 l->resolved_by, now, err);
    after = line_json_brief(l);
    if (rc == 0 && cb)
        json_object_set_new(before, "charge", cb), cb = NULL;
    if (rc == 0 && ca)
        json_object_set_new(after, "charge", ca), ca = NULL;
    snprintf(object, sizeof(object), "%s:%lld", import_id, (long long)seq);
    if (rc == 0)
        rc = audit(ctx, now, how == RECON_ACCEPT ? "recon.accept" : how == RECON_EXPLAIN
                   ? "recon.explain" : "recon.follow_up", "recon_line", object, before, after,
                   err);
    json_decref(before);
    json_decref(after);
    json_decref(cb);
    json_decref(ca);
    return rc;
}

int recon_resolve(const struct recon_ctx *ctx, const char *import_id, int64_t seq,
                  enum recon_resolution how, const char *note, instant_t now,
                  struct recon_line_row *out, struct err *err)
{
    struct recon_line_row l;

    if (db_begin(ctx->db, err))
        return -1;
    if (resolve_body(ctx, import_id, seq, how, note, now, &l, err)) {
        db_rollback(ctx->db);
        return -1;
    }
    if (db_commit(ctx->db, err))
        return -1;
    if (out)
        *out = l;
    return 0;
}

/* --- export of differences --------------------------------------------------------------- */

struct exporter {
    FILE *out;
    long lines;
};

static int put_fields(FILE *out, const char *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((i && fputc(',', out) == EOF) || csv_write_field(out, v[i], strlen(v[i])))
            return -1;
    return fputs("\r\n", out) == EOF ? -1 : 0;
}

static int export_line(void *vctx, const struct recon_line_row *r)
{
    struct exporter *x = vctx;
    char seq[24], line[24];
    const char *v[24];

    snprintf(seq, sizeof(seq), "%lld", (long long)r->seq);
    snprintf(line, sizeof(line), "%lld", (long long)r->line_no);
    v[0] = seq; v[1] = line; v[2] = r->status; v[3] = r->cause; v[4] = r->invoice_number;
    v[5] = r->customer_key; v[6] = r->customer_name; v[7] = r->reseller_key;
    v[8] = r->ms_subscription; v[9] = r->subscription_id; v[10] = r->charge_id;
    v[11] = r->charge_type; v[12] = r->sku; v[13] = r->start_date; v[14] = r->end_date;
    v[15] = r->quantity; v[16] = r->currency; v[17] = r->ms_subtotal; v[18] = r->cspd_subtotal;
    v[19] = r->difference; v[20] = r->detail; v[21] = r->resolution; v[22] = r->note;
    v[23] = r->reference_id;
    x->lines++;
    return put_fields(x->out, v, 24);
}

int recon_export_differences(struct db *db, const char *import_id, FILE *out, long *lines,
                             struct err *err)
{
    static const char *const head[24] = {
        "Seq", "Line", "Status", "Cause", "InvoiceNumber", "CustomerId", "CustomerName",
        "ResellerMpnId", "MicrosoftSubscriptionId", "CspdSubscriptionId", "CspdChargeId",
        "ChargeType", "Sku", "ChargeStartDate", "ChargeEndDate", "Quantity", "Currency",
        "MicrosoftSubtotal", "CspdSubtotal", "Difference", "Detail", "Resolution", "Note",
        "ReferenceId",
    };
    struct exporter x = {out, 0};

    if (put_fields(out, head, 24))
        return err_set(err, ERR_IO, "", "cannot write the export");
    if (repo_recon_line_each(db, import_id, NULL, true, 0, 0, export_line, &x, err))
        return -1;
    if (fflush(out) != 0 || ferror(out))
        return err_set(err, ERR_IO, "", "cannot write the export");
    if (lines)
        *lines = x.lines;
    return 0;
}

/* --- writer ------------------------------------------------------------------------------ */

struct writer_ctx {
    struct recon_writer w;
    const char *invoice;
    struct err *err;
};

static int write_charge(void *vctx, const struct recon_charge_row *c)
{
    struct writer_ctx *x = vctx;
    struct recon_out_line l;
    char product[RR_TEXT], sku[RR_TEXT];
    const char *colon = strchr(c->sku, ':');
    bool fx = c->has_fx && strcmp(c->currency, c->billing_currency) != 0;

    memset(&l, 0, sizeof(l));
    if (colon) {
        snprintf(product, sizeof(product), "%.*s", (int)(colon - c->sku), c->sku);
        snprintf(sku, sizeof(sku), "%s", colon + 1);
    } else {
        snprintf(product, sizeof(product), "%s", c->sku);
        sku[0] = '\0';
    }
    l.customer_id = c->customer_id;
    l.customer_name = c->customer_name;
    l.customer_domain = c->customer_domain;
    l.customer_country = c->customer_country;
    l.invoice_number = x->invoice;
    l.mpn_id = c->mpn_id;
    l.reseller_mpn_id = c->reseller_mpn_id;
    l.order_id = c->order_id;
    l.order_date = c->start;
    l.product_id = product;
    l.sku_id = sku;
    l.sku_name = c->sku;
    l.charge_type = c->charge_type;
    l.unit_price = c->unit_price;
    l.quantity = dec_from_i64(c->quantity);
    l.subtotal = c->has_billing_subtotal ? c->billing_subtotal : c->subtotal;
    l.tax = dec_zero();
    l.total = l.subtotal;
    l.currency = c->billing_currency;
    l.subscription_description = c->sub_name;
    l.subscription_id = c->subscription_id;
    l.start = c->start;
    l.end = c->end;
    l.eup = c->eup;
    l.billing_frequency = strcmp(c->billing, "annual") == 0 ? "Annual"
                          : strcmp(c->billing, "monthly") == 0 ? "Monthly" : "";
    l.pricing_currency = c->currency;
    l.has_fx = fx;
    l.fx = c->fx;
    l.reference_id = c->reference_id;
    return recon_writer_line(&x->w, &l, x->err);
}

int recon_write_charges(struct db *db, struct date from, struct date to, const char *invoice,
                        FILE *out, long *lines, struct err *err)
{
    struct writer_ctx x;
    char number[32];

    if (!invoice) {
        snprintf(number, sizeof(number), "CSPD-%04d%02d", from.year, from.month);
        invoice = number;
    }
    x.invoice = invoice;
    x.err = err;
    if (recon_writer_init(&x.w, out, err) ||
        repo_recon_charge_each(db, from, to, write_charge, &x, err) ||
        recon_writer_finish(&x.w, err))
        return -1;
    if (lines)
        *lines = x.w.lines;
    return 0;
}

/* --- mapping ----------------------------------------------------------------------------- */

int recon_map_subscription(const struct recon_ctx *ctx, const char *ms_sub, const char *sub_id,
                           instant_t now, struct err *err)
{
    json_t *after;
    int rc;

    if (!ms_sub || !*ms_sub || strlen(ms_sub) >= RR_TEXT)
        return err_set(err, ERR_INVALID, "microsoft_subscription_id", "a Microsoft "
                       "SubscriptionId is required (at most %d characters)", RR_TEXT - 1);
    if (db_begin(ctx->db, err))
        return -1;
    rc = repo_recon_map_set(ctx->db, ms_sub, sub_id, now, err);
    if (rc) {
        /* A foreign-key failure: no such subscription. */
        db_rollback(ctx->db);
        if (err->code == ERR_DB)
            return err_set(err, ERR_NOT_FOUND, "subscription_id", "no subscription %s",
                           sub_id);
        return -1;
    }
    after = json_pack("{s:s, s:s}", "microsoft_subscription_id", ms_sub, "subscription_id",
                      sub_id);
    rc = audit(ctx, now, "recon.map_subscription", "recon_subscription_map", ms_sub, NULL,
               after, err);
    json_decref(after);
    if (rc) {
        db_rollback(ctx->db);
        return -1;
    }
    return db_commit(ctx->db, err);
}
