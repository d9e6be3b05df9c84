/*
 * svc/auth.h — who may sign in, and how a request proves who it is (docs/auth.md).
 *
 * Three kinds of proof, each checked here and nowhere else:
 *   - a password (argon2id, libsodium crypto_pwhash_str) plus, for owners and admins and for
 *     anyone who enrolled, a TOTP code (RFC 6238: HMAC-SHA1, 6 digits, 30 s steps, one step of
 *     tolerance either side, a step never accepted twice) — POST /v1/sessions;
 *   - a session cookie (a random 256-bit token; only its BLAKE2b hash is stored) with a CSRF
 *     token for mutations (hashed the same way);
 *   - an API token "cspd_<64 hex>" scoped to a partner (or the installation) and a role, shown
 *     once, stored hashed, revocable.
 * Login throttling is a pure schedule (auth_throttle_*) over counters stored per account
 * (keyed by a hash of the e-mail, so unknown addresses behave exactly like known ones) and
 * per client address.
 *
 * Time: every function takes `now`; the API passes the real clock (TOTP must agree with the
 * user's phone, sessions must not expire because a demo moved the business clock), tests
 * pass fixed instants. Nothing here prints, logs a secret, or exits. Buffers that held secrets
 * are wiped with sodium_memzero before they go out of scope.
 *
 * Errors: ERR_UNAUTHORIZED with reasons invalid_credentials, mfa_required, invalid_totp,
 * totp_replayed, session_expired; ERR_REFUSED reason too_many_attempts (the API answers 429);
 * ERR_INVALID for malformed input; ERR_DB/ERR_NOMEM from the store.
 */
#ifndef CSPD_SVC_AUTH_H
#define CSPD_SVC_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/date.h"
#include "core/err.h"
#include "core/id.h"
#include "store/repo_user.h"
#include "store/scope.h"

struct db;

#define AUTH_PASSWORD_MIN 12
#define AUTH_PASSWORD_MAX 256
#define AUTH_PASSWORD_GEN_LEN 20     /* generated passwords: 20 chars of a 56-letter alphabet */
#define AUTH_SECRET_MAX 72           /* "cspd_" + 64 hex + NUL; session and CSRF tokens: 64 hex */
#define AUTH_TOTP_URI_MAX 320
#define AUTH_TOTP_STEP 30
#define AUTH_TOTP_DIGITS 6

#define AUTH_SESSION_TTL (8 * 3600)  /* absolute lifetime of a session */
#define AUTH_SESSION_IDLE (3600)     /* a session unused this long is over */
#define AUTH_TOKEN_TOUCH 60          /* last_used_at is rewritten at most once a minute */

/* ---- passwords (auth_password.c) ---- */

/* argon2id string of `password` (interactive limits). ERR_INVALID when outside the policy. */
int auth_password_hash(const char *password, char out[USER_HASH_MAX], struct err *err);
/*
 * True when `password` matches `hash`. A NULL or empty hash verifies against a fixed dummy
 * hash and returns false, so an unknown account costs the same time as a known one.
 */
bool auth_password_verify(const char *hash, const char *password);
/* 12..256 bytes, no control characters. */
int auth_password_policy(const char *password, struct err *err);
/* A random password of AUTH_PASSWORD_GEN_LEN characters (no look-alikes: 0 O 1 l I). */
void auth_password_generate(char out[AUTH_PASSWORD_GEN_LEN + 1]);

/* ---- random secrets and their stored hashes (auth_secret.c) ---- */

/* prefix + 64 lower-case hex characters of fresh randomness ("" prefix allowed). */
void auth_secret_new(const char *prefix, char out[AUTH_SECRET_MAX]);
/* BLAKE2b-256 of the text, as 64 hex characters: what the store keeps instead of a secret. */
void auth_secret_hash(const char *secret, char out[USER_HASH_HEX]);
/* Constant-time comparison of a presented secret with a stored hash. */
bool auth_secret_matches(const char *secret, const char *stored_hash);

/* ---- TOTP, RFC 6238 (auth_totp.c, liboath) ---- */

/* A new 160-bit secret, base32 (32 characters, RFC 4648 alphabet, no padding). */
int auth_totp_secret_new(char out[USER_TOTP_MAX], struct err *err);
/* otpauth://totp/cspd:EMAIL?secret=…&issuer=cspd&algorithm=SHA1&digits=6&period=30 */
int auth_totp_uri(const char *secret, const char *account, char out[AUTH_TOTP_URI_MAX],
                  struct err *err);
/* The code of time step `step` (T = floor(unix / 30)) with `digits` digits (6 or 8). */
int auth_totp_code(const char *secret, int64_t step, unsigned digits, char out[10],
                   struct err *err);
/*
 * Check a 6-digit `code` at `now` against steps T-1, T and T+1. A step <= `last_step` is never
 * accepted again (reason totp_replayed); pass -1 when no code was ever accepted. On success
 * *step_out is the step that matched, to be stored as the new last_step.
 */
