"""Where the quotation marks of a canonical text open and close.

The normalizer has already turned every curly or angled double mark into ``"``,
so "opening" and "closing" are no longer visible in the character itself and
have to be read from context. Pairing is done per paragraph (a line of the
canonical text) because news quotes never legitimately run across a paragraph
break without re-opening, which is exactly the convention handled here:

1. Marks alternate open/close within a paragraph. Alternation (rather than the
   look of each mark) survives mistyped marks such as ``said,"What … riches, "``
   where an opening curly mark stands in for the closing one.
2. A quote still open at the end of its paragraph continues into the next
   paragraph when that paragraph begins with a mark (the typographic convention
   for multi-paragraph quotes); otherwise it ends with its paragraph, provided
   the unmatched mark looks like an opener (followed by a word), which recovers
   quotes whose closing mark the writer forgot.
3. A quote still open at the end of its line whose next line does not begin with
   a mark, but whose first mark (within a few lines, with no mark between) looks
   closing, was broken by a line break inside one paragraph: text laid out one
   sentence per line, or hard-wrapped (`"We will never give up.` / `This is our
   land," Smith said.`). It runs to that mark. A first mark that looks opening
   (`called it "absurd"`) is a new quote, and the open one ends with its line.
4. Where the paragraph breaks of such a quote were lost (``said: "… sentence.
   "Where …"`` on one line), a mark after a finished sentence and a space,
   before a capital, re-opens the same quote rather than closing it, when a
   closing mark follows in the paragraph.

Single marks are paired only outside double-quoted spans (nested ones stay
part of the outer quote) and only where they cannot be apostrophes: after
normalization an apostrophe and a closing single mark are the same character,
so an opening mark must follow a space or an opening punctuation and precede a
word, a closing one must follow a word or punctuation and precede a space or
punctuation, and both stand in the same paragraph with at least two words
between them ("on twitter, 'Don't deal in gold.'").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MARK = re.compile(r'"')
_SINGLE_OPEN = re.compile(r"(?:(?<=^)|(?<=[\s(\[:,—–-]))'(?=[^\W\d_])", re.MULTILINE)
_SINGLE_CLOSE = re.compile(r"(?<=[^\s'])'(?=[\s.,;:!?)\]—–-]|$)", re.MULTILINE)
_PARAGRAPH = re.compile(r"[^\n]+")


# Small words a title leaves in lower case ("Face the Nation", "Coal Isn't the Villain").
SMALL_WORDS = frozenset({"of", "the", "a", "an", "and", "in", "on", "to", "for", "at", "with", "by", "from", "or", "&"})


def title_case(words: list[str]) -> bool:
    """Whether words in quotation marks are written as a title: every word but the small ones capitalised (or no
    letter), at least one of them ("Meet the Press", "All Bets Are Off.")."""
    capital = [w.strip("\"'(),:;.!?") for w in words]
    capital = [w for w in capital if w.lower() not in SMALL_WORDS]
    return bool(capital) and all(w[:1].isupper() or not w[:1].isalpha() for w in capital)


@dataclass(frozen=True, slots=True)
class QuotedSpan:
    """The content between an opening and a closing mark, in canonical offsets (marks excluded)."""

    open: int  # offset of the opening mark
    close: int  # offset of the closing mark, or the end of the paragraph for an unclosed quote
    start: int  # content, whitespace trimmed
    end: int
    closed: bool


def single_quoted_spans(text: str, outside: list[QuotedSpan]) -> list[QuotedSpan]:
    """Spans between single marks that cannot be apostrophes, outside the double-quoted `outside` spans."""
    taken = [(q.open, q.close + 1) for q in outside]

    def free(pos: int) -> bool:
        return not any(s <= pos < e for s, e in taken)

    closes = [m.start() for m in _SINGLE_CLOSE.finditer(text) if free(m.start())]
    spans: list[QuotedSpan] = []
    last_end = -1
    for m in _SINGLE_OPEN.finditer(text):
        pos = m.start()
        if pos <= last_end or not free(pos):
            continue
        para_end = _paragraph_end(text, pos)
        # The first closing mark after the opener in its paragraph; an apostrophe after a plural ("farmers'")
        # can only cut a quote short, never join two.
        close = next((c for c in closes if pos + 1 < c < para_end), None)
        if close is None:
            start, end = _trimmed(text, pos + 1, para_end)
            if (pos == 0 or text[pos - 1] == "\n") and text[start:end].endswith((".", "?", "!")) and len(
                    text[start:end].split()) >= _PARAGRAPH_WORDS and "'" not in text[start:end].replace("'s ", "").replace("n't", ""):
                # a paragraph of a quote run over several, each opened and only the last closed ("'It has the
                # majority of things people wanted." then "'The question is …'"): the quote goes on below
                spans.append(QuotedSpan(pos, para_end, start, end, False))
                last_end = para_end
            continue
        start, end = _trimmed(text, pos + 1, close)
        if len(text[start:end].split()) >= 2 and '"' not in text[pos:close]:
            spans.append(QuotedSpan(pos, close, start, end, True))
            last_end = close
    return spans


def _paragraph_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end < 0 else end


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    # A comma before the closing mark belongs to the sentence around the quote, not to the quote.
    if end > start and text[end - 1] == ",":
        end -= 1
    return start, end


def _looks_opening(text: str, pos: int) -> bool:
    return pos + 1 < len(text) and not text[pos + 1].isspace()


def _looks_closing(text: str, pos: int) -> bool:
    """A mark after a word and before no word, or the last character of its paragraph ('… documents. "' at a line's end)."""
    if pos + 1 == len(text) or text[pos + 1] == "\n":
        return True
    return not text[pos - 1].isspace() and not text[pos + 1].isalnum()


def _closed_later(text: str, at: int, later: list[int]) -> bool:
    """Whether the first of the `later` marks that re-opens nothing looks like a closing one: a quote of three
    paragraphs run together re-opens twice before it closes. A paragraph between two re-openings is a sentence or
    more, not two words ('"… show! "Ellen wrote. "Yes," she added.' re-opens nothing)."""
    for pos in later:
        if not _reopens(text, pos):
            return _looks_closing(text, pos)
        if len(text[at + 1: pos].split()) < _PARAGRAPH_WORDS:
            return False
        at = pos
    return False


_PARAGRAPH_WORDS = 6


def _reopens(text: str, pos: int) -> bool:
    """A mark met inside an open quote that opens the quote's next paragraph, its break lost: `said: "… sentence.
    "Where …"`. It stands after a finished sentence and a space and before a capital or a figure, where a
    closing mark seldom stands (it follows its sentence's last character), and only when a closing mark follows
    in the paragraph: '"I'm hosting the Oscars! "DeGeneres tweeted.' is a closing mark typed after a space."""
    if pos < 2 or pos + 1 >= len(text) or not text[pos - 1].isspace():
        return False
    nxt = text[pos + 1]
    if not (nxt.isupper() or nxt.isdigit()):
        return False
    before = text[:pos].rstrip()
    return bool(before) and before[-1] in ".?!\u2026"


def quoted_spans(text: str) -> list[QuotedSpan]:
    """All double-quoted spans of `text`, in order; a multi-paragraph quote is one span."""
    spans: list[QuotedSpan] = []
    pending: int | None = None  # opening mark of a quote carried over from the previous paragraph
    pending_end = 0  # end of the last paragraph the carried quote covers
    wrapped = 0  # lines without a mark the carried quote has run through (rule 3)
    for para in _PARAGRAPH.finditer(text):
        marks = [m.start() for m in _MARK.finditer(text, para.start(), para.end())]
        if pending is not None and text.count("\n", pending_end, para.start()) == 1 and _runs_on(text, para.start(), marks, wrapped):
            if not marks:
                pending_end, wrapped = para.end(), wrapped + 1
                continue
            _close(spans, text, pending, marks[0], closed=True)
            pending, marks = None, marks[1:]
        wrapped = 0
        if pending is not None:
            if not marks or text[para.start():marks[0]].strip():
                # The carried quote did not re-open here: it ended with the previous paragraph.
                _close(spans, text, pending, pending_end, closed=False)
                pending = None
            else:
                marks = marks[1:]  # the re-opening mark continues the carried quote
        opening = pending
        pending = None
        for k, pos in enumerate(marks):
            if opening is None:
                opening = pos
            elif _reopens(text, pos) and _closed_later(text, pos, marks[k + 1:]):
                continue  # the same quote goes on, as across a paragraph break
            else:
                _close(spans, text, opening, pos, closed=True)
                opening = None
        if opening is not None and _looks_opening(text, opening):
            pending, pending_end = opening, para.end()
    if pending is not None:
        _close(spans, text, pending, pending_end, closed=False)
    return spans


_WRAPPED_LINES = 3


def _runs_on(text: str, line_start: int, marks: list[int], wrapped: int) -> bool:
    """Whether a quote open at the end of the previous line (no blank line between) goes on through this one, which
    does not begin with a mark (rule 3): its first mark looks closing, or it has none and a later line, within a
    few and in the same paragraph, closes the quote."""
    if _SPEAKER_LABEL.match(text, line_start):
        return False  # "Q: …" / "A: …": a transcript's next speaker
    if marks:
        return _closes_here(text, line_start, marks[0])
    if wrapped + 1 >= _WRAPPED_LINES:
        return False
    pos = _paragraph_end(text, line_start)
    for _ in range(_WRAPPED_LINES - wrapped - 1):
        if pos >= len(text) or text[pos + 1: pos + 2] == "\n":
            return False  # the text or its paragraph (a blank line) ends first
        nxt = text.find('"', pos + 1, _paragraph_end(text, pos + 1))
        if nxt >= 0:
            return not _SPEAKER_LABEL.match(text, pos + 1) and _closes_here(text, pos + 1, nxt)
        pos = _paragraph_end(text, pos + 1)
    return False


def _close(spans: list[QuotedSpan], text: str, opening: int, close: int, closed: bool) -> None:
    start, end = _trimmed(text, opening + 1, close)
    if end > start:
        spans.append(QuotedSpan(opening, close, start, end, closed))


_SPEAKER_LABEL = re.compile(r"[A-Z][\w .]{0,20}:\s")


def _closes_here(text: str, line_start: int, mark: int) -> bool:
    """Whether the first mark of a line that does not open with one closes the quote left open above: it looks
    closing, follows no figure (`a 55" screen`), and ends no byline typed inside the marks."""
    return bool(text[line_start:mark].strip()) and _looks_closing(text, mark) and not text[mark - 1].isdigit() and (
        not _byline(text, line_start, mark))


_ABBR = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|Fr|St|Sen|Rep|Gen|Gov|Lt|Col|Br|Msgr|Card|Jr|Sr|No|vs|etc|e\.g|i\.e)|\b[A-Z](?:\.[A-Z])*)\.$")


def _byline(text: str, line_start: int, mark: int) -> bool:
    """A pull quote's byline typed inside its marks: `"… sentence.` / `Bill Clinton."`."""
    words = text[line_start:mark].strip().rstrip(".,").split()
    prev = text[:line_start].rstrip()
    return 2 <= len(words) <= 8 and title_case(words) and prev[-1:] in ".?!" and not _ABBR.search(prev)
