"""Adding documents redoes only what they touch (run.resolve_corpus with a `resolve.touched.Touched`): after a corpus
step that resolved only the added documents, every table the later steps write is, row for row and id for id, what
those steps write when they run over the whole store, and the two exports are byte-equal.

"The whole store" keeps the entities and stories of the incremental step: resolving only the added documents'
entities and continuing the stories are choices of their own (tests/test_resolve.py, tests/test_stories.py
measure how far they are from a full pass); here every later step is checked against its full run on them.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

# The tables the corpus steps after entity resolution write (stories aside), the inputs they keep for the next
# step (date_signatures; fact_events, fact_candidates, fact_states), and what they write into documents and events.
CORPUS_TABLES = ("affiliations", "fact_groups", "conflicts", "conflict_values", "copies", "lineage", "lineage_reports",
                 "actor_edges", "event_edges", "entity_event_rank", "event_order", "page_summary", "quote_order",
                 "date_signatures", "fact_events", "fact_candidates", "fact_states")


def corpus_tables(conn) -> dict[str, list]:
    """Every corpus-step table as its sorted rows (all columns, ids included)."""
    out = {t: sorted((tuple(r) for r in conn.execute(f"SELECT * FROM {t}")), key=repr) for t in CORPUS_TABLES}
    out["events.grp"] = [tuple(r) for r in conn.execute("SELECT id, grp FROM events ORDER BY id")]
    out["documents.dates"] = [tuple(r) for r in conn.execute(
        "SELECT id, published, published_inferred, notes FROM documents ORDER BY id")]
    return out


def exported(conn) -> str:
    from newsgraph.outputs.export import export_json

    return json.dumps(export_json(conn), sort_keys=True, ensure_ascii=False)


def three_seeds_built(tmp_path: Path, seeds_dir: Path) -> tuple[list[Path], Path, Path]:
    """The seeds in order, a corpus folder holding the first three, and the store built from it."""
    from newsgraph.run import build

    files = sorted(seeds_dir.glob("*.txt"))
    corpus, db = tmp_path / "corpus", tmp_path / "kb.db"
    corpus.mkdir()
    for f in files[:3]:
        shutil.copy(f, corpus / f.name)
    build([str(corpus)], str(db))
    return files, corpus, db


def later_steps_in_full(db: Path) -> None:
    """Run every corpus step after entity resolution over the whole store, as a full corpus step does (stories aside)."""
    from newsgraph.run import corpus_steps
    from newsgraph.store.sqlite import open_store

    with open_store(db) as store, store.transaction():
        for step in corpus_steps():
            if not step.__module__.endswith(".stories"):  # stories: continued by design, checked in test_stories
                step(store)


def assert_as_full(db: Path, tmp_path: Path) -> dict[str, list]:
    """The store's corpus tables and export equal those of the later steps run in full on a copy of it."""
    from newsgraph.store.sqlite import open_store

    full = tmp_path / "full.db"
    shutil.copy(db, full)
    later_steps_in_full(full)
    with open_store(db, readonly=True) as a, open_store(full, readonly=True) as b:
        mine, theirs = corpus_tables(a.conn), corpus_tables(b.conn)
        for table in mine:
            assert mine[table] == theirs[table], table
        assert exported(a.conn) == exported(b.conn)
    full.unlink()
    return mine


@pytest.fixture
def updates(monkeypatch):
    """Builds resolve added documents from the first document on; returns how often the page tables were updated
    (not rebuilt) and the Touched each update got."""
    from newsgraph import run
    from newsgraph.resolve import summary

    seen = []
    real = summary._update
    monkeypatch.setattr(run, "INCREMENTAL_FROM", 0)
    monkeypatch.setattr(run, "INCREMENTAL_GROWTH", 10.0)
    monkeypatch.setattr(summary, "_update", lambda store, touched: (seen.append(touched), real(store, touched)))
    return seen


def test_added_documents_give_the_tables_of_a_full_step_on_the_seeds(tmp_path, seeds_dir, updates):
    """Three seeds, then two more (their money and fact groups join the first ones'), then one forgotten (a full
    step), then added again: after each step the tables and the export are those of the steps run in full."""
    from newsgraph.run import build, forget

    files, corpus, db = three_seeds_built(tmp_path, seeds_dir)
    assert updates == []  # a first step is a full one
    assert_as_full(db, tmp_path)

    for f in files[3:]:
        shutil.copy(f, corpus / f.name)
    build([str(corpus)], str(db))
    assert len(updates) == 1 and len(updates[0].added) == 2
    assert updates[0].sources_before  # fact groups gained documents: their events moved in their actors' lists
    again = build([str(corpus)], str(db))
    assert again.processed == 0 and not again.resolved and len(updates) == 1  # a re-run does no work
    tables = assert_as_full(db, tmp_path)
    # the seeds' fact group that the later two documents join (Russia's grant to Venezuela, told by two outlets)
    assert tables["fact_groups"] and tables["conflicts"] and tables["entity_event_rank"]
    assert {row[0] for row in tables["fact_groups"]} == {min(e for e, g in tables["events.grp"] if g == row[0])
                                                         for row in tables["fact_groups"]}  # a group's id is its first event

    forget([str(corpus / files[1].name)], str(db))
    assert len(updates) == 1  # a removal means a full step
    assert_as_full(db, tmp_path)
    shutil.copy(files[1], corpus / files[1].name)
    build([str(corpus)], str(db))
    assert len(updates) == 2 and len(updates[1].added) == 1
    assert_as_full(db, tmp_path)


