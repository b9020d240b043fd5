"""What Excel checks in a workbook package beyond the XML schemas, as functions that list the problems found.

Each rule is one Excel behaviour with its source:

* table and column names: Excel compares names ignoring case (XlsxWriter issue
  362, EPPlus PR 470) and a table's column names must equal its header cells,
  else "We found a problem with some content" and a repaired table;
* sheet names: at most 31 characters, none of ``[ ] : * ? / \\``, unique
  ignoring case (Excel's rename dialog; ECMA-376 Part 1, 18.2.19 leaves it open);
* defined names: a letter, underscore or backslash first, then letters, digits,
  ``_ . \\``; never a cell reference (``A1``, ``R1C1``); unique per scope ignoring case
  (Excel's "The name that you entered is not valid");
* data validation: a list typed in the formula at most 255 characters, input
  title and error title at most 32, input message at most 255, error message
  at most 225 (the limits Excel's Data Validation dialog enforces);
* styles: ``count`` attributes equal the elements, every cell's style index
  exists, at most 64,000 cell formats (Excel's specifications and limits);
* a cell text at most 32,767 characters (Excel's specifications and limits);
* no cell formula but the ones the writer means (the template: none; the
  refresh: ``NA()`` in the trend table, for the charts), so any other formula
  is a text that was meant (issue 13 item 6).
"""

from __future__ import annotations

import posixpath
import re
import zipfile

from lxml import etree

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
      "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}
_NAME = re.compile(r"^[A-Za-z_\\][A-Za-z0-9_.\\]*$")
_A1 = re.compile(r"^[A-Za-z]{1,3}[0-9]+$")
_R1C1 = re.compile(r"^[Rr]([0-9]*)?[Cc]?([0-9]*)?$")


class Package:
    """The parts of an .xlsm read once, with the sheets and their tables found through the relationships."""

    def __init__(self, path) -> None:
        with zipfile.ZipFile(path) as archive:
            self.parts = {name: archive.read(name) for name in archive.namelist()}
        self.workbook = self.xml("xl/workbook.xml")
        rels = self._rels("xl/workbook.xml")
        self.sheets = {s.get("name"): rels[s.get(f"{{{NS['r']}}}id")]
                       for s in self.workbook.find("m:sheets", NS)}
        strings = self.xml("xl/sharedStrings.xml") if "xl/sharedStrings.xml" in self.parts else None
        self.shared = ["".join(si.itertext()) for si in strings] if strings is not None else []

    def xml(self, part: str) -> etree._Element:
        return etree.fromstring(self.parts[part])

    def _rels(self, part: str) -> dict[str, str]:
        folder, name = posixpath.split(part)
        rels_part = posixpath.join(folder, "_rels", name + ".rels")
        if rels_part not in self.parts:
            return {}
        return {r.get("Id"): (r.get("Target")[1:] if r.get("Target").startswith("/")
                              else posixpath.normpath(posixpath.join(folder, r.get("Target"))))
                for r in self.xml(rels_part).findall("rel:Relationship", NS)}

    def tables(self, sheet: str) -> list[str]:
        part = self.sheets[sheet]
        rels = self._rels(part)
        return [rels[t.get(f"{{{NS['r']}}}id")] for t in self.xml(part).iterfind("m:tableParts/m:tablePart", NS)]

    def cell_text(self, cell: etree._Element) -> str | None:
        kind = cell.get("t")
        if kind == "s":
            return self.shared[int(cell.findtext("m:v", namespaces=NS))]
        if kind == "inlineStr":
            return "".join(cell.find("m:is", NS).itertext())
        return cell.findtext("m:v", namespaces=NS)

    def cells(self, sheet: str) -> dict[str, etree._Element]:
        return {c.get("r"): c for c in self.xml(self.sheets[sheet]).iterfind("m:sheetData/m:row/m:c", NS)}


def _split(ref: str) -> tuple[str, int]:
    letters = re.match(r"[A-Z]+", ref).group(0)
    return letters, int(ref[len(letters):])


def _letters(index: int) -> str:
    out = ""
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


def _index(letters: str) -> int:
    value = 0
    for char in letters:
        value = value * 26 + ord(char) - 64
    return value


def _bad_name(name: str) -> str | None:
    if not name or len(name) > 255 or not _NAME.match(name):
        return "not a valid name"
    if _A1.match(name) and _index(re.match(r"[A-Za-z]+", name).group(0).upper()) <= 16384:
        return "a cell reference"
    if _R1C1.match(name):
        return "an R1C1 reference"
    return None


def sheet_name_problems(book: Package) -> list[str]:
    problems, seen = [], set()
    for name in book.sheets:
        if not 1 <= len(name) <= 31 or re.search(r"[\[\]:*?/\\]", name) or name.startswith("'") or name.endswith("'"):
            problems.append(f"sheet name {name!r} is not allowed")
        if name.lower() in seen:
            problems.append(f"sheet name {name!r} repeats, ignoring case")
        seen.add(name.lower())
    return problems


