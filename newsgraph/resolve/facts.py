"""Across documents: fact groups, money families and the conflicts between them.

Runs after entity resolution, inside the build's transaction, and rebuilds its
tables from scratch every time (idempotent); after documents were added it reads only their
rows, and the kept inputs of the others (``store.corpus.fact_inputs``):

1. affiliations: an organization or official tied to a state by the words right
   before its name ("the Russian state oil giant Rosneft", "Venezuelan dictator
   Nicolás Maduro"), so that a state company or a head of government can stand
   for its state's side of a money flow;
2. fact groups: events of the same type between the same entities (a subject and
   an object side; statements are never grouped) whose dates are compatible
   (unknown, one inside the other, or less than a month apart); a group's id is its
   first event's id, so a group keeps its id while its members stay;
3. conflicts: within a money family (money moving the same way between the same
   two sides, a side being a state with its companies and officials) the amounts
   that disagree; within a fact group, precise dates that disagree. Each conflict
   explains itself from the words around each figure (loan, credit, investment,
   advance, debt; "estimated", "total").
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from datetime import date
from functools import lru_cache

from newsgraph.lexicons.events import noun_sense, verb_sense
from newsgraph.store import corpus as store_corpus
from newsgraph.store.corpus import OTHER_SIDE_ROLES, ConflictRecord, EventView, FactInputs, FactResult

# Words before a name that tie it to the government of the state named by the demonym before them.
STATE_WORDS = re.compile(r"\b(state|state-owned|state-run|government|national|public)\b", re.I)
OFFICIAL_WORDS = re.compile(r"\b(president|vice|minister|dictator|leader|spokesman|spokeswoman|secretary|ambassador|official|envoy|premier|chancellor|general)\b", re.I)
PREMODIFIER = re.compile(r"[\w\-'\u2019. ]*")
# What kind of figure a sentence says an amount is, in the order an explanation lists them.
FIGURE_KINDS = (
    (re.compile(r"\b(?:loans?|lent|lend(?:s|ing)?)\b", re.I), "loans"),
    (re.compile(r"\bcredits?\b", re.I), "credits"),
    (re.compile(r"\binvest(?:ed|ment|ments|ing|s)?\b", re.I), "investment"),
    (re.compile(r"\badvances?\b", re.I), "advances"),
    (re.compile(r"\b(?:owe[sd]?|debts?)\b", re.I), "debt"),
    (re.compile(r"\bspen[dt]\b", re.I), "spending"),
    (re.compile(r"\btransferr?(?:ed|ing|s)?\b", re.I), "transfer"),
    (re.compile(r"\bgrant(?:ed|s)?\b", re.I), "grant"),
    (re.compile(r"\bfinanc(?:e|ed|es|ing)\b", re.I), "financing"),
    (re.compile(r"\bmortgag(?:e|ed|es|ing)\b", re.I), "mortgage"),
)
QUALIFIERS = (
    (re.compile(r"\bestimat(?:e|es|ed|ing)\b", re.I), "estimated"),
    (re.compile(r"\btotal\b", re.I), "total"),
    (re.compile(r"\b(?:some|about|around|roughly|nearly|almost|more than|over)\s+(?=\S*\d|\w+ (?:b|m)illion)", re.I), "approximate"),
)


def resolve(store, touched=None, chunk: int | None = None) -> None:
    """Rebuild affiliations, fact groups and conflicts from the events in the store; with `touched` (a
    `resolve.touched.Touched`), read only the added documents' rows and the kept inputs of the others
    (`store.corpus.fact_inputs`), and note there the events whose fact group's number of documents changed (an
    event's rank reads it) and those whose fact group changed (the stories weigh fact groups).

    The inputs are read and kept `chunk` documents at a time (default `store.corpus.DOC_CHUNK`) and the facts are
    computed from what was kept, one key (fact group, money family, happening) at a time (`compute_kept`): no step
    holds every event."""
    if touched is not None:
        store_corpus.keep_group_documents(store)
    try:
        added = touched.added if touched is not None and not touched.gone_entities else None
        store_corpus.keep_fact_inputs(store, added, chunk or store_corpus.DOC_CHUNK)
        store_corpus.write_facts(store, compute_kept(store))
        if touched is not None:
            for event, before in store_corpus.changed_group_documents(store):
                touched.sources_before.setdefault(event, before)
            for event, before in store_corpus.changed_groups(store):
                touched.groups_before.setdefault(event, before)
    finally:
        store_corpus.drop_group_documents(store)


resolve.incremental = "touched"


def compute(inputs: FactInputs) -> FactResult:
    """Affiliations, fact groups and conflicts from the loaded events: pure, no store."""
    affiliations, affiliated = _affiliations(inputs.candidates)
    side = _side(inputs.states, affiliated)
    keyed: dict[str, dict[str, list[EventView]]] = {kind: {} for kind in KEY_KINDS}
    for ev in inputs.events.values():
        for kind, key, _ in _keys(ev, side):
            keyed[kind].setdefault(key, []).append(ev)
    return _result(affiliations, side, inputs.names,
                   lambda kind, least: ((key, evs) for key, evs in keyed[kind].items() if len(evs) >= least))


def compute_kept(store) -> FactResult:
    """What `compute` makes of `store.corpus.fact_inputs`, from the kept inputs without holding the events: each
    event's keys go to a temporary table as the views come, then each key's events are read back together, a key
    at a time, in the order the keys first appear (the order `compute` meets them in)."""
    states = store_corpus.kept_states(store)
    names, types = store_corpus.entity_names(store)
    affiliations, affiliated = _affiliations(store_corpus.kept_candidates(store, states, types))
    side = _side(states, affiliated)
    store_corpus.note_fact_keys(store, ((kind, key, (ev.id << 20) | n, ev.id)
                                        for ev in store_corpus.kept_events(store) for kind, key, n in _keys(ev, side)))
    try:
        return _result(affiliations, side, names, lambda kind, least: store_corpus.events_by_key(store, kind, least))
    finally:
        store_corpus.drop_fact_keys(store)


KEY_KINDS = ("group", "money", "happening")


def _side(states: set[str], affiliated: dict[str, str]):
    return lambda e: e if e in states else affiliated.get(e, e)


def _keys(ev: EventView, side):
    """(kind, key, n) of each key the event falls under: its fact group's, each money family's it adds to (n: the
    family's place among the event's), the happening's it reports; keys are JSON text."""
    group = _group_key(ev)
    if group is not None:
        yield "group", json.dumps(group), 0
    for n, family in enumerate(_families(ev, side)):
        yield "money", json.dumps(family), n
    happening = _happening_key(ev)
    if happening is not None:
        yield "happening", json.dumps(happening), 0


