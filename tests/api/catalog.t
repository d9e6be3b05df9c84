#!/usr/bin/env bash
# tests/api/catalog.t — the catalog over real HTTP and from the command line (TAP on stdout):
# POST /v1/pricelists (201, 200 already imported, 422 naming the column), the price increase
# alert, GET /v1/pricelists/changes as JSON, CSV and XLSX, products, a SKU's prices, the
# one-price lookup and its "no price" reasons, upgrade paths, prerequisites, EST rules, seat
# limits, currencies and exchange rates; then `cspd catalog` on the same database.
#
# Starts "$CSPD_BIN" serve on 127.0.0.1 port 0 as tests/api/http.t does, bootstraps the
# installation's owner and signs in with a TOTP code computed in tap.sh (tests/api/auth.t covers
# authentication). Fixtures: tests/fixtures/pricelists/, data/catalog/.
set -u
. "$(dirname "$0")/../lib/tap.sh" || exit 1
cd "$(dirname "$0")/../.." || exit 1

F=tests/fixtures/pricelists

# json EXPR: as tap.sh's, but values other than strings are printed as JSON (true, null, [1, 2]).
json() {
    python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
v = eval(sys.argv[2])
print(v if isinstance(v, str) else json.dumps(v))' "$tmp/body" "$1" 2>/dev/null
}

# upload FILE [MONTH]: the JSON body of POST /v1/pricelists in $tmp/upload.json
upload() {
    python3 -c 'import json, sys
b = {"content": open(sys.argv[1], encoding="utf-8-sig").read(), "file_name": sys.argv[1]}
if sys.argv[2]:
    b["month"] = sys.argv[2]
json.dump(b, open(sys.argv[3], "w"))' "$1" "${2:-}" "$tmp/upload.json"
}

# ---- start-up and sign-in ----
bootstrap_owner
serve_or_bail "server starts" --clock 2026-11-18T00:00:00Z
sign_in_owner
A+=(-H 'Content-Type: application/json')
check "the owner signs in" eval '[ "$status" = 201 ] && [ -n "$csrf" ]'

