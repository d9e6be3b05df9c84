/*
 * cli/cli.h — the subcommands of `cspd` and the small helpers they share.
 *
 * Every subcommand is one `cmd_*` function with the signature of `cmd_fn`, listed once in the
 * table in main.c with its synopsis and help (git's commands[] habit). A command returns the
 * process exit status: 0 success, 1 failure of the operation, 2 usage error. Commands parse
 * their own flags with getopt_long and print `--help` text from their table entry.
 */
#ifndef CSPD_CLI_CLI_H
#define CSPD_CLI_CLI_H

#include <stdio.h>

#include "core/date.h"
#include "core/err.h"

typedef int (*cmd_fn)(int argc, char **argv);

struct cli_command {
    const char *name;     /* "serve", "db", "scenario" */
    cmd_fn fn;
    const char *synopsis; /* one line for `cspd --help` */
    const char *usage;    /* full text for `cspd NAME --help` */
};

/* Look a command up (NULL if unknown) and list them all (NULL-terminated by name). */
const struct cli_command *cli_find_command(const char *name);
const struct cli_command *cli_commands(void);

/* Print "cspd NAME: message" for an error, as every command reports failures. */
void cli_report(const char *cmd, const struct err *e);
/*
 * The command's usage: the whole text to stdout (--help); to stderr (a usage error) one line,
 * "cspd CMD: invalid arguments; usage: <synopsis> (see 'cspd CMD --help')".
 */
void cli_usage(const char *cmd, FILE *out);
/* True when argv holds -h or --help before any "--". */
int cli_wants_help(int argc, char **argv);

/* The database to use: --db if given, else $CSPD_DB, else "var/cspd.db". */
const char *cli_db_path(const char *flag_value);

int cmd_version(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_db(int argc, char **argv);
int cmd_scenario(int argc, char **argv);
int cmd_day(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_invoice(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_pricelist(int argc, char **argv);
int cmd_catalog(int argc, char **argv);
int cmd_recon(int argc, char **argv);
/* `cspd import recon FILE ...` (cmd_import.c hands argv from "recon" on). */
int cmd_recon_import(int argc, char **argv);
int cmd_users(int argc, char **argv);
int cmd_partners(int argc, char **argv);
int cmd_customers(int argc, char **argv);
int cmd_margins(int argc, char **argv);
int cmd_reports(int argc, char **argv);
/* `cspd subs …` and `cspd charges verify` (cmd_subs.c). */
int cmd_subs(int argc, char **argv);
int cmd_charges(int argc, char **argv);

/*
 * Shared by the billing commands (cmd_invoice.c, cmd_margins.c, cmd_reports.c): open an
 * existing, migrated database (never created here).
 */
struct db;
int cli_bill_open(const char *db_arg, struct db **db, struct err *err);

/*
 * The business "now" of a command — the one place the CLI takes time from: the command's
 * --at INSTANT when given (`at` not NULL), else $CSPD_NOW when set (so a shell session or a
 * script runs on a demo clock, as `cspd serve --clock` does), else the real clock. An
 * unparsable value is ERR_PARSE naming "at" or "CSPD_NOW".
 */
int cli_now(const char *at, instant_t *now, struct err *err);

/*
 * Shared by `cspd partners` and `cspd customers` (cmd_partners.c): flags become the JSON
 * document the API takes, so both edges validate alike. A flag's type: 's' string, 't' a
 * switch that sets true, 'c' a switch that sets the string `value`, 'i' a whole number, 'l' a
 * comma-separated list.
 */
struct cli_party_flag {
    const char *flag;    /* "pla-id" */
    const char *key;     /* "pla_id" */
    char type;
    const char *value;   /* 'c' only */
};
struct cli_party_common {
    const char *db;      /* --db */
    const char *date;    /* --date YYYY-MM-DD: the day taken as now */
};
struct json_t;
struct db;
/* Parse argv[2..]: flags into a new *body, --db/--date into *common, up to `npos` positional
 * arguments into pos[] (NULL when absent). 0, or the exit status of a usage error. */
int cli_party_args(const char *cmd, int argc, char **argv, const struct cli_party_flag *flags,
                   struct json_t **body, struct cli_party_common *common, const char **pos,
                   int npos);
/* Open and migrate the database; *now is the real clock, or --date's day at 00:00Z. */
int cli_party_open(const struct cli_party_common *common, struct db **db, instant_t *now,
                   struct err *err);
/* Print a JSON value indented on stdout; steals it. */
void cli_party_print_json(struct json_t *j);

#endif
