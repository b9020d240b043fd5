"""Excel tables with their Total Row switched on (Table Design > Total Row), and cells below a table: the total
row is not data, an import puts its rows above it and moves it down as Excel does, and never writes over a cell
below a table."""

import datetime as dt
import re
import shutil
import subprocess
import zipfile

import pytest
from lxml import etree

from kpi_xl.errors import KpiInputError
from kpi_xl.excel import books
from kpi_xl.excel.addresses import get_column_letter
from kpi_xl.excel.books import FileBook
from kpi_xl.excel.package import NS, Package
from kpi_xl.excel.refresh import refresh_file
from kpi_xl.excel.values import Formula
from kpi_xl.importers import import_file, import_into
from kpi_xl.render import soffice
from kpi_xl.schema import NAMES
from test_importers import SHOPIFY_2025, shopify_rows, write_csv
from xlwings_paths import remote_refresh_actions
from dashboard_writes import written

import test_refresh  # noqa: E402 - tests/ is on the path (pytest's rootdir import mode)

filled = test_refresh.filled  # the template filled with the sample shop (test_refresh's module fixture)

NOW = dt.datetime(2026, 1, 15, 9, 30)
CALC_CHAIN_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml"
CALC_CHAIN_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/calcChain"
#: The orders Shopify's rows above hold (test_importers.shopify_rows: #1001 to #1005).
IMPORTED = ["#1001", "#1002", "#1003", "#1004", "#1005"]
#: A LibreOffice profile setting: recalculate every formula of an .xlsx/.xlsm on load (by default it shows the
#: values the file saved, as Excel does with a file that does not ask for a recalculation).
ALWAYS_RECALCULATE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
</oor:items>
"""


def with_total_row(source, target, table="tblOrders", summed="CA net"):
    """A copy of ``source`` whose ``table`` shows a total row as Excel 365 writes one: ``totalsRowCount``, the
    area one row longer, the autofilter without it, the label "Total" in the first column, and in ``summed``
    ``=SUBTOTAL(109,table[summed])`` with its saved value, listed in ``xl/calcChain.xml``. Returns the total
    row's number and the saved sum."""
    package = Package(source)
    ref = package.tables[table]
    sheet_part = package.sheets[ref.sheet]
    values = FileBook(source).table_values(table)[2].tolist()
    column = values[0].index(summed)
    total = sum(row[column] for row in values[1:] if isinstance(row[column], float))
    row = ref.last_row + 1
    letters = [chr(ord("A") + ref.first_col - 1 + i) for i in range(ref.last_col - ref.first_col + 1)]
    with zipfile.ZipFile(source) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    root = etree.fromstring(parts[ref.part])
    root.set("ref", f"{letters[0]}{ref.first_row}:{letters[-1]}{row}")
    root.set("totalsRowCount", "1")
    columns = root.findall("m:tableColumns/m:tableColumn", NS)
    columns[0].set("totalsRowLabel", "Total")
    columns[column].set("totalsRowFunction", "sum")
    parts[ref.part] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    cells = (f'<c r="{letters[0]}{row}" t="inlineStr"><is><t>Total</t></is></c>'
             f'<c r="{letters[column]}{row}" s="3"><f>SUBTOTAL(109,{table}[{summed}])</f><v>{total!r}</v></c>')
    sheet = parts[sheet_part].decode("utf-8")
    assert f'<row r="{row}"' not in sheet  # nothing below the table
    parts[sheet_part] = sheet.replace("</sheetData>", f'<row r="{row}">{cells}</row></sheetData>', 1).encode("utf-8")
    sheet_id = re.search(rf'name="{ref.sheet}" sheetId="(\d+)"', parts["xl/workbook.xml"].decode("utf-8")).group(1)
    parts["xl/calcChain.xml"] = (f'<calcChain xmlns="{NS["m"]}"><c r="{letters[column]}{row}" i="{sheet_id}"/>'
                                 "</calcChain>").encode("utf-8")
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", f'<Override PartName="/xl/calcChain.xml" ContentType="{CALC_CHAIN_TYPE}"/></Types>'.encode())
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        f'<Relationship Id="rIdCalcChain" Type="{CALC_CHAIN_REL}" Target="calcChain.xml"/></Relationships>'.encode())
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return row, total


