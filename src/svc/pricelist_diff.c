/*
 * svc/pricelist_diff.c — `cspd pricelist diff`: what changed between two price lists (two
 * files, or the store on two days), per market, currency, SKU, term and billing plan.
 *
 * Workload: two lists of up to ~500,000 rows each (every market of a month). Each side is one
 * open-addressing hash table (FNV-1a over the key, linear probing, at most half full) whose
 * entries keep offsets into one growing text arena, so a side costs one allocation per
 * doubling rather than several per row; a title equal to the previous row's is stored once
 * (rows of a SKU come together in Microsoft's files). Then one pass over B looks every plan up
 * in A, one pass over A finds the retired ones, and the changes are sorted once.
 *
 * Arithmetic is exact (struct dec): amount = B - A; percent = amount * 100 / A computed with
 * one truncation at 18 places and then rounded half-up to 2 places, which equals rounding the
 * exact quotient (truncation toward zero never crosses a half-way point).
 */
#include "svc/pricelist.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/currency.h"
#include "domain/catalog/plan.h"
#include "io/csv.h"
#include "io/pricelist.h"

#define KEY_MAX 160
#define ARENA_MAX 0xFFFFFFF0u

void pricelist_set_init(struct pricelist_set *s)
{
    memset(s, 0, sizeof(*s));
    s->last_title = UINT32_MAX;
}

void pricelist_set_release(struct pricelist_set *s)
{
    free(s->entries);
    free(s->slots);
    free(s->arena);
    pricelist_set_init(s);
}

const char *pricelist_set_text(const struct pricelist_set *s, uint32_t off)
{
    return s->arena + off;
}

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603u;

    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211u;
    }
    return h;
}

static int arena_add(struct pricelist_set *s, const char *text, uint32_t *off, struct err *err)
{
    size_t len = strlen(text) + 1;

    if (s->alen + len > s->acap) {
        size_t cap = s->acap ? s->acap : 64 * 1024;
        char *p;

        while (cap < s->alen + len)
            cap *= 2;
        if (cap > ARENA_MAX)
            return err_set(err, ERR_TOO_BIG, "", "price list too large to compare (4 GiB)");
        p = realloc(s->arena, cap);
        if (!p)
            return err_set(err, ERR_NOMEM, "", "out of memory comparing price lists");
        s->arena = p;
        s->acap = cap;
    }
    memcpy(s->arena + s->alen, text, len);
    *off = (uint32_t)s->alen;
    s->alen += len;
    return 0;
}

/* The slot holding `key`, or the empty slot where it would go. */
static size_t slot_of(const struct pricelist_set *s, const char *key, uint64_t h)
{
    size_t mask = s->nslots - 1, i = (size_t)h & mask;

    while (s->slots[i]) {
        const struct pricelist_entry *e = &s->entries[s->slots[i] - 1];

        if (e->hash == h && strcmp(s->arena + e->key, key) == 0)
            break;
        i = (i + 1) & mask;
    }
    return i;
}

static int rehash(struct pricelist_set *s, struct err *err)
{
    size_t n = s->nslots ? s->nslots * 2 : 1024;
    uint32_t *slots = calloc(n, sizeof(*slots));

    if (!slots)
        return err_set(err, ERR_NOMEM, "", "out of memory comparing price lists");
    free(s->slots);
    s->slots = slots;
    s->nslots = n;
    for (size_t k = 0; k < s->n; k++) {
        size_t i = (size_t)s->entries[k].hash & (n - 1);

        while (slots[i])
            i = (i + 1) & (n - 1);
        slots[i] = (uint32_t)(k + 1);
    }
    return 0;
}

/* Add a plan's price; on a key already held, the later effective start wins (ties: later). */
static int set_put(struct pricelist_set *s, const char *key, const char *title,
                   struct dec price, struct dec cycle, int32_t from, struct err *err)
{
    uint64_t h = fnv1a(key);
    struct pricelist_entry *e;
    size_t i;

    s->rows++;
    if ((s->n + 1) * 2 > s->nslots && rehash(s, err))
        return -1;
    i = slot_of(s, key, h);
    if (s->slots[i]) {
        e = &s->entries[s->slots[i] - 1];
        if (from >= e->from) {
            e->price = price;
            e->cycle_price = cycle;
            e->from = from;
        }
        return 0;
    }
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 1024;
        struct pricelist_entry *p;

