/*
 * domain/recon/names.c — the interned-name table of recon.h (struct recon_names): cspd's
 * subscription ids, and Microsoft's ids of the subscription map, looked up once per line of a
 * reconciliation file.
 *
 * Workload: up to a few million names per import, each looked up about once per Microsoft
 * line; so lookups are one hash and (nearly always) one string compare, and adding a name
 * copies it once into a growing arena. Open addressing with linear probing, kept at most half
 * full; the hash of every name is kept so growing the slot array never rehashes text.
 */
#include "domain/recon/recon.h"

#include <stdlib.h>
#include <string.h>

static uint32_t fnv1a(const char *s, size_t len)
{
    uint32_t h = 2166136261u;

    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

void recon_names_init(struct recon_names *t)
{
    memset(t, 0, sizeof(*t));
}

void recon_names_release(struct recon_names *t)
{
    free(t->text);
    free(t->off);
    free(t->hash);
    free(t->slot);
    memset(t, 0, sizeof(*t));
}

const char *recon_names_get(const struct recon_names *t, uint32_t num)
{
    return num < t->n ? t->text + t->off[num] : "";
}

static bool same(const struct recon_names *t, uint32_t num, const char *s, size_t len)
{
    const char *name = t->text + t->off[num];

    return memcmp(name, s, len) == 0 && name[len] == '\0';
}

static uint32_t find_hashed(const struct recon_names *t, const char *s, size_t len, uint32_t h)
{
    uint32_t mask = t->nslots - 1;

    if (!t->nslots)
        return RECON_NAME_NONE;
    for (uint32_t i = h & mask;; i = (i + 1) & mask) {
        uint32_t v = t->slot[i];

        if (v == 0)
            return RECON_NAME_NONE;
        if (t->hash[v - 1] == h && same(t, v - 1, s, len))
            return v - 1;
    }
}

uint32_t recon_names_find(const struct recon_names *t, const char *s, size_t len)
{
    return find_hashed(t, s, len, fnv1a(s, len));
}

static void place(struct recon_names *t, uint32_t num)
{
    uint32_t mask = t->nslots - 1, i = t->hash[num] & mask;

    while (t->slot[i])
        i = (i + 1) & mask;
    t->slot[i] = num + 1;
}

static int grow_slots(struct recon_names *t, struct err *err)
{
    uint32_t n = t->nslots ? t->nslots * 2 : 1024;
    uint32_t *s;

    if (n == 0 || n > UINT32_MAX / 2)
        return err_set(err, ERR_TOO_BIG, "", "too many names in one reconciliation");
    s = calloc(n, sizeof(*s));
    if (!s)
        return err_set(err, ERR_NOMEM, "", "out of memory indexing subscriptions");
    free(t->slot);
    t->slot = s;
    t->nslots = n;
    for (uint32_t i = 0; i < t->n; i++)
        place(t, i);
    return 0;
}

int recon_names_intern(struct recon_names *t, const char *s, size_t len, uint32_t *num,
                       struct err *err)
{
    uint32_t h = fnv1a(s, len), found = find_hashed(t, s, len, h);

    if (found != RECON_NAME_NONE) {
        *num = found;
        return 0;
    }
    if (t->text_len + len + 1 > UINT32_MAX || t->n == RECON_NAME_NONE - 1)
        return err_set(err, ERR_TOO_BIG, "", "too many names in one reconciliation");
    if (t->text_len + len + 1 > t->text_cap) {
        size_t cap = t->text_cap ? t->text_cap : 4096;
        char *p;

        while (cap < t->text_len + len + 1)
            cap *= 2;
        p = realloc(t->text, cap);
        if (!p)
            return err_set(err, ERR_NOMEM, "", "out of memory indexing subscriptions");
        t->text = p;
        t->text_cap = cap;
    }
    if (t->n == t->cap) {
        uint32_t cap = t->cap ? t->cap * 2 : 256;
        uint32_t *o = realloc(t->off, cap * sizeof(*o)), *hs;

        if (!o)
            return err_set(err, ERR_NOMEM, "", "out of memory indexing subscriptions");
        t->off = o;
        hs = realloc(t->hash, cap * sizeof(*hs));
        if (!hs)
            return err_set(err, ERR_NOMEM, "", "out of memory indexing subscriptions");
        t->hash = hs;
        t->cap = cap;
    }
    memcpy(t->text + t->text_len, s, len);
    t->text[t->text_len + len] = '\0';
    t->off[t->n] = (uint32_t)t->text_len;
    t->hash[t->n] = h;
    t->text_len += len + 1;
    *num = t->n++;
    if ((uint64_t)t->n * 2 > t->nslots) {
        if (grow_slots(t, err)) {
            t->n--;
            t->text_len -= len + 1;
            return -1;
        }
    } else {
        place(t, *num);
    }
    return 0;
}
