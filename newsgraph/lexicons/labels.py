"""The project's label lexicons: word polarity and the nouns that stand for an actor's group.

Both are small hand-written lists (``data/labels_*``): no maintained English
lexicon rates political labels such as "regime" or "strongman" as derogatory,
and general sentiment lexicons score "dictator" and "President" alike as nouns
without opinion.
"""

from __future__ import annotations

import functools
from importlib import resources

POLARITIES = ("derogatory", "neutral", "honorific")


def _lines(name: str) -> list[str]:
    text = resources.files("newsgraph.lexicons").joinpath("data", name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@functools.lru_cache(maxsize=1)
def polarity_words() -> dict[str, str]:
    out: dict[str, str] = {}
    for line in _lines("labels_polarity.tsv"):
        word, polarity = line.split("\t")
        if polarity not in POLARITIES:
            raise ValueError(f"labels_polarity.tsv: unknown polarity {polarity!r} for {word!r}")
        out[word.lower()] = polarity
    return out


@functools.lru_cache(maxsize=1)
def stand_for_nouns() -> frozenset[str]:
    return frozenset(w.lower() for w in _lines("labels_standfor.txt"))


def polarity(words: list[str]) -> str:
    """derogatory if any word is, else honorific if any word is, else neutral."""
    lexicon = polarity_words()
    found = {lexicon.get(w.lower()) for w in words}
    if "derogatory" in found:
        return "derogatory"
    if "honorific" in found:
        return "honorific"
    return "neutral"
