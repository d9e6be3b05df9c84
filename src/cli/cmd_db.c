/*
 * cli/cmd_db.c — placeholder until its issue lands; replaced by the real command.
 */
#include "cli/cli.h"

int cmd_db(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "cspd db: not built yet\n");
    return 1;
}