def with_note_below(filled, path, total_row, below, column, note):
    """A copy of ``filled`` at ``path`` (with a total row on the orders table, or not) holding ``note`` in
    ``column``, ``below`` rows under the table's last row; returns that last row."""
    if total_row:
        with_total_row(filled, path)
    else:
        shutil.copy(filled, path)
    end = Package(path).tables["tblOrders"].last_row
    package = Package(path)
    package.write_cells("Commandes", {(end + below, column): note})
    package.save()
    return end


def total_formula_as(path, row, attributes):
    """The book's total cell (``with_total_row``'s, in CA net) with its formula written with ``attributes``, as
    Excel writes an array or a shared formula."""
    package = Package(path)
    part = package.sheets["Commandes"]
    package.parts[part] = package.parts[part].replace(
        f'<c r="D{row}" s="3"><f>'.encode(), f'<c r="D{row}" s="3"><f {attributes}>'.encode())
    package.save(recalculate=False)


def dashboard(path):
    """Every cell of the dashboard sheet, as saved."""
    package = Package(path)
    sheet, _area = package.name_target(NAMES["checks"])
    return package.values(sheet)


def raw_row(path, sheet, row):
    """The XML of one row of a sheet, as saved."""
    package = Package(path)
    text = package.parts[package.sheets[sheet]].decode("utf-8")
    found = re.search(rf'<row r="{row}"[^>]*>.*?</row>', text)
    return found.group(0) if found else None


def test_the_table_area_counts_its_total_row(filled, tmp_path):
    row, _total = with_total_row(filled, tmp_path / "totals.xlsm")
    ref = Package(tmp_path / "totals.xlsm").tables["tblOrders"]
    assert (ref.last_row, ref.total_rows, ref.body_last_row) == (row, 1, row - 1)
    assert Package(filled).tables["tblOrders"].total_rows == 0


@pytest.mark.parametrize("path", ["typed", "cells"])
def test_a_total_row_is_not_data_and_changes_no_figure(filled, tmp_path, monkeypatch, path):
    """Before the fix each refresh listed "row N, column 'Date': 'Total' is not a date". The reference is the
    same book without the total row: every dashboard cell must be the same."""
    if path == "cells":
        monkeypatch.setattr(books.FileBook, "table_columns", lambda self, table: None)
    plain, totals = tmp_path / "plain.xlsm", tmp_path / "totals.xlsm"
    shutil.copy(filled, plain)
    with_total_row(filled, totals)
    plain_fill = refresh_file(plain, now=NOW)
    totals_fill = refresh_file(totals, now=NOW)
    assert [str(p) for p in totals_fill.problems] == [str(p) for p in plain_fill.problems] == []
    assert dashboard(totals) == dashboard(plain)
    assert FileBook(totals).table_values("tblOrders")[2].tolist() == FileBook(plain).table_values("tblOrders")[2].tolist()
    if path == "typed":  # the fast read takes the data only, so it still applies
        typed = FileBook(totals).table_columns("tblOrders")
        assert typed is not None and len(typed[3][0]) == len(FileBook(plain).table_values("tblOrders")[2]) - 1


def test_an_error_in_the_total_row_is_not_reported_as_bad_data(filled, tmp_path):
    """A total row's formula showing an error (#DIV/0! of an AVERAGE over a filtered-out column) is the user's
    own business, not a bad order."""
    path = tmp_path / "totals.xlsm"
    row, _total = with_total_row(filled, path)
    package = Package(path)
    part = package.sheets["Commandes"]
    text = package.parts[part].decode("utf-8")
    text = re.sub(rf'(<c r="D{row}" s="3")><f>(.*?)</f><v>[^<]*</v>', r'\1 t="e"><f>\2</f><v>#DIV/0!</v>', text)
    package.parts[part] = text.encode("utf-8")
    package.save(recalculate=False)
    assert (row, 3) not in FileBook(path).cell_marks("tblOrders")  # the error cells of the data: not this one
    assert refresh_file(path, now=NOW).problems == []


