-- store/migrations/013_recon_import_no.sql — recon_lines refer to their import by an integer
-- (issue 9, bench 1: the import's storage cost).
--
-- Every recon_lines row, and both of its indexes, carried the import's 30-character text id
-- ('rci_...'): ~90 bytes a row of the ~450 stored. Each import now gets a number,
-- recon_imports.import_no (1, 2, ... in the order imports were made; unique, given by the
-- store when the import row is written: store/repo_recon.c), and recon_lines.import_no
-- replaces recon_lines.import_id. recon_imports.id stays the import's public id: the API, the
-- CLI and usage_charges.import_id keep using it. Every other column of recon_lines keeps its
-- name, type and meaning (006_recon.sql); rows are copied unchanged, in (import, seq) order.
--
-- recon_imports is not rebuilt (usage_charges refers to it and the store runs with foreign
-- keys on): the number is an added column with a unique index, which recon_lines' foreign
-- key refers to. Existing imports are numbered in their rowid order (the order they were
-- written in).

ALTER TABLE recon_imports ADD COLUMN import_no INTEGER;
UPDATE recon_imports SET import_no = rowid;
CREATE UNIQUE INDEX recon_imports_by_no ON recon_imports (import_no);

CREATE TABLE recon_lines_v13 (
    import_no        INTEGER NOT NULL REFERENCES recon_imports (import_no),
    seq              INTEGER NOT NULL,
    line_no          INTEGER NOT NULL,
    status           TEXT NOT NULL,
    cause            TEXT,
    detail           TEXT,
    charge_id        TEXT,
    subscription_id  TEXT,
    ms_subscription  TEXT,
    customer_key     TEXT,
    customer_name    TEXT,
    reseller_key     TEXT,
    invoice_number   TEXT,
    charge_type      TEXT,
    sku              TEXT,
    start_date       TEXT,
    end_date         TEXT,
    quantity         TEXT,
    unit_price       TEXT,
    effective_unit_price TEXT,
    currency         TEXT,
    pricing_currency TEXT,
    exchange_rate    TEXT,
    ms_subtotal      TEXT,
    ms_tax           TEXT,
    ms_total         TEXT,
    cspd_subtotal    TEXT,
    difference       TEXT,
    order_id         TEXT,
    reference_id     TEXT,
    resolution       TEXT,
    note             TEXT,
    resolved_by      TEXT,
    resolved_at      BIGINT,
    PRIMARY KEY (import_no, seq)
);
INSERT INTO recon_lines_v13 (import_no, seq, line_no, status, cause, detail, charge_id,
        subscription_id, ms_subscription, customer_key, customer_name, reseller_key,
        invoice_number, charge_type, sku, start_date, end_date, quantity, unit_price,
        effective_unit_price, currency, pricing_currency, exchange_rate, ms_subtotal, ms_tax,
        ms_total, cspd_subtotal, difference, order_id, reference_id, resolution, note,
        resolved_by, resolved_at)
    SELECT i.import_no, l.seq, l.line_no, l.status, l.cause, l.detail, l.charge_id,
           l.subscription_id, l.ms_subscription, l.customer_key, l.customer_name,
           l.reseller_key, l.invoice_number, l.charge_type, l.sku, l.start_date, l.end_date,
           l.quantity, l.unit_price, l.effective_unit_price, l.currency, l.pricing_currency,
           l.exchange_rate, l.ms_subtotal, l.ms_tax, l.ms_total, l.cspd_subtotal,
           l.difference, l.order_id, l.reference_id, l.resolution, l.note, l.resolved_by,
           l.resolved_at
    FROM recon_lines l JOIN recon_imports i ON i.id = l.import_id
    ORDER BY i.import_no, l.seq;
DROP TABLE recon_lines;
ALTER TABLE recon_lines_v13 RENAME TO recon_lines;
CREATE INDEX recon_lines_by_status ON recon_lines (import_no, status);
