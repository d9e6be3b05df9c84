/*
 * store/repo_recon.c — SQL of the reconciliation tables and recon's access to `charges`
 * (repo_recon.h). Portable SQL with `?` placeholders; amounts as decimal TEXT.
 *
 * The per-line statements of an import live in struct recon_stmts, prepared once per file:
 * a million-line import is a million bind/step/reset cycles and no prepare.
 */
#include "store/repo_recon.h"

#include <stdio.h>
#include <string.h>

/* --- helpers ----------------------------------------------------------------------------- */

static void col_str(struct db_stmt *st, int col, char *buf, size_t cap)
{
    const char *t = db_column_text(st, col);

    snprintf(buf, cap, "%s", t ? t : "");
}

static int col_dec(struct db_stmt *st, int col, struct dec *d, bool *has, struct err *err)
{
    const char *t = db_column_text(st, col);

    if (has)
        *has = t != NULL;
    if (!t) {
        *d = dec_zero();
        return 0;
    }
    if (dec_parse_cstr(t, d, err))
        return err_set(err, ERR_DB, "", "stored amount '%s' is not a decimal", t);
    return 0;
}

static int col_date(struct db_stmt *st, int col, struct date *d, struct err *err)
{
    const char *t = db_column_text(st, col);

    memset(d, 0, sizeof(*d));
    if (!t || !*t)
        return 0;
    if (date_parse_cstr(t, d, err))
        return err_set(err, ERR_DB, "", "stored date '%s' is not a date", t);
    return 0;
}

/* Bind text, "" as NULL. */
static int bind_opt(struct db_stmt *st, int idx, const char *s, struct err *err)
{
    return db_bind_text(st, idx, s && *s ? s : NULL, err);
}

static int bind_dec(struct db_stmt *st, int idx, struct dec d, struct err *err)
{
    char buf[DEC_STRLEN];

    dec_format(d, buf);
    return db_bind_text(st, idx, buf, err);
}

static int bind_date(struct db_stmt *st, int idx, struct date d, struct err *err)
{
    char buf[DATE_STRLEN];

    date_format(d, buf);
    return db_bind_text(st, idx, buf, err);
}

/* Step a statement that returns no row, then reset it. */
static int step_done(struct db_stmt *st, struct err *err)
{
    int rc = db_step(st, err);

    db_reset(st);
    return rc < 0 ? -1 : 0;
}

/* --- imports ----------------------------------------------------------------------------- */

#define IMPORT_COLS                                                                         \
    "id, kind, source, file_hash, content_hash, invoice_number, invoices, currency, "       \
    "period_start, period_end, line_count, sum_subtotal, sum_tax, sum_total, total_ok, "    \
    "bad_total_lines, matched, amount_differs, only_microsoft, only_cspd, supersedes, "     \
    "actor, created_at"

static int bind_import(struct db_stmt *st, const struct recon_import_row *r, struct err *err)
{
    return db_bind_text(st, 1, r->id, err) || db_bind_text(st, 2, r->kind, err) ||
           bind_opt(st, 3, r->source, err) || db_bind_text(st, 4, r->file_hash, err) ||
           db_bind_text(st, 5, r->content_hash, err) ||
           db_bind_text(st, 6, r->invoice_number, err) ||
           db_bind_int64(st, 7, r->invoices, err) || bind_opt(st, 8, r->currency, err) ||
           bind_opt(st, 9, r->period_start, err) || bind_opt(st, 10, r->period_end, err) ||
           db_bind_int64(st, 11, r->line_count, err) ||
           bind_dec(st, 12, r->sum_subtotal, err) || bind_dec(st, 13, r->sum_tax, err) ||
           bind_dec(st, 14, r->sum_total, err) || db_bind_int64(st, 15, r->total_ok, err) ||
           db_bind_int64(st, 16, r->bad_total_lines, err) ||
           db_bind_int64(st, 17, r->matched, err) ||
           db_bind_int64(st, 18, r->amount_differs, err) ||
           db_bind_int64(st, 19, r->only_microsoft, err) ||
           db_bind_int64(st, 20, r->only_cspd, err) || bind_opt(st, 21, r->supersedes, err) ||
           bind_opt(st, 22, r->actor, err) || db_bind_int64(st, 23, r->created_at, err)
               ? -1 : 0;
}

static int exec_import(struct db *db, const char *sql, const struct recon_import_row *r,
                       struct err *err)
{
    struct db_stmt *st;
    int rc;

    if (db_prepare(db, sql, &st, err))
        return -1;
    rc = bind_import(st, r, err);
    /* The UPDATE has one more parameter: the row's id in WHERE. */
    if (rc == 0 && strncmp(sql, "UPDATE", 6) == 0)
        rc = db_bind_text(st, 24, r->id, err);
    if (rc == 0 && db_step(st, err) < 0)
        rc = -1;
    db_finalize(st);
    return rc;
}

int repo_recon_import_insert(struct db *db, const struct recon_import_row *r, struct err *err)
{
    /* import_no: the next number (the caller's write transaction serialises imports). */
    return exec_import(db, "INSERT INTO recon_imports (" IMPORT_COLS ", import_no) VALUES (?, "
                       "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                       "(SELECT COALESCE(MAX(import_no), 0) + 1 FROM recon_imports))", r, err);
}

