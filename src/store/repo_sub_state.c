/*
 * store/repo_sub_state.c — the compact text form of a subscription's state
 * (subscriptions.state, format 2), read and written once per due subscription by the daily
 * cycle; JSON (format 1, repo_sub_json.c) is still read, and is what the API shows.
 *
 * Why not JSON here: profiles of the daily cycle put a third of its CPU in building, dumping
 * and parsing the JSON snapshot (a tree of allocated nodes per subscription per day). Format 2
 * is one line of fields in a fixed order, written with a few appends into a stack buffer and
 * read with a bounded scanner — no allocation either way:
 *
 *   2;STATUS;FLAGS;SKU;CCY;TERM;BILLING;QTY;UNIT;TERM_START;TERM_END;CYCLE;WINDOW;PURCHASED;
 *     DECISION;CHANGES;LOTS;UPDATED_AT;SEQ
 *
 * FLAGS: 1 suspended, 2 trial, 4 has changes. CHANGES: "sku,term,billing,quantity" with empty
 * fields for the ones not scheduled. LOTS: "added:deadline:qty" joined by "/". Dates
 * YYYY-MM-DD (empty when unset), instants integer seconds, the price as dec_format writes it.
 * A field may hold any character but its own separators: ';' anywhere, ',' in CHANGES (':' and
 * '/' separate only the numbers of LOTS), so Microsoft's "CFQ7TTC0LH18:0001" SKUs are written
 * as they are; a string holding a separator cannot be written so, and the caller writes JSON.
 */
#include <stdio.h>
#include <string.h>

#include "store/repo_sub.h"

#define STATE_FORMAT_COMPACT 2

struct wbuf {
    char *p;
    size_t cap, n;
    bool bad;
};

static void put(struct wbuf *w, const char *s)
{
    size_t k = strlen(s);

    if (w->n + k + 1 > w->cap) {
        w->bad = true;
        return;
    }
    memcpy(w->p + w->n, s, k + 1);
    w->n += k;
}

static void put_sep(struct wbuf *w, const char *s)
{
    if (strchr(s, ';'))
        w->bad = true;
    put(w, s);
    put(w, ";");
}

/* As "%lld" writes it, without snprintf (a dozen numbers per state, one state per due
 * subscription a day: snprintf was most of the encoding's cost). */
