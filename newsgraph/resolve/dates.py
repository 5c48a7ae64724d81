"""Publication dates for documents whose own text gives no year: borrowed from related documents, or none.

Some articles name no year at all ("on January 29", "on Monday"); the per-document
inference (``extract/pubdate.py``) then has nothing to go on. A date is borrowed only
with real support: at least ``MIN_DOCUMENTS`` dated documents that share a specific
event with it (the same kind of act between the same two actors: "Russia sanctions
Ukraine", not merely "Russia" appearing in both) and that agree with each other (most
of them within ``AGREE_DAYS`` days of their median). The borrowed date is that median,
never earlier than the latest date the document's own text names, marked inferred, with
a note giving the support and a confidence (the share of supporting documents that agree).

Without such support the document stays undated and its notes say why. Times in an
undated document are never re-anchored to a borrowed date: relative expressions ("on
Monday", "today") keep no value, as the borrowed date is a guess about the document, not a
fact its text states. On 40 BBC politics articles of 2004-05 the old rule (any three shared
actors) gave 22 of them dates in 2002 or 1991; shared actors say little about when.

The step runs after entity resolution and is rebuilt from scratch by a full corpus step:
``resolve(store)`` loads rows, ``borrow`` computes, and the rows are written back. Each document's
signatures are kept (``date_signatures``), so after documents were added only the undated documents they
can change are dated again (``_update``), with the result of a full run.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass
from itertools import groupby, islice
from operator import itemgetter

from newsgraph.resolve import copies
from newsgraph.store import dates as store_dates
from newsgraph.store import stories as store_stories

MIN_DOCUMENTS = 3
AGREE_DAYS = 14
NOTE = "publication date inferred from related documents"
UNDATED_NOTE = "publication date unknown"
GENERIC_EVENTS = {"STATEMENT", "OTHER"}
# meta 'date_signatures': the version of the kept event signatures (date_signatures). A change to what
# event_signatures or store.dates.event_sides make of an event needs a new one, so stored signatures are made
# again rather than mixed with new ones (tests/test_dates.py pins it to their source).
SIGNATURES = "3"
# meta 'dates_rule': the version of what `borrow` makes of the signatures (2: a text and its near-copies are one
# report). Dates borrowed by another rule are all made again, not only those an added document touches.
RULE = "2"


@dataclass(frozen=True, slots=True)
class Borrowed:
    date: str
    documents: int  # dated reports that share an event with this one (a text and its copies are one report)
    agreeing: int  # of those, the ones within AGREE_DAYS of the median

    @property
    def confidence(self) -> float:
        return round(self.agreeing / self.documents, 2)

    def note(self) -> str:
        return (f"{NOTE} ({self.agreeing} of {self.documents} dated reports sharing its events agree on it, a text "
                f"and its copies counted once; confidence {self.confidence})")


def borrow(undated: list[str], published: dict[str, str], events: dict[str, set[tuple]],
           latest_own: dict[str, str | None], groups: dict[str, str] | None = None) -> dict[str, Borrowed | None]:
    """For each undated document, the date its related documents support, or None. Pure: no store.

    `groups` (doc -> its report, ``report_groups``) makes a text and its near-copies one report, dated by the
    earliest of them that share the event: a wire story run by three outlets is one witness of when it happened.
    """
    groups = groups or {}
    out: dict[str, Borrowed | None] = {}
    # who holds each event signature, among the dated documents: one lookup per signature instead of a
    # scan of every dated document for every undated one (quadratic at 100k documents)
    holders: dict[tuple, list[str]] = {}
    for other in published:
        for signature in events.get(other, ()):
            holders.setdefault(signature, []).append(other)
    for doc in undated:
        related = {other for signature in events.get(doc, ()) for other in holders.get(signature, ())}
        reports: dict[str, str] = {}
        for other in related:
            key, day = groups.get(other, other), published[other][:10]
            if key not in reports or day < reports[key]:
                reports[key] = day
        dates = sorted(reports.values())
        if len(dates) < MIN_DOCUMENTS:
            out[doc] = None
            continue
        days = [dt.date.fromisoformat(d) for d in dates]
        middle = dt.date.fromordinal(int(statistics.median(d.toordinal() for d in days)))
        agreeing = [d for d in days if abs((d - middle).days) <= AGREE_DAYS]
        if len(agreeing) < MIN_DOCUMENTS or len(agreeing) * 3 < len(days) * 2:
            out[doc] = None
            continue
        guess = middle.isoformat()
        own = latest_own.get(doc)
        if own and own > guess and (dt.date.fromisoformat(own) - middle).days <= AGREE_DAYS:
            guess = own  # never before what the document itself names
        out[doc] = Borrowed(guess, len(days), len(agreeing))
    return out


def resolve(store, touched=None) -> None:
    """Borrow dates for the undated documents; with `touched` (a `resolve.touched.Touched`), only for those the added
    documents can change, and note there the documents whose publication date changed, for the steps after this one."""
    if touched is not None and not touched.gone_entities and store.get_meta("date_signatures") == SIGNATURES and (
        store.get_meta("dates_rule") == RULE
    ):
        _update(store, touched)
        return
    before = store_dates.undated_or_inferred(store) if touched is not None else None
    with store.transaction():
        # what an earlier run borrowed or noted goes first, so the step is a function of the current corpus
        store_dates.clear_borrowed(store, NOTE, UNDATED_NOTE)
        store_dates.write_signatures(store, {}, replace=True)
        for rows in _whole_events(store_dates.event_sides(store, generic=GENERIC_EVENTS), EVENTS):  # each run read before the next
            store_dates.write_signatures(store, event_signatures(rows), replace=False)
        grouped = None
        for undated in store_dates.undated_batches(store, BATCH):
            grouped = copy_groups(store) if grouped is None else grouped
            _date(store, undated, grouped)
        store.set_meta("date_signatures", SIGNATURES)
        store.set_meta("dates_rule", RULE)
    if before is not None:
        after = store_dates.undated_or_inferred(store)
        touched.redated |= {d for d in before.keys() | after.keys() if before.get(d) != after.get(d)}


def _update(store, touched) -> None:
    """Dates after documents were added: a document's borrowed date depends only on the dated documents sharing its
    event signatures (and on which of them are copies of one another), so only the added undated documents and the
    undated ones sharing a signature with an added dated one, or with a group of copies an added document joined,
    are dated again; the others keep what they have, which is what a full run gives them."""
    added = set(touched.added)
    with store.transaction():
        signatures = event_signatures(store_dates.event_sides(store, added, GENERIC_EVENTS))
        store_dates.write_signatures(store, signatures, replace=False)
        published = store_dates.published_of(store, added)
        brought = {sig for doc in added if published.get(doc) for sig in signatures.get(doc, ())}
        grouped = copy_groups(store)
        joined = {grouped[doc] for doc in added if doc in grouped}  # groups of copies an added document joined:
        mates = {doc for doc, group in grouped.items() if group in joined}  # their reports are counted anew
        brought |= {sig for sigs in store_dates.signatures_of(store, mates).values() for sig in sigs}
        redo = store_dates.without_own_date(store, added | store_dates.sharing(store, brought), NOTE)
        if not redo:
            return
        before = store_dates.published_of(store, redo)
        store_dates.clear_borrowed(store, NOTE, UNDATED_NOTE, docs=redo)
        _date(store, sorted(redo), grouped)
        after = store_dates.published_of(store, redo)
        touched.redated |= {d for d in redo if before.get(d) != after.get(d)}


# Undated documents dated at once by a full run, and events whose signatures are made at once: what the step holds
# is a batch's signatures and the dated documents sharing them, not the corpus's (a dict of every document's
# signatures and dates was most of the step's memory at 100,000 documents).
BATCH = 5_000
EVENTS = 50_000


def _date(store, undated: list[str], grouped: dict[str, str]) -> None:
    """Borrow dates for `undated` (their borrowed dates cleared) from the documents that date themselves and share
    their signatures: a document's borrowed date depends on nothing else, so any batch of them gets the dates a run
    over all of them gives."""
    own = store_dates.signatures_of(store, undated)
    dated, held = store_dates.dated_holders(store, {sig for sigs in own.values() for sig in sigs}, NOTE)
    latest_own, notes = store_dates.inputs_of(store, undated)
    found = borrow(undated, dated, {**held, **own}, latest_own, grouped)
    store_dates.write_dates(store, [(doc, None if result is None else result.date, notes[doc] + [_note(result)])
                                    for doc, result in found.items()])


def _whole_events(rows, events: int):
    """The rows of `event_sides` as lazy runs of `events` whole events each, read from the cursor as each run is:
    `event_signatures` then holds one run's documents, not the corpus's, and no run's rows are held at once."""
    grouped = groupby(rows, key=itemgetter(0))
    for _, first in grouped:
        def run(first=first):
            yield from first
            for _, more in islice(grouped, events - 1):
                yield from more
        yield run()


