"""Private helpers of the KPI core: reading numeric arguments and dividing.

Every division of the package goes through :func:`safe_divide`, so that
"undefined" (a zero denominator) is one deliberate result, ``nan``, and never
an accident. Every numeric argument goes through :func:`as_values`, which turns
a number or a (nested) sequence of numbers into a flat float array or raises a
:class:`~kpi_xl.errors.KpiInputError` naming the argument, the position and the
bad value.
"""

from __future__ import annotations

import math
import numbers
from decimal import Decimal
from typing import Any, Iterator

import numpy as np

from .errors import KpiInputError

__all__ = ["safe_divide", "as_values", "total", "paired_totals", "single", "is_scalar"]

#: Python's own number types (``bool`` is not one of them: ``type(True) is bool``). A value of exactly
#: these types takes the scalar fast paths below, which give the results of the general paths.
_PLAIN = (float, int)


def safe_divide(numerator: Any, denominator: Any) -> Any:
    """``numerator / denominator``, with ``nan`` wherever the denominator is 0.

    Works element-wise on arrays; returns a Python float for scalars.

    >>> safe_divide(3, 4), safe_divide(3, 0)
    (0.75, nan)
    >>> safe_divide(np.array([1.0, 2.0]), np.array([0.0, 4.0]))
    array([nan, 0.5])
    """
    if type(numerator) in _PLAIN and type(denominator) in _PLAIN:  # two Python numbers: no arrays
        return math.nan if denominator == 0 else float(numerator) / float(denominator)
    num = np.asarray(numerator, dtype=float)
    den = np.asarray(denominator, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(den == 0, np.nan, num / np.where(den == 0, 1.0, den))
    return float(out) if out.ndim == 0 else out


def is_scalar(value: Any) -> bool:
    """True for one value (a number, a text, None), False for a sequence or array."""
    if type(value) in _PLAIN:
        return True
    if isinstance(value, np.ndarray):
        return value.ndim == 0
    return isinstance(value, (str, bytes, numbers.Number, Decimal, np.generic)) or value is None or not (
        hasattr(value, "__iter__")
    )


def _where(name: str, index: int | None, count: int | None) -> str:
    return name if index is None else f"{name}: item {index + 1} of {count}"


def _to_float(value: Any, name: str, index: int | None = None, count: int | None = None) -> float:
    """One value as a float, or a KpiInputError saying why it is not a number."""
    where = _where(name, index, count)
    if isinstance(value, (bool, np.bool_)):
        raise KpiInputError(f"{where} is {value!r}, a true/false value, not a number")
    if value is None:
        raise KpiInputError(f"{where} is empty, not a number")
    if isinstance(value, (str, bytes)):
        raise KpiInputError(f"{where} is {value!r}, not a number")
    if isinstance(value, (numbers.Complex,)) and not isinstance(value, numbers.Real):
        raise KpiInputError(f"{where} is {value!r}, a complex number")
    if isinstance(value, (numbers.Real, Decimal, np.number)):
        return float(value)
    raise KpiInputError(f"{where} is {value!r} ({type(value).__name__}), not a number")


def _flatten(value: Any) -> Iterator[Any]:
    """Items of a nested sequence, depth first (an Excel 2-D range row by row)."""
    for item in value:
        if is_scalar(item):
            yield item
        else:
            yield from _flatten(item)


def _numeric_array(value: Any) -> np.ndarray | None:
    """A fast path for numeric numpy arrays and pandas objects; None otherwise."""
    arr = value.to_numpy() if hasattr(value, "to_numpy") else value
    if isinstance(arr, np.ndarray) and arr.dtype.kind in "iuf":
        return arr.astype(float, copy=False).ravel()
    return None


def as_values(value: Any, name: str, *, allow_negative: bool = False) -> np.ndarray:
    """A number or a sequence of numbers as a flat float array, checked.

    Raises
    ------
    KpiInputError
        For text, booleans, empty cells (None), NaN, infinities, and negative
        values unless ``allow_negative``. The message names ``name``, the
        position (``item 3 of 12``) and the value.

    >>> as_values([[1, 2], [3, 4]], "visitors")
    array([1., 2., 3., 4.])
    >>> as_values([1, "n/a", 3], "visitors")
    Traceback (most recent call last):
    ...
    kpi_xl.errors.KpiInputError: visitors: item 2 of 3 is 'n/a', not a number
    """
    if type(value) in _PLAIN:  # one Python number: checked without numpy when it is valid
        number = float(value)
        if math.isfinite(number) and (allow_negative or number >= 0):
            return np.array([number])
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if is_scalar(value):
        arr = np.array([_to_float(value, name)])
        scalar = True
    else:
        scalar = False
        arr = _numeric_array(value)
        if arr is None:
            items = list(_flatten(value))
            arr = np.array([_to_float(v, name, i, len(items)) for i, v in enumerate(items)], dtype=float)
    bad = ~np.isfinite(arr) | (False if allow_negative else arr < 0)
    if bad.any():
        i = int(np.argmax(bad))
        where = name if scalar else _where(name, i, arr.size)
        v = arr[i]
        reason = "not a number (NaN)" if np.isnan(v) else "infinite" if np.isinf(v) else "negative"
        raise KpiInputError(f"{where} is {_num(v)}, which is {reason}")
    return arr


def total(value: Any, name: str, *, allow_negative: bool = False) -> float:
    """The sum of a number or sequence of numbers (an empty sequence sums to 0).

    >>> total([120, 80.5], "spend")
    200.5
    """
    return float(as_values(value, name, allow_negative=allow_negative).sum())


def paired_totals(
    part: Any, part_name: str, whole: Any, whole_name: str, *, part_le_whole: bool = False
) -> tuple[float, float]:
    """Totals of two arguments that go together (numerator, denominator).

    When both are sequences they are paired item by item (month by month) and
    must have the same length. With ``part_le_whole`` the part may not exceed
    the whole: item by item when paired, on the totals otherwise.

    >>> paired_totals([10, 20], "clicks", [100, 200], "impressions", part_le_whole=True)
    (30.0, 300.0)
    >>> paired_totals([10, 20], "clicks", [100], "impressions")
    Traceback (most recent call last):
    ...
    kpi_xl.errors.KpiInputError: clicks has 2 values but impressions has 1: paired values need the same length
    """
    a = as_values(part, part_name)
    b = as_values(whole, whole_name)
    paired = not is_scalar(part) and not is_scalar(whole)
    if paired and a.size != b.size:
        raise KpiInputError(
            f"{part_name} has {a.size} values but {whole_name} has {b.size}: "
            "paired values need the same length"
        )
    if part_le_whole:
        if paired and (a > b).any():
            i = int(np.argmax(a > b))
            raise KpiInputError(
                f"{_where(part_name, i, a.size)} is {_num(a[i])}, more than "
                f"{_where(whole_name, i, b.size)} ({_num(b[i])})"
            )
        if a.sum() > b.sum():
            raise KpiInputError(
                f"{part_name} ({_num(a.sum())}) is more than {whole_name} ({_num(b.sum())})"
            )
    return float(a.sum()), float(b.sum())


def single(value: Any, name: str, *, allow_negative: bool = False) -> float:
    """One value of a ratio-type argument (a rate, an average, a per-customer amount).

    Ratios do not add up, so a sequence is accepted only when it holds exactly
    one value (an Excel cell may arrive as a one-item list).

    >>> single([0.25], "churn_rate")
    0.25
    >>> single([0.2, 0.3], "churn_rate")
    Traceback (most recent call last):
    ...
    kpi_xl.errors.KpiInputError: churn_rate expects one value, got 2: rates and averages cannot be summed
    """
    arr = as_values(value, name, allow_negative=allow_negative)
    if arr.size != 1:
        raise KpiInputError(
            f"{name} expects one value, got {arr.size}: rates and averages cannot be summed"
        )
    return float(arr[0])


def _num(value: float) -> str:
    """A number for messages: 3 rather than 3.0."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def as_index(values: Any) -> np.ndarray:
    """An array to index with or to count by (``np.bincount``): numpy's index type, ``np.intp``.

    Under WebAssembly (Pyodide, xlwings Lite) ``np.intp`` is 32-bit and numpy refuses int64 indices such
    as pandas' period ordinals; on 64-bit machines this costs nothing (no copy).

    >>> as_index(np.array([3, 1], dtype=np.int64)).dtype == np.intp
    True
    """
    return np.asarray(values).astype(np.intp, copy=False)
