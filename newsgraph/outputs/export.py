"""Export of the knowledge base: JSON in the `newsgraph/1` contract, and GraphML for Gephi.

Lists filled by other parts of newsgraph come from the queries module that owns
them; a part not yet present exports an empty list, so the contract's keys are
always there.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from typing import IO

from newsgraph.store import queries

SCHEMA = "newsgraph/1"
LISTS = ("documents", "entities", "mentions", "events", "quotes", "descriptors", "techniques", "conflicts", "times")


def _list(conn: sqlite3.Connection, name: str) -> list[dict]:
    func = getattr(queries, f"export_{name}", None)
    if func is None:
        try:
            from newsgraph.store.queries import techniques as tq

            func = getattr(tq, f"export_{name}", None)
        except ImportError:
            func = None
    return func(conn) if func is not None else []


def export_json(conn: sqlite3.Connection) -> dict:
    """The whole knowledge base as one JSON-ready dict."""
    out: dict = {"schema": SCHEMA}
    for name in LISTS:
        out[name] = _list(conn, name)
    return queries.add_to_export(conn, out)  # copies, versions, figure lineage, stories, claims


def write_json(conn: sqlite3.Connection, target: str | IO[str]) -> None:
    """Write the export; to a path, atomically (a temporary file renamed into place)."""
    data = export_json(conn)
    if not isinstance(target, str):
        json.dump(data, target, ensure_ascii=False, indent=1)
        return
    folder = os.path.dirname(os.path.abspath(target))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".newsgraph-export-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=1)
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_graphml(conn: sqlite3.Connection, path: str) -> None:
    from newsgraph.resolve import graph

    graph.write_graphml(conn, path)