resolve.incremental = "touched"


def copy_groups(store) -> dict[str, str]:
    """doc -> its group of copies, from the pairs the copies step found (``copies.find_pairs`` runs first)."""
    links = store_stories.copy_links(store)
    return report_groups(links.pairs, links.versions)


def report_groups(pairs: list[tuple[str, str, float]], versions: dict[str, list[tuple[int, str]]]) -> dict[str, str]:
    """doc -> its report: the groups of near-copies (most of each text is the other's) and of a page's versions.

    A pair the copies step keeps because one text lies inside the other (a digest quoting a story whole) does not
    make one report here: a digest of three independent stories would otherwise make their three dates one.
    """
    return copies.groups([p for p in pairs if p[2] is not None and p[2] >= copies.JACCARD], versions)


def _note(result: Borrowed | None) -> str:
    if result is None:
        return (f"{UNDATED_NOTE}: its text does not date it, and no {MIN_DOCUMENTS} dated reports sharing "
                "its events agree on a date")
    return result.note()


def event_signatures(rows) -> dict[str, set[tuple]]:
    """Per document, its specific events: (type, subject entity, other entity), both sides resolved.

    `rows` are (event, doc, type, role, entity) of resolved participants (``store.dates.event_sides``), in event
    order: one event's sides are held at a time, not every event's of the corpus.
    """
    out: dict[str, set[tuple]] = {}
    for _, event_rows in groupby(rows, key=itemgetter(0)):
        found: dict[str, str] = {}
        doc = kind = None
        for _, doc_, kind_, role, entity in event_rows:
            if kind_ in GENERIC_EVENTS:
                continue
            doc, kind = doc_, kind_
            side = "subject" if role == "subject" else ("other" if role in {"object", "recipient", "destination", "addressee"} else None)
            if side:
                found.setdefault(side, entity)
        if "subject" in found and "other" in found and found["subject"] != found["other"]:
            out.setdefault(doc, set()).add((kind, found["subject"], found["other"]))
    return out
