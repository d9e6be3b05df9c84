#!/usr/bin/env bash
# bench/2-close.sh — billing close of November 2026 for a book of N subscriptions (issue 9,
# bench 2): every Microsoft charge line of the month rated for each tier (distributor ->
# reseller -> customer, direct-bill -> customer) and invoiced, one transaction per issuer.
# Target: <= 10 s for 1,000,000 subscriptions. Needs day.db from bench/3-day.sh.
. "$(dirname "$0")/lib.sh"
[ -f "$DIR/day.db" ] || "$(dirname "$0")/3-day.sh" >/dev/null
rm -f "$DIR/close.db"*
cp "$DIR/day.db" "$DIR/close.db"
lines=$(sqlite3 "$DIR/close.db" "SELECT count(*) FROM charges WHERE start_date BETWEEN
        '2026-11-01' AND '2026-11-30'")
t0=$(now)
out=$("$BIN" invoice close 2026-11 --at 2026-12-01T06:00:00Z --db "$DIR/close.db")
t1=$(now)
say "$out"
d=$(elapsed "$t0" "$t1")
say "$lines Microsoft charge lines in November, $(rate "$lines" "$d") lines/s"
echo "billing close, book of $N: $d s; $(ratio "$d" 10) x the 10 s target (<= 1 is met)"
