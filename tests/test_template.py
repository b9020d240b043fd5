"""The template workbook, built from source into tmp_path and opened as Excel, openpyxl and LibreOffice would."""

import hashlib
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kpi_xl.schema import CUSTOM_SLOTS, DASHBOARD, INPUT_TABLES, NAMES, SETTINGS, SHEETS, TILE_KPIS, TREND_COLUMNS
from kpi_xl.template.build import BUILT_WITH_NAME, RIBBON_XML, TEMPLATE_NAME, XLSM_CONTENT_TYPE, build_template
from kpi_xl.layout import tile_name
from kpi_xl.template.sheets import INPUT_FIRST_ROW, XLWINGS_CONF

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return build_template(tmp_path_factory.mktemp("template") / TEMPLATE_NAME)


@pytest.fixture(scope="module")
def wb(template):
    return load_workbook(template, keep_vba=True)


def test_sheets_in_order_with_french_titles_and_code_names(wb):
    assert wb.sheetnames == [s.fr for s in SHEETS]
    assert [wb[s.fr].sheet_properties.codeName for s in SHEETS] == [s.code_name for s in SHEETS]
    assert wb.code_name == "ThisWorkbook"


def test_english_build(tmp_path):
    english = load_workbook(build_template(tmp_path / "en.xlsm", lang="en"))
    assert english.sheetnames == [s.en for s in SHEETS]
    assert [c.value for c in english["Orders"][INPUT_FIRST_ROW]][:3] == ["Date", "Order number", "Customer"]


@pytest.mark.parametrize("key", list(INPUT_TABLES))
def test_input_tables_are_typed_validated_and_frozen(wb, key):
    spec = INPUT_TABLES[key]
    ws = wb[spec.fr]
    table = ws.tables[spec.table]
    assert table.ref.startswith(f"A{INPUT_FIRST_ROW}:")
    assert [c.value for c in ws[INPUT_FIRST_ROW]][:len(spec.columns)] == [c.fr for c in spec.columns]
    assert ws.freeze_panes == f"A{INPUT_FIRST_ROW + 1}"
    validations = {str(dv.sqref).split(":")[0][:1]: dv for dv in ws.data_validations.dataValidation}
    for i, column in enumerate(spec.columns):
        letter = chr(ord("A") + i)
        dv = validations.get(letter)
        if column.kind in ("date", "month"):
            assert dv.type == "date", column.key
        elif column.kind in ("money", "count"):
            assert (dv.type, dv.operator, dv.formula1) == ("decimal", "greaterThanOrEqual", "0"), column.key
        elif column.kind == "choice":
            assert dv.type == "list" and column.choices in ("status", "channel", "platform", "format", "direction")
        fmt = ws.column_dimensions[letter].number_format
        assert fmt == {"date": "yyyy-mm-dd", "month": "yyyy-mm", "money": "#,##0.00", "ratio": "0.00",
                       "count": "#,##0"}.get(column.kind, "General"), column.key


def test_status_list_holds_the_three_statuses(wb):
    ws = wb["Commandes"]
    status = next(dv for dv in ws.data_validations.dataValidation if dv.type == "list" and "payée" in dv.formula1)
    assert status.formula1 == '"payée,remboursée,annulée"'


def test_every_area_has_a_defined_name_that_resolves(wb):
    expected = [s.name for s in SETTINGS] + list(NAMES.values()) + [tile_name(k) for k, _ in TILE_KPIS]
    tables = {name for ws in wb.worksheets for name in ws.tables}
    for name in expected:
        if name in tables:
            continue
        assert name in wb.defined_names, name
        destinations = list(wb.defined_names[name].destinations)
        assert destinations and all(sheet in wb.sheetnames for sheet, _ in destinations), name
    assert set(NAMES["targets"].split()) <= tables
    assert wb.defined_names[BUILT_WITH_NAME].attr_text.strip('"') == __import__("xlwings").__version__


