"""Row-by-row checks of user tables, shared by every reader of user data.

A :class:`TableReport` collects :class:`~kpi_xl.errors.InputProblem` objects
(row label, column, value, message) and the mask of rows that have one; the
``check_*`` functions convert a column and report what they cannot read.
All checks are vectorised: a million rows take well under a second.
"""

from __future__ import annotations

import datetime as _dt
import re
import warnings
from typing import Any, Callable

import numpy as np
import pandas as pd

from .arrow_text import text_edges
from .errors import InputProblem
from .number_text import parse_numbers

__all__ = ["TableReport", "check_dates", "check_amounts", "check_ids", "check_duplicates", "key_codes", "is_blank",
           "require_columns", "ids_as_text", "blank_mask", "maybe_padded"]


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
            shown = None if is_blank(value) else _as_read(value)
            text = message(pos) if callable(message) else message
            problem = InputProblem(text, column, self.index[pos], shown, self.sheet)
            self._found.append((int(pos), len(self._found), problem))
        self.bad |= mask


def _as_read(value: Any) -> Any:
    """A value as a cell reader shows it: a date and time at midnight is a date (as calamine reads a date
    cell; it reads an ISO date cell, ``t="d"``, as a datetime, and xlwings a date cell too).

    >>> _as_read(_dt.datetime(2099, 1, 1)), _as_read(pd.Timestamp("2099-01-01 10:30")), _as_read(pd.NaT)
    (datetime.date(2099, 1, 1), Timestamp('2099-01-01 10:30:00'), NaT)
    """
    if isinstance(value, _dt.datetime) and not pd.isna(value) and value.tzinfo is None \
            and value.time() == _dt.time(0):
        return value.date()
    return value


def is_blank(value: Any) -> bool:
    if value is None or (isinstance(value, str) and not value.strip()):
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


#: A text that starts with white space (``str.strip``'s), in texts joined by NUL characters; searched
#: in the joined texts and in them reversed (for a text that ends with it), a literal-led regex scans fast.
_LEADING_SPACE = re.compile(r"\x00\s")
#: An empty or all-space text between two NUL separators.
_EMPTY_TEXT = re.compile(r"\x00(?=\s*\x00)")
#: What :func:`pandas.api.types.infer_dtype` says of a column with no text, no boolean and no date.
_NUMBER_KINDS = frozenset({"floating", "integer", "mixed-integer-float", "decimal", "empty"})
#: Kinds of columns that hold no text at all.
_TEXTLESS_KINDS = _NUMBER_KINDS | {"boolean", "datetime", "datetime64", "date", "time", "timedelta", "period"}


def _joined(texts: Any) -> str:
    """Texts between NUL characters, for a single C-speed regex scan of all of them."""
    return "\x00" + "\x00".join(texts) + "\x00"


def _kind(values: pd.Series) -> str:
    """The kind of an object column's non-missing cells (a C-level scan): 'string', 'floating', 'mixed', ..."""
    return pd.api.types.infer_dtype(values, skipna=True)


def stripped(texts: pd.Series) -> pd.Series:
    """Texts without surrounding spaces; skips the per-cell work when no text has any (the usual case).

    A column of texts only (no missing cell). One regex scan finds whether any text
    starts or ends with a space; string (Arrow) columns are stripped in C directly.

    >>> stripped(pd.Series(["a", " b "])).tolist(), stripped(pd.Series(["a", "b"])).tolist()
    (['a', 'b'], ['a', 'b'])
    >>> stripped(pd.Series(["a", "b\u00a0"], dtype=object)).tolist()  # a space at the end only
    ['a', 'b']
    """
    if texts.dtype != object:
        return texts.str.strip()
    joined = _joined(texts.tolist())
    if not _LEADING_SPACE.search(joined) and not _LEADING_SPACE.search(joined[::-1]):
        return texts
    return texts.str.strip()


