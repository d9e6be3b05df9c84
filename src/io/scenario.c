/*
 * io/scenario.c — parsing and validating a scenario file (see scenario.h; format in
 * ../shared/domain/scenarios.md and docs/scenarios.md).
 *
 * Bounded: a file is read whole only under SCENARIO_MAX_BYTES, lists hold at most
 * SCENARIO_MAX_ITEMS, strings must fit their fixed buffers, numbers are JSON integers within
 * range, amounts decimal strings parsed exactly by dec_parse (never through a double), dates
 * and instants by core/date. The first problem found is reported with its place
 * ("steps[3].quantity: ...") and nothing else is guessed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/currency.h"
#include "io/scenario.h"

static const char *const do_names[] = {
    [DO_ORDER] = "order",
    [DO_SET_QUANTITY] = "set_quantity",
    [DO_UPGRADE] = "upgrade",
    [DO_CANCEL] = "cancel",
    [DO_SUSPEND] = "suspend",
    [DO_REACTIVATE] = "reactivate",
    [DO_SET_AUTO_RENEW] = "set_auto_renew",
    [DO_SCHEDULE] = "schedule",
    [DO_PRICE] = "price",
    [DO_RATE] = "rate",
    [DO_UNTIL] = "until",
};

const char *scenario_do_name(enum scenario_do d)
{
    return (unsigned)d <= DO_UNTIL ? do_names[d] : "?";
}

/* The place being parsed, for messages. */
struct where {
    char at[96];
};

static int bad(struct err *err, const struct where *w, const char *key, const char *what)
{
    if (key)
        return err_set(err, ERR_INVALID, key, "%s%s%s: %s", w->at, w->at[0] ? "." : "", key,
                       what);
    return err_set(err, ERR_INVALID, "", "%s: %s", w->at, what);
}

static const json_t *need(const json_t *o, const char *key, const struct where *w,
                          struct err *err)
{
    const json_t *v = json_object_get(o, key);

    if (!v)
        bad(err, w, key, "missing");
    return v;
}

static int get_string(const json_t *o, const char *key, bool required, char *buf, size_t cap,
                      bool *present, const struct where *w, struct err *err)
{
    const json_t *v = json_object_get(o, key);
    const char *s;

    if (present)
        *present = v != NULL;
    if (!v) {
        if (required)
            return bad(err, w, key, "missing");
        return 0;
    }
    s = json_string_value(v);
    if (!s)
        return bad(err, w, key, "must be a string");
    if (!s[0])
        return bad(err, w, key, "must not be empty");
    if (strlen(s) >= cap)
        return bad(err, w, key, "too long");
    memcpy(buf, s, strlen(s) + 1);
    return 0;
}

static int get_int(const json_t *o, const char *key, bool required, int32_t *out,
                   bool *present, const struct where *w, struct err *err)
{
    const json_t *v = json_object_get(o, key);
    json_int_t n;

    if (present)
        *present = v != NULL;
    if (!v)
        return required ? bad(err, w, key, "missing") : 0;
    if (!json_is_integer(v))
        return bad(err, w, key, "must be a whole number");
    n = json_integer_value(v);
    if (n < -2000000000LL || n > 2000000000LL)
        return bad(err, w, key, "out of range");
    *out = (int32_t)n;
    return 0;
}

static int get_bool(const json_t *o, const char *key, bool *out, bool *present,
                    const struct where *w, struct err *err)
{
    const json_t *v = json_object_get(o, key);

    if (present)
        *present = v != NULL;
    if (!v)
        return 0;
    if (!json_is_boolean(v))
        return bad(err, w, key, "must be true or false");
    *out = json_is_true(v);
    return 0;
}

/*
 * The decimals a decimal string writes (scenarios.md: effective_unit_price is compared after
 * rounding to them): the digits after the point less the exponent ("94.08E-1" writes 9.408:
 * 3), within 0..DEC_SCALE (more written digits than cspd keeps compare at its 18). `s` has
 * passed dec_parse.
 */
static int written_places(const char *s)
{
    long n = 0, e = 0;
    bool eneg = false;

    while (*s && *s != '.' && *s != 'e' && *s != 'E')
        s++;
    if (*s == '.')
        for (s++; *s >= '0' && *s <= '9'; s++)
            n++;
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-')
            eneg = *s++ == '-';
        for (; *s >= '0' && *s <= '9'; s++)
            if (e < 1000)
                e = e * 10 + (*s - '0');
    }
    n += eneg ? e : -e;
    return n < 0 ? 0 : n > DEC_SCALE ? DEC_SCALE : (int)n;
}

