"""The book adapters: one small interface over a workbook, whatever holds it.

* :class:`FileBook`, a workbook file on disk (``kpi-xl refresh BOOK.xlsm``): values
  read with python-calamine, cells written into their sheet's XML only, saved
  through a temporary file; the input sheets, VBA, ribbon and charts are left
  byte for byte as they were;
* :class:`LiveBook`, an open Excel workbook through xlwings (classic COM, or the
  Office.js engine of xlwings Lite and xlwings Server).

The refresh (:mod:`kpi_xl.excel.refresh`) and the imports (:mod:`kpi_xl.importers`)
both stand on these adapters, never on each other.
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import KpiInputError
from ..schema import INPUT_TABLES, SETTINGS, choice_label
from .addresses import MAX_ROW
from .cell_marks import file_marks, row_ranges, rows_below
from .values import Formatted, Formula

__all__ = ["FileBook", "LiveBook", "check_room", "fill_inputs", "fill_sample", "filled_sheet"]


#: What a named cell (a setting) holding a formula without a saved value reads as: a text the Settings checks
#: refuse by its cell, where a blank would silently mean the default.
UNCALCULATED_SETTING = "(formule sans valeur enregistrée / formula without a saved value)"


class FileBook:
    """A workbook file, read and written as a package of parts."""

    def __init__(self, path: str | os.PathLike):
        from .package import Package  # lxml and calamine only for files: a live book (Lite) runs without them

        self.package = Package(path)

    def table_values(self, table: str) -> tuple[str, int, list[list[Any]]]:
        """A table's cells, header first; an error cell holds its error, a formula without a saved value is
        empty (the input reader finds it with :meth:`cell_marks` and says so)."""
        if table not in self.package.tables:
            raise KpiInputError(f"{self.package.path.name} has no table {table!r}: was its sheet deleted or the "
                                "table converted to a range? Take a fresh copy of the template.")
        ref = self.package.tables[table]  # the header and the data: a total row is the table's, not data
        return ref.sheet, ref.first_row, self._marked_area(table, ref.sheet, ref.first_row, ref.first_col,
                                                           ref.body_last_row, ref.last_col, uncalculated="")

    def _marked_area(self, name: str, sheet: str, r1: int, c1: int, r2: int, c2: int, *, uncalculated: str) -> Any:
        """An area's values with each error cell holding its error (``#N/A``), as Excel and the live book show
        it (calamine reads it as empty), and each formula without a saved value holding ``uncalculated``."""
        values = self.package.area(sheet, r1, c1, r2, c2)
        if (values == "").any():
            from .package import TableRef

            area = TableRef(name, sheet, self.package.sheets[sheet], r1 - 1, c1, r2, c2)
            for (row, col), mark in file_marks(self.package, area).items():
                values[row - r1][col] = mark or uncalculated
        return values

    def table_columns(self, table: str) -> tuple[str, int, list[Any], list[Any]] | None:
        """A table as typed columns, or None when it must be read cell by cell (see :mod:`.typed_columns`)."""
        from .typed_columns import typed_table

        return typed_table(self.package, table)

    def cell_marks(self, table: str) -> dict[tuple[int, int], str]:
        """Error cells and formulas without a saved value of a table's body (see :mod:`.cell_marks`)."""
        return file_marks(self.package, self.package.tables[table])

    def total_rows(self, table: str) -> int:
        """How many total rows end a table (Table Design > Total Row): 0 or 1."""
        return self.package.tables[table].total_rows

    def rows_below(self, table: str) -> list[int]:
        """Rows holding values just below a table, outside it (see :mod:`.cell_marks`)."""
        return rows_below(self.package, self.package.tables[table])

    def rows_in_the_way(self, table: str, count: int) -> list[int]:
        """Rows among the ``count`` right below a table (below its total row) holding a value or a formula in its
        columns, read from the sheet's cells themselves, not its used area: where new rows would land."""
        ref = self.package.tables[table]
        return self.package.rows_holding_values(ref.sheet, range(ref.last_row + 1, ref.last_row + 1 + count),
                                                ref.first_col, ref.last_col)

    def name_values(self, name: str) -> list[list[Any]]:
        """The values of a name's area; an error cell holds its error (``#N/A``), as Excel shows it, and a formula
        without a saved value :data:`UNCALCULATED_SETTING`."""
        sheet, (r1, c1, r2, c2) = self.package.name_target(name)
        return self._marked_area(name, sheet, r1, c1, r2, c2, uncalculated=UNCALCULATED_SETTING)

    def name_cell(self, name: str) -> tuple[str, int, int]:
        """The sheet, row and column of a defined name's top-left cell."""
        sheet, (r1, c1, _r2, _c2) = self.package.name_target(name)
        return sheet, r1, c1

    def write(self, name: str, cells: dict[tuple[int, int], Any]) -> None:
        sheet, (r1, c1, _r2, _c2) = self.package.name_target(name)
        self.package.write_cells(sheet, {(r1 + dr, c1 + dc): value for (dr, dc), value in cells.items()})

    def print_area(self, name: str) -> None:
        """Print the area of a defined name on its sheet."""
        self.package.set_print_area(name)

    def write_table(self, table: str, rows: list[list[Any]]) -> None:
        """Replace an input table's data rows (the sample shop, an import)."""
        ref = self.package.tables[table]
        last = ref.first_row + max(len(rows), 1)
        if last > ref.body_last_row:  # first: a total row moves out of the new rows' way
            self.package.set_table_area(table, last)
        cells = {}
        for i, row in enumerate(rows, start=ref.first_row + 1):
            for j, value in enumerate(row, start=ref.first_col):
                cells[(i, j)] = value
        for i in range(ref.first_row + 1 + len(rows), ref.body_last_row + 1):
            for j in range(ref.first_col, ref.last_col + 1):
                cells[(i, j)] = None
        self.package.write_cells(ref.sheet, cells)
        if last <= ref.body_last_row:  # then: a total row moves up to the data
            self.package.set_table_area(table, last)

    def write_table_cells(self, table: str, cells: dict[tuple[int, int], Any], *, last_offset: int) -> None:
        """Write cells of a table by (row below the header, column of the table); the table grows to
        ``last_offset`` rows below its header when that is more (its total row, if any, moving down first)."""
        ref = self.package.tables[table]
        if ref.first_row + last_offset > ref.body_last_row:
            self.package.set_table_area(table, ref.first_row + last_offset)
        self.package.write_cells(ref.sheet, {(ref.first_row + r, ref.first_col + c): value
                                             for (r, c), value in cells.items()})

    def append_table_rows(self, table: str, first_offset: int, rows: list[list[Any]]) -> None:
        """Write whole rows of a table from ``first_offset`` rows below its header (each row: one value per
        table column, None for no value); the table grows to hold them, its total row, if any, moving down
        below them. An import's new rows: written as one block, with no dictionary per cell."""
        ref = self.package.tables[table]
        last_offset = first_offset + len(rows) - 1
        if ref.first_row + last_offset > ref.body_last_row:
            self.package.set_table_area(table, ref.first_row + last_offset)
        self.package.append_rows(ref.sheet, ref.first_row + first_offset, ref.first_col, rows)

    def status(self, message: str) -> None:
        """Nothing to show without Excel."""

    def save(self, path: str | os.PathLike | None = None, *, recalculate: bool = True) -> Path:
        return self.package.save(path, recalculate=recalculate)


