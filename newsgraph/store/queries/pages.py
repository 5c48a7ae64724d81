"""Reads behind the report and the web pages: one function per page, each returning plain dicts.

The HTML page and its JSON twin are rendered from the same call. Parts of the
knowledge base that another stage has not written yet (no events, no conflicts
table…) come back as empty lists, never as errors, so the pages say "none yet".
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter, defaultdict
from typing import Iterator

from newsgraph.model import OTHER_SIDE_ROLES
from newsgraph.store.queries import core
from newsgraph.store.queries.events import date_guessed
from newsgraph.store.queries.labels import entity_labels, label_matrix
from newsgraph.store.queries.ranking import RANKING, rank_event_ids, with_rank
from newsgraph.store.queries.schema import has_table, marks
from newsgraph.store.queries.techniques import UNKNOWN_OUTLET
from newsgraph.store.queries.techniques import default_min_score as _min_score
from newsgraph.store.queries.voices import spoken

__all__ = [
    "has_table",
    "page_overview",
    "page_documents",
    "page_entities",
    "page_entity",
    "page_document",
    "page_conflicts",
    "page_timeline",
    "page_voices",
    "event_rows",
    "actor_events",
    "ranking_ready",
    "filter_choices",
    "event_types",
    "page_tables_ready",
    "overview_live",
    "voices_live",
    "event_list",
    "event_list_rows",
    "loose_money",
    "quote_list",
    "quote_ids",
    "kinds_list",
    "events_with_amounts",
    "money_list_total",
]

OBJECT_ROLES = OTHER_SIDE_ROLES
PAGE_TABLES = "5"  # meta 'page_tables': the version of the page tables the corpus step wrote (newsgraph.resolve.summary)


def _count(conn: sqlite3.Connection, sql: str, args=()) -> int:
    return conn.execute(sql, args).fetchone()[0]


def _page(total: int, limit: int, offset: int) -> dict:
    return {"total": total, "limit": limit, "offset": offset, "next": offset + limit if offset + limit < total else None,
            "prev": max(0, offset - limit) if offset > 0 else None}


# --- page tables (migration 0050, written by the corpus step) ---------------------------------

def page_tables_ready(conn: sqlite3.Connection) -> bool:
    """Whether the corpus step wrote page tables of this version; a store built before them has none,
    and its pages are computed from the events themselves (slowly on a large store)."""
    if not has_table(conn, "page_summary"):
        return False
    row = conn.execute("SELECT value FROM meta WHERE key = 'page_tables'").fetchone()
    return row is not None and row[0] == PAGE_TABLES


def _summary(conn: sqlite3.Connection, key: str):
    row = conn.execute("SELECT value FROM page_summary WHERE key = ?", (key,)).fetchone()
    return json.loads(row[0]) if row else None


def event_types(conn: sqlite3.Connection) -> list[str]:
    """Every event type in the store, for filters."""
    if page_tables_ready(conn):
        return _summary(conn, "event_types") or []
    return [r[0] for r in conn.execute("SELECT DISTINCT type FROM events ORDER BY 1")] if has_table(conn, "events") else []


# --- overview --------------------------------------------------------------------------------

OVERVIEW_TOP = 50  # top actors kept in the stored overview; a page asks for fewer


def page_overview(conn: sqlite3.Connection, top: int = 15) -> dict:
    """Counts, outlets, the published and inferred date spans, and the `top` actors, as of the last corpus step."""
    if top <= OVERVIEW_TOP and page_tables_ready(conn):
        found = _summary(conn, "overview")
        if found is not None:
            found["top_actors"] = found["top_actors"][:top]
            return found
    return overview_live(conn, top)


def overview_live(conn: sqlite3.Connection, top: int = 15) -> dict:
    """The overview computed from the tables themselves (the corpus step stores it for the page)."""
    out = core.stats(conn)
    out["outlets"] = [dict(r) for r in conn.execute(
        "SELECT COALESCE(outlet, '(unknown)') AS outlet, COUNT(*) AS documents FROM documents GROUP BY outlet ORDER BY 2 DESC, 1 LIMIT 50")]
    spans = {}
    for inferred, label in ((0, "published"), (1, "inferred")):
        row = conn.execute("SELECT MIN(published), MAX(published), COUNT(*) FROM documents WHERE published IS NOT NULL AND published_inferred = ?", (inferred,)).fetchone()
        spans[label] = {"first": row[0], "last": row[1], "documents": row[2]}
    spans["undated"] = _count(conn, "SELECT COUNT(*) FROM documents WHERE published IS NULL")
    out["dates"] = spans
    out["top_actors"] = core.list_entities(conn, top=top)
    return out


# --- lists -----------------------------------------------------------------------------------

def page_documents(conn: sqlite3.Connection, limit: int = 50, offset: int = 0, outlet: str | None = None) -> dict:
    where, args = ("WHERE d.outlet = ?", [outlet]) if outlet else ("", [])
    total = _count(conn, f"SELECT COUNT(*) FROM documents d {where}", args)
    # Sort on narrow columns first: `words` sits after `text` in the row, so reading it for every
    # document before sorting would walk each article's overflow pages.
    rows = conn.execute(
        f"""SELECT d.id, d.path, d.title, d.outlet, d.url, d.published, d.published_inferred, d.words
            FROM (SELECT d.id FROM documents d {where} ORDER BY d.published IS NULL, d.published, d.path LIMIT ? OFFSET ?) page
            JOIN documents d ON d.id = page.id ORDER BY d.published IS NULL, d.published, d.path""",
        (*args, limit, offset),
    )
    return {"documents": [dict(r) for r in rows], "page": _page(total, limit, offset), "outlet": outlet}


def page_entities(conn: sqlite3.Connection, limit: int = 50, offset: int = 0, type: str | None = None) -> dict:
    total = _count(conn, "SELECT COUNT(*) FROM entities" + (" WHERE type = ?" if type else ""), (type,) if type else ())
    return {"entities": core.list_entities(conn, top=limit, type=type, offset=offset), "page": _page(total, limit, offset), "type": type}


# --- events ----------------------------------------------------------------------------------

_EVENT_SELECT = """
SELECT e.id, e.doc, e.idx, e.start, e.end, e.trigger, e.predicate, e.type, e.sentence, e.negated, e.modality,
       t.value AS date, t.text AS date_text, t.anchor AS date_anchor, d.published, d.published_inferred, d.outlet, d.title, d.path,
       s.start AS sentence_start, s.end AS sentence_end, substr(d.text, s.start + 1, s.end - s.start) AS sentence_text
