/*
 * bench/token.c — helper for bench/4-api.sh (not a benchmark itself): print a new API token
 * for partner PARTNER_ID of database DB with role ROLE (default read_only; sales for the
 * order bench), made through the auth service (auth_token_create) exactly as POST /v1/tokens
 * would. Usage: token DB PARTNER_ID [ROLE]
 */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/id.h"
#include "store/db.h"
#include "store/scope.h"
#include "store/repo_user.h"
#include "svc/auth_admin.h"

int main(int argc, char **argv)
{
    struct auth_token_new req = {.role = ROLE_READ_ONLY, .name = "bench"};
    struct token_row row;
    struct scope all;
    struct clock clk;
    struct err err;
    struct db *db = NULL;
    char secret[AUTH_SECRET_MAX];

    err_clear(&err);
    if (argc != 3 && argc != 4) {
        fprintf(stderr, "usage: token DB PARTNER_ID [ROLE]\n");
        return 2;
    }
    if (argc == 4 && user_role_parse(argv[3], &req.role) != 0) {
        fprintf(stderr, "token: unknown role '%s'\n", argv[3]);
        return 2;
    }
    req.partner_id = argv[2];
    scope_init_installation(&all);
    clock_init_real(&clk);
    if (id_init(&err) < 0 || db_open(argv[1], &db, &err) < 0 ||
        auth_token_create(db, &all, &req, clock_now(&clk), &row, secret, &err) < 0) {
        fprintf(stderr, "token: %s\n", err.msg);
        db_close(db);
        return 1;
    }
    printf("%s\n", secret);
    db_close(db);
    return 0;
}
