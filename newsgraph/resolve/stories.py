"""Stories: the documents that report one developing story, across outlets, by shared actors, facts and time.

No embeddings: a document is described by what the rest of the pipeline found in it,
weighted by how rare it is in the corpus (tf-idf):

- the entities it mentions (1 + log of the mentions, times the smoothed idf
  1 + log((1 + N) / (1 + df))), so "Rosneft" weighs more than "the United States" and
  an actor every document names still counts;
- the fact groups its events belong to (the same happening reported elsewhere), twice;
- the relations its events state between entities ("FINANCE|russia|venezuela").

Documents are read in the order they were reported (publication date, then arrival),
as a live reader meets them, and each joins the open story it is most similar to
(cosine to the story's summed vector) when that similarity is at least ``THRESHOLD``,
they share at least ``MIN_SHARED`` entities or a fact, and the story's latest document
is at most ``WINDOW_DAYS`` away (when both dates are known); a document without a date
meets only the stories that took in a document among the ``ARRIVAL_WINDOW`` documents that
arrived nearest to it (arrival is the only clock it has); otherwise it starts a new
story. This is single-pass clustering as in topic detection and tracking: a story's
earlier documents never move when later ones arrive, so its id (the id of its first
document) stays put and its page grows on reload.

Copies of a text (``copies``) are clustered through their canonical document and
listed with it. A story needs at least two documents that are not copies of each other.
"""

from __future__ import annotations

import math
import sys
from array import array
from bisect import bisect_left
from collections import Counter, defaultdict
from datetime import date
from typing import Callable

from newsgraph.store import corpus as store_corpus
from newsgraph.store import stories as store_stories
from newsgraph.store.stories import DocInfo, ReadingOrder, StoryDoc, StoryInputs

THRESHOLD = 0.4
MIN_SHARED = 3  # entities; two shared names (a country and a capital) are too often a coincidence
WINDOW_DAYS = 60
TOP_FEATURES = 25  # a document's strongest features; the rest only add noise and time
KEY_ACTORS = 8
# Documents, in arrival order, within which an undated document may join a story. Without a bound an undated
# document was compared with every story in the corpus that shares its rarer actors: quadratic in a corpus of
# undated texts (88% of the BBC set), 337 s of a 100,000-document corpus step. 10,000 arrivals are days of a
# busy feed, and more than any folder of one story.
ARRIVAL_WINDOW = 10_000


# From this many documents, adding documents weighs only them (and the few earlier documents they change) instead of
# every document: weighing all of 100,000 took 16 of the 25 s the stories step took to add 100 documents to them,
# while below 20,000 it takes under 3 s, a price worth paying for the stories of a full pass.
WEIGH_ALL_BELOW = 20_000

# What the stored stories were made with: stories made otherwise (an older newsgraph, other settings) are not
# continued but made again.
MADE_WITH = f"single-pass 1; threshold {THRESHOLD}; shared {MIN_SHARED}; {WINDOW_DAYS} days; {ARRIVAL_WINDOW} arrivals; top {TOP_FEATURES}"


def resolve(store, touched=None) -> None:
    """All stories again; with `touched` (a `resolve.touched.Touched`: the entity step took only the added documents),
    the stored stories stay and the added documents are placed, as the single pass would have met them last
    (`_continued`).

    Nothing is held per document but its place in the pass (`ReadingOrder`) and the stories it makes: the vectors
    are kept in the store (`story_vectors`, with each feature's document count in `story_df`), and a story's
    documents are read when it is written."""
    if (touched is not None and not touched.gone_entities and store.get_meta("stories_made_with") == MADE_WITH
            and store.get_meta("story_vectors_documents") is not None):
        _continued(store, touched)
        return
    reading = store_stories.reading_order(store, _ordinal)
    features = store_stories.story_features(store)  # read and weighed one document at a time
    vecs = store_stories.keep_vectors(store, iter_vectors(features, len(reading.ids)))
    try:
        stories = [members for members in _placed(reading, vecs, None, None) if len(members) > 1]
        documents = len(reading.ids)
        del reading
        copies = store_stories.canonical_of(store)
        names, _ = store_corpus.entity_names(store)
        store_stories.write_stories(store, _told(store, stories, copies, names, vecs))
    finally:
        vecs.close()
    store.set_meta("story_vectors_documents", str(documents))
    store.set_meta("stories_made_with", MADE_WITH)


