"""Training the statistical engine (``newsgraph.techniques.statistical``) on labelled PTC articles.

The three models are fitted on the training articles; the span threshold and the
per-technique thresholds are chosen on out-of-fold predictions inside those
articles (each article scored by models that did not see it), then every model
is refitted on all of them. Nothing here runs in a build.
"""

from __future__ import annotations

import time
import warnings
from collections import Counter
from dataclasses import dataclass
from typing import Callable

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from spacy.tokens import Doc

from newsgraph.techniques import DEFAULT_MIN_SCORE, TECHNIQUES
from newsgraph.techniques import pieces as piece_module
from newsgraph.techniques.statistical import (N_FEATURES, DocFeatures, TechniqueModel, WordRates, _score, _stacked,
                                              article_level, calm_penalty, char_to_tokens, features, hash_rows, runs,
                                              span_features, token_char_spans, widen)
from newsgraph.training.scorer import span_identification

@dataclass
class _Example:
    id: str
    doc: Doc
    feats: DocFeatures
    chars: list[tuple[int, int]]
    gold: list  # GoldSpan
    y_tokens: np.ndarray
    y_sentences: np.ndarray
    spans: list[tuple[int, int, str]]  # gold spans in token offsets, with their technique


def _example(article, norm, doc, pieces=None) -> _Example:
    feats = features(doc, pieces=pieces)
    chars = token_char_spans(doc, norm)
    y = np.zeros(len(doc), dtype=np.int8)
    spans = []
    for g in article.spans:
        rng = char_to_tokens(chars, g.start, g.end)
        if rng:
            y[rng[0] : rng[1]] = 1
            spans.append((rng[0], rng[1], g.technique))
    ys = np.zeros(feats.sentences.shape[0], dtype=np.int8)
    if len(y):
        np.maximum.at(ys, feats.sent_of, y)
    return _Example(article.id, doc, feats, chars, article.spans, y, ys, spans)


def _examples(articles, parsed, progress: Callable[[str], None] | None, pieces=None) -> list[_Example]:
    if parsed is None:
        from newsgraph.training.parse import parse

        parsed = parse(a.text for a in articles)
    out = []
    for n, (article, (norm, doc)) in enumerate(zip(articles, parsed), 1):
        out.append(_example(article, norm, doc, pieces))
        if progress and n % 50 == 0:
            progress(f"features of {n}/{len(articles)} articles")
    return out


class _Constant:
    """Stands in for a classifier when the training rows hold a single class (a tiny or one-sided training set)."""

    def __init__(self, label, binary: bool = False):
        self.label, self.binary = label, binary
        self.classes_ = np.array([0, 1]) if binary else np.array([label])

    def predict_proba(self, X) -> np.ndarray:
        ones = np.ones((X.shape[0], 1))
        if self.binary:
            return np.hstack([ones, 0 * ones]) if self.label == 0 else np.hstack([0 * ones, ones])
        return ones


# The solvers shuffle the rows they visit; saga stops after 100 passes short of convergence, so an unseeded fit of
# the same articles gave a different technique classifier each time (SI F1 0.236 and 0.223 on the quality gate's
# slice in two CI runs of the same commit). A fixed seed makes training a function of its articles.
SEED = 0


def _fit_binary(X, y: np.ndarray, c: float):
    if len(np.unique(y)) < 2:
        return _Constant(int(y[0]) if len(y) else 0, binary=True)
    return LogisticRegression(C=c, solver="liblinear", max_iter=200, random_state=SEED).fit(X, y)


def _fit_sentence(examples: list[_Example], c: float):
    X = sp.vstack([ex.feats.sentences for ex in examples], format="csr")
    return _fit_binary(X, np.concatenate([ex.y_sentences for ex in examples]), c)


def _fit_finder(examples: list[_Example], stacked: dict[str, sp.csr_matrix], c: float):
    X = sp.vstack([stacked[ex.id] for ex in examples], format="csr")
    return _fit_binary(X, np.concatenate([ex.y_tokens for ex in examples]), c)


