"""Page tables: the actor network, each actor's events in rank order, the order of the long event lists and of
the quotes, the overview and the voices matrix.

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
    ranks = entity_event_ranks(tables.entity_parties(store.conn), tables.event_features(store.conn))
    lists = tables.event_lists(store.conn)
    order = positions(lists)
    inputs = tables.overview_inputs(store.conn)
    money_lists = {name: len(rows) for name, rows in lists.items() if name.startswith("money:")}
    tables.write_page_tables(store, edges, ranks, order, {**inputs, "graph_kind": kind, "money_lists": money_lists},
                             tables.quote_order(store.conn))


def positions(lists: dict[str, list[tuple[int, str]]]) -> list[tuple]:
    """(list, position, type, event) rows from each list's (event, type) in order."""
    return [(name, n, type_, event) for name, rows in lists.items() for n, (event, type_) in enumerate(rows)]


def actor_edges(sides: Iterable[tuple]) -> list[tuple]:
    """(source, target, type, date, events, doc, sentence, asserted): events of a type from each giver to each
    receiver (never itself; see `queries.network.event_pairs`: subject → object or recipient, the lender → the
    debtor of a debt, "support from X" → its receiver), counted once per event, per date; doc and sentence of the
    first such event; how many of them were asserted (not planned, possible or wished).

    `sides` are (event, type, date, doc, sentence, role, entity, predicate, modality) rows in event order, role one
    of subject, object (also destination), recipient, origin.
    """
    from newsgraph.store.queries.network import event_pairs, flow_in_predicates

    flow_in = set(flow_in_predicates())
    edges: dict[tuple, list] = {}
    for _, rows in groupby(sides, key=lambda r: r[0]):
        rows = list(rows)
        _, type_, date, doc, sentence, _, _, predicate, modality = rows[0]
        roles: dict[str, set[str]] = {}
        for r in rows:
            roles.setdefault(r[5], set()).add(r[6])
        for s, o in set(event_pairs(type_, predicate, roles, flow_in)):
            if s == o:
                continue
            key = (s, o, type_, date)
            edge = edges.get(key)
            if edge is None:
                edges[key] = [1, doc, sentence, int(modality == "asserted")]
            else:
                edge[0] += 1
                edge[1:3] = min(edge[1:3], [doc, sentence])
                edge[3] += int(modality == "asserted")
    return sorted(((*key, n, doc, sentence, asserted) for key, (n, doc, sentence, asserted) in edges.items()),
                  key=lambda e: (*e[:3], e[3] or ""))


def entity_event_ranks(parties: Iterable[tuple], features: Iterable[dict]) -> list[tuple]:
    """(entity, side, position, event): what each entity did (subject) and what was done to it (object, recipient,
    destination), from (entity, role, type, event) rows, each side's events best first (`queries.ranking.rank_key`
    of the event's `features`, dicts with its "id": typed before OTHER, then by score, then reading order)."""
    from newsgraph.store.queries.ranking import rank_key

    keys = {f["id"]: rank_key(f, f["id"]) for f in features}  # a key per event, not its features: less memory
    sides: dict[tuple[str, str], set[int]] = defaultdict(set)
    for entity, role, _, event in parties:
        sides[(entity, "did" if role == "subject" else "done_to")].add(event)
    return [(entity, side, n, event) for (entity, side), events in sorted(sides.items())
            for n, event in enumerate(sorted(events, key=lambda e: keys.get(e) or rank_key(None, e)))]


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

