"""Imports of real exports into a workbook's input tables.

``kpi-xl import SOURCE FILE BOOK`` (or the ribbon's *Importer*) reads an export
(:func:`parse`), checks its currency against the Settings, and merges its rows
into the right input table (:func:`merge_into`): orders by order number,
monthly rows by month and channel or platform. A row already there is updated
(merged), a new one appended; importing the same file twice adds nothing. Only
the target sheet (and its table's extent) changes, and a refused import leaves
the workbook byte-identical.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputProblem, KpiInputError
from ..schema import INPUT_TABLES, status_label
from .csvfile import Block, read_blocks
from .monthly import ga4_traffic, google_ads, meta_ads
from .orders import ORDER_PARSERS, Imported

__all__ = ["LAYOUTS", "detect", "parse", "merge_into", "ImportReport", "import_file"]

#: Each layout: the columns that identify it (any one set of the tuple suffices).
LAYOUTS: dict[str, tuple[frozenset[str], ...]] = {
    "shopify": (frozenset({"Name", "Email", "Financial Status", "Subtotal", "Created at", "Lineitem quantity"}),),
    "woocommerce": (frozenset({"Date", "Order #", "Status", "Customer", "Net Sales"}),),
    "stripe": (frozenset({"id", "Created date (UTC)", "Amount", "Amount Refunded", "Currency", "Status"}),),
    "ga4": (frozenset({"Date", "Sessions"}), frozenset({"Date + hour (YYYYMMDDHH)", "Sessions"}),
            frozenset({"Event name", "Event count"})),
    "google_ads": (frozenset({"Clicks", "Impr.", "Cost"}),),
    "meta_ads": (frozenset({"Reporting starts", "Reporting ends", "Impressions"}),),
}
_KEYS = {"orders": ("order_id",), "traffic": ("month",), "marketing": ("month", "channel"),
         "social": ("month", "platform")}


def detect(blocks: list[Block], file: str) -> str:
    """The layout of an export, recognised from its header."""
    header = set(blocks[0].header)
    for name, signatures in LAYOUTS.items():
        if any(signature <= header for signature in signatures):
            return name
    missing = "; ".join(f"{name}: no {', '.join(sorted(min(sigs, key=lambda s: len(s - header)) - header))}"
                        for name, sigs in LAYOUTS.items())
    raise KpiInputError(f"{file}: the layout is not one kpi_xl knows ({', '.join(LAYOUTS)}). Missing columns by "
                        f"layout: {missing}")


def parse(source: str, path: str | Path) -> Imported:
    """Read an export; ``source`` is a layout name or ``auto``."""
    path = Path(path)
    blocks = read_blocks(path)
    name = detect(blocks, path.name) if source == "auto" else source
    if name not in LAYOUTS:
        raise KpiInputError(f"unknown source {source!r}: use auto or one of {', '.join(LAYOUTS)}")
    if name in ORDER_PARSERS:
        missing = min(LAYOUTS[name], key=lambda s: len(s - set(blocks[0].header))) - set(blocks[0].header)
        if missing:
            raise KpiInputError(f"{path.name} is not a {name} export: no column {', '.join(sorted(missing))}")
        return ORDER_PARSERS[name](blocks[0], path.name)
    return {"ga4": ga4_traffic, "google_ads": google_ads, "meta_ads": meta_ads}[name](blocks, path.name)


@dataclass
class ImportReport:
    """What an import did."""

    layout: str
    table: str
    read: int
    imported: int
    merged: int
    skipped: list[InputProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unchanged: int = 0  # rows already in the workbook with the same values

    def summary(self) -> str:
        return (f"{self.layout}: {self.read} read, {self.imported} imported, {len(self.skipped)} skipped, "
                f"{self.merged} merged, {self.unchanged} already there, into {self.table}")


def _key(table: str, values: dict[str, Any]) -> tuple:
    out = []
    for column in _KEYS[table]:
        value = values.get(column)
        if isinstance(value, (_dt.date, _dt.datetime)):
            value = (value.year, value.month) if column == "month" else value
        elif isinstance(value, str):
            value = value.strip().casefold()
        out.append(value)
    return tuple(out)


def _localized(table: str, values: dict[str, Any], lang: str) -> dict[str, Any]:
    if table == "orders" and "status" in values:
        values = {**values, "status": status_label(values["status"], lang)}
    return values


def merge_into(book: Any, found: Imported, *, currency: str, lang: str) -> ImportReport:
    """Merge parsed rows into ``book``'s input table (a FileBook): update rows with the same key, append the rest."""
    if found.currency and found.currency != currency.upper():
        raise KpiInputError(f"the export is in {found.currency} but the workbook's currency is {currency.upper()} "
                            "(Settings): amounts in two currencies cannot be added up. Convert the export or "
                            "change the Settings' currency.")
    spec = INPUT_TABLES[found.table]
    sheet, header_row, values = book.table_values(spec.table)
    headers = [str(h).strip() for h in values[0]]
    positions = {}
    for column in spec.columns:
        for label in (column.fr, column.en):
            if label in headers:
                positions[column.key] = headers.index(label)
    existing, current = {}, {}
    for offset, row in enumerate(values[1:], start=1):
        record = {key: (None if row[i] in ("", None) else row[i]) for key, i in positions.items()}
        if any(v is not None for v in record.values()):
            existing[_key(found.table, record)] = offset
            current[offset] = record
    last = max(existing.values(), default=0)
    cells: dict[tuple[int, int], Any] = {}
    merged = imported = unchanged = 0
    for _line, record in found.rows:
        record = _localized(found.table, record, lang)
        key = _key(found.table, record)
        if key in existing:
            target = existing[key]
            record = {k: v for k, v in record.items()  # keep what the export does not hold, and what is equal
                      if v is not None and k in positions and not _same(current.get(target, {}).get(k), v)}
            merged, unchanged = (merged + 1, unchanged) if record else (merged, unchanged + 1)
        else:
            last += 1
            target, imported = last, imported + 1
            existing[key] = target
        for column_key, value in record.items():
            if column_key in positions:
                cells[(target, positions[column_key])] = value
    if cells:
        book.write_table_cells(spec.table, cells, last_offset=last)
    return ImportReport(found.layout, spec.title(lang), found.read, imported, merged, list(found.problems),
                        list(found.notes), unchanged)


def _same(old: Any, new: Any) -> bool:
    """Whether a cell already holds an imported value (dates, numbers and texts as Excel keeps them)."""
    if isinstance(old, (_dt.date, _dt.datetime)) and isinstance(new, (_dt.date, _dt.datetime)):
        return (old.year, old.month, old.day) == (new.year, new.month, new.day)
    if isinstance(old, (int, float)) and isinstance(new, (int, float)):
        return abs(float(old) - float(new)) < 1e-9
    return str(old).strip() == str(new).strip() if old is not None else False


def import_file(source: str, path: str | Path, book_path: str | Path) -> ImportReport:
    """Import an export into a workbook file; the file is replaced only after a successful save."""
    from ..excel.books import FileBook

    found = parse(source, path)
    book = FileBook(book_path)
    settings = {name: book.name_values(name)[0][0] for name in ("kpi_currency", "kpi_language")}
    lang = "en" if str(settings["kpi_language"]).strip().upper() == "EN" else "fr"
    report = merge_into(book, found, currency=str(settings["kpi_currency"] or "EUR"), lang=lang)
    if report.imported or report.merged:
        book.save(recalculate=False)
    return report