int repo_recon_import_update(struct db *db, const struct recon_import_row *r, struct err *err)
{
    return exec_import(db, "UPDATE recon_imports SET id = ?, kind = ?, source = ?, "
                       "file_hash = ?, content_hash = ?, invoice_number = ?, invoices = ?, "
                       "currency = ?, period_start = ?, period_end = ?, line_count = ?, "
                       "sum_subtotal = ?, sum_tax = ?, sum_total = ?, total_ok = ?, "
                       "bad_total_lines = ?, matched = ?, amount_differs = ?, "
                       "only_microsoft = ?, only_cspd = ?, supersedes = ?, actor = ?, "
                       "created_at = ? WHERE id = ?", r, err);
}

static int read_import(struct db_stmt *st, struct recon_import_row *r, struct err *err)
{
    memset(r, 0, sizeof(*r));
    col_str(st, 0, r->id, sizeof(r->id));
    col_str(st, 1, r->kind, sizeof(r->kind));
    col_str(st, 2, r->source, sizeof(r->source));
    col_str(st, 3, r->file_hash, sizeof(r->file_hash));
    col_str(st, 4, r->content_hash, sizeof(r->content_hash));
    col_str(st, 5, r->invoice_number, sizeof(r->invoice_number));
    r->invoices = db_column_int64(st, 6);
    col_str(st, 7, r->currency, sizeof(r->currency));
    col_str(st, 8, r->period_start, sizeof(r->period_start));
    col_str(st, 9, r->period_end, sizeof(r->period_end));
    r->line_count = db_column_int64(st, 10);
    if (col_dec(st, 11, &r->sum_subtotal, NULL, err) || col_dec(st, 12, &r->sum_tax, NULL, err)
        || col_dec(st, 13, &r->sum_total, NULL, err))
        return -1;
    r->total_ok = db_column_int64(st, 14) != 0;
    r->bad_total_lines = db_column_int64(st, 15);
    r->matched = db_column_int64(st, 16);
    r->amount_differs = db_column_int64(st, 17);
    r->only_microsoft = db_column_int64(st, 18);
    r->only_cspd = db_column_int64(st, 19);
    col_str(st, 20, r->supersedes, sizeof(r->supersedes));
    col_str(st, 21, r->actor, sizeof(r->actor));
    r->created_at = db_column_int64(st, 22);
    return 0;
}

int repo_recon_import_get(struct db *db, const char *id, struct recon_import_row *out,
                          struct err *err)
{
    struct db_stmt *st;
    int rc;

    if (db_prepare(db, "SELECT " IMPORT_COLS " FROM recon_imports WHERE id = ?", &st, err))
        return -1;
    rc = db_bind_text(st, 1, id, err) ? -1 : db_step(st, err);
    if (rc == DB_ROW)
        rc = read_import(st, out, err) ? -1 : 1;
    db_finalize(st);
    return rc;
}

static int find_id(struct db *db, const char *sql, const char *a, const char *b,
                   char id_out[ID_MAXLEN], struct err *err)
{
    struct db_stmt *st;
    int rc;

    if (db_prepare(db, sql, &st, err))
        return -1;
    rc = db_bind_text(st, 1, a, err) || (b && db_bind_text(st, 2, b, err)) ? -1
                                                                             : db_step(st, err);
    if (rc == DB_ROW)
        col_str(st, 0, id_out, ID_MAXLEN);
    db_finalize(st);
    return rc;
}

int repo_recon_import_by_hash(struct db *db, const char *file_hash, char id_out[ID_MAXLEN],
                              struct err *err)
{
    return find_id(db, "SELECT id FROM recon_imports WHERE file_hash = ?", file_hash, NULL,
                   id_out, err);
}

int repo_recon_import_by_invoice(struct db *db, const char *number, const char *content_hash,
                                 char id_out[ID_MAXLEN], struct err *err)
{
    if (content_hash)
        return find_id(db, "SELECT id FROM recon_imports WHERE invoice_number = ? AND "
                       "content_hash = ? ORDER BY created_at DESC, id LIMIT 1", number,
                       content_hash, id_out, err);
    return find_id(db, "SELECT id FROM recon_imports WHERE invoice_number = ? "
                   "ORDER BY created_at DESC, id LIMIT 1", number, NULL, id_out, err);
}

int repo_recon_import_each(struct db *db, int limit,
                           int (*fn)(void *ctx, const struct recon_import_row *r), void *ctx,
                           struct err *err)
{
    struct recon_import_row r;
    struct db_stmt *st;
    int rc;

    if (db_prepare(db, "SELECT " IMPORT_COLS " FROM recon_imports ORDER BY created_at DESC, "
                   "id LIMIT ?", &st, err))
        return -1;
    rc = db_bind_int64(st, 1, limit > 0 ? limit : 1000, err);
    while (rc == 0 && (rc = db_step(st, err)) == DB_ROW)
        rc = read_import(st, &r, err) ? -1 : fn(ctx, &r);
    db_finalize(st);
    return rc < 0 ? -1 : 0;
}

/* The import number of the import whose public id is parameter 1 (recon_lines are keyed by
 * it: migration 013); a scalar subquery, evaluated once per statement. */
#define LINES_OF "(SELECT import_no FROM recon_imports WHERE id = ?1)"