        if (cap >= UINT32_MAX / 2)
            return err_set(err, ERR_TOO_BIG, "", "price list too large to compare");
        p = realloc(s->entries, cap * sizeof(*p));
        if (!p)
            return err_set(err, ERR_NOMEM, "", "out of memory comparing price lists");
        s->entries = p;
        s->cap = cap;
    }
    e = &s->entries[s->n];
    memset(e, 0, sizeof(*e));
    e->price = price;
    e->cycle_price = cycle;
    e->hash = h;
    e->from = from;
    if (arena_add(s, key, &e->key, err))
        return -1;
    if (s->last_title != UINT32_MAX && strcmp(s->arena + s->last_title, title) == 0) {
        e->title = s->last_title;
    } else {
        if (arena_add(s, title, &e->title, err))
            return -1;
        s->last_title = e->title;
    }
    s->slots[i] = (uint32_t)(s->n + 1);
    s->n++;
    return 0;
}

static void make_key(char key[KEY_MAX], const char *market, const char *currency,
                     const char *sku, const char *term, const char *billing,
                     const char *segment, const char *tier)
{
    snprintf(key, KEY_MAX, "%s|%s|%s|%s|%s|%s|%s", market, currency, sku, term, billing,
             segment, tier);
}

int pricelist_set_load_file(struct pricelist_set *s, const char *path, struct err *err)
{
    struct pricelist_reader rd;
    struct pricelist_row row;
    FILE *f = fopen(path, "rb");
    int rc;

    if (!f)
        return err_set(err, ERR_IO, "file", "cannot open %s: %s", path, strerror(errno));
    if (pricelist_reader_init(&rd, f, NULL, err)) {
        fclose(f);
        return -1;
    }
    while ((rc = pricelist_reader_next(&rd, &row, err)) == 1) {
        char key[KEY_MAX], tier[DEC_STRLEN] = "";

        if (row.has_tier_min)
            dec_format(row.tier_min, tier);
        make_key(key, row.market, row.currency, row.sku, term_name(row.term),
                 billing_name(row.billing), row.segment, tier);
        if (set_put(s, key, row.sku_title, row.term_price, row.cycle_price,
                    date_to_days(row.effective_from), err)) {
            rc = -1;
            break;
        }
    }
    pricelist_reader_release(&rd);
    fclose(f);
    if (rc < 0) {
        /* say which file: both sides are read the same way */
        struct err e = *err;
        err_set(err, e.code, e.field, "%s: %s", path, e.msg);
        return -1;
    }
    return 0;
}

/* A stored price point: term price as stored, or rebuilt from the per-cycle price. */
static int load_db_row(void *ctx, const struct repo_price_at *p, struct err *err)
{
    struct pricelist_set *s = ctx;
    struct dec unit, term_price;
    struct date from;
    enum term t;
    enum billing b;
    char key[KEY_MAX];

    struct err e;

    err_clear(&e);
    if (dec_parse_cstr(p->unit_price ? p->unit_price : "", &unit, &e) ||
        date_parse_cstr(p->effective_from ? p->effective_from : "", &from, &e) ||
        (p->term_price && dec_parse_cstr(p->term_price, &term_price, &e)))
        return err_set(err, ERR_PARSE, "price_points", "stored price point of %s: %s",
                       p->sku ? p->sku : "?", e.msg);
    if (p->term_price) {
        /* as published */
    } else if (term_from_name(p->term, &t) == 0 && billing_from_name(p->billing, &b) == 0 &&
               plan_cycles_per_term(t, b) > 0) {
        if (dec_mul_i64(unit, plan_cycles_per_term(t, b), &term_price, err))
            return -1;
    } else {
        term_price = unit;
    }
    make_key(key, p->market, p->currency, p->sku, p->term, p->billing, p->segment,
             p->tier_min);
    return set_put(s, key, p->title ? p->title : "", term_price, unit, date_to_days(from),
                   err);
}

int pricelist_set_load_db(struct pricelist_set *s, struct db *db, struct date day,
                          struct err *err)
{
    return repo_pricelist_each_at(db, day, load_db_row, s, err);
}

/* ---- the comparison ---------------------------------------------------------------------- */

const char *pricelist_change_name(enum pricelist_change_kind k)
{
    static const char *const names[] = {"new", "retired", "increase", "decrease"};

    return (unsigned)k < 4 ? names[k] : "?";
}

static int add_change(struct pricelist_diff *d, const struct pricelist_change *c,
                      struct err *err)
{
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 256;
        struct pricelist_change *p = realloc(d->changes, cap * sizeof(*p));

        if (!p)
            return err_set(err, ERR_NOMEM, "", "out of memory comparing price lists");
        d->changes = p;
        d->cap = cap;
    }
    d->changes[d->n++] = *c;
    d->counts[c->kind]++;
    return 0;
}

static int cmp_change(const void *x, const void *y)
{
    const struct pricelist_change *a = x, *b = y;
    int c = strcmp(a->key, b->key);

    if (c)
        return c;
    return (int)a->kind - (int)b->kind;
}