def _result(affiliations: list[tuple], side, names: dict[str, str], by_key) -> FactResult:
    """The facts from `by_key(kind, least)`: (key, its events in event order) of each key of a kind with at least
    `least` events, in the order the keys first appear."""
    groups: list[tuple[dict, list[int]]] = []
    dates: list[ConflictRecord] = []
    for key, evs in by_key("group", 2):
        for columns, cl in _clusters(json.loads(key), evs):
            conflict = _date_conflict(len(groups), cl, names)
            if conflict is not None:
                dates.append(conflict)
            groups.append((columns, [e.id for e in cl]))
    conflicts = []
    for key, evs in by_key("money", 1):
        family = tuple(json.loads(key))
        conflict = _money_conflict(family, _family_values(evs, family, side), names)
        if conflict is not None:
            conflicts.append(conflict)
    conflicts += dates
    for key, evs in by_key("happening", 2):
        conflict = _participant_conflict(json.loads(key), evs, names)
        if conflict is not None:
            conflicts.append(conflict)
    return FactResult(affiliations, groups, conflicts)


# --- inputs --------------------------------------------------------------------------------------

def _affiliations(candidates) -> tuple[list[tuple], dict[str, str]]:
    """Entity -> state entity, from a demonym standing a few words before the entity's name (`candidates`: the
    AffiliationCandidates in document order)."""
    votes: dict[str, Counter] = defaultdict(Counter)
    rows = []
    for c in candidates:
        if c.entity_type not in ("person", "organization", "other"):
            continue
        between = c.between
        if "\n" in between or not PREMODIFIER.fullmatch(between) or len(between.split()) > 4 or re.search(r"\b(and|or)\b", between):
            continue
        if c.entity_type == "person":
            if not OFFICIAL_WORDS.search(between) or re.search(r"\bopposition\b", between, re.I):
                continue
            kind = "official"
        else:
            kind = "state" if STATE_WORDS.search(between) else "national"
        votes[c.entity][c.state] += 1
        rows.append((c.entity, c.state, c.doc, c.mention, kind, c.words))
    return rows, {e: c.most_common(1)[0][0] for e, c in votes.items()}


