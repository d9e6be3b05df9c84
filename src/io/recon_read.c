/*
 * io/recon_read.c — Microsoft's invoice reconciliation and daily rated usage files, line by
 * line (recon_read.h): header mapping through the alias table, field validation with the line
 * and the column's own header in every message, and the two idempotency hashes.
 *
 * Per line the work is: one csv_reader_next (no allocation once its buffers have grown to the
 * longest record), a UTF-8 check of each mapped field, a handful of dec_parse/date parses and
 * two SHA-256 updates. Nothing here allocates per line.
 */
#include "io/recon_read.h"

#include <openssl/evp.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "core/currency.h"

/*
 * Alias table. Names are compared after folding case and dropping ' ', '_' and '-', so
 * "MPNID", "MpnId" and "mpnId" are one entry. Several names for one column are listed in
 * preference order; a file holding two of them keeps the first one found in the header.
 */
struct col_def {
    enum recon_col col;
    const char *names[4];
    bool need_invoice; /* required in an invoice reconciliation file */
    bool need_usage;   /* required in a usage file */
};

static const struct col_def cols[] = {
    {RCOL_PARTNER_ID, {"PartnerId"}, false, false},
    {RCOL_CUSTOMER_ID, {"CustomerId"}, true, true},
    {RCOL_CUSTOMER_NAME, {"CustomerName", "CustomerCompanyName"}, false, false},
    {RCOL_CUSTOMER_COUNTRY, {"CustomerCountry"}, false, false},
    {RCOL_INVOICE_NUMBER, {"InvoiceNumber"}, true, false},
    {RCOL_MPN_ID, {"MpnId", "PartnerMpnId"}, false, false},
    {RCOL_RESELLER_MPN_ID, {"ResellerMpnId", "Tier2MpnId"}, false, false},
    {RCOL_ORDER_ID, {"OrderId"}, false, false},
    {RCOL_ORDER_DATE, {"OrderDate"}, false, false},
    {RCOL_PRODUCT_ID, {"ProductId"}, true, false},
    {RCOL_SKU_ID, {"SkuId"}, true, false},
    {RCOL_SKU_NAME, {"SkuName"}, false, false},
    {RCOL_PRODUCT_NAME, {"ProductName"}, false, false},
    {RCOL_CHARGE_TYPE, {"ChargeType"}, true, true},
    {RCOL_UNIT_PRICE, {"UnitPrice"}, true, false},
    {RCOL_QUANTITY, {"Quantity"}, false, true},
    {RCOL_SUBTOTAL, {"Subtotal"}, true, false},
    {RCOL_TAX_TOTAL, {"TaxTotal"}, false, false},
    {RCOL_TOTAL, {"Total", "TotalForCustomer"}, true, false},
    {RCOL_CURRENCY, {"Currency"}, true, false},
    {RCOL_SUBSCRIPTION_ID, {"SubscriptionId"}, true, true},
    {RCOL_CHARGE_START, {"ChargeStartDate"}, true, false},
    {RCOL_CHARGE_END, {"ChargeEndDate"}, true, false},
    {RCOL_EUP, {"EffectiveUnitPrice"}, true, false},
    {RCOL_BILLABLE_QUANTITY, {"BillableQuantity"}, false, false},
    {RCOL_BILLING_FREQUENCY, {"BillingFrequency"}, false, false},
    {RCOL_PRICING_CURRENCY, {"PricingCurrency"}, false, false},
    {RCOL_FX_RATE, {"PCToBCExchangeRate"}, false, false},
    {RCOL_REFERENCE_ID, {"ReferenceId"}, false, false},
    {RCOL_USAGE_DATE, {"UsageDate"}, false, true},
    {RCOL_METER_ID, {"MeterId"}, false, false},
    {RCOL_BILLING_PRE_TAX_TOTAL, {"BillingPreTaxTotal"}, false, true},
    {RCOL_BILLING_CURRENCY, {"BillingCurrency"}, false, true},
    {RCOL_ENTITLEMENT_ID, {"EntitlementId"}, false, false},
    {RCOL_METER_NAME, {"MeterName"}, false, false},
    {RCOL_METER_CATEGORY, {"MeterCategory"}, false, false},
    {RCOL_FX_DATE, {"PCToBCExchangeRateDate"}, false, false},
};

