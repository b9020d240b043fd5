"""The headless refresh of real workbooks: values, what must not change, and spoiled inputs."""

import datetime as dt
import json
import re
import shutil
import zipfile

import pandas as pd
import pytest
from workbook_cells import area, cell

from kpi_xl.cli import main as kpi_xl
from kpi_xl.errors import KpiInputError
from kpi_xl.excel.fill import NOT_AVAILABLE
from kpi_xl.excel.package import Package
from kpi_xl.excel.books import FileBook, fill_inputs
from kpi_xl.excel.lifetime_tiles import LIFETIME_KPIS
from kpi_xl.excel.refresh import refresh_file
from kpi_xl.labels import text
from kpi_xl.problem_text import problem_text
from kpi_xl.report import monthly_kpis
from kpi_xl.sample import sample_shop
from kpi_xl.schema import DASHBOARD, NAMES, TILE_KPIS, TREND_COLUMNS
from kpi_xl.template.build import build_template
from kpi_xl.layout import TILE_CELLS, tile_name

NOW = dt.datetime(2026, 1, 15, 9, 30)


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    """The template filled with the sample shop, not yet refreshed."""
    path = build_template(tmp_path_factory.mktemp("refresh") / "filled.xlsm")
    shop = sample_shop()
    book = FileBook(path)
    fill_inputs(book, {"orders": shop.orders, "traffic": shop.traffic, "marketing": shop.marketing,
                       "social": shop.social})
    book.save()
    return path


@pytest.fixture
def book(filled, tmp_path):
    copy = tmp_path / "book.xlsm"
    shutil.copy(filled, copy)
    return copy


@pytest.fixture(scope="module")
def core():
    shop = sample_shop()
    return monthly_kpis(shop.orders, shop.traffic, shop.marketing, shop.social, history_start=shop.opened,
                        as_of=shop.as_of)


def test_every_dashboard_value_equals_the_core(book, core):
    refresh_file(book, now=NOW)
    month = core.index[-1]
    for key, _ in TILE_KPIS:
        if key in LIFETIME_KPIS:  # not monthly KPIs: see test_dashboard_by_hand and test_cohort_value
            continue
        tile = area(book, tile_name(key))
        r, c = TILE_CELLS["value"]
        expected = core.at[month, key]
        if key in ("churn_rate", "retention_rate", "lifetime_value", "ltv_cac_ratio") and \
                core.at[month, "churn_status"] != "final":
            assert tile[r][c] == text("undefined", "fr")
        else:
            assert tile[r][c] == pytest.approx(expected), key
        r, c = TILE_CELLS["previous"]
        assert tile[r][c] == pytest.approx(core.at[month - 1, key]), key
    trend = area(book, NAMES["trend"])
    months = list(core.index[-12:])
    for i, m in enumerate(months, start=1):
        assert (trend[i][0].year, trend[i][0].month, trend[i][0].day) == (m.year, m.month, 1)
        for j, key in enumerate(TREND_COLUMNS, start=1):
            if pd.isna(core.at[m, key]):  # a cohort not old enough for its repurchase rate: #N/A, never a number
                assert not isinstance(trend[i][j], (int, float)), (m, key)
                continue
            assert trend[i][j] == pytest.approx(core.at[m, key]), (m, key)
    assert area(book, NAMES["refreshed_at"])[0][0] == NOW
    shown = area(book, NAMES["shown_month"])[0][0]
    assert (shown.year, shown.month, shown.day) == (2025, 12, 1)
    assert "Aucun problème" in area(book, NAMES["checks_summary"])[0][0]


