"""Reads of what following a story adds: copies of a text, page versions, stories, lineage of figures, arrivals.

Shared by the CLI (`newsgraph stories`, `newsgraph conflicts`), the web app (/stories,
/story/{id}, the home page's arrivals, the reader's "also in"), the report and the export.
A store written before these tables existed reads as having none of them.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict

from newsgraph.store.queries.schema import has_table

__all__ = [
    "counted",
    "arrivals",
    "document_copies",
    "page_stories",
    "page_story",
    "conflict_lineage",
    "list_lineage",
    "export_stories",
    "export_claims",
    "add_to_export",
]


def counted(conn: sqlite3.Connection, column: str = "doc") -> str:
    """A SQL condition on `column` (a document id) that leaves copies of a text out: what counts each text once."""
    return f"{column} NOT IN (SELECT doc FROM copies)" if has_table(conn, "copies") else "1"


def _name(row) -> str:
    import os

    return row["outlet"] or row["title"] or os.path.basename(str(row["path"] or "")) or row["id"]


# --- arrivals --------------------------------------------------------------------------------

def arrivals(conn: sqlite3.Connection, since: str | None = None, limit: int = 20) -> dict:
    """Documents added to the store after `since` (a `documents.added_at` stamp), newest first.

    Without `since`: the documents of the latest build (those added within the minute of the newest).
    ``latest`` is the stamp to pass as `since` next time.
    """
    latest = conn.execute("SELECT MAX(added_at) FROM documents").fetchone()[0]
    if since:
        where, args = "d.added_at > ?", [since]
    elif latest:
        where, args = "d.added_at >= datetime(?, '-60 seconds')", [latest]
    else:
        return {"since": since, "latest": None, "total": 0, "documents": [], "stories": []}
    total = conn.execute(f"SELECT COUNT(*) FROM documents d WHERE {where}", args).fetchone()[0]
    rows = [dict(r) for r in conn.execute(
        f"""SELECT d.id, d.path, d.title, d.outlet, d.published, d.published_inferred, d.added_at
            FROM documents d WHERE {where} ORDER BY d.added_at DESC, d.published DESC, d.path LIMIT ?""", (*args, limit))]
    stories = []
    if has_table(conn, "stories") and rows:
        stories = [dict(r) for r in conn.execute(
            f"""SELECT s.id, s.title, s.documents, s.outlets, s.first, s.last, COUNT(*) AS new
                FROM story_documents sd JOIN stories s ON s.id = sd.story JOIN documents d ON d.id = sd.doc
                WHERE {where} GROUP BY s.id ORDER BY new DESC, s.updated_at DESC LIMIT 10""", args)]
    return {"since": since, "latest": latest, "total": total, "documents": rows, "stories": stories}


# --- copies and versions ---------------------------------------------------------------------

def document_copies(conn: sqlite3.Connection, doc_id: str) -> dict:
    """The other documents carrying this document's text ("also in"), and the versions of its page."""
    from newsgraph.store.web import VERSION

    out: dict = {"canonical": doc_id, "kind": None, "also_in": [], "versions": []}
    if not has_table(conn, "copies"):
        return out
    row = conn.execute("SELECT canonical, kind FROM copies WHERE doc = ?", (doc_id,)).fetchone()
    canonical = row["canonical"] if row else doc_id
    out["canonical"], out["kind"] = canonical, row["kind"] if row else None
    members = [canonical] + [r[0] for r in conn.execute("SELECT doc FROM copies WHERE canonical = ? ORDER BY doc", (canonical,))]
    kinds = dict(conn.execute("SELECT doc, kind FROM copies WHERE canonical = ?", (canonical,)).fetchall())
    sims = dict(conn.execute("SELECT doc, similarity FROM copies WHERE canonical = ?", (canonical,)).fetchall())
    marks = ",".join("?" * len(members))
    docs = {r["id"]: r for r in conn.execute(
        f"SELECT id, path, title, outlet, url, published, added_at FROM documents WHERE id IN ({marks})", members)}
    for d in members:
        if d == doc_id or d not in docs:
            continue
        r = docs[d]
        entry = {"doc": d, "name": _name(r), "title": r["title"], "outlet": r["outlet"], "path": r["path"],
                 "published": r["published"], "kind": kinds.get(d) or ("latest version" if row and row["kind"] == "version" else "canonical"),
                 "similarity": sims.get(d), "canonical": d == canonical}
        (out["versions"] if entry["kind"] in ("version", "latest version") else out["also_in"]).append(entry)
    me = conn.execute("SELECT path FROM documents WHERE id = ?", (doc_id,)).fetchone()
    if me is not None:
        m = VERSION.match(me[0])
        out["version"] = int(m.group("n")) if m else (len(out["versions"]) + 1 if out["versions"] else None)
    for v in out["versions"]:
        m = VERSION.match(v["path"])
        v["version"] = int(m.group("n")) if m else len(out["versions"]) + 1
    out["versions"].sort(key=lambda v: v["version"])
    return out


