"""Scoring entity mentions and coreference: ECB+ and GUM readers, MUC/B³/CEAF-e, a same-head-lemma baseline.

The parts, usable on their own (the quality gates and `newsgraph eval coref` use them all):
- readers: ``read_ecbplus`` (ECB+ token XML, cross-document chains) and ``read_gum``
  (GUM CoNLL, within-document chains) turn a corpus into ``GoldDocument``s: a text
  built from the tokens (``join_tokens``) and gold mentions as character spans;
- metrics: ``muc``, ``b_cubed``, ``ceaf_e`` and ``conll`` over two partitions (lists
  of clusters of hashable mention ids), following Pradhan et al. (ACL 2014), so that
  mentions present in only one partition ("twinless") are handled;
- ``run_pipeline`` runs the real per-document pipeline (``pipeline.analyze_texts``)
  and then the real corpus step (a temporary store and the entity resolver), so
  cross-document resolution is exactly what a build does;
- ``score_coref`` aligns system mentions to gold mentions by head, gives mention
  recall by form (name, nominal, pronoun) and scores newsgraph's clusters beside a
  same-head-lemma baseline computed on the same mentions.
"""

from __future__ import annotations

import bisect
import csv
import hashlib
import re
import tempfile
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Hashable, Iterable, Sequence

# Stages the entity evaluation runs: mentions, and in-document coreference where present (a name
# absent from the stage list is ignored by `analyze`); coref_speakers brings in quotes, whose speakers
# "I" and "we" stand for. The other stages never change mentions.
STAGES = frozenset({"mentions", "coref", "coref_speakers"})

# ECB+ tag prefixes scored as entities (TIME_* and the ACTION_* events are left out: newsgraph
# handles times and events elsewhere).
ECB_ENTITY_CLASSES = ("HUMAN_PART", "NON_HUMAN_PART", "LOC")
# GUM entity types scored by default: the actors newsgraph is about.
GUM_ENTITY_TYPES = ("person", "organization", "place")

PRONOUNS = frozenset(
    "i me my mine myself we us our ours ourselves you your yours yourself yourselves he him his himself she her hers "
    "herself it its itself they them their theirs themselves who whom whose which that this these those one".split()
)
FORMS = ("name", "nominal", "pronoun")


# --- gold records ----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class GoldMention:
    start: int  # character offsets into GoldDocument.text
    end: int
    cluster: str  # chain id; corpus-wide for ECB+ cross-document chains, prefixed by the document for GUM
    kind: str  # the corpus's own class (HUMAN_PART_PER, LOC_GEO, person, place …)


@dataclass(slots=True)
class GoldDocument:
    id: str  # the corpus's document name ("1_10ecbplus", "GUM_news_afghan")
    text: str
    mentions: list[GoldMention]
    scored: list[tuple[int, int]] | None = None  # character ranges that are scored (None: all of the text)
    topic: str | None = None
    genre: str | None = None

    def in_scored(self, start: int, end: int) -> bool:
        return self.scored is None or any(s <= start and end <= e for s, e in self.scored)


# --- text from tokens --------------------------------------------------------------------------------

_NO_SPACE_BEFORE = {",", ".", ";", ":", "!", "?", "%", ")", "]", "}", "...", "n't", "N'T"}
_NO_SPACE_AFTER = {"(", "[", "{", "$", "#"}
_CLITIC = re.compile(r"^['’](?:s|S|re|RE|ve|VE|ll|LL|d|D|m|M|t)$")
_DOUBLE = {"``": True, "“": True, "''": False, "”": False, '"': None}  # opening, closing, either
_SINGLE = {"‘": True, "’": None, "'": None}


