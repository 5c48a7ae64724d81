"""What the copies, stories and lineage corpus steps read from the store and write back (plain records).

Each step in ``newsgraph.resolve`` (copies, stories, lineage) is load -> pure compute
-> write; the SQL for the loading and writing is here, as in ``store/corpus.py``.
"""

from __future__ import annotations

import json
import sys
from array import array
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator
from itertools import groupby, islice
from operator import itemgetter

from newsgraph.model import OTHER_SIDE_ROLES
from newsgraph.store.corpus import entity_names
from newsgraph.store.queries.schema import marks
from newsgraph.store.sqlite import keys_table
from newsgraph.store.web import page_versions


@dataclass(frozen=True)
class DocInfo:
    id: str
    path: str
    title: str | None
    outlet: str | None
    published: str | None
    inferred: bool
    added_at: str

    @property
    def order(self) -> tuple:
        """When it was reported: publication date (unknown last), then arrival, then path."""
        return (self.published is None, self.published or "", self.added_at or "", self.path)


@dataclass
class CopyLinks:
    documents: dict[str, DocInfo]  # the documents named below, not the whole corpus
    pairs: list[tuple[str, str, float]]  # (a, b, similarity) of every pair of copies found so far, a < b
    versions: dict[str, list[tuple[int, str]]]  # page URL -> [(version, doc)] oldest first, the latest last


def documents(store, ids=None) -> dict[str, DocInfo]:
    """Every document's DocInfo, or only those of `ids`."""
    sql = "SELECT id, path, title, outlet, published, published_inferred, added_at FROM documents"
    if ids is None:
        rows = store.conn.execute(sql)
    else:
        ids = list(ids)
        rows = (r for i in range(0, len(ids), 500)
                for r in store.conn.execute(f"{sql} WHERE id IN ({','.join('?' * len(ids[i:i + 500]))})", ids[i:i + 500]))
    return {r[0]: DocInfo(r[0], r[1], r[2], r[3], r[4], bool(r[5]), r[6]) for r in rows}


def unsigned_documents(store) -> list[str]:
    """Documents the copies step has not hashed yet, in id order."""
    return [r[0] for r in store.conn.execute(
        "SELECT id FROM documents WHERE id NOT IN (SELECT doc FROM text_signatures) ORDER BY id")]


def unbanded_signatures(store, limit: int) -> dict[str, tuple[int, bytes]]:
    """Up to `limit` cached signatures whose bands are not written yet (kept by a store made before the bands were)."""
    return {r[0]: (r[1], r[2]) for r in store.conn.execute(
        """SELECT doc, shingles, signature FROM text_signatures WHERE banded = 0 AND doc IN (SELECT id FROM documents)
           ORDER BY doc LIMIT ?""", (limit,))}


def gone_signatures(store) -> dict[str, tuple[int, bytes]]:
    """Signatures of documents no longer in the store: their bands and pairs are to be dropped."""
    return {r[0]: (r[1], r[2]) for r in store.conn.execute(
        "SELECT doc, shingles, signature FROM text_signatures WHERE doc NOT IN (SELECT id FROM documents)")}


def document_texts(store, ids) -> dict[str, str]:
    ids = list(ids)
    out: dict[str, str] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        out.update(store.conn.execute(f"SELECT id, text FROM documents WHERE id IN ({','.join('?' * len(chunk))})", chunk).fetchall())
    return out


def write_bands(store, signatures: dict[str, tuple[int, bytes]], bands: dict[str, list[int]]) -> None:
    """Store signatures (new or cached) as banded, with their band keys, and note the keys as fresh for
    `band_candidates`."""
    conn = store.conn
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS fresh_keys (key INTEGER PRIMARY KEY)")
    with store.transaction():
        conn.executemany("INSERT OR REPLACE INTO text_signatures(doc, shingles, signature, banded) VALUES (?, ?, ?, 1)",
                         [(d, n, sig) for d, (n, sig) in signatures.items()])
        rows = [(k, d) for d, keys in bands.items() for k in keys]
        conn.executemany("INSERT OR IGNORE INTO copy_bands(key, doc) VALUES (?, ?)", rows)
        conn.executemany("INSERT OR IGNORE INTO temp.fresh_keys(key) VALUES (?)", [(k,) for k, _ in rows])


