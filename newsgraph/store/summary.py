"""Rows in and out of the page tables of migration 0050 (`actor_edges`, `page_summary`).

The corpus step `newsgraph.resolve.summary` loads through here, computes in Python, and writes
through here; the pages read the tables in `newsgraph.store.queries.pages`.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Iterable, Iterator

from newsgraph.store.queries.pages import (EVENT_LISTS, OBJECT_ROLES, OVERVIEW_TOP, PAGE_TABLES, event_list, has_table, loose_money,
                                           overview_live, voices_live)

__all__ = ["event_sides", "entity_parties", "co_mentions", "overview_inputs", "event_lists", "write_page_tables"]


def event_sides(conn: sqlite3.Connection) -> Iterator[tuple]:
    """(event id, type, date, doc, sentence, side, entity) for every resolved party of every event that is not negated,
    side 'subject' or 'object', in event order."""
    if not has_table(conn, "events"):
        return iter(())
    marks = ",".join("?" * len(OBJECT_ROLES))
    return conn.execute(
        # CROSS JOIN keeps this order (event, its parties, their mentions): left to itself, SQLite walks every
        # mention of the event's document for each event, ten times the work on the BBC corpus.
        f"""SELECT e.id, e.type, COALESCE(t.value, d.published), e.doc, e.sentence,
                   CASE p.role WHEN 'subject' THEN 'subject' ELSE 'object' END, m.entity
            FROM events e CROSS JOIN event_participants p ON p.event = e.id CROSS JOIN mentions m ON m.doc = e.doc AND m.idx = p.mention
            JOIN documents d ON d.id = e.doc LEFT JOIN times t ON t.doc = e.doc AND t.idx = e.time
            WHERE e.negated = 0 AND m.entity IS NOT NULL AND p.role IN ('subject', {marks}) ORDER BY e.id""",
        OBJECT_ROLES,
    )


def entity_parties(conn: sqlite3.Connection) -> Iterator[tuple]:
    """(entity, role, type, event) for every resolved subject, object, recipient or destination of every event, negated too."""
    if not has_table(conn, "events"):
        return iter(())
    marks = ",".join("?" * len(OBJECT_ROLES))
    return conn.execute(
        f"""SELECT m.entity, p.role, e.type, e.id
            FROM events e CROSS JOIN event_participants p ON p.event = e.id CROSS JOIN mentions m ON m.doc = e.doc AND m.idx = p.mention
            WHERE m.entity IS NOT NULL AND p.role IN ('subject', {marks})""",
        OBJECT_ROLES,
    )


def co_mentions(conn: sqlite3.Connection, pool: int) -> Iterator[tuple]:
    """(doc, sentence, entity) of every mention of the `pool` most mentioned entities, by sentence."""
    return conn.execute(
        """SELECT m.doc, m.sentence, m.entity FROM mentions m
           WHERE m.entity IN (SELECT id FROM entities ORDER BY mentions DESC, id LIMIT ?) ORDER BY m.doc, m.sentence""",
        (pool,),
    )


def overview_inputs(conn: sqlite3.Connection) -> dict:
    """The overview page's data as the live query gives it, and the event types offered as filters."""
    types = [r[0] for r in conn.execute("SELECT DISTINCT type FROM events ORDER BY 1")] if has_table(conn, "events") else []
    return {"overview": overview_live(conn, OVERVIEW_TOP), "event_types": types, "voices": voices_live(conn),
            "loose_money": loose_money(conn) if has_table(conn, "events") else []}


def event_lists(conn: sqlite3.Connection) -> dict[str, list[tuple[int, str]]]:
    """Each long event list (timeline, money) as (event id, type) in its order."""
    if not has_table(conn, "events"):
        return {name: [] for name in EVENT_LISTS}
    return {name: event_list(conn, name) for name in EVENT_LISTS}


def write_page_tables(store, edges: Iterable[tuple], entity_events: Iterable[tuple], order: Iterable[tuple],
                      summary: dict[str, object]) -> None:
    """Replace the page tables: `edges` as actor_edges rows, `entity_events` as (entity, side, other, event) rows,
    `order` as (list, position, type, event) rows, `summary` as JSON values by key."""
    conn = store.conn
    with store.transaction():
        for table in ("actor_edges", "entity_events", "event_order", "page_summary"):
            conn.execute(f"DELETE FROM {table}")
        conn.executemany("INSERT INTO event_order(list, position, type, event) VALUES (?,?,?,?)", order)
        conn.executemany("INSERT INTO actor_edges(source, target, type, date, events, doc, sentence) VALUES (?,?,?,?,?,?,?)", edges)
        conn.executemany("INSERT INTO entity_events(entity, side, other, event) VALUES (?,?,?,?)", entity_events)
        conn.executemany("INSERT INTO page_summary(key, value) VALUES (?, ?)",
                         [(k, json.dumps(v, ensure_ascii=False, sort_keys=True)) for k, v in summary.items()])
        conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('page_tables', ?)", (PAGE_TABLES,))
