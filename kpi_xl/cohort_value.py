"""Realised lifetime value by acquisition cohort, and when each cohort pays back its CAC.

What a cohort of customers has *actually* brought, from the orders
themselves: the cumulative gross profit (or net revenue) per customer
acquired, N months after acquisition. This is the LTV the e-commerce cohort
tools show (Lifetimely, Shopify's cohort analysis): no churn rate, no
lifetime assumed, so it cannot flatter a growing shop the way the simple
formula (AOV x frequency x margin / churn) does.

Definitions
-----------
* A customer's **cohort** is the calendar month of their first paid order;
  the cohort's size is its number of new customers.
* An order's **age** is the number of calendar months between the cohort's
  month and the order's month (0 in the month of acquisition).
* The value **at N months** is the cohort's gross profit (net revenue - cost
  of goods) of the orders of ages 0 to N - 1, divided by the cohort's size.
* A cohort **has** a value at N months only when month (cohort + N - 1) is
  complete in the data, i.e. ends on or before the as-of date; otherwise the
  value is ``nan``: a partial value is never shown as if it were complete.
* An order whose cost of goods is not known makes the gross profit of its
  cohort unknown (``nan``) from its age on.

Only paid orders count (see :mod:`kpi_xl.order_table`). Pure pandas/numpy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ._numbers import as_index, safe_divide
from .errors import KpiInputError
from .order_table import COLUMNS, ValidOrders, prepare_orders
from .orders import _ordered, first_of_customer, ordered_periods

__all__ = ["MEASURES", "DEFAULT_AGES", "cumulative_value", "realised_ltv", "LatestLtv", "latest_realised_ltv",
           "cac_payback_months", "repurchase_rate"]

#: What can be accumulated: gross profit (the default, an LTV to set against CAC) or net revenue.
MEASURES = ("gross_profit", "revenue")
#: Ages (months) shown by default, as the cohort tools do.
DEFAULT_AGES = (3, 6, 12, 24)

DATE, REVENUE, COGS = COLUMNS["date"], COLUMNS["revenue"], COLUMNS["cogs"]


def _last_full_month(as_of: pd.Timestamp) -> int:
    """Ordinal of the last calendar month that ends on or before ``as_of``."""
    month = as_of.to_period("M")
    return month.ordinal if as_of.normalize() == month.end_time.normalize() else month.ordinal - 1


def cumulative_value(orders: pd.DataFrame | ValidOrders, *, measure: str = "gross_profit",
                     **columns: Any) -> pd.DataFrame:
    """Cumulative value per acquired customer of every cohort, month by month.

    Parameters
    ----------
    orders : pandas.DataFrame or ValidOrders
        The orders table (see :func:`~kpi_xl.order_table.prepare_orders`).
    measure : {"gross_profit", "revenue"}
    **columns
        Passed to ``prepare_orders`` (column names, ``as_of``).

    Returns
    -------
    pandas.DataFrame
        Indexed by cohort (monthly ``pandas.Period``, from the first order's
        month to the as-of month): ``customers`` (the cohort's size), then
        one column per age N = 1, 2, ... months holding the value at N
        months per customer, in the orders' currency. ``nan`` where the
        cohort is not N months old yet, has no customer, or a cost of goods
        is unknown.

    Examples
    --------
    Ann (January) buys 100 then 80, Bob (January) 60, Cat (February) 40,
    each at a 50 % margin; the data end on 31 March:

    >>> table = pd.DataFrame({
    ...     "order_date": ["2024-01-03", "2024-01-20", "2024-02-11", "2024-02-27"],
    ...     "order_id": ["1", "2", "3", "4"], "customer_id": ["ann", "bob", "ann", "cat"],
    ...     "net_revenue": [100.0, 60.0, 80.0, 40.0],
    ...     "cost_of_goods_sold": [50.0, 30.0, 40.0, 20.0]})
    >>> cumulative_value(table, as_of="2024-03-31")
             customers  months_observed     1     2     3
    cohort
    2024-01          2                3  40.0  60.0  60.0
    2024-02          1                2  20.0  20.0   NaN
    2024-03          0                1   NaN   NaN   NaN
    """
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {', '.join(MEASURES)}, not {measure!r}")
    valid = prepare_orders(orders, **columns)
    counted = _ordered(valid)  # paid orders sorted by customer then date
    month = ordered_periods(valid, "M")
    code = counted["_code"].to_numpy()
    starts = np.flatnonzero(first_of_customer(code)).astype(np.intp)
    first_month = np.repeat(month[starts], np.diff(np.r_[starts, month.size]))  # sorted by date: first = min
    origin = int(month.min())
    span = valid.as_of.to_period("M").ordinal - origin + 1
    cohort, age = (first_month - origin).astype(np.intp), (month - first_month).astype(np.intp)
    cell = cohort * span + age
    revenue = counted[REVENUE].to_numpy(dtype=float)
    cost = counted[COGS].to_numpy(dtype=float) if measure == "gross_profit" else np.zeros_like(revenue)
    unknown = np.isnan(cost)
    amount = np.bincount(as_index(cell), weights=revenue - np.where(unknown, 0.0, cost), minlength=span * span)
    missing = np.bincount(as_index(cell), weights=unknown.astype(float), minlength=span * span)
    total = np.cumsum(amount.reshape(span, span), axis=1)
    total[np.cumsum(missing.reshape(span, span), axis=1) > 0] = np.nan
    size = np.bincount(as_index(cohort[starts]), minlength=span)
    reached = _last_full_month(valid.as_of) - origin - np.arange(span)[:, None] + 1  # full months per cohort
    total = np.where(np.arange(1, span + 1)[None, :] <= reached, total, np.nan)
    out = pd.DataFrame(safe_divide(total, size[:, None]).reshape(span, span), columns=range(1, span + 1),
                       index=pd.period_range(counted[DATE].min().to_period("M"), periods=span, freq="M",
                                             name="cohort"))
    out.insert(0, "customers", size)
    out.insert(1, "months_observed", np.maximum(reached[:, 0], 0))
    return out


def realised_ltv(orders: pd.DataFrame | ValidOrders, *, ages: Any = DEFAULT_AGES,
                 measure: str = "gross_profit", **columns: Any) -> pd.DataFrame:
    """Realised LTV per acquired customer of every cohort at the given ages (months).

    The :func:`cumulative_value` table cut to ``ages`` (default 3, 6, 12 and
    24 months); an age no cohort has reached is a column of ``nan``.

    Examples
    --------
    >>> table = pd.DataFrame({
    ...     "order_date": ["2024-01-03", "2024-01-20", "2024-02-11", "2024-04-27"],
    ...     "order_id": ["1", "2", "3", "4"], "customer_id": ["ann", "bob", "ann", "bob"],
    ...     "net_revenue": [100.0, 60.0, 80.0, 40.0],
    ...     "cost_of_goods_sold": [50.0, 30.0, 40.0, 20.0]})
    >>> realised_ltv(table, ages=(1, 3, 6), as_of="2024-04-30")
             customers  months_observed     1     3   6
    cohort
    2024-01          2                4  40.0  60.0 NaN
    2024-02          0                3   NaN   NaN NaN
    2024-03          0                2   NaN   NaN NaN
    2024-04          0                1   NaN   NaN NaN
    """
    wanted = [int(a) for a in ages]
    if not wanted or any(a < 1 for a in wanted):
        raise KpiInputError(f"ages are {list(ages)!r}: give whole numbers of months, at least 1")
    table = cumulative_value(orders, measure=measure, **columns)
    return table.reindex(columns=["customers", "months_observed", *wanted])


@dataclass(frozen=True)
class LatestLtv:
    """The realised LTV at ``age`` months of the latest cohorts old enough to have one.

    ``value`` is per acquired customer (``nan`` when no cohort is old enough,
    the cohorts have no customer, or a cost is unknown); ``cohorts`` names
    the cohorts pooled (oldest first) and ``customers`` their total size.
    """

    value: float
    age: int
    cohorts: tuple[pd.Period, ...]
    customers: int


def latest_realised_ltv(orders: pd.DataFrame | ValidOrders, *, age: int = 12, cohorts: int = 3,
                        measure: str = "gross_profit", **columns: Any) -> LatestLtv:
    """Realised LTV at ``age`` months of the latest ``cohorts`` cohorts old enough to have one.

    Formula: sum over those cohorts of (value at ``age`` x customers) / sum of
    their customers, i.e. the value per customer of the pooled cohorts
    (default: the last three cohorts with a full 12 months, a quarter of
    acquisitions, so one small month does not swing the figure). This is the
    LTV to set against today's CAC; say which cohorts it comes from.

    Examples
    --------
    >>> table = pd.DataFrame({
    ...     "order_date": ["2024-01-03", "2024-01-20", "2024-02-11", "2024-02-27", "2024-03-02"],
    ...     "order_id": ["1", "2", "3", "4", "5"], "customer_id": ["ann", "bob", "ann", "cat", "dan"],
    ...     "net_revenue": [100.0, 60.0, 80.0, 40.0, 10.0],
    ...     "cost_of_goods_sold": [50.0, 30.0, 40.0, 20.0, 5.0]})
    >>> latest = latest_realised_ltv(table, age=2, cohorts=2, as_of="2024-03-31")
    >>> latest.value, [str(c) for c in latest.cohorts], latest.customers
    (46.666666666666664, ['2024-01', '2024-02'], 3)
    """
    if int(age) != age or age < 1 or int(cohorts) != cohorts or cohorts < 1:
        raise KpiInputError(f"age is {age!r} and cohorts {cohorts!r}: both must be whole numbers, at least 1")
    table = cumulative_value(orders, measure=measure, **columns)
    old_enough = table[(table["months_observed"] >= age) & (table["customers"] > 0)].tail(int(cohorts))
    if old_enough.empty:
        return LatestLtv(float("nan"), int(age), (), 0)
    values = old_enough[int(age)].to_numpy(dtype=float) if int(age) in table.columns else np.nan
    customers = old_enough["customers"].to_numpy()
    value = safe_divide(np.sum(values * customers), customers.sum())
    return LatestLtv(float(value), int(age), tuple(old_enough.index), int(customers.sum()))


def cac_payback_months(orders: pd.DataFrame | ValidOrders, cac: Any, **columns: Any) -> pd.Series:
    """Months each cohort took to pay back its acquisition cost from its own gross profit.

    The payback month is the smallest N such that the cohort's realised gross
    profit per customer at N months (:func:`cumulative_value`) is at least
    its CAC; ``nan`` when not (yet) reached in the complete months of the
    data, or the CAC is unknown. A CAC of 0 pays back at 0 months.

    Parameters
    ----------
    cac : float or pandas.Series
        One CAC for every cohort, or CAC per cohort indexed by month
        (``pandas.Period`` or text "YYYY-MM"); cohorts not in it get ``nan``.

    Examples
    --------
    >>> table = pd.DataFrame({
    ...     "order_date": ["2024-01-03", "2024-01-20", "2024-02-11", "2024-02-27"],
    ...     "order_id": ["1", "2", "3", "4"], "customer_id": ["ann", "bob", "ann", "cat"],
    ...     "net_revenue": [100.0, 60.0, 80.0, 40.0],
    ...     "cost_of_goods_sold": [50.0, 30.0, 40.0, 20.0]})
    >>> cac_payback_months(table, 50.0, as_of="2024-03-31").tolist()
    [2.0, nan, nan]
    """
    table = cumulative_value(orders, **columns)
    if isinstance(cac, pd.Series):
        wanted = pd.Series(cac.to_numpy(dtype=float), index=pd.PeriodIndex(cac.index.astype(str), freq="M"))
        costs = wanted.reindex(table.index).to_numpy(dtype=float)
    else:
        costs = np.full(len(table), float(cac))
    if (costs < 0).any():
        raise KpiInputError(f"cac holds a negative value ({np.nanmin(costs):g}): an acquisition cost is 0 or more")
    values = table.drop(columns=["customers", "months_observed"]).to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        reached = values >= costs[:, None]
    months = np.where(reached.any(axis=1), reached.argmax(axis=1) + 1.0, np.nan)
    months[costs == 0] = 0.0
    return pd.Series(months, index=table.index, name="cac_payback_months")


def repurchase_rate(orders: pd.DataFrame | ValidOrders, days: int, **columns: Any) -> pd.Series:
    """Share of each cohort's new customers who ordered again within ``days`` days of their first order.

    For a cohort (the month of the customers' first paid order): the customers with another paid order
    dated 1 to ``days`` days after their first one (a second order on the same day is the same visit, not
    a return) / the cohort's size. The rate of a cohort is known only once its last customer has had
    ``days`` days: the cohort's last day + ``days`` <= the as-of date; before that, and for a cohort with
    no customer, it is ``nan``.

    Examples
    --------
    Ann (January 3) comes back on February 1 (29 days), Bob (January 20) never; Cat (February 27) on
    March 5; the data end on March 31:

    >>> table = pd.DataFrame({
    ...     "order_date": ["2024-01-03", "2024-01-20", "2024-02-01", "2024-02-27", "2024-03-05"],
    ...     "order_id": ["1", "2", "3", "4", "5"], "customer_id": ["ann", "bob", "ann", "cat", "cat"],
    ...     "net_revenue": [100.0, 60.0, 80.0, 40.0, 30.0],
    ...     "cost_of_goods_sold": [50.0, 30.0, 40.0, 20.0, 15.0]})
    >>> repurchase_rate(table, 30, as_of="2024-03-31").tolist()  # March's cohort has had 0 to 30 days: not known
    [0.5, 1.0, nan]
    """
    if int(days) != days or days < 1:
        raise KpiInputError(f"days is {days!r}: give a whole number of days, at least 1")
    valid = prepare_orders(orders, **columns)
    counted = _ordered(valid)  # paid orders sorted by customer then date
    code, day = counted["_code"].to_numpy(), counted["_day"].to_numpy()
    firsts = first_of_customer(code)
    starts = np.flatnonzero(firsts)
    first_day = np.repeat(day[starts], np.diff(np.r_[starts, day.size]))
    again = (day > first_day) & (day - first_day <= int(days))
    # customers with a row back within the window (each row's customer numbered by their position)
    returned = np.bincount(as_index((np.cumsum(firsts) - 1)[again]), minlength=starts.size) > 0
    cohort = ordered_periods(valid, "M")[starts]
    cohorts = pd.period_range(counted[DATE].min().to_period("M"), valid.as_of.to_period("M"), freq="M",
                              name="cohort")
    slot = (cohort - cohorts[0].ordinal).astype(np.intp)
    size = np.bincount(as_index(slot), minlength=len(cohorts))
    back = np.bincount(as_index(slot[returned]), minlength=len(cohorts))
    last_day = (cohorts + 1).start_time - pd.Timedelta(days=1)
    known = (last_day + pd.Timedelta(days=int(days))) <= valid.as_of
    rate = np.where(known & (size > 0), safe_divide(back, size), np.nan)
    return pd.Series(rate, index=cohorts, name=f"repurchase_{int(days)}d")
