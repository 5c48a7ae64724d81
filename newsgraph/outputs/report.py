"""The dossier: one self-contained HTML file (inline CSS, SVG and a few lines of JS; no requests).

Every fact links to its sentence in a document view inside the same file. The
report renders the same templates as the web app with a different `Links`: in
the report a link is an `#anchor`, and a link whose target the report does not
hold (an actor outside the index, a document beyond the cap) is left as text,
so every link target exists.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime, timezone
from functools import lru_cache
from importlib import resources

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from newsgraph.outputs import svg
from newsgraph.store.queries import money, network, pages
from newsgraph.store.queries.core import documents_by_date
from newsgraph.store.queries.labels import outlet_label
from newsgraph.store.queries.money import amount_bound

TOP_ACTORS = 12  # actors with a full section in the report
GRAPH_NODES = 40
MAX_DOCUMENTS = 300  # document views embedded; beyond this only documents that facts cite
MAX_ENTITY_INDEX = 400
MAX_STORIES = 30  # stories shown in full, the most recent first


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The Jinja2 environment shared by the report and the web app (autoescape on for every template)."""
    env = Environment(loader=PackageLoader("newsgraph.outputs", "templates"), autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["snippet"] = snippet_html
    env.filters["money"] = format_amount
    env.filters["docname"] = document_name
    env.filters["outlet"] = outlet_name
    env.filters["amount"] = amount_text
    return env


def static_text(name: str) -> str:
    return (resources.files("newsgraph.outputs") / "static" / name).read_text(encoding="utf-8")


def snippet_html(snippet: str | None) -> Markup:
    """An FTS5 snippet with \\x01…\\x02 around hits, as escaped HTML with <mark> around the hits."""
    text = Markup.escape(snippet or "")
    return Markup(str(text).replace("\x01", '<mark class="hit">').replace("\x02", "</mark>"))


def document_name(row: dict) -> str:
    """How a document is named next to a fact: its outlet, else its title, else its file name."""
    return row.get("outlet") or row.get("title") or os.path.basename(str(row.get("path") or "")) or "?"


def outlet_name(row: dict) -> str:
    """The outlet a fact comes from, for an "outlet" column: "unknown outlet (title)" when the document names none."""
    return outlet_label(row.get("outlet"), row.get("title"), row.get("path"))


# Units shown short, as an analyst writes them ("≥ 1,000 t").
UNIT_SHORT = {"metric ton": "t", "metric tons": "t", "tonne": "t", "tonnes": "t", "ton": "t", "tons": "t", "kilogram": "kg",
              "kilometre": "km", "kilometer": "km", "mile": "mi", "barrel": "bbl", "percent": "%", "per cent": "%"}


def amount_text(row: dict) -> str:
    """An amount as a reader should take it: its bound ("≥" for "thousands of", "≈" for "some"), value and short unit."""
    unit = row.get("unit")
    unit = UNIT_SHORT.get((unit or "").lower(), unit)
    text = format_amount(row.get("value"), unit)
    if unit == "%" and text.endswith(" %"):
        text = text[:-2] + "%"
    bound = row.get("bound") if "bound" in row else amount_bound(row.get("text"))
    return f"{bound} {text}" if bound else text


def format_amount(value, unit: str | None = None) -> str:
    if value is None:
        return "?"
    v = float(value)
    for size, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if abs(v) >= size:
            return f"{v / size:,.3g} {word} {unit or ''}".strip()
    return f"{v:,.10g} {unit or ''}".strip()


class ReportLinks:
    """Links as anchors inside the report; None when the target is not in the file."""

    mode = "report"

    def __init__(self, documents: dict[str, int], entities: set[str], actors: set[str] = frozenset()):
        self.documents = documents  # doc id -> section number
        self.entities = entities  # ids with a row in the actor index
        self.actors = actors  # ids with a section of their own

    def entity(self, entity_id: str | None) -> str | None:
        if entity_id in self.actors:
            return f"#actor-{entity_id}"
        return f"#entity-{entity_id}" if entity_id in self.entities else None

    def document(self, doc: str | None) -> str | None:
        return f"#doc-{self.documents[doc]}" if doc in self.documents else None

    def sentence(self, doc: str | None, idx: int | None) -> str | None:
        if doc not in self.documents or idx is None:
            return None
        return f"#{self.sentence_id(doc, idx)}"

    def sentence_id(self, doc: str, idx: int) -> str:
        return f"doc-{self.documents[doc]}-s{idx}"

    def page(self, name: str, **params) -> str | None:
        return f"#{name}"


def _cited_documents(*lists) -> list[str]:
    """Document ids that facts in the report point at, in first-cited order."""
    seen: dict[str, None] = {}

    def walk(obj):
        if isinstance(obj, dict):
            if isinstance(obj.get("doc"), str):
                seen.setdefault(obj["doc"], None)
            for v in obj.values():
                if isinstance(v, (list, dict)):
                    walk(v)
        elif isinstance(obj, list):
            for v in obj:
                walk(v)

    for item in lists:
        walk(item)
    return list(seen)


def report_data(conn: sqlite3.Connection, min_score: float | None = None) -> dict:
    """Everything the dossier shows, from the page queries the web app uses; technique spans scored below
    `min_score` (default: the store's, ``store.queries.techniques.default_min_score``) are left out."""
    from newsgraph.store.queries.techniques import default_min_score

    min_score = default_min_score(conn, min_score)
    overview = pages.page_overview(conn, top=TOP_ACTORS)
    actors = []
    for e in overview["top_actors"]:
        page = pages.page_entity(conn, e["id"], limit=8)
        if page:
            actors.append(page)
    data = {
        "overview": overview,
        "actors": actors,
        "entity_index": pages.page_entities(conn, limit=MAX_ENTITY_INDEX)["entities"],
        "graph": network.actor_network(conn, top=GRAPH_NODES),
        "support": network.actor_network(conn, top=GRAPH_NODES, preset="support"),
        "money": money.page_money(conn, limit=100),
        "quantities": money.page_money(conn, limit=100, tab="quantities"),
        "conflicts": pages.page_conflicts(conn, limit=100),
        "timeline": pages.page_timeline(conn, limit=150, other=False),
        "voices": pages.page_voices(conn, limit=200, min_score=min_score),
    }
    data.update(_story_data(conn, data["conflicts"]))
    cited = _cited_documents(data["actors"], data["money"], data["quantities"], data["conflicts"], data["timeline"], data["voices"],
                             data["stories"])
    if len(cited) < MAX_DOCUMENTS:
        rest = documents_by_date(conn, MAX_DOCUMENTS)
        cited += [d for d in rest if d not in set(cited)][: MAX_DOCUMENTS - len(cited)]
    data["documents"] = [d for d in (pages.page_document(conn, doc, min_score) for doc in cited) if d]
    data["documents_total"] = overview["counts"].get("documents", 0)
    return data


def _story_data(conn: sqlite3.Connection, conflicts: dict) -> dict:
    """Stories (each in full) and the lineage of every figure in a disagreement."""
    from newsgraph.store.queries import stories

    lineage = stories.conflict_lineage(conn, [c["id"] for c in conflicts["conflicts"]])
    for c in conflicts["conflicts"]:
        c["lineage"] = lineage.get(c["id"], [])
    listed = stories.page_stories(conn, limit=MAX_STORIES)
    return {"stories": [s for s in (stories.page_story(conn, x["id"]) for x in listed["stories"]) if s],
            "stories_total": listed["page"]["total"]}


def render_report(conn: sqlite3.Connection, min_score: float | None = None) -> str:
    data = report_data(conn, min_score)
    links = ReportLinks({d["id"]: i + 1 for i, d in enumerate(data["documents"])}, {e["id"] for e in data["entity_index"]},
                        {a["entity"]["id"] for a in data["actors"]})
    to_entity = lambda eid: links.entity(eid) or "#actor-index"  # noqa: E731  (an actor beyond the index: the list)
    graph_svg = svg.network_svg(data["graph"], to_entity)
    support_svg = svg.network_svg(data["support"], to_entity)
    to_sentence = lambda ev: links.sentence(ev["doc"], ev["sentence"]) or "#timeline"  # noqa: E731
    window = svg.timeline_window(data["timeline"]["events"])
    timeline_svg = svg.timeline_svg(data["timeline"]["events"], to_sentence)
    timeline_close = svg.timeline_svg(data["timeline"]["events"], to_sentence, window=window) if window else ""
    return environment().get_template("report.html").render(
        **data, links=links, css=Markup(static_text("style.css")), js=Markup(static_text("app.js")),
        graph_svg=Markup(graph_svg), support_svg=Markup(support_svg), timeline_svg=Markup(timeline_svg), timeline_close=Markup(timeline_close), window=window,
        generated=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    )


def write_report(conn: sqlite3.Connection, path: str, min_score: float | None = None) -> str:
    """Write the dossier to `path` (whole or not at all for a regular file, see outputs.files); returns the path."""
    from newsgraph.outputs.files import write_text

    write_text(path, render_report(conn, min_score))
    return path
