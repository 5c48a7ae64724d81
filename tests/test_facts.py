"""Across documents on the seeds: affiliations, fact groups, the Russia money conflict, export contract, idempotence."""

from __future__ import annotations

import pytest

from newsgraph.resolve import facts
from newsgraph.store import queries
from newsgraph.store.sqlite import open_store
from tests.conftest import copy_db


@pytest.fixture
def seeds_store(seeds_db, tmp_path):
    """A writable copy of the seeds database (resolve rewrites tables)."""
    import shutil

    db = tmp_path / "seeds.db"
    shutil.copy(seeds_db, db)
    store = open_store(db)
    yield store
    store.close()


def _russia_money(conn):
    conflicts = [c for c in queries.export_conflicts(conn) if c["kind"] == "amount" and c["subject"] == "russia" and c["object"] == "venezuela"]
    assert len(conflicts) == 1, conflicts
    return conflicts[0]


# (value, seed file prefix, source entity, figure text)
RUSSIA_MONEY = [
    (6e9, "002", None, "six billion dollars"),
    (8.8e9, "002", "alexei-navalni", "USD $8.8 billion dollars"),
    (17e9, "001", None, "$17 billion"),
    (30e9, "003", "united-states", "$30 billion"),
]


def test_russia_money_conflict_group(seeds_conn):
    conflict = _russia_money(seeds_conn)
    paths = dict(seeds_conn.execute("SELECT id, path FROM documents"))
    got = sorted((v["value"], paths[v["doc"]].rsplit("/", 1)[-1][:3], v["source"], v["text"]) for v in conflict["values"])
    assert got == RUSSIA_MONEY
    assert all(v["unit"] == "USD" for v in conflict["values"])
    assert conflict["type"] == "FINANCE"


def test_conflict_explains_what_each_figure_counts(seeds_conn):
    explanation = _russia_money(seeds_conn)["explanation"]
    for words in ("advances", "credits", "debt", "investment", "estimated", "Alexei Navalni", "from Rosneft"):
        assert words in explanation, words


def test_conflict_values_quote_the_text(seeds_conn):
    for c in queries.list_conflicts(seeds_conn):
        for v in c["values"]:
            doc = seeds_conn.execute("SELECT text FROM documents WHERE id = ?", (v["doc"],)).fetchone()[0]
            row = seeds_conn.execute(
                'SELECT start, "end" FROM conflict_values WHERE conflict = ? AND event = ?', (c["id"], v["event"])
            ).fetchone()
            assert doc[row[0]:row[1]] == v["text"]
            assert v["text"] in v["sentence"]


# (entity, state, kind)
AFFILIATIONS = [
    ("rosneft", "russia", "state"),
    ("pdvsa", "venezuela", "state"),
    ("nicolas-maduro", "venezuela", "official"),
    ("sergei-lavrov", "russia", "official"),
]


@pytest.mark.parametrize("entity,state,kind", AFFILIATIONS)
def test_affiliation_from_demonym(seeds_conn, entity, state, kind):
    rows = seeds_conn.execute("SELECT state, kind FROM affiliations WHERE entity = ?", (entity,)).fetchall()
    assert (state, kind) in [tuple(r) for r in rows]


def test_opposition_leader_is_not_his_state(seeds_conn):
    assert seeds_conn.execute("SELECT COUNT(*) FROM affiliations WHERE entity = 'alexei-navalni'").fetchone()[0] == 0


def test_fact_group_across_documents(seeds_conn):
    """Russia financing Venezuela is reported by two seeds (Navalni's credits in 002, the U.S. estimate in 003)."""
    rows = seeds_conn.execute(
        "SELECT id, documents FROM fact_groups WHERE type = 'FINANCE' AND subject = 'russia' AND object = 'venezuela'"
    ).fetchall()
    assert rows and rows[0]["documents"] == 2
    members = seeds_conn.execute("SELECT COUNT(DISTINCT doc) FROM events WHERE grp = ?", (rows[0]["id"],)).fetchone()[0]
    assert members == 2


