"""Builds: incremental re-runs, changed files, interruption and resume, parallel workers."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsgraph.run import build
from newsgraph.store.sqlite import open_store


def _export(db) -> dict:
    from newsgraph.outputs.export import export_json

    with open_store(db, readonly=True) as store:
        return export_json(store.conn)


def _stored(path, db) -> str:
    """The name a build stores the input at `path` under (``ingest.stored_path``: relative to the database's folder)."""
    from newsgraph.ingest import stored_path

    return stored_path(str(path), str(Path(db).resolve().parent))


def _facts(db) -> dict:
    """The export with insertion-order row ids replaced by stable ones (see conftest.comparable)."""
    from conftest import comparable

    return comparable(_export(db))


def test_second_build_does_no_work_and_a_changed_file_is_reprocessed(seeds_dir, tmp_path, copy_of):
    corpus = copy_of(seeds_dir)
    db = tmp_path / "kb.db"
    first = build([str(corpus)], str(db))
    assert first.processed == 5 and first.resolved
    second = build([str(corpus)], str(db))
    assert second.processed == 0 and second.unchanged == 5
    assert not second.resolved  # nothing changed: not even the corpus-level work reruns
    target = corpus / "004_854adcb34249846f.txt"
    old_id = None
    with open_store(db, readonly=True) as store:
        old_id = store.conn.execute("SELECT doc FROM sources WHERE path = ?", (_stored(target, db),)).fetchone()[0]
    target.write_text(target.read_text(encoding="utf-8") + "\nRussia denied the report on Saturday.\n", encoding="utf-8")
    third = build([str(corpus)], str(db))
    assert third.processed == 1 and third.unchanged == 4 and third.resolved
    with open_store(db, readonly=True) as store:
        ids = [r[0] for r in store.conn.execute("SELECT id FROM documents")]
        assert len(ids) == 5 and old_id not in ids  # the old version is gone, not kept beside the new one
        text = store.conn.execute("SELECT text FROM documents d JOIN sources s ON s.doc = d.id WHERE s.path = ?", (_stored(target, db),)).fetchone()[0]
        assert text.endswith("Russia denied the report on Saturday.\n")


def test_parallel_build_equals_serial_build(seeds_dir, tmp_path):
    serial, parallel = tmp_path / "serial.db", tmp_path / "parallel.db"
    build([str(seeds_dir)], str(serial), jobs=1)
    build([str(seeds_dir)], str(parallel), jobs=2)
    assert _export(serial) == _export(parallel)


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["kill", "ctrl-c"])
def test_interrupted_build_resumes_to_the_same_result(shared_corpus, tmp_path, sig, newsgraph_command):
    """Stop a build mid-way (SIGKILL: no chance to clean up; SIGINT: Ctrl-C); the re-run ends with the export of an uninterrupted build."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    total = 80  # enough that the build is still running when the signal lands, on a fast machine too
    for p in sorted((shared_corpus / "bbc" / "politics").glob("*.txt"))[:total]:
        shutil.copy(p, corpus / p.name)
    killed_db, clean_db = tmp_path / "killed.db", tmp_path / "clean.db"
    from conftest import interrupt_mid_build

    cmd = newsgraph_command("build", str(corpus), "--db", str(killed_db), "--quiet")
    partial = interrupt_mid_build(cmd, killed_db, sig, total)
    resumed = build([str(corpus)], str(killed_db))
    assert resumed.processed == total - partial
    build([str(corpus)], str(clean_db))
    assert _export(killed_db) == _export(clean_db)


def test_migrations_are_recorded(tmp_path):
    from newsgraph.store.sqlite import migrations

    with open_store(tmp_path / "kb.db") as store:
        assert store.applied_migrations() == [name for name, _ in migrations()]
        assert store.applied_migrations()[0] == "0001_initial"
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_migration_applied_by_another_build_while_this_one_waited_is_skipped(tmp_path, monkeypatch):
    """Two builds opening a new database both see it unmigrated; the one that gets the write lock second
    must find the migrations done instead of failing on "table already exists"."""
    from newsgraph.store.sqlite import Store, migrations

    db = tmp_path / "race.db"
    Store(db).conn.close()  # the other build got there first
    monkeypatch.setattr(Store, "applied_migrations", lambda self: [])  # this build's stale view, read before waiting
    store = Store(db)
    try:
        assert store.migrate() == []
        names = [r[0] for r in store.conn.execute("SELECT name FROM _migrations ORDER BY name")]
        assert names == [name for name, _ in migrations()]
    finally:
        store.conn.close()


def test_not_a_database_is_a_clear_error(tmp_path):
    from click.testing import CliRunner

    from newsgraph.cli import main

    bogus = tmp_path / "bogus.db"
    bogus.write_text("this is not sqlite", encoding="utf-8")
    result = CliRunner().invoke(main, ["entities", "--db", str(bogus)])
    assert result.exit_code == 4
    assert "Traceback" not in result.output
    missing = CliRunner().invoke(main, ["entities", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 4 and "run `newsgraph build` first" in missing.output


def _unlinked(db) -> tuple[int, int]:
    with open_store(db, readonly=True) as store:
        row = store.conn.execute("SELECT count(*), sum(entity IS NULL) FROM mentions").fetchone()
    return row[0], row[1] or 0


def test_metadata_only_rebuild_keeps_every_entity_link(seeds_dir, tmp_path, copy_of):
    """Issue 16 A: a rebuild that only adds an outlet rewrites the documents, so the corpus step must run again."""
    corpus = copy_of(seeds_dir)
    db, fresh = tmp_path / "m.db", tmp_path / "fresh.db"
    build([str(corpus)], str(db))
    again = build([str(corpus)], str(db), outlet="Outlet X")
    assert again.processed == 5 and again.resolved
    total, unlinked = _unlinked(db)
    assert total > 300 and unlinked == 0
    assert build([str(corpus)], str(db), outlet="Outlet X").processed == 0
    build([str(corpus)], str(fresh), outlet="Outlet X")
    exported, expected = _facts(db), _facts(fresh)
    assert exported == expected
    assert sum(1 for e in exported["events"] if e["subject"]) > 100
    assert sum(1 for q in exported["quotes"] if q["speaker"]) > 20


def test_manifest_row_for_a_built_file_keeps_links(seeds_dir, tmp_path, copy_of):
    corpus = copy_of(seeds_dir)
    db = tmp_path / "m.db"
    build([str(corpus)], str(db))
    manifest = tmp_path / "manifest.csv"
    target = sorted(corpus.iterdir())[0]
    manifest.write_text(f"path,outlet,published\n{target},The Observer,2019-02-20\n", encoding="utf-8")
    report = build([str(corpus)], str(db), manifest=str(manifest))
    assert report.processed == 1 and report.resolved
    assert _unlinked(db)[1] == 0
    with open_store(db, readonly=True) as store:
        assert store.conn.execute("SELECT outlet FROM documents WHERE path = ?", (_stored(target, db),)).fetchone()[0] == "The Observer"


def test_a_corpus_step_that_did_not_finish_is_redone(seeds_dir, tmp_path, copy_of, monkeypatch):
    """A build killed inside the corpus step leaves it owed; the next build, with nothing new to parse, does it."""
    from newsgraph import run

    corpus = copy_of(seeds_dir)
    db = tmp_path / "m.db"

    def dies(store):
        raise KeyboardInterrupt

    monkeypatch.setattr(run, "corpus_steps", lambda: [dies])
    with pytest.raises(KeyboardInterrupt):
        build([str(corpus)], str(db))
    monkeypatch.undo()
    assert _unlinked(db)[1] > 0  # the interrupted step's transaction was rolled back whole
    report = build([str(corpus)], str(db))
    assert report.processed == 0 and report.resolved and _unlinked(db)[1] == 0


def test_a_second_build_waits_for_the_first(examples_dir, tmp_path):
    """Issue 16 B: builds on one database are serialized by the writer lock, never interleaved."""
    import threading

    db = tmp_path / "kb.db"
    holder = open_store(db)
    cmd = [sys.executable, "-m", "newsgraph", "build", str(examples_dir / "articles"), "--db", str(db)]
    lines: list[str] = []
    with holder.writer_lock():
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        reader = threading.Thread(target=lambda: lines.extend(proc.stderr), daemon=True)
        reader.start()
        deadline = time.time() + 300
        while time.time() < deadline and proc.poll() is None and not any("waiting" in line for line in lines):
            time.sleep(0.5)
        assert any("waiting" in line for line in lines) and proc.poll() is None, lines
        with open_store(db, readonly=True) as store:
            assert store.conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 0
    holder.close()
    proc.wait(timeout=600)
    reader.join(timeout=10)
    assert proc.returncode == 0, lines
    with open_store(db, readonly=True) as store:
        assert store.conn.execute("SELECT count(*) FROM documents").fetchone()[0] > 0


@pytest.mark.slow
def test_two_concurrent_builds_equal_a_sequential_build(examples_dir, tmp_path):
    db, sequential = tmp_path / "both.db", tmp_path / "one.db"
    cmd = [sys.executable, "-m", "newsgraph", "build", str(examples_dir / "articles"), "--db"]
    procs = [subprocess.Popen(cmd + [str(db)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [p.communicate(timeout=900) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    build([str(examples_dir / "articles")], str(sequential))
    assert _facts(db) == _facts(sequential)
    assert _unlinked(db)[1] == 0


def test_deleted_files_are_forgotten_and_forget_drops_inputs(seeds_dir, tmp_path, copy_of):
    corpus = copy_of(seeds_dir)
    db = tmp_path / "kb.db"
    build([str(corpus)], str(db))
    gone = sorted(corpus.iterdir())[0]
    gone.unlink()
    report = build([str(corpus)], str(db))
    assert report.removed == [_stored(gone, db)] == [f"seeds/{gone.name}"] and report.resolved
    with open_store(db, readonly=True) as store:
        assert store.conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 4
        assert store.conn.execute("SELECT count(*) FROM sources WHERE path = ?", (_stored(gone, db),)).fetchone()[0] == 0
    kept = build([str(corpus)], str(db), options=None)
    assert kept.removed == [] and kept.processed == 0
    from newsgraph.run import forget

    victim = sorted(corpus.iterdir())[0]
    assert forget([str(victim)], str(db)) == [_stored(victim, db)]
    with open_store(db, readonly=True) as store:
        assert store.conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 3
        assert store.conn.execute("SELECT count(*) FROM mentions WHERE entity IS NULL").fetchone()[0] == 0
        names = {r[0] for r in store.conn.execute("SELECT path FROM documents")}
    assert _stored(victim, db) not in names
    assert forget([str(corpus)], str(db)) and _export(db)["documents"] == []


def test_a_renamed_file_keeps_its_document_and_a_copy_beside_it_is_still_skipped(seeds_dir, tmp_path, copy_of):
    """A file renamed between builds is its document's input now, not a copy of the gone file: its text stays in
    the store under the new name, and the next build does no work. A copy beside a file that is still there is
    still skipped as a duplicate."""
    corpus = copy_of(seeds_dir)
    db = tmp_path / "kb.db"
    build([str(corpus)], str(db))
    old = corpus / "004_854adcb34249846f.txt"
    new = corpus / "renamed.txt"
    old.rename(new)
    moved = build([str(corpus)], str(db))
    assert moved.removed == [_stored(old, db)] and not moved.skipped
    assert moved.processed == 1  # analysed again: its path is part of what the document holds
    with open_store(db, readonly=True) as store:
        assert store.conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 5
        doc = store.conn.execute("SELECT doc FROM sources WHERE path = ?", (_stored(new, db),)).fetchone()[0]
        assert store.document_path(doc) == _stored(new, db)
        assert store.conn.execute("SELECT count(*) FROM mentions WHERE doc = ?", (doc,)).fetchone()[0] > 0
    again = build([str(corpus)], str(db))
    assert (again.processed, again.unchanged, again.removed) == (0, 5, [])
    shutil.copy(new, corpus / "zz-copy.txt")
    copied = build([str(corpus)], str(db))
    assert [(s.path, s.code) for s in copied.skipped] == [(_stored(corpus / "zz-copy.txt", db), "duplicate")]
    assert copied.processed == 0


def test_records_shifted_by_a_deleted_one_keep_their_texts(tmp_path):
    """A record is named by its place in its file ("f.jsonl#2"): deleting the first record shifts the others, whose
    texts the store already holds under the old names. They are the records' texts now, not copies: the deleted
    record's text goes, the others stay."""
    texts = ["Angela Merkel met leaders in Berlin on Monday to discuss the budget of the European Union.",
             "Rain fell in Paris on Tuesday and the river Seine rose above its banks near the Louvre.",
             "The mayor of Lisbon opened a new bridge across the Tagus river on Wednesday morning."]
    folder = tmp_path / "in"
    folder.mkdir()
    records = folder / "f.jsonl"
    records.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
    db = str(tmp_path / "kb.db")
    assert build([str(folder)], db).processed == 3
    records.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts[1:]), encoding="utf-8")
    report = build([str(folder)], db)
    assert not report.skipped and report.removed == ["in/f.jsonl#3"]
    with open_store(db, readonly=True) as store:
        stored = dict(store.conn.execute("SELECT s.path, d.text FROM sources s JOIN documents d ON d.id = s.doc").fetchall())
    assert stored == {"in/f.jsonl#1": texts[1], "in/f.jsonl#2": texts[2]}


