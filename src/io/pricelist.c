/*
 * io/pricelist.c — Microsoft's NCE license-based price list, row by row (see pricelist.h).
 *
 * Shape: a thin validating layer over the streaming CSV reader. The header is read once and
 * mapped to columns through the alias table below; each record is checked field by field, and
 * the first fault stops the read with "line N, column NAME: what is wrong" — the importer then
 * rolls back, so a price list is stored whole or not at all. No allocation per row: string
 * values stay in the CSV reader's record buffer (trimmed in place), numbers are parsed into
 * struct dec, dates into instants.
 *
 * Formats accepted, from formats.md §3.1 (Microsoft's doc sample and field table): quoted
 * fields everywhere; dates "2021-10-01T00:00:00.0000000Z" or the portal's "2/1/2019 12:00:00
 * AM" / "2/1/2023 0:00"; placeholder end years 9999 (open-ended); TermDuration P1M/P1Y/P3Y;
 * BillingPlan Monthly/Annual (Triennial for P3Y), "None" for trials; Segment as an optional
 * trailing column (UNCONFIRMED for the NCE file, accepted if present).
 */
#include "io/pricelist.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/currency.h"

#define ID_MAX 32   /* ProductId ("CFQ7TTC0LH18") and SkuId ("0001") */
#define KEY_MAX 48  /* a normalised header name */
#define SHOW_MAX 40 /* bytes of an offending value quoted in a message */

static const char *const col_names[PLC_COUNT] = {
    [PLC_PRODUCT_TITLE] = "ProductTitle",
    [PLC_PRODUCT_ID] = "ProductId",
    [PLC_SKU_ID] = "SkuId",
    [PLC_SKU_TITLE] = "SkuTitle",
    [PLC_PUBLISHER] = "Publisher",
    [PLC_SKU_DESCRIPTION] = "SkuDescription",
    [PLC_UNIT_OF_MEASURE] = "UnitOfMeasure",
    [PLC_TERM] = "TermDuration",
    [PLC_BILLING] = "BillingPlan",
    [PLC_MARKET] = "Market",
    [PLC_CURRENCY] = "Currency",
    [PLC_UNIT_PRICE] = "UnitPrice",
    [PLC_TIER_MIN] = "PricingTierRangeMin",
    [PLC_TIER_MAX] = "PricingTierRangeMax",
    [PLC_START] = "EffectiveStartDate",
    [PLC_END] = "EffectiveEndDate",
    [PLC_TAGS] = "Tags",
    [PLC_ERP_PRICE] = "ERP Price",
    [PLC_SEGMENT] = "Segment",
};

static const bool col_required[PLC_COUNT] = {
    [PLC_PRODUCT_TITLE] = true, [PLC_PRODUCT_ID] = true, [PLC_SKU_ID] = true,
    [PLC_SKU_TITLE] = true,     [PLC_TERM] = true,       [PLC_BILLING] = true,
    [PLC_MARKET] = true,        [PLC_CURRENCY] = true,   [PLC_UNIT_PRICE] = true,
    [PLC_START] = true,         [PLC_END] = true,
};

/* Normalised header name (lower-case ASCII letters and digits only) -> column. */
static const struct {
    const char *key;
    enum pricelist_col col;
} aliases[] = {
    {"producttitle", PLC_PRODUCT_TITLE},
    {"productname", PLC_PRODUCT_TITLE},
    {"productid", PLC_PRODUCT_ID},
    {"skuid", PLC_SKU_ID},
    {"skutitle", PLC_SKU_TITLE},
    {"skuname", PLC_SKU_TITLE},
    {"publisher", PLC_PUBLISHER},
    {"publishername", PLC_PUBLISHER},
    {"skudescription", PLC_SKU_DESCRIPTION},
    {"description", PLC_SKU_DESCRIPTION},
    {"unitofmeasure", PLC_UNIT_OF_MEASURE},
    {"termduration", PLC_TERM},
    {"term", PLC_TERM},
    {"billingplan", PLC_BILLING},
    {"billingfrequency", PLC_BILLING},
    {"market", PLC_MARKET},
    {"currency", PLC_CURRENCY},
    {"currencycode", PLC_CURRENCY},
    {"unitprice", PLC_UNIT_PRICE},
    {"pricingtierrangemin", PLC_TIER_MIN},
    {"pricingtierrangemax", PLC_TIER_MAX},
    {"effectivestartdate", PLC_START},
    {"effectivestart", PLC_START},
    {"effectiveenddate", PLC_END},
    {"effectiveend", PLC_END},
    {"tags", PLC_TAGS},
    {"erpprice", PLC_ERP_PRICE},
    {"erp", PLC_ERP_PRICE},
    {"segment", PLC_SEGMENT},
};

