"""Import of a 200,000-row Shopify orders export into the template.

Run: python3 benchmarks/bench_import.py [ROWS]   (default 200000 line-item rows)
The export is made up with Shopify's 2025 header: orders of 1 to 3 line items, a few refunds
and cancellations. Prints, each measured in a fresh process, the CPU and wall time of parsing
the export and of the whole import (parse, merge, save into a copy of the template), and each
process's peak memory (VmHWM, Python and the libraries included); then the import again into a
template with a note typed far below the orders table, and into one whose orders table shows its
Total Row (the rows go in above the note's row, or above the total row, which moves down).
"""

import csv
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


def make_export(path: Path, rows: int) -> int:
    from test_importers import SHOPIFY_2025

    rng = np.random.default_rng(5)
    written = orders = 0
    with open(path, "w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(SHOPIFY_2025)
        while written < rows:
            orders += 1
            items = int(rng.integers(1, 4))
            prices = rng.uniform(5, 60, items).round(2)
            day = int(rng.integers(0, 730))
            status = rng.choice(["paid", "paid", "paid", "refunded", "partially_refunded"])
            for i, price in enumerate(prices):
                row = dict.fromkeys(SHOPIFY_2025, "")
                row.update({"Name": f"#{100000 + orders}", "Lineitem quantity": "1", "Lineitem price": f"{price:.2f}"})
                if i == 0:
                    row.update({"Email": f"c{int(rng.integers(0, rows // 4))}@example.com", "Financial Status": status,
                                "Currency": "EUR", "Subtotal": f"{prices.sum():.2f}",
                                "Refunded Amount": f"{prices.sum():.2f}" if status == "refunded" else "",
                                "Created at": f"{2024 + day // 365}-{1 + (day % 365) // 31:02d}-{1 + day % 28:02d} "
                                              "12:00:00 +0100"})
                writer.writerow(row.values())
                written += 1
    return orders


def peak_mb() -> float:
    """This process's peak resident memory (VmHWM)."""
    with open("/proc/self/status", encoding="utf-8") as status:
        return int(next(line for line in status if line.startswith("VmHWM:")).split()[1]) / 1024


def measure(kind: str, export: str, book: str) -> dict:
    """One measurement in this (fresh) process: CPU and wall time of the step, and the process's peak memory."""
    from kpi_xl.importers import import_file, parse

    started, cpu = time.perf_counter(), time.process_time()
    if kind == "parse":
        parse("shopify", Path(export))
        summary = ""
    else:
        summary = import_file("shopify", Path(export), Path(book)).summary()
    return {"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu, "peak_mb": peak_mb(),
            "summary": summary}


def main(rows: int) -> None:
    import json
    import shutil
    import subprocess

    from kpi_xl.template.build import build_template

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "orders_export.csv"
        orders = make_export(export, rows)
        template = build_template(Path(tmp) / "template.xlsm")
        print(f"{rows:,} line-item rows, {orders:,} orders; each step in a fresh process (imports excluded from "
              "the times, included in the peak)")
        for kind in ("parse", "import", "import, a note below", "import, a total row"):
            book = Path(tmp) / "book.xlsm"
            shutil.copyfile(template, book)
            prepare(book, kind, orders)
            done = subprocess.run([sys.executable, __file__, "--measure", kind.split(",")[0], str(export), str(book)],
                                  capture_output=True, text=True, check=True)
            r = json.loads(done.stdout)
            print(f"  {kind:>20}: CPU {r['cpu']:.2f} s, wall {r['seconds']:.2f} s, peak {r['peak_mb']:.0f} MB"
                  f"{'  (' + r['summary'] + ')' if r['summary'] else ''}", flush=True)


def prepare(book: Path, kind: str, orders: int) -> None:
    """The template as the user left it: a note typed far below the orders table (the import's rows go in above
    its row), or the orders table's Total Row switched on (the import moves it below its rows)."""
    from kpi_xl.excel.package import Package

    if kind.endswith("a note below"):
        package = Package(book)
        ref = package.tables["tblOrders"]
        package.write_cells(ref.sheet, {(ref.last_row + orders + 1000, ref.first_col): "note"})
        package.save()
    elif kind.endswith("a total row"):
        from test_table_totals import with_total_row

        plain = book.with_name("plain.xlsm")
        book.rename(plain)
        with_total_row(plain, book)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--measure":
        import json

        print(json.dumps(measure(sys.argv[2], sys.argv[3], sys.argv[4])))
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000)
