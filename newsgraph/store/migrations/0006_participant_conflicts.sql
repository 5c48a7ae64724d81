-- Conflicts over who took part: the entity each report names (kind participant).
ALTER TABLE conflict_values ADD COLUMN entity TEXT;
