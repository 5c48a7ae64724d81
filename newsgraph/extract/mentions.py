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

from rapidfuzz.distance import Hamming, Levenshtein
from spacy.tokens import Doc, Span

from newsgraph.extract import Context
from newsgraph.model import Mention
from newsgraph.lexicons.places import fold, gazetteer

LABELS = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC"}
HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "sir", "dame", "sen", "rep", "gen", "lt", "col", "capt", "prof", "rev", "mr.", "mrs.", "ms.", "dr."}
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
TITLE_WORDS = TITLE_HEADS | {"vice", "foreign", "prime", "state", "national", "security", "defense", "defence", "interior",
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


def _role_before(doc: Doc, start: int) -> str | None:
    """The title standing right before a name: "Russian Foreign Minister Sergei Lavrov" -> "Foreign Minister"."""
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


def _clean(span: Span) -> tuple[int, int, str | None]:
    """Token bounds of the name inside an entity span, and a title found inside it."""
    start, end = span.start, span.end
    doc = span.doc
    while end > start and (doc[end - 1].text in {"'s", "'", "’s", "’"} or doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    while start < end and (doc[start].lower_ in {"the", "a", "an"} or doc[start].is_punct or doc[start].is_space):
        start += 1
    for i in range(start + 1, end):  # "Venezuela six billion dollars" tagged as one ORG: the name stops at the number
        if doc[i].like_num or doc[i].is_currency:
            end = i
            break
    title_tokens = []
    if span.label_ == "PERSON":
        while start < end - 1 and (doc[start].lower_.rstrip(".") in HONORIFICS or doc[start].lower_ in TITLE_WORDS):
            title_tokens.append(doc[start])
            start += 1
    # "Venezuelan's State Oil Company PDVSA": the acronym is the name
    if span.label_ == "ORG" and end - start > 1 and _ACRONYM.match(doc[end - 1].text) and not any(
        t.text == "(" for t in doc[start:end]
    ):
        start = end - 1
    title = None
    heads = [t for t in title_tokens if t.lower_ in TITLE_HEADS]
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
            siblings = {c.lower_ for c in governor.children if c.dep_ == "prep"}
            if {"to", "from"} <= siblings:
                return False
            return governor.pos_ in {"VERB", "AUX"} or governor.lemma_.lower() in {
                "support", "aid", "loan", "credit", "help", "pressure", "investment", "money", "assistance", "overture",
                "ally", "backing", "threat", "demand", "request", "message", "response", "criticism", "sanction",
            }
    return False


def _candidates(doc: Doc) -> list[_Candidate]:
    gaz = gazetteer()
    out: list[_Candidate] = []
    taken: set[int] = set()
    for ent in doc.ents:
        if ent.label_ not in LABELS:
            continue
        start, end, title = _clean(ent)
        if start >= end:
            continue
        text = doc[start:end].text
        if ent.label_ == "NORP" and text not in gaz.demonyms:
            continue  # ideologies and groups ("Marxist", "Western") are labels, not actors
        if ent.label_ in {"ORG", "GPE"} and _inside_title(doc, start, end):
            continue
        cand = _Candidate(start, end, ent.label_, text, role=title)
        out.append(cand)
        taken.update(range(start, end))
    # Proper names the NER missed that speak or act as subjects ("Human Rights Watch describes ...").
    for tok in doc:
        if tok.dep_ in {"nsubj", "nsubjpass"} and tok.pos_ == "PROPN" and tok.i not in taken and tok.head.lemma_.lower() in SPEECH_VERBS:
            left = tok.i
            while left > 0 and doc[left - 1].dep_ == "compound" and doc[left - 1].pos_ == "PROPN" and doc[left - 1].head.i in range(left, tok.i + 1):
                left -= 1
            words = doc[left:tok.i + 1]
            if left < tok.i and all(t.text[:1].isupper() for t in words) and not taken.intersection(range(left, tok.i + 1)):
                out.append(_Candidate(left, tok.i + 1, "NAME", words.text))
                taken.update(range(left, tok.i + 1))
    # Gazetteer surfaces the NER missed (one pass over the tokens, longest match first).
    surfaces = _gazetteer_index()
    i = 0
    n = len(doc)
    while i < n:
        tok = doc[i]
        hits = surfaces.get(tok.text)
        matched = False
        if hits and i not in taken:
            for words in hits:
                j = i + len(words)
                if j <= n and all(doc[i + k].text == w for k, w in enumerate(words)) and not taken.intersection(range(i, j)):
                    out.append(_Candidate(i, j, "GAZ", " ".join(words)))
                    taken.update(range(i, j))
                    i = j
                    matched = True
                    break
        if not matched:
            i += 1
    out.sort(key=lambda c: c.start)
    return out


@lru_cache(maxsize=1)
def _gazetteer_index() -> dict[str, list[tuple[str, ...]]]:
    """First word -> word sequences of every gazetteer surface, longest first (tokenized like spaCy would)."""
    index: dict[str, list[tuple[str, ...]]] = {}
    for surface in gazetteer().surfaces():
        words = tuple(re.findall(r"[\w\-]+\.?(?:\w\.)*|&|'", surface)) if "." not in surface else tuple(surface.split())
        if not words or surface.startswith("the "):
            continue
        index.setdefault(words[0], []).append(words)
    for v in index.values():
        v.sort(key=len, reverse=True)
    return index


def _link_places(doc: Doc, cands: list[_Candidate]) -> None:
    gaz = gazetteer()
    for c in cands:
        hit = gaz.lookup(c.name)
        if hit is None:
            continue
        pid, kind = hit
        place = gaz.places[pid]
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


def _surname(name: str) -> str:
    return name.split()[-1]


def _link_names(doc: Doc, cands: list[_Candidate]) -> None:
    """Surnames and near-spellings point at a full name of the same document."""
    people = {}
    for i, c in enumerate(cands):
        if c.label in {"PERSON", "NAME"} and c.place is None and len(c.name.split()) >= 2:
            people.setdefault(fold(_surname(c.name)), i)
    acronyms = {c.name: i for i, c in enumerate(cands) if c.place is None and _ACRONYM.match(c.name)}
    for i, c in enumerate(cands):
        if c.place is not None or len(c.name.split()) != 1 or not c.name[:1].isupper():
            continue
        key = fold(c.name)
        target = people.get(key)
        if target is not None and target != i:
            c.target = cands[target]
            c.link_reason = f"surname of {cands[target].name} in the same document"
            continue
        if target is None and len(key) >= 5 and c.label in {"PERSON", "ORG", "GPE", "NORP"}:
            best = None
            for surname, j in people.items():
                if surname[0] == key[0] and abs(len(surname) - len(key)) <= 1:
                    dist = Levenshtein.distance(surname, key)
                    if dist == 1 and (best is None or dist < best[0]):
                        best = (dist, j)
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


def _propagate(doc: Doc, cands: list[_Candidate]) -> list[_Candidate]:
    """Find further occurrences of this document's names that the NER did not tag."""
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
    added = []
    for tok in doc:
        if tok.i in taken:
            continue
        for words, target in index.get(tok.text, ()):
            j = tok.i + len(words)
            if (
                j <= len(doc)
                and all(doc[tok.i + k].text == w for k, w in enumerate(words))
                and not taken.intersection(range(tok.i, j))
                and not any(doc[k].is_sent_start for k in range(tok.i + 1, j))
            ):
                cand = _Candidate(tok.i, j, target.label, " ".join(words))
                if cand.name != target.name or target.target is not None:
                    cand.target = target
                    cand.link_reason = f"another occurrence of {target.name} in the same document"
                added.append(cand)
                taken.update(range(tok.i, j))
                break
    return added


def find_mentions(doc: Doc) -> list[_Candidate]:
    """Mention candidates of a parsed document in text order; `target` links stay within the list."""
    cands = _candidates(doc)
    _link_places(doc, cands)
    _link_names(doc, cands)
    cands = sorted(cands + _propagate(doc, cands), key=lambda c: c.start)
    for c in cands:
        if c.role is None and (c.label == "PERSON" or (c.target is not None and c.target.label == "PERSON")):
            c.role = _role_before(doc, c.start) or _role_apposition(doc[c.start:c.end])
    return cands


def extract(ctx: Context) -> None:
    doc = ctx.doc
    cands = find_mentions(doc)
    position = {id(c): k for k, c in enumerate(cands)}
    spans = []
    for c in cands:
        span = doc[c.start:c.end]
        start, end, text = ctx.span_original(span)
        name = " ".join(span.text.split())
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