def _fit_classifier(examples: list[_Example], c: float):
    rows, labels = [], []
    for ex in examples:
        for s, e, technique in ex.spans:
            rows.append(span_features(ex.doc, ex.feats, s, e))
            labels.append(technique)
    if len(set(labels)) < 2:
        return _Constant(labels[0] if labels else "Loaded_Language")
    # saga: lbfgs needs minutes on these count features, saga reaches the same accuracy in seconds.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return LogisticRegression(C=c, solver="saga", max_iter=100, random_state=SEED).fit(hash_rows(rows), labels)


def _si(examples: list[_Example], spans: list[list[tuple[int, int]]]):
    pred, gold = [], []
    for ex, found in zip(examples, spans):
        pred.extend((ex.id, ex.chars[s][0], ex.chars[e - 1][1]) for s, e in found)
        gold.extend((ex.id, g.start, g.end) for g in ex.gold)
    return span_identification(pred, gold)


SPAN_GRID = tuple(round(t, 3) for t in np.arange(0.15, 0.651, 0.025))
TECHNIQUE_GRID = tuple(round(t, 3) for t in np.arange(0.15, 0.951, 0.05))


def tune_thresholds(examples: list[_Example], probs: list[np.ndarray], labels_for: Callable, min_precision: float = 0.0,
                    progress: Callable[[str], None] | None = None, span_min_precision: float = 0.0,
                    widen_spans: bool = True) -> tuple[float, dict[str, float], dict]:
    """The span threshold and per-technique thresholds with the best SI F1 on out-of-fold probabilities.

    `labels_for(i, spans)` gives the technique of each candidate span of example
    i (from a classifier that did not see that example). The span threshold is
    the best for F1 among those whose precision reaches `span_min_precision`; the
    per-technique thresholds then rise above it, keeping the best F1 among the
    operating points whose precision reaches `min_precision`, when any does. A
    span threshold held to the precision floor as well would cut recall twice.
    Before the per-technique thresholds, with `widen_spans`, each technique's spans
    are widened to their sentence (``statistical.widen``) when that raises the same
    objective; the techniques chosen are ``info["sentence_wide"]``.
    """

    def objective(score, floor: float) -> float:
        return score.f1 if score.precision >= floor else score.f1 - 1.0

    by_t = {t: _si(examples, [[(s, e) for s, e, _ in runs(ex.feats, p, t)] for ex, p in zip(examples, probs)]) for t in SPAN_GRID}
    threshold = max(by_t, key=lambda t: objective(by_t[t], span_min_precision))
    candidates = [runs(ex.feats, p, threshold) for ex, p in zip(examples, probs)]
    labelled = [[(s, e, m, k) for (s, e, m), (k, _) in zip(found, labels_for(i, [(s, e) for s, e, _ in found]))]
                for i, found in enumerate(candidates)]
    thresholds = {k: threshold for k in TECHNIQUES}
    present = Counter(k for found in labelled for *_, k in found)
    # Techniques said by whole sentences: each one's spans widened to the sentence when that raises SI F1 here.
    wide: set[str] = set()
    if widen_spans:
        def widened(kinds):
            return [widen(ex.feats, found, kinds) for ex, found in zip(examples, labelled)]

        best = _si(examples, [[(s, e) for s, e, *_ in found] for found in labelled])
        for k, _n in present.most_common():
            got = _si(examples, [[(s, e) for s, e, *_ in found] for found in widened(wide | {k})])
            if objective(got, min_precision) > objective(best, min_precision) + 1e-6:
                wide, best = wide | {k}, got
        labelled = widened(wide)

    def score_with(th: dict[str, float]):
        return _si(examples, [[(s, e) for s, e, m, k in found if m >= th[k]] for found in labelled])

    best = score_with(thresholds)
    for _ in range(2):
        for k, _n in present.most_common():
            for t in (threshold,) + tuple(x for x in TECHNIQUE_GRID if x > threshold):
                trial = dict(thresholds, **{k: t})
                got = score_with(trial)
                if objective(got, min_precision) > objective(best, min_precision) + 1e-6:
                    thresholds, best = trial, got
        if progress:
            progress(f"per-technique thresholds: SI F1 {best.f1:.3f} (P {best.precision:.3f}) on held-out training folds")
    info = {"span_threshold_si": by_t[threshold].as_dict(), "tuned_si": best.as_dict(), "sentence_wide": sorted(wide)}
    return threshold, thresholds, info


