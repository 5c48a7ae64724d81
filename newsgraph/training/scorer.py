"""The SemEval-2020 Task 11 measures (Da San Martino et al.), written from the task description.

Span identification (SI) ignores technique labels. In each article the gold
spans are merged where they overlap, and so are the predicted ones; then, with
S the predicted and T the gold spans over all articles,

    C(s, t, h) = |s ∩ t| / h
    P = (1/|S|) Σ_s Σ_t C(s, t, |s|)        R = (1/|T|) Σ_t Σ_s C(s, t, |t|)

(the sums over t and s run over spans of the same article), and F1 is their
harmonic mean. A prediction half inside a gold span earns half a hit.

Technique classification (TC) is given the gold spans and predicts one
technique for each; a prediction is correct when a gold span with the same
article, offsets and technique exists (each gold span matched once). P is
correct/predictions, R is correct/gold, F1 their harmonic mean: with exactly
one prediction per gold span this is the accuracy (micro-F1).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True, slots=True)
class Score:
    precision: float
    recall: float
    f1: float
    predicted: int
    gold: int

    def as_dict(self) -> dict:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
                "predicted": self.predicted, "gold": self.gold}


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping spans merged into one; empty spans dropped."""
    out: list[list[int]] = []
    for s, e in sorted((s, e) for s, e in spans if e > s):
        if out and s < out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def span_identification(predicted: Iterable[tuple[str, int, int]], gold: Iterable[tuple[str, int, int]]) -> Score:
    """SI precision/recall/F1 with partial-overlap credit; items are (article, start, end)."""
    pred_by, gold_by = defaultdict(list), defaultdict(list)
    for doc, s, e in predicted:
        pred_by[doc].append((s, e))
    for doc, s, e in gold:
        gold_by[doc].append((s, e))
    p_sum = r_sum = 0.0
    n_pred = n_gold = 0
    for doc in set(pred_by) | set(gold_by):
        preds, golds = merge(pred_by.get(doc, ())), merge(gold_by.get(doc, ()))
        n_pred += len(preds)
        n_gold += len(golds)
        for s in preds:
            p_sum += sum(_overlap(s, t) for t in golds) / (s[1] - s[0])
        for t in golds:
            r_sum += sum(_overlap(s, t) for s in preds) / (t[1] - t[0])
    p = p_sum / n_pred if n_pred else 0.0
    r = r_sum / n_gold if n_gold else 0.0
    return Score(p, r, _f1(p, r), n_pred, n_gold)


@dataclass(frozen=True, slots=True)
class LineBreakdown:
    """Where SI loses, by line (a PTC article holds one sentence a line): in choosing which lines to mark, or in
    the spans drawn inside the right ones. A span belongs to every line it touches (in ptc-dev 4% of the gold
    spans cross a line; they count whole). `loaded` lines hold a gold span, `marked` ones a predicted span, `both`
    both; a predicted span that touches a loaded line is therefore in a line that is both."""

    lines: int
    loaded: int
    marked: int
    both: int
    perfect_lines: Score  # SI with the predicted spans of lines without gold dropped (a perfect choice of lines)
    inside: Score  # the predicted spans kept there against the gold spans of the lines both marked and loaded
    perfect_spans: Score  # SI with the gold spans of the lines both marked and loaded in place of the predicted ones

    def as_dict(self) -> dict:
        return {"lines": self.lines, "loaded": self.loaded, "marked": self.marked, "both": self.both,
                "perfect_lines": self.perfect_lines.as_dict(), "inside": self.inside.as_dict(),
                "perfect_spans": self.perfect_spans.as_dict()}


def line_breakdown(predicted: Iterable[tuple[str, int, int]], gold: Iterable[tuple[str, int, int]],
                   lines: Iterable[tuple[str, int, int]]) -> LineBreakdown:
    """SI taken apart by line; items are (article, start, end). The nearer ``perfect_lines`` and ``perfect_spans``
    are to the SI itself, the less the choice of lines, and the spans drawn in them, lose."""
    predicted, gold = list(predicted), list(gold)
    by_doc: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for doc, s, e in lines:
        by_doc[doc].append((s, e))

    def touched(items) -> list[set[tuple[str, int, int]]]:
        return [{(d, *line) for line in by_doc.get(d, ()) if _overlap((s, e), line)} for d, s, e in items]

    pred_lines, gold_lines = touched(predicted), touched(gold)
    loaded, marked = set().union(*gold_lines), set().union(*pred_lines)
    both = loaded & marked
    on_loaded = [p for p, at in zip(predicted, pred_lines) if at & loaded]
    gold_on_both = [g for g, at in zip(gold, gold_lines) if at & both]
    elsewhere = [p for p, at in zip(predicted, pred_lines) if not at & both]
    return LineBreakdown(sum(map(len, by_doc.values())), len(loaded), len(marked), len(both),
                         span_identification(on_loaded, gold), span_identification(on_loaded, gold_on_both),
                         span_identification(elsewhere + gold_on_both, gold))


def technique_classification(predicted: Iterable[tuple[str, int, int, str]], gold: Iterable[tuple[str, int, int, str]]) -> Score:
    """TC micro precision/recall/F1; items are (article, start, end, technique)."""
    predicted, gold = list(predicted), list(gold)
    remaining = Counter(gold)
    correct = 0
    for item in predicted:
        if remaining[item] > 0:
            remaining[item] -= 1
            correct += 1
    p = correct / len(predicted) if predicted else 0.0
    r = correct / len(gold) if gold else 0.0
    return Score(p, r, _f1(p, r), len(predicted), len(gold))
