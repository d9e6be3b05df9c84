#!/usr/bin/env bash
# tests/invoice.t — `cspd invoice` end to end on a file database (TAP on stdout).
#
# Migrates a fresh database, inserts a direct-bill partner, one customer (19% VAT), a margin
# rule (markup 20%) and Microsoft's charge lines in the engine's shape (store/repo_charge.c),
# then: closes 2026-11 (one invoice, numbered INV-2026-000001), closes it again (nothing
# changes), exports the invoice as JSON, CSV and PDF and reads the PDF back with pdftotext;
# margin rules from the command line (below cost refused, then allowed with its alert; a rule
# that priced lines cannot end before them), the margin report and TTM revenue, the period
# exports (XLSX re-opened as a zip, the general ledger balanced) and `cspd day --close`; then a
# partner whose billing periods start on the 15th (`cspd invoice settings`, the daily step).
# Worked by hand: 10 seats at 10.08 -> 12.096 -> 12.10 x 10 = 121.00; VAT 19% = 22.99;
# total 143.99.
set -u

. "$(dirname "$0")/lib/tap.sh" || exit 1

db="$tmp/cspd.db"
"$BIN" db migrate --db "$db" >/dev/null 2>&1
ok $? "database migrated"

sqlite3 "$db" <<'SQL'
INSERT INTO partners (id, kind, name, country, currency, created_at)
    VALUES ('prt_P', 'direct', 'Fabrikam Cloud', 'DE', 'EUR', 0);
INSERT INTO customers (id, owner_partner_id, name, country, market, billing_currency, created_at)
    VALUES ('cus_C', 'prt_P', 'Contoso AG', 'DE', 'DE', 'EUR', 0);
INSERT INTO subscriptions (id, partner_id, customer_id, sku, term, billing, status, quantity,
                           created_at, updated_at)
    VALUES ('sub_S', 'prt_P', 'cus_C', 'PROD1:0001', 'P1M', 'monthly', 'active', 10, 0, 0);
INSERT INTO margin_rules (id, seller_id, level, kind, value, effective_from, created_at,
                          updated_at)
    VALUES ('mrg_1', 'prt_P', 'partner', 'markup', '20', '2026-01-01', 0, 0);
INSERT INTO tax_rates VALUES ('prt_P', 'DE', '19', 'VAT');
INSERT INTO billing_settings (partner_id, colour, payment_terms_days)
    VALUES ('prt_P', '#aa3300', 30);
INSERT INTO price_points (sku, term, billing, market, currency, unit_price, erp_price,
                          effective_from)
    VALUES ('PROD1:0001', 'P1M', 'monthly', 'DE', 'EUR', '10.08', '12.10', '2026-01-01');
INSERT INTO exchange_rates VALUES ('EUR', 'USD', '1.10', '2026-11-01');
INSERT INTO charges (id, subscription_id, event_seq, charge_type, sku, start_date, end_date,
                     quantity, unit_price, effective_unit_price, subtotal, currency,
                     billing_currency, est, created_at)
    VALUES ('chg_1', 'sub_S', 1, 'new', 'PROD1:0001', '2026-11-01', '2026-11-30', 10,
            '10.08', '10.08', '100.80', 'EUR', 'EUR', 0, 0);
SQL
ok $? "data inserted"

out=$("$BIN" invoice close 2026-11 --at 2026-12-01T06:00:00Z --db "$db" 2>&1)
ok $? "close 2026-11" "$out"
case "$out" in *"1 lines rated, 1 invoices finalized"*) r=0 ;; *) r=1 ;; esac
ok $r "one line rated, one invoice" "$out"

out=$("$BIN" invoice close 2026-11 --at 2026-12-01T07:00:00Z --db "$db" 2>&1)
case "$out" in *"(1 already closed), 0 lines rated, 0 invoices"*) r=0 ;; *) r=1 ;; esac
ok $r "second close changes nothing" "$out"

count=$(sqlite3 "$db" "SELECT COUNT(*) FROM invoices")
[ "$count" = 1 ]
ok $? "one invoice stored" "$count"

json=$("$BIN" invoice show INV-2026-000001 --db "$db" 2>&1)
total=$(printf '%s' "$json" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["subtotal"], d["tax"], d["total"], d["due_on"])' 2>&1)
[ "$total" = "121 22.99 143.99 2026-12-31" ]
ok $? "JSON totals 121 + 22.99 = 143.99, due 2026-12-31" "$total"

csv=$("$BIN" invoice show INV-2026-000001 --format csv --db "$db" 2>&1)
case "$csv" in *"PROD1:0001,new,2026-11-01,2026-11-30,10,12.1,121,19,22.99,0"*) r=0 ;; *) r=1 ;; esac
ok $r "CSV line" "$csv"

