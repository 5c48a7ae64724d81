"""How often a techniques model marks plain text: the share of sentences holding a model span scored at least S.

    python scripts/technique_density.py ../shared/corpus/bbc --model FILE [--limit 300] [--every 7] [--cuts 0.5,0.6]

Reads .txt files under FOLDER (sorted; with --every K, every K-th, so a sample spans the topic folders),
runs them through the real pipeline with the model, and prints, for several min-scores, the share of
sentences with at least one model span and with any span (rules or model), and the model's CPU cost as a
share of the spaCy parse (alone, and beside the rules whose hits it reuses, as a build runs it). On plain reporting a reader should see few highlights: issue 11 asks that the
default min-score marks at most one sentence in ten; the model's own default (``TechniqueModel.default_min_score``)
is always among the cuts reported.
"""

from __future__ import annotations

import argparse
import bisect
import time
from pathlib import Path

CUTS = (0.3, 0.4, 0.5, 0.6, 0.7)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("folder")
    ap.add_argument("--model", required=True, help="a model file written by `newsgraph techniques train`")
    ap.add_argument("--limit", type=int, default=300)
    ap.add_argument("--every", type=int, default=1)
    ap.add_argument("--cuts", default=",".join(map(str, CUTS)), help="the min-scores to report, comma-separated")
    args = ap.parse_args()

    from newsgraph.ingest.readers import decode
    from newsgraph.lexicons import places
    from newsgraph.nlp import load_pipeline
    from newsgraph.normalize import normalize
    from newsgraph.techniques import TechniqueOptions, find, rules

    files = sorted(Path(args.folder).rglob("*.txt"))[:: args.every][: args.limit]
    texts = [decode(p.read_bytes())[0] for p in files]
    nlp = load_pipeline(None)
    known = places.known_words()
    norms = [normalize(t, known).text for t in texts]
    started = time.process_time()
    docs = list(nlp.pipe(norms, batch_size=16))
    parse_cpu = time.process_time() - started
    options = TechniqueOptions("model", args.model)
    options.load_model()  # loading the file is not part of the per-document cost
    started = time.process_time()
    rule_results = [rules.find_with_hits(doc) for doc in docs]
    rules_cpu = time.process_time() - started
    rule_found = [r[0] for r in rule_results]
    # In a build the rules run anyway (engine "auto") and the model reuses their hits: its own cost is this.
    # Measured first, so that it pays for the model's cold caches (the feature-column map) itself.
    model = options.load_model()
    started = time.process_time()
    for doc, result in zip(docs, rule_results):
        model.find(doc, result)
    added_cpu = time.process_time() - started
    started = time.process_time()
    found = [find(doc, options) for doc in docs]
    model_cpu = time.process_time() - started
    sentences = sum(1 for doc in docs for _ in doc.sents)
    print(f"{len(docs)} articles, {sentences} sentences from {args.folder}")
    print(f"CPU: parse {parse_cpu:.1f} s, model engine alone (its rule features included, warm) {model_cpu:.1f} s "
          f"({100 * model_cpu / parse_cpu:.1f}% of the parse), "
          f"rules {rules_cpu:.1f} s ({100 * rules_cpu / parse_cpu:.1f}%); "
          f"the model beside the rules (their hits reused, as in a build) {added_cpu:.1f} s ({100 * added_cpu / parse_cpu:.1f}%)")
    own = model.default_min_score
    print(f"the model's default min-score (chosen in its training): {own}; calm-article prior: {model.calm}")
    for cut in sorted({float(c) for c in args.cuts.split(",")} | {own}):
        model_marked = rule_marked = 0
        for doc, spans, rule_spans in zip(docs, found, rule_found):
            starts = [s.start for s in doc.sents]
            m = {bisect.bisect_right(starts, f.start) for f in spans if f.score >= cut}
            r = {bisect.bisect_right(starts, f.start) for f in rule_spans if f.score >= cut}
            model_marked += len(m)
            rule_marked += len(m | r)
        print(f"min-score {cut}{' (default)' if cut == own else ''}: model marks {model_marked / sentences:.3f} of sentences; "
              f"model or rules {rule_marked / sentences:.3f}")


if __name__ == "__main__":
    main()