def join_tokens(sentences: Sequence[Sequence[str]], join_hyphens: bool = False) -> tuple[str, list[list[tuple[int, int]]]]:
    """Readable text from tokenized sentences (one per line) and each token's character span in it.

    Punctuation and clitics attach to their word ("Lohan 's" -> "Lohan's", "U . S ." -> "U.S."),
    PTB quotes become '"'. A lone single quote is an apostrophe ("Winners ' Cup") unless the
    sentence pairs it with another. With `join_hyphens` (corpora that split "co-workers" into
    three tokens) a hyphen between two words is closed up.
    """
    parts: list[str] = []
    spans: list[list[tuple[int, int]]] = []
    pos = 0
    for s_i, tokens in enumerate(sentences):
        if s_i:
            parts.append("\n")
            pos += 1
        out: list[tuple[int, int]] = []
        singles = [i for i, t in enumerate(tokens) if t in _SINGLE and not (i + 1 < len(tokens) and tokens[i + 1] in {"s", "S"})]
        paired = len(singles) >= 2 and len(singles) % 2 == 0
        open_double = open_single = False
        glue_next = False
        for i, tok in enumerate(tokens):
            shown = tok
            space = i > 0 and not glue_next
            glue_next = False
            if tok in _DOUBLE:
                opening = _DOUBLE[tok] if _DOUBLE[tok] is not None else not open_double
                open_double = opening
                shown = '"'
                if opening:
                    glue_next = True
                else:
                    space = False
            elif tok in _SINGLE and paired and i in singles:
                opening = _SINGLE[tok] if _SINGLE[tok] is not None else not open_single
                open_single = opening
                if opening:
                    glue_next = True
                else:
                    space = False
            elif tok in _SINGLE:
                space = False  # an apostrophe: "Winners ' Cup", "Lohan ’ s"
                glue_next = i + 1 < len(tokens) and tokens[i + 1] in {"s", "S"}
            elif tok in _NO_SPACE_BEFORE or _CLITIC.match(tok):
                space = False
            elif tok in _NO_SPACE_AFTER:
                glue_next = True
            elif join_hyphens and (tok == "-" or (i and tokens[i - 1] == "-")) and _hyphen_joins(tokens, i):
                space = False
            elif (len(tok) == 1 and tok.isupper() and i >= 2 and tokens[i - 1] == "." and len(tokens[i - 2]) == 1
                  and tokens[i - 2].isupper() and i + 1 < len(tokens) and tokens[i + 1] == "."):
                space = False  # "U . S ." -> "U.S."
            elif i >= 2 and tokens[i - 1] == ":" and tok.isdigit() and tokens[i - 2].isdigit():
                space = False  # "4 : 59" -> "4:59"
            if tok in {"$", "#"} or tok in _NO_SPACE_AFTER:
                glue_next = True
            if space:
                parts.append(" ")
                pos += 1
            out.append((pos, pos + len(shown)))
            parts.append(shown)
            pos += len(shown)
        spans.append(out)
    return "".join(parts), spans


def _hyphen_joins(tokens: Sequence[str], i: int) -> bool:
    """Whether the hyphen at or before token i stands between two words ("co - workers")."""
    k = i if tokens[i] == "-" else i - 1
    return 0 < k < len(tokens) - 1 and tokens[k - 1][-1:].isalnum() and tokens[k + 1][:1].isalnum()


# --- ECB+ ---------------------------------------------------------------------------------------------

def read_ecbplus(
    folder: str | Path, topics: Iterable[int | str] | None = None, classes: Sequence[str] = ECB_ENTITY_CLASSES,
    validated_only: bool = True,
) -> list[GoldDocument]:
    """ECB+ documents (token XML under ``ECB+/<topic>/``) with their entity mentions and chains.

    Chains: a CROSS_DOC_COREF relation names its chain by the instance id in its ``note``
    (shared across documents); an INTRA_DOC_COREF chain is local to its document; a mention
    in no relation is a singleton. With `validated_only` (the corpus's intent) only the
    sentences listed in ``ECBplus_coreference_sentences.csv`` are scored: mentions outside
    them are dropped and ``GoldDocument.scored`` holds those sentences' ranges, while the
    text keeps every sentence so the pipeline reads whole articles. The first "sentence"
    of an ecbplus file, the source URL, is left out of the text.
    """
    root = Path(folder)
    base = root / "ECB+" if (root / "ECB+").is_dir() else root
    if not base.is_dir():
        raise FileNotFoundError(f"no ECB+ folder at {folder}")
    validated: dict[str, set[int]] | None = None
    csv_path = next((p for p in (root / "ECBplus_coreference_sentences.csv", base.parent / "ECBplus_coreference_sentences.csv") if p.is_file()), None)
    if validated_only:
        if csv_path is None:
            raise FileNotFoundError(f"ECBplus_coreference_sentences.csv not found beside {base}")
        validated = defaultdict(set)
        with csv_path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                validated[f"{row['Topic'].strip()}_{row['File'].strip()}"].add(int(row["Sentence Number"]))
    wanted = {str(t) for t in topics} if topics is not None else None
    docs = []
    for topic_dir in sorted((p for p in base.iterdir() if p.is_dir()), key=lambda p: (len(p.name), p.name)):
        if wanted is not None and topic_dir.name not in wanted:
            continue
        for path in sorted(topic_dir.glob("*.xml"), key=lambda p: _natural(p.stem)):
            doc = _read_ecb_file(path, topic_dir.name, classes, None if validated is None else validated.get(path.stem, set()))
            if doc is not None:
                docs.append(doc)
    return docs


def _natural(name: str) -> list:
    return [int(x) if x.isdigit() else x for x in re.split(r"(\d+)", name)]


