/*
 * cli/cmd_recon.c — `cspd recon ...`: reconcile Microsoft's invoice files with cspd's charges
 * from a shell (docs/recon.md). The same service functions serve /v1/recon (svc/recon_svc.h).
 *
 *   cspd recon import FILE [--from DATE --to DATE]   import + match (also `cspd import recon`)
 *   cspd recon list                                   imports, newest first
 *   cspd recon show ID                                summary and totals
 *   cspd recon lines ID [--status S] [--limit N]      lines, tab-separated
 *   cspd recon export ID [--out FILE]                 the differences as CSV
 *   cspd recon resolve ID SEQ accept|explain|follow-up [--note TEXT]
 *   cspd recon write --from DATE --to DATE [--invoice N] [--out FILE]
 *   cspd recon map MICROSOFT_SUBSCRIPTION_ID SUBSCRIPTION_ID
 * Every action takes --db PATH. Progress of a long import goes to stderr, only on a terminal.
 * Exit status: 0 done (an import of a file already imported is done: nothing new), 1 the
 * operation failed (an import stores nothing then), 2 usage error.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/id.h"
#include "domain/recon/recon.h"
#include "svc/recon_svc.h"

/* A positive decimal count (no sign, no spaces, at most 18 digits): -1 when not one. */
static long long parse_count(const char *s)
{
    long long v = 0;
    size_t n = strlen(s);

    if (n == 0 || n > 18)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

struct opts {
    const char *db, *from, *to, *status, *out, *note, *invoice, *format;
    long limit;
};

static void show_progress(void *ctx, const char *phase, long lines)
{
    (void)ctx;
    fprintf(stderr, "\rcspd recon: %s %ld lines ...", phase, lines);
    fflush(stderr);
}

static int open_db(const char *flag, struct db **db)
{
    struct err err;

    err_clear(&err);
    if (id_init(&err) || db_open(cli_db_path(flag), db, &err)) {
        cli_report("recon", &err);
        return -1;
    }
    if (db_migrate(*db, &err)) {
        db_close(*db);
        cli_report("recon", &err);
        return -1;
    }
    return 0;
}

static int parse_date(const char *what, const char *s, struct date *out)
{
    struct err err;

    if (date_parse_cstr(s, out, &err)) {
        fprintf(stderr, "cspd recon: %s '%s' is not YYYY-MM-DD\n", what, s);
        return -1;
    }
    return 0;
}

static void print_summary(const struct recon_import_row *r)
{
    char sub[DEC_STRLEN], tax[DEC_STRLEN], tot[DEC_STRLEN];

    dec_format(r->sum_subtotal, sub);
    dec_format(r->sum_tax, tax);
    dec_format(r->sum_total, tot);
    printf("import %s: %s file %s, invoice %s, %lld lines, %s\n", r->id, r->kind,
           r->source[0] ? r->source : "-", r->invoice_number[0] ? r->invoice_number : "-",
           (long long)r->line_count, r->currency);
    printf("  file totals: subtotal %s + tax %s = total %s (%s", sub, tax, tot,
           r->total_ok ? "consistent" : "INCONSISTENT");
    if (r->bad_total_lines)
        printf(", %lld lines with Total != Subtotal + TaxTotal", (long long)r->bad_total_lines);
    printf(")\n");
    if (strcmp(r->kind, "invoice") == 0)
        printf("  period %s..%s: %lld matched, %lld amount differs, %lld only in Microsoft, "
               "%lld only in cspd\n", r->period_start, r->period_end, (long long)r->matched,
               (long long)r->amount_differs, (long long)r->only_microsoft,
               (long long)r->only_cspd);
    if (r->supersedes[0])
        printf("  supersedes %s\n", r->supersedes);
}

static int do_import(const char *path, const struct opts *o)
{
    struct recon_import_opts io = {.source = path};
    struct recon_import_result res;
    struct recon_ctx ctx = {NULL, "cli", NULL};
    struct err err;
    instant_t now;
    FILE *f;
    int rc;

    if ((o->from && !o->to) || (!o->from && o->to)) {
        fprintf(stderr, "cspd recon import: give both --from and --to, or neither\n");
        return 2;
    }
    if (o->from && (parse_date("--from", o->from, &io.period_start) ||
                    parse_date("--to", o->to, &io.period_end)))
        return 2;
    io.has_period = o->from != NULL;
    f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cspd recon import: cannot open %s\n", path);
        return 1;
    }
    if (isatty(STDERR_FILENO))
        io.progress = show_progress;
    if (open_db(o->db, &ctx.db)) {
        if (f != stdin)
            fclose(f);
        return 1;
    }
    err_clear(&err);
    rc = cli_now(NULL, &now, &err) < 0 ? -1 : recon_import(&ctx, f, &io, now, &res, &err);
    if (io.progress)
        fputc('\n', stderr);
    if (f != stdin)
        fclose(f);
    db_close(ctx.db);
    if (rc) {
        fprintf(stderr, "cspd recon import: %s: %s; nothing was stored\n", path, err.msg);
        return 1;
    }
    if (res.duplicate) {
        printf("%s: already imported as %s (%s); nothing new\n", path, res.id,
               res.duplicate_reason);
        return 0;
    }
    print_summary(&res.row);
    if (strcmp(res.row.kind, "usage") == 0)
        printf("  usage to rate: %lld billed lines; %lld of no cspd customer; %lld earlier "
               "unrated lines replaced; %lld held (invoice already rated)\n",
               (long long)res.usage_charges, (long long)res.usage_unmapped,
               (long long)res.usage_replaced, (long long)res.usage_held);
    return 0;
}

