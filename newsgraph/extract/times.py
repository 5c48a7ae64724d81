"""Temporal expressions, normalized against the document's date.

Each expression becomes a ``TimeExpr`` whose ``value`` is an ISO day ("2019-01-23"), an
ISO week ("2019-W05"), a month ("2018-12"), a year ("2017") or a range
("2019-01-01/2019-02-23"), with ``granularity`` day | week | month | year | range, and
``anchor`` the date a relative or partial expression was resolved against.

Two kinds of expression get no value, on purpose:

* durations ("his six years in office", "24 years", "decades"): ``granularity="duration"``,
  ``value=None`` — they say how long, not when;
* vague or unread expressions ("recent years", "the early months of 2004"): ``"unknown"``.

Ages ("35-year-old"), frequencies ("daily") and ordinals ("11th-hour") are not times and
are left out.

The cascade, per span:
1. candidates: spaCy DATE/TIME entities (non-temporal words trimmed at the edges, "twitter
   Tuesday" → "Tuesday") merged with a Matcher for what the small model misses (weekdays,
   "today", "earlier this year", "a week ago", "Jan. 23", "2012 to 2015"), run only on
   windows around trigger words found by one vectorized lookup;
2. interpretation without any anchor (``Reading``): absolute, partial (month/day without
   year), weekday, deictic ("today"), relative ("last week"), "N units ago", periods of a
   year ("the fourth quarter of 2004", "the year to March 2005"), year spans, decades,
   durations;
3. resolution against the anchor, with the tense of the governing verb choosing between
   the past and the coming occurrence of a partial date or weekday;
4. dateparser only for numeric dates ("31/12/2004", "2019-03-04"), with one parser per
   anchor and results cached. On the rest of what the rules leave it was slow and mostly
   wrong on 200 BBC articles ("three months of 2004" → 2026-08, "about 6,000 years" → 2026).

The anchor is ``article.published`` or, when missing, the date ``pubdate.infer_published``
infers from the same readings (shared through ``doc.user_data``).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np
from spacy.attrs import LOWER, SHAPE
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span, Token
from spacy.vocab import Vocab

from newsgraph.model import TimeExpr

MONTHS = {
    "january": 1, "jan": 1, "jan.": 1, "february": 2, "feb": 2, "feb.": 2, "march": 3, "mar": 3, "mar.": 3,
    "april": 4, "apr": 4, "apr.": 4, "may": 5, "june": 6, "jun": 6, "jun.": 6, "july": 7, "jul": 7, "jul.": 7,
    "august": 8, "aug": 8, "aug.": 8, "september": 9, "sep": 9, "sep.": 9, "sept": 9, "sept.": 9,
    "october": 10, "oct": 10, "oct.": 10, "november": 11, "nov": 11, "nov.": 11, "december": 12, "dec": 12,
    "dec.": 12,
}
# Words that are also ordinary English: only a month when a day or year stands next to them.
AMBIGUOUS_MONTHS = {"may", "march", "mar", "jan", "dec", "sep", "oct", "aug"}
WEEKDAYS = {
    "monday": 0, "mon.": 0, "tuesday": 1, "tues.": 1, "tue.": 1, "wednesday": 2, "wed.": 2, "thursday": 3,
    "thurs.": 3, "thu.": 3, "friday": 4, "fri.": 4, "saturday": 5, "sat.": 5, "sunday": 6, "sun.": 6,
}
DEICTIC = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}
DAY_PARTS = {"morning", "afternoon", "evening", "night", "noon", "midnight"}
UNITS = {
    "day": "day", "days": "day", "week": "week", "weeks": "week", "fortnight": "fortnight", "month": "month",
    "months": "month", "year": "year", "years": "year", "decade": "decade", "decades": "decade",
    "century": "century", "centuries": "century", "hour": "hour", "hours": "hour", "minute": "minute",
    "minutes": "minute", "weekend": "weekend", "quarter": "quarter",
}
UNIT_DAYS = {"day": 1, "week": 7, "fortnight": 14, "month": 30, "year": 365, "decade": 3652, "century": 36524, "hour": 0, "minute": 0}
NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "fifty": 50,
    "hundred": 100, "few": 3, "several": 3, "couple": 2,
}
DIRECTIONS = {"last": -1, "past": -1, "previous": -1, "this": 0, "current": 0, "next": 1, "coming": 1}
EDGES = {"earlier": "earlier", "later": "later", "early": "earlier", "late": "later"}
# Words that may open a temporal expression; anything else is trimmed from the start of a spaCy span.
LEADING = (
    set(MONTHS) | set(WEEKDAYS) | set(DEICTIC) | set(NUMBER_WORDS) | set(DIRECTIONS) | set(EDGES)
    | set(UNITS) | {"the", "mid", "recent", "some", "about", "nearly", "almost", "around", "more", "over", "just", "only"}
)
FILLER = {"the", "a", "an", "of", "in", "on", "at", "since", "by", "until", "mid", "-", ",", ".", "'s", "just", "only", "about", "nearly",
          "almost", "around", "some", "more", "than", "over", "his", "her", "their", "its", "our", "my", "full", "whole"}
FREQUENCIES = {"daily", "weekly", "monthly", "yearly", "annual", "annually", "nightly", "hourly", "quarterly"}
FUTURE_AUX = {"will", "shall", "'ll", "wo", "going"}
CANDIDATES_KEY = "newsgraph.times"  # where the readings wait in doc.user_data for pubdate
DURATION_WORDS = FILLER | {"or", "to", "so", "and"}
PART_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1, "final": -1}
UNTIL_WORDS = {"to", "ending", "ended", "through", "until"}
NUMERIC_DATE = re.compile(r"\d{1,4} ?[/.-] ?\d{1,2} ?[/.-] ?\d{1,4}")
YEAR_SPAN = re.compile(r"\b(1[89]\d\d|20\d\d) ?(?:-|–|to|through|until) ?(\d{4}|\d\d)\b")
NUMERIC_SHAPES = [f"{a}/{b}/{c}" for a in ("d", "dd") for b in ("d", "dd") for c in ("dd", "dddd")] + ["dddd/dd/dd"]


@dataclass(frozen=True, slots=True)
class Reading:
    """What an expression says before it is anchored: enough to resolve it against any date."""

    kind: str  # absolute | decade | years | part | until | partial | weekday | deictic | relative | ago | duration | unknown | fallback
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    unit: str | None = None
    offset: int = 0  # -1 last, 0 this, +1 next; days for deictic; count for "ago"
    edge: str | None = None  # earlier | later ("earlier this year"); "span" for "the last few days"
    tense: str = "neutral"  # past | future | neutral (present) | verbless, from the governing verb
    bound: str | None = None  # the preposition that relates it to its clause (before, after, since …)


@dataclass(frozen=True, slots=True)
class Candidate:
    start: int  # token indices in the canonical Doc
    end: int
    reading: Reading


@lru_cache(maxsize=8)
def _time_matcher(vocab: Vocab) -> Matcher:
    """Temporal phrases the small model tends to miss; built once per vocab."""
    matcher = Matcher(vocab)
    months = sorted(MONTHS)
    day = {"SHAPE": {"IN": ["d", "dd", "dxx", "ddxx"]}}
    unit_words = sorted(UNITS)
    matcher.add(
        "TIME",
        [
            [{"LOWER": {"IN": sorted(DIRECTIONS)}, "OP": "?"}, {"LOWER": {"IN": sorted(WEEKDAYS)}}],
            [{"LOWER": {"IN": sorted(DEICTIC)}}],
            [{"LOWER": {"IN": sorted(EDGES)}, "OP": "?"}, {"LOWER": {"IN": sorted(DIRECTIONS)}},
             {"LOWER": {"IN": ["week", "month", "year", "weekend"]}}],
            [{"LIKE_NUM": True}, {"LOWER": {"IN": unit_words}}, {"LOWER": "ago"}],
            [{"LOWER": {"IN": ["a", "an"]}}, {"LOWER": {"IN": unit_words}}, {"LOWER": "ago"}],
            [{"LOWER": {"IN": months}}, day],
            [{"LOWER": {"IN": months}}, day, {"TEXT": ",", "OP": "?"}, {"SHAPE": "dddd"}],
            [day, {"LOWER": {"IN": months}}, {"SHAPE": "dddd", "OP": "?"}],
            [{"LOWER": {"IN": months}}, {"TEXT": ",", "OP": "?"}, {"SHAPE": "dddd"}],
            [{"SHAPE": {"IN": NUMERIC_SHAPES}}],
            [{"SHAPE": "dddd"}, {"LOWER": {"IN": ["-", "–", "to", "through", "until"]}}, {"SHAPE": {"IN": ["dddd", "dd"]}}],
            [{"SHAPE": "dddd"}, {"TEXT": "-"}, {"SHAPE": {"IN": ["d", "dd"]}}, {"TEXT": "-"}, {"SHAPE": {"IN": ["d", "dd"]}}],
        ],
        greedy="LONGEST",
    )
    return matcher


@lru_cache(maxsize=8)
def _trigger_hashes(vocab: Vocab) -> np.ndarray:
    """Hashes of the words every Matcher pattern contains one of; built once per vocab."""
    words = set(MONTHS) | set(WEEKDAYS) | set(DEICTIC) | {"ago", "week", "month", "year", "weekend"}
    return np.array([vocab.strings.add(w) for w in sorted(words) + NUMERIC_SHAPES + ["dddd"]], dtype=np.uint64)


def _matcher_hits(doc: Doc) -> list[tuple[int, int]]:
    """Matcher hits, the Matcher run only on small windows around trigger words.

    A Matcher with IN-set predicates calls back into Python for every token it sees; a
    vectorized lookup of the trigger words first keeps it to a few windows per document.
    """
    if not len(doc):
        return []
    table = doc.to_array([LOWER, SHAPE])
    triggers = _trigger_hashes(doc.vocab)
    where = np.flatnonzero(np.isin(table[:, 0], triggers) | np.isin(table[:, 1], triggers)).tolist()
    windows: list[list[int]] = []
    for i in where:
        lo, hi = max(0, i - 3), min(len(doc), i + 5)
        if windows and lo <= windows[-1][1]:
            windows[-1][1] = hi
        else:
            windows.append([lo, hi])
    matcher = _time_matcher(doc.vocab)
    return [(lo + s, lo + e) for lo, hi in windows for _, s, e in matcher(doc[lo:hi])]


def _is_year(tok: Token) -> bool:
    return tok.shape_ == "dddd" and 1800 <= int(tok.text) <= 2100


def _day_number(tok: Token) -> int | None:
    text = tok.lower_
    if tok.shape_ in {"dxx", "ddxx"} and text[-2:] in {"st", "nd", "rd", "th"}:
        text = text[:-2]
    if text.isdigit() and 1 <= int(text) <= 31 and len(text) <= 2:
        return int(text)
    return None


def _temporal_start(tok: Token) -> bool:
    return tok.lower_ in LEADING or tok.like_num or _day_number(tok) is not None or tok.shape_ == "ddddx"


def _temporal_end(tok: Token) -> bool:
    low = tok.lower_
    return (
        low in UNITS or low in MONTHS or low in WEEKDAYS or low in DAY_PARTS or low in DEICTIC
        or low in {"ago", "earlier", "later", "before", "after", "ahead"} or tok.like_num or tok.shape_ in {"dddd", "ddddx"}
        or _day_number(tok) is not None or bool(NUMERIC_DATE.fullmatch(tok.text))
    )


def _trim(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Drop words spaCy let into a DATE span before the expression ("twitter Tuesday", "the towel every year")."""
    first = start
    while start < end:
        tok = doc[start]
        if tok.lower_ in {"the", "a", "an"} and start + 1 < end and not _temporal_start(doc[start + 1]):
            start += 1
        elif not _temporal_start(tok):
            start += 1
        else:
            break
    if start > first and end - start == 1 and doc[start].lower_ in UNITS and not doc[start].lower_.endswith("s"):
        return start, start  # only a bare "day" or "year" was left of "a nice day", "the towel every year"
    while end > start and (
        doc[end - 1].is_punct
        or doc[end - 1].lower_ in {"'s", "of", "the", "and", "or", "from", "to"}
        or doc[end - 1].pos_ in {"NOUN", "PROPN"} and not _temporal_end(doc[end - 1])
    ):
        end -= 1  # "the 1990s saga", "the July to September period"
    return start, end


