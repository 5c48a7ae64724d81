"""Reads of documents, entities and mentions."""

from __future__ import annotations

import json
import sqlite3

from newsgraph.errors import NoSuchEntity
from newsgraph.lexicons.places import fold
from newsgraph.store.queries.schema import has_table

__all__ = [
    "stats",
    "skipped_inputs",
    "list_documents",
    "get_document",
    "list_entities",
    "find_entity",
    "current_entity_id",
    "get_entity",
    "entity_mentions",
    "entity_merges",
    "export_documents",
    "export_entities",
    "export_mentions",
    "export_local_mentions",
    "sentence_text",
    "span_text",
    "documents_by_date",
    "entity_rows",
]


def stats(conn: sqlite3.Connection) -> dict:
    def count(sql: str) -> int:
        return conn.execute(sql).fetchone()[0]

    from newsgraph.store.queries.stories import counted

    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    per_doc = ("mentions", "events", "amounts", "times", "quotes", "descriptors", "techniques")
    counts = {
        name: count(f"SELECT COUNT(*) FROM {name}" + (f" WHERE {counted(conn)}" if name in per_doc else
                                                      f" WHERE {counted(conn, 'id')}" if name == "documents" else ""))
        for name in ("documents", "entities", "mentions", "events", "amounts", "times", "quotes", "descriptors", "techniques", "conflicts")
        if name in tables
    }
    if "copies" in tables:
        counts["copies"] = count("SELECT COUNT(*) FROM copies")  # documents counted once, through the text they copy
    counts["words"] = count("SELECT COALESCE(SUM(words), 0) FROM documents")
    counts["outlets"] = count("SELECT COUNT(DISTINCT outlet) FROM documents WHERE outlet IS NOT NULL")
    counts["skipped"] = count("SELECT COUNT(*) FROM skipped")
    by_type = dict(conn.execute("SELECT type, COUNT(*) FROM entities GROUP BY type ORDER BY 2 DESC").fetchall())
    span = conn.execute("SELECT MIN(published), MAX(published) FROM documents WHERE published IS NOT NULL").fetchone()
    return {"counts": counts, "entity_types": by_type, "published": {"first": span[0], "last": span[1]}}


def skipped_inputs(conn: sqlite3.Connection) -> list[dict]:
    return [dict(r) for r in conn.execute("SELECT path, code, reason, at FROM skipped ORDER BY path")]


def list_documents(conn: sqlite3.Connection, limit: int = 100, offset: int = 0) -> list[dict]:
    rows = conn.execute(
        """SELECT d.id, d.path, d.title, d.outlet, d.url, d.published, d.published_inferred, d.words,
                  (SELECT COUNT(*) FROM mentions m WHERE m.doc = d.id) AS mentions
           FROM documents d ORDER BY d.published IS NULL, d.published, d.path LIMIT ? OFFSET ?""",
        (limit, offset),
    )
    return [dict(r) for r in rows]


def get_document(conn: sqlite3.Connection, doc_id: str) -> dict | None:
    row = conn.execute("SELECT * FROM documents WHERE id = ?", (doc_id,)).fetchone()
    if row is None:
        return None
    out = dict(row)
    out["notes"] = json.loads(out.get("notes") or "[]")
    out["sentences"] = [dict(r) for r in conn.execute("SELECT idx, start, end FROM sentences WHERE doc = ? ORDER BY idx", (doc_id,))]
    return out


def list_entities(conn: sqlite3.Connection, top: int | None = None, type: str | None = None, offset: int = 0) -> list[dict]:
    sql = "SELECT id, name, type, mentions, documents FROM entities"
    args: list = []
    if type:
        sql += " WHERE type = ?"
        args.append(type)
    sql += " ORDER BY mentions DESC, documents DESC, name"
    if top:
        sql += " LIMIT ? OFFSET ?"
        args += [top, offset]
    entities = [dict(r) for r in conn.execute(sql, args)]
    for e in entities:
        e["aliases"] = [r[0] for r in conn.execute("SELECT alias FROM entity_aliases WHERE entity = ? ORDER BY count DESC, alias", (e["id"],))]
        e["roles"] = sorted({r[0] for r in conn.execute("SELECT role FROM entity_roles WHERE entity = ?", (e["id"],))})
    return entities