def test_batches_returned_out_of_order_are_stored_in_input_order(seeds_dir, tmp_path, monkeypatch):
    """The single writer puts an executor's batches back in input order: the export is the serial one."""
    import random

    from newsgraph import executors, pipeline, run

    class Shuffled(executors.SerialExecutor):
        def map(self, batches, options):
            done = [(seq, pipeline.analyze_batch(b, options)) for seq, b in enumerate(batches)]
            random.Random(7).shuffle(done)
            return iter(done)

    serial, shuffled = tmp_path / "serial.db", tmp_path / "shuffled.db"
    monkeypatch.setattr(pipeline, "BATCH", 1)
    monkeypatch.setattr(run, "BATCH", 1)
    build([str(seeds_dir)], str(serial))
    monkeypatch.setattr(run, "make_executor", lambda spec, jobs: Shuffled())
    build([str(seeds_dir)], str(shuffled))
    assert _export(serial) == _export(shuffled)


def test_a_build_resolves_only_added_documents_when_it_may_and_everything_otherwise(seeds_dir, tmp_path, monkeypatch):
    """The corpus step resolves added documents alone (resolve.entities.resolve_added) only when nothing was
    removed or replaced, no override changed, the store is big enough and has not grown too much since the
    last full step; every other time it resolves every document."""
    import shutil

    from newsgraph import run
    from newsgraph.resolve import entities
    from newsgraph.run import build
    from newsgraph.store.sqlite import open_store

    calls: list[str] = []
    real_added, real_full = entities.resolve_added, entities.resolve
    monkeypatch.setattr(entities, "resolve_added", lambda store, docs: (calls.append(f"added {len(docs)}"), real_added(store, docs)))
    monkeypatch.setattr(entities, "resolve", lambda store: (calls.append("full"), real_full(store)))
    monkeypatch.setattr(run, "INCREMENTAL_FROM", 3)
    monkeypatch.setattr(run, "INCREMENTAL_GROWTH", 0.5)
    files = sorted(seeds_dir.glob("*.txt"))
    corpus, db = tmp_path / "seeds", tmp_path / "kb.db"
    corpus.mkdir()

    def add(*fs):
        for f in fs:
            shutil.copy(f, corpus / f.name)
        build([str(corpus)], str(db))

    add(files[0], files[1])
    add(files[2])  # 2 documents at the last full step: under INCREMENTAL_FROM
    add(files[3])  # 3 at the last full step, 4 now: grown by a third
    assert calls == ["full", "full", "added 1"]
    add(files[4])  # 5 now: grown by two thirds since the last full step
    assert calls[-1] == "full"
    with open_store(db) as store:
        assert store.corpus_delta() == (set(), 5, 5)
    (corpus / files[4].name).write_text(files[4].read_text(encoding="utf-8") + "\nA line added later.\n", encoding="utf-8")
    build([str(corpus)], str(db))  # a replaced document leaves rows only a full step clears
    assert calls[-1] == "full"
    with open_store(db) as store:
        store.add_override("split", "Maduro", None)
        assert store.corpus_delta() is None  # a changed override
        run.resolve_corpus(store)
        store.conn.execute("DELETE FROM documents WHERE id = (SELECT MIN(id) FROM documents)")
        assert store.corpus_delta() is None  # a deletion, whatever code made it (the trigger)
    assert calls[-1] == "full" and calls.count("full") == 5


