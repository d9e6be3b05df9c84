/*
 * core/err.h — the one error shape of cspd.
 *
 * Every fallible function returns 0 on success and -1 on failure, and fills a caller-owned
 * `struct err` (never NULL) with a class code, an optional machine reason (for example
 * "quantity_decrease_outside_window"), the offending field and a sentence a user understands.
 * The API maps `code` to an HTTP status and prints
 *   {"error":{"code":<reason or class name>,"message":msg,"field":field}}.
 * Library code never prints and never exits: the edge (cli/, api/) decides what to show.
 * `func`/`line` record where the error arose (SQLite's *_BKPT habit); they go to debug logs,
 * never into user messages.
 */
#ifndef CSPD_CORE_ERR_H
#define CSPD_CORE_ERR_H

#include <stdarg.h>

enum err_code {
    ERR_OK = 0,
    ERR_INVALID,      /* bad input value (400/422) */
    ERR_PARSE,        /* malformed input text: JSON, CSV, decimal, date (400) */
    ERR_OVERFLOW,     /* arithmetic result out of range (422) */
    ERR_NOT_FOUND,    /* no such object, or out of the caller's scope (404) */
    ERR_CONFLICT,     /* state conflict, e.g. idempotency key reused with another body (409) */
    ERR_REFUSED,      /* a program or NCE rule refuses the action; `reason` says which (409) */
    ERR_UNAUTHORIZED, /* no or bad credentials (401) */
    ERR_FORBIDDEN,    /* authenticated but role may not (403) */
    ERR_TOO_BIG,      /* request or input above a hard cap (413) */
    ERR_MEDIA_TYPE,   /* a request body in a content type the route does not take (415) */
    ERR_NOMEM,        /* allocation failed (500) */
    ERR_IO,           /* file or network I/O failed (500) */
    ERR_DB,           /* store failure (500) */
    ERR_INTERNAL,     /* a bug: an invariant did not hold (500) */
};

struct err {
    enum err_code code;
    char reason[48];  /* machine reason code; "" means use err_code_name(code) */
    char field[64];   /* input field at fault, "" when none */
    char msg[256];    /* human sentence, no trailing newline */
    const char *func; /* where it arose (debug only) */
    int line;
};

/* Reset to "no error". */
void err_clear(struct err *e);

/* Fill `e` and return -1, so callers can write `return err_set(e, ...)`. */
int err_set_(struct err *e, const char *func, int line, enum err_code code, const char *reason,
             const char *field, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
#define err_set(e, code, field, ...) \
    err_set_((e), __func__, __LINE__, (code), NULL, (field), __VA_ARGS__)
/* A rule refusal with its machine reason code (scenarios.md lists the NCE ones). */
#define err_refuse(e, reason, field, ...) \
    err_set_((e), __func__, __LINE__, ERR_REFUSED, (reason), (field), __VA_ARGS__)

/* "invalid", "parse_error", ... : stable snake_case names used in JSON errors. */
const char *err_code_name(enum err_code code);
/* The reason if set, else the class name. */
const char *err_reason(const struct err *e);
/* HTTP status for a class. */
int err_http_status(enum err_code code);

#endif