class LiveBook:
    """An open Excel workbook, through xlwings."""

    def __init__(self, book: Any):
        self.book = book

    def _table(self, table: str):
        for sheet in self.book.sheets:
            if table in [t.name for t in sheet.tables]:
                return sheet, sheet.tables[table]
        raise KpiInputError(f"the workbook has no table {table!r}: was its sheet deleted or the table converted "
                            "to a range? Take a fresh copy of the template.")

    def table_values(self, table: str) -> tuple[str, int, list[list[Any]]]:
        sheet, found = self._table(table)
        area = found.range
        values = area.options(ndim=2, err_to_str=True).value  # #N/A as such, not as empty
        return sheet.name, area.row, values[:len(values) - _total_rows(found)]  # a total row is not data

    def total_rows(self, table: str) -> int:
        return _total_rows(self._table(table)[1])

    def rows_below(self, table: str) -> list[int]:
        """Rows holding values just below a table, outside it, up to the end of the sheet's used range."""
        first, below = self._below(table)
        return [] if below is None else [first + i for i, row in enumerate(below.options(ndim=2).value)
                                         if _filled(row)]

    def rows_in_the_way(self, table: str, count: int) -> list[int]:
        """Rows among the ``count`` right below a table (below its total row) holding a value in its columns, or a
        formula where the engine can read them (a formula showing an empty text is no empty cell)."""
        first, below = self._below(table, count)
        if below is None:
            return []
        values = below.options(ndim=2).value
        formulas = _formulas(below, len(values)) or [[]] * len(values)
        return [first + i for i, (row, written) in enumerate(zip(values, formulas, strict=True))
                if _filled(row) or any(str(f).startswith("=") for f in written)]

    def _below(self, table: str, count: int | None = None) -> tuple[int, Any]:
        """The first row below a table and the area below it in its columns, to the end of the sheet's used range
        (or ``count`` rows at most); the area is None when there is nothing below, or no used range to tell."""
        sheet, found = self._table(table)
        area = found.range
        last = area.row + area.rows.count - 1
        try:
            used = sheet.used_range
            end = used.row + used.rows.count - 1
        except Exception:  # noqa: BLE001 - an engine without a used range (or one not loaded): nothing to say
            return last + 1, None
        if count is not None:
            end = min(end, last + count)
        if end <= last:
            return last + 1, None
        return last + 1, sheet.range((last + 1, area.column), (end, area.column + area.columns.count - 1))

    def _name(self, name: str):
        try:
            return self.book.names[name].refers_to_range
        except Exception:  # xlwings raises KeyError or a COM error depending on the platform
            raise KpiInputError(f"the workbook has no name {name!r}: is it a kpi_xl workbook?") from None

    def name_values(self, name: str) -> list[list[Any]]:
        return self._name(name).options(ndim=2, err_to_str=True).value  # #N/A as such, not as empty

    def name_cell(self, name: str) -> tuple[str, int, int]:
        area = self._name(name)
        return area.sheet.name, area.row, area.column

    def write(self, name: str, cells: dict[tuple[int, int], Any]) -> None:
        start = self._name(name)[0, 0]  # offsets count from the top-left cell; an area would keep its size
        rows = sorted({r for r, _ in cells})
        cols = sorted({c for _, c in cells})
        full = len(cells) == len(rows) * len(cols) and rows == list(range(rows[0], rows[-1] + 1)) \
            and cols == list(range(cols[0], cols[-1] + 1))
        if full:  # one call for a whole block
            block = [[_live(cells[(r, c)]) for c in cols] for r in rows]
            start.offset(rows[0], cols[0]).resize(len(rows), len(cols)).value = block
        else:
            for (dr, dc), value in cells.items():
                start.offset(dr, dc).value = _live(value)
        for (dr, dc), value in cells.items():  # the value's format, the cell keeping the rest of its style
            if isinstance(value, Formatted):
                start.offset(dr, dc).number_format = value.number_format

    def print_area(self, name: str) -> None:
        area = self._name(name)
        try:
            area.sheet.page_setup.print_area = area.address
        except (AttributeError, NotImplementedError):  # engines without page setup (xlwings' remote engine)
            pass

    def write_table(self, table: str, rows: list[list[Any]]) -> None:
        _sheet, found = self._table(table)
        top, width = found.range[0, 0], found.range.columns.count
        with _totals_off(found, bool(rows)):
            body = found.data_body_range
            if body is not None:
                body.clear_contents()
            if rows:
                found.resize(top.resize(len(rows) + 1, width))
                top.offset(1, 0).value = [[_live(value) for value in row] for row in rows]

    def write_table_cells(self, table: str, cells: dict[tuple[int, int], Any], *, last_offset: int) -> None:
        """As :meth:`FileBook.write_table_cells`: new rows below the table go in one block, then the table grows."""
        _sheet, found = self._table(table)
        top, width = found.range[0, 0], found.range.columns.count
        body_rows = found.range.rows.count - 1 - _total_rows(found)
        new = {k: v for k, v in cells.items() if k[0] > body_rows}
        for (r, c), value in cells.items():
            if r <= body_rows:
                top.offset(r, c).value = _live(value)
        with _totals_off(found, last_offset > body_rows):  # new rows go where the total row is
            if new:
                first, last = min(r for r, _ in new), max(r for r, _ in new)
                block = [[_live(new.get((r, c))) for c in range(width)] for r in range(first, last + 1)]
                top.offset(first, 0).resize(len(block), width).value = block
            if last_offset > body_rows:
                found.resize(top.resize(last_offset + 1, width))

    def append_table_rows(self, table: str, first_offset: int, rows: list[list[Any]]) -> None:
        """As :meth:`FileBook.append_table_rows` (through :meth:`write_table_cells`' block of new rows)."""
        self.write_table_cells(table, {(first_offset + i, j): value for i, row in enumerate(rows)
                                       for j, value in enumerate(row) if value is not None},
                               last_offset=first_offset + len(rows) - 1)

    def status(self, message: str) -> None:
        try:
            self.book.app.status_bar = message or False
        except NotImplementedError:  # engines without a status bar (xlwings' remote engine)
            pass

    def save(self, path: Any = None) -> None:
        """Excel saves when the user does."""


