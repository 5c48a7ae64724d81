"""Time and peak memory of the corpus step (entities, dates, facts, page tables) on 10k-100k documents.

Parsing 100,000 articles takes a day on two cores, and the corpus step only reads the store,
so the synthetic load is made in SQL from a real store (default: the whole BBC corpus built by
`newsgraph build`):
1. `bench_web.grow` repeats every document's rows with new ids (`<id>~<k>`) and publication
   dates shifted by k days until the store holds the target number of documents;
2. names vary between copies: in copy k every person mention gets a suffix on its last word
   ("Tony Blair" -> "Tony Blair~kb", "Blair" -> "Blair~kb"), so each copy brings its own people
   (the entity table grows with the corpus, as it does on real news) while states and
   organisations are shared across copies (their entities grow in mentions);
   each copy's text has its letters put through a substitution drawn for that copy (lengths and
   offsets unchanged), so the copy finder sees distinct texts, as in a real corpus, rather than
   every article 50 times over;
3. each size is measured in a fresh process: wall time, CPU time and peak RSS of
   `run.resolve_corpus(force=True)`, and of an incremental step after adding 100 documents.

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


def vary_names(db: Path) -> None:
    """Give each copy's people their own surnames (see the module docstring)."""
    from newsgraph.store.sqlite import open_store

    store = open_store(db)
    store.conn.create_function("disguise", 2, _disguise, deterministic=True)
    with store.transaction():
        store.conn.execute(
            """UPDATE documents SET text = disguise(text, CAST(substr(id, instr(id, '~') + 1) AS INTEGER))
               WHERE instr(id, '~') > 0 AND NOT EXISTS (SELECT 1 FROM meta WHERE key = 'disguised:' || documents.id)""")
        store.conn.execute(
            "INSERT OR IGNORE INTO meta(key, value) SELECT 'disguised:' || id, '1' FROM documents WHERE instr(id, '~') > 0")
        store.conn.execute("DELETE FROM text_signatures WHERE instr(doc, '~') > 0")
        store.conn.execute(
            """UPDATE mentions SET
                 name = name || (SELECT '~' || char(97 + (k % 26)) || char(97 + (k / 26 % 26))
                                 FROM (SELECT CAST(substr(doc, instr(doc, '~') + 1) AS INTEGER) AS k)),
                 key = key || (SELECT '~' || char(97 + (k % 26)) || char(97 + (k / 26 % 26))
                               FROM (SELECT CAST(substr(doc, instr(doc, '~') + 1) AS INTEGER) AS k))
               WHERE instr(doc, '~') > 0 AND instr(key, '~') = 0 AND label IN ('PERSON', 'NAME') AND place IS NULL"""
        )
    store.close()


def measure(db: Path) -> dict:
    """Run in a child process: the corpus step on `db`, forced, with its cost."""
    from newsgraph.run import resolve_corpus
    from newsgraph.store.sqlite import open_store

    store = open_store(db)
    t0, c0 = time.perf_counter(), time.process_time()
    resolve_corpus(store, force=True)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    counts = {t: store.conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
              for t in ("documents", "mentions", "events", "entities", "conflicts")}
    store.close()
    return {"wall_s": round(wall, 1), "cpu_s": round(cpu, 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024), **counts}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", type=Path, required=True, help="a store built by newsgraph build (e.g. the BBC corpus)")
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 30_000, 100_000])
    ap.add_argument("--work", type=Path, default=Path("/tmp/ng-scale"))
    ap.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return
    from bench_web import grow

    args.work.mkdir(parents=True, exist_ok=True)
    db = args.work / "scale.db"
    shutil.copy(args.base, db)
    rows = []
    for size in sorted(args.sizes):
        t = time.perf_counter()
        grow(db, size)
        vary_names(db)
        print(f"grown to {size} in {time.perf_counter() - t:.0f} s", flush=True)
        out = subprocess.run([sys.executable, __file__, "--base", str(args.base), "--measure", str(db)],
                             capture_output=True, text=True)
        if out.returncode != 0:
            sys.exit(f"measuring {size} documents failed:\n{out.stderr}")
        row = {"size": size, **json.loads(out.stdout.strip().splitlines()[-1])}
        rows.append(row)
        print(json.dumps(row), flush=True)
    print("\n| documents | mentions | events | entities | wall s | CPU s | peak RSS MB |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['documents']:,} | {r['mentions']:,} | {r['events']:,} | {r['entities']:,} | {r['wall_s']} | {r['cpu_s']} | {r['peak_rss_mb']} |")


if __name__ == "__main__":
    main()
