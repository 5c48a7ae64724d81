"""Across documents: fact groups, money families and the conflicts between them.

Runs after entity resolution, inside the build's transaction, and rebuilds its
tables from scratch every time (idempotent):

1. affiliations: an organization or official tied to a state by the words right
   before its name ("the Russian state oil giant Rosneft", "Venezuelan dictator
   Nicolás Maduro"), so that a state company or a head of government can stand
   for its state's side of a money flow;
2. fact groups: events of the same type between the same entities (a subject and
   an object side; statements are never grouped) whose dates are compatible
   (unknown, one inside the other, or less than a month apart);
3. conflicts: within a money family (money moving the same way between the same
   two sides, a side being a state with its companies and officials) the amounts
   that disagree; within a fact group, precise dates that disagree. Each conflict
   explains itself from the words around each figure (loan, credit, investment,
   advance, debt; "estimated", "total").
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from newsgraph.lexicons.events import noun_sense, verb_sense

OTHER_SIDE_ROLES = ("object", "recipient", "destination")
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


@dataclass
class _Event:
    id: int
    doc: str
    type: str
    predicate: str
    sentence: int
    negated: bool
    modality: str
    date: str | None
    date_text: str | None
    date_start: int | None
    date_end: int | None
    roles: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    source: str | None = None
    source_text: str | None = None
    money: list[tuple[float, str, str, int, int]] = field(default_factory=list)  # value, unit, text, start, end


def resolve(store) -> None:
    """Rebuild affiliations, fact groups and conflicts from the events in the store."""
    conn = store.conn if hasattr(store, "conn") else store
    # joins the build's transaction when there is one (Store.transaction is re-entrant)
    with store.transaction() if hasattr(store, "transaction") else contextlib.nullcontext():
        for table in ("conflict_values", "conflicts", "fact_groups", "affiliations"):
            conn.execute(f"DELETE FROM {table}")
        conn.execute("UPDATE events SET grp = NULL WHERE grp IS NOT NULL")
        states = _states(conn)
        affiliated = _affiliations(conn, states)
        events = _load(conn)
        side = lambda e: e if e in states else affiliated.get(e, e)  # noqa: E731
        groups = _fact_groups(conn, events)
        _money_conflicts(conn, events, side)
        _date_conflicts(conn, events, groups)
        _participant_conflicts(conn, events)


# --- inputs --------------------------------------------------------------------------------------

def _states(conn: sqlite3.Connection) -> set[str]:
    """Entities that are states: those whose mentions the gazetteer linked to a place."""
    return {r[0] for r in conn.execute("SELECT DISTINCT entity FROM mentions WHERE place IS NOT NULL AND entity IS NOT NULL")}


def _affiliations(conn: sqlite3.Connection, states: set[str]) -> dict[str, str]:
    """Entity -> state entity, from a demonym standing a few words before the entity's name."""
    types = dict(conn.execute("SELECT id, type FROM entities"))
    texts: dict[str, str] = {}
    by_doc: dict[str, list[sqlite3.Row]] = defaultdict(list)
    for r in conn.execute(
        'SELECT doc, idx, start, "end", kind, place, entity, sentence FROM mentions WHERE entity IS NOT NULL ORDER BY doc, start'
    ):
        by_doc[r["doc"]].append(r)
    votes: dict[str, Counter] = defaultdict(Counter)
    rows = []
    for doc, ms in by_doc.items():
        text = texts.setdefault(doc, conn.execute("SELECT text FROM documents WHERE id = ?", (doc,)).fetchone()[0])
        for k, m in enumerate(ms):
            if m["kind"] == "demonym" or m["entity"] in states or types.get(m["entity"]) not in ("person", "organization", "other"):
                continue
            prev = ms[k - 1] if k else None
            if prev is None or prev["kind"] != "demonym" or prev["sentence"] != m["sentence"] or prev["entity"] not in states:
                continue
            between = text[prev["end"]: m["start"]]
            if "\n" in between or not PREMODIFIER.fullmatch(between) or len(between.split()) > 4 or re.search(r"\b(and|or)\b", between):
                continue
            if types.get(m["entity"]) == "person":
                if not OFFICIAL_WORDS.search(between) or re.search(r"\bopposition\b", between, re.I):
                    continue
                kind = "official"
            else:
                kind = "state" if STATE_WORDS.search(between) else "national"
            votes[m["entity"]][prev["entity"]] += 1
            rows.append((m["entity"], prev["entity"], doc, m["idx"], kind, text[prev["start"]: m["end"]]))
    conn.executemany("INSERT INTO affiliations(entity, state, doc, mention, kind, words) VALUES (?,?,?,?,?,?)", rows)
    return {e: c.most_common(1)[0][0] for e, c in votes.items()}


