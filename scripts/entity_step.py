"""The entity step alone on a copy of a store: its peak memory, its time, and a digest of every table it writes.

Two trees' entity resolution give the same tables when their digests agree (each table's rows in rowid order,
the mentions' entities by mention id; a redirect without the time it was written), so a change meant to
save memory or time can be checked on a 100,000-document store without exporting it. Run once per tree, each
in a fresh process (the peak is the process's):

    PYTHONPATH=/work/main .venv/bin/python scripts/entity_step.py /tmp/scale-100000.db
    PYTHONPATH=.          .venv/bin/python scripts/entity_step.py /tmp/scale-100000.db
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

TABLES = {
    "entities": "SELECT * FROM entities ORDER BY rowid",
    "entity_aliases": "SELECT * FROM entity_aliases ORDER BY rowid",
    "merges": "SELECT * FROM merges ORDER BY rowid",
    "entity_forms": "SELECT * FROM entity_forms ORDER BY rowid",
    "entity_roles": "SELECT * FROM entity_roles ORDER BY rowid",
    "entity_redirects": "SELECT old, entity, name, reason FROM entity_redirects ORDER BY rowid",
    "mention_entity": "SELECT id, entity FROM mentions ORDER BY id",
}


def digests(conn, tables: dict[str, str] = TABLES) -> dict[str, str]:
    """Each table's row count and the start of the SHA-256 of its rows (`tables`: name -> the query giving them
    in a fixed order; `scripts/corpus_steps.py` digests its tables with it too)."""
    out = {}
    for table, query in tables.items():
        h, n = hashlib.sha256(), 0
        for row in conn.execute(query):
            h.update(repr(tuple(row)).encode())
            n += 1
        out[table] = f"{n}:{h.hexdigest()[:16]}"
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("store", type=Path, help="a store built by newsgraph build (left as it is: a copy is resolved)")
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()), help="where the copy goes")
    ap.add_argument("--batch", type=int, default=None,
                    help="documents a batch (default: the step's own, `entities.ENTITY_BATCH`)")
    ap.add_argument("--whole", type=int, default=None,
                    help="documents resolved whole before the batches (default: `entities.ENTITY_WHOLE`, or --batch)")
    args = ap.parse_args()
    if (args.batch is not None and args.batch < 1) or (args.whole is not None and args.whole < 1):
        ap.error("--batch and --whole take a number of documents, at least 1")
    import newsgraph
    from newsgraph.resolve import entities
    from newsgraph.store.sqlite import open_store

    db = args.work / f"entity-step-{os.getpid()}.db"
    shutil.copy(args.store, db)
    try:
        store = open_store(db)
        t0, c0 = time.perf_counter(), time.process_time()
        with store.transaction():
            entities.resolve(store, batch=args.batch, whole=args.whole)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        row = {"tree": str(Path(newsgraph.__file__).parent.parent), "store": str(args.store),
               "whole": args.whole or args.batch or entities.ENTITY_WHOLE, "batch": args.batch or entities.ENTITY_BATCH,
               "wall_s": round(wall, 1), "cpu_s": round(cpu, 1),
               "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
               **digests(store.conn)}
        store.close()
    finally:
        for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
            path.unlink(missing_ok=True)
    print(json.dumps(row))


if __name__ == "__main__":
    main()
