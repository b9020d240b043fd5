"""The xlwings Lite edition on CPython, through xlwings' own Office.js code (XLWINGS_ON_SERVER=true in a child
process per call, never in this one): the registration Lite reads, the four scripts on ``xw.Book(json=...)``,
and the module set importing without the desktop's file libraries."""

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import types
import zipfile
from pathlib import Path

import pytest

from kpi_xl.excel.books import FileBook, fill_inputs
from kpi_xl.excel.package import Package
from kpi_xl.excel.refresh import refresh_file
from kpi_xl.layout import LITE_STATUS_NAME
from kpi_xl.lite.speed import jsnull_check
from kpi_xl.sample import sample_shop
from kpi_xl.schema import INPUT_TABLES
from kpi_xl.template.build import LITE_TEMPLATE_NAME, build_template

from dashboard_writes import assert_same_dashboard, written

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
#: The worksheet functions of the desktop edition (README), but KPI_CUSTOM, which reads the calling workbook:
#: Lite cannot hand a formula its caller, so it is left out there.
LITE_FUNCTIONS = {"KPI_CONVERSION_RATE", "KPI_CTR", "KPI_CAC", "KPI_CHURN_RATE", "KPI_RETENTION_RATE",
                  "KPI_REPEAT_RATE", "KPI_GROSS_PROFIT", "KPI_GROSS_MARGIN", "KPI_AOV", "KPI_LTV", "KPI_LTV_CAC",
                  "KPI_ROAS", "KPI_ENGAGEMENT_RATE", "KPI_COHORTS", "KPI_CUSTOMERS", "KPI_LTV_REALISED", "KPI_CLV"}
SCRIPTS = {"refresh", "check_data", "import_files", "load_sample"}


def lite(*args):
    env = {**os.environ, "XLWINGS_ON_SERVER": "true", "XLWINGS_LICENSE_KEY": "noncommercial"}
    run = subprocess.run([sys.executable, str(HERE / "xlwings_lite_calls.py"), *map(str, args)],
                         capture_output=True, text=True, env=env, check=False, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout)


@pytest.fixture(scope="module")
def meta():
    return lite("meta")


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    """A Lite workbook holding the sample shop, not refreshed."""
    path = build_template(tmp_path_factory.mktemp("lite") / "shop.xlsx", edition="lite")
    book = FileBook(path)
    shop = sample_shop()
    fill_inputs(book, {"orders": shop.orders, "traffic": shop.traffic, "marketing": shop.marketing,
                       "social": shop.social})
    book.save()
    return path


def test_every_function_registers_with_its_help_and_no_caller(meta):
    functions = {f["name"]: f for f in meta["functions"]["functions"]}
    assert set(functions) == LITE_FUNCTIONS
    for name, function in functions.items():
        assert len(function["description"]) > 20, name
        params = [p["name"] for p in function["parameters"]]
        assert "caller" not in params, name
        assert all(len(p["description"]) > 5 for p in function["parameters"]), name
        assert function["result"]["dimensionality"] == "matrix", name  # spills: dynamic arrays
    assert [p["name"] for p in functions["KPI_CAC"]["parameters"]] == ["acquisition_spend", "new_customers"]


def test_the_four_scripts_are_listed_with_buttons_that_the_workbook_holds(meta):
    scripts = {s["function_name"]: s for s in meta["scripts"]}
    assert set(scripts) == SCRIPTS
    with zipfile.ZipFile(ROOT / LITE_TEMPLATE_NAME) as package:
        drawing = package.read("xl/drawings/drawing1.xml").decode()
        rels = package.read("xl/drawings/_rels/drawing1.xml.rels").decode()
    for name, script in scripts.items():
        shape, sheet, cell = re.fullmatch(r"\[(\w+)\]([^!]+)!([A-Z]+\d+)", script["button"]).groups()
        assert sheet == "Tableau de bord", name
        rel_id = re.search(rf'name="{shape}"[^>]*>\s*<a:hlinkClick [^>]*r:id="(\w+)"', drawing).group(1)
        target = re.search(rf'Target="([^"]+)" Id="{rel_id}"', rels).group(1)
        assert target == f"#'{sheet}'!{cell}", name  # the shape's link selects the cell its script names


