"""Time expressions scored the TempEval-3 way on TimeML files.

A TimeML file holds the article's text (inside ``<TEXT>``) with every time expression
tagged inline as ``<TIMEX3 type=".." value="..">…</TIMEX3>``, and the document's creation
time as the TIMEX3 whose ``functionInDocument`` is ``CREATION_TIME``. The reader turns a
file into the plain text and gold spans (character offsets into that text); the
pipeline (``newsgraph.pipeline.analyze_texts``) reads the plain text with the creation date as the article's published date,
as a user's metadata would give it; the scores compare the two:

* strict span P/R/F1: the same characters; relaxed: any overlap (each gold span matched
  at most once, to the system span that overlaps it most);
* value F1: a relaxed match whose normalised value is the same string (TempEval-3's
  attribute F1: correct values over system spans and over gold spans);
* type accuracy over relaxed matches, and a per-type breakdown by gold type.

The baseline is a regular-expression tagger written for this comparison
(``baseline_times``): years, "Month day, year", numeric dates, weekdays, "today" /
"yesterday" / "tomorrow", resolved naively (weekdays to the past) against the creation
date, and "N units" durations.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

TYPES = ("DATE", "TIME", "DURATION", "SET")


@dataclass(frozen=True, slots=True)
class Timex:
    start: int
    end: int
    text: str
    type: str
    value: str


@dataclass(slots=True)
class TimeMLDocument:
    name: str
    text: str
    dct: str | None  # the creation date, ISO day
    gold: list[Timex] = field(default_factory=list)


class TimeMLError(ValueError):
    """A file that is not readable TimeML."""


def read_timeml(path: Path) -> TimeMLDocument:
    """The plain text of ``<TEXT>`` with its TIMEX3 spans, and the creation date."""
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError, UnicodeDecodeError) as exc:
        raise TimeMLError(f"{path.name}: not readable TimeML ({exc})") from None
    dct = None
    for timex in root.iter("TIMEX3"):
        if timex.get("functionInDocument") == "CREATION_TIME":
            dct = (timex.get("value") or "")[:10] or None
            break
    if dct is not None:
        try:
            if not re.fullmatch(r"\d{4}-\d\d-\d\d", dct):
                raise ValueError(dct)
            dt.date.fromisoformat(dct)
        except ValueError:
            raise TimeMLError(f"{path.name}: its creation time {dct!r} is not a date (YYYY-MM-DD)") from None
    body = root.find("TEXT")
    if body is None:
        raise TimeMLError(f"{path.name}: no <TEXT> element")
    parts: list[str] = []
    gold: list[Timex] = []
    length = 0

    def walk(node: ET.Element) -> None:
        nonlocal length
        start = length
        if node.text:
            parts.append(node.text)
            length += len(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)
                length += len(child.tail)
        if node.tag == "TIMEX3" and node is not body:
            gold.append(Timex(start, length, "", node.get("type", ""), node.get("value", "")))  # text filled below

    walk(body)
    text = "".join(parts)
    gold = [Timex(g.start, g.end, text[g.start : g.end], g.type, g.value) for g in gold]
    return TimeMLDocument(name=path.name, text=text, dct=dct, gold=gold)


def read_folder(folder: Path) -> tuple[list[TimeMLDocument], list[str]]:
    """Every ``*.tml`` file under `folder` (sorted), and one message per file that could not be read."""
    docs, problems = [], []
    try:
        paths = sorted(Path(folder).rglob("*.tml"))
    except OSError as exc:
        return [], [f"{folder}: cannot be listed ({exc})"]
    for path in paths:
        try:
            docs.append(read_timeml(path))
        except TimeMLError as exc:
            problems.append(str(exc))
    return docs, problems


# --- the pipeline and the baseline ------------------------------------------------------------

def pipeline_times(docs: list[TimeMLDocument], nlp=None) -> list[list[Timex]]:
    """The real pipeline's times for each document, the creation date given as its published date."""
    from newsgraph.pipeline import analyze_texts

    from newsgraph.nlp import load_pipeline

    nlp = nlp or load_pipeline()
    found: dict[int, list[Timex]] = {}
    by_date: dict[str | None, list[int]] = {}
    for i, doc in enumerate(docs):  # one nlp.pipe stream per creation date: the published date is per call
        by_date.setdefault(doc.dct, []).append(i)
    for dct, indices in by_date.items():
        texts = [docs[i].text for i in indices]
        paths = [docs[i].name for i in indices]
        try:
            for i, analysis in zip(indices, analyze_texts(texts, nlp, only={"times", "pubdate"}, published=dct, path=paths)):
                found[i] = as_timexes(analysis.times)
        except RuntimeError:  # one text the pipeline could not read: score the others, that one finds nothing
            for i in indices:
                try:
                    found[i] = as_timexes(next(analyze_texts([docs[i].text], nlp, only={"times", "pubdate"}, published=dct,
                                                             path=docs[i].name)).times)
                except RuntimeError:
                    found[i] = []
    return [found.get(i, []) for i in range(len(docs))]


