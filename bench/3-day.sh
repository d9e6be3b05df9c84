#!/usr/bin/env bash
# bench/3-day.sh — the daily cycle over a book of N subscriptions (issue 9, bench 3).
#
# The book was bought through October 2026; `cspd day --date 2026-11-02` runs one ordinary day
# (the subscriptions bought on Oct 2 and everything the cycle finds due: cycle charges,
# renewals, EST months, expiries). Target: <= 2 s for a 1,000,000-subscription book. Also shown:
# the catch-up of the rest of November in one run (each subscription visited once or more),
# as subscriptions per second. Leaves day.db (November run through) for the close bench.
. "$(dirname "$0")/lib.sh"
book
copy_book day.db
t0=$(now)
out1=$("$BIN" day --date 2026-11-02 --db "$DIR/day.db")
t1=$(now)
out2=$("$BIN" day --date 2026-11-30 --db "$DIR/day.db")
t2=$(now)
say "one day:  $out1"
say "catch-up: $out2"
d1=$(elapsed "$t0" "$t1"); d2=$(elapsed "$t1" "$t2")
subs2=$(printf '%s' "$out2" | sed -n 's/.*: \([0-9]*\) subscriptions.*/\1/p')
say "catch-up Nov 3..30: $d2 s, $(rate "$subs2" "$d2") subscriptions/s"
echo "daily cycle, book of $N: one day in $d1 s; $(ratio "$d1" 2) x the 2 s target (<= 1 is met)"
