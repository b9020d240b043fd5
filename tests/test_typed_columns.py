"""The refresh's two ways of reading an input table agree: typed columns (fastexcel) and cell by cell.

Each spoiled workbook is refreshed twice: as is (a table whose columns each hold
one kind of value goes through fastexcel) and with the typed path switched off
(every table read cell by cell, the path every release before it used). The
problems (sheet, row, column, value, message) and the dashboard must be identical.
"""

import datetime as dt
import re
import shutil

import openpyxl
import pytest

from kpi_xl.excel import books
from kpi_xl.excel.addresses import get_column_letter
from kpi_xl.excel.package import Package
from kpi_xl.excel.refresh import refresh_file
from kpi_xl.excel.typed_columns import header_cells, typed_table
from kpi_xl.schema import NAMES

import test_refresh  # noqa: E402 - tests/ is on the path (pytest's rootdir import mode)

filled = test_refresh.filled  # the template filled with the sample shop (test_refresh's module fixture)

pytest.importorskip("fastexcel")  # an optional speed-up: without it every table is read cell by cell

NOW = dt.datetime(2026, 1, 15, 9, 30)


def spoiled(filled, folder, sheet, cells):
    path = folder / "book.xlsm"
    shutil.copy(filled, path)
    package = Package(path)
    package.write_cells(sheet, cells)
    package.save()
    return path


def both_paths(path, monkeypatch):
    """(problems, checks list) of a refresh through typed columns, then of one cell by cell."""
    cell_copy = path.with_name("cells.xlsm")
    shutil.copy(path, cell_copy)
    typed = refresh_file(path, now=NOW)
    with monkeypatch.context() as patch:
        patch.setattr(books.FileBook, "table_columns", lambda self, table: None)
        cells = refresh_file(cell_copy, now=NOW)
    return (typed, _checks(path)), (cells, _checks(cell_copy))


def agreeing_problems(path, monkeypatch):
    """The problems of a refresh (as shown), after checking that both paths list the same ones and the same
    checks list."""
    (typed, typed_checks), (cells, cell_checks) = both_paths(path, monkeypatch)
    shown = [str(p) for p in typed.problems]
    assert shown == [str(p) for p in cells.problems]
    assert typed_checks == cell_checks
    return shown


def _checks(path):
    package = Package(path)
    sheet, (r1, c1, r2, c2) = package.name_target(NAMES["checks"])
    return package.area(sheet, r1, c1, r2, c2).tolist()


# Problems in columns that keep one kind of value: the typed path reads them. Rows are sheet rows (data from 5).
ONE_KIND = {
    (8, 5): -12.5,                       # a negative cost, row 8
    (9, 1): dt.datetime(2099, 1, 1),     # a date in the future, row 9
    (10, 2): "#1001",                    # row 5's order number again
    (11, 3): None,                       # no customer id
    (12, 7): "expédiée",                 # an unknown status
    (13, 4): None,                       # no revenue
    (14, 2): "   ",                      # an order number of spaces only
    (15, 3): "  C-0042  ",               # a customer id with spaces around it: read as C-0042, no problem
}


def test_typed_and_cell_paths_give_the_same_problems_and_dashboard(filled, tmp_path, monkeypatch):
    path = spoiled(filled, tmp_path, "Commandes", ONE_KIND)
    assert typed_table(Package(path), "tblOrders") is not None  # the fast path is taken
    (typed, typed_checks), (cells, cell_checks) = both_paths(path, monkeypatch)
    shown = [str(p) for p in typed.problems]
    assert shown == [str(p) for p in cells.problems]
    assert [(p.sheet, p.row, p.column, p.value) for p in typed.problems] == \
        [(p.sheet, p.row, p.column, p.value) for p in cells.problems]
    assert typed_checks == cell_checks
    # the planted problems, each at its row (7 of the 8 cells; the padded customer id is fine)
    rows = {p.row for p in typed.problems if p.sheet == "Commandes"}
    assert rows == {8, 9, 10, 11, 12, 13, 14}
    assert any(p.row == 14 and "every order needs an order number" in str(p) for p in typed.problems)