#define NCOLS (sizeof(cols) / sizeof(cols[0]))

const char *recon_kind_name(enum recon_kind k)
{
    return k == RECON_KIND_USAGE ? "usage" : "invoice";
}

/* Fold a header name: lower case, without ' ', '_', '-'. Returns false when too long. */
static bool fold(const char *s, size_t len, char *out, size_t cap)
{
    size_t n = 0;

    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == ' ' || c == '_' || c == '-')
            continue;
        if (n + 1 >= cap)
            return false;
        out[n++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    out[n] = '\0';
    return true;
}

static void observe(void *ctx, const unsigned char *buf, size_t len)
{
    EVP_DigestUpdate((EVP_MD_CTX *)ctx, buf, len);
}

static int bad_utf8(const struct csv_field *f, long line, const char *colname, struct err *err)
{
    size_t bad = 0;

    if (csv_text_valid(f->s, f->len, &bad))
        return 0;
    return err_set(err, ERR_PARSE, colname,
                   "line %ld, column %s: not valid UTF-8 at byte %zu (the file must be UTF-8; "
                   "re-export it from Partner Center or save it as UTF-8)", line, colname,
                   bad + 1);
}

int recon_reader_open(struct recon_reader *r, FILE *in, struct err *err)
{
    struct csv_record rec;
    char folded[64], want[64];
    int rc;

    memset(r, 0, sizeof(*r));
    for (int i = 0; i < RCOL__COUNT; i++)
        r->col[i] = -1;
    r->file_h = EVP_MD_CTX_new();
    r->content_h = EVP_MD_CTX_new();
    if (!r->file_h || !r->content_h)
        return err_set(err, ERR_NOMEM, "", "out of memory for the file's hashes");
    if (EVP_DigestInit_ex(r->file_h, EVP_sha256(), NULL) != 1 ||
        EVP_DigestInit_ex(r->content_h, EVP_sha256(), NULL) != 1)
        return err_set(err, ERR_INTERNAL, "", "SHA-256 is not available (OpenSSL)");
    if (csv_reader_init(&r->csv, in, err))
        return -1;
    csv_reader_set_observer(&r->csv, observe, r->file_h);
    r->hashing_started = true;
    rc = csv_reader_next(&r->csv, &rec, err);
    if (rc < 0)
        return -1;
    if (rc == 0)
        return err_set(err, ERR_PARSE, "", "line 1: the file is empty (no header line)");
    r->nheader = rec.nfields;
    for (size_t f = 0; f < rec.nfields; f++) {
        const struct csv_field *fld = &rec.fields[f];

        if (!csv_text_valid(fld->s, fld->len, NULL))
            return err_set(err, ERR_PARSE, "", "line %ld, column %zu: header is not valid "
                           "UTF-8 (the file must be UTF-8)", rec.line, f + 1);
        if (!fold(fld->s, fld->len, folded, sizeof(folded)))
            continue;
        for (size_t c = 0; c < NCOLS; c++) {
            for (int a = 0; a < 4 && cols[c].names[a]; a++) {
                fold(cols[c].names[a], strlen(cols[c].names[a]), want, sizeof(want));
                if (strcmp(folded, want) != 0)
                    continue;
                if (r->col[cols[c].col] >= 0)
                    return err_set(err, ERR_PARSE, fld->s, "line %ld, column %s: the header "
                                   "names column %s twice", rec.line, fld->s,
                                   cols[c].names[0]);
                r->col[cols[c].col] = (int)f;
                snprintf(r->header[cols[c].col], sizeof(r->header[0]), "%s", fld->s);
            }
        }
    }
    if (r->col[RCOL_USAGE_DATE] >= 0)
        r->kind = RECON_KIND_USAGE;
    else if (r->col[RCOL_CHARGE_TYPE] >= 0 && r->col[RCOL_SUBTOTAL] >= 0)
        r->kind = RECON_KIND_INVOICE;
    else
        return err_set(err, ERR_INVALID, "", "line %ld: not a Microsoft invoice reconciliation "
                       "or daily rated usage file (the header has neither ChargeType with "
                       "Subtotal nor UsageDate)", rec.line);
    for (size_t c = 0; c < NCOLS; c++) {
        bool need = r->kind == RECON_KIND_USAGE ? cols[c].need_usage : cols[c].need_invoice;

        if (need && r->col[cols[c].col] < 0)
            return err_set(err, ERR_INVALID, cols[c].names[0], "line %ld, column %s: missing "
                           "from the header of this %s file", rec.line, cols[c].names[0],
                           recon_kind_name(r->kind));
        if (r->col[cols[c].col] < 0)
            snprintf(r->header[cols[c].col], sizeof(r->header[0]), "%s", cols[c].names[0]);
    }
    if (r->kind == RECON_KIND_INVOICE && r->col[RCOL_QUANTITY] < 0 &&
        r->col[RCOL_BILLABLE_QUANTITY] < 0)
        return err_set(err, ERR_INVALID, "BillableQuantity", "line %ld, column "
                       "BillableQuantity: missing from the header (nor is there Quantity)",
                       rec.line);
    return 0;
}

