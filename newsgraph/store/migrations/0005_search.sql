-- Full-text search over sentences (SQLite FTS5), kept in step with `sentences` by triggers,
-- so every per-document write indexes itself and a rewrite or delete drops the old rows.
-- `sentences` has no rowid, so `search_rows` gives each sentence one for the FTS table.

CREATE TABLE search_rows (
    id INTEGER PRIMARY KEY,
    doc TEXT NOT NULL,
    idx INTEGER NOT NULL,
    UNIQUE (doc, idx)
);

CREATE VIRTUAL TABLE search_fts USING fts5(text, tokenize = 'unicode61 remove_diacritics 2');

CREATE TRIGGER search_sentence_added AFTER INSERT ON sentences BEGIN
    INSERT OR REPLACE INTO search_rows(doc, idx) VALUES (NEW.doc, NEW.idx);
    INSERT INTO search_fts(rowid, text)
        SELECT r.id, substr(d.text, NEW.start + 1, NEW.end - NEW.start)
        FROM search_rows r JOIN documents d ON d.id = r.doc
        WHERE r.doc = NEW.doc AND r.idx = NEW.idx;
END;

CREATE TRIGGER search_sentence_removed AFTER DELETE ON sentences BEGIN
    DELETE FROM search_fts WHERE rowid = (SELECT id FROM search_rows WHERE doc = OLD.doc AND idx = OLD.idx);
    DELETE FROM search_rows WHERE doc = OLD.doc AND idx = OLD.idx;
END;

INSERT INTO search_rows(doc, idx) SELECT doc, idx FROM sentences;
INSERT INTO search_fts(rowid, text)
    SELECT r.id, substr(d.text, s.start + 1, s.end - s.start)
    FROM search_rows r JOIN sentences s ON s.doc = r.doc AND s.idx = r.idx JOIN documents d ON d.id = r.doc;

-- The entity pages find an actor's events from its mentions: (event, mention) -> role without a table lookup.
CREATE INDEX IF NOT EXISTS event_participants_mention ON event_participants(event, mention, role);
