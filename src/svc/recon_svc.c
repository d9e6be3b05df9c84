/*
 * svc/recon_svc.c — import and match Microsoft's reconciliation files; resolve, export, write
 * (recon_svc.h for the contract and the shape of an import).
 *
 * The import keeps, per cspd charge of the period, 8 bytes of match index (the key's hash
 * and the charge's position in load order: domain/recon/key_index.c), its row reference
 * (4 bytes) and one bit "taken"; a hit is read back from the store and its real key
 * compared. Besides: the subscription map, and for the only-in-cspd lines either nothing
 * (each line's customer asked for) or 8 bytes a subscription of the book plus each
 * customer's text once. So memory does not grow with ids or amounts of the book; the
 * per-line path formats into stack buffers and binds them in place (struct recon_line_in).
 */
#include "svc/recon_svc.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/currency.h"
#include "core/id.h"
#include "domain/pricing/pricing.h"
#include "domain/recon/recon.h"
#include "io/csv.h"
#include "io/recon_read.h"
#include "io/recon_write.h"
#include "store/repo_usage.h"
#include "store/scope.h"
#include "svc/audit.h"

/* --- small helpers ----------------------------------------------------------------------- */

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

/* --- import: the match index ------------------------------------------------------------- */

/*
 * cspd's charges are loaded by ranges of start dates, each into its own compact index (8 bytes
 * a charge: the key's hash and the charge's position in load order, domain/recon/key_index.c):
 * the caller's period at once, or else each calendar month the first time a Microsoft line
 * starting in it arrives (a line can only match a charge of the same start date, so of the
 * same month). The months between the file's first and last that no line started in are
 * loaded at the end: their charges are all "only in cspd". Beside the indexes, by position
 * in load order: the charge's row reference (4 bytes) and whether a line took it (1 bit).
 * Nothing else of a charge is kept; a hit is read back from the store and its real key
 * compared, so memory does not grow with subscription ids, charge ids or amounts.
 */
struct slot {
    int32_t lo, hi; /* start dates, days since 1970-01-01, inclusive */
    uint32_t base;  /* ord of its first charge (ords follow the load order) */
    uint32_t n;     /* its charges */
    struct recon_key_index ix;
};

struct matcher {
    struct db *db;
    struct recon_stmts *st;
    struct slot *slots;
    size_t nslots, slots_cap, last;
    struct recon_key_index *loading;
    struct recon_names map_ms;    /* the subscription map: Microsoft's ids ... */
    struct recon_names map_to;    /* ... and cspd's, */
    uint32_t *map_val;            /* map_ms number -> map_to number */
    size_t map_cap;
    uint32_t *refs;               /* by ord: the charge's row (repo_recon_charge_by_ref) */
    size_t ncharges, refs_cap;
    uint8_t *used;                /* by ord, one bit each */
    size_t used_cap, nused;
    uint32_t hash_mask;           /* recon_import_opts.key_hash_mask, or all bits */
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
    while (ncap <= n)
        ncap *= 2;
    q = realloc(*p, ncap * size);
    if (!q)
        return err_set(err, ERR_NOMEM, "", "out of memory loading charge lines");
    *p = q;
    *cap = ncap;
    return 0;
}

static void matcher_release(struct matcher *m)
{
    for (size_t i = 0; i < m->nslots; i++)
        recon_key_index_release(&m->slots[i].ix);
    free(m->slots);
    recon_names_release(&m->map_ms);
    recon_names_release(&m->map_to);
    free(m->map_val);
    free(m->refs);
    free(m->used);
    memset(m, 0, sizeof(*m));
}

static bool is_used(const struct matcher *m, uint32_t ord)
{
    return m->used[ord >> 3] & (1u << (ord & 7));
}

static void set_used(struct matcher *m, uint32_t ord)
{
    m->used[ord >> 3] |= (uint8_t)(1u << (ord & 7));
    m->nused++;
}

/* The key of a charge as stored (quantity always positive there, sign from its figures). */
static void charge_key(struct recon_key *k, const char *type, size_t type_len,
                       struct date start, struct date end, int64_t quantity, struct dec amount,
                       struct dec eup)
{
    memset(k, 0, sizeof(*k));
    k->type = (uint8_t)recon_type_parse(type, type_len);
    k->start = date_to_days(start);
    k->end = date_to_days(end);
    k->qty = quantity < 0 ? -quantity : quantity;
    k->sign = (int8_t)recon_sign(amount, eup, dec_from_i64(quantity));
}

