-- The documents the last corpus step saw, so that the next one can tell which were added since (run.resolve_corpus).
CREATE TABLE IF NOT EXISTS resolved_documents (id TEXT PRIMARY KEY) WITHOUT ROWID;
-- A document deleted or replaced leaves traces in the corpus-wide tables that only a full corpus step clears:
-- whatever code deletes it, the next step is a full one.
CREATE TRIGGER IF NOT EXISTS documents_deleted_owe_a_full_resolve AFTER DELETE ON documents
BEGIN
    DELETE FROM meta WHERE key = 'resolved_full';
END;
