/*
 * store/repo_sub_json.c — the JSON forms of a subscription's state (subscriptions.state) and
 * of its events (subscription_events.data).
 *
 * Format 1 of the state: {"v":1, "status":"active", ...}; a snapshot with another "v" is
 * refused on load (STYLE.md rule 12) rather than half-read. Amounts are decimal strings
 * (dec_format), dates "YYYY-MM-DD", instants integer seconds. Fields at their zero value are
 * left out of events, so a quantity_changed event is {"quantity":14}.
 */
#include <stdio.h>
#include <string.h>

#include "store/repo_sub.h"

#define STATE_FORMAT 1

/* ---- small helpers ---- */

static void put_str(json_t *o, const char *k, const char *v)
{
    if (v && v[0])
        json_object_set_new(o, k, json_string(v));
}

static void put_dec(json_t *o, const char *k, struct dec d)
{
    char buf[DEC_STRLEN];

    dec_format(d, buf);
    json_object_set_new(o, k, json_string(buf));
}

static void put_date(json_t *o, const char *k, struct date d)
{
    char buf[DATE_STRLEN];

    if (d.year == 0)
        return;
    date_format(d, buf);
    json_object_set_new(o, k, json_string(buf));
}

static void put_int(json_t *o, const char *k, int64_t v)
{
    json_object_set_new(o, k, json_integer(v));
}

static int get_str(const json_t *o, const char *k, char *buf, size_t cap, struct err *err)
{
    const json_t *v = json_object_get(o, k);
    const char *s;

    buf[0] = '\0';
    if (!v)
        return 0;
    s = json_string_value(v);
    if (!s || strlen(s) >= cap)
        return err_set(err, ERR_PARSE, k, "stored field '%s' is not a string that fits", k);
    memcpy(buf, s, strlen(s) + 1);
    return 0;
}

static int get_dec(const json_t *o, const char *k, struct dec *d, struct err *err)
{
    const json_t *v = json_object_get(o, k);

    *d = dec_zero();
    if (!v)
        return 0;
    if (!json_is_string(v))
        return err_set(err, ERR_PARSE, k, "stored field '%s' is not a decimal string", k);
    return dec_parse_cstr(json_string_value(v), d, err);
}

static int get_date(const json_t *o, const char *k, struct date *d, struct err *err)
{
    const json_t *v = json_object_get(o, k);

    memset(d, 0, sizeof(*d));
    if (!v)
        return 0;
    if (!json_is_string(v))
        return err_set(err, ERR_PARSE, k, "stored field '%s' is not a date", k);
    return date_parse_cstr(json_string_value(v), d, err);
}

static int64_t get_int(const json_t *o, const char *k)
{
    const json_t *v = json_object_get(o, k);

    return json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}

static bool get_bool(const json_t *o, const char *k)
{
    return json_is_true(json_object_get(o, k));
}

static int get_term(const json_t *o, const char *k, enum term *t, struct err *err)
{
    const char *s = json_string_value(json_object_get(o, k));

    *t = TERM_P1M;
    if (!s)
        return 0;
    if (term_from_name(s, t) < 0)
        return err_set(err, ERR_PARSE, k, "unknown term '%s'", s);
    return 0;
}

static int get_billing(const json_t *o, const char *k, enum billing *b, struct err *err)
{
    const char *s = json_string_value(json_object_get(o, k));

    *b = BILLING_MONTHLY;
    if (!s)
        return 0;
    if (billing_from_name(s, b) < 0)
        return err_set(err, ERR_PARSE, k, "unknown billing '%s'", s);
    return 0;
}

static int get_decision(const json_t *o, const char *k, enum sub_decision *d, struct err *err)
{
    const char *s = json_string_value(json_object_get(o, k));

    *d = DECISION_RENEW;
    if (!s)
        return 0;
    if (sub_decision_from_name(s, d) < 0)
        return err_set(err, ERR_PARSE, k, "unknown decision '%s'", s);
    return 0;
}

