/*
 * io/export_xlsx.c — export tables: building them, and writing them as CSV or as the sheets of
 * one XLSX workbook through libxlsxwriter (export_period.h).
 *
 * libxlsxwriter writes the workbook to a temporary directory and zips it on
 * workbook_close, so the output must be a path, not a stream. Numbers: a numeric column's
 * exact decimal text is written as a number (a spreadsheet holds doubles; amounts of a few
 * billion with two decimals survive that exactly enough to display and sum to the cent) and
 * shown with two decimals; the CSV keeps the exact text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>

#include "io/export_period.h"

void export_table_init(struct export_table *t, const char *name, const char *const *cols,
                       const char *numeric_cols)
{
    memset(t, 0, sizeof(*t));
    t->name = name;
    for (; cols[t->ncols] && t->ncols < EXPORT_TABLE_COLS; t->ncols++) {
        char pat[64];

        t->cols[t->ncols] = cols[t->ncols];
        snprintf(pat, sizeof(pat), ",%s,", cols[t->ncols]);
        t->numeric[t->ncols] = numeric_cols && strstr(numeric_cols, pat) != NULL;
    }
}

int export_table_add(struct export_table *t, const char *const *vals, struct err *err)
{
    if (t->nrows == t->caprows) {
        size_t cap = t->caprows ? t->caprows * 2 : 64;
        char **p = realloc(t->cells, cap * t->ncols * sizeof(*p));

        if (!p)
            return err_set(err, ERR_NOMEM, "", "out of memory for an export");
        t->cells = p;
        t->caprows = cap;
    }
    for (size_t i = 0; i < t->ncols; i++) {
        char *c = strdup(vals[i] ? vals[i] : "");

        if (!c) {
            for (size_t k = 0; k < i; k++)
                free(t->cells[t->nrows * t->ncols + k]);
            return err_set(err, ERR_NOMEM, "", "out of memory for an export");
        }
        t->cells[t->nrows * t->ncols + i] = c;
    }
    t->nrows++;
    return 0;
}

void export_table_release(struct export_table *t)
{
    for (size_t i = 0; i < t->nrows * t->ncols; i++)
        free(t->cells[i]);
    free(t->cells);
    t->cells = NULL;
    t->nrows = t->caprows = 0;
}

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

int export_table_csv(const struct export_table *t, FILE *out, struct err *err)
{
    char first[80];

    snprintf(first, sizeof(first), "cspd_%s_v1", t->name);
    for (size_t i = 0; i < t->ncols; i++)
        csv_field(out, i == 0 ? first : t->cols[i], i + 1 == t->ncols);
    for (size_t r = 0; r < t->nrows; r++)
        for (size_t i = 0; i < t->ncols; i++)
            csv_field(out, t->cells[r * t->ncols + i], i + 1 == t->ncols);
    if (fflush(out) != 0 || ferror(out))
        return err_set(err, ERR_IO, "out", "cannot write the %s export", t->name);
    return 0;
}

/* Sheet names: at most 31 characters, none of []:*?/\ (the table names are ours). */
static int write_sheet(lxw_workbook *wb, const struct export_table *t, lxw_format *bold,
                       lxw_format *money)
{
    lxw_worksheet *ws = workbook_add_worksheet(wb, t->name);

    if (!ws)
        return -1;
    for (size_t i = 0; i < t->ncols; i++) {
        if (worksheet_write_string(ws, 0, (lxw_col_t)i, t->cols[i], bold) != LXW_NO_ERROR)
            return -1;
        worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i, t->numeric[i] ? 14 : 18, NULL);
    }
    for (size_t r = 0; r < t->nrows; r++)
        for (size_t i = 0; i < t->ncols; i++) {
            const char *c = t->cells[r * t->ncols + i];
            lxw_row_t row = (lxw_row_t)(r + 1);
            lxw_error e;

            if (!c[0])
                continue;
            if (t->numeric[i])
                e = worksheet_write_number(ws, row, (lxw_col_t)i, strtod(c, NULL), money);
            else
                e = worksheet_write_string(ws, row, (lxw_col_t)i, c, NULL);
            if (e != LXW_NO_ERROR)
                return -1;
        }
    return 0;
}

int export_tables_xlsx(const struct export_table *const *tables, size_t n, const char *path,
                       struct err *err)
{
    return export_tables_xlsx_as(tables, n, path, "cspd_period_xlsx_v1", err);
}

int export_tables_xlsx_as(const struct export_table *const *tables, size_t n, const char *path,
                          const char *format, struct err *err)
{
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *about;
    lxw_format *bold, *money;
    int bad = 0;

    if (!wb)
        return err_set(err, ERR_IO, "out", "cannot create the workbook %s", path);
    bold = workbook_add_format(wb);
    money = workbook_add_format(wb);
    if (bold)
        format_set_bold(bold);
    if (money)
        format_set_num_format(money, "0.00");
    for (size_t i = 0; i < n && !bad; i++)
        bad = write_sheet(wb, tables[i], bold, money) < 0;
    about = bad ? NULL : workbook_add_worksheet(wb, "About");
    if (about) {
        worksheet_write_string(about, 0, 0, "format", bold);
        worksheet_write_string(about, 0, 1, format, NULL);
    }
    if (workbook_close(wb) != LXW_NO_ERROR || bad || !about)
        return err_set(err, ERR_IO, "out", "cannot write the workbook %s", path);
    return 0;
}