GATE_LOSS = 0.01  # the share of held-out candidate spans the sentence gate may drop


def sentence_gate(examples: list[_Example], probs: list[np.ndarray], sentence_oof: dict[str, np.ndarray],
                  threshold: float) -> float:
    """The sentence score below which the model skips a sentence's tokens: the highest bar that keeps all but
    ``GATE_LOSS`` of the candidate spans at `threshold` on the held-out training folds (out-of-fold scores, so
    the bar holds on articles the scorer did not see). A span lies in one sentence, and a skipped sentence
    changes nothing in the others, so the kept spans are exactly the ungated ones."""
    q = [float(sentence_oof[ex.id][ex.feats.sent_of[s]]) for ex, p in zip(examples, probs) for s, _, _ in runs(ex.feats, p, threshold)]
    return round(float(np.quantile(q, GATE_LOSS)), 4) if q else 0.0


def encoder_gate(examples: list[_Example], scored: list[list[tuple[int, int, float]]], sentence_oof: dict[str, np.ndarray],
                 calm: dict | None, min_score: float) -> float | None:
    """The bar on a sentence's score less its article's calm penalty (``statistical.reading_mask``) below which a
    model that reads the encoder or a tagger does not read the sentence closely: the highest that keeps all but
    ``GATE_LOSS`` of the spans shown at the default `min-score` on the held-out training folds (`scored`: their
    out-of-fold spans).

    The encoder is what a MiniLM model pays for (MiniLM on every sentence it reads costs about three times the
    parse); plain reporting reads calm, so its penalty takes most of its sentences below this bar: on 300 BBC
    articles the held-out folds of ptc-dev chose bars that encode 13-14% of the sentences instead of 82-87%. A
    word-window tagger (``piece_tagger``) costs far less, and the bar keeps its model near the light model's cost:
    it reads 20% of those articles' tokens closely, the ``--piece-vectors`` model 64%."""
    q = []
    for ex, found in zip(examples, scored):
        probs = sentence_oof[ex.id]
        penalty = calm_penalty(calm, article_level(probs))
        q += [float(probs[ex.feats.sent_of[s]]) - penalty for s, _, score in found if score - penalty >= min_score]
    return round(float(np.quantile(q, GATE_LOSS)), 4) if q else None  # nothing shown: no bar to set


# The default min-score and the calm-article prior (``statistical.calm_penalty``) are chosen on the held-out training
# folds: the priors tried lower the scores of articles whose level is under one of these quantiles of the training
# articles' levels, by these weights (with 1.0 a span loses as much score as its article's level lies under it).
CALM_QUANTILES = (0.2, 0.3, 0.4, 0.5, 0.6)
CALM_WEIGHTS = (0.25, 0.5, 1.0)
MIN_SCORE_GRID = tuple(round(float(t), 2) for t in np.arange(0.40, 0.705, 0.01))


