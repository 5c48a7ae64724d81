"""The one per-document pipeline: Article -> canonical text -> spaCy Doc -> records.

Build, tests, evaluation and training all run articles through ``analyze_batch``
(or ``analyze_texts`` for plain strings), so what is measured is what a build
stores. The function is pure in the articles and the ``AnalysisOptions``; it
loads the model once per process and can run in any executor (in-process, a
process pool, a Dask worker).

Every document is isolated: a failure in normalizing, parsing or any stage
costs that document only and comes back as a ``Skipped`` with a reason; texts
longer than the model's limit are parsed in pieces joined into one Doc with
offsets unchanged; each document's extraction runs under a time budget.
"""

from __future__ import annotations

import gc
import os
import re
import signal
import threading
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Iterable, Iterator, Sequence

from newsgraph import extract
from newsgraph.extract.stages import fingerprint as stages_fingerprint
from newsgraph.lexicons import places
from newsgraph.model import Article, DocumentAnalysis, Skipped
from newsgraph.normalize import Normalized, normalize

PIECE_CHARS = 200_000  # longer canonical texts are parsed in pieces of at most this many characters
BATCH = 16  # articles per unit of work handed to an executor


@dataclass(frozen=True, slots=True)
class AnalysisOptions:
    """Settings that change what the per-document pipeline finds; part of every document's fingerprint.

    Built once (by the CLI, from flags and the documented environment defaults) and
    handed to every worker, so no stage reads the environment on its own.
    """

    model: str = "en_core_web_sm"
    techniques: str = "auto"  # auto | rules | model | off
    techniques_model: str | None = None  # the trained techniques model file (None: the rules alone)
    places: str | None = None  # another places table (default: the shipped one)
    only: frozenset[str] | None = None  # run only these stages and what they need
    budget_seconds: float = 30.0  # extraction time per document, plus budget_per_kword per 1,000 words
    budget_per_kword: float = 2.0
    max_words: int = 200_000  # a longer text (a book, a dump) is skipped: parsing it would take minutes

    def __post_init__(self):
        from newsgraph.errors import InputError

        if self.techniques not in ("auto", "rules", "model", "off"):
            raise InputError(f"unknown techniques engine {self.techniques!r}: use auto, rules, model or off "
                             "(--techniques or $NEWSGRAPH_TECHNIQUES)")
        if self.places is not None and not os.path.isfile(self.places):
            raise InputError(f"no places table at {self.places!r} ($NEWSGRAPH_PLACES)")

    @classmethod
    def from_environment(cls, **overrides) -> "AnalysisOptions":
        """Defaults from $NEWSGRAPH_TECHNIQUES, $NEWSGRAPH_PLACES and the techniques model in $NEWSGRAPH_HOME
        (when the engine may use one and the file exists), overridden by explicit values."""
        from newsgraph.techniques import model_path

        env = {}
        if os.environ.get("NEWSGRAPH_TECHNIQUES"):
            env["techniques"] = os.environ["NEWSGRAPH_TECHNIQUES"].strip().lower()
        if os.environ.get("NEWSGRAPH_PLACES"):
            env["places"] = os.environ["NEWSGRAPH_PLACES"]
        env.update({k: v for k, v in overrides.items() if v is not None})
        engine = env.get("techniques", "auto")
        if "techniques_model" not in env and (engine == "model" or (engine == "auto" and model_path().exists())):
            env["techniques_model"] = str(model_path())
        return cls(**env)

    def fingerprint(self, model_version: str) -> str:
        """The identity of the code, data, model and settings that produce a document's rows."""
        from newsgraph import techniques

        settings = [("techniques", techniques.fingerprint(techniques.TechniqueOptions(self.techniques, self.techniques_model)))]
        if self.places:
            settings.append(("places", _file_identity(self.places)))
        if self.only is not None:
            settings.append(("only", ",".join(sorted(self.only))))
        return stages_fingerprint(model_version, settings)