int repo_recon_import_recount(struct db *db, const char *import_id, struct err *err)
{
    static const char sql[] =
        "UPDATE recon_imports SET "
        "matched = (SELECT COUNT(*) FROM recon_lines WHERE import_no = " LINES_OF
        " AND status = 'matched'), "
        "amount_differs = (SELECT COUNT(*) FROM recon_lines WHERE import_no = " LINES_OF
        " AND status = 'amount_differs'), "
        "only_microsoft = (SELECT COUNT(*) FROM recon_lines WHERE import_no = " LINES_OF
        " AND status = 'only_microsoft'), "
        "only_cspd = (SELECT COUNT(*) FROM recon_lines WHERE import_no = " LINES_OF
        " AND status = 'only_cspd') WHERE id = ?1";
    struct db_stmt *st;
    int rc = 0;

    if (db_prepare(db, sql, &st, err))
        return -1;
    rc = db_bind_text(st, 1, import_id, err);
    if (rc == 0 && db_step(st, err) < 0)
        rc = -1;
    db_finalize(st);
    return rc;
}

/* --- lines ------------------------------------------------------------------------------- */

/*
 * The columns after the import. Stored rows carry the import's number (import_no); rows read
 * back carry its public id, selected as parameter 1 ("?1, " LINE_COLS), which every reading
 * statement binds to the import's id and uses in LINES_OF.
 */
#define LINE_COLS                                                                           \
    "seq, line_no, status, cause, detail, charge_id, subscription_id, "          \
    "ms_subscription, customer_key, customer_name, reseller_key, invoice_number, "          \
    "charge_type, sku, start_date, end_date, quantity, unit_price, effective_unit_price, "  \
    "currency, pricing_currency, exchange_rate, ms_subtotal, ms_tax, ms_total, "            \
    "cspd_subtotal, difference, order_id, reference_id, resolution, note, resolved_by, "    \
    "resolved_at"

static void read_line(struct db_stmt *st, struct recon_line_row *r)
{
    memset(r, 0, sizeof(*r));
    col_str(st, 0, r->import_id, sizeof(r->import_id));
    r->seq = db_column_int64(st, 1);
    r->line_no = db_column_int64(st, 2);
    col_str(st, 3, r->status, sizeof(r->status));
    col_str(st, 4, r->cause, sizeof(r->cause));
    col_str(st, 5, r->detail, sizeof(r->detail));
    col_str(st, 6, r->charge_id, sizeof(r->charge_id));
    col_str(st, 7, r->subscription_id, sizeof(r->subscription_id));
    col_str(st, 8, r->ms_subscription, sizeof(r->ms_subscription));
    col_str(st, 9, r->customer_key, sizeof(r->customer_key));
    col_str(st, 10, r->customer_name, sizeof(r->customer_name));
    col_str(st, 11, r->reseller_key, sizeof(r->reseller_key));
    col_str(st, 12, r->invoice_number, sizeof(r->invoice_number));
    col_str(st, 13, r->charge_type, sizeof(r->charge_type));
    col_str(st, 14, r->sku, sizeof(r->sku));
    col_str(st, 15, r->start_date, sizeof(r->start_date));
    col_str(st, 16, r->end_date, sizeof(r->end_date));
    col_str(st, 17, r->quantity, sizeof(r->quantity));
    col_str(st, 18, r->unit_price, sizeof(r->unit_price));
    col_str(st, 19, r->eup, sizeof(r->eup));
    col_str(st, 20, r->currency, sizeof(r->currency));
    col_str(st, 21, r->pricing_currency, sizeof(r->pricing_currency));
    col_str(st, 22, r->exchange_rate, sizeof(r->exchange_rate));
    col_str(st, 23, r->ms_subtotal, sizeof(r->ms_subtotal));
    col_str(st, 24, r->ms_tax, sizeof(r->ms_tax));
    col_str(st, 25, r->ms_total, sizeof(r->ms_total));
    col_str(st, 26, r->cspd_subtotal, sizeof(r->cspd_subtotal));
    col_str(st, 27, r->difference, sizeof(r->difference));
    col_str(st, 28, r->order_id, sizeof(r->order_id));
    col_str(st, 29, r->reference_id, sizeof(r->reference_id));
    col_str(st, 30, r->resolution, sizeof(r->resolution));
    col_str(st, 31, r->note, sizeof(r->note));
    col_str(st, 32, r->resolved_by, sizeof(r->resolved_by));
    r->resolved_at = db_column_int64(st, 33);
}

int recon_stmts_prepare(struct db *db, struct recon_stmts *s, struct err *err)
{
    memset(s, 0, sizeof(*s));
    if (db_prepare(db, "INSERT INTO recon_lines (import_no, " LINE_COLS ") VALUES (?, ?, ?, "
                   "?, ?, ?, ?, "
                   "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                   "?, ?)", &s->insert_line, err) ||
        db_prepare(db, "SELECT 1 FROM subscriptions WHERE id = ?", &s->sub_exists, err) ||
        db_prepare(db, "SELECT id, subscription_id, charge_type, start_date, end_date, "
                   "quantity, unit_price, effective_unit_price, "
                   "COALESCE(billing_subtotal, subtotal), exchange_rate, sku, currency, "
                   "billing_currency, order_id, reference_id FROM charges WHERE rowid = ?",
                   &s->charge_by_ref, err) ||
        db_prepare(db, "SELECT COALESCE(cu.tenant_id, cu.id), cu.name, "
                   "COALESCE(r.partner_id, '') FROM subscriptions s "
                   "JOIN customers cu ON cu.id = s.customer_id "
                   "LEFT JOIN partners r ON r.id = cu.reseller_id WHERE s.id = ?",
                   &s->sub_customer, err)) {
        recon_stmts_release(s);
        return -1;
    }
    return 0;
}

