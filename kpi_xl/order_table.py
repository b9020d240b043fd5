"""Checking an orders table before any KPI is computed from it.

One validation function, :func:`prepare_orders`, turns a user's orders table
(a pandas DataFrame, column names passed as arguments) into a
:class:`ValidOrders`: canonical columns, parsed dates, numbers, statuses, and
the list of every problem found, each with its row, column and value.

Statuses
--------
``paid`` orders count. ``refunded`` (fully refunded) and ``cancelled`` orders
are kept in the table but count nowhere: not in orders, revenue, customers or
churn. A partial refund is a ``paid`` order whose net revenue is already net
of the refund (``partially_refunded`` is read as ``paid``). French labels
(payée, remboursée, annulée) are accepted. When the table has no status column
every order counts as paid.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import pandas as pd

from .errors import InputProblem, KpiInputError

__all__ = ["ValidOrders", "prepare_orders", "STATUS_ALIASES", "COLUMNS"]

#: Canonical column names of a :class:`ValidOrders` frame (and defaults of the arguments).
COLUMNS = {
    "date": "order_date",
    "order_id": "order_id",
    "customer_id": "customer_id",
    "revenue": "net_revenue",
    "cogs": "cost_of_goods_sold",
    "status": "status",
}

#: Accepted status labels (lower case) and the status each one means.
STATUS_ALIASES = {
    "paid": "paid",
    "partially_refunded": "paid",
    "payé": "paid",
    "payée": "paid",
    "refunded": "refunded",
    "remboursé": "refunded",
    "remboursée": "refunded",
    "cancelled": "cancelled",
    "canceled": "cancelled",
    "annulé": "cancelled",
    "annulée": "cancelled",
}


@dataclass(frozen=True)
class ValidOrders:
    """An orders table that passed :func:`prepare_orders`.

    Attributes
    ----------
    frame : pandas.DataFrame
        The valid rows with canonical columns (see ``COLUMNS``) plus
        ``counts`` (True for paid orders), indexed by the input's row labels.
    problems : tuple of InputProblem
        Every problem found; rows with a problem are not in ``frame``.
    as_of : pandas.Timestamp
        The end of the data: the as-of date given, else the last order's date.
    rows_read : int
        Rows in the input table.
    """

    frame: pd.DataFrame
    problems: tuple[InputProblem, ...]
    as_of: pd.Timestamp
    rows_read: int

    @property
    def counted(self) -> pd.DataFrame:
        """The orders that count (paid), in input order."""
        return self.frame[self.frame["counts"]]

    @property
    def rows_skipped(self) -> int:
        """How many input rows were left out because of a problem."""
        return self.rows_read - len(self.frame)


def prepare_orders(
    orders: pd.DataFrame | ValidOrders,
    *,
    date_col: str = COLUMNS["date"],
    order_id_col: str = COLUMNS["order_id"],
    customer_id_col: str = COLUMNS["customer_id"],
    revenue_col: str = COLUMNS["revenue"],
    cogs_col: str = COLUMNS["cogs"],
    status_col: str | None = COLUMNS["status"],
    as_of: Any = None,
    today: Any = None,
    skip_invalid: bool = False,
    sheet: str | None = None,
) -> ValidOrders:
    """Check an orders table and return its valid rows in canonical form.

    Parameters
    ----------
    orders : pandas.DataFrame
        One row per order. Row labels (the index) are used in messages, so an
        index of sheet row numbers gives messages a user can follow.
    date_col, order_id_col, customer_id_col, revenue_col, cogs_col : str
        Column names: order date, order number, customer id, net revenue
        (after discounts and refunds, before shipping and taxes) and cost of
        goods sold, both in the shop's currency.
    status_col : str or None
        Column of statuses (see the module doc); None or absent: all paid.
    as_of : date-like, optional
        The end of the data; orders after it are errors. Default: the date of
        the last valid order.
    today : date-like, optional
        Orders after this date are "in the future". Default: today's date.
    skip_invalid : bool
        False (default): any problem raises :class:`KpiInputError` listing
        them. True: rows with a problem are left out and listed in
        ``problems`` (the first of duplicate order numbers is kept).
    sheet : str, optional
        Sheet or file name for messages.

    Raises
    ------
    KpiInputError
        A missing column, an empty table, no valid row, or (unless
        ``skip_invalid``) any invalid row: unparseable, empty or future date,
        missing order number or customer id, duplicate order number, text or
        negative amount, unknown status.

    Examples
    --------
    >>> table = pd.DataFrame({"order_date": ["2024-01-05", "2024-13-01"],
    ...     "order_id": ["A1", "A2"], "customer_id": ["c1", "c2"],
    ...     "net_revenue": [50.0, 20.0], "cost_of_goods_sold": [30.0, 10.0]})
    >>> prepare_orders(table, sheet="Orders")
    Traceback (most recent call last):
    ...
    kpi_xl.errors.KpiInputError: orders: 1 problem
      sheet 'Orders', row 1, column 'order_date': '2024-13-01' is not a date (use YYYY-MM-DD)
    >>> prepare_orders(table, skip_invalid=True).rows_skipped
    1
    """
    if isinstance(orders, ValidOrders):
        return orders
    if not isinstance(orders, pd.DataFrame):
        raise KpiInputError(f"orders must be a pandas DataFrame, not {type(orders).__name__}")
    names = {"date": date_col, "order_id": order_id_col, "customer_id": customer_id_col,
             "revenue": revenue_col, "cogs": cogs_col}
    missing = [col for col in names.values() if col not in orders.columns]
    if missing:
        where = f"sheet {sheet!r}: " if sheet else ""
        raise KpiInputError(
            f"{where}orders table has no column {', '.join(map(repr, missing))} "
            f"(columns found: {', '.join(map(repr, map(str, orders.columns)))})"
        )
    if len(orders) == 0:
        raise KpiInputError(f"{'sheet ' + repr(sheet) + ': ' if sheet else ''}the orders table is empty")

    report = _Report(orders.index, sheet)
    out = pd.DataFrame(index=orders.index)
    today_ts = pd.Timestamp(today if today is not None else _dt.date.today()).normalize()
    out[COLUMNS["date"]] = _dates(orders[date_col], date_col, report, today_ts)
    out[COLUMNS["order_id"]] = _ids(orders[order_id_col], order_id_col, report, "an order number")
    out[COLUMNS["customer_id"]] = _ids(orders[customer_id_col], customer_id_col, report, "a customer id")
    out[COLUMNS["revenue"]] = _amounts(orders[revenue_col], revenue_col, report)
    out[COLUMNS["cogs"]] = _amounts(orders[cogs_col], cogs_col, report)
    if status_col is not None and status_col in orders.columns:
        out[COLUMNS["status"]] = _statuses(orders[status_col], status_col, report)
    else:
        out[COLUMNS["status"]] = "paid"
    _duplicates(out[COLUMNS["order_id"]], orders[order_id_col], order_id_col, report)

    if as_of is not None:
        as_of_ts = pd.Timestamp(as_of).normalize()
        report.add(out[COLUMNS["date"]] > as_of_ts, date_col, orders[date_col],
                   f"is after the as-of date {as_of_ts.date()}")
    if report.problems and not skip_invalid:
        raise KpiInputError.from_problems(report.problems, what="orders")
    valid = out[~report.bad]
    if valid.empty:
        raise KpiInputError.from_problems(report.problems, what="orders: no valid row")
    valid = valid.assign(counts=valid[COLUMNS["status"]].eq("paid"))
    end = pd.Timestamp(as_of).normalize() if as_of is not None else valid[COLUMNS["date"]].max()
    return ValidOrders(valid, tuple(report.problems), end, len(orders))


class _Report:
    """Collects problems and the mask of rows that have one."""

    def __init__(self, index: pd.Index, sheet: str | None):
        self.index = index
        self.sheet = sheet
        self.bad = np.zeros(len(index), dtype=bool)
        self.problems: list[InputProblem] = []

    def add(self, mask: Any, column: str, values: pd.Series, message: str | Callable[[int], str]) -> None:
        """Record ``message`` (or ``message(position)``) for each masked row not yet bad."""
        mask = np.asarray(mask, dtype=bool) & ~self.bad  # one problem per row is enough
        for pos in np.flatnonzero(mask):
            value = values.iloc[pos]
            shown = None if _is_blank(value) else value
            text = message(pos) if callable(message) else message
            self.problems.append(InputProblem(text, column, self.index[pos], shown, self.sheet))
        self.bad |= mask


def _is_blank(value: Any) -> bool:
    if value is None or (isinstance(value, str) and not value.strip()):
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _blank_mask(values: pd.Series) -> np.ndarray:
    blank = values.isna().to_numpy()
    if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
        blank = blank | values.astype("string").str.strip().eq("").fillna(True).to_numpy(dtype=bool)
    return blank


def _dates(values: pd.Series, column: str, report: _Report, today: pd.Timestamp) -> pd.Series:
    """Dates as datetime64 at midnight; problems for blanks, text and the future."""
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        parsed = values.dt.tz_localize(None) if values.dt.tz is not None else values
    else:
        parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
        kinds = values.map(type)
        stamps = kinds.map(lambda k: issubclass(k, (_dt.date, np.datetime64))).astype(bool)
        texts = kinds.map(lambda k: issubclass(k, str)).astype(bool)
        if stamps.any():
            parsed[stamps] = [pd.Timestamp(v).tz_localize(None) if getattr(v, "tzinfo", None)
                              else pd.Timestamp(v) for v in values[stamps]]
        if texts.any():
            parsed[texts] = pd.to_datetime(values[texts].str.strip(), errors="coerce", format="ISO8601")
    blank = _blank_mask(values)
    report.add(blank, column, values, "is empty: every order needs a date")
    report.add(parsed.isna().to_numpy() & ~blank, column, values, "is not a date (use YYYY-MM-DD)")
    parsed = parsed.dt.normalize()
    report.add((parsed > today).to_numpy(), column, values, "is in the future")
    return parsed


def _ids(values: pd.Series, column: str, report: _Report, what: str) -> pd.Series:
    """Identifiers as text (1001.0 read from a cell becomes '1001')."""
    def text(v: Any) -> Any:
        if _is_blank(v):
            return None
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v).strip()

    ids = values.map(text)
    report.add(ids.isna().to_numpy(), column, values, f"is empty: every order needs {what}")
    return ids.astype(object)


def _amounts(values: pd.Series, column: str, report: _Report) -> pd.Series:
    """Money as float; problems for blanks, text, booleans and negatives."""
    if values.dtype == bool:
        numbers = pd.Series(np.nan, index=values.index)
        flags = np.ones(len(values), dtype=bool)
    else:
        numbers = pd.to_numeric(values, errors="coerce").astype(float)
        flags = values.map(lambda v: isinstance(v, (bool, np.bool_))).to_numpy(dtype=bool) \
            if values.dtype == object else np.zeros(len(values), dtype=bool)
    blank = _blank_mask(values)
    report.add(blank, column, values, "is empty: enter the amount, 0 if there is none")
    report.add(flags, column, values, "is a true/false value, not an amount")
    report.add((numbers.isna() | ~np.isfinite(numbers)).to_numpy() & ~blank, column, values, "is not a number")
    report.add((numbers < 0).to_numpy(), column, values, "is negative")
    return numbers


def _statuses(values: pd.Series, column: str, report: _Report) -> pd.Series:
    canonical = values.astype("string").str.strip().str.lower().map(STATUS_ALIASES)
    known = ", ".join(sorted(set(STATUS_ALIASES) - {"payé", "remboursé", "annulé", "canceled"}))
    report.add(canonical.isna().to_numpy(), column, values, f"is not a known status ({known})")
    return canonical.astype(object)


def _duplicates(ids: pd.Series, raw: pd.Series, column: str, report: _Report) -> None:
    dup = (ids.notna() & ids.duplicated(keep="first")).to_numpy()
    if not dup.any():
        return
    codes, _ = pd.factorize(ids)
    first_pos = pd.Series(np.arange(len(ids))).groupby(codes).transform("min").to_numpy()
    report.add(dup, column, raw, lambda pos: f"repeats the order number of row {ids.index[first_pos[pos]]}")
