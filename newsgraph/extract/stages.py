"""The per-document stages, declared: what each needs, what it writes, the code and data it depends on.

This module reads like a table of contents of the extraction. Like spaCy's
``requires``/``assigns`` on factories, each ``Stage`` names the parts of a
``DocumentAnalysis`` it reads and the parts it fills, so that

- the order is checked once, when the table is built (a stage never runs before
  what it reads has been written);
- ``plan(only)`` pulls in everything a chosen stage needs (``analyze(only={"events"})``
  also runs sentences, mentions, amounts, times and quotes);
- ``fingerprint()`` hashes every stage's code and data files, the shared modules
  and the spaCy model, so that an upgrade of any of them re-processes the documents
  it produced, and a rebuild with nothing changed processes none.

A stage's ``version`` is the hash of its own files: it is shown to users and
stored nowhere else, so nobody has to remember to bump a number.
"""

from __future__ import annotations

import hashlib
import importlib.util
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Callable, Iterable

PACKAGE_ROOT = Path(__file__).resolve().parent.parent  # the newsgraph package folder


@dataclass(frozen=True, slots=True)
class Stage:
    name: str
    function: str  # "module:function", imported when the stage first runs
    requires: tuple[str, ...]  # parts of the DocumentAnalysis it reads
    assigns: tuple[str, ...]  # parts it fills
    code: tuple[str, ...]  # modules whose source is the stage (besides the shared ones)
    data: tuple[str, ...] = ()  # package-relative data files it reads

    def load(self) -> Callable:
        module, func = self.function.split(":")
        return getattr(importlib.import_module(module), func)

    @property
    def version(self) -> str:
        return _digest(self.code, self.data)[:12]


# Modules every stage relies on: the records, the canonical text, the spaCy components, the context.
SHARED_CODE = (
    "newsgraph.model",
    "newsgraph.normalize",
    "newsgraph.nlp",
    "newsgraph.nlp.components",
    "newsgraph.nlp.rule_components",
    "newsgraph.extract",
    "newsgraph.extract.stages",
    "newsgraph.lexicons",
    "newsgraph.lexicons.places",
)
SHARED_DATA = ("lexicons/data/places.csv", "lexicons/data/cities.tsv")

STAGES: tuple[Stage, ...] = (
    Stage("sentences", "newsgraph.extract:sentences", (), ("sentences",), ()),
    Stage("mentions", "newsgraph.extract.mentions:extract", ("sentences",), ("mentions",),
          ("newsgraph.extract.mentions", "newsgraph.lexicons.coref", "newsgraph.lexicons.names"),
          ("lexicons/data/descriptions.tsv", "lexicons/data/first_names.tsv", "lexicons/data/outlets.txt")),
    Stage("coref", "newsgraph.extract.coref:extract", ("sentences", "mentions"), ("mentions", "coreference", "local_mentions"),
          ("newsgraph.extract.coref", "newsgraph.extract.doers", "newsgraph.extract.quote_marks", "newsgraph.lexicons.attribution",
           "newsgraph.lexicons.coref", "newsgraph.lexicons.events", "newsgraph.lexicons.lemmas", "newsgraph.lexicons.names"),
          ("lexicons/data/descriptions.tsv", "lexicons/data/first_names.tsv", "lexicons/data/outlets.txt",
           "lexicons/data/regions.tsv")),
    Stage("amounts", "newsgraph.extract.amounts:extract", ("sentences",), ("amounts",),
          ("newsgraph.extract.amounts", "newsgraph.extract.times", "newsgraph.extract.pubdate", "newsgraph.extract.time_readings",
           "newsgraph.lexicons.events")),
    Stage("times", "newsgraph.extract.times:extract", ("sentences",), ("times", "published_guess"),
          ("newsgraph.extract.times", "newsgraph.extract.pubdate", "newsgraph.extract.time_readings", "newsgraph.lexicons.events")),
    Stage("quotes", "newsgraph.extract.quotes:extract", ("sentences", "mentions", "coreference"), ("quotes",),
          ("newsgraph.extract.quotes", "newsgraph.extract.quote_marks", "newsgraph.extract.quote_speakers",
           "newsgraph.extract.doers", "newsgraph.extract.mentions", "newsgraph.lexicons.attribution", "newsgraph.lexicons.coref",
           "newsgraph.lexicons.events", "newsgraph.lexicons.lemmas"),
          ("lexicons/data/descriptions.tsv", "lexicons/data/first_names.tsv")),
    Stage("coref_speakers", "newsgraph.extract.coref_speakers:extract", ("sentences", "mentions", "coreference", "quotes"),
          ("mentions", "coreference", "local_mentions"),
          ("newsgraph.extract.coref_speakers", "newsgraph.extract.coref", "newsgraph.extract.doers", "newsgraph.lexicons.coref",
           "newsgraph.lexicons.events", "newsgraph.lexicons.lemmas"),
          ("lexicons/data/descriptions.tsv", "lexicons/data/first_names.tsv", "lexicons/data/regions.tsv")),
    Stage("events", "newsgraph.extract.events:extract", ("sentences", "mentions", "coreference", "amounts", "times", "quotes"), ("events",),
          ("newsgraph.extract.events", "newsgraph.extract.event_coref", "newsgraph.extract.doers", "newsgraph.extract.quote_marks",
           "newsgraph.lexicons.events", "newsgraph.lexicons.lemmas", "newsgraph.lexicons.names"),
          ("lexicons/data/events.tsv", "lexicons/data/outlets.txt")),
    Stage("descriptors", "newsgraph.extract.descriptors:extract", ("sentences", "mentions", "coreference", "quotes"), ("descriptors",),
          ("newsgraph.extract.descriptors", "newsgraph.extract.label_roles", "newsgraph.lexicons.labels"),
          ("lexicons/data/labels_polarity.tsv", "lexicons/data/labels_standfor.txt")),
    Stage("techniques", "newsgraph.extract.techniques:extract", ("sentences", "mentions"), ("techniques",),
          ("newsgraph.extract.techniques", "newsgraph.techniques", "newsgraph.techniques.rules",
           "newsgraph.techniques.statistical", "newsgraph.techniques.pieces", "newsgraph.techniques.encoder",
           "newsgraph.techniques.tagger", "newsgraph.techniques.piece_tagger"),
          tuple(f"techniques/data/{p.name}" for p in sorted((PACKAGE_ROOT / "techniques" / "data").glob("*")))),
    Stage("pubdate", "newsgraph.extract.pubdate:extract", ("times",), ("published_guess",),
          ("newsgraph.extract.pubdate", "newsgraph.extract.time_readings", "newsgraph.lexicons.events")),
)