"$BIN" invoice show INV-2026-000001 --format pdf --out "$tmp/inv.pdf" --db "$db" 2>&1
ok $? "PDF written"
txt=$(pdftotext -layout "$tmp/inv.pdf" - 2>&1)
case "$txt" in *"INV-2026-000001"*"143.99"*) r=0 ;; *) r=1 ;; esac
ok $r "pdftotext reads the number and the total" "$txt"
case "$txt" in *"VAT 19%"*"22.99"*) r=0 ;; *) r=1 ;; esac
ok $r "pdftotext reads the tax line" "$txt"

# ---- margin rules, reports, period exports ----
out=$("$BIN" margins list --db "$db" 2>&1)
case "$out" in *mrg_1*prt_P*partner*markup*20*) r=0 ;; *) r=1 ;; esac
ok $r "margins list shows the rule" "$out"

out=$("$BIN" margins add --seller prt_P --kind fixed --value 5 --currency EUR \
      --sku PROD1:0001 --from 2026-12-01 --at 2026-11-20T00:00:00Z --db "$db" 2>&1)
[ $? -eq 1 ] && case "$out" in *"below Microsoft's price 10.08"*) true ;; *) false ;; esac
ok $? "a fixed price below Microsoft's is refused" "$out"
out=$("$BIN" margins add --seller prt_P --kind fixed --value 5 --currency EUR \
      --sku PROD1:0001 --from 2026-12-01 --allow-below-cost --at 2026-11-20T00:00:00Z \
      --db "$db" 2>&1)
ok $? "... and accepted with --allow-below-cost" "$out"
count=$(sqlite3 "$db" "SELECT COUNT(*) FROM outbox WHERE topic = 'alert.below_cost'
                       AND payload LIKE '%margin_rule%'")
[ "$count" = 1 ]
ok $? "an alert.below_cost outbox row for the rule" "$count"
out=$("$BIN" margins end mrg_1 --on 2026-10-31 --db "$db" 2>&1)
[ $? -eq 1 ] && case "$out" in *"cannot end before"*) true ;; *) false ;; esac
ok $? "a rule that priced November cannot end in October" "$out"
out=$("$BIN" margins end mrg_1 --on 2026-11-30 --db "$db" 2>&1)
case "$out" in *'"effective_to": "2026-11-30"'*) r=0 ;; *) r=1 ;; esac
ok $r "it can end on 2026-11-30" "$out"

out=$("$BIN" reports margins --from 2026-11-01 --to 2026-11-30 --group-by customer --json \
      --db "$db" 2>&1)
got=$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); g=d["groups"][0]
print(g["key"], g["revenue"], g["cost"], g["margin"], g["margin_pct"])' 2>&1)
[ "$got" = "cus_C 121 100.8 20.2 16.69" ]
ok $? "margin report: 121.00 - 100.80 = 20.20 (16.69%)" "$got $out"
out=$("$BIN" reports ttm prt_P --as-of 2026-11-30 --db "$db" 2>&1)
case "$out" in *prt_P*"133.10 USD"*) r=0 ;; *) r=1 ;; esac
ok $r "TTM revenue 121.00 EUR x 1.10 = 133.10 USD" "$out"

"$BIN" invoice export 2026-11 --format xlsx --out "$tmp/p.xlsx" --db "$db" 2>&1
ok $? "XLSX period export written"
python3 -c 'import sys, zipfile
z = zipfile.ZipFile(sys.argv[1]); w = z.read("xl/workbook.xml").decode()
names = ["invoices", "lines", "margins_by_customer", "margins_by_reseller",
         "margins_by_product", "About"]
sys.exit(0 if all("name=\"%s\"" % n in w for n in names) else 1)' "$tmp/p.xlsx" 2>&1
ok $? "the workbook re-opens with its six sheets"
"$BIN" invoice export 2026-11 --format gl --out "$tmp/gl.csv" --db "$db" 2>&1
got=$(python3 -c 'import csv, sys
from decimal import Decimal
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
d = sum(Decimal(r["debit"] or 0) for r in rows); c = sum(Decimal(r["credit"] or 0) for r in rows)
print(len(rows), d, c)' "$tmp/gl.csv" 2>&1)
[ "$got" = "3 143.99 143.99" ]
ok $? "general ledger: AR 143.99 = revenue 121.00 + VAT 22.99" "$got"
out=$("$BIN" invoice export 2026-11 --format csv --table invoices --db "$db" 2>&1)
case "$out" in cspd_invoices_v1,*INV-2026-000001*) r=0 ;; *) r=1 ;; esac
ok $r "CSV table of the period's invoices" "$out"

