"""Monthly sums of an analytics or ads export, each month with the days the export covered in it.

A month's row carries ``period_start`` and ``period_end``: the days of that
month the report covers (the report's date range clipped to the month). The
merge uses them to add up partial-month exports and to refuse overlapping ones.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from ..errors import KpiInputError
from .csvfile import number
from .dates import month_end, month_start
from .imported import Imported

__all__ = ["MonthSums", "split_by_month"]


def split_by_month(first: _dt.date, last: _dt.date) -> list[tuple[_dt.date, _dt.date]]:
    """The pieces of a date range, one per calendar month.

    >>> split_by_month(_dt.date(2025, 12, 16), _dt.date(2026, 1, 5))
    [(datetime.date(2025, 12, 16), datetime.date(2025, 12, 31)), (datetime.date(2026, 1, 1), datetime.date(2026, 1, 5))]
    """
    if last < first:
        raise KpiInputError(f"the date range {first} - {last} ends before it starts")
    pieces, start = [], first
    while start <= last:
        end = min(month_end(start), last)
        pieces.append((start, end))
        start = end + _dt.timedelta(days=1)
    return pieces


@dataclass
class MonthSums:
    """Sums per month of a file's measures, the first line of each month, and the days covered."""

    file: str
    sums: dict[_dt.date, dict[str, float]] = field(default_factory=dict)
    lines: dict[_dt.date, int] = field(default_factory=dict)
    days: dict[_dt.date, tuple[_dt.date, _dt.date]] = field(default_factory=dict)

    def add(self, first: _dt.date, last: _dt.date, row: dict[str, str], columns: dict[str, str | None], line: int,
            *, money: tuple[str, ...] = ()) -> None:
        """Add a row's values, for the days ``first``..``last`` of one month; ``columns`` maps keys to columns."""
        month = month_start(first)
        if month != month_start(last):
            raise KpiInputError(f"{self.file}, line {line}: the row covers {first} - {last}, more than one month")
        sums = self.sums.setdefault(month, {})
        for key, column in columns.items():
            value = number(row.get(column, ""), column, line, self.file, count=key not in money) if column else None
            if value is not None:
                sums[key] = sums.get(key, 0.0) + value
        self.lines.setdefault(month, line)
        low, high = self.days.get(month, (first, last))
        self.days[month] = (min(low, first), max(high, last))

    def set(self, month: _dt.date, key: str, value: float) -> None:
        """Set a measure that cannot be added up (users of a month-grain row or total)."""
        self.sums.setdefault(month, {})[key] = value

    def extend(self, period: tuple[_dt.date, _dt.date] | None) -> None:
        """Widen each month's covered days to the report's own date range (a day without rows is still covered)."""
        if period is None:
            return
        for first, last in split_by_month(*period):
            month = month_start(first)
            if month in self.days:
                low, high = self.days[month]
                self.days[month] = (min(low, first), max(high, last))

    def into(self, found: Imported, key: dict[str, str]) -> None:
        """Append one row per month to ``found``, with its covered days, and widen the import's period."""
        for month in sorted(self.sums):
            first, last = self.days.get(month, (month, month_end(month)))
            found.widen(first, last)
            if first != month or last != month_end(month):
                found.notes.append(f"{month:%Y-%m} is only partly covered: {first} to {last}")
            found.rows.append((self.lines.get(month, 0), {"month": month, **key, **self.sums[month],
                                                          "period_start": first, "period_end": last}))
