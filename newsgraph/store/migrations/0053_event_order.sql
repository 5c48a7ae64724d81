-- The order of the long event lists (timeline: by the event's own date; money: largest sums first), written by
-- the corpus step newsgraph.resolve.summary, so a page of either list is an index range, not a sort of every event.
CREATE TABLE event_order (
    list TEXT NOT NULL,               -- timeline | money
    position INTEGER NOT NULL,
    type TEXT NOT NULL,               -- the event's type, for the timeline's filter
    event INTEGER NOT NULL,           -- events.id
    PRIMARY KEY (list, position)
) WITHOUT ROWID;
CREATE INDEX event_order_type ON event_order(list, type, position, event);

-- Filled by the next build's corpus step.
DELETE FROM meta WHERE key = 'resolved';
