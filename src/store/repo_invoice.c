/*
 * store/repo_invoice.c — invoices and their lines, numbering counters, closes, issuer settings
 * and billing profiles in SQL (repo_invoice.h).
 *
 * Tenancy (DESIGN.md): every read of invoices takes the caller's scope and adds the predicate
 * here — a partner sees the invoices it issued and the ones issued to it (a reseller's bills
 * from its distributor); a customer sees its own, never drafts; the installation sees all.
 * Snapshots of the billed party and the issuer are JSON (format 1) in invoices.bill_to/issuer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "store/repo_invoice.h"
#include "store/repo_margin.h"

#define INV_COLS                                                                           \
    "id, number, issuer_partner_id, customer_id, reseller_id, period, currency, status,"   \
    " subtotal, tax, total, issued_at, due_on, created_at, kind, credit_for, series_year,"  \
    " series_value, issued_on, payment_terms_days, tax_rate, tax_label, cost, bill_to,"    \
    " issuer, paid_at, voided_at"

#define LINE_COLS                                                                          \
    "line_no, charge_id, description, sku, start_date, end_date, quantity, unit_price,"    \
    " amount, cost, rated_line_id, charge_type, product_id, effective_unit_price, tax,"    \
    " margin, adjustment"

static void jstr(json_t *o, const char *k, char *buf, size_t cap)
{
    const char *v = json_string_value(json_object_get(o, k));

    snprintf(buf, cap, "%s", v ? v : "");
}

static char *party_json(const struct invoice_party *p)
{
    json_t *o = json_pack("{s:i, s:s, s:s, s:s, s:s, s:s}", "format", 1, "name", p->name,
                          "address", p->address, "country", p->country, "tax_id", p->tax_id,
                          "email", p->email);
    char *s = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;

    json_decref(o);
    return s;
}

static char *issuer_json(const struct invoice_issuer *p)
{
    json_t *o = json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:s}", "format", 1, "name", p->name,
                          "address", p->address, "tax_id", p->tax_id, "colour", p->colour,
                          "logo_path", p->logo_path, "footer", p->footer);
    char *s;

    /* the period anchor, only when not the calendar month (older snapshots have none) */
    if (o && p->period_day > 1)
        json_object_set_new(o, "period_day", json_integer(p->period_day));
    s = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;

    json_decref(o);
    return s;
}

static void party_from(const char *text, struct invoice_party *p)
{
    json_t *o = text ? json_loads(text, 0, NULL) : NULL;

    memset(p, 0, sizeof(*p));
    if (!o)
        return;
    jstr(o, "name", p->name, sizeof(p->name));
    jstr(o, "address", p->address, sizeof(p->address));
    jstr(o, "country", p->country, sizeof(p->country));
    jstr(o, "tax_id", p->tax_id, sizeof(p->tax_id));
    jstr(o, "email", p->email, sizeof(p->email));
    json_decref(o);
}

static void issuer_from(const char *text, struct invoice_issuer *p)
{
    json_t *o = text ? json_loads(text, 0, NULL) : NULL;

    memset(p, 0, sizeof(*p));
    if (!o)
        return;
    jstr(o, "name", p->name, sizeof(p->name));
    jstr(o, "address", p->address, sizeof(p->address));
    jstr(o, "tax_id", p->tax_id, sizeof(p->tax_id));
    jstr(o, "colour", p->colour, sizeof(p->colour));
    jstr(o, "logo_path", p->logo_path, sizeof(p->logo_path));
    jstr(o, "footer", p->footer, sizeof(p->footer));
    if (json_is_integer(json_object_get(o, "period_day")))
        p->period_day = (int)json_integer_value(json_object_get(o, "period_day"));
    json_decref(o);
}

/* One line through `st` (prepared by the caller, reset here for the next line). */
static int insert_line(struct db_stmt *st, const char *inv_id, const struct invoice_line *l,
                       struct err *err)
{
    char q[DEC_STRLEN];
    int rc = -1;

    dec_format(l->quantity, q);
    if (db_bind_text(st, 1, inv_id, err) < 0 || db_bind_int64(st, 2, l->line_no, err) < 0 ||
        repo_bill_bind_opt(st, 3, l->charge_id, err) < 0 ||
        db_bind_text(st, 4, l->description, err) < 0 ||
        repo_bill_bind_opt(st, 5, l->sku, err) < 0 ||
        repo_bill_bind_date(st, 6, l->start, err) < 0 ||
        repo_bill_bind_date(st, 7, l->end, err) < 0 || db_bind_text(st, 8, q, err) < 0 ||
        repo_bill_bind_dec(st, 9, l->unit_price, err) < 0 ||
        repo_bill_bind_dec(st, 10, l->amount, err) < 0 ||
        repo_bill_bind_dec(st, 11, l->cost, err) < 0 ||
        repo_bill_bind_opt(st, 12, l->rated_line_id, err) < 0 ||
        repo_bill_bind_opt(st, 13, l->charge_type, err) < 0 ||
        repo_bill_bind_opt(st, 14, l->product_id, err) < 0 ||
        repo_bill_bind_dec(st, 15, l->eup, err) < 0 ||
        repo_bill_bind_dec(st, 16, l->tax, err) < 0 ||
        repo_bill_bind_dec(st, 17, l->margin, err) < 0 ||
        db_bind_int64(st, 18, l->adjustment, err) < 0 || db_step(st, err) < 0)
        goto out;
    rc = 0;
out:
    db_reset(st);
    return rc;
}

