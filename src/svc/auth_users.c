/*
 * svc/auth_users.c — creating, bootstrapping and disabling users, and TOTP enrolment and
 * password changes (see auth_admin.h for the rules on tenancy and rank).
 *
 * Passwords are generated, never chosen by an administrator: the new user gets one printed
 * or returned once and changes it with POST /v1/me/password. Owners and admins get a TOTP
 * seed at creation; MFA counts as enabled only after a code from it was accepted (the first
 * sign-in), so a seed nobody scanned never locks anyone out silently.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "svc/audit.h"
#include "svc/auth_admin.h"

int auth_email_normalise(const char *email, char out[USER_EMAIL_MAX], struct err *err)
{
    size_t n = email ? strlen(email) : 0, at = 0, ats = 0;

    if (n < 3 || n >= USER_EMAIL_MAX)
        return err_set(err, ERR_INVALID, "email", "an e-mail address has 3 to 255 characters");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)email[i];

        if (c <= 0x20 || c >= 0x7f || c == '"' || c == '<' || c == '>' || c == '\\')
            return err_set(err, ERR_INVALID, "email",
                           "an e-mail address may not hold spaces, quotes or brackets");
        if (c == '@') {
            ats++;
            at = i;
        }
        out[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : (char)c;
    }
    out[n] = '\0';
    if (ats != 1 || at == 0 || at == n - 1)
        return err_set(err, ERR_INVALID, "email", "an e-mail address looks like name@domain");
    return 0;
}

/* May `actor` create or change a user (or token) of rank `target`? */
static bool may_manage(const struct scope *actor, enum user_role target)
{
    switch (actor->role) {
    case ROLE_OPERATOR:
    case ROLE_OWNER:
        return true;
    case ROLE_ADMIN:
        return target != ROLE_OWNER;
    default:
        return false;
    }
}

static int forbidden(struct err *err, const char *what)
{
    return err_set(err, ERR_FORBIDDEN, "role", "your role may not %s", what);
}

static int audit_user(struct db *db, const struct scope *actor, const char *action,
                      const struct user *before, const struct user *after, instant_t now,
                      struct err *err)
{
    const struct user *u = after ? after : before;
    char *b = NULL, *a = NULL;
    json_t *j;
    int rc;

    if (before && (j = auth_user_json(before)) != NULL) {
        b = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
        json_decref(j);
    }
    if (after && (j = auth_user_json(after)) != NULL) {
        a = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
        json_decref(j);
    }
    if ((before && !b) || (after && !a)) {
        free(b);
        free(a);
        return err_set(err, ERR_NOMEM, "", "out of memory writing the audit log");
    }
    struct audit_entry e = {
        .action = action, .object_type = "user", .object_id = u->id, .before_json = b,
        .after_json = a, .partner_id = u->partner_id, .customer_id = u->customer_id,
        .at = now,
    };
    if (!u->partner_id[0] && !u->customer_id[0])
        e.partner_id = e.customer_id = NULL; /* installation user: the actor's tenant */
    rc = audit_write(db, actor, &e, err);
    free(b);
    free(a);
    return rc;
}

/* Where a new user goes: fills u->partner_id / u->customer_id after the tenancy checks. */
static int place_user(struct db *db, const struct scope *actor, const struct auth_user_new *req,
                      struct user *u, struct err *err)
{
    const char *pid = req->partner_id ? req->partner_id : "";
    const char *cid = req->customer_id ? req->customer_id : "";
    struct scope all;
    bool ok = false;

