/*
 * svc/invoice_export.c — period exports (invoice_report.h): load the period's invoices in the
 * caller's scope and its margin reports, build the tables, and hand them to io/export_period.h
 * (CSV, XLSX) or io/export_gl.c (general ledger).
 *
 * Workload: one period of one installation, ~10^4 invoices with ~10^5 lines; everything is
 * held in memory while the workbook is written (libxlsxwriter needs the whole sheet anyway).
 */
#include <stdlib.h>
#include <string.h>

#include "io/export_period.h"
#include "store/repo_invoice.h"
#include "svc/invoice_report.h"

struct invs {
    struct db *db;
    const struct scope *sc;
    struct invoice *v;
    size_t n, cap;
    struct err *err;
};

/* repo_invoice_each gives rows without lines; each is loaded whole afterwards. */
static int keep(void *ctx, const struct invoice *inv)
{
    struct invs *a = ctx;

    if (inv->status == INV_DRAFT)
        return 0;
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 32;
        struct invoice *p = realloc(a->v, cap * sizeof(*p));

        if (!p)
            return err_set(a->err, ERR_NOMEM, "", "out of memory loading invoices");
        a->v = p;
        a->cap = cap;
    }
    a->v[a->n] = *inv;
    a->v[a->n].lines = NULL;
    a->v[a->n].nlines = a->v[a->n].caplines = 0;
    a->n++;
    return 0;
}

static void invs_release(struct invs *a)
{
    for (size_t i = 0; i < a->n; i++)
        invoice_release(&a->v[i]);
    free(a->v);
}

static int load_invoices(struct db *db, const struct scope *sc, const char *period,
                         struct invs *a, struct err *err)
{
    struct invoice_filter f = {.period = period};

    memset(a, 0, sizeof(*a));
    a->db = db;
    a->sc = sc;
    a->err = err;
    if (repo_invoice_each(db, sc, &f, keep, a, err) < 0)
        return -1;
    for (size_t i = 0; i < a->n; i++) {
        struct invoice full;

        if (repo_invoice_get(db, sc, a->v[i].id, &full, err) < 0)
            return -1;
        a->v[i] = full;
    }
    return 0;
}

static int invoices_table(const struct invs *a, struct export_table *t, struct err *err)
{
    static const char *const cols[] = {
        "id", "number", "kind", "status", "issuer_id", "issuer", "customer_id", "reseller_id",
        "bill_to", "period", "issued_on", "due_on", "currency", "subtotal", "tax_rate", "tax",
        "total", "cost", "credit_for", NULL};

    export_table_init(t, "invoices", cols, ",subtotal,tax_rate,tax,total,cost,");
    for (size_t i = 0; i < a->n; i++) {
        const struct invoice *v = &a->v[i];
        char io[DATE_STRLEN] = "", du[DATE_STRLEN] = "", st[DEC_STRLEN], rate[DEC_STRLEN],
             tax[DEC_STRLEN], tot[DEC_STRLEN], cost[DEC_STRLEN];
        const char *vals[19];

        if (date_is_valid(v->issued_on))
            date_format(v->issued_on, io);
        if (date_is_valid(v->due_on))
            date_format(v->due_on, du);
        dec_format(v->subtotal, st);
        dec_format(v->tax_rate, rate);
        dec_format(v->tax, tax);
        dec_format(v->total, tot);
        dec_format(v->cost, cost);
        vals[0] = v->id;
        vals[1] = v->number;
        vals[2] = invoice_kind_name(v->kind);
        vals[3] = invoice_status_name(v->status);
        vals[4] = v->issuer_id;
        vals[5] = v->issuer.name;
        vals[6] = v->customer_id;
        vals[7] = v->reseller_id;
        vals[8] = v->bill_to.name;
        vals[9] = v->period;
        vals[10] = io;
        vals[11] = du;
        vals[12] = v->currency;
        vals[13] = st;
        vals[14] = rate;
        vals[15] = tax;
        vals[16] = tot;
        vals[17] = cost;
        vals[18] = v->credit_for;
        if (export_table_add(t, vals, err) < 0)
            return -1;
    }
    return 0;
}

