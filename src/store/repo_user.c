/*
 * store/repo_user.c — the users table: insert, the unscoped lookups sign-in needs, the scoped
 * reads the API uses, the credential columns, and "does this scope see that object" for the
 * API's 403-or-404 decision (see repo_user.h).
 *
 * Workload: a handful of users per partner; every sign-in reads one row by e-mail (unique
 * index) and every request with a session one row by id. No caching: the row is the truth
 * for disabled users and changed roles from the next request on.
 */
#include <stdio.h>
#include <string.h>

#include "store/db.h"
#include "store/repo_sub_scope.h"
#include "store/repo_user_internal.h"

#define USER_COLS                                                                          \
    "u.id, u.partner_id, u.customer_id, u.email, u.role, u.password_hash, u.totp_secret, " \
    "u.totp_pending, u.mfa_enabled, u.totp_last_step, u.disabled_at, u.created_at"

static const char *const role_names[] = {
    [ROLE_OWNER] = "owner",     [ROLE_ADMIN] = "admin",   [ROLE_BILLING] = "billing",
    [ROLE_SALES] = "sales",     [ROLE_READ_ONLY] = "read_only", [ROLE_PORTAL] = "portal",
    [ROLE_OPERATOR] = "operator",
};

const char *user_role_name(enum user_role r)
{
    if ((size_t)r < sizeof(role_names) / sizeof(role_names[0]) && role_names[r])
        return role_names[r];
    return "read_only";
}

int user_role_parse(const char *s, enum user_role *out)
{
    if (!s)
        return -1;
    if (strcmp(s, "read-only") == 0) {
        *out = ROLE_READ_ONLY;
        return 0;
    }
    for (size_t i = 0; i < sizeof(role_names) / sizeof(role_names[0]); i++) {
        if (role_names[i] && strcmp(s, role_names[i]) == 0) {
            *out = (enum user_role)i;
            return 0;
        }
    }
    return -1;
}

static void read_user(struct db_stmt *st, struct user *u)
{
    char role[32];

    memset(u, 0, sizeof(*u));
    ru_col_copy(st, 0, u->id, sizeof(u->id));
    ru_col_copy(st, 1, u->partner_id, sizeof(u->partner_id));
    ru_col_copy(st, 2, u->customer_id, sizeof(u->customer_id));
    ru_col_copy(st, 3, u->email, sizeof(u->email));
    ru_col_copy(st, 4, role, sizeof(role));
    if (user_role_parse(role, &u->role) != 0)
        u->role = ROLE_READ_ONLY; /* an unknown stored role gets the least power */
    ru_col_copy(st, 5, u->password_hash, sizeof(u->password_hash));
    ru_col_copy(st, 6, u->totp_secret, sizeof(u->totp_secret));
    ru_col_copy(st, 7, u->totp_pending, sizeof(u->totp_pending));
    u->mfa_enabled = db_column_int64(st, 8) != 0;
    u->totp_last_step = db_column_is_null(st, 9) ? -1 : db_column_int64(st, 9);
    u->disabled_at = ru_col_instant(st, 10);
    u->created_at = db_column_int64(st, 11);
}