/* A decimal amount: a string ("10.08"), or a JSON integer. Never a JSON real. */
static int get_dec(const json_t *o, const char *key, bool required, struct dec *out,
                   int *places, bool *present, const struct where *w, struct err *err)
{
    const json_t *v = json_object_get(o, key);
    struct err e;

    if (present)
        *present = v != NULL;
    if (!v)
        return required ? bad(err, w, key, "missing") : 0;
    if (json_is_integer(v)) {
        *out = dec_from_i64((int64_t)json_integer_value(v));
        if (places)
            *places = 0;
        return 0;
    }
    if (!json_is_string(v))
        return bad(err, w, key, "must be a decimal string such as \"10.08\"");
    if (dec_parse_cstr(json_string_value(v), out, &e) < 0) {
        char msg[300];

        snprintf(msg, sizeof(msg), "\"%s\" is not a decimal amount (%s)",
                 json_string_value(v), e.msg);
        return bad(err, w, key, msg);
    }
    if (places)
        *places = written_places(json_string_value(v));
    return 0;
}

static int get_date(const json_t *o, const char *key, bool required, struct date *out,
                    bool *present, const struct where *w, struct err *err)
{
    const json_t *v = json_object_get(o, key);
    struct err e;

    if (present)
        *present = v != NULL;
    if (!v)
        return required ? bad(err, w, key, "missing") : 0;
    if (!json_is_string(v) || date_parse_cstr(json_string_value(v), out, &e) < 0)
        return bad(err, w, key, "must be a date YYYY-MM-DD");
    return 0;
}

static int get_instant(const json_t *o, const char *key, instant_t *out, const struct where *w,
                       struct err *err)
{
    const json_t *v = need(o, key, w, err);
    struct err e;

    if (!v)
        return -1;
    if (!json_is_string(v) || instant_parse_cstr(json_string_value(v), out, &e) < 0)
        return bad(err, w, key, "must be an instant such as \"2026-01-10T09:00:00Z\"");
    return 0;
}

static int get_currency(const json_t *o, const char *key, bool required, char out[CCY_MAX],
                        bool *present, const struct where *w, struct err *err)
{
    if (get_string(o, key, required, out, CCY_MAX, present, w, err) < 0)
        return -1;
    if ((required || (present && *present)) && !currency_is_known(out))
        return bad(err, w, key, "not an ISO 4217 currency cspd knows");
    return 0;
}

static int get_plan(const json_t *o, bool required, enum term *t, bool *has_t, enum billing *b,
                    bool *has_b, const struct where *w, struct err *err)
{
    char buf[16];
    bool p;

    if (get_string(o, "term", required, buf, sizeof(buf), &p, w, err) < 0)
        return -1;
    if (has_t)
        *has_t = p;
    if (p && term_from_name(buf, t) < 0)
        return bad(err, w, "term", "must be P1M, P1Y or P3Y");
    if (get_string(o, "billing", required, buf, sizeof(buf), &p, w, err) < 0)
        return -1;
    if (has_b)
        *has_b = p;
    if (p && billing_from_name(buf, b) < 0)
        return bad(err, w, "billing", "must be monthly, annual or triennial");
    return 0;
}

static int get_array(const json_t *o, const char *key, bool required, const json_t **arr,
                     const struct where *w, struct err *err)
{
    const json_t *v = json_object_get(o, key);

    *arr = NULL;
    if (!v)
        return required ? bad(err, w, key, "missing") : 0;
    if (!json_is_array(v))
        return bad(err, w, key, "must be a list");
    if (json_array_size(v) > SCENARIO_MAX_ITEMS)
        return bad(err, w, key, "too many entries");
    *arr = v;
    return 0;
}

static void *alloc_n(size_t n, size_t size, struct err *err)
{
    void *p = calloc(n ? n : 1, size);

    if (!p)
        err_set(err, ERR_NOMEM, "", "out of memory reading a scenario");
    return p;
}

/* ---- price rows (top-level prices[] and `price` steps) ---- */

static int parse_price(const json_t *o, const struct scenario *sc, struct price_point *p,
                       char *product, size_t product_cap, const struct where *w,
                       struct err *err)
{
    bool has;

