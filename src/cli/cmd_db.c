/*
 * cli/cmd_db.c — `cspd db migrate` and `cspd db version`: the operator's handle on the schema.
 *
 *   cspd db migrate [--db PATH]   create the database (and its directory) if needed, apply every
 *                                 pending migration, print "schema version N"
 *   cspd db version [--db PATH]   print "schema version N" of an existing database
 *
 * Both are thin: the store does the work (db_open, db_migrate, db_schema_version) and this file
 * only resolves the database (--db, $CSPD_DB, var/cspd.db via cli_db_path), parses flags and
 * reports. `version` never creates anything: a missing file is an error, not version 0.
 * Exit status: 0 done, 1 the operation failed, 2 usage error.
 */
#include <errno.h>
#include <getopt.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "store/db.h"

#define DB_DIR_MODE 0750 /* the database holds password hashes: not world-readable */

/* Create every missing directory above `file` (mkdir -p of its dirname). */
static int make_parent_dirs(const char *file, struct err *err)
{
    char path[4096];
    size_t n = strlen(file);

    if (n >= sizeof(path))
        return err_set(err, ERR_TOO_BIG, "db", "database path is too long");
    memcpy(path, file, n + 1);
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(path, DB_DIR_MODE) != 0 && errno != EEXIST)
            return err_set(err, ERR_IO, "db", "cannot create directory %s: %s", path,
                           strerror(errno));
        *p = '/';
    }
    return 0;
}

static int print_version(struct db *db, struct err *err)
{
    int version;

    if (db_schema_version(db, &version, err))
        return -1;
    printf("schema version %d\n", version);
    return 0;
}

static int run(const char *action, const char *url, struct err *err)
{
    const char *file = db_url_path(url);
    bool migrate = strcmp(action, "migrate") == 0;
    struct db *db;
    struct stat sb;
    int rc;

    if (file && migrate && make_parent_dirs(file, err))
        return -1;
    if (file && !migrate && stat(file, &sb) != 0)
        return err_set(err, ERR_NOT_FOUND, "db", "no database at %s (run 'cspd db migrate')",
                       file);
    if (db_open(url, &db, err))
        return -1;
    rc = migrate ? db_migrate(db, err) : 0;
    if (rc == 0)
        rc = print_version(db, err);
    db_close(db);
    return rc;
}

int cmd_db(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},
        {NULL, 0, NULL, 0},
    };
    const char *db_flag = NULL, *action;
    struct err err;
    int c;

    err_clear(&err);
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            db_flag = optarg;
            break;
        case ':':
            fprintf(stderr, "cspd db: option '%s' needs a value\n", argv[optind - 1]);
            return 2;
        default:
            fprintf(stderr, "cspd db: unknown option '%s'; see 'cspd db --help'\n",
                    argv[optind - 1]);
            return 2;
        }
    }
    if (optind >= argc) {
        cli_usage("db", stderr);
        return 2;
    }
    action = argv[optind];
    if (strcmp(action, "migrate") != 0 && strcmp(action, "version") != 0) {
        fprintf(stderr, "cspd db: unknown action '%s'; see 'cspd db --help'\n", action);
        return 2;
    }
    if (optind + 1 < argc) {
        fprintf(stderr, "cspd db: unexpected argument '%s'\n", argv[optind + 1]);
        return 2;
    }
    if (run(action, cli_db_path(db_flag), &err)) {
        cli_report("db", &err);
        return 1;
    }
    return 0;
}
