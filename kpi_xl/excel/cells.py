"""Reading the values of Excel ranges as xlwings hands them to a formula.

A range may arrive as a scalar (one cell), a flat list (one row or column) or
a nested list (a 2-D range, or anything from Office.js); blank cells arrive as
``None`` (or ``""`` from Office.js). Dates arrive as ``datetime`` objects from
the desktop (COM) and as serial numbers from Office.js. Every problem is
reported with the argument's name, the cell's position in the range and the
value: ``"visitors: cell 3 of 12 is 'n/a', not a number"``.
"""

from __future__ import annotations

import datetime as _dt
import math
import numbers
from itertools import chain
from typing import Any

import numpy as np
import pandas as pd

from ..errors import KpiInputError
from ..number_text import NumberTextError, parse_number
from ..table_checks import blank_mask, ids_as_text

__all__ = ["cells", "option", "numbers_in", "total", "single", "dates_in", "ids_in", "id_column", "cell_column",
           "order_rows", "is_blank", "cell_day", "cell_number", "EXCEL_EPOCH"]

#: Day 0 of Excel's 1900 date system (serial 1 is 1900-01-01, counting the fictitious 1900-02-29).
EXCEL_EPOCH = _dt.datetime(1899, 12, 30)
_LAST_SERIAL = 2958465  # 9999-12-31


def cells(value: Any) -> list[Any]:
    """The cells of a range, row by row, whatever its shape.

    >>> cells(5), cells([1, None]), cells([[1, 2], [3, None]])
    ([5], [1, None], [1, 2, 3, None])
    """
    if not isinstance(value, (list, tuple)):
        return [value]
    if _all_sequences(value):  # a 2-D range, the common case
        flat = _flattened(value)
        if not any(issubclass(kind, (list, tuple)) for kind in set(map(type, flat))):
            return flat
    out: list[Any] = []
    for item in value:
        out.extend(cells(item) if isinstance(item, (list, tuple)) else [item])
    return out


def _flattened(rows: list[Any] | tuple[Any, ...]) -> list[Any]:
    """The items of rows (lists or tuples), row by row; a column's rows, of one cell each, are unpacked at
    once (twice as fast as chaining them).

    >>> _flattened([[1], [2]]), _flattened([(1, 2), [3]]), _flattened([[1], []])
    ([1, 2], [1, 2, 3], [1])
    """
    try:
        return [item for (item,) in rows]
    except ValueError:  # a row of several cells, or of none
        return list(chain.from_iterable(rows))


def _all_sequences(values: list[Any] | tuple[Any, ...]) -> bool:
    """True when every item is a list or tuple (the distinct types are found at C speed, then checked)."""
    return all(issubclass(kind, (list, tuple)) for kind in set(map(type, values)))


def is_blank(value: Any) -> bool:
    """True for an empty cell: None, an empty or all-space text."""
    return value is None or (isinstance(value, str) and not value.strip())


def _at(name: str, index: int, count: int) -> str:
    return name if count == 1 else f"{name}: cell {index + 1} of {count}"


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool):
        raise KpiInputError(f"{where} is {'TRUE' if value else 'FALSE'}, not a number")
    if isinstance(value, numbers.Real):
        number = float(value)
        if math.isnan(number) or math.isinf(number):
            raise KpiInputError(f"{where} is {number}, not a number")
        return number
    if isinstance(value, str):
        try:
            return parse_number(value)
        except NumberTextError as error:
            raise KpiInputError(f"{where} is {value!r}, {_reason(error)}") from None
    raise KpiInputError(f"{where} is {value!r}, not a number")


def _reason(error: NumberTextError) -> str:
    text = str(error)
    return text[3:] if text.startswith("is ") else text


