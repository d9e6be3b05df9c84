#!/usr/bin/env bash
# tests/demo_show.t — scripts/demo-show, the part of `make run` that shows the seeded book's
# last closed period as PDF invoices and the year's margin report (TAP on stdout).
#
# A tiny book is seeded; every finalized invoice of its last period must come out as a PDF
# that pdftotext reads back with that invoice's number and total; the margin report's totals
# must be those of `cspd reports margins` over the same year; a missing database is an error
# that names it, and a second run rewrites the same files.
set -u

. "$(dirname "$0")/lib/tap.sh" || exit 1

here=$(cd "$(dirname "$0")/.." && pwd)
show="$here/scripts/demo-show"

"$BIN" db migrate --db "$db" >/dev/null 2>&1 &&
    "$BIN" demo seed --db "$db" --partners 4 --customers 6 --subscriptions 16 --months 3 \
        --start 2026-03-01 --seed 5 >/dev/null 2>&1
ok $? "a tiny book is seeded (Mar-May 2026)"

out=$("$show" --db "$db" --cspd "$BIN" --out "$tmp/inv" 2>&1)
ok $? "demo-show runs" "$out"

# the last period with a finalized invoice, and its invoices, from the CLI itself
list=$("$BIN" invoice list --db "$db")
period=$(printf '%s\n' "$list" | awk '$4 == "finalized" || $4 == "paid" { print $3 }' | sort | tail -n 1)
want=$(printf '%s\n' "$list" | awk -v p="$period" '$3 == p && ($4 == "finalized" || $4 == "paid")' | wc -l)
got=$(ls "$tmp/inv" 2>/dev/null | grep -c '\.pdf$')
[ -n "$period" ] && [ "$want" -gt 0 ] && [ "$got" = "$want" ]
ok $? "one PDF per finalized invoice of $period ($want)" "got $got; $out"

bad=0
while read -r id number _ _ _ _ total _; do
    f="$tmp/inv/$number-$id.pdf"
    txt=$(pdftotext -layout "$f" - 2>/dev/null) || { bad=1; echo "# unreadable: $f"; continue; }
    case "$txt" in *"$number"*"$total"*) ;; *) bad=1; echo "# $f lacks $number or $total" ;; esac
done < <(printf '%s\n' "$list" | awk -v p="$period" '$3 == p && ($4 == "finalized" || $4 == "paid")')
ok $bad "each PDF reads back with its number and total"

first=$(date -d "${period}-01 -11 months" +%Y-%m-01)
last=$(date -d "${period}-01 +1 month -1 day" +%Y-%m-%d)
totals=$("$BIN" reports margins --from "$first" --to "$last" --group-by month --db "$db" |
         awk '$1 == "TOTAL"')
case "$out" in *"$totals"*) r=0 ;; *) r=1 ;; esac
[ -n "$totals" ] && [ $r = 0 ]
ok $? "the margin report's totals are the CLI's for $first..$last" "$totals"

out2=$("$show" --db "$db" --cspd "$BIN" --out "$tmp/inv" 2>&1)
[ $? = 0 ] && [ "$(ls "$tmp/inv" | grep -c '\.pdf$')" = "$want" ]
ok $? "a second run rewrites the same files" "$out2"

err=$("$show" --db "$tmp/none.db" --cspd "$BIN" --out "$tmp/x" 2>&1)
[ $? = 1 ] && case "$err" in *"$tmp/none.db"*) true ;; *) false ;; esac
ok $? "a missing database is an error naming it" "$err"

"$show" --bogus >/dev/null 2>&1
[ $? = 2 ]
ok $? "an unknown argument is a usage error"

tap_done