def test_an_import_goes_above_the_total_row_which_moves_down(filled, tmp_path):
    path = tmp_path / "totals.xlsm"
    row, total = with_total_row(filled, path)
    export = write_csv(tmp_path / "orders_export.csv", SHOPIFY_2025, shopify_rows())
    report = import_file("auto", export, path)
    assert report.imported == 5
    package = Package(path)
    ref = package.tables["tblOrders"]
    assert (ref.body_last_row, ref.last_row, ref.total_rows) == (row + 4, row + 5, 1)
    table = etree.fromstring(package.parts[ref.part])
    assert table.get("ref") == f"A4:I{row + 5}" and table.get("totalsRowCount") == "1"
    assert table.find("m:autoFilter", NS).get("ref") == f"A4:I{row + 4}"  # as Excel writes it: no total row
    # the imported orders in the rows the total row held and below it, the last data row holding #1005
    values = FileBook(path).table_values("tblOrders")[2].tolist()
    assert [r[1] for r in values[-5:]] == IMPORTED and "Total" not in [r[0] for r in values]
    # the total row's cells, moved whole: label, formula, its style and saved value
    moved = raw_row(path, "Commandes", row + 5)
    assert '<c r="A%d" t="inlineStr"><is><t>Total</t></is></c>' % (row + 5) in moved
    assert f'<c r="D{row + 5}" s="3"><f>SUBTOTAL(109,tblOrders[CA net])</f><v>{total!r}</v></c>' in moved
    assert "Total" not in raw_row(path, "Commandes", row) and "SUBTOTAL" not in raw_row(path, "Commandes", row)
    # Excel's list of formula cells follows the formula; Excel recalculates it on open
    chain = package.parts["xl/calcChain.xml"].decode("utf-8")
    assert f'r="D{row + 5}"' in chain and f'r="D{row}"' not in chain
    assert 'fullCalcOnLoad="1"' in package.parts["xl/workbook.xml"].decode("utf-8")
    # a refresh reads every order, the total row none (the imported orders have no cost of goods: said once)
    problems = refresh_file(path, now=NOW).problems
    assert [p.column for p in problems] == ["Coût des marchandises"] and problems[0].row is None


@pytest.mark.soffice
def test_libreoffice_sums_the_imported_orders_in_the_moved_total_row(filled, tmp_path):
    """An independent reader of the result: LibreOffice recalculates the moved total row's SUBTOTAL over the
    table's data (the import asks for a recalculation on open), which must now take in the imported orders."""
    path = tmp_path / "totals.xlsm"
    row, total = with_total_row(filled, path)
    export = write_csv(tmp_path / "orders_export.csv", SHOPIFY_2025, shopify_rows())
    import_file("auto", export, path)
    imported = [r[3] for r in FileBook(path).table_values("tblOrders")[2][-5:]]
    assert all(isinstance(v, float) for v in imported)
    out, profile = tmp_path / "csv", tmp_path / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(ALWAYS_RECALCULATE, encoding="utf-8")
    sheet = list(Package(path).sheets).index("Commandes") + 1
    run = subprocess.run([soffice(), f"-env:UserInstallation=file://{profile}", "--headless",
                          "--convert-to", f"csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,"
                          f"false,{sheet}", "--outdir", str(out), str(path)], capture_output=True, timeout=180)
    assert run.returncode == 0, run.stderr
    line = (out / "totals-Commandes.csv").read_text(encoding="utf-8").splitlines()[row + 5 - 1].split(",")
    assert line[0] == "Total"
    assert float(line[3]) == pytest.approx(total + sum(imported), abs=0.005)  # the saved sum + the new orders


def test_filling_a_shorter_table_moves_its_total_row_up(filled, tmp_path):
    path = tmp_path / "totals.xlsm"
    row, _total = with_total_row(filled, path)
    two = FileBook(filled).table_values("tblOrders")[2][1:3].tolist()
    book = FileBook(path)
    book.write_table("tblOrders", two)
    book.save()
    ref = Package(path).tables["tblOrders"]
    assert (ref.first_row, ref.body_last_row, ref.last_row) == (4, 6, 7)
    assert "SUBTOTAL" in raw_row(path, "Commandes", 7)
    values = Package(path).values("Commandes")
    assert values[7 - 1][0] == "Total" and [r[1] for r in FileBook(path).table_values("tblOrders")[2][1:]] == \
        [r[1] for r in two]
    assert all(v in ("", None) for r in values[7:] for v in r)  # nothing left below, the old total row included


@pytest.mark.parametrize("totals", [False, True], ids=["plain", "total-row"])
def test_an_import_never_writes_over_cells_below_a_table(filled, tmp_path, totals):
    """A note typed two rows below the table (or below its total row): the import is refused before anything is
    written, naming the sheet and the row; the file is left byte for byte."""
    path = tmp_path / "book.xlsm"
    end = with_note_below(filled, path, totals, 2, 3, "vérifié par Anne")
    before = path.read_bytes()
    export = write_csv(tmp_path / "orders_export.csv", SHOPIFY_2025, shopify_rows())
    with pytest.raises(KpiInputError) as refused:
        import_file("auto", export, path)
    assert f"sheet 'Commandes', row(s) {end + 2}: cells below the table tblOrders" in str(refused.value)
    assert "nothing was written" in str(refused.value)
    assert path.read_bytes() == before


