"""vbaProject.bin from source, checked by independent readers: oletools/olefile and LibreOffice."""

import io
import os
import re
import struct
import subprocess
import zipfile
from pathlib import Path

import olefile
import pytest
from oletools.olevba import VBA_Parser, decompress_stream

from kpi_xl.excel import udfs
from kpi_xl.render import render_sheet, sheet_pdf, soffice
from kpi_xl.schema import SHEETS
from kpi_xl.template.build import TEMPLATE_NAME, build_template
from kpi_xl.template.cfb import Storage, write_cfb
from kpi_xl.template.udf_wrapper import generate_udf_wrapper
from kpi_xl.template.vba_sources import template_modules, xlwings_file


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return build_template(tmp_path_factory.mktemp("vba") / TEMPLATE_NAME)


@pytest.fixture(scope="module")
def modules():
    return template_modules(generate_udf_wrapper())


def vba_bin(path):
    with zipfile.ZipFile(path) as package:
        return package.read("xl/vbaProject.bin")


# ---- the compound file container


def _tree_nodes(ole, sid):
    """In-order names and black heights of the red-black tree rooted at sid."""
    if sid == olefile.NOSTREAM:
        return [], 1
    entry = ole.direntries[sid]
    left, hl = _tree_nodes(ole, entry.sid_left)
    right, hr = _tree_nodes(ole, entry.sid_right)
    assert hl == hr, "unequal black heights"
    if entry.color == 0:  # red: children must be black
        for child in (entry.sid_left, entry.sid_right):
            assert child == olefile.NOSTREAM or ole.direntries[child].color == 1
    return left + [entry.name] + right, hl + (entry.color == 1)


def test_cfb_directory_trees_are_valid_red_black_trees():
    streams = {f"Module{i}": os.urandom(50 * i) for i in range(1, 20)} | {"big": os.urandom(10000)}
    ole = olefile.OleFileIO(io.BytesIO(write_cfb(Storage("Root Entry", streams=streams, storages=[
        Storage("VBA", streams={"dir": b"x", "_VBA_PROJECT": b"y" * 7})]))))
    for name, data in streams.items():
        assert ole.openstream(name).read() == data
    for entry in ole.direntries:
        if entry is not None and entry.sid_child != olefile.NOSTREAM:
            names, _ = _tree_nodes(ole, entry.sid_child)
            keys = [(len(n), n.upper()) for n in names]
            assert keys == sorted(keys)  # [MS-CFB] 2.6.4 ordering


# ---- the template's project


def test_olevba_prints_every_module_source_unchanged(template, modules):
    parser = VBA_Parser(str(template), data=vba_bin(template))
    found = {Path(stream).name: code for _, stream, _, code in parser.extract_macros()}
    assert set(found) == {m.name for m in modules}
    for module in modules:
        expected = module.encoded().decode("cp1252")
        assert found[module.name].replace("\r\n", "\n") == expected.replace("\r\n", "\n"), module.name


def test_our_modules_are_the_files_in_the_repository(modules):
    from kpi_xl.template.vba_sources import VBA_DIR

    by_name = {m.name: m.source.replace("\r\n", "\n") for m in modules}
    # our own files are UTF-8 (issue 13 item 2: read as cp1252, "é" became "Ã©")
    assert by_name["kpi_ribbon"] == (VBA_DIR / "kpi_ribbon.bas").read_text("utf-8").replace("\r\n", "\n")
    assert by_name["ThisWorkbook"] == (VBA_DIR / "ThisWorkbook.cls").read_text("utf-8").replace("\r\n", "\n")
    assert by_name["xlwings"] == xlwings_file("xlwings.bas").read_text("cp1252").replace("\r\n", "\n")
    dictionary = xlwings_file("addin/Dictionary.cls").read_text("cp1252").replace("\r\n", "\n")
    body = dictionary.split("\nEND\n", 1)[1].split("\n")
    code = [line for line in body if not line.startswith("Attribute VB_")]  # member attributes stay
    assert by_name["Dictionary"].split("\n")[-len(code):] == code  # the class's code, every line
    assert "app.MacroOptions" in by_name["kpi_functions"]
    assert by_name["xlwings_udfs"].count("\nFunction KPI_") == len([n for n in udfs.__all__ if n.startswith("KPI_")])


