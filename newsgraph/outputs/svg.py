"""Plain SVG pictures of the knowledge base: the actor network and the timeline.

Written as SVG strings (no JavaScript, no external files) so the same picture
works inline in the mailed report and in the web app. Layouts come from
networkx; every label is XML-escaped here because the strings are inserted
into pages unescaped.
"""

from __future__ import annotations

import math
from datetime import date
from functools import lru_cache
from typing import Callable
from xml.sax.saxutils import escape, quoteattr

# Qualitative palette for communities (node fill).
COMMUNITY_COLOURS = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac")

# Edge colours per event type. Each family of types takes one hue of the Okabe-Ito palette, which
# stays distinct under the common colour-vision deficiencies; the types of a family differ in
# lightness (which those deficiencies keep) and in dash pattern, so every type has its own colour
# and no two types look alike even in grey.
FAMILIES = (
    ("cooperation", "#0072B2", ("SUPPORT", "AID", "COOPERATE", "AGREE", "RECOGNIZE")),
    ("money and trade", "#009E73", ("FINANCE", "TRADE")),
    ("talk", "#CC79A7", ("MEET", "CONSULT", "STATEMENT")),
    ("pressure", "#E69F00", ("REQUEST", "DEMAND", "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION")),
    ("force", "#D55E00", ("COERCE", "ARREST", "MOBILIZE", "DEPLOY", "ASSAULT", "DEFECT")),
    ("other", "#6E6E6E", ("OTHER",)),
)
DASHES = ("", "7 3", "2 2", "9 3 2 3", "4 4", "1 3", "12 4")
CO_MENTION = "#A3A3A3"
UNKNOWN_TYPE = "#333333"


