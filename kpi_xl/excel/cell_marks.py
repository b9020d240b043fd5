"""Cells that look empty to a reader but are not, and rows a table does not hold.

* An error cell (``#DIV/0!``, ``#N/A``...): python-calamine and fastexcel read it
  as empty; it is reported as that error, with its address.
* A formula without a saved value (a file written by a program that does not
  calculate, such as openpyxl): read as empty too; the message says the file was
  saved without calculation.
* Rows typed just below an Excel table (a paste, LibreOffice or openpyxl did not
  extend it): the refresh reads the table only, so they are listed with their row
  numbers instead of being silently left out.

Both are found in the sheet's XML, streamed, and only when it can matter: the
error and formula cells when a column that must be filled has empty cells (an
error in an optional column, such as the channel, reads as not known), the rows
below when the sheet's used area (``<dimension>``) reaches past the table.
"""

from __future__ import annotations

import re
from contextlib import closing
from typing import TYPE_CHECKING, Any

from ..errors import InputProblem
from .addresses import column_index_from_string

if TYPE_CHECKING:
    from .package import Package, TableRef

__all__ = ["EXCEL_ERRORS", "file_marks", "used_last_row", "rows_below", "marked", "below_problem", "row_ranges"]

#: Excel's error values, as a cell shows them.
EXCEL_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
                          "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"})
#: A cell holding a formula, or an error value, in a sheet's XML (the cell's own XML up to its end is read after).
_ODD_CELL = re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*?(?:\bt="e"[^>]*>|>\s*<f[ >/])')
_DIMENSION = re.compile(rb'<dimension ref="(?:[A-Z]+\d+:)?[A-Z]+(\d+)"')
_VALUE = re.compile(rb"<v>([^<]*)</v>")
_ROW = re.compile(rb'<row r="(\d+)"[^>]*?(?:/>|>(.*?)</row>)', re.S)
_CELL = re.compile(rb'<c r="([A-Z]+)\d+"[^>]*?(?:/>|>(.*?)</c>)', re.S)
_LAST_ROW = re.compile(rb'<row r="(\d+)"')

UNCALCULATED = ""  # the mark of a formula without a saved value


def _rows_xml(package: Package, sheet: str):
    """A sheet's XML in pieces that end with a whole row, streamed: a sheet of a million rows is never held."""
    tail = b""
    for chunk in package.part_chunks(package.sheets[sheet]):
        data = tail + chunk
        cut = data.rfind(b"</row>")
        if cut == -1:
            tail = data
            continue
        cut += len(b"</row>")
        yield data[:cut]
        tail = data[cut:]
    if tail:
        yield tail


def file_marks(package: Package, ref: TableRef) -> dict[tuple[int, int], str]:
    """Error cells (their error) and formulas without a saved value (``""``) of a table's body, by
    (sheet row, column offset in the table)."""
    found = {}
    for data in _rows_xml(package, ref.sheet):
        if b't="e"' not in data and b"<f>" not in data and b"<f " not in data:
            continue  # the usual piece: no formula, no error (a validation's <formula1> is not a cell's)
        for match in _ODD_CELL.finditer(data):
            row, col = int(match.group(2)), column_index_from_string(match.group(1).decode())
            if not (ref.first_row < row <= ref.body_last_row and ref.first_col <= col <= ref.last_col):
                continue
            end = data.find(b"</c>", match.end())
            value = _VALUE.search(data, match.start(), end if end != -1 else len(data))
            is_error = b't="e"' in data[match.start():data.find(b">", match.start())]
            if is_error and value is not None:
                found[(row, col - ref.first_col)] = value.group(1).decode()
            elif value is None or not value.group(1):
                found[(row, col - ref.first_col)] = UNCALCULATED
    return found


def used_last_row(package: Package, sheet: str) -> int | None:
    """The last row of a sheet's used area as its ``<dimension>`` says (the first bytes of its XML), or None."""
    with closing(package.part_chunks(package.sheets[sheet])) as chunks:
        head = next(chunks, b"")[:1 << 14]
    match = _DIMENSION.search(head)
    return int(match.group(1)) if match else None


def rows_below(package: Package, ref: TableRef) -> list[int]:
    """Sheet rows below a table holding a value in the table's columns. Excel, LibreOffice and openpyxl write
    the sheet's used area (``<dimension>``): when it ends with the table, nothing is read."""
    last = used_last_row(package, ref.sheet)
    if last is not None and last <= ref.last_row:
        return []
    found = []
    for data in _rows_xml(package, ref.sheet):
        rows = _LAST_ROW.findall(data[-4096:]) or _LAST_ROW.findall(data)
        if not rows or int(rows[-1]) <= ref.last_row:
            continue  # a piece of the table's own rows (or above it)
        for row in _ROW.finditer(data):
            number = int(row.group(1))
            if number <= ref.last_row or not row.group(2):
                continue
            if any(ref.first_col <= column_index_from_string(cell.group(1).decode()) <= ref.last_col
                   and _holds_value(cell.group(2)) for cell in _CELL.finditer(row.group(2))):
                found.append(number)
    return found


def _holds_value(inner: bytes | None) -> bool:
    """True when a cell's XML holds a value (not only a style): a number, a shared string, a text."""
    if not inner:
        return False
    value = _VALUE.search(inner)
    if value is not None:
        return bool(value.group(1).strip())
    return b"<t" in inner and re.search(rb"<t[^>]*>[^<]*\S", inner) is not None


def row_ranges(rows: list[int]) -> str:
    """Row numbers as ranges: ``[5, 6, 7, 9]`` is ``"5-7, 9"``.

    >>> row_ranges([5, 6, 7, 9]), row_ranges([12])
    ('5-7, 9', '12')
    """
    spans: list[list[int]] = []
    for row in rows:
        if spans and row == spans[-1][1] + 1:
            spans[-1][1] = row
        else:
            spans.append([row, row])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)


def below_problem(rows: list[int], table: str, sheet: str) -> InputProblem:
    """The dashboard's row for rows typed below a table."""
    return InputProblem(f"below the table {table}, not read by the refresh: row(s) {row_ranges(rows)}; extend the "
                        "table over them", None, rows[0], None, sheet)


def _mark_problem(mark: str, column: str, row: Any, sheet: str) -> InputProblem:
    if mark == UNCALCULATED:
        return InputProblem("holds a formula without a saved value: the file was saved without calculation; open "
                            "it in Excel or LibreOffice, save it, then refresh", column, row, None, sheet)
    return InputProblem("is an Excel error, not a value: correct the formula (or the cells it reads)", column, row,
                        mark, sheet)


def marked(problems: list[InputProblem], marks: dict[tuple[Any, str], str], sheet: str) -> list[InputProblem]:
    """Problems with those at a marked cell said as what the cell holds (an error, a formula not calculated);
    a marked cell that caused no problem (an optional column) is listed too."""
    if not marks:
        return problems
    out, used = [], set()
    for problem in problems:
        key = (problem.row, problem.column)
        if key in marks:
            used.add(key)
            out.append(_mark_problem(marks[key], problem.column, problem.row, sheet))
        else:
            out.append(problem)
    out += [_mark_problem(mark, column, row, sheet) for (row, column), mark in marks.items()
            if (row, column) not in used]
    return out
