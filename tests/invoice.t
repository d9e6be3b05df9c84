#!/usr/bin/env bash
# tests/invoice.t — `cspd invoice` end to end on a file database (TAP on stdout).
#
# Migrates a fresh database, inserts a direct-bill partner, one customer (19% VAT), a margin
# rule (markup 20%) and Microsoft's charge lines in the engine's shape (store/repo_charge.c),
# then: closes 2026-11 (one invoice, numbered INV-2026-000001), closes it again (nothing
# changes), exports the invoice as JSON, CSV and PDF and reads the PDF back with pdftotext.
# Worked by hand: 10 seats at 10.08 -> 12.096 -> 12.10 x 10 = 121.00; VAT 19% = 22.99;
# total 143.99.
set -u

BIN=${CSPD_BIN:-./cspd}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cspd-invoice.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
n=0
failed=0

ok() {
    n=$((n + 1))
    if [ "$1" -eq 0 ]; then
        echo "ok $n - $2"
    else
        echo "not ok $n - $2"
        [ -n "${3:-}" ] && printf '%s\n' "$3" | sed 's/^/# /'
        failed=$((failed + 1))
    fi
}

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

"$BIN" invoice pay INV-2026-000001 --at 2026-12-10T00:00:00Z --db "$db" 2>&1
ok $? "paid"
out=$("$BIN" invoice void INV-2026-000001 --db "$db" 2>&1)
[ $? -eq 1 ]
ok $? "a paid invoice cannot be voided" "$out"

echo "1..$n"
[ "$failed" -eq 0 ]
