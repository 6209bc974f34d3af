-- Full-text search over the marketplace's items (marketplace/marketplace.cpp): an FTS5 table that the service
-- keeps to the listed items (rows replaced when a version is approved or yanked). The PostgreSQL twin is a
-- tsvector column.
CREATE VIRTUAL TABLE market_search USING fts5 (
    item_id UNINDEXED, name, title, tags, summary, tokenize = 'unicode61 remove_diacritics 2'
);
