/*
 * svc/catalog_data_load.c — `cspd catalog load KIND FILE`: the small CSVs of catalog data
 * (data/catalog/ files, docs/catalog.md "Catalog data") into the store, all or nothing.
 *
 * The files are read like the price list: io/csv.h (UTF-8 with or without BOM, quoted
 * fields, CRLF), columns found by header name with everything but letters and digits dropped
 * and case ignored ("From SKU" = "from_sku"), unknown columns ignored, a required column
 * missing an error on line 1. Every field is checked; the first fault stops the load with
 * "line N, column NAME: ..." and nothing is stored. A key given twice in one file (a SKU's
 * seat limits, a product family's EST rule, a currency pair's day) is an error naming both
 * lines; for upgrade paths and prerequisites a key has one row per value.
 *
 * Workload: files of tens to thousands of rows; at most CATALOG_DATA_MAX_ROWS. The keys seen
 * are kept in one sorted array (binary search, insertion by memmove).
 */
#include "svc/catalog_data.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "core/currency.h"
#include "io/csv.h"
#include "store/repo_catalog.h"
#include "svc/audit.h"

#define MAX_COLS 6
#define KEY_MAX (2 * SKU_MAX + 16)
#define NAME_MAX_LEN 64

struct col_spec {
    const char *canonical;     /* as docs/catalog.md writes it */
    const char *aliases;       /* normalized names, '|'-separated */
    bool required;
};

static const struct col_spec specs[CATALOG_KIND_COUNT][MAX_COLS] = {
    [CATALOG_KIND_PATHS] = {
        {"from_sku", "fromsku|from|sourcesku", true},
        {"to_sku", "tosku|to|targetsku|target", true},
    },
    [CATALOG_KIND_EST] = {
        {"product_id", "productid|product|family|productfamily", true},
        {"eligible", "eligible|esteligible", true},
        {"uplift_p1m", "upliftp1m|upliftp1mpercent|uplift", false},
        {"uplift_fallback", "upliftfallback|upliftfallbackpercent|upliftnop1m", false},
        {"note", "note|notes|comment", false},
    },
    [CATALOG_KIND_PREREQS] = {
        {"sku", "sku|skuid", true},
        {"requires", "requires|requiressku|baselicense|baselicence", true},
        {"note", "note|notes|comment", false},
    },
    [CATALOG_KIND_SEATS] = {
        {"sku", "sku|skuid", true},
        {"min_seats", "minseats|min|minlicenses", true},
        {"max_seats", "maxseats|max|maxlicenses", false},
    },
    [CATALOG_KIND_RATES] = {
        {"from_currency", "fromcurrency|from|pricingcurrency", true},
        {"to_currency", "tocurrency|to|billingcurrency", true},
        {"rate", "rate|exchangerate|pctobcexchangerate", true},
        {"month", "month", false},
        {"effective_from", "effectivefrom|effectivedate|date", false},
    },
};

static const char *const kind_names[CATALOG_KIND_COUNT] = {
    "upgrade-paths", "est", "prerequisites", "seat-limits", "rates",
};

const char *catalog_kind_name(enum catalog_kind k)
{
    return k < CATALOG_KIND_COUNT ? kind_names[k] : "?";
}

int catalog_kind_from_name(const char *s, enum catalog_kind *out)
{
    static const struct {
        const char *name;
        enum catalog_kind k;
    } alias[] = {
        {"upgrade-paths", CATALOG_KIND_PATHS}, {"paths", CATALOG_KIND_PATHS},
        {"est", CATALOG_KIND_EST}, {"est-rules", CATALOG_KIND_EST},
        {"prerequisites", CATALOG_KIND_PREREQS}, {"seat-limits", CATALOG_KIND_SEATS},
        {"seats", CATALOG_KIND_SEATS}, {"rates", CATALOG_KIND_RATES},
        {"exchange-rates", CATALOG_KIND_RATES},
    };
    char buf[32];
    size_t i;

    for (i = 0; s[i] && i + 1 < sizeof(buf); i++)
        buf[i] = s[i] == '_' ? '-' : s[i];
    buf[i] = '\0';
    for (size_t j = 0; j < sizeof(alias) / sizeof(alias[0]); j++)
        if (strcmp(buf, alias[j].name) == 0) {
            *out = alias[j].k;
            return 0;
        }
    return -1;
}

