"""Dates as exports write them: ISO timestamps, compact GA4 days, month names in five languages, re-saved days.

A numeric day such as ``03/04/2026`` is read day-first or month-first for the
*whole column*, never row by row: :func:`day_order` decides from every value
of the column (a first number above 12 means day-first, a second number above
12 month-first) and stops the import when the column stays ambiguous, asking
for ``--dayfirst`` or ``--monthfirst``.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from typing import Iterable

from ..errors import KpiInputError

__all__ = ["MONTH_NAMES", "day_order", "parse_day", "parse_range", "month_start", "month_end"]

#: Month names and abbreviations (accents and case ignored) of the export languages: EN, FR, ES, PT, DE.
MONTH_NAMES: dict[str, int] = {}
for _number, _names in enumerate((
        "january jan janvier janv enero ene janeiro januar jän jaen",
        "february feb fevrier fevr fev febrero febr fevereiro februar",
        "march mar mars marzo marco marz maerz",
        "april apr avril avr abril abr",
        "may mai mayo maio",
        "june jun juin junio junho juni",
        "july jul juillet juil julio julho juli",
        "august aug aout agosto ago",
        "september sep sept septembre septiembre setiembre set setembro",
        "october oct octobre octubre outubro out oktober okt",
        "november nov novembre noviembre novembro",
        "december dec decembre diciembre dic dezembro dez dezember"), start=1):
    for _name in _names.split():
        MONTH_NAMES[_name] = _number

_NUMERIC = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})(\d{2})?")


def _plain(text: str) -> str:
    """Lower case without accents or dots: 'Déc.' -> 'dec'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace(".", "")


def _named(text: str) -> _dt.date | None:
    """'May 1, 2026', '1 May 2026', '1 mai 2026', '1. Mai 2026', '1 de mayo de 2026', 'Dec 7, 2025'."""
    words = [w for w in re.split(r"[\s,]+", _plain(text)) if w and w != "de"]
    numbers = [w for w in words if w.isdigit()]
    months = [MONTH_NAMES[w] for w in words if w in MONTH_NAMES]
    if len(months) != 1 or len(numbers) != 2:
        return None
    year = next((int(n) for n in numbers if len(n) == 4), None)
    day = next((int(n) for n in numbers if len(n) <= 2), None)
    if year is None or day is None:
        return None
    return _dt.date(year, months[0], day)


def day_order(values: Iterable[str], *, column: str, file: str, order: str | None = None) -> str | None:
    """Whether a column's numeric dates are day-first ('dmy') or month-first ('mdy'), decided on all its values.

    ``order`` (from ``--dayfirst`` / ``--monthfirst``) wins when given. None means the column has no
    numeric day (ISO or named dates need no decision). Both a day and a month above 12 in the first place is
    a contradiction; no number above 12 at all is ambiguous: both raise :class:`KpiInputError`.

    >>> day_order(["03/04/2026 10:00", "25/04/2026 09:00"], column="Created at", file="f.csv")
    'dmy'
    >>> day_order(["2026-04-03"], column="Date", file="f.csv") is None
    True
    """
    firsts, seconds = [], []
    for value in values:
        match = _NUMERIC.fullmatch(value.strip())
        if match:
            firsts.append(int(match[1]))
            seconds.append(int(match[2]))
    if not firsts:
        return None
    if order:
        return order
    day_first, month_first = max(firsts) > 12, max(seconds) > 12
    if day_first and month_first:
        raise KpiInputError(f"{file}, column {column!r}: some dates have a day first and others a month first; "
                            "re-export the file without re-saving it in Excel")
    if not (day_first or month_first):
        raise KpiInputError(f"{file}, column {column!r}: every date, like {firsts[0]:02d}/{seconds[0]:02d}, reads "
                            "both day-first and month-first: in the workbook, choose day first or month first in Settings ('Imports: "
                            "dates like 03/04/2026'); on the command line, add --dayfirst or --monthfirst")
    return "dmy" if day_first else "mdy"


def parse_day(text: str, order: str | None = None) -> _dt.date:
    """The local date of an export's date or timestamp.

    ISO timestamps keep the date as written (local to the shop's offset); ``20251207`` and GA4's hours
    ``2025120719``; ``07/12/2025 19:08`` and ``07-12-2025`` in the column's ``order`` (see :func:`day_order`);
    month names in English, French, Spanish, Portuguese and German. Raises ValueError otherwise.

    >>> parse_day("2025-12-07 23:30:00 -0500"), parse_day("1 déc. 2025"), parse_day("07/12/2025 19:08", "dmy")
    (datetime.date(2025, 12, 7), datetime.date(2025, 12, 1), datetime.date(2025, 12, 7))
    """
    value = text.strip()
    match = _ISO.match(value)
    if match:
        return _dt.date(int(match[1]), int(match[2]), int(match[3]))
    match = _COMPACT.fullmatch(value)
    if match:
        return _dt.date(int(match[1]), int(match[2]), int(match[3]))
    match = _NUMERIC.fullmatch(value)
    if match:
        if order is None:
            raise ValueError(f"{value!r} can be day-first or month-first")
        first, second = int(match[1]), int(match[2])
        day, month = (first, second) if order == "dmy" else (second, first)
        return _dt.date(int(match[3]), month, day)
    named = _named(value)
    if named is None:
        raise ValueError(f"{value!r} is not a date")
    return named


def parse_range(text: str) -> tuple[_dt.date, _dt.date] | None:
    """A report's date-range line, e.g. '1 May 2026 - 8 May 2026' or 'May 1, 2026 - May 8, 2026'; None if not one.

    >>> parse_range("1 mai 2026 - 8 mai 2026")
    (datetime.date(2026, 5, 1), datetime.date(2026, 5, 8))
    """
    parts = re.split(r"\s+[-\u2013\u2014]\s+", text.strip().strip('"'))
    if len(parts) != 2:
        return None
    try:
        return parse_day(parts[0]), parse_day(parts[1])
    except ValueError:
        return None


def month_start(day: _dt.date) -> _dt.date:
    """The first day of ``day``'s month."""
    return day.replace(day=1)


def month_end(day: _dt.date) -> _dt.date:
    """The last day of ``day``'s month.

    >>> month_end(_dt.date(2024, 2, 10))
    datetime.date(2024, 2, 29)
    """
    following = (day.replace(day=28) + _dt.timedelta(days=4)).replace(day=1)
    return following - _dt.timedelta(days=1)