def test_export_contract(seeds_conn):
    events = queries.export_events(seeds_conn)
    keys = {"id", "doc", "type", "predicate", "trigger", "start", "end", "sentence", "sentence_start", "sentence_end",
            "subject", "object", "participants", "date", "date_granularity", "amounts", "source", "negated", "modality", "group"}
    assert events and all(set(e) == keys for e in events)
    docs = dict(seeds_conn.execute("SELECT id, text FROM documents"))
    for e in events:
        assert docs[e["doc"]][e["sentence_start"]:e["sentence_end"]] == e["sentence"]
        assert docs[e["doc"]][e["start"]:e["end"]] == e["trigger"]
    rosneft = [e for e in events if e["predicate"] == "transfer" and e["subject"] == "rosneft"]
    assert rosneft and rosneft[0]["object"] == "venezuela" and rosneft[0]["date"] == "2017"
    assert [a["value"] for a in rosneft[0]["amounts"]] == [6e9]
    guaido = [e for e in events if e["predicate"] == "declare" and e["subject"] == "juan-guaido"]
    assert guaido and guaido[0]["date"] == "2019-01-23" and guaido[0]["date_granularity"] == "day"
    times = queries.export_times(seeds_conn)
    assert times and set(times[0]) == {"id", "doc", "start", "end", "text", "value", "granularity", "anchor", "type", "timex"}
    conflicts = queries.export_conflicts(seeds_conn)
    assert conflicts and set(conflicts[0]) == {"id", "kind", "subject", "object", "type", "values", "explanation"}
    assert set(conflicts[0]["values"][0]) == {"value", "unit", "event", "doc", "source", "text"}


def test_timeline_and_entity_filter(seeds_conn):
    line = queries.timeline(seeds_conn, entity="juan-guaido")
    assert [e["date"] for e in line] == sorted(e["date"] for e in line)
    assert ("declare", "2019-01-23") in [(e["predicate"], e["date"]) for e in line]
    bombers = queries.list_events(seeds_conn, entity="russia", type="DEPLOY")
    assert ("send", "2018-12") in [(e["predicate"], e["date"]) for e in bombers]
    # a date read against a publication date the text only suggested is a guess too ("Jan. 23" takes that year);
    # one written whole is not
    guessed = {(e["predicate"], e["date_text"]): e["date_guessed"] for e in queries.timeline(seeds_conn)}
    assert guessed[("declare", "Jan. 23")] and not guessed[("promise", "Feb. 18, 2019")] and not guessed[("transfer", "2017")]


def test_the_timeline_marks_dates_that_rest_on_a_guessed_publication_date(seeds_db):
    from click.testing import CliRunner

    from newsgraph.cli import main

    out = CliRunner().invoke(main, ["timeline", "--db", str(seeds_db)], env={"COLUMNS": "200"}).output
    assert "~2019-01-23" in out and "~2019-02-18" not in out and "2019-02-18" in out
    assert "publication date inferred from the text" in " ".join(out.split())


def test_resolve_is_idempotent(seeds_store):
    conn = seeds_store.conn

    def snapshot():
        return (
            conn.execute("SELECT kind, subject, object, explanation FROM conflicts ORDER BY 1, 2, 3").fetchall(),
            conn.execute("SELECT type, subject, object, events, documents FROM fact_groups ORDER BY 1, 2, 3").fetchall(),
            conn.execute("SELECT COUNT(*) FROM conflict_values").fetchone()[0],
            conn.execute("SELECT COUNT(*) FROM affiliations").fetchone()[0],
        )

    before = [tuple(map(tuple, x)) if isinstance(x, list) else x for x in snapshot()]
    facts.resolve(seeds_store)
    facts.resolve(seeds_store)
    after = [tuple(map(tuple, x)) if isinstance(x, list) else x for x in snapshot()]
    assert before == after


def test_cli_conflicts_and_events(seeds_db):
    from click.testing import CliRunner

    from newsgraph.cli import main

    runner = CliRunner()
    out = runner.invoke(main, ["conflicts", "--db", str(seeds_db)])
    assert out.exit_code == 0, out.output
    assert "Alexei Navalni" in out.output and "$30 billion" in out.output
    out = runner.invoke(main, ["events", "--db", str(seeds_db), "--entity", "Rosneft", "--type", "FINANCE", "--json"])
    assert out.exit_code == 0, out.output
    assert '"predicate": "transfer"' in out.output
    out = runner.invoke(main, ["timeline", "--db", str(seeds_db), "--entity", "Guaido"])
    assert out.exit_code == 0 and "2019-01-23" in out.output


# --- small corpora written for these tests -------------------------------------------------------