def _file_identity(path: str) -> str:
    import hashlib

    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()[:16]


class TimeBudgetExceeded(Exception):
    pass


@contextmanager
def time_budget(seconds: float):
    """Raise TimeBudgetExceeded in this block after `seconds`, where the platform allows (the main thread, POSIX).

    Elsewhere (a Dask worker's thread) the block runs unbounded; the stages are
    linear in the text, and the pathological inputs (huge runs without spaces) are
    defused in normalize before the parse.
    """
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable or seconds <= 0:
        yield
        return

    def expired(signum, frame):
        raise TimeBudgetExceeded()

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


YOUNG_OBJECTS = 20_000  # allocations between two collections of the youngest generation while analyzing


@contextmanager
def fewer_collections(young: int = YOUNG_OBJECTS):
    """Collect cyclic garbage less often in this block; the thresholds are put back when the last open block ends
    (blocks overlap when a Dask worker runs batches in threads). Collection turned off stays off.

    The stages make and drop many small objects per document, and at Python's default (a collection every 700
    allocations, a full one after a hundred of those when enough has survived) the collector ran about 1,600
    times on 400 news texts and took about 1.4% of the parse's time, the full collections most. Most of these
    objects are freed by reference counting anyway; what a cycle holds is freed a little later.
    """
    with _collections_lock:
        if not _raised:
            _raised.append(gc.get_threshold())
            if _raised[0][0]:  # 0: the caller turned automatic collection off; it stays off
                gc.set_threshold(max(young, _raised[0][0]), *_raised[0][1:])
        _raised.append(None)  # one entry per block open: batches may overlap in the threads of a Dask worker
    try:
        yield
    finally:
        with _collections_lock:
            _raised.pop()
            if len(_raised) == 1:
                gc.set_threshold(*_raised.pop())


_collections_lock = threading.Lock()
_raised: list = []  # the thresholds before the first open block, then one entry per open block


def configure(options: AnalysisOptions) -> None:
    """Apply the options that live in process-wide tables (the places table); idempotent and cheap."""
    places.use_table(options.places)


