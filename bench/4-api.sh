#!/usr/bin/env bash
# bench/4-api.sh — the API against nginx on loopback (issue 9, bench 4): wrk on an
# authenticated, tenant-scoped GET of cspd (GET /v1/customers/{id}/subscriptions when the
# route exists, else the nearest scoped GET, /v1/customers/{id}), and in the same run nginx
# serving a static file of the same size. Both bind 127.0.0.1 only, on free ports, and are
# stopped at the end (and by `timeout` should the script die). Targets: req/s ratio >= 0.3,
# p99 < 10 ms. Order placement (POST with Idempotency-Key) is measured once its route exists.
. "$(dirname "$0")/lib.sh"
book
DUR=${BENCH_API_SECONDS:-10}
copy_book api.db
port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
P1=$(port); P2=$(port)
partner=$(sqlite3 "$DIR/api.db" "SELECT owner_partner_id FROM customers c JOIN partners p ON
          p.id = c.owner_partner_id WHERE p.kind = 'direct' ORDER BY c.id LIMIT 1")
customer=$(sqlite3 "$DIR/api.db" "SELECT id FROM customers WHERE owner_partner_id = '$partner'
           ORDER BY id LIMIT 1")
token=$("$HELPERS/token" "$DIR/api.db" "$partner")
timeout 600 "$BIN" serve --db "$DIR/api.db" --listen "127.0.0.1:$P1" \
    --clock 2026-11-01T06:00:00Z >"$DIR/serve.log" 2>&1 &
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
timeout 600 nginx -p "$DIR" -c "$DIR/nginx.conf" -g 'daemon off;' &
npid=$!
trap 'kill $spid $npid 2>/dev/null; wait 2>/dev/null' EXIT
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$P1/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
url="http://127.0.0.1:$P1/v1/customers/$customer/subscriptions"
code=$(curl -s -o "$DIR/body.json" -w '%{http_code}' -H "Authorization: Bearer $token" "$url")
if [ "$code" != 200 ]; then
    say "GET /v1/customers/{id}/subscriptions: HTTP $code (not there yet); using GET /v1/customers/{id}"
    url="http://127.0.0.1:$P1/v1/customers/$customer"
    code=$(curl -s -o "$DIR/body.json" -w '%{http_code}' -H "Authorization: Bearer $token" "$url")
fi
[ "$code" = 200 ] || { say "cspd answered HTTP $code: $(cat "$DIR/body.json")"; exit 1; }
size=$(wc -c <"$DIR/body.json")
head -c "$size" /dev/zero | tr '\0' 'x' >"$DIR/www/static.json"
wrkrun() { # url [header]
    if [ $# -gt 1 ]; then wrk -t2 -c16 -d"${DUR}s" --latency -H "$2" "$1"; else wrk -t2 -c16 -d"${DUR}s" --latency "$1"; fi
}
rps() { sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p'; }
p99() { awk '$1 == "99%" { v = $2; if (v ~ /us$/) { sub(/us/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms/, "", v) } else if (v ~ /s$/) { sub(/s/, "", v); v *= 1000 } print v }'; }
c=$(wrkrun "$url" "Authorization: Bearer $token")
n=$(wrkrun "http://127.0.0.1:$P2/static.json")
crps=$(printf '%s\n' "$c" | rps); cp99=$(printf '%s\n' "$c" | p99)
nrps=$(printf '%s\n' "$n" | rps); np99=$(printf '%s\n' "$n" | p99)
non2xx=$(printf '%s\n' "$c" | sed -n 's/.*Non-2xx or 3xx responses: *//p')
say "cspd  $url ($size bytes): $crps req/s, p99 $cp99 ms${non2xx:+, $non2xx non-2xx}"
say "nginx static file of $size bytes: $nrps req/s, p99 $np99 ms"
say "order placement (POST /v1/customers/{id}/orders with Idempotency-Key): route not in this build"
echo "API GET, wrk -t2 -c16 ${DUR}s: $crps req/s, p99 $cp99 ms; $(ratio "$crps" "$nrps") x nginx (target >= 0.3, p99 < 10 ms)"
