"""The web app and the report in a real browser: headless Chromium (Debian package) driven by Playwright.

Every page is opened at 1280 px and at 400 px; a console error or a page wider than the window
fails the test. On the seeds: one colour per event type, the support-network preset linking
Russia, China, Cuba and Turkey to Venezuela or Maduro, labels that do not overlap,
a money page with money only, an HTML 404 page, downloads, and the classic walk (click an actor,
search, read the sentence). Screenshots go to test-artifacts/ (`<page>-<width>.png`).

Chromium is the Debian package at /usr/bin/chromium (scripts/install-browser.sh installs it when
NEWSGRAPH_BROWSER=1 or CI=true); without it these tests skip and say so.
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = os.environ.get("NEWSGRAPH_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
FOCUS_BACKGROUND = "rgb(255, 229, 143)"  # .sent.focus in style.css
WIDTHS = (1280, 400)
SUPPORT_TARGETS = {"venezuela", "nicolas-maduro"}


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """A Chromium context with a fresh profile folder (launch_persistent_context is how Playwright takes --user-data-dir)."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing: run `NEWSGRAPH_BROWSER=1 bash scripts/install-browser.sh` "
                    "(Debian packages chromium, chromium-driver; needs root or sudo)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed (pip install -e '.[dev]')")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(str(profile), executable_path=CHROMIUM, args=ARGS, headless=True,
                                                       accept_downloads=True, viewport={"width": 1280, "height": 900})
        yield context
        context.close()


@pytest.fixture(scope="module")
def server(seeds_db):
    """uvicorn serving the seeds' knowledge base on a free localhost port, in a thread."""
    import uvicorn

    from newsgraph.outputs.web import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(create_app(seeds_db), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not srv.started and time.time() < deadline:
        time.sleep(0.05)
    assert srv.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def report_file(seeds_db, tmp_path_factory):
    from newsgraph.outputs.report import write_report
    from newsgraph.store.sqlite import open_store

    out = tmp_path_factory.mktemp("report") / "dossier.html"
    store = open_store(seeds_db, readonly=True)
    write_report(store.conn, str(out))
    store.close()
    return out


class Watched:
    """A page whose console errors, uncaught exceptions and requests are recorded."""

    def __init__(self, context, width: int):
        self.page = context.new_page()
        self.page.set_viewport_size({"width": width, "height": 900})
        self.width = width
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        self.page.on("request", lambda r: self.requests.append(r.url))

    def open(self, url: str, status: int = 200):
        response = self.page.goto(url)
        assert response is not None and response.status == status, (url, response and response.status)
        self.page.wait_for_load_state("load")
        self.page.wait_for_load_state("networkidle")  # pages that fetch after load (follow.js) have settled before anything is measured
        return response

    def overflow(self) -> int:
        """How many px the page is wider than the window (0 when it fits; tables scroll inside their own box)."""
        return self.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")

    def check(self, url: str, allowed: tuple[str, ...] = ()) -> None:
        errors = [e for e in self.errors if not any(a in e for a in allowed)]
        assert errors == [], f"{url} at {self.width}px: {errors}"
        assert self.overflow() <= 0, f"{url} at {self.width}px is {self.overflow()}px wider than the window"

    def shot(self, name: str, full: bool = False) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}-{self.width}.png"), full_page=full)

    def close(self) -> None:
        self.page.close()


