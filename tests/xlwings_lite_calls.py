"""Drives kpi_xl/lite/main.py the way xlwings Lite does, through xlwings' own Office.js code (tests only).

Run in its own process with XLWINGS_ON_SERVER=true (the shipped add-in never imports xlwings.server):
  meta                      prints the registration metadata of the custom functions and of the scripts;
  script NAME BOOK [DATA]   runs the script NAME on xw.Book(json=...) of the workbook file BOOK (with the
                            files of the folder DATA as Lite's /data) and prints the actions xlwings would send;
  blocked                   imports the Lite module set with lxml, python_calamine, openpyxl, fastexcel,
                            pyarrow and subprocess blocked, and prints which kpi_xl modules were loaded.
"""

import asyncio
import importlib.abc
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # this checkout's kpi_xl
sys.path.insert(0, str(HERE))

BLOCKED = ("lxml", "python_calamine", "openpyxl", "fastexcel", "pyarrow", "subprocess")


class _Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"{name} is blocked: it does not exist in xlwings Lite")
        return None


def blocked() -> None:
    import numpy  # noqa: F401  (what Pyodide brings: numpy, pandas, and xlwings itself)
    import pandas  # noqa: F401
    import xlwings  # noqa: F401

    for name in list(sys.modules):  # pandas imports subprocess for itself: our code must not need it
        if name.split(".")[0] in BLOCKED:
            del sys.modules[name]
    sys.meta_path.insert(0, _Blocker())
    import kpi_xl.lite.main  # noqa: F401
    import kpi_xl.importers  # noqa: F401  (the Import button's parsers)
    import kpi_xl.sample  # noqa: F401  (the Load the sample button's generator)

    print(json.dumps(sorted(m for m in sys.modules if m.startswith("kpi_xl"))))


def meta() -> None:
    from xlwings.server import custom_functions_meta, custom_scripts_meta

    from xlwings import utils

    import kpi_xl.lite.main as main

    print(json.dumps({"functions": custom_functions_meta(main), "scripts": custom_scripts_meta(main),
                      "is_jsnull_once": getattr(utils.is_jsnull, "kpi_xl_once", False)}))


def script(name: str, book_path: str, data: str | None = None) -> None:
    import xlwings as xw
    from xlwings.server import custom_scripts_call
    from xlwings_remote_refresh import payload

    import kpi_xl.lite.main as main
    from kpi_xl.lite import scripts

    scripts.DATA_DIR = Path(data) if data else Path(book_path).parent / "no-such-folder"
    book = xw.Book(json=payload(book_path))
    asyncio.run(custom_scripts_call(main, name, typehint_to_value={xw.Book: book}))
    actions = book.json()
    print(json.dumps(json.loads(actions)["actions"] if isinstance(actions, str) else actions["actions"],
                     default=str))


if __name__ == "__main__":
    {"meta": meta, "script": script, "blocked": blocked}[sys.argv[1]](*sys.argv[2:])
