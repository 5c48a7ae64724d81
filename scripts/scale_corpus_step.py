"""Time and peak memory of the corpus step (entities, dates, facts, page tables) on 10k-100k documents.

Parsing 100,000 articles takes a day on two cores, and the corpus step only reads the store,
so the synthetic load is made in SQL from a real store (default: the whole BBC corpus built by
`newsgraph build`):
1. `bench_web.grow` repeats every document's rows with new ids (`<id>~<k>`) and publication
   dates shifted by k days until the store holds the target number of documents;
2. names vary between copies: in copy k every person mention's last word goes through the letter
   substitution drawn for copy k ("Tony Blair" -> "Tony Qwhzr", "Blair" -> "Qwhzr"; first names are kept,
   so a name still reads as a person's), so each copy brings its own people
   (the entity table grows with the corpus, as it does on real news) while states and
   organisations are shared across copies (their entities grow in mentions);
   each copy's text has its letters put through a substitution drawn for that copy (lengths and
   offsets unchanged), so the copy finder sees distinct texts, as in a real corpus, rather than
   every article 50 times over; with `--people shared` the names are left as they are, so the entity
   table stays the base store's while the mentions grow (what memory grows with besides the entity table);
3. each size is measured in a fresh process: wall time, CPU time and peak RSS of the corpus
   step (the steps `run.resolve_corpus` runs, each timed), then 100 more documents are added the
   same way and the step a build then owes is measured again in a fresh process (`--add`).

    .venv/bin/python scripts/scale_corpus_step.py --base /tmp/bbc.db --sizes 10000 30000 100000
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))


def _disguise(text: str | None, k: int) -> str | None:
    """The text with its letters through copy k's own substitution: other words, same length."""
    import random
    import string

    if text is None:
        return None
    lower = list(string.ascii_lowercase)
    random.Random(k).shuffle(lower)
    table = str.maketrans(string.ascii_lowercase + string.ascii_uppercase, "".join(lower) + "".join(lower).upper())
    return text.translate(table)


def _rename(name: str | None, k: int) -> str | None:
    """A person's name in copy k: the last word's letters through copy k's substitution ("Tony Blair" ->
    "Tony Qwhzr"), so each copy's people are new people, not near-spellings of the other copies'."""
    if not name:
        return name
    head, _, last = name.rpartition(" ")
    return f"{head} {_disguise(last, k)}" if head else _disguise(last, k)


def vary_names(db: Path, people: bool = True) -> None:
    """Give each copy's text its own letters and, with `people`, each copy's people their own surnames (see the
    module docstring)."""
    from newsgraph.store.sqlite import open_store

    store = open_store(db)
    store.conn.create_function("disguise", 2, _disguise, deterministic=True)
    store.conn.create_function("rename", 2, _rename, deterministic=True)
    with store.transaction():
        store.conn.execute(
            """CREATE TEMP TABLE fresh AS SELECT id, CAST(substr(id, instr(id, '~') + 1) AS INTEGER) AS k FROM documents
               WHERE instr(id, '~') > 0 AND NOT EXISTS (SELECT 1 FROM meta WHERE key = 'disguised:' || documents.id)""")
        store.conn.execute("UPDATE documents SET text = disguise(text, fresh.k) FROM fresh WHERE documents.id = fresh.id")
        if people:
            store.conn.execute(
                """UPDATE mentions SET name = rename(name, fresh.k), key = rename(key, fresh.k) FROM fresh
                   WHERE mentions.doc = fresh.id AND mentions.label IN ('PERSON', 'NAME') AND mentions.place IS NULL""")
        store.conn.execute("INSERT OR IGNORE INTO meta(key, value) SELECT 'disguised:' || id, '1' FROM fresh")
        store.conn.execute("DELETE FROM text_signatures WHERE doc IN (SELECT id FROM fresh)")
        store.conn.execute("DROP TABLE temp.fresh")
    store.close()


def measure(db: Path) -> dict:
    """Run in a child process: the full corpus step on `db`, forced, each step timed, with its cost."""
    from newsgraph.run import resolve_corpus
    from newsgraph.store.sqlite import open_store

    store = open_store(db)
    t0, c0 = time.perf_counter(), time.process_time()
    steps: dict = {}
    resolve_corpus(store, force=True, full=True, timings=steps)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    counts = {t: store.conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
              for t in ("documents", "mentions", "events", "entities", "conflicts")}
    store.close()
    return {"wall_s": round(wall, 1), "cpu_s": round(cpu, 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024), **counts, "steps": steps}


def measure_owed(db: Path) -> dict:
    """Run in a child process: the corpus step a build owes after documents were added (not forced), each step timed."""
    from newsgraph.run import resolve_corpus
    from newsgraph.store.sqlite import open_store

    store = open_store(db)
    t0, c0 = time.perf_counter(), time.process_time()
    steps: dict = {}
    ran = resolve_corpus(store, timings=steps)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    store.close()
    return {"ran": ran, "wall_s": round(wall, 1), "cpu_s": round(cpu, 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024), "steps": steps}


def _child(flag: str, db: Path, base: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--base", str(base), flag, str(db)], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"{flag} on {db} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", type=Path, required=True, help="a store built by newsgraph build (e.g. the BBC corpus)")
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 30_000, 100_000])
    ap.add_argument("--work", type=Path, default=Path("/tmp/ng-scale"))
    ap.add_argument("--existing", action="store_true", help="measure the store in --work as it is (no copy, no growth)")
    ap.add_argument("--people", choices=("per-copy", "shared"), default="per-copy",
                    help="per-copy: each copy brings its own people (the entity table grows with the corpus); shared: "
                         "every copy names the same people, so only the mentions grow (memory that is not the entity table's)")
    ap.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--measure-owed", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return
    if args.measure_owed:
        print(json.dumps(measure_owed(args.measure_owed)))
        return
    from bench_web import grow

    args.work.mkdir(parents=True, exist_ok=True)
    db = args.work / "scale.db"
    if not args.existing:
        shutil.copy(args.base, db)
    rows = []
    for size in sorted(args.sizes):
        t = time.perf_counter()
        if not args.existing:
            grow(db, size)
            vary_names(db, people=args.people == "per-copy")
            print(f"grown to {size} in {time.perf_counter() - t:.0f} s", flush=True)
        row = {"size": size, **_child("--measure", db, args.base)}
        print(json.dumps(row), flush=True)
        grow(db, row["documents"] + 100, refresh=False)
        vary_names(db, people=args.people == "per-copy")
        row["add_100"] = _child("--measure-owed", db, args.base)
        print(json.dumps({"size": size, "add_100": row["add_100"]}), flush=True)
        rows.append(row)
    print("\n| documents | mentions | events | entities | wall s | CPU s | peak RSS MB | +100 documents: CPU s (entities) | peak RSS MB |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        add = r["add_100"]
        print(f"| {r['documents']:,} | {r['mentions']:,} | {r['events']:,} | {r['entities']:,} | {r['wall_s']} | {r['cpu_s']} "
              f"| {r['peak_rss_mb']} | {add['cpu_s']} ({add['steps']['mode']}: {add['steps']['entities']['cpu_s']}) | {add['peak_rss_mb']} |")


if __name__ == "__main__":
    main()