/* B's price against A's: amount exact, percent to 2 places half-up. */
static int compare(const struct pricelist_entry *ea, const struct pricelist_entry *eb,
                   struct pricelist_change *c, struct err *err)
{
    struct dec q;

    if (dec_sub(eb->price, ea->price, &c->amount, err))
        return -1;
    c->kind = dec_is_neg(c->amount) ? PLD_DECREASE : PLD_INCREASE;
    c->has_percent = !dec_is_zero(ea->price);
    if (c->has_percent &&
        (dec_muldiv(c->amount, dec_from_i64(100), ea->price, DEC_ROUND_DOWN, &q, err) ||
         dec_round(q, 2, DEC_ROUND_HALF_UP, &c->percent, err)))
        return -1;
    return 0;
}

int pricelist_diff_compute(const struct pricelist_set *a, const struct pricelist_set *b,
                           struct pricelist_diff *d, struct err *err)
{
    bool *seen = calloc(a->n ? a->n : 1, sizeof(*seen));
    int rc = -1;

    memset(d, 0, sizeof(*d));
    if (!seen)
        return err_set(err, ERR_NOMEM, "", "out of memory comparing price lists");
    d->rows_a = (long)a->n;
    d->rows_b = (long)b->n;
    for (size_t k = 0; k < b->n; k++) {
        const struct pricelist_entry *eb = &b->entries[k];
        const char *key = b->arena + eb->key;
        struct pricelist_change c = {.key = key, .title = b->arena + eb->title, .b = eb};

        if (a->n) {
            size_t i = slot_of(a, key, eb->hash);

            if (a->slots[i]) {
                c.a = &a->entries[a->slots[i] - 1];
                seen[a->slots[i] - 1] = true;
            }
        }
        if (!c.a) {
            c.kind = PLD_NEW;
        } else if (dec_cmp(c.a->price, eb->price) == 0) {
            d->unchanged++;
            continue;
        } else if (compare(c.a, eb, &c, err)) {
            goto out;
        }
        if (add_change(d, &c, err))
            goto out;
    }
    for (size_t k = 0; k < a->n; k++) {
        const struct pricelist_entry *ea = &a->entries[k];
        struct pricelist_change c = {.kind = PLD_RETIRED, .key = a->arena + ea->key,
                                     .title = a->arena + ea->title, .a = ea};

        if (!seen[k] && add_change(d, &c, err))
            goto out;
    }
    if (d->n)
        qsort(d->changes, d->n, sizeof(*d->changes), cmp_change);
    rc = 0;
out:
    free(seen);
    if (rc)
        pricelist_diff_release(d);
    return rc;
}

void pricelist_diff_release(struct pricelist_diff *d)
{
    free(d->changes);
    memset(d, 0, sizeof(*d));
}

/* ---- output ----------------------------------------------------------------------------- */

enum { K_MARKET, K_CURRENCY, K_SKU, K_TERM, K_BILLING, K_SEGMENT, K_TIER, K_PARTS };

/* Split a key copy into its parts. */
static void split_key(const char *key, char buf[KEY_MAX], const char *part[K_PARTS])
{
    char *p = buf;

    snprintf(buf, KEY_MAX, "%s", key);
    for (int i = 0; i < K_PARTS; i++) {
        char *bar = strchr(p, '|');

        part[i] = p;
        if (!bar) {
            for (int j = i + 1; j < K_PARTS; j++)
                part[j] = "";
            return;
        }
        *bar = '\0';
        p = bar + 1;
    }
}

/* A price with at least the currency's minor digits ("150.00", "13.125"). */
static void fmt_money(struct dec v, const char *ccy, char buf[DEC_STRLEN])
{
    int minor = currency_minor_units(ccy);

    if (minor < 0 || dec_fraction_digits(v) > minor)
        dec_format(v, buf);
    else
        dec_format_fixed(v, minor, DEC_ROUND_HALF_UP, buf);
}

static int put_field(FILE *out, const char *s, bool last)
{
    if (csv_write_field(out, s, strlen(s)))
        return -1;
    return fputs(last ? "\r\n" : ",", out) == EOF ? -1 : 0;
}

