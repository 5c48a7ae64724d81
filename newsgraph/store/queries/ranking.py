"""Which events an analyst should see first: typed, substantive, multi-source; OTHER last.

A list of what an actor did is read from the top, so "sent two bombers to Venezuela" (a
DEPLOY with both sides named, reported twice) must come before "involvement" (a COOPERATE
noun with no counterpart) or an untyped "taking". The score is a sum of plain features,
each worth a fixed number of points, so a reader can tell why one event is above another.
"""

from __future__ import annotations

import sqlite3
from typing import Iterator

from newsgraph.model import EDGE_ROLES
from newsgraph.store.queries.schema import has_table, marks

COUNTERPART_ROLES = EDGE_ROLES[1:]  # an event's parties other than its subject

__all__ = ["event_features", "all_event_features", "rank_score", "rank_key", "rank_position", "rank_event_ids", "rank_events", "with_rank", "LOW_TYPES",
           "RANKING"]

LOW_TYPES = ("OTHER",)  # always listed last (and collapsed in the pages)
CHUNK = 500  # ids per query, well under SQLite's limit on bound parameters
# The version of rank_key and rank_score: the corpus step stores it beside each actor's order (meta 'entity_ranking'),
# and a page reads a stored order only of this version. Change it with them (tests/test_summary.py pins their source).
RANKING = "1"


def event_features(conn: sqlite3.Connection, ids: list[int]) -> dict[int, dict]:
    """Per event id: type, modality, negated, dated, resolved subject/counterpart counts, amounts, money, sources."""
    if not ids or not has_table(conn, "events"):
        return {}
    groups = has_table(conn, "fact_groups")
    sources = "COALESCE((SELECT g.documents FROM fact_groups g WHERE g.id = e.grp), 1)" if groups else "1"
    out: dict[int, dict] = {}
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i: i + CHUNK]
        for r in conn.execute(
            f"""SELECT e.id, e.type, e.modality, e.negated, e.time IS NOT NULL AS dated,
                       (SELECT COUNT(*) FROM event_participants p JOIN mentions m ON m.doc = e.doc AND m.idx = p.mention
                        WHERE p.event = e.id AND p.role = 'subject' AND m.entity IS NOT NULL) AS subjects,
                       (SELECT COUNT(*) FROM event_participants p JOIN mentions m ON m.doc = e.doc AND m.idx = p.mention
                        WHERE p.event = e.id AND p.role IN ({marks(COUNTERPART_ROLES)})
                          AND m.entity IS NOT NULL) AS counterparts,
                       (SELECT COUNT(*) FROM event_amounts ea WHERE ea.event = e.id) AS amounts,
                       (SELECT COUNT(*) FROM event_amounts ea JOIN amounts a ON a.doc = e.doc AND a.idx = ea.amount
                        WHERE ea.event = e.id AND a.kind = 'money') AS money,
                       {sources} AS sources
                FROM events e WHERE e.id IN ({marks(chunk)})""", COUNTERPART_ROLES + tuple(chunk)):
            out[r["id"]] = dict(r)
    return out