def choose_default(examples: list[_Example], scored: list[list[tuple[int, int, float]]], levels: list[float],
                   parts: list[list[int]], min_precision: float = 0.35) -> tuple[dict | None, float, dict]:
    """The calm-article prior and the default min-score, from out-of-fold scored spans (start, end, score) of every
    example, each example's level (``statistical.article_level`` of out-of-fold sentence scores) and the folds.

    For each prior (none, or ``CALM_QUANTILES`` x ``CALM_WEIGHTS``), the min-score with the best pooled SI F1 among
    those with precision at least `min_precision`; then, of the priors whose best F1 is within one standard error
    (of that F1 across the folds) of the best prior's, the strongest (largest mean penalty over these articles),
    with its min-score. On ptc-dev the F1 hardly moves as calm articles lose their marks, while plain reporting,
    whose articles mostly read calm, loses most of its marks: the one-standard-error rule takes the prior as far
    as the held-out folds allow without a measurable loss.
    """
    quantiles = sorted({round(float(np.quantile(levels, q)), 4) for q in CALM_QUANTILES}) if levels else []
    priors: list[dict | None] = [None] + [{"below": b, "weight": w} for b in quantiles for w in CALM_WEIGHTS]
    penalties = [[calm_penalty(p, lv) for p in priors] for lv in levels]
    # SI sums (precision sum, predicted, recall sum, gold) of an example's spans scored at least t, additive over
    # examples; a set of kept spans is its strongest n, so each example has at most len(spans) + 1 of them
    ranked = [sorted(found, key=lambda x: -x[2]) for found in scored]
    cache: list[dict] = [{} for _ in examples]

    def sums(j: int, t: float) -> np.ndarray:
        n = sum(1 for x in ranked[j] if x[2] >= t)
        got = cache[j].get(n)
        if got is None:
            s = _si([examples[j]], [[(a, b) for a, b, _ in ranked[j][:n]]])
            got = cache[j][n] = np.array([s.precision * s.predicted, s.predicted, s.recall * s.gold, s.gold])
        return got

    def f1_of(t):
        p = t[0] / t[1] if t[1] else 0.0
        r = t[2] / t[3] if t[3] else 0.0
        return p, (2 * p * r / (p + r) if p + r else 0.0)

    best_of = []
    for k, prior in enumerate(priors):
        options = []
        for cut in MIN_SCORE_GRID:
            folds = [sum((sums(j, cut + penalties[j][k]) for j in part), np.zeros(4)) for part in parts]
            p, f1 = f1_of(sum(folds))
            if p >= min_precision:
                se = float(np.std([f1_of(f)[1] for f in folds], ddof=1) / np.sqrt(len(folds))) if len(folds) > 1 else 0.0
                options.append((f1, cut, p, se))
        if options:
            best_of.append((max(options), prior, k))
    if not best_of:
        return None, DEFAULT_MIN_SCORE, {"calm": None, "min_score": DEFAULT_MIN_SCORE, "reason": "no min-score reached the precision floor"}
    (top_f1, _, _, top_se), _, _ = max(best_of, key=lambda x: x[0][0])
    near = [x for x in best_of if x[0][0] >= top_f1 - top_se]
    (f1, cut, p, se), prior, k = max(near, key=lambda x: (float(np.mean([pen[x[2]] for pen in penalties])), x[0][0]))
    return prior, cut, {"calm": prior, "min_score": cut, "si_f1": round(float(f1), 4), "si_precision": round(float(p), 4),
                        "best_f1": round(float(top_f1), 4), "se": round(top_se, 4)}


# The optional encoder's columns (`techniques train --encoder`): MiniLM token vectors on their 64 principal
# directions, each with standard deviation 0.3 beside the finder's 0/1 hashed features (the first setting tried).
ENCODER_DIMS = 64
ENCODER_SCALE = 0.3


def _encode(examples: list[_Example], dims: int, scale: float, progress: Callable[[str], None] | None):
    """The optional encoder's token vectors of every example, projected (``encoder.Projection``, fitted on these
    articles' tokens) into ``feats.dense``; the projection."""
    from newsgraph.techniques import encoder

    encoder.require()
    vectors = []
    for n, ex in enumerate(examples, 1):
        vectors.append(encoder.token_vectors(ex.doc))
        if progress and n % 50 == 0:
            progress(f"{encoder.NAME} vectors of {n}/{len(examples)} articles")
    every = np.concatenate(vectors) if vectors else np.zeros((0, encoder.DIM), dtype=np.float32)
    projection = encoder.Projection.fit(every[every.any(axis=1)], dims, scale)
    for ex, v in zip(examples, vectors):
        ex.feats.dense = projection(v)
    return projection


TAGGER_FOLDS = 2  # the tagger's out-of-fold probabilities of the training articles come from this many fits


