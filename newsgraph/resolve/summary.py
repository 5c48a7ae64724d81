"""Page tables: the actor network, each actor's events, the order of the long event lists, the overview and the voices matrix.

On a real-sized store a page that aggregates every event on each request takes half a minute
(the BBC corpus, 2,129 documents); the same aggregation done once here, after entities, dates
and facts, leaves the pages a few thousand rows to sum. Shape: load rows (newsgraph.store.summary)
-> pure compute (below) -> write rows. Rebuilt from scratch on every run.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations, groupby
from typing import Iterable

CO_MENTION = "co-mention"
CO_MENTION_POOL = 600  # the graph page asks for at most 300 actors and draws co-mention edges among twice as many


def resolve(store) -> None:
    from newsgraph.store import summary as tables

    edges = actor_edges(tables.event_sides(store.conn))
    kind = "events" if edges else CO_MENTION
    if not edges:
        edges = co_mention_edges(tables.co_mentions(store.conn, CO_MENTION_POOL))
    parties = entity_events(tables.entity_parties(store.conn))
    order = positions(tables.event_lists(store.conn))
    inputs = tables.overview_inputs(store.conn)
    tables.write_page_tables(store, edges, parties, order, {**inputs, "graph_kind": kind})


def positions(lists: dict[str, list[tuple[int, str]]]) -> list[tuple]:
    """(list, position, type, event) rows from each list's (event, type) in order."""
    return [(name, n, type_, event) for name, rows in lists.items() for n, (event, type_) in enumerate(rows)]


def actor_edges(sides: Iterable[tuple]) -> list[tuple]:
    """(source, target, type, date, events, doc, sentence): events of a type from each subject entity to each
    object entity (never itself), counted once per event, per date; doc and sentence of the first such event.

    `sides` are (event, type, date, doc, sentence, 'subject' | 'object', entity) rows in event order.
    """
    edges: dict[tuple, list] = {}
    for _, rows in groupby(sides, key=lambda r: r[0]):
        rows = list(rows)
        _, type_, date, doc, sentence = rows[0][:5]
        subjects = {r[6] for r in rows if r[5] == "subject"}
        objects = {r[6] for r in rows if r[5] == "object"}
        for s in subjects:
            for o in objects:
                if s == o:
                    continue
                key = (s, o, type_, date)
                edge = edges.get(key)
                if edge is None:
                    edges[key] = [1, doc, sentence]
                else:
                    edge[0] += 1
                    edge[1:] = min(edge[1:], [doc, sentence])
    return sorted(((*key, n, doc, sentence) for key, (n, doc, sentence) in edges.items()), key=lambda e: (*e[:3], e[3] or ""))


def entity_events(parties: Iterable[tuple]) -> list[tuple]:
    """(entity, side, other, event): what each entity did (subject) and what was done to it (object, recipient,
    destination), from (entity, role, type, event) rows; `other` is 1 for events of type OTHER, which pages list last."""
    return sorted({(entity, "did" if role == "subject" else "done_to", int(type_ == "OTHER"), event)
                   for entity, role, type_, event in parties})


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
    return sorted((a, b, CO_MENTION, None, n, doc, sentence) for (a, b), (n, doc, sentence) in edges.items())

