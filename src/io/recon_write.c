/*
 * io/recon_write.c — Microsoft-format NCE invoice reconciliation CSV (recon_write.h).
 *
 * The header is the 2022 document's column list (formats.md §1 table, rows 1-46) with the
 * spellings of current exports; columns cspd has no value for (tax, publisher, meter, ...)
 * are written empty or with the document's neutral value, so Microsoft's own tools and ours
 * read the file alike.
 */
#include "io/recon_write.h"

#include <string.h>

#include "io/csv.h"

static const char *const header[] = {
    "PartnerId", "CustomerId", "CustomerName", "CustomerDomainName", "CustomerCountry",
    "InvoiceNumber", "MpnId", "ResellerMpnId", "OrderId", "OrderDate", "ProductId", "SkuId",
    "AvailabilityId", "SkuName", "ProductName", "ChargeType", "UnitPrice", "Quantity",
    "Subtotal", "TaxTotal", "Total", "Currency", "PriceAdjustmentDescription",
    "PublisherName", "PublisherId", "SubscriptionDescription", "SubscriptionId",
    "ChargeStartDate", "ChargeEndDate", "TermAndBillingCycle", "EffectiveUnitPrice",
    "UnitType", "AlternateId", "BillableQuantity", "BillingFrequency", "PricingCurrency",
    "PCToBCExchangeRate", "PCToBCExchangeRateDate", "MeterDescription", "ReservationOrderId",
    "CreditReasonCode", "SubscriptionStartDate", "SubscriptionEndDate", "ReferenceId",
    "ProductQualifiers", "PromotionId",
};

#define NHEADER (sizeof(header) / sizeof(header[0]))

static int put(struct recon_writer *w, const char *s, bool first)
{
    if (!first && fputc(',', w->out) == EOF)
        return -1;
    if (!s)
        s = "";
    return csv_write_field(w->out, s, strlen(s));
}

static int put_dec(struct recon_writer *w, struct dec d)
{
    char buf[DEC_STRLEN];

    dec_format(d, buf);
    return put(w, buf, false);
}

/* en-US M/D/YYYY, as the portal writes dates. */
static int put_date(struct recon_writer *w, struct date d)
{
    char buf[16];

    if (d.year == 0)
        return put(w, "", false);
    snprintf(buf, sizeof(buf), "%d/%d/%04d", d.month, d.day, d.year);
    return put(w, buf, false);
}

int recon_writer_init(struct recon_writer *w, FILE *out, struct err *err)
{
    static const unsigned char bom[3] = {0xEF, 0xBB, 0xBF};

    w->out = out;
    w->lines = 0;
    if (fwrite(bom, 1, 3, out) != 3)
        return err_set(err, ERR_IO, "", "cannot write the reconciliation file");
    for (size_t i = 0; i < NHEADER; i++)
        if (put(w, header[i], i == 0))
            return err_set(err, ERR_IO, "", "cannot write the reconciliation file");
    if (fputs("\r\n", out) == EOF)
        return err_set(err, ERR_IO, "", "cannot write the reconciliation file");
    return 0;
}

int recon_writer_line(struct recon_writer *w, const struct recon_out_line *l, struct err *err)
{
    char fx[DEC_STRLEN];
    int bad = 0;

    if (l->has_fx)
        dec_format(l->fx, fx);
    else
        fx[0] = '\0';
    bad |= put(w, l->partner_id, true);
    bad |= put(w, l->customer_id, false);
    bad |= put(w, l->customer_name, false);
    bad |= put(w, l->customer_domain, false);
    bad |= put(w, l->customer_country, false);
    bad |= put(w, l->invoice_number, false);
    bad |= put(w, l->mpn_id, false);
    bad |= put(w, l->reseller_mpn_id, false);
    bad |= put(w, l->order_id, false);
    bad |= put_date(w, l->order_date);
    bad |= put(w, l->product_id, false);
    bad |= put(w, l->sku_id, false);
    bad |= put(w, "", false);                       /* AvailabilityId */
    bad |= put(w, l->sku_name, false);
    bad |= put(w, l->product_name, false);
    bad |= put(w, l->charge_type, false);
    bad |= put_dec(w, l->unit_price);
    bad |= put_dec(w, l->quantity);
    bad |= put_dec(w, l->subtotal);
    bad |= put_dec(w, l->tax);
    bad |= put_dec(w, l->total);
    bad |= put(w, l->currency, false);
    bad |= put(w, "[]", false);                     /* PriceAdjustmentDescription */
    bad |= put(w, "Microsoft Corporation", false);  /* PublisherName */
    bad |= put(w, "", false);                       /* PublisherId */
    bad |= put(w, l->subscription_description, false);
    bad |= put(w, l->subscription_id, false);
    bad |= put_date(w, l->start);
    bad |= put_date(w, l->end);
    bad |= put(w, l->term_and_billing_cycle, false);
    bad |= put_dec(w, l->eup);
    bad |= put(w, "", false);                       /* UnitType */
    bad |= put(w, l->order_id, false);              /* AlternateId = friendly order id */
    bad |= put_dec(w, l->quantity);                 /* BillableQuantity */
    bad |= put(w, l->billing_frequency, false);
    bad |= put(w, l->pricing_currency, false);
    bad |= put(w, fx, false);
    bad |= put(w, "", false);                       /* PCToBCExchangeRateDate */
    bad |= put(w, "", false);                       /* MeterDescription */
    bad |= put(w, "", false);                       /* ReservationOrderId */
    bad |= put(w, "", false);                       /* CreditReasonCode */
    bad |= put(w, "", false);                       /* SubscriptionStartDate */
    bad |= put(w, "", false);                       /* SubscriptionEndDate */
    bad |= put(w, l->reference_id, false);
    bad |= put(w, "[]", false);                     /* ProductQualifiers */
    bad |= put(w, "", false);                       /* PromotionId */
    if (bad || fputs("\r\n", w->out) == EOF)
        return err_set(err, ERR_IO, "", "cannot write the reconciliation file");
    w->lines++;
    return 0;
}

int recon_writer_finish(struct recon_writer *w, struct err *err)
{
    if (fflush(w->out) != 0 || ferror(w->out))
        return err_set(err, ERR_IO, "", "cannot write the reconciliation file");
    return 0;
}