def _read_ecb_file(path: Path, topic: str, classes: Sequence[str], validated: set[int] | None) -> GoldDocument | None:
    tree = ET.parse(path).getroot()
    by_sentence: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for tok in tree.iter("token"):
        by_sentence[int(tok.get("sentence"))].append((tok.get("t_id"), tok.text or ""))
    numbers = sorted(by_sentence)
    if path.stem.endswith("ecbplus") and numbers and by_sentence[numbers[0]][0][1].lower().startswith("http"):
        numbers = numbers[1:]  # the source URL, not part of the article
    text, spans = join_tokens([[t for _, t in by_sentence[n]] for n in numbers], join_hyphens=True)
    where: dict[str, tuple[int, int, int]] = {}
    for n, sent_spans in zip(numbers, spans):
        for (tid, _), (s, e) in zip(by_sentence[n], sent_spans):
            where[tid] = (n, s, e)
    markables = tree.find("Markables")
    mentions: dict[str, tuple[str, list[str]]] = {}
    for m in markables if markables is not None else ():
        anchors = [a.get("t_id") for a in m.findall("token_anchor")]
        if anchors and m.tag.startswith(tuple(classes)):
            mentions[m.get("m_id")] = (m.tag, anchors)
    chain: dict[str, str] = {}
    relations = tree.find("Relations")
    for rel in relations if relations is not None else ():
        target = rel.find("target")
        if target is None:
            continue
        cid = rel.get("note") if rel.tag == "CROSS_DOC_COREF" and rel.get("note") else f"{path.stem}#{target.get('m_id')}"
        for src in rel.findall("source"):
            if rel.tag == "CROSS_DOC_COREF" or src.get("m_id") not in chain:
                chain[src.get("m_id")] = cid
    gold = []
    for mid, (tag, anchors) in mentions.items():
        places = [where[a] for a in anchors if a in where]
        if not places:
            continue
        if validated is not None and any(p[0] not in validated for p in places):
            continue
        gold.append(GoldMention(min(p[1] for p in places), max(p[2] for p in places), chain.get(mid, f"{path.stem}#m{mid}"), tag))
    gold.sort(key=lambda g: (g.start, g.end))
    scored = None
    if validated is not None:
        scored = []
        for n, sent_spans in zip(numbers, spans):
            if n in validated and sent_spans:
                scored.append((sent_spans[0][0], sent_spans[-1][1]))
    return GoldDocument(path.stem, text, gold, scored, topic=topic, genre="news")


# --- GUM ----------------------------------------------------------------------------------------------

def gum_split(folder: str | Path, split: str) -> list[str]:
    """Document names of an official GUM partition (``splits.md``: dev, test, …)."""
    path = Path(folder) / "splits.md"
    if not path.is_file():
        raise FileNotFoundError(f"no splits.md in {folder}")
    names, current = [], None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            current = line[3:].strip()
        elif current == split and line.strip().startswith("* "):
            names.append(line.strip()[2:].strip())
    if not names:
        raise ValueError(f"no partition {split!r} in {path}")
    return names


def read_gum(
    folder: str | Path, split: str | None = "dev", genres: Iterable[str] | None = None, scheme: str = "gum",
    types: Sequence[str] | None = GUM_ENTITY_TYPES,
) -> list[GoldDocument]:
    """GUM documents in CoNLL coreference format (``<scheme>/conll/*.conll``) with within-document chains.

    `split` names an official partition from ``splits.md`` (None: every file); `genres`
    keeps only those genres ("news", "interview"); `types` keeps mentions of those GUM
    entity types (None: all; the ontogum scheme has no types and keeps all). GUM gives no
    sentence breaks or spacing: the text is the tokens joined as ``join_tokens`` does.
    """
    root = Path(folder)
    conll = root / scheme / "conll"
    if not conll.is_dir():
        raise FileNotFoundError(f"no {scheme}/conll folder in {folder}")
    names = gum_split(root, split) if split else sorted(p.stem for p in conll.glob("*.conll"))
    genre_set = set(genres) if genres else None
    docs = []
    for name in names:
        genre = name.split("_")[1] if name.count("_") >= 2 else None
        if genre_set is not None and genre not in genre_set:
            continue
        path = conll / f"{name}.conll"
        if path.is_file():
            docs.append(_read_gum_file(path, genre, types if scheme == "gum" else None))
    return docs


_BRACKETS = re.compile(r"\(|\)|[^()]+")


def _read_gum_file(path: Path, genre: str | None, types: Sequence[str] | None) -> GoldDocument:
    tokens: list[str] = []
    marks: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) >= 2:
            tokens.append(cols[1])
            marks.append(cols[2] if len(cols) > 2 else "_")
    text, spans = join_tokens([tokens], join_hyphens=True)
    offsets = spans[0]
    gold = []
    open_at: dict[str, list[int]] = defaultdict(list)
    for i, mark in enumerate(marks):
        if mark == "_":
            continue
        pieces = _BRACKETS.findall(mark)
        k = 0
        while k < len(pieces):
            piece = pieces[k]
            if piece == "(":
                label = pieces[k + 1]
                if k + 2 < len(pieces) and pieces[k + 2] == ")":
                    gold.append(_gum_mention(path.stem, label, offsets[i][0], offsets[i][1]))
                    k += 3
                else:
                    open_at[_gum_id(label)].append(i)
                    k += 2
            elif piece == ")":
                k += 1
            else:
                if k + 1 < len(pieces) and pieces[k + 1] == ")" and open_at.get(_gum_id(piece)):
                    start = open_at[_gum_id(piece)].pop()
                    gold.append(_gum_mention(path.stem, piece, offsets[start][0], offsets[i][1]))
                k += 2
    if types is not None:
        gold = [g for g in gold if g.kind in types]
    gold.sort(key=lambda g: (g.start, g.end))
    return GoldDocument(path.stem, text, gold, None, topic=None, genre=genre)


