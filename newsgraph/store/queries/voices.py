"""Reads of quotes and descriptors: who is quoted, and how each outlet labels each actor."""

from __future__ import annotations

import json
import re
import sqlite3
from collections import defaultdict

from newsgraph.errors import NoSuchEntity

__all__ = ["export_quotes", "export_descriptors", "quotes", "label_matrix", "source_name", "spoken"]

_QUOTES_SQL = """
SELECT q.id, q.doc, q.idx, q.start, q."end", q.text, q.kind, q.cue, q.sentence,
       q.speaker_start, q.speaker_end, q.speaker_text, q.speaker_mention,
       m.entity AS speaker, e.name AS speaker_name, d.outlet, d.path, d.title, d.published,
       q.attribution, q.source_start, q.source_end, q.source_text, q.cue_start, q.cue_end, q.parts,
       am.entity AS affiliation, ae.name AS affiliation_name
FROM quotes q
JOIN documents d ON d.id = q.doc
LEFT JOIN mentions m ON m.doc = q.doc AND m.idx = q.speaker_mention
LEFT JOIN entities e ON e.id = m.entity
LEFT JOIN mentions am ON am.doc = q.doc AND am.idx = q.affiliation_mention
LEFT JOIN entities ae ON ae.id = am.entity
"""

_DESCRIPTORS_SQL = """
SELECT x.id, x.doc, x.idx, x.start, x."end", x.text, x.head, x.polarity, x.voice, x.sentence,
       x.speaker_text, m.entity, e.name AS entity_name, sm.entity AS speaker, d.outlet, d.path, d.title
FROM descriptors x
JOIN documents d ON d.id = x.doc
LEFT JOIN mentions m ON m.doc = x.doc AND m.idx = x.mention
LEFT JOIN entities e ON e.id = m.entity
LEFT JOIN mentions sm ON sm.doc = x.doc AND sm.idx = x.speaker_mention
"""


def source_name(outlet: str | None, path: str | None, title: str | None = None) -> str:
    """What a column of the label matrix is called: the outlet, else the document's path, else its title."""
    return outlet or path or title or "?"


_PARAGRAPH_MARK = re.compile(r"(?:^|(?<=\n))([ \t]*)[\"“](?=[^\"“”\n]*(?:\n|$))")


def spoken(text: str, start: int, parts: str | list | None) -> str:
    """A quote's words as said, for display: its pieces (`parts`, offsets into the document) joined with " … ", so
    that '"A," he said. "B."' reads "A … B"; spacing collapsed, and the mark that opens each later paragraph of a
    quote running over several dropped (a convention of print, not a word: a double mark that nothing closes on its
    line). `text` is the quote's own text, document[start:end]; a quote of one piece reads as its text."""
    pieces = json.loads(parts) if isinstance(parts, str) else (parts or [])
    words = [text[max(0, a - start):max(0, b - start)] for a, b in pieces] if len(pieces) > 1 else [text]
    return " … ".join(" ".join(_PARAGRAPH_MARK.sub(r"\1", w).split()) for w in words if w.strip())


def _events_inside(conn: sqlite3.Connection, doc: str | None = None) -> dict[int, list[int]]:
    """Quote id -> ids of the events whose trigger stands inside the quote (what the speaker says happened)."""
    sql = """SELECT q.id, e.id FROM quotes q JOIN events e ON e.doc = q.doc AND e.start >= q.start AND e."end" <= q."end" """
    args: tuple = ()
    if doc:
        sql += " WHERE q.doc = ?"
        args = (doc,)
    out: dict[int, list[int]] = defaultdict(list)
    for qid, eid in conn.execute(sql + " ORDER BY q.id, e.start", args):
        out[qid].append(eid)
    return out


def export_quotes(conn: sqlite3.Connection) -> list[dict]:
    """The `quotes` list of the newsgraph/1 export: offsets into the document text, speaker as an entity id,
    and the ids of the events reported inside each quote."""
    events = _events_inside(conn)
    return [
        {
            "id": r["id"], "doc": r["doc"], "start": r["start"], "end": r["end"], "text": r["text"],
            "speaker": r["speaker"], "speaker_text": r["speaker_text"], "cue": r["cue"], "kind": r["kind"],
            "source_outlet": r["outlet"], "events": events.get(r["id"], []),
            "source_start": r["source_start"], "source_end": r["source_end"], "source_text": r["source_text"],
            "cue_start": r["cue_start"], "cue_end": r["cue_end"], "attribution": r["attribution"],
            "parts": json.loads(r["parts"]) if r["parts"] else [], "affiliation": r["affiliation"],
        }
        for r in conn.execute(_QUOTES_SQL + " ORDER BY q.doc, q.idx")
    ]


def export_descriptors(conn: sqlite3.Connection) -> list[dict]:
    """The `descriptors` list of the newsgraph/1 export; `speaker` is an entity id when the label is quoted."""
    return [
        {
            "id": r["id"], "doc": r["doc"], "entity": r["entity"], "text": r["text"], "start": r["start"], "end": r["end"],
            "head": r["head"], "polarity": r["polarity"], "voice": r["voice"], "speaker": r["speaker"],
        }
        for r in conn.execute(_DESCRIPTORS_SQL + " ORDER BY x.doc, x.idx")
    ]


