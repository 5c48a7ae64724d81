"""Read transactions for a long-lived reader (the web app): a page sees one state of the database even while a
build commits (WAL readers), and a cheap look tells whether anything was committed since the last one."""

from __future__ import annotations

import sqlite3

__all__ = ["begin_read", "end_read", "data_version"]


def begin_read(conn: sqlite3.Connection) -> None:
    """Start a read transaction: every read until `end_read` sees the database as it is now."""
    conn.execute("BEGIN")


def end_read(conn: sqlite3.Connection) -> None:
    """End the read transaction, if one is open (a read that failed may have ended it already)."""
    if conn.in_transaction:
        conn.execute("COMMIT")


def data_version(conn: sqlite3.Connection) -> int:
    """A number that changes when another connection commits to the database (not on this connection's own writes)."""
    return conn.execute("PRAGMA data_version").fetchone()[0]
