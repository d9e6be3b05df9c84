#!/usr/bin/env bash
# tests/api/billing.t — black-box tests of the billing API over real HTTP (TAP on stdout):
# /v1/margin-rules, /v1/invoices (close, list, JSON/CSV/PDF, period export, pay, void,
# credit), /v1/partners/{id}/billing-settings, /v1/reports/margins and /v1/reports/ttm-revenue.
#
# Starts "$CSPD_BIN" serve like http.t and parties.t, on a database seeded with sqlite3 the way
# tests/invoice.t seeds it: direct-bill partner P, customer C (VAT 19%), Microsoft's
# November line 10 x 10.08 = 100.80 EUR, a price row for the below-cost check and an EUR->USD
# rate of 1.10. The installation owner signs in (password + TOTP computed with python3) and
# takes billing tokens for P and for another partner Q. Worked by hand: markup 20% ->
# 12.096 -> 12.10 x 10 = 121.00, VAT 22.99, total 143.99; margin 20.20 (16.69%); TTM
# 121.00 x 1.10 = 133.10 USD.
set -u

. "$(dirname "$0")/../lib/tap.sh" || exit 1

# ---- the book ------------------------------------------------------------------------------
# ids in cspd's shape (the token endpoint checks it): prt_ / cus_ + 26 base32 characters
P=prt_pppppppppppppppppppppppppp
Q=prt_qqqqqqqqqqqqqqqqqqqqqqqqqq
C=cus_cccccccccccccccccccccccccc
"$BIN" db migrate --db "$tmp/t.db" >/dev/null 2>&1
sqlite3 "$tmp/t.db" <<SQL
INSERT INTO partners (id, kind, name, country, region, currency, created_at)
    VALUES ('$P', 'direct', 'Fabrikam Cloud', 'DE', 'europe', 'EUR', 0),
           ('$Q', 'direct', 'Other Partner', 'DE', 'europe', 'EUR', 0);
INSERT INTO customers (id, owner_partner_id, name, country, market, billing_currency, created_at)
    VALUES ('$C', '$P', 'Contoso AG', 'DE', 'DE', 'EUR',
            0);
INSERT INTO subscriptions (id, partner_id, customer_id, sku, term, billing, status, quantity,
                           created_at, updated_at)
    VALUES ('sub_S', '$P', '$C', 'PROD1:0001', 'P1M', 'monthly', 'active', 10,
            0, 0);
INSERT INTO tax_rates VALUES ('$P', 'DE', '19', 'VAT');
INSERT INTO price_points (sku, term, billing, market, currency, unit_price, erp_price,
                          effective_from)
    VALUES ('PROD1:0001', 'P1M', 'monthly', 'DE', 'EUR', '10.08', '12.10', '2026-01-01');
INSERT INTO exchange_rates VALUES ('EUR', 'USD', '1.10', '2026-11-01');
INSERT INTO charges (id, subscription_id, event_seq, charge_type, sku, start_date, end_date,
                     quantity, unit_price, effective_unit_price, subtotal, currency,
                     billing_currency, est, created_at)
    VALUES ('chg_1', 'sub_S', 1, 'new', 'PROD1:0001', '2026-11-01', '2026-11-30', 10,
            '10.08', '10.08', '100.80', 'EUR', 'EUR', 0, 0);
SQL

# ---- start-up and sign-in ------------------------------------------------------------------
bootstrap_owner
serve_or_bail "server starts" --clock 2026-11-20T00:00:00Z
sign_in_owner
check "the installation owner signs in" eval '[ "$status" = 201 ] && [ -n "$csrf" ]'
op POST /v1/tokens "{\"role\":\"billing\",\"partner_id\":\"$P\",\"name\":\"p\"}"
TP=$(json 'd["secret"]')
op POST /v1/tokens "{\"role\":\"billing\",\"partner_id\":\"$Q\",\"name\":\"q\"}"
TQ=$(json 'd["secret"]')
op POST /v1/tokens "{\"role\":\"read_only\",\"partner_id\":\"$P\",\"name\":\"ro\"}"
TR=$(json 'd["secret"]')
check "billing tokens for P and Q, a read-only one for P" \
    eval '[ -n "$TP" ] && [ -n "$TQ" ] && [ -n "$TR" ]'