int repo_invoice_insert(struct db *db, struct stmt_cache *sc, struct invoice *inv,
                        struct err *err)
{
    static const char sql[] = "INSERT INTO invoices (" INV_COLS ", updated_at) VALUES"
                              " (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    static const char sql_line[] = "INSERT INTO invoice_lines (invoice_id, " LINE_COLS
                                   ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    struct db_stmt *st = NULL, *lst = NULL;
    char *bill = NULL, *iss = NULL;
    bool fin = inv->status != INV_DRAFT;
    int rc = -1;

    if (!inv->id[0] && id_new("inv", inv->id, err) < 0)
        return -1;
    bill = party_json(&inv->bill_to);
    iss = issuer_json(&inv->issuer);
    if (!bill || !iss) {
        err_set(err, ERR_NOMEM, "", "out of memory for an invoice snapshot");
        goto out;
    }
    if (stmt_get(db, sc, sql, &st, err) < 0)
        goto out;
    if (db_bind_text(st, 1, inv->id, err) < 0 || repo_bill_bind_opt(st, 2, inv->number, err) < 0 ||
        db_bind_text(st, 3, inv->issuer_id, err) < 0 ||
        repo_bill_bind_opt(st, 4, inv->customer_id, err) < 0 ||
        repo_bill_bind_opt(st, 5, inv->reseller_id, err) < 0 ||
        db_bind_text(st, 6, inv->period, err) < 0 || db_bind_text(st, 7, inv->currency, err) < 0 ||
        db_bind_text(st, 8, invoice_status_name(inv->status), err) < 0 ||
        repo_bill_bind_dec(st, 9, inv->subtotal, err) < 0 ||
        repo_bill_bind_dec(st, 10, inv->tax, err) < 0 ||
        repo_bill_bind_dec(st, 11, inv->total, err) < 0 ||
        (fin ? db_bind_int64(st, 12, inv->finalized_at, err) : db_bind_null(st, 12, err)) < 0 ||
        (fin ? repo_bill_bind_date(st, 13, inv->due_on, err) : db_bind_null(st, 13, err)) < 0 ||
        db_bind_int64(st, 14, inv->created_at, err) < 0 ||
        db_bind_text(st, 15, invoice_kind_name(inv->kind), err) < 0 ||
        repo_bill_bind_opt(st, 16, inv->credit_for, err) < 0 ||
        (fin ? db_bind_int64(st, 17, inv->series_year, err) : db_bind_null(st, 17, err)) < 0 ||
        (fin ? db_bind_int64(st, 18, inv->series_value, err) : db_bind_null(st, 18, err)) < 0 ||
        (fin ? repo_bill_bind_date(st, 19, inv->issued_on, err) : db_bind_null(st, 19, err)) <
            0 ||
        db_bind_int64(st, 20, inv->payment_terms_days, err) < 0 ||
        repo_bill_bind_dec(st, 21, inv->tax_rate, err) < 0 ||
        db_bind_text(st, 22, inv->tax_label, err) < 0 ||
        repo_bill_bind_dec(st, 23, inv->cost, err) < 0 || db_bind_text(st, 24, bill, err) < 0 ||
        db_bind_text(st, 25, iss, err) < 0 || db_bind_null(st, 26, err) < 0 ||
        db_bind_null(st, 27, err) < 0 || db_bind_int64(st, 28, inv->created_at, err) < 0 ||
        db_step(st, err) < 0)
        goto out;
    if (inv->nlines && stmt_get(db, sc, sql_line, &lst, err) < 0)
        goto out;
    for (size_t i = 0; i < inv->nlines; i++)
        if (insert_line(lst, inv->id, &inv->lines[i], err) < 0)
            goto out;
    rc = 0;
out:
    stmt_put(sc, lst);
    stmt_put(sc, st);
    free(bill);
    free(iss);
    return rc;
}

static int read_invoice(struct db_stmt *st, struct invoice *inv, struct err *err)
{
    char buf[32];

    invoice_init(inv);
    repo_bill_col_str(st, 0, inv->id, sizeof(inv->id));
    repo_bill_col_str(st, 1, inv->number, sizeof(inv->number));
    repo_bill_col_str(st, 2, inv->issuer_id, sizeof(inv->issuer_id));
    repo_bill_col_str(st, 3, inv->customer_id, sizeof(inv->customer_id));
    repo_bill_col_str(st, 4, inv->reseller_id, sizeof(inv->reseller_id));
    repo_bill_col_str(st, 5, inv->period, sizeof(inv->period));
    repo_bill_col_str(st, 6, inv->currency, sizeof(inv->currency));
    repo_bill_col_str(st, 7, buf, sizeof(buf));
    if (invoice_status_from_name(buf, &inv->status) < 0)
        return err_set(err, ERR_PARSE, "status", "unknown invoice status '%s'", buf);
    if (repo_bill_col_dec(st, 8, &inv->subtotal, err) < 0 ||
        repo_bill_col_dec(st, 9, &inv->tax, err) < 0 ||
        repo_bill_col_dec(st, 10, &inv->total, err) < 0)
        return -1;
    inv->finalized_at = db_column_int64(st, 11);
    if (repo_bill_col_date(st, 12, &inv->due_on, err) < 0)
        return -1;
    inv->created_at = db_column_int64(st, 13);
    repo_bill_col_str(st, 14, buf, sizeof(buf));
    if (invoice_kind_from_name(buf, &inv->kind) < 0)
        return err_set(err, ERR_PARSE, "kind", "unknown invoice kind '%s'", buf);
    repo_bill_col_str(st, 15, inv->credit_for, sizeof(inv->credit_for));
    inv->series_year = (int)db_column_int64(st, 16);
    inv->series_value = db_column_int64(st, 17);
    if (repo_bill_col_date(st, 18, &inv->issued_on, err) < 0)
        return -1;
    inv->payment_terms_days = (int)db_column_int64(st, 19);
    if (repo_bill_col_dec(st, 20, &inv->tax_rate, err) < 0)
        return -1;
    repo_bill_col_str(st, 21, inv->tax_label, sizeof(inv->tax_label));
    if (repo_bill_col_dec(st, 22, &inv->cost, err) < 0)
        return -1;
    party_from(db_column_text(st, 23), &inv->bill_to);
    issuer_from(db_column_text(st, 24), &inv->issuer);
    inv->paid_at = db_column_int64(st, 25);
    inv->voided_at = db_column_int64(st, 26);
    return 0;
}

static int load_lines(struct db *db, struct invoice *inv, struct err *err)
{
    struct db_stmt *st = NULL;
    int rc = -1, step;

    /* the subscription is the rated line's (invoice_lines has no column of its own) */
    if (db_prepare(db, "SELECT " LINE_COLS ", (SELECT r.subscription_id FROM rated_lines r"
                       " WHERE r.id = invoice_lines.rated_line_id) FROM invoice_lines"
                       " WHERE invoice_id = ? ORDER BY line_no", &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, inv->id, err) < 0)
        goto out;
    while ((step = db_step(st, err)) == DB_ROW) {
        struct invoice_line l;
        const char *q;

        memset(&l, 0, sizeof(l));
        repo_bill_col_str(st, 1, l.charge_id, sizeof(l.charge_id));
        repo_bill_col_str(st, 2, l.description, sizeof(l.description));
        repo_bill_col_str(st, 3, l.sku, sizeof(l.sku));
        if (repo_bill_col_date(st, 4, &l.start, err) < 0 ||
            repo_bill_col_date(st, 5, &l.end, err) < 0)
            goto out;
        q = db_column_text(st, 6);
        if (q && dec_parse_cstr(q, &l.quantity, err) < 0)
            goto out;
        if (repo_bill_col_dec(st, 7, &l.unit_price, err) < 0 ||
            repo_bill_col_dec(st, 8, &l.amount, err) < 0 ||
            repo_bill_col_dec(st, 9, &l.cost, err) < 0)
            goto out;
        repo_bill_col_str(st, 10, l.rated_line_id, sizeof(l.rated_line_id));
        repo_bill_col_str(st, 11, l.charge_type, sizeof(l.charge_type));
        repo_bill_col_str(st, 12, l.product_id, sizeof(l.product_id));
        if (repo_bill_col_dec(st, 13, &l.eup, err) < 0 ||
            repo_bill_col_dec(st, 14, &l.tax, err) < 0 ||
            repo_bill_col_dec(st, 15, &l.margin, err) < 0)
            goto out;
        l.adjustment = db_column_int64(st, 16) != 0;
        repo_bill_col_str(st, 17, l.subscription_id, sizeof(l.subscription_id));
        if (invoice_add_line(inv, &l, err) < 0)
            goto out;
    }
    if (step < 0)
        goto out;
    rc = 0;
out:
    db_finalize(st);
    return rc;
}

/* The scope predicate on invoices (alias i) and its parameter count. */
static const char *scope_pred(const struct scope *sc, int *nparams)
{
    switch (sc ? sc->kind : SCOPE_INSTALLATION) {
    case SCOPE_PARTNER:
        *nparams = 2;
        return " AND (i.issuer_partner_id = ? OR i.reseller_id = ?)";
    case SCOPE_CUSTOMER:
        *nparams = 1;
        return " AND i.customer_id = ? AND i.status <> 'draft'";
    case SCOPE_INSTALLATION:
        break;
    }
    *nparams = 0;
    return "";
}

static int bind_scope(struct db_stmt *st, int idx, const struct scope *sc, int n,
                      struct err *err)
{
    for (int i = 0; i < n; i++)
        if (db_bind_text(st, idx + i,
                         sc->kind == SCOPE_CUSTOMER ? sc->customer_id : sc->partner_id, err) < 0)
            return -1;
    return 0;
}

int repo_invoice_get(struct db *db, const struct scope *sc, const char *id_or_number,
                     struct invoice *inv, struct err *err)
{
    char sql[1024];
    struct db_stmt *st = NULL;
    int rc = -1, step, np;
    const char *pred = scope_pred(sc, &np);

