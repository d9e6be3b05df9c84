/*
 * io/csv.c — the streaming CSV reader of csv.h: libcsv does the quoting, this file turns its
 * push callbacks into one record per call and keeps physical line numbers.
 *
 * How lines are counted: the read buffer is fed to libcsv in segments that end just after a
 * CR or LF byte (or at the end of the buffer). A record can only end on a CR or LF (or at the
 * end of the input), so a segment completes at most one record; the reader stops feeding as
 * soon as one is complete and returns it. While a segment is parsed, every byte of it before
 * its last lies on `seg_line`, and the line count moves on after a segment that ends in LF.
 * A field reported by libcsv ends on `seg_line`; it starts that many lines earlier as it
 * holds LF bytes (only a quoted field can). So a price list whose descriptions hold line breaks
 * still reports the true line of every later row.
 *
 * libcsv runs in strict mode (a stray quote is an error, not data) with CSV_STRICT_FINI, so a
 * quoted field left open at the end of the input — a truncated download — is an error. To name
 * the line where that field began, the reader finishes the parse a second time without
 * STRICT_FINI, which makes libcsv hand over the open field (libcsv 3.0 keeps its state when
 * csv_fini fails).
 *
 * Caps (csv.h): a record's text and a single field (libcsv's own buffer, checked after every
 * segment, so at most one read chunk past the cap) stay under CSV_MAX_RECORD; a record has at
 * most CSV_MAX_FIELDS fields. A callback cannot stop libcsv, so it records the failure in
 * `cb_failed` and ignores the rest; the reader reports it after the segment.
 */
#include "io/csv.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const unsigned char utf8_bom[3] = {0xEF, 0xBB, 0xBF};

int csv_reader_init(struct csv_reader *r, FILE *in, struct err *err)
{
    memset(r, 0, sizeof(*r));
    r->in = in;
    r->line = 1;
    r->err_field = -1;
    if (csv_init(&r->parser, CSV_STRICT | CSV_STRICT_FINI) != 0)
        return err_set(err, ERR_NOMEM, "", "out of memory (csv parser)");
    r->buf = malloc(CSV_READ_CHUNK);
    if (!r->buf) {
        csv_free(&r->parser);
        return err_set(err, ERR_NOMEM, "", "out of memory (csv buffer)");
    }
    return 0;
}

void csv_reader_set_observer(struct csv_reader *r, csv_observer_fn fn, void *ctx)
{
    r->observer = fn;
    r->observer_ctx = ctx;
}

void csv_reader_release(struct csv_reader *r)
{
    if (!r->buf)
        return;
    csv_free(&r->parser);
    free(r->buf);
    free(r->data);
    free(r->fields);
    free(r->offsets);
    memset(r, 0, sizeof(*r));
}

/* ---- libcsv callbacks ------------------------------------------------------------------ */

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    size_t n = *cap ? *cap : 16;
    void *q;

    if (need <= *cap)
        return 0;
    while (n < need)
        n *= 2;
    q = realloc(*p, n * elem);
    if (!q)
        return -1;
    *p = q;
    *cap = n;
    return 0;
}

static void on_field(void *s, size_t len, void *ctx)
{
    struct csv_reader *r = ctx;
    const char *text = s;
    size_t newlines = 0;

    if (r->cb_failed)
        return;
    if (r->nfields >= CSV_MAX_FIELDS || r->data_len + len + 1 > CSV_MAX_RECORD) {
        r->cb_failed = ERR_TOO_BIG;
        return;
    }
    if (grow((void **)&r->data, &r->data_cap, r->data_len + len + 1, 1) ||
        grow((void **)&r->fields, &r->fields_cap, r->nfields + 1, sizeof(*r->fields))) {
        r->cb_failed = ERR_NOMEM;
        return;
    }
    if (grow((void **)&r->offsets, &r->offsets_cap, r->nfields + 1, sizeof(*r->offsets))) {
        r->cb_failed = ERR_NOMEM;
        return;
    }
    if (len) {
        memcpy(r->data + r->data_len, text, len);
        for (const char *p = text; (p = memchr(p, '\n', len - (size_t)(p - text))); p++)
            newlines++;
    }
    r->data[r->data_len + len] = '\0';
    r->offsets[r->nfields] = r->data_len;
    r->fields[r->nfields].len = len;
    r->fields[r->nfields].line = r->seg_line - (long)newlines;
    r->nfields++;
    r->data_len += len + 1;
}

static void on_record(int term, void *ctx)
{
    struct csv_reader *r = ctx;

    (void)term;
    if (!r->cb_failed)
        r->have_record = true;
}

/* Collects the field left open by a failed csv_fini, to find the line it began on. */
static void on_open_field(void *s, size_t len, void *ctx)
{
    struct csv_reader *r = ctx;
    const char *text = s;
    long newlines = 0;

    for (size_t i = 0; i < len; i++)
        newlines += text[i] == '\n';
    r->err_line = r->seg_line - newlines;
}

static void on_open_record(int term, void *ctx)
{
    (void)term;
    (void)ctx;
}

/* ---- the reader ------------------------------------------------------------------------- */

static int fail_at(struct csv_reader *r, struct err *err, enum err_code code, long line,
                   long field, const char *what)
{
    r->done = true;
    r->failed = true;
    r->err_line = line;
    r->err_field = field;
    r->err_what = what;
    if (field >= 0)
        return err_set(err, code, "", "line %ld, field %ld: %s", line, field + 1, what);
    return err_set(err, code, "", "line %ld: %s", line, what);
}