def as_timexes(times) -> list[Timex]:
    return [Timex(t.start, t.end, t.text, t.type or "", t.timex or "") for t in times]


_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m} | {
    m.lower(): i for i, m in enumerate(calendar.month_abbr) if m
}
_WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_BASELINE = re.compile(
    rf"\b(?:(?P<mon>{_MONTH_RE})\.? (?P<day>\d{{1,2}}),? (?P<year>\d{{4}})"
    rf"|(?P<mon2>{_MONTH_RE})\.? (?P<day2>\d{{1,2}})\b"
    rf"|(?P<mon3>{_MONTH_RE}) (?P<year3>\d{{4}})"
    r"|(?P<iso>\d{4}-\d\d-\d\d)"
    r"|(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
    r"|(?P<deictic>today|yesterday|tomorrow)"
    r"|(?P<num>\d+|two|three|four|five|six|seven|eight|nine|ten) (?P<unit>years?|months?|weeks?|days?)"
    r"|(?P<yearonly>(?:19|20)\d\d))\b",
    re.IGNORECASE,
)
_NUM = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}


def baseline_times(doc: TimeMLDocument) -> list[Timex]:
    """What a plain regular-expression tagger finds and how it normalises it."""
    anchor = dt.date.fromisoformat(doc.dct) if doc.dct else None
    out = []
    for m in _BASELINE.finditer(doc.text):
        g = m.groupdict()
        kind, value = "DATE", ""
        if g["mon"]:
            value = f"{int(g['year']):04d}-{_MONTHS[g['mon'].lower()]:02d}-{int(g['day']):02d}"
        elif g["mon2"] and anchor:
            value = f"{anchor.year:04d}-{_MONTHS[g['mon2'].lower()]:02d}-{int(g['day2']):02d}"
        elif g["mon3"]:
            value = f"{int(g['year3']):04d}-{_MONTHS[g['mon3'].lower()]:02d}"
        elif g["iso"]:
            value = g["iso"]
        elif g["wd"] and anchor:
            back = (anchor.weekday() - _WEEKDAYS[g["wd"].lower()]) % 7
            value = (anchor - dt.timedelta(days=back)).isoformat()
        elif g["deictic"] and anchor:
            value = (anchor + dt.timedelta(days={"today": 0, "yesterday": -1, "tomorrow": 1}[g["deictic"].lower()])).isoformat()
        elif g["num"]:
            n = g["num"].lower()
            kind, value = "DURATION", f"P{_NUM.get(n, n)}{g['unit'][0].upper()}"
        elif g["yearonly"]:
            value = g["yearonly"]
        out.append(Timex(m.start(), m.end(), m.group(), kind, value))
    return out


# --- scores -------------------------------------------------------------------------------------

def _prf(correct: int, predicted: int, gold: int) -> dict:
    p = correct / predicted if predicted else 0.0
    r = correct / gold if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def _match(gold: list[Timex], system: list[Timex]) -> list[tuple[Timex, Timex]]:
    """One-to-one relaxed matches: each gold span to the free system span overlapping it most."""
    pairs, used = [], set()
    for g in gold:
        best, best_overlap = None, 0
        for i, s in enumerate(system):
            overlap = min(g.end, s.end) - max(g.start, s.start)
            if i not in used and overlap > best_overlap:
                best, best_overlap = i, overlap
        if best is not None:
            used.add(best)
            pairs.append((g, system[best]))
    return pairs


