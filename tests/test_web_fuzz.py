"""The web app under hostile requests: every route and parameter fuzzed, other methods, HEAD, path traversal,
oversized URLs, Host checks, a build writing while pages are read, cancellation and request coalescing.

The routes and their parameters are read from the app itself, so a new route or parameter is fuzzed
without editing this file. Every test leaves the database file byte for byte as it was.
"""

from __future__ import annotations

import hashlib
import http.client
import re
import shutil
import socket
import sqlite3
import threading
import time
from pathlib import Path

import pytest

fastapi = pytest.importorskip("fastapi")
from fastapi.routing import APIRoute  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from newsgraph.outputs.web import create_app  # noqa: E402
from newsgraph.store.sqlite import open_store  # noqa: E402
from test_web import CALM, HOSTILE, HOSTILE_TITLE, _analysis  # noqa: E402

NUMBERS = ["99999999999999999999", "-99999999999999999999", "9223372036854775808", "-1", "0", "1e309", "NaN", "inf", "0x10",
           "1.5", "", " ", "\uff11\uff12", "9" * 400, "1;DROP TABLE documents"]
TEXTS = ['"', "*", "NEAR(", "NEAR(a b", "((", "))", "(a OR b", "a AND", "^x", "-x", "col:x", "x" * 10_000, "\x00", "a\x00b",
         "<script>alert(1)</script>", "'; DROP TABLE documents; --", "%", "%%", "../../etc/passwd", "\u202eevil", "\U0001F600",
         " ".join(["the"] * 500), "Estonia*", '"Estonia"', "\ud7ff", "\\", "\r\nX-Injected: 1"]
PAYLOAD = "<script>alert(1)</script>"
METHODS = ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def fuzz_db(tmp_path_factory):
    """The hand-made two-document store (one hostile); its file hash is checked after every test of this module."""
    from newsgraph.run import resolve_corpus

    db = tmp_path_factory.mktemp("fuzz") / "fuzz.db"
    store = open_store(db)
    store.write_document(_analysis("calm0000calm0000", CALM, "Lenders in Tallinn", "Harbour Post", "2020-03-04"), "test")
    store.write_document(_analysis("hostile0hostile0", HOSTILE, HOSTILE_TITLE, "<b>Bold</b> Outlet", "2020-03-05"), "test")
    resolve_corpus(store, force=True)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    before = _sha(db)
    yield db
    assert _sha(db) == before, "the web tests changed the database file"


@pytest.fixture(scope="module")
def client(fuzz_db) -> TestClient:
    return TestClient(create_app(fuzz_db), raise_server_exceptions=False)


def _routes(app) -> list[tuple[str, list[str], list[str]]]:
    """(path, path parameter names, query parameter names) of every page route."""
    out = []
    for route in app.routes:
        if isinstance(route, APIRoute):
            query = [p.alias or p.name for p in route.dependant.query_params]
            out.append((route.path, [p.name for p in route.dependant.path_params], query))
    return out


def _fill(path: str, names: list[str], value: str = "x") -> str:
    from urllib.parse import quote

    for name in names:
        path = path.replace("{" + name + "}", quote(value, safe=""))
    return path


def _unescaped(response) -> bool:
    return response.headers.get("content-type", "").startswith("text/html") and PAYLOAD in response.text


def test_every_route_and_parameter_fuzzed(client):
    """Huge, negative and non-numeric numbers, FTS5 syntax, 10k-character strings, NUL: never a 5xx, never live markup."""
    routes = _routes(client.app)
    assert {"/", "/entities", "/search", "/graph", "/entity/{entity_id}", "/document/{doc_id}"} <= {r[0] for r in routes}
    sent = errors = unescaped = 0
    failures = []
    for path, path_params, query_params in routes:
        base = _fill(path, path_params, "calm0000calm0000" if "doc_id" in path_params else "baltic-lending-office")
        for name in query_params:
            for value in NUMBERS + TEXTS:
                r = client.get(base, params={name: value})
                sent += 1
                if r.status_code >= 500:
                    errors += 1
                    failures.append((r.status_code, base, name, value[:40]))
                elif _unescaped(r):
                    unescaped += 1
                    failures.append(("unescaped", base, name, value[:40]))
                assert r.status_code in (200, 404, 422), (base, name, value[:40], r.status_code, r.text[:200])
        for value in TEXTS + NUMBERS:
            if path_params:
                r = client.get(_fill(path, path_params, value))
                sent += 1
                if r.status_code >= 500:
                    errors += 1
                    failures.append((r.status_code, path, value[:40]))
                assert r.status_code in (200, 404, 422), (path, value[:40], r.status_code)
                assert "root:" not in r.text
    print(f"\nweb fuzz: {sent} requests, {errors} 5xx, {unescaped} unescaped payloads")
    assert not failures, failures[:10]
    assert sent > 1000


