/*
 * cli/cmd_scenario.c — `cspd scenario run [--print] FILE...`: run billing scenarios on the real
 * engine and compare with their `expect` block (contract: ../shared/domain/scenarios.md; user
 * guide: docs/scenarios.md).
 *
 * One line per file, "ok FILE" or "FAIL FILE" followed by an indented diff (or the reason the
 * file is invalid), then "N passed, N failed". Exit status: 0 all match, 1 a mismatch or an
 * engine failure, 2 an invalid file or a usage error. --print writes what the engine computed
 * as JSON instead of comparing.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/log.h"
#include "io/scenario.h"

enum { FILE_OK = 0, FILE_MISMATCH = 1, FILE_INVALID = 2, FILE_ENGINE = 3 };

static int run_file(struct scenario_store **store, const char *path, bool print)
{
    struct scenario sc;
    struct scenario_result res;
    struct err err;
    int rc;

    err_clear(&err);
    if (scenario_load(path, &sc, &err) < 0) {
        printf("FAIL %s\n  invalid scenario file: %s\n", path, err.msg);
        return FILE_INVALID;
    }
    if (!print && !sc.has_expect) {
        printf("FAIL %s\n  invalid scenario file: no \"expect\" block to compare with "
               "(use --print to see what the engine computes)\n", path);
        scenario_release(&sc);
        return FILE_INVALID;
    }
    if (!*store && scenario_store_open(store, &err) < 0) {
        printf("FAIL %s\n  the engine failed: %s (%s)\n", path, err.msg, err_reason(&err));
        scenario_release(&sc);
        return FILE_ENGINE;
    }
    if (scenario_run_in(*store, &sc, &res, &err) < 0) {
        printf("FAIL %s\n  the engine failed: %s (%s)\n", path, err.msg, err_reason(&err));
        scenario_release(&sc);
        return FILE_ENGINE;
    }
    if (print) {
        json_t *j = scenario_result_json(&sc, &res);
        char *s = json_dumps(j, JSON_INDENT(1) | JSON_PRESERVE_ORDER);

        printf("%s\n", s ? s : "{}");
        free(s);
        json_decref(j);
        rc = FILE_OK;
    } else {
        char *diff = NULL;
        size_t len = 0;
        FILE *mem = open_memstream(&diff, &len);

        rc = scenario_check(&sc, &res, mem ? mem : stdout) ? FILE_MISMATCH : FILE_OK;
        if (mem)
            fclose(mem);
        printf("%s %s\n", rc == FILE_OK ? "ok" : "FAIL", path);
        if (rc != FILE_OK && diff)
            fputs(diff, stdout);
        free(diff);
    }
    scenario_result_release(&res);
    scenario_release(&sc);
    return rc;
}

int cmd_scenario(int argc, char **argv)
{
    static const struct option opts[] = {
        {"print", no_argument, NULL, 'p'},
        {NULL, 0, NULL, 0},
    };
    struct scenario_store *store = NULL;
    bool print = false;
    int c, passed = 0, failed = 0, worst = 0;

    if (argc < 2 || strcmp(argv[1], "run") != 0) {
        cli_usage("scenario", stderr);
        return 2;
    }
    argc--;
    argv++;
    optind = 1;
    while ((c = getopt_long(argc, argv, "p", opts, NULL)) != -1) {
        if (c != 'p') {
            cli_usage("scenario", stderr);
            return 2;
        }
        print = true;
    }
    if (optind >= argc) {
        fprintf(stderr, "cspd scenario: no scenario file given\n");
        cli_usage("scenario", stderr);
        return 2;
    }
    /* the engine's operator warnings (a dead end at renewal, ...) are part of what a
     * scenario checks through its lines and states, not news for this terminal */
    log_set_level(LOG_ERROR);
    for (int i = optind; i < argc; i++) {
        int rc = run_file(&store, argv[i], print);

        if (rc == FILE_OK)
            passed++;
        else
            failed++;
        if (rc == FILE_INVALID)
            worst = 2;
        else if (rc != FILE_OK && worst == 0)
            worst = 1;
    }
    scenario_store_close(store);
    fflush(stdout);
    if (!print || failed)
        printf("%d passed, %d failed\n", passed, failed);
    return worst;
}