static int print_import(void *ctx, const struct recon_import_row *r)
{
    char when[INSTANT_STRLEN];

    (void)ctx;
    instant_format(r->created_at, when);
    printf("%s\t%s\t%s\t%s\t%lld lines\t%lld differences\n", r->id, when, r->kind,
           r->invoice_number[0] ? r->invoice_number : "-", (long long)r->line_count,
           (long long)(r->amount_differs + r->only_microsoft + r->only_cspd));
    return 0;
}

static int print_total(void *ctx, const struct recon_total *t)
{
    char a[DEC_STRLEN], b[DEC_STRLEN], c[DEC_STRLEN];

    dec_format(t->microsoft, a);
    dec_format(t->cspd, b);
    dec_format(t->difference, c);
    printf("    %-38s %-24.24s microsoft %s  cspd %s  difference %s  (%ld open)\n",
           t->key[0] ? t->key : (const char *)ctx, t->name, a, b, c, t->open);
    return 0;
}

static int do_show(struct db *db, const char *id)
{
    struct recon_import_row r;
    struct err err;
    int rc = repo_recon_import_get(db, id, &r, &err);

    if (rc <= 0) {
        if (rc == 0)
            err_set(&err, ERR_NOT_FOUND, "id", "no import %s", id);
        cli_report("recon", &err);
        return 1;
    }
    print_summary(&r);
    printf("  per invoice:\n");
    if (recon_totals(db, id, "invoice", print_total, "(none)", &err))
        goto fail;
    printf("  per reseller:\n");
    if (recon_totals(db, id, "reseller", print_total, "(direct)", &err))
        goto fail;
    printf("  per customer:\n");
    if (recon_totals(db, id, "customer", print_total, "(none)", &err))
        goto fail;
    return 0;
fail:
    cli_report("recon", &err);
    return 1;
}

static int print_line(void *ctx, const struct recon_line_row *l)
{
    (void)ctx;
    printf("%lld\t%lld\t%s\t%s\t%s\t%s\t%s..%s\t%s\t%s\t%s\t%s\t%s\t%s\n", (long long)l->seq,
           (long long)l->line_no, l->status, l->cause[0] ? l->cause : "-",
           l->subscription_id[0] ? l->subscription_id : l->ms_subscription, l->charge_type,
           l->start_date, l->end_date, l->quantity, l->ms_subtotal[0] ? l->ms_subtotal : "-",
           l->cspd_subtotal[0] ? l->cspd_subtotal : "-", l->difference[0] ? l->difference : "-",
           l->resolution[0] ? l->resolution : "-", l->detail);
    return 0;
}

