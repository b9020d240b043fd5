"""The user's inputs read from a workbook: the four input tables, the settings and the targets.

Tables are found by their Excel table name and columns by header, in French or
English (schema labels, case and spaces ignored); rows keep their sheet row
numbers as index, so every message names the sheet, row and column a user
sees. A missing table, sheet or column is fatal: nothing can be computed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import pandas as pd

from ..errors import InputProblem, KpiInputError
from ..schema import IMPORT_ONLY_TABLES, INPUT_TABLES, InputTable
from ..arrow_text import text_edges
from ..table_checks import blank_mask
from .cell_marks import EXCEL_ERRORS, below_problem
from .cells import is_blank
from .settings import Target, read_settings, read_targets

__all__ = ["BookReader", "Inputs", "read_inputs", "read_table", "Target"]


class BookReader(Protocol):
    """What reading needs from a workbook (a file on disk or a live Excel book)."""

    def table_values(self, table: str) -> tuple[str, int, list[list[Any]]]:
        """The sheet title, the header's row number and the values (header first) of an Excel table."""

    def name_values(self, name: str) -> list[list[Any]]:
        """The values of a defined name's area."""

    def name_cell(self, name: str) -> tuple[str, int, int]:
        """The sheet title, row and column (1-based) of a defined name's top-left cell."""


@dataclass(frozen=True)
class Inputs:
    """Everything the refresh reads."""

    tables: dict[str, pd.DataFrame]  # key -> frame with schema keys as columns, sheet rows as index
    sheets: dict[str, str]  # key -> sheet title
    labels: dict[str, dict[str, str]]  # key -> column key -> header as found
    settings: dict[str, Any]
    targets: dict[str, Target]
    problems: list[InputProblem] = field(default_factory=list)  # found while reading (targets, cells, rows below)
    setting_cells: dict[str, tuple[str, int, str]] = field(default_factory=dict)  # key -> sheet, row, column
    marks: dict[str, dict[tuple[int, str], str]] = field(default_factory=dict)  # see cell_marks.marked


def _norm(text: Any) -> str:
    return " ".join(str(text).split()).casefold()


def read_table(reader: BookReader, spec: InputTable) -> tuple[pd.DataFrame, str, dict[str, str]]:
    """One input table as a DataFrame (schema keys, sheet rows as index), its sheet, and its headers.

    A reader that can hand the table over as typed columns (``table_columns``, a
    workbook file) does so when every column holds one kind of value; otherwise the
    table is read cell by cell. Both give the same frame and the same messages.
    """
    frame, sheet, labels, _marks = _read_table(reader, spec)
    return frame, sheet, labels


def _read_table(reader: BookReader, spec: InputTable) -> tuple[pd.DataFrame, str, dict[str, str],
                                                                dict[tuple[int, str], str]]:
    """:func:`read_table`, and the cells that hold an Excel error or a formula without a saved value, by
    (sheet row, column key): such cells are empty in the frame (see :mod:`.cell_marks`)."""
    typed = getattr(reader, "table_columns", None)
    found = typed(spec.table) if typed is not None else None
    if found is not None:
        sheet, header_row, header_cells, columns = found
    else:
        sheet, header_row, values = reader.table_values(spec.table)
        header_cells, columns = values[0], _cell_columns(values[1:], len(values[0]))
    headers = [str(h).strip() if not is_blank(h) else "" for h in header_cells]
    wanted = {}
    for column in spec.columns:
        for label in (column.fr, column.en):
            if _norm(label) in [_norm(h) for h in headers]:
                wanted[column.key] = [_norm(h) for h in headers].index(_norm(label))
                break
    missing = [c for c in spec.columns if c.required and c.key not in wanted]
    if missing:
        names = ", ".join(f"'{c.fr}' ({c.en})" for c in missing)
        raise KpiInputError(f"sheet {sheet!r}, table {spec.table}: no column {names}; columns found: "
                            f"{', '.join(repr(h) for h in headers if h)}. Rename the column back, or take a fresh "
                            "copy of the template.")
    rows = len(columns[0]) if columns else 0
    index = pd.RangeIndex(header_row + 1, header_row + 1 + rows)
    frame = pd.DataFrame(index=index)
    blank_rows = np.ones(rows, dtype=bool)
    blanks, errors = {}, {}
    for key, i in wanted.items():
        column = columns[i].set_axis(index)  # the sheet's row numbers; the values are not copied
        edges = text_edges(column)  # read once for the blanks and the errors
        blanks[key] = blank_mask(column, edges=edges)
        if column.dtype == object or pd.api.types.is_string_dtype(column.dtype):
            errors[key] = _excel_errors(column, edges)
        frame[key] = column.where(~blanks[key], None) if _has_blank_text(column, blanks[key]) else column
        blank_rows &= blanks[key]
    if blank_rows.any():
        frame = frame[~blank_rows]
        blanks = {key: blank[~blank_rows] for key, blank in blanks.items()}
        errors = {key: found[~blank_rows] for key, found in errors.items()}
    marks = _marks(reader, spec, frame, wanted, blanks, errors)
    return frame, sheet, {key: headers[i] for key, i in wanted.items()}, marks


