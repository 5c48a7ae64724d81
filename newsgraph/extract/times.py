"""Temporal expressions, normalized against the document's date, with TimeML's reading beside them.

Each expression becomes a ``TimeExpr`` with two values:

* ``value`` for timelines: an ISO day ("2019-01-23"), week ("2019-W05"), month ("2018-12"), year
  ("2017") or range ("2019-01-01/2019-02-23"), with ``granularity`` day | week | month | year |
  range; durations get a range only when anchored ("the past two years"), otherwise ``duration``;
  sets ``set``; reference words and unread expressions ``unknown``;
* ``type`` and ``timex``, TimeML's TIMEX3 type (DATE, TIME, DURATION, SET) and value (2008-Q1,
  2012-SU, 2013-W11, 2013-03-22TAF, P5Y, PXD, PT24H, XXXX-WXX-1, PRESENT_REF, 199, 19 …).

``anchor`` is the date a relative or partial expression was resolved against. Ages
("35-year-old") and ordinals ("11th-hour") are not times and are left out.

The cascade, per span:
1. candidates and their anchor-free readings come from ``time_readings`` (shared with ``pubdate``);
2. resolution against the anchor, with the tense of the governing verb choosing between the past
   and the coming occurrence of a partial date, weekday, season or holiday (``resolve``);
3. TimeML's value from the reading and the resolved value (``timeml``); expressions that point back
   ("a year earlier", "that year", "the year-ago quarter", a clock time without its day) are read
   against the time the text named before them, in document order (``extract``);
4. dateparser only for numeric dates ("31/12/2004", "2019-03-04"), with one parser per anchor and
   results cached. On the rest it was slow and mostly wrong on 200 BBC articles ("three months of
   2004" → 2026-08); its ``search_dates`` over TimeBank + AQUAINT finds 0.62 relaxed span F1 and
   0.13 value F1 (it gives days, no durations, sets or TimeML values) in 391 s against our 0.79.

The anchor is ``article.published`` or, when missing, the date ``pubdate.infer_published``
infers from the same readings (shared through ``doc.user_data``).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import replace
from functools import lru_cache

from newsgraph.extract.pubdate import infer_published
from newsgraph.extract.time_readings import DAY_KINDS, MONTHS, UNIT_CODES, UNIT_DAYS, Reading, candidates  # noqa: F401  (amounts reads MONTHS here)
from newsgraph.model import TimeExpr

def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _add_months(d: dt.date, months: int) -> tuple[int, int]:
    total = d.year * 12 + d.month - 1 + months
    return total // 12, total % 12 + 1


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def partial_year(month: int, day: int | None, anchor: dt.date, tense: str, offset: int = 0) -> int:
    """The year of a month(/day) without one: the last occurrence for the past, the next for the future, else the nearest."""
    def at(y: int) -> dt.date:
        return _safe_date(y, month, day or 1) or dt.date(y, month, 1)

    if day is None:
        ref = dt.date(anchor.year, anchor.month, 1)
    else:
        ref = anchor
    if offset < 0:  # "last February": the one before the current month, and last year's when it is the month just gone
        first = dt.date(anchor.year, anchor.month, 1)  # (that one a writer calls "last month")
        return anchor.year if at(anchor.year) < ref and (first - at(anchor.year)).days > 31 else anchor.year - 1
    if tense == "past":
        return anchor.year if at(anchor.year) <= ref else anchor.year - 1
    if tense == "future" or offset > 0:
        return anchor.year if at(anchor.year) >= ref else anchor.year + 1
    options = [anchor.year - 1, anchor.year, anchor.year + 1]
    return min(options, key=lambda y: abs((at(y) - ref).days))


def resolve(reading: Reading, anchor: dt.date | None, text: str = "") -> tuple[str | None, str]:
    """(value, granularity) of a reading against an anchor date."""
    kind = reading.kind
    if kind == "absolute":
        if reading.day is not None and reading.month is not None:
            d = _safe_date(reading.year, reading.month, reading.day)
            return (d.isoformat(), "day") if d else (None, "unknown")
        if reading.month is not None:
            return f"{reading.year:04d}-{reading.month:02d}", "month"
        return f"{reading.year:04d}", "year"
    if kind == "decade":
        return f"{reading.year:04d}-01-01/{reading.year + 9:04d}-12-31", "range"
    if kind == "years":
        return f"{reading.year:04d}-01-01/{reading.offset:04d}-12-31", "range"
    if kind == "part":
        return _part(reading), "range"
    if kind == "duration":
        if reading.year is not None and reading.unit == "month" and reading.count:  # "the first nine months of 1989"
            first = 1 if reading.offset >= 0 else 13 - int(reading.count)
            last = min(12, first + int(reading.count) - 1)
            return f"{dt.date(reading.year, first, 1).isoformat()}/{_month_end(reading.year, last).isoformat()}", "range"
        return None, "duration"
    if kind == "ordinal":  # "today is the eighth day of the operation": the day of the report
        if reading.unit == "day" and reading.tense == "present" and anchor is not None:
            return anchor.isoformat(), "day"
        return None, "unknown"
    if kind in {"unknown", "ref", "anaphoric"}:
        return None, "unknown"  # an anaphoric time is resolved by extract, against the time named before it
    if kind == "set":
        return None, "set"
    if kind == "century" and reading.year is not None:
        return f"{reading.year:04d}-01-01/{reading.year + 99:04d}-12-31", "range"
    if kind == "quarter":
        found = _quarter(reading, anchor, None)
        return (_quarter_range(*found, reading.unit), "range") if found else (None, "range")
    if kind == "holiday" and reading.year is not None:
        d = holiday_date(reading.part, reading.year)
        return (d.isoformat(), "day") if d else (None, "unknown")
    if kind == "season" and reading.year is not None:
        return _season_range(reading.year, reading.part), "range"
    granularity = {"partial": "day" if reading.day else "month", "weekday": "day", "deictic": "day", "until": "range"}.get(kind)
    if kind == "until" and reading.year is not None:
        return _until(reading, None), "range"
    if kind == "relative":
        granularity = "day" if reading.unit in {"hour", "minute"} else "range" if reading.edge in {"span", "ahead", "earlier", "later"} else {
            "day": "day", "week": "week", "weekend": "range", "fortnight": "range", "month": "month", "year": "year",
            "quarter": "range", "decade": "range", "century": "range", "hour": "day", "minute": "day",
        }[reading.unit]
    if kind == "ago":
        granularity = {"month": "month", "year": "year", "decade": "year", "century": "year"}.get(reading.unit, "day")
    if kind == "fallback":
        return _dateparse(text, anchor.isoformat() if anchor else None)
    if anchor is None:
        return None, granularity or "unknown"
    if kind == "until":
        return _until(reading, anchor), "range"
    if kind == "partial" and reading.edge == "year":
        return f"{anchor.year + reading.offset:04d}-{reading.month:02d}", "month"
    if kind == "partial":
        year = partial_year(reading.month, reading.day, anchor, reading.tense, reading.offset)
        if reading.day and reading.weekday is not None:  # "Monday, Oct. 26": the nearby year where the two agree
            agree = [y for y in (year, year - 1, year + 1) if (d := _safe_date(y, reading.month, reading.day)) and d.weekday() == reading.weekday]
            year = agree[0] if agree else year
        if reading.day:
            d = _safe_date(year, reading.month, reading.day)
            return (d.isoformat(), "day") if d else (None, "unknown")
        return f"{year:04d}-{reading.month:02d}", "month"
    if kind == "weekday":
        back = (anchor.weekday() - reading.weekday) % 7
        ahead = (reading.weekday - anchor.weekday()) % 7
        # a weekday in a present-tense clause is most often a coming one ("meets Monday", "the deadline is Friday")
        future = reading.offset > 0 or (reading.offset == 0 and reading.tense in {"future", "present"}) or (
            reading.offset == 0 and reading.bound in {"until", "till"} and reading.tense != "past")  # "postponed until Tuesday"
        if reading.offset < 0 and back == 0:
            back = 7
        d = anchor + dt.timedelta(days=ahead) if future else anchor - dt.timedelta(days=back)
        return d.isoformat(), "day"
    if kind == "deictic":
        return (anchor + dt.timedelta(days=reading.offset)).isoformat(), "day"
    if kind == "holiday":
        options = [d for y in (anchor.year - 1, anchor.year, anchor.year + 1) if (d := holiday_date(reading.part, y))]
        near = [d for d in options if abs((d - anchor).days) <= 45]
        if reading.offset == 0 and len(near) == 1:
            d = near[0]  # a holiday within weeks of the anchor is that one, whatever the tense
        elif reading.offset > 0 or reading.offset == 0 and reading.tense in {"future", "present"}:
            d = next((d for d in options if d >= anchor), options[-1])
        else:
            d = [d for d in options if d < anchor or reading.offset == 0 and d == anchor][-1]
        return d.isoformat(), "day"
    if kind == "relative" and reading.edge == "tense":  # "the weekend": the last one, or the coming one
        saturday = anchor - dt.timedelta(days=anchor.weekday()) + dt.timedelta(days=5)
        if reading.tense in {"past", "neutral", "verbless"} and saturday > anchor:
            saturday -= dt.timedelta(days=7)
        return f"{saturday.isoformat()}/{(saturday + dt.timedelta(days=1)).isoformat()}", "range"
    if kind == "century":
        first = (anchor.year // 100 + reading.offset) * 100
        return f"{first:04d}-01-01/{first + 99:04d}-12-31", "range"
    if kind == "season":
        year = _season_year(reading, anchor)
        return _season_range(year, reading.part), "range"
    if kind == "shift":
        return f"{anchor.year - 1:04d}", "year"
    if kind == "ago":
        if reading.unit in {"month", "year", "decade", "century"}:
            months = reading.offset * {"month": 1, "year": 12, "decade": 120, "century": 1200}[reading.unit]
            y, m = _add_months(anchor, -months)
            return (f"{y:04d}-{m:02d}", "month") if reading.unit == "month" else (f"{y:04d}", "year")
        return (anchor - dt.timedelta(days=reading.offset * UNIT_DAYS.get(reading.unit, 1))).isoformat(), "day"
    return _relative(reading, anchor), granularity


SEASON_MONTHS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "WI": (12, 14)}


def holiday_date(name: str, year: int) -> dt.date | None:
    """The day of a holiday in a year (Easter by the Gregorian computus, through dateutil)."""
    from newsgraph.extract.time_readings import HOLIDAYS

    rule = HOLIDAYS[name]
    if rule == (0, 0):
        from dateutil.easter import easter

        return easter(year)
    if len(rule) == 2:
        return _safe_date(year, *rule)
    month, weekday, nth = rule
    if name == "election day":  # the Tuesday after the first Monday of November
        first = dt.date(year, 11, 1)
        monday = first + dt.timedelta(days=(0 - first.weekday()) % 7)
        return monday + dt.timedelta(days=1)
    if nth > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
    last = _month_end(year, month)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def _season_year(reading: Reading, anchor: dt.date) -> int:
    """The year of "last summer", "this fall", "the winter": TimeML names a winter by the year it starts in."""
    if reading.year is not None:
        return reading.year
    first = SEASON_MONTHS[reading.part][0]
    current = anchor.year if anchor.month >= first or reading.part != "WI" else anchor.year - 1
    if reading.part == "WI" and anchor.month <= 2:
        current = anchor.year - 1
    started = dt.date(current, first, 1) <= anchor
    if reading.offset < 0:
        return current - 1 if started else current - 1
    if reading.offset > 0:
        return current + 1 if started else current
    if reading.tense == "past" and not started:
        return current - 1
    return current


def _season_range(year: int, code: str) -> str:
    first, last = SEASON_MONTHS[code]
    end_year, end_month = (year + 1, last - 12) if last > 12 else (year, last)
    return f"{dt.date(year, first, 1).isoformat()}/{_month_end(end_year, end_month).isoformat()}"


def _quarter(reading: Reading, anchor: dt.date | None, previous: tuple[int, int] | None) -> tuple[int, int] | None:
    """(year, number) of a quarter or half: written, or found from the anchor, the tense and the quarter spoken of before."""
    size = 3 if reading.unit == "quarter" else 6
    per_year = 12 // size
    if reading.edge == "shift":
        if previous is not None:
            return previous[0] - 1, reading.day or previous[1]
        if anchor is None:
            return None
        y, n = _step(anchor.year, (anchor.month - 1) // size + 1, -1, per_year)
        return y - 1, reading.day or n
    if reading.year is not None and reading.day is not None:
        return reading.year, reading.day
    if anchor is None:
        return None
    current = (anchor.month - 1) // size + 1
    if reading.day is None:
        if reading.year is not None:  # "the 1989 period": the last one of that year reported
            return reading.year, per_year if reading.year < anchor.year else max(1, current - 1)
        if reading.edge == "latest":
            return _step(anchor.year, current, -1, per_year)
        return _step(anchor.year, current, reading.offset, per_year)
    number = reading.day
    options = [(y, number) for y in (anchor.year - 1, anchor.year, anchor.year + 1)]

    def start(q: tuple[int, int]) -> dt.date:
        return dt.date(q[0], (q[1] - 1) * size + 1, 1)

    if reading.offset > 0:
        return anchor.year + 1, number
    if reading.offset < 0:
        return anchor.year - 1, number
    # whatever the tense, a numbered quarter is the latest one that has begun: reports of a quarter come
    # just after it, expectations while it runs, and fiscal quarters end months before the calendar's
    if reading.tense == "future" and start((anchor.year, number)) > anchor:
        return anchor.year, number  # "expects growth in the second half", said in March: the half to come, not last year's
    if reading.tense == "future" and _month_end(anchor.year, number * size) + dt.timedelta(days=92) < anchor:
        return anchor.year + 1, number  # "expects a loss in the first quarter", said in November: next year's
    begun = [q for q in options if start(q) <= anchor]
    return begun[-1] if begun else options[0]


def _step(year: int, number: int, offset: int, per_year: int) -> tuple[int, int]:
    total = year * per_year + number - 1 + offset
    return total // per_year, total % per_year + 1


def _quarter_range(year: int, number: int, unit: str) -> str:
    size = 3 if unit == "quarter" else 6
    first = (number - 1) * size + 1
    return f"{dt.date(year, first, 1).isoformat()}/{_month_end(year, first + size - 1).isoformat()}"


def _part(reading: Reading) -> str:
    """"the fourth quarter of 2004" → 2004-10-01/2004-12-31; "the first three months of 2005" → January to March."""
    months = {"quarter": 3, "half": 6, "month": 1}[reading.unit] * (reading.day or 1 if reading.unit == "month" else 1)
    index = reading.offset
    first = (12 - months + 1) if index == -1 else (1 if reading.unit == "month" else (index - 1) * months + 1)
    first = min(max(first, 1), 12)
    last = min(first + months - 1, 12)
    return f"{dt.date(reading.year, first, 1).isoformat()}/{_month_end(reading.year, last).isoformat()}"


def _until(reading: Reading, anchor: dt.date | None) -> str | None:
    """"the year to March 2005" → 2004-04-01/2005-03-31: a stretch of time ending with a month or day."""
    year = reading.year if reading.year is not None else partial_year(reading.month, reading.day, anchor, "past")
    end = _safe_date(year, reading.month, reading.day) if reading.day else _month_end(year, reading.month)
    if end is None:
        return None
    if reading.unit in {"day", "week", "fortnight"}:
        start = end - dt.timedelta(days=reading.offset * UNIT_DAYS[reading.unit] - 1)
    else:
        months = reading.offset * {"month": 1, "quarter": 3, "year": 12, "decade": 120}.get(reading.unit, 12)
        y, m = _add_months(end, -months)
        start = dt.date(y, m, 1) if end == _month_end(end.year, end.month) else (_safe_date(y, m, end.day) or dt.date(y, m, 1))
        start = _add_one_month_start(start) if end == _month_end(end.year, end.month) else start + dt.timedelta(days=1)
    return f"{start.isoformat()}/{end.isoformat()}"


def _add_one_month_start(d: dt.date) -> dt.date:
    y, m = _add_months(d, 1)
    return dt.date(y, m, 1)


def _relative(reading: Reading, anchor: dt.date) -> str | None:
    unit, offset, edge = reading.unit, reading.offset, reading.edge
    if edge == "span" and unit in {"hour", "minute"}:  # "in the last few hours": the day itself
        return anchor.isoformat()
    if edge in {"span", "ahead"}:  # "the past few days", "the next two years": from or up to the anchor
        sign = -1 if edge == "span" else 1
        months = {"month": 1, "quarter": 3, "year": 12, "decade": 120, "century": 1200}.get(unit)
        if months:
            y, m = _add_months(anchor, sign * max(1, offset) * months)
            other = _safe_date(y, m, anchor.day) or _month_end(y, m)
        else:
            other = anchor + sign * dt.timedelta(days=max(1, offset) * UNIT_DAYS.get(unit, 1))
        first, last = sorted((anchor, other))
        return f"{first.isoformat()}/{last.isoformat()}"
    if unit in {"day", "hour", "minute"}:
        return (anchor + dt.timedelta(days=offset)).isoformat()
    if unit in {"week", "weekend", "fortnight"}:
        monday = anchor - dt.timedelta(days=anchor.weekday()) + dt.timedelta(weeks=offset)
        start, end = monday, monday + dt.timedelta(days=6)
        if unit == "weekend":
            start = monday + dt.timedelta(days=5)
        elif edge is None:
            iso = monday.isocalendar()
            return f"{iso[0]:04d}-W{iso[1]:02d}"
    elif unit == "month":
        y, m = _add_months(anchor, offset)
        if edge is None:
            return f"{y:04d}-{m:02d}"
        start, end = dt.date(y, m, 1), _month_end(y, m)
    elif unit == "year":
        y = anchor.year + offset
        if edge is None:
            return f"{y:04d}"
        start, end = dt.date(y, 1, 1), dt.date(y, 12, 31)
    elif unit == "quarter":
        q = (anchor.month - 1) // 3 + offset
        y, m = _add_months(dt.date(anchor.year, 1, 1), q * 3)
        start, end = dt.date(y, m, 1), _month_end(*_add_months(dt.date(y, m, 1), 2))
    else:
        return None
    if edge == "earlier" and offset == 0:
        end = anchor
    elif edge == "later" and offset == 0:
        start = anchor
    elif edge == "earlier":
        end = start + (end - start) / 2
    elif edge == "later":
        start = start + (end - start) / 2
    return f"{start.isoformat()}/{end.isoformat()}"


@lru_cache(maxsize=8)
def _date_parser(anchor: str | None):
    from dateparser.date import DateDataParser  # imported late: it takes a while and most spans never need it

    settings = {"PREFER_DATES_FROM": "past", "REQUIRE_PARTS": ["month"], "RETURN_TIME_AS_PERIOD": True}
    if anchor:
        settings["RELATIVE_BASE"] = dt.datetime.fromisoformat(anchor)
    return DateDataParser(languages=["en"], settings=settings)


@lru_cache(maxsize=4096)
def _dateparse(text: str, anchor: str | None) -> tuple[str | None, str]:
    """dateparser's reading of an expression the rules do not know; cached per (text, anchor)."""
    data = _date_parser(anchor).get_date_data(text)
    if data is None or data.date_obj is None:
        return None, "unknown"
    d = data.date_obj.date()
    period = data.period or "day"
    if period == "year":
        return f"{d.year:04d}", "year"
    if period == "month":
        return f"{d.year:04d}-{d.month:02d}", "month"
    if period == "week":
        iso = d.isocalendar()
        return f"{iso[0]:04d}-W{iso[1]:02d}", "week"
    return d.isoformat(), "day"


