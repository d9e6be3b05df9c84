-- store/migrations/ (billing_period_day) — the day of the month an issuer's billing
-- periods start on (issue 7; docs/billing.md "Billing periods").
--
-- Period 'YYYY-MM' runs from day period_day of that month to day period_day - 1 of the next;
-- 1 (the default, and issuers without a billing_settings row) is the calendar month. 1..28 so
-- every month has the day. The rule itself is domain/invoice (invoice_period_bounds,
-- invoice_period_of_day); store/repo_invoice.c reads the column and
-- store/repo_invoice_settings.c sets it, refusing a change once the issuer has billed.
ALTER TABLE billing_settings ADD COLUMN period_day INTEGER NOT NULL DEFAULT 1
    CHECK (period_day BETWEEN 1 AND 28);
