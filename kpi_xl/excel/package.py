"""An .xlsx/.xlsm file as a package of parts, read fast and written surgically.

The headless refresh must leave everything it does not fill byte for byte as
it was (input sheets, VBA, ribbon, charts, styles, validations), which a full
load and save by openpyxl cannot promise (it drops charts and rewrites every
part). So values are read with python-calamine, the workbook's structure
(sheets, tables, defined names) from its XML, and cells are written by editing
only the XML part of the sheet that receives them. Saving goes to a temporary
file replaced over the original only once complete.
"""

from __future__ import annotations

import bisect
import copy
import datetime as _dt
import math
import os
import posixpath
import re
import struct
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, replace
from pathlib import Path
from collections.abc import MutableMapping
from typing import Any, BinaryIO, Iterator

import numpy as np
from lxml import etree
from python_calamine import CalamineWorkbook

from ..errors import KpiInputError
from .addresses import MAX_COL, MAX_ROW, column_index_from_string, get_column_letter
from .file_safety import fingerprint, save_guard, temp_prefix
from .moved_cells import MovedCells
from .sheet_xml import M as _M, NS, column_of as _col, holds_value as _holds_value
from .styles import CellFormats
from .values import Formatted, Formula

__all__ = ["Package", "TableRef", "Formula", "parse_ref"]

#: No DTD loaded, no entity expanded, no network: a workbook's parts need none of them.
_SAFE_XML = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=True)
_EXCEL_EPOCH = _dt.datetime(1899, 12, 30)


@dataclass(frozen=True)
class TableRef:
    """An Excel table (ListObject): its name, sheet, part and area (1-based, inclusive, its header row and any
    total row included), and how many total rows end it (Table Design > Total Row: ``totalsRowCount``)."""

    name: str
    sheet: str
    part: str
    first_row: int
    first_col: int
    last_row: int
    last_col: int
    total_rows: int = 0

    @property
    def body_last_row(self) -> int:
        """The last row of the table's data: above its total row, if it shows one."""
        return self.last_row - self.total_rows


def parse_ref(ref: str) -> tuple[int, int, int, int]:
    """``"$B$4:$F$20"`` or ``"C5"`` as (first_row, first_col, last_row, last_col); Excel reads the letters in
    either case. An area outside Excel's grid, or upside down, is a ValueError.

    >>> parse_ref("$B$4:$F$20"), parse_ref("b4:f20")
    ((4, 2, 20, 6), (4, 2, 20, 6))
    """
    cells = ref.replace("$", "").upper().split(":")
    points = []
    for cell in cells:
        match = re.fullmatch(r"([A-Z]{1,3})(\d{1,7})", cell)
        if not match:
            raise ValueError(f"not a cell reference: {ref!r}")
        point = (int(match.group(2)), column_index_from_string(match.group(1)))
        if not (1 <= point[0] <= MAX_ROW and 1 <= point[1] <= MAX_COL):
            raise ValueError(f"{ref!r} is outside Excel's grid")
        points.append(point)
    if len(points) > 2 or points[0][0] > points[-1][0] or points[0][1] > points[-1][1]:
        raise ValueError(f"{ref!r} is not an area from its top-left to its bottom-right cell")
    (r1, c1), (r2, c2) = points[0], points[-1]
    return r1, c1, r2, c2


