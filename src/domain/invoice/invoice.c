/*
 * domain/invoice/invoice.c — invoice lines, tax per line, totals, numbering format, status
 * machine (invoice.h states the rules).
 *
 * Tax is rounded once per line and summed, never computed on the total: the printed lines then
 * add up to the printed tax to the cent, which is what a bookkeeper checks. An invoice holds a
 * month of one customer's lines (tens to a few thousand); the lines array grows by doubling.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/invoice/invoice.h"

void invoice_init(struct invoice *inv)
{
    memset(inv, 0, sizeof(*inv));
    inv->tax_mode = DEC_ROUND_HALF_UP;
}

int invoice_add_line(struct invoice *inv, const struct invoice_line *l, struct err *err)
{
    if (inv->nlines == inv->caplines) {
        size_t cap = inv->caplines ? inv->caplines * 2 : 16;
        struct invoice_line *p = realloc(inv->lines, cap * sizeof(*p));

        if (!p)
            return err_set(err, ERR_NOMEM, "", "out of memory for invoice lines");
        inv->lines = p;
        inv->caplines = cap;
    }
    inv->lines[inv->nlines] = *l;
    inv->lines[inv->nlines].line_no = (int)inv->nlines + 1;
    inv->nlines++;
    return 0;
}

void invoice_release(struct invoice *inv)
{
    free(inv->lines);
    inv->lines = NULL;
    inv->nlines = inv->caplines = 0;
}

void invoice_clear(struct invoice *inv)
{
    struct invoice_line *lines = inv->lines;
    size_t cap = inv->caplines;

    invoice_init(inv);
    inv->lines = lines;
    inv->caplines = cap;
}

int invoice_compute(struct invoice *inv, struct err *err)
{
    struct dec sub = dec_zero(), tax = dec_zero(), cost = dec_zero();

    for (size_t i = 0; i < inv->nlines; i++) {
        struct invoice_line *l = &inv->lines[i];
        struct dec t;

        /* once per line, with the issuer's mode */
        if (dec_muldiv(l->amount, inv->tax_rate, dec_from_i64(100), DEC_ROUND_HALF_EVEN, &t,
                       err) < 0 ||
            dec_round_currency(t, inv->currency, inv->tax_mode, &l->tax, err) < 0 ||
            dec_add(sub, l->amount, &sub, err) < 0 || dec_add(tax, l->tax, &tax, err) < 0 ||
            dec_add(cost, l->cost, &cost, err) < 0)
            return -1;
    }
    inv->subtotal = sub;
    inv->tax = tax;
    inv->cost = cost;
    return dec_add(sub, tax, &inv->total, err);
}

static const char *const status_names[] = {"draft", "finalized", "paid", "void"};
static const char *const kind_names[] = {"invoice", "credit_note"};

const char *invoice_status_name(enum invoice_status s)
{
    return (unsigned)s < 4 ? status_names[s] : "draft";
}

int invoice_status_from_name(const char *s, enum invoice_status *out)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(s, status_names[i]) == 0) {
            *out = (enum invoice_status)i;
            return 0;
        }
    return -1;
}

const char *invoice_kind_name(enum invoice_kind k)
{
    return k == INV_KIND_CREDIT_NOTE ? kind_names[1] : kind_names[0];
}

int invoice_kind_from_name(const char *s, enum invoice_kind *out)
{
    for (int i = 0; i < 2; i++)
        if (strcmp(s, kind_names[i]) == 0) {
            *out = (enum invoice_kind)i;
            return 0;
        }
    return -1;
}

int invoice_tax_mode_from_name(const char *s, enum dec_round *out)
{
    if (strcmp(s, "half_up") == 0)
        *out = DEC_ROUND_HALF_UP;
    else if (strcmp(s, "half_even") == 0)
        *out = DEC_ROUND_HALF_EVEN;
    else if (strcmp(s, "down") == 0)
        *out = DEC_ROUND_DOWN;
    else
        return -1;
    return 0;
}

int invoice_transition_check(enum invoice_status from, enum invoice_status to,
                             struct err *err)
{
    if (from == INV_DRAFT && to == INV_FINALIZED)
        return 0;
    if (from == INV_FINALIZED && (to == INV_PAID || to == INV_VOID))
        return 0;
    if (from != INV_DRAFT)
        return err_set_(err, __func__, __LINE__, ERR_CONFLICT, "invoice_immutable", "status",
                        "a %s invoice cannot become %s; issue a credit note instead",
                        invoice_status_name(from), invoice_status_name(to));
    return err_set_(err, __func__, __LINE__, ERR_CONFLICT, "invalid_transition", "status",
                    "a draft invoice cannot become %s", invoice_status_name(to));
}

const char *invoice_series(enum invoice_kind k)
{
    return k == INV_KIND_CREDIT_NOTE ? "CN" : "INV";
}

