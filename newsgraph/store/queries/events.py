"""Reads of events, times, fact groups, conflicts and the actor graph's edges.

Every function builds its rows with a few set-based queries and assembles them in
Python, so the export of a large corpus costs a handful of statements, not one per event.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict

from newsgraph.model import OTHER_SIDE_ROLES
from newsgraph.store.queries.schema import has_table

__all__ = [
    "export_events",
    "export_conflicts",
    "export_times",
    "list_events",
    "timeline",
    "list_conflicts",
    "graph_edges",
]

_EVENT_SQL = """
SELECT e.id, e.doc, e.idx, e.type, e.predicate, e.trigger, e.start, e."end", e.sentence AS sentence_idx, e.negated,
       e.modality, e.grp, s.start AS sentence_start, s."end" AS sentence_end,
       substr(d.text, s.start + 1, s."end" - s.start) AS sentence, d.path, d.title, d.published,
       t.value AS date, t.granularity AS date_granularity, t.text AS date_text, t.anchor AS date_anchor,
       d.published_inferred
FROM events e
JOIN documents d ON d.id = e.doc
LEFT JOIN sentences s ON s.doc = e.doc AND s.idx = e.sentence
LEFT JOIN times t ON t.doc = e.doc AND t.idx = e.time
"""


def _participants(conn: sqlite3.Connection, where: str = "", args: tuple = ()) -> dict[int, list[dict]]:
    out: dict[int, list[dict]] = defaultdict(list)
    rows = conn.execute(
        f"""SELECT p.event, p.role, p.start, p."end", p.text, p.mention, m.entity, en.name
            FROM event_participants p JOIN events e ON e.id = p.event
            LEFT JOIN mentions m ON m.doc = e.doc AND m.idx = p.mention
            LEFT JOIN entities en ON en.id = m.entity {where} ORDER BY p.rowid""",
        args,
    )
    for r in rows:
        out[r["event"]].append(dict(r))
    return out


def _amounts(conn: sqlite3.Connection, where: str = "", args: tuple = ()) -> dict[int, list[dict]]:
    out: dict[int, list[dict]] = defaultdict(list)
    rows = conn.execute(
        f"""SELECT ea.event, a.value, a.unit, a.text, a.start, a."end", a.kind
            FROM event_amounts ea JOIN events e ON e.id = ea.event
            JOIN amounts a ON a.doc = e.doc AND a.idx = ea.amount {where} ORDER BY ea.rowid""",
        args,
    )
    for r in rows:
        out[r["event"]].append({"value": r["value"], "unit": r["unit"], "text": r["text"], "start": r["start"], "end": r["end"]})
    return out


def _first(parts: list[dict], roles: tuple[str, ...]) -> str | None:
    for role in roles:
        for p in parts:
            if p["role"] == role and p["entity"]:
                return p["entity"]
    return None


def _event_dict(r: sqlite3.Row, parts: list[dict], amounts: list[dict]) -> dict:
    source = next((p for p in parts if p["role"] == "source"), None)
    actors = [p for p in parts if p["role"] != "source"]
    return {
        "id": r["id"],
        "doc": r["doc"],
        "type": r["type"],
        "predicate": r["predicate"],
        "trigger": r["trigger"],
        "start": r["start"],
        "end": r["end"],
        "sentence": r["sentence"],
        "sentence_start": r["sentence_start"],
        "sentence_end": r["sentence_end"],
        "subject": _first(actors, ("subject",)),
        "object": _first(actors, OTHER_SIDE_ROLES),
        "participants": [{"entity": p["entity"], "role": p["role"]} for p in actors],
        "date": r["date"],
        "date_granularity": r["date_granularity"],
        "amounts": amounts,
        "source": source["entity"] if source else None,
        "negated": bool(r["negated"]),
        "modality": r["modality"],
        "group": r["grp"],
    }


def export_events(conn: sqlite3.Connection) -> list[dict]:
    """Every event in the export contract; entity fields hold entity ids."""
    parts = _participants(conn)
    amounts = _amounts(conn)
    rows = conn.execute(_EVENT_SQL + " ORDER BY e.doc, e.idx")
    return [_event_dict(r, parts.get(r["id"], []), amounts.get(r["id"], [])) for r in rows]


def export_times(conn: sqlite3.Connection) -> list[dict]:
    return [
        dict(r)
        for r in conn.execute('SELECT id, doc, start, "end", text, value, granularity, anchor, type, timex FROM times ORDER BY doc, idx')
    ]


def export_conflicts(conn: sqlite3.Connection) -> list[dict]:
    if not has_table(conn, "conflicts"):
        return []
    values: dict[int, list[dict]] = defaultdict(list)
    for r in conn.execute(
        'SELECT conflict, value, unit, date, entity, event, doc, source, text FROM conflict_values ORDER BY conflict, rowid'
    ):
        value = r["value"] if r["value"] is not None else (r["entity"] if r["entity"] is not None else r["date"])
        values[r["conflict"]].append(
            {"value": value, "unit": r["unit"], "event": r["event"],
             "doc": r["doc"], "source": r["source"], "text": r["text"]}
        )
    return [
        {"id": r["id"], "kind": r["kind"], "subject": r["subject"], "object": r["object"], "type": r["type"],
         "values": values.get(r["id"], []), "explanation": r["explanation"]}
        for r in conn.execute("SELECT id, kind, subject, object, type, explanation FROM conflicts ORDER BY id")
    ]


# --- for the CLI, report and web -----------------------------------------------------------------

def _entity_events(conn: sqlite3.Connection, entity: str) -> set[int]:
    return {
        r[0]
        for r in conn.execute(
            """SELECT DISTINCT p.event FROM event_participants p JOIN events e ON e.id = p.event
               JOIN mentions m ON m.doc = e.doc AND m.idx = p.mention WHERE m.entity = ?""",
            (entity,),
        )
    }


def list_events(conn: sqlite3.Connection, entity: str | None = None, type: str | None = None, limit: int | None = None) -> list[dict]:
    """Events, optionally those an entity (id) takes part in and/or of one type; with names for display."""
    sql = _EVENT_SQL
    where, args = [], []
    if type:
        where.append("e.type = ?")
        args.append(type.upper())
    if entity:
        ids = _entity_events(conn, entity)
        if not ids:
            return []
        where.append(f"e.id IN ({','.join('?' * len(ids))})")
        args.extend(sorted(ids))
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY t.value IS NULL, t.value, d.published, e.doc, e.idx"
    if limit:
        sql += f" LIMIT {int(limit)}"
    rows = conn.execute(sql, args).fetchall()
    parts = _participants(conn)
    amounts = _amounts(conn)
    out = []
    for r in rows:
        d = _event_dict(r, parts.get(r["id"], []), amounts.get(r["id"], []))
        d["path"] = r["path"]
        d["date_text"] = r["date_text"]
        d["date_guessed"] = date_guessed(r)
        d["actors"] = [
            {"role": p["role"], "entity": p["entity"], "name": p["name"] or p["text"], "text": p["text"]}
            for p in parts.get(r["id"], [])
        ]
        out.append(d)
    return out


def date_guessed(row) -> bool:
    """Whether an event's date ("Sunday", "last week", "January 10" without its year) was counted from a publication
    date the text only suggested: then the date is a guess too."""
    return bool(row["date_anchor"] and row["published_inferred"])


def timeline(conn: sqlite3.Connection, entity: str | None = None) -> list[dict]:
    """Dated events in date order (the date of the clause; undated events are left out)."""
    return [e for e in list_events(conn, entity=entity) if e["date"]]


def list_conflicts(conn: sqlite3.Connection) -> list[dict]:
    """Conflicts with each value's source, sentence and document, for display side by side."""
    if not has_table(conn, "conflicts"):
        return []
    names = dict(conn.execute("SELECT id, name FROM entities"))
    out = []
    for c in conn.execute("SELECT id, kind, subject, object, type, explanation FROM conflicts ORDER BY id").fetchall():
        values = []
        for v in conn.execute(
            """SELECT v.*, d.path, d.title, s.start AS s_start, s."end" AS s_end,
                      substr(d.text, s.start + 1, s."end" - s.start) AS sentence_text
               FROM conflict_values v JOIN documents d ON d.id = v.doc
               LEFT JOIN sentences s ON s.doc = v.doc AND s.idx = v.sentence WHERE v.conflict = ? ORDER BY v.rowid""",
            (c["id"],),
        ):
            values.append({
                "value": v["value"], "unit": v["unit"], "date": v["date"], "text": v["text"], "event": v["event"],
                "entity": v["entity"], "entity_name": " and ".join(names.get(e, e) for e in v["entity"].split(";")) if v["entity"] else None,
                "doc": v["doc"], "path": v["path"], "title": v["title"], "source": v["source"],
                "source_name": names.get(v["source"]) or v["source_text"], "words": v["words"],
                "sentence": v["sentence_text"], "sentence_start": v["s_start"], "sentence_end": v["s_end"],
            })
        out.append({
            "id": c["id"], "kind": c["kind"], "type": c["type"], "subject": c["subject"], "object": c["object"],
            "subject_name": " and ".join(names.get(e, e) for e in (c["subject"] or "").split(";")) or None,
            "object_name": " and ".join(names.get(e, e) for e in (c["object"] or "").split(";")) or None,
            "explanation": c["explanation"], "values": values,
        })
    return out


