"""Headless refresh against the bare reads of the same sheet, for 10,000 / 100,000 / 1,048,572 order rows.

Run: python3 benchmarks/bench_refresh.py [ROWS ...] [--repeat N]   (default: 10000 100000 1048572, 1 round)

For each size a workbook is made from the template (the orders sheet's rows
written straight into its XML, the monthly sheets filled with 36 months) and
cached under /tmp/kpi_xl_bench (one per version of the template's sources), then, each in a fresh
process so that peak memory is its own, measured in the same run:
  * calamine: python-calamine reading the orders sheet to Python lists (anchor);
  * fastexcel: fastexcel (the same calamine parser) reading it to Arrow columns (anchor);
  * core:     `prepare_orders` + `monthly_kpis` + `cohort_matrix` on the orders in memory;
  * refresh:  `refresh_file` (read, check, compute, write the dashboard, save); the CPU time of its
              own read (fastexcel's calls) is taken too, and the refresh's CPU over it printed: a
              ratio within one process, which moves less than one between two processes.
Each line gives CPU seconds (this process's user + system time: it moves less than wall
time when other work shares the machine, but still by 10 to 40 % from one process to the
next there; `bench_instructions.py` counts instructions, which do not move), wall seconds
and peak resident memory (VmHWM), and the refresh's CPU time divided by each anchor's. Excel's last row is 1,048,576; the
header is on row 4, so 1,048,572 orders fill the sheet.
"""

import hashlib
import inspect
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checkout_bytecode import compile_checkout  # noqa: E402 - this script's folder, on sys.path when run


def orders(n: int, seed: int = 7) -> pd.DataFrame:
    """``n`` orders of three years (2023-2025) from customers who buy and leave as real ones do.

    Each customer arrives on a random day, buys as a Poisson process whose rate differs between
    customers (Gamma: a mean gap of 120 days) and, after each purchase, leaves for good with a
    probability that also differs (Beta(1, 3): a quarter on average): the BG/NBD story (Fader,
    Hardie & Lee 2005), so the predictive CLV fits and its predictions are part of the refresh
    as for a real shop (customers buying uniformly at random all along give a model with no
    finite fit, and a refresh that skips the predictions). About 2.6 orders per customer.
    """
    rng = np.random.default_rng(seed)
    horizon, cap = 3 * 365, 60  # days; purchases per customer at most
    customers = int(n / 2.6) + 100
    while True:
        rate = rng.gamma(0.8, 1 / 96.0, customers)  # purchases per day: mean 0.8/96, one per 120 days
        leave = rng.beta(1.0, 3.0, customers)
        count = np.minimum(rng.geometric(leave), cap)  # purchases before leaving, the first included
        who = np.repeat(np.arange(customers), count)
        start = np.cumsum(count) - count  # each customer's first row
        gaps = rng.exponential(1.0, who.size) / rate[who]
        gaps[start] = rng.uniform(0, horizon, customers)  # the first purchase: the arrival day
        day = np.cumsum(gaps)
        day -= np.repeat(day[start] - gaps[start], count)  # cumulated within each customer
        kept = day < horizon
        if kept.sum() >= n:
            break
        customers = int(customers * 1.2 * n / kept.sum())
    who, day = who[kept][:n], day[kept][:n].astype(np.int64)  # the first customers' orders, in full
    names = rng.permutation(customers)  # ids not in the order of arrival
    by_day = np.argsort(day, kind="stable")
    who, day = who[by_day], day[by_day]
    return pd.DataFrame({
        "order_date": pd.Timestamp("2023-01-01") + pd.to_timedelta(day, unit="D"),
        "order_id": [f"#{i + 100000}" for i in range(n)],
        "customer_id": [f"C{c:07d}" for c in names[who]],
        "net_revenue": np.round(rng.lognormal(np.log(50), 0.5, n), 2),
        "cost_of_goods_sold": np.round(rng.uniform(10, 30, n), 2),
        "discount": 0.0,
        "status": rng.choice(["payée", "remboursée", "annulée"], p=[0.95, 0.03, 0.02], size=n),
        "channel": "Google Ads",
    })


