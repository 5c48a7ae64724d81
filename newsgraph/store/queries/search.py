"""Full-text search over sentences (SQLite FTS5, migration 0005_search) with filters.

Filters narrow to sentences that name an entity, come from an outlet, fall in a
publication-date range, or hold an event of a type.
"""

from __future__ import annotations

import re
import sqlite3

__all__ = ["search_sentences", "fts_query"]

_WORD = re.compile(r"\w+", re.UNICODE)


def fts_query(text: str) -> str:
    """A user's words as an FTS5 query: each word quoted (so operators and punctuation cannot break it), all required.

    A trailing `*` on a word keeps prefix search ("Ros*").
    """
    terms = []
    for raw in text.split():
        prefix = raw.endswith("*")
        for word in _WORD.findall(raw):
            terms.append(f'"{word}"')
        if prefix and terms:
            terms[-1] += "*"
    return " ".join(terms)


def search_sentences(
    conn: sqlite3.Connection,
    q: str,
    entity: str | None = None,
    outlet: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    event_type: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> dict:
    """Sentences matching `q`, best first, each with its document and a highlighted snippet."""
    match = fts_query(q or "")
    page = {"total": 0, "limit": limit, "offset": offset, "next": None, "prev": max(0, offset - limit) if offset else None}
    out = {"q": q, "filters": {"entity": entity, "outlet": outlet, "date_from": date_from, "date_to": date_to, "event_type": event_type},
           "results": [], "page": page}
    if not match:
        return out
    where, args = ["search_fts MATCH ?"], [match]
    if entity:
        where.append("EXISTS (SELECT 1 FROM mentions m WHERE m.doc = r.doc AND m.sentence = r.idx AND m.entity = ?)")
        args.append(entity)
    if outlet:
        where.append("d.outlet = ?")
        args.append(outlet)
    if date_from:
        where.append("d.published >= ?")
        args.append(date_from)
    if date_to:
        where.append("substr(d.published, 1, 10) <= ?")
        args.append(date_to)
    if event_type:
        where.append("EXISTS (SELECT 1 FROM events e WHERE e.doc = r.doc AND e.sentence = r.idx AND e.type = ?)")
        args.append(event_type)
    base = f"""FROM search_fts JOIN search_rows r ON r.id = search_fts.rowid JOIN documents d ON d.id = r.doc
               JOIN sentences s ON s.doc = r.doc AND s.idx = r.idx WHERE {' AND '.join(where)}"""
    page["total"] = conn.execute(f"SELECT COUNT(*) {base}", args).fetchone()[0]
    page["next"] = offset + limit if offset + limit < page["total"] else None
    rows = conn.execute(
        f"""SELECT r.doc, r.idx AS sentence, s.start, s.end, search_fts.text AS text,
                   snippet(search_fts, 0, char(1), char(2), '…', 24) AS snippet,
                   d.title, d.outlet, d.path, d.published
            {base} ORDER BY search_fts.rank LIMIT ? OFFSET ?""",
        (*args, limit, offset),
    )
    out["results"] = [dict(r) for r in rows]
    return out