FROM events e JOIN documents d ON d.id = e.doc
LEFT JOIN times t ON t.doc = e.doc AND t.idx = e.time
LEFT JOIN sentences s ON s.doc = e.doc AND s.idx = e.sentence
"""


def _with_parts(conn: sqlite3.Connection, events: list[dict]) -> list[dict]:
    """Attach participants (with their entities) and amounts to event rows, two queries for the lot."""
    if not events:
        return events
    by_id = {e["id"]: e for e in events}
    for e in events:
        e["participants"], e["amounts"] = [], []
    marks = ",".join("?" * len(by_id))
    for r in conn.execute(
        f"""SELECT p.event, p.role, p.start, p.end, p.text, m.entity, en.name AS entity_name
            FROM event_participants p JOIN events e ON e.id = p.event
            LEFT JOIN mentions m ON m.doc = e.doc AND m.idx = p.mention
            LEFT JOIN entities en ON en.id = m.entity
            WHERE p.event IN ({marks}) ORDER BY p.event, p.start""", list(by_id)):
        by_id[r["event"]]["participants"].append({k: r[k] for k in ("role", "start", "end", "text", "entity", "entity_name")})
    for r in conn.execute(
        f"""SELECT ea.event, a.start, a.end, a.text, a.value, a.unit, a.kind FROM event_amounts ea
            JOIN events e ON e.id = ea.event JOIN amounts a ON a.doc = e.doc AND a.idx = ea.amount
            WHERE ea.event IN ({marks}) ORDER BY ea.event, a.start""", list(by_id)):
        by_id[r["event"]]["amounts"].append({k: r[k] for k in ("start", "end", "text", "value", "unit", "kind")})
    for e in events:
        e["subjects"] = [p for p in e["participants"] if p["role"] == "subject"]
        e["objects"] = [p for p in e["participants"] if p["role"] in OBJECT_ROLES]
        e["source"] = next((p for p in e["participants"] if p["role"] == "source"), None)
    return events


def event_rows(conn: sqlite3.Connection, where: str = "", args=(), order: str = "d.published, e.doc, e.idx",
               limit: int = 50, offset: int = 0) -> list[dict]:
    """One page of events with their sentence, parties and amounts.

    The page's ids are chosen first, so the sentence text is cut for those rows only, not for
    every row the sort sees.
    """
    if not has_table(conn, "events"):
        return []
    ids = [r[0] for r in conn.execute(
        f"""SELECT e.id FROM events e JOIN documents d ON d.id = e.doc LEFT JOIN times t ON t.doc = e.doc AND t.idx = e.time
            {where} ORDER BY {order} LIMIT ? OFFSET ?""", (*args, limit, offset))]
    if not ids:
        return []
    rank = {i: n for n, i in enumerate(ids)}
    rows = [dict(r, date_guessed=date_guessed(r)) for r in conn.execute(f"{_EVENT_SELECT} WHERE e.id IN ({','.join('?' * len(ids))})", ids)]
    return _with_parts(conn, sorted(rows, key=lambda r: rank[r["id"]]))


def events_in_order(conn: sqlite3.Connection, ids: list[int]) -> list[dict]:
    """The events with these ids, in the order given (a stored or computed ranking)."""
    if not ids:
        return []
    rank = {i: n for n, i in enumerate(ids)}
    rows = event_rows(conn, f"WHERE e.id IN ({','.join('?' * len(ids))})", ids, order="e.id", limit=len(ids))
    return sorted(rows, key=lambda e: rank[e["id"]])


def ranking_ready(conn: sqlite3.Connection) -> bool:
    """Whether the corpus step stored each actor's events in rank order (`entity_event_rank`, migration 0055) by
    today's ranking; a store built before it (or by another ranking version) has its actor pages ranked per request."""
    if not page_tables_ready(conn) or not has_table(conn, "entity_event_rank"):
        return False
    row = conn.execute("SELECT value FROM meta WHERE key = 'entity_ranking'").fetchone()
    return row is not None and row[0] == RANKING