def _gum_id(label: str) -> str:
    parts = label.split("-")
    return parts[1] if len(parts) >= 2 and parts[1].isdigit() else parts[0]


def _gum_mention(doc: str, label: str, start: int, end: int) -> GoldMention:
    parts = label.split("-")
    kind = parts[0] if len(parts) >= 2 and parts[1].isdigit() else "entity"
    return GoldMention(start, end, f"{doc}#{_gum_id(label)}", kind)


# --- metrics (Pradhan et al. 2014) -------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Score:
    recall: float
    precision: float

    @property
    def f1(self) -> float:
        r, p = self.recall, self.precision
        return 0.0 if r + p == 0 else 2 * r * p / (r + p)


Partition = Sequence[Iterable[Hashable]]


def _clusters(partition: Partition) -> list[frozenset]:
    return [frozenset(c) for c in partition if c]


def _muc_side(key: list[frozenset], response: list[frozenset]) -> Fraction:
    where = {m: i for i, c in enumerate(response) for m in c}
    num = den = 0
    for k in key:
        # mentions of k absent from the response each form a partition of their own
        parts = len({where[m] for m in k if m in where}) + sum(1 for m in k if m not in where)
        num += len(k) - parts
        den += len(k) - 1
    return Fraction(num, den) if den else Fraction(0)


def muc(key: Partition, response: Partition) -> Score:
    """MUC (Vilain et al. 1995): links kept; recall over the key's clusters, precision over the response's."""
    k, r = _clusters(key), _clusters(response)
    return Score(float(_muc_side(k, r)), float(_muc_side(r, k)))


def _b3_side(key: list[frozenset], response: list[frozenset]) -> Fraction:
    where = {m: i for i, c in enumerate(response) for m in c}
    total = sum(len(c) for c in key)
    if not total:
        return Fraction(0)
    acc = Fraction(0)
    for k in key:
        overlaps = Counter(where[m] for m in k if m in where)
        acc += Fraction(sum(n * n for n in overlaps.values()), len(k))
    return acc / total


def b_cubed(key: Partition, response: Partition) -> Score:
    """B³ (Bagga & Baldwin 1998) per mention, over every mention of the key (recall) or response (precision)."""
    k, r = _clusters(key), _clusters(response)
    return Score(float(_b3_side(k, r)), float(_b3_side(r, k)))


def ceaf_e(key: Partition, response: Partition) -> Score:
    """Entity-based CEAF (Luo 2005): the best one-to-one alignment of clusters under phi4 = 2|K∩R|/(|K|+|R|)."""
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    k, r = _clusters(key), _clusters(response)
    if not k or not r:
        return Score(0.0, 0.0)
    where = defaultdict(list)
    for j, c in enumerate(r):
        for m in c:
            where[m].append(j)
    sim = np.zeros((len(k), len(r)))
    for i, c in enumerate(k):
        overlaps = Counter(j for m in c for j in where.get(m, ()))
        for j, n in overlaps.items():
            sim[i, j] = 2 * n / (len(c) + len(r[j]))
    rows, cols = linear_sum_assignment(sim, maximize=True)
    total = float(sim[rows, cols].sum())
    return Score(total / len(k), total / len(r))


@dataclass(frozen=True, slots=True)
class CorefScores:
    muc: Score
    b_cubed: Score
    ceaf_e: Score

    @property
    def conll(self) -> float:
        """The CoNLL-2012 figure: the mean of the MUC, B³ and CEAF-e F1."""
        return (self.muc.f1 + self.b_cubed.f1 + self.ceaf_e.f1) / 3


def conll(key: Partition, response: Partition) -> CorefScores:
    return CorefScores(muc(key, response), b_cubed(key, response), ceaf_e(key, response))


# --- running the real pipeline ----------------------------------------------------------------------

class CachedPipeline:
    """A stand-in for a spaCy pipeline whose ``pipe`` keeps parses on disk (DocBin per text) and remembers them.

    Evaluations reparse the same corpora many times while rules change; the parse does not
    change, so ``analyze_texts`` gets it from the cache. ``docs`` holds every Doc handed out,
    in order, so a caller can look at the parse the pipeline saw.
    """

    def __init__(self, nlp, cache: str | Path | None = None):
        self.nlp = nlp
        self.vocab = nlp.vocab
        self.cache = Path(cache) if cache else None
        if self.cache:
            self.cache.mkdir(parents=True, exist_ok=True)
        self.docs: dict[str, object] = {}  # text -> the Doc handed out for it
        self.max_length = nlp.max_length  # read by the pipeline when it cuts long texts into pieces
        meta = getattr(nlp, "meta", {}) or {}
        self._tag = f"{meta.get('name')}-{meta.get('version')}-{'/'.join(getattr(nlp, 'pipe_names', []))}"

    def _path(self, text: str) -> Path | None:
        if not self.cache:
            return None
        return self.cache / (hashlib.sha256(f"{self._tag}\0{text}".encode()).hexdigest()[:32] + ".spacy")

    def pipe(self, texts: Iterable[str], **kwargs):
        from spacy.tokens import DocBin

        texts = list(texts)
        found: dict[int, object] = {}
        missing = []
        for i, t in enumerate(texts):
            p = self._path(t)
            if p is not None and p.is_file():
                found[i] = next(iter(DocBin().from_bytes(p.read_bytes()).get_docs(self.vocab)))
            else:
                missing.append(i)
        for i, doc in zip(missing, self.nlp.pipe((texts[i] for i in missing), batch_size=kwargs.get("batch_size", 32))):
            found[i] = doc
            p = self._path(texts[i])
            if p is not None:
                bin_ = DocBin(store_user_data=False)
                bin_.add(doc)
                p.write_bytes(bin_.to_bytes())
        for i in range(len(texts)):
            self.docs[texts[i]] = found[i]
            yield found[i]

    def __call__(self, text: str):
        return next(iter(self.pipe([text])))

    def __getattr__(self, name: str):
        return getattr(self.nlp, name)  # max_length, pipe_names … of the real pipeline


