"""What the borrowed-dates step (``newsgraph.resolve.dates``) reads from the store and writes back."""

from __future__ import annotations

import json

from newsgraph.model import OTHER_SIDE_ROLES
from newsgraph.store.sqlite import document_pages, document_rows, keys_table


def _docs_table(store, name: str, docs) -> str:
    return keys_table(store.conn, name, ("id TEXT PRIMARY KEY",), ((d,) for d in docs))


def _signatures_table(store, signatures: set[tuple]) -> str:
    return keys_table(store.conn, "dates_sigs", ("type TEXT", "subject TEXT", "other TEXT"), signatures)


def clear_borrowed(store, *prefixes: str, docs=None) -> None:
    """Undo what an earlier run borrowed or noted: notes starting with a prefix go, and a borrowed date with them
    (of every document, or of `docs`).

    The first prefix marks a borrowed date; the others mark notes only.
    """
    conn = store.conn
    likes = " OR ".join("notes LIKE ?" for _ in prefixes)
    within = "" if docs is None else f" AND id IN (SELECT id FROM {_docs_table(store, 'dates_redo', docs)})"
    # 5,000 documents at a time: every undated document has a note, and their notes were 50 MB at 100k
    for rows in document_rows(conn, 5000, "id, notes", f"({likes}){within}", tuple(f"%{p}%" for p in prefixes)):
        for doc_id, notes in rows:
            old = json.loads(notes or "[]")
            kept = [n for n in old if not n.startswith(prefixes)]
            if any(n.startswith(prefixes[0]) for n in old):
                conn.execute("UPDATE documents SET published = NULL, published_inferred = 0, notes = ? WHERE id = ?",
                             (json.dumps(kept), doc_id))
            else:
                conn.execute("UPDATE documents SET notes = ? WHERE id = ?", (json.dumps(kept), doc_id))


def undated_or_inferred(store) -> dict[str, str | None]:
    """Publication date of every document without one or with an inferred one (the dates the step may change)."""
    return dict(store.conn.execute("SELECT id, published FROM documents WHERE published IS NULL OR published_inferred = 1"))


def undated_batches(store, size: int):
    """The documents without a publication date, in id order, `size` at a time (dating a batch gives its documents
    dates: the next batch starts after its last id)."""
    return document_pages(store.conn, size, "published IS NULL")


SIDE_ROLES = ("subject", *OTHER_SIDE_ROLES)  # the roles a signature's sides come from


def event_sides(store, docs=None, generic=()):
    """(event, doc, type, role, entity) of every resolved participant on a side (`SIDE_ROLES`) of a stated (not
    negated) event whose type is not in `generic` (of `docs`), in event and mention order (the signature keeps an
    event's first subject and first other side). The other rows make no signature: left in the store, not read (most
    events are of a generic type)."""
    within = "" if docs is None else f" AND e.doc IN (SELECT id FROM {_docs_table(store, 'dates_sides', docs)})"
    skip = f" AND e.type NOT IN ({', '.join('?' * len(generic))})" if generic else ""
    return store.conn.execute(
        f"""SELECT e.id, e.doc, e.type, p.role, m.entity FROM events e
           JOIN event_participants p ON p.event = e.id
           JOIN mentions m ON m.doc = e.doc AND m.idx = p.mention
           WHERE m.entity IS NOT NULL AND e.negated = 0 AND p.role IN ({', '.join('?' * len(SIDE_ROLES))}){skip}"""
        + within + " ORDER BY e.id, p.mention", (*SIDE_ROLES, *sorted(generic))
    )


# --- the stored signatures, for re-dating after documents were added -----------------------------------------

def write_signatures(store, signatures: dict[str, set[tuple]], replace: bool) -> None:
    """Store each document's event signatures (type, subject, other); `replace` drops every stored one first."""
    conn = store.conn
    if replace:
        conn.execute("DELETE FROM date_signatures")
    conn.executemany("INSERT OR IGNORE INTO date_signatures(type, subject, other, doc) VALUES (?, ?, ?, ?)",
                     ((*sig, doc) for doc, sigs in signatures.items() for sig in sigs))