    memset(p, 0, sizeof(*p));
    if (get_string(o, "sku", true, p->sku, sizeof(p->sku), NULL, w, err) < 0 ||
        get_plan(o, true, &p->term, NULL, &p->billing, NULL, w, err) < 0 ||
        get_dec(o, "unit_price", true, &p->unit_price, NULL, NULL, w, err) < 0 ||
        get_dec(o, "erp_price", false, &p->erp_price, NULL, NULL, w, err) < 0 ||
        get_date(o, "effective_from", true, &p->effective_from, NULL, w, err) < 0 ||
        get_currency(o, "currency", false, p->currency, &has, w, err) < 0)
        return -1;
    if (!plan_is_valid(p->term, p->billing))
        return bad(err, w, "billing", "this term is not offered with this billing plan");
    if (dec_is_neg(p->unit_price))
        return bad(err, w, "unit_price", "must not be negative");
    if (!has)
        memcpy(p->currency, sc->currency, CCY_MAX);
    memcpy(p->market, sc->market, MARKET_MAX);
    if (product && get_string(o, "product", false, product, product_cap, NULL, w, err) < 0)
        return -1;
    return 0;
}

/* ---- steps ---- */

static int parse_decision(const json_t *o, enum sub_decision *d, const struct where *w,
                          struct err *err)
{
    char buf[16];

    if (get_string(o, "action", true, buf, sizeof(buf), NULL, w, err) < 0)
        return -1;
    if (sub_decision_from_name(buf, d) < 0)
        return bad(err, w, "action", "must be renew, cancel or est");
    return 0;
}

static int parse_step(const json_t *o, const struct scenario *sc, struct scenario_step *st,
                      const struct where *w, struct err *err)
{
    char what[24];
    bool has = false;
    const json_t *u = json_object_get(o, "until");

    memset(st, 0, sizeof(*st));
    if (!json_is_object(o))
        return bad(err, w, NULL, "a step must be an object");
    if (u) {
        st->kind = DO_UNTIL;
        if (json_object_get(o, "do"))
            return bad(err, w, NULL, "a step has either \"until\" or \"do\", not both");
        return get_instant(o, "until", &st->at, w, err);
    }
    if (get_string(o, "do", true, what, sizeof(what), NULL, w, err) < 0 ||
        get_instant(o, "at", &st->at, w, err) < 0)
        return -1;
    for (int i = 0; i < DO_UNTIL; i++)
        if (strcmp(what, do_names[i]) == 0) {
            st->kind = (enum scenario_do)i;
            has = true;
        }
    if (!has)
        return bad(err, w, "do", "unknown action");

    switch (st->kind) {
    case DO_ORDER:
        st->auto_renew = true;
        if (get_string(o, "sub", true, st->sub, sizeof(st->sub), NULL, w, err) < 0 ||
            get_string(o, "sku", true, st->sku, sizeof(st->sku), &st->has_sku, w, err) < 0 ||
            get_plan(o, true, &st->term, &st->has_term, &st->billing, &st->has_billing, w,
                     err) < 0 ||
            get_int(o, "quantity", true, &st->quantity, &st->has_quantity, w, err) < 0 ||
            get_bool(o, "auto_renew", &st->auto_renew, NULL, w, err) < 0)
            return -1;
        st->has_promotion = json_object_get(o, "promotion") != NULL;
        st->has_end_date = json_object_get(o, "end_date") != NULL;
        if (!plan_is_valid(st->term, st->billing))
            return bad(err, w, "billing", "this term is not offered with this billing plan");
        return 0;
    case DO_SET_QUANTITY:
        return get_string(o, "sub", true, st->sub, sizeof(st->sub), NULL, w, err) < 0 ||
                       get_int(o, "quantity", true, &st->quantity, &st->has_quantity, w,
                               err) < 0
                   ? -1
                   : 0;
    case DO_UPGRADE:
        return get_string(o, "sub", true, st->sub, sizeof(st->sub), NULL, w, err) < 0 ||
                       get_string(o, "to_sku", true, st->to_sku, sizeof(st->to_sku), NULL, w,
                                  err) < 0 ||
                       get_int(o, "quantity", false, &st->quantity, &st->has_quantity, w,
                               err) < 0 ||
                       get_string(o, "new_sub", false, st->new_sub, sizeof(st->new_sub), NULL,
                                  w, err) < 0
                   ? -1
                   : 0;
    case DO_CANCEL:
    case DO_SUSPEND:
    case DO_REACTIVATE:
        return get_string(o, "sub", true, st->sub, sizeof(st->sub), NULL, w, err);
    case DO_SET_AUTO_RENEW:
        if (get_string(o, "sub", true, st->sub, sizeof(st->sub), NULL, w, err) < 0 ||
            get_bool(o, "value", &st->value, &has, w, err) < 0)
            return -1;
        return has ? 0 : bad(err, w, "value", "missing");
    case DO_SCHEDULE:
        if (get_string(o, "sub", true, st->sub, sizeof(st->sub), NULL, w, err) < 0 ||
            parse_decision(o, &st->action, w, err) < 0 ||
            get_string(o, "sku", false, st->sku, sizeof(st->sku), &st->has_sku, w, err) < 0 ||
            get_plan(o, false, &st->term, &st->has_term, &st->billing, &st->has_billing, w,
                     err) < 0 ||
            get_int(o, "quantity", false, &st->quantity, &st->has_quantity, w, err) < 0)
            return -1;
        if (st->action != DECISION_RENEW &&
            (st->has_sku || st->has_term || st->has_billing || st->has_quantity))
            return bad(err, w, "action", "only a renew can carry sku, term, billing or "
                       "quantity");
        return 0;
    case DO_PRICE:
        return parse_price(o, sc, &st->price, NULL, 0, w, err);
    case DO_RATE:
        if (get_currency(o, "from", true, st->rate.from, NULL, w, err) < 0 ||
            get_currency(o, "to", true, st->rate.to, NULL, w, err) < 0 ||
            get_dec(o, "rate", true, &st->rate.rate, NULL, NULL, w, err) < 0 ||
            get_date(o, "effective_from", true, &st->rate.effective_from, NULL, w, err) < 0)
            return -1;
        if (dec_cmp(st->rate.rate, dec_zero()) <= 0)
            return bad(err, w, "rate", "must be positive");
        return 0;
    case DO_UNTIL:
        break;
    }
    return 0;
}

