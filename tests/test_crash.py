"""Builds killed with SIGKILL: workers that notice and exit, a database that stays whole, a resume that ends equal.

Linux only (process trees are read from /proc). The kills are at moments drawn from a seeded
random generator, plus one aimed at the corpus step (after the last document is written).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import stored_documents

pytestmark = pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="reads process trees from /proc (Linux)")


def _children(pid: int) -> set[int]:
    """Every live (not zombie) descendant of `pid`."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as fh:
                    fields = fh.read().rsplit(b")", 1)[1].split()
            except OSError:
                continue
            if fields[0] != b"Z":
                parents[int(entry)] = int(fields[1])
    out, frontier = set(), {pid}
    while frontier:
        frontier = {p for p, pp in parents.items() if pp in frontier} - out
        out |= frontier
    return out


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", "rb") as fh:
                if fh.read().rsplit(b")", 1)[1].split()[0] != b"Z":
                    alive.add(pid)
        except OSError:
            pass
    return alive


def _wait_gone(pids: set[int], limit: float) -> tuple[set[int], float]:
    start = time.monotonic()
    while time.monotonic() - start < limit:
        left = _alive(pids)
        if not left:
            return set(), time.monotonic() - start
        time.sleep(0.1)
    return _alive(pids), time.monotonic() - start


def _build_cmd(corpus: Path, db: Path, jobs: int) -> list[str]:
    return [sys.executable, "-m", "newsgraph", "build", str(corpus), "--db", str(db), "--jobs", str(jobs), "--quiet"]


def _corpus_step_done(db: Path) -> bool:
    """Whether the corpus step finished after the last document write (its fingerprint is recorded)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
    try:
        return conn.execute("SELECT 1 FROM meta WHERE key = 'resolved'").fetchone() is not None
    finally:
        conn.close()


def _check_whole(db: Path) -> None:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("SELECT COUNT(*) FROM mentions WHERE doc NOT IN (SELECT id FROM documents)").fetchone()[0] == 0
        assert conn.execute("SELECT COUNT(*) FROM sources WHERE doc NOT IN (SELECT id FROM documents)").fetchone()[0] == 0
    finally:
        conn.close()


def _export(db: Path) -> dict:
    from newsgraph.outputs.export import export_json
    from newsgraph.store.sqlite import open_store

    with open_store(db, readonly=True) as store:
        return export_json(store.conn)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, shared_corpus) -> Path:
    """24 BBC politics articles: long enough to be caught mid-way, short enough for a test."""
    folder = tmp_path_factory.mktemp("crash") / "corpus"
    folder.mkdir()
    for p in sorted((shared_corpus / "bbc" / "politics").glob("*.txt"))[:24]:
        shutil.copy(p, folder / p.name)
    return folder


@pytest.fixture(scope="module")
def long_corpus(tmp_path_factory, shared_corpus) -> Path:
    """48 BBC politics articles, three batches: when the first batch is stored, the third is still being analysed,
    so a build seen with stored documents is still running a worker (with 24 articles, two batches, the build
    could store both and end between two looks, and the kill came too late)."""
    from newsgraph.pipeline import BATCH

    folder = tmp_path_factory.mktemp("crash-long") / "corpus"
    folder.mkdir()
    for p in sorted((shared_corpus / "bbc" / "politics").glob("*.txt"))[:3 * BATCH]:
        shutil.copy(p, folder / p.name)
    return folder


@pytest.mark.slow
def test_killed_parallel_build_leaves_no_worker_behind(long_corpus, tmp_path):
    """Issue 15.4: kill -9 a --jobs 2 build once its workers are busy, and once while they are still starting."""
    timings = []
    for moment in ("busy", "starting"):
        db = tmp_path / f"{moment}.db"
        proc = subprocess.Popen(_build_cmd(long_corpus, db, 2), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 180
        tree: set[int] = set()
        while time.monotonic() < deadline and proc.poll() is None:
            tree = _children(proc.pid)
            workers = [p for p in tree if b"spawn_main" in Path(f"/proc/{p}/cmdline").read_bytes()] if tree else []
            if moment == "starting" and len(workers) >= 1:
                break
            if moment == "busy" and len(workers) >= 2 and stored_documents(db) >= 1:
                break
            time.sleep(0.05)
        assert proc.poll() is None, "the build ended before it could be killed"
        tree = _children(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
        left, took = _wait_gone(tree, 30)
        assert not left, f"{len(left)} processes of the killed build still running after {took:.0f} s ({moment})"
        timings.append((moment, len(tree), round(took, 1)))
        _check_whole(db)
    print("killed build: processes and seconds until all were gone:", timings)


@pytest.mark.slow
def test_random_kills_then_resume_equals_a_clean_build(corpus, tmp_path):
    """SIGKILL at seeded random moments and once in the corpus step; after each: integrity, no orphans, no process left;
    the build run to the end equals a build never interrupted (with --jobs 2: the writer stores results in input
    order, so row ids do not depend on which worker finished first)."""
    from newsgraph.run import build

    clean = tmp_path / "clean.db"
    build([str(corpus)], str(clean))
    expected = _export(clean)
    n_docs = len(expected["documents"])

    db = tmp_path / "killed.db"
    rnd = random.Random(1504)
    first, second = sorted(rnd.sample(range(1, n_docs - 2), 2))
    # kill once `k` documents are stored, plus a random fraction of a second: mid-build, at a moment nobody chose
    plan = [(first, rnd.uniform(0, 0.7)), (second, rnd.uniform(0, 0.7)), (n_docs, 0.0)]  # n_docs: in the corpus step
    kills = 0
    for k, extra in plan:
        proc = subprocess.Popen(_build_cmd(corpus, db, 2), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and proc.poll() is None and stored_documents(db) < k:
            time.sleep(0.02)
        time.sleep(extra)
        if proc.poll() is not None:
            continue
        tree = _children(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
        kills += 1
        left, took = _wait_gone(tree, 30)
        assert not left, f"processes left {took:.0f} s after the kill at {k} documents"
        _check_whole(db)
        assert stored_documents(db) <= n_docs
    owed = not _corpus_step_done(db)  # the last kill may land after the corpus step committed, before the exit
    r = subprocess.run(_build_cmd(corpus, db, 2), capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    assert ("Entities resolved" in r.stdout) == owed, r.stdout
    _check_whole(db)
    assert _export(db) == expected
    assert kills == len(plan), f"only {kills} of {len(plan)} kills landed before the build ended"
    print(f"{kills} kills, 0 integrity failures, export equal to a clean build")
