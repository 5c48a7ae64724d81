"""What the build keeps about followed feeds and pages: validators for conditional requests, and page versions.

A page is known by its URL. The `sources` row at the URL holds its latest version; when
the page changes, the document it held moves to the path ``URL#vN`` (N = 1 for the first
version) and keeps every fact found in it, so old facts stay attributed to the version
they came from. ``newsgraph forget URL`` drops every version (``URL#…`` are records of it).
"""

from __future__ import annotations

import re
from typing import Iterable

VERSION = re.compile(r"^(?P<url>https?://.+)#v(?P<n>\d+)$")


def fetch_state(store, url: str) -> dict | None:
    row = store.conn.execute("SELECT url, kind, etag, last_modified, status, feed FROM fetches WHERE url = ?", (url,)).fetchone()
    if row is None:
        return None
    out = dict(row)
    # validators are only worth sending when what they describe is still in the store
    if out["kind"] == "page" and not store.conn.execute("SELECT 1 FROM sources WHERE path = ?", (url,)).fetchone():
        skipped = store.conn.execute("SELECT 1 FROM skipped WHERE path = ?", (url,)).fetchone()
        if not skipped:
            out["etag"] = out["last_modified"] = None
    return out


def save_fetches(store, records: Iterable) -> None:
    """Remember the validators of responses whose content is stored (FetchRecord objects)."""
    records = list(records)
    if not records:
        return
    with store.transaction():
        for r in records:
            store.conn.execute(
                """INSERT INTO fetches(url, kind, etag, last_modified, status, feed, checked_at, changed_at)
                   VALUES (?, ?, ?, ?, ?, ?, datetime('now'), CASE WHEN ? THEN datetime('now') END)
                   ON CONFLICT(url) DO UPDATE SET kind = excluded.kind, etag = excluded.etag,
                       last_modified = excluded.last_modified, status = excluded.status,
                       feed = COALESCE(excluded.feed, fetches.feed), checked_at = excluded.checked_at,
                       changed_at = COALESCE(excluded.changed_at, fetches.changed_at)""",
                (r.url, r.kind, r.etag, r.last_modified, r.status, r.feed, 1 if r.changed else 0),
            )


def keep_previous_version(store, url: str, new_doc: str) -> int | None:
    """Before `new_doc` is written at `url`: move the document the URL holds now (if another) to ``URL#vN``.

    Returns N, or None when there was nothing to keep. Runs inside the caller's transaction.
    """
    conn = store.conn
    row = conn.execute("SELECT doc, size, mtime_ns FROM sources WHERE path = ?", (url,)).fetchone()
    if row is None or row["doc"] == new_doc:
        return None
    old = row["doc"]
    held = conn.execute("SELECT path FROM sources WHERE doc = ? AND path LIKE ?", (old, url + "#v%")).fetchone()
    if held is not None:  # the page went back to an earlier text: that version is already kept
        return int(VERSION.match(held[0]).group("n"))
    with store.transaction():
        n = 1 + max((int(m.group("n")) for (p,) in conn.execute("SELECT path FROM sources WHERE path LIKE ?", (url + "#v%",))
                     if (m := VERSION.match(p)) and m.group("url") == url), default=0)
        conn.execute("INSERT OR REPLACE INTO sources(path, doc, size, mtime_ns) VALUES (?, ?, ?, ?)",
                     (f"{url}#v{n}", old, row["size"], row["mtime_ns"]))
        conn.execute("UPDATE documents SET path = ? WHERE id = ? AND path = ?", (f"{url}#v{n}", old, url))
    return n


def page_versions(conn) -> dict[str, list[tuple[int, str]]]:
    """URL -> [(version, doc id)] oldest first, for every page kept in more than one version."""
    rows = conn.execute("SELECT path, doc FROM sources WHERE path LIKE 'http%#v%'").fetchall()
    out: dict[str, list[tuple[int, str]]] = {}
    for path, doc in rows:
        m = VERSION.match(path)
        if m:
            out.setdefault(m.group("url"), []).append((int(m.group("n")), doc))
    for url, versions in out.items():
        latest = conn.execute("SELECT doc FROM sources WHERE path = ?", (url,)).fetchone()
        versions.sort()
        if latest is not None:
            versions.append((versions[-1][0] + 1, latest[0]))
    return out
