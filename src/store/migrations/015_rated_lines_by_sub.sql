-- store/migrations/015_rated_lines_by_sub.sql — one random-key index less on rated_lines
-- (issue 9, bench 2; docs/bench.md).
--
-- rated_lines_by_sub (subscription_id, sku, tier) served one query: a refund's lookup of the
-- line it gives back (repo_rated_last_charge). That lookup now goes through the
-- subscription's charges (charges_by_subscription) and each charge's line (UNIQUE (charge_id,
-- tier)), a handful of rows per refund. Its key, the subscription id, is random: each of the
-- close's rated lines dirtied a page of it of its own, and each issuer's commit rewrote most
-- of it (measured at 1/10 scale: 42 % of the close's page writes, 276,000 -> 160,000).
DROP INDEX IF EXISTS rated_lines_by_sub;
