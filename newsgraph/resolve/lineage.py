"""Where a figure or a claim came from: its earliest report in the corpus, and who repeated it later.

For each money figure in a conflict (every distinct value of the family), each fact
reported by two or more documents (a fact group), and each direct quote printed by
two or more documents, the reports are put in the order they were published (then
arrival in the corpus): the first is where the corpus first has it, the others
repeat it, each with the source it cites or none ("without attribution"). A copy of
a text (``copies``) that carries the figure counts as a repeat and says whose copy it
is, so a syndicated wire story shows up as "also in".

Shape: load (``store.stories.lineage_inputs``) -> pure compute (below) -> write.
"""

from __future__ import annotations

import os

from newsgraph.store import stories as store_stories
from newsgraph.store.stories import DocInfo, LineageInputs, Report


BATCH = 500  # items (figures, facts, quotes) whose documents are read at a time
# ... or fewer, once they name this many documents: a fact a thousand documents report is one item, and 500 such
# items held 48 MB of DocInfos at 100,000 documents
BATCH_DOCUMENTS = 5_000


def resolve(store, batch: int = BATCH, documents: int = BATCH_DOCUMENTS) -> None:
    """Rebuild the lineage: each figure, fact and repeated quote is made and written as it is read, `batch` of them at a
    time (fewer when they name `documents` documents) with the DocInfo of the documents they name
    (`store.stories.lineage_parts`); nothing of the corpus is held but the few figures and the copies."""
    parts = store_stories.lineage_parts(store)
    store_stories.write_lineage(store, _streamed(store, parts, batch, documents))


def _streamed(store, parts: LineageInputs, batch: int, documents: int = BATCH_DOCUMENTS):
    chunk, named = [], set()
    for kind, item in _items(parts):
        chunk.append((kind, item))
        for r in item[-1]:
            named.add(r.doc)
            named.update(parts.copies.get(r.doc, ()))
        if len(chunk) >= batch or len(named) >= documents:
            yield from _made(store, chunk, named, parts)
            chunk, named = [], set()
    yield from _made(store, chunk, named, parts)


def _made(store, chunk: list, named: set[str], parts: LineageInputs):
    """The lineage rows of a chunk of items, with the DocInfos of the documents they name (`named`)."""
    docs = store_stories.documents(store, named) if chunk else {}
    for kind, item in chunk:
        made = _item(kind, item, parts, docs)
        if made is not None:
            yield made


def outlet_of(info: DocInfo) -> str:
    return info.outlet or info.title or os.path.basename(info.path.rstrip("/")) or info.id


def _when(info: DocInfo) -> str:
    if not info.published:
        return "on an unknown date"
    return f"on {info.published}" + (" (date inferred)" if info.inferred else "")


def _citing(r: dict, names: dict[str, str]) -> str:
    if r["source"] or r["source_text"]:
        return "citing " + (names.get(r["source"]) or r["source_text"] or r["source"])
    return "citing nobody"


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _as_row(r: Report, copy_of: str | None = None) -> dict:
    return {"doc": r.doc, "event": r.event, "start": r.start, "end": r.end, "text": r.text, "source": r.source,
            "source_text": r.source_text, "attributed": bool(r.source or r.source_text), "copy_of": copy_of}


def ordered(reports: list[dict], docs: dict[str, DocInfo]) -> list[dict]:
    """One report per document, earliest first."""
    seen: dict[str, dict] = {}
    for r in reports:
        if r["doc"] in docs:
            seen.setdefault(r["doc"], r)
    return sorted(seen.values(), key=lambda r: docs[r["doc"]].order)


def summarize(label: str, reports: list[dict], docs: dict[str, DocInfo], names: dict[str, str]) -> str:
    """'$17 billion: first in A on 2019-01-02, citing nobody; repeated by B (citing Reuters) and C (without attribution)'."""
    first = reports[0]
    info = docs[first["doc"]]
    text = f"{label}: first in {outlet_of(info)} {_when(info)}, {_citing(first, names)}"
    later = []
    for r in reports[1:]:
        other = docs[r["doc"]]
        how = _citing(r, names) if r["attributed"] else "without attribution"
        if r["copy_of"]:
            how += f"; a copy of {outlet_of(docs[r['copy_of']])}'s text" if r["copy_of"] in docs else "; a copy"
        later.append(f"{outlet_of(other)} {_when(other)} ({how})")
    if later:
        text += "; repeated by " + _join(later)
    return text


def compute(inputs: LineageInputs) -> list[dict]:
    out = [_item(kind, item, inputs, inputs.documents) for kind, item in _items(inputs)]
    return [made for made in out if made is not None]


def _items(inputs: LineageInputs):
    """("figure" | "fact" | "quote", the item's inputs, its reports last), in the order the lineage lists them."""
    for item in inputs.figures:
        yield "figure", item
    for item in inputs.facts:
        yield "fact", item
    for item in inputs.quotes:
        yield "quote", item


def _item(kind: str, item: tuple, inputs: LineageInputs, docs: dict[str, DocInfo]) -> dict | None:
    """One lineage row with its reports (None when fewer than its kind needs are left), from `docs` (at least the
    documents its reports name, and their copies)."""
    names = inputs.names
    if kind == "figure":
        conflict, value, unit, reports = item
        rows = [_as_row(r) for r in reports]
        for r in reports:
            for copy in inputs.copies.get(r.doc, ()):
                found = inputs.copy_amounts.get((copy, value, unit))
                if found is not None:
                    rows.append(_as_row(found, copy_of=r.doc))
        rows = ordered(rows, docs)
        if not rows:
            return None
        label = rows[0]["text"] or f"{value:g} {unit}"
        return {"kind": "figure", "conflict": conflict, "value": value, "unit": unit, "text": label,
                "summary": summarize(label, rows, docs, names), "reports": rows}
    if kind == "fact":
        grp, described, reports = item
        rows = ordered([_as_row(r) for r in reports], docs)
        if len(rows) < 2:
            return None
        return {"kind": "fact", "grp": grp, "text": described, "summary": summarize(described, rows, docs, names), "reports": rows}
    text, reports = item
    rows = ordered([_as_row(r) for r in reports], docs)
    if len(rows) < 2:
        return None
    label = f"“{' '.join((rows[0]['text'] or text).split())[:120]}”"
    for r in rows:  # a quote's "source" is its speaker: saying whose words they are is the attribution
        r["attributed"] = bool(r["source"] or r["source_text"])
    return {"kind": "quote", "text": label, "summary": summarize(label, rows, docs, names), "reports": rows}
