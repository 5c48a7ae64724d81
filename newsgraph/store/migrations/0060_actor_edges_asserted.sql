-- The actor network's edges follow the giver (issue 14): the lender of a debt, the "X" of "support from X".
-- How many of an edge's events were asserted (not planned, possible or wished): the page draws the others faint.
ALTER TABLE actor_edges ADD COLUMN asserted INTEGER NOT NULL DEFAULT 0;

-- Filled by the next build's corpus step.
DELETE FROM meta WHERE key = 'resolved';