def test_a_text_in_an_amount_column_falls_back_to_the_cells_and_keeps_its_row(filled, tmp_path, monkeypatch):
    path = spoiled(filled, tmp_path, "Commandes", {(7, 4): "douze", (8, 5): -12.5})
    assert typed_table(Package(path), "tblOrders") is None  # a column mixing kinds: cell by cell
    assert typed_table(Package(path), "tblTraffic") is not None  # the other tables stay typed
    shown = agreeing_problems(path, monkeypatch)
    assert "sheet 'Commandes', row 7, column 'CA net': 'douze' is not a number" in shown


# Texts fastexcel counts as missing when it works out a column's type ("NA", "n/a", "null", "None", "#N/A",
# "nan"...: its NULL_STRING_VALUES, fastexcel 0.21 src/types/dtype/mod.rs): in a number or date column its
# plain read turns them into blanks without a word, and "nan" into a number that is not one. The cell path
# says "is not a number / not a date"; so must the refresh when fastexcel reads the table.
NULL_LIKE = [  # (sheet row, table column), the text, what the cell path says (hand-written from its messages)
    ((7, 5), "n/a", "row 7, column 'Coût des marchandises': 'n/a' is not a number"),  # optional: else "not known"
    ((8, 4), "NA", "row 8, column 'CA net': 'NA' is not a number"),  # required: else "is empty"
    ((9, 1), "null", "row 9, column 'Date': 'null' is not a date"),
    ((10, 6), "#N/A", "row 10, column 'Remise': '#N/A' is an Excel error"),  # the error's text typed in
    ((11, 5), "nan", "row 11, column 'Coût des marchandises': 'nan' is not a number"),  # fastexcel: the float NaN
    ((12, 4), "None", "row 12, column 'CA net': 'None' is not a number"),
]


@pytest.mark.parametrize(("cell", "text", "said"), NULL_LIKE, ids=[text for _cell, text, _said in NULL_LIKE])
def test_texts_fastexcel_takes_for_missing_are_reported_as_the_cell_path_does(filled, tmp_path, monkeypatch,
                                                                             cell, text, said):
    shown = agreeing_problems(spoiled(filled, tmp_path, "Commandes", {cell: text}), monkeypatch)
    assert any(p.startswith("sheet 'Commandes', " + said) for p in shown)


def with_raw_cells(filled, folder, sheet, cells):
    """A copy of the book where each (row, column) holds the cell XML given, ``{ref}`` its address and
    ``{style}`` the style attribute of the cell it replaces: XML that ``Package.write_cells`` does not
    write (it writes a time as a time, a date as a number)."""
    path = folder / "raw.xlsm"
    shutil.copy(filled, path)
    package = Package(path)
    part = package.sheets[sheet]
    xml = package.parts[part].decode("utf-8")
    for (row, col), cell in cells.items():
        ref = f"{get_column_letter(col)}{row}"
        old = re.search(r'<c r="%s"( s="\d+")?[^>]*?(/>|>.*?</c>)' % ref, xml)
        xml = xml[:old.start()] + cell.format(ref=ref, style=old.group(1) or "") + xml[old.end():]
    package.parts[part] = xml.encode("utf-8")
    package.save()
    return path


# Date cells that are no dates to the cell reader (python-calamine), found by an attack on the typed read: a
# serial number under 1 is a time of day, "not a date" (fastexcel: 1899-12-31 12:00, "before 1900"); just
# under 1 fastexcel rounds to the millisecond and gets 1900-01-01 00:00, a valid date: the order was counted;
# from 2958466 (the year 10000) the cell reader gives the number, "not a date" (the typed read stopped the
# refresh with a traceback). Messages as the cell path words them (hand-written from its checks).
NOT_DATES = [
    ((7, 1), 0.5, "Commandes", "row 7, column 'Date': 12:00:00 is not a date"),
    ((7, 1), 0.999999999, "Commandes", "row 7, column 'Date': 00:00:00 is not a date"),
    ((7, 1), 2958466.0, "Commandes", "row 7, column 'Date': 2958466.0 is not a date"),
    ((6, 1), 0.999999999, "Trafic", "row 6, column 'Mois': 00:00:00 is not a date"),
]


@pytest.mark.parametrize(("cell", "number", "sheet", "said"), NOT_DATES,
                         ids=[f"{sheet}-{number}" for _cell, number, sheet, _said in NOT_DATES])
