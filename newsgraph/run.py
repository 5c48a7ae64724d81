"""Building a knowledge base: read inputs, skip what is known, analyze the rest, write, resolve.

The per-document pipeline (``newsgraph.pipeline``) runs in an executor (this
process, a local process pool, or a Dask cluster) and hands back plain records
in input order; this process is the single writer and stores each batch of
documents in one transaction. The corpus step (entities, dates, facts) runs after the documents,
on the store, whenever any document was written or removed (text or metadata),
and is redone by the next build if it did not finish. A build holds the
database's writer lock from start to end, so two builds on one database run one
after the other, never interleaved. An interrupted build keeps every finished
document and resumes where it stopped; a re-run on unchanged input does no work.
"""

from __future__ import annotations

import os
import stat
import sys
import time
from collections import deque
from itertools import chain
from pathlib import Path
from dataclasses import dataclass, field, replace
from typing import Callable, Iterable, Iterator

from newsgraph.executors import check_executor, in_order, make_executor
from newsgraph.ingest import MAX_BYTES, Input, load_manifest, local_path, read_inputs, stored_path, with_duplicates_marked
from newsgraph.ingest.web import FetchOptions, WebReader, is_url
from newsgraph.model import Article, Skipped, read_from_file
from newsgraph.pipeline import BATCH, AnalysisOptions
from newsgraph.store.base import KnowledgeStore as Store
from newsgraph.store import web as store_web
from newsgraph.store.sqlite import open_store


@dataclass(frozen=True)
class BuildOptions:
    """Everything a build is asked to do, built once by the CLI (or a library caller) and passed down."""

    analysis: AnalysisOptions = field(default_factory=AnalysisOptions)
    jobs: int = 1
    executor: str = "local"  # local | dask | dask://HOST:PORT
    manifest: str | None = None
    outlet: str | None = None
    max_bytes: int = MAX_BYTES
    drop_missing: bool = True  # forget inputs that disappeared from a folder being rebuilt
    fetch: FetchOptions | None = None  # how feeds and pages given as URLs are fetched (default: FetchOptions())
    follow_links: bool = False  # follow links in folders that lead outside the inputs, and links to folders


@dataclass
class BuildReport:
    """What a build did, for the summary and for tests."""

    processed: int = 0
    unchanged: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # input paths that disappeared and were forgotten
    resolved: bool = False
    interrupted: bool = False
    waited: bool = False  # another build held the database and this one waited for it
    feeds: dict[str, dict] = field(default_factory=dict)  # feed URL -> {"title", "entries", "not_modified"}
    requests: int = 0  # HTTP requests sent (feeds, pages, robots.txt)
    conditional: int = 0  # of which conditional (If-None-Match / If-Modified-Since)
    versions: list[tuple[str, int]] = field(default_factory=list)  # (URL, N): a changed page kept its old text as version N


def pipeline_version(analysis: AnalysisOptions) -> str:
    """Identifies the code, data, model and settings that produce a document's rows; a change reprocesses documents."""
    from newsgraph.nlp import model_identity

    return analysis.fingerprint(model_identity(analysis.model))


def _batches(items: Iterable[Input], size: int) -> Iterator[list[Input]]:
    batch: list[Input] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def build(
    paths: Iterable[str],
    db_path: str,
    manifest: str | None = None,
    outlet: str | None = None,
    model: str | None = None,
    jobs: int = 1,
    max_bytes: int | None = None,
    progress: Callable[[str, int], None] | None = None,
    options: BuildOptions | None = None,
    on_wait: Callable[[], None] | None = None,
) -> BuildReport:
    """Bring the knowledge base at `db_path` up to date with the inputs under `paths`.

    `options` carries every setting; the keyword arguments are shorthands for library callers.
    """
    from newsgraph.nlp import resolve_model

    if options is None:
        options = BuildOptions(
            analysis=AnalysisOptions.from_environment(model=model), jobs=jobs, manifest=manifest, outlet=outlet,
            max_bytes=max_bytes or MAX_BYTES,
        )
    paths = list(paths)
    resolve_model(options.analysis.model)  # fail early and clearly when the model is missing
    version = pipeline_version(options.analysis)
    # what the options name is read and checked before the store is opened: a bad manifest or executor leaves
    # no database behind
    meta = load_manifest(options.manifest) if options.manifest else None
    check_executor(options.executor)
    report = BuildReport()
    store = open_store(db_path)

    def waiting() -> None:
        report.waited = True
        if on_wait:
            on_wait()

    try:
        with store.writer_lock(on_wait=waiting):
            _build_locked(store, paths, options, version, report, progress, meta, os.path.dirname(os.path.abspath(db_path)))
    finally:
        store.close()
    return report


