/*
 * cli/cmd_catalog.c — `cspd catalog`: the catalog from a shell (docs/catalog.md).
 *
 *   cspd catalog products [--query Q] [--market M] [--limit N]
 *   cspd catalog prices SKU [--market M] [--currency C] [--at DATE]
 *   cspd catalog price SKU --term P1Y --billing monthly --market US --currency USD
 *                          [--at DATE] [--segment S]
 *   cspd catalog load KIND FILE        KIND: upgrade-paths, est, prerequisites, seat-limits,
 *                                      rates
 *   cspd catalog rates load FILE | cspd catalog rates list [--from C] [--to C]
 *   cspd catalog list KIND
 *   cspd catalog check --customer ID --sku SKU --quantity N
 *
 * Thin: svc/catalog_data.h and the repositories do the work, the same calls the API makes.
 * Output is one tab-separated line per row. Exit status: 0 done, 1 the operation failed (for
 * `price`: no price, the reason on stderr; for `check`: refused), 2 usage error.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli/cli.h"
#include "svc/catalog_data.h"

struct cat_args {
    const char *db_flag, *query, *market, *currency, *at, *term, *billing, *segment;
    const char *from, *to, *customer, *sku, *quantity, *limit;
};

static int usage_error(const char *fmt, const char *arg)
{
    fputs("cspd catalog: ", stderr);
    fprintf(stderr, fmt, arg ? arg : "");
    fputs("; see 'cspd catalog --help'\n", stderr);
    return 2;
}

/* Open the store: migrated; for reads, only an existing file. */
static int open_db(const struct cat_args *a, bool write, struct db **db, struct err *err)
{
    const char *url = cli_db_path(a->db_flag), *file = db_url_path(url);
    struct stat st;

    if (!write && file && stat(file, &st) != 0)
        return err_set(err, ERR_NOT_FOUND, "db", "no database at %s", file);
    if (db_open(url, db, err))
        return -1;
    if (db_migrate(*db, err)) {
        db_close(*db);
        return -1;
    }
    return 0;
}

static void upper(const char *s, char *out, size_t cap)
{
    size_t i;

    for (i = 0; s[i] && i + 1 < cap; i++)
        out[i] = s[i] >= 'a' && s[i] <= 'z' ? (char)(s[i] - 'a' + 'A') : s[i];
    out[i] = '\0';
}

/* 1..max from decimal digits only (STYLE.md 9: no strtol on outside input); -1 otherwise. */
static int parse_count(const char *s, long max, long *out)
{
    long v = 0;

    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        v = v * 10 + (*s - '0');
        if (v > max)
            return -1;
    }
    *out = v;
    return v >= 1 ? 0 : -1;
}

/* The day of --at, or today (cli_now: $CSPD_NOW or the real clock). */
static int day_of(const char *at, struct date *out, struct err *err)
{
    instant_t now;

    if (at)
        return date_parse_cstr(at, out, err);
    if (cli_now(NULL, &now, err) < 0)
        return -1;
    *out = instant_date(now);
    return 0;
}

/* ---- printing rows ---- */

static int print_product(void *ctx, const struct catdata_product_sku *p, struct err *err)
{
    (void)ctx;
    (void)err;
    printf("%s\t%s\t%s\t%s\n", p->sku, p->product_title, p->sku_title, p->tags ? p->tags : "");
    return 0;
}

static void print_price_row(const struct catdata_price *p)
{
    char unit[DEC_STRLEN], term[DEC_STRLEN] = "", from[DATE_STRLEN], to[DATE_STRLEN] = "";

    dec_format(p->unit_price, unit);
    if (p->has_term_price)
        dec_format(p->term_price, term);
    date_format(p->effective_from, from);
    if (p->has_effective_to)
        date_format(p->effective_to, to);
    printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", p->sku, p->market, p->currency,
           term_name(p->term), billing_name(p->billing), unit, term, from, to, p->segment);
}