static int load_charge(void *vctx, const struct recon_charge_ref *c)
{
    struct matcher *m = vctx;
    struct recon_key k;
    size_t ord = m->ncharges;

    if (ord >= UINT32_MAX || c->ref < 0 || c->ref > (int64_t)UINT32_MAX)
        return err_set(m->err, ERR_TOO_BIG, "", "too many charge lines for one import");
    if (grow(&m->refs, &m->refs_cap, ord, sizeof(m->refs[0]), m->err) ||
        grow(&m->used, &m->used_cap, ord / 8, 1, m->err))
        return -1;
    if (ord % 8 == 0)
        m->used[ord / 8] = 0;
    charge_key(&k, c->charge_type, c->charge_type_len, c->start, c->end, c->quantity,
               c->amount, c->eup);
    m->refs[ord] = (uint32_t)c->ref;
    m->ncharges++;
    return recon_key_index_add(m->loading,
                               recon_key_hash(c->subscription_id, c->subscription_len, &k) &
                                   m->hash_mask,
                               (uint32_t)ord, m->err);
}

/* Load the charges starting in [lo, hi] as a new slot. */
static int load_slot(struct matcher *m, int32_t lo, int32_t hi, struct err *err)
{
    struct slot s;

    s.lo = lo;
    s.hi = hi;
    s.base = (uint32_t)m->ncharges;
    recon_key_index_init(&s.ix);
    m->loading = &s.ix;
    if (grow(&m->slots, &m->slots_cap, m->nslots, sizeof(m->slots[0]), err) ||
        repo_recon_charge_refs_each(m->db, date_from_days(lo), date_from_days(hi),
                                    load_charge, m, err)) {
        recon_key_index_release(&s.ix);
        return -1;
    }
    s.n = (uint32_t)(m->ncharges - s.base);
    recon_key_index_sort(&s.ix);
    m->last = m->nslots;
    m->slots[m->nslots++] = s;
    return 0;
}

/* The slot holding start date `day`, or NULL. */
static struct slot *slot_of(struct matcher *m, int32_t day)
{
    if (m->last < m->nslots && m->slots[m->last].lo <= day && day <= m->slots[m->last].hi)
        return &m->slots[m->last];
    for (size_t i = 0; i < m->nslots; i++)
        if (m->slots[i].lo <= day && day <= m->slots[i].hi) {
            m->last = i;
            return &m->slots[i];
        }
    return NULL;
}

/* The calendar month of `day`, loaded if it is not yet. */
static struct slot *month_slot(struct matcher *m, struct date d, struct err *err)
{
    struct slot *s = slot_of(m, date_to_days(d));
    struct date first = d;

    if (s)
        return s;
    first.day = 1;
    if (load_slot(m, date_to_days(first), date_to_days(date_end_of_month(d)), err))
        return NULL;
    return &m->slots[m->nslots - 1];
}

static int load_map_row(void *vctx, const char *ms_sub, const char *sub_id)
{
    struct matcher *m = vctx;
    uint32_t i, j;

    if (recon_names_intern(&m->map_ms, ms_sub, strlen(ms_sub), &i, m->err) ||
        recon_names_intern(&m->map_to, sub_id, strlen(sub_id), &j, m->err) ||
        grow(&m->map_val, &m->map_cap, i, sizeof(m->map_val[0]), m->err))
        return -1;
    m->map_val[i] = j;
    return 0;
}

/* cspd's subscription for Microsoft's SubscriptionId: the mapped one, else the id itself. */
static const char *map_sub(struct matcher *m, const char *ms_sub, bool *mapped)
{
    uint32_t i = recon_names_find(&m->map_ms, ms_sub, strlen(ms_sub));

    *mapped = i != RECON_NAME_NONE;
    return *mapped ? recon_names_get(&m->map_to, m->map_val[i]) : ms_sub;
}

/* The charge a Microsoft line took: copied out of the statement's row. */
struct taken {
    char id[ID_MAXLEN];
    struct recon_amounts a;
};

static void take_copy(struct taken *t, const struct recon_charge_key *c)
{
    snprintf(t->id, sizeof(t->id), "%s", c->id);
    t->a.unit_price = c->unit_price;
    t->a.eup = c->eup;
    t->a.amount = c->amount;
    t->a.fx = c->fx;
}

/*
 * Take the charge of key `k` on subscription `sub` for a line of amount `amount`: of the
 * unused charges whose real key is k, in load order (start date, then id), the first whose
 * amount agrees to the cent, else the first (domain/recon's rule, recon_index_take). 1 taken
 * (*t filled, marked used), 0 none, -1 error. Every candidate of the hash is read back and
 * its key compared, so a hash collision only costs that read.
 */