def _build_locked(store: Store, paths: list[str], options: BuildOptions, version: str, report: BuildReport, progress,
                  meta: dict | None = None, base: str = ".") -> None:
    """`base`: the database's folder, which the stored names of file inputs are relative to (``stored_path``)."""
    seen: set[str] = set()
    legacy = _adopt_stored_paths(store, base, any(read_from_file(p) for p in paths))

    def tick(kind: str) -> None:
        if progress:
            progress(kind, 1)

    def unchanged(path: str, size: int, mtime: int) -> bool:
        src = store.source(stored_path(path, base))
        if not src or src["size"] != size or src["mtime_ns"] != mtime:
            return False
        return store.document_pipeline(src["doc"]) == version

    files = [p for p in paths if not is_url(p)]
    urls = [p for p in paths if is_url(p)]
    web = None
    if urls:
        web = WebReader(urls, lambda u: store_web.fetch_state(store, u), options.fetch or FetchOptions(max_bytes=options.max_bytes),
                        outlet=options.outlet)
    inputs = with_duplicates_marked(
        _stored_as(chain(read_inputs(files, meta, options.outlet, options.max_bytes,
                                     unchanged=unchanged if meta is None and not options.outlet else None,
                                     follow_links=options.follow_links) if files else (),
                         web if web is not None else ()), base),
        store.document_ids(),
        lambda path: _still_holds(store, path, base),
    )

    def finished(item: Input, skipped: Skipped | None = None) -> None:
        """A web input is stored (or skipped): now its validators may be kept for the next conditional request."""
        if web is not None and is_url(item.path):
            store_web.save_fetches(store, web.finished(item.path, skipped))

    def pending() -> Iterator[Input]:
        for item in inputs:
            seen.add(item.path)
            if item.skipped is not None:
                report.skipped.append(item.skipped)
                finished(item, item.skipped)
                tick("skipped")
                continue
            if item.article is None:
                report.unchanged += 1
                finished(item)
                tick("unchanged")
                continue
            a = item.article
            if a.notes:
                report.notes.extend((a.path, n) for n in a.notes)
            if store.document_pipeline(a.id) == version and store.same_metadata(a):
                store.touch_source(a.path, a.id, item.size, item.mtime_ns)
                report.unchanged += 1
                finished(item)
                tick("unchanged")
                continue
            yield item

    in_flight: deque[list[Input]] = deque()

    def article_batches() -> Iterator[list[Article]]:
        for batch in _batches(pending(), BATCH):
            in_flight.append(batch)
            yield [i.article for i in batch]

    executor = make_executor(options.executor, options.jobs)
    try:
        for results in in_order(executor.map(article_batches(), options.analysis)):
            # One transaction per batch of results: a commit per document cost more than the writes themselves
            # (the full-text index flushes a segment at every commit). A batch is stored whole or not at all.
            stored, ticks = 0, []
            with store.transaction():
                for item, analysis in zip(in_flight.popleft(), results):
                    if isinstance(analysis, Skipped):
                        report.skipped.append(analysis)
                        finished(item, analysis)
                        ticks.append("skipped")
                        continue
                    if web is not None and is_url(item.path):
                        kept = store_web.keep_previous_version(store, item.path, analysis.article.id)
                        if kept:
                            report.versions.append((item.path, kept))
                    store.write_document(analysis, version, item.size, item.mtime_ns)
                    finished(item)
                    stored += 1
                    ticks.append("processed")
            report.processed += stored
            for kind in ticks:
                tick(kind)
    except KeyboardInterrupt:
        report.interrupted = True
        store.record_skipped(report.skipped)
        raise
    finally:
        executor.close()
        if web is not None:
            _web_summary(web, report)
            web.close()
    if web is not None:
        store_web.save_fetches(store, web.pending_records())
    store.record_skipped(report.skipped)
    if meta:
        _note_unmet_rows(options.manifest, meta, seen, base, report)
    if options.drop_missing:
        report.removed = _forget_missing(store, paths, seen, {s.path for s in report.skipped if s.code == "unreadable"}, base,
                                         legacy)
    if report.processed:
        # the min-score the readers use by default: the model's own (before the corpus step, which stores the
        # voices page at it)
        from newsgraph import techniques

        opts = techniques.TechniqueOptions(options.analysis.techniques, options.analysis.techniques_model)
        store.set_meta(techniques.MIN_SCORE_META, repr(techniques.default_min_score(opts)))
    report.resolved = resolve_corpus(store)


