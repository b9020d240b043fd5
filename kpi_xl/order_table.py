"""Checking an orders table before any KPI is computed from it.

One validation function, :func:`prepare_orders`, turns a user's orders table
(a pandas DataFrame, column names passed as arguments) into a
:class:`ValidOrders`: canonical columns, parsed dates, numbers, statuses, and
the list of every problem found, each with its row, column and value.

Cost of goods
-------------
A blank cost of goods means *not known*: the order counts everywhere, but
the gross profit and margin (and the LTV built on them) of its period are
undefined rather than computed as if the goods were free.

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
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .arrow_text import arrow_texts, leading_word
from .errors import InputProblem, KpiInputError
from .table_checks import (TableReport, check_amounts, check_dates, check_duplicates, check_ids,
                           key_codes, require_columns)

__all__ = ["ValidOrders", "prepare_orders", "STATUS_ALIASES", "COLUMNS"]

#: Canonical column names of a :class:`ValidOrders` frame (and defaults of the arguments).
COLUMNS = {
    "date": "order_date",
    "order_id": "order_id",
    "customer_id": "customer_id",
    "revenue": "net_revenue",
    "cogs": "cost_of_goods_sold",
    "status": "status",
    "channel": "channel",
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
        ``counts`` (True for paid orders), ``channel`` when the input has one
        (None where blank), indexed by the input's row labels.
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
    #: Derived tables computed once for several analytics (see kpi_xl.orders); not part of the value.
    cache: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def counted(self) -> pd.DataFrame:
        """The orders that count (paid), in input order (selected once, then kept: do not modify it)."""
        if "counted" not in self.cache:
            self.cache["counted"] = self.frame[self.frame["counts"]]
        return self.cache["counted"]

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
    require_columns(orders, [date_col, order_id_col, customer_id_col, revenue_col, cogs_col],
                    table="orders", sheet=sheet)
    if len(orders) == 0:
        raise KpiInputError(f"{'sheet ' + repr(sheet) + ': ' if sheet else ''}the orders table is empty")

    report = TableReport(orders.index, sheet)
    out = pd.DataFrame(index=orders.index)
    today_ts = pd.Timestamp(today if today is not None else _dt.date.today()).normalize()
    out[COLUMNS["date"]] = check_dates(orders[date_col], date_col, report, today_ts)
    out[COLUMNS["order_id"]] = check_ids(orders[order_id_col], order_id_col, report,
                                         "every order needs an order number")
    out[COLUMNS["customer_id"]] = check_ids(orders[customer_id_col], customer_id_col, report,
                                            "every order needs a customer id")
    out[COLUMNS["revenue"]] = check_amounts(orders[revenue_col], revenue_col, report)
    out[COLUMNS["cogs"]] = check_amounts(orders[cogs_col], cogs_col, report, blank_ok=True)  # blank: not known
    if status_col is not None and status_col in orders.columns:
        out[COLUMNS["status"]], paid = _statuses(orders[status_col], status_col, report)
    else:
        out[COLUMNS["status"]], paid = "paid", np.ones(len(orders), dtype=bool)
    if COLUMNS["channel"] in orders.columns:  # optional: where the order came from (ROAS, paid CAC); blank: not known
        out[COLUMNS["channel"]] = _channels(orders[COLUMNS["channel"]])
    raw_ids = orders[order_id_col]
    # whole numbers keyed as they are (their texts are as distinct as they are, and hashed 10x faster)
    keys = [raw_ids if pd.api.types.is_integer_dtype(raw_ids.dtype) else out[COLUMNS["order_id"]]]
    if "source" in orders.columns and orders["source"].notna().any():  # imported: by (platform, order number)
        keys.insert(0, orders["source"].fillna(""))
    # no repeat is possible in whole numbers each greater than the one before (the formulas' order numbers: their
    # rows); one key column without any repeat, the usual case, is told by the first eight bytes of its texts all
    # differing (a sort of integers), else by counting distinct values (a hash count, 40 % faster than numbering
    # them at a million texts); numbered only where a repeat must be found
    if not _increasing_numbers(keys) and (len(keys) > 1 or not _distinct_words(keys[0])
                                          and keys[0].nunique() < keys[0].count()):
        check_duplicates(key_codes(*keys), orders[order_id_col], order_id_col, report)

    if as_of is not None:
        as_of_ts = pd.Timestamp(as_of).normalize()
        report.add(out[COLUMNS["date"]] > as_of_ts, date_col, orders[date_col],
                   f"is after the as-of date {as_of_ts.date()}")
    problems = report.problems
    if problems and not skip_invalid:
        raise KpiInputError.from_problems(problems, what="orders")
    valid = out[~report.bad]
    if valid.empty:
        raise KpiInputError.from_problems(problems, what="orders: no valid row")
    valid = valid.assign(counts=paid[~report.bad])
    end = pd.Timestamp(as_of).normalize() if as_of is not None else valid[COLUMNS["date"]].max()
    return ValidOrders(valid, tuple(problems), end, len(orders))


def _increasing_numbers(keys: list[pd.Series]) -> bool:
    """True for a key of one column of whole numbers (numpy integers) each greater than the one before.

    >>> _increasing_numbers([pd.Series([3, 5, 9])]), _increasing_numbers([pd.Series([3, 5, 5])])
    (True, False)
    """
    if len(keys) != 1 or not isinstance(keys[0].dtype, np.dtype) or keys[0].dtype.kind not in "iu":
        return False
    numbers = keys[0].to_numpy()
    return bool((numbers[1:] > numbers[:-1]).all())


def _distinct_words(ids: pd.Series) -> bool:
    """True when the present texts of an Arrow-backed text column differ in their first eight bytes (UTF-8),
    hence differ: a sort of one integer per text, several times faster than hashing the texts. False means
    not known (texts sharing their first eight bytes, or not Arrow texts).

    >>> _distinct_words(pd.Series(["#1001", "#1002", None], dtype="string[pyarrow]"))
    True
    >>> _distinct_words(pd.Series(["customer-1", "customer-2"], dtype="string[pyarrow]"))  # the same first eight bytes
    False
    """
    arrow = arrow_texts(ids)
    if arrow is None:
        return False
    words = leading_word(arrow)
    if arrow.null_count:
        words = words[ids.notna().to_numpy(dtype=bool)]
    words.sort()
    return bool((words[1:] != words[:-1]).all())


def _channels(values: pd.Series) -> pd.Series:
    """Each order's channel as text without surrounding spaces; a blank cell is None (not known). A handful of
    distinct names, so each is cleaned once."""
    if values.isna().all():  # a column left blank
        return pd.Series(np.full(len(values), None, dtype=object), index=values.index, dtype=object)
    codes, labels = pd.factorize(values, use_na_sentinel=True)
    cleaned = np.array([str(label).strip() or None for label in labels] + [None], dtype=object)
    return pd.Series(cleaned[codes], index=values.index, dtype=object)


def _statuses(values: pd.Series, column: str, report: TableReport) -> tuple[pd.Series, np.ndarray]:
    """Each status label's meaning, and where it is paid; a handful of distinct labels, so each is cleaned once."""
    codes, labels = pd.factorize(values, use_na_sentinel=True)
    meaning = np.append(pd.Series(labels, dtype=object).map(  # then None: the meaning of code -1 (a blank)
        lambda label: STATUS_ALIASES.get(str(label).strip().lower())).to_numpy(dtype=object), None)
    known = ", ".join(sorted(set(STATUS_ALIASES) - {"payé", "remboursé", "annulé", "canceled"}))
    report.add(pd.isna(meaning)[codes], column, values, f"is not a known status ({known})")
    paid = (meaning == "paid")[codes]
    return pd.Series(meaning[codes], index=values.index, dtype=object), paid