static json_t *changes_to_json(const struct sub_changes *c)
{
    json_t *o = json_object();

    if (c->has_sku)
        put_str(o, "sku", c->sku);
    if (c->has_term)
        put_str(o, "term", term_name(c->term));
    if (c->has_billing)
        put_str(o, "billing", billing_name(c->billing));
    if (c->has_quantity)
        put_int(o, "quantity", c->quantity);
    return o;
}

static int changes_from_json(const json_t *o, struct sub_changes *c, struct err *err)
{
    memset(c, 0, sizeof(*c));
    if (!json_is_object(o))
        return 0;
    c->has_sku = json_object_get(o, "sku") != NULL;
    c->has_term = json_object_get(o, "term") != NULL;
    c->has_billing = json_object_get(o, "billing") != NULL;
    c->has_quantity = json_object_get(o, "quantity") != NULL;
    if (get_str(o, "sku", c->sku, sizeof(c->sku), err) < 0 ||
        get_term(o, "term", &c->term, err) < 0 ||
        get_billing(o, "billing", &c->billing, err) < 0)
        return -1;
    c->quantity = (int32_t)get_int(o, "quantity");
    return 0;
}

/* ---- state ---- */

json_t *sub_state_to_json(const struct sub *s)
{
    json_t *o = json_object(), *lots = json_array();

    put_int(o, "v", STATE_FORMAT);
    put_str(o, "status", sub_status_name(s->status));
    json_object_set_new(o, "suspended", json_boolean(s->suspended));
    if (s->trial)
        json_object_set_new(o, "trial", json_true());
    put_str(o, "sku", s->sku);
    put_str(o, "currency", s->currency);
    put_str(o, "term", term_name(s->term));
    put_str(o, "billing", billing_name(s->billing));
    put_int(o, "quantity", s->quantity);
    put_dec(o, "unit_price", s->unit_price);
    put_date(o, "term_start", s->term_start);
    put_date(o, "term_end", s->term_end);
    put_int(o, "cycle", s->cycle);
    put_int(o, "window_deadline", s->window_deadline);
    put_date(o, "purchased", s->purchased);
    put_str(o, "decision", sub_decision_name(s->decision));
    if (s->has_changes)
        json_object_set_new(o, "changes", changes_to_json(&s->changes));
    for (int i = 0; i < s->lots.n; i++) {
        json_t *l = json_array();

        json_array_append_new(l, json_integer(s->lots.v[i].added_at));
        json_array_append_new(l, json_integer(s->lots.v[i].deadline));
        json_array_append_new(l, json_integer(s->lots.v[i].qty));
        json_array_append_new(lots, l);
    }
    json_object_set_new(o, "lots", lots);
    put_int(o, "updated_at", s->updated_at);
    put_int(o, "seq", s->seq);
    return o;
}

int sub_state_from_json(const json_t *j, struct sub *s, struct err *err)
{
    const char *st;
    const json_t *lots;
    size_t i;

    sub_init(s);
    if (!json_is_object(j) || get_int(j, "v") != STATE_FORMAT)
        return err_set(err, ERR_PARSE, "state", "subscription snapshot is not format %d",
                       STATE_FORMAT);
    st = json_string_value(json_object_get(j, "status"));
    if (!st || sub_status_from_name(st, &s->status) < 0)
        return err_set(err, ERR_PARSE, "status", "subscription snapshot has a bad status");
    s->suspended = get_bool(j, "suspended");
    s->trial = get_bool(j, "trial");
    if (get_str(j, "sku", s->sku, sizeof(s->sku), err) < 0 ||
        get_str(j, "currency", s->currency, sizeof(s->currency), err) < 0 ||
        get_term(j, "term", &s->term, err) < 0 ||
        get_billing(j, "billing", &s->billing, err) < 0 ||
        get_dec(j, "unit_price", &s->unit_price, err) < 0 ||
        get_date(j, "term_start", &s->term_start, err) < 0 ||
        get_date(j, "term_end", &s->term_end, err) < 0 ||
        get_date(j, "purchased", &s->purchased, err) < 0 ||
        get_decision(j, "decision", &s->decision, err) < 0)
        return -1;
    s->quantity = (int32_t)get_int(j, "quantity");
    s->cycle = (int32_t)get_int(j, "cycle");
    s->window_deadline = get_int(j, "window_deadline");
    if (json_object_get(j, "changes")) {
        s->has_changes = true;
        if (changes_from_json(json_object_get(j, "changes"), &s->changes, err) < 0)
            return -1;
    }
    lots = json_object_get(j, "lots");
    if (json_array_size(lots) > LOTS_MAX)
        return err_set(err, ERR_PARSE, "lots", "subscription snapshot has too many lots");
    for (i = 0; i < json_array_size(lots); i++) {
        const json_t *l = json_array_get(lots, i);

        s->lots.v[i].added_at = json_integer_value(json_array_get(l, 0));
        s->lots.v[i].deadline = json_integer_value(json_array_get(l, 1));
        s->lots.v[i].qty = (int32_t)json_integer_value(json_array_get(l, 2));
    }
    s->lots.n = (int)i;
    s->updated_at = get_int(j, "updated_at");
    s->seq = get_int(j, "seq");
    return 0;
}

