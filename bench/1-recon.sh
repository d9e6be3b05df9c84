#!/usr/bin/env bash
# bench/1-recon.sh — recon import (issue 9, bench 1): Microsoft's invoice reconciliation file
# (written by `cspd recon write`: io/recon_write.c) parsed, validated, stored and matched
# against cspd's charge lines by `cspd recon import`.
# Baselines in the same run, on the same file:
#   sqlite3   the sqlite3 CLI's `.import --csv` into a fresh database (parse + store only);
#   pandas    read_csv of the file and of cspd's charges of the same period, merge on the
#             match key and compare the amounts (what the import's matching does, below),
#             Debian's python3-pandas.
# Targets: >= 1/3 of sqlite3's rows/s and >= 20x pandas' rows/s.
#
# Two files, each timed beside its own baselines (docs/bench.md, "The recon import's shape"):
#   recon.csv  THE FIGURE: a billing period's file as Microsoft sends it. Every charge of the
#              period [FROM, 2026-11-30], FROM being the latest start date from which the book
#              holds at least N charges to the end of November, imported with --from FROM
#              --to 2026-11-30, so the period considered is the file's. A small share of
#              differences, fixed by position: 1 % of the charges left out (only in cspd),
#              3 % with Subtotal and Total 1-3 units higher (amount differs), 1 % extra lines
#              with one seat more and 0.2 % extra lines of a subscription cspd does not know
#              (only in Microsoft).
#   nov.csv    the second figure, the shape of the results before 2026-11-23 (night, 2): the
#              first N lines of October and November's file matched against all of October
#              and November, so every other charge of those months (~54 % at 1/10 scale)
#              becomes an only-in-cspd line: 2.2 rows stored per file line.
# Each import runs on a fresh copy of bench 3's day.db, brought to the binary's schema
# (`cspd db migrate`) and synced before the clock starts: a book seeded by an older build
# would otherwise time the migrations too.
. "$(dirname "$0")/lib.sh"
[ -f "$DIR/day.db" ] || "$(dirname "$0")/3-day.sh" >/dev/null
END=2026-11-30
if [ ! -f "$DIR/nov.csv" ]; then
    "$BIN" recon write --from 2026-10-01 --to $END --invoice G2026110001 \
        --out "$DIR/octnov.csv" --db "$DIR/day.db" >/dev/null
    head -n $((N + 1)) "$DIR/octnov.csv" >"$DIR/nov.csv"
    rm -f "$DIR/octnov.csv"
fi
if [ ! -f "$DIR/recon.csv" ] || [ ! -f "$DIR/recon.from" ]; then
    from=$(sqlite3 "$DIR/day.db" "SELECT COALESCE((SELECT d FROM (SELECT start_date AS d,
        SUM(COUNT(*)) OVER (ORDER BY start_date DESC) AS c FROM charges
        WHERE start_date <= '$END' GROUP BY start_date) WHERE c >= $N ORDER BY d DESC LIMIT 1),
        (SELECT MIN(start_date) FROM charges))")
    "$BIN" recon write --from "$from" --to $END --invoice G2026110001 \
        --out "$DIR/period.csv" --db "$DIR/day.db" >/dev/null
    cat >"$DIR/differ.py" <<'PY'
# The period's file with a small, fixed share of differences (bench/1-recon.sh).
import csv
import sys
from decimal import Decimal