static void put_i64(struct wbuf *w, int64_t v, const char *after)
{
    char b[24], *o = b + sizeof(b);
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

    *--o = '\0';
    do {
        *--o = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--o = '-';
    put(w, o);
    put(w, after);
}

static void put_date(struct wbuf *w, struct date d, const char *after)
{
    char b[DATE_STRLEN];

    if (d.year) {
        date_format(d, b);
        put(w, b);
    }
    put(w, after);
}

int sub_state_encode(const struct sub *s, char *buf, size_t cap)
{
    struct wbuf w = {buf, cap, 0, false};
    char price[DEC_STRLEN];
    int flags = (s->suspended ? 1 : 0) | (s->trial ? 2 : 0) | (s->has_changes ? 4 : 0);

    if (cap)
        buf[0] = '\0';
    put(&w, "2;");
    put_sep(&w, sub_status_name(s->status));
    put_i64(&w, flags, ";");
    put_sep(&w, s->sku);
    put_sep(&w, s->currency);
    put_sep(&w, term_name(s->term));
    put_sep(&w, billing_name(s->billing));
    put_i64(&w, s->quantity, ";");
    dec_format(s->unit_price, price);
    put_sep(&w, price);
    put_date(&w, s->term_start, ";");
    put_date(&w, s->term_end, ";");
    put_i64(&w, s->cycle, ";");
    put_i64(&w, s->window_deadline, ";");
    put_date(&w, s->purchased, ";");
    put_sep(&w, sub_decision_name(s->decision));
    if (s->has_changes) {
        const struct sub_changes *c = &s->changes;

        if (c->has_sku) {
            if (strpbrk(c->sku, ";,"))
                w.bad = true;
            put(&w, c->sku);
        }
        put(&w, ",");
        put(&w, c->has_term ? term_name(c->term) : "");
        put(&w, ",");
        put(&w, c->has_billing ? billing_name(c->billing) : "");
        put(&w, ",");
        if (c->has_quantity)
            put_i64(&w, c->quantity, "");
    }
    put(&w, ";");
    for (int i = 0; i < s->lots.n; i++) {
        put_i64(&w, s->lots.v[i].added_at, ":");
        put_i64(&w, s->lots.v[i].deadline, ":");
        put_i64(&w, s->lots.v[i].qty, i + 1 < s->lots.n ? "/" : "");
    }
    put(&w, ";");
    put_i64(&w, s->updated_at, ";");
    put_i64(&w, s->seq, "");
    return w.bad ? -1 : (int)w.n;
}

/* ---- reading ---- */

struct rd {
    const char *p, *end;
};

/* The next field up to `sep` (or the end): [*f, *f + *n). False when none is left. */
static bool field(struct rd *r, char sep, const char **f, size_t *n)
{
    const char *q = r->p;

    if (r->p > r->end)
        return false;
    while (q < r->end && *q != sep)
        q++;
    *f = r->p;
    *n = (size_t)(q - r->p);
    r->p = q + 1;
    return true;
}

static bool to_i64(const char *f, size_t n, int64_t *out)
{
    int64_t v = 0;
    bool neg = false;
    size_t i = 0;

    if (n > 0 && f[0] == '-') {
        neg = true;
        i = 1;
    }
    if (i == n || n - i > 18)
        return false;
    for (; i < n; i++) {
        if (f[i] < '0' || f[i] > '9')
            return false;
        v = v * 10 + (f[i] - '0');
    }
    *out = neg ? -v : v;
    return true;
}

static bool to_str(const char *f, size_t n, char *buf, size_t cap)
{
    if (n >= cap)
        return false;
    memcpy(buf, f, n);
    buf[n] = '\0';
    return true;
}

static bool to_date(const char *f, size_t n, struct date *d)
{
    struct err e;

    memset(d, 0, sizeof(*d));
    return n == 0 || date_parse(f, n, d, &e) == 0;
}

static bool parse_changes(const char *f, size_t n, struct sub_changes *c)
{
    struct rd r = {f, f + n};
    const char *x;
    size_t k;
    char buf[16];
    int64_t q;

    memset(c, 0, sizeof(*c));
    if (!field(&r, ',', &x, &k) || !to_str(x, k, c->sku, sizeof(c->sku)))
        return false;
    c->has_sku = k > 0;
    if (!field(&r, ',', &x, &k) || !to_str(x, k, buf, sizeof(buf)))
        return false;
    if ((c->has_term = k > 0) && term_from_name(buf, &c->term) < 0)
        return false;
    if (!field(&r, ',', &x, &k) || !to_str(x, k, buf, sizeof(buf)))
        return false;
    if ((c->has_billing = k > 0) && billing_from_name(buf, &c->billing) < 0)
        return false;
    if (!field(&r, ',', &x, &k))
        return false;
    if ((c->has_quantity = k > 0)) {
        if (!to_i64(x, k, &q))
            return false;
        c->quantity = (int32_t)q;
    }
    return true;
}

static bool parse_lots(const char *f, size_t n, struct lots *l)
{
    struct rd r = {f, f + n};
    const char *x, *y;
    size_t k, m;
    int64_t a, d, q;

    l->n = 0;
    if (n == 0)
        return true;
    while (field(&r, '/', &x, &k)) {
        struct rd t = {x, x + k};

        if (l->n >= LOTS_MAX || !field(&t, ':', &y, &m) || !to_i64(y, m, &a) ||
            !field(&t, ':', &y, &m) || !to_i64(y, m, &d) || !field(&t, ':', &y, &m) ||
            !to_i64(y, m, &q))
            return false;
        l->v[l->n].added_at = a;
        l->v[l->n].deadline = d;
        l->v[l->n].qty = (int32_t)q;
        l->n++;
    }
    return true;
}

static int decode_compact(const char *text, size_t len, struct sub *s, struct err *err)
{
    struct rd r = {text, text + len};
    const char *f;
    size_t n;
    char buf[DEC_STRLEN];
    int64_t v;
    int i = 0;
    bool ok = true;

    sub_init(s);
#define NEXT() (ok = ok && field(&r, ';', &f, &n), i++, ok)
    (void)NEXT(); /* "2" */
    if (NEXT() && (!to_str(f, n, buf, sizeof(buf)) || sub_status_from_name(buf, &s->status) < 0))
        ok = false;
    if (NEXT() && to_i64(f, n, &v)) {
        s->suspended = v & 1;
        s->trial = (v & 2) != 0;
        s->has_changes = (v & 4) != 0;
    } else {
        ok = false;
    }
    if (NEXT() && !to_str(f, n, s->sku, sizeof(s->sku)))
        ok = false;
    if (NEXT() && !to_str(f, n, s->currency, sizeof(s->currency)))
        ok = false;
    if (NEXT() && (!to_str(f, n, buf, sizeof(buf)) || term_from_name(buf, &s->term) < 0))
        ok = false;
    if (NEXT() && (!to_str(f, n, buf, sizeof(buf)) || billing_from_name(buf, &s->billing) < 0))
        ok = false;
    if (NEXT() && to_i64(f, n, &v))
        s->quantity = (int32_t)v;
    else
        ok = false;
    if (NEXT() && dec_parse(f, n, &s->unit_price, err) < 0)
        return -1;
    if (NEXT() && !to_date(f, n, &s->term_start))
        ok = false;
    if (NEXT() && !to_date(f, n, &s->term_end))
        ok = false;
    if (NEXT() && to_i64(f, n, &v))
        s->cycle = (int32_t)v;
    else
        ok = false;
    if (NEXT() && !to_i64(f, n, &s->window_deadline))
        ok = false;
    if (NEXT() && !to_date(f, n, &s->purchased))
        ok = false;
    if (NEXT() &&
        (!to_str(f, n, buf, sizeof(buf)) || sub_decision_from_name(buf, &s->decision) < 0))
        ok = false;
    if (NEXT() && s->has_changes && !parse_changes(f, n, &s->changes))
        ok = false;
    if (NEXT() && !parse_lots(f, n, &s->lots))
        ok = false;
    if (NEXT() && !to_i64(f, n, &s->updated_at))
        ok = false;
    if (NEXT() && !to_i64(f, n, &s->seq))
        ok = false;
#undef NEXT
    if (!ok)
        return err_set(err, ERR_PARSE, "state", "subscription snapshot (format %d): field %d is "
                       "missing or malformed", STATE_FORMAT_COMPACT, i);
    return 0;
}

int sub_state_decode(const char *text, size_t len, struct sub *s, struct err *err)
{
    json_error_t je;
    json_t *j;
    int rc;

    if (len >= 2 && text[0] == '2' && text[1] == ';')
        return decode_compact(text, len, s, err);
    if (len == 0 || text[0] != '{')
        return err_set(err, ERR_PARSE, "state", "subscription snapshot in an unknown format");
    j = json_loadb(text, len, 0, &je);
    if (!j)
        return err_set(err, ERR_PARSE, "state", "unreadable subscription snapshot: %s", je.text);
    rc = sub_state_from_json(j, s, err);
    json_decref(j);
    return rc;
}
