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
    piped = [GOOD.replace("Lisbon", "Oslo"), GOOD.replace("Lisbon", "Bergen")]
    for text in piped:
        r = runner.invoke(main, ["build", "-", "--db", db, "--outlet", "Piped News", "-q"], input=text)
        assert r.exit_code == 0, r.output
    with open_store(db, readonly=True) as store:
        docs = {os.path.basename(x["path"]): x for x in queries.list_documents(store.conn)}
    assert docs["a.txt"]["outlet"] == "The Daily Example" and docs["a.txt"]["published"] == "2019-02-04"
    assert docs["a.txt"]["title"] == "A Title" and docs["a.txt"]["url"] == "https://example.org/a"
    # each piped document is its own input (the second no longer replaces the first): path -#<content id>
    stdin_docs = {p: d for p, d in docs.items() if p.startswith("-#")}
    assert len(stdin_docs) == 2
    for path, doc in stdin_docs.items():
        assert path == f"-#{doc['id']}" and doc["outlet"] == "Piped News"


# --- reader level: decoding ------------------------------------------------------------------------

from newsgraph.ingest.readers import Problem, decode_noted  # noqa: E402

ARTICLE = GOOD + " " + GOOD.replace("Lisbon", "Porto")


@pytest.mark.parametrize(
    "name, raw, encoding, note",
    [
        ("utf-16 with BOM", ARTICLE.encode("utf-16"), "utf-16-le", None),
        ("utf-16-le without BOM", ARTICLE.encode("utf-16-le"), "utf-16-le", "UTF-16-LE without a byte-order mark"),
        ("utf-16-be without BOM", ARTICLE.encode("utf-16-be"), "utf-16-be", "UTF-16-BE without a byte-order mark"),
        ("utf-32 with BOM", ARTICLE.encode("utf-32"), "utf-32-le", None),
        ("utf-32-le without BOM", ARTICLE.encode("utf-32-le"), "utf-32-le", "UTF-32-LE without a byte-order mark"),
        ("utf-32-be without BOM", ARTICLE.encode("utf-32-be"), "utf-32-be", "UTF-32-BE without a byte-order mark"),
        ("utf-8 with BOM", b"\xef\xbb\xbf" + ARTICLE.encode(), "utf-8", None),
    ],
)
def test_wide_encodings_are_read_not_called_binary(name, raw, encoding, note):
    text, got, notes = decode_noted(raw)
    assert text == ARTICLE and got == encoding
    assert (note in notes) if note else notes == ()


def test_one_broken_utf8_byte_costs_a_character_not_the_article():
    curly = "\u201cWe will not pay,\u201d the minister said. " + ARTICLE
    cut = (curly + " caf\u00e9").encode("utf-8")[:-1]  # the file ends inside the last character
    text, encoding, notes = decode_noted(cut)
    assert encoding == "utf-8" and text == curly + " caf\ufffd" and notes == ("1 byte not valid UTF-8 replaced with U+FFFD",)
    damaged = curly.encode("utf-8")
    damaged = damaged[:200] + b"\xc3" + damaged[200:]  # a lone lead byte among valid multi-byte characters
    text, encoding, notes = decode_noted(damaged)
    assert encoding == "utf-8" and text.count("\ufffd") == 1 and len(text) == len(curly) + 1
    assert text.replace("\ufffd", "") == curly


def test_a_western_code_page_byte_in_english_text_is_cp1252():
    text, encoding, _ = decode_noted(("The fee for the \u00a315.8m signing. " + ARTICLE).encode("latin-1"))
    assert encoding == "cp1252" and text.startswith("The fee for the \u00a315.8m")


@pytest.mark.parametrize(
    "raw, code",
    [
        ((ARTICLE * 60).encode() + b"\x00tail", "binary"),  # NUL after the first 8 KB: the whole text is checked
        (bytes(range(256)) * 16, "binary"),
        ((ARTICLE * 60).encode() + b"\x01\x02\x03\x04" * 2000, "binary"),  # control characters late in the file
        (b"   \n\t  \n", "empty"),
        (b"", "empty"),
    ],
)
def test_binary_and_empty_are_refused(raw, code):
    with pytest.raises(Problem) as exc:
        decode_noted(raw)
    assert exc.value.code == code


