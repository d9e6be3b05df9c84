# tests/lib/tap.sh — the shared harness of the black-box test scripts (tests/*.t, tests/*/*.t).
# Bash only; sourced, never run (not executable, not *.t, so prove never picks it up):
#
#     set -u
#     . "$(dirname "$0")/../lib/tap.sh" || exit 1     # from tests/api/; tests/*.t: /lib/tap.sh
#
# Sourcing it sets (a script may read them; it may change `db` before using it):
#   BIN      the binary under test: $CSPD_BIN, else ./cspd
#   tmp      a fresh directory, ${TMPDIR:-/tmp}/cspd-NAME.XXXXXX (NAME: the script's, no .t)
#   db       "$tmp/t.db": the database start_server and bootstrap_owner use
#   n        the number of test lines printed so far
#   failed   1 once a test line was "not ok", else 0
#   pid      the running server's pid (empty: none); port: its port
# and an EXIT trap (tap_cleanup) that stops a server still running and removes $tmp.
# serve_timeout (unset: 120) is how many seconds `timeout` gives each server.
#
# TAP
#   ok STATUS DESCRIPTION [DIAGNOSTIC]
#       one test line: "ok N - DESCRIPTION" when STATUS is 0, else "not ok N - DESCRIPTION"
#       followed by DIAGNOSTIC (when given), every line as a "#   " comment, and failed=1.
#   check DESCRIPTION COMMAND [ARGS...]
#       runs COMMAND (e.g. eval '...'); one test line from its exit status; when it fails, the
#       diagnostic is last_exchange.
#   last_exchange
#       prints the last HTTP exchange: "status: S", the response headers, 800 bytes of body.
#   plan N
#       prints the plan "1..N" now (for scripts that know their count); tap_done then does not.
#   tap_done
#       prints the plan "1..$n" (unless plan printed one) and exits: 0 if every test line was
#       ok, else 1. Also the way out after a fatal "not ok" (e.g. the server did not start).
#
# The command line
#   run WANT ARGS...
#       runs "$BIN" ARGS with stdout in $tmp/out and stderr in $tmp/err; true when the exit
#       status is WANT, else prints "# cspd ARGS: exit GOT, want WANT" and both outputs as
#       comments and returns 1.
#   has FILE TEXT
#       true when FILE holds the fixed string TEXT; else prints "# missing in FILE: TEXT" and
#       FILE as comments and returns 1.
#
# A server (always 127.0.0.1 on a free port, always under `timeout`)
#   start_server [FLAGS...]
#       starts `timeout $serve_timeout "$BIN" serve --listen 127.0.0.1:0 --db "$db" FLAGS` in
#       the background (stdout in $tmp/srv.out, stderr, the JSON log, in $tmp/srv.err, both
#       emptied first), sets pid, and waits up to 30 s for "listening on 127.0.0.1:PORT" to
#       set port. Returns 1 if the server exits or never says so.
#   serve_or_bail DESCRIPTION [FLAGS...]
#       start_server FLAGS; then one test line "DESCRIPTION ($port)", or on failure
#       "not ok DESCRIPTION" with the server's output and $tmp/boot, and tap_done (exit 1).
#   stop_server SIGNAL
#       sends SIGNAL (TERM, INT) to the server, waits for it, sets rc to its exit status and
#       clears pid.
#
# HTTP (to the server on $port; JSON through python3)
#   req METHOD PATH [CURL ARGS...]
#       sets status (the HTTP status; 000 when nothing answered); body in $tmp/body, headers in
#       $tmp/hdr.
#   json EXPR
#       prints the Python expression EXPR evaluated over the last body parsed as `d`
#       (print(): strings bare, True, None, ['a']); prints nothing if the body is not JSON or
#       EXPR raises. A script may redefine json (tests/api/catalog.t does); the helpers here
#       read only strings through it.
#   pyjson EXPR
#       true when the Python expression EXPR over the last body (as `d`) is true.
#   header NAME
#       prints the value of response header NAME (case-insensitive) of the last request.
#   error_is STATUS CODE FIELD
#       the last reply has HTTP status STATUS, error.code CODE and error.field FIELD.
#   is_error STATUS CODE FIELD
#       error_is, and error.message is not empty.
#
# Signing in
#   totp SECRET
#       prints the current 6-digit TOTP code (RFC 6238: SHA-1, 30 s) of the base32 SECRET.
#   bootstrap_owner
#       `cspd users bootstrap` of op@example.com into "$db"; its output (password, TOTP URI)
#       in $tmp/boot.
#   sign_in_owner
#       POST /v1/sessions as that owner (password and TOTP code from $tmp/boot), the cookie
#       in the jar $tmp/jar; sets status, csrf (the reply's csrf_token) and the array
#       A=(-b JAR -H "X-CSRF-Token: $csrf") of curl arguments for the owner's requests.
#   op METHOD PATH [JSON]
#       req as the owner ("${A[@]}"); with JSON, sent as the application/json body.
#   as TOKEN METHOD PATH [JSON]
#       req with "Authorization: Bearer TOKEN"; with JSON, sent as the application/json body.

BIN=${CSPD_BIN:-./cspd}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cspd-$(basename "$0" .t).XXXXXX") || exit 1
db="$tmp/t.db"
pid=""
port=""
n=0
failed=0
tap_planned=0