/* ---- events ---- */

static bool kind_has_plan(enum lc_event_kind k)
{
    return k == EV_CREATED || k == EV_SPLIT_CREATED || k == EV_RENEWED;
}

static bool kind_has_decision(enum lc_event_kind k)
{
    return k == EV_CREATED || k == EV_SPLIT_CREATED || k == EV_SUSPENDED ||
           k == EV_DECISION_SET;
}

static bool kind_has_price(enum lc_event_kind k)
{
    return k == EV_CREATED || k == EV_SPLIT_CREATED || k == EV_UPGRADED || k == EV_RENEWED ||
           k == EV_MOVED_TO_EST || k == EV_EST_RENEWED;
}

json_t *lc_event_to_json(const struct lc_event *ev)
{
    json_t *o = json_object();

    put_str(o, "sku", ev->sku);
    put_str(o, "currency", ev->currency);
    if (kind_has_plan(ev->kind)) {
        put_str(o, "term", term_name(ev->term));
        put_str(o, "billing", billing_name(ev->billing));
    }
    if (ev->quantity)
        put_int(o, "quantity", ev->quantity);
    if (kind_has_price(ev->kind))
        put_dec(o, "unit_price", ev->unit_price);
    if (kind_has_decision(ev->kind))
        put_str(o, "decision", sub_decision_name(ev->decision));
    if (ev->has_changes)
        json_object_set_new(o, "changes", changes_to_json(&ev->changes));
    put_date(o, "term_start", ev->term_start);
    put_date(o, "term_end", ev->term_end);
    if (ev->cycle)
        put_int(o, "cycle", ev->cycle);
    if (ev->window_deadline)
        put_int(o, "window_deadline", ev->window_deadline);
    put_date(o, "purchased", ev->purchased);
    put_str(o, "ref", ev->ref);
    if (ev->reason != EXPIRY_NONE)
        put_str(o, "reason", expiry_reason_name(ev->reason));
    return o;
}

/* ---- the same event text without jansson (the daily cycle writes one per due subscription) */

struct jbuf {
    char *p;
    size_t cap, n;
    bool bad, first;
};

static void jput(struct jbuf *b, const char *s, size_t k)
{
    if (b->n + k + 1 > b->cap) {
        b->bad = true;
        return;
    }
    memcpy(b->p + b->n, s, k);
    b->n += k;
    b->p[b->n] = '\0';
}

static void jkey(struct jbuf *b, const char *k)
{
    if (!b->first)
        jput(b, ",", 1);
    b->first = false;
    jput(b, "\"", 1);
    jput(b, k, strlen(k));
    jput(b, "\":", 2);
}

/* Only strings jansson would write as they are: printable ASCII without '"' or '\\'. */
static void jstr(struct jbuf *b, const char *k, const char *v)
{
    size_t n;

    if (!v || !v[0])
        return;
    n = strlen(v);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)v[i];

        if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
            b->bad = true;
    }
    jkey(b, k);
    jput(b, "\"", 1);
    jput(b, v, n);
    jput(b, "\"", 1);
}