def _continued(store, touched) -> None:
    """The stored stories continued with the added documents. Below WEIGH_ALL_BELOW documents, or when an earlier
    document became a copy or took over from one, every document is weighed again (one more document moves every
    idf) and every story written, as a full pass would. Otherwise only the added documents are weighed, with the
    earlier documents whose fact groups changed and those that alone had a feature an added document has; only the
    stories an added document may meet take part (`_within_reach`), and only those that changed are written.

    Every other document then keeps the vector it was weighed with, against the corpus it was weighed in. The drift
    is bounded as the entity step's is: once the corpus has grown by `run.INCREMENTAL_GROWTH` the corpus step runs
    whole, and weighs everything again."""
    reading = store_stories.reading_order(store, _ordinal)
    position = {d: i for i, d in enumerate(reading.ids)}
    added = {d for d in touched.added if d in position}
    documents = len(reading.ids)
    no_longer, not_yet = store_stories.recounted(store)
    # an earlier document that became a copy, or one that took over from its copy: the kept counts no longer say
    # which documents are counted, and a copy group's stories may merge or empty (rare: weighed again, all of them)
    if documents < WEIGH_ALL_BELOW or no_longer or not_yet - added:
        reweighed = None
        features = store_stories.story_features(store)
    else:
        events = touched.sources_before.keys() | touched.groups_before.keys()
        regrouped = {d for d in store_stories.documents_of_events(store, events) if d in position}
        reweighed = added | regrouped | {d for d in store_stories.sharing_now(store, added) if d in position}
        left = {g for g in touched.groups_before.values() if g is not None}
        features = store_stories.story_features(store, docs=reweighed, added=added, groups=left)
    vecs = store_stories.keep_vectors(store, iter_vectors(features, documents), only=reweighed)
    try:
        stored = store_stories.story_members(store)
        copies = store_stories.canonical_of(store)
        names, _ = store_corpus.entity_names(store)
        if reweighed is None:  # every vector may have moved: every story takes part and is written again
            stories = [members for members in _placed(reading, vecs, stored, added, position=position) if len(members) > 1]
            store_stories.write_stories(store, _told(store, stories, copies, names, vecs))
        else:
            redo = reweighed | set(touched.redated)
            # copies an added document made or became: the stories of their canonical documents list them
            recopied = {d for d, c in copies.items() if d in touched.added or c in touched.added}
            recopied |= {copies[d] for d in recopied}
            kept: set[str] = set()
            reach = _within_reach(reading, position, added, redo | recopied)
            stories = [members for members in _placed(reading, vecs, stored, added, reach, kept, position) if len(members) > 1]
            copies_of = _copies_of(copies)
            changed = [members for members in stories if _changed(members, stored.get(members[0][0], {}), copies_of, redo)]
            gone = kept - {members[0][0] for members in stories}
            store_stories.write_stories(store, _told(store, changed, copies, names, vecs),
                                        replacing=gone | {members[0][0] for members in changed})
        del reading, position
    finally:
        vecs.close()
    store.set_meta("story_vectors_documents", str(documents))


def _changed(members: list[tuple[str, float]], stored: dict[str, float], copies_of: dict[str, list[str]], redo: set[str]) -> bool:
    """Whether a story of the continued pass differs from the one stored under its id (`stored`: its documents, copies
    too): other documents or copies, or one of them weighed again or given another date (`redo`)."""
    everyone = {d for d, _ in members}
    everyone.update(c for d, _ in members for c in copies_of.get(d, ()))
    return everyone != stored.keys() or not redo.isdisjoint(everyone)