# ---- currencies ----
req GET /v1/currencies "${A[@]}"
check "GET /v1/currencies lists ISO 4217 codes with minor units (USD 2, JPY 0, KWD 3)" \
    eval '[ "$status" = 200 ] && [ "$(json "{c[\"code\"]: c[\"minor_units\"] for c in
          d[\"currencies\"]}[\"USD\"], {c[\"code\"]: c[\"minor_units\"] for c in
          d[\"currencies\"]}[\"JPY\"], {c[\"code\"]: c[\"minor_units\"] for c in
          d[\"currencies\"]}[\"KWD\"]")" = "[2, 0, 3]" ]'

# ---- importing ----
upload "$F/2026-10.csv"
req POST /v1/pricelists "${A[@]}" --data-binary "@$tmp/upload.json"
check "POST /v1/pricelists imports October: 201 with 19 rows, 1 trial skipped" \
    eval '[ "$status" = 201 ] && [ "$(json "d[\"rows\"], d[\"inserted\"], d[\"skipped\"]")" = \
          "[19, 19, 1]" ]'
req POST /v1/pricelists "${A[@]}" --data-binary "@$tmp/upload.json"
check "the same file again: 200, already imported, nothing changed" \
    eval '[ "$status" = 200 ] && [ "$(json "d[\"already_imported\"]")" = true ]'
upload "$F/bad-number.csv"
req POST /v1/pricelists "${A[@]}" --data-binary "@$tmp/upload.json"
check "a faulty row is 422 naming the column in field, the line in the message" \
    eval 'error_is 422 invalid UnitPrice && json "d[\"error\"][\"message\"]" |
          grep -q "line 4, column UnitPrice"'
req POST /v1/pricelists "${A[@]}" -d '{"file_name":"x.csv"}'
check "an upload without content is 422 naming content" eval 'error_is 422 invalid content'
R=(-b "$tmp/jar" -H "X-CSRF-Token: $csrf" -H 'Content-Type: text/csv')
req POST '/v1/pricelists?file_name=bad-number.csv' "${R[@]}" --data-binary "@$F/bad-number.csv"
check "a raw text/csv upload is read the same way: 422 naming the column and line" \
    eval 'error_is 422 invalid UnitPrice && json "d[\"error\"][\"message\"]" |
          grep -q "line 4, column UnitPrice"'
req POST '/v1/pricelists?file_name=2026-10.csv' "${R[@]}" --data-binary "@$F/2026-10.csv"
check "a raw text/csv upload of October hashes as the same bytes: 200 already imported" \
    eval '[ "$status" = 200 ] && [ "$(json "d[\"already_imported\"], d[\"rows\"]")" = \
          "[true, 19]" ]'

# a subscription renewing in 60 days (2027-01-17) and one in 61 days, for November's increase
sqlite3 "$tmp/t.db" "
INSERT INTO partners (id, kind, name, country, currency, created_at)
  VALUES ('prt_t', 'direct', 'T', 'US', 'USD', 1);
INSERT INTO customers (id, owner_partner_id, name, country, market, billing_currency,
  created_at) VALUES ('cus_t', 'prt_t', 'C', 'US', 'US', 'USD', 1);
INSERT INTO subscriptions (id, partner_id, customer_id, sku, term, billing, status, quantity,
  auto_renew, term_start, term_end, created_at, updated_at) VALUES
  ('sub_t60', 'prt_t', 'cus_t', 'CFQ7TTC0LDPB:0001', 'P1Y', 'annual', 'active', 4, 1,
   '2026-01-17', '2027-01-16', 1, 1),
  ('sub_t61', 'prt_t', 'cus_t', 'CFQ7TTC0LDPB:0001', 'P1Y', 'annual', 'active', 4, 1,
   '2026-01-18', '2027-01-17', 1, 1);" 2>"$tmp/sqlerr"
upload "$F/2026-11.csv"
req POST /v1/pricelists "${A[@]}" --data-binary "@$tmp/upload.json"
check "November: 201, and one price increase alert (the renewal in 60 days)" \
    eval '[ "$status" = 201 ] && [ "$(json "d[\"alerts\"]")" = 1 ]'
check "the alert is an outbox row alert.price_increase naming sub_t60, not sub_t61" \
    eval '[ "$(sqlite3 "$tmp/t.db" "SELECT group_concat(json_extract(payload,
          \"$.subscription_id\") || \" \" || json_extract(payload, \"$.days_until_renewal\"))
          FROM outbox WHERE topic = \"alert.price_increase\"")" = "sub_t60 60" ]'

# ---- changes ----
req GET '/v1/pricelists/changes?from=2026-10-15&to=2026-11-15' "${A[@]}"
check "GET /v1/pricelists/changes: 2 increases, 1 decrease, 3 new, 2 retired" \
    eval '[ "$status" = 200 ] && [ "$(json "[d[\"counts\"][k] for k in (\"increases\",
          \"decreases\", \"new\", \"retired\")]")" = "[2, 1, 3, 2]" ]'