static int lines_table(const struct invs *a, struct export_table *t, struct err *err)
{
    static const char *const cols[] = {
        "invoice_id", "number", "status", "issuer_id", "bill_to", "currency", "line_no",
        "description", "subscription_id", "sku", "product_id", "charge_type", "start_date",
        "end_date", "quantity", "unit_price", "amount", "tax", "cost", "margin", "adjustment",
        NULL};

    export_table_init(t, "lines", cols, ",quantity,unit_price,amount,tax,cost,margin,");
    for (size_t i = 0; i < a->n; i++) {
        const struct invoice *v = &a->v[i];

        for (size_t k = 0; k < v->nlines; k++) {
            const struct invoice_line *l = &v->lines[k];
            char no[16], q[DEC_STRLEN], s[DATE_STRLEN], e[DATE_STRLEN], u[DEC_STRLEN], am[DEC_STRLEN],
                 tx[DEC_STRLEN], c[DEC_STRLEN], m[DEC_STRLEN];
            const char *vals[21];

            snprintf(no, sizeof(no), "%d", l->line_no);
            dec_format(l->quantity, q);
            date_format(l->start, s);
            date_format(l->end, e);
            dec_format(l->unit_price, u);
            dec_format(l->amount, am);
            dec_format(l->tax, tx);
            dec_format(l->cost, c);
            dec_format(l->margin, m);
            vals[0] = v->id;
            vals[1] = v->number;
            vals[2] = invoice_status_name(v->status);
            vals[3] = v->issuer_id;
            vals[4] = v->bill_to.name;
            vals[5] = v->currency;
            vals[6] = no;
            vals[7] = l->description;
            vals[8] = l->subscription_id;
            vals[9] = l->sku;
            vals[10] = l->product_id;
            vals[11] = l->charge_type;
            vals[12] = s;
            vals[13] = e;
            vals[14] = q;
            vals[15] = u;
            vals[16] = am;
            vals[17] = tx;
            vals[18] = c;
            vals[19] = m;
            vals[20] = l->adjustment ? "1" : "0";
            if (export_table_add(t, vals, err) < 0)
                return -1;
        }
    }
    return 0;
}

static int margins_table(struct db *db, const struct scope *sc, const char *period,
                         enum report_group by, const char *name, struct export_table *t,
                         struct err *err)
{
    static const char *const cols[] = {"key", "name", "currency", "revenue", "cost", "margin",
                                       "margin_pct", "lines", NULL};
    struct margin_report rep;

    export_table_init(t, name, cols, ",revenue,cost,margin,margin_pct,lines,");
    if (margin_report_run_period(db, sc, NULL, period, by, &rep, err) < 0)
        return -1;
    for (size_t i = 0; i < rep.ngroups; i++) {
        const struct margin_group *g = &rep.groups[i];
        char r[DEC_STRLEN], c[DEC_STRLEN], m[DEC_STRLEN], p[DEC_STRLEN] = "", n[24];
        const char *vals[8] = {g->key, g->name, g->currency, r, c, m, p, n};

        dec_format(g->revenue, r);
        dec_format(g->cost, c);
        dec_format(g->margin, m);
        if (g->has_pct)
            dec_format(g->margin_pct, p);
        snprintf(n, sizeof(n), "%ld", g->lines);
        if (export_table_add(t, vals, err) < 0) {
            margin_report_release(&rep);
            return -1;
        }
    }
    margin_report_release(&rep);
    return 0;
}

int invoice_period_export_format(const char *format, const char *table,
                                 enum period_export_format *out, struct err *err)
{
    static const struct {
        const char *name;
        enum period_export_format fmt;
    } tables[] = {{"invoices", PERIOD_CSV_INVOICES}, {"lines", PERIOD_CSV_LINES},
                  {"margins_customer", PERIOD_CSV_MARGINS_CUSTOMER},
                  {"margins_reseller", PERIOD_CSV_MARGINS_RESELLER},
                  {"margins_product", PERIOD_CSV_MARGINS_PRODUCT}};
    const char *fmt = format ? format : "csv";
    bool found = !table;

