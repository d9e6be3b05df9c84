#!/usr/bin/env bash
# tests/api/auth.t — authentication, authorization and idempotency over real HTTP (TAP).
#
# A server on a free loopback port with --secure-cookies and an offset clock; two partners
# (A, B) inserted with sqlite3; the installation's first owner made with `cspd users
# bootstrap`; TOTP codes computed in tap.sh with python3 (RFC 6238, SHA-1, 6 digits). Covers:
# sign-in with and without MFA, one answer for unknown accounts and wrong passwords, cookie
# flags, CSRF on mutations, sign-out, 401/403/404, users and their scope, API tokens (shown
# once, listed without secret, last use, revocation), self-service TOTP enrolment, the
# Idempotency-Key replay and 409s, the audit log (scoped, append-only), throttling (429 with
# Retry-After, the same for unknown accounts), and that no secret reaches the log.
set -u

. "$(dirname "$0")/../lib/tap.sh" || exit 1
PA=prt_aaaaaaaaaaaaaaaaaaaaaaaaaa
PB=prt_bbbbbbbbbbbbbbbbbbbbbbbbbb

code_is() { [ "$status" = "$1" ] && [ "$(json 'd["error"]["code"]')" = "$2" ]; }

secret_of() { sed -n 's/.*secret=\([A-Z2-7]*\).*/\1/p'; }

# login EMAIL PASSWORD [TOTP]: POST /v1/sessions; on 201 sets `cookie` and `csrf`.
login() {
    local body
    body=$(python3 -c 'import json, sys
d = {"email": sys.argv[1], "password": sys.argv[2]}
if len(sys.argv) > 3: d["totp"] = sys.argv[3]
print(json.dumps(d))' "$@")
    req POST /v1/sessions -H 'Content-Type: application/json' -d "$body"
    cookie="" csrf=""
    if [ "$status" = 201 ]; then
        cookie=$(header Set-Cookie | sed -n 's/^cspd_session=\([0-9a-f]*\);.*/\1/p')
        csrf=$(json 'd["csrf_token"]')
    fi
}

# ---- set-up: two partners, the first owner, a server ----
"$BIN" db migrate --db "$db" >/dev/null
sqlite3 "$db" "INSERT INTO partners (id, kind, name, country, region, currency, created_at)
  VALUES ('$PA', 'direct', 'A', 'DE', 'europe', 'EUR', 0),
         ('$PB', 'direct', 'B', 'DE', 'europe', 'EUR', 0);"
"$BIN" users bootstrap --db "$db" --email Root@Example.com >"$tmp/boot" 2>&1
rc=$?
check "users bootstrap creates the first owner and prints password and TOTP URI once" \
    eval '[ "$rc" = 0 ] && grep -q "^password: ." "$tmp/boot" &&
          grep -q "^totp: otpauth://totp/cspd:root@example.com?secret=" "$tmp/boot"'
root_pw=$(sed -n 's/^password: //p' "$tmp/boot")
root_secret=$(secret_of <"$tmp/boot")
"$BIN" users bootstrap --db "$db" --email other@example.com >"$tmp/out" 2>&1
rc=$?
check "a second bootstrap is refused (already_bootstrapped)" \
    eval '[ "$rc" = 1 ] && grep -q already_bootstrapped "$tmp/out"'
"$BIN" users list --db "$db" >"$tmp/out"
check "users list shows the owner without MFA yet" \
    eval 'grep -q "root@example.com	owner	-	no-mfa	active" "$tmp/out"'

if ! start_server --secure-cookies --clock 2026-05-01T00:00:00Z; then
    ok 1 "server starts" "$(cat "$tmp/srv.err")"
    tap_done
fi

# ---- sign-in ----
# login CSRF: another site's form can post text/plain or urlencoded bodies, never JSON
body=$(python3 -c 'import json, sys; print(json.dumps({"email": sys.argv[1],
    "password": sys.argv[2]}))' root@example.com "$root_pw")