def _told(store, stories: list[list[tuple[str, float]]], copies: dict[str, str], names: dict[str, str], vecs,
          chunk: int = 2_000):
    """`describe` each of `stories` (as `cluster` gives them, those of two or more documents), in order, reading the
    DocInfos of about `chunk` of their documents (and of these documents' copies) at a time."""
    copies_of = _copies_of(copies)
    i = 0
    while i < len(stories):
        j, size = i, 0
        while j < len(stories) and (size == 0 or size + len(stories[j]) <= chunk):
            size += len(stories[j])
            j += 1
        ids = [d for members in stories[i:j] for d, _ in members]
        infos = store_stories.documents(store, ids + [c for d in ids for c in copies_of.get(d, ())])
        for members in stories[i:j]:
            yield describe(members, infos, copies_of, names, vecs)
        i = j


resolve.incremental = "touched"  # run.resolve_corpus passes a Touched when it resolves only the added documents


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _ordinal(value: str | None) -> int | None:
    """`_day` as a number, for the store to order by (None: not a date)."""
    day = _day(value)
    return None if day is None else day.toordinal()


def _reported(doc: StoryDoc) -> tuple:
    """Reporting order: by publication date (a date that does not read as one counts as none), then arrival."""
    day = _day(doc.info.published)
    return (day is None, doc.info.published if day else "", doc.info.added_at or "", doc.info.path)


def reading_order_of(docs: dict[str, StoryDoc]) -> ReadingOrder:
    """The `ReadingOrder` of documents held as StoryDocs (what `store.stories.reading_order` reads from the store)."""
    arrival = {d: i for i, d in enumerate(sorted(docs, key=lambda x: (docs[x].info.added_at or "", docs[x].info.path)))}
    out = ReadingOrder([], array("l"), array("l"))
    for d in sorted(docs, key=lambda x: _reported(docs[x])):
        out.ids.append(d)
        out.days.append(_ordinal(docs[d].info.published) or 0)
        out.arrivals.append(arrival[d])
    return out


def _raw_weight(feature: str, mentions: int | None) -> float:
    """A feature's weight in its document before the idf: an entity 1 + log of its mentions, a fact group 2, a relation 1."""
    if feature.startswith("e:"):
        return 1.0 + math.log(mentions)
    return 2.0 if feature.startswith("g:") else 1.0


def _weigh(feats: dict[str, float], n: int, df) -> dict[str, float]:
    """One document's vector: its features' weights times the smoothed idf among `n` documents (`df`: feature ->
    documents that have it; a feature of one document only is left out), the strongest TOP_FEATURES, unit length."""
    weighted = {f: w * (1.0 + math.log((1 + n) / (1 + df[f]))) for f, w in feats.items() if df[f] > 1}
    top = dict(sorted(weighted.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_FEATURES])
    norm = math.sqrt(sum(w * w for w in top.values())) or 1.0
    return {f: w / norm for f, w in top.items() if w > 0}


def vectors(docs: dict[str, StoryDoc]) -> dict[str, dict[str, float]]:
    """Each document's tf-idf features (entities, fact groups, relations), unit length, strongest TOP_FEATURES only."""
    df: Counter[str] = Counter()
    raw: dict[str, dict[str, float]] = {}
    one = sys.intern  # a feature's name once for the corpus, not once per document that has it
    for d, doc in docs.items():
        feats: dict[str, float] = {}
        for e, n in doc.entities.items():
            feats[one("e:" + e)] = _raw_weight("e:", n)
        for g in doc.groups:
            feats[one(f"g:{g}")] = _raw_weight("g:", None)
        for r in doc.relations:
            feats[one("r:" + r)] = _raw_weight("r:", None)
        raw[d] = feats
        df.update(feats.keys())
    n = max(1, len(docs))
    return {d: _weigh(feats, n, df) for d, feats in raw.items()}


def iter_vectors(features, documents: int):
    """What `vectors` gives, one (doc, vector) at a time as the feature rows come, from `store.stories.story_features`
    rows (doc, [(feature, mentions, df)]: the features that two or more documents have, one document at a time)
    among `documents` documents; a document without such features gives nothing (an empty vector)."""
    n = max(1, documents)
    for d, rows in features:
        vec = _weigh({f: _raw_weight(f, mentions) for f, mentions, _ in rows}, n, {f: df for f, _, df in rows})
        if vec:
            yield d, vec