    invoice_init(inv);
    /* Numbers are per issuer: a number alone may name invoices of several issuers in the
     * scope (a reseller sees its own INV-2026-000001 and its distributor's). An id wins;
     * a number must name one invoice. */
    snprintf(sql, sizeof(sql), "SELECT " INV_COLS " FROM invoices i WHERE (i.id = ? OR"
             " i.number = ?)%s ORDER BY i.id = ? DESC LIMIT 2", pred);
    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, id_or_number, err) < 0 ||
        db_bind_text(st, 2, id_or_number, err) < 0 || bind_scope(st, 3, sc, np, err) < 0 ||
        db_bind_text(st, 3 + np, id_or_number, err) < 0 || (step = db_step(st, err)) < 0)
        goto out;
    if (step == DB_DONE) {
        err_set(err, ERR_NOT_FOUND, "id", "no invoice %s", id_or_number);
        goto out;
    }
    if (read_invoice(st, inv, err) < 0)
        goto out;
    if (strcmp(inv->id, id_or_number) != 0 && (step = db_step(st, err)) != DB_DONE) {
        if (step == DB_ROW)
            err_set_(err, __func__, __LINE__, ERR_CONFLICT, "invoice_number_ambiguous", "id",
                     "invoice number %s was issued by more than one issuer; name the invoice"
                     " by its id (inv_...)", id_or_number);
        goto out;
    }
    db_finalize(st);
    st = NULL;
    if (load_lines(db, inv, err) < 0)
        goto out;
    rc = 0;