/* ---- expectations ---- */

static int parse_expect_charge(const json_t *o, struct expect_charge *c, const struct where *w,
                               struct err *err)
{
    char type[32];
    bool p;

    memset(c, 0, sizeof(*c));
    if (!json_is_object(o))
        return bad(err, w, NULL, "an expected charge must be an object");
#define GIVEN(flag, call)          \
    do {                           \
        if ((call) < 0)            \
            return -1;             \
        if (p)                     \
            c->given |= (flag);    \
    } while (0)
    GIVEN(EK_SUB, get_string(o, "sub", false, c->sub, sizeof(c->sub), &p, w, err));
    GIVEN(EK_SKU, get_string(o, "sku", false, c->sku, sizeof(c->sku), &p, w, err));
    GIVEN(EK_TYPE, get_string(o, "charge_type", false, type, sizeof(type), &p, w, err));
    if ((c->given & EK_TYPE) && charge_type_from_name(type, &c->type) < 0)
        return bad(err, w, "charge_type", "not one of Microsoft's charge types");
    GIVEN(EK_START, get_date(o, "start", false, &c->start, &p, w, err));
    GIVEN(EK_END, get_date(o, "end", false, &c->end, &p, w, err));
    GIVEN(EK_QUANTITY, get_int(o, "quantity", false, &c->quantity, &p, w, err));
    GIVEN(EK_UNIT_PRICE, get_dec(o, "unit_price", false, &c->unit_price, NULL, &p, w, err));
    GIVEN(EK_EUP, get_dec(o, "effective_unit_price", false, &c->eup, &c->eup_places, &p, w,
                          err));
    GIVEN(EK_SUBTOTAL, get_dec(o, "subtotal", false, &c->subtotal, NULL, &p, w, err));
    GIVEN(EK_CURRENCY, get_currency(o, "currency", false, c->currency, &p, w, err));
    GIVEN(EK_BILLING_CURRENCY,
          get_currency(o, "billing_currency", false, c->billing_currency, &p, w, err));
    GIVEN(EK_BILLING_SUBTOTAL,
          get_dec(o, "billing_subtotal", false, &c->billing_subtotal, NULL, &p, w, err));
    GIVEN(EK_EST, get_bool(o, "est", &c->est, &p, w, err));
#undef GIVEN
    c->src = json_deep_copy(o);
    return 0;
}

static int parse_expect_state(const json_t *o, struct expect_state *s, const struct where *w,
                              struct err *err)
{
    bool p;
    enum sub_status st;

