/*
 * cli/cmd_partners.c — `cspd partners`: the operator's view of partners and relationships,
 * and the flag-to-document helper `cspd customers` shares.
 *
 *   cspd partners list [--kind KIND] [--db PATH]
 *   cspd partners show ID [--db PATH]
 *   cspd partners create --kind KIND --name NAME --country CC --currency CUR [FACTS] [--db PATH]
 *   cspd partners relate --distributor ID --reseller ID [--db PATH]
 *   cspd partners check [ID] [--date YYYY-MM-DD] [--db PATH]
 *
 * The CLI is the installation's operator (SCOPE_INSTALLATION) and goes through svc/party.h
 * like the API: flags become the same JSON document the API takes (--pla-id → "pla_id"), so
 * validation, rules and audit rows are the API's. `show` prints that JSON; `check` prints the
 * FY26 compliance report (docs/parties.md). Output goes to stdout, errors to stderr.
 * Exit status: 0 done, 1 the operation failed (or was refused), 2 usage error.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "core/id.h"
#include "store/db.h"
#include "svc/party.h"

#define MAX_FLAGS 40

static int usage_error(const char *cmd, const char *fmt, const char *arg)
    __attribute__((format(printf, 2, 0)));

static int usage_error(const char *cmd, const char *fmt, const char *arg)
{
    fprintf(stderr, "cspd %s: ", cmd);
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "; see 'cspd %s --help'\n", cmd);
    return 2;
}

/* A non-negative whole number of at most 9 digits, without strtol (STYLE.md 9). */
static int parse_count(const char *s, json_int_t *out)
{
    json_int_t v = 0;
    size_t n = strlen(s);

    if (n == 0 || n > 9 || strspn(s, "0123456789") != n)
        return -1;
    for (; *s; s++)
        v = v * 10 + (*s - '0');
    *out = v;
    return 0;
}

/* Add one flag's value to the body by its type. */
static int put_flag(const struct cli_party_flag *f, const char *arg, json_t *body)
{
    json_int_t n;
    json_t *v = NULL;

    switch (f->type) {
    case 's':
        v = json_string(arg);
        break;
    case 't':
        v = json_true();
        break;
    case 'c':
        v = json_string(f->value);
        break;
    case 'i':
        if (parse_count(arg, &n) < 0)
            return -1;
        v = json_integer(n);
        break;
    case 'l': {
        const char *p = arg;

        v = json_array();
        while (v && *p) {
            size_t len = strcspn(p, ",");

            json_array_append_new(v, json_stringn(p, len));
            p += len + (p[len] == ',');
        }
        break;
    }
    default:
        return -1;
    }
    return v && json_object_set_new(body, f->key, v) == 0 ? 0 : -1;
}

int cli_party_args(const char *cmd, int argc, char **argv, const struct cli_party_flag *flags,
                   json_t **body, struct cli_party_common *common, const char **pos,
                   int npos)
{
    struct option opts[MAX_FLAGS + 3];
    int n = 0, c, got = 0;

    *body = json_object();
    memset(common, 0, sizeof(*common));
    if (!*body) {
        fprintf(stderr, "cspd %s: out of memory\n", cmd);
        return 1;
    }
    for (; flags && flags[n].flag && n < MAX_FLAGS; n++)
        opts[n] = (struct option){flags[n].flag,
                                  strchr("tc", flags[n].type) ? no_argument : required_argument,
                                  NULL, 256 + n};
    opts[n] = (struct option){"db", required_argument, NULL, 'd'};
    opts[n + 1] = (struct option){"date", required_argument, NULL, 'D'};
    opts[n + 2] = (struct option){NULL, 0, NULL, 0};
    opterr = 0;
    optind = 2; /* argv[0] the command, argv[1] the action */
    while ((c = getopt_long(argc, argv, "-:", opts, NULL)) != -1) {
        if (c == 1) {
            if (got == npos)
                return usage_error(cmd, "unexpected argument '%s'", optarg);
            pos[got++] = optarg;
        } else if (c == 'd') {
            common->db = optarg;
        } else if (c == 'D') {
            common->date = optarg;
        } else if (c >= 256 && c < 256 + n) {
            if (put_flag(&flags[c - 256], optarg, *body) < 0)
                return usage_error(cmd, "bad value for --%s", flags[c - 256].flag);
        } else if (c == ':') {
            return usage_error(cmd, "option '%s' needs a value", argv[optind - 1]);
        } else {
            return usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
        }
    }
    for (int i = got; i < npos; i++)
        pos[i] = NULL;
    return 0;
}

int cli_party_open(const struct cli_party_common *common, struct db **db, instant_t *now,
                   struct err *err)
{
    if (cli_now(NULL, now, err) < 0)
        return -1;
    if (common->date) {
        struct date d;

        if (date_parse_cstr(common->date, &d, err) < 0)
            return err_set(err, ERR_INVALID, "date", "--date wants YYYY-MM-DD");
        *now = instant_from_date(d);
    }
    if (id_init(err) < 0 || db_open(cli_db_path(common->db), db, err) < 0)
        return -1;
    if (db_migrate(*db, err) < 0) {
        db_close(*db);
        return -1;
    }
    return 0;
}

