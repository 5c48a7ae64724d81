"""Scoring quotes and attributions on brat standoff files in the PolNeAR layout.

Layout read (``FOLDER`` is the corpus root, or one split folder):
``<split>/text/<name>.txt`` and ``<split>/attributions/<name>_<annotator>.ann``,
with ``metadata.tsv`` (columns ``compartment``, ``filename``, ``annotators``) at
the root. An article annotated by several people is scored once, with the first
annotator that ``metadata.tsv`` lists for it whose file exists (without a
metadata file: the first file in name order).

Gold: every ``Attribution`` event with its Content (possibly discontinuous),
Source and Cue spans. Its *kind* comes from the quote marks of its content:
``direct`` when every piece opens and closes with a double mark, ``partial``
when some mark stands in it, ``indirect`` when none does. A source's *form* is
``pronoun`` (he or she), ``other`` (I, we, they, it, who, which: scored
by span only, their referent being the quote's speaker, the author or a group), ``name`` (its last word is capitalised: "Pat
Caddell", "the New York Times") or ``nominal`` ("a Coca-Cola spokesman",
"officials").

Scores:
- content P/R/F1 with one-to-one matching, once when any character overlaps
  and once when the shared words are at least half of the gold content's words
  and half of the predicted quote's words;
- recall by gold kind, and F1 of direct quotes alone (gold ``direct`` against
  predicted ``direct``);
- over matched pairs: source accuracy by gold form and cue accuracy. A named or
  nominal source is right when the predicted source span overlaps the gold one,
  or the predicted speaker's resolved name shares its last word with it. A cue
  is right when the spans overlap.

Pronoun sources (he, she, his, her) are scored three ways, because PolNeAR
annotates the pronoun alone: its guidelines forbid resolving coreference in a
source span, and the files carry no entity ids or links between sources.
- ``span``: the predicted source covers the annotated pronoun. Faithful to the
  annotation, but says nothing about whom the pronoun means.
- ``proxy`` (``source_accuracy.pronoun``, the figure reported before): the
  predicted speaker shares a word with the nearest earlier gold source of name
  form. That source is often somebody else (the other speaker of a dialogue, a
  newspaper, a woman before "he"): on the hand-checked sample below it names
  another person for 25 of the 128 gold attributions by the name rule below
  (``proxy_agrees``; 20 of the 120 drawn pronouns by a reading of each), so
  it both rewards and penalises wrongly.
- ``checked``: on a hand-checked random sample of the dev split
  (``data/polnear_dev_pronouns.tsv``, 120 of the 323 dev pronoun sources, each
  antecedent read from the text by a person), the predicted source covers the
  pronoun and its resolved name agrees with the antecedent read by hand (one
  name's words, titles aside, contain the other's: "Trump" agrees with
  "Donald Trump", "Bill Clinton" does not agree with "Hillary Clinton").
Baselines on the same texts: every double-quoted span (no speaker), and speech
verbs only (each sentence with a form of say/tell/according as one content,
its subject the words right before the verb).
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from newsgraph.model import DocumentAnalysis, Quote

STAGES = frozenset({"mentions", "quotes"})
CHECKED_PRONOUNS = Path(__file__).parent / "data" / "polnear_dev_pronouns.tsv"
_DOUBLE_MARKS = '"\u201c\u201d\u201e\u00ab\u00bb'
_OPEN_MARKS = '"\u201c\u201e\u00ab\u2018'
_CLOSE_MARKS = '"\u201d\u00bb\u2019'
_PRONOUNS = frozenset(
    "he she they it i we you him her them us me his hers their its our who which that whose whom self one someone somebody".split()
)
_THIRD_PERSON = frozenset("he she him her his hers".split())
_WORD = re.compile(r"\w+")
KINDS = ("direct", "partial", "indirect")
FORMS = ("name", "nominal", "pronoun", "other")


@dataclass
class GoldAttribution:
    content: list[tuple[int, int]]
    source: list[tuple[int, int]] = field(default_factory=list)
    cue: list[tuple[int, int]] = field(default_factory=list)
    content_text: str = ""
    source_text: str = ""
    kind: str = "indirect"
    form: str | None = None  # of the source; None when there is none
    antecedent: str | None = None  # for a pronoun source: the nearest earlier named source (the proxy)
    checked: str | None = None  # for a pronoun source in the hand-checked sample: whom it stands for


@dataclass
class GoldArticle:
    name: str
    path: Path
    text: str
    annotator: str
    attributions: list[GoldAttribution]


# --- reading -----------------------------------------------------------------------------------


def _spans(field_: str) -> list[tuple[int, int]]:
    out = []
    for piece in field_.split(";"):
        a, b = piece.split()
        out.append((int(a), int(b)))
    return out


def _doubled(text: str) -> str:
    return text.replace("``", '"').replace("''", '"')


def kind_of(content: str, pieces: list[str] | None = None) -> str:
    """direct | partial | indirect, from the quote marks of the content (see the module docstring); two apostrophes
    or backquotes are one double mark, as the New York Times writes them."""
    pieces = [_doubled(p) for p in pieces or [content]]
    content = _doubled(content)
    if not any(ch in _DOUBLE_MARKS for ch in content) and "\u2018" not in content:
        return "indirect"
    full = True
    for p in pieces:
        p = p.strip().rstrip(".,;:!?—– ")
        if not p or p[0] not in _OPEN_MARKS or p[-1] not in _CLOSE_MARKS:
            if not (p and p[0] in _OPEN_MARKS and p.rstrip(".,;:!?").endswith(tuple(_CLOSE_MARKS))):
                full = False
    return "direct" if full else "partial"


def form_of(source: str) -> str:
    """name | nominal | pronoun | other for a source's words."""
    words = _WORD.findall(source)
    if not words:
        return "nominal"
    if all(w.lower() in _PRONOUNS for w in words):
        return "pronoun" if all(w.lower() in _THIRD_PERSON for w in words) else "other"
    last = re.sub(r"(?:'s|\u2019s)$", "", re.sub(r"\([^)]*\)", "", source).strip().rstrip(".,;: ")).split()
    head = last[-1] if last else words[-1]
    return "name" if head[:1].isupper() else "nominal"