out:
    db_finalize(st);
    if (rc < 0)
        invoice_release(inv);
    return rc;
}

static int exec_bind(struct db *db, const char *sql, const char *const *args, int n,
                     struct err *err)
{
    struct db_stmt *st = NULL;
    int rc = -1;

    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    for (int i = 0; i < n; i++)
        if (repo_bill_bind_opt(st, i + 1, args[i], err) < 0)
            goto out;
    if (db_step(st, err) < 0)
        goto out;
    rc = 0;
out:
    db_finalize(st);
    return rc;
}

int repo_invoice_set_status(struct db *db, const char *id, enum invoice_status to, instant_t at,
                            struct err *err)
{
    static const char sql[] =
        "UPDATE invoices SET status = ?, paid_at = CASE WHEN ? = 'paid' THEN ? ELSE paid_at"
        " END, voided_at = CASE WHEN ? = 'void' THEN ? ELSE voided_at END, updated_at = ?"
        " WHERE id = ?";
    struct db_stmt *st = NULL;
    const char *name = invoice_status_name(to);
    int rc = -1;

    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, name, err) < 0 || db_bind_text(st, 2, name, err) < 0 ||
        db_bind_int64(st, 3, at, err) < 0 || db_bind_text(st, 4, name, err) < 0 ||
        db_bind_int64(st, 5, at, err) < 0 || db_bind_int64(st, 6, at, err) < 0 ||
        db_bind_text(st, 7, id, err) < 0 || db_step(st, err) < 0)
        goto out;
    if (db_changes(db) == 0) {
        err_set(err, ERR_NOT_FOUND, "id", "no invoice %s", id);
        goto out;
    }
    rc = 0;
out:
    db_finalize(st);
    return rc;
}

int repo_invoice_delete_drafts(struct db *db, const char *issuer_id, const char *period,
                               struct err *err)
{
    const char *args[] = {issuer_id, issuer_id, period};

    /* a draft's lines are its issuer's sales: seller_id lets rated_lines_by_seller find them
     * (without it SQLite scans every rated line of the installation) */
    return exec_bind(db,
                     "UPDATE rated_lines SET invoice_id = NULL WHERE seller_id = ? AND"
                     " invoice_id IN (SELECT id FROM invoices WHERE issuer_partner_id = ? AND"
                     " status = 'draft' AND period <= ?)", args, 3, err) < 0 ||
                   exec_bind(db,
                             "DELETE FROM invoice_lines WHERE invoice_id IN (SELECT id FROM"
                             " invoices WHERE issuer_partner_id = ? AND status = 'draft' AND"
                             " period <= ?)", args + 1, 2, err) < 0 ||
                   exec_bind(db,
                             "DELETE FROM invoices WHERE issuer_partner_id = ? AND"
                             " status = 'draft' AND period <= ?", args + 1, 2, err) < 0
               ? -1
               : 0;
}

