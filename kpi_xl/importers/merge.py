"""Merging parsed rows into a workbook's input tables without losing or overwriting anything.

* **Orders** are keyed by (platform, order number): a WooCommerce order #1001 never touches a Shopify
  order #1001. An order already there is updated in the columns the export holds (date, customer, net
  revenue, discount, status); its cost of goods and channel, typed by hand, are never written.
* **Monthly rows** (Traffic, Marketing) add up by date range. Every import writes, per month and key, the
  days it covered and the figures it brought in the import log (sheet *Journal des imports*). A second
  export of other days of the same month adds to the row; the same days again replace what those days
  brought; overlapping but different days are refused, naming both ranges. A cell whose value is not what
  the imports brought was typed by hand: it is kept, and the import says so. Users (visitors) cannot be
  added across date ranges: they are written only by an import covering the whole month.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

from ..errors import KpiInputError
from ..excel.books import check_room
from ..schema import IMPORT_LOG, INPUT_TABLES, status_label
from .imported import Imported

__all__ = ["merge_rows", "Merged", "figures_text", "parse_figures"]

_KEYS = {"orders": ("source", "order_id"), "traffic": ("month",), "marketing": ("month", "channel"),
         "social": ("month", "platform")}
_MONTHLY_KEY = {"traffic": None, "marketing": "channel", "social": "platform"}
_NOT_ADDITIVE = {"visitors"}
_HAND_OWNED = {"cost_of_goods_sold", "channel"}  # order columns an import never writes over


@dataclass
class Merged:
    """What a merge did to the workbook."""

    imported: int = 0
    merged: int = 0
    unchanged: int = 0
    kept: list[str] = field(default_factory=list)  # values typed by hand, kept
    notes: list[str] = field(default_factory=list)


def figures_text(values: dict[str, float]) -> str:
    """The figures an import brought, as the log writes them.

    >>> figures_text({"spend": 593.88, "clicks": 1414.0})
    'spend=593.88; clicks=1414'
    """
    return "; ".join(f"{k}={v:.10g}" for k, v in values.items())


def parse_figures(text: Any) -> dict[str, float]:
    """The figures of a log row, as :func:`figures_text` wrote them (unreadable parts are ignored).

    >>> parse_figures("spend=593.88; clicks=1414")
    {'spend': 593.88, 'clicks': 1414.0}
    """
    out = {}
    for part in str(text or "").split(";"):
        name, _, value = part.partition("=")
        try:
            out[name.strip()] = float(value)
        except ValueError:
            continue
    return out


class _Table:
    """An input table of the book: its cells by schema key, and the cells to write."""

    def __init__(self, book: Any, key: str):
        self.spec = INPUT_TABLES[key]
        self.sheet, self.header_row, values = book.table_values(self.spec.table)
        self.body_rows = len(values) - 1  # a total row left out
        headers = [str(h).strip() for h in values[0]]
        self.positions = {c.key: headers.index(label) for c in self.spec.columns for label in (c.fr, c.en)
                          if label in headers}
        self.records: dict[int, dict[str, Any]] = {}
        for offset, row in enumerate(values[1:], start=1):
            record = {k: (None if row[i] in ("", None) else row[i]) for k, i in self.positions.items()}
            if any(v is not None for v in record.values()):
                self.records[offset] = record
        self.last = max(self.records, default=0)
        self.cells: dict[tuple[int, int], Any] = {}  # changes to rows that were there
        self.width = len(headers)
        self.first_new = self.last + 1
        self.new_rows: list[list[Any]] = []  # rows appended from first_new on, a value per table column

    def put(self, offset: int, values: dict[str, Any]) -> None:
        new = self.new_rows[offset - self.first_new] if offset >= self.first_new else None
        for key, value in values.items():
            if key in self.positions:
                if new is None:
                    self.cells[(offset, self.positions[key])] = value
                else:
                    new[self.positions[key]] = value
        self.records.setdefault(offset, {}).update(values)

    def append(self, values: dict[str, Any]) -> int:
        self.last += 1
        row = [None] * self.width
        positions = self.positions
        for key, value in values.items():
            if key in positions:
                row[positions[key]] = value
        self.new_rows.append(row)
        self.records[self.last] = values
        return self.last

    def check_room(self, book: Any) -> None:
        """Refuse new rows that would go past Excel's last row or land on cells below the table (see
        :func:`.books.check_room`)."""
        check_room(book, self.spec.table, self.sheet, self.header_row + self.body_rows,
                   self.first_new + len(self.new_rows) - 1 - self.body_rows if self.new_rows else 0,
                   f"the import's {len(self.new_rows)} new row(s)")

    def write(self, book: Any) -> None:
        if self.cells:
            book.write_table_cells(self.spec.table, self.cells, last_offset=self.first_new - 1)
        if self.new_rows:
            book.append_table_rows(self.spec.table, self.first_new, self.new_rows)


def _norm(value: Any) -> Any:
    if isinstance(value, (_dt.date, _dt.datetime)):
        return (value.year, value.month, value.day)
    if isinstance(value, str):
        return value.strip().casefold()
    return value


def _month(value: Any) -> Any:
    return (value.year, value.month) if isinstance(value, (_dt.date, _dt.datetime)) else _norm(value)


def _same(old: Any, new: Any) -> bool:
    """Whether a cell already holds a value (dates, numbers and texts as Excel keeps them)."""
    if isinstance(old, (int, float)) and isinstance(new, (int, float)):
        return abs(float(old) - float(new)) < 1e-9
    return old is not None and _norm(old) == _norm(new)


def _merge_orders(table: _Table, found: Imported, lang: str, merged: Merged) -> None:
    index = {(_norm(r.get("source")), _norm(r.get("order_id"))): offset for offset, r in table.records.items()}
    labels = {status: status_label(status, lang) for status in ("paid", "refunded", "cancelled")}
    source = _norm(found.layout) if "source" in table.positions else None  # an older workbook: by number only
    for _line, row in found.rows:
        row = {**row, "source": found.layout, "status": labels.get(row["status"], row["status"])}
        key = (source, _norm(row["order_id"]))
        offset = index.get(key)
        if offset is None:
            index[key] = table.append({k: v for k, v in row.items() if v is not None})
            merged.imported += 1
            continue
        current = table.records[offset]
        changed = {k: v for k, v in row.items() if v is not None and k not in _HAND_OWNED and k in table.positions
                   and not _same(current.get(k), v)}
        if changed:
            table.put(offset, changed)
            merged.merged += 1
        else:
            merged.unchanged += 1


def _log_entries(log: _Table, found: Imported) -> dict[tuple, list[tuple[int, dict[str, Any]]]]:
    entries: dict[tuple, list[tuple[int, dict[str, Any]]]] = {}
    for offset, record in log.records.items():
        if _norm(record.get("source")) == found.layout and _norm(record.get("table")) == found.table:
            entries.setdefault((_month(record.get("month")), _norm(record.get("key"))), []).append((offset, record))
    return entries


def _days(record: dict[str, Any]) -> tuple[_dt.date, _dt.date]:
    first, last = record.get("first_day"), record.get("last_day")
    return (first.date() if isinstance(first, _dt.datetime) else first,
            last.date() if isinstance(last, _dt.datetime) else last)


def _merge_monthly(table: _Table, log: _Table | None, found: Imported, file: str, merged: Merged,
                   today: _dt.date) -> None:
    key_column = _MONTHLY_KEY[found.table]
    index = {(_month(r.get("month")), _norm(r.get(key_column)) if key_column else None): offset
             for offset, r in table.records.items()}
    entries = _log_entries(log, found) if log else {}
    plans = []
    for _line, row in found.rows:
        label = row.get(key_column) if key_column else None
        key = (_month(row["month"]), _norm(label) if key_column else None)
        days = (row["period_start"], row["period_end"])
        logged = entries.get((key[0], _norm(label) if key_column else None), [])
        same = next((entry for entry in logged if _days(entry[1]) == days), None)
        for _offset, record in logged:
            first, last = _days(record)
            if (same is None or record is not same[1]) and first <= days[1] and days[0] <= last:
                raise KpiInputError(f"{file} covers {days[0]} to {days[1]}, which overlaps {first} to {last} "
                                    f"imported earlier from {record.get('file')} ({found.layout}, {row['month']:%Y-%m}): "
                                    "import the same dates again to replace them, or dates that do not overlap")
        plans.append((row, key, days, logged, same))
    for row, key, days, logged, same in plans:  # nothing is written before every row is checked
        measures = {k: v for k, v in row.items() if k not in ("month", "period_start", "period_end", key_column)}
        others = [parse_figures(r.get("figures")) for o, r in logged if same is None or o != same[0]]
        before = [parse_figures(r.get("figures")) for _o, r in logged]
        offset = index.get(key)
        current = table.records.get(offset, {}) if offset else {}
        values: dict[str, Any] = {}
        for measure, value in measures.items():
            brought = sum(f.get(measure, 0.0) for f in before)
            cell = current.get(measure)
            if cell is not None and not (logged and isinstance(cell, (int, float)) and abs(cell - brought) < 0.005):
                if not _same(cell, value):
                    shown = f"{cell:.10g}" if isinstance(cell, (int, float)) else repr(cell)
                    merged.kept.append(f"{row['month']:%Y-%m} {measure}: kept {shown} typed by hand (the export "
                                       f"brings {value:.10g})")
                continue
            if measure in _NOT_ADDITIVE and others:
                merged.notes.append(f"{row['month']:%Y-%m}: users of several date ranges cannot be added: "
                                    "visitors left as they were")
                continue
            values[measure] = round(value + sum(f.get(measure, 0.0) for f in others), 2)
        changed = {k: v for k, v in values.items() if not _same(current.get(k), v)}
        if offset is None:
            index[key] = table.append({"month": row["month"], **({key_column: row[key_column]} if key_column else {}),
                                       **values})
            merged.imported += 1
        elif changed or same is None:  # new values, or new days whose figures happen to change nothing
            table.put(offset, changed)
            merged.merged += 1
        else:
            merged.unchanged += 1
        if log is not None and (offset is None or changed or same is None):
            entry = {"imported_on": today, "source": found.layout, "file": file, "table": found.table,
                     "first_day": days[0], "last_day": days[1], "month": row["month"],
                     "key": row.get(key_column) if key_column else None, "figures": figures_text(measures)}
            if same:
                log.put(same[0], entry)
            else:
                log.append(entry)


def merge_rows(book: Any, found: Imported, *, currency: str, lang: str, file: str,
               today: _dt.date | None = None) -> Merged:
    """Merge parsed rows into ``book``'s input table and its import log; nothing is written when refused."""
    if found.currency and found.currency != currency.upper():
        raise KpiInputError(f"the export is in {found.currency} but the workbook's currency is {currency.upper()} "
                            "(Settings): amounts in two currencies cannot be added up. Convert the export or "
                            "change the Settings' currency.")
    today = today or _dt.date.today()
    table = _Table(book, found.table)
    try:
        log: _Table | None = _Table(book, "imports")
    except KpiInputError:
        log = None
    merged = Merged()
    if log is None:
        merged.notes.append(f"this workbook has no {IMPORT_LOG.title(lang)!r} sheet (an older template): partial "
                            "months cannot be added up; take a fresh copy of the template")
    if found.table == "orders":
        _merge_orders(table, found, lang, merged)
        if log is not None and (merged.imported or merged.merged) and found.period:
            totals = {"orders": float(len(found.rows)), **found.totals()}
            log.append({"imported_on": today, "source": found.layout, "file": file, "table": found.table,
                        "first_day": found.period[0], "last_day": found.period[1], "figures": figures_text(totals)})
    else:
        _merge_monthly(table, log, found, file, merged, today)
    for changed in (table, log):
        if changed is not None:
            changed.check_room(book)
    table.write(book)
    if log is not None:
        log.write(book)
    return merged
