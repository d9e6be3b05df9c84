/*
 * cli/cmd_day.c — `cspd day [--date YYYY-MM-DD] [--close] [--db PATH]`: run the daily cycle on
 * the real database (nce-rules.md Part A 1: 00:00 UTC) up to and including DATE (default:
 * today, UTC).
 *
 * Thin: svc/day.c (day_run) does the work — every cycle charge, renewal, EST month and expiry
 * due on or before DATE, missed days included — and this file resolves the database, reads the
 * flag and prints one summary line. Running it twice for the same day changes nothing the second
 * time. The database must exist and be migrated (`cspd db migrate`); it is never created here.
 * With --close, the billing close step follows (svc/invoice_svc.h invoice_close_due): every
 * issuer whose close day has come closes its period due (the previous month on calendar
 * months; docs/billing.md "The daily-cycle step"). Exit status: 0 done, 1 the run failed,
 * 2 usage error.
 */
#include <getopt.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "core/id.h"
#include "store/db.h"
#include "svc/invoice_svc.h"
#include "svc/sub_svc.h"

int cmd_day(int argc, char **argv)
{
    static const struct option opts[] = {
        {"date", required_argument, NULL, 'd'},
        {"db", required_argument, NULL, 'b'},
        {"close", no_argument, NULL, 'c'}, /* billing: invoice_close_due after the day */
        {NULL, 0, NULL, 0},
    };
    const char *date_arg = NULL, *db_arg = NULL, *url;
    struct svc_ctx ctx = {.actor = "system:day"};
    struct day_stats st;
    struct date day;
    struct err err;
    struct db *db = NULL;
    struct stat sb;
    char d[DATE_STRLEN];
    int c, version;
    bool close_step = false;

    err_clear(&err);
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'd')
            date_arg = optarg;
        else if (c == 'b')
            db_arg = optarg;
        else if (c == 'c')
            close_step = true;
        else {
            cli_usage("day", stderr);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "cspd day: unexpected argument '%s'\n", argv[optind]);
        cli_usage("day", stderr);
        return 2;
    }
    if (date_arg) {
        if (date_parse_cstr(date_arg, &day, &err) < 0) {
            fprintf(stderr, "cspd day: --date %s: %s\n", date_arg, err.msg);
            return 2;
        }
    } else {
        instant_t now;

        if (cli_now(NULL, &now, &err) < 0) {
            cli_report("day", &err);
            return 2;
        }
        day = instant_date(now);
    }
    url = cli_db_path(db_arg);
    if (strcmp(url, ":memory:") != 0 && strchr(url, ':') == NULL && stat(url, &sb) != 0) {
        fprintf(stderr, "cspd day: no database at %s (run 'cspd db migrate' first)\n", url);
        return 1;
    }
    if (id_init(&err) < 0 || db_open(url, &db, &err) < 0 ||
        db_schema_version(db, &version, &err) < 0)
        goto fail;
    if (version == 0) {
        fprintf(stderr, "cspd day: database %s is not migrated (run 'cspd db migrate')\n", url);
        db_close(db);
        return 1;
    }
    /* an existing book is brought to this build's schema, as every other command does */
    if (db_migrate(db, &err) < 0)
        goto fail;
    ctx.db = db;
    if (day_run(&ctx, instant_from_date(day), &st, &err) < 0)
        goto fail;
    date_format(day, d);
    printf("day %s: %zu subscriptions, %zu events, %zu charge lines "
           "(%zu cycle charges, %zu renewals, %zu EST months, %zu expiries)\n",
           d, st.subscriptions, st.events, st.charges, st.cycles, st.renewed, st.est_months,
           st.expired);
    if (close_step) { /* docs/billing.md "The close": issuers whose close day has come */
        struct bill_ctx bc = {.db = db, .actor = "system:day"};
        struct close_stats cs;
        char period[INVOICE_PERIOD_MAX];

        if (invoice_close_due(&bc, day, instant_from_date(day), period, &cs, &err) < 0)
            goto fail;
        printf("close %s: %zu issuers due (%zu already closed), %zu invoices\n", period,
               cs.issuers, cs.already_closed, cs.invoices);
    }
    db_close(db);
    return 0;
fail:
    cli_report("day", &err);
    db_close(db);
    return 1;
}
