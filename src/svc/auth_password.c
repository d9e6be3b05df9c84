/*
 * svc/auth_password.c — passwords: the policy, argon2id hashing and verification, and the
 * generated passwords `cspd users create` prints once.
 *
 * libsodium's crypto_pwhash_str with the INTERACTIVE limits (argon2id, 64 MiB, 2 passes):
 * about a tenth of a second per check on a small server, which is the budget of one sign-in.
 * The parameters travel inside the stored string, so raising them later only affects new
 * hashes. An unknown account is checked against a dummy hash made once with the same limits,
 * so "no such user" and "wrong password" cost the same time (docs/auth.md, throttling).
 * Callers run the check outside the store lock: it is the slow half of a sign-in.
 */
#include <pthread.h>
#include <sodium.h>
#include <string.h>

#include "svc/auth.h"

static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void dummy_init(void)
{
    char pw[AUTH_PASSWORD_GEN_LEN + 1];

    auth_password_generate(pw);
    if (crypto_pwhash_str(dummy_hash, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        dummy_hash[0] = '\0';
    sodium_memzero(pw, sizeof(pw));
}

int auth_password_policy(const char *password, struct err *err)
{
    size_t n = password ? strlen(password) : 0;

    if (n < AUTH_PASSWORD_MIN)
        return err_set(err, ERR_INVALID, "password", "a password needs at least %d characters",
                       AUTH_PASSWORD_MIN);
    if (n > AUTH_PASSWORD_MAX)
        return err_set(err, ERR_INVALID, "password", "a password may have at most %d bytes",
                       AUTH_PASSWORD_MAX);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)password[i] < 0x20 || password[i] == 0x7f)
            return err_set(err, ERR_INVALID, "password",
                           "a password may not contain control characters");
    return 0;
}

int auth_password_hash(const char *password, char out[USER_HASH_MAX], struct err *err)
{
    char h[crypto_pwhash_STRBYTES];

    _Static_assert(crypto_pwhash_STRBYTES <= USER_HASH_MAX, "hash buffer too small");
    if (auth_password_policy(password, err) != 0)
        return -1;
    if (sodium_init() < 0)
        return err_set(err, ERR_INTERNAL, "", "libsodium could not be initialised");
    if (crypto_pwhash_str(h, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return err_set(err, ERR_NOMEM, "", "out of memory hashing a password");
    memcpy(out, h, sizeof(h));
    return 0;
}

bool auth_password_verify(const char *hash, const char *password)
{
    bool known = hash && hash[0];
    size_t n = password ? strlen(password) : 0;

    if (!password || n > AUTH_PASSWORD_MAX)
        password = "", n = 0;
    if (!known) {
        pthread_once(&dummy_once, dummy_init);
        if (dummy_hash[0] && crypto_pwhash_str_verify(dummy_hash, password, n) == 0)
            return false; /* the dummy's password is random and discarded: never a match */
        return false;
    }
    return crypto_pwhash_str_verify(hash, password, n) == 0;
}

void auth_password_generate(char out[AUTH_PASSWORD_GEN_LEN + 1])
{
    /* 56 letters and digits without 0 O 1 l I o: read aloud or copied by hand safely. */
    static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    for (int i = 0; i < AUTH_PASSWORD_GEN_LEN; i++)
        out[i] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
    out[AUTH_PASSWORD_GEN_LEN] = '\0';
}
