"""The statistical engine: two linear models over hashed token features (scikit-learn).

- span finder: a logistic regression says, per token, whether it lies inside a
  propaganda span; runs of tokens above a threshold (tuned on a slice of the
  training data, gaps of one token bridged, sentence boundaries kept) become spans;
- technique classifier: a multinomial logistic regression gives each span one of
  the 14 PTC classes from its words, its sentence, the rule engine's hits on it
  and whether the phrase recurs in the document.

Features are plain strings hashed by ``FeatureHasher``, so the model file holds
only coefficients and nothing of the training text. Everything is computed from
the spaCy Doc alone, the same way at training and at prediction time.
"""

from __future__ import annotations

import bisect
import os
import warnings
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction import FeatureHasher
from sklearn.linear_model import LogisticRegression
from spacy.attrs import DEP, ENT_TYPE, HEAD, IS_ALPHA, IS_QUOTE, IS_STOP, LEMMA, LOWER, POS, SHAPE, TAG
from spacy.tokens import Doc

from newsgraph.techniques import Found, model_path, rules
from newsgraph.techniques.scorer import span_identification

FORMAT = 1
N_FEATURES = 2**20
_HASHER = FeatureHasher(n_features=N_FEATURES, input_type="string", alternate_sign=False)


def _bucket(n: int) -> str:
    return "1" if n <= 1 else "2" if n <= 2 else "3" if n <= 3 else "6" if n <= 6 else "12" if n <= 12 else "25" if n <= 25 else "L"


@dataclass
class DocFeatures:
    """Per-token feature strings of one Doc plus what the span classifier reuses."""

    tokens: list[list[str]]
    rule_hits: list[Found]
    counts: Counter


def token_features(doc: Doc, rule_result: tuple | None = None) -> DocFeatures:
    """Feature strings per token; `rule_result` is ``rules.find_with_hits(doc)`` when the caller has it already."""
    hits, lexical = rule_result or rules.find_with_hits(doc)
    by_token: list[list[str]] = [[] for _ in range(len(doc))]
    for f in hits:
        for i in range(f.start, f.end):
            by_token[i].append("rf=" + f.technique)
    for s, e, technique, _ in lexical:
        for i in range(s, e):
            by_token[i].append("rl=" + technique)
    # Token attributes read once as arrays: creating a Token object per access costs more than the rest.
    n = len(doc)
    if not n:
        return DocFeatures([], hits, Counter())
    arr = doc.to_array([LOWER, LEMMA, POS, TAG, DEP, SHAPE, ENT_TYPE, IS_ALPHA, IS_STOP, IS_QUOTE, HEAD])
    strings = doc.vocab.strings
    cache: dict[int, str] = {0: ""}

    def text(h: int) -> str:
        got = cache.get(h)
        if got is None:
            got = cache[h] = strings[h]
        return got

    lower = [text(h) for h in arr[:, 0].tolist()]
    lemma = [text(h).lower() for h in arr[:, 1].tolist()]
    pos, tag, dep, shape, ent = ([text(h) for h in arr[:, k].tolist()] for k in range(2, 7))
    alpha, stop, quote = arr[:, 7].tolist(), arr[:, 8].tolist(), arr[:, 9].tolist()
    head = (arr[:, 10].astype(np.int64) + np.arange(n)).tolist()  # HEAD is a relative offset, wrapped in uint64
    content = [bool(alpha[i]) and not stop[i] for i in range(n)]
    counts = Counter(lemma[i] for i in range(n) if content[i])
    out: list[list[str]] = []
    for sent in doc.sents:
        s0, s1 = sent.start, sent.end
        last = lower[s1 - 1]
        if last in ('"', "'") and s1 - s0 > 1:
            last = lower[s1 - 2]
        sent_feats = ["sl=" + _bucket(s1 - s0), "send=" + (last if last in ("?", "!") else ".")]
        if s0 == 0:
            sent_feats.append("first")
        quoted = False
        for i in range(s0, s1):
            if quote[i]:
                quoted = not quoted
            h = head[i]
            f = [
                "b", "w=" + lower[i], "l=" + lemma[i], "p=" + pos[i], "t=" + tag[i], "d=" + dep[i],
                "s=" + shape[i], "x=" + lower[i][-3:], "h=" + lemma[h], "hd=" + dep[i] + ">" + pos[h],
                "w-1=" + (lower[i - 1] if i > 0 else "<s>"), "w+1=" + (lower[i + 1] if i + 1 < n else "</s>"),
                "p-1=" + (pos[i - 1] if i > 0 else "<s>"), "p+1=" + (pos[i + 1] if i + 1 < n else "</s>"),
                "p-2=" + (pos[i - 2] if i > 1 else "<s>"), "p+2=" + (pos[i + 2] if i + 2 < n else "</s>"),
                "pos=" + _bucket(i - s0 + 1), "e=" + ent[i],
            ]
            if quoted:
                f.append("inq")
            if content[i]:
                f.append("rep=" + _bucket(counts[lemma[i]]))
            f.extend(sent_feats)
            f.extend(by_token[i])
            out.append(f)
    return DocFeatures(out, hits, counts)