req POST /v1/sessions -H 'Content-Type: text/plain' -d "$body"
check "a sign-in posted as text/plain (a cross-site form) is 415, no session" \
    eval 'code_is 415 unsupported_media_type && [ -z "$(header Set-Cookie)" ] &&
          [ "$(json "d[\"error\"][\"field\"]")" = Content-Type ]'
req POST /v1/sessions -d "$body"
check "and so is one posted form-urlencoded" eval 'code_is 415 unsupported_media_type'
login root@example.com "$root_pw"
check "an owner without a TOTP code is refused: 401 mfa_required" eval 'code_is 401 mfa_required'
login root@example.com "wrong password here"
cp "$tmp/body" "$tmp/wrong_pw"
check "a wrong password is 401 invalid_credentials" eval 'code_is 401 invalid_credentials'
login nobody@example.com "wrong password here"
check "an unknown account gets the very same answer" \
    eval 'code_is 401 invalid_credentials && cmp -s "$tmp/body" "$tmp/wrong_pw"'
login root@example.com "$root_pw" 000000
check "a wrong TOTP code is 401 invalid_totp" eval 'code_is 401 invalid_totp'
code=$(totp "$root_secret")
login ROOT@example.com "$root_pw" "$code"
root_cookie=$cookie root_csrf=$csrf
check "owner signs in with password and TOTP: 201" \
    eval '[ "$status" = 201 ] && [ -n "$root_cookie" ] && [ ${#root_csrf} = 64 ]'
setc=$(header Set-Cookie)
check "the cookie is HttpOnly, SameSite=Strict, Secure, Path=/ with a lifetime" \
    eval 'echo "$setc" | grep -q "; HttpOnly" && echo "$setc" | grep -q "; SameSite=Strict" &&
          echo "$setc" | grep -q "; Secure" && echo "$setc" | grep -q "; Path=/" &&
          echo "$setc" | grep -q "; Max-Age=28800"'
check "the body carries the CSRF token, never the session token" \
    eval '! grep -q "$root_cookie" "$tmp/body" &&
          [ "$(json "d[\"user\"][\"mfa_enabled\"]")" = True ]'
login root@example.com "$root_pw" "$code"
check "the same TOTP code is not accepted twice" eval 'code_is 401 totp_replayed'

R=(-b "cspd_session=$root_cookie" -H "X-CSRF-Token: $root_csrf")
req GET /v1/me -b "cspd_session=$root_cookie"
check "GET /v1/me with the cookie: installation owner" \
    eval '[ "$status" = 200 ] && [ "$(json "d[\"scope\"]")" = installation ] &&
          [ "$(json "d[\"role\"]")" = owner ]'

# ---- 401 ----
req GET /v1/me
check "no credentials: 401 with WWW-Authenticate" \
    eval 'code_is 401 unauthorized && header WWW-Authenticate | grep -q Bearer'
req GET /v1/me -b "cspd_session=$(printf 'ab%.0s' $(seq 1 32))"
check "an unknown session cookie: 401 session_expired" eval 'code_is 401 session_expired'
req GET /v1/me -H "Authorization: Bearer cspd_$(printf '00%.0s' $(seq 1 32))"
check "an unknown API token: 401 invalid_token" eval 'code_is 401 invalid_token'
req GET /v1/me -H "Authorization: Basic cm9vdDpyb290"
check "another Authorization scheme: 401" eval '[ "$status" = 401 ]'

# ---- CSRF ----
req POST /v1/clock -b "cspd_session=$root_cookie" -d '{"now":"2026-06-01T00:00:00Z"}'
check "a cookie mutation without X-CSRF-Token: 403 csrf_failed" eval 'code_is 403 csrf_failed'
req POST /v1/clock -b "cspd_session=$root_cookie" -H "X-CSRF-Token: $(printf 'f%.0s' $(seq 64))" \
    -d '{"now":"2026-06-01T00:00:00Z"}'
check "a wrong CSRF token: 403 csrf_failed" eval 'code_is 403 csrf_failed'
req POST /v1/clock "${R[@]}" -d '{"now":"2026-06-01T00:00:00Z"}'
check "with the CSRF token the mutation runs" eval '[ "$status" = 200 ]'

# ---- users ----
mkuser() { # mkuser EMAIL ROLE PARTNER [CURL ARGS]: POST /v1/users as root
    local e=$1 r=$2 p=$3
    shift 3
    req POST /v1/users "${R[@]}" "$@" -d "{\"email\":\"$e\",\"role\":\"$r\",\"partner_id\":\"$p\"}"
}
mkuser sales@a.example sales $PA
a_sales_id=$(json 'd["user"]["id"]') a_sales_pw=$(json 'd["password"]')
check "POST /v1/users: 201 with a generated password, no TOTP for sales" \
    eval '[ "$status" = 201 ] && [ ${#a_sales_pw} = 20 ] && pyjson "\"otpauth_uri\" not in d"'
mkuser admin@a.example admin $PA
a_admin_id=$(json 'd["user"]["id"]') a_admin_pw=$(json 'd["password"]')
a_admin_secret=$(json 'd["otpauth_uri"]' | secret_of)
check "an admin gets a TOTP enrolment URI" eval '[ "$status" = 201 ] && [ -n "$a_admin_secret" ]'
mkuser admin@b.example admin $PB
b_admin_id=$(json 'd["user"]["id"]')
mkuser sales@a.example sales $PA
check "an e-mail address is taken once: 409 email_taken" eval 'code_is 409 email_taken'

login sales@a.example "$a_sales_pw"
S=(-b "cspd_session=$cookie" -H "X-CSRF-Token: $csrf")
check "a sales user signs in without TOTP" eval '[ "$status" = 201 ]'
login admin@a.example "$a_admin_pw"
check "an admin without TOTP is refused (mfa_required)" eval 'code_is 401 mfa_required'
login admin@a.example "$a_admin_pw" "$(totp "$a_admin_secret")"
AA=(-b "cspd_session=$cookie" -H "X-CSRF-Token: $csrf")
check "the admin signs in with TOTP" eval '[ "$status" = 201 ]'

# ---- 403 / 404 ----
req GET /v1/users "${S[@]}"
check "sales may not list users: 403" eval 'code_is 403 forbidden'
req GET "/v1/users/$a_admin_id" "${S[@]}"
check "sales asking for a user of its own partner: 403 (it may see it exists)" \
    eval 'code_is 403 forbidden'
req GET "/v1/users/$b_admin_id" "${S[@]}"
check "sales asking for another partner's user: 404" eval 'code_is 404 not_found'
req GET "/v1/users/$b_admin_id" "${AA[@]}"
check "admin of A asking for B's user: 404" eval 'code_is 404 not_found'
req GET "/v1/users/$a_sales_id" "${AA[@]}"
check "admin of A reads A's sales user" eval '[ "$status" = 200 ]'
req GET /v1/users "${AA[@]}"
check "admin of A lists only A's users" pyjson '(sorted(u["email"] for u in d["users"]) ==
    ["admin@a.example", "sales@a.example"])'
req POST /v1/users "${AA[@]}" -d "{\"email\":\"x@a.example\",\"role\":\"owner\"}"
check "an admin may not create an owner: 403" eval '[ "$status" = 403 ]'
req POST /v1/users "${AA[@]}" \
    -d "{\"email\":\"x@a.example\",\"role\":\"sales\",\"partner_id\":\"$PB\"}"
check "an admin may not create users of another partner: 404" eval '[ "$status" = 404 ]'

# ---- API tokens ----
req POST /v1/tokens "${AA[@]}" -d '{"role":"read_only","name":"reports"}'
tok=$(json 'd["secret"]') tok_id=$(json 'd["token"]["id"]')
check "POST /v1/tokens: 201, the secret shown once (cspd_ + 64 hex)" \
    eval '[ "$status" = 201 ] && echo "$tok" | grep -Eq "^cspd_[0-9a-f]{64}$" &&
          [ "$(json "d[\"token\"][\"partner_id\"]")" = "$PA" ]'
req GET /v1/tokens "${AA[@]}"
check "GET /v1/tokens lists it without any secret" \
    eval '[ "$status" = 200 ] && ! grep -q "$tok" "$tmp/body" && ! grep -q secret "$tmp/body" &&
          [ "$(json "d[\"tokens\"][0][\"last_used_at\"]")" = None ]'
req GET /v1/me -H "Authorization: Bearer $tok"
check "the token authenticates: partner A, read_only" \
    eval '[ "$status" = 200 ] && [ "$(json "d[\"credential\"]")" = token ] &&
          [ "$(json "d[\"partner_id\"]")" = "$PA" ] && [ "$(json "d[\"role\"]")" = read_only ]'
req GET /v1/tokens "${AA[@]}"
check "last_used_at is set once used" \
    eval '[ "$(json "d[\"tokens\"][0][\"last_used_at\"]")" != None ]'
req POST /v1/customers -H "Authorization: Bearer $tok" -d '{}'
check "a read_only token may not write: 403, and needs no CSRF token" eval '[ "$status" = 403 ]'
req GET /v1/tokens "${R[@]}"
check "B's admin does not see A's token; the installation does" \
    pyjson 'any(t["id"] == "'"$tok_id"'" for t in d["tokens"])'
req DELETE "/v1/tokens/$tok_id" "${AA[@]}"
check "DELETE /v1/tokens/{id} revokes it" \
    eval '[ "$status" = 200 ] && [ "$(json "d[\"revoked\"]")" = True ]'
req GET /v1/me -H "Authorization: Bearer $tok"
check "a revoked token is 401" eval 'code_is 401 invalid_token'

# ---- self-service TOTP ----
req POST /v1/me/totp "${S[@]}" -d '{}'
s_secret=$(json 'd["otpauth_uri"]' | secret_of)
check "POST /v1/me/totp returns an otpauth:// URI" eval '[ "$status" = 200 ] && [ -n "$s_secret" ]'
req POST /v1/me/totp/verify "${S[@]}" -d '{"totp":"000000"}'
check "a wrong code does not enrol (422)" eval '[ "$status" = 422 ]'
req POST /v1/me/totp/verify "${S[@]}" -d "{\"totp\":\"$(totp "$s_secret")\"}"
check "the right code enrols" eval '[ "$status" = 200 ]'
login sales@a.example "$a_sales_pw"
check "once enrolled, signing in needs TOTP too" eval 'code_is 401 mfa_required'

# ---- idempotency ----
req POST /v1/clock "${R[@]}" -H 'Idempotency-Key: move-1' -d '{"now":"2026-07-01T00:00:00Z"}'
first=$(cat "$tmp/body")
check "a keyed POST runs" eval '[ "$status" = 200 ] && [ -z "$(header Idempotent-Replayed)" ]'
req POST /v1/clock "${R[@]}" -H 'Idempotency-Key: move-2' -d '{"now":"2026-09-01T00:00:00Z"}'
req POST /v1/clock "${R[@]}" -H 'Idempotency-Key: move-1' -d '{"now":"2026-07-01T00:00:00Z"}'
check "the retry returns the first response, marked Idempotent-Replayed" \
    eval '[ "$status" = 200 ] && [ "$(cat "$tmp/body")" = "$first" ] &&
          [ "$(header Idempotent-Replayed)" = true ]'
req GET /v1/clock "${R[@]}"
check "... without running the handler again (the clock stayed in September)" \
    eval 'json "d[\"now\"]" | grep -q "^2026-09-01"'
req POST /v1/clock "${R[@]}" -H 'Idempotency-Key: move-1' -d '{"now":"2026-08-01T00:00:00Z"}'
check "the same key with another body: 409 idempotency_key_reused" \
    eval 'code_is 409 idempotency_key_reused'
req POST /v1/clock "${AA[@]}" -H 'Idempotency-Key: move-1' -d '{"now":"2026-07-01T00:00:00Z"}'
check "keys are per caller: another caller's move-1 is its own (403 here, no replay)" \
    eval '[ "$status" = 403 ] && [ -z "$(header Idempotent-Replayed)" ]'
mkuser idem@a.example read_only $PA -H 'Idempotency-Key: user-1'
check "a keyed POST /v1/users runs once" eval '[ "$status" = 201 ]'
mkuser idem@a.example read_only $PA -H 'Idempotency-Key: user-1'
check "its retry is not served from a copy of the password: 409" \
    eval 'code_is 409 idempotency_secret_not_replayed'
req POST /v1/clock "${R[@]}" -H 'Idempotency-Key: has space' -d '{}'
check "a malformed key is 422" eval '[ "$status" = 422 ]'

# ---- audit ----
req GET "/v1/audit?limit=500" "${R[@]}"
before=$(json 'len(d["entries"])')
check "the installation sees user, token and session rows" \
    pyjson '{"user.create", "token.create", "token.revoke", "session.create",
             "user.totp_confirm"} <= {e["action"] for e in d["entries"]}'
check "audit rows hold no password hash, TOTP seed or token" \
    eval '! grep -q "argon2" "$tmp/body" && ! grep -q "$s_secret" "$tmp/body" &&
          ! grep -q "$tok" "$tmp/body"'
req GET "/v1/audit?limit=500" "${AA[@]}"
check "admin of A sees A's rows only (not B's user)" \
    pyjson '(d["entries"] and all(e["partner_id"] == "'"$PA"'" for e in d["entries"]) and
            not any(e["object_id"] == "'"$b_admin_id"'" for e in d["entries"]))'
req GET /v1/audit -b "cspd_session=nothing"
check "GET /v1/audit needs credentials" eval '[ "$status" = 401 ]'
for m in PUT PATCH DELETE POST; do
    req "$m" /v1/audit "${R[@]}" -d '{}'
    check "$m /v1/audit is 405: the log is append-only" eval '[ "$status" = 405 ]'
done
req DELETE /v1/audit/1 "${R[@]}"
check "DELETE /v1/audit/1 does not exist (404)" eval '[ "$status" = 404 ]'
req GET "/v1/audit?limit=500" "${R[@]}"
check "no row went away" eval '[ "$(json "len(d[\"entries\"])")" -ge "$before" ]'
req GET "/v1/audit?limit=0" "${R[@]}"
check "limit is bounded (422)" eval '[ "$status" = 422 ]'

# ---- sign-out ----
req DELETE /v1/sessions/current -b "cspd_session=$root_cookie"
check "sign-out needs the CSRF token too" eval 'code_is 403 csrf_failed'
req DELETE /v1/sessions/current "${R[@]}"
check "DELETE /v1/sessions/current signs out and clears the cookie" \
    eval '[ "$status" = 200 ] && header Set-Cookie | grep -q "^cspd_session=; .*Max-Age=0"'
req GET /v1/me -b "cspd_session=$root_cookie"
check "the old cookie is dead" eval 'code_is 401 session_expired'

# ---- throttling (last: it leaves this address with failures) ----
# hammer EMAIL: wrong passwords until the answer is 429 (at most 12 tries); the delay grows
# with every counted failure, so this ends however slow the machine is.
hammer() {
    for _ in $(seq 1 12); do
        login "$1" "wrong password here"
        [ "$status" = 429 ] && return 0
        [ "$status" = 401 ] || return 1
    done
    return 1
}
hammer admin@b.example
check "repeated failures make the account wait: 429 too_many_attempts with Retry-After" \
    eval 'code_is 429 too_many_attempts && [ "$(header Retry-After)" -ge 1 ]'
hammer ghost@b.example
check "an unknown account is throttled the same way, with the same code" \
    eval 'code_is 429 too_many_attempts && [ "$(header Retry-After)" -ge 1 ]'

# ---- secrets never reach the log ----
check "no password, TOTP seed, cookie or token in the server log" \
    eval '! grep -qF "$root_pw" "$tmp/srv.err" && ! grep -qF "$a_sales_pw" "$tmp/srv.err" &&
          ! grep -qF "$root_secret" "$tmp/srv.err" && ! grep -qF "$root_cookie" "$tmp/srv.err" &&
          ! grep -qF "$tok" "$tmp/srv.err" && ! grep -qF "$root_csrf" "$tmp/srv.err"'

stop_server TERM
check "the server stops cleanly" eval '[ "$rc" = 0 ]'

tap_done