def test_a_folder_of_the_same_name_built_from_elsewhere_forgets_nothing(examples_dir, tmp_path, monkeypatch):
    """Stored names are relative to the database, not to the working directory: building B/articles from B used to
    read the stored "articles/..." of A/articles as B's, deleted, and forgot A's documents."""
    a, b = tmp_path / "A" / "articles", tmp_path / "B" / "articles"
    a.mkdir(parents=True)
    b.mkdir(parents=True)
    texts = sorted(examples_dir.glob("articles/*.txt"))
    for src in texts[:2]:
        shutil.copy(src, a / src.name)
    shutil.copy(texts[2], b / texts[2].name)
    db = tmp_path / "db" / "kb.db"
    db.parent.mkdir()
    monkeypatch.chdir(tmp_path / "A")
    assert build(["articles"], str(db)).processed == 2
    monkeypatch.chdir(tmp_path / "B")
    report = build(["articles"], str(db))
    assert report.processed == 1 and report.removed == []
    with open_store(db, readonly=True) as store:
        paths = sorted(r[0] for r in store.conn.execute("SELECT path FROM sources"))
    assert paths == sorted([str(a / texts[0].name), str(a / texts[1].name), str(b / texts[2].name)])
    # the same folder named from anywhere is the same input: nothing to do
    monkeypatch.chdir(tmp_path)
    again = build(["A/articles"], str(db))
    assert (again.processed, again.unchanged, again.removed) == (0, 2, [])
    # inside the database's folder the names are relative to it, whatever the working directory
    inside = tmp_path / "db" / "corpus"
    shutil.copytree(a, inside)
    monkeypatch.chdir(inside)
    report = build(["."], str(db))
    assert (report.processed, len(report.skipped)) == (0, 2)  # copies of A's texts
    (inside / texts[0].name).unlink()
    monkeypatch.chdir(tmp_path)
    report = build([str(inside)], str(db))
    assert report.removed == [f"corpus/{texts[0].name}"]
    with open_store(db, readonly=True) as store:
        assert store.conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 3