def score(docs: list[TimeMLDocument], predictions: list[list[Timex]]) -> dict:
    """TempEval-3 scores of `predictions` (one list per document) against the gold spans, plus the misses."""
    n_gold = n_sys = strict = relaxed = value_ok = type_ok = 0
    per_type = {t: {"gold": 0, "found": 0, "value": 0, "type": 0} for t in TYPES}
    errors = []
    for doc, system in zip(docs, predictions):
        n_gold += len(doc.gold)
        n_sys += len(system)
        spans = {(s.start, s.end) for s in system}
        strict += sum((g.start, g.end) in spans for g in doc.gold)
        matched = dict((id(g), s) for g, s in _match(doc.gold, system))
        for g in doc.gold:
            row = per_type.setdefault(g.type, {"gold": 0, "found": 0, "value": 0, "type": 0})
            row["gold"] += 1
            s = matched.get(id(g))
            if s is None:
                errors.append({"doc": doc.name, "kind": "missed", "start": g.start, "gold": g.text, "gold_type": g.type, "gold_value": g.value,
                               "system": None, "system_value": None, "context": _context(doc.text, g.start, g.end)})
                continue
            relaxed += 1
            row["found"] += 1
            if s.value == g.value:
                value_ok += 1
                row["value"] += 1
            else:
                errors.append({"doc": doc.name, "kind": "value", "start": g.start, "system_start": s.start, "gold": g.text, "gold_type": g.type, "gold_value": g.value,
                               "system": s.text, "system_type": s.type, "system_value": s.value,
                               "context": _context(doc.text, g.start, g.end)})
            if s.type == g.type:
                type_ok += 1
                row["type"] += 1
        hit = {id(s) for s in matched.values()}
        for s in system:
            if id(s) not in hit:
                errors.append({"doc": doc.name, "kind": "spurious", "system_start": s.start, "gold": None, "gold_value": None, "system": s.text,
                               "system_type": s.type, "system_value": s.value, "context": _context(doc.text, s.start, s.end)})
    return {
        "documents": len(docs),
        "gold": n_gold,
        "system": n_sys,
        "strict": _prf(strict, n_sys, n_gold),
        "relaxed": _prf(relaxed, n_sys, n_gold),
        "value": _prf(value_ok, n_sys, n_gold),
        "type_accuracy": round(type_ok / relaxed, 4) if relaxed else 0.0,
        "per_type": {
            t: {"gold": r["gold"], "span_recall": round(r["found"] / r["gold"], 4) if r["gold"] else 0.0,
                "value_recall": round(r["value"] / r["gold"], 4) if r["gold"] else 0.0,
                "type_accuracy": round(r["type"] / r["found"], 4) if r["found"] else 0.0}
            for t, r in per_type.items()
        },
        "errors": errors,
    }


def _context(text: str, start: int, end: int, width: int = 50) -> str:
    left = " ".join(text[max(0, start - width) : start].split())
    right = " ".join(text[end : end + width].split())
    return f"{left} [{' '.join(text[start:end].split())}] {right}"


def evaluate(folder: Path, nlp=None, predict: Callable[[list[TimeMLDocument]], list[list[Timex]]] | None = None,
             limit: int | None = None, read: tuple[list[TimeMLDocument], list[str]] | None = None) -> dict:
    """Scores of the pipeline and of the baseline on every TimeML file under `folder` (or the `read` result)."""
    docs, problems = read or read_folder(folder)
    if limit is not None:
        docs = docs[:limit]
    system = (predict or (lambda d: pipeline_times(d, nlp)))(docs)
    result = score(docs, system)
    result["baseline"] = {k: v for k, v in score(docs, [baseline_times(d) for d in docs]).items() if k != "errors"}
    result["problems"] = problems
    return result


def format_report(result: dict, errors: bool = False) -> Iterable[str]:
    """The scores as printable lines, the baseline beside each."""
    b = result["baseline"]
    yield f"{result['documents']} documents, {result['gold']} gold time expressions, {result['system']} found (baseline {b['system']})"
    yield f"{'':16}{'newsgraph':>26}   {'baseline (regex)':>26}"
    yield f"{'':16}{'P      R      F1':>26}   {'P      R      F1':>26}"
    for key, label in (("strict", "strict span"), ("relaxed", "relaxed span"), ("value", "value")):
        a, c = result[key], b[key]
        yield f"{label:16}{a['precision']:>10.4f} {a['recall']:.4f} {a['f1']:.4f}   {c['precision']:>10.4f} {c['recall']:.4f} {c['f1']:.4f}"
    yield f"{'type accuracy':16}{result['type_accuracy']:>26.4f}   {b['type_accuracy']:>26.4f}"
    yield "per gold type     gold  span-R  value-R  type-acc   (baseline span-R value-R)"
    for t, r in result["per_type"].items():
        rb = b["per_type"].get(t, {"span_recall": 0.0, "value_recall": 0.0})
        yield (f"  {t:12}{r['gold']:>7}  {r['span_recall']:.4f}  {r['value_recall']:.4f}   {r['type_accuracy']:.4f}"
               f"     ({rb['span_recall']:.4f}  {rb['value_recall']:.4f})")
    for p in result["problems"]:
        yield f"skipped: {p}"
    if errors:
        for e in result["errors"]:
            if e["kind"] == "missed":
                yield f"missed   {e['doc']}: {e['gold']!r} {e['gold_type']} {e['gold_value']} | {e['context']}"
            elif e["kind"] == "value":
                yield (f"value    {e['doc']}: {e['gold']!r} {e['gold_type']} {e['gold_value']} ≠ {e['system']!r} "
                       f"{e['system_type']} {e['system_value']} | {e['context']}")
            else:
                yield f"spurious {e['doc']}: {e['system']!r} {e['system_type']} {e['system_value']} | {e['context']}"
