-- store/migrations/006_recon.sql — reconciliation against Microsoft's invoice files (issue 8).
--
-- One recon_imports row per Microsoft file imported (NCE invoice reconciliation or daily rated
-- usage, formats.md §1-§2); one recon_lines row per line of that file, plus one row per cspd
-- charge line that Microsoft did not bill (status 'only_cspd', line_no 0). A file is imported
-- in one transaction: all its lines or none. Amounts are exact decimal TEXT as everywhere.
--
-- Idempotency: file_hash is the SHA-256 of the raw bytes; content_hash the SHA-256 of the
-- normalised lines (header spelling, BOM, line ends and letter case of charge types do not
-- change it). The same file, or the same invoice number with the same content, imports
-- nothing new.

CREATE TABLE recon_imports (
    id              TEXT PRIMARY KEY,               -- 'rci_...'
    kind            TEXT NOT NULL CHECK (kind IN ('invoice', 'usage')),
    source          TEXT,                           -- file name as given
    file_hash       TEXT NOT NULL UNIQUE,           -- SHA-256 hex of the bytes
    content_hash    TEXT NOT NULL,                  -- SHA-256 hex of the normalised lines
    invoice_number  TEXT,                           -- first InvoiceNumber ('' when blank)
    invoices        INTEGER NOT NULL DEFAULT 1,     -- distinct invoice numbers in the file
    currency        TEXT,                           -- billing currency of the first line
    period_start    TEXT,                           -- cspd charges considered: start dates
    period_end      TEXT,                           --   within [period_start, period_end]
    line_count      INTEGER NOT NULL,               -- data lines in the file
    sum_subtotal    TEXT NOT NULL,                  -- sum of Subtotal (usage: pre-tax total)
    sum_tax         TEXT NOT NULL,                  -- sum of TaxTotal
    sum_total       TEXT NOT NULL,                  -- sum of Total
    total_ok        INTEGER NOT NULL,               -- sum_total = sum_subtotal + sum_tax and
                                                    -- every line's Total = Subtotal + TaxTotal
    bad_total_lines INTEGER NOT NULL DEFAULT 0,     -- lines whose Total != Subtotal + TaxTotal
    matched         INTEGER NOT NULL DEFAULT 0,     -- counts per status
    amount_differs  INTEGER NOT NULL DEFAULT 0,
    only_microsoft  INTEGER NOT NULL DEFAULT 0,
    only_cspd       INTEGER NOT NULL DEFAULT 0,
    supersedes      TEXT,                           -- earlier import of the same invoice
    actor           TEXT,
    created_at      BIGINT NOT NULL
);
CREATE INDEX recon_imports_by_invoice ON recon_imports (invoice_number);
CREATE INDEX recon_imports_by_content ON recon_imports (content_hash);

CREATE TABLE recon_lines (
    import_id        TEXT NOT NULL REFERENCES recon_imports (id),
    seq              INTEGER NOT NULL,              -- 1, 2, ... in file order, then cspd-only
    line_no          INTEGER NOT NULL,              -- physical line in the file; 0: cspd-only
    status           TEXT NOT NULL,                 -- 'matched', 'amount_differs',
                                                    -- 'only_microsoft', 'only_cspd', 'usage'
    cause            TEXT,                          -- amount_differs: 'price', 'exchange_rate',
                                                    -- 'rounding_rule', 'proration_days',
                                                    -- 'unknown'; only_microsoft: why
    detail           TEXT,                          -- one sentence with both figures
    charge_id        TEXT,                          -- cspd's charges.id
    subscription_id  TEXT,                          -- cspd's subscription (mapped)
    ms_subscription  TEXT,                          -- SubscriptionId as the file gives it
    customer_key     TEXT,                          -- CustomerId, or cspd customer id
    customer_name    TEXT,
    reseller_key     TEXT,                          -- ResellerMpnId / Tier2MpnId ('' direct)
    invoice_number   TEXT,
    charge_type      TEXT,                          -- normalised ("cycleCharge")
    sku              TEXT,                          -- 'ProductId:SkuId'
    start_date       TEXT,
    end_date         TEXT,
    quantity         TEXT,                          -- BillableQuantity as given (signed)
    unit_price       TEXT,
    effective_unit_price TEXT,
    currency         TEXT,                          -- billing currency
    pricing_currency TEXT,
    exchange_rate    TEXT,
    ms_subtotal      TEXT,                          -- Microsoft's Subtotal (billing currency)
    ms_tax           TEXT,
    ms_total         TEXT,
    cspd_subtotal    TEXT,                          -- cspd's amount (billing currency)
    difference       TEXT,                          -- ms_subtotal - cspd_subtotal
    order_id         TEXT,
    reference_id     TEXT,
    resolution       TEXT,                          -- NULL, 'accepted', 'explained', 'follow_up'
    note             TEXT,
    resolved_by      TEXT,
    resolved_at      BIGINT,
    PRIMARY KEY (import_id, seq)
);
CREATE INDEX recon_lines_by_status ON recon_lines (import_id, status);

-- Microsoft's SubscriptionId -> cspd's subscription. Files cspd wrote itself carry cspd's own
-- ids and need no row here.
CREATE TABLE recon_subscription_map (
    microsoft_subscription_id  TEXT PRIMARY KEY,
    subscription_id            TEXT NOT NULL REFERENCES subscriptions (id),
    created_at                 BIGINT NOT NULL
);
CREATE INDEX recon_subscription_map_by_sub ON recon_subscription_map (subscription_id);