static const char number_get_sql[] = "SELECT last_value FROM invoice_sequences WHERE"
                                     " issuer_partner_id = ? AND series = ? AND year = ?";

int repo_invoice_next_number(struct db *db, const char *issuer_id, const char *series, int year,
                             int64_t *value, struct err *err)
{
    static const char up[] =
        "INSERT INTO invoice_sequences (issuer_partner_id, series, year, last_value)"
        " VALUES (?, ?, ?, 1) ON CONFLICT (issuer_partner_id, series, year)"
        " DO UPDATE SET last_value = invoice_sequences.last_value + 1";
    const char *get = number_get_sql;
    struct db_stmt *st = NULL;
    int rc = -1, step;

    if (!db_in_transaction(db))
        return err_set(err, ERR_INTERNAL, "", "invoice numbers are allocated in a transaction");
    for (int pass = 0; pass < 2; pass++) {
        if (db_prepare(db, pass ? get : up, &st, err) < 0)
            return -1;
        if (db_bind_text(st, 1, issuer_id, err) < 0 || db_bind_text(st, 2, series, err) < 0 ||
            db_bind_int64(st, 3, year, err) < 0 || (step = db_step(st, err)) < 0)
            goto out;
        if (pass) {
            if (step != DB_ROW) {
                err_set(err, ERR_INTERNAL, "", "invoice counter vanished");
                goto out;
            }
            *value = db_column_int64(st, 0);
        }
        db_finalize(st);
        st = NULL;
    }
    rc = 0;
out:
    db_finalize(st);
    return rc;
}

int repo_invoice_number_peek(struct db *db, const char *issuer_id, const char *series, int year,
                             int64_t *last, struct err *err)
{
    struct db_stmt *st = NULL;
    int rc = -1, step;

    *last = 0;
    if (!db_in_transaction(db))
        return err_set(err, ERR_INTERNAL, "", "invoice numbers are allocated in a transaction");
    if (db_prepare(db, number_get_sql, &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, issuer_id, err) < 0 || db_bind_text(st, 2, series, err) < 0 ||
        db_bind_int64(st, 3, year, err) < 0 || (step = db_step(st, err)) < 0)
        goto out;
    if (step == DB_ROW)
        *last = db_column_int64(st, 0);
    rc = 0;
out:
    db_finalize(st);
    return rc;
}

int repo_invoice_number_advance(struct db *db, const char *issuer_id, const char *series,
                                int year, int64_t last, struct err *err)
{
    static const char sql[] =
        "INSERT INTO invoice_sequences (issuer_partner_id, series, year, last_value)"
        " VALUES (?, ?, ?, ?) ON CONFLICT (issuer_partner_id, series, year)"
        " DO UPDATE SET last_value = excluded.last_value"
        " WHERE excluded.last_value > invoice_sequences.last_value";
    struct db_stmt *st = NULL;
    int rc = -1;

    if (!db_in_transaction(db))
        return err_set(err, ERR_INTERNAL, "", "invoice numbers are allocated in a transaction");
    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, issuer_id, err) < 0 || db_bind_text(st, 2, series, err) < 0 ||
        db_bind_int64(st, 3, year, err) < 0 || db_bind_int64(st, 4, last, err) < 0 ||
        db_step(st, err) < 0)
        goto out;
    rc = 0;
out:
    db_finalize(st);
    return rc;
}

int repo_invoice_credited(struct db *db, const char *invoice_id, bool *yes, struct err *err)
{
    struct db_stmt *st = NULL;
    int step;

    if (db_prepare(db, "SELECT 1 FROM invoices WHERE credit_for = ? LIMIT 1", &st, err) < 0)
        return -1;
    step = db_bind_text(st, 1, invoice_id, err) < 0 ? -1 : db_step(st, err);
    db_finalize(st);
    if (step < 0)
        return -1;
    *yes = step == DB_ROW;
    return 0;
}

int repo_invoice_each(struct db *db, const struct scope *sc, const struct invoice_filter *f,
                      int (*fn)(void *ctx, const struct invoice *inv), void *ctx,
                      struct err *err)
{
    char sql[2048];
    const char *vals[7];
    struct db_stmt *st = NULL;
    int np, nv = 0, rc = -1, step;
    const char *pred = scope_pred(sc, &np);
    size_t len;

