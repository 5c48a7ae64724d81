"""The corpus step that writes the page tables (newsgraph/resolve/summary.py): the actor network's edges and the
overview, checked against the same aggregation done from the events themselves."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from newsgraph.resolve.summary import (actor_edges, co_mention_edges, entity_event_ranks, event_edge_rows, positions, ranked_parties,
                                       sum_edges, summed_edges)
from newsgraph.store.queries.ranking import rank_key, rank_position
from newsgraph.store.queries import money, network, pages
from newsgraph.store.sqlite import open_store
from tests.conftest import copy_db


def test_actor_edges_count_each_event_once_per_date():
    sides = [
        # event 1: two subject mentions of the same actor, two objects (one of them the subject itself)
        (1, "FINANCE", "2020-03-03", "d1", 4, "subject", "a", "lend", "asserted"),
        (1, "FINANCE", "2020-03-03", "d1", 4, "subject", "a", "lend", "asserted"),
        (1, "FINANCE", "2020-03-03", "d1", 4, "object", "b", "lend", "asserted"),
        (1, "FINANCE", "2020-03-03", "d1", 4, "object", "a", "lend", "asserted"),
        # event 2: same pair and type, same date, earlier document, planned
        (2, "FINANCE", "2020-03-03", "d0", 9, "subject", "a", "lend", "planned"),
        (2, "FINANCE", "2020-03-03", "d0", 9, "recipient", "b", "lend", "planned"),
        # event 3: undated
        (3, "FINANCE", None, "d2", 1, "subject", "a", "pay", "asserted"),
        (3, "FINANCE", None, "d2", 1, "object", "b", "pay", "asserted"),
        # event 4: a subject and no object: no edge
        (4, "MEET", "2020-01-01", "d3", 0, "subject", "c", "meet", "asserted"),
        # event 5: "c owed b": the money went from the lender b to c
        (5, "FINANCE", "2020-01-02", "d3", 2, "subject", "c", "owe", "asserted"),
        (5, "FINANCE", "2020-01-02", "d3", 2, "object", "b", "owe", "asserted"),
        # event 6: "c sought support from d": d backs c
        (6, "SUPPORT", "2020-01-02", "d3", 3, "subject", "c", "seek", "asserted"),
        (6, "SUPPORT", "2020-01-02", "d3", 3, "origin", "d", "seek", "asserted"),
    ]
    assert actor_edges(sides) == [
        ("a", "b", "FINANCE", None, 1, "d2", 1, 1),
        ("a", "b", "FINANCE", "2020-03-03", 2, "d0", 9, 1),
        ("b", "c", "FINANCE", "2020-01-02", 1, "d3", 2, 1),
        ("d", "c", "SUPPORT", "2020-01-02", 1, "d3", 3, 1),
    ]
    assert actor_edges([]) == []
    # summed as the corpus step sums them: rows read back by edge, then (doc, sentence), one edge at a time
    by_key = sorted((r[1:5] + r[5:8] for r in event_edge_rows(sides)), key=lambda r: (r[0], r[1], r[2], r[3] is not None, r[3] or "", r[4], r[5]))
    assert sorted(summed_edges(iter(by_key)), key=lambda e: (*e[:3], e[3] or "")) == actor_edges(sides)


def _features(id_, type_, subjects=0, counterparts=0, sources=1, money=0, amounts=0, dated=0, modality="asserted"):
    return {"id": id_, "type": type_, "subjects": subjects, "counterparts": counterparts, "sources": sources, "money": money,
            "amounts": amounts, "dated": dated, "modality": modality}


def test_entity_event_ranks_sides_and_order():
    parties = [("a", "subject", "MEET", 7), ("a", "subject", "MEET", 7), ("a", "recipient", "OTHER", 3), ("b", "object", "MEET", 7),
               ("a", "object", "FINANCE", 9), ("a", "object", "MEET", 2), ("a", "object", "FINANCE", 5), ("a", "object", "MEET", 4)]
    features = [
        _features(7, "MEET", subjects=1),
        _features(3, "OTHER", subjects=1, counterparts=1, sources=4),  # the best score, but OTHER: last
        _features(9, "FINANCE", subjects=1, counterparts=1, money=1),  # 4 + 2 = 6
        _features(2, "MEET", subjects=1, counterparts=1, sources=2),  # 4 + 2 = 6: same score as 9, listed first (id 2 < 9)
        _features(5, "FINANCE", subjects=1, counterparts=1),  # 4
        # 4: no features (not in the store any more): after everything
    ]
    ranks = entity_event_ranks(parties, features)
    # the corpus step's walk of both in event order, one event at a time, gives the same rows
    streamed = ranked_parties(sorted(parties, key=lambda p: p[3]), iter(sorted(features, key=lambda f: f["id"])))
    assert sorted(streamed) == ranks
    assert [(entity, side, event) for entity, side, _, event in ranks] == [
        ("a", "did", 7),
        ("a", "done_to", 2), ("a", "done_to", 9), ("a", "done_to", 5), ("a", "done_to", 3), ("a", "done_to", 4),
        ("b", "done_to", 7),
    ]
    # the position is the event's own rank key as one integer: increasing down each list, the same in every list
    by = {f["id"]: f for f in features}
    assert all(position == rank_position(by.get(event), event) for _, _, position, event in ranks)
    done_to = [position for entity, side, position, _ in ranks if (entity, side) == ("a", "done_to")]
    assert done_to == sorted(done_to) and len(set(done_to)) == 5
    assert sorted(rank_position(f, f["id"]) for f in features) == [rank_position(f, f["id"]) for f in
                                                                    sorted(features, key=lambda f: rank_key(f, f["id"]))]


def test_co_mention_edges_once_per_sentence():
    mentions = [("d1", 0, "b"), ("d1", 0, "a"), ("d1", 0, "a"), ("d1", 1, "a"), ("d2", 3, "a"), ("d2", 3, "b"), ("d2", 3, "c")]
    assert co_mention_edges(mentions) == [
        ("a", "b", "co-mention", None, 2, "d1", 0, 2),
        ("a", "c", "co-mention", None, 1, "d2", 3, 1),
        ("b", "c", "co-mention", None, 1, "d2", 3, 1),
    ]


def _variants(conn) -> list[dict]:
    types = pages.event_types(conn)
    dates = sorted({r[0][:10] for r in conn.execute("SELECT published FROM documents WHERE published IS NOT NULL")})
    mid = dates[len(dates) // 2] if dates else "2020-01-01"
    out = [{}, {"top": 5}, {"top": 300}, {"date_from": mid}, {"date_to": mid}, {"date_from": dates[0] if dates else mid, "date_to": mid}]
    out += [{"types": (t,)} for t in types] + [{"types": tuple(types[:2]), "date_from": mid}]
    return out


def _page_reads(conn) -> list:
    reads = [network.actor_network(conn, **v) for v in _variants(conn)]
    for entity in [r[0] for r in conn.execute("SELECT id FROM entities ORDER BY mentions DESC, id LIMIT 8")]:
        reads += [pages.actor_events(conn, entity, limit=3, offset=k) for k in (0, 2)]
    reads += [pages.page_voices(conn), pages.page_voices(conn, limit=3, offset=2), pages.page_overview(conn), pages.event_types(conn)]
    for offset in (0, 7):
        reads += [pages.page_timeline(conn, limit=5, offset=offset), money.page_money(conn, limit=5, offset=offset),
                  money.page_money(conn, limit=5, offset=offset, tab="quantities")]
    reads += [pages.page_timeline(conn, limit=5, type=t) for t in pages.event_types(conn)[:4]]
    return reads


def _same_graph_both_ways(db) -> int:
    """Every /graph variant, actor page, the voices and the overview read from the page tables equal those computed
    from the events; returns the network's edge count."""
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    assert pages.page_tables_ready(conn)
    from_tables = _page_reads(conn)
    conn.execute("DELETE FROM meta WHERE key = 'page_tables'")  # the same store, read as one without page tables
    assert not pages.page_tables_ready(conn)
    live = _page_reads(conn)
    conn.rollback()
    conn.close()
    assert len(from_tables) == len(live)
    for a, b in zip(from_tables, live):
        assert a == b
    return len(from_tables[0]["edges"])