def _formulas(area: Any, rows: int) -> list[list[Any]] | None:
    """The formulas of an area, a list per row (a formula showing an empty text is no empty cell), or None on an
    engine that cannot read them at once (xlwings Lite: its values only)."""
    try:
        formulas = area.formula
    except NotImplementedError:
        return None
    if not isinstance(formulas, (list, tuple)):
        return [[formulas]]
    if rows == 1 and formulas and not isinstance(formulas[0], (list, tuple)):
        return [list(formulas)]
    return [list(row) if isinstance(row, (list, tuple)) else [row] for row in formulas]


def _filled(row: list[Any]) -> bool:
    """Whether a row of cell values holds one that is not empty nor blank."""
    return any(v is not None and not (isinstance(v, str) and not v.strip()) for v in row)


def _total_rows(found: Any) -> int:
    """1 when an xlwings table shows its total row (Table Design > Total Row), else 0."""
    return 1 if found.show_totals else 0


@contextlib.contextmanager
def _totals_off(found: Any, growing: bool):
    """Around rows written below a table's data: its total row switched off, then on again once the table holds
    them. Excel keeps each column's total (its function, label or formula) while the row is off, and puts the row
    back below the last row of data, as it does when rows are added by hand."""
    shown = growing and found.show_totals
    if shown:
        found.show_totals = False
    try:
        yield
    finally:
        if shown:
            found.show_totals = True


