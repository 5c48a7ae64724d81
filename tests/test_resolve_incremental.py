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

# The tables the corpus steps after entity resolution write (stories aside), and what they write into documents and events.
CORPUS_TABLES = ("affiliations", "fact_groups", "conflicts", "conflict_values", "copies", "lineage", "lineage_reports",
                 "actor_edges", "event_edges", "entity_event_rank", "event_order", "page_summary", "quote_order")


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


def later_steps_in_full(db: Path) -> None:
    """Run every corpus step after entity resolution over the whole store, as a full corpus step does (stories aside)."""
    from newsgraph.run import corpus_steps
    from newsgraph.store.sqlite import open_store

    with open_store(db) as store, store.transaction():
        for step in corpus_steps():
            if getattr(step, "incremental", None) != "added":  # stories: continued by design, checked elsewhere
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

    files = sorted(seeds_dir.glob("*.txt"))
    corpus, db = tmp_path / "corpus", tmp_path / "kb.db"
    corpus.mkdir()
    for f in files[:3]:
        shutil.copy(f, corpus / f.name)
    build([str(corpus)], str(db))
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
    assert len(tables["fact_groups"]) >= 2 and tables["conflicts"] and tables["entity_event_rank"]
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