OWN_CORPUS = {
    "a.txt": "Chile signed a trade pact with Peru on March 3, 2015. The Norwegian state bank DNB lent Iceland $2 billion in 2010.",
    "b.txt": "Chile signed a trade pact with Peru on March 5, 2015, officials said. Norway lent Iceland $3 billion, according to Reuters.",
}


@pytest.fixture(scope="module")
def own_conn(tmp_path_factory):
    from newsgraph.run import build

    folder = tmp_path_factory.mktemp("own")
    for name, text in OWN_CORPUS.items():
        (folder / name).write_text(text, encoding="utf-8")
    db = folder / "own.db"
    build([str(folder)], str(db))
    store = open_store(db, readonly=True)
    yield store.conn
    store.close()


def test_date_conflict_within_fact_group(own_conn):
    groups = own_conn.execute("SELECT id, type, subject, object, documents FROM fact_groups WHERE type = 'AGREE'").fetchall()
    assert [(g["subject"], g["object"], g["documents"]) for g in groups] == [("chile", "peru", 2)]
    dates = [c for c in queries.export_conflicts(own_conn) if c["kind"] == "date"]
    assert len(dates) == 1
    assert sorted(v["value"] for v in dates[0]["values"]) == ["2015-03-03", "2015-03-05"]


def test_state_lender_joins_its_state_money_family(own_conn):
    money = [c for c in queries.export_conflicts(own_conn) if c["kind"] == "amount"]
    assert len(money) == 1
    assert (money[0]["subject"], money[0]["object"]) == ("norway", "iceland")
    assert sorted((v["value"], v["source"]) for v in money[0]["values"]) == [(2e9, None), (3e9, "reuters")]
    assert "from DNB" in money[0]["explanation"]


@pytest.mark.parametrize("a,b,compatible", [
    (None, "2019-01-23", True),
    ("2019-01", "2019-01-23", True),
    ("2019-01-23", "2019-02-10", True),
    ("2019-01-23", "2019-03-30", False),
    ("2018", "2019-01-23", False),
])
def test_date_compatibility(a, b, compatible):
    assert facts._compatible(a, b) is compatible


def test_fact_groups_by_distinct_dates_are_those_of_every_member():
    """An event joins the first group whose every member's date fits its own; `_clusters` compares it with each
    group's distinct dates instead (a key's events grow with the corpus, a group's dates much less): the same
    groups, in the same order, on dates of every shape (unknown, empty, year, month, day, range)."""
    import random

    from newsgraph.store.corpus import EventView

    def every_member(evs):
        clusters = []
        for ev in sorted(evs, key=lambda e: (e.date is None, e.date or "", e.id)):
            for cl in clusters:
                if all(facts._compatible(ev.date, o.date) for o in cl):
                    cl.append(ev)
                    break
            else:
                clusters.append([ev])
        return [[e.id for e in cl] for cl in clusters if len(cl) >= 2]

    shapes = [None, "", "2019", "2020", "2019-03", "2019-04", "2019-03-01/2019-03-09"] + [
        f"2019-{m:02d}-{d:02d}" for m in (2, 3, 4, 5) for d in (1, 9, 17, 25)]
    rng = random.Random(12)
    for _ in range(200):
        evs = [EventView(i, f"d{i % 7}", "AID", "send", 0, False, "asserted", rng.choice(shapes), None, None, None)
               for i in range(rng.randint(2, 40))]
        key = ["AID", "", ["a"], ["b"]]
        assert [[e.id for e in cl] for _, cl in facts._clusters(key, evs)] == every_member(evs)


def test_reports_naming_different_actors_for_one_happening_conflict(tmp_path):
    """Issue 3: conflicts over participants, not only amounts and dates."""
    from newsgraph.run import build
    from newsgraph.store.queries.events import export_conflicts
    from newsgraph.store.sqlite import open_store

    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text("On March 4, 2019, Russia sent two bombers to Venezuela, officials said.\n", encoding="utf-8")
    (corpus / "b.txt").write_text("On March 4, 2019, China sent two bombers to Venezuela, the ministry confirmed.\n", encoding="utf-8")
    (corpus / "c.txt").write_text("Cuba sent doctors to Venezuela on March 9, 2019.\n", encoding="utf-8")
    (corpus / "d.txt").write_text("Russia sent two bombers to Venezuela on March 4, 2019, a second outlet said.\n", encoding="utf-8")
    db = tmp_path / "kb.db"
    build([str(corpus)], str(db))
    with open_store(db, readonly=True) as store:
        conflicts = [c for c in export_conflicts(store.conn) if c["kind"] == "participant"]
    assert len(conflicts) == 1
    c = conflicts[0]
    assert c["object"] == "venezuela" and c["type"] == "DEPLOY"
    assert sorted({v["value"] for v in c["values"]}) == ["china", "russia"]
    assert {v["text"] for v in c["values"]} == {"Russia", "China"}
    assert "name different actors" in c["explanation"] and "2019-03-04" in c["explanation"]