int repo_user_insert(struct db *db, const struct user *u, struct err *err)
{
    struct db_stmt *st;

    if (db_prepare(db,
                   "INSERT INTO users (id, partner_id, customer_id, email, role, password_hash,"
                   " totp_secret, totp_pending, mfa_enabled, totp_last_step, disabled_at,"
                   " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, u->id, err) < 0 || ru_bind_opt(st, 2, u->partner_id, err) < 0 ||
        ru_bind_opt(st, 3, u->customer_id, err) < 0 || db_bind_text(st, 4, u->email, err) < 0 ||
        db_bind_text(st, 5, user_role_name(u->role), err) < 0 ||
        ru_bind_opt(st, 6, u->password_hash, err) < 0 ||
        ru_bind_opt(st, 7, u->totp_secret, err) < 0 ||
        ru_bind_opt(st, 8, u->totp_pending, err) < 0 ||
        db_bind_int64(st, 9, u->mfa_enabled ? 1 : 0, err) < 0 ||
        (u->totp_last_step < 0 ? db_bind_null(st, 10, err)
                               : db_bind_int64(st, 10, u->totp_last_step, err)) < 0 ||
        ru_bind_instant(st, 11, u->disabled_at, err) < 0 ||
        db_bind_int64(st, 12, u->created_at, err) < 0) {
        db_finalize(st);
        return -1;
    }
    return ru_run(st, err);
}

/* One row of `sql` (USER_COLS … WHERE …) with one text parameter. */
static int user_one(struct db *db, const char *sql, const char *value, struct user *out,
                    bool *found, struct err *err)
{
    struct db_stmt *st;
    int rc;

    *found = false;
    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, value, err) < 0) {
        db_finalize(st);
        return -1;
    }
    rc = db_step(st, err);
    if (rc == DB_ROW) {
        read_user(st, out);
        *found = true;
    }
    db_finalize(st);
    return rc < 0 ? -1 : 0;
}

int repo_user_by_email(struct db *db, const char *email, struct user *out, bool *found,
                       struct err *err)
{
    return user_one(db, "SELECT " USER_COLS " FROM users u WHERE u.email = ?", email, out,
                    found, err);
}

int repo_user_by_id(struct db *db, const char *id, struct user *out, bool *found,
                    struct err *err)
{
    return user_one(db, "SELECT " USER_COLS " FROM users u WHERE u.id = ?", id, out, found,
                    err);
}

int repo_user_get(struct db *db, const struct scope *scope, const char *id, struct user *out,
                  struct err *err)
{
    struct scope_pred pred;
    struct db_stmt *st;
    char sql[768];
    int rc, next;

    if (ru_pred_users(scope, "u", &pred, err) < 0)
        return -1;
    snprintf(sql, sizeof(sql), "SELECT " USER_COLS " FROM users u WHERE u.id = ? AND %s",
             pred.sql);
    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, id, err) < 0 || scope_pred_bind(st, 2, &pred, &next, err) < 0) {
        db_finalize(st);
        return -1;
    }
    rc = db_step(st, err);
    if (rc == DB_ROW)
        read_user(st, out);
    db_finalize(st);
    if (rc < 0)
        return -1;
    if (rc != DB_ROW)
        return err_set(err, ERR_NOT_FOUND, "id", "no user %.40s", id);
    return 0;
}

int repo_user_list(struct db *db, const struct scope *scope, int limit,
                   int (*each)(const struct user *u, void *arg), void *arg, struct err *err)
{
    struct scope_pred pred;
    struct db_stmt *st;
    struct user u;
    char sql[768];
    int rc, next;

    if (ru_pred_users(scope, "u", &pred, err) < 0)
        return -1;
    snprintf(sql, sizeof(sql),
             "SELECT " USER_COLS " FROM users u WHERE %s ORDER BY u.email LIMIT ?", pred.sql);
    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (scope_pred_bind(st, 1, &pred, &next, err) < 0 ||
        db_bind_int64(st, next, limit, err) < 0) {
        db_finalize(st);
        return -1;
    }
    while ((rc = db_step(st, err)) == DB_ROW) {
        read_user(st, &u);
        if (each(&u, arg) != 0)
            break;
    }
    db_finalize(st);
    return rc < 0 ? -1 : 0;
}

int repo_user_count_installation(struct db *db, int64_t *out, struct err *err)
{
    struct db_stmt *st;
    int rc;

    if (db_prepare(db, "SELECT COUNT(*) FROM users WHERE partner_id IS NULL AND"
                       " customer_id IS NULL", &st, err) < 0)
        return -1;
    rc = db_step(st, err);
    *out = rc == DB_ROW ? db_column_int64(st, 0) : 0;
    db_finalize(st);
    return rc < 0 ? -1 : 0;
}

