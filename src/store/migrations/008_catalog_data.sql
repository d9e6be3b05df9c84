-- store/migrations/008_catalog_data.sql — catalog data Microsoft's price list does not carry
-- (docs/catalog.md "Catalog data"), each loaded from a small CSV (data/catalog/) with
-- `cspd catalog load KIND FILE` and edited through /v1/catalog/...
--
-- Upgrade paths stay in upgrade_paths (001), which the lifecycle engine reads
-- (repo_catalog_load); exchange rates stay in exchange_rates (001). The tables below are new.
-- Keys are Microsoft's ids: a product family is a ProductId ('CFQ7TTC0LFLX'), a SKU is
-- 'ProductId:SkuId' ('CFQ7TTC0LFLX:0001'), as in products and skus.

-- EST eligibility and uplift per product family (nce-rules.md §8.3, §8.4, Part A 10, 11).
-- A family without a row is eligible with the default uplifts, 3 and 23 percent.
CREATE TABLE est_rules (
    product_id       TEXT PRIMARY KEY,               -- Microsoft ProductId
    eligible         INTEGER NOT NULL CHECK (eligible IN (0, 1)),
    uplift_p1m       TEXT NOT NULL,                  -- percent over the P1M monthly price, '3'
    uplift_fallback  TEXT NOT NULL,                  -- percent over the P1Y monthly price, '23'
    note             TEXT,
    updated_at       BIGINT NOT NULL
);

-- Base-licence prerequisites: an order of `sku` needs the customer to hold a live
-- subscription of one of its `requires` rows — a SKU ('CFQ7TTC0LFLX:0001') or a whole product
-- family ('CFQ7TTC0LFLX'). Several rows for one SKU: any one of them suffices.
CREATE TABLE sku_prerequisites (
    sku         TEXT NOT NULL,
    requires    TEXT NOT NULL,
    note        TEXT,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (sku, requires)
);

-- Seat minimum and maximum per SKU (offer matrix MinLicenses / MaxLicenses, formats.md §3.4).
CREATE TABLE seat_limits (
    sku         TEXT PRIMARY KEY,
    min_seats   INTEGER NOT NULL CHECK (min_seats >= 1),
    max_seats   INTEGER CHECK (max_seats IS NULL OR max_seats >= min_seats), -- NULL: no maximum
    updated_at  BIGINT NOT NULL
);

-- The 60-day renewal alert (alert.price_increase) looks subscriptions up by plan.
CREATE INDEX subscriptions_by_plan ON subscriptions (sku, term, billing, term_end);
