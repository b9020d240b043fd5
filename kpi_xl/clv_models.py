"""The BG/NBD and Gamma-Gamma models: likelihoods, maximum-likelihood fits, predictions.

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

Every function takes the papers' summary of each customer (``frequency`` x =
repeat purchases, ``recency`` t_x, age ``T``, ``monetary_value`` = mean repeat
spend; see :func:`kpi_xl.clv.rfm_summary`) as arrays. The likelihoods are
vectorised numpy code (no autograd) with analytic gradients, fitted on
the logarithms of the parameters (so they stay positive) with BFGS (:mod:`kpi_xl.bfgs`); the special
functions (log Gamma, log Beta, digamma, 2F1) come from :mod:`kpi_xl.special_functions`, so a refresh
never imports scipy. No Excel or file code: runs under Pyodide.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from . import bfgs
from . import special_functions as special
from ._numbers import as_index, safe_divide
from .errors import KpiInputError

__all__ = ["BgNbd", "GammaGamma", "bgnbd_log_likelihood", "fit_bgnbd", "expected_purchases",
           "weighted_expected_purchases", "probability_alive",
           "gamma_gamma_log_likelihood", "fit_gamma_gamma", "expected_spend"]

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
    """Summary arrays of the customers a model is fitted on, with their distinct frequencies; what does not
    depend on the parameters is computed once per table (:meth:`once`), not at every evaluation."""

    def __init__(self, x: np.ndarray, *others: np.ndarray):
        self.x, self.others = x, others
        self.distinct, self.where = _by_distinct(x)
        self.repeat = self.distinct > 0
        self.rows = np.flatnonzero(x > 0).astype(np.intp)  # customers with a repeat purchase
        self._once: dict[str, Any] = {}

    def every(self, k: int) -> _Customers:
        """Every k-th customer (a systematic sample)."""
        return _Customers(self.x[::k], *(other[::k] for other in self.others))

    def once(self, key: str, make: Any) -> Any:
        """``make()``, computed on the first call for this key only."""
        if key not in self._once:
            self._once[key] = make()
        return self._once[key]


def _log_by_distinct(data: _Customers, key: str, values: Any, shift: float) -> np.ndarray:
    """log(shift + values), the logarithm taken once per distinct value: customers' ages and recencies
    in days take about 1,100 values for 360,000 customers of three years, and numpy's log costs some 50
    instructions a value (10 % fewer instructions in a BG/NBD fit at a million orders). ``values`` is
    an array or, to be computed once too, a function giving it."""
    distinct, where = data.once(key, lambda: _by_distinct(values() if callable(values) else values))
    return np.log(shift + distinct)[where]


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
    log_stay_age = _log_by_distinct(data, "T", T, alpha)
    common = (special.gammaln(r + d) - special.gammaln(r) + r * np.log(alpha))[at]
    stay = (special.betaln(a, b + d) - special.betaln(a, b))[at] - (r + x) * log_stay_age
    x_rep, log_last = x[rows], _log_by_distinct(data, "repeat t_x", lambda: t_x[rows], alpha)
    drop = (special.betaln(a + 1, b + d_safe - 1) - special.betaln(a, b))[at[rows]] - (r + x_rep) * log_last
    both = stay.copy()
    both[rows] = np.logaddexp(stay[rows], drop)
    if not gradient:
        return common + both, None
    w_drop = np.exp(drop - both[rows])  # share of the dropout term; the stay term has the rest
    w_stay = np.ones_like(x)
    w_stay[rows] = 1.0 - w_drop
    n_x = np.bincount(as_index(at), minlength=d.size)
    stay_x = np.bincount(as_index(at), weights=w_stay, minlength=d.size)
    drop_x = np.bincount(as_index(at[rows]), weights=w_drop, minlength=d.size)
    # digamma (psi) in two calls: the parameters', then the distinct frequencies'
    psi_r, ab, psi_a1, psi_a, psi_b = special.digamma(np.array([r, a + b, a + 1, a, b]))
    psi_rd, psi_abd, psi_bd, psi_bd1 = special.digamma(np.stack([r + d, a + b + d, b + d, b + d_safe - 1]))
    dr = _dot(n_x, psi_rd - psi_r + np.log(alpha)) - _dot(w_stay, log_stay_age) - _dot(w_drop, log_last)
    dalpha = (x.size * r / alpha - _dot(w_stay, (r + x) / (alpha + T))
              - _dot(w_drop, (r + x_rep) / (alpha + t_x[rows])))
    da = _dot(stay_x, ab - psi_abd) + _dot(drop_x, psi_a1 - psi_a + ab - psi_abd)
    db = (_dot(stay_x, psi_bd - psi_abd - psi_b + ab)
          + _dot(drop_x, psi_bd1 - psi_abd - psi_b + ab))
    return common + both, np.array([dr * r, dalpha * alpha, da * a, db * b])


#: Customers in the sample fitted first on large tables: its optimum and curvature start the full fit.
_SAMPLE = 20_000
#: |log| beyond which a unitless parameter (shape of the rate or of the dropout) is taken to run to
#: infinity: e^10 = 22,026, where purchase rates no longer differ between customers, or no one drops out.
_UNITLESS_BOUND = 10.0


def _fit(terms: Any, data: _Customers, model: type, bound: np.ndarray, what: str) -> np.ndarray:
    """Parameters (not logs) that maximise a likelihood written on log-parameters.

    BFGS (:mod:`kpi_xl.bfgs`) minimises minus the mean log-likelihood per
    customer: on that scale the gradient is of order 1 whatever the number of
    customers, and the curvature of a sample's likelihood is that of the whole
    table's. So on a large table a systematic sample of :data:`_SAMPLE`
    customers (every k-th) is fitted first, and the full fit starts from its
    optimum and its inverse-Hessian estimate: a few full evaluations instead
    of 30 to 60. The result is the full table's optimum all the same (same
    convergence test). ``bound`` is the |log| beyond which each parameter is
    taken to run to infinity (the data do not determine the model).
    """
    start, curvature = np.zeros(len(bound)), None
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        if data.x.size > 2 * _SAMPLE:
            sample = data.every(-(-data.x.size // _SAMPLE))
            first = bfgs.minimize(_negated(terms, sample, model), start, gtol=1e-6, bound=bound)
            if np.isfinite(first.fun):
                start, curvature = first.x, first.inverse_hessian
        result = bfgs.minimize(_negated(terms, data, model), start, inverse_hessian=curvature, gtol=1e-8,
                               bound=bound)
    # the line search may stop at the precision limit right at the optimum ("precision loss"):
    # a gradient of ~0 on every log-parameter is converged whatever the reason says
    settled = result.converged or bool(np.all(np.abs(result.jac) <= 1e-6))
    if np.any(np.abs(result.x) > bound):
        raise KpiInputError(f"{what}: these orders do not determine the model (its best fit has a parameter at "
                            "infinity: customers that hardly differ from one another, or no sign of any leaving)")
    if not np.isfinite(result.fun) or not settled:
        raise KpiInputError(f"{what}: the model could not be fitted to these orders ({result.reason}); "
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
    bound = np.array([_UNITLESS_BOUND, np.inf, _UNITLESS_BOUND, _UNITLESS_BOUND])  # alpha is a time: no bound
    fitted = BgNbd(*_fit(_bgnbd_terms, data, BgNbd, bound, "purchases (BG/NBD)"))
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


def expected_purchases(params: BgNbd, t: Any, frequency: Any, recency: Any, T: Any) -> np.ndarray:
    """Expected number of purchases of each customer in the next ``t`` time units (BG/NBD).

    Fader, Hardie & Lee (2005), equation (10)::

        E[Y(t) | x, t_x, T] = (a + b + x - 1) / (a - 1)
            * (1 - ((alpha + T) / (alpha + T + t))^(r + x) 2F1(r + x, b + x; a + b + x - 1; t / (alpha + T + t)))
            / (1 + [x > 0] a / (b + x - 1) ((alpha + T) / (alpha + t_x))^(r + x))

    with 2F1 the Gaussian hypergeometric function. ``t`` is in the unit of
    ``alpha``; 0 for ``t = 0``. ``t`` may be an array of horizons: the
    result then has one row per horizon. The hypergeometric term depends
    on (x, T) only, so it is computed once per distinct pair (customers
    of one frequency and first-order day share it: 7,000 pairs for 330,000
    customers of three years' orders).

    >>> round(float(expected_purchases(BgNbd(0.243, 4.414, 0.793, 2.426), 39, 2, 30.43, 38.86)[0]), 3)
    1.226
    >>> (expected_purchases(BgNbd(0.243, 4.414, 0.793, 2.426), [0.0, 39.0], 2, 30.43, 38.86) + 0.0).round(3).tolist()
    [[0.0], [1.226]]
    """
    horizons = np.asarray(t, dtype=float)
    value = weighted_expected_purchases(params, np.atleast_1d(horizons), np.eye(np.atleast_1d(horizons).size),
                                        frequency, recency, T)
    return value if horizons.ndim else value[0]


def weighted_expected_purchases(params: BgNbd, t: Any, weights: Any, frequency: Any, recency: Any,
                                T: Any) -> np.ndarray:
    """Sums over horizons of each customer's expected purchases, weighted: ``weights @ E[Y(t)]``.

    ``t`` holds horizons t_1..t_H; each row of ``weights`` (shape (k, H)) gives one sum, such as a
    discounted one (see :func:`kpi_xl.clv.discounted_value`). Equation (10) factors into a term of the
    customer, (a + b + x - 1) / (a - 1) / (1 + odds), times 1 - 2F1(...) of the (x, T) pair: the
    weighted sum of the second is taken once per pair, then spread to the customers.

    >>> sums = weighted_expected_purchases(BgNbd(0.243, 4.414, 0.793, 2.426), [13.0, 39.0], [[0.0, 1.0]],
    ...                                    2, 30.43, 38.86)
    >>> sums.round(3).tolist()  # the weight on t = 39 alone: E[Y(39)], as in expected_purchases
    [[1.226]]
    """
    x, t_x, T = (np.atleast_1d(v) for v in _arrays(frequency, recency, T))
    x, t_x, T = np.broadcast_arrays(x, t_x, T)
    horizons, weights = np.asarray(t, dtype=float), np.asarray(weights, dtype=float)
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    (x_d, T_d), at = _distinct_pairs(x, T)
    # Pfaff's transformation 2F1(p, q; c; z) = (1 - z)^-p 2F1(p, c - q; c; z / (z - 1)) with
    # 1 - z = (alpha + T) / (alpha + T + t) cancels the power in front: the product stays finite
    # for large frequencies where each factor alone overflows
    hyper = special.hyp2f1(r + x_d, a - 1, a + b + x_d - 1, -horizons[:, None] / (alpha + T_d))
    per_pair = weights @ (1 - hyper)
    return (a + b + x - 1) / (a - 1) * per_pair[:, at] / (1.0 + _alive_odds(params, x, t_x, T))


def _distinct_pairs(x: np.ndarray, T: np.ndarray) -> tuple[tuple[np.ndarray, np.ndarray], np.ndarray]:
    """The distinct (x, T) pairs, and the index of each customer's pair in them."""
    xs, x_at = _by_distinct(x)
    ages, age_at = _by_distinct(T)
    keys, at = _by_distinct(x_at.astype(np.int64) * ages.size + age_at)
    keys = keys.astype(np.int64)
    return (xs[keys // ages.size], ages[keys % ages.size]), at


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
    log_x, log_m = data.once("log x", lambda: np.log(x)), data.once("log m", lambda: np.log(m))
    spent = data.once("x m", lambda: x * m)  # each customer's repeat spend in all
    log_total = np.log(g + spent)
    values = ((special.gammaln(pd_ + q) - special.gammaln(pd_))[at] - special.gammaln(q) + q * np.log(g)
              + px * log_x + (px - 1) * log_m - (px + q) * log_total)
    if not gradient:
        return values, None
    psi_pdq, psi_pd = special.digamma(np.stack([pd_ + q, pd_]))
    psi_q = float(special.digamma(q))
    n_x = np.bincount(as_index(at), minlength=d.size)
    dp = _dot(n_x * d, psi_pdq - psi_pd) + _dot(x, log_x + log_m - log_total)
    dq = _dot(n_x, psi_pdq) - x.size * psi_q + x.size * np.log(g) - log_total.sum()
    dg = x.size * q / g - ((px + q) / (g + spent)).sum()
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
    bound = np.array([_UNITLESS_BOUND, _UNITLESS_BOUND, np.inf])  # gamma is an amount: no bound
    fitted = GammaGamma(*_fit(_gamma_gamma_terms, data, GammaGamma, bound, "spend per order (Gamma-Gamma)"))
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
