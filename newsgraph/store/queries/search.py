"""Full-text search over sentences (SQLite FTS5, migration 0005_search) with filters.

Filters narrow to sentences that name an entity, come from an outlet, fall in a
publication-date range, or hold an event of a type.

The work of one query is bounded, so no query can hold the server: the words are
deduplicated and at most MAX_TERMS are used (each at most MAX_TERM_CHARS long);
function words are left out when other words remain; at most ROW_CAP matching
sentences are ranked (the answer then says "at least"); and the web app gives a
search a time budget, past which it answers "too broad" (`too_broad`).
"""

from __future__ import annotations

import re
import sqlite3

__all__ = ["search_sentences", "fts_query", "query_terms", "too_broad", "MAX_TERMS", "ROW_CAP"]

_WORD = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 10
MAX_TERM_CHARS = 64
ROW_CAP = 5000  # matching sentences ranked at most; a broader query ranks the first ROW_CAP it finds
# Function words that match most sentences of any English news text. A short list of our own rather than
# a library's stop list: those (spaCy's has 326 words) hold words people search news for ("top", "first", "call").
STOP_WORDS = frozenset(
    "a an the and or but of to in on at by for from with as is are was were be been it its this that these those "
    "he she they we i you his her their our not no".split()
)


def query_terms(text: str) -> tuple[list[str], list[str]]:
    """(terms, notes): the user's words as FTS5 terms, each quoted (so operators and punctuation cannot break
    the query), deduplicated, function words left out when other words remain, at most MAX_TERMS of them.
    A trailing `*` on a word keeps prefix search ("Ros*")."""
    terms: list[str] = []
    for raw in text.split():
        prefix = raw.endswith("*")
        words = [w[:MAX_TERM_CHARS] for w in _WORD.findall(raw)]
        for i, word in enumerate(words):
            terms.append(f'"{word}"' + ("*" if prefix and i == len(words) - 1 else ""))
    notes = []
    unique = list(dict.fromkeys(terms))
    content = [t for t in unique if t.strip('"*').lower() not in STOP_WORDS]
    if content and len(content) < len(unique):
        notes.append("common words left out: " + ", ".join(sorted({t.strip('"*').lower() for t in unique} - {t.strip('"*').lower() for t in content})))
        unique = content
    if len(unique) > MAX_TERMS:
        notes.append(f"only the first {MAX_TERMS} different words were searched")
        unique = unique[:MAX_TERMS]
    return unique, notes


def fts_query(text: str) -> str:
    """A user's words as an FTS5 query: every word required (see `query_terms`)."""
    return " ".join(query_terms(text)[0])


def _empty(q: str, entity, outlet, date_from, date_to, event_type, limit: int, offset: int) -> dict:
    page = {"total": 0, "limit": limit, "offset": offset, "next": None, "prev": max(0, offset - limit) if offset else None}
    return {"q": q, "filters": {"entity": entity, "outlet": outlet, "date_from": date_from, "date_to": date_to, "event_type": event_type},
            "results": [], "page": page, "capped": False, "notes": [], "error": None}


def too_broad(q: str, entity: str | None = None, outlet: str | None = None, date_from: str | None = None, date_to: str | None = None,
              event_type: str | None = None, limit: int = 20, offset: int = 0) -> dict:
    """The answer to a search that ran over its time budget: no results, and what to do."""
    out = _empty(q, entity, outlet, date_from, date_to, event_type, limit, offset)
    out["error"] = "Query too broad: it matches too many sentences to rank in time. Add a rarer word or a filter."
    return out


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
    out = _empty(q, entity, outlet, date_from, date_to, event_type, limit, offset)
    terms, out["notes"] = query_terms(q or "")
    if not terms:
        return out
    match = " ".join(terms)
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
    # The matches (after filters) are gathered first, at most ROW_CAP of them; only those are ranked and counted.
    rows = conn.execute(
        f"""WITH hits AS (
                SELECT search_fts.rowid AS id, search_fts.rank AS rank, r.doc AS doc, r.idx AS idx
                FROM search_fts JOIN search_rows r ON r.id = search_fts.rowid JOIN documents d ON d.id = r.doc
                WHERE {' AND '.join(where)} LIMIT ?)
            SELECT h.id, h.doc, h.idx AS sentence, s.start, s.end, d.title, d.outlet, d.path, d.published, COUNT(*) OVER () AS total
            FROM hits h JOIN documents d ON d.id = h.doc JOIN sentences s ON s.doc = h.doc AND s.idx = h.idx
            ORDER BY h.rank, h.id LIMIT ? OFFSET ?""",
        (*args, ROW_CAP, limit, offset),
    ).fetchall()
    page = out["page"]
    if rows:
        page["total"] = rows[0]["total"]
    elif offset:
        page["total"] = conn.execute(
            f"""SELECT COUNT(*) FROM (SELECT 1 FROM search_fts JOIN search_rows r ON r.id = search_fts.rowid
                JOIN documents d ON d.id = r.doc WHERE {' AND '.join(where)} LIMIT ?)""", (*args, ROW_CAP)).fetchone()[0]
    out["capped"] = page["total"] >= ROW_CAP
    page["next"] = offset + limit if offset + limit < page["total"] else None
    snippets = {}
    if rows:
        ids = [r["id"] for r in rows]
        snippets = {r[0]: (r[1], r[2]) for r in conn.execute(
            f"""SELECT rowid, text, snippet(search_fts, 0, char(1), char(2), '…', 24) FROM search_fts
                WHERE search_fts MATCH ? AND rowid IN ({','.join('?' * len(ids))})""", (match, *ids))}
    out["results"] = [
        {"doc": r["doc"], "sentence": r["sentence"], "start": r["start"], "end": r["end"], "text": snippets.get(r["id"], ("", ""))[0],
         "snippet": snippets.get(r["id"], ("", ""))[1], "title": r["title"], "outlet": r["outlet"], "path": r["path"], "published": r["published"]}
        for r in rows
    ]
    return out