/* ---- ids ---- */

static bool id_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_';
}

static size_t id_span(const char *s)
{
    size_t n = 0;

    while (id_char(s[n]))
        n++;
    return n;
}

int catalog_sku_parse(const char *s, const char *field, char out[SKU_MAX], struct err *err)
{
    size_t a = id_span(s), b;

    if (a == 0 || a > 32 || (s[a] != ':' && s[a] != '/'))
        goto bad;
    b = id_span(s + a + 1);
    if (b == 0 || b > 32 || s[a + 1 + b] != '\0')
        goto bad;
    snprintf(out, SKU_MAX, "%.*s:%s", (int)a, s, s + a + 1);
    return 0;
bad:
    return err_set(err, ERR_INVALID, field, "'%.60s' is not a SKU id (ProductId:SkuId, e.g. "
                   "CFQ7TTC0LFLX:0001)", s);
}

int catalog_product_parse(const char *s, const char *field, char out[SKU_MAX], struct err *err)
{
    size_t a = id_span(s);

    if (a == 0 || a > 32 || s[a] != '\0')
        return err_set(err, ERR_INVALID, field, "'%.60s' is not a product id (e.g. "
                       "CFQ7TTC0LFLX)", s);
    snprintf(out, SKU_MAX, "%s", s);
    return 0;
}

/* ---- keys seen in the file ---- */

struct seen_key {
    char key[KEY_MAX];
    long line;
};

struct seen {
    struct seen_key *v;
    size_t n, cap;
};

