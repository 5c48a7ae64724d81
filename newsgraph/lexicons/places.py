"""The project's own table of states: names, aliases, demonyms, capitals and seats of government.

It lets "Moscow" (as an actor), "the Kremlin", "the Russian Federation" and
"Russian officials" all point at Russia. The table is ``data/places.csv`` beside this
module (see ``data/places.md``); $NEWSGRAPH_PLACES may name another table of the same columns.
"""

from __future__ import annotations

import csv
import os
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TextIO

from newsgraph.errors import SettingError


@dataclass(frozen=True, slots=True)
class Place:
    id: str
    name: str
    kind: str  # country | territory | union | organization
    aliases: tuple[str, ...]
    demonyms: tuple[str, ...]
    capital: str | None
    seats: tuple[str, ...]
    affiliates: tuple[str, ...] = ()  # the state's own organisations, entities of their own ("the Pentagon")

    @property
    def entity_type(self) -> str:
        return "country" if self.kind in ("country", "territory") else "organization"


@dataclass(frozen=True, slots=True)
class Gazetteer:
    places: dict[str, Place]
    names: dict[str, str]  # surface (as written) -> place id, for names and aliases
    demonyms: dict[str, str]
    capitals: dict[str, str]
    seats: dict[str, str]
    affiliates: dict[str, str]

    def lookup(self, surface: str) -> tuple[str, str] | None:
        """(place id, kind of match) for a surface form, kind being name | demonym | capital | seat | affiliate."""
        for table, kind in ((self.names, "name"), (self.seats, "seat"), (self.demonyms, "demonym"), (self.capitals, "capital"),
                            (self.affiliates, "affiliate")):
            hit = table.get(surface)
            if hit is None and surface.startswith("the "):
                hit = table.get(surface[4:])
            if hit is not None:
                return hit, kind
        return None

    def surfaces(self) -> dict[str, tuple[str, str]]:
        """Every surface form the table knows, mapped to (place id, kind of match)."""
        out: dict[str, tuple[str, str]] = {}
        for table, kind in ((self.affiliates, "affiliate"), (self.capitals, "capital"), (self.demonyms, "demonym"),
                            (self.seats, "seat"), (self.names, "name")):
            for surface, pid in table.items():
                out[surface] = (pid, kind)
        return out


def _split(cell: str | None) -> tuple[str, ...]:
    return tuple(x.strip() for x in (cell or "").split("|") if x.strip())


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Matching key: lowercase, no diacritics, straight apostrophes, single spaces.

    Cached: the corpus step folds the same few thousand names hundreds of thousands of times.
    """
    if text.isascii():
        return " ".join(text.lower().split())
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("\u2019", "'").replace("\u2018", "'").lower()
    return " ".join(text.split())


_TABLE: str | None = None  # set by use_table(); None means $NEWSGRAPH_PLACES, else the shipped table
_FROM_TABLE: list = []  # the cached functions built from the table (``from_table``), emptied when it changes


def from_table(cached):
    """Mark an ``lru_cache``d function whose result is built from the table: `use_table` empties it with the table's own
    caches, so a process that reads another table (a second build, a follower) never matches against the old one."""
    _FROM_TABLE.append(cached)
    return cached


def use_table(path: str | None) -> None:
    """Read the places from `path` (None: $NEWSGRAPH_PLACES or the shipped table) in this process from now on."""
    global _TABLE
    if path != _TABLE:
        _TABLE = path
        gazetteer.cache_clear()
        for cached in _FROM_TABLE:
            cached.cache_clear()


def table_path() -> Path:
    """The table in use; a missing custom table is an error the caller reports."""
    custom = _TABLE or os.environ.get("NEWSGRAPH_PLACES")
    return Path(custom) if custom else Path(str(resources.files("newsgraph.lexicons") / "data" / "places.csv"))


def open_table(path: str | Path) -> TextIO:
    """The places table at `path`, open; one that is missing or not such a table is a SettingError."""
    try:
        fh = Path(path).open(encoding="utf-8", newline="")
        header = next(csv.reader([fh.readline()]), [])
        fh.seek(0)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise SettingError(f"places table {str(path)!r} ($NEWSGRAPH_PLACES) cannot be read: {exc}") from None
    if not {"id", "name"} <= {h.strip() for h in header}:
        fh.close()
        raise SettingError(f"{str(path)!r} ($NEWSGRAPH_PLACES) is not a places table: its first line lacks the id and name columns")
    return fh


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    places: dict[str, Place] = {}
    names: dict[str, str] = {}
    demonyms: dict[str, str] = {}
    capitals: dict[str, str] = {}
    seats: dict[str, str] = {}
    affiliates: dict[str, str] = {}
    with open_table(table_path()) as fh:
        for row in csv.DictReader(fh):
            place = Place(
                id=row["id"].strip(),
                name=row["name"].strip(),
                kind=(row.get("kind") or "country").strip(),
                aliases=_split(row.get("aliases")),
                demonyms=_split(row.get("demonyms")),
                capital=(row.get("capital") or "").strip() or None,
                seats=_split(row.get("seats")),
                affiliates=_split(row.get("affiliates")),
            )
            places[place.id] = place
            for surface in (place.name, *place.aliases):
                names.setdefault(surface, place.id)
            for surface in place.demonyms:
                demonyms.setdefault(surface, place.id)
            for surface in place.seats:
                seats.setdefault(surface, place.id)
            for surface in place.affiliates:
                affiliates.setdefault(surface, place.id)
            if place.capital and place.kind in ("country", "territory"):
                capitals.setdefault(place.capital, place.id)
    return Gazetteer(places, names, demonyms, capitals, seats, affiliates)


@from_table
@lru_cache(maxsize=1)
def _in_capitals() -> dict[str, str]:
    """Every surface the table knows, keyed by its spelling in capital letters."""
    out: dict[str, str] = {}
    for surface in gazetteer().surfaces():
        out.setdefault(surface.upper(), surface)
    return out


def table_spelling(surface: str) -> str:
    """The table's own spelling of a surface written all in capitals, as headlines and datelines write names ("HONG
    KONG", "BUCHAREST", "SRI LANKA"); any other surface as it is."""
    if not surface.isupper():
        return surface
    return _in_capitals().get(surface, surface)


@from_table
@lru_cache(maxsize=1)
def known_words() -> frozenset[str]:
    """Every word of a state's name, demonym or capital: the words normalize may rejoin ("R u ssia")."""
    g = gazetteer()
    return frozenset(w for table in (g.names, g.demonyms, g.capitals) for s in table for w in s.split())


@lru_cache(maxsize=1)
def cities() -> frozenset[str]:
    """Names of the world's cities of 50,000 people or more (``data/cities.tsv``, from GeoNames: scripts/make_cities.py),
    as written and without accents: what a name the NER took for a person or a body may be when the text puts it
    where a place goes. Not states: they are the table above."""
    path = resources.files("newsgraph.lexicons") / "data" / "cities.tsv"
    with path.open(encoding="utf-8") as fh:
        return frozenset(line.split("\t", 1)[0] for line in fh if line.strip() and not line.startswith("#"))