# --- fact groups ---------------------------------------------------------------------------------

def _day(value: str | None) -> date | None:
    if value and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return date.fromisoformat(value)
    return None


@lru_cache(maxsize=1 << 16)  # a key's groups compare the same few dates again and again
def _compatible(a: str | None, b: str | None) -> bool:
    """Dates that may name the same happening: unknown, one inside the other, or under a month apart."""
    if not a or not b:
        return True
    a0, b0 = a.split("/")[0], b.split("/")[0]
    if a0.startswith(b0) or b0.startswith(a0):
        return True
    da, db = _day(a0), _day(b0)
    return da is not None and db is not None and abs((da - db).days) <= 31


def _group_key(ev: EventView) -> tuple | None:
    """(type, predicate of an untyped event, subjects, the other side): events under one key may be one fact."""
    subjects = tuple(sorted(ev.roles.get("subject", [])))
    others = tuple(sorted({e for r in OTHER_SIDE_ROLES for e in ev.roles.get(r, [])} - set(subjects)))
    if not subjects or not others or ev.negated or ev.type == "STATEMENT":
        return None  # a fact is a relation between actors; separate utterances are not one fact
    return (ev.type, ev.predicate if ev.type == "OTHER" else "", subjects, others)


def _clusters(key: list, evs: list[EventView]) -> list[tuple[dict, list[EventView]]]:
    """The fact groups among the events of one key (`_group_key`): events whose dates are all compatible, two or more."""
    type_, _, subjects, others = key
    clusters: list[list[EventView]] = []
    # each cluster's distinct known dates: an event joins when its date fits every one (an unknown date fits all),
    # which is every member's; a key's events grow with the corpus, its clusters' distinct dates much less
    dated: list[set[str]] = []
    for ev in sorted(evs, key=lambda e: (e.date is None, e.date or "", e.id)):
        for cl, days in zip(clusters, dated):
            if not ev.date or all(_compatible(ev.date, d) for d in days):
                cl.append(ev)
                if ev.date:
                    days.add(ev.date)
                break
        else:
            clusters.append([ev])
            dated.append({ev.date} if ev.date else set())
    groups: list[tuple[dict, list[EventView]]] = []
    for cl in clusters:
        if len(cl) < 2:
            continue
        dates = sorted((e.date for e in cl if e.date), key=len, reverse=True)
        columns = {"type": type_, "predicate": Counter(e.predicate for e in cl).most_common(1)[0][0],
                   "subject": ";".join(subjects), "object": ";".join(others) or None,
                   "date": dates[0] if dates else None, "events": len(cl), "documents": len({e.doc for e in cl})}
        groups.append((columns, cl))
    return groups


# --- conflicts -----------------------------------------------------------------------------------

def _flow(predicate: str) -> str | None:
    head = predicate.split()[0]
    sense = verb_sense(head) or noun_sense(head)
    return sense.flow if sense else None


