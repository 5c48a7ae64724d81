"""Publication date inferred from the text when the metadata has none.

The guess is the earliest day consistent with what the text says happened already, as
news is written soon after the latest event it reports. The evidence, from the time
readings of ``time_readings.candidates`` (tense from the governing verb):

1. an absolute date in a past-tense clause, or a full date outside any clause (a
   dateline), is a lower bound ("Trump promised Feb. 18, 2019" → on or after
   2019-02-18); a month written with its year is a lower bound on the *next* month, since a writer in that same month says "this month" ("In Dec. 2018" →
   from 2019-01-01); dates after "before", "until" or "by" bound nothing;
2. a month/day without a year in a past clause happened in the year of publication
   (journalists drop the year only then): "went to the border Feb. 23" → on or after Feb. 23
   of that year; a month alone ("In January") → from its first day; "earlier this year"
   → from February. Such a date more than 60 days past the bound from full dates is taken
   to be from the year before and ignored;
   A yearless date with its weekday ("on Friday, March 1") counts as a full date, in the
   first year from the latest year the text names where the two agree (2019 after "In
   2017");
3. a month or day with its year in a future-tense clause is an upper bound (a year alone,
   "by 2008", is not: plans name far years), and so is a yearless one
   at its first occurrence after the lower bound ("after January 10, when ... will be
   unrecognized"); with an upper bound the guess is at most 30 days before it, as texts
   announce coming dates a few weeks ahead.

4. weekday names in past-tense clauses ("the talks ended on Thursday") name days of the
   week before publication, and the news names by weekday what is newer than what it dates:
   the guess moves to the first such weekday on or after the bound, up to six days later
   (the latest date named is a lower bound, not the date).

A dateline (a full date alone on one of the first lines: "April 27, 2005" and a blank line)
is the publication date itself and wins over all of the above.

A text gets no guess unless it names a month or day with its year in the past, or a
coming date: from "January 29" or "Monday" alone, or from years alone (a founding year
in a banner, a history), the publication date cannot be read. On 400 BBC articles
(2004-05), also guessing from years alone put more than half of the guesses outside
2004-05; without, a third are (the latest full date a history names is old).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from newsgraph.extract.time_readings import CANDIDATES_KEY, Candidate, Reading, candidates

NO_BOUND = {"before", "until", "till", "by", "ahead"}
LEAD_TIME = dt.timedelta(days=30)
SAME_YEAR_REACH = dt.timedelta(days=60)
WEEKDAY_YEARS = 12  # a day of the year falls on the same weekday again within 11 years
DATELINE_REACH = 300  # characters from the top of the text where a dateline may stand
DATELINE_LINE = 80  # a dateline's line is short: the date, maybe a place
WEEKDAY_REACH = 6  # days after the bound a weekday named in the past can move the guess


def _first_of_next_month(year: int, month: int) -> dt.date:
    return dt.date(year + month // 12, month % 12 + 1, 1)


def _pinned(r: Reading, since: int) -> Reading:
    """A yearless date with its weekday ("Friday, March 1") in the first year from `since` where they agree."""
    if r.kind != "partial" or r.weekday is None or r.day is None or r.edge == "year":
        return r
    for year in range(since, since + WEEKDAY_YEARS):
        try:
            if dt.date(year, r.month, r.day).weekday() == r.weekday:
                return Reading("absolute", year=year, month=r.month, day=r.day, tense=r.tense, bound=r.bound)
        except ValueError:
            return r
    return r


def infer_from(readings: list[Reading]) -> str | None:
    """ISO date of the most plausible publication day given the readings of a text, or None."""
    years = [r.year for r in readings if r.kind == "absolute"]
    dated = [r for r in readings if r.kind in {"absolute", "partial"} and (r.month is not None)]
    if not years or not dated:
        return None
    latest_year = max(years)
    readings = [_pinned(r, latest_year) for r in readings]
    lower: list[dt.date] = []
    upper: list[dt.date] = []
    same_year: list[tuple[int, int]] = []  # publication on or after this (month, day) of its own year
    precise = False  # a lower bound from a month or day written with its year
    coming: list[tuple[int, int]] = []  # yearless dates in future-tense clauses
    for r in readings:
        usable = r.bound not in NO_BOUND
        if r.kind == "absolute":
            start = dt.date(r.year, r.month or 1, r.day or 1)
            if r.tense == "future":
                if r.month is not None:  # "by 2008" is no sign the text was written weeks before
                    upper.append(start)
            elif r.tense == "verbless" and r.day is not None and usable:
                lower.append(start)  # a full date standing alone is most often the dateline itself
                precise = True
            elif r.tense == "past" and usable:
                if r.day is not None:
                    lower.append(start)
                    precise = True
                elif r.month is not None:
                    lower.append(_first_of_next_month(r.year, r.month))
                    precise = True
                else:
                    lower.append(dt.date(r.year, 1, 1))
        elif r.kind == "partial":
            if r.tense == "future" and r.edge != "year":
                coming.append((r.month, r.day or 1))
            elif r.edge == "year":  # "May last year", "March this year"
                if r.offset == 0 and r.tense != "future":
                    same_year.append((r.month, 1))
            elif (r.tense == "past" or r.offset < 0) and usable:
                same_year.append((r.month, r.day or 1))
        elif r.kind == "relative" and r.unit == "year" and r.offset == 0 and r.edge == "earlier":
            same_year.append((2, 1))
    if not precise and not upper:
        return None  # only years, or months without theirs: histories name those too
    base = max(lower) if lower else dt.date(latest_year, 1, 1)
    for month, day in coming:  # the first such day after what already happened
        for year in (base.year, base.year + 1):
            try:
                when = dt.date(year, month, day)
            except ValueError:
                break
            if when > base:
                upper.append(when)
                break
    # A yearless date far after the bound from full dates most likely fell in the year before
    # ("December" in a January article): it then says nothing about the publication date.
    reach = SAME_YEAR_REACH if lower else dt.timedelta(days=366)
    earliest = base
    for month, day in same_year:
        try:
            boundary = dt.date(base.year, month, day)
        except ValueError:
            continue
        if base < boundary <= base + reach:
            earliest = max(earliest, boundary)
    weekdays = [r.weekday for r in readings if r.kind == "weekday" and r.offset <= 0 and r.tense == "past" and r.bound not in NO_BOUND]
    if weekdays:
        named = [earliest + dt.timedelta(days=(w - earliest.weekday()) % 7) for w in weekdays]
        earliest = max(earliest, min(max(named), earliest + dt.timedelta(days=WEEKDAY_REACH)))
    limit = min((u for u in upper if u > earliest), default=None)
    if limit is not None:
        earliest = max(earliest, limit - LEAD_TIME)
    elif not lower and not same_year and upper:
        earliest = min(upper) - LEAD_TIME
    return earliest.isoformat()


def infer_published(ctx) -> str | None:
    """The inferred publication date of ctx's article, kept in ``ctx.result.published_guess``.

    ``times.extract`` calls it first, to anchor relative expressions; this stage, the last,
    only makes sure it ran.
    """
    if ctx.result.published_guess is None:
        found = candidates(ctx.doc)
        text = ctx.norm.text if ctx.norm is not None else ctx.doc.text  # the parsed text; Doc.text rebuilds it token by token
        ctx.result.published_guess = dateline(text, ((ctx.doc[c.start].idx, c) for c in found)) or infer_from(
            [c.reading for c in found]
        )
    return ctx.result.published_guess


def dateline(text: str, found: Iterable[tuple[int, Candidate]]) -> str | None:
    """The date of a dateline near the top: a full date (day, month, year) on a short line of its own.

    `found` is read in text order only as far as DATELINE_REACH, so a generator spares the offsets of the rest."""
    for offset, cand in found:
        if offset > DATELINE_REACH:
            break
        r = cand.reading
        if r.kind != "absolute" or r.day is None or r.month is None:
            continue
        start = text.rfind("\n", 0, offset) + 1
        end = text.find("\n", offset)
        line = text[start : end if end >= 0 else len(text)]
        if len(line.strip()) <= DATELINE_LINE and (r.tense == "verbless" or len(line.split()) <= 6):
            try:
                return dt.date(r.year, r.month, r.day).isoformat()
            except ValueError:
                return None
    return None


def extract(ctx) -> None:
    """Make sure ``published_guess`` is set when the article came without a date, then drop the shared readings."""
    if ctx.article.published is None:
        infer_published(ctx)
    ctx.doc.user_data.pop(CANDIDATES_KEY, None)  # plain data only in user_data, should the Doc be serialized
