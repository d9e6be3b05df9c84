/*
 * svc/auth_secret.c — the random secrets of sessions, CSRF and API tokens, and the hashes the
 * store keeps instead of them.
 *
 * A secret is 32 bytes from randombytes_buf written as 64 hex characters (API tokens carry a
 * "cspd_" prefix so secret scanners can spot a leaked one). With 256 bits of entropy a plain
 * BLAKE2b-256 (crypto_generichash) is enough to store it: there is nothing to brute-force,
 * so no key and no slow hash are needed, and lookups are by the hash's exact value.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "svc/auth.h"

void auth_secret_new(const char *prefix, char out[AUTH_SECRET_MAX])
{
    unsigned char raw[32];
    size_t p = prefix ? strlen(prefix) : 0;

    if (p > AUTH_SECRET_MAX - 65)
        p = AUTH_SECRET_MAX - 65;
    memcpy(out, prefix ? prefix : "", p);
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2hex(out + p, AUTH_SECRET_MAX - p, raw, sizeof(raw));
    sodium_memzero(raw, sizeof(raw));
}

void auth_secret_hash(const char *secret, char out[USER_HASH_HEX])
{
    unsigned char h[32];

    crypto_generichash(h, sizeof(h), (const unsigned char *)secret, strlen(secret), NULL, 0);
    sodium_bin2hex(out, USER_HASH_HEX, h, sizeof(h));
}

bool auth_secret_matches(const char *secret, const char *stored_hash)
{
    char h[USER_HASH_HEX];

    if (!secret || !stored_hash || strlen(stored_hash) != USER_HASH_HEX - 1)
        return false;
    auth_secret_hash(secret, h);
    return sodium_memcmp(h, stored_hash, USER_HASH_HEX - 1) == 0;
}