#: Text that Excel would turn into something else when it is set as a cell's value: a formula or a DDE
#: payload (= + - @ and control characters first), a number ("00123", "1e5", "12,5", "10 %"), a date
#: or a time ("3/4", "2025-01-02", "12:30"). Such text is written with Excel's text prefix, the
#: apostrophe, which Excel keeps out of the value: the cell holds exactly the user's data.
_EXCEL_WOULD_CONVERT = re.compile(r"[=+\-@\t\r\n]|\s*[$€£(]?\s*[\d.,\s]*\d[\d.,\s]*(?:e[+-]?\d+)?\s*[%)€]?\s*$|"
                                  r"\s*\d{1,4}\s*[-/.]\s*\d{1,2}|\s*\d{1,2}\s*:\s*\d{2}", re.IGNORECASE)


def _live(value: Any) -> Any:
    """A value as it must be handed to Excel so that the cell holds it unchanged."""
    if isinstance(value, Formatted):
        return _live(value.value)
    if isinstance(value, Formula):
        return f"={value.text}"
    if isinstance(value, str) and _EXCEL_WOULD_CONVERT.match(value):
        return "'" + value
    return value


def fill_inputs(book: FileBook | LiveBook, tables: dict[str, Any], lang: str = "fr") -> None:
    """Replace the input tables' rows with DataFrames holding the schema's columns (the sample shop); refused,
    before anything is written, when rows would land on cells holding values below a table."""
    filled = {}
    for key, frame in tables.items():
        spec = INPUT_TABLES[key]
        rows = []
        for record in frame.to_dict("records"):
            row = []
            for column in spec.columns:
                value = record.get(column.key)
                if column.choices:  # drop-down values in the workbook's language
                    value = choice_label(column.choices, value, lang)
                if value is not None and not isinstance(value, (list, tuple)) and pd.isna(value):
                    value = None  # a blank cell, never the text "nan" (pandas' text columns hold NaN for None)
                if hasattr(value, "to_pydatetime"):
                    value = value.to_pydatetime()
                row.append(value.item() if hasattr(value, "item") else value)
            rows.append(row)
        sheet, header, values = book.table_values(spec.table)
        check_room(book, spec.table, sheet, header + len(values) - 1, len(rows) - (len(values) - 1),
                   f"the sample's {len(rows)} rows")
        filled[spec.table] = rows
    for table, rows in filled.items():
        book.write_table(table, rows)


