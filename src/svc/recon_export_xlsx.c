/*
 * svc/recon_export_xlsx.c — a reconciliation import's differences as an Excel workbook, for
 * the people who work through them in a spreadsheet (`cspd recon export ID --format xlsx`,
 * GET /v1/recon/imports/{id}/differences.xlsx).
 *
 * The CSV export (recon_export_differences) is the one definition of the columns and their
 * order; this file writes it to memory, reads it back with the streaming CSV reader into an
 * export_table and hands that to the workbook writer shared with the billing exports
 * (io/export_period.h). Amounts and counts become number cells so the sheet can sum and sort
 * them — presentation only; the CSV stays the exact record. Differences are the lines an
 * operator must look at, thousands at most, so holding them in memory once is fine.
 */
#include <stdlib.h>
#include <string.h>

#include "io/csv.h"
#include "io/export_period.h"
#include "svc/recon_svc.h"

/* Columns written as numbers (names as in the CSV header). */
static const char numeric_cols[] =
    ",Seq,Line,Quantity,MicrosoftSubtotal,CspdSubtotal,Difference,";

/* The header's names, kept for as long as the table that points at them. */
struct header_names {
    char text[EXPORT_TABLE_COLS][40];
    const char *cols[EXPORT_TABLE_COLS + 1]; /* NULL-terminated, as export_table_init wants */
};

static int table_from_csv(const char *text, size_t len, struct header_names *h,
                          struct export_table *t, struct err *err)
{
    FILE *in = fmemopen((void *)text, len, "rb");
    struct csv_reader r;
    struct csv_record rec;
    const char *vals[EXPORT_TABLE_COLS];
    int rc, first = 1;

    if (!in)
        return err_set(err, ERR_NOMEM, "", "out of memory");
    if (csv_reader_init(&r, in, err) < 0) {
        fclose(in);
        return -1;
    }
    while ((rc = csv_reader_next(&r, &rec, err)) == 1) {
        if (rec.nfields > EXPORT_TABLE_COLS) {
            rc = err_set(err, ERR_INTERNAL, "", "the differences export has %zu columns",
                         rec.nfields);
            break;
        }
        if (first) {
            for (size_t i = 0; i < rec.nfields; i++) {
                snprintf(h->text[i], sizeof(h->text[i]), "%s", rec.fields[i].s);
                h->cols[i] = h->text[i];
            }
            h->cols[rec.nfields] = NULL;
            export_table_init(t, "differences", h->cols, numeric_cols);
            first = 0;
            continue;
        }
        for (size_t i = 0; i < t->ncols; i++)
            vals[i] = i < rec.nfields ? rec.fields[i].s : "";
        if ((rc = export_table_add(t, vals, err)) < 0)
            break;
    }
    csv_reader_release(&r);
    fclose(in);
    return rc < 0 ? -1 : 0;
}

int recon_export_differences_xlsx(struct db *db, const char *import_id, const char *path,
                                  long *lines, struct err *err)
{
    struct export_table t;
    const struct export_table *tables[1] = {&t};
    struct header_names names;
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    int rc;

    memset(&t, 0, sizeof(t));
    if (!mem)
        return err_set(err, ERR_NOMEM, "", "out of memory");
    rc = recon_export_differences(db, import_id, mem, lines, err);
    if (fclose(mem) != 0 && rc == 0)
        rc = err_set(err, ERR_NOMEM, "", "out of memory");
    if (rc == 0)
        rc = table_from_csv(buf, len, &names, &t, err);
    if (rc == 0)
        rc = export_tables_xlsx_as(tables, 1, path, "cspd_recon_differences_xlsx_v1", err);
    export_table_release(&t);
    free(buf);
    return rc;
}
