#!/usr/bin/env bash
# tests/api/jobs.t — the daily cycle inside `cspd serve` (jobs/daily.c), black-box.
#
# A tiny demo book is seeded to 2026-01-01; the server starts with its business clock at
# 2026-02-15 and the job thread looking every second. The thread must catch the book up to
# 2026-02-15 (every subscription's next due day moves past it), run the billing close for
# January, and leave nothing for a later `cspd day` of the same date (idempotent). The server
# binds 127.0.0.1 on a free port and is wrapped in `timeout`, so it always stops.
set -u
. "$(dirname "$0")/../lib/tap.sh" || exit 1
serve_timeout=60

"$BIN" db migrate --db "$db" >/dev/null &&
    "$BIN" demo seed --db "$db" --partners 4 --customers 2 --subscriptions 6 \
        --months 2 --seed 3 >"$tmp/seed" 2>&1
ok $? "a tiny demo book is seeded up to 2026-01-01" "$(cat "$tmp/seed")"

before=$(sqlite3 "$db" "SELECT min(next_due) FROM subscriptions WHERE next_due IS NOT NULL")
[ -n "$before" ] && [[ "$before" < "2026-02-15" ]]
ok $? "subscriptions have days due before 2026-02-15 ($before)"

start_server --clock 2026-02-15T00:00:00Z --jobs-interval 1
for _ in $(seq 1 300); do
    grep -q '"msg":"daily cycle".*"day":"2026-02-15"' "$tmp/srv.err" &&
        grep -q '"msg":"billing close"' "$tmp/srv.err" && break
    sleep 0.1
done
grep -q '"msg":"daily cycle".*"day":"2026-02-15"' "$tmp/srv.err"
ok $? "serve's job thread runs the daily cycle for 2026-02-15" "$(tail -5 "$tmp/srv.err")"
grep -q '"msg":"billing close".*"period":"2026-01"' "$tmp/srv.err"
ok $? "and the billing close step for January" "$(grep close "$tmp/srv.err")"

after=$(sqlite3 "$db" "SELECT count(*) FROM subscriptions WHERE next_due <= '2026-02-15'")
[ "$after" = 0 ]
ok $? "no subscription is left due on or before 2026-02-15 (found $after)"

stop_server TERM
ok $rc "SIGTERM stops the server and its job thread (exit $rc)" "$(tail -3 "$tmp/srv.err")"

"$BIN" day --date 2026-02-15 --db "$db" >"$tmp/day" 2>&1
grep -q '^day 2026-02-15: 0 subscriptions' "$tmp/day"
ok $? "a later 'cspd day' of the same date finds nothing to do" "$(cat "$tmp/day")"

tap_done