class Package(MovedCells):
    """The parts of one workbook file, with its sheets, tables and defined names."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self._read_as = fingerprint(self.path)  # before reading: a change made from now on is seen at saving
        try:
            with zipfile.ZipFile(self.path) as archive:
                self._infos = archive.infolist()
                _check_crc(archive, self._infos)
            self.parts = _Parts(self.path, self._infos)
            self.parts["xl/workbook.xml"]
        except KeyError:
            raise KpiInputError(f"{self.path} is not an Excel workbook: it has no xl/workbook.xml") from None
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as error:
            reason = "it is a folder" if self.path.is_dir() else "it is not readable for you" \
                if isinstance(error, PermissionError) else f"the file is damaged or not a workbook ({error})"
            raise KpiInputError(f"{self.path} cannot be opened: {reason}") from None
        self._trees: dict[str, etree._ElementTree] = {}
        self._calamine: CalamineWorkbook | None = None
        self._fast_reader: Any = None
        self._values: dict[str, list[list[Any]]] = {}
        self._cell_formats: CellFormats | None = None
        workbook = self._xml("xl/workbook.xml")
        rels = self._rels("xl/workbook.xml")
        self.sheets: dict[str, str] = {}  # title -> part
        for sheet in workbook.iterfind("m:sheets/m:sheet", NS):
            rid = sheet.get("{%s}id" % NS["r"])
            self.sheets[sheet.get("name")] = rels[rid]
        self.names: dict[str, str] = {}
        for name in workbook.iterfind("m:definedNames/m:definedName", NS):
            if name.get("localSheetId") is None:
                self.names[name.get("name")] = name.text or ""
        self.tables: dict[str, TableRef] = {}
        for title, part in self.sheets.items():
            for target in self._rels(part, kind="/table").values():
                table = self._xml(target)
                try:
                    r1, c1, r2, c2 = parse_ref(table.get("ref") or "")
                except ValueError:
                    raise KpiInputError(f"{self.path.name}: the table {table.get('displayName')!r} has the area "
                                        f"{table.get('ref')!r}, which Excel cannot hold: take a fresh copy of the "
                                        "template") from None
                totals = table.get("totalsRowCount") or "0"
                if not totals.isdigit() or r1 + int(totals) > r2:  # the header and the total rows must fit
                    raise KpiInputError(f"{self.path.name}: the table {table.get('displayName')!r} ({table.get('ref')}) "
                                        f"says it ends with {totals} total row(s), which it cannot hold: switch its "
                                        "Total Row off and on in Excel (Table Design), save, then try again")
                self.tables[table.get("displayName")] = TableRef(table.get("displayName"), title, target,
                                                                 r1, c1, r2, c2, int(totals))

    def _xml(self, part: str) -> etree._Element:
        """A part's XML; a damaged part, or one that declares a DTD or entities, is refused by name."""
        try:
            data = self.parts[part]
            root = etree.fromstring(data, _SAFE_XML)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as error:
            raise KpiInputError(f"{self.path.name}: the part {part} is damaged ({error}); the file cannot be "
                                "used") from None
        except etree.XMLSyntaxError as error:
            raise KpiInputError(f"{self.path.name}: the part {part} is not well-formed XML ({error})") from None
        if root.getroottree().docinfo.doctype or b"<!ENTITY" in data[:4096]:
            raise KpiInputError(f"{self.path.name}: the part {part} declares a DTD or entities, which a workbook "
                                "never needs: refused")
        return root

    def _rels(self, part: str, kind: str = "") -> dict[str, str]:
        folder, name = posixpath.split(part)
        rels_part = posixpath.join(folder, "_rels", name + ".rels")
        if rels_part not in self.parts:
            return {}
        out = {}
        for rel in self._xml(rels_part).iterfind("rel:Relationship", NS):
            if kind and not rel.get("Type").endswith(kind):
                continue
            target = rel.get("Target")
            out[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else \
                posixpath.normpath(posixpath.join(folder, target))
        return out

    # ---- reading

    def name_target(self, name: str) -> tuple[str, tuple[int, int, int, int]]:
        """The sheet title and area of a defined name."""
        if name not in self.names:
            raise KpiInputError(f"{self.path.name} has no defined name {name!r}: is it a kpi_xl workbook?")
        text = self.names[name]
        sheet, _, ref = text.rpartition("!")
        sheet = sheet.strip("'").replace("''", "'")
        if sheet not in self.sheets:
            raise KpiInputError(f"the name {name} points at a sheet {sheet!r} that does not exist")
        return sheet, parse_ref(ref)

    def set_print_area(self, name: str) -> None:
        """Make a defined name's area the print area of its sheet (``_xlnm.Print_Area``)."""
        sheet, _area = self.name_target(name)
        index = str(list(self.sheets).index(sheet))
        root = self._tree("xl/workbook.xml").getroot()
        names = root.find("m:definedNames", NS)
        for defined in names.iterfind("m:definedName", NS):
            if defined.get("name") == "_xlnm.Print_Area" and defined.get("localSheetId") == index:
                defined.text = self.names[name]
                return
        etree.SubElement(names, _M + "definedName", name="_xlnm.Print_Area", localSheetId=index).text = \
            self.names[name]

    def values(self, sheet: str) -> list[list[Any]]:
        """Every cell value of a sheet from A1, rows of equal length (calamine; blanks are '')."""
        if sheet not in self._values:
            if self._calamine is None:
                self._calamine = CalamineWorkbook.from_path(str(self.path))
            self._values[sheet] = self._calamine.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        return self._values[sheet]

    def rows_holding_values(self, sheet: str, rows: range, first_col: int, last_col: int) -> list[int]:
        """The rows among ``rows`` with a cell holding a value (not a style only) in columns ``first_col`` to
        ``last_col``, from the sheet's XML itself, not its used area (``<dimension>``), which a tool may have
        left short: the cells new rows would land on."""
        found = []
        for row in self._tree(self.sheets[sheet]).getroot().find("m:sheetData", NS).iterfind("m:row", NS):
            number = int(row.get("r"))
            if number >= rows.stop:
                break  # rows are in order, as Excel requires
            if number >= rows.start and any(first_col <= _col(cell.get("r")) <= last_col and _holds_value(cell)
                                             for cell in row.iterfind("m:c", NS)):
                found.append(number)
        return found

    def fast_reader(self, fastexcel: Any) -> Any:
        """The file opened with fastexcel (the module passed in, imported by the caller only when used)."""
        if self._fast_reader is None:
            self._fast_reader = fastexcel.read_excel(str(self.path))
        return self._fast_reader

    def area(self, sheet: str, r1: int, c1: int, r2: int, c2: int) -> np.ndarray:
        """Values of an area (1-based, inclusive) as a 2-D object array, '' beyond the sheet's data."""
        rows = self.values(sheet)[r1 - 1:r2]
        grid = np.full((r2 - r1 + 1, c2 - c1 + 1), "", dtype=object)
        if rows and len({len(row) for row in rows}) == 1:  # calamine's rows are all as wide: one C-level copy
            block = np.empty((len(rows), len(rows[0])), dtype=object)
            block[:] = rows
            part = block[:, c1 - 1:c2]
            grid[:part.shape[0], :part.shape[1]] = part
        else:
            for i, row in enumerate(rows):
                part = row[c1 - 1:c2]
                grid[i, :len(part)] = part
        return grid

    # ---- writing

    def _tree(self, part: str) -> etree._ElementTree:
        if part not in self._trees:
            self._trees[part] = etree.ElementTree(self._xml(part))
        return self._trees[part]

    def write_cells(self, sheet: str, cells: dict[tuple[int, int], Any]) -> None:
        """Write values into a sheet, keeping each cell's style; None clears a value."""
        root = self._tree(self.sheets[sheet]).getroot()
        data = root.find("m:sheetData", NS)
        column_styles = _column_styles(root)  # a new cell takes its column's style (number format, fill), as in Excel
        rows = {int(row.get("r")): row for row in data.iterfind("m:row", NS)}
        numbers = sorted(rows)  # to find the row a new one follows (rows below a table and an import's rows)
        row_cells: dict[int, dict[int, etree._Element]] = {}  # the touched rows' cells by column, built once
        last = numbers[-1] if numbers else 0
        below, cells = _rows_below(cells, last)  # written last, as one block of XML text: fast
        for (r, c), value in sorted(cells.items()):
            row = rows.get(r)
            if row is None:
                row = etree.Element(_M + "row", r=str(r))
                if r > last:  # the common case: rows added below the data
                    data.append(row)
                    last = r
                    numbers.append(r)
                else:
                    at = bisect.bisect_left(numbers, r)
                    if at:
                        rows[numbers[at - 1]].addnext(row)
                    else:
                        data.insert(0, row)
                    numbers.insert(at, r)
                rows[r] = row
            known = row_cells.get(r)
            if known is None:
                known = row_cells[r] = {_col(x.get("r")): x for x in row.iterfind("m:c", NS)}
            cell = known.get(c)
            if cell is None:
                cell = etree.Element(_M + "c", r=f"{get_column_letter(c)}{r}")
                if c in column_styles:
                    cell.set("s", column_styles[c])
                later = [col for col in known if col > c]
                if later:
                    known[min(later)].addprevious(cell)
                else:
                    row.append(cell)
                known[c] = cell
            if isinstance(value, Formatted):
                cell.set("s", str(self._formats().with_format(int(cell.get("s", "0")), value.number_format)))
                value = value.value
            _set(cell, value)
        if below:
            self._append_rows(self.sheets[sheet], below, column_styles)
        self._values.pop(sheet, None)
        self._fast_reader = None

    def append_rows(self, sheet: str, first_row: int, first_col: int, rows: list[list[Any]]) -> None:
        """Write rows of plain values from ``first_row``, column ``first_col`` on (None: no cell).

        The rows after the last existing row they land on (an import's new orders) are written as
        one block of XML text, built a column position at a time with no dictionary per cell, at the
        end of the sheet's data or before its next row (a note below the table, a moved total row);
        the rows up to that last existing one go through :meth:`write_cells`. The XML is what
        :meth:`write_cells` writes.
        """
        part = self.sheets[sheet]
        root = self._tree(part).getroot()
        data = root.find("m:sheetData", NS)
        end, landed, after = first_row + len(rows) - 1, 0, None
        for row in data.iterfind("m:row", NS):  # in order, as Excel requires
            number = int(row.get("r"))
            if number > end:
                after = row  # the block goes before it (a table's total row, moved down first)
                break
            landed = max(landed, number)
        cut = max(0, landed - first_row + 1)
        if cut:
            self.write_cells(sheet, {(first_row + i, first_col + j): value for i, row in enumerate(rows[:cut])
                                     for j, value in enumerate(row) if value is not None})
        if cut < len(rows):
            column_styles = _column_styles(root)
            width = max(len(row) for row in rows)
            top = first_row + cut
            numbers = range(top, first_row + len(rows))
            padded = [row + [None] * (width - len(row)) for row in rows[cut:]]
            columns = [_column_xml(get_column_letter(first_col + j),
                                   f' s="{column_styles[first_col + j]}"' if first_col + j in column_styles else "",
                                   values, numbers)
                       for j, values in enumerate(zip(*padded, strict=True))]
            row_cells = map("".join, zip(*columns, strict=True))
            block = [f'<row r="{r}">{cells}</row>' for r, cells in zip(numbers, row_cells, strict=True) if cells]
            self._splice(part, "".join(block).encode("utf-8"), parse=False, before=after)
        self._values.pop(sheet, None)
        self._fast_reader = None

    def _append_rows(self, part: str, below: dict[int, list[tuple[int, Any]]], column_styles: dict[int, str]) -> None:
        """Append rows of plain values below a sheet's data: their XML text spliced in, the sheet parsed once
        (moving 100,000 rows between lxml documents costs minutes, parsing them a second)."""
        letters: dict[int, str] = {}
        rows = []
        for r in sorted(below):
            cells = "".join(_cell_xml(f"{letters.get(c) or letters.setdefault(c, get_column_letter(c))}{r}",
                                      f' s="{column_styles[c]}"' if c in column_styles else "", value)
                            for c, value in sorted(below[r], key=lambda item: item[0]))
            rows.append(f'<row r="{r}">{cells}</row>')
        self._splice(part, "".join(rows).encode("utf-8"))

    def _splice(self, part: str, block: bytes, *, parse: bool = True, before: etree._Element | None = None) -> None:
        """Put rows' XML text at the end of a sheet's data (or ``before`` a row of it) and parse the sheet once.

        Without ``parse`` the sheet is kept as that text (parsed again only if it is written to
        once more): for a block made by :func:`_column_xml`, whose texts were checked for the
        characters XML refuses (the sheet is parsed then, and refused as before).
        """
        data = self._tree(part).getroot().find("m:sheetData", NS)
        if data is None:
            raise KpiInputError(f"{self.path.name}: the sheet {part} has no cell data (<sheetData>); open and save "
                                "the workbook in Excel, then try again")
        if data.prefix:  # Open XML SDK tools write <x:row>: the rows declare the main namespace as their own
            block = block.replace(b"<row ", f'<row xmlns="{NS["m"]}" '.encode())
        marker = etree.Comment(" kpi_xl: rows go here ")  # no sheet Excel writes holds a comment
        (before.addprevious if before is not None else data.append)(marker)
        text = etree.tostring(self._tree(part), xml_declaration=True, encoding="UTF-8", standalone=True)
        data.remove(marker)
        text = text.replace(etree.tostring(marker), block, 1)
        if parse or _not_xml(block):
            self._trees[part] = etree.ElementTree(etree.fromstring(text))
        else:
            self._trees.pop(part, None)
            self.parts[part] = text

    def _formats(self) -> CellFormats:
        """The number formats of styles.xml, loaded on the first formatted write."""
        if self._cell_formats is None:
            self._cell_formats = CellFormats(self._tree("xl/styles.xml").getroot())
        return self._cell_formats

    def set_table_area(self, table: str, last_body_row: int) -> None:
        """Make a table's data end on ``last_body_row`` (it grew or shrank). A total row moves to just below,
        its cells in the table's columns with it, as Excel moves it when rows are added; the autofilter
        covers the header and the data, without the total row, as Excel writes it."""
        ref = self.tables[table]
        if ref.total_rows and last_body_row != ref.body_last_row:
            self._move_cells(ref, range(ref.body_last_row + 1, ref.last_row + 1), last_body_row - ref.body_last_row)
        root = self._tree(ref.part).getroot()
        columns = f"{get_column_letter(ref.first_col)}{ref.first_row}:{get_column_letter(ref.last_col)}"
        root.set("ref", f"{columns}{last_body_row + ref.total_rows}")
        auto = root.find("m:autoFilter", NS)
        if auto is not None:
            auto.set("ref", f"{columns}{last_body_row}")
        self.tables[table] = replace(ref, last_row=last_body_row + ref.total_rows)

    def save(self, path: str | os.PathLike | None = None, *, recalculate: bool = True) -> Path:
        """Write the package (to ``path`` or over the original) through a temporary file.

        With ``recalculate``, Excel is asked to recalculate on open (written values may feed formulas).
        """
        target = Path(path) if path is not None else self.path
        for part, tree in self._trees.items():
            self.parts[part] = etree.tostring(tree, xml_declaration=True, encoding="UTF-8", standalone=True)
        with save_guard(self.path, self._read_as, target):  # under the lock, the file checked unchanged:
            if recalculate:  # the scan reads untouched sheets from the file, at the offsets read when it was opened
                self._full_recalculation()
            self._write(target)
        if target.resolve() == self.path.resolve():
            self._read_as = fingerprint(self.path)
        return target

    def _write(self, target: Path) -> None:
        """Write to a temporary file beside ``target``, then put it in place in one step."""
        try:
            handle, temp = tempfile.mkstemp(prefix=temp_prefix(target), suffix=".tmp", dir=target.parent)
        except OSError as error:
            raise KpiInputError(f"cannot write in {target.parent}: {error.strerror}") from None
        try:
            with os.fdopen(handle, "wb") as stream, zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive, \
                    open(self.path, "rb") as source:
                for info in self._infos:
                    if self.parts.changed(info.filename):  # level 1: large sheets compress 5x faster, ~20 % larger
                        archive.writestr(info, self.parts[info.filename], compress_type=zipfile.ZIP_DEFLATED,
                                         compresslevel=1)
                    else:  # untouched: its compressed bytes as they are, neither inflated nor deflated again
                        _copy_member(source, info, archive)
            if target.exists():
                os.chmod(temp, target.stat().st_mode & 0o777)
            os.replace(temp, target)
            if target.resolve() == self.path.resolve():  # later saves copy members from the new file
                with zipfile.ZipFile(target) as archive:
                    self._infos = archive.infolist()
        except OSError as error:
            Path(temp).unlink(missing_ok=True)
            raise KpiInputError(f"cannot write {target}: {error.strerror or error}; the original is unchanged") \
                from None
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise

    def part_chunks(self, part: str) -> Iterator[bytes]:
        """A part's bytes, a piece at a time: a part already in memory as it is, an untouched one streamed from
        the file and inflated as it comes (see :func:`_chunks`), never held whole (the orders sheet of a
        million rows is 332 MB of XML)."""
        held = self.parts.held(part)
        if held is not None:
            yield held
            return
        with zipfile.ZipFile(self.path) as archive:
            yield from _chunks(archive, part)

    def _full_recalculation(self) -> None:
        """Ask Excel to recalculate on open only when a sheet holds a formula the written values may feed.

        ``NA()`` (written with its cached #N/A) reads no cell; any other formula, such as a user's own,
        may. Without such a formula the flag would only make Excel mark the workbook changed on every
        open, and ask to save it on close.
        """
        text = self.parts["xl/workbook.xml"].decode("utf-8")
        sizes = {info.filename: info.file_size for info in self._infos}
        # the sheets in memory first, then the smallest: one formula found ends the search before the orders sheet
        sheets = sorted((name for name in self.parts if name.startswith("xl/worksheets/")),
                        key=lambda name: (self.parts.held(name) is None, sizes.get(name, 0)))
        formulas = any(_reads_cells(self.part_chunks(name)) for name in sheets)
        if formulas == (re.search(r'fullCalcOnLoad="(?:1|true)"', text) is not None):
            return  # as it should be: the part is left as it is (an import touches its sheet and table only)
        text = re.sub(r'\s*fullCalcOnLoad="[^"]*"', "", text)
        if formulas and "<calcPr" in text:
            text = re.sub(r"<calcPr\b", '<calcPr fullCalcOnLoad="1"', text, count=1)
        self.parts["xl/workbook.xml"] = text.encode("utf-8")


#: Members up to this size are checked against their CRC when the file is opened (a damaged byte in a
#: sheet can inflate into other, wrong values that no parser notices); larger ones, the orders sheet of a
#: workbook near Excel's row limit, are left to the parsers, which stops at a broken stream.
CRC_CHECK_BYTES = 64 * 1024 * 1024


def _check_crc(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    for info in infos:
        if info.file_size <= CRC_CHECK_BYTES:
            with archive.open(info) as member:  # zipfile compares the CRC once the member is read to its end
                while member.read(1 << 20):
                    pass


_FORMULA = re.compile(rb"<f[ >]")
_NOT_AVAILABLE = b"<f>NA()</f>"


def _chunks(archive: zipfile.ZipFile, name: str, size: int = 1 << 20):
    """A member's inflated bytes, a chunk at a time (never the whole member in memory).

    A deflated member is read raw and inflated by ISA-L (``isal``, about 4 times faster than
    zlib: 0.2 s instead of 0.85 s for the 332 MB orders sheet of 1,048,572 rows) where it is
    installed, by zlib otherwise. Other methods go through ``zipfile``.
    """
    info = archive.getinfo(name)
    if info.compress_type != zipfile.ZIP_DEFLATED:
        with archive.open(name) as stream:
            while chunk := stream.read(size):
                yield chunk
        return
    inflater = _inflater()
    # the archive's own open file (a copy of its handle), never the path again: another program may have put
    # a new file there since the archive read its central directory
    with os.fdopen(os.dup(archive.fp.fileno()), "rb") as source:
        _seek_data(source, info)
        left = info.compress_size
        while left > 0:
            raw = source.read(min(size, left))
            if not raw:
                raise zipfile.BadZipFile(f"{name} is cut short")
            left -= len(raw)
            if chunk := inflater.decompress(raw):
                yield chunk
        if chunk := inflater.flush():
            yield chunk


def _inflater():
    """A raw-deflate decompressor: ISA-L's where installed (same output, faster), else zlib's."""
    try:
        from isal import isal_zlib
    except ImportError:
        return zlib.decompressobj(-zlib.MAX_WBITS)
    return isal_zlib.decompressobj(-zlib.MAX_WBITS)


def _reads_cells(chunks) -> bool:
    """True when the sheet XML in ``chunks`` holds a formula other than ``NA()`` (which reads no cell).

    A chunk without the letter f holds no ``<f`` tag: ``bytes`` finds a single byte with memchr (0.02 s
    for the 332 MB orders sheet of 1,048,572 rows, where the regex scan takes 0.2 s), so such chunks,
    most of a sheet of numbers and short texts, are skipped.
    """
    tail, keep = b"", len(_NOT_AVAILABLE)
    for chunk in chunks:
        if b"f" not in chunk and b"f" not in tail:
            tail = (tail + chunk[-keep:])[-keep:]
            continue
        data = tail + chunk
        for match in _FORMULA.finditer(data):
            if match.start() >= len(data) - keep:  # may be cut by the chunk's end: looked at with the next one
                break
            if data[match.start():match.start() + keep] != _NOT_AVAILABLE:
                return True
        tail = data[-keep:]
    return bool(_FORMULA.search(tail)) and not tail.endswith(_NOT_AVAILABLE)


class _Parts(MutableMapping):
    """The parts of a package by name, each inflated only when first read; remembers which were replaced.

    A refresh reads the large orders sheet with calamine and never writes it, so its
    XML is neither inflated on open nor deflated on save (see :func:`_copy_member`).
    """

    def __init__(self, path: Path, infos: list[zipfile.ZipInfo]):
        self._path = path
        self._names = [info.filename for info in infos]
        self._read: dict[str, bytes] = {}
        self._changed: set[str] = set()

    def __getitem__(self, name: str) -> bytes:
        if name not in self._read:
            if name not in self._names:
                raise KeyError(name)
            with zipfile.ZipFile(self._path) as archive:
                self._read[name] = archive.read(name)
        return self._read[name]

    def __setitem__(self, name: str, data: bytes) -> None:
        self._read[name] = data
        self._changed.add(name)
        if name not in self._names:
            self._names.append(name)

    def __delitem__(self, name: str) -> None:
        raise TypeError("a part cannot be removed from a package")

    def __iter__(self):
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def __contains__(self, name: object) -> bool:
        return name in self._names

    def changed(self, name: str) -> bool:
        """True when the part was replaced since the package was opened."""
        return name in self._changed

    def held(self, name: str) -> bytes | None:
        """The part's bytes when they are in memory already (read or replaced), else None."""
        return self._read.get(name)


def _seek_data(source: BinaryIO, info: zipfile.ZipInfo) -> None:
    """Move ``source`` (the zip file) to the first byte of a member's compressed data, past its local header."""
    source.seek(info.header_offset)
    local = source.read(30)
    if local[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"no local header for {info.filename}")
    name_length, extra_length = struct.unpack("<HH", local[26:30])
    source.seek(info.header_offset + 30 + name_length + extra_length)


def _copy_member(source: BinaryIO, info: zipfile.ZipInfo, archive: zipfile.ZipFile) -> None:
    """Copy one member's compressed bytes from an open zip file into an archive being written.

    The local header is written afresh from the central directory's record (CRC,
    sizes, method), so a member first written with a data descriptor is copied
    without one. Standard library only: ``zipfile`` has no raw copy of its own.
    """
    _seek_data(source, info)
    data = source.read(info.compress_size)
    copied = copy.copy(info)
    copied.flag_bits &= ~0x08  # sizes and CRC are in the new local header
    copied.extra = b""  # any zip64 field is written again by FileHeader when the sizes need it
    copied.header_offset = archive.fp.tell()
    archive.fp.write(copied.FileHeader(zip64=None))
    archive.fp.write(data)
    archive.filelist.append(copied)
    archive.NameToInfo[copied.filename] = copied
    archive.start_dir = archive.fp.tell()
    archive._didModify = True  # noqa: SLF001 - the central directory must list the copied members


def _column_styles(root: etree._Element) -> dict[int, str]:
    """The style of each column that has one (1-based column number), from the sheet's <cols>."""
    styles = {}
    for col in root.iterfind("m:cols/m:col", NS):
        if col.get("style"):
            for index in range(int(col.get("min")), int(col.get("max")) + 1):
                styles[index] = col.get("style")
    return styles


def _rows_below(cells: dict[tuple[int, int], Any], last: int) -> tuple[dict[int, list[tuple[int, Any]]],
                                                                    dict[tuple[int, int], Any]]:
    """The plain values of rows below ``last`` by row, and the other cells."""
    below: dict[int, list[tuple[int, Any]]] = {}
    rest = {}
    for (r, c), value in cells.items():
        if r > last and not isinstance(value, (Formatted, Formula)):
            below.setdefault(r, []).append((c, value))
        else:
            rest[(r, c)] = value
    return below, rest


#: The control characters XML 1.0 refuses in a document (all but tab, line feed and carriage return).
_CONTROL = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
#: The two other characters XML 1.0 refuses, U+FFFE and U+FFFF, in UTF-8.
_NOT_CHARACTERS = re.compile(rb"\xef\xbf[\xbe\xbf]")


def _not_xml(text: bytes) -> bool:
    """Whether UTF-8 ``text`` holds a character XML refuses (a C-speed pass: delete the control characters)."""
    return len(text.translate(None, _CONTROL)) != len(text) or _NOT_CHARACTERS.search(text) is not None


#: White space (``str.strip``'s) after a NUL: in texts joined by NULs, a text that starts with it.
_SPACE_AFTER_NUL = re.compile(r"\x00\s")


def _column_xml(letter: str, style: str, values: tuple[Any, ...], rows: range) -> list[str]:
    """The XML of one column's cells on ``rows`` ("" for None), as :func:`_cell_xml` writes each.

    A column of finite floats, or of texts with no surrounding space and nothing to escape,
    is written by one comprehension; any other column cell by cell.
    """
    present = [value for value in values if value is not None]
    kinds = set(map(type, present))
    if kinds == {float} and all(map(math.isfinite, present)):
        return ["" if value is None else f'<c r="{letter}{r}"{style}><v>{value!r}</v></c>'
                for r, value in zip(rows, values, strict=True)]
    if kinds == {_dt.date}:  # dates (not datetimes): whole days since Excel's day 0
        epoch = _EXCEL_EPOCH.toordinal()
        return ["" if value is None else f'<c r="{letter}{r}"{style}><v>{float(value.toordinal() - epoch)!r}</v></c>'
                for r, value in zip(rows, values, strict=True)]
    if kinds == {str}:
        joined = "\x00" + "\x00".join(present) + "\x00"
        spaced = _SPACE_AFTER_NUL.search(joined) or _SPACE_AFTER_NUL.search(joined[::-1])  # around a text
        if not spaced and not (set(joined) & {"&", "<", ">"}):
            return ["" if value is None else f'<c r="{letter}{r}"{style} t="inlineStr"><is><t>{value}</t></is></c>'
                    for r, value in zip(rows, values, strict=True)]
    return ["" if value is None else _cell_xml(f"{letter}{r}", style, value) for r, value in zip(rows, values, strict=True)]


def _cell_xml(ref: str, style: str, value: Any) -> str:
    """One cell's XML, as :func:`_set` writes it."""
    kind = type(value)
    if kind is str and value == value.strip():  # the common cases first: text, money, dates
        escaped = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return f'<c r="{ref}"{style} t="inlineStr"><is><t>{escaped}</t></is></c>'
    if kind is float and math.isfinite(value):
        return f'<c r="{ref}"{style}><v>{value!r}</v></c>'
    if kind is _dt.date:
        return f'<c r="{ref}"{style}><v>{float(value.toordinal() - _EXCEL_EPOCH.toordinal())!r}</v></c>'
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        value = value.item()
    if value is None:
        return f'<c r="{ref}"{style}/>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{style} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (_dt.datetime, _dt.date)):
        stamp = value if isinstance(value, _dt.datetime) else _dt.datetime(value.year, value.month, value.day)
        value = (stamp - _EXCEL_EPOCH).total_seconds() / 86400
    if isinstance(value, (int, float)) and not (isinstance(value, float) and (math.isnan(value) or math.isinf(value))):
        return f'<c r="{ref}"{style}><v>{repr(float(value)) if isinstance(value, float) else value}</v></c>'
    text = str(value)
    space = ' xml:space="preserve"' if text != text.strip() else ""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{escaped}</t></is></c>'


def _set(cell: etree._Element, value: Any) -> None:
    for child in list(cell):
        cell.remove(child)
    for attribute in ("t",):
        cell.attrib.pop(attribute, None)
    if value is None:
        return
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        value = value.item()
    if isinstance(value, Formula):
        etree.SubElement(cell, _M + "f").text = value.text
        if value.cached_error:
            cell.set("t", "e")
            etree.SubElement(cell, _M + "v").text = value.cached_error
        return
    if isinstance(value, bool):
        cell.set("t", "b")
        etree.SubElement(cell, _M + "v").text = "1" if value else "0"
        return
    if isinstance(value, (_dt.datetime, _dt.date)):
        stamp = value if isinstance(value, _dt.datetime) else _dt.datetime(value.year, value.month, value.day)
        value = (stamp - _EXCEL_EPOCH).total_seconds() / 86400
    if isinstance(value, (int, float)) and not (isinstance(value, float) and (math.isnan(value) or math.isinf(value))):
        etree.SubElement(cell, _M + "v").text = repr(float(value)) if isinstance(value, float) else str(value)
        return
    cell.set("t", "inlineStr")
    text = etree.SubElement(etree.SubElement(cell, _M + "is"), _M + "t")
    text.text = str(value)
    if text.text != text.text.strip():
        text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