    if (pid[0] && cid[0])
        return err_set(err, ERR_INVALID, "customer_id",
                       "a user belongs to a partner or to a customer, not both");
    if (strlen(pid) >= ID_MAXLEN || strlen(cid) >= ID_MAXLEN)
        return err_set(err, ERR_NOT_FOUND, pid[0] ? "partner_id" : "customer_id",
                       "no such partner or customer");
    switch (actor->kind) {
    case SCOPE_CUSTOMER:
        return forbidden(err, "create users");
    case SCOPE_PARTNER:
        if (pid[0] && strcmp(pid, actor->partner_id) != 0)
            return err_set(err, ERR_NOT_FOUND, "partner_id", "no partner %s", pid);
        if (cid[0]) {
            if (repo_customer_in_partner_book(db, actor->partner_id, cid, &ok, err) < 0)
                return -1;
            if (!ok)
                return err_set(err, ERR_NOT_FOUND, "customer_id", "no customer %s", cid);
        } else {
            pid = actor->partner_id;
        }
        break;
    case SCOPE_INSTALLATION:
        scope_init_installation(&all);
        if (pid[0] || cid[0]) {
            if (repo_scope_sees(db, &all, pid[0] ? pid : cid, &ok, err) < 0)
                return -1;
            if (!ok || (pid[0] && !id_has_kind(pid, "prt")) || (cid[0] && !id_has_kind(cid, "cus")))
                return err_set(err, ERR_NOT_FOUND, pid[0] ? "partner_id" : "customer_id",
                               "no such %s", pid[0] ? "partner" : "customer");
        }
        break;
    }
    if ((req->role == ROLE_PORTAL) != (cid[0] != '\0'))
        return err_set(err, ERR_INVALID, "role", cid[0]
                       ? "a customer's users have role portal"
                       : "role portal is for a customer's users: give customer_id");
    snprintf(u->partner_id, sizeof(u->partner_id), "%s", pid);
    snprintf(u->customer_id, sizeof(u->customer_id), "%s", cid);
    return 0;
}

/* Fill a new user's secrets: id, generated password and its hash, TOTP seed for owners. */
static int new_user(const char *email, enum user_role role, instant_t now,
                    struct auth_user_created *out, struct err *err)
{
    struct user *u = &out->user;

    if (id_new("usr", u->id, err) < 0)
        return -1;
    snprintf(u->email, sizeof(u->email), "%s", email);
    u->role = role;
    u->totp_last_step = -1;
    u->created_at = now;
    auth_password_generate(out->password);
    if (auth_password_hash(out->password, u->password_hash, err) < 0)
        return -1;
    if (auth_role_needs_mfa(role)) {
        if (auth_totp_secret_new(u->totp_secret, err) < 0 ||
            auth_totp_uri(u->totp_secret, u->email, out->totp_uri, err) < 0)
            return -1;
        out->has_totp = true;
    }
    return 0;
}

static int insert_new(struct db *db, const struct scope *actor, struct user *u, instant_t now,
                      struct err *err)
{
    struct user other;
    bool taken;

    if (db_begin(db, err) < 0)
        return -1;
    if (repo_user_by_email(db, u->email, &other, &taken, err) < 0)
        goto fail;
    sodium_memzero(&other, sizeof(other));
    if (taken) {
        err_set_(err, __func__, __LINE__, ERR_CONFLICT, "email_taken", "email",
                 "a user with that e-mail address exists already");
        goto fail;
    }
    if (repo_user_insert(db, u, err) < 0 ||
        audit_user(db, actor, "user.create", NULL, u, now, err) < 0 || db_commit(db, err) < 0)
        goto fail;
    return 0;
fail:
    db_rollback(db);
    return -1;
}

int auth_user_create(struct db *db, const struct scope *actor, const struct auth_user_new *req,
                     instant_t now, struct auth_user_created *out, struct err *err)
{
    char email[USER_EMAIL_MAX];

    memset(out, 0, sizeof(*out));
    if (auth_email_normalise(req->email, email, err) < 0)
        return -1;
    if (req->role == ROLE_OPERATOR)
        return err_set(err, ERR_INVALID, "role", "role operator is the CLI's, not a user's");
    if (!may_manage(actor, req->role))
        return forbidden(err, req->role == ROLE_OWNER ? "create an owner" : "create users");
    if (place_user(db, actor, req, &out->user, err) < 0)
        return -1;
    if (new_user(email, req->role, now, out, err) < 0 ||
        insert_new(db, actor, &out->user, now, err) < 0) {
        sodium_memzero(out, sizeof(*out));
        return -1;
    }
    return 0;
}

int auth_user_bootstrap(struct db *db, const char *email, instant_t now,
                        struct auth_user_created *out, struct err *err)
{
    struct scope op;
    char norm[USER_EMAIL_MAX];
    int64_t n;

