-- store/migrations/001_schema_v1.sql — schema version 1: the whole book of a CSP partner.
--
-- Applied by db_migrate in one transaction together with its schema_migrations row; never edit
-- it once released: change the schema in a new file (002_*.sql, ...), which the build picks up.
--
-- Portable SQL, the same text on SQLite and PostgreSQL:
--   * ids are TEXT primary keys made by core/id ("prt_...", "cus_...", "sub_..."); the three
--     append-only logs (price_points, audit_log, outbox) use `id INTEGER PRIMARY KEY`, which
--     SQLite assigns (rowid); the PostgreSQL backend turns it into an identity column when it
--     applies migrations, the one rewrite it does besides `?` placeholders;
--   * money, prices, rates and fractional quantities are exact decimal TEXT ("1234.56", as
--     dec_format writes them), never REAL; licence seat counts are INTEGER;
--   * instants are BIGINT seconds since the epoch (UTC); calendar dates TEXT "YYYY-MM-DD";
--   * flags are INTEGER 0/1; free-form lists and snapshots are JSON in TEXT columns;
--   * enumerations are TEXT holding the domain's snake_case names.
-- Foreign keys hold between the parties and from the subscription aggregate to its owners;
-- catalog references (sku, product) are plain TEXT so a price list can be loaded before or
-- without its catalog rows, and a scenario can price a SKU no catalog knows.

-- ---------------------------------------------------------------------------------------
-- Program: partners, their relationships, regions (program.md §1-§6)

-- Country -> CSP region. Data, not code; `confirmed` = 0 for rows not yet checked against
-- Microsoft's "regional markets and currencies" page (program.md §3).
CREATE TABLE regions (
    country     TEXT PRIMARY KEY,                   -- ISO 3166-1 alpha-2
    region      TEXT NOT NULL,                      -- e.g. 'europe', 'united_states'
    confirmed   INTEGER NOT NULL DEFAULT 0
);

-- A partner location (PLA) cspd serves: a direct-bill partner, a distributor (indirect
-- provider) or an indirect reseller.
CREATE TABLE partners (
    id                   TEXT PRIMARY KEY,          -- 'prt_...'
    kind                 TEXT NOT NULL CHECK (kind IN ('distributor', 'reseller', 'direct')),
    name                 TEXT NOT NULL,
    partner_id           TEXT,                      -- Microsoft PartnerID (MPN ID) of the PLA
    pla_id               TEXT,                      -- partner location account id
    pla_verified         INTEGER NOT NULL DEFAULT 0,
    country              TEXT NOT NULL,             -- the location's country (ISO alpha-2)
    region               TEXT,                      -- CSP region (regions.region)
    currency             TEXT NOT NULL,             -- billing currency (ISO 4217)
    mpa_accepted_at      BIGINT,                    -- NULL: MPA not accepted
    mpa_accepted_by      TEXT,                      -- Global Admin who accepted it
    security_contact     TEXT,                      -- e-mail set in Partner Center
    designations         TEXT,                      -- JSON array of Solutions Partner designations
    support_plan         TEXT,                      -- 'none', 'asfp', 'psfp'
    ttm_revenue_recorded TEXT,                      -- trailing-12-month CSP revenue, USD decimal
    onboarded_on         TEXT,                      -- date; the reassessment anniversary
    status               TEXT NOT NULL DEFAULT 'active',
    created_at           BIGINT NOT NULL
);

-- Distributor <-> indirect reseller, in one region; history kept (ended_at set, never deleted).
CREATE TABLE relationships (
    distributor_id  TEXT NOT NULL REFERENCES partners (id),
    reseller_id     TEXT NOT NULL REFERENCES partners (id),
    region          TEXT NOT NULL,
    started_at      BIGINT NOT NULL,
    ended_at        BIGINT,                         -- NULL: current
    PRIMARY KEY (distributor_id, reseller_id, started_at)
);
CREATE INDEX relationships_by_reseller ON relationships (reseller_id);

-- ---------------------------------------------------------------------------------------
-- Customers and the MCA (program.md §2)

