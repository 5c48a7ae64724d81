"""Page tables: the actor network, each actor's events in rank order, the order of the long event lists and of
the quotes, the overview and the voices matrix.

On a real-sized store a page that aggregates every event on each request takes half a minute
(the BBC corpus, 2,129 documents); the same aggregation done once here, after entities, dates
and facts, leaves the pages a few thousand rows to sum. Shape: rows from statements in event order (or in a
list's order) (newsgraph.store.summary) -> pure compute one event or one edge at a time (below) -> rows written as
they come, so no table is held whole. Rebuilt from scratch by a full corpus step; after documents were
added, only the rows of the events they touch are redone (`_update`), with the same result.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations, groupby
from typing import Iterable, Iterator

CO_MENTION = "co-mention"
CO_MENTION_POOL = 600  # the graph page asks for at most 300 actors and draws co-mention edges among twice as many


def resolve(store, touched=None, chunk: int | None = None) -> None:
    """Rebuild the page tables; with `touched` (a `resolve.touched.Touched`: documents added, dates and fact groups
    changed), redo only the rows of the events it touches, and the whole-corpus lists and figures.

    Nothing of the corpus is held at once: each table is written from statements in event order (or in the order
    of its list) as their rows come, `chunk` rows per write (default `store.summary.CHUNK`); the actor network is
    summed from the event_edges rows just written, read back by edge."""
    from newsgraph.store import summary as tables

    if touched is not None and tables.can_update(store):
        _update(store, touched)
        return
    chunk = chunk or tables.CHUNK
    conn = store.conn
    with store.transaction():
        tables.clear_page_tables(store)
        tables.add_event_edges(store, iter_event_edges(tables.event_sides(conn)), chunk)
        kind = "events"
        if not tables.add_actor_edges(store, summed_edges(tables.edge_rows_by_key(store)), chunk):
            kind = CO_MENTION
            tables.add_actor_edges(store, co_mention_edges(tables.co_mentions(conn, CO_MENTION_POOL)), chunk)
        tables.add_entity_ranks(store, ranked_parties(tables.entity_parties(conn), tables.event_features(conn)), chunk)
        tables.write_lists(store, {"graph_kind": kind}, chunk)
        tables.mark_page_tables(store)


resolve.incremental = "touched"  # run.resolve_corpus passes a Touched when it resolved only the added documents


def _update(store, touched) -> None:
    """The page tables after documents were added: the rows of the touched events (those of the added documents,
    of documents whose date changed, of events whose fact group's documents changed, of entities folded into
    others) are redone; each actor's list keeps its other rows, since an event's position is its own rank
    (`ranking.rank_position`), and the actor network re-sums only the edges those events fall in. The
    result is the full step's, row for row."""
    from newsgraph.store import summary as tables
    from newsgraph.store.queries.ranking import rank_position

    conn = store.conn
    extra = set(touched.sources_before) | tables.gone_entity_events(store, touched.gone_entities)
    tables.mark_touched_events(store, set(touched.added) | set(touched.redated), extra)
    # each actor's list: the touched events' rows at their former positions go, their rows now come in
    features = {f["id"]: f for f in tables.event_features(conn, touched=True)}
    parties = list(tables.entity_parties(conn, touched=True))
    old, new = set(), set()
    for entity, role, _, event in parties:
        side = "did" if role == "subject" else "done_to"
        f = features.get(event)
        if event in touched.sources_before and f is not None:
            old.add((entity, side, rank_position({**f, "sources": touched.sources_before[event]}, event)))
        new.add((entity, side, rank_position(f, event), event))
    tables.replace_entity_ranks(store, touched.gone_entities, old, new)
    # the actor network: the touched events' contributions are replaced, and the edges they fall in summed again
    before = tables.edge_rows_of(store)
    after = event_edge_rows(tables.event_sides(conn, touched=True))  # the touched events' only
    tables.replace_event_edges(store, after)
    keys = {(r[1], r[2], r[3], r[4]) for r in before} | {(r[1], r[2], r[3], r[4]) for r in after}
    tables.replace_actor_edges(store, keys, sum_edges(tables.event_edges_with_keys(store, keys)))
    if not tables.has_actor_edges(store):  # no event ties two actors any more (entities folded): co-mentions then
        resolve(store)
        return
    tables.write_lists(store, {"graph_kind": "events"})


def positions(lists: dict[str, list[tuple[int, str]]]) -> list[tuple]:
    """(list, position, type, event) rows from each list's (event, type) in order."""
    return [(name, n, type_, event) for name, rows in lists.items() for n, (event, type_) in enumerate(rows)]


def actor_edges(sides: Iterable[tuple]) -> list[tuple]:
    """(source, target, type, date, events, doc, sentence, asserted): events of a type from each giver to each
    receiver (never itself; see `queries.network.event_pairs`: subject → object or recipient, the lender → the
    debtor of a debt, "support from X" → its receiver), counted once per event, per date; doc and sentence of the
    first such event; how many of them were asserted (not planned, possible or wished).

    `sides` are (event, type, date, doc, sentence, role, entity, predicate, modality) rows in event order, role one
    of subject, object (also destination and addressee), recipient, origin.
    """
    return sum_edges(event_edge_rows(sides))


