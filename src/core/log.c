/*
 * core/log.c — structured logging: one JSON object per line (see log.h).
 *
 * Owns the log line format and its JSON string escaping. A line is built completely in a
 * bounded stack buffer and written with a single fwrite under a process-wide mutex, so lines
 * from concurrent request threads never interleave. The request id lives in thread-local
 * storage, set once per request by the API layer.
 *
 * Hard caps (STYLE.md rule 10): a line is at most LOG_LINE_MAX bytes. When the message or the
 * key/value pairs do not fit, the text is cut at a character boundary, the line stays valid
 * JSON and ends with "truncated":true. Bytes that are not valid UTF-8 become U+FFFD, so any
 * strict JSON reader accepts every line. Workload: a few lines per request; clarity over speed.
 */
#include "core/log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>

#include "core/clock.h"
#include "core/date.h"

#define LOG_LINE_MAX 8192
#define LOG_MSG_MAX 4096
#define LOG_REQ_MAX 64
/* Room always kept free for closing a string and the object: "\"truncated\":true}\n" etc. */
#define LOG_TAIL_RESERVE 32

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static FILE *log_stream;                       /* NULL means stderr; guarded by log_lock */
static enum log_level log_min = LOG_INFO;      /* guarded by log_lock */
static _Thread_local char log_req[LOG_REQ_MAX];

struct line {
    char buf[LOG_LINE_MAX];
    size_t len;
    bool truncated;
};

void log_set_level(enum log_level min)
{
    pthread_mutex_lock(&log_lock);
    log_min = min;
    pthread_mutex_unlock(&log_lock);
}

void log_set_stream(FILE *f)
{
    pthread_mutex_lock(&log_lock);
    log_stream = f;
    pthread_mutex_unlock(&log_lock);
}

void log_set_request_id(const char *id)
{
    size_t n = id ? strlen(id) : 0;

    if (n >= sizeof(log_req))
        n = sizeof(log_req) - 1;
    if (n)
        memcpy(log_req, id, n);
    log_req[n] = '\0';
}

static bool level_enabled(enum log_level level)
{
    bool on;

    pthread_mutex_lock(&log_lock);
    on = level >= log_min;
    pthread_mutex_unlock(&log_lock);
    return on;
}

static const char *level_name(enum log_level level)
{
    switch (level) {
    case LOG_DEBUG: return "debug";
    case LOG_INFO: return "info";
    case LOG_WARN: return "warn";
    case LOG_ERROR: return "error";
    }
    return "info";
}

/* Append raw bytes if they fit before the reserved tail; false (and nothing written) if not. */
static bool put_raw(struct line *l, const char *s, size_t n)
{
    if (l->truncated || l->len + n > sizeof(l->buf) - LOG_TAIL_RESERVE) {
        l->truncated = true;
        return false;
    }
    memcpy(l->buf + l->len, s, n);
    l->len += n;
    return true;
}

/* Length of the valid UTF-8 sequence starting at s (at most n bytes), or 0 if invalid. */
static size_t utf8_seq_len(const unsigned char *s, size_t n)
{
    size_t need;
    unsigned int cp;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf) {
        need = 2;
        cp = s[0] & 0x1f;
    } else if (s[0] >= 0xe0 && s[0] <= 0xef) {
        need = 3;
        cp = s[0] & 0x0f;
    } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        need = 4;
        cp = s[0] & 0x07;
    } else {
        return 0;
    }
    if (n < need)
        return 0;
    for (size_t i = 1; i < need; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    /* Reject overlong forms, UTF-16 surrogates and code points above U+10FFFF. */
    if ((need == 3 && cp < 0x800) || (need == 4 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return need;
}

/*
 * Append `s` as a JSON string (with quotes), cut at a character boundary when full. False when
 * not even the opening quote fitted (nothing written); once opened, the string is always closed.
 */
static bool put_string(struct line *l, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);

    if (!put_raw(l, "\"", 1))
        return false;
    while (n > 0) {
        char esc[8];
        const char *out = esc;
        size_t olen = 2, step = 1;

        esc[0] = '\\';
        switch (*p) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        default:
            if (*p < 0x20) {
                memcpy(esc + 1, "u00", 3);
                esc[4] = hex[*p >> 4];
                esc[5] = hex[*p & 15];
                olen = 6;
            } else if ((step = utf8_seq_len(p, n)) == 0) {
                out = "\\ufffd";
                olen = 6;
                step = 1;
            } else {
                out = (const char *)p;
                olen = step;
            }
        }
        if (!put_raw(l, out, olen))
            break;
        p += step;
        n -= step;
    }
    /* The closing quote always fits: it comes out of the reserved tail. */
    l->buf[l->len++] = '"';
    return true;
}

/* Append ,"key":"value" (value NULL: null). A pair whose key did not fit is left out whole. */
static void put_pair(struct line *l, const char *key, const char *value)
{
    size_t mark = l->len;

    if (l->truncated)
        return;
    if (!put_raw(l, ",", 1) || !put_string(l, key) || l->truncated || !put_raw(l, ":", 1) ||
        !(value ? put_string(l, value) : put_raw(l, "null", 4))) {
        l->len = mark;
        l->truncated = true;
    }
}

/* Start the line: timestamp, level, request id, message. */
static void line_begin(struct line *l, enum log_level level, const char *msg)
{
    struct clock real;
    char ts[INSTANT_STRLEN];

    clock_init_real(&real);
    instant_format(clock_now(&real), ts);
    l->len = 0;
    l->truncated = false;
    put_raw(l, "{\"ts\":\"", 7);
    put_raw(l, ts, strlen(ts));
    put_raw(l, "\",\"level\":\"", 11);
    put_raw(l, level_name(level), strlen(level_name(level)));
    put_raw(l, "\"", 1);
    if (log_req[0])
        put_pair(l, "req", log_req);
    put_pair(l, "msg", msg);
}

/* Close the object and write it with one fwrite under the lock. */
static void line_end(struct line *l)
{
    static const char tail[] = ",\"truncated\":true";
    FILE *f;

    if (l->truncated) {
        memcpy(l->buf + l->len, tail, sizeof(tail) - 1);
        l->len += sizeof(tail) - 1;
    }
    l->buf[l->len++] = '}';
    l->buf[l->len++] = '\n';

    pthread_mutex_lock(&log_lock);
    f = log_stream ? log_stream : stderr;
    fwrite(l->buf, 1, l->len, f);
    fflush(f);
    pthread_mutex_unlock(&log_lock);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
    struct line l;
    char msg[LOG_MSG_MAX];
    va_list ap;

    if (!level_enabled(level))
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    line_begin(&l, level, msg);
    line_end(&l);
}

void log_kv(enum log_level level, const char *msg, ...)
{
    struct line l;
    const char *key;
    va_list ap;

    if (!level_enabled(level))
        return;
    line_begin(&l, level, msg ? msg : "");
    va_start(ap, msg);
    /* Pairs end at a NULL key; a NULL value is written as null and also ends the list. */
    while ((key = va_arg(ap, const char *)) != NULL) {
        const char *value = va_arg(ap, const char *);

        put_pair(&l, key, value);
        if (!value)
            break;
    }
    va_end(ap);
    line_end(&l);
}
