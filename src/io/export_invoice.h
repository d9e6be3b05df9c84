/*
 * io/export_invoice.h — an invoice as PDF (libhpdf), CSV and JSON (issue 7; docs/billing.md).
 *
 * Each function renders one loaded invoice (store/repo_invoice.h) into a malloc'ed buffer the
 * caller frees; nothing here touches the store or prints. The PDF is A4 portrait: the
 * issuer's name (and logo, if its PNG/JPEG path loads) on a band of its colour, the billed
 * party's address, number / dates / terms, one row per line (description, quantity, unit
 * price, amount), then subtotal, tax with its rate and total — enough pages for every line.
 * CSV: a header row then one row per line, RFC 4180 quoting, amounts as exact decimals.
 * JSON: {"format":1, ...} with the lines; amounts are strings (exact decimals).
 * Exported formats carry a version (STYLE.md rule 12): CSV's first column header is
 * "cspd_invoice_csv_v1"; JSON's "format" is 1.
 */
#ifndef CSPD_IO_EXPORT_INVOICE_H
#define CSPD_IO_EXPORT_INVOICE_H

#include <stddef.h>

#include <jansson.h>

#include "core/err.h"
#include "domain/invoice/invoice.h"

int export_invoice_pdf(const struct invoice *inv, char **out, size_t *len, struct err *err);
int export_invoice_csv(const struct invoice *inv, char **out, size_t *len, struct err *err);
/* A new JSON object (NULL with ERR_NOMEM). */
json_t *export_invoice_json(const struct invoice *inv, bool with_lines);

#endif
