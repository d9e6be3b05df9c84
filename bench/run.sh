#!/usr/bin/env bash
# bench/run.sh — run every benchmark of issue 9 (`make bench`; never part of `make check`).
# Each prints its details indented and its figure and ratio to the baseline on its last line.
# BENCH_SCALE=0.01 for a quick run (default 1: the issue's sizes); BENCH_ONLY="1 3" runs some;
# BENCH_DIR=dir keeps the work files (the seeded book is reused by a later run with the same
# scale). See docs/bench.md; results go in bench/RESULTS.md by hand.
set -u
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "${BENCH_DIR:-}" ]; then
    BENCH_DIR=$(mktemp -d "${TMPDIR:-/tmp}/cspd-bench.XXXXXX")
    trap 'rm -rf "$BENCH_DIR"' EXIT
fi
export BENCH_DIR
mkdir -p "$BENCH_DIR"
echo "cspd bench: scale ${BENCH_SCALE:-1}, work files in $BENCH_DIR"
status=0
for b in 3-day 2-close 1-recon 5-memory 4-api; do
    case " ${BENCH_ONLY:-1 2 3 4 5} " in *" ${b%%-*} "*) ;; *) continue ;; esac
    echo "== bench/$b"
    "$here/$b.sh" || { echo "bench/$b: FAILED"; status=1; }
done
exit $status
