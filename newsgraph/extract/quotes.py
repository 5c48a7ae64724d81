"""Quotes and claims with their speakers.

Direct quotes are the spans between quotation marks, double or single
(``quote_marks``), that some
cue attributes to a speaker; the cue is looked for where news prose puts it, in
this order, the first that answers wins:

1. right after the closing mark, with nothing but the speaker between
   (``"…," Rodriguez said`` / ``"…" said Bolton on twitter``);
2. a cue verb governing the quoted words (``He lamented that "…"``, partial
   quotes inside a sentence);
3. the nearest cue verb before the opening mark in the same sentence, or any
   verb when the lead-in ends with a colon or comma (``Peskov said: "…"``,
   ``Bolton reacted to the news on twitter, "…"``).

Marks with no cue around them are scare quotes ("self-finance") and are not
quotes. Indirect speech is a speech verb with a clausal complement
(``Lavrov said that …``), a claim noun with a "that" clause (``broke the news
that …``), or ``according to X``; the reported clause is the quote's text.
Who speaks is worked out by ``quote_speakers``.
"""

from __future__ import annotations

import bisect

from spacy.tokens import Span, Token

from newsgraph.extract import Context
from newsgraph.extract.quote_marks import QuotedSpan, quoted_spans, single_quoted_spans
from newsgraph.extract.quote_speakers import CLAIM_NOUNS, CLAIM_VERBS, GLUED_FORMS, NOT_SPEAKERS, SPEECH_VERBS, is_cue, speaker, subject_of
from newsgraph.model import Participant, Quote

_AFTER_WINDOW = 7  # tokens after a closing mark within which "X said" must stand
_MIN_UNATTRIBUTED_WORDS = 4
_MARKS = frozenset({'"', "'"})  # a cue but no speaker: short marked phrases are more likely scare quotes


def extract(ctx: Context) -> None:
    doc = ctx.doc
    starts = [t.idx for t in doc]
    found: list[tuple[int, Quote]] = []
    direct_ranges: list[tuple[int, int]] = []
    used_cues: set[int] = set()
    double = quoted_spans(doc.text)
    for qs in sorted(double + single_quoted_spans(doc.text, double), key=lambda q: q.open):
        quote = _direct(ctx, starts, qs, used_cues)
        if quote is not None:
            found.append((qs.start, quote))
            direct_ranges.append((qs.open, qs.close + 1))
    for start, quote in _indirect(ctx, direct_ranges, used_cues):
        found.append((start, quote))
    found.sort(key=lambda pair: pair[0])
    ctx.result.quotes.extend(q for _, q in found)


# --- direct quotes ---------------------------------------------------------------------------------


def _tokens(doc, starts: list[int], start: int, end: int) -> Span:
    """The tokens starting inside the canonical range [start, end)."""
    return doc[bisect.bisect_left(starts, start): bisect.bisect_left(starts, end)]


def _direct(ctx: Context, starts: list[int], qs: QuotedSpan, used_cues: set[int]) -> Quote | None:
    doc = ctx.doc
    inside = _tokens(doc, starts, qs.start, qs.end)
    if not len(inside):
        return None
    after = _cue_after(doc, starts, qs)
    cue = after or _cue_governing(inside) or _cue_before(ctx, starts, qs)
    glued = None if cue is not None else _glued_cue(ctx, starts, qs)
    if cue is None and glued is None:
        return None
    start, end, text = ctx.original(qs.start, qs.end)
    if glued is not None:
        cue, subject = glued
        cue_text = cue.text[: cue.text.index('"')].rstrip(",: ")
    else:
        subject, cue_text = subject_of(cue), cue.text
    who: Participant | None = None
    if subject is not None and not (inside.start <= subject.i < inside.end) and subject.lower_ not in NOT_SPEAKERS:
        who = speaker(ctx, subject, skip=(start, end))
    if who is None and len(text.split()) < _MIN_UNATTRIBUTED_WORDS:
        return None
    if len(text.split()) < 2 and after is None:
        return None  # a single word in marks inside a sentence is a term or a title ("Today"); '"Yes," he said' is a quote
    used_cues.add(cue.i)
    return Quote(start, end, text, "direct", cue_text, who, ctx.sentence_index(qs.start))