CREATE TABLE customers (
    id                TEXT PRIMARY KEY,             -- 'cus_...'
    owner_partner_id  TEXT NOT NULL REFERENCES partners (id), -- whose book the customer is in
    distributor_id    TEXT REFERENCES partners (id),          -- indirect: the distributor
    reseller_id       TEXT REFERENCES partners (id),          -- indirect: the reseller (POR)
    tenant_id         TEXT,                         -- Microsoft Entra tenant (GUID)
    domain            TEXT,                         -- e.g. 'contoso.onmicrosoft.com'
    name              TEXT NOT NULL,
    country           TEXT NOT NULL,                -- the organisation's address
    market            TEXT NOT NULL,                -- the tenant's country: picks price rows
    billing_currency  TEXT NOT NULL,                -- ISO 4217
    mca_status        TEXT NOT NULL DEFAULT 'none', -- e.g. 'none', 'accepted', 'attested'
    mca_accepted_at   BIGINT,
    mca_signer_name   TEXT,
    mca_signer_email  TEXT,
    mca_version       TEXT,
    mca_attested_by   TEXT,                         -- partner or user that attested, if any
    credit_limit      TEXT,                         -- decimal, billing currency; NULL: none
    portal_enabled    INTEGER NOT NULL DEFAULT 0,
    created_at        BIGINT NOT NULL
);
CREATE INDEX customers_by_owner ON customers (owner_partner_id);
CREATE INDEX customers_by_reseller ON customers (reseller_id);
CREATE INDEX customers_by_distributor ON customers (distributor_id);

-- ---------------------------------------------------------------------------------------
-- Access: users (a partner's staff or a customer's portal users), sessions, API tokens.
-- Secrets are stored only as hashes (password_hash: argon2id string; token_hash: keyed hash).

CREATE TABLE users (
    id             TEXT PRIMARY KEY,                -- 'usr_...'
    partner_id     TEXT REFERENCES partners (id),   -- set for partner staff ...
    customer_id    TEXT REFERENCES customers (id),  -- ... or for a customer's users, not both
    email          TEXT NOT NULL UNIQUE,            -- stored lower-case
    role           TEXT NOT NULL,
    password_hash  TEXT,
    totp_secret    TEXT,
    mfa_enabled    INTEGER NOT NULL DEFAULT 0,
    failed_logins  INTEGER NOT NULL DEFAULT 0,
    locked_until   BIGINT,
    created_at     BIGINT NOT NULL,
    CHECK (partner_id IS NULL OR customer_id IS NULL)
);
CREATE INDEX users_by_partner ON users (partner_id);
CREATE INDEX users_by_customer ON users (customer_id);