def test_a_store_made_with_paths_relative_to_its_build_adopts_stored_names_once(examples_dir, tmp_path, monkeypatch):
    """Stores written before: their relative names, if they name the same files from this directory, are renamed
    and nothing is analysed again; names that do not are left alone."""
    corpus = tmp_path / "work" / "articles"
    shutil.copytree(examples_dir / "articles", corpus)
    db = tmp_path / "kb" / "kb.db"
    db.parent.mkdir()
    first = build([str(corpus)], str(db))  # the text files, the page and the records of the JSON lines file
    assert first.processed > 6 and not first.skipped
    with open_store(db) as store, store.transaction():  # as an older newsgraph stored them, built from tmp/work
        for (path,) in store.conn.execute("SELECT path FROM sources").fetchall():
            old = "articles/" + Path(path).name
            store.conn.execute("UPDATE sources SET path = ? WHERE path = ?", (old, path))
            store.conn.execute("UPDATE documents SET path = ? WHERE path = ?", (old, path))
        store.conn.execute("INSERT INTO sources(path, doc, size, mtime_ns) SELECT 'elsewhere/x.txt', doc, 1, 1 FROM sources LIMIT 1")
        store.conn.execute("DELETE FROM meta WHERE key = 'stored_paths'")
    monkeypatch.chdir(tmp_path / "work")
    report = build(["articles"], str(db))
    assert (report.processed, report.unchanged, report.skipped, report.removed) == (0, first.processed, [], [])
    with open_store(db, readonly=True) as store:
        paths = sorted(r[0] for r in store.conn.execute("SELECT path FROM sources"))
        docs = sorted(r[0] for r in store.conn.execute("SELECT path FROM documents"))
    assert paths[-1] == "elsewhere/x.txt" and len(paths) == first.processed + 1
    assert all(p.startswith(str(corpus) + "/") for p in paths[:-1]) and docs == paths[:-1]
    assert {p.split("#")[0] for p in docs} == {str(p) for p in corpus.iterdir()}


