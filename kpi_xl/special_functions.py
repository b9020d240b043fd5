"""The special functions of the CLV models, in numpy and :mod:`math` (no scipy).

:mod:`kpi_xl.clv_models` needs four: ``gammaln`` and ``betaln`` (the likelihoods), ``digamma`` (their
gradients) and the Gaussian hypergeometric function ``hyp2f1`` (the BG/NBD's expected purchases).
``scipy.special`` has them, but importing it costs 0.2-0.5 s of CPU at every refresh (scipy 1.17's
array-API layer imports ``numpy.f2py`` and parses docstrings) and, in xlwings Lite, loading all of
scipy into the browser. Each function here covers the domain the models use, stated in its
docstring, to about 1e-13 relative (tests/test_special_functions.py checks them against published
values, and against ``scipy.special`` and mpmath on grids of that domain).

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

    >>> round(float(np.exp(gammaln(5.0))), 10)  # Gamma(5) = 4!
    24.0
    """
    values = np.asarray(x, dtype=float)
    return np.array([math.lgamma(v) for v in values.ravel().tolist()], dtype=float).reshape(values.shape)


def betaln(a: Any, b: Any) -> np.ndarray:
    """log B(a, b) = log Gamma(a) + log Gamma(b) - log Gamma(a + b) for a, b > 0, element-wise.

    Written log Gamma(s) - (log Gamma(l + s) - log Gamma(l)) with s, l the smaller and larger argument,
    the difference from :func:`_log_gamma_ratio`: no cancellation between large log Gammas when l is
    large (a customer's purchase count in the BG/NBD).

    >>> round(float(betaln(2.0, 3.0)), 12) == round(math.log(1 / 12), 12)  # B(2, 3) = 1! 2! / 4!
    True
    """
    a, b = np.broadcast_arrays(np.asarray(a, dtype=float), np.asarray(b, dtype=float))
    small, large = np.minimum(a, b), np.maximum(a, b)
    return gammaln(small) - _log_gamma_ratio(large, small)


#: Coefficients B_2k / (2k (2k - 1)) of Stirling's series for log Gamma, k = 1..7 (DLMF 5.11.1, A&S 6.1.40-41)
_STIRLING_SERIES = (1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156)
#: From this argument on, Stirling's series to k = 7 is exact to double precision (next term < 1e-17 at 10)
_STIRLING_FROM = 10.0


def _log_gamma_ratio(y: np.ndarray, e: np.ndarray) -> np.ndarray:
    """log Gamma(y + e) - log Gamma(y) for y > 0, y + e > 0, without the cancellation of two large values.

    Where y and y + e are at least 10, from Stirling's series (DLMF 5.11.1) rearranged as
    (y - 1/2) log1p(e / y) + e (log(y + e) - 1) + S(y + e) - S(y), each term of the size of the result;
    elsewhere the values are small and :func:`math.lgamma` on each argument is exact enough.

    >>> round(float(_log_gamma_ratio(np.array(500.0), np.array(2.0))), 10) == round(math.log(500 * 501), 10)
    True
    """
    y, e = np.broadcast_arrays(np.asarray(y, dtype=float), np.asarray(e, dtype=float))
    far = (y >= _STIRLING_FROM) & (y + e >= _STIRLING_FROM)
    result = np.empty(y.shape)
    result[~far] = gammaln(y[~far] + e[~far]) - gammaln(y[~far])
    yf, ef = y[far], e[far]
    result[far] = ((yf - 0.5) * np.log1p(ef / yf) + ef * (np.log(yf + ef) - 1.0)
                   + _stirling_rest(yf + ef) - _stirling_rest(yf))
    return result


def _stirling_rest(y: np.ndarray) -> np.ndarray:
    """sum_k B_2k / (2k (2k - 1) y^(2k - 1)), k = 1..7: log Gamma(y) - (y - 1/2) log y + y - log(2 pi) / 2."""
    inverse_square = 1.0 / (y * y)
    series = np.zeros_like(y)
    for coefficient in reversed(_STIRLING_SERIES):
        series = series * inverse_square + coefficient
    return series / y


#: Bernoulli numbers B_2k / 2k for k = 1..7 (A&S table 23.2), in the asymptotic series of digamma
_DIGAMMA_SERIES = (1 / 12, -1 / 120, 1 / 252, -1 / 240, 1 / 132, -691 / 32760, 1 / 12)
#: digamma's asymptotic series is used from this argument on; below, the recurrence shifts up to it
_DIGAMMA_SHIFT = 10.0
_DIGAMMA_STEPS = np.arange(10.0)