def actor_events(conn: sqlite3.Connection, entity_id: str, limit: int = 20, offset: int = 0) -> dict[str, dict]:
    """What the entity did (it is the subject) and what was done to it (object or recipient), one page of each,
    the best first (`ranking.rank_key`: typed, both sides named, several sources; OTHER last).

    The page is a key range of the corpus step's `entity_event_rank`; a store without it ranks all of the
    entity's events of each side here, found in `entity_events` (page tables before migration 0055) or
    by one pass over its mentions.
    """
    if not has_table(conn, "events"):
        return {"did": {"events": [], "page": _page(0, limit, offset)}, "done_to": {"events": [], "page": _page(0, limit, offset)}}
    out = {}
    if ranking_ready(conn):
        for side in ("did", "done_to"):
            total = _count(conn, "SELECT COUNT(*) FROM entity_event_rank WHERE entity = ? AND side = ?", (entity_id, side))
            chosen = [r[0] for r in conn.execute(
                "SELECT event FROM entity_event_rank WHERE entity = ? AND side = ? ORDER BY position LIMIT ? OFFSET ?",
                (entity_id, side, limit, offset))]
            out[side] = {"events": with_rank(conn, events_in_order(conn, chosen)), "page": _page(total, limit, offset)}
        return out
    for side, ids in _actor_event_ids(conn, entity_id).items():
        ids = rank_event_ids(conn, ids)
        chosen = ids[offset: offset + limit]
        out[side] = {"events": with_rank(conn, events_in_order(conn, chosen)), "page": _page(len(ids), limit, offset)}
    return out


def _actor_event_ids(conn: sqlite3.Connection, entity_id: str) -> dict[str, list[int]]:
    """Every event the entity is the subject of ("did") or the object, recipient, destination or addressee of
    ("done_to")."""
    if page_tables_ready(conn) and has_table(conn, "entity_events"):
        return {side: [r[0] for r in conn.execute(
            "SELECT event FROM entity_events WHERE entity = ? AND side = ? ORDER BY other, event", (entity_id, side))]
            for side in ("did", "done_to")}
    seen: dict[str, dict[int, None]] = {"did": {}, "done_to": {}}
    for r in conn.execute(
        f"""SELECT p.event, p.role FROM mentions m JOIN events e ON e.doc = m.doc
           JOIN event_participants p ON p.event = e.id AND p.mention = m.idx
           WHERE m.entity = ? AND p.role IN ('subject', {marks(OTHER_SIDE_ROLES)})""", (entity_id, *OTHER_SIDE_ROLES)):
        seen["did" if r[1] == "subject" else "done_to"][r[0]] = None
    return {side: list(ids) for side, ids in seen.items()}


# --- entity ----------------------------------------------------------------------------------

