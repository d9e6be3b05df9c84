/*
 * demo/files.c — `cspd demo files`: the Microsoft-format files that go with a seeded book.
 *
 *   pricelist.csv          the demo catalogue as Microsoft's NCE license-based price list
 *                          (the very bytes `demo seed` imported: demo/catalog.c)
 *   recon-YYYY-MM.csv      per month of the history, Microsoft's NCE invoice reconciliation
 *                          file of the charges starting in that month, written by the one
 *                          recon writer (svc/recon_svc.h recon_write_charges ->
 *                          io/recon_write.h), invoice number G<YYYYMM>0001
 *
 * Importing a recon file back (`cspd recon import`) matches every line: zero differences.
 * Same seed and sizes -> same bytes, because the book is (demo/rng.h).
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "demo/catalog.h"
#include "demo/demo.h"
#include "svc/recon_svc.h"

static int open_out(const char *dir, const char *name, FILE **f, char *path, size_t size,
                    struct err *err)
{
    snprintf(path, size, "%s/%s", dir, name);
    *f = fopen(path, "wb");
    if (!*f)
        return err_set(err, ERR_IO, "out", "cannot write %s: %s", path, strerror(errno));
    return 0;
}

static int close_out(FILE *f, const char *path, int rc, struct err *err)
{
    if (fclose(f) != 0 && rc == 0)
        return err_set(err, ERR_IO, "out", "cannot write %s", path);
    return rc;
}

int demo_files(struct db *db, const char *dir, FILE *log, int *nfiles, struct err *err)
{
    struct date start, end;
    instant_t clock;
    bool found;
    int months, rc;
    char path[4096];
    FILE *f;

    *nfiles = 0;
    if (demo_seed_info(db, &found, &clock, NULL, &start, &months, err) < 0)
        return -1;
    if (!found)
        return err_set(err, ERR_NOT_FOUND, "db", "this database holds no demo seed (run "
                       "'cspd demo seed' first)");
    if (mkdir(dir, 0777) < 0 && errno != EEXIST)
        return err_set(err, ERR_IO, "out", "cannot create %s: %s", dir, strerror(errno));
    if (open_out(dir, "pricelist.csv", &f, path, sizeof(path), err) < 0)
        return -1;
    rc = close_out(f, path, demo_pricelist_write(f, err), err);
    if (rc < 0)
        return -1;
    (*nfiles)++;
    if (log)
        fprintf(log, "%s\n", path);
    end = date_add_months(start, months);
    for (struct date m = {start.year, start.month, 1}; date_cmp(m, end) < 0;
         m = date_add_months(m, 1)) {
        struct date last = date_from_days(date_to_days(date_add_months(m, 1)) - 1);
        char name[32], invoice[16];
        long lines = 0;

        snprintf(name, sizeof(name), "recon-%04d-%02d.csv", m.year, m.month);
        snprintf(invoice, sizeof(invoice), "G%04d%02d0001", m.year, m.month);
        if (open_out(dir, name, &f, path, sizeof(path), err) < 0)
            return -1;
        rc = close_out(f, path, recon_write_charges(db, m, last, invoice, f, &lines, err), err);
        if (rc < 0)
            return -1;
        (*nfiles)++;
        if (log)
            fprintf(log, "%s (%ld lines)\n", path, lines);
    }
    return 0;
}