def _pieces(text: str, size: int) -> list[str]:
    """`text` cut into pieces of at most `size` characters, each ending after a newline or space where possible."""
    out = []
    pos = 0
    while len(text) - pos > size:
        cut = text.rfind("\n", pos + size // 2, pos + size)
        if cut < 0:
            cut = text.rfind(" ", pos + size // 2, pos + size)
        end = cut + 1 if cut >= 0 else pos + size
        out.append(text[pos:end])
        pos = end
    out.append(text[pos:])
    return out


def _parse_all(nlp, texts: list[str]) -> list:
    """A Doc (or the exception it raised) per text: one nlp.pipe stream, then one by one if the stream fails."""
    from spacy.tokens import Doc

    size = min(PIECE_CHARS, nlp.max_length)
    plan = [_pieces(t, size) for t in texts]
    flat = [p for pieces in plan for p in pieces]
    try:
        parsed: list = list(nlp.pipe(flat, batch_size=32))
    except Exception:  # noqa: BLE001 - isolate the text that broke the stream
        parsed = []
        for piece in flat:
            try:
                parsed.append(nlp(piece))
            except Exception as exc:  # noqa: BLE001
                parsed.append(exc)
    out: list = []
    k = 0
    for text, pieces in zip(texts, plan):
        docs = parsed[k : k + len(pieces)]
        k += len(pieces)
        failed = next((d for d in docs if isinstance(d, Exception)), None)
        if failed is not None:
            out.append(failed)
        elif len(docs) == 1:
            out.append(docs[0])
        else:
            joined = Doc.from_docs(docs, ensure_whitespace=False)
            out.append(joined if joined.text == text else ValueError("pieces did not join back into the text"))
    return out


def _count_words(text: str, limit: int) -> int:
    """Words in `text`, counted only up to just past `limit` (cheap on a huge text)."""
    if len(text) <= limit:  # fewer characters than the limit: certainly fewer words
        return 0
    count = 0
    for _ in re.finditer(r"\S+", text):
        count += 1
        if count > limit:
            break
    return count


def _failure(article: Article, stage: str, exc: BaseException) -> Skipped:
    if isinstance(exc, TimeBudgetExceeded):
        return Skipped(article.path, "too-slow", f"{stage} took longer than its time budget; the text is skipped")
    if isinstance(exc, RecursionError):
        return Skipped(article.path, "nested", f"{stage} failed: the text is too deeply nested")
    if isinstance(exc, MemoryError):
        return Skipped(article.path, "too-large", f"{stage} ran out of memory on this text")
    return Skipped(article.path, "error", f"{stage} failed ({type(exc).__name__}: {exc}); please report this")


def analyze_batch(articles: Sequence[Article], options: AnalysisOptions | None = None, nlp=None) -> list[DocumentAnalysis | Skipped]:
    """The analysis of each article, or a Skipped with its reason; one failing document never costs another."""
    from newsgraph.nlp import load_pipeline

    options = options or AnalysisOptions()
    configure(options)
    nlp = nlp or load_pipeline(options.model)
    with fewer_collections():
        return _analyze_batch(articles, options, nlp)


def _analyze_batch(articles: Sequence[Article], options: AnalysisOptions, nlp) -> list[DocumentAnalysis | Skipped]:
    known = places.known_words()
    results: list[DocumentAnalysis | Skipped | None] = [None] * len(articles)
    norms: list[Normalized | None] = []
    for i, article in enumerate(articles):
        try:
            norms.append(normalize(article.text, known))
        except Exception as exc:  # noqa: BLE001
            norms.append(None)
            results[i] = _failure(article, "normalizing", exc)
    for i, norm in enumerate(norms):
        if norm is not None and results[i] is None:
            words = _count_words(norm.text, options.max_words)
            if words > options.max_words:
                results[i] = Skipped(articles[i].path, "too-large",
                                     f"over {options.max_words:,} words: too long for one document (a news article has a few thousand)")
    todo = [i for i, n in enumerate(norms) if n is not None and results[i] is None]
    docs = _parse_all(nlp, [norms[i].text for i in todo])
    for i, doc in zip(todo, docs):
        article, norm = articles[i], norms[i]
        if isinstance(doc, BaseException):
            results[i] = _failure(article, "parsing", doc)
            continue
        budget = options.budget_seconds + options.budget_per_kword * len(doc) / 1000
        try:
            with time_budget(budget):
                results[i] = extract.analyze(article, doc, norm, only=options.only, options=options)
        except Exception as exc:  # noqa: BLE001 - reported to the user as a skipped input; the build goes on
            results[i] = _failure(article, "extraction", exc)
    return results  # type: ignore[return-value]


def analyze_texts(texts: Iterable[str], nlp=None, only: Iterable[str] | None = None, options: AnalysisOptions | None = None,
                  **fields) -> Iterator[DocumentAnalysis]:
    """Analyses of plain texts through the real pipeline, without a store (for tests, evaluation and training).

    `fields` become Article metadata (path, published, outlet …); `path` may be a list, one per text.
    A text the pipeline cannot analyze raises, since a caller scoring or training on it must know.
    """
    from newsgraph.ingest import content_id

    options = options or AnalysisOptions()
    if only is not None:
        options = replace(options, only=frozenset(only))
    texts = list(texts)
    paths = fields.pop("path", "text.txt")
    paths = list(paths) if isinstance(paths, (list, tuple)) else [paths] * len(texts)
    for start in range(0, len(texts), 64):
        chunk = [Article(id=content_id(t), text=t, path=str(p), **fields) for t, p in zip(texts[start : start + 64], paths[start : start + 64])]
        for result in analyze_batch(chunk, options, nlp):
            if isinstance(result, Skipped):
                raise RuntimeError(f"{result.path}: {result.reason}")
            yield result

