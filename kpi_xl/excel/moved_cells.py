"""Moving a table's total row, and what names its cells, in a workbook file (a part of :class:`.package.Package`).

When an import adds rows to a table that shows its total row, the total row moves below them, as Excel moves
it. Its cells in the table's columns move whole (style, value, formula); then what reads them by their address
follows: ``xl/calcChain.xml`` (Excel's list of formula cells: an entry naming a cell without a formula makes it
repair the file), formulas in cells, defined names and the tables' own copies of their formulas
(``totalsRowFormula``, ``calculatedColumnFormula``, which Excel puts back when a total row is switched on).
Everything is checked before anything changes.
"""

from __future__ import annotations

import contextlib
from typing import Iterator

from lxml import etree

from ..errors import KpiInputError
from .addresses import get_column_letter
from .references import shift_references, translate
from .sheet_xml import M, NS, column_of, holds_value, position

__all__ = ["MovedCells"]

#: Where a table part keeps formulas of its own, and where the workbook keeps its defined names.
_TABLE_FORMULAS = ("m:tableColumns/m:tableColumn/m:totalsRowFormula",
                   "m:tableColumns/m:tableColumn/m:calculatedColumnFormula")
_DEFINED_NAMES = "m:definedNames/m:definedName"


class MovedCells:
    """The :class:`.package.Package` methods that move cells of a table and make what names them follow."""

    def _move_cells(self, ref, rows: range, shift: int) -> None:
        """Move the cells of ``rows`` in a table's columns ``shift`` rows down (up when negative); cells beside
        the table stay. A cell where one lands may be empty or hold a style, never a value (the import checks
        the rows below the table first); a shared formula, or an array formula over other cells, is refused."""
        root = self._tree(self.sheets[ref.sheet]).getroot()
        data = root.find("m:sheetData", NS)
        elements = {int(row.get("r")): row for row in data.iterfind("m:row", NS)}
        moved = [(number, column, cell) for number in rows if number in elements
                 for cell in elements[number].iterfind("m:c", NS)
                 if ref.first_col <= (column := column_of(cell.get("r"))) <= ref.last_col]
        moving = {id(cell) for _n, _c, cell in moved}
        for number, column, cell in moved:
            formula = cell.find("m:f", NS)
            if formula is not None and (formula.get("t") == "shared" or formula.get("ref") not in (None, cell.get("r"))):
                raise KpiInputError(f"sheet {ref.sheet!r}, cell {cell.get('r')}: the total row of the table "
                                    f"{ref.name} holds a shared or array formula, which cannot be moved below new "
                                    "rows; nothing was written. Switch the Total Row off (Table Design), import, then "
                                    "switch it on again")
            there = elements.get(number + shift)
            old = None if there is None else next((c for c in there.iterfind("m:c", NS)
                                                   if column_of(c.get("r")) == column), None)
            if old is not None and id(old) not in moving and holds_value(old):
                raise KpiInputError(f"sheet {ref.sheet!r}, cell {old.get('r')} holds a value where the total row "
                                    f"of the table {ref.name} must move: nothing was written")
        for number, _column, cell in moved:
            elements[number].remove(cell)
        formats = {}  # a row left with nothing beside the table: its height and style go with the total row
        for number in rows:
            row = elements.get(number)
            if row is not None and not len(row):
                formats[number + shift] = {k: v for k, v in row.attrib.items() if k not in ("r", "spans")}
                data.remove(row)  # no empty row element in the way of the rows written next
                del elements[number]
        renamed = {}
        for number, column, cell in moved:
            number += shift
            row = elements.get(number)
            if row is None:
                row = elements[number] = etree.Element(M + "row", r=str(number))
                later = min((n for n in elements if n > number), default=None)  # a row or two: one pass each
                if later is not None:
                    elements[later].addprevious(row)
                else:
                    data.append(row)
            row.attrib.update(formats.pop(number, {}))
            old = next((c for c in row.iterfind("m:c", NS) if column_of(c.get("r")) == column), None)
            if old is not None:
                row.remove(old)  # a style only (checked above): the moved cell brings its own
            address = f"{get_column_letter(column)}{number}"
            renamed[cell.get("r")] = address
            cell.set("r", address)
            formula = cell.find("m:f", NS)
            if formula is not None and formula.get("ref"):  # an array formula of this one cell (Excel 365's)
                formula.set("ref", address)
            after = [c for c in row.iterfind("m:c", NS) if column_of(c.get("r")) > column]
            if after:
                after[0].addprevious(cell)
            else:
                row.append(cell)
        if any(cell.find("m:f", NS) is not None for _n, _c, cell in moved):
            self._rename_in_calc_chain(ref.sheet, renamed)
        self._follow_moved_cells(ref, rows, shift)
        self._values.pop(ref.sheet, None)
        self._fast_reader = None

    def _follow_moved_cells(self, ref, rows: range, shift: int) -> None:
        """Formulas reading a moved cell by its address follow it, as Excel's do: in the cells of the table's
        sheet and of any sheet that names it, in the defined names, in the tables' own formulas."""
        moved = (ref.sheet, (rows.start, ref.first_col, rows.stop - 1, ref.last_col), shift)
        named = ref.sheet.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "''")
        for title, part in self.sheets.items():
            if title == ref.sheet or part in self._trees or _mentions(self.part_chunks(part), named.encode("utf-8")):
                self._follow_in(part, (".//m:f",), title, moved, cells=True)  # most sheets: streamed, never parsed
        for table in self.tables.values():
            self._follow_in(table.part, _TABLE_FORMULAS, table.sheet, moved)
        if self._follow_in("xl/workbook.xml", (_DEFINED_NAMES,), None, moved):
            for defined in self._tree("xl/workbook.xml").getroot().iterfind(_DEFINED_NAMES, NS):
                if defined.get("localSheetId") is None:
                    self.names[defined.get("name")] = defined.text or ""

    def _follow_in(self, part: str, paths: tuple[str, ...], own_sheet: str | None, moved: tuple, *,
                   cells: bool = False) -> bool:
        """Rewrite the formulas at ``paths`` in ``part`` that name moved cells (see :func:`.shift_references`),
        in a sheet's ``cells`` after writing out the shared formulas that need it (see :func:`_unshare`); a
        part read for this only is kept for writing only when one changes. True when one did."""
        held = self._trees.get(part)
        root = held.getroot() if held is not None else self._xml(part)
        changed = cells and _unshare(root, own_sheet, moved)
        for path in paths:
            for element in root.iterfind(path, NS):
                text = element.text and shift_references(element.text, own_sheet, *moved)
                if text and text != element.text:
                    element.text, changed = text, True
        if changed and held is None:
            self._trees[part] = root.getroottree()
        return changed

    def _rename_in_calc_chain(self, sheet: str, renamed: dict[str, str]) -> None:
        """Follow moved formula cells in ``xl/calcChain.xml``, Excel's list of formula cells in calculation
        order: an entry naming a cell without a formula makes Excel repair the file on open."""
        target = next((t for t in self._rels("xl/workbook.xml", kind="/calcChain").values()), None)
        if target is None or target not in self.parts:
            return
        ids = {s.get("name"): s.get("sheetId") for s in self._xml("xl/workbook.xml").iterfind("m:sheets/m:sheet", NS)}
        current = None
        for entry in self._tree(target).getroot().iterfind("m:c", NS):
            current = entry.get("i", current)  # an entry without i is on the previous entry's sheet
            if current == ids.get(sheet) and entry.get("r") in renamed:
                entry.set("r", renamed[entry.get("r")])


