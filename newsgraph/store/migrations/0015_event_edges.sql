-- What each event adds to the actor network: one row per event and giver -> receiver pair, as the corpus step
-- newsgraph.resolve.summary counts them into actor_edges. Adding documents then re-sums only the edges their
-- events (and the events whose date or fact group changed) fall in, not every event of the corpus.
CREATE TABLE event_edges (
    event INTEGER NOT NULL,           -- events.id
    source TEXT NOT NULL,             -- entity ids, as in actor_edges
    target TEXT NOT NULL,
    type TEXT NOT NULL,
    date TEXT,
    doc TEXT NOT NULL,
    sentence INTEGER NOT NULL,
    asserted INTEGER NOT NULL         -- 1 when the event is asserted
);
CREATE INDEX event_edges_event ON event_edges(event);
CREATE INDEX event_edges_key ON event_edges(source, target, type, date);

-- Filled by the next build's corpus step (the page tables' version changes with it).
DELETE FROM meta WHERE key = 'resolved';