def test_kept_fact_inputs_version_changes_with_what_is_kept():
    """After added documents the fact step reads the other documents' inputs from what it kept (meta 'fact_inputs'
    == FACT_INPUTS): a change to what _states, _candidate_rows, _keep, _fields or _events read or keep must come
    with a new FACT_INPUTS, and then a new pin here, or old kept views would be mixed with new ones."""
    import hashlib
    import inspect

    from newsgraph.store import corpus

    source = "".join(inspect.getsource(f) for f in (corpus._states, corpus._candidate_rows, corpus._keep, corpus._fields,
                                                    corpus._events))
    assert (corpus.FACT_INPUTS, hashlib.sha256(source.encode()).hexdigest()[:16]) == ("5", "dcc0168c453e838e")


def _fact_rows(conn) -> dict[str, list[tuple]]:
    tables = ("affiliations", "fact_groups", "conflicts", "conflict_values", "fact_events", "fact_candidates", "fact_states")
    rows = {t: sorted((tuple(r) for r in conn.execute(f"SELECT * FROM {t}")), key=repr) for t in tables}
    rows["events.grp"] = [tuple(r) for r in conn.execute("SELECT id, grp FROM events ORDER BY id")]
    return rows


@pytest.mark.parametrize("built", ["seeds_db", "examples_db"])
def test_facts_from_kept_inputs_a_key_at_a_time_are_those_computed_whole(request, built, tmp_path):
    """The fact step reads its inputs a chunk of documents at a time and computes from what it kept, one fact group,
    money family or happening at a time: one document per chunk or all at once, the tables are the same, and the
    result is what `compute` makes of every event held at once."""
    from newsgraph.resolve import facts
    from newsgraph.store import corpus

    src = request.getfixturevalue(built)
    rows = {}
    for chunk in (1, 3, 10**9):
        store = open_store(copy_db(src, tmp_path / f"chunk{chunk}.db"))
        facts.resolve(store, chunk=chunk)
        rows[chunk] = _fact_rows(store.conn)
        if chunk == 1:
            kept = facts.compute_kept(store)
            assert kept == facts.compute(corpus.fact_inputs(store))
            assert kept.groups and kept.affiliations and kept.conflicts, "too small a store"
        store.close()
    assert rows[1] == rows[3] == rows[10**9]


def test_events_whose_fact_group_changed_are_noted_with_their_group_before(examples_db, tmp_path):
    """`changed_groups` gives each event whose fact group is another after the facts are written again, with the group
    it had (None: none): the one that left its group, the others of the group renamed after their new first event,
    and one that joined a group; no other event."""
    from newsgraph.store import corpus

    with open_store(copy_db(examples_db, tmp_path / "kb.db")) as store, store.transaction():
        c = store.conn
        grp = c.execute("SELECT grp FROM events WHERE grp IS NOT NULL GROUP BY grp HAVING COUNT(*) >= 2 ORDER BY grp LIMIT 1").fetchone()[0]
        members = [r[0] for r in c.execute("SELECT id FROM events WHERE grp = ? ORDER BY id", (grp,))]
        loner = c.execute("SELECT id FROM events WHERE grp IS NULL ORDER BY id LIMIT 1").fetchone()[0]
        corpus.keep_group_documents(store)
        try:
            c.execute("UPDATE events SET grp = NULL WHERE id = ?", (members[0],))
            c.execute("UPDATE events SET grp = ? WHERE grp = ?", (members[1], grp))
            c.execute("UPDATE events SET grp = ? WHERE id = ?", (members[1], loner))
            assert [tuple(r) for r in corpus.changed_groups(store)] == sorted([(members[0], grp), *((e, grp) for e in members[1:]), (loner, None)])
        finally:
            corpus.drop_group_documents(store)