def _dir_records(vba_project: bytes):
    ole = olefile.OleFileIO(io.BytesIO(vba_project))
    data = bytes(decompress_stream(bytearray(ole.openstream("VBA/dir").read())))
    records, i = [], 0
    while i < len(data):
        rid, size = struct.unpack_from("<HI", data, i)
        if rid == 0x0009:  # PROJECTVERSION: its size field says 4 but 6 bytes follow
            size = 6
        records.append((rid, data[i + 6:i + 6 + size]))
        i += 6 + size
    return records


def test_dir_stream_follows_xlwings_quickstart_record_by_record(template):
    ours = _dir_records(vba_bin(template))
    with zipfile.ZipFile(xlwings_file("quickstart_standalone.xlsm")) as package:
        theirs = _dir_records(package.read("xl/vbaProject.bin"))
    split = lambda records: next(i for i, (rid, _) in enumerate(records) if rid == 0x000F)  # noqa: E731
    # project information and references: the same records with the same values
    assert ours[:split(ours)] == theirs[:split(theirs)]
    # module records: the same record kinds in the same order for each module, names aside
    module_kinds = lambda records: [rid for rid, _ in records[split(records) + 2:]]  # noqa: E731
    ours_kinds, theirs_kinds = module_kinds(ours), module_kinds(theirs)
    assert ours_kinds[-1] == theirs_kinds[-1] == 0x0010  # dir terminator
    ours_modules, theirs_modules = _chunks(ours_kinds[:-1]), _chunks(theirs_kinds[:-1])
    assert len(ours_modules) == len(SHEETS) + 6 and len(theirs_modules) == 6
    assert {tuple(m) for m in ours_modules} == {tuple(m) for m in theirs_modules}  # procedural and document kinds
    # every module stream holds source only (MODULEOFFSET 0), cookies as a writer must set them
    offsets = [struct.unpack("<I", data)[0] for rid, data in ours if rid == 0x0031]
    assert offsets and set(offsets) == {0}
    assert {data for rid, data in ours if rid == 0x002C} == {b"\xff\xff"}


def _chunks(kinds):
    """Module record kinds split at each MODULE terminator (0x002B)."""
    modules, current = [], []
    for kind in kinds:
        current.append(kind)
        if kind == 0x002B:
            modules.append(current)
            current = []
    return modules


def test_vba_project_stream_is_version_ffff_without_cache(template):
    ole = olefile.OleFileIO(io.BytesIO(vba_bin(template)))
    head = ole.openstream("VBA/_VBA_PROJECT").read()
    assert head[:2] == b"\xcc\x61" and head[2:4] == b"\xff\xff" and len(head) == 7
    project = ole.openstream("PROJECT").read().decode("cp1252")
    assert "Document=ThisWorkbook/&H00000000" in project and "Class=Dictionary" in project
    for sheet in SHEETS:
        assert f"Document={sheet.code_name}/&H00000000" in project


@pytest.mark.soffice
def test_libreoffice_imports_every_module(template, modules, tmp_path):
    office = soffice()
    run = subprocess.run([office, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                          "--convert-to", "ods", "--outdir", str(tmp_path), str(template)],
                         capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr
    with zipfile.ZipFile(tmp_path / "workbook_template.ods") as ods:
        basic = {Path(n).stem for n in ods.namelist() if n.startswith("Basic/VBAProject/") and n.endswith(".xml")}
        assert {m.name for m in modules} <= basic
        ribbon_module = ods.read("Basic/VBAProject/kpi_ribbon.xml").decode("utf-8")
        assert "KpiRefresh" in ribbon_module


@pytest.mark.soffice
def test_libreoffice_renders_every_sheet(template, tmp_path):
    """Each sheet prints, and its printed page holds the words the sheet shows (read back by pdftotext)."""
    for sheet in SHEETS:
        pdf = sheet_pdf(template, sheet.fr, tmp_path / f"{sheet.key}.pdf")
        printed = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                                 check=True).stdout
        expected = {"home": "Indicateurs de la boutique", "settings": "Fenêtre d'inactivité",
                    "orders": "N° de commande", "traffic": "Sessions", "marketing": "Dépenses",
                    "social": "Abonnés", "custom": "Formule", "dashboard": "Tendance sur 12 mois",
                    "definitions": "attrition", "imports": "Chiffres importés", "xlwings_conf": "UDF Modules"}[sheet.key]
        assert expected in printed, (sheet.fr, printed[:300])
    png = render_sheet(template, SHEETS[0].fr, tmp_path / "home.png", dpi=30)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# ---- what Excel reads from the module streams (issue 13 items 2, 3 and 7)


