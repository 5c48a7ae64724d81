"""Time expressions found and read, before any anchor: the part that both ``times`` and ``pubdate`` use.

``candidates(doc)`` finds the spans (spaCy DATE/TIME entities merged with a Matcher for what
the small model misses) and gives each its ``Reading``: what it says without an anchor
(absolute, partial, weekday, deictic, relative, duration, …) and the tense of the clause
that governs it. ``times`` resolves the readings against the publication date;
``pubdate`` infers that date from the same readings when the metadata has none. Both
import this module and neither imports the other's readings, so there is no import circle.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from spacy.attrs import IS_SPACE, LOWER, ORTH, SHAPE
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span, Token
from spacy.vocab import Vocab

from newsgraph.lexicons.events import SPEECH


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
# TimeML's codes for parts of the day and seasons ("2013-03-22TAF", "2012-SU").
PART_CODES = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "tonight": "NI", "overnight": "NI",
              "nights": "NI", "mornings": "MO", "evenings": "EV", "afternoons": "AF"}
CLOCK_WORDS = {"noon": "12:00", "midday": "12:00", "midnight": "24:00"}
SEASONS = {"summer": "SU", "spring": "SP", "fall": "FA", "autumn": "FA", "winter": "WI",
           "summers": "SU", "springs": "SP", "autumns": "FA", "winters": "WI"}
# Words that stand for the present, the past or the future as a whole (TimeML's reference values).
REFERENCES = {
    "now": "PRESENT_REF", "currently": "PRESENT_REF", "nowadays": "PRESENT_REF", "presently": "PRESENT_REF",
    "recently": "PAST_REF", "lately": "PAST_REF",  # not "formerly": like "former" (a title), TimeML leaves it unmarked
    "future": "FUTURE_REF", "past": "PAST_REF", "current": "PRESENT_REF",
}
ADVERB_SETS = {"daily": ("day", 1), "weekly": ("week", 1), "monthly": ("month", 1), "yearly": ("year", 1),
               "annually": ("year", 1), "hourly": ("hour", 1), "nightly": ("night", 1)}
# TIMEX3 duration letters; decades and centuries are written in years, as the TimeML corpora mostly do.
UNIT_CODES = {"day": ("D", 1), "week": ("W", 1), "fortnight": ("W", 2), "month": ("M", 1), "year": ("Y", 1),
              "decade": ("Y", 10), "century": ("Y", 100), "hour": ("TH", 1), "minute": ("TM", 1), "second": ("TS", 1),
              "quarter": ("Q", 1), "weekend": ("D", 2), "night": ("D", 1)}
UNITS = {
    "day": "day", "days": "day", "week": "week", "weeks": "week", "fortnight": "fortnight", "month": "month",
    "months": "month", "year": "year", "years": "year", "decade": "decade", "decades": "decade",
    "century": "century", "centuries": "century", "hour": "hour", "hours": "hour", "minute": "minute",
    "minutes": "minute", "weekend": "weekend", "quarter": "quarter", "quarters": "quarter", "second": "second",
    "seconds": "second", "fortnights": "fortnight", "weekends": "weekend",
}
UNIT_DAYS = {"day": 1, "week": 7, "fortnight": 14, "month": 30, "year": 365, "decade": 3652, "century": 36524, "hour": 0, "minute": 0}
NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "fifty": 50,
    "hundred": 100, "few": 3, "several": 3, "couple": 2, "thirteen": 13, "fourteen": 14, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "forty": 40, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90, "dozen": 12, "thousand": 1000, "zero": 0,
}
VAGUE_COUNTS = {"few", "several", "some", "many", "couple"}  # "a few days": PXD
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
            "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "last": -1, "final": -1, "latest": 0}
ANAPHORIC_STEPS = {"previous": -1, "preceding": -1, "prior": -1, "following": 1}  # "the previous Friday", "the following Monday"
DIRECTIONS = {"last": -1, "past": -1, "previous": -1, "this": 0, "current": 0, "next": 1, "coming": 1}
EDGES = {"earlier": "earlier", "later": "later", "early": "earlier", "late": "later"}
# Words that may open a temporal expression; anything else is trimmed from the start of a spaCy span.
LEADING = (
    set(MONTHS) | set(WEEKDAYS) | set(DEICTIC) | set(NUMBER_WORDS) | set(DIRECTIONS) | set(EDGES)
    | set(UNITS) | {"the", "mid", "recent", "some", "about", "nearly", "almost", "around", "more", "over", "just", "only", "latest", "fiscal"}
)
FILLER = {"the", "a", "an", "of", "in", "on", "at", "since", "by", "until", "mid", "-", ",", ".", "'s", "just", "only", "about", "nearly",
          "almost", "around", "some", "more", "than", "over", "his", "her", "their", "its", "our", "my", "full", "whole", "fiscal",
          "roughly", "approximately", "least", "up", "to"}
FREQUENCIES = {"daily", "weekly", "monthly", "yearly", "annual", "annually", "nightly", "hourly", "quarterly"}
FUTURE_AUX = {"will", "shall", "'ll", "wo", "going"}
MODALS = {"would", "might", "may", "should", "can", "must", "'d"}  # not "could": "could not be reached Friday"
RANGE_ENDS = {"absolute", "partial", "weekday", "deictic", "holiday"}  # readings that can open or close a range of days
SCHEDULE_WORDS = {"schedule", "reschedule", "slate"}
SAME_PAST = {"hurt", "put", "cut", "hit", "let", "cost", "quit", "shut", "spread", "split", "bid", "cast", "burst", "beat", "read",
             "set", "upset", "bet", "broadcast", "forecast", "shed", "thrust"}  # verbs whose past tense is the present form
TERMS = {"payable", "effective", "record", "expiring", "deadline", "starting", "beginning"}
PLAN_WORDS = {"plan", "schedule", "expect", "intend", "set", "due", "propose", "prepare", "aim", "slate", "deadline", "hope"}
CANDIDATES_KEY = "newsgraph.times"  # where the readings wait in doc.user_data for pubdate
DURATION_WORDS = FILLER | {"or", "to", "so", "and"}
DURATION_MODIFIERS = {"least", "most", "less", "fewer", "additional", "another", "extra", "long", "-", "straight", "consecutive",
                      "first", "next", "past", "last", "trading", "business", "working", "calendar", "fiscal", "up", "within", "half"}
REFERENCE_FILLER = {"right", "very", "near", "more", "most", "distant", "until", "just", "the", "foreseeable", "only", "even", "until"}
TIME_ZONES = {"est", "edt", "gmt", "et", "pst", "pdt", "cst", "cdt", "utc", "bst", "cet", "cest", "local", "time"}
ZONE_NAMES = TIME_ZONES - {"et", "local", "time"}  # zones a 24-hour clock is written before ("0710 GMT")
DAY_KINDS = frozenset({"weekday", "partial", "absolute", "deictic"})  # readings that name one day
SMALL_HOURS = (["the", "early", "hours"], ["the", "small", "hours"])  # "the early hours of Sunday" is that day
CLOCK_FILLER = {"at", "about", "around", "approximately", "est", "edt", "gmt", "et", "pst", "pdt", "cst", "cdt", "utc", "bst",
                "o'clock", "local", "time", "on", "the", "of", "by", "before", "after", "until", "since"}
EDGE_WORDS = {"end", "beginning", "start", "middle"}  # "the end of the year", "the middle of October"
PART_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1, "final": -1}
UNTIL_WORDS = {"to", "ending", "ended", "through", "until"}
# "mid-1996", "the late-1980s", and "post-1959", "pre-1990" (a year TimeML tags as the year, with a BEFORE/AFTER mod)
EDGED_YEAR = re.compile(r"(mid|early|late|pre|post)-((?:1[89]|20)\d\d)(s?)")
EDGED_SHAPES = ["xxx-dddd", "xxxx-dddd", "xxx-ddddx", "xxxx-ddddx"]  # spaCy keeps "post-1959" one token, and NER seldom tags it
NUMERIC_DATE = re.compile(r"\d{1,4} ?[/.-] ?\d{1,2} ?[/.-] ?\d{1,4}")
YEAR_SPAN = re.compile(r"\b(1[89]\d\d|20\d\d)(?: ?(?:-|–|to|through|until) ?(\d{4}|\d\d)|[-–](\d))\b")  # "2005-6" too, unspaced
PERIOD_WORDS = ["latest", "comparable", "corresponding", "same", "year", "-", "ago", "earlier", "year-ago", "year-earlier"]
TENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
        "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
        "eighty": 80, "ninety": 90, "hundred": 0}
ONES = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
# Holidays of the US calendar the corpora date things by: (month, day), or (month, weekday, nth; -1 the last).
HOLIDAYS = {
    "christmas": (12, 25), "christmas eve": (12, 24), "new year's day": (1, 1), "new year's eve": (12, 31), "new year": (1, 1),
    "independence day": (7, 4), "halloween": (10, 31), "valentine's day": (2, 14), "veterans day": (11, 11),
    "thanksgiving": (11, 3, 4), "thanksgiving day": (11, 3, 4), "labor day": (9, 0, 1), "memorial day": (5, 0, -1),
    "election day": (11, 1, 0), "easter": (0, 0), "easter sunday": (0, 0), "easter week": (0, 0),
}
HOLIDAYS_LONGEST_FIRST = sorted(HOLIDAYS, key=len, reverse=True)
HOLIDAY_HEADS = {"christmas", "thanksgiving", "halloween", "easter", "election", "labor", "memorial", "independence", "veterans",
                 "valentine", "new"}
AM_PM = ["a.m.", "p.m.", "am", "pm", "a.m", "p.m"]
DECADE_WORDS = {"twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6, "seventies": 7, "eighties": 8, "nineties": 9}
NUMERIC_SHAPES = [f"{a}/{b}/{c}" for a in ("d", "dd") for b in ("d", "dd") for c in ("dd", "dddd")] + ["dddd/dd/dd"]
# Words that judge a day ("it was a great day for Poland"): the day spoken of, not a length of one day.
VERDICTS = {"great", "historic", "historical", "sad", "proud", "tragic", "momentous", "memorable", "black", "dark", "happy", "glorious",
            "terrible", "bad", "good", "big", "special", "important", "landmark", "fateful"}
# Nouns that make "today's" / "of tomorrow" the present or future in general, not a day: "today's youth", "in today's
# world", "the cars of tomorrow" (TimeBank leaves these unmarked; a dated event is not meant).
GENERIC_HEADS = {"world", "youth", "society", "generation", "generations", "children", "kids", "young", "youngsters", "teenagers",
                 "teens", "students", "parents", "families", "women", "men", "people", "consumers", "voters", "workers", "standards",
                 "terms", "dollars", "technology", "computers", "culture", "economy", "leaders", "cars", "cities"}


@dataclass(frozen=True, slots=True)
class Reading:
    """What an expression says before it is anchored: enough to resolve it against any date."""

    kind: str  # absolute | decade | century | years | part | quarter | season | until | partial | weekday | deictic | relative | ago
    # | shift | duration | set | ref | ordinal ("the second day") | unknown | fallback
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    unit: str | None = None
    offset: int = 0  # -1 last, 0 this, +1 next; days for deictic; count for "ago"
    edge: str | None = None  # earlier | later ("earlier this year"); "span" for "the last few days"; "taken" for a length
    # written as a clock reading ("3:07:35", counted in seconds)
    tense: str = "neutral"  # past | future | present (a finite present verb governs it) | neutral | verbless
    bound: str | None = None  # the preposition that relates it to its clause (before, after, since …)
    count: float | None = None  # how many units a duration or set counts; None when vague ("several days")
    part: str | None = None  # part of day (MO, AF, EV, NI) or clock time ("15:00"), season (SU …), reference (PRESENT_REF)
    shift: int = 0  # days after (+) or before (-) the day read: "the day after Christmas" is Christmas, shift 1


@dataclass(frozen=True, slots=True)
class Candidate:
    start: int  # token indices in the canonical Doc
    end: int
    reading: Reading


# Flag bits token patterns may name (FLAG19 … FLAG63); spaCy's own lexical flags (IS_ALPHA …) sit below them.
FLAG_BITS = range(19, 64)


class _LexemeFlags:
    """The Matcher's word and shape sets as lexeme flags, which it checks in C.

    A Matcher calls back into Python for an IN-set predicate on every token of a window: about 40% of
    the Matcher's time on BBC. Whether a word's lowercase form, shape or text is in a set is a
    property of its lexeme, so ``rewrite`` gives each set a flag bit of the vocab, and ``mark`` sets
    those bits on a lexeme the first time a Doc holding it is matched; only lexemes in some set get a
    bit, the rest keep 0 (bits 19-63 are unused by spaCy, and no getter is registered, so the
    tokenizer pays nothing for new words). Sets beyond the free bits stay IN predicates. The bits are not
    registered in ``vocab.lex_attr_getters``: a later ``Vocab.add_flag`` without an id would take 13, then 19,
    one of these (nothing in newsgraph calls it).
    """

    def __init__(self, vocab: Vocab):
        self.vocab = vocab
        self.bits: dict[tuple[int, frozenset[int]], int] = {}  # (attribute, hashes of the set) -> flag bit
        self.masks: dict[int, dict[int, int]] = {LOWER: {}, SHAPE: {}, ORTH: {}}  # attribute -> value hash -> bits
        self.seen: set[int] = set()  # orth hashes of the lexemes marked

    def rewrite(self, patterns: list[list[dict]]) -> list[list[dict]]:
        free = [b for b in FLAG_BITS if b not in self.vocab.lex_attr_getters]
        out = []
        for pattern in patterns:
            tokens = []
            for spec in pattern:
                spec = dict(spec)
                for key, attr in (("LOWER", LOWER), ("SHAPE", SHAPE), ("TEXT", ORTH)):
                    value = spec.get(key)
                    if not (isinstance(value, dict) and list(value) == ["IN"]):
                        continue
                    hashes = frozenset(self.vocab.strings.add(v) for v in value["IN"])
                    bit = self.bits.get((attr, hashes))
                    if bit is None and len(self.bits) < len(free):
                        bit = self.bits[attr, hashes] = free[len(self.bits)]
                        for h in hashes:
                            self.masks[attr][h] = self.masks[attr].get(h, 0) | 1 << bit
                    if bit is not None:
                        del spec[key]
                        spec[f"FLAG{bit}"] = True
                tokens.append(spec)
            out.append(tokens)
        return out

    def mark(self, table: np.ndarray) -> None:
        """Set the flags of the lexemes of a Doc not marked before; `table` holds its ORTH, LOWER, SHAPE columns."""
        lower, shape, orth = self.masks[LOWER], self.masks[SHAPE], self.masks[ORTH]
        orths, first = np.unique(table[:, 0], return_index=True)
        for o, i in zip(orths.tolist(), first.tolist()):
            if o in self.seen:
                continue
            self.seen.add(o)
            mask = lower.get(int(table[i, 1]), 0) | shape.get(int(table[i, 2]), 0) | orth.get(o, 0)
            if mask:
                lex = self.vocab[o]
                for bit in FLAG_BITS:
                    if mask >> bit & 1:
                        lex.set_flag(bit, True)


@lru_cache(maxsize=8)
def _time_matcher(vocab: Vocab) -> tuple[Matcher, _LexemeFlags]:
    """The Matcher of ``_time_patterns`` and the lexeme flags their word sets became; built once per vocab."""
    matcher = Matcher(vocab, validate=False)  # the schema knows no FLAG keys; the rules are fixed and tested
    flags = _LexemeFlags(vocab)
    matcher.add("TIME", flags.rewrite(_time_patterns()), greedy="LONGEST")
    return matcher, flags


def _time_patterns() -> list[list[dict]]:
    """Temporal phrases the small model tends to miss.

    Each pattern costs time on every token of every window, so related phrases share one pattern
    and read() sorts out what a match says; single words are looked up without the Matcher.
    """
    months = sorted(MONTHS)
    day = {"SHAPE": {"IN": ["d", "dd", "dxx", "ddxx"]}}
    unit_words = sorted(UNITS)
    set_words = sorted(set(UNITS) | set(WEEKDAYS) | set(MONTHS) | set(PART_CODES) | set(SEASONS) | {"night"})
    day_words = sorted(set(WEEKDAYS) | set(DEICTIC) | {"this", "last", "next", "the", "early", "late", "that", "same", "past"})
    ordinals = sorted(set(ORDINALS) | {"the", "this", "next", "latest", "current", "that", "same", "past"})
    edge = {"LOWER": {"IN": ["early", "mid", "late"]}, "OP": "?"}
    dash = {"TEXT": "-", "OP": "?"}
    patterns = [
            [{"LOWER": {"IN": sorted(DIRECTIONS)}, "OP": "?"}, {"LOWER": {"IN": sorted(WEEKDAYS)}}],
            [{"LOWER": "the"}, {"LOWER": {"IN": sorted(ANAPHORIC_STEPS)}}, {"LOWER": {"IN": sorted(WEEKDAYS)}}],
            [{"LOWER": {"IN": sorted(EDGES)}, "OP": "?"}, {"LOWER": {"IN": sorted(DIRECTIONS)}},
             {"LOWER": {"IN": ["week", "month", "year", "weekend"]}}],
            [{"LOWER": {"IN": months}}, day],
            [{"LOWER": {"IN": months}}, day, {"TEXT": ",", "OP": "?"}, {"SHAPE": "dddd"}],
            [day, {"LOWER": {"IN": months}}, {"SHAPE": "dddd", "OP": "?"}],
            [{"LOWER": {"IN": months}}, {"TEXT": ",", "OP": "?"}, {"SHAPE": "dddd"}],
            [{"SHAPE": "dddd"}, {"LOWER": {"IN": ["-", "–", "to", "through", "until"]}}, {"SHAPE": {"IN": ["dddd", "dd"]}}],
            [{"SHAPE": "dddd"}, {"TEXT": "-"}, {"SHAPE": {"IN": ["d", "dd"]}}, {"TEXT": "-"}, {"SHAPE": {"IN": ["d", "dd"]}}],
            # what TimeML tags that the small model leaves: the past and future, sets, parts of day and seasons,
            # clock times, quarters and centuries, decades, counted units ("five-year", "90 days", "a year ago")
            [{"LOWER": "the"}, {"LOWER": {"IN": ["near", "distant", "recent", "foreseeable", "short"]}, "OP": "?"},
             {"LOWER": {"IN": ["past", "future", "term"]}}],
            [{"LOWER": {"IN": ["every", "each"]}}, {"LOWER": "other", "OP": "?"}, {"LOWER": {"IN": set_words}}],
            [{"LOWER": {"IN": ["once", "twice", "thrice"]}}, {"LOWER": {"IN": ["a", "an", "per", "each", "every"]}},
             {"LOWER": {"IN": unit_words}}],
            [{"LIKE_NUM": True}, {"LOWER": "times"}, {"LOWER": {"IN": ["a", "an", "per", "each", "every"]}}, {"LOWER": {"IN": unit_words}}],
            [{"LOWER": "these"}, {"LOWER": "days"}],
            [{"LOWER": {"IN": day_words}, "OP": "?"}, edge, dash, {"LOWER": {"IN": sorted(set(PART_CODES) | set(SEASONS))}},
             {"LOWER": "of", "OP": "?"}, {"SHAPE": "dddd", "OP": "?"}],
            [{"SHAPE": {"IN": ["d:dd", "dd:dd"]}}, {"LOWER": {"IN": AM_PM}, "OP": "?"}],
            [{"SHAPE": {"IN": ["d:dd:dd", "dd:dd:dd"]}}, {"LOWER": {"IN": AM_PM}, "OP": "?"}],
            [{"SHAPE": "dddd"}, {"LOWER": {"IN": sorted(ZONE_NAMES)}, "IS_UPPER": True}],
            [{"LIKE_NUM": True}, {"LOWER": {"IN": AM_PM}}],
            [{"LIKE_NUM": True}, {"LOWER": "o'clock", "OP": "?"}, {"LOWER": "in"}, {"LOWER": "the"},
             {"LOWER": {"IN": ["morning", "afternoon", "evening"]}}],
            [{"LOWER": "the", "OP": "?"}, {"LOWER": {"IN": ordinals}}, {"LOWER": "fiscal", "OP": "?"}, dash,
             {"LOWER": {"IN": ["quarter", "half", "quarters", "century", "centuries"]}}],
            [{"SHAPE": {"IN": ["ddxx", "dxx"]}}, dash, {"LOWER": "century"}],
            [{"LOWER": {"IN": ["a", "one", "the"]}, "OP": "?"}, {"LOWER": "year"}, {"TEXT": {"IN": ["-", "'s"]}, "OP": "?"},
             {"LOWER": {"IN": ["earlier", "ago", "before", "end"]}}],
            [edge, dash, {"SHAPE": {"IN": ["ddddx", "'ddx", "ddx"]}}],
            [{"LOWER": {"IN": ["early", "mid", "late"]}}, {"TEXT": "-"}, {"SHAPE": "dddd"}],
            [{"LOWER": "the"}, edge, {"LOWER": {"IN": sorted(DECADE_WORDS)}}],
            [{"LIKE_NUM": True}, {"LIKE_NUM": True, "OP": "?"}, dash, {"LOWER": {"IN": unit_words}}, {"LOWER": "ago", "OP": "?"}],
            [{"LIKE_NUM": True}, {"LOWER": {"IN": ["more", "additional", "extra", "further"]}}, {"LOWER": {"IN": unit_words}}],
            [{"LOWER": {"IN": ["an", "another"]}}, {"LOWER": {"IN": ["additional", "extra", "further"]}}, {"LOWER": {"IN": unit_words}}],
            [{"LOWER": {"IN": sorted(VAGUE_COUNTS | {"a", "an"})}}, {"LOWER": "of", "OP": "?"}, {"LOWER": {"IN": unit_words}},
             {"LOWER": "ago", "OP": "?"}],
            [{"LOWER": "the"}, {"LOWER": {"IN": PERIOD_WORDS}, "OP": "+"}, {"LOWER": "period"}],
            [{"LOWER": "the"}, {"SHAPE": "dddd"}, {"LOWER": "period"}],
            [{"LOWER": {"IN": ["nineteen", "eighteen", "twenty"]}}, {"LOWER": {"IN": sorted(TENS)}}, dash,
             {"LOWER": {"IN": sorted(ONES)}, "OP": "?"}],
            [{"LOWER": {"IN": sorted(HOLIDAY_HEADS)}}, {"LOWER": {"IN": ["'s", "year", "day", "eve", "week", "weekend"]}, "OP": "*"}],
            [{"LOWER": "the"}, {"LOWER": {"IN": ["full", "fiscal", "calendar", "current", "latest"]}, "OP": "+"}, {"LOWER": "year"}],
            [{"LOWER": {"IN": ["earlier", "later"]}, "OP": "?"}, {"LOWER": {"IN": ["that", "the"]}},
             {"LOWER": {"IN": ["same", "following", "next", "previous", "preceding"]}, "OP": "?"},
             {"LOWER": {"IN": ["day", "morning", "afternoon", "evening", "night", "week", "month", "year", "weekend"]}}],
    ]
    return patterns


@lru_cache(maxsize=8)
def _trigger_hashes(vocab: Vocab) -> frozenset[int]:
    """Hashes of the words every Matcher pattern contains one of; built once per vocab."""
    words = (set(MONTHS) | set(WEEKDAYS) | {"ago", "week", "month", "year", "weekend", "every", "each", "half", "term"}
             | set(PART_CODES) | set(SEASONS) | set(UNITS) | set(AM_PM) | {"past", "future"}
             | set(DECADE_WORDS) | {"century", "centuries", "period", "nineteen", "thousand"} | set(HOLIDAY_HEADS) - {"new"})
    shapes = ["dddd", "d:dd", "dd:dd", "d:dd:dd", "dd:dd:dd", "ddddx", "'ddx", "ddxx", "dxx"]
    return frozenset(vocab.strings.add(w) for w in sorted(words) + shapes)


@lru_cache(maxsize=8)
def _trigger_array(vocab: Vocab) -> np.ndarray:
    return np.array(sorted(_trigger_hashes(vocab)), dtype=np.uint64)


@lru_cache(maxsize=8)
def _single_array(vocab: Vocab) -> np.ndarray:
    return np.array(sorted(_single_hashes(vocab)), dtype=np.uint64)


@lru_cache(maxsize=8)
def _single_hashes(vocab: Vocab) -> dict[int, str]:
    """Words that are a time expression on their own (checked without the Matcher): hash -> kind."""
    single = {w: "word" for w in set(REFERENCES) - {"past", "future", "current"}} | {w: "word" for w in DEICTIC}
    single |= {w: "word" for w in CLOCK_WORDS} | {w: "adverb" for w in ADVERB_SETS} | {"current": "current"}
    single |= {"while": "vague", "time": "vague"}  # "for a while", "for some time": a length without a unit
    single |= {"day": "verdict"}  # "it was a great day": the Matcher's windows would look at every "a" for it
    out = {vocab.strings.add(w): kind for w, kind in single.items()}
    out |= {vocab.strings.add(shape): "numeric" for shape in NUMERIC_SHAPES}
    out |= {vocab.strings.add(shape): "edged" for shape in EDGED_SHAPES}
    return out


def _member(column: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Which hashes of `column` are in the sorted `table`: a binary search, six times cheaper than np.isin's sort."""
    at = np.searchsorted(table, column)
    at[at == len(table)] = 0
    return table[at] == column