def timeml(reading: Reading, anchor: dt.date | None, value: str | None, granularity: str) -> tuple[str, str | None]:
    """(TimeML type, TIMEX3 value) of a resolved reading: "DATE", "2008-Q1"; "DURATION", "P5Y"; "SET", "XXXX-WXX-1" …"""
    kind = reading.kind
    if kind == "ref":
        return "DATE", reading.part
    if kind == "set":
        return "SET", _set_value(reading)
    if kind == "duration" and reading.edge == "taken":  # a time taken, "2:05:36": PT2H5M36S, each unit as written
        hours, rest = divmod(int(reading.count), 3600)
        return "DURATION", "PT" + "".join(f"{n}{c}" for n, c in ((hours, "H"), (rest // 60, "M"), (rest % 60, "S")) if n)
    if kind in {"duration", "until"} or kind == "relative" and reading.edge in {"span", "ahead"}:
        count = reading.count if kind != "until" else reading.offset
        return "DURATION", duration_value(count, reading.unit)
    if kind == "decade":
        return "DATE", f"{reading.year // 10:03d}"
    if kind == "century":
        first = reading.year if reading.year is not None else ((anchor.year // 100 + reading.offset) * 100 if anchor else None)
        return "DATE", f"{first // 100:02d}" if first is not None else None
    if kind == "quarter" and value:
        year, month = int(value[:4]), int(value[5:7])
        return "DATE", f"{year:04d}-Q{(month - 1) // 3 + 1}" if reading.unit == "quarter" else f"{year:04d}-H{(month - 1) // 6 + 1}"
    if kind == "part" and value:
        year, month = int(value[:4]), int(value[5:7])
        if reading.unit == "month":
            return "DURATION", duration_value(reading.day or 1, "month")
        return "DATE", f"{year:04d}-Q{(month - 1) // 3 + 1}" if reading.unit == "quarter" else f"{year:04d}-H{(month - 1) // 6 + 1}"
    if kind == "season":
        return "DATE", f"{value[:4]}-{reading.part}" if value else f"XXXX-{reading.part}"
    if reading.unit == "weekend" and kind == "relative" and value and "/" in value:
        iso = dt.date.fromisoformat(value[:10]).isocalendar()
        return "DATE", f"{iso[0]:04d}-W{iso[1]:02d}-WE"
    if kind == "holiday" and value and reading.unit == "week":
        iso = dt.date.fromisoformat(value).isocalendar()
        return "DATE", f"{iso[0]:04d}-W{iso[1]:02d}"
    if reading.edge == "week of" and value and len(value) == 10:
        iso = dt.date.fromisoformat(value).isocalendar()
        return "DATE", f"{iso[0]:04d}-W{iso[1]:02d}"
    if kind == "relative" and reading.unit == "decade" and reading.edge is None and anchor is not None:
        return "DATE", f"{anchor.year // 10 + reading.offset:03d}"  # "the last decade": 198
    if kind == "relative" and reading.edge in {"earlier", "later"} and anchor is not None:
        value, granularity = resolve(replace(reading, edge=None), anchor)
    if value is None:
        if kind == "weekday":
            value = f"XXXX-WXX-{reading.weekday + 1}"
        elif kind == "partial":
            value = f"XXXX-{reading.month:02d}" + (f"-{reading.day:02d}" if reading.day else "")
    elif granularity == "range" and kind != "years":
        value = None
    if reading.part and value is not None and kind != "holiday":
        day = value if len(value) == 10 or value.startswith("XXXX") else None
        if day is not None:
            return "TIME", f"{day}T{reading.part}"
    return "DATE", value


def duration_value(count: float | None, unit: str | None) -> str | None:
    """A TIMEX3 duration: P5Y, PT24H, P2Y6M, PXD (vague count), P10Y for a decade."""
    if unit is None and count is None:
        return "PXX"  # "for a while": a length whose unit is not said either
    if unit is None or unit not in UNIT_CODES:
        return None
    code, per = UNIT_CODES[unit]
    time = code.startswith("T")
    letter = code[-1]
    if count is None:
        letter = {"decade": "E", "century": "C"}.get(unit, letter)
        return f"PTX{letter}" if time else f"PX{letter}"
    amount = count * per
    if amount != int(amount):
        whole, rest = int(amount), amount - int(amount)
        if time:  # "an hour and a half": PT1H30M; "a minute and a half": PT1M30S
            smaller = {"H": (60, "M"), "M": (60, "S")}.get(letter)
        else:
            smaller = {"Y": (12, "M"), "D": (24, "TH"), "W": (7, "D")}.get(letter)
        if smaller is not None:
            n, small = smaller
            head = f"{whole}{letter}" if whole else ""
            if time or small.startswith("T"):
                return f"P{'T' if time else ''}{head}{'T' if not time else ''}{round(rest * n)}{small[-1]}"
            return f"P{head}{round(rest * n)}{small}"
    return f"PT{int(amount)}{letter}" if time else f"P{int(amount)}{letter}"


def _set_value(reading: Reading) -> str | None:
    if reading.weekday is not None:
        return f"XXXX-WXX-{reading.weekday + 1}" + (f"T{reading.part}" if reading.part in {"MO", "AF", "EV", "NI"} else "")
    if reading.month is not None:
        return f"XXXX-{reading.month:02d}"
    if reading.unit == "quarter" and reading.day:
        return f"XXXX-Q{reading.day}"
    if reading.part in {"SU", "SP", "FA", "WI"}:
        return f"XXXX-{reading.part}"
    if reading.part and reading.unit is None:
        return f"XXXX-XX-XXT{reading.part}"
    return duration_value(reading.count or 1, reading.unit)


def extract(ctx) -> None:
    """Append a TimeExpr for every temporal expression, resolved against the (maybe inferred) publication date.

    A span of two years ("2009-2010", "1957-58") becomes two expressions, as TimeML writes them; "a year
    earlier" and "the year-ago quarter" are a year before the quarter the text last spoke of.
    """
    anchor_text = ctx.article.published or infer_published(ctx)
    anchor = _parse_anchor(anchor_text)
    doc = ctx.doc
    if anchor is not None and ctx.article.published:
        anchor = _dateline_day(doc, anchor) or anchor
    anchor_iso = anchor.isoformat() if anchor else None
    clocks: list[int] = []  # times of day said without their day ("at 10:35 a.m.")
    last_quarter: tuple[int, int, str] | None = None  # the quarter (or half) the text last spoke of
    fiscal_quarter: tuple[int, int, int] | None = None  # (year, number, sentence) of the last quarter the text called fiscal
    last_ref: tuple[str, str | None, int] | None = None  # ("quarter" | "date" | "other", value, sentence) of the last time
    last_day: dt.date | None = None  # the last day the text named, for "the previous Friday"
    prev_end: int | None = None  # where the last candidate ended (token index)
    last_day_sentence = -2
    events: dict[int, object] = {}  # the span of each clock time and day, by its index in the times
    for cand in candidates(doc):
        span = doc[cand.start : cand.end]
        reading = cand.reading
        sentence = ctx.sentence_index(span[0])
        if reading.kind == "years":
            for part_start, part_end, year in _year_parts(span, reading):
                s, e, text = ctx.original(doc[part_start].idx, doc[part_end - 1].idx + len(doc[part_end - 1].text))
                ctx.result.times.append(TimeExpr(start=s, end=e, text=text, value=f"{year:04d}", granularity="year", anchor=None,
                                                 sentence=sentence, type="DATE", timex=f"{year:04d}"))
            continue
        if reading.kind == "quarter" and reading.count == -1 and last_quarter is None:
            continue  # "the latest period" is a quarter only where the text speaks of quarters
        if reading.kind == "weekday" and reading.edge == "anaphoric":
            reading = replace(reading, edge=None)
            named = last_day if last_day is not None else anchor
            value, granularity = _weekday_from(named, reading.weekday, reading.offset) if named else (None, "day")
        else:
            value, granularity = resolve(reading, anchor, span.text)
            if reading.kind == "deictic" and span.text.lower() == "overnight" and anchor is not None:
                # the night before the day spoken of ("closed lower Friday ... depressed by overnight losses"): TimeML dates a
                # night by the evening it starts, so the day before that day, or before the report's
                day = last_day if last_day is not None and sentence - last_day_sentence <= 1 else anchor
                value, granularity = (day - dt.timedelta(days=1)).isoformat(), "day"
            elif reading.edge == "verdict" and anchor is not None:  # "it was a great day": the day named just before, else the report's
                day = last_day if last_day is not None and sentence - last_day_sentence <= 1 else anchor
                value, granularity = day.isoformat(), "day"
        if reading.shift and value and granularity == "day" and (day := _parse_anchor(value)) is not None:
            value = (day + dt.timedelta(days=reading.shift)).isoformat()  # "the day after Christmas"
        kind_type, timex = timeml(reading, anchor, value, granularity)
        if reading.edge == "week of" and timex and "-W" in timex:
            value, granularity = timex, "week"  # the week, on the timeline too
        if reading.kind == "anaphoric":
            previous = last_ref[1] if last_ref and last_ref[0] == "date" else None
            step = {"after": 1, "before": -1}.get(doc[cand.end].lower_) if cand.end < len(doc) else None
            appositive = span.root.dep_ == "appos" or prev_end == cand.start - 1 and doc[prev_end].text == ","  # "Oct. 12, the day before the plunge"
            if step and reading.unit == "day" and reading.offset == 0 and reading.edge is None and not appositive:
                reading = replace(reading, offset=step)  # "the day after his death": the day after the one just named
            if previous is None and reading.unit == "day" and reading.offset == 0 and (reading.edge or reading.part) and ctx.article.published and anchor_iso:
                previous = anchor_iso  # "later in the day" before any other day is named: the day of the report
            value, granularity, kind_type, timex = _anaphoric(reading, previous)
            if value is None and span.text.lower() in {"the day", "that day"}:
                continue  # "the day belonged to Poland", "strong redemptions that day": no day was named to point back to
        after_quarter = last_ref is not None and last_ref[0] == "quarter" and sentence - last_ref[2] <= 2
        shifted = False
        this_closed = reading.kind == "quarter" and reading.edge is None and reading.day is None and reading.year is None and (
            reading.offset == 0 and reading.tense == "past" and after_quarter)  # "This quarter's loss includes ..." after a report of one
        after_months = last_ref is not None and last_ref[0] == "other" and bool(last_ref[1]) and re.fullmatch(r"P\d+M", last_ref[1]) and (
            sentence - last_ref[2] <= 1)  # "For the nine months, ..." just before
        if reading.kind == "quarter" and reading.edge == "shift" and reading.day is None and span[-1].lower_ == "period" and after_months:
            value, granularity, kind_type, timex = None, "duration", "DURATION", last_ref[1]  # "the year-earlier period": those months a year back
            shifted = True
        elif reading.kind == "quarter" and reading.edge is None and reading.day is not None and reading.year is None and (
            fiscal_quarter is not None and sentence - fiscal_quarter[2] <= 1 and cand.end < len(doc)
            and doc[cand.end].lower_ in {"ended", "ending"} and not any(t.lower_ in _ORDINAL_WORDS for t in span)
        ):  # "in the fiscal first quarter. ... for the quarter ended Sept. 29": that quarter, by its fiscal number, not the calendar's
            value, granularity, kind_type, timex = _quarter_value(fiscal_quarter[0], fiscal_quarter[1], "quarter")
        elif reading.kind == "quarter" and last_quarter is not None and (
            reading.edge in {"shift", "that"} or reading.year is not None and reading.day is None or this_closed
            or reading.edge == "latest" and reading.year is None and reading.day is None and bool(timex) and timex[:4].isdigit()
            and last_quarter[0] >= int(timex[:4])  # "the quarter", "the latest period": the quarter reported, also a fiscal one
        ):  # ("fourth-quarter earnings" of a year that ends in September), not the calendar's; never an older year's quarter
            last_year, n, unit = last_quarter
            y = last_year - 1 if reading.edge == "shift" else (reading.year if reading.year is not None else last_year)
            value, granularity, kind_type, timex = _quarter_value(y, reading.day or n, unit)
            # "the 1988 period" after a 1989 quarter is the year-ago one: what follows still compares with 1989
            shifted = reading.edge == "shift" or y < last_year
        elif last_quarter is not None and after_quarter and (
            reading.kind == "shift" or reading.kind == "relative" and reading.unit == "year" and reading.offset == -1
            and reading.edge is None and sentence == last_ref[2]
        ):
            y, n, unit = last_quarter
            value, granularity, kind_type, timex = _quarter_value(y - 1, n, unit)
            shifted = True
        elif reading.kind == "shift" and reading.edge == "earlier" and last_ref is not None and last_ref[0] == "date":
            value, granularity, timex = _year_before(last_ref[1])
            shifted = True
        closes_quarter = last_ref is not None and last_ref[0] == "quarter" and prev_end is not None and (
            [t.lower_ for t in doc[prev_end : cand.start]] in (["ended"], ["ending"]))  # "the quarter ended Sept. 30"
        prev_end = cand.end
        if not shifted and not closes_quarter and kind_type in {"DATE", "DURATION", "TIME"} and reading.kind not in {"ref", "shift"}:
            if timex and ("-Q" in timex or "-H" in timex) and timex[-1].isdigit():
                quarter = (int(timex[:4]), int(timex[-1]), "quarter" if "-Q" in timex else "half")
                size = 3 if quarter[2] == "quarter" else 6
                # a quarter reported on has closed, also a fiscal one the calendar has not ("the fourth quarter ended Sept. 30",
                # "reported lower fourth-quarter earnings"); one still running is forecast ("expects a loss in the fourth quarter")
                closed = reading.tense == "past" or cand.end < len(doc) and doc[cand.end].lower_ in {"ended", "ending"}
                if (anchor is None or closed or _month_end(quarter[0], quarter[1] * size) < anchor) and reading.bound not in {"after", "since"}:
                    last_quarter = quarter  # a year-ago quarter compares with one reported, not one forecast, nor the one
                    # it came "after" ("After a flat second quarter, the company attributed the gain to ...")
                    if quarter[2] == "quarter" and any(t.lower_ == "fiscal" for t in doc[max(0, cand.start - 1) : cand.end]) and any(t.lower_ in _ORDINAL_WORDS for t in span):
                        fiscal_quarter = (quarter[0], quarter[1], sentence)
                last_ref = ("quarter", timex, sentence)
            elif kind_type == "DATE" and timex and timex[:4].isdigit() and len(timex) in {4, 7, 10}:
                last_ref = ("date", timex, sentence)
            else:
                last_ref = ("other", timex, sentence)
        if kind_type == "DATE" and value and granularity == "day" and reading.kind in DAY_KINDS:
            last_day = _parse_anchor(value) or last_day  # a day the text named, not one a time of day ("overnight") fell on
            last_day_sentence = sentence
        if reading.edge == "clock":
            clocks.append(len(ctx.result.times))
        relative = reading.kind not in {"absolute", "decade", "years", "part", "duration", "unknown", "fallback", "ref", "set"} and not (
            reading.kind == "until" and reading.year is not None
        )
        s, e, text = ctx.original(span.start_char, span.end_char)
        if reading.edge == "clock" or kind_type == "DATE" and granularity == "day":
            events[len(ctx.result.times)] = span  # its verb is looked up only when a clock time needs it
        ctx.result.times.append(
            TimeExpr(start=s, end=e, text=text, value=value, granularity=granularity,
                     anchor=anchor_iso if relative and value is not None else None, sentence=sentence,
                     type=kind_type, timex=timex)
        )
    _clock_days(ctx.result.times, clocks, events)


_ORDINAL_WORDS = {"first", "second", "third", "fourth", "1st", "2nd", "3rd", "4th", "first-quarter", "second-quarter", "third-quarter",
                  "fourth-quarter"}


_LIGHT_VERBS = {"be", "have", "do", "say", "tell", "make", "take", "get", "go", "come", "give"}


def _event_verb(span) -> str | None:
    """The lemma of the verb a time is the time of ("was shot to death at 10 p.m." → shoot), None for a light verb."""
    tok = span.root
    for _ in range(4):
        if tok.pos_ == "VERB":
            return None if tok.lemma_.lower() in _LIGHT_VERBS else tok.lemma_.lower()
        if tok.head.i == tok.i:
            return None
        tok = tok.head
    return None


def _clock_days(times: list[TimeExpr], clocks: list[int], events: dict | None = None) -> None:
    """A time of day said without its day takes the day named nearest in its sentence; else the day the text gave
    earlier to the same event ("was shot to death last Oct. 23 ... was shot to death at 10 p.m."); else the last day before."""
    unplaced = {id(times[i]) for i in clocks}
    spans = events or {}
    verbs: dict[int, str | None] = {}

    def verb_of(k: int) -> str | None:
        if k not in verbs:
            verbs[k] = _event_verb(spans[k]) if k in spans else None
        return verbs[k]

    for i in clocks:
        clock = times[i]
        days = [t for t in times if t.sentence == clock.sentence and t is not clock and t.granularity == "day" and t.value
                and (t.type == "DATE" or t.type == "TIME" and id(t) not in unplaced)]  # "4 in the morning (4 a.m. EDT Thursday)"
        before = [t for t in times[:i] if t.granularity == "day" and t.value and t.type == "DATE"]
        verb = None if days else verb_of(i)
        same_event = [t for k, t in enumerate(times[:i]) if verb and t.granularity == "day" and t.value and t.type == "DATE"
                      and verb_of(k) == verb]
        day = min(days, key=lambda t: abs(t.start - clock.start)) if days else (
            same_event[-1] if same_event else before[-1] if before else None)
        if day is not None and clock.timex and "T" in clock.timex:
            times[i] = replace(clock, value=day.value, timex=f"{day.value}{clock.timex[clock.timex.index('T'):]}", anchor=None)


def _weekday_from(day: dt.date, weekday: int, step: int) -> tuple[str, str]:
    """The weekday just before (step -1) or just after (step 1) `day`, never `day` itself: "the previous Friday"."""
    if step < 0:
        d = day - dt.timedelta(days=(day.weekday() - weekday) % 7 or 7)
    else:
        d = day + dt.timedelta(days=(weekday - day.weekday()) % 7 or 7)
    return d.isoformat(), "day"


def _anaphoric(reading: Reading, previous: str | None) -> tuple[str | None, str, str, str | None]:
    """(value, granularity, type, timex) of "that year", "the following day", "later that day" after `previous`."""
    if previous is None:
        return None, "unknown", "DATE", None
    unit, step = reading.unit, reading.offset
    if unit == "year":
        year = f"{int(previous[:4]) + step:04d}"
        return year, "year", "DATE", year
    if unit == "month" and len(previous) >= 7:
        y, m = _add_months(dt.date(int(previous[:4]), int(previous[5:7]), 1), step)
        return f"{y:04d}-{m:02d}", "month", "DATE", f"{y:04d}-{m:02d}"
    if unit in {"day", "week", "weekend"} and len(previous) == 10:
        d = dt.date.fromisoformat(previous) + dt.timedelta(days=step * (7 if unit != "day" else 1))
        if unit == "day":
            if reading.part:
                return d.isoformat(), "day", "TIME", f"{d.isoformat()}T{reading.part}"
            return d.isoformat(), "day", "DATE", d.isoformat()
        iso = d.isocalendar()
        return f"{iso[0]:04d}-W{iso[1]:02d}", "week", "DATE", f"{iso[0]:04d}-W{iso[1]:02d}"
    if unit == "day" and step == 0 and not reading.part and len(previous) in {4, 7} and previous[:4].isdigit():
        # "killed last October ... crossed out that same day": a day of that month (year) whose number the text never gave
        return None, "unknown", "DATE", previous + "-XX" * (3 - len(previous.split("-")))
    return None, "unknown", "DATE", None


def _quarter_value(year: int, number: int, unit: str) -> tuple[str, str, str, str]:
    """(value, granularity, type, timex) of a quarter or half."""
    return _quarter_range(year, number, unit), "range", "DATE", f"{year:04d}-{'Q' if unit == 'quarter' else 'H'}{number}"


def _year_before(value: str) -> tuple[str, str, str]:
    """(value, granularity, timex) a year before a day, month or year value."""
    year = int(value[:4]) - 1
    shifted = f"{year:04d}{value[4:]}"
    if shifted.endswith("-02-29"):
        shifted = shifted[:-2] + "28"
    return shifted, {4: "year", 7: "month", 10: "day"}[len(value)], shifted


def _year_parts(span, reading: Reading) -> list[tuple[int, int, int]]:
    """(token start, token end, year) of each year in a span of years: "2009-2010" → 2009 and 2010; "1957-58" → 1957, 1958;
    "2005-6" → 2005, 2006."""
    first = next((t for t in span if t.text == f"{reading.year:04d}"), None)
    last = next((t for t in span[first.i - span.start + 1 :] if t.text.isdigit() and len(t.text) in {1, 2, 4}), None) if first else None
    if last is None:  # a count before the years ("the 5 years 1999-2004") is no year
        return [(span.start, span.end, reading.year)]
    return [(first.i, first.i + 1, reading.year), (last.i, last.i + 1, reading.offset)]


def _dateline_day(doc, published: dt.date) -> dt.date | None:
    """The day a dateline gives ("WASHINGTON, August 11 (Xinhua) --"), when it is a day or two before the
    published date: the story was written then, and its weekdays and "today" count from that day."""
    for cand in candidates(doc):
        if doc[cand.start].idx > 120:
            return None
        r = cand.reading
        if r.kind not in {"partial", "absolute"} or r.day is None:
            continue
        after = doc[cand.end : cand.end + 2]
        if not any(t.text in {"(", "--", "-", "_"} for t in after):
            return None
        day = _safe_date(r.year or published.year, r.month, r.day)
        if day is not None and 0 < (published - day).days <= 2:
            return day
        return None
    return None


def _parse_anchor(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None
