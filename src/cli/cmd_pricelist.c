/*
 * cli/cmd_pricelist.c — `cspd pricelist diff`: what changed between two price lists.
 *
 *   cspd pricelist diff A.csv B.csv [--format text|csv|xlsx] [--out FILE]
 *   cspd pricelist diff [--db PATH] --from YYYY-MM-DD --to YYYY-MM-DD [--format ...]
 *
 * The first compares two of Microsoft's price list files (nothing is stored); the second what
 * the store holds in effect on two days (after `cspd import pricelist`). svc/pricelist_diff.c
 * does the work; this file parses flags and picks the output. Text is for people, CSV (one
 * row per change, docs/catalog.md) for scripts, XLSX (svc/pricelist_xlsx.c) for spreadsheets;
 * an XLSX workbook is written to --out only.
 * Exit status: 0 done (whether or not anything changed), 1 failure, 2 usage error.
 */
#include <getopt.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "svc/pricelist.h"

struct diff_args {
    const char *file_a, *file_b;
    const char *db_flag;
    const char *from, *to;
    const char *out;            /* --out FILE, or NULL for stdout */
    enum { FMT_TEXT, FMT_CSV, FMT_XLSX } format;
};

static int load_sides(const struct diff_args *a, struct pricelist_set *sa,
                      struct pricelist_set *sb, struct err *err)
{
    struct date from, to;
    const char *url, *file;
    struct stat st;
    struct db *db;
    int rc;

    if (a->file_a)
        return pricelist_set_load_file(sa, a->file_a, err) ||
               pricelist_set_load_file(sb, a->file_b, err) ? -1 : 0;
    if (date_parse_cstr(a->from, &from, err) || date_parse_cstr(a->to, &to, err))
        return -1;
    url = cli_db_path(a->db_flag);
    file = db_url_path(url);
    if (file && stat(file, &st) != 0)
        return err_set(err, ERR_NOT_FOUND, "db", "no database at %s", file);
    if (db_open(url, &db, err))
        return -1;
    rc = db_migrate(db, err) || pricelist_set_load_db(sa, db, from, err) ||
                 pricelist_set_load_db(sb, db, to, err) ? -1 : 0;
    db_close(db);
    return rc;
}

static int run_diff(const struct diff_args *a)
{
    struct pricelist_set sa, sb;
    struct pricelist_diff d;
    struct err err;
    int rc = 1;

    err_clear(&err);
    pricelist_set_init(&sa);
    pricelist_set_init(&sb);
    memset(&d, 0, sizeof(d));
    if (load_sides(a, &sa, &sb, &err) || pricelist_diff_compute(&sa, &sb, &d, &err))
        goto out;
    if (a->format == FMT_XLSX) {
        if (pricelist_diff_write_xlsx(&d, a->out, &err))
            goto out;
    } else {
        FILE *o = a->out ? fopen(a->out, "wb") : stdout;

        if (!o) {
            err_set(&err, ERR_IO, "out", "cannot create %s", a->out);
            goto out;
        }
        rc = a->format == FMT_CSV
                 ? pricelist_diff_write_csv(&d, o, &err)
                 : pricelist_diff_write_text(&d, a->file_a ? a->file_a : a->from,
                                             a->file_b ? a->file_b : a->to, o, &err);
        if (a->out && fclose(o) != 0 && rc == 0)
            rc = err_set(&err, ERR_IO, "out", "cannot write %s", a->out);
        if (rc) {
            rc = 1;
            goto out;
        }
    }
    rc = 0;
out:
    if (rc)
        cli_report("pricelist", &err);
    pricelist_diff_release(&d);
    pricelist_set_release(&sa);
    pricelist_set_release(&sb);
    return rc;
}

int cmd_pricelist(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},
        {"from", required_argument, NULL, 'f'},
        {"to", required_argument, NULL, 't'},
        {"format", required_argument, NULL, 'F'},
        {"out", required_argument, NULL, 'o'},
        {NULL, 0, NULL, 0},
    };
    struct diff_args a = {0};
    int c, nfiles;

    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            a.db_flag = optarg;
            break;
        case 'f':
            a.from = optarg;
            break;
        case 't':
            a.to = optarg;
            break;
        case 'F':
            if (strcmp(optarg, "csv") == 0) {
                a.format = FMT_CSV;
            } else if (strcmp(optarg, "xlsx") == 0) {
                a.format = FMT_XLSX;
            } else if (strcmp(optarg, "text") == 0) {
                a.format = FMT_TEXT;
            } else {
                fprintf(stderr, "cspd pricelist: --format is text, csv or xlsx, not '%s'\n",
                        optarg);
                return 2;
            }
            break;
        case 'o':
            a.out = optarg;
            break;
        case ':':
            fprintf(stderr, "cspd pricelist: option '%s' needs a value\n", argv[optind - 1]);
            return 2;
        default:
            fprintf(stderr, "cspd pricelist: unknown option '%s'; see 'cspd pricelist --help'\n",
                    argv[optind - 1]);
            return 2;
        }
    }
    if (optind >= argc || strcmp(argv[optind], "diff") != 0) {
        cli_usage("pricelist", stderr);
        return 2;
    }
    nfiles = argc - optind - 1;
    if (nfiles == 2 && !a.db_flag && !a.from && !a.to) {
        a.file_a = argv[optind + 1];
        a.file_b = argv[optind + 2];
    } else if (nfiles != 0 || !a.from || !a.to) {
        fprintf(stderr, "cspd pricelist diff: give two files, or --from and --to (with "
                        "--db)\n");
        return 2;
    }
    if (a.format == FMT_XLSX && !a.out) {
        fprintf(stderr, "cspd pricelist diff: --format xlsx needs --out FILE\n");
        return 2;
    }
    if (!a.file_a) {
        struct date d;
        struct err err;

        err_clear(&err);
        if (date_parse_cstr(a.from, &d, &err) || date_parse_cstr(a.to, &d, &err)) {
            fprintf(stderr, "cspd pricelist diff: --from and --to are YYYY-MM-DD (%s)\n",
                    err.msg);
            return 2;
        }
    }
    return run_diff(&a);
}
