#!/usr/bin/env bash
# tests/api/parties.t — black-box tests of the parties API over real HTTP (TAP on stdout):
# /v1/partners, /v1/relationships, /v1/customers, the MPA, the MCA and the compliance report.
#
# Starts "$CSPD_BIN" serve on 127.0.0.1 port 0 under `timeout` (the pattern of http.t), signs
# in the bootstrapped installation owner (password + TOTP computed in tap.sh), and
# takes a partner's API token for the partner-side calls. Checks: creating partners, a
# relationship refused across regions (409 region_mismatch) and without the reseller's MPA
# (409 mpa_not_accepted), customers and their MCA (attested, refused in the future, refused to
# a reseller), a bad field answered 422 naming it, scope over HTTP (a reseller gets 404 for
# another book's customer), the audit rows, and the CLI reading the same database.
set -u

. "$(dirname "$0")/../lib/tap.sh" || exit 1

# ---- start-up and sign-in ------------------------------------------------------------------
bootstrap_owner
serve_or_bail "server starts" --clock 2026-05-01T00:00:00Z
sign_in_owner
check "the installation owner signs in" eval '[ "$status" = 201 ] && [ -n "$csrf" ]'

# ---- partners ------------------------------------------------------------------------------
op POST /v1/partners '{"kind":"distributor","name":"Dist DE","country":"de","currency":"eur",
  "pla_id":"1234567","pla_verified":true,"onboarded_on":"2024-09-15"}'
D=$(json 'd["id"]')
check "POST /v1/partners creates a distributor (201, region europe)" \
    eval '[ "$status" = 201 ] && [ "$(json "d[\"region\"]")" = europe ] &&
          [ "$(json "d[\"country\"]")" = DE ] && [ "$(json "d[\"mpa\"][\"accepted\"]")" = False ]'
op POST "/v1/partners/$D/mpa" '{"accepted_on":"2026-01-10","accepted_by":"ga@dist.example"}'
check "POST /v1/partners/{id}/mpa records the MPA" \
    eval '[ "$status" = 200 ] && [ "$(json "d[\"mpa\"][\"accepted_on\"]")" = 2026-01-10 ]'

op POST /v1/partners '{"kind":"distributor","country":"DE","currency":"EUR"}'
check "a partner without a name is 422 naming 'name'" is_error 422 invalid name
op POST /v1/partners '{"kind":"distributor","name":"X","country":"DE","currency":"EUR",
  "ttm_revenue_usd":12}'
check "money as a JSON number is 422 naming 'ttm_revenue_usd'" \
    is_error 422 invalid ttm_revenue_usd

op POST /v1/partners '{"kind":"indirect_reseller","name":"Res DE","country":"DE",
  "currency":"EUR","business_email":true}'
R=$(json 'd["id"]')
op POST /v1/partners '{"kind":"indirect_reseller","name":"Res US","country":"US",
  "currency":"USD"}'
RUS=$(json 'd["id"]')
op POST /v1/partners '{"kind":"direct_bill","name":"Direct DE","country":"DE","currency":"EUR"}'
P=$(json 'd["id"]')
op POST "/v1/partners/$P/mpa" '{"accepted_on":"2026-01-10","accepted_by":"ga@p.example"}'
check "three more partners" eval '[ -n "$R" ] && [ -n "$RUS" ] && [ -n "$P" ]'