def make_book(n: int, folder: Path) -> Path:
    from kpi_xl.excel.package import Package
    from kpi_xl.excel.refresh import FileBook, fill_inputs
    from kpi_xl.sample import sample_shop
    from kpi_xl.template.build import build_template

    path = build_template(folder / f"bench_{n}.xlsm")
    shop = sample_shop(months=36, start="2023-01-01")
    book = FileBook(path)
    fill_inputs(book, {"traffic": shop.traffic, "marketing": shop.marketing, "social": shop.social})
    book.save()
    package = Package(path)
    ref = package.tables["tblOrders"]
    part = package.sheets[ref.sheet]
    frame = orders(n)
    serial = (frame["order_date"] - pd.Timestamp("1899-12-30")).dt.days.astype(str)
    rows = []
    for i, (d, oid, cid, rev, cogs, status) in enumerate(zip(serial, frame["order_id"], frame["customer_id"],
                                                            frame["net_revenue"], frame["cost_of_goods_sold"],
                                                            frame["status"], strict=True), start=ref.first_row + 1):
        rows.append(f'<row r="{i}"><c r="A{i}" s="DATESTYLE"><v>{d}</v></c>'
                    f'<c r="B{i}" t="inlineStr"><is><t>{oid}</t></is></c><c r="C{i}" t="inlineStr"><is><t>{cid}</t></is></c>'
                    f'<c r="D{i}"><v>{rev}</v></c><c r="E{i}"><v>{cogs}</v></c><c r="F{i}"><v>0</v></c>'
                    f'<c r="G{i}" t="inlineStr"><is><t>{status}</t></is></c></row>')
    xml = package.parts[part].decode("utf-8")
    date_style = next(c.split('style="')[1].split('"')[0] for c in xml.split("<col ")[1:] if 'min="1"' in c)
    head, tail = xml.split("<sheetData>", 1) if "<sheetData>" in xml else xml.split("<sheetData", 1)
    header_rows, rest = tail.split("</sheetData>", 1)
    keep = header_rows.split(f'<row r="{ref.first_row + 1}"', 1)[0]
    body = "".join(rows).replace("DATESTYLE", date_style)
    package.parts[part] = (head + "<sheetData>" + keep.lstrip(">") + body + "</sheetData>" + rest).encode("utf-8")
    package.set_table_area("tblOrders", ref.first_row + n)
    package.save()
    return path


CACHE = Path(tempfile.gettempdir()) / "kpi_xl_bench"


def _template_version() -> str:
    """A digest of what the template is built from and of the functions making the books (not of the rest of
    this script): a changed template or generator means new books."""
    digest = hashlib.sha1()
    sources = sorted((ROOT / "kpi_xl" / "template").rglob("*")) + [ROOT / "kpi_xl" / name for name in
                                                                   ("schema.py", "layout.py", "labels.py")]
    for source in sources:
        if source.is_file():
            digest.update(source.read_bytes())
    for function in (orders, make_book):
        digest.update(inspect.getsource(function).encode("utf-8"))
    return digest.hexdigest()[:10]


def cached_book(n: int) -> Path:
    """The benchmark workbook with n orders, made once per template version and kept under /tmp."""
    CACHE.mkdir(exist_ok=True)
    kept = CACHE / f"orders_{n}_{_template_version()}.xlsm"
    if not kept.exists():
        made = make_book(n, CACHE)
        os.replace(made, kept)
    return kept


def measure(kind: str, path: str) -> dict:
    """Run one measurement in this (fresh) process."""
    started, cpu = time.perf_counter(), time.process_time()
    read: dict = {}
    if kind == "refresh":
        import fastexcel

        from kpi_xl.excel.refresh import refresh_file
        _time_calls({fastexcel.ExcelReader: ("load_sheet", "load_table"),
                     fastexcel.ExcelSheet: ("to_arrow", "to_arrow_with_errors")}, read)
        refresh_file(path)
    elif kind == "calamine":
        from python_calamine import CalamineWorkbook
        CalamineWorkbook.from_path(path).get_sheet_by_name("Commandes").to_python()
    elif kind == "fastexcel":
        import fastexcel
        fastexcel.read_excel(path).load_sheet_by_name("Commandes", header_row=3).to_arrow()
    elif kind == "none":  # the script's own start only (bench_instructions.py subtracts it)
        pass
    elif kind == "core":
        from kpi_xl.order_table import prepare_orders
        from kpi_xl.orders import cohort_matrix
        from kpi_xl.report import monthly_kpis
        frame = orders(int(Path(path).stem.split("_")[1]))
        started, cpu = time.perf_counter(), time.process_time()
        valid = prepare_orders(frame)
        monthly_kpis(valid, inactivity_days=365)
        cohort_matrix(valid)
    return {"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu, "peak_mb": _peak_mb(),
            "read_cpu": read.get("cpu", float("nan"))}


