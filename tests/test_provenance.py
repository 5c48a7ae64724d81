"""Provenance over whole corpora: every stored span is exactly the document text it claims to quote."""

from __future__ import annotations

import pytest

from newsgraph.run import build
from newsgraph.store.sqlite import open_store

# table -> (start column, end column, text column); rows join their document through `doc` or `event`
SPANS = {
    "mentions": "SELECT d.text, x.start, x.end, x.text FROM mentions x JOIN documents d ON d.id = x.doc",
    "sentences": "SELECT d.text, x.start, x.end, substr(d.text, x.start + 1, x.end - x.start) FROM sentences x JOIN documents d ON d.id = x.doc",
    "amounts": "SELECT d.text, x.start, x.end, x.text FROM amounts x JOIN documents d ON d.id = x.doc",
    "times": "SELECT d.text, x.start, x.end, x.text FROM times x JOIN documents d ON d.id = x.doc",
    "events": "SELECT d.text, x.start, x.end, x.trigger FROM events x JOIN documents d ON d.id = x.doc",
    "event_participants": "SELECT d.text, p.start, p.end, p.text FROM event_participants p JOIN events e ON e.id = p.event JOIN documents d ON d.id = e.doc",
    "quotes": "SELECT d.text, x.start, x.end, x.text FROM quotes x JOIN documents d ON d.id = x.doc",
    "quote_speakers": "SELECT d.text, x.speaker_start, x.speaker_end, x.speaker_text FROM quotes x JOIN documents d ON d.id = x.doc WHERE x.speaker_start IS NOT NULL",
    "descriptors": "SELECT d.text, x.start, x.end, x.text FROM descriptors x JOIN documents d ON d.id = x.doc",
    "techniques": "SELECT d.text, x.start, x.end, x.text FROM techniques x JOIN documents d ON d.id = x.doc",
    "local_mentions": "SELECT d.text, x.start, x.end, x.text FROM local_mentions x JOIN documents d ON d.id = x.doc",
}


def _check(db) -> dict[str, int]:
    counts = {}
    with open_store(db, readonly=True) as store:
        for name, sql in SPANS.items():
            n = 0
            for text, start, end, quoted in store.conn.execute(sql):
                assert 0 <= start <= end <= len(text), (name, start, end)
                assert text[start:end] == quoted, (name, start, end, quoted)
                n += 1
            counts[name] = n
        mention_sentences = store.conn.execute(
            """SELECT COUNT(*) FROM mentions m JOIN sentences s ON s.doc = m.doc AND s.idx = m.sentence
               WHERE m.start < s.start OR m.end > s.end"""
        ).fetchone()[0]
        assert mention_sentences == 0
        local_sentences = store.conn.execute(
            """SELECT COUNT(*) FROM local_mentions m JOIN sentences s ON s.doc = m.doc AND s.idx = m.sentence
               WHERE m.start < s.start OR m.end > s.end"""
        ).fetchone()[0]
        assert local_sentences == 0
    return counts


def test_seed_provenance(seeds_db):
    counts = _check(seeds_db)
    assert counts["mentions"] > 300 and counts["sentences"] > 100 and counts["local_mentions"] > 20


@pytest.mark.slow
def test_ptc_unlabeled_provenance(shared_corpus, tmp_path):
    db = tmp_path / "ptc.db"
    report = build([str(shared_corpus / "ptc-unlabeled")], str(db), jobs=2)
    assert report.processed >= 160
    counts = _check(db)
    assert counts["mentions"] > 5000


def test_context_token_starts_are_span_original_of_each_token(nlp, seeds_dir, shared_corpus):
    """The per-document cache of token offsets (used where a stage scans every token) gives exactly what
    span_original gives token by token, on texts the normalizer changes (curly quotes, hard wraps, mojibake)."""
    from newsgraph.extract import Context
    from newsgraph.ingest import content_id
    from newsgraph.lexicons import places
    from newsgraph.model import Article, DocumentAnalysis
    from newsgraph.normalize import normalize

    paths = sorted(seeds_dir.glob("*.txt")) + sorted((shared_corpus / "bbc" / "politics").glob("*.txt"))[:20]
    changed = 0
    for path in paths:
        text = path.read_text(encoding="utf-8", errors="replace")
        norm = normalize(text, places.known_words())
        changed += norm.text != text
        doc = nlp(norm.text)
        ctx = Context(article=Article(id=content_id(text), text=text, path=str(path)), norm=norm, doc=doc,
                      result=DocumentAnalysis(article=Article(id=content_id(text), text=text, path=str(path))))
        assert ctx.tokens() == list(doc) and ctx.tokens() is ctx.tokens()
        assert [(e.start, e.end, e.label_) for e in ctx.ents()] == [(e.start, e.end, e.label_) for e in doc.ents]
        assert ctx.token_starts() == [ctx.span_original(t)[0] for t in doc]
    assert changed >= 5  # the seeds' curly quotes at least: offsets really are mapped, not copied


def test_context_span_text_and_columns_equal_spacys(nlp, seeds_dir, shared_corpus):
    """``Context.span_text`` cuts spans from the parsed text and ``Context.columns`` reads token attributes as one
    array: the same strings as spaCy's ``Span.text`` and Token attributes, on sentences, entities, noun chunks,
    subtrees and empty spans."""
    from newsgraph.extract import Context
    from newsgraph.model import Article, DocumentAnalysis

    paths = sorted(seeds_dir.glob("*.txt")) + sorted((shared_corpus / "bbc" / "politics").glob("*.txt"))[:20]
    texts = ["", "  Lead space.\n\nTwo  spaces and a tail  \n"] + [p.read_text(encoding="utf-8") for p in paths]
    checked = 0
    for text, doc in zip(texts, nlp.pipe(texts)):
        article = Article(id="x", text=text, path="x.txt")
        ctx = Context(article=article, norm=None, doc=doc, result=DocumentAnalysis(article=article))
        spans = list(doc.sents) + list(doc.ents) + list(doc.noun_chunks) + [doc[t.left_edge.i:t.right_edge.i + 1] for t in doc]
        spans += [doc[i:i] for i in range(len(doc) + 1)] + [doc[i:i + 3] for i in range(len(doc))]
        for span in spans:
            assert ctx.span_text(span) == span.text, (span.start, span.end)
        strings = doc.vocab.strings
        assert [(strings[o], strings[lo], strings[le], p, strings[tg], strings[d]) for o, lo, le, p, tg, d in ctx.columns()] == [
            (t.text, t.lower_, t.lemma_, t.pos, t.tag_, t.dep_) for t in doc]
        checked += len(spans)
    assert checked > 10_000