@pytest.mark.slow
def test_added_documents_give_the_tables_of_a_full_step_on_news(tmp_path, shared_corpus, updates):
    """The BBC corpus in two builds, the second adding 100 articles across its sections: the tables and the export
    after the second step are those of the steps run in full."""
    from newsgraph.run import build

    files = sorted((shared_corpus / "bbc").glob("*/*.txt"))
    later = set(files[7::len(files) // 100][:100])
    corpus, db = tmp_path / "corpus", tmp_path / "kb.db"
    for f in files:
        if f not in later:
            (corpus / f.parent.name).mkdir(parents=True, exist_ok=True)
            shutil.copy(f, corpus / f.parent.name / f.name)
    build([str(corpus)], str(db))
    for f in later:
        shutil.copy(f, corpus / f.parent.name / f.name)
    second = build([str(corpus)], str(db))
    assert len(updates) == 1 and len(updates[0].added) == second.processed >= 90  # 91: the others repeat texts already in
    assert updates[0].sources_before
    tables = assert_as_full(db, tmp_path)
    assert len(tables["fact_groups"]) > 100 and len(tables["actor_edges"]) > 1000


def _round(corpus: Path, name: str, records: list[dict]) -> None:
    """One more JSON-lines file of articles in the corpus folder (its documents are added by the next build)."""
    (corpus / f"{name}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def _documents(db: Path) -> dict[str, tuple]:
    """title -> (id, published, published_inferred) of every document."""
    from newsgraph.store.sqlite import open_store

    with open_store(db, readonly=True) as store:
        return {r[1]: (r[0], r[2], r[3]) for r in store.conn.execute(
            "SELECT id, title, published, published_inferred FROM documents")}


def test_added_documents_lend_borrowed_dates_and_take_them_back(tmp_path, updates):
    """Undated articles share "Russia lent Venezuela" with two dated ones: too few to borrow a date from. A third
    dated one comes, with a new undated one on the loan and one on France sanctioning Syria (which three dated
    articles already report): every undated article on the loan borrows their median, 2019-03-02, the new one on
    Syria borrows 2020-01-12, and an undated article on another act stays undated. Three dated in June 2021 come:
    the six dated ones no longer agree, and the articles on the loan lose the date again (the one on Syria keeps its
    own, and another one on Syria borrows from the three dated ones, not from it). After each step the tables and the export are the full steps'."""
    from newsgraph.resolve.dates import NOTE, UNDATED_NOTE
    from newsgraph.run import build

    corpus, db = tmp_path / "corpus", tmp_path / "kb.db"
    corpus.mkdir()
    _round(corpus, "r1", [
        {"title": "D1", "outlet": "Daily One", "published": "2019-03-01",
         "text": "Russia lent Venezuela $17 billion. Officials in Caracas welcomed the money."},
        {"title": "D2", "outlet": "Daily Two", "published": "2019-03-02",
         "text": "Russia lent Venezuela a large sum. The loan will pay for food and fuel."},
        {"title": "U1", "outlet": "Weekly", "text": "Russia lent Venezuela more money. Critics in Congress asked who would pay it back."},
        {"title": "U2", "outlet": "Herald", "text": "The United States sanctioned Venezuela. Russia lent Venezuela help in return."},
        {"title": "U3", "outlet": "Wire", "text": "Russia lent Venezuela new funds for its army."},
        {"title": "X", "outlet": "Wire", "text": "Germany sanctioned Iran. The talks in Vienna ended without a deal."},
    ] + [{"title": f"F{day}", "outlet": "Paris Daily", "published": f"2020-01-{day}", "text": f"France sanctioned Syria {why}"}
         for day, why in (("10", "over the attacks."), ("12", "again, officials said."), ("20", "for the third time."))])
    build([str(corpus)], str(db))
    assert updates == []  # a first step is a full one
    tables = assert_as_full(db, tmp_path)
    docs = _documents(db)
    undated = {docs[t][0] for t in ("U1", "U2", "U3", "X")}
    assert {row[0]: row[1] for row in tables["documents.dates"] if row[0] in undated} == dict.fromkeys(undated)

    _round(corpus, "r2", [
        {"title": "D3", "outlet": "Daily Three", "published": "2019-03-04",
         "text": "Russia lent Venezuela another loan. Bankers in Moscow were worried."},
        {"title": "U4", "outlet": "Weekly", "text": "Russia lent Venezuela the money in secret, a newspaper said."},
        {"title": "U6", "outlet": "Weekly", "text": "France sanctioned Syria, and the talks in Geneva stopped."},
    ])
    build([str(corpus)], str(db))
    assert len(updates) == 1 and len(updates[0].added) == 3
    tables = assert_as_full(db, tmp_path)
    docs = _documents(db)
    borrowers = {docs[t][0] for t in ("U1", "U2", "U3", "U4")}
    assert updates[0].redated == borrowers | {docs["U6"][0]}
    dates = {row[0]: row[1:] for row in tables["documents.dates"]}
    for doc in borrowers:  # the median of 2019-03-01, 2019-03-02 and 2019-03-04, marked inferred, with its support
        published, inferred, notes = dates[doc]
        assert (published, inferred) == ("2019-03-02", 1)
        assert any(n.startswith(NOTE) and "3 of 3 dated reports" in n for n in json.loads(notes)), notes
    assert dates[docs["X"][0]][:2] == (None, 0)  # its act (Germany sanctioning Iran) is in no dated article
    assert dates[docs["U6"][0]][:2] == ("2020-01-12", 1)  # added undated, its act in three dated articles already in
    assert docs["D3"][1:] == ("2019-03-04", 0)

    _round(corpus, "r3", [
        {"title": f"D{n}", "outlet": f"Paper {n}", "published": f"2021-06-0{n - 3}",
         "text": f"Russia lent Venezuela {words}"}
        for n, words in ((4, "$2 billion for oil fields."), (5, "money for new roads."), (6, "a second loan for trains."))
    ] + [{"title": "U5", "outlet": "Wire", "text": "Russia lent Venezuela $5 billion, a diplomat in Lima said."},
         {"title": "U7", "outlet": "Wire", "text": "France sanctioned Syria, a diplomat in Lima said."}])
    build([str(corpus)], str(db))
    assert len(updates) == 2 and len(updates[1].added) == 5
    tables = assert_as_full(db, tmp_path)
    docs = _documents(db)
    assert updates[1].redated == borrowers | {docs["U7"][0]}  # U5 was undated and stays so; U6 keeps its date
    loan = [row for row in tables["date_signatures"] if row[:3] == ("FINANCE", "russia", "venezuela")]
    assert {row[3] for row in loan} == {docs[t][0] for t in ("D1", "D2", "D3", "D4", "D5", "D6", "U1", "U2", "U3", "U4", "U5")}
    dates = {row[0]: row[1:] for row in tables["documents.dates"]}
    assert dates[docs["U6"][0]][:2] == ("2020-01-12", 1)
    # the dated articles on Syria, not U6, whose date is borrowed
    assert dates[docs["U7"][0]][:2] == ("2020-01-12", 1) and "3 of 3 dated reports" in dates[docs["U7"][0]][2]
    for doc in borrowers | {docs["U5"][0]}:  # three dates in March 2019, three in June 2021: no agreement
        published, inferred, notes = dates[doc]
        assert (published, inferred) == (None, 0)
        assert [n for n in json.loads(notes) if n.startswith((NOTE, UNDATED_NOTE))] == [
            f"{UNDATED_NOTE}: its text does not date it, and no 3 dated reports sharing its events agree on a date"]


def test_a_text_and_its_copies_lend_a_date_as_one_report(tmp_path, updates):
    """An undated article shares "Russia lent Venezuela" with three dated ones, two of them a text and its near-copy:
    two reports, too few to borrow a date from. A third report comes (it shares a third of its text with the first,
    not enough to be a copy) and the undated article borrows their median; then an undated article made of the first
    and the third whole comes, a near-copy of each, which makes them one report, and the borrowed date goes again.
    After each step the tables and the export are the full steps'."""
    from newsgraph.resolve.dates import NOTE, UNDATED_NOTE
    from newsgraph.run import build

    a = ("Officials in Caracas welcomed the help on Friday and thanked the government in Moscow, saying the country "
         "had few other friends left and needed food, fuel and medicine for its hospitals.")
    b = ("Russia lent Venezuela $17 billion. The money will pay for food, fuel and medicine over the next two years, "
         "the finance ministry in Caracas said in a short statement on its website.")
    c = ("Engineers from Russian firms will also build new railway lines, and the first trains are expected to run "
         "between the capital and the coast within three years, according to the plan.")
    two = ("Russia lent Venezuela more money this week. Bankers in Moscow were worried that the loans would never be "
           "repaid, because the oil company that was meant to pay them back is producing less every month.")
    corpus, db = tmp_path / "corpus", tmp_path / "kb.db"
    corpus.mkdir()
    _round(corpus, "r1", [
        {"title": "D1", "outlet": "Daily One", "published": "2019-03-01", "text": f"{a} {b}"},
        {"title": "D2", "outlet": "Daily Two", "published": "2019-03-02", "text": two},
        {"title": "D2c", "outlet": "Mirror", "published": "2019-03-03",
         "text": two.replace("producing less every month", "pumping less oil each month")},
        {"title": "U", "outlet": "Weekly", "text": "Russia lent Venezuela the money in secret, a newspaper said."},
    ])
    build([str(corpus)], str(db))
    tables = assert_as_full(db, tmp_path)
    docs = _documents(db)
    assert [row[:3] for row in tables["copies"]] == [(docs["D2c"][0], docs["D2"][0], "near-duplicate")]
    u = docs["U"][0]

    def notes_of(tables) -> list[str]:
        (row,) = [r for r in tables["documents.dates"] if r[0] == u]
        return [n for n in json.loads(row[3]) if n.startswith((NOTE, UNDATED_NOTE))]

    assert docs["U"][1:] == (None, 0)  # three dated documents, two reports
    assert notes_of(tables) == [f"{UNDATED_NOTE}: its text does not date it, and no 3 dated reports sharing its events "
                                "agree on a date"]

    _round(corpus, "r2", [{"title": "D3", "outlet": "Daily Three", "published": "2019-03-04", "text": f"{b} {c}"}])
    build([str(corpus)], str(db))
    assert len(updates) == 1 and updates[0].redated == {u}
    tables = assert_as_full(db, tmp_path)
    assert len(tables["copies"]) == 1  # D3 is no copy of D1
    assert _documents(db)["U"][1:] == ("2019-03-02", 1)  # the median of 03-01, 03-02 (the earlier of the pair), 03-04
    assert notes_of(tables) == [f"{NOTE} (3 of 3 dated reports sharing its events agree on it, a text and its copies "
                                "counted once; confidence 1.0)"]

    _round(corpus, "r3", [{"title": "X", "outlet": "Digest", "text": f"{a} {b} {c}"}])
    build([str(corpus)], str(db))
    assert len(updates) == 2 and updates[1].redated == {u}  # X is undated: only the group it joined brings U back
    tables = assert_as_full(db, tmp_path)
    docs = _documents(db)
    from newsgraph.store.sqlite import open_store

    with open_store(db, readonly=True) as store:
        pairs = {tuple(sorted(r[:2])): r[2] for r in store.conn.execute("SELECT a, b, similarity FROM copy_pairs")}
    assert min(pairs[tuple(sorted((docs["X"][0], docs[t][0])))] for t in ("D1", "D3")) >= 0.5  # near-copies of both
    assert tuple(sorted((docs["D1"][0], docs["D3"][0]))) not in pairs
    assert docs["U"][1:] == (None, 0) and notes_of(tables)[0].startswith(UNDATED_NOTE)


def test_an_added_earlier_copy_takes_over_and_its_fact_group_changes_id(tmp_path, updates):
    """Two articles report Russia's loan to Venezuela (one fact group, named by the first one's event, and two
    figures that disagree). A near-copy of the first, published four days before it, comes: it is the canonical
    text now and the first article its copy, so the first article's event leaves the group and the group is named by
    the second one's event. After each step the tables and the export are the full steps'."""
    from newsgraph.run import build

    first = ("Russia lent Venezuela $17 billion. The money will pay for food, fuel and medicine over the next two "
             "years. Officials in Caracas welcomed the help and thanked the government in Moscow for its support.")
    corpus, db = tmp_path / "corpus", tmp_path / "kb.db"
    corpus.mkdir()
    _round(corpus, "r1", [
        {"title": "A", "outlet": "Daily One", "published": "2019-03-05", "text": first},
        {"title": "B", "outlet": "Daily Two", "published": "2019-03-06",
         "text": "Russia lent Venezuela $15 billion. Critics in Congress asked who would pay it back."},
    ])
    build([str(corpus)], str(db))

    def loans(tables) -> dict[str, tuple[int, int | None]]:
        """title -> (its "lend" event, the event's fact group)"""
        from newsgraph.store.sqlite import open_store

        with open_store(db, readonly=True) as store:
            found = {r[0]: r[1] for r in store.conn.execute(
                "SELECT d.title, e.id FROM events e JOIN documents d ON d.id = e.doc WHERE e.predicate = 'lend'")}
        group = dict(tables["events.grp"])
        return {title: (event, group[event]) for title, event in found.items()}

    tables = assert_as_full(db, tmp_path)
    events = loans(tables)
    (a, _), (b, _) = events["A"], events["B"]
    assert a < b and events == {"A": (a, a), "B": (b, a)}  # the group is named by its first event, A's
    assert [row[0] for row in tables["fact_groups"]] == [a] and tables["copies"] == []
    values = {row[1] for row in tables["conflict_values"]}
    assert {a, b} <= values
    assert [row[3] for row in tables["lineage"] if row[1] == "fact"] == [a]

    _round(corpus, "r2", [{"title": "C", "outlet": "Wire", "published": "2019-03-01",
                           "text": first.replace("thanked the government in Moscow for its support",
                                                 "promised to repay it with oil")}])
    build([str(corpus)], str(db))
    assert len(updates) == 1 and len(updates[0].added) == 1
    tables = assert_as_full(db, tmp_path)
    docs, events = _documents(db), loans(tables)
    c = events["C"][0]
    assert [row[:3] for row in tables["copies"]] == [(docs["A"][0], docs["C"][0], "near-duplicate")]
    assert events == {"A": (a, None), "B": (b, b), "C": (c, b)}  # A's event is a copy's: the group is B's now
    assert [row[0] for row in tables["fact_groups"]] == [b]
    assert updates[0].sources_before == {a: 2, c: 1}  # A's event left a group of two documents, C's joined one
    values = {row[1] for row in tables["conflict_values"]}
    assert {b, c} <= values and a not in values
    assert [row[3] for row in tables["lineage"] if row[1] == "fact"] == [b]  # the fact's lineage follows the group
    # the $17 billion is first in C now, and A repeats it as a copy of C's text
    figure = {row[0] for row in tables["lineage"] if row[1] == "figure" and row[6] == "$17 billion"}
    assert [(r[1], r[2], r[3], r[10]) for r in sorted(tables["lineage_reports"]) if r[0] in figure] == [
        (0, docs["C"][0], c, None), (1, docs["A"][0], a, docs["C"][0])]


def test_added_documents_read_only_their_rows_and_get_what_every_row_held_gives(tmp_path, seeds_dir, updates, monkeypatch):
    """What adding documents reads is cut to the added documents (their name forms, their roles) or to one entity's
    documents (the entities named beside it), and the stories' features are weighed one document at a time: each
    gives what a pass over every row, held at once, gives. Three seeds, then two more."""
    from collections import defaultdict

    from newsgraph.resolve import stories
    from newsgraph.run import build
    from newsgraph.store import entities as entity_store
    from newsgraph.store import stories as store_stories
    from newsgraph.store.sqlite import open_store

    files, corpus, db = three_seeds_built(tmp_path, seeds_dir)
    with open_store(db, readonly=True) as store:
        before = {r[0] for r in store.conn.execute("SELECT id FROM documents")}
        entities_before = {r[0] for r in store.conn.execute("SELECT id FROM entities")}

    placed = []  # the continued stories as the step made them, and as every document's features held make them
    write = store_stories.write_stories

    def compared(store, made):
        made = list(made)  # the step writes its stories as it describes them
        whole = store_stories.story_inputs(store)  # every document's entities, groups and relations, held
        added = set(whole.infos) - before
        placed.append((made, stories.compute(whole, store_stories.story_members(store), added), added))
        write(store, made)

    monkeypatch.setattr(store_stories, "write_stories", compared)
    for f in files[3:]:
        shutil.copy(f, corpus / f.name)
    build([str(corpus)], str(db))
    assert len(updates) == 1 and len(placed) == 1
    made, held, added = placed[0]
    assert len(added) == 2 and made == held
    assert {d for s in made for d, _ in s["members"]} & added  # an added document joined a story

    with open_store(db) as store:
        c = store.conn
        named: dict[str, set[str]] = defaultdict(set)  # document -> its entities, from every mention
        roles = {}
        for doc, entity, role in c.execute("SELECT doc, entity, role FROM mentions WHERE entity IS NOT NULL ORDER BY id"):
            named[doc].add(entity)
            if role is not None and doc in added:
                roles.setdefault((entity, doc, role))
        # the roles the added documents' mentions hold, each once; those of entities resolved before in the order of
        # the mentions (as a scan of every mention wrote them, whatever order the added documents came in)
        stored = [tuple(r) for r in c.execute("SELECT entity, doc, role FROM entity_roles ORDER BY rowid")]
        assert roles and sorted(r for r in stored if r[1] in added) == sorted(roles)
        grown = [r for r in roles if r[0] in entities_before]
        assert grown and [r for r in stored if r[1] in added and r[0] in entities_before] == grown
        # the entities named beside each entity outside the added documents, asked of the store per entity
        entity_store.mark_added(store, added)  # as resolving the added documents does
        entities = {e for es in named.values() for e in es}
        for entity in entities:
            held = {o for doc, es in named.items() if entity in es and doc not in added for o in es} - {entity}
            assert entity_store.co_mentioned(store, entity) == held, entity
        assert sum(bool(entity_store.co_mentioned(store, e)) for e in entities) > 10
    assert_as_full(db, tmp_path)


# --- adding documents compares the new names with the resolved entities they can meet (entities._reachable) ----------

def _entity_tables(db: Path) -> dict[str, list]:
    """What resolving added documents writes: the entity tables and every mention's entity, rows in rowid order."""
    from newsgraph.store.sqlite import open_store

    with open_store(db, readonly=True) as store:
        return {t: [tuple(r) for r in store.conn.execute(f"SELECT {cols} FROM {t} ORDER BY rowid")]
                for t, cols in (("entities", "*"), ("entity_aliases", "*"), ("merges", "*"), ("entity_forms", "*"),
                                ("entity_roles", "*"), ("entity_redirects", "old, entity, name, reason"),
                                ("mentions", "id, entity"))}


def _resolve_added_both_ways(db: Path, tmp_path: Path, docs: set[str], prepare=None) -> tuple[dict, dict]:
    """The tables after resolving `docs` as added, against the entities the new names can meet and against every
    resolved entity (as before that cut), each on its own copy of the store (`prepare` first changes each copy)."""
    from newsgraph.resolve import entities
    from newsgraph.store.sqlite import open_store

    out = []
    for every in (False, True):
        copy = tmp_path / f"every{int(every)}.db"
        shutil.copy(db, copy)
        with open_store(copy) as store, store.transaction():
            if prepare:
                prepare(store)
            entities.resolve_added(store, docs, every_entity=every)
        out.append(_entity_tables(copy))
        copy.unlink()
    return out[0], out[1]


def _add_owing(corpus: Path, db: Path, name: str, text: str, resolved: set[str], monkeypatch) -> set[str]:
    """Write one more document into the store with its corpus step still owed (as a build interrupted before the
    step leaves it), and return the ids of the documents added since `resolved`."""
    from newsgraph import run
    from newsgraph.run import build
    from newsgraph.store.sqlite import open_store

    (corpus / name).write_text(text, encoding="utf-8")
    with monkeypatch.context() as m:
        m.setattr(run, "resolve_corpus", lambda store, **kw: False)
        build([str(corpus)], str(db))
    with open_store(db, readonly=True) as store:
        return {r[0] for r in store.conn.execute("SELECT id FROM documents")} - resolved


def test_an_added_name_meets_an_old_entity_it_reaches_only_by_near_spelling_or_short_name(tmp_path, updates, monkeypatch):
    """An added document whose "Alexei Navalni" is an old entity's name only by near-spelling (no lone surname, no
    shared key) and whose "Tories" is a party's only by its nickname joins those entities: the cut keeps every
    entity a rule compares, and gives the tables resolving against every resolved entity gives."""
    from newsgraph import run
    from newsgraph.run import build
    from newsgraph.store.sqlite import open_store

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    old = {
        "a.txt": "Opposition leader Alexei Navalny said Vladimir Putin and the Kremlin were financing Caracas from "
                 "Moscow.",  # no lone "Navalny": a surname one edit from the new "Navalni" would be met by rule 5
        "b.txt": "The Conservative Party chose a new leader in London on Monday. The Conservative Party had lost "
                 "the election to the Labour Party.",
        "c.txt": "Chancellor Gordon Brown spoke to the Treasury about the budget in London.",
    }
    for name, text in old.items():
        (corpus / name).write_text(text, encoding="utf-8")
    db = tmp_path / "kb.db"
    build([str(corpus)], str(db))
    with open_store(db, readonly=True) as store:
        navalny = {r[0] for r in store.conn.execute("SELECT entity FROM mentions WHERE name = 'Alexei Navalny'")}
        party = {r[0] for r in store.conn.execute("SELECT entity FROM mentions WHERE name = 'Conservative Party'")}
        resolved = {r[0] for r in store.conn.execute("SELECT id FROM documents")}
    assert len(navalny) == len(party) == 1
    added = _add_owing(corpus, db, "d.txt",
                       "Alexei Navalni, the opposition figure, accused Vladimir Putin of wasting money; the Kremlin did "
                       "not answer. The Tories said nothing.", resolved, monkeypatch)
    assert len(added) == 1
    cut, every = _resolve_added_both_ways(db, tmp_path, added)
    assert cut == every

    with open_store(db) as store:
        assert run.resolve_corpus(store)
    assert len(updates) == 1  # the added document was resolved against the entities
    with open_store(db, readonly=True) as store:
        c = store.conn
        assert {r[0] for r in c.execute("SELECT entity FROM mentions WHERE name = 'Alexei Navalni'")} == navalny
        assert {r[0] for r in c.execute("SELECT entity FROM mentions WHERE name = 'Tories'")} == party
        reasons = {r[0] for r in c.execute("SELECT reason FROM merges WHERE entity IN (?, ?)", (*navalny, *party))}
    assert any(r.startswith("near-spelling") for r in reasons) and any(r.startswith("short name") for r in reasons)
    assert _entity_tables(db) == cut


def test_resolving_added_documents_against_the_entities_they_can_meet_gives_the_tables_of_every_entity(tmp_path, seeds_dir):
    """Documents of the seeds taken as added, with and without their names among the resolved entities' forms (so
    that they must meet them through surnames, near-spellings, short names and acronyms), and with the user's
    merges and splits: the tables are, row for row, those resolving against every resolved entity gives."""
    from newsgraph.run import build
    from newsgraph.store.sqlite import open_store

    db = tmp_path / "kb.db"
    build([str(seeds_dir)], str(db))
    with open_store(db, readonly=True) as store:
        docs = [r[0] for r in store.conn.execute("SELECT id FROM documents ORDER BY id")]
        names = [r[0] for r in store.conn.execute("SELECT name FROM entities WHERE mentions > 2 ORDER BY mentions DESC, id")]
    assert len(docs) >= 5 and len(names) >= 6

    def forgotten(added):
        def prepare(store):  # the added documents' name forms are no resolved entity's
            c = store.conn
            c.execute("CREATE TEMP TABLE chosen(id TEXT PRIMARY KEY)")
            c.executemany("INSERT INTO chosen VALUES (?)", [(d,) for d in added])
            c.execute("""DELETE FROM entity_forms WHERE (name, key, label) IN (SELECT name, key, label FROM mentions
                         WHERE form = 'name' AND doc IN (SELECT id FROM chosen))""")
        return prepare

    def overridden(store):
        for action, a, b in (("merge", names[0], names[3]), ("split", names[1], None), ("merge", names[4], names[5])):
            store.conn.execute("INSERT INTO overrides(action, a, b) VALUES (?, ?, ?)", (action, a, b))

    cases = [(set(docs[::2]), None), (set(docs[1::2]), forgotten(docs[1::2])), (set(docs[:2]), overridden),
             (set(docs[2:]), lambda store: (forgotten(docs[2:])(store), overridden(store)))]
    reasons = set()
    for added, prepare in cases:
        cut, every = _resolve_added_both_ways(db, tmp_path, added, prepare)
        for table in every:
            assert cut[table] == every[table], table
        reasons |= {r[4].split(" (")[0].split(" of ")[0] for r in every["merges"]}
    # new names met resolved entities by several rules: a short name, a name up to company form, a state's names
    assert {"short name", "same name up to case, diacritics and company form"} <= reasons
    assert any(r.startswith("both stand for") for r in reasons)


def test_the_cut_leaves_out_entities_no_new_name_meets_and_keeps_every_entity_a_new_name_joins(tmp_path, seeds_dir):
    """The cut is real (resolved entities of the seeds that no name of an added document can meet stay out) and keeps
    every old entity that resolving against all of them gives a new mention to."""
    from newsgraph.resolve import entities
    from newsgraph.run import build
    from newsgraph.store import entities as entity_store
    from newsgraph.store.sqlite import open_store

    db = tmp_path / "kb.db"
    build([str(seeds_dir)], str(db))
    with open_store(db, readonly=True) as store:
        docs = [r[0] for r in store.conn.execute("SELECT id FROM documents ORDER BY id")]
    added = {docs[-1]}
    work = tmp_path / "work.db"
    shutil.copy(db, work)
    with open_store(work) as store:
        entity_store.mark_added(store, added)
        new = entity_store.added_names(store)
        forms = entity_store.entity_forms(store)
        kept, _ = entities._reachable(forms, new, entity_store.overrides(store))
        ids = {r[0] for r in store.conn.execute(
            f"SELECT id FROM mentions WHERE doc IN ({','.join('?' * len(added))})", sorted(added))}
    every_entity = {f[0] for f in forms}
    kept_entities = {forms[n][0] for n in kept}
    assert 0 < len(kept_entities) < len(every_entity) * 0.8, (len(kept_entities), len(every_entity))
    _, every = _resolve_added_both_ways(db, tmp_path, added)
    joined = {entity for mention, entity in every["mentions"] if mention in ids and entity in every_entity}
    assert joined and joined <= kept_entities, sorted(joined - kept_entities)


def test_an_added_acronym_meets_the_old_name_it_spells(tmp_path, updates, monkeypatch):
    """An added "GAO" meets the old "Government Accountability Office" only through rule 7 (its letters spell the
    name; no key, surname or short name in common): the cut keeps that entity, the acronym joins it, and the tables
    are those resolving against every resolved entity gives."""
    from newsgraph import run
    from newsgraph.run import build
    from newsgraph.store.sqlite import open_store

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "The Government Accountability Office said Senator John McCain and the Pentagon had wasted billions on "
        "the new fighter jet.", encoding="utf-8")
    (corpus / "b.txt").write_text("Chancellor Gordon Brown spoke to the Treasury about the budget in London.",
                                  encoding="utf-8")
    db = tmp_path / "kb.db"
    build([str(corpus)], str(db))
    with open_store(db, readonly=True) as store:
        office = {r[0] for r in store.conn.execute(
            "SELECT entity FROM mentions WHERE name = 'Government Accountability Office'")}
        resolved = {r[0] for r in store.conn.execute("SELECT id FROM documents")}
    assert len(office) == 1
    added = _add_owing(corpus, db, "c.txt",
                       "The GAO said Senator John McCain and the Pentagon must explain the cost of the fighter jet.",
                       resolved, monkeypatch)
    assert len(added) == 1
    cut, every = _resolve_added_both_ways(db, tmp_path, added)
    assert cut == every

    with open_store(db) as store:
        assert run.resolve_corpus(store)
    with open_store(db, readonly=True) as store:
        c = store.conn
        assert {r[0] for r in c.execute("SELECT entity FROM mentions WHERE name = 'GAO'")} == office
        reasons = {r[0] for r in c.execute("SELECT reason FROM merges WHERE entity IN (?)", tuple(office))}
    assert any(r.startswith("acronym of") for r in reasons), reasons
    assert _entity_tables(db) == cut


def test_a_users_merge_of_a_states_name_holds_when_documents_are_added(tmp_path, monkeypatch):
    """The user's merge of a state's name ("Cuba") with a person's: rule 8 joins them when documents naming the
    person but not the state are added, so the cut keeps the state's entity (its form is met by the merged name, not
    only by its state) and the tables are those of every entity."""
    from newsgraph.run import build
    from newsgraph.store.sqlite import open_store

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Cuba and Venezuela signed a trade deal in Havana on Friday.", encoding="utf-8")
    (corpus / "b.txt").write_text("Chancellor Gordon Brown spoke to the Treasury about the budget in London.",
                                  encoding="utf-8")
    db = tmp_path / "kb.db"
    build([str(corpus)], str(db))
    with open_store(db, readonly=True) as store:
        resolved = {r[0] for r in store.conn.execute("SELECT id FROM documents")}
    added = _add_owing(corpus, db, "c.txt", "Gordon Brown visited Paris on Monday.", resolved, monkeypatch)

    def merged(store):
        store.conn.execute("INSERT INTO overrides(action, a, b) VALUES ('merge', 'Cuba', 'Gordon Brown')")

    cut, every = _resolve_added_both_ways(db, tmp_path, added, merged)
    with open_store(db, readonly=True) as store:
        ids = dict(store.conn.execute("SELECT id, doc FROM mentions WHERE name IN ('Cuba', 'Gordon Brown')"))
    entity = dict(every["mentions"])
    assert len(set(ids.values())) == 3 and len({entity[i] for i in ids}) == 1  # the user's word holds
    assert cut == every


def test_added_mentions_stream_from_the_store_into_the_columns(tmp_path, seeds_dir, monkeypatch):
    """A build adds up to a fifth of its corpus by `resolve_added` (20,000 documents at 100,000): their mention rows
    go from the cursor straight into `_Mentions`' columns, never a list of rows (a list was 246 MB of the step's
    peak adding 6,000 documents to 30,000; streamed 96 MB), and the cut reads only their distinct names."""
    import sqlite3

    from newsgraph.resolve import entities
    from newsgraph.run import build
    from newsgraph.store.sqlite import open_store

    db = tmp_path / "kb.db"
    build([str(seeds_dir)], str(db))
    with open_store(db, readonly=True) as store:
        docs = {r[0] for r in store.conn.execute("SELECT id FROM documents ORDER BY id LIMIT 2")}
        added = store.conn.execute(
            f"SELECT COUNT(*) FROM mentions WHERE doc IN ({','.join('?' * len(docs))})", sorted(docs)).fetchone()[0]
    given = []
    real_extend = entities._Mentions.extend

    def extend(self, rows):
        given.append(type(rows))
        return real_extend(self, rows)

    monkeypatch.setattr(entities._Mentions, "extend", extend)
    seen = []
    real_reachable = entities._reachable
    monkeypatch.setattr(entities, "_reachable", lambda forms, names, overrides: (
        seen.append(names), real_reachable(forms, names, overrides))[1])
    with open_store(db) as store, store.transaction():
        entities.resolve_added(store, docs)
        assert store.conn.execute(
            f"SELECT COUNT(*) FROM mentions WHERE entity IS NOT NULL AND doc IN ({','.join('?' * len(docs))})",
            sorted(docs)).fetchone()[0] == added
    assert given[-1] is sqlite3.Cursor  # the added rows, after the seeds (a generator)
    assert len(seen) == 1 and isinstance(seen[0], set) and all(len(n) == 4 for n in seen[0])