@pytest.mark.parametrize("url", ["/entities.json", "/documents.json", "/conflicts.json", "/timeline.json", "/money.json",
                                 "/voices.json", "/search.json?q=Estonia", "/entity/x.json", "/entities", "/search?q=Estonia"])
def test_huge_offset_is_a_422_with_a_message(client, url):
    sep = "&" if "?" in url else "?"
    r = client.get(f"{url}{sep}offset=99999999999999999999")
    assert r.status_code == 422
    assert "offset" in r.text and "less than or equal" in r.text
    last = client.get(f"{url}{sep}offset=1000000000")
    assert last.status_code in (200, 404)


def test_numbers_in_range_are_brought_into_range(client):
    assert client.get("/entities.json?limit=99999999999999999999").json()["page"]["limit"] == 200
    assert client.get("/entities.json?limit=-5").json()["page"]["limit"] == 1
    assert client.get("/graph.json?top=99999999999999999999").json()["top"] == 300
    assert client.get("/index.json?top=-99999999999999999999").json()["graph"]["top"] == 1
    assert client.get("/entities.json?offset=5").json()["entities"] == []
    assert client.get("/graph.json?" + "&".join(f"type=T{i}" for i in range(51))).status_code == 422


def test_other_methods_are_refused_and_write_nothing(client, fuzz_db):
    for path, path_params, _ in _routes(client.app):
        url = _fill(path, path_params, "calm0000calm0000")
        for method in METHODS:
            r = client.request(method, url, content=b"DELETE FROM documents")
            assert r.status_code == 405, (method, url, r.status_code)
    assert client.request("POST", "/static/style.css").status_code == 405
    conn = sqlite3.connect(fuzz_db)
    assert conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 2
    conn.close()


def test_head_answers_like_get_without_a_body(client):
    for url in ["/", "/entities", "/graph", "/search?q=Estonia", "/document/calm0000calm0000", "/index.json", "/static/style.css"]:
        get, head = client.get(url), client.head(url)
        assert head.status_code == 200 == get.status_code, url
        assert head.content == b"", url
        assert head.headers["content-type"] == get.headers["content-type"], url
        assert int(head.headers["content-length"]) == len(get.content), url
    assert client.head("/entity/nobody").status_code == 404


def test_path_traversal_and_odd_paths(client):
    probes = ["/static/../../../etc/passwd", "/static/%2e%2e/%2e%2e/etc/passwd", "/static/..%2f..%2fstore/sqlite.py",
              "/static/%00", "/static/style.css%00.js", "/static//etc/passwd", "/document/..%2f..%2f..%2fetc%2fpasswd",
              "/document/%2e%2e", "/entity/..", "/entity/%00", "/static/", "/static", "//etc/passwd", "/%2e%2e/%2e%2e/etc/passwd"]
    for probe in probes:
        r = client.get(probe)
        # "/entity/.." is "/" once the client resolves the dot segment: the home page
        assert r.status_code in ((200,) if probe == "/entity/.." else (400, 404, 405)), (probe, r.status_code)
        assert "root:" not in r.text and "import sqlite3" not in r.text, probe


def test_oversized_url_is_refused(client):
    assert client.get("/search?q=" + "a" * 20_000).status_code == 414
    assert client.get("/entity/" + "a" * 20_000).status_code == 414
    assert client.get("/search?q=" + "a" * 5_000).status_code == 200


def test_host_header_checked_when_given_a_list(fuzz_db):
    from newsgraph.cli.web import _allowed_hosts

    allowed = _allowed_hosts("0.0.0.0", ["news.example.org"])
    assert {"localhost", "127.0.0.1", "news.example.org"} <= set(allowed)
    app_client = TestClient(create_app(fuzz_db, allowed_hosts=allowed), base_url="http://news.example.org")
    assert app_client.get("/").status_code == 200
    assert app_client.get("/", headers={"Host": "localhost:8000"}).status_code == 200
    r = app_client.get("/", headers={"Host": "attacker.example"})
    assert r.status_code == 400 and "Invalid host" in r.text
    assert "attacker" not in r.text
    assert _allowed_hosts("127.0.0.1", []) == sorted({"localhost", "127.0.0.1", "::1", "[::1]"})