def test_settings_have_defaults_and_targets(wb):
    ws = wb["Paramètres"]
    values = {}
    for setting in SETTINGS:
        sheet, ref = next(iter(wb.defined_names[setting.name].destinations))
        values[setting.key] = wb[sheet][ref.replace("$", "")].value
    assert values == {"company": "Ma boutique", "currency": "EUR", "reporting_month": None, "language": "FR",
                      "inactivity_days": 365, "history_start": None, "opened": None, "default_cogs_rate": None,
                      "import_path": None, "paid_only": None, "date_order": None}
    targets = ws.tables[NAMES["targets"]]
    rows = list(ws[targets.ref])
    assert len(rows) == 1 + len(TILE_KPIS)
    assert [r[-1].value for r in rows[1:]] == [k for k, _ in TILE_KPIS]  # the hidden key column


def test_dashboard_has_tiles_trend_charts_cohorts_and_checks(template, wb):
    ws = wb["Tableau de bord"]
    sheet, ref = next(iter(wb.defined_names[NAMES["trend"]].destinations))
    assert sheet == "Tableau de bord"
    header = [c.value for c in ws[ref.replace("$", "")][0]]
    # the month, the built-in KPIs, then one column per custom KPI slot
    assert header[0] == "Mois" and len(header) == 1 + len(TREND_COLUMNS) + CUSTOM_SLOTS == 16
    assert ws.conditional_formatting  # tile colours and the cohort colour scale
    rules = [rule for cf in ws.conditional_formatting for rule in cf.rules]
    assert sum(rule.type == "colorScale" for rule in rules) == 1
    # a status colour rule per mark and tile; a custom tile's header and body, a custom trend header
    # coloured only once the refresh names them
    assert sum(rule.type == "expression" for rule in rules) == 3 * (len(TILE_KPIS) + CUSTOM_SLOTS) + 3 * CUSTOM_SLOTS
    with zipfile.ZipFile(template) as package:
        charts = [n for n in package.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]
        assert len(charts) == len(DASHBOARD.charts) == 6
        for chart in charts:  # every series reads the trend table, as straight lines (no overshoot)
            xml = package.read(chart).decode()
            assert "'Tableau de bord'!$" in xml and "<lineChart>" in xml
            assert '<smooth val="1"' not in xml and xml.count('<smooth val="0"/>') == xml.count("<ser>")
            if "rétention" in xml:  # rates near 100 %: the axis stops at 100 %
                assert '<max val="1"/>' in xml


def test_dashboard_prints_on_two_pages(wb):
    """Tiles and trend on page 1, charts and cohorts on page 2, fitted to the paper's width."""
    ws = wb["Tableau de bord"]
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.page_setup.fitToHeight == 0  # as many pages as the breaks make
    assert ws.page_setup.paperSize is None  # the printer's own paper, A4 or Letter
    assert [b.id for b in ws.row_breaks.brk] == [DASHBOARD.trend_row + DASHBOARD.trend_rows,
                                                 DASHBOARD.checks_row - 3]
    last_row = DASHBOARD.cohort_row + DASHBOARD.cohort_size
    # as wide as the trend: column A, then the month, 11 KPIs and 4 custom KPIs from column B -> A to Q
    assert ws.print_area == f"'Tableau de bord'!$A$1:$Q${last_row}"  # no data checks until there are some
    (_sheet, ref), = wb.defined_names[NAMES["print_all"]].destinations
    assert ref == f"$A$1:$Q${DASHBOARD.checks_row + DASHBOARD.checks_rows}"


def test_xlwings_conf_sheet(wb):
    ws = wb["xlwings.conf"]
    rows = [row for row in ws.iter_rows(values_only=True)]
    conf = {row[0]: row[1] for row in rows if row[0]}
    assert conf["UDF Modules"] == "kpi_xl.excel.udfs"
    assert list(conf) == [k for k, _ in XLWINGS_CONF]
    # issue 13 item 4: xlwings uses a key on the sheet even when empty, hiding the user's own xlwings.conf;
    # every key from A1 down has a value, and no interpreter or PYTHONPATH row is written
    assert all(key and value not in (None, "") for key, value in rows)
    assert not {"interpreter_win", "interpreter_mac", "pythonpath"} & {k.lower() for k in conf}


