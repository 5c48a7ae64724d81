"""The actor graph on the seeds: edges aggregated by type and direction, metrics, GraphML for Gephi."""

from __future__ import annotations

import networkx as nx

from newsgraph.resolve.graph import build_graph, metrics, write_graphml
from newsgraph.store import queries


def test_edges_aggregate_events(seeds_conn):
    edges = {(e["source"], e["target"], e["type"]): e for e in queries.graph_edges(seeds_conn)}
    rosneft = edges[("rosneft", "venezuela", "FINANCE")]
    assert rosneft["amount"] == 6e9 and rosneft["count"] == 1
    deploy = edges[("russia", "venezuela", "DEPLOY")]
    assert deploy["count"] >= 1
    finance = edges[("russia", "venezuela", "FINANCE")]
    assert len(finance["documents"]) == 2  # Navalni's credits (002) and the U.S. estimate (003)


def test_metrics(seeds_conn):
    g = build_graph(seeds_conn)
    m = metrics(g)
    assert g.has_edge("russia", "venezuela")
    top = max(m, key=lambda n: m[n]["degree"])
    assert top in {"nicolas-maduro", "russia", "venezuela"}
    assert all(v["community"] >= 0 for n, v in m.items() if g.degree(n))
    assert m["russia"]["out_degree"] > 0


def test_graphml_round_trip(seeds_conn, tmp_path):
    path = tmp_path / "actors.graphml"
    write_graphml(seeds_conn, str(path))
    g = nx.read_graphml(path)
    assert g.nodes["russia"]["label"] == "Russia"
    assert "betweenness" in g.nodes["russia"] and "community" in g.nodes["russia"]
    kinds = {d["type"] for _, _, d in g.edges(data=True)}
    assert {"FINANCE", "DEPLOY"} <= kinds
