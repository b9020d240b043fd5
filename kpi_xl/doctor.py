"""``kpi-xl doctor``: what a user's machine needs for the workbook, checked and said in plain words.

Checks the Python running kpi_xl, the installed xlwings against the version
kpi_xl pins and the one the workbook's VBA was built with, where xlwings will
find the interpreter (the workbook's ``xlwings.conf`` sheet, a file beside the
workbook, the user's own xlwings.conf; see :mod:`kpi_xl.excel.xlwings_config`),
whether the ribbon can start Python (a Mac needs ``xlwings runpython install``
once), and prints the exact values to enter.
"""

from __future__ import annotations

import platform
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from openpyxl import load_workbook

from .errors import KpiInputError
from .excel.package import Package
from .excel.xlwings_config import find_setting, interpreter_key, user_conf_file
from .layout import LITE_STATUS_NAME

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


_FRESH_COPY = "take your last good copy of the workbook, or a fresh copy of workbook_template.xlsm (kpi-xl template)"


def _parts_checks(package: Package, name: str) -> list[Check]:
    """The VBA project and the ribbon: without them the KPI tab and the formulas cannot work."""
    found = []
    if "xl/vbaProject.bin" not in package.parts:
        found.append(Check("fail", f"{name} has no VBA project: the KPI ribbon and the KPI_* formulas cannot run "
                           "(was it saved as .xlsx, or by a program that drops macros?)", _FRESH_COPY))
    if not any(part.lower().startswith("customui/") for part in package.parts):
        found.append(Check("fail", f"{name} has no ribbon (customUI): the KPI tab will not show in Excel",
                           _FRESH_COPY))
    if not found:
        found.append(Check("ok", f"{name} carries its VBA project and its KPI ribbon"))
    return found


def _conf(book: Path) -> tuple[dict[str, str] | None, str | None]:
    wb = load_workbook(book, read_only=False, keep_vba=False)
    built = None
    if "kpi_xlwings_version" in wb.defined_names:
        built = wb.defined_names["kpi_xlwings_version"].attr_text.strip('"')
    if "xlwings.conf" not in wb.sheetnames:
        return None, built
    ws = wb["xlwings.conf"]
    conf = {}
    for key, value in ws.iter_rows(min_col=1, max_col=2, values_only=True):
        if key is None:
            break
        conf[str(key)] = "" if value is None else str(value)
    return conf, built


def _interpreter_check(sheet: dict[str, str] | None, book: Path | None, system: str, home: Path) -> Check:
    """Where xlwings will find the interpreter, and whether it is this Python."""
    key = interpreter_key(system)
    here = interpreter_paths()[key]
    found = find_setting(key, sheet, book.parent if book else None, system, home)
    user_file = user_conf_file(system, home)
    if found.layer == "sheet" and not found.value:
        return Check("warn", f"the workbook's xlwings.conf sheet has an empty {key} row: xlwings stops there, so "
                     f"the setting in your own xlwings.conf ({user_file}) is ignored and `python` from the PATH "
                     "is started", f"delete the row, or enter {key} = {here}")
    if found.layer == "default":
        places = ("the workbook's xlwings.conf sheet, " if sheet is not None else "") + \
            (f"{book.parent / 'xlwings.conf'}, " if book else "") + str(user_file)
        return Check("warn", f"{key} is set nowhere (looked in {places}), so xlwings starts `python` from the "
                     "PATH, which may not be the one with kpi_xl",
                     f"enter {key} = {here}: as a row under the others on the workbook's xlwings.conf sheet, "
                     f'or as the line "{key}","{here}" in {user_file}')
    if found.value != here and Path(found.value).resolve() != Path(here).resolve():
        return Check("warn", f"{key} = {found.value} (from {found.where}), not the Python running this check",
                     f"if kpi_xl is installed for this Python, enter {key} = {here} there")
    return Check("ok", f"{key} = {found.value} (from {found.where})")


def _ribbon_check(system: str, home: Path, installed: str | None) -> Check:
    """Whether the ribbon's buttons can start Python on this system."""
    if system.startswith("win"):
        return Check("ok", "on Windows the ribbon's buttons and the KPI_* formulas run Python through xlwings")
    if system == "darwin":
        script = home / "Library" / "Application Scripts" / "com.microsoft.Excel" / f"xlwings-{installed}.applescript"
        if script.is_file():
            return Check("ok", f"the ribbon's buttons can start Python: {script} is installed "
                         "(the KPI_* formulas need Excel on Windows)")
        return Check("fail", f"the ribbon's buttons fail on this Mac: Excel needs xlwings' AppleScript ({script}) "
                     "to start Python", "run once, in a terminal: xlwings runpython install")
    return Check("warn", "Excel does not run on this system: refresh with `kpi-xl refresh BOOK.xlsm`; on a Mac, run "
                 "`xlwings runpython install` once before using the ribbon")


def run_checks(book: str | Path | None = None, *, system: str = sys.platform, home: Path | None = None) -> list[Check]:
    """Every check, in the order a user should fix them.

    ``system`` (a ``sys.platform`` value) and ``home`` (the user's home folder)
    say which machine to check for; they default to this one.
    """
    home = Path.home() if home is None else home
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
    ribbon = _ribbon_check(system, home, installed)
    if book is None:
        return checks + [_interpreter_check(None, None, system, home), ribbon]
    path = Path(book)
    if not path.exists():
        return checks + [Check("fail", f"{path} does not exist", "give the path of your workbook")]
    try:
        package = Package(path)  # the refresh's own opener: a damaged file is named, never a traceback
        conf, built = _conf(path)
    except KpiInputError as error:
        return checks + [Check("fail", str(error), _FRESH_COPY)]
    except Exception as error:  # openpyxl's own errors on a part it cannot read  # noqa: BLE001
        return checks + [Check("fail", f"{path.name} cannot be read: {error}", _FRESH_COPY)]
    if LITE_STATUS_NAME in package.names:  # the xlwings Lite edition: no VBA, ribbon or xlwings.conf to check
        return checks + [Check("ok", f"{path.name} is the xlwings Lite workbook: its buttons and KPI_* formulas run "
                                     "in the xlwings Lite add-in, which needs no Python on this computer (guide, "
                                     "section 9); the checks above are for kpi-xl on the command line")]
    checks += _parts_checks(package, path.name)
    if built and installed and built != installed:
        checks.append(Check("fail", f"{path.name} carries the VBA of xlwings {built} but xlwings {installed} is "
                            "installed: Excel will report a DLL version mismatch",
                            f'python3 -m pip install "xlwings=={built}", or take a workbook built with '
                            f"xlwings {installed} (kpi-xl template)"))
    elif built:
        checks.append(Check("ok", f"{path.name} was built with xlwings {built}"))
    if conf is None:
        return checks + [Check("fail", f"{path.name} has no xlwings.conf sheet",
                               "take a fresh copy of workbook_template.xlsm")]
    checks.append(_interpreter_check(conf, path, system, home))
    modules = conf.get("UDF Modules", "")
    if modules != "kpi_xl.excel.udfs":
        checks.append(Check("fail", f"xlwings.conf: UDF Modules = {modules!r}, so the KPI_* formulas show #NAME?",
                            "enter UDF Modules = kpi_xl.excel.udfs"))
    else:
        checks.append(Check("ok", "xlwings.conf: UDF Modules = kpi_xl.excel.udfs"))
    return checks + [ribbon]
