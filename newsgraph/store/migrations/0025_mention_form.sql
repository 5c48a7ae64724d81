-- In-document coreference: a mention is a name, a description ("the president") or a pronoun ("he").
-- Descriptions and pronouns always point at a name of the same document through refers_to.
ALTER TABLE mentions ADD COLUMN form TEXT NOT NULL DEFAULT 'name';