def _stored_as(inputs: Iterable[Input], base: str) -> Iterator[Input]:
    """The inputs under the names they are stored by (``stored_path``): their articles and skips too."""
    for item in inputs:
        name = stored_path(item.path, base)
        if name != item.path:
            item = replace(item, path=name,
                           article=replace(item.article, path=name) if item.article is not None else None,
                           skipped=replace(item.skipped, path=name) if item.skipped is not None else None)
        yield item


def _note_unmet_rows(manifest: str, meta: dict[str, dict[str, str]], seen: set[str], base: str, report: BuildReport) -> None:
    """Note the manifest's rows that name none of the files this build met (a file not given, a path misspelt):
    their metadata went unused. The files met are those it read or skipped, named as the manifest names them."""
    met = {str(Path(_record_file(local_path(name, base))).resolve()) for name in seen if read_from_file(name)}
    unmet = sorted(k for k in meta if k not in met)
    if unmet:
        shown = ", ".join(os.path.relpath(p) for p in unmet[:3]) + (", ..." if len(unmet) > 3 else "")
        report.notes.append((manifest, f"{len(unmet)} of its {len(meta)} rows name no file among the inputs, so their "
                                       f"metadata went unused: {shown}"))


def _record_file(path: str) -> str:
    """The file a stored input was read from: "f.jsonl" for its record "f.jsonl#3" (a file named with a "#" itself)."""
    return path if os.path.exists(path) or "#" not in path else path.rsplit("#", 1)[0]


def _as_read(path: str, size: int | None, mtime_ns: int | None) -> bool:
    """Whether the file `path` (a record's file) is there with the size and time it had when read; any size and
    time, when none were kept (a skipped input)."""
    try:
        st = os.stat(_record_file(path))
    except OSError:
        return False
    return stat.S_ISREG(st.st_mode) and (size is None or (st.st_size, st.st_mtime_ns) == (size, mtime_ns))


def _adopt_stored_paths(store: Store, base: str, reads_files: bool) -> set[str]:
    """Give the inputs a store made before ``stored_path`` their stored names; the names that could not be given
    one yet (kept apart from the folders a build forgets from).

    Such a store kept each input as given: an absolute path takes its stored name at once; a relative one was
    relative to the working directory of its build, which is known only when it names, from this one, the file
    it was read from (same size and time). A build that reads files tries each such name until it has its stored
    name; a build of URLs alone, whose working directory says nothing, leaves them be."""
    import json

    if store.get_meta(STORED_PATHS_META) is None:
        rows = store.file_inputs()
        if rows and not reads_files:
            return {old for old, _, _ in rows if not os.path.isabs(old)}
        legacy = []
        for old, size, mtime in rows:
            if os.path.isabs(old) or _as_read(old, size, mtime):
                new = stored_path(old, base)
                if new != old:
                    store.rename_input(old, new)
            else:
                legacy.append(old)
        store.set_meta(LEGACY_PATHS_META, json.dumps(sorted(legacy)))
        store.set_meta(STORED_PATHS_META, "database-relative")
        return set(legacy)
    legacy = json.loads(store.get_meta(LEGACY_PATHS_META) or "[]")
    if legacy and reads_files:
        wanted = set(legacy)
        sizes = {old: (size, mtime) for old, size, mtime in store.file_inputs() if old in wanted}
        left = []
        for old in legacy:
            if old not in sizes:
                continue  # forgotten since
            if _as_read(old, *sizes[old]):
                store.rename_input(old, stored_path(old, base))
            else:
                left.append(old)
        if left != legacy:
            store.set_meta(LEGACY_PATHS_META, json.dumps(left))
        legacy = left
    return set(legacy)