void recon_stmts_release(struct recon_stmts *s)
{
    if (s->insert_line)
        db_finalize(s->insert_line);
    if (s->sub_exists)
        db_finalize(s->sub_exists);
    if (s->charge_by_ref)
        db_finalize(s->charge_by_ref);
    if (s->sub_customer)
        db_finalize(s->sub_customer);
    memset(s, 0, sizeof(*s));
}

int repo_recon_stmts_import(struct db *db, struct recon_stmts *s, const char *import_id,
                            struct err *err)
{
    struct db_stmt *st;
    int rc;

    if (db_prepare(db, "SELECT import_no FROM recon_imports WHERE id = ?", &st, err))
        return -1;
    rc = db_bind_text(st, 1, import_id, err) ? -1 : db_step(st, err);
    if (rc == DB_ROW && !db_column_is_null(st, 0))
        s->import_no = db_column_int64(st, 0);
    else if (rc >= 0)
        rc = err_set(err, ERR_INTERNAL, "", "recon import %s has no import number", import_id);
    db_finalize(st);
    return rc < 0 ? -1 : 0;
}

int repo_recon_bulk(struct db *db, bool on, struct err *err)
{
    char sql[64];

    if (strcmp(db_backend(db), "sqlite") != 0)
        return 0;
    /* Negative: KiB. -2000 is SQLite's default. */
    snprintf(sql, sizeof(sql), "PRAGMA cache_size = -%d", on ? RECON_BULK_CACHE_KIB : 2000);
    return db_exec(db, sql, err);
}

/* The no-copy binds of the two line inserts (their strings outlive the step: db.h);
 * bind_req_ref for text the table requires (NOT NULL): "" for NULL. */
static int bind_opt_ref(struct db_stmt *st, int idx, const char *s, struct err *err)
{
    return db_bind_text_ref(st, idx, s && *s ? s : NULL, err);
}

static int bind_req_ref(struct db_stmt *st, int idx, const char *s, struct err *err)
{
    return db_bind_text_ref(st, idx, s ? s : "", err);
}


int repo_recon_line_insert(struct recon_stmts *s, const struct recon_line_in *r,
                           struct err *err)
{
    struct db_stmt *st = s->insert_line;

    if (db_bind_int64(st, 1, s->import_no, err) || db_bind_int64(st, 2, r->seq, err) ||
        db_bind_int64(st, 3, r->line_no, err) || db_bind_text_ref(st, 4, r->status, err) ||
        bind_opt_ref(st, 5, r->cause, err) || bind_opt_ref(st, 6, r->detail, err) ||
        bind_opt_ref(st, 7, r->charge_id, err) || bind_opt_ref(st, 8, r->subscription_id, err) ||
        bind_opt_ref(st, 9, r->ms_subscription, err) || bind_req_ref(st, 10, r->customer_key, err) ||
        bind_req_ref(st, 11, r->customer_name, err) || bind_req_ref(st, 12, r->reseller_key, err) ||
        bind_req_ref(st, 13, r->invoice_number, err) || bind_req_ref(st, 14, r->charge_type, err) ||
        bind_req_ref(st, 15, r->sku, err) || bind_req_ref(st, 16, r->start_date, err) ||
        bind_req_ref(st, 17, r->end_date, err) || bind_req_ref(st, 18, r->quantity, err) ||
        bind_req_ref(st, 19, r->unit_price, err) || bind_req_ref(st, 20, r->eup, err) ||
        bind_req_ref(st, 21, r->currency, err) || bind_req_ref(st, 22, r->pricing_currency, err) ||
        bind_opt_ref(st, 23, r->exchange_rate, err) || bind_opt_ref(st, 24, r->ms_subtotal, err) ||
        bind_opt_ref(st, 25, r->ms_tax, err) || bind_opt_ref(st, 26, r->ms_total, err) ||
        bind_opt_ref(st, 27, r->cspd_subtotal, err) || bind_opt_ref(st, 28, r->difference, err) ||
        bind_opt_ref(st, 29, r->order_id, err) || bind_opt_ref(st, 30, r->reference_id, err) ||
        db_bind_null(st, 31, err) || db_bind_null(st, 32, err) ||
        db_bind_null(st, 33, err) || db_bind_null(st, 34, err)) {
        db_reset(st);
        return -1;
    }
    return step_done(st, err);
}

int repo_recon_line_set_match(struct db *db, const struct recon_line_row *r, struct err *err)
{
    struct db_stmt *st;
    int rc;

    if (db_prepare(db, "UPDATE recon_lines SET status = ?2, cause = ?3, detail = ?4, "
                   "charge_id = ?5, subscription_id = ?6, cspd_subtotal = ?7, difference = ?8 "
                   "WHERE import_no = " LINES_OF " AND seq = ?9", &st, err))
        return -1;
    rc = db_bind_text(st, 1, r->import_id, err) || db_bind_text(st, 2, r->status, err) ||
         bind_opt(st, 3, r->cause, err) || bind_opt(st, 4, r->detail, err) ||
         bind_opt(st, 5, r->charge_id, err) || bind_opt(st, 6, r->subscription_id, err) ||
         bind_opt(st, 7, r->cspd_subtotal, err) || bind_opt(st, 8, r->difference, err) ||
         db_bind_int64(st, 9, r->seq, err) || db_step(st, err) < 0 ? -1 : 0;
    db_finalize(st);
    return rc;
}