def numbers_in(value: Any, name: str, *, allow_negative: bool = False) -> list[float]:
    """The numbers of a range, blanks skipped; numbers typed as text are read (French or US).

    >>> numbers_in([[10], [None], ["1 234,5"]], "spend")
    [10.0, 1234.5]
    >>> numbers_in([1, "n/a", 3], "visitors")
    Traceback (most recent call last):
    ...
    kpi_xl.errors.KpiInputError: visitors: cell 2 of 3 is 'n/a', not a number
    """
    values = cells(value)
    out = []
    for index, item in enumerate(values):
        kind = type(item)
        if (kind is float or kind is int) and math.isfinite(item):  # the common case, checked cheaply
            number = float(item)
        elif is_blank(item):
            continue
        else:
            number = _number(item, _at(name, index, len(values)))
        if number < 0 and not allow_negative:
            raise KpiInputError(f"{_at(name, index, len(values))} is {number:g}, which is negative")
        out.append(number)
    return out


def total(value: Any, name: str) -> float:
    """The sum of a range's numbers (0 when every cell is blank).

    >>> total([[100, 200], [None, "50"]], "spend")
    350.0
    """
    return float(sum(numbers_in(value, name)))


def single(value: Any, name: str, *, default: float | None = None, allow_negative: bool = False) -> float:
    """The one number of a single-cell argument; ``default`` when blank (an error if None).

    >>> single([[0.05]], "churn_rate"), single(None, "gross_margin", default=1.0)
    (0.05, 1.0)
    """
    found = numbers_in(value, name, allow_negative=allow_negative)
    if not found:
        if default is None:
            raise KpiInputError(f"{name} is empty: it needs one number")
        return default
    if len(found) > 1:
        raise KpiInputError(f"{name} holds {len(found)} numbers: it needs one cell (a rate or an average)")
    return found[0]


def option(value: Any, name: str) -> str | None:
    """The text of a one-cell option argument (None when blank), whatever its shape.

    >>> option([["EN"]], "language"), option(None, "language")
    ('EN', None)
    """
    found = [v for v in cells(value) if not is_blank(v)]
    if len(found) > 1:
        raise KpiInputError(f"{name} holds {len(found)} values: it needs one cell")
    return str(found[0]).strip() if found else None


def cell_day(value: Any) -> pd.Timestamp | None:
    """The day of a date cell, or of an ISO date typed as text (the whole text: ``2025-06-01`` or
    ``2025-06-01 10:30``, never the first ten characters of ``2025-06-301``); None for anything else.

    >>> cell_day(" 2025-06-01 10:30 "), cell_day("2025-06-301"), cell_day(45000)
    (Timestamp('2025-06-01 00:00:00'), None, None)
    """
    if isinstance(value, (_dt.date, _dt.datetime)):
        stamp = pd.Timestamp(value)
        return (stamp.tz_localize(None) if stamp.tzinfo else stamp).normalize()
    if isinstance(value, str):
        try:
            return pd.Timestamp(_dt.datetime.fromisoformat(value.strip()).date())
        except ValueError:
            return None
    return None


def cell_number(value: Any) -> float | None:
    """A cell's number (a number, or a text read by :func:`~kpi_xl.number_text.parse_number`); None otherwise."""
    try:
        return _number(value, "")
    except KpiInputError:
        return None


def _date(value: Any, where: str) -> pd.Timestamp:
    if isinstance(value, bool):
        raise KpiInputError(f"{where} is {'TRUE' if value else 'FALSE'}, not a date")
    if isinstance(value, numbers.Real) and 1 <= float(value) <= _LAST_SERIAL:
        return pd.Timestamp(EXCEL_EPOCH + _dt.timedelta(days=int(float(value))))
    day = cell_day(value)
    if day is None:
        raise KpiInputError(f"{where} is {value!r}, not a date (use a date cell or YYYY-MM-DD)")
    return day


