/*
 * domain/recon/match.c — the charge-type table and the sorted index of cspd's charge lines
 * that Microsoft's lines are looked up in (recon.h).
 *
 * The index is a flat array grown by doubling and sorted once with qsort; lookups are a lower
 * bound binary search followed by a short walk over the entries of the same key (usually one,
 * two for the refund/charge pair of a seat change with equal quantities on both sides). No
 * allocation per lookup.
 */
#include "domain/recon/recon.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* formats.md §1.2, exact spellings. */
static const char *const type_names[RT__COUNT] = {
    [RT_NEW] = "new",
    [RT_RENEW] = "renew",
    [RT_CYCLE_CHARGE] = "cycleCharge",
    [RT_ADD_QUANTITY] = "addQuantity",
    [RT_REMOVE_QUANTITY] = "removeQuantity",
    [RT_MOVE_QUANTITY] = "moveQuantity",
    [RT_CANCEL_IMMEDIATE] = "cancelImmediate",
    [RT_CONVERT] = "convert",
    [RT_CHANGE_BILLING_PLAN] = "changeBillingPlan",
    [RT_CUSTOMER_CREDIT] = "customerCredit",
    [RT_EXTEND_TERM] = "extendTerm",
    [RT_UNKNOWN] = "",
};

enum recon_type recon_type_parse(const char *s, size_t len)
{
    for (int t = 0; t < RT_UNKNOWN; t++)
        if (strlen(type_names[t]) == len && strncasecmp(type_names[t], s, len) == 0)
            return (enum recon_type)t;
    return RT_UNKNOWN;
}

const char *recon_type_name(enum recon_type t)
{
    return (unsigned)t < RT__COUNT ? type_names[t] : "";
}

static const char *const status_names[RS__COUNT] = {
    "matched", "amount_differs", "only_microsoft", "only_cspd", "usage",
};

const char *recon_status_name(enum recon_status s)
{
    return (unsigned)s < RS__COUNT ? status_names[s] : "";
}

int recon_status_parse(const char *s, enum recon_status *out)
{
    for (int i = 0; i < RS__COUNT; i++)
        if (strcmp(status_names[i], s) == 0) {
            *out = (enum recon_status)i;
            return 0;
        }
    return -1;
}

static const char *const cause_names[RC__COUNT] = {
    "", "price", "exchange_rate", "rounding_rule", "proration_days", "unknown",
    "unknown_subscription", "no_cspd_line", "not_billed",
};

const char *recon_cause_name(enum recon_cause c)
{
    return (unsigned)c < RC__COUNT ? cause_names[c] : "";
}

int recon_sign(struct dec amount, struct dec eup, struct dec qty)
{
    if (!dec_is_zero(amount))
        return dec_is_neg(amount) ? -1 : 1;
    if (!dec_is_zero(eup))
        return dec_is_neg(eup) ? -1 : 1;
    return dec_is_neg(qty) ? -1 : 1;
}

#define CMP(a, b) ((a) < (b) ? -1 : (a) > (b) ? 1 : 0)

int recon_key_cmp(const struct recon_key *a, const struct recon_key *b)
{
    int c;

    if ((c = CMP(a->sub, b->sub)) || (c = CMP(a->type, b->type)) ||
        (c = CMP(a->start, b->start)) || (c = CMP(a->end, b->end)) ||
        (c = CMP(a->qty, b->qty)) || (c = CMP(a->sign, b->sign)))
        return c;
    return 0;
}

void recon_index_init(struct recon_index *ix)
{
    memset(ix, 0, sizeof(*ix));
}

int recon_index_add(struct recon_index *ix, const struct recon_key *k,
                    const struct recon_amounts *a, uint32_t ref, struct err *err)
{
    if (ix->n == ix->cap) {
        size_t ncap = ix->cap ? ix->cap * 2 : 1024;
        struct recon_entry *p;

        if (ncap > SIZE_MAX / sizeof(*p))
            return err_set(err, ERR_NOMEM, "", "out of memory indexing charge lines");
        p = realloc(ix->v, ncap * sizeof(*p));
        if (!p)
            return err_set(err, ERR_NOMEM, "", "out of memory indexing charge lines");
        ix->v = p;
        ix->cap = ncap;
    }
    ix->v[ix->n].key = *k;
    ix->v[ix->n].a = *a;
    ix->v[ix->n].ref = ref;
    ix->v[ix->n].used = false;
    ix->n++;
    ix->sorted = false;
    return 0;
}

static int entry_cmp(const void *pa, const void *pb)
{
    const struct recon_entry *a = pa, *b = pb;
    int c = recon_key_cmp(&a->key, &b->key);

    return c ? c : CMP(a->ref, b->ref);
}

void recon_index_sort(struct recon_index *ix)
{
    if (ix->n > 1)
        qsort(ix->v, ix->n, sizeof(ix->v[0]), entry_cmp);
    ix->sorted = true;
}

bool recon_same_cents(struct dec a, struct dec b, int minor)
{
    struct err e;
    struct dec ra, rb;

    if (dec_round(a, minor, DEC_ROUND_HALF_UP, &ra, &e) ||
        dec_round(b, minor, DEC_ROUND_HALF_UP, &rb, &e))
        return false;
    return dec_cmp(ra, rb) == 0;
}

struct recon_entry *recon_index_take(struct recon_index *ix, const struct recon_key *k,
                                     struct dec amount, int minor)
{
    size_t lo = 0, hi = ix->n, i;
    struct recon_entry *first = NULL;

    if (!ix->sorted)
        recon_index_sort(ix);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (recon_key_cmp(&ix->v[mid].key, k) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (i = lo; i < ix->n && recon_key_cmp(&ix->v[i].key, k) == 0; i++) {
        if (ix->v[i].used)
            continue;
        if (!first)
            first = &ix->v[i];
        if (recon_same_cents(ix->v[i].a.amount, amount, minor)) {
            first = &ix->v[i];
            break;
        }
    }
    if (first)
        first->used = true;
    return first;
}

void recon_index_reset(struct recon_index *ix)
{
    for (size_t i = 0; i < ix->n; i++)
        ix->v[i].used = false;
}

void recon_index_release(struct recon_index *ix)
{
    free(ix->v);
    memset(ix, 0, sizeof(*ix));
}
