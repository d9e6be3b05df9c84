/*
 * io/scenario_check.c — comparing what the engine computed with a scenario's `expect` block,
 * and printing it (see scenario.h; pairing rules in ../shared/domain/scenarios.md).
 *
 * Charges: an expected line pairs with a computed line equal on every key it gives (amounts as
 * numbers; effective_unit_price after rounding the computed value half-up to the decimals the
 * file writes). Lines are paired by maximum bipartite matching (Kuhn's augmenting paths), so a
 * loose expected line can never steal the only partner of a stricter one and cause a false
 * mismatch. Unpaired lines on either side are the diff, each unpaired expected line shown with
 * its nearest computed line and the keys that differ. Refusals pair as {step, code}; states
 * compare the keys given per subscription. Sizes are a scenario's (hundreds of lines), so the
 * O(lines^2) candidate lists are fine.
 */
#include <stdlib.h>
#include <string.h>

#include "io/scenario.h"

/* ---- JSON of computed values ---- */

static void put_dec(json_t *o, const char *k, struct dec d)
{
    char buf[DEC_STRLEN];

    dec_format(d, buf);
    json_object_set_new(o, k, json_string(buf));
}

static void put_date(json_t *o, const char *k, struct date d)
{
    char buf[DATE_STRLEN];

    date_format(d, buf);
    json_object_set_new(o, k, json_string(buf));
}

static json_t *charge_json(const struct result_charge *c)
{
    const struct charge_line *l = &c->line;
    json_t *o = json_object();

    json_object_set_new(o, "sub", json_string(c->sub));
    json_object_set_new(o, "sku", json_string(l->sku));
    json_object_set_new(o, "charge_type", json_string(charge_type_name(l->type)));
    put_date(o, "start", l->start);
    put_date(o, "end", l->end);
    json_object_set_new(o, "quantity", json_integer(l->quantity));
    put_dec(o, "unit_price", l->unit_price);
    put_dec(o, "effective_unit_price", l->effective_unit_price);
    put_dec(o, "subtotal", l->subtotal);
    json_object_set_new(o, "currency", json_string(l->currency));
    json_object_set_new(o, "billing_currency", json_string(l->billing_currency));
    if (l->has_billing_subtotal)
        put_dec(o, "billing_subtotal", l->billing_subtotal);
    if (!dec_is_zero(l->fx_rate))
        put_dec(o, "exchange_rate", l->fx_rate);
    if (l->est)
        json_object_set_new(o, "est", json_true());
    return o;
}

static json_t *state_json(const struct result_state *st)
{
    const struct sub *s = &st->s;
    json_t *o = json_object();

    json_object_set_new(o, "sub", json_string(st->sub));
    json_object_set_new(o, "status", json_string(sub_status_label(s)));
    json_object_set_new(o, "sku", json_string(s->sku));
    json_object_set_new(o, "quantity", json_integer(s->quantity));
    put_date(o, "term_end", s->term_end);
    json_object_set_new(o, "auto_renew", json_boolean(sub_auto_renew(s)));
    return o;
}

json_t *scenario_result_json(const struct scenario *sc, const struct scenario_result *res)
{
    json_t *o = json_object(), *ch = json_array(), *rf = json_array(), *st = json_array();

    json_object_set_new(o, "name", json_string(sc->name));
    for (size_t i = 0; i < res->ncharges; i++)
        json_array_append_new(ch, charge_json(&res->charges[i]));
    for (size_t i = 0; i < res->nrefusals; i++) {
        json_t *r = json_object();

        json_object_set_new(r, "step", json_integer(res->refusals[i].step));
        json_object_set_new(r, "code", json_string(res->refusals[i].code));
        json_object_set_new(r, "message", json_string(res->refusals[i].msg));
        json_array_append_new(rf, r);
    }
    for (size_t i = 0; i < res->nstates; i++)
        json_array_append_new(st, state_json(&res->states[i]));
    json_object_set_new(o, "charges", ch);
    json_object_set_new(o, "refusals", rf);
    json_object_set_new(o, "state", st);
    return o;
}

static void print_json_line(FILE *out, const char *prefix, json_t *j)
{
    char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);

    fprintf(out, "%s%s\n", prefix, s ? s : "?");
    free(s);
}

/* ---- charge pairing ---- */

static bool dec_eq(struct dec a, struct dec b)
{
    return dec_cmp(a, b) == 0;
}

