"""Mentions of actors in one document: people, organizations, states and places.

The cascade, each stage there because the one before misses something:
1. spaCy's named entities (PERSON, ORG, GPE, LOC, NORP, FAC), cleaned: "the",
   possessives and titles are stripped; titles become the mention's role.
2. The gazetteer (``lexicons/data/places.csv``) finds state names, demonyms and seats
   of government the NER missed, and links all of them to their state; a capital
   links to its state only where it acts ("Moscow said", "support from Moscow").
3. Within the document, a lone surname points at the full name it abbreviates
   (whatever label the NER gave it: en_core_web_sm often calls "Maduro" an ORG),
   and a near-spelling ("Rodriquez") does too when it is one edit-ish away from a
   surname of a person in the same document; an acronym one letter off another
   acronym in the document ("PSVSA") likewise.
4. Every name found is searched again over the whole document, so occurrences
   the NER skipped are counted too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from rapidfuzz.distance import Hamming, Levenshtein
from spacy.attrs import DEP, IS_ALPHA, IS_LOWER, IS_SPACE, IS_UPPER, LOWER, ORTH, POS, SENT_START
from spacy.symbols import PROPN
from spacy.tokens import Doc, Span

from newsgraph.extract import Context
from newsgraph.lexicons.names import (
    BODY_NOUNS, HONORIFICS, LEGAL_SUFFIXES, ROLE_ACRONYMS, addresses, NOT_PERSON_HEADS, ORG_HEADS, OUTLET_SERVICES, PARTY_MEMBERS, PEERAGE, ROLE_NOUNS, family_name, first_names,
    given_name, initials_match,
)
from newsgraph.lexicons.coref import FEMALE_TITLES
from newsgraph.lexicons.places import cities, fold, from_table, gazetteer, table_spelling
from newsgraph.model import Mention

LABELS = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "WORK_OF_ART", "PRODUCT", "EVENT", "LAW"}
# Acronyms that are ordinary words, not names of anyone.
COMMON_ACRONYMS = {"CEO", "CFO", "COO", "SUV", "DNA", "GPS", "USB", "TV", "PC", "ATM", "VIP", "DVD", "CD", "MRI", "HIV",
                   "AIDS", "GDP", "AM", "PM", "OK", "ID", "IQ", "PR", "HR", "IT", "AI", "UFO", "RBI", "ERA", "MVP",
                   "GMT", "EST", "EDT", "PST", "PDT", "BST", "CET", "USD", "EUR", "GBP", "JPY", "PDF", "FAQ", "LOL",
                   "DJ", "MC", "RIP", "SOS", "TBA", "TBD", "VAT", "IPO", "LLC", "INC", "FY", "Q1", "Q2", "Q3", "Q4"}
# Head nouns of a title: the last word of a role such as "Foreign Minister" or "Kremlin spokesman".
TITLE_HEADS = {
    "president", "minister", "leader", "spokesman", "spokeswoman", "spokesperson", "secretary", "adviser", "advisor",
    "ambassador", "director", "chief", "governor", "senator", "chairman", "chairwoman", "chair", "ceo", "general",
    "commander", "premier", "chancellor", "king", "queen", "prince", "princess", "envoy", "mayor", "judge",
    "representative", "congressman", "congresswoman", "deputy", "head", "founder", "executive", "officer", "attorney",
    "prosecutor", "speaker", "emir", "sheikh", "pope", "cardinal", "bishop", "admiral", "colonel", "lawmaker",
    "legislator", "lawyer", "economist", "analyst", "coach", "manager", "captain", "vice-president", "official",
    "businessman", "businesswoman", "editor", "correspondent", "diplomat",
}
# Words that may stand inside a title without ending it ("Vice President", "Secretary of State").
TITLE_WORDS = TITLE_HEADS | ROLE_ACRONYMS | {"vice", "foreign", "prime", "state", "national", "security", "defense", "defence", "interior",
                             "finance", "deputy", "acting", "interim", "former", "opposition", "assembly", "general",
                             "of", "affairs", "trade", "economy", "energy", "oil", "first", "assistant", "senior"}
# Verbs and nouns of motion: after them "to Moscow" is a destination, not an actor.
MOTION = {
    "go", "come", "travel", "fly", "send", "move", "relocate", "transfer", "return", "arrive", "visit", "shift", "head",
    "flee", "bring", "deliver", "ship", "trip", "journey", "relocation", "move", "take", "drive", "walk", "export",
    "import", "route", "land", "leave", "emigrate", "migrate", "escape", "deport", "expel", "extradite",
}
ACTOR_PREPS = {"with", "against", "between", "behind", "by"}
# Verbs whose subject is a speaker: a proper name there is an actor even when the NER missed it.
SPEECH_VERBS = {"say", "describe", "explain", "report", "state", "warn", "claim", "announce", "tell", "write", "add",
                "argue", "insist", "deny", "accuse", "estimate", "note", "conclude", "allege", "confirm"}
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&]{1,9}$")


@dataclass
class _Candidate:
    start: int  # token indices
    end: int
    label: str
    name: str
    kind: str = "name"
    place: str | None = None
    link_reason: str | None = None
    role: str | None = None
    target: "_Candidate | None" = None  # the candidate this one stands for


def _title_case(words: list[str]) -> str:
    return " ".join(w if w in {"of", "and", "the", "for"} else (w[:1].upper() + w[1:]) for w in words)


def _strip_places(tokens: list) -> list:
    """Drop leading demonyms, state names and function words from a title: "Russian Foreign Minister" -> "Foreign Minister"."""
    gaz = gazetteer()
    while tokens:
        t = tokens[0]
        if t.text in gaz.demonyms or t.text in gaz.names or t.pos_ in {"DET", "ADP", "SCONJ", "CCONJ", "PRON", "ADV", "PART", "PUNCT"} or t.text.lower() in {"'s", "the"}:
            tokens = tokens[1:]
            continue
        # "U.S." and multi-word state names
        if len(tokens) > 1 and f"{t.text} {tokens[1].text}" in gaz.names:
            tokens = tokens[2:]
            continue
        break
    return tokens


def _role_before(doc: Doc | list, start: int) -> str | None:
    """The title standing right before a name: "Russian Foreign Minister Sergei Lavrov" -> "Foreign Minister".

    `doc`: the Doc, or its tokens as a list (read the same way, without a new Token object per access)."""
    run = []
    i = start - 1
    while i >= 0:
        tok = doc[i]
        low = tok.lower_
        if tok.is_space or (tok.is_punct and tok.text != "."):
            break
        if low in TITLE_WORDS or (tok.text[:1].isupper() and tok.pos_ in {"PROPN", "NOUN", "ADJ"}):
            run.append(tok)
            i -= 1
            continue
        break
    run.reverse()
    while run and run[0].lower_ == "of":
        run = run[1:]
    run = _strip_places(run)
    if not run or not _ends_as_title(run):
        return None
    return _title_case([t.text for t in run])


def _ends_as_title(run: list) -> bool:
    """A title ends in its head ("Foreign Minister") or in the head's "of" complement ("Secretary of State")."""
    if run[-1].lower_ in TITLE_HEADS:
        return True
    words = [t.lower_ for t in run]
    if "of" in words:
        k = len(words) - 1 - words[::-1].index("of")
        return 0 < k < len(words) - 1 and words[k - 1] in TITLE_HEADS and all(t.text[:1].isupper() for t in run[k + 1:])
    return False


def _role_apposition(span: Span) -> str | None:
    """A title in apposition: "his vice president, Delcy Rodriguez" or "Dmitry Peskov, the Kremlin spokesman"."""
    root = span.root
    candidates = []
    if root.dep_ == "appos" and root.head.lower_ in TITLE_HEADS:
        candidates.append(root.head)
    candidates.extend(c for c in root.children if c.dep_ == "appos" and c.lower_ in TITLE_HEADS)
    for head in candidates:
        words = [t for t in head.lefts if t.dep_ in {"compound", "amod", "nmod"} and (t.lower_ in TITLE_WORDS or t.text[:1].isupper())]
        words = _strip_places(sorted(words, key=lambda t: t.i)) + [head]
        return _title_case([t.text if t.text[:1].isupper() else t.lower_ for t in words])
    return None


