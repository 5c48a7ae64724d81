"""Scoring an engine on a labelled PTC folder, through the real per-document pipeline."""

from __future__ import annotations

import os
import time
from collections import Counter
from contextlib import contextmanager
from typing import Callable

from newsgraph.techniques import ENGINE_ENV, rules, statistical
from newsgraph.techniques.scorer import span_identification, technique_classification


@contextmanager
def engine(name: str):
    """Run the techniques stage with only `name` ("rules" or "model") inside the block."""
    old = os.environ.get(ENGINE_ENV)
    os.environ[ENGINE_ENV] = name
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(ENGINE_ENV, None)
        else:
            os.environ[ENGINE_ENV] = old


def evaluate(articles, engine_name: str = "rules", progress: Callable[[str], None] | None = None) -> dict:
    """SI and TC scores of one engine on labelled articles (a list of ptc.LabelledArticle).

    SI compares the spans the pipeline's techniques stage writes with the gold
    spans; TC asks the same engine for the technique of every gold span.
    """
    from newsgraph.ingest import content_id
    from newsgraph.model import Article
    from newsgraph.techniques.pipeline import analyze_one, parse

    model = None
    if engine_name == "model":
        model = statistical.load()
        if model is None:
            from newsgraph.errors import InputError

            raise InputError(f"no techniques model at {statistical.model_path()}: run `newsgraph techniques train DIR` first")
    predicted, gold, tc_pred, tc_gold = [], [], [], []
    by_technique = Counter()
    started = time.perf_counter()
    with engine(engine_name):
        for n, (item, (norm, doc)) in enumerate(zip(articles, parse(a.text for a in articles)), 1):
            article = Article(id=content_id(item.text), text=item.text, path=item.path)
            analysis = analyze_one(article, doc, norm)
            for t in analysis.techniques:
                if t.engine == engine_name:
                    predicted.append((item.id, t.start, t.end))
                    by_technique[t.technique] += 1
            gold.extend((item.id, g.start, g.end) for g in item.spans)
            chars = statistical.token_char_spans(doc, norm)
            feats = statistical.token_features(doc) if model else None
            hits = rules.find(doc) if not model else None
            for g in item.spans:
                tc_gold.append((item.id, g.start, g.end, g.technique))
                rng = statistical.char_to_tokens(chars, g.start, g.end)
                if rng is None:
                    label = "Loaded_Language"
                elif model:
                    label = model.classify(doc, feats, [rng])[0][0]
                else:
                    label = rules.classify_with(hits, *rng)
                tc_pred.append((item.id, g.start, g.end, label))
            if progress and n % 25 == 0:
                progress(f"scored {n}/{len(articles)} articles")
    si = span_identification(predicted, gold)
    tc = technique_classification(tc_pred, tc_gold)
    return {
        "engine": engine_name,
        "articles": len(articles),
        "si": si.as_dict(),
        "tc": tc.as_dict(),
        "predicted_by_technique": dict(by_technique.most_common()),
        "seconds": round(time.perf_counter() - started, 1),
    }


def score_file(articles, path: str) -> dict:
    """SI and TC scores of a predictions file (PTC label format) against labelled articles."""
    from newsgraph.errors import InputError

    ids = {a.id for a in articles}
    pred = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 4:
                raise InputError(f"{path}:{n}: expected 'id<TAB>technique<TAB>start<TAB>end'")
            if parts[0] in ids:
                pred.append((parts[0], int(parts[2]), int(parts[3]), parts[1]))
    gold = [(a.id, g.start, g.end, g.technique) for a in articles for g in a.spans]
    si = span_identification([p[:3] for p in pred], [g[:3] for g in gold])
    tc = technique_classification(pred, gold)
    return {"engine": f"predictions {path}", "articles": len(articles), "si": si.as_dict(), "tc": tc.as_dict()}