static int take(struct matcher *m, struct slot *s, const char *sub, const struct recon_key *k,
                struct dec amount, int minor, struct taken *t, struct err *err)
{
    uint32_t hash = recon_key_hash(sub, strlen(sub), k) & m->hash_mask;
    size_t first, n = recon_key_index_find(&s->ix, hash, &first);
    uint32_t pick = UINT32_MAX;

    for (size_t i = first; i < first + n; i++) {
        uint32_t ord = recon_key_index_ord(&s->ix, i);
        struct recon_charge_key c;
        struct recon_key ck;
        bool exact;
        int rc;

        if (is_used(m, ord))
            continue;
        rc = repo_recon_charge_by_ref(m->st, m->refs[ord], true, &c, err);
        if (rc < 0)
            return -1;
        if (rc == 0)
            return err_set(err, ERR_INTERNAL, "", "a charge line changed during the import");
        charge_key(&ck, c.charge_type, c.charge_type_len, c.start, c.end, c.quantity,
                   c.amount, c.eup);
        if (strcmp(c.subscription_id, sub) != 0 || ck.type != k->type ||
            ck.start != k->start || ck.end != k->end || ck.qty != k->qty ||
            ck.sign != k->sign)
            continue; /* another key of the same hash */
        exact = recon_same_cents(c.amount, amount, minor);
        if (pick == UINT32_MAX || exact) {
            pick = ord;
            take_copy(t, &c);
            if (exact)
                break;
        }
    }
    if (pick == UINT32_MAX)
        return 0;
    set_used(m, pick);
    return 1;
}

/* --- import: the file, one line at a time ----------------------------------------------- */

#define INVOICES_TRACKED 16

struct importer {
    const struct recon_ctx *ctx;
    const struct recon_import_opts *o;
    struct recon_import_row *imp;
    struct recon_reader *rd;
    struct recon_stmts *st;
    struct matcher *m;
    struct usage_stmts *us;       /* usage files: the usage charges written for rating */
    struct recon_import_result *res;
    char last_ms_sub[RR_TEXT], last_cust[RR_TEXT]; /* memo of the last line's parties */
    char last_customer[ID_MAXLEN], last_partner[ID_MAXLEN], last_sub[ID_MAXLEN];
    int last_found;               /* -1: no memo yet */
    struct date min_start, max_start;
    bool any;
    char invoices[INVOICES_TRACKED][RR_TEXT];
    int ninvoices;
    struct taken took; /* the charge the current line took */
    char known_sub[RR_TEXT]; /* the last subscription found to exist, or "" */
};

static void track_invoice(struct importer *p, const char *number)
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

/* The text of one line's columns, formatted once into these buffers. */
struct line_text {
    char sku[2 * RR_TEXT];
    char start[DATE_STRLEN], end[DATE_STRLEN];
    char qty[DEC_STRLEN], unit[DEC_STRLEN], eup[DEC_STRLEN], fx[DEC_STRLEN];
    char subtotal[DEC_STRLEN], tax[DEC_STRLEN], total[DEC_STRLEN];
    char cspd[DEC_STRLEN], diff[DEC_STRLEN];
    char detail[RR_LONG];
};

static void line_fill(const struct recon_row *w, enum recon_kind kind, struct line_text *t,
                      struct recon_line_in *l)
{
    const char *sku = w->product_id;

    if (kind == RECON_KIND_USAGE && !w->product_id[0]) {
        sku = w->meter_id;
    } else if (w->sku_id[0]) {
        size_t a = strlen(w->product_id), b = strlen(w->sku_id);

        if (a + b + 2 <= sizeof(t->sku)) {
            memcpy(t->sku, w->product_id, a);
            t->sku[a] = ':';
            memcpy(t->sku + a + 1, w->sku_id, b + 1);
        } else {
            snprintf(t->sku, sizeof(t->sku), "%s:%s", w->product_id, w->sku_id);
        }
        sku = t->sku;
    }
    date_format(w->start, t->start);
    date_format(w->end, t->end);
    dec_format(w->quantity, t->qty);
    dec_format(w->unit_price, t->unit);
    dec_format(w->eup, t->eup);
    dec_format(w->subtotal, t->subtotal);
    dec_format(w->tax, t->tax);
    dec_format(w->total, t->total);
    if (w->has_fx)
        dec_format(w->fx, t->fx);
    memset(l, 0, sizeof(*l));
    l->line_no = w->line;
    l->status = kind == RECON_KIND_USAGE ? "usage" : "pending";
    l->ms_subscription = w->subscription_id;
    l->customer_key = w->customer_id;
    l->customer_name = w->customer_name;
    l->reseller_key = reseller_key(w->reseller_mpn_id);
    l->invoice_number = w->invoice_number;
    l->charge_type = w->charge_type;
    l->sku = sku;
    l->start_date = t->start;
    l->end_date = t->end;
    l->quantity = t->qty;
    l->unit_price = t->unit;
    l->eup = t->eup;
    l->currency = w->currency;
    l->pricing_currency = w->pricing_currency;
    l->exchange_rate = w->has_fx ? t->fx : NULL;
    l->ms_subtotal = t->subtotal;
    l->ms_tax = t->tax;
    l->ms_total = t->total;
    l->order_id = w->order_id;
    l->reference_id = w->reference_id;
}