int repo_recon_map_each(struct db *db,
                        int (*fn)(void *ctx, const char *ms_sub, const char *sub_id),
                        void *ctx, struct err *err)
{
    struct db_stmt *st;
    int rc;

    if (db_prepare(db, "SELECT microsoft_subscription_id, subscription_id FROM "
                   "recon_subscription_map", &st, err))
        return -1;
    while ((rc = db_step(st, err)) == DB_ROW) {
        const char *ms = db_column_text(st, 0), *sub = db_column_text(st, 1);

        if (fn(ctx, ms ? ms : "", sub ? sub : "")) {
            rc = -1;
            break;
        }
    }
    db_finalize(st);
    return rc < 0 ? -1 : 0;
}

int repo_recon_sub_exists(struct recon_stmts *s, const char *id, struct err *err)
{
    struct db_stmt *st = s->sub_exists;
    int rc;

    if (db_bind_text(st, 1, id, err)) {
        db_reset(st);
        return -1;
    }
    rc = db_step(st, err);
    db_reset(st);
    return rc;
}

/*
 * Bound into the line statement (INSERT ... VALUES): an INSERT ... SELECT may write several
 * rows, so SQLite would keep a statement journal for it (a temporary file written for every
 * page each row touches). Columns as stored: NULL stays NULL.
 */
int repo_recon_insert_only_cspd(struct recon_stmts *s, int64_t seq,
                                const struct recon_charge_key *c,
                                const struct recon_sub_customer *cu, const char *detail,
                                const char *invoice, const char *difference, struct err *err)
{
    struct db_stmt *st = s->insert_line;

    if (db_bind_int64(st, 1, s->import_no, err) || db_bind_int64(st, 2, seq, err) ||
        db_bind_int64(st, 3, 0, err) || db_bind_text_ref(st, 4, "only_cspd", err) ||
        db_bind_text_ref(st, 5, "not_billed", err) || bind_opt_ref(st, 6, detail, err) ||
        db_bind_text_ref(st, 7, c->id, err) || db_bind_text_ref(st, 8, c->subscription_id, err) ||
        db_bind_null(st, 9, err) || db_bind_text_ref(st, 10, cu->customer_key, err) ||
        db_bind_text_ref(st, 11, cu->customer_name, err) ||
        db_bind_text_ref(st, 12, cu->reseller_key, err) || bind_opt_ref(st, 13, invoice, err) ||
        db_bind_text_ref(st, 14, c->charge_type, err) || db_bind_text_ref(st, 15, c->sku, err) ||
        db_bind_text_ref(st, 16, c->start_text, err) || db_bind_text_ref(st, 17, c->end_text, err) ||
        db_bind_text_ref(st, 18, c->quantity_text, err) ||
        db_bind_text_ref(st, 19, c->unit_price_text, err) ||
        db_bind_text_ref(st, 20, c->eup_text, err) ||
        db_bind_text_ref(st, 21, c->billing_currency, err) ||
        db_bind_text_ref(st, 22, c->currency, err) || db_bind_text_ref(st, 23, c->fx_text, err) ||
        db_bind_null(st, 24, err) || db_bind_null(st, 25, err) || db_bind_null(st, 26, err) ||
        db_bind_text_ref(st, 27, c->amount_text, err) || bind_opt_ref(st, 28, difference, err) ||
        db_bind_text_ref(st, 29, c->order_id, err) || db_bind_text_ref(st, 30, c->reference_id, err) ||
        db_bind_null(st, 31, err) || db_bind_null(st, 32, err) || db_bind_null(st, 33, err) ||
        db_bind_null(st, 34, err)) {
        db_reset(st);
        return -1;
    }
    return step_done(st, err);
}

static int line_query(struct db *db, const char *sql, const char *import_id, const char *param,
                      int64_t limit, int64_t offset,
                      int (*fn)(void *ctx, const struct recon_line_row *r), void *ctx,
                      struct err *err)
{
    struct recon_line_row r;
    struct db_stmt *st;
    int rc, i = 1;

    if (db_prepare(db, sql, &st, err))
        return -1;
    rc = db_bind_text(st, i++, import_id, err);
    if (rc == 0 && param)
        rc = db_bind_text(st, i++, param, err);
    if (rc == 0)
        rc = db_bind_int64(st, i++, limit > 0 ? limit : -1, err) ||
             db_bind_int64(st, i++, offset, err);
    while (rc == 0 && (rc = db_step(st, err)) == DB_ROW) {
        read_line(st, &r);
        rc = fn(ctx, &r);
    }
    db_finalize(st);
    return rc < 0 ? -1 : 0;
}

int repo_recon_line_each(struct db *db, const char *import_id, const char *status,
                         bool differences, int64_t limit, int64_t offset,
                         int (*fn)(void *ctx, const struct recon_line_row *r), void *ctx,
                         struct err *err)
{
    if (status)
        return line_query(db, "SELECT ?1, " LINE_COLS " FROM recon_lines WHERE import_no = "
                          LINES_OF " AND status = ?2 ORDER BY seq LIMIT ?3 OFFSET ?4",
                          import_id, status, limit,
                          offset, fn, ctx, err);
    if (differences)
        return line_query(db, "SELECT ?1, " LINE_COLS " FROM recon_lines WHERE import_no = "
                          LINES_OF " AND status NOT IN ('matched', 'usage') ORDER BY seq "
                          "LIMIT ?2 OFFSET ?3",
                          import_id, NULL, limit, offset, fn, ctx, err);
    return line_query(db, "SELECT ?1, " LINE_COLS " FROM recon_lines WHERE import_no = "
                      LINES_OF " ORDER BY seq LIMIT ?2 OFFSET ?3", import_id, NULL, limit, offset, fn, ctx,
                      err);
}

