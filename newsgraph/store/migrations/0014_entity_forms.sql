-- Each resolved entity's name forms, so that resolving added documents (newsgraph.resolve.entities.resolve_added)
-- reads a row per form instead of grouping every mention of the corpus. A full resolve rewrites it; resolving
-- added documents appends their forms (duplicates are folded when read). Used once meta 'entity_forms' is set.
CREATE TABLE entity_forms (
    entity TEXT NOT NULL,
    name TEXT NOT NULL,
    key TEXT NOT NULL,
    label TEXT NOT NULL,
    place TEXT,
    kind TEXT NOT NULL,
    role TEXT
);