static int do_resolve(const struct opts *o, char **args, int nargs)
{
    struct recon_ctx ctx = {NULL, "cli", NULL};
    enum recon_resolution how;
    struct recon_line_row l;
    struct err err;
    instant_t now;
    long long seq;
    int rc;

    if (nargs != 3) {
        fprintf(stderr, "cspd recon resolve: give ID SEQ accept|explain|follow-up\n");
        return 2;
    }
    seq = parse_count(args[1]);
    if (seq <= 0 || recon_resolution_parse(args[2], &how)) {
        fprintf(stderr, "cspd recon resolve: SEQ must be a line number and the action one "
                "of accept, explain, follow-up\n");
        return 2;
    }
    if (open_db(o->db, &ctx.db))
        return 1;
    err_clear(&err);
    rc = cli_now(NULL, &now, &err) < 0
             ? -1 : recon_resolve(&ctx, args[0], seq, how, o->note, now, &l, &err);
    db_close(ctx.db);
    if (rc) {
        cli_report("recon", &err);
        return 1;
    }
    printf("line %lld of %s: %s\n", seq, args[0], l.resolution);
    return 0;
}

static int do_write(struct db *db, const struct opts *o)
{
    struct date from, to;
    struct err err;
    FILE *out = stdout;
    long lines = 0;
    int rc;

    if (!o->from || !o->to) {
        fprintf(stderr, "cspd recon write: --from and --to are required\n");
        return 2;
    }
    if (parse_date("--from", o->from, &from) || parse_date("--to", o->to, &to))
        return 2;
    if (o->out && !(out = fopen(o->out, "wb"))) {
        fprintf(stderr, "cspd recon write: cannot create %s\n", o->out);
        return 1;
    }
    err_clear(&err);
    rc = recon_write_charges(db, from, to, o->invoice, out, &lines, &err);
    if (out != stdout && fclose(out) != 0 && rc == 0)
        rc = err_set(&err, ERR_IO, "", "cannot write %s", o->out);
    if (rc) {
        cli_report("recon", &err);
        return 1;
    }
    if (o->out)
        fprintf(stderr, "cspd recon write: %ld lines to %s\n", lines, o->out);
    return 0;
}

static int do_export(struct db *db, const char *id, const struct opts *o)
{
    struct recon_import_row r;
    struct err err;
    FILE *out = stdout;
    long lines = 0;
    int rc;

    err_clear(&err);
    rc = repo_recon_import_get(db, id, &r, &err);
    if (rc <= 0) {
        if (rc == 0)
            err_set(&err, ERR_NOT_FOUND, "id", "no import %s", id);
        cli_report("recon", &err);
        return 1;
    }
    if (o->format && strcmp(o->format, "csv") != 0) {
        if (strcmp(o->format, "xlsx") != 0 || !o->out) {
            fprintf(stderr, "cspd recon export: --format is csv or xlsx; xlsx needs --out FILE\n");
            return 2;
        }
        rc = recon_export_differences_xlsx(db, id, o->out, &lines, &err);
        if (rc) {
            cli_report("recon", &err);
            return 1;
        }
        fprintf(stderr, "cspd recon export: %ld differences to %s\n", lines, o->out);
        return 0;
    }
    if (o->out && !(out = fopen(o->out, "wb"))) {
        fprintf(stderr, "cspd recon export: cannot create %s\n", o->out);
        return 1;
    }
    rc = recon_export_differences(db, id, out, &lines, &err);
    if (out != stdout && fclose(out) != 0 && rc == 0)
        rc = err_set(&err, ERR_IO, "", "cannot write %s", o->out);
    if (rc) {
        cli_report("recon", &err);
        return 1;
    }
    if (o->out)
        fprintf(stderr, "cspd recon export: %ld differences to %s\n", lines, o->out);
    return 0;
}

