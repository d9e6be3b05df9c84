/*
 * io/export_gl.c — the general-ledger CSV of a period's invoices (export_period.h has the
 * accounts and the rules).
 *
 * Balanced by construction: an invoice's total is its subtotal plus its tax
 * (domain/invoice/invoice.c invoice_compute), so the receivable side equals revenue plus tax
 * exactly; a negative figure moves to the other column as its absolute value, which keeps
 * each journal balanced. Drafts are never posted.
 */
#include <stdio.h>
#include <string.h>

#include "io/export_period.h"

#define GL_AR "1200"
#define GL_REVENUE "4000"
#define GL_TAX "2200"

static void field(FILE *f, const char *s, bool last)
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

/* One posting: `amount` on the debit side when debit (the credit side when negative). */
static void post(FILE *f, const char *date, const char *account, struct dec amount, bool debit,
                 const struct invoice *inv, const char *memo)
{
    char a[DEC_STRLEN];
    bool neg = dec_is_neg(amount);

    if (dec_is_zero(amount))
        return;
    dec_format(neg ? dec_neg(amount) : amount, a); /* exact: JPY has 0 places, KWD 3 */
    if (neg)
        debit = !debit;
    field(f, date, false);
    field(f, account, false);
    field(f, debit ? a : "", false);
    field(f, debit ? "" : a, false);
    field(f, inv->number, false);
    field(f, memo, false);
    field(f, inv->currency, false);
    field(f, inv->issuer_id, true);
}

static void journal(FILE *f, const struct invoice *inv, struct date day, bool reverse)
{
    char date[DATE_STRLEN], memo[INVOICE_DESC_MAX + 64], ptext[INVOICE_PERIOD_TEXT_MAX];
    const char *what = inv->kind == INV_KIND_CREDIT_NOTE ? "Credit note" : "Invoice";

    date_format(day, date);
    invoice_period_text(inv->period, inv->issuer.period_day, ptext);
    snprintf(memo, sizeof(memo), "%s%s %s %s", reverse ? "Void of " : "", what, ptext,
             inv->bill_to.name);
    post(f, date, GL_AR, inv->total, !reverse, inv, memo);
    post(f, date, GL_REVENUE, inv->subtotal, reverse, inv, memo);
    post(f, date, GL_TAX, inv->tax, reverse, inv, memo);
}

int export_gl_csv(const struct invoice *invs, size_t n, FILE *out, struct err *err)
{
    static const char *const head[] = {"date", "account", "debit", "credit", "reference",
                                       "memo", "currency", "entity"};

    for (size_t i = 0; i < 8; i++)
        field(out, head[i], i == 7);
    for (size_t i = 0; i < n; i++) {
        const struct invoice *inv = &invs[i];

        if (inv->status == INV_DRAFT)
            continue;
        journal(out, inv, inv->issued_on, false);
        if (inv->status == INV_VOID)
            journal(out, inv, inv->voided_at ? instant_date(inv->voided_at) : inv->issued_on,
                    true);
    }
    if (fflush(out) != 0 || ferror(out))
        return err_set(err, ERR_IO, "out", "cannot write the general ledger");
    return 0;
}
