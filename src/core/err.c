/*
 * core/err.c — filling and naming `struct err` (see err.h for the contract).
 */
#include "core/err.h"

#include <stdio.h>
#include <string.h>

void err_clear(struct err *e)
{
    memset(e, 0, sizeof(*e));
}

int err_set_(struct err *e, const char *func, int line, enum err_code code, const char *reason,
             const char *field, const char *fmt, ...)
{
    va_list ap;

    e->code = code;
    e->func = func;
    e->line = line;
    snprintf(e->reason, sizeof(e->reason), "%s", reason ? reason : "");
    snprintf(e->field, sizeof(e->field), "%s", field ? field : "");
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
    va_end(ap);
    return -1;
}

const char *err_code_name(enum err_code code)
{
    switch (code) {
    case ERR_OK: return "ok";
    case ERR_INVALID: return "invalid";
    case ERR_PARSE: return "parse_error";
    case ERR_OVERFLOW: return "overflow";
    case ERR_NOT_FOUND: return "not_found";
    case ERR_CONFLICT: return "conflict";
    case ERR_REFUSED: return "refused";
    case ERR_UNAUTHORIZED: return "unauthorized";
    case ERR_FORBIDDEN: return "forbidden";
    case ERR_TOO_BIG: return "too_big";
    case ERR_MEDIA_TYPE: return "unsupported_media_type";
    case ERR_NOMEM: return "out_of_memory";
    case ERR_IO: return "io_error";
    case ERR_DB: return "db_error";
    case ERR_INTERNAL: return "internal";
    }
    return "internal";
}

const char *err_reason(const struct err *e)
{
    return e->reason[0] ? e->reason : err_code_name(e->code);
}

int err_http_status(enum err_code code)
{
    switch (code) {
    case ERR_OK: return 200;
    case ERR_INVALID: return 422;
    case ERR_PARSE: return 400;
    case ERR_OVERFLOW: return 422;
    case ERR_NOT_FOUND: return 404;
    case ERR_CONFLICT: return 409;
    case ERR_REFUSED: return 409;
    case ERR_UNAUTHORIZED: return 401;
    case ERR_FORBIDDEN: return 403;
    case ERR_TOO_BIG: return 413;
    case ERR_MEDIA_TYPE: return 415;
    case ERR_NOMEM:
    case ERR_IO:
    case ERR_DB:
    case ERR_INTERNAL: return 500;
    }
    return 500;
}
