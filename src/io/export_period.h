/*
 * io/export_period.h — a billing period for the accountant: tables written as CSV or as
 * sheets of one XLSX workbook (libxlsxwriter), and the general-ledger CSV of the period's
 * invoices (issue 7; docs/billing.md "Period exports").
 *
 * Nothing here reads the store: svc/invoice_export.c builds the tables and loads the
 * invoices, then hands them over. A table owns copies of its cells (export_table_release).
 *
 * CSV: RFC 4180, CRLF, exact decimals as the store holds them. The first header cell of every
 * table names the format and its version, "cspd_<table>_v1" (STYLE.md rule 12) — except the
 * general ledger, whose header is the plain one bookkeeping software maps on import.
 * XLSX: one sheet per table, a bold header row, numeric columns as numbers (two decimals
 * shown), plus a sheet "About" with the format version.
 *
 * General ledger (export_gl.c): one balanced journal per finalized, paid or void invoice or
 * credit note, dated its issue date:
 *     debit  1200 Accounts receivable   total
 *     credit 4000 Revenue               subtotal
 *     credit 2200 Sales tax payable     tax
 * A negative amount goes on the other side, positive (credit notes). A void invoice also gets
 * the reversing journal on the day it was voided. Columns: date, account, debit, credit,
 * reference (the invoice number), memo, currency, entity (the issuing partner's id: numbers
 * are per issuer, so an installation's file holds one ledger per entity). Debits equal
 * credits per entity and reference, exactly.
 */
#ifndef CSPD_IO_EXPORT_PERIOD_H
#define CSPD_IO_EXPORT_PERIOD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/err.h"
#include "domain/invoice/invoice.h"

#define EXPORT_TABLE_COLS 24

struct export_table {
    const char *name;                       /* sheet name, also the CSV format name */
    size_t ncols;
    const char *cols[EXPORT_TABLE_COLS];    /* static strings */
    bool numeric[EXPORT_TABLE_COLS];
    char **cells;                           /* nrows x ncols, owned */
    size_t nrows, caprows;
};

void export_table_init(struct export_table *t, const char *name, const char *const *cols,
                       const char *numeric_cols);
/* Copy one row of ncols values (NULL is ""). ERR_NOMEM. */
int export_table_add(struct export_table *t, const char *const *vals, struct err *err);
void export_table_release(struct export_table *t);

int export_table_csv(const struct export_table *t, FILE *out, struct err *err);
/* Write every table as a sheet of a new workbook at `path`. ERR_IO. */
int export_tables_xlsx(const struct export_table *const *tables, size_t n, const char *path,
                       struct err *err);
/* The same, with `format` ("cspd_recon_differences_xlsx_v1") on the About sheet. */
int export_tables_xlsx_as(const struct export_table *const *tables, size_t n, const char *path,
                          const char *format, struct err *err);

/* The general ledger of these invoices (above). */
int export_gl_csv(const struct invoice *invs, size_t n, FILE *out, struct err *err);

#endif