op GET /v1/partners
check "GET /v1/partners lists four" \
    eval '[ "$status" = 200 ] && [ "$(json "len(d[\"partners\"])")" = 4 ] &&
          [ "$(json "d[\"more\"]")" = False ]'
op GET "/v1/partners?kind=indirect_reseller"
check "?kind filters" eval '[ "$(json "len(d[\"partners\"])")" = 2 ]'
op GET "/v1/partners?limit=0"
check "?limit=0 is 422 naming 'limit'" is_error 422 invalid limit

# ---- relationships -------------------------------------------------------------------------
op POST /v1/relationships "{\"distributor_id\":\"$D\",\"reseller_id\":\"$R\"}"
check "a reseller without the MPA is refused: 409 mpa_not_accepted" \
    is_error 409 mpa_not_accepted reseller_id
op POST "/v1/partners/$R/mpa" '{"accepted_on":"2026-02-01","accepted_by":"ga@res.example"}'
op POST "/v1/partners/$RUS/mpa" '{"accepted_on":"2026-02-01","accepted_by":"ga@us.example"}'
op POST /v1/relationships "{\"distributor_id\":\"$D\",\"reseller_id\":\"$RUS\"}"
check "a relationship across regions is refused: 409 region_mismatch" \
    is_error 409 region_mismatch reseller_id
op POST /v1/relationships "{\"distributor_id\":\"$D\",\"reseller_id\":\"$R\"}"
REL=$(json 'd["id"]')
check "POST /v1/relationships establishes one (201, active, europe)" \
    eval '[ "$status" = 201 ] && [ "$(json "d[\"active\"]")" = True ] &&
          [ "$(json "d[\"region\"]")" = europe ]'
op POST /v1/relationships "{\"distributor_id\":\"$D\",\"reseller_id\":\"$R\"}"
check "the same pair again is 409 relationship_exists" is_error 409 relationship_exists reseller_id

# ---- customers -----------------------------------------------------------------------------
op POST /v1/customers "{\"name\":\"Tailspin Toys\",\"country\":\"DE\",\"billing_currency\":\"EUR\",
  \"distributor_id\":\"$D\",\"reseller_id\":\"$R\",\"domain\":\"tailspin.onmicrosoft.com\",
  \"tenant_id\":\"8c0c3e6a-1111-4222-8333-444455556666\"}"
C=$(json 'd["id"]')
check "POST /v1/customers creates the reseller's customer without an MCA" \
    eval '[ "$status" = 201 ] && [ "$(json "d[\"partner_id\"]")" = "$D" ] &&
          [ "$(json "d[\"mca\"][\"status\"]")" = none ] &&
          [ "$(json "d[\"mca\"][\"valid\"]")" = False ] &&
          [ "$(json "d[\"region\"]")" = europe ]'
op POST /v1/customers "{\"name\":\"X\",\"country\":\"DE\",\"billing_currency\":\"EURO\",
  \"partner_id\":\"$P\"}"
check "a bad currency is 422 naming 'billing_currency'" is_error 422 invalid billing_currency
op POST /v1/customers "{\"name\":\"X\",\"country\":\"US\",\"billing_currency\":\"USD\",
  \"partner_id\":\"$P\"}"
check "a customer in another region than its partner is 409 region_mismatch" \
    is_error 409 region_mismatch market
op POST /v1/customers "{\"name\":\"Fabrikam\",\"country\":\"FR\",\"billing_currency\":\"EUR\",
  \"partner_id\":\"$P\"}"
C2=$(json 'd["id"]')
check "the direct-bill partner's customer" eval '[ "$status" = 201 ]'

op POST "/v1/customers/$C/mca" '{"status":"attested","accepted_on":"2026-05-02",
  "signer_first_name":"Jo","signer_last_name":"Doe","signer_email":"jo@tailspin.example",
  "signer_phone":"+49 30 1234567"}'
check "an attestation dated tomorrow is 409 mca_date_in_future" \
    is_error 409 mca_date_in_future accepted_on
op POST "/v1/customers/$C/mca" '{"status":"attested","accepted_on":"2026-04-30",
  "signer_first_name":"Jo","signer_last_name":"Doe","signer_email":"jo@tailspin.example"}'
check "an attestation without the signer's phone is 422 naming it" \
    is_error 422 invalid signer_phone

# a token for the reseller's admin, one for the direct-bill partner's
op POST /v1/tokens "{\"role\":\"admin\",\"partner_id\":\"$R\",\"name\":\"res\"}"
TR=$(json 'd["secret"]')
op POST /v1/tokens "{\"role\":\"admin\",\"partner_id\":\"$P\",\"name\":\"direct\"}"
TP=$(json 'd["secret"]')
check "API tokens for two partners" eval '[ -n "$TR" ] && [ -n "$TP" ]'

as "$TR" POST "/v1/customers/$C/mca" '{"status":"attested","accepted_on":"2026-04-30",
  "signer_first_name":"Jo","signer_last_name":"Doe","signer_email":"jo@tailspin.example",
  "signer_phone":"+49 30 1234567"}'
check "a reseller's attestation is 409 attestation_not_allowed" \
    is_error 409 attestation_not_allowed attested_by
op POST "/v1/customers/$C/mca" '{"status":"attested","accepted_on":"2026-04-30",
  "signer_first_name":"Jo","signer_last_name":"Doe","signer_email":"jo@tailspin.example",
  "signer_phone":"+49 30 1234567","agreement_version":"MCA 2024"}'
check "the distributor's attestation (by the installation) makes the MCA valid" \
    eval '[ "$status" = 200 ] && [ "$(json "d[\"mca\"][\"valid\"]")" = True ] &&
          [ "$(json "d[\"mca\"][\"attested_by\"]")" = "$D" ]'

# ---- scope over HTTP -----------------------------------------------------------------------
as "$TR" GET /v1/customers
check "the reseller lists only its own customer" \
    eval '[ "$status" = 200 ] &&
          [ "$(json "\",\".join(c[\"id\"] for c in d[\"customers\"])")" = "$C" ]'
as "$TR" GET "/v1/customers/$C2"
check "another book's customer is 404 for the reseller" eval '[ "$status" = 404 ]'
as "$TP" GET "/v1/customers/$C"
check "the reseller's customer is 404 for the direct-bill partner" eval '[ "$status" = 404 ]'
as "$TP" GET /v1/partners
check "the direct-bill partner sees only itself" \
    eval '[ "$(json "\",\".join(p[\"id\"] for p in d[\"partners\"])")" = "$P" ]'
as "$TR" PATCH "/v1/partners/$R" '{"security_contact":"sec@res.example"}'
check "a partner's admin patches its own record" \
    eval '[ "$status" = 200 ] && [ "$(json "d[\"security_contact\"]")" = sec@res.example ]'

# ---- updates, compliance, ending ------------------------------------------------------------
op PATCH "/v1/customers/$C" '{"credit_limit":"25000.00","portal_enabled":true,
  "contacts":[{"name":"Ann","email":"ann@tailspin.example","role":"billing"}]}'
check "PATCH /v1/customers/{id} changes only the fields given" \
    eval '[ "$status" = 200 ] && [ "$(json "d[\"credit_limit\"]")" = 25000.00 ] &&
          [ "$(json "d[\"name\"]")" = "Tailspin Toys" ] &&
          [ "$(json "d[\"contacts\"][0][\"email\"]")" = ann@tailspin.example ]'
op PATCH "/v1/customers/$C" '{"colour":"blue"}'
check "an unknown field is 422 naming it" is_error 422 invalid colour

op PATCH "/v1/partners/$R" '{"ttm_revenue_usd":"640.00","onboarded_on":"2024-09-15"}'
op GET "/v1/partners/$R/compliance"
check "GET /v1/partners/{id}/compliance reports not met with what is missing" \
    eval '[ "$status" = 200 ] && [ "$(json "d[\"overall\"]")" = not_met ] &&
          [ "$(json "\"ttm_revenue\" in d[\"missing\"]")" = True ] &&
          [ "$(json "d[\"reassessment_month\"]")" = 9 ] &&
          [ "$(json "d[\"next_reassessment\"]")" = 2026-09-01 ] &&
          [ "$(json "d[\"remediation_deadline\"]")" = 2026-10-01 ]'

op POST "/v1/relationships/$REL/end" '{}'
check "POST /v1/relationships/{id}/end ends it" \
    eval '[ "$status" = 200 ] && [ "$(json "d[\"active\"]")" = False ]'
op POST "/v1/relationships/$REL/end" '{}'
check "ending it again is 409 relationship_ended" is_error 409 relationship_ended id
op POST /v1/customers "{\"name\":\"Late\",\"country\":\"DE\",\"billing_currency\":\"EUR\",
  \"distributor_id\":\"$D\",\"reseller_id\":\"$R\"}"
check "without a relationship in effect a reseller's customer is 409 no_relationship" \
    is_error 409 no_relationship reseller_id

# ---- audit, OpenAPI, CLI -------------------------------------------------------------------
op GET "/v1/audit?object_type=customer&object_id=$C"
check "the customer's changes are in the audit log with before/after" \
    eval '[ "$status" = 200 ] &&
          [ "$(json "\" \".join(sorted(e[\"action\"] for e in d[\"entries\"]))")" = \
            "customer.create customer.mca_record customer.update" ] &&
          [ "$(json "d[\"entries\"][0][\"after\"][\"credit_limit\"]")" = 25000.00 ]'
req GET /v1/openapi.json
check "the OpenAPI document lists the party routes" \
    eval '[ "$(json "all(p in d[\"paths\"] for p in [\"/v1/partners\",
        \"/v1/partners/{id}/compliance\", \"/v1/relationships/{id}/end\",
        \"/v1/customers/{id}/mca\"])")" = True ]'

"$BIN" partners check "$R" --db "$tmp/t.db" --date 2026-05-01 >"$tmp/check" 2>&1
check "cspd partners check ID prints the report" \
    eval 'grep -q "overall: not met" "$tmp/check" &&
          grep -q "\[not met\]  ttm_revenue" "$tmp/check" &&
          grep -q "remediation deadline: 2026-10-01" "$tmp/check"'
"$BIN" customers list --db "$tmp/t.db" --partner "$R" >"$tmp/list" 2>&1
check "cspd customers list --partner shows the reseller's customer" \
    eval '[ "$(wc -l <"$tmp/list")" = 1 ] && grep -q "Tailspin Toys" "$tmp/list"'
"$BIN" customers create --db "$tmp/t.db" --name X --country US --currency USD --partner "$P" \
    >"$tmp/cli" 2>&1
rc=$?
check "cspd customers create prints the refusal's reason code and exits 1" \
    eval '[ $rc = 1 ] && grep -q "(region_mismatch: market)" "$tmp/cli"'
"$BIN" partners bogus >/dev/null 2>&1
rc=$?
check "an unknown action is a usage error (2)" eval '[ $rc = 2 ]'

tap_done