def _has_blank_text(column: pd.Series, blank: np.ndarray) -> bool:
    """Whether a column has a blank to make missing (None): in an object column any blank, a NaN included
    (None there is what the cell path reads); in a column of pandas' text dtype a blank that is not missing."""
    if column.dtype == object:
        return bool(blank.any())
    return pd.api.types.is_string_dtype(column.dtype) and bool((blank & column.notna().to_numpy(dtype=bool)).any())


def _excel_errors(column: pd.Series, edges: tuple[np.ndarray, np.ndarray, np.ndarray] | None) -> np.ndarray:
    """Where a text column holds an Excel error's text (``#N/A``...). In a column of pandas' text dtype held
    by Arrow (``edges``: its :func:`~kpi_xl.arrow_text.text_edges`), only the texts whose length, first
    and last bytes are those of an error are compared."""
    if edges is None:
        return column.isin(EXCEL_ERRORS).to_numpy(dtype=bool)
    lengths, first, last = edges
    maybe = first == _ERROR_FIRST
    if maybe.any():  # a comparison per last byte (three): ten times faster than np.isin on a million bytes
        maybe &= (np.logical_or.reduce([last == byte for byte in _ERROR_LAST]) & (lengths >= min(_ERROR_LENGTHS))
                  & (lengths <= max(_ERROR_LENGTHS)))
    errors = np.zeros(len(column), dtype=bool)
    if maybe.any():
        errors[maybe] = column[maybe].isin(EXCEL_ERRORS).to_numpy(dtype=bool)
    return errors


#: The first byte (UTF-8) of every Excel error's text (``#``), the last bytes and the lengths of those texts.
(_ERROR_FIRST,) = {error.encode()[0] for error in EXCEL_ERRORS}
_ERROR_LAST = sorted({error.encode()[-1] for error in EXCEL_ERRORS})
_ERROR_LENGTHS = {len(error.encode()) for error in EXCEL_ERRORS}


def _marks(reader: BookReader, spec: InputTable, frame: pd.DataFrame, wanted: dict[str, int],
           blanks: dict[str, np.ndarray], errors: dict[str, np.ndarray]) -> dict:
    """Cells of the frame holding an Excel error (as text, from Excel, where ``errors`` says, by text column;
    or found in the file when the cell reads as empty) or a formula without a saved value; they are emptied
    in ``frame`` (``blanks``: each column's empty cells, these included once emptied)."""
    marks: dict[tuple[int, str], str] = {}
    for key, found in errors.items():
        if found.any():
            column = frame[key]
            marks.update({(row, key): column[row] for row in frame.index[found]})
            frame.loc[found, key] = None
            blanks[key] = blanks[key] | found
    find = getattr(reader, "cell_marks", None)
    needed = [key for key in frame.columns if spec.column(key).required]  # where an empty cell is a problem
    if find is not None and any(blanks[key].any() for key in needed):
        keys = {i: key for key, i in wanted.items()}
        present = set(frame.index)
        marks.update({(row, keys[col]): mark for (row, col), mark in find(spec.table).items()
                      if col in keys and row in present})
    return marks


def _cell_columns(body: Any, width: int) -> list[pd.Series]:
    """The columns of a table's body given row by row (a file's 2-D array or Excel's list of rows)."""
    if isinstance(body, list):
        body = [list(row) + [None] * (width - len(row)) for row in body]
    grid = np.empty((len(body), width), dtype=object)
    if len(body):
        grid[:] = body  # one C-level copy
    return [pd.Series(grid[:, i], dtype=object) for i in range(width)]


def read_inputs(reader: BookReader) -> Inputs:
    """Read every input table, the settings and the targets."""
    tables, sheets, labels, marks, problems = {}, {}, {}, {}, []
    below = getattr(reader, "rows_below", None)
    for key, spec in INPUT_TABLES.items():
        if key in IMPORT_ONLY_TABLES:
            continue
        tables[key], sheets[key], labels[key], marks[key] = _read_table(reader, spec)
        rows = below(spec.table) if below is not None else []
        if rows:
            problems.append(below_problem(rows, spec.table, sheets[key]))
    settings, cells = read_settings(reader)
    targets, target_problems = read_targets(reader)
    return Inputs(tables, sheets, labels, settings, targets, problems + target_problems, cells, marks)
