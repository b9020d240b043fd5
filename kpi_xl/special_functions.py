"""The special functions of the CLV models, in numpy and :mod:`math` (no scipy).

:mod:`kpi_xl.clv_models` needs four: ``gammaln`` and ``betaln`` (the likelihoods), ``digamma`` (their
gradients) and the Gaussian hypergeometric function ``hyp2f1`` (the BG/NBD's expected purchases).
``scipy.special`` has them, but importing it costs 0.2-0.5 s of CPU at every refresh (scipy 1.17's
array-API layer imports ``numpy.f2py`` and parses docstrings) and, in xlwings Lite, loading all of
scipy into the browser. Each function here covers the domain the models use, stated in its
docstring, to about 1e-13 relative (tests/test_special_functions.py checks them against published
values and against ``scipy.special`` on grids of that domain).

References: DLMF, the NIST Digital Library of Mathematical Functions (dlmf.nist.gov), chapters 5
(gamma function) and 15 (hypergeometric function); Abramowitz & Stegun, *Handbook of Mathematical
Functions* (1964), 6.3 and 15.3.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["gammaln", "betaln", "digamma", "hyp2f1"]


def gammaln(x: Any) -> np.ndarray:
    """log Gamma(x) for x > 0, element-wise (:func:`math.lgamma` on each value).

    The models call it on small arrays (the distinct purchase counts, the parameters): a loop in
    Python over the values costs less than any vectorised series would.

    >>> float(gammaln(5.0)) == math.log(24.0)
    True
    """
    values = np.asarray(x, dtype=float)
    return np.array([math.lgamma(v) for v in values.ravel().tolist()], dtype=float).reshape(values.shape)


def betaln(a: Any, b: Any) -> np.ndarray:
    """log B(a, b) = log Gamma(a) + log Gamma(b) - log Gamma(a + b) for a, b > 0, element-wise.

    >>> round(float(betaln(2.0, 3.0)), 12) == round(math.log(1 / 12), 12)  # B(2, 3) = 1! 2! / 4!
    True
    """
    a, b = np.broadcast_arrays(np.asarray(a, dtype=float), np.asarray(b, dtype=float))
    return gammaln(a) + gammaln(b) - gammaln(a + b)


#: Bernoulli numbers B_2k / 2k for k = 1..7 (A&S table 23.2), in the asymptotic series of digamma
_DIGAMMA_SERIES = (1 / 12, -1 / 120, 1 / 252, -1 / 240, 1 / 132, -691 / 32760, 1 / 12)
#: digamma's asymptotic series is used from this argument on; below, the recurrence shifts up to it
_DIGAMMA_SHIFT = 10.0


def digamma(x: Any) -> np.ndarray:
    """psi(x) = d log Gamma(x) / dx for x > 0, element-wise.

    The recurrence psi(x) = psi(x + 1) - 1 / x (DLMF 5.5.2) shifts every argument to y >= 10, where
    the asymptotic series psi(y) = ln y - 1 / (2y) - sum_k B_2k / (2k y^2k) (DLMF 5.11.2, A&S 6.3.18)
    taken to k = 7 is exact to double precision (its next term is below 1e-17 at y = 10).

    >>> round(float(digamma(1.0)), 15)  # minus Euler's constant (DLMF 5.4.12)
    -0.577215664901533
    """
    x = np.asarray(x, dtype=float)
    y = x.copy()
    shifted = np.zeros_like(x)
    low = y < _DIGAMMA_SHIFT
    while low.any():  # at most 10 passes, each over the arguments still below the threshold
        shifted[low] += 1.0 / y[low]
        y[low] += 1.0
        low = y < _DIGAMMA_SHIFT
    inverse_square = 1.0 / (y * y)
    series = np.zeros_like(y)
    for coefficient in reversed(_DIGAMMA_SERIES):
        series = (series + coefficient) * inverse_square
    return np.log(y) - 0.5 / y - series - shifted


#: Terms of the hypergeometric series summed at most, per value; the values it does not settle (w close
#: to 1 with large parameters) are integrated instead
_MAX_TERMS = 500
#: tanh-sinh quadrature: the nodes' range in the transformed variable, the first step, the finest step
_TANH_SINH_RANGE, _FIRST_STEP, _LAST_LEVEL = 3.6, 0.5, 8


def hyp2f1(a: Any, b: Any, c: Any, z: Any) -> np.ndarray:
    """The Gaussian hypergeometric function 2F1(a, b; c; z) for z <= 0, a > 0, b > -1, c - b > 0.

    That is the domain of the BG/NBD's expected purchases (Fader, Hardie & Lee 2005, equation 10):
    2F1(r + x, a - 1; a + b + x - 1; -t / (alpha + T)), any z <= 0, however far below -1. Arguments
    broadcast against each other.

    Pfaff's transformation (DLMF 15.8.1) 2F1(a, b; c; z) = (1 - z)^-a 2F1(a, c - b; c; w) with
    w = z / (z - 1) in [0, 1) turns it into a series whose terms all have one sign (from the second
    on when c < 0), with no cancellation; it is summed in place, rescaled as it grows, over the values
    it has not settled yet, and stopped when a bound on the rest of the series is below 1e-16 of the
    sum. When w is so close to 1 that more than 500 terms would be needed, the value comes from
    Euler's integral (DLMF 15.6.1) instead, by tanh-sinh quadrature (see :func:`_by_integral`).

    >>> round(float(hyp2f1(1.0, 1.0, 2.0, -1.0)), 15) == round(math.log(2.0), 15)  # ln(1 - z) / -z, A&S 15.1.3
    True
    """
    a, b, c, z = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (a, b, c, z)))
    value = np.empty(a.shape)
    u = -z.ravel()
    log_front, log_sum, sign, settled = _pfaff_series(a.ravel(), (c - b).ravel(), c.ravel(), u)
    flat = value.reshape(-1)
    flat[settled] = sign[settled] * np.exp(log_front[settled] + log_sum[settled])
    rest = ~settled
    if rest.any():
        flat[rest] = _by_integral(a.ravel()[rest], b.ravel()[rest], c.ravel()[rest], u[rest])
    return value


def _pfaff_series(a: np.ndarray, d: np.ndarray, c: np.ndarray,
                  u: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """log (1 + u)^-a, then log |S| and the sign of S = sum_n (a)_n (d)_n / ((c)_n n!) w^n with
    w = u / (1 + u) (negative only when -1 < c < 0), and which sums settled.

    The term ratio is w (n + a) / (n + 1) * (n + d) / (n + c); each factor tends to 1 monotonically, so
    from term n on every ratio is at most w max(1, |(n + a) / (n + 1)|) max(1, |(n + d) / (n + c)|):
    when that bound rho < 1 the rest of the series is below term rho / (1 - rho).
    """
    w = u / (1.0 + u)
    log_front = -a * np.log1p(u)
    log_sum, sign = np.zeros(a.shape), np.ones(a.shape)
    settled = w == 0
    active = np.flatnonzero(~settled)
    term, total, scale = np.ones(active.size), np.ones(active.size), np.zeros(active.size)
    aa, dd, cc, ww = a[active], d[active], c[active], w[active]
    for n in range(_MAX_TERMS):
        if not active.size:
            break
        first, second = (n + aa) / (n + 1.0), (n + dd) / (n + cc)
        term = term * (ww * first * second)
        total = total + term
        bound = ww * np.maximum(1.0, np.abs(first)) * np.maximum(1.0, np.abs(second))
        rest = np.abs(term) * bound / np.where(bound < 1.0, 1.0 - bound, np.nan)
        done = rest <= 1e-16 * np.abs(total)  # nan (no bound yet) compares False
        large = np.abs(total) > 1e200  # rescaled so a sum of 1e400 (and its log) stays finite
        if large.any():
            scale[large] += np.log(np.abs(total[large]))
            term[large] /= np.abs(total[large])
            total[large] /= np.abs(total[large])
        if done.any():
            log_sum[active[done]] = scale[done] + np.log(np.abs(total[done]))
            sign[active[done]] = np.sign(total[done])
            settled[active[done]] = True
            keep = ~done
            active, term, total, scale = active[keep], term[keep], total[keep], scale[keep]
            aa, dd, cc, ww = aa[keep], dd[keep], cc[keep], ww[keep]
    return log_front, log_sum, sign, settled


def _by_integral(a: np.ndarray, b: np.ndarray, c: np.ndarray, u: np.ndarray) -> np.ndarray:
    """2F1(a, b; c; -u) from Euler's integral, for the values whose series would be too long.

    With d = c - b > 0 (DLMF 15.6.1, where b > 0)::

        2F1(a, b; c; -u) = Gamma(c) / (Gamma(b) Gamma(d)) int_0^1 p^(b-1) (1-p)^(d-1) (1+u p)^-a dp

    and, for -1 < b <= 0, where that integral diverges, its continuation in b::

        2F1(a, b; c; -u) = 1 - (b / c) Gamma(c + 1) / (Gamma(b + 1) Gamma(d))
                               int_0^1 p^(b-1) (1-p)^(d-1) (1 - (1+u p)^-a) dp

    (the same identity, as 1 - 2F1 = Gamma(c) / (Gamma(b) Gamma(d)) int p^(b-1) (1-p)^(d-1) (1 - (1+up)^-a),
    whose integrand behaves as a u p^b at 0). The integral is split at p = 1/u, where (1+up)^-a turns from
    flat to a power; each endpoint singularity p^e (e = b - 1, or b when 1 - (1+up)^-a ~ a u p) and
    (1-p)^(d-1) is removed by the change of variable p = s^(1/(e+1)) (resp. 1 - p = s^(1/d)), and each
    piece is integrated by tanh-sinh quadrature (:func:`_tanh_sinh`).
    """
    euler = b > 0
    d = c - b
    power = np.where(euler, b, b + 1.0)  # the exponent of p near 0, plus 1
    edge = 1.0 / np.maximum(u, 2.0)
    # p = edge s^k near 0, 1 - p = (1 - edge) s^m near 1: k power >= 1 and m d >= 1 make the integrands bounded
    k, m = 1.0 / np.minimum(power, 1.0), 1.0 / np.minimum(d, 1.0)

    def shape(rows: np.ndarray, p: np.ndarray) -> np.ndarray:  # (1+up)^-a, or (1 - (1+up)^-a) / p (a u at 0)
        up = u[rows, None] * p
        log_ratio = -a[rows, None] * np.log1p(up)
        with np.errstate(divide="ignore", invalid="ignore"):
            rest = np.where(p > 0, -np.expm1(log_ratio) / p, (a * u)[rows, None])
        return np.where(euler[rows, None], np.exp(log_ratio), rest)

    def near_zero(rows: np.ndarray, s: np.ndarray, one_minus_s: np.ndarray) -> np.ndarray:
        # int_0^edge p^(power-1) (1-p)^(d-1) shape dp = edge^power k int_0^1 s^(k power - 1) (1-p)^(d-1) shape ds
        k_, power_ = k[rows, None], power[rows, None]
        p = edge[rows, None] * s ** k_
        return s ** (k_ * power_ - 1.0) * np.exp((d[rows, None] - 1.0) * np.log1p(-p)) * shape(rows, p)

    def near_one(rows: np.ndarray, s: np.ndarray, one_minus_s: np.ndarray) -> np.ndarray:
        # int_edge^1 ... dp = (1 - edge)^d m int_0^1 s^(m d - 1) p^(power-1) shape ds, with
        # p = edge + (1 - edge) (1 - s^m), exact when p is small
        m_, d_ = m[rows, None], d[rows, None]
        p = edge[rows, None] - (1.0 - edge[rows, None]) * np.expm1(m_ * np.log1p(-one_minus_s))
        return s ** (m_ * d_ - 1.0) * p ** (power[rows, None] - 1.0) * shape(rows, p)

    integral = edge ** power * k * _tanh_sinh(near_zero, a.size) + (1.0 - edge) ** d * m * _tanh_sinh(near_one, a.size)
    front = _gamma_ratio(c, b, d)
    return np.where(euler, front * integral, 1.0 - front * integral)


def _gamma_ratio(c: np.ndarray, b: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Gamma(c) / (Gamma(b) Gamma(d)), written (b / c) Gamma(c + 1) / (Gamma(b + 1) Gamma(d)) where b <= 0."""
    log_ratio = gammaln(c + 1.0) - gammaln(b + 1.0) - gammaln(d)
    return b / c * np.exp(log_ratio)


