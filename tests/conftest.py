"""Shared fixtures: the real corpora in ../shared/corpus (skipped with a reason when absent), the pipeline, builds."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "corpus"
EXAMPLES = ROOT / "examples"


def corpus(name: str) -> Path:
    path = SHARED / name
    if not path.is_dir():
        pytest.skip(f"../shared/corpus/{name} is not present (it ships with the project's CI, not with a clone)")
    return path


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return corpus("seeds")


@pytest.fixture(scope="session")
def shared_corpus() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared/corpus is not present (it ships with the project's CI, not with a clone)")
    return SHARED


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    return EXAMPLES


@pytest.fixture(scope="session")
def nlp():
    from newsgraph.nlp import load_pipeline

    return load_pipeline()


@pytest.fixture(scope="session")
def analyze_text(nlp):
    """analyze_text(text, **article_fields) -> DocumentAnalysis, through the real per-document pipeline."""
    from newsgraph.pipeline import analyze_texts

    def run(text: str, **fields):
        return next(analyze_texts([text], nlp, **fields))

    return run


VOICE_STAGES = frozenset({"mentions", "quotes", "descriptors"})


@pytest.fixture(scope="session")
def voices_of(nlp):
    """voices_of(paths): analyses of files running only sentences, mentions, quotes and descriptors; cached."""
    from newsgraph.pipeline import analyze_texts

    cache: dict = {}

    def run(paths):
        key = tuple(str(p) for p in paths)
        if key not in cache:
            texts = [Path(p).read_text(encoding="utf-8") for p in key]
            cache[key] = list(analyze_texts(texts, nlp, only=VOICE_STAGES, path=list(key)))
        return cache[key]

    return run


def _build(paths, db, **kw):
    from newsgraph.run import build

    return build([str(p) for p in paths], str(db), **kw)


@pytest.fixture
def joined_quote_db(tmp_path) -> Path:
    """A knowledge base of one article whose quote is joined across its attribution ('"…," Ruiz told reporters. "…"')."""
    article = tmp_path / "port.txt"
    article.write_text("Minister visits port\n\nThe port minister, Ana Ruiz, toured the docks in Valparaiso on Monday. "
                       '"The harbour will reopen in May," Ruiz told reporters. "Nobody will lose a job."\n', encoding="utf-8")
    db = tmp_path / "port.db"
    _build([article], db)
    return db


@pytest.fixture(scope="session")
def seeds_db(tmp_path_factory, seeds_dir) -> Path:
    """A knowledge base built from the five seed articles (built once per test session)."""
    db = tmp_path_factory.mktemp("seeds") / "seeds.db"
    _build([seeds_dir], db)
    return db


@pytest.fixture(scope="session")
def examples_db(tmp_path_factory) -> Path:
    """A knowledge base built from the example corpus shipped in examples/, with its manifest."""
    db = tmp_path_factory.mktemp("examples") / "examples.db"
    _build([EXAMPLES / "articles"], db, manifest=str(EXAMPLES / "manifest.csv"))
    return db


@pytest.fixture
def seeds_conn(seeds_db):
    from newsgraph.store.sqlite import open_store

    store = open_store(seeds_db, readonly=True)
    yield store.conn
    store.close()


@pytest.fixture
def copy_of(tmp_path):
    """Copy a folder into the test's tmp dir, so a test may change files."""

    def run(src: Path) -> Path:
        dst = tmp_path / src.name
        shutil.copytree(src, dst)
        return dst

    return run


def copy_db(src: Path, dst: Path) -> Path:
    """A consistent copy of the store at `src` (SQLite's backup, so a WAL is carried over), for a test to change."""
    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)
    return dst


ROW_LISTS = ("events", "quotes", "descriptors", "techniques", "times")


