/*
 * cli/common.c — helpers every subcommand shares: error reports, usage text, --db resolution,
 * and `cspd version`.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

#ifndef CSPD_VERSION
#define CSPD_VERSION "0.1.0"
#endif

void cli_report(const char *cmd, const struct err *e)
{
    if (e->field[0])
        fprintf(stderr, "cspd %s: %s (%s: %s)\n", cmd, e->msg, err_reason(e), e->field);
    else
        fprintf(stderr, "cspd %s: %s (%s)\n", cmd, e->msg, err_reason(e));
}

void cli_usage(const char *cmd, FILE *out)
{
    const struct cli_command *c = cli_find_command(cmd);

    if (c)
        fputs(c->usage, out);
}

int cli_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            return 0;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
            return 1;
    }
    return 0;
}

const char *cli_db_path(const char *flag_value)
{
    const char *env;

    if (flag_value && *flag_value)
        return flag_value;
    env = getenv("CSPD_DB");
    if (env && *env)
        return env;
    return "var/cspd.db";
}

int cmd_version(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("cspd %s\n", CSPD_VERSION);
    return 0;
}
