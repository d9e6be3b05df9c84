/*
 * cli/cmd_demo.c — `cspd demo seed|files|clock`: the synthetic book of business (issue 9,
 * docs/demo.md). Thin: demo/ does the work through the real services; this file parses the
 * flags (bounded digit parsing, no strtol on user input: STYLE.md 9), opens the database,
 * makes libsodium's randomness follow the seed (demo/rng.h) and prints the summary.
 *
 *   seed   [--db PATH] [--partners N] [--customers N] [--subscriptions N] [--months N]
 *          [--seed S] [--start DATE]       (no size flag: the small `make run` demo + logins)
 *   files  [--db PATH] --out DIR [--seed S]
 *   clock  [--db PATH]                     the seeded demo's end instant (for serve --clock)
 *
 * Exit status: 0 done (also "already seeded"), 1 failure, 2 usage error.
 */
#include <getopt.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/id.h"
#include "demo/demo.h"
#include "demo/rng.h"
#include "store/db.h"

static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;

    if (!s || !*s || strlen(s) > 20)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        if (v > (max - (uint64_t)(*s - '0')) / 10)
            return -1;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    *out = v;
    return 0;
}

static int usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "cspd demo: %s%s%s\n", msg, arg ? " " : "", arg ? arg : "");
    cli_usage("demo", stderr);
    return 2;
}

/* Open a migrated database; 1 on failure (reported). */
static int open_db(const char *db_arg, struct db **db, struct err *err)
{
    const char *url = cli_db_path(db_arg);
    struct stat sb;
    int version = 0;

    if (strcmp(url, ":memory:") != 0 && strchr(url, ':') == NULL && stat(url, &sb) != 0) {
        fprintf(stderr, "cspd demo: no database at %s (run 'cspd db migrate' first)\n", url);
        return 1;
    }
    if (db_open(url, db, err) < 0 || db_schema_version(*db, &version, err) < 0) {
        cli_report("demo", err);
        db_close(*db);
        *db = NULL;
        return 1;
    }
    if (version == 0) {
        fprintf(stderr, "cspd demo: database %s is not migrated (run 'cspd db migrate')\n", url);
        db_close(*db);
        *db = NULL;
        return 1;
    }
    /* an existing book is brought to this build's schema, as every other command does */
    if (db_migrate(*db, err) < 0) {
        cli_report("demo", err);
        db_close(*db);
        *db = NULL;
        return 1;
    }
    return 0;
}

static void print_summary(const struct demo_opts *o, const struct demo_stats *st)
{
    static const char *const reasons[] = {
        "subscription_not_active", "not_allowed_in_est", "est_not_eligible",
        "invalid_upgrade_path", "invalid_quantity", "outside_cancellation_window",
        "quantity_decrease_outside_window", "no_price", "mca_not_accepted",
    };
    char clock[INSTANT_STRLEN], start[DATE_STRLEN];
    int first = 0;

    instant_format(st->end, clock);
    date_format(o->start, start);
    printf("demo seeded (seed %" PRIu64 ", %d months from %s): %ld partners, %ld customers "
           "(%ld without MCA), %ld users, %ld price rows\n",
           o->seed, o->months, start, st->partners, st->customers, st->customers_without_mca,
           st->users, st->price_rows);
    printf("  %ld orders -> %ld subscriptions, %ld further commands, %ld refused by the rules",
           st->orders, st->subscriptions, st->commands, st->refused);
    for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
        if (st->refused_by_reason[i])
            printf("%s%s %ld", first++ ? ", " : " (", reasons[i], st->refused_by_reason[i]);
    printf("%s\n", st->refused ? ")" : "");
    printf("  %ld daily cycles, %ld cycle charge lines, %ld invoices finalized\n", st->days,
           st->charges, st->invoices);
    printf("demo clock: %s (cspd serve --clock %s)\n", clock, clock);
}