def table_problems(book: Package) -> list[str]:
    """Table names and column names as Excel checks them."""
    problems, names = [], {}
    for sheet in book.sheets:
        cells = None
        for part in book.tables(sheet):
            table = book.xml(part)
            name = table.get("displayName")
            if table.get("name") != name:
                problems.append(f"{part}: name {table.get('name')!r} differs from displayName {name!r}")
            why = _bad_name(name)
            if why:
                problems.append(f"table {name!r} on {sheet!r}: {why}")
            if name.lower() in names:
                problems.append(f"table {name!r} on {sheet!r}: the name repeats, ignoring case")
            names[name.lower()] = sheet
            columns = [c.get("name") for c in table.iterfind("m:tableColumns/m:tableColumn", NS)]
            first, last = table.get("ref").split(":")
            (c1, r1), (c2, _r2) = _split(first), _split(last)
            if len(columns) != _index(c2) - _index(c1) + 1:
                problems.append(f"table {name!r}: {len(columns)} columns for the range {table.get('ref')}")
            lowered = [c.lower() for c in columns]
            for column in columns:
                if not column or lowered.count(column.lower()) > 1:
                    problems.append(f"table {name!r} on {sheet!r}: column name {column!r} repeats, ignoring case")
            if table.get("headerRowCount", "1") != "0":
                cells = cells if cells is not None else book.cells(sheet)
                for i, column in enumerate(columns):
                    ref = f"{_letters(_index(c1) + i)}{r1}"
                    shown = book.cell_text(cells[ref]) if ref in cells else None
                    if shown != column:
                        problems.append(f"table {name!r} on {sheet!r}: column {column!r} but header cell {ref} "
                                        f"holds {shown!r}")
    return problems


def defined_name_problems(book: Package) -> list[str]:
    problems, seen = [], set()
    tables = set()
    for sheet in book.sheets:
        tables |= {book.xml(part).get("displayName").lower() for part in book.tables(sheet)}
    for defined in book.workbook.iterfind("m:definedNames/m:definedName", NS):
        name, scope = defined.get("name"), defined.get("localSheetId")
        bare = name.split("_xlnm.", 1)[-1] if name.startswith("_xlnm.") else name
        why = None if name.startswith("_xlnm.") else _bad_name(bare)
        if why:
            problems.append(f"defined name {name!r}: {why}")
        if (scope, name.lower()) in seen:
            problems.append(f"defined name {name!r} repeats in its scope, ignoring case")
        if scope is None and name.lower() in tables:
            problems.append(f"defined name {name!r} is also a table name")
        seen.add((scope, name.lower()))
        if not (defined.text or "").strip():
            problems.append(f"defined name {name!r} refers to nothing")
    return problems


def validation_problems(book: Package) -> list[str]:
    limits = {"promptTitle": 32, "errorTitle": 32, "prompt": 255, "error": 225}
    problems = []
    for sheet, part in book.sheets.items():
        for dv in book.xml(part).iterfind("m:dataValidations/m:dataValidation", NS):
            where = f"{sheet!r} {dv.get('sqref')}"
            for attribute, limit in limits.items():
                if len(dv.get(attribute) or "") > limit:
                    problems.append(f"data validation {where}: {attribute} is longer than {limit} characters")
            formula = dv.findtext("m:formula1", namespaces=NS) or ""
            if dv.get("type") == "list" and formula.startswith('"') and len(formula) - 2 > 255:
                problems.append(f"data validation {where}: the list is {len(formula) - 2} characters, over 255")
            if not dv.get("sqref"):
                problems.append(f"data validation on {sheet!r} covers no cell")
    return problems


def style_problems(book: Package) -> list[str]:
    styles = book.xml("xl/styles.xml")
    problems = []
    for group in ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs"):
        element = styles.find(f"m:{group}", NS)
        if element is not None and element.get("count") is not None and int(element.get("count")) != len(element):
            problems.append(f"styles: {group} count={element.get('count')} but {len(element)} elements")
    formats = len(styles.find("m:cellXfs", NS))
    if formats > 64000:
        problems.append(f"styles: {formats} cell formats, over Excel's 64,000")
    for sheet, part in book.sheets.items():
        for cell in book.xml(part).iterfind("m:sheetData/m:row/m:c[@s]", NS):
            if int(cell.get("s")) >= formats:
                problems.append(f"{sheet!r} {cell.get('r')}: style {cell.get('s')} does not exist")
    return problems


def cell_problems(book: Package, meant: frozenset[str] = frozenset()) -> list[str]:
    """Formulas where text was meant (any formula not in ``meant``), and texts longer than a cell holds."""
    problems = []
    for sheet, part in book.sheets.items():
        for cell in book.xml(part).iterfind("m:sheetData/m:row/m:c", NS):
            formula = cell.find("m:f", NS)
            if formula is not None and formula.text not in meant:
                problems.append(f"{sheet!r} {cell.get('r')}: a formula ={formula.text} where text was meant")
    for text in book.shared:
        if len(text) > 32767:
            problems.append(f"a text of {len(text)} characters, over a cell's 32,767")
    return problems


def all_problems(book: Package, meant_formulas: frozenset[str] = frozenset()) -> list[str]:
    """Every problem the rules above find; ``meant_formulas`` are the formula texts the writer intends."""
    return (sheet_name_problems(book) + table_problems(book) + defined_name_problems(book)
            + validation_problems(book) + style_problems(book) + cell_problems(book, meant_formulas))