int repo_recon_line_each_grouped(struct db *db, const char *import_id, const char *group,
                                 int (*fn)(void *ctx, const struct recon_line_row *r),
                                 void *ctx, struct err *err)
{
    char sql[1024];

    /* `group` is one of three fixed column names, never outside text. */
    if (strcmp(group, "customer_key") != 0 && strcmp(group, "reseller_key") != 0 &&
        strcmp(group, "invoice_number") != 0)
        return err_set(err, ERR_INTERNAL, "", "bad grouping column");
    snprintf(sql, sizeof(sql), "SELECT ?1, " LINE_COLS " FROM recon_lines WHERE import_no = "
             LINES_OF " ORDER BY COALESCE(%s, ''), seq LIMIT ?2 OFFSET ?3", group);
    return line_query(db, sql, import_id, NULL, -1, 0, fn, ctx, err);
}

int repo_recon_line_get(struct db *db, const char *import_id, int64_t seq,
                        struct recon_line_row *out, struct err *err)
{
    struct db_stmt *st;
    int rc;

    if (db_prepare(db, "SELECT ?1, " LINE_COLS " FROM recon_lines WHERE import_no = " LINES_OF
                   " AND seq = ?2", &st, err))
        return -1;
    rc = db_bind_text(st, 1, import_id, err) || db_bind_int64(st, 2, seq, err)
             ? -1 : db_step(st, err);
    if (rc == DB_ROW)
        read_line(st, out);
    db_finalize(st);
    return rc;
}

int repo_recon_line_resolve(struct db *db, const char *import_id, int64_t seq,
                            const char *resolution, const char *note, const char *actor,
                            instant_t at, struct err *err)
{
    struct db_stmt *st;
    int rc;

    if (db_prepare(db, "UPDATE recon_lines SET resolution = ?3, note = ?4, resolved_by = ?5, "
                   "resolved_at = ?6 WHERE import_no = " LINES_OF " AND seq = ?2", &st, err))
        return -1;
    rc = db_bind_text(st, 1, import_id, err) || db_bind_int64(st, 2, seq, err) ||
         db_bind_text(st, 3, resolution, err) || bind_opt(st, 4, note, err) ||
         db_bind_text(st, 5, actor, err) || db_bind_int64(st, 6, at, err) ||
         db_step(st, err) < 0 ? -1 : 0;
    db_finalize(st);
    return rc;
}

/* --- charges ----------------------------------------------------------------------------- */

#define CHARGE_SELECT                                                                       \
    "SELECT c.id, c.subscription_id, c.charge_type, c.sku, c.start_date, c.end_date, "      \
    "c.quantity, c.unit_price, c.effective_unit_price, c.subtotal, c.currency, "            \
    "c.billing_currency, c.exchange_rate, c.billing_subtotal, c.order_id, c.reference_id, " \
    "COALESCE(cu.tenant_id, cu.id), cu.name, cu.domain, cu.country, p.partner_id, "         \
    "r.partner_id, s.name, s.billing "                                                      \
    "FROM charges c JOIN subscriptions s ON s.id = c.subscription_id "                      \
    "JOIN customers cu ON cu.id = s.customer_id "                                           \
    "JOIN partners p ON p.id = s.partner_id "                                               \
    "LEFT JOIN partners r ON r.id = cu.reseller_id "

static int read_charge(struct db_stmt *st, struct recon_charge_row *r, struct err *err)
{
    memset(r, 0, sizeof(*r));
    col_str(st, 0, r->id, sizeof(r->id));
    col_str(st, 1, r->subscription_id, sizeof(r->subscription_id));
    col_str(st, 2, r->charge_type, sizeof(r->charge_type));
    col_str(st, 3, r->sku, sizeof(r->sku));
    if (col_date(st, 4, &r->start, err) || col_date(st, 5, &r->end, err))
        return -1;
    r->quantity = db_column_int64(st, 6);
    if (col_dec(st, 7, &r->unit_price, NULL, err) || col_dec(st, 8, &r->eup, NULL, err) ||
        col_dec(st, 9, &r->subtotal, NULL, err))
        return -1;
    col_str(st, 10, r->currency, sizeof(r->currency));
    col_str(st, 11, r->billing_currency, sizeof(r->billing_currency));
    if (col_dec(st, 12, &r->fx, &r->has_fx, err) ||
        col_dec(st, 13, &r->billing_subtotal, &r->has_billing_subtotal, err))
        return -1;
    col_str(st, 14, r->order_id, sizeof(r->order_id));
    col_str(st, 15, r->reference_id, sizeof(r->reference_id));
    col_str(st, 16, r->customer_id, sizeof(r->customer_id));
    col_str(st, 17, r->customer_name, sizeof(r->customer_name));
    col_str(st, 18, r->customer_domain, sizeof(r->customer_domain));
    col_str(st, 19, r->customer_country, sizeof(r->customer_country));
    col_str(st, 20, r->mpn_id, sizeof(r->mpn_id));
    col_str(st, 21, r->reseller_mpn_id, sizeof(r->reseller_mpn_id));
    col_str(st, 22, r->sub_name, sizeof(r->sub_name));
    col_str(st, 23, r->billing, sizeof(r->billing));
    return 0;
}

int repo_recon_charge_each(struct db *db, struct date from, struct date to,
                           int (*fn)(void *ctx, const struct recon_charge_row *r), void *ctx,
                           struct err *err)
{
    struct recon_charge_row r;
    struct db_stmt *st;
    int rc;