def _spans(doc: Doc) -> list[tuple[int, int]]:
    """Candidate token ranges: spaCy DATE/TIME entities and Matcher hits, overlapping ones merged."""
    ranges = [_trim(doc, e.start, e.end) for e in doc.ents if e.label_ in {"DATE", "TIME"}]
    ranges += _matcher_hits(doc)
    merged: list[list[int]] = []
    for s, e in sorted(r for r in ranges if r[1] > r[0]):
        if merged and s < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return [(s, e) for s, e in merged]


def _tense(span: Span) -> tuple[str, str | None]:
    """(tense of the clause governing `span`, the preposition linking them) from the parse."""
    root = span.root
    bound = None
    if root.head.pos_ == "ADP" and root.dep_ == "pobj":
        bound = root.head.lower_
    for child in root.children:  # "after January 10, when his reelection will be unrecognized"
        if child.dep_ == "relcl" and any(a.lower_ in FUTURE_AUX for a in child.children if a.dep_ in {"aux", "auxpass"}):
            return "future", bound
    verb = root
    for _ in range(5):
        if verb.pos_ in {"VERB", "AUX"} or verb.head is verb:
            break
        verb = verb.head
    if verb.pos_ not in {"VERB", "AUX"}:
        return "verbless", bound  # a dateline or caption: "Caracas, February 10, 2019"
    auxes = [a for a in verb.children if a.dep_ in {"aux", "auxpass"}]
    if any(a.lower_ in FUTURE_AUX for a in auxes) or (verb.lower_ == "going" and any(c.lower_ == "to" for c in verb.children)):
        return "future", bound
    if verb.tag_ == "VBD" or any(a.tag_ == "VBD" or a.lower_ in {"has", "have", "had"} for a in auxes):
        return "past", bound
    if verb.tag_ == "VBN" and (verb.dep_ in {"acl", "relcl"} or not auxes):
        return "past", bound  # a participle without auxiliary: a reduced clause, or a past tense mis-tagged
    return "neutral", bound


