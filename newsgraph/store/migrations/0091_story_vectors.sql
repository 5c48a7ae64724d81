-- What the stories step weighed each document with, kept so that adding documents weighs only those
-- (newsgraph.resolve.stories): each counted (canonical) document's vector as JSON [[feature, weight], ...] ([] when
-- none of its features weighs, so that the rows say which documents were counted), and each
-- feature's number of canonical documents (one-document features too: a later document may share them, and the
-- one document's vector, which left the feature out, is then weighed again). Both are rewritten whole by a full pass.
CREATE TABLE story_vectors (
    doc TEXT PRIMARY KEY,
    vec TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE story_df (
    feature TEXT PRIMARY KEY,
    n INTEGER NOT NULL,
    doc TEXT                          -- the document that has it, while it is the only one
) WITHOUT ROWID;
