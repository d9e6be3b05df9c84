/*
 * svc/pricelist_import.c — `cspd import pricelist`: Microsoft's NCE license-based price list
 * into the store, whole or not at all, once per file (see pricelist.h).
 *
 * Workload: one file of up to several hundred thousand rows (all markets), imported once a
 * month. Memory is bounded: the CSV reader holds one record, the writer its prepared
 * statements; rows go straight from the reader to the store. Time is dominated by SQLite
 * (one indexed lookup and one insert per row, in a single transaction).
 *
 * Idempotency is by content, not by name: the hash of the file's bytes is looked up in
 * pricelist_imports inside the write transaction (BEGIN IMMEDIATE), so two imports of one
 * file at the same time store it once. Rows are upserts (repo_pricelist.h), so a different
 * file repeating rows cspd already holds (the next month's list) adds no duplicates.
 */
#include "svc/pricelist.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "io/pricelist.h"
#include "svc/audit.h"

#define HASH_BYTES 32

struct hasher {
    crypto_generichash_state st;
};

static void hash_block(void *ctx, const unsigned char *buf, size_t len)
{
    struct hasher *h = ctx;

    crypto_generichash_update(&h->st, buf, len);
}

static void hash_hex(struct hasher *h, char out[PRICELIST_HASH_HEX])
{
    unsigned char bin[HASH_BYTES];

    crypto_generichash_final(&h->st, bin, sizeof(bin));
    sodium_bin2hex(out, PRICELIST_HASH_HEX, bin, sizeof(bin));
}

/* First pass: the hash of the whole file. */
static int hash_file(FILE *f, const char *path, char out[PRICELIST_HASH_HEX], struct err *err)
{
    unsigned char *buf = malloc(CSV_READ_CHUNK);
    struct hasher h;
    size_t n;

    if (!buf)
        return err_set(err, ERR_NOMEM, "", "out of memory");
    crypto_generichash_init(&h.st, NULL, 0, HASH_BYTES);
    while ((n = fread(buf, 1, CSV_READ_CHUNK, f)) > 0)
        hash_block(&h, buf, n);
    free(buf);
    if (ferror(f))
        return err_set(err, ERR_IO, "file", "cannot read %s: %s", path, strerror(errno));
    hash_hex(&h, out);
    if (fseek(f, 0, SEEK_SET) != 0)
        return err_set(err, ERR_IO, "file", "cannot rewind %s: %s", path, strerror(errno));
    return 0;
}

/* "YYYY-MM" -> its first day. */
static int parse_month(const char *month, struct date *out, struct err *err)
{
    char buf[DATE_STRLEN];
    struct err e;

    err_clear(&e);
    if (strlen(month) != 7 || month[4] != '-')
        return err_set(err, ERR_INVALID, "month", "month '%s' is not YYYY-MM", month);
    snprintf(buf, sizeof(buf), "%s-01", month);
    if (date_parse_cstr(buf, out, &e))
        return err_set(err, ERR_INVALID, "month", "month '%s' is not YYYY-MM", month);
    return 0;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');

    return s ? s + 1 : path;
}

static void to_repo(const struct pricelist_row *row, struct repo_price *p)
{
    memset(p, 0, sizeof(*p));
    p->sku = row->sku;
    p->product_title = row->product_title;
    p->term = term_name(row->term);
    p->billing = billing_name(row->billing);
    p->market = row->market;
    p->currency = row->currency;
    p->segment = row->segment;
    p->tags = row->tags;
    p->unit_price = row->cycle_price; /* price_points.unit_price is per cycle (Part A 13) */
    p->term_price = row->term_price;
    p->has_erp = row->has_erp;
    p->erp_price = row->erp_price;
    p->has_tier_min = row->has_tier_min;
    p->tier_min = row->tier_min;
    p->has_tier_max = row->has_tier_max;
    p->tier_max = row->tier_max;
    p->effective_from = row->effective_from;
    p->has_effective_to = row->has_effective_to;
    p->effective_to = row->effective_to;
    p->starts_at = row->starts_at;
    p->has_end = row->has_end;
    p->ends_at = row->ends_at;
}

/* The audit row of an import: what was read and what it did to the store. */
static int audit_import(struct db *db, const struct pricelist_import_opts *o,
                        const struct pricelist_import_result *res, struct err *err)
{
    const struct pricelist_import_info *i = &res->info;
    struct scope installation;
    struct audit_entry e = {.action = "pricelist.import", .object_type = "pricelist_import",
                            .at = o->now};
    char id[24], *after;
    json_t *j;
    int rc;

    j = json_pack("{s:s, s:s, s:s?, s:I, s:I, s:I, s:I, s:I}", "file", o->path, "hash",
                  res->hash, "month", o->month, "rows", (json_int_t)i->row_count, "inserted",
                  (json_int_t)i->inserted, "updated", (json_int_t)i->updated, "unchanged",
                  (json_int_t)i->unchanged, "skipped", (json_int_t)i->skipped);
    after = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(j);
    if (!after) /* a file name that is not UTF-8 cannot go into JSON */
        return err_set(err, ERR_INVALID, "file", "the file name must be UTF-8");
    snprintf(id, sizeof(id), "%lld", (long long)i->id);
    e.object_id = id;
    e.after_json = after;
    if (!o->scope)
        scope_init_installation(&installation);
    rc = audit_write(db, o->scope ? o->scope : &installation, &e, err);
    free(after);
    return rc;
}

