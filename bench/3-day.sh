#!/usr/bin/env bash
# bench/3-day.sh — the daily cycle over a book of N subscriptions (issue 9, bench 3).
#
# The book was bought through October 2026; `cspd day --date 2026-11-02` runs one ordinary day
# (the subscriptions bought on Oct 2 and everything the cycle finds due: cycle charges,
# renewals, EST months, expiries). Target: <= 2 s for a 1,000,000-subscription book.
#
# Baseline, in the same run on another copy of the book: the sqlite3 CLI writing the same
# rows with plain SQL in one transaction (one event per due subscription, one charge line
# each, the row's version, updated_at and next_due moved on), with the same page cache — the
# floor of what the store has to write, with no rule run. The ratio cspd / baseline is the
# figure to compare between runs.
#
# Also shown: the catch-up of the rest of November in one run (each subscription visited once
# or more), as subscriptions per second. Leaves day.db (November run through) for the close
# bench.
. "$(dirname "$0")/lib.sh"
book
copy_book day.db
copy_book day-sql.db
t0=$(now)
out1=$("$BIN" day --date 2026-11-02 --db "$DIR/day.db")
t1=$(now)
sqlite3 "$DIR/day-sql.db" <<'SQL'
PRAGMA cache_size = -131072;
BEGIN IMMEDIATE;
CREATE TEMP TABLE due AS
    SELECT id, version, sku, quantity FROM subscriptions WHERE next_due <= '2026-11-02';
INSERT INTO subscription_events (subscription_id, seq, kind, at, data)
    SELECT id, version + 1, 'cycle_charged', 1793577600, '{"cycle":1}' FROM due;
INSERT INTO charges (id, subscription_id, event_seq, charge_type, sku, start_date, end_date,
                     quantity, unit_price, effective_unit_price, subtotal, currency,
                     billing_currency, est, created_at)
    SELECT 'chg_' || lower(hex(randomblob(13))), id, version + 1, 'cycleCharge', sku,
           '2026-11-02', '2026-12-01', quantity, '10', '10', '10', 'USD', 'USD', 0,
           1793577600 FROM due;
UPDATE subscriptions SET version = version + 1, updated_at = 1793577600,
                         next_due = '2026-12-02', state = state || ''
    WHERE id IN (SELECT id FROM due);
COMMIT;
SQL
t2=$(now)
out2=$("$BIN" day --date 2026-11-30 --db "$DIR/day.db")
t3=$(now)
subs1=$(printf '%s' "$out1" | sed -n 's/.*: \([0-9]*\) subscriptions.*/\1/p')
subs2=$(printf '%s' "$out2" | sed -n 's/.*: \([0-9]*\) subscriptions.*/\1/p')
d1=$(elapsed "$t0" "$t1"); db=$(elapsed "$t1" "$t2"); d2=$(elapsed "$t2" "$t3")
say "one day:  $out1"
say "one day:  $d1 s, $(rate "$subs1" "$d1") subscriptions/s"
say "baseline: sqlite3 writing the same $subs1 events, lines and rows in plain SQL: $db s"
say "catch-up: $out2"
say "catch-up Nov 3..30: $d2 s, $(rate "$subs2" "$d2") subscriptions/s"
rm -f "$DIR/day-sql.db" "$DIR/day-sql.db-wal" "$DIR/day-sql.db-shm"
echo "daily cycle, book of $N: one day in $d1 s; $(ratio "$d1" 2) x the 2 s target (<= 1 is met); $(ratio "$d1" "$db") x sqlite3's plain SQL"