def cluster(reading: ReadingOrder, vecs: dict[str, dict[str, float]], arrival_window: int | None = None,
            earlier: list[list[tuple[str, float]]] | None = None, only: set[str] | None = None,
            position: dict[str, int] | None = None) -> list[list[tuple[str, float]]]:
    """Single pass in reporting order (`reading`): [(doc, similarity when it joined)] per story, first document first.

    With `earlier` (the stories of a past pass, singletons too) only the documents in `only` are placed,
    joining those stories or starting new ones: the pass continued, as a live reader meets new documents.
    When the new documents come last in reporting order and the vectors are unchanged, that is the
    pass over everything; otherwise the earlier documents keep their stories until the next full pass.

    A story is a candidate only if it shares at least MIN_SHARED entities or a fact group with the
    document. By pigeonhole, such a story holds one of the document's rarest entity features (all
    but the MIN_SHARED - 1 most common) or one of its groups, so the postings of the most common
    features ("the United States", in thousands of stories) are never walked to find candidates;
    the shared features are then counted exactly on each candidate. Same stories as comparing the
    document with every story that shares any feature, without the quadratic walk.

    Dated documents come in date order, so a story whose latest document is more than WINDOW_DAYS
    before one dated document is out of reach of every later one: it leaves the postings dated
    documents walk (`live`), or a corpus spanning years would walk all its old stories each time.
    Undated documents come last, in arrival order, so in the same way a story whose last arrival
    is more than `arrival_window` documents before one of them leaves the postings they walk (`near`).

    `position` (document -> its index in `reading.ids`) spares the continued pass making it again when the caller
    has one.
    """
    ids, days, arrivals = reading.ids, reading.days, reading.arrivals
    if arrival_window is None:
        arrival_window = ARRIVAL_WINDOW
    if earlier is not None and position is None:  # each document's place in `ids` (the caller's, when it has one)
        position = {d: i for i, d in enumerate(ids)}
    stories: list[dict] = []
    near: dict[str, set[int]] = defaultdict(set)  # feature -> stories an undated document may still join
    live: dict[str, set[int]] = defaultdict(set)  # feature -> stories a dated document may still join
    expired: set[int] = set()
    far: set[int] = set()

    def start(i: int) -> int:
        stories.append({"members": [], "sum": defaultdict(float), "last": 0, "norm": None, "arrived": (arrivals[i], arrivals[i])})
        return len(stories) - 1

    def join(k: int, i: int, sim: float) -> None:
        s, d = stories[k], ids[i]
        s["members"].append((d, sim))
        s["arrived"] = (min(s["arrived"][0], arrivals[i]), max(s["arrived"][1], arrivals[i]))
        for f, w in vecs.get(d, {}).items():
            s["sum"][f] += w
            if k not in far:
                near[f].add(k)
            if k not in expired:
                live[f].add(k)
        s["norm"] = None
        if days[i] > s["last"]:  # 0: no date
            s["last"] = days[i]

    for members in sorted(earlier or (), key=lambda m: position[m[0][0]]):
        k = start(position[members[0][0]])
        for d, sim in members:
            join(k, position[d], sim)
    for i in range(len(ids)):
        d = ids[i]
        if only is not None and d not in only:
            continue
        vec = vecs.get(d, {})
        day = days[i]
        at = arrivals[i]
        postings = near if not day else live
        best, best_sim = None, 0.0
        entities = sorted((f for f in vec if f.startswith("e:")), key=lambda f: len(postings.get(f, ())))
        rare, common = entities[: max(0, len(entities) - MIN_SHARED + 1)], entities[max(0, len(entities) - MIN_SHARED + 1):]
        vec_entities = set(entities)
        vec_groups = {f for f in vec if f.startswith("g:")}
        hits: Counter[int] = Counter()
        for f in rare:
            hits.update(postings.get(f, ()))
        grouped = {k for f in vec_groups for k in postings.get(f, ())}
        for k in hits.keys() | grouped:
            s = stories[k]
            if day and not s["last"] and (at - s["arrived"][1] > arrival_window or s["arrived"][0] - at > arrival_window):
                # a story without a date: only a continued pass meets one here (in a pass over everything the undated
                # documents come last), and meets it as its documents would have met this one's story: by arrival
                continue
            if day and s["last"] and abs(day - s["last"]) > WINDOW_DAYS:
                if day > s["last"] and k not in expired:
                    expired.add(k)
                    for f in s["sum"]:
                        live[f].discard(k)
                continue
            if not day and (at - s["arrived"][1] > arrival_window or s["arrived"][0] - at > arrival_window):
                if at > s["arrived"][1] and k not in far:
                    far.add(k)
                    for f in s["sum"]:
                        near[f].discard(k)
                continue
            # Counted shares of the rare features, plus at most the common ones: most stories met fall short here.
            if k not in grouped and hits[k] + sum(1 for f in common if f in s["sum"]) < MIN_SHARED:
                continue
            total = s["sum"]
            shared = vec.keys() & total.keys()
            if len(shared & vec_entities) < MIN_SHARED and shared.isdisjoint(vec_groups):
                continue
            if s["norm"] is None:
                s["norm"] = math.sqrt(sum(w * w for w in total.values())) or 1.0
            sim = sum(w * total[f] for f, w in vec.items() if f in shared) / s["norm"]  # in the vector's order: same sum
            if sim > best_sim or (sim == best_sim and best is not None and k < best):  # ties go to the older story
                best, best_sim = k, sim
        if best is None or best_sim < THRESHOLD:
            best, best_sim = start(i), 1.0
        join(best, i, best_sim)
    return [s["members"] for s in stories]


