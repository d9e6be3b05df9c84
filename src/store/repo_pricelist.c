/*
 * store/repo_pricelist.c — price list imports in the store (see repo_pricelist.h).
 *
 * Portable SQL for SQLite and PostgreSQL: `?` placeholders, `INSERT ... ON CONFLICT (id) DO
 * UPDATE` for the catalog rows, decimals as TEXT written by dec_format, dates as TEXT
 * "YYYY-MM-DD" (so `<=` on them is date order). The price point upsert is a lookup on the
 * price_points_lookup index followed by an INSERT or an UPDATE by id: price_points has no
 * unique key (other writers, such as scenarios, may hold several rows of one plan), so
 * ON CONFLICT cannot be used there.
 */
#include "store/repo_pricelist.h"

#include <stdio.h>
#include <string.h>

static int bind_dec(struct db_stmt *st, int idx, struct dec v, struct err *err)
{
    char buf[DEC_STRLEN];

    dec_format(v, buf);
    return db_bind_text(st, idx, buf, err);
}

static int bind_opt_dec(struct db_stmt *st, int idx, bool has, struct dec v, struct err *err)
{
    return has ? bind_dec(st, idx, v, err) : db_bind_null(st, idx, err);
}

static int bind_opt_text(struct db_stmt *st, int idx, const char *s, struct err *err)
{
    return s && *s ? db_bind_text(st, idx, s, err) : db_bind_null(st, idx, err);
}

static int bind_date(struct db_stmt *st, int idx, struct date d, struct err *err)
{
    char buf[DATE_STRLEN];

    date_format(d, buf);
    return db_bind_text(st, idx, buf, err);
}

/* ---- the import log ----------------------------------------------------------------------- */

