/*
 * tests/unit/test_program_regions.c — the country → CSP region table (program.md §3).
 *
 * Two kinds of check: lookups written from program.md and Microsoft's regional markets page
 * by hand (the United States with its minor outlying islands and Brazil are single regions and
 * confirmed; Europe is one region of many countries; Africa has 18 countries), and a parse of
 * src/domain/program/regions.csv compared row by row with the compiled table, so the CSV (the
 * source people edit) and regions_table.inc (what is compiled) cannot drift apart. Tests run
 * from the repository root, so the CSV path is relative to it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "domain/program/program.h"

#define REGIONS_CSV "src/domain/program/regions.csv"

static size_t rows_in_region(const char *region)
{
    size_t n = 0;

    for (size_t i = 0; program_region_row_at(i); i++) {
        if (strcmp(program_region_row_at(i)->region, region) == 0)
            n++;
    }
    return n;
}

static void test_lookup_confirmed_rows(void **state)
{
    const struct program_region_row *r;

    (void)state;
    r = program_region_lookup("US");
    assert_non_null(r);
    assert_string_equal(r->region, "united_states");
    assert_true(r->confirmed);
    r = program_region_lookup("UM");
    assert_non_null(r);
    assert_string_equal(r->region, "united_states");
    assert_true(r->confirmed);
    r = program_region_lookup("BR");
    assert_non_null(r);
    assert_string_equal(r->region, "brazil");
    assert_true(r->confirmed);
    assert_string_equal(r->country_name, "Brazil");
}

static void test_lookup_unconfirmed_rows(void **state)
{
    const struct program_region_row *r;

    (void)state;
    r = program_region_lookup("DE");
    assert_non_null(r);
    assert_string_equal(r->region, "europe");
    assert_false(r->confirmed);
    r = program_region_lookup("CA");
    assert_non_null(r);
    assert_string_equal(r->region, "canada");
    assert_false(r->confirmed);
    r = program_region_lookup("KE");
    assert_non_null(r);
    assert_string_equal(r->region, "africa");
    assert_false(r->confirmed);
}

static void test_lookup_case_and_bad_codes(void **state)
{
    (void)state;
    assert_ptr_equal(program_region_lookup("de"), program_region_lookup("DE"));
    assert_ptr_equal(program_region_lookup("uS"), program_region_lookup("US"));
    assert_null(program_region_lookup("ZZ"));
    assert_null(program_region_lookup("USA"));
    assert_null(program_region_lookup("U"));
    assert_null(program_region_lookup(""));
    assert_null(program_region_lookup(NULL));
    assert_null(program_region_of("XX"));
    assert_string_equal(program_region_of("GB"), "europe");
    assert_string_equal(program_region_of("FR"), "europe");
}

/* program.md §3: US (with minor outlying islands) and Brazil single; Europe many; Africa 18. */
static void test_region_shapes(void **state)
{
    (void)state;
    assert_int_equal(rows_in_region("united_states"), 2);
    assert_int_equal(rows_in_region("brazil"), 1);
    assert_int_equal(rows_in_region("africa"), 18);
    assert_true(rows_in_region("europe") > 30);
    assert_int_equal(rows_in_region("nowhere"), 0);
    /* Several currencies, one region (nce-rules.md §9, §10). */
    assert_string_equal(program_region_of("SE"), "europe");
    assert_string_equal(program_region_of("NO"), "europe");
    assert_string_equal(program_region_of("CH"), "europe");
    assert_string_equal(program_region_of("DK"), "europe");
}

static void test_table_integrity(void **state)
{
    size_t n = program_region_row_count();

    (void)state;
    assert_true(n > 0);
    assert_null(program_region_row_at(n));
    for (size_t i = 0; i < n; i++) {
        const struct program_region_row *r = program_region_row_at(i);

        assert_int_equal(strlen(r->country), 2);
        assert_true(r->country[0] >= 'A' && r->country[0] <= 'Z');
        assert_true(r->country[1] >= 'A' && r->country[1] <= 'Z');
        /* Every region has a label, and lookup finds this very row (no duplicates). */
        assert_non_null(program_region_info(r->region));
        assert_ptr_equal(program_region_lookup(r->country), r);
        assert_true(strlen(r->region) < PROGRAM_REGION_LEN);
    }
    /* Every labelled region has rows. */
    for (size_t i = 0; program_region_info_at(i); i++)
        assert_true(rows_in_region(program_region_info_at(i)->id) > 0);
    assert_string_equal(program_region_info("europe")->label, "Europe");
    assert_null(program_region_info("atlantis"));
    assert_null(program_region_info(NULL));
}

