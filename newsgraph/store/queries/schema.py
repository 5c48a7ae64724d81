"""What a store holds: the one check every query makes before reading a layer an older store may lack."""

from __future__ import annotations

import sqlite3


def has_table(conn: sqlite3.Connection, name: str) -> bool:
    """Whether the store has this table or view (an older store, or one without that layer, may not)."""
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?", (name,)).fetchone() is not None


def marks(values) -> str:
    """One "?" for each of `values`, comma-separated: the placeholders of an `IN (...)` over one of the code's lists."""
    return ", ".join("?" * len(values))
