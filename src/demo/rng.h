/*
 * demo/rng.h — the synthetic book's only source of chance: xoshiro256** seeded through
 * splitmix64 (Blackman & Vigna), so one 64-bit seed gives the same book on every machine.
 *
 * Never rand(): its sequence differs between C libraries. Draws are integers only — the
 * generator picks quantities, days and price rows with them; money stays struct dec.
 *
 * demo_randombytes_install() also routes libsodium's randombytes (object ids, password salts,
 * generated passwords and TOTP seeds) through a generator seeded from the same seed, so two
 * seeds of one size give byte-identical stores and files. It must run before sodium_init()
 * (id_init) and only in the `cspd demo` process: ids made so are predictable, which is what a
 * reproducible demo wants and what a real book must never have.
 */
#ifndef CSPD_DEMO_RNG_H
#define CSPD_DEMO_RNG_H

#include <stdint.h>

struct demo_rng {
    uint64_t s[4];
};

void demo_rng_seed(struct demo_rng *r, uint64_t seed);
uint64_t demo_rng_next(struct demo_rng *r);
/* Uniform in [0, n) without modulo bias; n > 0. */
uint32_t demo_rng_below(struct demo_rng *r, uint32_t n);
/* Uniform in [lo, hi]. */
int32_t demo_rng_range(struct demo_rng *r, int32_t lo, int32_t hi);
/* True with probability pct/100. */
int demo_rng_pct(struct demo_rng *r, uint32_t pct);

/* Make libsodium's randombytes deterministic for this process (see above); -1 on failure. */
int demo_randombytes_install(uint64_t seed);

#endif
