"""Following feeds and pages over HTTP: a local server on 127.0.0.1 serves feeds and pages written for these tests.

Checks: items ingested once; a second run sends conditional requests and ingests nothing;
an edited page becomes a new version; a 404, a timeout, a huge page, a non-HTML page and
a malformed feed are skipped with reasons; robots.txt is obeyed and requests to a host are paced
(--delay, Crawl-delay) under a clear User-Agent; `follow --every` stops
cleanly on Ctrl-C with nothing lost.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from newsgraph.ingest.web import FetchOptions
from newsgraph.run import BuildOptions, build
from newsgraph.store.sqlite import open_store

ROOT = Path(__file__).resolve().parent.parent

# Articles written for these tests (invented outlets and events).
PARAGRAPHS = {
    "loan": [
        "Russia agreed on Tuesday to lend Venezuela $2 billion for its oil industry, officials in Caracas said.",
        "The loan from Moscow comes as Nicolás Maduro seeks money to pay the country's creditors. The state oil company "
        "PDVSA will repay it with crude shipments over five years, according to the energy ministry.",
        "Opposition leader Juan Guaidó said the deal mortgaged the country's future and called on Russia to stop "
        "financing the government. Analysts in Caracas said the money would last only a few months.",
    ],
    "bombers": [
        "Two Russian bombers landed at the Maiquetía airport near Caracas on Monday, the defence ministry in Moscow said.",
        "The aircraft flew more than ten thousand kilometres for what Venezuela's defence minister Vladimir Padrino "
        "called joint exercises with the Venezuelan air force.",
        "The United States secretary of state criticised the flights, saying the people of Russia and Venezuela should "
        "see two corrupt governments squandering public funds. The bombers returned home on Friday.",
    ],
    "talks": [
        "China and Venezuela held talks in Beijing on Wednesday about the repayment of loans worth $20 billion.",
        "Venezuelan officials asked for more time to pay, saying oil output had fallen sharply this year. "
        "Chinese banks have lent Caracas more than any other creditor over the past decade.",
        "A foreign ministry spokesman in Beijing said China hoped Venezuela would keep its stability and "
        "honour its commitments, and declined to give details of the talks.",
    ],
}


def page(title: str, paragraphs: list[str], site: str | None = "Harbor Gazette", date: str | None = None) -> bytes:
    meta = f'<meta property="og:site_name" content="{site}">' if site else ""
    if date:
        meta += f'<meta property="article:published_time" content="{date}">'
    body = "".join(f"<p>{p}</p>\n" for p in paragraphs)
    return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>{meta}</head>"
            f"<body><nav><a href=\"/\">Home</a></nav><article><h1>{title}</h1>\n{body}</article>"
            f"<footer>Harbor Gazette, all rights reserved</footer></body></html>").encode("utf-8")


def rss(base: str, items: list[tuple[str, str, str]], title: str = "Harbor Gazette: World") -> bytes:
    """An RSS 2.0 feed of (path, title, RFC 822 date) items."""
    entries = "".join(
        f"<item><title>{t}</title><link>{base}{p}</link><guid>{base}{p}</guid><pubDate>{d}</pubDate></item>" for p, t, d in items
    )
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>'
            f"<link>{base}/</link><description>World news</description>{entries}</channel></rss>").encode("utf-8")


class Site:
    """What the local server serves: path -> (status, content type, body, seconds to wait first); and what it was asked."""

    def __init__(self):
        self.routes: dict[str, tuple[int, str, bytes, float]] = {}
        self.log: list[tuple[str, dict]] = []
        self.times: list[tuple[str, float]] = []  # (path, time.monotonic() when asked)
        self.lock = threading.Lock()

    def set(self, path: str, body: bytes, ctype: str = "text/html; charset=utf-8", status: int = 200, wait: float = 0.0):
        with self.lock:
            self.routes[path] = (status, ctype, body, wait)

    def asked(self, path: str) -> list[dict]:
        with self.lock:
            return [h for p, h in self.log if p == path]


def _handler(site: Site):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_GET(self):
            import hashlib

            with site.lock:
                site.log.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                site.times.append((self.path, time.monotonic()))
                route = site.routes.get(self.path)
            if route is None:
                self._send(404, "text/html", b"<html><body>not here</body></html>")
                return
            status, ctype, body, wait = route
            if wait:
                time.sleep(wait)
            etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
            if status == 200 and self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self._send(status, ctype, body, etag)

        def _send(self, status, ctype, body, etag=None):
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            if etag and status == 200:
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", formatdate(usegmt=True))
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

    return Handler


@pytest.fixture
def site():
    s = Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(s))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    s.base = f"http://127.0.0.1:{server.server_address[1]}"
    s.set("/robots.txt", b"User-agent: *\nDisallow: /private/\n", "text/plain")
    yield s
    server.shutdown()
    server.server_close()


def options(**fetch) -> BuildOptions:
    fetch.setdefault("delay", 0.0)
    fetch.setdefault("timeout", 5.0)
    return BuildOptions(fetch=FetchOptions(**fetch), drop_missing=False)


def rows(db, sql, args=()):
    with open_store(db, readonly=True) as store:
        return [tuple(r) for r in store.conn.execute(sql, args)]


DATE1 = "Tue, 05 Mar 2019 10:00:00 GMT"
DATE2 = "Wed, 06 Mar 2019 09:30:00 GMT"


def test_feed_items_are_ingested_once_and_a_second_run_asks_conditionally(site, tmp_path):
    site.set("/news/loan", page("Russia lends Venezuela $2 billion", PARAGRAPHS["loan"]))
    # this page names no site and no date: the feed entry supplies the outlet and the published date
    site.set("/news/bombers", page("Russian bombers land near Caracas", PARAGRAPHS["bombers"], site=None))
    site.set("/feed.xml", rss(site.base, [("/news/loan", "Russia lends Venezuela $2 billion", DATE1),
                                         ("/news/bombers", "Russian bombers land near Caracas", DATE2)]),
             "application/rss+xml")
    db = tmp_path / "kb.db"
    first = build([site.base + "/feed.xml"], str(db), options=options())
    assert first.processed == 2 and not first.skipped
    docs = rows(db, "SELECT path, outlet, published, title FROM documents ORDER BY path")
    assert docs == [
        (site.base + "/news/bombers", "Harbor Gazette: World", "2019-03-06", "Russian bombers land near Caracas"),
        (site.base + "/news/loan", "Harbor Gazette", "2019-03-05", "Russia lends Venezuela $2 billion"),
    ]
    assert len(site.asked("/news/loan")) == 1 and len(site.asked("/robots.txt")) == 1
    assert all("newsgraph/" in h["user-agent"] for _, h in site.log)

    second = build([site.base + "/feed.xml"], str(db), options=options())
    assert second.processed == 0 and not second.skipped and not second.resolved
    feed_asks = site.asked("/feed.xml")
    assert len(feed_asks) == 2 and feed_asks[1].get("if-none-match") and feed_asks[1].get("if-modified-since")
    assert second.feeds[site.base + "/feed.xml"]["not_modified"]  # the server answered 304
    assert len(site.asked("/news/loan")) == 1  # an unchanged feed sends no one to its pages

    # a new item: only it is read; the pages seen before are asked for conditionally and answer 304
    site.set("/news/talks", page("China and Venezuela talk debt", PARAGRAPHS["talks"]))
    site.set("/feed.xml", rss(site.base, [("/news/talks", "China and Venezuela talk debt", DATE2),
                                         ("/news/loan", "Russia lends Venezuela $2 billion", DATE1),
                                         ("/news/bombers", "Russian bombers land near Caracas", DATE2)]),
             "application/rss+xml")
    third = build([site.base + "/feed.xml"], str(db), options=options())
    assert third.processed == 1 and third.unchanged == 2
    assert site.asked("/news/loan")[-1].get("if-none-match")
    assert rows(db, "SELECT COUNT(*) FROM documents") == [(3,)]


def test_an_edited_page_becomes_a_new_version_keeping_the_old_facts(site, tmp_path):
    url = site.base + "/news/loan"
    site.set("/news/loan", page("Russia lends Venezuela $2 billion", PARAGRAPHS["loan"]))
    db = tmp_path / "kb.db"
    build([url], str(db), options=options())
    (old_id,) = rows(db, "SELECT id FROM documents")[0]
    old_amounts = rows(db, "SELECT text FROM amounts WHERE doc = ? ORDER BY start", (old_id,))
    assert ("$2 billion",) in old_amounts
    edited = [PARAGRAPHS["loan"][0].replace("$2 billion", "$3 billion")] + PARAGRAPHS["loan"][1:] + [
        "Update: the finance ministry later said the loan was larger than first reported."]
    site.set("/news/loan", page("Russia lends Venezuela $3 billion", edited))
    again = build([url], str(db), options=options())
    assert again.processed == 1 and again.versions == [(url, 1)]
    docs = dict(rows(db, "SELECT path, id FROM documents"))
    assert set(docs) == {url, url + "#v1"} and docs[url + "#v1"] == old_id
    # the old version's facts stay with the old version; the new text has its own
    assert rows(db, "SELECT text FROM amounts WHERE doc = ? ORDER BY start", (old_id,)) == old_amounts
    assert ("$3 billion",) in rows(db, "SELECT text FROM amounts WHERE doc = ?", (docs[url],))
    assert rows(db, "SELECT doc, canonical, kind FROM copies") == [(old_id, docs[url], "version")]
    from newsgraph.outputs.export import export_json

    with open_store(db, readonly=True) as store:
        exported = {d["path"]: d for d in export_json(store.conn)["documents"]}
    assert exported[url + "#v1"]["version"] == 1 and exported[url + "#v1"]["copy_of"] == docs[url]
    assert exported[url]["version"] == 2 and exported[url]["copies"] == [old_id]
    # an unchanged page is not read again
    third = build([url], str(db), options=options())
    assert third.processed == 0 and third.unchanged == 1


def test_bad_pages_and_feeds_are_skipped_with_reasons(site, tmp_path):
    site.set("/news/loan", page("Russia lends Venezuela $2 billion", PARAGRAPHS["loan"]))
    site.set("/news/slow", page("Slow", PARAGRAPHS["talks"]), wait=3.0)
    site.set("/news/huge", page("Huge", PARAGRAPHS["bombers"] * 400))
    site.set("/files/report.pdf", b"%PDF-1.4 not really a pdf", "application/pdf")
    site.set("/private/memo", page("Memo", PARAGRAPHS["talks"]))
    site.set("/feed.xml", rss(site.base, [("/news/loan", "Loan", DATE1), ("/news/gone", "Gone", DATE1),
                                         ("/news/slow", "Slow", DATE1), ("/news/huge", "Huge", DATE1),
                                         ("/files/report.pdf", "Report", DATE1), ("/private/memo", "Memo", DATE1)]),
             "application/rss+xml")
    site.set("/broken.xml", b'<?xml version="1.0"?><rss version="2.0"><channel><title>Broken</title><item><title>One</ti',
             "application/rss+xml")
    db = tmp_path / "kb.db"
    report = build([site.base + "/feed.xml", site.base + "/broken.xml"], str(db),
                   options=options(timeout=0.5, max_bytes=50_000))
    assert report.processed == 1
    reasons = {s.path.replace(site.base, ""): (s.code, s.reason) for s in report.skipped}
    assert reasons["/news/gone"] == ("http", "HTTP 404 Not Found")
    assert reasons["/news/slow"][0] == "timeout"
    assert reasons["/news/huge"][0] == "too-large" and "50,000" in reasons["/news/huge"][1]
    assert reasons["/files/report.pdf"] == ("not-html", "not an HTML page (content type application/pdf)")
    assert reasons["/private/memo"][0] == "robots" and "disallows" in reasons["/private/memo"][1]
    assert reasons["/broken.xml"][0] == "feed" and "not a readable RSS or Atom feed" in reasons["/broken.xml"][1]
    assert site.asked("/private/memo") == []  # robots.txt is obeyed: never requested
    stored = dict(rows(db, "SELECT path, code FROM skipped"))
    assert stored[site.base + "/news/gone"] == "http" and stored[site.base + "/broken.xml"] == "feed"
    # a timeout may pass: the feed is not marked as seen, so the next run reads it in full again
    assert rows(db, "SELECT COUNT(*) FROM fetches WHERE url = ?", (site.base + "/feed.xml",)) == [(0,)]


def test_robots_disallow_all(site, tmp_path):
    site.set("/robots.txt", b"User-agent: newsgraph\nDisallow: /\n", "text/plain")
    site.set("/news/loan", page("Russia lends Venezuela $2 billion", PARAGRAPHS["loan"]))
    report = build([site.base + "/news/loan"], str(tmp_path / "kb.db"), options=options())
    assert report.processed == 0 and [s.code for s in report.skipped] == ["robots"]
    assert site.asked("/news/loan") == []


def _gaps(site) -> list[float]:
    return [b - a for (_, a), (_, b) in zip(site.times, site.times[1:])]


def test_requests_to_one_host_are_paced_by_delay_and_crawl_delay(site):
    """Politeness: at most one request per --delay seconds to a host, or robots.txt's Crawl-delay when it asks for more."""
    from newsgraph.ingest.web import Fetcher

    for n in range(3):
        site.set(f"/news/{n}", page(f"Page {n}", PARAGRAPHS["loan"]))
    fetcher = Fetcher(FetchOptions(delay=0.4, timeout=5.0))
    try:
        assert [fetcher.fetch(f"{site.base}/news/{n}").status for n in range(3)] == [200, 200, 200]
    finally:
        fetcher.close()
    assert [p for p, _ in site.times] == ["/robots.txt", "/news/0", "/news/1", "/news/2"]
    assert len(_gaps(site)) == 3 and all(g >= 0.38 for g in _gaps(site)), _gaps(site)

    site.times.clear()
    site.set("/robots.txt", b"User-agent: *\nCrawl-delay: 1\nDisallow: /private/\n", "text/plain")
    fetcher = Fetcher(FetchOptions(delay=0.0, timeout=5.0))
    try:
        assert [fetcher.fetch(f"{site.base}/news/{n}").status for n in range(2)] == [200, 200]
    finally:
        fetcher.close()
    assert [p for p, _ in site.times] == ["/robots.txt", "/news/0", "/news/1"]
    assert all(g >= 0.98 for g in _gaps(site)), _gaps(site)
    # the User-Agent says who is asking
    assert all(h["user-agent"].startswith("newsgraph/") and "robots.txt" in h["user-agent"] for _, h in site.log)