@lru_cache(maxsize=8)
def _weak_triggers(vocab: Vocab) -> frozenset[int]:
    """Trigger words and shapes that start a time only in one spelling: a capitalized "May", an ordinal "22nd"."""
    return frozenset(vocab.strings.add(w) for w in sorted(AMBIGUOUS_MONTHS) + ["dxx", "ddxx"])


def _strong(tok: Token) -> bool:
    if tok.lower_ in AMBIGUOUS_MONTHS:
        return tok.text[0].isupper()
    return tok.lower_[-2:] in {"st", "nd", "rd", "th"}


def _matcher_hits(doc: Doc) -> list[tuple[int, int]]:
    """Matcher hits, the Matcher run only on small windows around trigger words, plus the one-word times.

    A Matcher with IN-set predicates calls back into Python for every token it sees; a
    lookup of the trigger words first keeps it to a few windows per document.
    """
    if not len(doc):
        return []
    triggers = _trigger_array(doc.vocab)
    single = _single_hashes(doc.vocab)
    table = doc.to_array([LOWER, SHAPE, ORTH])
    hits: list[tuple[int, int]] = []
    words = _single_array(doc.vocab)
    for i in np.flatnonzero(_member(table[:, 0], words) | _member(table[:, 1], words)).tolist():
        kind = single.get(int(table[i, 0])) or single.get(int(table[i, 1]))
        tok = doc[i]
        if kind in {"word", "numeric"} or kind == "adverb" and tok.pos_ in {"ADV", "ADJ"} or (
            kind == "current" and tok.pos_ == "ADJ" and tok.dep_ == "amod"
        ):
            hits.append((i, i + 1))
        elif kind == "edged" and EDGED_YEAR.fullmatch(tok.lower_):
            hits.append((i, i + 1))  # "post-1959 politics", "pre-1990 levels"
        elif kind == "vague" and _vague_length(doc, i):
            hits.append((i - 1, i + 1))
        elif kind == "verdict" and i >= 2 and doc[i - 1].lower_ in VERDICTS and doc[i - 2].lower_ in {"a", "an"}:
            hits.append((i - 2, i + 1))
    windows: list[list[int]] = []
    weak = _weak_triggers(doc.vocab)
    for i in np.flatnonzero(_member(table[:, 0], triggers) | _member(table[:, 1], triggers)).tolist():
        if (int(table[i, 0]) in weak or int(table[i, 1]) in weak) and not _strong(doc[i]):
            continue  # "may" the verb, "10bn": a window costs the Matcher ~4 µs a word, and these find nothing
        lo, hi = max(0, i - 3), min(len(doc), i + 5)
        if windows and lo <= windows[-1][1]:
            windows[-1][1] = hi
        else:
            windows.append([lo, hi])
    if not windows:
        return hits
    matcher, flags = _time_matcher(doc.vocab)
    flags.mark(table[:, [2, 0, 1]])
    return hits + [(lo + s, lo + e) for lo, hi in windows for _, s, e in matcher(doc[lo:hi])]