def parse_ann(text: str, ann: str) -> list[GoldAttribution]:
    spans: dict[str, tuple[str, list[tuple[int, int]]]] = {}
    events = []
    for line in ann.splitlines():
        if line.startswith("T"):
            parts = line.split("\t")
            if len(parts) < 2:
                continue
            label, _, where = parts[1].partition(" ")
            try:
                spans[parts[0]] = (label, _spans(where))
            except ValueError:
                continue
        elif line.startswith("E"):
            parts = line.split("\t")
            if len(parts) >= 2:
                events.append(dict(arg.split(":", 1) for arg in parts[1].split() if ":" in arg))
    out = []
    for ev in events:
        content = spans.get(ev.get("Content", ""), (None, []))[1]
        if not content:
            continue
        source = spans.get(ev.get("Source", ""), (None, []))[1]
        cue = spans.get(ev.get("Cue", ""), (None, []))[1]
        pieces = [text[a:b] for a, b in content]
        g = GoldAttribution(content=sorted(content), source=source, cue=cue, content_text=" ".join(pieces),
                            source_text=" ".join(text[a:b] for a, b in source))
        g.kind = kind_of(g.content_text, pieces)
        g.form = form_of(g.source_text) if source else None
        out.append(g)
    out.sort(key=lambda g: g.content[0])
    named = sorted((g.source[0][0], g.source_text) for g in out if g.form == "name")
    for g in out:
        if g.form == "pronoun":
            before = [t for s, t in named if s < g.source[0][0]]
            g.antecedent = before[-1] if before else None
    return out