STORED_PATHS_META = "stored_paths"
LEGACY_PATHS_META = "legacy_paths"  # names kept as given by an earlier newsgraph, not yet given their stored name


def _still_holds(store: Store, path: str, base: str = ".") -> bool:
    """Whether the input a stored document was read from still holds it: a URL or stdin, or a file (a record's
    file) of the size and time it had when it was read.

    An input whose text a stored document already holds is a copy of that document's input, and is skipped. But
    when that input is gone or was rewritten (a file renamed or moved, records shifted by a deleted one), the new
    input is the document's input now, not a copy: skipped, its text would go with the old input."""
    if not read_from_file(path):
        return True
    src = store.source(path)
    if src is None or src["size"] is None or src["mtime_ns"] is None:
        return True  # nothing to compare: as before, the stored input counts as there
    return _as_read(local_path(path, base), src["size"], src["mtime_ns"])


def _web_summary(web: WebReader, report: BuildReport) -> None:
    report.feeds = dict(web.feeds)
    report.requests = len(web.fetcher.requests)
    report.conditional = sum(1 for _, sent in web.fetcher.requests if sent)
    report.notes.extend(web.notes)


def _under(path: str, folders: set[str]) -> bool:
    return any(path.startswith(f.rstrip(os.sep) + os.sep) for f in folders)


def _forget_missing(store: Store, paths: list[str], seen: set[str], unreadable: set[str] = frozenset(),
                    base: str = ".", legacy: set[str] = frozenset()) -> list[str]:
    """Forget what was read from a folder being rebuilt but is no longer there (deleted files, vanished records).

    What sits in a folder that could not be read this time (`unreadable`) is kept: it may still be there; so are
    the names an earlier newsgraph kept as given that could not be placed yet (`legacy`): where they are is unknown.
    """
    removed = []
    for root in paths:
        if root == "-" or not os.path.isdir(root):
            continue
        name = stored_path(root, base)
        candidates = store.source_paths(name)
        if os.path.isabs(name) and (os.path.realpath(base) == name or _under(os.path.realpath(base), {name})):
            # the database's folder lies in this one: the files there are stored by names relative to it
            candidates = sorted(set(candidates) | set(store.source_paths(".")))
        for path in candidates:
            if path in legacy:
                continue
            if path not in seen and path != name and not _under(path, unreadable):
                store.forget_source(path)
                removed.append(path)
    return removed


def forget(paths: Iterable[str], db_path: str) -> list[str]:
    """Stop following the inputs at `paths` (files, folders, records): their documents and facts go."""
    store = open_store(db_path)
    base = os.path.dirname(os.path.abspath(db_path))
    removed: list[str] = []
    try:
        with store.writer_lock():
            _adopt_stored_paths(store, base, reads_files=True)  # names an earlier newsgraph kept as given
            for given in paths:
                found = store.source_paths(stored_path(given, base))
                if given != "." and not os.path.exists(given):
                    # a name as the store lists it (relative to the database), or one an earlier newsgraph kept as given
                    found = sorted(set(found) | set(store.source_paths(given)))
                for path in found:
                    store.forget_source(path)
                    removed.append(path)
            resolve_corpus(store)
    finally:
        store.close()
    return list(dict.fromkeys(removed))


# When a build resolves only the documents it added (`resolve.entities.resolve_added`) instead of the whole
# corpus: a full entity resolution of 5,000 documents takes about 10 s, so below that exactness is cheap;
# above, a full one runs again once the corpus has grown by a fifth since the last, so that decisions the
# added documents would change (a lone surname's best match) are not left standing for long. Past
# `resolve.entities.ENTITY_WHOLE` documents that full resolve itself goes in batches: decisions between its
# batches are not all redone either (B-cubed F1 0.982 against one whole resolve at 100,000 BBC-like documents).
INCREMENTAL_FROM = 5_000
INCREMENTAL_GROWTH = 0.2