    len = (size_t)snprintf(sql, sizeof(sql), "SELECT " INV_COLS " FROM invoices i WHERE 1 = 1%s",
                           pred);
#define ADD_FILTER(val, text)                                                              \
    if (val) {                                                                             \
        len += (size_t)snprintf(sql + len, sizeof(sql) - len, "%s", text);                 \
        vals[nv++] = val;                                                                  \
    }
    ADD_FILTER(f ? f->period : NULL, " AND i.period = ?")
    ADD_FILTER(f ? f->status : NULL, " AND i.status = ?")
    ADD_FILTER(f ? f->issuer_id : NULL, " AND i.issuer_partner_id = ?")
    ADD_FILTER(f ? f->from_period : NULL, " AND i.period >= ?")
    ADD_FILTER(f ? f->to_period : NULL, " AND i.period <= ?")
    ADD_FILTER(f ? f->customer_id : NULL, " AND (i.customer_id = ? OR i.reseller_id = ?)")
    if (f && f->customer_id)
        vals[nv++] = f->customer_id;
#undef ADD_FILTER
    snprintf(sql + len, sizeof(sql) - len,
             " ORDER BY i.period DESC, i.issuer_partner_id, i.kind DESC, i.number, i.id");
    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (bind_scope(st, 1, sc, np, err) < 0)
        goto out;
    for (int i = 0; i < nv; i++)
        if (db_bind_text(st, np + 1 + i, vals[i], err) < 0)
            goto out;
    while ((step = db_step(st, err)) == DB_ROW) {
        struct invoice inv;

        if (read_invoice(st, &inv, err) < 0 || fn(ctx, &inv) < 0)
            goto out;
    }
    if (step < 0)
        goto out;
    rc = 0;
out:
    db_finalize(st);
    return rc;
}

int repo_invoice_bulk(struct db *db, bool on, struct err *err)
{
    char sql[160];

    if (strcmp(db_backend(db), "sqlite") != 0)
        return 0;
    /* Negative: KiB. -2000 is SQLite's default. */
    if (on)
        snprintf(sql, sizeof(sql), "PRAGMA cache_size = -%d; PRAGMA wal_autocheckpoint = %d",
                 INVOICE_BULK_CACHE_KIB, INVOICE_BULK_CHECKPOINT_PAGES);
    else
        snprintf(sql, sizeof(sql), "PRAGMA wal_checkpoint(PASSIVE); PRAGMA wal_autocheckpoint"
                 " = 1000; PRAGMA cache_size = -2000");
    return db_exec(db, sql, err);
}

int repo_invoice_is_closed(struct db *db, const char *issuer_id, const char *period,
                           bool *closed, struct err *err)
{
    struct db_stmt *st = NULL;
    int step;

    if (db_prepare(db, "SELECT 1 FROM billing_closes WHERE issuer_partner_id = ? AND"
                       " period = ?", &st, err) < 0)
        return -1;
    step = (db_bind_text(st, 1, issuer_id, err) < 0 || db_bind_text(st, 2, period, err) < 0)
               ? -1
               : db_step(st, err);
    db_finalize(st);
    if (step < 0)
        return -1;
    *closed = step == DB_ROW;
    return 0;
}

int repo_invoice_mark_closed(struct db *db, const char *issuer_id, const char *period,
                             instant_t now, int invoices, struct err *err)
{
    struct db_stmt *st = NULL;
    int rc = -1;

    if (db_prepare(db, "INSERT INTO billing_closes (issuer_partner_id, period, closed_at,"
                       " invoices) VALUES (?, ?, ?, ?)", &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, issuer_id, err) < 0 || db_bind_text(st, 2, period, err) < 0 ||
        db_bind_int64(st, 3, now, err) < 0 || db_bind_int64(st, 4, invoices, err) < 0 ||
        db_step(st, err) < 0)
        goto out;
    rc = 0;
out:
    db_finalize(st);
    return rc;
}

int repo_invoice_issuers(struct db *db, const struct scope *sc, char (*ids)[ID_MAXLEN],
                         size_t max, size_t *n, struct err *err)
{
    struct scope all;
    struct scope_pred pred;
    struct db_stmt *st = NULL;
    char sql[640];
    int step;

    *n = 0;
    if (!sc) {
        scope_init_installation(&all);
        sc = &all;
    }
    if (scope_pred_partners(sc, "p", &pred, err) < 0)
        return -1;
    snprintf(sql, sizeof(sql), "SELECT p.id FROM partners p WHERE %s ORDER BY CASE p.kind"
             " WHEN 'reseller' THEN 1 ELSE 0 END, p.id", pred.sql);
    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (scope_pred_bind(st, 1, &pred, NULL, err) < 0) {
        db_finalize(st);
        return -1;
    }
    while ((step = db_step(st, err)) == DB_ROW) {
        if (*n == max) {
            db_finalize(st);
            return err_set(err, ERR_TOO_BIG, "", "more than %zu issuers", max);
        }
        repo_bill_col_str(st, 0, ids[(*n)++], ID_MAXLEN);
    }
    db_finalize(st);
    return step < 0 ? -1 : 0;
}

int repo_invoice_issuer_settings(struct db *db, const char *partner_id,
                                 struct issuer_settings *s, struct err *err)
{
    static const char sql[] =
        "SELECT p.name, p.currency, b.display_name, b.colour, b.logo_path, b.address,"
        " b.tax_id, b.footer, b.payment_terms_days, b.tax_rounding, b.close_day, b.period_day"
        " FROM partners p"
        " LEFT JOIN billing_settings b ON b.partner_id = p.id WHERE p.id = ?";
    struct db_stmt *st = NULL;
    char mode[16];
    int rc = -1, step;

