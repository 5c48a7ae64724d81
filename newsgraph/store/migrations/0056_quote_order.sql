-- The order of the voices page's quotes (by speaker name, then document and place), written by the corpus step
-- newsgraph.resolve.summary: a page of quotes is a key range, not a sort of every quote with its speaker's name.
CREATE TABLE quote_order (
    position INTEGER PRIMARY KEY,     -- 0 = listed first
    quote INTEGER NOT NULL            -- quotes.id
);

-- Filled by the next build's corpus step.
DELETE FROM meta WHERE key = 'resolved';