def _mix(colour: str, towards: str, t: float) -> str:
    a = [int(colour[i: i + 2], 16) for i in (1, 3, 5)]
    b = [int(towards[i: i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * t):02X}" for x, y in zip(a, b))


def _edge_styles() -> dict[str, tuple[str, str, str]]:
    """type -> (colour, dash pattern, family): shades of the family's hue from dark to light."""
    out = {}
    for family, hue, types in FAMILIES:
        n = len(types)
        for i, t in enumerate(types):
            shade = -0.45 + 0.75 * i / (n - 1) if n > 1 else 0.0  # -0.45 (darker) .. +0.3 (lighter, still legible on white)
            colour = _mix(hue, "#000000", -shade) if shade < 0 else _mix(hue, "#FFFFFF", shade)
            out[t] = (colour, DASHES[i % len(DASHES)], family)
    return out


EDGE_STYLES = _edge_styles()
UNIT = 90  # px per unit of the packed layout (a component of n actors is about sqrt(n) units wide)
FONT = 11  # px, labels
CHAR_W = 0.62 * FONT  # a generous average glyph width for sans-serif, so estimated label boxes cover the real ones


# Spring-layout rounds for a big part (over 40 actors). The layout's temperature falls to zero over
# the rounds given, so 50 rounds end settled at half the cost of 100; on the BBC and 10k stores the
# 50-round pictures of 150 and 300 actors overlapped fewer circles than the 100-round ones, with as
# many labels placed.
SPRING_ITERATIONS = 50
# Parts of one to three actors take fixed places (a point, a horizontal pair, a triangle) instead of
# a Kamada-Kawai run of a few milliseconds each: a 300-actor graph has dozens of such parts.
SMALL_PARTS = {1: ((0.5, 0.5),), 2: ((0.0, 0.5), (1.0, 0.5)), 3: ((0.5, 0.0), (0.0, 1.0), (1.0, 1.0))}


def edge_colour(event_type: str, all_types: list[str] | None = None) -> str:
    """The colour of an event type's edges: its own, unique among the types (see FAMILIES)."""
    if event_type == "co-mention":
        return CO_MENTION
    return EDGE_STYLES.get(event_type, (UNKNOWN_TYPE, "", ""))[0]


def edge_dash(event_type: str) -> str:
    if event_type == "co-mention":
        return "4 3"
    return EDGE_STYLES.get(event_type, ("", "", ""))[1]


def _communities(nodes: list[dict], edges: list[dict]) -> dict[str, int]:
    weights: dict[tuple[str, str], int] = {}
    for e in edges:
        pair = (e["source"], e["target"]) if e["source"] <= e["target"] else (e["target"], e["source"])
        weights[pair] = weights.get(pair, 0) + e["weight"]
    return dict(_communities_of(tuple(sorted(n["id"] for n in nodes)), tuple(sorted(weights.items()))))


@lru_cache(maxsize=64)
def _communities_of(node_ids: tuple[str, ...], weighted: tuple[tuple[tuple[str, str], int], ...]) -> tuple[tuple[str, int], ...]:
    """Community index per node, cached like the layout: the same graph is drawn on every visit of a page."""
    import networkx as nx
    from networkx.algorithms.community import greedy_modularity_communities

    g = nx.Graph()
    g.add_nodes_from(node_ids)
    for (a, b), w in weighted:
        g.add_edge(a, b, weight=w)
    if g.number_of_edges() == 0:
        return tuple((n, i) for i, n in enumerate(g.nodes))
    groups = greedy_modularity_communities(g, weight="weight")
    return tuple((n, i) for i, group in enumerate(sorted(groups, key=lambda s: (-len(s), sorted(s)))) for n in sorted(group))


def _layout(nodes: list[dict], edges: list[dict]) -> dict[str, tuple[float, float]]:
    # Sorted ids: the layout's random start follows node order, and the query's order of tied actors is not fixed.
    return dict(_layout_of(tuple(sorted(n["id"] for n in nodes)), tuple(sorted({(e["source"], e["target"]) for e in edges}))))


@lru_cache(maxsize=64)
def _layout_of(node_ids: tuple[str, ...], pairs: tuple[tuple[str, str], ...]) -> tuple[tuple[str, tuple[float, float]], ...]:
    """Positions: each connected component laid out on its own, then packed beside the biggest.

    Cached, as the same picture is drawn on every visit of a page. One spring layout over disconnected parts pushes the parts to the corners and squeezes
    the big component into the middle; packing keeps each part legible.
    """
    import networkx as nx

    g = nx.Graph()
    g.add_nodes_from(node_ids)
    g.add_edges_from(pairs)
    if len(g) == 0:
        return ()
    parts = sorted((sorted(c) for c in nx.connected_components(g)), key=lambda c: (-len(c), c))
    boxes = []
    for part in parts:
        # A fresh graph in sorted order: a subgraph view of a few nodes iterates them in set (hash) order, which
        # changes between processes and, through the layouts' start positions, moved parts from one server to the next.
        sub = nx.Graph()
        sub.add_nodes_from(part)
        sub.add_edges_from(sorted(tuple(sorted(e)) for e in g.edges(part)))
        if len(part) <= 3:
            local = dict(zip(part, SMALL_PARTS[len(part)]))
        else:
            raw = None
            if len(part) <= 40:  # Kamada-Kawai spreads small graphs evenly; it needs scipy (installed with scikit-learn)
                try:
                    raw = nx.kamada_kawai_layout(sub)
                except ImportError:
                    raw = None
            if raw is None:
                raw = nx.spring_layout(sub, k=2.0 / math.sqrt(len(part)), seed=7, iterations=SPRING_ITERATIONS)
            xs, ys = [p[0] for p in raw.values()], [p[1] for p in raw.values()]
            local = {n: ((x - min(xs)) / ((max(xs) - min(xs)) or 1), (y - min(ys)) / ((max(ys) - min(ys)) or 1)) for n, (x, y) in raw.items()}
        boxes.append((math.sqrt(len(part)) * (0.6 if len(part) <= 3 else 1.0), local))
    # The biggest part on the left; the others packed in shelves in a strip to its right, so the
    # picture keeps the page's landscape shape instead of stacking small parts under the big one.
    main_side = boxes[0][0]
    strip = max(main_side * 0.45, max((b[0] for b in boxes[1:]), default=0))
    pos = {}
    for n, (lx, ly) in boxes[0][1].items():
        pos[n] = (lx * main_side, ly * main_side)
    x0 = main_side + (0.3 if len(boxes) > 1 else 0)
    x, y, shelf = x0, 0.0, 0.0
    for side, local in boxes[1:]:
        if x > x0 and x + side > x0 + strip + 1e-9:
            x, y, shelf = x0, y + shelf, 0.0
        pad = 0.15 * side if len(local) > 1 else 0.0
        for n, (lx, ly) in local.items():
            pos[n] = (x + pad + lx * (side - 2 * pad), y + pad + ly * (side - 2 * pad))
        x += side
        shelf = max(shelf, side)
    return tuple(pos.items())


def _overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


class _BoxGrid:
    """Boxes filed by the grid cells they cover, so a new label is tested against its neighbours only.

    Checking each candidate against every placed label and node made label placement quadratic
    (a third of a 300-actor picture's time); the answers are the same, as every box that can
    overlap a candidate shares a cell with it.
    """

    CELL = 64.0

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], list[tuple[float, float, float, float]]] = {}

    def _keys(self, box: tuple[float, float, float, float]):
        c = self.CELL
        for i in range(math.floor(box[0] / c), math.floor(box[2] / c) + 1):
            for j in range(math.floor(box[1] / c), math.floor(box[3] / c) + 1):
                yield i, j

    def add(self, box: tuple[float, float, float, float]) -> None:
        for key in self._keys(box):
            self.cells.setdefault(key, []).append(box)

    def hits(self, box: tuple[float, float, float, float]) -> bool:
        return any(_overlaps(box, other) for key in self._keys(box) for other in self.cells.get(key, ()))


