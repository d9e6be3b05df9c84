#!/usr/bin/env bash
# bench/1-recon.sh — recon import (issue 9, bench 1): Microsoft's invoice reconciliation file
# of the book's October and November (N lines, written by `cspd recon write`: io/recon_write.c)
# parsed, validated, stored and matched against cspd's charge lines by `cspd recon import`.
# Baselines in the same run, on the same file:
#   sqlite3   the sqlite3 CLI's `.import --csv` into a fresh database (parse + store only);
#   pandas    read_csv of the file and of cspd's charges, merge on the match key and compare
#             the amounts (what the import's matching does), Debian's python3-pandas.
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

# cspd
rm -f "$DIR/recon.db"*
cp "$DIR/day.db" "$DIR/recon.db"
t0=$(now)
out=$(/usr/bin/time -f "%M" -o "$DIR/recon.rss" "$BIN" recon import "$DIR/nov.csv" \
      --db "$DIR/recon.db" 2>/dev/null)
t1=$(now)
say "$(printf '%s' "$out" | tail -1 | sed 's/^ *//')"
dc=$(elapsed "$t0" "$t1")
say "cspd recon import: $dc s, $(rate "$rows" "$dc") rows/s, peak RSS $(( $(cat "$DIR/recon.rss") / 1024 )) MB"

# sqlite3 .import into a fresh database
rm -f "$DIR/sq.db"
t0=$(now)
sqlite3 "$DIR/sq.db" ".import --csv $DIR/nov.csv recon"
t1=$(now)
ds=$(elapsed "$t0" "$t1")
say "sqlite3 .import: $ds s, $(rate "$rows" "$ds") rows/s"

# pandas read_csv + merge doing the same matching
sqlite3 -header -csv "$DIR/day.db" "SELECT subscription_id, charge_type, start_date, end_date,
    quantity, reference_id, COALESCE(billing_subtotal, subtotal) AS amount FROM charges
    WHERE start_date BETWEEN '2026-10-01' AND '2026-11-30'" >"$DIR/charges.csv"
t0=$(now)
pd=$("$PY" - "$DIR/nov.csv" "$DIR/charges.csv" <<'PY'
import sys
import pandas as pd
ms = pd.read_csv(sys.argv[1], dtype=str, encoding="utf-8-sig", keep_default_na=False)
cs = pd.read_csv(sys.argv[2], dtype=str, keep_default_na=False)
ms["start"] = pd.to_datetime(ms["ChargeStartDate"], format="%m/%d/%Y").dt.strftime("%Y-%m-%d")
ms["end"] = pd.to_datetime(ms["ChargeEndDate"], format="%m/%d/%Y").dt.strftime("%Y-%m-%d")
m = ms.merge(cs, how="outer", indicator=True,
             left_on=["SubscriptionId", "ChargeType", "start", "end", "Quantity", "ReferenceId"],
             right_on=["subscription_id", "charge_type", "start_date", "end_date", "quantity",
                       "reference_id"])
both = m[m["_merge"] == "both"]
differs = (both["Subtotal"].astype(float) - both["amount"].astype(float)).abs() > 0.005
print(f"{len(both) - int(differs.sum())} matched, {int(differs.sum())} differ, "
      f"{int((m['_merge'] == 'left_only').sum())} only Microsoft, "
      f"{int((m['_merge'] == 'right_only').sum())} only cspd")
PY
)
t1=$(now)
dp=$(elapsed "$t0" "$t1")
say "pandas read_csv + merge: $dp s, $(rate "$rows" "$dp") rows/s ($pd)"

rc=$(rate "$rows" "$dc"); rs=$(rate "$rows" "$ds"); rp=$(rate "$rows" "$dp")
echo "recon import, $rows lines: $rc rows/s; $(ratio "$rc" "$rs") x sqlite3 .import (target >= 0.33), $(ratio "$rc" "$rp") x pandas (target >= 20)"
