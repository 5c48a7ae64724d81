"""Scoring named-entity detection and typing on CoNLL-2003 columns, beside bare spaCy under the same type map.

The pipeline's mentions are typed by the entity they resolve to (the resolver's type
vote over the whole corpus), so the typed score measures what a build shows. Types are
compared in the CoNLL-2003 scheme (PER, ORG, LOC, MISC):

| newsgraph                                   | CoNLL |
|---------------------------------------------|-------|
| entity type person                          | PER   |
| entity type organization                    | ORG   |
| entity type country or place (and seats)    | LOC   |
| a demonym ("Russian"), entity type other    | MISC  |

and the OntoNotes labels of bare en_core_web_sm (the baseline) map the same way:
PERSON -> PER; ORG -> ORG; GPE, LOC, FAC -> LOC; NORP, EVENT, WORK_OF_ART, LAW,
LANGUAGE, PRODUCT -> MISC; DATE, TIME, MONEY, PERCENT, QUANTITY, ORDINAL, CARDINAL are
not names and are dropped. A mention counts when its span matches a gold entity
exactly (typed: and its type too).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from newsgraph.evaluation.coref import CachedPipeline, GoldDocument, GoldMention, Parsed, join_tokens, run_pipeline

ONTONOTES_TO_CONLL = {
    "PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC",
    "NORP": "MISC", "EVENT": "MISC", "WORK_OF_ART": "MISC", "LAW": "MISC", "LANGUAGE": "MISC", "PRODUCT": "MISC",
}
ENTITY_TYPE_TO_CONLL = {"person": "PER", "organization": "ORG", "country": "LOC", "place": "LOC", "other": "MISC"}
TYPES = ("PER", "ORG", "LOC", "MISC")
_TAG = re.compile(r"^(?:O|[IB]-[A-Z]+)$")


def read_conll2003(path: str | Path, limit: int | None = None) -> list[GoldDocument]:
    """CoNLL-2003 documents (``token POS chunk NER`` columns, IOB1 or IOB2 tags, ``-DOCSTART-`` between documents).

    Each document's text is its sentences one per line, tokens joined as ``join_tokens``
    does; gold entities become ``GoldMention``s whose ``kind`` is the CoNLL type.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no CoNLL-2003 file at {path}")
    docs: list[list[list[tuple[str, str]]]] = [[]]
    sentence: list[tuple[str, str]] = []
    for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
        cols = line.split()
        if not cols:
            if sentence:
                docs[-1].append(sentence)
                sentence = []
            continue
        if cols[0] == "-DOCSTART-":
            if sentence:
                docs[-1].append(sentence)
                sentence = []
            if docs[-1]:
                docs.append([])
            continue
        if len(cols) < 2 or not _TAG.match(cols[-1]):
            raise ValueError(f"line {number} is not a CoNLL-2003 row (token … tag): {line[:60]!r}")
        sentence.append((cols[0], cols[-1]))
    if sentence:
        docs[-1].append(sentence)
    out = []
    for n, sentences in enumerate(d for d in docs if d):
        if limit is not None and len(out) >= limit:
            break
        text, spans = join_tokens([[t for t, _ in s] for s in sentences])
        mentions = []
        for s, offsets in zip(sentences, spans):
            for start, end, typ in _chunks([tag for _, tag in s]):
                mentions.append(GoldMention(offsets[start][0], offsets[end - 1][1], f"{n}#{len(mentions)}", typ))
        out.append(GoldDocument(f"{path.stem}-{n + 1:03d}", text, mentions, None, genre="news"))
    return out


def _chunks(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """(start, end, type) token ranges of IOB1/IOB2 tags: B- always starts, I- continues the same type."""
    out = []
    start, typ = None, None
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, kind = tag.partition("-")
        if tag == "O" or prefix == "B" or kind != typ:
            if start is not None:
                out.append((start, i, typ))
            start, typ = (i, kind) if tag != "O" else (None, None)
    return out


@dataclass(frozen=True, slots=True)
class PRF:
    tp: int
    predicted: int
    gold: int

    @property
    def precision(self) -> float:
        return self.tp / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)


@dataclass
class NerReport:
    documents: int
    typed: dict[str, PRF]  # system -> typed P/R/F1
    untyped: dict[str, PRF]
    per_type: dict[str, dict[str, PRF]]  # system -> CoNLL type -> P/R/F1
    errors: dict[str, list[str]]


Spans = set[tuple[str, int, int, str]]  # (doc, start, end, CoNLL type)


