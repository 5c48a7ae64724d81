"""The records newsgraph passes between stages.

Every record that points into an article carries ``start``/``end`` offsets into
``Article.text`` *exactly as read*, so ``article.text[start:end] == record.text``
holds everywhere (the provenance rule). Records produced for one document refer
to each other by their index in that document's lists (``mention=3`` is
``DocumentAnalysis.mentions[3]``); the store turns those into row ids, and the
corpus-level resolver turns mentions into entities.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Article:
    """One input document: its text as read plus whatever metadata came with it."""

    id: str  # stable content hash of `text`
    text: str
    path: str  # the input's path as read ("-" for stdin, "file.jsonl#3" for a JSON line); a build stores it by ``ingest.stored_path``
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: str | None = None  # ISO date from metadata
    author: str | None = None
    language: str | None = None
    encoding: str = "utf-8"
    format: str = "text"  # text | html | json
    notes: tuple[str, ...] = ()  # non-fatal remarks ("decoded as cp1252")

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def read_from_file(path: str) -> bool:
    """Whether an input path names a file or a record of one ("f.jsonl#3"): not stdin ("-", "-#<hash>"), not a URL."""
    return path != "-" and not path.startswith(("-#", "http://", "https://"))


@dataclass(frozen=True, slots=True)
class Skipped:
    """An input that did not become an article, with a one-line reason for the user."""

    path: str
    code: str  # short machine-readable reason: empty, binary, too-large, encoding, language, unreadable, duplicate, json, no-text
    reason: str


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int


@dataclass(slots=True)
class Mention:
    """A name (or seat of government, or demonym), or a pronoun or description linked to one, standing for an actor in one document."""

    start: int
    end: int
    text: str  # == article.text[start:end]
    label: str  # spaCy NER label, or GAZ for a gazetteer match
    name: str  # cleaned surface form: titles, "the" and possessives stripped, spacing repaired
    key: str  # folded `name` (lowercase, no diacritics): the resolver's matching key
    sentence: int  # index into DocumentAnalysis.sentences
    kind: str = "name"  # name | seat | demonym | acronym
    place: str | None = None  # gazetteer id when the mention is a known country/state ("RU")
    refers_to: int | None = None  # index of the mention this one stands for in the same document
    link_reason: str | None = None  # why refers_to/place was set
    role: str | None = None  # title stripped from the name ("Foreign Minister")
    form: str = "name"  # name | nominal ("the president") | pronoun ("he"); non-names always carry refers_to


@dataclass(frozen=True, slots=True)
class LocalMention:
    """A description or pronoun in a chain that no name heads ("my father … he", "the company … it", the
    writer's "I … my"): an actor of one document only. Kept apart from ``Mention`` on purpose: it never
    becomes an entity, a graph node, a cross-document merge or a label-matrix row."""

    start: int
    end: int
    text: str  # == article.text[start:end]
    sentence: int
    form: str  # nominal | pronoun
    chain: int  # the chain's number in its document (0, 1, … in order of first mention)
    reason: str  # why it belongs to the chain


@dataclass(frozen=True, slots=True)
class Amount:
    start: int
    end: int
    text: str
    value: float | None
    unit: str  # ISO currency (USD, RUB …), or a unit noun (ton, bomber, seat), or "%"
    kind: str  # money | quantity | percent
    sentence: int


@dataclass(frozen=True, slots=True)
class TimeExpr:
    start: int
    end: int
    text: str
    value: str | None  # ISO date, month (2019-01), year (2019), or range "2019-01-01/2019-01-31"
    granularity: str  # day | week | month | year | range | unknown
    anchor: str | None  # what a relative expression was resolved against
    sentence: int
    type: str | None = None  # TimeML type: DATE | TIME | DURATION | SET
    timex: str | None = None  # TIMEX3 value as TimeML writes it: 2008-Q1, P5Y, PXD, XXXX-WXX-1, PRESENT_REF, 19 …


# The roles facing an event's subject: the other side of an edge, an actor's "done to" list, the export's object.
OTHER_SIDE_ROLES = ("object", "recipient", "destination", "addressee")
# The roles that join an actor to an event on the network, its pages and its ranking: the subject, the other side, and
# the origin (where support came from: "help from Moscow").
EDGE_ROLES = ("subject",) + OTHER_SIDE_ROLES + ("origin",)
# The other-side roles an edge draws as its object (the place sent to, the one spoken to); a recipient keeps its own.
OBJECT_LIKE_ROLES = ("destination", "addressee")


@dataclass(frozen=True, slots=True)
class Participant:
    role: str  # subject | object | recipient | origin | destination | location | addressee | source | other
    start: int
    end: int
    text: str
    mention: int | None = None  # the mention standing for it (a pronoun points at its antecedent)


@dataclass(slots=True)
class Event:
    start: int  # the trigger span
    end: int
    trigger: str
    predicate: str  # lemma of the trigger
    type: str  # ontology type (FINANCE, MEET, … OTHER)
    sentence: int
    participants: list[Participant] = field(default_factory=list)
    amounts: list[int] = field(default_factory=list)  # indices into DocumentAnalysis.amounts
    time: int | None = None  # index into DocumentAnalysis.times
    source: Participant | None = None  # the cited source ("according to Reuters")
    negated: bool = False
    modality: str = "asserted"  # asserted | reported | planned | hypothetical | threatened


@dataclass(frozen=True, slots=True)
class Quote:
    start: int
    end: int
    text: str
    kind: str  # direct (all in marks) | partial (a clause with quoted words) | indirect
    cue: str | None
    speaker: Participant | None  # the source as written; its mention is the person it names or stands for
    sentence: int
    attribution: str = "speech"  # speech | belief | claim | denial | endorsement | report
    source_start: int | None = None  # the source as written ("a Coca-Cola spokesman", "he"), original offsets
    source_end: int | None = None
    source_text: str | None = None
    cue_start: int | None = None
    cue_end: int | None = None
    parts: tuple[tuple[int, int], ...] = ()  # the pieces of a quote joined across its attribution or paragraphs
    affiliation: int | None = None  # mention of whom a nominal source speaks for (Coca-Cola for its spokesman)


@dataclass(frozen=True, slots=True)
class Descriptor:
    start: int
    end: int
    text: str
    head: str
    mention: int  # the mention of the labelled actor
    polarity: str  # derogatory | neutral | honorific
    voice: str  # outlet | quoted
    speaker: Participant | None
    sentence: int


@dataclass(frozen=True, slots=True)
class Technique:
    start: int
    end: int
    text: str
    technique: str
    engine: str  # rules | model
    score: float
    target: int | None  # index of the mention the technique is aimed at
    sentence: int


@dataclass(slots=True)
class DocumentAnalysis:
    """Everything the per-document stage learns from one article: a pure function of it."""

    article: Article
    sentences: list[Sentence] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    amounts: list[Amount] = field(default_factory=list)
    times: list[TimeExpr] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    descriptors: list[Descriptor] = field(default_factory=list)
    techniques: list[Technique] = field(default_factory=list)
    local_mentions: list[LocalMention] = field(default_factory=list)  # chains no name heads (extract/coref.py)
    published_guess: str | None = None  # inferred publication date when metadata had none
    words: int = 0


@dataclass(frozen=True, slots=True)
class Entity:
    """An actor resolved across the whole corpus."""

    id: str
    name: str
    type: str  # person | organization | country | place | other
    aliases: tuple[str, ...]
    roles: tuple[str, ...]
    documents: tuple[str, ...]
    mentions: int