const char *pricelist_col_name(enum pricelist_col c)
{
    return (unsigned)c < PLC_COUNT ? col_names[c] : "?";
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static char upper(char c)
{
    return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Lower-case letters and digits of s, the rest dropped; false when it does not fit. */
static bool make_key(const char *s, size_t len, char out[KEY_MAX])
{
    size_t n = 0;

    for (size_t i = 0; i < len; i++) {
        if (!is_alpha(s[i]) && !is_digit(s[i]))
            continue;
        if (n + 1 >= KEY_MAX)
            return false;
        out[n++] = lower(s[i]);
    }
    out[n] = '\0';
    return true;
}

int pricelist_col_from_header(const char *name, size_t len)
{
    char key[KEY_MAX];

    if (!make_key(name, len, key) || !key[0])
        return -1;
    for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
        if (strcmp(aliases[i].key, key) == 0)
            return (int)aliases[i].col;
    return -1;
}

/* ---- dates ------------------------------------------------------------------------------ */

/* Between `min` and `max` digits at s[*i]; false when there are fewer. */
static bool read_num(const char *s, size_t len, size_t *i, int min, int max, int *out)
{
    int n = 0, v = 0;

    while (*i < len && n < max && is_digit(s[*i])) {
        v = v * 10 + (s[*i] - '0');
        (*i)++;
        n++;
    }
    *out = v;
    return n >= min && !(*i < len && is_digit(s[*i]));
}

static bool read_char(const char *s, size_t len, size_t *i, char c)
{
    if (*i < len && s[*i] == c) {
        (*i)++;
        return true;
    }
    return false;
}

/* en-US "M/D/YYYY[ H:MM[:SS[.fff]][ AM|PM]]", as the portal's export writes dates. */
static int parse_us_instant(const char *s, size_t len, instant_t *out, struct err *err)
{
    static const char want[] = "expected M/D/YYYY[ H:MM[:SS][ AM|PM]]";
    struct date d;
    int h = 0, mi = 0, sec = 0;
    size_t i = 0;
    bool ampm = false, pm = false;

    if (!read_num(s, len, &i, 1, 2, &d.month) || !read_char(s, len, &i, '/') ||
        !read_num(s, len, &i, 1, 2, &d.day) || !read_char(s, len, &i, '/') ||
        !read_num(s, len, &i, 4, 4, &d.year))
        return err_set(err, ERR_PARSE, "", "%s", want);
    if (i < len) {
        if (!read_char(s, len, &i, ' '))
            return err_set(err, ERR_PARSE, "", "%s", want);
        while (read_char(s, len, &i, ' '))
            ;
        if (!read_num(s, len, &i, 1, 2, &h) || !read_char(s, len, &i, ':') ||
            !read_num(s, len, &i, 2, 2, &mi))
            return err_set(err, ERR_PARSE, "", "%s", want);
        if (read_char(s, len, &i, ':')) {
            if (!read_num(s, len, &i, 2, 2, &sec))
                return err_set(err, ERR_PARSE, "", "%s", want);
            if (read_char(s, len, &i, '.'))
                while (i < len && is_digit(s[i]))
                    i++;
        }
        while (read_char(s, len, &i, ' '))
            ;
        if (i + 2 == len && upper(s[i + 1]) == 'M' &&
            (upper(s[i]) == 'A' || upper(s[i]) == 'P')) {
            ampm = true;
            pm = upper(s[i]) == 'P';
            i += 2;
        }
        if (i != len)
            return err_set(err, ERR_PARSE, "", "%s", want);
    }
    if (!date_is_valid(d))
        return err_set(err, ERR_PARSE, "", "no such day %d/%d/%d (month/day/year)", d.month,
                       d.day, d.year);
    if (ampm) {
        if (h < 1 || h > 12)
            return err_set(err, ERR_PARSE, "", "hour %d is out of range 1..12", h);
        h = h % 12 + (pm ? 12 : 0);
    } else if (h > 23) {
        return err_set(err, ERR_PARSE, "", "hour %d is out of range 0..23", h);
    }
    if (mi > 59 || sec > 59)
        return err_set(err, ERR_PARSE, "", "minutes or seconds out of range 0..59");
    *out = instant_from_date(d) + (instant_t)h * 3600 + mi * 60 + sec;
    return 0;
}

int pricelist_parse_instant(const char *s, size_t len, instant_t *out, struct err *err)
{
    if (memchr(s, '/', len))
        return parse_us_instant(s, len, out, err);
    return instant_parse(s, len, out, err);
}

/* ---- reader ----------------------------------------------------------------------------- */

static void free_names(struct pricelist_reader *r)
{
    for (size_t i = 0; i < r->nnames; i++)
        free(r->names[i]);
    free(r->names);
    r->names = NULL;
    r->nnames = 0;
}

void pricelist_reader_release(struct pricelist_reader *r)
{
    free_names(r);
    csv_reader_release(&r->csv);
}

/* The header's name of record index i, or "#i" past the header. */
static const char *col_label(const struct pricelist_reader *r, size_t i, char buf[24])
{
    if (i < r->nnames && r->names[i][0])
        return r->names[i];
    snprintf(buf, 24, "#%zu", i + 1);
    return buf;
}

/* Up to SHOW_MAX bytes of a value, cut on a UTF-8 character boundary. */
static int show_len(const char *s, size_t len)
{
    size_t n = len;

    if (n > SHOW_MAX) {
        n = SHOW_MAX;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    return (int)n;
}

/* "line N, column NAME: <fmt>", err.field = NAME. */
__attribute__((format(printf, 6, 7))) static int fail(const struct pricelist_reader *r,
                                                      struct err *err, enum err_code code,
                                                      long line, size_t idx, const char *fmt,
                                                      ...)
{
    char what[200], buf[24];
    const char *name = col_label(r, idx, buf);
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    return err_set(err, code, name, "line %ld, column %s: %s", line, name, what);
}

/* A CSV-level error, reworded with the column name when the reader knows the field. */
static int csv_fail(const struct pricelist_reader *r, struct err *err)
{
    const struct csv_reader *c = &r->csv;

    if (c->err_line && c->err_field >= 0 && c->err_what)
        return fail(r, err, err->code, c->err_line, (size_t)c->err_field, "%s", c->err_what);
    return -1;
}

static void trim(struct csv_field *f)
{
    size_t a = 0, b = f->len;

    while (a < b && (f->s[a] == ' ' || f->s[a] == '\t' || f->s[a] == '\r' || f->s[a] == '\n'))
        a++;
    while (b > a && (f->s[b - 1] == ' ' || f->s[b - 1] == '\t' || f->s[b - 1] == '\r' ||
                     f->s[b - 1] == '\n'))
        b--;
    f->s += a;
    f->len = b - a;
    f->s[f->len] = '\0';
}

/* Check every field is UTF-8 without NUL, then trim it. */
static int check_text(const struct pricelist_reader *r, struct csv_record *rec, struct err *err)
{
    struct csv_field *fields = (struct csv_field *)rec->fields;

    for (size_t i = 0; i < rec->nfields; i++) {
        size_t bad;

        if (!csv_text_valid(fields[i].s, fields[i].len, &bad)) {
            unsigned char b = (unsigned char)fields[i].s[bad];
            if (b == 0)
                return fail(r, err, ERR_PARSE, fields[i].line, i,
                            "NUL byte at position %zu", bad + 1);
            return fail(r, err, ERR_PARSE, fields[i].line, i,
                        "invalid UTF-8 (byte 0x%02X at position %zu); save the file as UTF-8",
                        b, bad + 1);
        }
        trim(&fields[i]);
    }
    return 0;
}

static int read_header(struct pricelist_reader *r, struct err *err)
{
    struct csv_record rec;
    int rc = csv_reader_next(&r->csv, &rec, err);

    if (rc < 0)
        return -1;
    if (rc == 0)
        return err_set(err, ERR_PARSE, "", "line 1: the file is empty (no header row)");
    if (check_text(r, &rec, err))
        return -1;
    r->names = calloc(rec.nfields, sizeof(*r->names));
    if (!r->names)
        return err_set(err, ERR_NOMEM, "", "out of memory (header)");
    for (size_t i = 0; i < rec.nfields; i++) {
        r->names[i] = strdup(rec.fields[i].s);
        if (!r->names[i])
            return err_set(err, ERR_NOMEM, "", "out of memory (header)");
        r->nnames = i + 1;
    }
    for (size_t i = 0; i < rec.nfields; i++) {
        int c = pricelist_col_from_header(rec.fields[i].s, rec.fields[i].len);
        char buf[24];

        if (c < 0)
            continue; /* unknown columns are ignored */
        if (r->col[c] >= 0)
            return fail(r, err, ERR_PARSE, rec.line, i, "gives %s again (already column %s)",
                        col_names[c], col_label(r, (size_t)r->col[c], buf));
        r->col[c] = (int)i;
    }
    for (int c = 0; c < PLC_COUNT; c++)
        if (col_required[c] && r->col[c] < 0)
            return err_set(err, ERR_PARSE, col_names[c],
                           "line %ld, column %s: required column missing", rec.line,
                           col_names[c]);
    return 0;
}

int pricelist_reader_init(struct pricelist_reader *r, FILE *in,
                          const struct pricelist_reader_opts *opts, struct err *err)
{
    memset(r, 0, sizeof(*r));
    for (int c = 0; c < PLC_COUNT; c++)
        r->col[c] = -1;
    if (csv_reader_init(&r->csv, in, err))
        return -1;
    if (opts) {
        csv_reader_set_observer(&r->csv, opts->observer, opts->observer_ctx);
        r->has_default_start = opts->has_default_start;
        r->default_start = opts->default_start;
    }
    if (read_header(r, err)) {
        if (err->code == ERR_PARSE || err->code == ERR_TOO_BIG)
            csv_fail(r, err);
        pricelist_reader_release(r);
        return -1;
    }
    return 0;
}

/* ---- one row ---------------------------------------------------------------------------- */

struct row_ctx {
    const struct pricelist_reader *r;
    const struct csv_record *rec;
    struct err *err;
};

/* The field of column c ("" for an absent optional column). */
static const struct csv_field *get(const struct row_ctx *x, enum pricelist_col c)
{
    static struct csv_field none = {(char *)"", 0, 0};
    int i = x->r->col[c];

    return i < 0 ? &none : &x->rec->fields[i];
}

static int bad(const struct row_ctx *x, enum pricelist_col c, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int bad(const struct row_ctx *x, enum pricelist_col c, const char *fmt, ...)
{
    char what[200];
    const struct csv_field *f = get(x, c);
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    if (x->r->col[c] < 0) /* an absent optional column: name it as cspd knows it */
        return err_set(x->err, ERR_PARSE, col_names[c], "line %ld, column %s: %s",
                       x->rec->line, col_names[c], what);
    return fail(x->r, x->err, ERR_PARSE, f->line ? f->line : x->rec->line,
                (size_t)x->r->col[c], "%s", what);
}

static int need(const struct row_ctx *x, enum pricelist_col c)
{
    return get(x, c)->len ? 0 : bad(x, c, "empty");
}

/* A Microsoft id: 1..ID_MAX letters, digits, '-' or '_'. */
static int check_id(const struct row_ctx *x, enum pricelist_col c)
{
    const struct csv_field *f = get(x, c);

    if (need(x, c))
        return -1;
    if (f->len > ID_MAX)
        return bad(x, c, "longer than %d characters", ID_MAX);
    for (size_t i = 0; i < f->len; i++)
        if (!is_alpha(f->s[i]) && !is_digit(f->s[i]) && f->s[i] != '-' && f->s[i] != '_')
            return bad(x, c, "'%.*s' is not an id (letters and digits only)",
                       show_len(f->s, f->len), f->s);
    return 0;
}

/* A non-negative exact decimal; *has = false for an empty optional field. */
static int get_dec(const struct row_ctx *x, enum pricelist_col c, bool required, bool *has,
                   struct dec *out)
{
    const struct csv_field *f = get(x, c);
    struct err e;

    *has = false;
    if (!f->len)
        return required ? bad(x, c, "empty") : 0;
    err_clear(&e);
    if (dec_parse(f->s, f->len, out, &e))
        return bad(x, c, "'%.*s' is not a decimal number (%s)", show_len(f->s, f->len), f->s,
                   e.msg);
    if (dec_is_neg(*out))
        return bad(x, c, "'%.*s' is negative", show_len(f->s, f->len), f->s);
    *has = true;
    return 0;
}

static int get_instant(const struct row_ctx *x, enum pricelist_col c, instant_t *out)
{
    const struct csv_field *f = get(x, c);
    struct err e;

    err_clear(&e);
    if (pricelist_parse_instant(f->s, f->len, out, &e))
        return bad(x, c, "'%.*s' is not a date and time (%s)", show_len(f->s, f->len), f->s,
                   e.msg);
    return 0;
}

static int get_plan(const struct row_ctx *x, struct pricelist_row *row, bool *trial)
{
    const struct csv_field *t = get(x, PLC_TERM), *b = get(x, PLC_BILLING);
    char key[KEY_MAX], up[8];

    *trial = false;
    if (need(x, PLC_TERM) || need(x, PLC_BILLING))
        return -1;
    if (t->len == 3) {
        up[0] = upper(t->s[0]);
        up[1] = t->s[1];
        up[2] = upper(t->s[2]);
        up[3] = '\0';
    }
    if (t->len != 3 || term_from_name(up, &row->term))
        return bad(x, PLC_TERM, "'%.*s' is not an NCE licence term (P1M, P1Y, P3Y)",
                   show_len(t->s, t->len), t->s);
    if (!make_key(b->s, b->len, key))
        key[0] = '\0';
    if (strcmp(key, "none") == 0) {
        *trial = true;
        return 0;
    }
    if (strcmp(key, "onetime") == 0) { /* paid up front: the cycle is the term */
        row->billing = row->term == TERM_P1M   ? BILLING_MONTHLY
                       : row->term == TERM_P1Y ? BILLING_ANNUAL
                                               : BILLING_TRIENNIAL;
        return 0;
    }
    if (billing_from_name(key, &row->billing))
        return bad(x, PLC_BILLING, "'%.*s' is not a billing plan (Monthly, Annual, Triennial, "
                   "OneTime, None)", show_len(b->s, b->len), b->s);
    if (!plan_is_valid(row->term, row->billing))
        return bad(x, PLC_BILLING, "%s billing is not offered with term %s (nce-rules §1)",
                   billing_name(row->billing), term_name(row->term));
    return 0;
}

static int get_market_currency(const struct row_ctx *x, struct pricelist_row *row)
{
    const struct csv_field *m = get(x, PLC_MARKET), *c = get(x, PLC_CURRENCY);

    if (m->len != 2 || !is_alpha(m->s[0]) || !is_alpha(m->s[1]))
        return bad(x, PLC_MARKET, "'%.*s' is not a two-letter market code",
                   show_len(m->s, m->len), m->s);
    row->market[0] = upper(m->s[0]);
    row->market[1] = upper(m->s[1]);
    row->market[2] = '\0';
    if (c->len == 3 && is_alpha(c->s[0]) && is_alpha(c->s[1]) && is_alpha(c->s[2])) {
        for (int i = 0; i < 3; i++)
            row->currency[i] = upper(c->s[i]);
        row->currency[3] = '\0';
        if (currency_is_known(row->currency))
            return 0;
    }
    return bad(x, PLC_CURRENCY, "'%.*s' is not an ISO 4217 currency cspd knows",
               show_len(c->s, c->len), c->s);
}

static int get_segment(const struct row_ctx *x, struct pricelist_row *row)
{
    const struct csv_field *f = get(x, PLC_SEGMENT);

    if (f->len >= sizeof(row->segment))
        return bad(x, PLC_SEGMENT, "longer than %zu characters", sizeof(row->segment) - 1);
    for (size_t i = 0; i < f->len; i++) {
        if (!is_alpha(f->s[i]) && f->s[i] != ' ' && f->s[i] != '-')
            return bad(x, PLC_SEGMENT, "'%.*s' is not a segment name",
                       show_len(f->s, f->len), f->s);
        row->segment[i] = lower(f->s[i]);
    }
    row->segment[f->len] = '\0';
    return 0;
}

static int get_prices(const struct row_ctx *x, struct pricelist_row *row)
{
    bool has;
    struct err e;

    if (get_dec(x, PLC_UNIT_PRICE, true, &has, &row->term_price) ||
        get_dec(x, PLC_ERP_PRICE, false, &row->has_erp, &row->erp_price) ||
        get_dec(x, PLC_TIER_MIN, false, &row->has_tier_min, &row->tier_min) ||
        get_dec(x, PLC_TIER_MAX, false, &row->has_tier_max, &row->tier_max))
        return -1;
    if (row->has_tier_min && row->has_tier_max && dec_cmp(row->tier_min, row->tier_max) > 0)
        return bad(x, PLC_TIER_MAX, "below PricingTierRangeMin");
    err_clear(&e);
    /* nce-rules Part A 13: the per-cycle price beside the published term price */
    if (plan_cycle_price(row->term_price, row->term, row->billing, row->currency,
                         &row->cycle_price, &e))
        return bad(x, PLC_UNIT_PRICE, "%s", e.msg);
    return 0;
}

/*
 * EffectiveStartDate/EffectiveEndDate. The end instant is the last moment in effect: the
 * last day is its UTC date, or the day before when it is exactly midnight; year 9999 is
 * Microsoft's "no end".
 */
static int get_dates(const struct row_ctx *x, struct pricelist_row *row)
{
    if (get(x, PLC_START)->len) {
        if (get_instant(x, PLC_START, &row->starts_at))
            return -1;
    } else if (x->r->has_default_start) {
        row->starts_at = instant_from_date(x->r->default_start);
    } else {
        return bad(x, PLC_START, "empty (give --month to date rows without a start)");
    }
    row->effective_from = instant_date(row->starts_at);
    row->has_end = false;
    row->has_effective_to = false;
    if (!get(x, PLC_END)->len)
        return 0;
    if (get_instant(x, PLC_END, &row->ends_at))
        return -1;
    if (instant_date(row->ends_at).year >= 9999)
        return 0;
    if (row->ends_at < row->starts_at)
        return bad(x, PLC_END, "before EffectiveStartDate");
    row->has_end = true;
    row->has_effective_to = true;
    row->effective_to = instant_date(row->ends_at);
    if (instant_seconds_of_day(row->ends_at) == 0)
        row->effective_to = date_add_days(row->effective_to, -1);
    return 0;
}

/* The field count: a short row is truncated; extra fields must be empty (trailing commas). */
static int check_width(const struct pricelist_reader *r, const struct csv_record *rec,
                       struct err *err)
{
    if (rec->nfields < r->nnames)
        return fail(r, err, ERR_PARSE, rec->line, rec->nfields,
                    "missing: the row has %zu fields, the header %zu (truncated row?)",
                    rec->nfields, r->nnames);
    for (size_t i = r->nnames; i < rec->nfields; i++)
        if (rec->fields[i].len)
            return fail(r, err, ERR_PARSE, rec->fields[i].line, i,
                        "the row has %zu fields, the header only %zu", rec->nfields,
                        r->nnames);
    return 0;
}

static int parse_row(const struct pricelist_reader *r, const struct csv_record *rec,
                     struct pricelist_row *row, bool *trial, struct err *err)
{
    struct row_ctx x = {r, rec, err};

    memset(row, 0, sizeof(*row));
    row->line = rec->line;
    if (check_id(&x, PLC_PRODUCT_ID) || check_id(&x, PLC_SKU_ID) ||
        need(&x, PLC_PRODUCT_TITLE) || need(&x, PLC_SKU_TITLE))
        return -1;
    row->product_id = get(&x, PLC_PRODUCT_ID)->s;
    row->sku_id = get(&x, PLC_SKU_ID)->s;
    row->product_title = get(&x, PLC_PRODUCT_TITLE)->s;
    row->sku_title = get(&x, PLC_SKU_TITLE)->s;
    row->publisher = get(&x, PLC_PUBLISHER)->s;
    row->description = get(&x, PLC_SKU_DESCRIPTION)->s;
    row->tags = get(&x, PLC_TAGS)->s;
    snprintf(row->sku, sizeof(row->sku), "%s:%s", row->product_id, row->sku_id);
    if (get_plan(&x, row, trial) || get_market_currency(&x, row) || get_segment(&x, row) ||
        get_dates(&x, row))
        return -1;
    if (*trial) /* no plan to price; everything else was checked */
        return 0;
    return get_prices(&x, row);
}

int pricelist_reader_next(struct pricelist_reader *r, struct pricelist_row *row,
                          struct err *err)
{
    for (;;) {
        struct csv_record rec;
        bool trial;
        int rc = csv_reader_next(&r->csv, &rec, err);

        if (rc < 0) {
            if (err->code == ERR_PARSE || err->code == ERR_TOO_BIG)
                csv_fail(r, err);
            return -1;
        }
        if (rc == 0)
            return 0;
        if (check_width(r, &rec, err) || check_text(r, &rec, err) ||
            parse_row(r, &rec, row, &trial, err))
            return -1;
        if (trial) {
            r->skipped++;
            continue;
        }
        r->rows++;
        return 1;
    }
}