/* Find key: its index, or the insertion point with *found false. */
static size_t seen_find(const struct seen *s, const char *key, bool *found)
{
    size_t lo = 0, hi = s->n;

    *found = false;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(s->v[mid].key, key);

        if (c == 0) {
            *found = true;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int seen_add(struct seen *s, size_t at, const char *key, long line, struct err *err)
{
    if (s->n == s->cap) {
        size_t ncap = s->cap ? 2 * s->cap : 64;
        struct seen_key *v = realloc(s->v, ncap * sizeof(*v));

        if (!v)
            return err_set(err, ERR_NOMEM, "", "out of memory");
        s->v = v;
        s->cap = ncap;
    }
    memmove(s->v + at + 1, s->v + at, (s->n - at) * sizeof(*s->v));
    snprintf(s->v[at].key, sizeof(s->v[at].key), "%s", key);
    s->v[at].line = line;
    s->n++;
    return 0;
}

/* ---- the reader ---- */

struct loader {
    struct db *db;
    enum catalog_kind kind;
    instant_t now;
    struct csv_reader csv;
    int col[MAX_COLS];                 /* record index per spec column, -1 absent */
    char names[MAX_COLS][NAME_MAX_LEN]; /* header text as written */
    struct seen seen;
    struct catalog_load_result *res;
    long line;
};

static void normalize(const char *s, size_t len, char *out, size_t cap)
{
    size_t o = 0;

    for (size_t i = 0; i < len && o + 1 < cap; i++) {
        char c = s[i];

        if (c >= 'A' && c <= 'Z')
            out[o++] = (char)(c - 'A' + 'a');
        else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
            out[o++] = c;
    }
    out[o] = '\0';
}

static bool alias_match(const char *aliases, const char *name)
{
    size_t n = strlen(name);

    for (const char *p = aliases; *p;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);

        if (len == n && n && strncmp(p, name, n) == 0)
            return true;
        p += len + (bar != NULL);
    }
    return false;
}

static int read_header(struct loader *L, struct err *err)
{
    const struct col_spec *sp = specs[L->kind];
    struct csv_record rec;
    int rc = csv_reader_next(&L->csv, &rec, err);

    if (rc < 0)
        return -1;
    if (rc == 0)
        return err_set(err, ERR_INVALID, "", "line 1: the file is empty (a header row is "
                       "needed)");
    for (int c = 0; c < MAX_COLS; c++)
        L->col[c] = -1;
    for (size_t i = 0; i < rec.nfields; i++) {
        char norm[NAME_MAX_LEN];

        normalize(rec.fields[i].s, rec.fields[i].len, norm, sizeof(norm));
        for (int c = 0; c < MAX_COLS && sp[c].canonical; c++) {
            if (!alias_match(sp[c].aliases, norm))
                continue;
            if (L->col[c] >= 0)
                return err_set(err, ERR_INVALID, sp[c].canonical, "line 1, column %s: given "
                               "twice (columns %d and %zu)", sp[c].canonical, L->col[c] + 1,
                               i + 1);
            L->col[c] = (int)i;
            snprintf(L->names[c], NAME_MAX_LEN, "%.*s", (int)rec.fields[i].len,
                     rec.fields[i].s);
        }
    }
    for (int c = 0; c < MAX_COLS && sp[c].canonical; c++)
        if (sp[c].required && L->col[c] < 0)
            return err_set(err, ERR_INVALID, sp[c].canonical, "line 1, column %s: required "
                           "column missing", sp[c].canonical);
    if (L->kind == CATALOG_KIND_RATES && L->col[3] < 0 && L->col[4] < 0)
        return err_set(err, ERR_INVALID, "month", "line 1, column month: required column "
                       "missing (or effective_from)");
    return 0;
}

/* "line N, column NAME: <msg>" with field NAME. Always -1. */
static int fault(struct loader *L, int c, struct err *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fault(struct loader *L, int c, struct err *err, const char *fmt, ...)
{
    const char *name = L->names[c][0] ? L->names[c] : specs[L->kind][c].canonical;
    char msg[200];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return err_set(err, ERR_INVALID, name, "line %ld, column %s: %s", L->line, name, msg);
}

/* Field c of the record, trimmed ("" when the column is absent). */
static int field(struct loader *L, const struct csv_record *rec, int c, const char **out,
                 struct err *err)
{
    struct csv_field *f;
    size_t bad;
    char *s;
    size_t len;

    *out = "";
    if (L->col[c] < 0)
        return 0;
    if ((size_t)L->col[c] >= rec->nfields)
        return fault(L, c, err, "missing (the row has %zu fields)", rec->nfields);
    f = (struct csv_field *)&rec->fields[L->col[c]];
    if (!csv_text_valid(f->s, f->len, &bad))
        return fault(L, c, err, "invalid UTF-8 or NUL byte at position %zu", bad + 1);
    s = f->s;
    len = f->len;
    while (len && (*s == ' ' || *s == '\t'))
        s++, len--;
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    s[len] = '\0';
    *out = s;
    return 0;
}

/* Re-word an id error as "line N, column NAME: ...". */
static int id_fault(struct loader *L, int c, struct err *err)
{
    char msg[sizeof(err->msg)];

    snprintf(msg, sizeof(msg), "%s", err->msg);
    return fault(L, c, err, "%s", msg);
}

static int note_unknown(struct loader *L, const char *id, bool sku, struct err *err)
{
    bool known = false;

    if ((sku ? repo_catdata_sku_known(L->db, id, &known, err)
             : repo_catdata_product_known(L->db, id, &known, err)) < 0)
        return -1;
    if (!known) {
        if (!L->res->unknown)
            snprintf(L->res->first_unknown, sizeof(L->res->first_unknown), "%s", id);
        L->res->unknown++;
    }
    return 0;
}

/* The key of this row: new (true), or seen before (false; an error for single-valued kinds). */
static int key_once(struct loader *L, int c, const char *key, bool single, bool *first,
                    struct err *err)
{
    bool found;
    size_t at = seen_find(&L->seen, key, &found);

    *first = !found;
    if (found) {
        if (single)
            return fault(L, c, err, "'%s' is given twice (first on line %ld)", key,
                         L->seen.v[at].line);
        return 0;
    }
    L->res->keys++;
    return seen_add(&L->seen, at, key, L->line, err);
}

static int parse_percent(struct loader *L, int c, const char *s, const char *dflt,
                         struct dec *out, struct err *err)
{
    struct dec hundred = dec_from_i64(100);
    struct err e;

    err_clear(&e);
    if (dec_parse_cstr(*s ? s : dflt, out, &e) < 0)
        return fault(L, c, err, "'%s' is not a decimal number (%s)", s, e.msg);
    if (dec_is_neg(*out) || dec_cmp(*out, hundred) > 0)
        return fault(L, c, err, "'%s' is not a percentage between 0 and 100", s);
    return 0;
}

static int parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = {"yes", "y", "true", "1"}, *const no[] = {"no", "n",
                                                                              "false", "0"};

    for (size_t i = 0; i < 4; i++) {
        if (strcasecmp(s, yes[i]) == 0)
            return *out = true, 0;
        if (strcasecmp(s, no[i]) == 0)
            return *out = false, 0;
    }
    return -1;
}

static int parse_seats(struct loader *L, int c, const char *s, int32_t *out, struct err *err)
{
    long long v = 0;
    size_t n = strlen(s);

    if (n == 0 || n > 9)
        return fault(L, c, err, "'%s' is not a whole number of seats", s);
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return fault(L, c, err, "'%s' is not a whole number of seats", s);
        v = v * 10 + (s[i] - '0');
    }
    if (v < 1 || v > CATALOG_MAX_SEATS)
        return fault(L, c, err, "%lld is not between 1 and %d", v, CATALOG_MAX_SEATS);
    *out = (int32_t)v;
    return 0;
}