# ---- margin rules ----------------------------------------------------------------------------
as "$TP" POST /v1/margin-rules '{"kind":"markup","value":"lots"}'
check "a bad value is 422 naming it" is_error 422 invalid value
as "$TP" POST /v1/margin-rules '{"kind":"markup","value":"20","level":"sideways"}'
check "a bad level is 422 naming it" is_error 422 invalid level
as "$TP" POST /v1/margin-rules '{"kind":"markup","value":"20","effective_from":"2026-02-30"}'
check "an impossible date is 422 naming it" is_error 422 invalid effective_from
as "$TP" POST /v1/margin-rules '{"kind":"fixed","value":"9.00","currency":"EUR",
  "sku":"PROD1:0001","effective_from":"2026-12-01"}'
check "a fixed price below Microsoft's 10.08 is 409 below_cost" \
    is_error 409 below_cost allow_below_cost
as "$TP" POST /v1/margin-rules '{"kind":"fixed","value":"9.00","currency":"EUR",
  "sku":"PROD1:0001","effective_from":"2026-12-01","allow_below_cost":true}'
below=$(json 'd["id"]')
check "... accepted with allow_below_cost (201)" eval '[ "$status" = 201 ] && [ -n "$below" ]'
alerts=$(sqlite3 "$tmp/t.db" "SELECT COUNT(*) FROM outbox WHERE topic = 'alert.below_cost'")
check "... and it raised alert.below_cost" eval '[ "$alerts" = 1 ]'
as "$TP" POST /v1/margin-rules '{"kind":"markup","value":"20","effective_from":"2026-01-01"}'
rule=$(json 'd["id"]')
check "a partner-wide 20% markup: seller defaults to the caller's partner" \
    eval '[ "$status" = 201 ] && [ "$(json "d[\"seller_id\"]")" = $P ]'
as "$TR" POST /v1/margin-rules '{"kind":"markup","value":"5"}'
check "a read-only token may not write rules (403)" eval '[ "$status" = 403 ]'
as "$TQ" GET "/v1/margin-rules/$rule"
check "another partner gets 404 for the rule" eval '[ "$status" = 404 ]'
as "$TQ" POST /v1/margin-rules "{\"seller_id\":\"$P\",\"kind\":\"markup\",\"value\":\"5\"}"
check "... and cannot write P's rules (404)" eval '[ "$status" = 404 ]'
as "$TP" GET /v1/margin-rules
check "GET /v1/margin-rules lists both" \
    eval '[ "$status" = 200 ] && [ "$(json "len(d[\"rules\"])")" = 2 ]'
as "$TP" PATCH "/v1/margin-rules/$below" '{"value":"9.50"}'
check "PATCH changes an unused rule" \
    eval '[ "$status" = 200 ] && [ "$(json "d[\"value\"]")" = 9.5 ]'
as "$TP" DELETE "/v1/margin-rules/$below"
check "DELETE removes an unused rule (204)" eval '[ "$status" = 204 ]'
as "$TP" GET "/v1/margin-rules/$below"
check "... it is gone (404)" eval '[ "$status" = 404 ]'

# ---- the close -------------------------------------------------------------------------------
as "$TP" POST /v1/invoices/close '{"period":"2026-13"}'
check "a bad period is 422 naming it" is_error 422 invalid period
as "$TP" POST /v1/invoices/close '{"period":"2026-12"}'
check "a period not started yet is 409" is_error 409 period_not_started period
op POST /v1/clock '{"now":"2026-12-01T06:00:00Z"}'
req POST /v1/invoices/close -H "Authorization: Bearer $TP" -H 'Content-Type: application/json' \
    -H 'Idempotency-Key: close-nov' -d '{"period":"2026-11"}'