def _givers_receivers(ev: EventView) -> tuple[list[str], list[str]] | None:
    """Who gives and who receives the money of a money event (None when it is not one)."""
    flow = _flow(ev.predicate)
    if not ev.money or flow is None or ev.negated:
        return None
    subjects = ev.roles.get("subject", [])
    others = [e for r in OTHER_SIDE_ROLES for e in ev.roles.get(r, []) if e not in subjects]
    return (subjects, others) if flow == "out" else (others, subjects)


def _families(ev: EventView, side) -> list[tuple[str, str]]:
    """The money families (giver's side, receiver's side) the event adds figures to, in the order it meets them."""
    sides = _givers_receivers(ev)
    out: list[tuple[str, str]] = []
    if sides is None:
        return out
    for g in sides[0]:
        for r in sides[1]:
            family = (side(g), side(r))
            if family[0] != family[1] and family not in out:
                out.append(family)
    return out


def _family_values(evs: list[EventView], family: tuple[str, str], side) -> dict[tuple, tuple]:
    """(doc, value, unit) -> (event, money, giver) of the figures the events (in event order) add to one family."""
    values: dict[tuple, tuple] = {}
    for ev in evs:
        givers, receivers = _givers_receivers(ev) or ((), ())
        for g in givers:
            for r in receivers:
                if (side(g), side(r)) == family:
                    for money in ev.money:
                        values.setdefault((ev.doc, money[0], money[1]), (ev, money, g))
    return values


def _money_conflict(family: tuple[str, str], values: dict[tuple, tuple], names: dict[str, str]) -> ConflictRecord | None:
    """The conflict of one money family's figures, if they disagree."""
    giver, receiver = family
    # figures in different currencies are usually one figure converted ("$2bn (£1.1bn)"): only a unit with
    # two different values is a disagreement
    by_unit: dict[str, set[float]] = defaultdict(set)
    for _, money, _ in values.values():
        by_unit[money[1]].add(round(money[0], -3))
    if not any(len(v) > 1 for v in by_unit.values()):
        return None
    items = sorted(values.values(), key=lambda x: (x[1][0], x[0].doc))
    described = [(ev, money, _figure_words(ev, money), g) for ev, money, g in items]
    return ConflictRecord(
        "amount", giver, receiver, "FINANCE", None,
        _explain_amounts(names.get(giver, giver), names.get(receiver, receiver), described, names),
        [{"event": ev.id, "doc": ev.doc, "value": money[0], "unit": money[1], "date": ev.date, "text": money[2],
          "start": money[3], "end": money[4], "source": ev.source, "source_text": ev.source_text,
          "sentence": ev.sentence, "words": words} for ev, money, words, _ in described],
    )


def _figure_words(ev: EventView, money: tuple) -> str:
    """What the words around a figure call it: qualifiers first, then the kinds of money named.

    Only the words just before the figure and a few after it count, so another figure
    in the same sentence does not lend it its words.
    """
    if ev.sentence_span is None:
        return ev.predicate
    s_start, s_end, sentence = ev.sentence_span
    lo, hi = max(s_start, money[3] - 80), min(s_end, money[4] + 25)
    window = sentence[lo - s_start:money[3] - s_start] + " " + money[2] + sentence[money[4] - s_start:hi - s_start]
    quals = [label for pattern, label in QUALIFIERS if pattern.search(window)]
    kinds = []
    for pattern, label in FIGURE_KINDS:
        if (pattern.search(window) or pattern.search(ev.predicate)) and label not in kinds:
            kinds.append(label)
    return " ".join(quals + kinds[:3]) or ev.predicate


GENERIC_KINDS = ("transfer", "grant", "financing")


def _explain_amounts(giver: str, receiver: str, described: list, names: dict) -> str:
    parts = []
    kinds = []
    for ev, money, words, actual in described:
        who = f"according to {names.get(ev.source, ev.source_text)}" if ev.source or ev.source_text else "as the outlet states it"
        by = f", from {names.get(actual, actual)}" if names.get(actual, actual) != giver else ""
        parts.append(f"{money[2]} ({words}{by}; {who})")
        labels = [label for _, label in FIGURE_KINDS if label in words.split()]
        primary = next((k for k in labels if k not in GENERIC_KINDS), labels[0] if labels else None)
        if primary and primary not in kinds:
            kinds.append(primary)
    why = ""
    if len(kinds) > 1:
        why = " They count different things: " + " vs ".join(kinds) + "."
    if any("estimated" in w or "total" in w for _, _, w, _ in described):
        why += " An estimated total is not the same as a single loan or payment."
    return f"{len(described)} different figures for money from {giver} to {receiver}: " + "; ".join(parts) + "." + why