# --- reader level: JSON --------------------------------------------------------------------------

def _read(paths, **kw):
    return {os.path.basename(i.path): i for i in read_inputs([str(p) for p in paths], **kw)}


def test_nested_json_and_lone_surrogates_cost_only_their_line(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    good = json.dumps({"text": GOOD, "outlet": "Wire"})
    (d / "feed.jsonl").write_text(
        good + "\n" + "[" * 100_000 + "\n" + '{"text": "\\ud800 ' + GOOD.replace("Lisbon", "Oslo") + '", "title": "T\\udfff"}\n'
        + json.dumps({"text": GOOD.replace("Lisbon", "Porto")}) + "\n" + "9" * 5000 + "\n",
        encoding="utf-8",
    )
    (d / "deep.json").write_text("[" * 100_000, encoding="utf-8")
    (d / "deepobj.json").write_text('{"a":' * 50_000, encoding="utf-8")
    items = _read([d])
    assert items["deep.json"].skipped.code == "nested"
    assert items["deepobj.json"].skipped.code == "nested"
    assert items["feed.jsonl#2"].skipped.code == "nested" and "line 2" in items["feed.jsonl#2"].skipped.reason
    assert items["feed.jsonl#5"].skipped.code == "json"  # a number too long to convert
    kept = {k: v.article for k, v in items.items() if v.article}
    assert set(kept) == {"feed.jsonl#1", "feed.jsonl#3", "feed.jsonl#4"}
    lone = kept["feed.jsonl#3"]
    assert lone.text.startswith("\ufffd Finance") and lone.title == "T\ufffd"
    assert any("lone surrogate" in n for n in lone.notes)
    lone.text.encode("utf-8")  # storable


# --- reader level: metadata ----------------------------------------------------------------------

def test_manifest_rows_that_name_no_input_are_noted(tmp_path):
    """A misspelt path leaves its row's metadata unused: the build says which rows, not nothing."""
    from click.testing import CliRunner

    from newsgraph.cli import main

    d = tmp_path / "c"
    d.mkdir()
    (d / "a.txt").write_text(GOOD, encoding="utf-8")
    (d / "manifest.csv").write_text("path,outlet\na.txt,The Daily Example\nb.txt,Gone Weekly\nsub/c.txt,Elsewhere\n",
                                    encoding="utf-8")
    r = CliRunner().invoke(main, ["build", str(d / "a.txt"), "--manifest", str(d / "manifest.csv"), "--db", str(tmp_path / "kb.db")])
    assert r.exit_code == 0, r.output
    assert f"note {d / 'manifest.csv'}: 2 of its 3 rows name no file among the inputs, so their metadata went unused: " in r.output
    assert os.path.relpath(d / "b.txt") in r.output and os.path.relpath(d / "sub" / "c.txt") in r.output
    r = CliRunner().invoke(main, ["build", str(d), "--manifest", str(d / "manifest.csv"), "--db", str(tmp_path / "kb2.db")])
    assert "a.txt" not in r.output.split("unused: ")[-1] and "b.txt" in r.output


def test_impossible_manifest_dates_are_refused_with_a_note(tmp_path):
    from newsgraph.ingest import iso_date, load_manifest

    d = tmp_path / "in"
    d.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (d / name).write_text(GOOD.replace("Lisbon", name[0].upper() + "ville"), encoding="utf-8")
    (d / "manifest.csv").write_text("path,published\na.txt,2019-13-45\nb.txt,0000-00-00\nc.txt,2019-02-28\n", encoding="utf-8")
    items = _read([d], manifest=load_manifest(d / "manifest.csv"))
    assert items["a.txt"].article.published is None and "published date '2019-13-45' is not a date: ignored" in items["a.txt"].article.notes
    assert items["b.txt"].article.published is None and any("0000-00-00" in n for n in items["b.txt"].article.notes)
    assert items["c.txt"].article.published == "2019-02-28" and items["c.txt"].article.notes == ()
    assert iso_date("4 February 2019") == "2019-02-04"
    assert iso_date("2019-02-30") is None and iso_date("1066-10-14") is None


def test_a_manifest_without_path_column_is_a_clear_error(tmp_path):
    from newsgraph.errors import InputError
    from newsgraph.ingest import load_manifest

    bad = tmp_path / "m.csv"
    bad.write_text("file,outlet\na.txt,X\n", encoding="utf-8")
    with pytest.raises(InputError, match="no `path` column"):
        load_manifest(bad)
    latin = tmp_path / "l.csv"
    latin.write_bytes(b"path,outlet\na.txt,Caf\xe9\n")
    with pytest.raises(InputError, match="cannot be read"):
        load_manifest(latin)


# --- reader level: what a folder holds ------------------------------------------------------------

def _read_in_subprocess(args: list[str], timeout: float = 30, stdin=None) -> dict:
    """read_inputs in a child process (a blocking open cannot hang the test run): {basename: (code or 'article', reason)}."""
    import subprocess
    import sys

    code = (
        "import json, os, sys\n"
        "from newsgraph.ingest import read_inputs\n"
        "args = json.loads(sys.argv[1])\n"
        "out = {}\n"
        "for i in read_inputs(args['paths'], max_bytes=args['max_bytes'], follow_links=args['follow']):\n"
        "    out[os.path.basename(i.path)] = [i.skipped.code, i.skipped.reason] if i.skipped else ['article', i.article.text[:40]]\n"
        "print(json.dumps(out))\n"
    )
    r = subprocess.run([sys.executable, "-c", code, args[0]], capture_output=True, text=True, timeout=timeout, stdin=stdin,
                       cwd="/", env={**os.environ, "PYTHONPATH": os.path.dirname(os.path.dirname(os.path.abspath(__file__)))})
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def _spec(paths, max_bytes=5 * 1024 * 1024, follow=False) -> list[str]:
    return [json.dumps({"paths": [str(p) for p in paths], "max_bytes": max_bytes, "follow": follow})]


def test_fifo_socket_and_links_in_a_folder(tmp_path):
    import socket

    root = tmp_path / "in"
    root.mkdir()
    outside = tmp_path / "outside.txt"
    outside.write_text(GOOD.replace("Lisbon", "Outside"), encoding="utf-8")
    (root / "good.txt").write_text(GOOD, encoding="utf-8")
    os.mkfifo(root / "pipe.txt")
    os.mkfifo(root / "pipe")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(root / "sock.txt"))
    os.symlink("/etc/passwd", root / "x")
    os.symlink(outside, root / "out.txt")
    os.symlink(root / "good.txt", root / "inside.txt")
    os.symlink(root / "loop.txt", root / "loop.txt")
    os.symlink(root / "gone.txt", root / "dangling.txt")
    os.symlink(root, root / "again")
    os.symlink(tmp_path, root / "up")
    try:
        seen = _read_in_subprocess(_spec([root]))  # would block forever in open() on a FIFO before the fix
    finally:
        sock.close()
    assert seen["good.txt"][0] == "article" and seen["inside.txt"][0] == "article"
    assert seen["pipe.txt"] == ["not-a-file", "a FIFO (named pipe), not a regular file: not read"]
    assert seen["pipe"][0] == "not-a-file" and seen["sock.txt"][0] == "not-a-file"
    assert seen["x"][0] == "link" and "/etc/passwd, outside the input folders" in seen["x"][1] and "--follow-links" in seen["x"][1]
    assert seen["out.txt"][0] == "link"
    assert seen["loop.txt"] == ["unreadable", "link loop: the link points back at itself"]
    assert seen["dangling.txt"][0] == "unreadable" and "dangling link" in seen["dangling.txt"][1]
    assert seen["again"][0] == "link" and seen["up"][0] == "link"
    followed = _read_in_subprocess(_spec([root], follow=True))
    assert followed["out.txt"][0] == "article" and followed["outside.txt"][0] == "article"  # through the `up` link
    assert followed["again"][0] == "link" and "already read" in followed["again"][1]  # a loop, entered once
    assert followed["pipe.txt"][0] == "not-a-file"


