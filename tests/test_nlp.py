"""The spaCy components newsgraph adds (newsgraph.nlp.components)."""

from __future__ import annotations


def _line_break_starts_token_by_token(doc):
    return [tok.i + 1 for tok in doc[:-1] if "\n" in tok.text or "\n" in tok.whitespace_]


def _closing_quotes_token_by_token(doc):
    return [tok.i for tok in doc[1:]
            if tok.text in {'"', "'"} and doc[tok.i - 1].text in {".", "!", "?", "...", ","} and not doc[tok.i - 1].whitespace_]


def test_line_breaks_and_closing_quotes_from_arrays_equal_the_token_by_token_definitions(seeds_dir, shared_corpus):
    """Both are found on token arrays; the same indices as the plain definitions over Token objects."""
    from newsgraph.nlp import load_bare
    from newsgraph.nlp.components import closing_quotes, line_break_starts

    nlp = load_bare()
    made = ['HEADLINE\nFirst line.\n\n"Done." She said "yes," he said.\'\nEnd\n', "", "x", "\n", 'a."', '"\n"']
    paths = sorted(seeds_dir.glob("*.txt")) + sorted((shared_corpus / "bbc").rglob("*.txt"))[::60][:30]
    breaks = quotes = 0
    for doc in nlp.tokenizer.pipe(made + [p.read_text(encoding="utf-8") for p in paths]):
        assert line_break_starts(doc) == _line_break_starts_token_by_token(doc), doc.text[:40]
        assert closing_quotes(doc) == _closing_quotes_token_by_token(doc), doc.text[:40]
        breaks += len(line_break_starts(doc))
        quotes += len(closing_quotes(doc))
    assert breaks >= 250 and quotes >= 80, (breaks, quotes)  # 285 and 95: both paths are exercised, not only empty lists


def test_a_line_break_starts_a_sentence_and_a_glued_quote_closes_one(nlp):
    doc = nlp('Big News Today\nThe minister said "we will win." Then he left.')
    starts = [t.text for t in doc if t.is_sent_start]
    assert "The" in starts and '"' not in starts
