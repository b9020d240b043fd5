"""Analytics and ads exports -> monthly rows: GA4 (Traffic), Google Ads and Meta Ads (Marketing).

Rows are summed per month. A report without a date column counts for one
month only: its period (GA4's Start/End date comments, Google Ads' date-range
line, Meta's Reporting starts/ends) must lie within one calendar month, or the
import is refused with a message saying how to export it.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections import defaultdict
from typing import Any

from ..errors import KpiInputError
from .csvfile import Block, number
from .orders import Imported, one_currency, timestamp

__all__ = ["ga4_traffic", "google_ads", "meta_ads"]

_GA4_DATES = ("Date", "Date + hour (YYYYMMDDHH)", "Year month", "Month", "Year month (YYYYMM)")
_GA4_COLUMNS = {"visitors": ("Total users", "Users", "Active users"),
                "sessions": ("Sessions",),
                "purchases": ("Ecommerce purchases", "Purchases", "Transactions")}
_GA4_EVENTS = {"purchase": "purchases", "sign_up": "newsletter_signups", "newsletter_signup": "newsletter_signups",
               "generate_lead": "newsletter_signups", "file_download": "whitepaper_downloads"}


def _month_of_compact(text: str) -> _dt.date:
    digits = re.sub(r"\D", "", text)
    if len(digits) < 6:
        raise ValueError(f"{text!r} is not a date")
    return _dt.date(int(digits[:4]), int(digits[4:6]), 1)


def _single_month(start: _dt.date, end: _dt.date, what: str) -> _dt.date:
    if (start.year, start.month) != (end.year, end.month):
        raise KpiInputError(f"{what} runs from {start} to {end}: a report without a date column must cover one "
                            "calendar month; export it with a Month or Day column, or month by month")
    return _dt.date(start.year, start.month, 1)


def _first(header: list[str], names: tuple[str, ...]) -> str | None:
    return next((n for n in names if n in header), None)


def _add(sums: dict[_dt.date, dict[str, float]], month: _dt.date, row: dict[str, str],
         columns: dict[str, str | None], line: int, file: str, *, money: tuple[str, ...] = ()) -> None:
    """Add a row's values to its month: ``columns`` maps a key to the export's column (None: absent)."""
    for key, column in columns.items():
        value = number(row.get(column, ""), column, line, file, count=key not in money) if column else None
        if value is not None:
            sums[month][key] = sums[month].get(key, 0.0) + value


def _rows_by_month(found: Imported, sums: dict[_dt.date, dict[str, float]], lines: dict[_dt.date, int],
                   key: dict[str, Any]) -> None:
    for month in sorted(sums):
        found.rows.append((lines[month], {"month": month, **key, **sums[month]}))


def ga4_traffic(blocks: list[Block], file: str) -> Imported:
    """GA4 report CSVs: users, sessions and purchases per month, or key events of a one-month event report."""
    found = Imported("traffic", "ga4")
    sums: dict[_dt.date, dict[str, float]] = defaultdict(dict)
    lines: dict[_dt.date, int] = {}
    for block in blocks:
        date_column = _first(block.header, _GA4_DATES)
        if date_column:
            columns = {key: _first(block.header, names) for key, names in _GA4_COLUMNS.items()}
            for line, row in block.rows:
                found.read += 1
                try:
                    month = _month_of_compact(row[date_column])
                    _add(sums, month, row, columns, line, file)
                    lines.setdefault(month, line)
                except (KpiInputError, ValueError) as error:
                    found.reject(line, date_column, row.get(date_column), str(error), file)
        elif {"Event name", "Event count"} <= set(block.header):
            # the block's own period, else the file's (GA4 writes it once at the top)
            file_comments = " ".join(c for b in blocks for c in b.comments)
            period = dict(re.findall(r"(Start date|End date):\s*(\d{8})", " ".join(block.comments))) or \
                dict(re.findall(r"(Start date|End date):\s*(\d{8})", file_comments))
            if len(period) != 2:
                raise KpiInputError(f"{file}: an event report needs its 'Start date' and 'End date' comment lines")
            month = _single_month(timestamp(period["Start date"]), timestamp(period["End date"]), f"{file}'s period")
            for line, row in block.rows:
                found.read += 1
                key = _GA4_EVENTS.get(row.get("Event name", "").strip())
                if key:
                    _add(sums, month, row, {key: "Event count"}, line, file)
                    lines.setdefault(month, line)
    _rows_by_month(found, sums, lines, {})
    return found


def _preamble_period(block: Block, file: str) -> _dt.date | None:
    for text in block.preamble:
        match = re.fullmatch(r"\s*(.+?)\s+-\s+(.+?)\s*", text)
        if match:
            try:
                start, end = timestamp(match[1]), timestamp(match[2])
            except ValueError:
                continue
            return _single_month(start, end, f"{file}'s date range")
    return None


def google_ads(blocks: list[Block], file: str) -> Imported:
    """Google Ads UI report: spend (Cost), impressions (Impr.) and clicks per month; Total rows skipped."""
    found = Imported("marketing", "google_ads")
    sums: dict[_dt.date, dict[str, float]] = defaultdict(dict)
    lines: dict[_dt.date, int] = {}
    for block in blocks:
        date_column = _first(block.header, ("Day", "Date", "Month", "Week"))
        fixed = None if date_column else _preamble_period(block, file)
        if date_column is None and fixed is None:
            raise KpiInputError(f"{file}: no Day or Month column and no date-range line: the month is unknown")
        for line, row in block.rows:
            first = next(iter(row.values()), "")
            if first.startswith("Total"):
                continue  # totals repeat the data rows
            found.read += 1
            try:
                one_currency(found, row.get("Currency code", ""), line, file)
                month = fixed or _dt.date(*timestamp(row[date_column]).timetuple()[:2], 1)
                _add(sums, month, row, {"spend": "Cost", "impressions": "Impr.", "clicks": "Clicks"}, line, file,
                     money=("spend",))
                lines.setdefault(month, line)
            except (KpiInputError, ValueError) as error:
                found.reject(line, date_column, None, str(error), file)
    _rows_by_month(found, sums, lines, {"channel": "Google Ads"})
    return found


def meta_ads(blocks: list[Block], file: str) -> Imported:
    """Meta Ads Manager export: Amount spent (currency in the column name), impressions, link clicks."""
    found = Imported("marketing", "meta_ads")
    sums: dict[_dt.date, dict[str, float]] = defaultdict(dict)
    lines: dict[_dt.date, int] = {}
    for block in blocks:
        spent = next((c for c in block.header if c.startswith("Amount spent (")), None)
        if spent is None:
            raise KpiInputError(f"{file}: no 'Amount spent (CUR)' column")
        found.currency = spent[len("Amount spent ("):].rstrip(")").strip().upper()
        clicks = _first(block.header, ("Link clicks", "Clicks (all)"))
        for line, row in block.rows:
            found.read += 1
            try:
                month = _single_month(timestamp(row["Reporting starts"]), timestamp(row["Reporting ends"]),
                                      f"line {line}'s reporting period")
                _add(sums, month, row, {"spend": spent, "impressions": "Impressions", "clicks": clicks}, line, file,
                     money=("spend",))
                lines.setdefault(month, line)
            except (KpiInputError, ValueError) as error:
                found.reject(line, "Reporting starts", row.get("Reporting starts"), str(error), file)
    _rows_by_month(found, sums, lines, {"channel": "Meta Ads"})
    return found
