-- store/migrations/010_billing_close_indexes.sql — indexes for the billing close at scale
-- (issue 9, bench 2; docs/bench.md).
--
-- invoice_lines_by_charge (schema v1) is read by no query: an invoice line's charge is found
-- through its rated line (rated_lines UNIQUE (charge_id, tier)). Its key is the charge id,
-- which is random, so each of the ~10^6 invoice lines a month's close writes dirtied a page
-- of it of its own, and each issuer's commit rewrote most of it (measured: about a quarter
-- of the close's page writes at 1/10 scale). Charges are never deleted, so the foreign key
-- invoice_lines.charge_id -> charges.id needs no index on this side.
DROP INDEX IF EXISTS invoice_lines_by_charge;