def compute(inputs: StoryInputs, stored: dict[str, dict[str, float]] | None = None, added: set[str] | None = None,
            vecs: dict[str, dict[str, float]] | None = None) -> list[dict]:
    """Stories of two or more documents, with the columns of the `stories` table and their members, from inputs held
    (what `resolve` makes reading the store as it goes).

    With `stored` (story -> member documents, as written by the last step) and `added`, the stored stories
    are kept and only the added documents are placed (`cluster` with `earlier`); a document that is in no
    stored story was a story of its own. `vecs`: the documents' vectors when the caller has made them (else
    `vectors` of the inputs).
    """
    docs = inputs.docs
    if vecs is None:
        vecs = vectors(docs)
    clusters = _placed(reading_order_of(docs), vecs, stored, added)
    infos = inputs.infos or {d: doc.info for d, doc in docs.items()}
    copies_of = _copies_of(inputs.copies)
    return [describe(members, infos, copies_of, inputs.names, vecs) for members in clusters if len(members) > 1]


def _placed(reading: ReadingOrder, vecs, stored: dict[str, dict[str, float]] | None, added: set[str] | None,
            keep: Callable[[list[str], dict[str, float]], bool] | None = None, kept_stories: set[str] | None = None,
            position: dict[str, int] | None = None) -> list[list[tuple[str, float]]]:
    """The pass over every document, or (with `stored` and `added`) the stored stories continued with the added ones.

    `keep(documents, members)`: whether a stored story (its documents in the pass, and all it stored), or an earlier
    document in no story, takes part; the others are left as they are, out of the pass and out of what it returns.
    `kept_stories` receives the ids of the stored stories that took part. `position`: each document's index in
    `reading.ids`, when the caller has it."""
    if stored is None or added is None:
        return cluster(reading, vecs)
    if position is None:
        position = {d: i for i, d in enumerate(reading.ids)}
    placed: set[str] = set()
    earlier = []
    for story, members in stored.items():
        kept = sorted((d for d in members if d in position and d not in added and d not in placed), key=position.__getitem__)
        placed.update(kept)
        if kept and (keep is None or keep(kept, members)):
            earlier.append([(d, 1.0 if n == 0 else members[d]) for n, d in enumerate(kept)])
            if kept_stories is not None:
                kept_stories.add(story)
    del stored  # the stories as written, now in `earlier`
    earlier += [[(d, 1.0)] for d in reading.ids if d not in placed and d not in added and (keep is None or keep([d], {d: 1.0}))]
    return cluster(reading, vecs, earlier=earlier, only={d for d in added if d in position}, position=position)


