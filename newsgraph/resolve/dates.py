"""Publication dates for documents whose own text gives no year: borrowed from related documents.

Some articles name no year at all ("on January 29", "on Monday"); the
per-document inference (``extract/pubdate.py``) then has nothing to go on. Read
as part of a corpus, they are not undated: documents about the same actors were
published around the same time. This step gives such a document the median
publication date of the documents that share at least ``MIN_SHARED`` entities
with it (each counted as often as entities it shares), never earlier than the
latest date its own text mentions, and marks it inferred, with a note saying how.
It runs after entity resolution and is rebuilt from scratch on every run.
"""

from __future__ import annotations

import json
from collections import Counter

MIN_SHARED = 3
NOTE = "publication date inferred from related documents"


def resolve(store) -> None:
    conn = store.conn
    with store.transaction():
        # undo what an earlier run borrowed, so the step is a function of the current corpus
        for doc_id, notes in conn.execute("SELECT id, notes FROM documents WHERE notes LIKE ?", (f"%{NOTE}%",)).fetchall():
            kept = [n for n in json.loads(notes or "[]") if not n.startswith(NOTE)]
            conn.execute("UPDATE documents SET published = NULL, published_inferred = 0, notes = ? WHERE id = ?", (json.dumps(kept), doc_id))
        undated = [r[0] for r in conn.execute("SELECT id FROM documents WHERE published IS NULL")]
        if not undated:
            return
        entities: dict[str, set[str]] = {}
        for doc, entity in conn.execute("SELECT DISTINCT doc, entity FROM mentions WHERE entity IS NOT NULL"):
            entities.setdefault(doc, set()).add(entity)
        dated = dict(conn.execute("SELECT id, published FROM documents WHERE published IS NOT NULL").fetchall())
        for doc_id in undated:
            mine = entities.get(doc_id, set())
            weights: Counter[str] = Counter()
            for other, published in dated.items():
                shared = len(mine & entities.get(other, set()))
                if shared >= MIN_SHARED:
                    weights[published[:10]] += shared
            if not weights:
                continue
            guess = _weighted_median(weights)
            latest = conn.execute(
                "SELECT MAX(value) FROM times WHERE doc = ? AND granularity = 'day' AND value IS NOT NULL", (doc_id,)
            ).fetchone()[0]
            if latest and latest > guess and latest <= max(weights):
                guess = latest
            notes = json.loads(conn.execute("SELECT notes FROM documents WHERE id = ?", (doc_id,)).fetchone()[0] or "[]")
            notes.append(f"{NOTE} ({sum(weights.values())} shared mentions of actors across {len(weights)} dates)")
            conn.execute(
                "UPDATE documents SET published = ?, published_inferred = 1, notes = ? WHERE id = ?",
                (guess, json.dumps(notes), doc_id),
            )


def _weighted_median(weights: Counter[str]) -> str:
    total = sum(weights.values())
    running = 0
    for date in sorted(weights):
        running += weights[date]
        if running * 2 >= total:
            return date
    return max(weights)
