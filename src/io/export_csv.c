/*
 * io/export_csv.c — an invoice as CSV and as JSON (export_invoice.h).
 *
 * CSV follows RFC 4180 (CRLF rows, fields with a comma, quote or newline quoted, quotes
 * doubled); amounts are the exact decimals the store holds, so a spreadsheet sums them to the
 * cent. The buffer grows by doubling (open_memstream).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/export_invoice.h"

static void csv_field(FILE *f, const char *s, bool last)
{
    if (strpbrk(s, ",\"\r\n")) {
        fputc('"', f);
        for (const char *p = s; *p; p++) {
            if (*p == '"')
                fputc('"', f);
            fputc(*p, f);
        }
        fputc('"', f);
    } else {
        fputs(s, f);
    }
    fputs(last ? "\r\n" : ",", f);
}

int export_invoice_csv(const struct invoice *inv, char **out, size_t *len, struct err *err)
{
    static const char *const head[] = {
        "cspd_invoice_csv_v1", "number", "kind", "status", "issuer", "bill_to", "period",
        "currency", "line_no", "description", "sku", "charge_type", "start_date", "end_date",
        "quantity", "unit_price", "amount", "tax_rate", "tax", "adjustment"};
    const size_t nh = sizeof(head) / sizeof(head[0]);
    FILE *f = open_memstream(out, len);

    if (!f)
        return err_set(err, ERR_NOMEM, "", "out of memory for a CSV export");
    for (size_t i = 0; i < nh; i++)
        csv_field(f, head[i], i + 1 == nh);
    for (size_t i = 0; i < inv->nlines; i++) {
        const struct invoice_line *l = &inv->lines[i];
        char no[16], q[DEC_STRLEN], u[DEC_STRLEN], a[DEC_STRLEN], r[DEC_STRLEN], t[DEC_STRLEN];
        char s[DATE_STRLEN], e[DATE_STRLEN];
        const char *vals[20];

        snprintf(no, sizeof(no), "%d", l->line_no);
        dec_format(l->quantity, q);
        dec_format(l->unit_price, u);
        dec_format(l->amount, a);
        dec_format(inv->tax_rate, r);
        dec_format(l->tax, t);
        date_format(l->start, s);
        date_format(l->end, e);
        vals[0] = inv->id;
        vals[1] = inv->number;
        vals[2] = invoice_kind_name(inv->kind);
        vals[3] = invoice_status_name(inv->status);
        vals[4] = inv->issuer.name;
        vals[5] = inv->bill_to.name;
        vals[6] = inv->period;
        vals[7] = inv->currency;
        vals[8] = no;
        vals[9] = l->description;
        vals[10] = l->sku;
        vals[11] = l->charge_type;
        vals[12] = s;
        vals[13] = e;
        vals[14] = q;
        vals[15] = u;
        vals[16] = a;
        vals[17] = r;
        vals[18] = t;
        vals[19] = l->adjustment ? "1" : "0";
        for (size_t k = 0; k < nh; k++)
            csv_field(f, vals[k], k + 1 == nh);
    }
    if (fclose(f) != 0) {
        free(*out);
        *out = NULL;
        return err_set(err, ERR_NOMEM, "", "out of memory for a CSV export");
    }
    return 0;
}

static json_t *jdec(struct dec d)
{
    char b[DEC_STRLEN];

    dec_format(d, b);
    return json_string(b);
}

/* Seats are a JSON integer (format 1); a usage quantity with decimals a decimal string. */
static json_t *jquantity(struct dec q)
{
    int64_t n;
    struct err e;

    if (dec_fraction_digits(q) == 0 && dec_to_i64(q, &n, &e) == 0)
        return json_integer((json_int_t)n);
    return jdec(q);
}

static json_t *jdate(struct date d)
{
    char b[DATE_STRLEN];

    if (!date_is_valid(d))
        return json_null();
    date_format(d, b);
    return json_string(b);
}

