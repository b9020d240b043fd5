"""The core on 1,048,572 orders and on the CDNOW transactions, against lifetimes and a pandas groupby.

Run: python3 benchmarks/bench_core.py [ROWS]         (default: 1048572)

Prints CPU seconds (best of 3, this process's user + system time) of:
  * the core: `prepare_orders`, `monthly_kpis`, `cohort_matrix`, and their sum (each on freshly
    checked orders, so the sort by customer is counted twice), then the three in a row as the
    refresh runs them (the sort done once);
  * `customer_summary` on the checked orders, against lifetimes'
    `summary_data_from_transaction_data` (when lifetimes is installed) and a plain
    pandas groupby (first, last, count, sum) on the same paid orders, with the ratios.
CDNOW: the CDNOW master file shipped with lifetimes (69,659 transactions of 23,570
customers, 1997-1998; Fader & Hardie's data set), read as orders dated 27 years later.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_refresh import machine, orders  # noqa: E402

from kpi_xl.order_table import prepare_orders  # noqa: E402
from kpi_xl.orders import cohort_matrix, customer_summary  # noqa: E402
from kpi_xl.report import monthly_kpis  # noqa: E402


def cpu(call: Callable[[], object], repeat: int = 3) -> float:
    """Best CPU time of a few calls (seconds)."""
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        call()
        best = min(best, time.process_time() - started)
    return best


def fresh(frame: pd.DataFrame, call: Callable[[object], object], repeat: int = 3, **options: object) -> float:
    """Best CPU time of ``call(prepare_orders(frame))``, each on freshly checked orders (no cached tables)."""
    best = float("inf")
    for _ in range(repeat):
        valid = prepare_orders(frame, **options)
        started = time.process_time()
        call(valid)
        best = min(best, time.process_time() - started)
    return best


def _chained(frame: pd.DataFrame) -> None:
    valid = prepare_orders(frame)
    monthly_kpis(valid, inactivity_days=365)
    cohort_matrix(valid)


def cdnow() -> pd.DataFrame | None:
    """The CDNOW master transactions as an orders table (None without lifetimes)."""
    try:
        from lifetimes.datasets import load_dataset
    except ImportError:
        return None
    raw = load_dataset("CDNOW_master.txt", header=0, sep=r"\s+", dtype={0: str, 1: str},
                       names=["customer_id", "date", "cds", "dollars"])
    return pd.DataFrame({
        # moved 27 years on (1997 -> 2024): kpi_xl takes dates before 2000 for typing errors
        "order_date": pd.to_datetime(raw["date"], format="%Y%m%d") + pd.DateOffset(years=27),
        "order_id": np.arange(len(raw)).astype(str),
        "customer_id": raw["customer_id"],
        "net_revenue": raw["dollars"].astype(float),
        "cost_of_goods_sold": (raw["dollars"] * 0.6).round(2),
        "status": "paid",
    })


def compare(name: str, frame: pd.DataFrame) -> None:
    valid = prepare_orders(frame, today="2030-01-01")
    counted = valid.counted
    print(f"\n{name}: {len(frame):,} orders, {counted['customer_id'].nunique():,} customers")
    # each call on freshly checked orders: the sort by customer it shares with the other analytics is counted
    ours = fresh(frame, customer_summary, today="2030-01-01")
    grouped = cpu(lambda: counted.groupby("customer_id").agg(first=("order_date", "min"), last=("order_date", "max"),
                                                             orders=("order_id", "count"),
                                                             revenue=("net_revenue", "sum")))
    print(f"  customer_summary            {ours:7.3f} s")
    print(f"  pandas groupby              {grouped:7.3f} s   groupby / ours {grouped / ours:5.2f}")
    try:
        from lifetimes.utils import summary_data_from_transaction_data
    except ImportError:
        print("  lifetimes                   not installed")
        return
    theirs = cpu(lambda: summary_data_from_transaction_data(counted, "customer_id", "order_date",
                                                            monetary_value_col="net_revenue"))
    print(f"  lifetimes summary_data_...  {theirs:7.3f} s   lifetimes / ours {theirs / ours:5.2f}")


def main(n: int) -> None:
    print(f"machine: {machine()}; numpy {np.__version__}, pandas {pd.__version__}")
    frame = orders(n)
    prepare = cpu(lambda: prepare_orders(frame))
    monthly = fresh(frame, lambda valid: monthly_kpis(valid, inactivity_days=365))
    cohorts = fresh(frame, cohort_matrix)
    print(f"core on {n:,} orders: prepare_orders {prepare:.3f} s + monthly_kpis {monthly:.3f} s + "
          f"cohort_matrix {cohorts:.3f} s = {prepare + monthly + cohorts:.3f} s CPU (each on fresh orders)")
    chained = cpu(lambda: _chained(frame))
    print(f"core on {n:,} orders as the refresh runs it (one checked table, the sort by customer shared): "
          f"{chained:.3f} s CPU")
    compare(f"{n:,} generated orders", frame)
    transactions = cdnow()
    if transactions is not None:
        compare("CDNOW master", transactions)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_048_572)
