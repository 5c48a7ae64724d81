"""Reads of propaganda-technique spans: export, per-document listing, per-outlet summary."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter, defaultdict

from newsgraph.store.queries.schema import has_table
from newsgraph.store.queries.suggest import find_documents
from newsgraph.techniques import DEFAULT_MIN_SCORE, MIN_SCORE_META

__all__ = ["default_min_score", "export_techniques", "techniques_for", "outlet_summary", "targets_by_outlet", "techniques_stats", "LOADED", "UNKNOWN_OUTLET"]

# What counts as loaded wording in the per-outlet share: emotional words and labels put on actors.
LOADED = ("Loaded_Language", "Name_Calling,Labeling")
UNKNOWN_OUTLET = "(unknown outlet)"
# An outlet is guessed to publish opinion above either rate of the rule engine's spans. Measured with
# the rules on 40 articles each: BBC news 6.2 spans per 1,000 words and 2.5% of sentences loaded; PTC
# articles (opinionated outlets) 17-21 per 1,000 words and 10-12% of sentences loaded.
OPINION_PER_1000_WORDS = 11.0
OPINION_LOADED_SHARE = 0.06

_TARGET_ENTITY = """(SELECT m.entity FROM mentions m WHERE m.doc = t.doc AND m.idx = t.target)"""


def default_min_score(conn: sqlite3.Connection, min_score: float | None = None) -> float:
    """`min_score` when given, else the one the store's last build recorded (its techniques model's own default,
    ``techniques.MIN_SCORE_META``), else ``DEFAULT_MIN_SCORE``."""
    if min_score is not None:
        return float(min_score)
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (MIN_SCORE_META,)).fetchone()
    except sqlite3.Error:  # a store without a meta table
        return DEFAULT_MIN_SCORE
    try:
        return float(row[0]) if row and row[0] is not None else DEFAULT_MIN_SCORE
    except ValueError:
        return DEFAULT_MIN_SCORE


def export_techniques(conn: sqlite3.Connection) -> list[dict]:
    """Every technique span in the export contract: id, doc, start, end, technique, target (entity id), engine, score."""
    rows = conn.execute(
        f"""SELECT t.id, t.doc, t.start, t.end, t.technique, {_TARGET_ENTITY} AS target, t.engine, t.score
            FROM techniques t ORDER BY t.doc, t.start, t.end, t.technique"""
    )
    return [dict(r) for r in rows]


def techniques_for(conn: sqlite3.Connection, doc: str | None = None, technique: str | None = None,
                   engine: str | None = None, limit: int | None = None, min_score: float | None = None) -> list[dict]:
    """Technique spans scored at least `min_score` (default: the store's, ``default_min_score``), with their
    document, sentence and target name; `doc` may be an id, id prefix or path."""
    where, args = ["t.score >= ?"], [default_min_score(conn, min_score)]
    if doc:
        ids = find_documents(conn, doc)
        if not ids:
            return []
        where.append(f"t.doc IN ({','.join('?' * len(ids))})")
        args.extend(ids)
    if technique:
        where.append("lower(t.technique) LIKE ?")
        args.append("%" + technique.lower() + "%")
    if engine:
        where.append("t.engine = ?")
        args.append(engine)
    sql = f"""SELECT t.id, t.doc, d.path, d.outlet, t.start, t.end, t.text, t.technique, t.engine, t.score, t.sentence,
                     m.entity AS target, COALESCE(e.name, m.name) AS target_name
              FROM techniques t JOIN documents d ON d.id = t.doc
              LEFT JOIN mentions m ON m.doc = t.doc AND m.idx = t.target
              LEFT JOIN entities e ON e.id = m.entity
              WHERE {' AND '.join(where)}
              ORDER BY d.path, t.start, t.end, t.technique"""
    if limit:
        sql += " LIMIT ?"
        args.append(int(limit))
    return [dict(r) for r in conn.execute(sql, args)]


def _guess(per_1000: float, loaded_share: float) -> str:
    return "opinion" if per_1000 >= OPINION_PER_1000_WORDS or loaded_share >= OPINION_LOADED_SHARE else "reporting"


def outlet_summary(conn: sqlite3.Connection, min_score: float | None = None) -> list[dict]:
    """Per outlet: share of sentences with loaded wording, techniques per 1,000 words, an opinion-vs-reporting
    guess, technique counts, and the labels (name calling) put on each actor; spans scored below `min_score`
    (default: the store's, ``default_min_score``) are left out.

    Rates, counts and the guess read the rule engine's spans, which mean the same
    whether or not a model was trained; the model's spans are counted apart.
    """
    min_score = default_min_score(conn, min_score)
    outlets: dict[str, dict] = {}
    for r in conn.execute(
        """SELECT COALESCE(d.outlet, ?) AS outlet, COUNT(*) AS documents, SUM(d.words) AS words,
                  SUM((SELECT COUNT(*) FROM sentences s WHERE s.doc = d.id)) AS sentences
           FROM documents d GROUP BY 1""",
        (UNKNOWN_OUTLET,),
    ):
        outlets[r["outlet"]] = {"outlet": r["outlet"], "documents": r["documents"], "words": r["words"] or 0,
                                "sentences": r["sentences"] or 0}
    counts: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for r in conn.execute(
        """SELECT COALESCE(d.outlet, ?) AS outlet, t.engine, t.technique, COUNT(*) AS n
           FROM techniques t JOIN documents d ON d.id = t.doc WHERE t.score >= ? GROUP BY 1, 2, 3""",
        (UNKNOWN_OUTLET, min_score),
    ):
        counts[(r["outlet"], r["engine"])][r["technique"]] = r["n"]
    loaded: Counter = Counter()
    for r in conn.execute(
        f"""SELECT outlet, COUNT(*) AS n FROM (
                SELECT DISTINCT COALESCE(d.outlet, ?) AS outlet, t.doc, t.sentence FROM techniques t
                JOIN documents d ON d.id = t.doc
                WHERE t.engine = 'rules' AND t.score >= ? AND t.technique IN ({','.join('?' * len(LOADED))}))
            GROUP BY outlet""",
        (UNKNOWN_OUTLET, min_score, *LOADED),
    ):
        loaded[r["outlet"]] = r["n"]
    labels: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    for r in conn.execute(
        """SELECT COALESCE(d.outlet, ?) AS outlet, COALESCE(e.name, m.name) AS actor, lower(t.text) AS label
           FROM techniques t JOIN documents d ON d.id = t.doc
           JOIN mentions m ON m.doc = t.doc AND m.idx = t.target
           LEFT JOIN entities e ON e.id = m.entity
           WHERE t.technique = 'Name_Calling,Labeling' AND t.engine = 'rules' AND t.score >= ?""",
        (UNKNOWN_OUTLET, min_score),
    ):
        labels[r["outlet"]][r["actor"]][r["label"]] += 1
    out = []
    for name, o in sorted(outlets.items()):
        total = sum(counts[(name, "rules")].values())
        share = loaded[name] / o["sentences"] if o["sentences"] else 0.0
        per_1000 = total * 1000 / o["words"] if o["words"] else 0.0
        o.update(
            loaded_sentence_share=round(share, 4),
            techniques=total,
            techniques_per_1000_words=round(per_1000, 2),
            guess=_guess(per_1000, share),
            technique_counts=dict(counts[(name, "rules")].most_common()),
            model_techniques=sum(counts[(name, "model")].values()),
            model_technique_counts=dict(counts[(name, "model")].most_common()),
            labels={actor: dict(c.most_common()) for actor, c in sorted(labels[name].items())},
        )
        out.append(o)
    return out


def targets_by_outlet(conn: sqlite3.Connection) -> list[dict]:
    """Technique spans aimed at each entity, per outlet and technique: feeds the actor × outlet matrix."""
    rows = conn.execute(
        """SELECT m.entity AS entity, COALESCE(e.name, m.name) AS name, COALESCE(d.outlet, ?) AS outlet,
                  t.technique, COUNT(*) AS count
           FROM techniques t JOIN documents d ON d.id = t.doc
           JOIN mentions m ON m.doc = t.doc AND m.idx = t.target
           LEFT JOIN entities e ON e.id = m.entity
           GROUP BY 1, 2, 3, 4 ORDER BY count DESC, name""",
        (UNKNOWN_OUTLET,),
    )
    return [dict(r) for r in rows]


def technique_names(conn: sqlite3.Connection) -> list[str]:
    """The names of the techniques the stored spans carry (a model trained on other labels may write others than
    the 14 PTC techniques)."""
    if not has_table(conn, "techniques"):
        return []
    return [r[0] for r in conn.execute("SELECT DISTINCT technique FROM techniques ORDER BY technique")]


def techniques_stats(conn: sqlite3.Connection) -> dict:
    """The techniques engine and model file the last `newsgraph build` ran (recorded by the build), and the
    stored spans per engine."""
    last = conn.execute("SELECT value FROM meta WHERE key = 'techniques'").fetchone()
    if last:
        last = json.loads(last[0])
    elif has_table(conn, "documents") and conn.execute("SELECT 1 FROM documents LIMIT 1").fetchone():
        last = {"engine": "unknown (built before newsgraph recorded it)", "model": None}
    else:
        last = {"engine": "none yet (no document built)", "model": None}
    spans = (dict(conn.execute("SELECT engine, COUNT(*) FROM techniques GROUP BY engine ORDER BY engine").fetchall())
             if has_table(conn, "techniques") else {})
    return {"engine": last.get("engine"), "model": last.get("model"), "spans": spans}
