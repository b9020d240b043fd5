"""Builds the xlwings Lite package: a pure-Python wheel ``kpi_xl_lite`` from this checkout.

Run: python3 scripts/build_lite_wheel.py [OUT_DIR]     (default: dist/)

The wheel holds the run-time code Lite needs (the core, kpi_xl/excel, kpi_xl/importers, kpi_xl/lite) and
none of the build-time or desktop-only code (kpi_xl/template, the command line, the doctor, the renderer).
It depends on numpy and pandas, which Pyodide brings (not on scipy: kpi_xl/special_functions.py has the
special functions of the CLV models), and on xlwings at least at the version
pyproject.toml pins (the one the tests drive), which xlwings Lite brings or installs. So the workbook's
requirements.txt is one line, ``kpi-xl-lite`` (or the wheel's https address before it is on PyPI). The
desktop package (``pip install .``) is unchanged.
"""

from __future__ import annotations

import base64
import hashlib
import re
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAME = "kpi_xl_lite"
#: numpy and pandas come from Pyodide; xlwings is xlwings Lite's own, at least the version whose
#: Office.js code the tests drive: the desktop's pin in pyproject.toml (sheet buttons came with 0.33.14).
REQUIRES = ("numpy", "pandas")
#: What Lite never runs: the builder, and the desktop's command line, doctor and renderer (subprocess).
LEFT_OUT = ("kpi_xl/template/", "kpi_xl/cli.py", "kpi_xl/__main__.py", "kpi_xl/doctor.py", "kpi_xl/render.py")
_TIME = (2024, 1, 1, 0, 0, 0)


def version() -> str:
    return re.search(r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text(), re.M).group(1)


def requires() -> list[str]:
    """Pyodide's numpy and pandas, and xlwings from the version pyproject.toml pins for the desktop."""
    pinned = re.search(r'"xlwings==([^"]+)"', (ROOT / "pyproject.toml").read_text()).group(1)
    return [*REQUIRES, f"xlwings>={pinned}"]


def files() -> list[str]:
    """The package files of the wheel, relative to the checkout."""
    found = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "kpi_xl").rglob("*")
                   if p.is_file() and p.suffix in (".py", ".txt") and "__pycache__" not in p.parts)
    return [f for f in found if not f.startswith(LEFT_OUT)]


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def build(out_dir: str | Path = ROOT / "dist") -> Path:
    ver = version()
    info = f"{NAME}-{ver}.dist-info"
    metadata = "\n".join(["Metadata-Version: 2.1", f"Name: {NAME.replace('_', '-')}", f"Version: {ver}",
                          "Summary: kpi_xl for xlwings Lite: the KPI engine, the KPI_* formulas and the workbook's "
                          "scripts, pure Python", "Requires-Python: >=3.10",
                          *[f"Requires-Dist: {r}" for r in requires()], ""])
    wheel = "Wheel-Version: 1.0\nGenerator: kpi_xl scripts/build_lite_wheel.py\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    entries = [(f, (ROOT / f).read_bytes()) for f in files()]
    entries += [(f"{info}/METADATA", metadata.encode()), (f"{info}/WHEEL", wheel.encode())]
    record = "\n".join([_record_line(n, d) for n, d in entries] + [f"{info}/RECORD,,", ""])
    entries.append((f"{info}/RECORD", record.encode()))
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{NAME}-{ver}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in entries:
            target.writestr(zipfile.ZipInfo(name, date_time=_TIME), data, zipfile.ZIP_DEFLATED)
    return path


if __name__ == "__main__":
    built = build(*sys.argv[1:2])
    print(f"built {built} ({built.stat().st_size:,} bytes)")