out=$("$BIN" day --date 2026-12-01 --close --db "$db" 2>&1)
case "$out" in
    *"close 2026-11: 1 issuers due (1 already closed), 0 invoices"*) r=0 ;;
    *) r=1 ;;
esac
ok $r "cspd day --close: November is already closed, nothing changes" "$out"

"$BIN" invoice pay INV-2026-000001 --at 2026-12-10T00:00:00Z --db "$db" 2>&1
ok $? "paid"
out=$("$BIN" invoice void INV-2026-000001 --db "$db" 2>&1)
[ $? -eq 1 ]
ok $? "a paid invoice cannot be voided" "$out"

# ---- billing periods on the 15th (docs/billing.md "Billing periods") ----
# prt_F bills cus_F at cost (no rule, no tax): a line starting 2026-11-14 (its 2026-10) and one
# starting 2026-11-15 (its 2026-11, 11-15 .. 12-14), 1 x 7.00 each.
sqlite3 "$db" <<'SQL'
INSERT INTO partners (id, kind, name, country, currency, created_at)
    VALUES ('prt_F', 'direct', 'Fifteen Ltd', 'DE', 'EUR', 0);
INSERT INTO customers (id, owner_partner_id, name, country, market, billing_currency, created_at)
    VALUES ('cus_F', 'prt_F', 'Mid Month AG', 'DE', 'DE', 'EUR', 0);
INSERT INTO subscriptions (id, partner_id, customer_id, sku, term, billing, status, quantity,
                           created_at, updated_at)
    VALUES ('sub_F', 'prt_F', 'cus_F', 'PROD7:0001', 'P1M', 'monthly', 'active', 1, 0, 0);
INSERT INTO charges (id, subscription_id, event_seq, charge_type, sku, start_date, end_date,
                     quantity, unit_price, effective_unit_price, subtotal, currency,
                     billing_currency, est, created_at)
    VALUES ('chg_F1', 'sub_F', 1, 'new', 'PROD7:0001', '2026-11-14', '2026-12-13', 1,
            '7.00', '7.00', '7.00', 'EUR', 'EUR', 0, 0),
           ('chg_F2', 'sub_F', 2, 'new', 'PROD7:0001', '2026-11-15', '2026-12-14', 1,
            '7.00', '7.00', '7.00', 'EUR', 'EUR', 0, 0);
SQL
out=$("$BIN" invoice settings prt_F --period-day 15 --close-day 15 --db "$db" 2>&1)
[ "$out" = "prt_F period_day=15 close_day=15" ]
ok $? "cspd invoice settings: prt_F's periods start on the 15th, closed on the 15th" "$out"
out=$("$BIN" invoice settings prt_F --period-day 29 --db "$db" 2>&1)
[ $? -eq 1 ] && case "$out" in *"(invalid: period_day)"*) true ;; *) false ;; esac
ok $? "period day 29 is refused naming period_day" "$out"
out=$("$BIN" invoice settings prt_P --period-day 15 --db "$db" 2>&1)
[ $? -eq 1 ] && case "$out" in *"(period_day_in_use: period_day)"*) true ;; *) false ;; esac
ok $? "prt_P has billed November: its period day cannot move" "$out"
"$BIN" day --date 2026-12-14 --close --db "$db" >/dev/null 2>&1
got=$(sqlite3 "$db" "SELECT COUNT(*) FROM billing_closes WHERE issuer_partner_id = 'prt_F'
    AND period = '2026-11'")
[ "$got" = 0 ]
ok $? "cspd day --close on 2026-12-14: prt_F's 2026-11 has not ended" "$got"
"$BIN" day --date 2026-12-16 --close --db "$db" >/dev/null 2>&1
got=$(sqlite3 "$db" "SELECT i.period, i.total, group_concat(r.charge_id) FROM invoices i
    JOIN rated_lines r ON r.invoice_id = i.id WHERE i.issuer_partner_id = 'prt_F'
    GROUP BY i.id")
[ "$got" = "2026-11|7|chg_F2" ]
ok $? "... on 2026-12-16 (a day late) its 2026-11 closes with the 11-15 line only" "$got"
num=$(sqlite3 "$db" "SELECT id FROM invoices WHERE issuer_partner_id = 'prt_F'")
"$BIN" invoice show "$num" --format pdf --out "$tmp/f.pdf" --db "$db" 2>&1
txt=$(pdftotext -layout "$tmp/f.pdf" - 2>&1)
case "$txt" in *"Period: 15 Nov 2026 - 14 Dec 2026"*) r=0 ;; *) r=1 ;; esac
ok $r "the PDF shows the period's dates" "$txt"

tap_done