def _tanh_sinh(f: Any, count: int) -> np.ndarray:
    """int_0^1 f(s) ds for ``count`` integrands at once; f(rows, s, 1 - s) evaluates the integrands ``rows``
    at the nodes s, shaped (rows, nodes), and must be bounded on (0, 1).

    Tanh-sinh quadrature (Takahasi & Mori 1974): s = (1 + tanh(pi/2 sinh t)) / 2, the trapezoidal rule in t
    over |t| <= 3.6 (beyond, the weights are below 1e-23), the step halved (which adds the odd nodes) for
    the integrands whose last two estimates differ by more than 1e-13 relative, at most 8 times.
    """
    step = _FIRST_STEP
    rows = np.arange(count)
    estimate = step * _nodes(f, rows, np.arange(-_TANH_SINH_RANGE, _TANH_SINH_RANGE + step / 2, step))
    for _level in range(_LAST_LEVEL):
        step /= 2
        finer = estimate[rows] / 2 + step * _nodes(f, rows, np.arange(-_TANH_SINH_RANGE + step, _TANH_SINH_RANGE, 2 * step))
        unsettled = ~(np.abs(finer - estimate[rows]) <= 1e-13 * np.abs(finer))
        estimate[rows] = finer
        rows = rows[unsettled]
        if not rows.size:
            break
    return estimate


def _nodes(f: Any, rows: np.ndarray, t: np.ndarray) -> np.ndarray:
    """sum_k weight_k f(s_k) at the tanh-sinh nodes t_k, for the integrands ``rows``."""
    half_pi_sinh = np.pi / 2 * np.sinh(t)
    s = 1.0 / (1.0 + np.exp(-2 * half_pi_sinh))
    one_minus_s = 1.0 / (1.0 + np.exp(2 * half_pi_sinh))  # exact near s = 1
    weight = np.pi / 4 * np.cosh(t) / np.cosh(half_pi_sinh) ** 2
    shape = (rows.size, t.size)
    return (f(rows, np.broadcast_to(s, shape), np.broadcast_to(one_minus_s, shape)) * weight).sum(axis=1)
