"""Child process of :mod:`kpi_xl.template.udf_wrapper`: runs xlwings' Windows wrapper generator.

``xlwings.udfs`` imports three pywin32 modules at import time; on Linux and macOS
they are replaced here by empty stand-ins (the generator itself only writes
text). xlwings' Windows decorators are then put in place of the no-op ones so
that importing the UDF module records the same metadata as on Windows. This
runs in its own process so that none of it leaks into the caller.

Usage: ``python -m kpi_xl.template._wrapper_child MODULE WORKBOOK_NAME`` prints JSON.
"""

from __future__ import annotations

import importlib
import io
import json
import sys
import types


def _stub_pywin32() -> None:
    pythoncom = types.ModuleType("pythoncom")
    pythoncom.CoInitialize = lambda: None
    pywintypes = types.ModuleType("pywintypes")
    pywintypes.com_error = type("com_error", (Exception,), {})
    win32com = types.ModuleType("win32com")
    client = types.ModuleType("win32com.client")
    client.Dispatch = lambda *args, **kwargs: None
    win32com.client = client
    for name, module in {"pythoncom": pythoncom, "pywintypes": pywintypes, "win32com": win32com,
                         "win32com.client": client}.items():
        sys.modules.setdefault(name, module)


def main(module_name: str, workbook_name: str) -> dict:
    _stub_pywin32()
    import xlwings
    from xlwings import udfs

    xlwings.func, xlwings.arg, xlwings.ret = udfs.xlfunc, udfs.xlarg, udfs.xlret
    module = importlib.import_module(module_name)
    out = io.StringIO()
    workbook = types.SimpleNamespace(Name=workbook_name)
    udfs.generate_vba_wrapper(module_name, module, out, workbook)
    functions = []
    for name in sorted(dir(module)):
        meta = getattr(getattr(module, name), "__xlfunc__", None)
        if meta is None:
            continue
        functions.append({
            "name": meta["name"],
            "description": meta["ret"]["doc"],
            "category": meta["category"],
            # hidden: VBA fills the argument in (xlwings' ``caller``); the user never types it
            "args": [{"name": a["name"], "doc": a["doc"], "optional": "optional" in a,
                      "hidden": bool(a["vba"]) or a["name"] == "caller"} for a in meta["args"]],
        })
    return {"xlwings_version": xlwings.__version__, "vba": out.getvalue(), "functions": functions}


if __name__ == "__main__":
    json.dump(main(sys.argv[1], sys.argv[2]), sys.stdout)
