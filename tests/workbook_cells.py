"""Reading back what a user sees in a written workbook: each cell's value and number format, found
through the workbook's defined names (openpyxl, an independent reader of what our writer wrote)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils.cell import range_boundaries

from kpi_xl.excel.package import Package


@dataclass(frozen=True)
class Shown:
    """A cell as Excel holds it: its value (a formula's text with its '=') and its number format."""

    value: Any
    number_format: str


@lru_cache(maxsize=8)
def _load(path: str, stamp: float):
    return openpyxl.load_workbook(path)


def workbook(path) -> openpyxl.Workbook:
    path = Path(path)
    return _load(str(path), path.stat().st_mtime_ns)


def name_cell(path, name: str) -> tuple[str, int, int]:
    """The sheet title and top-left (row, column) of a defined name."""
    wb = workbook(path)
    (sheet, ref), = wb.defined_names[name].destinations
    col, row, _c2, _r2 = range_boundaries(ref.replace("$", ""))
    return sheet, row, col


def cell(path, name: str, offset: tuple[int, int]) -> Shown:
    """The cell at ``offset`` (row, column) from the top-left cell of a defined name."""
    sheet, row, col = name_cell(path, name)
    found = workbook(path)[sheet].cell(row + offset[0], col + offset[1])
    return Shown(found.value, found.number_format)


def area(path, name):
    """The values of a named area as the file holds them (rows of cells), read by kpi_xl's own reader."""
    package = Package(path)
    sheet, (r1, c1, r2, c2) = package.name_target(name)
    return package.area(sheet, r1, c1, r2, c2)