first=$(cat "$tmp/body")
check "POST /v1/invoices/close: one line rated, one invoice" \
    eval '[ "$status" = 200 ] && [ "$(json "d[\"invoices\"]")" = 1 ] &&
          [ "$(json "d[\"rated\"]")" = 1 ]'
req POST /v1/invoices/close -H "Authorization: Bearer $TP" -H 'Content-Type: application/json' \
    -H 'Idempotency-Key: close-nov' -d '{"period":"2026-11"}'
check "the same Idempotency-Key replays the first answer" \
    eval '[ "$status" = 200 ] && [ "$(cat "$tmp/body")" = "$first" ]'
as "$TP" POST /v1/invoices/close '{"period":"2026-11"}'
check "closing again changes nothing" \
    eval '[ "$(json "d[\"invoices\"]")" = 0 ] && [ "$(json "d[\"already_closed\"]")" = 1 ]'
as "$TQ" POST /v1/invoices/close '{"period":"2026-11"}'
check "another partner's close visits only its own issuer" \
    eval '[ "$status" = 200 ] && [ "$(json "d[\"issuers\"]")" = 1 ] &&
          [ "$(json "d[\"rated\"]")" = 0 ]'

# ---- invoices ----------------------------------------------------------------------------------
as "$TP" GET "/v1/invoices?period=2026-11&status=finalized&customer_id=$C"
inv=$(json 'd["invoices"][0]["id"]')
check "GET /v1/invoices with filters finds INV-2026-000001" \
    eval '[ "$status" = 200 ] && [ "$(json "d[\"invoices\"][0][\"number\"]")" = INV-2026-000001 ]'
as "$TP" GET '/v1/invoices?status=paid'
check "... and none paid" eval '[ "$(json "len(d[\"invoices\"])")" = 0 ]'
as "$TP" GET '/v1/invoices?status=lost'
check "a bad status filter is 422 naming it" is_error 422 invalid status
as "$TQ" GET /v1/invoices
check "another partner sees no invoice" eval '[ "$(json "len(d[\"invoices\"])")" = 0 ]'
as "$TQ" GET "/v1/invoices/$inv"
check "... and gets 404 for it" eval '[ "$status" = 404 ]'
as "$TP" GET "/v1/invoices/$inv"
check "GET /v1/invoices/{id}: 121 + 22.99 = 143.99, application/json" \
    eval '[ "$status" = 200 ] && [ "$(json "(d[\"subtotal\"], d[\"tax\"], d[\"total\"])")" = \
          "('"'"'121'"'"', '"'"'22.99'"'"', '"'"'143.99'"'"')" ]'
ctype() { curl -s -o "$tmp/file" -w '%{content_type} %{http_code}' \
    -H "Authorization: Bearer $TP" "http://127.0.0.1:$port$1"; }
got=$(ctype "/v1/invoices/INV-2026-000001?format=csv")
check "?format=csv is text/csv with the line" \
    eval 'case "$got" in "text/csv"*200) grep -q "PROD1:0001,new" "$tmp/file" ;; *) false ;; esac'
got=$(ctype "/v1/invoices/$inv?format=pdf")
check "?format=pdf is application/pdf" \
    eval '[ "$got" = "application/pdf 200" ] && head -c 5 "$tmp/file" | grep -q "%PDF-"'
as "$TP" GET "/v1/invoices/$inv?format=xml"
check "an unknown format is 422 naming it" is_error 422 invalid format

# ---- period exports (GET /v1/invoices/export: the CLI's bytes, in the caller's scope) ------------
"$BIN" invoice export 2026-11 --format csv --db "$tmp/t.db" >"$tmp/cli-lines.csv" 2>&1
"$BIN" invoice export 2026-11 --format csv --table invoices --db "$tmp/t.db" \
    >"$tmp/cli-invoices.csv" 2>&1
"$BIN" invoice export 2026-11 --format gl --db "$tmp/t.db" >"$tmp/cli-gl.csv" 2>&1
as "$TP" GET '/v1/invoices/export?period=2026-11&format=csv'
check "CSV export (lines): the CLI's bytes, text/csv, an attachment" \
    eval '[ "$status" = 200 ] && cmp -s "$tmp/body" "$tmp/cli-lines.csv" &&
          grep -q "PROD1:0001" "$tmp/body" &&
          case "$(header Content-Type)" in text/csv*) true ;; *) false ;; esac &&
          [ "$(header Content-Disposition)" = "attachment; filename=\"cspd-2026-11-lines.csv\"" ]'