json_t *export_invoice_json(const struct invoice *inv, bool with_lines)
{
    json_t *o = json_object(), *lines;

    if (!o)
        return NULL;
    json_object_set_new(o, "format", json_integer(1));
    json_object_set_new(o, "id", json_string(inv->id));
    json_object_set_new(o, "number", inv->number[0] ? json_string(inv->number) : json_null());
    json_object_set_new(o, "kind", json_string(invoice_kind_name(inv->kind)));
    json_object_set_new(o, "status", json_string(invoice_status_name(inv->status)));
    json_object_set_new(o, "issuer_id", json_string(inv->issuer_id));
    json_object_set_new(o, "customer_id", inv->customer_id[0] ? json_string(inv->customer_id)
                                                              : json_null());
    json_object_set_new(o, "reseller_id", inv->reseller_id[0] ? json_string(inv->reseller_id)
                                                              : json_null());
    json_object_set_new(o, "credit_for", inv->credit_for[0] ? json_string(inv->credit_for)
                                                            : json_null());
    json_object_set_new(o, "period", json_string(inv->period));
    {
        /* the period's days with the issuer's period day (snapshot; 1 = calendar month) */
        struct date f, l;
        struct err ignored;
        bool ok = invoice_period_bounds(inv->period, inv->issuer.period_day, &f, &l,
                                        &ignored) == 0;

        json_object_set_new(o, "period_start", ok ? jdate(f) : json_null());
        json_object_set_new(o, "period_end", ok ? jdate(l) : json_null());
    }
    json_object_set_new(o, "currency", json_string(inv->currency));
    json_object_set_new(o, "issued_on", jdate(inv->issued_on));
    json_object_set_new(o, "due_on", jdate(inv->due_on));
    json_object_set_new(o, "payment_terms_days", json_integer(inv->payment_terms_days));
    json_object_set_new(o, "tax_rate", jdec(inv->tax_rate));
    json_object_set_new(o, "tax_label", json_string(inv->tax_label));
    json_object_set_new(o, "subtotal", jdec(inv->subtotal));
    json_object_set_new(o, "tax", jdec(inv->tax));
    json_object_set_new(o, "total", jdec(inv->total));
    json_object_set_new(o, "bill_to", json_pack("{s:s, s:s, s:s, s:s}", "name",
                                                 inv->bill_to.name, "address",
                                                 inv->bill_to.address, "country",
                                                 inv->bill_to.country, "tax_id",
                                                 inv->bill_to.tax_id));
    json_object_set_new(o, "issuer", json_pack("{s:s, s:s, s:s}", "name", inv->issuer.name,
                                                "colour", inv->issuer.colour, "logo_path",
                                                inv->issuer.logo_path));
    if (!with_lines)
        return o;
    lines = json_array();
    for (size_t i = 0; lines && i < inv->nlines; i++) {
        const struct invoice_line *l = &inv->lines[i];
        json_t *j = json_object();

        if (!j)
            break;
        json_object_set_new(j, "line_no", json_integer(l->line_no));
        json_object_set_new(j, "description", json_string(l->description));
        json_object_set_new(j, "sku", json_string(l->sku));
        json_object_set_new(j, "charge_type", json_string(l->charge_type));
        json_object_set_new(j, "charge_id", json_string(l->charge_id));
        json_object_set_new(j, "start_date", jdate(l->start));
        json_object_set_new(j, "end_date", jdate(l->end));
        json_object_set_new(j, "quantity", jquantity(l->quantity));
        json_object_set_new(j, "unit_price", jdec(l->unit_price));
        json_object_set_new(j, "effective_unit_price", jdec(l->eup));
        json_object_set_new(j, "amount", jdec(l->amount));
        json_object_set_new(j, "tax", jdec(l->tax));
        json_object_set_new(j, "adjustment", json_boolean(l->adjustment));
        json_array_append_new(lines, j);
    }
    json_object_set_new(o, "lines", lines ? lines : json_null());
    return o;
}