def span_features(doc: Doc, feats: DocFeatures, start: int, end: int) -> list[str]:
    span = doc[start:end]
    f = ["len=" + _bucket(end - start), "first=" + doc[start].lower_, "last=" + doc[end - 1].lower_,
         "root=" + span.root.lemma_.lower(), "rootpos=" + span.root.pos_, "rootdep=" + span.root.dep_]
    f += ["w=" + t.lower_ for t in span if not t.is_space]
    f += ["l=" + t.lemma_.lower() for t in span if t.is_alpha]
    f += ["pos=" + t.pos_ for t in span[:4]]
    f += ["ent=" + t.ent_type_ for t in span if t.ent_type_]
    if any(t.text == "?" for t in span) or (end < len(doc) and doc[end].text == "?"):
        f.append("question")
    if any(t.text == "!" for t in span):
        f.append("exclaim")
    lemmas = [t.lemma_.lower() for t in span if t.is_alpha and not t.is_stop]
    if lemmas:
        f.append("rep=" + _bucket(min(feats.counts[l] for l in lemmas)))
    sent = doc[start].sent
    f += ["c=" + t.lemma_.lower() for t in sent if t.is_alpha and not t.is_stop and not (start <= t.i < end)]
    for h in feats.rule_hits:
        overlap = min(end, h.end) - max(start, h.start)
        if overlap > 0:
            f.append("rule=" + h.technique)
            if overlap * 2 >= end - start:
                f.append("rulemost=" + h.technique)
    return f


def token_char_spans(doc: Doc, norm) -> list[tuple[int, int]]:
    """Original (start, end) of every token of `doc`, parsed from `norm.text`."""
    return [norm.to_original(t.idx, t.idx + len(t.text)) for t in doc]


def char_to_tokens(char_spans: list[tuple[int, int]], start: int, end: int) -> tuple[int, int] | None:
    """Token range [s, e) of the tokens overlapping an original character span."""
    starts = [s for s, _ in char_spans]
    lo = bisect.bisect_right(starts, start) - 1
    lo = max(lo, 0)
    while lo < len(char_spans) and char_spans[lo][1] <= start:
        lo += 1
    hi = bisect.bisect_left(starts, end)
    if lo >= hi:
        return None
    return lo, hi


class TechniqueModel:
    """A trained span finder and technique classifier, with the decoding threshold."""

    def __init__(self, finder: LogisticRegression, classifier: LogisticRegression, threshold: float, meta: dict):
        self.finder = finder
        self.classifier = classifier
        self.threshold = threshold
        self.meta = meta

    def token_probabilities(self, doc: Doc, feats: DocFeatures | None = None) -> np.ndarray:
        feats = feats or token_features(doc)
        if not feats.tokens:
            return np.zeros(0)
        return self.finder.predict_proba(_HASHER.transform(feats.tokens))[:, 1]

    def spans(self, doc: Doc, probs: np.ndarray, threshold: float | None = None) -> list[tuple[int, int, float]]:
        """Runs of tokens above the threshold inside one sentence, one-token gaps bridged, edges trimmed."""
        threshold = self.threshold if threshold is None else threshold
        on = probs >= threshold
        for i in range(1, len(doc) - 1):
            if not on[i] and on[i - 1] and on[i + 1] and not doc[i + 1].is_sent_start:
                on[i] = True
        out = []
        i, n = 0, len(doc)
        while i < n:
            if not on[i]:
                i += 1
                continue
            j = i + 1
            while j < n and on[j] and not doc[j].is_sent_start:
                j += 1
            s, e = i, j
            while s < e and (doc[s].is_punct or doc[s].is_space) and not doc[s].text == "#":
                s += 1
            while e > s and (doc[e - 1].is_punct or doc[e - 1].is_space) and doc[e - 1].text not in "?!":
                e -= 1
            if e > s:
                out.append((s, e, float(probs[s:e].mean())))
            i = j
        return out

    def classify(self, doc: Doc, feats: DocFeatures, spans: list[tuple[int, int]]) -> list[tuple[str, float]]:
        if not spans:
            return []
        X = _HASHER.transform([span_features(doc, feats, s, e) for s, e in spans])
        proba = self.classifier.predict_proba(X)
        classes = self.classifier.classes_
        best = proba.argmax(axis=1)
        return [(str(classes[k]), float(proba[r, k])) for r, k in enumerate(best)]

    def find(self, doc: Doc, rule_result: tuple | None = None) -> list[Found]:
        feats = token_features(doc, rule_result)
        spans = self.spans(doc, self.token_probabilities(doc, feats))
        labels = self.classify(doc, feats, [(s, e) for s, e, _ in spans])
        return [Found(s, e, technique, "model", round(p * conf, 4)) for (s, e, p), (technique, conf) in zip(spans, labels)]

    def save(self, path: Path) -> None:
        import joblib

        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        joblib.dump({"format": FORMAT, "finder": self.finder, "classifier": self.classifier,
                     "threshold": self.threshold, "meta": self.meta}, tmp, compress=3)
        os.replace(tmp, path)


