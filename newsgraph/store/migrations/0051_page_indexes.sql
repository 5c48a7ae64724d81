-- Indexes the pages need on a large store.

-- Search filtered by entity: "does this sentence name the entity?" answered from one index, not by
-- walking every mention of a much-mentioned entity for each matching sentence.
CREATE INDEX IF NOT EXISTS mentions_sentence ON mentions(doc, sentence, entity);

-- The outlets offered as filters, and documents of one outlet.
CREATE INDEX IF NOT EXISTS documents_outlet ON documents(outlet);