def test_security_headers_forbid_framing(client):
    for url in ["/", "/static/style.css", "/nope", "/entities?offset=-1"]:
        r = client.get(url)
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"], url
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["x-content-type-options"] == "nosniff"


def test_no_page_loads_anything_from_elsewhere(client):
    for url in ["/", "/entities", "/graph", "/search?q=Estonia", "/document/calm0000calm0000", "/timeline", "/voices", "/money"]:
        html = client.get(url).text
        assert not re.search(r'(src|href)="(https?:)?//', html), url


def test_search_work_is_bounded(client):
    started = time.perf_counter()
    r = client.get("/search.json", params={"q": " ".join(["the"] * 500)})
    assert r.status_code == 200 and time.perf_counter() - started < 5
    r = client.get("/search.json", params={"q": "the Estonia of"}).json()
    assert r["notes"] == ["common words left out: of, the"] and r["page"]["total"] == 3


def test_search_over_its_budget_answers_too_broad(fuzz_db, monkeypatch):
    """A search past its time budget is stopped and answered with a clear message (and that answer is kept)."""
    from newsgraph.store.queries import search

    calls = []

    def slow(conn, *args, **kwargs):
        calls.append(1)
        conn.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT COUNT(*) FROM n").fetchone()

    monkeypatch.setattr(search, "search_sentences", slow)
    c = TestClient(create_app(fuzz_db, search_budget=0.3))
    started = time.perf_counter()
    r = c.get("/search.json?q=Estonia")
    assert time.perf_counter() - started < 5
    assert r.status_code == 200 and r.json()["error"].startswith("Query too broad")
    assert "Query too broad" in c.get("/search?q=Estonia").text
    assert c.get("/search.json?q=Estonia").json()["error"] and len(calls) == 2  # the JSON answer was kept


def test_pages_stay_consistent_while_a_build_writes(fuzz_db, tmp_path):
    """A writer rewrites and adds documents and reruns the corpus step while pages are read: no 5xx, and each page
    is one state of the database (its total and its rows agree)."""
    from newsgraph.run import resolve_corpus

    db = tmp_path / "live.db"
    shutil.copy(fuzz_db, db)
    client = TestClient(create_app(db), raise_server_exceptions=False)
    stop = threading.Event()
    written = []

    def writer():
        store = open_store(db)
        try:
            k = 0
            while not stop.is_set():
                k += 1
                text = f"The Baltic Lending Office gave Estonia ${k % 9 + 1} billion. Estonia thanked the office {k} times."
                store.write_document(_analysis(f"w{k:015d}", text, f"Loan {k}", "Harbour Post", "2020-04-01"), "test")
                with store.transaction():  # a second commit: between the two the store holds one document more
                    store.conn.execute("DELETE FROM documents WHERE id = ?", (f"w{k - 1:015d}",))
                if k % 4 == 0:
                    resolve_corpus(store)
                written.append(k)
        finally:
            store.close()

    others = ["/", "/entities.json", "/graph.json", "/search.json?q=Estonia", "/money.json", "/entity/estonia"]
    for url in others:
        client.get(url)  # imports (networkx, scipy for the layout) done before the clock starts
    thread = threading.Thread(target=writer)
    thread.start()
    statuses, checked = [], 0
    try:
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline:
            for url in ["/documents.json?limit=200", others[len(statuses) % len(others)]]:
                r = client.get(url)
                statuses.append(r.status_code)
                if url.startswith("/documents") and r.status_code == 200:
                    data = r.json()
                    assert data["page"]["total"] == len(data["documents"]) in (2, 3, 4)  # 2 before the first write
                    checked += 1
    finally:
        stop.set()
        thread.join()
    assert len(written) >= 5 and checked >= 3
    assert set(statuses) == {200}


def _serve(app):
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    return server, thread, sock.getsockname()[1]


SLOW_SQL = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT COUNT(*) FROM n"


