-- Chains of one document that no name heads ("my father … he", "the company … it", the writer's "I").
-- A table of their own, not rows of `mentions`: the entity resolver, the graph and the label matrix read
-- `mentions`, so a document-local chain can never become an entity, a node, a merge or a matrix row.
CREATE TABLE local_mentions (
    doc TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,             -- position in the document's local mention list (text order)
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    text TEXT NOT NULL,
    sentence INTEGER NOT NULL,
    form TEXT NOT NULL,               -- nominal | pronoun
    chain INTEGER NOT NULL,           -- chain number within the document
    reason TEXT NOT NULL,
    PRIMARY KEY (doc, idx)
) WITHOUT ROWID;