    if (db_prepare(db, CHARGE_SELECT "WHERE c.start_date >= ? AND c.start_date <= ? "
                   "ORDER BY c.subscription_id, c.start_date, c.id", &st, err))
        return -1;
    rc = bind_date(st, 1, from, err) || bind_date(st, 2, to, err) ? -1 : 0;
    while (rc == 0 && (rc = db_step(st, err)) == DB_ROW)
        rc = read_charge(st, &r, err) ? -1 : fn(ctx, &r);
    db_finalize(st);
    return rc < 0 ? -1 : 0;
}

int repo_recon_charge_refs_each(struct db *db, struct date from, struct date to,
                                int (*fn)(void *ctx, const struct recon_charge_ref *c),
                                void *ctx, struct err *err)
{
    struct recon_charge_ref k;
    struct db_stmt *st;
    int rc;

    if (db_prepare(db, "SELECT rowid, subscription_id, charge_type, start_date, end_date, "
                   "quantity, effective_unit_price, COALESCE(billing_subtotal, subtotal) "
                   "FROM charges WHERE start_date >= ? AND start_date <= ? "
                   "ORDER BY start_date, id", &st, err))
        return -1;
    rc = bind_date(st, 1, from, err) || bind_date(st, 2, to, err) ? -1 : 0;
    while (rc == 0 && (rc = db_step(st, err)) == DB_ROW) {
        k.ref = db_column_int64(st, 0);
        k.subscription_id = db_column_text(st, 1);
        k.charge_type = db_column_text(st, 2);
        if (!k.subscription_id || !k.charge_type) {
            rc = err_set(err, ERR_DB, "", "a charge line without subscription or type");
            break;
        }
        k.subscription_len = strlen(k.subscription_id);
        k.charge_type_len = strlen(k.charge_type);
        k.quantity = db_column_int64(st, 5);
        if (col_date(st, 3, &k.start, err) || col_date(st, 4, &k.end, err) ||
            col_dec(st, 6, &k.eup, NULL, err) || col_dec(st, 7, &k.amount, NULL, err)) {
            rc = -1;
            break;
        }
        rc = fn(ctx, &k);
    }
    db_finalize(st);
    return rc < 0 ? -1 : 0;
}

int repo_recon_charge_by_ref(struct recon_stmts *s, int64_t ref, bool figures,
                             struct recon_charge_key *k, struct err *err)
{
    struct db_stmt *st = s->charge_by_ref;
    bool has;
    int rc;

    db_reset(st);
    if (db_bind_int64(st, 1, ref, err))
        return -1;
    if ((rc = db_step(st, err)) != DB_ROW)
        return rc;
    k->id = db_column_text(st, 0);
    k->subscription_id = db_column_text(st, 1);
    k->charge_type = db_column_text(st, 2);
    if (!k->id || !k->subscription_id || !k->charge_type)
        return err_set(err, ERR_DB, "", "a charge line without id, subscription or type");
    k->subscription_len = strlen(k->subscription_id);
    k->charge_type_len = strlen(k->charge_type);
    k->quantity = db_column_int64(st, 5);
    if (col_dec(st, 8, &k->amount, NULL, err))
        return -1;
    if (figures) {
        if (col_date(st, 3, &k->start, err) || col_date(st, 4, &k->end, err) ||
            col_dec(st, 6, &k->unit_price, NULL, err) || col_dec(st, 7, &k->eup, NULL, err) ||
            col_dec(st, 9, &k->fx, &has, err))
            return -1;
        if (!has)
            k->fx = dec_from_i64(1);
    } else {
        memset(&k->start, 0, sizeof(k->start));
        memset(&k->end, 0, sizeof(k->end));
        k->unit_price = k->eup = k->fx = dec_zero();
    }
    k->start_text = db_column_text(st, 3);
    k->end_text = db_column_text(st, 4);
    k->quantity_text = db_column_text(st, 5);
    k->unit_price_text = db_column_text(st, 6);
    k->eup_text = db_column_text(st, 7);
    k->amount_text = db_column_text(st, 8);
    k->fx_text = db_column_text(st, 9);
    k->sku = db_column_text(st, 10);
    k->currency = db_column_text(st, 11);
    k->billing_currency = db_column_text(st, 12);
    k->order_id = db_column_text(st, 13);
    k->reference_id = db_column_text(st, 14);
    return 1;
}

int repo_recon_sub_customer_get(struct recon_stmts *s, const char *sub_id,
                                struct recon_sub_customer *c, struct err *err)
{
    struct db_stmt *st = s->sub_customer;
    const char *v[3];
    int rc;

    db_reset(st);
    if (db_bind_text(st, 1, sub_id, err))
        return -1;
    if ((rc = db_step(st, err)) != DB_ROW)
        return rc;
    for (int i = 0; i < 3; i++)
        v[i] = db_column_text(st, i);
    c->customer_key = v[0] ? v[0] : "";
    c->customer_name = v[1] ? v[1] : "";
    c->reseller_key = v[2] ? v[2] : "";
    return 1;
}