def _tag(examples: list[_Example], progress: Callable[[str], None] | None, folds: int = TAGGER_FOLDS, **options):
    """Fine-tune the optional token tagger (``newsgraph.techniques.tagger``): the finder's training rows read
    probabilities from taggers fitted on the other `folds` - 1 parts of the articles (as an unseen article's are
    from the final tagger), appended to ``feats.dense``; the tagger fitted on every article is returned."""
    from newsgraph.techniques import encoder, tagger

    encoder.require()
    started = time.time()
    parts = [encoder.doc_sentences(ex.doc) for ex in examples]
    flat = [p[2] for part in parts for p in part]
    lower = tagger.lower_states(flat)
    labels = [ex.y_tokens[s0:s1] for ex, part in zip(examples, parts) for s0, s1, _ in part]
    owner = np.repeat(np.arange(len(examples)), [len(part) for part in parts])
    if progress:
        progress(f"tagger: {len(flat)} sentences through the frozen layers in {time.time() - started:.0f} s")
    probs = [np.full(len(ex.y_tokens), np.nan) for ex in examples]
    for f in range(folds):
        held = owner % folds == f
        model = tagger.fit([s for s, h in zip(lower, held) if not h], [y for y, h in zip(labels, held) if not h],
                           progress=progress, **options)
        rows = np.flatnonzero(held)
        logits = model.piece_logits([lower[i][0] for i in rows])
        k = 0
        for j in np.flatnonzero(np.arange(len(examples)) % folds == f):
            for s0, s1, _ in parts[j]:
                i = rows[k]
                probs[j][s0:s1] = tagger._token_probs(1 / (1 + np.exp(-logits[k])), lower[i][1], s1 - s0)
                k += 1
    _append_tagger_columns(examples, probs)
    final = tagger.fit(lower, labels, progress=progress, **options)
    if progress:
        progress(f"tagger fitted ({time.time() - started:.0f} s)")
    return final


def _append_tagger_columns(examples: list[_Example], probs: list[np.ndarray]) -> None:
    """Each example's out-of-fold tagger probabilities, as the finder's columns (``tagger.columns``), after its
    other dense columns."""
    from newsgraph.techniques import tagger

    for ex, p in zip(examples, probs):
        cols = tagger.columns(p, ex.feats.sent_of)
        ex.feats.dense = cols if ex.feats.dense is None else np.hstack([ex.feats.dense, cols])


def _piece_tag(examples: list[_Example], pieces, progress: Callable[[str], None] | None, folds: int = TAGGER_FOLDS):
    """Train the word-window tagger over word-piece vectors (``techniques.piece_tagger``) as ``_tag`` trains the
    fine-tuned one: the finder's training rows read probabilities from networks fitted on the other `folds` - 1
    parts of the articles; the network fitted on every article is returned."""
    from newsgraph.techniques import piece_tagger

    started = time.time()
    probs: list[np.ndarray] = [np.zeros(0)] * len(examples)
    for f in range(folds):
        rest = [ex for j, ex in enumerate(examples) if j % folds != f]
        fitted = piece_tagger.fit(pieces, [ex.doc for ex in rest], [ex.y_tokens for ex in rest], progress=progress)
        for j in range(f, len(examples), folds):
            probs[j] = fitted.token_probabilities(examples[j].doc)
    _append_tagger_columns(examples, probs)
    final = piece_tagger.fit(pieces, [ex.doc for ex in examples], [ex.y_tokens for ex in examples], progress=progress)
    if progress:
        progress(f"piece tagger fitted ({time.time() - started:.0f} s)")
    return final


