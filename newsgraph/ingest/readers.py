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


def decode(raw: bytes) -> tuple[str, str]:
    """(text, encoding): UTF-8 when it is, else the encoding charset-normalizer finds; binary is refused."""
    if not raw.strip():
        raise Problem("empty", "empty file")
    if b"\x00" in raw[:8192] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise Problem("binary", "binary file (contains NUL bytes)")
    try:
        text = raw.decode("utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8")
        encoding = "utf-8"
    except UnicodeDecodeError:
        best = from_bytes(raw).best()
        if best is None:
            raise Problem("encoding", "not text in any encoding charset-normalizer knows") from None
        text, encoding = str(best), best.encoding
    sample = text[:8192]
    if sample and len(_CONTROL.findall(sample)) > 0.01 * len(sample):
        raise Problem("binary", "binary file (too many control characters)")
    return text, encoding


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str:
    """ISO 639-1 code of the text's language, judged on its first few thousand characters."""
    sample = text[:3000]
    if sum(c.isalpha() for c in sample) < 20:
        return "en"  # too little text to judge; let the pipeline decide what it can use
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
