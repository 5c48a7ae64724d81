"""Building a knowledge base: read inputs, skip what is known, parse the rest, write, resolve.

Per-document work (normalize → spaCy → extract) is a pure function of one
article, so it runs in worker processes with ``--jobs``; the main process owns
the database and writes one document per transaction. Corpus-level resolution
runs after the documents, on the store. An interrupted build leaves every
finished document in place and resumes where it stopped; a re-run on unchanged
input does no work.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from newsgraph import extract, normalize
from newsgraph.lexicons.places import known_words
from newsgraph.ingest import Input, load_manifest, read_inputs, with_duplicates_marked
from newsgraph.model import Article, DocumentAnalysis, Skipped
from newsgraph.store.sqlite import Store, open_store

BATCH = 16  # articles per task sent to a worker process
RECYCLE = 64  # batches a worker process handles before it is replaced


@dataclass
class BuildReport:
    """What a build did, for the summary and for tests."""

    processed: int = 0
    unchanged: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)
    removed: int = 0
    resolved: bool = False
    interrupted: bool = False


def pipeline_version(model: str, techniques=None) -> str:
    """Identifies the code and model that produced a document's rows; a change reprocesses documents."""
    from newsgraph.techniques import fingerprint

    return f"extract-{extract.VERSION}/normalize-{normalize.VERSION}/{model}/{fingerprint(techniques)}"


# --- per-document work (runs in workers) -------------------------------------------------------

_WORKER_MODEL: str | None = None


def analyze_articles(articles: list[Article], model: str | None = None, techniques=None) -> list[DocumentAnalysis]:
    """Normalize, parse (one nlp.pipe stream) and extract a batch of articles; `techniques` is a TechniqueOptions."""
    from newsgraph.nlp import load_pipeline

    nlp = load_pipeline(model or _WORKER_MODEL)
    known = known_words()
    norms = [normalize.normalize(a.text, known) for a in articles]
    return [_safe_analyze(article, doc, norm, techniques)
            for article, norm, doc in zip(articles, norms, nlp.pipe((n.text for n in norms), batch_size=32))]


def _safe_analyze(article: Article, doc, norm, techniques=None) -> DocumentAnalysis | Skipped:
    """One document's analysis; a failure in a stage costs that document only, reported with its reason."""
    try:
        return extract.analyze(article, doc, norm, techniques=techniques)
    except Exception as exc:  # noqa: BLE001 - reported to the user as a skipped input, build goes on
        return Skipped(article.path, "error", f"extraction failed ({type(exc).__name__}: {exc}); please report this")


def _init_worker(model: str | None) -> None:
    global _WORKER_MODEL
    _WORKER_MODEL = model
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what an interrupt means
    from newsgraph.nlp import load_pipeline

    load_pipeline(model)


def _batches(items: Iterable[Input], size: int) -> Iterator[list[Input]]:
    batch: list[Input] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _analyses(pending: Iterable[Input], model: str | None, jobs: int, techniques=None) -> Iterator[tuple[Input, DocumentAnalysis | Skipped]]:
    """(input, analysis) for every pending input, in a bounded window so memory stays flat."""
    if jobs <= 1:
        for batch in _batches(pending, BATCH):
            yield from zip(batch, analyze_articles([i.article for i in batch], model, techniques))
        return
    # Workers are replaced after RECYCLE batches: spaCy's string store grows with every new word a
    # process meets, so a long build would otherwise grow without bound in its workers.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=jobs, initializer=_init_worker, initargs=(model,), mp_context=context, max_tasks_per_child=RECYCLE
    ) as pool:
        window: dict = {}
        source = _batches(pending, BATCH)
        exhausted = False
        try:
            while True:
                while not exhausted and len(window) < 2 * jobs:
                    batch = next(source, None)
                    if batch is None:
                        exhausted = True
                        break
                    window[pool.submit(analyze_articles, [i.article for i in batch], model, techniques)] = batch
                if not window:
                    break
                done, _ = wait(window, return_when=FIRST_COMPLETED)
                for fut in done:
                    batch = window.pop(fut)
                    for item, analysis in zip(batch, fut.result()):
                        yield item, analysis
        except BaseException:
            for fut in window:
                fut.cancel()
            pool.shutdown(wait=False, cancel_futures=True)
            raise


# --- the build ---------------------------------------------------------------------------------

