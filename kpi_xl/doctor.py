"""``kpi-xl doctor``: what a user's machine needs for the workbook, checked and said in plain words.

Checks the Python running kpi_xl, the installed xlwings against the version
kpi_xl pins and the one the workbook's VBA was built with, and the workbook's
``xlwings.conf`` values, and prints the exact values to enter.
"""

from __future__ import annotations

import platform
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from openpyxl import load_workbook

__all__ = ["Check", "run_checks", "interpreter_paths", "pinned_xlwings"]


@dataclass(frozen=True)
class Check:
    """One finding: ``level`` is "ok", "warn" or "fail"; ``fix`` says what to do."""

    level: str
    what: str
    fix: str = ""

    def __str__(self) -> str:
        mark = {"ok": "[ok]  ", "warn": "[warn]", "fail": "[FAIL]"}[self.level]
        return f"{mark} {self.what}" + (f"\n       -> {self.fix}" if self.fix else "")


def pinned_xlwings() -> str | None:
    """The xlwings version kpi_xl's metadata pins (``xlwings==X``), if installed as a package."""
    try:
        requirements = metadata.requires("kpi_xl") or []
    except metadata.PackageNotFoundError:
        return None
    for requirement in requirements:
        if requirement.replace(" ", "").startswith("xlwings=="):
            return requirement.split("==", 1)[1].split(";")[0].strip()
    return None


def interpreter_paths() -> dict[str, str]:
    """The values ``xlwings.conf`` needs for this Python (Windows: pythonw.exe, no console window)."""
    executable = Path(sys.executable)
    windowless = executable.with_name("pythonw.exe")
    return {"Interpreter_Win": str(windowless if windowless.exists() else executable),
            "Interpreter_Mac": str(executable)}


def _installed_xlwings() -> str | None:
    try:
        return metadata.version("xlwings")
    except metadata.PackageNotFoundError:
        return None


def _conf(book: Path) -> tuple[dict[str, str], str | None]:
    wb = load_workbook(book, read_only=False, keep_vba=False)
    built = None
    if "kpi_xlwings_version" in wb.defined_names:
        built = wb.defined_names["kpi_xlwings_version"].attr_text.strip('"')
    if "xlwings.conf" not in wb.sheetnames:
        return {}, built
    ws = wb["xlwings.conf"]
    conf = {}
    for key, value in ws.iter_rows(min_col=1, max_col=2, values_only=True):
        if key is None:
            break
        conf[str(key)] = "" if value is None else str(value)
    return conf, built


def run_checks(book: str | Path | None = None) -> list[Check]:
    """Every check, in the order a user should fix them."""
    checks = []
    version = sys.version_info
    if version >= (3, 10):
        checks.append(Check("ok", f"Python {platform.python_version()} at {sys.executable}"))
    else:
        checks.append(Check("fail", f"Python {platform.python_version()} is too old", "install Python 3.10 or later"))
    installed, pinned = _installed_xlwings(), pinned_xlwings()
    if installed is None:
        checks.append(Check("fail", "xlwings is not installed", "python3 -m pip install kpi_xl (it installs xlwings)"))
    elif pinned and installed != pinned:
        checks.append(Check("fail", f"xlwings {installed} is installed but kpi_xl needs {pinned}",
                            f'python3 -m pip install "xlwings=={pinned}"'))
    else:
        checks.append(Check("ok", f"xlwings {installed}" + (" (the version kpi_xl pins)" if pinned else "")))
    paths = interpreter_paths()
    if book is None:
        checks.append(Check("ok", "values for the workbook's xlwings.conf sheet on this machine: "
                            + "; ".join(f"{k} = {v}" for k, v in paths.items())))
        return checks
    path = Path(book)
    if not path.exists():
        return checks + [Check("fail", f"{path} does not exist", "give the path of your workbook")]
    conf, built = _conf(path)
    if built and installed and built != installed:
        checks.append(Check("fail", f"{path.name} carries the VBA of xlwings {built} but xlwings {installed} is "
                            "installed: Excel will report a DLL version mismatch",
                            f'python3 -m pip install "xlwings=={built}", or take a workbook built with '
                            f"xlwings {installed} (kpi-xl template)"))
    elif built:
        checks.append(Check("ok", f"{path.name} was built with xlwings {built}"))
    if not conf:
        return checks + [Check("fail", f"{path.name} has no xlwings.conf sheet",
                               "take a fresh copy of workbook_template.xlsm")]
    key = "Interpreter_Win" if sys.platform.startswith("win") else "Interpreter_Mac"
    here = paths[key]
    given = conf.get(key, "")
    if not given:
        checks.append(Check("warn", f"xlwings.conf: {key} is empty, so xlwings looks for a default Python, which "
                            "may not be the one with kpi_xl", f"enter {key} = {here}"))
    elif Path(given).resolve() != Path(here).resolve() and given != here:
        checks.append(Check("warn", f"xlwings.conf: {key} = {given}, not the Python running this check",
                            f"if kpi_xl is installed for this Python, enter {key} = {here}"))
    else:
        checks.append(Check("ok", f"xlwings.conf: {key} = {given}"))
    modules = conf.get("UDF Modules", "")
    if modules != "kpi_xl.excel.udfs":
        checks.append(Check("fail", f"xlwings.conf: UDF Modules = {modules!r}, so the KPI_* formulas show #NAME?",
                            "enter UDF Modules = kpi_xl.excel.udfs"))
    else:
        checks.append(Check("ok", "xlwings.conf: UDF Modules = kpi_xl.excel.udfs"))
    if not sys.platform.startswith("win"):
        checks.append(Check("ok", "on this system the ribbon's Refresh works; the KPI_* formulas need Excel on "
                            "Windows"))
    return checks
