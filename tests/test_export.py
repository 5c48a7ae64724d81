"""The JSON export contract (newsgraph/1), GraphML, and the demo run on the example corpus."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema
import pytest
from click.testing import CliRunner

from newsgraph.cli import main


def _schema():
    return json.loads((resources.files("newsgraph.outputs") / "schema.json").read_text(encoding="utf-8"))


def _export(db, tmp_path):
    out = tmp_path / "export.json"
    result = CliRunner().invoke(main, ["export", "--db", str(db), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text(encoding="utf-8"))


def test_seed_export_validates_and_points_into_its_texts(seeds_db, tmp_path):
    data = _export(seeds_db, tmp_path)
    jsonschema.validate(data, _schema())
    assert data["schema"] == "newsgraph/1"
    texts = {d["id"]: d["text"] for d in data["documents"]}
    assert len(texts) == 5
    entity_ids = {e["id"] for e in data["entities"]}
    for m in data["mentions"]:
        assert texts[m["doc"]][m["start"]:m["end"]] == m["text"]
        assert m["entity"] in entity_ids
        assert m["sentence_start"] <= m["start"] < m["end"] <= m["sentence_end"]
    assert data["local_mentions"], "chains no name heads are exported"
    for m in data["local_mentions"]:
        assert texts[m["doc"]][m["start"]:m["end"]] == m["text"]
        assert m["sentence_start"] <= m["start"] < m["end"] <= m["sentence_end"]
    for name in ("events", "quotes", "descriptors", "techniques", "times"):
        for item in data.get(name, []):
            if "start" in item and "text" in item:
                assert texts[item["doc"]][item["start"]:item["end"]] == item["text"], (name, item)
    paths = {d["path"].rsplit("/", 1)[-1] for d in data["documents"]}
    assert "003_30d0fb14a41f720f.txt" in paths
    maduro = next(e for e in data["entities"] if e["id"] == "nicolas-maduro")
    assert maduro["type"] == "person" and len(maduro["documents"]) == 5
    assert maduro["mentions"] == sum(1 for m in data["mentions"] if m["entity"] == "nicolas-maduro")


def test_export_to_stdout_is_the_same_json(seeds_db, tmp_path):
    result = CliRunner().invoke(main, ["export", "--db", str(seeds_db)])
    assert result.exit_code == 0
    assert json.loads(result.output) == _export(seeds_db, tmp_path)


def test_demo_equivalent_on_the_example_corpus(examples_dir, tmp_path):
    """What `make demo` runs: build the examples with their manifest, list entities, export."""
    db = str(tmp_path / "demo.db")
    runner = CliRunner()
    built = runner.invoke(main, ["build", str(examples_dir / "articles"), "--manifest", str(examples_dir / "manifest.csv"), "--db", db, "-q"])
    assert built.exit_code == 0, built.output
    assert "0 skipped" in built.output
    listed = runner.invoke(main, ["entities", "--db", db, "--top", "12", "--json"])
    assert listed.exit_code == 0
    names = [e["name"] for e in json.loads(listed.output)]
    assert {"Russia", "Venezuela"} <= set(names)
    assert any("Maduro" in n for n in names)
    data = _export(db, tmp_path)
    jsonschema.validate(data, _schema())
    outlets = {d["outlet"] for d in data["documents"]}
    assert len(outlets) >= 5 and None not in outlets
    assert all(d["published"] for d in data["documents"] if not d["published_inferred"])


def test_makefile_and_ci_promise_the_two_commands():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    makefile = (root / "Makefile").read_text(encoding="utf-8")
    assert "\ndemo:" in makefile and "\ntest:" in makefile
    assert "make test" in (root / ".ci" / "run").read_text(encoding="utf-8")
    readme = (root / "README.md").read_text(encoding="utf-8")
    first_code = readme[readme.index("```"):][:200]
    assert "make demo" in first_code and "make test" in first_code
