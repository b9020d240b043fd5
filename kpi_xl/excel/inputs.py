"""The user's inputs read from a workbook: the four input tables, the settings and the targets.

Tables are found by their Excel table name and columns by header, in French or
English (schema labels, case and spaces ignored); rows keep their sheet row
numbers as index, so every message names the sheet, row and column a user
sees. A missing table, sheet or column is fatal: nothing can be computed.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd

from ..errors import KpiInputError
from ..schema import CHOICES, IMPORT_ONLY_TABLES, INPUT_TABLES, NAMES, SETTINGS, InputTable
from ..table_checks import blank_mask

__all__ = ["BookReader", "Inputs", "read_inputs", "read_table", "Target"]


class BookReader(Protocol):
    """What reading needs from a workbook (a file on disk or a live Excel book)."""

    def table_values(self, table: str) -> tuple[str, int, list[list[Any]]]:
        """The sheet title, the header's row number and the values (header first) of an Excel table."""

    def name_values(self, name: str) -> list[list[Any]]:
        """The values of a defined name's area."""


@dataclass(frozen=True)
class Target:
    """A KPI's target from the Settings sheet."""

    value: float | None
    higher_is_better: bool
    tolerance: float | None  # in the KPI's unit; None: 10 % of the target


@dataclass(frozen=True)
class Inputs:
    """Everything the refresh reads."""

    tables: dict[str, pd.DataFrame]  # key -> frame with schema keys as columns, sheet rows as index
    sheets: dict[str, str]  # key -> sheet title
    labels: dict[str, dict[str, str]]  # key -> column key -> header as found
    settings: dict[str, Any]
    targets: dict[str, Target]


def _norm(text: Any) -> str:
    return " ".join(str(text).split()).casefold()


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_table(reader: BookReader, spec: InputTable) -> tuple[pd.DataFrame, str, dict[str, str]]:
    """One input table as a DataFrame (schema keys, sheet rows as index), its sheet, and its headers.

    A reader that can hand the table over as typed columns (``table_columns``, a
    workbook file) does so when every column holds one kind of value; otherwise the
    table is read cell by cell. Both give the same frame and the same messages.
    """
    typed = getattr(reader, "table_columns", None)
    found = typed(spec.table) if typed is not None else None
    if found is not None:
        sheet, header_row, header_cells, columns = found
    else:
        sheet, header_row, values = reader.table_values(spec.table)
        header_cells, columns = values[0], _cell_columns(values[1:], len(values[0]))
    headers = [str(h).strip() if not _blank(h) else "" for h in header_cells]
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
    for key, i in wanted.items():
        column = columns[i].set_axis(index)  # the sheet's row numbers; the values are not copied
        blank = blank_mask(column)
        texts = column.dtype == object or pd.api.types.is_string_dtype(column.dtype)
        frame[key] = column.where(~blank, None) if texts else column  # blank texts: missing
        blank_rows &= blank
    frame = frame[~blank_rows]
    return frame, sheet, {key: headers[i] for key, i in wanted.items()}


def _cell_columns(body: Any, width: int) -> list[pd.Series]:
    """The columns of a table's body given row by row (a file's 2-D array or Excel's list of rows)."""
    if isinstance(body, list):
        body = [list(row) + [None] * (width - len(row)) for row in body]
    grid = np.empty((len(body), width), dtype=object)
    if len(body):
        grid[:] = body  # one C-level copy
    return [pd.Series(grid[:, i], dtype=object) for i in range(width)]


def _settings(reader: BookReader) -> dict[str, Any]:
    out = {}
    for setting in SETTINGS:
        if not setting.refresh:
            continue  # not a setting of the computation
        value = reader.name_values(setting.name)[0][0]
        out[setting.key] = None if _blank(value) else value
    language = str(out.get("language") or "FR").strip().upper()
    out["language"] = "en" if language == "EN" else "fr"
    days = out.get("inactivity_days")
    try:
        days_number = float(days) if days is not None else 365.0
    except (TypeError, ValueError):
        days_number = -1
    if days_number < 1 or not days_number.is_integer():
        raise KpiInputError(f"Settings: the inactivity window is {days!r}: enter a whole number of days, at least 1")
    out["inactivity_days"] = int(days_number)
    month = out.get("reporting_month")
    if month is not None:
        if isinstance(month, str):
            try:
                month = _dt.date.fromisoformat(month.strip()[:7] + "-01")
            except ValueError:
                raise KpiInputError(f"Settings: the reporting month is {month!r}: enter a date or leave it blank") \
                    from None
        out["reporting_month"] = pd.Period(pd.Timestamp(month), freq="M")
    start = out.get("history_start")
    if start is not None:
        try:
            out["history_start"] = pd.Timestamp(start.strip() if isinstance(start, str) else start).normalize()
        except (TypeError, ValueError):
            raise KpiInputError(f"Settings: 'orders complete since' is {start!r}: enter a date or leave it blank") \
                from None
    out["currency"] = str(out.get("currency") or "EUR").strip().upper()
    rate = out.get("default_cogs_rate")
    if rate is not None:
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
            raise KpiInputError(f"Settings: the default cost of goods is {rate!r}: enter a percentage between 0 % "
                                "and 100 %, or leave it blank")
        out["default_cogs_rate"] = float(rate)
    return out


def _targets(reader: BookReader) -> dict[str, Target]:
    _sheet, _row, values = reader.table_values(NAMES["targets"])
    lower = {_norm(v) for lang in ("fr", "en") for v in CHOICES["direction"][lang][1:]}
    out = {}
    for row in values[1:]:
        if len(row) < 5 or _blank(row[4]):
            continue
        label, target, direction, tolerance, key = row[:5]
        number = float(target) if isinstance(target, (int, float)) and not isinstance(target, bool) else None
        tol = float(tolerance) if isinstance(tolerance, (int, float)) and not isinstance(tolerance, bool) else None
        out[str(key)] = Target(number, _norm(direction) not in lower, tol)
    return out


def read_inputs(reader: BookReader) -> Inputs:
    """Read every input table, the settings and the targets."""
    tables, sheets, labels = {}, {}, {}
    for key, spec in INPUT_TABLES.items():
        if key in IMPORT_ONLY_TABLES:
            continue
        tables[key], sheets[key], labels[key] = read_table(reader, spec)
    return Inputs(tables, sheets, labels, _settings(reader), _targets(reader))
