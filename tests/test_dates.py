"""Publication dates borrowed from related documents only with real support (resolve/dates.py, issue 9)."""

from __future__ import annotations

import datetime as dt

from newsgraph.resolve.dates import MIN_DOCUMENTS, borrow

EVENT = ("SANCTION", "united-states", "venezuela")


def test_three_agreeing_documents_that_share_an_event_lend_their_date():
    published = {"a": "2019-02-20", "b": "2019-02-22", "c": "2019-02-25", "d": "2019-02-21"}
    events = {"x": {EVENT}, "a": {EVENT}, "b": {EVENT}, "c": {EVENT}, "d": {("MEET", "russia", "china")}}
    found = borrow(["x"], published, events, {"x": None})["x"]
    assert (found.date, found.documents, found.agreeing, found.confidence) == ("2019-02-22", 3, 3, 1.0)
    assert found.note().startswith("publication date inferred from related documents (3 of 3")


def test_shared_actors_without_a_shared_event_lend_nothing():
    published = {"a": "2002-06-01", "b": "2002-06-01", "c": "2002-06-01"}
    events = {"x": {("MEET", "tony-blair", "labour")}, "a": {("SUPPORT", "tony-blair", "labour")},
              "b": {("ACCUSE", "labour", "tony-blair")}, "c": set()}
    assert borrow(["x"], published, events, {"x": None}) == {"x": None}


def test_documents_that_disagree_lend_nothing():
    published = {"a": "1991-07-01", "b": "2002-06-01", "c": "2002-10-01", "d": "2004-11-20"}
    events = {k: {EVENT} for k in ("x", "a", "b", "c", "d")}
    assert borrow(["x"], published, events, {"x": None}) == {"x": None}


def test_too_few_documents_lend_nothing():
    published = {"a": "2019-02-20", "b": "2019-02-22"}
    events = {k: {EVENT} for k in ("x", "a", "b")}
    assert MIN_DOCUMENTS == 3 and borrow(["x"], published, events, {"x": None}) == {"x": None}


def test_a_borrowed_date_is_never_before_what_the_text_names():
    published = {"a": "2019-02-20", "b": "2019-02-22", "c": "2019-02-25"}
    events = {k: {EVENT} for k in ("x", "a", "b", "c")}
    assert borrow(["x"], published, events, {"x": "2019-02-27"})["x"].date == "2019-02-27"


def test_undated_documents_keep_their_relative_times_unresolved(tmp_path):
    """An undated document's "on Monday" has no value, and no later step gives it one from a borrowed date."""
    from newsgraph.run import build
    from newsgraph.store.sqlite import open_store

    (tmp_path / "a.txt").write_text("The mayor resigned on Monday after the vote.\n", encoding="utf-8")
    build([str(tmp_path / "a.txt")], str(tmp_path / "kb.db"))
    with open_store(tmp_path / "kb.db", readonly=True) as store:
        doc = store.conn.execute("SELECT published, notes FROM documents").fetchone()
        times = store.conn.execute("SELECT text, value, anchor, type, timex FROM times").fetchall()
    assert doc["published"] is None and "publication date unknown" in doc["notes"]
    assert [tuple(t) for t in times] == [("Monday", None, None, "DATE", "XXXX-WXX-1")]


def test_borrowing_through_the_signature_index_equals_comparing_every_pair():
    """The index of who holds each event signature must find exactly the documents a pairwise scan finds."""
    import random
    import statistics

    from newsgraph.resolve.dates import AGREE_DAYS, MIN_DOCUMENTS, borrow

    rng = random.Random(7)
    kinds = [("FINANCE", f"e{i}", f"e{j}") for i in range(6) for j in range(6) if i != j]
    docs = [f"d{i}" for i in range(300)]
    events = {d: set(rng.sample(kinds, rng.randint(0, 3))) for d in docs}
    published = {d: f"2019-{rng.choice([2, 2, 2, 2, 5]):02d}-{rng.randint(1, 28):02d}" for d in docs[:200]}
    undated = docs[200:]
    found = borrow(undated, published, events, {})
    assert sum(1 for r in found.values() if r) > 10  # the sample exercises borrowing, not only refusals
    for doc in undated:
        dates = sorted(published[o] for o in published if events[doc] & events[o])
        if len(dates) < MIN_DOCUMENTS:
            assert found[doc] is None
            continue
        ordinals = [dt.date.fromisoformat(d).toordinal() for d in dates]
        middle = int(statistics.median(ordinals))
        agreeing = [o for o in ordinals if abs(o - middle) <= AGREE_DAYS]
        if len(agreeing) < MIN_DOCUMENTS or len(agreeing) * 3 < len(dates) * 2:
            assert found[doc] is None
        else:
            assert (found[doc].date, found[doc].documents, found[doc].agreeing) == (
                dt.date.fromordinal(middle).isoformat(), len(dates), len(agreeing))


