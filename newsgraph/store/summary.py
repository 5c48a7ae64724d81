"""Rows in and out of the page tables (migrations 0050-0055: `actor_edges`, `page_summary`, `event_order`, `entity_event_rank`).

The corpus step `newsgraph.resolve.summary` loads through here, computes in Python, and writes
through here; the pages read the tables in `newsgraph.store.queries.pages`.
"""

from __future__ import annotations

import json
import sqlite3
from itertools import islice
from typing import Iterable, Iterator

from newsgraph.model import EDGE_ROLES, OBJECT_LIKE_ROLES
from newsgraph.store.queries.pages import (EVENT_LISTS, page_tables_ready, OBJECT_ROLES, OVERVIEW_TOP, PAGE_TABLES, event_list, event_list_rows,
                                           events_with_amounts, has_table, kinds_list, loose_money, overview_live, quote_ids, quote_list,
                                           voices_live)
from newsgraph.store.queries.ranking import RANKING, all_event_features
from newsgraph.store.queries.schema import marks
from newsgraph.store.sqlite import keys_table

__all__ = ["event_sides", "entity_parties", "event_features", "co_mentions", "overview_inputs", "event_lists", "quote_order",
           "write_page_tables", "write_lists", "clear_page_tables", "add_event_edges", "edge_rows_by_key", "add_actor_edges",
           "add_entity_ranks", "mark_page_tables", "can_update", "has_actor_edges", "mark_touched_events", "edge_rows_of", "replace_event_edges",
           "event_edges_with_keys", "replace_actor_edges", "replace_entity_ranks", "gone_entity_events"]

CHUNK = 5_000  # rows per executemany when the corpus step writes rows as they come
TOUCHED = "temp.touched_events"  # the events an update redoes (`mark_touched_events`)
_WITHIN = f" AND e.id IN (SELECT id FROM {TOUCHED})"


def event_sides(conn: sqlite3.Connection, touched: bool = False) -> Iterator[tuple]:
    """(event id, type, date, doc, sentence, role, entity, predicate, modality) for every resolved party of every event
    that is not negated, role subject, object (destination and addressee too), recipient or origin, in event order; with `touched`,
    of the events `mark_touched_events` noted only."""
    if not has_table(conn, "events"):
        return iter(())
    return conn.execute(
        # CROSS JOIN keeps this order (event, its parties, their mentions): left to itself, SQLite walks every
        # mention of the event's document for each event, ten times the work on the BBC corpus.
        f"""SELECT e.id, e.type, COALESCE(t.value, d.published), e.doc, e.sentence,
                  CASE WHEN p.role IN ({marks(OBJECT_LIKE_ROLES)}) THEN 'object' ELSE p.role END, m.entity, e.predicate, e.modality
           FROM events e CROSS JOIN event_participants p ON p.event = e.id CROSS JOIN mentions m ON m.doc = e.doc AND m.idx = p.mention
           JOIN documents d ON d.id = e.doc LEFT JOIN times t ON t.doc = e.doc AND t.idx = e.time
           WHERE e.negated = 0 AND m.entity IS NOT NULL AND p.role IN ({marks(EDGE_ROLES)})"""
        + (_WITHIN if touched else "") + " ORDER BY e.id",
        OBJECT_LIKE_ROLES + EDGE_ROLES,
    )


def entity_parties(conn: sqlite3.Connection, touched: bool = False) -> Iterator[tuple]:
    """(entity, role, type, event) for every resolved subject, object, recipient, destination or addressee of every event,
    negated too
    (with `touched`, of the noted events only), in event order."""
    if not has_table(conn, "events"):
        return iter(())
    return conn.execute(
        f"""SELECT m.entity, p.role, e.type, e.id
            FROM events e CROSS JOIN event_participants p ON p.event = e.id CROSS JOIN mentions m ON m.doc = e.doc AND m.idx = p.mention
            WHERE m.entity IS NOT NULL AND p.role IN ('subject', {marks(OBJECT_ROLES)})""" + (_WITHIN if touched else "") + " ORDER BY e.id",
        OBJECT_ROLES,
    )


