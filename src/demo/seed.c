/*
 * demo/seed.c — `cspd demo seed` end to end (see demo.h): check the database, load the
 * catalogue, make the parties (and logins), play the history, record the seed.
 *
 * The record is one audit_log row, action "demo.seed", object "demo/seed", whose `after` JSON
 * holds the parameters and the demo clock: {"seed":"42","start":"2025-11-01","months":12,
 * "clock":"2026-11-01T06:00:00Z", counts...}. It is written last, in its own transaction, so
 * an interrupted seed leaves no record — and, because the database then holds partners, a
 * second seed refuses instead of mixing two books (delete the file and seed again).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "demo/book.h"
#include "demo/catalog.h"
#include "svc/audit.h"
#include "store/scope.h"

void demo_opts_default(struct demo_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->partners = 6;
    o->customers = 20;
    o->subscriptions = 80;
    o->months = 12;
    o->seed = 1;
    o->start = (struct date){2025, 11, 1};
    o->logins = true;
}

void demo_progress(const struct demo_book *b, const char *phase, long done, long total)
{
    if (!b->o->progress)
        return;
    if (done < total)
        fprintf(stderr, "\rdemo: %-10s %ld/%ld", phase, done, total);
    else
        fprintf(stderr, "\rdemo: %-10s %ld/%ld\n", phase, done, total);
}

static int64_t count_rows(struct db *db, const char *sql, struct err *err)
{
    struct db_stmt *st;
    int64_t n = -1;

    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (db_step(st, err) == DB_ROW)
        n = db_column_int64(st, 0);
    db_finalize(st);
    return n;
}

int demo_seed_info(struct db *db, bool *found, instant_t *end, uint64_t *seed,
                   struct date *start, int *months, struct err *err)
{
    struct db_stmt *st;
    json_t *j = NULL;
    int rc = -1, step;

    *found = false;
    if (db_prepare(db, "SELECT after FROM audit_log WHERE action = 'demo.seed'"
                   " ORDER BY id DESC LIMIT 1", &st, err) < 0)
        return -1;
    step = db_step(st, err);
    if (step < 0)
        goto out;
    if (step == DB_ROW) {
        const char *text = db_column_text(st, 0);
        const char *s_seed, *s_start, *s_clock;
        int m = 0;
        json_error_t je;

        j = text ? json_loads(text, 0, &je) : NULL;
        if (!j || json_unpack(j, "{s:s, s:s, s:i, s:s}", "seed", &s_seed, "start", &s_start,
                              "months", &m, "clock", &s_clock) < 0) {
            err_set(err, ERR_PARSE, "", "the demo.seed record in audit_log is unreadable");
            goto out;
        }
        if (end && instant_parse_cstr(s_clock, end, err) < 0)
            goto out;
        if (start && date_parse_cstr(s_start, start, err) < 0)
            goto out;
        if (seed)
            *seed = strtoull(s_seed, NULL, 10); /* our own record, written below */
        if (months)
            *months = m;
        *found = true;
    }
    rc = 0;
out:
    json_decref(j);
    db_finalize(st);
    return rc;
}

static int record(struct demo_book *b, struct err *err)
{
    const struct demo_opts *o = b->o;
    struct scope all;
    char seed[24], start[DATE_STRLEN], clock[INSTANT_STRLEN];
    struct audit_entry e;
    json_t *after;
    char *text;
    int rc;

    scope_init_installation(&all);
    snprintf(seed, sizeof(seed), "%" PRIu64, o->seed);
    date_format(o->start, start);
    instant_format(b->st->end, clock);
    after = json_pack("{s:s, s:s, s:i, s:s, s:I, s:I, s:I, s:I, s:I, s:I}", "seed", seed,
                      "start", start, "months", o->months, "clock", clock, "partners",
                      (json_int_t)b->st->partners, "customers", (json_int_t)b->st->customers,
                      "orders", (json_int_t)b->st->orders, "subscriptions",
                      (json_int_t)b->st->subscriptions, "refused", (json_int_t)b->st->refused,
                      "invoices", (json_int_t)b->st->invoices);
    text = after ? json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(after);
    if (!text)
        return err_set(err, ERR_NOMEM, "", "out of memory");
    memset(&e, 0, sizeof(e));
    e.action = "demo.seed";
    e.object_type = "demo";
    e.object_id = "seed";
    e.after_json = text;
    e.at = b->st->end;
    rc = db_begin(b->db, err);
    if (rc == 0)
        rc = audit_write(b->db, &all, &e, err);
    if (rc == 0)
        rc = db_commit(b->db, err);
    else
        db_rollback(b->db);
    free(text);
    return rc;
}

int demo_seed(struct db *db, const struct demo_opts *o, struct demo_stats *st, struct err *err)
{
    struct demo_book b;
    bool found;
    int64_t partners;
    int rc = -1;

    memset(st, 0, sizeof(*st));
    if (demo_seed_info(db, &found, &st->end, NULL, NULL, NULL, err) < 0)
        return -1;
    if (found) {
        st->already = true;
        return 0;
    }
    partners = count_rows(db, "SELECT count(*) FROM partners", err);
    if (partners < 0)
        return -1;
    if (partners > 0)
        return err_set(err, ERR_CONFLICT, "db", "the database already holds %lld partners and "
                       "no demo seed; the demo only seeds an empty database",
                       (long long)partners);
    if (o->partners < 4 || o->customers < 1 || o->subscriptions < 0 || o->months < 1 ||
        o->months > 120)
        return err_set(err, ERR_INVALID, "", "sizes: --partners >= 4, --customers >= 1, "
                       "--subscriptions >= 0, --months 1..120");
    /*
     * A generator's connection: no fsync per commit (a crash mid-seed leaves an unrecorded
     * seed, refused by the next run: start from a fresh file). Every other connection keeps
     * the store's own setting.
     */
    if (db_exec(db, "PRAGMA synchronous=OFF", err) < 0)
        return -1;
    memset(&b, 0, sizeof(b));
    b.db = db;
    b.o = o;
    b.st = st;
    demo_rng_seed(&b.rng, o->seed);
    b.setup_at = instant_from_date(o->start) - 30 * 86400;
    b.npartners = o->partners;
    b.ncustomers = o->customers;
    b.partners = calloc((size_t)b.npartners, sizeof(*b.partners));
    b.customers = calloc((size_t)b.ncustomers, sizeof(*b.customers));
    if (!b.partners || !b.customers) {
        err_set(err, ERR_NOMEM, "", "out of memory for the demo parties");
        goto out;
    }
    if (demo_catalog_load(db, o->start, date_add_months(o->start, o->months), b.setup_at,
                          &st->price_rows, err) < 0 ||
        demo_parties(&b, err) < 0 || (o->logins && demo_users(&b, err) < 0) ||
        demo_history(&b, err) < 0 || record(&b, err) < 0)
        goto out;
    rc = 0;
out:
    free(b.partners);
    free(b.customers);
    return rc;
}
