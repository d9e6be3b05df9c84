/*
 * io/export_pdf.c — an invoice as a PDF with libhpdf (export_invoice.h states the layout).
 *
 * libhpdf reports errors through a callback; we record the first one and turn it into ERR_IO,
 * never exiting. Text is drawn with the standard Helvetica font in WinAnsiEncoding: bytes of
 * UTF-8 text outside ASCII are shown as '?' (names are snapshots; the JSON export keeps them
 * exact). An invoice of a few hundred lines renders in milliseconds; the PDF is built in
 * memory and copied out once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hpdf.h>

#include "core/currency.h"
#include "io/export_invoice.h"

struct pdf_state {
    HPDF_STATUS error, detail;
};

static void on_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void *user)
{
    struct pdf_state *s = user;

    if (!s->error) {
        s->error = error_no;
        s->detail = detail_no;
    }
}

struct pdf {
    HPDF_Doc doc;
    HPDF_Page page;
    HPDF_Font font, bold;
    float y;
    int pageno;
    float r, g, b; /* brand colour */
    struct pdf_state *st;
};

static void ascii(const char *in, char *out, size_t cap)
{
    size_t j = 0;

    for (size_t i = 0; in[i] && j + 1 < cap; i++) {
        unsigned char c = (unsigned char)in[i];

        if (c >= 0x80) {
            while ((((unsigned char)in[i + 1]) & 0xC0) == 0x80)
                i++;
            out[j++] = '?';
        } else {
            out[j++] = c < 0x20 ? ' ' : (char)c;
        }
    }
    out[j] = '\0';
}

static void text(struct pdf *p, HPDF_Font f, float size, float x, float y, const char *s)
{
    char buf[512];

    ascii(s, buf, sizeof(buf));
    HPDF_Page_BeginText(p->page);
    HPDF_Page_SetFontAndSize(p->page, f, size);
    HPDF_Page_TextOut(p->page, x, y, buf);
    HPDF_Page_EndText(p->page);
}

/* Right-aligned at x. */
static void rtext(struct pdf *p, HPDF_Font f, float size, float x, float y, const char *s)
{
    char buf[256];

    ascii(s, buf, sizeof(buf));
    HPDF_Page_SetFontAndSize(p->page, f, size);
    text(p, f, size, x - HPDF_Page_TextWidth(p->page, buf), y, buf);
}