def _code_page(ole) -> int:
    data = bytes(decompress_stream(bytearray(ole.openstream("VBA/dir").read())))
    i = 0
    while i < len(data):
        rid, size = struct.unpack_from("<HI", data, i)
        if rid == 0x0003:  # PROJECTCODEPAGE
            return struct.unpack_from("<H", data, i + 6)[0]
        i += 6 + (6 if rid == 0x0009 else size)
    raise AssertionError("no PROJECTCODEPAGE record")


def test_every_module_decodes_with_the_projects_code_page_to_the_intended_text(template, modules):
    from kpi_xl.template.vba_sources import VBA_DIR

    ole = olefile.OleFileIO(io.BytesIO(vba_bin(template)))
    code_page = _code_page(ole)
    assert code_page == 1252
    shown = {m.name: bytes(decompress_stream(bytearray(ole.openstream(f"VBA/{m.name}").read())))
             .decode(f"cp{code_page}").replace("\r\n", "\n") for m in modules}
    # what the files in the repository say (UTF-8), character for character
    assert shown["kpi_ribbon"] == (VBA_DIR / "kpi_ribbon.bas").read_text("utf-8")
    assert shown["ThisWorkbook"] == (VBA_DIR / "ThisWorkbook.cls").read_text("utf-8")
    assert shown["xlwings"] == xlwings_file("xlwings.bas").read_text("ascii").replace("\r\n", "\n")  # xlwings' own
    assert 'RunKpiCommand "validate", "Vérification des données..."' in shown["kpi_ribbon"]
    assert "Remplacer les données des feuilles de saisie" in shown["kpi_ribbon"]
    assert "Coût d'acquisition client" in shown["kpi_functions"]
    for name, text in shown.items():
        # UTF-8 read as cp1252 turns é into Ã© and à into Ã\xa0: Ã or Â before a character of U+0080-U+00BF
        # (or the cp1252 letters of 0x80-0x9F); "Âge" is French, not mojibake
        assert not re.search("[ÃÂ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
                             "\u2013-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]", text), \
            f"{name}: UTF-8 read as cp1252"


def _signature_arguments(wrapper_vba: str) -> dict[str, int]:
    """Each KPI_* function's visible arguments in the generated wrapper (what the user types)."""
    out = {}
    for name, args in re.findall(r"^Function (KPI_\w+)\(([^)]*)\)", wrapper_vba, re.MULTILINE):
        out[name] = len([a for a in args.split(",") if a.strip()])
    return out


def _described_arguments(registration: str) -> dict[str, int]:
    """Each KPI_* function's ArgumentDescriptions count in the kpi_functions module."""
    out = {}
    for call in registration.split("app.MacroOptions")[1:]:
        name = re.search(r"'!(KPI_\w+)\"", call).group(1)
        array = re.search(r'ArgumentDescriptions:=Array\( _\n(.*?")\)\n', call, re.DOTALL)
        out[name] = len(re.findall(r'^\s*"(?:[^"]|"")*"', array.group(1), re.MULTILINE)) if array else 0
    return out


def test_each_function_describes_exactly_its_visible_arguments(modules):
    by_name = {m.name: m.source for m in modules}
    visible, described = _signature_arguments(by_name["xlwings_udfs"]), _described_arguments(by_name["kpi_functions"])
    assert visible["KPI_CUSTOM"] == 2  # name, month: xlwings fills the hidden caller itself
    assert visible["KPI_CAC"] == 2 and visible["KPI_LTV"] == 4
    assert described == visible


def test_macro_options_cannot_stop_the_project_compiling_on_a_mac(modules):
    registration = next(m.source for m in modules if m.name == "kpi_functions")
    body = registration.split("Public Sub RegisterKpiFunctions()")[1].split("End Sub")[0].strip().split("\n")
    assert body[0] == "#If Not Mac Then" and body[-1] == "#End If"
    assert "Dim app As Object" in registration and "Application.MacroOptions" not in registration
