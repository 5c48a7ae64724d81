-- Each actor's events in the order its page lists them (queries.ranking.rank_key: typed before OTHER, then by score,
-- then reading order), one row per entity, side and position, written by the corpus step newsgraph.resolve.summary:
-- a page of a much-mentioned actor's events is a key range, not a ranking of all its events per request.
-- It holds what entity_events held (the same entity, side and event), so that table goes.
CREATE TABLE entity_event_rank (
    entity TEXT NOT NULL,
    side TEXT NOT NULL,               -- did | done_to
    position INTEGER NOT NULL,        -- 0 = listed first
    event INTEGER NOT NULL,           -- events.id
    PRIMARY KEY (entity, side, position)
) WITHOUT ROWID;
DROP TABLE IF EXISTS entity_events;

-- Filled by the next build's corpus step.
DELETE FROM meta WHERE key = 'resolved';
