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
        old_id = store.conn.execute("SELECT doc FROM sources WHERE path = ?", (str(target),)).fetchone()[0]
    target.write_text(target.read_text(encoding="utf-8") + "\nRussia denied the report on Saturday.\n", encoding="utf-8")
    third = build([str(corpus)], str(db))
    assert third.processed == 1 and third.unchanged == 4 and third.resolved
    with open_store(db, readonly=True) as store:
        ids = [r[0] for r in store.conn.execute("SELECT id FROM documents")]
        assert len(ids) == 5 and old_id not in ids  # the old version is gone, not kept beside the new one
        text = store.conn.execute("SELECT text FROM documents d JOIN sources s ON s.doc = d.id WHERE s.path = ?", (str(target),)).fetchone()[0]
        assert text.endswith("Russia denied the report on Saturday.\n")


def test_parallel_build_equals_serial_build(seeds_dir, tmp_path):
    serial, parallel = tmp_path / "serial.db", tmp_path / "parallel.db"
    build([str(seeds_dir)], str(serial), jobs=1)
    build([str(seeds_dir)], str(parallel), jobs=2)
    assert _export(serial) == _export(parallel)


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["kill", "ctrl-c"])
def test_interrupted_build_resumes_to_the_same_result(shared_corpus, tmp_path, sig):
    """Stop a build mid-way (SIGKILL: no chance to clean up; SIGINT: Ctrl-C); the re-run ends with the export of an uninterrupted build."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for p in sorted((shared_corpus / "bbc" / "politics").glob("*.txt"))[:40]:
        shutil.copy(p, corpus / p.name)
    killed_db, clean_db = tmp_path / "killed.db", tmp_path / "clean.db"
    cmd = [sys.executable, "-m", "newsgraph", "build", str(corpus), "--db", str(killed_db), "--quiet"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    done = 0
    while time.time() < deadline and proc.poll() is None:
        time.sleep(0.2)
        if killed_db.exists():
            try:
                with open_store(killed_db, readonly=True) as store:
                    done = store.conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
            except Exception:  # the database may be mid-creation
                continue
            if done >= 5:
                break
    os.kill(proc.pid, sig)
    _, err = proc.communicate(timeout=60)
    if sig == signal.SIGINT:
        assert proc.returncode == 130
        assert "Run the same command again to resume" in err and "Traceback" not in err
    assert 5 <= done < 40, f"the build was not caught mid-way ({done} documents)"
    with open_store(killed_db, readonly=True) as store:
        partial = store.conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        orphans = store.conn.execute("SELECT COUNT(*) FROM mentions WHERE doc NOT IN (SELECT id FROM documents)").fetchone()[0]
    assert orphans == 0
    resumed = build([str(corpus)], str(killed_db))
    assert resumed.processed == 40 - partial
    build([str(corpus)], str(clean_db))
    assert _export(killed_db) == _export(clean_db)


def test_migrations_are_recorded(tmp_path):
    from newsgraph.store.sqlite import migrations

    with open_store(tmp_path / "kb.db") as store:
        assert store.applied_migrations() == [name for name, _ in migrations()]
        assert store.applied_migrations()[0] == "0001_initial"
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


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