def find_entity(conn: sqlite3.Connection, name: str) -> str:
    """The id of the entity a user means by `name`: an id, a name, or an alias (folded), else the closest alias."""
    row = conn.execute("SELECT id FROM entities WHERE id = ?", (name,)).fetchone()
    if row:
        return row[0]
    moved = current_entity_id(conn, name)
    if moved:
        return moved
    key = fold(name)
    for sql in (
        "SELECT id FROM entities WHERE lower(name) = lower(?) ORDER BY mentions DESC",
        "SELECT e.id FROM entity_aliases a JOIN entities e ON e.id = a.entity WHERE lower(a.alias) = lower(?) ORDER BY e.mentions DESC",
    ):
        row = conn.execute(sql, (name,)).fetchone()
        if row:
            return row[0]
    row = conn.execute(
        "SELECT m.entity FROM mentions m WHERE m.key = ? AND m.form = 'name' AND m.entity IS NOT NULL GROUP BY m.entity ORDER BY COUNT(*) DESC",
        (key,),
    ).fetchone()
    if row:
        return row[0]
    from rapidfuzz import process

    aliases = {r[0]: r[1] for r in conn.execute("SELECT alias, entity FROM entity_aliases")}
    best = process.extractOne(name, list(aliases), score_cutoff=85) if aliases else None
    if best:
        return aliases[best[0]]
    from newsgraph.store.queries.suggest import suggest_entities

    raise NoSuchEntity(name, suggest_entities(conn, name))


def current_entity_id(conn: sqlite3.Connection, entity_id: str) -> str | None:
    """The id an entity has now: itself, the entity an old id redirects to (store/migrations/0090), or None."""
    row = conn.execute("SELECT id FROM entities WHERE id = ?", (entity_id,)).fetchone()
    if row:
        return row[0]
    try:
        row = conn.execute(
            "SELECT r.entity FROM entity_redirects r JOIN entities e ON e.id = r.entity WHERE r.old = ?", (entity_id,)
        ).fetchone()
    except sqlite3.OperationalError:  # a database from before the redirects table
        return None
    return row[0] if row else None


def get_entity(conn: sqlite3.Connection, entity_id: str) -> dict | None:
    """One entity with aliases, roles and merges; an old id that redirects gives the entity it moved to,
    with `redirected_from` set to the old id."""
    row = conn.execute("SELECT id, name, type, mentions, documents FROM entities WHERE id = ?", (entity_id,)).fetchone()
    if row is None:
        moved = current_entity_id(conn, entity_id)
        if moved is None:
            return None
        e = get_entity(conn, moved)
        e["redirected_from"] = entity_id
        return e
    e = dict(row)
    e["aliases"] = [dict(r) for r in conn.execute("SELECT alias, count FROM entity_aliases WHERE entity = ? ORDER BY count DESC, alias", (entity_id,))]
    e["roles"] = [dict(r) for r in conn.execute(
        """SELECT r.role, r.doc, d.path, d.outlet FROM entity_roles r JOIN documents d ON d.id = r.doc
           WHERE r.entity = ? ORDER BY r.role, d.path""", (entity_id,))]
    e["merges"] = entity_merges(conn, entity_id)
    return e


def entity_merges(conn: sqlite3.Connection, entity_id: str) -> list[dict]:
    return [dict(r) for r in conn.execute("SELECT a, b, reason FROM merges WHERE entity = ? ORDER BY id", (entity_id,))]


def sentence_text(conn: sqlite3.Connection, doc: str, idx: int) -> tuple[int, int, str]:
    row = conn.execute(
        "SELECT s.start, s.end, substr(d.text, s.start + 1, s.end - s.start) FROM sentences s JOIN documents d ON d.id = s.doc WHERE s.doc = ? AND s.idx = ?",
        (doc, idx),
    ).fetchone()
    return (row[0], row[1], row[2]) if row else (0, 0, "")


def span_text(conn: sqlite3.Connection, doc: str, start: int, end: int) -> str | None:
    """The document's text from `start` to `end` (character offsets), as read."""
    row = conn.execute("SELECT substr(text, ? + 1, ? - ?) FROM documents WHERE id = ?", (start, end, start, doc)).fetchone()
    return row[0] if row else None


