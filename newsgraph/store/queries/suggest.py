"""What a user meant by a name or a document reference: "Lavrof" → Sergei Lavrov ("did you mean"), "001_" → a document."""

from __future__ import annotations

import sqlite3

__all__ = ["suggest_entities", "find_documents"]

CUTOFF = 70  # rapidfuzz WRatio; "Lavrof"/"Lavrov" scores 83, "Putn"/"Kim Jong-un" 60
SPREAD = 15  # keep only names within this many points of the best


def suggest_entities(conn: sqlite3.Connection, name: str, limit: int = 3) -> list[str]:
    """Up to `limit` entity names closest to `name` by spelling of their names and aliases, best first."""
    from rapidfuzz import fuzz, process

    choices: dict[str, tuple[str, int]] = {}  # name or alias -> (entity name, mentions)
    for r in conn.execute("SELECT name, mentions FROM entities"):
        choices.setdefault(r[0], (r[0], r[1]))
    for r in conn.execute("SELECT a.alias, e.name, e.mentions FROM entity_aliases a JOIN entities e ON e.id = a.entity"):
        choices.setdefault(r[0], (r[1], r[2]))
    if not choices or not name.strip():
        return []
    best: dict[str, tuple[float, int]] = {}
    for text, score, _ in process.extract(name, list(choices), scorer=fuzz.WRatio, limit=limit * 5, score_cutoff=CUTOFF):
        entity, mentions = choices[text]
        if entity not in best or best[entity][0] < score:
            best[entity] = (score, mentions)
    ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))
    return [n for n, (score, _) in ranked if score >= ranked[0][1][0] - SPREAD][:limit] if ranked else []


def find_documents(conn: sqlite3.Connection, ref: str) -> list[str]:
    """Ids of the documents `ref` names: an id, an id prefix, an input path as stored (``ingest.stored_path``), or
    the start of a file name (also of one stored at the database folder's top, "a.txt")."""
    like = ref.replace("%", "").replace("_", r"\_")
    if not like.strip():
        return []
    rows = conn.execute(
        r"""SELECT id FROM documents WHERE id = ? OR id LIKE ? ESCAPE '\' OR path = ? OR path LIKE ? ESCAPE '\'
            OR path LIKE ? ESCAPE '\' ORDER BY path""",
        (ref, like + "%", ref, "%/" + like + "%", like + "%"),
    ).fetchall()
    return [r[0] for r in rows]
