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


def test_who_hears_a_statement_is_its_other_side(seeds_conn):
    """An addressee ("told Reuters", "an interview to the BBC") faces the speaker as an object does: the edge from
    speaker to hearer is in the graph, in the network aggregated from the events and in the corpus step's edges,
    and the hearer is the event's `object` in the export."""
    from newsgraph.store.queries import network
    from newsgraph.store.queries.events import export_events

    heard = seeds_conn.execute(
        """SELECT e.id, e.type, ms.entity AS speaker, ma.entity AS hearer FROM events e
           JOIN event_participants ps ON ps.event = e.id AND ps.role = 'subject'
           JOIN mentions ms ON ms.doc = e.doc AND ms.idx = ps.mention
           JOIN event_participants pa ON pa.event = e.id AND pa.role = 'addressee'
           JOIN mentions ma ON ma.doc = e.doc AND ma.idx = pa.mention
           WHERE e.negated = 0 AND ms.entity IS NOT NULL AND ma.entity IS NOT NULL AND ms.entity != ma.entity""").fetchall()
    assert heard, "the seeds have statements told to a named actor"
    graph = {(e["source"], e["target"], e["type"]) for e in queries.graph_edges(seeds_conn)}
    aggregated = network._event_edges(seeds_conn, None, None, None, None)
    stored = network._stored_edges(seeds_conn, None, None, None, None)
    for r in heard:
        key = (r["speaker"], r["hearer"], r["type"])
        assert key in graph and key in aggregated and key in stored, key
    exported = {e["id"]: e for e in export_events(seeds_conn)}
    alone = 0
    for r in heard:
        others = [p["entity"] for p in exported[r["id"]]["participants"] if p["role"] in ("object", "recipient", "destination")]
        if not others:  # the hearer is the only other side: the export's object is the hearer
            assert exported[r["id"]]["object"] == r["hearer"], r["id"]
            alone += 1
    assert alone, "some seed statement's only other side is its hearer"
