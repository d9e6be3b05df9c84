#!/usr/bin/env bash
# tests/recon.t — `cspd recon ...` and `cspd import recon` from the command line, on the
# fixtures of tests/fixtures/recon/ (README.md there), in a temporary database.
#
# Checks what the unit tests (tests/unit/test_recon_*.c) cannot: exit statuses, the messages a
# user reads ("line N, column NAME", "nothing was stored", "nothing new"), usage errors, and
# that a refused file leaves the database as it was. The matching itself, to the cent, is
# proven in test_recon_import.c (the store there holds cspd's charges); here the database has
# no charges, so every Microsoft line is "only in Microsoft". TAP on stdout; $CSPD_BIN.
set -u
. "$(dirname "$0")/lib/tap.sh" || exit 1
cd "$(dirname "$0")/.." || exit 1
F=tests/fixtures/recon
DB=$tmp/cspd.db

plan 17

run 0 recon import "$F/differences.csv" --db "$DB" &&
    has "$tmp/out" "invoice G000123456, 8 lines, EUR" &&
    has "$tmp/out" "subtotal 211.87 + tax 19.15 = total 231.02 (consistent)" &&
    has "$tmp/out" "0 matched, 0 amount differs, 8 only in Microsoft, 0 only in cspd"
ok $? "recon import: summary with the file's totals"

id=$(sed -n 's/^import \(rci_[a-z0-9]*\):.*/\1/p' "$tmp/out")
[ -n "$id" ]
ok $? "recon import prints the import id"

run 0 import recon "$F/differences.csv" --db "$DB" &&
    has "$tmp/out" "already imported as $id (same file); nothing new"
ok $? "cspd import recon: the same file again stores nothing"

run 0 recon import "$F/differences-resaved.csv" --db "$DB" &&
    has "$tmp/out" "(same invoice and content); nothing new"
ok $? "same invoice and content, saved otherwise: nothing new"

run 0 recon list --db "$DB" && has "$tmp/out" "$id" &&
    [ "$(wc -l <"$tmp/out")" -eq 1 ]
ok $? "recon list: one import"

run 0 recon show "$id" --db "$DB" && has "$tmp/out" "per customer:" &&
    has "$tmp/out" "G000123456" && has "$tmp/out" "Contoso, Ltd." &&
    has "$tmp/out" "6048879"
ok $? "recon show: totals per invoice, reseller and customer"

run 0 recon lines "$id" --status only_microsoft --db "$DB" &&
    [ "$(wc -l <"$tmp/out")" -eq 8 ] && has "$tmp/out" "unknown_subscription"
ok $? "recon lines --status"

run 0 recon export "$id" --db "$DB" && has "$tmp/out" '"Seq","Line","Status"' &&
    [ "$(wc -l <"$tmp/out")" -eq 9 ]
ok $? "recon export: header and 8 differences"

run 0 recon export "$id" --format xlsx --out "$tmp/d.xlsx" --db "$DB" &&
    python3 - "$tmp/d.xlsx" <<'PY'
import re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
book = z.read("xl/workbook.xml").decode()
rows = re.findall(r"<row ", z.read("xl/worksheets/sheet1.xml").decode())
strings = z.read("xl/sharedStrings.xml").decode()
assert 'name="differences"' in book and 'name="About"' in book, book
assert len(rows) == 9, len(rows)
assert "MicrosoftSubtotal" in strings and "cspd_recon_differences_xlsx_v1" in strings
PY
ok $? "recon export --format xlsx: a workbook with the header, 8 differences and its format"

run 0 recon resolve "$id" 8 follow-up --note "ask the reseller" --db "$DB" &&
    has "$tmp/out" "line 8 of $id: follow_up"
ok $? "recon resolve follow-up"

run 1 recon resolve "$id" 8 explain --db "$DB" && has "$tmp/err" "needs a note"
ok $? "recon resolve explain without a note is refused"

