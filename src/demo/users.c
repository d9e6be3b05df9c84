/*
 * demo/users.c — login users for the small `make run` demo, made through the auth services
 * (svc/auth_admin.h) like `cspd users create`: argon2id passwords, TOTP enrolment URIs for
 * owners and admins (who must sign in with a code: program rule, docs/auth.md).
 *
 * The passwords come from libsodium's randombytes, which the demo routes through its seeded
 * generator (demo/rng.h): the same seed prints the same logins. Demo data only.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "demo/book.h"
#include "svc/auth_admin.h"

static void print_login(FILE *log, const char *who, const struct auth_user_created *u)
{
    if (!log)
        return;
    fprintf(log, "  %-34s %-9s %s  password %s\n", u->user.email,
            user_role_name(u->user.role), who, u->password);
    if (u->has_totp)
        fprintf(log, "  %-34s           TOTP: %s\n", "", u->totp_uri);
}

int demo_users(struct demo_book *b, struct err *err)
{
    struct {
        const char *email;
        enum user_role role;
        int partner;            /* index, -1: none */
        bool portal;            /* a user of the first customer with an MCA */
    } wanted[] = {
        {"billing@northwind.example", ROLE_BILLING, 0, false},
        {"sales@alpine-it.example", ROLE_SALES, 3, false},
        {"admin@fabrikam.example", ROLE_ADMIN, 1, false},
        {"viewer@fabrikam.example", ROLE_READ_ONLY, 1, false},
        {"it@contoso.example", ROLE_PORTAL, -1, true},
    };
    struct auth_user_created out;
    struct scope all;
    FILE *log = b->o->log;

    scope_init_installation(&all);
    memset(&out, 0, sizeof(out));
    if (auth_user_bootstrap(b->db, "owner@cspd.example", b->setup_at, &out, err) < 0) {
        if (err->code != ERR_CONFLICT)
            return -1;
        if (log)
            fprintf(log, "demo: the installation already has an owner; no logins made\n");
        err_clear(err);
        return 0;
    }
    if (log)
        fprintf(log, "Demo logins (sign in with POST /v1/sessions {email, password, totp}; "
                "owners and admins need the TOTP code; docs/auth.md):\n");
    print_login(log, "installation", &out);
    b->st->users++;
    for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++) {
        struct auth_user_new req;
        char who[96];

        memset(&req, 0, sizeof(req));
        req.email = wanted[i].email;
        req.role = wanted[i].role;
        if (wanted[i].portal) {
            long c = 0;

            while (c < b->ncustomers && !b->customers[c].mca)
                c++;
            if (c == b->ncustomers)
                continue;
            req.customer_id = b->customers[c].id;
            snprintf(who, sizeof(who), "portal of customer %s", b->customers[c].id);
        } else {
            if (wanted[i].partner >= b->npartners)
                continue;
            req.partner_id = b->partners[wanted[i].partner].id;
            snprintf(who, sizeof(who), "%s", b->partners[wanted[i].partner].name);
        }
        sodium_memzero(&out, sizeof(out));
        if (auth_user_create(b->db, &all, &req, b->setup_at, &out, err) < 0)
            return -1;
        print_login(log, who, &out);
        b->st->users++;
    }
    sodium_memzero(&out, sizeof(out));
    return 0;
}
