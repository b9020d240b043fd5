"""From an orders table to customers, churn, cohorts and KPIs per period.

A transaction table in, tidy tables out (the shape of ``lifetimes.utils``):

* :func:`period_summary`: one row per period (month by default) with orders,
  revenue, margin, AOV, active / new / returning / lost customers, churn,
  retention, repeat purchase rate, purchase frequency and LTV;
* :func:`cohort_matrix`: acquisition cohorts against periods since acquisition;
* :func:`customer_summary`: one row per customer.

Each accepts a DataFrame (column names as keyword arguments, see
:func:`~kpi_xl.order_table.prepare_orders`) or an already checked
:class:`~kpi_xl.order_table.ValidOrders`. Only paid orders count.

Churn without subscriptions
---------------------------
A customer is *in the base* from their first order until ``inactivity_days``
after their latest order. When that window passes with no new order, the
customer is *lost* on the day it ends (order date + window) and the loss
belongs to the period holding that day. An order on the last day of the
window keeps the customer. A lost customer who orders again re-enters the
base (counted as returning, not new).

For a period starting at S and ending before E:
``customers_at_start`` = in the base at S; ``customers_lost`` = of those, the
ones whose window ran out before E; ``churn_rate`` = lost / at start;
``retention_rate`` = (at end - entered) / at start, where ``entered`` counts
customers who joined or came back during the period and are still in the
base at E, so retention = 1 - churn. Customers who join and lapse within one
period count in neither (as ChartMogul does).

Churn is only *final* when it can be known, shown by ``churn_status``:

* ``"provisional"``: the period is not over at the end of the data (``as_of``):
  customers whose window runs out between ``as_of`` and the period's end cannot
  be called lost yet. ``customers_lost`` holds the losses known so far.
* ``"no_history"``: the period starts less than one window after the start of
  the data, so customers who ordered before the data began are unknown, and
  nobody can yet have been lost for a full window: the numbers would read as
  "no churn" when the truth is "not known".

In both cases ``churn_rate``, ``retention_rate`` and ``lifetime_value`` are
``nan``, never a silent 0 % churn.
"""

from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np
import pandas as pd

from . import kpis
from ._numbers import as_index, safe_divide
from .arrow_text import arrow_texts as _arrow_texts, leading_word as _leading_word, offsets as _offsets
from .errors import KpiInputError, one_of
from .order_table import COLUMNS, ValidOrders, prepare_orders

__all__ = ["period_summary", "cohort_matrix", "customer_summary", "PERIODS"]

#: Accepted ``period`` values and the pandas frequency used for each.
PERIODS = {"month": "M", "week": "W", "quarter": "Q", "year": "Y"}

DATE, CUSTOMER, REVENUE, COGS = COLUMNS["date"], COLUMNS["customer_id"], COLUMNS["revenue"], COLUMNS["cogs"]


def _days(dates: pd.Series | pd.Index) -> np.ndarray:
    """Dates as whole days since 1970-01-01 (independent of the datetime unit)."""
    return np.asarray(dates, dtype="datetime64[D]").astype(np.int64)


def _ordered(valid: ValidOrders) -> pd.DataFrame:
    """Paid orders sorted by customer then date, with integer customer codes (computed once per table).

    ``_code`` numbers the customers in the order of their first paid order (0 first), so a
    customer's rows are consecutive; :func:`customer_ids` holds the id of each code.
    """
    if "ordered" not in valid.cache:
        valid.cache["ordered"], valid.cache["customer_ids"] = _sort_by_customer(valid)
    return valid.cache["ordered"]


def period_ordinals(days: np.ndarray, freq: str = "M") -> np.ndarray:
    """pandas' period ordinals (for ``"M"``, months since 1970-01) of whole days since 1970-01-01.

    Each distinct day of the span is converted once and the days look their period up in that
    table: 7 ms for a million days of three years where ``Series.dt.to_period`` takes 42 ms.

    >>> period_ordinals(np.array([0, 30, 31, 59, 365]), "M").tolist()  # 1970-01-01, 01-31, 02-01, 03-01, 1971-01-01
    [0, 0, 1, 2, 12]
    >>> period_ordinals(np.array([], dtype=np.int64)).tolist()
    []
    """
    days = np.asarray(days, dtype=np.int64)
    if days.size == 0:
        return np.empty(0, dtype=np.int64)
    low = int(days.min())
    span = pd.to_datetime(np.arange(low, int(days.max()) + 1), unit="D")
    return pd.PeriodIndex(span, freq=freq).asi8[days - low]


