"""Order-level formulas on xlwings' Office.js path: where the time goes, and xlwings' per-cell `is_jsnull`.

Run: python3 benchmarks/bench_officejs.py [ROWS]        (default: 100000)

Calls KPI_COHORTS and KPI_CUSTOMERS with an Office.js payload (dates as serial
numbers, ids as texts, one order per row, every argument a 2-D array) through
xlwings' own server code (`xlwings.server.custom_functions_call`, the conversion
code xlwings Lite and xlwings Server share), in this process with
XLWINGS_ON_SERVER=true and XLWINGS_LICENSE_KEY=noncommercial (set here; benchmark
and tests only: the shipped add-in never imports xlwings.server). Prints CPU time:
  * the whole call through xlwings;
  * the same with xlwings' `is_jsnull` answered from a cached import (what a fix
    upstream would give), and the share of the call the per-cell check takes;
  * our own part (the KPI function called directly with the same lists).
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

os.environ.setdefault("XLWINGS_ON_SERVER", "true")
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
import xlwings  # noqa: E402
from xlwings import utils as xlwings_utils  # noqa: E402
from xlwings.pro import _xlofficejs  # noqa: E402
from xlwings.server import custom_functions_call  # noqa: E402

from bench_core import cpu  # noqa: E402

from kpi_xl.excel import udfs  # noqa: E402

BASE = {"version": xlwings.__version__, "client": "Office.js", "runtime": "1.4",
        "culture_info_name": "fr-FR", "date_format": "dd/MM/yyyy"}


def payload(n: int) -> tuple[list, list]:
    rng = np.random.default_rng(3)
    serials = [[float(d)] for d in rng.integers(44927, 45658, n)]  # 2023-01-01 .. 2024-12-31
    ids = [[f"C{c:06d}"] for c in rng.integers(0, n // 4, n)]
    return serials, ids


def through_xlwings(name: str, args: list) -> None:
    result = asyncio.run(custom_functions_call({**BASE, "func_name": name, "args": args}, udfs))
    if isinstance(result, dict) or not result:
        raise RuntimeError(f"{name} failed through xlwings: {result}")


def cached_is_jsnull():
    """xlwings' check with the import of pyodide.ffi.JsNull tried once, not once per cell."""
    try:
        from pyodide.ffi import JsNull
    except ImportError:
        return lambda value: False
    return lambda value: isinstance(value, JsNull)


def main(n: int) -> None:
    print(f"xlwings {xlwings.__version__}, Python {sys.version.split()[0]}, {n:,} order rows, CPU seconds (best of 3)")
    serials, ids = payload(n)
    calls = {"KPI_COHORTS": [serials, ids], "KPI_CUSTOMERS": [serials, ids, [[180]]]}
    original = (xlwings_utils.is_jsnull, _xlofficejs._is_jsnull)
    for name, args in calls.items():
        whole = cpu(lambda: through_xlwings(name, args))  # noqa: B023
        checks = cached_is_jsnull()
        _xlofficejs._is_jsnull = checks
        xlwings_utils.is_jsnull = checks
        try:
            fixed = cpu(lambda: through_xlwings(name, args))  # noqa: B023
        finally:
            xlwings_utils.is_jsnull, _xlofficejs._is_jsnull = original
        ours = cpu(lambda: getattr(udfs, name)(*[a if a != [[180]] else 180 for a in args]))  # noqa: B023
        print(f"{name:14} through xlwings {whole:6.3f} s | is_jsnull import cached {fixed:6.3f} s "
              f"(is_jsnull: {(whole - fixed) / whole:4.0%} of the call) | kpi_xl alone {ours:6.3f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