def test_the_lite_module_set_imports_without_the_desktop_file_libraries():
    loaded = set(lite("blocked"))
    assert {"kpi_xl.lite.main", "kpi_xl.lite.scripts", "kpi_xl.excel.udfs", "kpi_xl.excel.refresh",
            "kpi_xl.importers"} <= loaded
    assert not loaded & {"kpi_xl.excel.package", "kpi_xl.excel.typed_columns", "kpi_xl.excel.styles"}


def test_the_refresh_script_writes_what_the_headless_refresh_writes(filled, tmp_path):
    actions = lite("script", "refresh", filled)
    copy = shutil.copy(filled, tmp_path / "headless.xlsx")
    fill = refresh_file(copy, now=dt.datetime(2026, 1, 1))
    package = Package(copy)
    dashboard = list(package.sheets).index("Tableau de bord")
    assert {a["sheet_position"] for a in actions if a["func"] != "alert"} == {dashboard}  # inputs untouched
    assert not [a for a in actions if a["func"] == "alert"]  # the sample has no problem: no message box
    assert assert_same_dashboard(actions, fill, copy) > 500
    cells = written(actions)
    _sheet, (row, col, _r, _c) = package.name_target(LITE_STATUS_NAME)
    assert cells[(dashboard, row, col)] == "Terminé / Done"  # the last word of the status cell


def test_import_reads_the_exports_under_data_into_the_orders_table(tmp_path):
    book = build_template(tmp_path / "book.xlsx", edition="lite")
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(ROOT / "docs" / "examples" / "orders_export.csv", data)
    actions = lite("script", "import_files", book, data)
    orders = list(Package(book).sheets).index("Commandes")
    assert any(a["func"] == "setValues" and a["sheet_position"] == orders for a in actions)
    alert = next(a for a in actions if a["func"] == "alert")
    assert alert["args"][0].startswith("orders_export.csv :")


def test_import_without_a_file_says_where_to_put_one(tmp_path):
    book = build_template(tmp_path / "book.xlsx", edition="lite")
    actions = lite("script", "import_files", book, tmp_path / "empty")
    alert = next(a for a in actions if a["func"] == "alert")
    assert "Files" in alert["args"][0] and "Aucun export" in alert["args"][0]
    status = [a["values"] for a in actions if a["func"] != "alert"]  # nothing but the status cell is written
    assert status and status[-1] == [[alert["args"][0].splitlines()[0]]]
    assert all(v in ([[""]], status[-1]) for v in status)


def test_the_sample_is_never_loaded_over_the_users_data(filled):
    actions = lite("script", "load_sample", filled)
    alert = next(a for a in actions if a["func"] == "alert")
    assert "Commandes" in alert["args"][0] and "déjà des données" in alert["args"][0]
    orders = list(Package(filled).sheets).index("Commandes")
    assert not [a for a in actions if a.get("sheet_position") == orders]


def test_loading_main_replaces_xlwings_per_cell_jsnull_import(meta):
    assert meta["is_jsnull_once"] is True


def test_the_jsnull_check_imports_once_and_still_tells_jsnull(monkeypatch):
    assert jsnull_check()(None) is False  # CPython: no pyodide, no JsNull
    fake = types.ModuleType("pyodide.ffi")

    class JsNull:  # stands for Pyodide's sentinel
        pass

    fake.JsNull = JsNull
    monkeypatch.setitem(sys.modules, "pyodide", types.ModuleType("pyodide"))
    monkeypatch.setitem(sys.modules, "pyodide.ffi", fake)
    check = jsnull_check()
    monkeypatch.delitem(sys.modules, "pyodide.ffi")  # imported once: the check no longer needs it
    assert check(JsNull()) is True and check(None) is False and check("") is False