def test_cells_far_below_a_table_are_kept_and_the_rows_go_in_order(filled, tmp_path):
    """A note 20 rows below the table leaves room for 5 orders: they go in above it, in row order (Excel requires
    it), written as one block of XML before the note's row."""
    path = tmp_path / "book.xlsm"
    shutil.copy(filled, path)
    last = Package(path).tables["tblOrders"].last_row
    package = Package(path)
    package.write_cells("Commandes", {(last + 20, 11): "note", (last + 20, 3): "vu"})
    package.save()
    export = write_csv(tmp_path / "orders_export.csv", SHOPIFY_2025, shopify_rows())
    import_file("auto", export, path)
    text = Package(path).parts[Package(path).sheets["Commandes"]].decode("utf-8")
    numbers = [int(n) for n in re.findall(r'<row r="(\d+)"', text)]
    assert numbers == sorted(numbers) and len(numbers) == len(set(numbers))
    values = Package(path).values("Commandes")
    assert [values[last + i][1] for i in range(5)] == IMPORTED
    assert values[last + 20 - 1][2] == "vu" and values[last + 20 - 1][10] == "note"


def test_a_total_row_count_the_table_cannot_hold_is_refused_by_name(filled, tmp_path):
    path = tmp_path / "bad.xlsm"
    with zipfile.ZipFile(filled) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    part = Package(filled).tables["tblTraffic"].part
    parts[part] = parts[part].replace(b'headerRowCount="1"', b'headerRowCount="1" totalsRowCount="500"', 1)
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    with pytest.raises(KpiInputError, match="the table 'tblTraffic' .* says it ends with 500 total row"):
        Package(path)


def test_excel_path_reads_above_the_total_row_and_imports_with_it_switched_off(filled, tmp_path):
    """Through xlwings' remote engine (the Office.js path of Lite): the refresh reads no total row, and the
    import switches the total row off, writes the rows where it was, grows the table, and switches it on again,
    in that order (Excel then puts it back below the data, with each column's total kept)."""
    path = tmp_path / "totals.xlsm"
    row, _total = with_total_row(filled, path)
    actions = remote_refresh_actions(path)
    shown = [v for v in written(actions).values() if isinstance(v, str)]
    assert not any("'Total'" in v or "not a date" in v for v in shown)
    export = write_csv(tmp_path / "orders_export.csv", SHOPIFY_2025, shopify_rows())
    orders = list(Package(path).sheets).index("Commandes")
    steps = [a for a in remote_refresh_actions(path, export) if a["sheet_position"] == orders]
    funcs = [a["func"] for a in steps]
    assert funcs[0] == "showTotalsTable" and steps[0]["args"][1] is False
    assert funcs[-1] == "showTotalsTable" and steps[-1]["args"][1] is True
    resize, = [a for a in steps if a["func"] == "resizeTable"]
    assert resize["args"][1] == f"$A$4:$I${row + 4}"  # header and data: the total row comes back below
    cells = written(steps)
    assert [cells[(orders, row + i, 2)] for i in range(5)] == IMPORTED  # from the total row's old place down


def test_a_total_cell_holding_an_array_formula_of_its_own_moves_with_its_area(filled, tmp_path):
    """Excel 365 writes some formulas as an array formula over their own cell (``t="array" ref="D29"``): the
    import moves it, its area with it (a shared formula, or an array over several cells, is refused by name)."""
    path = tmp_path / "totals.xlsm"
    row, _total = with_total_row(filled, path)
    total_formula_as(path, row, f't="array" ref="D{row}"')
    import_file("auto", write_csv(tmp_path / "orders_export.csv", SHOPIFY_2025, shopify_rows()), path)
    assert f'<c r="D{row + 5}" s="3"><f t="array" ref="D{row + 5}">SUBTOTAL' in raw_row(path, "Commandes", row + 5)