def _edge_bytes(found: np.ndarray) -> np.ndarray:
    """Where a byte may begin or end a text that ``str.strip`` could change: ASCII white space (all below
    0x21) and any byte of a character outside ASCII (Unicode white space such as the no-break space)."""
    return (found < 0x21) | (found >= 0x7F)


def maybe_padded(values: pd.Series, edges: Any = False) -> np.ndarray | None:
    """For a column of pandas' text dtype held by Arrow: True where a text may be empty or start or end with
    white space, told from its first and last bytes (a superset: False means surely neither); None for any
    other column. ``edges``: the column's :func:`text_edges` when the caller has them.

    >>> maybe_padded(pd.Series(["a", " a", "a\u00a0", "", None, "a b"], dtype="string[pyarrow]")).tolist()
    [False, True, True, True, False, False]
    """
    edges = text_edges(values) if edges is False else edges
    if edges is None:
        return None
    lengths, first, last = edges
    return values.notna().to_numpy(dtype=bool) & ((lengths == 0) | _edge_bytes(first) | _edge_bytes(last))


def blank_mask(values: pd.Series, *, edges: Any = False) -> np.ndarray:
    """True where a cell is empty: None, NaN, or a text of spaces only (``edges``: see :func:`maybe_padded`).

    Columns of one kind (numbers, texts, dates) are checked with whole-column
    operations; only a column mixing texts with other values looks at each cell's type.

    >>> blank_mask(pd.Series(["a", " ", None, 3.0], dtype=object)).tolist()
    [False, True, True, False]
    """
    blank = values.isna().to_numpy(dtype=bool).copy()
    if values.dtype != object:
        if pd.api.types.is_string_dtype(values.dtype):
            maybe = maybe_padded(values, edges)
            if maybe is None:
                return blank | values.str.strip().eq("").to_numpy(dtype=bool, na_value=False)
            if maybe.any():  # only the texts that may be empty or spaces are stripped
                blank[maybe] = values[maybe].str.strip().eq("").to_numpy(dtype=bool, na_value=False)
        return blank
    kind = _kind(values)
    if kind == "string":
        is_text = ~blank
        texts = values[is_text] if blank.any() else values
        if not _EMPTY_TEXT.search(_joined(texts.tolist())):
            return blank
    elif kind in _TEXTLESS_KINDS:
        return blank
    else:  # texts mixed with other values: the fallback that looks at each cell's type
        is_text = values.map(type).eq(str).to_numpy(dtype=bool)
        texts = values[is_text]
    blank[is_text] = stripped(texts).eq("").to_numpy(dtype=bool)
    return blank


#: Dates before this cannot be an order's (Excel's calendar starts in 1900): a typing error, a year 1024
#: for 2024. An order history from the 1990s is legitimate (the refresh says once that it is unusual).
EARLIEST_DATE = pd.Timestamp("1900-01-01")


def check_dates(values: pd.Series, column: str, report: TableReport, today: pd.Timestamp,
                what: str = "every order needs a date") -> pd.Series:
    """Dates as datetime64 at midnight; problems for blanks, text and dates after ``today``."""
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        parsed = values.dt.tz_localize(None) if values.dt.tz is not None else values
    else:
        parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]")
        stamps, texts = _date_and_text_positions(values)
        if stamps.size:
            chosen = values.iloc[stamps]
            try:  # vectorised for naive dates and datetimes (what Excel files hold)
                parsed.iloc[stamps] = pd.to_datetime(chosen.tolist()).to_numpy()
            except (TypeError, ValueError):  # time-zone aware values: each keeps its own local time
                parsed.iloc[stamps] = [_naive(v) for v in chosen]
        if texts.size:
            typed = values.iloc[texts].str.strip()
            found = _text_dates(typed)
            parsed.iloc[texts] = found
            far = np.flatnonzero(np.isnat(found))
            if far.size:  # pandas 2 holds dates of 1677-2262 only: a year 1024 or 2999 is still a date, said as such
                parsed.iloc[texts[far]] = _iso_dates_any_year(typed.iloc[far])
    blank = blank_mask(values)
    report.add(blank, column, values, f"is empty: {what}")
    report.add(parsed.isna().to_numpy() & ~blank, column, values, "is not a date (use YYYY-MM-DD)")
    if not _at_midnight(parsed):
        parsed = parsed.dt.normalize()
    report.add((parsed > today).to_numpy(), column, values, "is in the future")
    report.add((parsed < EARLIEST_DATE).to_numpy(), column, values,
               f"is before {EARLIEST_DATE.year}, which no order can be: check the year")
    return parsed