def _checked_pronouns(path: Path = CHECKED_PRONOUNS) -> dict[tuple[str, int], str]:
    """(article, pronoun offset) -> the antecedent read by hand (see the module docstring)."""
    if not path.is_file():
        return {}
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    return {(r[0], int(r[1])): r[3] for r in rows[1:] if len(r) >= 4}


def _metadata(root: Path) -> dict[str, list[str]]:
    meta = root / "metadata.tsv"
    if not meta.is_file():
        return {}
    with meta.open(encoding="utf-8", newline="") as fh:
        return {row["filename"]: row["annotators"].split("|") for row in csv.DictReader(fh, delimiter="\t")
                if row.get("filename") and row.get("annotators")}


def read_folder(folder: str | Path, split: str | None = None, limit: int | None = None) -> list[GoldArticle]:
    """The gold articles of one split (or of `folder` itself when it holds text/ and attributions/)."""
    root = Path(folder)
    base = root / split if split else root
    if not (base / "text").is_dir() and not split:
        raise FileNotFoundError(f"{base} has no text/ folder (give --split, e.g. dev)")
    if not (base / "text").is_dir() or not (base / "attributions").is_dir():
        raise FileNotFoundError(f"{base} has no text/ and attributions/ folders in the PolNeAR layout")
    meta = _metadata(root if split else root.parent) or _metadata(root)
    checked = _checked_pronouns()
    out = []
    for txt in sorted((base / "text").glob("*.txt")):
        name = txt.stem
        files = {p.stem[len(name) + 1:]: p for p in (base / "attributions").glob(f"{name}_*.ann")}
        if not files:
            continue
        order = [a for a in meta.get(name, []) if a in files] or sorted(files)
        annotator = order[0]
        text = txt.read_text(encoding="utf-8")
        gold = parse_ann(text, files[annotator].read_text(encoding="utf-8"))
        for g in gold:
            if g.form == "pronoun":
                g.checked = checked.get((name, g.source[0][0]))
        out.append(GoldArticle(name, txt, text, annotator, gold))
        if limit and len(out) >= limit:
            break
    return out


# --- running the pipeline ------------------------------------------------------------------------


def analyses(articles: list[GoldArticle], cache: str | Path | None = None, nlp=None, only=STAGES) -> list[DocumentAnalysis]:
    """The pipeline's analyses of the articles; parses are kept as DocBin files under `cache` when given."""
    from newsgraph.extract import analyze
    from newsgraph.ingest import content_id
    from newsgraph.lexicons.places import known_words
    from newsgraph.model import Article
    from newsgraph.nlp import load_pipeline, model_version
    from newsgraph.normalize import normalize

    nlp = nlp or load_pipeline()
    norms = [normalize(a.text, known_words()) for a in articles]
    docs = list(_parses(nlp, [n.text for n in norms], Path(cache) if cache else None, model_version(nlp)))
    out = []
    for a, norm, doc in zip(articles, norms, docs):
        article = Article(id=content_id(a.text), text=a.text, path=str(a.path))
        out.append(analyze(article, doc, norm, only))
    return out


def _parses(nlp, texts: list[str], cache: Path | None, version: str) -> Iterator:
    if cache is None:
        yield from nlp.pipe(texts)
        return
    from spacy.tokens import DocBin

    cache.mkdir(parents=True, exist_ok=True)
    keys = [hashlib.sha256((version + "\0" + t).encode("utf-8")).hexdigest()[:20] for t in texts]
    missing = [(k, t) for k, t in zip(keys, texts) if not (cache / f"{k}.spacy").is_file()]
    for (k, _), doc in zip(missing, nlp.pipe(t for _, t in missing)):
        DocBin(store_user_data=False, docs=[doc]).to_disk(cache / f"{k}.spacy")
    for k in keys:
        yield next(iter(DocBin().from_disk(cache / f"{k}.spacy").get_docs(nlp.vocab)))


# --- matching and scores -----------------------------------------------------------------------