def band_candidates(store, fresh: set[str]) -> set[tuple[str, str]]:
    """(a, b), a < b: pairs sharing a band key noted fresh by `write_bands`, at least one of them in `fresh`
    (the pairs of two documents seen before were compared when the later of them arrived)."""
    conn = store.conn
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS fresh_keys (key INTEGER PRIMARY KEY)")
    pairs = set()
    for (docs,) in conn.execute(
        """SELECT group_concat(doc, char(31)) FROM copy_bands WHERE key IN (SELECT key FROM temp.fresh_keys)
           GROUP BY key HAVING COUNT(*) > 1"""
    ):
        members = sorted(docs.split("\x1f"))
        for n, a in enumerate(members):
            for b in members[n + 1:]:
                if a in fresh or b in fresh:
                    pairs.add((a, b))
    conn.execute("DELETE FROM temp.fresh_keys")
    return pairs


def drop_gone(store, bands: dict[str, list[int]]) -> None:
    """Forget the signatures, bands and pairs of documents no longer in the store (`bands`: doc -> its band keys)."""
    conn = store.conn
    with store.transaction():
        conn.executemany("DELETE FROM copy_bands WHERE key = ? AND doc = ?", [(k, d) for d, keys in bands.items() for k in keys])
        conn.executemany("DELETE FROM copy_pairs WHERE a = ? OR b = ?", [(d, d) for d in bands])
        conn.executemany("DELETE FROM text_signatures WHERE doc = ?", [(d,) for d in bands])


def add_copy_pairs(store, pairs: list[tuple[str, str, float]]) -> None:
    with store.transaction():
        store.conn.executemany("INSERT OR REPLACE INTO copy_pairs(a, b, similarity) VALUES (?, ?, ?)", pairs)


def copy_links(store) -> CopyLinks:
    conn = store.conn
    pairs = [tuple(r) for r in conn.execute(
        """SELECT a, b, similarity FROM copy_pairs
           WHERE EXISTS (SELECT 1 FROM documents WHERE id = a) AND EXISTS (SELECT 1 FROM documents WHERE id = b)
           ORDER BY a, b""")]
    versions = page_versions(conn)
    named = {d for a, b, _ in pairs for d in (a, b)} | {d for vs in versions.values() for _, d in vs}
    return CopyLinks(documents(store, named), pairs, versions)


def write_copies(store, rows: list[tuple[str, str, str, float | None]]) -> None:
    """Replace the copies table with `rows` (doc, canonical, kind, similarity)."""
    conn = store.conn
    with store.transaction():
        conn.execute("DELETE FROM copies")
        conn.executemany("INSERT INTO copies(doc, canonical, kind, similarity) VALUES (?, ?, ?, ?)", rows)


# --- stories -------------------------------------------------------------------------------------

@dataclass
class StoryDoc:
    info: DocInfo
    entities: dict[str, int] = field(default_factory=dict)  # entity id -> mentions
    groups: set[int] = field(default_factory=set)  # fact groups its events belong to
    relations: set[str] = field(default_factory=set)  # "TYPE|subject|object" of its events between entities


@dataclass
class StoryInputs:
    docs: dict[str, StoryDoc]  # canonical documents only
    copies: dict[str, str]  # copy -> canonical
    names: dict[str, str]
    types: dict[str, str]
    infos: dict[str, DocInfo] = field(default_factory=dict)  # every document, copies too


@dataclass
class ReadingOrder:
    """The canonical documents in the order the stories' single pass reads them (reporting order), with what placing
    one needs besides its vector: the day it was published (a date ordinal, 0 for none) and its rank in arrival order.
    Arrays rather than a DocInfo per document: at 100,000 documents the DocInfos held for the pass were 72 MB, the
    larger part of the stories step's peak, and the pass reads none of their titles or paths."""

    ids: list[str]
    days: array
    arrivals: array


