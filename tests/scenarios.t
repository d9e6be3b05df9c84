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
if [ "$n" -eq 0 ]; then
    echo "1..0 # SKIP no scenario files"
    exit 0
fi
echo "1..$n"

out=$(mktemp) || exit 1
trap 'rm -f "$out"' EXIT
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