/* Match an invoice line against cspd's charges and set its status, cause and figures. */
static int match_row(struct importer *p, const struct recon_row *w, struct line_text *t,
                     struct recon_line_in *l, struct err *err)
{
    struct matcher *m = p->m;
    struct recon_import_row *imp = p->imp;
    struct recon_amounts ms;
    struct recon_key k;
    struct recon_verdict v;
    struct slot *s;
    struct dec aq;
    const char *sub;
    bool mapped;
    int64_t q;
    int rc = 0, minor = minor_of(w->currency);
    int32_t start = date_to_days(w->start);

    ms.unit_price = w->unit_price;
    ms.eup = w->eup;
    ms.amount = w->subtotal;
    ms.fx = w->fx;
    if (p->o->has_period)
        s = slot_of(m, start);
    else if (!(s = month_slot(m, w->start, err)))
        return -1;
    sub = map_sub(m, w->subscription_id, &mapped);
    memset(&k, 0, sizeof(k));
    k.type = (uint8_t)w->type;
    k.start = start;
    k.end = date_to_days(w->end);
    aq = dec_abs(w->quantity);
    k.qty = dec_fraction_digits(aq) == 0 && dec_to_i64(aq, &q, err) == 0 ? q : -1;
    k.sign = (int8_t)recon_sign(ms.amount, ms.eup, w->quantity);
    if (s && k.qty >= 0 && (rc = take(m, s, sub, &k, ms.amount, minor, &p->took, err)) < 0)
        return -1;
    if (rc == 0) {
        /* Not matched: is the subscription cspd's at all? (a mapped one always is; the
         * last one found is remembered: a file's lines come grouped by subscription) */
        if (mapped || (sub[0] && strcmp(p->known_sub, sub) == 0)) {
            rc = DB_ROW;
        } else if ((rc = repo_recon_sub_exists(p->st, sub, err)) < 0) {
            return -1;
        } else if (rc == DB_ROW) {
            snprintf(p->known_sub, sizeof(p->known_sub), "%s", sub);
        }
        l->status = recon_status_name(RS_ONLY_MICROSOFT);
        l->difference = t->subtotal;
        l->detail = t->detail;
        imp->only_microsoft++;
        if (rc != DB_ROW) {
            l->cause = recon_cause_name(RC_UNKNOWN_SUBSCRIPTION);
            snprintf(t->detail, sizeof(t->detail), "Microsoft's subscription %s is not "
                     "mapped to a cspd subscription (amount %s)", w->subscription_id,
                     t->subtotal);
            return 0;
        }
        l->subscription_id = sub;
        l->cause = recon_cause_name(RC_NO_CSPD_LINE);
        snprintf(t->detail, sizeof(t->detail), "cspd has no %s line for %s to %s, quantity "
                 "%s, on this subscription (Microsoft %s)", w->charge_type, t->start, t->end,
                 t->qty, t->subtotal);
        return 0;
    }
    l->subscription_id = sub;
    if (strcmp(p->known_sub, sub) != 0)
        snprintf(p->known_sub, sizeof(p->known_sub), "%s", sub);
    if (recon_classify(&ms, &p->took.a, (enum recon_type)k.type, k.qty,
                       date_days_inclusive(w->start, w->end), minor, &v, err))
        return -1;
    l->status = recon_status_name(v.status);
    l->cause = recon_cause_name(v.cause);
    memcpy(t->detail, v.detail, sizeof(t->detail) < sizeof(v.detail) ? sizeof(t->detail)
                                                                      : sizeof(v.detail));
    t->detail[sizeof(t->detail) - 1] = '\0';
    l->detail = t->detail;
    l->charge_id = p->took.id;
    dec_format(p->took.a.amount, t->cspd);
    dec_format(v.difference, t->diff);
    l->cspd_subtotal = t->cspd;
    l->difference = t->diff;
    if (v.status == RS_MATCHED)
        imp->matched++;
    else
        imp->amount_differs++;
    return 0;
}