void cli_party_print_json(json_t *j)
{
    char *text = j ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;

    if (text) {
        puts(text);
        free(text);
    }
    json_decref(j);
}

/* ---- list, show, create, relate ------------------------------------------------------- */

static int print_partner_row(void *ctx, const struct party_partner *pp)
{
    const char *region = program_partner_region(&pp->p);

    (void)ctx;
    printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\n", pp->p.id, partner_kind_name(pp->p.kind), pp->p.name,
           pp->p.country, region ? region : "-", partner_status_name(pp->p.status),
           pp->p.mpa_accepted ? "mpa" : "no-mpa");
    return 0;
}

static const struct cli_party_flag partner_flags[] = {
    {"kind", "kind", 's', NULL},
    {"name", "name", 's', NULL},
    {"country", "country", 's', NULL},
    {"region", "region", 's', NULL},
    {"currency", "currency", 's', NULL},
    {"pga-id", "pga_id", 's', NULL},
    {"pla-id", "pla_id", 's', NULL},
    {"pla-verified", "pla_verified", 't', NULL},
    {"csp-tenant-id", "csp_tenant_id", 's', NULL},
    {"csp-tenant-active", "csp_tenant_active", 't', NULL},
    {"status", "status", 's', NULL},
    {"onboarded-on", "onboarded_on", 's', NULL},
    {"security-contact", "security_contact", 's', NULL},
    {"designations", "designations", 'l', NULL},
    {"support-plan", "support_plan", 's', NULL},
    {"ttm-revenue-usd", "ttm_revenue_usd", 's', NULL},
    {"alert-response-minutes", "alert_response_minutes", 'i', NULL},
    {"reseller-months", "reseller_months", 'i', NULL},
    {"business-email", "business_email", 't', NULL},
    {"mpa-accepted-on", "mpa_accepted_on", 's', NULL},
    {"mpa-accepted-by", "mpa_accepted_by", 's', NULL},
    {"distributor", "distributor_id", 's', NULL},
    {"reseller", "reseller_id", 's', NULL},
    {NULL, NULL, 0, NULL},
};

/* Create, then record the MPA when --mpa-accepted-on/--mpa-accepted-by were given. */
static int create(struct db *db, const struct scope *s, instant_t now, json_t *body,
                  struct err *err)
{
    json_t *on = json_incref(json_object_get(body, "mpa_accepted_on"));
    json_t *by = json_incref(json_object_get(body, "mpa_accepted_by"));
    struct party_partner out;
    int rc = -1;

    json_object_del(body, "mpa_accepted_on");
    json_object_del(body, "mpa_accepted_by");
    if (svc_partner_create(db, s, now, body, &out, err) < 0)
        goto done;
    if (on || by) {
        json_t *mpa = json_object();

        if (on)
            json_object_set(mpa, "accepted_on", on);
        if (by)
            json_object_set(mpa, "accepted_by", by);
        rc = svc_partner_accept_mpa(db, s, now, out.p.id, mpa, &out, err);
        json_decref(mpa);
        if (rc < 0) {
            fprintf(stderr, "cspd partners: partner %s was created, but its MPA was not "
                    "recorded\n", out.p.id);
            goto done;
        }
    }
    print_partner_row(NULL, &out);
    rc = 0;
done:
    json_decref(on);
    json_decref(by);
    return rc;
}

static int relate(struct db *db, const struct scope *s, instant_t now, json_t *body,
                  struct err *err)
{
    struct party_relationship out;

    if (svc_relationship_establish(db, s, now, body, &out, err) < 0)
        return -1;
    printf("%s\t%s\t%s\t%s\n", out.id, out.distributor_id, out.reseller_id, out.region);
    return 0;
}

/* ---- check ----------------------------------------------------------------------------- */

static const char *month_name(int m)
{
    static const char *const names[] = {
        "January", "February", "March", "April", "May", "June", "July", "August",
        "September", "October", "November", "December",
    };

    return m >= 1 && m <= 12 ? names[m - 1] : "?";
}

