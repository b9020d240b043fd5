"""The refresh: read the inputs, check them, compute every KPI, fill the dashboard.

One code path over the book adapters of :mod:`kpi_xl.excel.books` (a file on
disk, a live workbook through xlwings); the ribbon's buttons are in
:mod:`kpi_xl.excel.ribbon`.

A problem in a row is listed on the dashboard and the row left out; a missing
sheet, table or column stops the refresh with a message naming it, and
nothing is changed.
"""

from __future__ import annotations

import datetime as _dt
import os

from .books import FileBook, LiveBook, fill_inputs
from .fill import DashboardFill, compute
from .inputs import read_inputs

# FileBook, LiveBook and fill_inputs live in kpi_xl.excel.books; named here too for the callers of the refresh
__all__ = ["refresh_book", "refresh_file", "read_kpis", "FileBook", "LiveBook", "fill_inputs"]


def refresh_book(book: FileBook | LiveBook, *, now: _dt.datetime | None = None, write: bool = True) -> DashboardFill:
    """Read, check and compute; with ``write``, fill the dashboard (nothing is written on a fatal problem)."""
    status = book.status if write else (lambda message: None)  # formulas (write=False) must not touch Excel
    status("kpi_xl : lecture des données...")
    inputs = read_inputs(book)
    status("kpi_xl : calcul des indicateurs...")
    fill = compute(inputs, now=now)
    if write:
        book.status("kpi_xl : remplissage du tableau de bord...")
        for name, cells in fill.writes.items():
            book.write(name, cells)
        book.print_area(fill.print_area)
    status("")
    return fill


def refresh_file(path: str | os.PathLike, *, out: str | os.PathLike | None = None,
                 now: _dt.datetime | None = None) -> DashboardFill:
    """Refresh a workbook file in place (or into ``out``); the original is replaced only after a good save."""
    book = FileBook(path)
    fill = refresh_book(book, now=now)
    book.save(out)
    return fill


def read_kpis(path: str | os.PathLike) -> DashboardFill:
    """Every KPI of every month of a workbook file, without writing anything."""
    return refresh_book(FileBook(path), write=False)
