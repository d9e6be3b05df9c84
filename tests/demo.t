#!/usr/bin/env bash
# tests/demo.t — `cspd demo seed|files|clock` (TAP on stdout).
#
# A tiny book (4 partners, 6 customers, 16 orders, 3 months) seeded twice with the same seed
# must give identical files (price list and recon bytes) and identical row counts; another
# seed must give another book. A second seed of the same database changes nothing, and the
# recon file the demo writes imports back into its own database with zero differences.
set -u

. "$(dirname "$0")/lib/tap.sh" || exit 1

SIZE="--partners 4 --customers 6 --subscriptions 16 --months 3 --start 2026-03-01"

seed() { # name seed
    "$BIN" db migrate --db "$tmp/$1.db" >/dev/null 2>&1 &&
        "$BIN" demo seed --db "$tmp/$1.db" $SIZE --seed "$2" >"$tmp/$1.out" 2>&1 &&
        "$BIN" demo files --db "$tmp/$1.db" --out "$tmp/$1" >/dev/null 2>&1
}

counts() {
    sqlite3 "$tmp/$1.db" "SELECT (SELECT count(*) FROM partners), (SELECT count(*) FROM
        customers), (SELECT count(*) FROM subscriptions), (SELECT count(*) FROM
        subscription_events), (SELECT count(*) FROM charges), (SELECT count(*) FROM invoices)"
}

seed a 7
ok $? "seed 7 into a fresh database" "$(cat "$tmp/a.out")"
seed b 7
ok $? "seed 7 again into another database"
seed c 8
ok $? "seed 8"

nrecon=$(ls "$tmp/a" | grep -c '^recon-')
[ "$nrecon" = 3 ] && [ -s "$tmp/a/pricelist.csv" ]
ok $? "files: a price list and 3 monthly recon files" "$(ls "$tmp/a")"

diff -r "$tmp/a" "$tmp/b" >/dev/null
ok $? "same seed: the same bytes in every file"

ca=$(counts a); cb=$(counts b); cc=$(counts c)
[ "$ca" = "$cb" ]
ok $? "same seed: the same row counts ($ca)" "$ca / $cb"

lines=$(cat "$tmp"/a/recon-*.csv | wc -l)
[ "$lines" -gt 10 ]
ok $? "the recon files hold charge lines ($lines)"

! diff -r "$tmp/a" "$tmp/c" >/dev/null
ok $? "another seed: another book" "$ca / $cc"

cmp -s "$tmp/a/pricelist.csv" "$tmp/c/pricelist.csv"
ok $? "the price list does not depend on the seed"

out=$("$BIN" demo seed --db "$tmp/a.db" $SIZE --seed 7 2>&1)
case "$out" in *"already seeded"*) r=0 ;; *) r=1 ;; esac
[ "$r" = 0 ] && [ "$(counts a)" = "$ca" ]
ok $? "seeding again says so and changes nothing" "$out"

clock=$("$BIN" demo clock --db "$tmp/a.db" 2>&1)
[ "$clock" = "2026-06-01T06:00:00Z" ]
ok $? "demo clock is the end of the history" "$clock"

out=$("$BIN" recon import "$tmp/a/recon-2026-04.csv" --db "$tmp/a.db" 2>&1)
case "$out" in *" 0 amount differs, 0 only in Microsoft, 0 only in cspd"*) r=0 ;; *) r=1 ;; esac
ok $r "the demo's recon file imports back with zero differences" "$out"

"$BIN" demo files --db "$tmp/a.db" --out "$tmp/x" --seed 9 >/dev/null 2>&1
[ $? = 1 ]
ok $? "files --seed that is not the database's seed is refused"

"$BIN" demo seed --db "$tmp/a.db" --partners x >/dev/null 2>&1
[ $? = 2 ]
ok $? "a bad count is a usage error"

tap_done