/*
 * A billed usage line (InvoiceNumber not blank) of a cspd customer becomes a usage charge
 * for the close to rate (store/repo_usage.h; docs/billing.md "Azure usage"). Its parties:
 * the Azure plan's cspd subscription when SubscriptionId maps to one (map_sub, the same map
 * invoice lines use), else the customer whose key (tenant id, else cspd id) is CustomerId,
 * with its transacting partner. An unbilled line is Microsoft's estimate and is not rated; a
 * line of no cspd customer is kept for the reconciliation with cause "unknown_customer".
 */
static int usage_add(struct importer *p, const struct recon_row *w, struct line_text *t,
                     struct recon_line_in *l, struct err *err)
{
    struct usage_charge_in u;
    char id[ID_MAXLEN], fx_date[DATE_STRLEN], product[SKU_MAX];

    if (!w->invoice_number[0])
        return 0;
    if (p->last_found < 0 || strcmp(p->last_ms_sub, w->subscription_id) != 0 ||
        strcmp(p->last_cust, w->customer_id) != 0) {
        bool mapped;
        const char *sub = map_sub(p->m, w->subscription_id, &mapped);
        /* mapped, or the SubscriptionId is a cspd subscription id itself */
        int rc = mapped ? 1 : repo_recon_sub_exists(p->st, sub, err);

        if (!mapped && rc >= 0)
            rc = rc == DB_ROW;

        p->last_sub[0] = '\0';
        if (rc == 1) {
            snprintf(p->last_sub, sizeof(p->last_sub), "%s", sub);
            rc = repo_usage_sub_party(p->us, sub, p->last_customer, p->last_partner, err);
            if (rc == 0)
                p->last_sub[0] = '\0';
        }
        if (rc == 0)
            rc = repo_usage_customer(p->us, w->customer_id, p->last_customer,
                                     p->last_partner, err);
        if (rc < 0)
            return -1;
        snprintf(p->last_ms_sub, sizeof(p->last_ms_sub), "%s", w->subscription_id);
        snprintf(p->last_cust, sizeof(p->last_cust), "%s", w->customer_id);
        p->last_found = rc;
    }
    if (!p->last_found) {
        l->cause = "unknown_customer";
        snprintf(t->detail, sizeof(t->detail), "customer %s is not a cspd customer (by tenant "
                 "id or cspd id) and its Azure plan %s maps to no cspd subscription: the line "
                 "is not rated", w->customer_id, w->subscription_id);
        l->detail = t->detail;
        p->res->usage_unmapped++;
        return 0;
    }
    if (id_new("usg", id, err))
        return -1;
    pricing_product_of(l->sku, product);
    memset(&u, 0, sizeof(u));
    u.id = id;
    u.import_id = l->import_id;
    u.seq = l->seq;
    u.line_no = l->line_no;
    u.invoice_number = w->invoice_number;
    u.partner_id = p->last_partner;
    u.customer_id = p->last_customer;
    u.subscription_id = p->last_sub;
    u.ms_subscription = w->subscription_id;
    u.entitlement_id = w->entitlement_id;
    u.usage_date = t->start;
    u.sku = l->sku;
    u.product_id = product;
    u.meter_name = w->meter_name;
    u.meter_category = w->meter_category;
    u.quantity = t->qty;
    u.unit_price = t->unit;
    u.pricing_currency = w->pricing_currency;
    u.eup = t->eup;
    u.cost = t->subtotal;
    u.currency = w->currency;
    u.fx_rate = w->has_fx ? t->fx : "1";
    if (w->has_fx_date)
        date_format(w->fx_date, fx_date);
    u.fx_date = w->has_fx_date ? fx_date : NULL;
    u.created_at = p->imp->created_at;
    if (repo_usage_insert(p->us, &u, err))
        return -1;
    p->res->usage_charges++;
    return 0;
}