static int row_link(struct loader *L, const struct csv_record *rec, struct err *err)
{
    enum catdata_link k = L->kind == CATALOG_KIND_PATHS ? CATDATA_PATHS : CATDATA_PREREQS;
    struct catdata_link_row r;
    const char *key, *value, *note = "";
    bool first, value_is_sku;

    memset(&r, 0, sizeof(r));
    if (field(L, rec, 0, &key, err) || field(L, rec, 1, &value, err) ||
        (k == CATDATA_PREREQS && field(L, rec, 2, &note, err)))
        return -1;
    if (catalog_sku_parse(key, L->names[0], r.key, err))
        return id_fault(L, 0, err);
    value_is_sku = k == CATDATA_PATHS || strchr(value, ':') || strchr(value, '/');
    if ((value_is_sku ? catalog_sku_parse(value, L->names[1], r.value, err)
                      : catalog_product_parse(value, L->names[1], r.value, err)))
        return id_fault(L, 1, err);
    if (strcmp(r.key, r.value) == 0)
        return fault(L, 1, err, "'%s' names the SKU itself", value);
    if (strlen(note) >= sizeof(r.note))
        return fault(L, 2, err, "longer than %zu bytes", sizeof(r.note) - 1);
    snprintf(r.note, sizeof(r.note), "%s", note);
    if (key_once(L, 0, r.key, false, &first, err))
        return -1;
    if (first && (repo_catdata_links_delete(L->db, k, r.key, NULL, err) ||
                  note_unknown(L, r.key, true, err)))
        return -1;
    if (note_unknown(L, r.value, value_is_sku, err))
        return -1;
    return repo_catdata_link_insert(L->db, k, &r, L->now, err);
}