int repo_recon_sub_customer_each(struct db *db,
                                 int (*fn)(void *ctx, const char *sub_id, bool customer,
                                           const struct recon_sub_customer *c),
                                 void *ctx, struct err *err)
{
    struct recon_sub_customer c;
    struct db_stmt *st;
    int rc;

    if (db_prepare(db, "SELECT s.id, cu.id, COALESCE(cu.tenant_id, cu.id), cu.name, "
                   "COALESCE(r.partner_id, '') FROM subscriptions s "
                   "LEFT JOIN customers cu ON cu.id = s.customer_id "
                   "LEFT JOIN partners r ON r.id = cu.reseller_id", &st, err))
        return -1;
    while ((rc = db_step(st, err)) == DB_ROW) {
        const char *v[5];

        for (int i = 0; i < 5; i++)
            v[i] = db_column_text(st, i);
        c.customer_key = v[2] ? v[2] : "";
        c.customer_name = v[3] ? v[3] : "";
        c.reseller_key = v[4] ? v[4] : "";
        if (fn(ctx, v[0] ? v[0] : "", v[1] != NULL, &c)) {
            rc = -1;
            break;
        }
    }
    db_finalize(st);
    return rc < 0 ? -1 : 0;
}

int repo_recon_sub_count(struct db *db, int64_t *out, struct err *err)
{
    struct db_stmt *st;
    int rc;

    *out = 0;
    if (db_prepare(db, "SELECT COUNT(*) FROM subscriptions", &st, err))
        return -1;
    rc = db_step(st, err);
    if (rc == DB_ROW)
        *out = db_column_int64(st, 0);
    db_finalize(st);
    return rc < 0 ? -1 : 0;
}

int repo_recon_charge_get(struct db *db, const char *id, struct recon_charge_row *out,
                          struct err *err)
{
    struct db_stmt *st;
    int rc;

    if (db_prepare(db, CHARGE_SELECT "WHERE c.id = ?", &st, err))
        return -1;
    rc = db_bind_text(st, 1, id, err) ? -1 : db_step(st, err);
    if (rc == DB_ROW)
        rc = read_charge(st, out, err) ? -1 : 1;
    db_finalize(st);
    return rc;
}

int repo_recon_charge_set_amounts(struct db *db, const char *id, struct dec unit_price,
                                  struct dec eup, struct dec subtotal, const struct dec *fx,
                                  struct dec billing_subtotal, struct err *err)
{
    struct db_stmt *st;
    int rc;

    if (db_prepare(db, "UPDATE charges SET unit_price = ?, effective_unit_price = ?, "
                   "subtotal = ?, exchange_rate = ?, billing_subtotal = ? WHERE id = ?", &st,
                   err))
        return -1;
    rc = bind_dec(st, 1, unit_price, err) || bind_dec(st, 2, eup, err) ||
         bind_dec(st, 3, subtotal, err) ||
         (fx ? bind_dec(st, 4, *fx, err) : db_bind_null(st, 4, err)) ||
         bind_dec(st, 5, billing_subtotal, err) || db_bind_text(st, 6, id, err) ||
         db_step(st, err) < 0 ? -1 : 0;
    db_finalize(st);
    return rc;
}

int repo_recon_charge_insert(struct db *db, const struct recon_charge_row *r, instant_t at,
                             char id_out[ID_MAXLEN], struct err *err)
{
    struct db_stmt *st;
    int rc;

    if (id_new("chg", id_out, err))
        return -1;
    if (db_prepare(db, "INSERT INTO charges (id, subscription_id, event_seq, charge_type, sku, "
                   "start_date, end_date, quantity, unit_price, effective_unit_price, subtotal, "
                   "currency, billing_currency, exchange_rate, billing_subtotal, est, order_id, "
                   "reference_id, created_at) VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                   "?, ?, 0, ?, ?, ?)", &st, err))
        return -1;
    rc = db_bind_text(st, 1, id_out, err) || db_bind_text(st, 2, r->subscription_id, err) ||
         db_bind_text(st, 3, r->charge_type, err) || db_bind_text(st, 4, r->sku, err) ||
         bind_date(st, 5, r->start, err) || bind_date(st, 6, r->end, err) ||
         db_bind_int64(st, 7, r->quantity, err) || bind_dec(st, 8, r->unit_price, err) ||
         bind_dec(st, 9, r->eup, err) || bind_dec(st, 10, r->subtotal, err) ||
         db_bind_text(st, 11, r->currency, err) ||
         db_bind_text(st, 12, r->billing_currency, err) ||
         (r->has_fx ? bind_dec(st, 13, r->fx, err) : db_bind_null(st, 13, err)) ||
         (r->has_billing_subtotal ? bind_dec(st, 14, r->billing_subtotal, err)
                                  : db_bind_null(st, 14, err)) ||
         bind_opt(st, 15, r->order_id, err) || bind_opt(st, 16, r->reference_id, err) ||
         db_bind_int64(st, 17, at, err) || db_step(st, err) < 0 ? -1 : 0;
    db_finalize(st);
    return rc;
}

int repo_recon_map_set(struct db *db, const char *ms_sub, const char *sub_id, instant_t at,
                       struct err *err)
{
    struct db_stmt *st;
    int rc;

    if (db_prepare(db, "DELETE FROM recon_subscription_map WHERE microsoft_subscription_id = ?",
                   &st, err))
        return -1;
    rc = db_bind_text(st, 1, ms_sub, err) || db_step(st, err) < 0 ? -1 : 0;
    db_finalize(st);
    if (rc)
        return -1;
    if (db_prepare(db, "INSERT INTO recon_subscription_map (microsoft_subscription_id, "
                   "subscription_id, created_at) VALUES (?, ?, ?)", &st, err))
        return -1;
    rc = db_bind_text(st, 1, ms_sub, err) || db_bind_text(st, 2, sub_id, err) ||
         db_bind_int64(st, 3, at, err) || db_step(st, err) < 0 ? -1 : 0;
    db_finalize(st);
    return rc;
}
