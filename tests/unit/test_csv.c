/*
 * tests/unit/test_csv.c — the streaming CSV reader (io/csv.h) on in-memory input.
 *
 * Covers: plain and quoted fields, doubled quotes, embedded commas, CRLF, a UTF-8 BOM, empty
 * fields, a last record without a line end, blank lines, quoted line breaks with the physical
 * line numbers of every later record and field, records across read-chunk boundaries, the
 * observer seeing every byte, and the refusals (stray quote, unterminated quote at the end of
 * the file with the line it began on, UTF-16, a record above the cap). Then csv_text_valid on
 * the UTF-8 edge cases and csv_write_field quoting.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/csv.h"

/* ---- helpers ---------------------------------------------------------------------------- */

struct src {
    FILE *f;
    struct csv_reader r;
    struct err err;
};

static void open_src(struct src *s, const char *text, size_t len)
{
    s->f = fmemopen((void *)text, len, "rb");
    assert_non_null(s->f);
    err_clear(&s->err);
    assert_int_equal(csv_reader_init(&s->r, s->f, &s->err), 0);
}

static void open_str(struct src *s, const char *text)
{
    open_src(s, text, strlen(text));
}

static void close_src(struct src *s)
{
    csv_reader_release(&s->r);
    fclose(s->f);
}

static void next_ok(struct src *s, struct csv_record *rec)
{
    int rc = csv_reader_next(&s->r, rec, &s->err);

    if (rc != 1)
        fail_msg("expected a record, got %d (%s)", rc, s->err.msg);
}

static void expect_fields(const struct csv_record *rec, long line, size_t n, ...)
{
    va_list ap;

    assert_int_equal(rec->line, line);
    assert_int_equal(rec->nfields, n);
    va_start(ap, n);
    for (size_t i = 0; i < n; i++) {
        const char *want = va_arg(ap, const char *);

        assert_string_equal(rec->fields[i].s, want);
        assert_int_equal(rec->fields[i].len, strlen(want));
    }
    va_end(ap);
}

static void expect_end(struct src *s)
{
    struct csv_record rec;

    assert_int_equal(csv_reader_next(&s->r, &rec, &s->err), 0);
    assert_int_equal(csv_reader_next(&s->r, &rec, &s->err), 0);
}

/* ---- records ---------------------------------------------------------------------------- */

static void test_plain_and_quoted(void **state)
{
    struct src s;
    struct csv_record rec;

    (void)state;
    open_str(&s, "a,b,c\n"
                 "\"x, y\",\"say \"\"hi\"\"\",plain\n"
                 "\"\"\"\",\"\",\n");
    next_ok(&s, &rec);
    expect_fields(&rec, 1, 3, "a", "b", "c");
    next_ok(&s, &rec);
    expect_fields(&rec, 2, 3, "x, y", "say \"hi\"", "plain");
    next_ok(&s, &rec);
    expect_fields(&rec, 3, 3, "\"", "", "");
    expect_end(&s);
    close_src(&s);
}

static void test_crlf_bom_and_last_line(void **state)
{
    struct src s;
    struct csv_record rec;

    (void)state;
    open_str(&s, "\xEF\xBB\xBF" "Name,Price\r\n\"Office\",\"12.50\"\r\nTeams,4");
    next_ok(&s, &rec);
    expect_fields(&rec, 1, 2, "Name", "Price"); /* BOM gone */
    next_ok(&s, &rec);
    expect_fields(&rec, 2, 2, "Office", "12.50");
    next_ok(&s, &rec);
    expect_fields(&rec, 3, 2, "Teams", "4"); /* no line end */
    expect_end(&s);
    close_src(&s);
}

static void test_empty_fields_and_spaces(void **state)
{
    struct src s;
    struct csv_record rec;

    (void)state;
    open_str(&s, ",,\n a , \" b \" ,\t\n,x\n");
    next_ok(&s, &rec);
    expect_fields(&rec, 1, 3, "", "", "");
    next_ok(&s, &rec);
    expect_fields(&rec, 2, 3, "a", " b ", ""); /* unquoted spaces trimmed, quoted kept */
    next_ok(&s, &rec);
    expect_fields(&rec, 3, 2, "", "x");
    expect_end(&s);
    close_src(&s);
}