/* Second pass, inside the transaction: every row into the store. */
static int load_rows(struct db *db, FILE *f, const struct pricelist_import_opts *o,
                     const struct date *month, struct pricelist_import_info *info,
                     struct hasher *h, struct err *err)
{
    struct pricelist_reader_opts ro = {hash_block, h, month != NULL, {0, 0, 0}};
    struct pricelist_reader rd;
    struct repo_pricelist_writer w;
    struct pricelist_row row;
    long every = o->progress_every > 0 ? o->progress_every : PRICELIST_PROGRESS_EVERY;
    int rc;

    if (month)
        ro.default_start = *month;
    if (pricelist_reader_init(&rd, f, &ro, err))
        return -1;
    if (repo_pricelist_writer_open(&w, db, info->id, base_name(o->path), o->now, err)) {
        pricelist_reader_release(&rd);
        return -1;
    }
    while ((rc = pricelist_reader_next(&rd, &row, err)) == 1) {
        struct repo_price p;
        enum repo_put_result put;

        to_repo(&row, &p);
        if (repo_pricelist_put_catalog(&w, row.product_id, row.product_title, row.publisher,
                                       row.sku, row.sku_id, row.sku_title, row.description,
                                       row.tags, err) ||
            repo_pricelist_put_price(&w, &p, &put, err)) {
            /* name the row the store refused */
            struct err e = *err;
            err_set(err, e.code, e.field, "line %ld: %s", row.line, e.msg);
            rc = -1;
            break;
        }
        info->inserted += put == REPO_PUT_INSERTED;
        info->updated += put == REPO_PUT_UPDATED;
        info->unchanged += put == REPO_PUT_UNCHANGED;
        info->row_count++;
        if (o->progress && info->row_count % every == 0)
            o->progress(o->progress_ctx, info->row_count, row.line);
    }
    info->skipped = rd.skipped;
    repo_pricelist_writer_close(&w);
    pricelist_reader_release(&rd);
    return rc < 0 ? -1 : 0;
}

int pricelist_import(struct db *db, const struct pricelist_import_opts *o,
                     struct pricelist_import_result *res, struct err *err)
{
    struct date month;
    struct hasher h;
    char again[PRICELIST_HASH_HEX];
    bool found;
    FILE *f;
    int rc = -1;

    memset(res, 0, sizeof(*res));
    if (o->month && parse_month(o->month, &month, err))
        return -1;
    if (sodium_init() < 0)
        return err_set(err, ERR_INTERNAL, "", "libsodium failed to initialise");
    f = o->stream ? o->stream : fopen(o->path, "rb");
    if (!f)
        return err_set(err, ERR_IO, "file", "cannot open %s: %s", o->path, strerror(errno));
    if (hash_file(f, o->path, res->hash, err))
        goto out;
    if (db_begin(db, err))
        goto out;
    if (repo_pricelist_find_import(db, res->hash, &found, &res->info, err))
        goto out;
    if (found) {
        res->already = true;
        rc = 0;
        goto out;
    }
    if (repo_pricelist_add_import(db, res->hash, o->path, o->month, o->now, &res->info.id,
                                  err))
        goto out;
    snprintf(res->info.file_name, sizeof(res->info.file_name), "%s", o->path);
    snprintf(res->info.month, sizeof(res->info.month), "%s", o->month ? o->month : "");
    res->info.imported_at = o->now;
    crypto_generichash_init(&h.st, NULL, 0, HASH_BYTES);
    if (load_rows(db, f, o, o->month ? &month : NULL, &res->info, &h, err))
        goto out;
    hash_hex(&h, again);
    if (strcmp(again, res->hash) != 0) {
        err_set(err, ERR_CONFLICT, "file", "%s changed while it was being imported; try again",
                o->path);
        goto out;
    }
    if (pricelist_alert_increases(db, res->info.id, instant_date(o->now), o->now,
                                  &res->alerts, err) ||
        repo_pricelist_finish_import(db, &res->info, err) || audit_import(db, o, res, err) ||
        db_commit(db, err))
        goto out;
    rc = 0;
out:
    db_rollback(db); /* a no-op after commit */
    if (!o->stream)
        fclose(f);
    return rc;
}
