"""The actor network an analyst reads: who gives what to whom, with presets and a quiet default view.

An arrow goes from the actor who gives or acts to the one who receives or is acted on. Three
kinds of event rows make an arrow:

- subject → object / recipient / destination ("Russia sent bombers to Venezuela");
- for money owed or borrowed (FINANCE whose predicate moves money *in* to the subject, e.g.
  "Venezuela owes Russia", "owed billions to Russia"), creditor → subject: the arrow follows the money;
- for support, aid and money *from* someone ("sought support from Turkey", "Maduro's support
  from China"), origin → subject (or → object when there is no subject).

Negated events draw no arrow. The default view leaves out OTHER and STATEMENT edges and actors
met in a single event (one-off nodes), which crowd the picture; `show_all` brings them back.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from itertools import groupby

from newsgraph.lexicons.events import GIVING_TYPES, lexicon
from newsgraph.model import EDGE_ROLES, OBJECT_LIKE_ROLES
from newsgraph.store.queries.schema import has_table, marks

__all__ = ["PRESETS", "QUIET_TYPES", "actor_network", "flow_in_predicates"]

PRESETS: dict[str, tuple[str, ...]] = {
    "support": ("SUPPORT", "AID", "FINANCE", "COOPERATE", "DEPLOY", "TRADE", "AGREE"),
}
PRESET_TITLES = {"support": "support network"}
QUIET_TYPES = ("OTHER", "STATEMENT")  # hidden in the default view
CREDITOR_OBJECT = ("owe",)  # money-in verbs whose object is the creditor ("Maduro owes Russia"), not the asset ("mortgaged the refinery")


def flow_in_predicates() -> list[str]:
    """Money verbs whose money goes from the other party to the subject ("owe", "borrow"), from the event lexicon."""
    verbs, _ = lexicon()
    return sorted(lemma for lemma, sense in verbs.items() if sense.type == "FINANCE" and sense.flow == "in")


def _filters(where: list[str], type_column: str, date_column: str, types, exclude, date_from, date_to) -> tuple[list[str], list]:
    """`where` with the view's filters on event type and date added, and their arguments: the same for the edges made
    from the events and for those summed from the corpus step's `actor_edges`."""
    where, args = list(where), []
    if types:
        where.append(f"{type_column} IN ({marks(types)})")
        args += list(types)
    if exclude:
        where.append(f"{type_column} NOT IN ({marks(exclude)})")
        args += list(exclude)
    if date_from:
        where.append(f"{date_column} >= ?")
        args.append(date_from)
    if date_to:
        where.append(f"substr({date_column}, 1, 10) <= ?")
        args.append(date_to)
    return where, args


def _event_edges(conn: sqlite3.Connection, types, exclude, date_from, date_to) -> dict[tuple, dict]:
    where, args = _filters(["e.negated = 0"], "e.type", "COALESCE(t.value, d.published)", types, exclude, date_from, date_to)
    flow_in = set(flow_in_predicates())
    # One pass over the participants of the chosen events; pairs are made here, per event, because a
    # self-join of the participant rows in SQL costs quadratic time on a corpus of 10,000 documents.
    # CROSS JOIN keeps SQLite's join order: each event's participants by the event index, then each
    # participant's mention by (doc, idx), instead of walking every mention of the event's document.
    rows = conn.execute(
        f"""SELECT e.id, e.doc, e.sentence, e.type, e.predicate, e.modality, m.entity,
                   CASE WHEN p.role IN ({marks(OBJECT_LIKE_ROLES)}) THEN 'object' ELSE p.role END AS side
            FROM events e JOIN documents d ON d.id = e.doc LEFT JOIN times t ON t.doc = e.doc AND t.idx = e.time
            CROSS JOIN event_participants p ON p.event = e.id CROSS JOIN mentions m ON m.doc = e.doc AND m.idx = p.mention
            WHERE {' AND '.join(where)} AND m.entity IS NOT NULL
              AND p.role IN ({marks(EDGE_ROLES)})
            ORDER BY e.id""", (*OBJECT_LIKE_ROLES, *args, *EDGE_ROLES))
    edges: dict[tuple, dict] = {}
    for _, group in groupby(rows, key=lambda r: r[0]):
        group = list(group)
        first = group[0]
        sides: dict[str, set[str]] = {}
        for r in group:
            sides.setdefault(r["side"], set()).add(r["entity"])
        for source, target in event_pairs(first["type"], first["predicate"], sides, flow_in):
            if source == target:
                continue
            key = (source, target, first["type"])
            e = edges.get(key)
            if e is None:
                e = edges[key] = {"source": source, "target": target, "type": first["type"], "weight": 0, "directed": True,
                                  "asserted": False, "doc": first["doc"], "sentence": first["sentence"]}
            e["weight"] += 1
            e["asserted"] = e["asserted"] or first["modality"] == "asserted"
            if (first["doc"], first["sentence"]) < (e["doc"], e["sentence"]):
                e["doc"], e["sentence"] = first["doc"], first["sentence"]
    return edges


