"""Entities across the whole corpus, from the mentions of every document.

Mentions are put together with a union-find; every union that joins two
different names records its reason in ``merges``. Pronouns and descriptions
("he", "the president") join only the name they refer to (rule 1); every other
rule, the entity's name, type and aliases look at names alone. The rules, in order:
1. a mention and the mention it refers to in the same document (surname, typo, acronym variant);
2. mentions linked to the same state by the gazetteer (names, demonyms, seats);
3. mentions with the same folded name (diacritics and case do not matter);
4. people whose full names agree on first and last name ("George W. Bush" / "George Bush");
5. a lone surname to the one person in the corpus with that surname, or, when several
   share it, to the one whose documents share the most actors with the surname's;
6. near-spellings across documents, only for the same type and when the two share
   at least two co-mentioned entities (context must agree: never blindly);
7. the user's overrides (`newsgraph merge` / `newsgraph split`), which survive rebuilds
   because they are stored by name, not by entity id.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from newsgraph.lexicons.places import fold, gazetteer
from newsgraph.resolve import entity_ids

ORG_WORDS = {"watch", "ministry", "council", "bank", "group", "association", "party", "agency", "institute", "committee",
             "fund", "company", "corporation", "corp", "inc", "news", "times", "post", "network", "union", "court",
             "commission", "organization", "organisation", "foundation", "service", "department", "office", "league"}
LABEL_TYPES = {"PERSON": "person", "ORG": "organization", "GPE": "place", "LOC": "place", "FAC": "place", "NORP": "other"}


@dataclass
class _M:
    id: int
    doc: str
    idx: int
    label: str
    name: str
    key: str
    kind: str
    place: str | None
    refers_to: int | None
    link_reason: str | None
    form: str = "name"  # pronouns and descriptions join an entity only through refers_to


class _Union:
    def __init__(self, n: int, split_keys: list[str | None]):
        self.parent = list(range(n))
        self.split_keys = split_keys
        self.log: list[tuple[int, int, str]] = []

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int, reason: str, force: bool = False) -> bool:
        if not force and self.split_keys[a] != self.split_keys[b]:
            return False  # the user split one of these names off
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        self.parent[rb] = ra
        self.log.append((a, b, reason))
        return True


def slug(name: str) -> str:
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "entity"


def _person_key(key: str) -> str | None:
    parts = [p for p in key.replace(".", " ").split() if p]
    if len(parts) < 2:
        return None
    return f"{parts[0]} {parts[-1]}"


def resolve(conn: sqlite3.Connection) -> None:
    """Rebuild the entity tables and `mentions.entity` from all mentions and overrides."""
    rows = conn.execute(
        "SELECT id, doc, idx, label, name, key, kind, place, refers_to, link_reason, form FROM mentions ORDER BY doc, idx"
    ).fetchall()
    ms = [_M(*r) for r in rows]
    overrides = conn.execute("SELECT action, a, b FROM overrides ORDER BY id").fetchall()
    split = {fold(r[1]) for r in overrides if r[0] == "split"}
    by_doc_idx = {(m.doc, m.idx): i for i, m in enumerate(ms)}
    split_keys = [m.key if m.key in split and m.form == "name" else None for m in ms]
    for i, m in enumerate(ms):  # a pronoun or description follows its name, also when the user split that name off
        j, seen = i, set()
        while ms[j].form != "name" and ms[j].refers_to is not None and j not in seen:
            seen.add(j)
            j = by_doc_idx.get((ms[j].doc, ms[j].refers_to), j)
        split_keys[i] = split_keys[j]
    uf = _Union(len(ms), split_keys)
    names = [i for i, m in enumerate(ms) if m.form == "name"]

    # 1. links made inside one document
    for i, m in enumerate(ms):
        if m.refers_to is not None:
            j = by_doc_idx.get((m.doc, m.refers_to))
            if j is not None:
                uf.union(j, i, m.link_reason or "linked in the same document")
    # 2. the same state; 3. the same folded name
    first_of: dict[str, int] = {}
    for i in names:
        m = ms[i]
        anchor = f"place:{m.place}" if m.place else f"key:{m.key}"
        if anchor in first_of:
            j = first_of[anchor]
            if m.place:
                uf.union(j, i, m.link_reason or ms[j].link_reason or f"both stand for {gazetteer().places[m.place].name}")
            else:
                uf.union(j, i, "same name" if ms[j].name == m.name else "same name up to case and diacritics")
        else:
            first_of[anchor] = i
    # 4. people agreeing on first and last name
    person_of: dict[str, int] = {}
    for i in names:
        m = ms[i]
        if m.label == "PERSON" and not m.place:
            pk = _person_key(m.key)
            if pk:
                if pk in person_of:
                    uf.union(person_of[pk], i, "same first and last name")
                else:
                    person_of[pk] = i

    clusters, types, docs_of, context = _view(uf, ms)

    # 5. lone surnames to the person who bears them
    surnames: dict[str, list[int]] = defaultdict(list)
    for root, members in clusters.items():
        if types[root] == "person":
            full = {ms[i].key for i in members if len(ms[i].key.split()) >= 2}
            for key in full:
                surnames[key.split()[-1]].append(root)
    for root, members in clusters.items():
        if any(ms[i].place for i in members) or any(len(ms[i].key.split()) > 1 for i in members):
            continue
        key = ms[members[0]].key
        candidates = [c for c in dict.fromkeys(surnames.get(key, [])) if c != root]
        reason = "surname of {} (elsewhere in the corpus)"
        if not candidates and len(key) >= 5 and types[root] == "person":
            # a misspelt surname ("Navalni" for Navalny): only with at least two actors in common
            ctx = context(root)
            near = {c for s, cs in surnames.items() if s[:1] == key[:1] and Levenshtein.distance(s, key) == 1 for c in cs}
            candidates = [c for c in near if c != root and len(ctx & context(c)) >= 2]
            reason = "near-spelling of the surname of {}, sharing at least two co-mentioned actors"
        if not candidates:
            continue
        if len(candidates) > 1:
            ctx = context(root)
            scored = sorted(((len(ctx & context(c)), c) for c in candidates), reverse=True)
            if scored[0][0] == scored[1][0]:
                continue
            candidates = [scored[0][1]]
        target = candidates[0]
        uf.union(members[0], clusters[target][0], reason.format(_display(ms, clusters[target])))

    # 6. near-spellings with the same type and shared context
    clusters, types, docs_of, context = _view(uf, ms)
    blocks: dict[tuple[str, str], list[int]] = defaultdict(list)
    names = {}
    for root, members in clusters.items():
        if types[root] in ("person", "organization") and not any(ms[i].place for i in members):
            name = fold(_display(ms, members))
            names[root] = name
            if len(name) >= 5:
                blocks[(types[root], name[:1])].append(root)
    for (typ, _), roots in blocks.items():
        if len(roots) < 2:
            continue
        block_names = [names[r] for r in roots]
        scores = process.cdist(block_names, block_names, scorer=fuzz.ratio, score_cutoff=90, dtype=np.uint8, workers=1)
        for x, y in zip(*np.nonzero(np.triu(scores, k=1))):
            a, b = roots[x], roots[y]
            if uf.find(clusters[a][0]) == uf.find(clusters[b][0]):
                continue
            if abs(len(names[a]) - len(names[b])) > 2 or docs_of[a] & docs_of[b]:
                continue  # both spellings in one document were already judged there
            shared = (context(a) & context(b)) - {a, b}
            if len(shared) >= 2:
                uf.union(
                    clusters[a][0], clusters[b][0],
                    f"near-spelling (similarity {scores[x, y]}) of the same {typ}, sharing {len(shared)} co-mentioned actors",
                )

    # 7. the user's word
    by_key: dict[str, list[int]] = defaultdict(list)
    for i in names:
        by_key[ms[i].key].append(i)
    for action, a, b in overrides:
        if action == "merge" and b:
            ia, ib = by_key.get(fold(a)), by_key.get(fold(b))
            if ia and ib:
                uf.union(ib[0], ia[0], "merged by the user", force=True)

    _write(conn, ms, uf)


def _view(uf: _Union, ms: list[_M]):
    """The clusters as they stand: members, type and documents of each, and its context (co-mentioned clusters)."""
    clusters = _clusters(uf, ms, names_only=True)
    types = {root: _type(ms, members) for root, members in clusters.items()}
    docs_of = {root: {ms[i].doc for i in members} for root, members in clusters.items()}
    cluster_docs: dict[str, set[int]] = defaultdict(set)
    for root, docs in docs_of.items():
        for d in docs:
            cluster_docs[d].add(root)

    def context(root: int) -> set[int]:
        out: set[int] = set()
        for d in docs_of[root]:
            out |= cluster_docs[d]
        out.discard(root)
        return out

    return clusters, types, docs_of, context


def _clusters(uf: _Union, ms: list[_M], names_only: bool = False) -> dict[int, list[int]]:
    """Members of each cluster; with `names_only`, its names alone (what the name-based rules and naming look at)."""
    out: dict[int, list[int]] = defaultdict(list)
    for i in range(len(ms)):
        if not names_only or ms[i].form == "name":
            out[uf.find(i)].append(i)
    return out


def _type(ms: list[_M], members: list[int]) -> str:
    places = Counter(ms[i].place for i in members if ms[i].place)
    if places:
        return gazetteer().places[places.most_common(1)[0][0]].entity_type
    votes: Counter[str] = Counter()
    for i in members:
        m = ms[i]
        if m.label == "NAME":
            continue  # a name found by its syntax alone says nothing of its type
        weight = 3 if m.label == "PERSON" and len(m.name.split()) >= 2 else 1
        votes[LABEL_TYPES.get(m.label, "other")] += weight
    if votes:
        return votes.most_common(1)[0][0]
    words = set(ms[members[0]].name.lower().split())
    if words & ORG_WORDS:
        return "organization"
    return "person" if 2 <= len(words) <= 3 else "other"


def _display(ms: list[_M], members: list[int]) -> str:
    """The entity's name: the state's name, else the most used full form (diacritics win a tie)."""
    places = Counter(ms[i].place for i in members if ms[i].place)
    if places:
        return gazetteer().places[places.most_common(1)[0][0]].name
    forms = Counter(ms[i].name for i in members if ms[i].kind == "name")
    if not forms:
        forms = Counter(ms[i].name for i in members)
    longest = max(len(f.split()) for f in forms)
    full = {f: c for f, c in forms.items() if len(f.split()) == longest or (longest > 1 and len(f.split()) >= 2)}
    return max(full, key=lambda f: (len(f.split()) >= 2, full[f], f != fold(f), f))


def _write(conn: sqlite3.Connection, ms: list[_M], uf: _Union) -> None:
    before = entity_ids.snapshot(conn)  # ids this write drops will redirect (resolve/entity_ids.py)
    clusters = _clusters(uf, ms)
    conn.execute("DELETE FROM merges")
    conn.execute("DELETE FROM entity_roles")
    conn.execute("DELETE FROM entity_aliases")
    conn.execute("DELETE FROM entities")
    ids: dict[int, str] = {}
    used: set[str] = set()
    entity_rows, alias_rows, updates = [], [], []
    ordered = sorted(clusters.items(), key=lambda kv: (-len(kv[1]), _display(ms, kv[1])))
    for root, members in ordered:
        named = [i for i in members if ms[i].form == "name"] or members
        name = _display(ms, named)
        typ = _type(ms, named)
        eid = slug(name)
        if eid in used:
            eid = f"{eid}-{typ}"
            n = 2
            while eid in used:
                eid = f"{slug(name)}-{typ}-{n}"
                n += 1
        used.add(eid)
        ids[root] = eid
        entity_rows.append((eid, name, typ, len(members), len({ms[i].doc for i in members})))
        for alias, count in Counter(ms[i].name for i in named).items():
            alias_rows.append((eid, alias, count))
        updates.extend((eid, ms[i].id) for i in members)
    conn.executemany("INSERT INTO entities(id, name, type, mentions, documents) VALUES (?,?,?,?,?)", entity_rows)
    conn.executemany("INSERT INTO entity_aliases(entity, alias, count) VALUES (?,?,?)", alias_rows)
    conn.executemany("UPDATE mentions SET entity = ? WHERE id = ?", updates)
    conn.execute(
        """INSERT OR IGNORE INTO entity_roles(entity, doc, role)
           SELECT entity, doc, role FROM mentions WHERE role IS NOT NULL AND entity IS NOT NULL"""
    )
    merge_rows = []
    for a, b, reason in uf.log:
        if ms[a].name != ms[b].name and ms[a].form == ms[b].form == "name":
            merge_rows.append((ids[uf.find(a)], ms[a].name, ms[b].name, reason))
    conn.executemany("INSERT INTO merges(entity, a, b, reason) VALUES (?,?,?,?)", list(dict.fromkeys(merge_rows)))
    entity_ids.record(conn, before)
