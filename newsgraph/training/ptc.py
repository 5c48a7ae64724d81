"""Reading a labelled folder in the Propaganda Techniques Corpus layout.

Accepted layouts: ``DIR/articles/article<ID>.txt`` with ``DIR/labels/article<ID>.task2-TC.labels``,
or both kinds of file directly in ``DIR``. A label line is ``id <TAB> technique <TAB> start <TAB> end``
with character offsets into the article file as read (UTF-8).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from newsgraph.errors import InputError
from newsgraph.ingest.readers import Problem, decode

_ARTICLE = re.compile(r"^article(\w+)\.txt$")
_LABELS = re.compile(r"^article(\w+)\..*labels$")


@dataclass(frozen=True, slots=True)
class GoldSpan:
    doc: str
    technique: str
    start: int
    end: int


@dataclass(slots=True)
class LabelledArticle:
    id: str
    path: str
    text: str
    spans: list[GoldSpan] = field(default_factory=list)


def _files(folder: Path, pattern: re.Pattern) -> dict[str, Path]:
    found = {}
    for sub in (folder, folder / "articles", folder / "labels"):
        if sub.is_dir():
            for p in sub.iterdir():
                m = pattern.match(p.name)
                if m and p.is_file():
                    found.setdefault(m.group(1), p)
    return found


def read_folder(folder: str | Path, require_labels: bool = True) -> list[LabelledArticle]:
    """Every article of a PTC-format folder with its gold spans, sorted by article id (with `require_labels`, those
    that have a labels file: ``without_labels`` names the others, for the caller to say they are left out)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"{str(folder)!r} is not a folder")
    articles = _files(folder, _ARTICLE)
    labels = _files(folder, _LABELS)
    if not articles:
        raise InputError(f"no article<ID>.txt files in {str(folder)!r} or its articles/ folder")
    if require_labels and not labels:
        raise InputError(f"no article<ID>...labels files in {str(folder)!r} or its labels/ folder")
    out = []
    for aid in sorted(articles):
        if require_labels and aid not in labels:
            continue
        path = articles[aid]
        try:
            text, _ = decode(path.read_bytes())
        except Problem as problem:
            raise InputError(f"{path}: {problem.reason}") from None
        item = LabelledArticle(id=aid, path=str(path), text=text)
        if aid in labels:
            item.spans.extend(_spans(labels[aid], aid, len(text)))
        out.append(item)
    return out


def without_labels(folder: str | Path) -> list[str]:
    """The ids of the articles in a PTC-format folder that have no labels file, sorted. In the PTC an article
    without techniques still has a labels file (an empty one), so a missing one is more likely a file left out of a
    copy than an article with no techniques: it is left out of training and scoring, and the commands say so."""
    folder = Path(folder)
    labels = _files(folder, _LABELS)
    return sorted(aid for aid in _files(folder, _ARTICLE) if aid not in labels) if labels else []


def label_rows(path: Path) -> Iterator[tuple[int, str, str, int, int]]:
    """(line number, article id, technique, start, end) of each line of a file in the PTC label format
    (``id<TAB>technique<TAB>start<TAB>end``): gold labels and prediction files alike. A line that is not one is an
    error naming the file and the line."""
    try:
        # split on newlines, not splitlines: a form feed or U+2028 inside a line would shift the line numbers
        lines = path.read_bytes().decode("utf-8").split("\n")
    except UnicodeDecodeError as e:
        raise InputError(f"{path}: not UTF-8 text (byte {e.start}); expected 'id<TAB>technique<TAB>start<TAB>end' lines") from None
    except OSError as e:
        raise InputError(f"cannot read {path}: {e.strerror or e}") from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        parts = line.rstrip("\r").split("\t")
        if len(parts) < 4:
            raise InputError(f"{path}:{n}: expected 'id<TAB>technique<TAB>start<TAB>end'")
        try:
            start, end = int(parts[2]), int(parts[3])
        except ValueError:
            raise InputError(f"{path}:{n}: start and end must be whole numbers, not {parts[2]!r} and {parts[3]!r}") from None
        yield n, parts[0], parts[1], start, end


def _spans(path: Path, aid: str, length: int) -> list[GoldSpan]:
    """The gold spans of one labels file; a span past the text's end or reversed is an error naming its line (it
    would silently bend every score)."""
    spans = []
    for n, _, technique, start, end in label_rows(path):
        if not 0 <= start <= end <= length:
            raise InputError(f"{path}:{n}: span {start}-{end} is not inside the article ({length} characters)")
        spans.append(GoldSpan(aid, technique, start, end))
    return spans


def split(articles: list, holdout: float) -> tuple[list, list]:
    """(first part, held-out last part) of articles sorted by id; `holdout` is the held-out fraction."""
    if not holdout:
        return list(articles), []
    if not 0 < holdout < 1:
        raise InputError("--holdout must be a fraction between 0 and 1")
    ordered = sorted(articles, key=lambda a: a.id)
    cut = len(ordered) - max(1, round(len(ordered) * holdout))
    return ordered[:cut], ordered[cut:]