def test_page_tables_match_the_events_on_the_hand_store(tmp_path):
    from test_web import CALM, HOSTILE, HOSTILE_TITLE, _analysis
    from newsgraph.run import resolve_corpus

    db = tmp_path / "hand.db"
    store = open_store(db)
    store.write_document(_analysis("calm0000calm0000", CALM, "Lenders in Tallinn", "Harbour Post", "2020-03-04"), "test")
    store.write_document(_analysis("hostile0hostile0", HOSTILE, HOSTILE_TITLE, "<b>Bold</b> Outlet", "2020-03-05"), "test")
    resolve_corpus(store, force=True)
    rows = store.conn.execute("SELECT source, target, type, date, events FROM actor_edges ORDER BY date").fetchall()
    assert [tuple(r)[2:] for r in rows] == [("FINANCE", "2020-03-03", 1), ("FINANCE", "2020-03-05", 1)]
    overview = pages.page_overview(store.conn)
    assert overview == pages.overview_live(store.conn)
    assert overview["counts"]["documents"] == 2
    store.close()
    assert _same_graph_both_ways(db) == 1


def test_co_mention_network_when_no_event_links_actors(tmp_path):
    from test_web import _analysis
    from newsgraph.run import resolve_corpus

    db = tmp_path / "plain.db"
    store = open_store(db)
    analysis = _analysis("plain000plain000", "The Baltic Lending Office lent Estonia $2 billion.", "Plain", "Harbour Post", "2020-03-05")
    analysis.events.clear()
    store.write_document(analysis, "test")
    resolve_corpus(store, force=True)
    graph = network.actor_network(store.conn)
    assert graph["kind"] == "co-mention" and [(e["type"], e["weight"]) for e in graph["edges"]] == [("co-mention", 1)]
    assert network.actor_network(store.conn, date_from="2020-01-01")["edges"] == []
    store.close()
    assert _same_graph_both_ways(db) == 1


