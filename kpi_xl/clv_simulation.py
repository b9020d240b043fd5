"""Customers drawn from the BG/NBD and Gamma-Gamma models, for tests and benchmarks.

Drawing data from known parameters and fitting them back is how one checks a
maximum-likelihood fit (parameter recovery) and times it on any number of
customers. Pure numpy, seeded.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .clv_models import BgNbd, GammaGamma

__all__ = ["simulate_customers"]


def simulate_customers(purchases: BgNbd, spend: GammaGamma, T: np.ndarray, *, seed: int = 0) -> pd.DataFrame:
    """Frequency, recency, T and mean repeat spend of customers drawn from the two models.

    Each customer, first seen at time 0 and watched until ``T``, gets a
    purchase rate lambda ~ Gamma(r, rate alpha) and a dropout probability
    p ~ Beta(a, b). While alive they buy as a Poisson process; after each
    repeat purchase they drop out with probability p, so the number of repeat
    purchases they can make is M ~ Geometric(p) on {1, 2, ...}. With N the
    Poisson count on (0, T], the observed frequency is x = min(N, M), and
    given N = n the x-th purchase time is T x Beta(x, n - x + 1) (order
    statistics of n uniform times). The mean of x spends, each Gamma(p, rate
    nu) with nu ~ Gamma(q, rate gamma), is Gamma(p x, rate x nu).

    Parameters
    ----------
    purchases, spend : BgNbd, GammaGamma
        The true parameters.
    T : array of float
        Time each customer is watched, in the unit of ``purchases.alpha``.
    seed : int
        Seed of numpy's default generator.

    Examples
    --------
    >>> table = simulate_customers(BgNbd(0.25, 4.0, 0.8, 2.5), GammaGamma(6.0, 4.0, 15.0),
    ...                            np.full(1000, 39.0), seed=1)
    >>> list(table.columns), bool((table["recency"] <= table["T"]).all())
    (['frequency', 'recency', 'T', 'monetary_value'], True)
    """
    rng = np.random.default_rng(seed)
    T = np.asarray(T, dtype=float)
    n_customers = T.size
    rate = rng.gamma(purchases.r, 1.0 / purchases.alpha, n_customers)
    dropout = rng.beta(purchases.a, purchases.b, n_customers)
    limit = rng.geometric(dropout)
    arrivals = rng.poisson(rate * T)
    x = np.minimum(arrivals, limit)
    recency = np.zeros(n_customers)
    bought = x > 0
    recency[bought] = T[bought] * rng.beta(x[bought], arrivals[bought] - x[bought] + 1)
    nu = rng.gamma(spend.q, 1.0 / spend.gamma, n_customers)
    mean_spend = np.full(n_customers, np.nan)
    mean_spend[bought] = rng.gamma(spend.p * x[bought], 1.0 / (x[bought] * nu[bought]))
    return pd.DataFrame({"frequency": x, "recency": recency, "T": T, "monetary_value": mean_spend})