def event_pairs(type_: str, predicate: str, sides: dict[str, set[str]], flow_in: set[str]):
    """(giver, receiver) pairs of one event, from its participants' entities by role."""
    subjects, objects, recipients = sides.get("subject", set()), sides.get("object", set()), sides.get("recipient", set())
    if type_ == "FINANCE" and predicate in flow_in:
        creditors = recipients | (objects if predicate in CREDITOR_OBJECT else set())
        yield from ((c, s) for c in creditors for s in subjects)
    else:
        yield from ((s, o) for s in subjects for o in objects | recipients)
    if type_ in GIVING_TYPES:
        receivers = subjects or (objects | recipients)
        yield from ((g, r) for g in sides.get("origin", set()) for r in receivers)


def _co_mention_edges(conn: sqlite3.Connection, top: int) -> dict[tuple, dict]:
    """Undirected edges between actors named in the same sentence (one count per shared sentence), for a store
    without events linking actors."""
    pool = [r[0] for r in conn.execute("SELECT id FROM entities ORDER BY mentions DESC, id LIMIT ?", (max(top * 2, 20),))]
    if not pool:
        return {}
    marks = ",".join("?" * len(pool))
    rows = conn.execute(
        f"""SELECT a.entity AS source, b.entity AS target, 'co-mention' AS type, COUNT(DISTINCT a.doc || '#' || a.sentence) AS n,
                   1 AS asserted, MIN(a.doc || char(31) || printf('%010d', a.sentence)) AS first
            FROM mentions a JOIN mentions b ON b.doc = a.doc AND b.sentence = a.sentence AND a.entity < b.entity
            WHERE a.entity IN ({marks}) AND b.entity IN ({marks}) GROUP BY a.entity, b.entity""", pool + pool)
    return _edge_dicts(rows, directed=False)


def _edge_dicts(rows, directed: bool = True) -> dict[tuple, dict]:
    edges = {}
    for r in rows:
        doc, sentence = r["first"].rsplit("\x1f", 1)
        edges[(r["source"], r["target"], r["type"])] = {
            "source": r["source"], "target": r["target"], "type": r["type"], "weight": r["n"], "directed": directed,
            "asserted": bool(r["asserted"]), "doc": doc, "sentence": int(sentence)}
    return edges


def _stored_edges(conn: sqlite3.Connection, types, exclude, date_from, date_to) -> dict[tuple, dict]:
    """The same edges as `_event_edges`, summed from the corpus step's `actor_edges` (one row per pair, type and date)."""
    where, args = _filters(["type != 'co-mention'"], "type", "date", types, exclude, date_from, date_to)
    return _edge_dicts(conn.execute(
        f"""SELECT source, target, type, SUM(events) AS n, SUM(asserted) AS asserted,
                   MIN(doc || char(31) || printf('%010d', sentence)) AS first
            FROM actor_edges WHERE {' AND '.join(where)} GROUP BY source, target, type""", args))


def _stored_co_mentions(conn: sqlite3.Connection, top: int) -> dict[tuple, dict]:
    pool = {r[0] for r in conn.execute("SELECT id FROM entities ORDER BY mentions DESC, id LIMIT ?", (max(top * 2, 20),))}
    rows = conn.execute(
        """SELECT source, target, type, SUM(events) AS n, 1 AS asserted, MIN(doc || char(31) || printf('%010d', sentence)) AS first
           FROM actor_edges WHERE type = 'co-mention' GROUP BY source, target, type""").fetchall()
    return _edge_dicts([r for r in rows if r["source"] in pool and r["target"] in pool], directed=False)


