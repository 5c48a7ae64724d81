"""Entities across the whole corpus, from the mentions of every document.

``resolve(conn)`` loads the mention rows, computes the entities (``cluster``, pure, no SQL)
and writes them back. Mentions are put together with a union-find; every union that
joins two different names records its reason in ``merges``. Pronouns and descriptions
("he", "the president") join only the name they refer to (rule 1); every other rule, the
entity's name, type and aliases look at names alone. Two people with different first
names are never joined (except by the user). The rules, in order:
1. a mention and the mention it refers to in the same document (surname, typo, acronym);
2. mentions linked to the same state by the gazetteer (names, demonyms, seats);
3. mentions with the same name up to case, diacritics and company form ("Intel Corp." / Intel);
   a lone surname only within its own document: it is never a bridge between two people;
4. people whose full names agree on first and last name ("George W. Bush" / "George Bush");
5. a document's lone surname to the one person in the corpus with that surname, or, when
   several share it, to the one whose documents share the most actors with it; a surname
   nobody bears in full stays one entity across documents;
6. near-spellings across documents ("Chrylser"), only for the same type and when the two
   share co-mentioned entities (context must agree: never blindly);
7. an acronym and the name its letters spell ("GAO" / Government Accountability Office),
   when the two share co-mentioned entities and no other name fits;
8. the user's overrides (`newsgraph merge` / `newsgraph split`), which survive rebuilds
   because they are stored by name, not by entity id.

Documents added to a big resolved corpus are resolved against its entities (``resolve_added``)
by the same rules, each entity standing in as one record per name form, and only the entities
the new names can meet by a rule (``_reachable``): the same tables as against every entity.
A corpus past ``ENTITY_WHOLE`` documents is resolved that way a batch at a time after its first
``ENTITY_WHOLE``, then every entity is named and typed again from all its mentions (``resolve``):
memory follows a batch and the entity table, not the corpus.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, groupby, repeat
from operator import itemgetter

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Levenshtein

from newsgraph.lexicons.names import (
    ACRONYM_SKIPPABLE, AFTER_NAME, EAST_ASIAN_SURNAMES, LEGAL_SUFFIXES, NOT_PERSON_HEADS, ORG_HEADS, OUTLET_SERVICES, PEERAGE,
    PLACE_HEADS,
    family_name, first_names, given_name, outlets,
    acronym_letters, initials_match, is_east_asian_order, spelling_needs,
)
from newsgraph.lexicons.places import fold, from_table, gazetteer, table_spelling
from newsgraph.resolve import entity_ids
from newsgraph.store import entities as entity_store
from newsgraph.store.entities import EntityTables

ORG_WORDS = ORG_HEADS | {"corp", "inc"}
# Nicknames of parties that share no word with the party's name ("Tories" for the Conservative Party).
PARTY_NICKNAMES_OF = {"conservative": ("tories", "tory party"), "republican": ("gop", "grand old party")}
LABEL_TYPES = {"PERSON": "person", "ORG": "organization", "GPE": "place", "LOC": "place", "FAC": "place", "NORP": "other"}
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&.]{1,9}$")


@dataclass(slots=True, frozen=True)
class _Form:
    """What the rules read of a mention besides its document: one shared record per distinct name form."""
    label: str
    name: str
    key: str
    kind: str
    place: str | None
    link_reason: str | None
    role: str | None = None
    form: str = "name"  # pronouns and descriptions join an entity only through refers_to


NO_LINK, LINK_NOT_FOUND = -1, -2  # `_Mentions.target` of a mention that refers to nothing / to no mention of its document


class _Mentions:
    """The mentions as columns of small integers: per mention its name form, the mention it refers to (an index,
    or NO_LINK / LINK_NOT_FOUND) and, with `ids`, its row id; each distinct name form (`_Form`) and document name
    is held once, and a document as where its mentions begin (`doc_start`: a document's mentions come together).
    `ms[i]` is mention i's form; a 100k-document store has millions of mentions but only thousands of documents
    and forms per copy, so a mention costs 8 bytes (12 with its row id) instead of a record of its own. A full
    resolve keeps no row ids: the writer reads them again from the store in the order the rows came
    (`entity_tables`' `row_ids`).

    Rows must come in document order (each document's mentions together), as `MENTION_COLUMNS` tuples: the
    mention a row refers to is looked up among the rows of its document when the document ends.

    With `attach`, a pronoun or description that refers to a name and that no mention refers to is not one of
    the mentions (`len`, the indexes): its rule-1 union with its name could not fail, logged nothing and added
    no first name, so it only ever followed that name. It is kept apart, in order, as its form, row id, the
    mention it refers to and the mention it came before (`attached`); the writer gives it the entity of the
    mention it refers to (`_every`). A third of a corpus's mentions, they cost the union-find nothing.

    Without `doc_names` the documents' names are not held (`docs` stays empty; a full resolve never reads them,
    100,000 of them were 14 MB): a document is then only its code, and only the rows of one `extend` are checked
    for coming a document at a time. `cluster` lets `target` go once rule 1 has read it (None after).
    """

    __slots__ = ("forms", "_form_code", "docs", "doc_names", "doc_start", "form", "id", "target", "_is_name", "attach",
                 "ids", "att_form", "att_id", "att_to", "att_at")

    def __init__(self, rows=(), attach: bool = False, ids: bool = True, doc_names: bool = True):
        self.forms: list[_Form] = []
        self._form_code: dict[tuple, int] = {}
        self.docs: list[str] = []
        self.doc_names = doc_names
        self.doc_start = array("i")  # by document code: its first mention
        self.form, self.target = array("i"), array("i")
        self.ids = ids
        self.id = array("q")  # empty without `ids`
        self._is_name = bytearray()
        self.attach = attach
        # the attached pronouns and descriptions: form, row id, the mention referred to, the mention they precede
        self.att_form, self.att_id, self.att_to, self.att_at = array("i"), array("q"), array("i"), array("i")
        self.extend(rows)

    def extend(self, rows) -> None:
        one = sys.intern
        codes, known = self._form_code, set(self.docs)
        at: dict[int, int] = {}  # idx -> mention, in the current document
        pending: list[tuple[int, int]] = []  # (mention, idx it refers to), in the current document
        current, start = None, len(self.form)
        keep_ids = self.ids
        for row_id, doc, idx, label, name, key, kind, place, ref, reason, role, form in rows:
            if doc != current:
                self._link(at, pending, start)
                start = len(self.form)
                if doc in known:
                    raise ValueError(f"mentions of document {doc!r} are not together")
                current = doc
                known.add(doc)
                if self.doc_names:
                    self.docs.append(one(doc))
                self.doc_start.append(start)
            fkey = (label, name, key, kind, place, reason, role, form)
            code = codes.get(fkey)
            if code is None:  # the key holds the shared strings, not the row's copies
                fkey = (one(label), one(name), one(key), one(kind), place and one(place), reason and one(reason),
                        role and one(role), one(form))
                code = codes[fkey] = len(self.forms)
                self.forms.append(_Form(*fkey))
                self._is_name.append(form == "name")
            i = len(self.form)
            self.form.append(code)
            if keep_ids:
                self.id.append(-1 if row_id is None else row_id)
            self.target.append(NO_LINK)
            at[idx] = i
            if ref is not None:
                pending.append((i, ref))
        self._link(at, pending, start)

    def seal(self) -> "_Mentions":
        """No more rows: drop the index of name forms that `extend` looks rows up in (a tuple per form), and hold
        the row ids in 4 bytes and the name forms in 2 when they fit (a corpus whose people recur names fewer than
        65,536 forms however many its documents)."""
        self._form_code = None
        if max(self.id, default=-1) < 2**31 and max(self.att_id, default=-1) < 2**31:
            self.id, self.att_id = array("i", self.id), array("i", self.att_id)
        if len(self.forms) <= 2**16:
            self.form, self.att_form = array("H", self.form), array("H", self.att_form)
        return self

    def _link(self, at: dict[int, int], pending: list[tuple[int, int]], start: int) -> None:
        """The mentions of the document ending (from `start` on) get the mention each refers to."""
        for i, ref in pending:
            self.target[i] = at.get(ref, LINK_NOT_FOUND)
        if self.attach and pending:
            self._set_apart(start, pending)
        at.clear()
        pending.clear()

    def _set_apart(self, start: int, pending: list[tuple[int, int]]) -> None:
        """Take the document's pronouns and descriptions that refer to a name and that no mention refers to out
        of the mentions (see `attach`); the mentions after them move up and the links are renumbered."""
        form, row_id, target, is_name, keep_ids = self.form, self.id, self.target, self._is_name, self.ids
        referred = {target[i] for i, _ in pending}
        apart = {i for i, _ in pending
                 if not is_name[form[i]] and target[i] >= 0 and is_name[form[target[i]]] and i not in referred}
        if not apart:
            return
        end, new, k = len(form), {}, start
        for i in range(start, end):  # the new index of each mention that stays
            if i not in apart:
                new[i] = k
                k += 1
        kept, k = [], start
        for i in range(start, end):
            if i in apart:
                self.att_form.append(form[i])
                if keep_ids:
                    self.att_id.append(row_id[i])
                self.att_to.append(new[target[i]])
                self.att_at.append(k)  # it came just before the mention that is now k
            else:
                kept.append(i)
                k += 1
        columns = [(a, array(a.typecode, (a[i] for i in kept))) for a in ((form, row_id) if keep_ids else (form,))]
        columns.append((target, array("i", (new[target[i]] if target[i] >= 0 else target[i] for i in kept))))
        for a, col in columns:
            del a[start:]
            a.extend(col)

    def __len__(self) -> int:
        return len(self.form)

    def __getitem__(self, i: int) -> _Form:
        return self.forms[self.form[i]]

    def is_name(self, i: int) -> bool:
        return self._is_name[self.form[i]]

    def doc_code(self, i: int) -> int:
        """Mention i's document, as its code (`docs`)."""
        return bisect_right(self.doc_start, i) - 1

    def doc_codes(self, start: int = 0):
        """The document code of each mention from `start` on, in order (an iterator)."""
        bounds, n = self.doc_start, len(self.form)

        def runs():
            at = start
            for d in range(self.doc_code(start), len(bounds)):
                end = bounds[d + 1] if d + 1 < len(bounds) else n
                yield repeat(d, end - at)
                at = end

        return chain.from_iterable(runs()) if start < n else iter(())

    def doc_of(self, i: int) -> str:
        if not self.doc_names:
            raise ValueError("document names were not held (_Mentions(doc_names=False)): a full resolve reads none")
        return self.docs[self.doc_code(i)]


class _Cluster:
    """A cluster as the rules see it: its first member, size, documents, and its name forms with their counts
    in order of first appearance (all a vote, a name or a rule reads of its members); with all forms, also its
    first member that is a name.

    Most clusters hold one name form: that form is `form1` (its count is `n`) and `more` stays None; a dict of
    forms is made only for a second form (a dict per cluster was the largest part of a view).
    """

    __slots__ = ("first", "first_name", "n", "form1", "more", "docs", "n_docs", "last_doc")

    def __init__(self, first: int, docs: bool = True):
        self.first, self.first_name, self.n, self.form1, self.more = first, -1, 0, -1, None
        self.docs = set() if docs else None
        self.n_docs = 0  # the number of documents, when `docs` is not kept (`_count_documents`)
        self.last_doc = -1  # the last document `_count_documents` met a member in

    def form_counts(self):
        """(form, count) of each name form, in order of first appearance."""
        return ((self.form1, self.n),) if self.more is None else self.more.items()

    @property
    def documents(self) -> int:
        return self.n_docs if self.docs is None else len(self.docs)

    def named(self, ms: _Mentions) -> "_Cluster":
        """The cluster's names alone, or the whole cluster when it holds no name."""
        if self.first_name < 0 or self.first_name == self.first and all(ms.forms[f].form == "name" for f, _ in self.form_counts()):
            return self
        out = _Cluster(self.first_name, docs=False)
        out.more = {f: k for f, k in self.form_counts() if ms.forms[f].form == "name"}
        out.n = sum(out.more.values())
        return out


@from_table
@lru_cache(maxsize=1)
def gazetteer_keys() -> frozenset[str]:
    """Folded names and capitals of the table of states: a lone "Jordan" or "Georgia" may be the state."""
    g = gazetteer()
    return frozenset(fold(s) for table in (g.names, g.capitals) for s in table)


def _given(m: _Form) -> str | None:
    """The folded first name of a person mention written in full, else None."""
    if m.place or m.form != "name" or m.label not in {"PERSON", "NAME"}:
        return None
    words = m.key.split()
    if len(words) < 2 or words[0] in PEERAGE:
        return None
    given = given_name(words)
    return given.rstrip(".") if given and len(given.rstrip(".")) > 1 else None


def _compatible(a: set[str], b: set[str]) -> bool:
    """First names that may be one person's: equal, an initial of the other, or a short form ("Alex"/"Alexander")."""
    if not a or not b:
        return True
    for x in a:
        for y in b:
            if x == y or (len(x) == 1 and y.startswith(x)) or (len(y) == 1 and x.startswith(y)):
                return True
            if min(len(x), len(y)) >= 2 and (x.startswith(y) or y.startswith(x)):
                return True
    return False


class _Union:
    """Union-find over mentions that refuses what the rules forbid: a name the user split off, two first names.

    With `seeded`, the mentions standing for resolved entities (`resolve_added`) are not new: two clusters
    holding such mentions (two resolved entities) are never joined; whether new evidence makes them one is
    left to the next full resolve. Without it (a full resolve) every mention is new and none resolved, and the
    two flags per mention (`fresh`, `resolved`) are not held.

    The unions of two different names (what `merges` keeps) are logged as a mention of the cluster and the code of
    (its name, the other's, the reason, whether both were seeds), 8 bytes a union; `settle` keeps only the first
    of those that name one cluster the same way (the writer keeps only the first per entity anyway), so the log
    holds about one entry per cluster and name pair, not one per document ("Blair" / "Tony Blair").
    """

    def __init__(self, ms: _Mentions, split_keys: dict[int, str], seeded: set[int] | None = None):
        n = len(ms)
        self.ms = ms
        self.parent = array("i", range(n))
        self.split_keys = split_keys  # mention -> the name the user split off it is (only those)
        self.fresh = self.resolved = None
        self.seeded = seeded
        if seeded is not None:
            self.fresh = bytearray(b"\x01") * n
            self.resolved = bytearray(n)
            for i in seeded:
                self.fresh[i], self.resolved[i] = 0, 1
        # the first names of a cluster that absorbed another; any other root's are its own (`_own_firsts`)
        self.firsts: dict[int, frozenset[str]] = {}
        self._form_firsts: list[frozenset[str] | None] = [None] * len(ms.forms)  # by name form, once asked
        self._one_first: dict[str | None, frozenset[str]] = {None: frozenset()}
        # the unions of two different names: a mention of the cluster, and the code of (name a, name b, reason,
        # both seeds) in `_logged`
        self.log_at, self.log_code = array("i"), array("i")
        self._logged: dict[tuple, int] = {}
        self._settled = 0  # the log's length when `settle` last ran

    @property
    def log(self):
        """(a mention of the cluster, name a, name b, reason, whether it joined two seeds) of each logged union, in
        order (see `settle`; `resolve_added` leaves out the unions of two seeds)."""
        logged = list(self._logged)
        return ((i, *logged[code]) for i, code in zip(self.log_at, self.log_code))

    def settle(self) -> None:
        """Let go of what the unions so far left behind: the first names of roots that are roots no more (a dict
        keeps its size after its entries go) and, in the log, each entry after the first naming the same cluster
        with the same names and reason (the writer keeps only the first of those: one entry per entity, names and
        reason, in order of first appearance, which dropping later ones within a cluster cannot change)."""
        if self.firsts is not None:
            self.firsts = dict(self.firsts)
        if len(self.log_at) == self._settled:
            return
        roots = np.fromiter((self.find(i) for i in self.log_at), dtype=np.int64, count=len(self.log_at))
        codes = np.frombuffer(self.log_code, dtype=np.int32)
        _, first = np.unique((roots << 32) | codes, return_index=True)
        first.sort()
        self.log_at = array("i", roots[first].astype(np.int32).tobytes())
        self.log_code = array("i", codes[first].tobytes())
        self._settled = len(self.log_at)

    def close(self) -> None:
        """No more unions: drop what only the rules read (first names, the user's splits), before the entities
        are written; `find`, `fresh` and the log stay."""
        self.settle()
        self.firsts = self._form_firsts = self._one_first = self.split_keys = None

    def _own_firsts(self, i: int) -> frozenset[str]:
        code = self.ms.form[i]
        out = self._form_firsts[code]
        if out is None:
            g = _given(self.ms.forms[code]) or None
            out = self._one_first.get(g)
            if out is None:
                out = self._one_first[g] = frozenset((g,))
            self._form_firsts[code] = out
        return out

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def may_join(self, a: int, b: int) -> bool:
        """Whether the clusters of a and b are not both resolved entities (always, without seeds)."""
        return self.resolved is None or not (self.resolved[self.find(a)] and self.resolved[self.find(b)])

    def union(self, a: int, b: int, reason: str, force: bool = False) -> bool:
        if not force and self.split_keys.get(a) != self.split_keys.get(b):
            return False  # the user split one of these names off
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        seeds = self.resolved is not None
        if not force and seeds and self.resolved[ra] and self.resolved[rb]:
            return False  # both hold entities already resolved
        fa, fb = self.firsts.get(ra), self.firsts.get(rb)
        fa = self._own_firsts(ra) if fa is None else fa
        fb = self._own_firsts(rb) if fb is None else fb
        if not force and not _compatible(fa, fb):
            return False  # two people with different first names are never one
        self.parent[rb] = ra
        if seeds:
            self.fresh[ra] |= self.fresh[rb]
            self.resolved[ra] |= self.resolved[rb]
        if fa or fb:  # most unions add no first name: the set already held is kept, not copied
            self.firsts[ra] = fa if fb <= fa else fb if fa <= fb else fa | fb
        self.firsts.pop(rb, None)  # no longer a root: never read again
        ma, mb = self.ms[a], self.ms[b]
        if ma.name != mb.name and ma.form == mb.form == "name":
            logged = (ma.name, mb.name, reason, self.seeded is not None and a in self.seeded and b in self.seeded)
            code = self._logged.get(logged)
            if code is None:
                code = self._logged[logged] = len(self._logged)
            self.log_at.append(a)
            self.log_code.append(code)
        return True


class _NearWords:
    """Words one edit (insertion, deletion or substitution) from a given word and beginning with its letter.

    Two words one edit apart share a form with at most one letter deleted, so each word is filed under the
    hashes of itself and its one-letter deletions, and a word's candidates are the words filed under one of its
    own (each then checked). The hashes are held as a sorted numpy array: an index of the deletion strings
    themselves was the largest structure of entity resolution at 30,000 documents, and comparing a word with
    every word of its initial and length grew with the square of the corpus.
    """

    def __init__(self, words):
        self.words = list(words)
        keys, ids = array("q"), array("i")
        for n, w in enumerate(self.words):
            for form in _deletions(w):
                keys.append(hash(form))
                ids.append(n)
        keys, ids = np.frombuffer(keys, dtype=np.int64), np.frombuffer(ids, dtype=np.int32)
        order = np.argsort(keys, kind="stable")
        self.keys, self.ids = keys[order], ids[order]

    def within_one(self, word: str) -> list[str]:
        hashes = np.fromiter((hash(f) for f in _deletions(word)), dtype=np.int64)
        starts, ends = self.keys.searchsorted(hashes, "left"), self.keys.searchsorted(hashes, "right")
        found = {self.words[n] for n in self.ids[_ranges(starts, ends)].tolist()}
        return [w for w in found if w[:1] == word[:1] and Levenshtein.distance(w, word) == 1]


def _deletions(word: str) -> set[str]:
    return {word} | {word[:i] + word[i + 1:] for i in range(len(word))}


def slug(name: str) -> str:
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "entity"


def _person_key(key: str) -> str | None:
    """First and last name of a person's folded name: "w. mark felt sr." -> "mark felt"."""
    parts = [p for p in key.split() if p]
    if len(parts) < 2:
        return None
    given, family = given_name(parts), family_name(parts)
    if not given or given == family:
        return None
    return f"{given.rstrip('.')} {family}"


def match_key(key: str) -> str:
    """The key names are matched on: the folded name without a company form or a leading "the"."""
    words = key.split()
    if len(words) > 2 and words[0] == "the":
        words = words[1:]
    stripped = [w for w in words]
    while len(stripped) > 1 and (stripped[-1].rstrip(",") in LEGAL_SUFFIXES or stripped[-1] in {",", "&"}):
        stripped.pop()
    if stripped and stripped[-1].endswith(","):
        stripped[-1] = stripped[-1][:-1]
    return " ".join(stripped)


def _match_keys(ms: _Mentions) -> list[str]:
    """`match_key` of each name form's key, by form (the key itself when they are equal; one string per key)."""
    of: dict[str, str] = {}
    out = []
    for m in ms.forms:
        k = of.get(m.key)
        if k is None:
            k = match_key(m.key)
            k = of[m.key] = m.key if k == m.key else k
        out.append(k)
    return out


def _load(store, ids: bool = True, upto: str | None = None) -> tuple[_Mentions, list[tuple[str, str, str | None]]]:
    """Every mention (with `ids`, each with its row id and its document's name; a full resolve reads neither; with
    `upto`, those of the documents up to that one), and the user's overrides."""
    return (_Mentions(entity_store.mention_rows(store, upto), attach=True, ids=ids, doc_names=ids).seal(),
            entity_store.overrides(store))


# Documents a full resolve clusters at once (`ENTITY_WHOLE`) and, past them, documents a batch (`ENTITY_BATCH`; see
# `resolve`). A full resolve holds about 19 bytes a mention besides the entity table; a batch holds its own mentions
# and the entity table, whatever the corpus's size. Below ENTITY_WHOLE the step is exact and cheapest; past it the
# batches keep the peak where the whole resolve of ENTITY_WHOLE documents put it: at 100,000 BBC-like documents 104 MB
# instead of 160, for 1.1-1.8 times its CPU in runs that vary (README, "Beyond one machine").
ENTITY_WHOLE = 30_000
ENTITY_BATCH = 10_000


def resolve(store, batch: int | None = None, whole: int | None = None) -> None:
    """Rebuild the entity tables and `mentions.entity` from all mentions and overrides: load, cluster, write.
    The mentions' row ids are not held while clustering: the writer reads them again, in the order the mentions
    were loaded, beside each mention's entity.

    A corpus of more than `whole` documents is resolved as if its documents had come in batches, in document id
    order: the first `whole` by a full resolve, then `batch` at a time, each by `resolve_added` against the entities
    of the batches before it (defaults `ENTITY_WHOLE` and `ENTITY_BATCH`; `batch` alone makes the first batch that
    size too). Memory then follows one batch and the entity table, not the corpus.
    The price is `resolve_added`'s: two entities settled in earlier batches are not joined by what a later batch
    says of them, and a lone surname meets only the people of the batches up to its own. Names, types,
    affiliations and ids are then voted again over all the mentions (`_vote_again`), as a full resolve votes them.
    What `resolve_added` joins against fewer documents also differs at times (a short name, a near-spelling whose
    shared context was counted in one batch): on the BBC in batches of 500, B-cubed F1 0.983 against a full resolve.
    """
    if whole is None:
        whole = ENTITY_WHOLE if batch is None else batch
    batch = ENTITY_BATCH if batch is None else batch
    batches = entity_store.document_batches(store, batch, first=whole)
    first = next(batches, [])
    rest = next(batches, None)
    upto = first[-1] if rest is not None else None
    ms, overrides = _load(store, ids=False, upto=upto)
    uf = cluster(ms, overrides)
    with store.transaction():  # the batches are one write: an interrupted one leaves the entities as they were
        entity_ids.snapshot(store)  # ids this write drops will redirect (resolve/entity_ids.py)
        tally = _Tally(store) if rest is not None else None
        row_ids = entity_store.mention_ids(store, upto, before=tally is not None)
        moves = entity_store.write_entities(store, entity_tables(ms, uf, row_ids, tally), upto)
        del ms, uf, first
        if rest is not None:
            # the documents after a batch still hold their entities of before the step: each batch reads and moves
            # only those up to its last, and counts where its mentions came from as it first writes them
            tally.written()
            contexts, last = _Contexts(store), upto
            for docs in chain((rest,), batches):
                contexts.read_through(last)
                last = max(docs)
                resolve_added(store, set(docs), redirect=False, upto=last, tally=tally, contexts=contexts)
            del contexts
            tally.follow(_vote_again(store))
            moves = tally.moves()
        entity_ids.record(store, moves)


class _Tally:
    """What a batched `resolve` counts of the mentions as it first writes them, so that nothing reads every
    mention again at its end: each entity's forms with their counts and first appearance (what `_vote_again`
    reads of an entity; grouping all the mentions again in SQLite took a tenth of the step at 100,000 documents),
    and where the mentions came from, (entity before the step, entity now) -> mentions, for the redirects
    (`entity_ids.record`; a copy of every mention's entity, cleared and compared at the end, took another tenth).
    A mention's entity of before the step is still in the store when its batch writes it: the documents after a
    batch are neither read nor moved by it. Both counts follow the folds after, the moves also the vote's new ids.
    A batch's form counts go to the store once it is written (held in the process, the corpus's were 15 MB at
    30,000 documents); the moves are a pair per entity and move, the size of the entity table."""

    def __init__(self, store):
        self.store = store
        # the batch's (entity, form code) -> [mentions, first seen], the codes indexing `form_of` (a form's code is
        # an int: hashing the 8-field `_Form` for each of 4 million mentions took a tenth of the batches' CPU)
        self.forms: dict[tuple[str, int], list[int]] = {}
        self.form_of: list[_Form] = []
        self.seen = 0
        self.pairs: Counter[tuple[str, str]] = Counter()
        entity_store.start_form_counts(store)

    def counting(self, mentions, before, form_of: list[_Form]):
        """(entity, row id) to write for each (entity, form code, row id or None) of `mentions`, in the order they
        were loaded (document, position, row id), beside `before`'s (row id, entity before the step) of the same
        mentions in the same order; each mention counted as it is passed on. `form_of`: the forms the codes index
        (`_Mentions.forms`, one list for the batch). A row id known on both sides must agree."""
        if self.forms and form_of is not self.form_of:
            raise ValueError("a batch's mentions counted against two lists of forms")
        self.form_of = form_of
        forms, pairs, seen = self.forms, self.pairs, self.seen
        try:
            for (entity, code, known), (row_id, old) in zip(mentions, before, strict=True):
                if known is not None and known != row_id:
                    raise ValueError(f"mention {known} met beside the entity of mention {row_id}: read in two orders")
                c = forms.get((entity, code))
                if c is None:
                    forms[entity, code] = [1, seen]
                else:
                    c[0] += 1
                seen += 1
                if old is not None:
                    pairs[old, entity] += 1
                yield entity, row_id
        finally:
            self.seen = seen

    def written(self, folded: dict[str, str] | None = None) -> None:
        """A batch is written: its form counts go to the store, then the mentions and forms of each entity in
        `folded` (old -> new) count for the entity it joined."""
        form_of = self.form_of
        counted = ((e, form_of[code], n, first) for (e, code), (n, first) in self.forms.items())
        entity_store.add_form_counts(self.store, (
            (e, f.label, f.name, f.key, f.kind, f.place, f.link_reason, f.role, f.form, n, first)
            for e, f, n, first in counted))
        self.forms, self.form_of = {}, []
        if folded:
            entity_store.fold_form_counts(self.store, folded)
            self.follow(folded)

    def follow(self, new_of: dict[str, str]) -> None:
        """The mentions of each entity in `new_of` went to its new entity (or id)."""
        if new_of:
            old = self.pairs
            self.pairs = Counter()
            for (before, now), n in old.items():
                self.pairs[before, new_of.get(now, now)] += n

    def moves(self) -> list[tuple[str, str, int]]:
        """(entity before the step, entity now, mentions) of the mentions that changed entity."""
        return [(before, now, n) for (before, now), n in self.pairs.items() if before != now]


class _Contexts:
    """The entities named beside each entity a batch's rules asked about (`co_mentioned`), in the documents before
    the batch, kept across a batched `resolve`'s batches: a later batch reads only the documents of the batches
    since (`read_through`), not again every document that names the entity. Asked afresh of the store, a batch's
    contexts read more the larger the corpus before it (0.5 CPU s for the batch after 30,000 BBC-like documents, 1.9
    for the one after 90,000). Held in the process, they are small: at 100,000 documents 990 entities held, 57,903
    ids in their contexts all told, 3.4 MB of sets."""

    def __init__(self, store):
        self.store = store
        self.held: dict[str, set[str]] = {}
        self.through: str | None = None  # the last document the held contexts have read

    def read_through(self, last: str) -> None:
        """The documents up to `last` (in id order) are written: the held contexts read those after `through`."""
        if self.held and self.through is not None and last > self.through:
            held = self.held
            for _doc, rows in groupby(entity_store.document_entities(self.store, self.through, last), key=itemgetter(0)):
                named = {sys.intern(e) for _, e in rows}
                for e in named:
                    context = held.get(e)
                    if context is not None:
                        context.update(named)
                        context.discard(e)
        self.through = last

    def forget(self) -> None:
        """Entities were folded into others: the held contexts may name ids that are gone."""
        self.held.clear()

    def reader(self, upto: str):
        """`co_mentioned` for the batch ending at `upto`: the entities named beside an entity in the documents
        before the batch (the documents up to `through`), asked of the store once for each entity."""
        held, store = self.held, self.store

        def co_mentioned(entity: str) -> set[str]:
            out = held.get(entity)
            if out is None:  # an id once, however many contexts name it (the store gives each row its own string)
                out = held[entity] = {sys.intern(e) for e in entity_store.co_mentioned(store, entity, upto)}
            return out
        return co_mentioned


def _vote_again(store) -> dict[str, str]:
    """After a batched `resolve`: each entity's name, type and affiliation voted by all its mentions, and the ids
    chosen again from those names, largest entity first, as a full resolve names its clusters (`entity_tables`).
    The votes read each entity's forms with their counts in order of first appearance: all `_display` and `_type`
    read of a cluster, one row per entity and form instead of the mentions (counted as the batches wrote the
    mentions: `_Tally`). Returns the new ids (old -> new)."""
    # (mentions, name, first appearance, id, type, affiliation place): ties in size and name go by first appearance,
    # as a full resolve meets its clusters
    voted: list[tuple[int, str, int, str, str, str | None]] = []
    for eid, rows in groupby(entity_store.form_counts(store), key=itemgetter(0)):
        rows = [r[1:] for r in rows]
        forms, c = _form_cluster(rows)
        named = c.named(forms)
        voted.append((c.n, _display(forms, named), rows[0][9], eid, _type(forms, named), _affiliation(forms, named)))
    voted.sort(key=lambda v: (-v[0], v[1], v[2]))
    used: set[str] = set()
    renames = {}
    for _, name, _, eid, typ, _ in voted:
        new = _new_id(name, typ, used)
        if new != eid:
            renames[eid] = new
    # a place's entity: the one with most of its mentions (a full resolve takes the first cluster it is most of)
    place_entity = entity_store.place_entities(store, {v[5] for v in voted if v[5]})
    affiliated = _affiliated([(eid, name, typ, n, 0, aff) for n, name, _, eid, typ, aff in voted], place_entity)
    entity_store.revise_entities(store, [(eid, name, typ, aff) for eid, name, typ, _, _, aff in affiliated], renames)
    return renames


def _form_cluster(rows: list[tuple]) -> tuple[_Forms, _Cluster]:
    """An entity's (label, name, key, kind, place, link_reason, role, form, count) rows, in order of first
    appearance, as a cluster of forms (form i stands for its first mention) for `_display` and `_type`."""
    forms = _Forms([_Form(*r[:8]) for r in rows])
    c = _Cluster(0, docs=False)
    c.more = {i: r[8] for i, r in enumerate(rows)}
    c.n = sum(c.more.values())
    c.first_name = next((i for i, f in enumerate(forms.forms) if f.form == "name"), -1)
    return forms, c


def cluster(ms: _Mentions, overrides: list[tuple[str, str, str | None]],
            seed_of: dict[int, str] | None = None, co_mentioned=None, left_out: "_LeftOut | None" = None) -> _Union:
    """The entities as a union-find over the mentions (pure: no SQL). It lets go of `ms.target` after rule 1 (a
    `_Mentions` is clustered once; read the links before, if needed).

    `seed_of` marks the mentions that stand for resolved entities (index -> entity id; see `resolve_added`):
    they start joined by entity and `co_mentioned(entity)` gives the entities named beside each in its documents.
    `left_out` holds what the resolved entities left out of the seeds (`_reachable`) add to the corpus-wide sets
    the rules look names up in (surnames, place-like names, place keys).
    """
    split = {fold(r[1]) for r in overrides if r[0] == "split"}
    target = ms.target
    split_keys: dict[int, str] = {}
    if split:
        for i in range(len(ms)):  # a pronoun or description follows its name, also when the user split that name off
            j, seen = i, set()
            while ms[j].form != "name" and target[j] != NO_LINK and j not in seen:
                seen.add(j)
                j = target[j] if target[j] >= 0 else j
            m = ms[j]
            if m.key in split and m.form == "name":
                split_keys[i] = m.key
    uf = _Union(ms, split_keys, set(seed_of) if seed_of is not None else None)
    seeds_by_entity: dict[str, list[int]] = defaultdict(list)
    for i, entity in (seed_of or {}).items():
        seeds_by_entity[entity].append(i)
    for members in seeds_by_entity.values():
        for i in members[1:]:
            uf.union(members[0], i, "resolved before", force=True)
    seed_context = None
    if seed_of:
        def seed_context(root: int, docs) -> set[int]:
            """The clusters of the entities named beside this cluster's resolved entities, in earlier documents."""
            return {uf.find(seeds_by_entity[e][0]) for d in (ms.docs[c] for c in docs) if d.startswith(_SEED)
                    for e in co_mentioned(d[len(_SEED):]) if e in seeds_by_entity}
    mk, form, is_name = _match_keys(ms), ms.form, ms._is_name  # each name form's match key

    def name_mentions():
        """The name mentions, in order (walked again by each rule rather than held: 4 bytes a name)."""
        return (i for i in range(len(ms)) if is_name[form[i]])

    # 1. links made inside one document
    for i in range(len(ms)):
        j = target[i]
        if j >= 0:
            uf.union(j, i, ms[i].link_reason or "linked in the same document")
    # after rule 1 only whether a mention refers to anything is read (rule 3): a bit a mention, not 4 bytes
    linked = np.packbits(np.frombuffer(target, dtype=np.int32) != NO_LINK).tobytes()
    ms.target = target = None
    # Surnames of people named in full somewhere: alone, such a word is joined only inside its document.
    surnames = set()
    for m in (ms[i] for i in name_mentions()):
        if m.label in {"PERSON", "NAME"} and not m.place:
            words = m.key.split()
            if len(words) >= 2 and words[0] not in PEERAGE and m.label == "PERSON":
                surnames.add(family_name(words))
    if left_out:
        surnames |= left_out.surnames
    surnames -= gazetteer_keys()
    # 2. the same state; 3. the same name
    placelike = {mk[form[i]] for i in name_mentions() if ms[i].label in {"GPE", "LOC", "FAC"}}
    if left_out:
        placelike |= left_out.placelike
    first_of: dict[str, int] = {}
    in_doc: dict[str, int] = {}  # the same, for the anchors of one document (its mentions come together)
    doc = None
    for i, d in zip(range(len(ms)), ms.doc_codes()):
        if not is_name[form[i]]:
            continue
        m = ms[i]
        if d != doc:
            doc = d
            in_doc.clear()
        key = mk[form[i]]
        anchors = first_of
        if m.place:
            anchor = f"place:{m.place}"
        elif " " not in key and linked[i >> 3] >> (7 - (i & 7)) & 1 and not _ACRONYM.match(m.name):
            continue  # a lone surname or first name follows the person it names in its document: never a bridge
        elif " " not in key and key in surnames:
            anchor, anchors = key, in_doc
        elif m.label == "ORG" and key in placelike:
            anchor = f"org:{key}"  # a team or company named after a place ("Chicago" beating "Houston") is not the place
        else:
            anchor = f"key:{key}"
        if anchor in anchors:
            j = anchors[anchor]
            if m.place:
                uf.union(j, i, m.link_reason or ms[j].link_reason or f"both stand for {gazetteer().places[m.place].name}")
            else:
                uf.union(j, i, "same name" if ms[j].name == m.name else "same name up to case, diacritics and company form")
        else:
            anchors[anchor] = i
    first_of = in_doc = anchors = None  # each rule's indexes go once it is done: the views that follow are the peak
    # 4. people agreeing on first and last name
    person_of: dict[str, int] = {}
    for i in name_mentions():
        m = ms[i]
        if m.label == "PERSON" and not m.place:
            pk = _person_key(m.key)
            if pk:
                if pk in person_of:
                    uf.union(person_of[pk], i, "same first and last name")
                else:
                    person_of[pk] = i

    # 4b. an organisation named "<place> <name>" and its short name: "Indianapolis Colts" / "Colts"
    place_keys = {mk[form[i]] for i in name_mentions() if ms[i].label in {"GPE", "LOC"} and not ms[i].place} | {
        fold(s) for s in gazetteer().names} | {fold(s) for s in gazetteer().capitals}
    if left_out:
        place_keys |= left_out.place_keys
    short_of: dict[str, set[int]] = defaultdict(set)
    for i in name_mentions():
        m = ms[i]
        if m.label != "ORG" or m.place:
            continue
        words = mk[form[i]].split()
        for short in _short_names(words, place_keys):  # "Colts", "Breitbart", "Conservatives" (see `_short_names`)
            short_of[short].add(uf.find(i))
    for i in name_mentions():
        m = ms[i]
        key = mk[form[i]]
        roots = {uf.find(r) for r in short_of.get(key, ())}
        if len(roots) == 1 and not m.place and m.label in {"ORG", "NORP", "NAME", "PERSON"} and key not in surnames:
            root = next(iter(roots))
            uf.union(root, i, f"short name of {ms[root].name}")
    # "Lib Dems" / Liberal Democrats: every word of one name begins the same word of the other
    orgs: dict[int, tuple[str, ...]] = {}
    for i in name_mentions():
        m = ms[i]
        words = tuple(mk[form[i]].split())
        if m.label in {"ORG", "NORP", "NAME", "PERSON"} and not m.place and len(words) >= 2 and fold(words[0]) not in first_names():
            orgs.setdefault(uf.find(i), words)
    by_first: dict[str, list[int]] = defaultdict(list)
    for root, words in orgs.items():
        by_first[words[0][:3]].append(root)
    for roots in by_first.values():
        # b's first word must begin with a's (less a plural s): those b are a run of the sorted first words, taken in
        # the order of `roots`, so the same pairs are tried in the same order without trying every pair (every pair
        # of a block was a third of resolving 100 documents added to 100,000 whose people are all different)
        firsts = sorted((orgs[r][0], n) for n, r in enumerate(roots))
        for a in roots:
            wa = orgs[a]
            if any(len(x) < 3 for x in wa):
                continue  # a word under three letters begins nothing here
            stem = wa[0].rstrip("s")
            at = bisect_left(firsts, (stem, -1))
            run = []
            while at < len(firsts) and firsts[at][0].startswith(stem):
                run.append(firsts[at][1])
                at += 1
            for b in (roots[n] for n in sorted(run)):
                wb = orgs[b]
                if a != b and len(wa) == len(wb) and wa != wb and (not seed_of or uf.may_join(a, b)) and all(y.startswith(x.rstrip("s")) and len(x) >= 3 for x, y in zip(wa, wb)):
                    uf.union(b, a, f"short form of {ms[b].name}")
    del short_of, orgs, by_first

    # 4c. "Fred LaRue" / "Frederick C. LaRue": one first name begins the other
    by_family: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for pk, i in person_of.items():
        given, family = pk.split(" ", 1)
        by_family[family].append((given, i))
    for family, people in by_family.items():
        for g1, i in people:
            for g2, j in people:
                if g1 != g2 and len(g1) >= 3 and g2.startswith(g1):
                    uf.union(j, i, f"short first name of {ms[j].name}")
    del person_of, by_family

    seen = _Seen()
    clusters, types, docs_of, context, display = _view(uf, ms, seen, seed_context)

    # 5. lone surnames to the person who bears them
    bearers: dict[str, list[int]] = defaultdict(list)
    for root, c in clusters.items():
        if types[root] == "person":
            full = {m.key for m, _ in _forms(ms, c) if len(m.key.split()) >= 2 and m.key.split()[0] not in PEERAGE}
            for key in full:
                bearers[family_name(key.split())].append(root)
    near_bearers = _NearWords(s for s in bearers if len(s) >= 4)
    lone: dict[str, list[int]] = defaultdict(list)
    for root, c in clusters.items():
        if any(m.place or len(m.key.split()) > 1 for m, _ in _forms(ms, c)):
            continue
        key = mk[form[c.first]]
        if key in gazetteer_keys():
            continue
        lone[key].append(root)
        # a lone name's context is asked only here, once (a bearer's, again and again): not held by the view, where
        # a document's lone surname each held one
        ctx = None
        # with seeds, a resolved lone name may still join a person the new documents bring, never a resolved one
        candidates = [c for c in dict.fromkeys(bearers.get(key, [])) if c != root and uf.may_join(root, c)]
        reason = "surname of {} (elsewhere in the corpus)"
        if not candidates and len(key) >= 5 and types[root] == "person":
            # a misspelt surname ("Navalni" for Navalny): only with at least two actors in common
            near = [c for c in {c for s in near_bearers.within_one(key) for c in bearers[s]}
                    if c != root and uf.may_join(root, c)]
            if near:
                ctx = context(root, keep=False)
            candidates = [c for c in near if _shared(ctx, context(c)) >= 2]
            reason = "near-spelling of the surname of {}, sharing at least two co-mentioned actors"
        if not candidates:
            continue
        if len(candidates) > 1:
            if ctx is None:
                ctx = context(root, keep=False)
            scored = sorted(((_shared(ctx, context(c)), c) for c in candidates), reverse=True)
            if scored[0][0] == scored[1][0]:
                continue
            candidates = [scored[0][1]]
        target = candidates[0]
        if uf.union(c.first, clusters[target].first, reason.format(display(target))):
            lone[key].remove(root)
    # the lone mentions no bearer was found for: one entity per name across documents
    for key, roots in lone.items():
        for r in roots[1:]:
            uf.union(clusters[roots[0]].first, clusters[r].first, "same name")
    del bearers, near_bearers, lone

    # 6. near-spellings with the same type and shared context
    clusters = types = docs_of = context = display = None  # the next view is built without the last one alive
    clusters, types, docs_of, context, display = _view(uf, ms, seen, seed_context)
    blocks: dict[tuple[str, str], list[int]] = defaultdict(list)
    names = {}
    for root, c in clusters.items():
        if types[root] in ("person", "organization", "place") and not any(m.place for m, _ in _forms(ms, c)):
            name = fold(display(root))
            names[root] = name
            if len(name) >= 5:
                blocks[(types[root], name[:1])].append(root)
    if left_out:  # the blocks in the order they take among every resolved entity's (a block's first cluster's place)
        active = {k for k, roots in blocks.items() if len(roots) > 1 and not all(uf.resolved[uf.find(r)] for r in roots)}
        # only the left-out entities before the last of these blocks' first kept clusters can come first
        last = max((left_out.at(clusters[blocks[k][0]].first) for k in active), default=0)
        before = left_out.first_in_block(active, last) if active else {}
        blocks = dict(sorted(blocks.items(), key=lambda kv: min(left_out.at(clusters[kv[1][0]].first),
                                                                 before.get(kv[0], left_out.n_forms))))
    for (typ, _), roots in blocks.items():
        if len(roots) < 2:
            continue
        block_names = [names[r] for r in roots]
        open_rows = [x for x, r in enumerate(roots) if not uf.resolved[uf.find(r)]] if seed_of else None
        for x, y, score in _similar_pairs(block_names, open_rows):
            a, b = roots[x], roots[y]
            if uf.find(clusters[a].first) == uf.find(clusters[b].first) or not uf.may_join(a, b):
                continue
            if abs(len(names[a]) - len(names[b])) > 2 or _shared(docs_of(a), docs_of(b)):
                continue  # both spellings in one document were already judged there
            shared = _shared(context(a), context(b), a, b)
            typo = len(names[a]) >= 6 and OSA.distance(names[a], names[b]) == 1 and " " not in names[a] + names[b]
            if score >= 90 and shared >= 2 or typo and shared >= 1:
                uf.union(
                    clusters[a].first, clusters[b].first,
                    f"near-spelling (similarity {score}) of the same {typ}, sharing {shared} co-mentioned actors",
                )

    # 6b. one organisation under several organisation words: "Betty Ford Center" / "Betty Ford Clinic"
    clusters = types = docs_of = context = display = None  # the next view is built without the last one alive
    clusters, types, docs_of, context, display = _view(uf, ms, seen, seed_context)
    by_core: dict[str, list[int]] = defaultdict(list)
    for root, c in clusters.items():
        if types[root] in ("person", "country", "place") or any(m.place for m, _ in _forms(ms, c)):
            continue
        cores = set()
        for f, _ in c.form_counts():
            words = mk[f].split()
            while len(words) > 1 and words[-1] in ORG_WORDS:
                words.pop()
            core = " ".join(words)
            if core != mk[f] and len(words) >= 2 and core not in place_keys and core not in placelike:
                cores.add(core)
        for core in cores:
            by_core[core].append(root)
    for core, roots in by_core.items():
        for r in roots[1:]:
            uf.union(clusters[roots[0]].first, clusters[r].first, f"the same organisation under another word ({core})")

    # 7. acronyms and the names they spell, across documents
    clusters = types = docs_of = context = display = None  # the next view is built without the last one alive
    clusters, types, docs_of, context, display = _view(uf, ms, seen, seed_context)
    acronyms, expansions = [], []
    for root, c in clusters.items():
        if any(m.place for m, _ in _forms(ms, c)):
            continue
        forms = {m.name for m, _ in _forms(ms, c)}
        if all(_ACRONYM.match(f) for f in forms):
            acronyms.append(root)
        elif types[root] != "person" or not any(m.label == "PERSON" for m, _ in _forms(ms, c)):
            expansions.append(root)
    # Index the names that could be spelt out by their possible first letters, so that each acronym is tried
    # only against names it could fit (all pairs is quadratic: 15 minutes on 2,000 documents).
    spellable: dict[str, list[tuple[int, str, frozenset[str]]]] = defaultdict(list)
    for e in expansions:
        for name in dict.fromkeys(m.name for m, _ in _forms(ms, clusters[e]) if " " in m.name.replace("-", " ")):
            firsts, needed = spelling_needs(name.split())
            for f in firsts:
                spellable[f].append((e, name, needed))
    for a in acronyms:
        short = display(a)
        letters = acronym_letters(short)
        have = set(letters)
        fits = list(dict.fromkeys(
            e for e, name, needed in spellable.get(letters[:1], ())
            if needed <= have and initials_match(short, name.split()) and uf.may_join(a, e)
        ))
        if not fits:
            continue
        ctx = context(a)
        fits = [e for e in fits if _shared(ctx, context(e), a, e) >= 1]
        if len(fits) == 1:
            uf.union(clusters[fits[0]].first, clusters[a].first, f"acronym of {display(fits[0])}, sharing co-mentioned actors")

    # 8. the user's word: every name mention with a merged name (`names` here is rule 6's roots, which missed a name
    # that is not its cluster's first mention: "Beith" of Alan Beith)
    merged = {fold(x) for action, a, b in overrides if action == "merge" and b for x in (a, b)}
    by_key: dict[str, list[int]] = defaultdict(list)
    if merged:
        for i in range(len(ms)):
            if ms.is_name(i) and ms[i].key in merged:
                by_key[ms[i].key].append(i)
    for action, a, b in overrides:
        if action == "merge" and b:
            ia, ib = by_key.get(fold(a)), by_key.get(fold(b))
            if ia and ib:
                uf.union(ib[0], ia[0], "merged by the user", force=True)
    uf.close()
    return uf


def _similar_pairs(names: list[str], rows: list[int] | None) -> list[tuple[int, int, int]]:
    """(x, y, similarity) of the pairs of names x < y scoring 85 or more (`fuzz.ratio`) and at most two letters apart
    in length, in row order; with `rows`, only the pairs holding one of those names (with seeds: the names not resolved
    before; the rest met then).

    Names are compared only with names of nearly their length (the rule wants no others): one matrix over a whole
    block (a type and an initial) grew with the square of the block, half of entity resolution at 100,000 documents.
    """
    by_length: dict[int, list[int]] = defaultdict(list)
    for x, name in enumerate(names):
        by_length[len(name)].append(x)
    wanted = set(range(len(names))) if rows is None else set(rows)
    found: dict[tuple[int, int], int] = {}
    for length, here in by_length.items():
        queries = [x for x in here if x in wanted]
        if not queries:
            continue
        # every pair is met from its shorter name (or from both, when equally long); with `rows`, also from a query
        # name that is the longer one
        reach = range(length, length + 3) if rows is None else range(length - 2, length + 3)
        choices = [y for n in reach for y in by_length.get(n, ())]
        if len(choices) < 2 and choices == queries:
            continue
        scores = process.cdist([names[x] for x in queries], [names[y] for y in choices], scorer=fuzz.ratio, score_cutoff=85,
                               dtype=np.uint8, workers=1)
        for i, j in zip(*np.nonzero(scores)):
            x, y = queries[i], choices[j]
            if x != y:
                found[(min(x, y), max(x, y))] = scores[i, j]
    return [(x, y, score) for (x, y), score in sorted(found.items())]


class _Seen:
    """Each cluster's size, type and (once asked) name as the last view found them, by root (see `_view`); the type
    of a cluster of one name form by that form and its count (`by_form`), not by root: the first view holds a
    cluster per document's lone surname, and a root's entries cost more than its cluster."""

    __slots__ = ("n", "types", "names", "by_form")

    def __init__(self):
        self.n: dict[int, int] = {}
        self.types: dict[int, str] = {}
        self.names: dict[int, str] = {}
        self.by_form: dict[tuple[int, int], str] = {}


class _ClusterTable:
    """A view's clusters of names as columns, by root in order of their first member: what `_gather` gives as a dict
    of `_Cluster`s, each made when asked for. A view holds many clusters of one name form (the first view, one per
    document's lone surname); as a record each, with its dict entry, they cost about 240 bytes, as columns 16 (the
    dict of forms and counts only for a cluster of several forms).

    Made from (cluster, name mention) pairs in order; every member is a name, so a cluster's first name is its
    first member.
    """

    __slots__ = ("roots", "first", "n", "form1", "more", "_sorted", "_at")

    def __init__(self, ms: _Mentions, members):
        form = ms.form
        at: dict[int, int] = {}  # root -> its row, while the pairs come
        first, n, form1, more = array("i"), array("i"), array("i"), {}
        for r, i in members:
            f = form[i]
            k = at.get(r)
            if k is None:
                at[r] = len(first)
                first.append(i)
                n.append(1)
                form1.append(f)
                continue
            n[k] += 1
            forms = more.get(k)
            if forms is not None:
                forms[f] = forms.get(f, 0) + 1
            elif f != form1[k]:
                more[k] = {form1[k]: n[k] - 1, f: 1}
        self.roots = np.fromiter(at, dtype=np.int32, count=len(at))
        del at
        self.first, self.n, self.form1, self.more = first, n, form1, more
        self._at = np.argsort(self.roots, kind="stable").astype(np.int32)
        self._sorted = self.roots[self._at]

    def __len__(self) -> int:
        return len(self.first)

    def _find(self, root: int) -> int:
        """The row of `root`, or -1 when no cluster has it."""
        k = int(self._sorted.searchsorted(np.int32(root)))
        return int(self._at[k]) if k < self._sorted.size and self._sorted[k] == root else -1

    def _row(self, root: int) -> int:
        k = self._find(root)
        if k < 0:
            raise KeyError(root)
        return k

    def _cluster(self, k: int) -> _Cluster:
        c = _Cluster(self.first[k], docs=False)
        c.first_name, c.n, c.form1, c.more = c.first, self.n[k], self.form1[k], self.more.get(k)
        return c

    def __getitem__(self, root: int) -> _Cluster:
        return self._cluster(self._row(root))

    def __contains__(self, root: int) -> bool:
        return self._find(root) >= 0

    def __iter__(self):
        return iter(self.roots.tolist())

    def items(self):
        for k, root in enumerate(self.roots.tolist()):
            yield root, self._cluster(k)

    def values(self):
        for k in range(len(self.first)):
            yield self._cluster(k)


class _Types:
    """A view's type of each cluster by root: `_Seen.types`, else that of its one name form and count."""

    __slots__ = ("types", "by_form", "clusters")

    def __init__(self, seen: _Seen, clusters: _ClusterTable):
        self.types, self.by_form, self.clusters = seen.types, seen.by_form, clusters

    def __getitem__(self, root: int) -> str:
        typ = self.types.get(root)
        if typ is None:
            c = self.clusters[root]
            typ = self.by_form[(c.form1, c.n)]
        return typ


def _view(uf: _Union, ms: _Mentions, seen: _Seen, seed_context=None):
    """The clusters as they stand: names (`_Cluster`, without documents), type of each, its documents
    (`docs_of(root)`: sorted document codes), its context (`context(root)`: the sorted roots of the co-mentioned
    clusters) and its name.

    Which cluster is named in which document is held as the distinct (cluster, document) pairs, 8 bytes a pair:
    their clusters in document order (each document's run found by where it begins: documents are numbered as
    they come) and their documents in order of cluster (each cluster's run found by where it begins, held per
    cluster). A set of documents per cluster and of clusters per document cost ten times that and grew with the
    corpus; both pairs' columns in both orders, twice this. Contexts are kept as sorted arrays for the view's
    lifetime: the rules ask for a popular person's again and again.

    It settles the union log first (`_Union.settle`). `seen` keeps each cluster's type and name from earlier views,
    by root with its number of names: a union only ever grows the cluster under a root, so an unchanged key is an
    unchanged cluster and it is not voted on again (the four views of a run were half of entity resolution on the
    BBC corpus).
    """
    uf.settle()
    find, is_name, form = uf.find, ms._is_name, ms.form
    pair_root = array("i")  # the cluster of each (cluster, document) pair, once, in document order
    doc_begins = array("i")  # by document code: its first pair (then one past the last pair)

    def members():
        current, here = -1, set()
        for i, d in zip(range(len(ms)), ms.doc_codes()):
            if is_name[form[i]]:
                r = find(i)
                if d != current:
                    current, here = d, set()
                    while len(doc_begins) <= d:  # documents without a name begin where the next one does
                        doc_begins.append(len(pair_root))
                if r not in here:
                    here.add(r)
                    pair_root.append(r)
                yield r, i
        while len(doc_begins) <= len(ms.doc_start):
            doc_begins.append(len(pair_root))

    clusters = _ClusterTable(ms, members())
    root_of_pair, bounds = np.frombuffer(pair_root, dtype=np.int32), np.frombuffer(doc_begins, dtype=np.int32)
    # the pairs by cluster, each cluster's in document order: each pair as one number, its cluster above its
    # document, sorted in place (the pairs are distinct), then cut into its halves; 20 bytes a pair at most while
    # sorting, where an argsort's order and each pair's document looked up from it held 24
    key = root_of_pair.astype(np.int64)
    key <<= 32
    key |= np.repeat(np.arange(bounds.size - 1, dtype=np.int32), np.diff(bounds))
    key.sort()
    halves = key.view(np.int32).reshape(-1, 2)
    low, high = (0, 1) if sys.byteorder == "little" else (1, 0)
    doc_of_pair, by_root = halves[:, low].copy(), halves[:, high].copy()
    del key, halves
    begins = np.flatnonzero(by_root[1:] != by_root[:-1]) + 1  # where each cluster's run begins (but the first)
    roots = by_root[np.concatenate(([0], begins))] if by_root.size else by_root
    del by_root
    begins = np.concatenate(([0], begins, [root_of_pair.size]))
    sizes, types, names, by_form = seen.n, seen.types, seen.names, seen.by_form
    for root in [r for r in sizes if r not in clusters]:  # merged into another since: its entries only hold memory
        del sizes[root], types[root]
    for root in [r for r in names if r not in clusters]:
        del names[root]
    for root, c in clusters.items():
        if c.more is None:  # one name form, whatever its count: the name stays that form's
            if (c.form1, c.n) not in by_form:
                by_form[(c.form1, c.n)] = _type(ms, c)
        elif sizes.get(root) != c.n:  # a cluster of several forms is never again one of one form
            sizes[root] = c.n
            types[root] = _type(ms, c)
            names.pop(root, None)
    types = _Types(seen, clusters)

    def docs_of(root: int) -> np.ndarray:
        k = int(roots.searchsorted(np.int32(root)))  # a Python int would have numpy convert the whole array
        if k == roots.size or roots[k] != root:
            return doc_of_pair[:0]
        return doc_of_pair[begins[k]:begins[k + 1]]

    contexts: dict[int, np.ndarray] = {}

    def context(root: int, keep: bool = True) -> np.ndarray:
        """With `keep`, held for the view's lifetime (a popular person's is asked again and again)."""
        out = contexts.get(root)
        if out is None:
            docs = docs_of(root)
            out = np.unique(root_of_pair[_ranges(bounds[docs], bounds[docs + 1])])
            if seed_context is not None:
                extra = seed_context(root, docs)
                if extra:
                    out = np.union1d(out, np.fromiter(extra, dtype=np.int32, count=len(extra)))
            out = out[out != root]
            if keep:
                contexts[root] = out
        return out

    def display(root: int) -> str:
        name = names.get(root)
        if name is None:
            name = names[root] = _display(ms, clusters[root])
        return name

    return clusters, types, docs_of, context, display


def _ranges(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The positions start..end-1 of every range, one after another."""
    lengths = ends - starts
    total = int(lengths.sum())
    if not total:
        return np.empty(0, np.int64)
    before = np.cumsum(lengths) - lengths  # where each range begins in the output
    return np.arange(total, dtype=np.int64) + np.repeat(starts.astype(np.int64) - before, lengths)


def _shared(a: np.ndarray, b: np.ndarray, *leave: int) -> int:
    """How many values two sorted arrays of distinct values share, not counting `leave`: the shorter one is looked
    up in the longer (a popular person's context holds most of the corpus's entities)."""
    if a.size > b.size:
        a, b = b, a
    if not a.size:
        return 0
    at = np.searchsorted(b, a)
    at[at == b.size] = 0
    both = a[b[at] == a]
    return int(np.isin(both, list(leave), invert=True).sum()) if leave else int(both.size)


def _clusters(uf: _Union, ms: _Mentions, names_only: bool = False, start: int = 0, docs: bool = True) -> dict[int, _Cluster]:
    """Each cluster's members from `start` on, by root, in order of their first member; with `names_only`, its
    names alone (what the name-based rules and naming look at). Documents are document codes (`ms.docs`), kept
    only with `docs`."""
    find, is_name = uf.find, ms._is_name
    if names_only:
        return _gather(ms, ((find(i), i) for i in range(start, len(ms)) if is_name[ms.form[i]]), docs)
    if start == 0 and len(ms.att_at):
        return _gather(ms, _every(uf, ms), docs)
    return _gather(ms, ((find(i), i) for i in range(start, len(ms))), docs)


def _every(uf: _Union, ms: _Mentions):
    """(cluster, mention) of every mention in order, the attached ones (`_Mentions.attach`) too: the n-th of those
    as mention -2 - n, in the cluster of the mention it refers to."""
    find, at, to = uf.find, ms.att_at, ms.att_to
    a, n_att = 0, len(at)
    for i in range(len(ms)):
        while a < n_att and at[a] == i:
            yield find(to[a]), -2 - a
            a += 1
        yield find(i), i
    for a in range(a, n_att):
        yield find(to[a]), -2 - a


def _row_id(ms: _Mentions, i: int) -> int:
    return ms.id[i] if i >= 0 else ms.att_id[-2 - i]


def _count_documents(uf: _Union, ms: _Mentions, clusters: dict[int, _Cluster], start: int = 0) -> None:
    """Set each cluster's `n_docs` (its mentions from `start` on). A document's mentions come together, so a
    cluster's mention is in a new document when the last document it was met in is another: one number per cluster
    (`last_doc`), where a sorted array of every mention's (cluster, document) pair cost 8 bytes a mention and twice
    that while sorted, and an array of the last document by root 4 bytes a mention. An attached mention (`_Mentions.attach`)
    is in the document of the mention it refers to: it adds none."""
    find = uf.find
    for i, d in zip(range(start, len(ms)), ms.doc_codes(start)):
        c = clusters[find(i)]
        if c.last_doc != d:
            c.last_doc = d
            c.n_docs += 1


def _gather(ms: _Mentions, members, docs: bool = True) -> dict:
    """`_Cluster`s from (cluster, mention) pairs, in order of each cluster's first pair; with `docs`, each with
    the set of its documents. A negative mention is an attached one (`_every`). `_ClusterTable` holds the same for
    a view's names as columns: the two count forms alike (a test holds them equal)."""
    out: dict = {}
    form, doc, is_name, att_form, att_to = ms.form, ms.doc_code, ms._is_name, ms.att_form, ms.att_to
    for r, i in members:
        f = form[i] if i >= 0 else att_form[-2 - i]
        c = out.get(r)
        if c is None:
            c = out[r] = _Cluster(i, docs)
        if c.first_name < 0 and is_name[f]:
            c.first_name = i
        more = c.more  # one more member, of form f (see `_Cluster`)
        if more is not None:
            more[f] = more.get(f, 0) + 1
        elif c.form1 < 0:
            c.form1 = f
        elif f != c.form1:
            c.more = {c.form1: c.n, f: 1}
        c.n += 1
        if docs:
            c.docs.add(doc(i) if i >= 0 else doc(att_to[-2 - i]))
    return out


def _forms(ms: _Mentions, c: _Cluster):
    """(form, count) of the cluster's distinct name forms, in order of first appearance."""
    return ((ms.forms[f], k) for f, k in c.form_counts())


def _type(ms: _Mentions, c: _Cluster) -> str:
    """person | organization | country | place | other, by a vote of the NER labels and the cues in the names.

    Cues: a company form or an organisation word ending a name (Inc., Corp., Group, Bank …), an
    acronym, the state's own organisations (the Pentagon) say organisation; a title held
    (Foreign Minister …) or a title of nobility says person. Each vote counts once per mention.
    """
    places: Counter[str] = Counter()
    for m, k in _forms(ms, c):
        if m.place:
            places[m.place] += k
    if places:
        return gazetteer().places[places.most_common(1)[0][0]].entity_type
    votes: Counter[str] = Counter()
    gaz = gazetteer()
    for m, k in _forms(ms, c):
        if m.role:
            votes["person"] += 2 * k
        if m.label == "NAME" or m.label == "GAZ":
            continue  # a name found by its syntax alone says nothing of its type
        weight = 3 if m.label == "PERSON" and len(m.name.split()) >= 2 else 1
        votes[LABEL_TYPES.get(m.label, "other")] += weight * k
    forms = {m.name for m, _ in _forms(ms, c)}
    n = c.n
    for form in forms:
        words = form.split()
        last = words[-1].lower().rstrip(".,") if words else ""
        if form in outlets():
            votes["organization"] += 2 + n  # "Twitter", "Breitbart", "Reddit": an outlet or platform the NER took for
            # a person or a place (typed here, not in the mentions, so that coreference reads them as before)
        elif form.isupper() and table_spelling(form) in gaz.capitals:
            votes["place"] += 2 + n  # "BUCHAREST" opening a dateline: a city, though written like an acronym
        elif len(words) >= 2 and words[-1].lower() in LEGAL_SUFFIXES:
            votes["organization"] += 2 + n
        elif len(words) >= 2 and last in ORG_WORDS:
            votes["organization"] += 2
        elif len(words) >= 2 and last in NOT_PERSON_HEADS:
            votes[LABEL_TYPES.get(NOT_PERSON_HEADS[last], "other")] += 2 + n  # "the Truman Doctrine": no person
        elif len(words) >= 2 and words[0].lower() in PEERAGE:
            votes["person"] += 2 + n
        elif 2 <= len(words) <= 4 and fold(words[0]) in first_names() and all(w[:1].isupper() for w in words):
            votes["person"] += 2  # "Alastair Campbell", "Robin Butler": a first name opens the name
        elif len(words) == 1 and _ACRONYM.match(form) and form not in gaz.names:
            votes["organization"] += 1
        elif len(words) == 1 and form.lower() in EAST_ASIAN_SURNAMES:
            votes["person"] += 2 + n  # a lone "Wang" or "Kim" is a person
        elif is_east_asian_order(words):
            votes["person"] += 2 + n  # "Wang Donghai"
        elif len(words) >= 2 and last in PLACE_HEADS:
            votes["place"] += 2 + n  # "Wall Street", "Grace Road"
        if form in gaz.affiliates:
            votes["organization"] += 2 + n
    if votes:
        return votes.most_common(1)[0][0]
    words = ms[c.first].name.split()
    if {w.lower() for w in words} & ORG_WORDS or (len(words) == 1 and _ACRONYM.match(words[0])):
        return "organization"
    return "person" if 2 <= len(words) <= 3 and fold(words[0]) in first_names() else "other"


def _affiliation(ms: _Mentions, c: _Cluster) -> str | None:
    """The state an organisation of its own belongs to ("the Pentagon": US), from the table of states."""
    if any(m.place for m, _ in _forms(ms, c)):
        return None
    gaz = gazetteer()
    for m, _ in _forms(ms, c):
        pid = gaz.affiliates.get(m.name) or gaz.affiliates.get(f"the {m.name}")
        if pid:
            return pid
    return None


def _display(ms: _Mentions, c: _Cluster) -> str:
    """The entity's name: the state's name, else the most used full form (diacritics win a tie)."""
    places: Counter[str] = Counter()
    forms: Counter[str] = Counter()
    every: Counter[str] = Counter()
    for m, k in _forms(ms, c):
        if m.place:
            places[m.place] += k
        if m.kind == "name":
            forms[m.name] += k
        every[m.name] += k
    if places:
        return gazetteer().places[places.most_common(1)[0][0]].name
    if not forms:
        forms = every
    longest = max(len(f.split()) for f in forms)
    full = {f: k for f, k in forms.items() if len(f.split()) == longest or (longest > 1 and len(f.split()) >= 2)}
    best = max(full, key=lambda f: (len(f.split()) >= 2, full[f], f != fold(f), f))
    acronyms = [f for f in forms if _ACRONYM.match(f) and forms[f] >= 4]
    if full[best] == 1 and len(best.split()) >= 2 and acronyms:
        # an expansion written once beside an acronym used throughout: the acronym is the name ("CNN", not one
        # article's "Clown News Network"; "OPEC" after one "Organization of the Petroleum Exporting Countries")
        return max(acronyms, key=lambda f: (forms[f], f))
    return best


def entity_tables(ms: _Mentions, uf: _Union, row_ids=None, tally: _Tally | None = None) -> EntityTables:
    """The rows a resolve writes, from the clusters (pure: no SQL). The aliases, the name forms and the mentions'
    entities (`assignments`) come as iterators, read once by the writer in that order, so that no list of them is
    held: the aliases and forms are made from the clusters as they are read (the clusters go when the forms are
    read), the assignments from the union-find. The assignments' row ids are the mentions' own (`_Mentions.ids`)
    or, for mentions loaded without them, `row_ids`: every mention's row id in the order the rows came (an
    iterator read as the assignments are; a count that differs is an error). With `tally` (the first batch of a
    batched resolve), `row_ids` gives (row id, entity before) pairs and each mention is counted as the writer
    reads it (`_Tally.counting`)."""
    if row_ids is None and not ms.ids:
        raise ValueError("mentions loaded without their row ids need `row_ids`")
    clusters = _clusters(uf, ms, docs=False)
    _count_documents(uf, ms, clusters)
    ids: dict[int, str] = {}
    used: set[str] = set()
    out = EntityTables()
    ordered = sorted(clusters.items(), key=lambda kv: (-kv[1].n, _display(ms, kv[1])))
    for root, c in ordered:
        named = c.named(ms)
        name = _display(ms, named)
        typ = _type(ms, named)
        eid = _new_id(name, typ, used)
        ids[root] = eid
        out.entities.append((eid, name, typ, c.n, c.documents, _affiliation(ms, named)))
    place_entity = {}
    for root, c in clusters.items():
        places: Counter[str] = Counter()
        for m, k in _forms(ms, c):
            if m.place:
                places[m.place] += k
        if places:
            place_entity.setdefault(places.most_common(1)[0][0], ids[root])
    out.entities = _affiliated(out.entities, place_entity)
    del clusters, place_entity

    def aliases():
        for root, c in ordered:
            yield from _aliases(ids[root], ms, c.named(ms))

    def forms():
        nonlocal ordered
        for root, c in ordered:
            eid = ids[root]
            yield from dict.fromkeys((eid, m.name, m.key, m.label, m.place, m.kind, m.role)
                                     for m, _ in _forms(ms, c) if m.form == "name")
        ordered = None  # read once: the clusters go before the assignments are read

    out.aliases, out.forms = aliases(), forms()
    out.merges = list(dict.fromkeys((ids[uf.find(a)], name_a, name_b, reason) for a, name_a, name_b, reason, _ in uf.log))
    if row_ids is not None:  # every mention in load order: the attached ones where they came (`_every`)
        if tally is not None:
            form, att_form = ms.form, ms.att_form
            out.assignments = tally.counting(
                ((ids[r], form[i] if i >= 0 else att_form[-2 - i], None) for r, i in _every(uf, ms)), row_ids, ms.forms)
            return out
        if len(ms.att_at):
            entity_of = (ids[r] for r, _ in _every(uf, ms))
        else:
            entity_of = (ids[uf.find(i)] for i in range(len(ms)))
        out.assignments = zip(entity_of, row_ids, strict=True)
    elif len(ms.att_at):
        out.assignments = ((ids[r], _row_id(ms, i)) for r, i in _every(uf, ms))
    else:
        find, row_id = uf.find, ms.id
        out.assignments = ((ids[find(i)], row_id[i]) for i in range(len(ms)))
    return out


def _new_id(name: str, typ: str, used: set[str]) -> str:
    """The slug of the name, made unique among `used` with the type and a number; added to `used`."""
    eid = slug(name)
    if eid in used:
        eid = f"{eid}-{typ}"
        n = 2
        while eid in used:
            eid = f"{slug(name)}-{typ}-{n}"
            n += 1
    used.add(eid)
    return eid


def _affiliated(entities: list[tuple], place_entity: dict[str, str]) -> list[tuple]:
    """The entity rows with each affiliation's place id turned into the id of that place's entity."""
    gaz = gazetteer()
    return [(*row[:5], place_entity.get(row[5], slug(gaz.places[row[5]].name)) if row[5] else None) for row in entities]


def _entity_rows(out: EntityTables, eid: str, ms: _Mentions, c: _Cluster, named: _Cluster, name: str, typ: str):
    """The entity's row (its affiliation still a place id) and its aliases."""
    out.entities.append((eid, name, typ, c.n, c.documents, _affiliation(ms, named)))
    out.aliases.extend(_aliases(eid, ms, named))


def _aliases(eid: str, ms: _Mentions, named: _Cluster) -> list[tuple[str, str, int]]:
    """The entity's alias rows: each name of its names, with its count."""
    aliases: Counter[str] = Counter()
    for m, k in _forms(ms, named):
        aliases[m.name] += k
    return [(eid, alias, count) for alias, count in aliases.items()]


_QUOTES = frozenset("'\"‘“’”")
_SEED = "\x00"  # the document of a mention standing for a resolved entity: the entity's id follows


@dataclass(slots=True)
class _LeftOut:
    """What the name forms of the entities `_reachable` leaves out add to the corpus-wide sets `cluster` looks names
    up in: the surnames among the names it asks about, and the place-like names and place keys of every form."""
    surnames: set[str]
    placelike: set[str]
    place_keys: set[str]
    # where the kept seeds stood among all (`index`: their rows of `entity_forms`, of `n_forms`), and, for rule 6's
    # blocks (type, initial), the row where the first left-out entity of each would have stood (`first_in_block`)
    index: list[int] = None
    n_forms: int = 0
    first_in_block: Callable[[set[tuple[str, str]], int], dict[tuple[str, str], int]] = None

    def at(self, i: int) -> int:
        """Where mention i (a kept seed or a new mention) would stand among the mentions of every entity."""
        return self.index[i] if i < len(self.index) else self.n_forms + i - len(self.index)


def _by_initial_and_length(words, spread: int) -> dict[tuple[str, int], list[str]]:
    """The words by initial and length, each filed under the lengths up to `spread` from its own: a word is looked
    up under its own initial and length."""
    out: dict[tuple[str, int], list[str]] = defaultdict(list)
    for w in dict.fromkeys(words):
        for n in range(len(w) - spread, len(w) + spread + 1):
            out[(w[:1], n)].append(w)
    return out


def _initialled_deletions(word: str) -> set[str]:
    """The word and its one-letter deletions, each after the word's initial: two words one edit apart with the same
    initial share one (as rule 5 compares surnames)."""
    head = word[:1] + "\x01"
    return {head + d for d in _deletions(word)}


def _fast_match_key(key: str) -> str:
    """`match_key`, without its work for the keys it leaves as they are (most: no leading "the", no company form)."""
    if key.startswith(("the ", " ")) or key.endswith((",", "&", " ")) or "  " in key or "\t" in key or "\n" in key \
            or key.rpartition(" ")[2].rstrip(",") in LEGAL_SUFFIXES:
        return match_key(key)
    return key


def _reachable(forms: list[tuple], names: set[tuple], overrides) -> tuple[list[int], _LeftOut]:
    """The rows of `forms` (`entity_forms`) of the resolved entities the added mentions can meet, and what the others
    add to the corpus-wide sets (`_LeftOut`). `names`: the added name mentions' distinct (label, name, key, place).

    Two resolved entities are never joined while documents are added (only the user's merge, with force), so an
    entity can change what a rule does only where it meets a cluster of new mentions: a name form of it and a
    name of the added documents with the same match key or state (rules 2-3, a lone name's entity across
    documents), a person's family name (4, 4c), a short name and the name it is short for (4b), words that begin
    each other's ("Lib Dems"), the same core under organisation words (6b), a lone name and a full name's family
    name, equal or one edit apart (5), a near-spelling of nearly the same length (6), an acronym and a name it
    spells (7), or a name the user merged (8). Each test here is as loose as its rule or looser (any form, any
    type), so every entity a rule could compare with a new cluster is kept, whole and in its order; an entity
    left out would only ever be compared with resolved entities, whose unions the rules refuse, and where a rule
    counts candidates (a short name's, a lone name's bearers, an acronym's fits) every candidate of a new name is
    kept. Contexts need nothing more: a rule compares contexts only with a cluster of new mentions, whose context
    holds only clusters of new mentions. What is left out still counts in the sets the rules look names up in (a
    surname anywhere keeps a lone name inside its document), given as `_LeftOut`.
    """
    # the place keys and place-like names of every form (few: states and places, shared across a corpus)
    placelike, place_keys = set(), set()
    for _e, _name, key, label, place, _kind, _role in forms:
        if label in {"GPE", "LOC", "FAC"}:
            mk = match_key(key)
            placelike.add(mk)
            if label != "FAC" and not place:
                place_keys.add(mk)
    for label, _name, key, place in names:
        if label in {"GPE", "LOC", "FAC"}:
            placelike.add(match_key(key))
            if label != "FAC" and not place:
                place_keys.add(match_key(key))
    all_place_keys = place_keys | {fold(s) for s in gazetteer().names} | {fold(s) for s in gazetteer().capitals}

    keys, places, shorts, cores, lone, families, full_families, folded = set(), set(), set(), set(), set(), set(), set(), []
    spelt: dict[str, list[str]] = defaultdict(list)  # the added acronyms by their first letter
    spelt_letters: dict[str, list[set[str]]] = defaultdict(list)  # and the letters of each
    spelling: dict[str, list[tuple[frozenset[str], str]]] = defaultdict(list)  # the added names an acronym may spell
    prefixed: dict[tuple[int, str], list[tuple[str, ...]]] = defaultdict(list)  # "Lib Dems": by length and beginning
    for label, name, key, place in names:
        mk = match_key(key)
        keys.add(mk)
        words = mk.split()
        if place:
            places.add(place)
        if label == "ORG" and not place:
            shorts.update(_short_names(words, all_place_keys))
        core = _core(words)
        if core:
            cores.add(core)
        if len(words) >= 2 and label in {"ORG", "NORP", "NAME", "PERSON"} and not place and fold(words[0]) not in first_names():
            prefixed[(len(words), words[0][:3])].append(tuple(words))
        raw = key.split()
        if len(raw) == 1:
            lone.add(mk)
        elif raw[0] not in PEERAGE:
            full_families.add(family_name(raw))
        if label == "PERSON" and not place:
            pk = _person_key(key)
            if pk:
                families.add(pk.split(" ", 1)[1])
        f = fold(name)
        if len(f) >= 5:
            folded.append(f)
        if _ACRONYM.match(name):
            letters = acronym_letters(name)
            spelt[letters[:1]].append(name)
            spelt_letters[letters[:1]].append(set(letters))
        if " " in name.replace("-", " "):
            firsts, needed = spelling_needs(name.split())
            for c in firsts:
                spelling[c].append((needed, name))
    merged = {fold(x) for action, a, b in overrides if action == "merge" and b for x in (a, b)}
    shorts_or_keys = shorts | keys
    # a word one edit from another shares one of its one-letter deletions (or is one): rules 5's near-spellings
    near_lone = {d for w in lone if len(w) >= 5 for d in _initialled_deletions(w)}
    near_family = {d for w in full_families if len(w) >= 4 for d in _initialled_deletions(w)}
    near_name = _by_initial_and_length(folded, 2)

    spells: set[str] = set()  # entities with a name an added acronym spells

    def meets(e: str, name: str, key: str, label: str, place: str | None) -> bool:
        """Whether the form meets an added name by any rule but near-spelling (`spellings` gathers those) and being
        spelt by an added acronym (`spells` gathers those)."""
        if key in merged:  # rule 8 reads every name mention, a state's too
            return True
        if place:
            return place in places
        mk = _fast_match_key(key)
        if mk in shorts_or_keys:
            return True
        raw = key.split()
        if len(raw) == 1:
            if mk in full_families or len(mk) >= 5 and not near_family.isdisjoint(_initialled_deletions(mk)):
                return True
        elif raw[0] not in PEERAGE:
            last = raw[-1].rstrip(",")
            if not last or last.lower() in AFTER_NAME or last[-1:] in _QUOTES or any(q in key for q in "'\"‘“") \
                    or raw[0].rstrip(",").lower() in EAST_ASIAN_SURNAMES:
                family = family_name(raw)
            else:  # nothing for `person_words` to drop at the ends, not in East Asian order: the last word
                family = last
            if family in lone or len(family) >= 4 and not near_lone.isdisjoint(_initialled_deletions(family)):
                return True
        if label == "PERSON" and not (families.isdisjoint(raw) and ("," not in key or families.isdisjoint(
                w.rstrip(",") for w in raw))):  # the family name is one of the words
            return True
        words = mk.split() if mk != key else raw
        if len(words) >= 2:
            if label == "ORG" and not shorts_or_keys.isdisjoint(_short_names(words, all_place_keys)):
                return True
            if words[-1] in ORG_WORDS and _core(words) in cores:
                return True
            for other in prefixed.get((len(words), words[0][:3]), ()):
                if all(y.startswith(x.rstrip("s")) or x.startswith(y.rstrip("s")) for x, y in zip(words, other)):
                    return True
        if _ACRONYM.match(name):
            letters = acronym_letters(name)
            have = set(letters)
            if any(needed <= have and initials_match(name, other.split()) for needed, other in spelling.get(letters[:1], ())):
                return True
        elif spelt and (" " in name or "-" in name):
            words = name.split()
            if "-" in name or not name[:1].isalnum() or words[0].lower() in ACRONYM_SKIPPABLE:
                maybe = True  # spelling_needs decides
            else:  # the name's parts are its words: an acronym begins with the first's initial and holds the others'
                some = spelt_letters.get(name.lower()[:1])
                if some:
                    needed = {w.lower()[:1] for w in words if w[:1].isalnum() and w.lower() not in ACRONYM_SKIPPABLE}
                    maybe = any(needed <= letters for letters in some)
                else:
                    maybe = False
            if maybe:
                firsts, needed = spelling_needs(name.split())
                if any(needed <= set(acronym_letters(a)) and initials_match(a, name.split())
                       for c in firsts for a in spelt.get(c, ())):
                    spells.add(e)  # if the entity is one an acronym may stand for (`_spelt_out`)
        return False

    reached: set[str] = set()
    spellings: dict[tuple[str, int], list[tuple[str, str]]] = defaultdict(list)  # (folded name, entity) by bucket
    # "Lib Dems" tries its blocks (a first word's first three letters) in the order of their first entity: each
    # block an added name falls in keeps its first entity (an entity's block is its first name that rule reads)
    prefixes = {k for _, k in prefixed}
    first_of_prefix: dict[str, str] = {}
    read: set[str] = set()  # the entities whose first name that rule reads was seen
    for e, name, key, label, place, _kind, _role in forms:
        if prefixes and e not in read and not place and label in {"ORG", "NORP", "NAME", "PERSON"} and " " in key:
            words = _fast_match_key(key).split()
            if len(words) >= 2 and fold(words[0]) not in first_names():
                read.add(e)
                if words[0][:3] in prefixes:
                    first_of_prefix.setdefault(words[0][:3], e)
        if e in reached:
            continue
        if meets(e, name, key, label, place):
            reached.add(e)
        elif not place:
            f = fold(name)
            if (f[:1], len(f)) in near_name:
                spellings[(f[:1], len(f))].append((f, e))
    # rule 6: near-spellings, each bucket of forms scored at once against the added names of nearly their length
    for bucket, pairs in spellings.items():
        scores = process.cdist([f for f, _ in pairs], near_name[bucket], scorer=fuzz.ratio, score_cutoff=85,
                               dtype=np.uint8, workers=1)
        reached.update(pairs[n][1] for n in np.flatnonzero(scores.any(axis=1)).tolist())
    spells -= reached
    if spells:
        reached |= _spelt_out(forms, spells)
    reached.update(first_of_prefix.values())
    kept = [n for n, row in enumerate(forms) if row[0] in reached]
    # the surnames the left-out forms add, among the names the rules ask about (single words: the added names' and
    # the kept forms' match keys)
    asked = {k for k in keys if " " not in k} | {k for k in (match_key(forms[n][2]) for n in kept) if " " not in k}
    surnames = set()
    for e, name, key, label, place, _kind, _role in forms:
        if label == "PERSON" and not place and e not in reached:
            words = key.split()
            if len(words) >= 2 and words[0] not in PEERAGE and any(w in asked or w.rstrip(",") in asked for w in words):
                surnames.add(family_name(words))

    def first_in_block(blocks: set[tuple[str, str]], before: int) -> dict[tuple[str, str], int]:
        """The row of the first left-out entity of each of rule 6's blocks (type, initial of its folded name when that
        has five letters or more), among the rows before `before`, as a cluster of its name forms alone. A type is
        asked only of an entity that may start a block still unfound ("place" needs a place's label or word)."""
        out: dict[tuple[str, str], int] = {}
        wanted: dict[str, set[str]] = defaultdict(set)  # initial -> the types of its blocks still unfound
        for typ, c in blocks:
            wanted[c].add(typ)
        n, end = 0, min(before, len(forms))
        while n < end and wanted:
            e, m = forms[n][0], n + 1
            while m < len(forms) and forms[m][0] == e:
                m += 1
            if e not in reached and not any(r[4] for r in forms[n:m]) and any(
                    len(r[1]) >= 5 and r[1][:1].lower() in wanted if r[1].isascii() and not r[1][:1].isspace()
                    else len(fold(r[1])) >= 5 and fold(r[1])[:1] in wanted for r in forms[n:m]):
                ms, c = _seed_cluster(forms[n:m])
                name = fold(_display(ms, c))
                types = wanted.get(name[:1]) if len(name) >= 5 else None
                if types and ("place" not in types or len(types) > 1 or _may_be_place(ms.forms)):
                    typ = _type(ms, c)
                    if typ in types:
                        out[(typ, name[:1])] = n
                        types.discard(typ)
                        if not types:
                            del wanted[name[:1]]
            n = m
        return out

    return kept, _LeftOut(surnames, placelike, place_keys, kept, len(forms), first_in_block)


class _Forms:
    """Name forms standing in for `_Mentions` where `_type` and `_display` read a cluster's forms (`_seed_cluster`)."""

    __slots__ = ("forms",)

    def __init__(self, forms: list[_Form]):
        self.forms = forms

    def __getitem__(self, i: int) -> _Form:
        return self.forms[i]


def _seed_cluster(rows: list[tuple]) -> tuple[_Forms, _Cluster]:
    """An entity's `entity_forms` rows as the cluster of its seeds alone (each form once), for `_type` and `_display`."""
    return _form_cluster([(label, name, key, kind, place, None, role, "name", 1)
                          for _e, name, key, label, place, kind, role in rows])


def _may_be_place(forms: list[_Form]) -> bool:
    """Whether `_type` can vote these forms a place: only a place's label or a name ending in a place word can."""
    return any(m.label in {"GPE", "LOC", "FAC"}
               or len(m.name.split()) >= 2 and m.name.split()[-1].lower().rstrip(".,") in PLACE_HEADS for m in forms)


def _spelt_out(forms: list[tuple], entities: set[str]) -> set[str]:
    """Those of `entities` rule 7 may take as the name an acronym stands for, as a cluster of their name forms alone
    (what a resolved entity no new mention joined is): not a state or place, not all acronyms, and not a person
    named as one (a person's initials spell many acronyms)."""
    ms = _Mentions((None, e, 0, label, name, key, kind, place, None, None, role, "name")
                   for e, name, key, label, place, kind, role in forms if e in entities)
    out = set()
    for d, c in _gather(ms, zip(ms.doc_codes(), range(len(ms))), docs=False).items():
        named = list(_forms(ms, c))
        if any(m.place for m, _ in named) or all(_ACRONYM.match(m.name) for m, _ in named):
            continue
        if _type(ms, c) != "person" or not any(m.label == "PERSON" for m, _ in named):
            out.add(ms.docs[d])
    return out


def _short_names(words: list[str], place_keys: set[str]) -> list[str]:
    """The short names rule 4b files an organisation's name under (words: its match key's): the name after a place
    ("Indianapolis Colts" / Colts), the name before organisation words ("Breitbart News" / Breitbart), and a
    party's members and nicknames ("Conservative Party" / Conservatives, Tories)."""
    out = []
    for k in range(1, len(words)):
        if " ".join(words[:k]) in place_keys and words[k][:1].isalpha():
            out.append(" ".join(words[k:]))
            break
    if len(words) >= 2 and all(w.rstrip(".") in ORG_WORDS or w in OUTLET_SERVICES or w in LEGAL_SUFFIXES for w in words[1:]) \
            and words[0] not in place_keys:
        out.append(words[0])
    if len(words) == 2 and words[1] == "party":
        stem = words[0][:-2] if words[0].endswith("ic") else words[0]
        out.append(stem + "s")
        out.extend(PARTY_NICKNAMES_OF.get(words[0], ()))
    return out


def _core(words: list[str]) -> str | None:
    """A name without the organisation words that end it ("betty ford center" -> "betty ford"), when that leaves
    two words or more and takes one (rule 6b's core, before its test against place names)."""
    n = len(words)
    while n > 1 and words[n - 1] in ORG_WORDS:
        n -= 1
    return " ".join(words[:n]) if n < len(words) and n >= 2 else None


def resolve_added(store, docs: set[str], every_entity: bool = False, redirect: bool = True,
                  upto: str | None = None, tally: _Tally | None = None, contexts: _Contexts | None = None) -> None:
    """Resolve the mentions of documents added since the last resolve against the entities as they stand.

    A full resolve holds a record per mention of the corpus and redoes every decision; here each resolved
    entity a rule could compare with a new name (`_reachable`; `every_entity`: all of them, as a check gives
    the same tables) comes in as one record per distinct name form (its seeds, joined from the start), with the
    entities named beside it in its documents as its context (asked of the store only for the candidates
    the rules compare), and the new mentions are clustered with them by the same rules. Decisions between
    resolved entities are not redone: a new mention joins one entity or starts one, two resolved entities
    are never joined (only the user's merge, which is applied with force, could), and a rule whose evidence
    has grown (the person a lone surname is most often named beside) is not asked again. On 100 documents
    added to the BBC corpus, 99.8% of all mentions end in the entity a full resolve gives them (B-cubed F1
    0.999). `newsgraph resolve --full` redoes everything; see `run.resolve_corpus` for when a build chooses which.
    Without `redirect` the ids it folds away get no redirect here (a batched `resolve` records them once, at its end).
    With `upto` (a batch of a batched `resolve`; `docs` are the documents up to it not yet resolved), the documents
    after it are neither read nor moved, `tally` counts the mentions' forms and where they went, and the
    affiliations of new entities are the places' slugs until the vote at the end of the step settles them; a
    batched resolve's `contexts` hands over the contexts of the resolved entities, held from batch to batch.
    """
    entity_store.mark_added(store, docs)
    names = entity_store.added_names(store)
    forms = entity_store.entity_forms(store)
    overrides = entity_store.overrides(store)
    left_out = None
    if not every_entity:  # only the entities the new names can meet (the same tables: see `_reachable`)
        kept, left_out = _reachable(forms, names, overrides)
        forms = [forms[n] for n in kept]
    ms = _Mentions((None, _SEED + e, 0, label, name, key, kind, place, None, None, role, "name")
                   for e, name, key, label, place, kind, role in forms)
    n_seeds = len(ms)
    ms.extend(entity_store.added_mention_rows(store))
    seed_of = {i: forms[i][0] for i in range(n_seeds)}
    del names, forms
    if contexts is None:
        co_mentioned = lru_cache(maxsize=None)(lambda e: frozenset(entity_store.co_mentioned(store, e, upto)))
    else:
        co_mentioned = contexts.reader(upto)
    uf = cluster(ms, overrides, seed_of, co_mentioned, left_out)

    sizes = entity_store.entity_sizes(store)
    used = set(sizes)
    folded: dict[str, str] = {}
    final: dict[int, str] = {}
    added_to: dict[str, _Cluster] = {}
    seeds_in: dict[int, set[str]] = defaultdict(set)
    for i in range(n_seeds):
        seeds_in[uf.find(i)].add(seed_of[i])
    added_of = _clusters(uf, ms, start=n_seeds, docs=False)
    _count_documents(uf, ms, added_of, start=n_seeds)
    # every cluster in order of its first mention (attached ones too): only the order and the root are read here
    for root in dict.fromkeys(r for r, _ in _every(uf, ms)):
        if not uf.fresh[root]:
            continue
        old = sorted(seeds_in.get(root, ()), key=lambda e: (-sizes.get(e, 0), e))
        added = added_of[root]
        if old:
            eid = old[0]
            folded.update((e, eid) for e in old[1:])
        else:
            named = added.named(ms)
            eid = _new_id(_display(ms, named), _type(ms, named), used)
        final[root] = eid
        added_to[eid] = added
    # read once, by the writer
    if tally is None:
        assignments = ((final[uf.find(i)], ms.id[i]) for i in range(n_seeds, len(ms)))
    else:
        form, row_id = ms.form, ms.id
        assignments = tally.counting(((final[uf.find(i)], form[i], row_id[i]) for i in range(n_seeds, len(ms))),
                                     entity_store.added_mention_entities(store), ms.forms)
    if folded and contexts is not None:
        contexts.forget()
    if folded and redirect:  # only a fold makes an id vanish
        entity_ids.snapshot(store)
    moves = entity_store.write_added(store, assignments, folded, upto)
    if tally is not None:
        tally.written(folded)
    entity_store.add_forms(store, folded)

    # A new entity's rows come from its mentions, as a full resolve writes them. A resolved entity keeps its
    # name, type and affiliation (the next full resolve votes them again) and counts the new mentions and
    # names in: reading all its mentions back would read most of the corpus for the few entities named
    # everywhere. One that absorbed another (only a user's merge does) is counted again from all its mentions.
    out, grown, grown_aliases = EntityTables(), [], []
    recount = set(folded.values())
    for eid, added in added_to.items():
        if eid in sizes and eid not in recount:
            grown.append((eid, added.n, added.documents))
            names: Counter[str] = Counter()
            for m, k in _forms(ms, added):
                if m.form == "name":
                    names[m.name] += k
            grown_aliases.extend((eid, alias, n) for alias, n in names.items())
        elif eid not in sizes:
            named = added.named(ms)
            _entity_rows(out, eid, ms, added, named, _display(ms, named), _type(ms, named))
    if recount:
        rows = entity_store.member_rows(store, recount, upto)
        every = _Mentions(r[:12] for r in rows)
        for eid, members in _gather(every, ((r[12], n) for n, r in enumerate(rows))).items():
            named = members.named(every)
            _entity_rows(out, eid, every, members, named, _display(every, named), _type(every, named))
    places = {row[5] for row in out.entities if row[5]} if upto is None else set()
    out.entities = _affiliated(out.entities, entity_store.place_entities(store, places))
    out.merges = list(dict.fromkeys(
        (final[uf.find(a)], name_a, name_b, reason)
        for a, name_a, name_b, reason, both_seeds in uf.log if not both_seeds))
    entity_store.replace_entities(store, set(folded), out, upto)
    entity_store.grow_entities(store, grown, grown_aliases)
    if folded and redirect:
        entity_ids.record(store, moves)
