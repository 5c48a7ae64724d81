"""Labelled articles to (canonical text, spaCy Doc) pairs, the way the pipeline reads them, with a disk cache.

Training and cross-validation read the same articles many times; the parse is
most of their cost, so it can be kept on disk (``--cache DIR``) as a DocBin per
article, named by a hash of the model and the canonical text it parses.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Iterable, Iterator

from spacy.tokens import DocBin

from newsgraph.lexicons import places
from newsgraph.normalize import Normalized, normalize


def parse(texts: Iterable[str], model: str | None = None, cache: str | Path | None = None) -> Iterator[tuple[Normalized, object]]:
    """(normalized text, spaCy Doc) per text, through one nlp.pipe stream; with `cache`, read back from / kept in that folder."""
    from newsgraph.nlp import load_pipeline, model_version

    nlp = load_pipeline(model)
    known = places.known_words()
    norms = [normalize(t, known) for t in texts]
    if cache is None:
        yield from zip(norms, nlp.pipe((n.text for n in norms), batch_size=16))
        return
    folder = Path(cache)
    folder.mkdir(parents=True, exist_ok=True)
    tag = f"{model_version(nlp)}/{','.join(nlp.pipe_names)}/"
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
