#!/usr/bin/env bash
# bench/2-close.sh — billing close of November 2026 for a book of N subscriptions (issue 9,
# bench 2): every Microsoft charge line of the month rated for each tier (distributor ->
# reseller -> customer, direct-bill -> customer) and invoiced, one transaction per issuer.
# Target: <= 10 s for 1,000,000 subscriptions. Needs day.db from bench/3-day.sh.
#
# Baseline, in the same run: the sqlite3 CLI, on its own copy of the same database and with
# cspd's settings (WAL, synchronous=NORMAL, foreign keys on, the close's 256 MiB page cache),
# INSERT ... SELECTs one row per (November charge, tier) into rated_lines — as many rows as
# the close rates, through the same table, indexes and foreign keys, in ONE transaction, with
# nothing computed (cost as price, random ids as id_new makes). What SQLite itself needs to
# store the rated lines; the close also prices them, makes ~4 % as many invoices with a line
# per rated line, audit rows, and commits once per issuer.
. "$(dirname "$0")/lib.sh"
[ -f "$DIR/day.db" ] || "$(dirname "$0")/3-day.sh" >/dev/null
rm -f "$DIR/close.db"* "$DIR/close-base.db"*
cp "$DIR/day.db" "$DIR/close.db"
cp "$DIR/day.db" "$DIR/close-base.db"
# both at the binary's schema before the clock (the baseline writes the same tables)
"$BIN" db migrate --db "$DIR/close.db" >/dev/null
"$BIN" db migrate --db "$DIR/close-base.db" >/dev/null
lines=$(sqlite3 "$DIR/close.db" "SELECT count(*) FROM charges WHERE start_date BETWEEN
        '2026-11-01' AND '2026-11-30'")
sync
t0=$(now)
out=$("$BIN" invoice close 2026-11 --at 2026-12-01T06:00:00Z --db "$DIR/close.db")
t1=$(now)
say "$out"
d=$(elapsed "$t0" "$t1")
rated=$(sqlite3 "$DIR/close.db" "SELECT count(*) FROM rated_lines WHERE period = '2026-11'")
say "$lines Microsoft charge lines in November -> $rated rated lines," \
    "$(rate "$rated" "$d") rated lines/s"

sync
t2=$(now)
sqlite3 "$DIR/close-base.db" >/dev/null <<'SQL'
PRAGMA foreign_keys = ON;
PRAGMA synchronous = NORMAL;
PRAGMA cache_size = -262144;
BEGIN IMMEDIATE;
INSERT INTO rated_lines (id, charge_id, tier, seller_id, customer_id, reseller_id,
                         subscription_id, charge_type, sku, product_id, start_date, end_date,
                         period, quantity, days, cycle_days, unit_price, effective_unit_price,
                         amount, currency, cost, margin, price_currency, below_cost, created_at)
SELECT 'rtl_' || lower(hex(randomblob(13))), c.id, t.tier,
       CASE WHEN t.tier = 'reseller' OR cu.reseller_id IS NULL THEN s.partner_id
            ELSE cu.reseller_id END,
       s.customer_id, cu.reseller_id, c.subscription_id, c.charge_type, c.sku,
       substr(c.sku, 1, instr(c.sku || ':', ':') - 1), c.start_date, c.end_date,
       substr(c.start_date, 1, 7), c.quantity,
       CAST(julianday(c.end_date) - julianday(c.start_date) + 1 AS INTEGER),
       CAST(julianday(c.end_date) - julianday(c.start_date) + 1 AS INTEGER),
       c.unit_price, c.effective_unit_price, c.subtotal, cu.billing_currency, c.subtotal, '0',
       c.currency, 0, 1796104800
FROM charges c
JOIN subscriptions s ON s.id = c.subscription_id
JOIN customers cu ON cu.id = s.customer_id
JOIN (SELECT 'reseller' AS tier UNION ALL SELECT 'customer') t
  ON t.tier = 'customer' OR cu.reseller_id IS NOT NULL
WHERE c.start_date BETWEEN '2026-11-01' AND '2026-11-30';
COMMIT;
SQL
t3=$(now)
b=$(elapsed "$t2" "$t3")
based=$(sqlite3 "$DIR/close-base.db" "SELECT count(*) FROM rated_lines WHERE period = '2026-11'")
say "sqlite3 INSERT ... SELECT of $based rated lines, one transaction: $b s," \
    "$(rate "$based" "$b") rows/s"
echo "billing close, book of $N: $d s; $(ratio "$d" 10) x the 10 s target (<= 1 is met);" \
     "$(ratio "$d" "$b") x sqlite3 INSERT ... SELECT of the same rows ($b s)"