@dataclass
class Parsed:
    """One gold document as the pipeline saw it: the analysis, the parse of its canonical text, the offset map."""

    gold: GoldDocument
    analysis: object  # DocumentAnalysis
    doc: object  # spaCy Doc of norm.text
    norm: object  # Normalized
    entities: list[str | None] = field(default_factory=list)  # entity id of each mention after resolution
    entity_types: dict[str, str] = field(default_factory=dict)  # entity id -> person, organization, country …

    def canonical(self, start: int, end: int) -> tuple[int, int]:
        """Canonical character span for an original one (the inverse of Normalized.to_original)."""
        starts, ends = self.norm.starts, self.norm.ends
        s = bisect.bisect_left(ends, start + 1)
        e = bisect.bisect_left(starts, end)
        return s, max(s, e)

    def span(self, start: int, end: int):
        """The parse's tokens covering an original character span."""
        s, e = self.canonical(start, end)
        return self.doc.char_span(s, e, alignment_mode="expand")


def run_pipeline(docs: Sequence[GoldDocument], nlp=None, cache: str | Path | None = None, resolve: bool = True) -> list[Parsed]:
    """The real per-document pipeline on every text, then (with `resolve`) the real entity resolution.

    Per-document work is ``pipeline.analyze_texts``; the corpus step writes every analysis into a
    temporary store and runs the resolver on it, as a build does, so each mention gets the entity
    a build would give it.
    """
    from newsgraph.pipeline import analyze_texts
    from newsgraph.lexicons.places import known_words
    from newsgraph.nlp import load_pipeline
    from newsgraph.normalize import normalize

    from newsgraph.extract.stages import STAGES as DECLARED

    cached = CachedPipeline(nlp or load_pipeline(), cache)
    texts = [d.text for d in docs]
    only = STAGES & {s.name for s in DECLARED}
    analyses = list(analyze_texts(texts, cached, only=only, path=[d.id for d in docs]))
    out = []
    for g, a in zip(docs, analyses):
        norm = normalize(g.text, known_words())
        doc = cached.docs.get(norm.text) or cached(norm.text)  # a text parsed in pieces: its whole parse, for forms
        out.append(Parsed(g, a, doc, norm))
    if resolve:
        resolve_entities(out)
    return out


def resolve_entities(parsed: Sequence[Parsed]) -> None:
    """Fill ``Parsed.entities`` by writing the analyses into a temporary store and resolving entities there."""
    from newsgraph.resolve import entities
    from newsgraph.store import entities as entity_store
    from newsgraph.store.sqlite import open_store

    with tempfile.TemporaryDirectory(prefix="newsgraph-eval-") as tmp:
        store = open_store(Path(tmp) / "eval.db")
        try:
            written: dict[str, Parsed] = {}
            for p in parsed:
                if p.analysis.article.id in written:
                    continue  # the same text twice: one document in a build too
                store.write_document(p.analysis, "eval")
                written[p.analysis.article.id] = p
            with store.transaction():
                entities.resolve(store)
            by_doc: dict[str, dict[int, str]] = defaultdict(dict)
            for doc, idx, entity in entity_store.mention_entities(store):
                by_doc[doc][idx] = entity
            types = entity_store.entity_types(store)
        finally:
            store.close()
    for p in parsed:
        found = by_doc.get(p.analysis.article.id, {})
        p.entities = [found.get(i) for i in range(len(p.analysis.mentions))]
        p.entity_types = types


# --- alignment and forms ------------------------------------------------------------------------------

def head_token(span):
    """The syntactic head of a span; through a leading preposition to its object ("in Cumbria" -> Cumbria)."""
    if span is None or len(span) == 0:
        return None
    head = span.root
    while head.pos_ == "ADP":
        objs = [c for c in head.children if c.dep_ in {"pobj", "pcomp"} and span.start <= c.i < span.end]
        if not objs:
            break
        head = objs[0]
    return head


