-- store/migrations/014_rating_marks.sql — how far each seller's charges are rated, so the
-- period close reads only charges added since (issue 9, bench 2; docs/bench.md).
--
-- The close's pending query (store/repo_margin.c, repo_rating_each_pending) looked for the
-- charges of a seller and tier without a rated line by reading the seller's WHOLE charge
-- history and probing each charge for its rated line: every month the close got slower by a
-- month. A mark says: every charge whose seller for `tier` is `seller_id` and whose rowid is
-- at or below `charge_rowid` has its rated line of `tier`. The close reads only charges above
-- the mark (the rowid is in charges_by_subscription's entries, so the history is skipped
-- without reading its rows) and, in the same transaction as the lines it rates, moves the
-- mark to just below the first charge it left unrated (one starting after the period: a later
-- close rates it), or to the last charge when it left none.
--
-- Sound because, in this store: rowids of charges grow with each insert and charges are never
-- deleted (a late line of a closed month is a new row, above every mark); rated lines are
-- never deleted; a subscription's partner and a customer's reseller never change. charge_id
-- names the charge at the mark: a renumbering of rowids (VACUUM of a table with gaps) makes it
-- disagree, and the close then reads the whole history once and sets the mark again. SQLite
-- only (rowid); a PostgreSQL backend needs a sequence column on charges instead.
--
-- Azure usage charges (usage_charges, migration 011) have marks of their own (source
-- 'usage_charges'), on the same terms: rows are never updated, and deleted only before any of
-- their invoice's usage is rated (repo_usage_supersede), so never at or below a mark but for
-- the one it names, which then no longer matches.
--
-- Existing data: each (partner, tier, source) is marked just below its first row without that
-- tier's rated line, or at the last row when it has none — one pass over each table.

CREATE TABLE rating_marks (
    seller_id     TEXT NOT NULL REFERENCES partners (id),
    tier          TEXT NOT NULL CHECK (tier IN ('reseller', 'customer')),
    source        TEXT NOT NULL CHECK (source IN ('charges', 'usage_charges')),
    row_id        BIGINT NOT NULL,     -- source's rowid: at or below, every row is rated
    row_key       TEXT,                -- the id of the row at row_id, NULL if none
    PRIMARY KEY (seller_id, tier, source)
);

INSERT INTO rating_marks (seller_id, tier, source, row_id, row_key)
SELECT m.seller_id, m.tier, 'charges', m.r, (SELECT c.id FROM charges c WHERE c.rowid = m.r)
FROM (SELECT p.id AS seller_id, t.tier AS tier,
             COALESCE(o.first_open - 1, (SELECT MAX(rowid) FROM charges), 0) AS r
      FROM partners p
      CROSS JOIN (SELECT 'reseller' AS tier UNION ALL SELECT 'customer') t
      LEFT JOIN (SELECT CASE WHEN t2.tier = 'reseller' THEN s.partner_id
                             ELSE COALESCE(cu.reseller_id, s.partner_id) END AS seller_id,
                        t2.tier AS tier, MIN(c.rowid) AS first_open
                 FROM charges c
                 JOIN subscriptions s ON s.id = c.subscription_id
                 JOIN customers cu ON cu.id = s.customer_id
                 JOIN (SELECT 'reseller' AS tier UNION ALL SELECT 'customer') t2
                   ON t2.tier = 'customer' OR cu.reseller_id IS NOT NULL
                 WHERE NOT EXISTS (SELECT 1 FROM rated_lines r
                                   WHERE r.charge_id = c.id AND r.tier = t2.tier)
                 GROUP BY 1, 2) o
        ON o.seller_id = p.id AND o.tier = t.tier) m
WHERE m.r > 0;

INSERT INTO rating_marks (seller_id, tier, source, row_id, row_key)
SELECT m.seller_id, m.tier, 'usage_charges', m.r,
       (SELECT u.id FROM usage_charges u WHERE u.rowid = m.r)
FROM (SELECT p.id AS seller_id, t.tier AS tier,
             COALESCE(o.first_open - 1, (SELECT MAX(rowid) FROM usage_charges), 0) AS r
      FROM partners p
      CROSS JOIN (SELECT 'reseller' AS tier UNION ALL SELECT 'customer') t
      LEFT JOIN (SELECT CASE WHEN t2.tier = 'reseller' THEN u.partner_id
                             ELSE COALESCE(cu.reseller_id, u.partner_id) END AS seller_id,
                        t2.tier AS tier, MIN(u.rowid) AS first_open
                 FROM usage_charges u
                 JOIN customers cu ON cu.id = u.customer_id
                 JOIN (SELECT 'reseller' AS tier UNION ALL SELECT 'customer') t2
                   ON t2.tier = 'customer' OR cu.reseller_id IS NOT NULL
                 WHERE NOT EXISTS (SELECT 1 FROM rated_lines r
                                   WHERE r.usage_charge_id = u.id AND r.tier = t2.tier)
                 GROUP BY 1, 2) o
        ON o.seller_id = p.id AND o.tier = t.tier) m
WHERE m.r > 0;
