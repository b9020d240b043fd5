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


def test_a_fresh_template_passes_and_says_what_to_enter(book, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))  # no user xlwings.conf
    assert main(["doctor", str(book)]) == 0
    out = capsys.readouterr().out
    assert "[ok]   xlwings 0.37.8 (the version kpi_xl pins)" in out
    assert "UDF Modules = kpi_xl.excel.udfs" in out
    key = "Interpreter_Mac"  # this test runs on Linux/macOS, where xlwings reads Interpreter_Mac
    assert f"enter {key} = {interpreter_paths()[key]}" in out
    assert f"{key} is set nowhere" in out


# ---- where xlwings finds the interpreter (issue 13 item 4)


def interpreter_check(checks):
    return next(c for c in checks if c.what.startswith(("Interpreter_", "the workbook's xlwings.conf sheet has")))


def test_the_users_own_xlwings_conf_is_found_and_named(book, tmp_path):
    here = interpreter_paths()["Interpreter_Win"]
    conf = tmp_path / ".xlwings" / "xlwings.conf"
    conf.parent.mkdir()
    conf.write_text(f'"INTERPRETER_WIN","{here}"\n"UDF MODULES","x"\n', encoding="utf-8")
    check = interpreter_check(run_checks(book, system="win32", home=tmp_path))
    assert check.level == "ok" and check.what == f"Interpreter_Win = {here} (from {conf})"


def test_a_file_beside_the_workbook_comes_before_the_users(book, tmp_path):
    folder = tmp_path / "shop"
    folder.mkdir()
    copy = folder / "book.xlsm"
    copy.write_bytes(book.read_bytes())
    (folder / "xlwings.conf").write_text('"INTERPRETER_MAC","/opt/shop/python"\n', encoding="utf-8")
    check = interpreter_check(run_checks(copy, system="darwin", home=tmp_path))
    assert check.level == "warn"
    assert check.what == f"Interpreter_Mac = /opt/shop/python (from {folder / 'xlwings.conf'}), not the Python " \
                         "running this check"


def test_an_empty_row_on_the_sheet_hides_the_users_setting(book, tmp_path):
    from openpyxl import load_workbook

    wb = load_workbook(book, keep_vba=True)
    ws = wb["xlwings.conf"]
    ws.insert_rows(1)
    ws["A1"] = "Interpreter_Win"  # the old template's empty row
    wb.save(tmp_path / "empty_row.xlsm")
    conf = tmp_path / ".xlwings" / "xlwings.conf"
    conf.parent.mkdir()
    conf.write_text('"INTERPRETER_WIN","C:\\Python\\pythonw.exe"\n', encoding="utf-8")
    check = interpreter_check(run_checks(tmp_path / "empty_row.xlsm", system="win32", home=tmp_path))
    assert check.level == "warn" and "empty Interpreter_Win row" in check.what and str(conf) in check.what
    assert check.fix.startswith("delete the row")


# ---- the Mac ribbon needs xlwings' AppleScript (issue 13 item 5)


def ribbon_check(checks):
    return checks[-1]  # the last check says whether the ribbon can start Python


def test_on_a_mac_the_ribbon_fails_until_runpython_install(book, tmp_path):
    check = ribbon_check(run_checks(book, system="darwin", home=tmp_path))
    assert check.level == "fail" and check.fix == "run once, in a terminal: xlwings runpython install"
    scripts = tmp_path / "Library" / "Application Scripts" / "com.microsoft.Excel"
    scripts.mkdir(parents=True)
    (scripts / "xlwings-0.37.8.applescript").write_text("-- installed by xlwings runpython install")
    assert ribbon_check(run_checks(book, system="darwin", home=tmp_path)).level == "ok"
    (scripts / "xlwings-0.37.8.applescript").rename(scripts / "xlwings-0.30.0.applescript")  # another version's
    assert ribbon_check(run_checks(book, system="darwin", home=tmp_path)).level == "fail"


def test_the_ribbon_is_not_reported_as_working_where_excel_cannot_run(book, tmp_path):
    check = ribbon_check(run_checks(book, system="linux", home=tmp_path))
    assert check.level == "warn" and "xlwings runpython install" in check.what
    assert ribbon_check(run_checks(book, system="win32", home=tmp_path)).level == "ok"


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
