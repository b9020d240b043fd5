"""Time to fit the predictive CLV models (BG/NBD and Gamma-Gamma) on 100,000 customers.

Run: python3 benchmarks/bench_clv.py
Draws 100,000 customers from the models at the CDNOW estimates (Fader, Hardie &
Lee 2005; Fader & Hardie 2013), watched 1 to 78 weeks, and times each fit
(maximum likelihood, BFGS on log-parameters) and the predictions of a 12-month
discounted CLV. The target (issue 14): both fits in under 2 s on this machine.
"""

import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from bench_udfs import machine  # noqa: E402

from kpi_xl import clv  # noqa: E402
from kpi_xl.clv_simulation import simulate_customers  # noqa: E402

CUSTOMERS = 100_000
TRUTH = clv.BgNbd(0.243, 4.414, 0.793, 2.426), clv.GammaGamma(6.25, 3.74, 15.44)


def timed(func, *args, **options):
    start = time.perf_counter()
    result = func(*args, **options)
    return result, time.perf_counter() - start


def main(repeat=5):
    print(f"machine: {machine()}")
    weeks = np.random.default_rng(5).uniform(1, 78, CUSTOMERS)
    table = simulate_customers(*TRUTH, weeks, seed=7)
    x, t_x, T, m = (table[c].to_numpy() for c in ("frequency", "recency", "T", "monetary_value"))
    print(f"{CUSTOMERS:,} customers, {int((x > 0).sum()):,} with a repeat purchase")
    runs = []
    for _ in range(repeat):
        purchases, fit_purchases = timed(clv.fit_bgnbd, x, t_x, T)
        spend, fit_spend = timed(clv.fit_gamma_gamma, x, m)
        spend_per_order = clv.expected_spend(spend, x, m)
        _, predict = timed(clv.discounted_value, purchases, spend_per_order, x, t_x, T, horizon_months=12,
                           discount_rate=0.10, days_per_unit=7.0)
        runs.append((fit_purchases, fit_spend, fit_purchases + fit_spend, predict))
    best, median = np.min(runs, axis=0), np.median(runs, axis=0)
    for label, column in [("fit BG/NBD", 0), ("fit Gamma-Gamma", 1), ("both fits", 2), ("12-month CLV", 3)]:
        print(f"{label:16s} best {best[column]:6.3f} s   median {median[column]:6.3f} s")
    print(f"fitted BG/NBD r={purchases.r:.3f} alpha={purchases.alpha:.3f} a={purchases.a:.3f} b={purchases.b:.3f}; "
          f"Gamma-Gamma p={spend.p:.2f} q={spend.q:.2f} gamma={spend.gamma:.2f}")


if __name__ == "__main__":
    main()