def _pages(seeds_db) -> list[str]:
    import sqlite3

    conn = sqlite3.connect(f"file:{seeds_db}?mode=ro", uri=True)
    doc = conn.execute("SELECT id FROM documents ORDER BY path LIMIT 1").fetchone()[0]
    conn.close()
    return ["/", "/graph", "/graph?preset=support", "/graph?all=1", "/entities", "/entity/russia", "/entity/nicolas-maduro",
            "/documents", f"/document/{doc}?s=3#s3", "/money", "/money?tab=quantities", "/conflicts", "/timeline",
            "/timeline?other=1", "/voices", "/search?q=Rosneft"]


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_fits_and_logs_no_error(browser, server, seeds_db, width):
    shots = {"/": "home", "/graph?preset=support": "graph-support", "/entity/russia": "entity", "/money": "money"}
    for path in _pages(seeds_db):
        w = Watched(browser, width)
        w.open(server + path)
        w.check(path)
        assert all(u.startswith(server) for u in w.requests), [u for u in w.requests if not u.startswith(server)]
        if path in shots:
            if path.startswith("/graph"):
                w.page.locator("#network").scroll_into_view_if_needed()
            w.shot(shots[path])
        w.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_report_fits_logs_no_error_and_asks_for_nothing(browser, report_file, width):
    w = Watched(browser, width)
    w.open(report_file.as_uri())
    w.check("the report")
    assert w.requests == [report_file.as_uri()]
    w.shot("report-top")
    # every section is one click away from the table of contents
    for section in ("overview", "network", "support", "actors", "money", "conflicts", "timeline", "voices", "documents"):
        assert w.page.locator(f'#contents a[href="#{section}"]').count() == 1
    assert w.page.locator("details.document").count() == 5
    assert w.page.locator("details.document[open]").count() == 0
    w.close()


def test_html_404_for_browsers(browser, server):
    w = Watched(browser, 1280)
    response = w.open(server + "/entity/nobody", status=404)
    assert response.headers["content-type"].startswith("text/html")
    assert w.page.locator("h2.error").inner_text() == "404 · Not Found"
    assert "nobody" in w.page.locator(".error-detail").inner_text()
    # the browser logs the 404 of the page itself; anything else is an error of ours
    w.check("/entity/nobody", allowed=("the server responded with a status of 404",))
    w.shot("not-found")
    w.close()
    import httpx

    r = httpx.get(server + "/entity/nobody", headers={"Accept": "application/json"})
    assert r.status_code == 404 and r.json() == {"detail": "no entity 'nobody'"}


def _edges(page) -> list[dict]:
    return page.evaluate("""() => [...document.querySelectorAll('svg.network path.edge')].map(e => ({
        type: e.dataset.type, source: e.dataset.source, target: e.dataset.target, stroke: e.getAttribute('stroke'),
        dash: e.getAttribute('stroke-dasharray') || ''}))""")


def test_graph_colours_are_unique_per_type(browser, server):
    w = Watched(browser, 1280)
    w.open(server + "/graph?all=1")
    colour: dict[str, set[str]] = {}
    for e in _edges(w.page):
        colour.setdefault(e["type"], set()).add(e["stroke"])
    assert len(colour) >= 10, colour  # the seeds have many event types
    assert all(len(c) == 1 for c in colour.values()), colour
    strokes = [next(iter(c)) for c in colour.values()]
    assert len(set(strokes)) == len(strokes), colour
    legend = w.page.evaluate("""() => [...document.querySelectorAll('svg.network g.legend')].map(g =>
        [g.dataset.type, g.querySelector('line').getAttribute('stroke')])""")
    assert {t: {c} for t, c in legend} == colour
    w.close()


def test_default_view_hides_quiet_edges_and_one_off_actors(browser, server):
    w = Watched(browser, 1280)
    w.open(server + "/graph")
    types = {e["type"] for e in _edges(w.page)}
    assert types and not types & {"OTHER", "STATEMENT"}
    shown = w.page.locator("svg.network a.node").count()
    w.page.click("a.show-all")
    w.page.wait_for_url(re.compile(r"/graph\?all=1$"))
    assert {"OTHER", "STATEMENT"} <= {e["type"] for e in _edges(w.page)}
    assert w.page.locator("svg.network a.node").count() > shown
    w.close()


def _linked(edges: list[dict], actor: str) -> bool:
    return any({e["source"], e["target"]} & SUPPORT_TARGETS and actor in (e["source"], e["target"]) for e in edges)