# --- stories ---------------------------------------------------------------------------------

def _actors(conn: sqlite3.Connection, raw: str) -> list[dict]:
    pairs = json.loads(raw or "[]")
    names = {}
    if pairs:
        marks = ",".join("?" * len(pairs))
        names = {r[0]: (r[1], r[2]) for r in conn.execute(f"SELECT id, name, type FROM entities WHERE id IN ({marks})", [p[0] for p in pairs])}
    return [{"id": e, "name": names.get(e, (e,))[0], "type": names.get(e, (e, None))[1], "weight": w} for e, w in pairs]


def page_stories(conn: sqlite3.Connection, limit: int = 50, offset: int = 0) -> dict:
    """Stories, the most recently updated first, each with its outlets, dates and key actors."""
    if not has_table(conn, "stories"):
        return {"available": False, "stories": [], "page": {"total": 0, "limit": limit, "offset": offset, "next": None, "prev": None}}
    total = conn.execute("SELECT COUNT(*) FROM stories").fetchone()[0]
    rows = [dict(r) for r in conn.execute(
        """SELECT * FROM stories ORDER BY COALESCE(last, '') DESC, updated_at DESC, documents DESC, id LIMIT ? OFFSET ?""",
        (limit, offset))]
    for s in rows:
        s["actors"] = _actors(conn, s["actors"])[:5]
        s["outlet_names"] = [r[0] for r in conn.execute(
            """SELECT DISTINCT COALESCE(d.outlet, '(unknown)') FROM story_documents sd JOIN documents d ON d.id = sd.doc
               WHERE sd.story = ? ORDER BY 1""", (s["id"],))]
    page = {"total": total, "limit": limit, "offset": offset, "next": offset + limit if offset + limit < total else None,
            "prev": max(0, offset - limit) if offset > 0 else None}
    return {"available": True, "stories": rows, "page": page}


