#!/usr/bin/env bash
# tests/api/subscriptions.t — black-box tests of the subscription API over real HTTP (TAP on
# stdout): orders through the program rules and the catalog, the seat windows, the term-end
# decision, suspend/reactivate/cancel, events, charges, tenancy, the audit rows and the CLI.
#
# Starts "$CSPD_BIN" serve on 127.0.0.1 port 0 with an offset business clock from
# 2026-05-01T00:00:00Z (moved with POST /v1/clock), after importing a two-SKU DE price list
# with `cspd import pricelist`; signs in the bootstrapped installation owner (TOTP computed
# here with python3) and takes API tokens for two direct-bill partners. Expected figures are
# worked by hand from nce-rules Part A: 10 seats of a P1M plan at 12.00 EUR are a `new` line of
# 120.00; 5 more seats the same day are an addQuantity pair for the whole 31-day May cycle.
set -u

BIN=${CSPD_BIN:-./cspd}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cspd-subs.XXXXXX")
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
    if "$@"; then ok 0 "$desc"; else ok 1 "$desc" "$(last_exchange)"; fi
}

last_exchange() {
    echo "status: ${status:-}"
    [ -f "$tmp/body" ] && head -c 800 "$tmp/body"
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

# req METHOD PATH [CURL ARGS...]: sets `status`; body in $tmp/body, headers in $tmp/headers.
req() {
    local method=$1 path=$2
    shift 2
    status=$(curl -s -D "$tmp/headers" -o "$tmp/body" -w '%{http_code}' -X "$method" "$@" \
        "http://127.0.0.1:$port$path")
}

# op METHOD PATH [JSON]: as the installation owner (session cookie + CSRF token).
op() {
    if [ $# -ge 3 ]; then
        req "$1" "$2" "${A[@]}" -H 'Content-Type: application/json' -d "$3"
    else
        req "$1" "$2" "${A[@]}"
    fi
}

# as TOKEN METHOD PATH [JSON [CURL ARGS...]]: with an API token.
as() {
    local tok=$1 method=$2 path=$3
    shift 3
    if [ $# -ge 1 ]; then
        local body=$1
        shift
        req "$method" "$path" -H "Authorization: Bearer $tok" \
            -H 'Content-Type: application/json' -d "$body" "$@"
    else
        req "$method" "$path" -H "Authorization: Bearer $tok"
    fi
}

json() {
    python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(eval(sys.argv[2]))' "$tmp/body" "$1" 2>/dev/null
}

# is_error STATUS CODE [FIELD]
is_error() {
    [ "$status" = "$1" ] && [ "$(json 'd["error"]["code"]')" = "$2" ] &&
        { [ $# -lt 3 ] || [ "$(json 'd["error"]["field"]')" = "$3" ]; } &&
        [ -n "$(json 'd["error"]["message"]')" ]
}

# ---- a price list, start-up and sign-in ------------------------------------------------------
SKU=CFQ7TTC0LH18:0001
E3=CFQ7TTC0LFLX:0001
cat >"$tmp/pl.csv" <<'CSV'
Market,Currency,ProductId,SkuId,ProductTitle,SkuTitle,TermDuration,BillingPlan,UnitPrice,EffectiveStartDate,EffectiveEndDate
DE,EUR,CFQ7TTC0LH18,0001,Microsoft 365 Business Basic,Microsoft 365 Business Basic,P1M,Monthly,12.00,2025-04-01,
DE,EUR,CFQ7TTC0LH18,0001,Microsoft 365 Business Basic,Microsoft 365 Business Basic,P1Y,Annual,120.00,2025-04-01,
DE,EUR,CFQ7TTC0LFLX,0001,Microsoft 365 E3,Microsoft 365 E3,P1M,Monthly,40.00,2025-04-01,
CSV
"$BIN" import pricelist "$tmp/pl.csv" --db "$tmp/t.db" >"$tmp/import" 2>&1
check "a DE price list is imported" eval 'grep -q "3 price rows" "$tmp/import"'
"$BIN" users bootstrap --db "$tmp/t.db" --email op@example.com >"$tmp/boot" 2>&1
secret=$(sed -n 's/.*secret=\([A-Z2-7]*\).*/\1/p' "$tmp/boot")
if start_server --clock 2026-05-01T00:00:00Z; then
    ok 0 "server starts ($port)"
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
check "the installation owner signs in" eval '[ "$status" = 201 ] && [ -n "$csrf" ]'

# ---- parties: two direct-bill partners in DE, customers with and without the MCA -----------
op POST /v1/partners '{"kind":"direct_bill","name":"Direct DE","country":"DE","currency":"EUR"}'
P=$(json 'd["id"]')
op POST "/v1/partners/$P/mpa" '{"accepted_on":"2026-01-10","accepted_by":"ga@p.example"}'
op POST /v1/partners '{"kind":"direct_bill","name":"Other DE","country":"DE","currency":"EUR"}'
P2=$(json 'd["id"]')
op POST "/v1/partners/$P2/mpa" '{"accepted_on":"2026-01-10","accepted_by":"ga@o.example"}'
op POST /v1/customers "{\"name\":\"Contoso\",\"country\":\"DE\",\"billing_currency\":\"EUR\",
  \"partner_id\":\"$P\"}"
C=$(json 'd["id"]')
op POST "/v1/customers/$C/mca" '{"status":"accepted","accepted_on":"2026-04-01"}'
op POST /v1/customers "{\"name\":\"No MCA\",\"country\":\"DE\",\"billing_currency\":\"EUR\",
  \"partner_id\":\"$P\"}"
CN=$(json 'd["id"]')
op POST /v1/customers "{\"name\":\"Fabrikam\",\"country\":\"DE\",\"billing_currency\":\"EUR\",
  \"partner_id\":\"$P2\"}"
C2=$(json 'd["id"]')
op POST "/v1/customers/$C2/mca" '{"status":"accepted","accepted_on":"2026-04-01"}'
op POST /v1/tokens "{\"role\":\"sales\",\"partner_id\":\"$P\",\"name\":\"sales\"}"
TP=$(json 'd["secret"]')
op POST /v1/tokens "{\"role\":\"admin\",\"partner_id\":\"$P2\",\"name\":\"other\"}"
TO=$(json 'd["secret"]')
check "two partners, three customers, two tokens" \
    eval '[ -n "$P" ] && [ -n "$C" ] && [ -n "$CN" ] && [ -n "$C2" ] && [ -n "$TP" ] &&
          [ -n "$TO" ]'

# ---- order, idempotent retry ---------------------------------------------------------------
ORDER="{\"sku\":\"$SKU\",\"term\":\"P1M\",\"billing\":\"monthly\",\"quantity\":10,\"name\":\"M365\"}"
as "$TP" POST "/v1/customers/$C/orders" "$ORDER" -H 'Idempotency-Key: order-1'
S=$(json 'd["id"]')
check "POST /v1/customers/{id}/orders is 201 with the subscription" \
    eval '[ "$status" = 201 ] && [ "$(json "d[\"status\"]")" = active ] &&
          [ "$(json "d[\"quantity\"]")" = 10 ] && [ "$(json "d[\"auto_renew\"]")" = True ] &&
          [ "$(json "d[\"term_end\"]")" = 2026-05-31 ] &&
          [ "$(json "d[\"refundable_quantity\"]")" = 10 ] &&
          json "d[\"lots\"][0][\"deadline\"]" | grep -q "^2026-05-08T00:0" &&
          grep -qi "^location: /v1/subscriptions/$S" "$tmp/headers"'
as "$TP" POST "/v1/customers/$C/orders" "$ORDER" -H 'Idempotency-Key: order-1'
check "the same Idempotency-Key and body replays the first answer" \
    eval '[ "$status" = 201 ] && [ "$(json "d[\"id\"]")" = "$S" ] &&
          grep -qi "^idempotent-replayed: true" "$tmp/headers"'
as "$TP" POST "/v1/customers/$C/orders" "${ORDER/10/11}" -H 'Idempotency-Key: order-1'
check "the same key with another body is 409 idempotency_key_reused" \
    is_error 409 idempotency_key_reused
as "$TP" GET "/v1/customers/$C/subscriptions"
check "the customer has one subscription (the retry ordered nothing)" \
    eval '[ "$status" = 200 ] && [ "$(json "len(d[\"subscriptions\"])")" = 1 ] &&
          [ "$(json "d[\"more\"]")" = False ]'

# ---- program rules and catalog data --------------------------------------------------------
as "$TP" POST "/v1/customers/$CN/orders" "$ORDER"
check "a customer without the MCA: 409 mca_not_accepted" is_error 409 mca_not_accepted
op POST "/v1/customers/$C/orders" "{\"sku\":\"$SKU\",\"term\":\"P1M\",\"billing\":\"monthly\",
  \"quantity\":0}"
check "zero seats: 422 invalid_quantity" is_error 422 invalid_quantity quantity
op POST "/v1/customers/$C/orders" "{\"sku\":\"$SKU\",\"term\":\"P1M\",\"billing\":\"weekly\",
  \"quantity\":1}"
check "an unknown billing plan: 422 naming it" is_error 422 invalid billing
op PUT "/v1/catalog/seat-limits/$SKU" '{"min_seats":1,"max_seats":300}'
op POST "/v1/customers/$C/orders" "{\"sku\":\"$SKU\",\"term\":\"P1Y\",\"billing\":\"annual\",
  \"quantity\":301}"
check "above the SKU's seat maximum: 409 above_seat_maximum" \
    is_error 409 above_seat_maximum quantity
op PATCH "/v1/partners/$P2" '{"region":"united_states"}'
op POST "/v1/customers/$C2/orders" "$ORDER"
check "a seller now in another region than its customer: 409 region_mismatch" \
    is_error 409 region_mismatch
op PATCH "/v1/partners/$P2" '{"region":"europe"}'

# ---- seats and the 168-hour windows ---------------------------------------------------------
as "$TP" PATCH "/v1/subscriptions/$S" '{"quantity":15}'
check "PATCH quantity 15 adds a lot of 5 seats" \
    eval '[ "$status" = 200 ] && [ "$(json "d[\"quantity\"]")" = 15 ] &&
          [ "$(json "len(d[\"lots\"])")" = 2 ] && [ "$(json "d[\"refundable_quantity\"]")" = 15 ]'
as "$TP" PATCH "/v1/subscriptions/$S" '{"quantity":-1}'
check "a negative seat count: 422 invalid_quantity" is_error 422 invalid_quantity quantity
as "$TP" PATCH "/v1/subscriptions/$S" '{"colour":"red"}'
check "an unknown field: 422 naming it" is_error 422 invalid colour
op POST /v1/clock '{"now":"2026-05-09T00:00:00Z"}'
as "$TP" PATCH "/v1/subscriptions/$S" '{"quantity":12}'
check "a decrease after the window: 409 quantity_decrease_outside_window with the dates" \
    eval 'is_error 409 quantity_decrease_outside_window &&
          json "d[\"error\"][\"message\"]" | grep -q "2026-05-01" &&
          json "d[\"error\"][\"message\"]" | grep -q "2026-05-08"'
as "$TP" GET "/v1/subscriptions/$S"
check "GET shows the closed lots and nothing refundable" \
    eval '[ "$status" = 200 ] && [ "$(json "d[\"refundable_quantity\"]")" = 0 ] &&
          [ "$(json "d[\"cancellation_window\"][\"open\"]")" = False ] &&
          [ "$(json "d[\"quantity\"]")" = 15 ] && [ "$(json "d[\"unit_price\"]")" = 12 ]'
as "$TP" POST "/v1/subscriptions/$S/cancel" '{}'
check "a cancel after the window: 409 outside_cancellation_window" \
    is_error 409 outside_cancellation_window

# ---- term-end decision, suspend, reactivate -------------------------------------------------
as "$TP" PUT "/v1/subscriptions/$S/term-end" '{"action":"renew","changes":{"quantity":20}}'
check "PUT term-end renew with changes" \
    eval '[ "$status" = 200 ] && [ "$(json "d[\"term_end_decision\"][\"action\"]")" = renew ] &&
          [ "$(json "d[\"term_end_decision\"][\"changes\"][\"quantity\"]")" = 20 ]'
as "$TP" PUT "/v1/subscriptions/$S/term-end" '{"action":"cancel"}'
check "PUT term-end cancel turns auto-renew off" \
    eval '[ "$status" = 200 ] && [ "$(json "d[\"auto_renew\"]")" = False ] &&
          [ "$(json "d[\"term_end_decision\"][\"action\"]")" = cancel ]'
as "$TP" PUT "/v1/subscriptions/$S/term-end" '{"action":"later"}'
check "an unknown action: 422 naming it" is_error 422 invalid action
as "$TP" PATCH "/v1/subscriptions/$S" '{"auto_renew":true}'
check "PATCH auto_renew true renews as is" \
    eval '[ "$status" = 200 ] && [ "$(json "d[\"auto_renew\"]")" = True ]'
as "$TP" POST "/v1/subscriptions/$S/suspend" '{}'
check "suspend" eval '[ "$status" = 200 ] && [ "$(json "d[\"status\"]")" = suspended ]'
as "$TP" PATCH "/v1/subscriptions/$S" '{"quantity":16}'
check "a seat change while suspended: 409 subscription_not_active" \
    is_error 409 subscription_not_active
as "$TP" POST "/v1/subscriptions/$S/reactivate" '{}'
check "reactivate" eval '[ "$status" = 200 ] && [ "$(json "d[\"status\"]")" = active ]'

# ---- upgrades ------------------------------------------------------------------------------
as "$TP" POST "/v1/subscriptions/$S/upgrade" "{\"sku\":\"$E3\"}"
check "an upgrade off the listed paths: 409 invalid_upgrade_path" \
    is_error 409 invalid_upgrade_path
op PUT "/v1/catalog/upgrade-paths/$SKU" "{\"targets\":[\"$E3\"]}"
as "$TP" POST "/v1/subscriptions/$S/upgrade" "{\"sku\":\"$E3\",\"quantity\":5}"
S2=$(json 'd["id"]')
check "a partial upgrade is 201 with the new subscription" \
    eval '[ "$status" = 201 ] && [ "$S2" != "$S" ] && [ "$(json "d[\"sku\"]")" = "$E3" ] &&
          [ "$(json "d[\"quantity\"]")" = 5 ]'

# ---- events, charges, tenancy, audit -------------------------------------------------------
as "$TP" GET "/v1/subscriptions/$S/events"
check "GET events lists the log in order" \
    eval '[ "$status" = 200 ] && [ "$(json "d[\"events\"][0][\"kind\"]")" = created ] &&
          [ "$(json "d[\"events\"][1][\"kind\"]")" = quantity_changed ] &&
          [ "$(json "[e[\"seq\"] for e in d[\"events\"]] == list(range(1, len(d[\"events\"]) + 1))")" = True ]'
as "$TP" GET "/v1/subscriptions/$S/charges"
check "GET charges: new 120.00 and the addQuantity pair of the May cycle" \
    eval '[ "$status" = 200 ] &&
          [ "$(json "d[\"charges\"][0][\"charge_type\"]")" = new ] &&
          [ "$(json "float(d[\"charges\"][0][\"subtotal\"])")" = 120.0 ] &&
          [ "$(json "sorted(float(c[\"subtotal\"]) for c in d[\"charges\"]
                       if c[\"charge_type\"] == \"addQuantity\")")" = "[-120.0, 180.0]" ]'
as "$TO" GET "/v1/subscriptions/$S"
check "another tenant's subscription is 404" is_error 404 not_found
as "$TO" GET "/v1/customers/$C/subscriptions"
check "another tenant's customer list is 404" is_error 404 not_found
as "$TO" POST "/v1/subscriptions/$S/cancel" '{}'
check "another tenant cannot cancel it: 404" is_error 404 not_found
as "$TO" POST "/v1/customers/$C/orders" "$ORDER"
check "another tenant cannot order for the customer: 404" is_error 404 not_found
as "$TO" GET "/v1/subscriptions/$S/charges"
check "nor read its charges: 404" is_error 404 not_found
op POST /v1/tokens "{\"role\":\"read_only\",\"partner_id\":\"$P\",\"name\":\"viewer\"}"
TR=$(json 'd["secret"]')
as "$TR" GET "/v1/subscriptions/$S"
check "a read-only user of the partner reads its subscription" eval '[ "$status" = 200 ]'
as "$TR" POST "/v1/subscriptions/$S/cancel" '{}'
check "but may not cancel it: 403 (it can see the object, so not 404)" is_error 403 forbidden
as "$TP" GET "/v1/audit?object_type=subscription&object_id=$S"
check "the partner sees the subscription's audit rows" \
    eval '[ "$status" = 200 ] &&
          [ "$(json "\"subscription.order\" in [e[\"action\"] for e in d[\"entries\"]]")" = True ] &&
          [ "$(json "\"subscription.set_quantity\" in [e[\"action\"] for e in d[\"entries\"]]")" = True ]'
as "$TO" GET "/v1/audit?object_type=subscription&object_id=$S"
check "the other tenant sees none of them" \
    eval '[ "$status" = 200 ] && [ "$(json "len(d[\"entries\"])")" = 0 ]'
req GET /v1/openapi.json
check "the OpenAPI document lists the subscription routes" \
    eval '[ "$(json "all(p in d[\"paths\"] for p in [\"/v1/customers/{id}/orders\",
        \"/v1/subscriptions/{id}\", \"/v1/subscriptions/{id}/term-end\",
        \"/v1/subscriptions/{id}/charges\"])")" = True ]'

# ---- the CLI on the same database ------------------------------------------------------------
"$BIN" subs show "$S" --db "$tmp/t.db" --at 2026-05-09T00:00:00Z >"$tmp/show" 2>&1
check "cspd subs show prints the document" eval 'grep -q "\"id\": \"$S\"" "$tmp/show"'
"$BIN" subs list "$C" --db "$tmp/t.db" >"$tmp/list" 2>&1
check "cspd subs list CUSTOMER lists both subscriptions" \
    eval '[ "$(wc -l <"$tmp/list")" = 2 ]'
"$BIN" subs quantity "$S" 1 --db "$tmp/t.db" --at 2026-05-10T00:00:00Z >"$tmp/cli" 2>&1
rc=$?
check "cspd subs quantity prints the refusal's reason code and exits 1" \
    eval '[ $rc = 1 ] && grep -q "(quantity_decrease_outside_window" "$tmp/cli"'
"$BIN" charges verify --db "$tmp/t.db" >"$tmp/verify" 2>&1
rc=$?
check "cspd charges verify finds no difference" \
    eval '[ $rc = 0 ] && grep -q "0 with differences" "$tmp/verify"'

echo "1..$n"