def read(tokens: list[Token]) -> Reading | None:
    """The Reading of an expression's tokens, or None when they are not a time (ages, "54", "a nice day")."""
    words = [t.lower_ for t in tokens]
    content = [t for t in tokens if t.lower_ not in FILLER and not t.is_punct]
    if not content:
        return None
    if "old" in words or "-year-old" in words or any(w in FREQUENCIES for w in words):
        return None
    month = next((MONTHS[t.lower_] for t in tokens if t.lower_ in MONTHS and (t.text[0].isupper() or t.lower_ not in AMBIGUOUS_MONTHS)), None)
    year = next((int(t.text) for t in tokens if _is_year(t)), None)
    weekday = next((WEEKDAYS[w] for w in words if w in WEEKDAYS), None)
    direction = next((DIRECTIONS[w] for w in words if w in DIRECTIONS), None)
    edge = next((EDGES[w] for w in words if w in EDGES), None)
    units = [UNITS[w] for w in words if w in UNITS]
    period = _period(tokens, words, month, year, direction)
    if period is not None:
        return period
    if month is not None:
        day = next((d for t in tokens if t.lower_ not in MONTHS and not _is_year(t) and (d := _day_number(t))), None)
        rest = [t for t in content if t.lower_ not in MONTHS and not _is_year(t) and _day_number(t) is None]
        if rest and not all(t.lower_ in DIRECTIONS or t.lower_ in EDGES or t.lower_ in WEEKDAYS for t in rest):
            return Reading("unknown")
        if year is not None:
            return Reading("absolute", year=year, month=month, day=day)
        return Reading("partial", month=month, day=day, offset=direction or 0, weekday=weekday if day else None)
    decade = next((t for t in tokens if t.shape_ == "ddddx" and t.text.endswith("0s")), None)
    if decade is not None and year is None:
        return Reading("decade", year=int(decade.text[:4]))
    if year is not None:
        span = _year_span(tokens)
        if span is not None:
            return Reading("years", year=span[0], offset=span[1])
        rest = [t for t in content if not _is_year(t)]
        if all(t.lower_ in EDGES or t.lower_ == "year" for t in rest):
            return Reading("absolute", year=year, edge=edge)
        return Reading("unknown")
    if weekday is not None:
        return Reading("weekday", weekday=weekday, offset=direction if direction is not None else 0)
    for w in words:
        if w in DEICTIC:
            return Reading("deictic", offset=DEICTIC[w])
    if "ago" in words and units:
        count = next((_count(t) for t in tokens if _count(t) is not None), 1)
        return Reading("ago", unit=units[0], offset=count)
    if units and direction is not None:
        unit = units[-1]
        quantity = next((_count(t) for t in tokens if t.lower_ not in DIRECTIONS and _count(t) is not None), None)
        plural = any(w.endswith("s") and w in UNITS for w in words)
        if direction == -1 and (words[0] == "the" or quantity is not None or plural):
            return Reading("relative", unit=unit, offset=quantity or 1, edge="span")
        if words[:1] == ["the"] and direction == 1:
            return Reading("relative", unit=unit, offset=quantity or 1, edge="ahead")
        return Reading("relative", unit=unit, offset=direction, edge=edge)
    if set(words) & {"this", "tonight"} and set(words) & DAY_PARTS:
        return Reading("deictic", offset=0)
    if "recent" in words:
        return Reading("unknown")
    if any(_day_number(t) is not None and not t.text.isdigit() for t in tokens):
        return None  # "the 11th-hour deal", "20th-century": ordinals without a month are not dates
    if units and all(t.lower_ in UNITS or t.like_num or _count(t) is not None or t.lower_ in DURATION_WORDS for t in tokens):
        return Reading("duration", unit=units[0])
    if not units or any(t.pos_ == "ADJ" and t.lower_ not in LEADING for t in content):
        return None  # a bare number spaCy took for a date ("54 do not recognize"), or "a nice day"
    return Reading("unknown")


