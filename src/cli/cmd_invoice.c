/*
 * cli/cmd_invoice.c — `cspd invoice ...`: close a billing period, list, show and export
 * invoices, mark them paid or void, issue credit notes (docs/billing.md).
 *
 *   cspd invoice close PERIOD [--draft] [--at INSTANT] [--db PATH]
 *   cspd invoice list [--period PERIOD] [--db PATH]
 *   cspd invoice show ID|NUMBER [--format json|csv|pdf] [--out FILE] [--db PATH]
 *   cspd invoice pay|void|credit ID [--at INSTANT] [--db PATH]
 *   cspd invoice export PERIOD --format csv|xlsx|gl [--table T] [--out FILE] [--db PATH]
 *   cspd invoice settings PARTNER [--period-day D] [--close-day D] [--at INSTANT] [--db PATH]
 *
 * Thin: svc/invoice_svc.h does the work; this file parses flags, opens the database (which
 * must exist and be migrated) with the installation's scope, and prints. --at fixes "now"
 * (demos, tests); the default is the real clock. Exit: 0 done, 1 failed, 2 usage error.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "core/id.h"
#include "io/export_invoice.h"
#include "store/db.h"
#include "store/repo_invoice.h"
#include "svc/invoice_report.h"
#include "svc/invoice_svc.h"

struct inv_opts {
    const char *db, *at, *period, *format, *out, *table, *period_day, *close_day;
    bool draft;
};

/* --period-day / --close-day: a whole number 1..28 (absent: 0, keep). ERR_INVALID naming it. */
static int day_arg(const char *field, const char *s, int *out, struct err *err)
{
    char *end;
    long v;

    *out = 0;
    if (!s)
        return 0;
    v = strtol(s, &end, 10);
    if (end == s || *end || v < 1 || v > 28)
        return err_set(err, ERR_INVALID, field, "%s is a day of the month 1..28, not '%.16s'",
                       field, s);
    *out = (int)v;
    return 0;
}

/* `invoice settings PARTNER [--period-day D] [--close-day D]`: set (if given), then print. */
static int settings(const struct bill_ctx *ctx, const char *partner, const struct inv_opts *o,
                    instant_t now, struct err *err)
{
    struct billing_days d;
    int period_day, close_day;

    if (day_arg("period_day", o->period_day, &period_day, err) < 0 ||
        day_arg("close_day", o->close_day, &close_day, err) < 0)
        return -1;
    if ((period_day || close_day
             ? invoice_days_set(ctx, partner, period_day, close_day, now, &d, err)
             : invoice_days_get(ctx, partner, &d, err)) < 0)
        return -1;
    printf("%s period_day=%d close_day=%d\n", partner, d.period_day, d.close_day);
    return 0;
}

/* `invoice export PERIOD --format csv|xlsx|gl [--table T] [--out FILE]` */
static int export_period(struct db *db, const char *period, const struct inv_opts *o,
                         struct err *err)
{
    const struct scope all = {.kind = SCOPE_INSTALLATION, .role = ROLE_OPERATOR};
    enum period_export_format f;

    if (invoice_period_export_format(o->format, o->table, &f, err) < 0)
        return -1;
    return invoice_period_export(db, &all, period, f, o->out, stdout, err);
}

int cli_bill_open(const char *db_arg, struct db **db, struct err *err)
{
    const char *url = cli_db_path(db_arg);
    struct stat sb;
    int version;

    if (strcmp(url, ":memory:") != 0 && strchr(url, ':') == NULL && stat(url, &sb) != 0)
        return err_set(err, ERR_NOT_FOUND, "db", "no database at %s (run 'cspd db migrate')",
                       url);
    if (id_init(err) < 0 || db_open(url, db, err) < 0)
        return -1;
    if (db_schema_version(*db, &version, err) < 0 || version == 0) {
        db_close(*db);
        *db = NULL;
        return err->code ? -1
                         : err_set(err, ERR_INVALID, "db", "database %s is not migrated", url);
    }
    /* an existing book is brought to this build's schema, as every other command does */
    if (db_migrate(*db, err) < 0) {
        db_close(*db);
        *db = NULL;
        return -1;
    }
    return 0;
}

static int print_row(void *ctx, const struct invoice *inv)
{
    char t[DEC_STRLEN];

    (void)ctx;
    dec_format_fixed(inv->total, 2, DEC_ROUND_HALF_UP, t);
    printf("%-30s %-16s %-7s %-10s %-11s %-30s %12s %s\n", inv->id,
           inv->number[0] ? inv->number : "-", inv->period,
           invoice_status_name(inv->status), invoice_kind_name(inv->kind),
           inv->customer_id[0] ? inv->customer_id : inv->reseller_id, t, inv->currency);
    return 0;
}

static int write_out(const char *path, const char *buf, size_t len, struct err *err)
{
    FILE *f = path ? fopen(path, "wb") : stdout;

    if (!f)
        return err_set(err, ERR_IO, "out", "cannot write %s", path);
    if (fwrite(buf, 1, len, f) != len) {
        if (path)
            fclose(f);
        return err_set(err, ERR_IO, "out", "short write to %s", path ? path : "stdout");
    }
    if (path && fclose(f) != 0)
        return err_set(err, ERR_IO, "out", "cannot write %s", path);
    return 0;
}

