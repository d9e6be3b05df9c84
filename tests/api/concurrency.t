#!/usr/bin/env bash
# tests/api/concurrency.t — `cspd serve` on a database file with several worker threads, each
# with its own store connection (api/server.c): concurrent reads and orders are all answered
# and all stored once; one Idempotency-Key sent many times at once orders once; SIGTERM in the
# middle of a burst lets every request the server took finish (nothing answered is lost,
# nothing half-written) and exits 0.
#
# Setup as tests/api/subscriptions.t: a DE price list, the bootstrapped owner signed in, one
# direct-bill partner with its MPA, one customer with the MCA, a sales token of the partner.
set -u

BIN=${CSPD_BIN:-./cspd}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cspd-conc.XXXXXX")
pid=""
port=""
n=0

cleanup() {
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT

ok() {
    n=$((n + 1))
    if [ "$1" = 0 ]; then
        echo "ok $n - $2"
    else
        echo "not ok $n - $2"
        [ -n "${3:-}" ] && printf '%s\n' "$3" | sed 's/^/#   /'
    fi
}

check() {
    local desc=$1
    shift
    if "$@"; then ok 0 "$desc"; else ok 1 "$desc" "status: ${status:-}; $(head -c 600 "$tmp/body" 2>/dev/null)"; fi
}

start_server() {
    timeout 120 "$BIN" serve --listen 127.0.0.1:0 --db "$tmp/t.db" --no-jobs "$@" \
        >"$tmp/out" 2>"$tmp/err" &
    pid=$!
    for _ in $(seq 1 300); do
        port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9][0-9]*\)$/\1/p' "$tmp/out")
        [ -n "$port" ] && return 0
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

req() {
    local method=$1 path=$2
    shift 2
    status=$(curl -s -D "$tmp/headers" -o "$tmp/body" -w '%{http_code}' -X "$method" "$@" \
        "http://127.0.0.1:$port$path")
}

op() {
    req "$1" "$2" "${A[@]}" -H 'Content-Type: application/json' -d "$3"
}

json() {
    python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(eval(sys.argv[2]))' "$tmp/body" "$1" 2>/dev/null
}

# ---- setup -----------------------------------------------------------------------------------
SKU=CFQ7TTC0LH18:0001
cat >"$tmp/pl.csv" <<'CSV'
Market,Currency,ProductId,SkuId,ProductTitle,SkuTitle,TermDuration,BillingPlan,UnitPrice,EffectiveStartDate,EffectiveEndDate
DE,EUR,CFQ7TTC0LH18,0001,Microsoft 365 Business Basic,Microsoft 365 Business Basic,P1M,Monthly,12.00,2025-04-01,
CSV
"$BIN" import pricelist "$tmp/pl.csv" --db "$tmp/t.db" >"$tmp/import" 2>&1
"$BIN" users bootstrap --db "$tmp/t.db" --email op@example.com >"$tmp/boot" 2>&1
secret=$(sed -n 's/.*secret=\([A-Z2-7]*\).*/\1/p' "$tmp/boot")
if start_server --clock 2026-05-01T00:00:00Z --threads 4; then
    ok 0 "server starts with --threads 4 on a database file ($port)"
else
    ok 1 "server starts" "$(cat "$tmp/out" "$tmp/err" "$tmp/boot")"
    echo "1..$n"
    exit 1