def check_room(book: FileBook | LiveBook, table: str, sheet: str, body_end: int, grow: int, what: str) -> None:
    """Refuse ``grow`` more rows at the end of a table's data (whose last row is ``body_end``) when they would
    go past Excel's last row or land on cells holding values below the table (a note, a formula). Called before
    anything is written: a live workbook changes at each write. ``what`` names the rows ("the import's 5 new
    row(s)")."""
    if grow <= 0:
        return
    last = body_end + grow + book.total_rows(table)
    if last > MAX_ROW:
        raise KpiInputError(f"sheet {sheet!r}: with {what} the table {table} would end on row {last}, past Excel's "
                            f"last row ({MAX_ROW}); nothing was written. Move older rows to another workbook, then "
                            "try again.")
    taken = book.rows_in_the_way(table, grow)
    if taken:
        raise KpiInputError(f"sheet {sheet!r}, row(s) {row_ranges(taken)}: cells below the table {table} hold "
                            f"values where {what} must go; nothing was written. Move those cells away (or, if they "
                            "are rows of data, drag the table's corner over them), then try again.")


def filled_sheet(book: FileBook | LiveBook, table: str) -> str | None:
    """The sheet of a table holding any value below its header (someone's data), else None."""
    sheet, _row, values = book.table_values(table)
    return sheet if any(value not in (None, "") for row in values[1:] for value in row) else None


def fill_sample(book: FileBook | LiveBook, tables: dict[str, Any], lang: str = "fr") -> None:
    """The sample shop's input tables, and its opening day in Settings: the day of its first order, since when
    its orders are complete, so no month is marked "not enough history: earlier customers are missing"."""
    fill_inputs(book, tables, lang)
    opened = next(s.name for s in SETTINGS if s.key == "opened")
    book.write(opened, {(0, 0): pd.Timestamp(tables["orders"]["order_date"].min()).to_pydatetime()})