def test_json_numbers_are_the_dashboard_numbers(book, capsys):
    """What `kpi-xl kpis --json` prints is what the refreshed dashboard shows, cell by cell."""
    refresh_file(book, now=NOW)
    assert kpi_xl(["kpis", str(book), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    month = data["reporting_month"]
    shown = cell(book, NAMES["shown_month"], (0, 0)).value
    assert month == f"{shown:%Y-%m}"
    for key, _target in TILE_KPIS:
        value = cell(book, tile_name(key), TILE_CELLS["value"]).value
        expected = data["months"][month][key]
        assert (value == text("undefined", "fr")) if expected is None else value == pytest.approx(expected), key
    for row in range(1, DASHBOARD.trend_rows + 1):
        stamp = cell(book, NAMES["trend"], (row, 0)).value
        for column, key in enumerate(TREND_COLUMNS, start=1):
            value = cell(book, NAMES["trend"], (row, column)).value
            expected = data["months"][f"{stamp:%Y-%m}"][key]
            assert (value == "=NA()") if expected is None else value == pytest.approx(expected), (stamp, key)


def parts(path):
    with zipfile.ZipFile(path) as package:
        return {name: package.read(name) for name in package.namelist()}


def test_only_the_dashboard_changes(book):
    before = parts(book)
    package = Package(book)
    dashboard_part = package.sheets["Tableau de bord"]
    refresh_file(book, now=NOW)
    after = parts(book)
    assert set(before) == set(after)
    changed = {name for name in before if before[name] != after[name]}
    assert changed <= {dashboard_part, "xl/workbook.xml", "xl/styles.xml"}, changed
    # styles are only added (number formats of KPI cells): every cell style the inputs use means what it meant
    old_xfs, new_xfs = (re.search(rb"<cellXfs.*?</cellXfs>", part["xl/styles.xml"], re.S).group(0)
                        for part in (before, after))
    old_records = re.findall(rb"<xf .*?(?:/>|</xf>)", old_xfs, re.S)
    assert re.findall(rb"<xf .*?(?:/>|</xf>)", new_xfs, re.S)[:len(old_records)] == old_records
    assert dashboard_part in changed
    for title in ("Commandes", "Trafic", "Marketing", "Réseaux sociaux", "Paramètres"):
        assert before[package.sheets[title]] == after[package.sheets[title]], title  # input sheets untouched
    for name in before:
        if name.startswith(("xl/charts/", "xl/drawings/", "xl/tables/", "customUI/")) or name == "xl/vbaProject.bin":
            assert before[name] == after[name], name


def test_the_same_inputs_give_the_same_dashboard(book, tmp_path):
    again = tmp_path / "again.xlsm"
    refresh_file(book, out=again, now=NOW)
    refresh_file(again, now=NOW)
    first = tmp_path / "first.xlsm"
    refresh_file(book, out=first, now=NOW)
    assert parts(again) == parts(first)


def test_a_failed_save_leaves_the_original_intact(book, monkeypatch, tmp_path):
    original = book.read_bytes()

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(zipfile.ZipFile, "writestr", broken)
    with pytest.raises(KpiInputError, match="disk full; the original is unchanged"):
        refresh_file(book, now=NOW)
    assert book.read_bytes() == original
    assert [p.name for p in book.parent.iterdir() if p.name.startswith(".kpi-xl-")] == []


def spoil(path, sheet, cells):
    package = Package(path)
    package.write_cells(sheet, cells)
    package.save()


# (sheet, {(row, col): value}, expected sheet/row/column, words) -- rows are sheet rows (data from row 5)
SPOILED = [
    ("Commandes", {(7, 4): "douze"}, ("Commandes", 7, "CA net"), "'douze' is not a number"),
    ("Commandes", {(8, 5): -12.5}, ("Commandes", 8, "Coût des marchandises"), "-12.5 is negative"),
    ("Commandes", {(9, 1): dt.datetime(2099, 1, 1)}, ("Commandes", 9, "Date"), "is in the future"),
    ("Commandes", {(10, 2): "#1001"}, ("Commandes", 10, "N° de commande"), "repeats the order number of row 5"),
    ("Commandes", {(11, 3): None}, ("Commandes", 11, "Client"), "every order needs a customer id"),
    ("Commandes", {(12, 7): "expédiée"}, ("Commandes", 12, "Statut"), "is not a known status"),
    ("Trafic", {(6, 4): 99999}, ("Trafic", 6, "Achats"), "is more than sessions"),
    ("Marketing", {(7, 3): "beaucoup"}, ("Marketing", 7, "Dépenses"), "'beaucoup' is not a number"),
    # January 2024's rows of the three platforms (the sample lists each platform's 24 months in turn)
    ("Réseaux sociaux", {(row, col): None for row in (5, 29, 53) for col in range(1, 10)},
     ("Réseaux sociaux", None, "Mois"), "has orders but no row in this sheet"),
]


@pytest.mark.parametrize("sheet, cells, where, words", SPOILED, ids=[s[3][:30] for s in SPOILED])
def test_spoiled_inputs_are_listed_and_the_dashboard_still_filled(book, sheet, cells, where, words):
    spoil(book, sheet, cells)
    fill = refresh_file(book, now=NOW)
    found = [p for p in fill.problems if (p.sheet, p.row, p.column) == where[:3] and words in str(p)]
    if where[1] is None:  # a missing month: Instagram's January row emptied, but other platforms remain
        found = [p for p in fill.problems if words in p.message and p.sheet == where[0]]
    assert found, [str(p) for p in fill.problems]
    checks = area(book, NAMES["checks"])
    listed = [row for row in checks[1:]  # the French workbook shows the message in French
              if row[0] == where[0] and str(row[4]) == problem_text(found[0].message, "fr") != found[0].message]
    assert listed, checks[:3]
    assert listed[0][5], "every listed problem says what to do"
    tile = area(book, tile_name("revenue"))
    assert isinstance(tile[TILE_CELLS["value"][0]][0], float)  # still filled from the valid rows
    assert "problème" in area(book, NAMES["checks_summary"])[0][0]


def test_a_renamed_column_stops_the_refresh_and_changes_nothing(book):
    spoil(book, "Commandes", {(4, 4): "Chiffre"})
    before = book.read_bytes()
    with pytest.raises(KpiInputError, match=r"sheet 'Commandes', table tblOrders: no column 'CA net' \(Net revenue\)"):
        refresh_file(book, now=NOW)
    assert book.read_bytes() == before


def test_a_deleted_table_stops_the_refresh(book, tmp_path):
    target = tmp_path / "no_table.xlsm"
    with zipfile.ZipFile(book) as zin, zipfile.ZipFile(target, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.startswith("xl/tables/") and b'displayName="tblTraffic"' in data:
                data = data.replace(b'displayName="tblTraffic"', b'displayName="Tableau1"')
            zout.writestr(item, data)
    with pytest.raises(KpiInputError, match="has no table 'tblTraffic'"):
        refresh_file(target, now=NOW)


def test_an_empty_orders_table_is_a_clear_error(tmp_path):
    template = build_template(tmp_path / "empty.xlsm")
    with pytest.raises(KpiInputError, match="the orders table is empty"):
        refresh_file(template, now=NOW)


def test_undefined_trend_cells_hold_na_for_the_charts(book):
    spoil(book, "Trafic", {(r, c): None for r in range(5, 29) for c in range(1, 7)})
    fill = refresh_file(book, now=NOW)
    trend = fill.writes[NAMES["trend"]]
    column = 1 + TREND_COLUMNS.index("conversion_rate")
    assert all(trend[(r, column)] == NOT_AVAILABLE for r in range(1, DASHBOARD.trend_rows + 1))
    assert any("the Trafic table is empty" in p.message for p in fill.problems)