def test_the_sample_fills_empty_tables_and_leaves_the_refresh_to_its_button(tmp_path):
    """A Lite script cannot read what it wrote: the sample goes into the four input tables, nothing else."""
    book = build_template(tmp_path / "empty.xlsx", edition="lite")
    actions = lite("script", "load_sample", book)
    sheets = list(Package(book).sheets)
    resized = {a["sheet_position"]: a["args"][1] for a in actions if a["func"] == "resizeTable"}
    inputs = {sheets.index(t) for t in ("Commandes", "Trafic", "Marketing", "Réseaux sociaux", "Mes indicateurs")}
    assert set(resized) == inputs
    shop = sample_shop()
    assert resized[sheets.index("Commandes")] == f"$A$4:$I${4 + len(shop.orders)}"  # header row 4, one row each
    alert, = [a for a in actions if a["func"] == "alert"]
    assert alert["args"][0] == "Exemple chargé : cliquez sur Actualiser. / Sample loaded: click Refresh."
    dashboard, settings = sheets.index("Tableau de bord"), sheets.index("Paramètres")
    assert {a["sheet_position"] for a in actions if a["func"] == "setValues"} == inputs | {dashboard, settings}
    # + the status cell, and the sample's opening day (its first order: its orders are complete since then)
    opened, = [a for a in actions if a["func"] == "setValues" and a["sheet_position"] == settings]
    _sheet, (row, column, _r2, _c2) = Package(book).name_target("kpi_opened")
    assert (opened["start_row"], opened["start_column"], opened["values"]) == (row - 1, column - 1, [["2024-01-01"]])


def test_the_sample_keeps_the_users_own_kpis(tmp_path):
    """The input tables are empty but My KPIs holds the user's own KPI: the sample fills the four input tables
    and leaves that table (and its row) as the user typed it."""
    book = build_template(tmp_path / "mine.xlsx", edition="lite")
    mine = FileBook(book)
    mine.write_table_cells(INPUT_TABLES["custom"].table, {(1, 0): "Mon indicateur secret", (1, 1): "revenue / orders"},
                           last_offset=1)
    mine.save()
    actions = lite("script", "load_sample", book)
    custom_sheet = list(Package(book).sheets).index("Mes indicateurs")
    assert not [a for a in actions if a["sheet_position"] == custom_sheet and a["func"] in ("resizeTable", "setValues")]
    assert {a["sheet_position"] for a in actions if a["func"] == "resizeTable"} == {
        list(Package(book).sheets).index(t) for t in ("Commandes", "Trafic", "Marketing", "Réseaux sociaux")}


def test_the_refresh_speaks_the_workbooks_language(tmp_path):
    """An English workbook with a text in an amount: the alert and the check rows are English."""
    book = build_template(tmp_path / "en.xlsx", lang="en", edition="lite")
    filled = FileBook(book)
    fill_inputs(filled, sample_shop().tables("en"), "en")
    filled.save()
    package = Package(book)
    package.write_cells("Orders", {(5, 4): "abc"})  # the first order's net revenue (header on row 4)
    package.save()
    alert, = [a for a in lite("script", "refresh", book) if a["func"] == "alert"]
    assert alert["args"][0] == "1 problem(s) in the data: see the data checks at the bottom of the dashboard."


def test_import_takes_one_changing_export_per_click(tmp_path):
    """Two exports for the orders table: the first is merged, the second waits for the next click (this
    click's view of the table would not hold the first one's rows)."""
    book = build_template(tmp_path / "book.xlsx", edition="lite")
    data = tmp_path / "data"
    data.mkdir()
    text = (ROOT / "docs" / "examples" / "orders_export.csv").read_text(encoding="utf-8")
    (data / "a_orders.csv").write_text(text, encoding="utf-8")
    (data / "b_orders.csv").write_text(text.replace("#100", "#200"), encoding="utf-8")
    actions = lite("script", "import_files", book, data)
    alert, = [a for a in actions if a["func"] == "alert"]
    assert alert["args"][0].startswith("a_orders.csv :") and "b_orders.csv :" not in alert["args"][0]
    assert "Cliquez encore sur Importer pour : b_orders.csv." in alert["args"][0]
    orders = list(Package(book).sheets).index("Commandes")
    ids = [v for (sheet, _row, col), v in written(actions).items() if sheet == orders and col == 2 and v]
    assert sorted(ids) == ["#1001", "#1002", "#1003", "#1004", "#1005"]  # file a's order numbers (the example's)


def test_check_the_data_writes_nothing_but_the_status_cell(filled):
    actions = lite("script", "check_data", filled)
    alert, = [a for a in actions if a["func"] == "alert"]
    rows = len(sample_shop().orders)
    assert alert["args"][0].startswith("Aucun problème : ") and "lignes lues" in alert["args"][0]
    assert int(alert["args"][0].split(": ")[1].split()[0]) >= rows  # the orders and the monthly rows were read
    package = Package(filled)
    _sheet, (row, col, _r, _c) = package.name_target(LITE_STATUS_NAME)
    dashboard = list(package.sheets).index("Tableau de bord")
    assert set(written(actions)) == {(dashboard, row, col)}