static void copy_text(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

int repo_pricelist_find_import(struct db *db, const char *hash_hex, bool *found,
                               struct pricelist_import_info *info, struct err *err)
{
    static const char sql[] =
        "SELECT id, file_name, month, row_count, inserted, updated, unchanged, skipped,"
        " imported_at FROM pricelist_imports WHERE file_hash = ?";
    struct db_stmt *st;
    int rc;

    *found = false;
    if (db_prepare(db, sql, &st, err))
        return -1;
    if (db_bind_text(st, 1, hash_hex, err)) {
        db_finalize(st);
        return -1;
    }
    rc = db_step(st, err);
    if (rc == DB_ROW) {
        *found = true;
        memset(info, 0, sizeof(*info));
        info->id = db_column_int64(st, 0);
        copy_text(info->file_name, sizeof(info->file_name), db_column_text(st, 1));
        copy_text(info->month, sizeof(info->month), db_column_text(st, 2));
        info->row_count = (long)db_column_int64(st, 3);
        info->inserted = (long)db_column_int64(st, 4);
        info->updated = (long)db_column_int64(st, 5);
        info->unchanged = (long)db_column_int64(st, 6);
        info->skipped = (long)db_column_int64(st, 7);
        info->imported_at = db_column_int64(st, 8);
    }
    db_finalize(st);
    return rc < 0 ? -1 : 0;
}

int repo_pricelist_add_import(struct db *db, const char *hash_hex, const char *file_name,
                              const char *month, instant_t at, int64_t *id, struct err *err)
{
    static const char sql[] = "INSERT INTO pricelist_imports (file_hash, file_name, month,"
                              " imported_at) VALUES (?, ?, ?, ?)";
    struct db_stmt *st;
    int rc = -1;

    if (db_prepare(db, sql, &st, err))
        return -1;
    if (db_bind_text(st, 1, hash_hex, err) == 0 && db_bind_text(st, 2, file_name, err) == 0 &&
        bind_opt_text(st, 3, month, err) == 0 && db_bind_int64(st, 4, at, err) == 0 &&
        db_step(st, err) == DB_DONE) {
        *id = db_last_insert_id(db);
        rc = 0;
    }
    db_finalize(st);
    return rc;
}

int repo_pricelist_finish_import(struct db *db, const struct pricelist_import_info *info,
                                 struct err *err)
{
    static const char sql[] = "UPDATE pricelist_imports SET row_count = ?, inserted = ?,"
                              " updated = ?, unchanged = ?, skipped = ? WHERE id = ?";
    struct db_stmt *st;
    int rc = -1;

    if (db_prepare(db, sql, &st, err))
        return -1;
    if (db_bind_int64(st, 1, info->row_count, err) == 0 &&
        db_bind_int64(st, 2, info->inserted, err) == 0 &&
        db_bind_int64(st, 3, info->updated, err) == 0 &&
        db_bind_int64(st, 4, info->unchanged, err) == 0 &&
        db_bind_int64(st, 5, info->skipped, err) == 0 &&
        db_bind_int64(st, 6, info->id, err) == 0 && db_step(st, err) == DB_DONE)
        rc = 0;
    db_finalize(st);
    return rc;
}

/* ---- the writer ----------------------------------------------------------------------------- */

static const char product_sql[] =
    "INSERT INTO products (id, title, publisher, category, created_at) VALUES (?, ?, ?,"
    " 'license', ?) ON CONFLICT (id) DO UPDATE SET title = excluded.title,"
    " publisher = excluded.publisher";
static const char sku_sql[] =
    "INSERT INTO skus (id, product_id, sku_id, title, description, tags, created_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET title = excluded.title,"
    " description = excluded.description, tags = excluded.tags";
static const char find_sql[] =
    "SELECT id, product, unit_price, term_price, erp_price, effective_to, tier_max, starts_at,"
    " ends_at, tags FROM price_points WHERE sku = ? AND term = ? AND billing = ? AND"
    " market = ? AND currency = ? AND effective_from = ? AND COALESCE(segment, '') = ? AND"
    " COALESCE(tier_min, '') = ? ORDER BY id LIMIT 1";
static const char insert_sql[] =
    "INSERT INTO price_points (sku, product, term, billing, market, currency, unit_price,"
    " erp_price, effective_from, effective_to, segment, tags, source, term_price, tier_min,"
    " tier_max, starts_at, ends_at, import_id)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char update_sql[] =
    "UPDATE price_points SET product = ?, unit_price = ?, term_price = ?, erp_price = ?,"
    " effective_to = ?, tier_max = ?, starts_at = ?, ends_at = ?, tags = ?, source = ?,"
    " import_id = ? WHERE id = ?";

int repo_pricelist_writer_open(struct repo_pricelist_writer *w, struct db *db,
                               int64_t import_id, const char *source, instant_t now,
                               struct err *err)
{
    memset(w, 0, sizeof(*w));
    w->db = db;
    w->import_id = import_id;
    w->source = source;
    w->now = now;
    if (db_prepare(db, product_sql, &w->product, err) ||
        db_prepare(db, sku_sql, &w->sku, err) || db_prepare(db, find_sql, &w->find, err) ||
        db_prepare(db, insert_sql, &w->insert, err) ||
        db_prepare(db, update_sql, &w->update, err)) {
        repo_pricelist_writer_close(w);
        return -1;
    }
    return 0;
}

void repo_pricelist_writer_close(struct repo_pricelist_writer *w)
{
    struct db_stmt **all[] = {&w->product, &w->sku, &w->find, &w->insert, &w->update};

    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        if (*all[i])
            db_finalize(*all[i]);
        *all[i] = NULL;
    }
}

/* Step a write statement to completion and make it ready for the next row. */
static int run(struct db_stmt *st, struct err *err)
{
    int rc = db_step(st, err);

    db_reset(st);
    if (rc < 0)
        return -1;
    return 0;
}

