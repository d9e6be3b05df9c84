/*
 * domain/invoice/invoice.h — the invoice a partner issues to its customer (or a distributor to
 * its reseller): lines, tax, totals, numbering and the status machine (issue 7;
 * docs/billing.md).
 *
 * Pure: no I/O, no clock. svc/invoice_svc.c builds invoices from rated lines, and the store
 * keeps them (store/repo_invoice.h).
 *
 * Status:   draft -> finalized -> paid
 *                             \-> void
 *           A draft is rebuilt freely; a finalized invoice never changes again except its
 *           status (paid or void). Corrections are credit notes: a finalized invoice of kind
 *           credit_note with negated lines, pointing at the invoice it corrects.
 * Numbers:  "<SERIES>-<YYYY>-<NNNNNN>", INV for invoices and CN for credit notes, sequential
 *           and gapless per issuer, series and year of finalization; allocated by the
 *           transaction that finalizes (store/repo_invoice.h), never reused.
 * Tax:      one rate (percent) per invoice, shown on it; each line's tax is
 *           ROUND(amount x rate / 100) to the currency's minor unit with the issuer's mode
 *           (half-up by default), ONCE per line; the invoice's tax is the sum of its lines'.
 *           subtotal = sum of line amounts, total = subtotal + tax.
 * Due date: issue date + payment terms (days).
 *
 * Ownership: an invoice owns its lines array (invoice_init / invoice_add_line /
 * invoice_release); strings are fixed arrays inside the structs.
 */
#ifndef CSPD_DOMAIN_INVOICE_INVOICE_H
#define CSPD_DOMAIN_INVOICE_INVOICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/date.h"
#include "core/decimal.h"
#include "core/err.h"
#include "core/id.h"
#include "domain/catalog/catalog.h"

#define INVOICE_NUMBER_MAX 32
#define INVOICE_PERIOD_MAX 8  /* "YYYY-MM" + NUL */
#define INVOICE_DESC_MAX 160

enum invoice_status { INV_DRAFT = 0, INV_FINALIZED, INV_PAID, INV_VOID };
enum invoice_kind { INV_KIND_INVOICE = 0, INV_KIND_CREDIT_NOTE };

struct invoice_line {
    int line_no;                       /* 1, 2, ... */
    char rated_line_id[ID_MAXLEN];
    char charge_id[ID_MAXLEN];
    char subscription_id[ID_MAXLEN];
    char description[INVOICE_DESC_MAX];
    char sku[SKU_MAX];
    char product_id[SKU_MAX];
    char charge_type[24];
    struct date start, end;
    struct dec quantity;               /* seats (whole), or usage units (decimal) */
    struct dec unit_price;
    struct dec eup;                    /* signed */
    struct dec amount;                 /* signed, before tax */
    struct dec tax;                    /* invoice_compute */
    struct dec cost;                   /* seller's cost, same currency */
    struct dec margin;
    bool adjustment;                   /* a late line of an earlier, closed period */
};

/* Who is billed, as printed (snapshot taken when the invoice is built). */
struct invoice_party {
    char name[128];
    char address[256];                 /* lines separated by '\n' */
    char country[4];
    char tax_id[64];
    char email[128];
};

/* Who issues it, with its branding (snapshot). */
struct invoice_issuer {
    char name[128];
    char address[256];
    char tax_id[64];
    char colour[8];                    /* "#RRGGBB"; "" = the default */
    char logo_path[256];               /* PNG or JPEG; "" = none */
    char footer[256];
    int period_day;                    /* billing period anchor 1..28; 0 = 1 (calendar) */
};

struct invoice {
    char id[ID_MAXLEN];
    char number[INVOICE_NUMBER_MAX];   /* "" until finalized */
    enum invoice_kind kind;
    enum invoice_status status;
    char issuer_id[ID_MAXLEN];
    char customer_id[ID_MAXLEN];       /* billed party: a customer ... */
    char reseller_id[ID_MAXLEN];       /* ... or a reseller (exactly one is set) */
    char credit_for[ID_MAXLEN];        /* credit note: the invoice it corrects */
    char period[INVOICE_PERIOD_MAX];
    char currency[CCY_MAX];
    struct dec tax_rate;               /* percent */
    char tax_label[32];
    enum dec_round tax_mode;
    int payment_terms_days;
    int series_year;
    int64_t series_value;
    struct date issued_on, due_on;     /* set when finalized */
    struct dec subtotal, tax, total, cost;
    struct invoice_party bill_to;
    struct invoice_issuer issuer;
    instant_t created_at, finalized_at, paid_at, voided_at;
    struct invoice_line *lines;
    size_t nlines, caplines;
};

