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

plan 15

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

tap_done