def reading_order(store, day: Callable[[str | None], int | None]) -> ReadingOrder:
    """The canonical documents (not copies) as a `ReadingOrder`. `day(published)` is a date's ordinal, or None for a value
    that does not read as a date; the order is the pass's: dated documents by their `published` text, then undated
    ones, each by arrival (`added_at`, then path, then the order they were stored in)."""
    conn = store.conn
    conn.create_function("story_day", 1, day, deterministic=True)
    rows = conn.execute("""
        SELECT id, day, arrival FROM (
            SELECT id, published, added_at, path, rowid AS stored, story_day(published) AS day,
                   ROW_NUMBER() OVER (ORDER BY COALESCE(added_at, ''), path, rowid) - 1 AS arrival
            FROM documents WHERE id NOT IN (SELECT doc FROM copies))
        ORDER BY day IS NULL, CASE WHEN day IS NULL THEN '' ELSE published END, COALESCE(added_at, ''), path, stored""")
    out = ReadingOrder([], array("l"), array("l"))
    for doc, ordinal, arrival in rows:
        out.ids.append(doc)
        out.days.append(ordinal or 0)
        out.arrivals.append(arrival)
    return out


def canonical_of(store) -> dict[str, str]:
    """copy -> its canonical document."""
    return dict(store.conn.execute("SELECT doc, canonical FROM copies"))


def story_inputs(store) -> StoryInputs:
    """The stories step's inputs held at once: every document's DocInfo, entities, fact groups and relations (the step
    itself reads them as it goes; see `resolve.stories.resolve`)."""
    conn = store.conn
    infos = documents(store)
    copies = canonical_of(store)
    docs = {d: StoryDoc(info) for d, info in infos.items() if d not in copies}
    one = sys.intern  # an entity's id once, not once per document that names it
    for doc, entity, n in conn.execute(
        "SELECT doc, entity, COUNT(*) FROM mentions WHERE entity IS NOT NULL GROUP BY doc, entity"
    ):
        if doc in docs:
            docs[doc].entities[one(entity)] = n
    for doc, grp in conn.execute("SELECT DISTINCT doc, grp FROM events WHERE grp IS NOT NULL"):
        if doc in docs:
            docs[doc].groups.add(grp)
    # one event's sides are held at a time, not every event's of the corpus
    for doc, relation in _relation_rows(conn):
        if doc in docs:
            docs[doc].relations.add(one(relation))
    names, types = entity_names(store)
    return StoryInputs(docs, copies, names, types, infos)


def _relation_rows(conn, scoped: bool = False) -> Iterator[tuple[str, str]]:
    """(doc, "TYPE|subject|object") of each typed, not negated event between two resolved entities, event by event;
    `scoped`: only the events of the documents in `temp.story_scope`."""
    scope = "AND e.doc IN (SELECT doc FROM temp.story_scope)" if scoped else ""
    rows = conn.execute(
        f"""SELECT e.id, e.doc, e.type, p.role, m.entity FROM events e JOIN event_participants p ON p.event = e.id
           JOIN mentions m ON m.doc = e.doc AND m.idx = p.mention
           WHERE e.negated = 0 AND m.entity IS NOT NULL AND e.type NOT IN ('OTHER', 'STATEMENT')
             AND p.role IN ('subject', {marks(OTHER_SIDE_ROLES)}) {scope}
           ORDER BY p.event""", OTHER_SIDE_ROLES)
    for _, event_rows in groupby(rows, key=itemgetter(0)):
        subjects: set[str] = set()
        objects: set[str] = set()
        for _, doc, type_, role, entity in event_rows:
            (subjects if role == "subject" else objects).add(entity)
        for s in subjects:
            for o in objects - {s}:
                yield doc, f"{type_}|{s}|{o}"