def _glued_cue(ctx: Context, starts: list[int], qs: QuotedSpan) -> tuple[Token, Token | None] | None:
    """'Maduro said,"What …': the tokenizer left the cue glued to the mark, so the parse around it is
    unreliable; the speaker is the name right before the glued cue."""
    i = bisect.bisect_right(starts, qs.open) - 1
    if i < 0:
        return None
    tok = ctx.doc[i]
    if '"' not in tok.text or tok.text[: tok.text.index('"')].rstrip(",: ").lower() not in GLUED_FORMS:
        return None
    prev = ctx.doc[i - 1] if i > 0 else None
    return tok, prev if prev is not None and (prev.pos_ in {"PROPN", "PRON"} or ctx.mention_of(prev) is not None) else None


def _cue_after(doc, starts: list[int], qs: QuotedSpan) -> Token | None:
    """`"…," X said` or `"…" said X`: a cue verb right after the closing mark, only its subject in between."""
    if not qs.closed:
        return None
    i = bisect.bisect_left(starts, qs.close + 1)
    limit = min(len(doc), i + _AFTER_WINDOW)
    sent_end = doc[i].sent.end if i < len(doc) else i
    for j in range(i, min(limit, sent_end)):
        tok = doc[j]
        if tok.text in _MARKS:
            return None
        if is_cue(tok):
            subject = subject_of(tok)
            between = doc[i:j]
            allowed = set(range(subject.left_edge.i, subject.right_edge.i + 1)) if subject is not None and subject.i < j else set()
            if all(t.is_punct or t.is_space or t.i in allowed for t in between):
                return tok
            return None
    return None


def _cue_governing(inside: Span) -> Token | None:
    """A cue verb outside the quote that the quoted words hang from (partial quotes)."""
    lo, hi = inside.start, inside.end
    for tok in inside:
        if lo <= tok.head.i < hi:
            continue
        node = tok.head
        for _ in range(4):
            if lo <= node.i < hi:
                break
            if is_cue(node):
                return node
            if node.head is node:
                break
            node = node.head
    return None


def _cue_before(ctx: Context, starts: list[int], qs: QuotedSpan) -> Token | None:
    """The nearest cue verb in the lead-in before the opening mark (same sentence, no other quote between)."""
    doc = ctx.doc
    first = bisect.bisect_left(starts, qs.open)
    if first == 0:
        return None
    sent = doc[first - 1].sent
    lo = sent.start
    lead = doc.text[sent.start_char: qs.open].rstrip()
    if not lead.strip() and sent.start > 0:
        # The quote opens a sentence: the lead-in is the previous sentence when it ends with a colon.
        prev = doc[sent.start - 1].sent
        if doc.text[prev.start_char: prev.end_char].rstrip().endswith(":"):
            lo, lead = prev.start, doc.text[prev.start_char: qs.open].rstrip()
    window = [t for t in doc[lo:first] if t.idx < qs.open]
    if any(t.text in _MARKS for t in window):
        window = window[max(i for i, t in enumerate(window) if t.text in _MARKS) + 1:]
    for tok in reversed(window):
        if is_cue(tok):
            return tok
    if lead.endswith((":", ",")):
        for tok in reversed(window):
            if tok.pos_ == "VERB" and tok.lower_ != "according" and subject_of(tok) is not None:
                return tok
    return None


# --- indirect speech -------------------------------------------------------------------------------


