-- Daily statistics of the marketplace's listed items (the scheduled job "marketplace-stats";
-- docs/marketplace.md "Statistics"): the counts as they stood on each day (UTC), kept a year.
CREATE TABLE market_stats (
    item_id TEXT NOT NULL REFERENCES market_items (id) ON DELETE CASCADE,
    day TEXT NOT NULL,
    downloads INTEGER NOT NULL,
    installs INTEGER NOT NULL,
    rating_count INTEGER NOT NULL,
    rating_sum INTEGER NOT NULL,
    PRIMARY KEY (item_id, day)
);
CREATE INDEX market_stats_day ON market_stats (day);