/* The actions that only read or write with the database open. */
static int run_db_action(const char *action, char **args, int nargs, const struct opts *o)
{
    struct recon_ctx ctx = {NULL, "cli", NULL};
    struct err err;
    instant_t now;
    int rc = 0;

    if (open_db(o->db, &ctx.db))
        return 1;
    err_clear(&err);
    if (strcmp(action, "list") == 0 && nargs == 0) {
        if (repo_recon_import_each(ctx.db, 100, print_import, NULL, &err))
            rc = -1;
    } else if (strcmp(action, "show") == 0 && nargs == 1) {
        rc = do_show(ctx.db, args[0]);
    } else if (strcmp(action, "lines") == 0 && nargs == 1) {
        enum recon_status s;

        if (o->status && recon_status_parse(o->status, &s)) {
            fprintf(stderr, "cspd recon lines: unknown --status '%s'\n", o->status);
            rc = 2;
        } else if (repo_recon_line_each(ctx.db, args[0], o->status, false, o->limit, 0,
                                        print_line, NULL, &err)) {
            rc = -1;
        }
    } else if (strcmp(action, "export") == 0 && nargs == 1) {
        rc = do_export(ctx.db, args[0], o);
    } else if (strcmp(action, "write") == 0 && nargs == 0) {
        rc = do_write(ctx.db, o);
    } else if (strcmp(action, "map") == 0 && nargs == 2) {
        if (cli_now(NULL, &now, &err) < 0 ||
            recon_map_subscription(&ctx, args[0], args[1], now, &err))
            rc = -1;
        else
            printf("Microsoft subscription %s -> %s\n", args[0], args[1]);
    } else {
        fprintf(stderr, "cspd recon: wrong arguments for '%s'; see 'cspd recon --help'\n",
                action);
        rc = 2;
    }
    db_close(ctx.db);
    if (rc < 0) {
        cli_report("recon", &err);
        return 1;
    }
    return rc;
}

int cmd_recon(int argc, char **argv)
{
    static const struct option lopts[] = {
        {"db", required_argument, NULL, 'd'},     {"from", required_argument, NULL, 'f'},
        {"to", required_argument, NULL, 't'},     {"status", required_argument, NULL, 's'},
        {"out", required_argument, NULL, 'o'},    {"note", required_argument, NULL, 'n'},
        {"invoice", required_argument, NULL, 'i'}, {"limit", required_argument, NULL, 'l'},
        {"format", required_argument, NULL, 'F'},
        {NULL, 0, NULL, 0},
    };
    struct opts o = {0};
    const char *action;
    int c;

    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":", lopts, NULL)) != -1) {
        switch (c) {
        case 'd': o.db = optarg; break;
        case 'f': o.from = optarg; break;
        case 't': o.to = optarg; break;
        case 's': o.status = optarg; break;
        case 'o': o.out = optarg; break;
        case 'n': o.note = optarg; break;
        case 'i': o.invoice = optarg; break;
        case 'F': o.format = optarg; break;
        case 'l':
            o.limit = (long)parse_count(optarg);
            if (o.limit < 0) {
                fprintf(stderr, "cspd recon: --limit must be a number\n");
                return 2;
            }
            break;
        case ':':
            fprintf(stderr, "cspd recon: option '%s' needs a value\n", argv[optind - 1]);
            return 2;
        default:
            fprintf(stderr, "cspd recon: unknown option '%s'; see 'cspd recon --help'\n",
                    argv[optind - 1]);
            return 2;
        }
    }
    if (optind >= argc) {
        cli_usage("recon", stderr);
        return 2;
    }
    action = argv[optind++];
    if (strcmp(action, "import") == 0) {
        if (optind + 1 != argc) {
            fprintf(stderr, "cspd recon import: give exactly one FILE\n");
            return 2;
        }
        return do_import(argv[optind], &o);
    }
    if (strcmp(action, "resolve") == 0)
        return do_resolve(&o, argv + optind, argc - optind);
    return run_db_action(action, argv + optind, argc - optind, &o);
}

int cmd_recon_import(int argc, char **argv)
{
    /* `cspd import recon FILE ...` arrives here as argv = {"recon", FILE, ...}. */
    char *args[64];
    int n = 0;

    if (argc + 2 > (int)(sizeof(args) / sizeof(args[0]))) {
        fprintf(stderr, "cspd import recon: too many arguments\n");
        return 2;
    }
    args[n++] = "recon";
    args[n++] = "import";
    for (int i = 1; i < argc; i++)
        args[n++] = argv[i];
    args[n] = NULL;
    return cmd_recon(n, args);
}
