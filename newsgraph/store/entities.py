"""What entity resolution reads from the store and writes back (``newsgraph.resolve.entities``).

The resolver clusters plain mention records and hands back plain entity tables; the SQL of
both sides, and of the id redirects kept around a rewrite (``resolve.entity_ids``), lives here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Iterator

from newsgraph.store.queries.schema import has_table
from newsgraph.store.sqlite import document_pages, keys_table

MENTION_COLUMNS = ("id", "doc", "idx", "label", "name", "key", "kind", "place", "refers_to", "link_reason", "role", "form")


@dataclass
class EntityTables:
    """Everything one resolve writes: the entities, their aliases, who each mention is, why names merged."""

    entities: list[tuple[str, str, str, int, int, str | None]] = field(default_factory=list)  # id, name, type, mentions, documents, affiliation
    aliases: list[tuple[str, str, int]] = field(default_factory=list)  # entity, alias, count
    assignments: list[tuple[str, int]] = field(default_factory=list)  # entity, mention row id
    merges: list[tuple[str, str, str, str]] = field(default_factory=list)  # entity, a, b, reason
    forms: list[tuple] = field(default_factory=list)  # entity, name, key, label, place, kind, role: see `entity_forms`


def mention_rows(store, upto: str | None = None) -> Iterator[tuple]:
    """Every mention in document order (a tie in position by row id, as the index holds them), as `MENTION_COLUMNS`
    tuples, streamed from the cursor; with `upto`, only those of the documents up to that one (in id order)."""
    where, args = _up_to("doc", upto, "WHERE")
    return store.conn.execute(f"SELECT {', '.join(MENTION_COLUMNS)} FROM mentions {where} ORDER BY doc, idx, id", args)


def mention_ids(store, upto: str | None = None, before: bool = False) -> Iterator:
    """Every mention's row id in the order `mention_rows` gives the mentions, streamed: the query runs when the
    first id is asked for (the writer reads them beside the mentions' entities). With `before`, (row id, entity)
    pairs: the entity the mention has before the resolve writes it."""
    where, args = _up_to("doc", upto, "WHERE")
    # the ids alone come from the index on (doc, idx) without reading the table
    rows = store.conn.execute(f"SELECT id{', entity' if before else ''} FROM mentions {where} ORDER BY doc, idx, id", args)
    yield from rows if before else (row_id for (row_id,) in rows)


def document_batches(store, size: int, first: int | None = None) -> Iterator[list[str]]:
    """The documents' ids in id order (the order of `mention_rows`), `size` at a time (the first batch `first`, when
    given); only one batch is held."""
    return document_pages(store.conn, size, first=first)


def overrides(store) -> list[tuple[str, str, str | None]]:
    """The user's merges and splits, oldest first: (action, a, b)."""
    return [tuple(r) for r in store.conn.execute("SELECT action, a, b FROM overrides ORDER BY id")]


def keep_names(store) -> None:
    """Each entity id with its name, copied into a temp table before a resolve rewrites them (`vanished_names`)."""
    c = store.conn
    c.execute("DROP TABLE IF EXISTS temp.entity_names_before")
    c.execute("CREATE TEMP TABLE entity_names_before AS SELECT id, name FROM entities")


def vanished_names(store) -> dict[str, str]:
    """Id -> name of the ids `keep_names` kept that are no entity's now, in the order they were kept; drops the copy."""
    c = store.conn
    if c.execute("SELECT 1 FROM sqlite_temp_master WHERE name = 'entity_names_before'").fetchone() is None:
        return {}
    out = dict(c.execute("""SELECT id, name FROM temp.entity_names_before
                            WHERE id NOT IN (SELECT id FROM entities) ORDER BY rowid"""))
    c.execute("DROP TABLE temp.entity_names_before")
    return out