#: An ISO 8601 date (a month alone too), with a time or not: what numpy reads whatever the year.
_ISO_DATE = r"\d{4}-\d{2}(-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?)?"


def _iso_dates_any_year(texts: pd.Series) -> np.ndarray:
    """ISO dates read by numpy (any year), NaT for any other text.

    pandas 2 turns a well-formed date outside 1677-2262 into NaT, which would report a year 1024 as
    "not a date" instead of "before 1900" (pandas 3 reads it). ``np.datetime64`` also reads words such as
    ``today``: only texts of the ISO form are given to it.

    >>> _iso_dates_any_year(pd.Series(["1024-03-01", "2999-02", "today", "2024-02-30"])).astype(str).tolist()
    ['1024-03-01T00:00:00.000000', '2999-02-01T00:00:00.000000', 'NaT', 'NaT']
    """
    out = np.full(len(texts), np.datetime64("NaT"), dtype="datetime64[us]")
    for i in np.flatnonzero(texts.str.fullmatch(_ISO_DATE).fillna(False).to_numpy(dtype=bool)):
        try:
            out[i] = np.datetime64(texts.iloc[i], "us")
        except ValueError:  # a day or month that does not exist
            pass
    return out


def _at_midnight(dates: pd.Series) -> bool:
    """True when every date of a naive datetime64 column is at midnight (or missing): nothing to normalize.

    >>> _at_midnight(pd.Series(pd.to_datetime(["2024-01-05", None]))), _at_midnight(pd.Series(pd.to_datetime(
    ...     ["2024-01-05 00:00:01"])))
    (True, False)
    """
    stamps = dates.to_numpy()
    unit, count = np.datetime_data(stamps.dtype)
    per_day = np.timedelta64(1, "D") // np.timedelta64(count, unit)
    return bool(((stamps.view(np.int64) % per_day == 0) | np.isnat(stamps)).all())