def _collect_features(conn, chunk: int, docs: Iterable[str] | None = None, added: Iterable[str] = ()) -> None:
    """(doc, feature, mentions) of every canonical document, or of `docs` only, into `temp.story_features`; with
    `docs`, `temp.story_scope` holds them, marking those of `added`."""
    _drop_features(conn)
    conn.execute("CREATE TEMP TABLE story_features (doc TEXT, feature TEXT, mentions INTEGER, PRIMARY KEY (doc, feature)) WITHOUT ROWID")
    canonical = "doc IN (SELECT id FROM documents) AND doc NOT IN (SELECT doc FROM copies)"
    scoped = docs is not None
    if scoped:
        new = set(added)
        keys_table(conn, "story_scope", ("doc TEXT PRIMARY KEY", "added INTEGER NOT NULL"), ((d, d in new) for d in docs))
        # the scope drives: asked as one more IN beside the others, SQLite walked every document's rows (1 s at 100k)
        canonical = f"doc IN (SELECT doc FROM temp.story_scope WHERE {canonical})"
    conn.execute(f"""INSERT INTO temp.story_features(doc, feature, mentions) SELECT doc, 'e:' || entity, COUNT(*) FROM mentions
                     WHERE entity IS NOT NULL AND {canonical} GROUP BY doc, entity""")
    conn.execute(f"""INSERT OR IGNORE INTO temp.story_features(doc, feature, mentions) SELECT DISTINCT doc, 'g:' || grp, NULL FROM events
                     WHERE grp IS NOT NULL AND {canonical}""")
    copies = {r[0] for r in conn.execute("SELECT doc FROM copies")}
    it = ((doc, "r:" + rel) for doc, rel in _relation_rows(conn, scoped) if doc not in copies)
    while batch := list(islice(it, chunk)):
        conn.executemany("INSERT OR IGNORE INTO temp.story_features(doc, feature, mentions) VALUES (?, ?, NULL)", batch)


def _drop_features(conn) -> None:
    for table in ("story_features", "story_scope", "story_groups"):
        conn.execute(f"DROP TABLE IF EXISTS temp.{table}")


def story_features(store, chunk: int = 5_000, docs: Iterable[str] | None = None, added: Iterable[str] = (),
                   groups: Iterable[int] = ()) -> Iterator[tuple[str, list[tuple[str, int | None, int]]]]:
    """(doc, [(feature, mentions, df)]) for each document that is not a copy, doc by doc, with its features that at least
    two such documents have: "e:<entity>" (mentions: how often the document names it), "g:<fact group>" and
    "r:<TYPE|subject|object>" (mentions None); df: how many documents have the feature. The features go to a temporary
    table as they are read, and the counts are made there, so that no document's features are held but the current
    one's (what `story_inputs` holds for every document). Every feature's count is kept in `story_df`.

    With `docs`, only those documents' features are read, against the kept counts: the counts of the features of
    `added` (documents not counted yet, among `docs`) go up by one for each, and the counts of these documents' fact
    groups and of `groups` (fact groups that events left) are made again (an earlier document's event may have
    joined a group with an added one's, and a group's id is its first event's)."""
    conn = store.conn
    _collect_features(conn, chunk, docs, added)
    if docs is None:
        conn.execute("DELETE FROM story_df")
        conn.execute("""INSERT INTO story_df(feature, n, doc) SELECT feature, COUNT(*), CASE WHEN COUNT(*) = 1 THEN MIN(doc) END
                        FROM temp.story_features GROUP BY feature""")
    else:
        conn.execute("""INSERT INTO story_df(feature, n, doc) SELECT feature, COUNT(*), CASE WHEN COUNT(*) = 1 THEN MIN(doc) END
                        FROM temp.story_features WHERE doc IN (SELECT doc FROM temp.story_scope WHERE added) AND feature NOT LIKE 'g:%'
                        GROUP BY feature
                        ON CONFLICT(feature) DO UPDATE SET n = n + excluded.n, doc = NULL""")
        keys_table(conn, "story_groups", ("grp INTEGER PRIMARY KEY",), ((g,) for g in groups))
        conn.execute("""INSERT OR IGNORE INTO temp.story_groups(grp)
                        SELECT CAST(substr(feature, 3) AS INTEGER) FROM temp.story_features WHERE feature LIKE 'g:%'""")
        conn.execute("DELETE FROM story_df WHERE feature IN (SELECT 'g:' || grp FROM temp.story_groups)")
        # a fact group's documents, counted in one scan of the events (+doc: 0.2 s at 100k; through the index on doc,
        # every document's events, 0.8 s)
        conn.execute("""INSERT INTO story_df(feature, n, doc) SELECT 'g:' || grp, COUNT(DISTINCT doc), CASE WHEN COUNT(DISTINCT doc) = 1 THEN MIN(doc) END
                        FROM events
                        WHERE grp IN (SELECT grp FROM temp.story_groups)
                          AND +doc IN (SELECT id FROM documents) AND +doc NOT IN (SELECT doc FROM copies) GROUP BY grp""")
    one = sys.intern  # a feature's name once for the corpus, not once per document that has it
    rows = conn.execute("""SELECT f.doc, f.feature, f.mentions, d.n FROM temp.story_features f
                           JOIN story_df d ON d.feature = f.feature WHERE d.n > 1 ORDER BY f.doc""")
    try:
        for doc, group in groupby(rows, key=itemgetter(0)):
            yield doc, [(one(feature), mentions, n) for _, feature, mentions, n in group]
    finally:
        rows.close()
        _drop_features(conn)


