/*
 * cli/cmd_serve.c — placeholder until its issue lands; replaced by the real command.
 */
#include "cli/cli.h"

int cmd_serve(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "cspd serve: not built yet\n");
    return 1;
}