static void test_blank_lines_skipped(void **state)
{
    struct src s;
    struct csv_record rec;

    (void)state;
    open_str(&s, "h1,h2\n\n\r\nv1,v2\n\n");
    next_ok(&s, &rec);
    expect_fields(&rec, 1, 2, "h1", "h2");
    next_ok(&s, &rec);
    expect_fields(&rec, 4, 2, "v1", "v2");
    expect_end(&s);
    close_src(&s);
}

/* A quoted field holding line breaks: records after it keep their physical line numbers. */
static void test_embedded_newlines_line_numbers(void **state)
{
    struct src s;
    struct csv_record rec;

    (void)state;
    open_str(&s, "id,text,price\r\n"
                 "1,\"first\r\nsecond\r\nthird\",10\r\n"
                 "2,\"one line\",20\r\n"
                 "3,\"a\nb\",30\n"
                 "4,x,40\n");
    next_ok(&s, &rec);
    expect_fields(&rec, 1, 3, "id", "text", "price");
    next_ok(&s, &rec);
    expect_fields(&rec, 2, 3, "1", "first\r\nsecond\r\nthird", "10");
    assert_int_equal(rec.fields[0].line, 2);
    assert_int_equal(rec.fields[1].line, 2);
    assert_int_equal(rec.fields[2].line, 4); /* the price sits on the third physical line */
    next_ok(&s, &rec);
    expect_fields(&rec, 5, 3, "2", "one line", "20");
    next_ok(&s, &rec);
    expect_fields(&rec, 6, 3, "3", "a\nb", "30");
    assert_int_equal(rec.fields[2].line, 7);
    next_ok(&s, &rec);
    expect_fields(&rec, 8, 3, "4", "x", "40");
    expect_end(&s);
    close_src(&s);
}

/* 5,000 records (~190 KB) cross several 64 KiB read chunks, some inside quoted fields. */
static void test_records_across_chunks(void **state)
{
    size_t cap = 5000 * 64, len = 0;
    char *text = malloc(cap);
    struct src s;
    struct csv_record rec;

    (void)state;
    assert_non_null(text);
    for (int i = 0; i < 5000; i++)
        len += (size_t)snprintf(text + len, cap - len,
                                "row%05d,\"quoted, \"\"value\"\"\n%d\",%d.25\n", i, i, i);
    open_src(&s, text, len);
    for (int i = 0; i < 5000; i++) {
        char a[16], b[48], c[16];

        snprintf(a, sizeof(a), "row%05d", i);
        snprintf(b, sizeof(b), "quoted, \"value\"\n%d", i);
        snprintf(c, sizeof(c), "%d.25", i);
        next_ok(&s, &rec);
        expect_fields(&rec, 1 + 2L * i, 3, a, b, c);
        assert_int_equal(rec.fields[2].line, 2 + 2L * i);
    }
    expect_end(&s);
    close_src(&s);
    free(text);
}

static void count_bytes(void *ctx, const unsigned char *buf, size_t len)
{
    (void)buf;
    *(size_t *)ctx += len;
}

static void test_observer_sees_every_byte(void **state)
{
    static const char text[] = "\xEF\xBB\xBF" "a,b\nc,d\n";
    size_t seen = 0;
    struct src s;
    struct csv_record rec;

    (void)state;
    open_str(&s, text);
    csv_reader_set_observer(&s.r, count_bytes, &seen);
    next_ok(&s, &rec);
    next_ok(&s, &rec);
    expect_end(&s);
    assert_int_equal(seen, strlen(text)); /* the BOM too: the hash is of the file */
    close_src(&s);
}

/* ---- refusals --------------------------------------------------------------------------- */

static void test_stray_quote_is_an_error(void **state)
{
    struct src s;
    struct csv_record rec;

    (void)state;
    open_str(&s, "a,b\nc,d\"e\n");
    next_ok(&s, &rec);
    assert_int_equal(csv_reader_next(&s.r, &rec, &s.err), -1);
    assert_int_equal(s.err.code, ERR_PARSE);
    assert_int_equal(s.r.err_line, 2);
    assert_int_equal(s.r.err_field, 1);
    assert_non_null(strstr(s.err.msg, "line 2, field 2: malformed quoting"));
    /* and it stays failed */
    assert_int_equal(csv_reader_next(&s.r, &rec, &s.err), -1);
    close_src(&s);
}