int repo_user_update_auth(struct db *db, const struct user *u, struct err *err)
{
    struct db_stmt *st;

    if (db_prepare(db,
                   "UPDATE users SET password_hash = ?, totp_secret = ?, totp_pending = ?,"
                   " mfa_enabled = ?, totp_last_step = ?, disabled_at = ?, role = ? WHERE id = ?",
                   &st, err) < 0)
        return -1;
    if (ru_bind_opt(st, 1, u->password_hash, err) < 0 ||
        ru_bind_opt(st, 2, u->totp_secret, err) < 0 ||
        ru_bind_opt(st, 3, u->totp_pending, err) < 0 ||
        db_bind_int64(st, 4, u->mfa_enabled ? 1 : 0, err) < 0 ||
        (u->totp_last_step < 0 ? db_bind_null(st, 5, err)
                               : db_bind_int64(st, 5, u->totp_last_step, err)) < 0 ||
        ru_bind_instant(st, 6, u->disabled_at, err) < 0 ||
        db_bind_text(st, 7, user_role_name(u->role), err) < 0 ||
        db_bind_text(st, 8, u->id, err) < 0) {
        db_finalize(st);
        return -1;
    }
    return ru_run(st, err);
}

/* SELECT 1 FROM table x WHERE x.id = ? AND pred */
static int visible(struct db *db, const char *table, const char *id,
                   const struct scope_pred *pred, bool *out, struct err *err)
{
    struct db_stmt *st;
    char sql[640];
    int rc, next;

    snprintf(sql, sizeof(sql), "SELECT 1 FROM %s x WHERE x.id = ? AND %s", table, pred->sql);
    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    if (db_bind_text(st, 1, id, err) < 0 || scope_pred_bind(st, 2, pred, &next, err) < 0) {
        db_finalize(st);
        return -1;
    }
    rc = db_step(st, err);
    db_finalize(st);
    if (rc < 0)
        return -1;
    *out = rc == DB_ROW;
    return 0;
}

int repo_scope_sees(struct db *db, const struct scope *scope, const char *id, bool *out,
                    struct err *err)
{
    struct scope_pred pred;
    const char *table;
    int rc;

    *out = false;
    if (id_has_kind(id, "prt")) {
        table = "partners";
        rc = scope_pred_partners(scope, "x", &pred, err);
    } else if (id_has_kind(id, "cus")) {
        table = "customers";
        rc = scope_pred_customers(scope, "x", &pred, err);
    } else if (id_has_kind(id, "usr")) {
        table = "users";
        rc = ru_pred_users(scope, "x", &pred, err);
    } else if (id_has_kind(id, "tok")) {
        table = "api_tokens";
        rc = ru_pred_tokens(scope, "x", &pred, err);
    } else if (id_has_kind(id, "rel")) {
        table = "relationships";
        rc = scope_pred_relationships(scope, "x", &pred, err);
    } else if (id_has_kind(id, "sub")) {
        struct err nf;

        /* a subscription is seen with its customer (repo_sub_scope.c) */
        err_clear(&nf);
        if (repo_sub_in_scope(db, scope, id, &nf) == 0)
            *out = true;
        else if (nf.code != ERR_NOT_FOUND) {
            *err = nf;
            return -1;
        }
        return 0;
    } else {
        return 0;
    }
    if (rc < 0)
        return -1;
    return visible(db, table, id, &pred, out, err);
}

int repo_customer_in_partner_book(struct db *db, const char *partner_id,
                                  const char *customer_id, bool *out, struct err *err)
{
    struct scope s;
    struct scope_pred pred;

    memset(&s, 0, sizeof(s));
    s.kind = SCOPE_PARTNER;
    s.role = ROLE_READ_ONLY;
    snprintf(s.partner_id, sizeof(s.partner_id), "%s", partner_id);
    if (scope_pred_customers(&s, "x", &pred, err) < 0)
        return -1;
    return visible(db, "customers", customer_id, &pred, out, err);
}

int repo_partner_exists(struct db *db, const char *partner_id, bool *out, struct err *err)
{
    struct scope_pred all;

    memset(&all, 0, sizeof(all));
    snprintf(all.sql, sizeof(all.sql), "(1 = 1)");
    return visible(db, "partners", partner_id, &all, out, err);
}