tap_cleanup() {
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    fi
    rm -rf "$tmp"
}
trap tap_cleanup EXIT

# ---- TAP ----

ok() {
    n=$((n + 1))
    if [ "$1" = 0 ]; then
        echo "ok $n - $2"
    else
        echo "not ok $n - $2"
        [ -n "${3:-}" ] && printf '%s\n' "$3" | sed 's/^/#   /'
        failed=1
    fi
}

check() {
    local desc=$1
    shift
    if "$@"; then ok 0 "$desc"; else ok 1 "$desc" "$(last_exchange)"; fi
}

last_exchange() {
    echo "status: ${status:-}"
    [ -f "$tmp/hdr" ] && cat "$tmp/hdr"
    [ -f "$tmp/body" ] && head -c 800 "$tmp/body"
}

plan() {
    echo "1..$1"
    tap_planned=1
}

tap_done() {
    [ "$tap_planned" = 1 ] || echo "1..$n"
    [ "$failed" = 0 ] && exit 0
    exit 1
}

# ---- the command line ----

run() {
    local want=$1 got
    shift
    "$BIN" "$@" >"$tmp/out" 2>"$tmp/err"
    got=$?
    if [ "$got" -ne "$want" ]; then
        echo "# cspd $*: exit $got, want $want"
        sed 's/^/#   /' "$tmp/out" "$tmp/err"
        return 1
    fi
    return 0
}

has() {
    grep -qF -- "$2" "$1" || { echo "# missing in $1: $2"; sed 's/^/#   /' "$1"; return 1; }
}

# ---- a server ----

start_server() {
    : >"$tmp/srv.out"
    : >"$tmp/srv.err"
    timeout "${serve_timeout:-120}" "$BIN" serve --listen 127.0.0.1:0 --db "$db" "$@" \
        >"$tmp/srv.out" 2>"$tmp/srv.err" &
    pid=$!
    port=""
    for _ in $(seq 1 300); do
        port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9][0-9]*\)$/\1/p' "$tmp/srv.out")
        [ -n "$port" ] && return 0
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

serve_or_bail() {
    local desc=$1
    shift
    if start_server "$@"; then
        ok 0 "$desc ($port)"
    else
        ok 1 "$desc" "$(cat "$tmp/srv.out" "$tmp/srv.err" "$tmp/boot" 2>/dev/null)"
        tap_done
    fi
}

stop_server() {
    kill "-$1" "$pid" 2>/dev/null
    wait "$pid"
    rc=$?
    pid=""
}

# ---- HTTP ----

req() {
    local method=$1 path=$2
    shift 2
    status=$(curl -s -o "$tmp/body" -D "$tmp/hdr" -w '%{http_code}' -X "$method" "$@" \
        "http://127.0.0.1:$port$path")
}

json() {
    python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(eval(sys.argv[2]))' "$tmp/body" "$1" 2>/dev/null
}

pyjson() {
    python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if eval(sys.argv[2]) else 1)' "$tmp/body" "$1" 2>/dev/null
}

header() {
    tr -d '\r' <"$tmp/hdr" | awk -v h="$(echo "$1" | tr 'A-Z' 'a-z')" -F': ' \
        'tolower($1) == h { sub(/^[^:]*: /, ""); print; exit }'
}

error_is() {
    [ "$status" = "$1" ] && [ "$(json 'd["error"]["code"]')" = "$2" ] &&
        [ "$(json 'd["error"]["field"]')" = "$3" ]
}

is_error() {
    error_is "$1" "$2" "$3" && [ -n "$(json 'd["error"]["message"]')" ]
}

# ---- signing in ----

totp() {
    python3 -c 'import base64, hmac, struct, sys, time
k = base64.b32decode(sys.argv[1] + "=" * (-len(sys.argv[1]) % 8))
h = hmac.new(k, struct.pack(">Q", int(time.time()) // 30), "sha1").digest()
o = h[-1] & 15
print("%06d" % ((struct.unpack(">I", h[o:o + 4])[0] & 0x7fffffff) % 1000000))' "$1"
}

bootstrap_owner() {
    "$BIN" users bootstrap --db "$db" --email op@example.com >"$tmp/boot" 2>&1
}

sign_in_owner() {
    local code
    code=$(totp "$(sed -n 's/.*secret=\([A-Z2-7]*\).*/\1/p' "$tmp/boot")")
    req POST /v1/sessions -c "$tmp/jar" -H 'Content-Type: application/json' \
        -d "{\"email\":\"op@example.com\",\"password\":\"$(
        sed -n 's/^password: //p' "$tmp/boot")\",\"totp\":\"$code\"}"
    csrf=$(json 'd["csrf_token"]')
    A=(-b "$tmp/jar" -H "X-CSRF-Token: $csrf")
}

op() {
    if [ $# -ge 3 ]; then
        req "$1" "$2" "${A[@]}" -H 'Content-Type: application/json' -d "$3"
    else
        req "$1" "$2" "${A[@]}"
    fi
}

as() {
    local tok=$1
    shift
    if [ $# -ge 3 ]; then
        req "$1" "$2" -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' \
            -d "$3"
    else
        req "$1" "$2" -H "Authorization: Bearer $tok"
    fi
}