def _vague_length(doc: Doc, i: int) -> bool:
    """Whether "while" / "time" at `i` ends a length without a unit: "for a while", "for some time", "for quite a while"."""
    if i < 2 or doc[i - 1].lower_ not in {"a", "some"}:
        return False
    before = doc[i - 2].lower_ if doc[i - 2].lower_ != "quite" or i < 3 else doc[i - 3].lower_
    return before == "for" and (i + 1 == len(doc) or doc[i + 1].lower_ != "ago")


def _is_year(tok: Token) -> bool:
    return tok.shape_ == "dddd" and 1800 <= int(tok.text) <= 2100


# Words naming a calendar whose new year is not the first of January ("the Chinese New Year", "Lunar New Year").
OTHER_CALENDARS = frozenset("chinese lunar jewish persian iranian islamic muslim hijri hindu sikh tamil vietnamese korean "
                            "tibetan thai sinhala sinhalese nepali ethiopian orthodox".split())


def _new_year_of_this_calendar(tokens: list[Token]) -> bool:
    """Whether "New Year" is the first of January: written with a capital N and not another calendar's
    ("the Chinese New Year", "the Jewish New Year"), which has no fixed day in ours."""
    new = next((t for t in tokens if t.lower_ == "new"), None)
    if new is None or not new.text[0].isupper():
        return False
    before = new.nbor(-1) if new.i > 0 else None
    return before is None or before.lower_ not in OTHER_CALENDARS and before.ent_type_ != "NORP"


def _day_before_its_month(tokens: list[Token], right: Reading | None) -> Reading | None:
    """The first day of "6 to 9 January", "between 1 and 5 March": a bare day that borrows the month (and year) after it."""
    if len(tokens) != 1 or right is None or right.kind not in {"partial", "absolute"} or right.day is None or right.month is None:
        return None
    day = _day_number(tokens[0])
    return replace(right, day=day, weekday=None) if day is not None and day < right.day else None


def _day_number(tok: Token) -> int | None:
    text = tok.lower_
    if tok.shape_ in {"dxx", "ddxx"} and text[-2:] in {"st", "nd", "rd", "th"}:
        text = text[:-2]
    if text.isdigit() and 1 <= int(text) <= 31 and len(text) <= 2:
        return int(text)
    return None


def _temporal_start(tok: Token) -> bool:
    return tok.lower_ in LEADING or bool(EDGED_YEAR.fullmatch(tok.lower_)) or tok.like_num or _day_number(tok) is not None or (
        tok.shape_ == "ddddx") or tok.lower_ in {"half", "quarter"} and _fraction_of_unit(tok)


def _fraction_of_unit(tok: Token) -> bool:
    """Whether "half" / "quarter" counts a unit of time: "half an hour", "a half-century", "a quarter century"."""
    after = [t.lower_ for t in tok.doc[tok.i + 1 : tok.i + 3] if t.lower_ not in {"-", "a", "an"}]
    return bool(after) and after[0] in UNITS and after[0] not in {"quarter", "quarters"}


def _temporal_end(tok: Token) -> bool:
    low = tok.lower_
    if low == "end" and tok.i and tok.nbor(-1).lower_ in {"year", "-", "'s"}:
        return True  # "year-end", "year's end"
    if low == "half" and tok.i >= 2 and tok.nbor(-1).lower_ in {"a", "one"} and tok.nbor(-2).lower_ == "and":
        return True  # "an hour and a half"
    return (
        low in UNITS or low in MONTHS or low in WEEKDAYS or low in DAY_PARTS or low in DEICTIC
        or low in {"ago", "earlier", "later", "before", "after", "ahead"} or tok.like_num or tok.shape_ in {"dddd", "ddddx"}
        or _day_number(tok) is not None or bool(NUMERIC_DATE.fullmatch(tok.text)) or bool(EDGED_YEAR.fullmatch(low))
    )