def test_a_store_without_page_tables_still_answers(tmp_path):
    """A store from before migration 0050, opened read-only by the web app, aggregates its events itself."""
    from test_web import CALM, _analysis
    from newsgraph.run import resolve_corpus

    db = tmp_path / "old.db"
    store = open_store(db)
    store.write_document(_analysis("calm0000calm0000", CALM, "Lenders in Tallinn", "Harbour Post", "2020-03-04"), "test")
    resolve_corpus(store, force=True)
    with store.transaction():
        store.conn.execute("DROP TABLE page_summary")
        store.conn.execute("DROP TABLE actor_edges")
    assert not pages.page_tables_ready(store.conn)
    assert network.actor_network(store.conn)["edges"][0]["weight"] == 1
    assert pages.page_overview(store.conn)["counts"]["documents"] == 1
    assert "FINANCE" in pages.event_types(store.conn)
    store.close()


def test_migration_makes_the_next_build_write_the_page_tables(tmp_path):
    """A store resolved before the page tables existed is resolved again by its next build (meta 'resolved' cleared)."""
    from newsgraph.store.sqlite import migrations

    db = tmp_path / "upgrade.db"
    conn = sqlite3.connect(db)
    for name, sql in migrations():
        if name >= "0050":
            break
        conn.executescript(sql)
    conn.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
    conn.executemany("INSERT INTO _migrations(name) VALUES (?)", [(n,) for n, _ in migrations() if n < "0050"])
    conn.execute("INSERT INTO meta(key, value) VALUES ('resolved', 'x')")
    conn.commit()
    conn.close()
    store = open_store(db)
    assert store.get_meta("resolved") is None
    store.close()


@pytest.mark.slow
def test_page_tables_match_the_events_on_the_seeds(seeds_db):
    assert _same_graph_both_ways(seeds_db) > 0


# --- each actor's events in rank order (migration 0055) ---------------------------------------

def _stored_order(conn, entity: str, side: str) -> list[int]:
    return [r[0] for r in conn.execute("SELECT event FROM entity_event_rank WHERE entity = ? AND side = ? ORDER BY position",
                                       (entity, side))]