def test_endless_devices_are_read_with_the_cap():
    import time

    start = time.monotonic()
    seen = _read_in_subprocess(_spec(["/dev/zero", "/dev/urandom"], max_bytes=200_000), timeout=60)
    assert seen["zero"][0] == "too-large" and "character device" in seen["zero"][1]
    assert seen["urandom"][0] == "too-large"
    with open("/dev/zero", "rb") as zero:  # `newsgraph build - < /dev/zero`
        seen = _read_in_subprocess(_spec(["-"], max_bytes=200_000), timeout=60, stdin=zero)
    assert seen["-"][0] == "too-large" and "standard input holds more than the 200,000-byte limit" in seen["-"][1]
    assert time.monotonic() - start < 60


def test_a_file_name_that_is_not_utf8_is_read_and_shown_escaped(tmp_path):
    root = tmp_path / "in"
    root.mkdir()
    raw = os.path.join(os.fsencode(root), b"bad_\xff\xfe_name.txt")
    with open(raw, "wb") as fh:
        fh.write(GOOD.encode())
    (root / "ok.txt").write_text(GOOD.replace("Lisbon", "Oslo"), encoding="utf-8")
    items = _read([root])
    assert set(items) == {"bad_\\xff\\xfe_name.txt", "ok.txt"}
    bad = items["bad_\\xff\\xfe_name.txt"].article
    assert bad.text == GOOD and bad.path.encode("utf-8")  # storable
    assert any("not valid UTF-8" in n for n in bad.notes)


