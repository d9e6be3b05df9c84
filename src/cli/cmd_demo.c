/*
 * cli/cmd_demo.c — placeholder until its issue lands; replaced by the real command.
 */
#include "cli/cli.h"

int cmd_demo(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "cspd demo: not built yet\n");
    return 1;
}
