-- Each document's specific events, as the borrowed-dates step (newsgraph.resolve.dates) compares documents by them:
-- (type, subject entity, other entity). Adding documents then re-dates only the undated documents that share a
-- signature with an added dated one (and the added undated ones), not every undated document of the corpus.
CREATE TABLE date_signatures (
    type TEXT NOT NULL,
    subject TEXT NOT NULL,
    other TEXT NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (type, subject, other, doc)
) WITHOUT ROWID;
CREATE INDEX date_signatures_doc ON date_signatures(doc);
