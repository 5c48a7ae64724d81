-- An actor's page lists the quotes it speaks and the labels put on it, found from its mentions:
-- without these, each of a much-mentioned actor's mentions walks every quote and label of its document.
CREATE INDEX IF NOT EXISTS quotes_speaker ON quotes(doc, speaker_mention);
CREATE INDEX IF NOT EXISTS descriptors_mention ON descriptors(doc, mention);
