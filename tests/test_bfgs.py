"""The numpy BFGS minimiser (kpi_xl.bfgs) on functions whose minimum is known by hand."""

import numpy as np
import pytest

from kpi_xl.bfgs import minimize


def rosenbrock(v):
    # Rosenbrock's banana valley: minimum 0 at (1, 1) (by hand: both squares vanish there)
    x, y = v
    value = (1 - x) ** 2 + 100 * (y - x * x) ** 2
    return value, np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])


def test_rosenbrock_from_the_classic_start():
    result = minimize(rosenbrock, np.array([-1.2, 1.0]))
    assert result.converged and result.reason == "converged"
    assert result.x == pytest.approx([1.0, 1.0], abs=1e-6)
    assert result.fun == pytest.approx(0.0, abs=1e-12)
    assert 10 < result.evaluations < 200


def test_a_quadratic_with_its_exact_inverse_hessian_needs_one_step():
    # f = (x - 1)^2 + 10 (y + 2)^2: Hessian diag(2, 20), so the Newton step from anywhere lands on (1, -2)
    def quadratic(v):
        return float((v[0] - 1) ** 2 + 10 * (v[1] + 2) ** 2), np.array([2 * (v[0] - 1), 20 * (v[1] + 2)])

    result = minimize(quadratic, np.array([3.0, 1.0]), inverse_hessian=np.diag([0.5, 0.05]))
    assert result.converged and result.x == pytest.approx([1.0, -2.0])
    assert result.evaluations == 2  # the start and the one step


def test_a_function_falling_towards_infinity_stops_at_its_bound():
    # exp(-x) + y^2 has no minimum: it keeps falling as x grows
    def falling(v):
        return float(np.exp(-v[0]) + v[1] ** 2), np.array([-np.exp(-v[0]), 2 * v[1]])

    result = minimize(falling, np.array([0.0, 1.0]), bound=10.0)
    assert not result.converged and "runs beyond its bound" in result.reason
    assert 10.0 < result.x[0] <= 10.0 + 5.0  # stopped within one (capped) step past the bound
    assert result.evaluations < 50
    # started beyond the bound, it stops on the first gradient
    again = minimize(falling, np.array([12.0, 0.0]), bound=10.0)
    assert not again.converged and again.evaluations == 1


def test_no_step_is_longer_than_max_step():
    # a linear slope with a far minimum: f = (x - 100)^2 / 1000; the first (unscaled) step would leap
    seen = []

    def far(v):
        seen.append(v.copy())
        return float((v[0] - 100) ** 2 / 1000), np.array([(v[0] - 100) / 500])

    result = minimize(far, np.array([0.0]), max_step=5.0)
    assert result.converged and result.x == pytest.approx([100.0])
    assert np.abs(np.diff(np.array(seen)[:, 0])).max() <= 5.0 + 1e-12


def test_the_evaluation_budget_and_a_non_finite_start_are_reported():
    result = minimize(rosenbrock, np.array([-1.2, 1.0]), max_evaluations=5)
    assert not result.converged and result.reason == "no convergence in 5 evaluations" and result.evaluations == 5
    nowhere = minimize(lambda v: (float("nan"), np.zeros(1)), np.zeros(1))
    assert not nowhere.converged and "not finite" in nowhere.reason


@pytest.mark.parametrize("seed", [0, 5])
def test_rounding_noise_at_the_minimum_stops_the_search_instead_of_spending_the_budget(seed):
    # the Gamma-Gamma likelihood of 2,000 customers whose spend does not depend on them (lognormal orders):
    # near its optimum the gradient's rounding stays above gtol (1e-8) and steps were accepted on the value's
    # rounding noise alone, for all 2,000 evaluations of the budget (these two seeds did). It must stop
    # with "precision loss" at a gradient small enough for the fit to accept (1e-6, see clv_models._fit)
    from kpi_xl import clv_models

    rng = np.random.default_rng(seed)
    x = rng.integers(1, 6, 2000).astype(float)
    m = np.array([rng.lognormal(np.log(50), 0.5, int(k)).mean() for k in x])
    customers = clv_models._Customers(x, m)
    result = minimize(clv_models._negated(clv_models._gamma_gamma_terms, customers, clv_models.GammaGamma),
                      np.zeros(3))
    assert result.evaluations < 200
    assert result.converged or (result.reason.startswith("precision loss") and np.abs(result.jac).max() <= 1e-6)