def event_features(conn: sqlite3.Connection, touched: bool = False) -> Iterator[dict]:
    """What each event's rank is computed from (`queries.ranking.rank_key`), for every event (or the noted ones), one at a
    time in event order."""
    return all_event_features(conn, TOUCHED if touched else None)


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
    """Each long event list (timeline, money, and the money list of each money page tab) as (event id, type) in its order
    (for a caller that wants them at hand; the corpus step writes them with `write_lists` as the statements run)."""
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


def _rows_in(conn: sqlite3.Connection, sql: str, rows: Iterable[tuple], chunk: int) -> int:
    """Insert `rows` with `sql`, `chunk` rows per executemany, as they come; returns how many."""
    n = 0
    it = iter(rows)
    while batch := list(islice(it, chunk)):
        conn.executemany(sql, batch)
        n += len(batch)
    return n


def clear_page_tables(store) -> None:
    """Empty the tables of the actor network and the actors' lists before the corpus step writes them again."""
    for table in ("actor_edges", "entity_event_rank", "event_edges"):
        store.conn.execute(f"DELETE FROM {table}")


def add_event_edges(store, rows: Iterable[tuple], chunk: int = CHUNK) -> int:
    """Write event_edges rows (event, source, target, type, date, doc, sentence, asserted) as they come."""
    return _rows_in(store.conn, "INSERT INTO event_edges(event, source, target, type, date, doc, sentence, asserted) VALUES (?,?,?,?,?,?,?,?)",
                    rows, chunk)


def edge_rows_by_key(store) -> Iterator[tuple]:
    """Every event_edges row as (source, target, type, date, doc, sentence, asserted), by (source, target, type, date)
    and then (doc, sentence): one edge's rows together, its first link first (`resolve.summary.summed_edges`)."""
    return store.conn.execute(
        """SELECT source, target, type, date, doc, sentence, asserted FROM event_edges
           ORDER BY source, target, type, date, doc, sentence""")


def add_actor_edges(store, edges: Iterable[tuple], chunk: int = CHUNK) -> int:
    """Write actor_edges rows (source, target, type, date, events, doc, sentence, asserted) as they come."""
    return _rows_in(store.conn, "INSERT INTO actor_edges(source, target, type, date, events, doc, sentence, asserted) VALUES (?,?,?,?,?,?,?,?)",
                    edges, chunk)


def add_entity_ranks(store, rows: Iterable[tuple], chunk: int = CHUNK) -> int:
    """Write entity_event_rank rows (entity, side, position, event), gathered as they come in a temporary table and
    moved over in key order: the rows come by event, and put straight into the table's key (entity, side,
    position) each landed on a page of its own, a page that had mostly left SQLite's cache by then (4.6 times the
    time for 3.3 times the rows, 30,000 to 100,000 documents)."""
    conn = store.conn
    conn.execute("DROP TABLE IF EXISTS temp.entity_ranks_in")
    conn.execute("CREATE TEMP TABLE entity_ranks_in (entity TEXT, side TEXT, position INTEGER, event INTEGER)")
    try:
        n = _rows_in(conn, "INSERT INTO temp.entity_ranks_in(entity, side, position, event) VALUES (?,?,?,?)", rows, chunk)
        conn.execute("""INSERT INTO entity_event_rank(entity, side, position, event)
                        SELECT entity, side, position, event FROM temp.entity_ranks_in ORDER BY entity, side, position""")
    finally:
        conn.execute("DROP TABLE IF EXISTS temp.entity_ranks_in")
    return n


def mark_page_tables(store) -> None:
    """Note the version of the page tables and of the ranking they were written with."""
    conn = store.conn
    conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('page_tables', ?)", (PAGE_TABLES,))
    conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('entity_ranking', ?)", (RANKING,))