/* --- field parsers ------------------------------------------------------------------------ */

static int num(const char *s, size_t len, unsigned *out, size_t min, size_t max)
{
    unsigned v = 0;

    if (len < min || len > max)
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    *out = v;
    return 0;
}

/* " h:mm:ss AM" / " HH:MM[:SS]" after an en-US date: checked for shape, then dropped. */
static bool time_suffix_ok(const char *s, size_t len)
{
    size_t i = 0;

    while (i < len && s[i] == ' ')
        i++;
    if (i == 0)
        return false;
    for (; i < len; i++) {
        char c = s[i];

        if (!((c >= '0' && c <= '9') || c == ':' || c == ' ' || c == '.' || c == 'A' ||
              c == 'P' || c == 'M' || c == 'a' || c == 'p' || c == 'm'))
            return false;
    }
    return true;
}

int recon_parse_date(const char *s, size_t len, struct date *out, struct err *err)
{
    unsigned m, d, y;
    size_t i, j;
    struct date dt;

    if (len >= 10 && s[4] == '-') {
        instant_t t;

        if (len == 10)
            return date_parse(s, len, out, err);
        if (instant_parse(s, len, &t, err))
            return -1;
        *out = instant_date(t);
        return 0;
    }
    /* en-US M/D/YYYY */
    for (i = 0; i < len && s[i] != '/'; i++)
        ;
    for (j = i + 1; j < len && s[j] != '/'; j++)
        ;
    if (i >= len || j >= len || num(s, i, &m, 1, 2) || num(s + i + 1, j - i - 1, &d, 1, 2) ||
        num(s + j + 1, len - j - 1 < 4 ? len - j - 1 : 4, &y, 4, 4))
        return err_set(err, ERR_PARSE, "", "'%.*s' is not a date (M/D/YYYY or YYYY-MM-DD)",
                       (int)(len > 40 ? 40 : len), s);
    if (len > j + 5 && !time_suffix_ok(s + j + 5, len - j - 5))
        return err_set(err, ERR_PARSE, "", "'%.*s' is not a date (M/D/YYYY or YYYY-MM-DD)",
                       (int)(len > 40 ? 40 : len), s);
    dt.year = (int)y;
    dt.month = (int)m;
    dt.day = (int)d;
    if (!date_is_valid(dt))
        return err_set(err, ERR_PARSE, "", "'%.*s' is not a valid day", (int)len, s);
    *out = dt;
    return 0;
}

/* --- a data line -------------------------------------------------------------------------- */

static const struct csv_field *field(const struct recon_reader *r, const struct csv_record *rec,
                                     enum recon_col c)
{
    int i = r->col[c];

    return i >= 0 && (size_t)i < rec->nfields ? &rec->fields[i] : NULL;
}

static const char *text(const struct recon_reader *r, const struct csv_record *rec,
                        enum recon_col c)
{
    const struct csv_field *f = field(r, rec, c);

    return f ? f->s : "";
}

