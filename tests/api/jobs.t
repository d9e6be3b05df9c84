#!/usr/bin/env bash
# tests/api/jobs.t — the daily cycle inside `cspd serve` (jobs/daily.c), black-box.
#
# A tiny demo book is seeded to 2026-01-01; the server starts with its business clock at
# 2026-02-15 and the job thread looking every second. The thread must catch the book up to
# 2026-02-15 (every subscription's next due day moves past it), run the billing close for
# January, and leave nothing for a later `cspd day` of the same date (idempotent). The server
# binds 127.0.0.1 on a free port and is wrapped in `timeout`, so it always stops.
set -u
BIN=${CSPD_BIN:-./cspd}
tmp=$(mktemp -d)
pid=
n=0
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT

ok() { # ok STATUS DESCRIPTION [DIAGNOSTIC]
    n=$((n + 1))
    if [ "$1" = 0 ]; then
        echo "ok $n - $2"
    else
        echo "not ok $n - $2"
        [ -n "${3:-}" ] && printf '%s\n' "$3" | sed 's/^/#   /'
    fi
}

"$BIN" db migrate --db "$tmp/d.db" >/dev/null &&
    "$BIN" demo seed --db "$tmp/d.db" --partners 4 --customers 2 --subscriptions 6 \
        --months 2 --seed 3 >"$tmp/seed" 2>&1
ok $? "a tiny demo book is seeded up to 2026-01-01" "$(cat "$tmp/seed")"

before=$(sqlite3 "$tmp/d.db" "SELECT min(next_due) FROM subscriptions WHERE next_due IS NOT NULL")
[ -n "$before" ] && [[ "$before" < "2026-02-15" ]]
ok $? "subscriptions have days due before 2026-02-15 ($before)"

timeout 60 "$BIN" serve --db "$tmp/d.db" --listen 127.0.0.1:0 --clock 2026-02-15T00:00:00Z \
    --jobs-interval 1 >"$tmp/out" 2>"$tmp/log" &
pid=$!
for _ in $(seq 1 300); do
    grep -q '"msg":"daily cycle".*"day":"2026-02-15"' "$tmp/log" &&
        grep -q '"msg":"billing close"' "$tmp/log" && break
    sleep 0.1
done
grep -q '"msg":"daily cycle".*"day":"2026-02-15"' "$tmp/log"
ok $? "serve's job thread runs the daily cycle for 2026-02-15" "$(tail -5 "$tmp/log")"
grep -q '"msg":"billing close".*"period":"2026-01"' "$tmp/log"
ok $? "and the billing close step for January" "$(grep close "$tmp/log")"

after=$(sqlite3 "$tmp/d.db" "SELECT count(*) FROM subscriptions WHERE next_due <= '2026-02-15'")
[ "$after" = 0 ]
ok $? "no subscription is left due on or before 2026-02-15 (found $after)"

kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
ok $rc "SIGTERM stops the server and its job thread (exit $rc)" "$(tail -3 "$tmp/log")"

"$BIN" day --date 2026-02-15 --db "$tmp/d.db" >"$tmp/day" 2>&1
grep -q '^day 2026-02-15: 0 subscriptions' "$tmp/day"
ok $? "a later 'cspd day' of the same date finds nothing to do" "$(cat "$tmp/day")"

echo "1..$n"