    memset(s, 0, sizeof(*s));
    if (!json_is_object(o))
        return bad(err, w, NULL, "an expected state must be an object");
    if (get_string(o, "sub", true, s->sub, sizeof(s->sub), NULL, w, err) < 0)
        return -1;
    if (get_string(o, "status", false, s->status, sizeof(s->status), &p, w, err) < 0)
        return -1;
    if (p) {
        s->given |= SK_STATUS;
        if (strcmp(s->status, "suspended") != 0 && sub_status_from_name(s->status, &st) < 0)
            return bad(err, w, "status",
                       "must be active, suspended, est, cancelled or expired");
    }
    if (get_int(o, "quantity", false, &s->quantity, &p, w, err) < 0)
        return -1;
    s->given |= p ? SK_QUANTITY : 0;
    if (get_date(o, "term_end", false, &s->term_end, &p, w, err) < 0)
        return -1;
    s->given |= p ? SK_TERM_END : 0;
    if (get_bool(o, "auto_renew", &s->auto_renew, &p, w, err) < 0)
        return -1;
    s->given |= p ? SK_AUTO_RENEW : 0;
    if (get_string(o, "sku", false, s->sku, sizeof(s->sku), &p, w, err) < 0)
        return -1;
    s->given |= p ? SK_SKU : 0;
    return 0;
}

static int parse_expect(const json_t *ex, struct scenario *sc, struct err *err)
{
    struct where w = {"expect"};
    const json_t *arr;
    size_t i;

    if (!json_is_object(ex))
        return bad(err, &w, NULL, "must be an object");
    sc->has_expect = true;
    sc->has_charges = json_object_get(ex, "charges") != NULL;
    sc->has_refusals = json_object_get(ex, "refusals") != NULL;
    if (get_array(ex, "charges", false, &arr, &w, err) < 0)
        return -1;
    sc->charges = alloc_n(json_array_size(arr), sizeof(*sc->charges), err);
    if (!sc->charges)
        return -1;
    for (i = 0; i < json_array_size(arr); i++) {
        snprintf(w.at, sizeof(w.at), "expect.charges[%zu]", i);
        if (parse_expect_charge(json_array_get(arr, i), &sc->charges[i], &w, err) < 0)
            return -1;
        sc->ncharges++;
    }
    snprintf(w.at, sizeof(w.at), "expect");
    if (get_array(ex, "refusals", false, &arr, &w, err) < 0)
        return -1;
    sc->refusals = alloc_n(json_array_size(arr), sizeof(*sc->refusals), err);
    if (!sc->refusals)
        return -1;
    for (i = 0; i < json_array_size(arr); i++) {
        const json_t *r = json_array_get(arr, i);
        struct expect_refusal *x = &sc->refusals[i];

        snprintf(w.at, sizeof(w.at), "expect.refusals[%zu]", i);
        if (!json_is_object(r))
            return bad(err, &w, NULL, "a refusal must be an object");
        if (get_int(r, "step", true, &x->step, NULL, &w, err) < 0 ||
            get_string(r, "code", true, x->code, sizeof(x->code), NULL, &w, err) < 0)
            return -1;
        if (x->step < 0 || (size_t)x->step >= sc->nsteps)
            return bad(err, &w, "step", "is not the index of a step");
        sc->nrefusals++;
    }
    snprintf(w.at, sizeof(w.at), "expect");
    if (get_array(ex, "state", false, &arr, &w, err) < 0)
        return -1;
    sc->states = alloc_n(json_array_size(arr), sizeof(*sc->states), err);
    if (!sc->states)
        return -1;
    for (i = 0; i < json_array_size(arr); i++) {
        snprintf(w.at, sizeof(w.at), "expect.state[%zu]", i);
        if (parse_expect_state(json_array_get(arr, i), &sc->states[i], &w, err) < 0)
            return -1;
        sc->nstates++;
    }
    return 0;
}

/* ---- the file ---- */