def place_labels(nodes: list[tuple[str, float, float, float, str]], width: float, height: float) -> dict[str, tuple[float, float, str, tuple]]:
    """Label positions that overlap no other label and no node: node id -> (x, y, text-anchor, box).

    `nodes` are (id, x, y, radius, text), placed in the order given (most involved first). Each label
    tries eight spots around its node, then the same spots further out; a label with no free spot
    is left out (the node keeps its tooltip). Boxes are estimated generously (CHAR_W per character,
    plus the white halo), so the real text, usually narrower, stays inside them.
    """
    grid = _BoxGrid()
    for _, x, y, r, _ in nodes:
        grid.add((x - r - 1, y - r - 1, x + r + 1, y + r + 1))
    out = {}
    h = FONT + 3
    for nid, x, y, r, text in nodes:
        w = CHAR_W * len(text) + 4
        spots = []
        for gap in (3, 3 + h):
            d = r + gap
            spots += [(x, y + d + FONT - 2, "middle"), (x, y - d - 2, "middle"), (x + d, y + FONT / 2 - 1, "start"),
                      (x - d, y + FONT / 2 - 1, "end"), (x + d * 0.8, y + d * 0.8 + FONT - 2, "start"),
                      (x - d * 0.8, y + d * 0.8 + FONT - 2, "end"), (x + d * 0.8, y - d * 0.8 - 2, "start"),
                      (x - d * 0.8, y - d * 0.8 - 2, "end")]
        for tx, ty, anchor in spots:
            left = tx - w / 2 if anchor == "middle" else tx if anchor == "start" else tx - w
            box = (left - 2, ty - FONT, left + w + 2, ty + 4)
            if box[0] < 0 or box[2] > width or box[1] < 0 or box[3] > height:
                continue
            if grid.hits(box):
                continue
            grid.add(box)
            out[nid] = (tx, ty, anchor, box)
            break
    return out