static int show(struct db *db, const char *id, const struct inv_opts *o, struct err *err)
{
    const struct scope all = {.kind = SCOPE_INSTALLATION, .role = ROLE_OPERATOR};
    const char *fmt = o->format ? o->format : "json";
    struct invoice inv;
    char *buf = NULL;
    size_t len = 0;
    int rc = -1;

    if (repo_invoice_get(db, &all, id, &inv, err) < 0)
        return -1;
    if (strcmp(fmt, "pdf") == 0) {
        rc = export_invoice_pdf(&inv, &buf, &len, err);
    } else if (strcmp(fmt, "csv") == 0) {
        rc = export_invoice_csv(&inv, &buf, &len, err);
    } else if (strcmp(fmt, "json") == 0) {
        json_t *j = export_invoice_json(&inv, true);

        buf = j ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
        json_decref(j);
        rc = buf ? 0 : err_set(err, ERR_NOMEM, "", "out of memory for JSON");
        len = buf ? strlen(buf) : 0;
    } else {
        rc = err_set(err, ERR_INVALID, "format", "unknown format '%s' (json, csv, pdf)", fmt);
    }
    if (rc == 0)
        rc = write_out(o->out, buf, len, err);
    if (rc == 0 && !o->out && strcmp(fmt, "json") == 0)
        putchar('\n');
    free(buf);
    invoice_release(&inv);
    return rc;
}

int cmd_invoice(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'b'},   {"at", required_argument, NULL, 'a'},
        {"period", required_argument, NULL, 'p'}, {"format", required_argument, NULL, 'f'},
        {"out", required_argument, NULL, 'o'},  {"draft", no_argument, NULL, 'd'},
        {"table", required_argument, NULL, 't'}, {"period-day", required_argument, NULL, 'P'},
        {"close-day", required_argument, NULL, 'C'}, {NULL, 0, NULL, 0},
    };
    const struct scope all = {.kind = SCOPE_INSTALLATION, .role = ROLE_OPERATOR};
    struct inv_opts o = {0};
    struct bill_ctx ctx = {.actor = "cli"};
    const char *sub, *arg = NULL;
    struct db *db = NULL;
    struct err err;
    instant_t now;
    int c, rc = -1;

    err_clear(&err);
    if (argc < 2) {
        cli_usage("invoice", stderr);
        return 2;
    }
    sub = argv[1];
    optind = 2;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'b': o.db = optarg; break;
        case 'a': o.at = optarg; break;
        case 'p': o.period = optarg; break;
        case 'f': o.format = optarg; break;
        case 'o': o.out = optarg; break;
        case 'd': o.draft = true; break;
        case 't': o.table = optarg; break;
        case 'P': o.period_day = optarg; break;
        case 'C': o.close_day = optarg; break;
        default: cli_usage("invoice", stderr); return 2;
        }
    }
    if (optind < argc)
        arg = argv[optind++];
    if (optind < argc || (strcmp(sub, "list") != 0 && !arg) ||
        (strcmp(sub, "list") == 0 && arg)) {
        cli_usage("invoice", stderr);
        return 2;
    }
    if (cli_now(o.at, &now, &err) < 0) {
        fprintf(stderr, "cspd invoice: --at: %s\n", err.msg);
        return 2;
    }
    if (cli_bill_open(o.db, &db, &err) < 0)
        goto out;
    ctx.db = db;
    if (strcmp(sub, "close") == 0) {
        struct close_stats st;

        if ((rc = invoice_close(&ctx, arg, o.draft, now, &st, &err)) == 0)
            printf("period %s: %zu issuers (%zu already closed), %zu lines rated, %zu %s, "
                   "%zu adjustments, %zu alerts (%zu Azure usage lines rated)\n", arg,
                   st.issuers, st.already_closed, st.rated, st.invoices,
                   o.draft ? "draft invoices" : "invoices finalized", st.adjustments,
                   st.alerts, st.usage_rated);
        if (rc == 0 && st.not_started)
            printf("period %s: %zu issuers left out (their period starts after the close "
                   "date)\n", arg, st.not_started);
    } else if (strcmp(sub, "list") == 0) {
        struct invoice_filter f = {.period = o.period};

        rc = repo_invoice_each(db, &all, &f, print_row, NULL, &err);
    } else if (strcmp(sub, "show") == 0) {
        rc = show(db, arg, &o, &err);
    } else if (strcmp(sub, "export") == 0) {
        rc = export_period(db, arg, &o, &err);
    } else if (strcmp(sub, "settings") == 0) {
        rc = settings(&ctx, arg, &o, now, &err);
    } else if (strcmp(sub, "pay") == 0) {
        rc = invoice_mark_paid(&ctx, &all, arg, now, &err);
    } else if (strcmp(sub, "void") == 0) {
        rc = invoice_void(&ctx, &all, arg, now, &err);
    } else if (strcmp(sub, "credit") == 0) {
        char id[ID_MAXLEN];

        if ((rc = invoice_credit(&ctx, &all, arg, now, id, &err)) == 0)
            printf("%s\n", id);
    } else {
        fprintf(stderr, "cspd invoice: unknown subcommand '%s'\n", sub);
        cli_usage("invoice", stderr);
        db_close(db);
        return 2;
    }
out:
    if (rc < 0)
        cli_report("invoice", &err);
    if (db)
        db_close(db);
    return rc < 0 ? 1 : 0;
}