def _load(conn: sqlite3.Connection) -> dict[int, _Event]:
    events: dict[int, _Event] = {}
    for r in conn.execute(
        """SELECT e.id, e.doc, e.type, e.predicate, e.sentence, e.negated, e.modality,
                  t.value AS date, t.text AS date_text, t.start AS date_start, t."end" AS date_end
           FROM events e LEFT JOIN times t ON t.doc = e.doc AND t.idx = e.time ORDER BY e.id"""
    ):
        events[r["id"]] = _Event(r["id"], r["doc"], r["type"], r["predicate"], r["sentence"], bool(r["negated"]), r["modality"],
                                 r["date"], r["date_text"], r["date_start"], r["date_end"])
    for r in conn.execute(
        """SELECT p.event, p.role, p.text, m.entity FROM event_participants p JOIN events e ON e.id = p.event
           LEFT JOIN mentions m ON m.doc = e.doc AND m.idx = p.mention"""
    ):
        ev = events.get(r["event"])
        if ev is None:
            continue
        if r["role"] == "source":
            ev.source, ev.source_text = r["entity"], r["text"]
        elif r["entity"] is not None and r["entity"] not in ev.roles[r["role"]]:
            ev.roles[r["role"]].append(r["entity"])
    for r in conn.execute(
        """SELECT ea.event, a.value, a.unit, a.text, a.start, a."end" FROM event_amounts ea JOIN events e ON e.id = ea.event
           JOIN amounts a ON a.doc = e.doc AND a.idx = ea.amount WHERE a.kind = 'money' AND a.value IS NOT NULL"""
    ):
        ev = events.get(r["event"])
        if ev is not None:
            ev.money.append((r["value"], r["unit"], r["text"], r["start"], r["end"]))
    return events


# --- fact groups ---------------------------------------------------------------------------------

def _day(value: str | None) -> date | None:
    if value and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return date.fromisoformat(value)
    return None


def _compatible(a: str | None, b: str | None) -> bool:
    """Dates that may name the same happening: unknown, one inside the other, or under a month apart."""
    if not a or not b:
        return True
    a0, b0 = a.split("/")[0], b.split("/")[0]
    if a0.startswith(b0) or b0.startswith(a0):
        return True
    da, db = _day(a0), _day(b0)
    return da is not None and db is not None and abs((da - db).days) <= 31


def _fact_groups(conn: sqlite3.Connection, events: dict[int, _Event]) -> list[list[_Event]]:
    keyed: dict[tuple, list[_Event]] = defaultdict(list)
    for ev in events.values():
        subjects = tuple(sorted(ev.roles.get("subject", [])))
        others = tuple(sorted({e for r in OTHER_SIDE_ROLES for e in ev.roles.get(r, [])} - set(subjects)))
        if not subjects or not others or ev.negated or ev.type == "STATEMENT":
            continue  # a fact is a relation between actors; separate utterances are not one fact
        keyed[(ev.type, ev.predicate if ev.type == "OTHER" else "", subjects, others)].append(ev)
    groups: list[list[_Event]] = []
    for (type_, _, subjects, others), evs in keyed.items():
        clusters: list[list[_Event]] = []
        for ev in sorted(evs, key=lambda e: (e.date is None, e.date or "", e.id)):
            for cl in clusters:
                if all(_compatible(ev.date, o.date) for o in cl):
                    cl.append(ev)
                    break
            else:
                clusters.append([ev])
        for cl in clusters:
            if len(cl) < 2:
                continue
            dates = sorted((e.date for e in cl if e.date), key=len, reverse=True)
            cur = conn.execute(
                "INSERT INTO fact_groups(type, predicate, subject, object, date, events, documents) VALUES (?,?,?,?,?,?,?)",
                (type_, Counter(e.predicate for e in cl).most_common(1)[0][0], ";".join(subjects), ";".join(others) or None,
                 dates[0] if dates else None, len(cl), len({e.doc for e in cl})),
            )
            conn.executemany("UPDATE events SET grp = ? WHERE id = ?", [(cur.lastrowid, e.id) for e in cl])
            groups.append(cl)
    return groups