def event_edge_rows(sides: Iterable[tuple]) -> list[tuple]:
    """(event, source, target, type, date, doc, sentence, asserted): what each event adds to the actor network,
    one row per giver → receiver pair (`actor_edges` sums them), from the `sides` rows `actor_edges` takes."""
    return list(iter_event_edges(sides))


def iter_event_edges(sides: Iterable[tuple]) -> Iterator[tuple]:
    """`event_edge_rows` one event at a time, as the `sides` rows come (in event order)."""
    from newsgraph.store.queries.network import event_pairs, flow_in_predicates

    flow_in = set(flow_in_predicates())
    for event, rows in groupby(sides, key=lambda r: r[0]):
        rows = list(rows)
        _, type_, date, doc, sentence, _, _, predicate, modality = rows[0]
        roles: dict[str, set[str]] = {}
        for r in rows:
            roles.setdefault(r[5], set()).add(r[6])
        for s, o in sorted(set(event_pairs(type_, predicate, roles, flow_in))):
            if s != o:
                yield (event, s, o, type_, date, doc, sentence, int(modality == "asserted"))


def summed_edges(rows: Iterable[tuple]) -> Iterator[tuple]:
    """actor_edges rows, one edge at a time, from (source, target, type, date, doc, sentence, asserted) rows that come
    by edge and within an edge by (doc, sentence) (`store.summary.edge_rows_by_key`): what `sum_edges` makes of the
    same rows, without holding them."""
    for key, group in groupby(rows, key=lambda r: r[:4]):
        first = next(group)
        n, asserted = 1, first[6]
        for r in group:
            n += 1
            asserted += r[6]
        yield (*key, n, first[4], first[5], asserted)


def sum_edges(rows: Iterable[tuple]) -> list[tuple]:
    """actor_edges rows from `event_edge_rows` rows: per (source, target, type, date), the events, the first
    (doc, sentence) and how many were asserted, sorted."""
    edges: dict[tuple, list] = {}
    for _, s, o, type_, date, doc, sentence, asserted in rows:
        key = (s, o, type_, date)
        edge = edges.get(key)
        if edge is None:
            edges[key] = [1, doc, sentence, asserted]
        else:
            edge[0] += 1
            edge[1:3] = min(edge[1:3], [doc, sentence])
            edge[3] += asserted
    return sorted(((*key, n, doc, sentence, asserted) for key, (n, doc, sentence, asserted) in edges.items()),
                  key=lambda e: (*e[:3], e[3] or ""))


def entity_event_ranks(parties: Iterable[tuple], features: Iterable[dict]) -> list[tuple]:
    """(entity, side, position, event): what each entity did (subject) and what was done to it (object, recipient,
    destination), from (entity, role, type, event) rows, each side's events best first (`queries.ranking.rank_key`
    of the event's `features`, dicts with its "id": typed before OTHER, then by score, then reading order); the
    position is that key as one integer (`ranking.rank_position`), the same in every list the event is in."""
    from newsgraph.store.queries.ranking import rank_position

    keys = {f["id"]: rank_position(f, f["id"]) for f in features}  # a key per event, not its features: less memory
    sides: dict[tuple[str, str], set[int]] = defaultdict(set)
    for entity, role, _, event in parties:
        sides[(entity, "did" if role == "subject" else "done_to")].add(event)
    return [(entity, side, position, event) for (entity, side), events in sorted(sides.items())
            for position, event in sorted((keys.get(e) or rank_position(None, e), e) for e in events)]


def ranked_parties(parties: Iterable[tuple], features: Iterable[dict]) -> Iterator[tuple]:
    """`entity_event_ranks` rows one event at a time, from `parties` and `features` that both come in event order
    (`store.summary.entity_parties`, `event_features`): the two streams are walked side by side, so neither the
    events' keys nor the actors' lists are held."""
    from newsgraph.store.queries.ranking import rank_position

    features = iter(features)
    f = next(features, None)
    for event, rows in groupby(parties, key=lambda r: r[3]):
        while f is not None and f["id"] < event:
            f = next(features, None)
        position = (rank_position(f, event) if f is not None and f["id"] == event else None) or rank_position(None, event)
        for entity, side in sorted({(r[0], "did" if r[1] == "subject" else "done_to") for r in rows}):
            yield (entity, side, position, event)


def co_mention_edges(mentions: Iterable[tuple]) -> list[tuple]:
    """Undirected edges between entities named in the same sentence (source < target), from (doc, sentence, entity)
    rows ordered by sentence: one count per sentence they share, the first shared sentence as the link."""
    edges: dict[tuple, list] = defaultdict(lambda: [0, None, None])
    for (doc, sentence), rows in groupby(mentions, key=lambda r: (r[0], r[1])):
        for a, b in combinations(sorted({r[2] for r in rows}), 2):
            edge = edges[(a, b)]
            edge[0] += 1
            if edge[1] is None or (doc, sentence) < (edge[1], edge[2]):
                edge[1:] = [doc, sentence]
    return sorted((a, b, CO_MENTION, None, n, doc, sentence, n) for (a, b), (n, doc, sentence) in edges.items())