int repo_pricelist_put_catalog(struct repo_pricelist_writer *w, const char *product_id,
                               const char *product_title, const char *publisher,
                               const char *sku, const char *sku_id, const char *sku_title,
                               const char *description, const char *tags, struct err *err)
{
    if (strcmp(w->last_product, product_id) != 0) {
        if (db_bind_text(w->product, 1, product_id, err) ||
            db_bind_text(w->product, 2, product_title, err) ||
            bind_opt_text(w->product, 3, publisher, err) ||
            db_bind_int64(w->product, 4, w->now, err) || run(w->product, err)) {
            db_reset(w->product);
            return -1;
        }
        copy_text(w->last_product, sizeof(w->last_product), product_id);
        w->last_sku[0] = '\0';
    }
    if (strcmp(w->last_sku, sku) == 0)
        return 0;
    if (db_bind_text(w->sku, 1, sku, err) || db_bind_text(w->sku, 2, product_id, err) ||
        db_bind_text(w->sku, 3, sku_id, err) || db_bind_text(w->sku, 4, sku_title, err) ||
        bind_opt_text(w->sku, 5, description, err) || bind_opt_text(w->sku, 6, tags, err) ||
        db_bind_int64(w->sku, 7, w->now, err) || run(w->sku, err)) {
        db_reset(w->sku);
        return -1;
    }
    copy_text(w->last_sku, sizeof(w->last_sku), sku);
    return 0;
}

/* Text equality, NULL equal to NULL only. */
static bool same_text(const char *stored, const char *mine)
{
    if (!stored || !mine)
        return !stored && !mine;
    return strcmp(stored, mine) == 0;
}

static bool same_dec(const char *stored, bool has, struct dec v)
{
    char buf[DEC_STRLEN];

    if (!has)
        return stored == NULL;
    dec_format(v, buf);
    return same_text(stored, buf);
}

static bool same_int(struct db_stmt *st, int col, bool has, int64_t v)
{
    if (!has)
        return db_column_is_null(st, col);
    return !db_column_is_null(st, col) && db_column_int64(st, col) == v;
}

/* True when the row found by `find` already says what p says. */
static bool unchanged(struct db_stmt *st, const struct repo_price *p)
{
    char to[DATE_STRLEN];

    if (p->has_effective_to)
        date_format(p->effective_to, to);
    return same_text(db_column_text(st, 1), p->product_title) &&
           same_dec(db_column_text(st, 2), true, p->unit_price) &&
           same_dec(db_column_text(st, 3), true, p->term_price) &&
           same_dec(db_column_text(st, 4), p->has_erp, p->erp_price) &&
           same_text(db_column_text(st, 5), p->has_effective_to ? to : NULL) &&
           same_dec(db_column_text(st, 6), p->has_tier_max, p->tier_max) &&
           same_int(st, 7, true, p->starts_at) && same_int(st, 8, p->has_end, p->ends_at) &&
           same_text(db_column_text(st, 9), p->tags[0] ? p->tags : NULL);
}

static int find(struct repo_pricelist_writer *w, const struct repo_price *p, bool *found,
                bool *same, int64_t *id, struct err *err)
{
    struct db_stmt *st = w->find;
    char tier[DEC_STRLEN] = "";
    int rc;

    if (p->has_tier_min)
        dec_format(p->tier_min, tier);
    if (db_bind_text(st, 1, p->sku, err) || db_bind_text(st, 2, p->term, err) ||
        db_bind_text(st, 3, p->billing, err) || db_bind_text(st, 4, p->market, err) ||
        db_bind_text(st, 5, p->currency, err) || bind_date(st, 6, p->effective_from, err) ||
        db_bind_text(st, 7, p->segment, err) || db_bind_text(st, 8, tier, err)) {
        db_reset(st);
        return -1;
    }
    rc = db_step(st, err);
    *found = rc == DB_ROW;
    if (*found) {
        *id = db_column_int64(st, 0);
        *same = unchanged(st, p);
    }
    db_reset(st);
    return rc < 0 ? -1 : 0;
}

static int insert(struct repo_pricelist_writer *w, const struct repo_price *p, struct err *err)
{
    struct db_stmt *st = w->insert;

    if (db_bind_text(st, 1, p->sku, err) || db_bind_text(st, 2, p->product_title, err) ||
        db_bind_text(st, 3, p->term, err) || db_bind_text(st, 4, p->billing, err) ||
        db_bind_text(st, 5, p->market, err) || db_bind_text(st, 6, p->currency, err) ||
        bind_dec(st, 7, p->unit_price, err) ||
        bind_opt_dec(st, 8, p->has_erp, p->erp_price, err) ||
        bind_date(st, 9, p->effective_from, err) ||
        (p->has_effective_to ? bind_date(st, 10, p->effective_to, err)
                             : db_bind_null(st, 10, err)) ||
        bind_opt_text(st, 11, p->segment, err) || bind_opt_text(st, 12, p->tags, err) ||
        bind_opt_text(st, 13, w->source, err) || bind_dec(st, 14, p->term_price, err) ||
        bind_opt_dec(st, 15, p->has_tier_min, p->tier_min, err) ||
        bind_opt_dec(st, 16, p->has_tier_max, p->tier_max, err) ||
        db_bind_int64(st, 17, p->starts_at, err) ||
        (p->has_end ? db_bind_int64(st, 18, p->ends_at, err) : db_bind_null(st, 18, err)) ||
        db_bind_int64(st, 19, w->import_id, err)) {
        db_reset(st);
        return -1;
    }
    return run(st, err);
}

