"""The Lite edition's Refresh and order-level formulas on xlwings' Office.js path (CPython stand-in).

Run: python3 benchmarks/bench_lite.py [ROWS]       (default: 100000)

xlwings Lite runs Python in Pyodide; where Pyodide's numpy cannot be loaded (no network: see
scripts/pyodide_check.mjs) these figures are CPython's, through the same xlwings code Lite runs
(XLWINGS_ON_SERVER=true, set here; benchmark only). Prints CPU seconds (best of 3) of:
  * the Refresh script (kpi_xl/lite/main.py) on ``xw.Book(json=...)`` of a Lite workbook holding the
    sample shop (about 3,000 orders), then ROWS orders: building the Book from the JSON Excel sends,
    running the script, and the JSON of actions sent back (what Lite does around a script);
  * KPI_COHORTS and KPI_CUSTOMERS on ROWS order rows through ``custom_functions_call``, with xlwings'
    own per-cell ``is_jsnull`` and with kpi_xl's workaround (kpi_xl/lite/speed.py), and the ratio.
"""

from __future__ import annotations

import asyncio
import os
import platform
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("XLWINGS_ON_SERVER", "true")
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import xlwings as xw  # noqa: E402
from xlwings import utils as xlwings_utils  # noqa: E402

XLWINGS_IS_JSNULL = xlwings_utils.is_jsnull  # before kpi_xl.lite.main replaces it

from xlwings.server import custom_functions_call, custom_scripts_call  # noqa: E402
from xlwings_remote_refresh import payload  # noqa: E402

from bench_core import cpu  # noqa: E402
from bench_officejs import BASE  # noqa: E402
from bench_officejs import payload as formula_payload  # noqa: E402
from bench_refresh import orders  # noqa: E402

import kpi_xl.lite.main as main  # noqa: E402
from kpi_xl.excel.books import FileBook, fill_inputs  # noqa: E402
from kpi_xl.sample import sample_shop  # noqa: E402
from kpi_xl.template.build import build_template  # noqa: E402

WORKAROUND = xlwings_utils.is_jsnull


def lite_book(folder: Path, rows: int | None) -> Path:
    path = build_template(folder / f"lite_{rows or 'sample'}.xlsx", edition="lite")
    shop = sample_shop()
    tables = {"orders": shop.orders if rows is None else orders(rows), "traffic": shop.traffic,
              "marketing": shop.marketing, "social": shop.social}
    book = FileBook(path)
    fill_inputs(book, tables)
    book.save()
    return path


def refresh_script(data: dict) -> None:
    book = xw.Book(json=data)
    asyncio.run(custom_scripts_call(main, "refresh", typehint_to_value={xw.Book: book}))
    actions = book.json()
    if "alert" in str(actions)[:2000] and "problème" not in str(actions):
        raise RuntimeError(f"the refresh stopped: {str(actions)[:300]}")


def formula(name: str, args: list) -> None:
    result = asyncio.run(custom_functions_call({**BASE, "func_name": name, "args": args}, main))
    if isinstance(result, dict) or not result or str(result[0][0]).startswith("#KPI"):
        raise RuntimeError(f"{name} failed: {str(result)[:200]}")


def main_run(rows: int) -> None:
    print(f"xlwings {xw.__version__}, Python {sys.version.split()[0]} (CPython stand-in for Pyodide), "
          f"{platform.machine()}, {os.cpu_count()} cores; CPU seconds, best of 3")
    with tempfile.TemporaryDirectory() as folder:
        for size in (None, rows):
            data = payload(str(lite_book(Path(folder), size)))
            label = "sample shop" if size is None else f"{size:,} orders"
            print(f"Refresh script, {label:>16}: {cpu(lambda: refresh_script(data)):7.3f} s")  # noqa: B023
    serials, ids = formula_payload(rows)
    for name, args in {"KPI_COHORTS": [serials, ids], "KPI_CUSTOMERS": [serials, ids, [[180]]]}.items():
        xlwings_utils.is_jsnull = XLWINGS_IS_JSNULL
        before = cpu(lambda: formula(name, args))  # noqa: B023
        xlwings_utils.is_jsnull = WORKAROUND
        after = cpu(lambda: formula(name, args))  # noqa: B023
        print(f"{name:14} {rows:,} rows: xlwings' is_jsnull {before:6.3f} s | kpi_xl's workaround {after:6.3f} s "
              f"| {before / after:4.1f}x")


if __name__ == "__main__":
    main_run(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
