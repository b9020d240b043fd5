"""Runs the ribbon's refresh on xlwings' remote engine: ``xw.Book(json=...)`` is the real xlwings Book API.

Run in its own process with XLWINGS_LICENSE_KEY set (tests only; the add-in never imports xlwings.pro):
``python xlwings_remote_refresh.py BOOK.xlsm [EXPORT.csv]`` prints the JSON actions xlwings would send to
Excel for the refresh (or, with an export, for its import).
The payload is what the Office.js client sends: every sheet's values (dates as ISO text, blanks as ""),
its tables, and the workbook's names.
"""

import datetime as dt
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's kpi_xl

import xlwings as xw
from openpyxl.utils import get_column_letter

from kpi_xl.excel.package import Package
from kpi_xl.excel.books import LiveBook
from kpi_xl.excel.refresh import refresh_book


def _address(r1, c1, r2, c2):
    return f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2}"


def payload(path):
    package = Package(path)
    titles = list(package.sheets)
    sheets = []
    for title in titles:
        values = [[v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else v for v in row]
                  for row in package.values(title)] or [[""]]
        tables = [{"name": t.name, "range_address": _address(t.first_row, t.first_col, t.last_row, t.last_col),
                   "header_row_range_address": _address(t.first_row, t.first_col, t.first_row, t.last_col),
                   "data_body_range_address": _address(t.first_row + 1, t.first_col, t.body_last_row, t.last_col),
                   "total_row_range_address": _address(t.last_row, t.first_col, t.last_row, t.last_col)
                   if t.total_rows else None,  # as xlwings' Remote.bas sends them (TotalsRowRange, ShowTotals)
                   "show_headers": True, "show_totals": bool(t.total_rows),
                   "table_style": "TableStyleMedium2", "show_autofilter": True}
                  for t in package.tables.values() if t.sheet == title]
        sheets.append({"name": title, "values": values, "pictures": [], "tables": tables, "pivot_tables": [],
                       "show_gridlines": True})
    names = []
    for name, ref in package.names.items():
        if "!" not in ref:
            continue
        sheet, (r1, c1, r2, c2) = package.name_target(name)
        address = f"{get_column_letter(c1)}{r1}" + ("" if (r1, c1) == (r2, c2) else f":{get_column_letter(c2)}{r2}")
        names.append({"name": name, "sheet_index": titles.index(sheet), "address": address, "book_scope": True,
                      "scope_sheet_index": None})
    return {"client": "Office.js", "version": xw.__version__, "names": names, "sheets": sheets,
            "book": {"name": path.split("/")[-1], "active_sheet_index": 0, "selection": "A1"}}


if __name__ == "__main__":
    book = xw.Book(json=payload(sys.argv[1]))
    if len(sys.argv) > 3 and sys.argv[2] == "--custom":  # =KPI_CUSTOM(name) in a cell of this workbook
        from kpi_xl.excel.udfs import KPI_CUSTOM
        print(json.dumps(KPI_CUSTOM(sys.argv[3], None, book.sheets[0]["A1"])))
        sys.exit(0)
    if len(sys.argv) > 2:  # the ribbon's import of an export (as import_chosen_file does, minus the dialog)
        from kpi_xl.importers import import_into
        import_into(LiveBook(book), "auto", sys.argv[2])
    else:
        refresh_book(LiveBook(book))
    actions = book.json()
    print(json.dumps(json.loads(actions)["actions"] if isinstance(actions, str) else actions["actions"],
                     default=str))
