"""Number formats of cells written into a package: the cell keeps its style (font, fill, border,
alignment) and takes the number format it is given.

A style is an ``xf`` record of ``xl/styles.xml``'s ``cellXfs``; a cell points at one by index. To
change only the number format, the cell's ``xf`` is copied with another ``numFmtId`` (or an
existing identical copy is reused), and a custom format code is added to ``numFmts`` once.
"""

from __future__ import annotations

from lxml import etree

__all__ = ["CellFormats", "BUILTIN_FORMATS"]

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_M = "{%s}" % _NS

#: The built-in formats of ECMA-376 Part 1, 18.8.30 that a writer refers to by id alone.
BUILTIN_FORMATS = {"General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9, "0.00%": 10,
                   "0.00E+00": 11, "mm-dd-yy": 14, "d-mmm-yy": 15, "h:mm": 20, "@": 49}
_FIRST_CUSTOM_ID = 164  # ids below are reserved for built-in formats


class CellFormats:
    """The number formats and cell styles of one ``styles.xml`` tree, edited in place."""

    def __init__(self, root: etree._Element):
        self.root = root
        self.xfs = root.find(_M + "cellXfs")
        self.num_fmts = root.find(_M + "numFmts")
        self._ids: dict[str, int] = dict(BUILTIN_FORMATS)
        if self.num_fmts is not None:
            for fmt in self.num_fmts.iterfind(_M + "numFmt"):
                self._ids.setdefault(fmt.get("formatCode"), int(fmt.get("numFmtId")))
        self._styles: dict[tuple[int, str], int] = {}

    def format_id(self, code: str) -> int:
        """The id of a format code, added to ``numFmts`` when new."""
        if code in self._ids:
            return self._ids[code]
        if self.num_fmts is None:
            self.num_fmts = etree.Element(_M + "numFmts")
            self.root.insert(0, self.num_fmts)
        new = max([_FIRST_CUSTOM_ID - 1, *(i for i in self._ids.values())]) + 1
        etree.SubElement(self.num_fmts, _M + "numFmt", numFmtId=str(new), formatCode=code)
        self.num_fmts.set("count", str(len(self.num_fmts)))
        self._ids[code] = new
        return new

    def with_format(self, style: int, code: str) -> int:
        """The index of a style equal to ``style`` but for its number format, which is ``code``."""
        key = (style, code)
        if key not in self._styles:
            self._styles[key] = self._find_or_add(style, self.format_id(code))
        return self._styles[key]

    def _find_or_add(self, style: int, fmt_id: int) -> int:
        records = list(self.xfs)
        base = records[style] if style < len(records) else records[0]
        if int(base.get("numFmtId", "0")) == fmt_id:
            return style
        wanted = dict(base.attrib, numFmtId=str(fmt_id), applyNumberFormat="1")
        children = etree.tostring(base, method="c14n").split(b">", 1)[1]  # the same alignment, protection
        for index, record in enumerate(records):
            if dict(record.attrib) == wanted and etree.tostring(record, method="c14n").split(b">", 1)[1] == children:
                return index
        copy = etree.fromstring(etree.tostring(base))
        copy.attrib.clear()
        copy.attrib.update(wanted)
        self.xfs.append(copy)
        self.xfs.set("count", str(len(self.xfs)))
        return len(self.xfs) - 1