def write_entities(store, tables: EntityTables, upto: str | None = None) -> list[tuple[str, str, int]]:
    """Replace the entity tables and the entity of every mention the tables assign (inside the caller's
    transaction): every mention, unless a batched resolve gives only its first batch's (`upto`).

    Returns (old entity, new entity, mentions) for the mentions that moved from one entity to another. The
    aliases and forms may come as iterators that read the resolver's clusters: they are written before the
    mentions' entities, so that the clusters are let go before those.
    With `upto` (the first batch of a batched resolve: the documents after it still hold their entities of before
    the step), the roles are those of the documents up to it, and no moves are counted (the resolver counts
    them as it hands the assignments over: `resolve.entities._Tally`).
    """
    c = store.conn
    c.execute("DELETE FROM merges")
    c.execute("DELETE FROM entity_roles")
    c.execute("DELETE FROM entity_aliases")
    c.execute("DELETE FROM entities")
    c.executemany("INSERT INTO entities(id, name, type, mentions, documents, affiliation) VALUES (?,?,?,?,?,?)", tables.entities)
    c.executemany("INSERT INTO entity_aliases(entity, alias, count) VALUES (?,?,?)", tables.aliases)
    c.execute("DELETE FROM entity_forms")
    c.executemany("INSERT INTO entity_forms(entity, name, key, label, place, kind, role) VALUES (?,?,?,?,?,?,?)", tables.forms)
    store.set_meta("entity_forms", "1")
    # Only the mentions whose entity changed are written: a rebuild after a few new documents rewrites
    # their mentions, not the whole table and its two indexes on `entity`.
    _stage_assignments(c, tables.assignments)
    moves = _staged_moves(c) if upto is None else []
    _apply_assignments(c)
    where, args = _up_to("doc", upto)
    c.execute(
        f"""INSERT OR IGNORE INTO entity_roles(entity, doc, role)
            SELECT entity, doc, role FROM mentions WHERE role IS NOT NULL AND entity IS NOT NULL{where} ORDER BY id""", args
    )
    c.executemany("INSERT INTO merges(entity, a, b, reason) VALUES (?,?,?,?)", tables.merges)
    return moves


def _stage_assignments(c, assignments: list[tuple[str, int]]) -> None:
    """(entity, mention row id) pairs into a temp table, for one `UPDATE … FROM` (and the moves counted before it)."""
    c.execute("CREATE TEMP TABLE IF NOT EXISTS entity_assignments (id INTEGER PRIMARY KEY, entity TEXT NOT NULL)")
    c.execute("DELETE FROM temp.entity_assignments")
    c.executemany("INSERT INTO temp.entity_assignments(entity, id) VALUES (?, ?)", assignments)


def _staged_moves(c) -> list[tuple[str, str, int]]:
    """(entity now, staged entity, mentions) of the staged mentions whose entity changes."""
    return [tuple(r) for r in c.execute(
        """SELECT m.entity, a.entity, COUNT(*) FROM mentions m JOIN temp.entity_assignments a ON a.id = m.id
           WHERE m.entity IS NOT NULL AND m.entity != a.entity GROUP BY m.entity, a.entity""")]


def _up_to(column: str, upto: str | None, prefix: str = " AND") -> tuple[str, tuple]:
    """The condition (and its argument) that keeps the rows of the documents up to `upto`, or none without it."""
    return (f"{prefix} {column} <= ?", (upto,)) if upto is not None else ("", ())


def _apply_assignments(c) -> None:
    """Write the staged entities of the mentions whose entity changed."""
    # the staged rows the outer loop, each mention found by its row id ("+a.id" keeps SQLite from the other order,
    # a scan of every mention's entity, which made each batch of a batched resolve read the whole corpus)
    c.execute("""UPDATE mentions SET entity = a.entity FROM temp.entity_assignments a
                 WHERE mentions.id = +a.id AND mentions.entity IS NOT a.entity""")
    c.execute("DELETE FROM temp.entity_assignments")


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


