"""The few facts of SpreadsheetML that the package's readers and writers share: its namespaces, a cell's
column, whether a cell holds something."""

from __future__ import annotations

import re

from lxml import etree

from .addresses import column_index_from_string

__all__ = ["NS", "M", "column_of", "holds_value", "position"]

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
      "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}
#: The main namespace as lxml writes it before a tag: ``M + "row"``.
M = "{%s}" % NS["m"]
_LETTERS = re.compile(r"[A-Z]+")


def column_of(ref: str) -> int:
    """The column number of a cell reference (``"C12"`` is 3)."""
    return column_index_from_string(_LETTERS.match(ref).group(0))


def position(ref: str) -> tuple[int, int]:
    """A cell reference's row and column numbers (``"C12"`` is (12, 3))."""
    letters = _LETTERS.match(ref).group(0)
    return int(ref[len(letters):]), column_index_from_string(letters)


def holds_value(cell: etree._Element) -> bool:
    """Whether a cell holds a formula or a value, not only a style, nor an empty or blank text (as calamine and
    LibreOffice read it): a cell an import must not write over. (The refresh's note of rows typed below a table,
    :func:`.cell_marks.rows_below`, counts values only: a formula there holds no row of data.)"""
    for child in cell:
        kind = etree.QName(child).localname
        if kind == "f" or (kind == "v" and (child.text or "").strip()) or \
                (kind == "is" and "".join(child.itertext()).strip()):
            return True
    return False
