/*
 * cli/cmd_day.c — placeholder until its issue lands; replaced by the real command.
 */
#include "cli/cli.h"

int cmd_day(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "cspd day: not built yet\n");
    return 1;
}
