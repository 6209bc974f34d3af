-- Full-text search over the marketplace's items (marketplace/marketplace.cpp): a generated tsvector column with
-- a GIN index. 'simple': no stemming, so French, English and Arabic words match as written. The SQLite twin is an
-- FTS5 table.
ALTER TABLE market_items ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', replace(name, '-', ' ')), 'A') || setweight(to_tsvector('simple', title), 'A')
    || setweight(to_tsvector('simple', replace(tags, ',', ' ')), 'B')
    || setweight(to_tsvector('simple', summary), 'C')) STORED;
CREATE INDEX market_items_search ON market_items USING GIN (search);
