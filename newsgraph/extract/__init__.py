"""Per-document extraction: pure functions from one parsed article to typed records.

``analyze(article, doc, norm)`` runs the stages below in order on one spaCy Doc
(parsed from the canonical text ``norm.text``) and returns a
``DocumentAnalysis`` whose offsets all point into ``article.text``. Each stage is
a module with ``extract(ctx: Context) -> None`` that appends to ``ctx.result``;
later stages may read what earlier ones found (events use mentions, amounts and
times; descriptors and techniques use quotes).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Callable, Iterable

from spacy.attrs import DEP, IS_PUNCT, IS_SPACE, LEMMA, LOWER, ORTH, POS, TAG
from spacy.tokens import Doc, Span, Token

from newsgraph.model import Article, DocumentAnalysis, Participant, Sentence
from newsgraph.normalize import Normalized


def parsed_text(doc: Doc) -> str:
    """The text of a parse, built once per Doc: spaCy's ``Doc.text`` joins every token again on each call."""
    text = doc.user_data.get("newsgraph_text")
    if text is None:
        text = doc.user_data["newsgraph_text"] = doc.text
    return text


COLUMNS = [ORTH, LOWER, LEMMA, POS, TAG, DEP]  # what Context.columns() holds per token, in this order


REPEAT_WORDS = 5  # a repeated line this long is furniture, not a writer's repetition ("No.", "Read more:")


@dataclass
class Context:
    """What every extraction stage sees: the article, its canonical text, the parse, and the results so far."""

    article: Article
    norm: Normalized
    doc: Doc
    result: DocumentAnalysis
    options: object = None  # the pipeline's AnalysisOptions (None: defaults), for stages with settings
    _sentence_starts: list[int] = field(default_factory=list)  # canonical char offset of each sentence
    _mention_by_token: dict[int, int] = field(default_factory=dict)  # token index -> mention index
    _tokens: list[Token] | None = None  # list(doc), made once: iterating a Doc makes new Token objects every time
    _ents: tuple[Span, ...] | None = None  # doc.ents, made once: spaCy builds every entity Span again on each call
    _token_starts: list[int] | None = None  # original start offset of each token
    _columns: list[tuple[int, ...]] | None = None  # (ORTH, LOWER, LEMMA, POS, TAG, DEP) of each token
    _repeats: list[tuple[int, int]] | None = None  # canonical (start, end) of lines that repeat an earlier line

    # --- the parse, shared by the stages --------------------------------------------------------
    def tokens(self) -> list[Token]:
        """Every token of the parse, in order; the same Token objects for every stage of this document."""
        if self._tokens is None:
            self._tokens = list(self.doc)
        return self._tokens

    def ents(self) -> tuple[Span, ...]:
        """The parse's named entities (``doc.ents``), built once per document."""
        if self._ents is None:
            self._ents = tuple(self.doc.ents)
        return self._ents

    def token_starts(self) -> list[int]:
        """Original start offset of every token: ``span_original(token)[0]`` for each, computed once per document."""
        if self._token_starts is None:
            to_original = self.norm.to_original
            self._token_starts = [to_original(t.idx, t.idx + len(t.text))[0] for t in self.tokens()]
        return self._token_starts

    def columns(self) -> list[tuple[int, ...]]:
        """(ORTH, LOWER, LEMMA, POS, TAG, DEP) of every token as integers (string hashes; POS a spaCy symbol), read
        once per document in one array: a stage that looks at few tokens finds them here without a Token object each."""
        if self._columns is None:
            self._columns = [tuple(row) for row in self.doc.to_array(COLUMNS).tolist()] if len(self.doc) else []
        return self._columns

    def repeated(self, char: int) -> bool:
        """Whether a canonical offset lies in a line that repeats an earlier line of the text word for word (five
        words or more): page furniture a scraped page shows twice (a poll's question, a related story's headline, a
        pull quote), whose claims and deeds the first showing already gave."""
        if self._repeats is None:
            self._repeats, seen, pos = [], set(), 0
            for line in parsed_text(self.doc).split("\n"):
                key = " ".join(line.split())
                if len(key.split()) >= REPEAT_WORDS:
                    if key in seen:
                        self._repeats.append((pos, pos + len(line)))
                    seen.add(key)
                pos += len(line) + 1
        return any(s <= char < e for s, e in self._repeats)

    # --- offsets -------------------------------------------------------------------------------
    def original(self, start: int, end: int) -> tuple[int, int, str]:
        """Original (start, end, text) for a canonical character span."""
        s, e = self.norm.to_original(start, end)
        return s, e, self.article.text[s:e]

    def span_original(self, span: Span | Token) -> tuple[int, int, str]:
        """Original (start, end, text) for a spaCy span or token, trailing whitespace excluded."""
        if isinstance(span, Token):
            return self.original(span.idx, span.idx + len(span.text))
        text = self.span_text(span)
        end = span.end_char - (len(text) - len(text.rstrip()))
        start = span.start_char + (len(text) - len(text.lstrip()))
        return self.original(start, max(start, end))

    def span_text(self, span: Span) -> str:
        """``span.text``, cut from the parsed text (spaCy's ``Span.text`` joins the span's tokens again on each call)."""
        if span.start >= span.end:
            return span.text
        return parsed_text(self.doc)[span.start_char:span.end_char]

    def sentence_index(self, token_or_char: Token | int) -> int:
        """Index (into result.sentences) of the sentence holding a token or canonical char offset."""
        char = token_or_char.idx if isinstance(token_or_char, Token) else token_or_char
        return max(0, bisect.bisect_right(self._sentence_starts, char) - 1)

    # --- mentions ------------------------------------------------------------------------------
    def mention_of(self, token: Token) -> int | None:
        """Index of the mention covering `token`, following `refers_to` to the name it stands for."""
        idx = self._mention_by_token.get(token.i)
        if idx is None:
            return None
        seen = set()
        while self.result.mentions[idx].refers_to is not None and idx not in seen:
            seen.add(idx)
            idx = self.result.mentions[idx].refers_to
        return idx

    def mention_in(self, span: Span) -> int | None:
        """The mention covering the syntactic head of `span`, else any mention inside it."""
        found = self.mention_of(span.root)
        if found is not None:
            return found
        for tok in span:
            found = self.mention_of(tok)
            if found is not None:
                return found
        return None

    def participant(self, role: str, span: Span | Token, mention: int | None = None) -> Participant:
        """A Participant for `span` with original offsets; the mention is looked up when not given."""
        start, end, text = self.span_original(span)
        if mention is None:
            mention = self.mention_of(span) if isinstance(span, Token) else self.mention_in(span)
        return Participant(role=role, start=start, end=end, text=text, mention=mention)

    def index_mention_tokens(self, token_spans: list[tuple[int, int]]) -> None:
        """Record which tokens each mention covers; called by the mentions stage."""
        self._mention_by_token = {}
        for idx, (ts, te) in enumerate(token_spans):
            for i in range(ts, te):
                self._mention_by_token.setdefault(i, idx)


