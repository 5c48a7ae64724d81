-- An organisation of a state that is an entity of its own (the Pentagon) keeps the state it belongs to.
ALTER TABLE entities ADD COLUMN affiliation TEXT;
