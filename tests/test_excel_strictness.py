"""Excel's strictness as tests: every XML part against its schema, and the checks Excel adds beyond them.

Built here, in French and English: the template, a refreshed workbook (the demo)
and an imported one (the template, a Shopify export imported, then refreshed).
Every XML part is validated against the ECMA-376 transitional and OPC schemas
(lxml) and the ribbon against Microsoft's 2006 customUI schema (xmlschema, as
lxml cannot load it); tests/excel_rules.py then applies what Excel refuses
although the schemas allow it. LibreOffice accepts all of these mistakes, which
is why they are checked here.
"""

import re
import shutil
import zipfile
from pathlib import Path

import pytest
import xmlschema
from lxml import etree
from openpyxl import Workbook, load_workbook

from kpi_xl.cli import main
from kpi_xl.excel.fill import NOT_AVAILABLE
from kpi_xl.template.build import EXCEL_CALC_ID, RIBBON_XML, build_template
from kpi_xl.template.sheets import keep_text
from kpi_xl.template.vba_sources import VBA_DIR

from excel_rules import Package, all_problems, cell_problems, table_problems, validation_problems

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT.parent / "shared" / "reference" / "ooxml-schemas"
if not SCHEMAS.is_dir():  # a worktree beside /work/main, or the main checkout itself
    SCHEMAS = Path("/work/shared/reference/ooxml-schemas")
CUSTOM_UI = "http://schemas.microsoft.com/office/2006/01/customui"
# root namespace -> schema, as in the schemas' README
SCHEMA_FILES = {
    "http://schemas.openxmlformats.org/package/2006/content-types": "opc/opc-contentTypes.xsd",
    "http://schemas.openxmlformats.org/package/2006/relationships": "opc/opc-relationships.xsd",
    "http://schemas.openxmlformats.org/package/2006/metadata/core-properties": "dc/core.xsd",
    "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties":
        "transitional/shared-documentPropertiesExtended.xsd",
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main": "transitional/sml.xsd",
    "http://schemas.openxmlformats.org/drawingml/2006/main": "transitional/dml-main.xsd",
    "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing": "transitional/dml-spreadsheetDrawing.xsd",
    "http://schemas.openxmlformats.org/drawingml/2006/chart": "transitional/dml-chart.xsd",
}
#: Ribbon icons used by the KPI tab, each from Excel's own control list (Microsoft's "Office Fluent User
#: Interface Control Identifiers", ExcelControls): Data > Refresh All, Data > Data Validation,
#: Data > From Text, Insert > Column chart, Help, Insert > Table.
EXCEL_IMAGE_MSO = {"RefreshAll", "DataValidation", "GetExternalDataFromText", "ChartTypeColumnInsertGallery",
                   "Help", "TableInsert"}
#: The issue's three icons from other applications (Word, Access, PowerPoint): blank on a Mac.
NOT_EXCEL_IMAGE_MSO = {"ReviewTrackChanges", "ImportTextFile", "ChartInsert"}
#: The formulas each writer means: the template none; the refresh NA() in the trend table (charts skip it).
MEANT = {"template": frozenset(), "refreshed": frozenset({NOT_AVAILABLE.text}),
         "imported": frozenset({NOT_AVAILABLE.text}), "lite": frozenset()}
BOOKS = [(kind, lang) for kind in ("template", "refreshed", "imported", "lite") for lang in ("fr", "en")]


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    folder = tmp_path_factory.mktemp("strict")
    out = {}
    for lang in ("fr", "en"):
        template = build_template(folder / f"template_{lang}.xlsm", lang=lang)
        out["template", lang] = template
        refreshed = folder / f"refreshed_{lang}.xlsm"
        assert main(["demo", str(refreshed), "--lang", lang]) == 0
        out["refreshed", lang] = refreshed
        imported = shutil.copy(template, folder / f"imported_{lang}.xlsm")
        assert main(["import", "auto", str(ROOT / "docs" / "examples" / "orders_export.csv"), str(imported)]) == 0
        main(["refresh", str(imported)])  # Marketing and Social are empty: reported, the dashboard still filled
        out["imported", lang] = Path(imported)
        out["lite", lang] = build_template(folder / f"lite_{lang}.xlsx", lang=lang, edition="lite")
    return out


