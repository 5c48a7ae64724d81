"""A canonical copy of an article's text for the NLP, with an offset map back to the text as read.

The NLP sees cleaner text than the article holds: mojibake fixed, curly quotes
straightened, hard-wrapped lines unwrapped, runs of spaces collapsed and words
broken by stray spaces ("R u ssia") rejoined. Every character of the copy
remembers the range of original characters it came from, so any span found in
the copy maps back to an exact span of the original (``Normalized.to_original``).

The passes, in order:
1. ftfy, only when it finds mojibake (aligned back with difflib);
2. one-for-one character fixes (quotes, odd spaces, CR) that keep offsets, and a doubled apostrophe or backquote
   as one double quotation mark;
3. unwrapping of hard-wrapped lines (paragraph and title breaks are kept);
4. collapsing runs of spaces and spaces at line edges;
5. rejoining a word broken by stray spaces, when the whole word occurs
   elsewhere in the same text or is a known place name;
6. runs of more than LONG_RUN characters without a space (no word is that long:
   they are markup debris, encoded blobs or "&&&&…"): a run of symbols alone
   becomes one space (there is nothing in it to find, and 200,000 "&" would be
   200,000 tokens to parse), any other run gets a space every RUN_PIECE characters,
   because spaCy's tokenizer is quadratic in the length of a run it cannot split
   (20,000 "&" take 45 s) while any real text is untouched.
"""

from __future__ import annotations

import difflib
import re
import statistics
from dataclasses import dataclass

import ftfy


_ONE_FOR_ONE = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u00ab": '"', "\u00bb": '"',
        "\u00a0": " ", "\u2002": " ", "\u2003": " ", "\u2009": " ", "\u202f": " ", "\u2007": " ",
        "\t": " ", "\r": "\n", "\u2028": "\n", "\u2029": "\n",
    }
)
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_TERMINAL = tuple(".!?:;\"')]…")
_SPACES = re.compile(r"(?P<edge>^ +|(?<=\n) +| +(?=\n)| +$)|(?P<run> {2,})")
_BLANKS = re.compile(r"\n{3,}")
# A capital letter, 1-3 single lowercase letters, then the rest of the word, all split by single spaces.
_BROKEN_WORD = re.compile(r"\b([A-Z])((?: [a-z]){1,3}) ([a-z]{2,})\b")
_SPACED_POSSESSIVE = re.compile(r"(?<=[A-Za-z]) (?='s\b)")
LONG_RUN = 400
RUN_PIECE = 100
_LONG_RUN = re.compile(r"\S{%d,}" % (LONG_RUN + 1))


