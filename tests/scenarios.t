#!/bin/sh
# tests/scenarios.t — every billing scenario through `cspd scenario run`, one TAP line per file:
# the shared fixtures (../shared/fixtures/scenarios/*.json, relative to the repository root,
# when that directory exists) and the hand-worked tests/scenarios/*.json.
#
# All files go to one cspd invocation (one migrated store, emptied between files); its
# "ok FILE" / "FAIL FILE" lines become TAP lines and its indented diff lines TAP comments. A file
# the run never reports (a crash under the sanitizers) is "not ok".
set -u
cd "$(dirname "$0")/.." || exit 1
BIN=${CSPD_BIN:-./cspd}

files=""
if [ -d ../shared/fixtures/scenarios ]; then
    for f in ../shared/fixtures/scenarios/*.json; do
        [ -e "$f" ] && files="$files $f"
    done
fi
for f in tests/scenarios/*.json; do
    [ -e "$f" ] && files="$files $f"
done

n=0
for f in $files; do n=$((n + 1)); done
echo "1..$((n + 3))"

out=$(mktemp) || exit 1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$out" "$tmp"' EXIT
# shellcheck disable=SC2086
"$BIN" scenario run $files >"$out" 2>&1
rc=$?

i=0
for f in $files; do
    i=$((i + 1))
    if grep -qxF "ok $f" "$out"; then
        echo "ok $i - $f"
    elif grep -qxF "FAIL $f" "$out"; then
        echo "not ok $i - $f"
        # the indented lines after this file's FAIL line, as TAP comments
        awk -v head="FAIL $f" '
            $0 == head { on = 1; next }
            on && /^  / { print "# " $0; next }
            { on = 0 }' "$out"
    else
        echo "not ok $i - $f (not reported; cspd exited $rc)"
        sed 's/^/# /' "$out" | tail -5
    fi
done

# The command's contract on files that are not right (exit 2 invalid, 1 mismatch).
cat >"$tmp/invalid.json" <<'JSON'
{"market": "US", "currency": "USD", "prices": [],
 "steps": [{"at": "2026-01-10T09:00:00Z", "do": "order", "sub": "S1", "sku": "X",
            "term": "P1Y", "billing": "monthly", "quantity": 2.5}],
 "expect": {"charges": [], "refusals": [], "state": []}}
JSON
"$BIN" scenario run "$tmp/invalid.json" >"$tmp/o" 2>&1
rc=$?
if [ $rc -eq 2 ] && grep -q 'steps\[0\].quantity: must be a whole number' "$tmp/o"; then
    echo "ok $((n + 1)) - an invalid file exits 2 naming the place"
else
    echo "not ok $((n + 1)) - an invalid file exits 2 naming the place (exit $rc)"
    sed 's/^/# /' "$tmp/o"
fi

cat >"$tmp/mismatch.json" <<'JSON'
{"market": "US", "currency": "USD",
 "prices": [{"sku": "X", "term": "P1M", "billing": "monthly", "unit_price": "10.00",
             "effective_from": "2026-01-01"}],
 "steps": [{"at": "2026-01-10T09:00:00Z", "do": "order", "sub": "S1", "sku": "X",
            "term": "P1M", "billing": "monthly", "quantity": 2},
           {"until": "2026-01-20T00:00:00Z"}],
 "expect": {"charges": [{"sub": "S1", "charge_type": "new", "subtotal": "20.01"}],
            "refusals": [], "state": [{"sub": "S1", "status": "active"}]}}
JSON
"$BIN" scenario run "$tmp/mismatch.json" >"$tmp/o" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q '^FAIL ' "$tmp/o" && grep -q 'differs in: subtotal' "$tmp/o" &&
    grep -q '^0 passed, 1 failed$' "$tmp/o"; then
    echo "ok $((n + 2)) - a mismatch exits 1 with a diff naming the differing key"
else
    echo "not ok $((n + 2)) - a mismatch exits 1 with a diff (exit $rc)"
    sed 's/^/# /' "$tmp/o"
fi

"$BIN" scenario run --print "$tmp/mismatch.json" >"$tmp/o" 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -q '"subtotal": "20"' "$tmp/o"; then
    echo "ok $((n + 3)) - --print shows the computed lines"
else
    echo "not ok $((n + 3)) - --print shows the computed lines (exit $rc)"
    sed 's/^/# /' "$tmp/o"
fi
