/*
 * svc/auth_admin.h — managing users, MFA enrolment and API tokens: the use cases behind
 * /v1/users, /v1/me and /v1/tokens and `cspd users …`.
 *
 * Every function takes the acting scope and enforces, besides the route's role check:
 *   - tenancy: a partner acts on its own staff, on portal users of the customers in its scope,
 *     and on its own tokens; the installation on everything; objects outside are
 *     ERR_NOT_FOUND, as if absent;
 *   - rank: only an owner (or the CLI's operator) creates, changes or disables an owner or an
 *     owner token; an admin manages admins and below (ERR_FORBIDDEN);
 *   - shape: portal users belong to a customer, staff to a partner or the installation.
 * Each mutation opens its own transaction and writes its audit row in it (svc/audit.h);
 * audit rows never hold hashes, seeds or passwords. Generated secrets (password, TOTP URI,
 * API token) are returned once in caller-owned buffers; wipe them after use.
 */
#ifndef CSPD_SVC_AUTH_ADMIN_H
#define CSPD_SVC_AUTH_ADMIN_H

#include <jansson.h>

#include "svc/auth.h"

struct auth_user_new {
    const char *email;
    enum user_role role;
    const char *partner_id;   /* NULL or "": the actor's partner, or none for installation */
    const char *customer_id;  /* portal users */
};

struct auth_user_created {
    struct user user;
    char password[AUTH_PASSWORD_GEN_LEN + 1];
    bool has_totp;                        /* owners and admins: enrol with the URI */
    char totp_uri[AUTH_TOTP_URI_MAX];
};

/* Check an e-mail address (shape only) and return it lower-cased. ERR_INVALID "email". */
int auth_email_normalise(const char *email, char out[USER_EMAIL_MAX], struct err *err);

int auth_user_create(struct db *db, const struct scope *actor, const struct auth_user_new *req,
                     instant_t now, struct auth_user_created *out, struct err *err);
/* The first owner of an installation; ERR_CONFLICT already_bootstrapped when staff exist. */
int auth_user_bootstrap(struct db *db, const char *email, instant_t now,
                        struct auth_user_created *out, struct err *err);
/* Disable a user and end its sessions; not oneself (ERR_CONFLICT cannot_disable_self). */
int auth_user_disable(struct db *db, const struct scope *actor, const char *id, instant_t now,
                      struct user *out, struct err *err);
/* A new TOTP seed for another user (lost phone): MFA off until it is proven at sign-in. */
int auth_user_totp_reset(struct db *db, const struct scope *actor, const char *id,
                         instant_t now, struct user *out, char uri[AUTH_TOTP_URI_MAX],
                         struct err *err);

/* Self-service for the signed-in user `user_id` (a session's scope). */
int auth_self_totp_begin(struct db *db, const struct scope *self, instant_t now,
                         char uri[AUTH_TOTP_URI_MAX], char secret[USER_TOTP_MAX],
                         struct err *err);
int auth_self_totp_confirm(struct db *db, const struct scope *self, const char *code,
                           instant_t now, struct err *err);
/* Change one's password (the current one is checked); other sessions end. */
int auth_self_password(struct db *db, const struct scope *self, const char *session_id,
                       const char *current, const char *next, instant_t now, struct err *err);

struct auth_token_new {
    const char *partner_id;   /* NULL or "": the actor's partner, or an installation token */
    enum user_role role;
    const char *name;
};

/* A new API token; out_secret gets "cspd_…" (shown once). */
int auth_token_create(struct db *db, const struct scope *actor, const struct auth_token_new *req,
                      instant_t now, struct token_row *out, char out_secret[AUTH_SECRET_MAX],
                      struct err *err);
/* Revoke (idempotent: an already revoked token is returned as it is). */
int auth_token_revoke(struct db *db, const struct scope *actor, const char *id, instant_t now,
                      struct token_row *out, struct err *err);

/* The public view of a user and of a token (no hashes, no seeds). New references. */
json_t *auth_user_json(const struct user *u);
json_t *auth_token_json(const struct token_row *t);

#endif
