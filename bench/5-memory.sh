#!/usr/bin/env bash
# bench/5-memory.sh — peak RSS of the recon import of a file 10x the recon bench's (issue 9,
# bench 5): the November file's lines ten times over (one header), imported into a copy of
# the book; measured by /usr/bin/time (getrusage ru_maxrss). Target: < 100 MB.
. "$(dirname "$0")/lib.sh"
[ -f "$DIR/nov.csv" ] || "$(dirname "$0")/1-recon.sh" >/dev/null
big="$DIR/nov10.csv"
if [ ! -f "$big" ]; then
    head -1 "$DIR/nov.csv" >"$big"
    for _ in 1 2 3 4 5 6 7 8 9 10; do tail -n +2 "$DIR/nov.csv" >>"$big"; done
fi
rows=$(($(wc -l <"$big") - 1))
rm -f "$DIR/mem.db"*
cp "$DIR/day.db" "$DIR/mem.db"
t0=$(now)
/usr/bin/time -f "%M" -o "$DIR/mem.rss" "$BIN" recon import "$big" --db "$DIR/mem.db" \
    >/dev/null 2>"$DIR/mem.err" || { cat "$DIR/mem.err"; exit 1; }
t1=$(now)
rss=$(( $(cat "$DIR/mem.rss") / 1024 ))
rm -f "$DIR/mem.db"*
say "$rows lines ($(du -m "$big" | cut -f1) MB) imported in $(elapsed "$t0" "$t1") s"
echo "recon import memory, $rows lines: peak RSS $rss MB; $(ratio "$rss" 100) x the 100 MB limit (< 1 is met)"