static void test_partner_region(void **state)
{
    struct partner p;

    (void)state;
    memset(&p, 0, sizeof(p));
    assert_null(program_partner_region(&p));
    assert_null(program_partner_region(NULL));
    strcpy(p.country, "AT");
    assert_string_equal(program_partner_region(&p), "europe");
    strcpy(p.region, "middle_east");
    assert_string_equal(program_partner_region(&p), "middle_east");
}

/* Split `line` (modified) at commas into exactly `n` fields; returns the count found. */
static int split(char *line, char **fields, int n)
{
    int k = 0;
    char *p = line;

    fields[k++] = p;
    while ((p = strchr(p, ',')) != NULL) {
        *p++ = '\0';
        if (k == n)
            return n + 1;
        fields[k++] = p;
    }
    return k;
}

static void test_csv_matches_compiled_table(void **state)
{
    FILE *f = fopen(REGIONS_CSV, "r");
    char line[512];
    size_t i = 0;
    int lineno = 0;

    (void)state;
    if (!f)
        fail_msg("cannot open %s (tests run from the repository root)", REGIONS_CSV);
    while (fgets(line, sizeof(line), f)) {
        char *fld[5];
        size_t len = strlen(line);
        const struct program_region_row *r;

        lineno++;
        if (len == 0 || line[len - 1] != '\n')
            fail_msg("%s:%d: line too long or no final newline", REGIONS_CSV, lineno);
        line[--len] = '\0';
        if (lineno == 1) {
            assert_string_equal(line, "country,country_name,region,confirmed,note");
            continue;
        }
        if (split(line, fld, 5) != 5)
            fail_msg("%s:%d: want 5 fields", REGIONS_CSV, lineno);
        r = program_region_row_at(i);
        if (!r)
            fail_msg("%s:%d: row %s is not in the compiled table; run regions_gen.sh",
                     REGIONS_CSV, lineno, fld[0]);
        if (strcmp(r->country, fld[0]) || strcmp(r->country_name, fld[1]) ||
            strcmp(r->region, fld[2]))
            fail_msg("%s:%d: %s,%s,%s differs from compiled %s,%s,%s; run regions_gen.sh",
                     REGIONS_CSV, lineno, fld[0], fld[1], fld[2], r->country,
                     r->country_name, r->region);
        if (strcmp(fld[3], "yes") != 0 && strcmp(fld[3], "no") != 0)
            fail_msg("%s:%d: confirmed must be yes or no", REGIONS_CSV, lineno);
        if (r->confirmed != (strcmp(fld[3], "yes") == 0))
            fail_msg("%s:%d: confirmed flag differs; run regions_gen.sh", REGIONS_CSV, lineno);
        /* A confirmed row says where it was confirmed. */
        if (r->confirmed && fld[4][0] == '\0')
            fail_msg("%s:%d: a confirmed row needs a note naming its source", REGIONS_CSV,
                     lineno);
        i++;
    }
    fclose(f);
    assert_true(lineno > 1);
    if (i != program_region_row_count())
        fail_msg("%s has %zu rows, the compiled table %zu; run regions_gen.sh", REGIONS_CSV, i,
                 program_region_row_count());
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lookup_confirmed_rows),
        cmocka_unit_test(test_lookup_unconfirmed_rows),
        cmocka_unit_test(test_lookup_case_and_bad_codes),
        cmocka_unit_test(test_region_shapes),
        cmocka_unit_test(test_table_integrity),
        cmocka_unit_test(test_partner_region),
        cmocka_unit_test(test_csv_matches_compiled_table),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
