"""kpi-xl doctor: the machine's and the workbook's problems, said in plain words."""

import re
import zipfile

import pytest

from kpi_xl.cli import main
from kpi_xl.doctor import interpreter_paths, run_checks
from kpi_xl.template.build import build_template


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    return build_template(tmp_path_factory.mktemp("doctor") / "book.xlsm")


def rewrite(book, target, part, old, new):
    """A copy of ``book`` with one text replaced in one package part."""
    with zipfile.ZipFile(book) as zin, zipfile.ZipFile(target, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == part:
                text = data.decode("utf-8")
                assert old in text
                data = text.replace(old, new).encode("utf-8")
            zout.writestr(item, data)
    return target


def test_a_fresh_template_passes_and_says_what_to_enter(book, capsys):
    assert main(["doctor", str(book)]) == 0
    out = capsys.readouterr().out
    assert "[ok]   xlwings 0.37.8 (the version kpi_xl pins)" in out
    assert "UDF Modules = kpi_xl.excel.udfs" in out
    key = "Interpreter_Mac"  # this test runs on Linux/macOS, where xlwings reads Interpreter_Mac
    assert f"enter {key} = {interpreter_paths()[key]}" in out


def test_a_workbook_built_with_another_xlwings_is_a_dll_mismatch(book, tmp_path):
    other = rewrite(book, tmp_path / "old.xlsm", "xl/workbook.xml", '"0.37.8"', '"0.30.0"')
    failures = [c for c in run_checks(other) if c.level == "fail"]
    assert len(failures) == 1
    assert "carries the VBA of xlwings 0.30.0" in failures[0].what and "DLL version mismatch" in failures[0].what
    assert 'pip install "xlwings==0.30.0"' in failures[0].fix


def test_a_wrong_udf_module_explains_name_errors(book, tmp_path, capsys):
    from openpyxl import load_workbook

    wb = load_workbook(book, keep_vba=True)
    ws = wb["xlwings.conf"]
    row = next(r for r in range(1, 20) if ws.cell(r, 1).value == "UDF Modules")
    ws.cell(row, 2).value = "my_udfs"
    wb.save(tmp_path / "wrong.xlsm")
    assert main(["doctor", str(tmp_path / "wrong.xlsm")]) == 1
    out = capsys.readouterr().out
    assert "UDF Modules = 'my_udfs', so the KPI_* formulas show #NAME?" in out
    assert re.search(r"1 problem\(s\) to fix", out)


def test_a_missing_workbook(tmp_path):
    checks = run_checks(tmp_path / "nowhere.xlsm")
    assert checks[-1].level == "fail" and "does not exist" in checks[-1].what
