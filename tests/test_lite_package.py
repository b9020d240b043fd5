"""The Lite package: a pure-Python wheel with only numpy and pandas as dependencies (and xlwings), one line of
requirements.txt, and the check in Pyodide (Node) where a Pyodide is at hand."""

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from build_lite_wheel import build  # noqa: E402


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    return build(tmp_path_factory.mktemp("wheel"))


def test_requirements_txt_is_one_line_naming_the_lite_package():
    assert (ROOT / "kpi_xl" / "lite" / "requirements.txt").read_text().splitlines() == ["kpi-xl-lite"]


def test_the_wheel_is_pure_python_with_what_pyodide_brings_as_dependencies(wheel):
    assert wheel.name == "kpi_xl_lite-0.1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as package:
        names = package.namelist()
        metadata = package.read("kpi_xl_lite-0.1.0.dist-info/METADATA").decode()
    assert "kpi_xl/lite/main.py" in names and "kpi_xl/excel/udfs.py" in names and "kpi_xl/importers/shopify.py" in names
    assert not [n for n in names if n.startswith("kpi_xl/template/") or n in ("kpi_xl/cli.py", "kpi_xl/render.py")]
    assert all(n.endswith((".py", ".txt")) or ".dist-info/" in n for n in names)  # no compiled code
    requires = sorted(line.split(": ")[1] for line in metadata.splitlines() if line.startswith("Requires-Dist"))
    # Pyodide's two (scipy no longer: issue 18, kpi_xl/special_functions.py); xlwings as tested
    assert requires == ["numpy", "pandas", "xlwings>=0.37.8"]


def test_the_wheel_alone_gives_the_lite_module(wheel, tmp_path):
    """Imported from the wheel (zipimport), not from this checkout, in XLWINGS_ON_SERVER mode."""
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import kpi_xl.lite.main as m; "
            "print(m.__file__); print(sorted(n for n in dir(m) if n.startswith('KPI_')))")
    env = {**os.environ, "XLWINGS_ON_SERVER": "true", "XLWINGS_LICENSE_KEY": "noncommercial", "PYTHONPATH": ""}
    run = subprocess.run([sys.executable, "-c", code, str(wheel)], capture_output=True, text=True, env=env,
                         cwd=tmp_path, check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    where, names = run.stdout.splitlines()
    assert where.startswith(str(wheel)) and len(eval(names)) == 17  # noqa: S307 (a list printed by the child)


def _pyodide_dir() -> Path | None:
    for candidate in (os.environ.get("KPI_XL_PYODIDE_DIR"), ROOT / ".pyodide"):
        if candidate and (Path(candidate) / "node_modules" / "pyodide").is_dir():
            return Path(candidate)
    return None


def _sample_payload(folder: Path) -> Path:
    """What Excel sends xlwings Lite for a Lite workbook holding the sample shop."""
    from kpi_xl.excel.books import FileBook, fill_inputs
    from kpi_xl.sample import sample_shop
    from kpi_xl.template.build import build_template
    from xlwings_remote_refresh import payload

    path = build_template(folder / "sample.xlsx", edition="lite")
    book = FileBook(path)
    shop = sample_shop()
    fill_inputs(book, {"orders": shop.orders, "traffic": shop.traffic, "marketing": shop.marketing,
                       "social": shop.social})
    book.save()
    out = folder / "payload.json"
    out.write_text(json.dumps(payload(str(path)), default=str), encoding="utf-8")
    return out


def test_the_wheel_in_pyodide(wheel, tmp_path):
    folder = _pyodide_dir()
    if shutil.which("node") is None or folder is None:
        pytest.skip("no Node with the npm package pyodide (npm install pyodide in .pyodide/ or KPI_XL_PYODIDE_DIR)")
    run = subprocess.run(["node", str(ROOT / "scripts" / "pyodide_check.mjs"), str(wheel), str(folder),
                          str(_sample_payload(tmp_path))], capture_output=True, text=True, check=False, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["before_numpy"]["kpi_xl.schema"] == "imported"  # the wheel loads in Pyodide
    if result["status"] == "skipped":
        pytest.skip(f"Pyodide {result['pyodide']}: {result['reason']}")
    assert result["core"]["months"] == 24 and result["core"]["revenue"] > 0  # the sample shop: 24 months
    if result["status"] != "core and Lite refresh ran":
        pytest.skip(f"Pyodide {result['pyodide']}: the core ran; {result.get('lite')}")
    assert result["lite"]["alerts"] == [] and result["lite"]["actions"] > 10  # the sample refreshes silently