def _two_articles(folder: Path, examples_dir: Path) -> list[Path]:
    folder.mkdir(parents=True)
    out = []
    for src in sorted(examples_dir.glob("articles/*.txt"))[:2]:
        out.append(folder / src.name)
        shutil.copy(src, out[-1])
    return out


def _as_an_earlier_newsgraph_stored(db, rename) -> None:
    """Rewrite a store's input names as an earlier newsgraph kept them (as given), before it knew stored names."""
    with open_store(db) as store, store.transaction():
        for (path,) in store.conn.execute("SELECT path FROM sources").fetchall():
            store.conn.execute("UPDATE sources SET path = ? WHERE path = ?", (rename(path), path))
            store.conn.execute("UPDATE documents SET path = ? WHERE path = ?", (rename(path), path))
        store.conn.execute("DELETE FROM meta WHERE key IN ('stored_paths', 'legacy_paths')")


def test_forget_dot_from_another_folder_forgets_nothing(examples_dir, tmp_path, monkeypatch):
    from newsgraph.run import forget

    _two_articles(tmp_path / "kb" / "articles", examples_dir)
    db = tmp_path / "kb" / "news.db"
    assert build([str(tmp_path / "kb" / "articles")], str(db)).processed == 2
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    assert forget(["."], str(db)) == []  # this folder holds none of them
    (tmp_path / "elsewhere" / "articles").mkdir()
    assert forget(["articles"], str(db)) == []  # a folder of that name here is another folder
    (tmp_path / "elsewhere" / "articles").rmdir()
    # no such path here: the name as the store lists it (relative to the database)
    assert sorted(forget(["articles"], str(db))) == sorted(f"articles/{p.name}" for p in (tmp_path / "kb" / "articles").iterdir())