fi
code=$(python3 -c 'import base64, hmac, struct, sys, time
k = base64.b32decode(sys.argv[1])
h = hmac.new(k, struct.pack(">Q", int(time.time()) // 30), "sha1").digest()
o = h[-1] & 15
print("%06d" % ((struct.unpack(">I", h[o:o + 4])[0] & 0x7fffffff) % 1000000))' "$secret")
req POST /v1/sessions -c "$tmp/jar" -H 'Content-Type: application/json' \
    -d "{\"email\":\"op@example.com\",\"password\":\"$(
    sed -n 's/^password: //p' "$tmp/boot")\",\"totp\":\"$code\"}"
csrf=$(json 'd["csrf_token"]')
A=(-b "$tmp/jar" -H "X-CSRF-Token: $csrf")
op POST /v1/partners '{"kind":"direct_bill","name":"Direct DE","country":"DE","currency":"EUR"}'
P=$(json 'd["id"]')
op POST "/v1/partners/$P/mpa" '{"accepted_on":"2026-01-10","accepted_by":"ga@p.example"}'
op POST /v1/customers "{\"name\":\"Contoso\",\"country\":\"DE\",\"billing_currency\":\"EUR\",
  \"partner_id\":\"$P\"}"
C=$(json 'd["id"]')
op POST "/v1/customers/$C/mca" '{"status":"accepted","accepted_on":"2026-04-01"}'
op POST /v1/tokens "{\"role\":\"sales\",\"partner_id\":\"$P\",\"name\":\"sales\"}"
T=$(json 'd["secret"]')
check "a partner, a customer with the MCA, a sales token" \
    eval '[ -n "$P" ] && [ -n "$C" ] && [ -n "$T" ]'

ORDER="{\"sku\":\"$SKU\",\"term\":\"P1M\",\"billing\":\"monthly\",\"quantity\":1}"
# get I / order I KEY: one request in the background, its status and body in $tmp/r.I.*
get() {
    curl -s -o "$tmp/r.$1.body" -w '%{http_code}\n' -H "Authorization: Bearer $T" \
        "http://127.0.0.1:$port/v1/customers/$C/subscriptions" >"$tmp/r.$1.code" &
}
order() {
    curl -s -o "$tmp/r.$1.body" -w '%{http_code}\n' -H "Authorization: Bearer $T" \
        -H 'Content-Type: application/json' -H "Idempotency-Key: $2" -d "$ORDER" \
        "http://127.0.0.1:$port/v1/customers/$C/orders" >"$tmp/r.$1.code" &
}
count_subs() {
    req GET "/v1/customers/$C/subscriptions?limit=1000" -H "Authorization: Bearer $T"
    json 'len(d["subscriptions"])'
}
codes() { cat "$tmp"/r.*.code 2>/dev/null | sort | uniq -c | tr -s ' ' | tr '\n' ';'; }

# ---- reads and writes at once ----------------------------------------------------------------
rm -f "$tmp"/r.*
for i in $(seq 1 12); do get "g$i"; order "o$i" "burst-$i"; done
for i in $(seq 1 6); do order "d$i" same-key; done
wait $(jobs -p | grep -vx "$pid")
check "12 reads and 12 orders at once: all 200 / 201 ($(codes))" \
    eval '[ "$(cat "$tmp"/r.g*.code | sort -u)" = 200 ] &&
          [ "$(cat "$tmp"/r.o*.code | sort -u)" = 201 ]'
check "every read is a whole list" python3 -c 'import glob, json, sys
for f in glob.glob(sys.argv[1] + "/r.g*.body"):
    d = json.load(open(f))
    assert isinstance(d["subscriptions"], list) and d["more"] is False
' "$tmp"
check "one key sent 6 times at once: one 201 order, the others its replay or 409 in progress" \
    python3 -c 'import glob, json, sys
ids, created = set(), 0
for f in glob.glob(sys.argv[1] + "/r.d*.code"):
    code = open(f).read().strip()
    d = json.load(open(f.replace(".code", ".body")))
    if code == "201":
        ids.add(d["id"])
    else:
        assert code == "409" and d["error"]["code"] == "idempotency_in_progress", (code, d)
assert len(ids) == 1, ids
' "$tmp"
check "13 subscriptions stored: one per order, one for the repeated key" \
    eval '[ "$(count_subs)" = 13 ]'

# ---- SIGTERM during a burst ------------------------------------------------------------------
rm -f "$tmp"/r.*
for i in $(seq 1 16); do get "g$i"; order "o$i" "drain-$i"; done
sleep 0.05
kill -TERM "$pid"
wait $(jobs -p | grep -vx "$pid")
wait "$pid"
rc=$?
pid=""
check "SIGTERM in a burst: exit status 0 ($rc)" eval '[ "$rc" = 0 ]'
check "each request was answered whole or never taken (000) ($(codes))" python3 -c '
import glob, json, sys
for f in glob.glob(sys.argv[1] + "/r.*.code"):
    code = open(f).read().strip()
    if code == "000":
        continue
    assert code in ("200", "201"), (f, code)
    json.load(open(f.replace(".code", ".body")))
' "$tmp"
placed=$(cat "$tmp"/r.o*.code | grep -c 201)
start_server --clock 2026-05-01T00:00:00Z --threads 4 || true
check "every order answered 201 is stored, none more ($placed)" \
    eval '[ "$(count_subs)" = $((13 + placed)) ]'
echo "1..$n"
