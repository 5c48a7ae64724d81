"""Who gave what to whom: money on one tab, other quantities (tons, troops, countries) on another.

A money page that lists "two stints" and "13 other European countries" beside "$17 billion"
hides the money; each tab shows only its own kind of amount. Every amount says whether its
figure is a bound ("thousands of metric tons" is at least 1,000 t, "some $70 billion" about
$70 billion), so a normalized figure never reads more exact than the text.
"""

from __future__ import annotations

import re
import sqlite3

from newsgraph.store.queries.pages import (EVENT_LISTS, _loose_rows, _page, event_rows, has_table, loose_money, money_list_page,
                                           money_list_total, stored_loose_money)

__all__ = ["TABS", "amount_bound", "page_money"]

TABS = {"money": ("money",), "quantities": ("quantity", "percent")}

# Words before or in an amount that make its figure a bound, tried in order.
_BOUNDS = (
    ("≥", re.compile(r"\b(?:more than|over|at least|upwards of|in excess of|no fewer than|no less than|"
                     r"(?:tens of |hundreds of )?(?:dozens|hundreds|thousands|millions|billions|trillions)(?: of)?)\b|\+", re.I)),
    ("≤", re.compile(r"\b(?:up to|less than|fewer than|under|at most|no more than|nearly|almost)\b", re.I)),
    ("≈", re.compile(r"\b(?:some|about|around|roughly|approximately|an estimated|estimated|close to|circa)\b|~", re.I)),
)


def amount_bound(text: str | None) -> str | None:
    """"≥", "≤" or "≈" when the amount's own words make its figure a bound or an estimate, else None."""
    if not text:
        return None
    for sign, pattern in _BOUNDS:
        if pattern.search(text):
            return sign
    return None


def _overlap(a: dict, b: dict) -> bool:
    return a["start"] < b["end"] and b["start"] < a["end"]


def page_money(conn: sqlite3.Connection, limit: int = 50, offset: int = 0, tab: str = "money") -> dict:
    """Events carrying an amount of the tab's kinds, in the money list's order (FINANCE and the largest sums
    first; the corpus step stores it), each with only those amounts; plus amounts of those kinds that no event
    claims (largest first)."""
    tab = tab if tab in TABS else "money"
    kinds = TABS[tab]
    counts = {t: 0 for t in TABS}
    if not has_table(conn, "events"):
        return {"tab": tab, "tabs": counts, "events": [], "loose": [], "page": _page(0, limit, offset)}
    stored = money_list_page(conn, kinds, limit, offset)
    for name, tab_kinds in TABS.items():
        total = stored[0] if name == tab and stored else money_list_total(conn, tab_kinds)
        counts[name] = total if total is not None else conn.execute(f"SELECT COUNT(*) FROM ({_ids_sql(tab_kinds)})", tab_kinds).fetchone()[0]
    if stored:
        events = stored[1]
    else:
        order = EVENT_LISTS["money"][1]
        events = event_rows(conn, f"WHERE e.id IN ({_ids_sql(kinds)})", kinds, order=order, limit=limit, offset=offset)
    for e in events:
        # "invested some $70 billion": the object "billion" is the sum itself, already in its column
        e["objects"] = [p for p in e["objects"] if p["entity"] or not any(_overlap(p, a) for a in e["amounts"])]
        e["amounts"] = [dict(a, bound=amount_bound(a["text"])) for a in e["amounts"] if a["kind"] in kinds]
    loose = None
    if tab == "money":
        loose = stored_loose_money(conn, limit)
        if loose is None:
            loose = _loose_rows(conn, loose_money(conn, limit))
    else:
        marks = ",".join("?" * len(kinds))
        loose = [dict(r) for r in conn.execute(
            f"""SELECT a.doc, a.start, a.end, a.text, a.value, a.unit, a.kind, a.sentence, d.outlet, d.title, d.path,
                       substr(d.text, s.start + 1, s.end - s.start) AS sentence_text
                FROM amounts a JOIN documents d ON d.id = a.doc LEFT JOIN sentences s ON s.doc = a.doc AND s.idx = a.sentence
                WHERE a.kind IN ({marks}) AND NOT EXISTS (
                    SELECT 1 FROM event_amounts ea JOIN events e ON e.id = ea.event WHERE e.doc = a.doc AND ea.amount = a.idx)
                ORDER BY a.value DESC, a.doc, a.start LIMIT ?""", (*kinds, limit))]
    for x in loose:
        x["bound"] = amount_bound(x["text"])
    return {"tab": tab, "tabs": counts, "events": events, "loose": loose, "page": _page(counts[tab], limit, offset)}


def _ids_sql(kinds: tuple[str, ...]) -> str:
    return f"""SELECT DISTINCT ea.event FROM event_amounts ea JOIN events e ON e.id = ea.event
               JOIN amounts a ON a.doc = e.doc AND a.idx = ea.amount WHERE a.kind IN ({','.join('?' * len(kinds))})"""
