"""Export of the knowledge base: JSON in the `newsgraph/1` contract, and GraphML for Gephi.

Lists filled by other parts of newsgraph come from the queries module that owns
them; a part not yet present exports an empty list, so the contract's keys are
always there.
"""

from __future__ import annotations

import json
import sqlite3
from typing import IO

from newsgraph.outputs.files import open_output
from newsgraph.store import queries

SCHEMA = "newsgraph/1"
LISTS = ("documents", "entities", "mentions", "events", "quotes", "descriptors", "techniques", "conflicts", "times",
         "local_mentions")


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
    """Write the export to an open text file, or to a path (``-`` is standard output) through outputs.files."""
    data = export_json(conn)
    if not isinstance(target, str):
        json.dump(data, target, ensure_ascii=False, indent=1)
        return
    with open_output(target) as fh:
        json.dump(data, fh, ensure_ascii=False, indent=1)
        fh.write("\n")


def write_graphml(conn: sqlite3.Connection, target: str) -> None:
    """The actor graph as GraphML to a path (``-`` is standard output) through outputs.files."""
    from newsgraph.resolve import graph

    with open_output(target, binary=True) as fh:
        graph.write_graphml(conn, fh)