/* Keys of `e` that `c` does not match (a bit per key, 0 = a pair). */
static unsigned charge_diff(const struct expect_charge *e, const struct result_charge *rc)
{
    const struct charge_line *c = &rc->line;
    unsigned d = 0;
    struct dec r;
    struct err err;

    if ((e->given & EK_SUB) && strcmp(e->sub, rc->sub) != 0)
        d |= EK_SUB;
    if ((e->given & EK_SKU) && strcmp(e->sku, c->sku) != 0)
        d |= EK_SKU;
    if ((e->given & EK_TYPE) && e->type != c->type)
        d |= EK_TYPE;
    if ((e->given & EK_START) && date_cmp(e->start, c->start) != 0)
        d |= EK_START;
    if ((e->given & EK_END) && date_cmp(e->end, c->end) != 0)
        d |= EK_END;
    if ((e->given & EK_QUANTITY) && e->quantity != c->quantity)
        d |= EK_QUANTITY;
    if ((e->given & EK_UNIT_PRICE) && !dec_eq(e->unit_price, c->unit_price))
        d |= EK_UNIT_PRICE;
    if (e->given & EK_EUP) {
        if (dec_round(c->effective_unit_price, e->eup_places, DEC_ROUND_HALF_UP, &r, &err) <
                0 ||
            !dec_eq(r, e->eup))
            d |= EK_EUP;
    }
    if ((e->given & EK_SUBTOTAL) && !dec_eq(e->subtotal, c->subtotal))
        d |= EK_SUBTOTAL;
    if ((e->given & EK_CURRENCY) && strcmp(e->currency, c->currency) != 0)
        d |= EK_CURRENCY;
    if ((e->given & EK_BILLING_CURRENCY) && strcmp(e->billing_currency, c->billing_currency))
        d |= EK_BILLING_CURRENCY;
    if ((e->given & EK_BILLING_SUBTOTAL) &&
        (!c->has_billing_subtotal || !dec_eq(e->billing_subtotal, c->billing_subtotal)))
        d |= EK_BILLING_SUBTOTAL;
    if ((e->given & EK_EST) && e->est != c->est)
        d |= EK_EST;
    return d;
}

struct matcher {
    size_t ne, nc;
    size_t **cand;   /* cand[i]: computed lines expected line i may pair with */
    size_t *ncand;
    long *match_c;   /* computed j -> expected i, or -1 */
    long *match_e;   /* expected i -> computed j, or -1 */
    char *seen;
};

static bool augment(struct matcher *m, size_t i)
{
    for (size_t k = 0; k < m->ncand[i]; k++) {
        size_t j = m->cand[i][k];

        if (m->seen[j])
            continue;
        m->seen[j] = 1;
        if (m->match_c[j] < 0 || augment(m, (size_t)m->match_c[j])) {
            m->match_c[j] = (long)i;
            m->match_e[i] = (long)j;
            return true;
        }
    }
    return false;
}

static const char *const key_names[] = {
    "sub", "sku", "charge_type", "start", "end", "quantity", "unit_price",
    "effective_unit_price", "subtotal", "currency", "billing_currency", "billing_subtotal",
    "est",
};

static int popcount(unsigned v)
{
    int n = 0;

    for (; v; v &= v - 1)
        n++;
    return n;
}

static void print_nearest(FILE *out, const struct expect_charge *e,
                          const struct scenario_result *res, const struct matcher *m)
{
    long best = -1;
    int bestd = 99;

    for (size_t j = 0; j < res->ncharges; j++) {
        int d = popcount(charge_diff(e, &res->charges[j])) * 2 + (m->match_c[j] >= 0);

        if (d < bestd) {
            bestd = d;
            best = (long)j;
        }
    }
    if (best >= 0) {
        unsigned d = charge_diff(e, &res->charges[best]);
        json_t *j = charge_json(&res->charges[best]);

        fprintf(out, "      nearest computed line differs in:");
        for (int k = 0; k < 13; k++)
            if (d & (1u << k))
                fprintf(out, " %s", key_names[k]);
        fprintf(out, "\n");
        print_json_line(out, "      ~ ", j);
        json_decref(j);
    }
}

static int check_charges(const struct scenario *sc, const struct scenario_result *res,
                         FILE *out)
{
    struct matcher m;
    size_t unpaired_e = 0, unpaired_c = 0;
    int rc = 0;

    memset(&m, 0, sizeof(m));
    m.ne = sc->ncharges;
    m.nc = res->ncharges;
    m.cand = calloc(m.ne + 1, sizeof(*m.cand));
    m.ncand = calloc(m.ne + 1, sizeof(*m.ncand));
    m.match_c = malloc((m.nc + 1) * sizeof(*m.match_c));
    m.match_e = malloc((m.ne + 1) * sizeof(*m.match_e));
    m.seen = malloc(m.nc + 1);
    if (!m.cand || !m.ncand || !m.match_c || !m.match_e || !m.seen) {
        fprintf(out, "  out of memory comparing charges\n");
        rc = 1;
        goto out;
    }
    for (size_t j = 0; j < m.nc; j++)
        m.match_c[j] = -1;
    for (size_t i = 0; i < m.ne; i++) {
        m.match_e[i] = -1;
        m.cand[i] = malloc((m.nc + 1) * sizeof(**m.cand));
        if (!m.cand[i]) {
            rc = 1;
            goto out;
        }
        for (size_t j = 0; j < m.nc; j++)
            if (charge_diff(&sc->charges[i], &res->charges[j]) == 0)
                m.cand[i][m.ncand[i]++] = j;
    }
    for (size_t i = 0; i < m.ne; i++) {
        memset(m.seen, 0, m.nc + 1);
        augment(&m, i);
    }
    for (size_t i = 0; i < m.ne; i++)
        unpaired_e += m.match_e[i] < 0;
    for (size_t j = 0; j < m.nc; j++)
        unpaired_c += m.match_c[j] < 0;
    if (unpaired_e) {
        fprintf(out, "  charges: %zu expected line(s) not computed:\n", unpaired_e);
        for (size_t i = 0; i < m.ne; i++) {
            if (m.match_e[i] >= 0)
                continue;
            print_json_line(out, "    - ", sc->charges[i].src);
            print_nearest(out, &sc->charges[i], res, &m);
        }
    }
    if (unpaired_c) {
        fprintf(out, "  charges: %zu computed line(s) not expected:\n", unpaired_c);
        for (size_t j = 0; j < m.nc; j++) {
            json_t *jl;

            if (m.match_c[j] >= 0)
                continue;
            jl = charge_json(&res->charges[j]);
            print_json_line(out, "    + ", jl);
            json_decref(jl);
        }
    }
    rc = unpaired_e || unpaired_c;
out:
    if (m.cand)
        for (size_t i = 0; i < m.ne; i++)
            free(m.cand[i]);
    free(m.cand);
    free(m.ncand);
    free(m.match_c);
    free(m.match_e);
    free(m.seen);
    return rc;
}

