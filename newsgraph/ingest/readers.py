"""Turning bytes into text and metadata: encodings, binary detection, HTML main text, language, titles."""

from __future__ import annotations

import re
from functools import lru_cache

from charset_normalizer import from_bytes


class Problem(Exception):
    """An input that cannot become an article; carries a code and a one-line reason."""

    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code = code
        self.reason = reason


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_BOMS = (  # longest first: the UTF-32 LE mark begins with the UTF-16 LE one
    (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32"),
    (b"\xef\xbb\xbf", "utf-8", "UTF-8"),
    (b"\xff\xfe", "utf-16-le", "UTF-16"),
    (b"\xfe\xff", "utf-16-be", "UTF-16"),
)


def decode(raw: bytes) -> tuple[str, str]:
    """(text, encoding): UTF-8 when it is, else the encoding that fits best; binary is refused."""
    text, encoding, _ = decode_noted(raw)
    return text, encoding


def decode_noted(raw: bytes) -> tuple[str, str, tuple[str, ...]]:
    """(text, encoding, notes) for the bytes of one input; raises Problem when they are no text.

    The cascade, first match wins:
    1. a byte-order mark names the encoding (UTF-8, UTF-16 or UTF-32, either byte order);
    2. NUL bytes anywhere: UTF-16 or UTF-32 without a mark when every other (or every fourth)
       byte is NUL and the result reads as text, else binary;
    3. valid UTF-8;
    4. UTF-8 with a few broken bytes (a truncated or damaged character among valid ones, or a
       file cut mid-character): decoded with U+FFFD in their place and noted, so one bad byte
       does not cost the article;
    5. English text with a few bytes from a Western code page (a Latin-1 pound sign): cp1252,
       since a detector guessing from one or two bytes picks an unrelated encoding;
    6. whatever charset-normalizer finds.
    The whole text is then checked for control characters (NUL is never stored: SQLite's text
    functions stop at it).
    """
    if not raw.strip():
        raise Problem("empty", "empty file")
    notes: list[str] = []
    for bom, codec, name in _BOMS:
        if raw.startswith(bom):
            text, bad = _decode_counting(raw[len(bom):], codec)
            encoding = codec
            if bad:
                notes.append(_replaced(bad, name))
            break
    else:
        if b"\x00" in raw:
            text, encoding = _wide_without_bom(raw)
            notes.append(f"{encoding.upper()} without a byte-order mark")
        else:
            text, encoding, more = _decode_8bit(raw)
            notes.extend(more)
    if "\x00" in text:
        raise Problem("binary", "binary file (contains NUL characters)")
    if text and len(_CONTROL.findall(text)) > 0.01 * len(text):
        raise Problem("binary", "binary file (too many control characters)")
    if not text.strip():
        raise Problem("empty", "no text (empty or whitespace only)")
    return text, encoding, tuple(notes)


def _decode_counting(raw: bytes, codec: str) -> tuple[str, int]:
    try:
        return raw.decode(codec), 0
    except UnicodeDecodeError:
        text = raw.decode(codec, "replace")
        return text, max(1, text.count("\ufffd"))


def _wide_without_bom(raw: bytes) -> tuple[str, str]:
    """UTF-16/UTF-32 text without a byte-order mark, told by where its NUL bytes sit; else a Problem(binary)."""
    n = len(raw)
    zeros = [raw[i::4].count(0) for i in range(4)]
    quarter = max(1, n // 4)
    candidates = []
    if n % 4 == 0 and zeros[2] > 0.9 * quarter and zeros[3] > 0.9 * quarter:
        candidates.append("utf-32-le")
    if n % 4 == 0 and zeros[0] > 0.9 * quarter and zeros[1] > 0.9 * quarter:
        candidates.append("utf-32-be")
    even, odd = zeros[0] + zeros[2], zeros[1] + zeros[3]
    half = max(1, n // 2)
    if odd > 0.5 * half and even < 0.05 * half:
        candidates.append("utf-16-le")
    if even > 0.5 * half and odd < 0.05 * half:
        candidates.append("utf-16-be")
    for codec in candidates:
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text and len(_CONTROL.findall(text)) <= 0.01 * max(1, len(text)):
            return text, codec
    raise Problem("binary", "binary file (contains NUL bytes)")


def _decode_8bit(raw: bytes) -> tuple[str, str, list[str]]:
    try:
        return raw.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError as exc:
        first = exc
    replaced = raw.decode("utf-8", "replace")
    bad = replaced.count("\ufffd") - raw.count(b"\xef\xbf\xbd")
    valid_wide = sum(1 for c in replaced if c > "\x7f") - replaced.count("\ufffd")
    cut_at_end = bad == 1 and first.end == len(raw) and first.reason == "unexpected end of data"
    if bad <= max(2, len(raw) // 1000) and (valid_wide >= bad or cut_at_end):
        return replaced, "utf-8", [_replaced(bad, "UTF-8")]
    high = sum(1 for b in raw if b > 0x7F)
    if high <= 0.01 * len(raw):
        try:
            return raw.decode("cp1252"), "cp1252", []
        except UnicodeDecodeError:
            pass
    best = from_bytes(raw).best()
    if best is not None:
        return str(best), best.encoding, []
    if bad <= 0.01 * len(raw):
        return replaced, "utf-8", [_replaced(bad, "UTF-8")]
    raise Problem("encoding", "not text in any encoding charset-normalizer knows")


def _replaced(n: int, encoding: str) -> str:
    return f"{n} {'byte' if n == 1 else 'bytes'} not valid {encoding} replaced with U+FFFD"


def without_surrogates(text: str) -> tuple[str, int]:
    """Lone surrogates (JSON escapes such as \\ud800 that pair with nothing) replaced with U+FFFD, and how many.

    They cannot be written as UTF-8, so they cannot be stored; one character for one keeps offsets.
    """
    text, n = _SURROGATE.subn("\ufffd", text)
    return text, n


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)


def _has_letters(text: str, n: int) -> bool:
    """Whether `text` holds at least `n` letters; stops counting once it has seen them."""
    for c in text:
        if c.isalpha():
            n -= 1
            if n <= 0:
                return True
    return n <= 0


# Frequent English words (a fifth of English news prose); some are words of other languages too ("to" in Polish and
# Czech, "of" in Dutch, "by" in Danish), so a text in one of those also has to be free of `_OTHER_WORDS`.
_ENGLISH_WORDS = frozenset(
    "the and of to that with for from were have been this which their they would said will are it by".split()
)
# Frequent short words of other languages written in Latin letters that English prose hardly uses (names such as
# "Le Pen" or "Des Moines" aside): a text with a few percent of them goes to the identifier, whatever its English.
_OTHER_WORDS = frozenset(
    "le les des et est une du qui dans avec sont pas "  # French
    "los las del por una para pero como más "  # Spanish
    "não uma com os em "  # Portuguese
    "il di che della sono gli anche "  # Italian
    "der das und ist nicht ein eine mit sich dem auf "  # German
    "het een niet zijn ook "  # Dutch
    "og det ikke til som att och är på av "  # Danish, Norwegian, Swedish
    "nie się jest że że je se ako aby "  # Polish, Czech, Slovak
    "și să în cu pe "  # Romanian
    "ang ng mga sa ay "  # Tagalog
    "yang dan di ini itu dengan untuk tidak dari "  # Indonesian, Malay
    "kwa katika ni wa ya "  # Swahili
    "bir ve bu için ile "  # Turkish
    "dey wey don una "  # Nigerian Pidgin
    .split()
)
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")  # letters of any script, so "była" is one word, not "by" + "a"


def _plainly_english(sample: str) -> bool:
    """Whether the sample can be taken for English without the identifier: at least 40 words, 12% or more of them
    from `_ENGLISH_WORDS` and under 2.5% from `_OTHER_WORDS` (a text mixing English with another language, an English
    quote in a French article, goes to the identifier as before).

    The identifier costs 0.6-2 ms a text and over a second to load; on the 3,569 English texts of the development
    corpora its answer is English every time, and this test alone accepts all but 19 of them.
    """
    words = _WORD.findall(sample.lower())
    if len(words) < 40:
        return False
    english = other = 0
    for word in words:
        if word in _ENGLISH_WORDS:
            english += 1
        elif word in _OTHER_WORDS:
            other += 1
    return english >= 0.12 * len(words) and other < 0.025 * len(words)


def detect_language(text: str) -> str:
    """ISO 639-1 code of the text's language, judged on its first few thousand characters."""
    sample = text[:3000]
    if not _has_letters(sample, 20):
        return "en"  # too little text to judge; let the pipeline decide what it can use
    if _plainly_english(sample):
        return "en"
    lang, prob = _identifier().classify(sample)
    return lang if prob >= 0.5 else "en"


_BANNER = re.compile(
    r"(established|est\.)\s+\d{4}|^\W*(serving\b.*\s)?since\s+\d{4}|subscribe|sign (in|up)|log ?in|menu|skip to|cookies?|advertis|"
    r"all rights reserved|©|copyright|breaking news|reader[- ]supported|home\s*[|›>]|\|",
    re.I,
)


def plain_title(text: str) -> str | None:
    """The first line of a plain-text article when it reads as a headline, not a site banner or a sentence."""
    lines = text.lstrip("\ufeff").split("\n", 2)
    first = lines[0].strip()
    if not first or len(first) > 200:
        return None
    words = first.split()
    if len(words) > 25 or first.endswith((".", ",", ";")) or _BANNER.search(first):
        return None
    if re.search(r"[.!?]\s+[A-Z]", first):  # two sentences on one line: a banner or slogan
        return None
    rest = lines[1] if len(lines) > 1 else ""
    content = [w for w in words if len(w) > 3]
    titled = bool(content) and sum(w[:1].isupper() for w in content) / len(content) >= 0.6
    followed_by_blank = rest.strip() == ""
    return first if (titled or followed_by_blank) and len(lines) > 1 else None


def read_html(html: str) -> tuple[str, dict[str, str | None]]:
    """Main text and metadata of an HTML page (trafilatura)."""
    import trafilatura

    doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False, favor_precision=True)
    if doc is None:
        raise Problem("no-text", "HTML page without a main text trafilatura could find")
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    text = data.get("text") or ""
    if not text.strip():
        raise Problem("no-text", "HTML page without a main text trafilatura could find")
    return text, {
        "title": data.get("title"),
        "outlet": data.get("sitename"),
        "url": data.get("url"),
        "published": data.get("date"),
        "author": data.get("author"),
    }


READERS = {"decode": decode, "html": read_html, "language": detect_language, "title": plain_title}