def test_stored_ranking_is_the_ranking_computed_per_request(seeds_conn):
    """Every actor's stored order equals `rank_event_ids` over the same events, and the corpus step's one-statement
    features equal the per-event ones the request-time ranking reads."""
    from newsgraph.store.queries import ranking
    from newsgraph.store.queries.ranking import all_event_features, event_features, rank_event_ids

    assert pages.ranking_ready(seeds_conn)
    bulk = {f["id"]: f for f in all_event_features(seeds_conn)}
    assert bulk == event_features(seeds_conn, list(bulk))
    assert any(f["money"] for f in bulk.values()) and any(f["sources"] > 1 for f in bulk.values())
    lists = seeds_conn.execute("SELECT DISTINCT entity, side FROM entity_event_rank").fetchall()
    assert len(lists) > 20
    for entity, side in lists:
        stored = _stored_order(seeds_conn, entity, side)
        assert stored == rank_event_ids(seeds_conn, stored), (entity, side)
        assert set(stored) == set(pages._actor_event_ids(seeds_conn, entity)[side])  # the same events a mention pass finds
    # Maduro's list is long and mixed: typed events above OTHER, better scores first
    maduro = _stored_order(seeds_conn, "nicolas-maduro", "did")
    assert len(maduro) >= 20
    types = [bulk[e]["type"] for e in maduro]
    typed = types.index("OTHER")
    assert typed > 0 and set(types[typed:]) == {"OTHER"}
    scores = [ranking.rank_score(bulk[e]) for e in maduro[:typed]]
    assert scores == sorted(scores, reverse=True) and scores[0] > scores[-1]


def test_actor_page_reads_the_stored_ranking(seeds_db, tmp_path, monkeypatch):
    """The page lists a slice of the stored order as stored (here reversed on purpose) and ranks nothing itself."""
    import shutil

    from newsgraph.store.queries import ranking

    db = tmp_path / "seeds.db"
    shutil.copy(seeds_db, db)
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    stored = _stored_order(conn, "nicolas-maduro", "did")
    n = len(stored)
    conn.execute("UPDATE entity_event_rank SET position = -position WHERE entity = 'nicolas-maduro' AND side = 'did'")
    conn.commit()

    def no_ranking(*_):
        raise AssertionError("the page ranked the events itself")

    monkeypatch.setattr(ranking, "rank_event_ids", no_ranking)
    monkeypatch.setattr(pages, "rank_event_ids", no_ranking)
    reversed_ = stored[::-1]
    for offset in (0, 5, n - 3):
        did = pages.page_entity(conn, "nicolas-maduro", limit=5, offset=offset)["did"]
        assert [e["id"] for e in did["events"]] == reversed_[offset: offset + 5]
        assert did["page"]["total"] == n
        assert all("rank" in e and "sources" in e for e in did["events"])
    conn.close()


def _as_store_before_0055(db: Path) -> None:
    """Turn a store into one built before migration 0055: `entity_events` (0052) instead of `entity_event_rank`."""
    from newsgraph.store.sqlite import migrations

    conn = sqlite3.connect(db)
    conn.executescript(dict(migrations())["0052_entity_events"].split("-- Filled by")[0])
    conn.execute("""INSERT INTO entity_events(entity, side, other, event)
                    SELECT r.entity, r.side, e.type = 'OTHER', r.event FROM entity_event_rank r JOIN events e ON e.id = r.event""")
    conn.execute("DROP TABLE entity_event_rank")
    conn.execute("DELETE FROM _migrations WHERE name = '0055_entity_event_rank'")
    conn.execute("DELETE FROM meta WHERE key = 'entity_ranking'")
    conn.commit()
    conn.close()


