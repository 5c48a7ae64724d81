"""What entity resolution reads from the store and writes back (``newsgraph.resolve.entities``).

The resolver clusters plain mention records and hands back plain entity tables; the SQL of
both sides, and of the id redirects kept around a rewrite (``resolve.entity_ids``), lives here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Iterator

from newsgraph.store.queries.schema import has_table

MENTION_COLUMNS = ("id", "doc", "idx", "label", "name", "key", "kind", "place", "refers_to", "link_reason", "role", "form")


@dataclass
class EntityTables:
    """Everything one resolve writes: the entities, their aliases, who each mention is, why names merged."""

    entities: list[tuple[str, str, str, int, int, str | None]] = field(default_factory=list)  # id, name, type, mentions, documents, affiliation
    aliases: list[tuple[str, str, int]] = field(default_factory=list)  # entity, alias, count
    assignments: list[tuple[str, int]] = field(default_factory=list)  # entity, mention row id
    merges: list[tuple[str, str, str, str]] = field(default_factory=list)  # entity, a, b, reason


def mention_rows(store) -> Iterator[tuple]:
    """Every mention in document order, as `MENTION_COLUMNS` tuples, streamed from the cursor."""
    return store.conn.execute(f"SELECT {', '.join(MENTION_COLUMNS)} FROM mentions ORDER BY doc, idx")


def overrides(store) -> list[tuple[str, str, str | None]]:
    """The user's merges and splits, oldest first: (action, a, b)."""
    return [tuple(r) for r in store.conn.execute("SELECT action, a, b FROM overrides ORDER BY id")]


def entity_names(store) -> dict[str, str]:
    return dict(store.conn.execute("SELECT id, name FROM entities"))


def write_entities(store, tables: EntityTables) -> list[tuple[str, str, int]]:
    """Replace the entity tables and every mention's entity (inside the caller's transaction).

    Returns (old entity, new entity, mentions) for the mentions that moved from one entity to another.
    """
    c = store.conn
    c.execute("DELETE FROM merges")
    c.execute("DELETE FROM entity_roles")
    c.execute("DELETE FROM entity_aliases")
    c.execute("DELETE FROM entities")
    c.executemany("INSERT INTO entities(id, name, type, mentions, documents, affiliation) VALUES (?,?,?,?,?,?)", tables.entities)
    c.executemany("INSERT INTO entity_aliases(entity, alias, count) VALUES (?,?,?)", tables.aliases)
    # Only the mentions whose entity changed are written: a rebuild after a few new documents rewrites
    # their mentions, not the whole table and its two indexes on `entity`.
    c.execute("CREATE TEMP TABLE IF NOT EXISTS entity_assignments (id INTEGER PRIMARY KEY, entity TEXT NOT NULL)")
    c.execute("DELETE FROM temp.entity_assignments")
    c.executemany("INSERT INTO temp.entity_assignments(entity, id) VALUES (?, ?)", tables.assignments)
    moves = [tuple(r) for r in c.execute(
        """SELECT m.entity, a.entity, COUNT(*) FROM mentions m JOIN temp.entity_assignments a ON a.id = m.id
           WHERE m.entity IS NOT NULL AND m.entity != a.entity GROUP BY m.entity, a.entity""")]
    c.execute("""UPDATE mentions SET entity = a.entity FROM temp.entity_assignments a
                 WHERE mentions.id = a.id AND mentions.entity IS NOT a.entity""")
    c.execute("DELETE FROM temp.entity_assignments")
    c.execute(
        """INSERT OR IGNORE INTO entity_roles(entity, doc, role)
           SELECT entity, doc, role FROM mentions WHERE role IS NOT NULL AND entity IS NOT NULL"""
    )
    c.executemany("INSERT INTO merges(entity, a, b, reason) VALUES (?,?,?,?)", tables.merges)
    return moves


def has_redirects(store) -> bool:
    return has_table(store.conn, "entity_redirects")


def redirect_inputs(store) -> tuple[set[str], dict[str, str], dict[str, str]]:
    """The live entity ids, each alias's (lower case) entity with the most mentions under it, the redirects so far."""
    c = store.conn
    live = {r[0] for r in c.execute("SELECT id FROM entities")}
    alias_owner: dict[str, str] = {}
    for alias, entity in c.execute(
        """SELECT lower(a.alias), a.entity FROM entity_aliases a JOIN entities e ON e.id = a.entity
           ORDER BY a.count DESC, e.mentions DESC, e.id"""
    ):
        alias_owner.setdefault(alias, entity)
    existing = dict(c.execute("SELECT old, entity FROM entity_redirects"))
    return live, alias_owner, existing


def write_redirects(store, found: dict[str, tuple[str, str | None, str]]) -> None:
    """Keep exactly the redirects in `found` (old id -> entity, old name, reason); a name of None moves the target only."""
    c = store.conn
    c.execute("DELETE FROM entity_redirects WHERE old NOT IN (SELECT value FROM json_each(?))", (json.dumps(list(found)),))
    for old, (target, name, reason) in found.items():
        if name is None:
            c.execute("UPDATE entity_redirects SET entity = ? WHERE old = ?", (target, old))
        else:
            c.execute(
                """INSERT INTO entity_redirects(old, entity, name, reason) VALUES (?, ?, ?, ?)
                   ON CONFLICT(old) DO UPDATE SET entity = excluded.entity, name = excluded.name,
                   reason = excluded.reason, at = datetime('now')""",
                (old, target, name, reason),
            )