static int parse_root(const json_t *root, struct scenario *sc, struct err *err)
{
    struct where w = {""};
    const json_t *arr;
    size_t i;
    instant_t last = INT64_MIN;

    if (!json_is_object(root))
        return err_set(err, ERR_INVALID, "", "the file must hold one JSON object");
    w.at[0] = '\0';
    /* the name is for people: any length, kept truncated */
    if (json_object_get(root, "name") && !json_is_string(json_object_get(root, "name")))
        return bad(err, &w, "name", "must be a string");
    snprintf(sc->name, sizeof(sc->name), "%s",
             json_string_value(json_object_get(root, "name")) ?
                 json_string_value(json_object_get(root, "name")) : "");
    if (get_string(root, "market", true, sc->market, sizeof(sc->market), NULL, &w, err) < 0 ||
        get_currency(root, "currency", true, sc->currency, NULL, &w, err) < 0)
        return -1;

    /* optional (cspd's extension): "customer": {"mca_accepted": false} */
    sc->mca_accepted = true;
    if (json_object_get(root, "customer")) {
        const json_t *cu = json_object_get(root, "customer");

        snprintf(w.at, sizeof(w.at), "customer");
        if (!json_is_object(cu))
            return bad(err, &w, NULL, "must be an object");
        if (get_bool(cu, "mca_accepted", &sc->mca_accepted, NULL, &w, err) < 0)
            return -1;
        w.at[0] = '\0';
    }
    if (get_array(root, "upgrade_paths", false, &arr, &w, err) < 0)
        return -1;
    sc->paths = alloc_n(json_array_size(arr), sizeof(*sc->paths), err);
    if (!sc->paths)
        return -1;
    for (i = 0; i < json_array_size(arr); i++) {
        const json_t *p = json_array_get(arr, i);

        snprintf(w.at, sizeof(w.at), "upgrade_paths[%zu]", i);
        if (!json_is_object(p))
            return bad(err, &w, NULL, "must be an object {\"from\": SKU, \"to\": SKU}");
        if (get_string(p, "from", true, sc->paths[i].from, SKU_MAX, NULL, &w, err) < 0 ||
            get_string(p, "to", true, sc->paths[i].to, SKU_MAX, NULL, &w, err) < 0)
            return -1;
        sc->npaths++;
    }

    w.at[0] = '\0';
    if (get_array(root, "prices", false, &arr, &w, err) < 0)
        return -1;
    sc->prices = alloc_n(json_array_size(arr), sizeof(*sc->prices), err);
    sc->products = alloc_n(json_array_size(arr), sizeof(*sc->products), err);
    if (!sc->prices || !sc->products)
        return -1;
    for (i = 0; i < json_array_size(arr); i++) {
        snprintf(w.at, sizeof(w.at), "prices[%zu]", i);
        if (!json_is_object(json_array_get(arr, i)))
            return bad(err, &w, NULL, "must be an object");
        if (parse_price(json_array_get(arr, i), sc, &sc->prices[i], sc->products[i],
                        sizeof(sc->products[i]), &w, err) < 0)
            return -1;
        sc->nprices++;
    }

    w.at[0] = '\0';
    if (get_array(root, "steps", true, &arr, &w, err) < 0)
        return -1;
    sc->steps = alloc_n(json_array_size(arr), sizeof(*sc->steps), err);
    if (!sc->steps)
        return -1;
    for (i = 0; i < json_array_size(arr); i++) {
        snprintf(w.at, sizeof(w.at), "steps[%zu]", i);
        if (parse_step(json_array_get(arr, i), sc, &sc->steps[i], &w, err) < 0)
            return -1;
        if (sc->steps[i].at < last)
            return bad(err, &w, NULL, "steps must be in time order (this one is earlier than "
                       "the one before)");
        last = sc->steps[i].at;
        sc->nsteps++;
    }
    if (json_object_get(root, "expect"))
        return parse_expect(json_object_get(root, "expect"), sc, err);
    return 0;
}

int scenario_load(const char *path, struct scenario *sc, struct err *err)
{
    struct stat stt;
    json_error_t je;
    json_t *root;
    int rc;

    memset(sc, 0, sizeof(*sc));
    if (stat(path, &stt) < 0)
        return err_set(err, ERR_IO, "", "cannot read the file");
    if (stt.st_size > SCENARIO_MAX_BYTES)
        return err_set(err, ERR_TOO_BIG, "", "file larger than %d bytes", SCENARIO_MAX_BYTES);
    root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!root)
        return err_set(err, ERR_PARSE, "", "not valid JSON at line %d, column %d: %s",
                       je.line, je.column, je.text);
    rc = parse_root(root, sc, err);
    json_decref(root);
    if (rc < 0)
        scenario_release(sc);
    return rc;
}

void scenario_release(struct scenario *sc)
{
    for (size_t i = 0; i < sc->ncharges; i++)
        json_decref(sc->charges[i].src);
    free(sc->prices);
    free(sc->products);
    free(sc->paths);
    free(sc->steps);
    free(sc->charges);
    free(sc->refusals);
    free(sc->states);
    memset(sc, 0, sizeof(*sc));
}