def test_work_stops_when_the_client_disconnects(fuzz_db, monkeypatch):
    """A real server: a client asks for a page that computes for ever and hangs up; the computation is stopped."""
    from newsgraph.store.queries import pages

    stopped = threading.Event()

    def endless(conn, *args, **kwargs):
        try:
            conn.execute(SLOW_SQL).fetchone()
        except sqlite3.OperationalError:
            stopped.set()
            raise

    monkeypatch.setattr(pages, "page_entities", endless)
    server, thread, port = _serve(create_app(fuzz_db))
    try:
        sock = socket.create_connection(("127.0.0.1", port))
        sock.sendall(f"GET /entities HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        time.sleep(0.5)
        assert not stopped.is_set()
        sock.close()
        assert stopped.wait(5), "the computation went on after the client left"
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/documents.json")
        assert conn.getresponse().status == 200  # the worker is free again
    finally:
        server.should_exit = True
        thread.join(10)


def test_identical_concurrent_requests_are_computed_once(fuzz_db, monkeypatch):
    from newsgraph.store.queries import pages

    real = pages.page_conflicts
    calls = []

    def slow(conn, *args, **kwargs):
        calls.append(1)
        time.sleep(1.5)
        return real(conn, *args, **kwargs)

    monkeypatch.setattr(pages, "page_conflicts", slow)
    server, thread, port = _serve(create_app(fuzz_db))
    bodies = []

    def fetch():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        conn.request("GET", "/conflicts.json")
        response = conn.getresponse()
        bodies.append((response.status, response.read()))

    try:
        threads = [threading.Thread(target=fetch) for _ in range(10)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(bodies) == 10 and {s for s, _ in bodies} == {200} and len({b for _, b in bodies}) == 1
        assert len(calls) == 1
        fetch()
        assert len(calls) == 1  # and kept for the next visitor
    finally:
        server.should_exit = True
        thread.join(10)


def test_serve_on_a_port_in_use_says_so(fuzz_db):
    from click.testing import CliRunner

    from newsgraph.cli import main

    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    try:
        result = CliRunner().invoke(main, ["serve", "--db", str(fuzz_db), "--port", str(taken.getsockname()[1])])
    finally:
        taken.close()
    assert result.exit_code == 1
    assert "already in use" in result.output and "Traceback" not in result.output


def test_serve_on_all_interfaces_warns(fuzz_db, monkeypatch):
    import uvicorn
    from click.testing import CliRunner

    from newsgraph.cli import main

    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets=None: [s.close() for s in sockets or []])
    result = CliRunner().invoke(main, ["serve", "--db", str(fuzz_db), "--host", "0.0.0.0", "--port", "0"])
    assert result.exit_code == 0, result.output
    assert "reachable from the network" in result.output and "--allow-host" in result.output


def test_worker_processes_build_their_app_from_the_environment(fuzz_db, monkeypatch):
    """`serve --workers N` hands its settings to the worker processes through the environment."""
    import json

    from newsgraph.outputs.web.app import SERVE_SETTINGS, app_from_environment

    monkeypatch.setenv(SERVE_SETTINGS, json.dumps({"db": str(fuzz_db), "allowed_hosts": ["localhost"]}))
    worker = TestClient(app_from_environment(), base_url="http://localhost")
    assert worker.get("/entities.json").status_code == 200
    assert worker.get("/", headers={"Host": "elsewhere.example"}).status_code == 400


@pytest.mark.slow
def test_load_script_runs_bounded(fuzz_db):
    """scripts/load_web.py against a real `newsgraph serve`: it stops at its request count and reports the figures."""
    import subprocess
    import sys

    script = Path(__file__).resolve().parent.parent / "scripts" / "load_web.py"
    started = time.monotonic()
    out = subprocess.run([sys.executable, str(script), "--db", str(fuzz_db), "--clients", "4", "--requests", "200", "--duration", "60"],
                         capture_output=True, text=True, timeout=240)
    assert out.returncode == 0, out.stderr
    assert re.search(r"load: 200 requests in [\d.]+ s = [\d.]+ requests/s; status \{200: 200\}", out.stdout), out.stdout
    assert "p99" in out.stdout and time.monotonic() - started < 200
    table = out.stdout.split("routes, slowest p99 first")[1].splitlines()[2:]
    routes = table[: next((i for i, line in enumerate(table) if not line.startswith("  /")), len(table))]
    assert routes and all(re.match(r"  /\S* +\d+ +\d+ +\d+ +\d+ +\d+$", line) for line in routes), out.stdout
    assert not any(re.match(r"  /entity/(?!\{id\})", line) for line in routes)  # actor pages counted as one route