def write_page_tables(store, edges: Iterable[tuple], entity_ranks: Iterable[tuple], summary: dict[str, object],
                      event_edges: Iterable[tuple] = (), chunk: int = CHUNK) -> None:
    """Replace the page tables: `edges` as actor_edges rows, `entity_ranks` as (entity, side, position, event) rows,
    `event_edges` as the event_edges rows the edges were summed from, and the lists and figures (`write_lists`, with
    `summary`'s values added to page_summary)."""
    with store.transaction():
        clear_page_tables(store)
        add_actor_edges(store, edges, chunk)
        add_entity_ranks(store, entity_ranks, chunk)
        add_event_edges(store, event_edges, chunk)
        write_lists(store, summary, chunk)
        mark_page_tables(store)


def write_lists(store, summary: dict[str, object], chunk: int = CHUNK) -> None:
    """Replace the tables of the whole-corpus lists and figures: event_order (each list of `EVENT_LISTS` in its order,
    and the money list of each money page tab), quote_order, and page_summary (the overview's figures, the length of
    each tab's money list, and `summary`'s values). The lists go from the statements that sort them to the tables as
    they come, so none is held whole."""
    from newsgraph.store.queries.money import TABS

    conn = store.conn
    with store.transaction():
        for table in ("event_order", "page_summary", "quote_order"):
            conn.execute(f"DELETE FROM {table}")
        insert = "INSERT INTO event_order(list, position, type, event) VALUES (?,?,?,?)"
        money_lists = {}
        if has_table(conn, "events"):
            for name in EVENT_LISTS:
                _rows_in(conn, insert, ((name, n, type_, event) for n, (event, type_) in enumerate(event_list_rows(conn, name))), chunk)
            for kinds in dict.fromkeys(TABS.values()):  # a tab's list: the money list cut to its kinds, in the same order
                name = kinds_list(kinds)
                conn.execute(
                    f"""INSERT INTO event_order(list, position, type, event)
                        SELECT ?, ROW_NUMBER() OVER (ORDER BY position) - 1, type, event FROM event_order
                        WHERE list = 'money' AND event IN (
                            SELECT ea.event FROM event_amounts ea JOIN events e ON e.id = ea.event
                            JOIN amounts a ON a.doc = e.doc AND a.idx = ea.amount WHERE a.kind IN ({','.join('?' * len(kinds))}))""",
                    (name, *kinds))
                money_lists[name] = conn.execute("SELECT COUNT(*) FROM event_order WHERE list = ?", (name,)).fetchone()[0]
        else:
            money_lists = {kinds_list(kinds): 0 for kinds in TABS.values()}
        _rows_in(conn, "INSERT INTO quote_order(position, quote) VALUES (?, ?)", enumerate(quote_ids(conn)), chunk)
        values = {**overview_inputs(conn), "money_lists": money_lists, **summary}
        conn.executemany("INSERT INTO page_summary(key, value) VALUES (?, ?)",
                         [(k, json.dumps(v, ensure_ascii=False, sort_keys=True)) for k, v in values.items()])


# --- updating the page tables after documents were added (``resolve.summary`` given a ``Touched``) ----------

def can_update(store) -> bool:
    """Whether the stored page tables are of this version and ranking, with the actor network made of events (not
    co-mentions): then only the rows of touched events need redoing."""
    conn = store.conn
    if not page_tables_ready(conn):
        return False
    ranking = conn.execute("SELECT value FROM meta WHERE key = 'entity_ranking'").fetchone()
    kind = conn.execute("SELECT value FROM page_summary WHERE key = 'graph_kind'").fetchone()
    return ranking is not None and ranking[0] == RANKING and kind is not None and json.loads(kind[0]) == "events"


def has_actor_edges(store) -> bool:
    return store.conn.execute("SELECT 1 FROM actor_edges LIMIT 1").fetchone() is not None


