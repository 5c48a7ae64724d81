"""Word lists for in-document coreference: first-name genders, description heads, gendered titles.

``data/first_names.tsv`` is built from public name statistics by ``scripts/build_first_names.py``
(see ``data/first_names.md``); ``data/descriptions.tsv`` and ``data/regions.tsv`` are written by hand for newsgraph.
"""

from __future__ import annotations

import functools
from importlib import resources

# Honorifics and titles right before a name that say the bearer's gender.
MALE_TITLES = frozenset("mr mr. sir lord king prince duke count baron father brother".split())
FEMALE_TITLES = frozenset("mrs mrs. ms ms. miss madam madame dame lady queen princess duchess countess baroness sister".split())


def _rows(name: str) -> list[list[str]]:
    text = resources.files("newsgraph.lexicons").joinpath("data", name).read_text(encoding="utf-8")
    return [line.rstrip("\n").split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]


@functools.lru_cache(maxsize=1)
def first_names() -> dict[str, str]:
    """Lowercase first name -> "m" or "f", for names whose bearers are overwhelmingly of one gender."""
    return {row[0]: row[1] for row in _rows("first_names.tsv")}


@functools.lru_cache(maxsize=1)
def descriptions() -> dict[str, tuple[str, str | None]]:
    """Head noun -> (class of actor it can describe, gender or None): "president" -> ("person", None)."""
    return {row[0]: (row[1], row[2] if len(row) > 2 and row[2] else None) for row in _rows("descriptions.tsv")}

# Nouns naming a speech whose speaker the title gives: "Remarks by President Biden", "Pelosi Floor Speech".
SPEECH_NOUNS = frozenset("speech remarks remark address statement testimony lecture sermon eulogy".split())
# What one state sends to, keeps in or aims at another: "Russia's loans to the country", "U.S. troops in the
# country", "U.S. aid" kept from entering "the country" (``coref._owner_of_thing_around``).
CROSS_BORDER_NOUNS = frozenset("""aid assistance loan credit investment troop weapon arm missile sanction tariff embargo
    export import shipment embassy consulate grant intervention interference""".split())
# Words that close a letter before its signature: "Best wishes, Bill", "Love and faithful feelings, Zora".
LETTER_CLOSINGS = frozenset("sincerely faithfully truly regards wishes love yours cordially affectionately cheers respectfully".split())


@functools.lru_cache(maxsize=1)
def regions() -> dict[str, frozenset[str]]:
    """Lowercase region word or pair ("south american", "gulf") -> ids of the states in that region."""
    return {row[0]: frozenset(row[1].split()) for row in _rows("regions.tsv")}
