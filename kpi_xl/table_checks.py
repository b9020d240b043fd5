"""Row-by-row checks of user tables, shared by every reader of user data.

A :class:`TableReport` collects :class:`~kpi_xl.errors.InputProblem` objects
(row label, column, value, message) and the mask of rows that have one; the
``check_*`` functions convert a column and report what they cannot read.
All checks are vectorised: a million rows take well under a second.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, Callable

import numpy as np
import pandas as pd

from .errors import InputProblem

__all__ = ["TableReport", "check_dates", "check_amounts", "check_ids", "check_duplicates", "is_blank",
           "require_columns", "ids_as_text", "blank_mask"]


class TableReport:
    """Collects problems and the mask of rows that have one."""

    def __init__(self, index: pd.Index, sheet: str | None):
        self.index = index
        self.sheet = sheet
        self.bad = np.zeros(len(index), dtype=bool)
        self._found: list[tuple[int, int, InputProblem]] = []

    @property
    def problems(self) -> list[InputProblem]:
        """Problems in row order (then in the order they were found)."""
        return [problem for _, _, problem in sorted(self._found, key=lambda f: f[:2])]

    def add(self, mask: Any, column: str, values: pd.Series, message: str | Callable[[int], str]) -> None:
        """Record ``message`` (or ``message(position)``) for each masked row not yet bad."""
        mask = np.asarray(mask, dtype=bool) & ~self.bad  # one problem per row is enough
        for pos in np.flatnonzero(mask):
            value = values.iloc[pos]
            shown = None if is_blank(value) else value
            text = message(pos) if callable(message) else message
            problem = InputProblem(text, column, self.index[pos], shown, self.sheet)
            self._found.append((int(pos), len(self._found), problem))
        self.bad |= mask


def is_blank(value: Any) -> bool:
    if value is None or (isinstance(value, str) and not value.strip()):
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


_SPACES = (" ", "\t", "\n", "\r", "\x0b", "\x0c", "\xa0", "\u2007", "\u2009", "\u202f", "\u3000")


def stripped(texts: pd.Series) -> pd.Series:
    """Texts without surrounding spaces; skips the per-cell work when no text has any (the usual case).

    >>> stripped(pd.Series(["a", " b "])).tolist(), stripped(pd.Series(["a", "b"])).tolist()
    (['a', 'b'], ['a', 'b'])
    """
    joined = "\x00" + "\x00".join(texts.tolist()) + "\x00"  # one C-speed scan per kind of space
    if not any(f"\x00{space}" in joined or f"{space}\x00" in joined for space in _SPACES):
        return texts
    return texts.str.strip()


def blank_mask(values: pd.Series) -> np.ndarray:
    """True where a cell is empty: None, NaN, or a text of spaces only."""
    if values.dtype == object:
        values = values.infer_objects()  # numbers held as objects need no text check
    blank = values.isna().to_numpy(dtype=bool).copy()
    if pd.api.types.is_string_dtype(values.dtype) and values.dtype != object:
        return blank | stripped(values.fillna("")).eq("").to_numpy(dtype=bool)
    if values.dtype == object:
        is_text = values.map(type).eq(str).to_numpy(dtype=bool)
        if is_text.any():  # strip only the texts, not every cell
            blank[is_text] = stripped(values[is_text]).eq("").to_numpy(dtype=bool)
    return blank


#: Dates before this are taken for typing errors (a year 1024 for 2024, an Excel serial read as a year).
EARLIEST_DATE = pd.Timestamp("2000-01-01")


def check_dates(values: pd.Series, column: str, report: TableReport, today: pd.Timestamp,
                what: str = "every order needs a date") -> pd.Series:
    """Dates as datetime64 at midnight; problems for blanks, text and dates after ``today``."""
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        parsed = values.dt.tz_localize(None) if values.dt.tz is not None else values
    else:
        parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]")
        kinds = values.map(type)
        stamp_kinds = {k for k in set(kinds) if issubclass(k, (_dt.date, np.datetime64))}
        stamps = np.flatnonzero(kinds.isin(stamp_kinds).to_numpy(bool))
        texts = np.flatnonzero(kinds.eq(str).to_numpy(bool))
        if stamps.size:
            chosen = values.iloc[stamps]
            try:  # vectorised for naive dates and datetimes (what Excel files hold)
                parsed.iloc[stamps] = pd.to_datetime(chosen.tolist()).to_numpy()
            except (TypeError, ValueError):  # time-zone aware values: each keeps its own local time
                parsed.iloc[stamps] = [_naive(v) for v in chosen]
        if texts.size:
            parsed.iloc[texts] = pd.to_datetime(values.iloc[texts].str.strip(), errors="coerce",
                                                format="ISO8601").to_numpy()
    blank = blank_mask(values)
    report.add(blank, column, values, f"is empty: {what}")
    report.add(parsed.isna().to_numpy() & ~blank, column, values, "is not a date (use YYYY-MM-DD)")
    parsed = parsed.dt.normalize()
    report.add((parsed > today).to_numpy(), column, values, "is in the future")
    report.add((parsed < EARLIEST_DATE).to_numpy(), column, values,
               f"is before {EARLIEST_DATE.year}: check the year")
    return parsed


def _naive(value: Any) -> pd.Timestamp:
    """A date or datetime as a naive timestamp; an aware one keeps its own local time."""
    stamp = pd.Timestamp(value)
    return stamp.tz_localize(None) if stamp.tzinfo is not None else stamp


def _id_text(value: Any) -> Any:
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def ids_as_text(values: pd.Series) -> pd.Series:
    """Identifiers as text, None for blanks; 1001.0 read from a cell becomes '1001'.

    Vectorised for columns of numbers or of texts; mixed columns go cell by cell.

    >>> ids_as_text(pd.Series([1001.0, None, 7.5])).tolist()
    ['1001', None, '7.5']
    >>> ids_as_text(pd.Series([" a@b.fr ", "", None])).tolist()
    ['a@b.fr', None, None]
    """
    if pd.api.types.is_float_dtype(values.dtype):
        arr = values.to_numpy(dtype=float)
        out = np.full(len(arr), None, dtype=object)
        finite = np.isfinite(arr)
        whole = finite & (arr == np.floor(np.where(finite, arr, 0)))
        out[whole] = arr[whole].astype(np.int64).astype(str)
        out[finite & ~whole] = arr[finite & ~whole].astype(str)
        return pd.Series(out, index=values.index, dtype=object)
    if pd.api.types.is_integer_dtype(values.dtype):
        return values.astype(str).astype(object)
    if values.map(type).eq(str).all():
        texts = stripped(values)
        texts = texts.where(texts != "")
    else:
        texts = values.map(_id_text)
    out = texts.to_numpy(dtype=object, na_value=None)  # blanks as None, whatever the string dtype
    return pd.Series(out, index=values.index, dtype=object)


def check_ids(values: pd.Series, column: str, report: TableReport, what: str) -> pd.Series:
    """Identifiers as text (see :func:`ids_as_text`); ``what`` says what a row needs."""
    ids = ids_as_text(values)
    report.add(ids.isna().to_numpy(), column, values, f"is empty: {what}")
    return ids


def check_amounts(values: pd.Series, column: str, report: TableReport, *, blank_ok: bool = False) -> pd.Series:
    """Amounts (money or counts) as float; problems for text, booleans, negatives and, unless
    ``blank_ok`` (then a blank is NaN: not known), blanks."""
    if values.dtype == bool:
        numbers = pd.Series(np.nan, index=values.index)
        flags = np.ones(len(values), dtype=bool)
    else:
        numbers = pd.to_numeric(values, errors="coerce").astype(float)
        flags = values.map(lambda v: isinstance(v, (bool, np.bool_))).to_numpy(dtype=bool) \
            if values.dtype == object else np.zeros(len(values), dtype=bool)
    blank = blank_mask(values)
    if not blank_ok:
        report.add(blank, column, values, "is empty: enter the amount, 0 if there is none")
    report.add(flags, column, values, "is a true/false value, not an amount")
    report.add((numbers.isna() | ~np.isfinite(numbers)).to_numpy() & ~blank, column, values, "is not a number")
    report.add((numbers < 0).to_numpy(), column, values, "is negative")
    return numbers


def check_duplicates(keys: pd.Series, raw: pd.Series, column: str, report: TableReport,
                     what: str = "the order number") -> None:
    """Report every repeat of a key after its first row (``keys`` may be tuples)."""
    ids = keys
    dup = (ids.notna() & ids.duplicated(keep="first")).to_numpy()
    if not dup.any():
        return
    codes, _ = pd.factorize(ids)
    first_pos = pd.Series(np.arange(len(ids))).groupby(codes).transform("min").to_numpy()
    report.add(dup, column, raw, lambda pos: f"repeats {what} of row {ids.index[first_pos[pos]]}")


def require_columns(frame: pd.DataFrame, columns: list[str], *, table: str, sheet: str | None) -> None:
    """Raise a KpiInputError naming the missing columns and those found."""
    from .errors import KpiInputError

    missing = [col for col in columns if col not in frame.columns]
    if missing:
        where = f"sheet {sheet!r}: " if sheet else ""
        raise KpiInputError(
            f"{where}{table} table has no column {', '.join(map(repr, missing))} "
            f"(columns found: {', '.join(map(repr, map(str, frame.columns)))})"
        )
