#!/usr/bin/env bash
# tests/api/http.t — black-box tests of `cspd serve` over real HTTP (TAP on stdout).
#
# Starts "$CSPD_BIN" serve on 127.0.0.1 port 0 (the server prints the port it chose), under
# `timeout` so a stuck server stops by itself, and drives it with curl: probes, the error
# format (400/404/405/413/422/409), request ids, the access log, metrics, the OpenAPI
# document, and a clean exit on SIGTERM and SIGINT. JSON is checked with python3 (bootstrap).
# Routes past the probes need a caller: the installation's first owner is bootstrapped and
# signs in with a TOTP code computed in tap.sh (tests/api/auth.t covers authentication itself).
set -u

. "$(dirname "$0")/../lib/tap.sh" || exit 1

# is_error_exact STATUS CODE FIELD: is_error, and the error object holds nothing else.
is_error_exact() {
    is_error "$1" "$2" "$3" &&
        [ "$(json 'sorted(d["error"].keys())')" = "['code', 'field', 'message']" ]
}

# ---- start-up ----
bootstrap_owner
serve_or_bail "server starts on port 0 and prints the chosen port" \
    --clock 2026-05-01T00:00:00Z --max-body 1024

# ---- a signed-in caller: cookie jar plus CSRF token, in A=(...) for curl ----
sign_in_owner
check "the bootstrapped owner signs in" eval '[ "$status" = 201 ] && [ -n "$csrf" ]'

# ---- probes ----
req GET /healthz -H 'X-Request-Id: test-req-42'
check "GET /healthz is 200 {\"status\":\"ok\"}" \
    eval '[ "$status" = 200 ] && [ "$(json "d[\"status\"]")" = ok ]'
check "GET /healthz is application/json" \
    eval '[ "$(header Content-Type)" = application/json ]'
check "a sane X-Request-Id is echoed" eval '[ "$(header X-Request-Id)" = test-req-42 ]'

req GET /readyz
check "GET /readyz is 200 when the store answers" eval '[ "$status" = 200 ]'
check "a generated request id is req_ + 26 base32 characters" \
    eval 'header X-Request-Id | grep -Eq "^req_[a-z2-7]{26}$"'

req GET /healthz -H 'X-Request-Id: bad id with spaces'
check "an insane X-Request-Id is replaced" \
    eval 'header X-Request-Id | grep -Eq "^req_[a-z2-7]{26}$"'
req GET /healthz -H "X-Request-Id: $(printf 'a%.0s' $(seq 1 100))"
check "an over-long X-Request-Id is replaced" \
    eval 'header X-Request-Id | grep -Eq "^req_[a-z2-7]{26}$"'

check "HEAD /healthz is 200 without a body" python3 -c 'import http.client, sys
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=10)
c.request("HEAD", "/healthz")
r = c.getresponse()
sys.exit(0 if r.status == 200 and r.read() == b"" else 1)' "$port"

# ---- concurrency: 40 requests at once, all answered ----
for i in $(seq 1 40); do
    curl -s -o /dev/null -w '%{http_code}\n' "http://127.0.0.1:$port/healthz" >"$tmp/par.$i" &
done
wait_pids=$(jobs -p | grep -vx "$pid")
# shellcheck disable=SC2086
wait $wait_pids 2>/dev/null
check "40 concurrent requests are all answered 200" \
    eval '[ "$(cat "$tmp"/par.* | grep -c "^200$")" = 40 ]'

# ---- the clock ----
req GET /v1/clock "${A[@]}"
check "GET /v1/clock starts at --clock and runs on (offset)" \
    eval '[ "$status" = 200 ] && [ "$(json "d[\"kind\"]")" = offset ] &&
          json "d[\"now\"]" | grep -Eq "^2026-05-01T00:0[0-9]:[0-5][0-9]Z$"'

req POST /v1/clock "${A[@]}" -H 'Content-Type: application/json' -d '{"now":"2027-01-01T00:00:00Z"}'
check "POST /v1/clock moves the clock" \
    eval '[ "$status" = 200 ] && json "d[\"now\"]" | grep -q "^2027-01-01T00:00:0"'
req GET /v1/clock "${A[@]}"
check "GET /v1/clock shows the moved clock" \
    eval '[ "$status" = 200 ] && json "d[\"now\"]" | grep -q "^2027-01-01T00:0"'

