/*
 * domain/recon/key_index.c — the compact match index of a recon import (recon.h,
 * struct recon_key_index): 8 bytes per cspd charge, the key hashed to 32 bits beside the
 * charge's position in load order. The caller re-checks every hit against the charge itself
 * (the store), so a hash collision costs one extra read, never a wrong match.
 *
 * Sorted once with an in-place quicksort on the packed 64-bit words (no temporary buffer, no
 * comparison callback); lookups are a lower-bound binary search.
 */
#include "domain/recon/recon.h"

#include <stdlib.h>
#include <string.h>

/* splitmix64's finalizer: every input bit moves every output bit. */
static uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

static uint64_t fnv1a64(const char *s, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ULL;

    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

uint64_t recon_name_hash(const char *s, size_t len)
{
    return mix64(fnv1a64(s, len));
}

uint32_t recon_key_hash(const char *sub, size_t len, const struct recon_key *k)
{
    uint64_t h = fnv1a64(sub, len);

    h = mix64(h ^ ((uint64_t)(uint32_t)k->start << 32 | (uint32_t)k->end));
    h = mix64(h ^ (uint64_t)k->qty);
    h = mix64(h ^ ((uint64_t)k->type << 8 | (uint8_t)k->sign));
    return (uint32_t)(h >> 32);
}

void recon_key_index_init(struct recon_key_index *ix)
{
    memset(ix, 0, sizeof(*ix));
}

int recon_key_index_add(struct recon_key_index *ix, uint32_t hash, uint32_t ord,
                        struct err *err)
{
    if (ix->n == ix->cap) {
        size_t ncap = ix->cap ? ix->cap * 2 : 4096;
        uint64_t *p;

        if (ncap > SIZE_MAX / sizeof(*p))
            return err_set(err, ERR_NOMEM, "", "out of memory indexing charge lines");
        p = realloc(ix->v, ncap * sizeof(*p));
        if (!p)
            return err_set(err, ERR_NOMEM, "", "out of memory indexing charge lines");
        ix->v = p;
        ix->cap = ncap;
    }
    ix->v[ix->n++] = (uint64_t)hash << 32 | ord;
    return 0;
}

static void swap64(uint64_t *a, uint64_t *b)
{
    uint64_t t = *a;

    *a = *b;
    *b = t;
}

/* Quicksort, median of three, recursing into the smaller part (stack depth O(log n)). */
static void sort64(uint64_t *v, size_t n)
{
    while (n > 16) {
        size_t mid = n / 2, i = 0, j = n - 1;
        uint64_t pivot;

        if (v[mid] < v[0])
            swap64(&v[mid], &v[0]);
        if (v[n - 1] < v[0])
            swap64(&v[n - 1], &v[0]);
        if (v[n - 1] < v[mid])
            swap64(&v[n - 1], &v[mid]);
        pivot = v[mid];
        for (;;) { /* Hoare partition */
            while (v[i] < pivot)
                i++;
            while (v[j] > pivot)
                j--;
            if (i >= j)
                break;
            swap64(&v[i], &v[j]);
            i++;
            j--;
        }
        /* v[0..j] <= pivot <= v[j+1..n) */
        if (j + 1 < n - (j + 1)) {
            sort64(v, j + 1);
            v += j + 1;
            n -= j + 1;
        } else {
            sort64(v + j + 1, n - (j + 1));
            n = j + 1;
        }
    }
    for (size_t i = 1; i < n; i++) { /* insertion sort of the short rest */
        uint64_t x = v[i];
        size_t j = i;

        for (; j > 0 && v[j - 1] > x; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

void recon_key_index_sort(struct recon_key_index *ix)
{
    sort64(ix->v, ix->n);
}

void recon_sort_u64(uint64_t *v, size_t n)
{
    sort64(v, n);
}

size_t recon_key_index_find(const struct recon_key_index *ix, uint32_t hash, size_t *first)
{
    uint64_t want = (uint64_t)hash << 32;
    size_t lo = 0, hi = ix->n, i;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (ix->v[mid] < want)
            lo = mid + 1;
        else
            hi = mid;
    }
    *first = lo;
    for (i = lo; i < ix->n && (uint32_t)(ix->v[i] >> 32) == hash; i++)
        ;
    return i - lo;
}

void recon_key_index_release(struct recon_key_index *ix)
{
    free(ix->v);
    memset(ix, 0, sizeof(*ix));
}