static int read_file(struct importer *p, struct err *err)
{
    struct recon_import_row *imp = p->imp;
    const struct recon_import_opts *o = p->o;
    struct recon_row w;
    struct recon_line_in l;
    struct line_text t;
    struct dec sum;
    int rc;

    while ((rc = recon_reader_next(p->rd, &w, err)) == 1) {
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
        line_fill(&w, p->rd->kind, &t, &l);
        l.import_id = imp->id;
        l.seq = imp->line_count;
        if (p->rd->kind == RECON_KIND_INVOICE && match_row(p, &w, &t, &l, err))
            return -1;
        if (p->rd->kind == RECON_KIND_USAGE && usage_add(p, &w, &t, &l, err))
            return -1;
        if (repo_recon_line_insert(p->st, &l, err))
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

/* --- import: only in cspd ---------------------------------------------------------------- */

/*
 * The customer of an only-in-cspd line's subscription. With few such lines each is asked
 * for (repo_recon_sub_customer_get, a few B-tree lookups in scattered pages); with many,
 * every subscription is read once in storage order (repo_recon_sub_customer_each) into
 * a table of 8 bytes a subscription: the top 40 bits of its id's hash and its customer's
 * number (the customers' text interned once each). Two subscriptions sharing those 40 bits
 * are asked for one at a time, so the table never names a wrong customer: every subscription
 * of the book is in it (a charge's subscription always is), so a foreign id with the same
 * bits would show as a second entry.
 */
#define CUST_BITS 24
#define CUST_MASK ((UINT64_C(1) << CUST_BITS) - 1)
#define CUST_NONE CUST_MASK /* a subscription without a customer */

struct customers {
    bool table;                   /* false: ask for each */
    uint64_t *v;                  /* hash40 << 24 | customer number, sorted */
    size_t n, cap;
    struct recon_names text;      /* "key\0name\0reseller" of each customer */
    char *buf;
    size_t buf_cap;
    char last_sub[ID_MAXLEN];     /* asked-for: the last subscription's customer */
    char *last;
    size_t last_cap;
    struct recon_sub_customer cu;
    struct err *err;
};

static int keep_customer(void *vctx, const char *sub, bool customer,
                         const struct recon_sub_customer *c)
{
    struct customers *x = vctx;
    size_t a = strlen(c->customer_key), b = strlen(c->customer_name);
    size_t r = strlen(c->reseller_key);
    uint32_t num = CUST_NONE;

    if (customer) {
        if (grow(&x->buf, &x->buf_cap, a + b + r + 3, 1, x->err))
            return -1;
        memcpy(x->buf, c->customer_key, a + 1);
        memcpy(x->buf + a + 1, c->customer_name, b + 1);
        memcpy(x->buf + a + b + 2, c->reseller_key, r + 1);
        if (recon_names_intern(&x->text, x->buf, a + b + r + 2, &num, x->err))
            return -1;
        if (num >= CUST_NONE)
            return err_set(x->err, ERR_TOO_BIG, "", "too many customers for the table");
    }
    if (grow(&x->v, &x->cap, x->n, sizeof(x->v[0]), x->err))
        return -1;
    x->v[x->n++] = (recon_name_hash(sub, strlen(sub)) >> CUST_BITS) << CUST_BITS | num;
    return 0;
}

static void set_customer(struct customers *x, const char *text)
{
    x->cu.customer_key = text;
    x->cu.customer_name = text + strlen(text) + 1;
    x->cu.reseller_key = x->cu.customer_name + strlen(x->cu.customer_name) + 1;
}

/* x->cu := the customer of subscription `sub` (of charge `charge_id`, for the message). */
static int customer_of(struct recon_stmts *st, struct customers *x, const char *sub,
                       const char *charge_id, struct err *err)
{
    struct recon_sub_customer cu;
    size_t a, b, r;
    int rc;

    if (x->table) {
        uint64_t want = (recon_name_hash(sub, strlen(sub)) >> CUST_BITS) << CUST_BITS;
        size_t lo = 0, hi = x->n;

        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;

            if (x->v[mid] < want)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < x->n && (x->v[lo] & ~CUST_MASK) == want &&
            (lo + 1 == x->n || (x->v[lo + 1] & ~CUST_MASK) != want)) {
            uint32_t num = (uint32_t)(x->v[lo] & CUST_MASK);

            if (num == CUST_NONE)
                return err_set(err, ERR_DB, "", "subscription %s of charge %s has no customer",
                               sub, charge_id);
            set_customer(x, recon_names_get(&x->text, num));
            return 0;
        }
        /* shared 40 bits (or not there at all): ask */
    } else if (x->last && strcmp(x->last_sub, sub) == 0) {
        set_customer(x, x->last);
        return 0;
    }
    rc = repo_recon_sub_customer_get(st, sub, &cu, err);
    if (rc < 0)
        return -1;
    if (rc == 0)
        return err_set(err, ERR_DB, "", "subscription %s of charge %s has no customer", sub,
                       charge_id);
    a = strlen(cu.customer_key);
    b = strlen(cu.customer_name);
    r = strlen(cu.reseller_key);
    if (grow(&x->last, &x->last_cap, a + b + r + 3, 1, err))
        return -1;
    memcpy(x->last, cu.customer_key, a + 1);
    memcpy(x->last + a + 1, cu.customer_name, b + 1);
    memcpy(x->last + a + b + 2, cu.reseller_key, r + 1);
    snprintf(x->last_sub, sizeof(x->last_sub), "%s", sub);
    set_customer(x, x->last);
    return 0;
}

/*
 * Read every subscription's customer when that is cheaper than asking for each of `left`
 * lines: a subscription read in order costs about a third of one asked for.
 */
static int customers_load(struct db *db, struct customers *x, size_t left, struct err *err)
{
    int64_t subs;

    if (repo_recon_sub_count(db, &subs, err))
        return -1;
    if ((int64_t)left * 3 < subs)
        return 0;
    x->table = true;
    x->err = err;
    if (repo_recon_sub_customer_each(db, keep_customer, x, err))
        return -1;
    recon_sort_u64(x->v, x->n);
    return 0;
}

static void customers_release(struct customers *x)
{
    free(x->v);
    recon_names_release(&x->text);
    free(x->buf);
    free(x->last);
}

static int slot_cmp(const void *pa, const void *pb)
{
    const struct slot *a = pa, *b = pb;

    return a->lo < b->lo ? -1 : a->lo > b->lo;
}

/*
 * Load the period's months no line started in, then add a line for every charge left
 * unmatched, by start date then charge id: each slot's charges in load order, the unused
 * ones read back by their row reference (no second scan of the period).
 */
static int only_cspd_pass(struct importer *p, struct date from, struct date to,
                          struct err *err)
{
    struct matcher *m = p->m;
    struct recon_import_row *imp = p->imp;
    struct customers cc;
    int64_t seq = imp->line_count;
    int rc = -1;

    if (!p->o->has_period) {
        for (struct date d = from; date_cmp(d, to) <= 0;
             d = date_add_days(date_end_of_month(d), 1))
            if (!month_slot(m, d, err))
                return -1;
    }
    memset(&cc, 0, sizeof(cc));
    recon_names_init(&cc.text);
    qsort(m->slots, m->nslots, sizeof(m->slots[0]), slot_cmp);
    m->last = 0;
    for (size_t i = 0; i < m->nslots; i++)
        recon_key_index_release(&m->slots[i].ix); /* no more lookups */
    if (m->ncharges > m->nused && customers_load(m->db, &cc, m->ncharges - m->nused, err))
        goto done;
    for (size_t i = 0; i < m->nslots; i++) {
        for (uint32_t ord = m->slots[i].base; ord < m->slots[i].base + m->slots[i].n; ord++) {
            struct recon_charge_key c;
            char amount[DEC_STRLEN], diff[DEC_STRLEN], detail[RR_LONG];
            int found;

            if (is_used(m, ord))
                continue;
            found = repo_recon_charge_by_ref(p->st, m->refs[ord], false, &c, err);
            if (found < 0)
                goto done;
            if (found == 0) {
                err_set(err, ERR_INTERNAL, "", "a charge line changed during the import");
                goto done;
            }
            if (customer_of(p->st, &cc, c.subscription_id, c.id, err))
                goto done;
            dec_format(c.amount, amount);
            dec_format(dec_neg(c.amount), diff);
            snprintf(detail, sizeof(detail), "Microsoft's file has no such line (cspd %s)",
                     amount);
            if (repo_recon_insert_only_cspd(p->st, ++seq, &c, &cc.cu, detail,
                                            imp->invoice_number, diff, err))
                goto done;
            imp->only_cspd++;
            if (p->o->progress && imp->only_cspd % RECON_PROGRESS_EVERY == 0)
                p->o->progress(p->o->progress_ctx, "only in cspd", (long)imp->only_cspd);
        }
    }
    if (p->o->progress)
        p->o->progress(p->o->progress_ctx, "only in cspd", (long)imp->only_cspd);
    rc = 0;
done:
    customers_release(&cc);
    return rc;
}

/* --- import: the whole ------------------------------------------------------------------- */

static int import_body(struct importer *p, FILE *in, instant_t now,
                       struct recon_import_result *res, struct err *err)
{
    const struct recon_ctx *ctx = p->ctx;
    const struct recon_import_opts *o = p->o;
    struct recon_import_row *imp = &res->row;
    char found[ID_MAXLEN];
    int rc;

    p->imp = imp;
    if (recon_reader_open(p->rd, in, err) || recon_stmts_prepare(ctx->db, p->st, err))
        return -1;
    memset(imp, 0, sizeof(*imp));
    if (id_new("rci", imp->id, err))
        return -1;
    snprintf(imp->kind, sizeof(imp->kind), "%s", recon_kind_name(p->rd->kind));
    snprintf(imp->source, sizeof(imp->source), "%s", o->source ? o->source : "");
    snprintf(imp->file_hash, sizeof(imp->file_hash), "pending:%s", imp->id);
    snprintf(imp->actor, sizeof(imp->actor), "%s", ctx->actor ? ctx->actor : "system");
    imp->created_at = now;
    imp->sum_subtotal = imp->sum_tax = imp->sum_total = dec_zero();
    if (repo_recon_import_insert(ctx->db, imp, err) ||
        repo_recon_stmts_import(ctx->db, p->st, imp->id, err))
        return -1;
    p->m->db = ctx->db;
    p->m->st = p->st;
    p->m->hash_mask = o->key_hash_mask ? o->key_hash_mask : UINT32_MAX;
    p->m->err = err;
    if (p->rd->kind == RECON_KIND_USAGE &&
        (repo_recon_map_each(ctx->db, load_map_row, p->m, err) ||
         usage_stmts_prepare(ctx->db, p->us, err)))
        return -1;
    if (p->rd->kind == RECON_KIND_INVOICE) {
        if (repo_recon_map_each(ctx->db, load_map_row, p->m, err))
            return -1;
        if (o->has_period &&
            load_slot(p->m, date_to_days(o->period_start), date_to_days(o->period_end), err))
            return -1;
    }
    if (read_file(p, err))
        return -1;
    recon_reader_hashes(p->rd, imp->file_hash, imp->content_hash);
    imp->invoices = p->ninvoices;

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
        res->usage_charges = res->usage_unmapped = 0; /* rolled back with the rest */
        return 0;
    }
    {
        struct dec s;

        if (dec_add(imp->sum_subtotal, imp->sum_tax, &s, err))
            return -1;
        imp->total_ok = dec_cmp(s, imp->sum_total) == 0 && imp->bad_total_lines == 0;
    }
    if (p->rd->kind == RECON_KIND_INVOICE && (o->has_period || p->any)) {
        struct date from, to;

        if (o->has_period) {
            from = o->period_start;
            to = o->period_end;
        } else {
            from = p->min_start;
            from.day = 1;
            to = date_end_of_month(p->max_start);
        }
        fmt_date(from, imp->period_start);
        fmt_date(to, imp->period_end);
        if (only_cspd_pass(p, from, to, err))
            return -1;
    }
    if (p->rd->kind == RECON_KIND_USAGE && res->usage_charges &&
        repo_usage_supersede(ctx->db, imp->id, &res->usage_replaced, &res->usage_held, err))
        return -1;
    if (repo_recon_import_update(ctx->db, imp, err))
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
    struct usage_stmts us;
    struct matcher m;
    struct importer p;
    char id[ID_MAXLEN];
    int rc;

    memset(res, 0, sizeof(*res));
    memset(&rd, 0, sizeof(rd));
    memset(&st, 0, sizeof(st));
    memset(&us, 0, sizeof(us));
    memset(&m, 0, sizeof(m));
    memset(&p, 0, sizeof(p));
    recon_names_init(&m.map_ms);
    recon_names_init(&m.map_to);
    if (!o)
        o = &none;
    p.ctx = ctx;
    p.o = o;
    p.rd = &rd;
    p.st = &st;
    p.us = &us;
    p.res = res;
    p.last_found = -1;
    p.m = &m;
    if (db_begin(ctx->db, err))
        return -1;
    rc = repo_recon_bulk(ctx->db, true, err);
    if (rc == 0)
        rc = import_body(&p, in, now, res, err);
    recon_stmts_release(&st);
    usage_stmts_release(&us);
    recon_reader_release(&rd);
    matcher_release(&m);
    if (rc || res->duplicate) {
        db_rollback(ctx->db);
        repo_recon_bulk(ctx->db, false, &(struct err){0});
        if (rc)
            return -1;
        snprintf(id, sizeof(id), "%s", res->id);
        rc = repo_recon_import_get(ctx->db, id, &res->row, err);
        return rc < 0 ? -1 : 0;
    }
    rc = db_commit(ctx->db, err);
    repo_recon_bulk(ctx->db, false, &(struct err){0});
    if (rc)
        return -1;
    return repo_recon_import_get(ctx->db, res->id, &res->row, err) < 0 ? -1 : 0;
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
        snprintf(l->difference, sizeof(l->difference), "0");
        if (repo_recon_line_set_match(ctx->db, l, err)) {
            json_decref(before);
            json_decref(cb);
            json_decref(ca);
            return -1;
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