def page_story(conn: sqlite3.Connection, story_id: str) -> dict | None:
    """One story: its documents in reporting order (copies marked), key actors, facts, disagreements and figure lineage."""
    if not has_table(conn, "stories"):
        return None
    row = conn.execute("SELECT * FROM stories WHERE id = ?", (story_id,)).fetchone()
    if row is None:
        return None
    story = dict(row)
    story["actors"] = _actors(conn, story["actors"])
    copies = dict(conn.execute("SELECT doc, canonical FROM copies").fetchall()) if has_table(conn, "copies") else {}
    docs = [dict(r) for r in conn.execute(
        """SELECT d.id, d.path, d.title, d.outlet, d.url, d.published, d.published_inferred, d.added_at, sd.score
           FROM story_documents sd JOIN documents d ON d.id = sd.doc WHERE sd.story = ?
           ORDER BY d.published IS NULL, d.published, d.added_at, d.path""", (story_id,))]
    for d in docs:
        d["name"] = _name(d)
        d["copy_of"] = copies.get(d["id"])
    story["documents_list"] = docs
    ids = [d["id"] for d in docs if not d["copy_of"]]
    marks = ",".join("?" * len(ids))
    names = dict(conn.execute("SELECT id, name FROM entities").fetchall())
    facts = []
    if ids and has_table(conn, "fact_groups"):
        for g in conn.execute(
            f"""SELECT g.id, g.type, g.predicate, g.subject, g.object, g.date, COUNT(DISTINCT e.doc) AS docs, COUNT(*) AS events,
                       MIN(e.doc) AS doc, MIN(e.sentence) AS sentence
                FROM events e JOIN fact_groups g ON g.id = e.grp WHERE e.doc IN ({marks})
                GROUP BY g.id ORDER BY docs DESC, events DESC, g.id LIMIT 30""", ids):
            side = lambda x: " and ".join(names.get(i, i) for i in (x or "").split(";") if i)  # noqa: E731
            facts.append({**dict(g), "subject_name": side(g["subject"]), "object_name": side(g["object"])})
    story["facts"] = facts
    events = []
    if ids:
        for e in conn.execute(
            f"""SELECT e.id, e.doc, e.type, e.predicate, e.sentence, d.outlet, d.title, d.path, t.value AS date,
                       substr(d.text, s.start + 1, s."end" - s.start) AS sentence_text
                FROM events e JOIN documents d ON d.id = e.doc LEFT JOIN times t ON t.doc = e.doc AND t.idx = e.time
                LEFT JOIN sentences s ON s.doc = e.doc AND s.idx = e.sentence
                WHERE e.doc IN ({marks}) AND e.type NOT IN ('OTHER', 'STATEMENT') AND e.negated = 0
                ORDER BY t.value IS NULL, t.value, d.published, e.doc, e.idx LIMIT 40""", ids):
            events.append(dict(e))
    story["events"] = events
    conflicts = []
    if ids and has_table(conn, "conflicts"):
        cids = [r[0] for r in conn.execute(
            f"SELECT DISTINCT conflict FROM conflict_values WHERE doc IN ({marks}) ORDER BY conflict", ids)]
        lineage = conflict_lineage(conn, cids)
        for c in conn.execute(f"SELECT * FROM conflicts WHERE id IN ({','.join('?' * len(cids))}) ORDER BY id", cids):
            conflicts.append({**dict(c), "lineage": lineage.get(c["id"], [])})
    story["conflicts"] = conflicts
    claims = []
    if ids and has_table(conn, "lineage"):
        for r in conn.execute(
            f"""SELECT DISTINCT l.id, l.kind, l.text, l.summary FROM lineage l JOIN lineage_reports lr ON lr.lineage = l.id
                WHERE l.kind != 'figure' AND lr.doc IN ({marks}) ORDER BY l.id LIMIT 30""", ids):
            claims.append(dict(r))
    story["claims"] = claims
    return story


# --- lineage ---------------------------------------------------------------------------------

def _lineage(conn: sqlite3.Connection, where: str, args) -> list[dict]:
    if not has_table(conn, "lineage"):
        return []
    items = [dict(r) for r in conn.execute(f"SELECT * FROM lineage {where} ORDER BY id", args)]
    if not items:
        return []
    by_id = {i["id"]: i for i in items}
    for i in items:
        i["reports"] = []
    marks = ",".join("?" * len(by_id))
    names = dict(conn.execute("SELECT id, name FROM entities").fetchall())
    for r in conn.execute(
        f"""SELECT lr.*, d.outlet, d.title, d.path, d.published, d.published_inferred, d.added_at
            FROM lineage_reports lr JOIN documents d ON d.id = lr.doc WHERE lr.lineage IN ({marks})
            ORDER BY lr.lineage, lr.rank""", list(by_id)):
        rep = dict(r)
        rep["name"] = _name({"outlet": r["outlet"], "title": r["title"], "path": r["path"], "id": r["doc"]})
        rep["source_name"] = names.get(r["source"]) or r["source_text"]
        rep["attributed"] = bool(r["attributed"])
        rep["first"] = r["rank"] == 0
        by_id[r["lineage"]]["reports"].append(rep)
    return items