def _speaker_filter(conn: sqlite3.Connection, speaker: str) -> tuple[str, tuple, str | None]:
    """A WHERE clause for quotes by `speaker`: the resolved entity, else the speaker's words as written; and the entity.

    A spokesman's words count for whom he speaks for, and a state's officials speak for it: quotes by Russia are
    also those of the people the texts call Russian officials ("Russian Foreign Minister Sergei Lavrov", the
    `affiliations` of kind official; an opposition leader is none)."""
    from newsgraph.store.queries.core import find_entity

    try:
        entity = find_entity(conn, speaker)
        return (" WHERE (m.entity = ? OR am.entity = ? OR m.entity IN "
                "(SELECT entity FROM affiliations WHERE state = ? AND kind = 'official'))"), (entity, entity, entity), entity
    except NoSuchEntity:
        hit = conn.execute("SELECT 1 FROM quotes WHERE speaker_text LIKE ? LIMIT 1", (f"%{speaker}%",)).fetchone()
        if hit is None:
            raise
        return " WHERE q.speaker_text LIKE ?", (f"%{speaker}%",), None


def quotes(conn: sqlite3.Connection, speaker: str | None = None, limit: int | None = None) -> list[dict]:
    """Quotes with their speaker (entity name, else the words naming the speaker) and source, newest documents first."""
    sql, args, entity = _QUOTES_SQL, (), None
    if speaker:
        where, args, entity = _speaker_filter(conn, speaker)
        sql += where
    sql += " ORDER BY d.published IS NULL, d.published DESC, d.path, q.idx"
    if limit:
        sql += f" LIMIT {int(limit)}"
    out = []
    events = _events_inside(conn)
    if entity is not None:
        named = conn.execute("SELECT name FROM entities WHERE id = ?", (entity,)).fetchone()
        entity_name = named[0] if named else entity
    for r in conn.execute(sql, args):
        row = dict(r)
        row["events"] = events.get(r["id"], [])
        row["speaker_display"] = r["speaker_name"] or r["source_text"] or r["speaker_text"]
        if r["affiliation_name"] and not r["speaker_name"]:
            row["speaker_display"] = f"{row['speaker_display']} ({r['affiliation_name']})"
        row["speaks_for"] = None
        if entity is not None and r["speaker"] != entity and r["affiliation"] != entity:
            # one of the state's officials: said for it, by them
            row["speaks_for"] = entity
            row["speaker_display"] = f"{row['speaker_display']} (for {entity_name})"
        row["parts"] = json.loads(r["parts"]) if r["parts"] else []
        row["words"] = spoken(r["text"], r["start"], row["parts"])
        row["source"] = source_name(r["outlet"], r["path"], r["title"])
        out.append(row)
    return out


def label_matrix(conn: sqlite3.Connection, entity: str | None = None) -> list[dict]:
    """Actor x outlet: the labels each outlet (or document, when it has no outlet) puts on each actor.

    One row per actor, most labelled first: ``{"entity", "name", "outlets": [{"outlet", "labels": [{"label",
    "head", "polarity", "count", "outlet_voice", "quoted"}]}]}``. Labels are grouped case-insensitively with
    spacing collapsed and shown in their most frequent spelling; ``quoted`` counts labels said by a quoted
    speaker rather than in the outlet's own voice.
    """
    from newsgraph.store.queries.core import find_entity

    from newsgraph.store.queries.stories import counted

    sql, args = _DESCRIPTORS_SQL + f" WHERE m.entity IS NOT NULL AND {counted(conn, 'x.doc')}", ()
    if entity:
        sql += " AND m.entity = ?"
        args = (find_entity(conn, entity),)
    cells: dict[tuple[str, str], dict[str, dict]] = defaultdict(dict)
    names: dict[str, str] = {}
    for r in conn.execute(sql + " ORDER BY x.doc, x.idx", args):
        names[r["entity"]] = r["entity_name"] or r["entity"]
        label = " ".join(r["text"].split())
        key = label.lower()
        cell = cells[(r["entity"], source_name(r["outlet"], r["path"], r["title"]))]
        entry = cell.setdefault(key, {"spellings": defaultdict(int), "head": r["head"], "polarity": r["polarity"],
                                      "count": 0, "outlet_voice": 0, "quoted": 0})
        entry["spellings"][label] += 1
        entry["count"] += 1
        entry["outlet_voice" if r["voice"] == "outlet" else "quoted"] += 1
    rows: dict[str, dict] = {}
    for (ent, outlet), labels in cells.items():
        row = rows.setdefault(ent, {"entity": ent, "name": names[ent], "count": 0, "outlets": []})
        shown = []
        for entry in labels.values():
            spelling = max(entry.pop("spellings").items(), key=lambda kv: (kv[1], kv[0]))[0]
            shown.append({"label": spelling, **entry})
        shown.sort(key=lambda e: (-e["count"], e["label"].lower()))
        row["outlets"].append({"outlet": outlet, "labels": shown})
        row["count"] += sum(e["count"] for e in shown)
    for row in rows.values():
        row["outlets"].sort(key=lambda o: o["outlet"])
    return sorted(rows.values(), key=lambda r: (-r["count"], r["name"]))