/* ---- refusals and states ---- */

static int check_refusals(const struct scenario *sc, const struct scenario_result *res,
                          FILE *out)
{
    char *used = calloc(res->nrefusals + 1, 1);
    int rc = 0;

    if (!used)
        return 1;
    for (size_t i = 0; i < sc->nrefusals; i++) {
        const struct expect_refusal *e = &sc->refusals[i];
        bool found = false;

        for (size_t j = 0; j < res->nrefusals && !found; j++) {
            if (!used[j] && res->refusals[j].step == e->step &&
                strcmp(res->refusals[j].code, e->code) == 0) {
                used[j] = 1;
                found = true;
            }
        }
        if (!found) {
            const char *got = NULL;

            for (size_t j = 0; j < res->nrefusals; j++)
                if (res->refusals[j].step == e->step)
                    got = res->refusals[j].code;
            fprintf(out, "  refusals: step %d (%s) expected refused with %s, %s%s\n", e->step,
                    scenario_do_name(sc->steps[e->step].kind), e->code,
                    got ? "refused with " : "accepted", got ? got : "");
            rc = 1;
        }
    }
    for (size_t j = 0; j < res->nrefusals; j++) {
        const struct result_refusal *r = &res->refusals[j];

        if (used[j])
            continue;
        fprintf(out, "  refusals: step %d (%s) refused with %s, not expected: %s\n", r->step,
                scenario_do_name(sc->steps[r->step].kind), r->code, r->msg);
        rc = 1;
    }
    free(used);
    return rc;
}

static int check_states(const struct scenario *sc, const struct scenario_result *res,
                        FILE *out)
{
    int rc = 0;

    for (size_t i = 0; i < sc->nstates; i++) {
        const struct expect_state *e = &sc->states[i];
        const struct result_state *got = NULL;
        char a[DATE_STRLEN], b[DATE_STRLEN];

        for (size_t j = 0; j < res->nstates; j++)
            if (strcmp(res->states[j].sub, e->sub) == 0)
                got = &res->states[j];
        if (!got) {
            fprintf(out, "  state %s: no such subscription was created\n", e->sub);
            rc = 1;
            continue;
        }
        if ((e->given & SK_STATUS) && strcmp(e->status, sub_status_label(&got->s)) != 0) {
            fprintf(out, "  state %s: status expected %s, computed %s\n", e->sub, e->status,
                    sub_status_label(&got->s));
            rc = 1;
        }
        if ((e->given & SK_QUANTITY) && e->quantity != got->s.quantity) {
            fprintf(out, "  state %s: quantity expected %ld, computed %ld\n", e->sub,
                    (long)e->quantity, (long)got->s.quantity);
            rc = 1;
        }
        if ((e->given & SK_TERM_END) && date_cmp(e->term_end, got->s.term_end) != 0) {
            date_format(e->term_end, a);
            date_format(got->s.term_end, b);
            fprintf(out, "  state %s: term_end expected %s, computed %s\n", e->sub, a, b);
            rc = 1;
        }
        if ((e->given & SK_AUTO_RENEW) && e->auto_renew != sub_auto_renew(&got->s)) {
            fprintf(out, "  state %s: auto_renew expected %s, computed %s\n", e->sub,
                    e->auto_renew ? "true" : "false",
                    sub_auto_renew(&got->s) ? "true" : "false");
            rc = 1;
        }
        if ((e->given & SK_SKU) && strcmp(e->sku, got->s.sku) != 0) {
            fprintf(out, "  state %s: sku expected %s, computed %s\n", e->sub, e->sku,
                    got->s.sku);
            rc = 1;
        }
    }
    return rc;
}

int scenario_check(const struct scenario *sc, const struct scenario_result *res, FILE *out)
{
    /* a list the expect block does not give is not compared; an empty one is */
    int a = sc->has_charges ? check_charges(sc, res, out) : 0;
    int b = sc->has_refusals ? check_refusals(sc, res, out) : 0;
    int c = check_states(sc, res, out);

    return a || b || c;
}