def test_an_unreadable_folder_is_reported(tmp_path, monkeypatch):
    """As a user, by chmod; as root (who reads any folder, and whose Python nobody else may run here), simulated
    by a scandir that refuses the folder the way the kernel does."""
    root = tmp_path / "in"
    (root / "locked").mkdir(parents=True)
    (root / "ok.txt").write_text(GOOD, encoding="utf-8")
    (root / "locked" / "secret.txt").write_text(GOOD.replace("Lisbon", "Oslo"), encoding="utf-8")
    if os.geteuid() == 0:
        from newsgraph.ingest import files

        real = os.scandir
        locked = str(root / "locked")

        def scandir(path):
            if str(path) == locked:
                raise PermissionError(13, "Permission denied", locked)
            return real(path)

        monkeypatch.setattr(files.os, "scandir", scandir)
        items = _read([root])
    else:
        os.chmod(root / "locked", 0)
        try:
            items = _read([root])
        finally:
            os.chmod(root / "locked", 0o755)
    assert items["ok.txt"].article is not None and "secret.txt" not in items
    assert items["locked"].skipped.code == "unreadable"
    assert items["locked"].skipped.reason == "folder cannot be read: Permission denied"


def test_a_folder_unreadable_for_one_build_keeps_its_documents(tmp_path, monkeypatch):
    """A rebuild forgets files that vanished from a folder; files in a subfolder it could not list are not vanished."""
    from newsgraph.ingest import files
    from newsgraph.run import build
    from newsgraph.store.sqlite import open_store

    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text(GOOD, encoding="utf-8")
    (root / "sub" / "b.txt").write_text(GOOD.replace("Lisbon", "Oslo"), encoding="utf-8")
    db = tmp_path / "kb.db"
    assert build([str(root)], str(db)).processed == 2
    real, locked = os.scandir, str(root / "sub")

    def scandir(path):
        if str(path) == locked:
            raise PermissionError(13, "Permission denied", locked)
        return real(path)

    monkeypatch.setattr(files.os, "scandir", scandir)
    report = build([str(root)], str(db))
    assert report.removed == [] and [s.code for s in report.skipped] == ["unreadable"]
    with open_store(db, readonly=True) as store:
        assert store.conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 2


@pytest.mark.parametrize("text", ["", "12345 67890 " * 50, "a1" * 19, "a1" * 20, "é" * 20, "ß" * 19 + "!", "x" * 5000])
def test_letter_count_stops_early_but_agrees_with_counting_all(text):
    from newsgraph.ingest.readers import _has_letters

    assert _has_letters(text, 20) == (sum(c.isalpha() for c in text) >= 20)