def actor_network(conn: sqlite3.Connection, top: int = 40, types=None, date_from: str | None = None,
                  date_to: str | None = None, preset: str | None = None, show_all: bool = False) -> dict:
    """The actor network for the graph pages and the report.

    `types` (event types) or a `preset` (a name in PRESETS) choose the edges; without either,
    the default view hides QUIET_TYPES edges and (unless dates are asked for) one-off actors,
    unless `show_all`. The `top` actors by involvement (events they take part in) are kept.
    Edges are read from the corpus step's `actor_edges` when the store has page tables, else
    aggregated from the events. When no event links two actors, actors named in the same
    sentence are joined by undirected "co-mention" edges, so the picture still shows who
    appears with whom.
    """
    from newsgraph.store.queries.pages import _summary, event_types, page_tables_ready

    if preset and preset not in PRESETS:
        preset = None
    chosen_types = tuple(types or ()) or (PRESETS[preset] if preset else ())
    filtered = bool(chosen_types or date_from or date_to)
    default_view = not chosen_types and not show_all
    exclude = QUIET_TYPES if default_view else ()
    stored = page_tables_ready(conn)
    if stored:
        kind = _summary(conn, "graph_kind") or "events"
        edges_of = lambda excluded: _stored_edges(conn, chosen_types, excluded, date_from, date_to)  # noqa: E731
    else:
        kind = "events"
        edges_of = (lambda excluded: _event_edges(conn, chosen_types, excluded, date_from, date_to)) if has_table(conn, 'events') else (lambda _: {})  # noqa: E731
    edges: dict[tuple, dict] = {} if kind == "co-mention" else edges_of(exclude)
    if not edges and default_view and kind == "events":
        edges = edges_of(())  # only quiet edges: better those than nothing
        default_view, exclude = False, ()
    if kind == "co-mention" and filtered:  # co-mentions have no type or date: a filtered network is empty
        kind = "events"
    elif not edges and not filtered:
        kind = "co-mention"
        edges = _stored_co_mentions(conn, top) if stored else _co_mention_edges(conn, top)
    if kind == "co-mention":
        default_view, exclude = False, ()  # nothing is hidden from a co-mention picture
    if not edges:
        default_view, exclude = False, ()  # nothing shown, so nothing hidden
    involvement: Counter = Counter()
    for e in edges.values():
        involvement[e["source"]] += e["weight"]
        involvement[e["target"]] += e["weight"]
    # A date window is a question about those days: every actor in it counts, even a one-off. A network of
    # one-offs only (a small store) is shown whole rather than emptied.
    hide_one_off = default_view and kind == "events" and not (date_from or date_to)
    one_off = {n for n, v in involvement.items() if v < 2} if hide_one_off else set()
    if len(involvement) - len(one_off) < 2:
        one_off = set()
    ranked = [n for n, _ in sorted(involvement.items(), key=lambda kv: (-kv[1], kv[0])) if n not in one_off]
    chosen = ranked[:top]
    keep = set(chosen)
    nodes = []
    if chosen:
        marks = ",".join("?" * len(chosen))
        info = {r["id"]: dict(r) for r in conn.execute(f"SELECT id, name, type, mentions FROM entities WHERE id IN ({marks})", chosen)}
        nodes = [{**info[n], "involvement": involvement[n]} for n in chosen if n in info]
    kept_edges = sorted((e for e in edges.values() if e["source"] in keep and e["target"] in keep),
                        key=lambda e: (e["type"], e["source"], e["target"]))
    return {"kind": kind, "nodes": nodes, "edges": kept_edges, "total_nodes": len(involvement), "top": top,
            "types": list(types or []), "event_types": event_types(conn), "date_from": date_from, "date_to": date_to,
            "preset": preset, "preset_types": list(PRESETS[preset]) if preset else [],
            "presets": {k: {"title": PRESET_TITLES[k], "types": list(v)} for k, v in PRESETS.items()},
            "show_all": show_all, "default_view": default_view,
            "hidden": {"types": list(exclude), "one_off": len(one_off)}}
