"""The ribbon's refresh through the real xlwings Book API (xlwings' remote engine, xw.Book(json=...))."""

import datetime as dt
import shutil

import pytest

from kpi_xl.excel.package import Package
from kpi_xl.excel.books import FileBook, fill_inputs
from kpi_xl.excel.refresh import refresh_file
from kpi_xl.sample import sample_shop
from kpi_xl.template.build import build_template
from dashboard_writes import assert_same_dashboard, written
from xlwings_paths import remote_refresh_actions


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    path = build_template(tmp_path_factory.mktemp("excel") / "book.xlsm")
    shop = sample_shop()
    file_book = FileBook(path)
    fill_inputs(file_book, {"orders": shop.orders, "traffic": shop.traffic, "marketing": shop.marketing})
    file_book.save()  # no social rows: the engagement KPIs are undefined, so #N/A goes into the trend
    return path


@pytest.fixture(scope="module")
def actions(book):
    return remote_refresh_actions(book)


def test_excel_writes_values_into_the_dashboard_only(book, actions):
    dashboard = list(Package(book).sheets).index("Tableau de bord")
    # values, the number formats of KPI cells (currency, custom KPIs) and the print area: nothing else
    assert actions and {a["func"] for a in actions} == {"setValues", "setNumberFormat", "setPrintArea"}
    assert {a["sheet_position"] for a in actions} == {dashboard}  # input sheets are never touched


def test_excel_path_writes_what_the_headless_refresh_writes(book, actions, tmp_path):
    copy = tmp_path / "headless.xlsm"
    shutil.copy(book, copy)
    fill = refresh_file(copy, now=dt.datetime(2026, 1, 1))
    assert assert_same_dashboard(actions, fill, copy) > 500
    cells = written(actions)
    assert any(v == "=NA()" for v in cells.values())  # the engagement trend, undefined without social data


def test_the_ribbon_import_writes_rows_into_the_orders_table_only(tmp_path):
    from test_importers import SHOPIFY_2025, shopify_rows, write_csv

    template = build_template(tmp_path / "empty.xlsm")
    export = write_csv(tmp_path / "orders_export.csv", SHOPIFY_2025, shopify_rows())
    actions = remote_refresh_actions(template, export)
    orders = list(Package(template).sheets).index("Commandes")
    log = list(Package(template).sheets).index("Journal des imports")
    assert {a["sheet_position"] for a in actions} == {orders, log}  # the orders, and the import log's row
    resize, = [a for a in actions if a["func"] == "resizeTable"]
    assert resize["args"][1] == "$A$4:$I$9"  # header + the 5 imported orders (#1005's customer unknown)
    cells = written([a for a in actions if a["func"] == "setValues"])
    ids = [cells[(orders, row, 2)] for row in range(5, 10)]
    assert ids == ["#1001", "#1002", "#1003", "#1004", "#1005"]
    assert cells[(orders, 5, 9)] == "shopify" and cells[(log, 5, 3)] == "orders_export.csv"
    assert cells[(orders, 6, 7)] == "remboursée" and cells[(orders, 8, 4)] == 60.0


def test_text_from_data_reaches_excel_as_text(tmp_path):
    """A customer named like a formula (a DDE or HYPERLINK payload in an export) and an order number like
    00123 must reach Excel as text: xlwings would hand Excel "=..." as a formula and "00123" as 123, so the
    add-in writes them with Excel's text prefix (the apostrophe, which is not part of the value)."""
    from test_importers import SHOPIFY_2025, write_csv

    payload = '=HYPERLINK("http://attacker.example","click")'
    rows = [{"Name": "00123", "Email": payload, "Financial Status": "paid", "Currency": "EUR", "Subtotal": "50.00",
             "Created at": "2025-12-07 19:08:25 +0100", "Lineitem quantity": "1", "Lineitem price": "50.00"},
            {"Name": "#1002", "Email": "-cmd|' /C calc'!A0", "Financial Status": "paid", "Currency": "EUR",
             "Subtotal": "20.00", "Created at": "2025-12-08 10:00:00 +0100", "Lineitem quantity": "1",
             "Lineitem price": "20.00"}]
    template = build_template(tmp_path / "empty.xlsm")
    export = write_csv(tmp_path / "orders_export.csv", SHOPIFY_2025, rows)
    actions = remote_refresh_actions(template, export)
    values = [v for a in actions if a["func"] == "setValues" for row in a["values"] for v in row]
    assert "'" + payload.lower() in values and payload.lower() not in values  # e-mails are kept in lower case
    assert "'-cmd|' /c calc'!a0" in values
    assert "'00123" in values and "00123" not in values and 123 not in values
    assert "#1002" in values  # text Excel keeps as it is goes unchanged