def page_entity(conn: sqlite3.Connection, entity_id: str, limit: int = 20, offset: int = 0) -> dict | None:
    """An actor with one page (`limit`, `offset`) of each list: its mentions, what it did, what was done to it."""
    entity = core.get_entity(conn, entity_id)
    if entity is None:
        return None
    entity_id = entity["id"]  # an old id that redirects (entity["redirected_from"]) shows the entity it moved to
    total = _count(conn, "SELECT COUNT(*) FROM mentions WHERE entity = ?", (entity_id,))
    acts = actor_events(conn, entity_id, limit=limit, offset=offset)
    did, done_to = acts["did"], acts["done_to"]
    return {
        "entity": entity,
        "mentions": [dict(r) for r in conn.execute(
            """SELECT p.doc, p.start, p.end, p.text, p.role, p.sentence_idx, d.path, d.title, d.outlet,
                      substr(d.text, s.start + 1, s.end - s.start) AS sentence
               FROM (SELECT m.doc, m.start, m.end, m.text, m.role, m.sentence AS sentence_idx, d.published, d.path
                     FROM mentions m JOIN documents d ON d.id = m.doc WHERE m.entity = ?
                     ORDER BY d.published IS NULL, d.published, d.path, m.start LIMIT ? OFFSET ?) p
               JOIN documents d ON d.id = p.doc LEFT JOIN sentences s ON s.doc = p.doc AND s.idx = p.sentence_idx
               ORDER BY p.published IS NULL, p.published, p.path, p.start""",
            (entity_id, limit, offset))],
        "mentions_total": total,
        "page": _page(max(total, did["page"]["total"], done_to["page"]["total"]), limit, offset),
        "did": did,
        "done_to": done_to,
        "quotes": _quotes(conn, "WHERE m.entity = ?", (entity_id,), limit=limit),
        "labels": entity_labels(conn, entity_id, limit=limit),
    }


QUOTE_ORDER = "en.name IS NULL, en.name, q.doc, q.start, q.id"  # quotes by speaker; the corpus step stores it (quote_order)
_QUOTE_JOINS = """FROM quotes q LEFT JOIN mentions m ON m.doc = q.doc AND m.idx = q.speaker_mention
                  LEFT JOIN entities en ON en.id = m.entity"""


def quote_list(conn: sqlite3.Connection) -> list[int]:
    """The id of every quote in the voices page's order (`QUOTE_ORDER`)."""
    return list(quote_ids(conn))


def quote_ids(conn: sqlite3.Connection) -> Iterator[int]:
    """`quote_list` one id at a time, from the statement as it runs (the corpus step writes them as they come)."""
    if not has_table(conn, "quotes"):
        return iter(())
    return (r[0] for r in conn.execute(f"SELECT q.id {_QUOTE_JOINS} ORDER BY {QUOTE_ORDER}"))


def _voice_quotes(conn: sqlite3.Connection, limit: int, offset: int) -> list[dict]:
    """One page of every quote by speaker: a range of the stored order when the corpus step wrote one."""
    if page_tables_ready(conn) and has_table(conn, "quote_order") and conn.execute("SELECT 1 FROM quote_order LIMIT 1").fetchone():
        ids = [r[0] for r in conn.execute("SELECT quote FROM quote_order WHERE position >= ? ORDER BY position LIMIT ?", (offset, limit))]
        if not ids:
            return []
        rank = {i: n for n, i in enumerate(ids)}
        rows = _quotes(conn, f"WHERE q.id IN ({','.join('?' * len(ids))})", ids, limit=len(ids), with_id=True)
        return [{k: v for k, v in r.items() if k != "id"} for r in sorted(rows, key=lambda r: rank[r["id"]])]
    return _quotes(conn, "", (), limit=limit, offset=offset)


def _quotes(conn: sqlite3.Connection, where: str, args, limit: int = 50, offset: int = 0, with_id: bool = False) -> list[dict]:
    if not has_table(conn, "quotes"):
        return []
    rows = conn.execute(
        f"""SELECT {"q.id," if with_id else ""} q.doc, q.start, q.end, q.text, q.kind, q.cue, q.speaker_text, q.sentence, m.entity, en.name AS entity_name,
                   d.outlet, d.title, d.path, q.attribution, q.source_text, am.entity AS affiliation, ae.name AS affiliation_name,
                   q.parts
            FROM quotes q JOIN documents d ON d.id = q.doc
            LEFT JOIN mentions m ON m.doc = q.doc AND m.idx = q.speaker_mention
            LEFT JOIN entities en ON en.id = m.entity
            LEFT JOIN mentions am ON am.doc = q.doc AND am.idx = q.affiliation_mention
            LEFT JOIN entities ae ON ae.id = am.entity {where}
            ORDER BY {QUOTE_ORDER} LIMIT ? OFFSET ?""", (*args, limit, offset))
    return [{**dict(r), "words": spoken(r["text"], r["start"], r["parts"])} for r in rows]