def sharing_now(store, added: Iterable[str], chunk: int = 5_000) -> set[str]:
    """The counted documents that alone had a feature one of `added` has: their vectors left it out (a feature of one
    document weighs nothing), and it weighs now."""
    conn = store.conn
    added = set(added)
    _collect_features(conn, chunk, added, added)
    try:
        return {r[0] for r in conn.execute("""SELECT DISTINCT d.doc FROM temp.story_features f JOIN story_df d ON d.feature = f.feature
                                              WHERE d.n = 1 AND d.doc IS NOT NULL""")} - added
    finally:
        _drop_features(conn)


def documents_of_events(store, events: Iterable[int]) -> set[str]:
    """The documents the events are in."""
    table = keys_table(store.conn, "story_events", ("id INTEGER PRIMARY KEY",), ((e,) for e in events))
    return {r[0] for r in store.conn.execute(f"SELECT DISTINCT doc FROM events WHERE id IN (SELECT id FROM {table})")}


class KeptVectors:
    """The documents' story vectors kept in `story_vectors` (`keep_vectors`) and read back one at a time: `get` as on
    the dict of every vector, the last one read kept at hand (the pass asks for a document's vector twice in a row)."""

    def __init__(self, conn):
        self.conn = conn
        self._last: tuple[str, dict | None] | None = None

    def get(self, doc: str, default=None):
        if self._last is None or self._last[0] != doc:
            row = self.conn.execute("SELECT vec FROM story_vectors WHERE doc = ?", (doc,)).fetchone()
            self._last = (doc, None if row is None else {sys.intern(f): w for f, w in json.loads(row[0])})
        return default if self._last[1] is None else self._last[1]

    def close(self) -> None:
        self._last = None


def keep_vectors(store, vectors: Iterable[tuple[str, dict[str, float]]], chunk: int = 5_000,
                 only: Iterable[str] | None = None) -> KeptVectors:
    """Keep (doc, vector) pairs in `story_vectors` as they come (the features in the vector's order) and return the
    mapping that reads them back. They replace every kept vector, or with `only`, those of these documents (which
    `vectors` gives again, or not when a document has none now) and of the documents that became copies. A
    canonical document `vectors` does not give is kept with no feature."""
    conn = store.conn
    if only is None:
        conn.execute("DELETE FROM story_vectors")
    else:
        table = keys_table(conn, "story_reweighed", ("id TEXT PRIMARY KEY",), ((d,) for d in only))
        conn.execute(f"DELETE FROM story_vectors WHERE doc IN (SELECT id FROM {table})")
        conn.execute("DELETE FROM story_vectors WHERE doc IN (SELECT doc FROM copies)")
    it = ((d, json.dumps(list(vec.items()))) for d, vec in vectors)
    while batch := list(islice(it, chunk)):
        conn.executemany("INSERT INTO story_vectors(doc, vec) VALUES (?, ?)", batch)
    # every counted document has a row, "[]" when no feature of it weighs: `recounted` tells them from the others
    scope = "" if only is None else f" AND id IN (SELECT id FROM {table})"
    conn.execute(f"""INSERT OR IGNORE INTO story_vectors(doc, vec) SELECT id, '[]' FROM documents
                     WHERE id NOT IN (SELECT doc FROM copies){scope}""")
    return KeptVectors(conn)


