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

#include "core/err.h"

#define ID_MAXLEN 40 /* prefix (up to 8) + '_' + 26 + NUL fits */

/* Call once at start-up (initialises libsodium). */
int id_init(struct err *err);
/* Write "<prefix>_<26 chars>" into buf. prefix: lowercase letters, 1..8 of them. */
int id_new(const char *prefix, char buf[ID_MAXLEN], struct err *err);
/* True when `id` is "<prefix>_" followed by 26 base32 characters. */
bool id_has_kind(const char *id, const char *prefix);

#endif