# --- document reader -------------------------------------------------------------------------

LAYERS = ("entity", "quote", "event", "technique", "amount", "time", "label")


def _spans(conn: sqlite3.Connection, doc_id: str, min_score: float | None = None) -> list[dict]:
    """Every highlighted span of a document: (start, end, layer, title, entity); technique spans scored at least
    `min_score` (default: the store's, ``techniques.default_min_score``)."""
    min_score = _min_score(conn, min_score)
    spans = [
        {"start": r["start"], "end": r["end"], "layer": "entity", "title": r["name"] or r["text"], "entity": r["entity"]}
        for r in conn.execute(
            "SELECT m.start, m.end, m.text, m.entity, en.name FROM mentions m LEFT JOIN entities en ON en.id = m.entity WHERE m.doc = ?",
            (doc_id,))
    ]
    queries = (
        ("quote", "quotes", "SELECT start, end, kind || ' ' || attribution || COALESCE(' of ' || COALESCE(source_text, speaker_text), '')"
                            " FROM quotes WHERE doc = ?"),
        ("event", "events", "SELECT start, end, type || ': ' || predicate || CASE negated WHEN 1 THEN ' (negated)' ELSE '' END FROM events WHERE doc = ?"),
        ("technique", "techniques", "SELECT start, end, technique || ' (' || engine || ')' FROM techniques WHERE doc = ? AND score >= ?"),
        ("amount", "amounts", "SELECT start, end, kind || COALESCE(': ' || value, '') || ' ' || unit FROM amounts WHERE doc = ?"),
        ("time", "times", "SELECT start, end, 'time' || COALESCE(': ' || value, '') FROM times WHERE doc = ?"),
        ("label", "descriptors", "SELECT start, end, polarity || ' label (' || voice || ')' FROM descriptors WHERE doc = ?"),
    )
    for layer, table, sql in queries:
        if has_table(conn, table):
            args = (doc_id, min_score) if layer == "technique" else (doc_id,)
            spans += [{"start": r[0], "end": r[1], "layer": layer, "title": r[2], "entity": None} for r in conn.execute(sql, args)]
    return [s for s in spans if s["end"] > s["start"]]


def _pieces(text: str, start: int, end: int, spans: list[dict]) -> list[dict]:
    """Cut text[start:end] at every span boundary; each piece lists the layers covering it (a sweep, not nested tags)."""
    inside = [s for s in spans if s["start"] < end and s["end"] > start]
    cuts = sorted({start, end} | {max(start, min(end, p)) for s in inside for p in (s["start"], s["end"])})
    pieces = []
    for a, b in zip(cuts, cuts[1:]):
        cover = [s for s in inside if s["start"] <= a and s["end"] >= b]
        piece = {"start": a, "end": b, "text": text[a:b]}
        if cover:
            piece["layers"] = sorted({s["layer"] for s in cover}, key=LAYERS.index)
            piece["title"] = "; ".join(dict.fromkeys(s["title"] for s in cover if s["title"]))
            piece["entity"] = next((s["entity"] for s in cover if s["entity"]), None)
        pieces.append(piece)
    return pieces


def page_document(conn: sqlite3.Connection, doc_id: str, min_score: float | None = None) -> dict | None:
    """A document as blocks: each sentence (and each gap between sentences) cut into highlighted pieces;
    technique spans scored below `min_score` are not highlighted."""
    doc = core.get_document(conn, doc_id)
    if doc is None:
        return None
    text = doc["text"]
    spans = _spans(conn, doc_id, min_score)
    blocks, pos = [], 0
    for s in doc["sentences"]:
        if s["start"] > pos:
            blocks.append({"sentence": None, "pieces": _pieces(text, pos, s["start"], spans)})
        blocks.append({"sentence": s["idx"], "start": s["start"], "end": s["end"], "pieces": _pieces(text, s["start"], s["end"], spans)})
        pos = max(pos, s["end"])
    if pos < len(text):
        blocks.append({"sentence": None, "pieces": _pieces(text, pos, len(text), spans)})
    doc["blocks"] = blocks
    doc["layers"] = dict(Counter(s["layer"] for s in spans))
    doc["entities"] = [dict(r) for r in conn.execute(
        """SELECT en.id, en.name, en.type, COUNT(*) AS mentions FROM mentions m JOIN entities en ON en.id = m.entity
           WHERE m.doc = ? GROUP BY en.id ORDER BY 4 DESC, en.name""", (doc_id,))]
    return doc


# --- conflicts, timeline, money, voices ------------------------------------------------------