_FOREIGN = {
    "fr": "Le conseil municipal a voté hier soir un budget plus serré pour l'année prochaine. Les écoles du quartier nord "
          "recevront moins d'argent, mais la ville promet de rénover deux ponts avant l'hiver. Le maire a expliqué que les "
          "impôts locaux ne changeront pas et que les travaux commenceront dès que possible, selon son équipe.",
    "es": "El ayuntamiento aprobó anoche un presupuesto más ajustado para el año que viene. Las escuelas del barrio norte "
          "recibirán menos dinero, pero la ciudad promete arreglar dos puentes antes del invierno. La alcaldesa explicó que "
          "los impuestos locales no subirán y que las obras empezarán en cuanto sea posible, según su equipo.",
    "de": "Der Stadtrat hat gestern Abend einen knapperen Haushalt für das kommende Jahr beschlossen. Die Schulen im Norden "
          "bekommen weniger Geld, aber die Stadt will noch vor dem Winter zwei Brücken sanieren. Der Bürgermeister sagte, "
          "die Steuern würden nicht steigen und die Arbeiten sollten so bald wie möglich beginnen.",
    "nl": "De gemeenteraad heeft gisteravond een krappere begroting voor volgend jaar aangenomen. De scholen in het noorden "
          "krijgen minder geld, maar de stad wil voor de winter nog twee bruggen opknappen. De burgemeester zei dat de "
          "belastingen niet omhoog gaan en dat het werk zo snel mogelijk begint, of in elk geval dit jaar.",
    "it": "Il consiglio comunale ha approvato ieri sera un bilancio più stretto per il prossimo anno. Le scuole del quartiere "
          "nord riceveranno meno soldi, ma la città promette di sistemare due ponti prima dell'inverno. Il sindaco ha detto "
          "che le tasse locali non aumenteranno e che i lavori cominceranno appena possibile.",
}


def test_plain_english_news_needs_no_language_model_and_other_languages_still_get_one(seeds_dir, monkeypatch):
    """The cheap test accepts ordinary English news without loading the identifier; text in other languages, and
    English too short or too unusual to be sure of, still goes to the identifier, which names its language."""
    from newsgraph.ingest import readers

    english = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt"))]
    assert len(english) == 5 and all(readers._plainly_english(t[:3000]) for t in english)
    for code, text in _FOREIGN.items():
        assert not readers._plainly_english(text * 3), code
        assert readers.detect_language(text * 3) == code
    short = "Prices rose. Markets fell. Officials met on Monday and agreed a plan for the port."
    assert not readers._plainly_english(short)  # under 40 words: the identifier judges it
    # a French text quoting an English sentence is not taken for English without the identifier
    assert not readers._plainly_english(_FOREIGN["fr"] + ' "We will look at the figures with them," they said. ' + _FOREIGN["fr"])
    # half English, half another language (code-switching, long quotes): the identifier decides, as it did before
    taglish = ("Sinabi ng alkalde na the new bridge will be finished by the end of the year, pero ayon sa mga residente "
               "hindi pa nila nakikita ang plano. They said that the works have been delayed twice and that the money "
               "from the province was never released. Ang sabi ng konseho ay may pagdinig sa susunod na linggo. ") * 3
    polish = ("Burmistrz powiedział, że to jest dobry plan i że by go poparł, gdyby rada była za nim. To nie jest "
              "pierwszy raz, kiedy miasto ma problem z budżetem, a mieszkańcy mówią, że to się powtarza co roku. ") * 4
    for text in (taglish, polish, _FOREIGN["fr"] + " " + " ".join(english[0].split()[:60]) + " " + _FOREIGN["fr"]):
        assert not readers._plainly_english(text[:3000]), text[:40]

    def no_model():
        raise AssertionError("the identifier was loaded for plain English")

    monkeypatch.setattr(readers, "_identifier", no_model)
    assert all(readers.detect_language(t) == "en" for t in english)