static int row_est(struct loader *L, const struct csv_record *rec, struct err *err)
{
    struct catdata_est_rule r;
    const char *pid, *elig, *p1m, *fb, *note;
    bool first;

    memset(&r, 0, sizeof(r));
    if (field(L, rec, 0, &pid, err) || field(L, rec, 1, &elig, err) ||
        field(L, rec, 2, &p1m, err) || field(L, rec, 3, &fb, err) ||
        field(L, rec, 4, &note, err))
        return -1;
    if (catalog_product_parse(pid, L->names[0], r.product_id, err))
        return id_fault(L, 0, err);
    if (parse_bool(elig, &r.eligible))
        return fault(L, 1, err, "'%s' is not yes or no", elig);
    if (parse_percent(L, 2, p1m, "3", &r.uplift_p1m, err) ||
        parse_percent(L, 3, fb, "23", &r.uplift_fallback, err))
        return -1;
    if (strlen(note) >= sizeof(r.note))
        return fault(L, 4, err, "longer than %zu bytes", sizeof(r.note) - 1);
    snprintf(r.note, sizeof(r.note), "%s", note);
    if (key_once(L, 0, r.product_id, true, &first, err) ||
        note_unknown(L, r.product_id, false, err))
        return -1;
    return repo_catdata_est_put(L->db, &r, L->now, err);
}

static int row_seats(struct loader *L, const struct csv_record *rec, struct err *err)
{
    struct catdata_seat_limit r;
    const char *sku, *mn, *mx;
    bool first;

    memset(&r, 0, sizeof(r));
    if (field(L, rec, 0, &sku, err) || field(L, rec, 1, &mn, err) ||
        field(L, rec, 2, &mx, err))
        return -1;
    if (catalog_sku_parse(sku, L->names[0], r.sku, err))
        return id_fault(L, 0, err);
    if (parse_seats(L, 1, mn, &r.min_seats, err))
        return -1;
    r.has_max = *mx != '\0';
    if (r.has_max && parse_seats(L, 2, mx, &r.max_seats, err))
        return -1;
    if (r.has_max && r.max_seats < r.min_seats)
        return fault(L, 2, err, "%d is below the minimum %d", r.max_seats, r.min_seats);
    if (key_once(L, 0, r.sku, true, &first, err) || note_unknown(L, r.sku, true, err))
        return -1;
    return repo_catdata_seats_put(L->db, &r, L->now, err);
}

static int parse_ccy(struct loader *L, int c, const char *s, char out[CCY_MAX], struct err *err)
{
    char up[CCY_MAX];
    size_t n = strlen(s);

    if (n != 3)
        return fault(L, c, err, "'%s' is not an ISO 4217 currency code", s);
    for (size_t i = 0; i < 3; i++)
        up[i] = s[i] >= 'a' && s[i] <= 'z' ? (char)(s[i] - 'a' + 'A') : s[i];
    up[3] = '\0';
    if (!currency_is_known(up))
        return fault(L, c, err, "'%s' is not an ISO 4217 currency cspd knows", s);
    memcpy(out, up, CCY_MAX);
    return 0;
}

