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

from newsgraph.lexicons.events import lexicon

__all__ = ["PRESETS", "QUIET_TYPES", "actor_network", "flow_in_predicates"]

PRESETS: dict[str, tuple[str, ...]] = {
    "support": ("SUPPORT", "AID", "FINANCE", "COOPERATE", "DEPLOY", "TRADE", "AGREE"),
}
PRESET_TITLES = {"support": "support network"}
QUIET_TYPES = ("OTHER", "STATEMENT")  # hidden in the default view
GIVING_TYPES = ("SUPPORT", "AID", "FINANCE")  # where "from X" names the giver
CREDITOR_OBJECT = ("owe",)  # money-in verbs whose object is the creditor ("Maduro owes Russia"), not the asset ("mortgaged the refinery")


def flow_in_predicates() -> list[str]:
    """Money verbs whose money goes from the other party to the subject ("owe", "borrow"), from the event lexicon."""
    verbs, _ = lexicon()
    return sorted(lemma for lemma, sense in verbs.items() if sense.type == "FINANCE" and sense.flow == "in")


def _has_events(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'").fetchone() is not None


def _event_edges(conn: sqlite3.Connection, types, exclude, date_from, date_to) -> dict[tuple, dict]:
    where, args = ["e.negated = 0"], []
    if types:
        where.append(f"e.type IN ({','.join('?' * len(types))})")
        args += list(types)
    if exclude:
        where.append(f"e.type NOT IN ({','.join('?' * len(exclude))})")
        args += list(exclude)
    if date_from:
        where.append("COALESCE(t.value, d.published) >= ?")
        args.append(date_from)
    if date_to:
        where.append("substr(COALESCE(t.value, d.published), 1, 10) <= ?")
        args.append(date_to)
    flow_in = set(flow_in_predicates())
    # One pass over the participants of the chosen events; pairs are made here, per event, because a
    # self-join of the participant rows in SQL costs quadratic time on a corpus of 10,000 documents.
    # CROSS JOIN keeps SQLite's join order: each event's participants by the event index, then each
    # participant's mention by (doc, idx), instead of walking every mention of the event's document.
    rows = conn.execute(
        f"""SELECT e.id, e.doc, e.sentence, e.type, e.predicate, e.modality, m.entity,
                   CASE WHEN p.role = 'destination' THEN 'object' ELSE p.role END AS side
            FROM events e JOIN documents d ON d.id = e.doc LEFT JOIN times t ON t.doc = e.doc AND t.idx = e.time
            CROSS JOIN event_participants p ON p.event = e.id CROSS JOIN mentions m ON m.doc = e.doc AND m.idx = p.mention
            WHERE {' AND '.join(where)} AND m.entity IS NOT NULL
              AND p.role IN ('subject', 'object', 'recipient', 'destination', 'origin')
            ORDER BY e.id""", args)
    edges: dict[tuple, dict] = {}
    for _, group in groupby(rows, key=lambda r: r[0]):
        group = list(group)
        first = group[0]
        sides: dict[str, set[str]] = {}
        for r in group:
            sides.setdefault(r["side"], set()).add(r["entity"])
        for source, target in _pairs(first["type"], first["predicate"], sides, flow_in):
            if source == target:
                continue
            key = (source, target, first["type"])
            e = edges.get(key)
            if e is None:
                e = edges[key] = {"source": source, "target": target, "type": first["type"], "weight": 0, "directed": True,
                                  "documents": set(), "asserted": False, "doc": first["doc"], "sentence": first["sentence"]}
            e["weight"] += 1
            e["documents"].add(first["doc"])
            e["asserted"] = e["asserted"] or first["modality"] == "asserted"
            if (first["doc"], first["sentence"]) < (e["doc"], e["sentence"]):
                e["doc"], e["sentence"] = first["doc"], first["sentence"]
    for e in edges.values():
        e["documents"] = len(e["documents"])
    return edges


def _pairs(type_: str, predicate: str, sides: dict[str, set[str]], flow_in: set[str]):
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
    """Undirected edges between actors named in the same sentence, for a store without events."""
    edges: dict[tuple, dict] = {}
    pool = [r[0] for r in conn.execute("SELECT id FROM entities ORDER BY mentions DESC, id LIMIT ?", (max(top * 2, 20),))]
    if not pool:
        return edges
    marks = ",".join("?" * len(pool))
    for r in conn.execute(
        f"""SELECT a.entity AS source, b.entity AS target, COUNT(*) AS n, COUNT(DISTINCT a.doc) AS documents,
                   MIN(a.doc) AS doc, MIN(a.sentence) AS sentence
            FROM mentions a JOIN mentions b ON b.doc = a.doc AND b.sentence = a.sentence AND a.entity < b.entity
            WHERE a.entity IN ({marks}) AND b.entity IN ({marks}) GROUP BY a.entity, b.entity""", pool + pool):
        edges[(r["source"], r["target"], "co-mention")] = {
            "source": r["source"], "target": r["target"], "type": "co-mention", "weight": r["n"], "directed": False,
            "documents": r["documents"], "asserted": True, "doc": r["doc"], "sentence": r["sentence"]}
    return edges


def actor_network(conn: sqlite3.Connection, top: int = 40, types=None, date_from: str | None = None,
                  date_to: str | None = None, preset: str | None = None, show_all: bool = False) -> dict:
    """The actor network for the graph pages and the report.

    `types` (event types) or a `preset` (a name in PRESETS) choose the edges; without either,
    the default view hides QUIET_TYPES edges and (unless dates are asked for) one-off actors,
    unless `show_all`. The
    `top` actors by involvement (events they take part in) are kept. When the store holds
    no events at all, actors named in the same sentence are joined by undirected
    "co-mention" edges, so the picture still shows who appears with whom.
    """
    if preset and preset not in PRESETS:
        preset = None
    chosen_types = tuple(types or ()) or (PRESETS[preset] if preset else ())
    default_view = not chosen_types and not show_all
    exclude = QUIET_TYPES if default_view else ()
    edges: dict[tuple, dict] = {}
    has_events = _has_events(conn)
    if has_events:
        edges = _event_edges(conn, chosen_types, exclude, date_from, date_to)
    kind = "events"
    if not edges and default_view and has_events:
        edges = _event_edges(conn, (), (), date_from, date_to)  # only quiet edges: better those than nothing
        default_view, exclude = False, ()
    if not edges and not (chosen_types or date_from or date_to):
        kind = "co-mention"
        edges = _co_mention_edges(conn, top)
    involvement: Counter = Counter()
    for e in edges.values():
        involvement[e["source"]] += e["weight"]
        involvement[e["target"]] += e["weight"]
    # A date window is a question about those days: every actor in it counts, even a one-off.
    hide_one_off = default_view and kind == "events" and not (date_from or date_to)
    one_off = {n for n, v in involvement.items() if v < 2} if hide_one_off else set()
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
    event_types = [r[0] for r in conn.execute("SELECT DISTINCT type FROM events ORDER BY 1")] if has_events else []
    return {"kind": kind, "nodes": nodes, "edges": kept_edges, "total_nodes": len(involvement), "top": top,
            "types": list(types or []), "event_types": event_types, "date_from": date_from, "date_to": date_to,
            "preset": preset, "preset_types": list(PRESETS[preset]) if preset else [],
            "presets": {k: {"title": PRESET_TITLES[k], "types": list(v)} for k, v in PRESETS.items()},
            "show_all": show_all, "default_view": default_view,
            "hidden": {"types": list(exclude), "one_off": len(one_off)}}