def graph_edges(conn: sqlite3.Connection) -> list[dict]:
    """Directed actor-to-actor edges, one per (source entity, target entity, event type), with counts, money and documents."""
    edges: dict[tuple[str, str, str], dict] = {}
    parts = _participants(conn)
    amounts = _amounts(conn)
    for r in conn.execute("SELECT id, doc, type FROM events WHERE negated = 0"):
        ps = parts.get(r["id"], [])
        subjects = {p["entity"] for p in ps if p["role"] == "subject" and p["entity"]}
        others = {p["entity"] for p in ps if p["role"] in OTHER_SIDE_ROLES and p["entity"]}
        money = sum(a["value"] or 0 for a in amounts.get(r["id"], []) if a["unit"] and len(a["unit"]) == 3 and a["unit"].isupper())
        for s in subjects:
            for o in others - {s}:
                key = (s, o, r["type"])
                e = edges.setdefault(key, {"source": s, "target": o, "type": r["type"], "count": 0, "amount": 0.0, "documents": set(), "events": []})
                e["count"] += 1
                e["amount"] += money
                e["documents"].add(r["doc"])
                e["events"].append(r["id"])
    out = []
    for e in edges.values():
        e["documents"] = sorted(e["documents"])
        out.append(e)
    return sorted(out, key=lambda e: (-e["count"], e["source"], e["target"], e["type"]))