int pricelist_diff_write_csv(const struct pricelist_diff *d, FILE *out, struct err *err)
{
    static const char *const head[] = {
        "change",    "market",    "currency", "sku",     "title",
        "term",      "billing",   "segment",  "tier_min", "old_price",
        "new_price", "amount",    "percent",  "old_cycle_price", "new_cycle_price",
    };
    const size_t nhead = sizeof(head) / sizeof(head[0]);

    for (size_t i = 0; i < nhead; i++)
        if (put_field(out, head[i], i + 1 == nhead))
            goto io;
    for (size_t k = 0; k < d->n; k++) {
        const struct pricelist_change *c = &d->changes[k];
        const char *part[K_PARTS];
        char key[KEY_MAX], oldp[DEC_STRLEN] = "", newp[DEC_STRLEN] = "", amt[DEC_STRLEN] = "",
             pct[DEC_STRLEN] = "", oldc[DEC_STRLEN] = "", newc[DEC_STRLEN] = "";

        split_key(c->key, key, part);
        if (c->a) {
            fmt_money(c->a->price, part[K_CURRENCY], oldp);
            fmt_money(c->a->cycle_price, part[K_CURRENCY], oldc);
        }
        if (c->b) {
            fmt_money(c->b->price, part[K_CURRENCY], newp);
            fmt_money(c->b->cycle_price, part[K_CURRENCY], newc);
        }
        if (c->a && c->b)
            fmt_money(c->amount, part[K_CURRENCY], amt);
        if (c->has_percent)
            dec_format_fixed(c->percent, 2, DEC_ROUND_HALF_UP, pct);
        if (put_field(out, pricelist_change_name(c->kind), false) ||
            put_field(out, part[K_MARKET], false) || put_field(out, part[K_CURRENCY], false) ||
            put_field(out, part[K_SKU], false) || put_field(out, c->title, false) ||
            put_field(out, part[K_TERM], false) || put_field(out, part[K_BILLING], false) ||
            put_field(out, part[K_SEGMENT], false) || put_field(out, part[K_TIER], false) ||
            put_field(out, oldp, false) || put_field(out, newp, false) ||
            put_field(out, amt, false) || put_field(out, pct, false) ||
            put_field(out, oldc, false) || put_field(out, newc, true))
            goto io;
    }
    if (fflush(out) == 0 && !ferror(out))
        return 0;
io:
    return err_set(err, ERR_IO, "", "cannot write the diff: %s", strerror(errno));
}

static const char *plural(long n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

int pricelist_diff_write_text(const struct pricelist_diff *d, const char *label_a,
                              const char *label_b, FILE *out, struct err *err)
{
    char group[16] = "";

    fprintf(out, "price list diff: %s (%ld plans) -> %s (%ld plans)\n", label_a, d->rows_a,
            label_b, d->rows_b);
    for (size_t k = 0; k < d->n; k++) {
        const struct pricelist_change *c = &d->changes[k];
        const char *part[K_PARTS];
        char key[KEY_MAX], g[16], plan[96], oldp[DEC_STRLEN] = "", newp[DEC_STRLEN] = "",
             delta[2 * DEC_STRLEN + 8] = "";

        split_key(c->key, key, part);
        snprintf(g, sizeof(g), "%s %s", part[K_MARKET], part[K_CURRENCY]);
        if (strcmp(g, group) != 0) {
            fprintf(out, "\n%s\n", g);
            snprintf(group, sizeof(group), "%s", g);
        }
        snprintf(plan, sizeof(plan), "%s %s%s%s%s%s", part[K_TERM], part[K_BILLING],
                 part[K_SEGMENT][0] ? " " : "", part[K_SEGMENT],
                 part[K_TIER][0] ? " from " : "", part[K_TIER]);
        if (c->a)
            fmt_money(c->a->price, part[K_CURRENCY], oldp);
        if (c->b)
            fmt_money(c->b->price, part[K_CURRENCY], newp);
        if (c->a && c->b) {
            char amt[DEC_STRLEN], pct[DEC_STRLEN] = "";

            fmt_money(c->amount, part[K_CURRENCY], amt);
            if (c->has_percent)
                dec_format_fixed(c->percent, 2, DEC_ROUND_HALF_UP, pct);
            snprintf(delta, sizeof(delta), "%s%s%s%s%s%s", dec_is_neg(c->amount) ? "" : "+",
                     amt, c->has_percent ? " (" : "",
                     c->has_percent && !dec_is_neg(c->percent) ? "+" : "", pct,
                     c->has_percent ? "%)" : "");
        }
        fprintf(out, "  %-8s  %-18s %-16s %12s -> %-12s %-20s %s\n",
                pricelist_change_name(c->kind), part[K_SKU], plan, oldp, newp, delta,
                c->title);
    }
    if (d->n == 0)
        fprintf(out, "\nno differences\n");
    fprintf(out, "\n%ld new, %ld retired, %ld %s, %ld %s, %ld unchanged\n", d->counts[PLD_NEW],
            d->counts[PLD_RETIRED], d->counts[PLD_INCREASE],
            plural(d->counts[PLD_INCREASE], "increase", "increases"), d->counts[PLD_DECREASE],
            plural(d->counts[PLD_DECREASE], "decrease", "decreases"), d->unchanged);
    if (fflush(out) == 0 && !ferror(out))
        return 0;
    return err_set(err, ERR_IO, "", "cannot write the diff: %s", strerror(errno));
}