def form_of(span, ordinary: frozenset[str] | set[str] = frozenset()) -> str:
    """name | nominal | pronoun for a mention's tokens: a pronoun head, a proper-noun head, else nominal.

    `ordinary` holds words that a heading capitalises but the text writes in lower case ("Checks
    Into Malibu Rehab"): a head among them is a nominal whatever its tag.
    """
    head = head_token(span)
    if head is None:
        return "nominal"
    if head.pos_ == "PRON" or head.lower_ in PRONOUNS and len(span) == 1:
        return "pronoun"
    if (head.pos_ == "PROPN" or head.tag_ in {"NNP", "NNPS"}) and head.i not in ordinary:
        return "name"
    return "nominal"


def _ordinary_heading_words(doc) -> set[int]:
    """Token indices of capitalised words in heading lines that the body writes in lower case."""
    from newsgraph.extract.mentions import _headings

    h = _headings(doc)
    lower = {t.lower_ for t in doc if t.is_lower and t.i not in h.lines}
    return {i for i in h.lines if doc[i].lower_ in lower and doc[i].text not in h.capitalised}


def system_mentions(p: "Parsed") -> list:
    """The pipeline's mentions of one document: entity mentions, then the mentions of chains no name heads."""
    return list(p.analysis.mentions) + list(getattr(p.analysis, "local_mentions", None) or [])


def without_local(parsed: Sequence["Parsed"]) -> list["Parsed"]:
    """The same documents scored on entity mentions only, as before chains no name heads were kept
    (cross-document resolution compared with earlier figures on the same kind of mentions)."""
    from dataclasses import replace

    return [replace(p, analysis=replace(p.analysis, local_mentions=[])) for p in parsed]


def system_entities(p: "Parsed") -> list[Hashable]:
    """The chain of each of ``system_mentions(p)``: its entity (or its own index when not resolved), and for a
    local mention its document-local chain."""
    n = len(p.analysis.mentions)
    named = list(p.entities) if p.entities else [f"{p.gold.id}#{i}" for i in range(n)]
    return named + [f"{p.gold.id}#local{m.chain}" for m in getattr(p.analysis, "local_mentions", None) or []]


def mention_form(mention) -> str:
    """The form of a system mention: its own `form` field when the pipeline sets one, else a name."""
    return getattr(mention, "form", None) or "name"


@dataclass(slots=True)
class Aligned:
    """One gold mention of a parsed document, with its form, head lemma and the system mention found for it."""

    doc: str
    index: int  # position in GoldDocument.mentions
    gold: GoldMention
    form: str
    lemma: str
    system: int | None  # index into system_mentions(parsed): analysis.mentions, then analysis.local_mentions


def align(p: Parsed) -> list[Aligned]:
    """Gold mentions (inside the scored ranges) matched one-to-one to system mentions by head.

    A system mention matches a gold mention when it covers the gold mention's head token and
    lies inside the gold span's sentence-level neighbourhood (it overlaps the gold span); when
    several gold mentions compete for one system mention, the one it overlaps most wins.
    """
    text = p.gold.text
    mentions = system_mentions(p)
    ordinary = _ordinary_heading_words(p.doc)
    rows: list[Aligned] = []
    heads: list[tuple[int, int] | None] = []
    for k, g in enumerate(p.gold.mentions):
        if not p.gold.in_scored(g.start, g.end):
            continue
        span = p.span(g.start, g.end)
        head = head_token(span)
        if head is not None:
            hs, he = p.norm.to_original(head.idx, head.idx + len(head.text))
            lemma = (head.lemma_ or head.text).lower()
        else:
            hs, he, lemma = g.start, g.end, text[g.start:g.end].lower()
        rows.append(Aligned(p.gold.id, k, g, form_of(span, ordinary) if span is not None else "nominal", lemma, None))
        heads.append((hs, he))
    best: dict[int, tuple[float, int]] = {}
    for r, (row, (hs, he)) in enumerate(zip(rows, heads)):
        for j, m in enumerate(mentions):
            if m.start <= hs and he <= m.end and m.start < row.gold.end and row.gold.start < m.end:
                overlap = min(m.end, row.gold.end) - max(m.start, row.gold.start)
                union = max(m.end, row.gold.end) - min(m.start, row.gold.start)
                score = overlap / union
                if j not in best or score > best[j][0]:
                    best[j] = (score, r)
    taken = {}
    for j, (score, r) in sorted(best.items(), key=lambda kv: -kv[1][0]):
        if rows[r].system is None:
            rows[r].system = j
            taken[j] = r
    return rows


# --- a pronoun baseline -----------------------------------------------------------------------------

_BASELINE_PRONOUNS = {
    **{w: frozenset({"PERSON"}) for w in "he him his himself she her hers herself".split()},
    **{w: frozenset({"ORG", "GPE", "GAZ", "LOC", "FAC", "NORP"}) for w in "it its itself they them their theirs themselves".split()},
}


