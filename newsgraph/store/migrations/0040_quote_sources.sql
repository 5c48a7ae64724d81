-- Attributions (issue 10): the source as written, the cue's offsets, the kind of attribution, the pieces of a joined
-- quote (JSON list of [start, end]) and the mention a nominal source speaks for.
ALTER TABLE quotes ADD COLUMN attribution TEXT NOT NULL DEFAULT 'speech';
ALTER TABLE quotes ADD COLUMN source_start INTEGER;
ALTER TABLE quotes ADD COLUMN source_end INTEGER;
ALTER TABLE quotes ADD COLUMN source_text TEXT;
ALTER TABLE quotes ADD COLUMN cue_start INTEGER;
ALTER TABLE quotes ADD COLUMN cue_end INTEGER;
ALTER TABLE quotes ADD COLUMN parts TEXT;
ALTER TABLE quotes ADD COLUMN affiliation_mention INTEGER;