def _period(tokens: list[Token], words: list[str], month: int | None, year: int | None, direction: int | None) -> Reading | None:
    """Stretches of a year the news reports by: "the year to March 2005", "the fourth quarter of 2004", "May last year"."""
    for i, w in enumerate(words):
        if w in UNTIL_WORDS and month is not None and any(x in UNITS for x in words[:i]):
            after = tokens[i + 1 :]
            end_month = next((MONTHS[t.lower_] for t in after if t.lower_ in MONTHS), None)
            if end_month is None:
                return None
            unit = next(UNITS[x] for x in words[:i] if x in UNITS)
            count = next((_count(t) for t in tokens[:i] if _count(t) is not None), 1)
            day = next((d for t in after if t.lower_ not in MONTHS and not _is_year(t) and (d := _day_number(t))), None)
            end_year = next((int(t.text) for t in after if _is_year(t)), None)
            return Reading("until", year=end_year, month=end_month, day=day, unit=unit, offset=count)
    if year is not None and month is None:
        ordinal = next((PART_ORDINALS[w] for w in words if w in PART_ORDINALS), None)
        unit = "half" if "half" in words else next((UNITS[w] for w in words if w in UNITS), None)
        count = next((_count(t) for t in tokens if _count(t) is not None and not _is_year(t)), None)
        if ordinal is not None and (unit in {"quarter", "half"} or unit == "month" and count is not None):
            return Reading("part", year=year, unit=unit, offset=ordinal, day=count)
    if month is not None and year is None and "year" in words and direction is not None:
        return Reading("partial", month=month, offset=direction, edge="year")
    return None