# --- adding documents to resolved entities (``resolve.entities.resolve_added``) ---------------------------

def mark_added(store, docs) -> None:
    """Mark `docs` as the documents being added: what follows here reads them (`added_names`, `added_mention_rows`)
    or leaves them out (`entity_forms`, `co_mentioned`), and `add_forms` and `grow_entities` count them in."""
    keys_table(store.conn, "added_docs", ("id TEXT PRIMARY KEY",), ((d,) for d in docs))


# The added documents' mentions, in one order for every reader (a batched resolve reads their rows and their entities
# of before in two passes, side by side). The added documents are the outer loop (as in `add_forms`): with a plain
# join SQLite walked the whole index on (doc, idx) for them (4 million entries a batch at 100,000 documents).
_ADDED_MENTIONS = "FROM temp.added_docs d CROSS JOIN mentions m ON m.doc = d.id ORDER BY d.id, m.idx, m.id"


def added_mention_rows(store) -> Iterator[tuple]:
    """The mentions of the added documents (`mark_added`), as `MENTION_COLUMNS` tuples in document order, streamed
    from the cursor (a batch of 20,000 documents as a list of rows was 400 MB)."""
    return store.conn.execute(f"SELECT {', '.join('m.' + c for c in MENTION_COLUMNS)} {_ADDED_MENTIONS}")


def added_mention_entities(store) -> Iterator[tuple]:
    """(row id, entity) of the mentions of the added documents, in the order of `added_mention_rows`: the entity
    each has before it is written; streamed."""
    return store.conn.execute(f"SELECT m.id, m.entity {_ADDED_MENTIONS}")


def added_names(store) -> set[tuple[str, str, str, str | None]]:
    """The distinct (label, name, key, place) of the name mentions of the added documents (`mark_added`)."""
    return {tuple(r) for r in store.conn.execute(
        """SELECT DISTINCT m.label, m.name, m.key, m.place FROM temp.added_docs d CROSS JOIN mentions m ON m.doc = d.id
           WHERE m.form = 'name'""")}


def entity_forms(store) -> list[tuple]:
    """Each resolved entity's distinct name forms outside the added documents (`mark_added`):
    (entity, name, key, label, place, kind, role) with role any role one of those mentions held; one row stands
    for all the mentions written that way, so this is the size of the entity table, not of the corpus.

    Read from `entity_forms`, which the last full resolve wrote and each resolve since added to; a store whose
    last full resolve predates that table groups its mentions instead."""
    if store.get_meta("entity_forms") is None:
        return store.conn.execute(
            """SELECT entity, name, key, label, place, kind, MAX(role) FROM mentions
               WHERE form = 'name' AND entity IS NOT NULL AND doc NOT IN (SELECT id FROM temp.added_docs)
               GROUP BY entity, name, key, label, place, kind ORDER BY entity, name, key, label, place, kind""").fetchall()
    return store.conn.execute(
        """SELECT entity, name, key, label, place, kind, MAX(role) FROM entity_forms
           GROUP BY entity, name, key, label, place, kind ORDER BY entity, name, key, label, place, kind""").fetchall()


def add_forms(store, folded: dict[str, str]) -> None:
    """After `write_added`: the added documents' name forms go to `entity_forms`, and the forms of each entity
    folded into another follow it (nothing to do before a full resolve has written the table)."""
    c = store.conn
    if store.get_meta("entity_forms") is None:
        return
    c.executemany("UPDATE entity_forms SET entity = ? WHERE entity = ?", [(new, old) for old, new in folded.items()])
    # CROSS JOIN keeps the added documents the outer loop: with a plain join SQLite walked every resolved mention by
    # its entity index (4 million at 100,000 documents: 5 of the 10 CPU s of resolving 100 added documents)
    c.execute(
        """INSERT INTO entity_forms(entity, name, key, label, place, kind, role)
           SELECT m.entity, m.name, m.key, m.label, m.place, m.kind, MAX(m.role) FROM temp.added_docs d
           CROSS JOIN mentions m ON m.doc = d.id WHERE m.form = 'name' AND m.entity IS NOT NULL
           GROUP BY m.entity, m.name, m.key, m.label, m.place, m.kind""")


