/*
 * io/pricelist.h — rows of Microsoft's NCE license-based price list (formats.md §3.1), read
 * one at a time from a CSV stream and validated into typed values.
 *
 * Columns are found BY HEADER NAME, never by position: names are compared case-insensitively
 * with everything but ASCII letters and digits dropped ("ERP Price", "erp_price" and "ErpPrice"
 * are one name), through the alias table in pricelist.c (docs/catalog.md lists it). Unknown
 * columns are ignored. A required column that is missing, or two columns naming the same
 * field, is an error on line 1.
 *
 * Every error names the place: "line N, column NAME: what is wrong", N the physical line of
 * the file (header = line 1), NAME the column as the file's header writes it; err.field holds
 * the column name too. Checks per row: every field is UTF-8 without NUL bytes; the row has a
 * field for every header column; ProductId and SkuId are short identifiers; the titles are not
 * empty; TermDuration is P1M, P1Y or P3Y; BillingPlan is Monthly, Annual, Triennial or
 * OneTime (= the term's upfront plan) and offered for the term (nce-rules §1); Market is two
 * letters; Currency an ISO 4217 code cspd knows; UnitPrice, ERP Price and the tier bounds are
 * exact non-negative decimals (struct dec, no floating point); EffectiveStartDate and
 * EffectiveEndDate are ISO 8601 instants ("2026-11-01T00:00:00.0000000Z") or the portal's
 * en-US form ("11/1/2026 12:00:00 AM", "11/30/9999 23:59"), the end not before the start.
 * Rows with BillingPlan "None" (trials, formats.md §3.1) are skipped and counted.
 *
 * Prices (nce-rules.md Part A 13, §7.6): UnitPrice is the price of the WHOLE TERM as Microsoft
 * publishes it and is kept so (term_price); cycle_price is the per-seat price per billing
 * cycle, term_price / cycles in the term, rounded half-up to the currency's minor unit when
 * not exact (plan_cycle_price in domain/catalog/plan.h, the one place of that rule).
 *
 * Ownership: a row's string pointers point into the reader's current record and are valid
 * until the next pricelist_reader_next or pricelist_reader_release.
 */
#ifndef CSPD_IO_PRICELIST_H
#define CSPD_IO_PRICELIST_H

#include <stdbool.h>
#include <stdio.h>

#include "core/date.h"
#include "core/decimal.h"
#include "core/err.h"
#include "domain/catalog/catalog.h"
#include "domain/catalog/plan.h"
#include "io/csv.h"

enum pricelist_col {
    PLC_PRODUCT_TITLE,
    PLC_PRODUCT_ID,
    PLC_SKU_ID,
    PLC_SKU_TITLE,
    PLC_PUBLISHER,
    PLC_SKU_DESCRIPTION,
    PLC_UNIT_OF_MEASURE,
    PLC_TERM,
    PLC_BILLING,
    PLC_MARKET,
    PLC_CURRENCY,
    PLC_UNIT_PRICE,
    PLC_TIER_MIN,
    PLC_TIER_MAX,
    PLC_START,
    PLC_END,
    PLC_TAGS,
    PLC_ERP_PRICE,
    PLC_SEGMENT,
    PLC_COUNT
};

#define PRICELIST_SEGMENT_MAX 32
#define PRICELIST_DEC_MAX DEC_STRLEN

struct pricelist_row {
    long line;                  /* physical line the row starts on */
    const char *product_id;     /* "CFQ7TTC0LH18" */
    const char *product_title;
    const char *sku_id;         /* "0001" */
    const char *sku_title;
    const char *publisher;      /* "" when absent */
    const char *description;    /* "" when absent */
    const char *tags;           /* as written ("License; Trial"), "" when absent */
    char sku[SKU_MAX];          /* "CFQ7TTC0LH18:0001", the skus.id form */
    char segment[PRICELIST_SEGMENT_MAX]; /* lower-case ("commercial"), "" when absent */
    char market[MARKET_MAX];    /* "US" */
    char currency[CCY_MAX];     /* "USD" */
    enum term term;
    enum billing billing;
    struct dec term_price;      /* UnitPrice as published: the whole term */
    struct dec cycle_price;     /* per seat per billing cycle (Part A 13) */
    bool has_erp;
    struct dec erp_price;
    bool has_tier_min, has_tier_max;
    struct dec tier_min, tier_max;
    instant_t starts_at;        /* EffectiveStartDate */
    bool has_end;               /* false: no end, or the 9999 placeholder */
    instant_t ends_at;          /* EffectiveEndDate */
    struct date effective_from; /* the UTC day of starts_at */
    bool has_effective_to;
    struct date effective_to;   /* last day in effect, inclusive (docs/catalog.md) */
};

struct pricelist_reader {
    struct csv_reader csv;
    int col[PLC_COUNT];         /* record index of each field, -1 when the column is absent */
    char **names;               /* the header as written, for messages */
    size_t nnames;
    bool has_default_start;
    struct date default_start;  /* for rows with an empty EffectiveStartDate (--month) */
    long rows;                  /* rows returned so far */
    long skipped;               /* trial rows skipped so far */
};

/* Canonical header name of a column ("UnitPrice", "ERP Price"). */
const char *pricelist_col_name(enum pricelist_col c);
/* The column a header name stands for (aliases, case-insensitive), or -1 when unknown. */
int pricelist_col_from_header(const char *name, size_t len);

struct pricelist_reader_opts {
    csv_observer_fn observer;   /* every raw block read (content hash); may be NULL */
    void *observer_ctx;
    bool has_default_start;     /* rows with an empty EffectiveStartDate start on ... */
    struct date default_start;  /* ... this day (the first day of --month) */
};

/*
 * Set up on `in` and read the header (line 1); `opts` may be NULL. Errors: empty file, a
 * required column missing or a column given twice, the CSV errors of csv.h. On error nothing
 * is left to release.
 */
int pricelist_reader_init(struct pricelist_reader *r, FILE *in,
                          const struct pricelist_reader_opts *opts, struct err *err);
/* The next valid row: 1 a row, 0 end of file, -1 error ("line N, column NAME: ..."). */
int pricelist_reader_next(struct pricelist_reader *r, struct pricelist_row *row,
                          struct err *err);
void pricelist_reader_release(struct pricelist_reader *r);

/*
 * A price list date-time: ISO 8601 (instant_parse) or en-US "M/D/YYYY[ H:MM[:SS][ AM|PM]]".
 * ERR_PARSE with a message saying what is wrong.
 */
int pricelist_parse_instant(const char *s, size_t len, instant_t *out, struct err *err);

#endif