void invoice_init(struct invoice *inv);
/* Append a copy of *l; its line_no becomes nlines. ERR_NOMEM. */
int invoice_add_line(struct invoice *inv, const struct invoice_line *l, struct err *err);
/* Free the lines; the struct may be init'ed again. */
void invoice_release(struct invoice *inv);
/* Reset to a fresh invoice for reuse, keeping the lines array's memory (a close builds
 * thousands in a row). */
void invoice_clear(struct invoice *inv);

/* Tax per line and totals (rules above). ERR_INVALID for an unknown currency. */
int invoice_compute(struct invoice *inv, struct err *err);

/* "draft", "finalized", "paid", "void"; "invoice", "credit_note". */
const char *invoice_status_name(enum invoice_status s);
int invoice_status_from_name(const char *s, enum invoice_status *out);
const char *invoice_kind_name(enum invoice_kind k);
int invoice_kind_from_name(const char *s, enum invoice_kind *out);
/* "half_up", "half_even", "down" -> mode; -1 when unknown. */
int invoice_tax_mode_from_name(const char *s, enum dec_round *out);

/* Is from -> to allowed? ERR_CONFLICT "invoice_immutable" / "invalid_transition" if not. */
int invoice_transition_check(enum invoice_status from, enum invoice_status to,
                             struct err *err);

/* "INV" / "CN" for the kind. */
const char *invoice_series(enum invoice_kind k);
/* "INV-2026-000123". value 1..999999999. */
int invoice_number_format(const char *series, int year, int64_t value,
                          char out[INVOICE_NUMBER_MAX], struct err *err);

/*
 * Billing periods (docs/billing.md "Billing periods"). An issuer's periods are anchored on a
 * day D of the month, 1..28 (billing_settings.period_day; default 1): period "YYYY-MM" runs
 * from day D of that month to day D-1 of the next, both inclusive. D = 1 is the calendar
 * month. The label stays the month the period starts in, so labels sort as periods do.
 * A date belongs to its own month's period when its day of month is >= D, else to the
 * previous month's (D = 15: 2026-11-14 is in 2026-10, 2026-11-15 in 2026-11). 1..28 so every
 * month has day D. These functions are the only place that rule lives; an anchor of 0 (an
 * invoice snapshot from before anchors) means 1.
 */
#define INVOICE_PERIOD_DAY_MIN 1
#define INVOICE_PERIOD_DAY_MAX 28
bool invoice_period_day_valid(int anchor);
/* First and last day of `period` for `anchor`. ERR_PARSE "period"; ERR_INVALID "period_day". */
int invoice_period_bounds(const char *period, int anchor, struct date *first,
                          struct date *last, struct err *err);
/* The label of the period holding `day` for `anchor` ("2026-11"). */
void invoice_period_of_day(struct date day, int anchor, char out[INVOICE_PERIOD_MAX]);
/* The label of the period before `period` ("2027-01" -> "2026-12"); ERR_PARSE "period". */
int invoice_period_prev(const char *period, char out[INVOICE_PERIOD_MAX], struct err *err);
/*
 * The daily cycle's close step (close_day C, 1..28): on a day whose day of month is >= C, the
 * period due is the latest one that ended before day C of that month (a missed run catches
 * up later in the month). Returns false (nothing due) on a day before C. D = 1: the previous
 * calendar month, closed from day C on. D = 15, C = 15: 2026-11 (to 2026-12-14) from
 * 2026-12-15; D = 15, C = 5: 2026-11 from 2027-01-05 (on 2026-12-05 it has not ended).
 */
bool invoice_period_due(struct date day, int anchor, int close_day,
                        char out[INVOICE_PERIOD_MAX]);

/*
 * The period as printed on an invoice (PDF, general-ledger memo): the label itself for
 * calendar months ("2026-11", as before anchors), else its dates, "15 Nov 2026 - 14 Dec 2026"
 * (ASCII: the PDF's font shows nothing else). A bad label or anchor prints the label.
 */
#define INVOICE_PERIOD_TEXT_MAX 32
void invoice_period_text(const char *period, int anchor, char out[INVOICE_PERIOD_TEXT_MAX]);

/* Calendar months (anchor 1): a period "YYYY-MM" and its first and last day. ERR_PARSE. */
int invoice_period_parse(const char *s, struct date *first, struct date *last,
                         struct err *err);
/* The calendar month containing day ("2026-11"). */
void invoice_period_of(struct date day, char out[INVOICE_PERIOD_MAX]);

#endif
