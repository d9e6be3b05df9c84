#!/usr/bin/env bash
# bench/1-recon.sh — recon import (issue 9, bench 1): Microsoft's invoice reconciliation file
# of the book's October and November (N lines, written by `cspd recon write`: io/recon_write.c)
# parsed, validated, stored and matched against cspd's charge lines by `cspd recon import`.
# Baselines in the same run, on the same file:
#   sqlite3   the sqlite3 CLI's `.import --csv` into a fresh database (parse + store only);
#   pandas    read_csv of the file and of cspd's charges, merge on the match key and compare
#             the amounts (what the import's matching does, below), Debian's python3-pandas.
# Targets: >= 1/3 of sqlite3's rows/s and >= 20x pandas' rows/s.
. "$(dirname "$0")/lib.sh"
[ -f "$DIR/day.db" ] || "$(dirname "$0")/3-day.sh" >/dev/null
if [ ! -f "$DIR/nov.csv" ]; then
    # October and November's charges as Microsoft's file, cut to exactly N lines (the book's
    # November alone holds about 0.63 N): charges left out are "only in cspd" for every side.
    "$BIN" recon write --from 2026-10-01 --to 2026-11-30 --invoice G2026110001 \
        --out "$DIR/octnov.csv" --db "$DIR/day.db" >/dev/null
    head -n $((N + 1)) "$DIR/octnov.csv" >"$DIR/nov.csv"
    rm -f "$DIR/octnov.csv"
fi
rows=$(($(wc -l <"$DIR/nov.csv") - 1))
say "file: $rows lines, $(du -m "$DIR/nov.csv" | cut -f1) MB"

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

# cspd
rm -f "$DIR/recon.db"*
cp "$DIR/day.db" "$DIR/recon.db"
out=$(timed "$DIR/t.cspd" "$BIN" recon import "$DIR/nov.csv" --db "$DIR/recon.db" 2>/dev/null)
say "$(printf '%s' "$out" | tail -1 | sed 's/^ *//')"
dc=$(wall "$DIR/t.cspd")
say "cspd recon import: $dc s, $(rate "$rows" "$dc") rows/s, CPU $(cpu "$DIR/t.cspd") s, peak RSS $(( $(cut -d' ' -f3 "$DIR/t.cspd") / 1024 )) MB"

# sqlite3 .import into a fresh database
rm -f "$DIR/sq.db"
timed "$DIR/t.sq" sqlite3 "$DIR/sq.db" ".import --csv $DIR/nov.csv recon"
ds=$(wall "$DIR/t.sq")
say "sqlite3 .import: $ds s, $(rate "$rows" "$ds") rows/s, CPU $(cpu "$DIR/t.sq") s"

# pandas read_csv + merge doing the same matching: the key is cspd's (subscription, charge
# type in any case, start, end, |BillableQuantity|, sign of the amount, else of the EUP, else
# of the quantity); lines sharing a key pair off in order, each charge taken once; amounts
# equal to the cent. (The file cspd wrote carries cspd's subscription ids: no map needed.)
sqlite3 -header -csv "$DIR/day.db" "SELECT id, subscription_id, charge_type, start_date,
    end_date, quantity, effective_unit_price, COALESCE(billing_subtotal, subtotal) AS amount
    FROM charges WHERE start_date BETWEEN '2026-10-01' AND '2026-11-30'" >"$DIR/charges.csv"
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
pd=$(timed "$DIR/t.pd" "$PY" "$DIR/match.py" "$DIR/nov.csv" "$DIR/charges.csv")
dp=$(wall "$DIR/t.pd")
say "pandas read_csv + merge: $dp s, $(rate "$rows" "$dp") rows/s, CPU $(cpu "$DIR/t.pd") s ($pd)"

rc=$(rate "$rows" "$dc"); rs=$(rate "$rows" "$ds"); rp=$(rate "$rows" "$dp")
say "CPU ratios: $(ratio "$(cpu "$DIR/t.sq")" "$(cpu "$DIR/t.cspd")") x sqlite3, $(ratio "$(cpu "$DIR/t.pd")" "$(cpu "$DIR/t.cspd")") x pandas"
echo "recon import, $rows lines: $rc rows/s; $(ratio "$rc" "$rs") x sqlite3 .import (target >= 0.33), $(ratio "$rc" "$rp") x pandas (target >= 20)"