    memset(out, 0, sizeof(*out));
    scope_init_installation(&op);
    if (auth_email_normalise(email, norm, err) < 0)
        return -1;
    if (repo_user_count_installation(db, &n, err) < 0)
        return -1;
    if (n > 0)
        return err_set_(err, __func__, __LINE__, ERR_CONFLICT, "already_bootstrapped", "",
                        "this installation has its staff already; use 'cspd users create'");
    if (new_user(norm, ROLE_OWNER, now, out, err) < 0 ||
        insert_new(db, &op, &out->user, now, err) < 0) {
        sodium_memzero(out, sizeof(*out));
        return -1;
    }
    return 0;
}

/* Load a user in the actor's scope that the actor may manage. */
static int managed(struct db *db, const struct scope *actor, const char *id, struct user *u,
                   struct err *err)
{
    if (repo_user_get(db, actor, id, u, err) < 0)
        return -1;
    if (!may_manage(actor, u->role))
        return forbidden(err, u->role == ROLE_OWNER ? "manage an owner" : "manage users");
    return 0;
}

int auth_user_disable(struct db *db, const struct scope *actor, const char *id, instant_t now,
                      struct user *out, struct err *err)
{
    struct user before;

    if (strcmp(actor->user_id, id) == 0)
        return err_set_(err, __func__, __LINE__, ERR_CONFLICT, "cannot_disable_self", "id",
                        "you cannot disable your own account");
    if (db_begin(db, err) < 0)
        return -1;
    if (managed(db, actor, id, out, err) < 0)
        goto fail;
    if (!out->disabled_at) {
        before = *out;
        out->disabled_at = now;
        if (repo_user_update_auth(db, out, err) < 0 ||
            repo_session_delete_user(db, out->id, NULL, err) < 0 ||
            audit_user(db, actor, "user.disable", &before, out, now, err) < 0)
            goto fail;
        sodium_memzero(&before, sizeof(before));
    }
    if (db_commit(db, err) < 0)
        goto fail;
    return 0;
fail:
    db_rollback(db);
    return -1;
}

int auth_user_totp_reset(struct db *db, const struct scope *actor, const char *id,
                         instant_t now, struct user *out, char uri[AUTH_TOTP_URI_MAX],
                         struct err *err)
{
    struct user before;

    if (db_begin(db, err) < 0)
        return -1;
    if (managed(db, actor, id, out, err) < 0)
        goto fail;
    before = *out;
    if (auth_totp_secret_new(out->totp_secret, err) < 0 ||
        auth_totp_uri(out->totp_secret, out->email, uri, err) < 0)
        goto fail;
    out->totp_pending[0] = '\0';
    out->mfa_enabled = false;
    out->totp_last_step = -1;
    if (repo_user_update_auth(db, out, err) < 0 ||
        repo_session_delete_user(db, out->id, NULL, err) < 0 ||
        audit_user(db, actor, "user.totp_reset", &before, out, now, err) < 0 ||
        db_commit(db, err) < 0)
        goto fail;
    sodium_memzero(&before, sizeof(before));
    return 0;
fail:
    db_rollback(db);
    sodium_memzero(&before, sizeof(before));
    return -1;
}

/* The signed-in user of a session scope. */
static int self_user(struct db *db, const struct scope *self, struct user *u, struct err *err)
{
    bool found;

    if (!id_has_kind(self->user_id, "usr"))
        return err_set_(err, __func__, __LINE__, ERR_INVALID, "session_required", "",
                        "this needs a signed-in user (a session), not an API token");
    if (repo_user_by_id(db, self->user_id, u, &found, err) < 0)
        return -1;
    if (!found)
        return err_set(err, ERR_NOT_FOUND, "", "no such user");
    return 0;
}

int auth_self_totp_begin(struct db *db, const struct scope *self, instant_t now,
                         char uri[AUTH_TOTP_URI_MAX], char secret[USER_TOTP_MAX],
                         struct err *err)
{
    struct user u, before;

    if (db_begin(db, err) < 0)
        return -1;
    if (self_user(db, self, &u, err) < 0)
        goto fail;
    before = u;
    if (auth_totp_secret_new(u.totp_pending, err) < 0 ||
        auth_totp_uri(u.totp_pending, u.email, uri, err) < 0 ||
        repo_user_update_auth(db, &u, err) < 0 ||
        audit_user(db, self, "user.totp_enrol", &before, &u, now, err) < 0)
        goto fail;
    snprintf(secret, USER_TOTP_MAX, "%s", u.totp_pending);
    sodium_memzero(&u, sizeof(u));
    sodium_memzero(&before, sizeof(before));
    return db_commit(db, err);
fail:
    db_rollback(db);
    sodium_memzero(&u, sizeof(u));
    return -1;
}

