"""A small BFGS minimiser in numpy, for the few-parameter likelihoods of the CLV models.

Why not ``scipy.optimize.minimize``: importing ``scipy.optimize`` costs about
0.35 s of CPU at every refresh (it pulls in ``scipy.linalg``, ``sparse``,
the linear-programming solvers...) for a four-parameter problem, and the
same import weighs on xlwings Lite. This is the textbook method (Nocedal &
Wright, *Numerical Optimization*, 2nd ed., algorithm 6.1, with the initial
scaling of equation 6.20) and a backtracking line search on the Armijo
condition; an update whose curvature s.y is not positive is skipped, so the
inverse-Hessian estimate stays positive definite.

It can start from a given inverse-Hessian estimate, e.g. the one a fit on a
sample of the customers ended with: the full fit then needs a few steps
instead of dozens (see :func:`kpi_xl.clv_models._fit`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

__all__ = ["Minimum", "minimize"]


@dataclass(frozen=True)
class Minimum:
    """What :func:`minimize` found.

    ``converged`` is True when the largest gradient component fell to
    ``gtol``; otherwise ``reason`` says why it stopped (the line search
    found no lower value: the precision limit; the evaluation budget; a
    coordinate beyond ``bound``: the minimum is at infinity).
    """

    x: np.ndarray
    fun: float
    jac: np.ndarray
    inverse_hessian: np.ndarray
    evaluations: int
    converged: bool
    reason: str


def minimize(fun: Callable[[np.ndarray], tuple[float, np.ndarray]], x0: np.ndarray, *,
             inverse_hessian: np.ndarray | None = None, gtol: float = 1e-8, max_evaluations: int = 2000,
             bound: float | np.ndarray = np.inf, max_step: float = 5.0, xtol: float = 1e-10) -> Minimum:
    """Minimise ``fun`` (which returns the value and its gradient) from ``x0`` with BFGS.

    Stops when max |gradient| <= ``gtol`` (converged), when no step along
    the search direction lowers the value or the step accepted moves no
    coordinate by more than ``xtol`` (the precision limit: near the minimum
    the value's rounding noise can pass the line search's test), after
    ``max_evaluations`` calls, or at a point where a coordinate lies beyond
    [-``bound``, ``bound``] (one bound per coordinate, or one for all) and
    the function still falls outwards: its infimum is at infinity. No step
    moves a coordinate by more than ``max_step`` (a wild first step could
    otherwise leap past the bounds).

    >>> result = minimize(lambda v: (float(((v - 3.0) ** 2).sum()), 2 * (v - 3.0)), np.zeros(2))
    >>> result.converged, np.round(result.x, 6).tolist()
    (True, [3.0, 3.0])
    """
    x = np.asarray(x0, dtype=float).copy()
    value, grad = fun(x)
    evaluations = 1
    size = x.size
    scaled = inverse_hessian is not None
    h = np.eye(size) if inverse_hessian is None else np.array(inverse_hessian, dtype=float)

    def stop(converged: bool, reason: str) -> Minimum:
        return Minimum(x, float(value), grad, h, evaluations, converged, reason)

    while True:
        if not np.isfinite(value) or not np.all(np.isfinite(grad)):
            return stop(False, "the function is not finite at the starting point")
        if np.abs(grad).max() <= gtol:
            return stop(True, "converged")
        outward = (np.abs(x) > bound) & (x * grad < 0)  # beyond its bound and still falling outwards
        if outward.any():
            return stop(False, f"coordinate {int(np.flatnonzero(outward)[0])} runs beyond its bound "
                               "(the best value is at infinity)")
        direction = -h @ grad
        if not float(grad @ direction) < 0:  # the estimate lost its way: start again from the gradient
            h, scaled = np.eye(size), False
            direction = -grad
        direction = direction * min(1.0, max_step / np.abs(direction).max())
        slope = float(grad @ direction)
        step = 1.0
        while True:
            if evaluations >= max_evaluations:
                return stop(False, f"no convergence in {max_evaluations} evaluations")
            trial = x + step * direction
            trial_value, trial_grad = fun(trial)
            evaluations += 1
            if np.isfinite(trial_value) and np.all(np.isfinite(trial_grad)) \
                    and trial_value <= value + 1e-4 * step * slope:
                break
            step *= 0.5
            if step * np.abs(direction).max() <= xtol:
                return stop(False, "precision loss: no step along the search direction lowers the value")
        s, y = trial - x, trial_grad - grad
        x, value, grad = trial, float(trial_value), trial_grad
        if np.abs(s).max() <= xtol:  # accepted on rounding noise alone: the gradient cannot get any smaller
            return stop(False, "precision loss: the steps no longer move the point")
        curvature = float(s @ y)
        if curvature > 1e-12 * float(np.sqrt((s @ s) * (y @ y))):
            if not scaled:  # Nocedal & Wright (6.20): scale the identity before the first update
                h, scaled = np.eye(size) * curvature / float(y @ y), True
            rho = 1.0 / curvature
            left = np.eye(size) - rho * np.outer(s, y)
            h = left @ h @ left.T + rho * np.outer(s, s)
