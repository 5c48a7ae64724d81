"""The web app: every page in HTML and as its JSON twin, search, pagination, escaping, read-only access.

Two kinds of store: one written by hand here (no spaCy; it holds a hostile article, so escaping is
tested on exact strings), and the seeds and example corpora built through the real pipeline.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

fastapi = pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from newsgraph.model import Article, Amount, DocumentAnalysis, Event, Mention, Participant, Quote, Sentence, Technique, TimeExpr  # noqa: E402
from newsgraph.outputs.web import create_app  # noqa: E402
from newsgraph.store.queries import search  # noqa: E402
from newsgraph.store.sqlite import open_store  # noqa: E402

# Our own sentences. The second document is hostile: markup that must never become live in a page.
CALM = (
    "Lenders in Tallinn\n\n"
    "The Baltic Lending Office gave Estonia a loan of $5 billion on March 3, 2020. "
    "Officials in Tallinn said the money would build rail lines. "
    "Kaja Tamm said: \"The loan keeps the trains running.\""
)
HOSTILE_TITLE = '<script>alert("title")</script>Hostile page'
HOSTILE = (
    "The Baltic Lending Office <script>alert(1)</script> lent Estonia $2 billion. "
    'A reader pasted <img src=x onerror="alert(2)"> into the comments. '
    'Another posted <a href="javascript:alert(3)">this link</a> about Estonia.'
)
PAGES = ["/", "/entities", "/documents", "/conflicts", "/timeline", "/money", "/voices", "/graph", "/search?q=Estonia"]
JSON_PAGES = ["/index.json", "/entities.json", "/documents.json", "/conflicts.json", "/timeline.json", "/money.json",
              "/voices.json", "/graph.json", "/search.json?q=Estonia"]


def _span(text: str, needle: str, nth: int = 0) -> tuple[int, int, str]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle), needle


def _sentences(text: str) -> list[Sentence]:
    out = []
    for m in re.finditer(r"[^\n.]+[.\"]+|[^\n]+(?=\n)", text):
        out.append(Sentence(m.start() + (len(m.group()) - len(m.group().lstrip())), m.end()))
    return out


def _sentence_of(sentences: list[Sentence], start: int) -> int:
    return max(i for i, s in enumerate(sentences) if s.start <= start)


def _analysis(doc_id: str, text: str, title: str, outlet: str, published: str, url: str | None = None) -> DocumentAnalysis:
    """A DocumentAnalysis written by hand: mentions, one FINANCE event with its amount and date, a quote, a technique."""
    a = DocumentAnalysis(Article(id=doc_id, text=text, path=f"{doc_id}.txt", title=title, outlet=outlet, url=url, published=published))
    a.sentences = _sentences(text)
    sent = lambda s: _sentence_of(a.sentences, s)  # noqa: E731

    def mention(needle: str, label: str, place: str | None = None, nth: int = 0) -> int:
        s, e, t = _span(text, needle, nth)
        a.mentions.append(Mention(s, e, t, label, t, t.lower(), sent(s), place=place, kind="name"))
        return len(a.mentions) - 1

    office = mention("Baltic Lending Office", "ORG")
    estonia = mention("Estonia", "GPE", place="EE")
    if "Kaja Tamm" in text:
        mention("Tallinn", "GPE", nth=1)
        tamm = mention("Kaja Tamm", "PERSON")
        s, e, t = _span(text, "The loan keeps the trains running.")
        ss, se, st = _span(text, "Kaja Tamm")
        a.quotes.append(Quote(s, e, t, "direct", "said", Participant("source", ss, se, st, tamm), sent(s)))
    money = re.search(r"\$\d billion", text)
    a.amounts.append(Amount(money.start(), money.end(), money.group(), float(money.group()[1]) * 1e9, "USD", "money", sent(money.start())))
    date = re.search(r"March 3, 2020", text)
    if date:
        a.times.append(TimeExpr(date.start(), date.end(), date.group(), "2020-03-03", "day", None, sent(date.start())))
    verb = re.search(r"\b(gave|lent)\b", text)
    o, p = a.mentions[office], a.mentions[estonia]
    a.events.append(Event(verb.start(), verb.end(), verb.group(), "give" if verb.group() == "gave" else "lend", "FINANCE", sent(verb.start()),
                          participants=[Participant("subject", o.start, o.end, o.text, office), Participant("recipient", p.start, p.end, p.text, estonia)],
                          amounts=[0], time=0 if date else None))
    s, e, t = _span(text, "Estonia", 0)
    a.techniques.append(Technique(s, e, t, "Loaded_Language", "rules", 0.9, estonia, sent(s)))
    return a


@pytest.fixture(scope="module")
def hand_db(tmp_path_factory) -> Path:
    """Two documents written through Store.write_document, then corpus resolution; a conflict row by hand if it found none."""
    from newsgraph.run import resolve_corpus

    db = tmp_path_factory.mktemp("hand") / "hand.db"
    store = open_store(db)
    store.write_document(_analysis("calm0000calm0000", CALM, "Lenders in Tallinn", "Harbour Post", "2020-03-04", "https://example.org/a"), "test")
    store.write_document(_analysis("hostile0hostile0", HOSTILE, HOSTILE_TITLE, "<b>Bold</b> Outlet", "2020-03-05", "javascript:alert(4)"), "test")
    resolve_corpus(store, force=True)
    c = store.conn
    if c.execute("SELECT COUNT(*) FROM conflicts").fetchone()[0]:
        store.close()  # the corpus resolver found the disagreement itself
        return db
    with store.transaction():
        office = c.execute("SELECT entity FROM mentions WHERE text = 'Baltic Lending Office' LIMIT 1").fetchone()[0]
        estonia = c.execute("SELECT entity FROM mentions WHERE text = 'Estonia' LIMIT 1").fetchone()[0]
        cid = c.execute("INSERT INTO conflicts(kind, subject, object, type, explanation) VALUES ('amount', ?, ?, 'FINANCE', 'two figures')",
                        (office, estonia)).lastrowid
        for ev in c.execute("SELECT e.id, e.doc, e.sentence, a.start, a.end, a.text, a.value FROM events e JOIN event_amounts x ON x.event = e.id "
                            "JOIN amounts a ON a.doc = e.doc AND a.idx = x.amount").fetchall():
            c.execute("INSERT INTO conflict_values(conflict, event, doc, value, unit, text, start, end, sentence) VALUES (?,?,?,?,?,?,?,?,?)",
                      (cid, ev[0], ev[1], ev[6], "USD", ev[5], ev[3], ev[4], ev[2]))
    store.close()
    return db


@pytest.fixture(scope="module", autouse=True)
def hand_db_unchanged(hand_db):
    """Every test of this module leaves the database file byte for byte as it was."""
    import hashlib

    store = open_store(hand_db)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    before = hashlib.sha256(hand_db.read_bytes()).hexdigest()
    yield
    assert hashlib.sha256(hand_db.read_bytes()).hexdigest() == before, "a web test changed the database file"


@pytest.fixture(scope="module")
def hand(hand_db) -> TestClient:
    return TestClient(create_app(hand_db))


def entity_id(db: Path, name: str) -> str:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT entity FROM mentions WHERE text = ? AND entity IS NOT NULL", (name,)).fetchone()[0]
    finally:
        conn.close()


# --- hand-made store ------------------------------------------------------------------------

def test_every_page_answers_in_html_and_json(hand, hand_db):
    office = entity_id(hand_db, "Baltic Lending Office")
    for url in PAGES + [f"/entity/{office}", "/document/calm0000calm0000", "/document/hostile0hostile0"]:
        r = hand.get(url)
        assert r.status_code == 200, url
        assert r.headers["content-type"].startswith("text/html"), url
        twin = hand.get(url, headers={"Accept": "application/json"})
        assert twin.status_code == 200 and twin.headers["content-type"] == "application/json", url
    for url in JSON_PAGES + [f"/entity/{office}.json", "/document/calm0000calm0000.json"]:
        r = hand.get(url)
        assert r.status_code == 200 and r.headers["content-type"] == "application/json", url


def test_json_twin_is_the_same_query(hand, hand_db):
    office = entity_id(hand_db, "Baltic Lending Office")
    by_suffix = hand.get(f"/entity/{office}.json").json()
    by_accept = hand.get(f"/entity/{office}", headers={"Accept": "application/json"}).json()
    assert by_suffix == by_accept
    assert by_suffix["entity"]["name"] == "Baltic Lending Office"
    did = by_suffix["did"]["events"]
    assert {(e["trigger"], e["type"], tuple(p["text"] for p in e["objects"])) for e in did} == {("gave", "FINANCE", ("Estonia",)), ("lent", "FINANCE", ("Estonia",))}
    assert {a["text"] for e in did for a in e["amounts"]} == {"$5 billion", "$2 billion"}


def test_hostile_article_renders_inert(hand):
    pages = PAGES + ["/document/hostile0hostile0", "/search?q=reader", "/search?q=alert"]
    for url in pages:
        html = hand.get(url).text
        assert "<script>alert" not in html, url
        assert "<img src=x" not in html, url
        assert 'href="javascript:' not in html.replace(" ", ""), url
        assert "<b>Bold</b>" not in html, url
    doc = hand.get("/document/hostile0hostile0").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in doc
    assert "&lt;img src=x onerror=&#34;alert(2)&#34;&gt;" in doc
    assert "&lt;a href=&#34;javascript:alert(3)&#34;&gt;" in doc
    assert "&lt;b&gt;Bold&lt;/b&gt; Outlet" in doc
    assert "<code>javascript:alert(4)</code>" in doc  # the article's URL is shown as text, never as a link
    # the only scripts any page loads are the app's own file
    assert re.findall(r"<script[^>]*>", doc) == ['<script src="/static/app.js">']
    # JSON carries the text exactly as read
    assert hand.get("/document/hostile0hostile0.json").json()["text"] == HOSTILE


def test_security_headers_and_no_filesystem_paths(hand):
    r = hand.get("/")
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert hand.get("/static/style.css").status_code == 200
    for probe in ("/static/../report.py", "/static/%2e%2e/report.py", "/static/..%2freport.py", "/document/..%2f..%2fetc%2fpasswd",
                  "/entity/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/etc/passwd"):
        r = hand.get(probe)
        assert r.status_code == 404, probe
        assert "root:" not in r.text and "def write_report" not in r.text


def test_database_is_opened_read_only(hand_db, tmp_path):
    from newsgraph.errors import DatabaseError

    store = open_store(hand_db, readonly=True)
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        store.conn.execute("DELETE FROM documents")
    store.close()
    with pytest.raises(DatabaseError):
        create_app(tmp_path / "missing.db")


def test_serve_binds_localhost_by_default():
    from newsgraph.cli.web import serve

    options = {p.name: p.default for p in serve.params}
    assert options["host"] == "127.0.0.1"
    assert options["port"] == 8000


def test_document_view_highlights_layers_and_focus(hand):
    html = hand.get("/document/calm0000calm0000?s=1").text
    assert re.search(r'<span class="sent focus" id="s1">', html)
    assert re.search(r'<mark class="l-entity l-technique " title="[^"]*"><a href="/entity/[^"]+">Estonia</a></mark>', html)
    assert re.search(r'<mark class="l-event "[^>]*>gave</mark>', html)
    assert re.search(r'<mark class="l-amount "[^>]*>\$5 billion</mark>', html)
    assert re.search(r'<mark class="l-time "[^>]*>March 3, 2020</mark>', html)
    assert re.search(r'<mark class="l-quote "[^>]*>The loan keeps the trains running.</mark>', html)
    for layer in ("entity", "quote", "event", "technique", "amount", "time", "label"):
        assert f'data-layer="{layer}"' in html


def test_document_blocks_cover_the_text_exactly(hand_db):
    from newsgraph.store.queries.pages import page_document

    store = open_store(hand_db, readonly=True)
    for doc_id, text in (("calm0000calm0000", CALM), ("hostile0hostile0", HOSTILE)):
        doc = page_document(store.conn, doc_id)
        pieces = [p for b in doc["blocks"] for p in b["pieces"]]
        assert "".join(p["text"] for p in pieces) == text
        assert all(text[p["start"]:p["end"]] == p["text"] for p in pieces)
    store.close()


def test_conflicts_page_shows_both_sides(hand):
    data = hand.get("/conflicts.json").json()
    assert data["available"] is True
    [conflict] = [c for c in data["conflicts"] if sorted(v["text"] for v in c["values"]) == ["$2 billion", "$5 billion"]]
    assert {v["outlet"] for v in conflict["values"]} == {"Harbour Post", "<b>Bold</b> Outlet"}
    html = hand.get("/conflicts").text
    assert "$5 billion" in html and "$2 billion" in html and "Harbour Post" in html


def test_search_filters_and_links(hand, hand_db):
    r = hand.get("/search.json?q=Estonia").json()
    assert r["page"]["total"] == 3
    assert hand.get("/search.json?q=Estonia&outlet=Harbour+Post").json()["page"]["total"] == 1
    assert hand.get("/search.json?q=Estonia&type=FINANCE").json()["page"]["total"] == 2
    assert hand.get("/search.json?q=Estonia&from=2020-03-05").json()["page"]["total"] == 2
    assert hand.get("/search.json?q=Estonia&to=2020-03-04").json()["page"]["total"] == 1
    tamm = entity_id(hand_db, "Kaja Tamm")
    hits = hand.get(f"/search.json?q=loan&entity={tamm}").json()["results"]
    assert [h["text"] for h in hits] == ['Kaja Tamm said: "The loan keeps the trains running."']
    html = hand.get("/search?q=trains").text
    assert re.search(r'href="/document/calm0000calm0000\?s=\d+#s\d+"', html)
    assert '<mark class="hit">trains</mark>' in html


@pytest.mark.parametrize("query, expected", [
    ("Rosneft", '"Rosneft"'),
    ('Rosneft OR "x', '"Rosneft" "x"'),  # "or" is a function word, left out beside other words
    ("Ros*", '"Ros"*'),
    ("NEAR(a b)", '"NEAR" "b"'),
    ("  ", ""),
    ("-:^", ""),
    ("the", '"the"'),  # only function words: kept
    (" ".join(["the"] * 500), '"the"'),
    ("oil OIL oil", '"oil" "OIL"'),
    (" ".join(f"w{i}" for i in range(30)), " ".join(f'"w{i}"' for i in range(10))),
    ("x" * 10_000, '"' + "x" * 64 + '"'),
])
def test_fts_query_quotes_every_word(query, expected):
    assert search.fts_query(query) == expected


def test_search_index_follows_rewrites_and_deletes(hand_db, tmp_path):
    import shutil

    db = tmp_path / "copy.db"
    shutil.copy(hand_db, db)
    store = open_store(db)
    count = lambda: store.conn.execute("SELECT COUNT(*) FROM search_fts").fetchone()[0]  # noqa: E731
    sentences = store.conn.execute("SELECT COUNT(*) FROM sentences").fetchone()[0]
    assert count() == sentences == store.conn.execute("SELECT COUNT(*) FROM search_rows").fetchone()[0]
    store.write_document(_analysis("calm0000calm0000", CALM, "Lenders in Tallinn", "Harbour Post", "2020-03-04"), "test")
    assert count() == sentences
    with store.transaction():
        store.conn.execute("DELETE FROM documents WHERE id = 'hostile0hostile0'")
    assert count() == sentences - 3
    assert search.search_sentences(store.conn, "reader")["results"] == []
    store.close()


def test_pagination(hand):
    first = hand.get("/entities.json?limit=2").json()
    assert first["page"]["total"] >= 3 and first["page"]["next"] == 2 and len(first["entities"]) == 2
    second = hand.get("/entities.json?limit=2&offset=2").json()
    assert not {e["id"] for e in first["entities"]} & {e["id"] for e in second["entities"]}
    html = hand.get("/entities?limit=2").text
    assert 'rel="next"' in html and "offset=2" in html
    assert hand.get("/entities.json?limit=100000").json()["page"]["limit"] == 200
    assert hand.get("/entities.json?offset=-1").status_code == 422


def test_graph_page_links_nodes_and_filters(hand, hand_db):
    office = entity_id(hand_db, "Baltic Lending Office")
    data = hand.get("/graph.json").json()
    assert data["kind"] == "events"
    assert {(e["source"], e["type"], e["weight"]) for e in data["edges"]} == {(office, "FINANCE", 2)}
    html = hand.get("/graph").text
    assert f'<a class="node" href="/entity/{office}"' in html
    assert hand.get("/graph.json?type=MEET").json()["edges"] == []
    assert hand.get("/graph.json?from=2020-03-05").json()["edges"][0]["weight"] == 1


def test_openapi_description_without_cdn_pages(hand):
    """The API is described at /openapi.json; Swagger UI and ReDoc pages (which load scripts from a CDN) are off."""
    assert hand.get("/docs").status_code == 404
    assert hand.get("/redoc").status_code == 404
    paths = hand.get("/openapi.json").json()["paths"]
    for path in ("/", "/entity/{entity_id}", "/document/{doc_id}", "/search", "/graph", "/conflicts", "/timeline"):
        assert path in paths


# --- the real corpora -----------------------------------------------------------------------

def _all_pages(client: TestClient, db: Path) -> None:
    conn = sqlite3.connect(db)
    ents = [r[0] for r in conn.execute("SELECT id FROM entities ORDER BY mentions DESC LIMIT 5")]
    docs = [r[0] for r in conn.execute("SELECT id FROM documents")]
    conn.close()
    for url in PAGES + [f"/entity/{e}" for e in ents] + [f"/document/{d}" for d in docs]:
        r = client.get(url)
        assert r.status_code == 200, url
        assert client.get(url, headers={"Accept": "application/json"}).status_code == 200, url


@pytest.mark.slow
def test_seeds_pages(seeds_db):
    client = TestClient(create_app(seeds_db))
    _all_pages(client, seeds_db)
    found = client.get("/search.json?q=Rosneft").json()
    assert found["page"]["total"] >= 3
    assert all("Rosneft" in r["text"] for r in found["results"])
    conflicts = client.get("/conflicts.json").json()["conflicts"]
    russia = [c for c in conflicts if c["subject_name"] == "Russia" and c["object_name"] == "Venezuela" and c["kind"] == "amount"]
    assert russia, "the seeds disagree on how much money Russia gave Venezuela"
    assert {"$17 billion", "USD $8.8 billion dollars"} <= {v["text"] for v in russia[0]["values"]}
    putin = client.get("/entity/vladimir-putin.json").json()
    assert putin["entity"]["name"] == "Vladimir Putin"
    assert putin["mentions_total"] >= 10 and putin["page"]["total"] >= putin["mentions_total"]


@pytest.mark.slow
def test_examples_pages(examples_db):
    client = TestClient(create_app(examples_db))
    _all_pages(client, examples_db)
    overview = client.get("/index.json").json()["overview"]
    assert overview["counts"]["documents"] >= 5
    assert overview["dates"]["published"]["documents"] >= 1


def test_cached_pages_follow_a_rebuild(hand_db, tmp_path):
    """Corpus-wide pages are cached in the app; a build that changes the store must show at once."""
    import shutil

    from newsgraph.run import resolve_corpus

    db = tmp_path / "live.db"
    shutil.copy(hand_db, db)
    client = TestClient(create_app(db))
    assert client.get("/index.json").json()["overview"]["counts"]["documents"] == 2
    store = open_store(db)
    text = "The Baltic Lending Office gave Estonia $7 billion. Estonia thanked the office."
    store.write_document(_analysis("third000third000", text, "More lending", "Harbour Post", "2020-04-01"), "test")
    resolve_corpus(store)
    store.close()
    assert client.get("/index.json").json()["overview"]["counts"]["documents"] == 3
    assert "$7 billion" in {a["text"] for e in client.get("/money.json").json()["events"] for a in e["amounts"]}


def test_empty_knowledge_base(tmp_path):
    """A store with nothing in it yet: every page answers and says there is nothing, the report too."""
    from newsgraph.outputs.report import render_report

    db = tmp_path / "empty.db"
    open_store(db).close()
    client = TestClient(create_app(db))
    for url in PAGES + JSON_PAGES:
        assert client.get(url).status_code == 200, url
    assert "No actors with events yet." in client.get("/").text
    assert "No dated events yet." in client.get("/timeline").text or "not available" in client.get("/timeline").text
    assert client.get("/entity/nobody").status_code == 404
    assert client.get("/document/nothing.json").status_code == 404
    store = open_store(db, readonly=True)
    html = render_report(store.conn)
    store.close()
    assert "No disagreements found." in html and "No quotes yet." in html


def test_voices_page_shows_a_joined_quote_as_said(joined_quote_db):
    """The stored quote runs over its "Ruiz told reporters" (one span, for provenance); the page shows its words."""
    db = joined_quote_db
    client = TestClient(create_app(db))
    page = client.get("/voices").text
    assert "The harbour will reopen in May … Nobody will lose a job." in page
    assert "Ruiz told reporters. &#34;Nobody" not in page and 'Ruiz told reporters. "Nobody' not in page