def _year_span(tokens: list[Token]) -> tuple[int, int] | None:
    """(first, last) year of "1919-1921", "2012 to 2015" or "1845-49"."""
    match = YEAR_SPAN.search(" ".join(t.text for t in tokens))
    if match is None:
        return None
    first, tail = int(match.group(1)), match.group(2)
    last = int(tail) if len(tail) == 4 else first // 100 * 100 + int(tail)
    return (first, last) if first < last else None


def _count(tok: Token) -> int | None:
    if tok.lower_ in NUMBER_WORDS:
        return NUMBER_WORDS[tok.lower_]
    if tok.text.isdigit():
        return int(tok.text)
    return None


def candidates(doc: Doc) -> list[Candidate]:
    """Every temporal expression of a parsed document with its anchor-free reading; cached on the Doc."""
    cached = doc.user_data.get(CANDIDATES_KEY)
    if cached is not None:
        return cached
    found = []
    for s, e in _spans(doc):
        tokens = list(doc[s:e])
        reading = read(tokens)
        if (reading is None or reading.kind == "unknown") and NUMERIC_DATE.search(doc[s:e].text):
            reading = Reading("fallback")  # "31/12/2004": the one shape the rules leave to dateparser
        if reading is None:
            continue
        tense, bound = _tense(doc[s:e])
        found.append(Candidate(s, e, replace(reading, tense=tense, bound=bound)))
    doc.user_data[CANDIDATES_KEY] = found
    return found