def test_support_preset_shows_who_backs_maduro(browser, server):
    w = Watched(browser, 1280)
    w.open(server + "/graph")
    w.page.click('a.preset[data-preset="support"]')
    w.page.wait_for_url(re.compile(r"/graph\?preset=support$"))
    edges = _edges(w.page)
    assert {e["type"] for e in edges} <= {"SUPPORT", "AID", "FINANCE", "COOPERATE", "DEPLOY", "TRADE", "AGREE"}
    for actor in ("russia", "china", "cuba", "turkey", "rosneft"):
        assert _linked(edges, actor), f"{actor} is not linked to Venezuela or Maduro in the support network"
    # the arrows point from the backer: Turkey → Maduro ("sought support from ... Turkey"), China → Venezuela ("owed billions
    # to China"), Cuba → Maduro ("the spear Maduro is using, with Cuban assistance")
    assert {("turkey", "nicolas-maduro"), ("china", "venezuela"), ("rosneft", "venezuela"), ("cuba", "nicolas-maduro")} <= {(e["source"], e["target"]) for e in edges}
    for actor in ("russia", "china", "cuba", "turkey", "venezuela", "nicolas-maduro"):
        node = w.page.locator(f'svg.network a.node[data-entity="{actor}"]')
        assert node.count() == 1 and node.locator("text.label").count() == 1, f"{actor} has no visible label"
    w.close()


@pytest.mark.parametrize("path", ["/graph?preset=support", "/graph?all=1", "/"])
def test_graph_labels_do_not_overlap(browser, server, path):
    w = Watched(browser, 1280)
    w.open(server + path)
    # One snapshot of labels and circles: on a repeat visit follow.js swaps the arrivals list above the graph after load,
    # which moved every circle ~127 px between two separate measurements and made this test fail now and then.
    boxes, circles = w.page.evaluate("""() => {
        const box = (e, name) => { const b = e.getBoundingClientRect(); return [name, b.left, b.top, b.right, b.bottom]; };
        return [[...document.querySelectorAll('svg.network text.label')].map(t => box(t, t.textContent)),
                [...document.querySelectorAll('svg.network circle')].map(c => box(c, c.closest('a').dataset.entity))]; }""")
    assert len(boxes) >= 5
    clashes = [(a[0], b[0]) for i, a in enumerate(boxes) for b in boxes[i + 1:]
               if a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]]
    assert clashes == [], clashes
    covered = [(t[0], c[0]) for t in boxes for c in circles
               if t[1] < c[3] - 1 and c[1] + 1 < t[3] and t[2] < c[4] - 1 and c[2] + 1 < t[4]]
    assert covered == [], covered
    w.close()


