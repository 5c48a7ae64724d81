"""The corpus steps after entity resolution, on a store already resolved: each step's time and peak, and a digest of
every table they write.

The entity step is long and these steps only read its tables, so on a store whose corpus step has run once (a
`scale_corpus_step.py` store) they can be run again alone, in the order `run.corpus_steps` gives, to measure them
or to check that a change gives the same tables. Two trees agree when their digests agree (each table's rows in
rowid order; a document's publication date and notes; an event's fact group). Run once per tree, each in a fresh
process, on a copy (the steps rewrite their tables):

    PYTHONPATH=/work/main .venv/bin/python scripts/corpus_steps.py /tmp/copy.db --digest
    PYTHONPATH=.          .venv/bin/python scripts/corpus_steps.py /tmp/copy.db --digest --profile /tmp/prof
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

WRITTEN = ("copy_pairs", "copy_bands", "text_signatures", "copies", "date_signatures", "fact_states", "fact_candidates",
           "fact_events", "affiliations", "fact_groups", "conflicts", "conflict_values", "stories", "story_documents",
           "lineage", "lineage_reports", "actor_edges", "entity_event_rank", "event_edges", "event_order", "page_summary",
           "quote_order", "local_mentions")
TABLES = {**{t: f"SELECT * FROM {t} ORDER BY rowid" for t in WRITTEN},
          "document_dates": "SELECT id, published, published_inferred, notes FROM documents ORDER BY id",
          "event_groups": "SELECT id, grp FROM events WHERE grp IS NOT NULL ORDER BY id"}


def digests(conn) -> dict[str, str]:
    """Each table's row count and the start of the SHA-256 of its rows (a table without rowid in its key's order)."""
    from entity_step import digests as table_digests

    without_rowid = {t for t in WRITTEN if conn.execute("SELECT 1 FROM pragma_table_list WHERE name = ? AND wr", (t,)).fetchone()}
    return table_digests(conn, {t: f"SELECT * FROM {t}" if t in without_rowid else q for t, q in TABLES.items()})


def _peak_mb() -> int:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("store", type=Path, help="a copy of a resolved store (its tables are rewritten)")
    ap.add_argument("--only", nargs="+", help="run only these steps (names as in the timings), e.g. facts summary; none: digest only")
    ap.add_argument("--profile", type=Path, help="a directory: each step's cProfile statistics go to <step>.prof")
    ap.add_argument("--digest", action="store_true", help="digest the written tables after the steps")
    args = ap.parse_args()
    import cProfile

    import newsgraph
    from newsgraph.run import _let_go, corpus_steps
    from newsgraph.store.sqlite import open_store

    store = open_store(args.store)
    steps = {}
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    with store.transaction():
        for step in corpus_steps():
            name = step.__module__.rsplit(".", 1)[-1] + ("" if step.__name__ == "resolve" else f".{step.__name__}")
            if args.only and name not in args.only:
                continue
            wall, cpu = time.perf_counter(), time.process_time()
            if args.profile:
                prof = cProfile.Profile()
                prof.runcall(step, store)
                prof.dump_stats(args.profile / f"{name}.prof")
            else:
                step(store)
            _let_go()
            steps[name] = {"wall_s": round(time.perf_counter() - wall, 1), "cpu_s": round(time.process_time() - cpu, 1),
                           "peak_mb": _peak_mb()}
            print(json.dumps({name: steps[name]}), file=sys.stderr, flush=True)
    row = {"tree": str(Path(newsgraph.__file__).parent.parent), "store": str(args.store), "steps": steps}
    if args.digest:
        row["digests"] = digests(store.conn)
    store.close()
    print(json.dumps(row))


if __name__ == "__main__":
    main()