static int cmd_seed(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'b'},
        {"partners", required_argument, NULL, 'p'},
        {"customers", required_argument, NULL, 'c'},
        {"subscriptions", required_argument, NULL, 's'},
        {"months", required_argument, NULL, 'm'},
        {"seed", required_argument, NULL, 'S'},
        {"start", required_argument, NULL, 'd'},
        {NULL, 0, NULL, 0},
    };
    struct demo_opts o;
    struct demo_stats st;
    struct err err;
    struct db *db = NULL;
    const char *db_arg = NULL;
    bool sized = false;
    int c;

    demo_opts_default(&o);
    err_clear(&err);
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        uint64_t v = 0;

        switch (c) {
        case 'b':
            db_arg = optarg;
            break;
        case 'p': case 'c': case 's': case 'm':
            if (parse_u64(optarg, c == 'm' ? 120 : 100000000, &v) < 0)
                return usage_error("not a count:", optarg);
            if (c == 'p')
                o.partners = (long)v;
            else if (c == 'c')
                o.customers = (long)v;
            else if (c == 's')
                o.subscriptions = (long)v;
            else
                o.months = (int)v;
            sized = true;
            break;
        case 'S':
            if (parse_u64(optarg, UINT64_MAX, &o.seed) < 0)
                return usage_error("--seed wants a whole number, not", optarg);
            break;
        case 'd':
            if (date_parse_cstr(optarg, &o.start, &err) < 0)
                return usage_error("--start wants a date like 2025-11-01, not", optarg);
            break;
        default:
            cli_usage("demo", stderr);
            return 2;
        }
    }
    if (optind < argc)
        return usage_error("unexpected argument", argv[optind]);
    /* Logins belong to the small demo; a sized (benchmark) book has none. */
    o.logins = !sized;
    o.progress = isatty(STDERR_FILENO);
    o.log = stdout;
    /* Before anything initialises libsodium: ids, salts and passwords follow the seed. */
    if (demo_randombytes_install(o.seed) < 0 || id_init(&err) < 0) {
        fprintf(stderr, "cspd demo: cannot set up the seeded random source\n");
        return 1;
    }
    if (open_db(db_arg, &db, &err))
        return 1;
    if (demo_seed(db, &o, &st, &err) < 0) {
        if (o.progress)
            fputc('\n', stderr);
        cli_report("demo", &err);
        db_close(db);
        return 1;
    }
    if (st.already) {
        char clock[INSTANT_STRLEN];

        instant_format(st.end, clock);
        printf("demo: this database is already seeded (demo clock %s); nothing done\n", clock);
    } else {
        print_summary(&o, &st);
    }
    db_close(db);
    return 0;
}

static int cmd_files(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'b'},
        {"out", required_argument, NULL, 'o'},
        {"seed", required_argument, NULL, 'S'},
        {NULL, 0, NULL, 0},
    };
    const char *db_arg = NULL, *out = NULL;
    bool has_seed = false, found = false;
    uint64_t seed = 0, seeded = 0;
    struct err err;
    struct db *db = NULL;
    int c, n = 0;

    err_clear(&err);
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'b')
            db_arg = optarg;
        else if (c == 'o')
            out = optarg;
        else if (c == 'S') {
            if (parse_u64(optarg, UINT64_MAX, &seed) < 0)
                return usage_error("--seed wants a whole number, not", optarg);
            has_seed = true;
        } else {
            cli_usage("demo", stderr);
            return 2;
        }
    }
    if (optind < argc)
        return usage_error("unexpected argument", argv[optind]);
    if (!out)
        return usage_error("files needs --out DIR", NULL);
    if (open_db(db_arg, &db, &err))
        return 1;
    if (demo_seed_info(db, &found, NULL, &seeded, NULL, NULL, &err) < 0)
        goto fail;
    if (found && has_seed && seed != seeded) {
        fprintf(stderr, "cspd demo: this database was seeded with --seed %" PRIu64 ", not %"
                PRIu64 "; seed a database with that seed first\n", seeded, seed);
        db_close(db);
        return 1;
    }
    if (demo_files(db, out, stdout, &n, &err) < 0)
        goto fail;
    db_close(db);
    return 0;
fail:
    cli_report("demo", &err);
    db_close(db);
    return 1;
}

static int cmd_clock(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'b'},
        {NULL, 0, NULL, 0},
    };
    const char *db_arg = NULL;
    struct err err;
    struct db *db = NULL;
    instant_t end = 0;
    bool found = false;
    char clock[INSTANT_STRLEN];
    int c;

    err_clear(&err);
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c != 'b') {
            cli_usage("demo", stderr);
            return 2;
        }
        db_arg = optarg;
    }
    if (open_db(db_arg, &db, &err))
        return 1;
    if (demo_seed_info(db, &found, &end, NULL, NULL, NULL, &err) < 0) {
        cli_report("demo", &err);
        db_close(db);
        return 1;
    }
    db_close(db);
    if (!found) {
        fprintf(stderr, "cspd demo: this database holds no demo seed\n");
        return 1;
    }
    instant_format(end, clock);
    printf("%s\n", clock);
    return 0;
}

int cmd_demo(int argc, char **argv)
{
    if (argc < 2)
        return usage_error("which one: seed, files or clock?", NULL);
    if (strcmp(argv[1], "seed") == 0)
        return cmd_seed(argc - 1, argv + 1);
    if (strcmp(argv[1], "files") == 0)
        return cmd_files(argc - 1, argv + 1);
    if (strcmp(argv[1], "clock") == 0)
        return cmd_clock(argc - 1, argv + 1);
    return usage_error("unknown subcommand", argv[1]);
}
