-- store/migrations/004_auth.sql — what authentication, throttling and the audit log need
-- beyond schema v1 (docs/auth.md).
--
--   * users: the TOTP time step last accepted (a code is never accepted twice), a TOTP secret
--     being enrolled (kept apart until the user proves it with a code), and a disabled mark;
--   * sessions: the keyed hash of the session's CSRF token;
--   * login_throttle: failure counters per account (keyed by a hash of the e-mail address,
--     so unknown addresses are throttled exactly like known ones) and per client address;
--     users.failed_logins / users.locked_until of v1 are superseded by it and stay unused;
--   * api_tokens: partner_id becomes optional (NULL: a token of the installation itself) and
--     the token remembers who created it — SQLite cannot drop NOT NULL, so the table is
--     rebuilt (it has no dependants);
--   * audit_log: the tenant a row belongs to, so GET /v1/audit filters by scope with a plain
--     indexed predicate instead of parsing the `scope` text.

ALTER TABLE users ADD COLUMN totp_last_step BIGINT;      -- last accepted TOTP step (T)
ALTER TABLE users ADD COLUMN totp_pending TEXT;          -- secret being enrolled, base32
ALTER TABLE users ADD COLUMN disabled_at BIGINT;         -- NULL: may sign in

ALTER TABLE sessions ADD COLUMN csrf_hash TEXT;

CREATE TABLE login_throttle (
    key              TEXT PRIMARY KEY,                  -- 'acct:<hash>' or 'addr:<address>'
    failures         INTEGER NOT NULL DEFAULT 0,        -- consecutive failures
    last_failure_at  BIGINT,
    locked_until     BIGINT
);

CREATE TABLE api_tokens_v2 (
    id            TEXT PRIMARY KEY,                     -- 'tok_...'
    partner_id    TEXT REFERENCES partners (id),        -- NULL: installation token
    role          TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    name          TEXT,
    created_by    TEXT,                                 -- user id, or 'cli'
    created_at    BIGINT NOT NULL,
    last_used_at  BIGINT,
    revoked_at    BIGINT
);
INSERT INTO api_tokens_v2 (id, partner_id, role, token_hash, name, created_at, last_used_at,
                           revoked_at)
    SELECT id, partner_id, role, token_hash, name, created_at, last_used_at, revoked_at
    FROM api_tokens;
DROP TABLE api_tokens;
ALTER TABLE api_tokens_v2 RENAME TO api_tokens;
CREATE INDEX api_tokens_by_partner ON api_tokens (partner_id);

ALTER TABLE audit_log ADD COLUMN partner_id TEXT;        -- tenant: the partner, or NULL
ALTER TABLE audit_log ADD COLUMN customer_id TEXT;       -- tenant: the customer, or NULL
CREATE INDEX audit_log_by_partner ON audit_log (partner_id, id);
CREATE INDEX audit_log_by_customer ON audit_log (customer_id, id);
