-- What the fact step (newsgraph.resolve.facts) computes from, kept per document so that after documents were
-- added only theirs are read from the documents' rows (newsgraph.store.corpus.fact_inputs). Written whole by a
-- full corpus step; meta 'fact_inputs' says they are there.

-- Each event that ties actors (a resolved subject and a resolved other side), as the step sees it (JSON).
CREATE TABLE fact_events (
    event INTEGER PRIMARY KEY,        -- events.id
    doc TEXT NOT NULL,
    view TEXT NOT NULL
);
CREATE INDEX fact_events_doc ON fact_events(doc);

-- Each name right after a demonym in its sentence ("the Russian state oil giant Rosneft"): affiliation candidates.
CREATE TABLE fact_candidates (
    doc TEXT NOT NULL,
    idx INTEGER NOT NULL,             -- the name's mention
    entity TEXT NOT NULL,
    pentity TEXT,                     -- the demonym's entity
    gap TEXT NOT NULL,                -- the text between them
    words TEXT NOT NULL,              -- the demonym through the name
    start INTEGER NOT NULL
);
CREATE INDEX fact_candidates_doc ON fact_candidates(doc, start);

-- The entities named as a place somewhere in the corpus (states).
CREATE TABLE fact_states (entity TEXT PRIMARY KEY) WITHOUT ROWID;