def _time_calls(methods: dict[type, tuple[str, ...]], into: dict) -> None:
    """Add the CPU time of every call of these methods (by class) to ``into["cpu"]``: the refresh's own read of
    its tables, parse and conversion to Arrow (its CPU time over the rest, in one process, moves less than a
    ratio of two processes)."""
    into["cpu"] = 0.0
    for owner, names in methods.items():
        for name in names:
            method = getattr(owner, name)

            def timed(*args, _method=method, **kwargs):
                started = time.process_time()
                try:
                    return _method(*args, **kwargs)
                finally:
                    into["cpu"] += time.process_time() - started

            setattr(owner, name, timed)


def _peak_mb() -> float:
    """This process's peak resident memory (VmHWM; ru_maxrss would include the parent's, kept across exec)."""
    try:
        with open("/proc/self/status", encoding="utf-8") as status:
            line = next(line for line in status if line.startswith("VmHWM:"))
        return int(line.split()[1]) / 1024
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def machine() -> str:
    model = platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            model = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{model}, {os.cpu_count()} cores, {platform.system()}, Python {platform.python_version()}"


KINDS = ("calamine", "fastexcel", "core", "refresh")


def run(kind: str, path: Path) -> dict:
    """One measurement in a fresh process (a copy of the book for the refresh, which writes into it)."""
    target = path
    if kind == "refresh":
        target = path.with_name("refreshed_" + path.name)
        shutil.copyfile(path, target)
    done = subprocess.run([sys.executable, __file__, "--measure", kind, str(target)], capture_output=True,
                          text=True, check=True)
    return json.loads(done.stdout)


def main(sizes: list[int], repeat: int = 1) -> None:
    """Each size measured in ``repeat`` rounds, each round running every kind in turn (so that a spell of a
    busy machine weighs on the refresh and its anchors alike): each kind's best round is printed, then the
    refresh's CPU over each anchor's, best against best and, with several rounds, the range of the ratios
    taken within each round."""
    compile_checkout()  # timed as installed: from bytecode (see benchmarks/checkout_bytecode.py)
    print(f"machine: {machine()}")
    print(f"{'rows':>10} {'what':>10} {'CPU s':>7} {'wall s':>7} {'peak MB':>8}")
    for n in sizes:
        path = cached_book(n)
        rounds = []
        for number in range(1, repeat + 1):
            rounds.append({kind: run(kind, path) for kind in KINDS})
            if repeat > 1:
                print(f"{n:>10,}   round {number}: " + ", ".join(f"{kind} {rounds[-1][kind]['cpu']:.2f}" for kind in KINDS),
                      flush=True)
        best = {kind: min((r[kind] for r in rounds), key=lambda result: result["cpu"]) for kind in KINDS}
        for kind in KINDS:
            r = best[kind]
            peak = max(result[kind]["peak_mb"] for result in rounds)
            print(f"{n:>10,} {kind:>10} {r['cpu']:>7.2f} {r['seconds']:>7.2f} {peak:>8.0f}")
        line = []
        for anchor in ("calamine", "fastexcel"):
            within = sorted(r["refresh"]["cpu"] / r[anchor]["cpu"] for r in rounds)
            spread = (f" (rounds {within[0]:.2f}-{within[-1]:.2f}, median {within[len(within) // 2]:.2f})"
                      if repeat > 1 else "")
            line.append(f"/ {anchor} read {best['refresh']['cpu'] / best[anchor]['cpu']:.2f}{spread}")
        print(f"{n:>10,} refresh CPU {', '.join(line)}"
              + (f"; best of {repeat} rounds" if repeat > 1 else ""), flush=True)
        own = sorted(r["refresh"]["read_cpu"] for r in rounds)
        inside = sorted(r["refresh"]["cpu"] / r["refresh"]["read_cpu"] for r in rounds)
        print(f"{n:>10,} refresh's own read (fastexcel, its tables) {own[0]:.2f} s best; refresh CPU / its own read "
              f"{inside[len(inside) // 2]:.2f} (median; rounds {inside[0]:.2f}-{inside[-1]:.2f})", flush=True)


def _arguments(args: list[str]) -> tuple[list[int], int]:
    """``[ROWS ...] [--repeat N]``."""
    repeat = 1
    if "--repeat" in args:
        at = args.index("--repeat")
        repeat = int(args[at + 1])
        args = args[:at] + args[at + 2:]
    return [int(a) for a in args] or [10_000, 100_000, 1_048_572], repeat


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--measure":
        print(json.dumps(measure(sys.argv[2], sys.argv[3])))
    else:
        main(*_arguments(sys.argv[1:]))
