"""Imports of real exports into a workbook's input tables, proving their totals and losing nothing.

``kpi-xl import SOURCE FILE BOOK`` (or the ribbon's *Importer*) reads an export
(:func:`parse`), checks its currency against the Settings, and merges its rows
into the right input table (:func:`merge_into`; the rules are in
:mod:`kpi_xl.importers.merge`). Every import reports its reconciliation: the
totals imported against the export's own total rows. Only the target sheet,
its table's extent and the import log change; a refused import, or one that
brings nothing new, leaves the workbook byte-identical.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import KpiInputError
from ..excel.settings import chosen, workbook_language, yes_no
from ..schema import INPUT_TABLES
from .ads import GOOGLE_SIGNATURES, google_ads, meta_ads
from .csvfile import Block, read_blocks, read_frame
from .ga4 import GA4_SIGNATURES, ga4_traffic
from .imported import Imported, reconciliation
from .merge import merge_rows
from .options import Options
from .shopify import SHOPIFY_COLUMNS, shopify_orders
from .stores import stripe_payments, woocommerce_orders
from .summary import ImportReport

__all__ = ["LAYOUTS", "detect", "parse", "merge_into", "ImportReport", "import_into", "import_file", "Options"]

#: Each layout: the columns (compared without case) that identify it; any one set of the tuple suffices.
LAYOUTS: dict[str, tuple[frozenset[str], ...]] = {
    "shopify": (frozenset({"name", "financial status", "subtotal", "created at"}),),
    "woocommerce": (frozenset({"date", "order #", "status", "customer"}),),
    "stripe": (frozenset({"id", "created date (utc)", "amount", "status"}),
               frozenset({"id", "created (utc)", "amount", "status"})),
    "ga4": GA4_SIGNATURES,
    "google_ads": GOOGLE_SIGNATURES,
    "meta_ads": (frozenset({"reporting starts", "reporting ends", "impressions"}),),
}
_PARSERS = {"woocommerce": woocommerce_orders, "stripe": stripe_payments}  # Shopify's is read by pandas
_MONTHLY = {"ga4": ga4_traffic, "google_ads": google_ads, "meta_ads": meta_ads}
#: Bytes read to recognise a layout before reading the whole file.
_SNIFF = 1 << 16


def _folded(block: Block) -> set[str]:
    """A header's names without case; a pivot's ``group | metric`` columns also count as their metric."""
    return {name.strip().casefold() for h in block.header for name in {h, h.rpartition(" | ")[2]}}


def detect(blocks: list[Block], file: str) -> str:
    """The layout of an export, recognised from its first table's header (case ignored)."""
    header = _folded(blocks[0])
    for name, signatures in LAYOUTS.items():
        if any(signature <= header for signature in signatures):
            return name
    missing = "; ".join(f"{name}: no {', '.join(sorted(min(sigs, key=lambda s: len(s - header)) - header))}"
                        for name, sigs in LAYOUTS.items())
    raise KpiInputError(f"{file}: the layout is not one kpi_xl knows ({', '.join(LAYOUTS)}). Missing columns by "
                        f"layout: {missing}")


def parse(source: str, path: str | Path, options: Options | None = None) -> Imported:
    """Read an export; ``source`` is a layout name or ``auto``."""
    path = Path(path)
    options = options or Options()
    if source != "auto" and source not in LAYOUTS:
        raise KpiInputError(f"unknown source {source!r}: use auto or one of {', '.join(LAYOUTS)}")
    head = read_blocks(path, head=_SNIFF)
    name = detect(head, path.name) if source == "auto" else source
    if name in _PARSERS or name == "shopify":
        missing = min(LAYOUTS[name], key=lambda s: len(s - _folded(head[0]))) - _folded(head[0])
        if missing:
            raise KpiInputError(f"{path.name} is not a {name} export: no column {', '.join(sorted(missing))}")
        if name == "shopify":
            return shopify_orders(*read_frame(path, SHOPIFY_COLUMNS), path.name, options)
        return _PARSERS[name](read_blocks(path)[0], path.name, options)
    return _MONTHLY[name](read_blocks(path), path.name, options)


def merge_into(book: Any, found: Imported, *, currency: str, lang: str, file: str = "") -> ImportReport:
    """Merge parsed rows into ``book`` (a FileBook or LiveBook) and say what was done, with the reconciliation."""
    merged = merge_rows(book, found, currency=currency, lang=lang, file=file)
    lines, warnings = reconciliation(found)
    return ImportReport(found.layout, INPUT_TABLES[found.table].title(lang), found.read, merged.imported,
                        merged.merged, list(found.problems), [*found.notes, *merged.notes], merged.unchanged,
                        file=file, reconciliation=lines, warnings=warnings, identities=found.identities,
                        kept=merged.kept, rows=len(found.rows))


def _if_present(book: Any, name: str, read: Any) -> Any:
    """A Settings value the imports read, None in a workbook built before that setting existed."""
    try:
        book.name_values(name)
    except (KeyError, KpiInputError):
        return None
    return read()


def import_into(book: Any, source: str, path: str | Path, options: Options | None = None) -> ImportReport:
    """Import an export into an open workbook (a FileBook or a LiveBook), with its Settings; nothing is saved.

    The Settings' *count only paid orders* applies unless ``options`` already ask for it, and their *dates like
    03/04/2026* (day or month first) unless ``options`` give the order.
    """
    lang = workbook_language(book)
    paid_only = _if_present(book, "kpi_paid_only", lambda: yes_no(book, "kpi_paid_only", "paid_only", lang))
    order = _if_present(book, "kpi_date_order", lambda: chosen(book, "kpi_date_order", "date_order", lang))
    options = options or Options()
    found = parse(source, path, Options(options.day_order or (None if order is None else ("dmy", "mdy")[order]),
                                        options.paid_only or bool(paid_only)))
    return merge_into(book, found, currency=str(book.name_values("kpi_currency")[0][0] or "EUR"), lang=lang, file=Path(path).name)


def import_file(source: str, path: str | Path, book_path: str | Path, options: Options | None = None) -> ImportReport:
    """Import an export into a workbook file; the file is replaced only after a successful save."""
    from ..excel.books import FileBook

    book = FileBook(book_path)
    report = import_into(book, source, path, options)
    if report.imported or report.merged:
        book.save()  # Excel recalculates on open if a formula may read the new rows (a total row, the user's own)
    return report