def test_kept_signatures_version_changes_with_the_signatures():
    """After added documents the date step compares with the signatures it kept (meta 'date_signatures' ==
    SIGNATURES): a change to event_signatures, event_sides or GENERIC_EVENTS must come with a new SIGNATURES, and
    then a new pin here, or signatures made two ways would be compared."""
    import hashlib
    import inspect

    from newsgraph.resolve import dates
    from newsgraph.store import dates as store_dates

    source = inspect.getsource(dates.event_signatures) + inspect.getsource(store_dates.event_sides) + repr(
        sorted(dates.GENERIC_EVENTS))
    assert (dates.SIGNATURES, hashlib.sha256(source.encode()).hexdigest()[:16]) == ("3", "121b90e4c040289f")


def test_a_text_and_its_copies_are_one_report_dated_by_the_earliest():
    """Three outlets running one wire story are one witness: with a fourth document they make two reports, too few;
    with two more independent ones the copies count once, at the earliest copy's date."""
    published = {"w1": "2019-02-25", "w2": "2019-02-20", "w3": "2019-02-27", "a": "2019-02-22"}
    groups = {"w1": "w1", "w2": "w1", "w3": "w1"}
    events = {k: {EVENT} for k in ("x", *published)}
    assert borrow(["x"], published, events, {"x": None}, groups) == {"x": None}
    assert borrow(["x"], published, events, {"x": None})["x"].documents == 4  # without the groups: four documents
    found = borrow(["x"], {**published, "b": "2019-02-24"}, {**events, "b": {EVENT}}, {"x": None}, groups)["x"]
    assert (found.date, found.documents, found.agreeing) == ("2019-02-22", 3, 3)  # 02-20 (w2), 02-22, 02-24


def test_a_digest_that_holds_stories_whole_does_not_make_them_one_report():
    """Pairs kept because one text lies inside the other (similarity under the copies' Jaccard bar) group nothing
    for dates; near-copies and a page's versions do."""
    from newsgraph.resolve.dates import report_groups

    digest = [("a", "d", 0.31), ("b", "d", 0.29), ("c", "d", 0.31)]
    assert report_groups(digest, {}) == {}
    assert report_groups(digest + [("a", "e", 0.72), ("e", "f", 0.5)], {"http://x/p": [(1, "g"), (2, "h")]}) == {
        "a": "a", "e": "a", "f": "a", "g": "g", "h": "g"}


def test_borrowing_rule_version_changes_with_the_rule():
    """A store keeps the version of the rule its borrowed dates were made by (meta 'dates_rule' == RULE) and an
    added document runs the whole date step when it differs: a change to `borrow` or to what makes one report must
    come with a new RULE, and then a new pin here, or dates borrowed two ways would stand side by side."""
    import hashlib
    import inspect

    from newsgraph.resolve import copies, dates

    source = inspect.getsource(dates.borrow) + inspect.getsource(dates.report_groups) + repr(copies.JACCARD)
    assert (dates.RULE, hashlib.sha256(source.encode()).hexdigest()[:16]) == ("2", "bd6009cb2a67de31")