@dataclass
class Predicted:
    parts: list[tuple[int, int]]
    kind: str = "direct"
    source: tuple[int, int] | None = None
    source_text: str = ""
    speaker_name: str | None = None  # the resolved name, when the source refers to one
    cue: tuple[int, int] | None = None
    quote: Quote | None = None


def from_quotes(analysis: DocumentAnalysis) -> list[Predicted]:
    out = []
    for q in analysis.quotes:
        parts = [tuple(p) for p in (q.parts or [(q.start, q.end)])]
        sp = q.speaker
        name = analysis.mentions[sp.mention].name if sp is not None and sp.mention is not None else None
        src = (q.source_start, q.source_end) if q.source_start is not None else ((sp.start, sp.end) if sp else None)
        cue = (q.cue_start, q.cue_end) if q.cue_start is not None else None
        out.append(Predicted(parts, q.kind, src, q.source_text or (sp.text if sp else ""), name, cue, q))
    return out


def _overlap(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> int:
    return sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)


def _words(text: str, spans: list[tuple[int, int]]) -> set[int]:
    out = set()
    for s, e in spans:
        out.update(m.start() + s for m in _WORD.finditer(text[s:e]))
    return out


def _match(gold: list[list[tuple[int, int]]], pred: list[list[tuple[int, int]]], ok) -> dict[int, int]:
    """A maximum one-to-one matching gold index -> pred index among pairs for which ok(g, p) (augmenting paths)."""
    edges = {g: sorted((p for p in range(len(pred)) if ok(g, p)), key=lambda p: -_overlap(gold[g], pred[p]))
             for g in range(len(gold))}
    owner: dict[int, int] = {}

    def augment(g: int, seen: set[int]) -> bool:
        for p in edges[g]:
            if p in seen:
                continue
            seen.add(p)
            if p not in owner or augment(owner[p], seen):
                owner[p] = g
                return True
        return False

    for g in range(len(gold)):
        augment(g, set())
    return {g: p for p, g in owner.items()}


def match(text: str, gold: list[GoldAttribution], pred: list[Predicted], mode: str = "overlap") -> dict[int, int]:
    gs = [g.content for g in gold]
    ps = [p.parts for p in pred]
    if mode == "overlap":
        return _match(gs, ps, lambda g, p: _overlap(gs[g], ps[p]) > 0)
    gw = [_words(text, s) for s in gs]
    pw = [_words(text, s) for s in ps]

    def half(g, p):
        shared = len(gw[g] & pw[p])
        return shared > 0 and 2 * shared >= len(gw[g]) and 2 * shared >= len(pw[p])

    return _match(gs, ps, half)


