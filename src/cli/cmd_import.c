/*
 * cli/cmd_import.c — `cspd import pricelist FILE [--db PATH] [--month YYYY-MM]`: load one of
 * Microsoft's NCE license-based price lists into the store (docs/catalog.md).
 *
 * Thin: svc/pricelist_import.c does the work (streaming read, validation, one transaction,
 * idempotency by content hash); this file parses flags, opens and migrates the database,
 * shows progress on a terminal and prints the outcome. Progress lines ("… 200000 rows") go to
 * stderr every 100,000 rows, only when stderr is a terminal, so logs and pipes stay clean.
 * Exit status: 0 imported or already imported, 1 the import failed (nothing stored), 2 usage.
 * `cspd import recon FILE ...` is handed to cli/cmd_recon.c (cmd_recon_import) untouched.
 */
#include <getopt.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "svc/pricelist.h"

/* "YYYY-MM" with a month 01..12. */
static bool valid_month(const char *s)
{
    if (strlen(s) != 7 || s[4] != '-')
        return false;
    for (int i = 0; i < 7; i++)
        if (i != 4 && (s[i] < '0' || s[i] > '9'))
            return false;
    return (s[5] == '0' && s[6] >= '1') || (s[5] == '1' && s[6] <= '2');
}

static void show_progress(void *ctx, long rows, long line)
{
    (void)ctx;
    fprintf(stderr, "\rcspd import: %ld rows (line %ld) ...", rows, line);
    fflush(stderr);
}

static void print_result(const char *path, const struct pricelist_import_result *res)
{
    const struct pricelist_import_info *i = &res->info;
    char when[INSTANT_STRLEN];

    instant_format(i->imported_at, when);
    if (res->already) {
        printf("%s was already imported (import #%lld on %s, %ld rows); nothing changed\n",
               path, (long long)i->id, when, i->row_count);
        return;
    }
    printf("imported %s: %ld price rows (%ld new, %ld updated, %ld unchanged)", path,
           i->row_count, i->inserted, i->updated, i->unchanged);
    if (i->skipped)
        printf(", %ld trial %s skipped", i->skipped, i->skipped == 1 ? "row" : "rows");
    printf("; import #%lld%s%s\n", (long long)i->id, i->month[0] ? " for " : "", i->month);
}

static int import_pricelist(const char *path, const char *db_url, const char *month)
{
    struct pricelist_import_opts o = {
        .path = path,
        .month = month,
    };
    struct pricelist_import_result res;
    struct db *db;
    struct err err;
    int rc;

    err_clear(&err);
    if (cli_now(NULL, &o.now, &err) < 0) {
        cli_report("import", &err);
        return 1;
    }
    if (isatty(STDERR_FILENO)) {
        o.progress = show_progress;
        o.progress_every = PRICELIST_PROGRESS_EVERY;
    }
    if (db_open(db_url, &db, &err)) {
        cli_report("import", &err);
        return 1;
    }
    if (db_migrate(db, &err)) {
        db_close(db);
        cli_report("import", &err);
        return 1;
    }
    rc = pricelist_import(db, &o, &res, &err);
    db_close(db);
    if (o.progress && rc == 0 && res.info.row_count >= PRICELIST_PROGRESS_EVERY)
        fputc('\n', stderr);
    if (rc) {
        if (o.progress)
            fputc('\n', stderr);
        fprintf(stderr, "cspd import: %s: %s; nothing was stored\n", path, err.msg);
        return 1;
    }
    print_result(path, &res);
    return 0;
}

int cmd_import(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},
        {"month", required_argument, NULL, 'm'},
        {NULL, 0, NULL, 0},
    };
    const char *db_flag = NULL, *month = NULL;
    int c;

    if (argc > 1 && strcmp(argv[1], "recon") == 0) /* Microsoft's recon files: cmd_recon.c */
        return cmd_recon_import(argc - 1, argv + 1);
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            db_flag = optarg;
            break;
        case 'm':
            month = optarg;
            break;
        case ':':
            fprintf(stderr, "cspd import: option '%s' needs a value\n", argv[optind - 1]);
            return 2;
        default:
            fprintf(stderr, "cspd import: unknown option '%s'; see 'cspd import --help'\n",
                    argv[optind - 1]);
            return 2;
        }
    }
    if (optind >= argc) {
        cli_usage("import", stderr);
        return 2;
    }
    if (strcmp(argv[optind], "pricelist") != 0) {
        fprintf(stderr, "cspd import: unknown kind '%s'; see 'cspd import --help'\n",
                argv[optind]);
        return 2;
    }
    if (optind + 2 != argc) {
        fprintf(stderr, "cspd import pricelist: give exactly one FILE\n");
        return 2;
    }
    if (month && !valid_month(month)) {
        fprintf(stderr, "cspd import: --month '%s' is not YYYY-MM\n", month);
        return 2;
    }
    return import_pricelist(argv[optind + 1], cli_db_path(db_flag), month);
}