static int update(struct repo_pricelist_writer *w, const struct repo_price *p, int64_t id,
                  struct err *err)
{
    struct db_stmt *st = w->update;

    if (db_bind_text(st, 1, p->product_title, err) || bind_dec(st, 2, p->unit_price, err) ||
        bind_dec(st, 3, p->term_price, err) ||
        bind_opt_dec(st, 4, p->has_erp, p->erp_price, err) ||
        (p->has_effective_to ? bind_date(st, 5, p->effective_to, err)
                             : db_bind_null(st, 5, err)) ||
        bind_opt_dec(st, 6, p->has_tier_max, p->tier_max, err) ||
        db_bind_int64(st, 7, p->starts_at, err) ||
        (p->has_end ? db_bind_int64(st, 8, p->ends_at, err) : db_bind_null(st, 8, err)) ||
        bind_opt_text(st, 9, p->tags, err) || bind_opt_text(st, 10, w->source, err) ||
        db_bind_int64(st, 11, w->import_id, err) || db_bind_int64(st, 12, id, err)) {
        db_reset(st);
        return -1;
    }
    return run(st, err);
}

int repo_pricelist_put_price(struct repo_pricelist_writer *w, const struct repo_price *p,
                             enum repo_put_result *result, struct err *err)
{
    bool found, same = false;
    int64_t id = 0;

    if (find(w, p, &found, &same, &id, err))
        return -1;
    if (!found) {
        *result = REPO_PUT_INSERTED;
        return insert(w, p, err);
    }
    if (same) {
        *result = REPO_PUT_UNCHANGED;
        return 0;
    }
    *result = REPO_PUT_UPDATED;
    return update(w, p, id, err);
}

/* ---- reading: what is in effect on a day ------------------------------------------------- */

int repo_pricelist_each_at(struct db *db, struct date day, repo_price_at_fn fn, void *ctx,
                           struct err *err)
{
    static const char sql[] =
        "SELECT p.sku, COALESCE(s.title, p.product, ''), p.term, p.billing, p.market,"
        " p.currency, COALESCE(p.segment, ''), COALESCE(p.tier_min, ''), p.unit_price,"
        " p.term_price, p.effective_from FROM price_points p LEFT JOIN skus s ON s.id = p.sku"
        " WHERE p.effective_from <= ? AND (p.effective_to IS NULL OR p.effective_to >= ?)";
    struct db_stmt *st;
    int rc;

    if (db_prepare(db, sql, &st, err))
        return -1;
    if (bind_date(st, 1, day, err) || bind_date(st, 2, day, err)) {
        db_finalize(st);
        return -1;
    }
    while ((rc = db_step(st, err)) == DB_ROW) {
        struct repo_price_at p = {
            .sku = db_column_text(st, 0),
            .title = db_column_text(st, 1),
            .term = db_column_text(st, 2),
            .billing = db_column_text(st, 3),
            .market = db_column_text(st, 4),
            .currency = db_column_text(st, 5),
            .segment = db_column_text(st, 6),
            .tier_min = db_column_text(st, 7),
            .unit_price = db_column_text(st, 8),
            .term_price = db_column_text(st, 9),
            .effective_from = db_column_text(st, 10),
        };
        int r = fn(ctx, &p, err);

        if (r) {
            db_finalize(st);
            return r;
        }
    }
    db_finalize(st);
    return rc < 0 ? -1 : 0;
}
