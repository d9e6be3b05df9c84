/*
 * io/recon_write.h — writing an NCE invoice reconciliation file in Microsoft's format
 * (formats.md §1: the 46 columns of the 2022 document, in its order, with today's header
 * spellings MpnId / ResellerMpnId / ReferenceId / PromotionId), from cspd's own charge lines.
 *
 * What for: the proof that cspd reads what Microsoft writes — cspd writes its own charges as
 * Microsoft would, imports that file back through the same reader and matcher, and must find
 * zero differences; and a file a partner can diff against Partner Center's by eye.
 * As published: UTF-8 with a byte-order mark, CRLF line ends, every field quoted, dates in
 * en-US M/D/YYYY as the portal writes them, amounts as exact decimals.
 *
 * Streaming: one line per call, nothing kept. Library code: never prints; write errors are
 * ERR_IO.
 */
#ifndef CSPD_IO_RECON_WRITE_H
#define CSPD_IO_RECON_WRITE_H

#include <stdbool.h>
#include <stdio.h>

#include "core/date.h"
#include "core/decimal.h"
#include "core/err.h"

/* One line to write; NULL strings are written empty. */
struct recon_out_line {
    const char *partner_id, *customer_id, *customer_name, *customer_domain, *customer_country;
    const char *invoice_number, *mpn_id, *reseller_mpn_id, *order_id;
    const char *product_id, *sku_id, *sku_name, *product_name, *charge_type;
    const char *currency, *pricing_currency, *subscription_id, *subscription_description;
    const char *reference_id, *billing_frequency, *term_and_billing_cycle;
    struct date order_date, start, end;
    struct dec unit_price, quantity, subtotal, tax, total, eup, fx;
    bool has_fx;
};

struct recon_writer {
    FILE *out;
    long lines;
};

/* Write the BOM and the header line. */
int recon_writer_init(struct recon_writer *w, FILE *out, struct err *err);
int recon_writer_line(struct recon_writer *w, const struct recon_out_line *l, struct err *err);
/* Flush; ERR_IO if any write failed. */
int recon_writer_finish(struct recon_writer *w, struct err *err);

#endif
