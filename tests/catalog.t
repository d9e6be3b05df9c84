#!/usr/bin/env bash
# tests/catalog.t — `cspd import pricelist` and `cspd pricelist diff` from the command line, on
# the fixtures of tests/fixtures/pricelists/ (README.md there), in a temporary database.
#
# Checks what the unit tests cannot: exit statuses, the messages a user reads (stdout for
# results, stderr for errors, "line N, column NAME" and "nothing was stored"), the usage errors,
# and that a refused file leaves the database as it was. TAP on stdout; $CSPD_BIN is the binary.
set -u
. "$(dirname "$0")/lib/tap.sh" || exit 1
cd "$(dirname "$0")/.." || exit 1
F=tests/fixtures/pricelists
DB=$tmp/cspd.db

count() { # count SQL -> number on stdout (through the store's own CLI would be nicer)
    sqlite3 "$DB" "$1"
}

plan 14

run 0 import pricelist "$F/2026-10.csv" --db "$DB" --month 2026-10 &&
    has "$tmp/out" "imported $F/2026-10.csv: 19 price rows (19 new, 0 updated, 0 unchanged)" &&
    has "$tmp/out" ", 1 trial row skipped; import #1 for 2026-10"
ok $? "import the October list"

run 0 import pricelist "$F/2026-10.csv" --db "$DB" &&
    has "$tmp/out" "$F/2026-10.csv was already imported (import #1 on " &&
    has "$tmp/out" "19 rows); nothing changed"
ok $? "the same file again changes nothing and says so"

run 0 import pricelist "$F/2026-11.csv" --db "$DB" --month 2026-11 &&
    has "$tmp/out" "20 price rows (6 new, 0 updated, 14 unchanged), 1 trial row skipped; import #2"
ok $? "import the November list (BOM, CRLF, other column order)"

run 1 import pricelist "$F/bad-number.csv" --db "$DB" &&
    has "$tmp/err" "cspd import: $F/bad-number.csv: line 4, column UnitPrice: '75,60' is" &&
    has "$tmp/err" "not a decimal number (invalid character ',' at position 3); nothing was stored"
ok $? "a bad number: line and column, exit 1"

run 1 import pricelist "$F/bad-date.csv" --db "$DB" &&
    has "$tmp/err" "line 5, column EffectiveStartDate: '2026-02-30T00:00:00Z' is not a date"
ok $? "a bad date after a quoted line break: the physical line"

run 1 import pricelist "$F/missing-column.csv" --db "$DB" &&
    has "$tmp/err" "line 1, column Currency: required column missing"
ok $? "a missing column is named"

run 1 import pricelist "$F/truncated.csv" --db "$DB" &&
    has "$tmp/err" "line 5, column SkuDescription: quoted field never closed (is the file"
ok $? "a truncated file"

run 1 import pricelist "$F/bad-utf8.csv" --db "$DB" &&
    has "$tmp/err" "line 5, column SkuTitle: invalid UTF-8 (byte 0xFC at position 34)"
ok $? "a file that is not UTF-8"

rows=$(count "SELECT count(*) || '/' || (SELECT count(*) FROM pricelist_imports) FROM price_points")
[ "$rows" = "25/2" ]
ok $? "refused files stored nothing (25 price points, 2 imports; got $rows)"

run 0 pricelist diff "$F/2026-10.csv" "$F/2026-11.csv" &&
    has "$tmp/out" "3 new, 2 retired, 2 increases, 1 decrease, 14 unchanged" &&
    has "$tmp/out" "150.00 -> 162.00       +12.00 (+8.00%)"
ok $? "diff two files (text)"

run 0 pricelist diff "$F/2026-10.csv" "$F/2026-11.csv" --format csv &&
    has "$tmp/out" '"decrease","DE","EUR","CFQ7TTC0LFLX:0001","Microsoft 365 E3","P3Y",' &&
    has "$tmp/out" '"monthly","","","1270.08","1209.60","-60.48","-4.76","35.28","33.60"' &&
    [ "$(wc -l <"$tmp/out")" -eq 9 ]
ok $? "diff two files (CSV: a header and 8 changes)"

run 0 pricelist diff "$F/2026-10.csv" "$F/2026-11.csv" --format csv &&
    cp "$tmp/out" "$tmp/files.csv" &&
    run 0 pricelist diff --db "$DB" --from 2026-10-15 --to 2026-11-15 --format csv &&
    cmp -s "$tmp/out" "$tmp/files.csv"
ok $? "the store on 2026-10-15 vs 2026-11-15 gives the same diff as the files"

run 2 pricelist diff "$F/2026-10.csv" && run 2 pricelist diff --from 2026-10-01 &&
    run 2 pricelist diff a b --format xml &&
    run 2 pricelist diff --db "$DB" --from 2026-13-01 --to 2026-11-01
ok $? "diff usage errors exit 2"

run 2 import pricelist && run 2 import pricelist a b && run 2 import prices "$F/2026-10.csv" &&
    run 2 import pricelist "$F/2026-10.csv" --month 2026-13 && run 2 import pricelist x --bogus
ok $? "import usage errors exit 2"

tap_done