static int print_price(void *ctx, const struct catdata_price *p, struct err *err)
{
    (void)ctx;
    (void)err;
    print_price_row(p);
    return 0;
}

static int print_link(void *ctx, const struct catdata_link_row *r, struct err *err)
{
    (void)ctx;
    (void)err;
    printf("%s\t%s\t%s\n", r->key, r->value, r->note);
    return 0;
}

static int print_est(void *ctx, const struct catdata_est_rule *r, struct err *err)
{
    char p1m[DEC_STRLEN], fb[DEC_STRLEN];

    (void)ctx;
    (void)err;
    dec_format(r->uplift_p1m, p1m);
    dec_format(r->uplift_fallback, fb);
    printf("%s\t%s\t%s\t%s\t%s\n", r->product_id, r->eligible ? "yes" : "no", p1m, fb, r->note);
    return 0;
}

static int print_seats(void *ctx, const struct catdata_seat_limit *r, struct err *err)
{
    (void)ctx;
    (void)err;
    if (r->has_max)
        printf("%s\t%d\t%d\n", r->sku, (int)r->min_seats, (int)r->max_seats);
    else
        printf("%s\t%d\t\n", r->sku, (int)r->min_seats);
    return 0;
}

static int print_rate(void *ctx, const struct fx_rate *r, struct err *err)
{
    char rate[DEC_STRLEN], day[DATE_STRLEN];

    (void)ctx;
    (void)err;
    dec_format(r->rate, rate);
    date_format(r->effective_from, day);
    printf("%s\t%s\t%s\t%s\n", r->from, r->to, rate, day);
    return 0;
}

/* ---- subcommands ---- */

static int run_load(const struct cat_args *a, enum catalog_kind k, const char *file,
                    struct err *err)
{
    struct catalog_load_result res;
    struct db *db;
    instant_t now;
    FILE *f;
    int rc;

    if (cli_now(NULL, &now, err) < 0)
        return -1;
    f = fopen(file, "rb");
    if (!f)
        return err_set(err, ERR_IO, "file", "cannot open %s", file);
    if (open_db(a, true, &db, err)) {
        fclose(f);
        return -1;
    }
    rc = catalog_data_load(db, k, f, file, NULL, now, &res, err);
    db_close(db);
    fclose(f);
    if (rc) {
        char msg[sizeof(err->msg)];

        snprintf(msg, sizeof(msg), "%s", err->msg);
        snprintf(err->msg, sizeof(err->msg), "%.60s: %.160s; nothing was stored", file, msg);
        return -1;
    }
    printf("loaded %s %s: %ld rows, %ld keys\n", catalog_kind_name(k), file, res.rows,
           res.keys);
    if (res.unknown)
        fprintf(stderr, "cspd catalog: note: %ld ids the catalog does not know yet (first: "
                "%s); they apply once a price list lists them\n", res.unknown,
                res.first_unknown);
    return 0;
}

static int run_list(const struct cat_args *a, enum catalog_kind k, struct err *err)
{
    struct db *db;
    int rc;

    if (open_db(a, false, &db, err))
        return -1;
    switch (k) {
    case CATALOG_KIND_PATHS:
        rc = repo_catdata_links_each(db, CATDATA_PATHS, NULL, print_link, NULL, err);
        break;
    case CATALOG_KIND_PREREQS:
        rc = repo_catdata_links_each(db, CATDATA_PREREQS, NULL, print_link, NULL, err);
        break;
    case CATALOG_KIND_EST:
        rc = repo_catdata_est_each(db, print_est, NULL, err);
        break;
    case CATALOG_KIND_SEATS:
        rc = repo_catdata_seats_each(db, print_seats, NULL, err);
        break;
    default: {
        char from[CCY_MAX] = "", to[CCY_MAX] = "";

        if (a->from)
            upper(a->from, from, sizeof(from));
        if (a->to)
            upper(a->to, to, sizeof(to));
        rc = repo_catdata_rates_each(db, a->from ? from : NULL, a->to ? to : NULL, print_rate,
                                     NULL, err);
        break;
    }
    }
    db_close(db);
    return rc;
}

