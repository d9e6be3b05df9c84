/*
 * core/id.c — random object ids: "<kind>_<26 base32 chars>" (see id.h).
 *
 * Owns id generation and the cheap shape check the API runs before touching the store.
 * 16 bytes (128 bits) from libsodium's randombytes_buf, so ids are unguessable and collisions
 * are not a practical concern; encoded MSB-first in RFC 4648 base32 with a lower-case alphabet
 * and no padding (128 bits -> 25 full 5-bit groups + one 3-bit group = 26 characters; the last
 * character carries two zero bits). Lower case and no punctuation keep ids URL- and file-safe.
 *
 * Workload: one id per created object, so simplicity wins over speed. Thread-safe: libsodium's
 * sodium_init and randombytes_buf may be called from any thread.
 */
#include "core/id.h"

#include <sodium.h>
#include <string.h>

#define ID_RAW_BYTES 16
#define ID_B32_LEN 26
#define ID_PREFIX_MAX 8

static const char b32_alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";

int id_init(struct err *err)
{
    if (sodium_init() < 0)
        return err_set(err, ERR_INTERNAL, NULL, "libsodium could not be initialised");
    return 0;
}

/* Length of a valid prefix (1..8 lowercase ASCII letters), or 0 when it is not one. */
static size_t prefix_len(const char *prefix)
{
    size_t n = 0;

    if (!prefix)
        return 0;
    for (; prefix[n]; n++) {
        if (n >= ID_PREFIX_MAX || prefix[n] < 'a' || prefix[n] > 'z')
            return 0;
    }
    return n;
}

static void b32_encode(const unsigned char raw[ID_RAW_BYTES], char out[ID_B32_LEN])
{
    unsigned int acc = 0; /* bit accumulator, at most 12 bits in use */
    int bits = 0;
    size_t o = 0;

    for (size_t i = 0; i < ID_RAW_BYTES; i++) {
        acc = (acc << 8) | raw[i];
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            out[o++] = b32_alphabet[(acc >> bits) & 31];
        }
        acc &= (1u << bits) - 1;
    }
    if (bits > 0) /* 128 = 25 * 5 + 3: the last 3 bits, padded with zero bits */
        out[o++] = b32_alphabet[(acc << (5 - bits)) & 31];
}

int id_new(const char *prefix, char buf[ID_MAXLEN], struct err *err)
{
    unsigned char raw[ID_RAW_BYTES];
    size_t plen = prefix_len(prefix);

    if (plen == 0)
        return err_set(err, ERR_INVALID, NULL,
                       "id prefix must be 1 to 8 lower-case letters");
    /* Idempotent and thread-safe; protects callers that forgot id_init. */
    if (sodium_init() < 0)
        return err_set(err, ERR_INTERNAL, NULL, "libsodium could not be initialised");
    randombytes_buf(raw, sizeof(raw));
    memcpy(buf, prefix, plen);
    buf[plen] = '_';
    b32_encode(raw, buf + plen + 1);
    buf[plen + 1 + ID_B32_LEN] = '\0';
    return 0;
}

int id_new_ordered(const char *prefix, uint64_t key, char buf[ID_MAXLEN], struct err *err)
{
    /* the same 32 characters as b32_alphabet, in byte order: ids sort as their keys */
    static const char sorted[] = "234567abcdefghijklmnopqrstuvwxyz";
    unsigned char raw[9];
    size_t plen = prefix_len(prefix);
    char *o;

    if (plen == 0)
        return err_set(err, ERR_INVALID, NULL,
                       "id prefix must be 1 to 8 lower-case letters");
    if (sodium_init() < 0)
        return err_set(err, ERR_INTERNAL, NULL, "libsodium could not be initialised");
    randombytes_buf(raw, sizeof(raw));
    memcpy(buf, prefix, plen);
    buf[plen] = '_';
    o = buf + plen + 1;
    for (int i = 0; i < 13; i++) /* 65 bits: the first character holds the top 4 */
        o[i] = sorted[(key >> (5 * (12 - i))) & 31];
    for (int i = 0; i < 13; i++) { /* 65 of the 72 random bits, 5 at a time */
        int bit = 5 * i;
        unsigned two = (unsigned)raw[bit / 8] << 8 | raw[bit / 8 + 1];

        o[13 + i] = b32_alphabet[(two >> (11 - bit % 8)) & 31];
    }
    o[ID_B32_LEN] = '\0';
    return 0;
}

bool id_has_kind(const char *id, const char *prefix)
{
    size_t plen = prefix_len(prefix);

    if (!id || plen == 0)
        return false;
    if (strncmp(id, prefix, plen) != 0 || id[plen] != '_')
        return false;
    id += plen + 1;
    for (size_t i = 0; i < ID_B32_LEN; i++) {
        /* The NUL terminator is not in the alphabet, so short ids stop here. */
        if (id[i] == '\0' || !strchr(b32_alphabet, id[i]))
            return false;
    }
    return id[ID_B32_LEN] == '\0';
}