def _unshare(root: etree._Element, own_sheet: str, moved: tuple) -> bool:
    """Write out cell by cell each shared formula (a formula Excel filled down or across: its text on the
    group's first cell only, each other cell reading it moved by its distance) one of whose cells reads a moved
    cell, so that each can follow on its own (a filled-down column reading a table down to its total row).
    True when one was."""
    groups: dict[str, list[etree._Element]] = {}
    for formula in root.iter(M + "f"):
        if formula.get("t") == "shared" and formula.get("si") is not None:
            groups.setdefault(formula.get("si"), []).append(formula)
    changed = False
    for members in groups.values():
        first = next((f for f in members if f.get("ref") is not None and f.text), None)
        if first is None:
            continue
        row, column = position(first.getparent().get("r"))
        texts = []
        for formula in members:
            here, there = position(formula.getparent().get("r"))
            texts.append(translate(first.text, here - row, there - column))
        if any(shift_references(text, own_sheet, *moved) != text for text in texts):
            for formula, text in zip(members, texts, strict=True):
                formula.text = text
                for attribute in ("t", "ref", "si"):
                    formula.attrib.pop(attribute, None)
            changed = True
    return changed


def _mentions(chunks: Iterator[bytes], text: bytes) -> bool:
    """Whether a part's bytes, a piece at a time, hold ``text`` (also across two pieces), or ``text`` with its
    doubled apostrophes single (a sheet name as a quoted reference writes it, and as it is elsewhere)."""
    texts = {text, text.replace(b"''", b"'")}
    width = max(map(len, texts))
    tail = b""
    with contextlib.closing(chunks):
        for chunk in chunks:
            if any(t in tail + chunk[:width] or t in chunk for t in texts):
                return True
            tail = chunk[-width:]
    return False