static int run_products(const struct cat_args *a, struct err *err)
{
    char market[MARKET_MAX] = "";
    long limit = 200;
    struct db *db;
    int rc;

    if (a->limit && parse_count(a->limit, 100000, &limit))
        return err_set(err, ERR_INVALID, "limit", "--limit is 1 to 100000");
    if (a->market)
        upper(a->market, market, sizeof(market));
    if (open_db(a, false, &db, err))
        return -1;
    rc = repo_catdata_products_each(db, a->query, a->market ? market : NULL, limit,
                                    print_product, NULL, err);
    db_close(db);
    return rc;
}

static int run_prices(const struct cat_args *a, const char *sku_arg, struct err *err)
{
    struct catdata_price_filter f = {0};
    char sku[SKU_MAX], market[MARKET_MAX], ccy[CCY_MAX];
    bool known;
    struct db *db;
    int rc;

    if (catalog_sku_parse(sku_arg, "sku", sku, err))
        return -1;
    f.sku = sku;
    if (a->market) {
        upper(a->market, market, sizeof(market));
        f.market = market;
    }
    if (a->currency) {
        upper(a->currency, ccy, sizeof(ccy));
        f.currency = ccy;
    }
    if (a->at) {
        if (date_parse_cstr(a->at, &f.at, err))
            return -1;
        f.has_at = true;
    }
    if (open_db(a, false, &db, err))
        return -1;
    rc = repo_catdata_sku_known(db, sku, &known, err);
    if (rc == 0 && !known)
        rc = err_set(err, ERR_NOT_FOUND, "sku", "the catalog has no SKU %s", sku);
    if (rc == 0)
        rc = repo_catdata_prices_each(db, &f, print_price, NULL, err);
    db_close(db);
    return rc;
}

static int run_price(const struct cat_args *a, const char *sku_arg, struct err *err)
{
    struct catalog_price_query q = {0};
    struct catalog_price_answer ans;
    char sku[SKU_MAX], market[MARKET_MAX], ccy[CCY_MAX];
    struct db *db;
    int rc;

    if (!a->term || !a->billing || !a->market || !a->currency)
        return err_set(err, ERR_INVALID, "", "price needs --term, --billing, --market and "
                       "--currency");
    if (catalog_sku_parse(sku_arg, "sku", sku, err))
        return -1;
    if (term_from_name(a->term, &q.term))
        return err_set(err, ERR_INVALID, "term", "--term is P1M, P1Y or P3Y");
    if (billing_from_name(a->billing, &q.billing))
        return err_set(err, ERR_INVALID, "billing", "--billing is monthly, annual or "
                       "triennial");
    if (day_of(a->at, &q.at, err))
        return -1;
    upper(a->market, market, sizeof(market));
    upper(a->currency, ccy, sizeof(ccy));
    q.sku = sku;
    q.market = market;
    q.currency = ccy;
    q.segment = a->segment;
    if (open_db(a, false, &db, err))
        return -1;
    rc = catalog_price(db, &q, &ans, err);
    db_close(db);
    if (rc == 0)
        print_price_row(&ans.price);
    return rc;
}

static int run_check(const struct cat_args *a, struct err *err)
{
    char sku[SKU_MAX];
    long q;
    struct db *db;
    int rc;

    if (!a->customer || !a->sku || !a->quantity)
        return err_set(err, ERR_INVALID, "", "check needs --customer, --sku and --quantity");
    if (catalog_sku_parse(a->sku, "sku", sku, err))
        return -1;
    if (parse_count(a->quantity, CATALOG_MAX_SEATS, &q))
        return err_set(err, ERR_INVALID, "quantity", "--quantity is 1 to %d",
                       CATALOG_MAX_SEATS);
    if (open_db(a, false, &db, err))
        return -1;
    rc = catalog_check_order(db, a->customer, sku, (int32_t)q, err);
    db_close(db);
    if (rc == 0)
        printf("ok: %s may order %ld seats of %s\n", a->customer, q, sku);
    return rc;
}

