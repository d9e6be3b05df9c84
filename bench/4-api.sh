#!/usr/bin/env bash
# bench/4-api.sh — the API against nginx on loopback (issue 9, bench 4), in one run:
#   1. wrk on an authenticated, tenant-scoped GET /v1/customers/{id}/subscriptions of cspd
#      (a read_only token of the customer's partner);
#   2. wrk on nginx serving a static file of the same size (the baseline): req/s ratio >= 0.3,
#      cspd's p99 < 10 ms;
#   3. wrk on order placement, POST /v1/customers/{id}/orders with a distinct Idempotency-Key
#      per request (a sales token; bench/order.lua), reported as req/s and p99, counting only
#      201s as placed.
# Both servers bind 127.0.0.1 only, on free ports, and are stopped at the end (and by
# `timeout` should the script die). BENCH_API_PIN=1 pins cspd and nginx to CPU 0 and wrk to
# CPU 1 (taskset), the same for both servers; default: no pinning. BENCH_API_THREADS sets
# `cspd serve --threads` (default: the server's own default).
# Each cspd run also reports the server's CPU per request: its user + system time (from
# /proc/<pid>/stat) over the run divided by the requests wrk counted — on a shared machine
# the steadier figure, as req/s moves with whatever else is running.
. "$(dirname "$0")/lib.sh"
book
DUR=${BENCH_API_SECONDS:-10}
copy_book api.db
port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
P1=$(port); P2=$(port)
srv=() wrk_pin=()
if [ "${BENCH_API_PIN:-0}" = 1 ]; then srv=(taskset -c 0) wrk_pin=(taskset -c 1); fi
partner=$(sqlite3 "$DIR/api.db" "SELECT owner_partner_id FROM customers c JOIN partners p ON
          p.id = c.owner_partner_id WHERE p.kind = 'direct' ORDER BY c.id LIMIT 1")
customer=$(sqlite3 "$DIR/api.db" "SELECT id FROM customers WHERE owner_partner_id = '$partner'
           ORDER BY id LIMIT 1")
# orders go to another customer of the same partner, so the GET's answer never changes
buyer=$(sqlite3 "$DIR/api.db" "SELECT id FROM customers WHERE owner_partner_id = '$partner'
        ORDER BY id LIMIT 1 OFFSET 1")
plan=$(sqlite3 -separator ' ' "$DIR/api.db" "SELECT sku, term, billing FROM subscriptions
       WHERE customer_id = '$buyer' AND status = 'active' ORDER BY id LIMIT 1")
read -r sku term billing <<<"$plan"
token=$("$HELPERS/token" "$DIR/api.db" "$partner")
sales=$("$HELPERS/token" "$DIR/api.db" "$partner" sales)
threads=()
[ -n "${BENCH_API_THREADS:-}" ] && threads=(--threads "$BENCH_API_THREADS")
timeout 600 "${srv[@]}" "$BIN" serve --db "$DIR/api.db" --listen "127.0.0.1:$P1" --no-jobs \
    "${threads[@]}" --clock 2026-11-01T06:00:00Z >"$DIR/serve.log" 2>&1 &
spid=$!
mkdir -p "$DIR/www"
cat >"$DIR/nginx.conf" <<NGX
worker_processes 2;
pid $DIR/nginx.pid;
error_log $DIR/nginx.err;
events { worker_connections 1024; }
http {
    access_log off;
    server { listen 127.0.0.1:$P2; root $DIR/www; location / { default_type application/json; } }
}
NGX
timeout 600 "${srv[@]}" nginx -p "$DIR" -c "$DIR/nginx.conf" -g 'daemon off;' &
npid=$!
trap 'kill $spid $npid 2>/dev/null; wait 2>/dev/null' EXIT
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$P1/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
url="http://127.0.0.1:$P1/v1/customers/$customer/subscriptions"
code=$(curl -s -o "$DIR/body.json" -w '%{http_code}' -H "Authorization: Bearer $token" "$url")
[ "$code" = 200 ] || { say "cspd answered HTTP $code: $(cat "$DIR/body.json")"; exit 1; }
size=$(wc -c <"$DIR/body.json")
head -c "$size" /dev/zero | tr '\0' 'x' >"$DIR/www/static.json"
wrkrun() { # url [wrk options...]
    local u=$1; shift
    "${wrk_pin[@]}" wrk -t2 -c16 -d"${DUR}s" --latency "$@" "$u"
}
rps() { sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p'; }
p99() { awk '$1 == "99%" { v = $2; if (v ~ /us$/) { sub(/us/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms/, "", v) } else if (v ~ /s$/) { sub(/s/, "", v); v *= 1000 } print v }'; }
non2xx() { sed -n 's/.*Non-2xx or 3xx responses: *//p'; }
nreq() { sed -n 's/^ *\([0-9]*\) requests in.*/\1/p'; }
# cspd's own pid (the child of `timeout`, taskset having exec'd it), and its CPU ticks so far
cpid=$(pgrep -P "$spid" | head -1)
ticks() { sed 's/.*) //' "/proc/$cpid/stat" | awk '{ print $12 + $13 }'; }
cpu_us() { # ticks_before ticks_after requests
    awk -v a="$1" -v b="$2" -v n="$3" -v hz="$(getconf CLK_TCK)" \
        'BEGIN { if (n == 0) print "n/a"; else printf "%.0f", (b - a) / hz * 1e6 / n }'
}
say "load before: $(uptime | sed 's/.*load average: //')"
t0=$(ticks)
c=$(wrkrun "$url" -H "Authorization: Bearer $token")
t1=$(ticks)
n=$(wrkrun "http://127.0.0.1:$P2/static.json")
crps=$(printf '%s\n' "$c" | rps); cp99=$(printf '%s\n' "$c" | p99); cbad=$(printf '%s\n' "$c" | non2xx)
nrps=$(printf '%s\n' "$n" | rps); np99=$(printf '%s\n' "$n" | p99)
ccpu=$(cpu_us "$t0" "$t1" "$(printf '%s\n' "$c" | nreq)")
say "cspd  GET /v1/customers/{id}/subscriptions ($size bytes): $crps req/s, p99 $cp99 ms${cbad:+, $cbad non-2xx}; server CPU $ccpu us per request"
say "nginx static file of $size bytes: $nrps req/s, p99 $np99 ms"
# order placement: one order of one seat per request, each with its own Idempotency-Key
before=$(sqlite3 "$DIR/api.db" "SELECT count(*) FROM subscriptions WHERE customer_id = '$buyer'")
t0=$(ticks)
o=$(BENCH_ORDER_BODY="{\"sku\":\"$sku\",\"term\":\"$term\",\"billing\":\"$billing\",\"quantity\":1}" \
    BENCH_ORDER_TOKEN="$sales" \
    wrkrun "http://127.0.0.1:$P1/v1/customers/$buyer/orders" -s "$(dirname "$0")/order.lua")
t1=$(ticks)
after=$(sqlite3 "$DIR/api.db" "SELECT count(*) FROM subscriptions WHERE customer_id = '$buyer'")
orps=$(printf '%s\n' "$o" | rps); op99=$(printf '%s\n' "$o" | p99); obad=$(printf '%s\n' "$o" | non2xx)
reqs=$(printf '%s\n' "$o" | nreq)
ocpu=$(cpu_us "$t0" "$t1" "$reqs")
say "cspd  POST /v1/customers/{id}/orders ($sku $term $billing x1, Idempotency-Key each):" \
    "$orps req/s, p99 $op99 ms${obad:+, $obad non-2xx}; $((after - before)) orders stored for $reqs requests;" \
    "server CPU $ocpu us per request"
say "load after: $(uptime | sed 's/.*load average: //')"
echo "API GET, wrk -t2 -c16 ${DUR}s: $crps req/s, p99 $cp99 ms; $(ratio "$crps" "$nrps") x nginx (target >= 0.3, p99 < 10 ms), $ccpu us CPU each; orders: $orps req/s, p99 $op99 ms, $ocpu us CPU each"
