-- store/migrations/005_billing.sql — what customer and reseller billing needs (issue 7): margin
-- rules, rated lines (the partner's price for each Microsoft charge line), invoice numbering,
-- billing profiles of the billed parties, the issuers' billing settings, and period closes.
--
-- Written by store/repo_margin*.c and store/repo_invoice*.c only; docs/billing.md tells the
-- story. Money is exact decimal TEXT, dates TEXT "YYYY-MM-DD", instants BIGINT (schema v1).
-- Schema v1's `invoices` and `invoice_lines` are extended here, never redefined: invoices.status
-- holds 'draft', 'finalized', 'paid' or 'void' (v1's comment said 'issued': cspd writes
-- 'finalized'); a finalized invoice's columns and lines are never updated again except
-- status/paid_at/voided_at.

-- Margin rules of a seller (the partner that prices): a distributor's price its resellers, a
-- reseller's or a direct-bill partner's price its customers. Precedence (domain/pricing):
-- subscription > customer > reseller > partner; inside a level SKU > product > any.
-- A change is a new row from its effective day; the old row gets effective_to the day before.
CREATE TABLE margin_rules (
    id                TEXT PRIMARY KEY,               -- 'mrg_...'
    seller_id         TEXT NOT NULL REFERENCES partners (id),
    level             TEXT NOT NULL
                      CHECK (level IN ('subscription', 'customer', 'reseller', 'partner')),
    target_id         TEXT,                           -- sub/customer/reseller id; NULL: partner
    product_id        TEXT,                           -- limited to a product family (ProductId)
    sku               TEXT,                           -- ... or to one SKU ('ProductId:SkuId')
    kind              TEXT NOT NULL CHECK (kind IN ('markup', 'discount', 'fixed')),
    value             TEXT NOT NULL,                  -- percent (markup/discount) or unit price
    currency          TEXT,                           -- kind fixed: the unit price's currency
    effective_from    TEXT NOT NULL,                  -- date, inclusive
    effective_to      TEXT,                           -- date, inclusive; NULL: open-ended
    allow_below_cost  INTEGER NOT NULL DEFAULT 0,
    note              TEXT,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);
CREATE INDEX margin_rules_by_seller ON margin_rules (seller_id, effective_from);

-- One rated line per Microsoft charge line and tier: 'reseller' (a distributor's price to the
-- customer's reseller) and 'customer' (the price to the end customer). Same dates, quantity
-- and proration as the charge; amounts in the buyer's billing currency. Immutable once made.
CREATE TABLE rated_lines (
    id                    TEXT PRIMARY KEY,           -- 'rtl_...'
    charge_id             TEXT NOT NULL REFERENCES charges (id),
    tier                  TEXT NOT NULL CHECK (tier IN ('reseller', 'customer')),
    seller_id             TEXT NOT NULL REFERENCES partners (id),
    customer_id           TEXT NOT NULL REFERENCES customers (id), -- the end customer
    reseller_id           TEXT REFERENCES partners (id), -- the customer's reseller, if any
    subscription_id       TEXT NOT NULL,
    charge_type           TEXT NOT NULL,
    sku                   TEXT NOT NULL,
    product_id            TEXT NOT NULL,
    start_date            TEXT NOT NULL,
    end_date              TEXT NOT NULL,
    period                TEXT NOT NULL,              -- 'YYYY-MM' of start_date
    quantity              INTEGER NOT NULL,
    days                  INTEGER NOT NULL,           -- billed days (inclusive)
    cycle_days            INTEGER NOT NULL,           -- days of the charge cycle
    unit_price            TEXT NOT NULL,              -- buyer's per seat per cycle
    effective_unit_price  TEXT NOT NULL,              -- signed
    amount                TEXT NOT NULL,              -- signed, buyer's currency
    currency              TEXT NOT NULL,              -- buyer's billing currency
    cost                  TEXT NOT NULL,              -- seller's cost of the line, same currency
    margin                TEXT NOT NULL,              -- amount - cost
    price_currency        TEXT NOT NULL,              -- currency the rule priced in
    fx_rate               TEXT,                       -- price_currency -> currency; NULL: same
    fx_date               TEXT,                       -- effective_from of the rate used
    cost_fx_rate          TEXT,                       -- cost currency -> currency; NULL: same
    rule_id               TEXT,                       -- NULL: no rule, priced at cost
    below_cost            INTEGER NOT NULL DEFAULT 0,
    base_line_id          TEXT,                       -- tier customer of a chain: reseller line
    invoice_id            TEXT REFERENCES invoices (id),
    created_at            BIGINT NOT NULL,
    UNIQUE (charge_id, tier)
);
CREATE INDEX rated_lines_by_seller ON rated_lines (seller_id, invoice_id, start_date);
CREATE INDEX rated_lines_by_period ON rated_lines (period);
CREATE INDEX rated_lines_by_sub ON rated_lines (subscription_id, sku, tier);

-- invoices, rebuilt: schema v1 made `number` unique across the installation, but numbers are
-- sequential per issuer (INV-2026-000001 exists once per issuer), so the key is
-- (issuer_partner_id, number). Rows are copied; invoice_lines keeps referring to the table by
-- name. Schema v1's columns keep their meaning; the new ones follow.
CREATE TABLE invoices_v5 (
    id                 TEXT PRIMARY KEY,             -- 'inv_...'
    number             TEXT,                         -- set when finalized; per issuer
    issuer_partner_id  TEXT NOT NULL REFERENCES partners (id),
    customer_id        TEXT REFERENCES customers (id), -- billed party: a customer ...
    reseller_id        TEXT REFERENCES partners (id),  -- ... or a reseller
    period             TEXT NOT NULL,                -- billing month, 'YYYY-MM'
    currency           TEXT NOT NULL,
    status             TEXT NOT NULL DEFAULT 'draft',
    subtotal           TEXT NOT NULL DEFAULT '0',
    tax                TEXT NOT NULL DEFAULT '0',
    total              TEXT NOT NULL DEFAULT '0',
    issued_at          BIGINT,                       -- instant of finalization
    due_on             TEXT,                         -- date
    created_at         BIGINT NOT NULL,
    kind               TEXT NOT NULL DEFAULT 'invoice', -- or 'credit_note'
    credit_for         TEXT,                         -- credit note: the invoice it corrects
    series_year        INTEGER,                      -- numbering: year and value
    series_value       INTEGER,
    issued_on          TEXT,                         -- date of finalization
    payment_terms_days INTEGER,
    tax_rate           TEXT,                         -- percent, shown on the invoice
    tax_label          TEXT,
    cost               TEXT,                         -- seller's cost of all lines
    bill_to            TEXT,                         -- JSON snapshot of the billed party
    issuer             TEXT,                         -- JSON snapshot of the issuer (branding)
    paid_at            BIGINT,
    voided_at          BIGINT,
    note               TEXT,
    updated_at         BIGINT,
    UNIQUE (issuer_partner_id, number)
);
INSERT INTO invoices_v5 (id, number, issuer_partner_id, customer_id, reseller_id, period,
                         currency, status, subtotal, tax, total, issued_at, due_on, created_at)
    SELECT id, number, issuer_partner_id, customer_id, reseller_id, period, currency, status,
           subtotal, tax, total, issued_at, due_on, created_at FROM invoices;
DROP TABLE invoices;
ALTER TABLE invoices_v5 RENAME TO invoices;
CREATE INDEX invoices_by_customer ON invoices (customer_id, period);
CREATE INDEX invoices_by_issuer ON invoices (issuer_partner_id, period);
CREATE INDEX invoices_by_reseller ON invoices (reseller_id, period);
CREATE INDEX invoices_by_credit ON invoices (credit_for);

ALTER TABLE invoice_lines ADD COLUMN rated_line_id TEXT;
ALTER TABLE invoice_lines ADD COLUMN charge_type TEXT;
ALTER TABLE invoice_lines ADD COLUMN product_id TEXT;
ALTER TABLE invoice_lines ADD COLUMN effective_unit_price TEXT;
ALTER TABLE invoice_lines ADD COLUMN tax TEXT;
ALTER TABLE invoice_lines ADD COLUMN margin TEXT;
ALTER TABLE invoice_lines ADD COLUMN adjustment INTEGER NOT NULL DEFAULT 0;

-- Gapless numbering: one counter per issuer, series ('INV', 'CN') and year, incremented in the
-- transaction that finalizes (a rolled-back finalization rolls the number back too).
CREATE TABLE invoice_sequences (
    issuer_partner_id  TEXT NOT NULL REFERENCES partners (id),
    series             TEXT NOT NULL,
    year               INTEGER NOT NULL,
    last_value         INTEGER NOT NULL,
    PRIMARY KEY (issuer_partner_id, series, year)
);

-- The billed party's invoicing details (a customer id or a reseller's partner id).
CREATE TABLE billing_profiles (
    party_id            TEXT PRIMARY KEY,
    legal_name          TEXT,
    address             TEXT,                         -- lines separated by '\n'
    country             TEXT,
    tax_id              TEXT,
    email               TEXT,
    tax_rate            TEXT,                         -- percent; overrides the country rate
    tax_label           TEXT,
    payment_terms_days  INTEGER,
    updated_at          BIGINT
);

-- An issuer's tax rate per billed party's country (percent), with the label shown.
CREATE TABLE tax_rates (
    seller_id  TEXT NOT NULL REFERENCES partners (id),
    country    TEXT NOT NULL,
    rate       TEXT NOT NULL,
    label      TEXT,
    PRIMARY KEY (seller_id, country)
);

-- An issuer's invoice settings and branding.
CREATE TABLE billing_settings (
    partner_id          TEXT PRIMARY KEY REFERENCES partners (id),
    display_name        TEXT,
    colour              TEXT,                         -- '#RRGGBB'
    logo_path           TEXT,                         -- PNG or JPEG, optional
    address             TEXT,
    tax_id              TEXT,
    footer              TEXT,
    payment_terms_days  INTEGER NOT NULL DEFAULT 30,
    tax_rounding        TEXT NOT NULL DEFAULT 'half_up', -- once per line: half_up|half_even|down
    updated_at          BIGINT
);

-- A period closed for an issuer: running the close again finds this row and does nothing.
CREATE TABLE billing_closes (
    issuer_partner_id  TEXT NOT NULL REFERENCES partners (id),
    period             TEXT NOT NULL,                 -- 'YYYY-MM'
    closed_at          BIGINT NOT NULL,
    invoices           INTEGER NOT NULL,
    PRIMARY KEY (issuer_partner_id, period)
);