int cmd_catalog(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},       {"query", required_argument, NULL, 'q'},
        {"market", required_argument, NULL, 'm'},   {"currency", required_argument, NULL, 'c'},
        {"at", required_argument, NULL, 'a'},       {"term", required_argument, NULL, 't'},
        {"billing", required_argument, NULL, 'b'},  {"segment", required_argument, NULL, 's'},
        {"from", required_argument, NULL, 'f'},     {"to", required_argument, NULL, 'T'},
        {"customer", required_argument, NULL, 'C'}, {"sku", required_argument, NULL, 'S'},
        {"quantity", required_argument, NULL, 'n'}, {"limit", required_argument, NULL, 'l'},
        {NULL, 0, NULL, 0},
    };
    struct cat_args a = {0};
    const char *sub, *arg1, *arg2;
    enum catalog_kind kind;
    struct err err;
    int c, npos, rc;

    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (c) {
        case 'd': a.db_flag = optarg; break;
        case 'q': a.query = optarg; break;
        case 'm': a.market = optarg; break;
        case 'c': a.currency = optarg; break;
        case 'a': a.at = optarg; break;
        case 't': a.term = optarg; break;
        case 'b': a.billing = optarg; break;
        case 's': a.segment = optarg; break;
        case 'f': a.from = optarg; break;
        case 'T': a.to = optarg; break;
        case 'C': a.customer = optarg; break;
        case 'S': a.sku = optarg; break;
        case 'n': a.quantity = optarg; break;
        case 'l': a.limit = optarg; break;
        case ':': return usage_error("option '%s' needs a value", argv[optind - 1]);
        default: return usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    npos = argc - optind;
    if (npos < 1) {
        cli_usage("catalog", stderr);
        return 2;
    }
    sub = argv[optind];
    arg1 = npos > 1 ? argv[optind + 1] : NULL;
    arg2 = npos > 2 ? argv[optind + 2] : NULL;
    err_clear(&err);
    if (strcmp(sub, "products") == 0 && npos == 1) {
        rc = run_products(&a, &err);
    } else if (strcmp(sub, "prices") == 0 && npos == 2) {
        rc = run_prices(&a, arg1, &err);
    } else if (strcmp(sub, "price") == 0 && npos == 2) {
        rc = run_price(&a, arg1, &err);
    } else if (strcmp(sub, "load") == 0 && npos == 3) {
        if (catalog_kind_from_name(arg1, &kind))
            return usage_error("unknown kind '%s' (upgrade-paths, est, prerequisites, "
                               "seat-limits, rates)", arg1);
        rc = run_load(&a, kind, arg2, &err);
    } else if (strcmp(sub, "rates") == 0 && npos == 3 && strcmp(arg1, "load") == 0) {
        rc = run_load(&a, CATALOG_KIND_RATES, arg2, &err);
    } else if (strcmp(sub, "rates") == 0 && npos == 2 && strcmp(arg1, "list") == 0) {
        rc = run_list(&a, CATALOG_KIND_RATES, &err);
    } else if (strcmp(sub, "list") == 0 && npos == 2) {
        if (catalog_kind_from_name(arg1, &kind))
            return usage_error("unknown kind '%s' (upgrade-paths, est, prerequisites, "
                               "seat-limits, rates)", arg1);
        rc = run_list(&a, kind, &err);
    } else if (strcmp(sub, "check") == 0 && npos == 1) {
        rc = run_check(&a, &err);
    } else {
        cli_usage("catalog", stderr);
        return 2;
    }
    if (rc) {
        cli_report("catalog", &err);
        return 1;
    }
    return 0;
}