def network_svg(graph: dict, href: Callable[[str], str], width: int = 900, height: int = 620) -> str:
    """The actor network as SVG: node area by involvement, colour by community, arrows coloured by event type.

    `graph` is the dict of `queries.network.actor_network`; `href(entity_id)` gives each node's link.
    Styling is in presentation attributes (no CSS classes needed), so a downloaded copy looks the same.
    """
    nodes, edges = graph["nodes"], graph["edges"]
    if not nodes:
        return (f'<svg xmlns="http://www.w3.org/2000/svg" class="network" viewBox="0 0 {width} 60" role="img">'
                f'<text x="10" y="35" font-size="13" font-family="sans-serif">No actors with events yet.</text></svg>')
    pos = _layout(nodes, edges)
    community = _communities(nodes, edges)
    xs = [p[0] for p in pos.values()] or [0]
    ys = [p[1] for p in pos.values()] or [0]
    pad = 60
    types = sorted({e["type"] for e in edges}, key=_type_order)
    legend_rows = _legend_rows(types, width)
    height += 18 * len(legend_rows)

    # One scale for both axes (no stretching), at most UNIT px per layout unit so a handful of actors stays compact.
    area_w, area_h = width - 2 * pad, height - 18 * len(legend_rows) - 1.2 * pad
    span_x, span_y = (max(xs) - min(xs)) or 1, (max(ys) - min(ys)) or 1
    scale = min(area_w / span_x, area_h / span_y, UNIT * 2)
    off_x = pad + (area_w - span_x * scale) / 2 if len(pos) > 1 else width / 2
    # A small network gets a shorter picture rather than a tall empty one.
    used = max(span_y * scale if len(pos) > 1 else 0, 2 * UNIT) + 1.2 * pad + 18 * len(legend_rows)
    if used < height:
        height = int(used)
        area_h = height - 18 * len(legend_rows) - 1.2 * pad
    off_y = pad / 2 + (area_h - span_y * scale) / 2 if len(pos) > 1 else height / 2 - 9 * len(legend_rows)

    def place(n: str) -> tuple[float, float]:
        x, y = pos[n]
        return off_x + (x - min(xs)) * scale, off_y + (y - min(ys)) * scale

    top_inv = max(n["involvement"] for n in nodes) or 1
    radius = {n["id"]: 6 + 20 * math.sqrt(n["involvement"] / top_inv) for n in nodes}
    names = {n["id"]: n["name"] for n in nodes}
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="network" viewBox="0 0 {width} {height}" role="img" aria-label="actor network"'
           f' font-family="system-ui, -apple-system, \'Segoe UI\', sans-serif">', "<defs>"]
    for t in types:
        out.append(f'<marker id="arrow-{_ident(t)}" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse">'
                   f'<path d="M0,0 L10,5 L0,10 z" fill="{edge_colour(t)}"/></marker>')
    out.append('</defs><rect width="100%" height="100%" fill="#ffffff"/><g class="viewport">')
    top_weight = max(e["weight"] for e in edges) if edges else 1
    pair_seen: dict[frozenset, int] = {}
    for e in sorted(edges, key=lambda e: (_type_order(e["type"]), e["source"], e["target"])):
        (x1, y1), (x2, y2) = place(e["source"]), place(e["target"])
        dist = math.hypot(x2 - x1, y2 - y1) or 1
        ux, uy = (x2 - x1) / dist, (y2 - y1) / dist
        x1b, y1b = x1 + ux * radius[e["source"]], y1 + uy * radius[e["source"]]
        x2b, y2b = x2 - ux * (radius[e["target"]] + 2), y2 - uy * (radius[e["target"]] + 2)
        # Several edge types between one pair are drawn as arcs bent apart, so none hides another.
        k = pair_seen.get(frozenset((e["source"], e["target"])), 0)
        pair_seen[frozenset((e["source"], e["target"]))] = k + 1
        bend = (k + 1) // 2 * (1 if k % 2 else -1) * 18 + (8 if e["directed"] else 0)
        mx, my = (x1b + x2b) / 2 - uy * bend, (y1b + y2b) / 2 + ux * bend
        colour = edge_colour(e["type"])
        stroke = 1.2 + 3 * e["weight"] / top_weight
        marker = f' marker-end="url(#arrow-{_ident(e["type"])})"' if e["directed"] else ""
        dash = edge_dash(e["type"])
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        opacity = "0.85" if e.get("asserted", True) else "0.45"
        reports = e.get("documents")
        said = "" if e.get("asserted", True) else ", not asserted (planned, possible or reported as a wish)"
        out.append(f'<path class="edge" data-type={quoteattr(e["type"])} data-source={quoteattr(e["source"])} data-target={quoteattr(e["target"])}'
                   f' d="M{x1b:.1f},{y1b:.1f} Q{mx:.1f},{my:.1f} {x2b:.1f},{y2b:.1f}" '
                   f'fill="none" stroke="{colour}" stroke-width="{stroke:.1f}" stroke-opacity="{opacity}"{dash_attr}{marker}>'
                   f'<title>{escape(names.get(e["source"], e["source"]))} → {escape(names.get(e["target"], e["target"]))}: '
                   f'{escape(e["type"])} ×{e["weight"]}{f" in {reports} documents" if reports and reports > 1 else ""}{escape(said)}</title></path>')
    order = sorted(nodes, key=lambda n: (-n["involvement"], n["name"]))
    spots = place_labels([(n["id"], *place(n["id"]), radius[n["id"]], _short(n["name"])) for n in order], width,
                         height - 18 * len(legend_rows))
    for n in order:
        x, y = place(n["id"])
        colour = COMMUNITY_COLOURS[community.get(n["id"], 0) % len(COMMUNITY_COLOURS)]
        r = radius[n["id"]]
        label = ""
        if n["id"] in spots:
            tx, ty, anchor, _ = spots[n["id"]]
            label = (f'<text x="{tx:.1f}" y="{ty:.1f}" text-anchor="{anchor}" class="label" font-size="{FONT}" fill="#222222" '
                     f'stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke">{escape(_short(n["name"]))}</text>')
        out.append(f'<a class="node" href={quoteattr(href(n["id"]))} data-entity={quoteattr(n["id"])}>'
                   f'<title>{escape(n["name"])} ({escape(n["type"])}): involvement {n["involvement"]}, {n["mentions"]} mentions</title>'
                   f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{colour}" stroke="#ffffff" stroke-width="1.5"/>{label}</a>')
    out.append("</g>")
    for i, row in enumerate(legend_rows):
        ly = height - 18 * (len(legend_rows) - i) + 6
        for lx, t in row:
            dash = edge_dash(t)
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            out.append(f'<g class="legend" data-type={quoteattr(t)}><line x1="{lx}" y1="{ly - 4}" x2="{lx + 22}" y2="{ly - 4}" '
                       f'stroke="{edge_colour(t)}" stroke-width="3"{dash_attr}/>'
                       f'<text x="{lx + 26}" y="{ly}" font-size="{FONT}" fill="#333333">{escape(t)}</text></g>')
    out.append("</svg>")
    return "".join(out)


def _type_order(event_type: str) -> tuple[int, int]:
    """Types in family order (cooperation, money, talk, pressure, force, other), as the legend lists them."""
    for f, (_, _, types) in enumerate(FAMILIES):
        if event_type in types:
            return (f, types.index(event_type))
    return (len(FAMILIES), 0)


def _legend_rows(types: list[str], width: int) -> list[list[tuple[int, str]]]:
    """Legend entries (x, type) wrapped into rows that fit the picture's width."""
    rows: list[list[tuple[int, str]]] = [[]]
    x = 10
    for t in types:
        step = 36 + int(CHAR_W * len(t))
        if x + step > width and rows[-1]:
            rows.append([])
            x = 10
        rows[-1].append((x, t))
        x += step
    return rows if rows[0] else []


def _short(name: str, limit: int = 24) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _ident(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text)


def parse_date(value: str | None) -> date | None:
    """The first day a date value can mean: '2019-03-02', '2019-03', '2019-W04', '2019', or the start of a range 'a/b'."""
    if not value:
        return None
    head = value.split("/")[0].strip()
    parts = head[:10].split("-")
    try:
        if len(parts) > 1 and parts[1].startswith("W"):  # ISO week, "2019-W04"
            return date.fromisocalendar(int(parts[0]), max(1, min(52, int(parts[1][1:3]))), 1)
        y = int(parts[0])
        m = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 1
        d = int(parts[2]) if len(parts) > 2 and parts[2][:2].isdigit() else 1
        return date(y, max(1, min(12, m)), max(1, min(28 if m == 2 else 30, d)))
    except (ValueError, IndexError):
        return None


def timeline_window(events: list[dict]) -> tuple[date, date] | None:
    """The close-up span around the publication dates, when some event dates lie far outside it.

    Articles mostly report recent events, but one mention of a decades-old date stretches a
    linear axis until the recent ones sit on top of each other.
    """
    published = [d for d in (parse_date(e.get("published")) for e in events) if d]
    dated = [d for d in (parse_date(e.get("date")) for e in events) if d]
    if not published or not dated:
        return None
    lo, hi = min(published).toordinal() - 60, max(published).toordinal() + 14
    outside = [d for d in dated if not lo <= d.toordinal() <= hi]
    return (date.fromordinal(lo), date.fromordinal(hi)) if outside and len(outside) < len(dated) else None


def timeline_svg(events: list[dict], href: Callable[[dict], str], width: int = 900, row: int = 18,
                 window: tuple[date, date] | None = None) -> str:
    """Events on a time axis: a filled dot at the date the text gives, a hollow diamond at the publication date.

    `events` are rows of `queries.page_timeline`; `href(event)` links each row to its sentence.
    With a `window`, only that span is drawn; a date outside it is pinned to the edge as an
    arrow-head, its real date in the tooltip.
    """
    points = [(e, parse_date(e.get("date")), parse_date(e.get("published"))) for e in events]
    points = [p for p in points if p[1]]
    if not points:
        return f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" viewBox="0 0 {width} 40" role="img"><text x="10" y="25">No dated events yet.</text></svg>'
    if window:
        lo, hi = window[0].toordinal(), window[1].toordinal()
    else:
        days = [d.toordinal() for _, a, b in points for d in (a, b) if d]
        lo, hi = min(days) - 15, max(days) + 15
    left, right, top = 300, 20, 30
    height = top + row * len(points) + 40

    def x(d: date) -> float:
        return left + (min(hi, max(lo, d.toordinal())) - lo) / ((hi - lo) or 1) * (width - left - right)

    def outside(d: date) -> int:
        return -1 if d.toordinal() < lo else 1 if d.toordinal() > hi else 0

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" viewBox="0 0 {width} {height}" role="img" aria-label="timeline"'
           f' font-family="system-ui, -apple-system, \'Segoe UI\', sans-serif" font-size="{FONT}">',
           '<rect width="100%" height="100%" fill="#ffffff"/>']
    for tick, label in _ticks(date.fromordinal(lo), date.fromordinal(hi)):
        tx = x(tick)
        out.append(f'<line x1="{tx:.1f}" y1="{top - 8}" x2="{tx:.1f}" y2="{height - 30}" stroke="#ddd"/>'
                   f'<text x="{tx:.1f}" y="{top - 12}" text-anchor="middle" class="tick" fill="#333333">{label}</text>')
    for i, (e, when, published) in enumerate(points):
        y = top + row * i + row / 2
        label = event_phrase(e)
        out.append(f'<a href={quoteattr(href(e))}><title>{escape(label)} — {escape(e.get("date_text") or e["date"])} ({escape(e["date"])};'
                   f' {escape(e.get("outlet") or e.get("title") or e.get("path") or "")}, published {escape(e.get("published") or "unknown")})</title>'
                   f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end" class="row" fill="#333333">{escape(_short(label, 46))}</text>')
        if published:
            out.append(f'<line x1="{x(when):.1f}" y1="{y:.1f}" x2="{x(published):.1f}" y2="{y:.1f}" stroke="#bbb" stroke-dasharray="3 2"/>'
                       f'<path d="M{x(published):.1f},{y - 5:.1f} l5,5 l-5,5 l-5,-5 z" fill="#fff" stroke="#555"/>')
        side = outside(when)
        if side:
            tip = x(when) + 6 * side
            out.append(f'<path class="off-axis" d="M{tip:.1f},{y:.1f} l{-8 * side},-6 l0,12 z" fill="#d62728"/></a>')
        else:
            out.append(f'<circle cx="{x(when):.1f}" cy="{y:.1f}" r="5" fill="#d62728"/></a>')
    ly, lx = height - 12, 230
    out.append(f'<g class="legend" fill="#333333"><circle cx="{lx}" cy="{ly - 4}" r="5" fill="#d62728"/><text x="{lx + 10}" y="{ly}">event date (from the text)</text>'
               f'<path d="M{lx + 190},{ly - 9} l5,5 l-5,5 l-5,-5 z" fill="#fff" stroke="#555"/><text x="{lx + 200}" y="{ly}">publication date</text>'
               + (f'<path d="M{lx + 330},{ly - 4} l8,-6 l0,12 z" fill="#d62728"/><text x="{lx + 344}" y="{ly}">event date outside this span</text>' if window else "")
               + "</g>")
    out.append("</svg>")
    return "".join(out)


def event_phrase(e: dict) -> str:
    """An event as a reader says it: "Russia → send → Venezuela", "Kremlin → not recover"; the type when no actor is named."""
    def first(parts) -> str | None:
        p = next(iter(parts or ()), None)
        return (p.get("entity_name") or p.get("text")) if p else None

    predicate = ("not " if e.get("negated") else "") + (e.get("predicate") or e.get("trigger") or "")
    subject, obj = first(e.get("subjects")), first(e.get("objects"))
    if not subject and not obj:
        return f'{e.get("type", "")}: {predicate}'
    return " → ".join(x for x in (subject or "—", predicate, obj) if x)


def _ticks(lo: date, hi: date) -> list[tuple[date, str]]:
    """At most a dozen ticks: months (labelled 2019-03) over spans up to three years, else years."""
    months = (hi.year - lo.year) * 12 + hi.month - lo.month + 1
    if months > 36:
        step = max(1, math.ceil((hi.year - lo.year + 1) / 12))
        return [(date(y, 1, 1), str(y)) for y in range(lo.year + 1, hi.year + 1, step)]
    step = max(1, math.ceil(months / 12))
    ticks, y, m = [], lo.year, lo.month
    while (y, m) <= (hi.year, hi.month):
        d = date(y, m, 1)
        if d >= lo:
            ticks.append((d, d.isoformat()[:7]))
        m += step
        while m > 12:
            m -= 12
            y += 1
    return ticks
