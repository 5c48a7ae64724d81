"""Running the real per-document pipeline on PTC texts, for training and evaluation."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Iterable, Iterator

from spacy.tokens import DocBin

from newsgraph.model import Article, DocumentAnalysis
from newsgraph.nlp import model_version
from newsgraph.normalize import VERSION as NORMALIZE_VERSION
from newsgraph.normalize import Normalized, normalize


def known_words() -> frozenset[str]:
    """The words normalize may rejoin; empty when the gazetteer is not available."""
    try:
        from newsgraph.lexicons.places import known_words as from_places

        return from_places()
    except OSError:
        return frozenset()


def parse(texts: Iterable[str], model: str | None = None, cache: str | Path | None = None) -> Iterator[tuple[Normalized, object]]:
    """(normalized text, spaCy Doc) per text, through one nlp.pipe stream.

    With `cache` (a folder), each parse is kept there as a DocBin named by a hash
    of the model, the normalizer version and the text, and read back on later
    calls: cross-validation and repeated evaluations parse each article once.
    """
    from newsgraph.nlp import load_pipeline

    nlp = load_pipeline(model)
    known = known_words()
    norms = [normalize(t, known) for t in texts]
    if cache is None:
        yield from zip(norms, nlp.pipe((n.text for n in norms), batch_size=16))
        return
    folder = Path(cache)
    folder.mkdir(parents=True, exist_ok=True)
    tag = f"{model_version(nlp)}/{NORMALIZE_VERSION}/{','.join(nlp.pipe_names)}/"
    files = [folder / (hashlib.sha256((tag + n.text).encode()).hexdigest()[:24] + ".spacy") for n in norms]
    docs = {i: _read_cached(f, nlp.vocab) for i, f in enumerate(files)}
    missing = [i for i, d in docs.items() if d is None or d.text != norms[i].text]
    for i, doc in zip(missing, nlp.pipe((norms[i].text for i in missing), batch_size=16)):
        _write_cached(files[i], doc)
        docs[i] = doc
    for i, norm in enumerate(norms):
        yield norm, docs[i]


def _write_cached(path: Path, doc) -> None:
    """The Doc as a DocBin, and its token vectors (``doc.tensor``, which DocBin does not keep) beside it."""
    import numpy as np

    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        np.save(fh, np.asarray(doc.tensor, dtype=np.float32))
    os.replace(tmp, path.with_suffix(".npy"))
    tmp.write_bytes(DocBin(docs=[doc], store_user_data=False).to_bytes())
    os.replace(tmp, path)


def _read_cached(path: Path, vocab):
    import numpy as np

    try:
        doc = next(iter(DocBin().from_bytes(path.read_bytes()).get_docs(vocab)))
        tensor = np.load(path.with_suffix(".npy"))
    except (OSError, ValueError, StopIteration):
        return None
    if tensor.shape[0] != len(doc):
        return None
    doc.tensor = tensor
    return doc


def analyze_texts(items: Iterable[tuple[str, str]], model: str | None = None, techniques=None) -> Iterator[DocumentAnalysis]:
    """The DocumentAnalysis of each (path, text), as `newsgraph build` would compute it with `techniques` options."""
    from newsgraph.ingest import content_id

    items = list(items)
    for (path, text), (norm, doc) in zip(items, parse((t for _, t in items), model)):
        yield analyze_one(Article(id=content_id(text), text=text, path=path), doc, norm, techniques)


def analyze_one(article: Article, doc, norm: Normalized, techniques=None) -> DocumentAnalysis:
    """`extract.analyze`, or the techniques stage alone when another stage fails on this text."""
    from newsgraph.extract import analyze

    try:
        return analyze(article, doc, norm, techniques=techniques)
    except Exception:  # noqa: BLE001 - another stage failing must not hide what this one finds
        FALLBACKS.append(article.path)
        return techniques_only(article, doc, norm, techniques)


FALLBACKS: list[str] = []  # paths whose full analysis failed and ran the techniques stage alone


def techniques_only(article: Article, doc, norm: Normalized, techniques=None) -> DocumentAnalysis:
    """Sentences and techniques only (no mentions, so no targets): the fallback when another stage fails."""
    from newsgraph.extract import Context, _sentences
    from newsgraph.extract import techniques as stage

    ctx = Context(article=article, norm=norm, doc=doc, result=DocumentAnalysis(article=article), techniques=techniques)
    _sentences(ctx)
    stage.extract(ctx)
    return ctx.result
