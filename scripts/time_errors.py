"""The time stage's misses on TimeML files grouped by pattern, per source, and how consistently the gold tags a phrase.

`newsgraph eval time FOLDER --errors` lists every miss; this script reads the same files with the same
pipeline and scorer once, and prints, for each top-level subfolder (TimeBank and AQUAINT are two sources
annotated by different hands):

* value P/R/F1, then the wrong values, spurious finds and missed expressions, counted by pattern (the gold
  value's shape against ours: a weekday a week off, a week written 1989-WXX or 2000-W7, a year written
  1968-XX, a part of day the gold leaves out, ...), so a fix can be judged on each source apart;
* with ``--tagged REGEX`` (repeatable), for every match of the phrase in the texts, whether the gold tags it
  and whether we do: a phrase the gold tags in fewer than about F1/2 of its uses (0.42 at value F1 0.84)
  costs value F1 each time it is found, one tagged more often gains it.

    .venv/bin/python scripts/time_errors.py ../shared/corpus/timebank-aquaint
    .venv/bin/python scripts/time_errors.py ../shared/corpus/timebank-aquaint --tagged '\\bnow\\b' --tagged '\\brecent\\b' --show
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WEEKDAY = re.compile(r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", re.I)
DAY = re.compile(r"\d{4}-\d\d-\d\d")
REFS = {"PRESENT_REF", "PAST_REF", "FUTURE_REF"}


def wrong_value(gold_text: str, gold: str, ours: str) -> str:
    """The pattern of a relaxed match whose value differs, from the two values' shapes."""
    if DAY.fullmatch(gold) and DAY.match(ours):
        days = (dt.date.fromisoformat(ours[:10]) - dt.date.fromisoformat(gold)).days
        if days == 0:
            return "day with a part of day (TMO, TNI) where the gold has the plain day"
        if WEEKDAY.search(gold_text) and abs(days) == 7:
            return "weekday a week off"
        if WEEKDAY.search(gold_text) and abs(days) == 1:
            return "weekday a day off"
        return "another day"
    if re.fullmatch(r"\d{4}-\d\d-\d\dT(MO|AF|EV|NI)", gold) and ours[:10] == gold[:10]:
        return "part of day: another code (TEV, TNI)"
    if gold.endswith("-WXX"):
        return "week: gold YYYY-WXX"
    if re.fullmatch(r"\d{4}-W\d", gold):
        return "week: gold unpadded (2000-W7)"
    if "week" in gold_text.lower():
        return "week: gold a month, a day, P1W or another week"
    if re.search(r"\d-XX|\dX$", gold):
        return "gold a partial value (1968-XX, 199X, 1994-XX-XX)"
    if "Q" in gold or "Q" in ours or re.search(r"quarter|period|year.(ago|earlier)", gold_text.lower()):
        return "reporting period (quarter, half, a year ago/earlier)"
    if gold in REFS or ours in REFS:
        return "reference word against a length or a date"
    if gold.startswith("P") and ours.startswith("P"):
        return "length: another amount or unit"
    if gold.startswith("P") != ours.startswith("P"):
        return "length against a date"
    if "T" in gold or "T" in ours:
        return "clock time"
    if re.fullmatch(r"\d{4}(-\d\d)?", gold) and re.fullmatch(r"\d{4}(-\d\d){0,2}", ours):
        return "year or month: another one, or another granularity"
    return "other"


def spurious(text: str, kind: str, value: str) -> str:
    if value in REFS:
        return f"reference word ({value})"
    if kind == "SET":
        return "set (daily, weekly)"
    if value.startswith("P"):
        return "vague length (years, minutes)" if "X" in value else "counted length"
    if not value:
        return "no value"
    return "date or time the gold leaves untagged"


def missed(value: str) -> str:
    if value in REFS:
        return f"reference word ({value})"
    return "length" if value.startswith("P") else "date, time or set"


def source_of(folder: Path, doc_path: Path) -> str:
    parts = doc_path.relative_to(folder).parts
    return parts[0] if len(parts) > 1 else folder.name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--tagged", action="append", default=[], metavar="REGEX", help="a phrase whose gold tag rate to count")
    parser.add_argument("--show", action="store_true", help="print each use of a --tagged phrase with its context")
    args = parser.parse_args()

    from newsgraph.evaluation.time import pipeline_times, read_timeml, score

    paths = sorted(args.folder.rglob("*.tml"))
    docs = [read_timeml(p) for p in paths]
    sources = [source_of(args.folder, p) for p in paths]
    predictions = pipeline_times(docs)

    for source in sorted(set(sources)) + (["all"] if len(set(sources)) > 1 else []):
        chosen = [i for i, s in enumerate(sources) if source in {s, "all"}]
        result = score([docs[i] for i in chosen], [predictions[i] for i in chosen])
        v = result["value"]
        print(f"== {source}: {result['gold']} gold, {result['system']} found, value P/R/F1 "
              f"{v['precision']:.4f}/{v['recall']:.4f}/{v['f1']:.4f}, relaxed span F1 {result['relaxed']['f1']:.4f}")
        groups: dict[str, Counter] = defaultdict(Counter)
        for e in result["errors"]:
            if e["kind"] == "value":
                groups["wrong value"][wrong_value(e["gold"], e["gold_value"], e["system_value"] or "")] += 1
            elif e["kind"] == "spurious":
                groups["spurious"][spurious(e["system"], e["system_type"], e["system_value"] or "")] += 1
            else:
                groups["missed"][missed(e["gold_value"])] += 1
        for kind in ("wrong value", "spurious", "missed"):
            print(f"  {kind}: {sum(groups[kind].values())}")
            for pattern, n in groups[kind].most_common():
                print(f"    {n:4}  {pattern}")

    for pattern in args.tagged:
        phrase = re.compile(pattern, re.I)
        counts: Counter = Counter()
        for doc, found, source in zip(docs, predictions, sources):
            for m in phrase.finditer(doc.text):
                gold = next((g for g in doc.gold if g.start < m.end() and m.start() < g.end), None)
                ours = next((s for s in found if s.start < m.end() and m.start() < s.end), None)
                counts[(source, gold is not None, ours is not None)] += 1
                if args.show:
                    context = " ".join(doc.text[max(0, m.start() - 60) : m.end() + 40].split())
                    print(f"  {'G' if gold else '-'}{'S' if ours else '-'} {source[:2]} {doc.name[:20]:20} "
                          f"{(gold.text + '=' + gold.value) if gold else '':24} | {(ours.text + '=' + ours.value) if ours else '':24} | {context}")
        print(f"== {pattern!r}: gold-tagged/uses, and of those we find: tagged/untagged")
        for source in sorted(set(sources)):
            tagged = counts[(source, True, True)] + counts[(source, True, False)]
            uses = tagged + counts[(source, False, True)] + counts[(source, False, False)]
            print(f"  {source:10} gold tags {tagged}/{uses}; we find {counts[(source, True, True)]} tagged, "
                  f"{counts[(source, False, True)]} untagged")


if __name__ == "__main__":
    main()