def resolve_corpus(store: Store, force: bool = False, full: bool | None = None, timings: dict | None = None) -> bool:
    """Corpus-level work on the store: entities, then dates and facts, in one transaction.

    Runs when any document was written or removed since the last run (or that run did
    not finish), or when the user's overrides changed; otherwise it is skipped. `full`
    chooses between resolving every mention again and resolving only the added documents'
    (None: the rule above); a deletion, a replaced document or a changed override always
    means a full one. `timings`, when given, receives each step's CPU and wall seconds and
    the kind of entity resolution that ran ("full" or "added N"). When entity resolution takes
    only the added documents, the steps marked `incremental = "touched"` (dates, facts, stories, page tables) get a
    `resolve.touched.Touched` that each reads (what the steps before it changed) and adds to (what it changed); the
    others run over everything.
    """
    from newsgraph.resolve import entities
    from newsgraph.resolve.touched import Touched

    fingerprint = store.corpus_fingerprint()
    if not force and store.get_meta("resolved") == fingerprint:
        return False
    delta = None if full is True else store.corpus_delta()
    if delta is not None and full is None:
        _, at_last_full, now = delta
        if at_last_full < INCREMENTAL_FROM or now - at_last_full > INCREMENTAL_GROWTH * at_last_full:
            delta = None
    touched = None if delta is None else Touched(set(delta[0]))

    def added(store) -> None:
        before = store.entity_ids()
        entities.resolve_added(store, delta[0])
        touched.gone_entities = before - store.entity_ids()  # folded into others: their rows elsewhere are redone

    steps = [entities.resolve if delta is None else added, *corpus_steps()]
    with store.transaction():
        for n, step in enumerate(steps):
            wall, cpu = time.perf_counter(), time.process_time()
            name = "entities" if n == 0 else getattr(step, "__module__", "").rsplit(".", 1)[-1]
            if n and getattr(step, "__name__", "resolve") != "resolve":
                name += f".{step.__name__}"  # copies.find_pairs, apart from the copies step that groups them
            if touched is not None and getattr(step, "incremental", None) == "touched":
                step(store, touched=touched)  # it redoes what the steps before it changed, and notes what it changes
            else:
                step(store)
            _let_go()
            if timings is not None:
                timings[name] = {"wall_s": round(time.perf_counter() - wall, 1), "cpu_s": round(time.process_time() - cpu, 1),
                                 "peak_mb": _peak_mb()}
        store.mark_resolved(fingerprint, full=delta is None)
    if timings is not None:
        timings["mode"] = "full" if delta is None else f"added {len(delta[0])}"
    return True


def _let_go() -> None:
    """Give back what a corpus step held, before the next one runs.

    The name cache `fold` fills during entity resolution with
    entries scattered among millions of short-lived objects, and keeps the allocator's blocks under them alive:
    the next steps then stacked on a process that still held most of the entity step's peak (200 of its 320 MB
    at 30,000 documents; 88 MB with the caches emptied and the C heap trimmed). The cache refills from the few
    names the later steps fold.
    """
    import gc

    from newsgraph.lexicons.places import fold

    fold.cache_clear()
    gc.collect()
    try:
        import ctypes

        ctypes.CDLL(None).malloc_trim(0)  # glibc: return the freed heap to the system
    except (AttributeError, OSError, TypeError):
        pass  # another C library: it keeps what was freed for the next step


def _peak_mb() -> int | None:
    """The process's peak resident memory so far (MB): after each step, it shows which step raised it."""
    try:
        import resource
    except ImportError:  # not on Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 2**20 if sys.platform == "darwin" else peak // 1024  # bytes on macOS, KiB elsewhere


def corpus_steps() -> list[Callable]:
    """Corpus-level steps that run after entity resolution, inside the same transaction."""
    from newsgraph.resolve import copies, dates, facts, lineage, stories, summary

    # the pairs of copies before the dates, which count a text and its copies as one report; the copies' groups after
    # them (the earliest report of a group is its canonical document) and before facts: a copy of a text is counted
    # once; stories and lineage read the facts; summary last: it reads what the others wrote
    return [copies.find_pairs, dates.resolve, copies.resolve, facts.resolve, stories.resolve, lineage.resolve,
            summary.resolve]


def default_jobs() -> int:
    return max(1, min(4, (os.cpu_count() or 1)))


__all__ = ["BuildOptions", "BuildReport", "build", "forget", "resolve_corpus", "pipeline_version"]
