"""Predictive customer lifetime value: the BG/NBD and Gamma-Gamma models.

Two published models, fitted by maximum likelihood on what every shop has,
the dates and amounts of its customers' orders:

* **BG/NBD** (Fader, Hardie & Lee 2005, "Counting your customers the easy
  way", *Marketing Science* 24(2), 275-284): while alive, a customer buys as a
  Poisson process of rate lambda ~ Gamma(r, alpha); after each purchase they
  drop out with probability p ~ Beta(a, b). It gives each customer's expected
  number of purchases over a horizon and the probability they are still alive.
* **Gamma-Gamma** (Fader, Hardie & Lee 2005, "RFM and CLV", *Journal of
  Marketing Research* 42(4), 415-430; Fader & Hardie 2013, "The Gamma-Gamma
  model of monetary value", brucehardie.com/notes/025): the value of each
  transaction is Gamma(p, nu) with nu ~ Gamma(q, gamma) across customers; it
  gives each customer's expected spend per order.

The summary statistics are those of the papers: ``frequency`` x = number of
*repeat* purchase days (orders of one day are one purchase), ``recency`` t_x =
time from the first to the last purchase, ``T`` = time from the first purchase
to the end of the data, and ``monetary_value`` = mean amount of the repeat
purchases (the first purchase is left out, as in the papers), all in a chosen
time unit (weeks like the papers, days or months).

The likelihoods are vectorised numpy/scipy code (no autograd) with analytic
gradients, fitted on the logarithms of the parameters (so they stay positive)
with BFGS. Only paid
orders count (see :mod:`kpi_xl.order_table`). The module holds no Excel or
file code and runs under Pyodide.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, special

from . import kpis
from ._numbers import safe_divide
from .errors import KpiInputError
from .order_table import COLUMNS, ValidOrders, prepare_orders

__all__ = ["UNITS", "BgNbd", "GammaGamma", "rfm_summary", "bgnbd_log_likelihood", "fit_bgnbd",
           "expected_purchases", "probability_alive", "gamma_gamma_log_likelihood", "fit_gamma_gamma",
           "expected_spend", "discounted_value", "customer_lifetime_values", "clv_by_cohort"]

#: Length of each time unit in days (a month is a twelfth of an average year).
UNITS = {"day": 1.0, "week": 7.0, "month": 365.25 / 12}

DATE, CUSTOMER, REVENUE, COGS = COLUMNS["date"], COLUMNS["customer_id"], COLUMNS["revenue"], COLUMNS["cogs"]
_MIN_CUSTOMERS = 10  # fewer and a four-parameter model says nothing


@dataclass(frozen=True)
class BgNbd:
    """Fitted BG/NBD parameters: purchase rate ~ Gamma(r, alpha), dropout ~ Beta(a, b).

    ``alpha`` is in the time unit of the data it was fitted on; ``log_likelihood``
    is the maximised total.
    """

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float = float("nan")


@dataclass(frozen=True)
class GammaGamma:
    """Fitted Gamma-Gamma parameters: spend ~ Gamma(p, nu), nu ~ Gamma(q, gamma)."""

    p: float
    q: float
    gamma: float
    log_likelihood: float = float("nan")


def _unit_days(unit: str) -> float:
    try:
        return UNITS[unit]
    except KeyError:
        raise ValueError(f"unit must be one of {', '.join(UNITS)}, not {unit!r}") from None


def rfm_summary(orders: pd.DataFrame | ValidOrders, *, unit: str = "week", end: Any = None,
                **columns: Any) -> pd.DataFrame:
    """Frequency, recency, age and mean repeat spend of each customer, in ``unit``.

    Orders of one customer on one day are one purchase (amounts added), as in
    the papers. ``T`` runs from the first purchase to ``end`` (default: the
    end of the data, ``as_of``); orders after ``end`` are left out (a
    calibration period).

    Returns
    -------
    pandas.DataFrame
        Indexed by customer id: ``cohort`` (month of the first paid order),
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
    days_per_unit = _unit_days(unit)
    valid = prepare_orders(orders, **columns)
    counted = valid.counted
    end_day = pd.Timestamp(end).normalize() if end is not None else valid.as_of
    counted = counted[counted[DATE] <= end_day]
    if counted.empty:
        raise KpiInputError(f"orders: no paid order on or before {end_day.date()}")
    daily = counted.groupby([CUSTOMER, DATE], sort=True)[REVENUE].sum().reset_index()
    by_customer = daily.groupby(CUSTOMER, sort=True)
    first, last = by_customer[DATE].transform("min"), by_customer[DATE].max()
    repeat = daily[daily[DATE] > first]
    out = pd.DataFrame({
        "cohort": by_customer[DATE].min().dt.to_period("M"),
        "frequency": by_customer.size() - 1,
        "recency": (last - by_customer[DATE].min()).dt.days / days_per_unit,
        "T": (end_day - by_customer[DATE].min()).dt.days / days_per_unit,
        "monetary_value": repeat.groupby(CUSTOMER)[REVENUE].mean(),
    })
    out.index.name = "customer_id"
    return out


