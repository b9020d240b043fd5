"""The suite tests the code of this tree: a change is tested without reinstalling the package."""

import subprocess
import sys

import kpi_xl
from checkout import ROOT, checkout_env


def test_the_imported_package_is_the_checkout():
    assert ROOT / "kpi_xl" / "__init__.py" == __import__("pathlib").Path(kpi_xl.__file__).resolve(), \
        f"the tests import {kpi_xl.__file__}, not this checkout: run pytest from the checkout"


def test_child_processes_import_the_checkout(tmp_path):
    run = subprocess.run([sys.executable, "-c", "import kpi_xl; print(kpi_xl.__file__)"], cwd=tmp_path,
                         env=checkout_env(), capture_output=True, text=True, check=True)
    assert run.stdout.strip() == str(ROOT / "kpi_xl" / "__init__.py")