@pytest.fixture(scope="module")
def schemas():
    cache = {}

    def get(namespace):
        if namespace not in cache:
            if namespace == CUSTOM_UI:
                cache[namespace] = xmlschema.XMLSchema(str(SCHEMAS / "customui" / "customUI.xsd"))
            else:
                cache[namespace] = etree.XMLSchema(etree.parse(str(SCHEMAS / SCHEMA_FILES[namespace])))
        return cache[namespace]

    return get


def schema_errors(data: bytes, get) -> list[str]:
    root = etree.fromstring(data)
    namespace = etree.QName(root).namespace
    if namespace != CUSTOM_UI and namespace not in SCHEMA_FILES:
        return [f"no schema for the namespace {namespace}"]
    schema = get(namespace)
    if namespace == CUSTOM_UI:
        return [str(error.reason) for error in schema.iter_errors(data.decode("utf-8"))]
    if schema.validate(root):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


@pytest.mark.parametrize("kind, lang", BOOKS)
def test_every_xml_part_is_valid_against_its_schema(books, schemas, kind, lang):
    with zipfile.ZipFile(books[kind, lang]) as package:
        parts = [n for n in package.namelist() if n.endswith((".xml", ".rels"))]
        assert ("customUI/customUI.xml" in parts) == (kind != "lite")  # the Lite edition has no ribbon
        assert "xl/workbook.xml" in parts and len(parts) > 20
        for name in parts:
            errors = schema_errors(package.read(name), schemas)
            assert not errors, f"{kind} {lang}: {name}: {errors[:3]}"


def test_the_schema_check_rejects_invalid_parts(books, schemas):
    with zipfile.ZipFile(books["template", "en"]) as package:
        workbook = package.read("xl/workbook.xml").decode()
        ribbon = package.read("customUI/customUI.xml").decode()
    # an unknown element in the workbook, a size the ribbon does not know: what Excel would refuse to load
    assert schema_errors(workbook.replace("<sheets>", "<sheets><bogus/>").encode(), schemas)
    assert schema_errors(ribbon.replace('size="large"', 'size="huge"', 1).encode(), schemas)
    assert schema_errors(ribbon.replace("<tabs>", "<tabs><bogus/>").encode(), schemas)


@pytest.mark.parametrize("kind, lang", BOOKS)
def test_excel_finds_nothing_to_repair(books, kind, lang):
    assert all_problems(Package(books[kind, lang]), MEANT[kind]) == []


def test_the_targets_table_columns_differ_ignoring_case_in_both_languages(books):
    # issue 13 item 1: "KPI" beside "kpi" made Excel repair every English workbook
    for lang in ("fr", "en"):
        book = Package(books["template", lang])
        part = next(p for s in book.sheets for p in book.tables(s) if b'displayName="tblTargets"' in book.parts[p])
        names = [c.get("name") for c in book.xml(part).iter("{*}tableColumn")]
        assert len({n.lower() for n in names}) == len(names) == 5, names
    broken = Package(books["template", "en"])
    broken.parts[part] = broken.parts[part].replace(b'name="Key"', b'name="kpi"')
    problems = table_problems(broken)
    assert any("'kpi' repeats, ignoring case" in p for p in problems)
    assert any("column 'kpi' but header cell" in p and "holds 'Key'" in p for p in problems)


