"""Google Ads and Meta Ads exports -> monthly rows of the Marketing table.

**Google Ads** (a report downloaded from the interface, CSV or "Excel CSV" in UTF-16 with tabs): spend
(Cost), impressions (Impr.) and clicks (Clicks; Interactions for video and Demand Gen campaigns). Every
row holding a ``Total...`` cell in any column is a total row, never added; ``Total: Account`` is the
account's own total, which the import must match. Keyword, search-term, ad-group and landing-page
reports leave out Smart and Performance Max campaigns: they are refused (download the Campaign report).
A campaign report whose rows do not add up to its ``Total: Account`` spend (a filter on the campaigns, removed
campaigns hidden) is refused too, with both figures: the spend imported is the account's, or nothing.
Without a Day or Month column the report's date-range line gives its period, which must lie in one month.

**Meta Ads Manager**: the summary row of the whole account (no campaign name) is the export's total,
not a campaign; each campaign row must lie within one calendar month (export with a monthly time
breakdown), else the file is refused with one message.
"""

from __future__ import annotations

import datetime as _dt
import math
import re

from ..errors import KpiInputError
from .csvfile import MISSING, Block, header_lookup, number
from .dates import day_order, month_end, parse_day, parse_range
from .imported import TOLERANCE, Imported, one_currency
from .months import MonthSums, split_by_month
from .options import Options

__all__ = ["google_ads", "meta_ads", "GOOGLE_SIGNATURES"]

_CLICKS = ("clicks", "clics", "interactions")
_IMPRESSIONS = ("impr.", "impressions")
_COST = ("cost", "coût")
_DATES = ("day", "date", "jour", "month", "mois", "week", "semaine")
_PARTIAL = {"keyword": "keyword", "search keyword": "keyword", "mot clé": "keyword", "search term": "search-terms",
            "terme de recherche": "search-terms", "ad group": "ad group", "groupe d'annonces": "ad group",
            "landing page": "landing page", "expanded landing page": "landing page", "page de destination": "landing page"}
#: Header columns that identify a Google Ads report (any one set suffices).
GOOGLE_SIGNATURES = tuple(frozenset({i, c, k}) for i in _IMPRESSIONS for c in _COST for k in _CLICKS)


def _month_cell(text: str, order: str | None) -> tuple[_dt.date, _dt.date]:
    """A Month cell ('May 2026', '2026-05-01', 'mai 2026') as its days; a Day cell as that day."""
    try:
        day = parse_day(text, order)
        return day, day
    except ValueError:
        day = parse_day("1 " + text.strip())  # a month name and a year
        return day, month_end(day)


def _segmented(row: dict[str, str], currency: str | None) -> bool:
    """Whether a total row is one segment's (a device, a network, a day) rather than the whole account's."""
    return any(value.strip() and value.strip() not in MISSING and not value.strip().casefold().startswith("total")
               and not re.fullmatch(r"[\d\s.,%+-]+", value.strip())
               for column, value in row.items() if column != currency)


def _total_rows(block: Block, currency: str | None) -> tuple[list[tuple[int, dict[str, str]]], list[dict[str, str]]]:
    """The data rows, and the account total rows: the unsegmented one, else one per segment."""
    data, account = [], []
    for line, row in block.rows:
        totals = [v for v in row.values() if v.strip().casefold().startswith("total")]
        if not totals:
            data.append((line, row))
        elif any("account" in t.casefold() or "compte" in t.casefold() for t in totals):
            account.append(row)
    whole = [r for r in account if not _segmented(r, currency)]
    return data, whole[:1] or account