def test_a_store_before_the_stored_ranking_ranks_per_request(seeds_db, tmp_path):
    """Read-only (the web app), a store from before migration 0055 ranks its actors' events per request, in the
    same order; with a stored order of another ranking version, too; its next build stores the order."""
    import shutil

    from fastapi.testclient import TestClient

    from newsgraph.outputs.web import create_app
    from newsgraph.run import resolve_corpus

    store = open_store(seeds_db, readonly=True)
    expected = {(e, k): pages.actor_events(store.conn, e, limit=4, offset=k) for e in ("nicolas-maduro", "russia") for k in (0, 3)}
    store.close()

    stale = tmp_path / "stale.db"
    shutil.copy(seeds_db, stale)
    conn = sqlite3.connect(stale)
    conn.execute("UPDATE meta SET value = 'an older ranking' WHERE key = 'entity_ranking'")
    conn.execute("UPDATE entity_event_rank SET position = -position")  # the stale order is wrong: it must not be read
    conn.commit()
    conn.close()

    old = tmp_path / "old.db"
    shutil.copy(seeds_db, old)
    _as_store_before_0055(old)
    for db in (stale, old):
        store = open_store(db, readonly=True)
        assert not pages.ranking_ready(store.conn)
        assert {(e, k): pages.actor_events(store.conn, e, limit=4, offset=k) for e, k in expected} == expected
        store.close()
    with TestClient(create_app(old)) as client:
        page = client.get("/entity/nicolas-maduro.json")
        assert page.status_code == 200
        assert [e["id"] for e in page.json()["did"]["events"]][:4] == [e["id"] for e in expected[("nicolas-maduro", 0)]["did"]["events"]]

    store = open_store(old)  # a build opens it for writing: migration 0055 runs, the corpus step is owed
    assert store.get_meta("resolved") is None
    assert not pages.ranking_ready(store.conn) and not pages.has_table(store.conn, "entity_events")
    assert resolve_corpus(store)
    assert pages.ranking_ready(store.conn)
    assert {(e, k): pages.actor_events(store.conn, e, limit=4, offset=k) for e, k in expected} == expected
    store.close()


def test_ranking_version_changes_with_the_ranking():
    """Stored orders are read only when made by the same ranking (meta 'entity_ranking' == RANKING): a change to
    rank_score, rank_key or LOW_TYPES must come with a new RANKING, and then a new pin here."""
    import hashlib
    import inspect

    from newsgraph.store.queries import ranking

    source = inspect.getsource(ranking.rank_score) + inspect.getsource(ranking.rank_key) + repr(ranking.LOW_TYPES)
    assert (ranking.RANKING, hashlib.sha256(source.encode()).hexdigest()[:16]) == ("1", "581eea346c16a5b7")


PAGE_ROWS = ("actor_edges", "entity_event_rank", "event_edges", "event_order", "quote_order", "page_summary")


def _page_rows(conn) -> dict[str, list[tuple]]:
    return {t: sorted((tuple(r) for r in conn.execute(f"SELECT * FROM {t}")), key=repr) for t in PAGE_ROWS}


@pytest.mark.parametrize("built", ["seeds_db", "examples_db"])
def test_page_tables_written_as_they_come_are_those_computed_whole(request, built, tmp_path):
    """The corpus step writes the page tables from the statements as their rows come, a chunk at a time: one row per
    write or all at once, the tables are the same, and they are what the whole-corpus computation in memory gives."""
    from newsgraph.resolve import summary
    from newsgraph.store import summary as tables

    src = request.getfixturevalue(built)
    rows = {}
    for chunk in (1, 7, 10**9):
        store = open_store(copy_db(src, tmp_path / f"chunk{chunk}.db"))
        summary.resolve(store, chunk=chunk)
        rows[chunk] = _page_rows(store.conn)
        if chunk == 1:
            conn = store.conn
            per_event = event_edge_rows(tables.event_sides(conn))
            whole = {"event_edges": per_event, "actor_edges": sum_edges(per_event),
                     "entity_event_rank": entity_event_ranks(list(tables.entity_parties(conn)), list(tables.event_features(conn))),
                     "event_order": positions(tables.event_lists(conn)), "quote_order": list(enumerate(tables.quote_order(conn)))}
            whole = {name: sorted(made, key=repr) for name, made in whole.items()}
            for name, expected in whole.items():
                assert rows[1][name] == expected, name
            assert all(whole[name] for name in ("event_edges", "actor_edges", "entity_event_rank", "event_order")), "too small a store"
            money_lists = {k: len(v) for k, v in tables.event_lists(conn).items() if k.startswith("money:")}
            assert json.loads(dict(rows[1]["page_summary"])["money_lists"]) == money_lists
        store.close()
    assert rows[1] == rows[7] == rows[10**9]
