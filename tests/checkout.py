"""The tests test this checkout: child processes import the kpi_xl of this tree, never an installed copy."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def checkout_env(**extra: str) -> dict[str, str]:
    """The environment for a child process that must run this checkout's kpi_xl."""
    env = {**os.environ, **extra}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
    return env


def kpi_xl_command(*args: str) -> list[str]:
    """``kpi-xl ARGS`` as this checkout runs it."""
    return [sys.executable, "-m", "kpi_xl", *args]