check "an increase carries amount and percent" \
    eval '[ "$(json "[(c[\"old_price\"], c[\"new_price\"], c[\"amount\"], c[\"percent\"])
          for c in d[\"changes\"] if c[\"change\"] == \"increase\" and
          c[\"billing\"] == \"annual\"][0]")" = "[\"150.00\", \"162.00\", \"12.00\", \"8.00\"]" ]'
req GET '/v1/pricelists/changes?from=2026-10-15&to=2026-11-15&format=csv' "${A[@]}"
check "format=csv is text/csv with the export's header" \
    eval '[ "$status" = 200 ] && header Content-Type | grep -q "^text/csv" &&
          head -1 "$tmp/body" | grep -q "^\"change\",\"market\",\"currency\",\"sku\""'
req GET '/v1/pricelists/changes?from=2026-10-15&to=2026-11-15&format=xlsx' "${A[@]}"
check "format=xlsx is an Excel workbook (a zip)" \
    eval '[ "$status" = 200 ] && header Content-Type | grep -q spreadsheetml &&
          [ "$(head -c 2 "$tmp/body")" = PK ]'
req GET '/v1/pricelists/changes?from=2026-10-15' "${A[@]}"
check "changes without to is 422 naming to" eval 'error_is 422 invalid to'

# ---- products and prices ----
req GET '/v1/catalog/products?query=copilot' "${A[@]}"
check "products?query=copilot finds Microsoft 365 Copilot with its SKU" \
    eval '[ "$status" = 200 ] && [ "$(json "[(p[\"id\"], p[\"skus\"][0][\"id\"]) for p in
          d[\"products\"]]")" = "[[\"CFQ7TTC0MM8R\", \"CFQ7TTC0MM8R:0002\"]]" ]'
req GET '/v1/catalog/products?market=DE' "${A[@]}"
check "products?market=DE leaves out SKUs without a DE price (Teams Essentials)" \
    eval '[ "$status" = 200 ] && ! grep -q CFQ7TTC0QW5P "$tmp/body" && grep -q CFQ7TTC0LFLX "$tmp/body"'
req GET '/v1/catalog/skus/CFQ7TTC0LDPB:0001/prices?market=US&at=2026-11-18' "${A[@]}"
check "a SKU's prices in effect on a day: annual 162, monthly 170.10 per term" \
    eval '[ "$status" = 200 ] && [ "$(json "sorted((p[\"billing\"], p[\"term_price\"]) for p in
          d[\"prices\"])")" = "[[\"annual\", \"162\"], [\"monthly\", \"170.1\"]]" ]'
req GET '/v1/catalog/skus/CFQ7TTC0NONE:0001/prices' "${A[@]}"
check "an unknown SKU is 404" eval 'error_is 404 not_found id'
req GET '/v1/catalog/skus/CFQ7TTC0LDPB:0001/price?term=P1Y&billing=monthly&market=US&currency=USD&at=2026-11-18' "${A[@]}"
check "the one price: P1Y monthly US/USD, 170.10 per term, 14.175 -> 14.18 per month" \
    eval '[ "$status" = 200 ] && [ "$(json "(d[\"price\"][\"term_price\"],
          d[\"price\"][\"unit_price\"])")" = "[\"170.1\", \"14.18\"]" ]'
req GET '/v1/catalog/skus/CFQ7TTC0MM8R:0002/price?term=P1Y&billing=annual&market=US&currency=USD&at=2026-10-15' "${A[@]}"
check "Copilot before November: 404 price_not_yet_effective naming the first day" \
    eval 'error_is 404 price_not_yet_effective at && grep -q 2026-11-01 "$tmp/body"'
req GET '/v1/catalog/skus/CFQ7TTC0LH1P:0001/price?term=P1Y&billing=annual&market=US&currency=USD&at=2026-11-18' "${A[@]}"
check "Kiosk after its end: 404 price_ended naming 2026-10-31" \
    eval 'error_is 404 price_ended at && grep -q 2026-10-31 "$tmp/body"'
req GET '/v1/catalog/skus/CFQ7TTC0QW5P:0001/price?term=P1M&billing=monthly&market=US&currency=USD' "${A[@]}"
check "no row for the plan: 404 no_price" eval 'error_is 404 no_price sku'
req GET '/v1/catalog/skus/CFQ7TTC0QW5P:0001/price?term=P2Y&billing=monthly&market=US&currency=USD' "${A[@]}"
check "a bad term is 422 naming term" eval 'error_is 422 invalid term'

# ---- catalog data ----
req PUT /v1/catalog/upgrade-paths/CFQ7TTC0LH18:0001 "${A[@]}" \
    -d '{"targets":["CFQ7TTC0LDPB:0001","CFQ7TTC0LFLX:0001"]}'
check "PUT upgrade-paths sets a SKU's targets" \
    eval '[ "$status" = 200 ] && [ "$(json "len(d[\"targets\"])")" = 2 ]'
req GET '/v1/catalog/upgrade-paths?sku=CFQ7TTC0LH18:0001' "${A[@]}"
check "GET upgrade-paths lists them" \
    eval '[ "$status" = 200 ] && [ "$(json "d[\"upgrade_paths\"][0][\"targets\"]")" = \
          "[\"CFQ7TTC0LDPB:0001\", \"CFQ7TTC0LFLX:0001\"]" ]'
check "the engine's upgrade_paths table holds them" \
    eval '[ "$(sqlite3 "$tmp/t.db" "SELECT count(*) FROM upgrade_paths WHERE from_sku =
          \"CFQ7TTC0LH18:0001\"")" = 2 ]'
req PUT /v1/catalog/upgrade-paths/CFQ7TTC0LH18:0001 "${A[@]}" -d '{"targets":["CFQ7TTC0ZZZZ:0001"]}'
check "an unknown target is 422 naming targets" eval 'error_is 422 invalid targets'
req PUT /v1/catalog/upgrade-paths/CFQ7TTC0ZZZZ:0001 "${A[@]}" -d '{"targets":[]}'
check "a SKU the catalog does not know is 404" eval 'error_is 404 not_found id'
req DELETE /v1/catalog/upgrade-paths/CFQ7TTC0LH18:0001 "${A[@]}"
check "DELETE removes a SKU's upgrade paths" eval '[ "$status" = 200 ]'
req DELETE /v1/catalog/upgrade-paths/CFQ7TTC0LH18:0001 "${A[@]}"
check "a second DELETE is 404" eval '[ "$status" = 404 ]'

req PUT /v1/catalog/est-rules/CFQ7TTC0MM8R "${A[@]}" -d '{"eligible":false,"note":"add-on"}'
check "PUT est-rules: a product family not EST-eligible, default uplifts 3 and 23" \
    eval '[ "$status" = 200 ] && [ "$(json "(d[\"eligible\"], d[\"uplift_p1m\"],
          d[\"uplift_fallback\"])")" = "[false, \"3\", \"23\"]" ]'
req PUT /v1/catalog/est-rules/CFQ7TTC0MM8R "${A[@]}" -d '{"eligible":true,"uplift_p1m":"300"}'
check "an uplift above 100 percent is 422" eval 'error_is 422 invalid uplift_p1m'
req GET /v1/catalog/est-rules "${A[@]}"
check "GET est-rules lists the rule and the default" \
    eval '[ "$status" = 200 ] && [ "$(json "len(d[\"est_rules\"]), d[\"default\"][\"uplift_p1m\"]")" = "[1, \"3\"]" ]'

req PUT /v1/catalog/seat-limits/CFQ7TTC0LH18:0001 "${A[@]}" -d '{"min_seats":1,"max_seats":300}'
check "PUT seat-limits" eval '[ "$status" = 200 ] && [ "$(json "d[\"max_seats\"]")" = 300 ]'
req PUT /v1/catalog/seat-limits/CFQ7TTC0LH18:0001 "${A[@]}" -d '{"min_seats":10,"max_seats":5}'
check "a maximum below the minimum is 422 naming max_seats" eval 'error_is 422 invalid max_seats'

req PUT /v1/catalog/prerequisites/CFQ7TTC0MM8R:0002 "${A[@]}" \
    -d '{"requires":["CFQ7TTC0LFLX","CFQ7TTC0LDPB:0001"],"note":"a Microsoft 365 base licence"}'
check "PUT prerequisites: a product family or a SKU" eval '[ "$status" = 200 ]'
req GET /v1/catalog/prerequisites "${A[@]}"
check "GET prerequisites" eval '[ "$(json "d[\"prerequisites\"][0][\"requires\"]")" = \
    "[\"CFQ7TTC0LDPB:0001\", \"CFQ7TTC0LFLX\"]" ]'

# ---- exchange rates ----
req POST /v1/exchange-rates "${A[@]}" -d '{"from":"USD","to":"EUR","rate":"0.85","month":"2026-12"}'
check "POST exchange-rates: a month's rate applies from its 1st" \
    eval '[ "$status" = 201 ] && [ "$(json "d[\"effective_from\"]")" = 2026-12-01 ]'
req POST /v1/exchange-rates "${A[@]}" -d '{"from":"USD","to":"EUR","rate":"0","month":"2026-12"}'
check "a zero rate is 422 naming rate" eval 'error_is 422 invalid rate'
req GET '/v1/exchange-rates?from=USD&to=EUR' "${A[@]}"
check "GET exchange-rates" eval '[ "$status" = 200 ] && [ "$(json "d[\"rates\"][0][\"rate\"]")" = 0.85 ]'

# ---- roles: a signed-out caller ----
req GET /v1/catalog/products
check "the catalog needs a signed-in caller (401)" eval '[ "$status" = 401 ]'

# ---- the command line, on the same database ----
"$BIN" catalog load seat-limits data/catalog/seat_limits.csv --db "$tmp/t.db" >"$tmp/cli" 2>&1
check "cspd catalog load seat-limits data/catalog/seat_limits.csv" \
    eval 'grep -q "loaded seat-limits" "$tmp/cli"'
"$BIN" catalog load upgrade-paths data/catalog/upgrade_paths.csv --db "$tmp/t.db" >"$tmp/cli" 2>&1
check "cspd catalog load upgrade-paths (ids not yet in the catalog are noted)" \
    eval 'grep -q "loaded upgrade-paths" "$tmp/cli" && grep -q "does not know" "$tmp/cli"'
"$BIN" catalog rates load data/catalog/exchange_rates.csv --db "$tmp/t.db" >"$tmp/cli" 2>&1
check "cspd catalog rates load" eval 'grep -q "loaded rates" "$tmp/cli"'
printf 'sku,min_seats\nCFQ7TTC0LH18:0001,zero\n' >"$tmp/bad.csv"
"$BIN" catalog load seat-limits "$tmp/bad.csv" --db "$tmp/t.db" >"$tmp/cli" 2>&1
rc=$?
check "a bad catalog CSV: exit 1, line and column named, nothing stored" \
    eval '[ $rc = 1 ] && grep -q "line 2, column min_seats" "$tmp/cli" &&
          grep -q "nothing was stored" "$tmp/cli"'
"$BIN" catalog price CFQ7TTC0LDPB:0001 --term P1Y --billing annual --market US --currency USD \
    --at 2026-11-18 --db "$tmp/t.db" >"$tmp/cli" 2>&1
check "cspd catalog price: one line with the price" \
    eval 'grep -q "^CFQ7TTC0LDPB:0001	US	USD	P1Y	annual	162	162	2026-11-01" "$tmp/cli"'
"$BIN" catalog price CFQ7TTC0LH1P:0001 --term P1Y --billing annual --market US --currency USD \
    --at 2026-11-18 --db "$tmp/t.db" >"$tmp/cli" 2>&1
rc=$?
check "cspd catalog price of an ended plan: exit 1, price_ended and the last day" \
    eval '[ $rc = 1 ] && grep -q "ended on 2026-10-31" "$tmp/cli" && grep -q price_ended "$tmp/cli"'
"$BIN" catalog products --query "business" --db "$tmp/t.db" >"$tmp/cli" 2>&1
check "cspd catalog products --query business" \
    eval 'grep -q "^CFQ7TTC0LDPB:0001" "$tmp/cli" && grep -q "^CFQ7TTC0LH18:0001" "$tmp/cli"'
"$BIN" catalog check --customer cus_t --sku CFQ7TTC0MM8R:0002 --quantity 5 --db "$tmp/t.db" \
    >"$tmp/cli" 2>&1
rc=$?
check "cspd catalog check: Copilot with a Business Standard subscription is allowed" \
    eval '[ $rc = 0 ]'
"$BIN" pricelist diff "$F/2026-10.csv" "$F/2026-11.csv" --format xlsx --out "$tmp/d.xlsx" \
    >"$tmp/cli" 2>&1
check "cspd pricelist diff --format xlsx --out writes a workbook" \
    eval '[ "$(head -c 2 "$tmp/d.xlsx")" = PK ]'

req DELETE /v1/catalog/est-rules/CFQ7TTC0MM8R "${A[@]}"
check "DELETE est-rules names the product family it removed" \
    eval '[ "$status" = 200 ] && [ "$(json "d[\"product_id\"], d[\"deleted\"]")" = \
          "[\"CFQ7TTC0MM8R\", true]" ]'
req DELETE /v1/catalog/est-rules/CFQ7TTC0MM8R "${A[@]}"
check "a second DELETE of the EST rule is 404" eval '[ "$status" = 404 ]'
req DELETE /v1/catalog/seat-limits/CFQ7TTC0LH18:0001 "${A[@]}"
check "DELETE seat-limits names the SKU it removed" \
    eval '[ "$status" = 200 ] && [ "$(json "d[\"sku\"]")" = CFQ7TTC0LH18:0001 ]'

tap_done
