/*
 * svc/idempotency.c — the Idempotency-Key rules (see idempotency.h) over
 * store/repo_idem.c. The request is identified by BLAKE2b-256 over method, path and body
 * (each length-prefixed, so no two different requests share an input); only that hash is
 * kept, never the request body.
 */
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/repo_idem.h"
#include "svc/idempotency.h"

int idem_key_check(const char *key, struct err *err)
{
    size_t n = key ? strlen(key) : 0;

    if (n == 0 || n >= IDEM_KEY_MAX)
        return err_set(err, ERR_INVALID, "Idempotency-Key",
                       "Idempotency-Key must have 1 to 255 characters");
    for (size_t i = 0; i < n; i++)
        if (key[i] <= 0x20 || key[i] >= 0x7f)
            return err_set(err, ERR_INVALID, "Idempotency-Key",
                           "Idempotency-Key may hold printable ASCII without spaces only");
    return 0;
}

static void part(crypto_generichash_state *h, const void *p, size_t n)
{
    uint64_t len = n;

    crypto_generichash_update(h, (const unsigned char *)&len, sizeof(len));
    if (n)
        crypto_generichash_update(h, p, n);
}

static void request_hash(const char *method, const char *path, const char *body, size_t len,
                         char out[65])
{
    crypto_generichash_state h;
    unsigned char d[32];

    crypto_generichash_init(&h, NULL, 0, sizeof(d));
    part(&h, method, strlen(method));
    part(&h, path, strlen(path));
    part(&h, body, body ? len : 0);
    crypto_generichash_final(&h, d, sizeof(d));
    sodium_bin2hex(out, 65, d, sizeof(d));
}

int idem_begin(struct db *db, const char *caller, const char *key, const char *method,
               const char *path, const char *body, size_t len, instant_t now,
               struct idem_result *out, struct err *err)
{
    struct idem_row row;
    char hash[65];
    bool found;

    memset(out, 0, sizeof(*out));
    if (idem_key_check(key, err) < 0)
        return -1;
    if (strlen(caller) >= IDEM_CALLER_MAX || strlen(path) >= IDEM_PATH_MAX)
        return err_set(err, ERR_INVALID, "", "request path too long for an idempotent request");
    request_hash(method, path, body, len, hash);
    if (repo_idem_purge(db, now - IDEM_KEEP_SECS, err) < 0 ||
        repo_idem_get(db, caller, key, &row, &found, err) < 0)
        return -1;
    if (found && !row.complete && now - row.created_at >= IDEM_STALE_SECS) {
        free(row.response);
        if (repo_idem_delete(db, caller, key, err) < 0)
            return -1;
        found = false;
    }
    if (!found) {
        if (repo_idem_start(db, caller, key, method, path, hash, now, err) < 0) {
            if (err->code != ERR_CONFLICT)
                return -1;
            out->verdict = IDEM_BUSY; /* lost a race with the first request */
            return 0;
        }
        out->verdict = IDEM_RUN;
        return 0;
    }
    if (strcmp(row.method, method) != 0 || strcmp(row.path, path) != 0 ||
        sodium_memcmp(row.body_hash, hash, 64) != 0) {
        out->verdict = IDEM_REUSED;
    } else if (!row.complete) {
        out->verdict = IDEM_BUSY;
    } else if (!row.response) {
        out->verdict = IDEM_SECRET;
        out->status = row.status;
    } else {
        out->verdict = IDEM_REPLAY;
        out->status = row.status;
        out->body = row.response;
        out->len = strlen(row.response);
        row.response = NULL;
    }
    free(row.response);
    return 0;
}

int idem_finish(struct db *db, const char *caller, const char *key, int status,
                const char *body, size_t len, bool replayable, struct err *err)
{
    if (status >= 500 || status == 0)
        return repo_idem_delete(db, caller, key, err);
    if (!replayable)
        return repo_idem_complete(db, caller, key, status, NULL, 0, err);
    return repo_idem_complete(db, caller, key, status, body ? body : "", body ? len : 0, err);
}
