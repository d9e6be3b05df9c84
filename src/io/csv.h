/*
 * io/csv.h — a streaming CSV reader (RFC 4180 and the dialect Excel and Microsoft write),
 * built on libcsv, that hands out one record at a time with physical line numbers.
 *
 * Workload: Microsoft's price lists, reconciliation and usage files — hundreds of thousands
 * of records, a few hundred bytes each. Memory is bounded whatever the file size: one read
 * buffer (CSV_READ_CHUNK), the current record (at most CSV_MAX_RECORD bytes and
 * CSV_MAX_FIELDS fields) and libcsv's field buffer (capped at CSV_MAX_RECORD too). Nothing
 * else grows with the input.
 *
 * What it accepts: comma-separated fields, optionally quoted with '"' ("" inside quotes is one
 * quote), quoted fields holding commas, quotes, CR and LF; records ended by LF, CRLF or CR;
 * a last record without a line end; a UTF-8 byte-order mark at the start (skipped); blank
 * lines (skipped). Spaces and tabs around unquoted fields are trimmed (libcsv's rule).
 * What it refuses (ERR_PARSE, the line and the field index in the message and in
 * csv_reader.err_line / err_field): a quote inside an unquoted field or text after a closing
 * quote (libcsv strict mode), a quoted field still open at the end of the file (truncated
 * file), a UTF-16 or UTF-32 byte-order mark, a record or field above the caps (ERR_TOO_BIG).
 * It does not check the text encoding: csv_text_valid() does, for the layer that knows the
 * column names.
 *
 * Line numbers are physical lines of the file, 1-based, counted by LF bytes: a record whose
 * quoted field holds a line break spans several lines; the record reports the line it starts
 * on and each field the line it starts on, and later records keep their true line numbers.
 *
 * Lifecycle: csv_reader_init, csv_reader_next until it returns 0 (or -1), csv_reader_release.
 * The reader does not own the FILE. Records and their text are owned by the reader and valid
 * until the next csv_reader_next or csv_reader_release; every field is NUL-terminated (a
 * field may also hold NUL bytes: use `len`).
 */
#ifndef CSPD_IO_CSV_H
#define CSPD_IO_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <csv.h>

#include "core/err.h"

#define CSV_READ_CHUNK (64 * 1024)
#define CSV_MAX_RECORD (1024 * 1024) /* bytes of one record, and of one field */
#define CSV_MAX_FIELDS 1024

struct csv_field {
    char *s;    /* NUL-terminated, owned by the reader; the caller may edit it in place */
    size_t len;
    long line;     /* physical line the field starts on */
};

struct csv_record {
    const struct csv_field *fields;
    size_t nfields;
    long line; /* physical line the record starts on */
};

/* Called with every block of raw input bytes, in order (for a content hash). */
typedef void (*csv_observer_fn)(void *ctx, const unsigned char *buf, size_t len);

struct csv_reader {
    FILE *in;
    struct csv_parser parser;
    unsigned char *buf;    /* CSV_READ_CHUNK bytes */
    size_t buf_len, buf_pos;
    bool started;          /* first block read (BOM checked) */
    bool eof, done, failed;
    long line;             /* physical line of the next byte fed to the parser */
    long seg_line;         /* line of the segment being parsed (callbacks read it) */

    char *data;            /* the record's field text, NUL after each field */
    size_t data_len, data_cap;
    struct csv_field *fields;
    size_t nfields, fields_cap;
    size_t *offsets;       /* field starts in `data` while `data` may still move */
    size_t offsets_cap;
    bool have_record;

    int cb_failed;         /* 0, or the err_code a callback hit (ERR_TOO_BIG, ERR_NOMEM) */
    csv_observer_fn observer;
    void *observer_ctx;

    /* Where the last error arose: line (0 none), 0-based field index (-1 none), and what is
     * wrong without the place (a static string), so a caller can name the column itself. */
    long err_line;
    long err_field;
    const char *err_what;
};

/* Set the reader up on `in` (read from its current position). ERR_NOMEM. */
int csv_reader_init(struct csv_reader *r, FILE *in, struct err *err);
/* Every raw block read from now on is passed to fn (may be NULL to stop). */
void csv_reader_set_observer(struct csv_reader *r, csv_observer_fn fn, void *ctx);
/*
 * The next record into *rec: 1 a record, 0 end of input, -1 error (err filled, and
 * r->err_line / r->err_field set when the error belongs to a place in the file). After an
 * error the reader only returns -1 again until released.
 */
int csv_reader_next(struct csv_reader *r, struct csv_record *rec, struct err *err);
void csv_reader_release(struct csv_reader *r);

/*
 * True when s[0..len) is well-formed UTF-8 (no overlongs, no surrogates, nothing above
 * U+10FFFF) without NUL bytes; otherwise false and *bad (if not NULL) is the 0-based offset
 * of the first bad byte.
 */
bool csv_text_valid(const char *s, size_t len, size_t *bad);

/* Write one field as a quoted CSV field ("" for quotes), for exports. */
int csv_write_field(FILE *out, const char *s, size_t len);

#endif
