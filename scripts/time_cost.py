"""The time stage's cost as a share of the spaCy parse, both measured in the same run on the same texts.

The script normalizes N articles, parses them with ``nlp.pipe`` (CPU time, after a short warm-up) with the
build's pipeline and with bare spaCy (the benchmark's floor, whose rule components cost more),
then runs the ``times`` and ``pubdate`` stages on those Docs K times (each round from a fresh
Context, the shared readings dropped) and reports the best round's CPU against the parse's. On a
shared machine both numbers move; the ratio moves much less, so only the ratio is worth quoting.

    .venv/bin/python scripts/time_cost.py ../shared/corpus/bbc --limit 300 --rounds 5
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    from newsgraph.extract import Context, pubdate, sentences, times
    from newsgraph.extract.time_readings import CANDIDATES_KEY
    from newsgraph.ingest import content_id
    from newsgraph.lexicons import places
    from newsgraph.model import Article, DocumentAnalysis
    from newsgraph.nlp import load_bare, load_pipeline
    from newsgraph.normalize import normalize

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path, help="a folder of .txt articles (searched recursively)")
    ap.add_argument("--limit", type=int, default=300, help="articles to use (sorted by path)")
    ap.add_argument("--rounds", type=int, default=5, help="rounds of the time stage; the best is reported")
    args = ap.parse_args()

    files = sorted(p for p in args.corpus.rglob("*.txt") if not p.name.upper().startswith("README"))[: args.limit]
    if not files:
        sys.exit(f"no .txt files under {args.corpus}")
    texts = [p.read_bytes().decode("utf-8", errors="replace") for p in files]
    nlp = load_pipeline()
    known = places.known_words()
    norms = [normalize(t, known) for t in texts]
    list(nlp.pipe([n.text for n in norms[:20]]))  # warm-up: the first batches pay for lazy loading
    start = time.process_time()
    docs = list(nlp.pipe([n.text for n in norms], batch_size=32))
    parse = time.process_time() - start
    bare_nlp = load_bare()  # the benchmark's floor: the stock model, without the build's cheaper rule components
    list(bare_nlp.pipe([n.text for n in norms[:20]]))
    start = time.process_time()
    for _ in bare_nlp.pipe([n.text for n in norms], batch_size=32):
        pass
    bare = time.process_time() - start
    articles = [Article(id=content_id(t), text=t, path=str(p)) for t, p in zip(texts, files)]

    def one_round() -> float:
        contexts = []
        for article, norm, doc in zip(articles, norms, docs):
            doc.user_data.pop(CANDIDATES_KEY, None)
            ctx = Context(article=article, norm=norm, doc=doc, result=DocumentAnalysis(article=article))
            sentences(ctx)  # a stage the time stage needs; not part of its cost
            contexts.append(ctx)
        start = time.process_time()
        for ctx in contexts:
            times.extract(ctx)
            pubdate.extract(ctx)
        return time.process_time() - start

    best = min(one_round() for _ in range(max(1, args.rounds)))
    print(f"{len(docs)} articles: parse {parse:.2f} s CPU (bare spaCy {bare:.2f} s), times + pubdate {best:.3f} s CPU "
          f"(best of {args.rounds}): {100 * best / bare:.2f}% of bare spaCy's parse, {100 * best / parse:.2f}% of the "
          "build's own parse")


if __name__ == "__main__":
    main()
