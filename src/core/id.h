/*
 * core/id.h — random, URL-safe object ids prefixed by kind: "cus_4kq9…", "sub_…".
 *
 * 16 random bytes from libsodium (randombytes_buf), base32-encoded in lower case without
 * padding (26 characters): unguessable, so ids do not leak the size of a book. The prefix says
 * the kind at a glance and lets the API reject an id of the wrong kind early.
 */
#ifndef CSPD_CORE_ID_H
#define CSPD_CORE_ID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define ID_MAXLEN 40 /* prefix (up to 8) + '_' + 26 + NUL fits */

/* Call once at start-up (initialises libsodium). */
int id_init(struct err *err);
/* Write "<prefix>_<26 chars>" into buf. prefix: lowercase letters, 1..8 of them. */
int id_new(const char *prefix, char buf[ID_MAXLEN], struct err *err);
/*
 * An id whose byte order follows `key` (for rows inserted in bulk: a B-tree index on the id
 * then grows at its right edge instead of on a random page per insert). The 26 characters are
 * 13 that encode the 64-bit key, MSB first, in the base32 alphabet sorted as bytes, then 13
 * random ones (65 bits), so ids stay unique and unguessable and pass id_has_kind; what the key
 * holds (an instant, a counter) is readable from the id, so never put a secret in it.
 */
int id_new_ordered(const char *prefix, uint64_t key, char buf[ID_MAXLEN], struct err *err);
/* True when `id` is "<prefix>_" followed by 26 base32 characters. */
bool id_has_kind(const char *id, const char *prefix);

#endif