static void parse_colour(const char *hex, struct pdf *p)
{
    unsigned v = 0x1F4E79; /* default: dark blue */

    if (hex && hex[0] == '#' && strlen(hex) == 7) {
        unsigned t = 0;
        bool ok = true;

        for (int i = 1; i < 7; i++) {
            char c = hex[i];

            t <<= 4;
            if (c >= '0' && c <= '9')
                t |= (unsigned)(c - '0');
            else if (c >= 'a' && c <= 'f')
                t |= (unsigned)(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                t |= (unsigned)(c - 'A' + 10);
            else
                ok = false;
        }
        if (ok)
            v = t;
    }
    p->r = (float)((v >> 16) & 0xFF) / 255.0f;
    p->g = (float)((v >> 8) & 0xFF) / 255.0f;
    p->b = (float)(v & 0xFF) / 255.0f;
}

/*
 * An amount in the currency's minor unit (JPY 10414, EUR 10.40). Amounts are exact in that
 * unit by construction; one that is not (it never should be) is printed whole rather than
 * rounded, so the PDF never shows a figure the ledger does not hold.
 */
static void money(struct dec d, char buf[DEC_STRLEN], const char *ccy)
{
    int places = currency_minor_units(ccy);
    struct dec r;
    struct err e;

    if (places < 0)
        places = 2;
    if (dec_round(d, places, DEC_ROUND_HALF_UP, &r, &e) == 0 && dec_cmp(r, d) == 0)
        dec_format_fixed(d, places, DEC_ROUND_HALF_UP, buf);
    else
        dec_format(d, buf);
}

static void header(struct pdf *p, const struct invoice *inv)
{
    char line[300];
    float h = HPDF_Page_GetHeight(p->page), w = HPDF_Page_GetWidth(p->page);

    HPDF_Page_SetRGBFill(p->page, p->r, p->g, p->b);
    HPDF_Page_Rectangle(p->page, 0, h - 70, w, 70);
    HPDF_Page_Fill(p->page);
    HPDF_Page_SetRGBFill(p->page, 1, 1, 1);
    if (inv->issuer.logo_path[0]) {
        HPDF_STATUS before = p->st->error;
        HPDF_Image img = NULL;
        size_t n = strlen(inv->issuer.logo_path);

        if (n > 4 && strcmp(inv->issuer.logo_path + n - 4, ".png") == 0)
            img = HPDF_LoadPngImageFromFile(p->doc, inv->issuer.logo_path);
        else if (n > 4)
            img = HPDF_LoadJpegImageFromFile(p->doc, inv->issuer.logo_path);
        if (img)
            HPDF_Page_DrawImage(p->page, img, w - 110, h - 62, 54, 54);
        HPDF_ResetError(p->doc); /* a missing or bad logo is not an error */
        p->st->error = before;
    }
    text(p, p->bold, 18, 40, h - 42, inv->issuer.name);
    snprintf(line, sizeof(line), "%s %s", inv->kind == INV_KIND_CREDIT_NOTE ? "Credit note"
                                                                             : "Invoice",
             inv->number[0] ? inv->number : "(draft)");
    text(p, p->font, 11, 40, h - 60, line);
    HPDF_Page_SetRGBFill(p->page, 0, 0, 0);
    p->y = h - 95;
}

static void new_page(struct pdf *p, const struct invoice *inv)
{
    p->page = HPDF_AddPage(p->doc);
    HPDF_Page_SetSize(p->page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
    p->pageno++;
    header(p, inv);
}

static void multiline(struct pdf *p, float x, float *y, const char *s)
{
    char buf[256];
    const char *q = s;

    while (*q) {
        size_t n = strcspn(q, "\n");

        snprintf(buf, sizeof(buf), "%.*s", (int)(n < 200 ? n : 200), q);
        text(p, p->font, 10, x, *y, buf);
        *y -= 13;
        q += n;
        if (*q)
            q++;
    }
}

static void parties(struct pdf *p, const struct invoice *inv)
{
    char d1[DATE_STRLEN], d2[DATE_STRLEN], line[128], ptext[INVOICE_PERIOD_TEXT_MAX];
    float y = p->y, y2 = p->y, w = HPDF_Page_GetWidth(p->page);

    text(p, p->bold, 10, 40, y, "Bill to");
    y -= 14;
    text(p, p->font, 10, 40, y, inv->bill_to.name);
    y -= 13;
    multiline(p, 40, &y, inv->bill_to.address);
    if (inv->bill_to.country[0]) {
        text(p, p->font, 10, 40, y, inv->bill_to.country);
        y -= 13;
    }
    if (inv->bill_to.tax_id[0]) {
        snprintf(line, sizeof(line), "Tax id: %s", inv->bill_to.tax_id);
        text(p, p->font, 10, 40, y, line);
        y -= 13;
    }
    date_format(inv->issued_on, d1);
    date_format(inv->due_on, d2);
    invoice_period_text(inv->period, inv->issuer.period_day, ptext);
    snprintf(line, sizeof(line), "Period: %s", ptext);
    rtext(p, p->font, 10, w - 40, y2, line);
    y2 -= 13;
    if (inv->number[0]) {
        snprintf(line, sizeof(line), "Issued: %s", d1);
        rtext(p, p->font, 10, w - 40, y2, line);
        y2 -= 13;
        snprintf(line, sizeof(line), "Due: %s (net %d days)", d2, inv->payment_terms_days);
        rtext(p, p->font, 10, w - 40, y2, line);
        y2 -= 13;
    }
    snprintf(line, sizeof(line), "Currency: %s", inv->currency);
    rtext(p, p->font, 10, w - 40, y2, line);
    y2 -= 13;
    if (inv->issuer.address[0])
        multiline(p, w - 200, &y2, inv->issuer.address);
    p->y = (y < y2 ? y : y2) - 16;
}

static void table_head(struct pdf *p)
{
    float w = HPDF_Page_GetWidth(p->page);

    HPDF_Page_SetRGBFill(p->page, p->r, p->g, p->b);
    HPDF_Page_Rectangle(p->page, 36, p->y - 4, w - 72, 16);
    HPDF_Page_Fill(p->page);
    HPDF_Page_SetRGBFill(p->page, 1, 1, 1);
    text(p, p->bold, 9, 40, p->y, "Description");
    rtext(p, p->bold, 9, w - 190, p->y, "Qty");
    rtext(p, p->bold, 9, w - 120, p->y, "Unit price");
    rtext(p, p->bold, 9, w - 40, p->y, "Amount");
    HPDF_Page_SetRGBFill(p->page, 0, 0, 0);
    p->y -= 18;
}

static void totals(struct pdf *p, const struct invoice *inv)
{
    char a[DEC_STRLEN], line[96], rate[DEC_STRLEN];
    float w = HPDF_Page_GetWidth(p->page);

    p->y -= 6;
    HPDF_Page_SetLineWidth(p->page, 0.5);
    HPDF_Page_MoveTo(p->page, w - 260, p->y + 10);
    HPDF_Page_LineTo(p->page, w - 36, p->y + 10);
    HPDF_Page_Stroke(p->page);
    money(inv->subtotal, a, inv->currency);
    text(p, p->font, 10, w - 260, p->y, "Subtotal");
    rtext(p, p->font, 10, w - 40, p->y, a);
    p->y -= 14;
    dec_format(inv->tax_rate, rate);
    snprintf(line, sizeof(line), "%s %s%%", inv->tax_label[0] ? inv->tax_label : "Tax", rate);
    money(inv->tax, a, inv->currency);
    text(p, p->font, 10, w - 260, p->y, line);
    rtext(p, p->font, 10, w - 40, p->y, a);
    p->y -= 16;
    money(inv->total, a, inv->currency);
    snprintf(line, sizeof(line), "Total %s", inv->currency);
    text(p, p->bold, 12, w - 260, p->y, line);
    rtext(p, p->bold, 12, w - 40, p->y, a);
    p->y -= 24;
    if (inv->issuer.footer[0])
        text(p, p->font, 8, 40, 40, inv->issuer.footer);
}

int export_invoice_pdf(const struct invoice *inv, char **out, size_t *len, struct err *err)
{
    struct pdf_state st = {0, 0};
    struct pdf p;
    HPDF_UINT32 size;
    char *buf = NULL;

    memset(&p, 0, sizeof(p));
    p.st = &st;
    *out = NULL;
    *len = 0;
    p.doc = HPDF_New(on_error, &st);
    if (!p.doc)
        return err_set(err, ERR_NOMEM, "", "cannot create a PDF document");
    HPDF_SetCompressionMode(p.doc, HPDF_COMP_NONE);
    p.font = HPDF_GetFont(p.doc, "Helvetica", "WinAnsiEncoding");
    p.bold = HPDF_GetFont(p.doc, "Helvetica-Bold", "WinAnsiEncoding");
    parse_colour(inv->issuer.colour, &p);
    new_page(&p, inv);
    parties(&p, inv);
    table_head(&p);
    for (size_t i = 0; i < inv->nlines; i++) {
        const struct invoice_line *l = &inv->lines[i];
        char q[DEC_STRLEN], u[DEC_STRLEN], a[DEC_STRLEN], d[100];
        float w = HPDF_Page_GetWidth(p.page);

        if (p.y < 110) {
            new_page(&p, inv);
            table_head(&p);
        }
        dec_format(l->quantity, q);
        /* a usage line's unit price has more places than the currency (docs/billing.md) */
        if (strcmp(l->charge_type, "usage") == 0)
            dec_format(l->unit_price, u);
        else
            money(l->unit_price, u, inv->currency);
        money(l->amount, a, inv->currency);
        snprintf(d, sizeof(d), "%.60s%s", l->description, strlen(l->description) > 60 ? "..."
                                                                                      : "");
        text(&p, p.font, 9, 40, p.y, d);
        rtext(&p, p.font, 9, w - 190, p.y, q);
        rtext(&p, p.font, 9, w - 120, p.y, u);
        rtext(&p, p.font, 9, w - 40, p.y, a);
        p.y -= 13;
    }
    if (p.y < 120)
        new_page(&p, inv);
    totals(&p, inv);
    if (!st.error && HPDF_SaveToStream(p.doc) == HPDF_OK) {
        size = HPDF_GetStreamSize(p.doc);
        buf = malloc(size ? size : 1);
        if (!buf) {
            HPDF_Free(p.doc);
            return err_set(err, ERR_NOMEM, "", "out of memory for a PDF");
        }
        HPDF_ResetStream(p.doc);
        {
            HPDF_STATUS rs = HPDF_ReadFromStream(p.doc, (HPDF_BYTE *)buf, &size);

            if (rs != HPDF_OK && rs != HPDF_STREAM_EOF)
                st.error = rs;
            else
                st.error = 0; /* end of stream is reported through the callback too */
        }
    }
    HPDF_Free(p.doc);
    if (st.error || !buf) {
        free(buf);
        return err_set(err, ERR_IO, "", "PDF rendering failed (libhpdf error 0x%04X, %u)",
                       (unsigned)st.error, (unsigned)st.detail);
    }
    *out = buf;
    *len = size;
    return 0;
}