def gone_entity_events(store, gone: set[str]) -> set[int]:
    """The events whose rows in entity_event_rank or event_edges name an entity in `gone` (an id no longer used)."""
    if not gone:
        return set()
    conn = store.conn
    ids = json.dumps(sorted(gone))
    return {r[0] for r in conn.execute(
        """SELECT event FROM entity_event_rank WHERE entity IN (SELECT value FROM json_each(?))
           UNION SELECT event FROM event_edges WHERE source IN (SELECT value FROM json_each(?)) OR target IN (SELECT value FROM json_each(?))""",
        (ids, ids, ids))}


def mark_touched_events(store, docs: set[str], events: set[int]) -> int:
    """Note the events of `docs` and the `events` in a temporary table the loaders above read with `touched=True`;
    returns how many there are."""
    conn = store.conn
    conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {TOUCHED.split('.')[1]} (id INTEGER PRIMARY KEY)")
    conn.execute(f"DELETE FROM {TOUCHED}")
    conn.executemany(f"INSERT OR IGNORE INTO {TOUCHED}(id) SELECT id FROM events WHERE doc = ?", ((d,) for d in docs))
    conn.executemany(f"INSERT OR IGNORE INTO {TOUCHED}(id) VALUES (?)", ((e,) for e in events))
    return conn.execute(f"SELECT COUNT(*) FROM {TOUCHED}").fetchone()[0]


def edge_rows_of(store) -> list[tuple]:
    """The stored event_edges rows of the noted events."""
    return store.conn.execute(
        f"""SELECT event, source, target, type, date, doc, sentence, asserted FROM event_edges
            WHERE event IN (SELECT id FROM {TOUCHED})""").fetchall()


def replace_event_edges(store, rows: list[tuple]) -> None:
    """The noted events' event_edges rows become `rows`."""
    conn = store.conn
    conn.execute(f"DELETE FROM event_edges WHERE event IN (SELECT id FROM {TOUCHED})")
    conn.executemany("INSERT INTO event_edges(event, source, target, type, date, doc, sentence, asserted) VALUES (?,?,?,?,?,?,?,?)",
                     rows)


def event_edges_with_keys(store, keys: set[tuple]) -> list[tuple]:
    """Every event_edges row whose (source, target, type, date) is one of `keys`, in event order."""
    conn = store.conn
    table = keys_table(conn, "edge_keys", ("source TEXT", "target TEXT", "type TEXT", "date TEXT"), keys)
    rows = conn.execute(  # CROSS JOIN: look each key up in event_edges_key, not scan event_edges (184k rows at 100k)
        f"""SELECT x.event, x.source, x.target, x.type, x.date, x.doc, x.sentence, x.asserted FROM {table} k
           CROSS JOIN event_edges x ON x.source = k.source AND x.target = k.target AND x.type = k.type AND x.date IS k.date
           ORDER BY x.event""").fetchall()
    return [tuple(r) for r in rows]


def replace_actor_edges(store, keys: set[tuple], edges: list[tuple]) -> None:
    """The actor_edges rows of `keys` ((source, target, type, date)) become `edges`."""
    conn = store.conn
    conn.executemany("DELETE FROM actor_edges WHERE type = ? AND date IS ? AND source = ? AND target = ?",
                     [(t, d, s, o) for s, o, t, d in keys])
    conn.executemany("INSERT INTO actor_edges(source, target, type, date, events, doc, sentence, asserted) VALUES (?,?,?,?,?,?,?,?)",
                     edges)


def replace_entity_ranks(store, gone: set[str], old: Iterable[tuple], new: Iterable[tuple]) -> None:
    """Drop the entity_event_rank rows of the entities in `gone` and the (entity, side, position) rows `old`, then add
    the (entity, side, position, event) rows `new`."""
    conn = store.conn
    conn.executemany("DELETE FROM entity_event_rank WHERE entity = ?", ((e,) for e in gone))
    conn.executemany("DELETE FROM entity_event_rank WHERE entity = ? AND side = ? AND position = ?", old)
    conn.executemany("INSERT OR REPLACE INTO entity_event_rank(entity, side, position, event) VALUES (?,?,?,?)", new)
