-- Documents and everything extracted from one document are written in one
-- transaction per document; entity tables are rebuilt by the resolver.

CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT
);

CREATE TABLE documents (
    id TEXT PRIMARY KEY,              -- content hash of text
    path TEXT NOT NULL,               -- input path as given
    title TEXT,
    outlet TEXT,
    url TEXT,
    published TEXT,                   -- from metadata, or inferred
    published_inferred INTEGER NOT NULL DEFAULT 0,
    author TEXT,
    language TEXT,
    encoding TEXT,
    format TEXT,
    notes TEXT,                       -- JSON list of non-fatal remarks
    sha256 TEXT NOT NULL,
    text TEXT NOT NULL,
    words INTEGER NOT NULL DEFAULT 0,
    pipeline TEXT NOT NULL,           -- extractor version + model that produced the rows
    added_at TEXT NOT NULL DEFAULT (datetime('now'))
);

-- Which input path currently holds which document; a changed file points its path at a new document.
CREATE TABLE sources (
    path TEXT PRIMARY KEY,
    doc TEXT NOT NULL,
    size INTEGER,
    mtime_ns INTEGER
);
CREATE INDEX sources_doc ON sources(doc);

CREATE TABLE skipped (
    path TEXT PRIMARY KEY,
    code TEXT NOT NULL,
    reason TEXT NOT NULL,
    at TEXT NOT NULL DEFAULT (datetime('now'))
);

CREATE TABLE sentences (
    doc TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    PRIMARY KEY (doc, idx)
) WITHOUT ROWID;

CREATE TABLE mentions (
    id INTEGER PRIMARY KEY,
    doc TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,             -- position in the document's mention list
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    text TEXT NOT NULL,
    label TEXT NOT NULL,
    name TEXT NOT NULL,
    key TEXT NOT NULL,
    sentence INTEGER NOT NULL,
    kind TEXT NOT NULL,
    place TEXT,
    refers_to INTEGER,                -- idx of another mention in the same doc
    link_reason TEXT,
    role TEXT,
    entity TEXT                       -- filled by the resolver
);
CREATE INDEX mentions_doc ON mentions(doc, idx);
CREATE INDEX mentions_entity ON mentions(entity);
CREATE INDEX mentions_key ON mentions(key);

CREATE TABLE entities (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    mentions INTEGER NOT NULL,
    documents INTEGER NOT NULL
);

CREATE TABLE entity_aliases (
    entity TEXT NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    alias TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (entity, alias)
);

CREATE TABLE entity_roles (
    entity TEXT NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    doc TEXT NOT NULL,
    role TEXT NOT NULL,
    PRIMARY KEY (entity, doc, role)
);

-- Why mentions were put together: one row per merge decision.
CREATE TABLE merges (
    id INTEGER PRIMARY KEY,
    entity TEXT NOT NULL,
    a TEXT NOT NULL,
    b TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX merges_entity ON merges(entity);

-- User decisions that survive rebuilds: merge two names, or split a name off its entity.
CREATE TABLE overrides (
    id INTEGER PRIMARY KEY,
    action TEXT NOT NULL CHECK (action IN ('merge', 'split')),
    a TEXT NOT NULL,
    b TEXT,
    created_at TEXT NOT NULL DEFAULT (datetime('now'))
);

CREATE TABLE amounts (
    id INTEGER PRIMARY KEY,
    doc TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    text TEXT NOT NULL,
    value REAL,
    unit TEXT NOT NULL,
    kind TEXT NOT NULL,
    sentence INTEGER NOT NULL
);
CREATE INDEX amounts_doc ON amounts(doc, idx);

CREATE TABLE times (
    id INTEGER PRIMARY KEY,
    doc TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    text TEXT NOT NULL,
    value TEXT,
    granularity TEXT NOT NULL,
    anchor TEXT,
    sentence INTEGER NOT NULL
);
CREATE INDEX times_doc ON times(doc, idx);

CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    doc TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    trigger TEXT NOT NULL,
    predicate TEXT NOT NULL,
    type TEXT NOT NULL,
    sentence INTEGER NOT NULL,
    time INTEGER,                     -- idx into the doc's times
    negated INTEGER NOT NULL DEFAULT 0,
    modality TEXT NOT NULL,
    grp INTEGER                       -- fact group, filled by the resolver
);
CREATE INDEX events_doc ON events(doc, idx);

CREATE TABLE event_participants (
    event INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    text TEXT NOT NULL,
    mention INTEGER                   -- idx into the doc's mentions
);
CREATE INDEX event_participants_event ON event_participants(event);

CREATE TABLE event_amounts (
    event INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    amount INTEGER NOT NULL           -- idx into the doc's amounts
);
CREATE INDEX event_amounts_event ON event_amounts(event);

CREATE TABLE quotes (
    id INTEGER PRIMARY KEY,
    doc TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    text TEXT NOT NULL,
    kind TEXT NOT NULL,
    cue TEXT,
    speaker_start INTEGER,
    speaker_end INTEGER,
    speaker_text TEXT,
    speaker_mention INTEGER,
    sentence INTEGER NOT NULL
);
CREATE INDEX quotes_doc ON quotes(doc, idx);

CREATE TABLE descriptors (
    id INTEGER PRIMARY KEY,
    doc TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    text TEXT NOT NULL,
    head TEXT NOT NULL,
    mention INTEGER NOT NULL,
    polarity TEXT NOT NULL,
    voice TEXT NOT NULL,
    speaker_start INTEGER,
    speaker_end INTEGER,
    speaker_text TEXT,
    speaker_mention INTEGER,
    sentence INTEGER NOT NULL
);
CREATE INDEX descriptors_doc ON descriptors(doc, idx);

CREATE TABLE techniques (
    id INTEGER PRIMARY KEY,
    doc TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    text TEXT NOT NULL,
    technique TEXT NOT NULL,
    engine TEXT NOT NULL,
    score REAL NOT NULL,
    target INTEGER,
    sentence INTEGER NOT NULL
);
CREATE INDEX techniques_doc ON techniques(doc, idx);
