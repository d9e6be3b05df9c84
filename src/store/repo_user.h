/*
 * store/repo_user.h — users, sessions, API tokens and login-throttle counters.
 *
 * A user belongs to the installation (partner_id and customer_id both ""), to one partner
 * (its staff) or to one customer (a portal user). Secrets are never stored: password_hash is
 * an argon2id string, totp_secret the base32 seed the authenticator app also holds (it has
 * to be readable to compute codes), session and token columns are BLAKE2b hashes (svc/auth.h).
 *
 * Scoped reads (repo_user_get, repo_user_list, repo_token_get, repo_token_list) take the
 * caller's scope and add the tenancy predicate themselves; an object outside the scope is
 * ERR_NOT_FOUND, like one that does not exist. The unscoped lookups (by e-mail, by hash, by
 * id) exist for authentication itself, which runs before there is a scope.
 *
 * Ownership: rows are copied into caller-owned structs; nothing returned points into the
 * store. Writes do not open transactions: the caller (svc/) decides the boundary.
 */
#ifndef CSPD_STORE_REPO_USER_H
#define CSPD_STORE_REPO_USER_H

#include <stdbool.h>
#include <stdint.h>

#include "core/date.h"
#include "core/err.h"
#include "core/id.h"
#include "store/scope.h"

struct db;

#define USER_EMAIL_MAX 256   /* 255 + NUL */
#define USER_HASH_MAX 128    /* crypto_pwhash_STRBYTES */
#define USER_HASH_HEX 65     /* 32-byte hash as hex + NUL */
#define USER_TOTP_MAX 40     /* base32 of a 20-byte seed (32) + NUL, with room */
#define TOKEN_NAME_MAX 128

struct user {
    char id[ID_MAXLEN];
    char partner_id[ID_MAXLEN];     /* "" when not partner staff */
    char customer_id[ID_MAXLEN];    /* "" when not a portal user */
    char email[USER_EMAIL_MAX];     /* lower case */
    enum user_role role;
    char password_hash[USER_HASH_MAX];
    char totp_secret[USER_TOTP_MAX];  /* "" when none */
    char totp_pending[USER_TOTP_MAX]; /* being enrolled; "" when none */
    bool mfa_enabled;               /* a code from totp_secret has been accepted */
    int64_t totp_last_step;         /* -1: never */
    instant_t disabled_at;          /* 0: active */
    instant_t created_at;
};

/* "owner", "admin", "billing", "sales", "read_only", "portal", "operator". */
const char *user_role_name(enum user_role r);
/* Parse a role name ("read-only" is accepted for "read_only"); -1 when unknown. */
int user_role_parse(const char *s, enum user_role *out);

int repo_user_insert(struct db *db, const struct user *u, struct err *err);
/* By e-mail (already lower case), unscoped: sign-in. *found false when there is none. */
int repo_user_by_email(struct db *db, const char *email, struct user *out, bool *found,
                       struct err *err);
/* By id, unscoped: resolving a session's user. */
int repo_user_by_id(struct db *db, const char *id, struct user *out, bool *found,
                    struct err *err);
/* By id within `scope`; ERR_NOT_FOUND outside it. */
int repo_user_get(struct db *db, const struct scope *scope, const char *id, struct user *out,
                  struct err *err);
/* Users in `scope`, ordered by e-mail, at most `limit`; `each` returning non-zero stops. */
int repo_user_list(struct db *db, const struct scope *scope, int limit,
                   int (*each)(const struct user *u, void *arg), void *arg, struct err *err);
/* Count of users with no partner and no customer (installation staff). */
int repo_user_count_installation(struct db *db, int64_t *out, struct err *err);
/* Rewrite role, password_hash, totp_secret, totp_pending, mfa_enabled, totp_last_step and
 * disabled_at of the row with u->id. */
int repo_user_update_auth(struct db *db, const struct user *u, struct err *err);

/*
 * Does `scope` see the object `id`? The kind comes from the id's prefix: prt_, cus_, usr_,
 * tok_, rel_. Unknown kinds are not seen. Lets the API answer 403 rather than 404 when a caller
 * may see an object but its role may not act on it.
 */
int repo_scope_sees(struct db *db, const struct scope *scope, const char *id, bool *out,
                    struct err *err);
/* Does the customer exist inside a partner's book (owner, reseller or distributor)? */
int repo_customer_in_partner_book(struct db *db, const char *partner_id,
                                  const char *customer_id, bool *out, struct err *err);
/* Does the partner exist? */
int repo_partner_exists(struct db *db, const char *partner_id, bool *out, struct err *err);

/* ---- sessions ---- */

struct session_row {
    char id[ID_MAXLEN];
    char user_id[ID_MAXLEN];
    char csrf_hash[USER_HASH_HEX];
    bool mfa_verified;
    instant_t created_at, last_seen_at, expires_at;
};

int repo_session_insert(struct db *db, const struct session_row *s, const char *token_hash,
                        struct err *err);
int repo_session_by_hash(struct db *db, const char *token_hash, struct session_row *out,
                         bool *found, struct err *err);
int repo_session_touch(struct db *db, const char *id, instant_t now, struct err *err);
int repo_session_delete(struct db *db, const char *id, struct err *err);
/* Every session of a user (disabled, MFA reset), but `except_id` when not NULL. */
int repo_session_delete_user(struct db *db, const char *user_id, const char *except_id,
                             struct err *err);

/* ---- API tokens ---- */

struct token_row {
    char id[ID_MAXLEN];
    char partner_id[ID_MAXLEN];     /* "" for an installation token */
    enum user_role role;
    char name[TOKEN_NAME_MAX];
    char created_by[ID_MAXLEN];
    instant_t created_at, last_used_at, revoked_at; /* 0: never / not revoked */
};

int repo_token_insert(struct db *db, const struct token_row *t, const char *token_hash,
                      struct err *err);
int repo_token_by_hash(struct db *db, const char *token_hash, struct token_row *out,
                       bool *found, struct err *err);
int repo_token_get(struct db *db, const struct scope *scope, const char *id,
                   struct token_row *out, struct err *err);
int repo_token_list(struct db *db, const struct scope *scope, int limit,
                    int (*each)(const struct token_row *t, void *arg), void *arg,
                    struct err *err);
int repo_token_revoke(struct db *db, const char *id, instant_t now, struct err *err);
int repo_token_touch(struct db *db, const char *id, instant_t now, struct err *err);

/* ---- login throttle counters ---- */

/* Missing rows read as zeros. */
int repo_throttle_get(struct db *db, const char *key, int *failures, instant_t *last_failure,
                      instant_t *locked_until, struct err *err);
int repo_throttle_put(struct db *db, const char *key, int failures, instant_t last_failure,
                      instant_t locked_until, struct err *err);
int repo_throttle_clear(struct db *db, const char *key, struct err *err);

#endif
