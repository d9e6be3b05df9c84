-- store/migrations/007_pricelist.sql — Microsoft price list imports (docs/catalog.md).
--
-- `cspd import pricelist FILE` writes one pricelist_imports row per file it stores, keyed by
-- the BLAKE2b-256 hash of the file's bytes, so importing the same file again changes nothing.
-- Price rows go to price_points (001): `unit_price` there is the per-seat price per billing
-- cycle, what domain/catalog and the lifecycle engine read (nce-rules.md Part A 13); the
-- columns below keep what Microsoft published beside it: the whole-term price, the tier range,
-- the exact effective instants, and which import wrote the row.

CREATE TABLE pricelist_imports (
    id           INTEGER PRIMARY KEY,
    file_hash    TEXT NOT NULL UNIQUE,           -- hex BLAKE2b-256 (crypto_generichash)
    file_name    TEXT NOT NULL,                  -- as given on the command line
    month        TEXT,                           -- 'YYYY-MM' (--month); NULL when not given
    row_count    INTEGER NOT NULL DEFAULT 0,     -- price rows read (trials not counted)
    inserted     INTEGER NOT NULL DEFAULT 0,     -- new price_points rows
    updated      INTEGER NOT NULL DEFAULT 0,     -- rows whose price or dates changed
    unchanged    INTEGER NOT NULL DEFAULT 0,     -- rows cspd already held as they are
    skipped      INTEGER NOT NULL DEFAULT 0,     -- trial rows (BillingPlan None)
    imported_at  BIGINT NOT NULL
);

ALTER TABLE price_points ADD COLUMN term_price TEXT;     -- UnitPrice as published: whole term
ALTER TABLE price_points ADD COLUMN tier_min TEXT;       -- PricingTierRangeMin, decimal
ALTER TABLE price_points ADD COLUMN tier_max TEXT;       -- PricingTierRangeMax, decimal
ALTER TABLE price_points ADD COLUMN starts_at BIGINT;    -- EffectiveStartDate instant
ALTER TABLE price_points ADD COLUMN ends_at BIGINT;      -- EffectiveEndDate; NULL: no end
ALTER TABLE price_points ADD COLUMN import_id INTEGER REFERENCES pricelist_imports (id);
