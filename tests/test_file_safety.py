"""Nothing lost when a workbook file is written, and damaged files refused with a message, never a traceback."""

import os
import shutil
import signal
import subprocess
import sys
import zipfile

import pytest
from checkout import checkout_env, kpi_xl_command

from kpi_xl.cli import main as kpi_xl
from kpi_xl.errors import KpiInputError
from kpi_xl.excel.books import FileBook
from kpi_xl.excel.package import Package
from kpi_xl.excel.refresh import refresh_file

EXPORT = os.path.join(os.path.dirname(__file__), "..", "docs", "examples", "orders_export.csv")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("safety") / "demo.xlsm"
    assert kpi_xl(["demo", str(path)]) == 0
    return path


@pytest.fixture
def book(demo, tmp_path):
    copy = tmp_path / "book.xlsm"
    shutil.copy(demo, copy)
    return copy


def customers(path):
    """The customer column of the Orders sheet (the export's customers are e-mail addresses)."""
    return {str(row[2]) for row in Package(path).values("Commandes")[4:]}


def test_a_change_made_since_reading_is_never_overwritten(book):
    slow = FileBook(book)  # a refresh that read the workbook...
    assert kpi_xl(["import", "auto", EXPORT, str(book)]) == 0  # ...then an import saved it
    imported = customers(book)
    assert any("@" in c for c in imported)
    with pytest.raises(KpiInputError, match="changed since kpi-xl read it"):
        slow.save()
    assert customers(book) == imported  # the import's rows are still there


def test_import_and_refresh_at_the_same_time_lose_nothing(demo, tmp_path):
    """Two real processes, several times: whenever the import says it imported, its rows are in the file."""
    before = customers(demo)
    for attempt in range(4):
        path = tmp_path / f"race{attempt}.xlsm"
        shutil.copy(demo, path)
        runs = [subprocess.Popen(kpi_xl_command(*args), env=checkout_env(), stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
                for args in (("import", "auto", EXPORT, str(path)), ("refresh", str(path)))]
        (imported, _), (refreshed, _) = [run.communicate(timeout=300) for run in runs]
        codes = [run.returncode for run in runs]
        assert set(codes) <= {0, 2}, codes  # done, or refused with a message
        found = customers(path)
        if codes[0] == 0:
            assert any("@" in c for c in found - before), (attempt, imported)  # what it printed is in the file
        else:
            assert found == before
        Package(path)  # and the file is a sound workbook
    assert not list(tmp_path.glob(".kpi-xl-*")) and not list(tmp_path.glob(".~lock*"))


def test_a_workbook_open_in_excel_is_not_written_behind_its_back(book):
    owner = book.with_name("~$" + book.name)
    owner.write_bytes(b"owner")
    original = book.read_bytes()
    with pytest.raises(KpiInputError, match="is open in Excel"):
        refresh_file(book)
    assert book.read_bytes() == original


def test_a_read_only_workbook_is_refused(book):
    original = book.read_bytes()
    book.chmod(0o444)
    try:
        with pytest.raises(KpiInputError, match="is read-only"):
            refresh_file(book)
    finally:
        book.chmod(0o644)
    assert book.read_bytes() == original


def test_a_killed_save_leaves_the_original_and_the_next_run_cleans_up(book, tmp_path):
    """A refresh killed while it writes: the original is intact; the next refresh removes the leftovers."""
    original = book.read_bytes()
    script = ("import sys, time\n"
              "import kpi_xl.excel.package as package\n"
              "real = package._copy_member\n"
              "def slow(*args):\n"
              "    print('saving', flush=True); time.sleep(60)\n"
              "package._copy_member = slow\n"
              "from kpi_xl.excel.refresh import refresh_file\n"
              f"refresh_file({str(book)!r})\n")
    child = subprocess.Popen([sys.executable, "-c", script], env=checkout_env(), stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "saving"
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert book.read_bytes() == original
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith((".kpi-xl-", ".~lock"))]
    assert leftovers, "the killed save left its temporary file and lock (the case this test is about)"
    refresh_file(book)  # the lock's process is gone: stale, taken over; the temporary file removed
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith((".kpi-xl-", ".~lock"))] == []
    assert book.read_bytes() != original  # and this time the dashboard was written