def _within_reach(reading: ReadingOrder, position: dict[str, int], added: set[str], touched: set[str]):
    """`_placed`'s `keep` for a continued pass: a stored story, or a lone earlier document, takes part when an added
    document may meet it by `cluster`'s rules (a dated document: a dated story whose latest date is at most
    WINDOW_DAYS away; an undated document, or a dated one meeting a story without a date: a story that took in a
    document at most ARRIVAL_WINDOW arrivals away), or when it holds a document in `touched` (weighed again, given
    another date, copied by an added document or now one's copy). Kept out, most of a large corpus's stories cost
    the pass neither time nor memory."""
    days, arrivals = reading.days, reading.arrivals
    at = [position[d] for d in added]
    dated = sorted({days[i] for i in at if days[i]})
    undated = sorted(arrivals[i] for i in at if not days[i])
    every = sorted(arrivals[i] for i in at)

    def near(values: list[int], lo: int, hi: int) -> bool:
        """Whether one of the sorted `values` lies in [lo, hi]."""
        i = bisect_left(values, lo)
        return i < len(values) and values[i] <= hi

    def keep(documents: list[str], members: dict[str, float]) -> bool:
        if not touched.isdisjoint(members):
            return True
        places = [position[d] for d in documents]
        last = max(days[i] for i in places)
        lo, hi = min(arrivals[i] for i in places) - ARRIVAL_WINDOW, max(arrivals[i] for i in places) + ARRIVAL_WINDOW
        if not last:
            return near(every, lo, hi)
        return near(dated, last - WINDOW_DAYS, last + WINDOW_DAYS) or near(undated, lo, hi)

    return keep


def _copies_of(copies: dict[str, str]) -> dict[str, list[str]]:
    copies_of: dict[str, list[str]] = defaultdict(list)
    for copy, canonical in copies.items():
        copies_of[canonical].append(copy)
    return copies_of


def describe(members: list[tuple[str, float]], infos: dict[str, DocInfo], copies_of: dict[str, list[str]],
             names: dict[str, str], vecs: dict[str, dict[str, float]]) -> dict:
    """One story's row of the `stories` table and its members (copies after the documents they copy), from its
    documents' DocInfos (`infos`: these and their copies at least)."""
    centroid: dict[str, float] = defaultdict(float)
    for d, _ in members:
        for f, w in vecs.get(d, {}).items():
            centroid[f] += w
    ids = [d for d, _ in members]
    everyone = ids + [c for d in ids for c in sorted(copies_of.get(d, ()))]
    docs = [infos[d] for d in ids]
    dates = sorted(i.published for i in docs if i.published)
    outlets = {infos[d].outlet for d in everyone if d in infos}
    actors = sorted(((f[2:], round(w, 3)) for f, w in centroid.items() if f.startswith("e:")), key=lambda x: (-x[1], x[0]))
    central = max(range(len(ids)), key=lambda n: (docs[n].title is not None,
                                                  sum(vecs.get(ids[n], {}).get(f, 0.0) * w for f, w in centroid.items()), -n))
    title = docs[central].title or ", ".join(names.get(e, e) for e, _ in actors[:3]) or ids[central]
    score = dict(members)
    return {
        "id": ids[0], "title": title, "first": dates[0] if dates else None, "last": dates[-1] if dates else None,
        "documents": len(ids), "outlets": len({o for o in outlets if o}),
        "actors": [[e, w] for e, w in actors[:KEY_ACTORS]],
        "updated_at": max(i.added_at or "" for i in docs) or None,
        "members": [(d, score[d]) for d in ids] + [(c, score[d]) for d in ids for c in sorted(copies_of.get(d, ()))],
    }
