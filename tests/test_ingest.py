"""Reading inputs: formats, metadata, titles, and every kind of bad input reported with its reason."""

from __future__ import annotations

import json
import os

import pytest

from newsgraph.ingest import read_inputs
from newsgraph.ingest.readers import plain_title

GOOD = (
    "Finance ministers met in Lisbon on Tuesday to discuss a new loan for the national railway. "
    "The minister said the plan would be announced next month, and the opposition called it reckless."
)
FRENCH = (
    "Le gouvernement a annonc\u00e9 mardi un nouveau plan pour les chemins de fer. Le ministre a d\u00e9clar\u00e9 que "
    "les travaux commenceraient au printemps et que les syndicats seraient consult\u00e9s avant la fin du mois."
)


@pytest.fixture
def hostile(tmp_path):
    """A folder with one good file of each format and one of each kind of bad input."""
    d = tmp_path / "inputs"
    d.mkdir()
    (d / "good.txt").write_text("Railway Loan Talks in Lisbon\n\n" + GOOD, encoding="utf-8")
    (d / "good.md").write_text("# Notes\n\n" + GOOD.replace("Tuesday", "Wednesday"), encoding="utf-8")
    (d / "page.html").write_text(
        "<html><head><title>Ports deal signed</title><meta property='og:site_name' content='Harbour Times'>"
        "<meta name='author' content='A. Writer'><meta property='article:published_time' content='2019-02-04'></head>"
        "<body><nav>Home | World | Sport</nav><article><h1>Ports deal signed</h1>"
        "<p>" + GOOD.replace("railway", "port authority") + "</p><p>The agreement runs for ten years and covers three "
        "harbours on the northern coast, officials said on Wednesday.</p></article><footer>Subscribe now</footer></body></html>",
        encoding="utf-8",
    )
    (d / "feed.jsonl").write_text(
        json.dumps({"text": GOOD.replace("Lisbon", "Madrid"), "title": "Madrid talks", "outlet": "Wire One", "date": "2019-03-01"}) + "\n"
        + "{not json at all\n"
        + json.dumps({"title": "no body here"}) + "\n"
        + json.dumps({"content": GOOD.replace("Lisbon", "Porto"), "source": "Wire Two"}) + "\n",
        encoding="utf-8",
    )
    (d / "latin1.txt").write_bytes(("Caf\u00e9 owners in Lisbon said the new tax " + GOOD[40:]).encode("latin-1"))
    (d / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (d / "empty.txt").write_text("   \n\n", encoding="utf-8")
    (d / "huge.txt").write_text(GOOD * 2000, encoding="utf-8")
    (d / "french.txt").write_text(FRENCH, encoding="utf-8")
    (d / "zz-copy-of-good.txt").write_text("Railway Loan Talks in Lisbon\n\n" + GOOD, encoding="utf-8")
    os.symlink(d / "gone.txt", d / "dangling.txt")
    return d


def test_hostile_inputs_are_reported_and_good_ones_kept(hostile, tmp_path):
    from newsgraph.run import build
    from newsgraph.store import queries
    from newsgraph.store.sqlite import open_store

    db = tmp_path / "kb.db"
    report = build([str(hostile)], str(db), max_bytes=100_000)
    reasons = {os.path.basename(s.path): s.code for s in report.skipped}
    assert reasons == {
        "binary.txt": "binary",
        "empty.txt": "empty",
        "huge.txt": "too-large",
        "french.txt": "language",
        "dangling.txt": "unreadable",
        "zz-copy-of-good.txt": "duplicate",
        "feed.jsonl#2": "json",
        "feed.jsonl#3": "no-text",
    }
    assert report.processed == 6
    assert any(p.endswith("latin1.txt") and "not UTF-8" in n for p, n in report.notes)
    with open_store(db, readonly=True) as store:
        skipped = {os.path.basename(s["path"]): s["reason"] for s in queries.skipped_inputs(store.conn)}
        assert "line 2 is not valid JSON" in skipped["feed.jsonl#2"]
        assert "language looks like 'fr'" in skipped["french.txt"]
        docs = {os.path.basename(d["path"]): d for d in queries.list_documents(store.conn)}
        assert set(docs) == {"good.txt", "good.md", "page.html", "feed.jsonl#1", "feed.jsonl#4", "latin1.txt"}
        assert docs["page.html"]["title"] == "Ports deal signed"
        assert docs["page.html"]["outlet"] == "Harbour Times"
        assert docs["page.html"]["published"] == "2019-02-04"
        assert docs["feed.jsonl#1"]["outlet"] == "Wire One" and docs["feed.jsonl#1"]["published"] == "2019-03-01"
        assert docs["feed.jsonl#4"]["outlet"] == "Wire Two"
        assert docs["good.txt"]["title"] == "Railway Loan Talks in Lisbon"
        latin = queries.get_document(store.conn, docs["latin1.txt"]["id"])
        assert latin["text"].startswith("Caf\u00e9 owners")
        page = queries.get_document(store.conn, docs["page.html"]["id"])
        assert "Subscribe" not in page["text"] and "Home | World" not in page["text"]


def test_cli_build_reports_skips_without_traceback(hostile, tmp_path):
    from click.testing import CliRunner

    from newsgraph.cli import main

    db = str(tmp_path / "kb.db")
    result = CliRunner().invoke(main, ["build", str(hostile), "--db", db, "--max-bytes", "100000", "--quiet"])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert "6 documents processed" in result.output
    assert "binary file" in result.output and "same text as" in result.output
    stats = CliRunner().invoke(main, ["stats", "--db", db])
    assert stats.exit_code == 0
    assert "french.txt" in stats.output and "only English is supported" in stats.output


@pytest.mark.parametrize(
    "first_line, expected",
    [
        ("Maduro\u2019s Support from China, Russia Collapsing\nVenezuelan dictator ...", "Maduro\u2019s Support from China, Russia Collapsing"),
        ("Ad sales boost Time Warner profit\n\nQuarterly profits at ...", "Ad sales boost Time Warner profit"),
        ("Ongoing Geointel and Analysis in the theater of nuclear war.  Established 1984\nRussia is playing ...", None),
        ("Threatening to throw the leader in jail, the president has tied his government to Moscow.\n\nMore", None),
        ("Home | World | Business\n\nText", None),
        ("GM posts first annual loss since 1992\n\nGeneral Motors ...", "GM posts first annual loss since 1992"),  # issue 9
        ("Since 1984\n\nNews you can trust", None),
    ],
)
def test_plain_text_title(first_line, expected):
    assert plain_title(first_line) == expected


def test_seed_titles(seeds_dir):
    titles = {}
    for item in read_inputs([str(seeds_dir)]):
        titles[os.path.basename(item.path)[:3]] = item.article.title
    assert titles == {
        "000": None,
        "001": "Maduro\u2019s Support from China, Russia Collapsing",
        "002": "Putin Backs Venezuelan Regime, as Maduro Reaches out to Authoritarian Bloc for Support",
        "003": None,
        "004": None,
    }


def test_text_is_kept_exactly_as_read(seeds_dir):
    for item in read_inputs([str(seeds_dir)]):
        assert item.article.text == open(item.path, encoding="utf-8", newline="").read()


def test_manifest_and_stdin(tmp_path):
    from click.testing import CliRunner

    from newsgraph.cli import main
    from newsgraph.store import queries
    from newsgraph.store.sqlite import open_store

    d = tmp_path / "c"
    d.mkdir()
    (d / "a.txt").write_text(GOOD, encoding="utf-8")
    (d / "manifest.csv").write_text("path,outlet,published,url,title\na.txt,The Daily Example,2019-02-04,https://example.org/a,A Title\n", encoding="utf-8")
    db = str(tmp_path / "kb.db")
    runner = CliRunner()
    assert runner.invoke(main, ["build", str(d), "--manifest", str(d / "manifest.csv"), "--db", db, "-q"]).exit_code == 0
    r = runner.invoke(main, ["build", "-", "--db", db, "--outlet", "Piped News", "-q"], input=GOOD.replace("Lisbon", "Oslo"))
    assert r.exit_code == 0, r.output
    with open_store(db, readonly=True) as store:
        docs = {os.path.basename(x["path"]): x for x in queries.list_documents(store.conn)}
    assert docs["a.txt"]["outlet"] == "The Daily Example" and docs["a.txt"]["published"] == "2019-02-04"
    assert docs["a.txt"]["title"] == "A Title" and docs["a.txt"]["url"] == "https://example.org/a"
    assert docs["-"]["outlet"] == "Piped News"