def recounted(store) -> tuple[set[str], set[str]]:
    """(the counted documents that are no longer canonical ones, the canonical documents not counted): what the kept
    vectors and counts (`keep_vectors`, `story_df`) miss since they were made."""
    conn = store.conn
    gone = {r[0] for r in conn.execute("""SELECT doc FROM story_vectors
                                          WHERE doc NOT IN (SELECT id FROM documents) OR doc IN (SELECT doc FROM copies)""")}
    new = {r[0] for r in conn.execute("""SELECT id FROM documents
                                         WHERE id NOT IN (SELECT doc FROM copies) AND id NOT IN (SELECT doc FROM story_vectors)""")}
    return gone, new


def story_members(store) -> dict[str, dict[str, float]]:
    """Each stored story's documents (copies too) with the similarity each joined at."""
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for story, doc, score in store.conn.execute("SELECT story, doc, score FROM story_documents"):
        out[story][doc] = score
    return dict(out)


def write_stories(store, stories: Iterable[dict], replacing: Iterable[str] | None = None) -> None:
    """Replace stories with `stories`: dicts of the `stories` columns plus `members` [(doc, score)], written as they
    come; with `replacing` (story ids), only those stories are taken out first, and the others stay."""
    conn = store.conn
    with store.transaction():
        if replacing is None:
            conn.execute("DELETE FROM story_documents")
            conn.execute("DELETE FROM stories")
        else:
            table = keys_table(conn, "story_replaced", ("id TEXT PRIMARY KEY",), ((s,) for s in replacing))
            conn.execute(f"DELETE FROM story_documents WHERE story IN (SELECT id FROM {table})")
            conn.execute(f"DELETE FROM stories WHERE id IN (SELECT id FROM {table})")
        for s in stories:
            conn.execute(
                "INSERT INTO stories(id, title, first, last, documents, outlets, actors, updated_at) VALUES (?,?,?,?,?,?,?,?)",
                (s["id"], s["title"], s["first"], s["last"], s["documents"], s["outlets"], json.dumps(s["actors"]), s["updated_at"]),
            )
            conn.executemany("INSERT INTO story_documents(story, doc, score) VALUES (?, ?, ?)",
                             [(s["id"], d, round(score, 4)) for d, score in s["members"]])


# --- lineage -------------------------------------------------------------------------------------

@dataclass
class Report:
    """One document's report of a figure or claim."""

    doc: str
    event: int | None
    start: int | None
    end: int | None
    text: str | None
    source: str | None
    source_text: str | None


@dataclass
class LineageInputs:
    documents: dict[str, DocInfo]  # the documents the reports name, copies too
    names: dict[str, str]
    copies: dict[str, list[str]]  # canonical -> its copies
    figures: list[tuple[int, float, str, list[Report]]]  # conflict id, value, unit, reports in the conflict
    copy_amounts: dict[tuple[str, float, str], Report]  # (copy doc, value, unit) -> that copy's report of the figure
    facts: list[tuple[int, str, list[Report]]]  # fact group id, description, member reports
    quotes: list[tuple[str, list[Report]]]  # quote text, reports (source = speaker)


def lineage_inputs(store) -> LineageInputs:
    """Everything the lineage step computes from, held at once (`lineage_parts` reads the same without holding it)."""
    parts = lineage_parts(store)
    facts, quotes = list(parts.facts), list(parts.quotes)
    named = {r.doc for _, _, _, reports in parts.figures for r in reports} | {r.doc for r in parts.copy_amounts.values()}
    named |= {r.doc for _, _, reports in facts for r in reports} | {r.doc for _, reports in quotes for r in reports}
    named |= set(parts.copies) | {d for ds in parts.copies.values() for d in ds}
    return LineageInputs(documents(store, named), parts.names, parts.copies, parts.figures, parts.copy_amounts, facts, quotes)