def _overlaps(ranges: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether direct quotes make up most of [start, end): then the clause is that quote, already found.
    A short partial quote inside a longer reported clause leaves the clause a claim of its own."""
    covered = sum(max(0, min(e, end) - max(s, start)) for s, e in ranges)
    return covered > 0.6 * max(1, end - start)


def _clause(doc, head: Token) -> Span | None:
    """The reported clause under `head`, without its "that" and trailing punctuation."""
    left, right = head.left_edge.i, head.right_edge.i + 1
    while left < right and ((doc[left].dep_ == "mark" and doc[left].lower_ == "that") or doc[left].is_punct or doc[left].is_space):
        left += 1
    while right > left and (doc[right - 1].is_punct or doc[right - 1].is_space):
        right -= 1
    if right - left < 3:
        return None
    return doc[left:right]


def _reported(doc, verb: Token) -> Span | None:
    """The clause a speech verb reports: its clausal complement, or for "warn X to …" its open complement."""
    for child in verb.children:
        if child.dep_ == "ccomp" and verb.lemma_.lower() in SPEECH_VERBS:
            return _clause(doc, child)
    for child in verb.children:
        if child.dep_ in {"dobj", "attr"} and child.lemma_.lower() in CLAIM_NOUNS:
            for grand in child.children:
                if grand.dep_ in {"acl", "ccomp", "relcl"} and any(g.dep_ == "mark" and g.lower_ == "that" for g in grand.children):
                    return _clause(doc, grand)
    if verb.lemma_.lower() in {"warn", "urge", "estimate", "tell"}:
        objs = [c for c in verb.children if c.dep_ in {"dobj", "dative"}]
        comps = [c for c in verb.children if c.dep_ in {"xcomp", "oprd"}]
        if objs and comps:
            span = doc[min(objs[0].left_edge.i, comps[0].left_edge.i): max(objs[-1].right_edge.i, comps[-1].right_edge.i) + 1]
            return _trim(doc, span)
    return None


def _trim(doc, span: Span) -> Span | None:
    left, right = span.start, span.end
    while right > left and (doc[right - 1].is_punct or doc[right - 1].is_space):
        right -= 1
    return doc[left:right] if right - left >= 3 else None


def _cue_text(ctx: Context, verb: Token, clause: Span) -> str:
    """The cue as written: the verb, or "broke the news" when a claim noun carries the clause."""
    if clause.start > verb.i:
        between = ctx.doc[verb.i: clause.start]
        nouns = [t for t in between if t.lemma_.lower() in CLAIM_NOUNS and t.head.i == verb.i]
        if nouns:
            return ctx.span_original(ctx.doc[verb.i: nouns[0].i + 1])[2]
    return verb.text


def _indirect(ctx: Context, direct: list[tuple[int, int]], used_cues: set[int]):
    doc = ctx.doc
    for tok in doc:
        if tok.i in used_cues:
            continue
        if is_cue(tok, SPEECH_VERBS | CLAIM_VERBS) and not any(c.dep_ == "neg" for c in tok.children):
            clause = _reported(doc, tok)
            if clause is None or _overlaps(direct, clause.start_char, clause.end_char) or clause.start <= tok.i < clause.end:
                continue
            subject = subject_of(tok)
            if subject is None or clause.start <= subject.i < clause.end or subject.lower_ in NOT_SPEAKERS:
                continue
            start, end, text = ctx.span_original(clause)
            who = speaker(ctx, subject, skip=(start, end))
            yield clause.start_char, Quote(start, end, text, "indirect", _cue_text(ctx, tok, clause), who, ctx.sentence_index(clause.start_char))
        elif tok.lower_ == "according":
            found = _according(ctx, tok, direct)
            if found is not None:
                yield found


def _according(ctx: Context, tok: Token, direct: list[tuple[int, int]]):
    """`according to X, …` / `…, according to X`: X's claim is the rest of the sentence."""
    doc = ctx.doc
    to = [c for c in tok.children if c.lower_ == "to"]
    if tok.i + 1 >= len(doc) or doc[tok.i + 1].lower_ != "to":
        return None
    objs = [c for c in (to[0].children if to else doc[tok.i + 1].children) if c.dep_ == "pobj"]
    if not objs:
        return None
    source = objs[0]
    if source.pos_ != "PROPN" and ctx.mention_of(source) is None:
        return None
    sent = tok.sent
    phrase_lo, phrase_hi = tok.i, max(tok.right_edge.i, source.right_edge.i) + 1
    before = _trim_both(doc, sent.start, phrase_lo)
    after = _trim_both(doc, phrase_hi, sent.end)
    clause = max((s for s in (before, after) if s is not None), key=len, default=None)
    if clause is None or _overlaps(direct, clause.start_char, clause.end_char):
        return None
    start, end, text = ctx.span_original(clause)
    who = speaker(ctx, source, skip=(start, end))
    cue = ctx.span_original(doc[tok.i: tok.i + 2])[2]
    return clause.start_char, Quote(start, end, text, "indirect", cue, who, ctx.sentence_index(clause.start_char))


def _trim_both(doc, lo: int, hi: int) -> Span | None:
    while lo < hi and (doc[lo].is_punct or doc[lo].is_space):
        lo += 1
    while hi > lo and (doc[hi - 1].is_punct or doc[hi - 1].is_space):
        hi -= 1
    return doc[lo:hi] if hi - lo >= 3 else None