static void print_report(const struct party_compliance *c)
{
    const struct auth_report *r = &c->report;
    char day[DATE_STRLEN];
    bool first = true;

    printf("%s  %s (%s, %s)\n", c->partner.p.id, c->partner.p.name,
           partner_kind_name(c->partner.p.kind), partner_status_name(c->partner.p.status));
    printf("  overall: %s (%zu met, %zu not met, %zu unknown)\n",
           c->overall == AUTH_MET ? "met" : c->overall == AUTH_NOT_MET ? "not met" : "unknown",
           r->met, r->not_met, r->unknown);
    if (c->ttm_source)
        printf("  trailing-12-month revenue from: %s\n", c->ttm_source);
    for (size_t i = 0; i < r->n; i++)
        printf("  %-10s %-30s %s\n",
               r->results[i].state == AUTH_MET ? "[met]"
               : r->results[i].state == AUTH_NOT_MET ? "[not met]" : "[unknown]",
               r->results[i].req->id, r->results[i].detail);
    printf("  missing:");
    for (size_t i = 0; i < r->n; i++)
        if (r->results[i].state != AUTH_MET) {
            printf("%s %s", first ? "" : ",", r->results[i].req->id);
            first = false;
        }
    printf("%s\n", first ? " nothing" : "");
    if (c->reassessment_month) {
        date_format(c->next_reassessment, day);
        printf("  reassessment: every %s; next %s\n", month_name(c->reassessment_month), day);
    } else {
        printf("  reassessment: unknown (onboarding date not recorded)\n");
    }
    if (c->remediation_basis) {
        date_format(c->remediation_deadline, day);
        printf("  remediation deadline: %s (%s)\n", day,
               strcmp(c->remediation_basis, "failed_reassessment") == 0
                   ? "30 days after the failed reassessment"
                   : "30 days after the next reassessment, if still not met then");
    }
}

struct check_ctx {
    struct db *db;
    const struct scope *s;
    instant_t now;
    int failed;
    struct err *err;
};

static int check_one(struct check_ctx *cc, const char *id)
{
    struct party_compliance rep;

    if (svc_partner_compliance(cc->db, cc->s, cc->now, id, &rep, cc->err) < 0)
        return -1;
    print_report(&rep);
    return 0;
}

/* Collect ids first: a report reads the store, which a running list walk holds. */
struct id_list {
    size_t n;
    char (*ids)[ID_MAXLEN];
};

static int collect_id(void *ctx, const struct party_partner *p)
{
    struct id_list *l = ctx;
    char (*grown)[ID_MAXLEN] = realloc(l->ids, (l->n + 1) * sizeof(*l->ids));

    if (!grown)
        return -1;
    l->ids = grown;
    memcpy(l->ids[l->n++], p->p.id, ID_MAXLEN);
    return 0;
}

static int check(struct db *db, const struct scope *s, instant_t now, const char *id,
                 struct err *err)
{
    struct check_ctx cc = {db, s, now, 0, err};
    struct id_list l = {0, NULL};
    int rc = 0;

    if (id)
        return check_one(&cc, id);
    if (svc_partner_list(db, s, NULL, collect_id, &l, NULL, err) < 0) {
        if (err->code == ERR_OK)
            err_set(err, ERR_NOMEM, "", "out of memory");
        free(l.ids);
        return -1;
    }
    for (size_t i = 0; i < l.n && rc == 0; i++) {
        if (i)
            putchar('\n');
        rc = check_one(&cc, l.ids[i]);
    }
    if (l.n == 0)
        printf("no partners\n");
    free(l.ids);
    return rc;
}

int cmd_partners(int argc, char **argv)
{
    struct cli_party_common common;
    const char *action, *pos[1];
    struct party_partner out;
    struct party_filter f;
    struct scope s;
    struct err err;
    struct db *db;
    instant_t now;
    json_t *body;
    int rc;

    if (argc < 2) {
        cli_usage("partners", stderr);
        return 2;
    }
    action = argv[1];
    if (strcmp(action, "list") != 0 && strcmp(action, "show") != 0 &&
        strcmp(action, "create") != 0 && strcmp(action, "relate") != 0 &&
        strcmp(action, "check") != 0)
        return usage_error("partners", "unknown action '%s'", action);
    rc = cli_party_args("partners", argc, argv, partner_flags, &body, &common, pos, 1);
    if (rc != 0) {
        json_decref(body);
        return rc;
    }
    if (strcmp(action, "show") == 0 && !pos[0]) {
        json_decref(body);
        return usage_error("partners", "%s needs a partner id", action);
    }
    if (pos[0] && strcmp(action, "show") != 0 && strcmp(action, "check") != 0) {
        json_decref(body);
        return usage_error("partners", "unexpected argument '%s'", pos[0]);
    }
    err_clear(&err);
    scope_init_installation(&s);
    if (cli_party_open(&common, &db, &now, &err) < 0) {
        json_decref(body);
        cli_report("partners", &err);
        return 1;
    }
    memset(&f, 0, sizeof(f));
    if (strcmp(action, "list") == 0) {
        const char *kind = json_string_value(json_object_get(body, "kind"));

        rc = kind && partner_kind_parse(kind, &f.kind, &err) < 0
                 ? -1 : svc_partner_list(db, &s, &f, print_partner_row, NULL, NULL, &err);
    } else if (strcmp(action, "show") == 0) {
        rc = svc_partner_get(db, &s, pos[0], &out, &err);
        if (rc == 0)
            cli_party_print_json(party_partner_to_json(&out));
    } else if (strcmp(action, "create") == 0) {
        rc = create(db, &s, now, body, &err);
    } else if (strcmp(action, "relate") == 0) {
        rc = relate(db, &s, now, body, &err);
    } else {
        rc = check(db, &s, now, pos[0], &err);
    }
    db_close(db);
    json_decref(body);
    if (rc < 0) {
        cli_report("partners", &err);
        return 1;
    }
    return 0;
}