ok_all=0
for f in bad-header:"line 1: not a Microsoft" \
         missing-column:"line 1, column SubscriptionId: missing" \
         bad-number:"line 3, column UnitPrice: '10,08' is not a number" \
         truncated:"line 5: 12 fields, the header has 31" \
         latin1:"line 3, column CustomerName: not valid UTF-8"; do
    file=${f%%:*}
    msg=${f#*:}
    run 1 recon import "$F/$file.csv" --db "$DB" && has "$tmp/err" "$msg" &&
        has "$tmp/err" "nothing was stored" || ok_all=1
done
ok $ok_all "malformed files: line and column, nothing stored"

run 0 recon list --db "$DB" && [ "$(wc -l <"$tmp/out")" -eq 1 ]
ok $? "the refused files left no import behind"

run 0 recon write --from 2021-06-01 --to 2021-07-31 --db "$DB" &&
    head -c 3 "$tmp/out" | od -An -tx1 | grep -q 'ef bb bf' &&
    has "$tmp/out" '"PartnerId","CustomerId"'
ok $? "recon write: BOM and Microsoft's header (no charges yet)"

run 2 recon resolve "$id" x accept --db "$DB" && run 2 recon && run 2 recon import --db "$DB"
ok $? "usage errors exit 2"

# Azure usage (docs/billing.md "Azure usage"): a billed usage file for a cspd customer is rated
# by the close and invoiced. Worked by hand: markup 10% on BillingPreTaxTotal 0.76 = 0.836,
# truncated per line to 0.83 (nce-rules Part B 7.3); quantity 23.200004 kept exact.
UDB=$tmp/usage.db
"$BIN" db migrate --db "$UDB" >/dev/null 2>&1 &&
sqlite3 "$UDB" <<'SQL' &&
INSERT INTO partners (id, kind, name, country, currency, created_at)
    VALUES ('prt_P', 'direct', 'Fabrikam Cloud', 'DE', 'EUR', 0);
INSERT INTO customers (id, owner_partner_id, tenant_id, name, country, market,
                       billing_currency, created_at)
    VALUES ('cus_C', 'prt_P', '196e2273-9651-43a3-ba7e-7cbcd918fc40', 'Contoso AG', 'DE', 'DE',
            'EUR', 0);
INSERT INTO margin_rules (id, seller_id, level, kind, value, effective_from, created_at,
                          updated_at)
    VALUES ('mrg_1', 'prt_P', 'partner', 'markup', '10', '2026-01-01', 0, 0);
SQL
cat >"$tmp/usage-billed.csv" <<'CSV' &&
CustomerId,InvoiceNumber,ProductId,SkuId,SubscriptionId,UsageDate,MeterCategory,MeterName,ChargeType,UnitPrice,Quantity,BillingPreTaxTotal,BillingCurrency,PricingCurrency,EffectiveUnitPrice,PCToBCExchangeRate
196e2273-9651-43a3-ba7e-7cbcd918fc40,G000999001,DZH318Z0BQ3Q,0001,a1b2c3d4-0000-4000-8000-00000000000a,2026-11-13,Virtual Machines,D2 v3,New,0.0363,23.200004,0.76,EUR,USD,0.0363,0.9
CSV
run 0 recon import "$tmp/usage-billed.csv" --db "$UDB" &&
    has "$tmp/out" "usage to rate: 1 billed lines; 0 of no cspd customer"
ok $? "recon import of a billed usage file: one line to rate"

run 0 invoice close 2026-11 --at 2026-12-01T06:00:00Z --db "$UDB" &&
    has "$tmp/out" "1 lines rated, 1 invoices finalized" &&
    has "$tmp/out" "(1 Azure usage lines rated)" &&
    run 0 invoice show INV-2026-000001 --format csv --db "$UDB" &&
    has "$tmp/out" "Azure usage 2026-11-13: D2 v3 (Virtual Machines), DZH318Z0BQ3Q:0001" &&
    has "$tmp/out" ",23.200004," && has "$tmp/out" ",0.83,"
ok $? "invoice close rates the usage line onto the customer's invoice"

tap_done