def documents_by_date(conn: sqlite3.Connection, limit: int) -> list[str]:
    """Document ids, earliest publication first (undated last, then by path)."""
    return [r[0] for r in conn.execute("SELECT id FROM documents ORDER BY published IS NULL, published, path LIMIT ?", (limit,))]


def entity_rows(conn: sqlite3.Connection) -> list[dict]:
    return [dict(r) for r in conn.execute("SELECT id, name, type, mentions, documents FROM entities")]


def entity_mentions(conn: sqlite3.Connection, entity_id: str, limit: int | None = None, offset: int = 0) -> list[dict]:
    """Mentions of an entity, each with its document and the sentence it stands in."""
    sql = """SELECT m.doc, d.path, d.title, d.outlet, m.start, m.end, m.text, m.role, m.kind, m.link_reason, m.form,
                    s.start AS sentence_start, s.end AS sentence_end,
                    substr(d.text, s.start + 1, s.end - s.start) AS sentence
             FROM mentions m JOIN documents d ON d.id = m.doc
             LEFT JOIN sentences s ON s.doc = m.doc AND s.idx = m.sentence
             WHERE m.entity = ? ORDER BY d.path, m.start"""
    args: list = [entity_id]
    if limit:
        sql += " LIMIT ? OFFSET ?"
        args += [limit, offset]
    return [dict(r) for r in conn.execute(sql, args)]


# --- export (the newsgraph/1 contract) ---------------------------------------------------------

def export_documents(conn: sqlite3.Connection) -> list[dict]:
    return [
        {
            "id": r["id"], "path": r["path"], "title": r["title"], "outlet": r["outlet"], "url": r["url"],
            "published": r["published"], "published_inferred": bool(r["published_inferred"]), "language": r["language"],
            "sha256": r["sha256"], "text": r["text"],
        }
        for r in conn.execute("SELECT * FROM documents ORDER BY path, id")
    ]


def export_entities(conn: sqlite3.Connection) -> list[dict]:
    aliases: dict[str, list[str]] = {}
    for r in conn.execute("SELECT entity, alias FROM entity_aliases ORDER BY entity, count DESC, alias"):
        aliases.setdefault(r[0], []).append(r[1])
    roles: dict[str, set[str]] = {}
    for r in conn.execute("SELECT entity, role FROM entity_roles"):
        roles.setdefault(r[0], set()).add(r[1])
    docs: dict[str, list[str]] = {}
    for r in conn.execute("SELECT DISTINCT entity, doc FROM mentions WHERE entity IS NOT NULL ORDER BY entity, doc"):
        docs.setdefault(r[0], []).append(r[1])
    return [
        {
            "id": r["id"], "name": r["name"], "type": r["type"], "aliases": aliases.get(r["id"], []),
            "roles": sorted(roles.get(r["id"], ())), "documents": docs.get(r["id"], []), "mentions": r["mentions"],
            "affiliation": r["affiliation"] if "affiliation" in r.keys() else None,
        }
        for r in conn.execute("SELECT * FROM entities ORDER BY mentions DESC, id")
    ]


def export_local_mentions(conn: sqlite3.Connection) -> list[dict]:
    """Mentions of chains no name heads, per document (empty for a store from before they existed)."""
    if not has_table(conn, "local_mentions"):
        return []
    return [
        dict(r)
        for r in conn.execute(
            """SELECT l.doc, l.chain, l.start, l.end, l.text, l.form, l.reason, s.start AS sentence_start, s.end AS sentence_end
               FROM local_mentions l LEFT JOIN sentences s ON s.doc = l.doc AND s.idx = l.sentence ORDER BY l.doc, l.start"""
        )
    ]


def export_mentions(conn: sqlite3.Connection) -> list[dict]:
    return [
        dict(r)
        for r in conn.execute(
            """SELECT m.entity, m.doc, m.start, m.end, m.text, s.start AS sentence_start, s.end AS sentence_end, m.form
               FROM mentions m LEFT JOIN sentences s ON s.doc = m.doc AND s.idx = m.sentence
               WHERE m.entity IS NOT NULL ORDER BY m.doc, m.start"""
        )
    ]
