/*
 * tests/unit/test_auth.c — authentication primitives and sign-in, without the HTTP server.
 *
 * Covers: argon2id hashing and verification and the password policy; TOTP against the
 * RFC 6238 Appendix B vectors (SHA-1, 8 digits) and verification with ±1 step and replay
 * refusal; the throttling schedule (delays, cap, lock, forgetting) on injected instants;
 * secret hashes; and the sign-in flow on an in-memory store with fixed instants: MFA
 * required for owners, wrong TOTP counted, throttling identical for known and unknown
 * accounts, session expiry (absolute and idle), CSRF, API tokens (resolve, last use, revoke).
 * No assertion reads the wall clock.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "store/db.h"
#include "store/repo_user.h"
#include "svc/auth.h"
#include "svc/auth_admin.h"

#define T0 ((instant_t)1800000000) /* 2027-01-15T08:00:00Z, a step boundary: 60000000 * 30 */

/* RFC 6238 Appendix B seed "12345678901234567890" in base32. */
static const char rfc_seed[] = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

static struct db *open_migrated(void)
{
    struct db *db;
    struct err err;

    err_clear(&err);
    assert_int_equal(id_init(&err), 0);
    assert_int_equal(db_open(":memory:", &db, &err), 0);
    if (db_migrate(db, &err) != 0)
        fail_msg("migrate: %s", err.msg);
    return db;
}

static void exec_ok(struct db *db, const char *sql)
{
    struct err err;

    err_clear(&err);
    if (db_exec(db, sql, &err) != 0)
        fail_msg("%s: %s", sql, err.msg);
}

/* ---- passwords ---- */

static void test_password_hash_verify(void **state)
{
    char hash[USER_HASH_MAX];
    struct err err;

    (void)state;
    err_clear(&err);
    assert_int_equal(auth_password_hash("correct horse battery", hash, &err), 0);
    assert_true(strncmp(hash, "$argon2id$", 10) == 0);
    assert_true(auth_password_verify(hash, "correct horse battery"));
    assert_false(auth_password_verify(hash, "correct horse battery!"));
    assert_false(auth_password_verify(hash, ""));
    assert_false(auth_password_verify(NULL, "correct horse battery"));
    assert_false(auth_password_verify("", "anything at all"));
}

static void test_password_policy(void **state)
{
    char hash[USER_HASH_MAX], gen[AUTH_PASSWORD_GEN_LEN + 1], gen2[AUTH_PASSWORD_GEN_LEN + 1];
    char big[AUTH_PASSWORD_MAX + 2];
    struct err err;

    (void)state;
    err_clear(&err);
    assert_int_equal(auth_password_hash("short", hash, &err), -1);
    assert_int_equal(err.code, ERR_INVALID);
    assert_string_equal(err.field, "password");
    assert_int_equal(auth_password_policy("tab\there-is-long", &err), -1);
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    assert_int_equal(auth_password_policy(big, &err), -1);
    assert_int_equal(auth_password_policy("twelve chars", &err), 0);
    auth_password_generate(gen);
    auth_password_generate(gen2);
    assert_int_equal(strlen(gen), AUTH_PASSWORD_GEN_LEN);
    assert_int_equal(strcspn(gen, "0O1lIo"), AUTH_PASSWORD_GEN_LEN);
    assert_string_not_equal(gen, gen2);
    assert_int_equal(auth_password_policy(gen, &err), 0);
}

/* ---- TOTP ---- */

