"""Running the real per-document pipeline on PTC texts, for training and evaluation."""

from __future__ import annotations

from typing import Iterable, Iterator

from newsgraph.model import Article, DocumentAnalysis
from newsgraph.normalize import Normalized, normalize


def known_words() -> frozenset[str]:
    """The words normalize may rejoin; empty when the gazetteer is not available."""
    try:
        from newsgraph.lexicons.places import known_words as from_places

        return from_places()
    except OSError:
        return frozenset()


def parse(texts: Iterable[str], model: str | None = None) -> Iterator[tuple[Normalized, object]]:
    """(normalized text, spaCy Doc) per text, through one nlp.pipe stream."""
    from newsgraph.nlp import load_pipeline

    nlp = load_pipeline(model)
    known = known_words()
    norms = [normalize(t, known) for t in texts]
    yield from zip(norms, nlp.pipe((n.text for n in norms), batch_size=16))


def analyze_texts(items: Iterable[tuple[str, str]], model: str | None = None) -> Iterator[DocumentAnalysis]:
    """The DocumentAnalysis of each (path, text), as `newsgraph build` would compute it."""
    from newsgraph.ingest import content_id

    items = list(items)
    for (path, text), (norm, doc) in zip(items, parse((t for _, t in items), model)):
        yield analyze_one(Article(id=content_id(text), text=text, path=path), doc, norm)


def analyze_one(article: Article, doc, norm: Normalized) -> DocumentAnalysis:
    """`extract.analyze`, or the techniques stage alone when another stage fails on this text."""
    from newsgraph.extract import analyze

    try:
        return analyze(article, doc, norm)
    except Exception:  # noqa: BLE001 - another stage failing must not hide what this one finds
        FALLBACKS.append(article.path)
        return techniques_only(article, doc, norm)


FALLBACKS: list[str] = []  # paths whose full analysis failed and ran the techniques stage alone


def techniques_only(article: Article, doc, norm: Normalized) -> DocumentAnalysis:
    """Sentences and techniques only (no mentions, so no targets): the fallback when another stage fails."""
    from newsgraph.extract import Context, sentences
    from newsgraph.extract import techniques

    ctx = Context(article=article, norm=norm, doc=doc, result=DocumentAnalysis(article=article))
    sentences(ctx)
    techniques.extract(ctx)
    return ctx.result