def dates_in(values: list[Any], name: str, positions: list[int] | None = None,
             count: int | None = None) -> pd.Series:
    """Dates of a column of cells (NaT for blanks), from datetimes, Excel serials or ISO text.

    ``positions`` (1-based) and ``count`` place each cell in the original range for messages.

    >>> dates_in([45000, "2024-01-31", None], "order_dates").tolist()
    [Timestamp('2023-03-15 00:00:00'), Timestamp('2024-01-31 00:00:00'), NaT]
    """
    series = pd.Series(values)
    if pd.api.types.is_numeric_dtype(series.dtype) and series.dtype != bool:
        serial = series.to_numpy(dtype=float)
        if (np.isnan(serial) | ((serial >= 1) & (serial <= _LAST_SERIAL))).all():  # fast path: Office.js
            return pd.Series(pd.Timestamp(EXCEL_EPOCH) + pd.to_timedelta(np.floor(serial), unit="D"))
    if pd.api.types.is_datetime64_any_dtype(series.dtype):  # fast path: the desktop's datetimes
        return (series.dt.tz_localize(None) if series.dt.tz is not None else series).dt.normalize()
    positions = positions or list(range(1, len(values) + 1))
    count = count or len(values)
    return pd.Series([pd.NaT if is_blank(v) else _date(v, _at(name, at - 1, count))
                      for v, at in zip(values, positions, strict=True)], dtype="datetime64[ns]")


def ids_in(values: list[Any]) -> list[str | None]:
    """Identifiers of a column of cells as text (1001.0 becomes '1001'; None for blanks).

    >>> ids_in([1001.0, " ann@example.com ", None])
    ['1001', 'ann@example.com', None]
    """
    return id_column(values).to_numpy(dtype=object, na_value=None).tolist()


def id_column(values: list[Any]) -> pd.Series:
    """Identifiers of a column of cells as a Series of texts (see :func:`~kpi_xl.table_checks.ids_as_text`):
    pandas' text dtype when every cell is a text, blanks missing."""
    return ids_as_text(cell_column(values))


def cell_column(values: list[Any]) -> pd.Series:
    """A column of cells as a Series of the dtype pandas infers from them: float64 for numbers, its text
    dtype for texts, object when kinds are mixed.

    >>> [str(cell_column(v).dtype) for v in ([1.5, None], ["a", 1.0])]
    ['float64', 'object']
    >>> pd.api.types.infer_dtype(cell_column(["a", None]))  # dtype 'str' under pandas 3, object under pandas 2
    'string'
    """
    return pd.Series(values, dtype=object).infer_objects()


def _taken(values: list[Any], keep: np.ndarray) -> list[Any]:
    """The cells at positions ``keep``, as a list (one numpy take, not a Python loop)."""
    if len(keep) == len(values):
        return values
    held = np.empty(len(values), dtype=object)
    held[:] = values
    return held[keep].tolist()


def order_rows(**ranges: Any) -> tuple[dict[str, list[Any]], list[int], int]:
    """Cells of order-level ranges read side by side, all-blank rows dropped.

    Returns the cells per argument, the 1-based position of each kept row and
    the number of cells per range. Ranges of different lengths are an error
    giving both lengths.

    >>> order_rows(order_dates=[1, None, 2], customer_ids=["a", None, "b"])
    ({'order_dates': [1, 2], 'customer_ids': ['a', 'b']}, [1, 3], 3)
    """
    columns = {name: cells(value) for name, value in ranges.items()}
    (first, first_cells), *others = columns.items()
    for name, values in others:
        if len(values) != len(first_cells):
            raise KpiInputError(f"{first} has {len(first_cells)} cells but {name} has {len(values)}: "
                                "the ranges must cover the same rows")
    blank = np.ones(len(first_cells), dtype=bool)
    for values in columns.values():  # only the rows still blank in every column so far are looked at
        if blank.all():
            blank = blank_mask(pd.Series(values, dtype=object))
        elif blank.any():
            blank[blank] = blank_mask(pd.Series(_taken(values, np.flatnonzero(blank)), dtype=object))
    keep = np.flatnonzero(~blank)
    kept = {name: _taken(values, keep) for name, values in columns.items()}
    return kept, (keep + 1).tolist(), len(first_cells)