def test_an_empty_text_below_a_table_is_no_value_to_keep(filled, tmp_path):
    """A cell below the table holding an empty text (kpi_xl's own writer leaves ``<is><t></t></is>`` for "")
    reads as empty everywhere (calamine, LibreOffice): the import goes on."""
    path = tmp_path / "book.xlsm"
    shutil.copy(filled, path)
    last = Package(path).tables["tblOrders"].last_row
    package = Package(path)
    part = package.sheets["Commandes"]
    package.parts[part] = package.parts[part].replace(
        b"</sheetData>", f'<row r="{last + 1}"><c r="C{last + 1}" t="inlineStr"><is><t></t></is></c></row>'
                         "</sheetData>".encode())
    package.save(recalculate=False)
    report = import_file("auto", write_csv(tmp_path / "orders_export.csv", SHOPIFY_2025, shopify_rows()), path)
    assert report.imported == 5 and Package(path).values("Commandes")[last][1] == "#1001"


@pytest.mark.parametrize("note", [True, False], ids=["note-below", "nothing-below"])
def test_rows_go_in_as_elements_of_a_sheet_written_with_a_namespace_prefix(filled, tmp_path, note):
    """Tools built on the Open XML SDK write ``<x:worksheet xmlns:x=...>``: rows put in (before a later row, or at
    the end: refused before) must be in the main namespace too; as plain ``<row>`` they were in none, and
    LibreOffice and Excel did not see them."""
    path = tmp_path / "book.xlsm"
    shutil.copy(filled, path)
    last = Package(path).tables["tblOrders"].last_row
    package = Package(path)
    part = package.sheets["Commandes"]
    text = package.parts[part].decode("utf-8")
    if note:
        text = text.replace("</sheetData>", f'<row r="{last + 20}"><c r="K{last + 20}" t="inlineStr"><is><t>note</t>'
                                            "</is></c></row></sheetData>")
    text = re.sub(r"<(/?)(?!\?)([a-zA-Z]+)([ >/])", r"<\1x:\2\3", text.replace(' xmlns="', ' xmlns:x="', 1))
    package.parts[part] = text.encode("utf-8")
    package.save(recalculate=False)
    import_file("auto", write_csv(tmp_path / "orders_export.csv", SHOPIFY_2025, shopify_rows()), path)
    root = etree.fromstring(Package(path).parts[part])
    numbers = [int(row.get("r")) for row in root.iter("{%s}row" % NS["m"])]
    assert numbers == sorted(numbers) and last + 5 in numbers and len(numbers) == len(list(root.iter("{*}row")))
    assert [Package(path).values("Commandes")[last + i][1] for i in range(5)] == IMPORTED
def test_loading_the_sample_never_writes_over_cells_below_a_table(empty_book):
    """The sample shop's 2,000-odd orders go into a fresh template's orders table: a note typed under the table
    is where they would go, so nothing is written and the message names the row."""
    from kpi_xl.excel.books import fill_sample
    from kpi_xl.sample import sample_shop

    ref = Package(empty_book).tables["tblOrders"]
    package = Package(empty_book)
    package.write_cells("Commandes", {(ref.last_row + 3, 2): "à garder"})
    package.save()
    before = {title: Package(empty_book).values(title) for title in ("Commandes", "Trafic", "Marketing")}
    shop = sample_shop()
    book = FileBook(empty_book)
    with pytest.raises(KpiInputError, match=rf"sheet 'Commandes', row\(s\) {ref.last_row + 3}: cells below the "
                                            r"table tblOrders hold values where the sample's \d+ rows must go"):
        fill_sample(book, {"orders": shop.orders, "traffic": shop.traffic, "marketing": shop.marketing})
    book.save()  # what the book held in memory after the refusal: no table written, the orders' one included
    assert {title: Package(empty_book).values(title) for title in before} == before
    assert Package(empty_book).tables["tblOrders"] == ref


