"""Money, quantities, percentages and counts of actors, normalized to a value and a unit.

Scheme of the records (``Amount``):

* money: ``value`` in units of the currency (``"$17 billion"`` → 17e9), ``unit`` the ISO
  4217 code, ``kind="money"``. The span runs from an approximator ("some", "about") or ISO
  code through the currency word (``"USD $8.8 billion dollars"``).
* percent: ``unit="%"``, ``kind="percent"``; the span keeps what the share is of
  (``"70% of the mine"``).
* quantity: ``unit`` is the singular noun the number counts or measures, with measuring
  qualifiers kept ("metric ton"), ``kind="quantity"``: ``"two nuclear-capable bombers"`` → 2
  bomber, ``"13 other European countries"`` → 13 country. What a measure is *of* stays in
  the span, not in the unit: ``"20 tons of gold"`` → 20 ton, text "20 tons of gold".
* vague plurals ("thousands of metric tons", "billions of dollars") take the scale itself
  as the value: a lower bound (``thousands`` → 1000).

Years, dates, ages and durations ("2013", "35-year-old", "six years") are times, not
amounts: numbers inside spaCy DATE/TIME entities and counts of time units are left out.

Numbers are found by a vectorized lookup over the token attributes (LIKE_NUM, number
words, shapes like "1.2bn"); the parse says which noun a number modifies. Values come from a small parser of our own over the tokens, because it must
mix digits, number words, scale words and abbreviations ("8.8 billion", "1.2bn",
"six billion", "thousands") the way spaCy already split them, and report vagueness.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from spacy.attrs import LIKE_NUM, LOWER, SHAPE
from spacy.tokens import Doc, Token
from spacy.vocab import Vocab

from newsgraph.extract.times import MONTHS
from newsgraph.model import Amount

SMALL = {
    "zero": 0, "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
SCALES = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "dozen": 12}
ABBREVIATIONS = {"k": 1e3, "m": 1e6, "mn": 1e6, "mln": 1e6, "bn": 1e9, "b": 1e9, "tn": 1e12, "trn": 1e12}
# Vague plurals: the scale is a lower bound ("thousands of tons" is at least 1000 tons).
VAGUE = {"dozens": 12, "hundreds": 1e2, "thousands": 1e3, "millions": 1e6, "billions": 1e9, "trillions": 1e12}

SYMBOLS = {
    "$": "USD", "US$": "USD", "U.S.$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₽": "RUB", "₹": "INR",
    "C$": "CAD", "A$": "AUD", "HK$": "HKD", "R$": "BRL", "₩": "KRW", "₺": "TRY",
}
ISO_CODES = {
    "USD", "EUR", "GBP", "RUB", "CNY", "JPY", "INR", "CAD", "AUD", "CHF", "BRL", "MXN", "TRY", "VES", "VEF",
    "KRW", "HKD", "SGD", "ZAR", "SEK", "NOK", "DKK", "PLN", "IRR", "UAH", "RMB",
}
ISO_ALIASES = {"RMB": "CNY"}
CURRENCY_WORDS = {
    "dollar": "USD", "dollars": "USD", "euro": "EUR", "euros": "EUR", "sterling": "GBP", "rouble": "RUB",
    "roubles": "RUB", "ruble": "RUB", "rubles": "RUB", "yuan": "CNY", "renminbi": "CNY", "yen": "JPY",
    "rupee": "INR", "rupees": "INR", "bolivar": "VES", "bolivars": "VES", "bolivares": "VES", "lira": "TRY",
    "pound": "GBP", "pounds": "GBP",
}
# A nationality before "dollars" changes the currency ("Canadian dollars").
DOLLAR_COUNTRIES = {
    "us": "USD", "u.s.": "USD", "american": "USD", "canadian": "CAD", "australian": "AUD", "singapore": "SGD",
    "taiwan": "TWD", "zimbabwean": "ZWL",
}
PERCENT_WORDS = {"%", "percent", "pct", "per-cent", "pc"}
APPROXIMATORS = {"some", "about", "around", "nearly", "almost", "roughly", "approximately", "over", "under", "only", "just"}
# Adjectives that are part of a measuring unit rather than a description of the thing counted.
UNIT_QUALIFIERS = {"metric", "short", "long", "square", "cubic", "nautical", "imperial", "light", "troy"}
TIME_UNITS = {
    "year", "month", "week", "day", "hour", "minute", "second", "decade", "century", "quarter", "weekend",
    "night", "morning", "evening", "afternoon", "term", "season", "time",
}


def _suffixed_shapes() -> list[str]:
    """spaCy shapes of a number glued to a scale abbreviation ("1.2bn", "500m")."""
    ints = ["d", "dd", "ddd", "dddd", "d,ddd", "dd,ddd", "ddd,ddd"]
    return [i + f + s for i in ints for f in ("", ".d", ".dd") for s in ("x", "xx", "xxx")]


@lru_cache(maxsize=8)
def _number_hashes(vocab: Vocab) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of the number words and number shapes LIKE_NUM misses; built once per vocab."""
    words = np.array([vocab.strings.add(w) for w in sorted(VAGUE) + ["dozen"]], dtype=np.uint64)
    shapes = np.array([vocab.strings.add(s) for s in _suffixed_shapes()], dtype=np.uint64)
    return words, shapes