    memset(s, 0, sizeof(*s));
    s->payment_terms_days = 30;
    s->tax_mode = DEC_ROUND_HALF_UP;
    s->close_day = 1;
    s->period_day = s->issuer.period_day = 1;
    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, partner_id, err) < 0 || (step = db_step(st, err)) < 0)
        goto out;
    if (step == DB_DONE) {
        err_set(err, ERR_NOT_FOUND, "partner_id", "no partner %s", partner_id);
        goto out;
    }
    repo_bill_col_str(st, 0, s->issuer.name, sizeof(s->issuer.name));
    repo_bill_col_str(st, 1, s->currency, sizeof(s->currency));
    if (!db_column_is_null(st, 2))
        repo_bill_col_str(st, 2, s->issuer.name, sizeof(s->issuer.name));
    repo_bill_col_str(st, 3, s->issuer.colour, sizeof(s->issuer.colour));
    repo_bill_col_str(st, 4, s->issuer.logo_path, sizeof(s->issuer.logo_path));
    repo_bill_col_str(st, 5, s->issuer.address, sizeof(s->issuer.address));
    repo_bill_col_str(st, 6, s->issuer.tax_id, sizeof(s->issuer.tax_id));
    repo_bill_col_str(st, 7, s->issuer.footer, sizeof(s->issuer.footer));
    if (!db_column_is_null(st, 8))
        s->payment_terms_days = (int)db_column_int64(st, 8);
    if (!db_column_is_null(st, 10))
        s->close_day = (int)db_column_int64(st, 10);
    if (!db_column_is_null(st, 11))
        s->period_day = s->issuer.period_day = (int)db_column_int64(st, 11);
    repo_bill_col_str(st, 9, mode, sizeof(mode));
    if (mode[0] && invoice_tax_mode_from_name(mode, &s->tax_mode) < 0) {
        err_set(err, ERR_INVALID, "tax_rounding", "unknown tax rounding '%s'", mode);
        goto out;
    }
    rc = 0;
out:
    db_finalize(st);
    return rc;
}

int repo_invoice_bill_to(struct db *db, struct stmt_cache *sc, const char *party_id,
                         bool is_reseller, struct bill_to_info *b, struct err *err)
{
    static const char sql_c[] =
        "SELECT c.name, c.country, c.billing_currency, f.legal_name, f.address, f.country,"
        " f.tax_id, f.email, f.tax_rate, f.tax_label, f.payment_terms_days FROM customers c"
        " LEFT JOIN billing_profiles f ON f.party_id = c.id WHERE c.id = ?";
    static const char sql_r[] =
        "SELECT c.name, c.country, c.currency, f.legal_name, f.address, f.country,"
        " f.tax_id, f.email, f.tax_rate, f.tax_label, f.payment_terms_days FROM partners c"
        " LEFT JOIN billing_profiles f ON f.party_id = c.id WHERE c.id = ?";
    struct db_stmt *st = NULL;
    int rc = -1, step;

    memset(b, 0, sizeof(*b));
    if (stmt_get(db, sc, is_reseller ? sql_r : sql_c, &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, party_id, err) < 0 || (step = db_step(st, err)) < 0)
        goto out;
    if (step == DB_DONE) {
        err_set(err, ERR_NOT_FOUND, "party_id", "no billed party %s", party_id);
        goto out;
    }
    repo_bill_col_str(st, 0, b->party.name, sizeof(b->party.name));
    repo_bill_col_str(st, 1, b->party.country, sizeof(b->party.country));
    repo_bill_col_str(st, 2, b->currency, sizeof(b->currency));
    if (!db_column_is_null(st, 3))
        repo_bill_col_str(st, 3, b->party.name, sizeof(b->party.name));
    repo_bill_col_str(st, 4, b->party.address, sizeof(b->party.address));
    if (!db_column_is_null(st, 5))
        repo_bill_col_str(st, 5, b->party.country, sizeof(b->party.country));
    repo_bill_col_str(st, 6, b->party.tax_id, sizeof(b->party.tax_id));
    repo_bill_col_str(st, 7, b->party.email, sizeof(b->party.email));
    b->has_tax_rate = !db_column_is_null(st, 8);
    if (repo_bill_col_dec(st, 8, &b->tax_rate, err) < 0)
        goto out;
    repo_bill_col_str(st, 9, b->tax_label, sizeof(b->tax_label));
    b->payment_terms_days = (int)db_column_int64(st, 10);
    rc = 0;
out:
    stmt_put(sc, st);
    return rc;
}