def test_package_parts_of_a_macro_enabled_workbook(template):
    with zipfile.ZipFile(template) as package:
        types = package.read("[Content_Types].xml").decode()
        assert f'PartName="/xl/workbook.xml" ContentType="{XLSM_CONTENT_TYPE}"' in types
        assert 'Extension="bin" ContentType="application/vnd.ms-office.vbaProject"' in types
        rels = package.read("xl/_rels/workbook.xml.rels").decode()
        assert 'Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"' in rels
        root = package.read("_rels/.rels").decode()
        assert ('Type="http://schemas.microsoft.com/office/2006/relationships/ui/extensibility" '
                'Target="customUI/customUI.xml"') in root
        ribbon = package.read("customUI/customUI.xml").decode()
        assert 'xmlns="http://schemas.microsoft.com/office/2006/01/customui"' in ribbon
        assert package.read("xl/vbaProject.bin")[:8] == bytes.fromhex("D0CF11E0A1B11AE1")


def test_building_twice_gives_the_same_bytes(tmp_path):
    a, b = build_template(tmp_path / "a.xlsm"), build_template(tmp_path / "b.xlsm")
    assert hashlib.sha256(a.read_bytes()).digest() == hashlib.sha256(b.read_bytes()).digest()


def test_the_committed_template_is_up_to_date(template):
    committed = ROOT / TEMPLATE_NAME
    assert committed.exists(), "workbook_template.xlsm is missing: run kpi-xl template"
    assert committed.read_bytes() == template.read_bytes(), "workbook_template.xlsm is stale: run kpi-xl template"


def test_openpyxl_keep_vba_round_trip_keeps_vba_and_ribbon(template, tmp_path):
    resaved = tmp_path / "resaved.xlsm"
    load_workbook(template, keep_vba=True).save(resaved)
    with zipfile.ZipFile(template) as before, zipfile.ZipFile(resaved) as after:
        assert after.read("xl/vbaProject.bin") == before.read("xl/vbaProject.bin")
        assert after.read("customUI/customUI.xml") == before.read("customUI/customUI.xml")
        assert "ui/extensibility" in after.read("_rels/.rels").decode()
        assert XLSM_CONTENT_TYPE in after.read("[Content_Types].xml").decode()


def test_ribbon_buttons_call_subs_that_exist_and_splice_nothing_into_python():
    from kpi_xl.template.vba_sources import VBA_DIR

    ribbon = RIBBON_XML.read_text(encoding="utf-8")
    actions = re.findall(r'onAction="([^"]+)"', ribbon)
    assert len(actions) >= 4
    code = (VBA_DIR / "kpi_ribbon.bas").read_text(encoding="cp1252")
    for action in actions:
        assert re.search(rf"^Sub {action}\(control As IRibbonControl\)$", code, flags=re.M), action
    for label in ("Actualiser", "Vérifier les données", "Charger l'exemple", "Définitions"):
        assert f'label="{label}"' in ribbon
    for call in re.findall(r"RunPython (.*)", code):
        assert re.fullmatch(r'"[^"&]*"', call.strip()), f"RunPython must take a fixed string: {call}"


def test_reporting_month_is_a_drop_down_of_months(wb):
    ws = wb["Paramètres"]
    sheet, ref = next(iter(wb.defined_names["kpi_reporting_month"].destinations))
    cell = ref.replace("$", "")
    dv = next(dv for dv in ws.data_validations.dataValidation if cell in str(dv.sqref))
    assert dv.type == "list"
    months_sheet, months_ref = next(iter(wb.defined_names["kpi_months"].destinations))
    assert dv.formula1 == months_ref and months_sheet == "Paramètres"
    first, last = months_ref.replace("$", "").split(":")
    assert (ws[first].value.year, ws[first].value.month) == (2020, 1)
    assert (ws[last].value.year, ws[last].value.month) == (2035, 12)