req POST /v1/clock "${A[@]}" -d '{"now":"yesterday"}'
check "an invalid instant is 422 naming field now" eval 'is_error_exact 422 invalid now'
req POST /v1/clock "${A[@]}" -d '{}'
check "a missing field is 422 naming field now" eval 'is_error_exact 422 invalid now'
req POST /v1/clock "${A[@]}" -d '{"now":5}'
check "a field of the wrong type is 422 naming it" eval 'is_error_exact 422 invalid now'
req POST /v1/clock "${A[@]}" -d '{"now":"2027-01-01T00:00:00Z","speed":2}'
check "an unknown field is 422 naming it" eval 'is_error_exact 422 invalid speed'

# ---- body and JSON checks run before any handler ----
req POST /v1/clock "${A[@]}" -d '{"now":'
check "malformed JSON is 400 parse_error" eval 'is_error_exact 400 parse_error ""'
check "the parse error names line and column" \
    eval 'json "d[\"error\"][\"message\"]" | grep -q "line 1 column 7"'
req POST /v1/clock "${A[@]}" -d '{"now":"2027-01-01T00:00:00Z","now":"2028-01-01T00:00:00Z"}'
check "duplicate keys are 400 parse_error" eval 'is_error_exact 400 parse_error ""'
req POST /v1/clock "${A[@]}"
check "an empty body is 400 parse_error" eval 'is_error_exact 400 parse_error ""'
req POST /v1/clock "${A[@]}" -d '["now"]'
check "a body that is not an object is 422" eval 'is_error_exact 422 invalid ""'

head -c 4096 /dev/zero | tr '\0' x >"$tmp/big"
req POST /v1/clock --data-binary @"$tmp/big"
check "a 4 KiB body over --max-body 1024 is 413 JSON" eval 'is_error_exact 413 too_big ""'
req POST /v1/clock -H 'Transfer-Encoding: chunked' --data-binary @"$tmp/big"
check "a chunked 4 KiB body (no length) is 413 JSON too" eval 'is_error_exact 413 too_big ""'
head -c 900 /dev/zero | tr '\0' ' ' >"$tmp/small"
printf '{"now":"2027-06-01T00:00:00Z"}' >>"$tmp/small"
req POST /v1/clock "${A[@]}" --data-binary @"$tmp/small"
check "a body just under the cap is accepted" eval '[ "$status" = 200 ]'

# ---- routing errors ----
req GET /no/such/route
check "an unknown route is 404 JSON" eval 'is_error_exact 404 not_found ""'
req GET /healthz/
check "a trailing slash is not an alias (404)" eval 'is_error_exact 404 not_found ""'
req DELETE /v1/clock "${A[@]}"
check "a wrong method is 405 JSON" eval 'is_error_exact 405 method_not_allowed ""'
check "405 carries an Allow header with GET and POST" \
    eval 'header Allow | grep -q "GET" && header Allow | grep -q "POST"'
req POST /healthz -d '{}'
check "POST on a GET route is 405 even with a body" eval 'is_error_exact 405 method_not_allowed ""'

# ---- OpenAPI ----
req GET /v1/openapi.json
check "GET /v1/openapi.json is 200 valid JSON, OpenAPI 3.1" \
    eval '[ "$status" = 200 ] && json "d[\"openapi\"]" | grep -q "^3\.1\."'
check "openapi.json lists the probe and clock routes (the unit test checks all)" pyjson '
{"/healthz get", "/metrics get", "/readyz get", "/v1/clock get", "/v1/clock post",
 "/v1/openapi.json get"} <= {p + " " + m for p in d["paths"] for m in d["paths"][p]}'
check "every operation has operationId, summary, role, tenancy and responses" pyjson '
all(all(k in op for k in ("operationId", "summary", "x-cspd-role", "x-cspd-tenancy",
                          "responses"))
    for item in d["paths"].values() for op in item.values())'
check "POST /v1/clock documents its request body" pyjson '(
    d["paths"]["/v1/clock"]["post"]["requestBody"]["content"]["application/json"]
     ["schema"]["required"] == ["now"])'

