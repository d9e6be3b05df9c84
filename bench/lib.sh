# bench/lib.sh — shared by the bench scripts (sourced): sizes, timing, the book.
#
# BENCH_SCALE (default 1) scales every size: 1 = the issue's sizes (1,000,000 subscriptions,
# a recon file of about as many lines), 0.01 = a quick run. BENCH_DIR keeps the work files
# (default: a fresh directory under $TMPDIR, removed at the end by run.sh).
set -eu

BIN=${CSPD_BIN:-$(pwd)/cspd}
HELPERS=${CSPD_BENCH_BIN:-$(pwd)/build/bench}
SCALE=${BENCH_SCALE:-1}
DIR=${BENCH_DIR:?BENCH_DIR is set by bench/run.sh}
PY=/usr/bin/python3        # Debian's, with python3-pandas (not a pyenv shim)
N=$(awk -v s="$SCALE" 'BEGIN { n = int(1000000 * s); if (n < 1000) n = 1000; print n }')

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "n/a"; else printf "%.2f", a / b }'; }
rate() { awk -v n="$1" -v t="$2" 'BEGIN { if (t == 0) print "inf"; else printf "%.0f", n / t }'; }
say() { echo "  $*"; }

# The book every bench reads: N subscriptions ordered through the engine during October 2026
# (cspd demo seed), then November's daily cycles for the day and close benches. Built once per
# BENCH_DIR; book.db is never changed afterwards (each bench works on a copy).
book() {
    if [ ! -f "$DIR/book.db" ]; then
        local t0 t1 cust part
        cust=$((N / 20)); part=$((N / 20000 + 8))
        say "book: seeding $N subscriptions for $cust customers through the engine..."
        rm -f "$DIR"/book.tmp*
        "$BIN" db migrate --db "$DIR/book.tmp" >/dev/null
        t0=$(now)
        "$BIN" demo seed --db "$DIR/book.tmp" --partners "$part" --customers "$cust" \
            --subscriptions "$N" --months 1 --start 2026-10-01 --seed 9 >"$DIR/seed.log"
        t1=$(now)
        sqlite3 "$DIR/book.tmp" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
        mv "$DIR/book.tmp" "$DIR/book.db"
        rm -f "$DIR"/book.tmp-*
        say "book: seeded in $(elapsed "$t0" "$t1") s ($(rate "$N" "$(elapsed "$t0" "$t1")") orders/s): $(sed -n 2p "$DIR/seed.log" | sed 's/^ *//')"
    fi
}

copy_book() { # name
    rm -f "$DIR/$1" "$DIR/$1-wal" "$DIR/$1-shm"
    cp "$DIR/book.db" "$DIR/$1"
    # the binary's schema before any timing: a book kept from an older build would otherwise
    # put its migrations inside the timed command (day, invoice close and recon migrate on open)
    "$BIN" db migrate --db "$DIR/$1" >/dev/null
    # on disk before any timing: else the first fsync of the bench flushes the whole copy
    sync "$DIR/$1"
}