# --- conflicts -----------------------------------------------------------------------------------

def _flow(predicate: str) -> str | None:
    head = predicate.split()[0]
    sense = verb_sense(head) or noun_sense(head)
    return sense.flow if sense else None


def _money_conflicts(conn: sqlite3.Connection, events: dict[int, _Event], side) -> None:
    families: dict[tuple[str, str], dict[tuple, tuple[_Event, tuple]]] = defaultdict(dict)
    for ev in events.values():
        flow = _flow(ev.predicate)
        if not ev.money or flow is None or ev.negated:
            continue
        subjects = ev.roles.get("subject", [])
        others = [e for r in OTHER_SIDE_ROLES for e in ev.roles.get(r, []) if e not in subjects]
        givers, receivers = (subjects, others) if flow == "out" else (others, subjects)
        for g in givers:
            for r in receivers:
                gs, rs = side(g), side(r)
                if gs == rs:
                    continue
                for money in ev.money:
                    families[(gs, rs)].setdefault((ev.doc, money[0], money[1]), (ev, money, g))
    names = dict(conn.execute("SELECT id, name FROM entities"))
    for (giver, receiver), values in families.items():
        # figures in different currencies are usually one figure converted ("$2bn (£1.1bn)"): only a unit with
        # two different values is a disagreement
        by_unit: dict[str, set[float]] = defaultdict(set)
        for _, money, _ in values.values():
            by_unit[money[1]].add(round(money[0], -3))
        if not any(len(v) > 1 for v in by_unit.values()):
            continue
        items = sorted(values.values(), key=lambda x: (x[1][0], x[0].doc))
        described = [(ev, money, _figure_words(conn, ev, money), g) for ev, money, g in items]
        cur = conn.execute(
            "INSERT INTO conflicts(kind, subject, object, type, grp, explanation) VALUES ('amount', ?, ?, 'FINANCE', NULL, ?)",
            (giver, receiver, _explain_amounts(names.get(giver, giver), names.get(receiver, receiver), described, names)),
        )
        conn.executemany(
            """INSERT INTO conflict_values(conflict, event, doc, value, unit, date, text, start, "end", source, source_text,
               sentence, words) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)""",
            [(cur.lastrowid, ev.id, ev.doc, money[0], money[1], ev.date, money[2], money[3], money[4], ev.source,
              ev.source_text, ev.sentence, words) for ev, money, words, _ in described],
        )


def _sentence(conn: sqlite3.Connection, doc: str, idx: int) -> str:
    row = conn.execute(
        'SELECT substr(d.text, s.start + 1, s."end" - s.start) FROM sentences s JOIN documents d ON d.id = s.doc WHERE s.doc = ? AND s.idx = ?',
        (doc, idx),
    ).fetchone()
    return row[0] if row else ""


def _figure_words(conn: sqlite3.Connection, ev: _Event, money: tuple) -> str:
    """What the words around a figure call it: qualifiers first, then the kinds of money named.

    Only the words just before the figure and a few after it count, so another figure
    in the same sentence does not lend it its words.
    """
    row = conn.execute(
        'SELECT s.start, s."end", d.text FROM sentences s JOIN documents d ON d.id = s.doc WHERE s.doc = ? AND s.idx = ?',
        (ev.doc, ev.sentence),
    ).fetchone()
    if row is None:
        return ev.predicate
    lo, hi, text = max(row[0], money[3] - 80), min(row[1], money[4] + 25), row[2]
    window = text[lo:money[3]] + " " + money[2] + text[money[4]:hi]
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