int repo_invoice_tax_rate(struct db *db, struct stmt_cache *sc, const char *seller_id,
                          const char *country, bool *found, struct dec *rate, char label[32],
                          struct err *err)
{
    static const char sql[] = "SELECT rate, label FROM tax_rates WHERE seller_id = ? AND"
                              " country = ?";
    struct db_stmt *st = NULL;
    int rc = -1, step;

    *found = false;
    if (stmt_get(db, sc, sql, &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, seller_id, err) < 0 || db_bind_text(st, 2, country, err) < 0 ||
        (step = db_step(st, err)) < 0)
        goto out;
    if (step == DB_ROW) {
        if (repo_bill_col_dec(st, 0, rate, err) < 0)
            goto out;
        repo_bill_col_str(st, 1, label, 32);
        *found = true;
    }
    rc = 0;
out:
    stmt_put(sc, st);
    return rc;
}

int repo_invoice_put_settings(struct db *db, const char *partner_id, const char *display_name,
                              const char *colour, const char *logo_path, const char *address,
                              const char *tax_id, const char *footer, int payment_terms_days,
                              const char *tax_rounding, instant_t now, struct err *err)
{
    static const char sql[] =
        "INSERT INTO billing_settings (partner_id, display_name, colour, logo_path, address,"
        " tax_id, footer, payment_terms_days, tax_rounding, updated_at) VALUES"
        " (?,?,?,?,?,?,?,?,?,?) ON CONFLICT (partner_id) DO UPDATE SET"
        " display_name = excluded.display_name, colour = excluded.colour,"
        " logo_path = excluded.logo_path, address = excluded.address,"
        " tax_id = excluded.tax_id, footer = excluded.footer,"
        " payment_terms_days = excluded.payment_terms_days,"
        " tax_rounding = excluded.tax_rounding, updated_at = excluded.updated_at";
    struct db_stmt *st = NULL;
    int rc = -1;

    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, partner_id, err) < 0 ||
        repo_bill_bind_opt(st, 2, display_name, err) < 0 ||
        repo_bill_bind_opt(st, 3, colour, err) < 0 ||
        repo_bill_bind_opt(st, 4, logo_path, err) < 0 ||
        repo_bill_bind_opt(st, 5, address, err) < 0 ||
        repo_bill_bind_opt(st, 6, tax_id, err) < 0 ||
        repo_bill_bind_opt(st, 7, footer, err) < 0 ||
        db_bind_int64(st, 8, payment_terms_days > 0 ? payment_terms_days : 30, err) < 0 ||
        db_bind_text(st, 9, tax_rounding ? tax_rounding : "half_up", err) < 0 ||
        db_bind_int64(st, 10, now, err) < 0 || db_step(st, err) < 0)
        goto out;
    rc = 0;
out:
    db_finalize(st);
    return rc;
}

int repo_invoice_put_profile(struct db *db, const char *party_id, const char *legal_name,
                             const char *address, const char *country, const char *tax_id,
                             const char *email, const char *tax_rate, const char *tax_label,
                             int payment_terms_days, instant_t now, struct err *err)
{
    static const char sql[] =
        "INSERT INTO billing_profiles (party_id, legal_name, address, country, tax_id, email,"
        " tax_rate, tax_label, payment_terms_days, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)"
        " ON CONFLICT (party_id) DO UPDATE SET legal_name = excluded.legal_name,"
        " address = excluded.address, country = excluded.country, tax_id = excluded.tax_id,"
        " email = excluded.email, tax_rate = excluded.tax_rate,"
        " tax_label = excluded.tax_label, payment_terms_days = excluded.payment_terms_days,"
        " updated_at = excluded.updated_at";
    struct db_stmt *st = NULL;
    int rc = -1;

    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, party_id, err) < 0 ||
        repo_bill_bind_opt(st, 2, legal_name, err) < 0 ||
        repo_bill_bind_opt(st, 3, address, err) < 0 ||
        repo_bill_bind_opt(st, 4, country, err) < 0 ||
        repo_bill_bind_opt(st, 5, tax_id, err) < 0 || repo_bill_bind_opt(st, 6, email, err) < 0 ||
        repo_bill_bind_opt(st, 7, tax_rate, err) < 0 ||
        repo_bill_bind_opt(st, 8, tax_label, err) < 0 ||
        (payment_terms_days > 0 ? db_bind_int64(st, 9, payment_terms_days, err)
                                : db_bind_null(st, 9, err)) < 0 ||
        db_bind_int64(st, 10, now, err) < 0 || db_step(st, err) < 0)
        goto out;
    rc = 0;
out:
    db_finalize(st);
    return rc;
}

int repo_invoice_put_tax_rate(struct db *db, const char *seller_id, const char *country,
                              const char *rate, const char *label, struct err *err)
{
    const char *args[] = {seller_id, country, rate, label};

    return exec_bind(db,
                     "INSERT INTO tax_rates (seller_id, country, rate, label) VALUES (?,?,?,?)"
                     " ON CONFLICT (seller_id, country) DO UPDATE SET rate = excluded.rate,"
                     " label = excluded.label", args, 4, err);
}