def digamma(x: Any) -> np.ndarray:
    """psi(x) = d log Gamma(x) / dx for x > 0, element-wise.

    The recurrence psi(x) = psi(x + 1) - 1 / x (DLMF 5.5.2) shifts every argument to y >= 10, where
    the asymptotic series psi(y) = ln y - 1 / (2y) - sum_k B_2k / (2k y^2k) (DLMF 5.11.2, A&S 6.3.18)
    taken to k = 7 is exact to double precision (its next term is below 1e-17 at y = 10).

    >>> round(float(digamma(1.0)), 14)  # minus Euler's constant (DLMF 5.4.12)
    -0.57721566490153
    """
    x = np.asarray(x, dtype=float)
    # psi(x) = psi(x + n) - sum_{k < n} 1 / (x + k), n the shift that takes x to 10 or beyond: the sum as one
    # array operation over k = 0..9 (the models call this on scalars and small arrays, hundreds of times a fit)
    steps = np.ceil(_DIGAMMA_SHIFT - x)[..., None]
    shifted = np.where(_DIGAMMA_STEPS < steps, 1.0 / (x[..., None] + _DIGAMMA_STEPS), 0.0).sum(axis=-1)
    y = x + np.maximum(steps[..., 0], 0.0)
    inverse_square = 1.0 / (y * y)
    series = np.zeros_like(y)
    for coefficient in reversed(_DIGAMMA_SERIES):
        series = (series + coefficient) * inverse_square
    return np.log(y) - 0.5 / y - series - shifted


#: Terms of the hypergeometric series summed at most, per value (w close to 1 needs more: those values
#: are integrated instead), and the terms added between two convergence checks
_MAX_TERMS, _BLOCK = 1000, 8
#: Terms after which the bound on the rest of a series that has not settled is taken at the critical points
_TIGHT_FROM = 64
#: tanh-sinh quadrature: the nodes' range in the transformed variable, the first step, the finest step
_TANH_SINH_RANGE, _FIRST_STEP, _LAST_LEVEL = 3.6, 0.5, 8


def hyp2f1(a: Any, b: Any, c: Any, z: Any) -> np.ndarray:
    """The Gaussian hypergeometric function 2F1(a, b; c; z) for z <= 0, a > 0, b > -1, c - b > 0.

    That is the domain of the BG/NBD's expected purchases (Fader, Hardie & Lee 2005, equation 10):
    2F1(r + x, a - 1; a + b + x - 1; -t / (alpha + T)), any z <= 0, however far below -1. Arguments
    broadcast against each other.

    Pfaff's transformations (DLMF 15.8.1, A&S 15.3.4-5) with w = z / (z - 1) = u / (1 + u) in [0, 1),
    u = -z::

        2F1(a, b; c; z) = (1 + u)^-a 2F1(a, c - b; c; w) = (1 + u)^-b 2F1(c - a, b; c; w)

    give series in w whose terms have one sign: all of them in the first (a, c - b > 0, c > 0), all
    but the first when c - a > -1 in the second (b > -1). The second settles much sooner for large c
    (customers with many purchases): it is taken when it can be and b <= a, the first otherwise. Each
    series is summed in place, rescaled as it grows, over the values it has not settled yet, and
    stopped when a bound on the rest is below 1e-16 of the sum (:func:`_series`). When w is so close to
    1 that more than 1,000 terms would be needed, the value comes from Euler's integral (DLMF 15.6.1)
    instead, by tanh-sinh quadrature (:func:`_by_integral`).

    >>> round(float(hyp2f1(1.0, 1.0, 2.0, -1.0)), 15) == round(math.log(2.0), 15)  # ln(1 - z) / -z, A&S 15.1.3
    True
    """
    args = (a, b, c, z)
    a, b, c = (v.ravel() for v in np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (a, b, c))))
    shape = np.broadcast_shapes(np.broadcast(*(np.asarray(v) for v in args[:3])).shape, np.shape(args[3]))
    # each value's parameters: the series' term ratios are computed once per parameter set (a BG/NBD
    # customer's purchase count), for all its arguments (ages and horizons)
    distinct, where = _distinct_sets(a, b, c)
    a, b, c = a[distinct], b[distinct], c[distinct]
    at = np.broadcast_to(where.reshape(np.broadcast(*(np.asarray(v) for v in args[:3])).shape), shape).ravel()
    u = -np.broadcast_to(np.asarray(args[3], dtype=float), shape).ravel()
    second = (c - a > -1.0) & (b <= a)
    p, q, w = np.where(second, c - a, a), np.where(second, b, c - b), u / (1.0 + u)
    # the second form's values with w between 0.4 and 0.92: its Taylor series about the nearest centre
    centre = np.searchsorted(_CENTRES[:, 1], w)  # the first centre reaching w
    near = second[at] & (w > _TAYLOR_FROM) & (centre < len(_CENTRES))
    if near.any():  # worth it only with many values per (parameter set, centre): 32 series at w0 for each
        used = np.zeros(a.size * len(_CENTRES), dtype=bool)
        used[at[near] * len(_CENTRES) + centre[near]] = True
        near &= np.count_nonzero(near) >= _TAYLOR_VALUES * np.count_nonzero(used)
    log_sum, sign, settled = _series(p, q, c, at, np.where(near, 0.0, w))
    if near.any():
        log_near, sign_near, settled_near = _recentred(p, q, c, at[near], w[near], centre[near])
        log_sum[near], sign[near], settled[near] = log_near, sign_near, settled_near
    value = np.empty(u.shape)
    value[settled] = (sign * np.exp(log_sum - np.where(second, b, a)[at] * np.log1p(u)))[settled]
    rest = np.flatnonzero(~settled)
    if rest.size:
        value[rest] = _by_integral(a[at[rest]], b[at[rest]], c[at[rest]], u[rest])
    return value.reshape(shape)


