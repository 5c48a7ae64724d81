"""Entity ids that stay valid when documents are added: a renamed or merged entity's old id redirects."""

from __future__ import annotations

from newsgraph.resolve.entity_ids import redirects, votes_of


def test_a_vanished_id_goes_where_most_of_its_mentions_went():
    names = {"bolton": "Bolton", "clark": "Clark", "keep": "Keep", "gone": "Gone"}
    moves = [("bolton", "john-bolton", 2), ("bolton", "michael-bolton", 1), ("clark", "wesley-clark", 1)]
    live = {"john-bolton", "michael-bolton", "wesley-clark", "keep"}
    out = redirects(names, votes_of(moves), live, alias_owner={}, existing={})
    assert out["bolton"] == ("john-bolton", "Bolton", "2 of its mentions (67%) are now in this entity")
    assert out["clark"][0] == "wesley-clark"
    assert "keep" not in out and "gone" not in out  # still live; and an id whose mentions all went names nothing


def test_redirects_follow_a_target_that_moves_and_drop_when_an_id_comes_back():
    names = {"john-bolton": "John Bolton", "bolton": "Bolton"}
    out = redirects(names, votes_of([("john-bolton", "john-r-bolton", 1)]), {"john-r-bolton", "bolton"}, alias_owner={},
                    existing={"bolton": "john-bolton", "old-name": "john-bolton"})
    assert out["old-name"][0] == "john-r-bolton"  # a chain kept flat
    assert out["john-bolton"][0] == "john-r-bolton"
    assert "bolton" not in out  # an id that is an entity again redirects nowhere


def test_an_id_whose_documents_were_rewritten_redirects_by_its_name():
    out = redirects({"pdvsa": "PDVSA"}, {}, {"petroleos-de-venezuela"}, alias_owner={"pdvsa": "petroleos-de-venezuela"}, existing={})
    assert out["pdvsa"] == ("petroleos-de-venezuela", "PDVSA", "its name 'PDVSA' is now an alias of this entity")


def test_adding_documents_keeps_every_old_id_reachable(tmp_path):
    """A lone surname is its own entity until a document names the full name; then the short id redirects."""
    from click.testing import CliRunner

    from newsgraph.cli import main
    from newsgraph.run import build
    from newsgraph.store import queries
    from newsgraph.store.sqlite import open_store

    d = tmp_path / "in"
    d.mkdir()
    (d / "a.txt").write_text(
        "Bolton said on Monday that the talks in Geneva had failed. Bolton blamed the delegation from Caracas "
        "and said Washington would respond with new sanctions.", encoding="utf-8")
    db = tmp_path / "kb.db"
    build([str(d)], str(db))
    with open_store(db, readonly=True) as store:
        first = {r[0]: r[1] for r in store.conn.execute("SELECT id, name FROM entities")}
    (d / "b.txt").write_text(
        "National Security Adviser John Bolton met officials in Bogota on Friday. John Bolton said the sanctions "
        "would stay. Bolton later flew to Brasilia, where Bolton met the foreign minister.", encoding="utf-8")
    build([str(d)], str(db))
    with open_store(db, readonly=True) as store:
        live = {r[0] for r in store.conn.execute("SELECT id FROM entities")}
        lost = [eid for eid in first if eid not in live and queries.current_entity_id(store.conn, eid) is None]
        moved = {eid: queries.current_entity_id(store.conn, eid) for eid in first if eid not in live}
        assert lost == []
        assert "bolton" in first
        john = queries.find_entity(store.conn, "John Bolton")
        assert "bolton" in live or moved["bolton"] == john  # today the surname merges into the full name and redirects
        if "bolton" in moved:
            page = queries.get_entity(store.conn, "bolton")
            assert page["redirected_from"] == "bolton" and page["id"] == john
            web = queries.page_entity(store.conn, "bolton")  # what /entity/bolton shows
            assert web["entity"]["id"] == john and web["mentions"]
    if moved:
        r = CliRunner().invoke(main, ["show", next(iter(moved)), "--db", str(db), "--json"])
        assert r.exit_code == 0 and '"id": "%s"' % moved[next(iter(moved))] in r.output