class StageOrderError(RuntimeError):
    """The stage table is inconsistent: a programming error, caught when the table is checked."""


def check_order(stages: Iterable[Stage]) -> None:
    """Every stage runs after the stages that write what it reads; names are unique."""
    written: set[str] = set()
    seen: set[str] = set()
    for stage in stages:
        if stage.name in seen:
            raise StageOrderError(f"stage {stage.name!r} is declared twice")
        seen.add(stage.name)
        missing = set(stage.requires) - written
        if missing:
            raise StageOrderError(f"stage {stage.name!r} reads {sorted(missing)} before any stage writes it")
        written.update(stage.assigns)


def plan(only: Iterable[str] | None = None, stages: tuple[Stage, ...] = STAGES) -> tuple[Stage, ...]:
    """The stages to run, in order, for the chosen ones (all when `only` is None) and what they need."""
    if only is None:
        return stages
    by_name = {s.name: s for s in stages}
    unknown = set(only) - set(by_name)
    if unknown:
        raise ValueError(f"unknown stage(s) {sorted(unknown)}; known: {', '.join(by_name)}")
    writers: dict[str, str] = {}
    for s in stages:
        for part in s.assigns:
            writers.setdefault(part, s.name)
    wanted: set[str] = set()
    todo = list(only) + ["sentences"]
    while todo:
        name = todo.pop()
        if name in wanted:
            continue
        wanted.add(name)
        todo.extend(writers[part] for part in by_name[name].requires)
    return tuple(s for s in stages if s.name in wanted)


def _source(module: str) -> bytes:
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise StageOrderError(f"stage code {module!r} cannot be found")
    return Path(spec.origin).read_bytes()


def _data(path: str) -> bytes:
    return resources.files("newsgraph").joinpath(path).read_bytes()


def _digest(code: Iterable[str], data: Iterable[str]) -> str:
    h = hashlib.sha256()
    for module in code:
        h.update(module.encode() + b"\0" + _source(module) + b"\0")
    for path in data:
        h.update(path.encode() + b"\0" + _data(path) + b"\0")
    return h.hexdigest()


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """The hash of every stage's code and data and of the shared modules (cached: the files do not change in a run)."""
    h = hashlib.sha256()
    h.update(_digest(SHARED_CODE, SHARED_DATA).encode())
    for stage in STAGES:
        h.update(f"{stage.name}:{_digest(stage.code, stage.data)};".encode())
    return h.hexdigest()


def fingerprint(model: str, settings: Iterable[tuple[str, str]] = ()) -> str:
    """What produced a document's rows: stage code and data, the spaCy model, and result-changing settings.

    Stored with each document; a build re-processes a document whose fingerprint differs.
    """
    h = hashlib.sha256(code_fingerprint().encode())
    h.update(model.encode())
    for key, value in sorted(settings):
        h.update(f"\0{key}={value}".encode())
    return "ng1-" + h.hexdigest()[:24]


check_order(STAGES)
