"""The web app in a real browser: headless Chromium (Debian package) driven by Playwright.

Open the home page, click an actor in the graph, land on its page, search "Rosneft", open the
document view at the hit and see the sentence highlighted. Screenshots go to test-artifacts/.
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

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
FOCUS_BACKGROUND = "rgb(255, 229, 143)"  # .sent.focus in style.css


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing: run `bash scripts/install-browser.sh` (Debian packages chromium, chromium-driver)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed (pip install playwright)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


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
    deadline = time.time() + 20
    while not srv.started and time.time() < deadline:
        time.sleep(0.05)
    assert srv.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


def test_click_actor_search_and_read(browser, server):
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    page.goto(server + "/")
    nodes = page.locator("svg.network a.node")
    assert nodes.count() >= 10
    page.screenshot(path=str(ARTIFACTS / "01-home.png"))

    node = page.locator('svg.network a.node[data-entity="vladimir-putin"]')
    if node.count() == 0:
        node = nodes.first
    entity = node.get_attribute("data-entity")
    tooltip = node.locator("title").text_content()
    node.locator("circle").click()
    page.wait_for_url(re.compile(rf"/entity/{re.escape(entity)}$"))
    heading = page.locator("h2.entity-name").inner_text()
    assert heading and tooltip.startswith(heading)
    page.screenshot(path=str(ARTIFACTS / "02-entity.png"))

    page.fill("nav input[name=q]", "Rosneft")
    page.press("nav input[name=q]", "Enter")
    page.wait_for_url(re.compile(r"/search\?q=Rosneft"))
    results = page.locator("ol.results a.result")
    assert results.count() >= 1
    assert page.locator("ol.results mark.hit").first.inner_text() == "Rosneft"
    page.screenshot(path=str(ARTIFACTS / "03-search.png"))

    results.first.click()
    page.wait_for_url(re.compile(r"/document/[0-9a-f]+\?s=\d+#s\d+$"))
    focus = page.locator(".sent.focus")
    assert focus.count() == 1
    assert "Rosneft" in focus.inner_text()
    assert focus.evaluate("el => getComputedStyle(el).backgroundColor") == FOCUS_BACKGROUND
    assert focus.is_visible()
    assert page.locator(".sent.focus mark.l-entity").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "04-document.png"))

    # toggling a layer off takes its highlight away
    box = page.locator('input.toggle[data-layer="entity"]')
    mark = page.locator(".doc-text mark.l-entity").first
    before = mark.evaluate("el => getComputedStyle(el).backgroundColor")
    box.uncheck()
    assert mark.evaluate("el => getComputedStyle(el).backgroundColor") in ("rgba(0, 0, 0, 0)", "transparent")
    assert before not in ("rgba(0, 0, 0, 0)", "transparent")

    assert errors == []
    assert all(u.startswith(server) for u in requests), [u for u in requests if not u.startswith(server)]
    page.close()


def test_graph_explorer_filters_and_zooms(browser, server):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server + "/graph")
    svg = page.locator("#network svg")
    before = svg.evaluate("el => el.getAttribute('viewBox')")
    box = svg.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, -400)
    page.wait_for_timeout(100)
    after = svg.evaluate("el => el.getAttribute('viewBox')")
    assert after != before
    assert float(after.split()[2]) < float(before.split()[2])  # zoomed in: narrower view
    first_type = page.locator("form.filters input[name=type]").first
    chosen = first_type.get_attribute("value")
    first_type.check()
    page.click("form.filters button")
    page.wait_for_url(re.compile(r"/graph\?type="))
    types = {e.get_attribute("data-type") for e in page.locator("svg.network path.edge").all()}
    assert types <= {chosen}
    page.screenshot(path=str(ARTIFACTS / "05-graph.png"))
    page.close()


def test_report_opens_offline(browser, seeds_db, tmp_path):
    from newsgraph.outputs.report import write_report
    from newsgraph.store.sqlite import open_store

    out = tmp_path / "dossier.html"
    store = open_store(seeds_db, readonly=True)
    write_report(store.conn, str(out))
    store.close()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(out.as_uri())
    page.locator("#conflicts").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "06-report-conflicts.png"))
    link = page.locator("#conflicts a.sentence").first
    target = link.get_attribute("href")
    link.click()
    assert page.evaluate("location.hash") == target
    assert page.locator(target).evaluate("el => getComputedStyle(el).backgroundColor") == FOCUS_BACKGROUND
    page.screenshot(path=str(ARTIFACTS / "07-report-sentence.png"))
    assert requests == [out.as_uri()]
    page.close()