def build(
    paths: Iterable[str],
    db_path: str,
    manifest: str | None = None,
    outlet: str | None = None,
    model: str | None = None,
    jobs: int = 1,
    max_bytes: int | None = None,
    progress: Callable[[str, int], None] | None = None,
    techniques=None,
) -> BuildReport:
    """Bring the knowledge base at `db_path` up to date with the inputs under `paths`.

    `techniques` (a ``TechniqueOptions``) picks the technique engines and model; by
    default they come from $NEWSGRAPH_TECHNIQUES and $NEWSGRAPH_HOME, read here once.
    """
    from newsgraph.techniques import TechniqueOptions
    from newsgraph.ingest import MAX_BYTES
    from newsgraph.nlp import DEFAULT_MODEL, load_pipeline, model_version, resolve_model

    model_name = model or DEFAULT_MODEL
    resolve_model(model_name)  # fail early and clearly when the model is missing
    techniques = techniques or TechniqueOptions.from_env()
    version = pipeline_version(model_version(load_pipeline(model_name)), techniques)
    report = BuildReport()
    store = open_store(db_path)
    try:
        meta = load_manifest(manifest) if manifest else None
        known_docs = {row[0]: row[1] for row in store.conn.execute("SELECT id, path FROM documents")}

        def unchanged(path: str, size: int, mtime: int) -> bool:
            src = store.source(path)
            if not src or src["size"] != size or src["mtime_ns"] != mtime:
                return False
            return store.document_pipeline(src["doc"]) == version

        inputs = with_duplicates_marked(
            read_inputs(paths, meta, outlet, max_bytes or MAX_BYTES, unchanged=unchanged if meta is None and not outlet else None),
            known_docs,
        )

        def pending() -> Iterator[Input]:
            skipped_batch = []
            for item in inputs:
                if item.skipped is not None:
                    report.skipped.append(item.skipped)
                    skipped_batch.append(item.skipped)
                    if progress:
                        progress("skipped", 1)
                    continue
                if item.article is None:
                    report.unchanged += 1
                    if progress:
                        progress("unchanged", 1)
                    continue
                a = item.article
                if a.notes:
                    report.notes.extend((a.path, n) for n in a.notes)
                if store.document_pipeline(a.id) == version and _same_metadata(store, a):
                    store.touch_source(a.path, a.id, item.size, item.mtime_ns)
                    report.unchanged += 1
                    if progress:
                        progress("unchanged", 1)
                    continue
                yield item
            if skipped_batch:
                store.record_skipped(skipped_batch)

        try:
            for item, analysis in _analyses(pending(), model_name, jobs, techniques):
                if isinstance(analysis, Skipped):
                    report.skipped.append(analysis)
                    continue
                store.write_document(analysis, version, item.size, item.mtime_ns)
                report.processed += 1
                if progress:
                    progress("processed", 1)
        except KeyboardInterrupt:
            report.interrupted = True
            store.record_skipped(report.skipped)
            raise
        store.record_skipped(report.skipped)
        report.resolved = resolve_corpus(store)
    finally:
        store.close()
    return report


def _same_metadata(store: Store, a: Article) -> bool:
    row = store.conn.execute(
        "SELECT path, title, outlet, url, published, published_inferred FROM documents WHERE id = ?", (a.id,)
    ).fetchone()
    if row is None:
        return False
    published_same = row["published"] == a.published if a.published else True
    return (row["title"], row["outlet"], row["url"]) == (a.title, a.outlet, a.url) and published_same


def corpus_fingerprint(store: Store) -> str:
    h = hashlib.sha256()
    for row in store.conn.execute("SELECT id, pipeline FROM documents ORDER BY id"):
        h.update(f"{row[0]}:{row[1]};".encode())
    for row in store.conn.execute("SELECT action, a, COALESCE(b, '') FROM overrides ORDER BY id"):
        h.update(f"{row[0]}:{row[1]}:{row[2]};".encode())
    return h.hexdigest()


def resolve_corpus(store: Store, force: bool = False) -> bool:
    """Corpus-level work on the store: entities, then facts and conflicts. Skipped when nothing changed."""
    from newsgraph.resolve import entities

    fingerprint = corpus_fingerprint(store)
    if not force and store.get_meta("resolved") == fingerprint:
        return False
    with store.transaction():
        entities.resolve(store.conn)
        for step in corpus_steps():
            step(store)
        store.conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('resolved', ?)", (fingerprint,))
    return True


def corpus_steps() -> list[Callable]:
    """Corpus-level steps that run after entity resolution, inside the same transaction."""
    from newsgraph.resolve import dates, facts

    return [dates.resolve, facts.resolve]


def default_jobs() -> int:
    return max(1, min(4, (os.cpu_count() or 1)))