def co_mentioned(store, entity: str, upto: str | None = None) -> set[str]:
    """The entities named in a document that names `entity` (outside the added documents; with `upto`, in the
    documents up to it)."""
    # each of its documents once: joining every mention of it to its document's mentions met a document as often as
    # it names the entity (a state named in most of the corpus's documents, several times each)
    where, args = _up_to("doc", upto)
    return {r[0] for r in store.conn.execute(
        f"""SELECT DISTINCT o.entity FROM mentions o
            WHERE o.doc IN (SELECT doc FROM mentions WHERE entity = ? AND doc NOT IN (SELECT id FROM temp.added_docs){where})
              AND o.entity IS NOT NULL AND o.entity != ?""", (entity, *args, entity))}


def document_entities(store, after: str, upto: str) -> Iterator[tuple[str, str]]:
    """(document, entity) of the resolved mentions of the documents after `after` up to `upto` (in id order), by
    document; streamed."""
    return store.conn.execute(
        "SELECT doc, entity FROM mentions WHERE doc > ? AND doc <= ? AND entity IS NOT NULL ORDER BY doc", (after, upto))


_FORM_COLUMNS = "entity, label, name, key, kind, place, link_reason, role, form"


def start_form_counts(store) -> None:
    """An empty temp table for a batched resolve's counts of each entity's mention forms (`add_form_counts`)."""
    store.conn.execute("DROP TABLE IF EXISTS temp.form_counts")
    store.conn.execute(f"CREATE TEMP TABLE form_counts ({_FORM_COLUMNS}, mentions INTEGER, first INTEGER)")