def all_event_features(conn: sqlite3.Connection, within: str | None = None) -> Iterator[dict]:
    """`event_features` of every event in the store (or of the events whose ids the table `within` holds), one at a
    time in event id order, from one statement that counts each table once instead of four subqueries per event (for the corpus step,
    which ranks every actor's events)."""
    if not has_table(conn, "events"):
        return iter(())
    groups = has_table(conn, "fact_groups")
    only = f" AND e.id IN (SELECT id FROM {within})" if within else ""
    rows = conn.execute(
        f"""WITH sides AS (
                SELECT p.event, COUNT(CASE p.role WHEN 'subject' THEN 1 END) AS subjects,
                       COUNT(CASE WHEN p.role != 'subject' THEN 1 END) AS counterparts
                FROM events e CROSS JOIN event_participants p ON p.event = e.id CROSS JOIN mentions m ON m.doc = e.doc AND m.idx = p.mention
                WHERE m.entity IS NOT NULL AND p.role IN ({marks(EDGE_ROLES)}){only} GROUP BY p.event),
            sums AS (
                SELECT ea.event, COUNT(*) AS amounts, COUNT(CASE a.kind WHEN 'money' THEN 1 END) AS money
                FROM event_amounts ea JOIN events e ON e.id = ea.event LEFT JOIN amounts a ON a.doc = e.doc AND a.idx = ea.amount
                WHERE 1{only} GROUP BY ea.event)
            SELECT e.id, e.type, e.modality, e.negated, e.time IS NOT NULL AS dated, COALESCE(s.subjects, 0) AS subjects,
                   COALESCE(s.counterparts, 0) AS counterparts, COALESCE(x.amounts, 0) AS amounts, COALESCE(x.money, 0) AS money,
                   {"COALESCE(g.documents, 1)" if groups else "1"} AS sources
            FROM events e LEFT JOIN sides s ON s.event = e.id LEFT JOIN sums x ON x.event = e.id
            {"LEFT JOIN fact_groups g ON g.id = e.grp" if groups else ""} WHERE 1{only} ORDER BY e.id""", EDGE_ROLES)
    names = [c[0] for c in rows.description]
    return (dict(zip(names, r)) for r in rows)


def rank_score(f: dict) -> int:
    """Points for an event's features: both sides named 4 (one side 1), each further reporting document 2
    (at most 3 more), money 2, any other amount 1, a date 1; a STATEMENT loses 2, an unasserted event 1."""
    sides = 4 if f["subjects"] and f["counterparts"] else 1 if (f["subjects"] or f["counterparts"]) else 0
    score = sides + 2 * min(3, max(0, (f["sources"] or 1) - 1))
    score += 2 if f["money"] else 1 if f["amounts"] else 0
    score += 1 if f["dated"] else 0
    score -= 2 if f["type"] == "STATEMENT" else 0
    score -= 1 if f["modality"] != "asserted" else 0
    return score


def rank_key(f: dict | None, event_id: int) -> tuple:
    """The sort key of one event (smaller first): typed before OTHER, then by `rank_score`, then the id (reading order);
    an event without features last. It depends on the event alone, so one actor's list is the global order filtered."""
    if f is None:
        return (2, 0, event_id)
    return (1 if f["type"] in LOW_TYPES else 0, -rank_score(f), event_id)


def rank_position(f: dict | None, event_id: int) -> int:
    """`rank_key` as one integer that sorts the same way (event ids below 2**40): the corpus step stores it as the
    event's position in each of its actors' lists, so an event's rows do not move when another event is ranked."""
    low, negative_score, _ = rank_key(f, event_id)
    return (((low << 6) + negative_score + 32) << 40) | event_id


def rank_event_ids(conn: sqlite3.Connection, ids) -> list[int]:
    """Event ids best first: every typed event before OTHER, then by `rank_score`, then in reading order."""
    ids = list(ids)
    features = event_features(conn, ids)
    return sorted(ids, key=lambda i: rank_key(features.get(i), i))


def with_rank(conn: sqlite3.Connection, events: list[dict]) -> list[dict]:
    """The event dicts (with an "id") in the order given, each with its "rank" score and "sources" count."""
    features = event_features(conn, [e["id"] for e in events])
    for e in events:
        f = features.get(e["id"])
        if f:
            e["rank"] = rank_score(f)
            e["sources"] = f["sources"]
    return events


def rank_events(conn: sqlite3.Connection, events: list[dict]) -> list[dict]:
    """Event dicts (with an "id") best first; each gets its "rank" score and a "sources" count."""
    features = event_features(conn, [e["id"] for e in events])
    with_rank(conn, events)
    return sorted(events, key=lambda e: rank_key(features.get(e["id"]), e["id"]))
