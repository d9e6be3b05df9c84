/*
 * cli/cmd_subs.c — `cspd subs …` and `cspd charges verify`: the subscription use cases from a
 * shell, the same service functions the API calls (svc/sub_svc.h, svc/sub_read.h), acting as
 * the installation's operator (docs/subscriptions.md).
 *
 *   cspd subs order CUSTOMER --sku S --term T --billing B --quantity N [--no-auto-renew]
 *                   [--name NAME]
 *   cspd subs list [CUSTOMER] | show ID | events ID | charges ID
 *   cspd subs quantity ID N | upgrade ID --sku S [--quantity N] [--name NAME]
 *   cspd subs cancel|suspend|reactivate ID | auto-renew ID on|off
 *   cspd subs term-end ID renew|cancel|est [--sku S] [--term T] [--billing B] [--quantity N]
 *   cspd charges verify [ID...]
 * Every form takes --db PATH and --at INSTANT (default: cli_now's $CSPD_NOW, else the real
 * clock); commands print the subscription's document as JSON. Exit: 0 done, 1 refused or
 * failed (the reason code is printed), 2 usage.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "store/db.h"
#include "svc/catalog_data.h"
#include "svc/sub_read.h"

struct subs_args {
    const char *db, *at, *sku, *term, *billing, *quantity, *name;
    bool no_auto_renew;
    int npos;
    const char *pos[8];
};

/* argv[2..]: flags and up to 7 positional arguments. 0, or 2 on a usage error. */
static int parse_args(const char *cmd, int argc, char **argv, struct subs_args *a)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},      {"at", required_argument, NULL, 'a'},
        {"sku", required_argument, NULL, 's'},     {"term", required_argument, NULL, 't'},
        {"billing", required_argument, NULL, 'b'}, {"quantity", required_argument, NULL, 'q'},
        {"name", required_argument, NULL, 'n'},    {"no-auto-renew", no_argument, NULL, 'N'},
        {NULL, 0, NULL, 0},
    };
    int c;

    memset(a, 0, sizeof(*a));
    optind = 2;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': a->db = optarg; break;
        case 'a': a->at = optarg; break;
        case 's': a->sku = optarg; break;
        case 't': a->term = optarg; break;
        case 'b': a->billing = optarg; break;
        case 'q': a->quantity = optarg; break;
        case 'n': a->name = optarg; break;
        case 'N': a->no_auto_renew = true; break;
        default: cli_usage(cmd, stderr); return 2;
        }
    }
    while (optind < argc) {
        if (a->npos == 7) {
            cli_usage(cmd, stderr);
            return 2;
        }
        a->pos[a->npos++] = argv[optind++];
    }
    return 0;
}

/* A seat count: decimal digits only, at most 10000000 (STYLE.md 9, no strtol). */
static int parse_count(const char *s, const char *field, int32_t *out, struct err *err)
{
    int64_t v = 0;

    if (!s || !*s)
        return err_set(err, ERR_INVALID, field, "%s is required", field);
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9' || v > 10000000)
            return err_set(err, ERR_INVALID, field, "%s must be a whole number up to "
                           "10000000", field);
        v = v * 10 + (*p - '0');
    }
    if (v > 10000000)
        return err_set(err, ERR_INVALID, field, "%s must be a whole number up to 10000000",
                       field);
    *out = (int32_t)v;
    return 0;
}

static int parse_term(const char *s, enum term *t, struct err *err)
{
    if (!s || term_from_name(s, t) < 0)
        return err_set(err, ERR_INVALID, "term", "--term must be P1M, P1Y or P3Y");
    return 0;
}

static int parse_billing(const char *s, enum billing *b, struct err *err)
{
    if (!s || billing_from_name(s, b) < 0)
        return err_set(err, ERR_INVALID, "billing", "--billing must be monthly, annual or "
                       "triennial");
    return 0;
}

static void print_json(json_t *j)
{
    char *text = j ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;

    if (text)
        puts(text);
    free(text);
    json_decref(j);
}

static int show(const struct svc_ctx *ctx, const char *id, instant_t now, struct err *err)
{
    struct sub_row r;

    if (sub_get(ctx, id, &r, err) < 0)
        return -1;
    print_json(sub_row_to_json(&r, now, true));
    return 0;
}

/* One line per subscription; `arg` keeps the last id printed (the next page's start). */
static int print_row(void *arg, const struct sub_row *r)
{
    char end[DATE_STRLEN] = "-";

    snprintf(arg, ID_MAXLEN, "%s", r->id);
    if (r->s.term_end.year)
        date_format(r->s.term_end, end);
    printf("%s\t%s\t%s\t%s\t%d\t%s/%s\t%s\t%s\n", r->id, r->customer_id, r->s.sku,
           sub_status_label(&r->s), (int)r->s.quantity, term_name(r->s.term),
           billing_name(r->s.billing), end, sub_auto_renew(&r->s) ? "auto-renew" : "-");
    return 0;
}

