-- The copies step's memory of what it has compared, so that a corpus step compares only the documents it has
-- not seen and keeps no signature in memory (newsgraph.resolve.copies):
-- the LSH bands of each signature (a 64-bit key per band: documents sharing a key are compared),
-- the pairs found to be copies, and which signatures have their bands written (the stores made before
-- this table compare every document once more, then only new ones).
ALTER TABLE text_signatures ADD COLUMN banded INTEGER NOT NULL DEFAULT 0;
CREATE TABLE copy_bands (
    key INTEGER NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (key, doc)
) WITHOUT ROWID;
CREATE TABLE copy_pairs (
    a TEXT NOT NULL,                  -- a < b
    b TEXT NOT NULL,
    similarity REAL NOT NULL,         -- Jaccard similarity of their word shingles
    PRIMARY KEY (a, b)
) WITHOUT ROWID;
CREATE INDEX copy_pairs_b ON copy_pairs(b);