def nearest_name_baseline(parsed: Sequence[Parsed]) -> list[Parsed]:
    """The same documents with the pipeline's names only, plus every third-person pronoun linked to the
    nearest name before it whose NER label fits (he/she: a person; it/they: anything else); resolved again.

    The obvious rule a coreference stage has to beat, scored on the same parse and the same names.
    """
    from dataclasses import replace

    from newsgraph.model import Mention

    out = []
    for p in parsed:
        names = [m for m in p.analysis.mentions if mention_form(m) == "name"]
        index = {id(m): k for k, m in enumerate(names)}
        remap = {k: index.get(id(m)) for k, m in enumerate(p.analysis.mentions)}
        names = [replace(m, refers_to=remap.get(m.refers_to) if m.refers_to is not None else None) for m in names]
        added = []
        for tok in p.doc:
            labels = _BASELINE_PRONOUNS.get(tok.lower_)
            if labels is None or tok.tag_ not in {"PRP", "PRP$"}:
                continue
            start, end = p.norm.to_original(tok.idx, tok.idx + len(tok.text))
            before = [k for k, m in enumerate(names) if m.end <= start and m.label in labels]
            if before:
                k = max(before, key=lambda j: names[j].start)
                added.append(Mention(start=start, end=end, text=p.gold.text[start:end], label="PRON", name=tok.text,
                                     key=tok.lower_, sentence=names[k].sentence, kind="pronoun", refers_to=k,
                                     link_reason="baseline: nearest name", form="pronoun"))
        analysis = replace(p.analysis, mentions=names + added, local_mentions=[])
        out.append(Parsed(p.gold, analysis, p.doc, p.norm))
    resolve_entities(out)
    return out


# --- the whole coreference evaluation -----------------------------------------------------------------

@dataclass
class CorefReport:
    documents: int
    scope: str  # cross | within
    recall_by_form: dict[str, tuple[int, int]]  # form -> (found, gold)
    recall_by_kind: dict[str, tuple[int, int]]
    found: dict[str, CorefScores]  # system name -> scores on the gold mentions the pipeline found
    all_gold: dict[str, CorefScores]  # system name -> scores on every gold mention (missed ones as singletons)
    mentions_found: int
    mentions_gold: int
    errors: dict[str, list[str]] = field(default_factory=dict)
    # form -> (right links, links made, gold mentions with an earlier mention of their chain); a link is a found
    # mention whose system chain holds an earlier found mention, right when the nearest such one is of its gold chain
    links_by_form: dict[str, tuple[int, int, int]] = field(default_factory=dict)


def _partition(items: Iterable[tuple[Hashable, Hashable]]) -> list[set]:
    groups: dict[Hashable, set] = defaultdict(set)
    for mention, cluster in items:
        groups[cluster].add(mention)
    return list(groups.values())


def score_coref(parsed: Sequence[Parsed], scope: str = "cross", errors: int = 0) -> CorefReport:
    """Mention recall by form, and newsgraph's clusters beside the same-head-lemma baseline on the same mentions.

    `scope` "cross" keeps chains across documents (ECB+); "within" splits every chain by
    document (GUM, or ECB+ read one document at a time). The baseline puts together every
    mention whose head has the same lemma (within the scope).
    """
    aligned: list[Aligned] = [a for p in parsed for a in align(p)]
    entity_of = {}
    for p in parsed:
        chains = system_entities(p)
        for a in (x for x in aligned if x.doc == p.gold.id):
            if a.system is not None:
                entity_of[(a.doc, a.index)] = chains[a.system]

    def scoped(doc: str, cluster: Hashable) -> Hashable:
        return (doc, cluster) if scope == "within" else cluster

    def key_of(rows):
        return _partition(((a.doc, a.index), scoped(a.doc, a.gold.cluster)) for a in rows)

    def system_of(rows):
        return _partition(((a.doc, a.index), scoped(a.doc, entity_of.get((a.doc, a.index), ("missed", a.doc, a.index)))) for a in rows)

    def lemma_of(rows):
        return _partition(((a.doc, a.index), scoped(a.doc, ("lemma", a.lemma))) for a in rows)

    found_rows = [a for a in aligned if a.system is not None]
    by_form: dict[str, list[int]] = {f: [0, 0] for f in FORMS}
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for a in aligned:
        by_form.setdefault(a.form, [0, 0])
        by_form[a.form][1] += 1
        by_kind[a.gold.kind][1] += 1
        if a.system is not None:
            by_form[a.form][0] += 1
            by_kind[a.gold.kind][0] += 1
    report = CorefReport(
        documents=len(parsed),
        scope=scope,
        recall_by_form={f: tuple(v) for f, v in by_form.items()},
        recall_by_kind={k: tuple(v) for k, v in sorted(by_kind.items())},
        found={"newsgraph": conll(key_of(found_rows), system_of(found_rows)),
               "same head lemma": conll(key_of(found_rows), lemma_of(found_rows))},
        all_gold={"newsgraph": conll(key_of(aligned), system_of(aligned)),
                  "same head lemma": conll(key_of(aligned), lemma_of(aligned))},
        mentions_found=len(found_rows),
        mentions_gold=len(aligned),
    )
    report.links_by_form = link_scores(aligned, entity_of)
    if errors:
        report.errors = _errors(parsed, aligned, entity_of, errors)
    return report