def train(articles, progress: Callable[[str], None] | None = None, parsed=None, folds: int = 5,
          c_sentence: float = 0.1, c_finder: float = 0.1, c_classifier: float = 2.0,
          min_precision: float = 0.35, span_min_precision: float = 0.35,
          encoder_dims: int = 0, encoder_scale: float = ENCODER_SCALE, tagger: bool = False,
          tagger_options: dict | None = None, piece_vectors: bool = False, piece_tagger: bool = False) -> TechniqueModel:
    """Fit the three models on labelled PTC articles (``parsed``: their (norm, Doc) pairs, when already parsed).

    Thresholds come from `folds`-fold cross-validation inside these articles:
    each article's probabilities and span labels come from models fitted on the
    other folds; the span threshold with the best SI F1 there (at precision
    `span_min_precision` or more), then the per-technique thresholds with the
    best SI F1 at precision `min_precision` or more, are kept; then all models are
    refitted on every article. `span_min_precision` 0 (span threshold for F1
    alone) raised SI F1 on the gate slice from 0.18 to 0.29 but precision fell
    from 0.36 to 0.29: the per-technique search cannot climb back to the floor
    one technique at a time, so the default keeps the floor on both.

    Five inner folds rather than three: the inner models are then fitted on 80% of the
    articles, close to the refitted ones. With three, the refitted models scored the
    held-out folds of a 5-fold cross-validation on ptc-dev more strictly than the
    thresholds assumed (precision 0.37-0.48 against 0.36 aimed at, recall 0.21).

    `encoder_dims` > 0: the span finder also reads the optional encoder's contextual token vectors
    (``newsgraph.techniques.encoder``), projected on that many principal directions, each scaled to
    standard deviation `encoder_scale`; the model then needs the encoder wherever it is applied.

    `piece_vectors`: the sentence scorer and the finder also read word-piece vectors (``techniques.pieces``),
    taken from the optional extra's wheel and kept in the model, which then applies without the extra.

    `piece_tagger`: word-piece vectors, and the finder also reads a small network trained on them
    (``techniques.piece_tagger``; training needs torch from the extra, applying numpy alone).
    """
    started = time.process_time()
    pieces = None
    piece_vectors = piece_vectors or piece_tagger
    if piece_vectors:
        if encoder_dims > 0 or tagger:
            from newsgraph.errors import InputError

            raise InputError("word-piece vectors go without --encoder and --tagger: both feed the finder's dense columns")
        if parsed is None:
            from newsgraph.training.parse import parse

            parsed = parse(a.text for a in articles)
        parsed = list(parsed)
        pieces = piece_module.from_wheel().fit([piece_module.doc_inputs(doc) for _, doc in parsed])
    examples = _examples(articles, parsed, progress, pieces)
    if len(examples) < 2:
        from newsgraph.errors import InputError

        raise InputError("training needs at least two labelled articles")
    projection = _encode(examples, encoder_dims, encoder_scale, progress) if encoder_dims > 0 else None
    token_tagger = _tag(examples, progress, **(tagger_options or {})) if tagger else None
    if piece_tagger:
        token_tagger = _piece_tag(examples, pieces, progress)
    folds = max(2, min(folds, len(examples)))
    parts = [list(range(i, len(examples), folds)) for i in range(folds)]
    # Sentence scores for the finder's training rows come from sentence scorers that did not see the article.
    sentence_oof: dict[str, np.ndarray] = {}
    for part in parts:
        inside = set(part)
        model = _fit_sentence([ex for j, ex in enumerate(examples) if j not in inside], c_sentence)
        for j in part:
            ex = examples[j]
            sentence_oof[ex.id] = model.predict_proba(ex.feats.sentences)[:, 1] if ex.feats.sentences.shape[0] else np.zeros(0)
    # Word rates: the final model counts them over every training article. A finder's training rows read them
    # counted without their own article, and an inner fold's finder scores its held-out fold with rates counted
    # without that fold: every row reads rates that never counted its own labels, as an unseen article does,
    # and the rows of the inner finders (which choose the thresholds) and the final one read them alike.
    own = [WordRates.count([(ex.feats.word_keys, ex.feats.pair_keys, ex.y_tokens)]) for ex in examples]
    rates = WordRates.count((ex.feats.word_keys, ex.feats.pair_keys, ex.y_tokens) for ex in examples)
    fold_of = {j: f for f, part in enumerate(parts) for j in part}
    without = [rates.minus(WordRates.count((examples[j].feats.word_keys, examples[j].feats.pair_keys, examples[j].y_tokens)
                                           for j in part)) for part in parts]
    if progress:
        progress(f"sentence scorer cross-validated; fitting the span finder on {folds} folds")
    probs: list[np.ndarray] = [np.zeros(0)] * len(examples)
    classifiers = {}
    for f, part in enumerate(parts):
        inside = set(part)
        rest = [ex for j, ex in enumerate(examples) if j not in inside]
        rows = {examples[j].id: _stacked(examples[j].feats, sentence_oof[examples[j].id], without[f].excluding(own[j]))
                for j in range(len(examples)) if j not in inside}
        finder = _fit_finder(rest, rows, c_finder)
        del rows
        classifiers[f] = _fit_classifier(rest, c_classifier)
        for j in part:
            ex = examples[j]
            probs[j] = finder.predict_proba(_stacked(ex.feats, sentence_oof[ex.id], without[f]))[:, 1] if len(ex.y_tokens) else np.zeros(0)

    def labels_for(i: int, spans: list[tuple[int, int]]):
        probe = TechniqueModel(None, None, classifiers[fold_of[i]], 0.5, {}, {})
        return probe.classify(examples[i].doc, examples[i].feats, spans)

    threshold, thresholds, info = tune_thresholds(examples, probs, labels_for, min_precision, progress, span_min_precision)
    gate = sentence_gate(examples, probs, sentence_oof, threshold)
    # the held-out folds' spans scored as the refitted model scores them, for the default min-score and the prior
    scored = []
    for i, ex in enumerate(examples):
        found = runs(ex.feats, probs[i], threshold)
        labelled = [(s, e, m, k) for (s, e, m), (k, _) in zip(found, labels_for(i, [(s, e) for s, e, _ in found]))]
        scored.append([(s, e, _score(m, threshold, thresholds.get(k, threshold)))
                       for s, e, m, k in widen(ex.feats, labelled, frozenset(info["sentence_wide"]))])
    calm, min_score, chosen = choose_default(examples, scored, [article_level(sentence_oof[ex.id]) for ex in examples],
                                             parts, min_precision)
    if progress:
        progress(f"default min-score {min_score}, calm-article prior {calm} (held-out training folds: SI F1 "
                 f"{chosen.get('si_f1')}, P {chosen.get('si_precision')})")
    reading = None
    if projection is not None or token_tagger is not None:
        reading = encoder_gate(examples, scored, sentence_oof, calm, min_score)
        if progress:
            progress(f"encoder gate {reading} (sentence score less the calm penalty)")
    if progress:
        progress(f"span threshold {threshold}; fitting on all {len(examples)} articles")
    sentence = _fit_sentence(examples, c_sentence)
    if pieces is not None and hasattr(sentence, "coef_"):
        # the scorer's weights on the 384 piece columns become one score per piece (``PieceVectors.collapse``); the
        # scorer then reads one column, whose weight is 1
        pieces.collapse(sentence.coef_[0, N_FEATURES:])
        sentence.coef_ = np.hstack([sentence.coef_[:, :N_FEATURES], np.ones((1, 1))])
        sentence.n_features_in_ = N_FEATURES + 1
    finder = _fit_finder(examples, {ex.id: _stacked(ex.feats, sentence_oof[ex.id], rates.excluding(own[j]))
                                    for j, ex in enumerate(examples)}, c_finder)
    classifier = _fit_classifier(examples, c_classifier)
    meta = {"articles": len(examples), "gold_spans": sum(len(ex.gold) for ex in examples), "folds": folds,
            "cross_validated": info, "sentence_gate": gate, "encoder_gate": reading, "sentence_wide": info["sentence_wide"],
            "min_score": min_score, "calm": calm, "default_chosen": chosen, "cpu_seconds": round(time.process_time() - started, 1)}
    if projection is not None:
        from newsgraph.techniques import encoder

        meta["encoder"] = {"name": encoder.NAME, "dims": projection.dims, "scale": projection.scale}
    if token_tagger is not None:
        meta["piece_tagger" if piece_tagger else "tagger"] = token_tagger.meta
    if pieces is not None:
        meta["pieces"] = {"name": pieces.name, "sentence_scale": piece_module.SENTENCE_SCALE,
                          "token_dims": pieces.projection.dims, "token_scale": piece_module.TOKEN_SCALE}
    return TechniqueModel(sentence, finder, classifier, threshold, thresholds, meta, rates, projection, token_tagger,
                          pieces)
