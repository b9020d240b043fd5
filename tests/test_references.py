"""A1 references that follow moved cells (kpi_xl.excel.references): expected formulas written by hand, with
Excel's rules for references when rows go in above a cell (the reference moves down by the rows put in; a
range's corner that moved takes the range with it)."""

import pytest

from kpi_xl.excel.references import shift_references, translate

#: The total row of a table on "Trafic" (columns A to F) moves from row 29 to row 31.
AREA, SHIFT = (29, 1, 29, 6), 2

CASES = [
    # (formula, the sheet holding it (None: a defined name), the formula after the move), by hand
    ("C29", "Trafic", "C31"),                                # a cell of the total row, on its own sheet
    ("$C$29*2", "Trafic", "$C$31*2"),                        # absolute, then an operator
    ("c29", "Trafic", "c31"),                                # Excel reads the letters in either case
    ("C29", "Accueil", "C29"),                               # another sheet's C29
    ("Trafic!C29", "Accueil", "Trafic!C31"),
    ("Trafic!$C$29", None, "Trafic!$C$31"),                  # a defined name
    ("'Trafic'!C29", "Accueil", "'Trafic'!C31"),             # the sheet's name quoted
    ("G29", "Trafic", "G29"),                                # beside the table: not moved
    ("C28", "Trafic", "C28"),                                # a data row: not moved
    ("SUM(C5:C29)", "Trafic", "SUM(C5:C31)"),                # the range's last cell moved: the new rows go in it
    ("SUM(C5:C28)", "Trafic", "SUM(C5:C28)"),                # the data only: as it was (Excel's too)
    ("A29:F29", "Trafic", "A31:F31"),
    ('"C29"&C29', "Trafic", '"C29"&C31'),                    # a text in quotes is not a reference
    ('"say ""C29"""&C29', "Trafic", '"say ""C29"""&C31'),    # nor one with quotes in it
    ("tblTraffic[[#Totals],[C29]]", "Trafic", "tblTraffic[[#Totals],[C29]]"),  # a structured reference
    ("LOG10(C29)", "Trafic", "LOG10(C31)"),                  # a function name that looks like a cell
    ("TAX2024+C29", "Trafic", "TAX2024+C29".replace("C29", "C31")),  # TAX2024 is a cell, not on the total row
    ("Sales2029", "Trafic", "Sales2029"),                    # a name ending in digits
    ("[1]Trafic!C29", "Accueil", "[1]Trafic!C29"),           # another workbook's Trafic
    ("'Réseaux sociaux'!C29+Trafic!C29", "Accueil", "'Réseaux sociaux'!C29+Trafic!C31"),
    ("Trafic!29:29", "Accueil", "Trafic!29:29"),             # a whole row: left as it is
    ("SUM(C29:C33)", "Trafic", "SUM(C29:C33)"),              # its first cell moved, not its last: left as it is
    ("SUM(INDEX(C:C,5):C29)", "Trafic", "SUM(INDEX(C:C,5):C31)"),  # a range from a function to the total
    ("trafic!C29", "Accueil", "trafic!C31"),                 # Excel's sheet names ignore case
    ("SUM(Accueil:Trafic!C29)", "Accueil", "SUM(Accueil:Trafic!C29)"),  # over several sheets: left as it is
    ("'Sheet C29'!A:A", "Trafic", "'Sheet C29'!A:A"),        # a sheet's name is no reference
    ("'Sheet C29'!B2+C29", "Trafic", "'Sheet C29'!B2+C31"),
    ("", None, ""),
]


@pytest.mark.parametrize(("formula", "sheet", "expected"), CASES, ids=[f"{c[0]}@{c[1]}" for c in CASES])
def test_references_to_moved_cells_follow_them(formula, sheet, expected):
    assert shift_references(formula, sheet, "Trafic", AREA, SHIFT) == expected


def test_a_sheet_name_with_an_apostrophe():
    assert shift_references("'O''Brien'!C29+C29", "Accueil", "O'Brien", AREA, SHIFT) == "'O''Brien'!C31+C29"


def test_moving_up_follows_too():
    """A table filled with fewer rows: its total row moves up (a negative shift); a range it would turn upside
    down is left as it is."""
    assert shift_references("Trafic!C29", None, "Trafic", AREA, -20) == "Trafic!C9"
    assert shift_references("SUM(C5:C29)", "Trafic", "Trafic", AREA, -20) == "SUM(C5:C9)"
    assert shift_references("SUM(C20:C29)", "Trafic", "Trafic", AREA, -20) == "SUM(C20:C29)"


TRANSLATED = [
    # (a formula written for a cell, moved by (rows, columns), as the other cell reads it), by hand
    ("Trafic!C5", 24, 0, "Trafic!C29"),
    ("$C$5+C$5+$C5+C5", 2, 1, "$C$5+D$5+$C7+D7"),
    ('"C5"&tbl[[#Totals],[C5]]', 3, 3, '"C5"&tbl[[#Totals],[C5]]'),
    ("SUM(C5:C9)", 1, 0, "SUM(C6:C10)"),
]


@pytest.mark.parametrize(("formula", "rows", "columns", "expected"), TRANSLATED, ids=[t[0] for t in TRANSLATED])
def test_a_shared_formula_as_each_cell_of_its_group_reads_it(formula, rows, columns, expected):
    assert translate(formula, rows, columns) == expected
