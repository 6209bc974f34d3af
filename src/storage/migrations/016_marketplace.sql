-- The marketplace (marketplace/marketplace.cpp; docs/marketplace.md): items (a plugin or a pack, named once for
-- everybody, owned by who published it first), their immutable versions (each waits for an admin's review; an
-- approved one carries the Ed25519 signature of its digest), what happened to each (history), one rating and
-- review per user per item, and the installs (kept with the version's name and digest even when the item goes).
-- An item's title, summary, category, tags, icon and licence are those of its latest approved version.
CREATE TABLE market_items (
    id TEXT PRIMARY KEY,
    owner_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    name TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL DEFAULT '',
    tags TEXT NOT NULL DEFAULT '',
    icon TEXT NOT NULL DEFAULT '',
    licence TEXT NOT NULL DEFAULT '',
    latest_version TEXT NOT NULL DEFAULT '',
    published_at TEXT,
    downloads INTEGER NOT NULL DEFAULT 0,
    installs INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE INDEX market_items_owner ON market_items (owner_id);
CREATE INDEX market_items_listed ON market_items (latest_version, published_at);

CREATE TABLE market_versions (
    id TEXT PRIMARY KEY,
    item_id TEXT NOT NULL REFERENCES market_items (id) ON DELETE CASCADE,
    version TEXT NOT NULL,
    changelog TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL DEFAULT '',
    tags TEXT NOT NULL DEFAULT '',
    icon TEXT NOT NULL DEFAULT '',
    licence TEXT NOT NULL DEFAULT '',
    package TEXT NOT NULL,
    digest TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    status TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    signature TEXT NOT NULL DEFAULT '',
    key_id TEXT NOT NULL DEFAULT '',
    submitted_at TEXT NOT NULL,
    decided_at TEXT,
    decided_by TEXT,
    UNIQUE (item_id, version)
);
CREATE INDEX market_versions_status ON market_versions (status, submitted_at, id);

CREATE TABLE market_history (
    id TEXT PRIMARY KEY,
    item_id TEXT NOT NULL REFERENCES market_items (id) ON DELETE CASCADE,
    version TEXT NOT NULL,
    event TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    actor_id TEXT,
    at TEXT NOT NULL
);
CREATE INDEX market_history_item ON market_history (item_id, at);

CREATE TABLE market_reviews (
    item_id TEXT NOT NULL REFERENCES market_items (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    rating INTEGER NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (item_id, user_id)
);
CREATE INDEX market_reviews_user ON market_reviews (user_id);

CREATE TABLE market_installs (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    item_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    version TEXT NOT NULL,
    digest TEXT NOT NULL,
    target_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (user_id, item_id, version)
);
CREATE INDEX market_installs_user ON market_installs (user_id, created_at, id);
