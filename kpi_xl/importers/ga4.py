"""GA4 report CSVs -> monthly rows of the Traffic table.

Reports in English, French, Spanish, Portuguese and German; standard reports, Explore free-form
exports (a ``Grand total`` row, a pivot's second header row, a dimension pivoted into columns) and the
Reports snapshot (several blocks).

* Sessions, purchases and key events add up across days, hours and channels: they are summed per month.
* **Users do not add up** (a user of two days is one user of the month). Users come only from a block
  with one row per month (month grain, no breakdown), or from a total row of a report covering one
  month; otherwise visitors stay blank and the import says so.
* A measure is taken from the first block that holds it: a snapshot's later cards repeat it.
* A dimension pivoted into columns (``desktop | Sessions``, ``mobile | Sessions``, ``Totals | Sessions``):
  the Totals group is taken when the export has one; otherwise additive measures are summed across the
  groups and users, which cannot be, stay blank.
"""

from __future__ import annotations

import datetime as _dt
import re

from ..errors import KpiInputError
from .csvfile import Block, header_lookup, number
from .dates import day_order, month_end, month_start, parse_day
from .imported import Imported
from .months import MonthSums, split_by_month
from .options import Options

__all__ = ["ga4_traffic", "GA4_SIGNATURES"]

_DAY = ("date", "fecha", "data", "datum")
_HOUR = ("date + hour (yyyymmddhh)", "date + heure (aaaammjjhh)", "fecha + hora (aaaammddhh)",
         "data + hora (aaaammddhh)", "datum + stunde (jjjjmmtthh)")
_MONTH = ("year month", "year month (yyyymm)", "month", "année et mois", "mois", "año y mes", "mes", "ano e mês",
          "mês", "jahr und monat", "monat")
_USERS = ("total users", "users", "active users", "nombre total d'utilisateurs", "utilisateurs",
          "utilisateurs actifs", "total de usuarios", "usuarios", "usuarios activos", "total de usuários",
          "usuários", "usuários ativos", "nutzer insgesamt", "nutzer", "aktive nutzer")
_ADDITIVE = {"sessions": ("sessions", "sesiones", "sessões", "sitzungen"),
             "purchases": ("ecommerce purchases", "purchases", "transactions", "achats e-commerce", "achats",
                           "compras de comercio electrónico", "compras", "transacciones", "compras de e-commerce",
                           "transações", "e-commerce-käufe", "käufe", "transaktionen")}
_EVENT_NAME = ("event name", "nom de l'événement", "nombre del evento", "nome do evento", "ereignisname")
_EVENT_COUNT = ("event count", "nombre d'événements", "número de eventos", "contagem de eventos", "ereignisanzahl")
_EVENTS = {"purchase": "purchases", "sign_up": "newsletter_signups", "newsletter_signup": "newsletter_signups",
           "generate_lead": "newsletter_signups", "file_download": "whitepaper_downloads"}
_TOTALS = {"grand total", "total", "totals", "total général", "totaux", "total general", "totales", "total geral",
           "gesamtsumme", "summe", "insgesamt"}
_PERIOD = re.compile(r"(start date|end date|date de début|date de fin|fecha de inicio|fecha de finalización|"
                     r"fecha de fin|data de início|data de término|data final|startdatum|enddatum)\s*:\s*(\d{8})",
                     re.IGNORECASE)
_STARTS = {"start date", "date de début", "fecha de inicio", "data de início", "startdatum"}

#: Header columns that identify a GA4 export (any one pair suffices), in every language above.
GA4_SIGNATURES = tuple(frozenset({d, s}) for d in (*_DAY, *_HOUR, *_MONTH) for s in _ADDITIVE["sessions"]) + \
    tuple(frozenset({n, c}) for n, c in zip(_EVENT_NAME, _EVENT_COUNT, strict=True))


def _period(comments: list[str]) -> tuple[_dt.date, _dt.date] | None:
    found = {("start" if name.casefold() in _STARTS else "end"): parse_day(day)
             for name, day in _PERIOD.findall(" ".join(comments))}
    return (found["start"], found["end"]) if len(found) == 2 else None


def _is_total(row: dict[str, str], dimensions: list[str]) -> bool:
    texts = [row.get(d, "").strip() for d in dimensions]
    return any(t.casefold() in _TOTALS for t in texts) or (bool(dimensions) and not any(texts))


def _month_of(text: str, column: str, order: str | None, period) -> tuple[_dt.date, _dt.date]:
    """The days a date cell stands for: one day, or a whole month for YYYYMM and month numbers."""
    value = text.strip()
    if column.casefold() in _MONTH:
        digits = re.sub(r"\D", "", value)
        if len(digits) == 6:
            first = _dt.date(int(digits[:4]), int(digits[4:]), 1)
        elif 1 <= len(digits) <= 2 and period and period[0].year == period[1].year:
            first = _dt.date(period[0].year, int(digits), 1)
        else:
            raise ValueError(f"{value!r} is not a month (YYYYMM, or a month number in a one-year report)")
        return first, month_end(first)
    day = parse_day(value[:8] if column.casefold() in _HOUR else value, order)
    return day, day


