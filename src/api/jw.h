/*
 * api/jw.h — the streaming JSON writer (api/json.c, on the buffer and escapes api_json_reply
 * uses): a reply written straight into one growing buffer, token by token, with no json_t
 * tree in between — the subscription list and document (api/h_sub.c). Its bytes
 * are json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY)'s for the value the same calls describe
 * (tests/unit/test_api_json.c): no spaces, '"' '\\' and control characters escaped, '/' and
 * valid UTF-8 as is, integers in decimal.
 *
 * Commas are placed by the writer: after jw_open_* or jw_key the next value needs none, after
 * any value the next one (or key) does. A failure (out of memory, a string that is not valid
 * UTF-8) is sticky: every later call does nothing and jw_reply/jw_take report it, so a
 * renderer checks once at the end. Writers of one response are used by one thread.
 */
#ifndef CSPD_API_JW_H
#define CSPD_API_JW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "api/api.h"

struct jw {
    char *p;
    size_t len, cap;
    bool fresh;  /* no comma before the next key or value */
    bool failed; /* sticky: out of memory or invalid UTF-8 */
};

/* An empty writer holding `hint` bytes already (0: 4096 at the first write). */
void jw_init(struct jw *w, size_t hint);
/* Drop the buffer (a writer not handed to jw_reply/jw_take). */
void jw_free(struct jw *w);

void jw_open_object(struct jw *w);
void jw_close_object(struct jw *w);
void jw_open_array(struct jw *w);
void jw_close_array(struct jw *w);
/* An object key (NUL-terminated). */
void jw_key(struct jw *w, const char *key);
void jw_string(struct jw *w, const char *s);
/*
 * The fast lanes, for text the program wrote itself, NOT checked: printable ASCII with no '"'
 * and no '\\'. JW_KEY takes a key that is a string literal ("id", "term_start"): its quotes
 * and colon are joined at compile time. jw_formatted takes what date_format, instant_format,
 * dec_format wrote — never text from a request or the store.
 */
#define JW_KEY(w, literal) jw_raw_key((w), "\"" literal "\":", sizeof(literal) + 2)
void jw_raw_key(struct jw *w, const char *text, size_t n);
void jw_formatted(struct jw *w, const char *s, size_t n);
void jw_stringn(struct jw *w, const char *s, size_t n);
/* A string, or null when s is NULL (json_pack's "s?"). */
void jw_string_or_null(struct jw *w, const char *s);
void jw_int(struct jw *w, int64_t v);
void jw_bool(struct jw *w, bool v);
void jw_null(struct jw *w);

/*
 * Install the written text as the reply body with `status` (application/json), the buffer
 * moving to resp. Returns -1 without touching resp when the writer failed (the buffer is
 * freed); the caller then replies another way.
 */
int jw_reply(struct jw *w, struct api_resp *resp, int status);
/* The text (NUL-terminated, malloc'd, *len bytes) or NULL when the writer failed. */
char *jw_take(struct jw *w, size_t *len);

#endif