/* A decimal column: required ones must not be empty; optional empty ones leave *has false. */
static int dec_col(const struct recon_reader *r, const struct csv_record *rec, enum recon_col c,
                   bool required, struct dec *out, bool *has, struct err *err)
{
    const struct csv_field *f = field(r, rec, c);
    struct err e;

    *out = dec_zero();
    if (has)
        *has = false;
    if (!f || f->len == 0) {
        if (required)
            return err_set(err, ERR_INVALID, r->header[c], "line %ld, column %s: empty, a "
                           "number is required", rec->line, r->header[c]);
        return 0;
    }
    err_clear(&e);
    if (dec_parse(f->s, f->len, out, &e))
        return err_set(err, ERR_PARSE, r->header[c], "line %ld, column %s: '%.*s' is not a "
                       "number: %s", f->line, r->header[c], (int)(f->len > 40 ? 40 : f->len),
                       f->s, e.msg);
    if (has)
        *has = true;
    return 0;
}

static int date_col(const struct recon_reader *r, const struct csv_record *rec,
                    enum recon_col c, bool required, struct date *out, bool *has,
                    struct err *err)
{
    const struct csv_field *f = field(r, rec, c);
    struct err e;

    if (has)
        *has = false;
    if (!f || f->len == 0) {
        if (required)
            return err_set(err, ERR_INVALID, r->header[c], "line %ld, column %s: empty, a "
                           "date is required", rec->line, r->header[c]);
        return 0;
    }
    err_clear(&e);
    if (recon_parse_date(f->s, f->len, out, &e))
        return err_set(err, ERR_PARSE, r->header[c], "line %ld, column %s: %s", f->line,
                       r->header[c], e.msg);
    if (has)
        *has = true;
    return 0;
}

static int ccy_col(const struct recon_reader *r, const struct csv_record *rec,
                   enum recon_col c, bool required, char out[4], struct err *err)
{
    const struct csv_field *f = field(r, rec, c);
    char code[4];

    out[0] = '\0';
    if (!f || f->len == 0) {
        if (required)
            return err_set(err, ERR_INVALID, r->header[c], "line %ld, column %s: empty, a "
                           "currency code is required", rec->line, r->header[c]);
        return 0;
    }
    if (f->len != 3)
        goto bad;
    for (int i = 0; i < 3; i++) {
        char ch = f->s[i];

        code[i] = (char)(ch >= 'a' && ch <= 'z' ? ch - 32 : ch);
    }
    code[3] = '\0';
    if (!currency_is_known(code))
        goto bad;
    memcpy(out, code, 4);
    return 0;
bad:
    return err_set(err, ERR_INVALID, r->header[c], "line %ld, column %s: '%.*s' is not an "
                   "ISO 4217 currency code", f->line, r->header[c],
                   (int)(f->len > 20 ? 20 : f->len), f->s);
}

/*
 * The canonical row is gathered in a buffer and hashed with one update per row (the same
 * bytes as field by field: 40-odd tiny updates a row cost more than the hashing itself).
 */
struct hash_buf {
    EVP_MD_CTX *h;
    size_t n;
    unsigned char b[4096];
};

static void hb_put(struct hash_buf *hb, const void *p, size_t len)
{
    if (hb->n + len > sizeof(hb->b)) {
        EVP_DigestUpdate(hb->h, hb->b, hb->n);
        hb->n = 0;
        if (len > sizeof(hb->b)) {
            EVP_DigestUpdate(hb->h, p, len);
            return;
        }
    }
    memcpy(hb->b + hb->n, p, len);
    hb->n += len;
}

static void hash_str(struct hash_buf *hb, const char *s)
{
    static const unsigned char sep = 0x1f;

    hb_put(hb, s, strlen(s));
    hb_put(hb, &sep, 1);
}

static void hash_dec(struct hash_buf *hb, struct dec d)
{
    char buf[DEC_STRLEN];

    dec_format(d, buf);
    hash_str(hb, buf);
}

static void hash_date(struct hash_buf *hb, struct date d)
{
    char buf[DATE_STRLEN];

    date_format(d, buf);
    hash_str(hb, buf);
}