static int callback_failure(struct csv_reader *r, struct err *err)
{
    if (r->cb_failed == ERR_NOMEM) {
        r->done = r->failed = true;
        return err_set(err, ERR_NOMEM, "", "out of memory reading CSV");
    }
    if (r->nfields >= CSV_MAX_FIELDS)
        return fail_at(r, err, ERR_TOO_BIG, r->seg_line, -1,
                       "record has more than 1024 fields (CSV_MAX_FIELDS)");
    return fail_at(r, err, ERR_TOO_BIG, r->seg_line, (long)r->nfields,
                   "record longer than 1 MiB (CSV_MAX_RECORD)");
}

/* Read the next block; detects the byte-order mark on the first one. */
static int fill(struct csv_reader *r, struct err *err)
{
    size_t n = fread(r->buf, 1, CSV_READ_CHUNK, r->in);

    if (n < CSV_READ_CHUNK && ferror(r->in)) {
        r->done = r->failed = true;
        return err_set(err, ERR_IO, "", "read error: %s", strerror(errno));
    }
    if (n == 0)
        r->eof = true;
    if (r->observer && n)
        r->observer(r->observer_ctx, r->buf, n);
    r->buf_len = n;
    r->buf_pos = 0;
    if (!r->started) {
        r->started = true;
        if (n >= 3 && memcmp(r->buf, utf8_bom, 3) == 0)
            r->buf_pos = 3;
        else if (n >= 2 && ((r->buf[0] == 0xFF && r->buf[1] == 0xFE) ||
                            (r->buf[0] == 0xFE && r->buf[1] == 0xFF)))
            return fail_at(r, err, ERR_PARSE, 1, -1,
                           "the file is UTF-16 (or UTF-32); save it as UTF-8");
    }
    return 0;
}

/* Finish at the end of the input: the last record may lack a line end. */
static int finish(struct csv_reader *r, struct err *err)
{
    r->done = true;
    r->seg_line = r->line;
    if (csv_fini(&r->parser, on_field, on_record, r) == 0)
        return r->cb_failed ? callback_failure(r, err) : 0;
    if (csv_error(&r->parser) != CSV_EPARSE) {
        r->failed = true;
        return err_set(err, ERR_NOMEM, "", "csv: %s", csv_strerror(csv_error(&r->parser)));
    }
    /* A quoted field is still open: let libcsv hand it over to find where it began. */
    r->err_line = r->line;
    csv_set_opts(&r->parser, CSV_STRICT);
    csv_fini(&r->parser, on_open_field, on_open_record, r);
    return fail_at(r, err, ERR_PARSE, r->err_line, (long)r->nfields,
                   "quoted field never closed (is the file truncated?)");
}

static void make_record(struct csv_reader *r, struct csv_record *rec)
{
    for (size_t i = 0; i < r->nfields; i++)
        r->fields[i].s = r->data + r->offsets[i];
    rec->fields = r->fields;
    rec->nfields = r->nfields;
    rec->line = r->nfields ? r->fields[0].line : r->seg_line;
}

int csv_reader_next(struct csv_reader *r, struct csv_record *rec, struct err *err)
{
    r->nfields = 0;
    r->data_len = 0;
    r->have_record = false;
    while (!r->have_record) {
        const unsigned char *seg, *end;
        size_t len, used;

        if (r->failed)
            return err_set(err, ERR_INTERNAL, "", "CSV reader used after an error");
        if (r->done)
            return 0;
        if (r->buf_pos == r->buf_len) {
            if (r->eof) {
                if (finish(r, err))
                    return -1;
                break;
            }
            if (fill(r, err))
                return -1;
            continue;
        }
        seg = r->buf + r->buf_pos;
        end = r->buf + r->buf_len;
        for (len = 0; seg + len < end; len++) {
            if (seg[len] == '\n' || seg[len] == '\r') {
                len++;
                break;
            }
        }
        r->seg_line = r->line;
        used = csv_parse(&r->parser, seg, len, on_field, on_record, r);
        if (r->cb_failed)
            return callback_failure(r, err);
        if (used != len) {
            if (csv_error(&r->parser) == CSV_EPARSE)
                return fail_at(r, err, ERR_PARSE, r->line, (long)r->nfields,
                               "malformed quoting (a quote inside an unquoted field, or text "
                               "after a closing quote)");
            r->done = r->failed = true;
            return err_set(err, ERR_NOMEM, "", "csv: %s",
                           csv_strerror(csv_error(&r->parser)));
        }
        if (seg[len - 1] == '\n')
            r->line++;
        r->buf_pos += len;
        if (csv_get_buffer_size(&r->parser) > CSV_MAX_RECORD)
            return fail_at(r, err, ERR_TOO_BIG, r->line, (long)r->nfields,
                           "field longer than 1 MiB (an unclosed quote?)");
    }
    if (!r->have_record)
        return 0;
    make_record(r, rec);
    return 1;
}

/* ---- text checks and writing ------------------------------------------------------------ */

bool csv_text_valid(const char *s, size_t len, size_t *bad)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;

    while (i < len) {
        unsigned c = u[i];
        size_t n;
        uint32_t cp, min;

        if (c == 0)
            goto bad;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            n = 1, cp = c & 0x1F, min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 2, cp = c & 0x0F, min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3, cp = c & 0x07, min = 0x10000;
        } else {
            goto bad;
        }
        if (len - i <= n)
            goto bad;
        for (size_t k = 1; k <= n; k++) {
            if ((u[i + k] & 0xC0) != 0x80)
                goto bad;
            cp = (cp << 6) | (u[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            goto bad;
        i += n + 1;
    }
    return true;
bad:
    if (bad)
        *bad = i;
    return false;
}

int csv_write_field(FILE *out, const char *s, size_t len)
{
    if (fputc('"', out) == EOF)
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"' && fputc('"', out) == EOF)
            return -1;
        if (fputc(s[i], out) == EOF)
            return -1;
    }
    return fputc('"', out) == EOF ? -1 : 0;
}
