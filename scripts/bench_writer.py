"""How many analysed documents per second the single writer stores, the ceiling of a distributed build.

In a build every worker parses and extracts on its own, but one process writes the store. Past the
rate measured here, adding workers does not make a build faster. The script analyses N articles
once (not timed), then times only `Store.write_document` for all of them into a fresh store, K
rounds (each round under fresh document ids, so nothing is a rewrite), and reports documents and
rows per second, the corpus step excluded.

    .venv/bin/python scripts/bench_writer.py ../shared/corpus/bbc --limit 300 --rounds 3
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    from newsgraph.ingest import read_inputs
    from newsgraph.pipeline import AnalysisOptions, analyze_batch
    from newsgraph.store.sqlite import open_store

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--limit", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()

    files = sorted(p for p in args.corpus.rglob("*.txt") if not p.name.upper().startswith(("README", "ORIGIN")))[: args.limit]
    articles = [i.article for i in read_inputs([str(p) for p in files]) if i.article is not None]
    t = time.perf_counter()
    results = [r for r in analyze_batch(articles, AnalysisOptions()) if hasattr(r, "mentions")]
    print(f"analysed {len(results)} articles in {time.perf_counter() - t:.0f} s (not part of the figure)")
    rows = sum(len(r.mentions) + len(r.events) + len(r.quotes) + len(r.amounts) + len(r.times) + len(r.descriptors) + len(r.sentences) for r in results)

    with tempfile.TemporaryDirectory(prefix="newsgraph-writer-") as tmp:
        store = open_store(Path(tmp) / "writer.db")
        rates = []
        for k in range(args.rounds):
            batch = [dataclasses.replace(r, article=dataclasses.replace(r.article, id=f"{r.article.id}~w{k}",
                                                                          path=f"{r.article.path}~w{k}")) for r in results]
            t0 = time.perf_counter()
            for r in batch:
                store.write_document(r, "bench")
            took = time.perf_counter() - t0
            rates.append(len(batch) / took)
            print(f"round {k + 1}: {len(batch)} documents in {took:.2f} s: {len(batch) / took:.0f} documents/s, {rows / took:,.0f} rows/s")
        store.close()
    best = max(rates)
    print(f"single writer: up to {best:.0f} documents/s ({best * 3600:,.0f} an hour) with {rows / len(results):.0f} rows per document")


if __name__ == "__main__":
    main()
