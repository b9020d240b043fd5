"""The package of parts: lazy inflation and the raw copy of untouched members on save."""

import datetime as dt
import io
import shutil
import sys
import zipfile

import pytest

import test_refresh  # noqa: E402 - tests/ is on the path (pytest's rootdir import mode)

from kpi_xl.excel.package import Package
from kpi_xl.excel.refresh import refresh_file

NOW = dt.datetime(2026, 1, 15, 9, 30)
filled = test_refresh.filled  # the template filled with the sample shop (test_refresh's module fixture)


def test_untouched_parts_are_copied_compressed_as_they_were(filled, tmp_path):
    path = tmp_path / "book.xlsm"
    shutil.copy(filled, path)
    refresh_file(path, now=NOW)
    refresh_file(path, now=NOW)  # a second save copies from the file the first one wrote
    with zipfile.ZipFile(filled) as before, zipfile.ZipFile(path) as after:
        assert after.testzip() is None
        assert after.namelist() == before.namelist()
        package = Package(filled)
        dashboard = package.sheets["Tableau de bord"]
        orders = package.sheets["Commandes"]
        for name in (orders, "xl/vbaProject.bin", "xl/theme/theme1.xml", "customUI/customUI.xml"):
            old, new = before.getinfo(name), after.getinfo(name)
            assert (new.CRC, new.compress_size, new.compress_type) == (old.CRC, old.compress_size, old.compress_type)
            assert after.read(name) == before.read(name)
        assert after.read(dashboard) != before.read(dashboard)  # the dashboard was written


class _Unseekable(io.RawIOBase):
    """A stream zipfile cannot seek in: it then writes each member with a data descriptor."""

    def __init__(self):
        self.data = bytearray()

    def writable(self):
        return True

    def write(self, chunk):
        self.data += chunk
        return len(chunk)


def test_members_written_with_data_descriptors_are_copied_into_a_valid_file(filled, tmp_path):
    # some writers stream their zip (sizes and CRC after the data, flag bit 3); the copy rewrites the header
    stream = _Unseekable()
    with zipfile.ZipFile(filled) as source, zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as streamed:
        for info in source.infolist():
            streamed.writestr(info.filename, source.read(info.filename))
    path = tmp_path / "streamed.xlsm"
    path.write_bytes(bytes(stream.data))
    with zipfile.ZipFile(path) as check:
        assert all(info.flag_bits & 0x08 for info in check.infolist())  # the case under test
        before = {name: check.read(name) for name in check.namelist()}
    package = Package(path)
    package.parts["xl/workbook.xml"] = package.parts["xl/workbook.xml"]  # one part rewritten, the rest copied
    package.save(tmp_path / "copy.xlsm")
    with zipfile.ZipFile(tmp_path / "copy.xlsm") as copied:
        assert copied.testzip() is None
        assert {name: copied.read(name) for name in copied.namelist()} == before
        assert not any(info.flag_bits & 0x08 for info in copied.infolist())


@pytest.mark.parametrize("with_isal", [True, False])
def test_a_member_streamed_raw_inflates_to_what_zipfile_reads(tmp_path, monkeypatch, with_isal):
    # the save's formula scan inflates untouched sheets itself (ISA-L where installed, zlib otherwise):
    # every byte must be zipfile's, whatever the chunk size cuts; a stored (not deflated) member too
    import random

    from kpi_xl.excel.package import _chunks, _inflater

    if not with_isal:
        monkeypatch.setitem(sys.modules, "isal", None)  # `from isal import ...` raises ImportError
    else:
        pytest.importorskip("isal")
    assert ("isal" in type(_inflater()).__module__) is with_isal
    rng = random.Random(4)
    xml = "".join(f'<row r="{i}"><c r="A{i}"><v>{rng.random()}</v></c></row>' for i in range(20000)).encode()
    path = tmp_path / "parts.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("deflated.xml", xml, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("stored.xml", xml[:5000], compress_type=zipfile.ZIP_STORED)
    with zipfile.ZipFile(path) as archive:
        for name, size in (("deflated.xml", 1000), ("deflated.xml", 1 << 20), ("stored.xml", 64)):
            chunks = list(_chunks(archive, name, size))
            assert b"".join(chunks) == archive.read(name) and len(b"".join(chunks)) in (len(xml), 5000)


def test_a_streamed_member_comes_from_the_file_the_archive_opened(tmp_path):
    """Another kpi-xl (or Excel) may put a new file at the path while a save scans the sheets: the scan reads
    the file whose central directory it holds, not whatever is at the path now (it crashed with 'no local
    header' in a two-process refresh)."""
    import os

    from kpi_xl.excel.package import _chunks

    path, other = tmp_path / "book.xlsx", tmp_path / "other.xlsx"
    sheet = b"<worksheet>" + b"<row/>" * 50_000 + b"</worksheet>"  # hand-made: 300,023 bytes, deflated
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("a.txt", b"x" * 1000)
        book.writestr("xl/worksheets/sheet1.xml", sheet)
    with zipfile.ZipFile(other, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("xl/worksheets/sheet1.xml", b"<worksheet>changed</worksheet>")
    with zipfile.ZipFile(path) as archive:
        os.replace(other, path)  # the path now holds another file
        assert b"".join(_chunks(archive, "xl/worksheets/sheet1.xml", 4096)) == sheet


def test_a_save_after_another_save_is_refused_with_a_message(tmp_path):
    """Two packages of one file: the second save finds the file changed and writes nothing."""
    from kpi_xl.errors import KpiInputError
    from kpi_xl.template.build import build_template

    path = build_template(tmp_path / "book.xlsm")
    first, second = Package(path), Package(path)
    first.write_cells("Paramètres", {(3, 3): "Première"})
    first.save()
    saved = path.read_bytes()
    second.write_cells("Paramètres", {(3, 3): "Seconde"})
    with pytest.raises(KpiInputError, match="changed since kpi-xl read it"):
        second.save()
    assert path.read_bytes() == saved


def test_a_formula_written_in_this_session_asks_excel_to_recalculate(tmp_path):
    """The save's scan reads a sheet written in this session from memory, not the file's older copy: a formula
    just written (here a user's own, through the package) is seen and sets fullCalcOnLoad."""
    from kpi_xl.excel.values import Formula
    from kpi_xl.template.build import build_template

    path = build_template(tmp_path / "book.xlsm")
    package = Package(path)
    package.write_cells("Paramètres", {(1, 10): Formula("SUM(1,2)")})
    package.save()
    with zipfile.ZipFile(path) as saved:
        assert 'fullCalcOnLoad="1"' in saved.read("xl/workbook.xml").decode()


def test_the_formula_scan_stops_at_a_small_sheet_before_the_large_untouched_ones(tmp_path, monkeypatch):
    """One formula is enough to ask for a recalculation: with a formula in a sheet written in this session,
    the large untouched sheets (the orders sheet of a big book) are not inflated to look for another."""
    from kpi_xl.excel import package as package_module
    from kpi_xl.excel.values import Formula
    from kpi_xl.template.build import build_template

    path = build_template(tmp_path / "book.xlsm")
    package = Package(path)
    package.write_cells("Paramètres", {(1, 10): Formula("SUM(1,2)")})
    streamed = []
    original = package_module._chunks
    monkeypatch.setattr(package_module, "_chunks", lambda archive, name, *a: streamed.append(name) or
                        original(archive, name, *a))
    package.save()
    assert streamed == []  # the written sheet (in memory) holds a formula: no untouched sheet was inflated
    with zipfile.ZipFile(path) as saved:
        assert 'fullCalcOnLoad="1"' in saved.read("xl/workbook.xml").decode()
