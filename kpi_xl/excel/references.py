"""A1 references in formula text, and moving those that point at cells that moved.

When an import moves a table's total row below its new rows, a formula that reads a total by its address
(``=Commandes!D2286``, a defined name ``Commandes!$D$2286``, a total formula ``=D2286/2``) must follow it, as
Excel's references follow cells when it inserts table rows above them. Structured references
(``tblOrders[[#Totals],[CA net]]``), texts in quotes and references to other workbooks are left alone.
"""

from __future__ import annotations

import re

from .addresses import column_index_from_string, get_column_letter

__all__ = ["shift_references", "translate"]

#: A text in quotes, or a structured reference's brackets (two levels: ``tbl[[#Totals],[CA net]]``): left as they
#: are; or an A1 reference, a cell or a range, with its sheet; or a quoted sheet name before something else
#: (``'Sheet C29'!A:A``), left as it is. Not a reference: the end of a name or number before it (``Sales2024``),
#: a function after it (``LOG10(``), a workbook before its sheet (``[1]Sheet!A1``). A reference joined to a
#: function by ``:`` (``INDEX(C:C,5):C29``) is one; a reference over several sheets (``Jan:Mar!C29``) is left
#: as it is.
_TOKEN = re.compile(r"""
    (?P<skip>"(?:[^"]|"")*"|\[(?:[^\[\]]|\[[^\]]*\])*\]
      |(?:'(?:[^']|'')+'|[^\W\d][\w.]*):(?:'(?:[^']|'')+'|[^\W\d][\w.]*)!\$?[A-Za-z]{1,3}\$?\d+)
  | (?<![\w.$'\]!])
    (?:(?P<sheet>'(?:[^']|'')+'|[^\W\d][\w.]*)!)?
    (?P<c1>\$?[A-Za-z]{1,3})(?P<d1>\$?)(?P<r1>\d{1,7})
    (?::(?P<c2>\$?[A-Za-z]{1,3})(?P<d2>\$?)(?P<r2>\d{1,7}))?
    (?![\w(!.\[])
  | (?P<quoted>'(?:[^']|'')+')
""", re.VERBOSE)


def shift_references(formula: str, own_sheet: str | None, sheet: str, area: tuple[int, int, int, int],
                     shift: int) -> str:
    """``formula`` with each reference to a cell of ``area`` (first row, first column, last row, last column) on
    ``sheet`` moved ``shift`` rows down. A range whose last cell moved takes the new rows in (``D5:D29`` whose
    D29 moved 2 rows: ``D5:D31``, as Excel's range does when rows go in above its last cell); a range whose
    first cell moved but not its last, or that would turn upside down, is left as it is. ``own_sheet``: the
    sheet of the cell holding the formula, which its references without a sheet name are on (None for a
    defined name).

    >>> shift_references("SUM(Trafic!C29,C29,'Réseaux sociaux'!C29)", "Accueil", "Trafic", (29, 1, 29, 6), 2)
    "SUM(Trafic!C31,C29,'Réseaux sociaux'!C29)"
    >>> shift_references('D29/2&"D29"&tbl[[#Totals],[D29]]&LOG10(5)', "Trafic", "Trafic", (29, 1, 29, 6), 2)
    'D31/2&"D29"&tbl[[#Totals],[D29]]&LOG10(5)'
    >>> shift_references("SUM($D$5:$D$29)+[1]Trafic!D29", "Trafic", "Trafic", (29, 1, 29, 6), 3)
    'SUM($D$5:$D$32)+[1]Trafic!D29'
    """
    first_row, first_col, last_row, last_col = area

    def moved(column: str, row: str) -> bool:
        return first_row <= int(row) <= last_row and first_col <= column_index_from_string(
            column.lstrip("$").upper()) <= last_col

    def follow(match: re.Match) -> str:
        if match.group("c1") is None:  # a text, brackets, a quoted sheet name before no reference
            return match.group(0)
        named = match.group("sheet")
        on = own_sheet if named is None else named[1:-1].replace("''", "'") if named.startswith("'") else named
        if on is None or on.casefold() != sheet.casefold():  # Excel's sheet names ignore case
            return match.group(0)
        corners = [("c1", "d1", "r1"), ("c2", "d2", "r2")] if match.group("c2") else [("c1", "d1", "r1")]
        follows = [moved(match.group(column), match.group(row)) for column, _dollar, row in corners]
        if not follows[-1]:  # the last cell stays: so does the range
            return match.group(0)
        numbers = [int(match.group(row)) + (shift if follow else 0)
                   for (_column, _dollar, row), follow in zip(corners, follows, strict=True)]
        if numbers != sorted(numbers):
            return match.group(0)
        return ("" if named is None else named + "!") + ":".join(
            f"{match.group(column)}{match.group(dollar)}{number}"
            for (column, dollar, _row), number in zip(corners, numbers, strict=True))

    return _TOKEN.sub(follow, formula)


def translate(formula: str, rows: int, columns: int) -> str:
    """``formula`` as it reads from a cell ``rows`` below and ``columns`` right of the cell it was written for:
    its relative references moved, its absolute ones (``$``) not. Excel writes a formula filled down a column
    once, on the first cell of the group (a shared formula); each other cell reads it so.

    >>> translate("Trafic!C5*$B$1+C$5+$C5", 24, 1)
    'Trafic!D29*$B$1+D$5+$C29'
    """
    def moved(match: re.Match) -> str:
        if match.group("c1") is None:
            return match.group(0)
        corners = [("c1", "d1", "r1"), ("c2", "d2", "r2")] if match.group("c2") else [("c1", "d1", "r1")]
        parts = []
        for column, dollar, row in corners:
            letters = match.group(column)
            if not letters.startswith("$"):
                letters = get_column_letter(column_index_from_string(letters.upper()) + columns)
            number = int(match.group(row)) + (0 if match.group(dollar) else rows)
            parts.append(f"{letters}{match.group(dollar)}{number}")
        named = match.group("sheet")
        return ("" if named is None else named + "!") + ":".join(parts)

    return _TOKEN.sub(moved, formula)