static int print_event(void *arg, int64_t seq, const struct lc_event *ev)
{
    json_t *d = lc_event_to_json(ev);
    char *text = d ? json_dumps(d, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    char at[INSTANT_STRLEN];

    (void)arg;
    instant_format(ev->at, at);
    printf("%lld\t%s\t%s\t%s\n", (long long)seq, at, lc_event_kind_name(ev->kind),
           text ? text : "{}");
    free(text);
    json_decref(d);
    return 0;
}

static int print_charge(void *arg, const struct charge_row *r)
{
    const struct charge_line *l = &r->line;
    char s[DATE_STRLEN], e[DATE_STRLEN], up[DEC_STRLEN], st[DEC_STRLEN], bs[DEC_STRLEN] = "-";

    (void)arg;
    date_format(l->start, s);
    date_format(l->end, e);
    dec_format(l->unit_price, up);
    dec_format(l->subtotal, st);
    if (l->has_billing_subtotal)
        dec_format(l->billing_subtotal, bs);
    printf("%lld\t%s\t%s\t%s..%s\t%d\t%s\t%s %s\t%s %s%s\n", (long long)r->event_seq,
           charge_type_name(l->type), l->sku, s, e, (int)l->quantity, up, st, l->currency, bs,
           l->billing_currency, l->est ? "\test" : "");
    return 0;
}

/* The action on one subscription; `a->pos[1]` is its id (checked by the caller). */
static int run(const char *action, const struct svc_ctx *ctx, const struct subs_args *a,
               instant_t now, bool *usage, struct err *err)
{
    const char *id = a->pos[1];
    char new_id[ID_MAXLEN] = "";
    int32_t q = 0;

    if (strcmp(action, "show") == 0)
        return show(ctx, id, now, err);
    if (strcmp(action, "events") == 0)
        return sub_events(ctx, id, print_event, NULL, err);
    if (strcmp(action, "charges") == 0)
        return sub_charges(ctx, id, print_charge, NULL, err);
    if (strcmp(action, "quantity") == 0) {
        if (a->npos != 3) {
            *usage = true;
            return -1;
        }
        if (parse_count(a->pos[2], "quantity", &q, err) < 0 ||
            sub_change_quantity(ctx, id, q, now, err) < 0)
            return -1;
    } else if (strcmp(action, "upgrade") == 0) {
        char sku[SKU_MAX];

        if (!a->sku) {
            *usage = true;
            return -1;
        }
        if (catalog_sku_parse(a->sku, "sku", sku, err) < 0 ||
            (a->quantity && parse_count(a->quantity, "quantity", &q, err) < 0) ||
            sub_upgrade(ctx, id, sku, a->quantity != NULL, q, a->name, now, new_id, err) < 0)
            return -1;
    } else if (strcmp(action, "cancel") == 0) {
        if (sub_cancel(ctx, id, now, err) < 0)
            return -1;
    } else if (strcmp(action, "suspend") == 0) {
        if (sub_suspend(ctx, id, now, err) < 0)
            return -1;
    } else if (strcmp(action, "reactivate") == 0) {
        if (sub_reactivate(ctx, id, now, err) < 0)
            return -1;
    } else if (strcmp(action, "auto-renew") == 0) {
        if (a->npos != 3 || (strcmp(a->pos[2], "on") != 0 && strcmp(a->pos[2], "off") != 0)) {
            *usage = true;
            return -1;
        }
        if (sub_set_auto_renew(ctx, id, strcmp(a->pos[2], "on") == 0, now, err) < 0)
            return -1;
    } else if (strcmp(action, "term-end") == 0) {
        struct lc_schedule cmd;

        memset(&cmd, 0, sizeof(cmd));
        if (a->npos != 3 || sub_decision_from_name(a->pos[2], &cmd.action) < 0) {
            *usage = true;
            return -1;
        }
        if (cmd.action != DECISION_RENEW && (a->sku || a->term || a->billing || a->quantity))
            return err_set(err, ERR_INVALID, "changes", "changes go with renew only");
        if ((a->sku && catalog_sku_parse(a->sku, "sku", cmd.changes.sku, err) < 0) ||
            (a->term && parse_term(a->term, &cmd.changes.term, err) < 0) ||
            (a->billing && parse_billing(a->billing, &cmd.changes.billing, err) < 0) ||
            (a->quantity && parse_count(a->quantity, "quantity", &cmd.changes.quantity,
                                        err) < 0))
            return -1;
        cmd.changes.has_sku = a->sku != NULL;
        cmd.changes.has_term = a->term != NULL;
        cmd.changes.has_billing = a->billing != NULL;
        cmd.changes.has_quantity = a->quantity != NULL;
        if (sub_schedule(ctx, id, &cmd, now, err) < 0)
            return -1;
    } else {
        *usage = true;
        return -1;
    }
    return show(ctx, new_id[0] ? new_id : id, now, err);
}

static int order(const struct svc_ctx *ctx, const struct subs_args *a, instant_t now,
                 struct err *err)
{
    struct sub_order_req o;
    char sku[SKU_MAX], id[ID_MAXLEN];

    memset(&o, 0, sizeof(o));
    if (!a->sku)
        return err_set(err, ERR_INVALID, "sku", "--sku is required");
    if (catalog_sku_parse(a->sku, "sku", sku, err) < 0 || parse_term(a->term, &o.term, err) < 0 ||
        parse_billing(a->billing, &o.billing, err) < 0 ||
        parse_count(a->quantity, "quantity", &o.quantity, err) < 0)
        return -1;
    o.customer_id = a->pos[1];
    o.sku = sku;
    o.name = a->name;
    o.auto_renew = !a->no_auto_renew;
    if (sub_order(ctx, &o, now, id, err) < 0)
        return -1;
    return show(ctx, id, now, err);
}

int cmd_subs(int argc, char **argv)
{
    struct subs_args a;
    struct scope s;
    struct svc_ctx ctx;
    struct db *db = NULL;
    struct err err;
    instant_t now;
    bool usage = false, more = false;
    int rc;

    if (argc < 2 || parse_args("subs", argc, argv, &a) != 0) {
        if (argc < 2)
            cli_usage("subs", stderr);
        return 2;
    }
    /* pos[0] is the action ("order", "show" ...) */
    memmove(&a.pos[1], &a.pos[0], sizeof(a.pos[0]) * 2);
    a.pos[0] = argv[1];
    a.npos++;
    if (a.npos > 3 || (strcmp(argv[1], "list") != 0 && a.npos < 2)) {
        cli_usage("subs", stderr);
        return 2;
    }
    err_clear(&err);
    if (cli_bill_open(a.db, &db, &err) < 0 || cli_now(a.at, &now, &err) < 0) {
        cli_report("subs", &err);
        if (db)
            db_close(db);
        return 1;
    }
    scope_init_installation(&s);
    memset(&ctx, 0, sizeof(ctx));
    ctx.db = db;
    ctx.actor = "cli";
    ctx.scope = &s;
    if (strcmp(argv[1], "list") == 0) {
        /* every page: the list is for a shell, not a screen */
        const char *cust = a.npos > 1 ? a.pos[1] : NULL;
        char after[ID_MAXLEN] = "";

        do {
            rc = sub_list(&ctx, cust, after, 1000, print_row, after, &more, &err);
        } while (rc == 0 && more);
    } else if (strcmp(argv[1], "order") == 0) {
        rc = order(&ctx, &a, now, &err);
    } else {
        rc = run(argv[1], &ctx, &a, now, &usage, &err);
    }
    db_close(db);
    if (usage) {
        cli_usage("subs", stderr);
        return 2;
    }
    if (rc < 0) {
        cli_report("subs", &err);
        return 1;
    }
    return 0;
}

/* ---- cspd charges verify ---------------------------------------------------------------- */

struct verify_run {
    const struct svc_ctx *ctx;
    size_t subs, events, lines, bad, fx;
    char last[ID_MAXLEN];
    struct err *err;
};

static int verify_one(struct verify_run *v, const char *id)
{
    struct sub_verify r;

    memset(&r, 0, sizeof(r));
    if (sub_verify(v->ctx, id, &r, v->err) < 0)
        return -1;
    v->subs++;
    v->events += r.events;
    v->lines += r.lines;
    v->fx += r.fx_changed;
    if (r.diffs) {
        v->bad++;
        printf("DIFF %s: %zu difference(s); first: %s\n", id, r.diffs, r.first);
    }
    return 0;
}

static int verify_row(void *arg, const struct sub_row *r)
{
    struct verify_run *v = arg;

    snprintf(v->last, sizeof(v->last), "%s", r->id);
    return verify_one(v, r->id);
}

int cmd_charges(int argc, char **argv)
{
    struct subs_args a;
    struct scope s;
    struct svc_ctx ctx;
    struct verify_run v;
    struct db *db = NULL;
    struct err err;
    bool more = false;
    int rc = 0;

    if (argc < 2 || strcmp(argv[1], "verify") != 0 ||
        parse_args("charges", argc, argv, &a) != 0) {
        cli_usage("charges", stderr);
        return 2;
    }
    err_clear(&err);
    if (cli_bill_open(a.db, &db, &err) < 0) {
        cli_report("charges", &err);
        return 1;
    }
    scope_init_installation(&s);
    memset(&ctx, 0, sizeof(ctx));
    ctx.db = db;
    ctx.actor = "cli";
    ctx.scope = &s;
    memset(&v, 0, sizeof(v));
    v.ctx = &ctx;
    v.err = &err;
    for (int i = 0; rc == 0 && i < a.npos; i++) {
        struct sub_row row;

        rc = sub_get(&ctx, a.pos[i], &row, &err) < 0 ? -1 : verify_one(&v, a.pos[i]);
    }
    if (a.npos == 0)
        do {
            rc = sub_list(&ctx, NULL, v.last, 1000, verify_row, &v, &more, &err);
        } while (rc == 0 && more);
    db_close(db);
    if (rc < 0) {
        cli_report("charges", &err);
        return 1;
    }
    printf("%zu subscription(s), %zu event(s), %zu line(s) recomputed: %zu with differences"
           "%s\n", v.subs, v.events, v.lines, v.bad,
           v.fx ? " (and lines billed before a later exchange rate; not a fault)" : "");
    return v.bad ? 1 : 0;
}