def lineage_parts(store) -> LineageInputs:
    """The lineage step's inputs with the long parts left to be read as they are used: `facts` and `quotes` are
    iterators over the store's rows (one fact group, one repeated quote at a time) and `documents` is empty
    (`documents(store, ids)` gives the DocInfo of the documents an item's reports name). The figures (one per value
    of a conflict) and the copies' amounts are few and held."""
    conn = store.conn
    names, _ = entity_names(store)
    copies: dict[str, list[str]] = defaultdict(list)
    for doc, canonical in conn.execute("SELECT doc, canonical FROM copies ORDER BY doc"):
        copies[canonical].append(doc)
    by_figure: dict[tuple[int, float, str], list[Report]] = defaultdict(list)
    for r in conn.execute(
        """SELECT v.conflict, v.value, v.unit, v.doc, v.event, v.start, v."end", v.text, v.source, v.source_text
           FROM conflict_values v JOIN conflicts c ON c.id = v.conflict
           WHERE c.kind = 'amount' AND v.value IS NOT NULL ORDER BY v.conflict, v.value, v.rowid"""
    ):
        by_figure[(r[0], r[1], r[2])].append(Report(r[3], r[4], r[5], r[6], r[7], r[8], r[9]))
    figures = [(c, v, u, reports) for (c, v, u), reports in by_figure.items()]
    copy_amounts: dict[tuple[str, float, str], Report] = {}
    copy_docs = [d for ds in copies.values() for d in ds]
    for i in range(0, len(copy_docs), 500):
        chunk = copy_docs[i:i + 500]
        within = ','.join('?' * len(chunk))
        # the chunk's events' amounts, in event_amounts' order (a figure two events share keeps the first's source):
        # joined as a subquery of every event's amounts, they were all read again for each chunk (quadratic: 7 chunks
        # of 1.2 million rows at 100,000 documents)
        conn.execute("DROP TABLE IF EXISTS temp.lineage_amounts")
        conn.execute(f"""CREATE TEMP TABLE lineage_amounts AS SELECT x.event, x.amount, e.doc
                         FROM events e CROSS JOIN event_amounts x ON x.event = e.id WHERE e.doc IN ({within}) ORDER BY x.rowid""",
                     chunk)
        conn.execute("CREATE INDEX temp.lineage_amounts_key ON lineage_amounts(doc, amount)")
        for r in conn.execute(
            f"""SELECT a.doc, a.value, a.unit, a.start, a."end", a.text, ea.event, sm.entity, sp.text
                FROM amounts a
                LEFT JOIN temp.lineage_amounts ea ON ea.doc = a.doc AND ea.amount = a.idx
                LEFT JOIN event_participants sp ON sp.event = ea.event AND sp.role = 'source'
                LEFT JOIN mentions sm ON sm.doc = a.doc AND sm.idx = sp.mention
                WHERE a.kind = 'money' AND a.value IS NOT NULL AND a.doc IN ({within})
                ORDER BY a.doc, a.start""", chunk):
            copy_amounts.setdefault((r[0], r[1], r[2]), Report(r[0], r[6], r[3], r[4], r[5], r[7], r[8]))
    conn.execute("DROP TABLE IF EXISTS temp.lineage_amounts")
    return LineageInputs({}, names, dict(copies), figures, copy_amounts, _lineage_facts(conn, names), _repeated_quotes(conn))


def _lineage_facts(conn, names: dict[str, str]) -> Iterator[tuple[int, str, list[Report]]]:
    """(fact group id, description, member reports) of each fact group reported by two or more documents, by group id."""
    rows = conn.execute(
        """SELECT g.id, g.predicate, g.subject, g.object, e.id, e.doc, e.start, e."end", e.trigger, sm.entity, sp.text
           FROM fact_groups g JOIN events e ON e.grp = g.id
           LEFT JOIN event_participants sp ON sp.event = e.id AND sp.role = 'source'
           LEFT JOIN mentions sm ON sm.doc = e.doc AND sm.idx = sp.mention
           WHERE g.documents >= 2 ORDER BY g.id, e.id""")
    side = lambda ids: " and ".join(names.get(x, x) for x in (ids or "").split(";") if x)  # noqa: E731
    for grp, group in groupby(rows, key=itemgetter(0)):
        reports, described = [], None
        for r in group:
            described = f"{side(r[2])} {r[1]} {side(r[3])}".strip()
            reports.append(Report(r[5], r[4], r[6], r[7], r[8], r[9], r[10]))
        yield grp, described, reports