def number_tokens(doc: Doc) -> list[int]:
    """Indices of number-ish tokens: one vectorized lookup over the token attributes, no Python loop over tokens.

    (A Matcher with IN-set predicates calls back into Python for every token, which made this
    stage cost a tenth of the parse.)
    """
    if not len(doc):
        return []
    table = doc.to_array([LIKE_NUM, LOWER, SHAPE])
    words, shapes = _number_hashes(doc.vocab)
    mask = (table[:, 0] == 1) | np.isin(table[:, 1], words) | np.isin(table[:, 2], shapes)
    return np.flatnonzero(mask).tolist()


def _split_suffixed(word: str) -> tuple[str, str] | None:
    for i in range(len(word) - 1, -1, -1):
        if word[i].isdigit():
            head, tail = word[: i + 1], word[i + 1 :]
            return (head, tail) if tail in ABBREVIATIONS else None
    return None


def _digits(word: str) -> float | None:
    if not word[:1].isdigit():
        return None
    try:
        return float(word.replace(",", ""))
    except ValueError:
        return None


def parse_number(words: list[str]) -> tuple[float, bool] | None:
    """(value, vague) of a run of number words/digits as spaCy split them, or None when it is not one number.

    >>> parse_number(["8.8", "billion"]), parse_number(["thousands"])
    ((8800000000.0, False), (1000.0, True))
    """
    total = 0.0
    current: float | None = None
    vague = False
    for raw in words:
        w = raw.lower().rstrip(".")
        if w == "-":
            continue
        number = _digits(w)
        if number is not None:
            if current is not None:
                return None
            current = number
            continue
        split = _split_suffixed(w)
        if split is not None:
            if current is not None or _digits(split[0]) is None:
                return None
            total += _digits(split[0]) * ABBREVIATIONS[split[1]]
            continue
        if w in SMALL:
            current = (current or 0) + SMALL[w]
        elif w == "hundred":
            current = (current or 1) * 100
        elif w in SCALES:
            total += (current or 1) * SCALES[w]
            current = None
        elif w in ABBREVIATIONS and (current is not None or total):
            total += (current or 1) * ABBREVIATIONS[w]
            current = None
        elif w in VAGUE:
            total += (current or 1) * VAGUE[w]
            current = None
            vague = True
        else:
            return None
    if current is None and not total:
        return None
    return total + (current or 0), vague


def _runs(doc: Doc) -> list[tuple[int, int]]:
    """Token ranges of consecutive number tokens; "twenty - five" is one run."""
    hits = number_tokens(doc)
    runs: list[list[int]] = []
    for i in hits:
        if runs and (i == runs[-1][1] or (i == runs[-1][1] + 1 and doc[i - 1].text == "-" and doc[i].is_alpha)):
            runs[-1][1] = i + 1
        else:
            runs.append([i, i + 1])
    return [(a, b) for a, b in runs]


def _is_year(tokens: list[Token]) -> bool:
    return len(tokens) == 1 and tokens[0].shape_ == "dddd" and 1800 <= int(tokens[0].text) <= 2100


def _currency_word(doc: Doc, i: int) -> tuple[str, int] | None:
    """(ISO code, tokens used) for a currency word at token i, maybe after a nationality ("US dollars")."""
    if i >= len(doc):
        return None
    low = doc[i].lower_
    if low in DOLLAR_COUNTRIES and i + 1 < len(doc) and doc[i + 1].lower_ in {"dollar", "dollars"}:
        return DOLLAR_COUNTRIES[low], 2
    if low in CURRENCY_WORDS:
        return CURRENCY_WORDS[low], 1
    return None


def _of_phrase_end(noun: Token, at: int | None = None) -> int | None:
    """Token end of an "of …" complement of `noun` starting at token `at` (default: right after it), without its clauses.

    "tons of gold" → through "gold"; "thousands-of-tons of relief supplies" → the second "of" hangs on "thousands".
    """
    at = noun.i + 1 if at is None else at
    for child in noun.rights:
        if child.dep_ == "prep" and child.lower_ == "of" and child.i == at:
            objects = [c for c in child.children if c.dep_ == "pobj"]
            if objects:
                return objects[0].i + 1
    return None


def _unit_name(noun: Token) -> str:
    qualifiers = [c.lower_ for c in noun.lefts if c.lower_ in UNIT_QUALIFIERS]
    if noun.text[:-1].isupper() and noun.text.endswith("s"):
        lemma = noun.text[:-1].lower()  # "MPs": the lemmatizer leaves plural acronyms alone
    else:
        lemma = noun.lemma_.lower() if noun.tag_ in {"NNS", "NNPS"} else noun.lower_
    return " ".join(qualifiers + [lemma])