# --- resolution ------------------------------------------------------------------------------

def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _add_months(d: dt.date, months: int) -> tuple[int, int]:
    total = d.year * 12 + d.month - 1 + months
    return total // 12, total % 12 + 1


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def partial_year(month: int, day: int | None, anchor: dt.date, tense: str, offset: int = 0) -> int:
    """The year of a month(/day) without one: the last occurrence for the past, the next for the future, else the nearest."""
    def at(y: int) -> dt.date:
        return _safe_date(y, month, day or 1) or dt.date(y, month, 1)

    if day is None:
        ref = dt.date(anchor.year, anchor.month, 1)
    else:
        ref = anchor
    if tense == "past" or offset < 0:
        return anchor.year if at(anchor.year) <= ref else anchor.year - 1
    if tense == "future" or offset > 0:
        return anchor.year if at(anchor.year) >= ref else anchor.year + 1
    options = [anchor.year - 1, anchor.year, anchor.year + 1]
    return min(options, key=lambda y: abs((at(y) - ref).days))


def resolve(reading: Reading, anchor: dt.date | None, text: str = "") -> tuple[str | None, str]:
    """(value, granularity) of a reading against an anchor date."""
    kind = reading.kind
    if kind == "absolute":
        if reading.day is not None and reading.month is not None:
            d = _safe_date(reading.year, reading.month, reading.day)
            return (d.isoformat(), "day") if d else (None, "unknown")
        if reading.month is not None:
            return f"{reading.year:04d}-{reading.month:02d}", "month"
        return f"{reading.year:04d}", "year"
    if kind == "decade":
        return f"{reading.year:04d}-01-01/{reading.year + 9:04d}-12-31", "range"
    if kind == "years":
        return f"{reading.year:04d}-01-01/{reading.offset:04d}-12-31", "range"
    if kind == "part":
        return _part(reading), "range"
    if kind == "duration":
        return None, "duration"
    if kind == "unknown":
        return None, "unknown"
    granularity = {"partial": "day" if reading.day else "month", "weekday": "day", "deictic": "day", "until": "range"}.get(kind)
    if kind == "until" and reading.year is not None:
        return _until(reading, None), "range"
    if kind == "relative":
        granularity = "day" if reading.unit in {"hour", "minute"} else "range" if reading.edge in {"span", "ahead", "earlier", "later"} else {
            "day": "day", "week": "week", "weekend": "range", "fortnight": "range", "month": "month", "year": "year",
            "quarter": "range", "decade": "range", "century": "range", "hour": "day", "minute": "day",
        }[reading.unit]
    if kind == "ago":
        granularity = {"month": "month", "year": "year", "decade": "year", "century": "year"}.get(reading.unit, "day")
    if kind == "fallback":
        return _dateparse(text, anchor.isoformat() if anchor else None)
    if anchor is None:
        return None, granularity or "unknown"
    if kind == "until":
        return _until(reading, anchor), "range"
    if kind == "partial" and reading.edge == "year":
        return f"{anchor.year + reading.offset:04d}-{reading.month:02d}", "month"
    if kind == "partial":
        year = partial_year(reading.month, reading.day, anchor, reading.tense, reading.offset)
        if reading.day:
            d = _safe_date(year, reading.month, reading.day)
            return (d.isoformat(), "day") if d else (None, "unknown")
        return f"{year:04d}-{reading.month:02d}", "month"
    if kind == "weekday":
        back = (anchor.weekday() - reading.weekday) % 7
        ahead = (reading.weekday - anchor.weekday()) % 7
        future = reading.offset > 0 or (reading.offset == 0 and reading.tense == "future")
        if reading.offset < 0 and back == 0:
            back = 7
        d = anchor + dt.timedelta(days=ahead) if future else anchor - dt.timedelta(days=back)
        return d.isoformat(), "day"
    if kind == "deictic":
        return (anchor + dt.timedelta(days=reading.offset)).isoformat(), "day"
    if kind == "ago":
        if reading.unit in {"month", "year", "decade", "century"}:
            months = reading.offset * {"month": 1, "year": 12, "decade": 120, "century": 1200}[reading.unit]
            y, m = _add_months(anchor, -months)
            return (f"{y:04d}-{m:02d}", "month") if reading.unit == "month" else (f"{y:04d}", "year")
        return (anchor - dt.timedelta(days=reading.offset * UNIT_DAYS.get(reading.unit, 1))).isoformat(), "day"
    return _relative(reading, anchor), granularity