# ---- metrics ----
req GET /metrics
# body_has REGEX: the last body has a line matching the extended regular expression.
body_has() { grep -Eq "$1" "$tmp/body"; }
total='^cspd_http_requests_total'
hist='^cspd_http_request_duration_seconds'
check "GET /metrics is 200 Prometheus text" \
    eval '[ "$status" = 200 ] && header Content-Type | grep -q "^text/plain"'
check "metrics count requests per route, method and status" \
    body_has "$total\\{route=\"/healthz\",method=\"GET\",status=\"200\"\\} [1-9]"
check "metrics count 413s on the route pattern" \
    body_has "$total\\{route=\"/v1/clock\",method=\"POST\",status=\"413\"\\} 2$"
check "unknown paths are counted as route=\"unmatched\"" \
    body_has "$total\\{route=\"unmatched\",method=\"GET\",status=\"404\"\\} [1-9]"
check "raw paths never become labels" eval '! body_has "no/such"'
check "metrics declare the duration histogram" \
    body_has "^# TYPE cspd_http_request_duration_seconds histogram$"
check "the histogram has buckets up to +Inf" \
    body_has "${hist}_bucket\\{route=\"/healthz\",method=\"GET\",le=\"\\+Inf\"\\} [1-9]"
check "the histogram has sum and count" \
    eval 'body_has "${hist}_sum\\{route=\"/healthz\"" &&
          body_has "${hist}_count\\{route=\"/healthz\""'

# ---- access log ----
check "access log: one JSON line per request with method, path, status, duration, id" \
    python3 -c 'import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
hits = [l for l in lines if l.get("msg") == "request" and l.get("req") == "test-req-42"]
ok = len(hits) == 1 and hits[0]["method"] == "GET" and hits[0]["path"] == "/healthz" \
    and hits[0]["status"] == "200" and float(hits[0]["duration_ms"]) >= 0
sys.exit(0 if ok else 1)' "$tmp/srv.err"

# ---- shutdown ----
stop_server TERM
check "SIGTERM stops the server with exit status 0" eval '[ "$rc" = 0 ]'
check "the log says it stopped" eval 'grep -q "\"msg\":\"stopped\"" "$tmp/srv.err"'

# ---- a server on the real clock ----
if start_server; then
    req POST /v1/clock "${A[@]}" -d '{"now":"2027-01-01T00:00:00Z"}'
    check "the real clock cannot be moved (409 clock_is_real)" \
        eval 'is_error_exact 409 clock_is_real now'
    req GET /v1/clock "${A[@]}"
    check "GET /v1/clock reports the real clock" eval '[ "$(json "d[\"kind\"]")" = real ]'
    stop_server INT
    check "SIGINT stops the server with exit status 0" eval '[ "$rc" = 0 ]'
else
    ok 1 "second server starts" "$(cat "$tmp/srv.err")"
fi

# ---- usage errors ----
"$BIN" serve --bogus >"$tmp/out" 2>"$tmp/err"
rc=$?
check "an unknown flag is exit 2 with a one-line error" \
    eval '[ "$rc" = 2 ] && [ "$(wc -l <"$tmp/err")" = 1 ] && grep -q -- "--bogus" "$tmp/err"'
"$BIN" serve --listen nonsense >"$tmp/out" 2>"$tmp/err"
rc=$?
check "a --listen without a port is exit 2" eval '[ "$rc" = 2 ] && grep -q listen "$tmp/err"'
"$BIN" serve --listen 127.0.0.1:99999 >"$tmp/out" 2>"$tmp/err"
rc=$?
check "a --listen port above 65535 is exit 2" eval '[ "$rc" = 2 ]'
"$BIN" serve --listen example.com:80 >"$tmp/out" 2>"$tmp/err"
rc=$?
check "a --listen host name is exit 2 (numeric addresses only)" eval '[ "$rc" = 2 ]'
"$BIN" serve --clock tomorrow --listen 127.0.0.1:0 >"$tmp/out" 2>"$tmp/err"
rc=$?
check "a bad --clock is exit 2" eval '[ "$rc" = 2 ]'
"$BIN" serve --max-body 12k --listen 127.0.0.1:0 >"$tmp/out" 2>"$tmp/err"
rc=$?
check "a bad --max-body is exit 2" eval '[ "$rc" = 2 ]'

tap_done