CREATE TABLE sessions (
    id            TEXT PRIMARY KEY,                 -- 'ses_...'
    user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash    TEXT NOT NULL UNIQUE,             -- hash of the cookie value
    mfa_verified  INTEGER NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL,
    last_seen_at  BIGINT,
    expires_at    BIGINT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

CREATE TABLE api_tokens (
    id            TEXT PRIMARY KEY,                 -- 'tok_...'
    partner_id    TEXT NOT NULL REFERENCES partners (id),
    role          TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    name          TEXT,                             -- what the token is for
    created_at    BIGINT NOT NULL,
    last_used_at  BIGINT,
    revoked_at    BIGINT                            -- NULL: valid
);
CREATE INDEX api_tokens_by_partner ON api_tokens (partner_id);

-- ---------------------------------------------------------------------------------------
-- Catalog and prices (formats.md §3, nce-rules.md §10)

CREATE TABLE products (
    id           TEXT PRIMARY KEY,                  -- Microsoft ProductId, 'CFQ7TTC0LH18'
    title        TEXT NOT NULL,                     -- ProductTitle
    publisher    TEXT,
    category     TEXT,                              -- 'license', 'azure', 'software', ...
    created_at   BIGINT
);

CREATE TABLE skus (
    id           TEXT PRIMARY KEY,                  -- 'ProductId:SkuId', 'CFQ7TTC0LH18:0001'
    product_id   TEXT NOT NULL REFERENCES products (id),
    sku_id       TEXT NOT NULL,                     -- SkuId, '0001'
    title        TEXT NOT NULL,                     -- SkuTitle
    description  TEXT,
    tags         TEXT,                              -- as the price list gives them
    created_at   BIGINT
);
CREATE INDEX skus_by_product ON skus (product_id);

-- One price row as Microsoft's price list (or a scenario, or an operator) states it; which
-- row applies on a date, and the basis of unit_price (whole term or billing cycle), is
-- domain/catalog's rule.
CREATE TABLE price_points (
    id              INTEGER PRIMARY KEY,
    sku             TEXT NOT NULL,                  -- skus.id form
    product         TEXT,                           -- product title as the source wrote it
    term            TEXT NOT NULL,                  -- 'P1M', 'P1Y', 'P3Y'
    billing         TEXT NOT NULL,                  -- 'monthly', 'annual', 'triennial', ...
    market          TEXT NOT NULL,                  -- ISO alpha-2
    currency        TEXT NOT NULL,                  -- pricing currency
    unit_price      TEXT NOT NULL,                  -- decimal
    erp_price       TEXT,                           -- decimal, estimated retail price
    effective_from  TEXT NOT NULL,                  -- date
    effective_to    TEXT,                           -- date; NULL: open-ended
    segment         TEXT,                           -- 'commercial', 'education', ...
    tags            TEXT,
    source          TEXT                            -- file imported, 'scenario', 'manual'
);
CREATE INDEX price_points_lookup
    ON price_points (sku, term, billing, market, currency, effective_from);

CREATE TABLE exchange_rates (
    from_currency   TEXT NOT NULL,
    to_currency     TEXT NOT NULL,
    rate            TEXT NOT NULL,                  -- decimal: 1 from = rate to
    effective_from  TEXT NOT NULL,                  -- date
    PRIMARY KEY (from_currency, to_currency, effective_from)
);

-- Allowed NCE upgrades (nce-rules.md §4).
CREATE TABLE upgrade_paths (
    from_sku  TEXT NOT NULL,
    to_sku    TEXT NOT NULL,
    PRIMARY KEY (from_sku, to_sku)
);

-- ---------------------------------------------------------------------------------------
-- Subscriptions, event-sourced (DESIGN.md): subscription_events is the truth, append-only;
-- subscriptions holds the current state (columns for queries, `state` for the domain) and
-- `version`, the seq of the last event applied, for optimistic concurrency.

CREATE TABLE subscriptions (
    id          TEXT PRIMARY KEY,                   -- 'sub_...'
    partner_id  TEXT NOT NULL REFERENCES partners (id),  -- the transacting partner
    customer_id TEXT NOT NULL REFERENCES customers (id),
    name        TEXT,
    sku         TEXT NOT NULL,
    term        TEXT NOT NULL,                      -- 'P1M', 'P1Y', 'P3Y'
    billing     TEXT NOT NULL,                      -- 'monthly', 'annual', ...
    status      TEXT NOT NULL,                      -- 'active', 'suspended', 'cancelled', ...
    quantity    INTEGER NOT NULL,
    auto_renew  INTEGER NOT NULL DEFAULT 0,
    term_start  TEXT,                               -- date
    term_end    TEXT,                               -- date, inclusive
    version     INTEGER NOT NULL DEFAULT 0,
    state       TEXT,                               -- JSON snapshot of the domain state
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX subscriptions_by_customer ON subscriptions (customer_id);
CREATE INDEX subscriptions_by_partner ON subscriptions (partner_id);
CREATE INDEX subscriptions_by_term_end ON subscriptions (term_end);

-- The primary key (subscription_id, seq) is also the "events of a subscription" index.
CREATE TABLE subscription_events (
    subscription_id  TEXT NOT NULL REFERENCES subscriptions (id),
    seq              INTEGER NOT NULL,              -- 1, 2, ... per subscription
    kind             TEXT NOT NULL,                 -- 'created', 'quantity_changed', ...
    at               BIGINT NOT NULL,               -- effective instant
    data             TEXT,                          -- JSON
    PRIMARY KEY (subscription_id, seq)
);

-- What Microsoft bills the partner: one row per reconciliation-file line cspd computes
-- (formats.md §1). Amounts in the pricing currency, then converted to the billing currency.
CREATE TABLE charges (
    id                    TEXT PRIMARY KEY,          -- 'chg_...'
    subscription_id       TEXT NOT NULL REFERENCES subscriptions (id),
    event_seq             INTEGER,                   -- the event it comes from, if any
    charge_type           TEXT NOT NULL,             -- 'new', 'renew', 'cycleCharge', ...
    sku                   TEXT NOT NULL,
    start_date            TEXT NOT NULL,             -- inclusive
    end_date              TEXT NOT NULL,             -- inclusive
    quantity              INTEGER NOT NULL,          -- always positive
    unit_price            TEXT NOT NULL,
    effective_unit_price  TEXT NOT NULL,             -- negative on refund lines
    subtotal              TEXT NOT NULL,             -- negative on refund lines
    currency              TEXT NOT NULL,             -- pricing currency
    billing_currency      TEXT NOT NULL,
    exchange_rate         TEXT,                      -- NULL when the currencies agree
    billing_subtotal      TEXT,
    est                   INTEGER NOT NULL DEFAULT 0,
    order_id              TEXT,
    reference_id          TEXT,
    created_at            BIGINT NOT NULL
);
CREATE INDEX charges_by_subscription ON charges (subscription_id, event_seq);
CREATE INDEX charges_by_start_date ON charges (start_date);

-- ---------------------------------------------------------------------------------------
-- Invoices cspd issues to its customers (or a distributor to its resellers).

CREATE TABLE invoices (
    id                 TEXT PRIMARY KEY,             -- 'inv_...'
    number             TEXT UNIQUE,                  -- set when issued; sequential per issuer
    issuer_partner_id  TEXT NOT NULL REFERENCES partners (id),
    customer_id        TEXT REFERENCES customers (id), -- billed party: a customer ...
    reseller_id        TEXT REFERENCES partners (id),  -- ... or a reseller
    period             TEXT NOT NULL,                -- billing month, 'YYYY-MM'
    currency           TEXT NOT NULL,
    status             TEXT NOT NULL DEFAULT 'draft', -- 'draft', 'issued', 'void'
    subtotal           TEXT NOT NULL DEFAULT '0',
    tax                TEXT NOT NULL DEFAULT '0',
    total              TEXT NOT NULL DEFAULT '0',
    issued_at          BIGINT,
    due_on             TEXT,                         -- date
    created_at         BIGINT NOT NULL
);
CREATE INDEX invoices_by_customer ON invoices (customer_id, period);
CREATE INDEX invoices_by_issuer ON invoices (issuer_partner_id, period);

CREATE TABLE invoice_lines (
    invoice_id   TEXT NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    line_no      INTEGER NOT NULL,                   -- 1, 2, ...
    charge_id    TEXT REFERENCES charges (id),       -- the Microsoft charge it resells
    description  TEXT NOT NULL,
    sku          TEXT,
    start_date   TEXT,
    end_date     TEXT,
    quantity     TEXT NOT NULL,                      -- decimal (usage can be fractional)
    unit_price   TEXT NOT NULL,                      -- price to the billed party
    amount       TEXT NOT NULL,
    cost         TEXT,                               -- Microsoft cost, for margin reports
    PRIMARY KEY (invoice_id, line_no)
);
CREATE INDEX invoice_lines_by_charge ON invoice_lines (charge_id);

-- ---------------------------------------------------------------------------------------
-- Cross-cutting: audit, idempotency, outbox (DESIGN.md)

-- Every mutation, written in the same transaction as the change.
CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    at           BIGINT NOT NULL,
    actor        TEXT NOT NULL,                      -- user or token id, or 'system'
    scope        TEXT,                               -- the actor's tenancy scope
    action       TEXT NOT NULL,                      -- 'subscription.set_quantity', ...
    object_type  TEXT NOT NULL,
    object_id    TEXT,
    before       TEXT,                               -- JSON, NULL on create
    after        TEXT,                               -- JSON, NULL on delete
    request_id   TEXT
);
CREATE INDEX audit_log_by_object ON audit_log (object_type, object_id);
CREATE INDEX audit_log_by_at ON audit_log (at);

-- First result of a mutating API call per Idempotency-Key, replayed on retry.
CREATE TABLE idempotency_keys (
    key         TEXT NOT NULL,
    scope       TEXT NOT NULL,                      -- the caller's scope: keys never collide
    method      TEXT NOT NULL,
    path        TEXT NOT NULL,
    body_hash   TEXT NOT NULL,                      -- same key, other body -> 409
    status      INTEGER,                            -- HTTP status of the first result
    response    TEXT,                               -- its body
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_by_created ON idempotency_keys (created_at);

-- Work to do after commit (webhooks, e-mail, Partner Center calls), written in the same
-- transaction as the change that causes it; workers take rows, then mark them done.
CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY,
    topic       TEXT NOT NULL,
    payload     TEXT NOT NULL,                      -- JSON
    created_at  BIGINT NOT NULL,
    taken_at    BIGINT,
    done_at     BIGINT,
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT
);
CREATE INDEX outbox_pending ON outbox (id) WHERE done_at IS NULL;