def test_a_text_starting_with_equals_stays_text(tmp_path):
    # issue 13 item 6: "= 1 - attrition" was written as a formula and showed #NAME?
    wb = Workbook()
    wb.active["A1"] = "= 1 - attrition"
    wb.save(tmp_path / "formula.xlsx")
    assert cell_problems(Package(tmp_path / "formula.xlsx")) == ["'Sheet' A1: a formula = 1 - attrition where text "
                                                                 "was meant"]
    keep_text(wb)
    wb.save(tmp_path / "text.xlsx")
    assert cell_problems(Package(tmp_path / "text.xlsx")) == []
    cell = load_workbook(tmp_path / "text.xlsx")["Sheet"]["A1"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == ("= 1 - attrition", "s", True)


def test_the_definitions_sheet_shows_the_retention_formula_as_text(books):
    for lang, text in (("fr", "= 1 - attrition"), ("en", "= 1 - churn")):
        wb = load_workbook(books["template", lang])
        ws = wb["Définitions" if lang == "fr" else "Definitions"]
        cells = [c for row in ws.iter_rows() for c in row if c.value == text]
        assert len(cells) == 1 and cells[0].data_type == "s", lang


def test_data_validation_limits_are_checked(tmp_path):
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    dv = DataValidation(type="list", formula1='"' + ",".join(["x" * 20] * 13) + '"', prompt="p" * 256,
                        promptTitle="t" * 33)
    dv.add("A1")
    wb.active.add_data_validation(dv)
    wb.save(tmp_path / "dv.xlsx")
    problems = validation_problems(Package(tmp_path / "dv.xlsx"))
    assert len(problems) == 3  # a 272-character list, a 256-character prompt, a 33-character title


def test_opening_does_not_mark_the_workbook_changed(books, tmp_path):
    # issue 13 item 10: fullCalcOnLoad made Excel recalculate and ask to save on every close
    for kind, lang in BOOKS:
        with zipfile.ZipFile(books[kind, lang]) as package:
            calc = re.search(r"<calcPr[^>]*>", package.read("xl/workbook.xml").decode()).group(0)
        assert 'fullCalcOnLoad="1"' not in calc and f'calcId="{EXCEL_CALC_ID}"' in calc, (kind, lang, calc)
    # a user's own formula may read what the refresh writes: then, and only then, Excel recalculates on open
    wb = load_workbook(books["refreshed", "en"], keep_vba=True)
    wb["Settings"]["J1"] = "=SUM(1,2)"
    wb.save(tmp_path / "user_formula.xlsm")
    assert main(["refresh", str(tmp_path / "user_formula.xlsm")]) == 0
    with zipfile.ZipFile(tmp_path / "user_formula.xlsm") as package:
        assert 'fullCalcOnLoad="1"' in package.read("xl/workbook.xml").decode()


def test_ribbon_icons_are_excels_and_every_callback_exists():
    ribbon = RIBBON_XML.read_text(encoding="utf-8")
    icons = set(re.findall(r'imageMso="([^"]+)"', ribbon))
    assert icons and icons <= EXCEL_IMAGE_MSO and not icons & NOT_EXCEL_IMAGE_MSO
    module = (VBA_DIR / "kpi_ribbon.bas").read_text(encoding="utf-8")
    for callback in re.findall(r'onAction="([^"]+)"', ribbon):
        assert re.search(rf"^Sub {callback}\(control As IRibbonControl\)$", module, re.MULTILINE), callback


@pytest.mark.parametrize("size", [1, 5, 10, 11, 12, 97, 4096])
def test_the_formula_scan_sees_a_formula_cut_by_a_chunk_boundary(size):
    from kpi_xl.excel.package import _reads_cells

    na = b'<c r="A1" t="e"><f>NA()</f><v>#N/A</v></c>'  # what the refresh writes: reads no cell
    user = b'<c r="B1"><f>SUM(A1:A3)</f><v>3</v></c>'  # a user's formula: may read what the refresh wrote
    number = b'<c r="C1"><v>12.5</v></c>'  # no letter f: chunks of these are skipped by a byte search
    for sheet, expected in ((na * 50 + user + na * 50, True), (na * 100, False), (na * 3 + user, True),
                            (number * 200 + user + number * 5, True), (number * 200, False),
                            (number * 200 + na + number * 200, False)):
        assert _reads_cells([sheet[i:i + size] for i in range(0, len(sheet), size)]) is expected