    *out = PERIOD_CSV_LINES;
    if (strcmp(fmt, "xlsx") == 0)
        *out = PERIOD_XLSX;
    else if (strcmp(fmt, "gl") == 0)
        *out = PERIOD_GL;
    else if (strcmp(fmt, "csv") != 0)
        return err_set(err, ERR_INVALID, "format", "unknown format '%.32s' (csv, xlsx, gl)",
                       fmt);
    for (size_t i = 0; table && i < sizeof(tables) / sizeof(tables[0]); i++)
        if (strcmp(table, tables[i].name) == 0) {
            *out = tables[i].fmt;
            found = true;
        }
    if (!found || (table && strcmp(fmt, "csv") != 0))
        return err_set(err, ERR_INVALID, "table", "table is one of invoices, lines, "
                       "margins_customer, margins_reseller, margins_product (format csv only)");
    return 0;
}

int invoice_period_export(struct db *db, const struct scope *sc, const char *period,
                          enum period_export_format fmt, const char *path, FILE *out,
                          struct err *err)
{
    static const struct {
        enum report_group by;
        const char *name;
    } margins[] = {{REPORT_BY_CUSTOMER, "margins_by_customer"},
                   {REPORT_BY_RESELLER, "margins_by_reseller"},
                   {REPORT_BY_PRODUCT, "margins_by_product"}};
    struct export_table t[5];
    const struct export_table *tp[5];
    struct date first, last;
    struct invs a;
    FILE *f = NULL;
    int rc = -1;

    memset(t, 0, sizeof(t));
    memset(&a, 0, sizeof(a));
    if (invoice_period_parse(period, &first, &last, err) < 0)
        return -1;
    if (sc->kind == SCOPE_CUSTOMER)
        return err_set(err, ERR_FORBIDDEN, "", "customers have no period exports");
    if (fmt == PERIOD_XLSX && !path)
        return err_set(err, ERR_INVALID, "out", "an XLSX export needs --out FILE");
    if (load_invoices(db, sc, period, &a, err) < 0)
        goto done;
    if (fmt == PERIOD_XLSX || fmt == PERIOD_CSV_INVOICES)
        if (invoices_table(&a, &t[0], err) < 0)
            goto done;
    if (fmt == PERIOD_XLSX || fmt == PERIOD_CSV_LINES)
        if (lines_table(&a, &t[1], err) < 0)
            goto done;
    for (int k = 0; k < 3; k++)
        if ((fmt == PERIOD_XLSX || (int)fmt == PERIOD_CSV_MARGINS_CUSTOMER + k) &&
            margins_table(db, sc, period, margins[k].by, margins[k].name, &t[2 + k], err) < 0)
            goto done;
    if (fmt == PERIOD_XLSX) {
        for (int k = 0; k < 5; k++)
            tp[k] = &t[k];
        rc = export_tables_xlsx(tp, 5, path, err);
        goto done;
    }
    if (path && !(f = fopen(path, "wb"))) {
        err_set(err, ERR_IO, "out", "cannot write %s", path);
        goto done;
    }
    if (fmt == PERIOD_GL)
        rc = export_gl_csv(a.v, a.n, f ? f : out, err);
    else
        rc = export_table_csv(&t[fmt == PERIOD_CSV_INVOICES ? 0 : fmt == PERIOD_CSV_LINES ? 1
                                 : 2 + ((int)fmt - PERIOD_CSV_MARGINS_CUSTOMER)],
                              f ? f : out, err);
    if (f && fclose(f) != 0 && rc == 0)
        rc = err_set(err, ERR_IO, "out", "cannot write %s", path);
done:
    for (int k = 0; k < 5; k++)
        export_table_release(&t[k]);
    invs_release(&a);
    return rc;
}
