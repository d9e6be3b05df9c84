-- store/migrations/011_usage_rating.sql — Azure usage is rated and invoiced (issue 7;
-- docs/billing.md "Azure usage").
--
-- usage_charges: one row per billable line of an imported BILLED daily rated usage file
-- (formats.md §2; InvoiceNumber not blank) whose customer is a cspd customer. Written by the
-- recon import (svc/recon_svc.c through store/repo_usage.c) in the import's own transaction;
-- read by the period close (svc/invoice_close.c). Unbilled files are Microsoft's estimates
-- (the effective price can still change until the month closes, nce-rules Part B 11) and make
-- no row here. A row is never updated; it is deleted only when a later import of the same
-- invoice replaces it before any of that invoice's usage was rated (repo_usage.h).
--
-- rated_lines is rebuilt so a rated line comes from a licence charge (charge_id) or a usage
-- charge (usage_charge_id), exactly one of them. Every column of 005 keeps its meaning; for a
-- usage line quantity is 0 and usage_quantity holds the exact decimal quantity, days and
-- cycle_days are 1, charge_type is 'usage'. Rows are copied unchanged.

CREATE TABLE usage_charges (
    id                TEXT PRIMARY KEY,               -- 'usg_...'
    import_id         TEXT NOT NULL REFERENCES recon_imports (id),
    seq               INTEGER NOT NULL,               -- recon_lines.seq of the same line
    line_no           INTEGER NOT NULL,               -- physical line in the file
    invoice_number    TEXT NOT NULL,                  -- Microsoft's invoice (never blank)
    partner_id        TEXT NOT NULL REFERENCES partners (id), -- the transacting partner
    customer_id       TEXT NOT NULL REFERENCES customers (id),
    subscription_id   TEXT,                           -- cspd subscription, when the plan maps
    ms_subscription   TEXT NOT NULL,                  -- SubscriptionId: the Azure plan
    entitlement_id    TEXT,                           -- the Azure subscription
    usage_date        TEXT NOT NULL,                  -- date
    sku               TEXT NOT NULL,                  -- 'ProductId:SkuId' (MeterId if blank)
    product_id        TEXT NOT NULL,                  -- ProductId (the product family)
    meter_name        TEXT,
    meter_category    TEXT,
    quantity          TEXT NOT NULL,                  -- decimal, signed, as in the file
    unit_price        TEXT NOT NULL,                  -- UnitPrice: retail (ERP), pricing ccy
    pricing_currency  TEXT NOT NULL,
    effective_unit_price TEXT NOT NULL,               -- after PEC, pricing currency
    cost              TEXT NOT NULL,                  -- BillingPreTaxTotal as given
    currency          TEXT NOT NULL,                  -- BillingCurrency
    fx_rate           TEXT NOT NULL,                  -- PCToBCExchangeRate (1 when absent)
    fx_date           TEXT,                           -- PCToBCExchangeRateDate, when given
    created_at        BIGINT NOT NULL,
    UNIQUE (import_id, seq)
);
CREATE INDEX usage_charges_by_partner ON usage_charges (partner_id, usage_date);
CREATE INDEX usage_charges_by_customer ON usage_charges (customer_id, usage_date);
CREATE INDEX usage_charges_by_invoice ON usage_charges (invoice_number);

CREATE TABLE rated_lines_v11 (
    id                    TEXT PRIMARY KEY,
    charge_id             TEXT REFERENCES charges (id),
    tier                  TEXT NOT NULL CHECK (tier IN ('reseller', 'customer')),
    seller_id             TEXT NOT NULL REFERENCES partners (id),
    customer_id           TEXT NOT NULL REFERENCES customers (id),
    reseller_id           TEXT REFERENCES partners (id),
    subscription_id       TEXT NOT NULL,              -- usage: cspd's, else the Azure plan id
    charge_type           TEXT NOT NULL,              -- usage: 'usage'
    sku                   TEXT NOT NULL,
    product_id            TEXT NOT NULL,
    start_date            TEXT NOT NULL,
    end_date              TEXT NOT NULL,
    period                TEXT NOT NULL,
    quantity              INTEGER NOT NULL,           -- licence seats; usage: 0
    days                  INTEGER NOT NULL,
    cycle_days            INTEGER NOT NULL,
    unit_price            TEXT NOT NULL,
    effective_unit_price  TEXT NOT NULL,
    amount                TEXT NOT NULL,
    currency              TEXT NOT NULL,
    cost                  TEXT NOT NULL,
    margin                TEXT NOT NULL,
    price_currency        TEXT NOT NULL,
    fx_rate               TEXT,
    fx_date               TEXT,
    cost_fx_rate          TEXT,
    rule_id               TEXT,
    below_cost            INTEGER NOT NULL DEFAULT 0,
    base_line_id          TEXT,
    invoice_id            TEXT REFERENCES invoices (id),
    created_at            BIGINT NOT NULL,
    usage_charge_id       TEXT REFERENCES usage_charges (id),
    usage_quantity        TEXT,                       -- usage: the decimal quantity
    CHECK ((charge_id IS NULL) <> (usage_charge_id IS NULL)),
    UNIQUE (charge_id, tier),
    UNIQUE (usage_charge_id, tier)
);
INSERT INTO rated_lines_v11 (id, charge_id, tier, seller_id, customer_id, reseller_id,
        subscription_id, charge_type, sku, product_id, start_date, end_date, period, quantity,
        days, cycle_days, unit_price, effective_unit_price, amount, currency, cost, margin,
        price_currency, fx_rate, fx_date, cost_fx_rate, rule_id, below_cost, base_line_id,
        invoice_id, created_at)
    SELECT id, charge_id, tier, seller_id, customer_id, reseller_id, subscription_id,
           charge_type, sku, product_id, start_date, end_date, period, quantity, days,
           cycle_days, unit_price, effective_unit_price, amount, currency, cost, margin,
           price_currency, fx_rate, fx_date, cost_fx_rate, rule_id, below_cost, base_line_id,
           invoice_id, created_at FROM rated_lines;
DROP TABLE rated_lines;
ALTER TABLE rated_lines_v11 RENAME TO rated_lines;
CREATE INDEX rated_lines_by_seller ON rated_lines (seller_id, invoice_id, start_date);
CREATE INDEX rated_lines_by_period ON rated_lines (period);
CREATE INDEX rated_lines_by_sub ON rated_lines (subscription_id, sku, tier);