def ordered_periods(valid: ValidOrders, freq: str = "M") -> np.ndarray:
    """The period ordinal of each row of :func:`_ordered` (computed once per table and frequency)."""
    key = ("periods", freq)
    if key not in valid.cache:
        valid.cache[key] = period_ordinals(_ordered(valid)["_day"].to_numpy(), freq)
    return valid.cache[key]


def paid_months(valid: ValidOrders) -> set[pd.Period]:
    """The months with at least one paid order (none: an empty set)."""
    if not valid.frame["counts"].any():
        return set()
    months = ordered_periods(valid, "M")
    low = int(months.min())
    return {pd.Period(ordinal=low + int(i), freq="M") for i in np.flatnonzero(np.bincount(as_index(months - low)))}


def first_of_customer(code: np.ndarray) -> np.ndarray:
    """True at each customer's first row of :func:`_ordered`'s rows (``code`` its ``_code`` column): their
    first paid order.

    >>> first_of_customer(np.array([0, 0, 1, 2, 2])).tolist()
    [True, False, True, True, False]
    """
    return np.r_[True, code[1:] != code[:-1]]


def customer_ids(valid: ValidOrders) -> pd.Index:
    """The customer id of each ``_code`` of :func:`_ordered`."""
    _ordered(valid)
    return valid.cache["customer_ids"]


def by_customer_id(ids: pd.Index) -> np.ndarray:
    """The positions that put ``ids`` (distinct texts) in the order of the texts, as pandas' text dtype sorts
    them: by their UTF-8 bytes, i.e. by code points.

    With Arrow-backed texts the ids are first sorted by their first eight bytes taken as one integer
    (:func:`_leading_word`; a quarter of the time of sorting the texts), which puts every id in its place
    but those sharing their first eight bytes with another id; only these are then sorted as texts.
    Without pyarrow (Pyodide) all the texts are sorted as texts.

    >>> by_customer_id(pd.Index(["customer-b", "ann", "customer-a", "Zoé", "Zoe"])).tolist()
    [4, 3, 1, 2, 0]
    """
    texts = pd.Series(ids, dtype="str")
    arrow = _arrow_texts(texts)
    if arrow is None:
        return np.asarray(texts.argsort(), dtype=np.intp)
    word = _leading_word(arrow)
    order = np.argsort(word).astype(np.intp, copy=False)
    ranked = word[order]
    shared = np.r_[False, ranked[1:] == ranked[:-1]]
    shared[:-1] |= shared[1:]  # both ids of each equal pair
    if shared.any():  # their places in ``order``, filled with the same ids sorted as texts
        tied = order[shared]
        order[shared] = tied[np.asarray(texts.iloc[tied].argsort())]
    return order