@dataclass(frozen=True, slots=True)
class Normalized:
    """Canonical text plus, per character, the [start, end) range it came from in the original."""

    text: str
    starts: list[int]
    ends: list[int]
    original_length: int

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the canonical text to the span of original text it came from."""
        if end <= start:
            pos = self.starts[start] if start < len(self.starts) else self.original_length
            return pos, pos
        return self.starts[start], self.ends[end - 1]


def _identity(text: str) -> Normalized:
    n = len(text)
    return Normalized(text, list(range(n)), list(range(1, n + 1)), n)


def _apply(norm: Normalized, edits: list[tuple[int, int, str]]) -> Normalized:
    """Replace canonical ranges; a replacement of equal length maps char by char, otherwise to the whole range."""
    if not edits:
        return norm
    text, starts, ends = norm.text, norm.starts, norm.ends
    out_text: list[str] = []
    out_starts: list[int] = []
    out_ends: list[int] = []
    pos = 0
    for s, e, rep in sorted(edits):
        if s < pos:  # overlapping edit: keep the first
            continue
        out_text.append(text[pos:s])
        out_starts.extend(starts[pos:s])
        out_ends.extend(ends[pos:s])
        if rep:
            if len(rep) == e - s:
                out_starts.extend(starts[s:e])
                out_ends.extend(ends[s:e])
            else:
                lo = starts[s] if s < len(starts) else norm.original_length
                hi = ends[e - 1] if e > s else lo
                out_starts.extend([lo] * len(rep))
                out_ends.extend([hi] * len(rep))
            out_text.append(rep)
        pos = e
    out_text.append(text[pos:])
    out_starts.extend(starts[pos:])
    out_ends.extend(ends[pos:])
    return Normalized("".join(out_text), out_starts, out_ends, norm.original_length)


def _fix_mojibake(norm: Normalized) -> Normalized:
    fixed = ftfy.fix_text(
        norm.text, uncurl_quotes=False, fix_line_breaks=False, normalization=None, fix_latin_ligatures=False,
        fix_character_width=False,
    )
    if fixed == norm.text:
        return norm
    matcher = difflib.SequenceMatcher(None, norm.text, fixed, autojunk=False)
    edits = [(i1, i2, fixed[j1:j2]) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]
    return _apply(norm, edits)


def _looks_like_headline(line: str) -> bool:
    words = line.split()
    if not words or len(words) > 20 or line.rstrip().endswith("."):
        return False
    content = [w for w in words if len(w) > 3]
    capitalised = sum(1 for w in content if w[:1].isupper())
    return bool(content) and capitalised / len(content) >= 0.75


def _unwrap_edits(text: str) -> list[tuple[int, int, str]]:
    """Newlines to turn into spaces: those that break a sentence rather than end a paragraph.

    A document counts as hard-wrapped when most of its long lines stop mid-sentence;
    there every single newline is joined except after a headline or a short final
    line of a paragraph. Elsewhere only an obvious mid-sentence break (lowercase
    on both sides, or a comma before) is joined.
    """
    lines = text.split("\n")
    long_lines = [ln for i, ln in enumerate(lines[:-1]) if len(ln.strip()) >= 30 and lines[i + 1].strip()]
    open_ended = [ln for ln in long_lines if not ln.rstrip().endswith(_TERMINAL)]
    wrapped = len(open_ended) >= 3 and len(open_ended) >= 0.5 * len(long_lines)
    width = statistics.median(len(ln.strip()) for ln in long_lines) if long_lines else 0
    edits = []
    pos = 0
    for i, line in enumerate(lines[:-1]):
        nl = pos + len(line)
        pos = nl + 1
        nxt = lines[i + 1]
        here, after = line.strip(), nxt.strip()
        if not here or not after:
            continue
        if wrapped:
            starts_sentence = not after[0].islower()
            short = len(here) < 0.6 * width
            if starts_sentence and (_looks_like_headline(here) and (i == 0 or short) or here.endswith(_TERMINAL) and short):
                continue
            edits.append((nl, nl + 1, " "))
        elif (here[-1].islower() or here[-1] == ",") and after[0].islower():
            edits.append((nl, nl + 1, " "))
    return edits


_DOUBLED_MARK = re.compile(r"``|'{2,3}")
_PARAGRAPH = re.compile(r"(?:[^\n]|\n(?!\n))+")  # text between blank lines: a hard-wrapped quote may close lines later
_INCHES = re.compile(r"\d'\s?\d{1,2}$")  # 6' 4''
_STRAY_PAIR = re.compile(r"[A-Za-z]'' [a-z]")


def _doubled_mark_edits(text: str) -> list[tuple[int, int, str]]:
    """Two apostrophes or two backquotes as one double quotation mark, as the New York Times and the Penn Treebank
    write them: the quote finder then sees them as it sees a '"'. Of three apostrophes, the single mark closes inside
    the double one (a quote ending in a quoted word) or opens inside it (one beginning with a quoted word). Pairs of
    apostrophes after a digit or between letters, and a paragraph's only pair when it opens nothing, are left alone."""
    edits = []
    for para in _PARAGRAPH.finditer(text):
        marks = []
        for m in _DOUBLED_MARK.finditer(text, para.start(), para.end()):
            a, b = m.span()
            before, after = text[a - 1: a], text[b: b + 1]
            if _INCHES.search(text, max(0, a - 8), a) or (before.isalpha() and after.isalpha()):
                continue  # 6' 4'', a typed "wouldn''t": no quotation mark
            if b - a == 3:
                opening = after.isalnum()
                a, b = (a, a + 2) if opening else (a + 1, b)
            marks.append((a, b, '"'))
        if len(marks) == 1 and _STRAY_PAIR.match(text, max(0, marks[0][0] - 1)):
            continue  # a lone pair after a word and before a lower-case one closes nothing ("the players'' union")
        edits.extend(marks)
    return edits


def _rejoin_edits(text: str, known_words: frozenset[str]) -> list[tuple[int, int, str]]:
    edits = []
    for m in _BROKEN_WORD.finditer(text):
        word = m.group(1) + m.group(2).replace(" ", "") + m.group(3)
        if word in known_words or re.search(r"\b%s\b" % re.escape(word), text):
            for k in range(m.start(), m.end()):
                if text[k] == " ":
                    edits.append((k, k + 1, ""))
    return edits


def normalize(text: str, known_words: frozenset[str] = frozenset()) -> Normalized:
    """The canonical copy of `text`; `known_words` are words a broken word may be rejoined into."""
    norm = _identity(text)
    if not text.isascii() and ftfy.badness.is_bad(text):  # every mojibake sequence ftfy knows has a non-ASCII character
        norm = _fix_mojibake(norm)
    if "\r\n" in norm.text:
        norm = _apply(norm, [(m.start(), m.start() + 1, "") for m in re.finditer("\r\n", norm.text)])
    norm = Normalized(_INVISIBLE.sub("\x00", norm.text.translate(_ONE_FOR_ONE)), norm.starts, norm.ends, norm.original_length)
    if "\x00" in norm.text:
        norm = _apply(norm, [(m.start(), m.end(), "") for m in re.finditer("\x00", norm.text)])
    if "''" in norm.text or "``" in norm.text:
        norm = _apply(norm, _doubled_mark_edits(norm.text))
    norm = _apply(norm, _unwrap_edits(norm.text))
    norm = _apply(norm, [(m.start(), m.end(), "" if m.group("edge") else " ") for m in _SPACES.finditer(norm.text)])
    norm = _apply(norm, [(m.start(), m.end(), "\n\n") for m in _BLANKS.finditer(norm.text)])
    norm = _apply(norm, _rejoin_edits(norm.text, known_words))
    norm = _apply(norm, [(m.start(), m.end(), "") for m in _SPACED_POSSESSIVE.finditer(norm.text)])
    norm = _apply(norm, [edit for m in _LONG_RUN.finditer(norm.text) for edit in _run_edits(m)])
    return norm


def _run_edits(m: re.Match) -> list[tuple[int, int, str]]:
    if not any(c.isalnum() for c in m.group()):
        return [(m.start(), m.end(), " ")]
    return [(k, k, " ") for k in range(m.start() + RUN_PIECE, m.end(), RUN_PIECE)]
