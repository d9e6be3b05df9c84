/*
 * svc/pricelist_xlsx.c — the price list diff as an Excel workbook (libxlsxwriter), for the
 * people who read price changes in a spreadsheet (`cspd pricelist diff --format xlsx`,
 * GET /v1/pricelists/changes?format=xlsx).
 *
 * Sheet "changes": the CSV export's columns (docs/catalog.md), one row per change, a frozen
 * header with an autofilter. Prices, amounts and percents are number cells so the sheet can
 * sum and sort them: the exact decimal text (dec_format) is handed to Excel as its number,
 * which holds 15 significant digits — every price list amount exactly; the CSV export stays
 * the exact record. Number formats show the currency's minor digits. Sheet "summary": the
 * counts. libxlsxwriter writes to a file name only (1.1.4 has no memory output), so the API
 * writes a temporary file and sends its bytes.
 */
#include "svc/pricelist.h"

#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>

#include "core/currency.h"

#define KEY_MAX 160

enum { K_MARKET, K_CURRENCY, K_SKU, K_TERM, K_BILLING, K_SEGMENT, K_TIER, K_PARTS };

static void split_key(const char *key, char buf[KEY_MAX], const char *part[K_PARTS])
{
    char *p = buf;

    snprintf(buf, KEY_MAX, "%s", key);
    for (int i = 0; i < K_PARTS; i++) {
        char *bar = strchr(p, '|');

        part[i] = p;
        if (!bar) {
            for (int j = i + 1; j < K_PARTS; j++)
                part[j] = "";
            return;
        }
        *bar = '\0';
        p = bar + 1;
    }
}

/* The decimal as Excel's number (presentation only; see the file comment). */
static double xl_number(struct dec d)
{
    char buf[DEC_STRLEN];

    dec_format(d, buf);
    return strtod(buf, NULL);
}

struct formats {
    lxw_format *head;
    lxw_format *money[4]; /* 0..3 decimals */
    lxw_format *pct;
};

static lxw_format *money_fmt(struct formats *f, const char *ccy)
{
    int m = currency_minor_units(ccy);

    return f->money[m >= 0 && m <= 3 ? m : 2];
}

static int write_changes(lxw_worksheet *ws, const struct pricelist_diff *d, struct formats *f)
{
    static const char *const head[] = {
        "change", "market", "currency", "sku", "title", "term", "billing", "segment",
        "tier_min", "old_price", "new_price", "amount", "percent", "old_cycle_price",
        "new_cycle_price",
    };
    const int ncol = (int)(sizeof(head) / sizeof(head[0]));
    lxw_error e = LXW_NO_ERROR;

    for (int c = 0; c < ncol; c++)
        e |= worksheet_write_string(ws, 0, (lxw_col_t)c, head[c], f->head);
    for (size_t k = 0; k < d->n; k++) {
        const struct pricelist_change *ch = &d->changes[k];
        lxw_row_t r = (lxw_row_t)(k + 1);
        const char *part[K_PARTS];
        char key[KEY_MAX];
        lxw_format *mf;

        split_key(ch->key, key, part);
        mf = money_fmt(f, part[K_CURRENCY]);
        e |= worksheet_write_string(ws, r, 0, pricelist_change_name(ch->kind), NULL);
        e |= worksheet_write_string(ws, r, 1, part[K_MARKET], NULL);
        e |= worksheet_write_string(ws, r, 2, part[K_CURRENCY], NULL);
        e |= worksheet_write_string(ws, r, 3, part[K_SKU], NULL);
        e |= worksheet_write_string(ws, r, 4, ch->title ? ch->title : "", NULL);
        e |= worksheet_write_string(ws, r, 5, part[K_TERM], NULL);
        e |= worksheet_write_string(ws, r, 6, part[K_BILLING], NULL);
        e |= worksheet_write_string(ws, r, 7, part[K_SEGMENT], NULL);
        e |= worksheet_write_string(ws, r, 8, part[K_TIER], NULL);
        if (ch->a) {
            e |= worksheet_write_number(ws, r, 9, xl_number(ch->a->price), mf);
            e |= worksheet_write_number(ws, r, 13, xl_number(ch->a->cycle_price), mf);
        }
        if (ch->b) {
            e |= worksheet_write_number(ws, r, 10, xl_number(ch->b->price), mf);
            e |= worksheet_write_number(ws, r, 14, xl_number(ch->b->cycle_price), mf);
        }
        if (ch->a && ch->b)
            e |= worksheet_write_number(ws, r, 11, xl_number(ch->amount), mf);
        if (ch->has_percent)
            e |= worksheet_write_number(ws, r, 12, xl_number(ch->percent), f->pct);
    }
    worksheet_freeze_panes(ws, 1, 0);
    worksheet_autofilter(ws, 0, 0, (lxw_row_t)d->n, (lxw_col_t)(ncol - 1));
    worksheet_set_column(ws, 3, 3, 20, NULL);
    worksheet_set_column(ws, 4, 4, 36, NULL);
    worksheet_set_column(ws, 9, 14, 14, NULL);
    return e == LXW_NO_ERROR ? 0 : -1;
}

static int write_summary(lxw_worksheet *ws, const struct pricelist_diff *d, struct formats *f)
{
    static const char *const names[] = {"new", "retired", "increases", "decreases"};
    lxw_error e = LXW_NO_ERROR;

    e |= worksheet_write_string(ws, 0, 0, "what", f->head);
    e |= worksheet_write_string(ws, 0, 1, "count", f->head);
    for (int i = 0; i < 4; i++) {
        e |= worksheet_write_string(ws, (lxw_row_t)(i + 1), 0, names[i], NULL);
        e |= worksheet_write_number(ws, (lxw_row_t)(i + 1), 1, (double)d->counts[i], NULL);
    }
    e |= worksheet_write_string(ws, 5, 0, "unchanged", NULL);
    e |= worksheet_write_number(ws, 5, 1, (double)d->unchanged, NULL);
    e |= worksheet_write_string(ws, 6, 0, "plans before", NULL);
    e |= worksheet_write_number(ws, 6, 1, (double)d->rows_a, NULL);
    e |= worksheet_write_string(ws, 7, 0, "plans after", NULL);
    e |= worksheet_write_number(ws, 7, 1, (double)d->rows_b, NULL);
    worksheet_set_column(ws, 0, 0, 14, NULL);
    return e == LXW_NO_ERROR ? 0 : -1;
}

int pricelist_diff_write_xlsx(const struct pricelist_diff *d, const char *path, struct err *err)
{
    static const char *const money[] = {"#,##0", "#,##0.0", "#,##0.00", "#,##0.000"};
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *changes, *summary;
    struct formats f;
    lxw_error closed;
    int rc;

    if (!wb)
        return err_set(err, ERR_IO, "out", "cannot create the workbook %s", path);
    f.head = workbook_add_format(wb);
    format_set_bold(f.head);
    for (int i = 0; i < 4; i++) {
        f.money[i] = workbook_add_format(wb);
        format_set_num_format(f.money[i], money[i]);
    }
    f.pct = workbook_add_format(wb);
    format_set_num_format(f.pct, "0.00");
    changes = workbook_add_worksheet(wb, "changes");
    summary = workbook_add_worksheet(wb, "summary");
    rc = changes && summary && write_changes(changes, d, &f) == 0 &&
                 write_summary(summary, d, &f) == 0 ? 0 : -1;
    closed = workbook_close(wb);
    if (rc || closed != LXW_NO_ERROR)
        return err_set(err, ERR_IO, "out", "cannot write the workbook %s: %s", path,
                       lxw_strerror(closed));
    return 0;
}
