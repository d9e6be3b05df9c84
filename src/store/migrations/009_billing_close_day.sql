-- store/migrations/009_billing_close_day.sql — the day of the month on which the daily cycle
-- closes an issuer's previous billing month (issue 7; docs/billing.md "The close").
--
-- Read by store/repo_invoice.c (repo_invoice_issuer_settings) and the daily-cycle close step
-- (svc/invoice_day.c): on that day of month M, or on any later day while it has not happened
-- (a missed run catches up), the issuer's month M-1 is closed. 1..28 so every month has it;
-- issuers without a billing_settings row close on the 1st.
ALTER TABLE billing_settings ADD COLUMN close_day INTEGER NOT NULL DEFAULT 1
    CHECK (close_day BETWEEN 1 AND 28);
