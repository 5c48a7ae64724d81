-- Tables the pages read instead of aggregating every event per request, written from scratch by
-- the corpus step newsgraph.resolve.summary (the last step, after entities, dates and facts).

-- The actor network's edges: events of one type from a subject to an object side, counted per date.
-- A page filters by type and date range and sums `events` over dates: a few thousand rows, not every event.
CREATE TABLE actor_edges (
    source TEXT NOT NULL,             -- entity id of the subject (of the first actor, for co-mention)
    target TEXT NOT NULL,             -- entity id of the object, recipient or destination
    type TEXT NOT NULL,               -- event type, or 'co-mention' when the store has no such events
    date TEXT,                        -- the event's own date, else its document's publication date
    events INTEGER NOT NULL,
    doc TEXT NOT NULL,                -- one such event's document and sentence, for the edge's link
    sentence INTEGER NOT NULL
);
CREATE INDEX actor_edges_type_date ON actor_edges(type, date);
CREATE INDEX actor_edges_date ON actor_edges(date);

-- Corpus-wide page data as JSON: the overview's counts and date spans, the event types offered as filters.
CREATE TABLE page_summary (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- List pages sort on these.
CREATE INDEX IF NOT EXISTS entities_rank ON entities(mentions DESC, documents DESC, name);
CREATE INDEX IF NOT EXISTS entities_type_rank ON entities(type, mentions DESC, documents DESC, name);

-- A store built before these tables existed gets them filled by its next build's corpus step.
DELETE FROM meta WHERE key = 'resolved';