def page_conflicts(conn: sqlite3.Connection, limit: int = 50, offset: int = 0) -> dict:
    if not has_table(conn, "conflicts"):
        return {"available": False, "conflicts": [], "page": _page(0, limit, offset)}
    total = _count(conn, "SELECT COUNT(*) FROM conflicts")
    conflicts = [dict(r) for r in conn.execute(
        """SELECT c.*, s.name AS subject_name, o.name AS object_name FROM conflicts c
           LEFT JOIN entities s ON s.id = c.subject LEFT JOIN entities o ON o.id = c.object
           ORDER BY c.id LIMIT ? OFFSET ?""", (limit, offset))]
    by_id = {c["id"]: c for c in conflicts}
    for c in conflicts:
        c["values"] = []
    if by_id:
        marks = ",".join("?" * len(by_id))
        for r in conn.execute(
            f"""SELECT v.*, d.outlet, d.title, d.path, d.published, en.name AS source_name,
                       substr(d.text, s.start + 1, s.end - s.start) AS sentence_text
                FROM conflict_values v JOIN documents d ON d.id = v.doc
                LEFT JOIN sentences s ON s.doc = v.doc AND s.idx = v.sentence
                LEFT JOIN entities en ON en.id = v.source
                WHERE v.conflict IN ({marks}) ORDER BY v.conflict, v.value, v.date, d.outlet""", list(by_id)):
            by_id[r["conflict"]]["values"].append(dict(r))
    return {"available": True, "conflicts": conflicts, "page": _page(total, limit, offset)}


# Time values sort as text except ISO weeks ("2019-W04"), turned into the week's first days' neighbourhood here.
SORTABLE_DATE = """CASE WHEN t.value GLOB '[0-9][0-9][0-9][0-9]-W[0-9]*'
    THEN date(substr(t.value, 1, 4) || '-01-01', '+' || ((CAST(substr(t.value, 7, 2) AS INTEGER) - 1) * 7) || ' days')
    ELSE t.value END"""


# The two long event lists, as the corpus step stores their order (table event_order) and as computed without it.
EVENT_LISTS = {
    "timeline": ("WHERE t.value IS NOT NULL", f"{SORTABLE_DATE}, d.published, e.doc, e.idx"),
    "money": ("WHERE e.id IN (SELECT DISTINCT ea.event FROM event_amounts ea)",
              """(SELECT MAX(a.value) FROM event_amounts ea JOIN amounts a ON a.doc = e.doc AND a.idx = ea.amount
                  WHERE ea.event = e.id AND a.kind = 'money') IS NULL, e.type != 'FINANCE',
                 (SELECT MAX(a.value) FROM event_amounts ea JOIN amounts a ON a.doc = e.doc AND a.idx = ea.amount
                  WHERE ea.event = e.id AND a.kind = 'money') DESC, e.doc, e.idx"""),
}
LOOSE_MONEY = 200  # money amounts no event claims, kept for the money page (a page shows at most this many)


def event_list(conn: sqlite3.Connection, name: str) -> list[tuple[int, str]]:
    """(event id, type) of every event of the list `name` in its order (the corpus step stores the positions)."""
    return list(event_list_rows(conn, name))


def event_list_rows(conn: sqlite3.Connection, name: str) -> Iterator[tuple[int, str]]:
    """`event_list` one row at a time, from the statement as it runs (the corpus step writes them as they come)."""
    where, order = EVENT_LISTS[name]
    return ((r[0], r[1]) for r in conn.execute(
        f"""SELECT e.id, e.type FROM events e JOIN documents d ON d.id = e.doc LEFT JOIN times t ON t.doc = e.doc AND t.idx = e.time
            {where} ORDER BY {order}"""))


def events_with_amounts(conn: sqlite3.Connection, kinds: tuple[str, ...]) -> set[int]:
    """The ids of the events that carry an amount of one of `kinds`."""
    return {r[0] for r in conn.execute(
        f"""SELECT ea.event FROM event_amounts ea JOIN events e ON e.id = ea.event JOIN amounts a ON a.doc = e.doc AND a.idx = ea.amount
            WHERE a.kind IN ({','.join('?' * len(kinds))})""", kinds)}


def kinds_list(kinds: tuple[str, ...]) -> str:
    """The name under which the corpus step stores the money list cut to events with amounts of `kinds` (a money page tab)."""
    return "money:" + ",".join(kinds)