def test_build_reads_a_single_page_url_and_cli_accepts_it(site, tmp_path):
    site.set("/news/talks", page("China and Venezuela talk debt", PARAGRAPHS["talks"], date="2019-03-07"))
    db = tmp_path / "kb.db"
    out = subprocess.run([sys.executable, "-m", "newsgraph", "build", site.base + "/news/talks", "--db", str(db), "--quiet"],
                         capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert rows(db, "SELECT path, title, outlet, published FROM documents") == [
        (site.base + "/news/talks", "China and Venezuela talk debt", "Harbor Gazette", "2019-03-07")]


def test_follow_reads_a_feeds_list_and_rejects_what_is_no_url(site, tmp_path):
    site.set("/news/loan", page("Russia lends Venezuela $2 billion", PARAGRAPHS["loan"], site=None))
    site.set("/feed.xml", rss(site.base, [("/news/loan", "Loan", DATE1)]), "application/rss+xml")
    listing = tmp_path / "feeds.txt"
    listing.write_text(f"# what we follow\n{site.base}/feed.xml  Caribbean Ledger\n", encoding="utf-8")
    db = tmp_path / "kb.db"
    cmd = [sys.executable, "-m", "newsgraph", "follow", str(listing), "--db", str(db), "--delay", "0", "--once"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert "1 new or changed documents" in out.stdout
    assert rows(db, "SELECT outlet FROM documents") == [("Caribbean Ledger",)]  # the outlet named in feeds.txt
    bad = subprocess.run([sys.executable, "-m", "newsgraph", "follow", "not-a-url", "--db", str(db)],
                         capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert bad.returncode == 2 and "neither a URL" in bad.stderr and "Traceback" not in bad.stderr


@pytest.mark.slow
def test_follow_every_stops_cleanly_on_ctrl_c_with_nothing_lost(site, tmp_path, newsgraph_command):
    site.set("/news/loan", page("Russia lends Venezuela $2 billion", PARAGRAPHS["loan"]))
    site.set("/news/bombers", page("Russian bombers land near Caracas", PARAGRAPHS["bombers"]))
    site.set("/news/talks", page("China and Venezuela talk debt", PARAGRAPHS["talks"]), wait=2.0)
    site.set("/feed.xml", rss(site.base, [("/news/loan", "Loan", DATE1), ("/news/bombers", "Bombers", DATE2),
                                         ("/news/talks", "Talks", DATE2)]), "application/rss+xml")
    db = tmp_path / "kb.db"
    proc = subprocess.Popen(newsgraph_command("follow", site.base + "/feed.xml", "--every", "2s",
                            "--delay", "0", "--db", str(db)), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and not site.asked("/news/talks"):
            time.sleep(0.1)
        assert site.asked("/news/talks"), "the follower never reached the third page"
        proc.send_signal(signal.SIGINT)  # in the middle of the first check: the slow page is being fetched
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "Stopped" in err and "Traceback" not in err
    kept = rows(db, "SELECT path FROM documents ORDER BY path")
    assert len(kept) <= 3
    # nothing lost: the next run reads exactly what the interrupted one did not store, and each page once
    again = subprocess.run([sys.executable, "-m", "newsgraph", "follow", site.base + "/feed.xml", "--once", "--delay", "0",
                            "--db", str(db)], capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert again.returncode == 0, again.stderr
    assert f"{3 - len(kept)} new or changed documents" in again.stdout
    assert rows(db, "SELECT COUNT(*), COUNT(DISTINCT path) FROM documents") == [(3, 3)]
    with open_store(db, readonly=True) as store:
        assert store.get_meta("resolved") == store.corpus_fingerprint()  # the corpus step finished too

    # a follower left running is stopped between two checks the same way
    proc = subprocess.Popen(newsgraph_command("follow", site.base + "/feed.xml", "--every", "8s",
                            "--delay", "0", "--db", str(db)), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        deadline = time.monotonic() + 300
        asked = len(site.asked("/feed.xml"))
        while time.monotonic() < deadline and len(site.asked("/feed.xml")) < asked + 2:
            time.sleep(0.1)
        time.sleep(2.0)  # the second check is a 304: it is over, the follower waits for the next one
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0 and "Stopped after" in err and "during a check" not in err, err
    assert "0 new or changed documents" in out
    assert rows(db, "SELECT COUNT(*) FROM documents") == [(3,)]
