/*
 * cli/cmd_users.c — `cspd users`: the operator's way to create users and the installation's
 * first owner without the API.
 *
 *   cspd users bootstrap --email E [--db PATH]
 *   cspd users create --email E --role R [--partner ID | --customer ID] [--db PATH]
 *   cspd users list [--partner ID] [--db PATH]
 *
 * The CLI acts as the installation's operator (SCOPE_INSTALLATION, ROLE_OPERATOR) through the
 * same service functions as the API (svc/auth_admin.h), so the same rules and audit rows
 * apply. A created user's generated password — and for owners and admins the TOTP enrolment
 * URI — is printed once on stdout and never stored or logged; stderr gets errors only.
 * Exit status: 0 done, 1 the operation failed, 2 usage error.
 */
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "core/id.h"
#include "store/db.h"
#include "svc/auth_admin.h"

struct users_opts {
    const char *db, *email, *role, *partner, *customer;
};

static int usage(const char *fmt, const char *arg)
{
    fputs("cspd users: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("; see 'cspd users --help'\n", stderr);
    return 2;
}

static int parse(int argc, char **argv, struct users_opts *o)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},       {"email", required_argument, NULL, 'e'},
        {"role", required_argument, NULL, 'r'},     {"partner", required_argument, NULL, 'p'},
        {"customer", required_argument, NULL, 'c'}, {NULL, 0, NULL, 0},
    };
    int c;

    memset(o, 0, sizeof(*o));
    opterr = 0;
    optind = 2; /* argv[0] "users", argv[1] the action */
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (c) {
        case 'd': o->db = optarg; break;
        case 'e': o->email = optarg; break;
        case 'r': o->role = optarg; break;
        case 'p': o->partner = optarg; break;
        case 'c': o->customer = optarg; break;
        case ':': return usage("option '%s' needs a value", argv[optind - 1]);
        default: return usage("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return usage("unexpected argument '%s'", argv[optind]);
    return 0;
}

static int open_db(const struct users_opts *o, struct db **db, struct err *err)
{
    if (id_init(err) < 0 || db_open(cli_db_path(o->db), db, err) < 0)
        return -1;
    if (db_migrate(*db, err) < 0) {
        db_close(*db);
        return -1;
    }
    return 0;
}

static void print_created(const struct auth_user_created *out)
{
    const struct user *u = &out->user;

    printf("created user %s <%s> role %s", u->id, u->email, user_role_name(u->role));
    if (u->partner_id[0])
        printf(" partner %s", u->partner_id);
    else if (u->customer_id[0])
        printf(" customer %s", u->customer_id);
    else
        printf(" (installation)");
    printf("\npassword: %s\n", out->password);
    if (out->has_totp)
        printf("totp: %s\n", out->totp_uri);
    printf("%s shown only once; change the password after the first sign-in.\n",
           out->has_totp ? "The password and the TOTP URI are" : "The password is");
    if (out->has_totp)
        printf("This role must sign in with TOTP: scan the URI into an authenticator app.\n");
    fflush(stdout);
}

static int print_user(const struct user *u, void *arg)
{
    (void)arg;
    printf("%s\t%s\t%s\t%s\t%s\t%s\n", u->id, u->email, user_role_name(u->role),
           u->partner_id[0] ? u->partner_id : u->customer_id[0] ? u->customer_id : "-",
           u->mfa_enabled ? "mfa" : "no-mfa", u->disabled_at ? "disabled" : "active");
    return 0;
}

static int run(const char *action, const struct users_opts *o, struct err *err)
{
    struct auth_user_created out;
    struct auth_user_new req;
    struct scope scope;
    struct db *db;
    instant_t now;
    int rc;

    if (cli_now(NULL, &now, err) < 0 || open_db(o, &db, err) < 0)
        return -1;
    scope_init_installation(&scope);
    if (strcmp(action, "bootstrap") == 0) {
        rc = auth_user_bootstrap(db, o->email, now, &out, err);
        if (rc == 0)
            print_created(&out);
    } else if (strcmp(action, "create") == 0) {
        memset(&req, 0, sizeof(req));
        req.email = o->email;
        req.partner_id = o->partner;
        req.customer_id = o->customer;
        if (user_role_parse(o->role, &req.role) != 0 || req.role == ROLE_OPERATOR) {
            err_set(err, ERR_INVALID, "role", "--role must be owner, admin, billing, sales, "
                    "read_only or portal");
            rc = -1;
        } else {
            rc = auth_user_create(db, &scope, &req, now, &out, err);
            if (rc == 0)
                print_created(&out);
        }
    } else {
        if (o->partner) {
            scope.kind = SCOPE_PARTNER;
            snprintf(scope.partner_id, sizeof(scope.partner_id), "%s", o->partner);
        }
        rc = repo_user_list(db, &scope, 100000, print_user, NULL, err);
    }
    sodium_memzero(&out, sizeof(out));
    db_close(db);
    return rc;
}

int cmd_users(int argc, char **argv)
{
    struct users_opts o;
    struct err err;
    const char *action;
    int rc;

    if (argc < 2) {
        cli_usage("users", stderr);
        return 2;
    }
    action = argv[1];
    if (strcmp(action, "create") != 0 && strcmp(action, "bootstrap") != 0 &&
        strcmp(action, "list") != 0)
        return usage("unknown action '%s'", action);
    if ((rc = parse(argc, argv, &o)) != 0)
        return rc;
    if (strcmp(action, "list") != 0 && !o.email)
        return usage("%s needs --email", action);
    if (strcmp(action, "create") == 0 && !o.role)
        return usage("%s needs --role", action);
    if (strcmp(action, "create") != 0 && (o.role || o.customer))
        return usage("%s takes no --role or --customer", action);
    if (strcmp(action, "bootstrap") == 0 && o.partner)
        return usage("%s takes no --partner: it makes the installation's first owner", action);
    err_clear(&err);
    if (run(action, &o, &err) < 0) {
        cli_report("users", &err);
        return 1;
    }
    return 0;
}