def link_scores(aligned: list[Aligned], entity_of: dict) -> dict[str, tuple[int, int, int]]:
    """Per gold form: (right links, links made, anaphoric gold mentions): how precise each form's links are."""
    out: dict[str, list[int]] = {f: [0, 0, 0] for f in FORMS}
    by_doc: dict[str, list[Aligned]] = defaultdict(list)
    for a in aligned:
        by_doc[a.doc].append(a)
    for rows in by_doc.values():
        rows.sort(key=lambda a: (a.gold.start, a.gold.end))
        seen_cluster: set = set()
        last_of_entity: dict = {}
        for a in rows:
            counts = out.setdefault(a.form, [0, 0, 0])
            if a.gold.cluster in seen_cluster:
                counts[2] += 1
            seen_cluster.add(a.gold.cluster)
            if a.system is None:
                continue
            entity = entity_of[(a.doc, a.index)]
            before = last_of_entity.get(entity)
            if before is not None:
                counts[1] += 1
                counts[0] += before.gold.cluster == a.gold.cluster
            last_of_entity[entity] = a
    return {f: tuple(v) for f, v in out.items()}


def _errors(parsed: Sequence[Parsed], aligned: list[Aligned], entity_of: dict, limit: int) -> dict[str, list[str]]:
    """Examples of what went wrong: named mentions missed, gold chains split, entities that join chains."""
    texts = {p.gold.id: p.gold.text for p in parsed}

    def show(a: Aligned) -> str:
        return f"{texts[a.doc][a.gold.start:a.gold.end]!r} ({a.doc})"

    missed = [f"{show(a)} [{a.gold.kind}]" for a in aligned if a.system is None and a.form == "name"]
    chains: dict[str, list[Aligned]] = defaultdict(list)
    ents: dict[str, list[Aligned]] = defaultdict(list)
    for a in aligned:
        if a.system is not None:
            chains[a.gold.cluster].append(a)
            ents[entity_of[(a.doc, a.index)]].append(a)
    split = []
    for cid, rows in sorted(chains.items(), key=lambda kv: -len(kv[1])):
        groups = defaultdict(list)
        for a in rows:
            groups[entity_of[(a.doc, a.index)]].append(texts[a.doc][a.gold.start:a.gold.end])
        if len(groups) > 1:
            split.append(f"{cid}: " + " | ".join(f"{e}: {sorted(set(v))[:4]}" for e, v in groups.items()))
    joined = []
    for eid, rows in sorted(ents.items(), key=lambda kv: -len(kv[1])):
        groups = defaultdict(list)
        for a in rows:
            groups[a.gold.cluster].append(texts[a.doc][a.gold.start:a.gold.end])
        if len(groups) > 1:
            joined.append(f"{eid}: " + " | ".join(f"{sorted(set(v))[:3]}" for v in list(groups.values())[:6]))
    return {"missed names": missed[:limit], "chains split": split[:limit], "chains joined": joined[:limit]}


def format_report(report: CorefReport, title: str) -> str:
    """The report as text: recall by form, then each system's MUC, B³, CEAF-e and CoNLL F1 side by side."""
    lines = [f"{title}: {report.documents} documents, {report.scope}-document chains"]
    lines.append("mention recall by form (gold mentions the pipeline found):")
    for form, (found, total) in report.recall_by_form.items():
        lines.append(f"  {form:<8} {_pct(found, total):>6}  ({found}/{total})")
    if report.links_by_form:
        lines.append("links by form (right/made = precision; right/anaphoric gold = link recall):")
        for form, (right, made, anaphoric) in report.links_by_form.items():
            lines.append(f"  {form:<8} precision {_pct(right, made):>6} ({right}/{made})  recall {_pct(right, anaphoric):>6} ({right}/{anaphoric})")
    lines.append("mention recall by gold class:")
    for kind, (found, total) in report.recall_by_kind.items():
        lines.append(f"  {kind:<24} {_pct(found, total):>6}  ({found}/{total})")
    for label, table in (
        (f"on the {report.mentions_found} gold mentions newsgraph found", report.found),
        (f"on all {report.mentions_gold} gold mentions (a missed mention is a singleton)", report.all_gold),
    ):
        lines.append(f"chains {label}:")
        lines.append(f"  {'system':<16} {'MUC R/P/F1':>18} {'B3 R/P/F1':>18} {'CEAF-e R/P/F1':>18} {'CoNLL F1':>9}")
        for name, s in table.items():
            cells = [f"{100 * x.recall:5.1f} {100 * x.precision:5.1f} {100 * x.f1:5.1f}" for x in (s.muc, s.b_cubed, s.ceaf_e)]
            lines.append(f"  {name:<16} {cells[0]:>18} {cells[1]:>18} {cells[2]:>18} {100 * s.conll:9.1f}")
    for name, rows in report.errors.items():
        lines.append(f"{name}:")
        lines.extend(f"  {r}" for r in rows)
    return "\n".join(lines)


def _pct(n: int, d: int) -> str:
    return f"{100 * n / d:.1f}%" if d else "-"