def conflict_lineage(conn: sqlite3.Connection, conflict_ids) -> dict[int, list[dict]]:
    """conflict id -> the lineage of each figure in it (earliest report first)."""
    ids = list(conflict_ids)
    if not ids:
        return {}
    out: dict[int, list[dict]] = defaultdict(list)
    for item in _lineage(conn, f"WHERE kind = 'figure' AND conflict IN ({','.join('?' * len(ids))})", ids):
        out[item["conflict"]].append(item)
    return dict(out)


def list_lineage(conn: sqlite3.Connection, kind: str | None = None) -> list[dict]:
    return _lineage(conn, "WHERE kind = ?" if kind else "", (kind,) if kind else ())


# --- export (additive to newsgraph/1) --------------------------------------------------------

def _report_export(r: dict) -> dict:
    return {"doc": r["doc"], "event": r["event"], "start": r["start"], "end": r["end"], "text": r["text"],
            "source": r["source"], "attributed": r["attributed"], "copy_of": r["copy_of"], "published": r["published"]}


def export_stories(conn: sqlite3.Connection) -> list[dict]:
    if not has_table(conn, "stories"):
        return []
    members: dict[str, list[str]] = defaultdict(list)
    for story, doc in conn.execute(
        """SELECT sd.story, sd.doc FROM story_documents sd JOIN documents d ON d.id = sd.doc
           ORDER BY sd.story, d.published IS NULL, d.published, d.added_at, d.path"""):
        members[story].append(doc)
    return [
        {"id": r["id"], "title": r["title"], "first": r["first"], "last": r["last"], "documents": members.get(r["id"], []),
         "outlets": r["outlets"], "actors": [a for a, _ in json.loads(r["actors"] or "[]")]}
        for r in conn.execute("SELECT * FROM stories ORDER BY id")
    ]


def export_claims(conn: sqlite3.Connection) -> list[dict]:
    """Repeated facts and quotes with their lineage (figures are under each conflict)."""
    return [
        {"kind": i["kind"], "group": i["grp"], "text": i["text"], "summary": i["summary"],
         "reports": [_report_export(r) for r in i["reports"]]}
        for i in _lineage(conn, "WHERE kind != 'figure'", ())
    ]


def add_to_export(conn: sqlite3.Connection, data: dict) -> dict:
    """Fields this part adds to the export: documents[].copy_of/copies/version, conflicts[].lineage, stories, claims."""
    from newsgraph.store.web import VERSION

    copies = {}
    if has_table(conn, "copies"):
        copies = {r[0]: (r[1], r[2], r[3]) for r in conn.execute("SELECT doc, canonical, kind, similarity FROM copies")}
    of: dict[str, list[str]] = defaultdict(list)
    for doc, (canonical, _, _) in sorted(copies.items()):
        of[canonical].append(doc)
    for d in data.get("documents", []):
        got = copies.get(d["id"])
        d["copy_of"] = got[0] if got else None
        d["copy_kind"] = got[1] if got else None
        d["copies"] = of.get(d["id"], [])
        m = VERSION.match(d.get("path") or "")
        d["version"] = int(m.group("n")) if m else (len([c for c in of.get(d["id"], []) if copies[c][1] == "version"]) + 1
                                                       if any(copies[c][1] == "version" for c in of.get(d["id"], [])) else None)
    ids = [c["id"] for c in data.get("conflicts", [])]
    lineage = conflict_lineage(conn, ids)
    for c in data.get("conflicts", []):
        c["lineage"] = [{"value": i["value"], "unit": i["unit"], "text": i["text"], "summary": i["summary"],
                         "reports": [_report_export(r) for r in i["reports"]]} for i in lineage.get(c["id"], [])]
    data["stories"] = export_stories(conn)
    data["claims"] = export_claims(conn)
    return data