def test_an_earlier_store_with_absolute_names_adopts_them_and_does_no_work(examples_dir, tmp_path):
    files = _two_articles(tmp_path / "kb" / "articles", examples_dir)
    db = tmp_path / "kb" / "news.db"
    assert build([str(tmp_path / "kb" / "articles")], str(db)).processed == 2
    _as_an_earlier_newsgraph_stored(db, lambda p: str(tmp_path / "kb" / p))  # it kept the absolute path given
    again = build([str(tmp_path / "kb" / "articles")], str(db))
    assert (again.processed, again.unchanged, again.skipped, again.removed) == (0, 2, [], [])
    files[0].unlink()
    gone = build([str(tmp_path / "kb" / "articles")], str(db))
    assert gone.removed == [f"articles/{files[0].name}"]


def test_names_an_earlier_store_kept_relative_to_another_folder_are_kept_until_they_can_be_placed(
        examples_dir, tmp_path, monkeypatch):
    """Built from /w as "articles/…" by an earlier newsgraph, with the database in /kb: a build of the database's
    own folder, or of URLs alone, cannot tell where those files are and must not forget them; a build from /w can."""
    files = _two_articles(tmp_path / "w" / "articles", examples_dir)
    db = tmp_path / "kb" / "news.db"
    db.parent.mkdir()
    monkeypatch.chdir(tmp_path / "w")
    assert build(["articles"], str(db)).processed == 2
    _as_an_earlier_newsgraph_stored(db, lambda p: os.path.relpath(p, tmp_path / "w"))
    monkeypatch.chdir(tmp_path / "kb")
    (tmp_path / "kb" / "note.txt").write_text(files[0].read_text(encoding="utf-8").replace("Moscow", "Minsk"), encoding="utf-8")
    here = build(["."], str(db))
    assert here.removed == [] and here.processed == 1
    with open_store(db, readonly=True) as store:
        assert store.conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 3
    monkeypatch.chdir(tmp_path / "w")
    there = build(["articles"], str(db))
    assert (there.processed, there.unchanged, there.skipped, there.removed) == (0, 2, [], [])
    with open_store(db, readonly=True) as store:
        paths = sorted(r[0] for r in store.conn.execute("SELECT path FROM sources"))
    assert paths == sorted([str(f) for f in files] + ["note.txt"])


def test_a_folder_holding_the_database_forgets_its_deleted_files_and_links_change_no_name(examples_dir, tmp_path):
    """Rebuilding a folder that holds the database's folder reaches the files stored relative to it; a database
    reached through a linked folder stores the same names."""
    root = tmp_path / "root"
    files = _two_articles(root / "kb" / "articles", examples_dir)
    db = root / "kb" / "news.db"
    assert build([str(root)], str(db)).processed == 2
    files[0].unlink()
    assert build([str(root)], str(db)).removed == [f"articles/{files[0].name}"]
    (tmp_path / "link").symlink_to(root / "kb")
    again = build([str(root / "kb" / "articles")], str(tmp_path / "link" / "news.db"))
    assert (again.processed, again.unchanged, again.skipped) == (0, 1, [])