def test_formulas_reading_the_total_row_by_its_address_follow_it(filled, tmp_path):
    """A cell of another sheet reading the total by its address, a defined name of it, and a total formula of its
    own reading the total by address: each follows the moved total row, as Excel's references do when rows go in
    above it. Structured references (``tblOrders[[#Totals],[CA net]]``) need nothing."""
    path = tmp_path / "totals.xlsm"
    row, total = with_total_row(filled, path)
    package = Package(path)
    package.write_cells("Accueil", {(40, 8): Formula(f"Commandes!D{row}*2")})
    package.write_cells("Commandes", {(row, 6): Formula(f"D{row}/2")})
    package.parts["xl/workbook.xml"] = package.parts["xl/workbook.xml"].replace(
        b"</definedNames>", f"<definedName name=\"TotalCA\">Commandes!$D${row}</definedName></definedNames>".encode())
    table = package.tables["tblOrders"].part  # as Excel keeps a custom total: the cell's formula, and a copy
    package.parts[table] = package.parts[table].replace(
        b'<tableColumn id="6" name="Remise"/>', b'<tableColumn id="6" name="Remise" totalsRowFunction="custom">'
        + f"<totalsRowFormula>D{row}/2</totalsRowFormula></tableColumn>".encode())
    assert b"totalsRowFormula" in package.parts[table]
    package.save(recalculate=False)
    book = FileBook(path)
    import_into(book, "auto", write_csv(tmp_path / "orders_export.csv", SHOPIFY_2025, shopify_rows()))
    assert book.name_cell("TotalCA") == ("Commandes", row + 5, 4)  # the open book knows it at once
    book.save()
    moved = Package(path)
    assert f"<f>Commandes!D{row + 5}*2</f>" in raw_row(path, "Accueil", 40)
    assert f'<c r="F{row + 5}" s="20"><f>D{row + 5}/2</f>' in raw_row(path, "Commandes", row + 5)
    assert moved.names["TotalCA"] == f"Commandes!$D${row + 5}"
    assert f"<totalsRowFormula>D{row + 5}/2</totalsRowFormula>".encode() in moved.parts[moved.tables["tblOrders"].part]
    assert "SUBTOTAL(109,tblOrders[CA net])" in raw_row(path, "Commandes", row + 5)


@pytest.mark.parametrize("total_row", [False, True], ids=["plain", "total-row"])
def test_an_import_past_excels_last_row_is_refused_before_anything_is_written(empty_book, tmp_path, total_row):
    """An orders table whose four empty rows end on row 1,048,575, then row 1,048,576 empty (or its total row):
    5 orders need one row more, 1,048,576 (the total row then 1,048,577, past the grid). Before, the rows went
    past the grid and the saved workbook was one Excel (and kpi_xl) refuses to open."""
    ref = Package(empty_book).tables["tblOrders"]
    header = FileBook(empty_book).table_values("tblOrders")[2][0].tolist()
    top = 1_048_571
    package = Package(empty_book)
    cells = {(top, ref.first_col + i): label for i, label in enumerate(header)}
    if total_row:
        cells[(top + 5, ref.first_col)] = "Total"
    package.write_cells("Commandes", cells)
    root = etree.fromstring(package.parts[ref.part])
    root.set("ref", f"A{top}:I{top + 4 + total_row}")
    root.find("m:autoFilter", NS).set("ref", f"A{top}:I{top + 4}")
    if total_row:
        root.set("totalsRowCount", "1")
    package.parts[ref.part] = etree.tostring(root)
    package.save(recalculate=False)
    before = empty_book.read_bytes()
    export = write_csv(tmp_path / "orders_export.csv", SHOPIFY_2025, shopify_rows())
    if not total_row:  # the fifth order takes Excel's last row: it fits
        assert import_file("auto", export, empty_book).imported == 5
        assert Package(empty_book).tables["tblOrders"].last_row == 1_048_576
        return
    with pytest.raises(KpiInputError, match=r"sheet 'Commandes': with the import's 5 new row\(s\) the table "
                                            r"tblOrders would end on row 1048577, past Excel's last row \(1048576\)"):
        import_file("auto", export, empty_book)
    assert empty_book.read_bytes() == before


@pytest.mark.parametrize("total_row", [False, True], ids=["plain", "total-row"])
@pytest.mark.parametrize("below", [5, 6])
def test_the_rows_an_import_takes_below_a_table_end_exactly_where_it_says(filled, tmp_path, total_row, below):
    """5 new orders take the 5 rows right below the table (below its total row, which moves down by 5): a note
    on the 5th is in the way, one on the 6th is not, and is kept."""
    path = tmp_path / "book.xlsm"
    end = with_note_below(filled, path, total_row, below, 9, "note")
    export = write_csv(tmp_path / "orders_export.csv", SHOPIFY_2025, shopify_rows())
    if below == 5:
        with pytest.raises(KpiInputError, match=rf"row\(s\) {end + 5}: cells below the table tblOrders"):
            import_file("auto", export, path)
        return
    import_file("auto", export, path)
    values = Package(path).values("Commandes")
    assert values[end + 6 - 1][8] == "note" and Package(path).tables["tblOrders"].last_row == end + 5


