// xlwings' per-cell is_jsnull in Pyodide itself (no numpy needed): 200,000 calls of xlwings' code
// (`from pyodide.ffi import JsNull` then isinstance, as xlwings.utils.is_jsnull) against the check with
// the import done once (kpi_xl/lite/speed.py). Run: node benchmarks/jsnull_pyodide.mjs PYODIDE_DIR [CALLS]
import { createRequire } from "node:module";
import path from "node:path";

const [pyodideDir, calls = "200000"] = process.argv.slice(2);
const require = createRequire(path.join(path.resolve(pyodideDir), "package.json"));
const { loadPyodide } = require("pyodide");
const py = await loadPyodide();
console.log(py.runPython(`
import time

def xlwings_is_jsnull(value):  # xlwings.utils.is_jsnull, as xlwings 0.37.8 has it
    try:
        from pyodide.ffi import JsNull
    except ImportError:
        return False
    return isinstance(value, JsNull)

try:
    from pyodide.ffi import JsNull
    def once(value):
        return isinstance(value, JsNull)
except ImportError:
    def once(value):
        return False

def timed(check, n):
    cells = [45000.0, "C000123"] * (n // 2)
    started = time.perf_counter()
    for cell in cells:
        check(cell)
    return time.perf_counter() - started

import pyodide, sys
n = ${Number(calls)}
has = "JsNull" in dir(__import__("pyodide.ffi").ffi)
a, b = min(timed(xlwings_is_jsnull, n) for _ in range(3)), min(timed(once, n) for _ in range(3))
f"Pyodide {pyodide.__version__} (JsNull {'present' if has else 'absent'}): {n:,} cells: xlwings' is_jsnull {a:.3f} s, imported once {b:.3f} s, {a / b:.0f}x"
`));