def test_date_cells_holding_a_time_or_past_9999_are_reported_as_the_cell_path_does(filled, tmp_path, monkeypatch,
                                                                                    cell, number, sheet, said):
    path = with_raw_cells(filled, tmp_path, sheet, {cell: f'<c r="{{ref}}"{{style}}><v>{number!r}</v></c>'})
    shown = agreeing_problems(path, monkeypatch)
    assert any(p.startswith(f"sheet '{sheet}', {said}") for p in shown)


def test_an_iso_date_cell_at_midnight_is_shown_as_a_date(filled, tmp_path, monkeypatch):
    # calamine reads an ISO date cell (t="d") as a date and time; at midnight it is shown as the date, as a
    # date cell and the typed read show it (found by the same attack: "2099-01-01 00:00:00 is in the future")
    path = with_raw_cells(filled, tmp_path, "Commandes", {(7, 1): '<c r="{ref}" t="d"><v>2099-01-01T00:00:00</v></c>'})
    shown = agreeing_problems(path, monkeypatch)
    assert any(p.startswith("sheet 'Commandes', row 7, column 'Date': 2099-01-01 is in the future") for p in shown)


def test_blanks_in_number_columns_keep_the_typed_path(filled, tmp_path):
    # the check above must not send every table to the slow path: a blank cost or discount is no problem
    path = spoiled(filled, tmp_path, "Commandes", {(7, 5): None, (8, 6): None, (9, 8): None})
    found = typed_table(Package(path), "tblOrders")
    assert found is not None
    _sheet, _row, headers, columns = found
    costs = columns[headers.index("Coût des marchandises")]
    assert costs.isna().iloc[7 - 5] and not costs.isna().iloc[6 - 5]  # row 7 blank, row 6 not


def test_a_renamed_header_cell_is_seen_by_the_typed_path(filled, tmp_path):
    # the table's definition still says 'CA net': the header cell is what counts, as in the cell path
    path = spoiled(filled, tmp_path, "Commandes", {(4, 4): "Chiffre"})
    sheet, header_row, headers, _columns = typed_table(Package(path), "tblOrders")
    assert (sheet, header_row) == ("Commandes", 4)
    assert headers[:4] == ["Date", "N° de commande", "Client", "Chiffre"]


def test_header_cells_read_shared_strings(tmp_path):
    # openpyxl writes texts as shared strings (Excel does too); the header is row 3 here
    path = tmp_path / "shared.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Orders"
    sheet.append(["title"])
    sheet.append([])
    sheet.append(["Date", "Order", 7, None, "Client"])
    sheet.append([dt.date(2024, 1, 2), "A1", 1, 2, "ann"])
    workbook.save(path)
    assert header_cells(Package(path), "Orders", 3, 1, 5) == ["Date", "Order", 7.0, None, "Client"]
    assert header_cells(Package(path), "Orders", 3, 2, 3) == ["Order", 7.0]
    assert header_cells(Package(path), "Orders", 9, 1, 2) is None  # no such row


def test_a_table_read_as_its_sheet_area_is_the_table_read_by_name(filled):
    # the fast read takes the table's area of its sheet (lighter than fastexcel's load_table), and only
    # when the names it finds are the header cells; otherwise (a sheet whose first used cell is not A1
    # shifts fastexcel's row and column numbers) the table is read cell by cell: fastexcel's read by name
    # does not say which cells it could not convert (see test_texts_fastexcel_takes_for_missing...)
    import fastexcel

    from kpi_xl.excel.typed_columns import _load

    package = Package(filled)
    reader = package.fast_reader(fastexcel)
    for table in ("tblOrders", "tblTraffic"):
        ref = package.tables[table]
        headers = header_cells(package, ref.sheet, ref.first_row, ref.first_col, ref.last_col)
        by_name = reader.load_table(table, dtype_coercion="strict", schema_sample_rows=None).to_arrow()
        as_area = _load(reader, ref, headers)
        assert as_area.schema.names == headers and as_area.num_rows == by_name.num_rows > 0
        assert [as_area.column(i).to_pylist() for i in range(as_area.num_columns)] == \
            [by_name.column(i).to_pylist() for i in range(by_name.num_columns)]
        shifted = ref.__class__(ref.name, ref.sheet, ref.part, ref.first_row + 1, ref.first_col, ref.last_row,
                                ref.last_col)  # as if the sheet started a row lower: names differ
        assert _load(reader, shifted, headers) is None