int auth_totp_verify(const char *secret, const char *code, instant_t now, int64_t last_step,
                     int64_t *step_out, struct err *err);

/* ---- login throttling, a pure schedule (auth_throttle.c) ---- */

struct auth_throttle_policy {
    int free_failures;     /* failures answered without delay */
    int lock_after;        /* this many consecutive failures lock the subject */
    int64_t base_delay;    /* seconds after the first delayed failure; doubles each time */
    int64_t max_delay;
    int64_t lock_secs;     /* length of a lock */
    int64_t forget_after;  /* failures older than this (without a newer one) are forgotten */
};

/* Per account: 3 free, then 1 s, 2 s, 4 s … ≤ 60 s; 10 in a row lock for 15 minutes. */
extern const struct auth_throttle_policy auth_throttle_account;
/* Per client address: 10 free, then the same delays; 50 in a row lock for 15 minutes. */
extern const struct auth_throttle_policy auth_throttle_address;

struct auth_throttle {
    int failures;
    instant_t last_failure;  /* 0: never */
    instant_t locked_until;  /* 0: not locked */
};

/* Seconds the subject must still wait before its next attempt is even checked (0: now). */
int64_t auth_throttle_wait(const struct auth_throttle_policy *p, const struct auth_throttle *t,
                           instant_t now);
/* Record a failed attempt at `now`. */
void auth_throttle_fail(const struct auth_throttle_policy *p, struct auth_throttle *t,
                        instant_t now);

/* ---- callers: sessions and tokens (auth_session.c, auth_token.c) ---- */

enum auth_cred { AUTH_CRED_NONE, AUTH_CRED_SESSION, AUTH_CRED_TOKEN };

/* A resolved caller. scope.user_id is the user id (sessions) or the token id (tokens). */
struct auth_principal {
    enum auth_cred cred;
    struct scope scope;
    char cred_id[ID_MAXLEN];         /* session or token id */
    char csrf_hash[USER_HASH_HEX];   /* sessions: hash of the CSRF token */
    char email[USER_EMAIL_MAX];      /* sessions: the user's address */
};

/* The scope a user's row gives (installation, partner or customer; its role). */
void auth_scope_of_user(const struct user *u, struct scope *out);
/* Owners and admins must use TOTP (the rule Microsoft applies to CSP partners' admins). */
bool auth_role_needs_mfa(enum user_role role);

/* Find the live session of a cookie value; slides its idle deadline. ERR_UNAUTHORIZED. */
int auth_session_resolve(struct db *db, const char *token, instant_t now,
                         struct auth_principal *out, struct err *err);
/* End a session (logout), audited as the session's own user. Unknown ids are fine. */
int auth_session_end(struct db *db, const struct scope *actor, const char *session_id,
                     struct err *err);
/* Does the presented CSRF token belong to the session? */
bool auth_csrf_ok(const struct auth_principal *p, const char *presented);

/* Find the live token of an Authorization: Bearer value; updates last_used_at. */
int auth_token_resolve(struct db *db, const char *token, instant_t now,
                       struct auth_principal *out, struct err *err);

/* ---- sign-in, in two halves around the slow password check (auth_login.c) ---- */

struct auth_login {
    char email[USER_EMAIL_MAX];      /* normalised (lower case) */
    char address[64];                /* client address, "" when unknown */
    char request_id[72];             /* for the audit row of the new session; may be "" */
    bool found;
    struct user user;                /* when found */
    struct auth_throttle account, addr;
};

struct auth_session_new {
    char id[ID_MAXLEN];
    char token[AUTH_SECRET_MAX];     /* the cookie value: give it to the client, then wipe */
    char csrf[AUTH_SECRET_MAX];      /* the CSRF token: likewise */
    instant_t expires_at;
    struct user user;
};

/*
 * First half, under the store lock: normalise the e-mail, load the user and both throttle
 * counters. ERR_REFUSED too_many_attempts with *retry_after when either subject must wait;
 * the answer is the same whether or not the account exists.
 */
int auth_login_begin(struct db *db, const char *email, const char *address, instant_t now,
                     struct auth_login *st, int64_t *retry_after, struct err *err);
/* (st->request_id may be set between the halves.) */
/*
 * Second half, under the store lock, after auth_password_verify ran outside it: check TOTP,
 * record the failure or the success in the throttle counters, and on success create the
 * session. Failures are ERR_UNAUTHORIZED invalid_credentials (unknown account, wrong
 * password, disabled user — one message for all), mfa_required, invalid_totp, totp_replayed.
 */
int auth_login_finish(struct db *db, struct auth_login *st, bool password_ok, const char *totp,
                      instant_t now, struct auth_session_new *out, struct err *err);
/* Wipe the secrets of a login's state and result. */
void auth_login_release(struct auth_login *st, struct auth_session_new *out);

#endif
