"""Python-side cost of the KPI_* formulas (what Python adds to an Excel recalculation).

Run: python3 benchmarks/bench_udfs.py
Measures (CPU time) one KPI_CAC call on 12 cells (a year of months, as xlwings hands them:
a column of one-item lists) and one KPI_COHORTS / KPI_CUSTOMERS call on 100,000
order rows (dates as Excel serial numbers, as Office.js sends them). Excel's own
cost of marshalling the cells to Python is not included.
"""

import os
import platform
import statistics
import sys
import time
import timeit

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from kpi_xl.excel import udfs  # noqa: E402


def best_of(func, number, repeat=5):
    """Best and median CPU time of one call (process time: other work on the machine barely changes it)."""
    times = timeit.Timer(func, timer=time.process_time).repeat(number=number, repeat=repeat)
    return min(times) / number, statistics.median(times) / number


def machine():
    """CPU model, cores and library versions, for the figures quoted in docs/performance.md."""
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            model = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return (f"{model}, {os.cpu_count()} cores, {platform.system()}, Python {platform.python_version()}, "
            f"numpy {np.__version__}, pandas {pd.__version__}")


def main():
    print(f"machine: {machine()}")
    spend = [[float(v)] for v in np.random.default_rng(1).uniform(500, 3000, 12).round(2)]
    new = [[float(v)] for v in np.random.default_rng(2).integers(10, 80, 12)]
    best, median = best_of(lambda: udfs.KPI_CAC(spend, new), number=2000)
    print(f"KPI_CAC, 12 cells:             best {best * 1e6:8.1f} us   median {median * 1e6:8.1f} us")

    rng = np.random.default_rng(3)
    n = 100_000
    serials = [[float(d)] for d in rng.integers(44927, 45658, n)]  # 2023-01-01 .. 2024-12-31
    ids = [[f"C{c:06d}"] for c in rng.integers(0, n // 4, n)]
    for name, call in [("KPI_COHORTS", lambda: udfs.KPI_COHORTS(serials, ids)),
                       ("KPI_CUSTOMERS", lambda: udfs.KPI_CUSTOMERS(serials, ids, 180))]:
        best, median = best_of(call, number=1, repeat=5)
        print(f"{name}, 100,000 rows:     best {best * 1e3:8.1f} ms   median {median * 1e3:8.1f} ms")


if __name__ == "__main__":
    main()