def _part(reading: Reading) -> str:
    """"the fourth quarter of 2004" → 2004-10-01/2004-12-31; "the first three months of 2005" → January to March."""
    months = {"quarter": 3, "half": 6, "month": 1}[reading.unit] * (reading.day or 1 if reading.unit == "month" else 1)
    index = reading.offset
    first = (12 - months + 1) if index == -1 else (1 if reading.unit == "month" else (index - 1) * months + 1)
    first = min(max(first, 1), 12)
    last = min(first + months - 1, 12)
    return f"{dt.date(reading.year, first, 1).isoformat()}/{_month_end(reading.year, last).isoformat()}"


def _until(reading: Reading, anchor: dt.date | None) -> str | None:
    """"the year to March 2005" → 2004-04-01/2005-03-31: a stretch of time ending with a month or day."""
    year = reading.year if reading.year is not None else partial_year(reading.month, reading.day, anchor, "past")
    end = _safe_date(year, reading.month, reading.day) if reading.day else _month_end(year, reading.month)
    if end is None:
        return None
    if reading.unit in {"day", "week", "fortnight"}:
        start = end - dt.timedelta(days=reading.offset * UNIT_DAYS[reading.unit] - 1)
    else:
        months = reading.offset * {"month": 1, "quarter": 3, "year": 12, "decade": 120}.get(reading.unit, 12)
        y, m = _add_months(end, -months)
        start = dt.date(y, m, 1) if end == _month_end(end.year, end.month) else (_safe_date(y, m, end.day) or dt.date(y, m, 1))
        start = _add_one_month_start(start) if end == _month_end(end.year, end.month) else start + dt.timedelta(days=1)
    return f"{start.isoformat()}/{end.isoformat()}"


def _add_one_month_start(d: dt.date) -> dt.date:
    y, m = _add_months(d, 1)
    return dt.date(y, m, 1)