def test_event_signatures_read_event_by_event_are_those_of_every_event_held(seeds_conn):
    """The signatures are made one event at a time as the sides come (in event order); the same as holding every
    event's sides first and making them after."""
    from newsgraph.resolve import dates
    from newsgraph.store import dates as store_dates

    class Store:
        conn = seeds_conn

    rows = list(store_dates.event_sides(Store()))
    sides: dict[int, dict[str, str]] = {}
    docs: dict[int, tuple[str, str]] = {}
    for event, doc, kind, role, entity in rows:
        if kind in dates.GENERIC_EVENTS:
            continue
        docs[event] = (doc, kind)
        side = "subject" if role == "subject" else ("other" if role in {"object", "recipient", "destination"} else None)
        if side:
            sides.setdefault(event, {}).setdefault(side, entity)
    held: dict[str, set[tuple]] = {}
    for event, found in sides.items():
        if "subject" in found and "other" in found and found["subject"] != found["other"]:
            held.setdefault(docs[event][0], set()).add((docs[event][1], found["subject"], found["other"]))
    assert held and dates.event_signatures(iter(rows)) == held


def test_a_full_run_dates_the_undated_documents_a_batch_at_a_time_as_all_at_once(tmp_path, monkeypatch):
    """A full run reads the event signatures in runs of whole events (`EVENTS`) and dates the undated documents
    `BATCH` at a time (it holds a batch's signatures and the dated documents sharing them, not every document's):
    with batches of one document and runs of one event, every date, note and signature is what one batch of all
    gives."""
    import json
    import shutil

    from conftest import copy_db

    from newsgraph.resolve import dates
    from newsgraph.run import build
    from newsgraph.store.sqlite import open_store

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    articles = [("D1", "2019-03-01", "Russia lent Venezuela $17 billion. Officials in Caracas welcomed the money."),
                ("D2", "2019-03-02", "Russia lent Venezuela a large sum. The loan will pay for food and fuel."),
                ("D3", "2019-03-04", "Russia lent Venezuela another loan. Bankers in Moscow were worried."),
                ("U1", None, "Russia lent Venezuela more money. Critics in Congress asked who would pay it back."),
                ("U2", None, "The United States sanctioned Venezuela. Russia lent Venezuela help in return."),
                ("U3", None, "Russia lent Venezuela new funds for its army."),
                ("X", None, "Germany sanctioned Iran. The talks in Vienna ended without a deal.")]
    with open(corpus / "news.jsonl", "w", encoding="utf-8") as f:
        for title, published, text in articles:
            f.write(json.dumps({"title": title, "outlet": f"Outlet {title}", "published": published, "text": text}) + "\n")
    build([str(corpus)], str(tmp_path / "kb.db"))

    def run(db, batch, events=50_000):
        calls = []
        real = dates.borrow
        monkeypatch.setattr(dates, "BATCH", batch)
        monkeypatch.setattr(dates, "EVENTS", events)
        runs = []
        real_runs = dates._whole_events
        monkeypatch.setattr(dates, "_whole_events", lambda rows, n: (r for r in real_runs(rows, n) if not runs.append(1)))
        monkeypatch.setattr(dates, "borrow", lambda undated, *a: (calls.append(len(undated)), real(undated, *a))[1])
        with open_store(db) as store:
            with store.transaction():
                dates.resolve(store)
            c = store.conn
            got = ([tuple(r) for r in c.execute("SELECT title, published, published_inferred, notes FROM documents ORDER BY title")],
                   [tuple(r) for r in c.execute("SELECT * FROM date_signatures ORDER BY doc, type, subject, other")])
        monkeypatch.setattr(dates, "borrow", real)
        return got, calls, len(runs)

    whole, calls, runs = run(copy_db(tmp_path / "kb.db", tmp_path / "whole.db"), 5_000)
    assert calls == [4] and runs == 1
    one_by_one, calls, runs = run(copy_db(tmp_path / "kb.db", tmp_path / "each.db"), 1, 1)
    assert calls == [1, 1, 1, 1] and runs >= 7  # an event a run: at least one event in each article
    assert one_by_one == whole
    borrowed = {title: published for title, published, inferred, _ in whole[0] if inferred}
    assert borrowed == {"U1": "2019-03-02", "U2": "2019-03-02", "U3": "2019-03-02"}
    assert len(whole[1]) >= 7  # the loan in all six, the sanctions of U2 and X