def damaged(kind, path, good):
    """Write a damaged or odd version of the workbook ``good`` at ``path``."""
    data = good.read_bytes()
    if kind == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif kind == "not a zip":
        path.write_bytes(b"Date,Order\n2025-01-01,#1\n")
    elif kind == "a folder":
        path.mkdir()
    elif kind in ("no workbook part", "malformed XML", "a DTD", "bad table area", "CRC error"):
        with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
            for item in source.infolist():
                part = source.read(item.filename)
                if item.filename == "xl/workbook.xml":
                    if kind == "no workbook part":
                        continue
                    if kind == "malformed XML":
                        part = part[:-20]
                    if kind == "a DTD":
                        part = part.replace(b"?>", b'?><!DOCTYPE x [<!ENTITY a "aaaa">]>', 1)
                if kind == "bad table area" and item.filename.startswith("xl/tables/"):
                    part = part.replace(b'ref="A4:', b'ref="A4:XFE', 1)
                target.writestr(item, part)
        if kind == "CRC error":  # flip a byte inside the compressed data of the orders sheet
            raw = bytearray(path.read_bytes())
            with zipfile.ZipFile(path) as archive:
                info = archive.getinfo(Package(good).sheets["Commandes"])
            at = info.header_offset + 30 + len(info.filename) + 40
            raw[at] ^= 0xFF
            path.write_bytes(bytes(raw))


@pytest.mark.parametrize("kind", ["truncated", "not a zip", "a folder", "no workbook part", "malformed XML", "a DTD",
                                  "bad table area", "CRC error"])
@pytest.mark.parametrize("command", ["refresh", "kpis", "import"])
def test_damaged_workbooks_get_a_message_not_a_traceback(demo, tmp_path, kind, command, capsys):
    path = tmp_path / "book.xlsm"
    damaged(kind, path, demo)
    args = {"refresh": ["refresh", str(path)], "kpis": ["kpis", str(path)],
            "import": ["import", "auto", EXPORT, str(path)]}[command]
    assert kpi_xl(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("kpi-xl: ") and "Traceback" not in err and "book.xlsm" in err, err


@pytest.mark.parametrize("out", ["missing/folder/out.xlsm", "a_file.txt/out.xlsm"])
def test_an_output_folder_that_cannot_hold_the_file_is_said(book, tmp_path, out, capsys):
    (tmp_path / "a_file.txt").write_text("x")
    original = book.read_bytes()
    assert kpi_xl(["refresh", str(book), "--out", str(tmp_path / out)]) == 2
    assert "cannot write" in capsys.readouterr().err
    assert book.read_bytes() == original


@pytest.mark.parametrize("kind", ["truncated", "not a zip", "a folder", "no workbook part", "malformed XML", "a DTD",
                                  "bad table area", "CRC error"])
def test_the_doctor_names_a_damaged_workbook_and_never_crashes(demo, tmp_path, kind, capsys):
    path = tmp_path / "book.xlsm"
    damaged(kind, path, demo)
    assert kpi_xl(["doctor", str(path)]) == 1
    out = capsys.readouterr().out
    assert "[FAIL]" in out and "book.xlsm" in out and "fresh copy" in out, out


@pytest.mark.parametrize("dropped, words", [("xl/vbaProject.bin", "has no VBA project"),
                                            ("customUI/customUI.xml", "has no ribbon")])
def test_the_doctor_notices_a_workbook_without_its_vba_or_ribbon(demo, tmp_path, dropped, words, capsys):
    path = tmp_path / "book.xlsm"
    with zipfile.ZipFile(demo) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != dropped:
                target.writestr(item, source.read(item.filename))
    assert kpi_xl(["doctor", str(path)]) == 1
    assert words in capsys.readouterr().out