def _relative(reading: Reading, anchor: dt.date) -> str | None:
    unit, offset, edge = reading.unit, reading.offset, reading.edge
    if edge == "span" and unit in {"hour", "minute"}:  # "in the last few hours": the day itself
        return anchor.isoformat()
    if edge == "span":  # "the last week", "the past few days": up to the anchor
        days = max(1, offset) * UNIT_DAYS.get(unit, 1)
        return f"{(anchor - dt.timedelta(days=days)).isoformat()}/{anchor.isoformat()}"
    if edge == "ahead":
        days = max(1, offset) * UNIT_DAYS.get(unit, 1)
        return f"{anchor.isoformat()}/{(anchor + dt.timedelta(days=days)).isoformat()}"
    if unit in {"day", "hour", "minute"}:
        return (anchor + dt.timedelta(days=offset)).isoformat()
    if unit in {"week", "weekend", "fortnight"}:
        monday = anchor - dt.timedelta(days=anchor.weekday()) + dt.timedelta(weeks=offset)
        start, end = monday, monday + dt.timedelta(days=6)
        if unit == "weekend":
            start = monday + dt.timedelta(days=5)
        elif edge is None:
            iso = monday.isocalendar()
            return f"{iso[0]:04d}-W{iso[1]:02d}"
    elif unit == "month":
        y, m = _add_months(anchor, offset)
        if edge is None:
            return f"{y:04d}-{m:02d}"
        start, end = dt.date(y, m, 1), _month_end(y, m)
    elif unit == "year":
        y = anchor.year + offset
        if edge is None:
            return f"{y:04d}"
        start, end = dt.date(y, 1, 1), dt.date(y, 12, 31)
    elif unit == "quarter":
        q = (anchor.month - 1) // 3 + offset
        y, m = _add_months(dt.date(anchor.year, 1, 1), q * 3)
        start, end = dt.date(y, m, 1), _month_end(*_add_months(dt.date(y, m, 1), 2))
    else:
        return None
    if edge == "earlier" and offset == 0:
        end = anchor
    elif edge == "later" and offset == 0:
        start = anchor
    elif edge == "earlier":
        end = start + (end - start) / 2
    elif edge == "later":
        start = start + (end - start) / 2
    return f"{start.isoformat()}/{end.isoformat()}"


@lru_cache(maxsize=8)
def _date_parser(anchor: str | None):
    from dateparser.date import DateDataParser  # imported late: it takes a while and most spans never need it

    settings = {"PREFER_DATES_FROM": "past", "REQUIRE_PARTS": ["month"], "RETURN_TIME_AS_PERIOD": True}
    if anchor:
        settings["RELATIVE_BASE"] = dt.datetime.fromisoformat(anchor)
    return DateDataParser(languages=["en"], settings=settings)


@lru_cache(maxsize=4096)
def _dateparse(text: str, anchor: str | None) -> tuple[str | None, str]:
    """dateparser's reading of an expression the rules do not know; cached per (text, anchor)."""
    data = _date_parser(anchor).get_date_data(text)
    if data is None or data.date_obj is None:
        return None, "unknown"
    d = data.date_obj.date()
    period = data.period or "day"
    if period == "year":
        return f"{d.year:04d}", "year"
    if period == "month":
        return f"{d.year:04d}-{d.month:02d}", "month"
    if period == "week":
        iso = d.isocalendar()
        return f"{iso[0]:04d}-W{iso[1]:02d}", "week"
    return d.isoformat(), "day"


def extract(ctx) -> None:
    """Append a TimeExpr for every temporal expression, resolved against the (maybe inferred) publication date."""
    from newsgraph.extract.pubdate import infer_published

    anchor_text = ctx.article.published or infer_published(ctx)
    anchor = _parse_anchor(anchor_text)
    anchor_iso = anchor.isoformat() if anchor else None
    doc = ctx.doc
    for cand in candidates(doc):
        span = doc[cand.start : cand.end]
        start, end = span.start_char, span.end_char
        value, granularity = resolve(cand.reading, anchor, span.text)
        relative = cand.reading.kind not in {"absolute", "decade", "years", "part", "duration", "unknown", "fallback"} and not (
            cand.reading.kind == "until" and cand.reading.year is not None
        )
        s, e, text = ctx.original(start, end)
        ctx.result.times.append(
            TimeExpr(start=s, end=e, text=text, value=value, granularity=granularity,
                     anchor=anchor_iso if relative and value is not None else None, sentence=ctx.sentence_index(span[0]))
        )


def _parse_anchor(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None
