-- Entity ids that no longer name an entity, and the entity each now stands for.
-- Ids are slugs of names chosen at every resolve; when new documents change a cluster's name or
-- merge it into another, the old id (in links, bookmarks, exports) redirects here instead of
-- pointing at nothing. No foreign key: the entity tables are rewritten whole by each resolve.
CREATE TABLE entity_redirects (
    old TEXT PRIMARY KEY,
    entity TEXT NOT NULL,
    name TEXT,                        -- the name the old id had
    reason TEXT NOT NULL,
    at TEXT NOT NULL DEFAULT (datetime('now'))
);
CREATE INDEX entity_redirects_entity ON entity_redirects(entity);