def _share_word(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    wa = {w.lower() for w in _WORD.findall(a) if len(w) > 2}
    return bool(wa & {w.lower() for w in _WORD.findall(b) if len(w) > 2})


def _last_word(a: str | None, b: str | None) -> bool:
    wa, wb = _WORD.findall(a or ""), _WORD.findall(b or "")
    return bool(wa and wb) and wa[-1].lower() in {w.lower() for w in wb}


def source_correct(g: GoldAttribution, p: Predicted) -> bool:
    if g.form == "other":
        return p.source is not None and _overlap(g.source, [p.source]) > 0
    if g.form == "pronoun":
        if p.source is None or not _overlap(g.source, [p.source]) and not _share_word(p.speaker_name, g.antecedent):
            return False
        return g.antecedent is None or _share_word(p.speaker_name, g.antecedent)
    if p.source is not None and _overlap(g.source, [p.source]):
        return True
    return _last_word(p.speaker_name, g.source_text) or _last_word(g.source_text, p.source_text) and g.form == "name"


_TITLES = frozenset("mr mrs ms dr sen gov rep president secretary general the".split())


def _name_words(name: str | None) -> set[str]:
    return {w.lower() for w in _WORD.findall(name or "") if len(w) > 1 and w.lower() not in _TITLES}


def same_person(a: str | None, b: str | None) -> bool:
    """Whether two names can be the same person: the words of one (titles aside) contain the other's."""
    wa, wb = _name_words(a), _name_words(b)
    return bool(wa and wb) and (wa <= wb or wb <= wa)


def pronoun_checked_correct(g: GoldAttribution, p: Predicted) -> bool:
    """A pronoun source against the antecedent read by hand: the pronoun found, and resolved to that person."""
    if p.source is None or not _overlap(g.source, [p.source]):
        return False
    if g.checked and g.checked.startswith("-"):
        return p.speaker_name is None
    return same_person(p.speaker_name, g.checked)


@dataclass
class Tally:
    gold: int = 0
    pred: int = 0
    hit: int = 0

    def add(self, gold: int, pred: int, hit: int) -> None:
        self.gold += gold
        self.pred += pred
        self.hit += hit

    @property
    def precision(self) -> float:
        return self.hit / self.pred if self.pred else 0.0

    @property
    def recall(self) -> float:
        return self.hit / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict:
        return {"gold": self.gold, "predicted": self.pred, "matched": self.hit,
                "precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


@dataclass
class Ratio:
    right: int = 0
    total: int = 0

    @property
    def value(self) -> float:
        return self.right / self.total if self.total else 0.0

    def as_dict(self) -> dict:
        return {"right": self.right, "total": self.total, "accuracy": round(self.value, 4)}


@dataclass
class Scores:
    overlap: Tally = field(default_factory=Tally)
    half: Tally = field(default_factory=Tally)
    direct: Tally = field(default_factory=Tally)
    by_kind: dict[str, Ratio] = field(default_factory=lambda: {k: Ratio() for k in KINDS})
    source: dict[str, Ratio] = field(default_factory=lambda: {f: Ratio() for f in FORMS})
    cue: Ratio = field(default_factory=Ratio)
    pronoun: dict[str, Ratio] = field(default_factory=lambda: {k: Ratio() for k in ("span", "proxy", "checked", "proxy_agrees")})
    misses: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "content_overlap": self.overlap.as_dict(), "content_half": self.half.as_dict(),
            "direct": self.direct.as_dict(),
            "recall_by_kind": {k: v.as_dict() for k, v in self.by_kind.items()},
            "source_accuracy": {k: v.as_dict() for k, v in self.source.items()},
            "cue_accuracy": self.cue.as_dict(),
            "pronoun_sources": {k: v.as_dict() for k, v in self.pronoun.items()},
        }


def score(articles: list[GoldArticle], predictions: Iterable[list[Predicted]], keep_misses: bool = False) -> Scores:
    s = Scores()
    for art, pred in zip(articles, predictions):
        gold = art.attributions
        m = match(art.text, gold, pred, "overlap")
        s.overlap.add(len(gold), len(pred), len(m))
        s.half.add(len(gold), len(pred), len(match(art.text, gold, pred, "half")))
        gd = [g for g in gold if g.kind == "direct"]
        pd = [p for p in pred if p.kind == "direct"]
        s.direct.add(len(gd), len(pd), len(match(art.text, gd, pd, "overlap")))
        for gi, g in enumerate(gold):
            s.by_kind[g.kind].total += 1
            if g.checked is not None:
                # How often the proxy names the person read by hand, over the whole sample, matched or not.
                s.pronoun["proxy_agrees"].total += 1
                s.pronoun["proxy_agrees"].right += (g.antecedent is None if g.checked.startswith("-")
                                                    else same_person(g.antecedent, g.checked))
            pi = m.get(gi)
            if pi is None:
                if keep_misses:
                    s.misses.append({"doc": art.name, "what": "content", "kind": g.kind, "gold": g.content_text[:160],
                                     "source": g.source_text})
                continue
            s.by_kind[g.kind].right += 1
            p = pred[pi]
            if g.form is not None:
                ok = source_correct(g, p)
                s.source[g.form].total += 1
                s.source[g.form].right += ok
                if g.form == "pronoun":
                    s.pronoun["proxy"].total += 1
                    s.pronoun["proxy"].right += ok
                    s.pronoun["span"].total += 1
                    s.pronoun["span"].right += p.source is not None and _overlap(g.source, [p.source]) > 0
                    if g.checked is not None:
                        s.pronoun["checked"].total += 1
                        s.pronoun["checked"].right += pronoun_checked_correct(g, p)
                if keep_misses and not ok:
                    s.misses.append({"doc": art.name, "what": "source", "form": g.form, "gold": g.source_text,
                                     "antecedent": g.antecedent, "checked": g.checked, "predicted": p.source_text, "resolved": p.speaker_name,
                                     "content": g.content_text[:100]})
            if g.cue:
                s.cue.total += 1
                ok = p.cue is not None and _overlap(g.cue, [p.cue]) > 0
                s.cue.right += ok
        if keep_misses:
            matched = set(m.values())
            for pi, p in enumerate(pred):
                if pi not in matched:
                    s.misses.append({"doc": art.name, "what": "spurious", "kind": p.kind,
                                     "predicted": " / ".join(art.text[a:b] for a, b in p.parts)[:160], "source": p.source_text})
    return s


# --- baselines ---------------------------------------------------------------------------------

_QUOTED = re.compile(r'["\u201c]([^"\u201c\u201d\n]{1,2000})["\u201d]|(?:``|\'\')((?:(?!\'\')[^\n]){1,2000})\'\'')
_SPEECH = re.compile(r"\b(?:said|says|say|told|tells|according to|added|stated|wrote|claimed|argued)\b", re.IGNORECASE)
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+[\"\u201d\u2019]?|$)", re.MULTILINE)
_SUBJECT = re.compile(r"((?:[A-Z][\w.'\u2019-]*\s+){0,3}[A-Z][\w.'\u2019-]*|\b(?:he|she|they)\b)\s+$")


def baseline_quoted(text: str) -> list[Predicted]:
    """Every span between double marks (or pairs of apostrophes), as a direct quote without speaker."""
    return [Predicted([m.span(1) if m.group(1) is not None else m.span(2)], "direct") for m in _QUOTED.finditer(text)]


def baseline_speech_verbs(text: str) -> list[Predicted]:
    """Each sentence holding a speech verb is one content; its source is the name or he/she right before the verb."""
    out = []
    for sent in _SENTENCE.finditer(text):
        verb = _SPEECH.search(sent.group())
        if verb is None:
            continue
        s, e = sent.start(), sent.end()
        while s < e and text[s].isspace():
            s += 1
        vs, ve = s + verb.start() - (s - sent.start()), s + verb.end() - (s - sent.start())
        subj = _SUBJECT.search(text[s:vs])
        src = (s + subj.start(1), s + subj.end(1)) if subj else None
        out.append(Predicted([(s, e)], "indirect", src, text[src[0]:src[1]] if src else "", None, (vs, ve)))
    return out


def evaluate(folder: str | Path, split: str | None = "dev", cache: str | Path | None = None, limit: int | None = None,
             keep_misses: bool = False) -> dict:
    """Scores of the pipeline and of both baselines on one split; a JSON-ready dict."""
    articles = read_folder(folder, split, limit)
    runs = analyses(articles, cache)
    ours = score(articles, (from_quotes(a) for a in runs), keep_misses)
    quoted = score(articles, (baseline_quoted(a.text) for a in articles))
    verbs = score(articles, (baseline_speech_verbs(a.text) for a in articles))
    out = {
        "articles": len(articles), "attributions": sum(len(a.attributions) for a in articles),
        "newsgraph": ours.as_dict(), "baseline_quoted_spans": quoted.as_dict(), "baseline_speech_verbs": verbs.as_dict(),
    }
    if keep_misses:
        out["misses"] = ours.misses
    return out