def test_graph_downloads_svg_and_png(browser, server, tmp_path):
    w = Watched(browser, 1280)
    w.open(server + "/graph?preset=support")
    w.shot("graph-support-full", full=True)
    with w.page.expect_download() as got:
        w.page.click('button.download[data-format="svg"]')
    svg = got.value
    assert svg.suggested_filename == "newsgraph-network-support.svg"
    text = Path(svg.path()).read_text(encoding="utf-8")
    assert text.startswith("<svg") and 'data-entity="russia"' in text and 'class="label"' in text
    with w.page.expect_download() as got:
        w.page.click('button.download[data-format="png"]')
    png = got.value
    assert png.suggested_filename == "newsgraph-network-support.png"
    assert Path(png.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    w.check("/graph?preset=support")
    w.close()


def test_money_page_shows_money_only(browser, server):
    w = Watched(browser, 1280)
    w.open(server + "/money")
    kinds = w.page.evaluate("() => [...document.querySelectorAll('table.money .amount')].map(a => a.dataset.kind)")
    assert kinds and set(kinds) == {"money"}
    text = w.page.locator("main").inner_text()
    for quantity in ("two stints", "only 35 miles", "13 other European countries"):
        assert quantity not in text
    # the denied sum says so, an estimate shows as one
    denied = w.page.locator("table.money tr.negated-row")
    assert denied.count() >= 1 and "USD $8.8 billion" in denied.first.inner_text()
    assert "≈ 70 billion USD" in text
    w.page.click('a.tab:has-text("quantities")')
    w.page.wait_for_url(re.compile(r"/money\?tab=quantities$"))
    text = w.page.locator("main").inner_text()
    assert "two stints" in text and "≥ 1,000 t" in text
    w.check("/money?tab=quantities")
    w.close()


def test_click_actor_search_and_read(browser, server):
    w = Watched(browser, 1280)
    w.open(server + "/")
    nodes = w.page.locator("svg.network a.node")
    assert nodes.count() >= 10
    node = w.page.locator('svg.network a.node[data-entity="vladimir-putin"]')
    if node.count() == 0:
        node = nodes.first
    entity = node.get_attribute("data-entity")
    tooltip = node.locator("title").text_content()
    node.locator("circle").click()
    w.page.wait_for_url(re.compile(rf"/entity/{re.escape(entity)}$"))
    heading = w.page.locator("h2.entity-name").inner_text()
    assert heading and tooltip.startswith(heading)

    w.page.fill("nav input[name=q]", "Rosneft")
    w.page.press("nav input[name=q]", "Enter")
    w.page.wait_for_url(re.compile(r"/search\?q=Rosneft"))
    results = w.page.locator("ol.results a.result")
    assert results.count() >= 1
    assert w.page.locator("ol.results mark.hit").first.inner_text() == "Rosneft"
    w.shot("search")

    results.first.click()
    w.page.wait_for_url(re.compile(r"/document/[0-9a-f]+\?s=\d+#s\d+$"))
    focus = w.page.locator(".sent.focus")
    assert focus.count() == 1
    assert "Rosneft" in focus.inner_text()
    assert focus.evaluate("el => getComputedStyle(el).backgroundColor") == FOCUS_BACKGROUND
    assert focus.is_visible()
    assert w.page.locator(".sent.focus mark.l-entity").count() >= 1
    w.shot("document")

    # toggling a layer off takes its highlight away
    box = w.page.locator('input.toggle[data-layer="entity"]')
    mark = w.page.locator(".doc-text mark.l-entity").first
    before = mark.evaluate("el => getComputedStyle(el).backgroundColor")
    box.uncheck()
    assert mark.evaluate("el => getComputedStyle(el).backgroundColor") in ("rgba(0, 0, 0, 0)", "transparent")
    assert before not in ("rgba(0, 0, 0, 0)", "transparent")
    w.check("document page")
    w.close()


def test_entity_page_ranks_events_and_counts_labels(browser, server):
    w = Watched(browser, 1280)
    w.open(server + "/entity/russia")
    did = w.page.locator("ul.events").first.locator("li.event")
    first_types = [did.nth(i).get_attribute("data-type") for i in range(min(5, did.count()))]
    assert "OTHER" not in first_types and "PROTEST" not in first_types, first_types
    # OTHER events are folded away
    assert w.page.locator("details.other-events").count() >= 1
    assert w.page.locator("details.other-events[open]").count() == 0
    w.open(server + "/entity/nicolas-maduro")
    labels = w.page.locator("ul.labels li").all_inner_texts()
    regime = [t for t in labels if t.startswith("regime")]
    assert len(regime) == 1 and re.search(r"×\d+", regime[0]), labels
    w.check("/entity/nicolas-maduro")
    w.close()


def test_graph_explorer_filters_and_zooms(browser, server):
    w = Watched(browser, 1280)
    w.open(server + "/graph")
    svg = w.page.locator("#network svg")
    before = svg.evaluate("el => el.getAttribute('viewBox')")
    svg.scroll_into_view_if_needed()
    box = svg.bounding_box()
    w.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + min(box["height"] / 2, 300))
    w.page.mouse.wheel(0, -400)
    w.page.wait_for_timeout(100)
    after = svg.evaluate("el => el.getAttribute('viewBox')")
    assert after != before
    assert float(after.split()[2]) < float(before.split()[2])  # zoomed in: narrower view
    first_type = w.page.locator("form.filters input[name=type]").first
    chosen = first_type.get_attribute("value")
    first_type.check()
    w.page.click("form.filters button")
    w.page.wait_for_url(re.compile(r"/graph\?type="))
    types = {e["type"] for e in _edges(w.page)}
    assert types <= {chosen}
    w.check("/graph?type=…")
    w.close()


def test_report_sentence_links_unfold_their_document(browser, report_file):
    w = Watched(browser, 1280)
    w.open(report_file.as_uri())
    w.page.locator("#conflicts").scroll_into_view_if_needed()
    w.shot("report-conflicts")
    link = w.page.locator("#conflicts a.sentence").first
    target = link.get_attribute("href")
    link.click()
    assert w.page.evaluate("location.hash") == target
    sentence = w.page.locator(target)
    assert sentence.evaluate("el => getComputedStyle(el).backgroundColor") == FOCUS_BACKGROUND
    assert sentence.is_visible()
    assert w.page.locator("details.document[open]").count() == 1
    w.shot("report-sentence")
    w.check("the report")
    w.close()
