"""An Excel table of a workbook file read as typed columns: the fast path of the refresh.

fastexcel parses the sheet with calamine (the parser behind the cell path) but hands
each column over as one Arrow array, so a million rows never become a million
Python lists. It is used only when it gives exactly what the cell path would:

* the headers are the header cells as they are in the sheet (read from the start
  of the sheet's XML, not from the table's definition, which a program may have
  left behind), so a renamed column is caught as before;
* every column holds one kind of value (numbers, texts, dates or booleans, with
  blanks): fastexcel's strict type coercion refuses a column that mixes kinds, and
  then the whole table is read cell by cell, so that a text in an amount column is
  still reported with its row, column and value;
* fastexcel converted every cell to its column's type: it takes some texts (``NA``,
  ``n/a``, ``null``, ``None``, ``#N/A``, ``nan``...) for missing values, and would turn
  them into blanks in a column of numbers or dates; such a table is read cell by
  cell too (see :func:`_load`).

Anything unexpected (fastexcel or pyarrow not installed, a sheet written with an
XML prefix, an unusual column type) also means: read the table cell by cell.
"""

from __future__ import annotations

import contextlib
import logging
import re
import zipfile
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from lxml import etree

if TYPE_CHECKING:
    from .package import Package

__all__ = ["typed_table", "header_cells"]

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_M = "{%s}" % _MAIN
_CELL = re.compile(r"([A-Z]+)")
#: How much of a sheet's XML may be inflated to find its header row before giving up (bytes).
HEADER_SEARCH_LIMIT = 4 << 20


def typed_table(package: Package, table: str) -> tuple[str, int, list[Any], list[pd.Series]] | None:
    """The sheet, header row number, header cells and one Series per column of an Excel table.

    None when the fast path does not apply (see the module's doc): the caller reads
    the table cell by cell instead. Columns: float64 for numbers (NaN for blanks),
    datetime64[us] for dates (NaT), pandas' text dtype for texts (Arrow-backed under
    pandas 3; NaN for blanks), object arrays of ``bool`` (None for blanks) for booleans.
    """
    try:
        import fastexcel
    except ImportError:
        return None
    ref = package.tables.get(table)
    if ref is None:
        return None
    headers = header_cells(package, ref.sheet, ref.first_row, ref.first_col, ref.last_col)
    if headers is None:
        return None
    try:
        with _quiet("fastexcel"):  # it logs a warning for a column of blanks only
            batch = _load(package.fast_reader(fastexcel), ref, headers)
    except Exception:  # noqa: BLE001 - a column mixing kinds (UnsupportedColumnTypeCombinationError) or any other
        return None
    if batch is None or batch.num_columns != len(headers) or batch.num_rows > ref.body_last_row - ref.first_row:
        return None
    columns = [_series(batch.column(i)) for i in range(batch.num_columns)]
    if any(column is None for column in columns):
        return None
    return ref.sheet, ref.first_row, headers, columns


def _load(reader: Any, ref: Any, headers: list[Any]) -> Any:
    """The table's columns as Arrow arrays (strict types over every row), or None when fastexcel could not
    convert every cell to its column's type.

    Read as an area of its sheet (header row, rows and columns of the table): at 1,048,572 rows
    that costs 4.2 s and 770 MB at most, where fastexcel's ``load_table`` takes 4.7 s and 870 MB.
    The area is taken only when its column names are the header cells (fastexcel counts rows and
    columns from the first used cell of the sheet); otherwise None: the table is read cell by cell.

    fastexcel leaves out of a column's type the texts it takes for missing values (``NA``, ``n/a``,
    ``null``, ``None``, ``#N/A``, ``nan``..., its ``NULL_STRING_VALUES``) and the errors ``#N/A``,
    ``#VALUE!``, ``#REF!``, ``#NULL!``, ``#NUM!``: such a cell in a column of numbers or dates would be
    read as a blank without a word (and ``nan`` as a number that is not one). ``to_arrow_with_errors``
    lists the cells it could not convert: any, and the table is read cell by cell, where each is reported
    with its address as before (a NaN in a number column too: see :func:`_series`).
    """
    import fastexcel

    try:
        sheet = reader.load_sheet(ref.sheet, header_row=ref.first_row - 1, n_rows=ref.body_last_row - ref.first_row,
                                  use_columns=list(range(ref.first_col - 1, ref.last_col)), dtype_coercion="strict",
                                  schema_sample_rows=None)
    except fastexcel.UnsupportedColumnTypeCombinationError:
        raise  # a column mixing kinds: the table is read cell by cell (see typed_table)
    except Exception:  # noqa: BLE001 - the area is not where it was looked for (a column not found...)
        return None
    if [column.name for column in sheet.selected_columns] != headers:
        return None  # fastexcel counted from another first cell: its area is not the table's
    batch, errors = sheet.to_arrow_with_errors()
    return None if errors is not None and len(errors.errors) else batch


@contextlib.contextmanager
def _quiet(logger: str):
    """Silence a library's warnings for the time of a call (its level is restored after)."""
    log = logging.getLogger(logger)
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log.setLevel(level)


