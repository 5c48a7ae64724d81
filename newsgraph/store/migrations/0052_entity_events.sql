-- What each actor did (it is the subject) and what was done to it (object, recipient, destination), one row
-- per entity, side and event, written by the corpus step newsgraph.resolve.summary: an actor's page reads one
-- page of rows instead of joining every mention of a much-mentioned actor to every event of its documents.
CREATE TABLE entity_events (
    entity TEXT NOT NULL,
    side TEXT NOT NULL,               -- did | done_to
    other INTEGER NOT NULL,           -- 1 for events of type OTHER, listed after the typed ones
    event INTEGER NOT NULL,           -- events.id
    PRIMARY KEY (entity, side, other, event)
) WITHOUT ROWID;

-- Filled by the next build's corpus step.
DELETE FROM meta WHERE key = 'resolved';