static int row_rate(struct loader *L, const struct csv_record *rec, struct err *err)
{
    struct fx_rate r;
    const char *from, *to, *rate, *month, *day;
    char key[KEY_MAX], buf[DATE_STRLEN];
    bool first;
    struct err e;

    memset(&r, 0, sizeof(r));
    err_clear(&e);
    if (field(L, rec, 0, &from, err) || field(L, rec, 1, &to, err) ||
        field(L, rec, 2, &rate, err) || field(L, rec, 3, &month, err) ||
        field(L, rec, 4, &day, err))
        return -1;
    if (parse_ccy(L, 0, from, r.from, err) || parse_ccy(L, 1, to, r.to, err))
        return -1;
    if (strcmp(r.from, r.to) == 0)
        return fault(L, 1, err, "the same currency as %s", L->names[0]);
    if (dec_parse_cstr(rate, &r.rate, &e) < 0)
        return fault(L, 2, err, "'%s' is not a decimal number (%s)", rate, e.msg);
    if (dec_is_neg(r.rate) || dec_is_zero(r.rate))
        return fault(L, 2, err, "'%s' is not above zero", rate);
    if (*month && *day)
        return fault(L, 4, err, "give %s or %s, not both", L->names[3], L->names[4]);
    if (*month) {
        /* nce-rules §10: the month's rate applies to purchases from its 1st */
        snprintf(buf, sizeof(buf), "%.7s-01", month);
        if (strlen(month) != 7 || month[4] != '-' || date_parse_cstr(buf, &r.effective_from,
                                                                     &e) < 0)
            return fault(L, 3, err, "'%s' is not a month (YYYY-MM)", month);
    } else if (!*day) {
        return fault(L, L->col[3] >= 0 ? 3 : 4, err, "empty (a month YYYY-MM or a day is "
                     "needed)");
    } else if (date_parse_cstr(day, &r.effective_from, &e) < 0) {
        return fault(L, 4, err, "'%s' is not a date (YYYY-MM-DD)", day);
    }
    date_format(r.effective_from, buf);
    snprintf(key, sizeof(key), "%s>%s@%s", r.from, r.to, buf);
    if (key_once(L, *month ? 3 : 4, key, true, &first, err))
        return -1;
    return repo_catalog_add_rate(L->db, &r, err);
}

static int audit_load(struct loader *L, const char *name, const struct scope *scope,
                      struct err *err)
{
    struct audit_entry e = {.action = "catalog.load", .object_type = "catalog_data",
                            .object_id = catalog_kind_name(L->kind), .at = L->now};
    struct scope installation;
    char *after;
    json_t *j;
    int rc;

    j = json_pack("{s:s, s:s, s:I, s:I, s:I}", "kind", catalog_kind_name(L->kind), "file",
                  name, "rows", (json_int_t)L->res->rows, "keys", (json_int_t)L->res->keys,
                  "unknown", (json_int_t)L->res->unknown);
    after = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(j);
    if (!after)
        return err_set(err, ERR_INVALID, "file", "the file name must be UTF-8");
    e.after_json = after;
    if (!scope)
        scope_init_installation(&installation);
    rc = audit_write(L->db, scope ? scope : &installation, &e, err);
    free(after);
    return rc;
}

int catalog_data_load(struct db *db, enum catalog_kind k, FILE *in, const char *name,
                      const struct scope *scope, instant_t now, struct catalog_load_result *res,
                      struct err *err)
{
    static int (*const row_fn[CATALOG_KIND_COUNT])(struct loader *, const struct csv_record *,
                                                   struct err *) = {
        row_link, row_est, row_link, row_seats, row_rate,
    };
    struct loader L;
    struct csv_record rec;
    int rc = -1, step;

    memset(res, 0, sizeof(*res));
    memset(&L, 0, sizeof(L));
    if (k >= CATALOG_KIND_COUNT)
        return err_set(err, ERR_INVALID, "kind", "unknown catalog data kind");
    L.db = db;
    L.kind = k;
    L.now = now;
    L.res = res;
    if (csv_reader_init(&L.csv, in, err))
        return -1;
    if (read_header(&L, err) || db_begin(db, err))
        goto out;
    while ((step = csv_reader_next(&L.csv, &rec, err)) == 1) {
        L.line = rec.line;
        if (++res->rows > CATALOG_DATA_MAX_ROWS) {
            err_set(err, ERR_TOO_BIG, "", "line %ld: more than %d rows; catalog data files "
                    "are small", rec.line, CATALOG_DATA_MAX_ROWS);
            goto out;
        }
        if (row_fn[k](&L, &rec, err))
            goto out;
    }
    if (step < 0 || audit_load(&L, name, scope, err) || db_commit(db, err))
        goto out;
    rc = 0;
out:
    db_rollback(db);
    if (rc)
        memset(res, 0, sizeof(*res));
    free(L.seen.v);
    csv_reader_release(&L.csv);
    return rc;
}