def _series(array: Any) -> pd.Series | None:
    """A numpy-backed Series holding what the cell path would hold, or None for a type it does not know or
    values the two readers read differently: a NaN in a number column (fastexcel parses the text ``nan``,
    which it takes for a missing value, as the float NaN, without an error), dates outside
    :func:`_plain_dates`' range."""
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = array.type
    if pa.types.is_floating(kind) and pc.any(pc.is_nan(array)).as_py():
        return None
    if pa.types.is_floating(kind) or pa.types.is_integer(kind):
        return pd.Series(array.cast(pa.float64()).to_numpy(zero_copy_only=False))
    if pa.types.is_timestamp(kind) and kind.tz is None:
        if not _plain_dates(array):
            return None
        return pd.Series(array.to_numpy(zero_copy_only=False).astype("datetime64[us]"))
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):  # pandas' text dtype: no Python str per cell
        return pd.Series(array, dtype="str")
    if pa.types.is_boolean(kind) or pa.types.is_null(kind):
        return pd.Series(array.to_numpy(zero_copy_only=False).astype(object, copy=False), dtype=object)
    return None


def _plain_dates(array: Any) -> bool:
    """True when every date of a timestamp column lies from 1900-01-02 to 9999-12-31, where the two readers agree.

    Before, a date cell may hold a time of day (a serial number under 1, such as 0.5 for noon): calamine's
    cell reader gives a time, reported as "not a date", where fastexcel gives 1899-12-31 12:00 or, for a
    time just before midnight rounded to the millisecond, 1900-01-01 00:00, a date like any other. From
    the year 10000 on Python has no date: the cell reader gives the serial number. Such a column is read
    cell by cell (a real date of 1900-01-01 with it: slower, the same result).
    """
    import pyarrow.compute as pc

    if array.null_count == len(array):
        return True
    bounds = pc.min_max(array)
    unit = array.type.unit
    return (int(np.datetime64("1900-01-02", unit).astype(np.int64)) <= bounds["min"].value
            and bounds["max"].value < int(np.datetime64("10000-01-01", unit).astype(np.int64)))


def header_cells(package: Package, sheet: str, row: int, first_col: int, last_col: int) -> list[Any] | None:
    """The values of one row's cells (columns first_col..last_col, 1-based), read from the start of the sheet.

    Only the beginning of the sheet's XML is inflated, up to the end of that row: a
    header row near the top costs microseconds even on a sheet of a million rows.
    Empty cells are None. None when the row cannot be found that way.
    """
    part = package.sheets[sheet]
    start = re.compile(rb'<row\b[^>]*\br="%d"' % row)
    text, found, fragment = b"", None, None
    with zipfile.ZipFile(package.path) as archive, archive.open(part) as stream:
        while fragment is None:
            chunk = stream.read(1 << 16)
            text += chunk
            found = found or start.search(text)
            if found:
                close = text.find(b">", found.end())
                end = text.find(b"</row>", found.end())
                if close != -1 and text[close - 1:close] == b"/":  # <row r="4"/>: no cell
                    fragment = text[found.start():close + 1]
                elif end != -1:
                    fragment = text[found.start():end + len(b"</row>")]
            if fragment is None and (not chunk or len(text) > HEADER_SEARCH_LIMIT):
                return None
    try:
        element = etree.fromstring(b'<sheetData xmlns="%s">%s</sheetData>' % (_MAIN.encode(), fragment))
    except etree.XMLSyntaxError:
        return None
    from .package import column_index_from_string

    values: list[Any] = [None] * (last_col - first_col + 1)
    shared: list[int] = []
    for cell in element.iter(_M + "c"):
        where = _CELL.match(cell.get("r") or "")
        if where is None:
            return None
        col = column_index_from_string(where.group(1))
        if first_col <= col <= last_col:
            value = _cell_value(cell)
            if cell.get("t") == "s" and value is not None:
                shared.append(int(value))
            values[col - first_col] = value
    if shared:
        strings = _shared_strings(package, max(shared))
        if strings is None:
            return None
        for i, cell in enumerate(values):
            if isinstance(cell, _SharedIndex):
                values[i] = strings[int(cell)]
    return values


class _SharedIndex(int):
    """A shared-string index (resolved once the shared strings are read)."""


def _cell_value(cell: etree._Element) -> Any:
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in cell.iterfind(f"{_M}is//{_M}t") if t.getparent().tag != _M + "rPh")
    value = cell.findtext(_M + "v")
    if value is None:
        return None
    if kind == "s":
        return _SharedIndex(int(value))
    if kind in ("str", "e"):
        return value
    if kind == "b":
        return value == "1"
    return float(value)


def _shared_strings(package: Package, last: int) -> list[str] | None:
    """The first ``last + 1`` shared strings, inflating the shared-string part only as far as needed."""
    part = next((name for name in package.parts if name.lower().endswith("sharedstrings.xml")), None)
    if part is None:
        return None
    strings: list[str] = []
    with zipfile.ZipFile(package.path) as archive, archive.open(part) as stream:
        for _event, item in etree.iterparse(stream, tag=_M + "si"):
            strings.append("".join(t.text or "" for t in item.iter(_M + "t") if t.getparent().tag != _M + "rPh"))
            item.clear()
            if len(strings) > last:
                return strings
    return None
