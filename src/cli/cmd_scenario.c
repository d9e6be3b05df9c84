/*
 * cli/cmd_scenario.c — placeholder until its issue lands; replaced by the real command.
 */
#include "cli/cli.h"

int cmd_scenario(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "cspd scenario: not built yet\n");
    return 1;
}