def google_ads(blocks: list[Block], file: str, options: Options) -> Imported:
    """A Google Ads report: spend, impressions and clicks per month, matched against the account total."""
    found = Imported("marketing", "google_ads")
    sums = MonthSums(file)
    for block in blocks:
        partial = next((kind for name, kind in _PARTIAL.items() if header_lookup(block.header, (name,))), None)
        if partial:
            raise KpiInputError(f"{file} is a {partial} report: it leaves out Smart and Performance Max campaigns, "
                                "so its spend is not the account's. Download the Campaign report instead "
                                "(Campaigns > Campaigns, Download, CSV), segmented by Month or Day if it spans months")
        columns = {"spend": header_lookup(block.header, _COST), "impressions": header_lookup(block.header, _IMPRESSIONS),
                   "clicks": header_lookup(block.header, _CLICKS)}
        if columns["clicks"] and columns["clicks"].casefold() == "interactions":
            found.notes.append("no Clicks column: Interactions (video, Demand Gen campaigns) are counted as clicks")
        date_column = header_lookup(block.header, _DATES)
        period = next((r for r in map(parse_range, block.preamble) if r), None)
        currency = header_lookup(block.header, ("currency code", "code de la devise", "currency"))
        data, account = _total_rows(block, currency)
        if date_column is None:
            if period is None:
                raise KpiInputError(f"{file}: no Day or Month column and no date-range line: the month is unknown")
            if len(split_by_month(*period)) > 1:
                raise KpiInputError(f"{file}'s date range runs from {period[0]} to {period[1]}: a report without a "
                                    "date column must cover one calendar month; add the Month or Day segment")
        order = day_order((r.get(date_column, "") for _, r in data), column=date_column or "", file=file,
                          order=options.day_order) if date_column else None
        for line, row in data:
            found.read += 1
            try:
                if currency:
                    one_currency(found, row.get(currency, ""), line, file)
                first, last = _month_cell(row[date_column], order) if date_column else period
                sums.add(first, last, row, columns, line, money=("spend",))
            except ValueError as error:
                found.reject(line, date_column, row.get(date_column or "", None), str(error), file)
        for row in account:
            for key, column in columns.items():
                value = number(row.get(column, ""), column, 0, file, count=key != "spend") if column else None
                if value is not None:
                    found.export_totals[key] = found.export_totals.get(key, 0.0) + value
        sums.extend(period)
    _account_spend_matches(found, sums, file)
    sums.into(found, {"channel": "Google Ads"})
    return found


def _account_spend_matches(found: Imported, sums: MonthSums, file: str) -> None:
    """Refuse a report whose rows' spend is not its ``Total: Account`` spend (rows left out are reported apart)."""
    stated = found.export_totals.get("spend")
    if stated is None or found.problems:
        return
    rows = sum(values.get("spend") or 0.0 for values in sums.sums.values())
    if not math.isclose(rows, stated, rel_tol=TOLERANCE, abs_tol=0.01):
        raise KpiInputError(f"{file}: its campaign rows add up to {rows:,.2f} of spend but its 'Total: Account' row "
                            f"says {stated:,.2f}: the report leaves campaigns out (a filter such as 'Campaign "
                            "status: Enabled', or removed campaigns hidden), so it cannot give the account's spend. "
                            "In Google Ads, open Campaigns > Campaigns, remove the filters, show all campaigns "
                            "including removed ones, then download the report again; nothing was imported")


def meta_ads(blocks: list[Block], file: str, options: Options) -> Imported:
    """Meta Ads Manager export: Amount spent (currency in the column name), impressions, link clicks."""
    found = Imported("marketing", "meta_ads")
    sums = MonthSums(file)
    spanning: list[int] = []
    for block in blocks:
        spent = next((c for c in block.header if c.startswith("Amount spent (")), None)
        if spent is None:
            raise KpiInputError(f"{file}: no 'Amount spent (CUR)' column")
        found.currency = spent[len("Amount spent ("):].rstrip(")").strip().upper()
        columns = {"spend": spent, "impressions": "Impressions",
                   "clicks": header_lookup(block.header, ("link clicks", "clicks (all)"))}
        name = header_lookup(block.header, ("campaign name", "ad set name", "ad name"))
        for line, row in block.rows:
            if name and not row.get(name, "").strip():  # the account's summary row
                for key, column in columns.items():
                    value = number(row.get(column, ""), column, line, file, count=key != "spend") if column else None
                    if value is not None:
                        found.export_totals[key] = value
                continue
            found.read += 1
            try:
                first, last = parse_day(row["Reporting starts"]), parse_day(row["Reporting ends"])
                if len(split_by_month(first, last)) > 1:
                    spanning.append(line)
                    continue
                sums.add(first, last, row, columns, line, money=("spend",))
            except ValueError as error:
                found.reject(line, "Reporting starts", row.get("Reporting starts"), str(error), file)
    if spanning:
        shown = ", ".join(map(str, spanning[:5])) + (f" and {len(spanning) - 5} more" if len(spanning) > 5 else "")
        raise KpiInputError(f"{file}: {len(spanning)} rows span several months (lines {shown}): in Ads Manager, "
                            "choose Breakdown > By time > Month, then export again")
    sums.into(found, {"channel": "Meta Ads"})
    return found