/* The canonical form of a row, fed to the content hash. */
static void hash_row(struct recon_reader *r, const struct recon_row *w)
{
    static const unsigned char eol = 0x1e;
    struct hash_buf hb;

    hb.h = r->content_h;
    hb.n = 0;
    hash_str(&hb, w->customer_id);
    hash_str(&hb, w->invoice_number);
    hash_str(&hb, w->reseller_mpn_id);
    hash_str(&hb, w->order_id);
    hash_str(&hb, w->product_id);
    hash_str(&hb, w->sku_id);
    hash_str(&hb, w->subscription_id);
    hash_str(&hb, w->reference_id);
    hash_str(&hb, w->meter_id);
    hash_str(&hb, w->charge_type);
    hash_str(&hb, w->currency);
    hash_str(&hb, w->pricing_currency);
    hash_date(&hb, w->start);
    hash_date(&hb, w->end);
    hash_dec(&hb, w->unit_price);
    hash_dec(&hb, w->quantity);
    hash_dec(&hb, w->eup);
    hash_dec(&hb, w->subtotal);
    hash_dec(&hb, w->tax);
    hash_dec(&hb, w->total);
    hash_dec(&hb, w->fx);
    hb_put(&hb, &eol, 1);
    EVP_DigestUpdate(hb.h, hb.b, hb.n);
}

