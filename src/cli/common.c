/*
 * cli/common.c — helpers every subcommand shares: error reports, usage text, --db resolution,
 * and `cspd version`.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/clock.h"

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
    const char *first, *end;

    if (!c)
        return;
    if (out != stderr) {
        fputs(c->usage, out);
        return;
    }
    /* A usage error: one line with the synopsis and where the full help is, not the page. */
    first = strncmp(c->usage, "usage: ", 7) == 0 ? c->usage + 7 : c->usage;
    end = strchr(first, '\n');
    fprintf(stderr, "cspd %s: invalid arguments; usage: %.*s (see 'cspd %s --help')\n", cmd,
            (int)(end ? end - first : (ptrdiff_t)strlen(first)), first, cmd);
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

int cli_now(const char *at, instant_t *now, struct err *err)
{
    const char *env = getenv("CSPD_NOW");
    struct clock c;
    struct err why;

    err_clear(&why);
    if (at) {
        if (instant_parse_cstr(at, now, &why) < 0)
            return err_set(err, ERR_PARSE, "at", "--at %s: %s", at, why.msg);
        return 0;
    }
    if (env && *env) {
        if (instant_parse_cstr(env, now, &why) < 0)
            return err_set(err, ERR_PARSE, "CSPD_NOW", "CSPD_NOW=%s: %s", env, why.msg);
        return 0;
    }
    clock_init_real(&c);
    *now = clock_now(&c);
    return 0;
}

int cmd_version(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("cspd %s\n", CSPD_VERSION);
    return 0;
}