def _trim(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Drop words spaCy let into a DATE span before the expression ("twitter Tuesday", "the towel every year")."""
    if end - start > 2 and doc[start].like_num and doc[start + 1].lower_ in {"a", "an"}:
        start += 1  # "up from seven a year ago": the seven is the figure, not the time
    first = start
    while start < end:
        tok = doc[start]
        if tok.lower_ in {"the", "a", "an"} and start + 1 < end and not _temporal_start(doc[start + 1]):
            start += 1
        elif not _temporal_start(tok):
            start += 1
        else:
            break
    if end - start > 2 and doc[start].lower_ in {"early", "soon", "late"} and doc[start + 1].lower_ == "as":
        start += 2  # "as early as next week", "as late as 2015": the time is what follows
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
    breaks = _line_breaks(doc)
    ranges = [part for r in ranges for part in _split_lines(doc, *r, breaks)]
    merged: list[list[int]] = []
    clocks: dict[tuple[int, int], bool] = {}  # the last merged range is asked again for every range after it

    def clockish(start: int, end: int) -> bool:
        if (start, end) not in clocks:
            clocks[start, end] = _clockish(doc, start, end)
        return clocks[start, end]

    for s, e in sorted(r for r in ranges if r[1] > r[0]):
        gap = merged[-1][1] if merged else s
        clock_before = bool(merged) and clockish(*merged[-1])
        while s - 2 <= gap < s and (doc[gap].lower_ in TIME_ZONES or clock_before and doc[gap].text == ","):
            gap += 1
        if merged and gap == s and (clock_before or clockish(s, e)):
            merged[-1][1] = e  # "9 a.m. EST" + "Tuesday", "noon" + "Thursday", "15:00 GMT" + "Saturday", "5 p.m. EST, Nov. 6"
        elif merged and gap == s and merged[-1][1] - merged[-1][0] == 1 and doc[merged[-1][0]].lower_ in WEEKDAYS and (
            doc[s].lower_ in MONTHS and doc[s].text[:1].isupper()
        ):
            merged[-1][1] = e  # "Friday" + "Oct. 13": one day
        elif merged and gap == s and doc[s - 1].lower_ in PART_CODES and e - s == 1 and doc[s].lower_ in set(DEICTIC) - {"tonight"}:
            merged[-1][1] = e  # "mid-afternoon" + "yesterday": one time, the afternoon of that day
        elif merged and gap == s and doc[s - 1].lower_ == "of" and any(t.lower_ in SEASONS for t in doc[merged[-1][0] : s - 1]):
            merged[-1][1] = e  # "the winter of" + "nineteen ninety-four": one season (not "the night of" + "Oct. 23")
        elif merged and s < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return [(s, e) for s, e in merged]


def _clockish(doc: Doc, start: int, end: int) -> bool:
    return any(t.lower_ in AM_PM or t.lower_ in CLOCK_WORDS or t.shape_ in {"d:dd", "dd:dd"} for t in doc[start:end])


def _line_breaks(doc: Doc) -> list[int]:
    """Indices of the space tokens holding a line break, in order (spaCy keeps a newline in a space token of its own:
    a token's trailing ``whitespace_`` is at most one plain space)."""
    return [i for i in np.flatnonzero(doc.to_array(IS_SPACE)).tolist() if "\n" in doc[i].text]


def _split_lines(doc: Doc, start: int, end: int, breaks: list[int] | None = None) -> list[tuple[int, int]]:
    """A span cut at line breaks: a dateline ("April 27, 2005" then a blank line) never runs into the next paragraph.

    `breaks` are the Doc's ``_line_breaks`` when the caller has them already (one lookup per Doc, not per token)."""
    if breaks is None:
        breaks = _line_breaks(doc)
    parts, first = [], start
    for i in breaks[bisect_left(breaks, start) : bisect_left(breaks, end)]:
        parts.append((first, i))
        first = i + 1
    parts.append((first, end))
    out = []
    for s, e in parts:
        while s < e and (doc[s].is_space or doc[s].is_punct and doc[s].text not in {"'"}):
            s += 1
        while e > s and (doc[e - 1].is_space or doc[e - 1].text in {",", "-", "(", ";", ":"}):
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def _tense(span: Span) -> tuple[str, str | None]:
    """(tense of the clause governing `span`, the preposition linking them) from the parse.

    "future" also covers what is planned or expected: a modal ("would", "might"), an infinitive under a verb
    of planning ("planned to leave on Thursday"), a noun under one ("planned a demonstration on Saturday"),
    "as soon as", "scheduled for", "due", and a present progressive ("is meeting Wednesday").
    """
    root = span.root
    bound = None
    if root.head.pos_ == "ADP" and root.dep_ == "pobj":
        bound = root.head.lower_
        if bound == "as" and root.head.head.lower_ in {"soon", "early"}:
            return "future", bound  # "as soon as Tuesday", "as early as next week"
    if root.dep_ == "poss":
        return "past", bound  # "Friday's purchases", "Tuesday's declaration": what a day's name owns has happened
    for child in root.children:  # "after January 10, when his reelection will be unrecognized"
        if child.dep_ == "relcl" and any(a.lower_ in FUTURE_AUX for a in child.children if a.dep_ in {"aux", "auxpass"}) and any(
            a.lower_ == "when" for a in child.children
        ):  # not "shares issued July 1, which will receive ...": that clause speaks of the shares
            return "future", bound
    verb = root
    planned = False  # "a deadline of Friday": coming, unless the clause tells it as past
    for _ in range(5):
        if verb.pos_ in {"VERB", "AUX"} or verb.head.i == verb.i:
            break
        if verb.lemma_ in PLAN_WORDS and verb.pos_ == "ADJ":
            return "future", bound  # "due Friday"
        if verb.lemma_ in PLAN_WORDS and verb.pos_ == "NOUN":
            planned = True
            verb = verb.head
            continue
        if verb.lower_ in TERMS:
            return "neutral", bound  # "payable Dec. 7", "effective Feb. 1": a past clause may set a coming day
        verb = verb.head
    if not planned and bound in {None, "on", "in", "at"}:  # "said from Monday its flights would be cut": the cut's Monday
        verb = _sayer_before(verb, span)
    auxes = [a for a in verb.children if a.dep_ in {"aux", "auxpass"}]
    perfect = any(a.lower_ in {"has", "have", "had", "'ve"} for a in auxes)
    if planned:  # "had received 99% of the shares by the Tuesday deadline": a deadline that has passed
        return ("neutral" if _told_as_past(verb) else "future"), bound
    if bound in {"to", "until", "through", "till"} and verb.pos_ == "VERB" and verb.tag_ in {"VBD", "VBN"} and not (
        perfect and any(c.dep_ == "neg" for c in verb.children)
    ):
        return "neutral", bound  # "extended the offer to Nov. 20", "has given them until Tuesday"; not "had not called until Thursday"
    if verb.lemma_ in SCHEDULE_WORDS and root.dep_ in {"dobj", "npadvmod"} and root.head.i == verb.i:
        return "future", bound  # "has scheduled a news conference Thursday": what is scheduled is still to come
    if verb.lemma_ in PLAN_WORDS and root.dep_ in {"dobj", "npadvmod"} and root.head.i == verb.i:
        return "neutral", bound  # "has set Nov. 10 as the deadline": what was set is a date, maybe a coming one
    if verb.tag_ == "VBG" and not auxes and verb.dep_ in {"advcl", "xcomp", "conj"} and verb.head.pos_ in {"VERB", "AUX"}:
        verb = verb.head  # "has fluctuated, rising ... from $29.75 in March": a participle takes its clause's tense
    if verb.pos_ not in {"VERB", "AUX"}:
        return "verbless", bound  # a dateline or caption: "Caracas, February 10, 2019"
    auxes = [a for a in verb.children if a.dep_ in {"aux", "auxpass"}]
    perfect = any(a.lower_ in {"has", "have", "had", "'ve"} for a in auxes)
    if verb.tag_ == "VBP" and verb.lower_ in SAME_PAST and not auxes:
        return "neutral", bound  # "stocks hurt the index ... on Friday": the small model reads these past tenses as present
    if any(a.lower_ in FUTURE_AUX for a in auxes) or (verb.lower_ == "going" and any(c.lower_ == "to" for c in verb.children)):
        return "future", bound
    if any(a.lower_ in MODALS for a in auxes) and not perfect:
        return "future", bound
    if verb.lemma_ in PLAN_WORDS and verb.tag_ == "VBN" and any(c.lower_ == "for" for c in verb.children):
        return "future", bound  # "scheduled for Thursday", "set for April"
    chain = [verb.head] if verb.head.i != verb.i else []
    if chain and chain[0].head.i != chain[0].i:
        chain.append(chain[0].head)
    if verb.tag_ == "VB" and any(a.lower_ == "to" for a in auxes) and any(
        c.lower_ == "had" and c.dep_ in {"aux", "auxpass"} for h in chain for c in h.children
    ):
        return "neutral", bound  # "it had been due to expire Friday evening": a plan told as past, its day either side
    if verb.tag_ == "VB" and any(a.lower_ == "to" for a in auxes) and any(h.lemma_ in PLAN_WORDS or h.pos_ in {"NOUN", "PROPN"} for h in chain[:1]):
        return "future", bound  # "planned to leave on Thursday", "guidelines to be published in November"
    if verb.tag_ == "VB" and any(a.lower_ == "to" for a in auxes) and any(h.lemma_ in PLAN_WORDS or h.lemma_ == "be" for h in chain[:1]):
        return "future", bound  # "is to resume trading Tuesday"
    if verb.tag_ == "VB" and any(a.lower_ == "to" for a in auxes) and any(h.lemma_ in PLAN_WORDS for h in chain):
        return "future", bound  # "is scheduled to close Monday"
    if verb.lemma_ in PLAN_WORDS and root.head.i != verb.i and root.head.pos_ == "ADP" and root.head.head.pos_ == "NOUN":
        return "future", bound  # "planned a large demonstration on Saturday"
    if verb.lemma_ in {"plan", "schedule"} and root.head.pos_ == "ADP" and root.head.head.i == verb.i and any(
        c.dep_ == "dobj" and c.pos_ == "NOUN" for c in verb.children
    ):
        return "future", bound  # "planned a demonstration in Little Havana on Saturday": the day of what was planned
    if verb.tag_ == "VBG" and any(a.lower_ in {"is", "are", "'s", "'re", "am"} for a in auxes):
        return "future", bound  # "is meeting Wednesday"
    if verb.tag_ == "VBN" and any(a.lower_ == "to" for a in auxes):
        return "future", bound  # "guidelines to be published in early November"
    if verb.tag_ == "VBN" and verb.lemma_ in PLAN_WORDS and any(a.lower_ in {"is", "are", "'s", "'re", "am"} for a in auxes):
        return "future", bound  # "closing, which is expected in December"
    if verb.tag_ == "VBD" or any(a.tag_ == "VBD" or a.lower_ in {"has", "have", "had"} for a in auxes):
        return "past", bound
    if verb.tag_ == "VBN" and (verb.dep_ in {"acl", "relcl"} or not auxes):
        return "past", bound  # a participle without auxiliary: a reduced clause, or a past tense mis-tagged
    if verb.tag_ in {"VBZ", "VBP"} and verb.i == root.head.i or verb.tag_ in {"VBZ", "VBP"} and root.head.pos_ == "ADP" and root.head.head.i == verb.i:
        return "present", bound  # "meets Monday", "the deadline is on Friday"
    return "neutral", bound


def _sayer_before(verb: Token, span: Span) -> Token:
    """The verb of saying (or thinking) a time follows, when the parser hung the time on the clause said after it.

    In "the bank said on Wednesday it would cut jobs" the time stands between "said" and the reported clause's
    subject, so it dates the saying, not the cutting (the small model attaches it to "cut"); "said that on
    Wednesday it would", "said it would cut jobs on Wednesday" and a quote keep the time in the reported clause.
    """
    head, root = verb.head, span.root
    if verb.dep_ != "ccomp" or head.i == verb.i or head.lemma_ not in SPEECH or head.i >= span.start:
        return verb
    if not (root.head.i == verb.i or root.head.pos_ == "ADP" and root.head.head.i == verb.i):
        return verb  # "has said its December sales are expected ...": a time inside the clause's subject is the clause's
    subject = next((c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass", "expl"}), None)
    if subject is None or subject.i < span.end:
        return verb
    if any(t.dep_ == "mark" or t.lower_ == "that" or t.is_quote or t.text in {":", "-", "--"} for t in span.doc[head.i + 1 : span.start]):
        return verb  # "said that on Wednesday ...", 'He said: "On Sunday we ...': the time is the said clause's
    return head


REPORT_VERBS = {"report", "release", "post", "announce", "publish", "issue", "present", "unveil"}


def _reported(tok: Token) -> bool:
    """Whether the verb a time hangs on (through nouns and prepositions) is one of reporting results."""
    for _ in range(4):
        if tok.pos_ in {"VERB", "AUX"}:
            return tok.lemma_ in REPORT_VERBS
        if tok.head.i == tok.i:
            return False
        tok = tok.head
    return False


def _told_as_past(verb: Token) -> bool:
    """Whether a clause is told in the past: a past tense or "had", looked for up through participles without
    auxiliaries ("completed its offer, with holders tendering 99% by the deadline")."""
    for _ in range(3):
        auxes = [a for a in verb.children if a.dep_ in {"aux", "auxpass"}]
        if verb.tag_ == "VBD" or any(a.lower_ == "had" for a in auxes):
            return True
        if verb.tag_ not in {"VBG", "VBN"} or auxes or verb.head.i == verb.i:
            return False
        verb = verb.head.head if verb.head.pos_ == "ADP" else verb.head
    return False


_EDGE_WORDS = EDGE_WORDS | {"close", "turn"}
_EDGE_FILLER = _EDGE_WORDS | {"the", "of", "-", "'s", "at", "by", "around"}


def read(tokens: list[Token]) -> Reading | None:
    """The Reading of an expression's tokens, or None when they are not a time (ages, "54", "a nice day")."""
    words = [t.lower_ for t in tokens]
    content = [t for t in tokens if t.lower_ not in FILLER and not t.is_punct]
    if not content:
        return None
    if "old" in words or "-year-old" in words or any(w.endswith("-old") for w in words):
        return None
    if _EDGE_WORDS & set(words) and len(tokens) > 1:  # "the end of the year", "year-end", "the start of 1990"
        inner = [t for t in tokens if t.lower_ not in _EDGE_FILLER]
        if [t.lower_ for t in inner] in (["year"], ["fiscal", "year"], ["month"], ["week"]):  # "the end of the month": this month
            return Reading("relative", unit=inner[-1].lower_, offset=0)
        if inner and len(inner) < len(tokens):
            return read(inner)
    if words[:3] in SMALL_HOURS and words[3:4] == ["of"] and len(words) > 4:
        day = read(tokens[4:])  # "the early hours of March 3": that day (TimeML has no part-of-day code for them)
        if day is not None and day.kind in DAY_KINDS:
            return replace(day, part=None)
    if words in (["the", "year"], ["the", "fiscal", "year"], ["the", "full", "year"], ["the", "calendar", "year"]):
        return Reading("relative", unit="year", offset=0)
    if len(words) == 4 and words[0] in {"earlier", "later", "early", "late"} and words[1:3] == ["in", "the"] and words[3] in {
        "week", "month", "year"
    }:
        return Reading("relative", unit=words[3], offset=0)  # TimeML gives the week, month or year itself
    if len(words) in {2, 3} and words[-1] == "ahead" and words[-2] in UNITS and words[-2].endswith("s") and words[0] in {"the", words[-2]}:
        return Reading("duration", unit=UNITS[words[-2]], count=None)  # "the weeks ahead": PXW
    if words in (["the", "latest", "fiscal", "year"], ["the", "latest", "year"]):
        return Reading("relative", unit="year", offset=-1)  # the last one reported, a year that has ended
    if _not_a_time(tokens, words):
        return None
    edged = next((m for t in tokens if (m := EDGED_YEAR.fullmatch(t.lower_))), None)
    if edged is not None:  # "mid-1996", "the mid-1990s": one token for spaCy
        year = int(edged.group(2))
        return Reading("decade", year=year) if edged.group(3) else Reading("absolute", year=year, edge=EDGES.get(edged.group(1)))
    lead = 1 if words[:1] == ["the"] else 0
    if words[lead : lead + 1] == ["day"] and words[lead + 1 : lead + 2] in (["before"], ["after"]) and len(words) > lead + 2:
        day = read(tokens[lead + 2 :])  # "the day before last Tuesday('s hearing)", "the day after Christmas": that day and one
        if day is not None and day.kind in RANGE_ENDS and day.shift == 0:
            return replace(day, shift=1 if words[lead + 1] == "after" else -1)
    if words[:3] == ["the", "week", "of"] and len(words) > 3:  # "the week of March 6": the week that day falls in
        day = read(tokens[3:])
        if day is not None and day.kind in {"absolute", "partial"} and day.day is not None:
            return replace(day, edge="week of")
    special = _special(tokens, words, [t.lower_ for t in content])
    if special is not None:
        return special if special.kind != "none" else None
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
        spoken_day, spoken = _spoken_day(tokens) if day is None else (None, set())
        day = day or spoken_day
        rest = [t for t in content if t.lower_ not in MONTHS and not _is_year(t) and _day_number(t) is None and t.i not in spoken]
        if rest and not all(t.lower_ in DIRECTIONS or t.lower_ in EDGES or t.lower_ in WEEKDAYS or t.lower_ == "fiscal" for t in rest):
            return Reading("unknown")
        if year is not None:
            return Reading("absolute", year=year, month=month, day=day)
        return Reading("partial", month=month, day=day, offset=direction or 0, weekday=weekday if day else None)
    decade = next((t for t in tokens if t.shape_ in {"ddddx", "'ddx", "ddx"} and t.text.endswith("0s")), None)
    if decade is not None and year is None:
        digits = decade.text.strip("'s")
        return Reading("decade", year=int(digits) if len(digits) == 4 else 1900 + int(digits))
    if year is not None:
        span = _year_span(tokens)
        if span is not None:
            return Reading("years", year=span[0], offset=span[1])
        rest = [t for t in content if not _is_year(t)]
        if all(t.lower_ in EDGES or t.lower_ in {"year", "fiscal", "calendar"} for t in rest):
            return Reading("absolute", year=year, edge=edge)
        return Reading("unknown")
    if weekday is not None:
        step = next((ANAPHORIC_STEPS[w] for w in words if w in ANAPHORIC_STEPS), None)
        if step is not None and words[0] == "the":  # "the previous Friday": the one before the day the text spoke of
            return Reading("weekday", weekday=weekday, offset=step, edge="anaphoric")
        return Reading("weekday", weekday=weekday, offset=direction if direction is not None else 0)
    for w in words:
        if w in DEICTIC:
            return Reading("deictic", offset=DEICTIC[w])
    count = _quantity(tokens)
    if "ago" in words and units:
        if count is None and any(w in VAGUE_COUNTS or w == UNITS.get(w, "") + "s" for w in words):
            return Reading("ref", part="PAST_REF")  # "several years ago", "months ago"
        return Reading("ago", unit=units[0], offset=int(count or 1))
    if units and direction is not None:
        unit = units[-1]
        plural = any(w.endswith("s") and w in UNITS for w in words)
        counted = count if count is not None else (None if plural else 1)
        reach = int(count) if count else (3 if plural else 1)  # "the past few days": three days back, for the timeline
        if direction == -1 and words[0] == "the" and len(words) == 3 and unit == "year":
            return Reading("relative", unit=unit, offset=-1)  # "over the past year": TimeBank dates it, the year before
        if direction == -1 and (words[0] == "the" or count is not None or plural):
            return Reading("relative", unit=unit, offset=reach, edge="span", count=counted)
        if direction == 1 and (words[0] == "the" or count is not None or plural) and words[-1] not in {"week", "month", "year"} or (
            words[:1] == ["the"] and direction == 1
        ):
            return Reading("relative", unit=unit, offset=reach, edge="ahead", count=counted)
        return Reading("relative", unit=unit, offset=direction, edge=edge)
    if set(words) & {"this", "tonight"} and set(words) & DAY_PARTS:
        return Reading("deictic", offset=0)
    if "recent" in words or "coming" in words:
        if units:
            if units[-1] == "year" and "recent" in words:
                return Reading("ref", part="PAST_REF")
            return Reading("duration", unit=units[-1], count=None)
        return Reading("unknown")
    ordinal = _ordinal_unit(tokens, words)
    if ordinal is not None:
        return ordinal
    if any(_day_number(t) is not None and not t.text.isdigit() for t in tokens):
        return None  # "the 11th-hour deal", "20th-century": ordinals without a month are not dates
    if count is None and not any(w.endswith("s") and w in UNITS for w in words) and not any(w in VAGUE_COUNTS for w in words):
        count = 1  # "the year", "a week", "day-long"
    if units and words[-1] in {"later", "earlier", "before", "after"} and all(
        t.lower_ in UNITS or t.like_num or _count(t) is not None or t.lower_ in DURATION_WORDS or t.lower_ in DURATION_MODIFIERS
        or t.lower_ in {"later", "earlier", "before", "after", "and"} for t in tokens
    ):
        return _duration(tokens, units[0], count)  # "three days later": TimeML tags the stretch
    if units and all(t.lower_ in UNITS or t.like_num or _count(t) is not None or t.lower_ in DURATION_WORDS for t in tokens):
        return _duration(tokens, units[-1], count)
    if units and (words[-1] in UNITS or words[-2:] in (["a", "half"], ["one", "half"])) and all(
            t.lower_ in UNITS or t.like_num or _count(t) is not None or t.lower_ in DURATION_WORDS
                                             or t.lower_ in DURATION_MODIFIERS for t in tokens):
        return _duration(tokens, units[-1], count)
    if not units or any(t.pos_ == "ADJ" and t.lower_ not in LEADING for t in content):
        return None  # a bare number spaCy took for a date ("54 do not recognize"), or "a nice day"
    return Reading("unknown")


SPOKEN_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10,
    "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17,
    "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}


def _spoken_day(tokens: list[Token]) -> tuple[int | None, set[int]]:
    """(day, token indices) of a day of the month in words, as transcripts write it: "March eighth", "the twenty-first
    of May"; (None, empty) when there is none. Only next to the month: "the first week of May" is no day."""
    for j, t in enumerate(tokens):
        n = SPOKEN_ORDINALS.get(t.lower_)
        if n is None:
            continue
        used = {t.i}
        before = [x for x in tokens[max(0, j - 2) : j] if x.text != "-"]
        if n < 10 and before and before[-1].lower_ in {"twenty", "thirty"}:
            n += 20 if before[-1].lower_ == "twenty" else 30
            used |= {x.i for x in tokens[max(0, j - 2) : j]}
        first = min(used) - tokens[0].i
        prev = tokens[first - 1].lower_ if first > 0 else ""
        nxt = tokens[j + 1].lower_ if j + 1 < len(tokens) else ""
        if n <= 31 and (prev in MONTHS or nxt == "of" and j + 2 < len(tokens) and tokens[j + 2].lower_ in MONTHS):
            return n, used
    return None, set()


def _ordinal_unit(tokens: list[Token], words: list[str]) -> Reading | None:
    """"the second day of the offensive", "his first day in office", "the 8th week": a place in a sequence of days
    (TimeML: a DATE, the day it falls on), not a stretch of one day; "a third day-long meeting" stays a duration."""
    if len(words) > 4 or words[-1] not in {"day", "week", "month", "year"}:
        return None
    after = tokens[-1].nbor(1) if tokens[-1].i + 1 < len(tokens[-1].doc) else None
    if after is not None and after.text in {"-", "–"}:
        return None
    number = None
    for t in tokens[:-1]:
        if t.lower_ in {"the", "a", "his", "her", "its", "their", "our", "my", "consecutive", "straight"}:
            continue
        n = _ordinal(t)
        if n is None or n <= 0 or number is not None:
            return None
        number = n
    return Reading("ordinal", unit=words[-1], count=number) if number is not None else None


def _not_a_time(tokens: list[Token], words: list[str]) -> bool:
    """Rates, fractions and ordinals that look like times: "$1.76 a year", "four flights a week", "three-quarters
    of its food", "a second group", "the morning talk show"."""
    before = tokens[0].nbor(-1) if tokens[0].i > 0 else None
    if words in (["a", "fiscal", "year"], ["a", "calendar", "year"]):
        return True  # "changed from a fiscal year to a calendar year": a kind of year
    if any(_unit_to_unit(t) for t in tokens if t.lower_ in UNITS):
        return True  # "the quarter-to-quarter comparison", "flat year-over-year", "day-to-day running": a way of comparing
    if words in (["today"], ["tomorrow"]) and _generic_day(tokens[0]):
        return True  # "today's youth", "in today's world", "the people of tomorrow": the present or future at large
    if before is not None and before.lower_ in {"his", "her", "their", "my", "your", "our"} and tokens[-1].text.endswith("0s"):
        return True  # "in his 30s": an age, not a decade
    if len(words) == 2 and words[0] in {"a", "an", "per"} and (words[1] in UNITS or words[1] == "night") and before is not None and (
        before.like_num or before.pos_ in {"NOUN", "NUM", "SYM"} or before.lower_ in {"hours", "times", "twice"}
    ):
        return True
    if "quarters" in words and "-" in words and any(w in NUMBER_WORDS for w in words) and not {"the", "fiscal"} & set(words):
        return True
    if words in (["a", "second"], ["second"]) and tokens[-1].i + 1 < len(tokens[-1].doc) and tokens[-1].nbor(1).pos_ in {"NOUN", "ADJ", "PROPN"}:
        return True
    if len(words) == 1 and words[0] in PART_CODES and (tokens[0].dep_ == "compound" or before is not None and before.lower_ == "good"):
        return True
    if len(words) == 1 and (words[0] in UNITS or words[0] == "night") and before is not None and before.lower_ in {"a", "an", "per"} and (
        before.i > 0 and (before.nbor(-1).like_num or before.nbor(-1).pos_ in {"NUM", "SYM"})
    ):
        return True  # "$55 a night", "20 a day": a rate
    if words in (["annually"], ["yearly"]) and before is not None and (before.like_num or before.pos_ in {"NUM", "SYM", "NOUN"} or before.text == "%"):
        return True  # "to rise 8.5% annually", "10,000 units annually", "doubling its profits annually": a rate of growth or output
    if words[-1:] == ["quarter"] and tokens[-1].i + 2 < len(tokens[-1].doc) and tokens[-1].nbor(1).lower_ == "of" and (
        words[-2:-1] in (["a"], ["one"], ["three"]) or len(words) == 1 and before is not None and before.lower_ in {"a", "one", "three"}
    ):
        nxt = tokens[-1].nbor(2)
        if not (_is_year(nxt) or nxt.lower_ == "the" and nxt.i + 1 < len(nxt.doc) and nxt.nbor(1).lower_ in set(UNITS) | {"fiscal"}):
            return True  # "more than a quarter of the market": a fraction; not "a quarter of 1990", "a quarter of the year"
    return False


def _unit_to_unit(tok: Token) -> bool:
    """Whether a unit word is one side of "quarter-to-quarter", "year-over-year", "day-to-day"."""
    doc, i = tok.doc, tok.i
    if not (i + 1 < len(doc) and doc[i + 1].text == "-" or i > 0 and doc[i - 1].text == "-"):
        return False
    joined = [t.lower_ for t in doc[max(0, i - 4) : i + 5]]
    at = i - max(0, i - 4)
    for first in (at, at - 4):
        if first >= 0 and first + 4 < len(joined) and joined[first + 1] == joined[first + 3] == "-" and joined[first + 2] in {
            "to", "over", "on", "by"
        } and joined[first] in UNITS and joined[first + 4] in UNITS:
            return True
    return False


def _generic_day(tok: Token) -> bool:
    """Whether "today" / "tomorrow" stands for the present or the future at large: it owns a noun of people, the world or
    the times ("today's youth", "today's personal computers"), or follows "of" after one ("the cars of tomorrow")."""
    doc = tok.doc
    if tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "'s":
        head = tok.head if tok.head.i != tok.i else None
        nouns = [head] if head is not None and head.i > tok.i else []
        nouns += [t for t in doc[tok.i + 2 : tok.i + 5] if t.pos_ in {"NOUN", "PROPN"}][:1]
        return any(t.lower_ in GENERIC_HEADS for t in nouns)
    if tok.i >= 2 and doc[tok.i - 1].lower_ == "of":
        return doc[tok.i - 2].lower_ in GENERIC_HEADS
    return False


def _quantity(tokens: list[Token]) -> float | None:
    """How many units an expression counts: "five", "24", "a", "2 1/2", "a couple of"; None when vague ("several")."""
    total = None
    for i, t in enumerate(tokens):
        low = t.lower_
        if low in {"to", "or", "-", "–"} and total is not None and i + 1 < len(tokens) and tokens[i + 1].lower_ not in UNITS:
            break  # "two to three weeks", "12 to 18 months": the first figure
        if low == "couple":
            return 2
        if low in VAGUE_COUNTS:
            return None
        if _is_year(t):
            continue
        if t.text.replace(",", "").isdigit():
            total = (total or 0) + int(t.text.replace(",", ""))
        elif re.fullmatch(r"\d/\d", t.text):
            a, b = t.text.split("/")
            total = (total or 0) + int(a) / int(b)
        elif low in {"half"} and total is not None:
            total += 0.5
        elif low in NUMBER_WORDS and low not in {"a", "an"}:
            value = NUMBER_WORDS[low]
            if value in {100, 1000} and total:
                total *= value
            else:
                total = (total or 0) + value
        elif low in {"a", "an"} and total is None and i + 1 < len(tokens) and (tokens[i + 1].lower_ in UNITS or tokens[i + 1].lower_ == "half"):
            total = 1
        elif low == "half" and total is None:
            total = 0.5
    return total


def _special(tokens: list[Token], words: list[str], content: list[str]) -> Reading | None:
    """Readings of what TimeML tags beyond calendar dates: references, sets, clock times and parts of day,
    seasons, quarters, centuries, decades in words. Reading("none") means: not a time at all."""
    wordset = set(words)
    units = [UNITS[w] for w in words if w in UNITS]
    # times that point back at the last one the text named: "that year", "the following day", "later that day"
    if words[-2:] == ["the", "day"] and words[:-2] in ([], ["later", "in"], ["earlier", "in"], ["late", "in"], ["early", "in"]):
        return Reading("anaphoric", unit="day", offset=0, edge=EDGES.get(words[0]))  # "later in the day"
    if len(words) == 2 and words[0] == "the" and words[1] in {"morning", "afternoon", "evening", "night"}:
        return Reading("anaphoric", unit="day", offset=0, part=PART_CODES[words[1]])  # "in the morning": of the day named last
    if wordset & {"that", "following", "preceding"} or words[:2] in (["the", "next"], ["the", "previous"]) and len(words) == 3 and (
        words[-1] == "day" or words[-1] in PART_CODES
    ):
        unit_word = words[-1]
        if unit_word in {"day", "week", "month", "year", "weekend"} | set(PART_CODES) and not set(MONTHS) & wordset:
            step = 1 if wordset & {"following", "next"} else (-1 if wordset & {"previous", "preceding"} else 0)
            unit = "day" if unit_word in PART_CODES else UNITS.get(unit_word, unit_word)
            return Reading("anaphoric", unit=unit, offset=step, part=PART_CODES.get(unit_word),
                           edge=next((EDGES[w] for w in words if w in EDGES), None))
    spoken = _spoken_year(words)
    if spoken is not None:
        month = next((MONTHS[w] for w in words if w in MONTHS), None)
        season = next((SEASONS[w] for w in words if w in SEASONS), None)
        if season is not None and month is None:  # "the winter of nineteen ninety-four": 1994-WI
            return Reading("season", year=spoken, part=season, edge="year")
        return Reading("absolute", year=spoken, month=month, day=_spoken_day(tokens)[0] if month is not None else None)
    holiday = None
    if wordset & HOLIDAY_HEADS:
        joined = " ".join(words).replace(" 's", "'s")
        holiday = next((h for h in HOLIDAYS_LONGEST_FIRST if h in joined), None)
        if holiday == "new year" and not _new_year_of_this_calendar(tokens):
            holiday = None
    named = tokens[1] if len(tokens) > 1 and words[0] in {"last", "next", "this"} else tokens[0]  # "last Thanksgiving"
    if holiday is not None and named.text[0].isupper() | (words[0] == "the"):
        year = next((int(t.text) for t in tokens if _is_year(t)), None)
        return Reading("holiday", part=holiday, year=year, offset=-1 if "last" in wordset else (1 if "next" in wordset else 0),
                       unit="week" if "week" in wordset and "easter" in holiday else None)
    if "period" in wordset:
        if wordset & {"ago", "earlier"} and "year" in wordset:
            return Reading("quarter", unit="quarter", edge="shift", count=-1)
        year = next((int(t.text) for t in tokens if _is_year(t)), None)
        if year is not None or wordset & {"latest", "comparable", "corresponding", "same"}:
            return Reading("quarter", unit="quarter", year=year, edge="latest" if "latest" in wordset else "that", count=-1)
        return Reading("none")
    if "weekend" in wordset and _quantity(tokens) is None and not wordset & {"every", "each"}:
        direction = next((DIRECTIONS[w] for w in words if w in DIRECTIONS), None)
        return Reading("relative", unit="weekend", offset=direction if direction is not None else 0,
                       edge="tense" if direction is None else None)
    # reference words: "now", "currently", "the past", "the future", "soon", "recently"
    refs = [REFERENCES[w] for w in content if w in REFERENCES]
    if len(words) == 3 and words[0] in {"a", "an"} and words[1] in VERDICTS and words[2] == "day":
        return _verdict_day(tokens[-1])
    if words in (["a", "while"], ["some", "time"], ["a", "time"]):
        return Reading("duration", count=None)  # "for a while", "for some time": TimeML's PXX, a length of no known unit
    if words in (["these", "days"], ["nowadays"], ["at", "present"]):
        return Reading("ref", part="PRESENT_REF")
    if refs and not units and all(w in REFERENCE_FILLER or w in REFERENCES for w in content):
        if content in (["past"], ["future"]) and words[0] != "the" and tokens[-1].pos_ not in {"NOUN", "PROPN"}:
            return Reading("none")
        return Reading("ref", part=refs[0])
    if {"near", "short"} & wordset and "term" in wordset and not units:
        return Reading("ref", part="FUTURE_REF") if words[0] == "the" and "-" not in wordset else Reading("none")
    # sets: "daily", "annually", "every week", "each Thursday", "every morning"
    adverb = next((w for w in words if w in ADVERB_SETS), None)
    if adverb is not None and len(content) <= 2:
        unit, n = ADVERB_SETS[adverb]
        return Reading("set", unit=unit, count=n)
    if wordset & {"once", "twice", "thrice", "times"} and len(units) == 1 and words[-1] in UNITS and wordset & {"a", "an", "per", "each", "every"}:
        return Reading("set", unit=units[0], count=1)  # "twice a year": TimeML's SET P1Y (how often, freq="2X", is not a value)
    if wordset & {"every", "each", "per"}:
        weekday = next((WEEKDAYS[w.rstrip("s")] for w in words if w.rstrip("s") in WEEKDAYS), None)
        part = next((PART_CODES[w] for w in words if w in PART_CODES), None)
        month = next((MONTHS[w] for w in words if w in MONTHS and w not in AMBIGUOUS_MONTHS), None)
        season = next((SEASONS[w] for w in words if w in SEASONS), None)
        if weekday is not None or part or month or season or units or "night" in wordset:
            unit = units[-1] if units else ("night" if "night" in wordset else None)
            count = 2 if "other" in wordset else _quantity(tokens) or 1  # "every other week": P2W
            return Reading("set", unit=unit, weekday=weekday, month=month, part=part or season, count=count)
        return Reading("none")
    plural_weekday = next((WEEKDAYS[w[:-1]] for w in words if w.endswith("s") and w[:-1] in WEEKDAYS), None)
    plural_part = next((PART_CODES[w] for w in words if w in PART_CODES and w.endswith("s")), None)
    if plural_weekday is None and plural_part is not None:  # "on Tuesday nights": every Tuesday night
        plural_weekday = next((WEEKDAYS[w] for w in words if w in WEEKDAYS), None)
    if plural_weekday is not None:  # "on Tuesdays", "on Sunday mornings"
        part = next((PART_CODES[w] for w in words if w in PART_CODES), None)
        return Reading("set", weekday=plural_weekday, part=part, count=1)
    race = _race_time(tokens)
    if race is not None:
        return race
    # clock times: "10:35 a.m.", "8 PM", "noon Thursday", "15:00 GMT Saturday"
    clock = _clock(tokens)
    if clock is not None:
        at, used = clock
        rest = [t for i, t in enumerate(tokens) if i not in used and t.lower_ not in CLOCK_FILLER and not t.is_punct]
        base = read(rest) if rest else None
        if base is None or base.kind in {"unknown", "duration", "set", "ref", "none"}:
            base = Reading("deictic", offset=0, edge="clock")  # the day comes from the text around it
        return replace(base, part=at)
    # parts of day: "this morning", "Friday afternoon", "last night", "overnight", "tonight"
    part_word = next((w for w in words if w in PART_CODES), None)
    if part_word is not None and not units:
        part = PART_CODES[part_word]
        if part_word.endswith("s"):
            return Reading("none")  # "the other dark nights", "cold mornings": many nights, no weekday to make them a set
        rest = [t for t in tokens if t.lower_ not in PART_CODES and t.lower_ not in {"the", "early", "late", "mid", "-", "this", "in", "later", "earlier"}]
        if part_word in {"tonight", "overnight"} or not rest:
            return Reading("deictic", offset=0, part=part)
        if [t.lower_ for t in rest] in (["last"], ["yesterday"]):
            return Reading("deictic", offset=-1, part=part)
        base = read(rest)
        if base is None or base.kind not in {"weekday", "deictic", "partial", "absolute"}:
            return Reading("none")
        return replace(base, part=part)
    # seasons: "last summer", "this fall", "the winter of 1994"
    season_word = next((w for w in words if w in SEASONS), None)
    if season_word is not None and not units:
        year = next((int(t.text) for t in tokens if _is_year(t)), None)
        direction = next((DIRECTIONS[w] for w in words if w in DIRECTIONS), None)
        if season_word == "fall" and year is None and direction is None and not wordset & {"early", "late"}:
            return Reading("none")  # "the fall of the regime"
        if season_word.endswith("s"):
            return Reading("set", part=SEASONS[season_word], count=1)
        return Reading("season", year=year, offset=direction or 0, part=SEASONS[season_word], edge="year" if year else None)
    # "a quarter-century", "half a century", "a quarter century ago": 25 or 50 years, not a quarter of the year
    if "century" in wordset and wordset & {"quarter", "half"}:
        years = 25 if "quarter" in wordset else 50
        rest = [w for w in content if w not in {"quarter", "half", "century", "ago", "nearly", "almost", "about", "least"}]
        if rest:
            return Reading("none")  # "a quarter-century last month": spaCy's span runs two times together
        return Reading("ago", unit="year", offset=years) if "ago" in wordset else Reading("duration", unit="year", count=years)
    # "in the second and fourth quarters": the quarter of every year, a set (XXXX-Q4)
    if "quarters" in wordset and not any(_is_year(t) for t in tokens) and not wordset & ({"last", "next", "past"} | set(NUMBER_WORDS)):
        number = next((n for t in reversed(tokens) if (n := _ordinal(t)) is not None and 0 < n <= 4), None)
        if number is not None:
            return Reading("set", unit="quarter", day=number, count=1)
    # quarters and halves: "the third quarter", "third-quarter", "the fourth quarter of 1989", "the latest quarter"
    if ("quarter" in wordset or "half" in wordset) and not set(MONTHS) & wordset and "hour" not in units:
        return _quarter(tokens, words)
    # centuries: "the 20th century", "this century"; decades in words: "the nineties"
    if "century" in wordset:
        ordinal = next((n for t in tokens if (n := _ordinal(t)) is not None and n > 0), None)
        direction = next((DIRECTIONS[w] for w in words if w in DIRECTIONS), None)
        count = _quantity(tokens)
        if ordinal is not None:
            return Reading("century", year=(ordinal - 1) * 100)
        if direction is not None and count is None:
            return Reading("century", offset=direction)
        return None
    decade_word = next((w for w in words if w in DECADE_WORDS), None)
    if decade_word is not None:
        return Reading("decade", year=1900 + 10 * DECADE_WORDS[decade_word])
    # "a year earlier", "year-ago", "the year-earlier quarter": a year before the time the text last spoke of
    year_at = words.index("year") if "year" in wordset else -1
    after_year = [w for w in words[year_at + 1 :] if w != "-"][:1] if year_at >= 0 else []
    if after_year and after_year[0] in {"earlier", "ago", "before"} and not wordset & {"this", "last", "next", "that", "in"} and len(
        content
    ) <= 3 and not any(_count(t) not in (None, 1) for t in tokens):
        # "a year earlier" is a year before the time named last; "year-earlier", "a year ago": before the anchor
        hyphen = year_at + 1 < len(words) and words[year_at + 1] == "-"
        return Reading("shift", unit="year", offset=-1, edge="ago" if "ago" in wordset or hyphen else "earlier")
    # "the year-earlier nine months", "the year-ago six months": the stretch a year before, a duration (P9M)
    if after_year and after_year[0] in {"earlier", "ago"} and words[-1] in UNITS and words[-1].endswith("s"):
        count = _quantity(tokens[year_at + 2 :])
        if count is not None:
            return Reading("duration", unit=UNITS[words[-1]], count=count)
    # counted units: "the first nine months", "the nine months" (durations)
    if "months" in wordset and wordset & {"first", "last", "latest"} and _quantity(tokens):
        year = next((int(t.text) for t in tokens if _is_year(t)), None)
        return Reading("duration", unit="month", count=_quantity(tokens), year=year, offset=ORDINALS.get(words[1] if len(words) > 1 else "", 0))
    return None


def _verdict_day(day: Token) -> Reading:
    """"It was a great day for Poland": the day spoken of, said of what happened (the subject of "be" is not itself a
    time, as in "Today is a sad day", where "Today" is the time); else not a time."""
    head = day.head
    if day.dep_ != "attr" or head.lemma_ != "be":
        return Reading("none")
    if any(c.lower_ in DEICTIC or c.lower_ in WEEKDAYS or c.lower_ in MONTHS or c.lower_ in UNITS for c in head.children if c.i != day.i):
        return Reading("none")
    return Reading("deictic", offset=0, edge="verdict")


def _spoken_year(words: list[str]) -> int | None:
    """1996 from "nineteen ninety - six", 2000 from "the year two thousand"; None when the words name no year."""
    for i, w in enumerate(words[:-1]):
        if w == "two" and words[i + 1] == "thousand" and (i == 0 or words[i - 1] in {"the", "year", "in", "by"}):
            rest = [x for x in words[i + 2 : i + 4] if x not in {"-", "and"}]
            if rest and rest[0] in UNITS:
                continue  # "two thousand years": a length, not the year 2000
            return 2000 + (ONES.get(rest[0], 0) if rest else 0)
        after_date = i > 0 and words[i - 1] == "," and bool(set(words[:i]) & set(MONTHS))  # "June twenty-third, nineteen ninety-seven"
        if w in {"nineteen", "eighteen", "twenty"} and words[i + 1] in TENS and (
            i == 0 or words[i - 1] in {"the", "in", "of", "since", "by", "year"} | set(MONTHS) or after_date
        ) and words[i + 1] != "hundred":
            rest = [x for x in words[i + 2 : i + 4] if x != "-"]
            ones = ONES.get(rest[0], 0) if rest else 0
            return {"nineteen": 1900, "eighteen": 1800, "twenty": 2000}[w] + TENS[words[i + 1]] + ones
    return None


def _ordinal(tok: Token) -> int | None:
    if tok.lower_ in ORDINALS:
        return ORDINALS[tok.lower_]
    if tok.shape_ in {"dxx", "ddxx"} and tok.lower_[-2:] in {"st", "nd", "rd", "th"}:
        return int(tok.lower_[:-2])
    return None


def _quarter(tokens: list[Token], words: list[str]) -> Reading | None:
    """A quarter or half of a year, with its year when written, else how to find it from the anchor.

    ``day`` is the quarter's number (1-4) when written; ``offset`` is -1 (last), 0 (this, current), 1 (next);
    ``edge`` "latest" for "the quarter", "the latest quarter" (the last one reported), "shift" for a year-ago
    quarter, None when only the number says which.
    """
    unit = "half" if "half" in words else "quarter"
    if unit == "quarter" and "quarters" in words or unit == "half" and "halves" in words:
        return None
    decade = next((t for t in tokens if t.shape_ in {"ddddx", "ddx"} and t.text.endswith("0s")), None)
    if decade is not None:  # "the first half of the 1980s": TimeML gives the decade (198)
        digits = decade.text[:-1]
        return Reading("decade", year=int(digits) if len(digits) == 4 else 1900 + int(digits))
    year = next((int(t.text) for t in tokens if _is_year(t)), None)
    number = next((n for t in tokens if (n := _ordinal(t)) is not None and n > 0), None)
    if number is None and year is not None and {"last", "final"} & set(words):
        number = 4 if unit == "quarter" else 2  # "the last half of 1989"
    if number is not None and number > (4 if unit == "quarter" else 2):
        return None
    wordset = set(words)
    if wordset & {"earlier", "ago"} and "year" in wordset:
        return Reading("quarter", unit=unit, day=number, edge="shift")
    if "last" in wordset and "year" in wordset and year is None:
        return Reading("quarter", unit=unit, day=number, edge="shift")  # "last year's quarter"
    if "last" in wordset and number is None and year is None:
        return Reading("quarter", unit=unit, offset=-1)
    if "next" in wordset and number is None:
        return Reading("quarter", unit=unit, offset=1)
    if wordset & {"this", "current"} and number is None:
        return Reading("quarter", unit=unit, offset=0)
    if number is None:
        if wordset & {"that", "same", "corresponding", "comparable"}:
            return Reading("quarter", unit=unit, year=year, edge="that")
        if not wordset & {"the", "latest", "fiscal"}:
            return None
        return Reading("quarter", unit=unit, year=year, edge="latest")
    if "last" in wordset and number == -1:
        return Reading("quarter", unit=unit, day=4 if unit == "quarter" else 2, year=year)
    offset = 1 if "next" in wordset else (-1 if "last" in wordset and "year" in wordset else 0)
    return Reading("quarter", unit=unit, day=number, year=year, offset=offset, edge="year" if offset else None)


def _race_time(tokens: list[Token]) -> Reading | None:
    """A time taken, "won in 2:05:36", "a time of 3:07:35": hours, minutes and seconds with no clock word or zone
    around them, a duration (TimeML's PT2H5M36S) and not a time of day ("at 10:35:20 a.m.")."""
    if len(tokens) != 1 or tokens[0].shape_ not in {"d:dd:dd", "dd:dd:dd"}:
        return None
    tok = tokens[0]
    before = tok.nbor(-1).lower_ if tok.i > 0 else ""
    after = tok.nbor(1).lower_ if tok.i + 1 < len(tok.doc) else ""
    if before in {"at", "by", "until", "till", "from", "before", "after", "since", "about", "around", "approximately"} or after in AM_PM or after in TIME_ZONES:
        return None
    hours, minutes, seconds = (int(x) for x in tok.text.split(":"))
    if minutes > 59 or seconds > 59:
        return None
    return Reading("duration", unit="second", count=hours * 3600 + minutes * 60 + seconds, edge="taken")


def _clock(tokens: list[Token]) -> tuple[str, set[int]] | None:
    """("HH:MM", indices of the tokens that say it) for "10:35 a.m.", "8 PM", "noon", "15:00"; else None."""
    for i, t in enumerate(tokens):
        low = t.lower_
        if low in CLOCK_WORDS:
            return CLOCK_WORDS[low], {i}
        match = re.fullmatch(r"(\d{1,2})(?::(\d\d))?(?::\d\d)?", t.text)
        if match is None and re.fullmatch(r"[012]\d[0-5]\d", t.text) and i + 1 < len(tokens) and tokens[i + 1].lower_ in ZONE_NAMES and tokens[i + 1].is_upper:
            if int(t.text[:2]) <= 23:  # "at 0710 GMT", "1500 BST": the 24-hour clock of wire and BBC copy
                return f"{t.text[:2]}:{t.text[2:]}", {i}
        if match is None:
            continue
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        nxt = tokens[i + 1].lower_ if i + 1 < len(tokens) else ""
        used = {i}
        if nxt in AM_PM:
            used.add(i + 1)
            if nxt.startswith("p") and hour < 12:
                hour += 12
            elif nxt.startswith("a") and hour == 12:
                hour = 0
        elif [x.lower_ for x in tokens[i + 1 : i + 4] if x.lower_ != "o'clock"][:3] in (
            ["in", "the", "morning"], ["in", "the", "afternoon"], ["in", "the", "evening"]
        ) and match.group(2) is None and 1 <= hour <= 12 and tokens[-1].dep_ != "compound":  # "4 in the morning", not "the morning session"
            if tokens[i + 3 + (tokens[i + 1].lower_ == "o'clock")].lower_ != "morning" and hour < 12:
                hour += 12
            elif tokens[i + 3 + (tokens[i + 1].lower_ == "o'clock")].lower_ == "morning" and hour == 12:
                hour = 0
            used |= {k for k in range(i + 1, min(len(tokens), i + 5)) if tokens[k].lower_ in {"o'clock", "in", "the", "morning", "afternoon", "evening"}}
        elif match.group(2) is None or t.text.count(":") > 1:
            continue  # a bare number, or "3:07:35" (a duration)
        if hour > 24 or minute > 59:
            continue
        return f"{hour:02d}:{minute:02d}", used
    return None


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
        if unit == "quarter" and count == 2:
            unit, count = "half", None  # "the first two quarters of 1990": TimeML writes the half, 1990-H1
        if ordinal is not None and (unit in {"quarter", "half"} or unit == "month" and count is not None):
            return Reading("part", year=year, unit=unit, offset=ordinal, day=count)
    if month is not None and year is None and "year" in words and direction is not None:
        return Reading("partial", month=month, offset=direction, edge="year")
    return None


def _year_span(tokens: list[Token]) -> tuple[int, int] | None:
    """(first, last) year of "1919-1921", "2012 to 2015", "1845-49" or "2005-6"."""
    match = YEAR_SPAN.search("".join(t.text + (" " if t.whitespace_ else "") for t in tokens))  # "2004 - 6%" is no span
    if match is None:
        return None
    first, tail = int(match.group(1)), match.group(2) or match.group(3)
    last = int(tail) if len(tail) == 4 else first // 10 ** len(tail) * 10 ** len(tail) + int(tail)
    return (first, last) if first < last else None


SMALLER_UNITS = {("year", "month"): 12, ("week", "day"): 7, ("day", "hour"): 24, ("hour", "minute"): 60, ("minute", "second"): 60}


def _duration(tokens: list[Token], unit: str, count: float | None) -> Reading:
    compound = _compound(tokens)
    return Reading("duration", unit=compound[0], count=compound[1]) if compound else Reading("duration", unit=unit, count=count)


def _compound(tokens: list[Token]) -> tuple[str, float] | None:
    """(unit, count) of a length told in two units, "two hours and 30 minutes" (2.5 hours, TimeML's PT2H30M),
    "3 years 2 months"; None for any other length."""
    pairs, number = [], None
    for t in tokens:
        unit = UNITS.get(t.lower_)
        counted = _count(t)
        if unit is not None and number is not None:
            pairs.append((unit, number))
            number = None
        elif counted is not None:
            number = counted
        elif t.lower_ not in {"and", ","}:
            number = None
    if len(pairs) != 2 or (pairs[0][0], pairs[1][0]) not in SMALLER_UNITS or pairs[1][1] >= SMALLER_UNITS[pairs[0][0], pairs[1][0]]:
        return None  # not "two hours and 90 minutes", "four years and 18 months": two lengths, not one
    (unit, whole), (small, part) = pairs
    return unit, whole + part / SMALLER_UNITS[unit, small]


def _count(tok: Token) -> int | None:
    if tok.lower_ in NUMBER_WORDS:
        return NUMBER_WORDS[tok.lower_]
    if tok.text.isdigit():
        return int(tok.text)
    return None


def _readings(doc: Doc, start: int, end: int) -> list[tuple[int, int, Reading]]:
    """The readings of one span, split as TimeML splits them: "the quarter ended Sept. 30" is a quarter and a
    date; "1994 and 1997", "April 24 and 25" are two dates (the second borrowing the first one's month)."""
    if end - start > 1 and doc[start].lower_ == "last" and doc[start].pos_ in {"VERB", "AUX"}:
        start += 1  # "will last one day": the verb, not a direction ("the last day")
    tokens = list(doc[start:end])
    cut = next((k + 1 for k, t in enumerate(tokens[:-1]) if t.lower_ == "century" and k >= 2 and {x.lower_ for x in tokens[k - 2 : k]} & {
        "quarter", "half"}), None)
    if cut is not None and tokens[cut].lower_ not in {"ago", "old"}:  # "a quarter-century" + "last month": two times spaCy ran together
        return _readings(doc, start, start + cut) + _readings(doc, start + cut, end)
    years = [t for t in tokens if _is_year(t)]
    if len(years) >= 2 and all(_is_year(t) or t.lower_ in {",", "and", "or", "&"} for t in tokens):
        return [(t.i, t.i + 1, Reading("absolute", year=int(t.text))) for t in years]  # "in 1994, 1995 and 1997": three years
    reading = read(tokens)
    if reading is None or reading.kind not in {"years", "until"}:
        for i, t in enumerate(tokens[1:-1], 1):  # "from Aug. 26 to Oct. 20", "from today through Nov. 17": two dates
            if t.lower_ in {"to", "through", "until", "-", "–"}:
                left, right = read(tokens[:i]), read(tokens[i + 1 :])
                left = left if left is not None else _day_before_its_month(tokens[:i], right)
                if left is not None and right is not None and left.kind in RANGE_ENDS and right.kind in RANGE_ENDS:
                    return [(start, start + i, left), (start + i + 1, end, right)]
            if t.lower_ in {"ending", "ended"} and i >= 2:  # "the year ending tomorrow", "its quarter ended yesterday"
                left, right = read(tokens[:i]), read(tokens[i + 1 :])
                if left is not None and right is not None and right.kind in RANGE_ENDS and left.kind in {"relative", "quarter"}:
                    if left.kind == "relative" and left.unit in {"year", "month", "week"} and left.offset == 0:
                        left = Reading("duration", unit=left.unit, count=1)  # TimeML: the stretch that ends then, P1Y
                    left = _quarter_ending(left, right)
                    return [(start, start + i, left), (start + i + 1, end, right)]
            if t.lower_ == "of" and i >= 2:  # "the first nine months of the year": a duration and the year it is part of
                left, right = read(tokens[:i]), read(tokens[i + 1 :])
                if left is not None and left.kind == "duration" and right is not None and (
                    right.unit == "year" and right.kind == "relative" or right.kind == "absolute" and right.month is None and left.unit == "month"
                ):  # also "the first nine months of 1997": P9M and 1997, the months keeping their year for the timeline
                    if right.kind == "absolute" and left.unit == "month" and left.count:
                        left = replace(left, year=right.year)
                    return [(start, start + i, left), (start + i + 1, end, right)]
    if reading is not None and reading.kind == "set" and reading.unit == "quarter":
        cut = next((i for i, t in enumerate(tokens) if t.lower_ in {"and", "or"}), None)
        first = _ordinal(tokens[cut - 1]) if cut else None
        if cut and first is not None and 0 < first <= 4:  # "the first and third quarters": two quarters of every year
            return [(start + cut - 1, start + cut, replace(reading, day=first)), (start + cut + 1, end, reading)]
    if reading is not None and reading.kind == "until":
        cut = next(i for i, t in enumerate(tokens) if t.lower_ in UNTIL_WORDS)
        left, right = read(tokens[:cut]), read(tokens[cut + 1 :])
        if left is None or left.kind != "quarter":
            left = reading  # "the year to March 2005": a duration (P1Y) whose value is the stretch it ends
        out = [(start, start + cut, left)] if cut else []
        if right is not None:
            out.append((start + cut + 1, end, right))
        if out:
            return out
    if reading is None or reading.kind in {"unknown", "none"}:
        for i, t in enumerate(tokens):
            if t.lower_ in {"and", "or", "&"} and 0 < i < len(tokens) - 1:
                left, right = read(tokens[:i]), read(tokens[i + 1 :])
                left = left if left is not None else _day_before_its_month(tokens[:i], right)
                if right is None and left is not None and left.month is not None and _day_number(tokens[-1]) is not None and i == len(tokens) - 2:
                    right = replace(left, day=_day_number(tokens[-1]))
                if left is not None and right is not None and left.kind not in {"unknown", "none"}:
                    end_left = start + i
                    while end_left > start and doc[end_left - 1].is_punct:
                        end_left -= 1
                    return [(start, end_left, left), (start + i + 1, end, right)]
    if (reading is None or reading.kind in {"unknown", "none"}) and len(tokens) > 1:
        parts = _parts_across(doc, start, end)
        if parts:
            return parts
    if (reading is None or reading.kind == "unknown") and NUMERIC_DATE.search(doc[start:end].text):
        reading = Reading("fallback")  # "31/12/2004": the one shape the rules leave to dateparser
    return [] if reading is None or reading.kind == "none" else [(start, end, reading)]


JOINS = {",", "-", "–", "--", "than", "as"}


def _parts_across(doc: Doc, start: int, end: int) -> list[tuple[int, int, Reading]]:
    """The times in a span the parser ran together across a comma, dash, "than" or "as", which as a whole reads as no
    time: "2004 than last year", "22 February - five days", "the last several months, December", "November as"."""
    for i in range(start + 1, end):
        if doc[i].lower_ not in JOINS or doc[i].text in {"-", "–"} and not doc[i - 1].whitespace_:
            continue  # a hyphen inside a word ("three-quarters", "12-year-old", "2005-6") joins nothing
        parts = []
        for s, e in ((start, i), (i + 1, end)):
            reading = read(list(doc[s:e])) if e > s else None
            if reading is not None and reading.kind not in {"unknown", "none"}:
                parts.append((s, e, reading))
        return parts
    return []


# Words of a time expression that English writes in lower case: capitalized inside a sentence they belong to a name
# ("ABC's \"This Week\"", "CBS's \"60 Minutes\"", "High Noon", "VOA Today"), which TimeML does not mark.
NAME_WORDS = set(UNITS) | DAY_PARTS | set(SEASONS) | set(CLOCK_WORDS) | set(DEICTIC) | set(PART_CODES) | {"now"}
OPENERS = {"``", "`", '"', "''", "'", "(", "[", "--", "-", ":", "_"}


def _sentence_initial(tok: Token) -> bool:
    """Whether `tok` opens its sentence, or follows only quotes and dashes that do."""
    i = tok.i
    while i > 0 and not tok.doc[i].is_sent_start and tok.doc[i - 1].text in OPENERS:
        i -= 1
    before = tok.doc[i - 1] if i else None
    return before is None or bool(tok.doc[i].is_sent_start) or before.text[-1:] in {".", "?", "!"} or before.is_space


def _title_case(sent: Span) -> bool:
    """A headline or title written in capitals or Title Case, where capitals say nothing about names."""
    words = [t for t in sent if t.is_alpha and len(t) > 3]
    return len(words) >= 2 and sum(t.text[0].islower() for t in words) * 5 <= len(words)  # names crowd news sentences too


# Entity labels of names a weekday or month can be a word of ("the Sunday Times", "Theresa May", "Friday Night Lights").
# EVENT is left out: "Black Friday" and "Super Tuesday" are days.
NAME_LABELS = {"PERSON", "ORG", "WORK_OF_ART", "FAC", "PRODUCT", "LAW"}
# Words after a weekday or month that keep it a day: "the August Bank Holiday", "May Day", "Christmas Eve".
DAY_NAME_WORDS = {"bank", "holiday", "holidays", "eve", "day"}
# Words before a weekday or month that make it the time of the clause ("on Sunday President Bush said", "In September
# Symantec released").
TIME_GOVERNORS = {"on", "in", "during", "last", "next", "this", "every", "each", "until", "till", "since", "from", "through", "that",
                  "early", "late"}
# Papers named "X on Sunday" (the Mail on Sunday, the Independent on Sunday); other capitalized words before "on
# Sunday" are places, teams and people met that day ("at Twickenham on Sunday", "Mr Blair on Sunday").
ON_SUNDAY_TITLES = {"mail", "independent"}
# The title words of papers named "Sunday X" (the Sunday Telegraph, Times, Mirror, Express, Herald, Post, People):
# "by Sunday Telegraph journalist Robert Peston" and "the Sunday Times poll" name the paper even where the NER
# starts its name after the weekday or the parse hangs the weekday on the noun after the name.
SUNDAY_PAPER_TITLES = {"telegraph", "times", "mirror", "express", "herald", "post", "people", "independent", "tribune", "sport"}


def _calendar_word(tok: Token) -> bool:
    return (tok.lower_ in WEEKDAYS or tok.lower_ in MONTHS and tok.is_alpha) and tok.text[:1].isupper() and not tok.is_upper


def _name_word(tok: Token) -> bool:
    """A capitalized word of a name that is no time word itself ("Times", "Telegraph", "Bloody", "Weld")."""
    low = tok.lower_
    return tok.is_alpha and tok.text[:1].isupper() and low not in MONTHS and low not in WEEKDAYS and low not in NAME_WORDS and (
        low not in DAY_NAME_WORDS and low not in HOLIDAY_HEADS)


def calendar_name(doc: Doc, start: int, end: int) -> bool:
    """Whether the span is only a weekday or month that is a word of a longer name.

    A weekday: the NER's name around it goes on with a name word right beside it ("the Sunday Times" as ORG,
    "Sheffield Wednesday"), the parse makes it a modifier of the capitalized name after it ("the Sunday Telegraph
    reported"), or it ends the name of a Sunday paper ("the Mail on Sunday"). A month: a person's name ("Theresa May"
    as the NER's PERSON, or after a given name joined to it); before another name a month is mostly the time of a
    thing ("the April IMF meetings", "the three November Tests"), and a weekday after one is mostly a day's name
    ("Black Friday", "Super Tuesday"), so neither is read as a name. A weekday or month after a word that dates the
    clause by it ("On Sunday President Bush said", "In September Acme released") and a date ("May 5") stay times.
    """
    content = [t for t in doc[start:end] if not (t.is_punct or t.lower_ == "the")]
    night = len(content) == 2 and content[1].text == "Night"
    if len(content) != 1 and not night or not _calendar_word(content[0]):
        return False
    word = content[0]
    before = doc[word.i - 1] if word.i else None
    governed = before is not None and before.lower_ in TIME_GOVERNORS
    if night:  # a programme named for a weekday's night ("Saturday Night Takeaway", "Monday Night Football")
        k = content[1].i + 1
        return word.lower_ in WEEKDAYS and not governed and k < len(doc) and _name_word(doc[k])
    if word.lower_ == "sunday" and word.i >= 2 and before.lower_ == "on" and doc[word.i - 2].lower_ in ON_SUNDAY_TITLES and (
        doc[word.i - 2].text[:1].isupper()
    ):
        return True
    if governed or before is not None and before.tag_ == "PRP$":
        return False  # "his Sunday Mass" is the Mass of that Sunday
    after = doc[word.i + 1] if word.i + 1 < len(doc) else None
    if word.lower_ == "sunday" and after is not None and after.lower_ in SUNDAY_PAPER_TITLES and after.text[:1].isupper() and not after.is_upper:
        return True
    month = word.lower_ not in WEEKDAYS
    for ent in doc.ents:
        if ent.label_ in ({"PERSON"} if month else NAME_LABELS) and ent.start <= word.i < ent.end and any(
            _name_word(doc[i]) for i in (word.i - 1, word.i + 1) if ent.start <= i < ent.end
        ):
            return True
    if month:  # "Theresa May's government", which the NER reads as a date: a given name before it, joined to it
        return before is not None and _name_word(before) and before.tag_ == "NNP" and before.dep_ == "compound" and before.head.i == word.i
    if after is None or not _name_word(after) or after.ent_iob_ == "B" or word.dep_ not in {"compound", "amod", "nmod"}:
        return False  # "the Friday Senate vote": the NER's name starts after the weekday
    name = word.head
    return name.i > word.i and all(_name_word(t) for t in doc[word.i + 1 : name.i + 1]) and not (
        name.dep_ in {"compound", "amod", "nmod"} and not _name_word(name.head)
    )  # "the Saturday Premiership game": the weekday and the name before a common noun are its time and its kind


_CAPITAL_NAME_WORDS = NAME_WORDS - {"day", "days"}
_NAMED_BEFORE_OF = set(MONTHS) | set(SEASONS)


def in_name(doc: Doc, start: int, end: int) -> bool:
    """Whether the span is part of a proper name or title rather than a time (TimeML leaves those unmarked):
    a time word capitalized inside a sentence ("on ABC's \"This Week\"", "the film High Noon"), "high noon",
    a weekday or month inside a longer name ("the Sunday Telegraph", "Theresa May"; ``calendar_name``),
    or a one-word time that opens a capitalized name ("the annual March for Life", "\"Spring of Life\"")."""
    if calendar_name(doc, start, end):
        return True
    tokens = doc[start:end]
    holiday = any(t.lower_ in HOLIDAY_HEADS for t in tokens)  # "New Year's Day", "Thanksgiving Day": names TimeML marks
    for tok in tokens:
        if tok.lower_ == "noon" and tok.i > 0 and doc[tok.i - 1].lower_ == "high":
            return True
        if tok.lower_ == "today" and tok.text[0].isupper() and tok.i > 0 and doc[tok.i - 1].is_upper and len(doc[tok.i - 1]) > 1 and (
            doc[tok.i - 1].is_alpha
        ):
            return True  # "This is VOA Today", "USA Today": a programme or paper named after the day
        if tok.lower_ in _CAPITAL_NAME_WORDS and tok.text[:1].isupper() and not tok.is_upper and not holiday and not _sentence_initial(tok):
            if not _title_case(tok.sent):
                return True
    if end - start == 2 and doc[end - 1].lower_ in {"of", "for"}:
        end -= 1  # the Matcher's "Spring of" before a name
    after = end + 2 if end + 2 < len(doc) and doc[end + 1].lower_ == "the" else end + 1  # "the March of the Combatant Mothers"
    if end - start == 1 and after < len(doc) and doc[end].lower_ in {"of", "for"} and doc[after].text[:1].isupper():
        nxt = doc[after].lower_
        if nxt not in MONTHS and nxt not in WEEKDAYS and not doc[after].like_num and doc[start].lower_ in _NAMED_BEFORE_OF:
            return not _title_case(doc[start].sent)
    return False


def _quarter_ending(quarter: Reading, end: Reading) -> Reading:
    """"the quarter ended July 31": the three months to July, mostly the calendar's second quarter (2), whatever
    the date of the report; a quarter that names its number ("the fourth quarter ended Sept. 30", fiscal) keeps it."""
    if quarter.kind != "quarter" or quarter.unit != "quarter" or quarter.day is not None or quarter.edge not in {"latest", None} or not end.month:
        return quarter
    middle, year = end.month - 1, end.year
    if middle < 1:
        middle, year = middle + 12, (year - 1 if year is not None else None)
    return Reading("quarter", unit="quarter", day=(middle - 1) // 3 + 1, year=year)


def candidates(doc: Doc) -> list[Candidate]:
    """Every temporal expression of a parsed document with its anchor-free reading; cached on the Doc."""
    cached = doc.user_data.get(CANDIDATES_KEY)
    if cached is not None:
        return cached
    found = []
    for s, e in _spans(doc):
        if in_name(doc, s, e):
            continue
        for s, e, reading in _readings(doc, s, e):
            span = doc[s:e]
            tense, bound = _tense(span)
            if reading.kind == "quarter" and tense == "future" and _reported(span.root):
                tense = "neutral"  # "will report fourth-quarter results": results come after the quarter, not before it
            reading = replace(reading, tense=tense, bound=bound)
            if reading.kind == "duration" and reading.count == 1 and e - s == 2 and doc[s].lower_ == "one" and doc[s + 1].lower_ == "day" and (
                tense == "future" and bound is None and doc[s + 1].head.i >= e  # before its verb: "will one day be", not "will take one day"
            ):
                reading = Reading("ref", part="FUTURE_REF", tense=tense)  # "Islam will one day be ...": some day to come, not a length
            elif reading.kind == "ref" and reading.part == "PRESENT_REF" and s > 0 and doc[s - 1].lower_ == "then" and doc[s].lower_ == "current":
                s, reading = s - 1, replace(reading, part="PAST_REF")  # "the then current price": the present of a past time
            found.append(Candidate(s, e, reading))
    for i in range(len(found) - 1):  # "the quarter" + "ended" + "July 31", found as two spans
        a, b = found[i], found[i + 1]
        if b.start == a.end + 1 and doc[a.end].lower_ in {"ended", "ending"}:
            found[i] = Candidate(a.start, a.end, _quarter_ending(a.reading, b.reading))
        elif b.start == a.end + 1 and doc[a.end].lower_ in {"and", "or"} and b.reading.kind == "set" and (
            a.reading.kind == "weekday" and b.reading.weekday is not None and a.reading.offset == 0
        ):  # "on Monday and Tuesday nights": the first weekday shares the second one's set (XXXX-WXX-1TNI)
            found[i] = Candidate(a.start, a.end, replace(b.reading, weekday=a.reading.weekday))
    merged: list[Candidate] = []
    for c in found:
        if merged:
            a = merged[-1]
            between = [t.lower_ for t in doc[a.end : c.start]] if c.start - a.end <= 3 else ["…"]  # only a short gap matters
            step = {"before": -1, "after": 1}.get(doc[c.start - 1].lower_) if 0 < c.start - a.start <= 3 else None
            if step and [t.lower_ for t in doc[a.start : c.start - 1]] in (["the", "day"], ["day"]) and (
                between in ([], [doc[c.start - 1].lower_])
            ) and c.reading.kind in RANGE_ENDS and c.reading.shift == 0:
                merged[-1] = Candidate(a.start, c.end, replace(c.reading, shift=step))  # "the day" + "after" + "Christmas": one day
                continue
            if between in (["or"], ["and"]) and a.reading.kind == "duration" and c.reading.kind == "duration" and (
                a.reading.count is None and c.reading.count is None
            ):  # "weeks or months", "recent weeks and months": one vague stretch, in the first unit (PXW)
                merged[-1] = Candidate(a.start, c.end, a.reading)
                continue
            if a.reading.kind == "quarter" and a.reading.edge == "that" and a.reading.year is None and not between and (
                c.reading.kind == "shift" or c.reading.kind == "relative" and c.reading.unit == "year" and c.reading.offset == -1
                and c.reading.edge is None
            ):  # "the corresponding period" + "last year", "the same quarter" + "a year earlier": one quarter, a year back
                merged[-1] = Candidate(a.start, c.end, replace(a.reading, edge="shift"))
                continue
            if a.reading.kind == "quarter" and a.reading.unit == "half" and a.reading.year is None and c.reading.kind == "decade" and (
                between and all(w in {"of", "the", "'"} for w in between)
            ):  # "the last half" + "of the '" + "80s": a part of the decade, which TimeML gives as the decade
                merged[-1] = Candidate(a.start, c.end, c.reading)
                continue
        merged.append(c)
    found = merged
    for i, c in enumerate(found):  # "The year-ago results", "the Aug. 7, 1998, bombings": the article belongs to the noun after
        first = doc[c.start]
        if c.end - c.start < 2 or first.lower_ not in {"the", "a", "an"} or first.dep_ != "det":
            continue
        root = doc[c.start : c.end].root
        if root.dep_ in {"nmod", "compound", "amod"} and root.head.i >= c.end or not c.start <= first.head.i < c.end:
            found[i] = Candidate(c.start + 1, c.end, c.reading)
    for i, c in enumerate(found):  # "last" + "Thanksgiving": the direction belongs to the holiday
        if c.reading.kind == "holiday" and c.start >= 1 and doc[c.start - 1].lower_ in {"last", "next", "this"} and (
            i == 0 or found[i - 1].end < c.start
        ):
            wider = read(list(doc[c.start - 1 : c.end]))
            if wider is not None and wider.kind == "holiday":
                found[i] = Candidate(c.start - 1, c.end, replace(wider, tense=c.reading.tense, bound=c.reading.bound))
    for i, c in enumerate(found):  # "a great [day]": TimeML's extent is the noun
        if c.reading.edge == "verdict":
            found[i] = Candidate(c.end - 1, c.end, c.reading)
    for i, c in enumerate(found):  # "half" + "a century", "half" + "an hour": half the length
        if c.start >= 1 and doc[c.start - 1].lower_ == "half" and doc[c.start].lower_ in {"a", "an"} and c.reading.kind in {"duration", "ago"} and (
            i == 0 or found[i - 1].end < c.start
        ):
            wider = read(list(doc[c.start - 1 : c.end]))
            if wider is not None and wider.kind in {"duration", "ago"}:
                found[i] = Candidate(c.start - 1, c.end, replace(wider, tense=c.reading.tense, bound=c.reading.bound))
    for i, c in enumerate(found):  # TimeML's extent: a bound on a length is part of it, a focus word or "about" is not
        start = c.start
        while c.end - start > 1 and doc[start].lower_ in {"just", "only", "about"}:
            start += 1  # "only [14 days]", "just [a decade ago]", "about [five hours]"
        before = [t.lower_ for t in doc[max(0, start - 2) : start]]
        if start >= 2 and before in (["more", "than"], ["less", "than"], ["at", "least"], ["up", "to"]) and (
            c.reading.kind in {"duration", "ago"} or c.reading.kind == "relative" and c.reading.edge in {"span", "ahead"}
        ) and (i == 0 or found[i - 1].end <= start - 2):
            start -= 2  # "[at least 30 days]", "[more than two thousand years]", "[up to 180 days]"
        if start != c.start:
            found[i] = Candidate(start, c.end, c.reading)
    for i, c in enumerate(found):  # "the end of" + "1990": TimeML's extent takes in the edge of the period
        if c.start >= 3 and doc[c.start - 1].lower_ == "of" and doc[c.start - 2].lower_ in EDGE_WORDS and doc[c.start - 3].lower_ == "the" and (
            c.reading.kind in {"absolute", "partial", "relative", "quarter", "season", "decade", "century", "duration"}
        ) and (i == 0 or found[i - 1].end <= c.start - 3):
            wider = read(list(doc[c.start - 3 : c.end]))
            if wider is not None and wider.kind not in {"unknown", "none", "duration"}:
                found[i] = Candidate(c.start - 3, c.end, replace(wider, tense=c.reading.tense, bound=c.reading.bound))
    for i in range(len(found) - 1, 0, -1):  # "the early hours" + "of Sunday": one time, the day's, as "the early hours of
        c, before = found[i], found[i - 1]  # Sunday morning" already is when spaCy tags it whole
        if c.start >= 4 and c.reading.kind in DAY_KINDS and doc[c.start - 1].lower_ == "of" and [
            t.lower_ for t in doc[c.start - 4 : c.start - 1]
        ] in SMALL_HOURS and before.start == c.start - 4 and before.end == c.start - 1:
            found[i - 1 : i + 1] = [Candidate(c.start - 4, c.end, c.reading)]
    for i in range(len(found) - 1, -1, -1):  # "the second and fourth quarters": the second is a quarter of every year too
        c = found[i]
        if c.reading.kind == "set" and c.reading.unit == "quarter" and c.reading.day and c.start >= 2 and doc[c.start - 1].lower_ in {
            "and", "or"
        } and (n := _ordinal(doc[c.start - 2])) is not None and 0 < n <= 4 and (i == 0 or found[i - 1].end <= c.start - 2):
            found.insert(i, Candidate(c.start - 2, c.start - 1, replace(c.reading, day=n)))
    doc.user_data[CANDIDATES_KEY] = found
    return found