def sentences(ctx: Context) -> None:
    """The parser's sentences, except that a sentence never ends inside a name ("Theresa | May")."""
    bounds = [[s.start, s.end] for s in ctx.doc.sents]
    starts = {b[0] for b in bounds}
    crossing = {i for ent in ctx.ents() for i in range(ent.start + 1, ent.end) if i in starts}
    merged: list[list[int]] = []
    for b in bounds:
        if merged and b[0] in crossing:
            merged[-1][1] = b[1]
        else:
            merged.append(b)
    for s, e in merged:
        span = ctx.doc[s:e]
        start, end, _ = ctx.span_original(span)
        ctx._sentence_starts.append(span.start_char)
        ctx.result.sentences.append(Sentence(start, end))


def stage_functions(only: Iterable[str] | None = None) -> list[Callable[[Context], None]]:
    """The extraction stages in the order they run (see ``stages.STAGES``), for all or the chosen ones."""
    from newsgraph.extract.stages import plan

    return [stage.load() for stage in plan(only)]


def analyze(article: Article, doc: Doc, norm: Normalized, only: Iterable[str] | None = None, options=None) -> DocumentAnalysis:
    """All records for one article. Pure: depends only on the article, its parse and the options.

    `only` names the stages to run; the stages they need run too (sentences always).
    """
    ctx = Context(article=article, norm=norm, doc=doc, result=DocumentAnalysis(article=article), options=options)
    if norm is not None:  # the text that was parsed (as the quotes stage has always taken it): Doc.text is not rebuilt
        doc.user_data.setdefault("newsgraph_text", norm.text)
    ctx.result.words = int(((doc.to_array([IS_SPACE, IS_PUNCT]) == 0).all(axis=1)).sum()) if len(doc) else 0  # not space, not punct
    for stage in stage_functions(only):
        stage(ctx)
    return ctx.result