def add_form_counts(store, rows) -> None:
    """(entity, label, name, key, kind, place, link_reason, role, form, mentions, first appearance) rows of a batch."""
    store.conn.executemany("INSERT INTO temp.form_counts VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)


def fold_form_counts(store, folded: dict[str, str]) -> None:
    """The form counts of each entity in `folded` (old -> new) now count for the entity it joined."""
    store.conn.executemany("UPDATE temp.form_counts SET entity = ? WHERE entity = ?", [(n, o) for o, n in folded.items()])


def form_counts(store) -> Iterator[tuple]:
    """Each entity's distinct mention forms with their counts, entity by entity, each entity's forms in order of
    first appearance: (entity, label, name, key, kind, place, link_reason, role, form, mentions, first). Summed
    over the batches' rows (`add_form_counts`): the size of the entity table, however many mentions; streamed,
    and the counts are dropped once read."""
    yield from store.conn.execute(
        f"""SELECT {_FORM_COLUMNS}, SUM(mentions), MIN(first) AS first_seen FROM temp.form_counts
            GROUP BY {_FORM_COLUMNS} ORDER BY entity, first_seen""")
    store.conn.execute("DROP TABLE temp.form_counts")


def revise_entities(store, rows: list[tuple[str, str, str, str | None]], renames: dict[str, str]) -> None:
    """Give entities their name, type and affiliation again ((id, name, type, affiliation) rows), then their new
    ids (`renames`, old -> new; ids may trade places) wherever an entity id is written."""
    c = store.conn
    c.executemany("UPDATE entities SET name = ?, type = ?, affiliation = ? WHERE id = ?",
                  [(name, typ, aff, eid) for eid, name, typ, aff in rows])
    if not renames:
        return
    c.execute("DROP TABLE IF EXISTS temp.entity_renames")
    c.execute("CREATE TEMP TABLE entity_renames (old TEXT PRIMARY KEY, new TEXT NOT NULL)")
    c.executemany("INSERT INTO temp.entity_renames(old, new) VALUES (?, ?)", renames.items())
    # the renames the outer loop, each one's mentions found through the index on `entity` ("+r.old", as in
    # `_apply_assignments`: left to choose, SQLite scanned every mention's entity for the renamed ones)
    c.execute("UPDATE mentions SET entity = r.new FROM temp.entity_renames r WHERE mentions.entity = +r.old")
    c.execute("UPDATE entities SET affiliation = r.new FROM temp.entity_renames r WHERE entities.affiliation = r.old")
    for table in ("entity_forms", "merges"):
        c.execute(f"UPDATE {table} SET entity = r.new FROM temp.entity_renames r WHERE {table}.entity = r.old")
    # the tables keyed by the id go through copies, so that two ids trading places never meet in the key (the
    # entity's own row last out and first in: its aliases and roles hang on it)
    keyed = (("entities", "id"), ("entity_aliases", "entity"), ("entity_roles", "entity"))
    for table, column in keyed:
        c.execute(f"DROP TABLE IF EXISTS temp.renamed_{table}")
        c.execute(f"""CREATE TEMP TABLE renamed_{table} AS SELECT * FROM {table}
                      WHERE {column} IN (SELECT old FROM temp.entity_renames)""")
        c.execute(f"UPDATE temp.renamed_{table} SET {column} = r.new FROM temp.entity_renames r WHERE renamed_{table}.{column} = r.old")
    for table, column in reversed(keyed):
        c.execute(f"DELETE FROM {table} WHERE {column} IN (SELECT old FROM temp.entity_renames)")
    for table, _ in keyed:
        c.execute(f"INSERT INTO {table} SELECT * FROM temp.renamed_{table}")
        c.execute(f"DROP TABLE temp.renamed_{table}")
    c.execute("DROP TABLE temp.entity_renames")


def mention_entities(store) -> Iterator[tuple[str, int, str | None]]:
    """(doc, mention index, entity) of every mention, as resolved."""
    return store.conn.execute("SELECT doc, idx, entity FROM mentions")


def entity_types(store) -> dict[str, str]:
    return dict(store.conn.execute("SELECT id, type FROM entities"))


def entity_sizes(store) -> dict[str, int]:
    return dict(store.conn.execute("SELECT id, mentions FROM entities"))


def member_rows(store, entities, upto: str | None = None) -> list[tuple]:
    """Every mention of these entities (with `upto`, in the documents up to it), as `MENTION_COLUMNS` tuples plus
    the entity."""
    c = store.conn
    c.execute("CREATE TEMP TABLE IF NOT EXISTS touched_entities (id TEXT PRIMARY KEY)")
    c.execute("DELETE FROM temp.touched_entities")
    c.executemany("INSERT OR IGNORE INTO temp.touched_entities(id) VALUES (?)", ((e,) for e in entities))
    where, args = _up_to("m.doc", upto, " WHERE")
    return c.execute(
        f"SELECT {', '.join('m.' + c for c in MENTION_COLUMNS)}, m.entity FROM mentions m"
        f" JOIN temp.touched_entities t ON t.id = m.entity{where} ORDER BY m.doc, m.idx", args).fetchall()


def write_added(store, assignments: list[tuple[str, int]], folded: dict[str, str],
                upto: str | None = None) -> list[tuple[str, str, int]]:
    """Give the added mentions their entities and move the mentions of each entity in `folded` (old -> new) to
    the entity it joined; returns (old, new, mentions) for the mentions that moved from one entity to another.

    With `upto` (a batch of a batched resolve, the added documents its last ones: the documents after it still hold
    their entities of before the step), the folds move only the mentions of the documents up to it and are not
    counted (the resolver counts the moves as it hands the assignments over: `resolve.entities._Tally`)."""
    c = store.conn
    _stage_assignments(c, assignments)
    _apply_assignments(c)
    moves = []
    where, args = _up_to("doc", upto)
    for old, new in folded.items():
        n = c.execute(f"UPDATE mentions SET entity = ? WHERE entity = ?{where}", (new, old, *args)).rowcount
        if upto is None:
            moves.append((old, new, n))
        c.execute("UPDATE merges SET entity = ? WHERE entity = ?", (new, old))
    return moves


def replace_entities(store, drop: set[str], tables: EntityTables, upto: str | None = None) -> None:
    """Drop the rows of the entities in `drop` and write `tables` (new rows for some of them, or new entities; their
    roles from the documents up to `upto`, when given)."""
    c = store.conn
    ids = [(e,) for e in drop | {row[0] for row in tables.entities}]
    c.executemany("DELETE FROM entity_roles WHERE entity = ?", ids)
    c.executemany("DELETE FROM entity_aliases WHERE entity = ?", ids)
    c.executemany("DELETE FROM entities WHERE id = ?", ids)
    c.executemany("INSERT INTO entities(id, name, type, mentions, documents, affiliation) VALUES (?,?,?,?,?,?)", tables.entities)
    c.executemany("INSERT INTO entity_aliases(entity, alias, count) VALUES (?,?,?)", tables.aliases)
    where, args = _up_to("doc", upto)
    c.executemany(
        f"""INSERT OR IGNORE INTO entity_roles(entity, doc, role)
            SELECT entity, doc, role FROM mentions WHERE entity = ? AND role IS NOT NULL{where}""",
        [(row[0], *args) for row in tables.entities])
    # a reason already kept for the entity is not kept again (each batch of added documents gives its own)
    c.executemany("""INSERT INTO merges(entity, a, b, reason) SELECT ?1, ?2, ?3, ?4 WHERE NOT EXISTS
                     (SELECT 1 FROM merges WHERE entity = ?1 AND a = ?2 AND b = ?3 AND reason = ?4)""", tables.merges)


def place_entities(store, places: set[str]) -> dict[str, str]:
    """Place id -> the entity most of its mentions belong to (ties: the first id)."""
    if not places:
        return {}
    table = keys_table(store.conn, "wanted_places", ("id TEXT PRIMARY KEY",), ((p,) for p in places))
    # one pass over the mentions for all the places (no index holds `place`: a query a place read them all each
    # time), in table order: through the index on `entity` (what SQLite chose for "entity IS NOT NULL") the same
    # pass took five times as long
    best: dict[str, tuple[int, str]] = {}
    for pid, eid, n in store.conn.execute(
            f"""SELECT place, entity, COUNT(*) FROM mentions WHERE place IN (SELECT id FROM {table})
                AND +entity IS NOT NULL GROUP BY place, entity"""):
        if pid not in best or (-n, eid) < best[pid]:
            best[pid] = (-n, eid)
    return {pid: eid for pid, (_, eid) in best.items()}


def grow_entities(store, grown: list[tuple[str, int, int]], aliases: list[tuple[str, str, int]]) -> None:
    """Count the added documents' mentions into resolved entities: (entity, mentions, documents) more, the
    aliases' counts up (new aliases added), the roles their mentions hold in the added documents."""
    c = store.conn
    c.executemany("UPDATE entities SET mentions = mentions + ?, documents = documents + ? WHERE id = ?",
                  [(n, d, e) for e, n, d in grown])
    c.executemany("""INSERT INTO entity_aliases(entity, alias, count) VALUES (?, ?, ?)
                     ON CONFLICT(entity, alias) DO UPDATE SET count = count + excluded.count""", aliases)
    # the added documents the outer loop (as in `add_forms`), not a scan of every mention; rows in mention order, as
    # that scan wrote them
    c.execute("""INSERT OR IGNORE INTO entity_roles(entity, doc, role)
                 SELECT m.entity, m.doc, m.role FROM temp.added_docs d CROSS JOIN mentions m ON m.doc = d.id
                 WHERE m.role IS NOT NULL AND m.entity IS NOT NULL ORDER BY m.id""")