with open(sys.argv[1], newline="", encoding="utf-8-sig") as f, \
        open(sys.argv[2], "w", newline="", encoding="utf-8-sig") as g:
    r = csv.reader(f)
    w = csv.writer(g, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    head = next(r)
    w.writerow(head)
    col = {n: i for i, n in enumerate(head)}
    for i, row in enumerate(r):
        k = i % 100
        if k == 7:                   # 1 %: Microsoft did not bill it (only in cspd)
            continue
        if k in (13, 47, 81):        # 3 %: 1-3 units more (amount differs; whole units,
            d = Decimal((i // 100) % 3 + 1)  # so also in currencies without cents)
            for c in ("Subtotal", "Total"):
                row[col[c]] = str(Decimal(row[col[c]]) + d)
        w.writerow(row)
        if k == 29:                  # 1 %: one seat more than cspd's (only in Microsoft)
            x = list(row)
            for c in ("Quantity", "BillableQuantity"):
                x[col[c]] = str(Decimal(x[col[c]]) + 1)
            w.writerow(x)
        if i % 500 == 3:             # 0.2 %: a subscription cspd does not know
            x = list(row)
            x[col["SubscriptionId"]] = "00000000-0000-4000-8000-%012d" % i
            w.writerow(x)
PY
    "$PY" "$DIR/differ.py" "$DIR/period.csv" "$DIR/recon.csv"
    rm -f "$DIR/period.csv"
    echo "$from" >"$DIR/recon.from"
fi
FROM=$(cat "$DIR/recon.from")

# Each timed command runs under /usr/bin/time: wall seconds (the figures and ratios, as the
# issue asks) and CPU seconds user+sys (printed beside them: on a shared, loaded machine the
# CPU ratio is the steadier one).
timed() { # OUT-FILE COMMAND...: runs it, writes "wall cpu maxrss_kb" to OUT-FILE
    local out=$1
    shift
    /usr/bin/time -f "%e %U %S %M" -o "$out.t" "$@"
    awk '{ printf "%s %.2f %d\n", $1, $2 + $3, $4 }' "$out.t" >"$out"
}
wall() { cut -d' ' -f1 "$1"; }
cpu() { cut -d' ' -f2 "$1"; }

# pandas read_csv + merge doing the same matching: the key is cspd's (subscription, charge
# type in any case, start, end, |BillableQuantity|, sign of the amount, else of the EUP, else
# of the quantity); lines sharing a key pair off in order, each charge taken once; amounts
# equal to the cent. (The file cspd wrote carries cspd's subscription ids: no map needed.)
cat >"$DIR/match.py" <<'PY'
import sys
import numpy as np
import pandas as pd
ms = pd.read_csv(sys.argv[1], dtype=str, encoding="utf-8-sig", keep_default_na=False)
cs = pd.read_csv(sys.argv[2], dtype=str, keep_default_na=False)
def sign(amount, eup, qty):
    s = np.sign(amount)
    s = np.where(s == 0, np.sign(eup), s)
    s = np.where(s == 0, np.sign(qty), s)
    return np.where(s == 0, 1, s).astype(int)
qcol = "BillableQuantity" if "BillableQuantity" in ms.columns else "Quantity"
mq = ms[qcol].astype(float)
ms["amount"] = ms["Subtotal"].astype(float)
ms["sub"] = ms["SubscriptionId"]
ms["type"] = ms["ChargeType"].str.lower()
ms["start"] = pd.to_datetime(ms["ChargeStartDate"], format="%m/%d/%Y").dt.strftime("%Y-%m-%d")
ms["end"] = pd.to_datetime(ms["ChargeEndDate"], format="%m/%d/%Y").dt.strftime("%Y-%m-%d")
ms["qty"] = mq.abs()
ms["sign"] = sign(ms["amount"], ms["EffectiveUnitPrice"].astype(float), mq)
cq = cs["quantity"].astype(float)
cs["amount"] = cs["amount"].astype(float)
cs["sub"] = cs["subscription_id"]
cs["type"] = cs["charge_type"].str.lower()
cs["start"] = cs["start_date"]
cs["end"] = cs["end_date"]
cs["qty"] = cq.abs()
cs["sign"] = sign(cs["amount"], cs["effective_unit_price"].astype(float), cq)
key = ["sub", "type", "start", "end", "qty", "sign"]
ms["n"] = ms.groupby(key).cumcount()
cs = cs.sort_values("id")
cs["n"] = cs.groupby(key).cumcount()
m = ms[key + ["n", "amount"]].merge(cs[key + ["n", "amount"]], how="outer", on=key + ["n"],
                                    indicator=True, suffixes=("_ms", "_cs"))
both = m[m["_merge"] == "both"]
differs = (both["amount_ms"].round(2) - both["amount_cs"].round(2)).abs() > 0.005
print(f"{len(both) - int(differs.sum())} matched, {int(differs.sum())} differ, "
      f"{int((m['_merge'] == 'left_only').sum())} only Microsoft, "
      f"{int((m['_merge'] == 'right_only').sum())} only cspd")
PY

# race FILE FROM TO [--period]: the import of FILE (with --from/--to when --period) and its
# two baselines; prints the details and sets RC RS RP (rows/s) and CC CS CP (CPU seconds).
race() {
    local file=$1 from=$2 to=$3 rows out dc ds dp pd
    local popt=()
    [ "${4:-}" = --period ] && popt=(--from "$from" --to "$to")
    rows=$(($(wc -l <"$file") - 1))
    ROWS=$rows
    say "file $(basename "$file"): $rows lines, $(du -m "$file" | cut -f1) MB"

    # cspd, on a fresh copy of the book at the binary's schema, synced
    rm -f "$DIR/recon.db"*
    cp "$DIR/day.db" "$DIR/recon.db"
    "$BIN" db migrate --db "$DIR/recon.db" >/dev/null
    sync "$DIR/recon.db"*
    out=$(timed "$DIR/t.cspd" "$BIN" recon import "$file" "${popt[@]}" --db "$DIR/recon.db" \
        2>/dev/null)
    say "$(printf '%s' "$out" | tail -1 | sed 's/^ *//')"
    say "rows stored: $(sqlite3 "$DIR/recon.db" "SELECT COUNT(*) FROM recon_lines")"
    dc=$(wall "$DIR/t.cspd")
    say "cspd recon import: $dc s, $(rate "$rows" "$dc") rows/s, CPU $(cpu "$DIR/t.cspd") s, peak RSS $(( $(cut -d' ' -f3 "$DIR/t.cspd") / 1024 )) MB"

    # sqlite3 .import into a fresh database
    rm -f "$DIR/sq.db"
    timed "$DIR/t.sq" sqlite3 "$DIR/sq.db" ".import --csv $file recon"
    ds=$(wall "$DIR/t.sq")
    say "sqlite3 .import: $ds s, $(rate "$rows" "$ds") rows/s, CPU $(cpu "$DIR/t.sq") s"

    # pandas, against cspd's charges of the same period
    sqlite3 -header -csv "$DIR/day.db" "SELECT id, subscription_id, charge_type, start_date,
        end_date, quantity, effective_unit_price, COALESCE(billing_subtotal, subtotal) AS amount
        FROM charges WHERE start_date BETWEEN '$from' AND '$to'" >"$DIR/charges.csv"
    pd=$(timed "$DIR/t.pd" "$PY" "$DIR/match.py" "$file" "$DIR/charges.csv")
    dp=$(wall "$DIR/t.pd")
    say "pandas read_csv + merge: $dp s, $(rate "$rows" "$dp") rows/s, CPU $(cpu "$DIR/t.pd") s ($pd)"

    RC=$(rate "$rows" "$dc"); RS=$(rate "$rows" "$ds"); RP=$(rate "$rows" "$dp")
    CC=$(cpu "$DIR/t.cspd"); CS=$(cpu "$DIR/t.sq"); CP=$(cpu "$DIR/t.pd")
    say "ratios: $(ratio "$RC" "$RS") x sqlite3, $(ratio "$RC" "$RP") x pandas; CPU ratios: $(ratio "$CS" "$CC") x sqlite3, $(ratio "$CP" "$CC") x pandas"
}

say "-- earlier shape: first N lines of October-November, matched against both months"
race "$DIR/nov.csv" 2026-10-01 $END
old="earlier shape $ROWS lines: $RC rows/s, $(ratio "$RC" "$RS") x sqlite3, $(ratio "$RC" "$RP") x pandas"
say "-- a billing period's file: every charge of $FROM..$END, a few % differences"
race "$DIR/recon.csv" "$FROM" $END --period
echo "recon import, $ROWS lines: $RC rows/s; $(ratio "$RC" "$RS") x sqlite3 .import (target >= 0.33), $(ratio "$RC" "$RP") x pandas (target >= 20) [$old]"