def _factorize_ids(ids: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """``pandas.factorize`` of ids that are not missing: codes numbered in the order of first appearance,
    and the id of each code.

    Arrow-backed ids of at most eight bytes (UTF-8) are each one integer, their :func:`_leading_word`, and
    integers hash twice as fast as texts (60 ms against 117 ms for a million ids); texts that differ only
    by trailing zero bytes, which would share a word, are told apart by their lengths, else hashed as texts.

    >>> codes, ids = _factorize_ids(pd.Series(["b", "a", "b", "c"], dtype="str"))
    >>> codes.tolist(), ids.tolist()
    ([0, 1, 0, 2], ['b', 'a', 'c'])
    """
    arrow = _arrow_texts(ids)
    if arrow is not None and len(arrow) and arrow.null_count == 0:
        lengths = np.diff(_offsets(arrow))
        if lengths.max() <= 8:
            codes = pd.factorize(_leading_word(arrow))[0]
            first = np.flatnonzero(codes > np.r_[-1, np.maximum.accumulate(codes)[:-1]])  # each code's first row
            if (lengths[first][codes] == lengths).all():
                return codes, pd.Index(ids.array.take(first))
    codes, uniques = pd.factorize(ids)
    return codes, pd.Index(uniques)


def _sort_by_customer(valid: ValidOrders) -> tuple[pd.DataFrame, pd.Index]:
    """Only the columns the analytics read: sorting the texts along would cost more than the rest."""
    paid = valid.frame["counts"].to_numpy()
    if not paid.any():
        raise KpiInputError("orders: no paid order to count (every order is refunded or cancelled)")
    # hashed where they are (Arrow texts stay Arrow texts); codes in the order of first appearance
    codes, ids = _factorize_ids(valid.frame[CUSTOMER][paid] if not paid.all() else valid.frame[CUSTOMER])
    days = _days(valid.frame[DATE].to_numpy()[paid])
    # one integer key per (customer, day): a single argsort, twice as fast as lexsort on the pair
    order = np.argsort(codes * np.int64(days.max() - days.min() + 1) + (days - days.min()))
    rows = np.flatnonzero(paid)[order]  # each sorted order's position in valid.frame: one take per column
    frame = valid.frame
    ordered = pd.DataFrame({DATE: frame[DATE].to_numpy()[rows], REVENUE: frame[REVENUE].to_numpy()[rows],
                            COGS: frame[COGS].to_numpy()[rows], "_code": codes[order], "_day": days[order],
                            "_row": rows}, copy=False)  # new arrays, each its own column (no copy into blocks)
    return ordered, ids


def period_summary(
    orders: pd.DataFrame | ValidOrders,
    *,
    period: str = "month",
    inactivity_days: int = 365,
    history_start: Any = None,
    earlier_customers: bool = False,
    **columns: Any,
) -> pd.DataFrame:
    """KPIs per period computed from an orders table.

    Parameters
    ----------
    orders : pandas.DataFrame or ValidOrders
        The orders table (see :func:`~kpi_xl.order_table.prepare_orders`).
    period : {"month", "week", "quarter", "year"}
    inactivity_days : int
        Days without an order after which a customer is lost (default 365).
    history_start : date-like, optional
        When the data really starts; default: the first order's date.
    earlier_customers : bool
        True when the shop had customers before ``history_start`` whose orders
        are missing (an export of the last year only). For one window after
        ``history_start`` a customer's first order in the data may not be
        their first: ``acquisition_status`` is then ``"no_history"`` and the
        new and returning counts of those periods are not to be trusted.
        False (the default): the data start with the shop's first customer.
    **columns
        Column names and options passed to ``prepare_orders`` (``date_col``,
        ``customer_id_col``, ``as_of``, ...).

    Returns
    -------
    pandas.DataFrame
        Indexed by period (``pandas.Period``), from the first order's period to
        the period of ``as_of``, with columns: ``orders``, ``revenue``,
        ``cost_of_goods_sold``, ``gross_profit``, ``gross_margin``,
        ``average_order_value``, ``active_customers``, ``new_customers``,
        ``returning_customers``, ``customers_at_start``, ``customers_lost``,
        ``customers_at_end``, ``churn_rate``, ``retention_rate``,
        ``churn_status``, ``acquisition_status``, ``repeat_purchase_rate`` (customers with 2+ orders to
        date / customers to date), ``purchase_frequency`` (orders / active
        customers) and ``lifetime_value``: margin-adjusted,
        AOV x orders per customer of the base x gross margin / churn, where
        orders per customer of the base = orders / mean of customers at start
        and at end (the base churn is measured on; frequency per *active*
        customer would overstate it, as most of the base does not order every
        period). Rates are fractions; ``nan``
        marks an undefined value (zero denominator, churn not final).

    Examples
    --------
    >>> table = pd.DataFrame({
    ...     "order_date": ["2024-01-03", "2024-01-20", "2024-02-11", "2024-02-27"],
    ...     "order_id": ["1", "2", "3", "4"], "customer_id": ["ann", "bob", "ann", "cat"],
    ...     "net_revenue": [100.0, 60.0, 80.0, 40.0],
    ...     "cost_of_goods_sold": [50.0, 30.0, 40.0, 20.0]})
    >>> summary = period_summary(table, inactivity_days=30)
    >>> summary[["orders", "revenue", "new_customers", "returning_customers"]]
             orders  revenue  new_customers  returning_customers
    period
    2024-01       2    160.0              2                    0
    2024-02       2    120.0              1                    1
    """
    freq = one_of(PERIODS, period, "period")
    if int(inactivity_days) != inactivity_days or inactivity_days < 1:
        raise ValueError(f"inactivity_days must be a whole number of days, at least 1, not {inactivity_days!r}")
    window = int(inactivity_days)
    valid = prepare_orders(orders, **columns)
    counted = _ordered(valid)
    all_dates = valid.frame[DATE]
    periods = pd.period_range(all_dates.min().to_period(freq), valid.as_of.to_period(freq), freq=freq, name="period")
    starts = _days(periods.start_time)
    ends = _days((periods + 1).start_time)

    count = len(periods)
    # each order's period (as np.searchsorted(ends, day, side="right") numbers them, past the last one: count)
    slot = np.minimum(ordered_periods(valid, freq) - periods[0].ordinal, count)
    cost = counted[COGS].to_numpy(dtype=float)
    known = ~np.isnan(cost)
    unknown_cost = np.bincount(as_index(slot[~known]), minlength=count) > 0  # one unknown cost makes the period's unknown
    out = {
        "orders": np.bincount(as_index(slot), minlength=count),
        "revenue": np.bincount(as_index(slot), weights=counted[REVENUE].to_numpy(dtype=float), minlength=count),
        "cost_of_goods_sold": np.where(unknown_cost, np.nan,
                                       np.bincount(as_index(slot[known]), weights=cost[known], minlength=count)),
    }

    code = counted["_code"].to_numpy()
    first_rows = first_of_customer(code)
    # rows are sorted by customer then date, so a customer's orders of one period are consecutive
    first_in_period = first_rows | np.r_[True, slot[1:] != slot[:-1]]
    out["active_customers"] = np.bincount(as_index(slot[first_in_period]), minlength=count)
    out["new_customers"] = np.bincount(as_index(slot[first_rows]), minlength=count)
    out["returning_customers"] = out["active_customers"] - out["new_customers"]
    second_order = np.r_[False, (code[1:] == code[:-1]) & first_rows[:-1]]
    repeaters_to_date = np.cumsum(np.bincount(as_index(slot[second_order]), minlength=count))
    customers_to_date = np.cumsum(out["new_customers"])

    end_of_data = _days([valid.as_of])[0]
    out.update(_customer_base(counted["_day"].to_numpy(), code, window, starts, ends, end_of_data))
    start_of_data = _days([pd.Timestamp(history_start) if history_start is not None else all_dates.min()])[0]
    out["churn_status"] = np.where(starts - window < start_of_data, "no_history",
                                   np.where(ends - 1 > end_of_data, "provisional", "final"))
    out["acquisition_status"] = np.where(earlier_customers & (starts - window < start_of_data), "no_history", "final")

    out.update(_column_wise([_period_kpis(row, repeat, seen) for row, repeat, seen in
                             zip(_rows(out), repeaters_to_date.tolist(), customers_to_date.tolist(), strict=True)]))
    return pd.DataFrame({name: out[name] for name in _SUMMARY_COLUMNS}, index=periods)


def _rows(columns: dict[str, np.ndarray]) -> Any:
    """The rows of equal-length columns, each a namespace of Python values (``row.orders``), as
    ``DataFrame.itertuples`` gives them but without building a frame.

    >>> [(row.a, row.b) for row in _rows({"a": np.array([1, 2]), "b": np.array(["x", "y"])})]
    [(1, 'x'), (2, 'y')]
    """
    row = namedtuple("row", list(columns))  # type: ignore[misc]
    return map(row._make, zip(*(values.tolist() for values in columns.values()), strict=True))


def _column_wise(rows: list[dict[str, float]]) -> dict[str, list[float]]:
    """Rows of equal keys as one list per key.

    >>> _column_wise([{"a": 1.0, "b": 2.0}, {"a": 3.0, "b": 4.0}])
    {'a': [1.0, 3.0], 'b': [2.0, 4.0]}
    """
    return {key: [row[key] for row in rows] for key in (rows[0] if rows else ())}


_SUMMARY_COLUMNS = [
    "orders", "revenue", "cost_of_goods_sold", "gross_profit", "gross_margin", "average_order_value",
    "active_customers", "new_customers", "returning_customers", "customers_at_start", "customers_lost",
    "customers_at_end", "churn_rate", "retention_rate", "churn_status", "acquisition_status", "repeat_purchase_rate",
    "purchase_frequency", "lifetime_value",
]


def _customer_base(day: np.ndarray, code: np.ndarray, window: int, starts: np.ndarray,
                   ends: np.ndarray, as_of: int) -> dict[str, np.ndarray]:
    """Counts of the customer base per period from sorted (customer, day) arrays.

    A *stint* runs from an order that (re)starts a customer's activity to the
    lapse day (last order of the stint + window); an order more than
    ``window`` days after the previous one starts a new stint.
    """
    same_as_next = np.r_[code[1:] == code[:-1], False]
    gap_next = np.r_[day[1:] - day[:-1], 0]
    stint_ends = ~same_as_next | (gap_next > window)
    stint_starts = np.r_[True, stint_ends[:-1]]
    begin = day[stint_starts]
    lapse = day[stint_ends] + window

    sorted_begin, sorted_lapse = np.sort(begin), np.sort(lapse)

    def in_base(at: np.ndarray) -> np.ndarray:  # began before `at` and not lapsed before it
        return np.searchsorted(sorted_begin, at, "left") - np.searchsorted(sorted_lapse, at, "left")

    at_start, at_end = in_base(starts), in_base(ends)
    slot_of_lapse = np.searchsorted(ends, lapse, side="right")
    inside = slot_of_lapse < len(starts)
    lost = inside & (lapse <= as_of)
    lost[inside] &= begin[inside] < starts[slot_of_lapse[inside]]
    slot_of_begin = np.searchsorted(ends, begin, side="right")
    entered = (slot_of_begin < len(starts)) & (lapse >= ends[np.minimum(slot_of_begin, len(ends) - 1)])
    return {
        "customers_at_start": at_start,
        "customers_lost": np.bincount(as_index(slot_of_lapse[lost]), minlength=len(starts)),
        "customers_at_end": at_end,
        "entered": np.bincount(as_index(slot_of_begin[entered]), minlength=len(starts)),
    }


def _period_kpis(row: Any, repeaters_to_date: int, customers_to_date: int) -> dict[str, float]:
    """The ratio KPIs of one period, each computed by its core function."""
    final = row.churn_status == "final"
    churn = kpis.churn_rate(row.customers_lost, row.customers_at_start) if final else np.nan
    retention = (kpis.retention_rate(row.customers_at_end, row.entered, row.customers_at_start)
                 if final else np.nan)
    cost_known = not np.isnan(row.cost_of_goods_sold)
    margin = kpis.gross_margin(row.revenue, row.cost_of_goods_sold) if cost_known else np.nan
    aov = kpis.average_order_value(row.revenue, row.orders)
    frequency = kpis.purchase_frequency(row.orders, row.active_customers)
    # LTV needs orders per customer of the base churn is measured on, not per active customer
    base_frequency = kpis.purchase_frequency(row.orders, (row.customers_at_start + row.customers_at_end) / 2)
    defined = not np.isnan([churn, margin, aov, base_frequency]).any()
    ltv = kpis.customer_lifetime_value(aov, base_frequency, churn, gross_margin=margin) if defined else np.nan
    return {
        "gross_profit": kpis.gross_profit(row.revenue, row.cost_of_goods_sold) if cost_known else np.nan,
        "gross_margin": margin,
        "average_order_value": aov,
        "churn_rate": churn,
        "retention_rate": retention,
        "repeat_purchase_rate": kpis.repeat_purchase_rate(repeaters_to_date, customers_to_date),
        "purchase_frequency": frequency,
        "lifetime_value": ltv,
    }


def cohort_matrix(
    orders: pd.DataFrame | ValidOrders,
    *,
    measure: str = "share",
    period: str = "month",
    **columns: Any,
) -> pd.DataFrame:
    """Acquisition cohorts against periods since acquisition.

    Rows are cohorts (the period of each customer's first paid order), columns
    the number of periods since acquisition (0, 1, 2, ...). Cells a cohort has
    not reached yet (after the end of the data) are ``nan``, not 0.

    Parameters
    ----------
    measure : {"share", "count", "revenue"}
        ``count``: distinct customers of the cohort who ordered in that period;
        ``share``: that count / the cohort's size (column 0 is 1.0);
        ``revenue``: the cohort's net revenue in that period.
    period : {"month", "week", "quarter", "year"}
    **columns
        Passed to :func:`~kpi_xl.order_table.prepare_orders`.

    Examples
    --------
    >>> table = pd.DataFrame({
    ...     "order_date": ["2024-01-03", "2024-01-20", "2024-02-11", "2024-02-27"],
    ...     "order_id": ["1", "2", "3", "4"], "customer_id": ["ann", "bob", "ann", "cat"],
    ...     "net_revenue": [100.0, 60.0, 80.0, 40.0],
    ...     "cost_of_goods_sold": [50.0, 30.0, 40.0, 20.0]})
    >>> cohort_matrix(table)
    periods_since_first_order    0    1
    cohort
    2024-01                    1.0  0.5
    2024-02                    1.0  NaN
    """
    if measure not in ("share", "count", "revenue"):
        raise ValueError(f"measure must be 'share', 'count' or 'revenue', not {measure!r}")
    freq = one_of(PERIODS, period, "period")
    valid = prepare_orders(orders, **columns)
    counted = _ordered(valid)
    ordinal = ordered_periods(valid, freq)
    code = counted["_code"].to_numpy()
    cohorts = pd.period_range(counted[DATE].min().to_period(freq), valid.as_of.to_period(freq),
                              freq=freq, name="cohort")
    size = len(cohorts)
    # rows are sorted by customer then date: a customer's first row holds their cohort
    first_rows = first_of_customer(code)
    cohort = ordinal[first_rows][np.cumsum(first_rows) - 1] - cohorts[0].ordinal
    age = ordinal - cohorts[0].ordinal - cohort
    cell = cohort * size + age
    if measure == "revenue":
        flat = np.bincount(as_index(cell), weights=counted[REVENUE].to_numpy(dtype=float), minlength=size * size)
    else:  # one count per customer and period: their rows of one period are consecutive
        first_in_period = first_rows | np.r_[True, age[1:] != age[:-1]]
        flat = np.bincount(as_index(cell[first_in_period]), minlength=size * size).astype(float)
    values = flat.reshape(size, size)
    reached = np.arange(size)[:, None] + np.arange(size)[None, :] < size
    values = np.where(reached, values, np.nan)
    if measure == "share":
        values = safe_divide(values, values[:, [0]])
    return pd.DataFrame(values, index=cohorts,
                        columns=pd.Index(list(range(size)), name="periods_since_first_order"))


def customer_summary(orders: pd.DataFrame | ValidOrders, **columns: Any) -> pd.DataFrame:
    """One row per customer: first and last paid order, orders, revenue, gross profit.

    For each customer *c* with paid orders *i*: ``orders`` = count of *i*,
    ``revenue`` = sum of net revenue (currency), ``gross_profit`` = revenue - sum
    of cost of goods (currency). ``gross_profit`` is NaN, not known, when the cost
    of any of the customer's paid orders is blank. Rows are sorted by customer id;
    customers with no paid order are absent. Computed with whole-array numpy
    operations (no Python call per customer).

    Examples
    --------
    >>> table = pd.DataFrame({
    ...     "order_date": ["2024-01-03", "2024-01-20", "2024-02-11"],
    ...     "order_id": ["1", "2", "3"], "customer_id": ["ann", "bob", "ann"],
    ...     "net_revenue": [100.0, 60.0, 80.0], "cost_of_goods_sold": [50.0, 30.0, None]})
    >>> customer_summary(table)[["orders", "revenue", "gross_profit"]]
                 orders  revenue  gross_profit
    customer_id
    ann               2    180.0           NaN
    bob               1     60.0          30.0
    """
    valid = prepare_orders(orders, **columns)
    counted, ids = _ordered(valid), customer_ids(valid)  # sorted by customer code, then date
    code = counted["_code"].to_numpy()
    size = len(ids)
    first_row = np.flatnonzero(first_of_customer(code))  # each customer's first row, by code
    ends = np.r_[first_row[1:], len(code)]  # past each customer's last row
    revenue = counted[REVENUE].to_numpy(dtype=float)
    cogs = counted[COGS].to_numpy(dtype=float)
    unknown = np.isnan(cogs)
    dates = counted[DATE].to_numpy()
    revenue_sum = np.bincount(as_index(code), weights=revenue, minlength=size)
    cost_sum = np.bincount(as_index(code), weights=np.where(unknown, 0.0, cogs), minlength=size)
    cost_unknown = np.bincount(as_index(code[unknown]), minlength=size) > 0
    by_id = by_customer_id(ids)  # the rows in the order of the ids, each column taken once in that order
    return pd.DataFrame({
        "first_order": dates[first_row[by_id]],
        "last_order": dates[ends[by_id] - 1],
        "orders": (ends - first_row)[by_id],
        "revenue": revenue_sum[by_id],
        "gross_profit": np.where(cost_unknown, np.nan, revenue_sum - cost_sum)[by_id],  # NaN when a cost is not known
    }, index=pd.Index(ids[by_id], name="customer_id"), copy=False)