def _taylor_centres(start: float, end: float) -> np.ndarray:
    """(centre, end of its range) of the Taylor series of 2F1 in w about w0, from ``start`` to ``end``: each
    covers w0 +- (1 - w0) / 4, a quarter of the distance to the singularity at w = 1."""
    found, low = [], start
    while low < end:
        centre = (low + 0.25) / 1.25  # centre - (1 - centre) / 4 = low
        low = centre + (1.0 - centre) / 4
        found.append((centre, low))
    return np.array(found)


#: Where the second form's values are summed about a centre (the series at 0 needs 60 to 350 terms there)
_TAYLOR_FROM, _TAYLOR_TERMS = 0.4, 32
#: ... when there are at least this many values per (parameter set, centre): the 32 series at the centre
#: cost about what the sums at 0 of 100 values would
_TAYLOR_VALUES = 100
_CENTRES = _taylor_centres(_TAYLOR_FROM, 0.92)


def _recentred(p: np.ndarray, q: np.ndarray, c: np.ndarray, at: np.ndarray, w: np.ndarray,
               centre: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """log |S|, the sign of S = 2F1(p, q; c; w) and which settled, from the Taylor series about w0 (DLMF 15.5.1)::

        S(w) = sum_m (p)_m (q)_m / ((c)_m m!) 2F1(p + m, q + m; c + m; w0) (w - w0)^m

    whose coefficients are computed once per parameter set and centre (32 series at w0, by
    :func:`_series`), then evaluated at each value by Horner's rule. With |w - w0| <= (1 - w0) / 4 the
    terms shrink about fourfold each; a value whose last two terms are not below 1e-17 of the sum is left
    unsettled (it is integrated instead).
    """
    pairs = at * len(_CENTRES) + centre  # (parameter set, centre), numbered among those in use
    used = np.zeros(p.size * len(_CENTRES), dtype=bool)
    used[pairs] = True
    which = np.flatnonzero(used)
    pair = (np.cumsum(used) - 1)[pairs]
    k, j, m = which // len(_CENTRES), which % len(_CENTRES), np.arange(_TAYLOR_TERMS)
    pm, qm, cm = (v[k][:, None] + m for v in (p, q, c))
    log_sum, sign, settled = _series(pm.ravel(), qm.ravel(), cm.ravel(), np.arange(pm.size),
                                     np.repeat(_CENTRES[j, 0], _TAYLOR_TERMS))
    ratio = np.ones(pm.shape)  # (p)_m (q)_m / ((c)_m m!) as a running product, m = 0..31
    ratio[:, 1:] = (pm * qm / (cm * (m + 1.0)))[:, :-1]
    coefficient = np.cumprod(ratio, axis=1) * (sign * np.exp(log_sum)).reshape(pm.shape)
    coefficient[~settled.reshape(pm.shape).all(axis=1)] = np.nan
    by_term = np.ascontiguousarray(coefficient.T)  # one row per power: gathers from contiguous rows
    step = w - _CENTRES[centre, 0]
    total = by_term[-1].take(pair)
    for n in range(_TAYLOR_TERMS - 2, -1, -1):
        total *= step
        total += by_term[n].take(pair)
    last = (np.abs(by_term[-1].take(pair) * step ** (_TAYLOR_TERMS - 1))
            + np.abs(by_term[-2].take(pair) * step ** (_TAYLOR_TERMS - 2)))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(np.abs(total)), np.sign(total), last <= 1e-17 * np.abs(total)


def _distinct_sets(*columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The first row of each distinct row of ``columns``, and each row's distinct row (np.unique per column)."""
    key = np.zeros(columns[0].size, dtype=np.int64)
    for column in columns:  # renumbered after each column: the key stays below the number of rows squared
        values, inverse = np.unique(column, return_inverse=True)
        key = key * values.size + inverse.ravel()
        _, first, key = np.unique(key, return_index=True, return_inverse=True)
        key = key.ravel()
    return first, key


def _series(p: np.ndarray, q: np.ndarray, c: np.ndarray, at: np.ndarray,
            w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """log |S|, the sign of S = sum_n (p)_n (q)_n / ((c)_n n!) w^n, and which sums settled in 1,000 terms,
    for parameter sets p, q, c and values w, each with its set ``at``.

    The term ratio is w f(n) with f(n) = (n + p) (n + q) / ((n + 1) (n + c)), positive for n >= 1 (p, q,
    c > -1), tending to 1, computed per parameter set then spread to the values. Each factor of f is
    monotone, which bounds f on [n, inf); after 64 terms, for the values not settled yet, the bound is
    made tight: f' has a quadratic numerator, so f is at most the largest of f(n), 1 and f at the
    critical points beyond n (:func:`_ratio_bound`). When that bound rho = w max f < 1, the rest of the
    series after term n is below |term| rho / (1 - rho). The terms are added eight at a time between
    checks; a sum beyond 1e150 is divided by itself (its logarithm kept), so a sum of 1e400 stays finite.
    """
    log_sum, sign = np.zeros(w.shape), np.ones(w.shape)
    settled = (w == 0) | np.isnan(w)  # 2F1 at 0 is 1; a missing argument gives nan at once
    log_sum[np.isnan(w)] = np.nan
    active = np.flatnonzero(~settled)
    term, total, scale, ratio = np.ones(active.size), np.ones(active.size), np.zeros(active.size), np.empty(active.size)
    ww = w[active]
    kk, (p, q, c) = _in_use(at[active], p, q, c)
    critical, n = None, 0
    while active.size and n < _MAX_TERMS:
        for _ in range(_BLOCK):
            np.take((n + p) * (n + q) / ((n + c) * (n + 1.0)), kk, out=ratio)
            ratio *= ww
            term *= ratio
            total += term
            n += 1
        if critical is None and n >= _TIGHT_FROM:  # the few values still there: a tighter bound
            critical = _critical_values(p, q, c)
        rho = ww * _ratio_bound(n, p, q, c, critical)[kk]
        with np.errstate(divide="ignore"):
            done = (rho < 1.0) & (np.abs(term) * rho / (1.0 - rho) <= 1e-16 * np.abs(total))
        large = np.abs(total) > 1e150
        if large.any():
            size = np.abs(total[large])
            scale[large] += np.log(size)
            term[large] /= size
            total[large] /= size
        done &= ~settled[active]  # values settled earlier are kept (summed on) until a quarter of them is
        if done.any():
            log_sum[active[done]] = scale[done] + np.log(np.abs(total[done]))
            sign[active[done]] = np.sign(total[done])
            settled[active[done]] = True
        keep = ~settled[active]
        if 4 * (active.size - np.count_nonzero(keep)) >= active.size:  # dropped in one go: less copying
            active, term, total, scale, ratio, ww = (v[keep] for v in (active, term, total, scale, ratio, ww))
            kk, (p, q, c, *rest) = _in_use(kk[keep], p, q, c, *([] if critical is None else critical))
            critical = None if critical is None else (rest[0], rest[1])
    return log_sum, sign, settled


def _in_use(at: np.ndarray, *per_set: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """The parameter sets some value still uses (the last axis of each of ``per_set``), renumbered."""
    used = np.zeros(per_set[0].shape[-1], dtype=bool)
    used[at] = True
    if used.all():
        return at, list(per_set)
    number = np.cumsum(used) - 1
    return number[at], [v[..., used] for v in per_set]


def _critical_values(p: np.ndarray, q: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The real zeros of f' for f(n) = (n + p) (n + q) / ((n + 1) (n + c)) (-inf where there are none),
    shaped (2, values), and f at them.

    f' has the sign of (1 + c - p - q) n^2 + 2 (c - p q) n + (p + q) c - p q (1 + c).
    """
    first, second, third = 1.0 + c - p - q, 2.0 * (c - p * q), (p + q) * c - p * q * (1.0 + c)
    with np.errstate(divide="ignore", invalid="ignore"):
        root = np.sqrt(second * second - 4.0 * first * third)
        zeros = np.stack([(-second - root) / (2.0 * first), (-second + root) / (2.0 * first)])
        zeros = np.where(first == 0, np.broadcast_to(-third / second, zeros.shape), zeros)
        zeros = np.where(np.isfinite(zeros), zeros, -np.inf)
        values = (zeros + p) * (zeros + q) / ((zeros + 1.0) * (zeros + c))
    return zeros, values


def _ratio_bound(n: int, p: np.ndarray, q: np.ndarray, c: np.ndarray,
                 critical: tuple[np.ndarray, np.ndarray] | None) -> np.ndarray:
    """At least the largest f(m) = (m + p) (m + q) / ((m + 1) (m + c)) over m >= n >= 1: with the critical
    points, exactly (at n, at a critical point beyond n, or the limit 1 at infinity); without,
    max(1, (n + p) / (n + 1)) max(1, (n + q) / (n + c)), as each factor is monotone and tends to 1."""
    if critical is None:
        return np.maximum(1.0, (n + p) / (n + 1.0)) * np.maximum(1.0, (n + q) / (n + c))
    zeros, values = critical
    beyond = np.where(zeros >= n, values, 1.0).max(axis=0)
    return np.maximum(np.maximum((n + p) * (n + q) / ((n + 1.0) * (n + c)), beyond), 1.0)


def _by_integral(a: np.ndarray, b: np.ndarray, c: np.ndarray, u: np.ndarray) -> np.ndarray:
    """2F1(a, b; c; -u) from Euler's integral, for the values whose series would be too long.

    With d = c - b > 0 (DLMF 15.6.1, where b > 0)::

        2F1(a, b; c; -u) = Gamma(c) / (Gamma(b) Gamma(d)) int_0^1 p^(b-1) (1-p)^(d-1) (1+u p)^-a dp

    and, for -1 < b <= 0, where that integral diverges, its continuation in b::

        2F1(a, b; c; -u) = 1 - (b / c) Gamma(c + 1) / (Gamma(b + 1) Gamma(d))
                               int_0^1 p^(b-1) (1-p)^(d-1) (1 - (1+u p)^-a) dp

    (the same identity, as 1 - 2F1 = Gamma(c) / (Gamma(b) Gamma(d)) int p^(b-1) (1-p)^(d-1) (1 - (1+up)^-a),
    whose integrand behaves as a u p^b at 0). The integral is split at p = edge = min(1/u, 1/2), where
    (1+up)^-a turns from flat to a power. An endpoint singularity p^e (e = b - 1, or b when
    1 - (1+up)^-a ~ a u p) with e < 0 is removed by the change of variable p = edge s^(1/(e+1)), and
    (1-p)^(d-1) with d < 1 by 1 - p = (1 - edge) s^(1/d); each piece is integrated by tanh-sinh
    quadrature (:func:`_tanh_sinh`) on the logarithm of its integrand, so that nothing underflows where
    the parameters are large.
    """
    euler = b > 0
    d = c - b
    power = np.where(euler, b, b + 1.0)  # the exponent of p near 0, plus 1
    edge = 1.0 / np.maximum(u, 2.0)
    # p = edge s^k near 0, 1 - p = (1 - edge) s^m near 1: k power >= 1 and m d >= 1 make the integrands bounded
    k, m = 1.0 / np.minimum(power, 1.0), 1.0 / np.minimum(d, 1.0)

    def log_shape(rows: np.ndarray, log_p: np.ndarray) -> np.ndarray:
        # log (1+up)^-a, or log((1 - (1+up)^-a) / p), whose limit is log(a u) where up underflows
        up = np.exp(np.log(u[rows, None]) + log_p)
        log_ratio = -a[rows, None] * np.log1p(up)
        with np.errstate(divide="ignore", invalid="ignore"):
            rest = np.where(up > 1e-200, np.log(-np.expm1(log_ratio)) - log_p, np.log(a * u)[rows, None])
        return np.where(euler[rows, None], log_ratio, rest)

    def near_zero(rows: np.ndarray, log_s: np.ndarray, log_one_minus_s: np.ndarray) -> np.ndarray:
        # int_0^edge p^(power-1) (1-p)^(d-1) shape dp = edge^power k int_0^1 s^(k power - 1) (1-p)^(d-1) shape ds
        log_p = np.log(edge[rows, None]) + k[rows, None] * log_s
        return ((k * power - 1.0)[rows, None] * log_s + (d[rows, None] - 1.0) * np.log1p(-np.exp(log_p))
                + log_shape(rows, log_p))

    def near_one(rows: np.ndarray, log_s: np.ndarray, log_one_minus_s: np.ndarray) -> np.ndarray:
        # int_edge^1 ... dp = (1 - edge)^d m int_0^1 s^(m d - 1) p^(power-1) shape ds, with
        # p = edge + (1 - edge) (1 - s^m), exact when p is small
        log_p = np.log(edge[rows, None] - (1.0 - edge[rows, None]) * np.expm1(m[rows, None] * log_s))
        return (m * d - 1.0)[rows, None] * log_s + (power[rows, None] - 1.0) * log_p + log_shape(rows, log_p)

    log_integral = np.logaddexp(power * np.log(edge) + np.log(k) + _tanh_sinh(near_zero, a.size),
                                d * np.log1p(-edge) + np.log(m) + _tanh_sinh(near_one, a.size))
    # Gamma(c) / (Gamma(b) Gamma(d)) = (b / c) Gamma(c + 1) / (Gamma(b + 1) Gamma(d)), in logarithms (it can
    # overflow where the integral underflows); b / c < 0 only when -1 < c < 0
    log_front = _log_gamma_ratio(d, b + 1.0) - gammaln(b + 1.0) + np.log(np.abs(b / c))  # c + 1 = d + b + 1
    part = np.exp(log_front + log_integral)
    return np.where(euler, part, 1.0 + np.sign(c) * part)  # 1 - (b/c) (...): b < 0 there


def _tanh_sinh(log_f: Any, count: int) -> np.ndarray:
    """log int_0^1 f(s) ds for ``count`` integrands at once; log_f(rows, log s, log(1 - s)) gives the logarithms
    of the integrands ``rows`` at the nodes, shaped (rows, nodes); f must be bounded on (0, 1).

    Tanh-sinh quadrature (Takahasi & Mori 1974): s = (1 + tanh(pi/2 sinh t)) / 2, the trapezoidal rule in t
    over |t| <= 3.6 (beyond, the weights are below 1e-23), the step halved (which adds the odd nodes) for
    the integrands whose last two estimates differ by more than 1e-13 relative, at most 8 times. Each
    integrand is divided by its largest value on the first nodes, so that none underflows or overflows.
    """
    step = _FIRST_STEP
    rows = np.arange(count)
    log_values, weight = _nodes(log_f, rows, np.arange(-_TANH_SINH_RANGE, _TANH_SINH_RANGE + step / 2, step))
    offset = np.max(log_values, axis=1)
    offset[~np.isfinite(offset)] = 0.0
    estimate = step * (np.exp(log_values - offset[:, None]) * weight).sum(axis=1)
    for _level in range(_LAST_LEVEL):
        step /= 2
        log_values, weight = _nodes(log_f, rows, np.arange(-_TANH_SINH_RANGE + step, _TANH_SINH_RANGE, 2 * step))
        finer = estimate[rows] / 2 + step * (np.exp(log_values - offset[rows, None]) * weight).sum(axis=1)
        unsettled = ~(np.abs(finer - estimate[rows]) <= 1e-13 * np.abs(finer))
        estimate[rows] = finer
        rows = rows[unsettled]
        if not rows.size:
            break
    with np.errstate(divide="ignore"):  # an integral that underflows: log 0
        return np.log(estimate) + offset


def _nodes(log_f: Any, rows: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """log f at the tanh-sinh nodes t_k for the integrands ``rows``, and the nodes' weights."""
    half_pi_sinh = np.pi / 2 * np.sinh(t)
    log_s = -np.log1p(np.exp(-2 * half_pi_sinh))  # s = 1 / (1 + e^(-pi sinh t))
    log_one_minus_s = -np.log1p(np.exp(2 * half_pi_sinh))  # exact near s = 1
    weight = np.pi / 4 * np.cosh(t) / np.cosh(half_pi_sinh) ** 2
    shape = (rows.size, t.size)
    return log_f(rows, np.broadcast_to(log_s, shape), np.broadcast_to(log_one_minus_s, shape)), weight
