"""Where a build's wall time beyond the parse goes: the bench's two measurements, each split into parts.

Runs what ``python -m newsgraph.bench`` runs (bare ``nlp.pipe`` on the files, then a serial
``newsgraph build`` of the same files into a fresh database, in one process), with a clock
around each part of the build: start-up (model load, store open), normalizing, the parse,
extraction, the per-document write, the commits (where SQLite's WAL checkpoints and their
fsyncs happen under ``synchronous=NORMAL``) and the corpus step (each of its steps).
For every part it prints wall and CPU seconds and what the machine did meanwhile:
I/O and CPU pressure stall time (``/proc/pressure``), CPU steal time (``/proc/stat``), and
the bytes this process wrote (``/proc/self/io``). Wall minus CPU is time the process waited
(for the disk, or for a core held by someone else).

    .venv/bin/python scripts/build_split.py ../shared/corpus/bbc --limit 1200
    .venv/bin/python scripts/build_split.py ../shared/corpus/bbc --limit 300 --no-floor --commits

``--commits`` also lists the slowest commits (a checkpoint shows as a long commit).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newsgraph.bench import machine_counters  # noqa: E402


class Clock:
    """Wall, CPU and machine counters summed per part; parts may nest (the inner part is taken out of the outer)."""

    def __init__(self):
        self.parts: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        self.stack: list[str] = []

    @contextmanager
    def part(self, name: str):
        start = machine_counters()
        self.stack.append(name)
        try:
            yield
        finally:
            self.stack.pop()
            end = machine_counters()
            delta = {k: end[k] - start[k] for k in end}
            for k, v in delta.items():
                self.parts[name][k] += v
            self.parts[name]["calls"] += 1
            if self.stack:  # not counted twice
                for k, v in delta.items():
                    self.parts[self.stack[-1]][k] -= v

    def wrap(self, name: str, fn):
        def wrapper(*a, **k):
            with self.part(name):
                return fn(*a, **k)
        return wrapper


def show(title: str, parts: dict, base_wall: float, total: dict | None = None) -> None:
    print(f"{title}")
    print(f"  {'part':26s} {'wall s':>8s} {'cpu s':>8s} {'wait s':>7s} {'%floor':>7s} {'io some':>8s} {'io full':>8s}"
          f" {'cpu psi':>8s} {'steal':>6s} {'MB out':>7s} {'calls':>6s}")
    for name, d in parts.items():
        print(f"  {name:26s} {d['wall']:8.2f} {d['cpu']:8.2f} {d['wall'] - d['cpu']:7.2f} {100 * d['wall'] / base_wall:6.1f}%"
              f" {d['io_some']:8.2f} {d['io_full']:8.2f} {d['cpu_some']:8.2f} {d['steal']:6.2f} {d['write_bytes'] / 2**20:7.1f}"
              f" {int(d.get('calls', 0)):6d}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--limit", type=int, default=1200)
    ap.add_argument("--no-floor", action="store_true", help="skip bare nlp.pipe (percentages then use the build's parse)")
    ap.add_argument("--commits", action="store_true", help="list the ten slowest commits")
    args = ap.parse_args()

    from newsgraph import bench, extract, pipeline, run
    from newsgraph.store import sqlite as store_sqlite

    work = Path(tempfile.mkdtemp(prefix="newsgraph-split-"))
    try:
        folder = work / "corpus"
        folder.mkdir()
        files = []
        for i, p in enumerate(bench._files(args.corpus, args.limit)):
            dst = folder / f"{i:05d}_{p.name}"
            shutil.copy(p, dst)
            files.append(dst)
        floor = None
        if not args.no_floor:
            start = machine_counters()
            bench.bare(files, None, 1)
            end = machine_counters()
            floor = {k: end[k] - start[k] for k in end}
            show("bare spaCy nlp.pipe (the floor)", {"floor": floor}, floor["wall"])

        clock = Clock()
        pipeline.normalize = clock.wrap("normalize", pipeline.normalize)
        pipeline._parse_all = clock.wrap("parse", pipeline._parse_all)
        extract.analyze = clock.wrap("extraction", extract.analyze)
        Store = store_sqlite.Store
        Store.write_document = clock.wrap("store: rows", Store.write_document)
        commits: list[tuple[float, int]] = []
        original_transaction = Store.transaction

        @contextmanager
        def transaction(self):
            if self.conn.in_transaction:
                yield self.conn
                return
            with clock.part("store: begin"):
                self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            t = time.perf_counter()
            with clock.part("store: commit"):
                self.conn.execute("COMMIT")
            commits.append((time.perf_counter() - t, len(commits)))

        Store.transaction = transaction
        resolve = run.resolve_corpus
        corpus_timings: dict = {}

        def resolve_corpus(store, *a, **k):
            with clock.part("corpus step"):
                return resolve(store, *a, timings=corpus_timings, **k)

        run.resolve_corpus = resolve_corpus
        from newsgraph import nlp as ng_nlp

        pipeline_load = ng_nlp.load_pipeline
        ng_nlp.load_pipeline = clock.wrap("model load", pipeline_load)

        start = machine_counters()
        with clock.part("rest (read, hash, open, ...)"):
            report = run.build([str(p) for p in files], str(work / "split.db"))
        end = machine_counters()
        total = {k: end[k] - start[k] for k in end}
        Store.transaction = original_transaction
        base = floor["wall"] if floor else clock.parts["parse"]["wall"]
        print(f"\n{len(files)} files, {report.processed} processed; database {(work / 'split.db').stat().st_size / 2**20:.1f} MB")
        parts = dict(sorted(clock.parts.items(), key=lambda kv: -kv[1]["wall"]))
        parts["TOTAL build"] = total
        show("newsgraph build, by part", parts, base)
        if floor:
            print(f"ratio build / floor: wall {total['wall'] / floor['wall']:.3f}, CPU {total['cpu'] / floor['cpu']:.3f}")
        print("corpus step: " + ", ".join(f"{k} {v['wall_s']}s wall/{v['cpu_s']}s cpu" for k, v in corpus_timings.items()
                                          if isinstance(v, dict)))
        if args.commits and commits:
            slow = sorted(commits, reverse=True)[:10]
            print(f"commits: {len(commits)}, total {sum(c for c, _ in commits):.2f} s; slowest: "
                  + ", ".join(f"#{n} {c * 1000:.0f} ms" for c, n in slow))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
