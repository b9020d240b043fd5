"""Builds ``workbook_template.xlsm`` from source: sheets (schema), VBA (.bas text), ribbon (XML); and the
xlwings Lite edition ``workbook_template_lite.xlsx`` from the same sheets, with buttons as shapes
(:mod:`kpi_xl.template.lite_buttons`) instead of VBA and a ribbon.

openpyxl writes the sheets; the package is then made macro-enabled: the
workbook part's content type, ``xl/vbaProject.bin`` (written by
:mod:`kpi_xl.template.vba_project`) with its relationship, and the ribbon
``customUI/customUI.xml`` with its relationship from the package root. The
result is deterministic (fixed timestamps, fixed project ID), so building twice
gives the same bytes, and it is written to a temporary file first: a failed
build never leaves a half-written workbook behind.
"""

from __future__ import annotations

import datetime as _dt
import io
import os
import re
import tempfile
import zipfile
from pathlib import Path

import xlwings
from openpyxl import Workbook
from openpyxl.workbook.defined_name import DefinedName

from ..schema import sheet_title
from .lite_buttons import add_lite_buttons, lay_out_lite
from .sheets import add_sheets
from .udf_wrapper import generate_udf_wrapper
from .vba_project import build_vba_project
from .vba_sources import template_modules

__all__ = ["build_template", "RIBBON_XML", "TEMPLATE_NAME", "LITE_TEMPLATE_NAME", "EDITIONS", "EDITION_NAMES", "BUILT_WITH_NAME",
           "XLSM_CONTENT_TYPE"]

TEMPLATE_NAME = "workbook_template.xlsm"
LITE_TEMPLATE_NAME = "workbook_template_lite.xlsx"
#: The desktop edition (VBA, ribbon, classic xlwings) and the xlwings Lite edition (no VBA, buttons as shapes).
EDITIONS = ("desktop", "lite")
#: Each edition's file name (its extension is the one Excel expects of its content).
EDITION_NAMES = {"desktop": TEMPLATE_NAME, "lite": LITE_TEMPLATE_NAME}
RIBBON_XML = Path(__file__).resolve().parent / "ribbon" / "customUI.xml"
#: Defined name holding the xlwings version whose VBA the workbook carries (read by `kpi-xl doctor`).
BUILT_WITH_NAME = "kpi_xlwings_version"
XLSM_CONTENT_TYPE = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
_XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_VBA_REL = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
_RIBBON_REL = "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"
#: The calculation engine id Excel 2019 / 365 writes in ``<calcPr calcId>``.
EXCEL_CALC_ID = 191029
_FIXED_TIME = _dt.datetime(2024, 1, 1, 0, 0, 0)
_ZIP_TIME = (2024, 1, 1, 0, 0, 0)


def _workbook_bytes(lang: str, edition: str = "desktop") -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    add_sheets(wb, lang)
    if edition == "lite":  # no classic xlwings: no xlwings.conf sheet, no VBA version to match
        wb.remove(wb[sheet_title("xlwings_conf", lang)])
        lay_out_lite(wb, wb[sheet_title("dashboard", lang)], wb[sheet_title("home", lang)], lang)
    wb.code_name = "ThisWorkbook"
    wb.active = 0
    # No cell formula to compute, so no recalculation on open: Excel would mark the workbook changed and ask
    # to save on every close. calcId is Excel 365's engine: an older id also makes Excel recalculate everything.
    wb.calculation.fullCalcOnLoad = False
    wb.calculation.calcId = EXCEL_CALC_ID
    if edition == "desktop":
        wb.defined_names[BUILT_WITH_NAME] = DefinedName(BUILT_WITH_NAME, attr_text=f'"{xlwings.__version__}"')
    wb.properties.creator = "kpi_xl"
    wb.properties.title = "kpi_xl"
    wb.properties.created = wb.properties.modified = _FIXED_TIME
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _add_relationship(rels: str, rel_id: str, rel_type: str, target: str) -> str:
    return rels.replace("</Relationships>",
                        f'<Relationship Id="{rel_id}" Type="{rel_type}" Target="{target}"/></Relationships>')


def _parts(xlsx: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(xlsx)) as source:
        return {name: source.read(name) for name in source.namelist()}


def _macro_enabled(xlsx: bytes, vba: bytes, ribbon: bytes) -> bytes:
    """The .xlsx package made into an .xlsm with its VBA project and ribbon."""
    parts = _parts(xlsx)
    types = parts["[Content_Types].xml"].decode("utf-8").replace(_XLSX_CONTENT_TYPE, XLSM_CONTENT_TYPE)
    types = types.replace("<Default ", '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
                          "<Default ", 1)
    parts["[Content_Types].xml"] = types.encode("utf-8")
    parts["xl/_rels/workbook.xml.rels"] = _add_relationship(
        parts["xl/_rels/workbook.xml.rels"].decode("utf-8"), "rIdVba", _VBA_REL, "vbaProject.bin").encode("utf-8")
    parts["_rels/.rels"] = _add_relationship(
        parts["_rels/.rels"].decode("utf-8"), "rIdRibbon", _RIBBON_REL, "customUI/customUI.xml").encode("utf-8")
    parts["xl/vbaProject.bin"] = vba
    parts["customUI/customUI.xml"] = ribbon
    return _packed(parts)


def _lite(xlsx: bytes, lang: str) -> bytes:
    """The .xlsx package with the Lite buttons on the dashboard."""
    parts = _parts(xlsx)
    add_lite_buttons(parts, lang)
    return _packed(parts)


def _packed(parts: dict[str, bytes]) -> bytes:
    """The parts zipped with fixed times: building twice gives the same bytes."""
    stamp = _FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    core = re.sub(r"(<dcterms:(created|modified)[^>]*>)[^<]*", rf"\g<1>{stamp}", parts["docProps/core.xml"].decode())
    parts["docProps/core.xml"] = core.encode("utf-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, data)
    return out.getvalue()


def build_template(out: str | os.PathLike | None = None, *, lang: str = "fr", edition: str = "desktop") -> Path:
    """Build the template workbook at ``out`` (labels in ``lang``: "fr" or "en"; ``edition`` desktop or lite;
    by default ``workbook_template.xlsm`` or ``workbook_template_lite.xlsx``); returns its path."""
    if lang not in ("fr", "en"):
        raise ValueError(f"lang must be 'fr' or 'en', not {lang!r}")
    if edition not in EDITIONS:
        raise ValueError(f"edition must be 'desktop' or 'lite', not {edition!r}")
    path = Path(out if out is not None else EDITION_NAMES[edition])
    if edition == "lite":
        data = _lite(_workbook_bytes(lang, edition), lang)
    else:
        wrapper = generate_udf_wrapper(workbook_name=path.name)
        vba = build_vba_project(template_modules(wrapper))
        data = _macro_enabled(_workbook_bytes(lang), vba, RIBBON_XML.read_bytes())
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=".kpi-xl-", suffix=path.suffix or ".xlsm", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)  # as an ordinary new file, not mkstemp's owner-only mode
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path