int invoice_number_format(const char *series, int year, int64_t value,
                          char out[INVOICE_NUMBER_MAX], struct err *err)
{
    if (year < 1 || year > 9999 || value < 1 || value > 999999999)
        return err_set(err, ERR_INVALID, "number", "invoice number %lld of %d out of range",
                       (long long)value, year);
    snprintf(out, INVOICE_NUMBER_MAX, "%s-%04d-%06lld", series, year, (long long)value);
    return 0;
}

/* "YYYY-MM" -> year and month, strictly (four digits, '-', two digits, month 1..12). */
static int period_split(const char *s, int *year, int *month, struct err *err)
{
    if (!s || strlen(s) != 7 || s[4] != '-')
        return err_set(err, ERR_PARSE, "period", "a period is YYYY-MM, not '%s'", s ? s : "");
    for (int i = 0; i < 7; i++)
        if (i != 4 && (s[i] < '0' || s[i] > '9'))
            return err_set(err, ERR_PARSE, "period", "a period is YYYY-MM, not '%s'", s);
    *year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    *month = (s[5] - '0') * 10 + (s[6] - '0');
    if (*year < 1 || *month < 1 || *month > 12)
        return err_set(err, ERR_PARSE, "period", "a period is YYYY-MM, not '%s'", s);
    return 0;
}

static int anchor_or_1(int anchor)
{
    return anchor == 0 ? 1 : anchor;
}

bool invoice_period_day_valid(int anchor)
{
    return anchor >= INVOICE_PERIOD_DAY_MIN && anchor <= INVOICE_PERIOD_DAY_MAX;
}

int invoice_period_bounds(const char *period, int anchor, struct date *first,
                          struct date *last, struct err *err)
{
    int y, m;

    anchor = anchor_or_1(anchor);
    if (!invoice_period_day_valid(anchor))
        return err_set(err, ERR_INVALID, "period_day", "a period day is 1..28, not %d", anchor);
    if (period_split(period, &y, &m, err) < 0)
        return -1;
    *first = (struct date){y, m, anchor};
    if (anchor == 1) {
        *last = date_end_of_month(*first);
    } else {
        /* day D-1 of the next month: D <= 28 exists in every month */
        struct date next = {m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, anchor - 1};

        *last = next;
    }
    return 0;
}

static void period_label(int year, int month, char out[INVOICE_PERIOD_MAX])
{
    unsigned y = (unsigned)year % 10000u, m = (unsigned)month % 100u;

    out[0] = (char)('0' + y / 1000);
    out[1] = (char)('0' + y / 100 % 10);
    out[2] = (char)('0' + y / 10 % 10);
    out[3] = (char)('0' + y % 10);
    out[4] = '-';
    out[5] = (char)('0' + m / 10);
    out[6] = (char)('0' + m % 10);
    out[7] = '\0';
}

void invoice_period_of_day(struct date day, int anchor, char out[INVOICE_PERIOD_MAX])
{
    int y = day.year, m = day.month;

    anchor = anchor_or_1(anchor);
    if (invoice_period_day_valid(anchor) && day.day < anchor && --m == 0) {
        m = 12;
        y--;
    }
    period_label(y, m, out);
}

int invoice_period_prev(const char *period, char out[INVOICE_PERIOD_MAX], struct err *err)
{
    int y, m;

    if (period_split(period, &y, &m, err) < 0)
        return -1;
    if (--m == 0) {
        m = 12;
        y--;
    }
    period_label(y, m, out);
    return 0;
}

bool invoice_period_due(struct date day, int anchor, int close_day,
                        char out[INVOICE_PERIOD_MAX])
{
    struct date q = {day.year, day.month, close_day}, before;
    char holding_q[INVOICE_PERIOD_MAX];
    struct err ignored;

    if (close_day < 1 || day.day < close_day)
        return false;
    before = date_add_days(q, -1);
    /* the period holding the day before Q; if Q is in it too, it has not ended: the one
     * before */
    invoice_period_of_day(before, anchor, out);
    invoice_period_of_day(q, anchor, holding_q);
    if (strcmp(out, holding_q) == 0)
        (void)invoice_period_prev(holding_q, out, &ignored);
    return true;
}

void invoice_period_text(const char *period, int anchor, char out[INVOICE_PERIOD_TEXT_MAX])
{
    static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    struct date f, l;
    struct err ignored;

    if (anchor_or_1(anchor) == 1 || invoice_period_bounds(period, anchor, &f, &l, &ignored) < 0) {
        snprintf(out, INVOICE_PERIOD_TEXT_MAX, "%s", period ? period : "");
        return;
    }
    snprintf(out, INVOICE_PERIOD_TEXT_MAX, "%d %s %04d - %d %s %04d", f.day % 100,
             mon[(f.month - 1) % 12], f.year % 10000, l.day % 100, mon[(l.month - 1) % 12],
             l.year % 10000);
}

int invoice_period_parse(const char *s, struct date *first, struct date *last,
                         struct err *err)
{
    return invoice_period_bounds(s, 1, first, last, err);
}

void invoice_period_of(struct date day, char out[INVOICE_PERIOD_MAX])
{
    invoice_period_of_day(day, 1, out);
}