def find_amounts(doc: Doc) -> list[tuple[int, int, int, float | None, str, str]]:
    """(first token, canonical start char, canonical end char, value, unit, kind) for each amount in `doc`."""
    found = []
    last_end = 0
    for a, b in _runs(doc):
        tokens = list(doc[a:b])
        parsed = parse_number([t.text for t in tokens])
        if parsed is None:
            continue
        value, vague = parsed
        left, right = a, b
        # A scale abbreviation split off the number ("$500m" -> "500", "m").
        if right < len(doc) and doc[right].lower_.rstrip(".") in ABBREVIATIONS and not doc[right - 1].whitespace_:
            value *= ABBREVIATIONS[doc[right].lower_.rstrip(".")]
            right += 1
        trim_end = 1 if doc[right - 1].text.endswith(".") and doc[right - 1].lower_.rstrip(".") in ABBREVIATIONS else 0

        currency = None
        if left > 0 and doc[left - 1].text in SYMBOLS:
            currency = SYMBOLS[doc[left - 1].text]
            left -= 1
        if left > 0 and doc[left - 1].text in ISO_CODES:
            currency = ISO_ALIASES.get(doc[left - 1].text, doc[left - 1].text)
            left -= 1
        word = _currency_word(doc, right)
        via_of = False
        if word is None and vague and right + 1 < len(doc) and doc[right].lower_ == "of":
            word = _currency_word(doc, right + 1)
            via_of = word is not None
        if word is not None:
            code, used = word
            is_weight = code == "GBP" and doc[right + via_of].lower_.startswith("pound") and currency is None and not (
                right + via_of + 1 < len(doc) and doc[right + via_of + 1].lower_ == "sterling"
            )
            if not is_weight:
                currency = currency or code
                right += used + via_of
                trim_end = 0
                if right < len(doc) and doc[right].lower_ == "sterling":
                    right += 1

        kind, unit = None, None
        if currency is not None:
            kind, unit = "money", currency
        elif right < len(doc) and doc[right].lower_ in PERCENT_WORDS:
            kind, unit = "percent", "%"
            right += 1
            trim_end = 0
        elif right + 1 < len(doc) and doc[right].lower_ == "per" and doc[right + 1].lower_ == "cent":
            kind, unit = "percent", "%"
            right += 2
            trim_end = 0
        else:
            if _is_year(tokens) or (len(tokens) == 1 and tokens[0].lower_ in {"one", "a", "an"}):
                continue
            if b < len(doc) and doc[b].lower_ in MONTHS:
                continue  # "12 July parade": a day of the month
            noun = _counted_noun(doc, a, b)
            if noun is None or noun.lemma_.lower() in TIME_UNITS or not noun.is_alpha:
                continue
            if any(t.ent_type_ in {"DATE", "TIME", "ORDINAL"} for t in tokens) and noun.ent_type_ in {"DATE", "TIME"}:
                continue  # a number spaCy reads as part of a date, counting nothing else
            kind, unit = "quantity", _unit_name(noun)
            right = noun.i + 1
            trim_end = 0
            of_end = _of_phrase_end(noun) or (_of_phrase_end(doc[b - 1], at=right) if vague else None)
            if of_end is not None:
                right = of_end
        if kind == "percent" and right > 0:
            of_end = _of_phrase_end(doc[right - 1])
            if of_end is not None:
                right = of_end
        if left > 0 and doc[left - 1].lower_ in {"a", "an"} and doc[left].lower_ in SCALES:
            left -= 1  # "a dozen ships", "a million dollars"
        if left > 0 and doc[left - 1].lower_ in APPROXIMATORS:
            left -= 1
        if left < last_end:
            continue
        start_char = doc[left].idx
        end_char = doc[right - 1].idx + len(doc[right - 1].text) - trim_end
        found.append((left, start_char, end_char, value, unit, kind))
        last_end = right
    return found


def _counted_noun(doc: Doc, a: int, b: int) -> Token | None:
    """The noun a number run counts or measures: its head after it, or the object of "thousands of …"."""
    last = doc[b - 1]
    if last.lower_ in VAGUE or (last.pos_ == "NOUN" and last.dep_ not in {"nummod", "quantmod", "compound"}):
        for child in last.rights:
            if child.dep_ == "prep" and child.lower_ == "of":
                objects = [c for c in child.children if c.dep_ == "pobj" and c.pos_ == "NOUN"]
                if objects:
                    return objects[0]
        return None
    head = last.head
    if last.dep_ in {"nummod", "quantmod", "compound", "amod", "nmod"} and head.i >= b and head.pos_ == "NOUN":
        if all(not t.is_punct or t.text == "-" for t in doc[b : head.i]):
            return head
    return None


def extract(ctx) -> None:
    """Append an Amount for every money, percent and counted quantity in the document."""
    for first, start, end, value, unit, kind in find_amounts(ctx.doc):
        if ctx.repeated(start):
            continue  # a figure in page furniture shown twice is one figure
        s, e, text = ctx.original(start, end)
        ctx.result.amounts.append(
            Amount(start=s, end=e, text=text, value=value, unit=unit, kind=kind, sentence=ctx.sentence_index(ctx.doc[first]))
        )