def pipeline_entities(parsed: Sequence[Parsed]) -> Spans:
    """The pipeline's mentions as typed spans: each typed by the entity it resolved to, demonyms as MISC."""
    out: Spans = set()
    for p in parsed:
        types = p.entity_types
        for m, entity in zip(p.analysis.mentions, p.entities):
            if getattr(m, "form", "name") not in (None, "name"):
                continue  # pronouns and descriptions are not named entities
            typ = "MISC" if m.kind == "demonym" else ENTITY_TYPE_TO_CONLL.get(types.get(entity, "other"), "MISC")
            out.add((p.gold.id, m.start, m.end, typ))
    return out


def bare_spacy_entities(docs: Sequence[GoldDocument], cache: str | Path | None = None, model: str | None = None) -> Spans:
    """Bare en_core_web_sm's entities on the same texts, mapped to CoNLL types (the baseline)."""
    from newsgraph.nlp import load_bare

    nlp = CachedPipeline(load_bare(model), cache)
    out: Spans = set()
    for g, doc in zip(docs, nlp.pipe(d.text for d in docs)):
        for ent in doc.ents:
            typ = ONTONOTES_TO_CONLL.get(ent.label_)
            if typ:
                out.add((g.id, ent.start_char, ent.end_char, typ))
    return out


def gold_entities(docs: Sequence[GoldDocument]) -> Spans:
    return {(d.id, m.start, m.end, m.kind) for d in docs for m in d.mentions}


def compare(gold: Spans, predicted: Spans) -> tuple[PRF, PRF, dict[str, PRF]]:
    """Typed, untyped and per-type P/R/F1 of exact-span matches."""
    typed = PRF(len(gold & predicted), len(predicted), len(gold))
    g_spans = {x[:3] for x in gold}
    p_spans = {x[:3] for x in predicted}
    untyped = PRF(len(g_spans & p_spans), len(p_spans), len(g_spans))
    per_type = {}
    for t in TYPES:
        g = {x for x in gold if x[3] == t}
        p = {x for x in predicted if x[3] == t}
        per_type[t] = PRF(len(g & p), len(p), len(g))
    return typed, untyped, per_type


def score_ner(docs: Sequence[GoldDocument], cache: str | Path | None = None, nlp=None, errors: int = 0) -> NerReport:
    """The real pipeline (per-document stages, then entity resolution) and bare spaCy, scored on the same texts."""
    parsed = run_pipeline(docs, nlp=nlp, cache=cache)
    gold = gold_entities(docs)
    systems = {"newsgraph": pipeline_entities(parsed), "bare en_core_web_sm": bare_spacy_entities(docs, cache)}
    report = NerReport(len(docs), {}, {}, {}, {})
    for name, predicted in systems.items():
        report.typed[name], report.untyped[name], report.per_type[name] = compare(gold, predicted)
    if errors:
        report.errors = _errors(docs, gold, systems["newsgraph"], errors)
    return report


def _errors(docs: Sequence[GoldDocument], gold: Spans, predicted: Spans, limit: int) -> dict[str, list[str]]:
    texts = {d.id: d.text for d in docs}
    p_by_span = {x[:3]: x[3] for x in predicted}
    g_by_span = {x[:3]: x[3] for x in gold}
    wrong_type = Counter()
    missed, spurious = [], []
    for span, t in sorted(g_by_span.items()):
        text = texts[span[0]][span[1]:span[2]]
        if span not in p_by_span:
            missed.append(f"{text!r} {t} ({span[0]})")
        elif p_by_span[span] != t:
            wrong_type[f"{text!r} {t} -> {p_by_span[span]}"] += 1
    for span, t in sorted(p_by_span.items()):
        if span not in g_by_span:
            spurious.append(f"{texts[span[0]][span[1]:span[2]]!r} {t} ({span[0]})")
    return {
        "wrong type": [f"{k} x{n}" for k, n in wrong_type.most_common(limit)],
        "missed": missed[:limit],
        "spurious": spurious[:limit],
    }


def format_report(report: NerReport, title: str) -> str:
    lines = [f"{title}: {report.documents} documents; exact spans, CoNLL types (PER ORG LOC MISC)"]
    lines.append(f"  {'system':<22} {'typed P/R/F1':>20} {'untyped P/R/F1':>20}  " + "  ".join(f"{t:>5} F1" for t in TYPES))
    for name in report.typed:
        t, u = report.typed[name], report.untyped[name]
        per = "  ".join(f"{100 * report.per_type[name][x].f1:8.1f}" for x in TYPES)
        lines.append(f"  {name:<22} {_prf(t):>20} {_prf(u):>20}  {per}")
    for name, rows in report.errors.items():
        lines.append(f"{name}:")
        lines.extend(f"  {r}" for r in rows)
    return "\n".join(lines)


def _prf(x: PRF) -> str:
    return f"{100 * x.precision:5.1f} {100 * x.recall:5.1f} {100 * x.f1:5.1f}"
