"""The Lite workbook (``kpi-xl template --edition lite``): the desktop template's sheets, tables, names,
validations, formats and charts, without VBA, ribbon or xlwings.conf, with four linked button shapes."""

import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kpi_xl.cli import main
from kpi_xl.layout import LITE_BUTTONS, LITE_STATUS_NAME
from kpi_xl.schema import SHEETS
from kpi_xl.template.build import BUILT_WITH_NAME, LITE_TEMPLATE_NAME, build_template

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module", params=["fr", "en"])
def pair(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"lite_{request.param}")
    desktop = build_template(folder / "desktop.xlsm", lang=request.param)
    lite = build_template(folder / "lite.xlsx", lang=request.param, edition="lite")
    return request.param, desktop, lite


def test_the_committed_lite_template_is_what_the_command_builds(tmp_path):
    assert main(["template", "--edition", "lite", str(tmp_path / LITE_TEMPLATE_NAME)]) == 0
    assert (ROOT / LITE_TEMPLATE_NAME).read_bytes() == (tmp_path / LITE_TEMPLATE_NAME).read_bytes(), \
        "workbook_template_lite.xlsx is stale: run kpi-xl template --edition lite"


def test_the_same_workbook_without_vba_ribbon_or_xlwings_conf(pair):
    lang, desktop, lite = pair
    with zipfile.ZipFile(lite) as package:
        names = package.namelist()
        types = package.read("[Content_Types].xml").decode()
    assert not [n for n in names if "vba" in n.lower() or n.startswith("customUI")]
    assert "macroEnabled" not in types and "sheet.main+xml" in types  # an .xlsx: Excel opens it without macros
    d, w = load_workbook(desktop, keep_vba=True), load_workbook(lite)
    assert w.sheetnames == [s.title(lang) for s in SHEETS if s.key != "xlwings_conf"]
    assert d.sheetnames == w.sheetnames + ["xlwings.conf"]
    for title in w.sheetnames:
        a, b = d[title], w[title]
        assert sorted(a.tables) == sorted(b.tables), title
        assert [t.ref for t in a.tables.values()] == [t.ref for t in b.tables.values()], title
        assert [(v.type, v.formula1, str(v.sqref)) for v in a.data_validations.dataValidation] == \
               [(v.type, v.formula1, str(v.sqref)) for v in b.data_validations.dataValidation], title
        assert len(a._charts) == len(b._charts), title
        assert len(a.conditional_formatting) == len(b.conditional_formatting), title
        cells = [(c.coordinate, c.value, c.number_format) for row in a.iter_rows() for c in row]
        lite_cells = [(c.coordinate, c.value, c.number_format) for row in b.iter_rows() for c in row]
        differ = [(x, y) for x, y in zip(cells, lite_cells, strict=False) if x != y]
        assert len(differ) <= 1, (title, differ[:3])  # the Home sheet's step names the buttons, not the ribbon
    assert set(w.defined_names) == set(d.defined_names) - {BUILT_WITH_NAME} | {LITE_STATUS_NAME}
    assert len(d["Tableau de bord" if lang == "fr" else "Dashboard"]._charts) == 6


def test_the_home_sheet_names_the_buttons_not_the_ribbon(pair):
    lang, _desktop, lite = pair
    texts = " ".join(str(c.value) for row in load_workbook(lite).worksheets[0].iter_rows() for c in row if c.value)
    assert ("ruban" not in texts and "ribbon" not in texts) and ("Boutons" in texts or "Buttons" in texts)


def test_four_buttons_each_linked_to_the_cell_under_it(pair):
    lang, _desktop, lite = pair
    with zipfile.ZipFile(lite) as package:
        drawing = package.read("xl/drawings/drawing1.xml").decode()
        rels = package.read("xl/drawings/_rels/drawing1.xml.rels").decode()
    dashboard = "Tableau de bord" if lang == "fr" else "Dashboard"
    for key, shape, fr, en in LITE_BUTTONS:
        block = next(b for b in drawing.split("</oneCellAnchor>") if f'name="{shape}"' in b)
        anchor = re.search(rf'<oneCellAnchor><from><col>(\d+)</col><colOff>\d+</colOff><row>(\d+)</row>.*?'
                           rf'name="{shape}".*?r:id="(\w+)".*?<a:t>([^<]+)</a:t>', block).groups()
        col, row, rel_id, caption = int(anchor[0]), int(anchor[1]), anchor[2], anchor[3]
        assert caption == (fr if lang == "fr" else en)
        target = re.search(rf'Target="([^"]+)" Id="{rel_id}"', rels).group(1)
        letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[col]  # 0-based column of the anchor; the dashboard is narrow
        assert target == f"#'{dashboard}'!{letters}{row + 1}", key
    assert drawing.count("<a:hlinkClick") == 4 and drawing.count("<graphicFrame>") == 6  # buttons and charts


def test_the_doctor_knows_the_lite_workbook_needs_no_vba(tmp_path):
    from kpi_xl.doctor import run_checks

    checks = run_checks(ROOT / LITE_TEMPLATE_NAME, home=tmp_path)
    assert [c.level for c in checks if c.level == "fail"] == []
    assert "is the xlwings Lite workbook" in checks[-1].what and "section 9" in checks[-1].what