def _date_and_text_positions(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the date (or datetime) cells and of the text cells of a column that is not datetime64."""
    present = np.flatnonzero(values.notna().to_numpy(dtype=bool))
    none = np.array([], dtype=np.intp)
    if values.dtype != object:
        return (none, present) if pd.api.types.is_string_dtype(values.dtype) else (none, none)
    kind = _kind(values)
    if kind in ("datetime", "datetime64", "date"):
        return present, none
    if kind == "string":
        return none, present
    if kind in _TEXTLESS_KINDS:
        return none, none
    kinds = values.map(type)  # a column mixing kinds: look at each cell's type
    stamp_kinds = {k for k in set(kinds) if issubclass(k, (_dt.date, np.datetime64))}
    return np.flatnonzero(kinds.isin(stamp_kinds).to_numpy(bool)), np.flatnonzero(kinds.eq(str).to_numpy(bool))


def _text_dates(texts: pd.Series) -> np.ndarray:
    """ISO 8601 texts as naive datetime64[us], NaT where a text is not such a date.

    A date typed with a time zone (``2024-01-06T23:30:00+02:00``, ``...Z``) keeps its own local time, as a
    date cell does: the day the shop saw. Offsets that differ from one text to the next, which pandas
    refuses in one call, are read text by text; nanoseconds are cut to microseconds.

    >>> _text_dates(pd.Series(["2024-01-06T23:30:00+02:00", "2024-01-07T01:00:00-05:00", "x"])).astype(str).tolist()
    ['2024-01-06T23:30:00.000000', '2024-01-07T01:00:00.000000', 'NaT']
    """
    try:
        with warnings.catch_warnings():  # pandas 2 warns that mixed time zones will raise (pandas 3 raises)
            warnings.simplefilter("ignore", FutureWarning)
            found = pd.to_datetime(texts, errors="coerce", format="ISO8601")
    except (TypeError, ValueError):
        found = None
    if found is None or not pd.api.types.is_datetime64_any_dtype(found.dtype):  # time zones differing between texts
        found = pd.Series([_naive_text(text) for text in texts], index=texts.index, dtype="datetime64[us]")
    if found.dt.tz is not None:
        found = found.dt.tz_localize(None)
    return found.to_numpy().astype("datetime64[us]")


def _naive_text(text: str) -> Any:
    """One ISO 8601 text as a naive timestamp in its own local time; NaT when it is not such a date."""
    try:
        return _naive(pd.to_datetime(text, format="ISO8601"))
    except (TypeError, ValueError):
        return pd.NaT


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
    """Identifiers as text, missing for blanks; 1001.0 read from a cell becomes '1001'.

    Vectorised for columns of numbers or of texts; mixed columns go cell by cell. A column
    of pandas' text dtype stays of that dtype (Arrow-backed: hashed and compared in C later),
    blanks NaN; other columns give objects, blanks None.

    >>> ids_as_text(pd.Series([1001.0, None, 7.5])).tolist()
    ['1001', None, '7.5']
    >>> ids_as_text(pd.Series([1e19, 1e20, -2.0 ** 63])).tolist()  # past int64: Python's int, as for one cell
    ['10000000000000000000', '100000000000000000000', '-9223372036854775808']
    >>> ids_as_text(pd.Series([" a@b.fr ", "", None], dtype=object)).tolist()
    ['a@b.fr', None, None]
    >>> ids_as_text(pd.Series([" a@b.fr ", "", None], dtype="str")).isna().tolist()
    [False, True, True]
    """
    if pd.api.types.is_float_dtype(values.dtype):
        arr = values.to_numpy(dtype=float)
        out = np.full(len(arr), None, dtype=object)
        finite = np.isfinite(arr)
        whole = finite & (arr == np.floor(np.where(finite, arr, 0)))
        huge = whole & (np.abs(arr) >= 2.0 ** 63)  # int64 would overflow (a warning and a wrong id)
        out[whole & ~huge] = arr[whole & ~huge].astype(np.int64).astype(str)
        out[huge] = [str(int(value)) for value in arr[huge]]
        out[finite & ~whole] = arr[finite & ~whole].astype(str)
        return pd.Series(out, index=values.index, dtype=object)
    if pd.api.types.is_integer_dtype(values.dtype):  # pandas' text dtype (Arrow's cast in C) under pandas 3
        return values.astype("str")
    text_dtype = values.dtype != object and pd.api.types.is_string_dtype(values.dtype)
    kind = "string" if text_dtype else _kind(values)
    out = None
    if kind == "floating":  # numbers held as objects (a column read cell by cell)
        numbers = values.to_numpy(dtype=float, na_value=np.nan)
        if np.abs(numbers[np.isfinite(numbers)]).max(initial=0) < 2.0 ** 53:  # whole numbers print exactly through int64
            return ids_as_text(pd.Series(numbers, index=values.index))
    elif text_dtype:  # pandas' text dtype (Arrow-backed): strip and compare in C, kept as that dtype
        maybe = maybe_padded(values)
        if maybe is not None and not maybe.any():  # no text to strip and none empty (the usual case)
            return values
        texts = values.str.strip()
        return texts.where(texts != "")
    elif kind == "string":
        present = values.notna().to_numpy(dtype=bool)
        texts = values[present] if not present.all() else values
        texts = stripped(texts)
        out = np.full(len(values), None, dtype=object)
        out[present] = texts.to_numpy(dtype=object)
        out[out == ""] = None
    if out is None:
        out = values.map(_id_text).to_numpy(dtype=object, na_value=None)
    return pd.Series(out, index=values.index, dtype=object)


def check_ids(values: pd.Series, column: str, report: TableReport, what: str) -> pd.Series:
    """Identifiers as text (see :func:`ids_as_text`); ``what`` says what a row needs."""
    ids = ids_as_text(values)
    report.add(ids.isna().to_numpy(), column, values, f"is empty: {what}")
    return ids


#: The largest amount or count a row may hold: a million times the largest real order, and far enough from the
#: largest float that a million rows of it still add up to a finite month.
MAX_AMOUNT = 1e15


def check_amounts(values: pd.Series, column: str, report: TableReport, *, blank_ok: bool = False) -> pd.Series:
    """Amounts (money or counts) as float; problems for text, booleans, negatives and, unless
    ``blank_ok`` (then a blank is NaN: not known), blanks."""
    numbers, why = parse_numbers(values)  # numbers typed as text: the one reader of kpi_xl.number_text
    flags = np.ones(len(values), dtype=bool) if values.dtype == bool else _boolean_cells(values)
    blank = blank_mask(values)
    if not blank_ok:
        report.add(blank, column, values, "is empty: enter the amount, 0 if there is none")
    report.add(flags, column, values, "is a true/false value, not an amount")
    if why:
        report.add(np.isin(np.arange(len(values)), list(why)), column, values, lambda pos: why[pos])
    floats = numbers.to_numpy()  # compared as numpy floats: NaN is neither negative nor too large
    report.add(~np.isfinite(floats) & ~blank, column, values, "is not a number")
    report.add(floats < 0, column, values, "is negative")
    report.add(floats > MAX_AMOUNT, column, values, "is too large for an amount (above 10^15): a typo?")
    return numbers


def _boolean_cells(values: pd.Series) -> np.ndarray:
    """True where a cell holds True or False (in a column that is not of dtype bool)."""
    if values.dtype != object:
        return np.zeros(len(values), dtype=bool)
    kind = _kind(values)
    if kind == "boolean":
        return values.notna().to_numpy(dtype=bool)
    if kind in _TEXTLESS_KINDS or kind == "string":
        return np.zeros(len(values), dtype=bool)
    return values.map(type).isin((bool, np.bool_)).to_numpy(dtype=bool)  # a column mixing kinds: each cell


def key_codes(*parts: pd.Series) -> np.ndarray:
    """One integer per row for the key made of ``parts`` (equal keys, equal codes); -1 where a part is missing.

    Each part is factorized once (hashed in C: pandas' text dtype through Arrow), then the
    codes are combined as integers, so no Python tuple is built per row.

    >>> key_codes(pd.Series(["a", "b", "a", None]), pd.Series([1, 1, 1, 1])).tolist()
    [0, 1, 0, -1]
    """
    combined = None
    for part in parts:
        codes, uniques = pd.factorize(part, use_na_sentinel=True)
        codes = codes.astype(np.int64)
        if combined is None:
            combined = codes
            continue
        pair = np.where((combined < 0) | (codes < 0), -1, combined * (len(uniques) + 1) + codes)
        combined = pd.factorize(pair)[0].astype(np.int64)
        combined[pair < 0] = -1
    return combined


def check_duplicates(keys: np.ndarray, raw: pd.Series, column: str, report: TableReport,
                     what: str = "the order number") -> None:
    """Report every repeat of a key after its first row; ``keys`` are :func:`key_codes` (-1: no key)."""
    keys = np.asarray(keys, dtype=np.int64)
    present = keys >= 0
    dup = present & pd.Series(keys).duplicated(keep="first").to_numpy()
    if not dup.any():
        return
    _, first = np.unique(keys, return_index=True)  # position of each key's first row, by sorted key
    first_pos = first[np.searchsorted(np.unique(keys), keys)]
    report.add(dup, column, raw, lambda pos: f"repeats {what} of row {report.index[first_pos[pos]]}")


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
