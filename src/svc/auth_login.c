/*
 * svc/auth_login.c — sign-in with e-mail, password and (for owners, admins and anyone who
 * enrolled) a TOTP code; the result is a new session (see auth.h for the two halves).
 *
 * What an attacker learns is kept to "wrong" or "wait": an unknown e-mail, a wrong password
 * and a disabled user give the same 401 invalid_credentials after the same argon2 work, and
 * the throttling counters of an account exist for unknown addresses too (keyed by a hash of
 * the normalised e-mail, so the table does not collect addresses). Only a right password
 * unlocks the MFA answers (mfa_required, invalid_totp), which tell nothing new to someone who
 * has it. A wrong TOTP counts as a failure like a wrong password; asking for TOTP does not.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "store/db.h"
#include "svc/audit.h"
#include "svc/auth.h"

/* Lower-case ASCII copy, or "" when the text cannot be an address we stored. */
static void normalise(const char *email, char out[USER_EMAIL_MAX])
{
    size_t n = email ? strlen(email) : 0;

    out[0] = '\0';
    if (n == 0 || n >= USER_EMAIL_MAX)
        return;
    for (size_t i = 0; i < n; i++) {
        char c = email[i];

        out[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    out[n] = '\0';
}

static void account_key(const char *email, char out[80])
{
    char h[USER_HASH_HEX];

    auth_secret_hash(email, h);
    snprintf(out, 80, "acct:%s", h);
}

static void address_key(const char *address, char out[80])
{
    snprintf(out, 80, "addr:%.70s", address);
}

static int load(struct db *db, const char *key, struct auth_throttle *t, struct err *err)
{
    return repo_throttle_get(db, key, &t->failures, &t->last_failure, &t->locked_until, err);
}

int auth_login_begin(struct db *db, const char *email, const char *address, instant_t now,
                     struct auth_login *st, int64_t *retry_after, struct err *err)
{
    char key[80];
    int64_t wa, wb;

    memset(st, 0, sizeof(*st));
    *retry_after = 0;
    normalise(email, st->email);
    snprintf(st->address, sizeof(st->address), "%s", address ? address : "");
    account_key(st->email, key);
    if (load(db, key, &st->account, err) < 0)
        return -1;
    if (st->address[0]) {
        address_key(st->address, key);
        if (load(db, key, &st->addr, err) < 0)
            return -1;
    }
    wa = auth_throttle_wait(&auth_throttle_account, &st->account, now);
    wb = st->address[0] ? auth_throttle_wait(&auth_throttle_address, &st->addr, now) : 0;
    if (wa > 0 || wb > 0) {
        *retry_after = wa > wb ? wa : wb;
        return err_set_(err, __func__, __LINE__, ERR_REFUSED, "too_many_attempts", "",
                        "too many failed sign-ins; try again in %lld seconds",
                        (long long)*retry_after);
    }
    if (st->email[0] && repo_user_by_email(db, st->email, &st->user, &st->found, err) < 0)
        return -1;
    return 0;
}

/*
 * Re-read, inside the second half's transaction, what other sign-ins may have changed since
 * the first half: both throttle counters (or overlapping failures would each write "count +
 * 1" over the same old count, and a burst of parallel guesses would count as one) and the
 * user row (its last accepted TOTP step, or one code would open several sessions; its
 * password hash, which must still be the one the password was checked against).
 */
static int reload(struct db *db, struct auth_login *st, bool *password_ok, struct err *err)
{
    struct user fresh;
    char key[80];
    bool found;

    account_key(st->email, key);
    if (load(db, key, &st->account, err) < 0)
        return -1;
    if (st->address[0]) {
        address_key(st->address, key);
        if (load(db, key, &st->addr, err) < 0)
            return -1;
    }
    if (!st->found)
        return 0;
    if (repo_user_by_id(db, st->user.id, &fresh, &found, err) < 0)
        return -1;
    if (!found || strcmp(fresh.password_hash, st->user.password_hash) != 0)
        *password_ok = false;
    if (found)
        st->user = fresh;
    else
        st->found = false;
    sodium_memzero(&fresh, sizeof(fresh));
    return 0;
}

/* Count a failure against the account and the address; commits. */
static int record_failure(struct db *db, struct auth_login *st, instant_t now, struct err *err)
{
    char key[80];

    auth_throttle_fail(&auth_throttle_account, &st->account, now);
    account_key(st->email, key);
    if (repo_throttle_put(db, key, st->account.failures, st->account.last_failure,
                          st->account.locked_until, err) < 0)
        return -1;
    if (st->address[0]) {
        auth_throttle_fail(&auth_throttle_address, &st->addr, now);
        address_key(st->address, key);
        if (repo_throttle_put(db, key, st->addr.failures, st->addr.last_failure,
                              st->addr.locked_until, err) < 0)
            return -1;
    }
    return db_commit(db, err);
}

static int create_session(struct db *db, struct auth_login *st, instant_t now,
                          struct auth_session_new *out, struct err *err)
{
    struct session_row s;
    struct scope scope;
    char token_hash[USER_HASH_HEX], after[160];

    memset(&s, 0, sizeof(s));
    if (id_new("ses", s.id, err) < 0)
        return -1;
    snprintf(s.user_id, sizeof(s.user_id), "%s", st->user.id);
    auth_secret_new("", out->token);
    auth_secret_new("", out->csrf);
    auth_secret_hash(out->token, token_hash);
    auth_secret_hash(out->csrf, s.csrf_hash);
    s.mfa_verified = st->user.mfa_enabled;
    s.created_at = s.last_seen_at = now;
    s.expires_at = now + AUTH_SESSION_TTL;
    if (repo_session_insert(db, &s, token_hash, err) < 0)
        return -1;
    auth_scope_of_user(&st->user, &scope);
    snprintf(scope.request_id, sizeof(scope.request_id), "%s", st->request_id);
    snprintf(after, sizeof(after), "{\"user_id\":\"%s\",\"mfa\":%s}", st->user.id,
             s.mfa_verified ? "true" : "false");
    struct audit_entry e = {
        .action = "session.create", .object_type = "session", .object_id = s.id,
        .after_json = after, .at = now,
    };
    if (audit_write(db, &scope, &e, err) < 0)
        return -1;
    snprintf(out->id, sizeof(out->id), "%s", s.id);
    out->expires_at = s.expires_at;
    out->user = st->user;
    return 0;
}

int auth_login_finish(struct db *db, struct auth_login *st, bool password_ok, const char *totp,
                      instant_t now, struct auth_session_new *out, struct err *err)
{
    struct err why;
    char key[80];
    int64_t step;
    bool needs;

    memset(out, 0, sizeof(*out));
    err_clear(&why);
    if (db_begin(db, err) < 0)
        return -1;
    if (reload(db, st, &password_ok, err) < 0)
        goto fail;
    if (!st->found || !password_ok || st->user.disabled_at) {
        if (record_failure(db, st, now, err) < 0)
            goto fail;
        return err_set_(err, __func__, __LINE__, ERR_UNAUTHORIZED, "invalid_credentials", "",
                        "the e-mail address or the password is wrong");
    }
    needs = auth_role_needs_mfa(st->user.role) || st->user.mfa_enabled;
    if (needs) {
        if (!st->user.totp_secret[0] || !totp || !totp[0]) {
            db_rollback(db);
            return err_set_(err, __func__, __LINE__, ERR_UNAUTHORIZED, "mfa_required", "totp",
                            st->user.totp_secret[0]
                                ? "this account signs in with a TOTP code: send field totp"
                                : "this role must sign in with TOTP, and none is enrolled: "
                                  "ask an owner or admin to reset it");
        }
        if (auth_totp_verify(st->user.totp_secret, totp, now, st->user.totp_last_step, &step,
                             &why) < 0) {
            if (why.code != ERR_UNAUTHORIZED) {
                *err = why;
                goto fail;
            }
            if (record_failure(db, st, now, err) < 0)
                goto fail;
            *err = why;
            return -1;
        }
        st->user.totp_last_step = step;
        st->user.mfa_enabled = true;
        if (repo_user_update_auth(db, &st->user, err) < 0)
            goto fail;
    }
    account_key(st->email, key);
    if (repo_throttle_clear(db, key, err) < 0 || create_session(db, st, now, out, err) < 0 ||
        db_commit(db, err) < 0)
        goto fail;
    return 0;
fail:
    db_rollback(db);
    sodium_memzero(out, sizeof(*out));
    return -1;
}

void auth_login_release(struct auth_login *st, struct auth_session_new *out)
{
    if (st)
        sodium_memzero(st, sizeof(*st));
    if (out) {
        sodium_memzero(out->token, sizeof(out->token));
        sodium_memzero(out->csrf, sizeof(out->csrf));
    }
}
