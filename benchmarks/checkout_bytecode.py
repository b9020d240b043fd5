"""Measure kpi_xl as an installed copy runs: from bytecode, not compiled from source in every process.

``pip install`` compiles a package's modules to ``__pycache__`` once; a checkout run on a machine
that sets ``PYTHONDONTWRITEBYTECODE=1`` (this one does) compiles all of kpi_xl's modules from source
in every fresh process instead: 40-65 ms of CPU for the refresh's 31 modules, which no user pays
(numpy, pandas and fastexcel, installed, are read from their bytecode). The benchmarks that time
fresh processes call :func:`compile_checkout` first (``__pycache__`` is ignored by git; Python checks
each file's size and date and reads the source again if it changed).
"""

import compileall
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def compile_checkout() -> None:
    """Write the bytecode of the checkout's kpi_xl (all subpackages) next to its sources."""
    compileall.compile_dir(str(ROOT / "kpi_xl"), quiet=1)
