/*
 * io/recon_read.h — reading Microsoft's NCE invoice reconciliation file (formats.md §1) and
 * daily rated usage file (§2) as Partner Center publishes them, one validated line at a time.
 *
 * Columns are found by header name, never by position: case-insensitive, spaces and
 * underscores ignored, through an alias table (MPNID/MpnId, ResellerMPNID/ResellerMpnId/
 * Tier2MpnId, ReferenceID/ReferenceId, Total/TotalForCustomer, Unit/UnitOfMeasure ...; the v1
 * API's camelCase names match too). Columns cspd does not use are skipped. The file kind is
 * told by its header: a UsageDate column makes a usage file; ChargeType with Subtotal an
 * invoice reconciliation file; anything else is refused on line 1.
 *
 * What a line must hold (else ERR_PARSE / ERR_INVALID "line N, column NAME: ...", err.field =
 * the column's header as the file spells it): valid UTF-8 in every field (a Latin-1 or
 * Windows-1252 export fails here); as many fields as the header (a truncated last line fails
 * here, or in csv.c when it ends inside quotes); decimals per dec_parse (exponents accepted,
 * no thousands separators); dates as en-US M/D/YYYY (optionally with " h:mm:ss AM"), ISO
 * YYYY-MM-DD or an ISO instant; a known ISO 4217 currency. ChargeType may be in any letter
 * case and is normalised to Microsoft's spelling; an unknown type is kept verbatim
 * (formats.md §5 item 7). Credits may carry a negative quantity. Optional empty amounts
 * (TaxTotal, PCToBCExchangeRate) read as absent.
 *
 * Memory is bounded: the CSV reader's buffers plus this struct; string fields of a row point
 * into the reader's record and live until the next recon_reader_next.
 *
 * Hashes for idempotency: the SHA-256 of the raw bytes (file_hash) and of the normalised rows
 * (content_hash: canonical values of the mapped columns, so the same data saved again with
 * other header spelling, line ends, BOM or charge-type case hashes the same), computed through
 * OpenSSL's libcrypto (EVP): it uses the CPU's SHA instructions where there are any (SHA-NI),
 * ~4x libsodium's portable SHA-256 on the bench machine; the digests are the same.
 */
#ifndef CSPD_IO_RECON_READ_H
#define CSPD_IO_RECON_READ_H

#include <stdbool.h>
#include <stdio.h>

#include "core/date.h"
#include "core/decimal.h"
#include "core/err.h"
#include "domain/recon/recon.h"
#include "io/csv.h"

enum recon_kind { RECON_KIND_INVOICE, RECON_KIND_USAGE };

/* The columns cspd reads (both files); RCOL__COUNT sizes the header map. */
enum recon_col {
    RCOL_PARTNER_ID,
    RCOL_CUSTOMER_ID,
    RCOL_CUSTOMER_NAME,
    RCOL_CUSTOMER_COUNTRY,
    RCOL_INVOICE_NUMBER,
    RCOL_MPN_ID,
    RCOL_RESELLER_MPN_ID,
    RCOL_ORDER_ID,
    RCOL_ORDER_DATE,
    RCOL_PRODUCT_ID,
    RCOL_SKU_ID,
    RCOL_SKU_NAME,
    RCOL_PRODUCT_NAME,
    RCOL_CHARGE_TYPE,
    RCOL_UNIT_PRICE,
    RCOL_QUANTITY,
    RCOL_SUBTOTAL,
    RCOL_TAX_TOTAL,
    RCOL_TOTAL,
    RCOL_CURRENCY,
    RCOL_SUBSCRIPTION_ID,
    RCOL_CHARGE_START,
    RCOL_CHARGE_END,
    RCOL_EUP,
    RCOL_BILLABLE_QUANTITY,
    RCOL_BILLING_FREQUENCY,
    RCOL_PRICING_CURRENCY,
    RCOL_FX_RATE,
    RCOL_REFERENCE_ID,
    /* daily rated usage only */
    RCOL_USAGE_DATE,
    RCOL_METER_ID,
    RCOL_BILLING_PRE_TAX_TOTAL,
    RCOL_BILLING_CURRENCY,
    RCOL_ENTITLEMENT_ID,
    RCOL_METER_NAME,          /* for the customer's invoice line (not hashed) */
    RCOL_METER_CATEGORY,      /* (not hashed) */
    RCOL_FX_DATE,             /* PCToBCExchangeRateDate (not hashed) */
    RCOL__COUNT
};

/* One line of either file. Strings point into the reader; "" when the column is absent. */
struct recon_row {
    long line;
    const char *partner_id, *customer_id, *customer_name, *invoice_number, *mpn_id,
        *reseller_mpn_id, *order_id, *product_id, *sku_id, *sku_name, *product_name,
        *subscription_id, *reference_id, *meter_id, *entitlement_id, *meter_name,
        *meter_category;
    enum recon_type type;
    char charge_type[RECON_TYPE_MAX]; /* normalised, or verbatim when RT_UNKNOWN */
    char currency[4];                 /* billing currency */
    char pricing_currency[4];         /* = currency when the file has none */
    struct date start, end;           /* usage: both the UsageDate */
    bool has_end;
    struct dec unit_price, quantity, eup, subtotal, tax, total, fx;
    bool has_fx;                      /* PCToBCExchangeRate given */
    struct date fx_date;              /* usage: PCToBCExchangeRateDate ... */
    bool has_fx_date;                 /* ... when given */
};

struct recon_reader {
    struct csv_reader csv;
    enum recon_kind kind;
    int col[RCOL__COUNT];             /* field index of each column, -1 absent */
    char header[RCOL__COUNT][48];     /* the header as the file spells it */
    size_t nheader;                   /* fields in the header line */
    long rows;                        /* data lines read */
    struct evp_md_ctx_st *file_h, *content_h; /* OpenSSL EVP_MD_CTX, owned */
    bool hashing_started;
};

/* Read and check the header line. ERR_PARSE/ERR_INVALID naming line 1 and the column;
 * ERR_NOMEM/ERR_INTERNAL when the hashes cannot be set up. Release `r` in every case. */
int recon_reader_open(struct recon_reader *r, FILE *in, struct err *err);
/* The next line: 1 a row, 0 end of file, -1 error (err says line and column). */
int recon_reader_next(struct recon_reader *r, struct recon_row *row, struct err *err);
/* After recon_reader_next returned 0: hex SHA-256 of the bytes and of the content. */
void recon_reader_hashes(struct recon_reader *r, char file_hex[65], char content_hex[65]);
void recon_reader_release(struct recon_reader *r);

const char *recon_kind_name(enum recon_kind k); /* "invoice", "usage" */

/*
 * Parse a date as the files write it: "M/D/YYYY", "M/D/YYYY h:mm:ss AM", "YYYY-MM-DD",
 * "YYYY-MM-DDTHH:MM:SS[.f]Z" (the time of day is dropped: charge dates are whole days, UTC).
 */
int recon_parse_date(const char *s, size_t len, struct date *out, struct err *err);

#endif
