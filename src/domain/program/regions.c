/*
 * domain/program/regions.c — the country → CSP region table and its lookups (program.md §3).
 *
 * "Regions are data, not code": the rows live in regions.csv (country, name, region,
 * confirmed, note), which regions_gen.sh turns into regions_table.inc at authoring time; the
 * domain never opens a file. A row is `confirmed` only when Microsoft's "regional markets and
 * currencies" page says so (United States with its minor outlying islands, Brazil); every other
 * row is our best reading and is reported as unconfirmed so the dashboard can say so.
 * A country missing from the table has no region: the region rule refuses it (region_unknown)
 * rather than guess.
 *
 * Workload: one or two lookups per order or relationship request over ~130 rows; a linear scan
 * with a two-byte compare is simpler than an index and fast enough by orders of magnitude.
 */
#include "domain/program/program.h"

#include <string.h>

static const struct program_region_row region_rows[] = {
#include "domain/program/regions_table.inc"
};

/* Labels of the region ids the rows use (tests check that every row's region is here). */
static const struct program_region_info region_infos[] = {
    { "united_states", "United States" },
    { "brazil", "Brazil" },
    { "canada", "Canada" },
    { "india", "India" },
    { "japan", "Japan" },
    { "korea", "Korea" },
    { "taiwan", "Taiwan" },
    { "australia", "Australia" },
    { "new_zealand", "New Zealand" },
    { "south_africa", "South Africa" },
    { "europe", "Europe" },
    { "africa", "Africa" },
    { "middle_east", "Middle East" },
    { "asia", "Asia" },
    { "latin_america", "Latin America and Caribbean" },
};

#define N_ROWS (sizeof(region_rows) / sizeof(region_rows[0]))
#define N_INFOS (sizeof(region_infos) / sizeof(region_infos[0]))

static char ascii_upper(char c)
{
    return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
}

const struct program_region_row *program_region_lookup(const char *country)
{
    char a, b;

    if (!country || !country[0] || !country[1] || country[2])
        return NULL;
    a = ascii_upper(country[0]);
    b = ascii_upper(country[1]);
    for (size_t i = 0; i < N_ROWS; i++) {
        if (region_rows[i].country[0] == a && region_rows[i].country[1] == b)
            return &region_rows[i];
    }
    return NULL;
}

const char *program_region_of(const char *country)
{
    const struct program_region_row *r = program_region_lookup(country);

    return r ? r->region : NULL;
}

const struct program_region_row *program_region_row_at(size_t i)
{
    return i < N_ROWS ? &region_rows[i] : NULL;
}

size_t program_region_row_count(void)
{
    return N_ROWS;
}

const struct program_region_info *program_region_info(const char *region_id)
{
    if (!region_id)
        return NULL;
    for (size_t i = 0; i < N_INFOS; i++) {
        if (strcmp(region_infos[i].id, region_id) == 0)
            return &region_infos[i];
    }
    return NULL;
}

const struct program_region_info *program_region_info_at(size_t i)
{
    return i < N_INFOS ? &region_infos[i] : NULL;
}

const char *program_partner_region(const struct partner *p)
{
    if (!p)
        return NULL;
    if (p->region[0])
        return p->region;
    return program_region_of(p->country);
}