def quote_key(text: str) -> str:
    """What two printings of one quote share: the words, lower case, without the quotation marks and end stop."""
    return " ".join(text.lower().split()).strip(" \"'\u201c\u201d.,")


def _repeated_quotes(conn, chunk: int = 5_000) -> Iterator[tuple[str, list[Report]]]:
    """(quote key, reports) of each direct quote of 30 characters or more that two or more documents print, in the order
    the quotes first appear (by document, then place): the quotes go to a temporary table under their keys as they
    are read, and each repeated one comes back with its reports, one at a time."""
    conn.execute("DROP TABLE IF EXISTS temp.lineage_quotes")
    conn.execute("""CREATE TEMP TABLE lineage_quotes (key TEXT, ord INTEGER, doc TEXT, start INTEGER, "end" INTEGER, text TEXT,
                    entity TEXT, speaker_text TEXT)""")
    rows = conn.execute(
        """SELECT q.doc, q.start, q."end", q.text, m.entity, q.speaker_text FROM quotes q
           LEFT JOIN mentions m ON m.doc = q.doc AND m.idx = q.speaker_mention
           WHERE q.kind = 'direct' AND length(q.text) >= 30 ORDER BY q.doc, q.start""")
    it = ((quote_key(r[3]), n, *r) for n, r in enumerate(rows))
    while batch := list(islice(it, chunk)):
        conn.executemany("INSERT INTO temp.lineage_quotes VALUES (?, ?, ?, ?, ?, ?, ?, ?)", batch)
    conn.execute("CREATE INDEX temp.lineage_quotes_key ON lineage_quotes(key, ord)")
    found = conn.execute(
        """WITH k AS (SELECT key, MIN(ord) AS first FROM temp.lineage_quotes GROUP BY key HAVING COUNT(DISTINCT doc) >= 2)
           SELECT k.first, q.key, q.doc, q.start, q."end", q.text, q.entity, q.speaker_text
           FROM k JOIN temp.lineage_quotes q ON q.key = k.key ORDER BY k.first, q.ord""")
    try:
        for _, group in groupby(found, key=itemgetter(0)):
            group = list(group)
            yield group[0][1], [Report(r[2], None, r[3], r[4], r[5], r[6], r[7]) for r in group]
    finally:
        found.close()
        conn.execute("DROP TABLE IF EXISTS temp.lineage_quotes")


def write_lineage(store, items: Iterable[dict]) -> None:
    """Replace lineage with `items` (written as they come): dicts of the `lineage` columns plus `reports` (dicts of
    lineage_reports columns)."""
    conn = store.conn
    with store.transaction():
        conn.execute("DELETE FROM lineage_reports")
        conn.execute("DELETE FROM lineage")
        for item in items:
            cur = conn.execute(
                "INSERT INTO lineage(kind, conflict, grp, value, unit, text, summary) VALUES (?,?,?,?,?,?,?)",
                (item["kind"], item.get("conflict"), item.get("grp"), item.get("value"), item.get("unit"), item["text"],
                 item["summary"]),
            )
            conn.executemany(
                """INSERT INTO lineage_reports(lineage, rank, doc, event, start, "end", text, source, source_text, attributed, copy_of)
                   VALUES (?,?,?,?,?,?,?,?,?,?,?)""",
                [(cur.lastrowid, n, r["doc"], r.get("event"), r.get("start"), r.get("end"), r.get("text"), r.get("source"),
                  r.get("source_text"), int(r["attributed"]), r.get("copy_of")) for n, r in enumerate(item["reports"])],
            )
