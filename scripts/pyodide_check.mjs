// Loads the kpi_xl_lite wheel into Pyodide in Node and runs what it can; prints one JSON line.
// Usage: node scripts/pyodide_check.mjs WHEEL PYODIDE_DIR [PAYLOAD.json]
//   PAYLOAD.json: what Excel sends for a Lite workbook holding the sample shop (tests/xlwings_remote_refresh.py's
//   payload), for the Lite refresh once xlwings is installed.
//   PYODIDE_DIR: a folder holding node_modules/pyodide (npm install pyodide), outside the repository or in
//   the git-ignored .pyodide/. Pyodide's own packages (numpy, pandas) are fetched from its package
//   index; where that cannot be reached the check says so ("skipped") after the steps it could run.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const [wheel, pyodideDir, payloadFile] = process.argv.slice(2);
const require = createRequire(path.join(path.resolve(pyodideDir), "package.json"));
const { loadPyodide } = require("pyodide");
const out = { pyodide: null, python: null, steps: [] };
const py = await loadPyodide();
out.pyodide = py.version;
out.python = py.runPython("import sys; sys.version.split()[0]");
py.unpackArchive(new Uint8Array(readFileSync(wheel)), "wheel");
out.steps.push("wheel unpacked");
// before numpy: which modules of the wheel import (those that need no numpy), which wait for numpy
out.before_numpy = JSON.parse(py.runPython(`
import importlib, json
found = {}
for name in ("kpi_xl.schema", "kpi_xl.layout", "kpi_xl.labels", "kpi_xl.errors", "kpi_xl.custom", "kpi_xl.kpis"):
    try:
        importlib.import_module(name)
        found[name] = "imported"
    except ModuleNotFoundError as error:
        found[name] = f"needs {error.name}"
json.dumps(found)`));
out.steps.push("wheel imported as far as it goes without numpy");
let failure = "";
try {
  await py.loadPackage(["numpy", "pandas"], { messageCallback: () => {}, errorCallback: (m) => { failure += (failure ? " " : "") + m.trim(); } });
} catch (error) {
  failure ||= String(error).split("\n")[0];
}
if (!py.runPython("import importlib.util; all(importlib.util.find_spec(m) for m in ('numpy', 'pandas'))")) {
  out.status = "skipped";
  out.reason = "Pyodide's numpy and pandas wheels are not in the npm package and its package index " +
    "could not be reached: " + (failure || "not found");
  console.log(JSON.stringify(out));
  process.exit(0);
}
out.steps.push("numpy, pandas loaded");
out.core = JSON.parse(py.runPython(`
import json
from kpi_xl.sample import sample_shop
from kpi_xl.report import monthly_kpis
from kpi_xl.orders import cohort_matrix
shop = sample_shop()
table = monthly_kpis(shop.orders, shop.traffic, shop.marketing, shop.social, inactivity_days=180)
json.dumps({"revenue": float(table["revenue"].sum()), "months": len(table),
            "cohorts": int(cohort_matrix(shop.orders).shape[0])})`));
out.steps.push("core ran");
out.status = "core ran";
try {
  await py.loadPackage("micropip");
  await py.runPythonAsync("import micropip; await micropip.install('xlwings')");
  out.steps.push("xlwings installed");
  if (payloadFile) {
    py.globals.set("payload_text", readFileSync(payloadFile, "utf8"));
    out.lite = JSON.parse(await py.runPythonAsync(`
import json, os
os.environ["XLWINGS_ON_SERVER"] = "true"
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
import xlwings as xw
from xlwings.server import custom_scripts_call
import kpi_xl.lite.main as main
book = xw.Book(json=json.loads(payload_text))
await custom_scripts_call(main, "refresh", typehint_to_value={xw.Book: book})
actions = book.json()
actions = json.loads(actions)["actions"] if isinstance(actions, str) else actions["actions"]
json.dumps({"actions": len(actions), "alerts": [a["args"][0] for a in actions if a["func"] == "alert"]})`));
    out.steps.push("Lite refresh ran");
  }
  out.status = "core and Lite refresh ran";
} catch (error) {
  out.lite = "xlwings could not be installed here: " + String(error).split("\n")[0];
}
console.log(JSON.stringify(out));