static void test_totp_rfc6238_vectors(void **state)
{
    static const struct {
        int64_t unix_time;
        const char *code;
    } v[] = {
        {59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
        {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"},
    };
    struct err err;
    char code[10];

    (void)state;
    err_clear(&err);
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        assert_int_equal(auth_totp_code(rfc_seed, v[i].unix_time / 30, 8, code, &err), 0);
        assert_string_equal(code, v[i].code);
    }
    /* The 6-digit codes apps show are the last six digits of the same truncation. */
    assert_int_equal(auth_totp_code(rfc_seed, 59 / 30, 6, code, &err), 0);
    assert_string_equal(code, "287082");
}

static void test_totp_window_and_replay(void **state)
{
    char c_prev[10], c_now[10], c_next[10], c_old[10];
    int64_t t = T0 / 30, step = 0;
    struct err err;

    (void)state;
    err_clear(&err);
    assert_int_equal(auth_totp_code(rfc_seed, t - 1, 6, c_prev, &err), 0);
    assert_int_equal(auth_totp_code(rfc_seed, t, 6, c_now, &err), 0);
    assert_int_equal(auth_totp_code(rfc_seed, t + 1, 6, c_next, &err), 0);
    assert_int_equal(auth_totp_code(rfc_seed, t - 2, 6, c_old, &err), 0);

    assert_int_equal(auth_totp_verify(rfc_seed, c_now, T0 + 29, -1, &step, &err), 0);
    assert_int_equal(step, t);
    assert_int_equal(auth_totp_verify(rfc_seed, c_prev, T0, -1, &step, &err), 0);
    assert_int_equal(step, t - 1);
    assert_int_equal(auth_totp_verify(rfc_seed, c_next, T0, -1, &step, &err), 0);
    assert_int_equal(step, t + 1);
    assert_int_equal(auth_totp_verify(rfc_seed, c_old, T0, -1, &step, &err), -1);
    assert_string_equal(err.reason, "invalid_totp");
    /* Once step t was accepted, its code (and t-1's) never is again; t+1's still is. */
    assert_int_equal(auth_totp_verify(rfc_seed, c_now, T0, t, &step, &err), -1);
    assert_string_equal(err.reason, "totp_replayed");
    assert_int_equal(err.code, ERR_UNAUTHORIZED);
    assert_int_equal(auth_totp_verify(rfc_seed, c_prev, T0, t, &step, &err), -1);
    assert_int_equal(auth_totp_verify(rfc_seed, c_next, T0, t, &step, &err), 0);
    assert_int_equal(step, t + 1);
    /* Malformed codes. */
    assert_int_equal(auth_totp_verify(rfc_seed, "12345", T0, -1, &step, &err), -1);
    assert_int_equal(auth_totp_verify(rfc_seed, "12345a", T0, -1, &step, &err), -1);
    assert_int_equal(auth_totp_verify(rfc_seed, NULL, T0, -1, &step, &err), -1);
    assert_string_equal(err.reason, "invalid_totp");
}

static void test_totp_secret_and_uri(void **state)
{
    char s1[USER_TOTP_MAX], s2[USER_TOTP_MAX], uri[AUTH_TOTP_URI_MAX], code[10];
    struct err err;

    (void)state;
    err_clear(&err);
    assert_int_equal(auth_totp_secret_new(s1, &err), 0);
    assert_int_equal(auth_totp_secret_new(s2, &err), 0);
    assert_int_equal(strlen(s1), 32);
    assert_int_equal(strspn(s1, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"), 32);
    assert_string_not_equal(s1, s2);
    assert_int_equal(auth_totp_code(s1, 1, 6, code, &err), 0);
    assert_int_equal(auth_totp_uri(s1, "a+b@example.com", uri, &err), 0);
    assert_non_null(strstr(uri, "otpauth://totp/cspd:a%2Bb@example.com?secret="));
    assert_non_null(strstr(uri, s1));
    assert_non_null(strstr(uri, "&issuer=cspd&algorithm=SHA1&digits=6&period=30"));
}

/* ---- throttling schedule ---- */

static void test_throttle_account_schedule(void **state)
{
    const struct auth_throttle_policy *p = &auth_throttle_account;
    struct auth_throttle t = {0, 0, 0};
    instant_t now = T0;
    static const int64_t expect[] = {0, 0, 0, 1, 2, 4, 8, 16, 32};

    (void)state;
    assert_int_equal(auth_throttle_wait(p, &t, now), 0);
    /* Failures 1..9, each tried as soon as allowed: the wait after each grows, then a lock. */
    for (int i = 0; i < 9; i++) {
        auth_throttle_fail(p, &t, now);
        assert_int_equal(t.failures, i + 1);
        assert_int_equal(auth_throttle_wait(p, &t, now), expect[i]);
        if (expect[i]) {
            assert_int_equal(auth_throttle_wait(p, &t, now + expect[i] - 1), 1);
            assert_int_equal(auth_throttle_wait(p, &t, now + expect[i]), 0);
        }
        now += expect[i];
    }
    auth_throttle_fail(p, &t, now); /* the 10th */
    assert_int_equal(t.locked_until, now + 15 * 60);
    assert_int_equal(auth_throttle_wait(p, &t, now), 900);
    assert_int_equal(auth_throttle_wait(p, &t, now + 899), 1);
    assert_int_equal(auth_throttle_wait(p, &t, now + 900), 0);
    /* After the lock the count starts again. */
    auth_throttle_fail(p, &t, now + 900);
    assert_int_equal(t.failures, 1);
    assert_int_equal(t.locked_until, 0);
    assert_int_equal(auth_throttle_wait(p, &t, now + 900), 0);
}

static void test_throttle_cap_and_forget(void **state)
{
    struct auth_throttle_policy p = auth_throttle_account;
    struct auth_throttle t = {0, 0, 0};

    (void)state;
    p.lock_after = 100;
    for (int i = 0; i < 20; i++)
        auth_throttle_fail(&p, &t, T0);
    assert_int_equal(auth_throttle_wait(&p, &t, T0), 60); /* capped at max_delay */
    /* An hour without failures forgets them. */
    assert_int_equal(auth_throttle_wait(&p, &t, T0 + 3600), 0);
    auth_throttle_fail(&p, &t, T0 + 3600);
    assert_int_equal(t.failures, 1);
    /* The address policy is looser: ten free failures. */
    memset(&t, 0, sizeof(t));
    for (int i = 0; i < 10; i++)
        auth_throttle_fail(&auth_throttle_address, &t, T0);
    assert_int_equal(auth_throttle_wait(&auth_throttle_address, &t, T0), 0);
    auth_throttle_fail(&auth_throttle_address, &t, T0);
    assert_int_equal(auth_throttle_wait(&auth_throttle_address, &t, T0), 1);
}

/* ---- secrets ---- */

static void test_secret_hashes(void **state)
{
    char a[AUTH_SECRET_MAX], b[AUTH_SECRET_MAX], h[USER_HASH_HEX];

    (void)state;
    auth_secret_new("cspd_", a);
    auth_secret_new("", b);
    assert_int_equal(strlen(a), 5 + 64);
    assert_int_equal(strlen(b), 64);
    assert_true(strncmp(a, "cspd_", 5) == 0);
    auth_secret_hash(a, h);
    assert_int_equal(strlen(h), 64);
    assert_true(auth_secret_matches(a, h));
    assert_false(auth_secret_matches(b, h));
    assert_false(auth_secret_matches(a, "short"));
    assert_false(auth_secret_matches(NULL, h));
}

/* ---- sign-in on a store ---- */

struct fixture {
    struct db *db;
    struct auth_user_created owner, sales;
};

static int setup(void **state)
{
    static struct fixture f;
    struct auth_user_new req;
    struct scope op;
    struct err err;

    memset(&f, 0, sizeof(f));
    f.db = open_migrated();
    exec_ok(f.db, "INSERT INTO partners (id, kind, name, country, currency, created_at) VALUES"
                  " ('prt_aaaaaaaaaaaaaaaaaaaaaaaaaa', 'direct', 'A', 'DE', 'EUR', 0)");
    scope_init_installation(&op);
    err_clear(&err);
    memset(&req, 0, sizeof(req));
    req.email = "Owner@A.example";
    req.role = ROLE_OWNER;
    req.partner_id = "prt_aaaaaaaaaaaaaaaaaaaaaaaaaa";
    if (auth_user_create(f.db, &op, &req, T0, &f.owner, &err) != 0)
        fail_msg("create owner: %s", err.msg);
    req.email = "sales@a.example";
    req.role = ROLE_SALES;
    if (auth_user_create(f.db, &op, &req, T0, &f.sales, &err) != 0)
        fail_msg("create sales: %s", err.msg);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    db_close(f->db);
    return 0;
}

/* One whole sign-in; returns 0 or -1 with err and *retry filled. */
static int login(struct db *db, const char *email, const char *pw, const char *totp,
                 const char *addr, instant_t now, struct auth_session_new *out, int64_t *retry,
                 struct err *err)
{
    struct auth_login st;
    int rc;

    *retry = 0;
    err_clear(err);
    if (auth_login_begin(db, email, addr, now, &st, retry, err) != 0)
        return -1;
    rc = auth_login_finish(db, &st, auth_password_verify(st.found ? st.user.password_hash : NULL,
                                                         pw),
                           totp, now, out, err);
    auth_login_release(&st, NULL);
    return rc;
}

static void code_at(const char *secret, instant_t now, char out[10])
{
    struct err err;

    err_clear(&err);
    assert_int_equal(auth_totp_code(secret, now / 30, 6, out, &err), 0);
}

static void test_login_mfa_required_for_owner(void **state)
{
    struct fixture *f = *state;
    struct auth_session_new s;
    struct auth_principal p;
    struct err err;
    int64_t retry;
    char code[10];

    assert_true(f->owner.has_totp);
    assert_false(f->sales.has_totp);
    assert_int_equal(login(f->db, "owner@a.example", f->owner.password, NULL, "10.0.0.1", T0,
                           &s, &retry, &err), -1);
    assert_string_equal(err.reason, "mfa_required");
    assert_int_equal(err.code, ERR_UNAUTHORIZED);
    assert_int_equal(login(f->db, "owner@a.example", f->owner.password, "000000", "10.0.0.1",
                           T0, &s, &retry, &err), -1);
    assert_string_equal(err.reason, "invalid_totp");
    code_at(f->owner.user.totp_secret, T0, code);
    assert_int_equal(login(f->db, "OWNER@a.example", f->owner.password, code, "10.0.0.1", T0,
                           &s, &retry, &err), 0);
    assert_true(s.user.mfa_enabled);
    assert_int_equal(s.expires_at, T0 + AUTH_SESSION_TTL);
    /* The same code again is a replay. */
    assert_int_equal(login(f->db, "owner@a.example", f->owner.password, code, "10.0.0.1",
                           T0 + 5, &s, &retry, &err), -1);
    assert_string_equal(err.reason, "totp_replayed");
    /* The session resolves to the partner scope with role owner. */
    code_at(f->owner.user.totp_secret, T0 + 30, code);
    assert_int_equal(login(f->db, "owner@a.example", f->owner.password, code, "10.0.0.1",
                           T0 + 30, &s, &retry, &err), 0);
    assert_int_equal(auth_session_resolve(f->db, s.token, T0 + 31, &p, &err), 0);
    assert_int_equal(p.scope.kind, SCOPE_PARTNER);
    assert_int_equal(p.scope.role, ROLE_OWNER);
    assert_string_equal(p.scope.partner_id, "prt_aaaaaaaaaaaaaaaaaaaaaaaaaa");
    assert_true(auth_csrf_ok(&p, s.csrf));
    assert_false(auth_csrf_ok(&p, s.token));
    assert_false(auth_csrf_ok(&p, NULL));
}

static void test_login_sales_without_mfa_and_session_expiry(void **state)
{
    struct fixture *f = *state;
    struct auth_session_new s;
    struct auth_principal p;
    struct err err;
    int64_t retry;

    assert_int_equal(login(f->db, "sales@a.example", f->sales.password, NULL, "", T0, &s,
                           &retry, &err), 0);
    assert_int_equal(auth_session_resolve(f->db, s.token, T0 + 60, &p, &err), 0);
    assert_int_equal(p.scope.role, ROLE_SALES);
    /* Idle for an hour: over. */
    assert_int_equal(auth_session_resolve(f->db, s.token, T0 + 60 + AUTH_SESSION_IDLE, &p,
                                          &err), -1);
    assert_string_equal(err.reason, "session_expired");
    /* Used every 50 minutes it still ends at the absolute lifetime. */
    assert_int_equal(login(f->db, "sales@a.example", f->sales.password, NULL, "", T0, &s,
                           &retry, &err), 0);
    for (instant_t t = T0 + 3000; t < T0 + AUTH_SESSION_TTL; t += 3000)
        assert_int_equal(auth_session_resolve(f->db, s.token, t, &p, &err), 0);
    assert_int_equal(auth_session_resolve(f->db, s.token, T0 + AUTH_SESSION_TTL, &p, &err), -1);
    assert_int_equal(auth_session_resolve(f->db, "not-a-token", T0, &p, &err), -1);
    assert_int_equal(err.code, ERR_UNAUTHORIZED);
}

static void test_throttle_same_for_unknown_account(void **state)
{
    struct fixture *f = *state;
    struct auth_session_new s;
    struct err err, e_known, e_unknown;
    int64_t r_known = 0, r_unknown = 0, retry;

    /* Three free failures each, on distinct addresses so only the account counter moves. */
    for (int i = 0; i < 4; i++) {
        assert_int_equal(login(f->db, "sales@a.example", "wrong password 1", NULL, "", T0, &s,
                               &retry, &err), -1);
        assert_string_equal(err.reason, "invalid_credentials");
        assert_int_equal(login(f->db, "ghost@a.example", "wrong password 1", NULL, "", T0, &s,
                               &retry, &err), -1);
        assert_string_equal(err.reason, "invalid_credentials");
    }
    assert_int_equal(login(f->db, "sales@a.example", f->sales.password, NULL, "", T0, &s,
                           &r_known, &e_known), -1);
    assert_int_equal(login(f->db, "ghost@a.example", "whatever it is", NULL, "", T0, &s,
                           &r_unknown, &e_unknown), -1);
    assert_string_equal(e_known.reason, "too_many_attempts");
    assert_string_equal(e_unknown.reason, "too_many_attempts");
    assert_string_equal(e_known.msg, e_unknown.msg);
    assert_int_equal(r_known, 1);
    assert_int_equal(r_unknown, 1);
    /* Once the delay passed, the right password works and clears the account's count. */
    assert_int_equal(login(f->db, "sales@a.example", f->sales.password, NULL, "", T0 + 1, &s,
                           &retry, &err), 0);
    assert_int_equal(login(f->db, "sales@a.example", "wrong password 1", NULL, "", T0 + 1, &s,
                           &retry, &err), -1);
    assert_string_equal(err.reason, "invalid_credentials");
}

static void test_throttle_per_address(void **state)
{
    struct fixture *f = *state;
    struct auth_session_new s;
    struct err err;
    int64_t retry;
    char email[64];

    /* Eleven different unknown accounts from one address: the address is delayed. */
    for (int i = 0; i < 11; i++) {
        snprintf(email, sizeof(email), "nobody%d@a.example", i);
        assert_int_equal(login(f->db, email, "wrong password 1", NULL, "192.0.2.7", T0, &s,
                               &retry, &err), -1);
        assert_string_equal(err.reason, "invalid_credentials");
    }
    assert_int_equal(login(f->db, "sales@a.example", f->sales.password, NULL, "192.0.2.7", T0,
                           &s, &retry, &err), -1);
    assert_string_equal(err.reason, "too_many_attempts");
    assert_int_equal(retry, 1);
    /* Another address is not affected. */
    assert_int_equal(login(f->db, "sales@a.example", f->sales.password, NULL, "192.0.2.8", T0,
                           &s, &retry, &err), 0);
}

/*
 * Sign-ins overlap: the server runs the argon2 check between the two halves without the store
 * lock, so several attempts can have begun before any of them finished. Every failure must
 * still count (no lost update of the throttle counters), and a TOTP code accepted by one
 * must be a replay for the others.
 */
static void test_overlapping_failures_all_count(void **state)
{
    struct fixture *f = *state;
    struct auth_login st[5];
    struct auth_session_new s;
    struct err err;
    int64_t retry;

    for (int i = 0; i < 5; i++) {
        err_clear(&err);
        assert_int_equal(auth_login_begin(f->db, "sales@a.example", "192.0.2.9", T0, &st[i],
                                          &retry, &err), 0);
    }
    for (int i = 0; i < 5; i++) {
        err_clear(&err);
        assert_int_equal(auth_login_finish(f->db, &st[i], false, NULL, T0, &s, &err), -1);
        assert_string_equal(err.reason, "invalid_credentials");
        auth_login_release(&st[i], NULL);
    }
    /* Five failures (three free): the account must wait 2 s, as after five in a row. */
    assert_int_equal(login(f->db, "sales@a.example", f->sales.password, NULL, "192.0.2.9", T0,
                           &s, &retry, &err), -1);
    assert_string_equal(err.reason, "too_many_attempts");
    assert_int_equal(retry, 2);
}

static void test_overlapping_totp_is_a_replay(void **state)
{
    struct fixture *f = *state;
    struct auth_login a, b;
    struct auth_session_new s;
    struct err err;
    int64_t retry;
    char code[10];

    code_at(f->owner.user.totp_secret, T0, code);
    err_clear(&err);
    assert_int_equal(auth_login_begin(f->db, "owner@a.example", "", T0, &a, &retry, &err), 0);
    assert_int_equal(auth_login_begin(f->db, "owner@a.example", "", T0, &b, &retry, &err), 0);
    assert_int_equal(auth_login_finish(f->db, &a, true, code, T0, &s, &err), 0);
    auth_login_release(&a, &s);
    err_clear(&err);
    assert_int_equal(auth_login_finish(f->db, &b, true, code, T0 + 1, &s, &err), -1);
    assert_string_equal(err.reason, "totp_replayed");
    auth_login_release(&b, &s);
}

static void test_disabled_user_cannot_sign_in(void **state)
{
    struct fixture *f = *state;
    struct auth_session_new s;
    struct auth_principal p;
    struct scope op;
    struct user u;
    struct err err;
    int64_t retry;

    assert_int_equal(login(f->db, "sales@a.example", f->sales.password, NULL, "", T0, &s,
                           &retry, &err), 0);
    scope_init_installation(&op);
    assert_int_equal(auth_user_disable(f->db, &op, f->sales.user.id, T0, &u, &err), 0);
    assert_true(u.disabled_at == T0);
    assert_int_equal(auth_session_resolve(f->db, s.token, T0 + 1, &p, &err), -1);
    assert_int_equal(login(f->db, "sales@a.example", f->sales.password, NULL, "", T0 + 2, &s,
                           &retry, &err), -1);
    assert_string_equal(err.reason, "invalid_credentials");
}

static void test_tokens(void **state)
{
    struct fixture *f = *state;
    struct auth_token_new req = {"prt_aaaaaaaaaaaaaaaaaaaaaaaaaa", ROLE_BILLING, "erp"};
    char secret[AUTH_SECRET_MAX];
    struct auth_principal p;
    struct token_row t, r;
    struct scope admin;
    struct err err;
    bool found;
    char hash[USER_HASH_HEX];

    memset(&admin, 0, sizeof(admin));
    admin.kind = SCOPE_PARTNER;
    admin.role = ROLE_ADMIN;
    snprintf(admin.partner_id, sizeof(admin.partner_id), "prt_aaaaaaaaaaaaaaaaaaaaaaaaaa");
    snprintf(admin.user_id, sizeof(admin.user_id), "usr_bbbbbbbbbbbbbbbbbbbbbbbbbb");
    err_clear(&err);
    assert_int_equal(auth_token_create(f->db, &admin, &req, T0, &t, secret, &err), 0);
    /* Stored hashed: the secret itself is nowhere in the table. */
    auth_secret_hash(secret, hash);
    assert_int_equal(repo_token_by_hash(f->db, hash, &r, &found, &err), 0);
    assert_true(found);
    assert_int_equal(r.last_used_at, 0);
    assert_int_equal(auth_token_resolve(f->db, secret, T0 + 10, &p, &err), 0);
    assert_int_equal(p.scope.kind, SCOPE_PARTNER);
    assert_int_equal(p.scope.role, ROLE_BILLING);
    assert_string_equal(p.scope.user_id, t.id);
    assert_int_equal(repo_token_by_hash(f->db, hash, &r, &found, &err), 0);
    assert_int_equal(r.last_used_at, T0 + 10);
    /* An admin may not make an owner token, nor one for another partner. */
    req.role = ROLE_OWNER;
    assert_int_equal(auth_token_create(f->db, &admin, &req, T0, &t, secret, &err), -1);
    assert_int_equal(err.code, ERR_FORBIDDEN);
    req.role = ROLE_SALES;
    req.partner_id = "prt_cccccccccccccccccccccccccc";
    assert_int_equal(auth_token_create(f->db, &admin, &req, T0, &t, secret, &err), -1);
    assert_int_equal(err.code, ERR_NOT_FOUND);
    /* Revoked: refused from then on. */
    assert_int_equal(auth_token_revoke(f->db, &admin, r.id, T0 + 20, &t, &err), 0);
    assert_int_equal(t.revoked_at, T0 + 20);
    auth_secret_new("cspd_", secret); /* an unknown one too */
    assert_int_equal(auth_token_resolve(f->db, secret, T0 + 30, &p, &err), -1);
    assert_string_equal(err.reason, "invalid_token");
}

static void test_user_rules(void **state)
{
    struct fixture *f = *state;
    struct auth_user_created out;
    struct auth_user_new req;
    struct scope admin, op;
    struct err err;

    memset(&admin, 0, sizeof(admin));
    admin.kind = SCOPE_PARTNER;
    admin.role = ROLE_ADMIN;
    snprintf(admin.partner_id, sizeof(admin.partner_id), "prt_aaaaaaaaaaaaaaaaaaaaaaaaaa");
    memset(&req, 0, sizeof(req));
    err_clear(&err);
    req.email = "new@a.example";
    req.role = ROLE_OWNER;
    assert_int_equal(auth_user_create(f->db, &admin, &req, T0, &out, &err), -1);
    assert_int_equal(err.code, ERR_FORBIDDEN);
    req.role = ROLE_ADMIN;
    assert_int_equal(auth_user_create(f->db, &admin, &req, T0, &out, &err), 0);
    assert_string_equal(out.user.partner_id, "prt_aaaaaaaaaaaaaaaaaaaaaaaaaa");
    assert_true(out.has_totp);
    assert_int_equal(auth_user_create(f->db, &admin, &req, T0, &out, &err), -1);
    assert_string_equal(err.reason, "email_taken");
    req.email = "p@a.example";
    req.role = ROLE_PORTAL;
    assert_int_equal(auth_user_create(f->db, &admin, &req, T0, &out, &err), -1);
    assert_string_equal(err.field, "role");
    req.customer_id = "cus_zzzzzzzzzzzzzzzzzzzzzzzzzz";
    assert_int_equal(auth_user_create(f->db, &admin, &req, T0, &out, &err), -1);
    assert_int_equal(err.code, ERR_NOT_FOUND);
    req.email = "bad address";
    assert_int_equal(auth_user_create(f->db, &admin, &req, T0, &out, &err), -1);
    assert_string_equal(err.field, "email");
    /* Bootstrap: once. */
    assert_int_equal(auth_user_bootstrap(f->db, "root@op.example", T0, &out, &err), 0);
    assert_int_equal(out.user.role, ROLE_OWNER);
    assert_string_equal(out.user.partner_id, "");
    assert_int_equal(auth_user_bootstrap(f->db, "root2@op.example", T0, &out, &err), -1);
    assert_string_equal(err.reason, "already_bootstrapped");
    scope_init_installation(&op);
    assert_int_equal(op.role, ROLE_OPERATOR);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_password_hash_verify),
        cmocka_unit_test(test_password_policy),
        cmocka_unit_test(test_totp_rfc6238_vectors),
        cmocka_unit_test(test_totp_window_and_replay),
        cmocka_unit_test(test_totp_secret_and_uri),
        cmocka_unit_test(test_throttle_account_schedule),
        cmocka_unit_test(test_throttle_cap_and_forget),
        cmocka_unit_test(test_secret_hashes),
        cmocka_unit_test_setup_teardown(test_login_mfa_required_for_owner, setup, teardown),
        cmocka_unit_test_setup_teardown(test_login_sales_without_mfa_and_session_expiry, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_throttle_same_for_unknown_account, setup, teardown),
        cmocka_unit_test_setup_teardown(test_throttle_per_address, setup, teardown),
        cmocka_unit_test_setup_teardown(test_disabled_user_cannot_sign_in, setup, teardown),
        cmocka_unit_test_setup_teardown(test_overlapping_failures_all_count, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_overlapping_totp_is_a_replay, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tokens, setup, teardown),
        cmocka_unit_test_setup_teardown(test_user_rules, setup, teardown),
    };

    return cmocka_run_group_tests_name("auth", tests, NULL, NULL);
}
