-- Corpus-level facts, rebuilt from scratch by newsgraph.resolve.facts after entity resolution.

-- An actor tied to a state by the text itself: "the Russian state oil giant Rosneft", "Venezuelan dictator Nicolás Maduro".
CREATE TABLE affiliations (
    entity TEXT NOT NULL,             -- the company, agency or official
    state TEXT NOT NULL,              -- the entity of the state it belongs to
    doc TEXT NOT NULL,
    mention INTEGER NOT NULL,         -- idx of the affiliated mention in the doc
    kind TEXT NOT NULL,               -- state (state-owned, state-run, government) | national | official
    words TEXT NOT NULL               -- the premodifier as written
);
CREATE INDEX affiliations_entity ON affiliations(entity);

-- Events from any documents that report the same thing: same type, same sides, compatible dates.
CREATE TABLE fact_groups (
    id INTEGER PRIMARY KEY,
    type TEXT NOT NULL,
    predicate TEXT NOT NULL,
    subject TEXT,                     -- entity ids, ';'-joined when several
    object TEXT,
    date TEXT,                        -- the most precise date any member gives
    events INTEGER NOT NULL,
    documents INTEGER NOT NULL
);

-- Where reports disagree: amounts within a money family, or dates within a fact group.
CREATE TABLE conflicts (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,               -- amount | date
    subject TEXT,                     -- entity id of the giving side (amount) or the group's subject (date)
    object TEXT,
    type TEXT NOT NULL,
    grp INTEGER,                      -- the fact group, for date conflicts
    explanation TEXT NOT NULL
);

CREATE TABLE conflict_values (
    conflict INTEGER NOT NULL REFERENCES conflicts(id) ON DELETE CASCADE,
    event INTEGER NOT NULL,           -- events.id
    doc TEXT NOT NULL,
    value REAL,                       -- the amount (kind amount)
    unit TEXT,
    date TEXT,                        -- the date (kind date)
    text TEXT NOT NULL,               -- the amount or date as written
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    source TEXT,                      -- entity id of the cited source, NULL when the outlet speaks for itself
    source_text TEXT,
    sentence INTEGER NOT NULL,
    words TEXT                        -- what kind of figure the sentence says it is ("credits", "estimated total investment")
);
CREATE INDEX conflict_values_conflict ON conflict_values(conflict);