int auth_self_totp_confirm(struct db *db, const struct scope *self, const char *code,
                           instant_t now, struct err *err)
{
    struct user u, before;
    int64_t step;

    if (db_begin(db, err) < 0)
        return -1;
    if (self_user(db, self, &u, err) < 0)
        goto fail;
    if (!u.totp_pending[0]) {
        err_set_(err, __func__, __LINE__, ERR_CONFLICT, "no_enrolment", "totp",
                 "no TOTP enrolment is pending: POST /v1/me/totp first");
        goto fail;
    }
    if (auth_totp_verify(u.totp_pending, code, now, -1, &step, err) < 0)
        goto fail;
    before = u;
    snprintf(u.totp_secret, sizeof(u.totp_secret), "%s", u.totp_pending);
    u.totp_pending[0] = '\0';
    u.mfa_enabled = true;
    u.totp_last_step = step;
    if (repo_user_update_auth(db, &u, err) < 0 ||
        audit_user(db, self, "user.totp_confirm", &before, &u, now, err) < 0)
        goto fail;
    sodium_memzero(&u, sizeof(u));
    sodium_memzero(&before, sizeof(before));
    return db_commit(db, err);
fail:
    db_rollback(db);
    sodium_memzero(&u, sizeof(u));
    return -1;
}

int auth_self_password(struct db *db, const struct scope *self, const char *session_id,
                       const char *current, const char *next, instant_t now, struct err *err)
{
    char hash[USER_HASH_MAX];
    struct user u;

    if (auth_password_policy(next, err) < 0) {
        snprintf(err->field, sizeof(err->field), "new_password");
        return -1;
    }
    if (db_begin(db, err) < 0)
        return -1;
    if (self_user(db, self, &u, err) < 0)
        goto fail;
    if (!auth_password_verify(u.password_hash, current)) {
        err_set_(err, __func__, __LINE__, ERR_INVALID, "wrong_password", "current_password",
                 "the current password is wrong");
        goto fail;
    }
    if (auth_password_hash(next, hash, err) < 0)
        goto fail;
    memcpy(u.password_hash, hash, sizeof(hash));
    if (repo_user_update_auth(db, &u, err) < 0 ||
        repo_session_delete_user(db, u.id, session_id, err) < 0 ||
        audit_user(db, self, "user.password", NULL, &u, now, err) < 0)
        goto fail;
    sodium_memzero(&u, sizeof(u));
    sodium_memzero(hash, sizeof(hash));
    return db_commit(db, err);
fail:
    db_rollback(db);
    sodium_memzero(&u, sizeof(u));
    sodium_memzero(hash, sizeof(hash));
    return -1;
}

/* ---- JSON views ---- */

static json_t *instant_or_null(instant_t t)
{
    char buf[INSTANT_STRLEN];

    if (!t)
        return json_null();
    instant_format(t, buf);
    return json_string(buf);
}

static json_t *text_or_null(const char *s)
{
    return s && s[0] ? json_string(s) : json_null();
}

json_t *auth_user_json(const struct user *u)
{
    return json_pack("{s:s, s:s, s:s, s:o, s:o, s:b, s:b, s:o, s:o}", "id", u->id, "email",
                     u->email, "role", user_role_name(u->role), "partner_id",
                     text_or_null(u->partner_id), "customer_id", text_or_null(u->customer_id),
                     "mfa_enabled", u->mfa_enabled, "disabled", u->disabled_at != 0,
                     "disabled_at", instant_or_null(u->disabled_at), "created_at",
                     instant_or_null(u->created_at));
}

json_t *auth_token_json(const struct token_row *t)
{
    return json_pack("{s:s, s:o, s:s, s:o, s:o, s:o, s:o, s:o, s:b}", "id", t->id,
                     "partner_id", text_or_null(t->partner_id), "role", user_role_name(t->role),
                     "name", text_or_null(t->name), "created_by", text_or_null(t->created_by),
                     "created_at", instant_or_null(t->created_at), "last_used_at",
                     instant_or_null(t->last_used_at), "revoked_at",
                     instant_or_null(t->revoked_at), "revoked", t->revoked_at != 0);
}