static void jint(struct jbuf *b, const char *k, int64_t v)
{
    char d[24], *o = d + sizeof(d);
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

    do {
        *--o = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--o = '-';
    jkey(b, k);
    jput(b, o, (size_t)(d + sizeof(d) - o));
}

static void jdate(struct jbuf *b, const char *k, struct date d)
{
    char t[DATE_STRLEN];

    if (d.year == 0)
        return;
    date_format(d, t);
    jstr(b, k, t);
}

int lc_event_text(const struct lc_event *ev, char *buf, size_t cap)
{
    struct jbuf b = {buf, cap, 0, false, true};

    if (cap == 0)
        return -1;
    buf[0] = '\0';
    jput(&b, "{", 1);
    jstr(&b, "sku", ev->sku);
    jstr(&b, "currency", ev->currency);
    if (kind_has_plan(ev->kind)) {
        jstr(&b, "term", term_name(ev->term));
        jstr(&b, "billing", billing_name(ev->billing));
    }
    if (ev->quantity)
        jint(&b, "quantity", ev->quantity);
    if (kind_has_price(ev->kind)) {
        char price[DEC_STRLEN];

        dec_format(ev->unit_price, price);
        jstr(&b, "unit_price", price);
    }
    if (kind_has_decision(ev->kind))
        jstr(&b, "decision", sub_decision_name(ev->decision));
    if (ev->has_changes) {
        const struct sub_changes *c = &ev->changes;

        jkey(&b, "changes");
        jput(&b, "{", 1);
        b.first = true;
        if (c->has_sku)
            jstr(&b, "sku", c->sku);
        if (c->has_term)
            jstr(&b, "term", term_name(c->term));
        if (c->has_billing)
            jstr(&b, "billing", billing_name(c->billing));
        if (c->has_quantity)
            jint(&b, "quantity", c->quantity);
        jput(&b, "}", 1);
        b.first = false;
    }
    jdate(&b, "term_start", ev->term_start);
    jdate(&b, "term_end", ev->term_end);
    if (ev->cycle)
        jint(&b, "cycle", ev->cycle);
    if (ev->window_deadline)
        jint(&b, "window_deadline", ev->window_deadline);
    jdate(&b, "purchased", ev->purchased);
    jstr(&b, "ref", ev->ref);
    if (ev->reason != EXPIRY_NONE)
        jstr(&b, "reason", expiry_reason_name(ev->reason));
    jput(&b, "}", 1);
    return b.bad ? -1 : (int)b.n;
}

int lc_event_from_json(enum lc_event_kind kind, instant_t at, const json_t *j,
                       struct lc_event *ev, struct err *err)
{
    const char *reason;

    memset(ev, 0, sizeof(*ev));
    ev->kind = kind;
    ev->at = at;
    if (!j)
        return 0;
    if (!json_is_object(j))
        return err_set(err, ERR_PARSE, "data", "stored event data is not an object");
    if (get_str(j, "sku", ev->sku, sizeof(ev->sku), err) < 0 ||
        get_str(j, "currency", ev->currency, sizeof(ev->currency), err) < 0 ||
        get_term(j, "term", &ev->term, err) < 0 ||
        get_billing(j, "billing", &ev->billing, err) < 0 ||
        get_dec(j, "unit_price", &ev->unit_price, err) < 0 ||
        get_decision(j, "decision", &ev->decision, err) < 0 ||
        get_date(j, "term_start", &ev->term_start, err) < 0 ||
        get_date(j, "term_end", &ev->term_end, err) < 0 ||
        get_date(j, "purchased", &ev->purchased, err) < 0 ||
        get_str(j, "ref", ev->ref, sizeof(ev->ref), err) < 0)
        return -1;
    ev->quantity = (int32_t)get_int(j, "quantity");
    ev->cycle = (int32_t)get_int(j, "cycle");
    ev->window_deadline = get_int(j, "window_deadline");
    if (json_object_get(j, "changes")) {
        ev->has_changes = true;
        if (changes_from_json(json_object_get(j, "changes"), &ev->changes, err) < 0)
            return -1;
    }
    reason = json_string_value(json_object_get(j, "reason"));
    if (reason && expiry_reason_from_name(reason, &ev->reason) < 0)
        return err_set(err, ERR_PARSE, "reason", "unknown expiry reason '%s'", reason);
    return 0;
}