def _list_page(conn: sqlite3.Connection, name: str, limit: int, offset: int, type: str | None = None,
               other: bool = True) -> tuple[int, list[dict]]:
    """(total, events) of one page of a list: from the stored order when there is one; without `other`, no OTHER events."""
    if page_tables_ready(conn):
        cond, args = ("list = ? AND type = ?", (name, type)) if type else ("list = ?", (name,))
        if not other and not type:
            cond += " AND type != 'OTHER'"
        total = _count(conn, f"SELECT COUNT(*) FROM event_order WHERE {cond}", args)
        ids = [r[0] for r in conn.execute(f"SELECT event FROM event_order WHERE {cond} ORDER BY position LIMIT ? OFFSET ?",
                                          (*args, limit, offset))]
        return total, events_in_order(conn, ids)
    where, order = EVENT_LISTS[name]
    args = ()
    if type:
        where, args = where + " AND e.type = ?", (type,)
    elif not other:
        where += " AND e.type != 'OTHER'"
    total = _count(conn, f"""SELECT COUNT(*) FROM events e JOIN documents d ON d.id = e.doc LEFT JOIN times t ON t.doc = e.doc AND t.idx = e.time
                             {where}""", args)
    return total, event_rows(conn, where, args, order=order, limit=limit, offset=offset)


def page_timeline(conn: sqlite3.Connection, limit: int = 200, offset: int = 0, type: str | None = None, other: bool = True) -> dict:
    """Dated events (event date from the text vs publication date), oldest first; without `other`,
    OTHER events are left out (counted in "other_hidden")."""
    if not has_table(conn, "events"):
        return {"available": False, "events": [], "page": _page(0, limit, offset), "types": [], "other_hidden": 0, "other": other}
    total, events = _list_page(conn, "timeline", limit, offset, type, other)
    hidden = 0
    if not other and not type:
        hidden = (_count(conn, "SELECT COUNT(*) FROM event_order WHERE list = 'timeline' AND type = 'OTHER'") if page_tables_ready(conn)
                  else _count(conn, "SELECT COUNT(*) FROM events e JOIN times t ON t.doc = e.doc AND t.idx = e.time "
                                    "WHERE t.value IS NOT NULL AND e.type = 'OTHER'"))
    return {"available": True, "events": events, "page": _page(total, limit, offset), "types": event_types(conn), "type": type,
            "other_hidden": hidden, "other": other}


def money_list_page(conn: sqlite3.Connection, kinds: tuple[str, ...], limit: int, offset: int) -> tuple[int, list[dict]] | None:
    """(total, events) of one page of the stored money list, only events carrying an amount of `kinds` (the tab's
    own stored list when the corpus step wrote one); None without page tables."""
    if not page_tables_ready(conn):
        return None
    stored = _summary(conn, "money_lists") or {}
    name = kinds_list(kinds)
    if name in stored:  # the tab's own list: a key range, and its length counted once by the corpus step
        ids = [r[0] for r in conn.execute("SELECT event FROM event_order WHERE list = ? ORDER BY position LIMIT ? OFFSET ?",
                                          (name, limit, offset))]
        return stored[name], events_in_order(conn, ids)
    marks = ",".join("?" * len(kinds))
    cond = f"""list = 'money' AND EXISTS (SELECT 1 FROM event_amounts ea JOIN events e ON e.id = ea.event
               JOIN amounts a ON a.doc = e.doc AND a.idx = ea.amount WHERE ea.event = event_order.event AND a.kind IN ({marks}))"""
    total = _count(conn, f"SELECT COUNT(*) FROM event_order WHERE {cond}", kinds)
    ids = [r[0] for r in conn.execute(f"SELECT event FROM event_order WHERE {cond} ORDER BY position LIMIT ? OFFSET ?",
                                      (*kinds, limit, offset))]
    return total, events_in_order(conn, ids)


def money_list_total(conn: sqlite3.Connection, kinds: tuple[str, ...]) -> int | None:
    """How many events the money tab of `kinds` lists, as the corpus step counted them; None when it did not."""
    stored = (_summary(conn, "money_lists") or {}) if page_tables_ready(conn) else {}
    return stored.get(kinds_list(kinds))


def stored_loose_money(conn: sqlite3.Connection, limit: int) -> list[dict] | None:
    """The largest money amounts no event claims, as the corpus step stored them; None without page tables."""
    stored = _summary(conn, "loose_money") if page_tables_ready(conn) else None
    return None if stored is None else _loose_rows(conn, stored[:limit])


def loose_money(conn: sqlite3.Connection, limit: int = LOOSE_MONEY) -> list[list]:
    """[doc, idx] of the largest money amounts that no event claims, largest first."""
    return [[r[0], r[1]] for r in conn.execute(
        """SELECT a.doc, a.idx FROM amounts a
           WHERE a.kind = 'money' AND NOT EXISTS (
               SELECT 1 FROM event_amounts ea JOIN events e ON e.id = ea.event WHERE e.doc = a.doc AND ea.amount = a.idx)
           ORDER BY a.value DESC, a.doc, a.start LIMIT ?""", (limit,))]


