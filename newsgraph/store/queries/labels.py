"""How each outlet labels each actor, as an analyst reads it: whole labels, grouped by their head, counted.

"president ×4" for Vice President Rodriguez says less than "Vice President ×3, socialist
President"; the head ("president") only groups the labels. A label said five times is one
row with a count, not five bullets. A document without an outlet is named
"unknown outlet (its title)", never by its title alone as if the title were an outlet.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections import defaultdict

from newsgraph.store.queries.schema import has_table
from newsgraph.store.queries.stories import counted

__all__ = ["outlet_label", "entity_labels", "label_matrix"]


def outlet_label(outlet: str | None, title: str | None = None, path: str | None = None) -> str:
    """The outlet's name, else "unknown outlet (title)" (the file name when there is no title)."""
    if outlet:
        return outlet
    name = title or (os.path.basename(str(path)) if path else "")
    return f"unknown outlet ({name})" if name else "unknown outlet"


def _key(text: str) -> str:
    return " ".join(text.split()).lower()


def _rows(conn: sqlite3.Connection, entity: str | None, among: list[str] | None = None):
    # CROSS fixes the walk: for every actor, from the labels (fewer than the mentions); for one actor, from its
    # mentions (each label found on the index descriptors_mention), not through every label of the store
    walk = ("mentions m CROSS JOIN descriptors x ON x.doc = m.doc AND x.mention = m.idx" if entity
            else "descriptors x CROSS JOIN mentions m ON m.doc = x.doc AND m.idx = x.mention")
    sql = f"""SELECT m.entity, en.name AS entity_name, x.doc, x.text, x.head, x.polarity, x.voice, x.speaker_text, x.sentence,
                     d.outlet, d.title, d.path
              FROM {walk} JOIN entities en ON en.id = m.entity JOIN documents d ON d.id = x.doc"""
    sql += f" WHERE {counted(conn, 'x.doc')}"  # copies of a text once
    args: tuple = ()
    if entity:
        sql += " AND m.entity = ?"
        args = (entity,)
    elif among is not None:
        sql += " AND m.entity IN (SELECT value FROM json_each(?))"
        args = (json.dumps(among),)
    return conn.execute(sql + " ORDER BY d.outlet IS NULL, d.outlet, d.path, x.start", args)


def _most_labelled(conn: sqlite3.Connection, top: int) -> list[str] | None:
    """The `top` entities with the most labels, by (-count, name), and any tied with the last of them (the matrix
    keeps the first `top` of those in its own order); None when there are no more than `top` in all."""
    counts = conn.execute(
        f"""SELECT m.entity, en.name, COUNT(*) FROM descriptors x CROSS JOIN mentions m ON m.doc = x.doc AND m.idx = x.mention
            JOIN entities en ON en.id = m.entity JOIN documents d ON d.id = x.doc WHERE {counted(conn, 'x.doc')}
            GROUP BY m.entity""").fetchall()
    if len(counts) <= top:
        return None
    ranked = sorted(((-n, name, entity) for entity, name, n in counts))
    last = ranked[top - 1][:2]
    return [entity for n, name, entity in ranked if (n, name) <= last]


class _Labels:
    """A cell's labels grouped as its rows come: an actor every outlet names has thousands of label rows, and the
    matrix held them all (43 MB at 100,000 documents) to group them at the end."""

    def __init__(self):
        self.groups: dict[str, dict] = {}
        self.rows = 0

    def add(self, r) -> None:
        label = " ".join(r["text"].split())
        g = self.groups.setdefault(_key(label), {"spellings": defaultdict(int), "head": (r["head"] or label).lower(),
                                                 "polarity": r["polarity"], "count": 0, "quoted": 0, "outlets": {},
                                                 "doc": r["doc"], "sentence": r["sentence"], "speakers": {}})
        g["spellings"][label] += 1
        g["count"] += 1
        if r["voice"] != "outlet":
            g["quoted"] += 1
            if r["speaker_text"]:
                g["speakers"][r["speaker_text"]] = None
        g["outlets"][outlet_label(r["outlet"], r["title"], r["path"])] = None
        self.rows += 1

    def grouped(self) -> list[dict]:
        """The groups as `_group` gives them; once only (each group's spellings make its label and go)."""
        out = []
        for g in self.groups.values():
            spellings = g.pop("spellings")
            g["label"] = max(spellings.items(), key=lambda kv: (kv[1], kv[0]))[0]
            g["outlets"] = list(g["outlets"])
            g["speakers"] = list(g["speakers"])
            out.append(g)
        return sorted(out, key=lambda g: (-g["count"], g["head"], g["label"].lower()))


def _group(rows) -> list[dict]:
    """Labels grouped case- and space-insensitively, most frequent spelling shown, most used first."""
    labels = _Labels()
    for r in rows:
        labels.add(r)
    return labels.grouped()


def entity_labels(conn: sqlite3.Connection, entity_id: str, limit: int = 50) -> list[dict]:
    """What the actor is called: one row per label with its count, outlets, first sentence and how many were quoted."""
    if not has_table(conn, "descriptors"):
        return []
    return _group(_rows(conn, entity_id))[:limit]


def label_matrix(conn: sqlite3.Connection, entity: str | None = None, top: int | None = 20) -> dict:
    """Actor × outlet. ``{"outlets": [column names], "rows": [{"entity", "name", "count", "cells": {outlet:
    [{"head", "count", "labels": [{"label", "count", "polarity", "quoted", ...}]}]}}]}``; heads with the
    most labels first; the actors with the most labels first (the `top` of them)."""
    if not has_table(conn, "descriptors"):
        return {"outlets": [], "rows": []}
    by_cell: dict[tuple[str, str], _Labels] = defaultdict(_Labels)
    names: dict[str, str] = {}
    # only the rows of the actors that can make the top: the same matrix, without grouping every actor's labels
    among = _most_labelled(conn, top) if top and not entity else None
    for r in _rows(conn, entity, among):
        names[r["entity"]] = r["entity_name"]
        by_cell[(r["entity"], outlet_label(r["outlet"], r["title"], r["path"]))].add(r)
    rows: dict[str, dict] = {}
    for (ent, outlet), labels in by_cell.items():
        row = rows.setdefault(ent, {"entity": ent, "name": names[ent], "count": 0, "cells": {}})
        heads: dict[str, dict] = {}
        for label in labels.grouped():
            h = heads.setdefault(label["head"], {"head": label["head"], "count": 0, "labels": []})
            h["count"] += label["count"]
            h["labels"].append(label)
        row["cells"][outlet] = sorted(heads.values(), key=lambda h: (-h["count"], h["head"]))
        row["count"] += labels.rows
    ranked = sorted(rows.values(), key=lambda r: (-r["count"], r["name"]))
    if top:
        ranked = ranked[:top]
    outlets = sorted({o for r in ranked for o in r["cells"]}, key=lambda o: (o.startswith("unknown outlet"), o.lower()))
    return {"outlets": outlets, "rows": ranked}
