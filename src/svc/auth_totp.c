/*
 * svc/auth_totp.c — TOTP (RFC 6238) for multi-factor sign-in, on liboath (oath-toolkit).
 *
 * Parameters are the ones every authenticator app assumes: HMAC-SHA1, 6 digits, 30-second
 * steps counted from the Unix epoch, a 160-bit seed shown as base32. Verification accepts the
 * current step and one either side (clock drift, a code typed as it rolled over) and reports
 * which step matched; the caller stores it and passes it back as `last_step`, so a code (or
 * any code of an earlier step) is never accepted twice. Codes are compared in constant time
 * with sodium_memcmp after generating each candidate, rather than letting liboath compare.
 * liboath has no SHA-1 dependency of ours to carry and is what Debian ships (liboath-dev).
 */
#include <liboath/oath.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svc/auth.h"

#define TOTP_SEED_BYTES 20

static int oath_status = OATH_OK;
static pthread_once_t oath_once = PTHREAD_ONCE_INIT;

static void oath_start(void)
{
    oath_status = oath_init();
}

static int ready(struct err *err)
{
    pthread_once(&oath_once, oath_start);
    if (oath_status != OATH_OK)
        return err_set(err, ERR_INTERNAL, "", "liboath could not be initialised");
    return 0;
}

int auth_totp_secret_new(char out[USER_TOTP_MAX], struct err *err)
{
    unsigned char seed[TOTP_SEED_BYTES];
    char *b32 = NULL;
    size_t len = 0;
    int rc;

    if (ready(err) != 0)
        return -1;
    randombytes_buf(seed, sizeof(seed));
    rc = oath_base32_encode((const char *)seed, sizeof(seed), &b32, &len);
    sodium_memzero(seed, sizeof(seed));
    if (rc != OATH_OK || !b32)
        return err_set(err, ERR_NOMEM, "", "out of memory making a TOTP secret");
    while (len > 0 && b32[len - 1] == '=')
        len--;
    if (len >= USER_TOTP_MAX) {
        sodium_memzero(b32, len);
        free(b32);
        return err_set(err, ERR_INTERNAL, "", "TOTP secret longer than expected");
    }
    memcpy(out, b32, len);
    out[len] = '\0';
    sodium_memzero(b32, len);
    free(b32);
    return 0;
}

/* Percent-encode `s` for a URI path or query value (RFC 3986 unreserved kept). */
static int pct(const char *s, char *out, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;

    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.' || c == '_' || c == '~' || c == '@';

        if (o + 4 > n)
            return -1;
        if (keep) {
            out[o++] = (char)c;
        } else {
            out[o++] = '%';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        }
    }
    out[o] = '\0';
    return 0;
}

int auth_totp_uri(const char *secret, const char *account, char out[AUTH_TOTP_URI_MAX],
                  struct err *err)
{
    char acct[3 * USER_EMAIL_MAX];
    int n;

    if (pct(account, acct, sizeof(acct)) != 0)
        return err_set(err, ERR_INVALID, "email", "account name too long for a TOTP URI");
    n = snprintf(out, AUTH_TOTP_URI_MAX,
                 "otpauth://totp/cspd:%s?secret=%s&issuer=cspd&algorithm=SHA1&digits=%d"
                 "&period=%d", acct, secret, AUTH_TOTP_DIGITS, AUTH_TOTP_STEP);
    if (n < 0 || n >= AUTH_TOTP_URI_MAX)
        return err_set(err, ERR_INVALID, "email", "account name too long for a TOTP URI");
    return 0;
}

/* The raw seed of a base32 secret; *seed is malloc'd (wipe and free it). */
static int decode(const char *secret, char **seed, size_t *len, struct err *err)
{
    *seed = NULL;
    if (ready(err) != 0)
        return -1;
    if (!secret || !secret[0] ||
        oath_base32_decode(secret, strlen(secret), seed, len) != OATH_OK || !*seed)
        return err_set(err, ERR_INTERNAL, "", "stored TOTP secret is not valid base32");
    return 0;
}

static int code_of(const char *seed, size_t len, int64_t step, unsigned digits, char out[10],
                   struct err *err)
{
    if (step < 0 || digits < 6 || digits > 8)
        return err_set(err, ERR_INVALID, "totp", "no TOTP code for that step");
    /* liboath takes a time and divides by the step size itself. */
    if (oath_totp_generate(seed, len, (time_t)(step * AUTH_TOTP_STEP), AUTH_TOTP_STEP, 0,
                           digits, out) != OATH_OK)
        return err_set(err, ERR_INTERNAL, "", "TOTP code could not be computed");
    return 0;
}

int auth_totp_code(const char *secret, int64_t step, unsigned digits, char out[10],
                   struct err *err)
{
    char *seed;
    size_t len;
    int rc;

    if (decode(secret, &seed, &len, err) != 0)
        return -1;
    rc = code_of(seed, len, step, digits, out, err);
    sodium_memzero(seed, len);
    free(seed);
    return rc;
}

int auth_totp_verify(const char *secret, const char *code, instant_t now, int64_t last_step,
                     int64_t *step_out, struct err *err)
{
    int64_t t = now / AUTH_TOTP_STEP;
    bool matched = false, replayed = false;
    char *seed, cand[10];
    size_t len;

    if (!code || strlen(code) != AUTH_TOTP_DIGITS || strspn(code, "0123456789") != 6)
        return err_set_(err, __func__, __LINE__, ERR_UNAUTHORIZED, "invalid_totp", "totp",
                        "the TOTP code is wrong or has expired");
    if (decode(secret, &seed, &len, err) != 0)
        return -1;
    /* Every candidate is computed and compared, so timing does not say which one matched. */
    for (int64_t s = t - 1; s <= t + 1; s++) {
        if (code_of(seed, len, s, AUTH_TOTP_DIGITS, cand, err) != 0) {
            sodium_memzero(seed, len);
            free(seed);
            return -1;
        }
        if (sodium_memcmp(cand, code, AUTH_TOTP_DIGITS) == 0 && !matched) {
            if (s <= last_step) {
                replayed = true;
            } else {
                matched = true;
                *step_out = s;
            }
        }
    }
    sodium_memzero(cand, sizeof(cand));
    sodium_memzero(seed, len);
    free(seed);
    if (matched)
        return 0;
    if (replayed)
        return err_set_(err, __func__, __LINE__, ERR_UNAUTHORIZED, "totp_replayed", "totp",
                        "that TOTP code was already used; wait for the next one");
    return err_set_(err, __func__, __LINE__, ERR_UNAUTHORIZED, "invalid_totp", "totp",
                    "the TOTP code is wrong or has expired");
}