def _clean(span: Span, tokens: list | None = None) -> tuple[int, int, str | None]:
    """Token bounds of the name inside an entity span, and a title found inside it.

    `tokens`: the document's tokens as a list (the context's), read instead of ``span.doc``: indexing a Doc makes a
    new Token object on every access, and the rules below read each token several times.
    """
    start, end = span.start, span.end
    doc = tokens if tokens is not None else span.doc
    while end > start and (doc[end - 1].text in {"'s", "'", "’s", "’"} or doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    while start < end and (doc[start].lower_ in {"the", "a", "an"} or doc[start].is_punct or doc[start].is_space):
        if doc[start].text == "The" and not doc[start].is_sent_start and end - start == 2 and span.label_ == "ORG":
            break  # "The Hill", "The Times": the article is part of a one-word title
        start += 1
    for i in range(start + 1, end):  # "Venezuela six billion dollars" tagged as one ORG: the name stops at the number
        if doc[i].like_num or doc[i].is_currency or (doc[i].lower_ == "et" and i + 1 < len(doc) and doc[i + 1].lower_.startswith("al")):
            end = i  # and "Smith et al." at "et"
            break
    # "The Hill": a capital "The" inside a sentence belongs to a one-word title
    if span.label_ == "ORG" and end - start == 1 and start > 0 and doc[start - 1].text == "The" and not doc[start - 1].is_sent_start:
        start -= 1
    # "Baroness Scotland": a title of nobility before the name is part of it
    if start > 0 and doc[start - 1].lower_ in PEERAGE and doc[start - 1].text[:1].isupper():
        start -= 1
    # "Goalkeepers - Bogdan Stelea", "Romania - Cosmin Contra": a spaced dash or a colon separates a list label
    for i in range(end - 2, start, -1):
        if (doc[i].text in {"-", "--", ":", "–", "—"} and doc[i - 1].whitespace_) or "\n" in doc[i - 1].whitespace_:
            start = i + 1 if doc[i].text in {"-", "--", ":", "–", "—"} else i
            break
    title_tokens = []
    if span.label_ == "PERSON":
        # "Coroner Gary Hargrove", "American Hasim Rahman": a common noun or a demonym before the name
        while start < end - 2 and doc[start + 1].text[:1].isupper() and doc[start].lower_ not in PEERAGE and (
            doc[start].text in gazetteer().demonyms or (doc[start].pos_ == "NOUN" and doc[start].lower_.rstrip(".") not in HONORIFICS)
        ):
            if doc[start].text not in gazetteer().demonyms:
                title_tokens.append(doc[start])
            start += 1
    if span.label_ == "PERSON":
        # "Colts QB Andrew Luck", "GM Tony Reagins": the name starts after the last role word
        for i in range(end - 2, start - 1, -1):
            low = doc[i].lower_.rstrip(".")
            if (low in ROLE_NOUNS or low in TITLE_HEADS or low in {"qb", "gm", "ceo", "coach"}) and all(
                t.text[:1].isupper() and t.lower_ not in TITLE_WORDS for t in doc[i + 1:end]
            ):
                title_tokens.extend(doc[start:i + 1])
                start = i + 1
                break
    if span.label_ in {"PERSON", "ORG", "NORP", "GPE"}:
        # a role before a name ("Defender Hassan Abbas") is not part of it; a title of nobility is
        while start < end - 1 and doc[start].lower_ not in PEERAGE and (
            doc[start].lower_.rstrip(".") in HONORIFICS or doc[start].lower_ in ROLE_NOUNS
            or (span.label_ == "PERSON" and doc[start].lower_ in TITLE_WORDS)
            or (doc[start].lower_ in TITLE_WORDS and fold(doc[start + 1].text) in first_names())
        ) and doc[start + 1].text[:1].isupper():
            title_tokens.append(doc[start])
            start += 1
    if title_tokens and all(t.lower_.rstrip(".") in TITLE_WORDS or t.lower_ in ROLE_NOUNS for t in doc[start:end]):
        start = title_tokens[0].i  # "Surgeon General" with no name after it: the title is all there is
        title_tokens = []
    # "Venezuelan's State Oil Company PDVSA": the acronym is the name (but "T-Mobile USA" is not the USA)
    if span.label_ == "ORG" and end - start > 1 and _ACRONYM.match(doc[end - 1].text) and not any(
        t.text == "(" for t in doc[start:end]
    ) and doc[end - 1].text not in gazetteer().names and not doc[end - 2].text.endswith("-"):
        start = end - 1
    # a hyphenated word is never cut: "Moon Jae-in", "Kim Jong-un", "T-Mobile"
    while end + 1 < len(doc) and doc[end].text in {"-", "‐"} and not doc[end - 1].whitespace_ and not doc[end].whitespace_ and doc[end + 1].is_alpha:
        end += 2
    while start >= 2 and doc[start - 1].text in {"-", "‐"} and not doc[start - 2].whitespace_ and not doc[start - 1].whitespace_ and doc[start - 2].is_alpha:
        start -= 2
    # company forms after the name belong to it: "Ahold NV", "Intel Corp."
    while end < len(doc) and doc[end].lower_ in LEGAL_SUFFIXES and doc[end].text[:1].isupper() and not doc[end - 1].is_punct:
        end += 1
    title = None
    heads = [t for t in title_tokens if t.lower_ in TITLE_HEADS or t.lower_ in ROLE_NOUNS]
    if heads:
        title = _title_case([t.text for t in _strip_places(title_tokens)])
    return start, end, title


def _inside_title(doc: Doc, start: int, end: int) -> bool:
    """Whether a span is the tail of a title before a name: "State" in "Secretary of State Mike Pompeo"."""
    return (
        start >= 2
        and doc[start - 1].lower_ == "of"
        and doc[start - 2].lower_ in TITLE_HEADS
        and end < len(doc)
        and doc[end].ent_type_ == "PERSON"
    )


def _acts(doc: Doc, start: int, end: int) -> bool:
    """Whether a city name stands for its government here: subject, possessor, agent or party to an exchange."""
    root = doc[start:end].root
    if root.dep_ in {"nsubj", "nsubjpass", "poss", "dative"}:
        return True
    if root.dep_ == "pobj":
        prep = root.head
        governor = prep.head
        if prep.lower_ in ACTOR_PREPS:
            return True
        if prep.lower_ in {"to", "from"} and governor.lemma_.lower() not in MOTION:
            if any(c.dep_ == "npadvmod" for c in prep.children) or prep.i > 0 and prep.nbor(-1).lower_ == "away":
                return False  # "35 miles from Seoul", "far away from Moscow": a distance to the city
            siblings = {c.lower_ for c in governor.children if c.dep_ == "prep"}
            if {"to", "from"} <= siblings:
                return False
            return governor.pos_ in {"VERB", "AUX"} or governor.lemma_.lower() in {
                "support", "aid", "loan", "credit", "help", "pressure", "investment", "money", "assistance", "overture",
                "ally", "backing", "threat", "demand", "request", "message", "response", "criticism", "sanction",
            }
    return False


_CLOSED = {"ADP", "DET", "CCONJ", "SCONJ", "AUX", "PRON", "PART", "VERB", "ADV", "NUM"}
_CONNECTORS = {"of", "and", "&", "de", "la", "du", "del", "der", "van", "von", "bin", "al", "el", "da", "di", "le"}


@dataclass
class _Headings:
    """Lines that read as headings (title case or capitals), and what the rest of the text says about words."""

    lines: dict[int, bool]  # token index -> whether its heading line is in capitals
    capitalised: set[str]  # words written with a capital inside body sentences (names)
    lower: set[str]  # stems of words written in lower case in the body (ordinary words)


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    w = word.lower()
    for suffix in ("ing", "ed", "es", "s"):
        if len(w) > len(suffix) + 2 and w.endswith(suffix):
            w = w[: -len(suffix)]
            if suffix in ("ing", "ed") and len(w) > 2 and w[-1] == w[-2]:
                w = w[:-1]
            break
    return w


def _headings(doc: Doc) -> _Headings:
    """Find heading lines: short lines without a closing full stop, most of their words capitalised (or all capitals).

    A line ends at a space token holding a newline (spaCy keeps a token's trailing whitespace to one space).
    Token attributes are read once as arrays and strings: a Token object per access cost more than the rule.
    """
    n = len(doc)
    lines: dict[int, bool] = {}
    if not n:
        return _Headings(lines, set(), set())
    strings = doc.vocab.strings
    arr = doc.to_array([ORTH, IS_SPACE, IS_ALPHA, IS_UPPER, IS_LOWER, SENT_START]).tolist()
    text = [strings[row[0]] for row in arr]
    body: list[int] = []

    def close(tokens: list[int]) -> None:
        words = [i for i in tokens if arr[i][2]]
        if not words:
            return
        content = [i for i in words if len(text[i]) > 3] or words
        caps = len(words) >= 2 and all(arr[i][3] for i in words)
        title = sum(1 for i in content if text[i][:1].isupper()) / len(content) >= 0.75 and len(words) <= 20
        ends = text[tokens[-1]] in {".", "?", "!"} and not caps
        if (caps or title) and not ends and (len(words) >= 2 or tokens[0] == 0 or len(tokens) <= 3):
            for i in tokens:
                lines[i] = caps
        else:
            body.extend(tokens)

    line: list[int] = []
    for i, row in enumerate(arr):
        if not row[1]:
            line.append(i)
        elif "\n" in text[i]:
            if line:
                close(line)
            line = []
    if line:
        close(line)
    capitalised = {text[i] for i in body if arr[i][2] and text[i][:1].isupper() and arr[i][5] != 1}
    capitalised |= {text[i] for e in doc.ents if e.start not in lines and e.end - e.start > 1
                    for i in range(e.start, e.end) if arr[i][2] and text[i][:1].isupper()}
    lower = {_stem(w) for w in {text[i] for i in body if arr[i][4] and arr[i][2]}}
    return _Headings(lines, capitalised, lower)


def _name_word(tok, h: _Headings, caps: bool) -> bool | None:
    """In a heading: True for a word the text shows to be a name, False for an ordinary word, None when unknown."""
    text = tok.text
    if text in h.capitalised or (caps and text[:1] + text[1:].lower() in h.capitalised):
        return True
    if not caps and _ACRONYM.match(text):
        return True
    if _stem(text) in h.lower or tok.pos_ in _CLOSED or not text[:1].isupper():
        return False
    return None


def _heading_parts(doc: Doc, start: int, end: int, h: _Headings) -> list[tuple[int, int]]:
    """The names inside an entity span that lies in a heading: "Lindsay Lohan Checks Into Betty Ford" has two.

    Title case makes every word look like a name, so the span is cut at words the rest of the
    text writes in lower case (or that are verbs, prepositions …). Where the text names some
    words of the span elsewhere, only those (with first names and organisation words beside
    them) are kept: "Obama Reverses Bush" gives Obama and Bush. A single remaining word is kept
    only when the text writes it with a capital elsewhere, or it is an acronym.
    """
    caps = h.lines[start]
    verdicts = {i: _name_word(doc[i], h, caps) for i in range(start, end)}
    given = {i for i in range(start, end) if fold(doc[i].text) in first_names()}
    for i, v in verdicts.items():
        if v is None and (i in given or i - 1 in given):
            verdicts[i] = True  # a first name, or the unknown word right after one: "Maria Olsen: Harbour Reopens"
    runs: list[list[int]] = [[]]
    for i in range(start, end):
        if verdicts[i] is False and not (doc[i].lower_ in _CONNECTORS and runs[-1]):
            runs.append([])
        else:
            runs[-1].append(i)
    parts: list[tuple[int, int]] = []
    for run in runs:
        if any(verdicts[k] for k in run):
            pieces: list[list[int]] = [[]]
            for k in run:
                if verdicts[k] or doc[k].lower_ in _CONNECTORS or (doc[k].lower_ in ORG_HEADS and pieces[-1]):
                    pieces[-1].append(k)
                else:
                    pieces.append([])
        else:
            pieces = [run]
        for piece in pieces:
            while piece and doc[piece[-1]].lower_ in _CONNECTORS:
                piece.pop()
            while piece and doc[piece[0]].lower_ in _CONNECTORS:
                piece.pop(0)
            if len(piece) > 1 or (piece and (verdicts[piece[0]] or gazetteer().lookup(doc[piece[0]].text))):
                parts.append((piece[0], piece[-1] + 1))
    return parts


def _split_possessive(doc: Doc, start: int, end: int, known: set[str]) -> list[tuple[int, int]]:
    """"Trump's Republican Party", "China's Foreign Ministry": a name before an inner possessive is its own name.

    Only when that name is known on its own (a state, or a word the text names elsewhere), so
    "People's Liberation Army" stays whole.
    """
    for i in range(start + 1, end - 1):
        if doc[i].text in {"'s", "’s", "'"}:
            before = doc[start:i].text
            if gazetteer().lookup(before) or before in known:
                return [(start, i), (i + 1, end)]
    return [(start, end)]


def _scored(doc: Doc, i: int) -> bool:
    """Whether the word at i stands with a score in a line of results ("Glamorgan 259 and 207", "Ulsan 2 Chonbuk 1"),
    not after an initial ("A. Dale 69" is a player)."""
    after = doc[i + 1] if i + 1 < len(doc) else None
    if after is None or not (after.like_num or re.match(r"^\d+-\d+$", after.text)) or re.match(
        r"^(?:\d{4}|\d{4}-\d{2}-\d{2})$", after.text
    ):
        return False
    if i and re.match(r"^[A-Z]\.$", doc[i - 1].text):
        return False
    sent = doc[i].sent
    return sum(1 for t in sent if t.like_num) >= 3 and doc[i].text not in gazetteer().names


def _described_as_body(doc: Doc, start: int, end: int) -> bool:
    """Whether the name ending at `end` is set beside a description of a company or an organisation: ", the
    Lebanese company founded by …", ", a property firm". The words are read, not the parse, which often hangs such
    an apposition on the verb."""
    if end + 2 >= len(doc) or doc[end].text != "," or doc[end + 1].lower_ not in {"the", "a", "an"}:
        return False
    if start >= 2 and doc[start - 1].text == "," and doc[start - 2].ent_type_ in {"GPE", "LOC"}:
        return False  # "Lynchburg, Virginia, the institution founded by …": a place in an address
    j = end + 2
    while j < len(doc) and j < end + 7 and doc[j].pos_ in {"ADJ", "NOUN", "PROPN", "ADV", "NUM"} and not (
        doc[j].pos_ == "NOUN" and (j + 1 == len(doc) or doc[j + 1].pos_ not in {"NOUN", "PROPN"})
    ):
        j += 1
    if j >= len(doc) or doc[j].pos_ != "NOUN" or doc[j].lemma_.lower() not in BODY_NOUNS:
        return False
    after = doc[j + 1] if j + 1 < len(doc) else None
    if after is not None and (after.tag_ in {"POS", "HYPH", "MD", "VBZ", "VBD", "VBP"} or after.pos_ in {"ADJ", "NOUN", "PROPN", "AUX"}):
        # "Judy Bell, the company's founder", "Grange Hill, the school-based serial", "a high school senior", and the
        # subject of the next clause: "In California, the company is fighting …", "…, the party said"
        return False
    return True



def _company_like(doc: Doc, start: int, end: int) -> bool:
    """"Dr Reddy's", "Dr Pepper Snapple Group", "Mr Price Group": a firm named after a form of address."""
    return doc[end - 1].lower_ in ORG_HEADS or doc[end - 1].lower_ in LEGAL_SUFFIXES or (
        end < len(doc) and doc[end].lower_ in {"'s", "\u2019s"} and end + 1 < len(doc) and doc[end + 1].pos_ in {"VERB", "AUX"})


# Prepositions after which a name stands for a place ("in Glasgow", "outside Karachi"); "from", "to", "with" and "by"
# take people as often, and "at" a company or a school ("At Toyota, labor and management …", "at Harrow").
_PLACE_PREPOSITIONS = frozenset({"in", "near", "outside", "around", "across", "through", "via", "throughout", "towards",
                                 "toward"})
# What one holds in a company: "shares in Toyota", "a stake in Santander" name a firm, not a place.
_HELD_IN = frozenset("share shares stake stakes holding holdings investment investments interest".split())


def _where_a_place_goes(doc: Doc, start: int, end: int) -> bool:
    """Whether a name stands where a place goes: the object of a place preposition, or followed by a comma and a
    state or region ("Liege, Belgium")."""
    last = doc[end - 1]
    if last.dep_ == "pobj" and last.head.lower_ in _PLACE_PREPOSITIONS and last.head.i == start - 1:
        return last.head.head.lemma_.lower() not in _HELD_IN
    return end + 2 < len(doc) and doc[end].text == "," and bool(gazetteer().lookup(doc[end + 1].text)) and (
        doc[end + 2].is_punct and doc[end + 2].lower_ not in {"'s", "\u2019s"})  # "Liege, Belgium," not "Toyota, Japan's"


def _split_compound(doc: Doc, start: int, end: int, people: set[str]) -> list[tuple[int, int]]:
    """"Trump-Russia" (an inquiry) names two actors known on their own: a state, or a person's surname of the document.

    A demonym joined to a word that is no actor is one adjective ("African-American", "Anglo-American"), not two."""
    if end - start == 3 and doc[start + 1].text == "-" and not doc[start].whitespace_ and not doc[start + 1].whitespace_:
        parts = (doc[start].text, doc[start + 2].text)
        gaz = gazetteer()
        known = [bool(gaz.lookup(p)) or p in people for p in parts]
        demonym = any(p in gaz.demonyms and p not in people for p in parts)
        if all(known) or (any(known) and not demonym and all(len(p) >= 3 and p[:1].isupper() for p in parts)):
            return [(start, start + 1), (start + 2, end)]
    return [(start, end)]


def _candidates(doc: Doc, heads: _Headings | None = None, tokens: list | None = None) -> list[_Candidate]:
    gaz = gazetteer()
    out: list[_Candidate] = []
    taken: set[int] = set()
    heads = heads or _headings(doc)
    ents = [e for e in doc.ents if e.label_ in LABELS]
    known = {e.text for e in ents if len(e) == 1} | heads.capitalised
    people = {e[-1].text for e in ents if e.label_ == "PERSON" and len(e) >= 2} | {e.text for e in ents if len(e) == 1 and e.label_ in {"ORG", "PERSON"}}
    lowers = doc.to_array(LOWER) if len(doc) else np.zeros(0, dtype=np.uint64)
    honorific = np.flatnonzero(np.isin(lowers, [doc.vocab.strings[h] for h in HONORIFICS]))
    credits = _credit_tokens(doc, lowers)
    taken.update(credits)
    titled = {doc[i + 1].text for i in honorific.tolist() if i + 1 < len(doc) and doc[i + 1].is_title and addresses(doc[i].text)}
    # names no city stands for here: the surnames of people the text names, and names that speak ("Toyota said": a firm
    # or a person, whatever else the text puts them after)
    no_city = {e[-1].text for e in ents if e.label_ == "PERSON" and len(e) >= 2}
    no_city |= {e.text for e in ents if e[-1].dep_ == "nsubj" and e[-1].head.lemma_.lower() in SPEECH_VERBS}
    placed: set[str] = set()  # cities the text puts where a place goes
    # "Robert Kilroy-Silk": his "Kilroy-Silk" later is one surname, not two actors joined by a dash
    double_surnames = {e.text.split()[-1] for e in ents if e.label_ == "PERSON" and len(e) >= 4 and "-" in e.text.split()[-1]}
    for ent in ents:
        start, end, title = _clean(ent, tokens)
        if credits.intersection(range(start, end)):
            start, end = _outside(credits, start, end)  # "Rick Bowmer/AP Photo Trump" run together: "Trump"
        if ent.label_ == "ORG" and end - start >= 2 and doc[end - 1].lower_ in {"and", "&", "of", "for"}:
            j = end  # "Organisation for Economic Co-operation and" cut before "Development": the name goes on
            while j < len(doc) and j - end < 3 and doc[j].text[:1].isupper() and "\n" not in doc[j - 1].text_with_ws:
                j += 1
            end = j if j > end else end - 1
        if end - start > 2 and doc[start].lower_ in _STANCE_WORDS and doc[start + 1].text in {"-", "\u2010"}:
            # an attitude to a name: "pro-Russian rebels" and "anti-U.S. protests" name the state (as a demonym does),
            # "Pro-Brexit MPs" the event; "pro-Maduro", "anti-Trump" are no names of anyone
            after = doc[start + 2].text
            if _EXIT.match(after) and end - start == 3:
                if not taken.intersection(range(start, end)):  # "post-Brexit", "Pro-Brexit": one word, one event
                    out.append(_Candidate(start, end, "EVENT", doc[start:end].text))
                    taken.update(range(start, end))
                continue
            if gaz.lookup(after) or (doc[start].is_lower and end - start > 3 and not _EXIT.match(doc[end - 1].text)):
                start += 2  # "anti-U.S.", "non-Champions League": the name stays
            elif doc[start].is_lower and not _EXIT.match(after):
                continue
        if ent.label_ == "ORG" and end < len(doc) - 1 and doc[end].lower_ in TITLE_HEADS and doc[end + 1].ent_type_ == "PERSON":
            cut = end
            while cut - start > 1 and doc[cut - 1].lower_ in TITLE_WORDS:
                cut -= 1
            if cut < end and (gaz.lookup(doc[start:cut].text) or (None, None))[1] == "seat":
                end = cut  # "White House National Security Adviser John Bolton": the body is the seat of government
                # (not so "Venezuelan National Assembly Leader Juan Guaido": the assembly is a body of its own)
        if start >= end:
            continue
        pieces = [(start, end)]
        if start in heads.lines:
            pieces = _heading_parts(doc, start, end, heads)
        pieces = [q for s, e in pieces for q in ([(s, e)] if doc[s:e].text in double_surnames else _split_compound(doc, s, e, people))]
        split = [(q, n < len(parts) - 1) for s, e in pieces for parts in [_split_possessive(doc, s, e, known)] for n, q in enumerate(parts)]
        for (start, end), possessor in split:
            text = doc[start:end].text
            label = "NAME" if possessor else ent.label_  # "Trump" of "Trump's Republican Party": not an ORG
            if doc[start].lower_ in PEERAGE and end - start > 1:
                label = "PERSON"
            if label == "ORG" and end - start == 2 and doc[end - 1].text in titled and doc[start].is_title and not gaz.lookup(doc[start].text):
                label = "PERSON"  # "Former Worldcom boss Bernie Ebbers", the "Mr Ebbers" of the same text
            if label in {"ORG", "GPE", "LOC", "NORP", "FAC", "NAME"} and start > 0 and addresses(doc[start - 1].text) and (
                    doc[start].is_title) and doc[start].lower_ not in TITLE_WORDS and not _company_like(doc, start, end):
                label = "PERSON"  # "Dr Haldane said", "Mr Kilroy": a form of address before the name makes it a person's
            elif label in {"PERSON", "ORG", "NAME", "GPE", "LOC"} and text in cities() and text not in no_city and (
                    fold(text) not in first_names()) and _where_a_place_goes(doc, start, end):
                label = "GPE"  # "cancelled the show in Glasgow", "Liege, Belgium": a city the NER took for a person or a body
                placed.add(text)
            if label in {"GPE", "LOC", "PERSON"} and not gaz.lookup(text) and _described_as_body(doc, start, end):
                label = "ORG"  # "Solidere, the Lebanese company founded by …"
            if not any(c.isupper() for c in text) or text.lower().rstrip(".") in LEGAL_SUFFIXES:
                continue  # "al" of "et al.", a company form on its own
            if end - start == 1 and label in {"ORG", "NORP", "NAME"} and doc[start].lower_ in ROLE_ACRONYMS:
                continue  # "a UK Independence Party MEP": a role the NER took for a body
            if label == "PERSON" and end - start >= 2 and doc[end - 1].lower_ in NOT_PERSON_HEADS:
                label = NOT_PERSON_HEADS[doc[end - 1].lower_]  # "Truman Doctrine", "Carnegie Endowment": no person
            if ent.label_ == "LAW" and end - start < 2:
                continue  # a law has a name of several words ("Endangered Species Act"); one word is a tagging slip
            if ent.label_ == "NORP" and text not in gaz.demonyms and text not in PARTY_MEMBERS:
                continue  # ideologies and groups ("Marxist", "Western") are labels, not actors
            if (start, end) != (ent.start, ent.end) and _demonym_inside_name(doc, ent, start, end, heads):
                continue  # "African - American" cut at its dash: the demonym is still a word of the longer name
            if ent.label_ in {"ORG", "GPE"} and _inside_title(doc, start, end):
                continue
            if taken.intersection(range(start, end)):
                continue
            if _EXIT.match(doc[end - 1].text) and label in {"PERSON", "ORG", "NAME", "GPE", "NORP", "EVENT", "FAC", "LOC", "PRODUCT"}:
                # "Brexit", "a Soft Brexit": a country's leaving a union is an event, written with no adjective of
                # its own, and no person the NER took it for ("post-Brexit" was taken whole above)
                if end - 1 in taken:
                    continue
                out.append(_Candidate(end - 1, end, "EVENT", doc[end - 1].text))
                taken.update(range(ent.start, ent.end))  # nor is "Pro" of "Pro-Brexit" a name of its own
                continue
            cand = _Candidate(start, end, label, text, role=title)
            out.append(cand)
            taken.update(range(start, end))
    for cand in out:
        if cand.name in placed and cand.label in {"PERSON", "ORG", "NAME"}:
            cand.label = "GPE"  # one city all through the text: "Tuesday's Glasgow date" is the "Glasgow" of "in Glasgow"
    # Proper names the NER missed that speak or act as subjects ("Human Rights Watch describes ...").
    columns = doc.to_array([ORTH, DEP, POS]) if len(doc) else np.zeros((0, 3), dtype=np.uint64)
    strings = doc.vocab.strings
    subjects = np.isin(columns[:, 1], [strings["nsubj"], strings["nsubjpass"]]) & (columns[:, 2] == PROPN)
    for i in np.flatnonzero(subjects).tolist():
        tok = doc[i]
        if tok.i not in taken and tok.head.lemma_.lower() in SPEECH_VERBS:
            left = tok.i
            while left > 0 and doc[left - 1].dep_ == "compound" and doc[left - 1].pos_ == "PROPN" and doc[left - 1].head.i in range(left, tok.i + 1):
                left -= 1
            honorific = False
            while left < tok.i and doc[left].lower_.rstrip(".") in HONORIFICS:
                left += 1  # "Mr Balls said": the surname of a person named before ("Ed Balls"), as the NER's names are cut
                honorific = True
            words = doc[left:tok.i + 1]
            if (left < tok.i or honorific) and all(t.text[:1].isupper() for t in words) and not taken.intersection(range(left, tok.i + 1)):
                out.append(_Candidate(left, tok.i + 1, "PERSON" if honorific else "NAME", words.text))
                taken.update(range(left, tok.i + 1))
    # Runs of proper nouns in the body the NER left untagged ("Internet Explorer"), and acronyms ("TMZ").
    propn = set(np.flatnonzero(columns[:, 2] == PROPN).tolist())
    i = 0
    n = len(doc)
    while i < n:
        if i not in propn:
            i += 1
            continue
        tok = doc[i]
        if tok.ent_type_ or i in taken or i in heads.lines or not tok.text[:1].isupper():
            i += 1
            continue
        j = i
        while j < n and doc[j].pos_ == "PROPN" and not doc[j].ent_type_ and j not in taken and doc[j].text[:1].isupper() \
                and (j == i or not doc[j].is_sent_start) and not doc[j - 1].whitespace_.count("\n") \
                and (j == i or _stem(doc[j].text) not in heads.lower):
            j += 1
        words = doc[i:j]
        if _EXIT.match(doc[j - 1].text):
            out.append(_Candidate(j - 1, j, "EVENT", doc[j - 1].text))  # "a No-Deal Brexit": the event, not a name
            taken.update(range(i, j))
            i = j
            continue
        single_acronym = j == i + 1 and _ACRONYM.match(tok.text) and len(tok.text) >= 3 and tok.text not in COMMON_ACRONYMS
        if j == i + 1 and tok.is_alpha and len(tok) >= 3 and _scored(doc, i):
            out.append(_Candidate(i, j, "ORG", tok.text))  # a side with its score in a line of results: "Glamorgan 259"
            taken.add(i)
        elif (j - i >= 2 and not tok.is_sent_start) or (single_acronym and tok.text not in gaz.names):
            title = words[-1].lower_ in TITLE_HEADS or words[-1].lower_ in ROLE_NOUNS or all(t.lower_ in TITLE_WORDS for t in words)
            addressed = j - i >= 2 and addresses(tok.text) and all(t.is_alpha for t in words[1:]) and not title and (
                words[1].lower_ not in TITLE_WORDS) and not _company_like(doc, i + 1, j)
            if addressed:
                # "Dr Vancheshwar": a form of address makes the name a person's, and is no part of it (as the NER's "Mr X")
                out.append(_Candidate(i + 1, j, "PERSON", words[1:].text))
                taken.update(range(i, j))
            elif all(t.is_alpha or t.text in {"&", "-"} for t in words) and not title and not any(t.lower_ in LEGAL_SUFFIXES for t in words[:1]):
                out.append(_Candidate(i, j, NOT_PERSON_HEADS.get(words[-1].lower_, "NAME") if j - i >= 2 else "NAME", words.text))
                taken.update(range(i, j))
        i = max(j, i + 1)
    # Gazetteer surfaces the NER missed (one pass over the tokens, longest match first).
    surfaces = _gazetteer_index()
    texts = [strings[h] for h in columns[:, 0].tolist()]
    entity_at = {k: e for e in ents if len(e) > 1 for k in range(e.start, e.end)}
    i = 0
    n = len(doc)
    while i < n:
        hits = surfaces.get(texts[i])
        matched = False
        if hits and i not in taken:
            for words in hits:
                j = i + len(words)
                if j <= n and all(texts[i + k] == w for k, w in enumerate(words)) and not taken.intersection(range(i, j)):
                    if i in entity_at and _demonym_inside_name(doc, entity_at[i], i, j, heads):
                        break  # "Latin American", "The New American": a word of a longer name, not the state
                    out.append(_Candidate(i, j, "GAZ", " ".join(words)))
                    taken.update(range(i, j))
                    i = j
                    matched = True
                    break
        if not matched:
            i += 1
    out.sort(key=lambda c: c.start)
    return out


# Prefixes that make a demonym an attitude, not a name: "Pro-Russian", "Anti-American" (capitalised at a sentence start).
_STANCE_PREFIXES = {"pro", "anti", "non", "ex", "neo", "post", "pre"}
# The same joined by a hyphen to any name: "pro-Brexit", "anti-U.S.", "post-Soviet" (lower case: "Anti-Defamation
# League" and "Post-Gazette" are names); not "ex-", which names a former holder.
_STANCE_WORDS = _STANCE_PREFIXES - {"ex"}
# A country's leaving a union, named after it: Brexit, Grexit, Frexit, Italexit, Czexit (BREXIT in a headline).
_EXIT = re.compile(r"^(?:[A-Z][a-z]{0,5}exit|[A-Z]{1,6}EXIT)$")


def _demonym_inside_name(doc: Doc, ent: Span, start: int, end: int, heads: _Headings) -> bool:
    """Whether the demonym at [start, end) is a word of the longer name `ent` the NER found, not its state.

    It is when a capitalised word of the same name that is no place of its own stands right before it (across a
    hyphen): "Latin American", "North American box office", "African-American", "Anglo-American", "The New American"
    (a magazine), "The Great American Songbook". The NER's span is the evidence that the words make one name; the
    mention stage drops such a span (a NORP that is no demonym, an ORG cut at a colon), and the gazetteer pass would
    otherwise find the demonym inside it and link it to the state. A demonym that starts the name keeps its state
    ("Russian Foreign Ministry"), and so does one after a state ("Russian-American") or a stance ("pro-Russian").
    In a title-case heading every word has its capital and the NER's spans run over several names ("Putin Backs
    Venezuelan Regime" as one PERSON): a capital there is no evidence, and the demonym keeps its state.
    """
    gaz = gazetteer()
    if end - start != 1 or doc[start].text not in gaz.demonyms or start in heads.lines:
        return False
    k = start - 1
    if k > ent.start and doc[k].text in {"-", "‐"}:  # inside the NER's span, spaced or not ("African - American")
        k -= 1
    if k < ent.start:
        return False
    prev = doc[k]
    return (prev.is_alpha and prev.text[:1].isupper() and prev.pos_ not in {"DET", "ADP", "CCONJ", "PRON"}
            and prev.lower_ not in _STANCE_PREFIXES and gaz.lookup(prev.text) is None)


@from_table
@lru_cache(maxsize=1)
def _gazetteer_index() -> dict[str, list[tuple[str, ...]]]:
    """First word -> word sequences of every gazetteer surface, longest first (tokenized like spaCy would)."""
    index: dict[str, list[tuple[str, ...]]] = {}
    for surface in gazetteer().surfaces():
        words = tuple(re.findall(r"[\w\-]+\.?(?:\w\.)*|&|'", surface)) if "." not in surface else tuple(surface.split())
        if not words or surface.startswith("the "):
            continue
        index.setdefault(words[0], []).append(words)
        if surface.upper() != surface:  # in capitals, as a headline or dateline writes it ("SRI LANKA")
            capitals = tuple(w.upper() for w in words)
            index.setdefault(capitals[0], []).append(capitals)
    for v in index.values():
        v.sort(key=len, reverse=True)
    return index


def _link_places(doc: Doc, cands: list[_Candidate]) -> None:
    gaz = gazetteer()
    surnames = {family_name(c.name.split()) for c in cands if c.label == "PERSON" and len(c.name.split()) >= 2}
    for c in cands:
        hit = gaz.lookup(table_spelling(c.name))
        if hit is None:
            continue
        if c.name in surnames:
            continue  # "Jordan" after "Michael Jordan" is the man, not the state
        pid, kind = hit
        place = gaz.places[pid]
        if kind == "affiliate":
            c.label = "ORG"  # the state's own organisation: an entity of its own
            continue
        if kind == "capital":
            if _acts(doc, c.start, c.end):
                c.place, c.kind = pid, "seat"
                c.link_reason = f"capital standing for {place.name}"
            continue
        c.place = pid
        if kind == "seat":
            c.kind, c.link_reason = "seat", f"seat of government of {place.name}"
        elif kind == "demonym":
            c.kind, c.link_reason = "demonym", f"demonym of {place.name}"
        else:
            c.link_reason = None if c.name == place.name else f"name of {place.name}"


# Verbs of a match: a place that beats, draws with or loses to another is a team.
SPORT_VERBS = {"beat", "defeat", "draw", "lose", "win", "play", "host", "face", "edge", "thrash", "rout", "trounce",
               "overcome", "eliminate", "hammer", "crush", "stun", "upset", "tie", "sweep", "blank", "outscore",
               "overpower", "whip", "topple", "down", "bat", "bowl", "score", "lead", "trail", "clinch", "knock"}


def _teams(doc: Doc, cands: list[_Candidate], placelike: set[str] | None = None) -> None:
    """A city or county named as a side in a match is a team, an organisation ("Leicestershire beat Somerset",
    "CHICAGO 5 Houston 3"); a state keeps its type (national sides are written as the country)."""
    gaz = gazetteer()
    placelike = {c.name for c in cands if c.label in {"GPE", "LOC", "FAC"}} | (placelike or set())
    for c in cands:
        if c.place is not None and c.kind != "seat" or c.name in gaz.names or c.name in gaz.demonyms or c.name.title() in gaz.names:
            continue
        names = {c.name, c.name.title(), c.target.name if c.target is not None else c.name}
        if not (c.label in {"GPE", "LOC", "FAC"} or names & set(gaz.capitals) or (names & placelike and c.label in {"PERSON", "NAME"})):
            continue
        span = doc[c.start:c.end]
        root = span.root
        after = doc[c.end] if c.end < len(doc) else None
        line_numbers = sum(1 for t in doc[span.sent.start:span.sent.end] if t.like_num)
        side = (
            (after is not None and after.like_num and line_numbers >= 2
             and not re.match(r"^(?:\d{4}|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}(?:/\d{2,4})?)$", after.text))  # not a dateline
            or (root.dep_ in {"nsubj", "dobj", "nsubjpass"} and root.head.lemma_.lower() in SPORT_VERBS)
            or (root.dep_ == "pobj" and root.head.lower_ in {"against", "v", "vs", "v.", "vs."})
            or (c.start > 0 and doc[c.start - 1].lower_ in {"v", "vs", "v.", "vs."})
            or (after is not None and after.lower_ in {"v", "vs", "v.", "vs."})
        )
        if side:
            c.label, c.place, c.kind, c.link_reason, c.target = "ORG", None, "name", None, None
    # in a line of results that has a team, another one-word side with its score is a team too ("Surrey 429-7")
    team_lines = {doc[c.start].sent.start for c in cands if c.label == "ORG"}
    for c in cands:
        if c.end - c.start != 1 or c.label not in {"PERSON", "NAME"} or c.target is not None or c.place is not None:
            continue
        after = doc[c.end] if c.end < len(doc) else None
        before = doc[c.start - 1] if c.start else None
        initial = before is not None and re.match(r"^[A-Z]\.$", before.text)
        if doc[c.start].sent.start in team_lines and after is not None and after.like_num and not initial:
            c.label = "ORG"


def _surname(name: str) -> str:
    return family_name(name.split())


def _bearers(cands: list[_Candidate]) -> dict[str, list[int]]:
    """Folded family name -> indices of the full names of people bearing it, first mention of each name."""
    people: dict[str, list[int]] = {}
    seen: set[str] = set()
    for i, c in enumerate(cands):
        if c.label in {"PERSON", "NAME"} and c.place is None and len(c.name.split()) >= 2 and c.target is None:
            key = fold(c.name)
            if key in seen or c.name.split()[0].lower() in PEERAGE:
                continue  # "Baroness Scotland" is no bearer of "Scotland"
            seen.add(key)
            people.setdefault(fold(_surname(c.name)), []).append(i)
    return people


def _same_gender(doc: Doc, short: _Candidate, full: _Candidate) -> bool:
    """Whether a surname under a title may be the full name's bearer: "Mrs Howard" is not Michael Howard (a man's
    first name); without a woman's title or a man's first name, it may ("Mr Zingaretti" is Nicola Zingaretti: a man
    may bear a name that is mostly women's)."""
    title = (short.role or "").split()[:1] or ([doc[short.start - 1].text] if short.start > 0 else [""])
    return title[0].lower() not in FEMALE_TITLES or first_names().get(fold(given_name(full.name.split()) or "")) != 0.0


def _salient(cands: list[_Candidate], bearers: list[int], at: int) -> int | None:
    """Which of several people sharing a surname a lone surname means: the one the document names most,
    else the one named last before it; None when the document leaves it open."""
    if len(bearers) == 1:
        return bearers[0]
    names = {i: fold(cands[i].name) for i in bearers}
    counts = {i: sum(1 for c in cands if fold(c.name) == names[i]) for i in bearers}
    ranked = sorted(bearers, key=lambda i: -counts[i])
    if counts[ranked[0]] > counts[ranked[1]]:
        return ranked[0]
    before = [i for i in bearers if cands[i].start < cands[at].start]
    if before:
        last = max(before, key=lambda i: max(c.start for c in cands if fold(c.name) == names[i] and c.start < cands[at].start))
        return last
    return None


def _link_acronyms(doc: Doc, cands: list[_Candidate]) -> None:
    """An acronym points at the name it abbreviates in the same document: defined in the text ("Advanced Micro
    Devices (AMD)", "AMD (Advanced Micro Devices)") or spelt by the initials of one name of the document."""
    by_start = {c.start: c for c in cands}
    for c in cands:
        if c.target is not None or c.place is not None:
            continue
        # "Name (ABC)" / "ABC (Name)"
        if c.end + 2 < len(doc) and doc[c.end].text == "(" and doc[c.end + 2].text == ")":
            other = by_start.get(c.end + 1)
            if other is not None and other.target is None and other.place is None:
                short, long_ = (other, c) if _ACRONYM.match(other.name) else (c, other) if _ACRONYM.match(c.name) else (None, None)
                if short is not None and initials_match(short.name, long_.name.split()):
                    short.target = long_
                    short.link_reason = f"acronym of {long_.name}, defined in the same document"
    longs = [c for c in cands if c.target is None and c.place is None and len(c.name.replace("-", " ").split()) >= 2]
    for c in cands:
        if c.target is not None or c.place is not None or not _ACRONYM.match(c.name) or c.name in gazetteer().names:
            continue
        spelt = {fold(x.name): x for x in longs if initials_match(c.name, x.name.split())}
        if len(spelt) == 1:
            target = next(iter(spelt.values()))
            c.target = target
            c.link_reason = f"acronym of {target.name} in the same document"


def _link_names(doc: Doc, cands: list[_Candidate]) -> None:
    """Surnames and near-spellings point at a full name of the same document."""
    _link_acronyms(doc, cands)
    bearers = _bearers(cands)
    firsts: dict[str, list[int]] = {}
    for js in bearers.values():
        for j in js:
            given = given_name(cands[j].name.split())
            if given and len(given) > 2 and cands[j].label == "PERSON":
                firsts.setdefault(fold(given), []).append(j)
    acronyms = {c.name: i for i, c in enumerate(cands) if c.place is None and _ACRONYM.match(c.name)}
    org_short: dict[str, list[int]] = {}
    for j, c in enumerate(cands):
        words = c.name.split()
        if c.label == "ORG" and c.target is None and len(words) >= 2 and all(
            w.lower().rstrip(".") in ORG_HEADS or w.lower() in OUTLET_SERVICES or w.lower() in LEGAL_SUFFIXES for w in words[1:]
        ) and not gazetteer().lookup(words[0]):
            org_short.setdefault(fold(words[0]), []).append(j)
    for i, c in enumerate(cands):
        if c.place is not None or c.target is not None or len(c.name.split()) != 1 or not c.name[:1].isupper():
            continue
        key = fold(c.name)
        if key in bearers:
            others = [j for j in bearers[key] if j != i and _same_gender(doc, c, cands[j])]
            target = _salient(cands, others, i) if others else None
            if target is not None:
                c.target = cands[target]
                c.link_reason = f"surname of {cands[target].name} in the same document"
            continue
        org = [j for j in org_short.get(key, []) if j != i]
        if len(org) == 1 and c.label in {"PERSON", "NAME", "ORG", "GPE", "NORP"}:
            c.target = cands[org[0]]  # "Breitbart" for Breitbart News
            c.link_reason = f"short name of {cands[org[0]].name} in the same document"
            continue
        given = [j for j in firsts.get(key, []) if j != i]
        if len(given) == 1 and c.label in {"PERSON", "NAME", "ORG"} and key not in bearers:
            c.target = cands[given[0]]  # "Lindsay" for Lindsay Lohan, the only Lindsay named in full
            c.link_reason = f"first name of {cands[given[0]].name} in the same document"
            continue
        if len(key) >= 5 and c.label in {"PERSON", "ORG", "GPE", "NORP"}:
            best = None
            for surname, js in bearers.items():
                if surname[0] == key[0] and abs(len(surname) - len(key)) <= 1 and len(js) == 1:
                    dist = Levenshtein.distance(surname, key)
                    if dist == 1 and (best is None or dist < best[0]):
                        best = (dist, js[0])
            if best is not None:
                c.target = cands[best[1]]
                c.link_reason = f"spelling variant of {_surname(cands[best[1]].name)} (one letter apart) in the same document"
                continue
        if _ACRONYM.match(c.name) and len(c.name) >= 4 and c.name not in gazetteer().names:
            for other, j in acronyms.items():
                if other != c.name and len(other) == len(c.name) and Hamming.distance(other, c.name) == 1:
                    # The variant seen more often is the right spelling.
                    count_other = sum(1 for x in cands if x.name == other)
                    count_self = sum(1 for x in cands if x.name == c.name)
                    if count_other > count_self or (count_other == count_self and j < i):
                        c.target = cands[j]
                        c.link_reason = f"spelling variant of {other} (one letter apart) in the same document"
                        break


def _propagate(doc: Doc, cands: list[_Candidate], heads: _Headings | None = None) -> list[_Candidate]:
    """Find further occurrences of this document's names that the NER did not tag (in a heading in capitals,
    whatever their case: "LEICESTERSHIRE" is Leicestershire)."""
    taken = set()
    for c in cands:
        taken.update(range(c.start, c.end))
    index: dict[str, list[tuple[tuple[str, ...], _Candidate]]] = {}
    for c in cands:
        if c.place is not None or c.label in {"GAZ", "NORP"}:
            continue
        words = tuple(t.text for t in doc[c.start:c.end])
        if not words[0][:1].isupper() or len("".join(words)) < 3:
            continue
        target = c
        index.setdefault(words[0], []).append((words, target))
        if c.label == "PERSON" and len(words) >= 2 and len(words[-1]) >= 3 and words[-1][:1].isupper():
            index.setdefault(words[-1], []).append(((words[-1],), target))
    for v in index.values():
        v.sort(key=lambda x: len(x[0]), reverse=True)
    caps_lines = {i for i, caps in (heads.lines.items() if heads else ()) if caps}
    lowered: dict[str, list] = {}
    if caps_lines:
        for first, entries in index.items():
            lowered.setdefault(first.lower(), []).extend(entries)
    added: list[_Candidate] = []
    if not index:
        return added
    # the words and sentence starts read once as arrays: a Token object per token cost more than the search
    n = len(doc)
    strings = doc.vocab.strings
    arr = doc.to_array([ORTH, LOWER, SENT_START]).tolist()
    texts = [strings[row[0]] for row in arr]
    lowers = [strings[row[1]] for row in arr] if lowered else texts
    sent_start = [row[2] == 1 for row in arr]  # Token.is_sent_start is True only for 1
    for i in range(n):
        if i in taken:
            continue
        caps = i in caps_lines
        for words, target in (lowered.get(lowers[i], ()) if caps else index.get(texts[i], ())):
            j = i + len(words)
            if (
                j <= n
                and all((lowers[i + k] == w.lower()) if caps else (texts[i + k] == w) for k, w in enumerate(words))
                and not taken.intersection(range(i, j))
                and not any(sent_start[k] for k in range(i + 1, j))
            ):
                cand = _Candidate(i, j, target.label, " ".join(words) if not caps else doc[i:j].text)
                if cand.name != target.name or target.target is not None:
                    cand.target = target
                    cand.link_reason = f"another occurrence of {target.name} in the same document"
                added.append(cand)
                taken.update(range(i, j))
                break
    return added


# Words of a picture's credit: "(AP Photo/Ariana Cubillos)", "Paras Griffin via Getty Images".
# ("Pictures" is no such word: "produced by Columbia/Sony Pictures" names the studio.)
_PICTURE_WORDS = frozenset({"photo", "photos", "photograph", "photographs", "image", "images"})
_CREDIT_ENDS = frozenset({")", "]", ",", ";", "|", "."})


def _capitals(doc: Doc, i: int, step: int, most: int) -> int:
    """How many capitalised words run from token `i` on (step 1) or back (step -1), at most `most`."""
    n = 0
    while n < most and 0 <= i < len(doc) and doc[i].text[:1].isupper() and "\n" not in doc[i].text:
        n, i = n + 1, i + step
    return n


def _name_after(doc: Doc, i: int) -> int:
    """The end of a photographer's name from token `i`: up to three capitalised words when the credit closes after
    them ("/Jose Luis Magana)"), else two ("/ Evan Vucci Trump Again Supports …": a headline run on)."""
    n = _capitals(doc, i, 1, 4)
    if n >= 3:
        n = 3 if _closed(doc, i + 3) else 2
    return i + n


def _credit_tokens(doc: Doc, lowers: np.ndarray) -> set[int]:
    """The tokens of pictures' credits: the photographer's and the agency's names in "(AP Photo/Ariana Cubillos)",
    "Rick Bowmer/AP Photo", "(Photo by Jack Taylor/Getty Images)", "Paras Griffin via Getty Images", "Photo: Reuters/
    Carlos Garcia Rawlins", "Photo credit: Keilana". Page furniture scraped with the story: none of them is an actor."""
    out: set[int] = set()
    for i in np.flatnonzero(np.isin(lowers, [doc.vocab.strings[w] for w in _PICTURE_WORDS])).tolist():
        tok = doc[i]
        if not tok.text[:1].isupper() and not (i > 0 and doc[i - 1].lower_ == "via"):
            continue
        lo = i - _capitals(doc, i - 1, -1, 3)  # the agency before it: "AP Photo", "Getty Images"
        hi = i + 1
        prose_like = False  # a form that prose uses too: a credit only standing alone ("A video by Smith shows …")
        nxt = doc[i + 1].text if i + 1 < len(doc) else ""
        if nxt == "/":
            hi = _name_after(doc, i + 2)
            if hi == i + 2:
                continue
        elif nxt.lower() == "by":
            prose_like = True
            hi = _name_after(doc, i + 2)
            if hi == i + 2:
                continue
            if hi < len(doc) and doc[hi].text == "/":
                hi = hi + 1 + _capitals(doc, hi + 1, 1, 3)
        elif nxt.lower() in {"credit", "credits"} and i + 2 < len(doc) and doc[i + 2].text == ":":
            hi = i + 3
            while hi < len(doc) and "\n" not in doc[hi].text and (doc[hi].text[:1].isupper() or doc[hi].text in {",", "and", "&", "/"}):
                hi += 1
        elif nxt == ":" and i + 2 < len(doc):
            n = _capitals(doc, i + 2, 1, 3)
            if not n or i + 2 + n >= len(doc) or doc[i + 2 + n].text != "/":
                continue  # "Photo: Elections staff load ballots …" is a caption, not a credit
            hi = _name_after(doc, i + 3 + n)
        elif lo > 0 and doc[lo - 1].text == "/":
            lo = lo - 1 - _capitals(doc, lo - 2, -1, 3)  # "Rick Bowmer/AP Photo"
        elif lo > 0 and doc[lo - 1].lower_ == "via":
            prose_like = True
            lo = lo - 1 - _capitals(doc, lo - 2, -1, 3)  # "Paras Griffin via Getty Images"
        else:
            continue
        if prose_like and not (
                _closed(doc, hi) and (lo == 0 or doc[lo - 1].text in {"(", "[", "|"} or "\n" in doc[lo - 1].text_with_ws)):
            continue  # "A video by Smith shows …", "He sent it via Getty Images to …": prose, not a credit
        out.update(range(lo, hi))
    return out


def _outside(tokens: set[int], start: int, end: int) -> tuple[int, int]:
    """The longest run of [start, end) outside `tokens` (empty when there is none)."""
    best, run = (start, start), start
    for i in range(start, end + 1):
        if i == end or i in tokens:
            if i - run > best[1] - best[0]:
                best = (run, i)
            run = i + 1
    return best


def _closed(doc: Doc, i: int) -> bool:
    """Whether a credit ends before token `i`: at the text's or a line's end, or at a closing bracket or stop."""
    return i >= len(doc) or doc[i].text in _CREDIT_ENDS or "\n" in doc[i].text or "\n" in doc[i - 1].text_with_ws


# Words that open a line of credits: "By Andrew Hay, Reuters", "Reporting by Nick Brown; Editing by Will Dunham".
_CREDIT_WORDS = {"reporting", "editing", "writing", "written", "compiled", "additional", "story", "photos", "words", "text"}


def _line_start(doc: Doc, i: int) -> bool:
    return i == 0 or "\n" in doc[i - 1].text_with_ws


def _in_byline(doc: Doc, start: int, end: int) -> bool:
    """Whether a name stands in a byline or a line of credits: a line that opens "By NAME", or "Reporting by NAME"
    (other names may come first: "By Jo Biddle and Nick Brown"), and says nothing more than credits up to its end or
    a colon: no possessive after the name ("By Trump's own account"), no finite verb ("Written by Maria Ressa, the
    piece argued")."""
    if end < len(doc) and doc[end].tag_ == "POS":
        return False
    j = end
    while j < len(doc) and "\n" not in doc[j].text and doc[j].text != ":":
        if doc[j].tag_ in {"VBD", "VBZ", "VBP", "MD"}:
            return False
        j += 1
    k = start - 1
    while k >= 0 and (doc[k].text in {"and", "&"} or doc[k].ent_type_ == "PERSON" or doc[k].pos_ == "PROPN" and not doc[k].ent_type_):
        k -= 1
    if k < 0 or doc[k].lower_ != "by":
        return False
    if doc[k].text == "By" and _line_start(doc, k):
        return True
    j = k - 1
    while j >= 0 and doc[j].lower_ in _CREDIT_WORDS:
        j -= 1
    return j < k - 1 and (_line_start(doc, j + 1) or doc[j].text in {"(", ";", "|", "[", "--", "\u2014"})


def _without_bylines(doc: Doc, cands: list[_Candidate]) -> list[_Candidate]:
    """The candidates without the writers the byline credits: an author is no actor of the story, and a name left
    among the actors drew the story's people to it ("By Andrew Hay, Reuters: The boy was among 11 children")."""
    credited = {id(c) for c in cands if c.label in {"PERSON", "NAME"} and _in_byline(doc, c.start, c.end)}
    if not credited:
        return cands
    kept = [c for c in cands if id(c) not in credited]
    for c in kept:
        if c.target is not None and id(c.target) in credited:
            c.target = None  # "Corbyn said" under "By Jeremy Corbyn": the writer is in the story, named on his own
    return kept


def find_mentions(doc: Doc, tokens: list | None = None) -> list[_Candidate]:
    """Mention candidates of a parsed document in text order; `target` links stay within the list.

    `tokens`: ``list(doc)`` when the caller has it (the context's), so that rules reading a token several times
    do not make a Token object each time."""
    heads = _headings(doc)
    cands = _candidates(doc, heads, tokens)
    _link_places(doc, cands)
    _teams(doc, cands)
    _link_names(doc, cands)
    added = _propagate(doc, cands, heads)
    _teams(doc, added, placelike={c.name for c in cands if c.label in {"GPE", "LOC", "FAC"}})
    cands = _without_bylines(doc, sorted(cands + added, key=lambda c: c.start))
    for c in cands:
        if c.role is None and (c.label == "PERSON" or (c.target is not None and c.target.label == "PERSON")):
            c.role = _role_before(tokens if tokens is not None else doc, c.start) or _role_apposition(doc[c.start:c.end])
    return cands


def extract(ctx: Context) -> None:
    doc = ctx.doc
    cands = find_mentions(doc, ctx.tokens())
    position = {id(c): k for k, c in enumerate(cands)}
    spans = []
    for c in cands:
        span = doc[c.start:c.end]
        start, end, text = ctx.span_original(span)
        name = " ".join(ctx.span_text(span).split())
        ctx.result.mentions.append(
            Mention(
                start=start,
                end=end,
                text=text,
                label=c.label,
                name=name,
                key=fold(name),
                sentence=ctx.sentence_index(span[0]),
                kind=c.kind,
                place=c.place,
                refers_to=position[id(c.target)] if c.target is not None else None,
                link_reason=c.link_reason,
                role=c.role,
            )
        )
        spans.append((c.start, c.end))
    ctx.index_mention_tokens(spans)