@lru_cache(maxsize=2)
def _load(path: str, mtime_ns: int) -> TechniqueModel | None:
    import joblib

    data = joblib.load(path)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    return TechniqueModel(data["finder"], data["classifier"], data["threshold"], data.get("meta", {}))


def load(path: Path | None = None) -> TechniqueModel | None:
    """The trained model at `path` (default ``model_path()``), or None when there is none; cached per file version."""
    path = path or model_path()
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return None
    return _load(str(path), mtime)


# --- training ---------------------------------------------------------------------------------


@dataclass
class _Example:
    id: str
    doc: Doc
    feats: DocFeatures
    chars: list[tuple[int, int]]
    gold: list  # GoldSpan


def _examples(articles, progress: Callable[[str], None] | None) -> list[_Example]:
    from newsgraph.techniques.pipeline import parse

    out = []
    for n, (article, (norm, doc)) in enumerate(zip(articles, parse(a.text for a in articles)), 1):
        out.append(_Example(article.id, doc, token_features(doc), token_char_spans(doc, norm), article.spans))
        if progress and n % 25 == 0:
            progress(f"parsed {n}/{len(articles)} articles")
    return out


def _token_labels(ex: _Example) -> np.ndarray:
    y = np.zeros(len(ex.doc), dtype=np.int8)
    for g in ex.gold:
        rng = char_to_tokens(ex.chars, g.start, g.end)
        if rng:
            y[rng[0] : rng[1]] = 1
    return y


def _fit_finder(examples: list[_Example], c: float) -> LogisticRegression:
    X = _HASHER.transform(f for ex in examples for f in ex.feats.tokens)
    y = np.concatenate([_token_labels(ex) for ex in examples])
    return LogisticRegression(C=c, solver="liblinear", max_iter=200).fit(X, y)


def _fit_classifier(examples: list[_Example], c: float) -> LogisticRegression:
    rows, labels = [], []
    for ex in examples:
        for g in ex.gold:
            rng = char_to_tokens(ex.chars, g.start, g.end)
            if rng:
                rows.append(span_features(ex.doc, ex.feats, *rng))
                labels.append(g.technique)
    # saga: lbfgs needs minutes on these count features, saga reaches the same accuracy in seconds.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return LogisticRegression(C=c, solver="saga", max_iter=100).fit(_HASHER.transform(rows), labels)


def _si_at(model: TechniqueModel, examples: list[_Example], probs: list[np.ndarray], threshold: float) -> float:
    pred, gold = [], []
    for ex, p in zip(examples, probs):
        for s, e, _ in model.spans(ex.doc, p.copy(), threshold):
            pred.append((ex.id, ex.chars[s][0], ex.chars[e - 1][1]))
        gold.extend((ex.id, g.start, g.end) for g in ex.gold)
    return span_identification(pred, gold).f1


def train(articles, progress: Callable[[str], None] | None = None, c_finder: float = 0.1, c_classifier: float = 2.0) -> TechniqueModel:
    """Fit both models on labelled PTC articles; the threshold is tuned on their last fifth first."""
    examples = _examples(articles, progress)
    cut = max(1, int(len(examples) * 0.8))
    tune_fit, tune_eval = examples[:cut], examples[cut:] or examples[:1]
    if progress:
        progress(f"tuning the span threshold on {len(tune_eval)} of the training articles")
    probe = TechniqueModel(_fit_finder(tune_fit, c_finder), None, 0.5, {})
    probs = [probe.token_probabilities(ex.doc, ex.feats) for ex in tune_eval]
    grid = [round(t, 3) for t in np.arange(0.1, 0.45, 0.025)]
    scores = {t: _si_at(probe, tune_eval, probs, t) for t in grid}
    threshold = max(scores, key=scores.get)
    if progress:
        progress(f"threshold {threshold} (SI F1 {scores[threshold]:.3f} on the tuning slice); fitting on all {len(examples)} articles")
    finder = _fit_finder(examples, c_finder)
    classifier = _fit_classifier(examples, c_classifier)
    meta = {"articles": len(examples), "gold_spans": sum(len(ex.gold) for ex in examples), "tuning_si_f1": scores[threshold]}
    return TechniqueModel(finder, classifier, threshold, meta)
