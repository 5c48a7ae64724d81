"""Rows in and out of the page tables (migrations 0050-0055: `actor_edges`, `page_summary`, `event_order`, `entity_event_rank`).

The corpus step `newsgraph.resolve.summary` loads through here, computes in Python, and writes
through here; the pages read the tables in `newsgraph.store.queries.pages`.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Iterable, Iterator

from newsgraph.store.queries.pages import (EVENT_LISTS, OBJECT_ROLES, OVERVIEW_TOP, PAGE_TABLES, event_list, events_with_amounts, has_table, kinds_list,
                                           loose_money, overview_live, quote_list, voices_live)
from newsgraph.store.queries.ranking import RANKING, all_event_features

__all__ = ["event_sides", "entity_parties", "event_features", "co_mentions", "overview_inputs", "event_lists", "quote_order", "write_page_tables"]


def event_sides(conn: sqlite3.Connection) -> Iterator[tuple]:
    """(event id, type, date, doc, sentence, role, entity, predicate, modality) for every resolved party of every event
    that is not negated, role subject, object (destination too), recipient or origin, in event order."""
    if not has_table(conn, "events"):
        return iter(())
    return conn.execute(
        # CROSS JOIN keeps this order (event, its parties, their mentions): left to itself, SQLite walks every
        # mention of the event's document for each event, ten times the work on the BBC corpus.
        """SELECT e.id, e.type, COALESCE(t.value, d.published), e.doc, e.sentence,
                  CASE p.role WHEN 'destination' THEN 'object' ELSE p.role END, m.entity, e.predicate, e.modality
           FROM events e CROSS JOIN event_participants p ON p.event = e.id CROSS JOIN mentions m ON m.doc = e.doc AND m.idx = p.mention
           JOIN documents d ON d.id = e.doc LEFT JOIN times t ON t.doc = e.doc AND t.idx = e.time
           WHERE e.negated = 0 AND m.entity IS NOT NULL AND p.role IN ('subject', 'object', 'recipient', 'destination', 'origin')
           ORDER BY e.id""",
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


def event_features(conn: sqlite3.Connection) -> Iterator[dict]:
    """What each event's rank is computed from (`queries.ranking.rank_key`), for every event, one at a time."""
    return all_event_features(conn)


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
    """Each long event list (timeline, money, and the money list of each money page tab) as (event id, type) in its order."""
    from newsgraph.store.queries.money import TABS

    if not has_table(conn, "events"):
        return {name: [] for name in [*EVENT_LISTS, *map(kinds_list, TABS.values())]}
    lists = {name: event_list(conn, name) for name in EVENT_LISTS}
    for kinds in TABS.values():
        keep = events_with_amounts(conn, kinds)
        lists[kinds_list(kinds)] = [row for row in lists["money"] if row[0] in keep]
    return lists


def quote_order(conn: sqlite3.Connection) -> list[int]:
    """Every quote's id in the voices page's order."""
    return quote_list(conn)


def write_page_tables(store, edges: Iterable[tuple], entity_ranks: Iterable[tuple], order: Iterable[tuple],
                      summary: dict[str, object], quotes: Iterable[int] = ()) -> None:
    """Replace the page tables: `edges` as actor_edges rows, `entity_ranks` as (entity, side, position, event) rows,
    `order` as (list, position, type, event) rows, `summary` as JSON values by key, `quotes` as quote ids in order."""
    conn = store.conn
    with store.transaction():
        for table in ("actor_edges", "entity_event_rank", "event_order", "page_summary", "quote_order"):
            conn.execute(f"DELETE FROM {table}")
        conn.executemany("INSERT INTO event_order(list, position, type, event) VALUES (?,?,?,?)", order)
        conn.executemany("INSERT INTO actor_edges(source, target, type, date, events, doc, sentence, asserted) VALUES (?,?,?,?,?,?,?,?)",
                         edges)
        conn.executemany("INSERT INTO entity_event_rank(entity, side, position, event) VALUES (?,?,?,?)", entity_ranks)
        conn.executemany("INSERT INTO quote_order(position, quote) VALUES (?, ?)", enumerate(quotes))
        conn.executemany("INSERT INTO page_summary(key, value) VALUES (?, ?)",
                         [(k, json.dumps(v, ensure_ascii=False, sort_keys=True)) for k, v in summary.items()])
        conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('page_tables', ?)", (PAGE_TABLES,))
        conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('entity_ranking', ?)", (RANKING,))
