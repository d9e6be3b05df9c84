/*
 * cli/cmd_margins.c — `cspd margins list|add|end`: the margin rules of sellers, from a shell
 * (docs/billing.md "Margin rules").
 *
 *   cspd margins list [--seller ID] [--db PATH]
 *   cspd margins add --seller ID --kind markup|discount|fixed --value N [--level L]
 *                    [--target ID] [--product P] [--sku S] [--currency C] [--from DATE]
 *                    [--to DATE] [--allow-below-cost] [--note TEXT] [--at INSTANT] [--db PATH]
 *   cspd margins end ID --on DATE [--at INSTANT] [--db PATH]
 *
 * Thin: flags become the JSON document POST /v1/margin-rules takes, and svc/invoice_rules.h
 * validates both alike, with the installation's scope. Exit: 0 done, 1 failed, 2 usage.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "store/db.h"
#include "svc/invoice_rules.h"

static int print_rule(void *ctx, const struct margin_rule *r)
{
    char v[DEC_STRLEN], f[DATE_STRLEN], t[DATE_STRLEN] = "-";

    (void)ctx;
    dec_format(r->value, v);
    date_format(r->from, f);
    if (r->has_to)
        date_format(r->to, t);
    printf("%-30s %-30s %-12s %-30s %-14s %-8s %10s %-3s %s..%s%s\n", r->id, r->seller_id,
           margin_level_name(r->level), r->target_id[0] ? r->target_id : "-",
           r->sku[0] ? r->sku : r->product_id[0] ? r->product_id : "*",
           margin_kind_name(r->kind), v, r->currency[0] ? r->currency : "%", f, t,
           r->allow_below_cost ? " below-cost-ok" : "");
    return 0;
}

static void print_json(const struct margin_rule *r)
{
    json_t *j = margin_rule_to_json(r);
    char *s = j ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;

    if (s)
        printf("%s\n", s);
    free(s);
    json_decref(j);
}

int cmd_margins(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'b'},      {"at", required_argument, NULL, 'a'},
        {"seller", required_argument, NULL, 's'},  {"level", required_argument, NULL, 'l'},
        {"target", required_argument, NULL, 'g'},  {"product", required_argument, NULL, 'p'},
        {"sku", required_argument, NULL, 'k'},     {"kind", required_argument, NULL, 'K'},
        {"value", required_argument, NULL, 'v'},   {"currency", required_argument, NULL, 'c'},
        {"from", required_argument, NULL, 'f'},    {"to", required_argument, NULL, 't'},
        {"on", required_argument, NULL, 'o'},      {"note", required_argument, NULL, 'n'},
        {"allow-below-cost", no_argument, NULL, 'B'}, {NULL, 0, NULL, 0},
    };
    static const struct {
        int opt;
        const char *key;
    } keys[] = {{'s', "seller_id"}, {'l', "level"}, {'g', "target_id"}, {'p', "product_id"},
                {'k', "sku"}, {'K', "kind"}, {'v', "value"}, {'c', "currency"},
                {'f', "effective_from"}, {'t', "effective_to"}, {'n', "note"}};
    struct bill_ctx ctx = {.actor = "cli"};
    const char *sub, *db_arg = NULL, *at = NULL, *on = NULL, *seller = NULL, *arg = NULL;
    json_t *body = json_object();
    struct margin_rule r;
    struct db *db = NULL;
    struct err err;
    instant_t now;
    int c, rc = -1;

    err_clear(&err);
    if (argc < 2 || !body) {
        json_decref(body);
        cli_usage("margins", stderr);
        return 2;
    }
    sub = argv[1];
    if (strcmp(sub, "list") != 0 && strcmp(sub, "add") != 0 && strcmp(sub, "end") != 0) {
        fprintf(stderr, "cspd margins: unknown subcommand '%s'; see 'cspd margins --help'\n",
                sub);
        json_decref(body);
        return 2;
    }
    optind = 2;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        bool known = false;

        if (c == 'b') {
            db_arg = optarg;
            continue;
        } else if (c == 'a') {
            at = optarg;
            continue;
        } else if (c == 'o') {
            on = optarg;
            continue;
        } else if (c == 'B') {
            json_object_set_new(body, "allow_below_cost", json_true());
            continue;
        }
        if (c == 's')
            seller = optarg;
        for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
            if (keys[i].opt == c) {
                json_object_set_new(body, keys[i].key, json_string(optarg));
                known = true;
            }
        if (!known) {
            json_decref(body);
            cli_usage("margins", stderr);
            return 2;
        }
    }
    if (optind < argc)
        arg = argv[optind++];
    if (optind < argc || (strcmp(sub, "end") == 0) != (arg != NULL) ||
        (strcmp(sub, "end") == 0 && !on)) {
        json_decref(body);
        cli_usage("margins", stderr);
        return 2;
    }
    if (cli_now(at, &now, &err) < 0) {
        fprintf(stderr, "cspd margins: --at: %s\n", err.msg);
        json_decref(body);
        return 2;
    }
    if (cli_bill_open(db_arg, &db, &err) < 0)
        goto out;
    ctx.db = db;
    if (strcmp(sub, "list") == 0) {
        struct scope all;

        scope_init_installation(&all);
        rc = margin_rules_list(db, &all, seller, print_rule, NULL, &err);
    } else if (strcmp(sub, "add") == 0) {
        if ((rc = margin_rule_create(&ctx, body, now, &r, &err)) == 0)
            print_json(&r);
    } else if (strcmp(sub, "end") == 0) {
        struct date d;

        rc = date_parse_cstr(on, &d, &err);
        if (rc == 0 && (rc = margin_rule_end(&ctx, arg, d, now, &r, &err)) == 0)
            print_json(&r);
    } else {
        fprintf(stderr, "cspd margins: unknown subcommand '%s'\n", sub);
        cli_usage("margins", stderr);
        json_decref(body);
        db_close(db);
        return 2;
    }
out:
    if (rc < 0)
        cli_report("margins", &err);
    json_decref(body);
    if (db)
        db_close(db);
    return rc < 0 ? 1 : 0;
}