def _date_conflicts(conn: sqlite3.Connection, events: dict[int, _Event], groups: list[list[_Event]]) -> None:
    names = dict(conn.execute("SELECT id, name FROM entities"))
    for cl in groups:
        days = {e.date for e in cl if _day(e.date)}
        if len(days) < 2:
            continue
        grp = conn.execute("SELECT grp FROM events WHERE id = ?", (cl[0].id,)).fetchone()[0]
        subject = ";".join(cl[0].roles.get("subject", []))
        obj = ";".join(sorted({x for r in OTHER_SIDE_ROLES for x in cl[0].roles.get(r, [])})) or None
        dated = [e for e in cl if _day(e.date)]
        text = "; ".join(
            f"{e.date_text} = {e.date} ({'according to ' + names.get(e.source, e.source_text or '') if e.source else 'as the outlet states it'})"
            for e in dated
        )
        cur = conn.execute(
            "INSERT INTO conflicts(kind, subject, object, type, grp, explanation) VALUES ('date', ?, ?, ?, ?, ?)",
            (subject, obj, cl[0].type, grp, f"Reports of the same {cl[0].predicate} give different dates: {text}."),
        )
        conn.executemany(
            """INSERT INTO conflict_values(conflict, event, doc, value, unit, date, text, start, "end", source, source_text,
               sentence, words) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)""",
            [(cur.lastrowid, e.id, e.doc, None, None, e.date, e.date_text, e.date_start, e.date_end, e.source, e.source_text,
              e.sentence, e.predicate) for e in dated],
        )


def _participant_conflicts(conn: sqlite3.Connection, events: dict[int, _Event]) -> None:
    """Reports of one happening (same type, same other side, same day) that name different actors as doing it.

    Only asserted, dated-to-the-day events of different documents whose subjects share no
    entity count: "Russia sent two bombers to Venezuela on March 4" against "China sent
    two bombers to Venezuela on March 4". Statements and untyped events are left out.
    """
    names = dict(conn.execute("SELECT id, name FROM entities"))
    keyed: dict[tuple, list[tuple[_Event, frozenset]]] = defaultdict(list)
    for ev in events.values():
        if ev.negated or ev.modality != "asserted" or ev.type in ("STATEMENT", "OTHER") or not _day(ev.date):
            continue
        subjects = frozenset(ev.roles.get("subject", []))
        others = frozenset(x for r in OTHER_SIDE_ROLES for x in ev.roles.get(r, [])) - subjects
        if subjects and others:
            keyed[(ev.type, others, ev.date)].append((ev, subjects))
    for (type_, others, day), items in keyed.items():
        disagree = [
            (a, b) for i, a in enumerate(items) for b in items[i + 1:]
            if a[0].doc != b[0].doc and not (a[1] & b[1])
        ]
        if not disagree:
            continue
        involved = {id(x[0]): x for pair in disagree for x in pair}.values()
        spans = {}
        for ev, _ in involved:
            row = conn.execute(
                "SELECT start, \"end\", text FROM event_participants WHERE event = ? AND role = 'subject' ORDER BY start LIMIT 1", (ev.id,)
            ).fetchone()
            spans[ev.id] = row
        described = "; ".join(
            f"{' and '.join(names.get(e, e) for e in sorted(subj))} "
            f"({'according to ' + names.get(ev.source, ev.source_text or '') if ev.source else 'as the outlet states it'})"
            for ev, subj in involved
        )
        cur = conn.execute(
            "INSERT INTO conflicts(kind, subject, object, type, grp, explanation) VALUES ('participant', ?, ?, ?, NULL, ?)",
            (";".join(sorted({e for _, subj in involved for e in subj})), ";".join(sorted(others)), type_,
             f"Reports of the same {type_.lower()} toward {', '.join(names.get(o, o) for o in sorted(others))} on {day} "
             f"name different actors: {described}."),
        )
        conn.executemany(
            """INSERT INTO conflict_values(conflict, event, doc, value, unit, date, text, start, "end", source, source_text,
               sentence, words, entity) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
            [(cur.lastrowid, ev.id, ev.doc, None, "entity", day, spans[ev.id]["text"], spans[ev.id]["start"], spans[ev.id]["end"],
              ev.source, ev.source_text, ev.sentence, ev.predicate, ";".join(sorted(subj))) for ev, subj in involved],
        )
