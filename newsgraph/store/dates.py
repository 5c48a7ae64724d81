"""What the borrowed-dates step (``newsgraph.resolve.dates``) reads from the store and writes back."""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass
class DateInputs:
    """The undated documents, the dated ones, and what the step needs to date the former."""

    undated: list[str]
    published: dict[str, str]  # dated document -> its publication date
    latest_own: dict[str, str | None]  # undated document -> the latest day its own text names
    notes: dict[str, list[str]]  # undated document -> its notes (after `clear_borrowed`)


def clear_borrowed(store, *prefixes: str) -> None:
    """Undo what an earlier run borrowed or noted: notes starting with a prefix go, and a borrowed date with them.

    The first prefix marks a borrowed date; the others mark notes only.
    """
    conn = store.conn
    likes = " OR ".join("notes LIKE ?" for _ in prefixes)
    rows = conn.execute(f"SELECT id, notes FROM documents WHERE {likes}", [f"%{p}%" for p in prefixes]).fetchall()
    for doc_id, notes in rows:
        old = json.loads(notes or "[]")
        kept = [n for n in old if not n.startswith(prefixes)]
        if any(n.startswith(prefixes[0]) for n in old):
            conn.execute("UPDATE documents SET published = NULL, published_inferred = 0, notes = ? WHERE id = ?",
                         (json.dumps(kept), doc_id))
        else:
            conn.execute("UPDATE documents SET notes = ? WHERE id = ?", (json.dumps(kept), doc_id))


def date_inputs(store) -> DateInputs:
    conn = store.conn
    undated = [r[0] for r in conn.execute("SELECT id FROM documents WHERE published IS NULL ORDER BY id")]
    if not undated:
        return DateInputs([], {}, {}, {})
    published = dict(conn.execute("SELECT id, published FROM documents WHERE published IS NOT NULL"))
    latest = dict(conn.execute(
        """SELECT t.doc, MAX(t.value) FROM times t JOIN documents d ON d.id = t.doc
           WHERE d.published IS NULL AND t.granularity = 'day' AND t.value IS NOT NULL GROUP BY t.doc"""))
    notes = {doc: json.loads(n or "[]") for doc, n in conn.execute("SELECT id, notes FROM documents WHERE published IS NULL")}
    return DateInputs(undated, published, {doc: latest.get(doc) for doc in undated}, notes)


def event_sides(store):
    """(event, doc, type, role, entity) of every resolved participant of a stated (not negated) event."""
    return store.conn.execute(
        """SELECT e.id, e.doc, e.type, p.role, m.entity FROM events e
           JOIN event_participants p ON p.event = e.id
           JOIN mentions m ON m.doc = e.doc AND m.idx = p.mention
           WHERE m.entity IS NOT NULL AND e.negated = 0"""
    )


def write_dates(store, rows: list[tuple[str, str | None, list[str]]]) -> None:
    """(doc, borrowed date or None, notes): a date is written as inferred; None keeps the document undated."""
    conn = store.conn
    for doc_id, date, notes in rows:
        if date is None:
            conn.execute("UPDATE documents SET notes = ? WHERE id = ?", (json.dumps(notes), doc_id))
        else:
            conn.execute("UPDATE documents SET published = ?, published_inferred = 1, notes = ? WHERE id = ?",
                         (date, json.dumps(notes), doc_id))
