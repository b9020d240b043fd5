"""Helpers to reach xlwings' own code paths from the tests, each in a child process."""

import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def server_calls(payloads):
    """Results of KPI_* calls made through xlwings.server.custom_functions_call (Office.js payloads)."""
    env = {**os.environ, "XLWINGS_ON_SERVER": "true", "XLWINGS_LICENSE_KEY": "noncommercial"}
    run = subprocess.run([sys.executable, str(HERE / "xlwings_server_calls.py")], input=json.dumps(payloads),
                         capture_output=True, text=True, env=env, check=False)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def _run_remote(book, *args):
    env = {**os.environ, "XLWINGS_LICENSE_KEY": "noncommercial"}
    env.pop("XLWINGS_ON_SERVER", None)
    return subprocess.run([sys.executable, str(HERE / "xlwings_remote_refresh.py"), str(book), *args],
                          capture_output=True, text=True, env=env, check=False)


def _remote(book, *args):
    """JSON printed by xlwings_remote_refresh.py on ``book`` (xlwings' remote engine, its own process)."""
    run = _run_remote(book, *args)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def remote_import_refusal(book, export):
    """The message of the KpiInputError refusing the import of ``export`` into ``book`` through xlwings' remote
    engine, or None when the import went through."""
    run = _run_remote(book, str(export))
    if run.returncode == 0:
        return None
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith("kpi_xl.errors.KpiInputError: "), run.stderr
    return last.removeprefix("kpi_xl.errors.KpiInputError: ")


def remote_refresh_actions(book, export=None):
    """The actions xlwings' remote engine would send to Excel for the ribbon's refresh of ``book``
    (or for the import of ``export`` into it)."""
    return _remote(book, *([str(export)] if export else []))


def remote_custom_value(book, name):
    """What =KPI_CUSTOM(name) shows in a cell of ``book``, through xlwings' remote engine."""
    return _remote(book, "--custom", name)