def _loose_rows(conn: sqlite3.Connection, keys: list[list]) -> list[dict]:
    if not keys:
        return []
    values = ",".join("(?, ?, ?)" for _ in keys)
    rows = conn.execute(
        f"""WITH k(doc, idx, pos) AS (VALUES {values})
            SELECT a.doc, a.start, a.end, a.text, a.value, a.unit, a.kind, a.sentence, d.outlet, d.title, d.path,
                   substr(d.text, s.start + 1, s.end - s.start) AS sentence_text
            FROM k JOIN amounts a ON a.doc = k.doc AND a.idx = k.idx JOIN documents d ON d.id = a.doc
            LEFT JOIN sentences s ON s.doc = a.doc AND s.idx = a.sentence ORDER BY k.pos""",
        [x for n, (doc, idx) in enumerate(keys) for x in (doc, idx, n)])
    return [dict(r) for r in rows]


VOICES_TOP = 20  # actors in the label matrix


def page_voices(conn: sqlite3.Connection, limit: int = 50, offset: int = 0, top: int = VOICES_TOP,
                min_score: float | None = None) -> dict:
    """Quotes by speaker, the label matrix (actor × outlet) and technique counts per outlet (spans scored at
    least `min_score`; default: the store's, ``techniques.default_min_score``)."""
    total = _count(conn, "SELECT COUNT(*) FROM quotes") if has_table(conn, "quotes") else 0
    quotes = _voice_quotes(conn, limit, offset)
    min_score = _min_score(conn, min_score)
    stored = _summary(conn, "voices") if top == VOICES_TOP and page_tables_ready(conn) else None
    if stored is not None and stored.get("techniques", {}).get("min_score") != min_score:
        stored = None  # stored at another min-score (the corpus step stores the store's default)
    return {"quotes": quotes, "page": _page(total, limit, offset), **(stored or voices_live(conn, top, min_score))}


def voices_live(conn: sqlite3.Connection, top: int = VOICES_TOP, min_score: float | None = None) -> dict:
    """The label matrix and the techniques per outlet (spans scored at least `min_score`) computed from the
    tables (the corpus step stores them at the store's default min-score, ``techniques.default_min_score``)."""
    min_score = _min_score(conn, min_score)
    matrix = label_matrix(conn, top=top)
    techniques: dict = {"outlets": [], "techniques": [], "counts": {}, "min_score": min_score, "below": 0}
    if has_table(conn, "techniques"):
        below = _count(conn, "SELECT COUNT(*) FROM techniques WHERE score < ?", (min_score,))
        counts: dict[str, dict[str, int]] = defaultdict(dict)
        for r in conn.execute(
            """SELECT COALESCE(d.outlet, ?), t.technique, COUNT(*) FROM techniques t JOIN documents d ON d.id = t.doc
               WHERE t.score >= ? GROUP BY 1, 2 ORDER BY 1, 2""", (UNKNOWN_OUTLET, min_score)):
            counts[r[0]][r[1]] = r[2]
        techniques = {"outlets": sorted(counts), "techniques": sorted({t for c in counts.values() for t in c}), "counts": dict(counts),
                      "min_score": min_score, "below": below}
    techniques["summary"] = _outlet_summary(conn, min_score)
    return {"labels": matrix, "techniques": techniques}


def _outlet_summary(conn: sqlite3.Connection, min_score: float | None = None) -> dict[str, dict]:
    """Per outlet: techniques per 1,000 words, loaded-sentence share and the opinion/reporting guess,
    from the techniques part's own query when it is there (empty otherwise)."""
    try:
        from newsgraph.store.queries.techniques import outlet_summary
    except ImportError:
        return {}
    try:
        rows = outlet_summary(conn, min_score)
    except sqlite3.Error:
        return {}
    keep = ("documents", "words", "techniques_per_1000_words", "loaded_sentence_share", "guess")
    return {r["outlet"]: {k: r.get(k) for k in keep} for r in rows if "outlet" in r}


def filter_choices(conn: sqlite3.Connection) -> dict:
    """Outlets and event types offered as search and graph filters."""
    return {
        "outlets": [r[0] for r in conn.execute("SELECT DISTINCT outlet FROM documents WHERE outlet IS NOT NULL ORDER BY 1 LIMIT 500")],
        "types": event_types(conn),
    }
