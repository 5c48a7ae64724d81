"""The actor graph: entities as nodes, events aggregated into directed edges by type.

Built on demand from the store (``queries.graph_edges``) with networkx; metrics are
networkx's (degree, betweenness on the collapsed graph, communities by greedy
modularity), and ``write_graphml`` writes a file Gephi opens as is (GraphML allows
only scalar attributes, so lists become ';'-joined strings).
"""

from __future__ import annotations

import sqlite3

import networkx as nx
from networkx.algorithms.community import greedy_modularity_communities

from newsgraph.store.queries.core import entity_rows
from newsgraph.store.queries.events import graph_edges


def build_graph(conn: sqlite3.Connection) -> nx.MultiDiGraph:
    """One node per entity that takes part in an event; one edge per (source, target, event type)."""
    g = nx.MultiDiGraph()
    edges = graph_edges(conn)
    used = {e["source"] for e in edges} | {e["target"] for e in edges}
    for r in entity_rows(conn):
        if r["id"] in used:
            g.add_node(r["id"], label=r["name"], type=r["type"], mentions=r["mentions"], documents=r["documents"])
    for e in edges:
        g.add_edge(
            e["source"], e["target"], key=e["type"], type=e["type"], weight=e["count"], count=e["count"],
            amount=float(e["amount"]), documents=";".join(e["documents"]), events=";".join(map(str, e["events"])),
        )
    return g


def metrics(g: nx.MultiDiGraph) -> dict[str, dict]:
    """Per node: degree (in/out, counting events), betweenness and community index."""
    simple = nx.DiGraph()
    simple.add_nodes_from(g.nodes)
    for u, v, data in g.edges(data=True):
        w = simple.get_edge_data(u, v, {}).get("weight", 0) + data.get("count", 1)
        simple.add_edge(u, v, weight=w)
    between = nx.betweenness_centrality(simple) if simple.number_of_nodes() > 2 else {n: 0.0 for n in simple}
    community = {}
    undirected = simple.to_undirected()
    if undirected.number_of_edges():
        for k, members in enumerate(greedy_modularity_communities(undirected, weight="weight")):
            for n in members:
                community[n] = k
    return {
        n: {
            "degree": g.degree(n, weight="count"),
            "in_degree": g.in_degree(n, weight="count"),
            "out_degree": g.out_degree(n, weight="count"),
            "betweenness": round(between.get(n, 0.0), 6),
            "community": community.get(n, -1),
        }
        for n in g.nodes
    }


def write_graphml(conn: sqlite3.Connection, target) -> None:
    """The actor graph with its metrics as GraphML, to a path or an open binary file.

    The export command writes through ``newsgraph.outputs.files`` so a file is replaced whole or not at all.
    """
    g = build_graph(conn)
    for n, m in metrics(g).items():
        g.nodes[n].update(m)
    nx.write_graphml(g, target)
