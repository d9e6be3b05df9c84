/*
 * cli/cmd_reports.c — `cspd reports margins|ttm`: what billing earned, from a shell
 * (docs/billing.md "Reports"). The same svc/invoice_report.h calls as
 * GET /v1/reports/margins and GET /v1/reports/ttm-revenue, with the installation's scope.
 *
 *   cspd reports margins --from DATE --to DATE [--group-by month|customer|reseller|
 *                        product_family] [--partner ID] [--json] [--db PATH]
 *   cspd reports ttm [PARTNER] [--as-of DATE] [--db PATH]
 *
 * Exit: 0 done, 1 failed, 2 usage error.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "core/currency.h"
#include "store/db.h"
#include "svc/invoice_report.h"

static void print_group(const struct margin_group *g, bool total)
{
    char r[DEC_STRLEN], c[DEC_STRLEN], m[DEC_STRLEN], p[DEC_STRLEN] = "-";
    int places = currency_minor_units(g->currency);

    /* amounts in the currency's minor unit (JPY none, EUR 2), the percentage to 2 places;
       display only: the sums themselves are exact */
    if (places < 0)
        places = 2;
    dec_format_fixed(g->revenue, places, DEC_ROUND_HALF_UP, r);
    dec_format_fixed(g->cost, places, DEC_ROUND_HALF_UP, c);
    dec_format_fixed(g->margin, places, DEC_ROUND_HALF_UP, m);
    if (g->has_pct)
        dec_format_fixed(g->margin_pct, 2, DEC_ROUND_HALF_UP, p);
    printf("%-30s %-24.24s %-3s %14s %14s %14s %8s %6ld\n", total ? "TOTAL" : g->key[0] ? g->key
                                                                                  : "(direct)",
           g->name, g->currency, r, c, m, p, g->lines);
}

static int print_ttm(void *ctx, const char *id, const char *name, struct dec usd)
{
    char v[DEC_STRLEN];

    (void)ctx;
    dec_format_fixed(usd, 2, DEC_ROUND_HALF_UP, v);
    printf("%-30s %-30.30s %16s USD\n", id, name, v);
    return 0;
}

int cmd_reports(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'b'},       {"from", required_argument, NULL, 'f'},
        {"to", required_argument, NULL, 't'},       {"group-by", required_argument, NULL, 'g'},
        {"partner", required_argument, NULL, 'p'},  {"as-of", required_argument, NULL, 'a'},
        {"json", no_argument, NULL, 'j'},           {NULL, 0, NULL, 0},
    };
    const char *db_arg = NULL, *from = NULL, *to = NULL, *by = "month", *partner = NULL;
    const char *as_of = NULL, *sub;
    struct scope all;
    struct db *db = NULL;
    struct err err;
    bool json = false;
    int c, rc = -1;

    err_clear(&err);
    scope_init_installation(&all);
    if (argc < 2) {
        cli_usage("reports", stderr);
        return 2;
    }
    sub = argv[1];
    if (strcmp(sub, "margins") != 0 && strcmp(sub, "ttm") != 0) {
        fprintf(stderr, "cspd reports: unknown subcommand '%s'; see 'cspd reports --help'\n",
                sub);
        return 2;
    }
    optind = 2;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'b': db_arg = optarg; break;
        case 'f': from = optarg; break;
        case 't': to = optarg; break;
        case 'g': by = optarg; break;
        case 'p': partner = optarg; break;
        case 'a': as_of = optarg; break;
        case 'j': json = true; break;
        default: cli_usage("reports", stderr); return 2;
        }
    }
    if (strcmp(sub, "ttm") == 0 && optind < argc)
        partner = argv[optind++];
    if (optind < argc || (strcmp(sub, "margins") == 0 && (!from || !to))) {
        cli_usage("reports", stderr);
        return 2;
    }
    if (cli_bill_open(db_arg, &db, &err) < 0)
        goto out;
    if (strcmp(sub, "margins") == 0) {
        struct margin_report rep;
        enum report_group g;
        struct date f, t;

        if (margin_report_group_parse(by, &g) < 0) {
            err_set(&err, ERR_INVALID, "group-by",
                    "--group-by is month, customer, reseller or product_family");
            goto out;
        }
        if (date_parse_cstr(from, &f, &err) < 0 || date_parse_cstr(to, &t, &err) < 0 ||
            margin_report_run(db, &all, partner, f, t, g, &rep, &err) < 0)
            goto out;
        if (json) {
            json_t *j = margin_report_to_json(&rep);
            char *s = j ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;

            if (s)
                printf("%s\n", s);
            free(s);
            json_decref(j);
        } else {
            printf("%-30s %-24s %-3s %14s %14s %14s %8s %6s\n", by, "name", "ccy", "revenue",
                   "cost", "margin", "margin%", "lines");
            for (size_t i = 0; i < rep.ngroups; i++)
                print_group(&rep.groups[i], false);
            for (size_t i = 0; i < rep.ntotals; i++)
                print_group(&rep.totals[i], true);
        }
        margin_report_release(&rep);
        rc = 0;
    } else if (strcmp(sub, "ttm") == 0) {
        struct date d;
        instant_t now;

        if (cli_now(NULL, &now, &err) < 0)
            goto out;
        d = instant_date(now);
        if (as_of && date_parse_cstr(as_of, &d, &err) < 0)
            goto out;
        rc = invoice_ttm_each(db, &all, partner, d, print_ttm, NULL, &err);
    } else {
        fprintf(stderr, "cspd reports: unknown subcommand '%s'\n", sub);
        cli_usage("reports", stderr);
        db_close(db);
        return 2;
    }
out:
    if (rc < 0)
        cli_report("reports", &err);
    if (db)
        db_close(db);
    return rc < 0 ? 1 : 0;
}