as "$TP" GET '/v1/invoices/export?period=2026-11&format=csv&table=invoices'
check "... the invoices table equals the CLI's" \
    eval '[ "$status" = 200 ] && cmp -s "$tmp/body" "$tmp/cli-invoices.csv" &&
          grep -q INV-2026-000001 "$tmp/body"'
as "$TP" GET '/v1/invoices/export?period=2026-11&format=gl'
check "... the general ledger equals the CLI's" \
    eval '[ "$status" = 200 ] && cmp -s "$tmp/body" "$tmp/cli-gl.csv" &&
          grep -q "^2026-12-01,1200," "$tmp/body"'
as "$TP" GET '/v1/invoices/export?period=2026-11&format=xlsx'
check "XLSX export: a zip (PK\\3\\4), the spreadsheet content type" \
    eval '[ "$status" = 200 ] && [ "$(head -c 4 "$tmp/body" | od -An -tx1 | tr -d " ")" = 504b0304 ] &&
          [ "$(header Content-Type)" = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" ]'
as "$TQ" GET '/v1/invoices/export?period=2026-11&format=csv&table=invoices'
check "another partner's export has the header only (its scope holds no invoice)" \
    eval '[ "$status" = 200 ] && [ "$(wc -l <"$tmp/body")" = 1 ] &&
          ! grep -q INV- "$tmp/body"'
as "$TP" GET '/v1/invoices/export?period=2026-11&format=pdf'
check "an unknown export format is 422 naming format" is_error 422 invalid format
as "$TP" GET '/v1/invoices/export?period=2026-13'
check "a bad export period is 422 naming period" is_error 422 invalid period
as "$TP" GET '/v1/invoices/export?format=csv'
check "a missing export period is 422 naming period" is_error 422 invalid period
as "$TP" GET '/v1/invoices/export?period=2026-11&format=xlsx&table=lines'
check "a table with xlsx is 422 naming table" is_error 422 invalid table

# ---- billing days (GET/PATCH /v1/partners/{id}/billing-settings) --------------------------------
as "$TP" GET "/v1/partners/$P/billing-settings"
check "P's billing days: calendar months, closed on the 1st" \
    eval '[ "$status" = 200 ] && [ "$(json "(d[\"period_day\"], d[\"close_day\"])")" = "(1, 1)" ]'
as "$TP" PATCH "/v1/partners/$P/billing-settings" '{"period_day":15}'
check "P has billed November: its period day cannot move (409 naming period_day)" \
    is_error 409 period_day_in_use period_day
as "$TP" PATCH "/v1/partners/$P/billing-settings" '{"close_day":5}'
check "... its close day can" eval '[ "$status" = 200 ] && [ "$(json "d[\"close_day\"]")" = 5 ]'
for bad in 0 29 '"15"' 15.5 null; do
    as "$TQ" PATCH "/v1/partners/$Q/billing-settings" "{\"period_day\":$bad}"
    check "period_day $bad is 422 naming it" is_error 422 invalid period_day
done
as "$TQ" PATCH "/v1/partners/$Q/billing-settings" '{"close_day":0}'
check "close_day 0 is 422 naming it" is_error 422 invalid close_day
as "$TQ" PATCH "/v1/partners/$Q/billing-settings" '{"period_day":15,"close_day":15}'
check "Q has billed nothing: its periods now start on the 15th" \
    eval '[ "$status" = 200 ] && [ "$(json "(d[\"period_day\"], d[\"close_day\"])")" = "(15, 15)" ]'
closes=$(sqlite3 "$tmp/t.db" "SELECT group_concat(period) FROM billing_closes WHERE
    issuer_partner_id = '$Q' ORDER BY period")
check "... its empty close of 2026-11 (now 11-15 .. 12-14, not ended) is reopened" \
    eval '[ "$closes" = 2026-10 ]'
as "$TQ" GET "/v1/partners/$P/billing-settings"
check "another partner's billing days are 404" eval '[ "$status" = 404 ]'
as "$TR" PATCH "/v1/partners/$P/billing-settings" '{"close_day":2}'
check "a read-only token may not set them (403)" eval '[ "$status" = 403 ]'

# ---- reports -----------------------------------------------------------------------------------
as "$TP" GET '/v1/reports/margins?from=2026-11-01&to=2026-11-30&group_by=customer'
check "margins by customer: 121 - 100.8 = 20.2 (16.69%)" \
    eval '[ "$status" = 200 ] && [ "$(json "[(g[\"key\"], g[\"name\"], g[\"revenue\"], \
          g[\"cost\"], g[\"margin\"], g[\"margin_pct\"]) for g in d[\"groups\"]]")" = \
          "[('"'"'$C'"'"', '"'"'Contoso AG'"'"', '"'"'121'"'"', \
'"'"'100.8'"'"', \
'"'"'20.2'"'"', '"'"'16.69'"'"')]" ]'
as "$TP" GET '/v1/reports/margins?from=2026-11-01&to=2026-11-30&group_by=product_family'
check "margins by product family" eval '[ "$(json "d[\"groups\"][0][\"key\"]")" = PROD1 ]'
as "$TP" GET '/v1/reports/margins?to=2026-11-30'
check "a missing from is 422 naming it" is_error 422 invalid from
as "$TP" GET '/v1/reports/margins?from=2026-11-01&to=2026-11-30&group_by=planet'
check "an unknown group_by is 422 naming it" is_error 422 invalid group_by
as "$TQ" GET '/v1/reports/margins?from=2026-11-01&to=2026-11-30'
check "another partner's report is empty" eval '[ "$(json "len(d[\"groups\"])")" = 0 ]'
as "$TP" GET "/v1/reports/ttm-revenue?partner_id=$P&as_of=2026-11-30"
check "TTM revenue: 121.00 EUR x 1.10 = 133.10 USD" \
    eval '[ "$status" = 200 ] && [ "$(json "d[\"partners\"][0][\"ttm_revenue_usd\"]")" = 133.1 ]'
as "$TQ" GET "/v1/reports/ttm-revenue?partner_id=$P"
check "another partner's TTM is 404" eval '[ "$status" = 404 ]'

# ---- pay, void, credit -------------------------------------------------------------------------
as "$TR" POST "/v1/invoices/$inv/pay" '{}'
# the pipeline answers 403 only for objects it can look up; for an invoice id it says 404
check "a read-only token may not mark paid (refused before the handler)" \
    eval '[ "$status" = 403 ] || [ "$status" = 404 ]'
as "$TP" POST "/v1/invoices/$inv/pay" '{}'
check "pay: 200, status paid" eval '[ "$status" = 200 ] && [ "$(json "d[\"status\"]")" = paid ]'
as "$TP" POST "/v1/invoices/$inv/void" '{}'
check "a paid invoice cannot be voided (409)" eval '[ "$status" = 409 ]'
as "$TP" POST "/v1/invoices/$inv/credit" '{}'
check "credit: 201, CN-2026-000001 of -143.99" \
    eval '[ "$status" = 201 ] && [ "$(json "(d[\"number\"], d[\"total\"])")" = \
          "('"'"'CN-2026-000001'"'"', '"'"'-143.99'"'"')" ]'
as "$TP" PATCH "/v1/margin-rules/$rule" '{"value":"25"}'
check "the rule that priced November can no longer change (409 rule_in_use)" \
    is_error 409 rule_in_use id
op GET '/v1/audit?object_type=invoice'
check "audit rows of the invoice name the token that acted" \
    eval '[ "$status" = 200 ] && [ "$(json "sorted(e[\"action\"] for e in d[\"entries\"])")" = \
          "['"'"'invoice.credit_note'"'"', '"'"'invoice.finalize'"'"', '"'"'invoice.paid'"'"']" ]'

tap_done