def _unpivot(block: Block, file: str, found: Imported) -> Block:
    """A block whose measures are pivoted by a dimension (``group | metric`` columns) as one column per metric."""
    pivoted: dict[str, dict[str, str]] = {}  # metric -> {group: column}
    for column in block.header:
        group, _, metric = column.rpartition(" | ")
        if group:
            pivoted.setdefault(metric, {})[group] = column
    if not pivoted:
        return block
    additive = {n for names in _ADDITIVE.values() for n in names}
    merged: dict[str, list[str] | str] = {}
    for metric, groups in pivoted.items():
        total = next((c for g, c in groups.items() if g.casefold() in _TOTALS), None)
        if total:
            merged[metric] = total
        elif metric.casefold() in additive:
            merged[metric] = list(groups.values())
    if any(isinstance(c, list) for c in merged.values()):
        found.notes.append(f"{file}: measures pivoted by {', '.join(g for g in next(iter(pivoted.values())))} "
                           "without a Totals column: sessions and purchases summed across them, users left blank")
    rows = []
    for line, row in block.rows:
        values = {c: v for c, v in row.items() if " | " not in c}
        for metric, source in merged.items():
            if isinstance(source, str):
                values[metric] = row.get(source, "")
            else:
                parts = [number(row.get(c, ""), c, line, file, count=True) for c in source]
                values[metric] = "" if all(v is None for v in parts) else str(sum(v or 0 for v in parts))
        rows.append((line, values))
    header = [c for c in block.header if " | " not in c] + list(merged)
    return Block(header=header, rows=rows, preamble=block.preamble, comments=block.comments)


def _block(block: Block, file: str, options: Options, period, found: Imported, taken: MonthSums) -> None:
    block = _unpivot(block, file, found)
    date_column = header_lookup(block.header, (*_HOUR, *_DAY, *_MONTH))
    columns = {key: header_lookup(block.header, names) for key, names in _ADDITIVE.items()}
    users = header_lookup(block.header, _USERS)
    measures = {k for k, c in columns.items() if c} | ({"visitors"} if users else set())
    metric_columns = {c for c in (*columns.values(), users) if c}
    sample = block.rows[:50]
    dimensions = [h for h in block.header if h and h != date_column and h not in metric_columns
                  and any(re.search(r"[^\W\d_]", r.get(h, "")) for _, r in sample)]  # holds words, not numbers
    rows = [(line, row) for line, row in block.rows
            if any(re.search(r"\d", row.get(c, "")) for c in metric_columns)]  # a pivot's second header has none
    order = day_order((r.get(date_column, "") for _, r in rows if not _is_total(r, [date_column])),
                      column=date_column, file=file, order=options.day_order)
    sums = MonthSums(file)
    per_month: dict[_dt.date, int] = {}
    totals: dict[str, float] = {}
    for line, row in rows:
        found.read += 1
        if _is_total(row, [date_column, *dimensions]):
            for key, column in (*columns.items(), ("visitors", users)):
                value = number(row.get(column, ""), column, line, file, count=True) if column else None
                if value is not None:
                    totals[key] = value
            continue
        try:
            first, last = _month_of(row[date_column], date_column, order, period)
            sums.add(first, last, row, {k: c for k, c in columns.items() if c}, line)
            per_month[month_start(first)] = per_month.get(month_start(first), 0) + 1
            if users and first.day == 1 and last == month_end(first) and not dimensions:
                value = number(row.get(users, ""), users, line, file, count=True)
                if value is not None:
                    sums.set(month_start(first), "visitors", value)
        except ValueError as error:
            found.reject(line, date_column, row.get(date_column), str(error), file)
    one_month = period and month_start(period[0]) == month_start(period[1])
    if users and "visitors" in totals and one_month and month_start(period[0]) in sums.sums:
        sums.set(month_start(period[0]), "visitors", totals["visitors"])
    if users and any("visitors" not in s for s in sums.sums.values()):
        found.notes.append(f"users cannot be added across days, hours or channels: visitors left blank for the "
                           f"months without a month-grain row or total (block {block.header[0]!r}); export a "
                           "report by month to fill them")
    _take(found, taken, sums, measures, totals)


def _take(found: Imported, taken: MonthSums, sums: MonthSums, measures: set[str], totals: dict[str, float]) -> None:
    """Keep this block's measures that no earlier block gave (a snapshot's cards repeat each other)."""
    fresh = {m for m in measures if not any(m in s for s in taken.sums.values())}
    for month, values in sums.sums.items():
        for key, value in values.items():
            if key in fresh:
                taken.set(month, key, value)
        if month in sums.days:
            taken.days.setdefault(month, sums.days[month])
            taken.lines.setdefault(month, sums.lines[month])
    for key, value in totals.items():
        if key in fresh and key != "visitors":
            found.export_totals[key] = value


def _event_block(block: Block, file: str, period, taken: MonthSums, found: Imported) -> None:
    name = header_lookup(block.header, _EVENT_NAME)
    count = header_lookup(block.header, _EVENT_COUNT)
    if period is None:
        raise KpiInputError(f"{file}: an event report needs its 'Start date' and 'End date' comment lines")
    (first, last), *more = split_by_month(*period)
    if more:
        raise KpiInputError(f"{file}'s period runs from {period[0]} to {period[1]}: a report without a date column "
                            "must cover one calendar month; export it with a Date column, or month by month")
    sums = MonthSums(file)
    for line, row in block.rows:
        found.read += 1
        key = _EVENTS.get(row.get(name, "").strip())
        if key:
            sums.add(first, last, row, {key: count}, line)
    _take(found, taken, sums, {k for s in sums.sums.values() for k in s}, {})


def ga4_traffic(blocks: list[Block], file: str, options: Options) -> Imported:
    """GA4 exports: sessions and purchases per month, users where they can be known, key events of a month."""
    found = Imported("traffic", "ga4")
    taken = MonthSums(file)
    file_period = _period([c for b in blocks for c in b.comments])
    for block in blocks:
        period = _period(block.comments) or file_period
        if header_lookup(block.header, (*_HOUR, *_DAY, *_MONTH)):
            _block(block, file, options, period, found, taken)
        elif header_lookup(block.header, _EVENT_NAME) and header_lookup(block.header, _EVENT_COUNT):
            _event_block(block, file, period, taken, found)
    taken.extend(file_period)
    taken.into(found, {})
    return found