def _arrays(*values: Any) -> list[np.ndarray]:
    return [np.asarray(v, dtype=float) for v in values]


def _by_distinct(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values of x and the index of each element in them (so special functions run once per value)."""
    distinct, where = np.unique(x, return_inverse=True)
    return distinct, where.astype(np.intp).reshape(x.shape)


def bgnbd_log_likelihood(params: BgNbd, frequency: Any, recency: Any, T: Any) -> np.ndarray:
    """Log-likelihood of each customer under the BG/NBD model.

    Fader, Hardie & Lee (2005), equation (6)::

        L(r, alpha, a, b | x, t_x, T) =
              B(a, b + x) / B(a, b) * Gamma(r + x) alpha^r / (Gamma(r) (alpha + T)^(r + x))
            + [x > 0] B(a + 1, b + x - 1) / B(a, b) * Gamma(r + x) alpha^r / (Gamma(r) (alpha + t_x)^(r + x))

    computed as logarithms (``log B``, ``log Gamma``, log-sum-exp) so large
    frequencies do not overflow. ``frequency`` x is the number of repeat
    purchases, ``recency`` t_x and ``T`` are in the unit of ``alpha``.

    Examples
    --------
    A customer with no repeat purchase, watched for 38.86 weeks, at the
    published CDNOW estimates (Hardie's BG/NBD spreadsheet, with the unrounded
    estimates, shows -0.5538):

    >>> round(float(bgnbd_log_likelihood(BgNbd(0.243, 4.414, 0.793, 2.426), 0, 0.0, 38.86)[0]), 2)
    -0.55
    """
    x, t_x, T = (np.atleast_1d(v) for v in _arrays(frequency, recency, T))
    return _bgnbd_terms(params, _Customers(x, t_x, T), gradient=False)[0]


def _dot(u: np.ndarray, v: np.ndarray) -> float:
    """Sum of u * v (numpy's BLAS dot is slow on a busy machine: its threads wait for cores)."""
    return float(np.multiply(u, v).sum())


class _Customers:
    """Summary arrays of the customers a model is fitted on, with their distinct frequencies."""

    def __init__(self, x: np.ndarray, *others: np.ndarray):
        self.x, self.others = x, others
        self.distinct, self.where = _by_distinct(x)
        self.repeat = self.distinct > 0
        self.rows = np.flatnonzero(x > 0).astype(np.intp)  # customers with a repeat purchase


def _bgnbd_terms(params: BgNbd, data: _Customers, *, gradient: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """Per-customer log-likelihood and, if asked, the gradient of its total on the log-parameters.

    ``ll = C + log(exp(S) + exp(D))`` with ``C = log Gamma(r + x) - log Gamma(r) + r log alpha``,
    ``S = log B(a, b + x) - log B(a, b) - (r + x) log(alpha + T)`` and
    ``D = log B(a + 1, b + x - 1) - log B(a, b) - (r + x) log(alpha + t_x)``, only for x > 0
    (elsewhere ``ll = C + S``). The derivatives use d log Gamma = digamma (psi) and
    d log B(u, v) / du = psi(u) - psi(u + v); terms that depend on x only are computed
    once per distinct x. Each derivative on a log-parameter is the derivative on the
    parameter times the parameter.
    """
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    x, (t_x, T), d, at, rows = data.x, data.others, data.distinct, data.where, data.rows
    d_safe = np.where(data.repeat, d, 1.0)  # b + x - 1 only where x > 0
    log_stay_age = np.log(alpha + T)
    common = (special.gammaln(r + d) - special.gammaln(r) + r * np.log(alpha))[at]
    stay = (special.betaln(a, b + d) - special.betaln(a, b))[at] - (r + x) * log_stay_age
    x_rep, log_last = x[rows], np.log(alpha + t_x[rows])
    drop = (special.betaln(a + 1, b + d_safe - 1) - special.betaln(a, b))[at[rows]] - (r + x_rep) * log_last
    both = stay.copy()
    both[rows] = np.logaddexp(stay[rows], drop)
    if not gradient:
        return common + both, None
    w_drop = np.exp(drop - both[rows])  # share of the dropout term; the stay term has the rest
    w_stay = np.ones_like(x)
    w_stay[rows] = 1.0 - w_drop
    n_x = np.bincount(at, minlength=d.size)
    stay_x = np.bincount(at, weights=w_stay, minlength=d.size)
    drop_x = np.bincount(at[rows], weights=w_drop, minlength=d.size)
    psi = special.digamma
    dr = _dot(n_x, psi(r + d) - psi(r) + np.log(alpha)) - _dot(w_stay, log_stay_age) - _dot(w_drop, log_last)
    dalpha = (x.size * r / alpha - _dot(w_stay, (r + x) / (alpha + T))
              - _dot(w_drop, (r + x_rep) / (alpha + t_x[rows])))
    ab = psi(a + b)
    da = _dot(stay_x, ab - psi(a + b + d)) + _dot(drop_x, psi(a + 1) - psi(a) + ab - psi(a + b + d))
    db = (_dot(stay_x, psi(b + d) - psi(a + b + d) - psi(b) + ab)
          + _dot(drop_x, psi(b + d_safe - 1) - psi(a + b + d) - psi(b) + ab))
    return common + both, np.array([dr * r, dalpha * alpha, da * a, db * b])


def _fit(negative_mean: Any, start: np.ndarray, what: str) -> np.ndarray:
    """Parameters (not logs) that maximise a likelihood written on log-parameters.

    ``negative_mean`` returns minus the mean log-likelihood per customer and
    its gradient: on that scale the gradient is of order 1 whatever the
    number of customers, so BFGS (whose small matrices need no BLAS threads,
    slow on a busy machine) converges in a few dozen steps.
    """
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        result = optimize.minimize(negative_mean, start, jac=True, method="BFGS",
                                   options={"gtol": 1e-8, "maxiter": 1000})
    # the line search may stop at the precision limit right at the optimum ("precision loss"):
    # a gradient of ~0 on every log-parameter is converged whatever the message says
    settled = result.success or bool(np.all(np.abs(result.jac) <= 1e-6))
    if not np.isfinite(result.fun) or not settled:
        raise KpiInputError(f"{what}: the model could not be fitted to these orders ({result.message}); "
                            "too few customers, or amounts that hardly differ between customers, leave it undetermined")
    return np.exp(result.x)


def _enough(count: int, what: str, who: str) -> None:
    if count < _MIN_CUSTOMERS:
        raise KpiInputError(f"{what}: {count} {who} are too few to fit the model (at least {_MIN_CUSTOMERS}): "
                            "use more months of orders")


def _negated(terms: Any, data: _Customers, model: type) -> Any:
    def negative_mean(log_params: np.ndarray) -> tuple[float, np.ndarray]:
        values, grad = terms(model(*np.exp(log_params)), data, gradient=True)
        return -float(values.sum()) / data.x.size, -grad / data.x.size

    return negative_mean


def fit_bgnbd(frequency: Any, recency: Any, T: Any) -> BgNbd:
    """Maximum-likelihood BG/NBD parameters (see :func:`bgnbd_log_likelihood`).

    Raises
    ------
    KpiInputError
        Fewer than 10 customers, or the optimiser does not converge.
    """
    data = _Customers(*_arrays(frequency, recency, T))
    _enough(data.x.size, "purchases (BG/NBD)", "customers")
    fitted = BgNbd(*_fit(_negated(_bgnbd_terms, data, BgNbd), np.zeros(4), "purchases (BG/NBD)"))
    return BgNbd(fitted.r, fitted.alpha, fitted.a, fitted.b,
                 float(_bgnbd_terms(fitted, data, gradient=False)[0].sum()))


def _alive_odds(params: BgNbd, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """[x > 0] a / (b + x - 1) ((alpha + T) / (alpha + t_x))^(r + x): the odds of having dropped out."""
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        odds = params.a / (params.b + x - 1) * ((params.alpha + T) / (params.alpha + t_x)) ** (params.r + x)
    return np.where(x > 0, odds, 0.0)


def probability_alive(params: BgNbd, frequency: Any, recency: Any, T: Any) -> np.ndarray:
    """Probability that each customer is still active (BG/NBD).

    Fader, Hardie & Lee (2005), equation (12)::

        P(alive | x, t_x, T) = 1 / (1 + [x > 0] a / (b + x - 1) ((alpha + T) / (alpha + t_x))^(r + x))

    A customer without repeat purchase is alive with probability 1 under the
    model (dropout only happens right after a purchase).

    >>> float(probability_alive(BgNbd(0.243, 4.414, 0.793, 2.426), 0, 0.0, 38.86)[0])
    1.0
    """
    x, t_x, T = (np.atleast_1d(v) for v in _arrays(frequency, recency, T))
    return 1.0 / (1.0 + _alive_odds(params, x, t_x, T))


def expected_purchases(params: BgNbd, t: float, frequency: Any, recency: Any, T: Any) -> np.ndarray:
    """Expected number of purchases of each customer in the next ``t`` time units (BG/NBD).

    Fader, Hardie & Lee (2005), equation (10)::

        E[Y(t) | x, t_x, T] = (a + b + x - 1) / (a - 1)
            * (1 - ((alpha + T) / (alpha + T + t))^(r + x) 2F1(r + x, b + x; a + b + x - 1; t / (alpha + T + t)))
            / (1 + [x > 0] a / (b + x - 1) ((alpha + T) / (alpha + t_x))^(r + x))

    with 2F1 the Gaussian hypergeometric function. ``t`` is in the unit of
    ``alpha``; 0 for ``t = 0``.

    >>> round(float(expected_purchases(BgNbd(0.243, 4.414, 0.793, 2.426), 39, 2, 30.43, 38.86)[0]), 3)
    1.226
    """
    x, t_x, T = (np.atleast_1d(v) for v in _arrays(frequency, recency, T))
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    # Pfaff's transformation 2F1(p, q; c; z) = (1 - z)^-p 2F1(p, c - q; c; z / (z - 1)) with
    # 1 - z = (alpha + T) / (alpha + T + t) cancels the power in front: the product stays finite
    # for large frequencies where each factor alone overflows
    hyper = special.hyp2f1(r + x, a - 1, a + b + x - 1, -t / (alpha + T))
    value = (a + b + x - 1) / (a - 1) * (1 - hyper)
    return value / (1.0 + _alive_odds(params, x, t_x, T))


def gamma_gamma_log_likelihood(params: GammaGamma, frequency: Any, monetary_value: Any) -> np.ndarray:
    """Log-likelihood of each customer's mean spend under the Gamma-Gamma model.

    Fader & Hardie (2013), the density of the mean m_x of x transactions::

        f(m_x | p, q, gamma; x) = Gamma(p x + q) / (Gamma(p x) Gamma(q))
                                  * gamma^q x^(p x) m_x^(p x - 1) / (gamma + x m_x)^(p x + q)

    Only customers with x >= 1 repeat purchases and m_x > 0 have one.

    >>> round(float(gamma_gamma_log_likelihood(GammaGamma(6.25, 3.74, 15.44), 1, 20.0)[0]), 4)
    -3.5942
    """
    x, m = (np.atleast_1d(v) for v in _arrays(frequency, monetary_value))
    return _gamma_gamma_terms(params, _Customers(x, m), gradient=False)[0]


def _gamma_gamma_terms(params: GammaGamma, data: _Customers, *,
                       gradient: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """Per-customer log-likelihood and, if asked, the gradient of its total on the log-parameters.

    d/dp = x (psi(p x + q) - psi(p x) + log x + log m_x - log(gamma + x m_x)),
    d/dq = psi(p x + q) - psi(q) + log gamma - log(gamma + x m_x),
    d/dgamma = q / gamma - (p x + q) / (gamma + x m_x).
    """
    p, q, g = params.p, params.q, params.gamma
    x, (m,), d, at = data.x, data.others, data.distinct, data.where
    px, pd_ = p * x, p * d
    log_x, log_m, log_total = np.log(x), np.log(m), np.log(g + x * m)
    values = ((special.gammaln(pd_ + q) - special.gammaln(pd_))[at] - special.gammaln(q) + q * np.log(g)
              + px * log_x + (px - 1) * log_m - (px + q) * log_total)
    if not gradient:
        return values, None
    psi = special.digamma
    n_x = np.bincount(at, minlength=d.size)
    dp = _dot(n_x * d, psi(pd_ + q) - psi(pd_)) + _dot(x, log_x + log_m - log_total)
    dq = _dot(n_x, psi(pd_ + q)) - x.size * psi(q) + x.size * np.log(g) - log_total.sum()
    dg = x.size * q / g - ((px + q) / (g + x * m)).sum()
    return values, np.array([dp * p, dq * q, dg * g])


def fit_gamma_gamma(frequency: Any, monetary_value: Any) -> GammaGamma:
    """Maximum-likelihood Gamma-Gamma parameters from the customers with repeat purchases.

    Customers with no repeat purchase or a mean spend of 0 are left out (they
    have no mean spend to model).

    Raises
    ------
    KpiInputError
        Fewer than 10 repeat customers, or the optimiser does not converge.
    """
    x, m = _arrays(frequency, monetary_value)
    keep = (x > 0) & (m > 0)
    data = _Customers(x[keep], m[keep])
    _enough(data.x.size, "spend per order (Gamma-Gamma)", "customers with a repeat purchase")
    fitted = GammaGamma(*_fit(_negated(_gamma_gamma_terms, data, GammaGamma), np.zeros(3),
                              "spend per order (Gamma-Gamma)"))
    return GammaGamma(fitted.p, fitted.q, fitted.gamma,
                      float(_gamma_gamma_terms(fitted, data, gradient=False)[0].sum()))


def expected_spend(params: GammaGamma, frequency: Any, monetary_value: Any) -> np.ndarray:
    """Expected spend per future order of each customer (Gamma-Gamma).

    Fader & Hardie (2013), equation (5)::

        E(M | p, q, gamma, m_x, x) = p (gamma + x m_x) / (p x + q - 1)

    a weighted mean of the population mean p gamma / (q - 1) and the customer's
    own mean m_x. A customer without repeat purchase gets the population mean.
    ``nan`` when q <= 1 (the population mean does not exist).

    By hand: 6.25 x (15.44 + 2 x 20) / (6.25 x 2 + 3.74 - 1) = 346.5 / 15.24:

    >>> round(float(expected_spend(GammaGamma(6.25, 3.74, 15.44), 2, 20.0)[0]), 2)
    22.74
    """
    x, m = (np.atleast_1d(v) for v in _arrays(frequency, monetary_value))
    m = np.where(x > 0, np.nan_to_num(m), 0.0)
    p, q, g = params.p, params.q, params.gamma
    return safe_divide(p * (g + x * m), np.where(q > 1, p * x + q - 1, 0.0))


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
    months = np.arange(0, int(horizon_months) + 1)
    units = months * UNITS["month"] / days_per_unit
    cumulative = np.stack([np.zeros(np.size(np.atleast_1d(frequency)))] + [
        expected_purchases(purchases, t, frequency, recency, T) for t in units[1:]])
    per_month = np.diff(cumulative, axis=0)
    factors = (1.0 + discount_rate) ** (-months[1:] / 12.0)
    return spend_per_order * (factors[:, None] * per_month).sum(axis=0)


def customer_lifetime_values(orders: pd.DataFrame | ValidOrders, *, horizon_months: int = 12,
                             discount_rate: float = 0.10, unit: str = "week", **columns: Any
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
    days_per_unit = _unit_days(unit)
    valid = prepare_orders(orders, **columns)
    summary = rfm_summary(valid, unit=unit)
    known = valid.counted[valid.counted[COGS].notna()]
    margin = (kpis.gross_margin(float(known[REVENUE].sum()), float(known[COGS].sum())) if len(known)
              else float("nan"))
    x, t_x, T = (summary[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))
    purchases = fit_bgnbd(x, t_x, T)
    spend = fit_gamma_gamma(x, summary["monetary_value"].to_numpy(dtype=float))
    spend_per_order = expected_spend(spend, x, summary["monetary_value"].to_numpy(dtype=float))
    horizon = int(horizon_months) * UNITS["month"] / days_per_unit
    out = summary.assign(
        expected_purchases=expected_purchases(purchases, horizon, x, t_x, T),
        probability_alive=probability_alive(purchases, x, t_x, T),
        expected_spend=spend_per_order,
        clv=discounted_value(purchases, spend_per_order, x, t_x, T, horizon_months=int(horizon_months),
                             discount_rate=float(discount_rate), days_per_unit=days_per_unit))
    return out.assign(gross_profit_clv=out["clv"] * margin), purchases, spend


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
