/*
 * demo/rng.c — xoshiro256** with splitmix64 seeding, and a libsodium randombytes
 * implementation drawing from it (see rng.h for why both exist).
 *
 * Workload: a few draws per generated subscription and 16 bytes per object id; a million
 * subscriptions need tens of millions of draws, a fraction of a second.
 */
#include "demo/rng.h"

#include <sodium.h>

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

void demo_rng_seed(struct demo_rng *r, uint64_t seed)
{
    uint64_t x = seed;

    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
}

uint64_t demo_rng_next(struct demo_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;

    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

uint32_t demo_rng_below(struct demo_rng *r, uint32_t n)
{
    /* Lemire's multiply-shift with rejection: unbiased. */
    uint64_t m = (uint64_t)(uint32_t)(demo_rng_next(r) >> 32) * n;
    uint32_t low = (uint32_t)m;

    if (low < n) {
        uint32_t threshold = (uint32_t)(-n) % n;

        while (low < threshold) {
            m = (uint64_t)(uint32_t)(demo_rng_next(r) >> 32) * n;
            low = (uint32_t)m;
        }
    }
    return (uint32_t)(m >> 32);
}

int32_t demo_rng_range(struct demo_rng *r, int32_t lo, int32_t hi)
{
    return lo + (int32_t)demo_rng_below(r, (uint32_t)(hi - lo + 1));
}

int demo_rng_pct(struct demo_rng *r, uint32_t pct)
{
    return demo_rng_below(r, 100) < pct;
}

/* ---- libsodium randombytes --------------------------------------------------------------- */

static struct demo_rng sodium_rng;

static const char *rb_name(void)
{
    return "cspd-demo-xoshiro256";
}

static uint32_t rb_random(void)
{
    return (uint32_t)(demo_rng_next(&sodium_rng) >> 32);
}

static void rb_buf(void *const buf, const size_t size)
{
    unsigned char *p = buf;
    size_t i = 0;

    while (i < size) {
        uint64_t v = demo_rng_next(&sodium_rng);
        size_t n = size - i < 8 ? size - i : 8;

        for (size_t k = 0; k < n; k++) /* byte order fixed: same ids on every host */
            p[i + k] = (unsigned char)(v >> (8 * k));
        i += n;
    }
}

static struct randombytes_implementation demo_impl = {
    .implementation_name = rb_name,
    .random = rb_random,
    .stir = NULL,
    .uniform = NULL, /* libsodium derives it from random() */
    .buf = rb_buf,
    .close = NULL,
};

int demo_randombytes_install(uint64_t seed)
{
    /* A different stream from the book's own: seed ^ a constant. */
    demo_rng_seed(&sodium_rng, seed ^ 0x5eed5eed5eed5eedULL);
    return randombytes_set_implementation(&demo_impl) == 0 ? 0 : -1;
}
