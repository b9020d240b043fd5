"""Predictive customer lifetime value from an orders table: BG/NBD purchases x Gamma-Gamma spend.

The models themselves (likelihoods, fits, predictions) are in
:mod:`kpi_xl.clv_models` and re-exported here. This module turns orders into
the papers' summary statistics, fits both models and values every customer:

* ``frequency`` x = number of *repeat* purchase days (orders of one day are one
  purchase), ``recency`` t_x = time from the first to the last purchase, ``T`` =
  time from the first purchase to the end of the data, and ``monetary_value`` =
  mean amount of the repeat purchases (the first purchase is left out, as in
  the papers), all in a chosen time unit (weeks like the papers, days or months);
* the discounted value of each customer over a horizon, and its mean per
  acquisition cohort.

Only paid orders count (see :mod:`kpi_xl.order_table`). The module holds no
Excel or file code and runs under Pyodide.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from . import kpis
from ._numbers import as_index
from .clv_models import (BgNbd, GammaGamma, bgnbd_log_likelihood, expected_purchases, expected_spend, fit_bgnbd,
                         fit_gamma_gamma, gamma_gamma_log_likelihood, probability_alive, weighted_expected_purchases)
from .errors import KpiInputError, one_of
from .order_table import COLUMNS, ValidOrders, prepare_orders
from .orders import _days, _ordered, by_customer_id, customer_ids, first_of_customer

__all__ = ["UNITS", "BgNbd", "GammaGamma", "rfm_summary", "bgnbd_log_likelihood", "fit_bgnbd",
           "expected_purchases", "weighted_expected_purchases", "probability_alive", "gamma_gamma_log_likelihood",
           "fit_gamma_gamma", "expected_spend", "discounted_value", "customer_lifetime_values", "clv_by_cohort"]

#: Length of each time unit in days (a month is a twelfth of an average year).
UNITS = {"day": 1.0, "week": 7.0, "month": 365.25 / 12}

DATE, CUSTOMER, REVENUE, COGS = COLUMNS["date"], COLUMNS["customer_id"], COLUMNS["revenue"], COLUMNS["cogs"]


def rfm_summary(orders: pd.DataFrame | ValidOrders, *, unit: str = "week", end: Any = None, sort: bool = True,
                **columns: Any) -> pd.DataFrame:
    """Frequency, recency, age and mean repeat spend of each customer, in ``unit``.

    Orders of one customer on one day are one purchase (amounts added), as in
    the papers. ``T`` runs from the first purchase to ``end`` (default: the
    end of the data, ``as_of``); orders after ``end`` are left out (a
    calibration period).

    Returns
    -------
    pandas.DataFrame
        Indexed by customer id (sorted, unless ``sort`` is False: then in the
        order of their first paid order): ``cohort`` (month of the first paid order),
        ``frequency`` (repeat purchase days), ``recency`` and ``T`` (in
        ``unit``), ``monetary_value`` (mean amount of the repeat purchases;
        ``nan`` for a customer with none).

    Examples
    --------
    >>> table = pd.DataFrame({"order_date": ["2024-01-01", "2024-01-15", "2024-01-15", "2024-01-29"],
    ...     "order_id": ["1", "2", "3", "4"], "customer_id": ["ann", "ann", "ann", "bob"],
    ...     "net_revenue": [10.0, 20.0, 5.0, 40.0], "cost_of_goods_sold": [None] * 4})
    >>> rfm_summary(table)[["frequency", "recency", "T", "monetary_value"]]
                 frequency  recency    T  monetary_value
    customer_id
    ann                  1      2.0  4.0            25.0
    bob                  0      0.0  0.0             NaN
    """
    days_per_unit = one_of(UNITS, unit, "unit")
    valid = prepare_orders(orders, **columns)
    end_day = pd.Timestamp(end).normalize() if end is not None else valid.as_of
    counted = _ordered(valid)  # paid orders sorted by customer id, then date
    day, code = counted["_day"].to_numpy(), counted["_code"].to_numpy()
    kept = day <= _days([end_day])[0]
    if not kept.any():
        raise KpiInputError(f"orders: no paid order on or before {end_day.date()}")
    revenue = counted[REVENUE].to_numpy(dtype=float)
    if not kept.all():  # a calibration period: the orders after it left out
        day, code, revenue = day[kept], code[kept], revenue[kept]
    first_row = first_of_customer(code)
    purchase = first_row | np.r_[True, day[1:] != day[:-1]]  # orders of one customer and day: one purchase
    amount = np.bincount(as_index(np.cumsum(purchase) - 1), weights=revenue)  # of each purchase
    customer = code[first_row]
    slot = np.cumsum(first_row) - 1  # each row's customer, numbered 0.. among the customers kept
    first, last = day[first_row], day[np.r_[first_row[1:], True]]
    repeats = np.bincount(as_index(slot[purchase]), minlength=len(customer)) - 1
    repeat_amount = np.bincount(as_index(slot[purchase & ~first_row]), weights=amount[~first_row[purchase]],
                                minlength=len(customer))
    with np.errstate(invalid="ignore", divide="ignore"):
        monetary = np.where(repeats > 0, repeat_amount / np.maximum(repeats, 1), np.nan)
    out = pd.DataFrame({
        "cohort": pd.PeriodIndex(first.astype("datetime64[D]"), freq="M"),
        "frequency": repeats,
        "recency": (last - first) / days_per_unit,
        "T": (_days([end_day])[0] - first) / days_per_unit,
        "monetary_value": monetary,
    }, index=pd.Index(customer_ids(valid)[customer], name="customer_id"))
    return out.iloc[by_customer_id(out.index)] if sort else out


def discounted_value(purchases: BgNbd, spend_per_order: np.ndarray, frequency: Any, recency: Any, T: Any, *,
                     horizon_months: int, discount_rate: float, days_per_unit: float) -> np.ndarray:
    """Discounted expected value of each customer over the next ``horizon_months``.

    The horizon is cut into months; the purchases expected in month k,
    E[Y(k)] - E[Y(k - 1)] (:func:`expected_purchases`), times the expected
    spend per order, are discounted to today at the end of month k::

        CLV = sum_{k=1..H} spend (E[Y(k)] - E[Y(k-1)]) / (1 + d)^(k / 12)

    with d the *annual* discount rate (so (1 + d)^(1/12) - 1 per month).
    Time is converted from months to the fit's unit with ``days_per_unit``.
    """
    return spend_per_order * _over_horizon(purchases, frequency, recency, T, horizon_months=int(horizon_months),
                                           discount_rate=discount_rate, days_per_unit=days_per_unit)[1]


def _over_horizon(purchases: BgNbd, frequency: Any, recency: Any, T: Any, *, horizon_months: int,
                  discount_rate: float, days_per_unit: float) -> np.ndarray:
    """Two rows per customer, from E[Y] at the end of each month k = 0..H of the horizon (one call): the
    purchases expected over the horizon, then the discounted sum of the monthly steps (see
    :func:`discounted_value` and :func:`_discount_weights`)."""
    horizon = np.zeros(horizon_months + 1)
    horizon[-1] = 1.0
    month_ends = np.arange(horizon_months + 1) * UNITS["month"] / days_per_unit  # in the fit's unit
    return weighted_expected_purchases(purchases, month_ends,
                                       np.stack([horizon, _discount_weights(horizon_months, discount_rate)]),
                                       frequency, recency, T)


def _discount_weights(horizon_months: int, discount_rate: float) -> np.ndarray:
    """Weights w_k on E[Y(k)], k = 0..H, whose sum is the discounted sum of the monthly steps.

    sum_k f_k (E[Y(k)] - E[Y(k-1)]) = sum_k (f_k - f_(k+1)) E[Y(k)] with f_k = (1 + d)^(-k/12), f_(H+1) = 0
    and E[Y(0)] = 0 (summation by parts). By hand, H = 2 and d = 0: f = 1, 1, so w = 0, 0, 1.

    >>> _discount_weights(2, 0.0).tolist()
    [0.0, 0.0, 1.0]
    """
    factors = np.r_[0.0, (1.0 + discount_rate) ** (-np.arange(1, horizon_months + 1) / 12.0), 0.0]
    return np.r_[0.0, factors[1:-1] - factors[2:]]


def _known_cost_margin(valid: ValidOrders) -> float:
    """The gross margin of the paid orders whose cost is known (NaN when no cost is known).

    Selected by a mask on the table's columns, not by copying the whole table (``valid.counted``).
    """
    cost = valid.frame[COGS].to_numpy(dtype=float)
    known = valid.frame["counts"].to_numpy(dtype=bool) & ~np.isnan(cost)
    if not known.any():
        return float("nan")
    return kpis.gross_margin(float(valid.frame[REVENUE].to_numpy(dtype=float)[known].sum()), float(cost[known].sum()))


def customer_lifetime_values(orders: pd.DataFrame | ValidOrders, *, horizon_months: int = 12,
                             discount_rate: float = 0.10, unit: str = "week", sort: bool = True, **columns: Any
                             ) -> tuple[pd.DataFrame, BgNbd, GammaGamma]:
    """Predictive CLV of every customer: BG/NBD purchases x Gamma-Gamma spend, discounted.

    Parameters
    ----------
    orders : pandas.DataFrame or ValidOrders
        The orders table (see :func:`~kpi_xl.order_table.prepare_orders`); the
        amounts valued are the net revenues.
    horizon_months : int
        How far ahead, in months (default 12).
    discount_rate : float
        Annual discount rate as a fraction (default 0.10); see
        :func:`discounted_value` for the method.
    unit : {"week", "day", "month"}
        Time unit of the fit (the papers use weeks). Predictions do not depend
        on it beyond rounding.
    sort : bool
        Rows sorted by customer id (default); False keeps the order of the
        customers' first orders and saves the sort (for totals and means).

    Returns
    -------
    (pandas.DataFrame, BgNbd, GammaGamma)
        Per customer (index: customer id) the :func:`rfm_summary` columns and
        ``expected_purchases`` (over the horizon), ``probability_alive``,
        ``expected_spend`` (per order), ``clv`` (discounted net revenue, in the
        orders' currency) and ``gross_profit_clv`` = ``clv`` x the gross margin
        of the paid orders whose cost of goods is known (assumes future orders
        earn the shop's margin; ``nan`` when no cost is known), the value to
        set beside the realised LTV and the CAC; then the two fitted models.

    Raises
    ------
    KpiInputError
        Invalid orders, too few customers or repeat customers to fit, a
        horizon that is not a positive whole number of months, or a negative
        discount rate.
    """
    if int(horizon_months) != horizon_months or horizon_months < 1:
        raise KpiInputError(f"horizon_months is {horizon_months!r}: use a whole number of months, at least 1")
    if not discount_rate >= 0:
        raise KpiInputError(f"discount_rate is {discount_rate!r}: use a fraction, 0 or more (0.10 for 10 % a year)")
    days_per_unit = one_of(UNITS, unit, "unit")
    valid = prepare_orders(orders, **columns)
    summary = rfm_summary(valid, unit=unit, sort=False)
    margin = _known_cost_margin(valid)
    x, t_x, T = (summary[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))
    purchases = fit_bgnbd(x, t_x, T)
    spend = fit_gamma_gamma(x, summary["monetary_value"].to_numpy(dtype=float))
    spend_per_order = expected_spend(spend, x, summary["monetary_value"].to_numpy(dtype=float))
    expected, discounted = _over_horizon(purchases, x, t_x, T, horizon_months=int(horizon_months),
                                         discount_rate=float(discount_rate), days_per_unit=days_per_unit)
    out = summary.assign(
        expected_purchases=expected,
        probability_alive=probability_alive(purchases, x, t_x, T),
        expected_spend=spend_per_order,
        clv=spend_per_order * discounted)
    out = out.assign(gross_profit_clv=out["clv"] * margin)
    return (out.iloc[by_customer_id(out.index)] if sort else out), purchases, spend


def clv_by_cohort(customers: pd.DataFrame) -> pd.DataFrame:
    """Predictive CLV per acquisition cohort from :func:`customer_lifetime_values`' table.

    Returns per cohort (month of first order): ``customers``,
    ``expected_purchases`` (total), ``probability_alive`` (mean),
    ``clv`` (mean per customer) and ``total_clv``; and ``gross_profit_clv``
    (mean per customer) when the table has it.

    >>> table = pd.DataFrame({"cohort": pd.PeriodIndex(["2024-01", "2024-01", "2024-02"], freq="M"),
    ...     "expected_purchases": [1.0, 2.0, 0.5], "probability_alive": [0.5, 1.0, 0.8],
    ...     "clv": [10.0, 30.0, 5.0]})
    >>> clv_by_cohort(table)
             customers  expected_purchases  probability_alive   clv  total_clv
    cohort
    2024-01          2                 3.0                0.75  20.0       40.0
    2024-02          1                 0.5                0.80   5.0        5.0
    """
    grouped = customers.groupby("cohort", sort=True)
    out = pd.DataFrame({
        "customers": grouped.size(),
        "expected_purchases": grouped["expected_purchases"].sum(),
        "probability_alive": grouped["probability_alive"].mean(),
        "clv": grouped["clv"].mean(),
        "total_clv": grouped["clv"].sum(),
    })
    if "gross_profit_clv" in customers:
        out["gross_profit_clv"] = grouped["gross_profit_clv"].mean()
    return out
