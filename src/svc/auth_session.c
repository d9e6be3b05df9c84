/*
 * svc/auth_session.c — turning a presented credential into a caller: session cookies and
 * API tokens (see auth.h), plus the scope a user row gives.
 *
 * A session is over when its absolute lifetime (AUTH_SESSION_TTL) or its idle time
 * (AUTH_SESSION_IDLE) has passed, when its user is disabled, or when the user's role now needs
 * MFA and the session was opened without it; an over session is deleted on sight. Every
 * failure is the same ERR_UNAUTHORIZED, whatever the reason, and never echoes the secret.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "store/db.h"
#include "svc/audit.h"
#include "svc/auth.h"

#define TOKEN_PREFIX "cspd_"

void auth_scope_of_user(const struct user *u, struct scope *out)
{
    memset(out, 0, sizeof(*out));
    out->role = u->role;
    if (u->partner_id[0]) {
        out->kind = SCOPE_PARTNER;
        snprintf(out->partner_id, sizeof(out->partner_id), "%s", u->partner_id);
    } else if (u->customer_id[0]) {
        out->kind = SCOPE_CUSTOMER;
        out->role = ROLE_PORTAL;
        snprintf(out->customer_id, sizeof(out->customer_id), "%s", u->customer_id);
    } else {
        out->kind = SCOPE_INSTALLATION;
    }
    if (out->kind != SCOPE_CUSTOMER && (u->role == ROLE_PORTAL || u->role == ROLE_OPERATOR))
        out->role = ROLE_READ_ONLY; /* inconsistent row: least power */
    snprintf(out->user_id, sizeof(out->user_id), "%s", u->id);
}

bool auth_role_needs_mfa(enum user_role role)
{
    return role == ROLE_OWNER || role == ROLE_ADMIN;
}

static int over(struct err *err)
{
    return err_set_(err, __func__, __LINE__, ERR_UNAUTHORIZED, "session_expired", "",
                    "the session has ended or expired; sign in again");
}

int auth_session_resolve(struct db *db, const char *token, instant_t now,
                         struct auth_principal *out, struct err *err)
{
    struct session_row s;
    struct user u;
    char hash[USER_HASH_HEX];
    bool found;

    if (!token || strlen(token) != 64 || strspn(token, "0123456789abcdef") != 64)
        return over(err);
    auth_secret_hash(token, hash);
    if (repo_session_by_hash(db, hash, &s, &found, err) < 0)
        return -1;
    if (!found)
        return over(err);
    if (now >= s.expires_at || now - s.last_seen_at >= AUTH_SESSION_IDLE) {
        if (repo_session_delete(db, s.id, err) < 0)
            return -1;
        return over(err);
    }
    if (repo_user_by_id(db, s.user_id, &u, &found, err) < 0)
        return -1;
    if (!found || u.disabled_at || (auth_role_needs_mfa(u.role) && !s.mfa_verified)) {
        if (repo_session_delete(db, s.id, err) < 0)
            return -1;
        sodium_memzero(&u, sizeof(u));
        return over(err);
    }
    if (now - s.last_seen_at >= 60 && repo_session_touch(db, s.id, now, err) < 0)
        return -1;
    memset(out, 0, sizeof(*out));
    out->cred = AUTH_CRED_SESSION;
    auth_scope_of_user(&u, &out->scope);
    snprintf(out->cred_id, sizeof(out->cred_id), "%s", s.id);
    snprintf(out->csrf_hash, sizeof(out->csrf_hash), "%s", s.csrf_hash);
    snprintf(out->email, sizeof(out->email), "%s", u.email);
    sodium_memzero(&u, sizeof(u));
    return 0;
}

int auth_session_end(struct db *db, const struct scope *actor, const char *session_id,
                     struct err *err)
{
    if (db_begin(db, err) < 0)
        return -1;
    if (repo_session_delete(db, session_id, err) < 0 ||
        audit_record(db, actor, "session.delete", "session", session_id, NULL, NULL, err) < 0 ||
        db_commit(db, err) < 0) {
        db_rollback(db);
        return -1;
    }
    return 0;
}

bool auth_csrf_ok(const struct auth_principal *p, const char *presented)
{
    if (p->cred != AUTH_CRED_SESSION || !p->csrf_hash[0] || !presented)
        return false;
    return auth_secret_matches(presented, p->csrf_hash);
}

int auth_token_resolve(struct db *db, const char *token, instant_t now,
                       struct auth_principal *out, struct err *err)
{
    struct token_row t;
    char hash[USER_HASH_HEX];
    bool found;
    size_t plen = strlen(TOKEN_PREFIX);

    if (!token || strncmp(token, TOKEN_PREFIX, plen) != 0 || strlen(token) != plen + 64)
        goto bad;
    auth_secret_hash(token, hash);
    if (repo_token_by_hash(db, hash, &t, &found, err) < 0)
        return -1;
    if (!found || t.revoked_at)
        goto bad;
    if ((t.last_used_at == 0 || now - t.last_used_at >= AUTH_TOKEN_TOUCH) &&
        repo_token_touch(db, t.id, now, err) < 0)
        return -1;
    memset(out, 0, sizeof(*out));
    out->cred = AUTH_CRED_TOKEN;
    out->scope.kind = t.partner_id[0] ? SCOPE_PARTNER : SCOPE_INSTALLATION;
    out->scope.role = t.role;
    snprintf(out->scope.partner_id, sizeof(out->scope.partner_id), "%s", t.partner_id);
    snprintf(out->scope.user_id, sizeof(out->scope.user_id), "%s", t.id);
    snprintf(out->cred_id, sizeof(out->cred_id), "%s", t.id);
    return 0;
bad:
    return err_set_(err, __func__, __LINE__, ERR_UNAUTHORIZED, "invalid_token", "",
                    "the API token is unknown or revoked");
}
