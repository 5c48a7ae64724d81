-- Following feeds and pages: what each server last said (for conditional requests), copies of one text,
-- stories across documents, and where each repeated figure or claim was first reported.

-- One row per feed or page newsgraph fetched: the validators it sends next time (If-None-Match,
-- If-Modified-Since). Written only after what the response brought is stored, so an interrupted run
-- asks again instead of losing a page.
CREATE TABLE fetches (
    url TEXT PRIMARY KEY,
    kind TEXT NOT NULL,               -- feed | page
    etag TEXT,
    last_modified TEXT,
    status INTEGER,                   -- the last HTTP status
    feed TEXT,                        -- for a page: the feed that listed it
    checked_at TEXT NOT NULL DEFAULT (datetime('now')),
    changed_at TEXT                   -- the last time it answered with new content
);

-- Documents that are copies of another's text: an older version of a page (kind version), or a
-- syndicated or edited copy found by MinHash (kind near-duplicate). Counted once: through `canonical`.
-- Rebuilt by the corpus step (newsgraph.resolve.copies).
CREATE TABLE copies (
    doc TEXT PRIMARY KEY,
    canonical TEXT NOT NULL,
    kind TEXT NOT NULL,               -- version | near-duplicate
    similarity REAL                   -- Jaccard similarity of word shingles to the canonical copy
);
CREATE INDEX copies_canonical ON copies(canonical);

-- MinHash signatures of document texts, kept so a corpus step hashes only the documents it has not seen.
CREATE TABLE text_signatures (
    doc TEXT PRIMARY KEY,
    shingles INTEGER NOT NULL,
    signature BLOB NOT NULL
);

-- Stories: documents about the same happening, clustered by shared actors, facts and time
-- (newsgraph.resolve.stories). A story's id is the id of its first document, so it stays put as it grows.
CREATE TABLE stories (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    first TEXT,                       -- earliest publication date of its documents
    last TEXT,
    documents INTEGER NOT NULL,
    outlets INTEGER NOT NULL,
    actors TEXT NOT NULL,             -- JSON list of [entity id, weight], most central first
    updated_at TEXT                   -- when its newest document arrived
);

CREATE TABLE story_documents (
    story TEXT NOT NULL,
    doc TEXT NOT NULL,
    score REAL NOT NULL,              -- similarity to the story when the document joined it
    PRIMARY KEY (story, doc)
);
CREATE INDEX story_documents_doc ON story_documents(doc);

-- Where a figure or claim came from: every report of it, first one first (newsgraph.resolve.lineage).
CREATE TABLE lineage (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,               -- figure (a money figure in a conflict) | fact (a fact group) | quote
    conflict INTEGER,                 -- conflicts.id for a figure
    grp INTEGER,                      -- fact_groups.id for a fact
    value REAL,
    unit TEXT,
    text TEXT NOT NULL,               -- the figure or claim as first written
    summary TEXT NOT NULL             -- "$17 billion: first in A on 2019-01-02, citing nobody; repeated by B and C"
);

CREATE TABLE lineage_reports (
    lineage INTEGER NOT NULL REFERENCES lineage(id) ON DELETE CASCADE,
    rank INTEGER NOT NULL,            -- 0 = the earliest report
    doc TEXT NOT NULL,
    event INTEGER,
    start INTEGER,
    end INTEGER,
    text TEXT,
    source TEXT,                      -- entity id of the cited source
    source_text TEXT,
    attributed INTEGER NOT NULL,      -- 1 when the report cites someone for it
    copy_of TEXT,                     -- set when this report is a copy of another document's text
    PRIMARY KEY (lineage, rank)
);

CREATE INDEX documents_added ON documents(added_at);