def comparable(export: dict) -> dict:
    """An export with row ids (which depend on the order rows were inserted in) replaced by doc#rank.

    Two builds that store the same facts compare equal even if one of them rewrote some
    documents: the facts, their offsets and every link between them must still agree.
    """
    import copy

    out = copy.deepcopy(export)
    for name in ROW_LISTS:
        rank: dict[str, int] = {}
        mapping = {}
        for row in sorted(out.get(name, []), key=lambda r: (r["doc"], r["id"])):
            mapping[row["id"]] = f"{row['doc']}#{rank.setdefault(row['doc'], 0)}"
            rank[row["doc"]] += 1
        for row in out.get(name, []):
            row["id"] = mapping[row["id"]]
        out[f"_{name}_ids"] = mapping
    events = out.pop("_events_ids")
    for q in out.get("quotes", []):
        q["events"] = [events.get(e, e) for e in q.get("events", [])]
    for c in out.get("conflicts", []):
        for v in c.get("values", []):
            v["event"] = events.get(v.get("event"), v.get("event"))
    lineage = [r for c in out.get("conflicts", []) for item in c.get("lineage", []) for r in item["reports"]]
    for r in lineage + [r for item in out.get("claims", []) for r in item["reports"]]:
        r["event"] = events.get(r.get("event"), r.get("event"))
    for row in out.get("events", []) + out.get("claims", []):  # a fact group's id is its first event's id
        if row.get("group") is not None:
            row["group"] = events.get(row["group"], row["group"])
    for name in ROW_LISTS[1:]:
        out.pop(f"_{name}_ids")
    for name in ROW_LISTS:
        out[name] = sorted(out.get(name, []), key=lambda r: r["id"])
    return out


# `python -m newsgraph ARGS` started as a terminal starts it: Ctrl-C (SIGINT) at its default and not blocked.
# An ignored or blocked SIGINT is inherited across exec, so the test process's own state would leak into the
# child: in full CI runs one pytest worker had SIGINT ignored or blocked by the time the Ctrl-C tests ran there
# (both saw Ctrl-C have no effect; each passes alone), which says nothing about newsgraph.
_AS_FROM_A_TERMINAL = (
    "import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT}); "
    "runpy.run_module('newsgraph', run_name='__main__', alter_sys=True)"
)


@pytest.fixture
def newsgraph_command():
    """The command line that runs `newsgraph ARGS` in a child as from a terminal (for the Ctrl-C tests)."""
    import sys

    return lambda *args: [sys.executable, "-c", _AS_FROM_A_TERMINAL, *args]


def stored_documents(db: Path) -> int:
    """How many documents a running build has stored in `db`, or -1 while it cannot be read (not yet created, or
    mid-creation): a bare read-only count, since opening a store checks its integrity, too slow to poll with."""
    try:
        conn = sqlite3.connect(db.resolve().as_uri() + "?mode=ro", uri=True, timeout=1)
        try:
            return conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return -1


def interrupt_mid_build(cmd: list[str], db: Path, sig: int, total: int, at_least: int = 5, timeout: float = 120) -> int:
    """Start the build `cmd` of `total` documents writing to `db`, send it `sig` once `at_least` documents are
    stored, check that it was caught mid-way, that Ctrl-C ends it with a word on resuming (no traceback) and that
    no half-written document is left, and return how many documents it had stored."""
    import signal
    import subprocess
    import time

    from newsgraph.store.sqlite import open_store

    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + timeout
    done = 0
    while time.time() < deadline and proc.poll() is None:
        time.sleep(0.1)
        done = stored_documents(db)
        if done >= at_least:
            break
    if proc.poll() is None:
        proc.send_signal(sig)
    try:
        _, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise
    if sig == signal.SIGINT:
        assert proc.returncode == 130, err[-2000:]
        assert "Run the same command again to resume" in err and "Traceback" not in err, err[-2000:]
    assert at_least <= done < total, f"the build was not caught mid-way ({done} documents): {err[-2000:]}"
    with open_store(db, readonly=True) as store:
        partial = store.conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        orphans = store.conn.execute("SELECT COUNT(*) FROM mentions WHERE doc NOT IN (SELECT id FROM documents)").fetchone()[0]
    assert partial < total, "the build ended before the signal landed: nothing was left to resume"
    assert orphans == 0
    return partial