int recon_reader_next(struct recon_reader *r, struct recon_row *w, struct err *err)
{
    struct csv_record rec;
    const struct csv_field *f;
    int rc;

    rc = csv_reader_next(&r->csv, &rec, err);
    if (rc <= 0)
        return rc;
    r->rows++;
    memset(w, 0, sizeof(*w));
    w->line = rec.line;
    if (rec.nfields != r->nheader)
        return err_set(err, ERR_PARSE, "", "line %ld: %zu fields, the header has %zu (a "
                       "truncated or malformed line)", rec.line, rec.nfields, r->nheader);
    for (int c = 0; c < RCOL__COUNT; c++)
        if ((f = field(r, &rec, (enum recon_col)c)) && bad_utf8(f, f->line, r->header[c], err))
            return -1;

    w->partner_id = text(r, &rec, RCOL_PARTNER_ID);
    w->customer_id = text(r, &rec, RCOL_CUSTOMER_ID);
    w->customer_name = text(r, &rec, RCOL_CUSTOMER_NAME);
    w->invoice_number = text(r, &rec, RCOL_INVOICE_NUMBER);
    w->mpn_id = text(r, &rec, RCOL_MPN_ID);
    w->reseller_mpn_id = text(r, &rec, RCOL_RESELLER_MPN_ID);
    w->order_id = text(r, &rec, RCOL_ORDER_ID);
    w->product_id = text(r, &rec, RCOL_PRODUCT_ID);
    w->sku_id = text(r, &rec, RCOL_SKU_ID);
    w->sku_name = text(r, &rec, RCOL_SKU_NAME);
    w->product_name = text(r, &rec, RCOL_PRODUCT_NAME);
    w->subscription_id = text(r, &rec, RCOL_SUBSCRIPTION_ID);
    w->reference_id = text(r, &rec, RCOL_REFERENCE_ID);
    w->meter_id = text(r, &rec, RCOL_METER_ID);
    w->entitlement_id = text(r, &rec, RCOL_ENTITLEMENT_ID);
    w->meter_name = text(r, &rec, RCOL_METER_NAME);
    w->meter_category = text(r, &rec, RCOL_METER_CATEGORY);
    if (!w->subscription_id[0])
        return err_set(err, ERR_INVALID, r->header[RCOL_SUBSCRIPTION_ID], "line %ld, column "
                       "%s: empty", rec.line, r->header[RCOL_SUBSCRIPTION_ID]);

    f = field(r, &rec, RCOL_CHARGE_TYPE);
    if (!f || f->len == 0)
        return err_set(err, ERR_INVALID, r->header[RCOL_CHARGE_TYPE], "line %ld, column %s: "
                       "empty", rec.line, r->header[RCOL_CHARGE_TYPE]);
    if (f->len >= RECON_TYPE_MAX)
        return err_set(err, ERR_INVALID, r->header[RCOL_CHARGE_TYPE], "line %ld, column %s: "
                       "longer than %d characters", f->line, r->header[RCOL_CHARGE_TYPE],
                       RECON_TYPE_MAX - 1);
    w->type = recon_type_parse(f->s, f->len);
    snprintf(w->charge_type, sizeof(w->charge_type), "%s",
             w->type == RT_UNKNOWN ? f->s : recon_type_name(w->type));

    if (r->kind == RECON_KIND_USAGE) {
        if (date_col(r, &rec, RCOL_USAGE_DATE, true, &w->start, NULL, err) ||
            dec_col(r, &rec, RCOL_QUANTITY, true, &w->quantity, NULL, err) ||
            dec_col(r, &rec, RCOL_UNIT_PRICE, false, &w->unit_price, NULL, err) ||
            dec_col(r, &rec, RCOL_EUP, false, &w->eup, NULL, err) ||
            dec_col(r, &rec, RCOL_BILLING_PRE_TAX_TOTAL, true, &w->subtotal, NULL, err) ||
            dec_col(r, &rec, RCOL_FX_RATE, false, &w->fx, &w->has_fx, err) ||
            ccy_col(r, &rec, RCOL_BILLING_CURRENCY, true, w->currency, err) ||
            ccy_col(r, &rec, RCOL_PRICING_CURRENCY, false, w->pricing_currency, err) ||
            date_col(r, &rec, RCOL_FX_DATE, false, &w->fx_date, &w->has_fx_date, err))
            return -1;
        w->end = w->start;
        w->has_end = true;
        w->total = w->subtotal;
    } else {
        enum recon_col qc = r->col[RCOL_BILLABLE_QUANTITY] >= 0 ? RCOL_BILLABLE_QUANTITY
                                                                 : RCOL_QUANTITY;

        if (date_col(r, &rec, RCOL_CHARGE_START, true, &w->start, NULL, err) ||
            date_col(r, &rec, RCOL_CHARGE_END, false, &w->end, &w->has_end, err) ||
            dec_col(r, &rec, RCOL_UNIT_PRICE, true, &w->unit_price, NULL, err) ||
            dec_col(r, &rec, qc, true, &w->quantity, NULL, err) ||
            dec_col(r, &rec, RCOL_EUP, true, &w->eup, NULL, err) ||
            dec_col(r, &rec, RCOL_SUBTOTAL, true, &w->subtotal, NULL, err) ||
            dec_col(r, &rec, RCOL_TAX_TOTAL, false, &w->tax, NULL, err) ||
            dec_col(r, &rec, RCOL_TOTAL, true, &w->total, NULL, err) ||
            dec_col(r, &rec, RCOL_FX_RATE, false, &w->fx, &w->has_fx, err) ||
            ccy_col(r, &rec, RCOL_CURRENCY, true, w->currency, err) ||
            ccy_col(r, &rec, RCOL_PRICING_CURRENCY, false, w->pricing_currency, err))
            return -1;
        if (!w->has_end)
            w->end = w->start;
        else if (date_cmp(w->end, w->start) < 0)
            return err_set(err, ERR_INVALID, r->header[RCOL_CHARGE_END], "line %ld, column %s: "
                           "before %s", rec.line, r->header[RCOL_CHARGE_END],
                           r->header[RCOL_CHARGE_START]);
    }
    if (!w->pricing_currency[0])
        memcpy(w->pricing_currency, w->currency, 4);
    if (!w->has_fx)
        w->fx = dec_from_i64(1);
    hash_row(r, w);
    return 1;
}

static void hex(const unsigned char *d, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";

    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[d[i] >> 4];
        out[2 * i + 1] = digits[d[i] & 15];
    }
    out[2 * n] = '\0';
}

void recon_reader_hashes(struct recon_reader *r, char file_hex[65], char content_hex[65])
{
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int n = 0;

    /* cannot fail once initialised: the digest is fixed and the context ours */
    EVP_DigestFinal_ex(r->file_h, d, &n);
    hex(d, n, file_hex);
    EVP_DigestFinal_ex(r->content_h, d, &n);
    hex(d, n, content_hex);
}

void recon_reader_release(struct recon_reader *r)
{
    EVP_MD_CTX_free(r->file_h);
    EVP_MD_CTX_free(r->content_h);
    r->file_h = r->content_h = NULL;
    csv_reader_release(&r->csv);
}
