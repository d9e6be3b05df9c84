/*
 * cli/cmd_customers.c — `cspd customers`: list, show and create customers and record their
 * Microsoft Customer Agreement, as the installation's operator.
 *
 *   cspd customers list [--partner ID] [--db PATH]
 *   cspd customers show ID [--db PATH]
 *   cspd customers create --name N --country CC --currency CUR
 *                         (--partner ID | --distributor ID --reseller ID) [MORE] [--db PATH]
 *   cspd customers mca ID (--accepted | --attested) [--on DATE] [--first-name F]
 *                         [--last-name L] [--email E] [--phone P] [--version V]
 *                         [--attested-by ID] [--db PATH]
 *
 * Flags become the API's JSON document (cli_party_args in cmd_partners.c) and go through
 * svc/party.h, so the program rules refuse here exactly as over HTTP: the refusal's reason
 * code is printed in parentheses. `show` prints the customer's JSON, MCA validity included.
 * Exit status: 0 done, 1 the operation failed (or was refused), 2 usage error.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "store/db.h"
#include "svc/party.h"

static const struct cli_party_flag customer_flags[] = {
    {"name", "name", 's', NULL},
    {"country", "country", 's', NULL},
    {"market", "market", 's', NULL},
    {"currency", "billing_currency", 's', NULL},
    {"tenant-id", "tenant_id", 's', NULL},
    {"domain", "domain", 's', NULL},
    {"partner", "partner_id", 's', NULL},
    {"distributor", "distributor_id", 's', NULL},
    {"reseller", "reseller_id", 's', NULL},
    {"credit-limit", "credit_limit", 's', NULL},
    {"portal", "portal_enabled", 't', NULL},
    {"affiliated-pga-id", "affiliated_pga_id", 's', NULL},
    {"csp-transacting-tenant", "csp_transacting_tenant", 't', NULL},
    /* mca */
    {"accepted", "status", 'c', "accepted"},
    {"attested", "status", 'c', "attested"},
    {"on", "accepted_on", 's', NULL},
    {"first-name", "signer_first_name", 's', NULL},
    {"last-name", "signer_last_name", 's', NULL},
    {"email", "signer_email", 's', NULL},
    {"phone", "signer_phone", 's', NULL},
    {"version", "agreement_version", 's', NULL},
    {"attested-by", "attested_by", 's', NULL},
    {NULL, NULL, 0, NULL},
};

static int usage_error(const char *fmt, const char *arg) __attribute__((format(printf, 1, 0)));

static int usage_error(const char *fmt, const char *arg)
{
    fputs("cspd customers: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("; see 'cspd customers --help'\n", stderr);
    return 2;
}

static int print_row(void *ctx, const struct party_customer *c)
{
    const instant_t *now = ctx;

    printf("%s\t%s\t%s\t%s\t%s\t%s\tmca:%s%s\n", c->c.id, c->c.name, c->c.country,
           c->billing_currency, c->owner_partner_id, c->reseller_id[0] ? c->reseller_id : "-",
           mca_status_name(c->c.mca.status), program_mca_valid(&c->c, *now) ? "" : "(invalid)");
    return 0;
}

/* Which keys of the flag table an action accepts; the rest are usage errors. */
static bool mca_key(const char *key)
{
    static const char *const keys[] = {
        "status", "accepted_on", "signer_first_name", "signer_last_name", "signer_email",
        "signer_phone", "agreement_version", "attested_by", NULL,
    };

    for (const char *const *k = keys; *k; k++)
        if (strcmp(*k, key) == 0)
            return true;
    return false;
}

static int check_keys(const char *action, json_t *body)
{
    bool mca = strcmp(action, "mca") == 0;
    const char *key;
    json_t *v;

    json_object_foreach(body, key, v) {
        bool ok = strcmp(action, "list") == 0 ? strcmp(key, "partner_id") == 0
                  : strcmp(action, "show") == 0 ? false
                  : mca ? mca_key(key) : !mca_key(key);

        if (!ok)
            return usage_error("an option given does not apply to '%s'", action);
    }
    return 0;
}

static int run(const char *action, const char *id, json_t *body, struct db *db,
               instant_t now, struct err *err)
{
    struct party_customer out;
    struct party_filter f;
    struct scope s;

    scope_init_installation(&s);
    if (strcmp(action, "list") == 0) {
        memset(&f, 0, sizeof(f));
        f.partner_id = json_string_value(json_object_get(body, "partner_id"));
        return svc_customer_list(db, &s, &f, print_row, &now, NULL, err);
    }
    if (strcmp(action, "show") == 0) {
        if (svc_customer_get(db, &s, id, &out, err) < 0)
            return -1;
        cli_party_print_json(party_customer_to_json(&out, now));
        return 0;
    }
    if (strcmp(action, "create") == 0) {
        if (svc_customer_create(db, &s, now, body, &out, err) < 0)
            return -1;
        print_row(&now, &out);
        return 0;
    }
    if (svc_customer_record_mca(db, &s, now, id, body, &out, err) < 0)
        return -1;
    print_row(&now, &out);
    return 0;
}

int cmd_customers(int argc, char **argv)
{
    struct cli_party_common common;
    const char *action, *pos[1];
    struct err err;
    struct db *db;
    instant_t now;
    json_t *body;
    int rc;

    if (argc < 2) {
        cli_usage("customers", stderr);
        return 2;
    }
    action = argv[1];
    if (strcmp(action, "list") != 0 && strcmp(action, "show") != 0 &&
        strcmp(action, "create") != 0 && strcmp(action, "mca") != 0)
        return usage_error("unknown action '%s'", action);
    rc = cli_party_args("customers", argc, argv, customer_flags, &body, &common, pos, 1);
    if (rc == 0)
        rc = check_keys(action, body);
    if (rc == 0 && (strcmp(action, "show") == 0 || strcmp(action, "mca") == 0) && !pos[0])
        rc = usage_error("%s needs a customer id", action);
    if (rc == 0 && pos[0] && strcmp(action, "show") != 0 && strcmp(action, "mca") != 0)
        rc = usage_error("unexpected argument '%s'", pos[0]);
    if (rc == 0 && strcmp(action, "mca") == 0 && !json_object_get(body, "status"))
        rc = usage_error("%s needs --accepted or --attested", action);
    if (rc != 0) {
        json_decref(body);
        return rc;
    }
    err_clear(&err);
    if (cli_party_open(&common, &db, &now, &err) < 0) {
        json_decref(body);
        cli_report("customers", &err);
        return 1;
    }
    rc = run(action, pos[0], body, db, now, &err);
    db_close(db);
    json_decref(body);
    if (rc < 0) {
        cli_report("customers", &err);
        return 1;
    }
    return 0;
}