def published_of(store, docs) -> dict[str, str | None]:
    table = _docs_table(store, "dates_docs", docs)
    return dict(store.conn.execute(f"SELECT id, published FROM documents WHERE id IN (SELECT id FROM {table})"))


def sharing(store, signatures: set[tuple]) -> set[str]:
    """The documents that hold one of `signatures`."""
    return {r[0] for r in store.conn.execute(
        f"""SELECT DISTINCT s.doc FROM {_signatures_table(store, signatures)} k CROSS JOIN date_signatures s
           ON s.type = k.type AND s.subject = k.subject AND s.other = k.other""")}


def without_own_date(store, docs, borrowed: str) -> set[str]:
    """Those of `docs` that have no publication date of their own: none, or one borrowed (a note starts with `borrowed`)."""
    table = _docs_table(store, "dates_docs", docs)
    out = set()
    for doc, published, notes in store.conn.execute(f"SELECT id, published, notes FROM documents WHERE id IN (SELECT id FROM {table})"):
        if published is None or any(n.startswith(borrowed) for n in json.loads(notes or "[]")):
            out.add(doc)
    return out


def signatures_of(store, docs) -> dict[str, set[tuple]]:
    table = _docs_table(store, "dates_docs", docs)
    out: dict[str, set[tuple]] = {}
    for type_, subject, other, doc in store.conn.execute(
            f"SELECT type, subject, other, doc FROM date_signatures WHERE doc IN (SELECT id FROM {table})"):
        out.setdefault(doc, set()).add((type_, subject, other))
    return out


def dated_holders(store, signatures: set[tuple], borrowed: str) -> tuple[dict[str, str], dict[str, set[tuple]]]:
    """The documents dated by themselves (a date not borrowed) that hold one of `signatures`: their dates, and
    which of the signatures each holds."""
    keys = _signatures_table(store, signatures)
    published: dict[str, str] = {}
    held: dict[str, set[tuple]] = {}
    for doc, type_, subject, other, date, notes in store.conn.execute(
        # CROSS JOIN: each signature looked up in date_signatures' key; left to itself SQLite scanned the whole table
        # for each batch of undated documents (quadratic: 18 batches of 35,720 signatures at 100,000 documents)
        f"""SELECT s.doc, s.type, s.subject, s.other, d.published, d.notes FROM {keys} k CROSS JOIN date_signatures s
           ON s.type = k.type AND s.subject = k.subject AND s.other = k.other JOIN documents d ON d.id = s.doc
           WHERE d.published IS NOT NULL"""):
        if doc not in published and borrowed in (notes or "") and any(n.startswith(borrowed) for n in json.loads(notes)):
            continue
        published[doc] = date
        held.setdefault(doc, set()).add((type_, subject, other))
    return published, held


def inputs_of(store, docs) -> tuple[dict[str, str | None], dict[str, list[str]]]:
    """For `docs` (after `clear_borrowed`): the latest day each one's own text names, and its notes."""
    table = _docs_table(store, "dates_docs", docs)
    latest = dict(store.conn.execute(
        f"""SELECT t.doc, MAX(t.value) FROM times t WHERE t.doc IN (SELECT id FROM {table})
            AND t.granularity = 'day' AND t.value IS NOT NULL GROUP BY t.doc"""))
    notes = {doc: json.loads(n or "[]") for doc, n in store.conn.execute(
        f"SELECT id, notes FROM documents WHERE id IN (SELECT id FROM {table})")}
    return {doc: latest.get(doc) for doc in docs}, notes


def write_dates(store, rows: list[tuple[str, str | None, list[str]]]) -> None:
    """(doc, borrowed date or None, notes): a date is written as inferred; None keeps the document undated."""
    conn = store.conn
    for doc_id, date, notes in rows:
        if date is None:
            conn.execute("UPDATE documents SET notes = ? WHERE id = ?", (json.dumps(notes), doc_id))
        else:
            conn.execute("UPDATE documents SET published = ?, published_inferred = 1, notes = ? WHERE id = ?",
                         (date, json.dumps(notes), doc_id))