static void test_unterminated_quote_at_eof(void **state)
{
    struct src s;
    struct csv_record rec;

    (void)state;
    open_str(&s, "a,b,c\n1,2,3\n4,\"never\nclosed,5\n6,7");
    next_ok(&s, &rec);
    next_ok(&s, &rec);
    assert_int_equal(csv_reader_next(&s.r, &rec, &s.err), -1);
    assert_int_equal(s.err.code, ERR_PARSE);
    assert_int_equal(s.r.err_line, 3); /* where the open field began, not the last line */
    assert_int_equal(s.r.err_field, 1);
    assert_string_equal(s.err.msg,
                        "line 3, field 2: quoted field never closed (is the file truncated?)");
    close_src(&s);
}

static void test_utf16_refused(void **state)
{
    static const char text[] = "\xFF\xFE" "a\0,\0b\0\n\0";
    struct src s;
    struct csv_record rec;

    (void)state;
    open_src(&s, text, sizeof(text) - 1);
    assert_int_equal(csv_reader_next(&s.r, &rec, &s.err), -1);
    assert_int_equal(s.r.err_line, 1);
    assert_non_null(strstr(s.err.msg, "UTF-16"));
    close_src(&s);
}

static void test_record_cap(void **state)
{
    size_t n = CSV_MAX_RECORD + 100;
    char *text = malloc(n + 8);
    struct src s;
    struct csv_record rec;

    (void)state;
    assert_non_null(text);
    memcpy(text, "x,y\n\"", 5);
    memset(text + 5, 'a', n - 5);
    memcpy(text + n, "\"\n", 2);
    open_src(&s, text, n + 2);
    next_ok(&s, &rec);
    assert_int_equal(csv_reader_next(&s.r, &rec, &s.err), -1);
    assert_int_equal(s.err.code, ERR_TOO_BIG);
    close_src(&s);
    free(text);
}

/* ---- text ------------------------------------------------------------------------------- */

static void test_text_valid(void **state)
{
    size_t bad = 99;

    (void)state;
    assert_true(csv_text_valid("plain ASCII", 11, NULL));
    assert_true(csv_text_valid("", 0, NULL));
    assert_true(csv_text_valid("f\xC3\xBCr \xE2\x80\x94 \xF0\x9F\x98\x80", 13, NULL));
    assert_false(csv_text_valid("Gesch\xE4" "ft", 8, &bad)); /* Latin-1 */
    assert_int_equal(bad, 5);
    assert_false(csv_text_valid("\xC0\x80", 2, &bad)); /* overlong NUL */
    assert_int_equal(bad, 0);
    assert_false(csv_text_valid("\xE0\x80\xAF", 3, NULL)); /* overlong '/' */
    assert_false(csv_text_valid("\xED\xA0\x80", 3, NULL)); /* surrogate */
    assert_false(csv_text_valid("\xF4\x90\x80\x80", 4, NULL)); /* above U+10FFFF */
    assert_false(csv_text_valid("ab\xE2\x82", 4, &bad)); /* truncated sequence */
    assert_int_equal(bad, 2);
    assert_false(csv_text_valid("a\0b", 3, &bad)); /* NUL */
    assert_int_equal(bad, 1);
}

static void test_write_field(void **state)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    (void)state;
    assert_non_null(f);
    assert_int_equal(csv_write_field(f, "say \"hi\", ok", 12), 0);
    fclose(f);
    assert_string_equal(buf, "\"say \"\"hi\"\", ok\"");
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_and_quoted),
        cmocka_unit_test(test_crlf_bom_and_last_line),
        cmocka_unit_test(test_empty_fields_and_spaces),
        cmocka_unit_test(test_blank_lines_skipped),
        cmocka_unit_test(test_embedded_newlines_line_numbers),
        cmocka_unit_test(test_records_across_chunks),
        cmocka_unit_test(test_observer_sees_every_byte),
        cmocka_unit_test(test_stray_quote_is_an_error),
        cmocka_unit_test(test_unterminated_quote_at_eof),
        cmocka_unit_test(test_utf16_refused),
        cmocka_unit_test(test_record_cap),
        cmocka_unit_test(test_text_valid),
        cmocka_unit_test(test_write_field),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