@pytest.mark.parametrize("total_row", [False, True], ids=["plain", "total-row"])
def test_the_live_path_takes_the_same_rows_below_a_table(filled, tmp_path, total_row):
    """Through xlwings' remote engine (the ribbon's and Lite's path): a note on the 5th row below the table is in
    the way of 5 new orders, one on the 6th is not."""
    from xlwings_paths import remote_import_refusal

    export = write_csv(tmp_path / "orders_export.csv", SHOPIFY_2025, shopify_rows())
    said = {}
    for below in (5, 6):
        path = tmp_path / f"book{below}.xlsm"
        end = with_note_below(filled, path, total_row, below, 9, "note")
        said[below] = remote_import_refusal(path, export)
    assert said[5].startswith(f"sheet 'Commandes', row(s) {end + 5}: cells below the table tblOrders hold values")
    assert said[6] is None


def test_a_calc_chain_entry_on_the_sheet_of_the_entry_before_it_follows_too(filled, tmp_path):
    """Excel writes the sheet (``i``) on the first entry of a run only; the others are on the same sheet."""
    path = tmp_path / "totals.xlsm"
    row, _total = with_total_row(filled, path)
    package = Package(path)
    package.write_cells("Commandes", {(1, 11): Formula("1+1")})
    chain = package.parts["xl/calcChain.xml"].decode("utf-8")
    package.parts["xl/calcChain.xml"] = re.sub(r'<c r="D(\d+)" i="(\d+)"/>', r'<c r="K1" i="\2"/><c r="D\1"/>',
                                               chain).encode("utf-8")
    package.save(recalculate=False)
    import_file("auto", write_csv(tmp_path / "orders_export.csv", SHOPIFY_2025, shopify_rows()), path)
    chain = Package(path).parts["xl/calcChain.xml"].decode("utf-8")
    assert re.search(rf'<c r="K1" i="\d+"/><c r="D{row + 5}"/>', chain)


def test_a_total_row_that_cannot_move_leaves_the_sheet_as_it_was(filled, tmp_path):
    """A shared formula in the total row is refused, and the sheet in memory is as it was: nothing half moved."""
    path = tmp_path / "totals.xlsm"
    row, _total = with_total_row(filled, path)
    total_formula_as(path, row, f't="shared" ref="D{row}:E{row}" si="0"')
    package = Package(path)
    part = package.sheets["Commandes"]
    before = etree.tostring(package._tree(part))
    with pytest.raises(KpiInputError, match=rf"cell D{row}: the total row of the table tblOrders holds a shared"):
        package.set_table_area("tblOrders", row + 4)
    assert etree.tostring(package._tree(part)) == before


def test_a_sheet_name_is_found_across_two_pieces_of_a_streamed_part():
    from kpi_xl.excel.moved_cells import _mentions

    def pieces(*chunks):  # as Package.part_chunks streams a part
        yield from chunks

    assert _mentions(pieces(b"<f>Tra", b"fic!C29</f>"), b"Trafic")
    assert _mentions(pieces(b"<f>'O''Bri", b"en'!C29</f>"), b"O''Brien")
    assert not _mentions(pieces(b"<f>Trafi", b"x!C29</f>"), b"Trafic")


def test_a_live_books_formulas_come_as_rows_whatever_shape_xlwings_gives():
    from kpi_xl.excel.books import _formulas

    class Area:
        def __init__(self, formula):
            self._formula = formula

        @property
        def formula(self):
            if self._formula is None:
                raise NotImplementedError("xlwings Lite reads formulas with await")
            return self._formula

    assert _formulas(Area("=A1"), 1) == [["=A1"]]
    assert _formulas(Area(("=A1", "")), 1) == [["=A1", ""]]
    assert _formulas(Area((("=A1", ""), ("", "x"))), 2) == [["=A1", ""], ["", "x"]]
    assert _formulas(Area(("=A1", "")), 2) == [["=A1"], [""]]  # one column of two rows
    assert _formulas(Area(None), 3) is None


def test_a_name_reading_two_moved_total_rows_follows_both(filled, tmp_path):
    """Two tables' total rows moved in one session (an import moves the log's too): a defined name reading both
    keeps the first move when the second is made."""
    first, second = tmp_path / "one.xlsm", tmp_path / "two.xlsm"
    orders_row, _ = with_total_row(filled, first)
    traffic_row, _ = with_total_row(first, second, table="tblTraffic", summed="Sessions")
    package = Package(second)
    package.parts["xl/workbook.xml"] = package.parts["xl/workbook.xml"].replace(
        b"</definedNames>", f"<definedName name=\"Both\">Commandes!$D${orders_row}+Trafic!$B${traffic_row}"
                            "</definedName></definedNames>".encode())
    package.save(recalculate=False)
    package = Package(second)
    package.set_table_area("tblOrders", orders_row + 2)  # 3 rows more: the total row 3 rows down
    package.set_table_area("tblTraffic", traffic_row)     # 1 row more
    package.save()
    assert Package(second).names["Both"] == f"Commandes!$D${orders_row + 3}+Trafic!$B${traffic_row + 1}"