def _date_conflict(grp: int, cl: list[EventView], names: dict[str, str]) -> ConflictRecord | None:
    """The conflict of fact group number `grp` (members `cl`) when its members give different precise dates."""
    days = {e.date for e in cl if _day(e.date)}
    if len(days) < 2:
        return None
    subject = ";".join(cl[0].roles.get("subject", []))
    obj = ";".join(sorted({x for r in OTHER_SIDE_ROLES for x in cl[0].roles.get(r, [])})) or None
    dated = [e for e in cl if _day(e.date)]
    text = "; ".join(
        f"{e.date_text} = {e.date} ({'according to ' + names.get(e.source, e.source_text or '') if e.source else 'as the outlet states it'})"
        for e in dated
    )
    return ConflictRecord(
        "date", subject, obj, cl[0].type, grp, f"Reports of the same {cl[0].predicate} give different dates: {text}.",
        [{"event": e.id, "doc": e.doc, "date": e.date, "text": e.date_text, "start": e.date_start, "end": e.date_end,
          "source": e.source, "source_text": e.source_text, "sentence": e.sentence, "words": e.predicate} for e in dated],
    )


def _happening_key(ev: EventView) -> tuple | None:
    """(type, the other side, day) of an asserted, dated-to-the-day, typed event with both sides named: reports under
    one key tell of one happening (`_participant_conflict`)."""
    if ev.negated or ev.modality != "asserted" or ev.type in ("STATEMENT", "OTHER") or not _day(ev.date):
        return None
    subjects = frozenset(ev.roles.get("subject", []))
    others = frozenset(x for r in OTHER_SIDE_ROLES for x in ev.roles.get(r, [])) - subjects
    return (ev.type, sorted(others), ev.date) if subjects and others else None


def _participant_conflict(key: list, evs: list[EventView], names: dict[str, str]) -> ConflictRecord | None:
    """The conflict among the reports of one happening (`_happening_key`, events in event order), if they name
    different actors as doing it.

    Only asserted, dated-to-the-day events of different documents whose subjects share no
    entity count: "Russia sent two bombers to Venezuela on March 4" against "China sent
    two bombers to Venezuela on March 4". Statements and untyped events are left out.
    """
    type_, others, day = key
    items = [(ev, frozenset(ev.roles.get("subject", []))) for ev in evs]
    disagree = [
        (a, b) for i, a in enumerate(items) for b in items[i + 1:]
        if a[0].doc != b[0].doc and not (a[1] & b[1])
    ]
    if not disagree:
        return None
    involved = {id(x[0]): x for pair in disagree for x in pair}.values()
    described = "; ".join(
        f"{' and '.join(names.get(e, e) for e in sorted(subj))} "
        f"({'according to ' + names.get(ev.source, ev.source_text or '') if ev.source else 'as the outlet states it'})"
        for ev, subj in involved
    )
    return ConflictRecord(
        "participant", ";".join(sorted({e for _, subj in involved for e in subj})), ";".join(sorted(others)), type_, None,
        f"Reports of the same {type_.lower()} toward {', '.join(names.get(o, o) for o in sorted(others))} on {day} "
        f"name different actors: {described}.",
        [{"event": ev.id, "doc": ev.doc, "unit": "entity", "date": day, "text": ev.subject_span[2],
          "start": ev.subject_span[0], "end": ev.subject_span[1], "source": ev.source, "source_text": ev.source_text,
          "sentence": ev.sentence, "words": ev.predicate, "entity": ";".join(sorted(subj))} for ev, subj in involved],
    )
