#!/usr/bin/env bash
# bench/5-memory.sh — peak RSS of the recon import of a file 10x the recon bench's (issue 9,
# bench 5): the November file's lines ten times over (one header), imported into a copy of
# the book; measured by /usr/bin/time (getrusage ru_maxrss). Target: < 100 MB.
#
# The import's memory grows with the charges of the period (~12 B each) and, for many
# only-in-cspd lines, the book's subscriptions (8 B each), not with the file. Below full
# scale the book is small, so BENCH_MEM_BOOK_X=K (e.g. 10) also measures the same file
# against a copy of the book whose every charge is there K times (the copies' quantities
# shifted, so they stay only in cspd): K x the charges, as a full-scale book would have.
# The file is bench 1's earlier-shape nov.csv (its period, October-November, holds more
# charges than the billing-period file's: the heavier case for memory), ten times over.
. "$(dirname "$0")/lib.sh"
[ -f "$DIR/nov.csv" ] || "$(dirname "$0")/1-recon.sh" >/dev/null
big="$DIR/nov10.csv"
if [ ! -f "$big" ]; then
    head -1 "$DIR/nov.csv" >"$big"
    for _ in 1 2 3 4 5 6 7 8 9 10; do tail -n +2 "$DIR/nov.csv" >>"$big"; done
fi
rows=$(($(wc -l <"$big") - 1))

measure() { # BOOK: prints "rss_mb seconds summary"
    local t0 t1
    rm -f "$DIR/mem.db"*
    cp "$1" "$DIR/mem.db"
    "$BIN" db migrate --db "$DIR/mem.db" >/dev/null # the binary's schema, before the clock
    sync "$DIR/mem.db"*
    t0=$(now)
    /usr/bin/time -f "%M" -o "$DIR/mem.rss" "$BIN" recon import "$big" --db "$DIR/mem.db" \
        >"$DIR/mem.out" 2>"$DIR/mem.err" || { cat "$DIR/mem.err" >&2; exit 1; }
    t1=$(now)
    rm -f "$DIR/mem.db"*
    echo "$(( $(cat "$DIR/mem.rss") / 1024 )) $(elapsed "$t0" "$t1") $(tail -1 "$DIR/mem.out" | sed 's/^ *//')"
}

if [ -n "${BENCH_MEM_BOOK_X:-}" ]; then
    k=$BENCH_MEM_BOOK_X
    if [ ! -f "$DIR/day.x$k.db" ]; then
        rm -f "$DIR/day.x$k.tmp"*
        cp "$DIR/day.db" "$DIR/day.x$k.tmp"
        sqlite3 "$DIR/day.x$k.tmp" >/dev/null <<SQL
PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; PRAGMA cache_size=-200000;
BEGIN;
WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < $k - 1)
INSERT INTO charges (id, subscription_id, event_seq, charge_type, sku, start_date, end_date,
    quantity, unit_price, effective_unit_price, subtotal, currency, billing_currency,
    exchange_rate, billing_subtotal, est, order_id, reference_id, created_at)
SELECT c.id || 'x' || k.n, subscription_id, event_seq, charge_type, sku, start_date, end_date,
    quantity + k.n * 1000, unit_price, effective_unit_price, subtotal, currency,
    billing_currency, exchange_rate, billing_subtotal, est, order_id, reference_id, created_at
FROM charges c, k ORDER BY c.start_date, k.n;
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
SQL
        mv "$DIR/day.x$k.tmp" "$DIR/day.x$k.db"
        rm -f "$DIR/day.x$k.tmp"*
    fi
    set -- $(measure "$DIR/day.x$k.db")
    rss=$1; secs=$2; shift 2
    say "book with every charge x$k ($(sqlite3 "$DIR/day.x$k.db" "SELECT COUNT(*) FROM charges") charges): $rows lines in $secs s, peak RSS $rss MB ($*)"
fi
set -- $(measure "$DIR/day.db")
rss=$1; secs=$2; shift 2
say "$rows lines ($(du -m "$big" | cut -f1) MB) imported in $secs s ($*)"
echo "recon import memory, $rows lines: peak RSS $rss MB; $(ratio "$rss" 100) x the 100 MB limit (< 1 is met)"