def test_a_total_row_is_never_moved_onto_a_value(filled, tmp_path):
    """The package's own guard, behind the import's check of the rows below: a value where the total row must
    land stops the move before anything changes."""
    path = tmp_path / "totals.xlsm"
    row, _total = with_total_row(filled, path)
    package = Package(path)
    package.write_cells("Commandes", {(row + 3, 4): 99.0})
    part = package.sheets["Commandes"]
    before = etree.tostring(package._tree(part))
    with pytest.raises(KpiInputError, match=rf"cell D{row + 3} holds a value where the total row of the table "
                                            "tblOrders must move"):
        package.set_table_area("tblOrders", row + 2)
    assert etree.tostring(package._tree(part)) == before


def _filled_down(package, sheet, column, first, last, formula):
    """``formula`` filled down ``column`` from row ``first`` to ``last`` as Excel saves it: a shared formula,
    its text on the first cell only."""
    package.write_cells(sheet, {(row, column): Formula("0") for row in range(first, last + 1)})
    letter = get_column_letter(column)
    cells = {c.get("r"): c for c in package._tree(package.sheets[sheet]).getroot().iter("{%s}c" % NS["m"])}
    for row in range(first, last + 1):
        shared = cells[f"{letter}{row}"].find("m:f", NS)
        shared.attrib.update({"t": "shared", "si": str(column)})
        shared.text = None
    cells[f"{letter}{first}"].find("m:f", NS).attrib["ref"] = f"{letter}{first}:{letter}{last}"
    cells[f"{letter}{first}"].find("m:f", NS).text = formula


def test_a_formula_filled_down_to_the_total_row_follows_it_cell_by_cell(filled, tmp_path):
    """Accueil!Z5:Z29 holds =Trafic!C5 filled down (one shared formula): Z29 reads the traffic table's total.
    When the total row moves 2 rows down, the group is written out cell by cell and Z29 reads C31; the other
    cells read what they read before. A group reading no moved cell stays shared."""
    path = tmp_path / "totals.xlsm"
    row, _total = with_total_row(filled, path, table="tblTraffic", summed="Sessions")
    assert row == 29  # the sample's 24 months from row 5
    package = Package(path)
    _filled_down(package, "Accueil", 26, 5, 29, "Trafic!C5")
    _filled_down(package, "Accueil", 27, 5, 10, "Trafic!C5")
    package.save(recalculate=False)
    package = Package(path)
    package.set_table_area("tblTraffic", 30)
    package.save()
    cells = {c.get("r"): c.find("m:f", NS) for c in
             etree.fromstring(Package(path).parts[Package(path).sheets["Accueil"]]).iter("{%s}c" % NS["m"])}
    assert [cells[f"Z{r}"].text for r in (5, 6, 28, 29)] == ["Trafic!C5", "Trafic!C6", "Trafic!C28", "Trafic!C31"]
    assert all(cells[f"Z{r}"].get("t") is None for r in range(5, 30))
    assert cells["AA5"].get("t") == "shared" and cells["AA6"].text is None  # Z's neighbour, untouched


def test_the_total_rows_height_and_style_go_with_it(filled, tmp_path):
    """A total row made taller and bold as a whole row (``ht``, ``customHeight``, ``s``, ``customFormat`` on its
    ``<row>``): the format moves with it, and the row it leaves, now an imported order, has none."""
    path = tmp_path / "totals.xlsm"
    row, _total = with_total_row(filled, path)
    package = Package(path)
    part = package.sheets["Commandes"]
    package.parts[part] = package.parts[part].replace(
        f'<row r="{row}">'.encode(), f'<row r="{row}" s="3" customFormat="1" ht="24" customHeight="1">'.encode())
    package.save(recalculate=False)
    import_file("auto", write_csv(tmp_path / "orders_export.csv", SHOPIFY_2025, shopify_rows()), path)
    assert raw_row(path, "Commandes", row + 5).startswith(
        f'<row r="{row + 5}" s="3" customFormat="1" ht="24" customHeight="1"><c r="A{row + 5}"')
    assert raw_row(path, "Commandes", row).startswith(f'<row r="{row}"><c r="A{row}"')
